"""Sphinx extension for the course website: everything a page loads comes from the build itself.

* MathJax 3 is served from ``_static/mathjax/`` (copied from the ``django-static-mathjax`` PyPI package that
  ``requirements.txt`` installs), never from a CDN, so formulas render offline.
* Exercises are numbered per chapter ("Exercise 2.1" is the first exercise of chapter 2), not across the book.
* A solution's title opens the solution (it is a plain title, not a link that jumps back to the exercise).
* Small fixes seen in the browser: the theme gets a valid default mode, and a script emitted twice (sphinx-thebe's
  configuration) is emitted once.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform

MATHJAX_FOLDER = "mathjax"
MATHJAX_ENTRY = "tex-mml-chtml.js"
MATHJAX_PARTS = (MATHJAX_ENTRY, "input", "output/chtml", "a11y", "sre", "ui", "adaptors")
"""What a page can load of MathJax's ``es5`` build: the combined TeX/CHTML script and what it loads lazily."""

CHAPTER_NUMBER = re.compile(r"(?:^|/)(\d+)_[^/]+/[^/]+$")


def mathjax_source() -> Path:
    """Return the folder of MathJax 3's ``es5`` build shipped by the ``django-static-mathjax`` package."""
    try:
        import mathjax  # the django-static-mathjax distribution
    except ImportError as error:
        raise ExtensionError("MathJax is missing: run `pip install -r requirements.txt` "
                             "(it installs django-static-mathjax, which ships MathJax 3 for offline pages)") from error
    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / MATHJAX_ENTRY).is_file():
        raise ExtensionError(f"{folder} has no {MATHJAX_ENTRY}: reinstall django-static-mathjax")
    return folder


def configure(app: Sphinx, config) -> None:
    """Serve MathJax from the build and give the theme a valid colour mode."""
    mathjax_source()  # fail early, with what to install, when MathJax is missing
    config.mathjax_path = f"{MATHJAX_FOLDER}/{MATHJAX_ENTRY}"
    context = dict(config.html_context or {})
    context.setdefault("default_mode", "light")  # left empty, the theme logs "Got invalid theme mode"
    config.html_context = context


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Copy the parts of MathJax that pages load into ``_static/mathjax`` of the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    source, target = mathjax_source(), Path(app.outdir) / "_static" / MATHJAX_FOLDER
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)


def chapter_of(docname: str) -> int | None:
    """The chapter number of ``chapters/NN_name/page`` (None for other pages)."""
    match = CHAPTER_NUMBER.search(docname)
    return int(match.group(1)) if match else None


def number_exercises_per_chapter(app: Sphinx, env) -> list[str]:
    """Renumber exercises within each page: the k-th exercise of chapter N becomes "Exercise N.k"."""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        exercises = numbers.get("exercise")
        if not exercises:
            continue
        chapter = chapter_of(docname)
        ordered = sorted(exercises, key=lambda ident: exercises[ident])
        renumbered = {ident: ((chapter, k) if chapter is not None else (k,)) for k, ident in enumerate(ordered, 1)}
        if renumbered != exercises:
            numbers["exercise"] = renumbered
            changed.append(docname)
    return changed


class PlainSolutionTitles(SphinxPostTransform):
    """Unwrap the link in a solution's title ("Solution to Exercise 2.1 (…)"), so a click opens the solution.

    sphinx-exercise makes the title a link back to the exercise; in a dropdown that link jumps away instead of
    opening it. The words stay the same.
    """

    default_priority = 22  # after sphinx-exercise resolves solution titles (21)

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.Element):
            if "solution" not in node.get("classes", []) and type(node).__name__ != "solution_node":
                continue
            title = node.next_node(nodes.title)
            if title is None:
                continue
            for reference in list(title.findall(nodes.reference)):
                reference.replace_self(reference.children)


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def tidy_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Emit each script once, and no saved ipywidgets state.

    sphinx-thebe's configuration is added twice (once with ``None``, once with ``""`` as its file name), which
    logs "Identifier 'THEBE_JS_URL' has already been declared". The widget state is only read by the ipywidgets
    HTML manager, which the site does not load (``nb_ipywidgets_js: {}``): every live control of the course has a
    kernel-free version in the page, so the state would only add weight (it holds every figure once more).
    """
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        attributes = dict(getattr(script, "attributes", {}))
        if attributes.get("type") == WIDGET_STATE:
            continue
        key = (getattr(script, "filename", None) or "", tuple(sorted(attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", configure, priority=900)
    app.connect("env-get-updated", number_exercises_per_chapter, priority=900)
    app.add_post_transform(PlainSolutionTitles)
    app.connect("html-page-context", tidy_scripts, priority=999)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
