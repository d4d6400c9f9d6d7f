"""Measuring a model beyond one accuracy figure: bootstrap confidence intervals and errors per group.

* :func:`bootstrap_ci` -- how uncertain a mean (or any statistic) of a few hundred test errors is;
* :func:`group_errors` -- the mean error for each group of test examples (e.g. by age band or gender), with the
  number of examples and a bootstrap interval, ready for :func:`text_table` or :func:`nnbook.plots.group_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


def bootstrap_ci(values: np.ndarray, statistic: Callable[[np.ndarray], float] = np.mean, *, level: float = 0.95,
                 n_resamples: int = 2_000, seed: int = 0) -> tuple[float, float]:  # fmt: skip
    """Return the percentile bootstrap interval ``(low, high)`` of ``statistic(values)``.

    The values are resampled with replacement ``n_resamples`` times; the interval holds the middle ``level`` of
    the resampled statistics. It says how much the figure could move with another test set of the same size.

    Raises:
        ValueError: if ``values`` is empty or ``level`` is not between 0 and 1.
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError("bootstrap_ci needs at least one value; this group is empty.")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), got {level}.")
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, values.size, size=(n_resamples, values.size))
    if statistic is np.mean:  # the common case, vectorised
        stats = values[samples].mean(axis=1)
    else:
        stats = np.array([statistic(values[row]) for row in samples])
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(stats, [tail, 100 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class GroupError:
    """One group's error: its name, number of examples, mean error and bootstrap interval ``(low, high)``."""

    attribute: str
    group: str
    count: int
    mean: float
    low: float
    high: float


def group_errors(errors: np.ndarray, groups: np.ndarray, names: Sequence[str], *, attribute: str = "group",
                 level: float = 0.95, seed: int = 0) -> list[GroupError]:  # fmt: skip
    """Return one :class:`GroupError` per group index ``0..len(names)-1`` that has examples.

    ``errors`` (N,) are per-example errors (absolute errors in years, or 0/1 for wrong/right); ``groups`` (N,)
    are integer group indices into ``names``. Empty groups are left out (there is nothing to measure).
    """
    errors = np.asarray(errors, dtype=np.float64).reshape(-1)
    groups = np.asarray(groups).reshape(-1)
    if errors.shape != groups.shape:
        raise ValueError(f"errors {errors.shape} and groups {groups.shape} must have the same length.")
    rows = []
    for index, name in enumerate(names):
        chosen = errors[groups == index]
        if chosen.size == 0:
            continue
        low, high = bootstrap_ci(chosen, level=level, seed=seed)
        rows.append(GroupError(attribute, str(name), int(chosen.size), float(chosen.mean()), low, high))
    return rows


def text_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Return rows as an aligned plain-text table (numbers right-aligned, text left-aligned)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in cells[1:]) for i in range(len(headers))]
    lines = []
    for r, row in enumerate(cells):
        parts = [c.rjust(w) if numeric[i] else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(parts).rstrip())
        if r == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").replace("%", "").replace("±", ""))
    except ValueError:
        return False
    return True
