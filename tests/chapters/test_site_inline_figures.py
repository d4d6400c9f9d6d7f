"""Figures reach the site even when the environment asks for a non-GUI Matplotlib backend.

CI and pytest export ``MPLBACKEND=Agg`` (unit tests must not open windows); notebook kernels inherit it, and under
Agg a plotting cell shows nothing. ``nnbook.setup()`` switches each kernel to the inline backend, so an executed
chapter still holds its ``image/png`` outputs.
"""

import os

import nbformat
from nbclient import NotebookClient

SETUP = "import nnbook\nnnbook.setup(quiet=True)"
PLOT = "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.title('a line')"


def execute(cells: list[str], env_backend: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(code) for code in cells]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    saved = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = env_backend
    try:
        NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    finally:
        if saved is None:
            os.environ.pop("MPLBACKEND")
        else:
            os.environ["MPLBACKEND"] = saved
    return notebook


def pngs(cell) -> int:
    return sum(
        "image/png" in output.get("data", {}) for output in cell.outputs
    )


def test_a_kernel_started_with_agg_still_shows_figures_after_setup():
    notebook = execute([SETUP, PLOT], "Agg")
    assert pngs(notebook.cells[1]) == 1, (
        "the plotting cell drew nothing: is nnbook.setup() switching to inline?"
    )


def test_without_setup_agg_shows_nothing_so_the_test_above_can_fail():
    notebook = execute([PLOT], "Agg")
    assert pngs(notebook.cells[0]) == 0


def test_after_setup_a_wide_figure_is_fitted_to_the_column_and_carries_its_alt_text():
    import base64
    import io

    from PIL import Image

    from nnbook import plots

    wide = (
        "import matplotlib.pyplot as plt\nfigure, ax = plt.subplots(figsize=(14, 3))\nax.plot([0, 1])\n"
        "ax.set(title='A wide one', xlabel='epoch', ylabel='loss')"
    )
    notebook = execute([SETUP, wide], "Agg")
    (png,) = [
        output["data"]["image/png"]
        for output in notebook.cells[1].outputs
        if "image/png" in output.get("data", {})
    ]
    image = Image.open(io.BytesIO(base64.b64decode(png)))
    assert image.width <= plots.MAX_PNG_PX
    assert (
        image.info[plots.PNG_DESCRIPTION] == "A wide one (x: epoch, y: loss)"
    )
