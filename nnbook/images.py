"""Image decoding and preprocessing shared by the datasets and by a reader's
own photos.

The paper prepares every image with OpenCV::

    img = cv2.imread(path)                        # BGR, uint8
    img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)   # or COLOR_BGR2RGB
    img = cv2.resize(img, (size, size))
    x = img / 255.0

This module does the same with Pillow (no OpenCV dependency):

* :func:`load_image` decodes a file, bytes or PIL image, applies the EXIF
  orientation, turns any mode (grayscale, palette, CMYK, RGBA, 16-bit) into RGB
  or grayscale with the same luma weights as OpenCV (0.299 R + 0.587 G + 0.114
  B), and resizes to ``size x size`` with bilinear filtering. It returns
  ``uint8`` of shape ``(size, size, 3)`` or ``(size, size, 1)``.
* :func:`scale` maps ``uint8`` 0..255 to ``float32`` 0..1 (the ``/ 255``).
* :func:`to_model_input` chains the two for one photo and adds the batch axis.

The dataset loaders call :func:`load_image` for every training image, and a
chapter calls :func:`to_model_input` on an uploaded photo, so training and
prediction cannot drift apart. Transparent pixels are composited onto white;
Pillow's bilinear filter also antialiases when it shrinks, which ``cv2.resize``
does not, so pixels differ slightly from the paper's.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 64_000_000
"""The largest image (width x height, as its header says) that is opened: 64
megapixels, above any phone photo. A larger one, such as a decompression bomb
(a small file that expands to gigabytes of pixels), is refused with
:class:`ImageDecodeError` before its pixels are decoded: a counted skip in a
dataset, a one-line message for an upload. A baseline JPEG this large is still
cheap: it decodes at a reduced scale (1/2 to 1/8)."""

MAX_DECODED_PIXELS = 16_000_000
"""The largest image decoded at full resolution: 16 megapixels (a 4,000 x 4,000
picture, up to 64 MB of pixels). PNG, GIF, BMP, WebP and progressive JPEG
cannot decode at a reduced scale, so this is their limit; a baseline JPEG over
2,048 px counts the pixels it decodes after Pillow's reduced-scale "draft". The
models this serves take 32-200 px, so nothing is lost; what it bounds is the
memory one image can cost."""

REDUCE_ABOVE = 2048
"""When a size is asked for, a JPEG whose longer side is over 2,048 px decodes
at a reduced scale (1/2 to 1/8, Pillow's "draft", still at least the size asked
for); then any image whose longer side is still over 2,048 px is shrunk by a
whole factor (a box filter, Pillow's ``reduce``) so that its longer side is at
most :data:`REDUCE_TO` (or 4 x the size asked for, if larger), a strip of rows
at a time; then it is converted and resized as usual. For larger photos this
bounds time and memory and loses nothing a 32-200 px model input keeps.

Images up to 2,048 px, the chapters' training photos among them, decode at full
size and go straight to the bilinear resize: a browser's decoder gives the same
pixels (Chromium's and Pillow's libjpeg-turbo agree bit for bit), whereas
libjpeg's reduced-scale decoding cannot be reproduced in JavaScript, so the
book's in-browser models see exactly what the chapters trained on."""

REDUCE_TO = 1024
"""The longer side, in pixels, an image over :data:`REDUCE_ABOVE` is shrunk to
at most (see there)."""

FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP")
"""The file formats decoded (Pillow's names; a camera's JPEG with a preview
inside opens as MPO). Pillow reads dozens more (EPS through Ghostscript, DDS,
QOI, SPIDER, ...); no photo comes in them, and their decoders are a needless
risk with a hostile file, so they are refused as "not an image"."""

COLORS = ("rgb", "grayscale")
"""The colour modes :func:`load_image` accepts."""

ImageSource = Union[str, Path, bytes, bytearray, BinaryIO, Image.Image]
"""What :func:`load_image` can read: a path, encoded bytes, a binary file
object or a PIL image."""

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}  # EXIF orientation -> the transpose that displays it upright
# rows converted at a time (16/32-bit to 8-bit, shrinking): bounds the
# temporary arrays
_ROWS = 256


class ImageDecodeError(ValueError):
    """Raised when an input cannot be decoded as an image (empty, truncated,
    not an image or too large)."""


def _check_color(color: str) -> str:
    if color not in COLORS:
        raise ValueError(
            f"color={color!r} is not valid; use 'rgb' or 'grayscale'."
        )
    return color


def _name(src: ImageSource) -> str:
    return (
        str(src)
        if isinstance(src, (str, Path))
        else "the "
        + (
            "data"
            if isinstance(src, (bytes, bytearray))
            else type(src).__name__
        )
    )


def open_image(src: ImageSource, size: int | None = None) -> Image.Image:
    """Decode ``src`` and return a PIL image with its EXIF orientation applied.

    With ``size``, a JPEG whose longer side is over :data:`REDUCE_ABOVE`
    decodes at a reduced scale that is still at least ``size`` pixels (Pillow's
    "draft" mode, see :data:`REDUCE_ABOVE`); any smaller JPEG decodes at full
    size, as a browser decodes it. With ``size``, an image whose longer side is
    over :data:`REDUCE_ABOVE` is returned shrunk by a whole factor (see there;
    1-bit, palette and 16-bit images become L, RGB(A) and L as :func:`to_color`
    would make them).

    Raises:
        ImageDecodeError: if ``src`` is empty, truncated, not a :data:`FORMATS`
            image Pillow can read, larger than :data:`MAX_PIXELS`, or larger
            than :data:`MAX_DECODED_PIXELS` once decoded.
    """
    if isinstance(src, Image.Image):
        _check_pixels(src, src, MAX_PIXELS)
        return src
    try:
        with warnings.catch_warnings():
            # e.g. "Corrupt EXIF data" on otherwise fine photos
            warnings.simplefilter("ignore")
            img = Image.open(
                io.BytesIO(src)
                if isinstance(src, (bytes, bytearray))
                else src,
                formats=FORMATS,
            )
            # from the header alone, before any pixel is decoded
            _check_pixels(img, src, MAX_PIXELS)
            if _progressive(img):
                # its coefficients are held at full size, whatever the scale it
                # decodes at
                _check_pixels(img, src, MAX_DECODED_PIXELS)
            if size is not None and _drafts(img):
                img.draft(img.mode, (size, size))
            # what will be decoded at full resolution
            _check_pixels(img, src, MAX_DECODED_PIXELS)
            # decode now, so a truncated file fails here and not later
            img.load()
            if size is not None and max(img.size) > REDUCE_ABOVE:
                return _reduced(img, max(REDUCE_TO, 4 * size))
            return ImageOps.exif_transpose(img)
    except ImageDecodeError:
        raise
    except Image.DecompressionBombError as err:
        raise ImageDecodeError(
            f"{_name(src)} is over the {MAX_PIXELS // 1_000_000} megapixel "
            f"limit (nnbook.images.MAX_PIXELS): {err}"
        ) from err
    except UnidentifiedImageError as err:
        raise ImageDecodeError(
            f"{_name(src)} is not an image file in a format read here "
            "(JPEG, PNG, GIF, BMP or WebP)"
        ) from err
    except (FileNotFoundError, IsADirectoryError, PermissionError) as err:
        raise ImageDecodeError(
            f"cannot read {_name(src)}: {err.strerror or err}"
        ) from err
    except MemoryError:
        raise
    except Exception as err:
        # a damaged file can make a decoder raise almost anything (IndexError,
        # RuntimeError...)
        raise ImageDecodeError(
            f"cannot decode {_name(src)}: the image is truncated or corrupt "
            f"({type(err).__name__}: {err})"
        ) from err


def _progressive(img: Image.Image) -> bool:
    return img.format in ("JPEG", "MPO") and bool(
        img.info.get("progressive") or img.info.get("progression")
    )


def _drafts(img: Image.Image) -> bool:
    """Whether ``img`` decodes at a reduced scale: a JPEG (or MPO, a camera's
    JPEG) over REDUCE_ABOVE."""
    return img.format in ("JPEG", "MPO") and max(img.size) > REDUCE_ABOVE


def _check_pixels(img: Image.Image, src: ImageSource, limit: int) -> None:
    width, height = img.size
    if width * height > limit:
        name = "MAX_PIXELS" if limit == MAX_PIXELS else "MAX_DECODED_PIXELS"
        raise ImageDecodeError(
            f"{_name(src)} is {width} x {height} pixels, over the "
            f"{limit // 1_000_000} megapixel limit (nnbook.images.{name}); "
            "use a smaller photo."
        )


def _reduced(img: Image.Image, target: int) -> Image.Image:
    """Shrink a large decoded image by a whole factor to at most ``target`` px,
    then orient it.

    It works a strip of rows at a time (strips a multiple of the factor high,
    so the boxes are those of one ``reduce``): besides the decoded image, only
    the small result and one strip's conversions are in memory.
    """
    orientation = img.getexif().get(0x0112)
    factor = -(-max(img.size) // target)
    if factor == 1:
        return ImageOps.exif_transpose(img)
    width, height = img.size
    rows = factor * max(1, _ROWS // factor)
    out: Image.Image | None = None
    for top in range(0, height, rows):
        strip = _reducible(
            img.crop((0, top, width, min(top + rows, height)))
        ).reduce(factor)
        if out is None:
            out = Image.new(
                strip.mode, (-(-width // factor), -(-height // factor))
            )
        out.paste(strip, (0, top // factor))
    assert out is not None
    method = (
        _TRANSPOSE.get(orientation) if isinstance(orientation, int) else None
    )
    return out.transpose(method) if method is not None else out


def _reducible(img: Image.Image) -> Image.Image:
    """``img`` in a mode whose pixels can be averaged: 1-bit -> L, palette ->
    RGB(A), 16-bit -> 8-bit L."""
    if img.mode == "1":
        return img.convert("L")
    if img.mode in ("P", "PA"):  # average colours, not palette indices
        return img.convert(
            "RGBA" if img.mode == "PA" or "transparency" in img.info else "RGB"
        )
    if img.mode.startswith("I;16"):
        return _to_8bit(img)
    return img


def _to_8bit(img: Image.Image) -> Image.Image:
    """Rescale 16/32-bit integer and float grayscale images to 8-bit ``L``
    (Pillow would clip).

    Integer pixels 0..65535 become ``round(x / 257)``, computed exactly in
    integers; float pixels are clipped to 0..255 and rounded. The rows are
    converted a block at a time, so no float64 copy of a large image is made.
    """
    width, height = img.size
    out = np.empty((height, width), dtype=np.uint8)
    for top in range(0, height, _ROWS):
        block = np.asarray(img.crop((0, top, width, min(top + _ROWS, height))))
        if img.mode == "F":
            out[top : top + _ROWS] = np.round(np.clip(block, 0, 255))
        else:
            # I;16*, I: treat as 16-bit, 0..65535 -> 0..255; (x + 128) // 257
            # == round(x / 257) exactly
            wide = block.astype(np.int32)
            np.clip(wide, 0, 65535, out=wide)
            wide += 128
            wide //= 257
            out[top : top + _ROWS] = wide
    return Image.fromarray(out, mode="L")


def to_color(img: Image.Image, color: str = "rgb") -> Image.Image:
    """Return ``img`` as an 8-bit ``RGB`` (``color="rgb"``) or ``L``
    (``color="grayscale"``) image.

    Palette and alpha images are composited onto white first; CMYK goes through
    Pillow's RGB conversion.
    """
    _check_color(color)
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        img = _to_8bit(img)
    if img.mode in ("P", "PA") or "A" in img.getbands():
        rgba = img if img.mode == "RGBA" else img.convert("RGBA")
        img = Image.alpha_composite(
            Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba
        )
        del rgba
    if color == "rgb":
        return img.convert("RGB")
    return img if img.mode == "L" else img.convert("RGB").convert("L")


def load_image(
    src: ImageSource, size: int | None = None, color: str = "rgb"
) -> np.ndarray:
    """Decode ``src`` and return a ``uint8`` array ``(size, size, 3)`` (rgb) or
    ``(size, size, 1)`` (grayscale).

    ``size=None`` keeps the original height and width.

    Raises:
        ImageDecodeError: if ``src`` cannot be decoded.
        ValueError: for an unknown ``color`` or a non-positive ``size``.
    """
    _check_color(color)
    if size is not None and size <= 0:
        raise ValueError(
            f"size must be a positive number of pixels, got {size}."
        )
    img = open_image(src, size)
    img = to_color(img, color)
    if size is not None and img.size != (size, size):
        img = img.resize((size, size), Image.Resampling.BILINEAR)
    arr = np.asarray(img, dtype=np.uint8)
    return arr[..., np.newaxis] if arr.ndim == 2 else arr


def scale(x: np.ndarray) -> np.ndarray:
    """Return ``x / 255`` as ``float32`` (pixels 0..255 -> 0..1), any shape."""
    return np.asarray(x, dtype=np.float32) / np.float32(255.0)


def to_model_input(
    src: ImageSource, size: int, color: str = "rgb"
) -> np.ndarray:
    """Prepare one photo exactly like the training images: ``float32`` of shape
    ``(1, size, size, C)`` in [0, 1]."""
    return scale(load_image(src, size, color))[np.newaxis]
