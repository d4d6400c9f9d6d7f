"""The loaders. Sizes are explicit: ``None`` means everything found, in
every mode; a chapter picks its sizes with ``nnbook.pick(...)``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnbook.config import DEFAULT_SEED
from nnbook.datasets.errors import DatasetFormatError
from nnbook.datasets.folders import decode, list_files, report
from nnbook.datasets.formats import read_arrays
from nnbook.datasets.locate import locate
from nnbook.datasets.results import (
    CATS_VS_DOGS_CLASSES,
    Faces,
    ImageDataset,
    LabelledImages,
)
from nnbook.datasets.sources import class_dir
from nnbook.datasets.subsets import balanced_indices
from nnbook.datasets.utkface import (
    age_bin,
    parse_utkface_name,
    utkface_name_problems,
)

# ------------------------------------------------------------ arrays


def _arrays(name: str, n_train: int | None, n_test: int | None,
            seed: int, path: str | Path | None,
            label_mode: str = "fine") -> ImageDataset:  # fmt: skip
    found, where = locate(name, path)
    (x_train, y_train, x_test, y_test), names = read_arrays(
        name, found, label_mode
    )
    train = balanced_indices(y_train, n_train, seed)
    test = balanced_indices(y_test, n_test, seed)
    return ImageDataset(x_train[train], y_train[train], x_test[test],
                        y_test[test], list(names), where)  # fmt: skip


def mnist(n_train: int | None = None, n_test: int | None = None, *,
          seed: int = DEFAULT_SEED,
          path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """MNIST digits: x (N, 28, 28) uint8, y (N,) uint8 0..9.

    ``n_train``/``n_test``: class-balanced subset sizes (None: all). The
    shared offline copy holds the first 24,680 official training images
    (about 2,400 per class) and the full test set.
    """
    return _arrays("mnist", n_train, n_test, seed, path)


def fashion_mnist(n_train: int | None = None, n_test: int | None = None,
                  *, seed: int = DEFAULT_SEED,
                  path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """Fashion-MNIST: x (N, 28, 28) uint8, y (N,) uint8 0..9 (60,000 /
    10,000). ``n_train``/``n_test``: subset sizes (None: all)."""
    return _arrays("fashion_mnist", n_train, n_test, seed, path)


def cifar10(n_train: int | None = None, n_test: int | None = None, *,
            seed: int = DEFAULT_SEED,
            path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """CIFAR-10: x (N, 32, 32, 3) uint8, y (N, 1) uint8 0..9.

    ``n_train``/``n_test``: subset sizes (None: all, 50,000 / 10,000). The
    shared offline copy (``cifar10_subset.npz``) holds official training
    images 0-9,999 and test images 0-1,999, re-decoded from JPEG copies
    (near, not bit-exact).
    """
    return _arrays("cifar10", n_train, n_test, seed, path)


def cifar100(n_train: int | None = None, n_test: int | None = None, *,
             label_mode: str = "fine", seed: int = DEFAULT_SEED,
             path: str | Path | None = None) -> ImageDataset:  # fmt: skip
    """CIFAR-100: x (N, 32, 32, 3) uint8, y (N, 1) int64, 100 fine or 20
    coarse classes (``label_mode``), ``class_names`` in the official order.

    ``n_train``/``n_test``: subset sizes (None: all, 50,000 / 10,000). The
    shared offline copy (``cifar100_subset.npz``) holds official training
    images 0-1,116 and test images 0-915, bit-exact: all 100 classes, but
    only about 11 training images each.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(
            f"label_mode={label_mode!r} is not valid; use 'fine' or 'coarse'."
        )
    return _arrays("cifar100", n_train, n_test, seed, path, label_mode)


# ------------------------------------------------------------ photos


def cats_vs_dogs(
    size: int = 64,
    color: str = "rgb",
    n: int | None = None,
    *,
    seed: int = DEFAULT_SEED,
    path: str | Path | None = None,
) -> LabelledImages:
    """Kaggle/Microsoft cats and dogs: x (N, size, size, 3 or 1) uint8,
    y (N,) uint8 (0 cat, 1 dog).

    ``n``: photos to load, half per class, chosen before decoding (None:
    all). Files that cannot be read (the real archive has some) are
    skipped, listed in ``skipped`` and counted in one printed line.
    """
    root, where = locate("cats_vs_dogs", path)
    files: list[Path] = []
    labels: list[int] = []
    skipped = []
    for label, cls in enumerate(CATS_VS_DOGS_CLASSES):
        folder = class_dir(root, cls)
        assert folder is not None  # locate found both
        found, unlisted = list_files(folder, root)
        if not found:
            raise DatasetFormatError(
                f"cats_vs_dogs: {folder} holds no files; put the {cls} "
                "photos there (see the README section 'Data')."
            )
        files += found
        skipped += unlisted
        labels += [label] * len(found)
    pick = balanced_indices(np.array(labels), n, seed)
    chosen = [files[i] for i in pick]
    x, kept, unreadable = decode(chosen, root, size, color)
    skipped += unreadable
    report("cats_vs_dogs", len(skipped), "unreadable files")
    y = np.array(labels, dtype=np.uint8)[pick][kept]
    names = [chosen[i].relative_to(root).as_posix() for i in kept]
    return LabelledImages(x, y, list(CATS_VS_DOGS_CLASSES), names, skipped,
                          where, str(root))  # fmt: skip


def utkface(size: int = 64, color: str = "rgb", n: int | None = None, *,
            balance_by: str = "gender", seed: int = DEFAULT_SEED,
            path: str | Path | None = None) -> Faces:  # fmt: skip
    """UTKFace aligned & cropped faces with age, gender and race parsed
    from the file names.

    ``n``: faces to load, balanced on ``balance_by`` (``"gender"``,
    ``"race"`` or ``"age"`` = the 10 age classes), chosen before decoding
    (None: all). Malformed names (see :data:`UTKFACE_NAME`) and files that
    cannot be read are skipped, listed in ``skipped`` with the reason, and
    counted in one printed line each.
    """
    if balance_by not in ("gender", "race", "age"):
        raise ValueError(
            f"balance_by={balance_by!r} is not valid; use "
            "'gender', 'race' or 'age'."
        )
    folder, where = locate("utkface", path)
    listed, unreadable = list_files(folder, folder)
    files, labels, skipped = [], [], []
    for p in listed:
        problems = utkface_name_problems(p.name)
        if problems:
            skipped.append((p.name, "; ".join(problems)))
        else:
            labels.append(parse_utkface_name(p.name))
            files.append(p)
    report("utkface", len(skipped), "files with malformed names")
    table = np.array(labels, dtype=np.int64).reshape(-1, 3)
    key = {"age": age_bin(table[:, 0]), "gender": table[:, 1],
           "race": table[:, 2]}[balance_by]  # fmt: skip
    pick = balanced_indices(key, n, seed)
    chosen = [files[i] for i in pick]
    x, kept, undecoded = decode(chosen, folder, size, color)
    unreadable += undecoded
    report("utkface", len(unreadable), "unreadable files")
    table = table[pick][kept]
    return Faces(x, table[:, 0].astype(np.int32),
                 table[:, 1].astype(np.uint8), table[:, 2].astype(np.uint8),
                 [chosen[i].name for i in kept], skipped + unreadable, where,
                 folder=folder)  # fmt: skip
