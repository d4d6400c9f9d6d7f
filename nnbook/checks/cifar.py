"""Checks for the exercises of Chapter 8, CIFAR-10 and CIFAR-100.

Each function prints a pass line or a hint and returns a
:class:`~nnbook.checks.Verdict`; none raises on a learner's answer (``...``
included)::

    from nnbook.checks import cifar as check
    check.conv_bn_params(total, non_trainable)
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from nnbook.checks import (
    Verdict,
    as_answer_array,
    check_choice,
    check_function,
    report,
)

# --------------------------------------------------------- one Conv + BN block

BLOCK_IN, BLOCK_FILTERS, BLOCK_KERNEL = 32, 64, 3
"""The exercise's block: ``Conv2D(64, 3, padding="same")`` on 32 input
channels, then ``BatchNormalization``."""


def conv_bn_counts(channels_in: int = BLOCK_IN, filters: int = BLOCK_FILTERS,
                   kernel: int = BLOCK_KERNEL) -> tuple[int, int]:  # fmt: skip
    """Return ``(total, non_trainable)`` parameters of Conv2D(filters, kernel)
    + BatchNormalization."""
    conv = kernel * kernel * channels_in * filters + filters
    # gamma, beta (trained) + moving mean, moving variance (not trained)
    batch_norm = 4 * filters
    return conv + batch_norm, 2 * filters


def conv_bn_params(total: Any, non_trainable: Any) -> Verdict:
    """Check the parameter count of the exercise's Conv2D(64, 3) +
    BatchNormalization block on 32 channels."""
    want_total, want_fixed = conv_bn_counts()
    values = [
        as_answer_array(v, name)
        for v, name in ((total, "total"), (non_trainable, "non_trainable"))
    ]
    if any(v is None for v in values):
        return Verdict(False)
    if any(v.size != 1 for v in values):
        return report(
            False, "give two single numbers: total and non_trainable."
        )
    got_total, got_fixed = (float(v.reshape(-1)[0]) for v in values)
    conv_only = want_total - 4 * BLOCK_FILTERS
    if got_total == want_total and got_fixed == want_fixed:
        return report(
            True,
            f"{conv_only:,} in the convolution + {4 * BLOCK_FILTERS} in "
            f"batch normalisation = {want_total:,}, of which {want_fixed} "
            "(moving mean and variance) are not trained.",
        )
    if got_total == conv_only:
        return report(
            False,
            f"total = {got_total:,.0f} counts only the convolution.",
            "BatchNormalization keeps 4 numbers per channel: gamma, beta, "
            "moving mean, moving variance.",
        )
    if got_total == conv_only - BLOCK_FILTERS + 4 * BLOCK_FILTERS:
        return report(
            False,
            f"total = {got_total:,.0f} forgets the convolution's biases.",
            "each of the 64 filters has one bias.",
        )
    if got_total != want_total:
        return report(
            False,
            f"total = {got_total:,.0f} is not the block's parameter count.",
            "a 3×3 filter on 32 channels has 3·3·32 weights plus one bias; "
            "there are 64 filters.",
        )
    return report(
        False,
        f"non_trainable = {got_fixed:,.0f} is not right.",
        "which of the four numbers per channel does the optimizer never "
        "update?",
    )


# -------------------------------------------------------- restore_best_weights


def best_epoch(val_loss: Sequence[float]) -> int:
    """The epoch (counted from 1) whose weights
    ``EarlyStopping(monitor="val_loss", restore_best_weights=True)`` gives
    back: the first epoch with the lowest validation loss."""
    return int(np.argmin(np.asarray(val_loss, dtype="float64"))) + 1


def restored_epoch(answer: Any, val_loss: Sequence[float]) -> Verdict:
    """Check the epoch (from 1) whose weights early stopping restored, for the
    validation losses ``val_loss``."""
    value = as_answer_array(answer, "your epoch")
    if value is None:
        return Verdict(False)
    if value.size != 1:
        return report(False, "give one epoch number.")
    want, got = best_epoch(val_loss), float(value.reshape(-1)[0])
    if got == want:
        return report(
            True,
            f"epoch {want} had the lowest validation loss "
            f"({min(val_loss):.4f}); restore_best_weights put its weights "
            "back when training stopped.",
        )
    if got == want - 1:
        return report(
            False,
            f"epoch {got:.0f} is off by one.",
            "Keras counts history from index 0; epochs from 1.",
        )
    if got == len(val_loss):
        return report(
            False,
            "that is the last epoch trained.",
            "restore_best_weights=True does not keep the last weights: it "
            "goes back to the best epoch.",
        )
    return report(
        False,
        f"epoch {got:.0f} did not have the lowest validation loss.",
        "the callback monitors val_loss and keeps the epoch where it was "
        "lowest (mode 'min').",
    )


# ----------------------------------------------------------------- reading AUC

AUC_OPTIONS = {
    "a": "99 % of the test images are classified correctly.",
    "b": (
        "For a random positive and a random negative example, the model "
        "gives the positive one the higher score 99 % of the time."
    ),
    "c": "The model's probabilities are 99 % accurate (well calibrated).",
    "d": "The loss has fallen by 99 %.",
}
"""The choices of the AUC exercise: what does an AUC of 0.99 say?"""


def auc_meaning(answer: Any) -> Verdict:
    """Check the AUC multiple-choice answer (``"a"``–``"d"``, see
    :data:`AUC_OPTIONS`)."""
    return check_choice(
        answer,
        "b",
        {
            "a": (
                "accuracy and AUC differ: the study has 90 % accuracy but "
                "AUC 0.99. AUC never picks a threshold."
            ),
            "b": (
                "AUC is the area under the ROC curve: the chance that a "
                "random positive is ranked above a random negative. On "
                "one-hot labels Keras pools every (image, class) pair into "
                "one such problem (a micro-average), rather than averaging "
                "ten per-class curves."
            ),
            "c": (
                "AUC only looks at the ranking of scores; multiplying every "
                "score by 0.5 keeps the same AUC."
            ),
            "d": "AUC is not a statement about the loss.",
        },
        name="option",
    )


# --------------------------------------------------------------- top-k by hand

TOP_K_PROBS = np.array([[0.10, 0.60, 0.20, 0.10],
                        [0.50, 0.05, 0.40, 0.05],
                        [0.25, 0.30, 0.05, 0.40],
                        [0.70, 0.10, 0.15, 0.05],
                        [0.05, 0.15, 0.30, 0.50]])  # fmt: skip
TOP_K_LABELS = np.array([1, 2, 0, 2, 1])


def reference_top_k_accuracy(
    probabilities: np.ndarray, labels: np.ndarray, k: int
) -> float:
    """The fraction of rows whose true label is among the ``k`` highest
    probabilities."""
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels).reshape(-1)
    best = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return float(np.mean([label in row for label, row in zip(labels, best)]))


def _cases() -> list[tuple[tuple, float]]:
    rng = np.random.default_rng(8)
    cases = [
        (
            (TOP_K_PROBS, TOP_K_LABELS, k),
            reference_top_k_accuracy(TOP_K_PROBS, TOP_K_LABELS, k),
        )
        for k in (1, 2, 3, 4)
    ]
    probs = rng.dirichlet(np.ones(10), size=50)
    labels = rng.integers(0, 10, size=50)
    cases += [
        ((probs, labels, k), reference_top_k_accuracy(probs, labels, k))
        for k in (1, 5)
    ]
    return cases


def top_k_accuracy(fn: Callable[..., Any]) -> Verdict:
    """Check ``fn(probabilities, labels, k)`` against the reference on the
    worked example and random data."""
    if callable(fn):
        try:
            if fn(TOP_K_PROBS, TOP_K_LABELS, 1) is None:
                return report(
                    False,
                    "your function returns None.",
                    "replace the ... with your code and end it with return.",
                )
        except Exception:  # noqa: BLE001
            # check_function reports it with its input
            pass
    return check_function(
        fn,
        _cases(),
        name="top_k_accuracy",
        hint="for each row, take the indices of the k largest probabilities "
        "(np.argsort of -probabilities, first k columns) and ask whether "
        "the label is among them; return the fraction of rows where it "
        "is.",
    )
