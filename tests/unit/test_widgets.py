import json
import re

import ipywidgets
import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook import plots, widgets

X = np.array(
    [123, 324, -22, 23.4, 5, -76, -45, 5.7, -8.98, 100, -180], dtype="float32"
)
Y = X / 3.6


def build(learning_rate):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse")
    return model


def draw(model, history, x, y):
    return plots.regression_line(x, y, model)


@pytest.fixture
def sliders():
    made = widgets.training_sliders(
        build,
        (X, Y),
        draw,
        learning_rate=0.01,
        epochs=50,
        max_epochs=500,
        static_learning_rates=(0.01, 0.1),
        static_epochs=(5, 20),
    )
    yield made
    plt.close("all")


def line_data(figure):
    return figure.axes[0].get_lines()[0].get_ydata().copy()


def test_trains_and_draws_once_when_created(sliders):
    assert sliders.runs == 1
    assert len(sliders.history.history["loss"]) == 50
    assert sliders.figure is not None


def test_moving_the_learning_rate_retrains_and_redraws(sliders):
    old_figure, old_line = sliders.figure, line_data(sliders.figure)
    sliders.learning_rate.value = 0.1
    assert sliders.runs == 2
    assert float(sliders.model.optimizer.learning_rate) == pytest.approx(0.1)
    assert sliders.figure is not old_figure
    assert not np.allclose(line_data(sliders.figure), old_line)


def test_moving_epochs_retrains_with_that_many_epochs(sliders):
    sliders.epochs.value = 200
    assert sliders.runs == 2
    assert len(sliders.history.history["loss"]) == 200


def test_same_settings_give_the_same_model(sliders):
    first = sliders.model.get_weights()[0].copy()
    sliders.retrain()
    np.testing.assert_allclose(sliders.model.get_weights()[0], first)


def test_dataset_menu_appears_for_several_datasets():
    made = widgets.training_sliders(
        build,
        {"a": (X, Y), "b": (X, 2 * Y)},
        draw,
        epochs=5,
        static_learning_rates=(0.1,),
        static_epochs=(2,),
    )
    assert made.dataset in made.box.children[0].children
    made.dataset.value = "b"
    assert made.runs == 2
    html = made._repr_mimebundle_()["text/html"]
    assert (
        html.count("data:image/png;base64,") == 2 + 1
    )  # one frame per dataset, plus the first shown
    plt.close("all")


def test_bundle_has_live_widget_and_kernel_free_explorer(sliders):
    bundle = sliders._repr_mimebundle_()
    assert bundle[widgets.WIDGET_MIME]["model_id"] == sliders.box.model_id
    html = bundle["text/html"]
    frames = json.loads(re.search(r"const D = (\{.*?\});\n", html).group(1))[
        "frames"
    ]
    assert sorted(frames) == ["0.01|20", "0.01|5", "0.1|20", "0.1|5"]
    assert "<script>" in html and 'type="range"' in html
    assert "run the notebook" in html


def test_static_frames_equal_live_training_at_the_same_settings(sliders):
    explorer = sliders.static_explorer()
    sliders.learning_rate.value, sliders.epochs.value = 0.1, 20
    live = widgets.figure_to_data_uri(sliders.figure)
    assert explorer.frames[(0.1, 20)] == live


def test_frame_explorer_rejects_missing_frames():
    with pytest.raises(ValueError, match="one image per combination"):
        widgets.FrameExplorer({"lr": [1, 2]}, {(1,): "data:"})


def test_static_explorer_starts_where_the_live_sliders_start(sliders):
    sliders.learning_rate.value, sliders.epochs.value = 0.1, 20
    explorer = sliders.static_explorer()
    html = explorer.to_html()
    assert explorer.start == [1, 1]
    alt = f"{sliders.title}: learning rate 0.1, epochs 20"
    assert (
        f'<img data-picture alt="{alt}" style="max-width:100%" src="{explorer.frames[(0.1, 20)]}">'
        in html
    )


def test_frame_explorer_initial_selects_the_first_frame():
    explorer = widgets.FrameExplorer(
        {"lr": [1, 2, 3], "set": ["a", "b"]},
        {(v, s): f"data:{v}{s}" for v in (1, 2, 3) for s in "ab"},
        initial=(1, "b"),
    )
    html = explorer.to_html()
    assert (
        'src="data:1b"' in html
        and 'value="0"' in html
        and "value='1' selected" in html
    )


def test_uploaded_files_reads_ipywidgets_8_and_7_values():
    version_8 = (
        {
            "name": "a.png",
            "type": "image/png",
            "size": 3,
            "content": memoryview(b"abc"),
        },
    )
    version_7 = {"a.png": {"metadata": {"name": "a.png"}, "content": b"abc"}}
    assert widgets.uploaded_files(version_8) == [("a.png", b"abc")]
    assert widgets.uploaded_files(version_7) == [("a.png", b"abc")]
    assert widgets.uploaded_files(()) == []


def test_frames_are_sharp_palette_pngs_a_fraction_of_a_full_colour_png():
    import base64
    import io

    from PIL import Image

    figure, axes = plt.subplots(figsize=(6.4, 3.2))
    axes.plot(
        np.linspace(0, 1, 200),
        np.sin(np.linspace(0, 12, 200)),
        label="a curve",
    )
    axes.set(title="A titled figure", xlabel="x (units)", ylabel="y")
    axes.legend()
    uri = widgets.figure_to_data_uri(figure)
    full = io.BytesIO()
    figure.savefig(
        full,
        format="png",
        dpi=widgets.STATIC_DPI,
        bbox_inches="tight",
        facecolor="white",
    )
    plt.close(figure)
    frame = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert uri.startswith("data:image/png;base64,") and frame.mode == "P"
    assert (
        frame.size == Image.open(full).size
    )  # same pixels (no downscaling): as sharp as the full-colour PNG
    assert len(base64.b64decode(uri.split(",", 1)[1])) < 0.6 * len(
        full.getvalue()
    )


def test_frame_explorer_caption_says_retrain_only_when_told():
    frames = {(v,): f"data:{v}" for v in (1, 2)}
    trained = widgets.FrameExplorer(
        {"lr": [1, 2]}, frames, title="Runs"
    ).to_html()
    drawn = widgets.FrameExplorer(
        {"window": [1, 2]},
        frames,
        title="Pooling",
        note="drawn when the book was built",
    ).to_html()
    assert (
        "retrain live" not in trained
    )  # a bare FrameExplorer's controls only flip pictures: nothing trains
    assert (
        "retrain live"
        in widgets.FrameExplorer(
            {"lr": [1, 2]}, frames, title="Runs", note=widgets.TRAINED_NOTE
        ).to_html()
    )
    assert (
        "Pooling — drawn when the book was built" in drawn
        and "retrain" not in drawn
    )


class SwallowingOutput(ipywidgets.Output):
    """Behaves like ``Output`` in a live kernel, where ``__exit__`` shows an exception and suppresses it."""

    def __exit__(self, *exc_info):
        super().__exit__(*exc_info)
        return True


def test_redraw_lets_errors_of_the_drawing_reach_the_caller():
    def fails():
        raise ValueError("not a picture")

    with pytest.raises(ValueError, match="not a picture"):
        widgets.redraw(SwallowingOutput(), None, fails)


def test_training_sliders_say_that_they_retrain(sliders):
    assert "retrain live" in sliders.static_explorer().to_html()


def test_a_slider_announces_its_value_not_its_position():
    frames = {(v,): f"data:{v}" for v in (0.001, 0.01, 0.1)}
    page = widgets.FrameExplorer(
        {"learning rate": [0.001, 0.01, 0.1]}, frames, initial=(0.01,)
    ).to_html()
    assert (
        'value="1"' in page
        and 'aria-valuetext="0.01"' in page
        and "<output>0.01</output>" in page
    )
    assert (
        'setAttribute("aria-valuetext"' in page
    )  # kept up to date as the slider moves


def test_one_builder_writes_every_explorer():
    control = widgets.Control(
        "epochs", ["1", "2", "3"], 2, "data-epochs", first=1
    )
    page = widgets.explorer_html(
        "A title",
        "a note",
        [control],
        "<svg data-picture></svg>",
        "/* wiring */",
    )
    assert 'class="nnbook-explorer"' in page and "A title — a note" in page
    assert (
        'min="1" max="3" value="3"' in page
        and 'aria-valuetext="3"' in page
        and "/* wiring */" in page
    )
    assert widgets.script_json({"x": "</script>"}) == '{"x": "<\\/script>"}'
