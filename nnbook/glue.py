"""Paste a value computed in a notebook into its prose: myst-nb's ``glue``,
without needing myst-nb.

A chapter never types a figure of its own runs into a markdown cell. It glues
the value in a code cell::

    nnbook.glue("conv_accuracy", accuracy)

and the markdown cell pastes it, formatted:
``{glue:text}`conv_accuracy:.1%``` (another page of the book can paste it too:
``{glue:text}`../06_cats_vs_dogs/cats_vs_dogs.ipynb::conv_accuracy:.1%```).
The output written here is exactly what ``myst_nb.glue`` writes, so the book
build reads it; in Colab, where myst-nb is not installed, the cell still runs
and the notebook simply carries the value.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

GLUE_PREFIX = "application/papermill.record/"
"""The MIME prefix myst-nb uses for glued values that are not shown where they
are glued."""


def plain(value: Any) -> Any:
    """Return ``value`` with NumPy scalars turned into Python ``int``/``float``
    (their repr must parse as a number)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return value


def glue(name: str, value: Any, display: bool = False) -> Any:
    """Record ``value`` under ``name`` in the cell's output for the book's
    ``{glue}`` roles; return it.

    Numbers are stored as plain Python numbers, so
    ``{glue:text}`name:.1%``` can format them. With ``display=True`` the value
    is also shown under the cell.
    """
    import IPython.core.formatters
    from IPython.display import display as ipy_display

    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"glue name {name!r} is not valid: use letters, digits and "
            "underscores, e.g. 'accuracy'."
        )
    value = plain(value)
    bundle, metadata = IPython.core.formatters.format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display(
        {prefix + kind: data for kind, data in bundle.items()},
        raw=True,
        metadata=metadata,
    )
    return value
