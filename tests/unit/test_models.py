import json

import keras
import numpy as np
import pytest

from nnbook import images, models


def tiny(input_shape=(8, 8, 1), outputs=1):
    activation = "sigmoid" if outputs == 1 else "softmax"
    return keras.Sequential(
        [
            keras.Input(input_shape),
            keras.layers.Flatten(),
            keras.layers.Dense(outputs, activation=activation),
        ]
    )


def test_save_writes_both_files_and_load_gives_the_same_predictions(tmp_path):
    model = tiny((8, 8, 3), outputs=3)
    path = models.save(model, "toys", ["a", "b", "c"], tmp_path)
    assert path == tmp_path / "toys.keras" and path.is_file()
    assert json.loads((tmp_path / "toys.classes.json").read_text()) == [
        "a",
        "b",
        "c",
    ]
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    loaded, spec = models.load("toys", tmp_path)
    assert spec == models.ModelSpec(
        "toys", size=8, channels=3, class_names=["a", "b", "c"]
    )
    assert spec.color == "rgb"
    x = np.random.default_rng(0).random((4, 8, 8, 3), dtype=np.float32)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )


def test_a_one_sigmoid_model_needs_exactly_two_class_names(tmp_path):
    spec = models.spec_of(tiny(), "cats_vs_dogs", ["cat", "dog"])
    assert (spec.size, spec.channels, spec.color) == (8, 1, "grayscale")
    with pytest.raises(
        models.ModelFileError, match="one-sigmoid model exactly two names"
    ):
        models.save(tiny(), "pets", ["cat", "dog", "rabbit"], tmp_path)
    with pytest.raises(models.ModelFileError, match="3 output"):
        models.spec_of(tiny(outputs=3), "x", ["a", "b"])


def test_a_model_that_does_not_take_square_images_is_refused():
    flat = keras.Sequential(
        [keras.Input((10,)), keras.layers.Dense(2, activation="softmax")]
    )
    with pytest.raises(
        models.ModelFileError, match="expected \\(None, size, size, 1 or 3\\)"
    ):
        models.spec_of(flat, "flat", ["a", "b"])


@pytest.mark.parametrize(
    "name", ["", "../etc", "Cats", "a/b", "x" * 65, "a.b", None]
)
def test_names_that_could_become_paths_are_refused(name):
    with pytest.raises(models.ModelFileError, match="not valid"):
        models.check_name(name)


def test_load_says_what_is_missing_or_broken(tmp_path):
    with pytest.raises(
        models.ModelFileError, match="not found.*run the chapter"
    ):
        models.load("nothing", tmp_path)
    models.save(tiny(), "pets", ["cat", "dog"], tmp_path)
    (tmp_path / "pets.classes.json").write_text("{not json")
    with pytest.raises(models.ModelFileError, match="not a JSON list"):
        models.load("pets", tmp_path)
    (tmp_path / "pets.classes.json").write_text('["cat", "dog"]')
    (tmp_path / "pets.keras").write_bytes(b"not a zip file")
    with pytest.raises(models.ModelFileError, match="cannot load"):
        models.load("pets", tmp_path)


def test_discover_lists_only_complete_pairs(tmp_path):
    models.save(tiny(), "b_model", ["x", "y"], tmp_path)
    models.save(tiny(), "a_model", ["x", "y"], tmp_path)
    (tmp_path / "orphan.keras").write_bytes(b"")
    (tmp_path / "Bad-Name.keras").write_bytes(b"")
    (tmp_path / "Bad-Name.classes.json").write_text("[]")
    assert models.discover(tmp_path) == ["a_model", "b_model"]


def test_class_probabilities_and_top_k():
    np.testing.assert_allclose(
        models.class_probabilities(np.array([[0.8], [0.1]])),
        [[0.2, 0.8], [0.9, 0.1]],
    )
    soft = np.array([[0.1, 0.6, 0.3]])
    np.testing.assert_array_equal(models.class_probabilities(soft), soft)
    assert models.top_k(soft[0], ["a", "b", "c"], k=2) == [
        ("b", 0.6),
        ("c", 0.3),
    ]
    assert models.top_k([0.25, 0.75], ["cat", "dog"], k=3) == [
        ("dog", 0.75),
        ("cat", 0.25),
    ]


def test_a_saved_model_takes_what_to_model_input_returns(tmp_path):
    from PIL import Image

    models.save(tiny((8, 8, 1)), "gray", ["cat", "dog"], tmp_path)
    model, spec = models.load("gray", tmp_path)
    x = images.to_model_input(
        Image.new("RGB", (30, 20), (255, 0, 0)), spec.size, spec.color
    )
    assert x.shape == (1, 8, 8, 1)
    assert model.predict(x, verbose=0).shape == (1, 1)
