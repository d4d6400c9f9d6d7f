"""Chapter 4's learning-rate explorer and digit upload, driven in the notebook's own kernel.

The notebook runs (quick mode) up to its cell tagged ``upload``; the tests then move the recorded-runs explorer's
controls, retrain one setting live, and upload a real test digit and a file that is not an image.
"""

from __future__ import annotations

import json

import pytest

from notebook_kernel import run_until

NOTEBOOK = "chapters/04_image_classifiers/image_classifiers.ipynb"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "upload", timeout=600)
    yield live
    live.close()


def value(notebook, expression: str):
    return json.loads(notebook.run(f"print(json.dumps({expression}))"))


def test_explorer_holds_one_recorded_run_per_learning_rate(notebook):
    assert value(notebook, "sorted(k[0] for k in lr_explorer.runs)") == [1e-4, 1e-3, 1e-2]
    assert value(notebook, "[len(r['val_accuracy']) for r in lr_explorer.runs.values()]") == [10, 10, 10]
    assert value(notebook, "list(lr_explorer.setting)") == [1e-3]


def test_moving_the_controls_redraws_the_chosen_run(notebook):
    draws = value(notebook, "lr_explorer.draws")
    notebook.run("lr_explorer.controls['learning rate'].value = 0.01")
    notebook.run("lr_explorer.epochs.value = 3")
    assert value(notebook, "lr_explorer.draws") == draws + 2
    title = value(notebook, "lr_explorer.figure.axes[0].get_title()")
    assert "learning rate 0.01" in title
    # the solid curve stops at epoch 3: its last point is the 3rd validation accuracy of the 0.01 run
    legend = value(notebook, "[t.get_text() for t in lr_explorer.figure.axes[0].get_legend().get_texts()]")
    third = value(notebook, "lr_explorer.runs[(0.01,)]['val_accuracy'][2]")
    assert f"validation ({third:.3f})" in legend


def test_retrain_trains_the_chosen_setting_live(notebook):
    notebook.run("lr_explorer.controls['learning rate'].value = 0.001\nlr_explorer.epochs.value = 1")
    before = value(notebook, "lr_explorer.runs[(0.001,)]['val_accuracy']")
    notebook.run("lr_explorer.retrain()")
    after = value(notebook, "lr_explorer.runs[(0.001,)]['val_accuracy']")
    assert value(notebook, "lr_explorer.retrains") == 1
    assert len(before) == 10 and len(after) == 1 and 0.85 < after[0] < 1.0


def test_site_version_of_the_explorer_changes_picture_with_the_controls(notebook):
    page = notebook.run("print(lr_explorer.to_html())")
    assert 'class="nnbook-explorer"' in page and "data-param" in page and "data-epochs" in page
    assert "data-picture" in page
    for rate in ("0.0001", "0.001", "0.01"):    # every recorded run travels with the page
        assert f'"{rate}": {{"' in page


def test_upload_guesses_a_real_test_digit(notebook):
    message = value(notebook, "digit_upload.handle('seven.png', png_bytes(d_test_raw[0]))")
    assert message is None
    assert value(notebook, "digit_upload.shown[-1]") == "seven.png"
    assert value(notebook, "digit_upload.figure.axes[1].get_title()").startswith("guess: 7")


def test_upload_of_a_file_that_is_not_an_image_prints_one_line(notebook):
    message = value(notebook, "digit_upload.handle('notes.txt', b'not a picture')")
    assert message and "\n" not in message and "notes.txt" in message
    assert value(notebook, "digit_upload.handle('empty.png', b'')") == "'empty.png' is empty (0 bytes): choose a photo file."


def test_website_version_of_the_upload_shows_three_real_test_digits(notebook):
    page = notebook.run("print(digit_upload.to_html())")
    assert 'class="nnbook-upload"' in page
    assert page.count("<img data-example") == 3
    assert "test digit 3 on paper" in page
