"""Chapter 10 in a real kernel: the teaching app's limits, and the "API = training" check failing on a server
that prepares photos wrongly (so the chapter's assertion can fail).

The notebook runs (quick mode) up to its cell tagged ``parity``.
"""

from __future__ import annotations

import json

import pytest

from notebook_kernel import run_until

NOTEBOOK = "chapters/10_model_web/model_web.ipynb"


@pytest.fixture(scope="module")
def notebook():
    live = run_until(NOTEBOOK, "parity", timeout=600)
    yield live
    live.close()


def last_json(out: str):
    return json.loads(out.strip().splitlines()[-1])


def test_teaching_app_answers_a_photo_and_refuses_a_body_over_its_limit(
    notebook,
):
    state = last_json(
        notebook.run("""
good = client.post("/predict", data=form(cifar_photos["ship.png"]))
big = client.post("/predict", data=form(bytes(TEACHING_LIMIT + 1)))
print(json.dumps({"good": [good.status_code, len(good.get_json()["top"])],
                  "big": [big.status_code, big.get_json()]}))
""")
    )
    assert state["good"] == [200, 3]
    assert state["big"][0] == 413
    assert state["big"][1] == {
        "error": "Request Entity Too Large",
        "status": 413,
    }


def test_parity_holds_for_the_course_server(notebook):
    same, gap, count = last_json(
        notebook.run('print(json.dumps(parity("cifar10", ask)))')
    )
    assert same and gap < 1e-5 and count > 0


def test_parity_fails_on_a_server_that_forgets_to_scale(notebook):
    # The same server, but photos reach the model in 0-255 instead of 0-1: the chapter's check must catch it.
    same, gap, _ = last_json(
        notebook.run("""
_right = serve.to_model_input
serve.to_model_input = lambda src, size, color: 255.0 * _right(src, size, color)
try:
    _broken = serve.create_app(folders).test_client()

    def _post(name, photo):
        return _broken.post(f"/api/{name}", data=form(photo)).get_json()

    print(json.dumps(parity("cifar10", _post)))
finally:
    serve.to_model_input = _right
""")
    )
    assert not (same and gap < 1e-5), (same, gap)
    assert gap > 1e-3


def test_every_served_model_was_compared(notebook):
    state = last_json(
        notebook.run(
            "print(json.dumps({'served': served, 'checked': sorted(parity_gaps)}))"
        )
    )
    assert {"cifar10", "cats_vs_dogs"} <= set(state["checked"])
    assert set(state["checked"]) <= set(state["served"])
