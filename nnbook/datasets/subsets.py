"""Seeded, class-balanced subsets."""

from __future__ import annotations

import numpy as np

from nnbook.config import DEFAULT_SEED


def balanced_indices(labels: np.ndarray, n: int | None,
                     seed: int = DEFAULT_SEED) -> np.ndarray:  # fmt: skip
    """Return sorted indices of a seeded, class-balanced subset of ``n``
    items (all of them when ``n`` is None or at least ``len(labels)``).

    Each class gets ``n / classes`` items; a class with fewer gives all it
    has and the rest is shared among the others, so the total is exactly
    ``min(n, len(labels))`` and class counts differ by at most one unless a
    class runs out. The same labels, ``n`` and ``seed`` give the same
    indices.
    """
    labels = np.asarray(labels)
    if labels.ndim > 1:
        labels = labels.reshape(labels.shape[0], -1)[:, 0]
    if n is None or n >= len(labels):
        return np.arange(len(labels))
    if n < 0:
        raise ValueError(f"a subset size must be >= 0 or None, got {n}.")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    take = np.zeros_like(counts)
    left = n
    # smallest classes first, each takes ceil(left / classes left)
    for done, i in enumerate(np.argsort(counts, kind="stable")):
        take[i] = min(counts[i], -(-left // (len(classes) - done)))
        left -= take[i]
    chosen = [rng.permutation(np.flatnonzero(labels == c))[:k]
              for c, k in zip(classes, take)]  # fmt: skip
    return np.sort(np.concatenate(chosen))
