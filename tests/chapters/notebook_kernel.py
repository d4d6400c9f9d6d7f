"""Drive a chapter notebook's live objects (sliders, models) from a test, in a real Jupyter kernel.

``run_until(path, tag)`` returns a :class:`LiveNotebook` whose kernel has run the notebook's cells at least up to
and including the first cell tagged ``tag``; ``.run(code)`` then executes more code in the same kernel and
returns its printed text, raising ``AssertionError`` with the kernel's traceback when that code fails.

**Each chapter runs once per ``pytest``.** When ``pytest --nbmake`` has just executed the chapter in this session,
the root ``conftest.py`` keeps that kernel alive (:func:`keep`) and orders the chapter's live tests right after
it: ``run_until`` then hands out that kernel (it has run every cell, the tagged one included) instead of executing
the chapter a second time, and the tests' ``close()`` shuts it down. Run on its own (``pytest
tests/chapters/test_chapter06_live.py``), a live test executes the cells up to the tag itself. A chapter that
failed under nbmake in this session fails its live tests at once, without executing it again.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "_ext") not in sys.path:
    sys.path.insert(0, str(REPO / "_ext"))
from patches import install_repolling  # noqa: E402 - _ext/patches.py, every third-party patch

install_repolling()  # every kernel client nbclient starts here, nbmake's included, polls in short steps


class LiveNotebook:
    """A notebook whose kernel is still running after executing some of its cells."""

    def __init__(
        self, client: NotebookClient, notebook: nbformat.NotebookNode
    ):
        self.client, self.notebook = client, notebook

    def run(self, code: str) -> str:
        """Execute ``code`` in the notebook's kernel; return its stdout/text output."""
        cell = nbformat.v4.new_code_cell(code)
        self.notebook.cells.append(cell)
        try:
            self.client.execute_cell(cell, len(self.notebook.cells) - 1)
        except CellExecutionError as error:
            raise AssertionError(
                f"code failed in the notebook's kernel:\n{error}"
            ) from None
        texts = [
            out.get("text", "")
            for out in cell.outputs
            if out.get("output_type") == "stream"
        ]
        texts += [
            out.get("data", {}).get("text/plain", "")
            for out in cell.outputs
            if "data" in out
        ]
        return "".join(texts)

    def close(self) -> None:
        """Shut the kernel down (and forget it, when it was the one nbmake ran)."""
        for path, kept in list(KEPT.items()):
            if kept is self:
                del KEPT[path]
        if self.client.km is not None:
            self.client._cleanup_kernel()  # noqa: SLF001 - nbclient has no public per-client shutdown


PNG_DIGEST = """
import hashlib, io

def _png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40)
    return hashlib.sha256(buffer.getvalue()).hexdigest()
"""
"""Kernel code: ``_png(figure)``, a digest of the figure as drawn (a redraw that changes anything changes it)."""

KEPT: dict[str, LiveNotebook] = {}
"""Chapter path (relative to the repo) -> the kernel nbmake executed it in, still running."""
FAILED: set[str] = set()
"""Chapters whose nbmake run failed in this session."""


def keep(
    relative_path: str, client: NotebookClient, executed: nbformat.NotebookNode
) -> None:
    """Keep the kernel that just executed a whole chapter, for that chapter's live tests (see the module doc)."""
    for other in list(
        KEPT.values()
    ):  # at most one kept kernel at a time: the previous chapter's is done
        other.close()
    client.nb = nbformat.from_dict(
        copy.deepcopy(dict(executed))
    )  # cells run later are appended to a copy
    KEPT[relative_path] = LiveNotebook(client, client.nb)


def run_until(
    relative_path: str, tag: str, timeout: int = 300
) -> LiveNotebook:
    """Execute cells of ``relative_path`` (from the repo root) up to the first cell tagged ``tag``."""
    if relative_path in FAILED:
        raise AssertionError(
            f"{relative_path} failed under pytest --nbmake in this run (see that failure)"
        )
    path = REPO / relative_path
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    stop = next(
        (
            i
            for i, c in enumerate(cells)
            if tag in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if stop is None:
        raise AssertionError(f"{relative_path} has no cell tagged {tag!r}")
    if (
        relative_path in KEPT
    ):  # nbmake ran every cell, the tagged one included, in this kernel
        return KEPT[relative_path]
    notebook.cells = cells[: stop + 1]
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    client.start_new_kernel_client()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)
    return LiveNotebook(client, notebook)
