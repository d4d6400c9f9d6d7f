"""The plots added for chapter 7 (usable by any chapter): confusion matrix, errors by group, model graph."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook import metrics, plots


def test_confusion_matrix_writes_counts_and_checks_its_shape():
    matrix = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 3]])
    plot = plots.confusion_matrix(matrix, ["a", "b", "c"], title="T")
    texts = sorted(t.get_text() for t in plot.axes.texts)
    assert texts == sorted(
        str(v) for v in matrix.ravel() if v
    )  # zero cells stay blank
    assert (
        plot.axes.get_xlabel() == "predicted class"
        and plot.axes.get_ylabel() == "true class"
    )
    assert [t.get_text() for t in plot.axes.get_yticklabels()] == [
        "a",
        "b",
        "c",
    ]
    plt.close(plot.figure)
    with pytest.raises(ValueError, match="expected \\(2, 2\\)"):
        plots.confusion_matrix(matrix, ["a", "b"])


def test_group_errors_one_panel_per_attribute_with_counts():
    errors = np.array([1.0, 2.0, 3.0, 10.0, 12.0])
    rows = {
        "gender": metrics.group_errors(
            errors, np.array([0, 0, 0, 1, 1]), ["m", "f"]
        ),
        "band": metrics.group_errors(
            errors, np.array([0, 1, 2, 2, 2]), ["x", "y", "z"]
        ),
    }
    plot = plots.group_errors(rows, reference=float(errors.mean()))
    assert [ax.get_title() for ax in plot.axes] == ["gender", "band"]
    labels = [t.get_text() for t in plot.axes[0].get_xticklabels()]
    assert labels == ["m\nn=3", "f\nn=2"]
    plt.close(plot.figure)


def test_model_graph_draws_every_layer_and_both_branches():
    image = keras.Input((8, 8, 3), name="image")
    gender = keras.Input((1,), name="gender")
    x = keras.layers.Flatten(name="flat")(
        keras.layers.Conv2D(2, 3, name="conv")(image)
    )
    x = keras.layers.Concatenate(name="join")([x, gender])
    model = keras.Model([image, gender], keras.layers.Dense(3, name="out")(x))
    plot = plots.model_graph(model)
    boxes = [t.get_text() for t in plot.axes.texts if t.get_text()]
    arrows = [
        t for t in plot.axes.texts if not t.get_text()
    ]  # an arrow is an annotation without text
    assert len(boxes) == len(model.layers) == 6
    assert any(
        b.startswith("join: Concatenate") and "(73,)" in b for b in boxes
    )
    assert len(arrows) == 5  # image→conv→flat→join, gender→join, join→out
    plt.close(plot.figure)
