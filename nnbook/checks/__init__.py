"""Answer checks for the exercises: a clear pass, or a hint that says what is
wrong — never a bare traceback.

Generic checks live here; each chapter's exercises have a module beside this
one (``nnbook.checks.foundations``, ``nnbook.checks.perceptron``, …) whose
functions call these. Every check prints one message and returns a
:class:`Verdict`, true when correct and false when not yet (it shows nothing
more in a notebook), so a cell reads::

    from nnbook.checks import perceptron as check
    check.or_gate(my_weights, my_bias)
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

PASS = "Correct!"
FAIL = "Not yet:"
"""Plain words start every check message (no emoji: pages and terminals without
an emoji font show them)."""


class Verdict:
    """The outcome of a check: true when the answer is correct, false when not
    yet.

    It behaves like a bool (``if check.x(answer):``, ``== True``) but, as the
    last line of a notebook cell, shows nothing: the check has already printed
    its message.
    """

    __slots__ = ("passed",)

    def __init__(self, passed: bool):
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        return (
            self.passed == bool(other)
            if isinstance(other, (bool, Verdict))
            else NotImplemented
        )

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self) -> None:
        """Show nothing: the message was printed when the check ran."""


def report(passed: bool, message: str, hint: str = "") -> Verdict:
    """Print a pass line or a "not yet" line with a hint; return the
    :class:`Verdict`."""
    if passed:
        print(f"{PASS} {message}".rstrip())
    else:
        print(f"{FAIL} {message}" + (f"\n   Hint: {hint}" if hint else ""))
    return Verdict(passed)


EMPTY_HINT = "replace the ... with your answer and run the cell."


def is_empty(answer: Any) -> bool:
    """True while an exercise answer is still the ``...`` (or ``None``) it
    started as."""
    return answer is None or answer is Ellipsis


def report_empty(name: str, hint: str = EMPTY_HINT) -> Verdict:
    """Print "NAME is still empty" with a hint; return a failing
    :class:`Verdict`."""
    return report(False, f"{name} is still empty.", hint)


def as_answer_array(answer: Any, name: str) -> np.ndarray | None:
    """Return the answer as a float array, or print why it cannot be one and
    return None (for chapter checks)."""
    if is_empty(answer):
        report(
            False,
            f"{name} is still empty ({answer!r}).",
            "replace the ... with your answer and run the cell.",
        )
        return None
    try:
        return np.asarray(answer, dtype="float64")
    except (TypeError, ValueError):
        report(
            False,
            f"{name} should be a number or an array of numbers, got "
            f"{type(answer).__name__}.",
        )
        return None


def hint_for_number(answer: Any, hints: dict[int, str]) -> str:
    """Return the hint ``hints`` keeps for the whole number ``answer`` rounds
    down to, or "" (any other answer)."""
    try:
        number = float(np.asarray(answer, dtype="float64").reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return ""
    return hints.get(int(number), "") if np.isfinite(number) else ""


def check_close(
    answer: Any,
    expected: float,
    *,
    name: str = "your answer",
    rtol: float = 1e-3,
    atol: float = 1e-6,
    hint: str = "",
) -> Verdict:
    """Check one number against ``expected`` (relative tolerance ``rtol``);
    print the result, return it."""
    value = as_answer_array(answer, name)
    if value is None:
        return Verdict(False)
    if value.size != 1:
        return report(
            False,
            f"{name} should be a single number, got an array of shape "
            f"{value.shape}.",
            hint,
        )
    number = float(value.reshape(-1)[0])
    if not np.isfinite(number):
        return report(
            False,
            f"{name} is {number}.",
            hint or "look for a division by zero or an overflow.",
        )
    ok = bool(np.isclose(number, expected, rtol=rtol, atol=atol))
    if ok:
        return report(True, f"{name} = {number:.6g}.")
    return report(
        False, f"{name} = {number:.6g} is not the expected value.", hint
    )


def check_array(
    answer: Any,
    expected: Any,
    *,
    name: str = "your answer",
    rtol: float = 1e-3,
    atol: float = 1e-6,
    hint: str = "",
) -> Verdict:
    """Check an array's shape, then its values, naming the first wrong entry;
    print the result, return it."""
    value = as_answer_array(answer, name)
    if value is None:
        return Verdict(False)
    target = np.asarray(expected, dtype="float64")
    if value.shape != target.shape:
        return report(
            False,
            f"{name} has shape {value.shape}, expected {target.shape}.",
            hint
            or "check which axes you summed over, or whether you need a "
            "reshape.",
        )
    wrong = ~np.isclose(value, target, rtol=rtol, atol=atol)
    if wrong.any():
        where = tuple(int(i) for i in np.argwhere(wrong)[0])
        return report(
            False,
            f"{int(wrong.sum())} of {value.size} values differ; the first at "
            f"index {where} is {value[where]:.6g}.",
            hint,
        )
    return report(
        True, f"{name} has the right shape {value.shape} and values."
    )


def check_function(
    fn: Any,
    cases: Sequence[tuple[tuple, Any]],
    *,
    name: str = "your function",
    rtol: float = 1e-4,
    atol: float = 1e-6,
    hint: str = "",
) -> Verdict:
    """Call ``fn(*args)`` for each ``(args, expected)`` case; report the first
    failing input, or pass.

    Exceptions raised by ``fn`` are caught and reported with the input that
    triggered them.
    """
    if not callable(fn):
        return report(
            False,
            f"{name} should be a function (def ...), got {type(fn).__name__}.",
        )
    for args, expected in cases:
        shown = ", ".join(
            np.array2string(np.asarray(a), precision=4) for a in args
        )
        try:
            got = np.asarray(fn(*args), dtype="float64")
        except Exception as error:  # noqa: BLE001
            # any learner error becomes a hint
            return report(
                False,
                f"{name}({shown}) raised {type(error).__name__}: {error}",
                hint,
            )
        want = np.asarray(expected, dtype="float64")
        if got.shape != want.shape:
            return report(
                False,
                f"{name}({shown}) returned shape {got.shape}, expected "
                f"{want.shape}.",
                hint,
            )
        if not np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
            return report(
                False,
                f"{name}({shown}) returned "
                f"{np.array2string(got, precision=4)}, expected "
                f"{np.array2string(want, precision=4)}.",
                hint,
            )
    return report(
        True, f"{name} gives the right output on all {len(cases)} test inputs."
    )


def check_choice(
    answer: Any,
    correct: Any,
    explanations: dict[Any, str] | None = None,
    *,
    name: str = "your choice",
) -> Verdict:
    """Check a multiple-choice answer; the explanation for a wrong option
    becomes the hint."""
    normalise: Callable[[Any], Any] = lambda v: (
        v.strip().lower() if isinstance(v, str) else v
    )  # noqa: E731
    explanations = {normalise(k): v for k, v in (explanations or {}).items()}
    if normalise(answer) == normalise(correct):
        return report(True, explanations.get(normalise(correct), ""))
    if is_empty(answer):
        return report_empty(
            f"{name}", "replace the ... with your answer and run the cell."
        )
    return report(
        False,
        f"{name} {answer!r} is not the best option.",
        explanations.get(normalise(answer), ""),
    )
