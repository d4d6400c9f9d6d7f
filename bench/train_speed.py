"""How much faster is nnbook's fast training path than the paper's ``model.fit`` loop?

Trains the paper's km/h → m/s perceptron (one Dense(1), MSE, Adam) from the same seed both ways, side by side in
one run, for each epoch count, and prints the time ratio and the final weight of each (both must reach
w ≈ 1/3.6 = 0.2778). Ratios, not absolute seconds, are the result: this machine is noisy.

    python bench/train_speed.py                  # 1,000 and 10,000 epochs (the fit loop takes minutes)
    python bench/train_speed.py --epochs 200 1000
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from nnbook import seed  # noqa: E402
from nnbook.train import fast_fit  # noqa: E402

KMH = np.array(
    [123, 324, -22, 23.4, 5, -76, -45, 5.7, -8.98, 100, -180], dtype="float32"
)
MS = KMH / 3.6
LEARNING_RATE = 0.01
TARGET = 1 / 3.6


def perceptron() -> keras.Model:
    """The paper's model, freshly initialised from the same seed."""
    seed(42)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss="mean_squared_error",
    )
    return model


def timed(train) -> tuple[float, float]:
    """Run ``train(model)`` on a fresh perceptron; return (seconds, learned weight)."""
    model = perceptron()
    start = time.perf_counter()
    train(model)
    seconds = time.perf_counter() - start
    return seconds, float(model.get_weights()[0].reshape(-1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs", type=int, nargs="+", default=[1_000, 10_000]
    )
    args = parser.parse_args()
    print(
        f"{'epochs':>7} | {'fit (s)':>8} | {'fast (s)':>8} | {'speed-up':>8} | {'w fit':>8} | {'w fast':>8}"
    )
    for epochs in args.epochs:
        fit_s, fit_w = timed(
            lambda m: m.fit(KMH, MS, epochs=epochs, verbose=0)
        )
        fast_s, fast_w = timed(lambda m: fast_fit(m, KMH, MS, epochs))
        print(
            f"{epochs:>7} | {fit_s:>8.2f} | {fast_s:>8.3f} | {fit_s / fast_s:>7.0f}x | {fit_w:>8.4f} | "
            f"{fast_w:>8.4f}",
            flush=True,
        )
        for name, weight in (("fit", fit_w), ("fast path", fast_w)):
            if abs(weight - TARGET) > 0.01 * TARGET:
                raise SystemExit(
                    f"{name} ended at w = {weight:.4f}, not within 1 % of 1/3.6 = {TARGET:.4f}"
                )
    print(
        f"(target w = 1/3.6 = {TARGET:.4f}; fast-path times include tracing the graph)"
    )


if __name__ == "__main__":
    main()
