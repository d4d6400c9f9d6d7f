"""nnbook.images: decoding every image mode to RGB/grayscale, resizing, scaling, and clear errors."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from nnbook import images
from nnbook.images import (
    ImageDecodeError,
    load_image,
    open_image,
    scale,
    to_model_input,
)


def encode(img: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def test_rgb_jpeg_resized_to_square_uint8():
    data = encode(
        Image.new("RGB", (40, 30), (200, 100, 50)), "JPEG", quality=95
    )
    out = load_image(data, size=16)
    assert out.shape == (16, 16, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - [200, 100, 50]).max() <= 3


def test_grayscale_has_a_channel_axis_and_opencv_luma_weights():
    red = encode(Image.new("RGB", (8, 8), (255, 0, 0)))
    out = load_image(red, size=4, color="grayscale")
    assert out.shape == (4, 4, 1)
    assert int(out[0, 0, 0]) == 76  # round(0.299 * 255), as cv2.COLOR_BGR2GRAY


def test_grayscale_source_becomes_three_equal_channels_in_rgb():
    out = load_image(encode(Image.new("L", (5, 5), 90)), size=5)
    assert out.shape == (5, 5, 3) and (out == 90).all()


def test_cmyk_jpeg_converts_to_rgb():
    cyan = encode(
        Image.new("CMYK", (8, 8), (255, 0, 0, 0)), "JPEG", quality=100
    )
    out = load_image(cyan, size=8)
    assert out.shape == (8, 8, 3)
    r, g, b = out[4, 4].astype(int)
    assert r < 20 and g > 235 and b > 235


def test_rgba_transparency_is_composited_on_white():
    img = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    img.putpixel((0, 0), (255, 0, 0, 255))
    out = load_image(encode(img))
    assert tuple(out[0, 0]) == (255, 0, 0)
    assert tuple(out[3, 3]) == (255, 255, 255)


def test_palette_with_transparency_is_composited_on_white():
    img = Image.new("P", (4, 4), 0)
    img.putpalette([0, 0, 255] + [0, 255, 0] * 255)
    img.putpixel((1, 1), 1)
    out = load_image(encode(img, transparency=0), color="rgb")
    assert tuple(out[0, 0]) == (255, 255, 255)  # index 0 is transparent
    assert tuple(out[1, 1]) == (0, 255, 0)


def test_la_mode_grayscale_with_alpha():
    img = Image.new("LA", (3, 3), (40, 255))
    assert (load_image(encode(img), color="grayscale") == 40).all()


def test_16_bit_grayscale_is_rescaled_not_clipped():
    arr = np.array([[0, 32896, 65535]], dtype=np.uint16)
    img = Image.fromarray(arr)
    out = load_image(encode(img), color="grayscale")
    assert open_image(encode(img)).mode.startswith("I")
    assert out[0, :, 0].tolist() == [0, 128, 255]


def test_exif_orientation_is_applied():
    img = Image.new("RGB", (20, 10), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    out = load_image(encode(img, "JPEG", exif=exif))
    assert out.shape == (20, 10, 3)


def test_path_bytes_file_and_pil_inputs_agree(tmp_path):
    img = Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (12, 12, 3), dtype=np.uint8)
    )
    data = encode(img)
    (tmp_path / "a.png").write_bytes(data)
    expected = load_image(data, size=6)
    for src in (
        tmp_path / "a.png",
        str(tmp_path / "a.png"),
        io.BytesIO(data),
        Image.open(io.BytesIO(data)),
    ):
        np.testing.assert_array_equal(load_image(src, size=6), expected)


def full_decode(data: bytes, size: int) -> np.ndarray:
    """Pillow's plain path: decode at full size, RGB, bilinear resize."""
    img = Image.open(io.BytesIO(data)).convert("RGB")
    return np.asarray(img.resize((size, size), Image.BILINEAR), dtype=int)


def test_jpeg_up_to_2048_px_decodes_at_full_size_as_a_browser_does():
    rng = np.random.default_rng(2)
    noisy = rng.integers(0, 256, (2048, 1536, 3)).astype(np.uint8)
    data = encode(Image.fromarray(noisy), "JPEG", quality=90)
    np.testing.assert_array_equal(
        load_image(data, size=32), full_decode(data, 32)
    )


def test_large_jpeg_draft_decoding_is_close_to_full_decoding():
    rng = np.random.default_rng(1)
    smooth = np.kron(
        rng.integers(0, 256, (8, 8, 3)), np.ones((300, 300, 1))
    ).astype(np.uint8)  # 2,400 px: over REDUCE_ABOVE, so it drafts
    data = encode(Image.fromarray(smooth), "JPEG", quality=95)
    fast = load_image(data, size=32).astype(int)
    full = full_decode(data, 32)
    assert not np.array_equal(fast, full)
    assert np.abs(fast - full).mean() < 3


@pytest.mark.parametrize(
    "data, match",
    [
        (b"", "not an image file"),
        (b"this is not an image", "not an image file"),
        (
            encode(Image.new("RGB", (64, 64), (1, 2, 3)), "JPEG")[:300],
            "truncated or corrupt",
        ),
    ],
    ids=["empty", "text", "truncated-jpeg"],
)
def test_undecodable_input_raises_image_decode_error(data, match):
    with pytest.raises(ImageDecodeError, match=match):
        load_image(data, size=8)


def test_missing_file_raises_image_decode_error(tmp_path):
    with pytest.raises(ImageDecodeError, match="nope.jpg"):
        load_image(tmp_path / "nope.jpg")


def test_bad_arguments_raise_value_error():
    data = encode(Image.new("RGB", (4, 4)))
    with pytest.raises(ValueError, match="color='bgr'"):
        load_image(data, color="bgr")
    with pytest.raises(ValueError, match="size must be a positive"):
        load_image(data, size=0)


def test_scale_and_to_model_input_match_the_training_path():
    img = Image.new("RGB", (30, 30), (255, 0, 51))
    x = to_model_input(encode(img), size=8)
    assert x.shape == (1, 8, 8, 3) and x.dtype == np.float32
    assert x.max() == 1.0 and x.min() == 0.0
    np.testing.assert_array_equal(x[0], scale(load_image(encode(img), size=8)))
    assert scale(np.array([0, 255], dtype=np.uint8)).tolist() == [0.0, 1.0]


@pytest.mark.parametrize(
    "side",
    [20_000, 8_001],
    ids=["pillow-bomb-20000px", "just-over-MAX_PIXELS"],
)
def test_an_image_over_the_pixel_limit_is_refused_before_decoding(
    side, tmp_path
):
    # A real decompression bomb: a 1-bit PNG of side x side pixels is a few hundred kB on disk but would expand to
    # side**2 pixels (400 megapixels, over 1 GB as RGB, for the first).
    bomb = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(bomb)
    assert bomb.stat().st_size < 5_000_000 and side * side > images.MAX_PIXELS
    with pytest.raises(ImageDecodeError, match="megapixel limit"):
        load_image(bomb, size=64)
    with pytest.raises(ImageDecodeError, match="megapixel limit"):
        load_image(bomb.read_bytes(), size=64)


# --- bounded decoding (issue 20) -----------------------------------------------------------------------------------


def small_file(fmt: str) -> bytes:
    mode = {"SPIDER": "F", "XBM": "1"}.get(fmt, "RGB")
    return encode(Image.new(mode, (16, 16)), fmt)


@pytest.mark.parametrize(
    "fmt",
    [
        "QOI",
        "DDS",
        "SPIDER",
        "TGA",
        "PCX",
        "PPM",
        "ICO",
        "TIFF",
        "AVIF",
        "EPS",
        "SGI",
    ],
)
def test_formats_no_photo_comes_in_are_not_decoded(fmt):
    data = small_file(fmt)
    assert (
        Image.open(io.BytesIO(data)).format == fmt
    )  # Pillow alone would decode it
    with pytest.raises(
        ImageDecodeError, match="not an image file in a format read here"
    ):
        load_image(data, size=8)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "BMP", "WEBP"])
def test_every_accepted_format_decodes(fmt):
    assert fmt in images.FORMATS
    assert load_image(
        encode(Image.new("RGB", (20, 10), (0, 128, 255)), fmt), size=8
    ).shape == (8, 8, 3)


def test_any_decoder_exception_is_an_image_decode_error(monkeypatch):
    data = encode(Image.new("RGB", (8, 8)))
    for raised in (
        NotImplementedError("x"),
        IndexError("x"),
        AttributeError("x"),
        RuntimeError("x"),
        KeyError(1),
    ):

        def broken(self, raised=raised):
            raise raised

        monkeypatch.setattr(Image.Image, "load", broken)
        with pytest.raises(ImageDecodeError, match="truncated or corrupt"):
            load_image(data, size=4)


def test_full_resolution_decoding_is_limited_to_max_decoded_pixels():
    side = (
        int(images.MAX_DECODED_PIXELS**0.5) + 10
    )  # under MAX_PIXELS, over MAX_DECODED_PIXELS
    assert side * side < images.MAX_PIXELS
    with pytest.raises(ImageDecodeError, match="16 megapixel limit"):
        load_image(encode(Image.new("L", (side, side)), "PNG"), size=32)
    with pytest.raises(
        ImageDecodeError, match="16 megapixel limit"
    ):  # progressive: full-size coefficients
        load_image(
            encode(Image.new("L", (side, side)), "JPEG", progressive=True),
            size=32,
        )
    # a baseline JPEG decodes at 1/8 scale for a small model: a 6,000 x 5,000 photo is accepted
    photo = encode(
        Image.new("RGB", (6000, 5000), (30, 60, 90)), "JPEG", quality=80
    )
    assert (
        np.abs(load_image(photo, size=32).astype(int) - [30, 60, 90]).max()
        <= 3
    )
    with pytest.raises(
        ImageDecodeError, match="16 megapixel limit"
    ):  # without a size it would decode it all
        load_image(photo)


def smooth(
    height: int, width: int, channels: int, dtype=np.uint8, top: int = 255
) -> np.ndarray:
    rng = np.random.default_rng(3)
    coarse = rng.integers(0, top + 1, (4, 4, channels)).astype(np.float64)
    big = Image.fromarray(coarse[..., 0]).resize(
        (width, height), Image.Resampling.BILINEAR
    )
    planes = (
        [
            np.asarray(
                Image.fromarray(coarse[..., c]).resize(
                    (width, height), Image.Resampling.BILINEAR
                )
            )
            for c in range(channels)
        ]
        if channels > 1
        else [np.asarray(big)]
    )
    return np.stack(planes, axis=-1).round().astype(dtype).squeeze()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "L;16", "1"])
def test_images_over_2048_px_are_shrunk_first_and_stay_close(mode):
    height, width = 2500, 3100
    if mode == "L;16":
        img = Image.fromarray(smooth(height, width, 1, np.uint16, 65535))
    elif mode == "1":
        img = Image.fromarray(smooth(height, width, 1)).convert(
            "1", dither=Image.Dither.NONE
        )
    else:
        img = Image.fromarray(
            smooth(height, width, 4 if mode == "RGBA" else 3)
        )
        img = (
            img.convert("P", palette=Image.Palette.ADAPTIVE)
            if mode == "P"
            else img
        )
    assert open_image(encode(img)).size == (
        width,
        height,
    )  # without a size, nothing is shrunk
    reduced = open_image(encode(img), size=32)
    assert reduced.size == (
        -(-width // 4),
        -(-height // 4),
    )  # by 4: the longer side 775 px <= REDUCE_TO
    for color in ("rgb", "grayscale"):
        new = load_image(encode(img), size=32, color=color).astype(int)
        reference = images.to_color(img, color).resize(
            (32, 32), Image.Resampling.BILINEAR
        )
        assert (
            np.abs(
                new - np.asarray(reference, dtype=int).reshape(new.shape)
            ).mean()
            < 2.0
        ), color


def test_16_bit_conversion_is_the_exact_rounding_of_x_over_257():
    values = np.arange(0, 65536, dtype=np.uint16).reshape(256, 256)
    out = np.asarray(images.to_color(Image.fromarray(values), "grayscale"))
    np.testing.assert_array_equal(
        out, np.round(values / 257.0).astype(np.uint8)
    )


def test_a_large_rotated_photo_is_shrunk_then_turned_upright():
    pixels = np.zeros((2200, 3000, 3), dtype=np.uint8)
    pixels[:, :1000] = 255  # a white band on the left of the stored picture
    exif = Image.Exif()
    exif[0x0112] = (
        6  # "rotate 90 CW to display": the band is at the top once upright
    )
    data = encode(Image.fromarray(pixels), "PNG", exif=exif)
    reference = np.asarray(
        ImageOps.exif_transpose(Image.open(io.BytesIO(data))).resize((30, 30)),
        dtype=int,
    )
    out = load_image(data, size=30).astype(int)
    assert out[:5].mean() > 250 and out[-5:].mean() < 5
    assert np.abs(out - reference).mean() < 2.0
