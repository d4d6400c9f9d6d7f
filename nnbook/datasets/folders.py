"""Image folders: list the photos of a folder (counting what cannot be
read) and decode them into one uint8 array."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import numpy as np

from nnbook.images import ImageDecodeError, load_image

Skipped = list[tuple[str, str]]
"""``(file relative to the dataset folder, reason)`` per skipped file."""


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (``cat/cat.1.jpg``), POSIX style."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def list_files(folder: Path, root: Path) -> tuple[list[Path], Skipped]:
    """Return the regular files of ``folder`` (sorted, hidden ones left
    out) and the entries that are skipped with their reason: broken
    symbolic links, symbolic-link loops, devices and pipes. Sub-folders
    are not looked into."""
    files: list[Path] = []
    skipped: Skipped = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        try:
            mode = os.stat(p).st_mode  # follows symbolic links
        except OSError as err:
            if err.errno == errno.ELOOP:
                why = "a symbolic link loop"
            elif p.is_symlink():
                why = "a broken symbolic link"
            else:
                why = f"cannot be read ({err.strerror})"
            skipped.append((relative(p, root), why))
            continue
        if stat.S_ISREG(mode):
            files.append(p)
        elif not stat.S_ISDIR(mode):
            skipped.append((relative(p, root), "not a regular file"))
    return files, skipped


def _reason(err: ImageDecodeError, path: Path, root: Path) -> str:
    """The decoder's message with ``path`` named relative to ``root``: the
    reasons are shown on the site, the builder's paths must not be."""
    text = str(err.__cause__ or err)
    shown = relative(path, root)
    for spelling in {str(path), str(path.resolve()), path.as_posix()}:
        text = text.replace(spelling, shown)
    for spelling in {str(root), str(root.resolve())}:
        text = text.replace(spelling, root.name)
    return f"unreadable image: {text}"


def decode(files: list[Path], root: Path, size: int, color: str
           ) -> tuple[np.ndarray, list[int], Skipped]:  # fmt: skip
    """Decode ``files`` into one uint8 array; return it, the indices
    decoded, and ``(file, reason)`` per file that could not be."""
    channels = 3 if color == "rgb" else 1
    x = np.empty((len(files), size, size, channels), dtype=np.uint8)
    kept: list[int] = []
    skipped: Skipped = []
    for i, f in enumerate(files):
        try:
            x[len(kept)] = load_image(f, size, color)
            kept.append(i)
        except ImageDecodeError as err:
            skipped.append((relative(f, root), _reason(err, f, root)))
    return x[: len(kept)], kept, skipped


def report(name: str, count: int, what: str) -> None:
    """Print one line, ``cats_vs_dogs: skipped 2 unreadable files``."""
    if count:
        print(f"{name}: skipped {count} {what}")
