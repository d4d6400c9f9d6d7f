"""Load test of the model web: 1,000 photo uploads over loopback from several concurrent clients.

Starts ``python -m nnbook.serve`` (waitress, as in production) in its own process (so the clients do not share
its interpreter), sends the requests with :func:`nnbook.client.load_test` and prints requests/s, p50/p99 latency,
errors and the server's CPU seconds for each model. Goal: 0 errors and p99 under 200 ms for 32×32 models on 2 CPU cores.

Without ``--models`` it serves an untrained copy of the CIFAR study's CIFAR-10 network (32×32 RGB, 1,343,018
parameters; timing does not depend on the weights). With ``--models DIR`` it serves the chapters' saved models.

    python bench/serve_load.py                                   # 1,000 requests, 4 clients
    python bench/serve_load.py --models chapters/08_cifar/models --requests 2000 --clients 8
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import sklearn.datasets  # noqa: E402

from nnbook.client import load_test  # noqa: E402

PHOTO = (
    Path(sklearn.datasets.__file__).parent / "images" / "china.jpg"
)  # a real 640 x 427 JPEG (196 kB)
CIFAR10 = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]
START_TIMEOUT_S = 180


def study_cifar10():
    """The CIFAR study's CIFAR-10 network (conv 32-32, 64-64, 128-128 with batch norm, dense 512), untrained."""
    import keras

    layers = [keras.Input((32, 32, 3))]
    for filters in (32, 64, 128):
        for _ in range(2):
            layers += [
                keras.layers.Conv2D(
                    filters, 3, padding="same", activation="relu"
                ),
                keras.layers.BatchNormalization(),
            ]
        layers += [keras.layers.MaxPooling2D(), keras.layers.Dropout(0.25)]
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ]
    return keras.Sequential(layers)


def start_server(folders: list[str]) -> tuple[subprocess.Popen, str]:
    """Start ``python -m nnbook.serve`` on a free port; return the process and its base URL once it answers."""
    command = [sys.executable, "-m", "nnbook.serve", "--port", "0"]
    for folder in folders:
        command += ["--models", folder]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = re.search(r"(http://[\d.]+:\d+)/", line or "")
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(
        "the server did not start (run `python -m nnbook.serve --models DIR` to see why)"
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models",
        action="append",
        metavar="DIR",
        help="folder(s) of saved models",
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=1000,
        help="requests per model (default 1000)",
    )
    parser.add_argument(
        "--clients", type=int, default=4, help="concurrent clients (default 4)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=300.0,
        help="seconds per model before giving up",
    )
    parser.add_argument(
        "--photo",
        type=Path,
        default=PHOTO,
        help="the photo every request uploads",
    )
    args = parser.parse_args()

    folders = args.models
    if not folders:
        from nnbook import models

        folders = [tempfile.mkdtemp(prefix="nnbook-bench-")]
        network = study_cifar10()
        models.save(network, "study_cifar10", CIFAR10, folders[0])
        print(
            f"serving an untrained copy of the study's CIFAR-10 network ({network.count_params():,} parameters)"
        )

    photo = args.photo.read_bytes()
    process, url = start_server(folders)
    try:
        with urllib.request.urlopen(f"{url}/api/models", timeout=30) as reply:
            served = json.load(reply)["models"]
        print(
            f"server {url} (pid {process.pid}), photo {args.photo.name} ({len(photo) / 1e3:.0f} kB), "
            f"{os.cpu_count()} CPU cores, load average {os.getloadavg()[0]:.1f}"
        )
        for model in served:
            load_test(
                url, model["name"], photo, requests=20, clients=1
            )  # warm-up, not counted
            cpu_before = cpu_seconds(process.pid)
            result = load_test(
                url,
                model["name"],
                photo,
                args.requests,
                args.clients,
                args.time_limit,
            )
            cpu = cpu_seconds(process.pid) - cpu_before
            size = model["input"]["size"]
            print(
                f"{model['name']} ({size}×{size}×{model['input']['channels']}): {result.summary()}; "
                f"server CPU {cpu:.1f} s ({1000 * cpu / max(len(result.latencies_s), 1):.1f} ms/request)"
            )
            for line in sorted(set(result.errors))[:5]:
                print(f"   error: {line}")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
