"""The book's jupyter-cache: a chapter nbmake executed is stored there, so that ``jupyter-book build`` (with
``execute_notebooks: cache``) renders those outputs instead of executing the chapter again.

The root ``conftest.py`` calls these after each chapter's nbmake run; ``test_site_cache.py`` checks them.
"""

from __future__ import annotations

from pathlib import Path

import patches  # _ext/patches.py: every patch of a third-party internal, in one place

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_CACHE = REPO / "_build" / ".jupyter_cache"
"""The folder ``jupyter-book build`` reads (``_config.yml``: ``execute_notebooks: cache``)."""


def cache_executed_notebook(
    path: Path, executed, cache_dir: Path = NOTEBOOK_CACHE
) -> None:
    """Store an executed notebook in the jupyter-cache that ``jupyter-book build`` (cache mode) reads.

    jupyter-cache matches a notebook by its code cells' sources *and metadata* plus its kernelspec, and nbclient
    adds timing metadata to every cell it runs, so the stored notebook is the file on disk with the executed
    outputs copied in: exactly what myst-nb will look up.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    notebook = nbformat.read(str(path), as_version=4)
    if len(notebook.cells) != len(executed.cells):
        return
    patches.copy_outputs(
        executed, notebook
    )  # outputs and language_info; no widget state: the site loads no widget manager
    cache = get_cache(str(cache_dir))
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, uri=str(path)),
        check_validity=False,
        overwrite=True,
    )


def forget_notebook(path: Path, cache_dir: Path = NOTEBOOK_CACHE) -> None:
    """Remove a notebook's cached outputs (after a failed run, so the site never shows stale ones)."""
    import nbformat
    from jupyter_cache import get_cache

    if not cache_dir.is_dir():
        return
    cache = get_cache(str(cache_dir))
    try:
        record = cache.match_cache_notebook(
            nbformat.read(str(path), as_version=4)
        )
    except KeyError:
        return
    cache.remove_cache(record.pk)
