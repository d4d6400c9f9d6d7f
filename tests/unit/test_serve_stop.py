"""``BackgroundServer.stop()`` ends the server cleanly, as chapter 10 does after its load test.

Closing waitress' sockets from the caller's thread while its event loop waits on them in ``select()`` made the
loop thread die with "Bad file descriptor", a traceback printed into the chapter's page. The loop must instead
close them itself: every stop ends the thread with no exception, the port is free again, and no "Task queue
depth" warning is logged while the server is quiet.
"""

from __future__ import annotations

import logging
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Flask

from nnbook import serve

ROUNDS = 30


def slow_app() -> Flask:
    app = Flask(__name__)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    return app


def test_stop_ends_the_loop_thread_without_an_exception(caplog):
    failures: list[BaseException] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    caplog.set_level(logging.WARNING, logger="waitress")
    try:
        for _ in range(ROUNDS):
            server = serve.start_in_background(slow_app())
            # more clients than waitress' threads: tasks queue up
            with ThreadPoolExecutor(16) as pool:
                answers = list(
                    pool.map(
                        lambda _: (
                            requests.get(
                                server.url + "/health", timeout=10
                            ).status_code
                        ),
                        range(32),
                    )
                )
            assert answers == [200] * 32
            server.stop()
            assert not server.thread.is_alive()
            with socket.socket() as probe:  # the port is free again
                probe.bind(("127.0.0.1", server.port))
    finally:
        threading.excepthook = previous
    assert failures == []
    assert not [r for r in caplog.records if "queue depth" in r.getMessage()]
