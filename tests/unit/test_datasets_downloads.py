"""The download path of nnbook.datasets, end to end, with no network.

Each test writes tiny files in the canonical formats (Keras ``mnist.npz``, idx gz files, CIFAR python
pickles in their tar.gz, a PetImages-style zip, a UTKFace tarball), points :data:`nnbook.datasets.SOURCES`
at them through ``file://`` URLs, and checks what lands in the cache -- and what must not.
"""

from __future__ import annotations

import gzip
import io
import pickle
import struct
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnbook import datasets as D
from nnbook.datasets import download

RNG = np.random.default_rng(0)


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    """No NNBOOK_DATA_DIR, an empty cache in tmp, full mode (so sizes are what the fixture files hold)."""
    monkeypatch.delenv("NNBOOK_DATA_DIR", raising=False)
    monkeypatch.setenv("NNBOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NNBOOK_MODE", "full")
    return tmp_path / "cache"


@pytest.fixture
def server(tmp_path) -> Path:
    """The folder our fake "web server" serves from."""
    (tmp_path / "server").mkdir()
    return tmp_path / "server"


def serve(
    monkeypatch, name: str, *files: Path, digest: str | None = None
) -> None:
    """Make ``files`` the canonical source of dataset ``name`` (file:// URLs, their real sha256)."""
    remotes = tuple(
        D.Remote(f.as_uri(), digest or D.file_hash(f), f.name) for f in files
    )
    monkeypatch.setitem(D.SOURCES, name, remotes)


def leftovers(cache: Path) -> list[str]:
    """Everything in the cache besides finished dataset folders: partial folders and downloads."""
    found = [p.name for p in cache.glob(".*partial")]
    return (
        found + [p.name for p in (cache / "downloads").glob("*")]
        if (cache / "downloads").exists()
        else found
    )


# ---------------------------------------------------------------------------------- canonical formats


def write_idx(path: Path, arr: np.ndarray) -> Path:
    header = (
        b"\x00\x00\x08"
        + bytes([arr.ndim])
        + struct.pack(f">{arr.ndim}I", *arr.shape)
    )
    with gzip.open(path, "wb") as f:
        f.write(header + arr.astype(np.uint8).tobytes())
    return path


def digits(n: int, shape=(28, 28)) -> tuple[np.ndarray, np.ndarray]:
    return RNG.integers(0, 256, (n, *shape), dtype=np.uint8), (
        np.arange(n) % 10
    ).astype(np.uint8)


def cifar_batch(x: np.ndarray, **labels: list[int]) -> dict[bytes, object]:
    """A CIFAR python batch as the official (Python 2) pickles hold it: bytes keys, rows R|G|B planes."""
    rows = x.transpose(0, 3, 1, 2).reshape(len(x), 3072)
    return {
        b"batch_label": b"fixture",
        b"data": rows,
        **{k.encode(): v for k, v in labels.items()},
    }


def write_tar_gz(path: Path, folder: Path, arcname: str) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        tf.add(folder, arcname=arcname)
    return path


def cifar10_archive(
    tmp: Path, server: Path, per_batch: int = 10
) -> tuple[Path, np.ndarray, np.ndarray]:
    folder = tmp / "cifar-10-batches-py"
    folder.mkdir()
    xs = RNG.integers(0, 256, (6 * per_batch, 32, 32, 3), dtype=np.uint8)
    ys = (np.arange(6 * per_batch) % 10).astype(int)
    for i, name in enumerate(
        [f"data_batch_{b}" for b in range(1, 6)] + ["test_batch"]
    ):
        part = slice(i * per_batch, (i + 1) * per_batch)
        (folder / name).write_bytes(
            pickle.dumps(
                cifar_batch(xs[part], labels=ys[part].tolist()), protocol=2
            )
        )
    (folder / "batches.meta").write_bytes(
        pickle.dumps({b"label_names": [n.encode() for n in D.CIFAR10_CLASSES]})
    )
    return (
        write_tar_gz(
            server / "cifar-10-python.tar.gz", folder, "cifar-10-batches-py"
        ),
        xs,
        ys,
    )


def cifar100_folder(tmp: Path, n: int = 8) -> tuple[Path, np.ndarray]:
    folder = tmp / "cifar-100-python"
    folder.mkdir(parents=True)
    x = RNG.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
    for name in ("train", "test"):
        batch = cifar_batch(
            x,
            fine_labels=list(range(n)),
            coarse_labels=[i % 2 for i in range(n)],
        )
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    meta = {b"fine_label_names": [f"fine{i}".encode() for i in range(100)],
            b"coarse_label_names": [f"coarse{i}".encode() for i in range(20)]}  # fmt: skip
    (folder / "meta").write_bytes(pickle.dumps(meta, protocol=2))
    return folder, x


def jpeg(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG")
    return buf.getvalue()


def petimages_zip(path: Path) -> Path:
    """A PetImages-style zip: 4 good cats/dogs in odd modes, 1 truncated JPEG, 1 empty file, extra docs."""
    png = io.BytesIO()
    Image.new("RGBA", (30, 20), (0, 0, 255, 128)).save(png, format="PNG")
    members = {
        "PetImages/Cat/0.jpg": jpeg(Image.new("RGB", (40, 30), (250, 10, 10))),
        "PetImages/Cat/1.jpg": jpeg(
            Image.new("CMYK", (30, 40), (0, 255, 255, 0))
        ),
        "PetImages/Cat/2.jpg": jpeg(Image.new("RGB", (64, 64), (1, 2, 3)))[
            :200
        ],  # truncated
        "PetImages/Dog/0.jpg": jpeg(Image.new("L", (25, 25), 128)),
        "PetImages/Dog/1.jpg": png.getvalue(),  # a PNG with alpha behind a .jpg name
        "PetImages/Dog/2.jpg": b"",  # empty, as Cat/666.jpg in the real archive
        "readme[1].txt": b"fixture",
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


# ------------------------------------------------------------------------------------ happy paths


def test_mnist_npz_is_downloaded_hash_checked_and_cached(
    monkeypatch, cache, server
):
    (x_train, y_train), (x_test, y_test) = digits(30), digits(20)
    np.savez(
        server / "mnist.npz",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
    )
    serve(monkeypatch, "mnist", server / "mnist.npz")
    d = D.mnist()
    np.testing.assert_array_equal(d.x_train, x_train)
    np.testing.assert_array_equal(d.y_test, y_test)
    assert (
        d.source
        == f"nnbook cache/mnist/mnist.npz (downloaded from {(server / 'mnist.npz').as_uri()})"
    )
    assert str(cache) not in d.source  # the site shows no builder's paths
    assert (cache / "mnist" / "mnist.npz").is_file() and leftovers(cache) == []
    (server / "mnist.npz").unlink()  # the second load must come from the cache
    assert D.mnist().source.endswith("mnist.npz (cache)")


def test_fashion_mnist_idx_files_are_downloaded(monkeypatch, cache, server):
    (x_train, y_train), (x_test, y_test) = digits(40), digits(20)
    files = [
        write_idx(server / name, arr)
        for name, arr in zip(D.IDX_FILES, (x_train, y_train, x_test, y_test))
    ]
    serve(monkeypatch, "fashion_mnist", *files)
    d = D.fashion_mnist(n_train=20)
    assert (
        d.x_train.shape == (20, 28, 28)
        and np.bincount(d.y_train).tolist() == [2] * 10
    )
    np.testing.assert_array_equal(d.x_test, x_test)
    assert sorted(
        p.name for p in (cache / "fashion_mnist").iterdir()
    ) == sorted(D.IDX_FILES)
    assert leftovers(cache) == []


def test_cifar10_tar_gz_is_extracted_into_the_cache(
    monkeypatch, cache, server, tmp_path
):
    archive, xs, ys = cifar10_archive(tmp_path, server)
    serve(monkeypatch, "cifar10", archive)
    d = D.cifar10()
    assert (
        d.x_train.shape == (50, 32, 32, 3)
        and d.y_train.shape == (50, 1)
        and d.y_train.dtype == np.uint8
    )
    np.testing.assert_array_equal(
        d.x_train, xs[:50]
    )  # R, G, B planes put back as channels-last
    np.testing.assert_array_equal(d.y_test.ravel(), ys[50:])
    assert (cache / "cifar10" / "cifar-10-batches-py" / "test_batch").is_file()
    assert leftovers(cache) == []


def test_cifar100_from_the_official_folder_or_tar_gz_in_data_dir(
    monkeypatch, cache, tmp_path
):
    folder, x = cifar100_folder(tmp_path / "data" / "cifar100")
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(tmp_path / "data"))
    d = D.cifar100()
    np.testing.assert_array_equal(d.x_train, x)
    assert d.y_train.shape == (8, 1) and d.y_train.ravel().tolist() == list(
        range(8)
    )
    assert len(d.class_names) == 100 and d.class_names[3] == "fine3"
    coarse = D.cifar100(label_mode="coarse")
    assert (
        coarse.y_test.ravel().tolist() == [0, 1] * 4
        and len(coarse.class_names) == 20
    )
    write_tar_gz(
        folder.parent / "cifar-100-python.tar.gz", folder, "cifar-100-python"
    )
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    from_tar = D.cifar100(n_train=4)
    assert (
        from_tar.source.endswith("cifar-100-python.tar.gz (NNBOOK_DATA_DIR)")
        and len(from_tar.x_train) == 4
    )
    assert not cache.exists()  # read from NNBOOK_DATA_DIR: nothing cached


def test_cats_vs_dogs_zip_is_cleaned_and_rearranged(
    monkeypatch, cache, server, capsys
):
    serve(
        monkeypatch,
        "cats_vs_dogs",
        petimages_zip(server / "kagglecatsanddogs_5340.zip"),
    )
    d = D.cats_vs_dogs(size=8)
    assert (
        "cats_vs_dogs: skipped 2 unreadable files" in capsys.readouterr().out
    )
    assert [f for f, _ in d.skipped] == ["cat/2.jpg", "dog/2.jpg"]
    assert all(why.startswith("unreadable image:") for _, why in d.skipped)
    assert d.files == ["cat/0.jpg", "cat/1.jpg", "dog/0.jpg", "dog/1.jpg"]
    assert d.x.shape == (4, 8, 8, 3) and d.y.tolist() == [0, 0, 1, 1]
    r, g, b = d.x[1, 4, 4].astype(
        int
    )  # cat/1.jpg is CMYK magenta+yellow: red in RGB
    assert r > 200 and g < 60 and b < 60
    assert sorted(p.name for p in (cache / "cats_vs_dogs").iterdir()) == [
        "cat",
        "dog",
        "readme[1].txt",
    ]
    assert leftovers(cache) == []
    gray = D.cats_vs_dogs(size=8, color="grayscale")
    assert gray.x.shape == (4, 8, 8, 1) and gray.source.endswith("(cache)")


def test_utkface_tarball_is_unpacked_flat_and_bad_names_skipped(
    monkeypatch, cache, server, tmp_path, capsys
):
    folder = tmp_path / "UTKFace"
    folder.mkdir()
    names = ["1_0_0_20170109150557335.jpg.chip.jpg", "45_1_3_20170109150557336.jpg.chip.jpg",
             "91_0_4_20170109150557337.jpg.chip.jpg", "61_3_20170109150557335.jpg.chip.jpg"]  # fmt: skip
    for name in names:
        (folder / name).write_bytes(
            jpeg(Image.new("RGB", (20, 20), (100, 80, 60)))
        )
    serve(
        monkeypatch,
        "utkface",
        write_tar_gz(server / "UTKFace.tar.gz", folder, "UTKFace"),
    )
    d = D.utkface(size=8)
    assert (
        "utkface: skipped 1 files with malformed names"
        in capsys.readouterr().out
    )
    assert (
        d.age.tolist() == [1, 45, 91]
        and d.gender.tolist() == [0, 1, 0]
        and d.race.tolist() == [0, 3, 4]
    )
    assert D.age_bin(d.age).tolist() == [0, 4, 9]
    assert [f for f, _ in d.skipped] == ["61_3_20170109150557335.jpg.chip.jpg"]
    assert sorted(p.name for p in (cache / "utkface").iterdir()) == sorted(
        names
    )  # flat, as the shared folder
    assert leftovers(cache) == []


def test_a_stale_partial_download_is_fetched_again(monkeypatch, cache, server):
    (x_train, y_train), (x_test, y_test) = digits(10), digits(10)
    np.savez(
        server / "mnist.npz",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
    )
    serve(monkeypatch, "mnist", server / "mnist.npz")
    (cache / "downloads").mkdir(parents=True)
    (cache / "downloads" / "mnist.npz").write_bytes(
        (server / "mnist.npz").read_bytes()[:100]
    )
    np.testing.assert_array_equal(D.mnist().x_train, x_train)
    assert leftovers(cache) == []


# ------------------------------------------------------------------------------------------ failures


def test_hash_mismatch_deletes_the_file_and_caches_nothing(
    monkeypatch, cache, server
):
    write_idx(
        server / "mnist.npz", np.zeros((2, 2))
    )  # any bytes: the published hash will not match
    serve(monkeypatch, "mnist", server / "mnist.npz", digest="ab" * 32)
    with pytest.raises(D.ChecksumError, match=r"mnist: mnist.npz downloaded from file://.* does not match its "
                                              r"published hash abab.*the file was deleted"):  # fmt: skip
        D.mnist()
    assert (
        not (cache / "downloads" / "mnist.npz").exists()
        and not (cache / "mnist").exists()
    )
    assert leftovers(cache) == []


def test_short_download_is_a_checksum_error(monkeypatch, cache, server):
    np.savez(server / "mnist.npz", x_train=digits(5)[0])
    full_hash = D.file_hash(server / "mnist.npz")
    (server / "mnist.npz").write_bytes(
        (server / "mnist.npz").read_bytes()[:64]
    )  # the server sends half
    serve(monkeypatch, "mnist", server / "mnist.npz", digest=full_hash)
    with pytest.raises(
        D.ChecksumError, match="incomplete or altered download"
    ):
        D.mnist()
    assert leftovers(cache) == [] and not (cache / "mnist").exists()


def test_interrupted_transfer_leaves_no_partial_file(monkeypatch, cache):
    def cut_off(url: str, target: Path) -> None:
        target.write_bytes(b"half a file")
        raise ConnectionResetError("connection reset by peer")

    monkeypatch.setattr(download, "fetch", cut_off)
    with pytest.raises(
        D.DatasetNotFoundError, match="connection reset by peer"
    ):
        D.fashion_mnist()
    assert leftovers(cache) == [] and not (cache / "fashion_mnist").exists()


def test_corrupt_archive_is_deleted_and_nothing_is_cached(
    monkeypatch, cache, server
):
    good = petimages_zip(server / "good.zip").read_bytes()
    (server / "kagglecatsanddogs_5340.zip").write_bytes(
        good[: len(good) // 2]
    )  # hash matches, zip does not
    serve(monkeypatch, "cats_vs_dogs", server / "kagglecatsanddogs_5340.zip")
    with pytest.raises(
        D.DatasetFormatError,
        match=r"kagglecatsanddogs_5340.zip is not a valid archive .*deleted",
    ):
        D.cats_vs_dogs(size=8)
    assert not (cache / "cats_vs_dogs").exists() and leftovers(cache) == []


def test_corrupt_tar_gz_is_deleted_and_nothing_is_cached(
    monkeypatch, cache, server, tmp_path
):
    archive, _, _ = cifar10_archive(tmp_path, server)
    archive.write_bytes(
        archive.read_bytes()[:-400]
    )  # cut the gzip stream short
    serve(monkeypatch, "cifar10", archive)
    with pytest.raises(
        D.DatasetFormatError,
        match="cifar-10-python.tar.gz is not a valid archive",
    ):
        D.cifar10()
    assert not (cache / "cifar10").exists() and leftovers(cache) == []


def test_archive_without_the_expected_layout_is_not_cached(
    monkeypatch, cache, server, tmp_path
):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("not CIFAR")
    serve(
        monkeypatch,
        "cifar10",
        write_tar_gz(
            server / "cifar-10-python.tar.gz", tmp_path / "other", "other"
        ),
    )
    with pytest.raises(
        D.DatasetFormatError,
        match="cifar10: the download does not contain cifar-10-batches-py/",
    ):
        D.cifar10()
    assert not (cache / "cifar10").exists() and leftovers(cache) == []


def test_offline_with_nothing_cached_names_dataset_source_and_fix(
    monkeypatch, cache, tmp_path
):
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setitem(
        D.SOURCES,
        "mnist",
        (D.Remote("file:///nonexistent/mnist.npz", "0" * 64, "mnist.npz"),),
    )
    with pytest.raises(D.DatasetNotFoundError) as err:
        D.mnist()
    message = str(err.value)
    assert message.startswith(
        "mnist: no local copy found and the download failed."
    )
    assert (
        f"looked in: {tmp_path / 'empty' / 'mnist'} (NNBOOK_DATA_DIR); {cache / 'mnist'} (cache)"
        in message
    )
    assert "tried: file:///nonexistent/mnist.npz" in message
    assert "export NNBOOK_DATA_DIR=<folder>" in message
    assert leftovers(cache) == []


def test_real_sources_use_published_hashes():
    assert (
        D.SOURCES["mnist"][0].hash
        == "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
    )
    assert D.SOURCES["cats_vs_dogs"][0].url.endswith(
        "/kagglecatsanddogs_5340.zip"
    )
    assert all(
        len(r.hash) in (32, 64) for rs in D.SOURCES.values() for r in rs
    )


# ---------------------------------------------------------------------------------------- idx parsing


def test_read_idx_rejects_bad_files(tmp_path):
    x = write_idx(tmp_path / "ok.gz", np.arange(24).reshape(2, 3, 4))
    assert D.read_idx(x).shape == (2, 3, 4)
    (tmp_path / "short.gz").write_bytes(x.read_bytes()[:-8])
    with pytest.raises(
        D.DatasetFormatError, match="short.gz is corrupt or truncated"
    ):
        D.read_idx(tmp_path / "short.gz")
    with gzip.open(tmp_path / "magic.gz", "wb") as f:
        f.write(b"\x00\x00\x0d\x01" + struct.pack(">I", 1) + b"\x00" * 4)
    with pytest.raises(
        D.DatasetFormatError, match="not an IDX file of unsigned bytes"
    ):
        D.read_idx(tmp_path / "magic.gz")
    with gzip.open(tmp_path / "count.gz", "wb") as f:
        f.write(b"\x00\x00\x08\x01" + struct.pack(">I", 10) + b"\x00" * 4)
    with pytest.raises(
        D.DatasetFormatError,
        match=r"holds 4 values but its header says \(10,\)",
    ):
        D.read_idx(tmp_path / "count.gz")
