"""Chapter 4's learning-rate explorer and digit upload, driven in the notebook's own kernel.

The notebook runs (quick mode) up to its cell tagged ``upload``; the tests then move the recorded-runs explorer's
controls, retrain one setting live, and upload a real test digit and files that are not images.
"""

from __future__ import annotations

import pytest

import recorded_explorer_checks as explorer
from notebook_kernel import run_until
from recorded_explorer_checks import value

NOTEBOOK = "chapters/04_image_classifiers/image_classifiers.ipynb"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "upload", timeout=600)
    yield live
    live.close()


def test_explorer_holds_one_recorded_run_per_learning_rate(notebook):
    explorer.one_run_per_learning_rate(notebook, epochs=10)


def test_moving_the_controls_redraws_the_chosen_run(notebook):
    explorer.controls_redraw_the_chosen_run(notebook, rate=0.01, epochs=3)


def test_retrain_trains_the_chosen_setting_live(notebook):
    (accuracy,) = explorer.retrain_replaces_the_run(notebook)
    assert 0.85 < accuracy < 1.0


def test_site_version_of_the_explorer_carries_every_run(notebook):
    explorer.site_version_carries_every_run(notebook)


def test_upload_guesses_a_real_test_digit(notebook):
    assert (
        value(
            notebook,
            "digit_upload.handle('seven.png', png_bytes(d_test_raw[0]))",
        )
        is None
    )
    assert value(notebook, "digit_upload.shown[-1]") == "seven.png"
    assert value(
        notebook, "digit_upload.figure.axes[1].get_title()"
    ).startswith("guess: 7")


def test_upload_of_a_file_that_is_not_an_image_prints_one_line(notebook):
    message = value(
        notebook, "digit_upload.handle('notes.txt', b'not a picture')"
    )
    assert message and "\n" not in message and "notes.txt" in message
    assert (
        value(notebook, "digit_upload.handle('empty.png', b'')")
        == "'empty.png' is empty (0 bytes): choose a photo file."
    )


def test_website_version_of_the_upload_shows_three_real_test_digits(notebook):
    page = notebook.run("print(digit_upload.to_html())")
    assert 'class="nnbook-upload' in page
    assert page.count("<img data-example") == 3
    assert "test digit 3 on paper" in page
