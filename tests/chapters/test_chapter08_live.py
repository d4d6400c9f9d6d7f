"""Chapter 8 in a real kernel: the photo upload (good, bad and empty files), the learning-rate/epochs explorer
(switch run, scrub epochs, retrain live) and the saved models the model web will serve.

The notebook runs (quick mode) up to its cell tagged ``sliders``; the upload cell comes before it.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from notebook_kernel import PNG_DIGEST, run_until

NOTEBOOK = "chapters/08_cifar/cifar.ipynb"

STATE = """
import json

def _explorer():
    return {"draws": sliders.draws, "retrains": sliders.retrains, "png": _png(sliders.figure),
            "epochs": sliders.epochs.value, "setting": list(sliders.setting),
            "run_lengths": {str(k[0]): len(v["loss"]) for k, v in sliders.runs.items()}}
"""


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "sliders", timeout=600)
    live.run(PNG_DIGEST + STATE)
    yield live
    live.close()


def explorer(notebook) -> dict:
    return json.loads(notebook.run("print(json.dumps(_explorer()))"))


def photo_bytes() -> bytes:
    rng = np.random.default_rng(0)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (90, 120, 3), dtype=np.uint8)).save(
        buffer, format="PNG"
    )
    return buffer.getvalue()


def test_upload_shows_top3_of_the_32x32_view(notebook, tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(photo_bytes())
    out = notebook.run(f"""
result = upload.handle("photo.png", open({str(path)!r}, "rb").read())
axes = upload.figure.axes
print(json.dumps({{"result": result, "shown": upload.shown, "image": list(axes[0].images[0].get_array().shape),
                   "title": axes[1].get_title(), "bars": len(axes[1].patches)}}))
""")
    state = json.loads(out.strip().splitlines()[-1])
    assert state["result"] is None and state["shown"] == ["photo.png"]
    assert state["image"] == [32, 32, 3]  # the view the model gets
    assert (
        state["bars"] == 3
        and state["title"].startswith("top 3: ")
        and state["title"].count("%") == 3
    )


def test_upload_of_a_bad_or_empty_file_prints_one_line(notebook):
    out = notebook.run("""
print(json.dumps([upload.handle("notes.txt", b"not an image at all"), upload.handle("empty.jpg", b""),
                  len(upload.shown)]))
""")
    bad, empty, shown = json.loads(out.strip().splitlines()[-1])
    assert bad.startswith("Could not use 'notes.txt'") and "\n" not in bad
    assert "empty" in empty and "0 bytes" in empty
    assert shown == 1  # the earlier photo only; the button keeps working


def test_saved_models_take_to_model_input_and_agree_with_the_display(
    notebook, tmp_path
):
    path = tmp_path / "photo.png"
    path.write_bytes(photo_bytes())
    out = notebook.run(f"""
served, spec = models.load("cifar10", MODELS)
x = to_model_input({str(path)!r}, spec.size, spec.color)
p_served = served.predict(x, verbose=0)[0]
p_chapter = best_model.predict(x, verbose=0)[0]
c100_served, c100_spec = models.load("cifar100", MODELS)
print(json.dumps({{"same": bool(np.allclose(p_served, p_chapter, atol=1e-5)), "sum": float(p_served.sum()),
                   "classes": spec.class_names, "c100": [c100_spec.size, len(c100_spec.class_names)],
                   "rescaling": any("rescaling" in layer.name for layer in served.layers)}}))
""")
    state = json.loads(out.strip().splitlines()[-1])
    assert state["same"] and state["sum"] == pytest.approx(1.0, abs=1e-4)
    assert state["classes"][0] == "airplane" and len(state["classes"]) == 10
    assert state["c100"] == [32, 100] and not state["rescaling"]


def test_learning_rate_control_switches_the_recorded_run(notebook):
    before = explorer(notebook)
    assert before["setting"] == [0.002] and set(before["run_lengths"]) == {
        "0.0002",
        "0.002",
        "0.02",
    }
    notebook.run("sliders.controls['learning rate'].value = 0.02")
    after = explorer(notebook)
    assert (
        after["draws"] == before["draws"] + 1 and after["png"] != before["png"]
    )
    assert after["setting"] == [0.02]


def test_epochs_slider_redraws(notebook):
    before = explorer(notebook)
    notebook.run("sliders.epochs.value = 2")
    after = explorer(notebook)
    assert (
        after["draws"] == before["draws"] + 1
        and after["png"] != before["png"]
        and after["epochs"] == 2
    )


def test_retrain_trains_the_setting_live(notebook):
    before = explorer(notebook)
    notebook.run("sliders.retrain()")
    after = explorer(notebook)
    assert after["retrains"] == before["retrains"] + 1
    assert (
        after["run_lengths"][str(after["setting"][0])] == after["epochs"] == 2
    )  # retrained for 2 epochs


def test_static_explorer_and_upload_follow_the_site_contract(notebook):
    out = notebook.run(
        "print(json.dumps([sliders.to_html(), upload.to_html()]))"
    )
    explorer_html, upload_html = json.loads(out.strip().splitlines()[-1])
    assert (
        'class="nnbook-explorer"' in explorer_html
        and "data-param" in explorer_html
    )
    assert "data-picture" in explorer_html and "data-epochs" in explorer_html
    assert (
        'class="nnbook-upload' in upload_html
        and upload_html.count("img data-example") == 2
    )
