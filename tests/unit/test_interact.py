"""nnbook.interact.parameter_explorer: the live slider redraws, the static explorer holds one frame per value."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib._pylab_helpers import Gcf  # noqa: E402

from nnbook.interact import parameter_explorer  # noqa: E402
from nnbook.plots import Plot  # noqa: E402
from nnbook.widgets import WIDGET_MIME  # noqa: E402


def make_draw(calls: list[float]):
    def draw(value: float) -> Plot:
        calls.append(value)
        figure, ax = plt.subplots(figsize=(2, 2))
        ax.plot(np.arange(3), value * np.arange(3))
        ax.set_title(f"value {value:g}")
        return Plot(figure, ax)

    return draw


def test_slider_change_redraws_the_figure():
    calls: list[float] = []
    explorer = parameter_explorer(
        make_draw(calls), [0.01, 0.1, 1.0], "learning rate", log=True
    )
    assert explorer.draws == 1 and calls == [pytest.approx(0.01)]
    first = explorer.figure
    explorer.slider.value = 0.1
    assert explorer.draws == 2
    assert calls[-1] == pytest.approx(0.1)
    assert explorer.figure is not first
    assert explorer.figure.axes[0].get_title() == "value 0.1"
    open_figures = [
        manager.canvas.figure for manager in Gcf.get_all_fig_managers()
    ]
    assert first not in open_figures  # the old figure is closed, not leaked


def test_linear_slider_and_start_value():
    calls: list[float] = []
    explorer = parameter_explorer(make_draw(calls), [0.0, 2.0], "k", value=1.0)
    assert explorer.value == pytest.approx(1.0)
    explorer.slider.value = 1.5
    assert calls[-1] == pytest.approx(1.5) and explorer.draws == 2


def test_static_explorer_has_one_frame_per_value():
    calls: list[float] = []
    explorer = parameter_explorer(
        make_draw(calls),
        [0.01, 0.1, 1.0],
        "learning rate",
        log=True,
        title="GD",
    )
    static = explorer.static_explorer()
    assert static.parameters == {"learning rate": [0.01, 0.1, 1.0]}
    assert sorted(static.frames) == [(0.01,), (0.1,), (1.0,)]
    assert all(
        uri.startswith("data:image/png;base64,")
        for uri in static.frames.values()
    )
    assert explorer.draws == 1  # precomputing does not count as a live redraw


def test_mimebundle_carries_widget_and_static_html():
    explorer = parameter_explorer(make_draw([]), [1.0, 2.0], "k", title="Demo")
    bundle = explorer._repr_mimebundle_()
    assert bundle[WIDGET_MIME]["model_id"] == explorer.box.model_id
    assert (
        "nnbook-explorer" in bundle["text/html"]
        and "Demo" in bundle["text/html"]
    )


@pytest.mark.parametrize(
    "values, kwargs, message",
    [
        ([1.0], {}, "at least two"),
        ([0.0, 1.0], {"log": True}, "positive"),
        ([1.0, 2.0], {"value": 3.0}, "outside"),
    ],
)
def test_bad_arguments_are_explained(values, kwargs, message):
    with pytest.raises(ValueError, match=message):
        parameter_explorer(make_draw([]), values, "k", **kwargs)
