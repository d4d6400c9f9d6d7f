"""The plots every chapter repeats, in one consistent, labelled style, sized
for the page column.

Each function draws into a new figure (or into ``ax=`` when given) and returns
a :class:`Plot` holding the ``figure`` and ``axes``. In a notebook the figure
appears once, below the cell, as usual.

**Sized for the column.** The website's text column is :data:`COLUMN_PX` (688)
CSS pixels wide and shows a wider figure scaled down, its text with it. The
rule: *a 10-point tick label (Matplotlib's default) is at least 9.5 CSS pixels
high on the page*. A figure saved at :data:`FIGURE_DPI` (100) draws that label
13.9 px high, so a figure PNG may be at most 688 × 13.9 / 9.5 ≈ 1,005 px wide
(:data:`MAX_PNG_PX`): a figure at most :data:`MAX_FIGURE_INCHES` (9.8) inches,
leaving room for the pad of ``bbox_inches="tight"``. Every figure a notebook
shows goes through :func:`column_png` (``nnbook.setup()`` installs it as the
inline backend's PNG formatter): a wider figure is shrunk to that width, its
fonts keeping their size, and laid out again. The same PNG carries a text
alternative (:func:`describe`: its titles and axis labels), which the website
uses as the image's ``alt`` text.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

TRAIN_COLOR = "tab:blue"
VALIDATION_COLOR = "tab:orange"
CLASS_COLORS = ("tab:blue", "tab:red")
BOUNDARY_CMAP = "RdBu_r"
COLUMN_PX = 688
"""Width of the website's text column in CSS pixels (sphinx-book-theme at a
desktop width)."""
FIGURE_DPI = 100
"""Resolution at which notebooks show figures (and the website stores them)."""
TICK_POINTS = 10.0
"""Matplotlib's default tick-label size (``font.size`` 10, ``xtick.labelsize``
"medium")."""
MIN_TEXT_PX = 9.5
"""Smallest on-page height, in CSS pixels, of a default tick label (see the
module's docstring)."""
MAX_PNG_PX = int(COLUMN_PX * (TICK_POINTS * FIGURE_DPI / 72) / MIN_TEXT_PX)
"""Widest PNG that keeps a default tick label at :data:`MIN_TEXT_PX` in the
column: 1,005 px."""
MAX_FIGURE_INCHES = math.floor(MAX_PNG_PX / FIGURE_DPI * 10) / 10 - 0.2
"""Widest figure drawn, 9.8 inches: :data:`MAX_PNG_PX` less the 0.1-inch pad
that ``bbox_inches="tight"`` adds on each side; wider figures are shrunk to
it."""
PNG_DESCRIPTION = "Description"
"""The PNG text chunk holding a figure's text alternative (read by the site's
build for ``alt``)."""
STYLE = {
    "figure.dpi": FIGURE_DPI,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titleweight": "bold",
}
plt.rcParams.update(STYLE)


@dataclass
class Plot:
    """A drawn figure and its axes, returned by every plotting helper."""

    figure: Figure
    axes: Any  # one Axes or a NumPy array of Axes

    def _ipython_display_(self) -> None:
        # While pyplot still owns the figure, the inline backend shows it at
        # the end of the cell: displaying it here too would show it twice. Once
        # pyplot has closed it, show it on request.
        if not plt.fignum_exists(self.figure.number):
            from IPython.display import display

            display(self.figure)


def column_size(width: float, height: float) -> tuple[float, float]:
    """``(width, height)`` in inches, scaled down together when ``width``
    exceeds :data:`MAX_FIGURE_INCHES`."""
    scale = min(1.0, MAX_FIGURE_INCHES / width)
    return width * scale, height * scale


def text_px_on_page(points: float, figure_px: float) -> float:
    """On-page height in CSS pixels of ``points``-point text in a figure
    ``figure_px`` pixels wide (at :data:`FIGURE_DPI`), shown at most
    :data:`COLUMN_PX` wide."""
    return points * FIGURE_DPI / 72 * min(1.0, COLUMN_PX / figure_px)


def max_inches(column_px: float = COLUMN_PX) -> float:
    """Widest figure whose default tick labels stay :data:`MIN_TEXT_PX` high
    when shown ``column_px`` wide (at any dpi), less the 0.2-inch pad of
    ``bbox_inches="tight"``: 9.8 inches for the page column."""
    return (
        math.floor(column_px * TICK_POINTS / 72 / MIN_TEXT_PX * 10) / 10 - 0.2
    )


def fit_to_column(figure: Figure, limit: float | None = None) -> bool:
    """Shrink a figure wider than ``limit`` inches (default
    :data:`MAX_FIGURE_INCHES`) to that width (fonts keep their size) and lay it
    out again; return True when it was resized."""
    limit = MAX_FIGURE_INCHES if limit is None else limit
    width, height = figure.get_size_inches()
    if width <= limit + 1e-6:
        return False
    figure.set_size_inches(width * limit / width, height * limit / width)
    # constrained layout re-runs by itself at the next draw
    if figure.get_layout_engine() is None:
        with warnings.catch_warnings():
            # "not compatible with tight_layout": keep the layout it has
            warnings.simplefilter("ignore")
            figure.tight_layout()
    return True


def describe(figure: Figure) -> str:
    """A text alternative for a figure: its title and each panel's title and
    axis labels (for ``alt`` text)."""
    parts: list[str] = []
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        parts.append(suptitle.get_text().strip())
    panels, titles_only = [], []
    for ax in figure.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        titles = (ax.title, ax._left_title, ax._right_title)  # noqa: SLF001
        title = " ".join(
            t.get_text().strip() for t in titles if t.get_text().strip()
        )
        axis = [
            f"{name}: {label}"
            for name, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
            if label
        ]
        if axis:
            panels.append(
                f"{title} ({', '.join(axis)})"
                if title
                else f"plot ({', '.join(axis)})"
            )
        elif title:
            titles_only.append(title)
    if titles_only and len(titles_only) > 3:
        panels.append(
            f"{len(titles_only)} panels: "
            + ", ".join(dict.fromkeys(titles_only))
        )
    else:
        panels.extend(titles_only)
    parts.extend(dict.fromkeys(panels))
    text = "; ".join(" ".join(part.split()) for part in parts)
    if not text:
        shown = sum(1 for ax in figure.axes if ax.get_visible())
        text = f"untitled figure with {shown} panel{'s' if shown != 1 else ''}"
    return text if len(text) <= 300 else text[:297].rstrip() + "…"


def column_png(figure: Figure) -> tuple[bytes, dict] | None:
    """The notebook's PNG of a figure: fitted to the column, at
    :data:`FIGURE_DPI`, with its text alternative.

    Returns ``(png, metadata)`` as IPython's formatters accept, or None for a
    figure with nothing drawn (as the inline backend does). The PNG's
    ``Description`` text chunk holds :func:`describe`'s text.
    """
    if not figure.axes and not figure.lines and not figure.images:
        return None
    fit_to_column(figure)
    alt = describe(figure)
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="png",
        dpi=FIGURE_DPI,
        bbox_inches="tight",
        facecolor=figure.get_facecolor(),
        edgecolor=figure.get_edgecolor(),
        metadata={PNG_DESCRIPTION: alt},
    )
    return buffer.getvalue(), {"alt": alt}


def show_figures_for_the_column(shell: Any) -> None:
    """Make an IPython shell show every Matplotlib figure through
    :func:`column_png` (call after ``%matplotlib inline``, which installs its
    own PNG formatter)."""
    shell.display_formatter.formatters["image/png"].for_type(
        Figure, column_png
    )


def _axes(
    ax: Axes | None, figsize: tuple[float, float] = (6, 4)
) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.figure, ax
    figure, new_ax = plt.subplots(figsize=figsize)
    return figure, new_ax


def _label(ax: Axes, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def history_curves(
    history: Any,
    metrics: Sequence[str] = ("loss",),
    *,
    title: str = "Training curves",
    log_loss: bool = False,
) -> Plot:
    """Plot each metric per epoch, training against validation when
    ``val_<metric>`` exists.

    ``history`` is a ``keras.callbacks.History`` or its ``.history`` dict.
    Returns a :class:`Plot` with one axis per metric. ``log_loss=True`` draws
    loss on a log scale (useful when it falls by orders of magnitude).
    """
    logs = history.history if hasattr(history, "history") else dict(history)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise KeyError(f"history has no {missing}; it has {sorted(logs)}")
    figure, axes = plt.subplots(
        1,
        len(metrics),
        figsize=column_size(5 * len(metrics), 3.6),
        squeeze=False,
    )
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(
            epochs, logs[metric], color=TRAIN_COLOR, label=f"training {metric}"
        )
        if f"val_{metric}" in logs:
            ax.plot(
                epochs,
                logs[f"val_{metric}"],
                color=VALIDATION_COLOR,
                label=f"validation {metric}",
            )
        if log_loss and "loss" in metric:
            ax.set_yscale("log")
        _label(ax, f"{title}: {metric}", "epoch", metric)
        ax.legend()
    figure.tight_layout()
    return Plot(figure, axes[0] if len(metrics) > 1 else axes[0][0])


def _predict_fn(model_or_fn: Any) -> Callable[[np.ndarray], np.ndarray]:
    if callable(getattr(model_or_fn, "predict", None)):
        return lambda points: np.asarray(
            model_or_fn(points.astype("float32"), training=False)
        )
    if callable(model_or_fn):
        return lambda points: np.asarray(model_or_fn(points))
    raise TypeError(
        "expected a Keras model or a function mapping an (n, 2) array to n "
        "scores"
    )


def decision_boundary(
    model: Any,
    x: np.ndarray,
    y: np.ndarray,
    *,
    grid: int = 100,
    margin: float = 0.25,
    ax: Axes | None = None,
    title: str = "Decision boundary",
    show_colorbar: bool = True,
) -> Plot:
    """Shade a 2-D classifier's output over a ``grid × grid`` mesh and overlay
    the labelled points.

    ``model`` is a Keras model (sigmoid output) or a function from an (n, 2)
    array to n scores in [0, 1]. The 0.5 contour is drawn as the boundary.
    Returns a :class:`Plot`.
    """
    x = np.asarray(x, dtype="float32")
    y = np.asarray(y).reshape(-1)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(
            "decision_boundary needs 2-D points of shape (n, 2), got "
            f"{x.shape}"
        )
    span = x.max(axis=0) - x.min(axis=0)
    low, high = x.min(axis=0) - margin * span, x.max(axis=0) + margin * span
    xs, ys = np.meshgrid(
        np.linspace(low[0], high[0], grid), np.linspace(low[1], high[1], grid)
    )
    points = np.column_stack([xs.ravel(), ys.ravel()]).astype("float32")
    scores = _predict_fn(model)(points).reshape(xs.shape)
    figure, ax = _axes(ax, (5, 4.5))
    filled = ax.contourf(
        xs,
        ys,
        scores,
        levels=np.linspace(0, 1, 11),
        cmap=BOUNDARY_CMAP,
        alpha=0.6,
    )
    ax.contour(xs, ys, scores, levels=[0.5], colors="black", linewidths=1.5)
    for label, color in zip(np.unique(y), CLASS_COLORS * 5):
        chosen = y == label
        ax.scatter(
            x[chosen, 0],
            x[chosen, 1],
            s=12,
            color=color,
            edgecolor="white",
            linewidth=0.3,
            label=f"class {label:g}",
        )
    if show_colorbar:
        figure.colorbar(
            filled, ax=ax, label="predicted probability of class 1"
        )
    ax.legend(loc="upper right", fontsize="small")
    _label(ax, title, "x₁", "x₂")
    return Plot(figure, ax)


def regression_line(
    x: np.ndarray,
    y: np.ndarray,
    model: Any,
    *,
    xlabel: str = "x",
    ylabel: str = "y",
    title: str = "Data and fitted line",
    ax: Axes | None = None,
) -> Plot:
    """Scatter 1-D data and draw the model's prediction across its range;
    returns a :class:`Plot`."""
    x = np.asarray(x, dtype="float32").reshape(-1)
    line_x = np.linspace(x.min(), x.max(), 200, dtype="float32").reshape(-1, 1)
    line_y = _predict_fn(model)(line_x).reshape(-1)
    figure, ax = _axes(ax)
    ax.scatter(
        x, np.asarray(y).reshape(-1), color=TRAIN_COLOR, zorder=3, label="data"
    )
    ax.plot(line_x[:, 0], line_y, color=VALIDATION_COLOR, label="model")
    ax.legend()
    _label(ax, title, xlabel, ylabel)
    return Plot(figure, ax)


def _grid(
    n: int, ncols: int, cell: float = 1.6, title_lines: int = 1
) -> tuple[Figure, np.ndarray]:
    """A grid of image axes, each row with room for ``title_lines`` lines of
    title above its images."""
    nrows = int(np.ceil(n / ncols))
    height = (cell + 0.2 * title_lines) * nrows + 0.4
    figure, axes = plt.subplots(
        nrows, ncols, figsize=column_size(cell * ncols, height), squeeze=False
    )
    for ax in axes.ravel():
        ax.axis("off")
    return figure, axes.ravel()


def _show_image(ax: Axes, image: np.ndarray) -> None:
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None)


def image_grid(
    images: np.ndarray,
    labels: Sequence[int] | None = None,
    class_names: Sequence[str] | None = None,
    *,
    ncols: int = 5,
    title: str = "Examples",
) -> Plot:
    """Show images in a grid, each titled with its class name (or label);
    returns a :class:`Plot`."""
    figure, axes = _grid(len(images), ncols)
    for i, (ax, image) in enumerate(zip(axes, images)):
        _show_image(ax, image)
        if labels is not None:
            label = int(np.asarray(labels[i]).reshape(-1)[0])
            ax.set_title(
                class_names[label] if class_names is not None else str(label),
                fontsize=9,
            )
    figure.suptitle(title)
    figure.tight_layout()
    return Plot(figure, axes)


def predictions_panel(
    images: np.ndarray,
    expected: Sequence[int],
    predicted: np.ndarray,
    class_names: Sequence[str],
    *,
    ncols: int = 5,
    title: str = "Expected vs guess",
) -> Plot:
    """Show images titled "expected / guess", green when right and red when
    wrong.

    ``predicted`` is either class indices (n,) or scores/probabilities (n,
    classes); the guess is the argmax, and with scores the guess's probability
    is shown. Returns a :class:`Plot`.
    """
    predicted = np.asarray(predicted)
    scores = predicted if predicted.ndim == 2 else None
    guesses = (
        predicted.argmax(axis=1)
        if scores is not None
        else predicted.astype(int)
    )
    figure, axes = _grid(len(images), ncols, cell=1.9, title_lines=2)
    for i, (ax, image) in enumerate(zip(axes, images)):
        _show_image(ax, image)
        truth, guess = int(expected[i]), int(guesses[i])
        confidence = f" ({scores[i, guess]:.0%})" if scores is not None else ""
        ax.set_title(
            f"expected: {class_names[truth]}\nguess: "
            f"{class_names[guess]}{confidence}",
            fontsize=8,
            color="green" if truth == guess else "red",
        )
    figure.suptitle(title)
    figure.tight_layout()
    return Plot(figure, axes)


# --------------------------------- comparing several training runs (chapter 6)


def histories_grid(
    histories: dict[str, Any],
    metrics: Sequence[str] = ("accuracy", "loss"),
    *,
    title: str = "Training curves",
    cell: tuple[float, float] = (3.2, 2.6),
) -> Plot:
    """Draw several runs side by side: one column per run, one row per metric,
    training against validation.

    ``histories`` maps a run's name to a ``keras.callbacks.History`` (or its
    ``.history`` dict). Every panel of a row shares its y-axis (accuracy-like
    metrics span [0, 1]) and every panel the same epochs, so the runs compare
    at a glance. Returns a :class:`Plot` whose ``axes`` is a (metrics, runs)
    array.
    """
    logs = {
        name: (h.history if hasattr(h, "history") else dict(h))
        for name, h in histories.items()
    }
    for name, log in logs.items():
        missing = [m for m in metrics if m not in log]
        if missing:
            raise KeyError(
                f"run {name!r} has no {missing}; it has {sorted(log)}"
            )
    n_epochs = max(len(log[metrics[0]]) for log in logs.values())
    figure, axes = plt.subplots(
        len(metrics),
        len(logs),
        figsize=column_size(cell[0] * len(logs), cell[1] * len(metrics) + 0.5),
        squeeze=False,
        sharex=True,
        sharey="row",
    )
    for row, metric in enumerate(metrics):
        for col, (name, log) in enumerate(logs.items()):
            ax = axes[row, col]
            epochs = np.arange(1, len(log[metric]) + 1)
            ax.plot(epochs, log[metric], color=TRAIN_COLOR, label="training")
            if f"val_{metric}" in log:
                ax.plot(
                    epochs,
                    log[f"val_{metric}"],
                    color=VALIDATION_COLOR,
                    label="validation",
                )
            ax.set_title(name if row == 0 else "", fontsize=10)
            ax.set_xlim(0.5, n_epochs + 0.5)
            if row == len(metrics) - 1:
                ax.set_xlabel("epoch")
            if col == 0:
                ax.set_ylabel(metric)
        if any(
            word in metric for word in ("acc", "auc", "precision", "recall")
        ):
            axes[row, 0].set_ylim(0, 1)
        else:
            axes[row, 0].set_ylim(bottom=0)
    axes[0, 0].legend(
        fontsize=8, loc="lower right" if "acc" in metrics[0] else "best"
    )
    figure.suptitle(title)
    figure.tight_layout()
    return Plot(figure, axes)


# ------------------------------------ confusion matrices, groups, model graphs


def confusion_matrix(
    matrix: np.ndarray,
    class_names: Sequence[str],
    *,
    title: str = "Confusion matrix",
    ax: Axes | None = None,
) -> Plot:
    """Draw a confusion matrix (rows: true class, columns: predicted class)
    with its counts written in.

    Each row is coloured by the share of its true class (so rare classes are as
    readable as common ones); the numbers are the counts. Returns a
    :class:`Plot`.
    """
    matrix = np.asarray(matrix)
    k = len(class_names)
    if matrix.shape != (k, k):
        raise ValueError(
            f"matrix has shape {matrix.shape}; expected ({k}, {k}) for {k} "
            "class names."
        )
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    figure, ax = _axes(ax, figsize=(0.45 * k + 2.8, 0.4 * k + 2.2))
    shown = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    figure.colorbar(shown, ax=ax, label="share of the true class's examples")
    for (true, guess), count in np.ndenumerate(matrix):
        if count:
            ax.text(
                guess,
                true,
                str(count),
                ha="center",
                va="center",
                fontsize=7 if k > 12 else 8,
                color="white" if shares[true, guess] > 0.5 else "black",
            )
    ax.set_xticks(
        range(k),
        class_names,
        rotation=60 if k > 12 else 45,
        ha="right",
        fontsize=8,
    )
    ax.set_yticks(range(k), class_names, fontsize=8)
    ax.grid(False)
    _label(ax, title, "predicted class", "true class")
    figure.tight_layout()
    return Plot(figure, ax)


def group_errors(
    rows_by_attribute: dict[str, Sequence[Any]],
    *,
    title: str = "Error by group",
    ylabel: str = "mean error",
    reference: float | None = None,
) -> Plot:
    """One panel per attribute: each group's mean error as a dot with its
    interval, its count under the name.

    ``rows_by_attribute`` maps a panel title to rows with ``group``, ``count``,
    ``mean``, ``low``, ``high`` (:class:`nnbook.metrics.GroupError`);
    ``reference`` (e.g. the overall error) is drawn as a dashed line.
    """
    panels = list(rows_by_attribute.items())
    widths = [max(len(rows), 2) for _, rows in panels]
    figure, axes = plt.subplots(
        1,
        len(panels),
        figsize=column_size(1.5 + 0.55 * sum(widths) + 1.2 * len(panels), 3.8),
        sharey=True,
        squeeze=False,
        gridspec_kw={"width_ratios": widths},
    )
    for ax, (attribute, rows) in zip(axes[0], panels):
        x = np.arange(len(rows))
        means = np.array([r.mean for r in rows])
        below = means - np.array([r.low for r in rows])
        above = np.array([r.high for r in rows]) - means
        ax.errorbar(
            x, means, yerr=[below, above], fmt="o", color="tab:blue", capsize=4
        )
        ax.set_xticks(
            x,
            [f"{r.group}\nn={r.count}" for r in rows],
            fontsize=8,
            rotation=0 if len(rows) <= 5 else 45,
            ha="center" if len(rows) <= 5 else "right",
        )
        if reference is not None:
            ax.axhline(
                reference,
                color="gray",
                linestyle="--",
                linewidth=1,
                label="all faces",
            )
            ax.legend(fontsize=8, loc="upper left")
        ax.set_title(attribute, fontsize=10)
        ax.set_xlim(-0.6, len(rows) - 0.4)
    axes[0][0].set_ylabel(ylabel)
    figure.suptitle(title)
    figure.tight_layout()
    return Plot(figure, axes[0])


def model_graph(model: Any, *, title: str | None = None) -> Plot:
    """Draw a Keras model's layers as boxes joined by arrows, inputs at the
    top, one column per branch.

    A drawing without Graphviz (which ``keras.utils.plot_model`` needs): each
    box shows the layer's name, type and output shape, so the branches of a
    multi-input model and where they join are visible. Returns a :class:`Plot`.
    """
    layers = list(model.layers)
    parents = {
        layer.name: [
            t._keras_history.operation.name  # noqa: SLF001
            for node in layer._inbound_nodes  # noqa: SLF001
            for t in node.input_tensors
            if hasattr(t, "_keras_history")
        ]
        for layer in layers
    }
    depth: dict[str, int] = {}
    for layer in layers:  # model.layers is in topological order
        depth[layer.name] = 1 + max(
            (depth[p] for p in parents[layer.name] if p in depth), default=-1
        )
    column: dict[str, float] = {}
    inputs = [layer.name for layer in layers if not parents[layer.name]]
    for i, name in enumerate(inputs):
        column[name] = float(i)
    for layer in layers:
        known = [column[p] for p in parents[layer.name] if p in column]
        if layer.name not in column:
            column[layer.name] = float(np.mean(known)) if known else 0.0
    rows = max(depth.values()) + 1
    spread = max(len(inputs), 1)
    figure, ax = plt.subplots(
        figsize=column_size(3.4 * spread + 1.5, 0.45 * rows + 0.8)
    )
    x_of = {name: 3.2 * column[name] for name in column}
    for layer in layers:
        shape = tuple(layer.output.shape)[1:]
        label = f"{layer.name}: {type(layer).__name__}  {shape}"
        ax.text(
            x_of[layer.name],
            -depth[layer.name],
            label,
            ha="center",
            va="center",
            fontsize=8,
            bbox={
                "boxstyle": "round,pad=0.3",
                "facecolor": "#e8f0fb" if parents[layer.name] else "#fde9d9",
                "edgecolor": "#555",
            },
        )
        for parent in parents[layer.name]:
            ax.annotate(
                "",
                xy=(x_of[layer.name], -depth[layer.name] + 0.28),
                xytext=(x_of[parent], -depth[parent] - 0.28),
                arrowprops={"arrowstyle": "->", "color": "#555"},
            )
    xs = list(x_of.values())
    ax.set_xlim(min(xs) - 2.2, max(xs) + 2.2)
    ax.set_ylim(-rows + 0.4, 0.6)
    ax.axis("off")
    ax.set_title(title or f"{model.name}: {model.count_params():,} parameters")
    figure.tight_layout()
    return Plot(figure, ax)
