"""Input pipelines for training CNNs on photos: a seeded split, ``tf.data``
batches, and augmentation.

* :func:`batches` turns ``uint8`` images and labels into a
  ``tf.data.Dataset``: cached as ``uint8`` (four times smaller than floats),
  shuffled every epoch, batched, scaled exactly like
  :func:`nnbook.images.scale` (``x / 255`` as ``float32``), optionally
  augmented on the fly, optionally repeated without end (one stream for the
  whole run, cut into epochs by :func:`steps_per_epoch`), and prefetched, so
  no Python loop touches an image while a model trains. Taught in chapter 5,
  which writes the same pipeline out step by step; chapters 6 to 9 import
  it.
* :func:`split_indices` (plumbing, used from chapter 5 on) shuffles and cuts
  a labelled set into training, validation and (optionally) test indices,
  with each class in the same proportion in every part (a loader may return
  the photos sorted by class: cut without shuffling and the validation set
  would be all dogs).
* :func:`augmentation` (plumbing) builds Keras 3 preprocessing layers from the
  settings of the paper's (legacy) ``ImageDataGenerator``: rotation in
  degrees, shifts and zoom as fractions, shear in degrees, flips.

The models, ``compile`` and ``fit`` stay in the chapters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

from nnbook import config

PAPER_AUGMENTATION = {
    "rotation_range": 30,  # degrees, either way
    "width_shift_range": 0.2,  # fraction of the width, either way
    "height_shift_range": 0.2,  # fraction of the height, either way
    "shear_range": 15,  # degrees, either way
    # the fraction of the photo shown: 0.75 zooms in, 1.5 zooms out
    "zoom_range": (0.75, 1.5),
    "horizontal_flip": True,
    "vertical_flip": True,
}
"""The paper's ``ImageDataGenerator`` arguments (§7.3), in its own units;
:func:`augmentation` converts them."""

FLIPS = ("horizontal_and_vertical", "horizontal", "vertical", None)
"""The values :func:`augmentation` accepts for ``flip``."""


def split_indices(
    labels: Sequence[int] | np.ndarray,
    *,
    validation: float = 0.15,
    test: float = 0.15,
    seed: int = config.DEFAULT_SEED,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split example indices into training, validation and test
    parts, stratified by label: the book's one way of splitting.

    ``test`` is the fraction of all examples held out for the final, honest
    evaluation; ``validation`` is the fraction of what remains (the paper's
    85 % / 15 %). ``test=0`` holds nothing out, for a set that comes with its
    own test images (CIFAR): the test part is then an empty array. Each part
    keeps the class proportions (counts rounded per class) and is itself
    shuffled.

    Returns:
        ``(train, validation, test)`` index arrays that together cover every
        example exactly once.

    Raises:
        ValueError: for fractions outside [0, 1), no labels at all, or a
        split that leaves a part with a non-zero fraction empty.
    """
    labels = np.asarray(labels).reshape(-1)
    if len(labels) == 0:
        raise ValueError("labels is empty: there is nothing to split.")
    for name, value in (("validation", validation), ("test", test)):
        if not 0 <= value < 1:
            raise ValueError(
                f"{name}={value} must be a fraction in [0, 1), e.g. 0.15."
            )
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[], [], []]
    for cls in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == cls))
        n_test = round(len(members) * test)
        n_val = round((len(members) - n_test) * validation)
        parts[2].append(members[:n_test])
        parts[1].append(members[n_test : n_test + n_val])
        parts[0].append(members[n_test + n_val :])
    train, val, held_out = (rng.permutation(np.concatenate(p)) for p in parts)
    for name, part, fraction in (
        ("training", train, 1),
        ("validation", val, validation),
        ("test", held_out, test),
    ):
        if fraction > 0 and len(part) == 0:
            raise ValueError(
                f"the {name} part is empty: {len(labels)} examples are too "
                "few for this split."
            )
    return train, val, held_out


def augmentation(
    *,
    rotation_range: float = 30,
    width_shift_range: float = 0.2,
    height_shift_range: float = 0.2,
    shear_range: float = 15,
    zoom_range: tuple[float, float] = (0.75, 1.5),
    flip: str | None = "horizontal_and_vertical",
    fill_mode: str = "nearest",
    seed: int | None = None,
    name: str = "augmentation",
) -> keras.Sequential:
    """Keras preprocessing layers doing what
    ``ImageDataGenerator(**PAPER_AUGMENTATION)`` did (the defaults).

    Units are the generator's; each becomes the Keras 3 layer's:
    ``RandomRotation(rotation_range / 360)`` (a fraction of a full turn),
    ``RandomTranslation(height, width)``, ``RandomShear(tan(shear_range))``,
    ``RandomZoom((zoom_range[0] - 1, zoom_range[1] - 1))`` (negative zooms
    in), ``RandomFlip(flip)``. The generator's default fill, repeating the
    nearest edge pixel, is kept. Layers with a zero setting are left out.

    The layers change images only when called with ``training=True`` (``fit``
    does this for layers inside a model; in a ``tf.data`` pipeline, pass it
    yourself, as :func:`batches` does).

    Returns:
        A ``keras.Sequential`` of the random layers, in the order above.
    """
    if flip not in FLIPS:
        raise ValueError(f"flip={flip!r} is not valid; use one of {FLIPS}.")
    low, high = zoom_range
    if not 0 < low <= high:
        raise ValueError(
            f"zoom_range={zoom_range} must be (smallest, largest) fractions "
            "above 0, e.g. (0.75, 1.5)."
        )
    layers: list[keras.layers.Layer] = []
    if rotation_range:
        layers.append(
            keras.layers.RandomRotation(
                rotation_range / 360, fill_mode=fill_mode, seed=seed
            )
        )
    if width_shift_range or height_shift_range:
        layers.append(
            keras.layers.RandomTranslation(
                height_shift_range,
                width_shift_range,
                fill_mode=fill_mode,
                seed=seed,
            )
        )
    if shear_range:
        layers.append(
            keras.layers.RandomShear(
                x_factor=math.tan(math.radians(shear_range)),
                fill_mode=fill_mode,
                seed=seed,
            )
        )
    if (low, high) != (1, 1):
        layers.append(
            keras.layers.RandomZoom(
                (low - 1, high - 1), fill_mode=fill_mode, seed=seed
            )
        )
    if flip:
        layers.append(keras.layers.RandomFlip(flip, seed=seed))
    return keras.Sequential(layers, name=name)


def batches(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    *,
    shuffle: bool = False,
    augment: keras.layers.Layer | None = None,
    repeat: bool = False,
    seed: int = config.DEFAULT_SEED,
) -> tf.data.Dataset:
    """A ``tf.data`` pipeline of ``(images, labels)`` batches with images
    scaled to ``float32`` in [0, 1]. Taught in chapter 5.

    ``x`` holds ``uint8`` pixels (N, height, width, channels); they are
    cached as they are, then divided by 255 (exactly
    :func:`nnbook.images.scale`). With ``shuffle`` the order changes every
    epoch; with ``augment`` each batch goes through those layers
    (``training=True``) in parallel with training. Labels become ``float32``.
    With ``repeat`` the batches never end: each pass over ``x`` is one epoch
    (reshuffled when ``shuffle``), and ``fit`` needs
    ``steps_per_epoch=steps_per_epoch(len(x), batch_size)``. Keras then keeps
    one iterator for the whole run; a finite dataset gets a new one every
    epoch, and with Keras 3.15 / TensorFlow 2.21 about half of those restarts
    stall the next step for as long as a trace of the train step (seconds
    for a CNN on a CPU). Chapter 5 writes the pipeline's steps out line for
    line (``tests/unit/test_pipeline.py`` checks that they still agree).

    Returns:
        The dataset of ``(images, labels)`` batches, finite unless
        ``repeat``.

    Raises:
        ValueError: if ``x`` is not ``uint8`` images or ``x`` and ``y``
        differ in length.
    """
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype != np.uint8 or x.ndim != 4:
        raise ValueError(
            "x must be uint8 images of shape (N, height, width, channels), "
            f"got {x.dtype}{x.shape}; pass the loader's pixels before "
            "scaling them."
        )
    if len(x) != len(y):
        raise ValueError(
            f"x has {len(x)} images but y has {len(y)} labels; they must "
            "match."
        )
    y = y.astype("float32")
    # kept in memory after the first epoch, as uint8: 4 times smaller
    data = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if shuffle:  # a new order every epoch
        data = data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    # batches of images scaled to [0, 1], exactly like images.scale
    data = data.batch(batch_size).map(
        lambda images, labels: (tf.cast(images, tf.float32) / 255.0, labels),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    if augment is not None:  # random layers, on the fly (training=True)
        data = data.map(
            lambda images, labels: (augment(images, training=True), labels),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    if repeat:  # one endless stream: fit needs steps_per_epoch
        data = data.repeat()
    # the next batch is made ready while the model trains on this one
    return data.prefetch(tf.data.AUTOTUNE)


def steps_per_epoch(n_images: int, batch_size: int) -> int:
    """Batches in one pass over ``n_images`` images, the last one possibly
    smaller: what ``fit(..., steps_per_epoch=...)`` needs for a
    :func:`batches` stream made with ``repeat=True``.

    Returns:
        ``ceil(n_images / batch_size)``.

    Raises:
        ValueError: for no images or a batch size below 1.
    """
    if n_images < 1 or batch_size < 1:
        raise ValueError(
            f"n_images={n_images} and batch_size={batch_size} must both be "
            "at least 1."
        )
    return math.ceil(n_images / batch_size)
