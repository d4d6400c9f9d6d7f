"""The model web under hostile input (issue 20): fuzzed files, odd model folders, cross-site POSTs, the production
server's limits and headers. Every answer is JSON, 4xx for the client's mistakes, never a 5xx.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from pathlib import Path

import keras
import numpy as np
import pytest
import requests
from PIL import Image
from serve_cli import serving

from nnbook import images, models, serve


def softmax_model(
    size: int = 16, classes: int = 3, seed: int = 0
) -> keras.Model:
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [
            keras.Input((size, size, 3)),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(classes, activation="softmax"),
        ]
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The model this module serves (``app`` and ``url``: tests/conftest.py)."""
    folder = tmp_path_factory.mktemp("models")
    models.save(softmax_model(), "tiny", ["a", "b", "c"], folder)
    return folder


def encoded(img: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def assert_json(response, status: int) -> str:
    assert response.status_code == status, (
        response.status_code,
        response.headers,
        response.data[:200]
        if hasattr(response, "data")
        else response.text[:200],
    )
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    body = (
        response.get_json()
        if hasattr(response, "get_json")
        else response.json()
    )
    assert (
        body["status"] == status
        and "\n" not in body["error"]
        and "Traceback" not in body["error"]
    )
    return body["error"]


# --- item 2: fuzzed files in every accepted format, and formats no photo comes in ------------------------------------


def seeds() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, (24, 20, 3), dtype=np.uint8))
    rgba = Image.fromarray(rng.integers(0, 256, (24, 20, 4), dtype=np.uint8))
    return {
        "jpeg": encoded(rgb, "JPEG", quality=80),
        "progressive-jpeg": encoded(rgb, "JPEG", quality=80, progressive=True),
        "png": encoded(rgba, "PNG"),
        "gray16-png": encoded(
            Image.fromarray(rng.integers(0, 65536, (20, 24), dtype=np.uint16)),
            "PNG",
        ),
        "palette-png": encoded(rgb.quantize(16), "PNG", transparency=0),
        "gif": encoded(rgb.quantize(16), "GIF"),
        "bmp": encoded(rgb, "BMP"),
        "webp": encoded(rgba, "WEBP", quality=80),
        "lossless-webp": encoded(rgb, "WEBP", lossless=True),
    }


def flipped(data: bytes, rng: np.random.Generator) -> bytes:
    """``data`` with 1-8 random bytes replaced, sometimes cut short or with a header field enlarged."""
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 9))):
        out[int(rng.integers(0, len(out)))] = int(rng.integers(0, 256))
    if rng.random() < 0.2:
        out = out[: int(rng.integers(1, len(out)))]
    return bytes(out)


def test_fuzzed_files_are_answered_200_or_400_never_5xx(app):
    client = app.test_client()
    rng = np.random.default_rng(20)
    statuses = {200: 0, 400: 0}
    for name, data in seeds().items():
        assert (
            client.post(
                "/api/tiny", data={"image": (io.BytesIO(data), "x")}
            ).status_code
            == 200
        ), name
        for _ in range(40):
            response = client.post(
                "/api/tiny",
                data={"image": (io.BytesIO(flipped(data, rng)), "x")},
            )
            assert response.status_code in statuses, (
                name,
                response.status_code,
                response.get_json(),
            )
            statuses[response.status_code] += 1
            if response.status_code == 400:
                assert_json(response, 400)
    assert statuses[400] > 50 and statuses[200] > 20, (
        statuses
    )  # the fuzzing reached both outcomes


@pytest.mark.parametrize(
    "fmt", ["DDS", "QOI", "SPIDER", "AVIF", "TIFF", "EPS", "ICO"]
)
def test_damaged_files_in_rare_formats_are_400(app, fmt):
    # Pillow raised NotImplementedError, IndexError, AttributeError or RuntimeError for damaged DDS, QOI, SPIDER
    # and AVIF files: a 500. They are no longer decoded at all.
    mode = "F" if fmt == "SPIDER" else "RGB"
    data = encoded(Image.new(mode, (16, 16)), fmt)
    rng = np.random.default_rng(1)
    client = app.test_client()
    for content in [data] + [flipped(data, rng) for _ in range(10)]:
        message = assert_json(
            client.post(
                "/api/tiny", data={"image": (io.BytesIO(content), "x")}
            ),
            400,
        )
        assert (
            "not an image file" in message or "truncated or corrupt" in message
        )


# --- item 3: model folders that used to stop the server or answer 500 -----------------------------------------------


def two_outputs() -> keras.Model:
    x = keras.Input((16, 16, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(
        x,
        [
            keras.layers.Dense(2, activation="softmax")(pooled),
            keras.layers.Dense(2, activation="softmax")(pooled),
        ],
    )


def write_model(
    model: keras.Model, name: str, classes: list[str], folder: Path
) -> None:
    model.save(folder / f"{name}.keras")
    (folder / f"{name}.classes.json").write_text(
        str(classes).replace("'", '"')
    )


def test_unservable_models_are_skipped_with_a_reason_and_the_rest_served(
    tmp_path, folder
):
    write_model(two_outputs(), "two_heads", ["a", "b"], tmp_path)
    not_flat = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Conv2D(2, 3, activation="softmax"),
        ]
    )
    write_model(not_flat, "not_flat", ["a", "b"], tmp_path)
    one_softmax = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(1, activation="softmax"),
        ]
    )
    write_model(one_softmax, "one_softmax", ["a", "b"], tmp_path)
    logits = keras.Sequential(
        [
            keras.Input((16, 16, 3)),
            keras.layers.Flatten(),
            keras.layers.Dense(3),
        ]
    )
    write_model(logits, "logits", ["a", "b", "c"], tmp_path)
    for suffix in (".keras", ".classes.json"):
        (tmp_path / f"good{suffix}").write_bytes(
            (folder / f"tiny{suffix}").read_bytes()
        )
    # a model file that is a link out of the folder is refused (the class list is inside)
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.keras"
    outside.write_bytes((folder / "tiny.keras").read_bytes())
    (tmp_path / "linked.keras").symlink_to(outside)
    (tmp_path / "linked.classes.json").write_text('["a", "b", "c"]')
    # a link that stays inside the folder is fine
    (tmp_path / "alias.keras").symlink_to(tmp_path / "good.keras")
    (tmp_path / "alias.classes.json").write_text('["a", "b", "c"]')

    served, skipped = serve.load_models(
        tmp_path
    )  # no exception: a bad model does not stop the server
    assert sorted(served) == ["alias", "good"]
    reasons = {
        line.split(".keras", 1)[0].rsplit("/", 1)[-1]: line for line in skipped
    }
    assert sorted(reasons) == [
        "linked",
        "logits",
        "not_flat",
        "one_softmax",
        "two_heads",
    ], skipped
    assert "cannot serve" in reasons["two_heads"]
    assert "(None, classes)" in reasons["not_flat"]
    assert "one-unit softmax" in reasons["one_softmax"]
    assert (
        "not probabilities" in reasons["logits"]
        or "sum to 1" in reasons["logits"]
    )
    assert "outside" in reasons["linked"]
    assert all("\n" not in line for line in skipped)


# --- item 4: cross-site POSTs ---------------------------------------------------------------------------------------


def test_cross_site_posts_are_refused_and_the_own_page_works(app):
    client = app.test_client()
    photo = encoded(Image.new("RGB", (20, 20), (1, 2, 3)), "PNG")

    def post(headers: dict[str, str]):
        return client.post(
            "/api/tiny",
            data={"image": (io.BytesIO(photo), "a.png")},
            headers=headers,
        )

    own = "http://127.0.0.1:5000"
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:8888", "Host": "127.0.0.1:5000"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:8888"},
    ):
        assert "cross-site" in assert_json(post(headers), 403), headers
    for headers in (
        {},
        {
            "Origin": own,
            "Host": "127.0.0.1:5000",
        },  # no browser; the own page (old browser)
        {"Sec-Fetch-Site": "same-origin", "Origin": "https://proxy.example"},
    ):  # own page via a proxy
        assert post(headers).status_code == 200, headers


# --- item 5: the production server ------------------------------------------------------------------------------------


def test_no_server_header_nosniff_on_json_and_frame_ancestors(url):
    health = requests.get(f"{url}/health", timeout=10)
    assert "Server" not in health.headers
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    page = requests.get(f"{url}/", timeout=10)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Server" not in page.headers


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "//health"),
        ("GET", "/api//models"),
        ("POST", "/api//tiny"),
        ("GET", "//api/models"),
        ("GET", "/health/"),
        ("GET", "/api/models/"),
    ],
)
def test_no_redirects_built_from_the_host_header(url, method, path):
    # Werkzeug merged double slashes with a 308 whose Location came from the Host header: now every such path is
    # answered as it is, in JSON.
    connection = http.client.HTTPConnection(url.split("//", 1)[1], timeout=10)
    connection.request(
        method, path, headers={"Host": "evil.example"}
    )  # the path goes out verbatim
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert (
        response.status in (200, 404, 405)
        and response.getheader("Location") is None
    ), (response.status, body)
    assert response.getheader("Content-Type").startswith("application/json")


def test_long_url_is_414_and_huge_headers_431_both_json(url):
    assert "URL" in assert_json(
        requests.get(f"{url}/health?" + "a" * 3000, timeout=10), 414
    )
    response = requests.get(
        f"{url}/health",
        headers={"X-Big": "b" * (serve.MAX_HEADER_BYTES + 100)},
        timeout=10,
    )
    assert "headers" in assert_json(response, 431)


def test_too_many_form_parts_and_a_field_without_file_name_say_so(url):
    photo = encoded(Image.new("RGB", (8, 8)), "PNG")
    parts = {f"f{i}": (None, "x") for i in range(serve.MAX_FORM_PARTS + 2)}
    message = assert_json(
        requests.post(
            f"{url}/api/tiny",
            files=dict(parts, image=("a.png", photo)),
            timeout=10,
        ),
        413,
    )
    assert "too many parts" in message and "MB limit" not in message
    as_text = requests.post(
        f"{url}/api/tiny", files={"image": (None, photo)}, timeout=10
    )
    assert "without a file name" in assert_json(as_text, 400)


def test_a_stalled_body_is_dropped_after_the_timeout_and_holds_no_thread(
    app, monkeypatch
):
    monkeypatch.setattr(serve, "CHANNEL_TIMEOUT_S", 2)
    server = serve.start_in_background(app)
    try:
        host, port = server.url.split("//", 1)[1].split(":")
        stalled = []
        for _ in range(serve.THREADS + 2):  # more than the worker threads
            sock = socket.create_connection((host, int(port)), timeout=20)
            sock.sendall(
                b"POST /api/tiny HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                b"Content-Length: 100000\r\n\r\n--b\r\n"
            )
            stalled.append(sock)
        assert (
            requests.get(f"{server.url}/health", timeout=10).status_code == 200
        )  # no thread is held
        time.sleep(2 * 2 + 1)
        for sock in stalled:
            assert sock.recv(100) == b""  # closed by the server
            sock.close()
        assert (
            requests.get(f"{server.url}/health", timeout=10).status_code == 200
        )
    finally:
        server.stop()


def test_command_line_runs_under_waitress(folder):

    with serving(folder) as (process, line, base):
        response = requests.get(f"{base}/health", timeout=10)
        assert (
            response.json() == {"status": "ok", "models": 1}
            and "Server" not in response.headers
        )
        assert (
            "431"
            in requests.get(
                f"{base}/health", headers={"X-Big": "b" * 20000}, timeout=10
            ).text
        )


def test_the_pixel_limits_hold_for_uploads(app):
    client = app.test_client()
    side = int(images.MAX_DECODED_PIXELS**0.5) + 10
    big = encoded(Image.new("RGBA", (side, side)), "PNG")
    assert "16 megapixel limit" in assert_json(
        client.post("/api/tiny", data={"image": (io.BytesIO(big), "x")}), 400
    )
