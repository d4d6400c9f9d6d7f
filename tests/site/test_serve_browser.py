"""The model web's page in a real headless browser: Debian's Chromium driven by Playwright for Python.

Upload a photo → the top classes appear as bars with the photo as the model sees it; upload a text file → the
server's one-line message is shown. The server is ``tests/conftest.py``'s ``url`` (the two tiny models of
``tests/tiny_models.py``); the browser is the session's (``sitecheck.browser``), which skips, with the reason, only
where Chromium or Playwright is missing (and fails in CI).
"""

from __future__ import annotations

import base64

import pytest
from sitecheck import expect
from tiny_models import PHOTO, RGB_CLASSES


@pytest.fixture(scope="module")
def page(browser, url):
    context = browser.new_context()
    page = context.new_page()
    messages: list[str] = []
    page.on(
        "pageerror", lambda err: messages.append(str(err))
    )  # an uncaught JavaScript error
    page.goto(url + "/")
    page.wait_for_selector("#model option", state="attached")
    yield page
    context.close()
    assert messages == [], f"the page logged errors: {messages}"


def test_models_are_offered(page):
    assert page.eval_on_selector_all(
        "#model option", "options => options.map(o => o.value)"
    ) == ["pets", "tiny_cifar"]


def test_upload_a_photo_shows_top3_and_the_model_view(page):
    page.select_option("#model", "tiny_cifar")
    page.set_input_files("#file", str(PHOTO))
    page.wait_for_selector("#bars .bar")
    labels = page.eval_on_selector_all(
        "#bars .bar .label", "spans => spans.map(s => s.textContent)"
    )
    assert len(labels) == 3 and set(labels) <= set(RGB_CLASSES)
    assert page.get_attribute("#preview", "src").startswith(
        "data:image/png;base64,"
    )
    assert page.is_visible("#views") and page.text_content("#error") == ""
    assert page.eval_on_selector("#preview", "img => img.naturalWidth") == 32


def test_binary_model_shows_both_classes(page):
    page.select_option(
        "#model", "pets"
    )  # re-classifies the chosen photo with the other model
    expect(page.locator("#bars .bar")).to_have_count(2)
    labels = page.eval_on_selector_all(
        "#bars .bar .label", "spans => spans.map(s => s.textContent)"
    )
    assert sorted(labels) == ["cat", "dog"]


def test_upload_a_text_file_shows_the_error(page, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a photo\n")
    page.set_input_files("#file", str(text))
    expect(page.locator("#error")).to_contain_text("not an image")
    assert page.is_hidden("#views")


def test_photo_after_an_error_works_again(page):
    page.set_input_files("#file", str(PHOTO))
    page.wait_for_selector("#views", state="visible")
    assert page.text_content("#error") == ""


def test_drop_a_photo_on_the_drop_zone(page):
    page.select_option("#model", "tiny_cifar")
    page.set_input_files(
        "#file", []
    )  # forget the chosen file, so only the drop can bring the answer
    page.evaluate("() => document.getElementById('bars').replaceChildren()")
    transfer = page.evaluate_handle(
        """(b64) => {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "dropped.jpg", { type: "image/jpeg" }));
            return transfer;
        }""",
        base64.b64encode(PHOTO.read_bytes()).decode(),
    )
    page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
    expect(page.locator("#bars .bar")).to_have_count(3)
