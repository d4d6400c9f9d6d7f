"""CI's gates on each chapter's results, read from the executed notebook the build wrote (its glued values).

The floors live in ``tests/expectations.py`` (``Chapter.floors``), never in a chapter's main path. ``pytest``
runs these with the site tests, after every chapter has executed.
"""

from __future__ import annotations

import pytest
from expectations import CHAPTERS
from glued import floor_failures, glued_beside

GATED = sorted(path for path, chapter in CHAPTERS.items() if chapter.floors)


@pytest.mark.parametrize("path", GATED)
def test_chapter_results_clear_their_floors(built_site, path):
    executed = (
        built_site.parent / "jupyter_execute" / path
    )  # the build keeps the source tree's layout
    if not executed.is_file():
        pytest.fail(f"{path}: the build left no executed copy at {executed}")
    values = glued_beside(executed)
    problems = floor_failures(values, CHAPTERS[path].floors)
    assert not problems, f"{path}:\n" + "\n".join(problems)
