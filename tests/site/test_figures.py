"""Figures a reader can read and a screen reader can describe.

* **Text size.** A notebook figure is saved at ``nnbook.plots.FIGURE_DPI`` (100; explorer frames at
  ``nnbook.widgets.STATIC_DPI``, 96), where Matplotlib's default 10-point tick label is 13.9 px high. The page shows
  the PNG at ``shown`` of its ``natural`` CSS pixels, so that label is ``13.9 × shown / natural`` px high on the
  page; it must be at least ``nnbook.plots.MIN_TEXT_PX`` (9.5) at the laptop size (the column is 688 px).
* **Alt text.** Every picture has an ``alt`` (or ``aria-label``) that describes it, never its hash file name.
* **Sliders** tell a screen reader their value (``aria-valuetext`` "0.01"), not their position ("1").
"""

from __future__ import annotations

import re

import pytest

from nnbook import plots, widgets
from sitecheck import DESKTOP, PAGES, Visit

FIGURES = """() => Array.from(document.querySelectorAll('.bd-article img')).map(img => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt'), natural: img.naturalWidth,
    shown: img.getBoundingClientRect().width, visible: img.offsetParent !== null,
    frame: img.hasAttribute('data-picture'), output: !!img.closest('.cell_output')}))"""

SVG_PICTURES = """() => Array.from(document.querySelectorAll('.bd-article svg[data-picture]'))
    .map(svg => svg.getAttribute('aria-label') || '')"""

SLIDERS = """() => Array.from(document.querySelectorAll('.nnbook-explorer input[type=range]')).map(el => {
    const labels = JSON.parse(el.dataset.labels || 'null');
    const before = el.getAttribute('aria-valuetext');
    const expected = labels ? labels[Number(el.value) - Number(el.min)] : null;
    el.value = Number(el.value) === Number(el.min) ? el.max : el.min;
    el.dispatchEvent(new Event('input', {bubbles: true}));
    const after = el.getAttribute('aria-valuetext');
    const moved = labels ? labels[Number(el.value) - Number(el.min)] : null;
    return {before, expected, after, moved, position: el.value};
})"""

FILE_NAME = re.compile(
    r"(^|/)[0-9a-f]{16,}\.(png|jpe?g|gif|svg)$|\.(png|jpe?g|gif|svg)$", re.I
)
FALLBACK = re.compile(r"^(Figure \d+ of |untitled figure)")


@pytest.fixture(scope="module")
def figures(browser, server):
    """``figures(page)``: the page's pictures as the laptop-sized browser lays them out (one visit per page)."""
    found: dict[str, dict] = {}

    def get(page: str) -> dict:
        if page not in found:
            visit = Visit(
                browser, server, server + page + ".html", viewport=DESKTOP
            )
            try:
                visit.load_every_image()
                found[page] = {
                    "images": visit.page.evaluate(FIGURES),
                    "svgs": visit.page.evaluate(SVG_PICTURES),
                    "sliders": visit.page.evaluate(SLIDERS),
                }
            finally:
                visit.close()
        return found[page]

    return get


def tick_label_px(image: dict) -> float:
    dpi = widgets.STATIC_DPI if image["frame"] else plots.FIGURE_DPI
    return (
        plots.TICK_POINTS * dpi / 72 * image["shown"] / image["natural"]
    )  # 9.5 px: nnbook.plots.MIN_TEXT_PX


@pytest.mark.parametrize("page", PAGES)
def test_a_default_tick_label_is_readable_in_every_figure(figures, page):
    images = [
        i
        for i in figures(page)["images"]
        if i["output"] and i["visible"] and i["natural"] > 0
    ]
    small = [
        f"{i['alt'] or i['src']}: {i['natural']} px shown at {i['shown']:.0f} px, tick labels "
        f"{tick_label_px(i):.1f} px"
        for i in images
        if tick_label_px(i) < plots.MIN_TEXT_PX
    ]
    assert not small, (
        f"{len(small)} of {len(images)} figures shrink their tick labels below "
        f"{plots.MIN_TEXT_PX} px (nnbook.plots.fit_to_column):\n"
        + "\n".join(small[:8])
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_picture_has_a_text_alternative_that_describes_it(figures, page):
    found = figures(page)
    alts = [i["alt"] or "" for i in found["images"]] + found["svgs"]
    named_by_file = [
        a for a in alts if not a.strip() or FILE_NAME.search(a.strip())
    ]
    assert not named_by_file, (
        f"{len(named_by_file)} of {len(alts)} pictures have no alt text but a file name: "
        f"{named_by_file[:3]}"
    )
    vague = [a for a in alts if FALLBACK.match(a)]
    assert not vague, (
        f"{len(vague)} of {len(alts)} pictures have only a stand-in alt text (give the figure a "
        f"title or axis labels): {vague[:3]}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_explorer_sliders_announce_their_values(figures, page):
    sliders = figures(page)["sliders"]
    if not sliders:
        pytest.skip("no explorer slider on this page")
    wrong = [
        s
        for s in sliders
        if s["before"] != s["expected"]
        or s["after"] != s["moved"]
        or s["after"] is None
    ]
    assert not wrong, (
        f"{len(wrong)} of {len(sliders)} sliders announce a position, not a value: {wrong[:3]}"
    )
