"""A decompression bomb (a real 20,000 x 20,000 PNG, made here) is a counted skip or a one-line message, not a crash."""

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nnbook import datasets, images, upload

BOMB_SIDE = 20_000


def png_bomb(side: int = BOMB_SIDE) -> bytes:
    """A valid 1-bit grayscale PNG of ``side`` x ``side`` black pixels: tens of kilobytes on disk, 400 MP decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\x00" + b"\x00" * (
        (side + 7) // 8
    )  # filter byte "none", then the packed bits of one row
    packer = zlib.compressobj(9)
    pixels = (
        b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    )
    header = struct.pack(
        ">IIBBBBB", side, side, 1, 0, 0, 0, 0
    )  # 1 bit, grayscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def bomb() -> bytes:
    content = png_bomb()
    assert len(content) < 200_000  # small on disk ...
    width, height = struct.unpack(
        ">II", content[16:24]
    )  # ... but 400 megapixels once decoded
    assert (width, height) == (
        BOMB_SIDE,
        BOMB_SIDE,
    ) and width * height > images.MAX_PIXELS
    with pytest.raises(
        Image.DecompressionBombError
    ):  # Pillow alone would refuse it with its own exception
        Image.open(io.BytesIO(content))
    return content


def small_photo(path: Path, value: int) -> None:
    Image.fromarray(np.full((40, 50, 3), value, dtype=np.uint8)).save(path)


def test_load_image_refuses_the_bomb_with_a_clear_error(bomb):
    with pytest.raises(images.ImageDecodeError, match="megapixel limit"):
        images.load_image(bomb, 64)


def test_a_bomb_in_a_dataset_folder_is_a_counted_skip(tmp_path, bomb, capsys):
    root = tmp_path / "cats_vs_dogs"
    for cls in ("cat", "dog"):
        (root / cls).mkdir(parents=True)
        for i in range(3):
            small_photo(root / cls / f"{cls}.{i}.jpg", 40 * i + 20)
    (root / "dog" / "dog.huge.png").write_bytes(bomb)

    data = datasets.cats_vs_dogs(size=16, n=8, path=root)

    assert data.x.shape == (6, 16, 16, 3)
    assert [name for name, _ in data.skipped] == ["dog/dog.huge.png"]
    assert "pixels" in data.skipped[0][1]  # the reason names the size
    assert (
        "cats_vs_dogs: skipped 1 unreadable files" in capsys.readouterr().out
    )


def test_an_uploaded_bomb_gets_a_one_line_message(bomb):
    shown = []
    control = upload.photo_upload(
        lambda photo, name: shown.append(images.load_image(photo, 32))
    )

    message = control.handle("huge.png", bomb)

    assert message is not None and "\n" not in message
    assert "huge.png" in message and "megapixel" in message
    assert shown == [] and control.messages == [message]
