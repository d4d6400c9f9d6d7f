"""nnbook.pipeline: the split is stratified and complete, batches scale like
images.scale and are what chapter 5 teaches, augmentation layers."""

from __future__ import annotations

import inspect
import json
import math
from pathlib import Path

import keras
import numpy as np
import pytest

from nnbook import images, pipeline


def test_split_is_stratified_complete_and_seeded():
    labels = np.repeat(
        [0, 1], [600, 400]
    )  # sorted by class, as the loader returns them
    train, val, test = pipeline.split_indices(
        labels, validation=0.15, test=0.15, seed=1
    )
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(
        range(1000)
    )
    assert (
        len(test) == 150 and abs(len(val) - 850 * 0.15) <= 1
    )  # rounded per class
    for part in (train, val, test):
        assert abs(labels[part].mean() - 0.4) < 0.01
    assert not np.array_equal(
        test, np.sort(test)
    )  # shuffled, not in the loader's order
    again = pipeline.split_indices(labels, validation=0.15, test=0.15, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))


@pytest.mark.parametrize(
    "kwargs, message",
    [({"test": 1.0}, "fraction"), ({"validation": -0.1}, "fraction")],
)
def test_split_rejects_bad_fractions(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pipeline.split_indices([0, 1] * 10, **kwargs)


def test_split_without_a_test_part_keeps_every_example_for_the_other_two():
    labels = np.repeat([0, 1, 2], [503, 298, 199])  # sorted by class
    train, val, test = pipeline.split_indices(
        labels, validation=0.1, test=0, seed=5432
    )
    assert len(test) == 0 and test.dtype == train.dtype
    assert sorted(np.concatenate([train, val]).tolist()) == list(range(1000))
    # 10 % of each class, rounded per class: 50 + 30 + 20
    assert np.bincount(labels[val]).tolist() == [50, 30, 20]
    assert len(val) == 100 and len(train) == 900
    again = pipeline.split_indices(labels, validation=0.1, test=0, seed=5432)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    other = pipeline.split_indices(labels, validation=0.1, test=0, seed=1)
    assert not np.array_equal(val, other[1])  # the seed chooses the images


def test_split_refuses_no_labels():
    with pytest.raises(ValueError, match="nothing to split"):
        pipeline.split_indices([], validation=0.1, test=0)


def test_split_refuses_an_empty_part():
    with pytest.raises(ValueError, match="too few"):
        pipeline.split_indices([0, 1], validation=0.15, test=0.15)


def test_batches_scale_like_images_scale_and_shuffle():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(10, 4, 4, 1), dtype=np.uint8)
    y = np.arange(10) % 2
    first, labels = next(iter(pipeline.batches(x, y, batch_size=10)))
    assert first.dtype == "float32" and np.array_equal(
        first.numpy(), images.scale(x)
    )
    assert labels.dtype == "float32" and np.array_equal(labels.numpy(), y)
    shuffled = pipeline.batches(x, y, batch_size=10, shuffle=True, seed=3)
    epochs = [next(iter(shuffled))[0].numpy() for _ in range(2)]
    assert not np.array_equal(epochs[0], epochs[1])  # a new order every epoch
    assert np.array_equal(
        np.sort(epochs[0].reshape(10, -1), axis=0),
        np.sort(images.scale(x).reshape(10, -1), axis=0),
    )


def test_repeated_batches_pass_over_every_image_once_per_epoch():
    x = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)
    data = pipeline.batches(
        x, np.zeros(10), batch_size=4, shuffle=True, repeat=True, seed=2
    )
    steps = pipeline.steps_per_epoch(len(x), 4)
    assert steps == 3  # 4 + 4 + 2
    assert data.cardinality().numpy() == -1  # tf.data.INFINITE_CARDINALITY
    stream = iter(data)
    epochs = []
    for _ in range(3):
        batch_list = [next(stream)[0].numpy() for _ in range(steps)]
        assert [len(b) for b in batch_list] == [4, 4, 2]
        epochs.append(np.concatenate(batch_list).reshape(-1) * 255)
    for order in epochs:  # each epoch: every image exactly once
        assert sorted(np.round(order).tolist()) == list(range(10))
    assert not np.array_equal(epochs[0], epochs[1])  # reshuffled
    finite = pipeline.batches(x, np.zeros(10), batch_size=4)
    assert finite.cardinality().numpy() == 3


def test_steps_per_epoch_counts_the_last_short_batch_and_refuses_nonsense():
    assert pipeline.steps_per_epoch(9000, 128) == 71
    assert pipeline.steps_per_epoch(256, 128) == 2
    with pytest.raises(ValueError, match="at least 1"):
        pipeline.steps_per_epoch(0, 128)
    with pytest.raises(ValueError, match="at least 1"):
        pipeline.steps_per_epoch(10, 0)


def test_batches_augment_only_the_training_pipeline():
    x = np.tile(
        np.arange(16, dtype=np.uint8).reshape(1, 4, 4, 1) * 16, (8, 1, 1, 1)
    )
    flip = keras.layers.RandomFlip("horizontal", seed=0)
    batch = next(
        iter(pipeline.batches(x, np.zeros(8), batch_size=8, augment=flip))
    )[0].numpy()
    plain = images.scale(x)
    mirrored = plain[:, :, ::-1]
    assert all(
        np.array_equal(b, p) or np.array_equal(b, m)
        for b, p, m in zip(batch, plain, mirrored)
    )
    assert any(np.array_equal(b, m) for b, m in zip(batch, mirrored))


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((2, 4, 4, 1), "float32"), "uint8"),
        (np.zeros((2, 4, 4), "uint8"), "uint8"),
    ],
)
def test_batches_want_uint8_images(x, message):
    with pytest.raises(ValueError, match=message):
        pipeline.batches(x, np.zeros(2), batch_size=2)


def test_batches_want_matching_labels():
    with pytest.raises(ValueError, match="must match"):
        pipeline.batches(
            np.zeros((3, 2, 2, 1), "uint8"), np.zeros(2), batch_size=2
        )


def test_augmentation_translates_the_papers_settings():
    augment = pipeline.augmentation()
    kinds = [type(layer).__name__ for layer in augment.layers]
    assert kinds == [
        "RandomRotation",
        "RandomTranslation",
        "RandomShear",
        "RandomZoom",
        "RandomFlip",
    ]
    rotation, translation, shear, zoom, flip = augment.layers
    assert rotation.get_config()["factor"] in (30 / 360, (-30 / 360, 30 / 360))
    assert (
        translation.get_config()["height_factor"] == 0.2
        and translation.get_config()["width_factor"] == 0.2
    )
    assert max(map(abs, shear.get_config()["x_factor"])) == pytest.approx(
        math.tan(math.radians(15))
    )
    assert tuple(zoom.get_config()["height_factor"]) == pytest.approx(
        (-0.25, 0.5)
    )
    assert flip.mode == "horizontal_and_vertical"
    photos = np.random.default_rng(0).random((4, 16, 16, 1)).astype("float32")
    out = keras.ops.convert_to_numpy(augment(photos, training=True))
    assert out.shape == photos.shape and not np.allclose(out, photos)
    assert np.array_equal(
        keras.ops.convert_to_numpy(augment(photos, training=False)), photos
    )


def test_augmentation_options_and_errors():
    assert [
        type(layer).__name__
        for layer in pipeline.augmentation(
            rotation_range=0, shear_range=0, zoom_range=(1, 1), flip=None
        ).layers
    ] == ["RandomTranslation"]
    assert (
        pipeline.augmentation(flip="horizontal").layers[-1].mode
        == "horizontal"
    )
    with pytest.raises(ValueError, match="flip"):
        pipeline.augmentation(flip="diagonal")
    with pytest.raises(ValueError, match="zoom_range"):
        pipeline.augmentation(zoom_range=(1.5, 0.75))


CHAPTER_5 = (
    Path(__file__).resolve().parents[2]
    / "chapters/05_convolutions/convolutions.ipynb"
)


def test_chapter_5_teaches_the_pipeline_line_for_line():
    """Chapter 5 writes out the steps of batches as nnbook has them (from
    the labels' cast to the prefetch); chapters 6 to 9 import it."""
    source = inspect.getsource(pipeline.batches).splitlines()
    start = source.index('    y = y.astype("float32")')
    wanted = [line.rstrip() for line in source[start:] if line.strip()]
    cells = json.loads(CHAPTER_5.read_text())["cells"]
    code = [
        line.rstrip()
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if line.strip()
    ]
    found = any(code[i : i + len(wanted)] == wanted for i in range(len(code)))
    assert found, (
        "chapter 5 must write out the steps of nnbook.pipeline.batches "
        "exactly as nnbook/pipeline.py has them:\n" + "\n".join(wanted)
    )
    assert "Taught in chapter 5" in pipeline.batches.__doc__
    assert "Taught in chapter 5" in pipeline.__doc__
