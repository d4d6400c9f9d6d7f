"""The book build executes every chapter and fails when a cell raises (with the project's own _config.yml)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def build_book(tmp_path: Path, chapter: str) -> subprocess.CompletedProcess:
    """Build a one-chapter book with the project's _config.yml; return the finished process."""
    book = tmp_path / "book"
    book.mkdir()
    shutil.copy(REPO / "_config.yml", book / "_config.yml")
    for folder in (
        "_ext",
        "_static",
    ):  # the course's Sphinx extension and site assets, which _config.yml names
        shutil.copytree(REPO / folder, book / folder)
    shutil.copy(FIXTURES / chapter, book / "chapter.ipynb")
    (book / "intro.md").write_text("# Fixture book\n\nOne chapter.\n")
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n  - file: chapter\n"
    )
    return subprocess.run(
        [str(JUPYTER_BOOK), "build", str(book), "-W", "--keep-going"],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(
    not JUPYTER_BOOK.exists(),
    reason="jupyter-book is not installed in this environment",
)
def test_a_chapter_that_runs_builds_with_warnings_as_errors(tmp_path):
    result = build_book(tmp_path, "good_chapter.ipynb")
    assert result.returncode == 0, (
        result.stdout[-3000:] + result.stderr[-3000:]
    )
    page = (tmp_path / "book" / "_build" / "html" / "chapter.html").read_text()
    assert (
        "total 6" in page
    )  # the output was produced by executing the notebook (no cached run existed)
    assert (
        tmp_path
        / "book"
        / "_build"
        / "html"
        / "_static"
        / "mathjax"
        / "tex-chtml.js"
    ).is_file()


@pytest.mark.skipif(
    not JUPYTER_BOOK.exists(),
    reason="jupyter-book is not installed in this environment",
)
def test_a_chapter_cell_that_raises_fails_the_build(tmp_path):
    result = build_book(tmp_path, "failing_chapter.ipynb")
    log = result.stdout + result.stderr
    assert result.returncode != 0
    assert "deliberate failure in a chapter cell" in log
