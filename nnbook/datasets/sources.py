"""The source registry: where each dataset is downloaded from (URL and
published hash) and the folder layouts a local copy may have."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nnbook.datasets.results import CATS_VS_DOGS_CLASSES


@dataclass(frozen=True)
class Remote:
    """One file of a canonical source: its URL, its published hash (sha256,
    or md5 if 32 hex digits) and the file name to store it under."""

    url: str
    hash: str
    filename: str


_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
IDX_FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
"""The four official MNIST / Fashion-MNIST files, in x/y train/test order."""

# keras.datasets publishes no hash for these; the sha256 below are of
# the official files (their MD5s equal those published by
# zalandoresearch/fashion-mnist).
_FASHION_MNIST_SHA256 = (
    "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
)

SOURCES: dict[str, tuple[Remote, ...]] = {
    # Same files and hashes as keras.datasets (keras/src/datasets/*.py).
    "mnist": (
        Remote(
            _KERAS + "mnist.npz",
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
            "mnist.npz",
        ),
    ),
    "fashion_mnist": tuple(
        Remote(_KERAS + name, digest, name)
        for name, digest in zip(IDX_FILES, _FASHION_MNIST_SHA256)
    ),
    "cifar10": (
        Remote(
            "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
            "cifar-10-python.tar.gz",
        ),
    ),
    "cifar100": (
        Remote(
            "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
            "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7",
            "cifar-100-python.tar.gz",
        ),
    ),
    # The archive tensorflow_datasets' cats_vs_dogs downloads (sha256 as in
    # HF datasets' metadata).
    "cats_vs_dogs": (
        Remote(
            "https://download.microsoft.com/download/3/E/1/"
            "3E1C3F21-ECDB-4869-8368-6DEBA77B919F/kagglecatsanddogs_5340.zip",
            "b7974bd00a84a99921f36ee4403f089853777b5ae8d151c76a86e64900334af9",
            "kagglecatsanddogs_5340.zip",
        ),
    ),
    # The official "Aligned&Cropped Faces" UTKFace.tar.gz lives on Google
    # Drive, which answers scripts with a confirmation page; this Hugging
    # Face copy serves the same tarball (23,708 faces) directly.
    "utkface": (
        Remote(
            (
                "https://huggingface.co/datasets/py97/UTKFace-Cropped"
                "/resolve/main/UTKFace.tar.gz"
            ),
            "ae1a16905fbd795db921ff1d940df9cc",
            "UTKFace.tar.gz",
        ),
    ),
}
"""Canonical download per dataset. Tests point these at ``file://``
fixtures."""

LAYOUTS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "mnist": ("mnist.npz", IDX_FILES, "mnist_subset.npz"),
    "fashion_mnist": (IDX_FILES,),
    "cifar10": (
        "cifar-10-batches-py",
        "cifar-10-python.tar.gz",
        "cifar10_subset.npz",
    ),
    "cifar100": (
        "cifar-100-python",
        "cifar-100-python.tar.gz",
        "cifar100_subset.npz",
    ),
}
"""The layouts of the array datasets, first match wins: a file or folder
name, or a tuple of files that must all be present."""

LAYOUT_HELP = {
    "mnist": "mnist.npz, or the four *-idx?-ubyte.gz files, "
    "or mnist_subset.npz",
    "fashion_mnist": "the four *-idx?-ubyte.gz files",
    "cifar10": "cifar-10-batches-py/ or cifar-10-python.tar.gz "
    "or cifar10_subset.npz",
    "cifar100": "cifar-100-python/ or cifar-100-python.tar.gz "
    "or cifar100_subset.npz",
    "cats_vs_dogs": "cat/*.jpg and dog/*.jpg",
    "utkface": "the UTKFace *.jpg.chip.jpg files (aligned & cropped faces)",
}


def class_dir(root: Path, name: str) -> Path | None:
    """The folder of class ``name`` (``cat``, ``Cat`` or ``PetImages/Cat``),
    or None."""
    for folder in (root / name, root / name.title(),
                   root / "PetImages" / name.title()):  # fmt: skip
        if folder.is_dir():
            return folder
    return None


def _utkface_folders(root: Path) -> tuple[Path, ...]:
    return tuple(f for f in (root, root / "UTKFace") if f.is_dir())


def first_layout(name: str, root: Path) -> Path | None:
    """Return the first layout of ``name`` present in ``root`` (a file, a
    folder, or ``root`` itself for idx files and image folders)."""
    if not root.is_dir():
        return None
    if name == "cats_vs_dogs":
        classes = [class_dir(root, c) for c in CATS_VS_DOGS_CLASSES]
        return root if all(classes) else None
    if name == "utkface":
        for folder in _utkface_folders(root):
            if any(p.name.endswith(".jpg") for p in folder.iterdir()):
                return folder
        return None
    for entry in LAYOUTS[name]:
        if isinstance(entry, tuple):
            if all((root / f).is_file() for f in entry):
                return root
        elif (root / entry).exists():
            return root / entry
    return None


def visible_entries(folder: Path) -> list[str]:
    """Names in ``folder`` that do not start with a dot, sorted."""
    return sorted(p.name for p in folder.iterdir()
                  if not p.name.startswith("."))  # fmt: skip


def layout_problem(name: str, root: Path) -> str:
    """Say why ``root``, a folder holding no complete layout of ``name``,
    is not one, e.g. ``has 3 of the 4 idx files (no t10k-...)``."""
    if name == "cats_vs_dogs":
        missing = [c for c in CATS_VS_DOGS_CLASSES if not class_dir(root, c)]
        return f"has no {' and no '.join(m + '/' for m in missing)} folder"
    if name == "utkface":
        return "holds no .jpg files (nor does a UTKFace/ folder in it)"
    for entry in LAYOUTS[name]:
        if isinstance(entry, tuple):
            absent = [f for f in entry if not (root / f).is_file()]
            if len(absent) < len(entry):
                return (
                    f"has {len(entry) - len(absent)} of the "
                    f"{len(entry)} idx files (no {', '.join(absent)})"
                )
    shown = visible_entries(root)
    more = ", …" if len(shown) > 5 else ""
    return f"holds only {', '.join(shown[:5])}{more}"
