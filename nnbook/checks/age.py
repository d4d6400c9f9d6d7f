"""Checks for the exercises of Chapter 7, *Age from faces*.

Every check prints one line (a pass, or "not yet" with a hint) and returns a
:class:`~nnbook.checks.Verdict`; none raises on a learner's answer.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from nnbook.checks import (
    Verdict,
    check_choice,
    check_close,
    hint_for_number,
    is_empty,
    report,
    report_empty,
)
from nnbook.datasets import age_bin, age_bin_names

METRIC_OPTIONS = {
    "a": (
        "Accuracy counts an answer one band off (29 for a 31-year-old) "
        "exactly as wrong as one sixty years off."
    ),
    "b": "Accuracy cannot be computed when there are more than two classes.",
    "c": "Accuracy needs one-hot labels, and our labels are integers.",
    "d": (
        "Accuracy is always lower than the mean absolute error, so it looks "
        "worse."
    ),
}
"""The options of the "why is accuracy a poor metric here" exercise."""

_METRIC_WHY = {
    "a": (
        "the bands are ordered, so a near miss should cost less than a far "
        "one: within-one-band accuracy and the error in years see that, "
        "plain accuracy does not."
    ),
    "b": (
        "accuracy is simply the share of right answers, for any number of "
        "classes (ten here)."
    ),
    "c": (
        "accuracy compares the predicted class with the true one; how the "
        "labels are stored does not matter."
    ),
    "d": (
        "the two are in different units (a share and years), so 'lower' "
        "compares nothing."
    ),
}


def band_of_age(answer: Any, age: int = 40, width: int = 5) -> Verdict:
    """Check the band (its index or its name, e.g. ``7`` or ``"<=40"``) that
    ``age`` falls in with ``width``-year bands.

    The default, 40 with 5-year bands, sits at a band's top age, where the
    usual slip (``40 // 5 = 8``) is wrong.
    """
    names = age_bin_names(width)
    index = int(age_bin(age, width))
    if is_empty(answer):
        return report_empty(
            "the band", "replace the ... with a band index or a band name."
        )
    if isinstance(answer, str):
        if answer.strip().replace(" ", "") == names[index]:
            return report(
                True, f"age {age} falls in band {index}, {names[index]!r}."
            )
        return report(
            False,
            f"{answer!r} is not the band of age {age}.",
            f"the bands are {names[:4]} ...; 'x' in '<=x' is the band's "
            "oldest age.",
        )
    value = np.asarray(answer).reshape(-1)
    if value.size != 1 or not np.issubdtype(value.dtype, np.number):
        return report(
            False, f"answer with one band index or name, got {answer!r}."
        )
    guess = float(value[0])
    if guess == index:
        return report(
            True, f"age {age} falls in band {index}, {names[index]!r}."
        )
    hints = []
    if guess == age // width and age // width != index:
        hints.append(
            f"{age} // {width} = {age // width} puts the top age of each "
            f"band ({width}, {2 * width}, ...) into the next band: the band "
            f"'<={width}' holds ages up to and including {width}. Use "
            f"ceil(age / {width}) - 1."
        )
    if guess == index + 1:
        hints.append(
            "bands are counted from 0: the first band, index 0, is "
            f"'<={width}'."
        )
    if not hints:
        hints.append(
            f"with {width}-year bands the band index is ceil(age / {width}) "
            "- 1, and every age over 90 is in the top band."
        )
    return report(
        False, f"band {guess:g} is not where age {age} falls.", " ".join(hints)
    )


def extra_parameters_for_gender(answer: Any, units: int = 250) -> Verdict:
    """Check how many more parameters the two-input model has than the
    image-only one (one input joins a Dense layer)."""
    hints = {
        units + 1: (
            "the gender input adds weights, not a new neuron: the first "
            "dense layer keeps its biases."
        ),
        1: (
            "the one new input number connects to every neuron of the first "
            "dense layer, each with its own weight."
        ),
        2 * units: (
            "gender is one number (0 or 1), so it adds one weight per "
            "neuron, not two."
        ),
    }
    hint = hint_for_number(answer, hints)
    return check_close(
        answer,
        units,
        name="the extra parameters",
        rtol=0,
        atol=0.5,
        hint=hint
        or "the concatenated vector grows by one number; the first dense "
        f"layer has {units} neurons, and each has one weight per input "
        "number.",
    )


def most_confused_band(
    answer: Any, matrix: np.ndarray, band_names: Sequence[str], true_band: str
) -> Verdict:
    """Check the band (other than ``true_band`` itself) most often predicted
    for faces whose true band is ``true_band``."""
    names = [str(n) for n in band_names]
    if true_band not in names:
        return report(False, f"{true_band!r} is not one of the bands {names}.")
    row = np.asarray(matrix)[names.index(true_band)].astype(np.float64)
    row[names.index(true_band)] = -1
    expected = names[int(np.argmax(row))]
    if is_empty(answer):
        return report_empty(
            "the band", "replace the ... with a band name such as '<=30'."
        )
    if str(answer).strip().replace(" ", "") == expected:
        count = int(row.max())
        return report(
            True,
            f"{count} faces of true band {true_band!r} were guessed "
            f"{expected!r}: most mistakes land in a neighbouring band.",
        )
    if str(answer).strip() == true_band:
        return report(
            False,
            f"{true_band!r} is the right answer for those faces; the "
            "question asks for the most common wrong one.",
            "leave out the diagonal cell.",
        )
    return report(
        False,
        f"{answer!r} is not the most common wrong guess for {true_band!r}.",
        f"read the row labelled {true_band!r} (true class) and find its "
        "largest cell off the diagonal.",
    )


def poor_metric(answer: Any) -> Verdict:
    """Check the reason (``"a"``..``"d"``, see :data:`METRIC_OPTIONS`) why
    plain accuracy misleads for age bands."""
    if (
        isinstance(answer, str)
        and answer.strip().lower() not in METRIC_OPTIONS
    ):
        return report(
            False,
            f"{answer!r} is not one of the options.",
            "answer with 'a', 'b', 'c' or 'd'.",
        )
    return check_choice(answer, "a", _METRIC_WHY, name="the reason")
