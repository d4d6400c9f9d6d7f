"""Run-time settings shared by every chapter: the quick/full mode, seeding,
folders and the banner.

The mode comes from the environment variable ``NNBOOK_MODE``:

* ``quick`` – small real subsets and few epochs, so a chapter runs in about a
  minute on a laptop CPU;
* ``full``  – the paper's experiments at full size (meant for a GPU);
* ``auto``  – the default: ``full`` when TensorFlow sees a GPU, else ``quick``.
"""

from __future__ import annotations

import logging
import os
import platform
import random
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, TypeVar

import numpy as np

MODES = ("quick", "full", "auto")
"""The values ``NNBOOK_MODE`` accepts."""

DEFAULT_SEED = 42
"""The seed :func:`setup` uses unless told otherwise."""

T = TypeVar("T")


def requested_mode() -> str:
    """Return ``NNBOOK_MODE`` as set (lower-cased), ``"auto"`` when unset.

    Raises:
        ValueError: if the variable holds anything other than ``quick``,
            ``full`` or ``auto``.
    """
    raw = os.environ.get("NNBOOK_MODE", "auto").strip().lower() or "auto"
    if raw not in MODES:
        raise ValueError(
            f"NNBOOK_MODE={os.environ.get('NNBOOK_MODE')!r} is not a valid "
            f"mode; use one of {', '.join(MODES)} (e.g. `export "
            "NNBOOK_MODE=quick`)."
        )
    return raw


def gpu_available() -> bool:
    """Return True when TensorFlow can see at least one GPU."""
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def mode() -> str:
    """Return the effective mode, ``"quick"`` or ``"full"`` (``auto`` resolved
    by GPU presence)."""
    requested = requested_mode()
    if requested != "auto":
        return requested
    return "full" if gpu_available() else "quick"


def is_quick() -> bool:
    """Return True in quick mode."""
    return mode() == "quick"


def pick(quick: T, full: T) -> T:
    """Return ``quick`` in quick mode and ``full`` in full mode.

    Use it for every size that depends on the mode, so a reader sees both
    numbers in one line: ``EPOCHS = nnbook.pick(quick=3, full=100)``.
    """
    return quick if is_quick() else full


def seed(value: int = DEFAULT_SEED) -> int:
    """Seed Python's ``random``, NumPy, and TensorFlow/Keras for reproducible
    runs; return the seed."""
    import keras

    random.seed(value)
    np.random.seed(value)
    # also seeds TensorFlow's global generator
    keras.utils.set_random_seed(value)
    return value


def data_dir() -> Path | None:
    """Return the folder named by ``NNBOOK_DATA_DIR`` (resolved), or None when
    it is unset."""
    raw = os.environ.get("NNBOOK_DATA_DIR", "").strip()
    return Path(raw).expanduser().resolve() if raw else None


def cache_dir() -> Path:
    """Return the download cache folder: ``NNBOOK_CACHE_DIR`` or
    ``~/.cache/nnbook``."""
    raw = os.environ.get("NNBOOK_CACHE_DIR", "").strip()
    return (
        Path(raw).expanduser().resolve()
        if raw
        else Path.home() / ".cache" / "nnbook"
    )


class _DropRetracingWarnings(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning, and only
    that one."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


_RETRACING_FILTER = _DropRetracingWarnings()


def quiet_retracing_warnings() -> None:
    """Hide TensorFlow's retracing warnings (idempotent).

    Chapters build many small fresh models on purpose (sliders, comparisons);
    each traces its own graphs, and TensorFlow warns about that after a few.
    The warning is noise for a learner; every other warning still shows.
    """
    import tensorflow as tf

    # adding the same filter twice is a no-op
    tf.get_logger().addFilter(_RETRACING_FILTER)


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send what native (C++) code writes to the process's stderr to /dev/null
    while the block runs.

    TensorFlow's first import prints absl/oneDNN start-up lines straight to
    file descriptor 2, which Jupyter shows as a red block under the banner;
    ``TF_CPP_MIN_LOG_LEVEL`` no longer hides all of them. Python exceptions are
    unaffected: they still propagate to the cell.
    """
    try:
        saved = os.dup(2)
    # no real stderr (some embedded interpreters): nothing to silence
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    sys.stderr.flush()
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def use_inline_figures() -> bool:
    """In a Jupyter kernel, switch Matplotlib to the inline backend so figures
    appear under their cells, each fitted to the page column and carrying a
    text alternative (:func:`nnbook.plots.column_png`).

    A kernel inherits ``MPLBACKEND`` from whatever started it (CI and test
    runners often set ``Agg``), and with a non-GUI backend every plotting cell
    shows nothing: no figure in Jupyter, in Colab or on the built website.

    Returns:
        True when running in a kernel (the backend is now inline), False
        elsewhere (nothing changed).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return False
    shell = get_ipython()
    # plain Python or terminal IPython: leave the backend
    if shell is None or not hasattr(shell, "kernel"):
        return False
    shell.run_line_magic("matplotlib", "inline")
    from nnbook.plots import show_figures_for_the_column

    # figure defaults: sized for the page column, with a text alternative
    show_figures_for_the_column(shell)
    return True


def in_colab() -> bool:
    """Return True when running inside Google Colab."""
    return "google.colab" in sys.modules


FULL_MODE_COST = """\
full mode reproduces the paper: whole datasets (the photo chapters download
up to ~800 MB once) and up to 100 epochs per model: minutes to hours on a GPU.
For a quick look instead: %env NNBOOK_MODE=quick, then run this cell again."""
"""Printed under the banner in full mode (``auto`` picks it on any GPU, a Colab
GPU runtime too)."""


@dataclass(frozen=True)
class Settings:
    """What :func:`setup` decided; printed as the chapter's banner."""

    mode: str
    requested_mode: str
    device: str
    seed: int
    python: str
    tensorflow: str
    keras: str
    nnbook: str
    data: str

    def _ipython_display_(self) -> None:
        """Show nothing when ``nnbook.setup()`` ends a cell: :func:`setup`
        already printed the banner."""

    def banner(self) -> str:
        """Return the one-line-per-topic banner text."""
        how = (
            "set by NNBOOK_MODE"
            if self.requested_mode != "auto"
            else "auto: "
            + ("GPU found" if self.device.startswith("GPU") else "no GPU")
        )
        lines = [
            (
                f"nnbook {self.nnbook} | mode: {self.mode} ({how}) | device: "
                f"{self.device}"
            ),
            (
                f"seed {self.seed} | Python {self.python} | TensorFlow "
                f"{self.tensorflow} | Keras {self.keras}"
            ),
            f"data: {self.data}",
        ]
        if self.mode == "full":
            lines += FULL_MODE_COST.splitlines()
        return "\n".join(lines)


def _data_source() -> str:
    """The kind of data source, never a local path (a banner is read on a
    website, not only on this machine)."""
    folder = data_dir()
    if folder is not None:
        state = (
            "" if folder.is_dir() else " (WARNING: that folder does not exist)"
        )
        return f"offline folder set by NNBOOK_DATA_DIR{state}"
    return (
        "download from the canonical sources (hash-checked), then the local "
        "cache"
    )


def setup(seed_value: int = DEFAULT_SEED, *, quiet: bool = False) -> Settings:
    """Prepare a chapter: validate the mode, seed everything, and print one
    banner.

    Also makes figures appear under their cells in any kernel
    (:func:`use_inline_figures`) and enables Colab's widget manager so
    ipywidgets 8 sliders render there.

    Returns:
        The :class:`Settings` in force (mode, device, versions, data source).
    """
    from nnbook import __version__

    # raises on an invalid value before anything is imported
    requested = requested_mode()
    with native_stderr_silenced():
        import keras
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
    effective = mode()
    device = f"GPU x{len(gpus)}" if gpus else "CPU"
    seed(seed_value)
    quiet_retracing_warnings()
    use_inline_figures()
    if in_colab():  # pragma: no cover - only in Colab
        from google.colab import output  # type: ignore[import-not-found]

        output.enable_custom_widget_manager()
    settings = Settings(
        mode=effective,
        requested_mode=requested,
        device=device,
        seed=seed_value,
        python=platform.python_version(),
        tensorflow=tf.__version__,
        keras=keras.__version__,
        nnbook=__version__,
        data=_data_source(),
    )
    if not quiet:
        print(settings.banner())
    return settings
