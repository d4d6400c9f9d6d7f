"""The Chapter 2 exercise checks: the solutions pass, typical wrong answers fail with a useful hint."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook.checks import perceptron as check


def test_step_fires_only_above_zero():
    assert check.step(np.array([-1.0, 0.0, 0.5])).tolist() == [0, 0, 1]


@pytest.mark.parametrize(
    "weights, bias",
    [([1, 1], -0.5), (np.array([0.3, 0.3]), -0.1), ((2.0, 5.0), -1.5)],
)
def test_or_gate_accepts_solutions(weights, bias, capsys):
    assert check.or_gate(weights, bias)
    assert "Correct" in capsys.readouterr().out


def test_or_gate_names_the_failing_input(capsys):
    assert not check.or_gate([1, 1], -1.5)  # that is AND: (0, 1) stays off
    out = capsys.readouterr().out
    assert "x = (0, 1)" in out and "z = w₂ + b" in out and "above 0" in out


def test_or_gate_zero_bias_fails_on_zero_input(capsys):
    assert not check.or_gate([1, 1], 0.5)
    out = capsys.readouterr().out
    assert "x = (0, 0)" in out and "z = b" in out and "0 or below" in out


@pytest.mark.parametrize("weights, bias", [([-1, -1], 1.5), ([-2, -2], 3)])
def test_nand_gate_accepts_solutions(weights, bias):
    assert check.nand_gate(weights, bias)


def test_nand_gate_rejects_and_weights(capsys):
    assert not check.nand_gate([1, 1], -1.5)
    out = capsys.readouterr().out
    assert "x = (0, 0)" in out and "NAND gives 1" in out and "negatives" in out


def test_boundary_value_zero_does_not_fire(capsys):
    # w·x + b = 0 exactly at (1, 0) and (0, 1): the perceptron outputs 0 there, so this is not OR.
    assert not check.or_gate([1, 1], -1)
    assert "x = (0, 1)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "weights, bias", [(..., ...), ([1, 1], ...), (None, 0)]
)
def test_gates_do_not_raise_while_empty(weights, bias, capsys):
    assert not check.or_gate(weights, bias)
    assert "still empty" in capsys.readouterr().out


def test_gates_reject_wrong_shapes(capsys):
    assert not check.nand_gate([1, 1, 1], 1)
    assert "2 numbers" in capsys.readouterr().out
    assert not check.nand_gate([1, 1], [1, 2])
    assert "1 number" in capsys.readouterr().out
    assert not check.or_gate("one", 0)


def test_epochs_prediction_within_tolerance(capsys):
    assert check.epochs_prediction(240, 245)
    assert "245" in capsys.readouterr().out
    assert check.epochs_prediction(
        200, 245
    )  # 18 % off, inside the default 25 %


@pytest.mark.parametrize(
    "guess, word", [(1200, "too many"), (24, "too few"), (100, "too few")]
)
def test_epochs_prediction_far_off_gives_the_scaling_hint(guess, word, capsys):
    assert not check.epochs_prediction(guess, 245)
    out = capsys.readouterr().out
    assert word in out and "1 / learning rate" in out


def test_epochs_prediction_edge_cases(capsys):
    assert not check.epochs_prediction(..., 245)
    assert "still empty" in capsys.readouterr().out
    assert not check.epochs_prediction(240, None)
    assert "never reached" in capsys.readouterr().out
    assert not check.epochs_prediction(-5, 245)
    assert not check.epochs_prediction([1, 2], 245)
    assert not check.epochs_prediction(300, 245, tolerance=0.1)


def test_xor_reason(capsys):
    assert check.xor_reason("b")
    assert check.xor_reason(" B ")
    capsys.readouterr()
    for wrong in "acd":
        assert not check.xor_reason(wrong)
        assert "Hint" in capsys.readouterr().out
    assert not check.xor_reason(...)
    assert set(check.XOR_REASONS) == {"a", "b", "c", "d"}


XOR_SOLUTION = (
    np.array([[1, -1], [1, -1]]),
    np.array([-0.5, 1.5]),
    np.array([1, 1]),
    -1.5,
)


def test_xor_network_accepts_or_nand_and(capsys):
    assert check.xor_network(*XOR_SOLUTION)
    assert "Correct" in capsys.readouterr().out
    assert check.xor_network([[1, -1], [1, -1]], [-0.5, 1.5], [1, 1], [-1.5])


def test_xor_network_reports_hidden_values(capsys):
    hidden_weights, hidden_bias, output_weights, _ = XOR_SOLUTION
    assert not check.xor_network(
        hidden_weights, hidden_bias, output_weights, -0.5
    )  # output is OR of h
    out = capsys.readouterr().out
    assert (
        "x = (0, 0)" in out and "h = [0, 1]" in out and "AND of the two" in out
    )


def test_xor_network_transposed_or_wrong_shapes(capsys):
    # Transposed, each hidden unit mixes one OR weight with one NAND weight: a common layout mistake.
    assert not check.xor_network(XOR_SOLUTION[0].T, *XOR_SOLUTION[1:])
    assert not check.xor_network([1, 2, 3], [0, 0], [1, 1], 0)
    assert "shape (2, 2)" in capsys.readouterr().out
    assert not check.xor_network(..., ..., ..., ...)
    assert "still empty" in capsys.readouterr().out
