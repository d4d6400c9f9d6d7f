"""Read the values a chapter glued (``nnbook.glue``) from its executed notebook: what the page pastes."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import nbformat


def glued(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """Return ``{name: value}`` for every glued value in an executed notebook (text/plain, parsed as a literal).

    A value whose text is not a Python literal (a figure, a DataFrame) is returned as its text.
    """
    values: dict[str, Any] = {}
    for cell in notebook.cells:
        for output in (
            cell.get("outputs", []) if cell.cell_type == "code" else []
        ):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            data = output.get("data", {})
            text = data.get(prefix + "text/plain", data.get("text/plain"))
            if text is None:
                continue
            text = text if isinstance(text, str) else "".join(text)
            try:
                values[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[meta["name"]] = text
    return values


def glued_beside(executed: Path) -> dict[str, Any]:
    """Return the glued values of a notebook the book build executed: myst-nb moves them out of the executed copy
    into ``NAME.glue.json`` beside it (and the copy itself may still hold some)."""
    import json

    values = (
        glued(nbformat.read(str(executed), as_version=4))
        if executed.is_file()
        else {}
    )
    beside = executed.with_suffix(".glue.json")
    if beside.is_file():
        cell = nbformat.v4.new_code_cell("")
        cell.outputs = [
            nbformat.from_dict(output)
            for output in json.loads(beside.read_text()).values()
        ]
        values.update(glued(nbformat.v4.new_notebook(cells=[cell])))
    return values


def floor_failures(
    values: dict[str, Any], floors: dict[str, float]
) -> list[str]:
    """Return one line per floor that ``values`` (a chapter's glued values) misses: absent, not a number, or low."""
    problems = []
    for name, floor in sorted(floors.items()):
        if name not in values:
            problems.append(
                f"{name}: not glued (the chapter must nnbook.glue({name!r}, ...))"
            )
        elif not isinstance(values[name], (int, float)) or isinstance(
            values[name], bool
        ):
            problems.append(f"{name}: glued {values[name]!r}, not a number")
        elif values[name] < floor:
            problems.append(
                f"{name}: {values[name]:.4g} is below its floor {floor:.4g}"
            )
    return problems
