import io

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from nnbook import images, upload


def png(size=(40, 30), color=(200, 10, 10)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def noisy_jpeg():
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 60).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def show(photo, name):
    x = images.to_model_input(photo, 16, "rgb")
    figure, ax = plt.subplots()
    ax.imshow(x[0])
    ax.set_title(f"{name}: mean red {x[0, ..., 0].mean():.2f}")
    return figure


@pytest.fixture
def control():
    made = upload.photo_upload(show, examples=[("red.png", png())])
    yield made
    plt.close("all")


def test_a_real_photo_is_shown(control):
    assert control.handle("mine.png", png()) is None
    assert (
        control.shown == ["mine.png"]
        and "mean red 0.78" in control.figure.axes[0].get_title()
    )


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"", "is empty"),
        (b"just some text", "not an image file"),
        (noisy_jpeg()[:1500], "truncated or corrupt"),
    ],
    ids=["empty", "text", "truncated"],
)
def test_bad_files_give_one_line_and_the_control_keeps_working(
    control, content, expected
):
    message = control.handle("bad.png", content)
    assert expected in message and "\n" not in message and "0x" not in message
    assert control.messages == [message] and control.shown == []
    assert (
        plt.get_fignums() == []
    )  # a failed display leaves no half-drawn figure
    assert control.handle("good.png", png()) is None


def test_enormous_files_are_refused_by_bytes_and_by_pixels(
    control, monkeypatch
):
    monkeypatch.setattr(upload, "MAX_UPLOAD_BYTES", 100)
    assert "MB limit" in control.handle("big.png", b"x" * 101)
    monkeypatch.undo()
    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(
        bomb, "PNG"
    )  # 400 megapixels in a small file
    assert "megapixel limit" in control.handle("bomb.png", bomb.getvalue())


def test_uploads_in_the_widget_go_through_handle(control):
    control._on_upload(
        {"new": ({"name": "w8.png", "content": memoryview(png())},)}
    )  # ipywidgets 8
    control._on_upload(
        {"new": {"w7.png": {"content": png()}}}
    )  # ipywidgets 7 (Colab)
    assert control.shown == ["w8.png", "w7.png"]


def test_the_website_version_shows_the_examples(control):
    page = control.to_html()
    assert (
        'class="nnbook-upload"' in page
        and page.count("<img data-example") == 1
    )
    assert "data:image/png;base64," in page and "Colab or Jupyter" in page
    bundle = control._repr_mimebundle_()
    assert bundle["text/html"].startswith('<div class="nnbook-upload"')


def test_the_website_version_no_longer_says_a_website_cannot_run_it(control):
    page = control.to_html()
    assert "cannot run" not in page and "nnbook-web" not in page


def test_a_web_model_makes_the_website_version_live():
    control = upload.photo_upload(
        show, [("red.png", png())], web_model="cats_vs_dogs"
    )
    page = control.to_html()
    assert (
        'class="nnbook-upload nnbook-web-upload" data-nnbook-web-model="cats_vs_dogs"'
        in page
    )
    assert (
        '<button type="button" class="nnbook-web-try" hidden>Try it here</button>'
        in page
    )
    assert (
        '<div class="nnbook-web-live"></div>' in page
        and page.count("<img data-example") == 1
    )
    assert "never leaves your device" in page and "cannot run" not in page


def test_a_web_model_name_is_checked():
    with pytest.raises(ValueError, match="not valid"):
        upload.photo_upload(show, [], web_model="../x")
