"""Interactive controls: sliders that retrain a model and redraw, in Jupyter, Colab and on the static site.

``training_sliders(...)`` gives a learning-rate slider (log scale), an epochs slider and, when several datasets
are passed, a dataset menu. Moving one retrains a fresh model through :func:`nnbook.train.fast_fit` and redraws.

The same object also carries a *kernel-free* version for the book's website, where no Python runs: a small
HTML/JavaScript explorer over figures precomputed when the book is built (:class:`FrameExplorer`). Jupyter and
Colab render the live widget; the website's build is configured (``nb_mime_priority_overrides`` in
``_config.yml``) to render the precomputed explorer instead. The live widget is never frozen output.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import uuid
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as widgets
import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnbook import config
from nnbook.plots import Plot
from nnbook.train import fast_fit

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STATIC_DPI = 72

Data = tuple[np.ndarray, np.ndarray]
BuildModel = Callable[[float], keras.Model]
Draw = Callable[[keras.Model, keras.callbacks.History, np.ndarray, np.ndarray], Any]


def figure_to_data_uri(figure: Figure, dpi: int = STATIC_DPI) -> str:
    """Render a Matplotlib figure to a ``data:image/png;base64,...`` URI (for kernel-free HTML)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _as_figure(drawn: Any) -> Figure:
    if isinstance(drawn, Plot):
        return drawn.figure
    if isinstance(drawn, Figure):
        return drawn
    return plt.gcf()


def render_frame(draw: Callable[[], Any]) -> str:
    """Draw one figure off-screen with ``draw()``, close it, and return it as a PNG data URI (a static frame)."""
    with plt.ioff():
        figure = _as_figure(draw())
    uri = figure_to_data_uri(figure)
    plt.close(figure)
    return uri


def uploaded_files(value: Any) -> list[tuple[str, bytes]]:
    """Return ``(name, content)`` pairs from a ``FileUpload`` value, in ipywidgets 8 *and* 7 (Colab's) formats.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content`` (a memoryview); ipywidgets 7 gives a dict
    mapping each file name to a dict with ``content`` (bytes).
    """
    if isinstance(value, Mapping):  # ipywidgets 7
        return [(str(name), bytes(item["content"])) for name, item in value.items()]
    return [(str(item["name"]), bytes(item["content"])) for item in value]


def redraw(output: widgets.Output, old: Figure | None, draw: Callable[[], Any]) -> Figure:
    """Close ``old``, then show the figure that ``draw()`` makes in ``output`` (replacing what was there).

    Returns:
        The new figure.
    """
    if old is not None:
        plt.close(old)
    output.clear_output(wait=True)
    error: Exception | None = None
    with output:
        try:
            figure = _as_figure(draw())
            plt.show()
        except Exception as err:  # noqa: BLE001 - re-raised below: inside IPython, Output would swallow it
            error = err
    if error is not None:
        raise error
    return figure


def live_and_static_bundle(box: widgets.Widget, text: str, static: Callable[[], Any]) -> dict[str, Any]:
    """The display data of a live control: the widget view, plain text, and (outside Colab) the static explorer.

    Jupyter and Colab render the widget view; the website's build prefers ``text/html`` (see ``_config.yml``),
    which holds ``static().to_html()`` (any object with ``to_html``), computed only when not in Colab.
    """
    bundle: dict[str, Any] = {
        "text/plain": text,
        WIDGET_MIME: {"version_major": 2, "version_minor": 0, "model_id": box.model_id},
    }
    if not config.in_colab():  # Colab always has a kernel: no need for the static version there
        bundle["text/html"] = static().to_html()
    return bundle


class FrameExplorer:
    """A kernel-free explorer: one control per parameter, flipping between precomputed images.

    ``frames`` maps a tuple of parameter values (in the order of ``parameters``) to an image data URI.
    Numeric parameters get a range slider, text ones a menu. ``initial`` is the combination shown first (default:
    the last value of each parameter). ``to_html()`` returns self-contained HTML+JS.
    """

    def __init__(self, parameters: Mapping[str, Sequence[Any]], frames: Mapping[tuple, str], title: str = "",
                 initial: tuple | None = None):
        self.parameters = {name: list(values) for name, values in parameters.items()}
        expected = set(itertools.product(*self.parameters.values()))
        if set(frames) != expected:
            raise ValueError("frames must hold exactly one image per combination of parameter values")
        self.frames = dict(frames)
        self.title = title
        self.start = [len(values) - 1 for values in self.parameters.values()]
        for i, values in enumerate(self.parameters.values()):
            if initial is not None and initial[i] in values:
                self.start[i] = values.index(initial[i])

    def to_html(self) -> str:
        """Return the explorer as HTML with inline JavaScript (no kernel, no network)."""
        uid = "nnbook-" + uuid.uuid4().hex[:10]
        index = {"|".join(map(str, key)): uri for key, uri in self.frames.items()}
        controls = []
        for i, (name, values) in enumerate(self.parameters.items()):
            label = html.escape(name)
            if all(isinstance(v, (int, float)) for v in values):
                controls.append(
                    f'<label style="margin-right:1.5em">{label}: <input type="range" min="0" '
                    f'max="{len(values) - 1}" value="{self.start[i]}" step="1" data-param="{i}"> '
                    f'<b data-show="{i}"></b></label>'
                )
            else:
                options = "".join(f"<option value='{j}'{' selected' if j == self.start[i] else ''}>"
                                  f"{html.escape(str(v))}</option>" for j, v in enumerate(values))
                controls.append(f'<label style="margin-right:1.5em">{label}: <select data-param="{i}">'
                                f"{options}</select></label>")
        values_json = json.dumps([[str(v) for v in values] for values in self.parameters.values()])
        first = self.frames[tuple(values[j] for values, j in zip(self.parameters.values(), self.start))]
        return f"""<div id="{uid}" class="nnbook-explorer" style="border:1px solid #ddd;padding:8px;border-radius:6px">
<div style="font-size:90%;color:#555;margin-bottom:4px">{html.escape(self.title)} — precomputed when the book was
built; run the notebook (Colab or Jupyter) to retrain live.</div>
<div>{''.join(controls)}</div>
<img data-picture alt="{html.escape(self.title)}" style="max-width:100%" src="{first}">
<script>(function() {{
  const root = document.getElementById("{uid}");
  const values = {values_json};
  const frames = {json.dumps(index)};
  const inputs = root.querySelectorAll("[data-param]");
  function update() {{
    const key = Array.from(inputs).map((el, i) => values[i][parseInt(el.value)]).join("|");
    root.querySelectorAll("[data-show]").forEach(el => {{
      el.textContent = values[el.dataset.show][parseInt(inputs[el.dataset.show].value)];
    }});
    root.querySelector("[data-picture]").src = frames[key];
  }}
  inputs.forEach(el => el.addEventListener("input", update));
  update();
}})();</script></div>"""


class TrainingSliders:
    """Live sliders that retrain a model and redraw; see :func:`training_sliders`.

    Attributes a test (or a curious learner) can read: ``learning_rate``, ``epochs`` and ``dataset`` (the
    controls), ``model``, ``history`` and ``figure`` (of the latest run) and ``runs`` (how many retrains).
    """

    def __init__(
        self,
        build_model: BuildModel,
        data: Data | Mapping[str, Data],
        draw: Draw,
        *,
        learning_rate: float,
        epochs: int,
        max_epochs: int,
        lr_range: tuple[float, float],
        static_learning_rates: Sequence[float],
        static_epochs: Sequence[int],
        seed: int,
        title: str,
    ):
        self.build_model, self.draw, self.seed, self.title = build_model, draw, seed, title
        self.datasets: dict[str, Data] = dict(data) if isinstance(data, Mapping) else {"data": data}
        self.static_learning_rates, self.static_epochs = list(static_learning_rates), list(static_epochs)
        low, high = np.log10(lr_range[0]), np.log10(lr_range[1])
        self.learning_rate = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=low, max=high, step=0.1,
            description="learning rate", continuous_update=False, readout_format=".4f",
            style={"description_width": "initial"},
        )
        self.epochs = widgets.IntSlider(
            value=epochs, min=1, max=max_epochs, step=max(1, max_epochs // 100),
            description="epochs", continuous_update=False,
        )
        self.dataset = widgets.Dropdown(options=list(self.datasets), description="dataset")
        self.output = widgets.Output()
        controls: list[widgets.Widget] = [self.learning_rate, self.epochs]
        if len(self.datasets) > 1:
            controls.append(self.dataset)
        self.box = widgets.VBox([widgets.HBox(controls), self.output])
        self.model: keras.Model | None = None
        self.history: keras.callbacks.History | None = None
        self.figure: Figure | None = None
        self.runs = 0
        for control in (self.learning_rate, self.epochs, self.dataset):
            control.observe(lambda _change: self.retrain(), names="value")
        self.retrain()

    def _train(self, learning_rate: float, epochs: int, x: np.ndarray, y: np.ndarray):
        config.seed(self.seed)  # the same starting weights for every run, as in the static frames
        model = self.build_model(learning_rate)
        return model, fast_fit(model, x, y, epochs)

    def retrain(self) -> None:
        """Train a fresh model with the current control values and redraw the figure."""
        x, y = self.datasets[self.dataset.value]
        self.model, self.history = self._train(self.learning_rate.value, self.epochs.value, x, y)
        self.runs += 1
        self.figure = redraw(self.output, self.figure, lambda: self.draw(self.model, self.history, x, y))

    def static_explorer(self) -> FrameExplorer:
        """Precompute every (dataset, learning rate, epochs) frame for the kernel-free website version.

        For each dataset and learning rate the model is trained once, in stages up to the largest epoch count,
        drawing a frame at each stage (continuing ``fast_fit`` equals one longer run).
        """
        frames: dict[tuple, str] = {}
        stages = sorted(self.static_epochs)
        for name, (x, y) in self.datasets.items():
            for learning_rate in self.static_learning_rates:
                config.seed(self.seed)
                model = self.build_model(learning_rate)
                logs: dict[str, list[float]] = {}
                done = 0
                for stage in stages:
                    part = fast_fit(model, x, y, stage - done).history
                    done = stage
                    logs = {key: logs.get(key, []) + values for key, values in part.items()}
                    history = keras.callbacks.History()
                    history.history, history.epoch = logs, list(range(done))
                    key = (learning_rate, stage) if len(self.datasets) == 1 else (name, learning_rate, stage)
                    frames[key] = render_frame(lambda: self.draw(model, history, x, y))
        parameters: dict[str, Sequence[Any]] = {}
        if len(self.datasets) > 1:
            parameters["dataset"] = list(self.datasets)
        parameters["learning rate"] = self.static_learning_rates
        parameters["epochs"] = stages
        live = (self.learning_rate.value, self.epochs.value)
        initial = live if len(self.datasets) == 1 else (self.dataset.value, *live)
        return FrameExplorer(parameters, frames, title=self.title, initial=initial)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        text = f"{self.title}: learning-rate and epochs sliders (run the notebook to use them)"
        return live_and_static_bundle(self.box, text, self.static_explorer)


def training_sliders(
    build_model: BuildModel,
    data: Data | Mapping[str, Data],
    draw: Draw,
    *,
    learning_rate: float = 0.01,
    epochs: int = 100,
    max_epochs: int = 1000,
    lr_range: tuple[float, float] = (1e-4, 1.0),
    static_learning_rates: Sequence[float] = (0.001, 0.01, 0.1),
    static_epochs: Sequence[int] = (10, 100, 1000),
    seed: int = config.DEFAULT_SEED,
    title: str = "Training explorer",
) -> TrainingSliders:
    """Sliders for learning rate (log scale) and epochs that retrain through the fast path and redraw.

    Args:
        build_model: ``learning_rate -> compiled keras.Model`` (a fresh model each call).
        data: ``(x, y)``, or ``{"name": (x, y), ...}`` to add a dataset menu.
        draw: ``(model, history, x, y) -> Plot | Figure`` drawing the result of one run.
        static_learning_rates, static_epochs: the grid precomputed for the website's kernel-free version.

    Returns:
        A :class:`TrainingSliders`; display it (last line of a cell) to show the controls and the figure.
    """
    return TrainingSliders(
        build_model, data, draw, learning_rate=learning_rate, epochs=epochs, max_epochs=max_epochs,
        lr_range=lr_range, static_learning_rates=static_learning_rates, static_epochs=static_epochs,
        seed=seed, title=title,
    )
