"""nnbook: the plumbing behind the course *Neural Networks and Applications*.

The lesson (models, ``compile``/``fit``, the maths) lives in the chapter
notebooks; this package holds what a learner should not have to read: the
quick/full mode switch, data loading, the fast training path, plots, widgets
and exercise checks.

Typical first cell of a chapter::

    import nnbook
    nnbook.setup()
    EPOCHS = nnbook.pick(quick=3, full=100)
"""

from __future__ import annotations

__version__ = "0.1.0"

from nnbook.config import (
    cache_dir,
    data_dir,
    is_quick,
    mode,
    pick,
    seed,
    setup,
)
from nnbook.glue import glue

__all__ = [
    "__version__",
    "cache_dir",
    "data_dir",
    "glue",
    "is_quick",
    "mode",
    "pick",
    "seed",
    "setup",
]
