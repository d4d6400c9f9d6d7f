"""Chapter 8's exercise checks: a right answer passes, the usual wrong ones fail with a hint, ``...`` never raises."""

from __future__ import annotations

import keras
import numpy as np

from nnbook.checks import cifar as check


def test_conv_bn_counts_agree_with_keras():
    block = keras.Sequential(
        [
            keras.Input((32, 32, check.BLOCK_IN)),
            keras.layers.Conv2D(
                check.BLOCK_FILTERS, check.BLOCK_KERNEL, padding="same"
            ),
            keras.layers.BatchNormalization(),
        ]
    )
    fixed = sum(int(np.prod(w.shape)) for w in block.non_trainable_weights)
    assert (
        check.conv_bn_counts()
        == (block.count_params(), fixed)
        == (18_752, 128)
    )


def test_conv_bn_params(capsys):
    assert check.conv_bn_params(18_752, 128)
    assert not check.conv_bn_params(18_496, 128)
    assert "only the convolution" in capsys.readouterr().out
    assert not check.conv_bn_params(18_752, 256)
    assert not check.conv_bn_params(..., 128)
    assert "still empty" in capsys.readouterr().out


def test_restored_epoch(capsys):
    losses = [1.2, 0.9, 0.8, 0.85, 0.95, 0.99]
    assert check.best_epoch(losses) == 3
    assert check.restored_epoch(3, losses)
    assert not check.restored_epoch(2, losses)
    assert "off by one" in capsys.readouterr().out
    assert not check.restored_epoch(6, losses)
    assert "last epoch" in capsys.readouterr().out
    assert not check.restored_epoch(..., losses)


def test_auc_meaning(capsys):
    assert check.auc_meaning("b") and check.auc_meaning(" B ")
    assert (
        "micro-average" in capsys.readouterr().out
    )  # Keras pools the classes, it does not average them
    assert not check.auc_meaning("a")
    assert not check.auc_meaning(...)


def test_top_k_accuracy(capsys):
    def right(p, y, k):
        best = np.argsort(-p, axis=1)[:, :k]
        return np.mean([label in row for label, row in zip(y, best)])

    def top1_only(p, y, k):
        return np.mean(p.argmax(axis=1) == y)

    def unfinished(p, y, k): ...

    assert (
        check.reference_top_k_accuracy(
            check.TOP_K_PROBS, check.TOP_K_LABELS, 1
        )
        == 0.2
    )
    assert (
        check.reference_top_k_accuracy(
            check.TOP_K_PROBS, check.TOP_K_LABELS, 2
        )
        == 0.6
    )
    assert (
        check.reference_top_k_accuracy(
            check.TOP_K_PROBS, check.TOP_K_LABELS, 3
        )
        == 1.0
    )
    assert check.top_k_accuracy(right)
    assert not check.top_k_accuracy(top1_only)
    assert not check.top_k_accuracy(unfinished)
    assert "returns None" in capsys.readouterr().out
    assert not check.top_k_accuracy(...)
