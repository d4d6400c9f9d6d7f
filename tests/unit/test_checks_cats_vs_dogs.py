"""The Chapter 6 exercise checks: the solutions pass, typical wrong answers fail with a useful hint."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import networks, pipeline
from nnbook.checks import cats_vs_dogs as check

SOLUTION_PARAMS = [320, 0, 18_496, 0, 73_856, 0, 0, 1_280_100, 101]
SOLUTION_SHAPES = [
    (98, 98, 32),
    (49, 49, 32),
    (47, 47, 64),
    (23, 23, 64),
    (21, 21, 128),
    (10, 10, 128),
]


def paper_conv(size=100, channels=1):
    return networks.paper_cnn(size, channels)  # the network chapter 6 teaches


def test_conv_parameters_solution_passes_and_agrees_with_keras(capsys):
    assert [
        layer.count_params() for layer in paper_conv().layers
    ] == SOLUTION_PARAMS
    assert check.conv_parameters(SOLUTION_PARAMS)
    assert "1,372,873" in capsys.readouterr().out
    model = paper_conv(48, 3)
    assert check.conv_parameters(
        [layer.count_params() for layer in model.layers], size=48, channels=3
    )


@pytest.mark.parametrize(
    "answer, hint",
    [
        (
            [288, 0, 18_496, 0, 73_856, 0, 0, 1_280_100, 101],
            "one bias per filter",
        ),
        (
            [320, 10, 18_496, 0, 73_856, 0, 0, 1_280_100, 101],
            "pooling has no weights",
        ),
        (
            [320, 0, 18_496, 0, 73_856, 0, 0, 1_440_100, 101],
            "find the side after the last pooling",
        ),
        ([320, 0, 18_496], "has 9 layers"),
        ("many", "list of 9 numbers"),
        (..., "still empty"),
    ],
)
def test_conv_parameters_hints(answer, hint, capsys):
    assert not check.conv_parameters(answer)
    out = capsys.readouterr().out
    assert "Not yet" in out and hint in out


def test_feature_map_shapes(capsys):
    model = paper_conv()
    assert [
        tuple(layer.output.shape[1:]) for layer in model.layers[:6]
    ] == SOLUTION_SHAPES
    assert check.feature_map_shapes(SOLUTION_SHAPES)
    wrong = list(SOLUTION_SHAPES)
    wrong[1] = (49, 49, 64)
    assert not check.feature_map_shapes(wrong)
    assert not check.feature_map_shapes(...)
    assert "keeps the depth" in capsys.readouterr().out


def test_which_augmentation(capsys):
    assert check.which_augmentation("vertical flip")
    assert check.which_augmentation(" Vertical Flip ")
    assert not check.which_augmentation("rotation")
    assert "30°" in capsys.readouterr().out
    assert not check.which_augmentation("blur")
    assert "not one of the options" in capsys.readouterr().out
    assert not check.which_augmentation(...)


def test_horizontal_flip_only(capsys):
    assert check.horizontal_flip_only(pipeline.augmentation(flip="horizontal"))
    assert not check.horizontal_flip_only(pipeline.augmentation())
    assert "'horizontal'" in capsys.readouterr().out
    assert not check.horizontal_flip_only(
        pipeline.augmentation(flip="horizontal", rotation_range=0)
    )
    assert "RandomRotation" in capsys.readouterr().out
    assert not check.horizontal_flip_only(...)


def test_most_confident_mistakes(capsys):
    p = np.array([0.9, 0.1, 0.99, 0.4, 0.02, 0.7, 0.5])
    y = np.array([0, 1, 0, 1, 1, 1, 1])
    # wrong: 0 (0.8), 1 (0.8), 2 (0.98), 3 (0.2), 4 (0.96); right: 5, 6
    assert check.most_confident_mistakes([2, 4, 0, 1, 3], p, y)
    assert check.most_confident_mistakes(
        [2, 4, 1, 0, 3], p, y
    )  # ties in either order
    assert "photo 2" in capsys.readouterr().out
    assert not check.most_confident_mistakes([2, 4, 0, 1, 5], p, y)
    assert "gets photo 5 right" in capsys.readouterr().out
    assert not check.most_confident_mistakes([4, 2, 0, 1, 3], p, y)
    assert "wrong order" in capsys.readouterr().out
    assert not check.most_confident_mistakes([2, 4, 0], p, y)
    assert not check.most_confident_mistakes(..., p, y)
    assert not check.most_confident_mistakes(["a"], p, y)
