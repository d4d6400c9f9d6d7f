"""redraw() must let a failing draw raise even inside IPython, where ipywidgets' Output swallows exceptions.

Without that, a bad upload in a real kernel ended in an UnboundLocalError instead of its one-line message.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import pytest
from ipywidgets.widgets import widget_output

from nnbook.widgets import redraw


class FakeIPython:
    def __init__(self):
        self.shown = []

    def showtraceback(self, exc_tuple, tb_offset=0):
        self.shown.append(exc_tuple[0])


def test_a_failing_draw_raises_even_when_output_would_swallow_it(monkeypatch):
    fake = FakeIPython()
    monkeypatch.setattr(widget_output, "get_ipython", lambda: fake)
    output = widgets.Output()
    with (
        output
    ):  # the premise: inside IPython, Output suppresses the exception
        raise KeyError("swallowed")
    assert fake.shown == [KeyError]

    def broken():
        raise ValueError("not an image")

    with pytest.raises(ValueError, match="not an image"):
        redraw(output, None, broken)


def test_redraw_returns_the_new_figure_and_closes_the_old(monkeypatch):
    monkeypatch.setattr(widget_output, "get_ipython", lambda: FakeIPython())
    output = widgets.Output()
    old = plt.figure()
    new = redraw(output, old, lambda: plt.figure())
    from matplotlib._pylab_helpers import Gcf

    open_figures = [
        manager.canvas.figure for manager in Gcf.get_all_fig_managers()
    ]
    assert new is not old and new in open_figures and old not in open_figures
    plt.close(new)
