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
