"""The Chapter 4 exercise checks: the solutions pass, typical wrong answers fail with a useful hint."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from nnbook.checks import image_classifiers as check


@pytest.mark.parametrize(
    "answer",
    [100_480, 784 * 128 + 128, np.int64(100_480), 100_480.0, [100_480]],
)
def test_dense_parameters_accepts_the_count(answer, capsys):
    assert check.dense_parameters(answer)
    assert "Correct" in capsys.readouterr().out


def test_dense_parameters_agrees_with_keras():
    layer = keras.layers.Dense(128)
    layer.build((None, 784))
    assert check.dense_parameters(layer.count_params())
    assert check.dense_parameters(64 * 10 + 10, inputs=64, units=10)


@pytest.mark.parametrize(
    "answer, hint",
    [
        (784 * 128, "also has a bias"),
        (784 + 128, "multiply rather than add"),
        (784 * 128 + 784, "one bias per neuron"),
        (28 * 128 + 128, "28 × 28 = 784"),
        (12345, "one per (input, neuron) pair"),
    ],
)
def test_dense_parameters_hints_at_the_slip(answer, hint, capsys):
    assert not check.dense_parameters(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


@pytest.mark.parametrize("answer", [..., None, "many"])
def test_dense_parameters_never_raises_on_empty_or_odd_answers(answer, capsys):
    assert not check.dense_parameters(answer)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer",
    [
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        keras.losses.SparseCategoricalCrossentropy,
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    ],
)
def test_loss_for_integer_labels_accepts_sparse_in_any_form(answer, capsys):
    assert check.loss_for_integer_labels(answer)
    assert "integer" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer",
    [
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        keras.losses.CategoricalCrossentropy(from_logits=True),
    ],
)
def test_loss_for_one_hot_labels_accepts_categorical(answer, capsys):
    assert check.loss_for_one_hot_labels(answer)
    assert "one-hot" in capsys.readouterr().out


def test_swapped_losses_fail_with_the_other_form_explained(capsys):
    assert not check.loss_for_integer_labels("CategoricalCrossentropy")
    assert "the other form" in capsys.readouterr().out
    assert not check.loss_for_one_hot_labels(
        keras.losses.SparseCategoricalCrossentropy()
    )
    assert "the other form" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        ("BinaryCrossentropy", "yes/no"),
        ("MeanSquaredError", "regression"),
        ("hinge", "one of"),
        (..., "replace the ..."),
    ],
)
def test_wrong_losses_explain_why(answer, hint, capsys):
    assert not check.loss_for_integer_labels(answer)
    assert hint in capsys.readouterr().out


LABELS = np.array([0, 1, 2, 2, 1])
SCORES = np.eye(3)[[0, 1, 1, 2, 0]] * 5.0  # wrong at indices 2 and 4
NAMES = ["cat", "dog", "bird"]


@pytest.mark.parametrize("index", [2, 4, np.int64(4), 2.0])
def test_misclassified_accepts_a_wrong_prediction(index, capsys):
    assert check.misclassified(index, SCORES, LABELS, NAMES)
    out = capsys.readouterr().out
    assert "Correct" in out and "guesses" in out


def test_misclassified_accepts_class_indices_and_the_solution_recipe():
    guesses = SCORES.argmax(axis=1)
    assert check.misclassified(
        int(np.flatnonzero(guesses != LABELS)[0]), guesses, LABELS
    )


def test_misclassified_rejects_a_right_prediction(capsys):
    assert not check.misclassified(0, SCORES, LABELS, NAMES)
    out = capsys.readouterr().out
    assert "gets image 0 right" in out and "cat (0)" in out


@pytest.mark.parametrize(
    "index, hint",
    [
        (..., "replace the ..."),
        (99, "outside the test set"),
        (-1, "outside the test set"),
        (np.array([2, 4]), "one whole number"),
        ("2", "one whole number"),
        (True, "one whole number"),
    ],
)
def test_misclassified_explains_bad_indices(index, hint, capsys):
    assert not check.misclassified(index, SCORES, LABELS)
    assert hint in capsys.readouterr().out


def test_misclassified_needs_matching_predictions_and_labels(capsys):
    assert not check.misclassified(1, SCORES, LABELS[:3])
    assert "5 predictions but 3 labels" in capsys.readouterr().out
