"""Run ``python -m nnbook.serve`` in a process of its own for a test (the CLI, waitress and all)."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def serving(folder: Path) -> Iterator[tuple[subprocess.Popen, str, str]]:
    """Serve ``folder`` on a free port; yield ``(process, first printed line, base URL)``, then stop it."""
    command = [
        sys.executable,
        "-m",
        "nnbook.serve",
        "--models",
        str(folder),
        "--port",
        "0",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
        env=dict(os.environ),
    )
    try:
        line = (
            process.stdout.readline()
        )  # "serving NAME, ... at http://127.0.0.1:PORT/ (Ctrl+C stops)"
        assert " at http://" in line, line
        yield process, line, line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        process.wait(timeout=30)
