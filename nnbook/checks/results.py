"""Checks for the exercises of Chapter 9, The results grid.

The right answers are read from the runs the notebook recorded (``{(model, augmentation, learning rate): logs}``,
logs being a ``keras.callbacks.History`` or its ``.history`` dict), so the checks agree with the page whatever
the mode or the machine. Each function prints a pass line or a hint and returns a Verdict; none raises::

    from nnbook.checks import results as check
    check.best_setting(("Conv", "off", 1e-3, 9), runs)
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from nnbook.checks import Verdict, report

Runs = Mapping[tuple, Any]

TIE = 0.005
"""Two validation accuracies closer than this (half a percentage point) count as the same cell on a heat map."""


def _logs(history: Any) -> dict[str, list[float]]:
    logs = history.history if hasattr(history, "history") else history
    return {str(name): [float(v) for v in values] for name, values in dict(logs).items()}


def _empty(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def best_cells(runs: Runs) -> tuple[float, list[tuple]]:
    """Return the highest validation accuracy of all runs and every (setting..., epoch) within :data:`TIE` of it."""
    cells = [(*key, epoch + 1, acc) for key, history in runs.items()
             for epoch, acc in enumerate(_logs(history)["val_accuracy"])]
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
    """Check ``(model, augmentation, learning rate, epoch)``: the brightest cell of all the heat maps."""
    if _empty(answer):
        return report(False, "your answer is still empty.",
                      'write a tuple like ("Conv", "off", 0.001, 12) and run the cell.')
    width = len(next(iter(runs))) + 1
    if not isinstance(answer, (tuple, list)) or len(answer) != width:
        return report(False, f"give {width} values in a tuple: (model, augmentation, learning rate, epoch).")
    best, cells = best_cells(runs)
    if any(all(_same(a, c) for a, c in zip(answer, cell)) for cell in cells):
        return report(True, f"that cell reaches {best:.1%} validation accuracy, the best of the whole grid.")
    key, epoch = tuple(answer[:-1]), answer[-1]
    match = next((k for k in runs if all(_same(a, b) for a, b in zip(key, k))), None)
    if match is None:
        return report(False, f"there is no run {key}.", f"the settings are {sorted(runs, key=str)}.")
    accuracies = _logs(runs[match])["val_accuracy"]
    if not isinstance(epoch, (int, np.integer)) or not 1 <= epoch <= len(accuracies):
        return report(False, f"epoch {epoch!r} is not an epoch of that run (1 to {len(accuracies)}).")
    got = accuracies[int(epoch) - 1]
    same_run = [cell for cell in cells if all(_same(a, b) for a, b in zip(key, cell))]
    hint = ("right run, wrong epoch: the brightest square of that row is at another epoch." if same_run else
            "look for the single brightest square over all four heat maps, then read its row and column.")
    return report(False, f"that cell has {got:.1%} validation accuracy; the best cell has {best:.1%}.", hint)


def peak_epoch(answer: Any, history: Any) -> Verdict:
    """Check the epoch (1-based) at which ``history``'s validation loss is lowest."""
    if _empty(answer):
        return report(False, "your answer is still empty.", "write an epoch number, e.g. 7, and run the cell.")
    losses = np.array(_logs(history)["val_loss"])
    want = int(np.argmin(losses)) + 1
    try:
        got = int(answer)
    except (TypeError, ValueError):
        return report(False, f"{answer!r} is not an epoch number.", "write a whole number such as 7.")
    if got == want:
        return report(True, f"the validation loss is lowest after epoch {want} ({losses[want - 1]:.3f}); "
                            "every later epoch fits the training images better and the validation images worse.")
    if got == want - 1:
        return report(False, f"epoch {got} is one too early.",
                      "epochs count from 1 on the plots; a Python index counts from 0 (np.argmin + 1).")
    return report(False, f"the validation loss after epoch {got} is {losses[got - 1]:.3f}, not the lowest."
                  if 1 <= got <= len(losses) else f"the run has epochs 1 to {len(losses)}.",
                  "use the explorer: move the epochs slider and watch the orange validation loss curve.")


CHOICES = ("higher", "about the same", "lower")


def slower_rate_prediction(answer: Any, slow_run: Any) -> Verdict:
    """Check a prediction for a learning rate ten times smaller than ``slow_run``'s (the slowest one recorded).

    The right answer: when the slowest recorded run was still improving in its last epochs (its validation loss
    lowest in the last quarter of the epochs), ten times smaller steps reach less in the same epochs: "lower".
    When it had already passed its best, a slower run may catch up: "about the same" also counts then.
    """
    if _empty(answer):
        return report(False, "your prediction is still empty.", f"choose one of {', '.join(map(repr, CHOICES))}.")
    choice = str(answer).strip().lower()
    if choice not in CHOICES:
        return report(False, f"{answer!r} is not one of {', '.join(map(repr, CHOICES))}.")
    losses = np.array(_logs(slow_run)["val_loss"])
    still_improving = int(np.argmin(losses)) + 1 > 0.75 * len(losses)
    accepted = ("lower",) if still_improving else ("lower", "about the same")
    if choice in accepted:
        return report(True, "each update moves the weights about ten times less, so in the same epochs the network "
                            "gets a shorter way down the loss: its curves look like the slow run's, stretched out.")
    why = ("the slowest recorded run was still improving at its last epoch" if still_improving else
           "even the slowest recorded run needed most of its epochs")
    return report(False, f"{why}; a ten times smaller step cannot learn more in the same number of epochs.",
                  "Adam's step size is roughly the learning rate: compare how the 1e-4 and 1e-3 rows of the heat "
                  "map brighten.")

