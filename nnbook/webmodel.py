"""Export a saved Keras model for the browser: the TensorFlow.js *layers-model*
format, written here.

TensorFlow.js (the runtime the paper's model web used, vendored in
``nnbook/web/vendor/tfjs``) loads a model with ``tf.loadLayersModel(url)`` from
three things, which :func:`export` writes into one folder:

* ``model.json``: the network as a Keras-2-style ``Sequential`` topology (one
  config per layer) and a ``weightsManifest`` naming every weight array, its
  shape and dtype, in file order;
* ``weights.bin``: the float32 weights, little-endian, concatenated in that
  order;
* ``model.js``: the same two as one JavaScript file
  (``window.nnbookWebModels[NAME] = {...}`` with the weights in base64), so
  that the page also works when opened from ``file://``, where a browser
  refuses ``fetch``.

The ``tensorflowjs`` converter is not used: it does not read Keras 3 models and
pulls a large set of dependencies. Only the layers our chapters use are
supported (see :data:`SUPPORTED`); training-only augmentation layers
(``RandomFlip``, ``RandomTranslation``, ...) are identity at inference and are
left out. Any other layer raises :class:`WebModelError` naming it.
``nnbook.models`` holds the saved-model convention this module reads.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import keras
import numpy as np

from nnbook import models

AUGMENTATION = (
    "RandomFlip",
    "RandomTranslation",
    "RandomRotation",
    "RandomZoom",
    "RandomContrast",
    "RandomBrightness",
)
"""Training-only layers, identity at inference: left out of the exported
network."""

ACTIVATIONS = (
    "linear",
    "relu",
    "relu6",
    "sigmoid",
    "softmax",
    "tanh",
    "elu",
    "selu",
    "softplus",
    "softsign",
    "swish",
    "hard_sigmoid",
    "gelu",
)
"""Activation functions both Keras and TensorFlow.js know by the same name."""

SUPPORTED = (
    "InputLayer",
    "Conv2D",
    "MaxPooling2D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "Flatten",
    "Dense",
    "Dropout",
    "SpatialDropout2D",
    "BatchNormalization",
    "Activation",
    "ReLU",
    "Rescaling",
) + AUGMENTATION
"""The Keras layer classes :func:`export` can convert (nested ``Sequential``
blocks are flattened)."""

FILES = ("model.json", "weights.bin", "model.js", "info.json")


class WebModelError(ValueError):
    """A model that cannot be exported for the browser; the message names the
    layer and what to do."""


def _activation(layer: keras.layers.Layer, value: Any) -> str:
    name = (
        value
        if isinstance(value, str)
        else getattr(value, "__name__", str(value))
    )
    if name not in ACTIVATIONS:
        raise WebModelError(
            f"layer {layer.name!r} uses activation {name!r}, which the "
            "browser export does not support; use one of "
            f"{', '.join(ACTIVATIONS)}."
        )
    return name


def _pair(value: Any) -> list[int]:
    return (
        [int(v) for v in value]
        if isinstance(value, (list, tuple))
        else [int(value), int(value)]
    )


def _flatten_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers in order, nested ``Sequential`` blocks expanded; it
    must be a plain chain."""
    out: list[keras.layers.Layer] = []
    for layer in model.layers:
        if isinstance(layer, keras.Sequential):
            out.extend(_flatten_layers(layer))
        elif isinstance(layer, keras.Model):
            raise WebModelError(
                f"layer {layer.name!r} is a nested {type(layer).__name__} "
                "model; the browser export supports Sequential blocks only."
            )
        else:
            out.append(layer)
    if not isinstance(model, keras.Sequential):
        # a functional model must be a single chain of layers
        for layer in out:
            if len(layer._inbound_nodes) > 1 or any(
                len(getattr(node, "input_tensors", [])) > 1
                for node in layer._inbound_nodes
            ):
                raise WebModelError(
                    f"layer {layer.name!r} ({type(layer).__name__}) joins or "
                    "reuses tensors; the browser export supports a single "
                    "chain of layers (a Sequential network)."
                )
    return out


def layer_config(layer: keras.layers.Layer) -> dict[str, Any] | None:
    """The TensorFlow.js config of one Keras layer (None for a layer left out),
    with what inference needs.

    Raises:
        WebModelError: for a layer class or an option the export does not
            support.
    """
    kind = type(layer).__name__
    c = layer.get_config()
    if kind in AUGMENTATION or kind == "InputLayer":
        return None
    if kind not in SUPPORTED:
        raise WebModelError(
            f"layer {layer.name!r} is a {kind}, which the browser export "
            f"does not support (supported: {', '.join(SUPPORTED)})."
        )
    if c.get("data_format", "channels_last") != "channels_last":
        raise WebModelError(
            f"layer {layer.name!r} uses data_format={c['data_format']!r}; "
            "export channels_last models only."
        )
    config: dict[str, Any] = {
        "name": layer.name,
        "trainable": False,
        "dtype": "float32",
    }
    if kind == "Conv2D":
        if int(c.get("groups", 1)) != 1:
            raise WebModelError(
                f"layer {layer.name!r} is a grouped Conv2D "
                f"(groups={c['groups']}): not supported."
            )
        config.update(
            filters=int(c["filters"]),
            kernel_size=_pair(c["kernel_size"]),
            strides=_pair(c["strides"]),
            padding=c["padding"],
            data_format="channels_last",
            dilation_rate=_pair(c["dilation_rate"]),
            activation=_activation(layer, c["activation"]),
            use_bias=bool(c["use_bias"]),
        )
    elif kind in ("MaxPooling2D", "AveragePooling2D"):
        config.update(
            pool_size=_pair(c["pool_size"]),
            strides=_pair(c["strides"] or c["pool_size"]),
            padding=c["padding"],
            data_format="channels_last",
        )
    elif kind in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        if c.get("keepdims"):
            raise WebModelError(
                f"layer {layer.name!r} uses keepdims=True: not supported in "
                "the browser export."
            )
        config.update(data_format="channels_last")
    elif kind == "Flatten":
        config.update(data_format="channels_last")
    elif kind == "Dense":
        config.update(
            units=int(c["units"]),
            activation=_activation(layer, c["activation"]),
            use_bias=bool(c["use_bias"]),
        )
    elif kind in ("Dropout", "SpatialDropout2D"):
        kind = "Dropout"  # identity at inference either way
        config.update(rate=float(c["rate"]))
    elif kind == "BatchNormalization":
        axis = (
            c["axis"]
            if not isinstance(c["axis"], (list, tuple))
            else c["axis"][0]
        )
        if axis not in (-1, 3):
            raise WebModelError(
                f"layer {layer.name!r} normalises axis {axis}; only the "
                "channel axis (-1) works."
            )
        config.update(
            axis=-1,
            momentum=float(c["momentum"]),
            epsilon=float(c["epsilon"]),
            center=bool(c["center"]),
            scale=bool(c["scale"]),
        )
    elif kind == "Activation":
        config.update(activation=_activation(layer, c["activation"]))
    elif kind == "ReLU":
        if (
            c.get("negative_slope")
            or c.get("threshold")
            or c.get("max_value") is not None
        ):
            raise WebModelError(
                f"layer {layer.name!r} is a ReLU with options; use "
                "Activation('relu')."
            )
        kind = "Activation"
        config.update(activation="relu")
    elif kind == "Rescaling":
        if np.ndim(c["scale"]) or np.ndim(c["offset"]):
            raise WebModelError(
                f"layer {layer.name!r} rescales per channel: not supported."
            )
        config.update(scale=float(c["scale"]), offset=float(c["offset"]))
    return {"class_name": kind, "config": config}


def _weights(
    layer: keras.layers.Layer, kind: str
) -> list[tuple[str, np.ndarray]]:
    """The layer's weights as TensorFlow.js names them (``layer/kernel``), in
    the order it creates them."""
    arrays = [np.asarray(w, dtype=np.float32) for w in layer.get_weights()]
    if kind in ("Conv2D", "Dense"):
        names = ["kernel", "bias"][: len(arrays)]
    elif kind == "BatchNormalization":
        c = layer.get_config()
        names = (
            (["gamma"] if c["scale"] else [])
            + (["beta"] if c["center"] else [])
            + ["moving_mean", "moving_variance"]
        )
    else:
        names = []
    if len(names) != len(arrays):
        raise WebModelError(
            f"layer {layer.name!r} ({kind}) has {len(arrays)} weight arrays, "
            f"expected {len(names)}; it cannot be exported."
        )
    return [(f"{layer.name}/{n}", a) for n, a in zip(names, arrays)]


def to_layers_model(model: keras.Model) -> tuple[dict[str, Any], bytes]:
    """Return ``(model_json, weight_bytes)``: the TensorFlow.js layers-model of
    ``model`` and its weights.

    Raises:
        WebModelError: if a layer cannot be exported.
    """
    shape = [None] + [int(d) for d in model.input_shape[1:]]
    layers, specs, chunks = [], [], []
    for layer in _flatten_layers(model):
        entry = layer_config(layer)
        if entry is None:
            continue
        if not layers:
            entry["config"]["batch_input_shape"] = shape
        layers.append(entry)
        for name, array in _weights(layer, entry["class_name"]):
            specs.append(
                {"name": name, "shape": list(array.shape), "dtype": "float32"}
            )
            chunks.append(array.astype("<f4").tobytes())
    if not layers:
        raise WebModelError("the model has no layer to export.")
    topology = {
        "class_name": "Sequential",
        "config": {"name": model.name, "layers": layers},
        "keras_version": "2.15.0",
        "backend": "tensorflow",
    }
    model_json = {
        "format": "layers-model",
        "generatedBy": f"keras {keras.__version__}",
        "convertedBy": "nnbook.webmodel",
        "modelTopology": topology,
        "weightsManifest": [{"paths": ["weights.bin"], "weights": specs}],
    }
    return model_json, b"".join(chunks)


def export(
    name: str,
    source: str | Path,
    target: str | Path,
    accuracy: float | None = None,
    chapter: str | None = None,
) -> dict[str, Any]:
    """Export the saved model ``source/NAME.keras`` (with its class names) into
    the folder ``target``.

    Writes ``model.json``, ``weights.bin``, ``model.js`` (both in one script,
    for ``file://``) and ``info.json`` (name, size, channels, classes, sizes in
    bytes, the test ``accuracy`` and the ``chapter`` page, if given). Files are
    written under temporary names and renamed, so a half-written model is never
    left behind.

    Returns:
        The info dictionary.

    Raises:
        nnbook.models.ModelFileError: if the saved model is missing or
            unreadable.
        WebModelError: if a layer cannot be exported.
    """
    model, spec = models.load(name, source)
    model_json, weights = to_layers_model(model)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    info = {
        "name": spec.name,
        "size": spec.size,
        "channels": spec.channels,
        "classes": spec.class_names,
        "sigmoid": int(model.output_shape[-1]) == 1,
        "accuracy": accuracy,
        "chapter": chapter,
        "weights_bytes": len(weights),
    }
    text = json.dumps(model_json, separators=(",", ":"))
    info["model_json_bytes"] = len(text.encode())
    script = (
        "(window.nnbookWebModels = window.nnbookWebModels || "
        f"{{}})[{json.dumps(spec.name)}] = "
        f"{{model: {text}, weights: "
        f'"{base64.b64encode(weights).decode()}"}};\n'
    )
    contents = {
        "model.json": text.encode(),
        "weights.bin": weights,
        "model.js": script.encode(),
        "info.json": json.dumps(info, indent=1).encode(),
    }
    for file, data in contents.items():
        tmp = target / f".{file}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, target / file)
    return info


def predict_reference(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """The class probabilities Keras gives for ``x`` (what the browser must
    reproduce): ``(N, classes)``."""
    return models.class_probabilities(model.predict(x, verbose=0))
