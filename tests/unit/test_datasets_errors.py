"""The error contract of nnbook.datasets under broken and hostile files.

Every damaged file is a DatasetFormatError naming the file and what is
wrong, checked before anything is returned; the CIFAR unpickler resolves
only exact (module, name) pairs and never imports a module; a partial local
copy is reported, not silently replaced by a download; UTKFace names need
ASCII digits and an age of 0-116; unreadable folder entries are counted and
named relative to the dataset folder.
"""

from __future__ import annotations

import gzip
import os
import pickle
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnbook import datasets as D

IDX = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


@pytest.fixture(autouse=True)
def no_network(monkeypatch, tmp_path):
    """No data folder, an empty cache, and sources that cannot be reached:
    a test that reaches a download sees DatasetNotFoundError."""
    monkeypatch.delenv("NNBOOK_DATA_DIR", raising=False)
    monkeypatch.setenv("NNBOOK_CACHE_DIR", str(tmp_path / "cache"))
    for name in list(D.SOURCES):
        gone = D.Remote("file:///nonexistent/" + name, "0" * 64, name)
        monkeypatch.setitem(D.SOURCES, name, (gone,))


def folder(tmp_path: Path, name: str) -> Path:
    (tmp_path / name).mkdir(parents=True, exist_ok=True)
    return tmp_path / name


def digits(n: int = 20, shape=(28, 28)) -> dict[str, np.ndarray]:
    x = np.zeros((n, *shape), np.uint8)
    y = (np.arange(n) % 10).astype(np.uint8)
    return {"x_train": x, "y_train": y, "x_test": x, "y_test": y}


def write_idx(path: Path, arr: np.ndarray) -> None:
    header = b"\x00\x00\x08" + bytes([arr.ndim])
    header += struct.pack(f">{arr.ndim}I", *arr.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + arr.astype(np.uint8).tobytes())


# ----------------------------------------------------------- item 7: npz


def good_npz(path: Path, **changes: np.ndarray) -> Path:
    arrays = {**digits(), **changes}
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


@pytest.mark.parametrize(
    "content", [b"", b"PK\x03\x04 cut"], ids=["empty", "truncated"]
)
def test_empty_or_truncated_npz_is_a_format_error(tmp_path, content):
    root = folder(tmp_path, "mnist")
    (root / "mnist.npz").write_bytes(content)
    with pytest.raises(
        D.DatasetFormatError, match=r"mnist\.npz is not a readable \.npz file"
    ):
        D.mnist(path=root)


def test_npz_cut_in_the_middle_is_a_format_error(tmp_path):
    root = folder(tmp_path, "mnist")
    data = good_npz(tmp_path / "whole.npz").read_bytes()
    (root / "mnist.npz").write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(D.DatasetFormatError, match=r"mnist\.npz"):
        D.mnist(path=root)


def test_npz_without_an_array_says_which(tmp_path):
    root = folder(tmp_path, "mnist")
    good_npz(root / "mnist.npz", y_test=None)
    with pytest.raises(
        D.DatasetFormatError, match=r"mnist\.npz lacks y_test; it has x_train"
    ):
        D.mnist(path=root)


def test_npz_images_of_the_wrong_shape_or_dtype_are_refused(tmp_path):
    root = folder(tmp_path, "mnist")
    good_npz(root / "mnist.npz", x_train=np.zeros((20, 5)))
    with pytest.raises(
        D.DatasetFormatError,
        match=r"mnist\.npz: x_train is float64 \(20, 5\), "
        r"expected uint8 \(N, 28, 28\)",
    ):
        D.mnist(path=root)
    root = folder(tmp_path, "cifar10")
    good_npz(
        root / "cifar10_subset.npz", **digits(shape=(32, 32))
    )  # grayscale where RGB is due
    with pytest.raises(D.DatasetFormatError, match=r"\(N, 32, 32, 3\)"):
        D.cifar10(path=root)


def test_npz_labels_that_do_not_fit_are_refused(tmp_path):
    root = folder(tmp_path, "mnist")
    good_npz(root / "mnist.npz", y_train=np.arange(19, dtype=np.uint8))
    with pytest.raises(
        D.DatasetFormatError, match="y_train holds 19 labels for 20 images"
    ):
        D.mnist(path=root)
    good_npz(root / "mnist.npz", y_test=np.full(20, 10, np.uint8))
    with pytest.raises(
        D.DatasetFormatError,
        match=r"y_test holds labels 10\.\.10, expected 0\.\.9",
    ):
        D.mnist(path=root)
    good_npz(root / "mnist.npz", y_test=np.full(20, 0.5))
    with pytest.raises(D.DatasetFormatError, match="expected integer labels"):
        D.mnist(path=root)


def test_a_single_npy_array_is_not_an_npz(tmp_path):
    root = folder(tmp_path, "mnist")
    with open(root / "mnist.npz", "wb") as f:
        np.save(f, np.zeros(3))
    with pytest.raises(D.DatasetFormatError, match="not an .npz archive"):
        D.mnist(path=root)


def test_cifar100_npz_with_wrong_names_is_refused(tmp_path):
    root = folder(tmp_path, "cifar100")
    x = np.zeros((4, 32, 32, 3), np.uint8)
    y = np.arange(4)
    np.savez(
        root / "cifar100_subset.npz",
        x_train=x,
        y_train=y,
        x_test=x,
        y_test=y,
        fine_names=np.array(["a", "b"]),
    )
    with pytest.raises(
        D.DatasetFormatError,
        match="fine_names is not a list of 100 class names",
    ):
        D.cifar100(path=root)


# ----------------------------------------------------------- item 7: idx


def test_idx_header_with_255_dimensions_is_a_format_error(tmp_path):
    with gzip.open(tmp_path / "huge.gz", "wb") as f:
        f.write(b"\x00\x00\x08\xff" + b"\x00" * 8)
    with pytest.raises(
        D.DatasetFormatError, match="huge.gz: its header says 255 dimensions"
    ):
        D.read_idx(tmp_path / "huge.gz")


def test_idx_files_of_the_wrong_shape_are_refused(tmp_path):
    root = folder(tmp_path, "fashion_mnist")
    x, y = np.zeros((10, 28, 28)), np.arange(10) % 10
    for name, arr in zip(IDX, (x, y, np.zeros((10, 28)), y)):
        write_idx(root / name, arr)
    with pytest.raises(
        D.DatasetFormatError,
        match=r"t10k-images-idx3-ubyte\.gz: the image array "
        r"is uint8 \(10, 28\)",
    ):
        D.fashion_mnist(path=root)


# ------------------------------------------------- item 7: CIFAR pickles


def cifar10_folder(tmp_path: Path, test_batch: bytes) -> Path:
    root = folder(tmp_path, "cifar10")
    batches = folder(root, "cifar-10-batches-py")
    rows = np.zeros((10, 3072), np.uint8)
    good = {b"data": rows, b"labels": list(range(10))}
    for i in range(1, 6):
        (batches / f"data_batch_{i}").write_bytes(pickle.dumps(good, 2))
    (batches / "test_batch").write_bytes(test_batch)
    return root


def test_cifar_folder_of_good_pickles_loads(tmp_path):
    good = {
        b"data": np.zeros((10, 3072), np.uint8),
        b"labels": list(range(10)),
    }
    d = D.cifar10(path=cifar10_folder(tmp_path, pickle.dumps(good, 2)))
    assert d.x_train.shape == (50, 32, 32, 3) and d.y_test.shape == (10, 1)
    assert d.y_test.dtype == np.uint8 and d.y_test.ravel().tolist() == [
        *range(10)
    ]


@pytest.mark.parametrize(
    "batch, why",
    [
        ([1, 2, 3], r"holds a list, not a CIFAR batch"),
        ({b"labels": [0]}, r"lacks data; it has labels"),
        (
            {b"data": np.zeros((10, 3071), np.uint8), b"labels": [0] * 10},
            r"data is uint8 \(10, 3071\), expected uint8 \(N, 3072\)",
        ),
        (
            {b"data": np.zeros((10, 3072), np.uint8), b"labels": [0] * 9},
            r"labels holds 9 labels for 10 images",
        ),
        (
            {b"data": np.zeros((10, 3072), np.uint8), b"labels": ["a"] * 10},
            r"expected integer labels",
        ),
    ],
    ids=["not-a-dict", "no-data", "wrong-width", "short-labels", "str-labels"],
)
def test_cifar_pickles_with_the_wrong_content(tmp_path, batch, why):
    root = cifar10_folder(tmp_path, pickle.dumps(batch, 2))
    with pytest.raises(D.DatasetFormatError, match=r"test_batch.*" + why):
        D.cifar10(path=root)


def test_cifar_pickle_that_is_garbage_is_a_format_error(tmp_path):
    root = cifar10_folder(tmp_path, b"\x80\x02}q\x00(X\x01")
    with pytest.raises(
        D.DatasetFormatError,
        match="test_batch is not a readable CIFAR python pickle",
    ):
        D.cifar10(path=root)


# --------------------------------------------- item 8: exact allow-list


def global_pickle(module: str, name: str) -> bytes:
    """A protocol-2 pickle that names ``module.name`` (GLOBAL opcode)."""
    return b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"."


@pytest.mark.parametrize(
    "module, name",
    [
        ("numpy.no_such_module", "ndarray"),  # was: raw ModuleNotFoundError
        ("numpy.f2py.__main__", "dtype"),  # was: imported, so f2py ran
        ("numpy.core.multiarray", "ndarray"),  # allowed module, other name
        ("numpy", "load"),
        ("os", "system"),
    ],
)
def test_cifar_unpickler_allows_exact_pairs_only(tmp_path, module, name):
    root = cifar10_folder(tmp_path, global_pickle(module, name))
    before = set(sys.modules)
    with pytest.raises(
        D.DatasetFormatError, match=f"refusing to load {module}.{name}"
    ):
        D.cifar10(path=root)
    assert set(sys.modules) == before  # nothing was imported


def test_a_pickle_naming_f2py_main_runs_nothing(tmp_path):
    """In a fresh interpreter: numpy.f2py.__main__ is never imported."""
    root = cifar10_folder(
        tmp_path, global_pickle("numpy.f2py.__main__", "dtype")
    )
    code = (
        "import sys\nfrom nnbook import datasets as D\n"
        "try:\n    D.cifar10(path=sys.argv[1])\n"
        "except D.DatasetFormatError as err:\n"
        "    print(type(err).__name__)\n"
        "print('numpy.f2py' in sys.modules)\n"
    )
    env = {**os.environ, "NNBOOK_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.stdout.split() == ["DatasetFormatError", "False"], done.stderr


# ------------------------------------- item 9: partial local copies


def test_partial_copy_in_data_dir_is_reported_not_downloaded(
    monkeypatch, tmp_path
):
    data = tmp_path / "data"
    root = folder(data, "fashion_mnist")
    x, y = np.zeros((10, 28, 28)), np.arange(10) % 10
    for name, arr in zip(IDX[:3], (x, y, x)):
        write_idx(root / name, arr)
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(data))
    with pytest.raises(
        D.DatasetFormatError,
        match=r"has 3 of the 4 idx files "
        r"\(no t10k-labels-idx1-ubyte\.gz\)",
    ):
        D.fashion_mnist()
    assert not (tmp_path / "cache").exists()  # no download was tried


def test_cats_vs_dogs_with_one_class_in_data_dir_is_reported(
    monkeypatch, tmp_path
):
    data = tmp_path / "data"
    Image.new("RGB", (9, 9)).save(folder(data, "cats_vs_dogs/cat") / "1.jpg")
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(data))
    with pytest.raises(D.DatasetFormatError, match="has no dog/ folder"):
        D.cats_vs_dogs(size=8)


def test_empty_data_dir_folder_still_falls_through(monkeypatch, tmp_path):
    data = tmp_path / "data"
    folder(data, "mnist")
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(data))
    with pytest.raises(D.DatasetNotFoundError, match="download failed"):
        D.mnist()


# ------------------------------------------------ item 9: UTKFace names


@pytest.mark.parametrize(
    "name, why",
    [
        (
            "\uff12\uff16_1_3_20170117180000000.jpg.chip.jpg",
            "age",
        ),  # fullwidth
        (
            "\u0662\u0666_1_3_20170117180000000.jpg.chip.jpg",
            "age",
        ),  # Arabic-Indic
        ("26_1_3_2017011718000000\u0660.jpg.chip.jpg", "datetime"),
        ("999_1_3_20170117180000000.jpg.chip.jpg", "age 999 is over 116"),
        ("117_0_0_20170117180000000.jpg.chip.jpg", "age 117 is over 116"),
    ],
)
def test_utkface_names_need_ascii_digits_and_ages_up_to_116(name, why):
    assert any(why in p for p in D.utkface_name_problems(name))
    with pytest.raises(ValueError, match=why):
        D.parse_utkface_name(name)


def test_utkface_ages_0_and_116_are_fine():
    assert D.parse_utkface_name("0_1_2_20170117180000000.jpg.chip.jpg") == (
        0,
        1,
        2,
    )
    assert (
        D.utkface_name_problems("116_0_0_20170117180000000.jpg.chip.jpg") == []
    )


# ----------------------------- item 9: counted skips, relative reasons


def pets(tmp_path: Path) -> Path:
    root = tmp_path / "cats_vs_dogs"
    for cls in ("cat", "dog"):
        for i in range(2):
            Image.new("RGB", (9, 9)).save(folder(root, cls) / f"{i}.jpg")
    return root


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_symlink_loops_and_broken_links_are_counted_skips(tmp_path, capsys):
    root = pets(tmp_path)
    (root / "cat" / "loop.jpg").symlink_to(root / "cat" / "loop.jpg")
    (root / "dog" / "gone.jpg").symlink_to(root / "dog" / "nowhere.jpg")
    d = D.cats_vs_dogs(size=8, path=root)
    assert len(d.x) == 4
    assert dict(d.skipped) == {
        "cat/loop.jpg": "a symbolic link loop",
        "dog/gone.jpg": "a broken symbolic link",
    }
    shown = capsys.readouterr().out
    assert "cats_vs_dogs: skipped 2 unreadable files" in shown


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_utkface_symlink_loop_is_a_counted_skip(tmp_path, capsys):
    faces = folder(tmp_path, "utkface")
    face = faces / "1_0_0_20170109150557335.jpg.chip.jpg"
    Image.new("RGB", (9, 9)).save(face)
    loop = faces / "2_0_0_20170109150557335.jpg.chip.jpg"
    loop.symlink_to(loop)
    d = D.utkface(size=8, path=faces)
    assert len(d.x) == 1 and dict(d.skipped) == {
        loop.name: "a symbolic link loop"
    }
    assert "utkface: skipped 1 unreadable files" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content", [b"", b"not an image", b"\xff\xd8\xff\xe0 truncated"]
)
def test_skip_reasons_name_the_file_relative_to_the_dataset(tmp_path, content):
    root = pets(tmp_path)
    (root / "dog" / "bad.jpg").write_bytes(content)
    d = D.cats_vs_dogs(size=8, path=root)
    [(file, why)] = d.skipped
    assert file == "dog/bad.jpg" and why.startswith("unreadable image:")
    assert str(tmp_path) not in why and "/tmp" not in why, why


def test_oversized_image_reason_is_relative_too(tmp_path, monkeypatch):
    from nnbook import images

    root = pets(tmp_path)
    Image.new("L", (40, 40)).save(root / "cat" / "big.png")
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000)
    d = D.cats_vs_dogs(size=8, path=root)
    assert [f for f, _ in d.skipped] == ["cat/big.png"]
    why = d.skipped[0][1]
    assert str(tmp_path) not in why and "cat/big.png is 40 x 40" in why


def test_partial_copy_in_the_cache_is_reported_and_kept(tmp_path):
    cache = folder(tmp_path / "cache", "cats_vs_dogs")
    Image.new("RGB", (9, 9)).save(folder(cache, "dog") / "1.jpg")
    with pytest.raises(
        D.DatasetFormatError,
        match=r"\(cache\) is not a complete copy: it has no "
        r"cat/ folder.*move it away to download it",
    ):
        D.cats_vs_dogs(size=8)
    assert (cache / "dog" / "1.jpg").is_file()  # the user's files are kept


def test_idx_header_declaring_gigabytes_is_refused_before_reading(tmp_path):
    with gzip.open(tmp_path / "big.gz", "wb") as f:
        f.write(b"\x00\x00\x08\x03" + struct.pack(">3I", 60_000, 999, 999))
    with pytest.raises(D.DatasetFormatError, match="over the 1,073,741,824"):
        D.read_idx(tmp_path / "big.gz")


def test_idx_with_extra_bytes_is_refused(tmp_path):
    with gzip.open(tmp_path / "long.gz", "wb") as f:
        f.write(b"\x00\x00\x08\x01" + struct.pack(">I", 2) + b"\x00" * 3)
    with pytest.raises(
        D.DatasetFormatError,
        match=r"holds more values but its header says \(2,\)",
    ):
        D.read_idx(tmp_path / "long.gz")


def test_cifar_unpickler_bytes_only_through_latin1(tmp_path):
    rows = np.zeros((10, 3072), np.uint8)
    batch = {"data": rows, "labels": list(range(10)), "raw": b"\x00\xff"}
    root = cifar10_folder(tmp_path, pickle.dumps(batch, 2))  # _codecs.encode
    assert D.cifar10(path=root).x_test.shape == (10, 32, 32, 3)
    hostile = (
        b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x04\x00\x00\x00"
        b"zlib\x86R."
    )  # _codecs.encode("a", "zlib")
    root = cifar10_folder(tmp_path / "other", hostile)
    with pytest.raises(D.DatasetFormatError, match="refusing _codecs.encode"):
        D.cifar10(path=root)
