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
from sitecheck import PAGES

FILE_NAME = re.compile(
    r"(^|/)[0-9a-f]{16,}\.(png|jpe?g|gif|svg)$|\.(png|jpe?g|gif|svg)$", re.I
)
FALLBACK = re.compile(r"^(Figure \d+ of |untitled figure)")


def tick_label_px(image: dict) -> float:
    dpi = widgets.STATIC_DPI if image["frame"] else plots.FIGURE_DPI
    return (
        plots.TICK_POINTS * dpi / 72 * image["shown"] / image["natural"]
    )  # 9.5 px: nnbook.plots.MIN_TEXT_PX


@pytest.mark.parametrize("page", PAGES)
def test_a_default_tick_label_is_readable_in_every_figure(desktop, page):
    images = [
        i
        for i in desktop(page)["figures"]["images"]
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
def test_every_picture_has_a_text_alternative_that_describes_it(desktop, page):
    found = desktop(page)["figures"]
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
def test_explorer_sliders_announce_their_values(desktop, page):
    sliders = desktop(page)["figures"]["sliders"]
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
