"""Chapter 6 in a real kernel: the photo upload (a real photo and every kind of bad file), the recorded-runs
sliders (the paper's Conv with and without augmentation) with their retrain button, and the saved model reloaded
outside the notebook.

The notebook runs (quick mode) up to its cell tagged ``upload``, which comes after the sliders and after the model
is saved; the tests then drive the live widgets and inspect what changed.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from notebook_kernel import REPO, run_until
from recorded_explorer_checks import explorer_data

NOTEBOOK = "chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb"
MODELS = REPO / "chapters" / "06_cats_vs_dogs" / "models"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(
        NOTEBOOK, "upload", timeout=1800
    )  # per cell: generous for a loaded machine
    live.run(
        "import json, hashlib, io, datetime\n_now = datetime.datetime.now(datetime.timezone.utc)"
    )
    yield live
    live.close()


def kernel_json(notebook, expression: str):
    return json.loads(notebook.run(f"print(json.dumps({expression}))"))


def upload(notebook, name: str, content: bytes) -> dict:
    """Send a file through the real FileUpload widget (ipywidgets 8 value format) and report what happened."""
    notebook.run(f"_content = bytes.fromhex({content.hex()!r})")
    notebook.run(
        "_before = (len(photo_upload.messages), len(photo_upload.shown), id(photo_upload.figure))\n"
        f"photo_upload.upload.value = ({{'name': {name!r}, 'type': '', 'size': len(_content), "
        "'content': memoryview(_content), 'last_modified': _now},)"
    )
    return kernel_json(
        notebook,
        "{'messages': photo_upload.messages[_before[0]:], "
        "'shown': photo_upload.shown[_before[1]:], "
        "'new_figure': id(photo_upload.figure) != _before[2], "
        "'title': photo_upload.figure.axes[1].get_title() if photo_upload.figure else ''}",
    )


def a_test_photo(notebook) -> tuple[str, bytes]:
    path = Path(kernel_json(notebook, "str(test_files[5])"))
    return path.name, path.read_bytes()


def test_upload_of_a_real_photo_shows_the_networks_answer(notebook):
    name, content = a_test_photo(notebook)
    result = upload(notebook, name, content)
    assert (
        result["messages"] == []
        and result["shown"] == [name]
        and result["new_figure"]
    )
    p_dog = float(re.search(r"P\(dog\) = ([0-9.]+)", result["title"]).group(1))
    expected = kernel_json(
        notebook,
        f"float(best_model.predict(images.to_model_input(test_files[5], SIZE, COLOR), "
        f"verbose=0)[0, 0])",
    )
    assert p_dog == pytest.approx(expected, abs=0.006)
    assert ("dog" if p_dog >= 0.5 else "cat") in result["title"]


def png_bytes(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


def bad_files(real: bytes) -> dict[str, tuple[bytes, str]]:
    return {
        "notes.txt": (
            b"these are my notes, not a photo\n" * 20,
            "not an image file",
        ),
        "empty.jpg": (b"", "is empty"),
        "truncated.jpg": (real[: len(real) // 3], "truncated or corrupt"),
        "enormous.png": (png_bytes(9_000, 8_000), "megapixel limit"),
    }


@pytest.mark.parametrize(
    "kind", ["notes.txt", "empty.jpg", "truncated.jpg", "enormous.png"]
)
def test_bad_uploads_give_one_line_and_the_widget_keeps_working(
    notebook, kind
):
    name, real = a_test_photo(notebook)
    content, expected = bad_files(real)[kind]
    result = upload(notebook, kind, content)
    assert result["shown"] == [] and len(result["messages"]) == 1
    message = result["messages"][0]
    assert expected in message and "\n" not in message and kind in message
    assert "Traceback" not in notebook.run(
        "photo_upload.output.outputs and print(photo_upload.output.outputs)"
    )
    again = upload(
        notebook, name, real
    )  # the same control still works after the bad file
    assert again["messages"] == [] and again["shown"] == [name]


def test_static_upload_shows_example_test_photos(notebook):
    page = kernel_json(notebook, "photo_upload.to_html()")
    assert 'class="nnbook-upload' in page
    assert len(re.findall(r"<img data-example", page)) == 3


def sliders_state(notebook) -> dict:
    return kernel_json(
        notebook,
        "{'draws': sliders.draws, 'retrains': sliders.retrains, "
        "'setting': list(sliders.setting), 'epochs': sliders.epochs.value, "
        "'figure': id(sliders.figure), 'title': sliders.figure.axes[0].get_title(), "
        "'runs': {str(k[0]): len(v['accuracy']) for k, v in sliders.runs.items()}}",
    )


PAPERS = "the paper's"
"""The slider value of the run with the paper's augmentation."""


def test_sliders_switch_recorded_runs_and_scrub_epochs(notebook):
    before = sliders_state(notebook)
    assert set(before["runs"]) == {"none", PAPERS}
    notebook.run(f"sliders.controls['augmentation'].value = {PAPERS!r}")
    after = sliders_state(notebook)
    assert (
        after["draws"] == before["draws"] + 1
        and after["figure"] != before["figure"]
    )
    assert after["setting"] == [PAPERS] and PAPERS in after["title"]
    notebook.run("sliders.epochs.value = 2")
    scrubbed = sliders_state(notebook)
    assert scrubbed["draws"] == after["draws"] + 1 and scrubbed["epochs"] == 2
    legend = kernel_json(
        notebook,
        "[t.get_text() for t in sliders.figure.axes[0].get_legend().get_texts()]",
    )
    history = kernel_json(
        notebook, f"sliders.runs[({PAPERS!r},)]['accuracy'][1]"
    )
    assert (
        f"({history:.3f})" in legend[0]
    )  # the legend reads the value at epoch 2


def test_retrain_button_trains_the_chosen_setting_live(notebook):
    notebook.run(
        "sliders.controls['augmentation'].value = 'none'\nsliders.epochs.value = 1"
    )
    old = kernel_json(notebook, "sliders.runs[('none',)]['accuracy']")
    notebook.run("sliders.button.click()")
    state = sliders_state(notebook)
    assert (
        state["retrains"] == 1
        and state["runs"]["none"] == 1
        and state["setting"] == ["none"]
    )
    assert kernel_json(notebook, "sliders.runs[('none',)]['accuracy']") != old


def test_static_sliders_carry_every_recorded_run(notebook):
    page = kernel_json(notebook, "sliders.to_html()")
    assert (
        'class="nnbook-explorer"' in page
        and "data-param" in page
        and "data-epochs" in page
    )
    data = explorer_data(page)
    assert set(data["runs"]) == {"none", PAPERS}


def test_saved_model_classifies_unseen_photos_outside_the_notebook(notebook):
    """Load models/cats_vs_dogs.keras in this process (not the kernel) and run it on the held-out test photos."""
    from nnbook import images, models

    model, spec = models.load("cats_vs_dogs", MODELS)
    assert spec.class_names == ["cat", "dog"] and model.output_shape == (
        None,
        1,
    )
    assert not any(
        "Rescaling" in type(layer).__name__ for layer in model.layers
    )
    files = [
        Path(f) for f in kernel_json(notebook, "[str(f) for f in test_files]")
    ]
    training = set(
        kernel_json(
            notebook,
            "[data.files[i] for i in np.concatenate([train_idx, val_idx])]",
        )
    )
    assert (
        files and not {f"{f.parent.name}/{f.name}" for f in files} & training
    )  # never seen in training
    x = np.concatenate(
        [images.to_model_input(f, spec.size, spec.color) for f in files]
    )
    truth = np.array(
        [spec.class_names.index(f.parent.name.lower()) for f in files]
    )
    p_dog = model.predict(x, verbose=0)[:, 0]
    accuracy = float(((p_dog >= 0.5) == truth).mean())
    print(f"saved model on {len(files)} unseen photos: {accuracy:.1%}")
    # the same photos, prepared from their files as an upload is: the notebook's test figure, to one photo
    assert (
        abs(accuracy - kernel_json(notebook, "test_accuracy"))
        <= 1 / len(files) + 1e-9
    )
    for cls in (0, 1):  # it is not just answering one class
        assert ((p_dog >= 0.5) == truth)[truth == cls].mean() > 0.5
