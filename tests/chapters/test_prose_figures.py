"""Prose that cannot drift from the output: no figure of our runs is typed into a page of chapters 3–11.

The rule (CONTRIBUTING.md, "Figures in the prose"): in the markdown of chapters 3–11, a **result figure** — a
number with ``%``, a time (``ms``, ``s``, ``seconds``, ``min``, ``minutes``), or an epoch count (``8 epochs``,
``epoch 12``) — is either

* pasted from the run: ``{glue:text}`name:.1%``` (the number then lives in a code cell's output), or
* typed from a source, in a sentence that names it: the paper, the study, the talk, the tutorial, the write-up,
  or a section sign (``§7.4``), or
* in a table whose header row, or the line just before it, names the source, or
* not a result at all (a chance rate, a setting explained in words): the paragraph then ends with the marker
  ``<!-- typed: why -->``, which reviewers read.

Code, inline code, maths and glue roles are not prose and are skipped; exercise and solution text is prose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIRST, LAST = 3, 11
FIGURE = re.compile(
    r"(?<![\w.])\d[\d,.]*\s?(?:%|percent\b|ms\b|s\b|seconds?\b|min\b|minutes?\b|hours?\b)"
    r"|\b\d[\d,]*\s+epochs?\b|\bepochs?\s+\d+",
    re.I,
)
SOURCE = re.compile(
    r"\b(?:paper|papers|study|study's|talk|talk's|tutorial|write-up|Huertes|Casas)\b|§",
    re.I,
)
TYPED = re.compile(r"<!--\s*typed:[^>]*-->")
FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
NOT_PROSE = [
    re.compile(r"\{glue(?::\w+)?\}`[^`]*`"),  # pasted values
    re.compile(r"\{[\w:-]+\}`[^`]*`"),  # other roles: {ref}`...`, {math}`...`
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\$\$.*?\$\$", re.S),  # display maths
    re.compile(r"\$[^$\n]+\$"),  # inline maths
    re.compile(
        r"<!--.*?-->", re.S
    ),  # comments (the typed marker is read before this)
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"https?://\S+"),
]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*])")


def chapter_pages() -> list[Path]:
    pages = []
    for folder in sorted((REPO / "chapters").iterdir()):
        number = int(folder.name[:2]) if folder.name[:2].isdigit() else 0
        if FIRST <= number <= LAST:
            pages += sorted(folder.glob("*.ipynb")) + sorted(
                folder.glob("*.md")
            )
    return pages


def markdown_of(page: Path) -> list[str]:
    if page.suffix == ".md":
        return [page.read_text(encoding="utf-8")]
    cells = json.loads(page.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(cell["source"])
        for cell in cells
        if cell["cell_type"] == "markdown"
    ]


def paragraphs(markdown: str) -> list[str]:
    """Blocks of prose: code fences dropped (directive fences such as ``{exercise}`` keep their text)."""
    kept, fence = [], None
    for line in markdown.splitlines():
        match = FENCE.match(line.strip())
        if fence is None and match:
            fence = match.group(1)
            if (
                match.group(2).strip().startswith("{")
            ):  # a directive: its body is prose; options are not
                fence = "directive:" + fence
            kept.append("")
            continue
        if (
            fence is not None
            and line.strip().startswith(fence.removeprefix("directive:"))
            and not line.strip().lstrip("`~")
        ):
            fence = None
            kept.append("")
            continue
        if fence is None or (
            fence.startswith("directive:") and not line.strip().startswith(":")
        ):
            kept.append(line)
    return [
        block
        for block in re.split(r"\n\s*\n", "\n".join(kept))
        if block.strip()
    ]


def untyped_figures(markdown: str) -> list[str]:
    """The sentences of ``markdown`` that type a result figure with no source and no ``typed`` marker."""
    found = []
    blocks = paragraphs(markdown)
    for index, block in enumerate(blocks):
        if TYPED.search(block):
            continue
        if block.lstrip().startswith(
            "|"
        ):  # a table is attributed by its header row or the line just before it
            header = block.strip().splitlines()[0]
            before = (
                blocks[index - 1].strip().splitlines()[-1] if index else ""
            )
            if SOURCE.search(header) or SOURCE.search(before):
                continue
        prose = block
        for pattern in NOT_PROSE:
            prose = pattern.sub(" ", prose)
        units = (
            prose.splitlines()
            if prose.lstrip().startswith("|")
            else SENTENCE_END.split(prose)
        )
        for unit in units:
            if FIGURE.search(unit) and not SOURCE.search(unit):
                found.append(" ".join(unit.split())[:160])
    return found


@pytest.mark.parametrize(
    "page", chapter_pages(), ids=lambda page: page.parent.name
)
def test_no_figure_of_ours_is_typed_into_the_prose(page):
    found = [
        figure
        for markdown in markdown_of(page)
        for figure in untyped_figures(markdown)
    ]
    assert not found, (
        f"{page.relative_to(REPO)}: figures typed into the prose with no glue and no source "
        "(see CONTRIBUTING.md, 'Figures in the prose'):\n  "
        + "\n  ".join(found)
    )


def test_the_rule_catches_a_typed_result_and_lets_the_others_pass():
    assert untyped_figures("The Conv model reached 84.2 % after 12 epochs.")
    assert untyped_figures("| Conv | 84.2 % |")
    assert untyped_figures("Training took 41 s on this machine.")
    assert not untyped_figures(
        "The Conv model reached {glue:text}`conv_acc:.1%` after {glue:text}`n` epochs."
    )
    assert not untyped_figures(
        "The paper's Conv model reached 84.4 % after 100 epochs (§7.4)."
    )
    assert not untyped_figures(
        "With ten classes, guessing is right 10 % of the time. <!-- typed: chance rate -->"
    )
    assert not untyped_figures("```python\nprint('95 %')\n```")
    assert not untyped_figures("Set `EPOCHS = 8` and $p = 50\\%$.")
    assert not untyped_figures(
        "The paper's results:\n\n| model | accuracy |\n|---|---|\n| Conv | 84.4 % |"
    )
    assert untyped_figures(
        "Our results:\n\n| model | accuracy |\n|---|---|\n| Conv | 84.4 % |"
    )
    assert untyped_figures(
        "```{exercise} Gap\n:label: ex-gap\nWhy is the gap 12 % here?\n```"
    )
