import random

import numpy as np
import pytest

import nnbook
from nnbook import config


@pytest.mark.parametrize(
    "value, expected",
    [("quick", "quick"), ("full", "full"), (" QUICK ", "quick"), ("", "auto")],
)
def test_requested_mode_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("NNBOOK_MODE", value)
    assert config.requested_mode() == expected


def test_invalid_mode_names_the_allowed_values(monkeypatch):
    monkeypatch.setenv("NNBOOK_MODE", "fast")
    with pytest.raises(
        ValueError,
        match=r"NNBOOK_MODE='fast' is not a valid mode; use one of quick, full, auto",
    ):
        config.mode()


def test_auto_resolves_by_gpu_presence(monkeypatch):
    monkeypatch.setenv("NNBOOK_MODE", "auto")
    monkeypatch.setattr(config, "gpu_available", lambda: True)
    assert config.mode() == "full"
    monkeypatch.setattr(config, "gpu_available", lambda: False)
    assert config.mode() == "quick"


def test_pick_follows_the_mode(monkeypatch):
    monkeypatch.setenv("NNBOOK_MODE", "quick")
    assert nnbook.pick(quick=3, full=100) == 3
    monkeypatch.setenv("NNBOOK_MODE", "full")
    assert nnbook.pick(quick=3, full=100) == 100


def test_seed_makes_python_numpy_and_tensorflow_repeatable():
    import tensorflow as tf

    def draw():
        return random.random(), np.random.rand(), float(tf.random.uniform(()))

    nnbook.seed(7)
    first = draw()
    nnbook.seed(7)
    assert draw() == first
    nnbook.seed(8)
    assert draw() != first


def test_folders_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NNBOOK_CACHE_DIR", str(tmp_path / "cache"))
    assert config.data_dir() == tmp_path.resolve()
    assert config.cache_dir() == (tmp_path / "cache").resolve()
    monkeypatch.delenv("NNBOOK_DATA_DIR")
    monkeypatch.delenv("NNBOOK_CACHE_DIR")
    assert config.data_dir() is None
    assert config.cache_dir().parts[-2:] == (".cache", "nnbook")


def test_setup_prints_one_banner_with_mode_device_versions_and_data(
    monkeypatch, tmp_path, capsys
):
    import keras
    import tensorflow as tf

    monkeypatch.setenv("NNBOOK_MODE", "quick")
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(tmp_path))
    settings = nnbook.setup(123)
    banner = capsys.readouterr().out
    assert settings.mode == "quick" and settings.seed == 123
    assert "mode: quick (set by NNBOOK_MODE)" in banner
    assert (
        f"TensorFlow {tf.__version__}" in banner
        and f"Keras {keras.__version__}" in banner
    )
    assert f"nnbook {nnbook.__version__}" in banner
    assert "data: offline folder set by NNBOOK_DATA_DIR" in banner
    assert (
        str(tmp_path) not in banner
    )  # the page shows the kind of source, never this machine's path
    assert "device: CPU" in banner or "device: GPU" in banner


def test_setup_warns_about_a_missing_data_folder(
    monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("NNBOOK_DATA_DIR", str(tmp_path / "nope"))
    nnbook.setup()
    assert "WARNING: that folder does not exist" in capsys.readouterr().out


def test_setup_rejects_an_invalid_mode(monkeypatch):
    monkeypatch.setenv("NNBOOK_MODE", "turbo")
    with pytest.raises(ValueError, match="quick, full, auto"):
        nnbook.setup()


def test_settings_display_nothing_more_than_the_banner():
    settings = nnbook.setup(quiet=True)
    assert settings._ipython_display_() is None


def test_setup_hides_retracing_warnings_but_keeps_others(caplog):
    import logging

    import tensorflow as tf

    nnbook.setup(quiet=True)
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        tf.get_logger().warning(
            "5 out of the last 5 calls to <f> triggered tf.function retracing."
        )
        tf.get_logger().warning("something a learner should see")
    assert (
        "retracing" not in caplog.text
        and "something a learner should see" in caplog.text
    )


def test_native_stderr_is_silenced_only_inside_the_block(capfd):
    import os

    with config.native_stderr_silenced():
        os.write(2, b"native noise\n")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_inline_figures_only_in_a_kernel():
    # Outside a Jupyter kernel (here: pytest) the backend is left alone;
    # tests/chapters/test_notebooks.py checks the kernel side.
    assert config.use_inline_figures() is False


def test_full_mode_banner_says_what_it_will_cost_and_how_to_choose_quick():
    settings = config.Settings(
        mode="full",
        requested_mode="auto",
        device="GPU x1",
        seed=42,
        python="3.11",
        tensorflow="2.19",
        keras="3.10",
        nnbook="0.1.0",
        data="download",
    )
    banner = settings.banner()
    assert (
        "auto: GPU found" in banner
        and "~800 MB" in banner
        and "NNBOOK_MODE=quick" in banner
    )
    assert all(len(line) <= 79 for line in config.FULL_MODE_COST.splitlines())
    quick = config.Settings(
        **{**settings.__dict__, "mode": "quick", "device": "CPU"}
    ).banner()
    assert "800 MB" not in quick and len(quick.splitlines()) == 3
