"""Two tiny models for the model web's tests (the server in ``tests/unit``, its page in ``tests/site``) and a
real photo to send them.

``save_both(folder)`` saves them with ``nnbook.models.save``: ``pets``, a one-sigmoid grayscale model, and
``tiny_cifar``, a softmax RGB model. ``tests/conftest.py``'s default ``folder`` fixture holds these two.
"""

from __future__ import annotations

from pathlib import Path

import keras
import sklearn.datasets

from nnbook import models

PHOTO = (
    Path(sklearn.datasets.__file__).parent / "images" / "china.jpg"
)  # a real 427 x 640 JPEG photo
GRAY_SIZE, RGB_SIZE = 16, 32
RGB_CLASSES = ["airplane", "bird", "cat", "dog", "ship"]


def gray_model() -> keras.Model:
    keras.utils.set_random_seed(1)
    return keras.Sequential(
        [
            keras.Input((GRAY_SIZE, GRAY_SIZE, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )


def rgb_model() -> keras.Model:
    keras.utils.set_random_seed(2)
    return keras.Sequential(
        [
            keras.Input((RGB_SIZE, RGB_SIZE, 3)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(len(RGB_CLASSES), activation="softmax"),
        ]
    )


def save_both(folder: Path) -> Path:
    """Save ``pets`` and ``tiny_cifar`` in ``folder``; return the folder."""
    models.save(gray_model(), "pets", ["cat", "dog"], folder)
    models.save(rgb_model(), "tiny_cifar", RGB_CLASSES, folder)
    return folder
