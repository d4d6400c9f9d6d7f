"""The gate contract: glued values read back from an executed notebook, and floors that fail a broken run."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

import nnbook
from glued import floor_failures, glued
from nnbook.glue import GLUE_PREFIX, plain


def executed_with(values: dict, monkeypatch) -> nbformat.NotebookNode:
    """An executed notebook whose one code cell glued ``values`` exactly as ``nnbook.glue`` writes them."""
    shell = InteractiveShell.instance()
    outputs = []

    def publish(data, metadata=None, **kwargs):
        outputs.append(
            nbformat.v4.new_output(
                "display_data", data=data, metadata=metadata or {}
            )
        )

    monkeypatch.setattr(shell.display_pub, "publish", publish)
    for name, value in values.items():
        nnbook.glue(name, value)
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = outputs
    return nbformat.v4.new_notebook(cells=[cell])


def test_glue_writes_what_myst_nb_reads_and_numbers_stay_numbers(monkeypatch):
    notebook = executed_with(
        {
            "accuracy": np.float32(0.875),
            "epochs": np.int64(12),
            "winner": "Conv",
        },
        monkeypatch,
    )
    output = notebook.cells[0].outputs[0]
    assert output.metadata["scrapbook"] == {
        "name": "accuracy",
        "mime_prefix": GLUE_PREFIX,
    }
    assert output.data[GLUE_PREFIX + "text/plain"] == "0.875"
    assert glued(notebook) == {
        "accuracy": 0.875,
        "epochs": 12,
        "winner": "Conv",
    }
    assert type(plain(np.float64(0.5))) is float and plain(True) is True


def test_glue_refuses_a_name_the_roles_cannot_reach():
    with pytest.raises(ValueError, match="not valid"):
        nnbook.glue("test accuracy", 0.5)


def test_a_broken_run_fails_its_floors(monkeypatch):
    """A deliberately broken run (accuracy at chance, a value never glued) is caught; a good one passes."""
    floors = {"accuracy": 0.80, "top5": 0.15}
    good = glued(executed_with({"accuracy": 0.83, "top5": 0.21}, monkeypatch))
    broken = glued(executed_with({"accuracy": 0.50}, monkeypatch))
    assert floor_failures(good, floors) == []
    problems = floor_failures(broken, floors)
    assert any(
        "accuracy: 0.5 is below its floor 0.8" in line for line in problems
    )
    assert any("top5: not glued" in line for line in problems)
    assert floor_failures({"accuracy": "high"}, {"accuracy": 0.5}) == [
        "accuracy: glued 'high', not a number"
    ]
    json.dumps(problems)
