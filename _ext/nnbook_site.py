"""Sphinx extension for the course website: everything a page loads comes from the build itself.

* MathJax 3 is served from ``_static/mathjax/`` (copied from the ``django-static-mathjax`` PyPI package that
  ``requirements.txt`` installs), never from a CDN, so formulas render offline.
* Exercises are numbered per chapter ("Exercise 2.1" is the first exercise of chapter 2), not across the book.
* A solution's title opens the solution (it is a plain title, not a link that jumps back to the exercise).
* Small fixes seen in the browser: the theme gets a valid default mode, and a script emitted twice (sphinx-thebe's
  configuration) is emitted once.
* Light pages: explorer frames (PNG data URIs in a page) become files a page loads only when a control shows
  them (:func:`move_inline_images_to_files`), and no page loads ``fontawesome.js`` (1.5 MB that redraws the
  theme's icons, which the theme's CSS already draws with its icon font; :func:`drop_fontawesome_script`).
* Accessible figures: a notebook figure's ``alt`` text is the description its PNG carries
  (``nnbook.plots.column_png``), never its hash file name (:func:`figure_alt_texts`).
* Every chapter also offers its *executed* notebook of this build for download (:func:`offer_executed_notebook`).

Patches of third-party internals live in ``_ext/patches.py``, not here.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform

MATHJAX_FOLDER = "mathjax"
MATHJAX_ENTRY = "tex-chtml.js"  # TeX input only (the book writes no MathML): 12 kB lighter
MATHJAX_PARTS = (
    MATHJAX_ENTRY,
    "input",
    "output/chtml",
    "a11y",
    "sre",
    "ui",
    "adaptors",
)
"""What a page can load of MathJax's ``es5`` build: the combined TeX/CHTML script and what it loads lazily."""

CHAPTER_NUMBER = re.compile(r"(?:^|/)(\d+)_[^/]+/[^/]+$")


def mathjax_source() -> Path:
    """Return the folder of MathJax 3's ``es5`` build shipped by the ``django-static-mathjax`` package."""
    try:
        import mathjax  # the django-static-mathjax distribution
    except ImportError as error:
        raise ExtensionError(
            "MathJax is missing: run `pip install -r requirements.txt` "
            "(it installs django-static-mathjax, which ships MathJax 3 for offline pages)"
        ) from error
    folder = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (folder / MATHJAX_ENTRY).is_file():
        raise ExtensionError(
            f"{folder} has no {MATHJAX_ENTRY}: reinstall django-static-mathjax"
        )
    return folder


def configure(app: Sphinx, config) -> None:
    """Serve MathJax from the build and give the theme a valid colour mode."""
    mathjax_source()  # fail early, with what to install, when MathJax is missing
    config.mathjax_path = f"{MATHJAX_FOLDER}/{MATHJAX_ENTRY}"
    context = dict(config.html_context or {})
    context.setdefault(
        "default_mode", "light"
    )  # left empty, the theme logs "Got invalid theme mode"
    config.html_context = context


def copy_mathjax(app: Sphinx, exception: Exception | None) -> None:
    """Copy the parts of MathJax that pages load into ``_static/mathjax`` of the HTML output."""
    if exception is not None or app.builder.format != "html":
        return
    source, target = (
        mathjax_source(),
        Path(app.outdir) / "_static" / MATHJAX_FOLDER,
    )
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
        renumbered = {
            ident: ((chapter, k) if chapter is not None else (k,))
            for k, ident in enumerate(ordered, 1)
        }
        if renumbered != exercises:
            numbers["exercise"] = renumbered
            changed.append(docname)
    return changed


class PlainSolutionTitles(SphinxPostTransform):
    """Unwrap the link in a solution's title ("Solution to Exercise 2.1 (…)"), so a click opens the solution.

    sphinx-exercise makes the title a link back to the exercise; in a dropdown that link jumps away instead of
    opening it. The words stay the same.
    """

    default_priority = (
        22  # after sphinx-exercise resolves solution titles (21)
    )

    def run(self, **kwargs) -> None:
        for node in self.document.findall(nodes.Element):
            if (
                "solution" not in node.get("classes", [])
                and type(node).__name__ != "solution_node"
            ):
                continue
            title = node.next_node(nodes.title)
            if title is None:
                continue
            for reference in list(title.findall(nodes.reference)):
                reference.replace_self(reference.children)


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def has_maths(doctree) -> bool:
    """True when the page itself holds a formula (inline or displayed)."""
    return any(
        True
        for _ in doctree.findall(
            lambda node: isinstance(node, (nodes.math, nodes.math_block))
        )
    )


def is_mathjax(script) -> bool:
    """True for MathJax's script and for its configuration (``window.MathJax = ...``)."""
    name = str(getattr(script, "filename", None) or script)
    body = str(dict(getattr(script, "attributes", {})).get("body", ""))
    return (
        MATHJAX_FOLDER + "/" in name
        or "mathjax" in name.lower()
        or body.lstrip().startswith("window.MathJax")
    )


def tidy_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Emit each script once, and no saved ipywidgets state.

    sphinx-thebe's configuration is added twice (once with ``None``, once with ``""`` as its file name), which
    logs "Identifier 'THEBE_JS_URL' has already been declared". The widget state is only read by the ipywidgets
    HTML manager, which the site does not load (``nb_ipywidgets_js: {}``): every live control of the course has a
    kernel-free version in the page, so the state would only add weight (it holds every figure once more).
    A page without a formula of its own loads no MathJax (1.2 MB): Sphinx adds it to a page whose toctree
    includes pages with formulas, which is the landing page. A page without sphinx-design's components
    (``sd-`` classes: grids, cards, tabs) loads none of its CSS and JavaScript (62 kB).
    """
    design = "sd-" in (
        context.get("body") or ""
    )  # sphinx-design's grids, cards, tabs (none on most pages)
    if not design and context.get("css_files"):
        context["css_files"][:] = [
            css
            for css in context["css_files"]
            if "sphinx-design"
            not in str(getattr(css, "filename", None) or css)
        ]
    scripts = context.get("script_files")
    if not scripts:
        return
    maths = doctree is None or has_maths(doctree)
    seen, unique = set(), []
    for script in scripts:
        attributes = dict(getattr(script, "attributes", {}))
        if attributes.get("type") == WIDGET_STATE:
            continue
        if not maths and is_mathjax(script):
            continue
        if not design and "design-tabs" in str(
            getattr(script, "filename", None) or ""
        ):
            continue
        key = (
            getattr(script, "filename", None) or "",
            tuple(sorted(attributes.items())),
        )
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    scripts[:] = unique


INLINE_IMAGE = re.compile(
    r"data:image/(png|jpeg);base64,([A-Za-z0-9+/=]{%d,})" % 2000
)
"""A PNG or JPEG data URI in a page, big enough (> 1.5 kB) to be worth a file of its own."""
FRAMES_FOLDER = "_images/frames"


def move_inline_images_to_files(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Write every large image data URI of a page's body to ``_images/frames/<hash>.png`` and link it instead.

    The explorers' frames (``nnbook.widgets.FrameExplorer``) travel in the notebook as data URIs; inline, a page
    carries every frame (chapter 3: 894 kB). As files, a first visit loads the frame shown, and each other frame
    loads when a control first shows it; a frame shared by several explorers is stored once.
    """
    body = context.get("body")
    if not body or "data:image/" not in body:
        return
    folder = Path(app.outdir) / FRAMES_FOLDER
    pathto = context["pathto"]

    def to_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(2))
        name = f"{hashlib.sha256(data).hexdigest()[:20]}.{'png' if match.group(1) == 'png' else 'jpg'}"
        target = folder / name
        if not target.exists():
            folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return pathto(f"{FRAMES_FOLDER}/{name}", 1)

    context["body"] = INLINE_IMAGE.sub(to_file, body)


IMG_TAG = re.compile(r"<img\b[^>]*>")
FILE_NAME_ALT = re.compile(r"\.(png|jpe?g|gif|svg)$", re.I)
PNG_DESCRIPTION = "Description"
"""The PNG text chunk with a figure's text alternative (``nnbook.plots.PNG_DESCRIPTION``)."""


def png_description(path: Path) -> str | None:
    """The text alternative stored in a PNG's ``Description`` chunk, or None."""
    try:
        from PIL import Image

        with Image.open(path) as image:
            text = image.info.get(PNG_DESCRIPTION)
    except (OSError, ValueError):
        return None
    return " ".join(str(text).split()) or None if text else None


def figure_alt_texts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Give each notebook figure of a page a meaningful ``alt``: the description its PNG carries.

    Sphinx falls back to the image's file name (a hash, for notebook outputs). A figure without a stored
    description gets "Figure N of <page title>" (the site test counts those). Every figure also loads lazily
    (``loading="lazy"``): a first visit fetches the figures on the first screen, the others as the reader scrolls.
    """
    body = context.get("body")
    if not body or "<img" not in body:
        return
    sources = {
        Path(dest).name: source
        for source, dest in getattr(app.builder, "images", {}).items()
    }
    title = re.sub(r"<[^>]+>", "", context.get("title") or pagename)
    count = 0

    def fix(match: re.Match) -> str:
        nonlocal count
        tag = match.group(0)
        src = re.search(r'\ssrc="([^"]+)"', tag)
        alt = re.search(r'\salt="([^"]*)"', tag)
        if src is None:
            return tag
        if (
            "data-picture" in tag
        ):  # an explorer's picture: its alt follows the controls (nnbook.widgets)
            return (
                tag
                if "loading=" in tag
                else tag.replace("<img", '<img loading="lazy"', 1)
            )
        count += 1
        if (
            "loading=" not in tag
        ):  # a figure below the first screen loads when the reader scrolls to it
            tag = tag.replace("<img", '<img loading="lazy"', 1)
            alt = re.search(r'\salt="([^"]*)"', tag)
        if (
            alt is not None
            and alt.group(1).strip()
            and not FILE_NAME_ALT.search(alt.group(1))
        ):
            return tag
        name = Path(src.group(1)).name
        text = (
            png_description(Path(app.srcdir) / sources[name])
            if name in sources
            else None
        )
        text = html.escape(
            text or f"Figure {count} of {html.unescape(title)}", quote=True
        )
        if alt is not None:
            return tag[: alt.start()] + f' alt="{text}"' + tag[alt.end() :]
        return tag.replace("<img", f'<img alt="{text}"', 1)

    context["body"] = IMG_TAG.sub(fix, body)


FONTAWESOME_SCRIPT = re.compile(
    r'\s*<script\b[^>]*src="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*></script>'
)
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
    r'searchindex\.js)"></script>'
)
"""pydata-sphinx-theme loads the search index (100 kB) on every page for search-as-you-type, which is off
(``search_as_you_type: False``, the default): the search form opens ``search.html``, which loads its own."""


def drop_fontawesome_script(app: Sphinx, exception: Exception | None) -> None:
    """Remove pydata-sphinx-theme's ``fontawesome.js`` (1.5 MB) from every page, and its search scripts from every
    page but the search page (:data:`SEARCH_SCRIPTS`).

    The script replaces icon elements by SVG drawings; the theme's CSS already draws the same icons with the
    Font Awesome web fonts it ships (``vendor/fontawesome/webfonts``), which a page loads only for the icons it
    shows. The script sits in the theme's template (no configuration option removes it), so the written pages are
    edited.
    """
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        lighter = FONTAWESOME_SCRIPT.sub("", text)
        if page.name != "search.html":
            lighter = SEARCH_SCRIPTS.sub("", lighter)
        if lighter != text:
            page.write_text(lighter, encoding="utf-8")


EXECUTED_FOLDER = "_downloads/executed"
EXECUTED_SUFFIX = "-with-outputs.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def executed_notebook(app: Sphinx, pagename: str) -> Path | None:
    """The executed copy myst-nb wrote for a notebook page (``_build/jupyter_execute/<page>.ipynb``), or None."""
    path = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    return path if path.is_file() else None


def offer_executed_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Add "<name>-with-outputs.ipynb" (the notebook as this build executed it) to the page's download menu.

    The theme's ".ipynb" is the source notebook, stored without outputs. The copy offered here holds every
    output; the live widgets' views are dropped (without a kernel they show only an error), so Jupyter shows
    their kernel-free HTML version instead.
    """
    import nbformat

    source = executed_notebook(app, pagename)
    buttons = next(
        (
            button
            for button in context.get("header_buttons", [])
            if button.get("label") == "download-buttons"
        ),
        None,
    )
    if source is None or buttons is None:
        return
    name = Path(pagename).name + EXECUTED_SUFFIX
    target = Path(app.outdir) / EXECUTED_FOLDER / name
    notebook = nbformat.read(str(source), as_version=4)
    for cell in notebook.cells:
        for output in (
            cell.get("outputs", []) if cell.cell_type == "code" else []
        ):
            if (
                WIDGET_VIEW in output.get("data", {})
                and len(output["data"]) > 1
            ):
                del output["data"][WIDGET_VIEW]
    notebook.metadata.pop("widgets", None)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(target))
    entry = {
        "type": "link",
        "url": context["pathto"](f"{EXECUTED_FOLDER}/{name}", 1),
        "text": ".ipynb with outputs",
        "icon": "fas fa-square-poll-vertical",
        "tooltip": "Download the notebook with the outputs of this build",
        "label": "download-executed-notebook-button",
    }
    position = next(
        (
            i + 1
            for i, b in enumerate(buttons["buttons"])
            if b.get("label") == "download-notebook-button"
        ),
        0,
    )
    buttons["buttons"].insert(position, entry)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", configure, priority=900)
    app.connect("env-get-updated", number_exercises_per_chapter, priority=900)
    app.add_post_transform(PlainSolutionTitles)
    app.connect("html-page-context", tidy_scripts, priority=999)
    app.connect("html-page-context", figure_alt_texts, priority=990)
    app.connect("html-page-context", move_inline_images_to_files, priority=995)
    app.connect(
        "html-page-context", offer_executed_notebook, priority=600
    )  # after the theme's buttons (501)
    app.connect("build-finished", copy_mathjax)
    app.connect("build-finished", drop_fontawesome_script)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
