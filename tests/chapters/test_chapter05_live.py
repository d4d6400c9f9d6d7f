"""Chapter 5's learning-rate explorer over recorded CNN runs, driven in the notebook's own kernel.

The notebook runs (quick mode) up to its cell tagged ``sliders``; the tests move the explorer's controls and
retrain one setting live for one epoch.
"""

from __future__ import annotations

import pytest

import recorded_explorer_checks as explorer
from notebook_kernel import run_until

NOTEBOOK = "chapters/05_convolutions/convolutions.ipynb"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "sliders", timeout=600)
    yield live
    live.close()


def test_explorer_holds_one_recorded_run_per_learning_rate(notebook):
    explorer.one_run_per_learning_rate(notebook, epochs=10)


def test_moving_the_controls_redraws_the_chosen_run(notebook):
    explorer.controls_redraw_the_chosen_run(notebook, rate=0.0001, epochs=4)


def test_retrain_trains_the_chosen_setting_live(notebook):
    (accuracy,) = explorer.retrain_replaces_the_run(notebook)
    assert 0.1 < accuracy < 0.8


def test_site_version_draws_without_a_kernel(notebook):
    explorer.site_version_carries_every_run(notebook)
