"""nnbook.datasets.cifar100: the offline subset (cifar100_subset.npz), fine and coarse labels, names, errors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from nnbook import datasets as D

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(
    os.environ.get("NNBOOK_DATA_DIR") or REPO.parent / "shared" / "datasets"
).resolve()
needs_shared = pytest.mark.skipif(
    not (SHARED / "cifar100" / "cifar100_subset.npz").is_file(),
    reason=f"no cifar100_subset.npz under {SHARED}",
)


@pytest.fixture(autouse=True)
def offline_env(monkeypatch, tmp_path):
    monkeypatch.setenv("NNBOOK_MODE", "quick")
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(SHARED))
    monkeypatch.setenv("NNBOOK_CACHE_DIR", str(tmp_path / "cache"))


@needs_shared
def test_fine_labels_and_names():
    d = D.cifar100()
    assert d.x_train.shape == (1117, 32, 32, 3) and d.x_train.dtype == np.uint8
    assert d.x_test.shape == (916, 32, 32, 3)
    assert (
        d.y_train.shape == (1117, 1)
        and d.y_test.shape == (916, 1)
        and d.y_train.dtype == np.int64
    )
    assert len(d.class_names) == 100 and d.class_names[:3] == [
        "apple",
        "aquarium_fish",
        "baby",
    ]
    assert d.class_names[-1] == "worm"
    assert set(np.unique(d.y_train)) == set(
        range(100)
    )  # every fine class present (5-22 each)
    assert d.y_train[:3, 0].tolist() == [19, 29, 0] and d.y_test[
        :3, 0
    ].tolist() == [49, 33, 72]  # official order
    assert "cifar100_subset.npz" in d.source and "NNBOOK_DATA_DIR" in d.source


@needs_shared
def test_coarse_labels_and_names():
    d = D.cifar100(label_mode="coarse")
    assert len(d.class_names) == 20 and d.class_names[0] == "aquatic_mammals"
    assert d.y_train.shape == (1117, 1) and int(d.y_train.max()) == 19
    assert d.y_train[:3, 0].tolist() == [11, 15, 4]
    fine = D.cifar100()
    assert np.array_equal(fine.x_train, d.x_train)  # same images, other labels


@needs_shared
def test_subset_sizes_and_bad_label_mode():
    d = D.cifar100(n_train=200, n_test=100)
    assert len(d.x_train) == 200 and len(d.x_test) == 100
    assert (
        np.bincount(d.y_train[:, 0], minlength=100).max() <= 3
    )  # class-balanced
    with pytest.raises(ValueError, match="use 'fine' or 'coarse'"):
        D.cifar100(label_mode="medium")


def test_npz_without_coarse_labels_says_what_is_missing(tmp_path):
    folder = tmp_path / "cifar100"
    folder.mkdir()
    x = np.zeros((4, 32, 32, 3), np.uint8)
    y = np.arange(4, dtype=np.uint8)
    np.savez(
        folder / "cifar100_subset.npz",
        x_train=x,
        y_train=y,
        x_test=x,
        y_test=y,
        fine_names=np.array([f"c{i}" for i in range(100)]),
    )
    assert D.cifar100(path=folder).class_names[:2] == ["c0", "c1"]
    with pytest.raises(
        D.DatasetFormatError,
        match="lacks y_train_coarse, y_test_coarse, coarse_names",
    ):
        D.cifar100(path=folder, label_mode="coarse")


def test_corrupt_npz_is_a_format_error(tmp_path):
    folder = tmp_path / "cifar100"
    folder.mkdir()
    (folder / "cifar100_subset.npz").write_bytes(b"not a zip file")
    with pytest.raises(D.DatasetFormatError, match="not a readable .npz"):
        D.cifar100(path=folder)
