"""Chapter 5's learning-rate explorer over recorded CNN runs, driven in the notebook's own kernel.

The notebook runs (quick mode) up to its cell tagged ``sliders``; the tests move the explorer's controls and
retrain one setting live for one epoch.
"""

from __future__ import annotations

import json

import pytest

from notebook_kernel import run_until

NOTEBOOK = "chapters/05_convolutions/convolutions.ipynb"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "sliders", timeout=600)
    yield live
    live.close()


def value(notebook, expression: str):
    return json.loads(notebook.run(f"print(json.dumps({expression}))"))


def test_explorer_holds_one_recorded_run_per_learning_rate(notebook):
    assert value(notebook, "sorted(k[0] for k in lr_explorer.runs)") == [1e-4, 1e-3, 1e-2]
    assert value(notebook, "[len(r['val_accuracy']) for r in lr_explorer.runs.values()]") == [10, 10, 10]


def test_moving_the_controls_redraws_the_chosen_run(notebook):
    draws = value(notebook, "lr_explorer.draws")
    notebook.run("lr_explorer.controls['learning rate'].value = 0.0001")
    notebook.run("lr_explorer.epochs.value = 4")
    assert value(notebook, "lr_explorer.draws") == draws + 2
    assert "learning rate 0.0001" in value(notebook, "lr_explorer.figure.axes[0].get_title()")
    legend = value(notebook, "[t.get_text() for t in lr_explorer.figure.axes[0].get_legend().get_texts()]")
    fourth = value(notebook, "lr_explorer.runs[(0.0001,)]['val_accuracy'][3]")
    assert f"validation ({fourth:.3f})" in legend


def test_retrain_trains_the_chosen_setting_live(notebook):
    notebook.run("lr_explorer.controls['learning rate'].value = 0.001\nlr_explorer.epochs.value = 1")
    notebook.run("lr_explorer.retrain()")
    after = value(notebook, "lr_explorer.runs[(0.001,)]")
    assert value(notebook, "lr_explorer.retrains") == 1
    assert len(after["val_accuracy"]) == 1 and 0.1 < after["val_accuracy"][0] < 0.8


def test_site_version_draws_without_a_kernel(notebook):
    page = notebook.run("print(lr_explorer.to_html())")
    assert 'class="nnbook-explorer"' in page and "data-param" in page and "data-epochs" in page
    assert "<svg data-picture" in page
