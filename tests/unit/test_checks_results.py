"""Chapter 9's exercise checks: a right answer passes, wrong ones fail with a useful hint, none raises."""

from __future__ import annotations

import pytest

from nnbook.checks import results as check


def logs(val_accuracy, val_loss=None, accuracy=None):
    n = len(val_accuracy)
    return {
        "val_accuracy": list(val_accuracy),
        "val_loss": list(val_loss or [1.0] * n),
        "accuracy": list(accuracy or [0.5] * n),
        "loss": [1.0] * n,
    }


RUNS = {
    ("Dense", "off", 1e-3): logs([0.50, 0.55, 0.58]),
    ("Conv", "off", 1e-3): logs(
        [0.55, 0.70, 0.66], val_loss=[0.69, 0.60, 0.65]
    ),
    ("Conv", "on", 1e-3): logs(
        [0.52, 0.60, 0.698]
    ),  # within TIE of the best cell
    ("Conv", "off", 1e-2): logs([0.50, 0.50, 0.50]),
}


def test_best_setting_accepts_the_best_cell_and_ties(capsys):
    assert check.best_setting(("Conv", "off", 0.001, 2), RUNS)
    assert "70.0%" in capsys.readouterr().out
    assert check.best_setting(
        ["conv", "ON", 1e-3, 3], RUNS
    )  # a tie within half a point, any case


@pytest.mark.parametrize(
    "answer, says",
    [
        (..., "still empty"),
        (("Conv", "off", 0.001), "4 values"),
        (("Conv", "off", 0.001, 3), "right run, wrong epoch"),
        (("Dense", "off", 0.001, 3), "brightest square"),
        (("Conv", "off", 0.5, 2), "no run"),
        (("Conv", "off", 0.001, 9), "not an epoch"),
    ],
)
def test_best_setting_explains_wrong_answers(answer, says, capsys):
    assert not check.best_setting(answer, RUNS)
    assert says in capsys.readouterr().out


def test_loss_and_accuracy_epochs_wants_both_best_epochs(capsys):
    # lowest validation loss after epoch 2, best validation accuracy after epoch 4 (over-confidence)
    run = logs([0.55, 0.62, 0.63, 0.66], val_loss=[0.69, 0.60, 0.70, 0.90])
    assert check.loss_and_accuracy_epochs((2, 4), run)
    assert "over-confident" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, says",
    [
        (..., "still empty"),
        (2, "not two epochs"),
        (
            (2, 2),
            "look at the accuracy panel",
        ),  # the old mistake: "more epochs stop helping after epoch 2"
        ((4, 2), "swapped"),
        ((1, 4), "one too early"),
        ((3, 4), "not the lowest"),
        ((2, 3), "the best is 66.0%"),
        ((2, 9), "epochs 1 to 4"),
        (("two", 4), "epochs 1 to 4"),
    ],
)
def test_loss_and_accuracy_epochs_explains_wrong_answers(answer, says, capsys):
    run = logs([0.55, 0.62, 0.63, 0.66], val_loss=[0.69, 0.60, 0.70, 0.90])
    assert not check.loss_and_accuracy_epochs(answer, run)
    assert says in capsys.readouterr().out


def test_loss_and_accuracy_epochs_accepts_accuracy_ties_and_equal_epochs(
    capsys,
):
    tie = logs([0.55, 0.658, 0.63, 0.66], val_loss=[0.69, 0.60, 0.70, 0.90])
    assert check.loss_and_accuracy_epochs(
        (2, 2), tie
    )  # 65.8 % is within half a point of 66 %
    same = logs([0.55, 0.70, 0.63], val_loss=[0.69, 0.60, 0.70])
    assert check.loss_and_accuracy_epochs((2, 2), same)
    assert "both are epoch 2" in capsys.readouterr().out


def test_slower_rate_prediction_depends_on_whether_the_slow_run_was_still_improving(
    capsys,
):
    still_improving = logs(
        [0.5, 0.55, 0.6, 0.62], val_loss=[0.7, 0.68, 0.66, 0.65]
    )
    already_peaked = logs([0.5, 0.6, 0.6, 0.6], val_loss=[0.7, 0.6, 0.65, 0.7])
    assert check.slower_rate_prediction("lower", still_improving)
    assert not check.slower_rate_prediction("about the same", still_improving)
    assert check.slower_rate_prediction(" About the same ", already_peaked)
    assert not check.slower_rate_prediction("higher", already_peaked)
    assert not check.slower_rate_prediction("much better", already_peaked)
    assert "not one of" in capsys.readouterr().out
    assert not check.slower_rate_prediction(..., already_peaked)


def test_checks_accept_keras_history_objects():
    class History:
        history = RUNS[("Conv", "off", 1e-3)]

    assert check.loss_and_accuracy_epochs((2, 2), History())
    assert check.best_setting(
        ("Conv", "off", 1e-3, 2), {("Conv", "off", 1e-3): History()}
    )
