"""nnbook.networks: the networks taught once and reused, and the chapter cell that teaches each one."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest

from nnbook import networks

REPO = Path(__file__).resolve().parents[2]
TAUGHT_IN = {
    "paper_dense": "chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb",
    "paper_cnn": "chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb",
}


def code_of(notebook: Path) -> str:
    cells = json.loads(notebook.read_text())["cells"]
    return "\n".join(
        "".join(cell["source"])
        for cell in cells
        if cell["cell_type"] == "code"
    )


def body(function) -> list[str]:
    """The function's source without its docstring, as lines without trailing blanks."""
    lines = inspect.getsource(function).splitlines()
    doc = function.__doc__ or ""
    text = "\n".join(lines)
    if doc:
        start = text.index('"""')
        end = text.index('"""', start + 3) + 3
        text = text[:start] + text[end:]
    return [line.rstrip() for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("name", sorted(TAUGHT_IN))
def test_the_chapter_that_teaches_a_network_writes_it_out_as_nnbook_has_it(
    name,
):
    """The teaching chapter defines the function line for line (docstring aside); later chapters import it."""
    code = [
        line.rstrip()
        for line in code_of(REPO / TAUGHT_IN[name]).splitlines()
        if line.strip()
    ]
    wanted = body(getattr(networks, name))
    found = any(code[i : i + len(wanted)] == wanted for i in range(len(code)))
    assert found, (
        f"{TAUGHT_IN[name]} must define {name} exactly as nnbook/networks.py does (docstring aside):\n"
        + "\n".join(wanted)
    )
    assert (
        f"Taught in chapter {TAUGHT_IN[name].split('/')[1][:2].lstrip('0')}"
        in getattr(networks, name).__doc__
    )


def test_paper_networks_have_the_papers_shapes():
    dense = networks.paper_dense(100, 1)
    conv = networks.paper_cnn(100, 1)
    assert (
        dense.count_params() == 100 * 100 * 100 + 100 + 100 * 100 + 100 + 101
    )
    assert [
        layer.filters for layer in conv.layers if hasattr(layer, "filters")
    ] == [32, 64, 128]
    assert (
        conv.output_shape == (None, 1)
        and conv.layers[-1].activation.__name__ == "sigmoid"
    )
    bands = networks.paper_cnn(100, 1, outputs=10)
    assert (
        bands.output_shape == (None, 10)
        and bands.layers[-1].activation.__name__ == "softmax"
    )
    half = networks.paper_cnn(64, 3, width=0.5)
    assert [
        layer.filters for layer in half.layers if hasattr(layer, "filters")
    ] == [16, 32, 64]
