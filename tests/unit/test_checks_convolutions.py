"""Chapter 5 exercise checks: the solutions pass; typical wrong answers fail with the right hint, never raise."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from nnbook.checks import convolutions as check


def solution_output_shape(size, kernel, stride, padding, filters):
    side = (size - kernel + 2 * padding) // stride + 1
    return side, side, filters


def solution_conv2d(x, kernels, stride=1):
    kh, kw, _, filters = kernels.shape
    rows = (x.shape[0] - kh) // stride + 1
    cols = (x.shape[1] - kw) // stride + 1
    out = np.zeros((rows, cols, filters))
    for i in range(rows):
        for j in range(cols):
            window = x[
                i * stride : i * stride + kh, j * stride : j * stride + kw, :
            ]
            for f in range(filters):
                out[i, j, f] = np.sum(window * kernels[:, :, :, f])
    return out


def test_solutions_pass(capsys):
    assert check.conv_output_shape(solution_output_shape)
    assert check.conv_params(5 * 5 * 64 * 128 + 128)
    assert check.conv2d(solution_conv2d)
    out = capsys.readouterr().out
    assert "Not yet" not in out and out.count("Correct") == 3


@pytest.mark.parametrize(
    "check_fn", [check.conv_output_shape, check.conv_params, check.conv2d]
)
@pytest.mark.parametrize("empty", [..., None])
def test_empty_answer_gives_a_hint_not_an_error(check_fn, empty, capsys):
    assert not check_fn(empty)
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize(
    "size, kernel, stride, padding",
    [
        (64, 5, 2, 0),
        (32, 3, 1, 0),
        (32, 3, 1, 1),
        (28, 5, 1, 2),
        (15, 3, 2, 1),
        (10, 4, 3, 0),
    ],
)
def test_expected_output_shape_agrees_with_keras(
    size, kernel, stride, padding
):
    layers = [
        keras.Input((size, size, 3)),
        keras.layers.ZeroPadding2D(padding),
        keras.layers.Conv2D(7, kernel, strides=stride),
    ]
    model = keras.Sequential(layers)
    assert tuple(model.output_shape[1:]) == check.expected_output_shape(
        size, kernel, stride, padding, 7
    )


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (
            lambda n, k, s, p, f: ((n - k + 2 * p) / s + 1,) * 2 + (f,),
            "round the division down",
        ),
        (
            lambda n, k, s, p, f: ((n - k + 2 * p) + 1,) * 2 + (f,),
            "left out the stride",
        ),
        (
            lambda n, k, s, p, f: ((n - k + 2 * p) // s + 1,) * 2 + (3,),
            "number of filters",
        ),
        (lambda n, k, s, p, f: (n // s, n // s, f), "'same' padding"),
        (
            lambda n, k, s, p, f: ((n - k) // s + 1,) * 2 + (f,),
            "(n - k + 2p) / s + 1",
        ),
        (lambda n, k, s, p, f: (n, n), "three numbers"),
    ],
)
def test_output_shape_hints(wrong, hint, capsys):
    assert not check.conv_output_shape(wrong)
    assert hint in capsys.readouterr().out


def test_output_shape_error_in_learner_code_is_reported(capsys):
    assert not check.conv_output_shape(lambda *args: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize(
    "answer, hint",
    [
        (5 * 5 * 64 * 128, "not the biases"),
        (5 * 5 * 128 + 128, "ALL input channels"),
        (5 * 5 * 64 + 1, "one filter"),
        (5 * 64 * 128 + 128, "k × k"),
        (12345, "one bias"),
        ("many", "number"),
    ],
)
def test_conv_params_hints(answer, hint, capsys):
    assert not check.conv_params(answer)
    assert hint in capsys.readouterr().out


def test_keras_reference_matches_the_solution():
    for (x, kernels, stride), expected in check.conv_cases(seed=1):
        np.testing.assert_allclose(
            solution_conv2d(x, kernels, stride), expected, atol=1e-4
        )


def test_conv2d_flipped_kernel_gets_the_cross_correlation_hint(capsys):
    assert not check.conv2d(
        lambda x, k, s=1: solution_conv2d(x, k[::-1, ::-1], s)
    )
    assert "cross-correlation" in capsys.readouterr().out


def test_conv2d_ignoring_the_stride_gets_the_stride_hint(capsys):
    assert not check.conv2d(lambda x, k, s=1: solution_conv2d(x, k, 1))
    out = capsys.readouterr().out
    assert "with stride 2" in out and "shape" in out


def test_conv2d_wrong_values_name_the_input_by_shape(capsys):
    assert not check.conv2d(lambda x, k, s=1: solution_conv2d(x, k, s) + 0.5)
    out = capsys.readouterr().out
    assert "x of shape (4, 4, 1)" in out and "Keras gives" in out
    assert out.count("\n") <= 3  # no wall of printed arrays


def test_conv2d_errors_and_non_functions_are_reported(capsys):
    assert not check.conv2d(lambda x, k, s=1: x @ k)
    assert "raised" in capsys.readouterr().out
    assert not check.conv2d(np.zeros(3))
    assert "should be a function" in capsys.readouterr().out


@pytest.mark.parametrize("check_fn", [check.conv_output_shape, check.conv2d])
def test_function_still_holding_ellipsis_gets_a_clear_hint(check_fn, capsys):
    def unfinished(*args): ...

    assert not check_fn(unfinished)
    out = capsys.readouterr().out
    assert "returns None" in out and "replace the ..." in out
