"""Conventions every chapter notebook follows (see CONTRIBUTING.md)."""

import json
import re
from pathlib import Path

import pytest
import yaml

import nnbook
from expectations import CHAPTERS

REPO = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
TOC = yaml.safe_load((REPO / "_toc.yml").read_text())
NOTEBOOKS = sorted((REPO / "chapters").glob("*/*.ipynb"))


def toc_files():
    return [
        entry["file"] for part in TOC["parts"] for entry in part["chapters"]
    ]


def load(path):
    return json.loads(path.read_text())


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"])


def test_every_toc_entry_exists_and_every_notebook_is_in_the_toc():
    listed = toc_files()
    for entry in listed:
        assert (REPO / f"{entry}.ipynb").exists() or (
            REPO / f"{entry}.md"
        ).exists(), entry
    for path in NOTEBOOKS:
        assert str(path.relative_to(REPO).with_suffix("")) in listed, (
            f"{path} is not in _toc.yml"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_every_chapter_has_a_row_of_expectations(path):
    row = CHAPTERS.get(str(path.relative_to(REPO)))
    assert row is not None, (
        f"add a row for {path.relative_to(REPO)} to tests/expectations.py (min_figures, budget_s)"
    )
    assert row.min_figures >= 0 and row.budget_s > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_notebook_is_stored_without_outputs(path):
    for cell in code_cells(load(path)):
        assert cell.get("outputs") == [], (
            f"{path.name}: a code cell has stored outputs"
        )
        assert cell.get("execution_count") is None, (
            f"{path.name}: a code cell has an execution count"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_first_code_cell_installs_this_version_in_colab_only_then_sets_up(
    path,
):
    first = source(code_cells(load(path))[0])
    url = CONFIG["repository"]["url"]
    assert 'if "google.colab" in sys.modules:' in first
    install = re.search(r'%pip install -q "nnbook @ git\+(\S+)@(\S+)"', first)
    assert install, (
        f"{path.name}: the setup cell must %pip install nnbook from git in Colab"
    )
    assert install.group(1) == url, (
        f"{path.name}: install URL differs from _config.yml repository.url"
    )
    assert install.group(2) == f"v{nnbook.__version__}", (
        f"{path.name}: install tag is not v{nnbook.__version__}"
    )
    assert first.rstrip().endswith("nnbook.setup()")
    assert len(re.findall(r"^\s*[%!]\s*(pip|conda|apt)", first, re.M)) == 1, (
        "nothing else may be installed"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_notebook_has_kernel_and_per_notebook_timeout(path):
    metadata = load(path)["metadata"]
    assert metadata["kernelspec"]["name"] == "python3"
    assert 0 < metadata["execution"]["timeout"] <= 600


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.parent.name)
def test_exercises_have_checks_and_hidden_solutions(path):
    notebook = load(path)
    markdown = "\n".join(
        source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    exercises = re.findall(r"```\{exercise\}", markdown)
    solutions = re.findall(
        r"```\{solution\}[^\n]*\n:class: dropdown", markdown
    )
    assert len(exercises) >= 3, f"{path.name}: fewer than 3 exercises"
    assert len(solutions) == len(exercises), (
        f"{path.name}: every exercise needs a solution in a dropdown"
    )
    assert any("check" in source(c) for c in code_cells(notebook)), (
        f"{path.name}: no answer checks"
    )
