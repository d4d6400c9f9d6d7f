import json
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from nnbook import models, webmodel

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "_ext"))
import nnbook_web


def cnn():
    layers = keras.layers
    augment = keras.Sequential(
        [layers.RandomFlip("horizontal"), layers.RandomRotation(0.05)],
        name="augment",
    )
    return keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            augment,
            layers.Conv2D(4, 3, activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.2),
            layers.Dense(3, activation="softmax"),
        ]
    )


def test_export_writes_a_layers_model_without_augmentation(tmp_path):
    model = cnn()
    models.save(model, "tiny", ["a", "b", "c"], tmp_path / "models")
    info = webmodel.export(
        "tiny",
        tmp_path / "models",
        tmp_path / "web",
        accuracy=0.5,
        chapter="ch",
    )
    spec = json.loads((tmp_path / "web" / "model.json").read_text())
    kinds = [
        layer["class_name"]
        for layer in spec["modelTopology"]["config"]["layers"]
    ]
    assert kinds == [
        "Conv2D",
        "BatchNormalization",
        "MaxPooling2D",
        "Flatten",
        "Dropout",
        "Dense",
    ]
    assert spec["modelTopology"]["config"]["layers"][0]["config"][
        "batch_input_shape"
    ] == [None, 16, 16, 3]
    weights = spec["weightsManifest"][0]["weights"]
    assert [w["name"].split("/")[1] for w in weights] == [
        "kernel",
        "bias",
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
        "kernel",
        "bias",
    ]
    data = np.frombuffer(
        (tmp_path / "web" / "weights.bin").read_bytes(), "<f4"
    )
    assert (
        data.size
        == sum(int(np.prod(w["shape"])) for w in weights)
        == info["weights_bytes"] // 4
    )
    kernel = model.layers[1].get_weights()[0]
    assert np.array_equal(data[: kernel.size].reshape(kernel.shape), kernel)
    assert (
        info["size"] == 16
        and info["channels"] == 3
        and info["accuracy"] == 0.5
        and not info["sigmoid"]
    )
    assert (
        (tmp_path / "web" / "model.js")
        .read_text()
        .startswith("(window.nnbookWebModels")
    )


def test_an_unsupported_layer_is_named():
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2DTranspose(2, 3, name="upsample"),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    with pytest.raises(
        webmodel.WebModelError, match="'upsample' is a Conv2DTranspose"
    ):
        webmodel.to_layers_model(model)


def test_an_unsupported_activation_is_named():
    model = keras.Sequential(
        [
            keras.Input((4, 4, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="log_softmax", name="out"),
        ]
    )
    with pytest.raises(
        webmodel.WebModelError, match="'out' uses activation 'log_softmax'"
    ):
        webmodel.to_layers_model(model)


def test_the_glued_accuracy_is_read_from_the_executed_notebook(tmp_path):
    notebook = tmp_path / "ch.ipynb"
    output = {
        "output_type": "display_data",
        "data": {"text/plain": "0.8125"},
        "metadata": {
            "scrapbook": {
                "name": "model_accuracy_cats_vs_dogs",
                "mime_prefix": "",
            }
        },
    }
    notebook.write_text(
        json.dumps({"cells": [{"cell_type": "code", "outputs": [output]}]})
    )
    assert (
        nnbook_web.glued_value(notebook, "model_accuracy_cats_vs_dogs")
        == 0.8125
    )
    assert nnbook_web.glued_value(notebook, "model_accuracy_age_10") is None
    assert nnbook_web.glued_value(tmp_path / "missing.ipynb", "x") is None


def test_the_vendored_runtime_matches_its_manifest():
    manifest = nnbook_web.check_vendor()
    assert manifest["version"] == "4.22.0" and "tf.min.js" in manifest["files"]


def test_a_build_without_models_writes_an_empty_index(tmp_path):
    assert (
        nnbook_web.export_all(
            tmp_path, tmp_path / "_static", tmp_path / "exec"
        )
        == []
    )
    assert (
        tmp_path / "_static" / "nnbook-web" / "models" / "index.js"
    ).read_text() == "window.nnbookWebIndex = [];\n"
