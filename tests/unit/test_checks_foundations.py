"""Chapter 1 exercise checks: the solutions pass; typical wrong answers fail with the right hint, never raise."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.checks import foundations as check

X, W, B = check.NEURON_X, check.NEURON_W, check.NEURON_B


def solution_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def solution_sigmoid_derivative(z):
    s = solution_sigmoid(z)
    return s * (1 - s)


SOLUTION_ACTIVATIONS = {
    "hidden layers of a deep network": "relu",
    "output: probability that an e-mail is spam": "sigmoid",
    "output: which of 10 digits is in an image": "softmax",
    "output: the price of a house": "linear",
}


def test_solutions_pass(capsys):
    assert check.neuron_output(solution_sigmoid(X @ W + B))
    assert check.sigmoid(solution_sigmoid)
    assert check.sigmoid_derivative(solution_sigmoid_derivative)
    assert check.gradient_step(0.0 - 0.1 * 2 * (0.0 - 3.0))
    assert check.pick_activations(SOLUTION_ACTIVATIONS)
    assert check.steps_per_epoch(32)
    out = capsys.readouterr().out
    assert "Not yet" not in out and out.count("Correct") == 9


@pytest.mark.parametrize(
    "check_fn",
    [
        check.neuron_output,
        check.sigmoid,
        check.sigmoid_derivative,
        check.gradient_step,
        check.pick_activations,
        check.steps_per_epoch,
    ],
)
def test_empty_answer_gives_a_hint_not_an_error(check_fn, capsys):
    assert not check_fn(...)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        (X @ W + B, "weighted sum"),
        (solution_sigmoid(X @ W), "left out the bias"),
        (1.0, "step function"),
        (X * W, "element by element"),
    ],
)
def test_neuron_output_hints(answer, hint, capsys):
    assert not check.neuron_output(answer)
    assert hint in capsys.readouterr().out


def test_function_still_empty_gets_a_return_hint(capsys):
    def my_sigmoid(z): ...

    assert not check.sigmoid(my_sigmoid)
    assert not check.sigmoid_derivative(my_sigmoid)
    out = capsys.readouterr().out
    assert out.count("returns nothing") == 2 and "return" in out


def test_sigmoid_wrong_sign_fails(capsys):
    assert not check.sigmoid(lambda z: 1 / (1 + np.exp(z)))
    assert "minus sign" in capsys.readouterr().out


def test_sigmoid_that_raises_is_reported(capsys):
    assert not check.sigmoid(lambda z: 1 / (1 + math_exp(-z)))  # noqa: F821 - a learner's NameError
    assert "NameError" in capsys.readouterr().out


def test_sigmoid_derivative_common_slip(capsys):
    assert not check.sigmoid_derivative(lambda z: z * (1 - z))
    assert "s * (1 - s)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [(-0.6, "uphill"), (6.0, "learning rate"), (-6.0, "not the new position")],
)
def test_gradient_step_hints(answer, hint, capsys):
    assert not check.gradient_step(answer)
    assert hint in capsys.readouterr().out


def test_pick_activations_explains_the_wrong_one(capsys):
    answers = dict(
        SOLUTION_ACTIVATIONS, **{"hidden layers of a deep network": "sigmoid"}
    )
    assert not check.pick_activations(answers)
    out = capsys.readouterr().out
    assert out.count("Correct") == 3 and "vanish" in out


def test_pick_activations_returns_a_verdict_that_shows_nothing():
    # A bare bool as a cell's last value would print a stray "True"/"False" under the check's own message.
    for answers in (SOLUTION_ACTIVATIONS, {}, "relu"):
        verdict = check.pick_activations(answers)
        assert isinstance(verdict, check.Verdict)
        assert hasattr(verdict, "_ipython_display_")


def test_pick_activations_needs_a_dict(capsys):
    assert not check.pick_activations("relu")
    assert "dict" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [(31, "round up"), (31.25, "whole number"), (32000, "divide")],
)
def test_steps_per_epoch_hints(answer, hint, capsys):
    assert not check.steps_per_epoch(answer)
    assert hint in capsys.readouterr().out
