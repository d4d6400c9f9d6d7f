"""The model web's client side: upload photos to a running ``nnbook.serve``
server, load-test it, screenshot its page.

* :func:`encode_multipart` builds the ``multipart/form-data`` body a browser
  sends for a file field.
* :func:`load_test` sends many uploads from concurrent keep-alive clients and
  returns a :class:`LoadResult` (latencies, requests/s, errors);
  ``bench/serve_load.py`` and chapter 10 use it.
* :func:`screenshot_page` opens the page in headless Chromium (Playwright,
  Debian's browser), classifies a photo and returns a PNG screenshot, or None
  when no browser is available.

It needs only the standard library and numpy (Playwright for the screenshot);
it does not import Flask.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nnbook.upload import one_line

FIELD = "image"
"""The multipart form field the server reads the photo from
(``nnbook.serve.FIELD``)."""

log = logging.getLogger("nnbook.client")


def encode_multipart(
    fields: dict[str, tuple[str, bytes, str]],
) -> tuple[bytes, str]:
    """Encode ``{field: (file name, bytes, content type)}`` as a multipart
    body; return it and its content type."""
    boundary = "nnbook-" + secrets.token_hex(12)
    parts = []
    for name, (filename, content, content_type) in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    return (
        b"".join(parts) + f"--{boundary}--\r\n".encode(),
        f"multipart/form-data; boundary={boundary}",
    )


@dataclass
class LoadResult:
    """What :func:`load_test` measured: latencies in seconds (one per answered
    request) and failures."""

    requests: int
    clients: int
    wall_s: float
    latencies_s: list[float]
    errors: list[str]

    def percentile_ms(self, q: float) -> float:
        """The ``q``-th percentile of the latencies, in milliseconds (nan if
        none)."""
        return (
            float(np.percentile(self.latencies_s, q) * 1000)
            if self.latencies_s
            else math.nan
        )

    @property
    def per_second(self) -> float:
        """Answered requests per second of wall time."""
        return (
            len(self.latencies_s) / self.wall_s
            if self.wall_s > 0
            else math.nan
        )

    def summary(self) -> str:
        """One line: requests, clients, requests/s, p50/p99 latency and
        errors."""
        clients = f"{self.clients} client{'s' if self.clients != 1 else ''}"
        return (
            f"{self.requests} requests from {clients} in {self.wall_s:.1f} "
            f"s: {self.per_second:.0f} requests/s, p50 "
            f"{self.percentile_ms(50):.1f} ms, p99 "
            f"{self.percentile_ms(99):.1f} ms, {len(self.errors)} errors"
        )


def load_test(
    url: str,
    model: str,
    photo: bytes,
    requests: int = 1000,
    clients: int = 4,
    time_limit_s: float = 120.0,
) -> LoadResult:
    """Send ``requests`` photo uploads to ``POST url/api/model`` from
    ``clients`` concurrent keep-alive clients.

    Stops early (counting the rest as errors) after ``time_limit_s``. A request
    is an error unless it is answered 200 with the model's name.
    """
    host_port = url.split("://", 1)[1].rstrip("/")
    body, content_type = encode_multipart(
        {FIELD: ("photo", photo, "application/octet-stream")}
    )
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
                connection.request(
                    "POST", f"/api/{model}", body=body, headers=headers
                )
                response = connection.getresponse()
                data = response.read()
                ok = (
                    response.status == 200
                    and json.loads(data).get("model") == model
                )
                problem = (
                    "" if ok else f"HTTP {response.status}: {data[:120]!r}"
                )
            except (OSError, http.client.HTTPException, ValueError) as err:
                problem = f"{type(err).__name__}: {err}"
                connection.close()
                connection = http.client.HTTPConnection(host_port, timeout=30)
            elapsed = time.perf_counter() - start
            with lock:
                (
                    errors.append(problem)
                    if problem
                    else latencies.append(elapsed)
                )
        connection.close()

    threads = [
        threading.Thread(target=client, daemon=True) for _ in range(clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(
        requests, clients, time.perf_counter() - start, latencies, errors
    )


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Flags for Debian's headless Chromium (no sandbox in containers, no network
chatter)."""


def screenshot_page(
    url: str,
    photo: str | Path,
    model: str | None = None,
    chromium: str = "/usr/bin/chromium",
) -> bytes | None:
    """Open the page at ``url`` in headless Chromium, classify ``photo`` and
    return a PNG screenshot.

    Returns None (and logs why) when Playwright or the Chromium binary is
    missing. It runs in its own thread, so that Playwright's synchronous API
    also works inside a Jupyter kernel's event loop.
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
            browser = p.chromium.launch(
                executable_path=chromium, args=CHROMIUM_ARGS
            )
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
        except Exception as err:
            # a browser that fails to start is a missing picture, not a failed
            # chapter
            result["why"] = f"{type(err).__name__}: {one_line(err)}"

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    thread.join(timeout=120)
    if "png" not in result:
        log.warning(
            "no screenshot: %s", result.get("why", "the browser timed out")
        )
    return result.get("png")
