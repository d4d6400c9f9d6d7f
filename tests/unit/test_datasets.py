"""nnbook.datasets against the real offline subsets in ../shared/datasets (see its MANIFEST.md).

Skipped, with the reason, when that folder is absent. Images are decoded at 16x16 to keep this fast.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnbook import config
from nnbook import datasets as D
from nnbook.datasets import download

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(
    os.environ.get("NNBOOK_DATA_DIR") or REPO.parent / "shared" / "datasets"
).resolve()
needs_shared = pytest.mark.skipif(
    not (SHARED / "MANIFEST.md").is_file(),
    reason=f"shared test data not found at {SHARED} (set NNBOOK_DATA_DIR to the shared/datasets folder)",
)


@pytest.fixture(autouse=True)
def offline_env(monkeypatch, tmp_path):
    """Quick mode, the shared folder as NNBOOK_DATA_DIR, and an empty cache that must stay empty."""
    monkeypatch.setenv("NNBOOK_MODE", "quick")
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(SHARED))
    monkeypatch.setenv("NNBOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(download, "fetch", offline)


def offline(url: str, target: Path) -> None:
    raise OSError(f"no network in tests ({url})")


def counts(y: np.ndarray) -> list[int]:
    return np.bincount(np.asarray(y).ravel()).tolist()


# --------------------------------------------------------------------------------------- array datasets


@needs_shared
def test_mnist_subset_is_balanced_and_real():
    d = D.mnist(n_train=12_000, n_test=10_000)
    assert d.x_train.shape == (12000, 28, 28) and d.x_train.dtype == np.uint8
    assert d.y_train.shape == (12000,) and d.y_train.dtype == np.uint8
    assert counts(d.y_train) == [1200] * 10
    assert d.x_test.shape == (10000, 28, 28) and d.y_test.shape == (10000,)
    assert d.x_train.max() == 255 and d.x_train.min() == 0
    assert d.class_names == [str(i) for i in range(10)]
    assert (
        d.source == "$NNBOOK_DATA_DIR/mnist/mnist_subset.npz (NNBOOK_DATA_DIR)"
    )
    (x_train, y_train), (x_test, y_test) = d  # unpacks like keras.datasets
    assert x_train is d.x_train and y_test is d.y_test


@needs_shared
def test_mnist_offline_copy_holds_the_first_24680_official_training_images():
    d = D.mnist(
        n_train=60_000
    )  # asking for all of MNIST gives everything the offline copy has
    assert d.x_train.shape == (24680, 28, 28) and d.y_train.shape == (24680,)
    # per-class counts of the first 24,680 official training labels (MANIFEST.md)
    assert counts(d.y_train) == [
        2438,
        2808,
        2417,
        2562,
        2413,
        2208,
        2436,
        2564,
        2359,
        2475,
    ]
    official = Path(SHARED, "mnist", "train-labels-idx1-ubyte.gz")
    with gzip.open(official) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    assert np.array_equal(
        d.y_train, labels[:24680]
    )  # in official order, with the official labels
    assert D.mnist(n_train=24_680).x_train.shape[0] == 24680


@needs_shared
def test_mnist_test_set_matches_the_official_idx_files():
    d = D.mnist(n_train=10)
    np.testing.assert_array_equal(
        d.x_test, D.read_idx(SHARED / "mnist" / "t10k-images-idx3-ubyte.gz")
    )
    np.testing.assert_array_equal(
        d.y_test, D.read_idx(SHARED / "mnist" / "t10k-labels-idx1-ubyte.gz")
    )


@needs_shared
def test_mnist_subset_override_is_balanced_and_deterministic():
    a = D.mnist(n_train=1000, n_test=500)
    assert counts(a.y_train) == [100] * 10 and counts(a.y_test) == [50] * 10
    b = D.mnist(n_train=1000, n_test=500)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    c = D.mnist(n_train=1000, n_test=500, seed=1)
    assert not np.array_equal(a.x_train, c.x_train)


@needs_shared
def test_fashion_mnist_subset_is_balanced_and_none_is_everything():
    d = D.fashion_mnist(n_train=12_000, n_test=10_000)
    assert d.x_train.shape == (12000, 28, 28) and d.x_train.dtype == np.uint8
    assert counts(d.y_train) == [1200] * 10 and counts(d.y_test) == [1000] * 10
    assert (
        d.class_names[0] == "T-shirt/top" and d.class_names[9] == "Ankle boot"
    )
    full = D.fashion_mnist()  # quick mode (the fixture), yet everything
    assert full.x_train.shape == (60000, 28, 28) and full.x_test.shape == (
        10000,
        28,
        28,
    )
    assert counts(full.y_train) == [6000] * 10


@needs_shared
def test_cifar10_subset_and_everything():
    d = D.cifar10(n_train=5_000, n_test=1_000)
    assert d.x_train.shape == (5000, 32, 32, 3) and d.x_train.dtype == np.uint8
    assert d.y_train.shape == (5000, 1) and d.y_test.shape == (
        1000,
        1,
    )  # a column, as keras gives it
    assert counts(d.y_train) == [500] * 10 and counts(d.y_test) == [100] * 10
    assert d.class_names == D.CIFAR10_CLASSES
    full = D.cifar10()  # None: everything, in quick mode too
    assert full.x_train.shape == (10000, 32, 32, 3) and full.x_test.shape == (
        2000,
        32,
        32,
        3,
    )
    assert counts(full.y_train) == [
        1005,
        974,
        1032,
        1016,
        999,
        937,
        1030,
        1001,
        1025,
        981,
    ]


@needs_shared
def test_loaders_never_read_the_mode(monkeypatch, tmp_path):
    """Sizes are the chapter's: None is everything, whatever the mode."""

    def no_mode() -> str:
        raise AssertionError("a loader asked for the mode")

    monkeypatch.setattr(config, "mode", no_mode)
    monkeypatch.setattr(config, "is_quick", no_mode)
    assert len(D.mnist().x_train) == 24680 and len(D.cifar10().x_test) == 2000
    assert len(D.cifar100().x_train) == 1117
    pets, faces = tmp_path / "pets", tmp_path / "faces"
    for cls in ("cat", "dog"):
        (pets / cls).mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (9, 9)).save(pets / cls / f"{cls}.{i}.jpg")
    faces.mkdir()
    for age in (1, 30, 90):
        Image.new("RGB", (9, 9)).save(
            faces / f"{age}_0_0_20170109150557335.jpg.chip.jpg"
        )
    assert len(D.cats_vs_dogs(size=8, path=pets).x) == 6
    assert len(D.utkface(size=8, path=faces).x) == 3
    assert len(D.utkface(size=8, n=2, path=faces).x) == 2


# CIFAR-100 (now in the shared folder as cifar100_subset.npz): tests/unit/test_datasets_cifar100.py


# ------------------------------------------------------------------------------------------ cats vs dogs


def decode_everything(loader, folder: str):
    """Every image of a shared folder at 16x16: decoded once per module (module-scoped fixtures below)."""
    if not (SHARED / "MANIFEST.md").is_file():
        pytest.skip(f"shared test data not found at {SHARED}")
    return loader(size=16, n=10**9, path=SHARED / folder)


@pytest.fixture(scope="module")
def all_cats_dogs():
    return decode_everything(D.cats_vs_dogs, "cats_vs_dogs")


@needs_shared
def test_cats_vs_dogs_full_folder(all_cats_dogs):
    d = all_cats_dogs
    assert d.x.shape == (3000, 16, 16, 3) and d.x.dtype == np.uint8
    assert counts(d.y) == [1500, 1500] and d.class_names == ["cat", "dog"]
    assert d.skipped == []
    assert d.files[0] == "cat/cat.1.jpg" and all(
        f.startswith(("cat/", "dog/")) for f in d.files
    )
    assert all(
        f.split("/")[0] == d.class_names[y] for f, y in zip(d.files, d.y)
    )


@needs_shared
def test_cats_vs_dogs_subset_is_balanced_and_is_a_subset(all_cats_dogs):
    d = D.cats_vs_dogs(size=16, n=1_000)
    assert d.x.shape == (1000, 16, 16, 3) and counts(d.y) == [500, 500]
    index = {f: i for i, f in enumerate(all_cats_dogs.files)}
    rows = [index[f] for f in d.files]
    np.testing.assert_array_equal(d.x, all_cats_dogs.x[rows])
    assert (
        D.cats_vs_dogs(size=16, n=40).files
        == D.cats_vs_dogs(size=16, n=40).files
    )


@needs_shared
def test_cats_vs_dogs_grayscale():
    x, y = D.cats_vs_dogs(size=24, color="grayscale", n=10)
    assert x.shape == (10, 24, 24, 1) and counts(y) == [5, 5]


# ----------------------------------------------------------------------------------------------- UTKFace


@pytest.fixture(scope="module")
def all_faces():
    return decode_everything(D.utkface, "utkface")


@needs_shared
def test_utkface_full_folder_labels(all_faces):
    d = all_faces
    assert d.x.shape == (3000, 16, 16, 3) and d.skipped == []
    assert (
        d.age.dtype == np.int32
        and d.gender.dtype == np.uint8
        and d.race.dtype == np.uint8
    )
    assert d.age.min() == 1 and d.age.max() == 116
    assert counts(d.gender) == [1551, 1449]
    assert counts(d.race) == [1260, 568, 413, 527, 232]
    age, gender, race = D.parse_utkface_name(d.files[0])
    assert (d.age[0], d.gender[0], d.race[0]) == (age, gender, race)
    shown = repr(
        d
    )  # chapters print it: the folder by its last part, never the machine's path
    assert "folder=…/utkface" in shown and f"folder={d.folder}" not in shown


@needs_shared
def test_utkface_subsets_are_balanced_and_deterministic():
    d = D.utkface(size=16, n=1_500)
    assert d.x.shape == (1500, 16, 16, 3) and counts(d.gender) == [750, 750]
    by_race = D.utkface(size=8, n=1_500, balance_by="race")
    assert counts(by_race.race) == [
        317,
        317,
        317,
        317,
        232,
    ]  # race 4 has only 232: all of them
    by_age = D.utkface(size=8, n=100, balance_by="age")
    assert (
        len(by_age.files) == 100 and counts(D.age_bin(by_age.age)) == [10] * 10
    )
    assert (
        D.utkface(size=8, n=30, seed=3).files
        == D.utkface(size=8, n=30, seed=3).files
    )


@needs_shared
def test_utkface_malformed_names_are_reported_not_fatal(capsys):
    d = D.utkface(size=8, path=SHARED / "utkface_malformed")
    assert (
        "utkface: skipped 9 files with malformed names"
        in capsys.readouterr().out
    )
    assert len(d.x) == 0 and d.x.shape == (0, 8, 8, 3)
    three = "has 3 fields, expected 4 (age_gender_race_datetime)"
    assert dict(d.skipped) == {
        "14_0_0_2017011022340900.jpg.chip.jpg": "datetime '2017011022340900' is not 17 digits",
        "24_0_1_20170116220224657 .jpg.chip.jpg": "datetime '20170116220224657 ' is not 17 digits",
        "28_1_2_201701161846515488.jpg.chip.jpg": "datetime '201701161846515488' is not 17 digits",
        "38_0_1_201701162330572788.jpg.chip.jpg": "datetime '201701162330572788' is not 17 digits",
        "39_1_20170116174525125.jpg.chip.jpg": three,
        "55_0_0_20170116232725357jpg.chip.jpg":
            "does not end in '.jpg.chip.jpg'; datetime '20170116232725357jpg' is not 17 digits",
        "61_1_20170109142408075.jpg.chip.jpg": three,
        "61_1_20170109150557335.jpg.chip.jpg": three,
        "61_3_20170109150557335.jpg.chip.jpg": three + "; gender '3' is not 0 or 1",
    }  # fmt: skip


@needs_shared
def test_utkface_well_formed_names_all_parse():
    names = [p.name for p in (SHARED / "utkface").iterdir()]
    assert len(names) == 3000 and all(
        D.utkface_name_problems(n) == [] for n in names
    )


# ------------------------------------------------------------------------------------ pure functions


def test_parse_utkface_name():
    assert D.parse_utkface_name("26_1_3_20170117180000000.jpg.chip.jpg") == (
        26,
        1,
        3,
    )
    with pytest.raises(ValueError, match=r"race '5' is not 0-4"):
        D.parse_utkface_name("26_1_5_20170117180000000.jpg.chip.jpg")
    with pytest.raises(ValueError, match=r"age 'x' is not 1-3 digits"):
        D.parse_utkface_name("x_1_3_20170117180000000.jpg.chip.jpg")


def test_age_bins_match_the_paper_classes():
    ages = np.array([1, 10, 11, 20, 21, 89, 90, 91, 116])
    assert D.age_bin(ages).tolist() == [0, 0, 1, 1, 2, 8, 8, 9, 9]
    assert D.AGE_CLASSES_10 == [
        "<=10",
        "<=20",
        "<=30",
        "<=40",
        "<=50",
        "<=60",
        "<=70",
        "<=80",
        "<=90",
        ">90",
    ]
    assert D.age_bin(
        np.array([1, 5, 6, 10, 86, 90, 91, 116]), width=5
    ).tolist() == [0, 0, 1, 1, 17, 17, 18, 18]
    assert len(D.age_bin_names(5)) == 19 and D.age_bin_names(5)[-2:] == [
        "<=90",
        ">90",
    ]
    # every 5-year class sits inside one 10-year class
    assert (
        D.age_bin(np.arange(1, 117), 5) // 2
        == D.age_bin(np.arange(1, 117), 10)
    ).all()
    with pytest.raises(ValueError, match="width must divide 90"):
        D.age_bin(30, width=7)


def test_balanced_indices_share_out_a_small_class():
    labels = np.array([0] * 50 + [1] * 5 + [2] * 45)
    idx = D.balanced_indices(labels, 31, seed=0)
    assert len(idx) == 31 and counts(labels[idx]) == [13, 5, 13]
    assert (np.diff(idx) > 0).all()  # sorted, no repeats
    np.testing.assert_array_equal(idx, D.balanced_indices(labels, 31, seed=0))
    assert not np.array_equal(idx, D.balanced_indices(labels, 31, seed=1))
    assert counts(labels[D.balanced_indices(labels, 30, seed=0)]) == [
        12,
        5,
        13,
    ]
    np.testing.assert_array_equal(
        D.balanced_indices(labels, None), np.arange(100)
    )
    np.testing.assert_array_equal(
        D.balanced_indices(labels, 500), np.arange(100)
    )
    assert counts(labels[D.balanced_indices(labels.reshape(-1, 1), 9)]) == [
        3,
        3,
        3,
    ]


def test_explicit_path_without_data_is_a_clear_error(tmp_path):
    with pytest.raises(
        D.DatasetNotFoundError, match="holds no cat/\\*.jpg and dog/\\*.jpg"
    ):
        D.cats_vs_dogs(path=tmp_path)
