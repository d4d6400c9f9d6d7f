"""What the loaders return: three result types and the class names."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Iterator

import numpy as np

MNIST_CLASSES = [str(d) for d in range(10)]
FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress",
                         "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                         "Ankle boot"]  # fmt: skip
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog",
                   "frog", "horse", "ship", "truck"]  # fmt: skip
CATS_VS_DOGS_CLASSES = ["cat", "dog"]
GENDERS = ("male", "female")
RACES = ("White", "Black", "Asian", "Indian", "Others")


class _Described:
    """A short repr: arrays as dtype+shape, long lists as their length and
    folders by their last part (printed output must not show the builder's
    paths)."""

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
    """A train/test image dataset shaped as ``keras.datasets`` returns it.

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
    """Images decoded from class folders: ``x`` (N, size, size, C) uint8,
    ``y`` (N,) uint8.

    ``files`` are relative to ``root``, the folder the photos were read from
    (``Path(root) / file`` opens the original). ``skipped`` lists
    ``(file, reason)`` for files that could not be read, the file relative
    to ``root``. Unpacks as ``x, y``.
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

    ``x`` (N, size, size, C) uint8; ``age`` (N,) int32 years; ``gender``
    (N,) uint8 (0 male, 1 female); ``race`` (N,) uint8 (see :data:`RACES`).
    ``skipped`` lists ``(file, reason)`` for malformed names and unreadable
    files. Unpacks as ``x, age, gender, race``.
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
    # where the files are: ``folder / files[i]`` is face i's original photo
    folder: Path | None = None

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.x, self.age, self.gender, self.race))
