"""Image decoding and preprocessing shared by the datasets and by a reader's own photos.

The paper prepares every image with OpenCV::

    img = cv2.imread(path)                        # BGR, uint8
    img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)   # or COLOR_BGR2RGB
    img = cv2.resize(img, (size, size))
    x = img / 255.0

This module does the same with Pillow (no OpenCV dependency):

* :func:`load_image` decodes a file, bytes or PIL image, applies the EXIF orientation, turns any mode
  (grayscale, palette, CMYK, RGBA, 16-bit) into RGB or grayscale with the same luma weights as OpenCV
  (0.299 R + 0.587 G + 0.114 B), and resizes to ``size x size`` with bilinear filtering. It returns
  ``uint8`` of shape ``(size, size, 3)`` or ``(size, size, 1)``.
* :func:`scale` maps ``uint8`` 0..255 to ``float32`` 0..1 (the ``/ 255``).
* :func:`to_model_input` chains the two for one photo and adds the batch axis.

The dataset loaders call :func:`load_image` for every training image, and a chapter calls
:func:`to_model_input` on an uploaded photo, so training and prediction cannot drift apart.
Transparent pixels are composited onto white; Pillow's bilinear filter also antialiases when it
shrinks, which ``cv2.resize`` does not, so pixels differ slightly from the paper's.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import BinaryIO, Union

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 64_000_000
"""The largest image (width x height) that is decoded: 64 megapixels, above any phone photo. A larger one, such as a
decompression bomb (a small file that expands to gigabytes of pixels), is refused with :class:`ImageDecodeError`
before its pixels are decoded: a counted skip in a dataset, a one-line message for an upload."""

COLORS = ("rgb", "grayscale")
"""The colour modes :func:`load_image` accepts."""

ImageSource = Union[str, Path, bytes, bytearray, BinaryIO, Image.Image]
"""What :func:`load_image` can read: a path, encoded bytes, a binary file object or a PIL image."""


class ImageDecodeError(ValueError):
    """Raised when an input cannot be decoded as an image (empty, truncated or not an image)."""


def _check_color(color: str) -> str:
    if color not in COLORS:
        raise ValueError(f"color={color!r} is not valid; use 'rgb' or 'grayscale'.")
    return color


def _name(src: ImageSource) -> str:
    return str(src) if isinstance(src, (str, Path)) else "the " + ("data" if isinstance(src, (bytes, bytearray))
                                                                     else type(src).__name__)


def open_image(src: ImageSource, size: int | None = None) -> Image.Image:
    """Decode ``src`` fully and return a PIL image with its EXIF orientation applied.

    With ``size``, a JPEG may decode at a reduced scale that is still at least ``size`` pixels
    (Pillow's "draft" mode): it skips detail the later resize would discard and is much faster.

    Raises:
        ImageDecodeError: if ``src`` is empty, truncated, not an image Pillow can read, or larger than
            :data:`MAX_PIXELS`.
    """
    if isinstance(src, Image.Image):
        _check_pixels(src, src)
        return src
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data" on otherwise fine photos
            img = Image.open(io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else src)
            _check_pixels(img, src)  # from the header alone, before any pixel is decoded
            if size is not None and img.format == "JPEG":
                img.draft(img.mode, (size, size))
            img.load()  # decode now, so a truncated file fails here and not later
            return ImageOps.exif_transpose(img)
    except ImageDecodeError:
        raise
    except Image.DecompressionBombError as err:
        raise ImageDecodeError(
            f"{_name(src)} is over the {MAX_PIXELS // 1_000_000} megapixel limit (nnbook.images.MAX_PIXELS): {err}"
        ) from err
    except UnidentifiedImageError as err:
        raise ImageDecodeError(f"{_name(src)} is not an image file (PNG, JPEG, GIF, BMP, WebP, ...)") from err
    except (OSError, SyntaxError, ValueError, EOFError) as err:
        raise ImageDecodeError(f"cannot decode {_name(src)}: the image is truncated or corrupt ({err})") from err


def _check_pixels(img: Image.Image, src: ImageSource) -> None:
    width, height = img.size
    if width * height > MAX_PIXELS:
        raise ImageDecodeError(
            f"{_name(src)} is {width} x {height} pixels, over the {MAX_PIXELS // 1_000_000} megapixel limit "
            "(nnbook.images.MAX_PIXELS); use a smaller photo."
        )


def _to_8bit(img: Image.Image) -> Image.Image:
    """Rescale 16/32-bit integer and float grayscale images to 8-bit ``L`` (Pillow would clip)."""
    arr = np.asarray(img)
    if img.mode == "F":
        arr = np.clip(arr, 0, 255)
    else:  # I;16*, I: treat as 16-bit, 0..65535 -> 0..255
        arr = np.clip(arr.astype(np.float64) / 257.0, 0, 255)
    return Image.fromarray(np.round(arr).astype(np.uint8), mode="L")


def to_color(img: Image.Image, color: str = "rgb") -> Image.Image:
    """Return ``img`` as an 8-bit ``RGB`` (``color="rgb"``) or ``L`` (``color="grayscale"``) image.

    Palette and alpha images are composited onto white first; CMYK goes through Pillow's RGB conversion.
    """
    _check_color(color)
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        img = _to_8bit(img)
    if img.mode in ("P", "PA") or "A" in img.getbands():
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    if color == "rgb":
        return img.convert("RGB")
    return img if img.mode == "L" else img.convert("RGB").convert("L")


def load_image(src: ImageSource, size: int | None = None, color: str = "rgb") -> np.ndarray:
    """Decode ``src`` and return a ``uint8`` array ``(size, size, 3)`` (rgb) or ``(size, size, 1)`` (grayscale).

    ``size=None`` keeps the original height and width.

    Raises:
        ImageDecodeError: if ``src`` cannot be decoded.
        ValueError: for an unknown ``color`` or a non-positive ``size``.
    """
    _check_color(color)
    if size is not None and size <= 0:
        raise ValueError(f"size must be a positive number of pixels, got {size}.")
    img = open_image(src, size)
    img = to_color(img, color)
    if size is not None and img.size != (size, size):
        img = img.resize((size, size), Image.Resampling.BILINEAR)
    arr = np.asarray(img, dtype=np.uint8)
    return arr[..., np.newaxis] if arr.ndim == 2 else arr


def scale(x: np.ndarray) -> np.ndarray:
    """Return ``x / 255`` as ``float32`` (pixels 0..255 -> 0..1), any shape."""
    return np.asarray(x, dtype=np.float32) / np.float32(255.0)


def to_model_input(src: ImageSource, size: int, color: str = "rgb") -> np.ndarray:
    """Prepare one photo exactly like the training images: ``float32`` of shape ``(1, size, size, C)`` in [0, 1]."""
    return scale(load_image(src, size, color))[np.newaxis]
