"""The model web: a small, safe Flask app that serves the models the chapters
saved (chapter 10).

Start it with one command (``DIR`` is a folder of ``NAME.keras`` +
``NAME.classes.json``; repeat ``--models`` to serve several folders)::

    python -m nnbook.serve --models chapters/08_cifar/models \\
        [--host 127.0.0.1] [--port 5000]

Endpoints:

* ``GET /`` — the page: choose a model, pick or drag a photo, see it as the
  model sees it and the top-3 as bars.
* ``GET /health`` — ``{"status": "ok", "models": N}``.
* ``GET /api/models`` — every model with its input size, channels and classes.
* ``POST /api/NAME`` — a multipart upload with the photo in the form field
  ``image``; answers the top-3 classes (both classes for a one-sigmoid model),
  the input size used and the photo as the model saw it (a PNG data URI).

The server takes only the uploaded bytes: no file name or path from the client
is ever used. Every error is a one-line JSON message: 400 (empty, truncated,
not a JPEG/PNG/GIF/BMP/WebP image, over the pixel limits of
:mod:`nnbook.images`), 403 (a POST from another site's page), 404 (unknown
model or path), 405 (wrong method), 413 (over :data:`MAX_UPLOAD_BYTES` or
:data:`MAX_FORM_PARTS`), 414 (URL over :data:`MAX_URL_CHARS`), 431 (headers
over :data:`MAX_HEADER_BYTES`), 500 (logged on the server, never a stack trace
to the client); the server keeps serving after each.

What one request can cost is bounded: its bytes (8 MB), its pixels
(:data:`nnbook.images.MAX_PIXELS` as declared,
:data:`nnbook.images.MAX_DECODED_PIXELS` decoded at full size, shrunk to 2,048
px before any conversion), and at most :data:`DECODE_SLOTS` photos decode at
once in a process, so the memory the server can spend on decoding is about
``DECODE_SLOTS`` x 75 MB whatever is sent. ``python -m nnbook.serve`` runs
under ``waitress`` (a production WSGI server in pure Python) with
:data:`THREADS` worker threads, at most :data:`CONNECTION_LIMIT` connections,
and :data:`CHANNEL_TIMEOUT_S` seconds before an idle or stalled connection is
closed (waitress reads a whole request before a thread sees it, so a slow
client holds no thread).

Every model is loaded (Keras ``safe_mode``), checked (one flat output of
probabilities, files inside their folder) and traced once at start-up; a model
that cannot be served is skipped with its reason. Requests run it through one
compiled ``tf.function`` per model under a lock, so concurrent requests never
run Keras' ``predict`` machinery concurrently. Preprocessing is
:func:`nnbook.images.to_model_input`, the very function the chapters train
with. The client side (:func:`nnbook.client.load_test`,
:func:`nnbook.client.screenshot_page`) is in :mod:`nnbook.client`.

This module imports Flask and waitress; ``import nnbook`` does not import them.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import logging
import sys
import threading
import uuid
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
from flask import Flask, Response, jsonify, request
from PIL import Image
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask
from werkzeug.exceptions import HTTPException

from nnbook import models as saved
from nnbook.images import ImageDecodeError, to_model_input
from nnbook.upload import UploadError, check_upload, one_line

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
"""The largest request body accepted (8 MB); a larger one is answered 413
before it is read."""

MAX_FORM_PARTS = 8
"""The most parts a multipart form may have (one photo needs one); more is
answered 413."""

MAX_URL_CHARS = 2048
"""The longest path and query accepted; a longer one is answered 414."""

MAX_HEADER_BYTES = 16 * 1024
"""The largest request line and headers together (16 kB); larger is answered
431 (by waitress, in JSON)."""

DECODE_SLOTS = 2
"""How many photos decode at once in this process: each may take up to ~75 MB
while it decodes (a 16-megapixel RGBA PNG), so the server's decoding memory
stays near 2 x 75 MB however many requests come."""

THREADS = 4
"""Worker threads of ``python -m nnbook.serve`` (waitress): requests answered
at once; more wait in a queue."""

CONNECTION_LIMIT = 64
"""Open connections ``python -m nnbook.serve`` accepts at once; more wait in
the listen backlog."""

CHANNEL_TIMEOUT_S = 30
"""Seconds a connection may stay idle, or send nothing more of an unfinished
request, before it is closed."""

TOP = 3
"""How many classes an answer lists (a one-sigmoid model has only two)."""

FIELD = "image"
"""The multipart form field that carries the photo."""

RESERVED = ("models",)
"""Names that are API paths, not models (``/api/models`` lists the models)."""

PAGE_HEADERS = {
    # The page loads nothing from elsewhere (its own inline script and style,
    # data: and blob: images) and no other site may frame it (a framed page
    # could be made to upload on a click).
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src "
        "'unsafe-inline'; img-src data: blob:; connect-src 'self'; base-uri "
        "'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

DECODING = threading.BoundedSemaphore(DECODE_SLOTS)
"""Held while a photo decodes (one per process: memory is per process)."""

log = logging.getLogger("nnbook.serve")


@dataclass
class Served:
    """One loaded model: its spec, a compiled forward pass and the lock that
    serialises calls to it."""

    spec: saved.ModelSpec
    model: Any
    forward: Callable[[np.ndarray], Any]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(N, K)`` for a batch prepared by
        :func:`nnbook.images.to_model_input`."""
        with self.lock:
            outputs = np.asarray(self.forward(x))
        return saved.class_probabilities(outputs)

    def describe(self) -> dict[str, Any]:
        """The model as ``GET /api/models`` lists it."""
        spec = self.spec
        return {
            "name": spec.name,
            "input": {
                "size": spec.size,
                "channels": spec.channels,
                "color": spec.color,
            },
            "classes": spec.class_names,
            "binary": int(self.model.output_shape[-1]) == 1,
        }


def compiled_forward(
    model: Any, size: int, channels: int
) -> Callable[[np.ndarray], Any]:
    """Return the model's inference call as one traced ``tf.function`` (plain
    ``model(x)`` on other backends)."""
    import keras

    if keras.backend.backend() != "tensorflow":
        return lambda x: keras.ops.convert_to_numpy(model(x, training=False))
    import tensorflow as tf

    signature = [tf.TensorSpec([None, size, size, channels], tf.float32)]
    fn = tf.function(
        lambda x: model(x, training=False), input_signature=signature
    )
    return lambda x: fn(tf.constant(x, dtype=tf.float32)).numpy()


def unservable(model: Any, spec: saved.ModelSpec) -> str | None:
    """Why ``model`` cannot be served (None if it can): it must give one flat
    row of probabilities per photo."""
    if len(getattr(model, "outputs", None) or [None]) != 1:
        return (
            f"it has {len(model.outputs)} outputs; a classifier the server "
            "can answer with has one"
        )
    shape = tuple(model.output_shape)
    if len(shape) != 2:
        return (
            f"its output has shape {shape}; the server needs (None, "
            "classes): end the model with a Dense layer (Flatten or "
            "GlobalAveragePooling2D before it)"
        )
    last = model.layers[-1] if getattr(model, "layers", None) else None
    activation = getattr(getattr(last, "activation", None), "__name__", "")
    if shape[1] == 1 and (
        activation == "softmax" or type(last).__name__ == "Softmax"
    ):
        return (
            "it ends in a one-unit softmax, which always says 1.0: use one "
            "sigmoid unit or one softmax unit per class"
        )
    return None


def _outside(folder: Path, name: str) -> Path | None:
    """The first of the model's two files that resolves outside ``folder`` (a
    link out of it), or None."""
    root = folder.resolve()
    for path in (folder / f"{name}.keras", folder / f"{name}.classes.json"):
        if not path.resolve().is_relative_to(root):
            return path
    return None


def _probe(served: Served, spec: saved.ModelSpec) -> str | None:
    """Trace the forward pass now (not on a request) and check it answers
    probabilities; None if it does."""
    rng = np.random.default_rng(0)
    for x in (
        np.zeros((1, spec.size, spec.size, spec.channels), np.float32),
        rng.random((2, spec.size, spec.size, spec.channels), dtype=np.float32),
    ):
        out = np.asarray(served.forward(x), dtype=np.float64)
        if out.shape != (len(x), served.model.output_shape[-1]):
            return f"it answered shape {out.shape} for {len(x)} photo(s)"
        if not np.all(np.isfinite(out)) or out.min() < 0 or out.max() > 1:
            return (
                "its outputs are not probabilities (some are outside 0..1): "
                "end it with sigmoid or softmax"
            )
        if out.shape[1] > 1 and np.abs(out.sum(axis=1) - 1).max() > 1e-3:
            return (
                "its outputs do not sum to 1: end a model of several classes "
                "with softmax"
            )
    return None


def load_models(
    folders: str | Path | Sequence[str | Path],
) -> tuple[dict[str, Served], list[str]]:
    """Load every model found in ``folders``, check it can be served and warm
    it up (first folder wins on a name).

    Returns:
        ``({name: Served}, skipped)``: ``skipped`` holds one line per model
        that cannot be served, with why.

    Raises:
        FileNotFoundError: if a folder does not exist.
    """
    if isinstance(folders, (str, Path)):
        folders = [folders]
    served: dict[str, Served] = {}
    skipped: list[str] = []
    for folder in map(Path, folders):
        if not folder.is_dir():
            raise FileNotFoundError(
                f"model folder {folder} does not exist: run the chapter that "
                "saves its models or pass --models with a folder of "
                "NAME.keras + NAME.classes.json files."
            )
        for name in saved.discover(folder):
            path = folder / f"{name}.keras"
            if name in served or name in RESERVED:
                why = (
                    "is reserved for an endpoint"
                    if name in RESERVED
                    else "is already served from another folder"
                )
                skipped.append(f"{path}: the name {name!r} {why}")
                continue
            outside = _outside(folder, name)
            if outside is not None:
                skipped.append(
                    f"{outside}: a link to a file outside {folder}; copy the "
                    "model into the folder"
                )
                continue
            try:
                model, spec = saved.load(name, folder)
            except saved.ModelFileError as err:
                skipped.append(one_line(err))
                continue
            except Exception as err:
                # a model nnbook.models does not expect (e.g. two outputs) is a
                # skip too
                skipped.append(
                    f"{path}: cannot serve it: {type(err).__name__}: "
                    f"{one_line(err)}"
                )
                continue
            why = unservable(model, spec)
            if why is None:
                entry = Served(
                    spec=spec,
                    model=model,
                    forward=compiled_forward(model, spec.size, spec.channels),
                )
                try:
                    why = _probe(entry, spec)
                except Exception as err:
                    # a model that fails on a photo fails here, not on every
                    # request
                    why = (
                        f"it fails on a test photo: {type(err).__name__}: "
                        f"{one_line(err)}"
                    )
            if why is not None:
                skipped.append(f"{path}: cannot serve it: {why}")
                continue
            served[name] = entry
    return served, skipped


def preview_uri(x: np.ndarray) -> str:
    """The model input ``(1, H, W, C)`` in [0, 1] as a PNG data URI: the photo
    as the model sees it."""
    pixels = np.round(np.clip(x[0], 0.0, 1.0) * 255.0).astype(np.uint8)
    image = Image.fromarray(
        pixels[..., 0] if pixels.shape[-1] == 1 else pixels
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(
        buffer.getvalue()
    ).decode("ascii")


def predict(served: Served, photo: bytes) -> dict[str, Any]:
    """Answer one photo: the JSON body of ``POST /api/NAME``.

    Raises:
        nnbook.upload.UploadError: if ``photo`` is empty.
        nnbook.images.ImageDecodeError: if it is not a decodable image within
            the pixel limits.
    """
    spec = served.spec
    try:
        photo = check_upload(FIELD, photo)
        # at most DECODE_SLOTS photos decode at once: bounded memory
        with DECODING:
            x = to_model_input(photo, spec.size, spec.color)
    # its messages name "the data"; here it is the upload
    except ImageDecodeError as err:
        raise ImageDecodeError(
            one_line(err).replace("the data", "the uploaded file", 1)
        ) from err
    probabilities = served.probabilities(x)[0]
    return {
        "model": spec.name,
        "top": [
            {"label": label, "probability": p}
            for label, p in saved.top_k(probabilities, spec.class_names, TOP)
        ],
        "input": {
            "size": spec.size,
            "channels": spec.channels,
            "color": spec.color,
        },
        "preview": preview_uri(x),
    }


def page_html() -> str:
    """The page served at ``GET /`` (package data
    ``nnbook/web/index.html``)."""
    return (
        resources.files("nnbook")
        .joinpath("web/index.html")
        .read_text(encoding="utf-8")
    )


def error(status: int, message: str) -> Response:
    """A JSON error: ``{"error": message, "status": status}`` with that HTTP
    status."""
    response = jsonify(error=message, status=status)
    response.status_code = status
    return response


def cross_site(headers: Any, scheme: str, host: str) -> str | None:
    """Why a POST with these headers comes from another site's page (None if it
    is the server's own, or no browser).

    A browser says where a request comes from: ``Sec-Fetch-Site`` (set by the
    browser itself, so it holds behind a proxy too) and ``Origin``. A request
    without either is not from a web page (curl, ``requests``) and is let in.
    """
    site = headers.get("Sec-Fetch-Site")
    if site is not None:
        return (
            None
            if site in ("same-origin", "none")
            else f"Sec-Fetch-Site: {site[:32]}"
        )
    origin = headers.get("Origin")
    if origin is not None and origin != f"{scheme}://{host}":
        return f"Origin: {origin[:64]}"
    return None


def create_app(
    folders: str | Path | Sequence[str | Path],
    *,
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
) -> Flask:
    """Build the Flask app serving every model in ``folders`` (loaded and
    traced now, before any request).

    Serve it with :func:`start_in_background` (a notebook, a test) or
    ``python -m nnbook.serve``.

    Raises:
        FileNotFoundError: if a folder does not exist.
    """
    served, skipped = load_models(folders)
    for line in skipped:
        log.warning("skipped a model: %s", line)
    app = Flask("nnbook.serve")
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes
    app.config["MAX_FORM_MEMORY_SIZE"] = max_upload_bytes
    app.config["MAX_FORM_PARTS"] = MAX_FORM_PARTS
    # answers read in order: model, top, input, preview
    app.json.sort_keys = False
    # no redirects at all: "/health/" and "//health" are plain 404s or
    # answers, never a 308 whose Location would be built from the Host header
    app.url_map.strict_slashes = False
    app.url_map.merge_slashes = False
    app.extensions["nnbook_models"] = served
    limit_mb = max_upload_bytes / 2**20

    @app.before_request
    def refuse_early() -> Response | None:
        if len(request.full_path) > MAX_URL_CHARS:
            return error(
                414,
                f"the URL is over {MAX_URL_CHARS} characters; the endpoints "
                "are short.",
            )
        if request.method == "POST":
            why = cross_site(request.headers, request.scheme, request.host)
            if why is not None:
                return error(
                    403,
                    f"cross-site request refused ({why}): use the page this "
                    "server serves at /.",
                )
        return None

    @app.after_request
    def no_sniffing(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @app.get("/")
    def index() -> Response:
        return Response(
            page_html(), mimetype="text/html", headers=PAGE_HEADERS
        )

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", models=len(served))

    @app.get("/api/models")
    def list_models() -> Response:
        return jsonify(
            models=[m.describe() for m in served.values()],
            max_upload_bytes=max_upload_bytes,
        )

    @app.route("/api/<name>", methods=["POST"])
    def classify(name: str) -> Response:
        if name in RESERVED:
            return error(405, f"/api/{name} only answers GET.")
        if name not in served:
            known = ", ".join(served) or "none"
            return error(
                404,
                f"no model named {name[:64]!r}: the models here are {known} "
                "(GET /api/models).",
            )
        if not (request.mimetype or "").startswith("multipart/form-data"):
            return error(
                400,
                "send the photo as multipart/form-data in the field "
                f"{FIELD!r}.",
            )
        upload = request.files.get(FIELD)
        if upload is None:
            # a part without a file name arrives as text
            if FIELD in request.form:
                return error(
                    400,
                    f"the field {FIELD!r} came as text, without a file name: "
                    f"send the photo as a file (curl -F {FIELD}=@photo.jpg; "
                    "a browser form does this).",
                )
            return error(
                400,
                f"no field {FIELD!r} in the form: send the photo as "
                f"multipart/form-data with the field {FIELD!r}.",
            )
        try:
            return jsonify(predict(served[name], upload.read()))
        except (UploadError, ImageDecodeError) as err:
            return error(400, one_line(err))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Response:
        code = err.code or 500
        messages = {
            404: (
                "not found: the endpoints are GET /, GET /health, GET "
                "/api/models and POST /api/NAME."
            ),
            405: (
                f"method {request.method} is not allowed here (POST "
                "/api/NAME with a photo, GET for the rest)."
            ),
            413: (
                f"the upload is over the {limit_mb:g} MB limit: send a "
                "smaller photo."
            ),
        }
        length = request.content_length
        # the body fits: its parts did not
        if code == 413 and length is not None and length <= max_upload_bytes:
            messages[413] = (
                f"the form has too many parts (at most {MAX_FORM_PARTS}) or "
                f"a text field over {limit_mb:g} MB: send one photo in the "
                f"field {FIELD!r}."
            )
        response = error(
            code,
            messages.get(
                code,
                one_line(Exception(err.description or err.name or "error")),
            ),
        )
        if code == 405 and getattr(err, "valid_methods", None):
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    @app.errorhandler(Exception)
    def internal_error(err: Exception) -> Response:
        incident = uuid.uuid4().hex[:8]
        # the traceback stays on the server
        app.logger.exception("request failed (incident %s)", incident)
        return error(
            500,
            f"internal error (incident {incident}); the server logged it and "
            "keeps serving.",
        )

    return app


class JsonErrorTask(ErrorTask):
    """waitress's own error answers (400 malformed request, 413, 431 headers
    too large) as one JSON line."""

    def execute(self) -> None:
        err = self.request.error
        message = {
            431: (
                "the request line and headers are over "
                f"{MAX_HEADER_BYTES // 1024} kB."
            ),
            413: (
                f"the upload is over the {MAX_UPLOAD_BYTES // 2**20} MB "
                "limit: send a smaller photo."
            ),
        }
        text = message.get(
            err.code,
            f"{err.reason.lower()}: "
            f"{one_line(Exception(err.body or err.reason))}",
        )
        body = json.dumps({"error": text, "status": err.code}).encode()
        self.status = f"{err.code} {err.reason}"
        self.response_headers.extend(
            [
                ("Content-Type", "application/json"),
                ("X-Content-Type-Options", "nosniff"),
            ]
        )
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class JsonErrorChannel(HTTPChannel):
    """A waitress connection whose own errors are JSON (see
    :class:`JsonErrorTask`)."""

    error_task_class = JsonErrorTask


def make_server(
    app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = THREADS
) -> BaseWSGIServer:
    """A waitress server for ``app`` with the limits of this module (not yet
    running: call ``.run()``).

    ``ident=""`` sends no ``Server`` header; waitress ignores ``X-Forwarded-*``
    headers (no trusted proxy), so nothing the client sends changes the scheme
    or host the app sees, and the app never redirects.
    """
    server = create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=CHANNEL_TIMEOUT_S,
        cleanup_interval=max(1, CHANNEL_TIMEOUT_S // 3),
        max_request_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
        max_request_header_size=MAX_HEADER_BYTES,
        ident="",
        expose_tracebacks=False,
    )
    server.channel_class = JsonErrorChannel
    return server


@dataclass
class BackgroundServer:
    """A waitress server running in a daemon thread; ``url`` is its base
    address, ``stop()`` ends it."""

    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self.server.effective_port)

    @property
    def url(self) -> str:
        return f"http://{self.server.effective_host}:{self.port}"

    def stop(self) -> None:
        """Stop serving (open connections are closed) and wait for the thread
        to end."""
        self.server.task_dispatcher.shutdown()
        # The sockets are closed by the event loop's own thread (a trigger
        # runs the call there): closed from this thread, a socket the loop is
        # waiting on in select() makes it fail with "Bad file descriptor".
        # The loop ends once it has no socket left.
        self.server.trigger.pull_trigger(
            lambda: wasyncore.close_all(self.server._map)
        )
        self.thread.join(timeout=10)
        if self.thread.is_alive():  # the loop never ran the call
            wasyncore.close_all(self.server._map)
            self.thread.join(timeout=10)


def start_in_background(
    app: Flask, host: str = "127.0.0.1", port: int = 0, quiet: bool = True
) -> BackgroundServer:
    """Serve ``app`` with waitress (the limits of :func:`make_server`) in a
    daemon thread (``port=0``: a free port).

    Waitress logs no line per request; ``quiet`` also silences its "Task
    queue depth" warnings, which a load test (more clients than threads, on
    purpose) would print in a notebook.
    """
    if quiet:
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = make_server(app, host, port)
    thread = threading.Thread(
        target=server.run, name="nnbook-serve", daemon=True
    )
    thread.start()
    return BackgroundServer(server, thread)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m nnbook.serve --models DIR [--models DIR2]
    [--host 127.0.0.1] [--port 5000]``."""
    parser = argparse.ArgumentParser(
        prog="python -m nnbook.serve", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--models",
        action="append",
        required=True,
        metavar="DIR",
        help="a folder of NAME.keras + NAME.classes.json files (repeat for "
        "several)",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this machine only)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=5000,
        help="port (default 5000; 0 = any free port)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        app = create_app(args.models)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    served = app.extensions["nnbook_models"]
    if not served:
        print(
            f"error: no models in {', '.join(args.models)} (each needs "
            "NAME.keras and NAME.classes.json).",
            file=sys.stderr,
        )
        return 2
    server = make_server(app, args.host, args.port)
    print(
        f"serving {', '.join(served)} at "
        f"http://{server.effective_host}:{server.effective_port}/ (Ctrl+C "
        "stops)",
        flush=True,
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
