"""Array file formats: Keras-style ``.npz``, IDX (the MNIST format) and the
CIFAR python pickles. Every array is checked (shape, dtype, label range)
before it is returned; anything else is a :class:`DatasetFormatError`
naming the file and what is wrong."""

from __future__ import annotations

import gzip
import math
import pickle
import tarfile
import zipfile
import zlib
from pathlib import Path
from typing import IO

import numpy as np

from nnbook.datasets.errors import DatasetFormatError
from nnbook.datasets.results import (
    CIFAR10_CLASSES,
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
)
from nnbook.datasets.sources import IDX_FILES

Arrays = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""``(x_train, y_train, x_test, y_test)``."""

IMAGE_SHAPES = {
    "mnist": (28, 28),
    "fashion_mnist": (28, 28),
    "cifar10": (32, 32, 3),
    "cifar100": (32, 32, 3),
}
"""The shape of one image of each array dataset (pixels are uint8)."""

_CLASSES = {
    "mnist": MNIST_CLASSES,
    "fashion_mnist": FASHION_MNIST_CLASSES,
    "cifar10": CIFAR10_CLASSES,
}
_NPZ_ERRORS = (
    OSError,
    ValueError,
    EOFError,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    pickle.UnpicklingError,
)
MAX_IDX_BYTES = 1 << 30
"""The largest IDX file :func:`read_idx` reads (MNIST's biggest is 47 MB)."""
_FIX = "Replace it with a fresh copy (or delete it to download one)."

# --------------------------------------------------------------- checks


def _describe(a: object) -> str:
    if isinstance(a, np.ndarray):
        return f"{a.dtype} {a.shape}"
    return type(a).__name__


def check_images(source: str, what: str, x: object,
                 shape: tuple[int, ...]) -> np.ndarray:  # fmt: skip
    """Return ``x`` if it is a uint8 array of shape (N, *shape), N >= 1."""
    ok = (isinstance(x, np.ndarray) and x.dtype == np.uint8
          and x.shape[1:] == shape and len(x) > 0)  # fmt: skip
    if not ok:
        expected = ", ".join(["N", *map(str, shape)])
        raise DatasetFormatError(
            f"{source}: {what} is {_describe(x)}, expected uint8 "
            f"({expected}) with N >= 1. {_FIX}"
        )
    return x  # type: ignore[return-value]


def check_labels(source: str, what: str, y: object, n: int, classes: int,
                 dtype: str) -> np.ndarray:  # fmt: skip
    """Return ``y`` as a ``dtype`` array of shape (n,) if it holds ``n``
    integer labels in 0..classes-1 (a column (n, 1) is accepted too)."""
    try:
        y = np.asarray(y)
    except (ValueError, TypeError) as err:
        raise DatasetFormatError(
            f"{source}: {what} is not an array of labels ({err}). {_FIX}"
        ) from err
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise DatasetFormatError(
            f"{source}: {what} is {_describe(y)}, expected integer labels "
            f"of shape ({n},). {_FIX}"
        )
    if len(y) != n:
        raise DatasetFormatError(
            f"{source}: {what} holds {len(y)} labels for {n} images. {_FIX}"
        )
    if len(y) and (y.min() < 0 or y.max() >= classes):
        raise DatasetFormatError(
            f"{source}: {what} holds labels {y.min()}..{y.max()}, expected "
            f"0..{classes - 1}. {_FIX}"
        )
    return y.astype(dtype)


def check_names(source: str, what: str, names: object,
                classes: int) -> list[str]:  # fmt: skip
    """Return ``names`` as ``classes`` strings (bytes are decoded)."""
    try:
        array = np.asarray(names)
        ok = array.shape == (classes,) and array.dtype.kind in "US"
        out = [n.decode() if isinstance(n, bytes) else str(n)
               for n in array] if ok else []  # fmt: skip
    except (ValueError, TypeError, UnicodeDecodeError):
        ok = False
    if not ok:
        raise DatasetFormatError(
            f"{source}: {what} is not a list of {classes} class names. {_FIX}"
        )
    return out


def _checked(
    name: str,
    source: str,
    arrays: tuple[object, ...],
    names: list[str],
    label_dtype: str = "uint8",
) -> Arrays:
    """Check ``(x_train, y_train, x_test, y_test)`` of dataset ``name``;
    labels come back as ``(N,)``, or ``(N, 1)`` for CIFAR (as in Keras)."""
    shape = IMAGE_SHAPES[name]
    out: list[np.ndarray] = []
    for split, x, y in (("train", *arrays[:2]), ("test", *arrays[2:])):
        x = check_images(source, f"x_{split}", x, shape)
        y = check_labels(source, f"y_{split}", y, len(x), len(names),
                         label_dtype)  # fmt: skip
        out += [x, y.reshape(-1, 1) if name.startswith("cifar") else y]
    return out[0], out[1], out[2], out[3]


# ----------------------------------------------------------------- npz


def read_npz(path: Path, keys: tuple[str, ...]) -> list[np.ndarray]:
    """Read the arrays ``keys`` of an ``.npz`` file (no pickles)."""
    try:
        loaded = np.load(path, allow_pickle=False)
    except _NPZ_ERRORS as err:
        raise DatasetFormatError(
            f"{path} is not a readable .npz file ({err}). {_FIX}"
        ) from err
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise DatasetFormatError(
            f"{path} is a single array, not an .npz archive of arrays. {_FIX}"
        )
    with loaded:
        missing = [k for k in keys if k not in loaded.files]
        if missing:
            raise DatasetFormatError(
                f"{path} lacks {', '.join(missing)}; it has "
                f"{', '.join(loaded.files) or 'no arrays'}. {_FIX}"
            )
        try:
            return [loaded[k] for k in keys]
        except _NPZ_ERRORS as err:
            raise DatasetFormatError(
                f"{path} is corrupt ({err}). {_FIX}"
            ) from err


# ----------------------------------------------------------------- idx


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (the MNIST format, gzipped or not) into a uint8
    array of the shape its header gives.

    Raises:
        DatasetFormatError: truncated, not IDX, a header that does not match
            the data, or over :data:`MAX_IDX_BYTES`.
    """
    path = Path(path)
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            head = f.read(4)
            if len(head) < 4 or head[:3] != b"\x00\x00\x08":
                raise DatasetFormatError(
                    f"{path} is not an IDX file of unsigned bytes "
                    f"(magic {head.hex()}). {_FIX}"
                )
            ndim = head[3]
            dims = f.read(4 * ndim)
            if ndim == 0 or len(dims) < 4 * ndim:
                raise DatasetFormatError(
                    f"{path}: its header says {ndim} dimensions, but the "
                    f"file is too short to list them. {_FIX}"
                )
            shape = tuple(int.from_bytes(dims[i: i + 4], "big")
                          for i in range(0, 4 * ndim, 4))  # fmt: skip
            size = math.prod(shape)
            if size > MAX_IDX_BYTES:
                raise DatasetFormatError(
                    f"{path}: its header says {shape}, {size:,} bytes, over "
                    f"the {MAX_IDX_BYTES:,} this reader accepts. {_FIX}"
                )
            data = f.read(size + 1)  # one more, to notice extra bytes
    except (EOFError, OSError, zlib.error) as err:
        raise DatasetFormatError(
            f"{path} is corrupt or truncated: {err}. {_FIX}"
        ) from err
    if len(data) != size:
        held = "more" if len(data) > size else str(len(data))
        raise DatasetFormatError(
            f"{path} holds {held} values but its header says {shape}. {_FIX}"
        )
    return np.frombuffer(data, np.uint8).reshape(shape)


# ------------------------------------------------------- CIFAR pickles


def _latin1(text: str, encoding: str) -> bytes:
    """``_codecs.encode`` as protocol 2 uses it for bytes (latin-1 only)."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(
            f"refusing _codecs.encode with {encoding!r} in a CIFAR file"
        )
    return text.encode("latin1")


_RECONSTRUCT = np.zeros(1).__reduce__()[0]  # NumPy's array rebuilder
_ALLOWED = {
    # what the official CIFAR pickles (and NumPy 2 re-pickles) refer to
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("_codecs", "encode"): _latin1,  # bytes under protocol 2
}


class ArrayUnpickler(pickle.Unpickler):
    """Unpickles CIFAR batches: NumPy arrays and bytes, nothing else.

    Only the exact ``(module, name)`` pairs of :data:`_ALLOWED` are
    resolved, from objects already in memory: no module is ever imported.
    """

    def find_class(self, module: str, name: str) -> object:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"refusing to load {module}.{name} from a CIFAR file"
            ) from None


def _unpickle(f: IO[bytes], source: str) -> dict[str, object]:
    """Load one CIFAR pickle: a dict with str keys."""
    try:
        raw = ArrayUnpickler(f, encoding="bytes").load()
    except Exception as err:  # a damaged pickle can raise almost anything
        raise DatasetFormatError(
            f"{source} is not a readable CIFAR python pickle "
            f"({type(err).__name__}: {err}). {_FIX}"
        ) from err
    if not isinstance(raw, dict):
        raise DatasetFormatError(
            f"{source} holds a {type(raw).__name__}, "
            f"not a CIFAR batch (a dict). {_FIX}"
        )
    return {k.decode() if isinstance(k, bytes) else str(k): v
            for k, v in raw.items()}  # fmt: skip


def read_pickles(location: Path, names: tuple[str, ...]
                 ) -> dict[str, tuple[str, dict[str, object]]]:  # fmt: skip
    """Read the CIFAR pickles ``names`` from a folder or a .tar.gz; return
    ``{name: (where it was read, contents)}``."""
    out: dict[str, tuple[str, dict[str, object]]] = {}
    try:
        if location.is_dir():
            for n in names:
                with open(location / n, "rb") as f:
                    out[n] = (
                        str(location / n),
                        _unpickle(f, str(location / n)),
                    )
        else:
            with tarfile.open(location) as tf:
                for member in tf:
                    short = Path(member.name).name
                    if member.isfile() and short in names:
                        where = f"{location} (member {member.name})"
                        stream = tf.extractfile(member)
                        assert stream is not None  # a regular file
                        out[short] = (where, _unpickle(stream, where))
    except (OSError, EOFError, tarfile.TarError, zlib.error) as err:
        raise DatasetFormatError(
            f"{location} is not a readable CIFAR python archive: {err}. {_FIX}"
        ) from err
    missing = sorted(set(names) - set(out))
    if missing:
        raise DatasetFormatError(
            f"{location} lacks {', '.join(missing)}. {_FIX}"
        )
    return out


def _batch(
    where: str,
    batch: dict[str, object],
    label_key: str,
    classes: int,
    dtype: str,
) -> tuple[np.ndarray, np.ndarray]:
    """A CIFAR batch's images (N, 32, 32, 3) and labels, checked."""
    missing = [k for k in ("data", label_key) if k not in batch]
    if missing:
        raise DatasetFormatError(
            f"{where} lacks {', '.join(missing)}; it has "
            f"{', '.join(batch) or 'nothing'}. {_FIX}"
        )
    rows = batch["data"]
    if not (
        isinstance(rows, np.ndarray)
        and rows.dtype == np.uint8
        and rows.ndim == 2
        and rows.shape[1] == 3072
        and len(rows)
    ):
        raise DatasetFormatError(
            f"{where}: data is {_describe(rows)}, expected uint8 "
            f"(N, 3072) with N >= 1. {_FIX}"
        )
    x = rows.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    y = check_labels(where, label_key, batch[label_key], len(x), classes,
                     dtype)  # fmt: skip
    return x, y.reshape(-1, 1)


def _read_cifar10(found: Path) -> Arrays:
    batches = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)
    data = read_pickles(found, batches)
    parts = [_batch(*data[b], "labels", 10, "uint8") for b in batches]
    x_train = np.concatenate([x for x, _ in parts[:5]])
    y_train = np.concatenate([y for _, y in parts[:5]])
    return x_train, y_train, *parts[5]


def _read_cifar100(found: Path, label_mode: str
                   ) -> tuple[Arrays, list[str]]:  # fmt: skip
    classes = 100 if label_mode == "fine" else 20
    data = read_pickles(found, ("train", "test", "meta"))
    where, meta = data["meta"]
    key = f"{label_mode}_label_names"
    if key not in meta:
        raise DatasetFormatError(f"{where} lacks {key}. {_FIX}")
    names = check_names(where, key, meta[key], classes)
    label = f"{label_mode}_labels"
    train = _batch(*data["train"], label, classes, "int64")
    test = _batch(*data["test"], label, classes, "int64")
    return (*train, *test), names


def _read_cifar100_npz(found: Path, label_mode: str
                       ) -> tuple[Arrays, list[str]]:  # fmt: skip
    """``cifar100_subset.npz``: fine labels in ``y_*``, coarse in
    ``y_*_coarse``, names in ``fine_names`` / ``coarse_names``."""
    suffix = "" if label_mode == "fine" else "_coarse"
    keys = ("x_train", f"y_train{suffix}", "x_test", f"y_test{suffix}",
            f"{label_mode}_names")  # fmt: skip
    *arrays, names = read_npz(found, keys)
    classes = 100 if label_mode == "fine" else 20
    checked = check_names(str(found), keys[-1], names, classes)
    return _checked("cifar100", str(found), tuple(arrays), checked,
                    "int64"), checked  # fmt: skip


def read_arrays(name: str, found: Path, label_mode: str = "fine"
                ) -> tuple[Arrays, list[str]]:  # fmt: skip
    """Read and check ``(x_train, y_train, x_test, y_test)`` and the class
    names from any layout of array dataset ``name``.

    Raises:
        DatasetFormatError: naming the file and what is wrong with it.
    """
    if name == "cifar100":
        if found.suffix == ".npz":
            return _read_cifar100_npz(found, label_mode)
        return _read_cifar100(found, label_mode)
    names = _CLASSES[name]
    if found.suffix == ".npz":
        keys = ("x_train", "y_train", "x_test", "y_test")
        arrays = tuple(read_npz(found, keys))
        return _checked(name, str(found), arrays, names), names
    if found.is_dir() and (found / IDX_FILES[0]).is_file():
        return _read_idx_files(name, found), names
    return _read_cifar10(found), names


def _read_idx_files(name: str, folder: Path) -> Arrays:
    paths = [folder / f for f in IDX_FILES]
    arrays = [read_idx(p) for p in paths]
    out: list[np.ndarray] = []
    for i in (0, 2):  # train, test
        x = check_images(str(paths[i]), "the image array", arrays[i],
                         IMAGE_SHAPES[name])  # fmt: skip
        out += [
            x,
            check_labels(
                str(paths[i + 1]),
                "the label array",
                arrays[i + 1],
                len(x),
                10,
                "uint8",
            ),
        ]
    return out[0], out[1], out[2], out[3]
