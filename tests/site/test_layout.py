"""The page fits the screen: on a laptop no code or output box scrolls sideways, on a phone no page is wider than
the screen, no text is cut off, and an explorer's picture stays at a readable size.

Chromium, network blocked, at :data:`sitecheck.DESKTOP` (1280 × 900) and :data:`sitecheck.PHONE` (390 × 844).
"""

from __future__ import annotations

import pytest

from sitecheck import DESKTOP, LANDING, PAGES, PHONE, VIEWPORTS, Visit

ALL_PAGES = [pytest.param(LANDING, id="landing"), *PAGES]

BOXES = """() => {
    // Code cells and their outputs (myst-nb), code blocks in the prose, and printed tables.
    const boxes = document.querySelectorAll(
        '.bd-article div.cell_input pre, .bd-article div.cell_output pre, .bd-article div.cell_output table,'
        + ' .bd-article div.highlight pre, .bd-article div.cell_output .output');
    const wide = [];
    boxes.forEach((box, i) => {
        // 4 px of slack for sub-pixel rounding (every solution is opened first: see OPEN_SOLUTIONS).
        if (box.scrollWidth > box.clientWidth + 4) {
            const kind = box.closest('.cell_input') ? 'code' : box.closest('.cell_output') ? 'output' : 'block';
            const lines = (box.innerText || '').split('\\n');
            const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
            wide.push(`${kind} box ${i + 1}: ${box.scrollWidth} px of content in ${box.clientWidth} px, `
                      + `longest line ${longest.length} characters: ${longest.slice(0, 60)}`);
        }
    });
    return wide;
}"""

OPEN_SOLUTIONS = """() => {
    // Open every closed solution (and dropdown) as a reader would, by a click on its title: the code inside
    // an opened solution is measured too, in the narrower box of the admonition.
    const closed = document.querySelectorAll('.bd-article .dropdown.toggle-hidden > .admonition-title');
    closed.forEach(title => title.click());
    document.querySelectorAll('.bd-article details').forEach(d => { d.open = true; });
    return closed.length;
}"""

PAGE_WIDTH = """() => {
    const cut = [];
    document.querySelectorAll('.bd-article p, .bd-article li, .bd-article h1, .bd-article h2').forEach(el => {
        // Text inside a box that scrolls sideways on its own (a wide table, a code block) is not cut off.
        for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return;
        }
        const box = el.getBoundingClientRect();
        if (box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1)) {
            cut.push(`${el.tagName.toLowerCase()} from ${Math.round(box.left)} to ${Math.round(box.right)} px: `
                     + el.textContent.trim().slice(0, 50));
        }
    });
    return {page: document.documentElement.scrollWidth, screen: window.innerWidth, cut: cut.slice(0, 5)};
}"""

EXPLORER_PICTURES = """() => Array.from(document.querySelectorAll('.nnbook-explorer [data-picture]')).map(p => {
    const natural = p.tagName.toLowerCase() === 'img' ? p.naturalWidth : Number(p.getAttribute('width') || 0);
    return {shown: p.getBoundingClientRect().width, natural: natural};
})"""


@pytest.fixture(scope="module")
def visited(browser, server):
    """``visited(page, viewport)``: a page opened once per size, maths typeset, for every check below."""
    visits: dict[tuple, Visit] = {}

    def get(page: str, viewport: dict) -> Visit:
        key = (page, viewport["width"])
        if key not in visits:
            visits[key] = Visit(
                browser, server, server + page + ".html", viewport=viewport
            )
            visits[
                key
            ].load_every_image()  # lazy figures and explorer pictures at their real size
        return visits[key]

    yield get
    for visit in visits.values():
        visit.close()


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_code_or_output_box_scrolls_sideways_on_a_laptop(visited, page):
    visit = visited(page, DESKTOP)
    visit.page.evaluate(OPEN_SOLUTIONS)
    visit.page.wait_for_timeout(500)  # the toggle's animation
    wide = visit.page.evaluate(BOXES)
    assert not wide, (
        f"{len(wide)} boxes are wider than the 688-px column (code ≤ 79 columns: `ruff format`; "
        "printed lines ≤ 79 characters):\n" + "\n".join(wide[:8])
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_page_is_wider_than_the_screen(visited, page, viewport):
    found = visited(page, viewport).page.evaluate(PAGE_WIDTH)
    assert found["page"] <= found["screen"], (
        f"the page is {found['page']} px wide on a {found['screen']}-px screen; text cut off: {found['cut']}"
    )
    assert not found["cut"], f"text runs off the screen: {found['cut']}"


@pytest.mark.parametrize("page", PAGES)
def test_explorer_pictures_keep_a_readable_size_on_a_phone(visited, page):
    pictures = visited(page, PHONE).page.evaluate(EXPLORER_PICTURES)
    if not pictures:
        pytest.skip("no explorer on this page")
    assert all(p["natural"] for p in pictures), (
        "an explorer picture did not load"
    )
    shrunk = [p for p in pictures if p["shown"] < 0.95 * p["natural"]]
    assert not shrunk, (
        f"{len(shrunk)} of {len(pictures)} explorer pictures are shrunk on a phone "
        f"(shown / natural px: {[(round(p['shown']), p['natural']) for p in shrunk[:4]]})"
    )
