"""Chapter 3 exercise checks: the solutions pass; typical wrong answers fail with the right hint, never raise."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from nnbook.checks import binary_classification as check


def solution_accuracy(probabilities, labels):
    predicted = (np.asarray(probabilities).reshape(-1) > 0.5).astype(int)
    return np.mean(predicted == np.asarray(labels).reshape(-1))


def network(*hidden, output_activation="sigmoid", inputs=2, outputs=1):
    return keras.Sequential(
        [keras.Input(shape=(inputs,))]
        + [keras.layers.Dense(units, activation="relu") for units in hidden]
        + [keras.layers.Dense(outputs, activation=output_activation)]
    )


def test_solutions_pass(capsys):
    assert check.accuracy_function(solution_accuracy)
    assert check.smaller_network(network(8))
    assert check.read_boundary("b")
    assert check.read_boundary(" B ")
    out = capsys.readouterr().out
    assert "Not yet" not in out and out.count("Correct") == 4
    assert "33 parameters" in out


def test_accuracy_agrees_with_keras():
    probabilities, labels = check.ACCURACY_PROBABILITIES, check.ACCURACY_LABELS
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state(labels.reshape(-1, 1), probabilities)
    assert np.isclose(
        solution_accuracy(probabilities, labels), float(metric.result())
    )


@pytest.mark.parametrize(
    "check_fn",
    [check.accuracy_function, check.smaller_network, check.read_boundary],
)
def test_empty_answer_gives_a_hint_not_an_error(check_fn, capsys):
    assert not check_fn(...)
    assert not check_fn(None)
    assert "Not yet" in capsys.readouterr().out


def unfinished(probabilities, labels): ...


@pytest.mark.parametrize(
    "fn, hint",
    [
        (unfinished, "returned None"),
        (lambda p, y: 100 * solution_accuracy(p, y), "percentage"),
        (lambda p, y: np.mean((np.ravel(p) < 0.5) == y), "wrong way"),
        (lambda p, y: np.mean(np.ravel(p) == y), "threshold them at 0.5"),
        (lambda p, y: np.mean((p > 0.5) == y), "broadcasts"),
        (
            lambda p, y: np.sum((np.ravel(p) > 0.5) == y),
            "number of correct points",
        ),
        (lambda p, y: (np.ravel(p) > 0.5) == y, "one number"),
        (lambda p, y: undefined_name, "NameError"),  # noqa: F821 - a learner's typo
        ("accuracy", "should be a function"),
        (lambda p, y: "75%", "should return a number"),
    ],
)
def test_typical_accuracy_mistakes_get_the_right_hint(fn, hint, capsys):
    assert not check.accuracy_function(fn)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


@pytest.mark.parametrize(
    "model, hint",
    [
        ("a model", "should be a Keras model"),
        (
            keras.Sequential(
                [
                    keras.layers.Dense(8, activation="relu"),
                    keras.layers.Dense(1, activation="sigmoid"),
                ]
            ),
            "not built",
        ),
        (network(8, inputs=3), "2 coordinates"),
        (network(8, outputs=2), "Dense(1"),
        (
            network(16, 8),
            "193 parameters",
        ),  # the chapter's own network is not smaller than itself
        (network(8, output_activation="linear"), "sigmoid"),
        (
            network(output_activation="sigmoid"),
            "only",
        ),  # no hidden layer: a straight line cannot surround a circle
    ],
)
def test_wrong_networks_get_the_right_hint(model, hint, capsys):
    assert not check.smaller_network(model)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_smaller_network_leaves_the_learners_model_untouched():
    model = network(8)
    before = [w.copy() for w in model.get_weights()]
    check.smaller_network(model, epochs=5)
    assert all(
        np.array_equal(a, b) for a, b in zip(before, model.get_weights())
    )
    assert not getattr(model, "compiled", False)


@pytest.mark.parametrize(
    "answer, hint",
    [
        ("a", "same distribution"),
        ("c", "TRAINING loss"),
        ("d", "far larger"),
    ],
)
def test_wrong_boundary_readings_get_their_explanation(answer, hint, capsys):
    assert not check.read_boundary(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out
