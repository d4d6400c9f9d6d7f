"""Checks for the exercises of Chapter 10, The model web.

Each function prints a pass line or a hint and returns a
:class:`~nnbook.checks.Verdict`; none raises on a learner's answer::

    from nnbook.checks import model_web as check
    check.status_codes(my_codes)
"""

from __future__ import annotations

from typing import Any

from nnbook.checks import Verdict, is_empty, report

STATUS_CODES = {
    "too_big": 413,
    "not_an_image": 400,
    "wrong_method": 405,
    "unknown_model": 404,
}
"""What the course's server answers for each kind of bad request."""

STATUS_HINTS = {
    "too_big": (
        "the server refuses a body over its limit before reading it: "
        "'Payload Too Large'."
    ),
    "not_an_image": (
        "the request arrived and was well formed, but its content is "
        "unusable: 'Bad Request'."
    ),
    "wrong_method": (
        "the path exists but does not accept that method (GET on a POST-only "
        "endpoint)."
    ),
    "unknown_model": (
        "the path names something that does not exist: 'Not Found'."
    ),
}

TOP_CASES = [
    (
        {
            "model": "cifar10",
            "top": [
                {"label": "truck", "probability": 0.999},
                {"label": "automobile", "probability": 0.001},
            ],
        },
        "truck",
    ),
    (
        {
            "model": "cats_vs_dogs",
            "top": [
                {"label": "dog", "probability": 0.7},
                {"label": "cat", "probability": 0.3},
            ],
        },
        "dog",
    ),
    (
        {
            "model": "m",
            "top": [
                {"label": "b", "probability": 0.2},
                {"label": "a", "probability": 0.5},
                {"label": "c", "probability": 0.3},
            ],
        },
        "a",
    ),
]
"""Answers shaped like the server's JSON and the label each should give (the
last is deliberately unsorted)."""


def status_codes(answer: Any) -> Verdict:
    """``answer``: a dict from each key of :data:`STATUS_CODES` to the HTTP
    status the server answers."""
    if not isinstance(answer, dict):
        return report(
            False,
            "your answer should be a dict like {'too_big': ..., "
            "'not_an_image': ..., ...}.",
        )
    for key, code in STATUS_CODES.items():
        given = answer.get(key, ...)
        if is_empty(given):
            return report(
                False,
                f"the status for {key!r} is still empty.",
                "replace the ... with a number.",
            )
        if given != code:
            return report(
                False, f"{key!r} is not answered {given!r}.", STATUS_HINTS[key]
            )
    return report(
        True, "413, 400, 405 and 404: each tells the client what to fix."
    )


def top_label(fn: Any) -> Verdict:
    """``fn(answer) -> str``: the most probable label of a JSON answer of
    ``POST /api/NAME``."""
    if not callable(fn):
        return report(
            False,
            "top_label should be a function (def ...), got "
            f"{type(fn).__name__}.",
        )
    for answer, expected in TOP_CASES:
        try:
            got = fn(answer)
        except Exception as error:  # noqa: BLE001
            # any learner error becomes a hint
            return report(
                False,
                f"top_label raised {type(error).__name__}: {error} on "
                f"{answer}.",
                "answer['top'] is a list of {'label': ..., 'probability': "
                "...} dicts.",
            )
        if got is None:
            return report(
                False,
                "top_label returned None.",
                "replace the ... with your code and end with return.",
            )
        if got != expected:
            return report(
                False,
                f"top_label gave {got!r} for {answer['top']}, expected "
                f"{expected!r}.",
                "do not trust the order of the list: pick the item with the "
                "largest probability.",
            )
    return report(
        True,
        f"top_label picks the most probable label on all {len(TOP_CASES)} "
        "answers, sorted or not.",
    )
