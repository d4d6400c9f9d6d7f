"""Downloads: fetch a canonical source, check its published hash, unpack it
into a temporary folder and rename that into the cache only when complete
(an interrupted run never leaves a half-written dataset)."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tarfile
import tempfile
import zipfile
import zlib
from pathlib import Path

from nnbook.datasets.errors import (
    ChecksumError,
    DatasetFormatError,
    DatasetNotFoundError,
)
from nnbook.datasets.results import CATS_VS_DOGS_CLASSES
from nnbook.datasets.sources import LAYOUT_HELP, SOURCES, Remote, first_layout


def file_hash(path: Path, algorithm: str = "sha256") -> str:
    """Return the hex digest of ``path`` (``"sha256"`` or ``"md5"``)."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def hash_matches(path: Path, expected: str) -> bool:
    """True when ``path`` has the hash ``expected`` (md5 if 32 digits)."""
    algorithm = "md5" if len(expected) == 32 else "sha256"
    return file_hash(path, algorithm) == expected.lower()


def fetch(url: str, target: Path) -> None:
    """Download ``url`` to ``target`` with ``keras.utils.get_file``
    (progress bar; http(s) or file://)."""
    import keras  # here: loading local data must not pay for TensorFlow

    keras.utils.get_file(fname=target.name, origin=url,
                         cache_dir=str(target.parent),
                         cache_subdir=str(target.parent))  # fmt: skip


def download(name: str, remote: Remote, folder: Path,
             looked: list[str]) -> Path:  # fmt: skip
    """Fetch ``remote`` into ``folder``, check its hash; return its path.

    A file left by an interrupted run is checked first and fetched again if
    it does not match.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / remote.filename
    if target.exists() and not hash_matches(target, remote.hash):
        target.unlink()
    if not target.exists():
        try:
            fetch(remote.url, target)
        except Exception as err:  # offline, HTTP error, interrupted...
            target.unlink(missing_ok=True)
            raise DatasetNotFoundError(
                f"{name}: no local copy found and the download failed.\n"
                f"  looked in: {'; '.join(looked)}\n"
                f"  tried: {remote.url}\n  error: {err}\n"
                f"To work offline, put {LAYOUT_HELP[name]} in "
                f"<folder>/{name}/ and run\n"
                f"  export NNBOOK_DATA_DIR=<folder>\n"
                "(see the README section 'Data')."
            ) from err
    if not hash_matches(target, remote.hash):
        target.unlink()
        raise ChecksumError(
            f"{name}: {remote.filename} downloaded from {remote.url} does "
            f"not match its published hash {remote.hash} (incomplete or "
            "altered download); the file was deleted. Run again to retry, "
            "or download it by hand and set NNBOOK_DATA_DIR (see the "
            "README section 'Data')."
        )
    return target


def extract(archive: Path, dest: Path) -> None:
    """Unpack a .zip or .tar(.gz) into ``dest``.

    Raises:
        DatasetFormatError: if the archive is corrupt.
    """
    try:
        if archive.suffix == ".zip":
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(dest)
        else:
            with tarfile.open(archive) as tf:
                tf.extractall(dest, filter="data")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error,
            gzip.BadGzipFile) as err:  # fmt: skip
        raise DatasetFormatError(
            f"{archive.name} is not a valid archive ({err}); it was deleted "
            "and nothing was cached. Run again to download it afresh."
        ) from err


def arrange(name: str, tmp: Path) -> Path:
    """Turn an unpacked download into the layout the loaders read; return
    the folder to keep."""
    if name == "cats_vs_dogs" and (tmp / "PetImages").is_dir():
        for cls in CATS_VS_DOGS_CLASSES:
            os.replace(tmp / "PetImages" / cls.title(), tmp / cls)
        shutil.rmtree(tmp / "PetImages")
    if name == "utkface" and (tmp / "UTKFace").is_dir():
        return tmp / "UTKFace"
    return tmp


def install(name: str, final: Path, looked: list[str]) -> None:
    """Download ``name`` and move it into ``final`` atomically (a temporary
    folder renamed at the end)."""
    downloads = final.parent / "downloads"
    files = [download(name, r, downloads, looked) for r in SOURCES[name]]
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", suffix=".partial",
                                dir=final.parent))  # fmt: skip
    try:
        for f in files:
            if f.name.endswith((".zip", ".tar", ".tar.gz", ".tgz")):
                extract(f, tmp)
            else:
                os.replace(f, tmp / f.name)
        root = arrange(name, tmp)
        if first_layout(name, root) is None:
            raise DatasetFormatError(
                f"{name}: the download does not contain {LAYOUT_HELP[name]}; "
                "it was deleted and nothing was cached."
            )
        if final.exists():  # empty but for hidden files (see locate)
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
