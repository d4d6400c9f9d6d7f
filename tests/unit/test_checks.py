import numpy as np

from nnbook import checks


def test_check_close_passes_and_fails_with_hint(capsys):
    assert checks.check_close(0.2778, 1 / 3.6, name="w")
    assert "Correct! w = 0.2778" in capsys.readouterr().out
    assert not checks.check_close(0.3, 1 / 3.6, name="w", hint="divide by 3.6")
    out = capsys.readouterr().out
    assert (
        "Not yet: w = 0.3 is not the expected value." in out
        and "Hint: divide by 3.6" in out
    )


def test_unfinished_and_wrong_type_answers_give_hints_not_tracebacks(capsys):
    assert not checks.check_close(..., 1.0)
    assert "still empty" in capsys.readouterr().out
    assert not checks.check_close("abc", 1.0)
    assert "should be a number" in capsys.readouterr().out
    assert not checks.check_close([1, 2], 1.0)
    assert "single number" in capsys.readouterr().out
    assert not checks.check_close(float("nan"), 1.0)


def test_check_array_reports_shape_then_first_wrong_value(capsys):
    assert not checks.check_array(np.zeros((2, 3)), np.zeros((3, 2)))
    assert "shape (2, 3), expected (3, 2)" in capsys.readouterr().out
    answer = np.array([[20, 30], [112, 36]])
    assert not checks.check_array(answer, [[20, 30], [112, 37]])
    assert (
        "1 of 4 values differ; the first at index (1, 1) is 36"
        in capsys.readouterr().out
    )
    assert checks.check_array([[20, 30], [112, 37]], [[20, 30], [112, 37]])


def test_check_function_names_the_failing_input_and_catches_errors(capsys):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    cases = [
        ((np.array(0.0),), 0.5),
        ((np.array([-1.0, 2.0]),), sigmoid(np.array([-1.0, 2.0]))),
    ]
    assert checks.check_function(sigmoid, cases, name="sigmoid")
    assert not checks.check_function(
        lambda z: 1 / (1 + np.exp(z)), cases, name="sigmoid"
    )
    assert (
        "returned [0.7311 0.1192], expected [0.2689 0.8808]"
        in capsys.readouterr().out
    )
    assert not checks.check_function(
        lambda z: z.missing, cases, name="sigmoid"
    )
    assert "raised AttributeError" in capsys.readouterr().out
    assert not checks.check_function(..., cases)


def test_check_choice_explains_wrong_options(capsys):
    explain = {
        "relu": "ReLU is for hidden layers.",
        "sigmoid": "One probability in [0, 1].",
    }
    assert checks.check_choice(" Sigmoid ", "sigmoid", explain)
    assert "One probability" in capsys.readouterr().out
    assert not checks.check_choice("relu", "sigmoid", explain)
    assert "Hint: ReLU is for hidden layers." in capsys.readouterr().out


def test_verdict_is_a_bool_that_shows_nothing_more(capsys):
    verdict = checks.check_close(1.0, 1.0)
    assert (
        verdict == True
        and bool(verdict)
        and verdict._ipython_display_() is None
    )  # noqa: E712
    assert checks.check_close(2.0, 1.0) == False  # noqa: E712
    assert repr(verdict) == "Verdict(passed=True)"
