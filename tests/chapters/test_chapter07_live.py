"""Chapter 7's upload control and learning-rate explorer, driven in the notebook's own kernel.

The notebook runs (quick mode) up to its cell tagged ``sliders``; the tests then upload a real UTKFace photo and
broken files through the real widget, move the explorer's controls, retrain a run, and read the website versions.
"""

from __future__ import annotations

import json
import re

import pytest

from notebook_kernel import PNG_DIGEST, run_until
from recorded_explorer_checks import explorer_data

NOTEBOOK = "chapters/07_age/age.ipynb"

# Runs in the kernel: helpers that return plain JSON for the test to compare.
HELPERS = """
import datetime, json

def _upload(name, content):
    # Upload through the FileUpload widget itself (ipywidgets 8 format), as a reader's browser would.
    upload.upload.value = ({"name": name, "type": "", "size": len(content), "content": memoryview(content),
                            "last_modified": datetime.datetime.now(datetime.timezone.utc)},)
    return {"shown": list(upload.shown), "messages": list(upload.messages),
            "titles": [ax.get_title() for ax in upload.figure.axes] if upload.figure is not None else [],
            "png": _png(upload.figure) if upload.figure is not None else None}

def _sliders():
    return {"draws": sliders.draws, "retrains": sliders.retrains, "png": _png(sliders.figure),
            "setting": list(sliders.setting), "epochs": sliders.epochs.value,
            "lengths": {str(k[0]): len(v["loss"]) for k, v in sliders.runs.items()}}

FACE = (faces.folder / faces.files[val[5]]).read_bytes()
"""


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "sliders", timeout=600)
    live.run(PNG_DIGEST + HELPERS)
    yield live
    live.close()


def call(notebook, code: str):
    return json.loads(notebook.run(f"print(json.dumps({code}))"))


def test_a_real_face_is_shown_with_bands_and_a_number(notebook):
    state = call(notebook, '_upload("me.jpg", FACE)')
    assert state["shown"][-1] == "me.jpg" and state["messages"] == []
    title = " ".join(state["titles"])
    assert "as the network sees it" in title
    assert re.search(r"age as a number: -?\d+ years", title)
    assert (
        len(re.findall(r"(<=\d+|>90) \d+%", title)) == 3
    )  # the top three bands with their probabilities
    probabilities = call(
        notebook,
        "age_model.predict(images.to_model_input(FACE, spec.size, spec.color), "
        "verbose=0)[0].tolist()",
    )
    assert len(probabilities) == 10 and sum(probabilities) == pytest.approx(
        1, abs=1e-4
    )


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("empty.jpg", "b''", "is empty"),
        ("notes.txt", "b'hello, not a photo'", "not an image file"),
        ("cut.jpg", "FACE[:400]", "truncated or corrupt"),
    ],
)
def test_bad_files_get_one_line_and_the_button_keeps_working(
    notebook, name, content, words
):
    before = call(notebook, "len(upload.messages)")
    state = call(notebook, f'_upload("{name}", {content})')
    assert len(state["messages"]) == before + 1
    message = state["messages"][-1]
    assert name in message and words in message and "\n" not in message
    assert name not in state["shown"]
    after = call(notebook, '_upload("again.jpg", FACE)')
    assert after["shown"][-1] == "again.jpg"


def test_the_website_upload_shows_three_example_faces(notebook):
    cell = next(
        c
        for c in notebook.notebook.cells
        if "upload" in c.get("metadata", {}).get("tags", [])
    )
    page = next(
        out["data"]["text/html"]
        for out in cell.outputs
        if "text/html" in out.get("data", {})
    )
    page = "".join(page)
    assert 'class="nnbook-upload' in page
    assert page.count("<img data-example") == 3
    assert (
        len(set(re.findall(r'src="(data:image/png;base64,[^"]+)"', page))) == 3
    )


def test_learning_rate_and_epochs_redraw(notebook):
    before = call(notebook, "_sliders()")
    assert before["setting"] == [0.001]
    assert set(before["lengths"]) == {"0.0003", "0.001", "0.003"}
    notebook.run("sliders.controls['learning rate'].value = 0.003")
    moved = call(notebook, "_sliders()")
    assert (
        moved["draws"] == before["draws"] + 1 and moved["png"] != before["png"]
    )
    notebook.run("sliders.epochs.value = 2")
    scrubbed = call(notebook, "_sliders()")
    assert (
        scrubbed["draws"] == moved["draws"] + 1
        and scrubbed["png"] != moved["png"]
    )


def test_retrain_trains_the_chosen_setting_live(notebook):
    notebook.run(
        "sliders.controls['learning rate'].value = 0.0003\nsliders.epochs.value = 1"
    )
    before = call(notebook, "_sliders()")
    notebook.run("sliders.button.click()")
    after = call(notebook, "_sliders()")
    assert after["retrains"] == before["retrains"] + 1
    assert after["lengths"]["0.0003"] == 1 and after["png"] != before["png"]


def test_the_website_explorer_holds_the_three_recorded_runs(notebook):
    cell = next(
        c
        for c in notebook.notebook.cells
        if "sliders" in c.get("metadata", {}).get("tags", [])
    )
    page = "".join(
        next(
            out["data"]["text/html"]
            for out in cell.outputs
            if "text/html" in out.get("data", {})
        )
    )
    assert (
        'class="nnbook-explorer"' in page
        and "data-picture" in page
        and "data-param" in page
    )
    data = explorer_data(page)
    assert set(data["runs"]) == {"0.0003", "0.001", "0.003"}
    assert all(
        len(run["val_accuracy"]) == len(run["accuracy"]) > 1
        for run in data["runs"].values()
    )


def test_both_age_models_are_saved_and_load_back_with_their_bands(notebook):
    """Section 8 saves ``age_10`` (10-year bands) and ``age_5`` (our 19 five-year bands) for the model web."""
    saved = call(
        notebook,
        '{name: models.load(name)[1].class_names for name in ("age_10", "age_5")}',
    )
    assert (
        saved["age_10"] == call(notebook, "BANDS_10")
        and len(saved["age_10"]) == 10
    )
    assert (
        saved["age_5"] == call(notebook, "BANDS_5")
        and len(saved["age_5"]) == 19
    )
    shapes = call(
        notebook,
        '[list(models.load(n)[0].output_shape) for n in ("age_10", "age_5")]',
    )
    assert shapes == [[None, 10], [None, 19]]
