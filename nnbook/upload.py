""""Try it on your own photo": an upload button that runs a chapter's display on the reader's file.

The chapter writes the lesson part, ``show(photo, name)``: it prepares the photo with
:func:`nnbook.images.to_model_input` (the very preprocessing the training images had), runs the model and draws the
photo as the network sees it with its prediction. :func:`photo_upload` wraps it in

* a live control for Jupyter and Colab (ipywidgets 7 and 8): every uploaded file goes through ``show``; a bad file
  (empty, not an image, truncated, too large in bytes or in pixels) prints one line saying why, and the button
  keeps working;
* a kernel-free version for the website, where no upload can work: a short note and the same display for a few
  example photos, drawn when the book was built.
"""

from __future__ import annotations

import html
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt

from nnbook.images import MAX_PIXELS, ImageDecodeError, ImageSource
from nnbook.widgets import live_and_static_bundle, redraw, render_frame, uploaded_files

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest upload read, in bytes (20 MB); pixels are limited separately by :data:`nnbook.images.MAX_PIXELS`."""

Show = Callable[[ImageSource, str], Any]  # (photo, name) -> Plot | Figure (draws the chapter's display)


class UploadError(ValueError):
    """An uploaded file that cannot be used; the message is one line meant for the reader."""


def check_upload(name: str, content: bytes) -> bytes:
    """Return ``content`` if it can be tried as a photo, else raise :class:`UploadError` (empty or too big)."""
    if not content:
        raise UploadError(f"{name!r} is empty (0 bytes): choose a photo file.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(f"{name!r} is {len(content) / 1e6:.1f} MB, over the {MAX_UPLOAD_BYTES // 2**20} MB limit: "
                          "choose a smaller photo.")
    return content


def one_line(err: BaseException) -> str:
    """The first line of an error's message (messages shown to a reader stay on one line)."""
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


class PhotoUpload:
    """An upload control that runs ``show`` on each file; see :func:`photo_upload`.

    Attributes a test can read: ``upload`` (the ``FileUpload``; set its value to upload), ``output``, ``messages``
    (one line per rejected file), ``shown`` (names of files displayed) and ``figure`` (the latest).
    """

    def __init__(self, show: Show, examples: Sequence[tuple[str, ImageSource]], description: str, title: str):
        self.show_fn, self.examples, self.title = show, list(examples), title
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description=description)
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
        """Show the display for one file, or a one-line message if it cannot be used.

        Returns:
            None when the photo was shown, else the message printed.
        """
        before = set(plt.get_fignums())
        try:
            photo = check_upload(name, bytes(content))
            self.figure = redraw(self.output, self.figure, lambda: self.show_fn(photo, name))
        except (UploadError, ImageDecodeError) as err:
            message = f"Could not use {name!r}: {one_line(err)}" if not isinstance(err, UploadError) else one_line(err)
            self.messages.append(message)
            for number in set(plt.get_fignums()) - before:  # a display that failed half-way leaves no figure
                plt.close(number)
            self.output.clear_output(wait=True)
            with self.output:
                print(message)
            return message
        self.shown.append(name)
        return None

    def to_html(self) -> str:
        """The website's version: what the control does, then the display for each example photo."""
        frames = "".join(
            f'<figure style="margin:0.5em 0"><img data-example alt="{html.escape(name)}" style="max-width:100%" '
            f'src="{render_frame(lambda src=src, name=name: self.show_fn(src, name))}"></figure>'
            for name, src in self.examples
        )
        return (f'<div class="nnbook-upload" style="border:1px dashed #bbb;padding:8px;border-radius:6px">'
                f"<p style='margin:0 0 0.4em 0'><b>{html.escape(self.title)}</b> — in Colab or Jupyter an "
                f"<i>Upload</i> button stands here: choose a photo (up to {MAX_UPLOAD_BYTES // 2**20} MB and "
                f"{MAX_PIXELS // 1_000_000} megapixels) and the model's answer appears below it. A website cannot "
                f"run the model, so here is the same display for {len(self.examples)} example photo"
                f"{'s' if len(self.examples) != 1 else ''}:</p>{frames}</div>")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return live_and_static_bundle(self.box, f"{self.title}: an upload button (run the notebook to use it)",
                                      lambda: self)


def photo_upload(show: Show, examples: Sequence[tuple[str, ImageSource]] = (), *,
                 description: str = "Upload a photo", title: str = "Try your own photo") -> PhotoUpload:
    """An upload button that runs ``show(photo_bytes, file_name)`` on each uploaded file.

    Args:
        show: the chapter's display; it should call :func:`nnbook.images.to_model_input` on the photo, so that a
            file that is not an image raises :class:`nnbook.images.ImageDecodeError` (turned into a message).
        examples: ``(name, photo)`` pairs shown on the website instead of the button (a path, bytes, a PIL image
            or an array accepted by ``show``).

    Returns:
        A :class:`PhotoUpload`; display it (last line of a cell). ``.handle(name, content)`` drives it in code.
    """
    return PhotoUpload(show, examples, description, title)
