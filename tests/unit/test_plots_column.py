"""Figures are sized for the page column (a default tick label stays readable) and describe themselves."""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from nnbook import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def png_of(figure) -> tuple[Image.Image, dict]:
    data, metadata = plots.column_png(figure)
    return Image.open(io.BytesIO(data)), metadata


def tick_label_px(figure) -> float:
    """Height in CSS px, on the page, of the figure's first x tick label as saved by column_png."""
    image, _ = png_of(figure)
    label = next(t for t in figure.axes[0].get_xticklabels() if t.get_text())
    renderer = figure.canvas.get_renderer()
    height = (
        label.get_window_extent(renderer).height
        * plots.FIGURE_DPI
        / figure.dpi
    )
    return height * min(1.0, plots.COLUMN_PX / image.width)


def test_the_rule_in_numbers():
    assert (
        plots.MAX_PNG_PX == 1005
        and plots.MAX_FIGURE_INCHES == pytest.approx(9.8)
    )
    assert plots.text_px_on_page(10, plots.MAX_PNG_PX) >= plots.MIN_TEXT_PX
    assert (
        plots.text_px_on_page(10, 1435) < 7
    )  # the widest chapter figure, before


def test_a_wide_chapter_figure_is_fitted_to_the_column_and_its_tick_labels_stay_readable():
    figure, axes = plt.subplots(
        1, 3, figsize=(14, 3.6)
    )  # as chapter 7 draws it
    for ax in axes:
        ax.plot([0, 1000], [0, 1])
        ax.set(title="panel", xlabel="epoch", ylabel="loss")
    figure.tight_layout()
    image, _ = png_of(figure)
    assert image.width <= plots.MAX_PNG_PX
    assert figure.get_size_inches()[0] == pytest.approx(
        plots.MAX_FIGURE_INCHES
    )
    assert figure.get_size_inches()[1] == pytest.approx(
        3.6 * plots.MAX_FIGURE_INCHES / 14
    )
    assert tick_label_px(figure) >= plots.MIN_TEXT_PX


def test_a_figure_that_fits_is_left_as_it_is():
    figure, ax = plt.subplots(figsize=(6, 4))
    ax.plot([0, 1], [0, 1])
    assert not plots.fit_to_column(figure)
    assert tuple(figure.get_size_inches()) == (6, 4)
    image, _ = png_of(figure)
    assert image.width <= 6 * plots.FIGURE_DPI + 20


def test_every_helper_draws_for_the_column():
    logs = {
        name: [1.0, 0.5]
        for name in (
            "loss",
            "val_loss",
            "accuracy",
            "val_accuracy",
            "mae",
            "val_mae",
        )
    }
    drawn = [
        plots.history_curves(logs, ["loss", "accuracy", "mae"]),
        plots.histories_grid({f"run {i}": logs for i in range(5)}),
    ]
    for plot in drawn:
        assert (
            plot.figure.get_size_inches()[0] <= plots.MAX_FIGURE_INCHES + 1e-9
        )


def test_a_figure_describes_itself_in_its_png_and_its_metadata():
    figure, (left, right) = plt.subplots(1, 2)
    left.set(title="Loss", xlabel="epoch", ylabel="loss")
    right.set(title="Accuracy", xlabel="epoch", ylabel="accuracy")
    figure.suptitle("Training curves")
    image, metadata = png_of(figure)
    expected = "Training curves; Loss (x: epoch, y: loss); Accuracy (x: epoch, y: accuracy)"
    assert (
        metadata["alt"] == expected
        and image.info[plots.PNG_DESCRIPTION] == expected
    )


def test_a_grid_of_pictures_lists_its_titles_once():
    figure, axes = plt.subplots(2, 4)
    for i, ax in enumerate(axes.ravel()):
        ax.set_title("cat" if i % 2 else "dog")
        ax.axis("off")
    assert plots.describe(figure) == "8 panels: dog, cat"


def test_an_untitled_figure_says_so_and_an_empty_one_shows_nothing():
    figure, ax = plt.subplots()
    ax.plot([0, 1])
    assert plots.describe(figure) == "untitled figure with 1 panel"
    assert plots.column_png(plt.figure()) is None


def test_explorer_frames_leave_room_for_the_explorers_border():
    from nnbook import widgets

    assert plots.max_inches() == pytest.approx(plots.MAX_FIGURE_INCHES)
    frame_px = (widgets.FRAME_MAX_INCHES + 0.2) * widgets.STATIC_DPI
    assert (
        plots.TICK_POINTS
        * widgets.STATIC_DPI
        / 72
        * widgets.EXPLORER_PX
        / frame_px
        >= plots.MIN_TEXT_PX
    )
