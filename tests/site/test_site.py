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
    assert (built_site / "_static" / "mathjax" / "tex-chtml.js").is_file(), (
        "MathJax is not in the build"
    )


# ---------------------------------------------------------------------------------------------------------------
# In the browser: what one laptop-size visit of each page found (the `desktop` fixture, tests/site/desktop.py)


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_offline_without_errors(desktop, page):
    found = desktop(page)
    assert not found["blocked"], (
        f"the page asked for other hosts: {found['blocked'][:5]}"
    )
    assert not found["errors"], f"console errors: {found['errors'][:5]}"


@pytest.mark.parametrize("page", PAGES)
def test_maths_is_typeset(desktop, page):
    maths = desktop(page)["maths"]
    assert not maths["raw"], (
        f"{len(maths['raw'])} of {maths['total']} formulas left as raw TeX: {maths['raw'][:3]}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_figures_are_shown(desktop, page):
    pictures = desktop(page)["pictures"]
    assert not pictures["broken"], (
        f"images that did not load: {pictures['broken'][:3]}"
    )
    assert pictures["loaded"] >= min_figures(page), (
        f"{pictures['loaded']} pictures shown, expected at least {min_figures(page)}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_solution_opens_from_its_title(desktop, page):
    problems = desktop(page)["solution_problems"]
    assert not problems, problems[:5]


@pytest.mark.parametrize("page", PAGES)
def test_every_explorer_redraws_when_each_control_moves(desktop, page):
    problems = desktop(page)["explorer_problems"]
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
