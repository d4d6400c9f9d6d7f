"""nnbook.images gives, for ordinary photos, exactly the pixels it gave before decoding was bounded (issue 20).

``load_image`` / ``to_model_input`` are the training preprocessing of the chapters and are reproduced in the
browser, so bounding memory (restricted formats, the decoded-pixel limit, shrinking images over 2,048 px first,
integer 16-bit maths, fewer alpha copies) must not change one pixel of a photo up to 2,048 px. ``legacy_load_image``
below is a verbatim copy of the implementation before that change; every case compares the two bit for bit, on the
real photos of the shared datasets and on real photos re-encoded in each mode and format a reader may upload.

One change to the copy is deliberate and came later (issue 19): JPEGs up to 2,048 px no longer decode in
Pillow's reduced-scale "draft" mode, which a browser cannot reproduce, so that the in-browser models get
Pillow's pixels exactly (``tests/unit/test_images.py`` checks that rule).
"""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from nnbook.images import load_image

DATA = Path(os.environ.get("NNBOOK_DATA_DIR", "/work/shared/datasets"))
PHOTOS = sorted((DATA / "cats_vs_dogs").glob("*/*.jpg")) + sorted(
    (DATA / "utkface").rglob("*.jpg")
)
SAMPLE = PHOTOS[::15]  # about 400 real photos of both datasets
SIZES = (32, 64, 100)

pytestmark = pytest.mark.skipif(
    not PHOTOS, reason=f"no shared photos under {DATA}"
)


# --- the implementation before issue 20, copied verbatim (only renamed; one line since) -------------------------------------------


def legacy_open_image(src, size=None):
    if isinstance(src, Image.Image):
        return src
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        img = Image.open(
            io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else src
        )
        if (
            size is not None and img.format == "JPEG" and max(img.size) > 2048
        ):  # the one deliberate change since (issue 19): no draft up to 2,048 px
            img.draft(img.mode, (size, size))
        img.load()
        return ImageOps.exif_transpose(img)


def legacy_to_8bit(img):
    arr = np.asarray(img)
    if img.mode == "F":
        arr = np.clip(arr, 0, 255)
    else:
        arr = np.clip(arr.astype(np.float64) / 257.0, 0, 255)
    return Image.fromarray(np.round(arr).astype(np.uint8), mode="L")


def legacy_to_color(img, color="rgb"):
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        img = legacy_to_8bit(img)
    if img.mode in ("P", "PA") or "A" in img.getbands():
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(
            Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba
        )
    if color == "rgb":
        return img.convert("RGB")
    return img if img.mode == "L" else img.convert("RGB").convert("L")


def legacy_load_image(src, size=None, color="rgb"):
    img = legacy_open_image(src, size)
    img = legacy_to_color(img, color)
    if size is not None and img.size != (size, size):
        img = img.resize((size, size), Image.Resampling.BILINEAR)
    arr = np.asarray(img, dtype=np.uint8)
    return arr[..., np.newaxis] if arr.ndim == 2 else arr


# --- cases -------------------------------------------------------------------------------------------------------


def assert_same(data: bytes, sizes=SIZES) -> None:
    for size in sizes:
        for color in ("rgb", "grayscale"):
            np.testing.assert_array_equal(
                load_image(data, size, color),
                legacy_load_image(data, size, color),
                err_msg=f"size {size}, {color}",
            )


def test_real_dataset_photos_are_unchanged():
    assert len(SAMPLE) > 300
    for path in SAMPLE:
        for size in SIZES:
            for color in ("rgb", "grayscale"):
                new, old = (
                    load_image(path, size, color),
                    legacy_load_image(path, size, color),
                )
                assert np.array_equal(new, old), (path.name, size, color)
    assert np.array_equal(
        load_image(SAMPLE[0]), legacy_load_image(SAMPLE[0])
    )  # size=None: the original size


def encoded(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def real_photo(index: int, side: int) -> Image.Image:
    """A real photo of the dataset resized so its longer side is ``side`` px (up to the 2,048 px of the rule)."""
    img = Image.open(PHOTOS[index * 97 % len(PHOTOS)]).convert("RGB")
    w, h = img.size
    return img.resize(
        (side, max(1, round(h * side / w)))
        if w >= h
        else (max(1, round(w * side / h)), side),
        Image.Resampling.BICUBIC,
    )


def with_alpha(img: Image.Image) -> Image.Image:
    w, h = img.size
    ramp = np.tile(np.linspace(0, 255, w, dtype=np.float64), (h, 1)).astype(
        np.uint8
    )  # transparent -> opaque
    rgba = img.convert("RGBA")
    rgba.putalpha(Image.fromarray(ramp))
    return rgba


VARIANTS = {
    "rgb-jpeg": lambda img: encoded(img, "JPEG", quality=90),
    "rgb-progressive-jpeg": lambda img: encoded(
        img, "JPEG", quality=85, progressive=True
    ),
    "gray-jpeg": lambda img: encoded(img.convert("L"), "JPEG", quality=90),
    "cmyk-jpeg": lambda img: encoded(img.convert("CMYK"), "JPEG", quality=90),
    "rgb-png": lambda img: encoded(img, "PNG"),
    "gray-png": lambda img: encoded(img.convert("L"), "PNG"),
    "palette-png": lambda img: encoded(img.quantize(64), "PNG"),
    "palette-transparent-png": lambda img: encoded(
        img.quantize(64), "PNG", transparency=0
    ),
    "rgba-png": lambda img: encoded(with_alpha(img), "PNG"),
    "la-png": lambda img: encoded(with_alpha(img).convert("LA"), "PNG"),
    "gray16-png": lambda img: encoded(
        Image.fromarray(
            np.asarray(img.convert("L")).astype(np.uint16) * 257 + 3
        ),
        "PNG",
    ),
    "rgb-webp": lambda img: encoded(img, "WEBP", quality=90),
    "rgba-webp": lambda img: encoded(with_alpha(img), "WEBP", quality=90),
    "palette-gif": lambda img: encoded(img.quantize(128), "GIF"),
    "rgb-bmp": lambda img: encoded(img, "BMP"),
}


@pytest.mark.parametrize("side", [300, 1024, 2048])
@pytest.mark.parametrize("variant", VARIANTS)
def test_photos_in_every_mode_and_format_up_to_2048_px_are_unchanged(
    variant, side
):
    assert_same(VARIANTS[variant](real_photo(side % 7, side)), sizes=(32, 100))


def test_exif_rotated_photo_is_unchanged():
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display", as phones write it
    assert_same(encoded(real_photo(3, 1600), "JPEG", quality=90, exif=exif))
