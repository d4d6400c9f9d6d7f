"""The memory one upload can cost is bounded (issue 20): hostile files sent at once to ``python -m nnbook.serve``.

The server runs in its own process (as in production, under waitress) and serves a tiny 32 x 32 model. Each file
below is small on the wire but large in pixels: a 16-bit grayscale and an RGBA PNG of 7,999 x 7,999 (64 megapixels,
which cost the server +1.3 GB and +0.9 GB each before issue 20), the same kinds just under the 16-megapixel
full-decoding limit, a palette PNG and a large baseline JPEG. Twelve go at once from twelve clients, twice over;
the server's peak resident memory (Linux ``VmHWM``) must grow by less than :data:`BOUND_MB`, and each request is
answered 200 or 400, never 5xx.
"""

from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

import keras
import pytest
import requests
from PIL import Image
from serve_cli import serving

from nnbook import models

BOUND_MB = 300
"""The most the server's peak memory may grow while answering the hostile uploads."""

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads /proc (Linux)"
)


def png(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()


def hostile_files() -> dict[str, bytes]:
    big, under = (
        7999,
        3990,
    )  # 64 MP (refused before decoding) and 15.9 MP (decoded at full resolution)
    files = {
        "gray16-64MP.png": png(Image.new("I;16", (big, big), 40000)),
        "rgba-64MP.png": png(Image.new("RGBA", (big, big), (10, 20, 30, 128))),
        "gray16-16MP.png": png(Image.new("I;16", (under, under), 40000)),
        "rgba-16MP.png": png(
            Image.new("RGBA", (under, under), (10, 20, 30, 128))
        ),
        "palette-16MP.png": png(Image.new("P", (under, under), 3)),
    }
    jpeg = io.BytesIO()
    Image.new("RGB", (7000, 7000), (90, 60, 30)).save(
        jpeg, format="JPEG", quality=50
    )
    files["rgb-49MP.jpg"] = jpeg.getvalue()
    return files


def peak_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    models.save(model, "tiny", ["a", "b"], folder)
    with serving(folder) as (process, line, base):
        yield process, base


def test_concurrent_hostile_uploads_stay_within_the_memory_bound(server):
    process, url = server
    files = hostile_files()
    assert (
        max(len(content) for content in files.values()) < 1_000_000
    )  # each under 1 MB on the wire
    photo = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(photo, format="PNG")
    for _ in range(
        3
    ):  # warm up: the first requests allocate what every request reuses
        assert requests.post(
            f"{url}/api/tiny",
            files={"image": ("a.png", photo.getvalue())},
            timeout=60,
        ).ok
    time.sleep(0.5)
    before = peak_mb(process.pid)

    statuses: list[tuple[str, int]] = []
    jobs = list(files.items()) * 2

    def client(name: str, content: bytes) -> None:
        reply = requests.post(
            f"{url}/api/tiny", files={"image": (name, content)}, timeout=300
        )
        statuses.append((name, reply.status_code))

    threads = [threading.Thread(target=client, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    growth = peak_mb(process.pid) - before
    print(
        f"peak memory grew by {growth:.0f} MB over {len(jobs)} hostile uploads "
        f"({before:.0f} MB before): {sorted(set(statuses))}"
    )
    assert len(statuses) == len(jobs) and all(
        status in (200, 400) for _, status in statuses
    ), statuses
    answered = dict(statuses)
    assert (
        answered["gray16-64MP.png"] == 400 and answered["rgba-64MP.png"] == 400
    )  # over MAX_PIXELS
    assert (
        answered["rgba-16MP.png"] == 200 and answered["rgb-49MP.jpg"] == 200
    )  # decoded, bounded
    assert growth < BOUND_MB, (
        f"peak memory grew by {growth:.0f} MB (bound {BOUND_MB} MB)"
    )
    assert requests.get(f"{url}/health", timeout=10).json()["status"] == "ok"
