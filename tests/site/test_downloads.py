"""Every chapter offers its notebook as this build executed it (outputs included), clearly named, beside the
source notebook (stored without outputs)."""

from __future__ import annotations

import re

import nbformat
import pytest

from sitecheck import NOTEBOOK_PAGES, html_page, min_figures

LINK = re.compile(
    r'href="([^"]*_downloads/executed/([^"/]+-with-outputs\.ipynb))"'
)


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_the_download_menu_offers_the_executed_notebook(built_site, page):
    from test_site import count_figures

    markup = html_page(built_site, page).read_text()
    links = LINK.findall(markup)
    name = page.rsplit("/", 1)[-1]
    assert links, f"{page}: the download menu has no <name>-with-outputs.ipynb"
    href, file_name = links[0]
    assert file_name == f"{name}-with-outputs.ipynb"
    assert ".ipynb with outputs" in markup
    path = (html_page(built_site, page).parent / href).resolve()
    executed = nbformat.read(str(path), as_version=4)
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert (
        code and sum(bool(cell.outputs) for cell in code) >= len(code) // 2
    ), "most code cells show no output"
    assert count_figures(executed) >= min_figures(page)
    assert not [
        o
        for c in code
        for o in c.outputs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
        and len(o["data"]) > 1
    ], "a live widget view without its kernel-free version"
