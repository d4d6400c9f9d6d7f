"""Checks for the exercises of Chapter 5, Convolutions.

Each function prints a pass line or a hint and returns True/False; none raises
on a learner's answer::

    from nnbook.checks import convolutions as check
    check.conv_output_shape(my_function)
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from nnbook.checks import (
    Verdict,
    check_close,
    check_function,
    is_empty,
    report,
    report_empty,
)


def _returns_none(fn: Callable[..., Any], args: tuple) -> bool:
    """True when ``fn(*args)`` runs and returns None (a body still holding
    ``...`` or a missing return)."""
    try:
        return fn(*args) is None
    except Exception:  # noqa: BLE001
        # the caller reports errors with their input
        return False


NONE_HINT = (
    "replace the ... in the function with your code, ending with return."
)

# ---------------------------------------------------------------- output shape

# (size, kernel, stride, padding, filters): a square size x size input, a
# square kernel, ``padding`` zeros added on every side. The first case is the
# one the exercise text works through.
SHAPE_CASES_ARGS = [
    (64, 5, 2, 0, 16),
    (32, 3, 1, 0, 32),
    (32, 3, 1, 1, 8),
    (28, 5, 1, 2, 6),
    (227, 11, 4, 0, 96),
    (15, 3, 2, 1, 64),
    (10, 4, 3, 0, 1),
]


def expected_output_shape(
    size: int, kernel: int, stride: int, padding: int, filters: int
) -> tuple[int, int, int]:
    """The output shape (height, width, channels) of a convolution:
    ``floor((n - k + 2p) / s) + 1`` per side."""
    side = (size - kernel + 2 * padding) // stride + 1
    return side, side, filters


def _shape_hint(fn: Callable[..., Any]) -> str:
    """Recognise the usual slips on the exercise's first case (64x64 input, 5x5
    kernel, stride 2, no padding)."""
    hint = (
        "each side is (n - k + 2p) / s + 1, rounded down; the depth is the "
        "number of filters."
    )
    try:
        got = tuple(
            float(v)
            for v in np.asarray(
                fn(*SHAPE_CASES_ARGS[0]), dtype="float64"
            ).reshape(-1)
        )
    except Exception:  # noqa: BLE001 - check_function reports the error itself
        return hint
    if len(got) != 3:
        return "return three numbers: (height, width, channels)."
    side, _, depth = got
    if math.isclose(side, 30.5):
        return (
            "(64 - 5) / 2 + 1 = 30.5: a filter cannot stop half-way, so "
            "round the division down (use //)."
        )
    if side == 60:
        return (
            "you left out the stride: the filter moves s pixels at a time, "
            "so divide (n - k + 2p) by s."
        )
    if depth == 3:
        return (
            "the depth of the output is the number of filters (each filter "
            "makes one feature map), not the number of input channels."
        )
    if side == 32:
        return (
            "that is 'same' padding's answer; here the padding p is given, "
            "and with p = 0 the image shrinks."
        )
    return hint


def conv_output_shape(fn: Callable[[int, int, int, int, int], Any]) -> Verdict:
    """Exercise: ``fn(size, kernel, stride, padding, filters) ->
    (height, width, channels)``."""
    if is_empty(fn):
        return report_empty(
            "conv_output_shape", "replace the ... with your function."
        )
    if callable(fn) and _returns_none(fn, SHAPE_CASES_ARGS[0]):
        return report(False, "conv_output_shape returns None.", NONE_HINT)
    cases = [(args, expected_output_shape(*args)) for args in SHAPE_CASES_ARGS]
    hint = _shape_hint(fn) if callable(fn) else ""
    return check_function(fn, cases, name="conv_output_shape", hint=hint)


# ------------------------------------------------------------- parameter count

# Exercise "Parameters of a convolutional layer": Conv2D(128, 5) on an input
# with 64 channels.
PARAMS_KERNEL, PARAMS_IN_CHANNELS, PARAMS_FILTERS = 5, 64, 128


def conv_params(answer: Any) -> Verdict:
    """Exercise: the number of parameters of ``Conv2D(128, 5)`` whose input has
    64 channels."""
    k, c, f = PARAMS_KERNEL, PARAMS_IN_CHANNELS, PARAMS_FILTERS
    expected = k * k * c * f + f
    hint = (
        "each filter has k × k × (input channels) weights plus one bias; the "
        "layer has one filter per output."
    )
    wrong = {
        k * k * c * f: (
            "you counted the weights but not the biases: each filter also "
            "has one bias."
        ),
        k * k * f + f: (
            "each filter spans ALL input channels: a 5×5 filter on 64 "
            "channels has 5 × 5 × 64 weights."
        ),
        k * k * c + 1: "that is one filter; the layer has 128 of them.",
        k * c * f
        + f: "the kernel is 5 × 5, so k × k (25) weights per channel, not k.",
    }
    if not is_empty(answer):
        try:
            hint = wrong.get(int(round(float(answer))), hint)
        except (TypeError, ValueError):
            pass
    return check_close(
        answer,
        expected,
        name="the parameter count",
        rtol=0,
        atol=0.5,
        hint=hint,
    )


# ------------------------------------------------------------- conv2d in NumPy

# (height, width, channels), (kernel height, kernel width, filters), stride for
# the random test inputs.
CONV_CASES_SPEC = [
    ((4, 4, 1), (2, 2, 1), 1),
    ((6, 7, 3), (3, 2, 4), 1),
    ((7, 7, 2), (3, 3, 2), 2),
    ((9, 8, 3), (4, 3, 5), 3),
]


def keras_conv2d(
    x: np.ndarray, kernels: np.ndarray, stride: int = 1
) -> np.ndarray:
    """What
    ``keras.layers.Conv2D(F, (kh, kw), strides=stride, use_bias=False)``
    returns for one image.

    ``x`` is (height, width, channels), ``kernels`` is (kh, kw, channels, F) —
    Keras's kernel layout.
    """
    import keras

    kh, kw, _, filters = kernels.shape
    layer = keras.layers.Conv2D(
        filters, (kh, kw), strides=stride, padding="valid", use_bias=False
    )
    layer.build((1, *x.shape))
    layer.set_weights([kernels.astype("float32")])
    return np.asarray(layer(x[None].astype("float32")))[0].astype("float64")


def conv_cases(seed: int = 0) -> list[tuple[tuple, np.ndarray]]:
    """Random inputs and kernels with Keras's answers:
    ``[((x, kernels, stride), expected), ...]``."""
    rng = np.random.default_rng(seed)
    cases = []
    for (h, w, c), (kh, kw, f), stride in CONV_CASES_SPEC:
        x = rng.uniform(-1, 1, (h, w, c)).round(2)
        kernels = rng.uniform(-1, 1, (kh, kw, c, f)).round(2)
        cases.append(((x, kernels, stride), keras_conv2d(x, kernels, stride)))
    return cases


def _conv_hint(
    fn: Callable[..., Any], cases: list[tuple[tuple, np.ndarray]]
) -> str:
    """Recognise a flipped kernel (textbook convolution) or a stride that was
    ignored."""
    hint = (
        "out[i, j, f] = sum of x[i*s : i*s + kh, j*s : j*s + kw, :] * "
        "kernels[:, :, :, f] over all three axes."
    )
    for (x, kernels, stride), expected in cases:
        try:
            got = np.asarray(fn(x, kernels, stride), dtype="float64")
        except Exception:  # noqa: BLE001
            # check_function reports the error itself
            return hint
        if got.shape == expected.shape:
            flipped = keras_conv2d(x, kernels[::-1, ::-1], stride)
            if not np.allclose(got, expected, atol=1e-4) and np.allclose(
                got, flipped, atol=1e-4
            ):
                return (
                    "you flipped the kernel (the textbook definition of "
                    "convolution); Keras, like every deep learning library, "
                    "computes cross-correlation: multiply without flipping."
                )
        elif stride > 1:
            return (
                f"with stride {stride} the output has {expected.shape[0]} "
                f"rows, not {got.shape[0]}: move the window {stride} pixels "
                "at a time, and the last window must still fit inside the "
                "image."
            )
        else:
            return (
                f"the output should have shape {expected.shape}: (h - kh + "
                "1, w - kw + 1, filters)."
            )
    return hint


def conv2d(fn: Callable[[np.ndarray, np.ndarray, int], np.ndarray]) -> Verdict:
    """Exercise: ``fn(x, kernels, stride)`` equals Keras's ``Conv2D`` (valid
    padding, no bias) on random inputs.

    Like :func:`nnbook.checks.check_function`, but the failure message names
    the input by its shapes (the random arrays themselves would fill the
    screen).
    """
    if not callable(fn):
        return report(
            False,
            "conv2d is still empty."
            if is_empty(fn)
            else "conv2d should be a function (def ...), got "
            f"{type(fn).__name__}.",
            "replace the ... with your function.",
        )
    cases = conv_cases()
    if _returns_none(fn, cases[0][0]):
        return report(False, "conv2d returns None.", NONE_HINT)
    hint = _conv_hint(fn, cases)
    for (x, kernels, stride), expected in cases:
        shown = (
            f"conv2d(x of shape {x.shape}, kernels of shape {kernels.shape}, "
            f"stride={stride})"
        )
        try:
            got = np.asarray(fn(x, kernels, stride), dtype="float64")
        except Exception as error:  # noqa: BLE001
            # any learner error becomes a hint
            return report(
                False, f"{shown} raised {type(error).__name__}: {error}", hint
            )
        if got.shape != expected.shape:
            return report(
                False,
                f"{shown} returned shape {got.shape}, Keras gives "
                f"{expected.shape}.",
                hint,
            )
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
            where = tuple(
                int(i)
                for i in np.argwhere(
                    ~np.isclose(got, expected, rtol=1e-4, atol=1e-4)
                )[0]
            )
            return report(
                False,
                f"{shown}: out{list(where)} = {got[where]:.4f}, Keras gives "
                f"{expected[where]:.4f}.",
                hint,
            )
    return report(
        True,
        f"conv2d matches keras.layers.Conv2D on all {len(cases)} random "
        "inputs.",
    )
