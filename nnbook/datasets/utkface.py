"""UTKFace file names (``[age]_[gender]_[race]_[datetime].jpg.chip.jpg``)
and the paper's age classes."""

from __future__ import annotations

import re

import numpy as np

MAX_AGE = 116
"""The oldest age UTKFace holds (its ages run 0-116)."""

UTKFACE_NAME = re.compile(
    r"^(?P<age>\d{1,3})_(?P<gender>[01])_(?P<race>[0-4])_"
    r"(?P<datetime>\d{17})\.jpg\.chip\.jpg$",
    re.ASCII,
)
"""The aligned & cropped UTKFace file name,
``[age]_[gender]_[race]_[yyyymmddHHMMSSfff].jpg.chip.jpg`` (ASCII digits
only; the age must also be at most :data:`MAX_AGE`)."""


def utkface_name_problems(name: str) -> list[str]:
    """Return what is wrong with a UTKFace file name (empty when it matches
    :data:`UTKFACE_NAME` with an age of 0 to :data:`MAX_AGE`)."""
    match = UTKFACE_NAME.match(name)
    if match:
        age = int(match["age"])
        return [] if age <= MAX_AGE else [f"age {age} is over {MAX_AGE}"]
    problems = []
    if name.endswith(".jpg.chip.jpg"):
        stem = name[: -len(".jpg.chip.jpg")]
    else:
        problems.append("does not end in '.jpg.chip.jpg'")
        stem = name.split(".")[0]
    parts = stem.split("_")
    if len(parts) != 4:
        problems.append(
            f"has {len(parts)} fields, expected 4 (age_gender_race_datetime)"
        )
    checks = [("age", parts[0], r"\d{1,3}", "1-3 digits")]
    if len(parts) > 1:
        checks.append(("gender", parts[1], r"[01]", "0 or 1"))
    if len(parts) == 4:
        checks.append(("race", parts[2], r"[0-4]", "0-4"))
    if len(parts) > 2:
        checks.append(("datetime", parts[-1], r"\d{17}", "17 digits"))
    problems += [
        f"{what} {value!r} is not {rule}"
        for what, value, pattern, rule in checks
        if not re.fullmatch(pattern, value, re.ASCII)
    ]
    return problems or ["does not match the UTKFace naming pattern"]


def parse_utkface_name(name: str) -> tuple[int, int, int]:
    """Return ``(age, gender, race)`` from a UTKFace file name.

    Raises:
        ValueError: naming every problem, e.g. ``has 3 fields, expected 4
            (age_gender_race_datetime)``.
    """
    problems = utkface_name_problems(name)
    if problems:
        raise ValueError(
            f"malformed UTKFace name {name!r}: {'; '.join(problems)}"
        )
    match = UTKFACE_NAME.match(name)
    assert match is not None  # no problems
    return int(match["age"]), int(match["gender"]), int(match["race"])


def _check_width(width: int) -> None:
    if width <= 0 or 90 % width:
        raise ValueError(f"width must divide 90 (e.g. 5 or 10), got {width}.")


def age_bin(age: np.ndarray | int, width: int = 10) -> np.ndarray:
    """Map ages to classes ``<=width, <=2*width, ..., <=90, >90``.

    ``width=10`` gives the paper's 10 classes (<=10, 11-20, ..., 81-90,
    >90); ``width=5`` gives 19 (<=5, 6-10, ..., 86-90, >90), each 10-year
    class split in two except the open top class.
    """
    _check_width(width)
    top = 90 // width  # index of the ">90" class
    classes = np.ceil(np.asarray(age) / width).astype(np.int64) - 1
    return np.clip(classes, 0, top)


def age_bin_names(width: int = 10) -> list[str]:
    """Names of the :func:`age_bin` classes, e.g. ``['<=10', '<=20', ...,
    '<=90', '>90']``."""
    _check_width(width)
    return [f"<={upper}" for upper in range(width, 91, width)] + [">90"]


AGE_CLASSES_10 = age_bin_names(10)
"""The paper's 10 age classes: ``<=10, <=20, ..., <=90, >90``."""
