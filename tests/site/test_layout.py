"""The page fits the screen: on a laptop no code or output box scrolls sideways, on a phone no page is wider than
the screen, no text is cut off, and an explorer's picture stays at a readable size.

Chromium, network blocked, at :data:`sitecheck.DESKTOP` (1280 × 900) and :data:`sitecheck.PHONE` (390 × 844).
"""

from __future__ import annotations

import pytest

from desktop import PAGE_WIDTH
from sitecheck import DESKTOP, LANDING, PAGES, PHONE, VIEWPORTS, Visit

ALL_PAGES = [pytest.param(LANDING, id="landing"), *PAGES]

EXPLORER_PICTURES = """() => Array.from(document.querySelectorAll('.nnbook-explorer [data-picture]')).map(p => {
    const natural = p.tagName.toLowerCase() === 'img' ? p.naturalWidth : Number(p.getAttribute('width') || 0);
    return {shown: p.getBoundingClientRect().width, natural: natural};
})"""


@pytest.fixture(scope="module")
def phone(browser, server):
    """``phone(page)``: what one phone-size visit of the page found (the laptop size: ``desktop``, in
    ``tests/site/desktop.py``)."""
    readings: dict[str, dict] = {}

    def get(page: str) -> dict:
        if page not in readings:
            visit = Visit(
                browser, server, server + page + ".html", viewport=PHONE
            )
            try:
                visit.load_every_image()  # lazy figures and explorer pictures at their real size
                readings[page] = {
                    "width": visit.page.evaluate(PAGE_WIDTH),
                    "explorer_pictures": visit.page.evaluate(
                        EXPLORER_PICTURES
                    ),
                }
            finally:
                visit.close()
        return readings[page]

    return get


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_code_or_output_box_scrolls_sideways_on_a_laptop(desktop, page):
    wide = desktop(page)["boxes"]  # every solution and dropdown opened first
    assert not wide, (
        f"{len(wide)} boxes are wider than the 688-px column (code ≤ 79 columns: `ruff format`; "
        "printed lines ≤ 79 characters):\n" + "\n".join(wide[:8])
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_page_is_wider_than_the_screen(desktop, phone, page, viewport):
    found = (desktop if viewport == DESKTOP else phone)(page)["width"]
    assert found["page"] <= found["screen"], (
        f"the page is {found['page']} px wide on a {found['screen']}-px screen; text cut off: {found['cut']}"
    )
    assert not found["cut"], f"text runs off the screen: {found['cut']}"


@pytest.mark.parametrize("page", PAGES)
def test_explorer_pictures_keep_a_readable_size_on_a_phone(phone, page):
    pictures = phone(page)["explorer_pictures"]
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
