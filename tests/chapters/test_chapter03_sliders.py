"""Chapter 3's sliders, driven in the notebook's own kernel: each control retrains the network and redraws.

The notebook runs (quick mode) up to its cell tagged ``sliders``; the tests then move the real widget's
learning rate, epochs and dataset controls and inspect what changed.
"""

from __future__ import annotations

import json

import pytest

from notebook_kernel import run_until
from recorded_explorer_checks import (
    explorer_data,
    one_picture_per_frame,
    tagged_html,
)

NOTEBOOK = "chapters/03_binary_classification/binary_classification.ipynb"

# Runs in the kernel: a fingerprint of the current run (plain JSON for the test to compare).
STATE = """
import hashlib, io, json
import matplotlib.collections

def _fingerprint():
    buffer = io.BytesIO()
    sliders.figure.savefig(buffer, format="png", dpi=40)
    points = np.concatenate([c.get_offsets() for c in sliders.figure.axes[0].collections
                             if isinstance(c, matplotlib.collections.PathCollection)])
    return {
        "runs": sliders.runs,
        "learning_rate": float(sliders.model.optimizer.learning_rate),
        "epochs": len(sliders.history.history["loss"]),
        "weights": float(sum(np.abs(w).sum() for w in sliders.model.get_weights())),
        "figure_id": id(sliders.figure),
        "png": hashlib.sha256(buffer.getvalue()).hexdigest(),
        "points": sorted(map(tuple, np.round(points, 4).tolist())),
    }
"""


@pytest.fixture(scope="module")
def notebook():
    live = run_until(
        NOTEBOOK, "sliders", timeout=600
    )  # per cell: the paper's mini-batch run is slow on a busy CPU
    live.run(STATE)
    yield live
    live.close()


def state(notebook) -> dict:
    return json.loads(notebook.run("print(json.dumps(_fingerprint()))"))


def points_of(notebook, name: str) -> list:
    code = f"print(json.dumps(sorted(map(tuple, np.round(DATASETS[{name!r}][0].astype('float64'), 4).tolist()))))"
    return json.loads(notebook.run(code))


def assert_retrained_and_redrawn(before: dict, after: dict) -> None:
    assert after["runs"] == before["runs"] + 1
    assert after["weights"] != before["weights"]
    assert after["figure_id"] != before["figure_id"]
    assert after["png"] != before["png"]


def test_learning_rate_slider_retrains(notebook):
    before = state(notebook)
    notebook.run("sliders.learning_rate.value = 0.05")
    after = state(notebook)
    assert_retrained_and_redrawn(before, after)
    assert after["learning_rate"] == pytest.approx(0.05, rel=1e-6)
    assert after["epochs"] == before["epochs"]


def test_epochs_slider_retrains(notebook):
    before = state(notebook)
    notebook.run("sliders.epochs.value = 300")
    after = state(notebook)
    assert_retrained_and_redrawn(before, after)
    assert after["epochs"] == 300
    assert after["learning_rate"] == pytest.approx(before["learning_rate"])


def test_dataset_menu_retrains_on_the_other_data(notebook):
    before = state(notebook)
    assert before["points"] == points_of(notebook, "circles")
    notebook.run('sliders.dataset.value = "blobs"')
    after = state(notebook)
    assert_retrained_and_redrawn(before, after)
    assert after["points"] == points_of(notebook, "blobs")


def test_static_explorer_has_one_frame_per_dataset_learning_rate_and_epochs(
    notebook,
):
    frames = explorer_data(tagged_html(notebook, "sliders"))["frames"]
    # The learning rates the chapter's text suggests trying (0.0001 and 1.0 included) are all on the site.
    expected = {
        f"{name}|{lr}|{epochs}"
        for name in ("circles", "blobs")
        for lr in (0.0001, 0.001, 0.01, 0.1, 1.0)
        for epochs in (20, 100, 500)
    }
    one_picture_per_frame(frames, expected)  # every run drew its own picture
