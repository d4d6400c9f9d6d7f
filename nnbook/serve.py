"""The model web: a small, safe Flask app that serves the models the chapters saved (chapter 10).

Start it with one command (``DIR`` is a folder of ``NAME.keras`` + ``NAME.classes.json``; repeat ``--models``
to serve several folders)::

    python -m nnbook.serve --models chapters/08_cifar/models [--host 127.0.0.1] [--port 5000]

Endpoints:

* ``GET /`` — the page: choose a model, pick or drag a photo, see it as the model sees it and the top-3 as bars.
* ``GET /health`` — ``{"status": "ok", "models": N}``.
* ``GET /api/models`` — every model with its input size, channels and classes.
* ``POST /api/NAME`` — a multipart upload with the photo in the form field ``image``; answers the top-3 classes
  (both classes for a one-sigmoid model), the input size used and the photo as the model saw it (a PNG data URI).

The server takes only the uploaded bytes: no file name or path from the client is ever used. Errors are one-line
JSON messages: 400 (empty, truncated, not an image, over :data:`nnbook.images.MAX_PIXELS`), 404 (unknown model),
405 (wrong method), 413 (over :data:`MAX_UPLOAD_BYTES`), 500 (logged on the server, never a stack trace to the
client); the server keeps serving after each.

Every model is loaded (Keras ``safe_mode``) and traced once at start-up; requests run it through one compiled
``tf.function`` per model under a lock, so a threaded server never runs Keras' ``predict`` machinery concurrently.
Preprocessing is :func:`nnbook.images.to_model_input`, the very function the chapters train with.

This module imports Flask; ``import nnbook`` does not import it.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import io
import json
import logging
import math
import secrets
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from flask import Flask, Response, jsonify, request
from PIL import Image
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from nnbook import models as saved
from nnbook.images import ImageDecodeError, to_model_input
from nnbook.upload import UploadError, check_upload, one_line

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
"""The largest request body accepted (8 MB); a larger one is answered 413 before it is read."""

TOP = 3
"""How many classes an answer lists (a one-sigmoid model has only two)."""

FIELD = "image"
"""The multipart form field that carries the photo."""

RESERVED = ("models",)
"""Names that are API paths, not models (``/api/models`` lists the models)."""

PAGE_HEADERS = {
    # The page loads nothing from elsewhere: its own inline script and style, data: and blob: images.
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                               "img-src data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

log = logging.getLogger("nnbook.serve")


@dataclass
class Served:
    """One loaded model: its spec, a compiled forward pass and the lock that serialises calls to it."""

    spec: saved.ModelSpec
    model: Any
    forward: Callable[[np.ndarray], Any]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, K)`` for a batch prepared by :func:`nnbook.images.to_model_input`."""
        with self.lock:
            outputs = np.asarray(self.forward(x))
        return saved.class_probabilities(outputs)

    def describe(self) -> dict[str, Any]:
        """The model as ``GET /api/models`` lists it."""
        spec = self.spec
        return {"name": spec.name, "input": {"size": spec.size, "channels": spec.channels, "color": spec.color},
                "classes": spec.class_names, "binary": int(self.model.output_shape[-1]) == 1}


def compiled_forward(model: Any, size: int, channels: int) -> Callable[[np.ndarray], Any]:
    """Return the model's inference call as one traced ``tf.function`` (plain ``model(x)`` on other backends)."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return lambda x: keras.ops.convert_to_numpy(model(x, training=False))
    import tensorflow as tf

    signature = [tf.TensorSpec([None, size, size, channels], tf.float32)]
    fn = tf.function(lambda x: model(x, training=False), input_signature=signature)
    return lambda x: fn(tf.constant(x, dtype=tf.float32)).numpy()


def load_models(folders: str | Path | Sequence[str | Path]) -> tuple[dict[str, Served], list[str]]:
    """Load every model found in ``folders`` and warm it up (first folder wins on a repeated name).

    Returns:
        ``({name: Served}, skipped)``: ``skipped`` holds one line per model that could not be loaded.

    Raises:
        FileNotFoundError: if a folder does not exist.
    """
    if isinstance(folders, (str, Path)):
        folders = [folders]
    served: dict[str, Served] = {}
    skipped: list[str] = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise FileNotFoundError(f"model folder {folder} does not exist: run the chapter that saves its models "
                                    "or pass --models with a folder of NAME.keras + NAME.classes.json files.")
        for name in saved.discover(folder):
            if name in served or name in RESERVED:
                why = "is reserved for an endpoint" if name in RESERVED else "is already served from another folder"
                skipped.append(f"{folder / name}.keras: the name {name!r} {why}")
                continue
            try:
                model, spec = saved.load(name, folder)
            except saved.ModelFileError as err:
                skipped.append(one_line(err))
                continue
            forward = compiled_forward(model, spec.size, spec.channels)
            forward(np.zeros((1, spec.size, spec.size, spec.channels), np.float32))  # trace now, not on a request
            served[name] = Served(spec=spec, model=model, forward=forward)
    return served, skipped


def preview_uri(x: np.ndarray) -> str:
    """The model input ``(1, H, W, C)`` in [0, 1] as a PNG data URI: the photo as the model sees it."""
    pixels = np.round(np.clip(x[0], 0.0, 1.0) * 255.0).astype(np.uint8)
    image = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def predict(served: Served, photo: bytes) -> dict[str, Any]:
    """Answer one photo: the JSON body of ``POST /api/NAME``.

    Raises:
        nnbook.upload.UploadError: if ``photo`` is empty.
        nnbook.images.ImageDecodeError: if it is not a decodable image within the pixel limit.
    """
    spec = served.spec
    try:
        x = to_model_input(check_upload(FIELD, photo), spec.size, spec.color)
    except ImageDecodeError as err:  # its messages name "the data"; here it is the upload
        raise ImageDecodeError(one_line(err).replace("the data", "the uploaded file", 1)) from err
    probabilities = served.probabilities(x)[0]
    return {
        "model": spec.name,
        "top": [{"label": label, "probability": p} for label, p in saved.top_k(probabilities, spec.class_names, TOP)],
        "input": {"size": spec.size, "channels": spec.channels, "color": spec.color},
        "preview": preview_uri(x),
    }


def page_html() -> str:
    """The page served at ``GET /`` (package data ``nnbook/web/index.html``)."""
    return resources.files("nnbook").joinpath("web/index.html").read_text(encoding="utf-8")


def error(status: int, message: str) -> Response:
    """A JSON error: ``{"error": message, "status": status}`` with that HTTP status."""
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


def create_app(folders: str | Path | Sequence[str | Path], *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> Flask:
    """Build the Flask app serving every model in ``folders`` (loaded and traced now, before any request).

    Raises:
        FileNotFoundError: if a folder does not exist.
    """
    served, skipped = load_models(folders)
    for line in skipped:
        log.warning("skipped a model: %s", line)
    app = Flask("nnbook.serve")
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = max_upload_bytes
    app.json.sort_keys = False  # answers read in order: model, top, input, preview
    app.extensions["nnbook_models"] = served
    limit_mb = max_upload_bytes / 2**20

    @app.get("/")
    def index() -> Response:
        return Response(page_html(), mimetype="text/html", headers=PAGE_HEADERS)

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", models=len(served))

    @app.get("/api/models")
    def list_models() -> Response:
        return jsonify(models=[m.describe() for m in served.values()], max_upload_bytes=max_upload_bytes)

    @app.route("/api/<name>", methods=["POST"])
    def classify(name: str) -> Response:
        if name in RESERVED:
            return error(405, f"/api/{name} only answers GET.")
        if name not in served:
            known = ", ".join(served) or "none"
            return error(404, f"no model named {name[:64]!r}: the models here are {known} (GET /api/models).")
        if not (request.mimetype or "").startswith("multipart/form-data"):
            return error(400, f"send the photo as multipart/form-data in the field {FIELD!r}.")
        upload = request.files.get(FIELD)
        if upload is None:
            return error(400, f"no file in the form field {FIELD!r}: send the photo as multipart/form-data "
                              f"with the field {FIELD!r}.")
        try:
            return jsonify(predict(served[name], upload.read()))
        except (UploadError, ImageDecodeError) as err:
            return error(400, one_line(err))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        code = err.code or 500
        messages = {
            404: "not found: the endpoints are GET /, GET /health, GET /api/models and POST /api/NAME.",
            405: f"method {request.method} is not allowed here (POST /api/NAME with a photo, GET for the rest).",
            413: f"the upload is over the {limit_mb:g} MB limit: send a smaller photo.",
        }
        return error(code, messages.get(code, one_line(Exception(err.description or err.name or "error"))))

    @app.errorhandler(Exception)
    def internal_error(err: Exception) -> Response:
        incident = uuid.uuid4().hex[:8]
        app.logger.exception("request failed (incident %s)", incident)  # the traceback stays on the server
        return error(500, f"internal error (incident {incident}); the server logged it and keeps serving.")

    return app


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's request handler without the per-request log line (errors are still logged)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@dataclass
class BackgroundServer:
    """A threaded server running in a daemon thread; ``url`` is its base address, ``stop()`` ends it."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.server.server_address[0]}:{self.port}"

    def stop(self) -> None:
        """Stop serving and wait for the thread to end."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def start_in_background(app: Flask, host: str = "127.0.0.1", port: int = 0, quiet: bool = True) -> BackgroundServer:
    """Serve ``app`` from a threaded Werkzeug server in a daemon thread (``port=0``: a free port)."""
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler if quiet else None)
    thread = threading.Thread(target=server.serve_forever, name="nnbook-serve", daemon=True)
    thread.start()
    return BackgroundServer(server, thread)


def encode_multipart(fields: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """Encode ``{field: (file name, bytes, content type)}`` as a multipart body; return it and its content type."""
    boundary = "nnbook-" + secrets.token_hex(12)
    parts = []
    for name, (filename, content, content_type) in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


@dataclass
class LoadResult:
    """What :func:`load_test` measured: latencies in seconds (one per answered request) and failures."""

    requests: int
    clients: int
    wall_s: float
    latencies_s: list[float]
    errors: list[str]

    def percentile_ms(self, q: float) -> float:
        """The ``q``-th percentile of the latencies, in milliseconds (nan if none)."""
        return float(np.percentile(self.latencies_s, q) * 1000) if self.latencies_s else math.nan

    @property
    def per_second(self) -> float:
        """Answered requests per second of wall time."""
        return len(self.latencies_s) / self.wall_s if self.wall_s > 0 else math.nan

    def summary(self) -> str:
        """One line: requests, clients, requests/s, p50/p99 latency and errors."""
        clients = f"{self.clients} client{'s' if self.clients != 1 else ''}"
        return (f"{self.requests} requests from {clients} in {self.wall_s:.1f} s: "
                f"{self.per_second:.0f} requests/s, p50 {self.percentile_ms(50):.1f} ms, "
                f"p99 {self.percentile_ms(99):.1f} ms, {len(self.errors)} errors")


def load_test(url: str, model: str, photo: bytes, requests: int = 1000, clients: int = 4,
              time_limit_s: float = 120.0) -> LoadResult:
    """Send ``requests`` photo uploads to ``POST url/api/model`` from ``clients`` concurrent keep-alive clients.

    Stops early (counting the rest as errors) after ``time_limit_s``. A request is an error unless it is answered
    200 with the model's name.
    """
    host_port = url.split("://", 1)[1].rstrip("/")
    body, content_type = encode_multipart({FIELD: ("photo", photo, "application/octet-stream")})
    headers = {"Content-Type": content_type}
    lock = threading.Lock()
    counter = iter(range(requests))
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + time_limit_s

    def client() -> None:
        connection = http.client.HTTPConnection(host_port, timeout=30)
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            if time.monotonic() > deadline:
                with lock:
                    errors.append("time limit reached")
                continue
            start = time.perf_counter()
            try:
                connection.request("POST", f"/api/{model}", body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                ok = response.status == 200 and json.loads(data).get("model") == model
                problem = "" if ok else f"HTTP {response.status}: {data[:120]!r}"
            except (OSError, http.client.HTTPException, ValueError) as err:
                problem = f"{type(err).__name__}: {err}"
                connection.close()
                connection = http.client.HTTPConnection(host_port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                (errors.append(problem) if problem else latencies.append(elapsed))
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(requests, clients, time.perf_counter() - start, latencies, errors)


def screenshot_page(url: str, photo: str | Path, model: str | None = None,
                    chromium: str = "/usr/bin/chromium") -> bytes | None:
    """Open the page at ``url`` in headless Chromium, classify ``photo`` and return a PNG screenshot.

    Returns None (and logs why) when Playwright or the Chromium binary is missing. It runs in its own thread, so
    that Playwright's synchronous API also works inside a Jupyter kernel's event loop.
    """
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            result["why"] = "Playwright for Python is not installed"
            return
        if not Path(chromium).exists():
            result["why"] = f"no Chromium at {chromium}"
            return
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 900, "height": 640})
                page.goto(url)
                page.wait_for_selector("#model option", state="attached")
                if model:
                    page.select_option("#model", model)
                page.set_input_files("#file", str(photo))
                page.wait_for_selector("#bars .bar")
                result["png"] = page.screenshot(full_page=True)
            finally:
                browser.close()

    def guarded() -> None:
        try:
            run()
        except Exception as err:  # a browser that fails to start is a missing picture, not a failed chapter
            result["why"] = f"{type(err).__name__}: {one_line(err)}"

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    thread.join(timeout=120)
    if "png" not in result:
        log.warning("no screenshot: %s", result.get("why", "the browser timed out"))
    return result.get("png")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
"""Flags for Debian's headless Chromium (no sandbox in containers, no network chatter)."""


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nnbook.serve --models DIR [--models DIR2] [--host 127.0.0.1] [--port 5000]``."""
    parser = argparse.ArgumentParser(prog="python -m nnbook.serve", description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", action="append", required=True, metavar="DIR",
                        help="a folder of NAME.keras + NAME.classes.json files (repeat for several)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this "
                                                            "machine only)")
    parser.add_argument("--port", type=int, default=5000, help="port (default 5000; 0 = any free port)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app = create_app(args.models)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    served = app.extensions["nnbook_models"]
    if not served:
        print(f"error: no models in {', '.join(args.models)} (each needs NAME.keras and NAME.classes.json).",
              file=sys.stderr)
        return 2
    server = make_server(args.host, args.port, app, threaded=True)
    host, port = server.server_address[:2]
    print(f"serving {', '.join(served)} at http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
