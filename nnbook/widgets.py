"""Interactive controls: sliders that retrain a model and redraw, in Jupyter,
Colab and on the static site.

``training_sliders(...)`` gives a learning-rate slider (log scale), an epochs
slider and, when several datasets are passed, a dataset menu. Moving one
retrains a fresh model through :func:`nnbook.train.fast_fit` and redraws.

The same object also carries a *kernel-free* version for the book's website,
where no Python runs: a small HTML/JavaScript explorer over figures precomputed
when the book is built (:class:`FrameExplorer`). Jupyter and Colab render the
live widget; the website's build is configured (``nb_mime_priority_overrides``
in ``_config.yml``) to render the precomputed explorer instead. The live widget
is never frozen output.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as widgets
import keras
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from nnbook import config
from nnbook.plots import Plot, fit_to_column, max_inches
from nnbook.train import fast_fit

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STATIC_DPI = 96
"""Resolution of the website's precomputed frames: one CSS pixel per pixel at
Matplotlib's default size."""
STATIC_COLORS = 128
"""Frames are stored as palette PNGs of this many colours: plots have few
colours, so they stay sharp (no lossy blur on lines and text) at about a third
of the bytes of a full-colour PNG, which keeps explorer pages light."""

EXPLORER_PX = 670
"""Width an explorer's picture is shown at in the page column (688 px less the
explorer's border and padding)."""
FRAME_MAX_INCHES = max_inches(EXPLORER_PX)
"""Widest frame drawn (9.5 in): its default tick labels stay readable at
:data:`EXPLORER_PX`."""

Data = tuple[np.ndarray, np.ndarray]
BuildModel = Callable[[float], keras.Model]
Draw = Callable[
    [keras.Model, keras.callbacks.History, np.ndarray, np.ndarray], Any
]


def figure_to_data_uri(
    figure: Figure, dpi: int = STATIC_DPI, colors: int = STATIC_COLORS
) -> str:
    """Render a Matplotlib figure to a ``data:image/png;base64,...`` URI (for
    kernel-free HTML).

    A figure wider than the page column is first fitted to it
    (:func:`nnbook.plots.fit_to_column`). The PNG holds a palette of at most
    ``colors`` colours (lossless for lines and text; smooth colour maps are
    approximated), a fraction of the size of a full-colour PNG.
    """
    fit_to_column(figure, FRAME_MAX_INCHES)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", dpi=dpi, bbox_inches="tight", facecolor="white"
    )
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    palette = image.quantize(
        colors=colors,
        method=Image.Quantize.MEDIANCUT,
        dither=Image.Dither.NONE,
    )
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(
        buffer.getvalue()
    ).decode("ascii")


def _as_figure(drawn: Any) -> Figure:
    if isinstance(drawn, Plot):
        return drawn.figure
    if isinstance(drawn, Figure):
        return drawn
    return plt.gcf()


def render_frame(draw: Callable[[], Any]) -> str:
    """Draw one figure off-screen with ``draw()``, close it, and return it as a
    PNG data URI (a static frame)."""
    with plt.ioff():
        figure = _as_figure(draw())
    uri = figure_to_data_uri(figure)
    plt.close(figure)
    return uri


def uploaded_files(value: Any) -> list[tuple[str, bytes]]:
    """Return ``(name, content)`` pairs from a ``FileUpload`` value, in
    ipywidgets 8 *and* 7 (Colab's) formats.

    ipywidgets 8 gives a tuple of dicts with ``name`` and ``content`` (a
    memoryview); ipywidgets 7 gives a dict mapping each file name to a dict
    with ``content`` (bytes).
    """
    if isinstance(value, Mapping):  # ipywidgets 7
        return [
            (str(name), bytes(item["content"])) for name, item in value.items()
        ]
    return [(str(item["name"]), bytes(item["content"])) for item in value]


def redraw(
    output: widgets.Output, old: Figure | None, draw: Callable[[], Any]
) -> Figure:
    """Close ``old``, then show the figure that ``draw()`` makes in ``output``
    (replacing what was there).

    Returns:
        The new figure.
    """
    if old is not None:
        plt.close(old)
    output.clear_output(wait=True)
    # outside ``with output``: in a kernel, Output swallows exceptions raised
    # inside it
    figure = _as_figure(draw())
    with output:
        plt.show()
    return figure


def live_and_static_bundle(
    box: widgets.Widget, text: str, static: Callable[[], Any]
) -> dict[str, Any]:
    """The display data of a live control: the widget view, plain text, and
    (outside Colab) the static explorer.

    Jupyter and Colab render the widget view; the website's build prefers
    ``text/html`` (see ``_config.yml``), which holds ``static().to_html()``
    (any object with ``to_html``), computed only when not in Colab.
    """
    bundle: dict[str, Any] = {
        "text/plain": text,
        WIDGET_MIME: {
            "version_major": 2,
            "version_minor": 0,
            "model_id": box.model_id,
        },
    }
    # Colab always has a kernel: no need for the static version there
    if not config.in_colab():
        bundle["text/html"] = static().to_html()
    return bundle


TRAINED_NOTE = (
    "precomputed when the book was built; run the notebook (Colab or "
    "Jupyter) to retrain live."
)
DRAWN_NOTE = (
    "precomputed when the book was built; run the notebook (Colab or "
    "Jupyter) to move the controls live."
)


@dataclass(frozen=True)
class Control:
    """One control of a kernel-free explorer: a slider over a few positions, or
    a menu.

    ``labels`` are what each position shows beside the slider and what a screen
    reader announces (``aria-valuetext``: "0.01", not the position "1");
    ``start`` is the position shown first; ``attribute`` is the data attribute
    the explorer's script finds it by (``data-param="0"``, ``data-epochs``); a
    slider's positions are numbered from ``first``.
    """

    name: str
    labels: Sequence[str]
    start: int
    attribute: str
    menu: bool = False
    first: int = 0

    def to_html(self) -> str:
        """The control as HTML: a labelled ``<input type="range">`` with its
        readout, or a ``<select>``."""
        name = html.escape(self.name)
        shown = html.escape(str(self.labels[self.start]))
        if self.menu:
            options = "".join(
                f"<option value='{j}'{' selected' if j == self.start else ''}>"
                f"{html.escape(str(v))}</option>"
                for j, v in enumerate(self.labels)
            )
            return (
                f'<label class="nnbook-control">{name}: <select '
                f"{self.attribute}>{options}</select></label>"
            )
        labels = html.escape(json.dumps([str(v) for v in self.labels]))
        return (
            f'<label class="nnbook-control">{name}: <input type="range" '
            f'min="{self.first}" max="{self.first + len(self.labels) - 1}" '
            f'value="{self.first + self.start}" step="1" {self.attribute} '
            f'data-labels="{labels}" aria-valuetext="{shown}"> '
            f"<output>{shown}</output></label>"
        )


CONTROLS_SCRIPT = """root.querySelectorAll("input[type=range][data-labels]")
  .forEach(el => {
    const labels = JSON.parse(el.dataset.labels);
    const out = el.parentNode.querySelector("output");
    const show = () => {
      const text = labels[Number(el.value) - Number(el.min)];
      el.setAttribute("aria-valuetext", text);
      if (out) out.textContent = text;
    };
    el.addEventListener("input", show);
    show();
  });"""
"""Keeps every slider's readout and ``aria-valuetext`` on the label of its
position (shared by all explorers)."""


def explorer_html(
    title: str,
    note: str,
    controls: Sequence[Control],
    picture: str,
    script: str,
    after: str = "",
) -> str:
    """The one builder of every kernel-free explorer's HTML: caption, controls,
    picture and script.

    Args:
        title, note: the caption ("title — note").
        controls: the explorer's controls, in order.
        picture: the element that shows the current setting; it carries
            ``data-picture``.
        script: JavaScript run once with ``root`` (the explorer's element) in
            scope; it wires the controls to the picture (the readouts and
            ``aria-valuetext`` of the sliders are kept up to date for it).
        after: HTML placed below the picture (a readout, say).

    Returns:
        Self-contained HTML with inline JavaScript (no kernel, no network);
        styled by the site's ``_static/nnbook.css`` (class
        ``nnbook-explorer``).
    """
    uid = "nnbook-" + uuid.uuid4().hex[:10]
    caption = (
        f"{html.escape(title)} — {html.escape(note)}"
        if title
        else html.escape(note)
    )
    controls_html = "".join(c.to_html() for c in controls)
    return (
        f'<div id="{uid}" class="nnbook-explorer" role="group" '
        f'aria-label="{html.escape(title or "explorer")}" '
        'style="border:1px solid #ddd;padding:8px;border-radius:6px">\n'
        '<div class="nnbook-explorer-caption" '
        f'style="font-size:90%;color:#555;margin-bottom:4px">{caption}</div>\n'
        '<div class="nnbook-explorer-controls">'
        f"{controls_html}</div>\n"
        f'<div class="nnbook-explorer-picture">{picture}</div>{after}\n'
        f"<script>(function() {{\n  const root = "
        f'document.getElementById("{uid}");\n  {CONTROLS_SCRIPT}\n'
        f"{script}\n}})();</script></div>"
    )


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside an inline ``<script>`` (no ``</``
    that could close it)."""
    return json.dumps(value).replace("</", "<\\/")


def is_numeric(values: Sequence[Any]) -> bool:
    """True when every value is a number: such a parameter gets a slider, any
    other a menu."""
    return all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in values
    )


class FrameExplorer:
    """A kernel-free explorer: one control per parameter, flipping between
    precomputed images.

    ``frames`` maps a tuple of parameter values (in the order of
    ``parameters``) to an image data URI. Numeric parameters get a range
    slider, text ones a menu. ``initial`` is the combination shown first
    (default: the last value of each parameter). ``note`` follows the title in
    the caption (default: the frames were precomputed and the controls move
    live in a notebook; :class:`TrainingSliders` says that they retrain).
    ``to_html()`` returns self-contained HTML+JS.
    """

    def __init__(
        self,
        parameters: Mapping[str, Sequence[Any]],
        frames: Mapping[tuple, str],
        title: str = "",
        initial: tuple | None = None,
        note: str = DRAWN_NOTE,
    ):
        self.parameters = {
            name: list(values) for name, values in parameters.items()
        }
        expected = set(itertools.product(*self.parameters.values()))
        if set(frames) != expected:
            raise ValueError(
                "frames must hold exactly one image per combination of "
                "parameter values"
            )
        self.frames = dict(frames)
        self.title, self.note = title, note
        self.start = [len(values) - 1 for values in self.parameters.values()]
        for i, values in enumerate(self.parameters.values()):
            if initial is not None and initial[i] in values:
                self.start[i] = values.index(initial[i])

    def alt(self, key: tuple) -> str:
        """The picture's text alternative for one combination: the title and
        every parameter's value."""
        setting = ", ".join(
            f"{name} {value}" for name, value in zip(self.parameters, key)
        )
        return f"{self.title or 'Explorer'}: {setting}"

    def to_html(self) -> str:
        """Return the explorer as HTML with inline JavaScript (no kernel, no
        network)."""
        index = {
            "|".join(map(str, key)): uri for key, uri in self.frames.items()
        }
        controls = [
            Control(
                name,
                [str(v) for v in values],
                self.start[i],
                f'data-param="{i}"',
                menu=not is_numeric(values),
            )
            for i, (name, values) in enumerate(self.parameters.items())
        ]
        first_key = tuple(
            values[j]
            for values, j in zip(self.parameters.values(), self.start)
        )
        picture = (
            f'<img data-picture alt="{html.escape(self.alt(first_key))}" '
            f'style="max-width:100%" src="{self.frames[first_key]}">'
        )
        data = {
            "values": [
                [str(v) for v in values] for values in self.parameters.values()
            ],
            "names": list(self.parameters),
            "title": self.title or "Explorer",
            "frames": index,
        }
        return explorer_html(
            self.title,
            self.note,
            controls,
            picture,
            _FRAMES_SCRIPT % script_json(data),
        )


_FRAMES_SCRIPT = """  const D = %s;
  const inputs = root.querySelectorAll("[data-param]");
  const picture = root.querySelector("[data-picture]");
  function update() {
    const setting = Array.from(inputs)
      .map((el, i) => D.values[i][parseInt(el.value)]);
    picture.src = D.frames[setting.join("|")];
    picture.alt = D.title + ": "
      + setting.map((v, i) => D.names[i] + " " + v).join(", ");
  }
  inputs.forEach(el => el.addEventListener("input", update));
  update();"""


class TrainingSliders:
    """Live sliders that retrain a model and redraw; see
    :func:`training_sliders`.

    Attributes a test (or a curious learner) can read: ``learning_rate``,
    ``epochs`` and ``dataset`` (the controls), ``model``, ``history`` and
    ``figure`` (of the latest run) and ``runs`` (how many retrains).
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
        self.build_model, self.draw, self.seed, self.title = (
            build_model,
            draw,
            seed,
            title,
        )
        self.datasets: dict[str, Data] = (
            dict(data) if isinstance(data, Mapping) else {"data": data}
        )
        self.static_learning_rates, self.static_epochs = (
            list(static_learning_rates),
            list(static_epochs),
        )
        low, high = np.log10(lr_range[0]), np.log10(lr_range[1])
        self.learning_rate = widgets.FloatLogSlider(
            value=learning_rate,
            base=10,
            min=low,
            max=high,
            step=0.1,
            description="learning rate",
            continuous_update=False,
            readout_format=".4f",
            style={"description_width": "initial"},
        )
        self.epochs = widgets.IntSlider(
            value=epochs,
            min=1,
            max=max_epochs,
            step=max(1, max_epochs // 100),
            description="epochs",
            continuous_update=False,
        )
        self.dataset = widgets.Dropdown(
            options=list(self.datasets), description="dataset"
        )
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

    def _train(
        self, learning_rate: float, epochs: int, x: np.ndarray, y: np.ndarray
    ):
        # the same starting weights for every run, as in the static frames
        config.seed(self.seed)
        model = self.build_model(learning_rate)
        return model, fast_fit(model, x, y, epochs)

    def retrain(self) -> None:
        """Train a fresh model with the current control values and redraw the
        figure."""
        x, y = self.datasets[self.dataset.value]
        self.model, self.history = self._train(
            self.learning_rate.value, self.epochs.value, x, y
        )
        self.runs += 1
        self.figure = redraw(
            self.output,
            self.figure,
            lambda: self.draw(self.model, self.history, x, y),
        )

    def static_explorer(self) -> FrameExplorer:
        """Precompute every (dataset, learning rate, epochs) frame for the
        kernel-free website version.

        For each dataset and learning rate the model is trained once, in stages
        up to the largest epoch count, drawing a frame at each stage
        (continuing ``fast_fit`` equals one longer run).
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
                    logs = {
                        key: logs.get(key, []) + values
                        for key, values in part.items()
                    }
                    history = keras.callbacks.History()
                    history.history, history.epoch = logs, list(range(done))
                    key = (
                        (learning_rate, stage)
                        if len(self.datasets) == 1
                        else (name, learning_rate, stage)
                    )
                    frames[key] = render_frame(
                        lambda: self.draw(model, history, x, y)
                    )
        parameters: dict[str, Sequence[Any]] = {}
        if len(self.datasets) > 1:
            parameters["dataset"] = list(self.datasets)
        parameters["learning rate"] = self.static_learning_rates
        parameters["epochs"] = stages
        live = (self.learning_rate.value, self.epochs.value)
        initial = (
            live if len(self.datasets) == 1 else (self.dataset.value, *live)
        )
        return FrameExplorer(
            parameters,
            frames,
            title=self.title,
            initial=initial,
            note=TRAINED_NOTE,
        )

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> dict[str, Any]:
        text = (
            f"{self.title}: learning-rate and epochs sliders (run the "
            "notebook to use them)"
        )
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
    """Sliders for learning rate (log scale) and epochs that retrain through
    the fast path and redraw.

    Args:
        build_model: ``learning_rate -> compiled keras.Model`` (a fresh model
            each call).
        data: ``(x, y)``, or ``{"name": (x, y), ...}`` to add a dataset menu.
        draw: ``(model, history, x, y) -> Plot | Figure`` drawing the result of
            one run.
        static_learning_rates, static_epochs: the grid precomputed for the
            website's kernel-free version.

    Returns:
        A :class:`TrainingSliders`; display it (last line of a cell) to show
        the controls and the figure.
    """
    return TrainingSliders(
        build_model,
        data,
        draw,
        learning_rate=learning_rate,
        epochs=epochs,
        max_epochs=max_epochs,
        lr_range=lr_range,
        static_learning_rates=static_learning_rates,
        static_epochs=static_epochs,
        seed=seed,
        title=title,
    )
