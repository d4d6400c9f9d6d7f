"""Chapter 2's learning-rate and epochs sliders, driven in a real kernel: moving them retrains and redraws,
and the website's kernel-free explorer holds one precomputed frame per (learning rate, epochs) pair."""

from __future__ import annotations

import itertools
import json
import os

import pytest

from notebook_kernel import run_until
from recorded_explorer_checks import (
    explorer_data,
    one_picture_per_frame,
    tagged_html,
)

NOTEBOOK = "chapters/02_perceptron/perceptron.ipynb"


@pytest.fixture(scope="module")
def live():
    os.environ.setdefault("NNBOOK_MODE", "quick")  # the kernel inherits it
    notebook = run_until(NOTEBOOK, "sliders")
    yield notebook
    notebook.close()


def _facts(live, code: str) -> dict:
    """Run ``code`` in the kernel; it must print one JSON line, returned as a dict."""
    return json.loads(live.run(code).strip().splitlines()[-1])


def test_sliders_start_from_one_run(live):
    facts = _facts(
        live,
        """
import json
print(json.dumps({"runs": sliders.runs, "lr": sliders.learning_rate.value, "epochs": sliders.epochs.value,
                  "history": len(sliders.history.history["loss"]), "has_figure": sliders.figure is not None}))
""",
    )
    assert facts == {
        "runs": 1,
        "lr": pytest.approx(0.01),
        "epochs": 1000,
        "history": 1000,
        "has_figure": True,
    }


def test_moving_the_sliders_retrains_and_redraws(live):
    facts = _facts(
        live,
        """
import json
import numpy as np

before_runs, before_figure = sliders.runs, sliders.figure
before_weights = np.concatenate([p.ravel() for p in sliders.model.get_weights()])
before_line = sliders.figure.axes[1].lines[0].get_ydata().copy()
before_loss = sliders.figure.axes[0].lines[0].get_ydata().copy()

sliders.learning_rate.value = 0.1
sliders.epochs.value = 200

after_weights = np.concatenate([p.ravel() for p in sliders.model.get_weights()])
after_line = sliders.figure.axes[1].lines[0].get_ydata()
after_loss = sliders.figure.axes[0].lines[0].get_ydata()
print(json.dumps({
    "new_runs": sliders.runs - before_runs,
    "optimizer_lr": float(np.asarray(sliders.model.optimizer.learning_rate)),
    "slider_lr": sliders.learning_rate.value,
    "history_epochs": len(sliders.history.history["loss"]),
    "weights_changed": bool(not np.allclose(before_weights, after_weights)),
    "new_figure": sliders.figure is not before_figure,
    "line_changed": bool(not np.allclose(before_line, after_line)),
    "loss_points": [len(before_loss), len(after_loss)],
}))
""",
    )
    assert facts["new_runs"] == 2  # one retrain per slider moved
    assert facts["slider_lr"] == pytest.approx(0.1)
    assert facts["optimizer_lr"] == pytest.approx(0.1, rel=1e-6)
    assert facts["history_epochs"] == 200
    assert facts["weights_changed"]
    assert facts["new_figure"]
    assert facts["line_changed"]
    assert facts["loss_points"] == [1000, 200]


def test_static_explorer_has_one_frame_per_combination(live):
    grid = _facts(
        live,
        """
import json
print(json.dumps({"lrs": sliders.static_learning_rates, "epochs": sliders.static_epochs}))
""",
    )
    frames = explorer_data(tagged_html(live, "sliders"))["frames"]
    expected = {
        f"{lr}|{epochs}"
        for lr, epochs in itertools.product(grid["lrs"], grid["epochs"])
    }
    assert len(expected) == len(grid["lrs"]) * len(grid["epochs"]) >= 9
    one_picture_per_frame(frames, expected)
