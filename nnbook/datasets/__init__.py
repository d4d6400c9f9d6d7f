"""Real datasets for the image chapters, offline first.

Loaders and what they return (all NumPy, pixels ``uint8`` 0..255; scaling to [0, 1] is done in the chapter):

* ``mnist()`` -> :class:`ImageDataset`, x (N, 28, 28), y (N,) 0..9;
  quick: 12,000 / 10,000 (the offline copy has 24,680 training images);
* ``fashion_mnist()`` -> :class:`ImageDataset`, x (N, 28, 28), y (N,) 0..9; quick: 12,000 / 10,000;
* ``cifar10()`` -> :class:`ImageDataset`, x (N, 32, 32, 3), y (N, 1) 0..9; quick: 5,000 / 1,000;
* ``cifar100()`` -> :class:`ImageDataset`, x (N, 32, 32, 3), y (N, 1) 0..99 (or 0..19); quick: 10,000 / 2,000
  (the offline ``cifar100_subset.npz`` holds 1,117 / 916);
* ``cats_vs_dogs()`` -> :class:`LabelledImages`, x (N, size, size, C), y (N,) 0 cat / 1 dog; quick: 1,000;
* ``utkface()`` -> :class:`Faces`, x (N, size, size, C), age, gender, race (N,); quick: 1,500.

Full mode returns everything found.

:class:`ImageDataset` unpacks like ``keras.datasets``: ``(x_train, y_train), (x_test, y_test) = mnist()``,
with the same shapes and dtypes. Quick-mode subsets are class-balanced (as far as the data allows),
seeded and stable across runs (:func:`balanced_indices`); every loader takes ``n_train``/``n_test``
(or ``n``) to override the sizes and ``seed`` to pick another subset.

Where the data comes from, in this order:

1. ``$NNBOOK_DATA_DIR/<name>/`` -- a folder you prepared (CI uses ``../shared/datasets``);
2. ``$NNBOOK_CACHE_DIR/<name>/`` (default ``~/.cache/nnbook/<name>/``) -- earlier downloads;
3. the canonical source in :data:`SOURCES`, fetched with ``keras.utils.get_file``, hash-checked, and
   unpacked into a temporary folder that is renamed into the cache only when complete.

Each ``<name>/`` folder may hold any of these layouts (first match wins):

* ``mnist/``: ``mnist.npz`` (Keras), the four official ``*-idx?-ubyte.gz`` files, or ``mnist_subset.npz``;
* ``fashion_mnist/``: the four official ``*-idx?-ubyte.gz`` files;
* ``cifar10/``: ``cifar-10-batches-py/``, ``cifar-10-python.tar.gz`` or ``cifar10_subset.npz``;
* ``cifar100/``: ``cifar-100-python/``, ``cifar-100-python.tar.gz`` or ``cifar100_subset.npz``;
* ``cats_vs_dogs/``: ``cat/*.jpg`` and ``dog/*.jpg`` (also ``PetImages/Cat``, ``PetImages/Dog``);
* ``utkface/``: the ``*.jpg.chip.jpg`` faces, flat or in a ``UTKFace/`` subfolder.

Errors say what to do next: :class:`DatasetNotFoundError` (nothing local, download failed),
:class:`ChecksumError` (download does not match its hash; the file is deleted) and
:class:`DatasetFormatError` (a corrupt archive or file).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
import shutil
import struct
import tarfile
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterator

import numpy as np

from nnbook import config
from nnbook.images import ImageDecodeError, load_image

# --------------------------------------------------------------------------------------------- errors


class DatasetError(RuntimeError):
    """Base class of the errors raised by this module."""


class DatasetNotFoundError(DatasetError):
    """No local copy of a dataset was found and it could not be downloaded."""


class ChecksumError(DatasetError):
    """A downloaded file does not match its published hash (the file has been deleted)."""


class DatasetFormatError(DatasetError):
    """A dataset file or archive is corrupt or not in the expected format."""


# ---------------------------------------------------------------------------------------- what you get


class _Described:
    """Gives the result dataclasses a short repr: arrays as dtype+shape, long lists as their length, and folders
    by their last part only (a chapter's printed output must not show the builder's paths)."""

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in ("folder", "root") and value:
                parts.append(f"{f.name}=…/{Path(value).name}")
            elif isinstance(value, np.ndarray):
                parts.append(f"{f.name}={value.dtype}{value.shape}")
            elif f.name in ("files", "skipped") and len(value) > 3:
                parts.append(f"{f.name}=[{len(value)} items]")
            else:
                parts.append(f"{f.name}={value!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


@dataclass(frozen=True, eq=False, repr=False)
class ImageDataset(_Described):
    """A train/test image classification dataset shaped like ``keras.datasets`` returns it.

    Unpacks as ``(x_train, y_train), (x_test, y_test) = dataset``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: list[str]
    source: str  # where the arrays came from, for the chapter to print

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return iter(((self.x_train, self.y_train), (self.x_test, self.y_test)))


@dataclass(frozen=True, eq=False, repr=False)
class LabelledImages(_Described):
    """Images decoded from class folders: ``x`` (N, size, size, C) uint8 and ``y`` (N,) uint8.

    ``files`` are relative to ``root``, the folder the photos were read from (``Path(root) / file`` opens the
    original photo). ``skipped`` lists ``(file, reason)`` for files that could not be decoded. Unpacks as ``x, y``.
    """

    x: np.ndarray
    y: np.ndarray
    class_names: list[str]
    files: list[str]
    skipped: list[tuple[str, str]]
    source: str
    root: str = ""

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.x, self.y))


@dataclass(frozen=True, eq=False, repr=False)
class Faces(_Described):
    """UTKFace images with labels parsed from the file names.

    ``x`` (N, size, size, C) uint8; ``age`` (N,) int32 years; ``gender`` (N,) uint8 (0 male, 1 female);
    ``race`` (N,) uint8 (see :data:`RACES`). ``skipped`` lists ``(file, reason)`` for malformed names
    and undecodable images. Unpacks as ``x, age, gender, race``.
    """

    x: np.ndarray
    age: np.ndarray
    gender: np.ndarray
    race: np.ndarray
    files: list[str]
    skipped: list[tuple[str, str]]
    source: str
    gender_names: list[str] = field(default_factory=lambda: list(GENDERS))
    race_names: list[str] = field(default_factory=lambda: list(RACES))
    folder: Path | None = None  # where the files are: ``folder / files[i]`` is face i's original photo

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.x, self.age, self.gender, self.race))


MNIST_CLASSES = [str(d) for d in range(10)]
FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]  # fmt: skip
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
CATS_VS_DOGS_CLASSES = ["cat", "dog"]
GENDERS = ("male", "female")
RACES = ("White", "Black", "Asian", "Indian", "Others")

# ------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Remote:
    """One file of a canonical source: its URL, its published hash (sha256, or md5 if 32 hex digits)."""

    url: str
    hash: str
    filename: str


_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_IDX = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")  # fmt: skip

SOURCES: dict[str, tuple[Remote, ...]] = {
    # Same files and hashes as keras.datasets (keras/src/datasets/*.py).
    "mnist": (Remote(_KERAS + "mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
                     "mnist.npz"),),
    # keras.datasets publishes no hash for these; the sha256 below are of the official files
    # (their MD5s equal the ones published by zalandoresearch/fashion-mnist).
    "fashion_mnist": tuple(
        Remote(_KERAS + name, digest, name)
        for name, digest in zip(_IDX, (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        ))
    ),
    "cifar10": (Remote("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                       "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                       "cifar-10-python.tar.gz"),),
    "cifar100": (Remote("https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                        "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
                        "cifar-100-python.tar.gz"),),
    # The archive tensorflow_datasets' cats_vs_dogs downloads (sha256 as in HF datasets' metadata).
    "cats_vs_dogs": (Remote("https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-"
                            "6DEBA77B919F/kagglecatsanddogs_5340.zip",
                            "b7974bd00a84a99921f36ee4403f089853777b5ae8d151c76a86e64900334af9",
                            "kagglecatsanddogs_5340.zip"),),
    # The official "Aligned&Cropped Faces" UTKFace.tar.gz lives on Google Drive, which answers scripts
    # with a confirmation page; this Hugging Face copy serves the same tarball (23,708 faces) directly.
    "utkface": (Remote("https://huggingface.co/datasets/py97/UTKFace-Cropped/resolve/main/UTKFace.tar.gz",
                       "ae1a16905fbd795db921ff1d940df9cc", "UTKFace.tar.gz"),),
}
"""Canonical download per dataset. Tests point these at local ``file://`` fixtures."""

_LAYOUTS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "mnist": ("mnist.npz", _IDX, "mnist_subset.npz"),
    "fashion_mnist": (_IDX,),
    "cifar10": ("cifar-10-batches-py", "cifar-10-python.tar.gz", "cifar10_subset.npz"),
    "cifar100": ("cifar-100-python", "cifar-100-python.tar.gz", "cifar100_subset.npz"),
}
_LAYOUT_HELP = {
    "mnist": "mnist.npz, or the four *-idx?-ubyte.gz files, or mnist_subset.npz",
    "fashion_mnist": "the four *-idx?-ubyte.gz files",
    "cifar10": "cifar-10-batches-py/ or cifar-10-python.tar.gz or cifar10_subset.npz",
    "cifar100": "cifar-100-python/ or cifar-100-python.tar.gz or cifar100_subset.npz",
    "cats_vs_dogs": "cat/*.jpg and dog/*.jpg",
    "utkface": "the UTKFace *.jpg.chip.jpg files (aligned & cropped faces)",
}

# -------------------------------------------------------------------------------------- finding data


def _first_layout(name: str, root: Path) -> Path | None:
    """Return the first layout of ``name`` present in ``root`` (a file, a folder, or ``root`` for idx files)."""
    if not root.is_dir():
        return None
    if name == "cats_vs_dogs":
        return root if all(_class_dir(root, c) for c in CATS_VS_DOGS_CLASSES) else None
    if name == "utkface":
        for folder in (root, root / "UTKFace"):
            if folder.is_dir() and any(p.name.endswith(".jpg") for p in folder.iterdir()):
                return folder
        return None
    for entry in _LAYOUTS[name]:
        if isinstance(entry, tuple):
            if all((root / f).is_file() for f in entry):
                return root
        elif (root / entry).exists():
            return root / entry
    return None


def _class_dir(root: Path, name: str) -> Path | None:
    for folder in (root / name, root / name.title(), root / "PetImages" / name.title()):
        if folder.is_dir():
            return folder
    return None


def _inside(found: Path, base: Path) -> str:
    """``found`` relative to ``base`` (``mnist/mnist.npz``), or its last two parts when it lies elsewhere."""
    try:
        return found.relative_to(base).as_posix()
    except ValueError:
        return "/".join(found.parts[-2:])


def _locate(name: str, path: str | Path | None) -> tuple[Path, str]:
    """Find ``name``'s data (see the module docstring for the order); return it and a description.

    The description names the kind of source and the file *within* it (``$NNBOOK_DATA_DIR/mnist/...``,
    ``nnbook cache/...``), never the builder's absolute paths: it is printed on every page of the site.
    """
    if path is not None:
        found = _first_layout(name, Path(path))
        if found is None:
            raise DatasetNotFoundError(f"{name}: {path} holds no {_LAYOUT_HELP[name]}.")
        return found, f"{found} (path argument)"
    looked = []
    data = config.data_dir()
    if data is not None:
        found = _first_layout(name, data / name)
        if found is not None:
            return found, f"$NNBOOK_DATA_DIR/{_inside(found, data)} (NNBOOK_DATA_DIR)"
        looked.append(f"{data / name} (NNBOOK_DATA_DIR)")
    cache = config.cache_dir() / name
    found = _first_layout(name, cache)
    if found is not None:
        return found, f"nnbook cache/{_inside(found, config.cache_dir())} (cache)"
    looked.append(f"{cache} (cache)")
    _install(name, cache, looked)
    found = _first_layout(name, cache)
    assert found is not None  # _install checked the layout
    shown = _inside(found, config.cache_dir())
    return found, f"nnbook cache/{shown} (downloaded from {', '.join(r.url for r in SOURCES[name])})"


# ----------------------------------------------------------------------------------------- downloads


def file_hash(path: Path, algorithm: str = "sha256") -> str:
    """Return the hex digest of ``path`` (``"sha256"`` or ``"md5"``)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _hash_matches(path: Path, expected: str) -> bool:
    return file_hash(path, "md5" if len(expected) == 32 else "sha256") == expected.lower()


def _fetch(url: str, target: Path) -> None:
    """Download ``url`` to ``target`` with ``keras.utils.get_file`` (progress bar; http(s) or file://)."""
    import keras  # imported here: loading local data must not pay for TensorFlow

    keras.utils.get_file(fname=target.name, origin=url, cache_dir=str(target.parent),
                         cache_subdir=str(target.parent))  # fmt: skip


def _download(name: str, remote: Remote, folder: Path, looked: list[str]) -> Path:
    """Fetch ``remote`` into ``folder`` and check its hash; return the file's path.

    A file left by an interrupted run is checked first and fetched again if it does not match.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.filename
    if target.exists() and not _hash_matches(target, remote.hash):
        target.unlink()
    if not target.exists():
        try:
            _fetch(remote.url, target)
        except Exception as err:  # offline, HTTP error, interrupted transfer...
            target.unlink(missing_ok=True)
            raise DatasetNotFoundError(
                f"{name}: no local copy found and the download failed.\n"
                f"  looked in: {'; '.join(looked)}\n"
                f"  tried: {remote.url}\n  error: {err}\n"
                f"To work offline, put {_LAYOUT_HELP[name]} in <folder>/{name}/ and run\n"
                f"  export NNBOOK_DATA_DIR=<folder>\n(see the README section 'Data')."
            ) from err
    if not _hash_matches(target, remote.hash):
        target.unlink()
        raise ChecksumError(
            f"{name}: {remote.filename} downloaded from {remote.url} does not match its published hash "
            f"{remote.hash} (incomplete or altered download); the file was deleted. Run again to retry, "
            f"or download it by hand and set NNBOOK_DATA_DIR (see the README section 'Data')."
        )
    return target


def _extract(archive: Path, dest: Path) -> None:
    """Unpack a .zip or .tar(.gz) into ``dest``; raise :class:`DatasetFormatError` if it is corrupt."""
    try:
        if archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(dest)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(dest, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise DatasetFormatError(
            f"{archive.name} is not a valid archive ({err}); it was deleted and nothing was cached. "
            "Run again to download it afresh."
        ) from err


def _arrange(name: str, tmp: Path) -> Path:
    """Turn an unpacked download into the layout the loaders read; return the folder to keep."""
    if name == "cats_vs_dogs" and (tmp / "PetImages").is_dir():
        for cls in CATS_VS_DOGS_CLASSES:
            os.replace(tmp / "PetImages" / cls.title(), tmp / cls)
        shutil.rmtree(tmp / "PetImages")
    if name == "utkface" and (tmp / "UTKFace").is_dir():
        return tmp / "UTKFace"
    return tmp


def _install(name: str, final: Path, looked: list[str]) -> None:
    """Download ``name`` and move it into ``final`` atomically (a temp folder renamed at the end)."""
    files = [_download(name, r, final.parent / "downloads", looked) for r in SOURCES[name]]
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", suffix=".partial", dir=final.parent))
    try:
        for f in files:
            if f.name.endswith((".zip", ".tar", ".tar.gz", ".tgz")):
                _extract(f, tmp)
            else:
                os.replace(f, tmp / f.name)
        root = _arrange(name, tmp)
        if _first_layout(name, root) is None:
            raise DatasetFormatError(f"{name}: the download does not contain {_LAYOUT_HELP[name]}; "
                                     "it was deleted and nothing was cached.")  # fmt: skip
        if final.exists():  # an unusable leftover: it holds no known layout
            shutil.rmtree(final)
        os.replace(root, final)
    except DatasetFormatError:
        for f in files:  # useless downloads; the next run fetches them again
            f.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in files:
        f.unlink(missing_ok=True)


# ----------------------------------------------------------------------------------- array file formats


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (the MNIST format, gzipped or not) into a uint8 array of the shape its header gives."""
    path = Path(path)
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            data = f.read()
    except (EOFError, OSError, zlib.error) as err:
        raise DatasetFormatError(f"{path} is corrupt or truncated: {err}") from err
    if len(data) < 4 or data[:3] != b"\x00\x00\x08":
        raise DatasetFormatError(f"{path} is not an IDX file of unsigned bytes (magic {data[:4].hex()}).")
    ndim = data[3]
    shape = struct.unpack(f">{ndim}I", data[4 : 4 + 4 * ndim])
    values = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if values.size != int(np.prod(shape)):
        raise DatasetFormatError(f"{path} holds {values.size} values but its header says {shape}.")
    return values.reshape(shape)


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles CIFAR batches: allows NumPy's array reconstruction (and bytes from protocol 2), nothing else."""

    def find_class(self, module: str, name: str):  # noqa: ANN201
        numpy_array = module.split(".")[0] == "numpy" and name in ("_reconstruct", "ndarray", "dtype")
        if numpy_array or (module, name) == ("_codecs", "encode"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a CIFAR file")


def _read_pickles(location: Path, names: tuple[str, ...]) -> dict[str, dict[str, object]]:
    """Read the official CIFAR python pickles ``names`` from a folder or a .tar.gz."""

    def load(f) -> dict[str, object]:  # noqa: ANN001
        raw = _ArrayUnpickler(f, encoding="bytes").load()
        return {k.decode() if isinstance(k, bytes) else k: v for k, v in raw.items()}

    out: dict[str, dict[str, object]] = {}
    try:
        if location.is_dir():
            for n in names:
                with open(location / n, "rb") as f:
                    out[n] = load(f)
        else:
            with tarfile.open(location) as tf:
                for member in tf:
                    if member.isfile() and Path(member.name).name in names:
                        out[Path(member.name).name] = load(tf.extractfile(member))
    except (OSError, EOFError, pickle.UnpicklingError, tarfile.TarError, zlib.error) as err:
        raise DatasetFormatError(f"{location} is not a readable CIFAR python archive: {err}") from err
    missing = set(names) - set(out)
    if missing:
        raise DatasetFormatError(f"{location} lacks {', '.join(sorted(missing))}.")
    return out


def _cifar_arrays(batch: dict[str, object], label_key: str, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    y = np.asarray(batch[label_key], dtype=dtype).reshape(-1, 1)
    return x, y


def _read_arrays(name: str, found: Path, label_mode: str = "fine") -> tuple[tuple[np.ndarray, ...], list[str]]:
    """Read ``(x_train, y_train, x_test, y_test)`` and class names from any layout of ``name``."""
    if found.suffix == ".npz" and name == "cifar100":
        return _read_cifar100_npz(found, label_mode)
    if found.suffix == ".npz":
        with np.load(found, allow_pickle=False) as d:
            arrays = tuple(d[k] for k in ("x_train", "y_train", "x_test", "y_test"))
        if name == "cifar10":  # keras gives CIFAR labels as a column
            arrays = (arrays[0], arrays[1].reshape(-1, 1), arrays[2], arrays[3].reshape(-1, 1))
        return arrays, _CLASSES[name]
    if found.is_dir() and (found / _IDX[0]).is_file():
        return tuple(read_idx(found / f) for f in _IDX), _CLASSES[name]
    if name == "cifar10":
        batches = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)
        data = _read_pickles(found, batches)
        train = [_cifar_arrays(data[b], "labels", "uint8") for b in batches[:5]]
        x_test, y_test = _cifar_arrays(data["test_batch"], "labels", "uint8")
        x_train = np.concatenate([x for x, _ in train])
        return (x_train, np.concatenate([y for _, y in train]), x_test, y_test), CIFAR10_CLASSES
    data = _read_pickles(found, ("train", "test", "meta"))
    key = f"{label_mode}_labels"
    names = [n.decode() if isinstance(n, bytes) else n for n in data["meta"][f"{label_mode}_label_names"]]
    return (*_cifar_arrays(data["train"], key, "int64"), *_cifar_arrays(data["test"], key, "int64")), names


def _read_cifar100_npz(found: Path, label_mode: str) -> tuple[tuple[np.ndarray, ...], list[str]]:
    """Read ``cifar100_subset.npz``: fine labels in ``y_*``, coarse in ``y_*_coarse``, names in ``*_names``."""
    suffix = "" if label_mode == "fine" else "_coarse"
    keys = ("x_train", f"y_train{suffix}", "x_test", f"y_test{suffix}", f"{label_mode}_names")
    try:
        with np.load(found, allow_pickle=False) as d:
            missing = [k for k in keys if k not in d.files]
            if missing:
                raise DatasetFormatError(f"{found} lacks {', '.join(missing)}; it has {', '.join(d.files)}.")
            x_train, y_train, x_test, y_test, names = (d[k] for k in keys)
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise DatasetFormatError(f"{found} is not a readable .npz file: {err}") from err
    if len(y_train) != len(x_train) or len(y_test) != len(x_test):
        raise DatasetFormatError(f"{found}: {len(x_train)}/{len(x_test)} images but "
                                 f"{len(y_train)}/{len(y_test)} labels.")  # fmt: skip
    labels = (y.astype("int64").reshape(-1, 1) for y in (y_train, y_test))  # as the official pickles give them
    y_train, y_test = labels
    return (x_train, y_train, x_test, y_test), [str(n) for n in names]


_CLASSES = {"mnist": MNIST_CLASSES, "fashion_mnist": FASHION_MNIST_CLASSES, "cifar10": CIFAR10_CLASSES}

# ------------------------------------------------------------------------------------------- subsets


def balanced_indices(labels: np.ndarray, n: int | None, seed: int = config.DEFAULT_SEED) -> np.ndarray:
    """Return sorted indices of a seeded, class-balanced subset of ``n`` items (all when ``n`` is None or large).

    Each class gets ``n / classes`` items; a class with fewer gives all it has and the rest is shared
    among the others, so the total is exactly ``min(n, len(labels))`` and class counts differ by at most
    one unless a class runs out. The same labels, ``n`` and ``seed`` always give the same indices.
    """
    labels = np.asarray(labels)
    labels = labels.reshape(labels.shape[0], -1)[:, 0] if labels.ndim > 1 else labels
    if n is None or n >= len(labels):
        return np.arange(len(labels))
    if n < 0:
        raise ValueError(f"a subset size must be >= 0, got {n}.")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    take = np.zeros_like(counts)
    left = n
    for done, i in enumerate(np.argsort(counts, kind="stable")):  # smallest classes first
        take[i] = min(counts[i], -(-left // (len(classes) - done)))  # ceil(left / classes left)
        left -= take[i]
    chosen = [rng.permutation(np.flatnonzero(labels == c))[:k] for c, k in zip(classes, take)]
    return np.sort(np.concatenate(chosen))


def _size(override: int | None, quick: int) -> int | None:
    """The subset size to use: the override, else ``quick`` in quick mode, else None (everything)."""
    return override if override is not None else config.pick(quick=quick, full=None)


# ------------------------------------------------------------------------------------- array loaders


def _array_dataset(name: str, n_train: int | None, n_test: int | None, quick: tuple[int, int],
                   seed: int, path: str | Path | None, label_mode: str = "fine") -> ImageDataset:  # fmt: skip
    found, where = _locate(name, path)
    (x_train, y_train, x_test, y_test), class_names = _read_arrays(name, found, label_mode)
    train = balanced_indices(y_train, _size(n_train, quick[0]), seed)
    test = balanced_indices(y_test, _size(n_test, quick[1]), seed)
    return ImageDataset(x_train[train], y_train[train], x_test[test], y_test[test], list(class_names), where)


def mnist(n_train: int | None = None, n_test: int | None = None, *, seed: int = config.DEFAULT_SEED,
          path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """MNIST digits: x (N, 28, 28) uint8, y (N,) uint8 0..9. Quick mode: 12,000 train (cap) / 10,000 test.

    The shared offline copy holds the first 24,680 official training images (about 2,400 per class) and the
    full test set; ask for ``n_train=60_000`` to get every training image the source has.
    """
    return _array_dataset("mnist", n_train, n_test, (12_000, 10_000), seed, path)


def fashion_mnist(n_train: int | None = None, n_test: int | None = None, *, seed: int = config.DEFAULT_SEED,
                  path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """Fashion-MNIST: x (N, 28, 28) uint8, y (N,) uint8 0..9. Quick mode: 12,000 train / 10,000 test."""
    return _array_dataset("fashion_mnist", n_train, n_test, (12_000, 10_000), seed, path)


def cifar10(n_train: int | None = None, n_test: int | None = None, *, seed: int = config.DEFAULT_SEED,
            path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """CIFAR-10: x (N, 32, 32, 3) uint8, y (N, 1) uint8 0..9. Quick mode: 5,000 train / 1,000 test.

    The shared offline copy (``cifar10_subset.npz``) holds official images 0-9,999 and test 0-1,999,
    re-decoded from JPEG copies (near, not bit-exact).
    """
    return _array_dataset("cifar10", n_train, n_test, (5_000, 1_000), seed, path)


def cifar100(n_train: int | None = None, n_test: int | None = None, *, label_mode: str = "fine",
             seed: int = config.DEFAULT_SEED, path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """CIFAR-100: x (N, 32, 32, 3) uint8, y (N, 1) int64 (100 fine or 20 coarse classes, ``label_mode``).

    ``class_names`` are the fine (apple ... worm) or coarse names, in the official order. Quick mode:
    10,000 train / 2,000 test. The shared offline copy (``cifar100_subset.npz``) holds official training
    images 0-1,116 and test images 0-915, bit-exact: all 100 classes, but only about 11 training images each.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"label_mode={label_mode!r} is not valid; use 'fine' or 'coarse'.")
    return _array_dataset("cifar100", n_train, n_test, (10_000, 2_000), seed, path, label_mode)


# ------------------------------------------------------------------------------------- image folders


def _decode(name: str, files: list[Path], root: Path, size: int, color: str
            ) -> tuple[np.ndarray, list[int], list[tuple[str, str]]]:  # fmt: skip
    """Decode ``files`` into one uint8 array; return it, the indices decoded, and ``(file, reason)`` per skip."""
    x = np.empty((len(files), size, size, 3 if color == "rgb" else 1), dtype=np.uint8)
    kept: list[int] = []
    skipped: list[tuple[str, str]] = []
    for i, f in enumerate(files):
        try:
            x[len(kept)] = load_image(f, size, color)
            kept.append(i)
        except ImageDecodeError as err:
            skipped.append((f.relative_to(root).as_posix(), f"unreadable image: {err.__cause__ or err}"))
    _report(name, len(skipped), "unreadable files")
    return x[: len(kept)], kept, skipped


def _report(name: str, count: int, what: str) -> None:
    if count:
        print(f"{name}: skipped {count} {what}")


def cats_vs_dogs(size: int = 64, color: str = "rgb", n: int | None = None, *, seed: int = config.DEFAULT_SEED,
                 path: str | Path | None = None) -> LabelledImages:  # fmt: skip
    """Kaggle/Microsoft cats and dogs: x (N, size, size, 3 or 1) uint8, y (N,) uint8 (0 cat, 1 dog).

    Files that are not decodable images (the real archive has some) are skipped, listed in ``skipped``
    and counted in one printed line. Quick mode: 1,000 images, 500 per class, chosen before decoding.
    """
    root, where = _locate("cats_vs_dogs", path)
    files, labels = [], []
    for label, cls in enumerate(CATS_VS_DOGS_CLASSES):
        folder = _class_dir(root, cls)
        assert folder is not None
        names = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        files += names
        labels += [label] * len(names)
    pick = balanced_indices(np.array(labels), _size(n, 1_000), seed)
    chosen = [files[i] for i in pick]
    x, kept, skipped = _decode("cats_vs_dogs", chosen, root, size, color)
    y = np.array(labels, dtype=np.uint8)[pick][kept]
    names = [chosen[i].relative_to(root).as_posix() for i in kept]
    return LabelledImages(x, y, list(CATS_VS_DOGS_CLASSES), names, skipped, where, str(root))


# ---------------------------------------------------------------------------------------------- UTKFace

UTKFACE_NAME = re.compile(r"^(?P<age>\d{1,3})_(?P<gender>[01])_(?P<race>[0-4])_(?P<datetime>\d{17})\.jpg\.chip\.jpg$")
"""The aligned & cropped UTKFace file name: ``[age]_[gender]_[race]_[yyyymmddHHMMSSfff].jpg.chip.jpg``."""


def utkface_name_problems(name: str) -> list[str]:
    """Return what is wrong with a UTKFace file name (empty when it matches :data:`UTKFACE_NAME`)."""
    if UTKFACE_NAME.match(name):
        return []
    problems = []
    if name.endswith(".jpg.chip.jpg"):
        stem = name[: -len(".jpg.chip.jpg")]
    else:
        problems.append("does not end in '.jpg.chip.jpg'")
        stem = name.split(".")[0]
    parts = stem.split("_")
    if len(parts) != 4:
        problems.append(f"has {len(parts)} fields, expected 4 (age_gender_race_datetime)")
    checks = [("age", parts[0], r"\d{1,3}", "1-3 digits")]
    if len(parts) > 1:
        checks.append(("gender", parts[1], r"[01]", "0 or 1"))
    if len(parts) == 4:
        checks.append(("race", parts[2], r"[0-4]", "0-4"))
    if len(parts) > 2:
        checks.append(("datetime", parts[-1], r"\d{17}", "17 digits"))
    problems += [f"{what} {value!r} is not {rule}" for what, value, pattern, rule in checks
                 if not re.fullmatch(pattern, value)]  # fmt: skip
    return problems or ["does not match the UTKFace naming pattern"]


def parse_utkface_name(name: str) -> tuple[int, int, int]:
    """Return ``(age, gender, race)`` from a UTKFace file name.

    Raises:
        ValueError: naming every problem, e.g. ``has 3 fields, expected 4 (age_gender_race_datetime)``.
    """
    match = UTKFACE_NAME.match(name)
    if not match:
        raise ValueError(f"malformed UTKFace name {name!r}: {'; '.join(utkface_name_problems(name))}")
    return int(match["age"]), int(match["gender"]), int(match["race"])


def age_bin(age: np.ndarray | int, width: int = 10) -> np.ndarray:
    """Map ages to classes ``<=width, <=2*width, ..., <=90, >90`` (the paper's 10 classes for width=10).

    ``width=10`` gives 10 classes (<=10, 11-20, ..., 81-90, >90); ``width=5`` gives 19 classes
    (<=5, 6-10, ..., 86-90, >90), each 10-year class split in two except the open top class.
    """
    if width <= 0 or 90 % width:
        raise ValueError(f"width must divide 90 (e.g. 5 or 10), got {width}.")
    top = 90 // width  # index of the ">90" class
    return np.clip(np.ceil(np.asarray(age) / width).astype(np.int64) - 1, 0, top)


def age_bin_names(width: int = 10) -> list[str]:
    """Names of the :func:`age_bin` classes, e.g. ``['<=10', '<=20', ..., '<=90', '>90']``."""
    if width <= 0 or 90 % width:
        raise ValueError(f"width must divide 90 (e.g. 5 or 10), got {width}.")
    return [f"<={upper}" for upper in range(width, 91, width)] + [">90"]


AGE_CLASSES_10 = age_bin_names(10)
"""The paper's 10 age classes: ``<=10, <=20, ..., <=90, >90``."""


def utkface(size: int = 64, color: str = "rgb", n: int | None = None, *, balance_by: str = "gender",
            seed: int = config.DEFAULT_SEED, path: str | Path | None = None) -> Faces:  # fmt: skip
    """UTKFace aligned & cropped faces with age, gender and race parsed from the file names.

    Files whose names do not match :data:`UTKFACE_NAME` (and undecodable images) are skipped, listed in
    ``skipped`` with the reason, and counted in one printed line. Quick mode: 1,500 faces, balanced on
    ``balance_by`` (``"gender"``, ``"race"`` or ``"age"`` = the 10 age classes), chosen before decoding.
    """
    if balance_by not in ("gender", "race", "age"):
        raise ValueError(f"balance_by={balance_by!r} is not valid; use 'gender', 'race' or 'age'.")
    folder, where = _locate("utkface", path)
    files, labels, skipped = [], [], []
    for p in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        problems = utkface_name_problems(p.name)
        if problems:
            skipped.append((p.name, "; ".join(problems)))
        else:
            labels.append(parse_utkface_name(p.name))
            files.append(p)
    _report("utkface", len(skipped), "files with malformed names")
    table = np.array(labels, dtype=np.int64).reshape(-1, 3)
    key = {"age": age_bin(table[:, 0]), "gender": table[:, 1], "race": table[:, 2]}[balance_by]
    pick = balanced_indices(key, _size(n, 1_500), seed)
    chosen = [files[i] for i in pick]
    x, kept, unreadable = _decode("utkface", chosen, folder, size, color)
    skipped += unreadable
    table = table[pick][kept]
    return Faces(x, table[:, 0].astype(np.int32), table[:, 1].astype(np.uint8), table[:, 2].astype(np.uint8),
                 [chosen[i].name for i in kept], skipped, where, folder=folder)  # fmt: skip
