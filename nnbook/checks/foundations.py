"""Checks for the exercises of Chapter 1, Foundations.

Each function prints a pass line or a hint and returns True/False; none raises
on a learner's answer::

    from nnbook.checks import foundations as check
    check.neuron_output(y)
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import numpy as np

from nnbook.checks import (
    Verdict,
    check_choice,
    check_close,
    check_function,
    is_empty,
    report,
)

# Exercise "A neuron's output": the inputs, weights and bias given in the
# exercise text.
NEURON_X = np.array([0.5, -1.0, 2.0])
NEURON_W = np.array([0.8, 0.2, -0.5])
NEURON_B = 0.3


def _sigmoid(z: Any) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype="float64")))


def neuron_output(answer: Any) -> Verdict:
    """Exercise: ``y = sigmoid(x · w + b)`` for :data:`NEURON_X`,
    :data:`NEURON_W`, :data:`NEURON_B`."""
    z = float(NEURON_X @ NEURON_W)
    expected = float(_sigmoid(z + NEURON_B))
    value = None if is_empty(answer) else np.asarray(answer, dtype="float64")
    hint = (
        "compute z = x · w + b (a dot product plus the bias), then y = 1 / "
        "(1 + e^(-z))."
    )
    if value is not None and value.size == 1:
        got = float(value.reshape(-1)[0])
        if math.isclose(got, z + NEURON_B, rel_tol=1e-3):
            hint = (
                f"{got:.4g} is the weighted sum z; the neuron's output is "
                "the activation applied to it, sigmoid(z)."
            )
        elif math.isclose(got, float(_sigmoid(z)), rel_tol=1e-3):
            hint = "you left out the bias b: z = x · w + b."
        elif got in (0.0, 1.0):
            hint = (
                "that is a step function's output; this neuron uses the "
                "sigmoid."
            )
    elif value is not None and value.size == NEURON_X.size:
        hint = (
            "you multiplied element by element; the weighted sum adds those "
            "products up (np.dot or @)."
        )
    return check_close(answer, expected, name="y", hint=hint)


SIGMOID_CASES = [
    ((np.array(0.0),), 0.5),
    ((np.array([-2.0, 0.0, 3.0]),), _sigmoid([-2.0, 0.0, 3.0])),
    ((np.array([-50.0, 50.0]),), _sigmoid([-50.0, 50.0])),
]
SIGMOID_DERIVATIVE_CASES = [
    ((np.array(0.0),), 0.25),
    (
        (np.array([-2.0, 0.0, 3.0]),),
        _sigmoid([-2.0, 0.0, 3.0]) * (1 - _sigmoid([-2.0, 0.0, 3.0])),
    ),
]


def _returns_nothing(fn: Any, name: str) -> bool:
    """Report (and return True) when ``fn`` is a function that still returns
    None, e.g. its body is ``...``."""
    try:
        nothing = callable(fn) and fn(np.array(0.0)) is None
    except Exception:  # noqa: BLE001
        # check_function reports errors with the input that raised them
        return False
    if nothing:
        report(
            False,
            f"{name} returns nothing (None).",
            "replace the ... with your code and `return` the result.",
        )
    return nothing


def sigmoid(fn: Callable[[np.ndarray], np.ndarray]) -> Verdict:
    """Exercise: ``fn(z) = 1 / (1 + exp(-z))`` elementwise on NumPy arrays."""
    if _returns_nothing(fn, "sigmoid"):
        return Verdict(False)
    return check_function(
        fn,
        SIGMOID_CASES,
        name="sigmoid",
        hint="sigmoid(0) must be 0.5; use np.exp so that it "
        "works on whole arrays, and mind the minus sign in exp(-z).",
    )


def sigmoid_derivative(fn: Callable[[np.ndarray], np.ndarray]) -> Verdict:
    """Exercise: ``fn(z) = sigmoid(z) * (1 - sigmoid(z))`` elementwise."""
    if _returns_nothing(fn, "sigmoid_derivative"):
        return Verdict(False)
    hint = (
        "the derivative is written in terms of the sigmoid's OUTPUT: s = "
        "sigmoid(z), then s * (1 - s)."
    )
    if callable(fn):
        try:
            # the common slip z * (1 - z)
            if np.isclose(float(fn(np.array(0.0))), 0.0):
                hint = (
                    "at z = 0 the derivative is 0.25 (the steepest point); "
                    "did you write z * (1 - z) instead of s * (1 - s) with s "
                    "= sigmoid(z)?"
                )
        except Exception:  # noqa: BLE001
            # check_function reports the error itself
            pass
    return check_function(
        fn, SIGMOID_DERIVATIVE_CASES, name="sigmoid_derivative", hint=hint
    )


# Exercise "One step of gradient descent": f(x) = (x - 3)^2 from x = 0 with
# learning rate 0.1.
GD_TARGET, GD_START, GD_LEARNING_RATE = 3.0, 0.0, 0.1


def gradient_step(answer: Any) -> Verdict:
    """Exercise: the new x after one step ``x - lr * f'(x)`` on
    ``f(x) = (x - 3)^2``."""
    gradient = 2 * (GD_START - GD_TARGET)
    expected = GD_START - GD_LEARNING_RATE * gradient
    hint = "f'(x) = 2 (x - 3); the step is x_new = x - learning_rate * f'(x)."
    if not is_empty(answer) and np.size(answer) == 1:
        got = float(np.asarray(answer, dtype="float64").reshape(-1)[0])
        if math.isclose(got, GD_START + GD_LEARNING_RATE * gradient):
            hint = (
                "you stepped uphill: gradient descent SUBTRACTS "
                "learning_rate * gradient."
            )
        elif math.isclose(got, GD_START - gradient):
            hint = (
                "you forgot to multiply the gradient by the learning rate "
                "(0.1)."
            )
        elif math.isclose(got, gradient) or math.isclose(
            got, GD_LEARNING_RATE * gradient
        ):
            hint = (
                "that is (a multiple of) the gradient, not the new position: "
                "x_new = x - learning_rate * f'(x)."
            )
    return check_close(answer, expected, name="x_new", hint=hint)


ACTIVATION_TASKS: dict[str, tuple[str, dict[str, str]]] = {
    "hidden layers of a deep network": (
        "relu",
        {
            "relu": (
                "ReLU: cheap, and its gradient is 1 for positive inputs, so "
                "it does not vanish through many layers."
            ),
            "sigmoid": (
                "sigmoids in many hidden layers make gradients vanish (their "
                "slope is at most 0.25)."
            ),
            "tanh": (
                "tanh works, but its slope also vanishes for large |z|; ReLU "
                "is the usual default in deep nets."
            ),
            "softmax": (
                "softmax turns a whole layer into one probability "
                "distribution: an output-layer tool."
            ),
            "linear": (
                "stacked linear layers collapse into one linear map: the "
                "network could not learn curves."
            ),
            "step": (
                "the step function's gradient is zero everywhere: gradient "
                "descent cannot train it."
            ),
        },
    ),
    "output: probability that an e-mail is spam": (
        "sigmoid",
        {
            "sigmoid": (
                "sigmoid squashes one score into a probability between 0 and "
                "1."
            ),
            "softmax": (
                "softmax also works with two output units, but one sigmoid "
                "unit is the standard for yes/no."
            ),
            "relu": (
                "ReLU's output is not bounded by 1, so it is not a "
                "probability."
            ),
            "linear": (
                "a linear output can be negative or above 1: not a "
                "probability."
            ),
            "tanh": "tanh's output lies in (-1, 1), not in (0, 1).",
            "step": "a step gives a hard 0/1 and no gradient to learn from.",
        },
    ),
    "output: which of 10 digits is in an image": (
        "softmax",
        {
            "softmax": (
                "softmax gives 10 probabilities that add up to 1, one per "
                "class."
            ),
            "sigmoid": (
                "ten sigmoids give ten independent yes/no answers that need "
                "not add up to 1 (right for multi-label tasks, not for "
                "one-of-ten)."
            ),
            "relu": "ReLU outputs are not probabilities.",
            "linear": (
                "linear outputs are scores (logits), not probabilities; "
                "softmax turns them into probabilities."
            ),
            "tanh": "tanh outputs are not probabilities.",
            "step": "a step gives no gradient to learn from.",
        },
    ),
    "output: the price of a house": (
        "linear",
        {
            "linear": (
                "a regression output should be free to take any value: no "
                "squashing."
            ),
            "relu": (
                "ReLU would work for non-negative prices but clips gradients "
                "for negative outputs; linear is the standard regression "
                "output."
            ),
            "sigmoid": (
                "a sigmoid output lies between 0 and 1: no house price does."
            ),
            "tanh": "a tanh output lies between -1 and 1.",
            "softmax": (
                "softmax outputs probabilities of classes, not a quantity."
            ),
            "step": "a step outputs only 0 or 1.",
        },
    ),
}
"""Exercise "Pick the activation": each task maps to (the best activation, an
explanation per option)."""


def pick_activations(answers: Any) -> Verdict:
    """Exercise: a dict mapping each task in :data:`ACTIVATION_TASKS` to an
    activation's name."""
    if not isinstance(answers, Mapping):
        return report(
            False,
            "answers should be a dict {task: activation name}.",
            "fill in each ... in the dict with one of 'linear', 'step', "
            "'sigmoid', 'tanh', 'relu', 'softmax'.",
        )
    results = []
    for task, (correct, explanations) in ACTIVATION_TASKS.items():
        print(f"{task}:")
        results.append(
            check_choice(
                answers.get(task, ...),
                correct,
                explanations,
                name="your choice",
            )
        )
    return Verdict(all(results))


def steps_per_epoch(
    answer: Any, examples: int = 1000, batch_size: int = 32
) -> Verdict:
    """Exercise: how many updates one epoch of ``examples`` makes with
    ``batch_size`` (the last batch is partial)."""
    expected = math.ceil(examples / batch_size)
    hint = (
        f"one update per batch; {examples} examples in batches of "
        f"{batch_size}."
    )
    if not is_empty(answer) and np.size(answer) == 1:
        got = float(np.asarray(answer, dtype="float64").reshape(-1)[0])
        if got == examples // batch_size:
            hint = (
                f"{examples} / {batch_size} is not a whole number: the "
                "leftover examples form one more, smaller batch (round up)."
            )
        elif math.isclose(got, examples / batch_size):
            hint = (
                "a number of steps is a whole number: the leftover examples "
                "form one more, smaller batch."
            )
        elif got == examples * batch_size:
            hint = (
                "divide, do not multiply: each step uses batch_size examples."
            )
    return check_close(
        answer, expected, name="steps per epoch", rtol=0, atol=1e-9, hint=hint
    )
