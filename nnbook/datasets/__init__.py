"""Real datasets for the image chapters, offline first.

Loaders and what they return (all NumPy, pixels ``uint8`` 0..255; the
chapter scales to [0, 1]):

* ``mnist()`` -> :class:`ImageDataset`, x (N, 28, 28), y (N,) 0..9;
* ``fashion_mnist()`` -> :class:`ImageDataset`, x (N, 28, 28), y (N,) 0..9;
* ``cifar10()`` -> :class:`ImageDataset`, x (N, 32, 32, 3), y (N, 1) 0..9;
* ``cifar100()`` -> :class:`ImageDataset`, x (N, 32, 32, 3), y (N, 1)
  0..99 (or 0..19 coarse);
* ``cats_vs_dogs()`` -> :class:`LabelledImages`, x (N, size, size, C),
  y (N,) 0 cat / 1 dog;
* ``utkface()`` -> :class:`Faces`, x (N, size, size, C), age, gender, race.

**Sizes are explicit.** ``n_train``/``n_test`` (or ``n``) choose a seeded,
class-balanced subset (:func:`balanced_indices`); ``None``, the default,
means everything found, in every mode. The loaders never read the mode: a
chapter picks its sizes in one visible line,
``N_TRAIN = nnbook.pick(quick=10_000, full=None)``.

:class:`ImageDataset` unpacks like ``keras.datasets``:
``(x_train, y_train), (x_test, y_test) = mnist()``.

Where the data comes from, in this order:

1. ``$NNBOOK_DATA_DIR/<name>/`` -- a folder you prepared (CI uses
   ``../shared/datasets``); a folder there that holds only part of a layout
   is an error saying what is missing, not a reason to download;
2. ``$NNBOOK_CACHE_DIR/<name>/`` (default ``~/.cache/nnbook/<name>/``);
3. the canonical source in :data:`SOURCES`, fetched with
   ``keras.utils.get_file``, hash-checked, and unpacked into a temporary
   folder that is renamed into the cache only when complete.

The package, one module per role: ``errors``, ``results`` (what the loaders
return), ``sources`` (URLs, hashes, layouts), ``locate``, ``download``
(atomic download and checksums), ``formats`` (npz, IDX, CIFAR pickles),
``folders`` (image folders), ``subsets``, ``utkface`` (file names, age
classes) and ``loaders``. Import everything from ``nnbook.datasets``.

Errors say what to do next: :class:`DatasetNotFoundError` (nothing local,
download failed), :class:`ChecksumError` (a download does not match its
hash; it is deleted) and :class:`DatasetFormatError` (a corrupt or
incomplete file, archive or folder; the message names it and what is
wrong).
"""

from __future__ import annotations

from nnbook.datasets.download import file_hash
from nnbook.datasets.errors import (
    ChecksumError,
    DatasetError,
    DatasetFormatError,
    DatasetNotFoundError,
)
from nnbook.datasets.formats import read_idx
from nnbook.datasets.loaders import (
    cats_vs_dogs,
    cifar10,
    cifar100,
    fashion_mnist,
    mnist,
    utkface,
)
from nnbook.datasets.results import (
    CATS_VS_DOGS_CLASSES,
    CIFAR10_CLASSES,
    FASHION_MNIST_CLASSES,
    GENDERS,
    MNIST_CLASSES,
    RACES,
    Faces,
    ImageDataset,
    LabelledImages,
)
from nnbook.datasets.sources import IDX_FILES, SOURCES, Remote
from nnbook.datasets.subsets import balanced_indices
from nnbook.datasets.utkface import (
    AGE_CLASSES_10,
    MAX_AGE,
    UTKFACE_NAME,
    age_bin,
    age_bin_names,
    parse_utkface_name,
    utkface_name_problems,
)

__all__ = [
    "AGE_CLASSES_10",
    "CATS_VS_DOGS_CLASSES",
    "CIFAR10_CLASSES",
    "ChecksumError",
    "DatasetError",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "FASHION_MNIST_CLASSES",
    "Faces",
    "GENDERS",
    "IDX_FILES",
    "ImageDataset",
    "LabelledImages",
    "MAX_AGE",
    "MNIST_CLASSES",
    "RACES",
    "Remote",
    "SOURCES",
    "UTKFACE_NAME",
    "age_bin",
    "age_bin_names",
    "balanced_indices",
    "cats_vs_dogs",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "file_hash",
    "mnist",
    "parse_utkface_name",
    "read_idx",
    "utkface",
    "utkface_name_problems",
]
