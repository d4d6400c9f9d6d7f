"""Measuring a model beyond one accuracy figure: bootstrap confidence intervals
and errors per group.

* :func:`bootstrap_ci` -- how uncertain a mean (or any statistic) of a few
  hundred test errors is;
* :func:`paired_comparison` -- whether model A beats model B on the *same* test
  examples: the gap with a paired bootstrap interval and McNemar's exact test
  (the lesson contract of the chapters: a gap is a lesson only when its
  interval clears zero);
* :func:`seed_spread` -- the mean and spread of one figure over several seeds;
* :func:`group_errors` -- the mean error for each group of test examples (e.g.
  by age band or gender), with the number of examples and a bootstrap interval,
  ready for :func:`text_table` or :func:`nnbook.plots.group_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


def bootstrap_ci(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], float] = np.mean,
    *,
    level: float = 0.95,
    n_resamples: int = 2_000,
    seed: int = 0,
) -> tuple[float, float]:
    """Return the percentile bootstrap interval ``(low, high)`` of
    ``statistic(values)``.

    The values are resampled with replacement ``n_resamples`` times; the
    interval holds the middle ``level`` of the resampled statistics. It says
    how much the figure could move with another test set of the same size.

    Raises:
        ValueError: if ``values`` is empty or ``level`` is not between 0 and 1.
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError(
            "bootstrap_ci needs at least one value; this group is empty."
        )
    if not 0 < level < 1:
        raise ValueError(
            f"level must be between 0 and 1 (e.g. 0.95), got {level}."
        )
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
class PairedComparison:
    """Model A against model B on the same ``n`` examples (A minus B; positive:
    A is better)."""

    # accuracy of A minus accuracy of B (for errors: B's minus A's, so positive
    # is still "A better")
    gap: float
    low: float  # paired bootstrap interval of the gap
    high: float
    # McNemar's exact two-sided test on the discordant pairs (for 0/1
    # correctness only; else nan)
    p_value: float
    n: int
    a_only: int  # examples only A got right (0/1 correctness); 0 for errors
    b_only: int

    @property
    def clear(self) -> bool:
        """True when the whole interval lies above zero: A beats B by more than
        the noise of these examples."""
        return self.low > 0

    def verdict(self, a: str, b: str, examples: str = "these examples") -> str:
        """Words for the comparison of ``a`` against ``b``: who won by more
        than the noise, or that ``examples`` cannot tell them apart."""
        if self.low > 0:
            return f"{a} is better than {b}, by more than the noise"
        if self.high < 0:
            return f"{b} is better than {a}, by more than the noise"
        return f"{examples} cannot tell {a} and {b} apart"

    def __str__(self) -> str:
        return (
            f"{self.gap:+.1%} (95 % interval {self.low:+.1%} to "
            f"{self.high:+.1%}, n = {self.n})"
        )


def _mcnemar_exact(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value: the discordant pairs under a fair
    coin."""
    from math import comb

    n = a_only + b_only
    if n == 0:
        return 1.0
    k = min(a_only, b_only)
    tail = sum(comb(n, i) for i in range(k + 1)) / 2**n
    return float(min(1.0, 2 * tail))


def paired_comparison(
    a: np.ndarray,
    b: np.ndarray,
    *,
    lower_is_better: bool = False,
    level: float = 0.95,
    n_resamples: int = 2_000,
    seed: int = 0,
) -> PairedComparison:
    """Compare two models on the same examples: ``a`` and ``b`` hold one score
    per example, in the same order.

    Scores are 0/1 correctness (or any per-example score, e.g. absolute errors
    with ``lower_is_better=True``). Each bootstrap resample draws the same
    examples for both models, so what the two share (easy and hard examples)
    cancels out: the interval is much narrower than two separate intervals
    would suggest.

    Raises:
        ValueError: if ``a`` and ``b`` differ in length or are empty.
    """
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    b = np.asarray(b, dtype=np.float64).reshape(-1)
    if a.size == 0 or a.shape != b.shape:
        raise ValueError(
            "paired_comparison needs two equal, non-empty lists of scores; "
            f"got {a.size} and {b.size}."
        )
    diff = (b - a) if lower_is_better else (a - b)
    low, high = bootstrap_ci(
        diff, level=level, n_resamples=n_resamples, seed=seed
    )
    binary = (
        bool(np.isin(a, (0, 1)).all() and np.isin(b, (0, 1)).all())
        and not lower_is_better
    )
    a_only = int(((a == 1) & (b == 0)).sum()) if binary else 0
    b_only = int(((a == 0) & (b == 1)).sum()) if binary else 0
    p_value = _mcnemar_exact(a_only, b_only) if binary else float("nan")
    return PairedComparison(
        gap=float(diff.mean()),
        low=low,
        high=high,
        p_value=p_value,
        n=int(a.size),
        a_only=a_only,
        b_only=b_only,
    )


@dataclass(frozen=True)
class SeedSpread:
    """One figure measured with several seeds."""

    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values))

    @property
    def spread(self) -> float:
        """The sample standard deviation (0 for a single seed)."""
        return (
            float(np.std(self.values, ddof=1)) if len(self.values) > 1 else 0.0
        )

    def __str__(self) -> str:
        return (
            f"{self.mean:.1%} ± {self.spread:.1%} ({len(self.values)} seeds)"
        )


def seed_spread(values: Sequence[float]) -> SeedSpread:
    """Return the :class:`SeedSpread` of one figure over several seeds (``str``
    gives "mean ± sd (k seeds)")."""
    values = tuple(float(v) for v in values)
    if not values:
        raise ValueError("seed_spread needs at least one value.")
    return SeedSpread(values)


@dataclass(frozen=True)
class GroupError:
    """One group's error: its name, number of examples, mean error and
    bootstrap interval ``(low, high)``."""

    attribute: str
    group: str
    count: int
    mean: float
    low: float
    high: float


def group_errors(
    errors: np.ndarray,
    groups: np.ndarray,
    names: Sequence[str],
    *,
    attribute: str = "group",
    level: float = 0.95,
    seed: int = 0,
) -> list[GroupError]:
    """Return one :class:`GroupError` per group index ``0..len(names)-1`` that
    has examples.

    ``errors`` (N,) are per-example errors (absolute errors in years, or 0/1
    for wrong/right); ``groups`` (N,) are integer group indices into ``names``.
    Empty groups are left out (there is nothing to measure).
    """
    errors = np.asarray(errors, dtype=np.float64).reshape(-1)
    groups = np.asarray(groups).reshape(-1)
    if errors.shape != groups.shape:
        raise ValueError(
            f"errors {errors.shape} and groups {groups.shape} must have the "
            "same length."
        )
    rows = []
    for index, name in enumerate(names):
        chosen = errors[groups == index]
        if chosen.size == 0:
            continue
        low, high = bootstrap_ci(chosen, level=level, seed=seed)
        rows.append(
            GroupError(
                attribute,
                str(name),
                int(chosen.size),
                float(chosen.mean()),
                low,
                high,
            )
        )
    return rows


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> str:
    """Return rows as an aligned plain-text table (numbers right-aligned, text
    left-aligned)."""
    cells = [[str(h) for h in headers]] + [
        [str(c) for c in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(_is_number(row[i]) for row in cells[1:])
        for i in range(len(headers))
    ]
    lines = []
    for r, row in enumerate(cells):
        parts = [
            c.rjust(w) if numeric[i] else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths))
        ]
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
