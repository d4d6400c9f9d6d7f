"""A notebook executed by nbmake is stored so that the book build finds it (each chapter runs once per CI run)."""

from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from nbclient import NotebookClient

from notebook_cache import cache_executed_notebook, forget_notebook

FIXTURE = Path(__file__).parent / "fixtures" / "good_chapter.ipynb"


def executed_like_nbmake(path: Path) -> nbformat.NotebookNode:
    """Execute a copy the way nbmake does (record_timing adds metadata to every cell)."""
    notebook = nbformat.read(str(path), as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", record_timing=True
    ).execute(cwd=path.parent)
    return notebook


def test_the_build_matches_the_stored_run_and_renders_its_outputs(tmp_path):
    executed = executed_like_nbmake(FIXTURE)
    assert any(
        "execution" in cell.metadata for cell in executed.cells
    )  # what used to break the match

    cache_executed_notebook(FIXTURE, executed, tmp_path)

    as_the_build_reads_it = nbformat.read(str(FIXTURE), as_version=4)
    _, merged = get_cache(str(tmp_path)).merge_match_into_notebook(
        as_the_build_reads_it
    )
    texts = [
        out.get("text", "")
        for cell in merged.cells
        for out in cell.get("outputs", [])
    ]
    assert any("total 6" in text for text in texts)


def test_a_failed_run_is_forgotten(tmp_path):
    cache_executed_notebook(FIXTURE, executed_like_nbmake(FIXTURE), tmp_path)
    forget_notebook(FIXTURE, tmp_path)
    assert get_cache(str(tmp_path)).list_cache_records() == []
