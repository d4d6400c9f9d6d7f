"""Checks for the exercises of Chapter 6, *Dogs vs cats*.

Every check prints one line (a pass, or "not yet" with a hint) and returns a
:class:`~nnbook.checks.Verdict`; none raises on a learner's answer.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from nnbook.checks import (
    Verdict,
    check_array,
    check_choice,
    is_empty,
    report,
    report_empty,
)

PAPER_SIZE = 100
"""The paper's image side in pixels (grayscale, one channel)."""

AUGMENTATIONS = (
    "rotation",
    "shift",
    "shear",
    "zoom",
    "horizontal flip",
    "vertical flip",
)
"""The options of the "which augmentation did this?" exercise."""


def _conv_layers(
    size: int, channels: int
) -> list[tuple[str, tuple[int, int, int], int]]:
    """The paper's Conv model layer by layer: (name, output shape,
    parameters)."""
    rows: list[tuple[str, tuple[int, int, int], int]] = []
    side, depth = size, channels
    for filters in (32, 64, 128):
        params = 3 * 3 * depth * filters + filters
        side, depth = side - 2, filters
        rows.append((f"Conv2D({filters})", (side, side, depth), params))
        side //= 2
        rows.append(("MaxPooling2D", (side, side, depth), 0))
    flat = side * side * depth
    rows.append(("Flatten", (flat, 1, 1), 0))
    rows.append(("Dense(100)", (100, 1, 1), flat * 100 + 100))
    rows.append(("Dense(1)", (1, 1, 1), 100 + 1))
    return rows


_LAYER_HINTS = {
    "Conv2D": (
        "a Conv2D layer has kernel height × width × input channels × filters "
        "weights, plus one bias per filter; the input channels are the "
        "previous layer's filters."
    ),
    "MaxPooling2D": "pooling has no weights at all.",
    "Flatten": "Flatten only reshapes.",
    "Dense(100)": (
        "the Dense layer gets one weight per flattened number per neuron, "
        "plus a bias per neuron; find the side after the last pooling first: "
        "each 3×3 conv trims 2, each pooling halves (rounding down)."
    ),
    "Dense(1)": "one neuron, 100 inputs, one bias.",
}


def conv_parameters(
    answer: Any, size: int = PAPER_SIZE, channels: int = 1
) -> Verdict:
    """Check the list of the Conv model's parameters per layer (9 numbers,
    pooling and Flatten count 0)."""
    rows = _conv_layers(size, channels)
    expected = [params for _, _, params in rows]
    if is_empty(answer):
        return report_empty(
            "your list", "replace the ... with 9 numbers, one per layer."
        )
    try:
        values = [
            float(v) for v in np.asarray(answer, dtype="float64").reshape(-1)
        ]
    except (TypeError, ValueError):
        return report(
            False,
            "answer with a list of 9 numbers, one per layer (0 for pooling "
            "and Flatten).",
        )
    if len(values) != len(expected):
        return report(
            False,
            f"the model has {len(expected)} layers "
            f"({', '.join(n for n, _, _ in rows)}); your list has "
            f"{len(values)} numbers.",
        )
    for (name, _, want), got in zip(rows, values):
        if got != want:
            hint = _LAYER_HINTS[
                name.split("(")[0] if not name.startswith("Dense") else name
            ]
            return report(
                False, f"{name} does not have {got:,.0f} parameters.", hint
            )
    return report(
        True,
        f"{int(sum(expected)):,} parameters in all, {expected[-2]:,} of them "
        "in the first Dense layer.",
    )


def feature_map_shapes(
    answer: Any, size: int = PAPER_SIZE, channels: int = 1
) -> Verdict:
    """Check the (height, width, depth) after each of the three Conv2D and
    MaxPooling2D layers (6 shapes)."""
    expected = [
        shape
        for name, shape, _ in _conv_layers(size, channels)
        if name != "Flatten"
    ][:6]
    if is_empty(answer):
        return report_empty(
            "your list",
            "replace the ... with 6 (height, width, depth) tuples.",
        )
    return check_array(
        answer,
        expected,
        name="the shapes",
        atol=0,
        hint="a 3×3 convolution without padding gives n - 2 pixels per side "
        "and as many maps as filters; a 2×2 pooling gives n // 2 and "
        "keeps the depth.",
    )


def which_augmentation(answer: Any) -> Verdict:
    """Check the augmentation that turned the example upside down (a vertical
    flip)."""
    explanations = {
        "vertical flip": (
            "a vertical flip mirrors top and bottom: the head ends up under "
            "the paws, a view no photo of a pet shows."
        ),
        "rotation": "the rotation here is at most 30°, far from upside down.",
        "horizontal flip": (
            "a horizontal flip swaps left and right; the pet stays upright."
        ),
        "shift": "a shift moves the photo, it does not turn it over.",
        "shear": "a shear slants the photo by at most 15°.",
        "zoom": "a zoom changes the size, not the way up.",
    }
    if isinstance(answer, str) and answer.strip().lower() not in AUGMENTATIONS:
        return report(
            False,
            f"{answer!r} is not one of the options.",
            f"answer with one of {', '.join(repr(a) for a in AUGMENTATIONS)}.",
        )
    return check_choice(
        answer, "vertical flip", explanations, name="the augmentation"
    )


def horizontal_flip_only(augment: Any) -> Verdict:
    """Check an augmentation pipeline that keeps the paper's layers but flips
    left–right only."""
    layers = getattr(augment, "layers", None)
    if is_empty(augment) or layers is None:
        return report(
            False,
            "build the pipeline with pipeline.augmentation(...) first.",
            "look at the flip argument of nnbook.pipeline.augmentation.",
        )
    flips = [layer for layer in layers if type(layer).__name__ == "RandomFlip"]
    if len(flips) != 1 or getattr(flips[0], "mode", None) != "horizontal":
        modes = [getattr(f, "mode", None) for f in flips]
        return report(
            False,
            f"its flips are {modes or 'none'}; keep one RandomFlip in mode "
            "'horizontal'.",
            "pass flip='horizontal'.",
        )
    kinds = {type(layer).__name__ for layer in layers}
    missing = {
        "RandomRotation",
        "RandomTranslation",
        "RandomShear",
        "RandomZoom",
    } - kinds
    if missing:
        return report(
            False, f"it lost {sorted(missing)}; change only the flip."
        )
    return report(
        True,
        "rotation, shifts, shear and zoom as in the paper; mirror images "
        "left–right only.",
    )


def most_confident_mistakes(
    answer: Any, p_dog: Sequence[float], labels: Sequence[int], k: int = 5
) -> Verdict:
    """Check the indices of the ``k`` test photos the model gets wrong with the
    most confidence, most confident first.

    ``p_dog`` are the model's outputs (probability of dog) and ``labels`` the
    true classes (0 cat, 1 dog).
    """
    p = np.asarray(p_dog, dtype="float64").reshape(-1)
    y = np.asarray(labels).reshape(-1).astype(int)
    if is_empty(answer):
        return report(
            False,
            "your answer is still empty.",
            f"replace the ... with {k} test indices.",
        )
    try:
        chosen = [int(i) for i in np.asarray(answer).reshape(-1)]
    except (TypeError, ValueError):
        return report(
            False,
            f"answer with {k} whole numbers (indices into the test set).",
        )
    confidence = np.abs(p - 0.5) * 2  # 0 = undecided, 1 = certain
    wrong = (p >= 0.5).astype(int) != y
    order = np.flatnonzero(wrong)[
        np.argsort(-confidence[wrong], kind="stable")
    ]
    expected = order[:k].tolist()
    if len(chosen) != min(k, len(order)):
        return report(
            False,
            f"give {min(k, len(order))} indices, you gave {len(chosen)}.",
        )
    if any(not 0 <= i < len(p) for i in chosen):
        return report(False, f"indices must lie between 0 and {len(p) - 1}.")
    right = [i for i in chosen if not wrong[i]]
    if right:
        return report(
            False,
            f"the model gets photo {right[0]} right.",
            "a mistake is a photo where (p_dog >= 0.5) differs from the "
            "label.",
        )
    if sorted(chosen) != sorted(expected) and not np.allclose(
        sorted(confidence[chosen]), sorted(confidence[expected])
    ):
        return report(
            False,
            "these are mistakes, but not the most confident ones.",
            "sort the mistakes by |p_dog - 0.5|, largest first.",
        )
    if not np.allclose(confidence[chosen], confidence[expected]):
        return report(
            False,
            "the right photos, in the wrong order.",
            "most confident first.",
        )
    worst = chosen[0]
    return report(
        True,
        f"the worst: photo {worst}, a {['cat', 'dog'][y[worst]]} called "
        f"{['cat', 'dog'][1 - y[worst]]} with "
        f"{max(p[worst], 1 - p[worst]):.0%} confidence.",
    )
