"""nnbook.metrics: bootstrap intervals cover the truth, group tables count and average correctly."""

from __future__ import annotations

import numpy as np
import pytest

from nnbook import metrics


def test_bootstrap_ci_brackets_the_mean_and_shrinks_with_more_data():
    rng = np.random.default_rng(1)
    small = rng.normal(10, 2, 50)
    large = rng.normal(10, 2, 5_000)
    low_s, high_s = metrics.bootstrap_ci(small)
    low_l, high_l = metrics.bootstrap_ci(large)
    assert low_s < small.mean() < high_s and low_l < large.mean() < high_l
    assert (high_l - low_l) < (high_s - low_s) / 5
    # about 2 standard errors wide on each side
    assert high_l - low_l == pytest.approx(
        2 * 1.96 * 2 / np.sqrt(5_000), rel=0.2
    )


def test_bootstrap_ci_other_statistic_and_errors():
    assert metrics.bootstrap_ci(np.ones(10), np.median) == (1.0, 1.0)
    with pytest.raises(ValueError, match="empty"):
        metrics.bootstrap_ci(np.array([]))
    with pytest.raises(ValueError, match="level"):
        metrics.bootstrap_ci(np.ones(3), level=95)


def test_group_errors_counts_means_and_skips_empty_groups():
    errors = np.array([1.0, 3.0, 10.0, 10.0, 10.0])
    groups = np.array([0, 0, 2, 2, 2])
    rows = metrics.group_errors(
        errors, groups, ["a", "b", "c"], attribute="letter"
    )
    assert [(r.group, r.count, r.mean) for r in rows] == [
        ("a", 2, 2.0),
        ("c", 3, 10.0),
    ]
    assert (
        rows[0].low <= 2.0 <= rows[0].high
        and rows[1].low == rows[1].high == 10.0
    )
    assert rows[0].attribute == "letter"
    with pytest.raises(ValueError, match="same length"):
        metrics.group_errors(errors, groups[:2], ["a"])


def test_text_table_aligns_columns():
    table = metrics.text_table(
        ["group", "n", "error"], [["women", 12, "3.5"], ["men", 130, "10.25"]]
    )
    lines = table.splitlines()
    assert lines[0].startswith("group") and set(lines[1]) <= {"-", " "}
    assert lines[2].endswith("  3.5") and lines[3].endswith("10.25")
    assert len({len(line) for line in lines[2:]}) == 1


def test_paired_comparison_sees_a_real_gap_that_two_separate_intervals_would_hide():
    from nnbook.metrics import paired_comparison

    rng = np.random.default_rng(0)
    b = (rng.random(500) < 0.70).astype(int)
    a = b.copy()
    flip = np.flatnonzero(b == 0)[
        :25
    ]  # A fixes 25 of B's mistakes and breaks none: +5 points
    a[flip] = 1
    result = paired_comparison(a, b)
    assert abs(result.gap - 0.05) < 1e-9 and result.clear and result.low > 0.02
    assert (result.a_only, result.b_only, result.n) == (
        25,
        0,
        500,
    ) and result.p_value < 1e-6
    same = paired_comparison(b, b)
    assert same.gap == 0 and not same.clear and same.p_value == 1.0
    errors = paired_comparison(
        np.full(50, 3.0), np.full(50, 5.0), lower_is_better=True
    )
    assert errors.gap == 2.0 and errors.clear and np.isnan(errors.p_value)
    assert "+5.0%" in str(result)
    with pytest.raises(ValueError, match="equal"):
        paired_comparison([1, 0], [1])


def test_seed_spread_reports_mean_and_sample_sd():
    from nnbook.metrics import seed_spread

    spread = seed_spread([0.80, 0.82, 0.84])
    assert (
        abs(spread.mean - 0.82) < 1e-12 and abs(spread.spread - 0.02) < 1e-12
    )
    assert str(spread) == "82.0% ± 2.0% (3 seeds)"
    assert seed_spread([0.5]).spread == 0.0


def test_verdict_names_the_winner_only_when_the_interval_clears_zero():
    better = np.r_[np.ones(300), np.zeros(100)]
    worse = np.r_[np.zeros(200), np.ones(100), np.zeros(100)]
    up = metrics.paired_comparison(better, worse)
    down = metrics.paired_comparison(worse, better)
    tie = metrics.paired_comparison(better, better[::-1])
    assert up.verdict("A", "B") == "A is better than B, by more than the noise"
    assert down.verdict("A", "B") == "B is better than A, by more than the noise"
    assert tie.low < 0 < tie.high
    assert tie.verdict("A", "B", "these faces") == (
        "these faces cannot tell A and B apart"
    )
