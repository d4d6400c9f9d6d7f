"""Sphinx extension for the course website: everything a page loads comes from the build itself.

* MathJax 3 is served from ``_static/mathjax/`` (copied from the ``django-static-mathjax`` PyPI package that
  ``requirements.txt`` installs), never from a CDN, so formulas render offline.
* Exercises are numbered per chapter ("Exercise 2.1" is the first exercise of chapter 2), not across the book.
* A solution's title opens the solution (it is a plain title, not a link that jumps back to the exercise).
* ``_build/jupyter_execute/`` holds the *executed* notebooks: with ``execute_notebooks: cache``, myst-nb renders
  the outputs it merged from the cache but writes the notebook it was given, without them (see
  :func:`keep_cached_outputs`).
* Kernel channels are polled in short steps while notebooks execute (:func:`repoll_channels`, nbclient#312).
* Small fixes seen in the browser: the theme gets a valid default mode, and a script emitted twice (sphinx-thebe's
  configuration) is emitted once.
"""

from __future__ import annotations

import inspect
import re
import shutil
import time
from pathlib import Path
from queue import Empty

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


REPOLL_S = 0.5
"""Longest single wait on a kernel channel before polling it afresh (see :func:`repoll_channels`)."""


def _repolling(get_msg):
    async def get_msg_repolling(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = REPOLL_S if deadline is None else max(0.0, min(REPOLL_S, deadline - time.monotonic()))
            try:
                return await get_msg(timeout=left)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg_repolling


def repoll_channels(kc) -> None:
    """Make the kernel client's shell and IOPub waits poll again every :data:`REPOLL_S` seconds.

    With widgets on the page, one long ``poll`` of a channel sometimes never sees a message that has arrived
    (jupyter/nbclient#312): the caller then waits for the cell's whole timeout while the kernel sits idle, its
    reply sent. Short polls in a loop, up to the same deadline, pick the message up.
    """
    if getattr(kc, "_nnbook_repoll", False):
        return
    for channel in (kc.shell_channel, kc.iopub_channel):
        if inspect.iscoroutinefunction(channel.get_msg):
            channel.get_msg = _repolling(channel.get_msg)
    kc._nnbook_repoll = True


def install_repolling() -> None:
    """Every kernel client nbclient starts in this process gets :func:`repoll_channels`: the book build's
    (myst-nb executes through jupyter-cache in-process) and, from ``tests/notebook_kernel.py``, nbmake's and the
    live tests'."""
    from nbclient import NotebookClient
    from nbclient.util import run_sync

    if getattr(NotebookClient.async_start_new_kernel_client, "_nnbook_repoll", False):
        return
    start = NotebookClient.async_start_new_kernel_client

    async def start_and_repoll(self):
        kc = await start(self)
        repoll_channels(kc)
        return kc

    start_and_repoll._nnbook_repoll = True  # type: ignore[attr-defined]
    NotebookClient.async_start_new_kernel_client = start_and_repoll
    NotebookClient.start_new_kernel_client = run_sync(start_and_repoll)


def copy_outputs(executed, into) -> None:
    """Copy the code cells' outputs and execution counts of ``executed`` into the notebook ``into`` (same cells)."""
    for cell, ran in zip(into.cells, executed.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = ran.outputs, ran.get("execution_count")
    if "language_info" in executed.metadata:
        into.metadata["language_info"] = executed.metadata["language_info"]


def keep_cached_outputs() -> None:
    """Make myst-nb's cache client put the cached outputs into the notebook it was given.

    The client replaces its notebook with the one jupyter-cache merges; the page is rendered from that one, but
    myst-nb then writes the notebook *it* holds, the unexecuted original, to ``_build/jupyter_execute/``: the
    executed copy a reader downloads (and a check of the build) shows no output at all.
    """
    from myst_nb.core.execute.cache import NotebookClientCache

    if getattr(NotebookClientCache.start_client, "_nnbook_outputs", False):
        return
    start = NotebookClientCache.start_client

    def start_and_keep_outputs(self) -> None:
        given = self._notebook
        start(self)
        if self._notebook is not given and len(self._notebook.cells) == len(given.cells):
            copy_outputs(self._notebook, given)
            self._notebook = given

    start_and_keep_outputs._nnbook_outputs = True  # type: ignore[attr-defined]
    NotebookClientCache.start_client = start_and_keep_outputs


def setup(app: Sphinx) -> dict:
    keep_cached_outputs()
    install_repolling()
    app.connect("config-inited", configure, priority=900)
    app.connect("env-get-updated", number_exercises_per_chapter, priority=900)
    app.add_post_transform(PlainSolutionTitles)
    app.connect("html-page-context", tidy_scripts, priority=999)
    app.connect("build-finished", copy_mathjax)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
