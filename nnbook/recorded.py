"""An explorer over recorded training runs: the learning-rate and epochs
sliders of the image chapters.

Retraining a CNN every time a slider moves is too slow on a CPU. So an image
chapter trains a few runs once (one per setting: a learning rate, or a
model/augmentation/learning-rate combination), each recording its per-epoch
history, and :func:`recorded_runs` lets the reader

* pick a run with one control per setting, and scrub through its epochs with an
  ``epochs`` slider;
* in Jupyter or Colab, press **retrain** to train the chosen setting again live
  (when the chapter passes a ``retrain`` function), which replaces that run's
  recorded history;
* on the static website, do the same without a kernel: the histories travel
  with the page as a few kilobytes of JSON and a small inline script draws the
  curves as SVG (sharp at any zoom, light pages, no network).

Typical use (last line of a cell)::

    # keras History objects or their dicts
    runs = {(lr,): histories[lr] for lr in LEARNING_RATES}
    nnbook.recorded.recorded_runs(
        {"learning rate": LEARNING_RATES}, runs, retrain=retrain
    )
"""

from __future__ import annotations

import html
import math
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from nnbook.plots import TRAIN_COLOR, VALIDATION_COLOR, Plot
from nnbook.widgets import (
    Control,
    explorer_html,
    is_numeric,
    live_and_static_bundle,
    redraw,
    script_json,
)

Logs = dict[str, list[float]]
Retrain = Callable[
    ..., Any
]  # (*setting values, epochs=int) -> History or its dict

PANEL_WIDTH, PANEL_HEIGHT = 330, 230
"""Size of one metric's panel in the website's SVG, in CSS pixels."""


def as_logs(history: Any) -> Logs:
    """Return the per-epoch logs of a ``keras.callbacks.History`` (or of its
    ``.history`` dict) as float lists."""
    logs = history.history if hasattr(history, "history") else history
    return {
        str(name): [float(v) for v in values]
        for name, values in dict(logs).items()
    }


def _key(values: Sequence[Any]) -> str:
    return "|".join(str(v) for v in values)


def _bounded(metric: str) -> bool:
    """Accuracy-like metrics live in [0, 1] and get a fixed axis."""
    return any(
        word in metric for word in ("acc", "auc", "precision", "recall")
    )


def metric_range(metric: str, runs: Sequence[Logs]) -> tuple[float, float]:
    """Return the y-axis range shared by every run for ``metric`` (training and
    validation together).

    Accuracy-like metrics get [0, 1]. Losses start at 0 (or the lowest value)
    and end a little above the highest first-epoch value, capped at three times
    the median first-epoch value, so that one diverging run (too high a
    learning rate) does not flatten every other curve; its curve is clipped at
    the top.
    """
    if _bounded(metric):
        return 0.0, 1.0
    names = (metric, f"val_{metric}")
    values = np.array(
        [
            v
            for logs in runs
            for name in names
            for v in logs.get(name, [])
            if math.isfinite(v)
        ]
    )
    if values.size == 0:
        return 0.0, 1.0
    first = np.array(
        [
            logs[name][0]
            for logs in runs
            for name in names
            if logs.get(name) and math.isfinite(logs[name][0])
        ]
    )
    top = (
        min(first.max(), 3 * float(np.median(first)))
        if first.size
        else values.max()
    )
    top = 1.1 * max(float(top), float(np.percentile(values, 75)))
    low = min(0.0, float(values.min()))
    return low, top if top > low else low + 1.0


class RecordedRuns:
    """Controls over recorded runs and the figure of the chosen one; see
    :func:`recorded_runs`.

    Attributes a test (or a curious learner) can read: ``controls`` (one widget
    per setting), ``epochs`` (the epochs slider), ``runs`` (setting tuple ->
    logs), ``figure`` (the latest), ``draws`` and ``retrains``.
    """

    def __init__(
        self,
        parameters: Mapping[str, Sequence[Any]],
        runs: Mapping[tuple, Any],
        *,
        metrics: Sequence[str],
        retrain: Retrain | None,
        title: str,
        initial: tuple | None,
        epochs: int | None,
    ):
        self.parameters = {
            name: list(values) for name, values in parameters.items()
        }
        self.runs: dict[tuple, Logs] = {
            tuple(key): as_logs(h) for key, h in runs.items()
        }
        for key in self.runs:
            if len(key) != len(self.parameters) or any(
                v not in vals for v, vals in zip(key, self.parameters.values())
            ):
                raise ValueError(
                    f"run {key} does not match the parameters "
                    f"{list(self.parameters)}"
                )
        for key, logs in self.runs.items():
            missing = [m for m in metrics if m not in logs]
            if missing:
                raise KeyError(
                    f"run {key} has no {missing}; it has {sorted(logs)}"
                )
        self.metrics, self.retrain_fn, self.title = (
            list(metrics),
            retrain,
            title,
        )
        start = (
            tuple(initial) if initial is not None else next(iter(self.runs))
        )
        self.controls: dict[str, widgets.Widget] = {}
        for (name, values), value in zip(self.parameters.items(), start):
            if len(values) > 1 and all(
                isinstance(v, (int, float)) for v in values
            ):
                control = widgets.SelectionSlider(
                    options=values,
                    value=value,
                    description=name,
                    continuous_update=False,
                    style={"description_width": "initial"},
                )
            else:
                control = widgets.Dropdown(
                    options=values,
                    value=value,
                    description=name,
                    style={"description_width": "initial"},
                )
            self.controls[name] = control
        longest = max(
            len(logs[self.metrics[0]]) for logs in self.runs.values()
        )
        self.epochs = widgets.IntSlider(
            value=epochs
            or len(self.runs.get(start, {}).get(self.metrics[0], [1])),
            min=1,
            max=longest,
            description="epochs",
            continuous_update=False,
        )
        self.button = widgets.Button(
            description="retrain",
            tooltip="train this setting again, live",
            disabled=retrain is None,
        )
        self.status = widgets.Label()
        self.output = widgets.Output()
        row = (
            list(self.controls.values())
            + [self.epochs]
            + ([self.button, self.status] if retrain else [])
        )
        self.box = widgets.VBox(
            [
                widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap")),
                self.output,
            ]
        )
        self.figure: Figure | None = None
        self.draws = self.retrains = 0
        for control in [*self.controls.values(), self.epochs]:
            control.observe(lambda _change: self.show(), names="value")
        self.button.on_click(lambda _button: self.retrain())
        self.show()

    @property
    def setting(self) -> tuple:
        """The setting the controls show now, as a tuple in the order of the
        parameters."""
        return tuple(control.value for control in self.controls.values())

    def draw(self, setting: tuple, epochs: int) -> Plot:
        """Draw ``setting``'s run up to ``epochs``: faint full curves behind,
        the first ``epochs`` epochs solid."""
        logs = self.runs.get(setting)
        figure, axes = plt.subplots(
            1,
            len(self.metrics),
            figsize=(4.6 * len(self.metrics), 3.3),
            squeeze=False,
        )
        label = ", ".join(
            f"{name} {value}" for name, value in zip(self.parameters, setting)
        )
        for ax, metric in zip(axes[0], self.metrics):
            ax.set_title(
                f"{metric}: {label}"
                if len(self.metrics) > 1
                else f"{self.title}\n{label}",
                fontsize=10,
            )
            ax.set_xlabel("epoch")
            ax.set_ylabel(metric)
            ax.set_ylim(*metric_range(metric, list(self.runs.values())))
            if logs is None:
                ax.text(
                    0.5,
                    0.5,
                    "no recorded run for this setting",
                    ha="center",
                    transform=ax.transAxes,
                )
                continue
            for name, color, text in (
                (metric, TRAIN_COLOR, "training"),
                (f"val_{metric}", VALIDATION_COLOR, "validation"),
            ):
                if name not in logs:
                    continue
                values = logs[name]
                x = np.arange(1, len(values) + 1)
                shown = min(epochs, len(values))
                ax.plot(x, values, color=color, alpha=0.2)
                ax.plot(
                    x[:shown],
                    values[:shown],
                    color=color,
                    label=f"{text} ({values[shown - 1]:.3f})",
                )
                ax.plot([shown], [values[shown - 1]], "o", color=color)
            ax.set_xlim(0.5, max(len(v) for v in logs.values()) + 0.5)
            ax.legend(loc="best", fontsize=8)
        figure.tight_layout()
        return Plot(figure, axes[0])

    def show(self) -> None:
        """Redraw the figure for the current controls."""
        self.draws += 1
        self.figure = redraw(
            self.output,
            self.figure,
            lambda: self.draw(self.setting, self.epochs.value),
        )

    def retrain(self) -> None:
        """Train the current setting again for the current number of epochs
        (live only) and show the new run."""
        if self.retrain_fn is None:
            raise RuntimeError(
                "this explorer was made without a retrain function"
            )
        self.status.value = "training…"
        history = self.retrain_fn(*self.setting, epochs=self.epochs.value)
        self.runs[self.setting] = as_logs(history)
        self.retrains += 1
        self.status.value = f"retrained ({self.retrains})"
        self.show()

    def to_html(self) -> str:
        """Return the kernel-free explorer: HTML controls, the runs as JSON,
        and a script drawing SVG curves."""
        start = self.setting
        controls = [
            Control(
                name,
                [str(v) for v in values],
                values.index(start[i]),
                f'data-param="{i}"',
                menu=not (len(values) > 1 and is_numeric(values)),
            )
            for i, (name, values) in enumerate(self.parameters.items())
        ]
        longest = self.epochs.max
        controls.append(
            Control(
                "epochs",
                [str(e) for e in range(1, longest + 1)],
                self.epochs.value - 1,
                "data-epochs",
                first=1,
            )
        )
        data = {
            "values": [
                [str(v) for v in values] for values in self.parameters.values()
            ],
            "names": list(self.parameters),
            "title": self.title,
            "metrics": self.metrics,
            "ranges": [
                metric_range(m, list(self.runs.values())) for m in self.metrics
            ],
            "runs": {
                _key(key): {
                    name: [
                        round(v, 4) if math.isfinite(v) else None
                        for v in values
                    ]
                    for name, values in logs.items()
                }
                for key, logs in self.runs.items()
            },
            "width": PANEL_WIDTH,
            "height": PANEL_HEIGHT,
            "colors": [
                TRAIN_COLOR.replace("tab:", ""),
                VALIDATION_COLOR.replace("tab:", ""),
            ],
        }
        picture = (
            '<svg data-picture role="img" '
            f'aria-label="{html.escape(self.title)}" '
            'style="max-width:100%;height:auto"></svg>'
        )
        readout = (
            "<div data-readout "
            'style="font-size:90%;font-family:monospace"></div>'
        )
        note = (
            "runs recorded when the book was built; in Colab or Jupyter, "
            "press retrain to train a setting live."
        )
        return explorer_html(
            self.title,
            note,
            controls,
            picture,
            _SCRIPT % script_json(data),
            after=readout,
        )

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> dict[str, Any]:
        text = (
            f"{self.title}: choose a recorded run and scrub its epochs (run "
            "the notebook to use the controls)"
        )
        return live_and_static_bundle(self.box, text, lambda: self)


_SCRIPT = """  const D = %s;
  const COLORS = {blue: "#1f77b4", orange: "#ff7f0e"};
  const svg = root.querySelector("[data-picture]");
  const params = root.querySelectorAll("[data-param]");
  const slider = root.querySelector("[data-epochs]");
  const W = D.width, H = D.height, L = 48, R = 10, T = 26, B = 36;
  function el(tag, attrs, text) {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(v) {
    return Math.abs(v) >= 100 ? v.toFixed(0)
      : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2);
  }
  function update() {
    const setting = Array.from(params)
      .map(p => D.values[parseInt(p.dataset.param)][parseInt(p.value)]);
    const run = D.runs[setting.join("|")];
    const n = run ? Math.max(...D.metrics.map(m => (run[m] || []).length)) : 1;
    const epochs = Math.min(parseInt(slider.value), n);
    const label = setting.map((v, i) => D.names[i] + " " + v).join(", ");
    svg.setAttribute("aria-label", `${D.title}: ${label}, epoch ${epochs}`);
    svg.setAttribute("viewBox", `0 0 ${W * D.metrics.length} ${H}`);
    svg.setAttribute("width", W * D.metrics.length);
    svg.replaceChildren();
    const readout = [];
    D.metrics.forEach((metric, p) => {
      const g = el("g", {transform: `translate(${p * W},0)`});
      svg.appendChild(g);
      const [y0, y1] = D.ranges[p];
      const x = e => L + (W - L - R) * (n <= 1 ? 0.5 : (e - 1) / (n - 1));
      const y = v => T + (H - T - B)
        * (1 - (Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0));
      g.appendChild(el(
        "text", {x: L, y: 14, "font-size": 12, "font-weight": "bold"}, metric
      ));
      for (let i = 0; i <= 4; i++) {
        const v = y0 + (y1 - y0) * i / 4;
        g.appendChild(el(
          "line", {x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#ddd"}
        ));
        g.appendChild(el(
          "text",
          {x: L - 4, y: y(v) + 4, "text-anchor": "end", "font-size": 10},
          fmt(v)
        ));
      }
      const ticks = Math.min(n, 6);
      for (let i = 0; i < ticks; i++) {
        const e = Math.round(
          1 + (n - 1) * (ticks === 1 ? 0 : i / (ticks - 1))
        );
        g.appendChild(el(
          "text",
          {x: x(e), y: H - B + 14, "text-anchor": "middle", "font-size": 10},
          e
        ));
      }
      g.appendChild(el(
        "text",
        {
          x: L + (W - L - R) / 2, y: H - 6,
          "text-anchor": "middle", "font-size": 11,
        },
        "epoch"
      ));
      g.appendChild(el(
        "line", {x1: L, x2: L, y1: T, y2: H - B, stroke: "#888"}
      ));
      if (!run) {
        g.appendChild(el(
          "text",
          {x: W / 2, y: H / 2, "text-anchor": "middle", "font-size": 11},
          "no recorded run"
        ));
        return;
      }
      [
        [metric, D.colors[0], "training"],
        ["val_" + metric, D.colors[1], "validation"],
      ].forEach(([name, c, label], k) => {
        const values = run[name];
        if (!values) return;
        const color = COLORS[c] || c;
        const pts = values.map(
          (v, i) => v === null ? null : [x(i + 1), y(v)]
        );
        const path = shown => pts.slice(0, shown).filter(q => q)
          .map((q, i) => (i ? "L" : "M") + q[0].toFixed(1) + ","
            + q[1].toFixed(1))
          .join("");
        g.appendChild(el("path", {
          d: path(values.length), fill: "none", stroke: color,
          "stroke-opacity": 0.2, "stroke-width": 1.5,
        }));
        g.appendChild(el("path", {
          d: path(Math.min(epochs, values.length)), fill: "none",
          stroke: color, "stroke-width": 2,
        }));
        const last = values[Math.min(epochs, values.length) - 1];
        if (last !== null) {
          g.appendChild(el("circle", {
            cx: x(Math.min(epochs, values.length)), cy: y(last), r: 3.5,
            fill: color,
          }));
          readout.push(`${label} ${metric} ${last.toFixed(3)}`);
        }
        g.appendChild(el("rect", {
          x: W - R - 140 + 72 * k, y: 8, width: 10, height: 3, fill: color,
        }));
        g.appendChild(el(
          "text", {x: W - R - 126 + 72 * k, y: 13, "font-size": 10}, label
        ));
      });
    });
    root.querySelector("[data-readout]").textContent =
      run ? `epoch ${epochs}: ` + readout.join(", ") : "";
  }
  params.forEach(p => p.addEventListener("input", update));
  slider.addEventListener("input", update);
  update();"""


def recorded_runs(
    parameters: Mapping[str, Sequence[Any]],
    runs: Mapping[tuple, Any],
    *,
    metrics: Sequence[str] = ("accuracy", "loss"),
    retrain: Retrain | None = None,
    title: str = "Recorded training runs",
    initial: tuple | None = None,
    epochs: int | None = None,
) -> RecordedRuns:
    """An explorer over runs recorded once: one control per setting, an epochs
    slider, and a live retrain button.

    Args:
        parameters: ``{"setting name": [values, ...]}``, e.g.
            ``{"learning rate": [1e-4, 1e-3, 1e-2]}``.
        runs: ``{(value, ...): history}``, one ``keras.callbacks.History`` (or
            its dict) per recorded setting, keys in the order of
            ``parameters``. Settings without a run show "no recorded run".
        metrics: the metrics drawn, one panel each (``val_<metric>`` is drawn
            too when recorded).
        retrain: ``retrain(*setting, epochs=n) -> History`` trains one setting
            live (Jupyter/Colab only).
        initial, epochs: the setting and epoch count shown first (default: the
            first run, all its epochs).

    Returns:
        A :class:`RecordedRuns`; display it (last line of a cell). On the
        website it renders kernel-free.
    """
    return RecordedRuns(
        parameters,
        runs,
        metrics=metrics,
        retrain=retrain,
        title=title,
        initial=initial,
        epochs=epochs,
    )
