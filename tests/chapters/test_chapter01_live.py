"""Chapter 1's gradient-descent explorer, driven in the notebook's own kernel (the one nbmake ran it in, or a new
one run up to the cell tagged ``descent-explorer``): a new learning rate draws a new figure."""

from __future__ import annotations

import pytest

from notebook_kernel import run_until

NOTEBOOK = "chapters/01_foundations/foundations.ipynb"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "descent-explorer")
    yield live
    live.close()


def test_the_descent_explorer_redraws_live(notebook):
    out = notebook.run(
        "before, draws = descent_explorer.figure, descent_explorer.draws\n"
        "descent_explorer.slider.value = 1.0\n"
        "assert descent_explorer.draws == draws + 1 and descent_explorer.figure is not before\n"
        "print(descent_explorer.figure._suptitle.get_text())"
    )
    assert "learning rate 1" in out
