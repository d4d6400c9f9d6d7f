"""Checks shared by the chapters' explorers, in a notebook kept alive by :func:`notebook_kernel.run_until`.

* The kernel-free explorer a page carries (any chapter): :func:`tagged_html` finds the HTML the website shows for
  a tagged cell, :func:`explorer_data` reads the explorer's data from it, :func:`one_picture_per_frame` checks its
  precomputed frames.
* The learning-rate explorer ``lr_explorer`` (``nnbook.recorded``) of chapters 4, 5 and others: the other
  functions drive it.
"""

from __future__ import annotations

import json
import re

from notebook_kernel import LiveNotebook

LEARNING_RATES = [1e-4, 1e-3, 1e-2]


def tagged_html(notebook: LiveNotebook, tag: str) -> str:
    """The ``text/html`` output of the executed cell tagged ``tag`` (what the website shows for that cell)."""
    cell = next(
        c
        for c in notebook.notebook.cells
        if tag in c.get("metadata", {}).get("tags", [])
    )
    return next(
        out["data"]["text/html"]
        for out in cell.outputs
        if "text/html" in out.get("data", {})
    )


def explorer_data(page: str) -> dict:
    """The data a kernel-free explorer page carries (its script's ``const D = {...};``): frames or runs."""
    found = re.search(r"const D = (\{.*?\});\n", page)
    assert found, "the page carries no explorer data (const D = {...};)"
    return json.loads(found.group(1))


def one_picture_per_frame(frames: dict, expected: set[str]) -> None:
    """The explorer holds a frame for exactly the ``expected`` keys, each a PNG, every one a different picture."""
    assert set(frames) == expected
    assert all(
        uri.startswith("data:image/png;base64,") for uri in frames.values()
    )
    assert len(set(frames.values())) == len(frames)


def value(notebook: LiveNotebook, expression: str):
    """Evaluate ``expression`` in the notebook's kernel and return it (it must be JSON-serialisable)."""
    return json.loads(
        notebook.run(f"import json\nprint(json.dumps({expression}))")
    )


def one_run_per_learning_rate(notebook: LiveNotebook, epochs: int) -> None:
    assert (
        value(notebook, "sorted(k[0] for k in lr_explorer.runs)")
        == LEARNING_RATES
    )
    assert (
        value(
            notebook,
            "[len(r['val_accuracy']) for r in lr_explorer.runs.values()]",
        )
        == [epochs] * 3
    )
    assert value(notebook, "list(lr_explorer.setting)") == [1e-3]


def controls_redraw_the_chosen_run(
    notebook: LiveNotebook, rate: float, epochs: int
) -> None:
    draws = value(notebook, "lr_explorer.draws")
    notebook.run(f"lr_explorer.controls['learning rate'].value = {rate!r}")
    notebook.run(f"lr_explorer.epochs.value = {epochs}")
    assert value(notebook, "lr_explorer.draws") == draws + 2
    assert f"learning rate {rate}" in value(
        notebook, "lr_explorer.figure.axes[0].get_title()"
    )
    # the solid curve stops at the chosen epoch: the legend quotes that epoch's validation accuracy
    legend = value(
        notebook,
        "[t.get_text() for t in lr_explorer.figure.axes[0].get_legend().get_texts()]",
    )
    shown = value(
        notebook,
        f"lr_explorer.runs[({rate!r},)]['val_accuracy'][{epochs - 1}]",
    )
    assert f"validation ({shown:.3f})" in legend


def retrain_replaces_the_run(notebook: LiveNotebook) -> list[float]:
    """Retrain 0.001 for one epoch; return the new run's validation accuracy."""
    notebook.run(
        "lr_explorer.controls['learning rate'].value = 0.001\nlr_explorer.epochs.value = 1"
    )
    retrains = value(notebook, "lr_explorer.retrains")
    notebook.run("lr_explorer.retrain()")
    assert value(notebook, "lr_explorer.retrains") == retrains + 1
    after = value(notebook, "lr_explorer.runs[(0.001,)]['val_accuracy']")
    assert len(after) == 1
    return after


def site_version_carries_every_run(notebook: LiveNotebook) -> None:
    page = notebook.run("print(lr_explorer.to_html())")
    assert (
        'class="nnbook-explorer"' in page
        and "data-param" in page
        and "data-epochs" in page
    )
    assert "<svg data-picture" in page
    for rate in ("0.0001", "0.001", "0.01"):
        assert f'"{rate}": {{"' in page
