"""The page's contents ("On this page") highlights the section the reader is in, section after section."""

from __future__ import annotations

import pytest

from sitecheck import PAGES


@pytest.mark.parametrize("page", PAGES)
def test_the_contents_follow_the_reader_section_by_section(desktop, page):
    contents = desktop(page)["contents"]  # read in tests/site/desktop.py
    if contents["sections"] < 2:
        pytest.skip("fewer than two sections in the page's contents")
    wrong = contents["wrong"]
    assert not wrong, (
        f"{len(wrong)} of {contents['sections']} sections are not highlighted when read:\n"
        + "\n".join(wrong[:6])
    )
