"""Finding a dataset: an explicit path, then ``$NNBOOK_DATA_DIR/<name>/``,
then the cache, then a download (see :mod:`nnbook.datasets`)."""

from __future__ import annotations

from pathlib import Path

from nnbook import config
from nnbook.datasets.download import install
from nnbook.datasets.errors import DatasetFormatError, DatasetNotFoundError
from nnbook.datasets.sources import (
    LAYOUT_HELP,
    SOURCES,
    first_layout,
    layout_problem,
    visible_entries,
)


def inside(found: Path, base: Path) -> str:
    """``found`` relative to ``base`` (``mnist/mnist.npz``), or its last two
    parts when it lies elsewhere."""
    try:
        return found.relative_to(base).as_posix()
    except ValueError:
        return "/".join(found.parts[-2:])


def _incomplete(name: str, folder: Path, where: str,
                next_step: str) -> DatasetFormatError:  # fmt: skip
    return DatasetFormatError(
        f"{name}: {folder} ({where}) is not a complete copy: it "
        f"{layout_problem(name, folder)}. It should hold "
        f"{LAYOUT_HELP[name]}. Complete it, or move it away {next_step}."
    )


def locate(name: str, path: str | Path | None) -> tuple[Path, str]:
    """Find ``name``'s data; return it and a description of the source.

    The description names the kind of source and the file *within* it
    (``$NNBOOK_DATA_DIR/mnist/...``, ``nnbook cache/...``), never the
    builder's absolute paths: it is printed on every page of the site.

    Raises:
        DatasetNotFoundError: nothing found and the download failed.
        DatasetFormatError: a local folder (data folder or cache) holds
            only part of a layout, or a download is corrupt.
    """
    if path is not None:
        found = first_layout(name, Path(path))
        if found is None:
            hint = (f": it {layout_problem(name, Path(path))}"
                    if Path(path).is_dir() and visible_entries(Path(path))
                    else "")  # fmt: skip
            raise DatasetNotFoundError(
                f"{name}: {path} holds no {LAYOUT_HELP[name]}{hint}."
            )
        return found, f"{found} (path argument)"
    looked = []
    data = config.data_dir()
    if data is not None:
        found = first_layout(name, data / name)
        if found is not None:
            shown = inside(found, data)
            return found, f"$NNBOOK_DATA_DIR/{shown} (NNBOOK_DATA_DIR)"
        if (data / name).is_dir() and visible_entries(data / name):
            raise _incomplete(
                name,
                data / name,
                "NNBOOK_DATA_DIR",
                "to use the cache or a download",
            )
        looked.append(f"{data / name} (NNBOOK_DATA_DIR)")
    cache = config.cache_dir() / name
    found = first_layout(name, cache)
    if found is not None:
        shown = inside(found, config.cache_dir())
        return found, f"nnbook cache/{shown} (cache)"
    if cache.is_dir() and visible_entries(cache):  # not written by nnbook
        raise _incomplete(name, cache, "cache", "to download it afresh")
    looked.append(f"{cache} (cache)")
    install(name, cache, looked)
    found = first_layout(name, cache)
    assert found is not None  # install checked the layout
    shown = inside(found, config.cache_dir())
    urls = ", ".join(r.url for r in SOURCES[name])
    return found, f"nnbook cache/{shown} (downloaded from {urls})"
