"""plots.histories_grid: several runs side by side on common axes."""

import matplotlib.pyplot as plt
import pytest

from nnbook import plots


def test_histories_grid_shares_axes_per_metric():
    runs = {
        "a": {
            "accuracy": [0.5, 0.6],
            "val_accuracy": [0.5, 0.55],
            "loss": [0.7, 0.6],
            "val_loss": [0.7, 0.8],
        },
        "b": {
            "accuracy": [0.5, 0.7, 0.9],
            "val_accuracy": [0.5, 0.6, 0.6],
            "loss": [0.7, 0.5, 0.3],
            "val_loss": [0.7, 0.7, 0.9],
        },
    }
    drawn = plots.histories_grid(runs, ["accuracy", "loss"], title="t")
    assert drawn.axes.shape == (2, 2)
    assert drawn.axes[0, 0].get_ylim() == drawn.axes[0, 1].get_ylim() == (0, 1)
    assert drawn.axes[1, 0].get_ylim() == drawn.axes[1, 1].get_ylim()
    assert (
        drawn.axes[0, 0].get_xlim()
        == drawn.axes[0, 1].get_xlim()
        == (0.5, 3.5)
    )
    assert [ax.get_title() for ax in drawn.axes[0]] == ["a", "b"]
    assert len(drawn.axes[0, 1].lines) == 2
    plt.close(drawn.figure)
    with pytest.raises(KeyError, match="has no"):
        plots.histories_grid({"a": {"loss": [1.0]}}, ["accuracy"])
