"""Sphinx extension: the model web in the reader's browser (TensorFlow.js, no server).

At the end of an HTML build it

* copies the page's script (``nnbook/web/nnbook_web.js``) and the vendored TensorFlow.js runtime
  (``nnbook/web/vendor/tfjs``, pinned, its sha256 in ``MANIFEST.json``) to ``_static/nnbook-web/``;
* exports every model the chapters saved in this build (``chapters/*/models/NAME.keras`` + ``NAME.classes.json``)
  with :func:`nnbook.webmodel.export` to ``_static/nnbook-web/models/NAME/``, with its test accuracy pasted from
  its chapter's executed notebook (the glued value ``model_accuracy_NAME``);
* writes ``models/index.js`` (loaded by a ``<script>`` tag, so that it also works from ``file://``), the list the
  page shows; an empty list makes the page say that this build has no models.

The script is added only to pages that hold the tool (``nnbook-web-app``) or a "Try your own photo" block
(``nnbook-web-upload``); the runtime and a model load only when the reader starts the tool.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

import nnbook

# The runtime ships with the nnbook package (also when a book is built from a copy of the chapters alone).
WEB = Path(nnbook.__file__).resolve().parent / "web"
SCRIPT = "nnbook_web.js"
LOADER = "nnbook_web_loader.js"  # "Try it here": loads SCRIPT on a click
VENDOR = WEB / "vendor" / "tfjs"
TARGET = "nnbook-web"
ACCURACY_KEY = "model_accuracy_{name}"
AUDIT = {"age": "chapters/07_age/age.html#age-error-audit"}
WARNING = (
    "A guess from a face, not a fact: chapter 7's audit shows how far off it often is, and for whom it errs "
    "most. Never use it to decide anything about a person."
)
logger = logging.getLogger(__name__)


def check_vendor(folder: Path = VENDOR) -> dict:
    """Return the vendored runtime's manifest after checking every file's sha256 against it.

    Raises:
        ExtensionError: if a file is missing or changed.
    """
    manifest = json.loads(
        (folder / "MANIFEST.json").read_text(encoding="utf-8")
    )
    for name, digest in manifest["files"].items():
        path = folder / name
        if (
            not path.is_file()
            or hashlib.sha256(path.read_bytes()).hexdigest() != digest
        ):
            raise ExtensionError(
                f"{path} is missing or does not match its sha256 in {folder / 'MANIFEST.json'}; "
                "restore it with git checkout."
            )
    return manifest


def glued_value(notebook: Path, key: str) -> float | None:
    """The value glued as ``key`` (myst-nb ``glue``) in an executed notebook, as a float; None if absent.

    myst-nb takes glued outputs out of the executed copy it writes and keeps them beside it, in
    ``NAME.glue.json``; both places are read.
    """
    outputs = []
    try:
        glue = json.loads(
            notebook.with_suffix(".glue.json").read_text(encoding="utf-8")
        )
        outputs += [glue[key]] if key in glue else []
    except (OSError, ValueError):
        pass
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        outputs += [
            output for cell in cells for output in cell.get("outputs", [])
        ]
    except (OSError, ValueError, KeyError):
        pass
    for output in outputs:
        meta = output.get("metadata", {}).get("scrapbook", {})
        if meta.get("name") != key:
            continue
        data = output.get("data", {})
        text = data.get(
            "text/plain",
            data.get(meta.get("mime_prefix", "") + "text/plain", ""),
        )
        text = "".join(text) if isinstance(text, list) else text
        try:
            return float(text.strip().strip("'\""))
        except ValueError:
            return None
    return None


def saved_models(root: Path) -> list[tuple[str, Path, Path]]:
    """``(name, models folder, chapter notebook)`` for every model the chapters saved, sorted by chapter."""
    sys.path.insert(0, str(root))
    from nnbook import models

    found = []
    for folder in sorted(root.glob("chapters/*/models")):
        notebooks = sorted(folder.parent.glob("*.ipynb"))
        for name in models.discover(folder):
            found.append(
                (
                    name,
                    folder,
                    notebooks[0]
                    if notebooks
                    else folder.parent / "missing.ipynb",
                )
            )
    return found


def export_all(
    root: Path,
    static: Path,
    executed: Path,
    titles: dict[str, str] | None = None,
) -> list[dict]:
    """Export the chapters' models under ``static/nnbook-web/models`` and write its ``index.js``; return the list.

    ``executed`` is the folder of executed notebooks (``_build/jupyter_execute``), ``titles`` maps docnames to
    page titles. A model that cannot be exported is left out with a warning naming it.
    """
    from nnbook import webmodel

    target = static / TARGET / "models"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    index = []
    for name, folder, notebook in saved_models(root):
        docname = notebook.relative_to(root).with_suffix("").as_posix()
        accuracy = glued_value(
            executed / f"{docname}.ipynb", ACCURACY_KEY.format(name=name)
        )
        try:
            info = webmodel.export(
                name, folder, target / name, accuracy=accuracy, chapter=docname
            )
        except (ValueError, OSError) as error:
            logger.warning(
                f"model {name!r} was not exported for the browser: {error}",
                type="nnbook_web",
            )
            continue
        info["chapter_url"] = f"{docname}.html"
        info["chapter_title"] = (titles or {}).get(docname, docname)
        info["title"] = f"{name} ({info['chapter_title']})"
        band = name.split("_")[0]
        if band in AUDIT:
            info["warning"], info["audit_url"] = WARNING, AUDIT[band]
        (target / name / "info.json").write_text(
            json.dumps(info, indent=1), encoding="utf-8"
        )
        index.append(info)
    (target / "index.json").write_text(
        json.dumps(index, indent=1), encoding="utf-8"
    )
    (target / "index.js").write_text(
        f"window.nnbookWebIndex = {json.dumps(index)};\n", encoding="utf-8"
    )
    return index


def copy_runtime(static: Path) -> None:
    """Copy the page's script and the checked TensorFlow.js runtime to ``static/nnbook-web``."""
    manifest = check_vendor()
    folder = static / TARGET
    (folder / "vendor" / "tfjs").mkdir(parents=True, exist_ok=True)
    for name in (SCRIPT, LOADER):
        shutil.copy2(WEB / name, folder / name)
    for name in list(manifest["files"]) + ["LICENSE", "MANIFEST.json"]:
        shutil.copy2(VENDOR / name, folder / "vendor" / "tfjs" / name)


def add_script(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Add the tool's script to the model web page, its loader to pages with "Try your own photo" blocks."""
    body = context.get("body", "")
    if "nnbook-web-app" in body:
        app.add_js_file(f"{TARGET}/{SCRIPT}")
    if "nnbook-web-upload" in body:  # the tool's script loads on a click
        app.add_js_file(f"{TARGET}/{LOADER}")


def finish(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    copy_runtime(static)
    titles = {doc: title.astext() for doc, title in app.env.titles.items()}
    index = export_all(
        Path(app.srcdir),
        static,
        Path(app.outdir).parent / "jupyter_execute",
        titles,
    )
    logger.info(
        f"nnbook_web: {len(index)} model(s) exported for the browser: "
        + ", ".join(m["name"] for m in index)
    )


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_script)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
