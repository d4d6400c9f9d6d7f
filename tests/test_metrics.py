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
    assert high_l - low_l == pytest.approx(2 * 1.96 * 2 / np.sqrt(5_000), rel=0.2)


def test_bootstrap_ci_other_statistic_and_errors():
    assert metrics.bootstrap_ci(np.ones(10), np.median) == (1.0, 1.0)
    with pytest.raises(ValueError, match="empty"):
        metrics.bootstrap_ci(np.array([]))
    with pytest.raises(ValueError, match="level"):
        metrics.bootstrap_ci(np.ones(3), level=95)


def test_group_errors_counts_means_and_skips_empty_groups():
    errors = np.array([1.0, 3.0, 10.0, 10.0, 10.0])
    groups = np.array([0, 0, 2, 2, 2])
    rows = metrics.group_errors(errors, groups, ["a", "b", "c"], attribute="letter")
    assert [(r.group, r.count, r.mean) for r in rows] == [("a", 2, 2.0), ("c", 3, 10.0)]
    assert rows[0].low <= 2.0 <= rows[0].high and rows[1].low == rows[1].high == 10.0
    assert rows[0].attribute == "letter"
    with pytest.raises(ValueError, match="same length"):
        metrics.group_errors(errors, groups[:2], ["a"])


def test_text_table_aligns_columns():
    table = metrics.text_table(["group", "n", "error"], [["women", 12, "3.5"], ["men", 130, "10.25"]])
    lines = table.splitlines()
    assert lines[0].startswith("group") and set(lines[1]) <= {"-", " "}
    assert lines[2].endswith("  3.5") and lines[3].endswith("10.25")
    assert len({len(line) for line in lines[2:]}) == 1
