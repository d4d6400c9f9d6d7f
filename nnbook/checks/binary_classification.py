"""Checks for the exercises of Chapter 3, Binary classification with a small
network.

Each function prints a pass line or a hint and returns True/False; none raises
on a learner's answer::

    from nnbook.checks import binary_classification as check
    check.accuracy_function(accuracy)
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from nnbook.checks import Verdict, check_choice, is_empty, report, report_empty

# --- Exercise "Accuracy by hand" ---------------------------------------------

# Probabilities as a column, the shape model.predict returns for a one-unit
# sigmoid output, and flat 0/1 labels.
ACCURACY_PROBABILITIES = np.array(
    [[0.91], [0.12], [0.64], [0.45], [0.70], [0.08], [0.55], [0.30]]
)
ACCURACY_LABELS = np.array([1, 0, 0, 0, 1, 1, 1, 0])
ACCURACY_HINT = (
    "turn each probability into a class (1 when p > 0.5, else 0), compare "
    "with the labels, and return the mean of the comparisons: a fraction "
    "between 0 and 1."
)


def _reference_accuracy(probabilities: Any, labels: Any) -> float:
    predicted = (
        np.asarray(probabilities, dtype="float64").reshape(-1) > 0.5
    ).astype(int)
    return float(np.mean(predicted == np.asarray(labels).reshape(-1)))


def _accuracy_hint(
    got: float, probabilities: np.ndarray, labels: np.ndarray
) -> str:
    """Name the usual slip behind a wrong accuracy, judged by the value it
    produced."""
    flat, truth = probabilities.reshape(-1), labels.reshape(-1)
    right = _reference_accuracy(probabilities, labels)
    predicted = (flat > 0.5).astype(int)
    slips = [
        (
            100 * right,
            (
                "that is a percentage; return the fraction (between 0 and 1), "
                "e.g. 0.75, not 75."
            ),
        ),
        (
            float(np.mean((flat < 0.5).astype(int) == truth)),
            (
                "the threshold points the wrong way: a probability above 0.5 "
                "means class 1."
            ),
        ),
        (
            float(np.mean(flat == truth)),
            (
                "you compared the raw probabilities with the labels; "
                "threshold them at 0.5 first."
            ),
        ),
        (
            float(np.mean(predicted.reshape(-1, 1) == truth)),
            (
                "model.predict returns a column of shape (n, 1); comparing it "
                "with labels of shape (n,) broadcasts to an (n, n) table. "
                "Flatten first: probabilities.reshape(-1) (or .ravel())."
            ),
        ),
        (
            float(np.sum(predicted == truth)),
            (
                "that is the number of correct points; divide by how many "
                "there are."
            ),
        ),
    ]
    for value, hint in slips:
        if np.isclose(got, value) and not np.isclose(value, right):
            return hint
    return ACCURACY_HINT


def accuracy_function(fn: Callable[[np.ndarray, np.ndarray], Any]) -> Verdict:
    """Exercise: ``fn(probabilities, labels)`` returns the fraction of points
    classified correctly at 0.5.

    The probabilities are tested both as a column ``(n, 1)`` (what
    ``model.predict`` returns) and flat ``(n,)``.
    """
    if is_empty(fn):
        return report_empty("accuracy", "write the function and run the cell.")
    if not callable(fn):
        return report(
            False,
            "accuracy should be a function (def ...), got "
            f"{type(fn).__name__}.",
        )
    cases = [
        (ACCURACY_PROBABILITIES.reshape(-1), ACCURACY_LABELS),
        (ACCURACY_PROBABILITIES, ACCURACY_LABELS),
        (ACCURACY_PROBABILITIES, ACCURACY_LABELS.astype("float32")),
    ]
    for probabilities, labels in cases:
        shown = (
            f"probabilities of shape {probabilities.shape} and labels of "
            f"dtype {labels.dtype}"
        )
        try:
            result = fn(probabilities.copy(), labels.copy())
        except Exception as error:  # noqa: BLE001
            # any learner error becomes a hint
            return report(
                False,
                f"accuracy(...) raised {type(error).__name__}: {error} (with "
                f"{shown}).",
                ACCURACY_HINT,
            )
        if result is None:
            return report(
                False,
                "accuracy(...) returned None.",
                "replace the ... with your code and `return` the fraction "
                "correct.",
            )
        try:
            value = np.asarray(result, dtype="float64")
        except (TypeError, ValueError):
            return report(
                False,
                f"accuracy(...) returned {type(result).__name__}; it should "
                "return a number.",
                ACCURACY_HINT,
            )
        if value.size != 1:
            return report(
                False,
                f"accuracy(...) returned {value.size} values (with {shown}); "
                "it should return one number.",
                "take the mean of the comparisons: np.mean(...).",
            )
        got, expected = (
            float(value.reshape(-1)[0]),
            _reference_accuracy(probabilities, labels),
        )
        if not np.isclose(got, expected):
            return report(
                False,
                f"accuracy(...) returned {got:.4g} with {shown}; expected "
                f"{expected:.4g}.",
                _accuracy_hint(got, probabilities, labels),
            )
    return report(
        True,
        "your accuracy matches Keras's definition (threshold 0.5) for column "
        "and flat inputs.",
    )


# --- Exercise "A smaller network" --------------------------------------------

PAPER_PARAMS = 193
"""Parameters of the chapter's [2, 16, 8, 1] network, the number to beat."""
SMALL_EPOCHS = 1000
SMALL_LEARNING_RATE = 0.01
SMALL_TARGET = 0.95


def circles_data(seed: int = 42) -> tuple[np.ndarray, np.ndarray]:
    """The chapter's circles: 1,000 points, factor 0.5, noise 0.05 (inner
    circle is class 1)."""
    from sklearn.datasets import make_circles

    x, y = make_circles(
        n_samples=1000, factor=0.5, noise=0.05, random_state=seed
    )
    return x.astype("float32"), y.astype("float32")


def _shape_problem(model: Any) -> str | None:
    """Return a hint when the model cannot take (n, 2) points to (n, 1)
    probabilities, else None."""
    try:
        input_shape, output_shape = (
            tuple(model.input_shape),
            tuple(model.output_shape),
        )
    except (AttributeError, ValueError):
        return (
            "the model is not built yet: start it with "
            "keras.Input(shape=(2,))."
        )
    if input_shape != (None, 2):
        return (
            f"the model takes inputs of shape {input_shape}; each point has "
            "2 coordinates: keras.Input(shape=(2,))."
        )
    if output_shape != (None, 1):
        return (
            f"the model outputs shape {output_shape}; end with "
            'keras.layers.Dense(1, activation="sigmoid").'
        )
    return None


def smaller_network(
    model: Any, *, epochs: int = SMALL_EPOCHS, seed: int = 42
) -> Verdict:
    """Exercise: a Keras model with fewer than 193 parameters that classifies
    the circles with ≥ 95 % accuracy.

    The check trains a fresh copy of ``model`` (same layers, new weights; the
    learner's model is not changed) with binary cross-entropy and Adam
    (learning rate 0.01) for ``epochs`` full-batch epochs through
    :func:`nnbook.train.fast_fit`, then measures its accuracy on the circles.
    """
    import keras

    from nnbook import config
    from nnbook.train import fast_fit

    if is_empty(model):
        return report_empty(
            "small_model", "build a keras.Sequential and run the cell."
        )
    if not isinstance(model, keras.Model):
        return report(
            False,
            "small_model should be a Keras model, got "
            f"{type(model).__name__}.",
            "use keras.Sequential([keras.Input(shape=(2,)), ...]).",
        )
    problem = _shape_problem(model)
    if problem:
        return report(False, "the model has the wrong shape.", problem)
    params = model.count_params()
    if params >= PAPER_PARAMS:
        return report(
            False,
            f"your model has {params} parameters, not fewer than "
            f"{PAPER_PARAMS}.",
            "use fewer or narrower hidden layers; a Dense layer with n "
            "inputs and m units has n·m + m parameters.",
        )
    x, y = circles_data()
    config.seed(seed)
    fresh = keras.models.clone_model(model)
    activation = (
        getattr(model.layers[-1], "activation", None) if model.layers else None
    )
    scores = np.asarray(fresh(x[:50], training=False))
    not_sigmoid = (
        activation is not None
        and getattr(activation, "__name__", "") != "sigmoid"
    )
    if not_sigmoid or scores.min() < 0 or scores.max() > 1:
        return report(
            False,
            "the model's outputs are not probabilities (some fall outside "
            "0…1).",
            'give the last layer activation="sigmoid".',
        )
    fresh.compile(
        optimizer=keras.optimizers.Adam(learning_rate=SMALL_LEARNING_RATE),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    try:
        fast_fit(fresh, x, y, epochs)
    except Exception as error:  # noqa: BLE001
        # any learner error becomes a hint
        return report(
            False,
            f"training a copy of your model failed: {type(error).__name__}: "
            f"{error}",
        )
    predicted = (
        np.asarray(fresh(x, training=False)).reshape(-1) > 0.5
    ).astype("float32")
    accuracy = float(np.mean(predicted == y))
    if accuracy < SMALL_TARGET:
        return report(
            False,
            f"{params} parameters, but only {accuracy:.1%} accuracy after "
            f"{epochs} epochs (the target is {SMALL_TARGET:.0%}).",
            "a circle needs a bent boundary: use ReLU hidden units, and "
            "enough of them (each ReLU unit adds one straight edge; with "
            "very few, some may also 'die' and never switch on).",
        )
    return report(
        True,
        f"{params} parameters (fewer than {PAPER_PARAMS}) and {accuracy:.1%} "
        f"accuracy on the circles after {epochs} full-batch epochs.",
    )


# --- Exercise "Read a boundary" ----------------------------------------------
# The options a–d are written out in the notebook; these are the explanations
# shown after an answer.

BOUNDARY_EXPLANATIONS = {
    "a": (
        "a circular boundary would not reach out to single training points, "
        "and the validation points come from the same distribution as the "
        "training points: if the model had learned the circle, validation "
        "accuracy would not fall while training accuracy rises."
    ),
    "b": (
        "tens of thousands of parameters for 80 training points are enough "
        "to memorise them, noise and all. More data, a smaller network, "
        "regularisation or stopping at the best validation score (early "
        "stopping) all help."
    ),
    "c": (
        "a diverging run would make the TRAINING loss blow up; here training "
        "loss falls towards zero."
    ),
    "d": (
        "the network is far larger than the chapter's 193-parameter one, "
        "which drew a circle easily."
    ),
}


def read_boundary(answer: Any) -> Verdict:
    """Exercise: what the big network's wiggly boundary and falling validation
    accuracy show (one of a–d)."""
    return check_choice(answer, "b", BOUNDARY_EXPLANATIONS, name="your answer")
