"""The model web (nnbook.serve) over real HTTP on loopback: every endpoint, every bad input, same answers as the model.

Two tiny models (``tests/tiny_models.py``: a one-sigmoid grayscale model and a softmax RGB model) are saved in a
temporary folder, the waitress server of ``serve.start_in_background`` runs them on a free port (the ``url``
fixture of ``tests/conftest.py``), and the tests talk to it with ``requests``.
"""

from __future__ import annotations

import base64
import io
import json
import threading
from pathlib import Path

import numpy as np
import pytest
import requests
import tomllib
from PIL import Image
from serve_cli import serving
from tiny_models import GRAY_SIZE, PHOTO, RGB_CLASSES, RGB_SIZE

from nnbook import models, serve
from nnbook.images import MAX_PIXELS, to_model_input


def png_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def post(
    url: str, model: str, content: bytes, filename: str = "photo.jpg"
) -> requests.Response:
    return requests.post(
        f"{url}/api/{model}", files={"image": (filename, content)}, timeout=30
    )


def assert_json_error(response: requests.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    message = body["error"]
    assert (
        message
        and "\n" not in message
        and "Traceback" not in response.text
        and 'File "' not in response.text
    )
    return message


# --- endpoints -----------------------------------------------------------------------------------------------------


def test_health(url):
    assert requests.get(f"{url}/health", timeout=10).json() == {
        "status": "ok",
        "models": 2,
    }


def test_models_lists_input_shapes_and_classes(url):
    listed = {
        m["name"]: m
        for m in requests.get(f"{url}/api/models", timeout=10).json()["models"]
    }
    assert listed["pets"] == {
        "name": "pets",
        "input": {"size": 16, "channels": 1, "color": "grayscale"},
        "classes": ["cat", "dog"],
        "binary": True,
    }
    assert listed["tiny_cifar"]["input"] == {
        "size": 32,
        "channels": 3,
        "color": "rgb",
    }
    assert (
        listed["tiny_cifar"]["classes"] == RGB_CLASSES
        and listed["tiny_cifar"]["binary"] is False
    )


def test_page_is_self_contained_html(url):
    response = requests.get(f"{url}/", timeout=10)
    assert response.status_code == 200 and response.headers[
        "Content-Type"
    ].startswith("text/html")
    page = response.text
    for element in (
        'id="model"',
        'id="file"',
        'id="drop"',
        'id="preview"',
        'id="bars"',
        'id="error"',
    ):
        assert element in page
    assert "http://" not in page and "https://" not in page, (
        "the page must not load anything from elsewhere"
    )
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_binary_model_answers_both_classes_like_the_model(url, folder):
    photo = PHOTO.read_bytes()
    answer = post(url, "pets", photo).json()
    model, _ = models.load("pets", folder)
    p_dog = float(
        model.predict(
            to_model_input(photo, GRAY_SIZE, "grayscale"), verbose=0
        )[0, 0]
    )
    assert answer["model"] == "pets"
    assert answer["input"] == {"size": 16, "channels": 1, "color": "grayscale"}
    assert len(answer["top"]) == 2
    got = {item["label"]: item["probability"] for item in answer["top"]}
    assert got["dog"] == pytest.approx(p_dog, abs=1e-6) and got[
        "cat"
    ] == pytest.approx(1 - p_dog, abs=1e-6)
    assert answer["top"][0]["probability"] >= answer["top"][1]["probability"]


def test_softmax_model_answers_top3_like_the_model(url, folder):
    photo = PHOTO.read_bytes()
    answer = post(url, "tiny_cifar", photo).json()
    model, spec = models.load("tiny_cifar", folder)
    x = to_model_input(photo, RGB_SIZE, "rgb")
    expected = models.top_k(
        model.predict(x, verbose=0)[0], spec.class_names, 3
    )
    assert [item["label"] for item in answer["top"]] == [
        label for label, _ in expected
    ]
    np.testing.assert_allclose(
        [item["probability"] for item in answer["top"]],
        [p for _, p in expected],
        atol=1e-6,
    )
    assert answer["input"]["size"] == 32


def test_preview_is_the_model_input_as_png(url):
    photo = PHOTO.read_bytes()
    preview = post(url, "pets", photo).json()["preview"]
    assert preview.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(preview.split(",", 1)[1])))
    assert image.size == (GRAY_SIZE, GRAY_SIZE) and image.mode == "L"
    expected = np.round(
        to_model_input(photo, GRAY_SIZE, "grayscale")[0, ..., 0] * 255
    )
    np.testing.assert_array_equal(np.asarray(image), expected.astype(np.uint8))


def test_png_with_alpha_and_odd_size_is_accepted(url):
    rgba = np.random.default_rng(0).integers(
        0, 256, size=(7, 300, 4), dtype=np.uint8
    )
    assert post(url, "tiny_cifar", png_bytes(rgba)).status_code == 200


def test_client_file_name_is_never_used(url):
    answer = post(
        url,
        "tiny_cifar",
        PHOTO.read_bytes(),
        filename="../../../../etc/passwd",
    )
    assert answer.status_code == 200 and "passwd" not in answer.text


def test_concurrent_requests_get_identical_answers(url):
    photo = PHOTO.read_bytes()
    answers: list[dict] = []

    def client():
        for _ in range(4):
            answers.append(post(url, "tiny_cifar", photo).json())

    threads = [threading.Thread(target=client) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 24 and all(a == answers[0] for a in answers)


# --- bad inputs: a one-line JSON message, and the server keeps serving --------------------------------------------


def bomb() -> bytes:
    side = (
        int(MAX_PIXELS**0.5) + 100
    )  # just over the pixel limit, a few kilobytes as a PNG
    buffer = io.BytesIO()
    Image.new("L", (side, side)).save(buffer, format="PNG")
    return buffer.getvalue()


BAD = {
    "empty": (b"", "empty"),
    "truncated": (PHOTO.read_bytes()[:2000], "truncated"),
    "text": (b"just some text, not a photo\n" * 10, "not an image"),
    "bomb": (None, "megapixel limit"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_upload_is_400_with_one_line(url, case):
    content, words = BAD[case]
    message = assert_json_error(
        post(url, "tiny_cifar", bomb() if content is None else content), 400
    )
    assert words in message
    assert requests.get(f"{url}/health", timeout=10).status_code == 200


def test_bomb_file_is_small_but_refused(url):
    assert len(bomb()) < 200_000


def test_missing_field_and_wrong_encoding_are_400(url):
    photo = PHOTO.read_bytes()
    missing = requests.post(
        f"{url}/api/tiny_cifar", files={"photo": ("a.jpg", photo)}, timeout=10
    )
    assert "'image'" in assert_json_error(missing, 400)
    # the CIFAR study's API: a JSON key naming a file on the server. Ours never reads a path from the client.
    study_style = requests.post(
        f"{url}/api/tiny_cifar",
        json={"key": "../../../etc/passwd"},
        timeout=10,
    )
    assert "multipart" in assert_json_error(study_style, 400)
    assert "root:" not in study_style.text


def test_over_the_upload_limit_is_413(url):
    response = post(
        url, "tiny_cifar", b"\xff" * (serve.MAX_UPLOAD_BYTES + 1024)
    )
    assert "8 MB" in assert_json_error(response, 413)


def test_unknown_model_and_path_are_404(url):
    assert "pets, tiny_cifar" in assert_json_error(
        post(url, "resnet", PHOTO.read_bytes()), 404
    )
    assert_json_error(requests.get(f"{url}/nothing/here", timeout=10), 404)
    assert_json_error(
        post(url, "..%2F..%2Fetc%2Fpasswd", PHOTO.read_bytes()), 404
    )


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/api/tiny_cifar"),
        ("POST", "/api/models"),
        ("DELETE", "/health"),
        ("PUT", "/api/pets"),
        ("POST", "/"),
    ],
)
def test_wrong_method_is_405(url, method, path):
    assert_json_error(requests.request(method, url + path, timeout=10), 405)


def test_internal_error_is_500_without_stack_trace(url, app, monkeypatch):
    served = app.extensions["nnbook_models"]["tiny_cifar"]

    def broken(x):
        raise RuntimeError("secret detail at /srv/models/tiny_cifar.keras")

    monkeypatch.setattr(served, "forward", broken)
    response = post(url, "tiny_cifar", PHOTO.read_bytes())
    message = assert_json_error(response, 500)
    assert (
        "secret" not in response.text
        and "RuntimeError" not in response.text
        and "incident" in message
    )
    monkeypatch.undo()
    assert post(url, "tiny_cifar", PHOTO.read_bytes()).status_code == 200


# --- start-up ------------------------------------------------------------------------------------------------------


def test_broken_model_files_are_skipped_with_a_reason(tmp_path, folder):
    for name in ("pets",):
        for suffix in (".keras", ".classes.json"):
            (tmp_path / f"{name}{suffix}").write_bytes(
                (folder / f"{name}{suffix}").read_bytes()
            )
    (tmp_path / "broken.keras").write_bytes(b"not a zip")
    (tmp_path / "broken.classes.json").write_text('["a", "b"]')
    (tmp_path / "mismatch.keras").write_bytes(
        (folder / "tiny_cifar.keras").read_bytes()
    )
    (tmp_path / "mismatch.classes.json").write_text('["only", "two"]')
    served, skipped = serve.load_models(tmp_path)
    assert list(served) == ["pets"]
    assert (
        len(skipped) == 2
        and any("broken" in s for s in skipped)
        and any("output" in s for s in skipped)
    )


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        serve.create_app(tmp_path / "nowhere")
    assert serve.main(["--models", str(tmp_path / "nowhere")]) == 2
    assert (
        serve.main(["--models", str(tmp_path)]) == 2
    )  # a folder without models


def test_page_ships_as_package_data():
    pyproject = (
        Path(__file__).resolve().parents[2] / "pyproject.toml"
    ).read_text()
    shipped = tomllib.loads(pyproject)["tool"]["setuptools"]["package-data"][
        "nnbook"
    ]
    assert "web/*.html" in shipped  # the server's page
    assert {"web/*.js", "web/vendor/tfjs/*"} <= set(
        shipped
    )  # the browser's runtime (_ext/nnbook_web.py)
    assert "<title>" in serve.page_html()


def test_json_errors_are_valid_json_strings(app):
    client = app.test_client()
    body = client.post("/api/models").get_data()
    assert json.loads(body)["status"] == 405


def test_command_line_serves_the_folder(folder):
    with serving(folder) as (process, line, base):
        assert line.startswith(
            "serving pets, tiny_cifar at http://127.0.0.1:"
        ), line
        assert requests.get(f"{base}/health", timeout=10).json() == {
            "status": "ok",
            "models": 2,
        }
        assert post(base, "pets", PHOTO.read_bytes()).json()["model"] == "pets"


def test_reserved_and_repeated_names_are_skipped(tmp_path, folder):
    for name in (
        "models",
        "pets",
    ):  # "models" is the /api/models endpoint; "pets" is also in `folder`
        for suffix in (".keras", ".classes.json"):
            (tmp_path / f"{name}{suffix}").write_bytes(
                (folder / f"pets{suffix}").read_bytes()
            )
    served, skipped = serve.load_models([folder, tmp_path])
    assert sorted(served) == ["pets", "tiny_cifar"]
    assert any("reserved" in s for s in skipped) and any(
        "already served" in s for s in skipped
    )
