"""The Chapter 7 exercise checks: right answers pass, typical slips fail with a useful hint, nothing raises."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from nnbook import datasets
from nnbook.checks import age as check


@pytest.mark.parametrize("answer", [7, np.int64(7), 7.0, "<=40", " <= 40 "])
def test_band_of_age_accepts_index_or_name(answer, capsys):
    assert check.band_of_age(
        answer
    )  # the exercise's default: 40 years, 5-year bands
    assert "Correct" in capsys.readouterr().out


def test_the_exercise_catches_the_floor_division_slip(capsys):
    """40 // 5 = 8, but 40 belongs to '<=40' (index 7): the exercise's age sits at a band's top, so the slip shows."""
    assert 40 // 5 != int(datasets.age_bin(40, 5))
    assert not check.band_of_age(40 // 5)
    out = capsys.readouterr().out
    assert (
        "Not yet" in out
        and "40 // 5 = 8" in out
        and "including 5" in out
        and "counted from 0" in out
    )


def test_at_37_the_slip_would_go_unnoticed():
    """Why the exercise does not ask about 37: there floor division happens to give the right band."""
    assert 37 // 5 == int(datasets.age_bin(37, 5))
    assert check.band_of_age(37 // 5, age=37)


@pytest.mark.parametrize(
    "answer, hint", [(3, "ceil(age / 5) - 1"), (6, "ceil(age / 5) - 1")]
)
def test_band_of_age_hints(answer, hint, capsys):
    assert not check.band_of_age(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out and "//" not in out


def test_counting_from_one_away_from_a_band_edge(capsys):
    assert not check.band_of_age(
        8, age=37
    )  # 37 is in '<=40', index 7; 8 is counting from 1
    out = capsys.readouterr().out
    assert "counted from 0" in out and "//" not in out


def test_band_of_age_floor_division_slip_at_a_band_edge(capsys):
    assert check.band_of_age(4, age=40, width=10) is not None
    assert not check.band_of_age(
        4, age=40, width=10
    )  # 40 // 10 = 4, but 40 belongs to '<=40' (index 3)
    assert "including 10" in capsys.readouterr().out
    assert check.band_of_age(9, age=95, width=10)


@pytest.mark.parametrize("answer", [..., None, "<=35", [1, 2], "many"])
def test_band_of_age_never_raises(answer, capsys):
    assert not check.band_of_age(answer)


def test_extra_parameters_agree_with_keras(capsys):
    def model(with_gender):
        image = keras.Input((8, 8, 3))
        x = keras.layers.Flatten()(image)
        inputs = [image]
        if with_gender:
            gender = keras.Input((1,))
            inputs.append(gender)
            x = keras.layers.Concatenate()([x, gender])
        return keras.Model(
            inputs, keras.layers.Dense(10)(keras.layers.Dense(250)(x))
        )

    assert check.extra_parameters_for_gender(
        model(True).count_params() - model(False).count_params()
    )


@pytest.mark.parametrize(
    "answer, hint",
    [
        (251, "keeps its biases"),
        (1, "every neuron"),
        (500, "one weight per neuron"),
    ],
)
def test_extra_parameters_hints(answer, hint, capsys):
    assert not check.extra_parameters_for_gender(answer)
    assert hint in capsys.readouterr().out


MATRIX = np.array([[5, 2, 0], [1, 9, 4], [0, 3, 6]])
NAMES = ["<=10", "<=20", "<=30"]


def test_most_confused_band(capsys):
    assert check.most_confused_band("<=30", MATRIX, NAMES, "<=20")
    assert not check.most_confused_band("<=10", MATRIX, NAMES, "<=20")
    assert not check.most_confused_band("<=20", MATRIX, NAMES, "<=20")
    assert "diagonal" in capsys.readouterr().out
    assert not check.most_confused_band(..., MATRIX, NAMES, "<=20")


@pytest.mark.parametrize("answer", ["a", "A", " a "])
def test_poor_metric_right(answer, capsys):
    assert check.poor_metric(answer)


@pytest.mark.parametrize("answer", ["b", "c", "d", "z", ..., None])
def test_poor_metric_wrong(answer, capsys):
    assert not check.poor_metric(answer)
