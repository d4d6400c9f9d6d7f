"""Which CI step each collected test belongs to, and the order the steps run in (the root ``conftest.py``).

Unit tests first; then each chapter notebook (nbmake) followed right away by its live tests, which reuse its
kernel; the site tests (``tests/site/``) last, since they build the book from the notebooks just executed.
"""

from __future__ import annotations

import pytest

SITE_TESTS = ("tests/site/",)
"""Site tests: they check the book built from this run's notebooks (and drive Chromium), so they run last."""
ORDER = {"unit tests": 0, "notebooks": 1, "site": 2}
"""The rank of each step; a chapter's live tests share their notebook's rank and come right after it."""


def chapter_of(item: pytest.Item) -> str | None:
    """The chapter notebook a live test drives (its module's ``NOTEBOOK``), else None."""
    module = getattr(item, "module", None)
    notebook = getattr(module, "NOTEBOOK", None)
    return (
        notebook
        if isinstance(notebook, str) and notebook.startswith("chapters/")
        else None
    )


def step_of(item: pytest.Item) -> str:
    """The CI step an item belongs to: ``unit tests``, ``notebooks``, ``live checks`` or ``site``."""
    if getattr(item, "nbmake", False):
        return "notebooks"
    if item.nodeid.startswith(SITE_TESTS):
        return "site"
    if chapter_of(item):
        return "live checks"
    return "unit tests"


def order_of(item: pytest.Item) -> tuple:
    """Unit tests; then each chapter, its live tests right after it (they reuse its kernel); then the site."""
    step = step_of(item)
    if step == "notebooks":
        return (1, item.nodeid.split("::")[0], 0)
    if step == "live checks":
        return (1, chapter_of(item), 1)
    return (ORDER[step], "", 0)
