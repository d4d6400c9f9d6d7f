"""Saved models: the convention that links the training chapters (6–8) to the
model web (chapter 10).

A chapter that trains a model worth serving saves it next to its notebook,
git-ignored::

    # the Keras 3 model file (architecture + weights + optimizer, one file)
    models/NAME.keras
    # a JSON list of class names, e.g. ["cat", "dog"]
    models/NAME.classes.json

The model alone says what it expects: its ``input_shape`` gives the image size
and channels (1 = grayscale, 3 = RGB), and it takes exactly what
:func:`nnbook.images.to_model_input` returns. A model with one sigmoid output
gives P(second class); a softmax model gives one probability per class.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import keras
import numpy as np

MODELS_DIR = "models"
"""The folder, next to the notebook, where chapters save their models."""

NAME = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
"""A model name: lower-case letters, digits and underscores (it becomes a file
name and a URL part)."""


class ModelFileError(ValueError):
    """A saved model or its class list is missing, unreadable or
    inconsistent."""


@dataclass(frozen=True)
class ModelSpec:
    """What a saved model expects and answers, read from the model itself."""

    name: str
    size: int  # input height = width, in pixels
    channels: int  # 1 grayscale, 3 RGB
    class_names: list[str]

    @property
    def color(self) -> str:
        """The colour mode for :func:`nnbook.images.to_model_input`:
        ``"grayscale"`` or ``"rgb"``."""
        return "grayscale" if self.channels == 1 else "rgb"


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid model name, else raise
    :class:`ModelFileError` saying what is allowed."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ModelFileError(
            f"model name {name!r} is not valid: use 1–64 lower-case letters, "
            "digits and underscores, e.g. 'cifar10'."
        )
    return name


def spec_of(
    model: keras.Model, name: str, class_names: Sequence[str]
) -> ModelSpec:
    """Return the :class:`ModelSpec` of ``model``, checking that it is an image
    classifier for ``class_names``.

    Raises:
        ModelFileError: if the input is not ``(None, size, size, 1 or 3)`` or
            the output does not match the classes.
    """
    shape = tuple(model.input_shape)
    if (
        len(shape) != 4
        or shape[1] != shape[2]
        or shape[1] is None
        or shape[3] not in (1, 3)
    ):
        raise ModelFileError(
            f"model {name!r} takes input {shape}; expected (None, size, "
            "size, 1 or 3)."
        )
    outputs = int(model.output_shape[-1])
    classes = [str(c) for c in class_names]
    if len(classes) < 2 or (
        outputs != len(classes) and not (outputs == 1 and len(classes) == 2)
    ):
        raise ModelFileError(
            f"model {name!r} has {outputs} output(s) but {len(classes)} "
            "class names; a softmax model needs one name per output, a "
            "one-sigmoid model exactly two names."
        )
    return ModelSpec(
        name=name,
        size=int(shape[1]),
        channels=int(shape[3]),
        class_names=classes,
    )


def save(
    model: keras.Model,
    name: str,
    class_names: Sequence[str],
    folder: str | Path = MODELS_DIR,
) -> Path:
    """Save ``model`` as ``folder/NAME.keras`` with its class names in
    ``folder/NAME.classes.json``.

    Both files are written under temporary names and renamed into place, so a
    reader never finds half a model.

    Returns:
        The path of the ``.keras`` file.
    """
    spec = spec_of(model, check_name(name), class_names)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target, classes = folder / f"{name}.keras", folder / f"{name}.classes.json"
    tmp_model, tmp_classes = (
        folder / f".{name}.tmp.keras",
        folder / f".{name}.classes.tmp.json",
    )
    model.save(tmp_model)
    tmp_classes.write_text(
        json.dumps(spec.class_names) + "\n", encoding="utf-8"
    )
    tmp_model.replace(target)
    tmp_classes.replace(classes)
    return target


def load(
    name: str, folder: str | Path = MODELS_DIR
) -> tuple[keras.Model, ModelSpec]:
    """Load ``folder/NAME.keras`` (with Keras ``safe_mode``) and its class
    names.

    Returns:
        ``(model, spec)``.

    Raises:
        ModelFileError: if a file is missing, unreadable or the two do not
            match.
    """
    folder = Path(folder)
    path, classes_path = (
        folder / f"{check_name(name)}.keras",
        folder / f"{name}.classes.json",
    )
    if not path.is_file() or not classes_path.is_file():
        raise ModelFileError(
            f"model {name!r} not found: {path} and {classes_path} must both "
            "exist (run the chapter that saves it)."
        )
    try:
        class_names = json.loads(classes_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelFileError(
            f"{classes_path} is not a JSON list of class names: {err}"
        ) from err
    if not isinstance(class_names, list) or not all(
        isinstance(c, str) for c in class_names
    ):
        raise ModelFileError(
            f'{classes_path} must hold a JSON list of strings, e.g. ["cat", '
            '"dog"].'
        )
    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as err:
        # Keras raises many types for a broken file; report them all the same
        # way
        raise ModelFileError(
            f"cannot load {path}: {type(err).__name__}: {err}"
        ) from err
    return model, spec_of(model, name, class_names)


def discover(folder: str | Path) -> list[str]:
    """Return the sorted names of the models in ``folder`` that have both a
    ``.keras`` and a ``.classes.json``."""
    folder = Path(folder)
    names = [
        p.name[: -len(".keras")]
        for p in folder.glob("*.keras")
        if not p.name.startswith(".")
    ]
    return sorted(
        n
        for n in names
        if NAME.match(n) and (folder / f"{n}.classes.json").is_file()
    )


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """Turn a model's outputs ``(N, K)`` into class probabilities
    ``(N, max(K, 2))``.

    A one-sigmoid output ``p`` (probability of the second class) becomes
    ``[1 - p, p]``; softmax rows are returned as they are.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim == 1:
        outputs = outputs[:, np.newaxis]
    if outputs.shape[1] == 1:
        return np.concatenate([1.0 - outputs, outputs], axis=1)
    return outputs


def top_k(
    probabilities: np.ndarray, class_names: Sequence[str], k: int = 3
) -> list[tuple[str, float]]:
    """Return the ``k`` most probable ``(class name, probability)`` pairs of
    one row, most probable first."""
    row = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    order = np.argsort(-row, kind="stable")[: min(k, row.size)]
    return [(str(class_names[i]), float(row[i])) for i in order]
