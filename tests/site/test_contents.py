"""The page's contents ("On this page") highlights the section the reader is in, section after section."""

from __future__ import annotations

import pytest

from sitecheck import DESKTOP, PAGES, Visit

SECTIONS = """() => Array.from(document.querySelectorAll('#pst-page-toc-nav a.nav-link[href^="#"]'))
    .map(a => a.getAttribute('href').slice(1)).filter(id => id && document.getElementById(id))"""

SCROLL_TO = """id => {
    const target = document.getElementById(id);
    const heading = target.querySelector(':is(h1,h2,h3,h4,h5,h6)') || target;
    const header = document.querySelector('#pst-header');
    const top = heading.getBoundingClientRect().top + window.scrollY - (header ? header.offsetHeight : 0) - 20;
    window.scrollTo(0, Math.max(0, top));
}"""

ACTIVE = """ids => {
    // The theme highlights the section whose heading last entered the top 30 % of the window (under the
    // header): any section whose heading is in that band now may be the one highlighted.
    const header = document.querySelector('#pst-header');
    const low = header ? header.getBoundingClientRect().bottom : 0, high = low + 0.3 * window.innerHeight;
    const inBand = ids.filter(id => {
        const target = document.getElementById(id);
        const top = (target.querySelector(':is(h1,h2,h3,h4,h5,h6)') || target).getBoundingClientRect().top;
        return top >= low - 30 && top <= high;
    });
    // A section counts as highlighted when its own entry is, or one of its subsections' (the theme unfolds and
    // marks the whole chain: the section's list item is active too).
    const active = Array.from(document.querySelectorAll('#pst-page-toc-nav li.active > a.nav-link'))
        .map(a => a.getAttribute('href').slice(1));
    return {active, inBand};
}"""


@pytest.mark.parametrize("page", PAGES)
def test_the_contents_follow_the_reader_section_by_section(
    browser, server, page
):
    visit = Visit(browser, server, server + page + ".html", viewport=DESKTOP)
    try:
        sections = visit.page.evaluate(SECTIONS)
        if len(sections) < 2:
            pytest.skip("fewer than two sections in the page's contents")
        wrong = []
        for section in sections:
            visit.page.evaluate(SCROLL_TO, section)
            visit.page.wait_for_timeout(250)
            found = visit.page.evaluate(ACTIVE, sections)
            if not set(found["active"]) & ({section} | set(found["inBand"])):
                wrong.append(
                    f"at #{section} the contents highlight {found['active'] or 'nothing'}"
                )
        assert not wrong, (
            f"{len(wrong)} of {len(sections)} sections are not highlighted when read:\n"
            + "\n".join(wrong[:6])
        )
    finally:
        visit.close()
