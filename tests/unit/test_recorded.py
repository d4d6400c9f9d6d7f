import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook import recorded


def logs(n, start=0.5, end=0.9):
    return {
        "accuracy": list(np.linspace(start, end, n)),
        "val_accuracy": list(np.linspace(start, end - 0.2, n)),
        "loss": list(np.linspace(1.0, 0.2, n)),
        "val_loss": list(np.linspace(1.0, 0.5, n)),
    }


@pytest.fixture
def explorer():
    calls = []

    def retrain(model, lr, epochs):
        calls.append((model, lr, epochs))
        return logs(epochs, 0.1, 0.3)

    runs = {
        ("Dense", 1e-3): logs(10),
        ("Conv", 1e-3): logs(12),
        ("Conv", 1e-2): logs(6, 0.5, 0.5),
    }
    made = recorded.recorded_runs(
        {"model": ["Dense", "Conv"], "learning rate": [1e-3, 1e-2]},
        runs,
        retrain=retrain,
        title="grid",
    )
    made.calls = calls
    yield made
    plt.close("all")


def test_starts_on_the_first_run_with_all_its_epochs(explorer):
    assert explorer.setting == ("Dense", 1e-3)
    assert explorer.epochs.value == 10 and explorer.epochs.max == 12
    assert explorer.draws == 1 and explorer.figure is not None


def test_moving_a_control_redraws_the_chosen_run_up_to_the_chosen_epoch(
    explorer,
):
    explorer.controls["model"].value = "Conv"
    explorer.epochs.value = 4
    axis = explorer.figure.axes[0]
    solid = [
        line
        for line in axis.get_lines()
        if line.get_alpha() is None and len(line.get_xdata()) > 1
    ]
    assert [len(line.get_xdata()) for line in solid] == [
        4,
        4,
    ]  # training and validation, first 4 epochs
    assert "model Conv" in axis.get_title() and explorer.draws == 3


def test_a_setting_without_a_run_says_so(explorer):
    explorer.controls["model"].value = "Dense"
    explorer.controls["learning rate"].value = 1e-2
    assert "no recorded run" in explorer.figure.axes[0].texts[0].get_text()


def test_retrain_replaces_the_run_of_the_current_setting(explorer):
    explorer.controls["model"].value = "Conv"
    explorer.controls["learning rate"].value = 1e-2
    explorer.epochs.value = 3
    explorer.retrain()
    assert explorer.calls == [("Conv", 1e-2, 3)]
    assert explorer.runs[("Conv", 1e-2)]["accuracy"] == pytest.approx(
        [0.1, 0.2, 0.3]
    )
    assert explorer.retrains == 1


def test_without_retrain_the_button_is_disabled_and_retrain_raises():
    made = recorded.recorded_runs({"learning rate": [0.1]}, {(0.1,): logs(3)})
    assert made.button.disabled
    with pytest.raises(RuntimeError, match="without a retrain function"):
        made.retrain()
    plt.close("all")


def test_bad_runs_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="does not match the parameters"):
        recorded.recorded_runs({"learning rate": [0.1]}, {(0.5,): logs(3)})
    with pytest.raises(KeyError, match="has no \\['auc'\\]"):
        recorded.recorded_runs(
            {"learning rate": [0.1]}, {(0.1,): logs(3)}, metrics=("auc",)
        )


def test_static_html_carries_controls_runs_and_an_svg_picture(explorer):
    page = explorer.to_html()
    assert 'class="nnbook-explorer"' in page and "<svg data-picture" in page
    assert page.count("data-param=") == 2 and "data-epochs" in page
    assert (
        "<option value='1'>Conv</option>" in page
    )  # text settings become menus
    assert 'type="range"' in page and "http" not in page.replace(
        "http://www.w3.org/2000/svg", ""
    )
    data = re.search(r"const D = (\{.*?\});\n", page, re.S).group(1)
    assert '"Conv|0.01"' in data and '"Dense|0.01"' not in data
    assert len(page) < 20_000  # a few kB of JSON, not images


def test_metric_range_is_fixed_for_accuracy_and_robust_to_a_diverging_loss():
    assert recorded.metric_range("val_accuracy", []) == (0.0, 1.0)
    runs = [{"loss": [1.0, 0.5, 0.4] * 10}, {"loss": [1.0, 5e6, 1e9]}]
    low, high = recorded.metric_range("loss", runs)
    assert low == 0.0 and 1.0 <= high < 1e6


def test_bundle_has_the_live_widget_and_the_static_html(explorer):
    bundle = explorer._repr_mimebundle_()
    assert (
        "application/vnd.jupyter.widget-view+json" in bundle
        and "nnbook-explorer" in bundle["text/html"]
    )
