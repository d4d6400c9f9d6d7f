"""Checks for the exercises of Chapter 9, The results grid.

The right answers are read from the runs the notebook recorded
(``{(model, augmentation, learning rate): logs}``, logs being a
``keras.callbacks.History`` or its ``.history`` dict), so the checks agree with
the page whatever the mode or the machine. Each function prints a pass line or
a hint and returns a Verdict; none raises::

    from nnbook.checks import results as check
    check.best_setting(("Conv", "off", 1e-3, 9), runs)
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from nnbook.checks import Verdict, is_empty, report

Runs = Mapping[tuple, Any]

TIE = 0.005
"""Two validation accuracies closer than this (half a percentage point) count
as the same cell on a heat map."""


def _logs(history: Any) -> dict[str, list[float]]:
    logs = history.history if hasattr(history, "history") else history
    return {
        str(name): [float(v) for v in values]
        for name, values in dict(logs).items()
    }


def _empty(answer: Any) -> bool:
    return is_empty(answer)


def best_cells(runs: Runs) -> tuple[float, list[tuple]]:
    """Return the highest validation accuracy of all runs and every
    (setting..., epoch) within :data:`TIE` of it."""
    cells = [
        (*key, epoch + 1, acc)
        for key, history in runs.items()
        for epoch, acc in enumerate(_logs(history)["val_accuracy"])
    ]
    best = max(cell[-1] for cell in cells)
    return best, [cell[:-1] for cell in cells if cell[-1] >= best - TIE]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip().lower() == str(b).strip().lower()
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-6)
    except (TypeError, ValueError):
        return False


def best_setting(answer: Any, runs: Runs) -> Verdict:
    """Check ``(model, augmentation, learning rate, epoch)``: the brightest
    cell of all the heat maps."""
    if _empty(answer):
        return report(
            False,
            "your answer is still empty.",
            'write a tuple like ("Conv", "off", 0.001, 12) and run the cell.',
        )
    width = len(next(iter(runs))) + 1
    if not isinstance(answer, (tuple, list)) or len(answer) != width:
        return report(
            False,
            f"give {width} values in a tuple: (model, augmentation, learning "
            "rate, epoch).",
        )
    best, cells = best_cells(runs)
    if any(all(_same(a, c) for a, c in zip(answer, cell)) for cell in cells):
        return report(
            True,
            f"that cell reaches {best:.1%} validation accuracy, the best of "
            "the whole grid.",
        )
    key, epoch = tuple(answer[:-1]), answer[-1]
    match = next(
        (k for k in runs if all(_same(a, b) for a, b in zip(key, k))), None
    )
    if match is None:
        return report(
            False,
            f"there is no run {key}.",
            f"the settings are {sorted(runs, key=str)}.",
        )
    accuracies = _logs(runs[match])["val_accuracy"]
    if not isinstance(epoch, (int, np.integer)) or not 1 <= epoch <= len(
        accuracies
    ):
        return report(
            False,
            f"epoch {epoch!r} is not an epoch of that run (1 to "
            f"{len(accuracies)}).",
        )
    got = accuracies[int(epoch) - 1]
    same_run = [
        cell for cell in cells if all(_same(a, b) for a, b in zip(key, cell))
    ]
    hint = (
        (
            "right run, wrong epoch: the brightest square of that row is at "
            "another epoch."
        )
        if same_run
        else (
            "look for the single brightest square over all four heat maps, "
            "then read its row and column."
        )
    )
    return report(
        False,
        f"that cell has {got:.1%} validation accuracy; the best cell has "
        f"{best:.1%}.",
        hint,
    )


def _epoch(value: Any, n: int) -> int | None:
    """``value`` as a 1-based epoch of a run with ``n`` epochs, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        return None
    return int(value) if 1 <= value <= n else None


def loss_and_accuracy_epochs(answer: Any, history: Any) -> Verdict:
    """Check
    ``(epoch of lowest validation loss, epoch of best validation accuracy)`` of
    one run (1-based).

    The accuracy epoch passes when its accuracy is within :data:`TIE` of the
    best (ties on a heat map look alike). The two epochs need not agree: the
    loss also punishes confident wrong answers (over-confidence).
    """
    if _empty(answer):
        return report(
            False,
            "your answer is still empty.",
            "write two epoch numbers, e.g. (5, 12), and run the cell.",
        )
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return report(
            False,
            f"{answer!r} is not two epochs.",
            "write (epoch of lowest validation loss, epoch of best "
            "validation accuracy).",
        )
    logs = _logs(history)
    losses, accuracies = (
        np.array(logs["val_loss"]),
        np.array(logs["val_accuracy"]),
    )
    n = len(losses)
    loss_epoch, accuracy_epoch = (_epoch(value, n) for value in answer)
    if loss_epoch is None or accuracy_epoch is None:
        return report(
            False,
            f"the run has epochs 1 to {n}; write two whole numbers in that "
            "range.",
        )
    want_loss = int(np.argmin(losses)) + 1
    best = float(accuracies.max())
    want_accuracy = int(np.argmax(accuracies)) + 1
    loss_right = loss_epoch == want_loss
    accuracy_right = accuracies[accuracy_epoch - 1] >= best - TIE
    if loss_right and accuracy_right:
        if accuracy_epoch == loss_epoch:
            return report(True, f"both are epoch {loss_epoch} in this run.")
        return report(
            True,
            f"the validation loss is lowest after epoch {loss_epoch} "
            f"({losses[loss_epoch - 1]:.3f}), yet the accuracy is best after "
            f"epoch {accuracy_epoch} ({accuracies[accuracy_epoch - 1]:.1%}): "
            "the loss also counts how sure each answer is, and the network "
            "grows over-confident.",
        )
    if (accuracy_epoch, loss_epoch) == (
        want_loss,
        want_accuracy,
    ) and want_loss != want_accuracy:
        return report(
            False,
            "the two epochs are swapped.",
            "first the epoch of lowest validation loss, then the epoch of "
            "best validation accuracy.",
        )
    if not loss_right:
        if loss_epoch == want_loss - 1:
            return report(
                False,
                f"epoch {loss_epoch} is one too early for the lowest "
                "validation loss.",
                "epochs count from 1 on the plots; a Python index counts "
                "from 0 (np.argmin + 1).",
            )
        return report(
            False,
            f"the validation loss after epoch {loss_epoch} is "
            f"{losses[loss_epoch - 1]:.3f}, not the lowest.",
            "use the explorer: move the epochs slider and watch the orange "
            "validation loss curve.",
        )
    hint = (
        (
            "the lowest loss is not where the accuracy peaks: look at the "
            "accuracy panel, not the loss panel."
        )
        if accuracy_epoch == loss_epoch
        else (
            "move the epochs slider and watch the orange validation accuracy "
            "curve."
        )
    )
    return report(
        False,
        f"the validation accuracy after epoch {accuracy_epoch} is "
        f"{accuracies[accuracy_epoch - 1]:.1%}; the best is {best:.1%}.",
        hint,
    )


CHOICES = ("higher", "about the same", "lower")


def slower_rate_prediction(answer: Any, slow_run: Any) -> Verdict:
    """Check a prediction for a learning rate ten times smaller than
    ``slow_run``'s (the slowest one recorded).

    The right answer: when the slowest recorded run was still improving in its
    last epochs (its validation loss lowest in the last quarter of the epochs),
    ten times smaller steps reach less in the same epochs: "lower". When it had
    already passed its best, a slower run may catch up: "about the same" also
    counts then.
    """
    if _empty(answer):
        return report(
            False,
            "your prediction is still empty.",
            f"choose one of {', '.join(map(repr, CHOICES))}.",
        )
    choice = str(answer).strip().lower()
    if choice not in CHOICES:
        return report(
            False, f"{answer!r} is not one of {', '.join(map(repr, CHOICES))}."
        )
    losses = np.array(_logs(slow_run)["val_loss"])
    still_improving = int(np.argmin(losses)) + 1 > 0.75 * len(losses)
    accepted = ("lower",) if still_improving else ("lower", "about the same")
    if choice in accepted:
        return report(
            True,
            "each update moves the weights about ten times less, so in the "
            "same epochs the network gets a shorter way down the loss: its "
            "curves look like the slow run's, stretched out.",
        )
    why = (
        "the slowest recorded run was still improving at its last epoch"
        if still_improving
        else "even the slowest recorded run needed most of its epochs"
    )
    return report(
        False,
        f"{why}; a ten times smaller step cannot learn more in the same "
        "number of epochs.",
        "Adam's step size is roughly the learning rate: compare how the 1e-4 "
        "and 1e-3 rows of the heat map brighten.",
    )
