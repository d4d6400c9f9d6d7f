"""Drive a chapter notebook's live objects (sliders, models) from a test, in a real Jupyter kernel.

``run_until(path, tag)`` executes the notebook's cells in order up to and including the first cell tagged
``tag`` and returns a :class:`LiveNotebook`; ``.run(code)`` then executes more code in the same kernel and
returns its printed text, raising ``AssertionError`` with the kernel's traceback when that code fails.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

REPO = Path(__file__).resolve().parents[1]


class LiveNotebook:
    """A notebook whose kernel is still running after executing some of its cells."""

    def __init__(self, client: NotebookClient, notebook: nbformat.NotebookNode):
        self.client, self.notebook = client, notebook

    def run(self, code: str) -> str:
        """Execute ``code`` in the notebook's kernel; return its stdout/text output."""
        cell = nbformat.v4.new_code_cell(code)
        self.notebook.cells.append(cell)
        try:
            self.client.execute_cell(cell, len(self.notebook.cells) - 1)
        except CellExecutionError as error:
            raise AssertionError(f"code failed in the notebook's kernel:\n{error}") from None
        texts = [out.get("text", "") for out in cell.outputs if out.get("output_type") == "stream"]
        texts += [out.get("data", {}).get("text/plain", "") for out in cell.outputs if "data" in out]
        return "".join(texts)

    def close(self) -> None:
        """Shut the kernel down."""
        self.client._cleanup_kernel()  # noqa: SLF001 - nbclient has no public per-client shutdown


def run_until(relative_path: str, tag: str, timeout: int = 300) -> LiveNotebook:
    """Execute cells of ``relative_path`` (from the repo root) up to the first cell tagged ``tag``."""
    path = REPO / relative_path
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    stop = next((i for i, c in enumerate(cells) if tag in c.get("metadata", {}).get("tags", [])), None)
    if stop is None:
        raise AssertionError(f"{relative_path} has no cell tagged {tag!r}")
    notebook.cells = cells[: stop + 1]
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.km = client.create_kernel_manager()
    client.start_new_kernel()
    client.start_new_kernel_client()
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            client.execute_cell(cell, index)
    return LiveNotebook(client, notebook)
