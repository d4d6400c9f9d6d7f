"""Checks for the exercises of Chapter 4, *First image classifiers with dense
networks*.

Every check prints one line (a pass, or "not yet" with a hint) and returns a
bool; none raises on a learner's answer.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from nnbook.checks import (
    Verdict,
    check_choice,
    check_close,
    hint_for_number,
    is_empty,
    report,
    report_empty,
)

LOSSES = (
    "SparseCategoricalCrossentropy",
    "CategoricalCrossentropy",
    "BinaryCrossentropy",
    "MeanSquaredError",
)
"""The options of the loss exercise, as Keras names the loss classes."""

_LOSS_WHY = {
    "SparseCategoricalCrossentropy": (
        "it takes each label as one integer class index (0..9), e.g. y = [3, "
        "0, 7]."
    ),
    "CategoricalCrossentropy": (
        "it takes each label as a one-hot vector, e.g. 3 -> [0, 0, 0, 1, 0, "
        "0, 0, 0, 0, 0]."
    ),
    "BinaryCrossentropy": (
        "that is for one yes/no output (or several independent ones, each "
        "with a sigmoid); here exactly one of 10 classes is right, so the "
        "outputs compete through a softmax."
    ),
    "MeanSquaredError": (
        "that is for regression; for classes, cross-entropy punishes a "
        "confident wrong guess much harder and gives stronger gradients."
    ),
}


def dense_parameters(
    answer: Any, inputs: int = 28 * 28, units: int = 128
) -> Verdict:
    """Check the number of trainable parameters of ``Dense(units)`` fed
    ``inputs`` numbers.

    The right count is ``inputs * units`` weights plus ``units`` biases.
    Typical slips get their own hint.
    """
    expected = inputs * units + units
    hints = {
        inputs * units: (
            f"that counts the {inputs:,} × {units} weights; each of the "
            f"{units} neurons also has a bias."
        ),
        inputs + units: (
            "each neuron has its own weight for every input, so multiply "
            "rather than add."
        ),
        inputs * units + inputs: (
            "there is one bias per neuron (per output), not one per input."
        ),
        28 * units + units: (
            "Flatten turns a 28×28 image into 28 × 28 = 784 numbers; every "
            "one of them is an input."
        ),
    }
    hint = hint_for_number(answer, hints)
    return check_close(
        answer,
        expected,
        name="the parameter count",
        rtol=0,
        atol=0.5,
        hint=hint
        or f"weights: one per (input, neuron) pair; biases: one per neuron; "
        f"{inputs:,} inputs and {units} neurons here.",
    )


def _loss_name(answer: Any) -> Any:
    """Accept a loss as a name ("sparse_categorical_crossentropy"), a Keras
    loss class, or an instance."""
    if is_empty(answer):
        return answer
    if isinstance(answer, str):
        key = answer.strip().replace("_", "").replace(" ", "").lower()
        return next((name for name in LOSSES if name.lower() == key), answer)
    cls = answer if isinstance(answer, type) else type(answer)
    return cls.__name__ if cls.__name__ in LOSSES else answer


def _loss_choice(answer: Any, correct: str, labels: str) -> bool:
    name = _loss_name(answer)
    explanations = {}
    for loss, why in _LOSS_WHY.items():
        if loss == correct:
            explanations[loss] = f"{loss} fits {labels} labels: {why}"
        elif loss in (
            "SparseCategoricalCrossentropy",
            "CategoricalCrossentropy",
        ):
            explanations[loss] = (
                f"close, but {loss} is the other form: {why} Your labels are "
                f"{labels}."
            )
        else:
            explanations[loss] = why
    if isinstance(name, str) and name not in LOSSES:
        return report(
            False,
            f"{answer!r} is not one of the options.",
            f"answer with one of {', '.join(repr(n) for n in LOSSES)}.",
        )
    return check_choice(name, correct, explanations, name="the loss")


def loss_for_integer_labels(answer: Any) -> Verdict:
    """Check the loss chosen for integer class labels such as
    ``y_train = [9, 0, 0, 3, ...]``."""
    return _loss_choice(answer, "SparseCategoricalCrossentropy", "integer")


def loss_for_one_hot_labels(answer: Any) -> Verdict:
    """Check the loss chosen for one-hot labels such as
    ``keras.utils.to_categorical(y_train)``."""
    return _loss_choice(answer, "CategoricalCrossentropy", "one-hot")


def misclassified(
    index: Any,
    predictions: Any,
    labels: Any,
    class_names: Sequence[str] | None = None,
) -> Verdict:
    """Check that the model gets example ``index`` wrong.

    ``predictions`` are the model's outputs for the same examples as
    ``labels``: scores (logits or probabilities) of shape (n, classes), or
    predicted class indices of shape (n,).
    """
    if is_empty(index):
        return report_empty(
            "the index", "replace the ... with the index of a test image."
        )
    if isinstance(index, (bool, np.bool_)) or not isinstance(
        index, (int, np.integer)
    ):
        if (
            isinstance(index, (float, np.floating))
            and float(index).is_integer()
        ):
            index = int(index)
        else:
            return report(
                False,
                "the index should be one whole number, got "
                f"{type(index).__name__}.",
                "np.flatnonzero(...) returns an array: take one element of "
                "it, e.g. [0].",
            )
    predictions, labels = (
        np.asarray(predictions),
        np.asarray(labels).reshape(-1),
    )
    guesses = (
        predictions.argmax(axis=-1)
        if predictions.ndim == 2
        else predictions.reshape(-1).astype(int)
    )
    if len(guesses) != len(labels):
        return report(
            False,
            f"there are {len(guesses)} predictions but {len(labels)} labels.",
            "pass the predictions and labels of the same images (the test "
            "set).",
        )
    index = int(index)
    if not 0 <= index < len(labels):
        return report(
            False,
            f"index {index} is outside the test set (0 to {len(labels) - 1}).",
        )
    name = (
        (lambda c: f"{class_names[c]} ({c})")
        if class_names is not None
        else str
    )
    truth, guess = int(labels[index]), int(guesses[index])
    if guess == truth:
        return report(
            False,
            f"the model gets image {index} right: it guesses {name(guess)}, "
            "the label too.",
            "compare the argmax of the predictions with the labels for all "
            "images at once, and keep the indices where they differ.",
        )
    return report(
        True,
        f"image {index} is a {name(truth)}, but the model guesses "
        f"{name(guess)}.",
    )
