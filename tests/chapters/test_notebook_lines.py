"""Every code line of every chapter fits the website's code column: 79 columns (``ruff format``, pyproject.toml).

``ruff format`` wraps code; it leaves long strings and comments alone, so those are wrapped by hand.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(REPO.glob("chapters/*/*.ipynb"))
MAX_COLUMNS = 79


def test_the_formatter_is_configured_for_the_same_width():
    ruff = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["ruff"]
    assert (
        ruff["line-length"] == MAX_COLUMNS
        and "*.ipynb" in ruff["extend-include"]
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_every_code_line_fits_79_columns(path):
    cells = [
        cell
        for cell in json.loads(path.read_text())["cells"]
        if cell["cell_type"] == "code"
    ]
    too_long = [
        f"cell {number} line {row}: {len(line)} columns: {line[:50]}…"
        for number, cell in enumerate(cells, 1)
        for row, line in enumerate("".join(cell["source"]).splitlines(), 1)
        if len(line) > MAX_COLUMNS
    ]
    assert not too_long, (
        f"{path.name}: {len(too_long)} code lines over {MAX_COLUMNS} columns (run `ruff format "
        f"{path.relative_to(REPO)}`, then wrap long strings and comments by hand):\n"
        + "\n".join(too_long[:10])
    )


SOLUTION_COLUMNS = 72
"""Code shown in the prose (a fenced block in a markdown cell) often sits in an exercise's solution, whose box is
narrower than the page column (619 px: about 72 monospace characters)."""


def fenced_code(markdown: str) -> list[str]:
    """The lines of the code blocks of a markdown cell: fenced (```python, ```{code-block}) or indented."""
    lines: list[str] = []
    fences: list[tuple[int, bool]] = []  # open fences: (backticks, is code)
    previous, in_list, indented = "", False, False
    for line in markdown.splitlines():
        text = line.strip()
        ticks = len(text) - len(text.lstrip("`"))
        if fences and ticks == fences[-1][0] and text == "`" * ticks:
            fences.pop()
        elif ticks >= 3 and not (fences and fences[-1][1]):
            info = text[ticks:].strip()
            code = not info.startswith("{") or info.startswith("{code")
            fences.append((ticks, code))
        elif fences and fences[-1][1]:
            lines.append(line)
        elif line.startswith("    ") and text and (indented or not previous):
            indented = not in_list  # an indented code block, not a list's
            if indented:
                lines.append(line[4:])  # the indent is not shown
        else:
            indented = False
            if text and not line.startswith(" "):
                in_list = (
                    text[:2] in ("- ", "* ") or text[:3].rstrip(".").isdigit()
                )
        previous = text
    return lines


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_code_in_the_prose_fits_a_solution_box(path):
    cells = json.loads(path.read_text())["cells"]
    too_long = [
        f"markdown cell {number}: {len(line)} columns: {line[:50]}…"
        for number, cell in enumerate(cells, 1)
        if cell["cell_type"] == "markdown"
        for line in fenced_code("".join(cell["source"]))
        if len(line) > SOLUTION_COLUMNS
    ]
    assert not too_long, (
        f"{path.name}: {len(too_long)} lines of code in the prose over {SOLUTION_COLUMNS} columns:\n"
        + "\n".join(too_long[:10])
    )
