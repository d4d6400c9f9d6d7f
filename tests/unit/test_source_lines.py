"""Every line of the nnbook package fits the 79-column page.

``ruff format`` (line-length 79 in pyproject.toml) wraps code but not
docstrings, comments or long string literals; this test keeps those within
the column too.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "nnbook"
MAX_COLUMNS = 79


def long_lines(paths: list[Path], limit: int = MAX_COLUMNS) -> list[str]:
    """``file:line: N characters`` for every line over ``limit``."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if len(line) > limit:
                found.append(f"{path}:{number}: {len(line)} characters")
    return found


def test_long_lines_names_the_file_and_line(tmp_path):
    source = tmp_path / "module.py"
    source.write_text("x = 1\n" + "y = '" + "a" * 80 + "'\n" + "z = 3\n")
    assert long_lines([source]) == [f"{source}:2: 86 characters"]
    assert long_lines([source], limit=86) == []


def test_package_sources_fit_79_columns():
    paths = sorted(PACKAGE.rglob("*.py"))
    assert len(paths) > 30
    found = long_lines(paths)
    assert not found, (
        f"{len(found)} line(s) over {MAX_COLUMNS} characters (wrap the "
        "docstring, comment or string):\n" + "\n".join(found)
    )
