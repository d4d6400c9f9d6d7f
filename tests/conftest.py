"""Fixtures shared by the test folders (the root ``conftest.py`` holds the run's order, caches and time table).

The model web on loopback: ``url`` serves a module's ``folder`` of saved models with the waitress server of
``nnbook.serve.start_in_background`` and checks, once the module is done, that the server survived every test.
``folder`` defaults to the two tiny models of ``tiny_models.py``; a module defines its own ``folder`` fixture to
serve others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# Keras, Flask and waitress are imported by the fixtures, not here: this file loads for every test under tests/.


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A folder with ``pets`` and ``tiny_cifar`` (``tiny_models.save_both``)."""
    import tiny_models

    return tiny_models.save_both(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def app(folder):
    """The Flask app of ``nnbook.serve`` over ``folder`` (for ``app.test_client()`` or a real server)."""
    from nnbook import serve

    return serve.create_app(folder)


@pytest.fixture(scope="module")
def url(app):
    """The base URL of ``app`` served by waitress on a free loopback port."""
    import requests

    from nnbook import serve

    server = serve.start_in_background(app)
    yield server.url
    # the server must have survived every test of the module
    assert (
        requests.get(server.url + "/health", timeout=10).json()["status"]
        == "ok"
    )
    server.stop()
