"""Chapter 9's explorer, driven in the notebook's own kernel: four controls redraw, retrain trains live.

The notebook runs (quick mode) up to its cell tagged ``explorer``, which trains the 12 runs of the grid; the tests
then move the real widget's model, augmentation, learning-rate and epochs controls, press retrain, and read the
kernel-free page the cell produced.
"""

from __future__ import annotations

import json
import re

import pytest

from notebook_kernel import run_until
from recorded_explorer_checks import explorer_data, tagged_html

NOTEBOOK = "chapters/09_results/results.ipynb"

STATE = """
import hashlib, io, json

def _fingerprint():
    buffer = io.BytesIO()
    explorer.figure.savefig(buffer, format="png", dpi=40)
    return {"draws": explorer.draws, "retrains": explorer.retrains, "setting": list(map(str, explorer.setting)),
            "epochs": explorer.epochs.value, "png": hashlib.sha256(buffer.getvalue()).hexdigest(),
            "lengths": {"|".join(map(str, k)): len(v["accuracy"]) for k, v in explorer.runs.items()}}
"""


@pytest.fixture(scope="module")
def notebook():
    live = run_until(
        NOTEBOOK, "explorer", timeout=1800
    )  # per cell; the 12 runs take ~1 min on an idle machine
    live.run(STATE)
    yield live
    live.close()


def state(notebook) -> dict:
    return json.loads(notebook.run("print(json.dumps(_fingerprint()))"))


def test_the_explorer_has_the_four_controls_over_all_twelve_runs(notebook):
    info = json.loads(
        notebook.run(
            "print(json.dumps({'controls': list(explorer.controls), 'max': explorer.epochs.max, 'epochs': EPOCHS, "
            "'runs': len(explorer.runs), 'retrain': explorer.retrain_fn is train_run}))"
        )
    )
    assert info["controls"] == ["model", "augmentation", "learning rate"]
    assert info["max"] == info["epochs"]
    assert info["runs"] == 12
    assert info["retrain"]


@pytest.mark.parametrize(
    "code",
    [
        'explorer.controls["model"].value = "Dense"',
        'explorer.controls["augmentation"].value = "on"',
        'explorer.controls["learning rate"].value = 0.01',
        "explorer.epochs.value = 3",
    ],
)
def test_every_control_redraws_the_curves(notebook, code):
    before = state(notebook)
    notebook.run(code)
    after = state(notebook)
    assert after["draws"] == before["draws"] + 1
    assert after["png"] != before["png"]


def test_retrain_replaces_the_chosen_run_with_a_live_one(notebook):
    notebook.run(
        'explorer.controls["model"].value = "Dense"\nexplorer.controls["augmentation"].value = "off"\n'
        'explorer.controls["learning rate"].value = 0.001\nexplorer.epochs.value = 2'
    )
    before = state(notebook)
    notebook.run("explorer.retrain()")
    after = state(notebook)
    assert after["retrains"] == before["retrains"] + 1
    assert (
        after["lengths"]["Dense|off|0.001"] == 2
    )  # the live run trained for the slider's 2 epochs
    assert before["lengths"]["Dense|off|0.001"] > 2
    assert after["png"] != before["png"]


def test_the_page_explorer_carries_every_run_and_the_four_controls(notebook):
    page = tagged_html(notebook, "explorer")
    assert 'class="nnbook-explorer"' in page
    assert (
        len(re.findall(r"data-param=", page)) == 3
        and "data-epochs" in page
        and "data-picture" in page
    )
    data = explorer_data(page)
    assert data["names"] == ["model", "augmentation", "learning rate"]
    assert len(data["runs"]) == 12
    assert {len(run["val_accuracy"]) for run in data["runs"].values()} == {
        int(notebook.run("print(EPOCHS)"))
    }
