import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook import plots


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def history(val=True):
    logs = {"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.7, 0.9]}
    if val:
        logs.update(val_loss=[1.1, 0.6, 0.4], val_accuracy=[0.4, 0.6, 0.8])
    return logs


def test_history_curves_draw_training_and_validation_with_labels():
    plot = plots.history_curves(history(), ["loss", "accuracy"])
    loss_ax, acc_ax = plot.axes
    assert [line.get_label() for line in loss_ax.get_lines()] == [
        "training loss",
        "validation loss",
    ]
    np.testing.assert_allclose(
        loss_ax.get_lines()[1].get_ydata(), [1.1, 0.6, 0.4]
    )
    assert (
        loss_ax.get_xlabel() == "epoch" and acc_ax.get_ylabel() == "accuracy"
    )
    assert "loss" in loss_ax.get_title()


def test_history_curves_accept_a_keras_history_and_name_missing_metrics():
    keras_history = keras.callbacks.History()
    keras_history.history = history(val=False)
    plot = plots.history_curves(keras_history, log_loss=True)
    assert len(plot.axes.get_lines()) == 1 and plot.axes.get_yscale() == "log"
    with pytest.raises(KeyError, match="history has no \\['mae'\\]"):
        plots.history_curves(keras_history, ["mae"])


def test_decision_boundary_shades_the_model_output():
    x = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    y = np.array([0, 1, 0, 1])
    plot = plots.decision_boundary(
        lambda p: (p[:, 0] > 0).astype(float), x, y, grid=20
    )
    assert (
        plot.axes.get_xlabel() == "x₁"
        and plot.axes.get_title() == "Decision boundary"
    )
    assert (
        len(plot.axes.collections) >= 3
    )  # filled contours, boundary line, two scatters
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.decision_boundary(lambda p: p[:, 0], np.zeros((4, 3)), y)


def test_decision_boundary_accepts_a_keras_model():
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")]
    )
    plot = plots.decision_boundary(
        model, np.random.rand(10, 2), np.arange(10) % 2, grid=10
    )
    assert plot.figure is plt.gcf()


def test_regression_line_draws_data_and_model():
    x = np.array([0.0, 1.0, 2.0])
    plot = plots.regression_line(
        x, 2 * x, lambda p: 2 * p, xlabel="km/h", ylabel="m/s"
    )
    line = plot.axes.get_lines()[0]
    np.testing.assert_allclose(
        line.get_ydata(), 2 * line.get_xdata(), rtol=1e-6
    )
    assert (plot.axes.get_xlabel(), plot.axes.get_ylabel()) == ("km/h", "m/s")


def test_image_grid_titles_each_image_with_its_class_name():
    images = np.zeros((6, 8, 8), dtype="uint8")
    plot = plots.image_grid(
        images, [0, 1, 2, 0, 1, 2], ["cat", "dog", "frog"], ncols=3
    )
    assert [ax.get_title() for ax in plot.axes[:3]] == ["cat", "dog", "frog"]


def test_predictions_panel_colours_right_and_wrong_guesses():
    images = np.zeros((2, 8, 8, 1))
    scores = np.array([[0.9, 0.1], [0.8, 0.2]])
    plot = plots.predictions_panel(images, [0, 1], scores, ["cat", "dog"])
    right, wrong = plot.axes[0].title, plot.axes[1].title
    assert (
        right.get_text() == "expected: cat\nguess: cat (90%)"
        and right.get_color() == "green"
    )
    assert (
        wrong.get_text() == "expected: dog\nguess: cat (80%)"
        and wrong.get_color() == "red"
    )
