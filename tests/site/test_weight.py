"""What a first visit downloads: a chapter at most 2.5 MB, the landing page at most 1 MB (uncompressed).

Chromium opens the page on a laptop-sized screen with an empty cache and the network blocked (everything comes
from the local server, which sends files as they are, uncompressed); every response is counted until the network
is idle (MathJax's fonts, the icon fonts and every figure included). A page without a formula loads no MathJax.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from sitecheck import LANDING, PAGES, REPO

MAX_CHAPTER_BYTES = 2_500_000
MAX_LANDING_BYTES = 1_000_000
WEIGHTS = REPO / "_build" / "page-weights.json"


def by_kind(weights: dict[str, int]) -> dict[str, int]:
    kinds: dict[str, int] = defaultdict(int)
    for url, size in weights.items():
        path = url.split("?")[0]
        kind = (
            "mathjax"
            if "/mathjax/" in path
            else "frames"
            if "/_images/frames/" in path
            else "figures"
            if "/_images/" in path
            else "html"
            if path.endswith(".html")
            else "fonts"
            if path.endswith((".woff", ".woff2", ".ttf"))
            else path.rsplit(".", 1)[-1]
        )
        kinds[kind] += size
    return dict(sorted(kinds.items(), key=lambda item: -item[1]))


@pytest.fixture(scope="module")
def weighed(desktop):
    """``weighed(page)``: the first visit's bytes and formulas (read in ``tests/site/desktop.py``)."""
    results: dict[str, dict] = {}

    def get(page: str) -> dict:
        if page not in results:
            results[page] = desktop(page)["weight"]
        return results[page]

    yield get
    try:  # the figures for the README: total and per kind of file, per page
        WEIGHTS.parent.mkdir(exist_ok=True)
        WEIGHTS.write_text(
            json.dumps(
                {
                    page: {
                        "total": sum(r["bytes"].values()),
                        "by_kind": by_kind(r["bytes"]),
                    }
                    for page, r in results.items()
                },
                indent=1,
            )
        )
    except OSError:
        pass


def describe(found: dict) -> str:
    total = sum(found["bytes"].values())
    top = sorted(found["bytes"].items(), key=lambda item: -item[1])[:5]
    return (
        f"{total / 1e6:.2f} MB: "
        + ", ".join(
            f"{k} {v / 1e3:.0f} kB" for k, v in by_kind(found["bytes"]).items()
        )
        + "; largest: "
        + ", ".join(
            f"{url.rsplit('/', 1)[-1][:40]} {size / 1e3:.0f} kB"
            for url, size in top
        )
    )


def test_the_landing_page_weighs_at_most_1_mb(weighed):
    found = weighed(LANDING)
    assert sum(found["bytes"].values()) <= MAX_LANDING_BYTES, describe(found)


@pytest.mark.parametrize("page", PAGES)
def test_a_first_visit_of_a_chapter_weighs_at_most_2_5_mb(weighed, page):
    found = weighed(page)
    assert sum(found["bytes"].values()) <= MAX_CHAPTER_BYTES, describe(found)


@pytest.mark.parametrize("page", [pytest.param(LANDING, id="landing"), *PAGES])
def test_a_page_without_formulas_loads_no_mathjax(weighed, page):
    found = weighed(page)
    mathjax = [url for url in found["bytes"] if "/mathjax/" in url]
    if found["formulas"]:
        pytest.skip(f"{found['formulas']} formulas on this page")
    assert not mathjax, (
        f"no formula on the page, yet it loads MathJax: {mathjax[:2]}"
    )


def test_no_page_loads_the_icon_script(weighed):
    found = weighed(LANDING)
    assert not [
        url
        for url in found["bytes"]
        if url.split("?")[0].endswith("fontawesome.js")
    ]
