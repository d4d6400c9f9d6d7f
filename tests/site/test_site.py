"""The built website as a reader sees it, offline, in headless Chromium.

``pytest`` runs these last (see the root ``conftest.py``): the ``built_site`` fixture builds the book once from the
notebooks nbmake has just executed, then every chapter page listed in ``_toc.yml`` is checked: figures in the
executed notebook and on the page, no request to another host, no console error, typeset maths, solutions that
open from their title, explorers whose picture changes with every control, page weight, and a screenshot per
chapter in ``_build/screenshots/``. Chapters listed in ``_toc.yml`` but not yet on disk are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from sitecheck import (
    NOTEBOOK_PAGES,
    PAGES,
    REPO,
    SCREENSHOTS,
    Visit,
    html_page,
    min_figures,
    source_of,
)

MAX_PAGE_BYTES = 1_500_000
"""Page weight: the chapter's HTML file with everything inlined in it (explorer frames, figures as data URIs)."""

IMG_TAG = re.compile(r"<img\b", re.I)
SVG_PICTURE = re.compile(r"<svg\b[^>]*\bdata-picture", re.I)
REMOTE_ASSET = re.compile(
    r"<(?:script|img|iframe|source|audio|video)\b[^>]*\ssrc=[\"']?(?:https?:)?//"
    r"|<link\b(?=[^>]*\srel=[\"']?(?:stylesheet|preload|modulepreload|icon|shortcut icon))"
    r"[^>]*\shref=[\"']?(?:https?:)?//",
    re.I,
)


def count_figures(notebook: nbformat.NotebookNode) -> int:
    """Pictures a reader sees in an executed notebook's outputs, counted the way the site renders them.

    An output with ``text/html`` shows that HTML (the site prefers it): its ``<img>`` tags and ``<svg data-picture>``
    drawings count. Otherwise an ``image/png``, ``image/jpeg`` or ``image/svg+xml`` output counts as one.
    """
    count = 0
    for cell in notebook.cells:
        for output in (
            cell.get("outputs", []) if cell.cell_type == "code" else []
        ):
            data = output.get("data", {})
            if "text/html" in data:
                markup = (
                    data["text/html"]
                    if isinstance(data["text/html"], str)
                    else "".join(data["text/html"])
                )
                count += len(IMG_TAG.findall(markup)) + len(
                    SVG_PICTURE.findall(markup)
                )
            elif any(
                kind in data
                for kind in ("image/png", "image/jpeg", "image/svg+xml")
            ):
                count += 1
    return count


# ---------------------------------------------------------------------------------------------------------------
# Without a browser


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_executed_chapter_shows_its_figures(built_site, page):
    """The executed copy the build writes (``_build/jupyter_execute/``, what a reader downloads) holds the figures."""
    path = built_site.parent / "jupyter_execute" / f"{page}.ipynb"
    if not path.is_file():
        pytest.fail(f"{page}: the build left no executed copy at {path}")
    executed = nbformat.read(str(path), as_version=4)
    shown, expected = count_figures(executed), min_figures(page)
    assert shown >= expected, (
        f"{page}: the executed notebook shows {shown} figures, expected at least {expected} "
        "(a plotting cell drew nothing? see tests/expectations.py)"
    )


@pytest.mark.parametrize("page", PAGES)
def test_chapter_page_holds_its_figures_and_stays_light(built_site, page):
    path = html_page(built_site, page)
    markup = path.read_text()
    article = markup[markup.find("<article") : markup.rfind("</article>")]
    shown, expected = (
        len(IMG_TAG.findall(article)) + len(SVG_PICTURE.findall(article)),
        min_figures(page),
    )
    assert shown >= expected, (
        f"{path.name}: {shown} images in the page, expected at least {expected}"
    )
    assert path.stat().st_size <= MAX_PAGE_BYTES, (
        f"{path.name} weighs {path.stat().st_size / 1e6:.2f} MB (limit {MAX_PAGE_BYTES / 1e6:.1f} MB): "
        "fewer or smaller explorer frames (nnbook.widgets), or fewer inline figures"
    )


EXERCISE_NUMBER = re.compile(
    r'class="admonition-title"><span class="caption-number">Exercise (\d+)\.(\d+) '
)
CHAPTER_FOLDER = re.compile(r"chapters/(\d+)_")


@pytest.mark.parametrize("page", PAGES)
def test_exercises_are_numbered_within_their_chapter(built_site, page):
    numbers = [
        (int(a), int(b))
        for a, b in EXERCISE_NUMBER.findall(
            html_page(built_site, page).read_text()
        )
    ]
    chapter = (
        int(CHAPTER_FOLDER.match(page).group(1))
        if CHAPTER_FOLDER.match(page)
        else None
    )
    if chapter is None or not numbers:
        pytest.skip("no numbered exercises on this page")
    assert numbers == [(chapter, k) for k in range(1, len(numbers) + 1)], (
        f"exercises should read {chapter}.1, {chapter}.2, ...; found {numbers[:6]}"
    )


def test_no_page_shows_the_builders_folders(built_site):
    """Dataset lines, reprs and tracebacks name the kind of source, never the machine's paths."""
    private = {str(REPO), str(REPO.parent / "shared"), str(Path.home())} - {
        "/",
        "",
    }
    offenders = {}
    for path in sorted(built_site.rglob("*.html")):
        text = path.read_text()
        found = sorted(folder for folder in private if folder in text)
        if found:
            offenders[str(path.relative_to(built_site))] = found
    assert not offenders, f"pages print local folders: {offenders}"


def test_no_page_loads_anything_from_another_host(built_site):
    offenders = {}
    for path in sorted(built_site.rglob("*.html")):
        found = REMOTE_ASSET.findall(path.read_text())
        if found:
            offenders[str(path.relative_to(built_site))] = found[:3]
    assert not offenders, (
        f"pages load scripts, styles or images from another host: {offenders}"
    )
    assert (
        built_site / "_static" / "mathjax" / "tex-chtml.js"
    ).is_file(), "MathJax is not in the build"


# ---------------------------------------------------------------------------------------------------------------
# In the browser


PICTURE = """root => {
    const p = root.querySelector('[data-picture]');
    return p.tagName.toLowerCase() === 'img' ? p.getAttribute('src') : p.innerHTML;
}"""

MOVE = """el => {
    if (el.tagName.toLowerCase() === 'select') {
        if (el.options.length < 2) return false;
        el.selectedIndex = (el.selectedIndex + 1) % el.options.length;
    } else {
        const low = Number(el.min || 0), high = Number(el.max || 100);
        if (high <= low) return false;
        el.value = Number(el.value) === low ? high : low;
    }
    el.dispatchEvent(new Event('input', {bubbles: true}));
    el.dispatchEvent(new Event('change', {bubbles: true}));
    return true;
}"""

MATHS = """() => {
    const all = Array.from(document.querySelectorAll('.bd-article .math'));
    return {total: all.length, raw: all.filter(m => !m.querySelector('mjx-container'))
                                      .map(m => m.textContent.slice(0, 60))};
}"""

PICTURES = """() => {
    const imgs = Array.from(document.querySelectorAll('.bd-article img'));
    const svgs = document.querySelectorAll('.bd-article svg[data-picture]').length;
    return {loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length + svgs,
            broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))};
}"""


def inspect_page(browser, base: str, page: str) -> dict:
    """Open one chapter page (network blocked) and record everything the tests below assert on, in one visit."""
    seen = Visit(browser, base, base + page + ".html")
    try:
        found: dict = {
            "blocked": seen.blocked,
            "load_errors": list(seen.errors),
        }
        found["maths"] = seen.page.evaluate(MATHS)
        seen.load_every_image()
        found["pictures"] = seen.page.evaluate(PICTURES)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        seen.page.screenshot(
            path=str(SCREENSHOTS / f"{page.split('/')[1]}.png"), full_page=True
        )

        problems = []
        titles = seen.page.locator(".solution.dropdown > .admonition-title")
        found["solutions"] = titles.count()
        for i in range(titles.count()):
            url = seen.page.url
            titles.nth(i).click()
            solution = seen.page.locator(".solution.dropdown").nth(i)
            body = solution.locator(":scope > :not(.admonition-title)").first
            if (
                "toggle-hidden" in (solution.get_attribute("class") or "")
                or not body.is_visible()
            ):
                problems.append(
                    f"solution {i + 1} stays hidden after a click on its title"
                )
            if seen.page.url != url:
                problems.append(
                    f"solution {i + 1}: the click on its title navigated to {seen.page.url}"
                )
        found["solution_problems"] = problems

        problems = []
        explorers = seen.page.locator(".nnbook-explorer")
        found["explorers"] = explorers.count()
        for e in range(explorers.count()):
            explorer = explorers.nth(e)
            if explorer.locator("[data-picture]").count() != 1:
                problems.append(
                    f"explorer {e + 1} has no single [data-picture]"
                )
                continue
            controls = explorer.locator("[data-param], [data-epochs]")
            if controls.count() == 0:
                problems.append(f"explorer {e + 1} has no controls")
            for c in range(controls.count()):
                before = explorer.evaluate(PICTURE)
                if not controls.nth(c).evaluate(MOVE):
                    continue  # a control with a single position cannot move
                after = explorer.evaluate(PICTURE)
                if not after or after == before:
                    problems.append(
                        f"explorer {e + 1}: its picture did not change when control {c + 1} moved"
                    )
        found["explorer_problems"] = problems
        found["errors"] = list(seen.errors)
        return found
    finally:
        seen.close()


@pytest.fixture(scope="session")
def inspected(browser, server):
    """``inspected(page)``: what one visit of the chapter page found (each page is opened once per session)."""
    results: dict[str, dict] = {}

    def get(page: str) -> dict:
        if page not in results:
            results[page] = inspect_page(browser, server, page)
        return results[page]

    return get


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(inspected, page):
    found = inspected(page)
    assert not found["blocked"], (
        f"the page asked for other hosts: {found['blocked'][:5]}"
    )
    assert not found["errors"], f"console errors: {found['errors'][:5]}"


@pytest.mark.parametrize("page", PAGES)
def test_maths_is_typeset(inspected, page):
    maths = inspected(page)["maths"]
    assert not maths["raw"], (
        f"{len(maths['raw'])} of {maths['total']} formulas left as raw TeX: {maths['raw'][:3]}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_shown(inspected, page):
    pictures = inspected(page)["pictures"]
    assert not pictures["broken"], (
        f"images that did not load: {pictures['broken'][:3]}"
    )
    assert pictures["loaded"] >= min_figures(page), (
        f"{pictures['loaded']} pictures shown, expected at least {min_figures(page)}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_solution_opens_from_its_title(inspected, page):
    problems = inspected(page)["solution_problems"]
    assert not problems, problems[:5]


@pytest.mark.parametrize("page", PAGES)
def test_every_explorer_redraws_when_each_control_moves(inspected, page):
    problems = inspected(page)["explorer_problems"]
    assert not problems, problems[:5]


def test_the_site_opened_from_disk_typesets_maths(browser, built_site):
    """A reader who saved the site opens it from disk (file://) with no network: maths still renders."""
    page_with_maths = next(
        (p.values[0] for p in PAGES if source_of(p.values[0])), None
    )
    if page_with_maths is None:
        pytest.skip("no chapter on disk")
    seen = Visit(
        browser, "file://", html_page(built_site, page_with_maths).as_uri()
    )
    try:
        assert not seen.blocked and not seen.errors, (
            seen.blocked[:3],
            seen.errors[:3],
        )
        assert seen.page.locator(".bd-article mjx-container").count() > 0, (
            "no typeset formula"
        )
    finally:
        seen.close()
