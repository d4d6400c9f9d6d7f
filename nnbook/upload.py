""" "Try it on your own photo": an upload button that runs a chapter's display
on the reader's file.

The chapter writes the lesson part, ``show(photo, name)``: it prepares the
photo with :func:`nnbook.images.to_model_input` (the very preprocessing the
training images had), runs the model and draws the photo as the network sees it
with its prediction. :func:`photo_upload` wraps it in

* a live control for Jupyter and Colab (ipywidgets 7 and 8): every uploaded
  file goes through ``show``; a bad file (empty, not an image, truncated, too
  large in bytes or in pixels) prints one line saying why, and the button keeps
  working;
* a version for the website: with ``web_model="NAME"`` a *Try it here* button
  that runs the chapter's saved model in the reader's browser (TensorFlow.js,
  loaded only on that click; ``_ext/nnbook_web.py`` exports the model when the
  book is built), then the same display for a few example photos, drawn when
  the book was built.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt

from nnbook.images import MAX_PIXELS, ImageDecodeError, ImageSource
from nnbook.widgets import (
    live_and_static_bundle,
    redraw,
    render_frame,
    uploaded_files,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest upload read, in bytes (20 MB); pixels are limited separately by
:data:`nnbook.images.MAX_PIXELS`."""

Show = Callable[
    [ImageSource, str], Any
]  # (photo, name) -> Plot | Figure (draws the chapter's display)


class UploadError(ValueError):
    """An uploaded file that cannot be used; the message is one line meant for
    the reader."""


def check_upload(name: str, content: bytes) -> bytes:
    """Return ``content`` if it can be tried as a photo, else raise
    :class:`UploadError` (empty or too big)."""
    if not content:
        raise UploadError(f"{name!r} is empty (0 bytes): choose a photo file.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{name!r} is {len(content) / 1e6:.1f} MB, over the "
            f"{MAX_UPLOAD_BYTES // 2**20} MB limit: choose a smaller photo."
        )
    return content


def one_line(err: BaseException) -> str:
    """The first line of an error's message (messages shown to a reader stay on
    one line)."""
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


class PhotoUpload:
    """An upload control that runs ``show`` on each file; see
    :func:`photo_upload`.

    Attributes a test can read: ``upload`` (the ``FileUpload``; set its value
    to upload), ``output``, ``messages`` (one line per rejected file),
    ``shown`` (names of files displayed) and ``figure`` (the latest).
    """

    def __init__(
        self,
        show: Show,
        examples: Sequence[tuple[str, ImageSource]],
        description: str,
        title: str,
        web_model: str | None = None,
    ):
        self.show_fn, self.examples, self.title, self.web_model = (
            show,
            list(examples),
            title,
            web_model,
        )
        self.upload = widgets.FileUpload(
            accept="image/*", multiple=False, description=description
        )
        self.output = widgets.Output()
        self.box = widgets.VBox([self.upload, self.output])
        self.messages: list[str] = []
        self.shown: list[str] = []
        self.figure = None
        self.upload.observe(self._on_upload, names="value")

    def _on_upload(self, change: dict[str, Any]) -> None:
        for name, content in uploaded_files(change["new"]):
            self.handle(name, content)

    def handle(self, name: str, content: bytes) -> str | None:
        """Show the display for one file, or a one-line message if it cannot be
        used.

        Returns:
            None when the photo was shown, else the message printed.
        """
        before = set(plt.get_fignums())
        try:
            photo = check_upload(name, bytes(content))
            self.figure = redraw(
                self.output, self.figure, lambda: self.show_fn(photo, name)
            )
        except (UploadError, ImageDecodeError) as err:
            message = (
                f"Could not use {name!r}: {one_line(err)}"
                if not isinstance(err, UploadError)
                else one_line(err)
            )
            self.messages.append(message)
            # a display that failed half-way leaves no figure
            for number in set(plt.get_fignums()) - before:
                plt.close(number)
            self.output.clear_output(wait=True)
            with self.output:
                print(message)
            return message
        self.shown.append(name)
        return None

    def alt(self, name: str) -> str:
        """The text alternative of an example's display: what it shows, not a
        file name."""
        return f"{self.title}: the answer for the example {Path(name).stem}"

    def to_html(self) -> str:
        """The website's version: a *Try it here* button (with ``web_model``),
        then the example photos' displays.

        The button is hidden until the page's script (``nnbook_web.js``) shows
        it; without a browser model, or without script, the block says that the
        upload works in Colab or Jupyter.
        """
        count = len(self.examples)

        def frame(src: Any, name: str) -> str:
            return render_frame(lambda: self.show_fn(src, name))

        frames = "".join(
            '<figure style="margin:0.5em 0"><img data-example '
            f'alt="{html.escape(self.alt(name))}" style="max-width:100%" '
            f'src="{frame(src, name)}"></figure>'
            for name, src in self.examples
        )
        examples = (
            (
                f"<p style='margin:0.4em 0'>The same display for {count} "
                f"example photo{'s' if count != 1 else ''}, drawn when the "
                f"book was built:</p>{frames}"
            )
            if count
            else ""
        )
        colab = (
            "In Colab or Jupyter, an <i>Upload</i> button runs this "
            "chapter's code on your photo (up to "
            f"{MAX_UPLOAD_BYTES // 2**20} MB and {MAX_PIXELS // 1_000_000} "
            "megapixels)."
        )
        if self.web_model is None:
            return (
                '<div class="nnbook-upload" style="border:1px dashed #bbb;'
                'padding:8px;border-radius:6px">'
                "<p style='margin:0 0 0.4em 0'>"
                f"<b>{html.escape(self.title)}</b> — {colab}</p>"
                f"{examples}</div>"
            )
        name = html.escape(self.web_model)
        return (
            '<div class="nnbook-upload nnbook-web-upload" '
            f'data-nnbook-web-model="{name}" '
            f'style="border:1px dashed #bbb;padding:8px;border-radius:6px">'
            f"<p style='margin:0 0 0.4em 0'><b>{html.escape(self.title)}</b> "
            "— here, this chapter's saved model "
            f"<code>{name}</code> runs in your browser: your photo never "
            f"leaves your device. {colab}</p>"
            '<button type="button" class="nnbook-web-try" hidden>'
            "Try it here</button>"
            f'<div class="nnbook-web-live"></div>{examples}</div>'
        )

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None
    ) -> dict[str, Any]:
        return live_and_static_bundle(
            self.box,
            f"{self.title}: an upload button (run the notebook to use it)",
            lambda: self,
        )


def photo_upload(
    show: Show,
    examples: Sequence[tuple[str, ImageSource]] = (),
    *,
    description: str = "Upload a photo",
    title: str = "Try your own photo",
    web_model: str | None = None,
) -> PhotoUpload:
    """An upload button that runs ``show(photo_bytes, file_name)`` on each
    uploaded file.

    Args:
        show: the chapter's display; it should call
            :func:`nnbook.images.to_model_input` on the photo, so that a file
            that is not an image raises :class:`nnbook.images.ImageDecodeError`
            (turned into a message).
        examples: ``(name, photo)`` pairs whose display the website shows (a
            path, bytes, a PIL image or an array accepted by ``show``).
        web_model: the name of the chapter's saved model
            (``models/NAME.keras``): the website then offers it live in the
            reader's browser (see ``_ext/nnbook_web.py``).

    Returns:
        A :class:`PhotoUpload`; display it (last line of a cell).
        ``.handle(name, content)`` drives it in code.
    """
    if web_model is not None:
        from nnbook.models import check_name

        check_name(web_model)
    return PhotoUpload(show, examples, description, title, web_model)
