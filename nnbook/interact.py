"""A live slider over any one-parameter figure, plus its kernel-free twin for
the website.

:func:`nnbook.widgets.training_sliders` retrains a Keras model. Some lessons
have no model: gradient descent on a formula, a function with a knob. For
those, :func:`parameter_explorer` takes a ``draw(value)`` function and

* in Jupyter/Colab shows a slider; moving it calls ``draw`` with the new value
  and replaces the figure;
* on the static website shows a :class:`~nnbook.widgets.FrameExplorer` over
  figures precomputed for a few values.

Typical use in a notebook (the last line of a cell displays it)::

    def draw(learning_rate: float) -> Plot: ...
    nnbook.interact.parameter_explorer(
        draw, [0.01, 0.1, 1.0], "learning rate", log=True
    )
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from nnbook.plots import Plot
from nnbook.widgets import (
    FrameExplorer,
    live_and_static_bundle,
    redraw,
    render_frame,
)

DrawOne = Callable[[float], "Plot | Figure"]

LOG_STEP = 0.05
"""Live slider step in decades when ``log=True`` (20 positions per factor of
ten)."""

LINEAR_POSITIONS = 100
"""Number of live slider positions between the smallest and largest value when
``log=False``."""


class ParameterExplorer:
    """A slider that redraws a figure of one parameter; see
    :func:`parameter_explorer`.

    Attributes a test (or a curious learner) can read: ``slider`` (the control;
    set ``slider.value`` to redraw), ``figure`` (the latest figure), ``draws``
    (how many times ``draw`` ran live) and ``values`` (the values precomputed
    for the website).
    """

    def __init__(
        self,
        draw: DrawOne,
        values: Sequence[float],
        label: str,
        *,
        value: float | None,
        log: bool,
        title: str,
    ):
        if len(values) < 2:
            raise ValueError(
                "parameter_explorer needs at least two values to precompute"
            )
        self.draw, self.label, self.title = draw, label, title
        self.values = [float(v) for v in values]
        low, high = min(self.values), max(self.values)
        start = float(value) if value is not None else self.values[0]
        if not low <= start <= high:
            raise ValueError(
                f"value {start} lies outside the range of values [{low}, "
                f"{high}]"
            )
        style = {"description_width": "initial"}
        if log:
            if low <= 0:
                raise ValueError("log=True needs positive values")
            self.slider: widgets.FloatSlider | widgets.FloatLogSlider = (
                widgets.FloatLogSlider(
                    value=start,
                    base=10,
                    min=np.log10(low),
                    max=np.log10(high),
                    step=LOG_STEP,
                    description=label,
                    continuous_update=False,
                    readout_format=".3g",
                    style=style,
                )
            )
        else:
            self.slider = widgets.FloatSlider(
                value=start,
                min=low,
                max=high,
                step=(high - low) / LINEAR_POSITIONS,
                description=label,
                continuous_update=False,
                readout_format=".3g",
                style=style,
            )
        self.output = widgets.Output()
        self.box = widgets.VBox([self.slider, self.output])
        self.figure: Figure | None = None
        self.draws = 0
        self.slider.observe(lambda _change: self.redraw(), names="value")
        self.redraw()

    @property
    def value(self) -> float:
        """The slider's current value."""
        return float(self.slider.value)

    def redraw(self) -> None:
        """Call ``draw`` with the slider's value and show the new figure in
        place of the old one."""
        self.figure = redraw(
            self.output, self.figure, lambda: self.draw(self.value)
        )
        self.draws += 1

    def static_explorer(self) -> FrameExplorer:
        """Draw one frame per value in ``values`` for the kernel-free website
        version."""
        frames = {
            (v,): render_frame(lambda v=v: self.draw(v)) for v in self.values
        }
        return FrameExplorer(
            {self.label: self.values},
            frames,
            title=self.title,
            initial=(self.value,),
        )

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> dict[str, Any]:
        text = (
            f"{self.title}: a {self.label} slider (run the notebook to use it)"
        )
        return live_and_static_bundle(self.box, text, self.static_explorer)


def parameter_explorer(
    draw: DrawOne,
    values: Sequence[float],
    label: str,
    *,
    value: float | None = None,
    log: bool = False,
    title: str = "Explorer",
) -> ParameterExplorer:
    """A slider over one parameter that redraws a figure, live in Jupyter/Colab
    and precomputed for the website.

    Args:
        draw: ``value -> Plot | Figure``, drawing a fresh figure for one
            parameter value.
        values: the values precomputed for the website (at least two); the live
            slider spans their range.
        label: the parameter's name, shown beside both sliders.
        value: the live slider's starting value (default: the first of
            ``values``).
        log: a log-scale live slider (for learning rates and other scale
            parameters).
        title: a caption for the website version.

    Returns:
        A :class:`ParameterExplorer`; display it (last line of a cell) to show
        the slider and the figure.
    """
    return ParameterExplorer(
        draw, values, label, value=value, log=log, title=title
    )
