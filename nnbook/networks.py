"""Networks that one chapter teaches and later chapters reuse by name (d2l's
"save it once" idea).

Each function here is written out, line for line, in the chapter that teaches
it (its docstring names the chapter); ``tests/unit/test_networks.py`` checks
that the chapter's cell and this file still agree. Later chapters import it
instead of writing it again.
"""

from __future__ import annotations

import keras


def output_layer(outputs: int) -> keras.layers.Dense:
    """One sigmoid for a yes/no question (``outputs=1``), else a softmax over
    ``outputs`` classes."""
    if outputs == 1:
        return keras.layers.Dense(1, activation="sigmoid")
    return keras.layers.Dense(outputs, activation="softmax")


def paper_dense(size, channels=1, outputs=1):
    """The paper's dense network (§7.3): two hidden layers of 100.
    Taught in chapter 6."""
    return keras.Sequential(
        [
            keras.Input((size, size, channels)),
            keras.layers.Flatten(),
            keras.layers.Dense(100, activation="relu"),
            keras.layers.Dense(100, activation="relu"),
            output_layer(outputs),
        ],
        name="dense",
    )


def paper_cnn(size, channels=1, outputs=1, width=1.0):
    """The paper's convolutional network (§7.3): 32-64-128 filters, Dense 100.
    Taught in chapter 6.

    ``width`` scales the number of filters (0.5 gives 16-32-64).
    """
    filters = [max(1, round(n * width)) for n in (32, 64, 128)]
    return keras.Sequential(
        [
            keras.Input((size, size, channels)),
            keras.layers.Conv2D(filters[0], (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=2, strides=2),
            keras.layers.Conv2D(filters[1], (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=2, strides=2),
            keras.layers.Conv2D(filters[2], (3, 3), activation="relu"),
            keras.layers.MaxPooling2D(pool_size=2, strides=2),
            keras.layers.Flatten(),
            keras.layers.Dense(100, activation="relu"),
            output_layer(outputs),
        ],
        name="conv",
    )
