"""Checks for the exercises of Chapter 2, *The perceptron*.

The perceptron here is the chapter's: it computes ``z = w · x + b`` and outputs
``step(z)``, which is 1 when ``z > 0`` and 0 otherwise. Every check prints one
line (a pass, or "not yet" with a hint) and returns a bool.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook.checks import Verdict, as_answer_array, check_choice, report

INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
"""The four inputs of a two-input logic gate, in truth-table order."""

OR_TABLE = (0, 1, 1, 1)
NAND_TABLE = (1, 1, 1, 0)
XOR_TABLE = (0, 1, 1, 0)

_Z_FORMULA = {
    (0, 0): "z = b",
    (0, 1): "z = w₂ + b",
    (1, 0): "z = w₁ + b",
    (1, 1): "z = w₁ + w₂ + b",
}


def step(z: Any) -> np.ndarray:
    """The perceptron's activation, as in the chapter: 1 where ``z > 0``, else
    0."""
    return (np.asarray(z) > 0).astype(int)


def _vector(answer: Any, name: str, size: int) -> np.ndarray | None:
    """Return ``answer`` as a float vector of ``size`` entries, or print why it
    is not one and return None."""
    value = as_answer_array(answer, name)
    if value is None:
        return None
    if value.size != size:
        report(
            False,
            f"{name} should hold {size} number{'s' if size > 1 else ''}, got "
            f"shape {value.shape}.",
        )
        return None
    return value.reshape(size)


def _gate(
    weights: Any, bias: Any, table: tuple[int, ...], gate: str, hint: str
) -> Verdict:
    w = _vector(weights, "the weights", 2)
    b = _vector(bias, "the bias", 1) if w is not None else None
    if w is None or b is None:
        return Verdict(False)
    for x, want in zip(INPUTS, table):
        z = float(w @ np.asarray(x, dtype="float64") + b[0])
        got = int(step(z))
        if got != want:
            need = (
                "above 0 (the perceptron fires only when z > 0)"
                if want
                else "0 or below"
            )
            return report(
                False,
                f"for input x = {x} your perceptron outputs {got} "
                f"({_Z_FORMULA[x]} = {z:.3g}), but {gate} gives {want}.",
                f"there {_Z_FORMULA[x]} must be {need}. {hint}",
            )
    return report(
        True,
        f"w = {np.round(w, 4).tolist()}, b = {b[0]:.4g} computes {gate} on "
        "all four inputs.",
    )


def or_gate(weights: Any, bias: Any) -> Verdict:
    """Check a step perceptron ``(weights, bias)`` against the OR truth table;
    name the first failing input."""
    return _gate(
        weights,
        bias,
        OR_TABLE,
        "OR",
        "OR is 0 only for (0, 0): a negative bias keeps it off, and each "
        "weight alone must beat the bias.",
    )


def nand_gate(weights: Any, bias: Any) -> Verdict:
    """Check a step perceptron ``(weights, bias)`` against the NAND truth
    table; name the first failing input."""
    return _gate(
        weights,
        bias,
        NAND_TABLE,
        "NAND",
        "NAND is AND turned upside down: try the negatives of an AND "
        "perceptron's weights and bias.",
    )


def epochs_prediction(
    guess: Any, measured: int | None, *, tolerance: float = 0.25
) -> Verdict:
    """Check a predicted epoch count against the count a run ``measured``,
    within a relative ``tolerance``."""
    value = as_answer_array(guess, "your prediction")
    if value is None:
        return Verdict(False)
    if measured is None:
        return report(
            False,
            "the run never reached the target, so there is nothing to "
            "compare with.",
            "train for more epochs (raise the epoch count) and run the cell "
            "again.",
        )
    if (
        value.size != 1
        or not np.isfinite(value).all()
        or float(value.reshape(-1)[0]) <= 0
    ):
        return report(
            False, "your prediction should be one positive number of epochs."
        )
    number = float(value.reshape(-1)[0])
    off = abs(number - measured) / measured
    if off <= tolerance:
        return report(
            True,
            f"you predicted {number:g} epochs; the run needed {measured} "
            f"({off:.0%} off).",
        )
    direction = "too many" if number > measured else "too few"
    return report(
        False,
        f"{number:g} epochs is {direction}: it is more than {tolerance:.0%} "
        "away from what the run needed.",
        "compare the two runs above: a 50 times smaller learning rate (0.5 → "
        "0.01) needed about 50 times more epochs. Adam's steps are roughly "
        "the learning rate in size, so the epochs needed scale like 1 / "
        "learning rate.",
    )


XOR_REASONS = {
    "a": "The learning rate is too small, so training is too slow.",
    "b": (
        "One perceptron draws a single straight line, and no straight line "
        "puts XOR's two 1s on one side and its two 0s on the other."
    ),
    "c": "It needs more epochs: XOR is harder than AND.",
    "d": "The step activation has no useful gradient.",
}
"""The options of the multiple-choice question "why does a single perceptron
fail on XOR?"."""


def xor_reason(answer: Any) -> Verdict:
    """Check the multiple-choice answer (a letter of :data:`XOR_REASONS`)."""
    explanations = {
        "a": (
            "no learning rate helps: the perceptron rule keeps making "
            "mistakes on XOR at any learning rate, and the Keras neuron "
            "stalls at the same loss with any of them."
        ),
        "b": (
            "the decision boundary of one neuron is the line w₁x₁ + w₂x₂ + b "
            "= 0, and XOR's classes sit on opposite corners of the square, "
            "so any line leaves at least one of the four points on the wrong "
            "side: 3 out of 4 (75 %) is the best possible."
        ),
        "c": (
            "more epochs do not help: the errors per epoch never reach zero "
            "however long it trains."
        ),
        "d": (
            "the Keras neuron uses a smooth sigmoid with a perfectly good "
            "gradient, and it fails on XOR too."
        ),
    }
    return check_choice(answer, "b", explanations, name="your answer")


def _layer(
    answer: Any, name: str, shape: tuple[int, ...]
) -> np.ndarray | None:
    value = as_answer_array(answer, name)
    if value is None:
        return None
    if value.size != int(np.prod(shape)):
        report(
            False,
            f"{name} should have shape {shape}, got {value.shape}.",
            "two inputs feed two hidden units, and two hidden units feed one "
            "output.",
        )
        return None
    return value.reshape(shape)


def xor_network(
    hidden_weights: Any,
    hidden_bias: Any,
    output_weights: Any,
    output_bias: Any,
) -> Verdict:
    """Check a two-layer step network for XOR: ``h = step(x @ W + c)``,
    ``y = step(h @ v + d)``.

    ``hidden_weights`` has shape (2, 2) with ``W[i, j]`` the weight from input
    ``i`` to hidden unit ``j`` (the layout of a Keras ``Dense`` kernel);
    ``hidden_bias`` has 2 entries, ``output_weights`` 2, ``output_bias`` 1.
    """
    parts = [
        (hidden_weights, "hidden_weights", (2, 2)),
        (hidden_bias, "hidden_bias", (2,)),
        (output_weights, "output_weights", (2,)),
        (output_bias, "output_bias", (1,)),
    ]
    values = []
    for answer, name, shape in parts:
        value = _layer(answer, name, shape)
        if value is None:
            return Verdict(False)
        values.append(value)
    W, c, v, d = values
    for x, want in zip(INPUTS, XOR_TABLE):
        h = step(np.asarray(x, dtype="float64") @ W + c)
        got = int(step(h @ v + d[0]))
        if got != want:
            return report(
                False,
                f"for input x = {x} the hidden units output h = {h.tolist()} "
                f"and the network outputs {got}, but XOR gives {want}.",
                "make hidden unit 1 an OR gate and hidden unit 2 a NAND gate "
                "(your answers above, as the columns of hidden_weights), "
                "then let the output unit compute the AND of the two.",
            )
    return report(
        True, "your two-layer network computes XOR on all four inputs."
    )
