"""nnbook.client: the multipart encoder, the load test and the page screenshot, against a real server on loopback."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from PIL import Image

from nnbook import client, models, serve


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The model this module serves (``url``: tests/conftest.py)."""
    folder = tmp_path_factory.mktemp("models")
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    models.save(model, "tiny", ["a", "b"], folder)
    return folder


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    ).save(buffer, "PNG")
    return buffer.getvalue()


def test_encode_multipart_is_what_a_server_parses():
    content = photo()
    body, content_type = client.encode_multipart(
        {"image": ("p.png", content, "image/png")}
    )
    assert content_type.startswith("multipart/form-data; boundary=nnbook-")
    app = serve.Flask("probe")

    @app.post("/")
    def echo():
        upload = serve.request.files["image"]
        return {
            "name": upload.filename,
            "size": len(upload.read()),
            "type": upload.mimetype,
        }

    answer = (
        app.test_client()
        .post("/", data=body, content_type=content_type)
        .get_json()
    )
    assert answer == {
        "name": "p.png",
        "size": len(content),
        "type": "image/png",
    }
    assert client.FIELD == serve.FIELD


def test_load_test_counts_requests_and_errors(url):
    result = client.load_test(url, "tiny", photo(), requests=20, clients=3)
    assert len(result.latencies_s) == 20 and result.errors == []
    assert result.percentile_ms(50) > 0 and result.per_second > 0
    failing = client.load_test(url, "nope", photo(), requests=5, clients=2)
    assert len(failing.errors) == 5 and "HTTP 404" in failing.errors[0]
    assert (
        "20 requests from 3 clients" in result.summary()
        and "0 errors" in result.summary()
    )


def test_screenshot_without_a_browser_is_none(tmp_path, url):
    assert (
        client.screenshot_page(
            url, tmp_path / "p.png", chromium=str(tmp_path / "no-chromium")
        )
        is None
    )


def test_the_client_is_not_in_the_server_and_imports_no_flask():
    assert not hasattr(serve, "load_test") and not hasattr(
        serve, "screenshot_page"
    )
    # one fresh interpreter (TensorFlow's import takes seconds) checks both:
    # nnbook and its non-serving modules, and the client, need no Flask
    code = (
        "import sys, nnbook, nnbook.models, nnbook.images, nnbook.client; "
        "assert 'flask' not in sys.modules and 'waitress' not in sys.modules"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
