"""Colab, checked offline from Colab: ``pip install nnbook`` keeps Colab's preinstalled packages as they are.

pip resolves this checkout's package against Colab's versions (``tests/unit/colab_constraints.txt``) without
installing anything (``--dry-run --report``). It needs the package index; without it the test is skipped.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CONSTRAINTS = Path(__file__).with_name("colab_constraints.txt")


def pins() -> dict[str, str]:
    lines = [
        line.split("#")[0].strip()
        for line in CONSTRAINTS.read_text().splitlines()
    ]
    return dict(line.lower().split("==") for line in lines if line)


def index_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


def test_nnbook_installs_on_colab_without_replacing_its_packages(tmp_path):
    if not index_reachable():
        pytest.skip(
            "the package index is not reachable: cannot resolve against Colab's versions"
        )
    report = tmp_path / "report.json"
    # Colab's packages that nnbook declares, installed beside it; TensorFlow stays a constraint only (nnbook does
    # not declare it), which keeps pip from fetching its metadata for nothing.
    wanted = [
        f"{name}=={version}"
        for name, version in pins().items()
        if name != "tensorflow"
    ]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--ignore-installed",
            "--quiet",
            "--report",
            str(report),
            "-c",
            str(CONSTRAINTS),
            str(REPO),
            *wanted,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"pip could not install nnbook beside Colab's packages:\n{result.stderr[-3000:]}"
    )
    chosen = {
        item["metadata"]["name"].lower(): item["metadata"]["version"]
        for item in json.loads(report.read_text())["install"]
    }
    assert "nnbook" in chosen
    changed = {
        name: (version, chosen.get(name))
        for name, version in pins().items()
        if name in chosen and chosen[name] != version
    }
    assert set(chosen) >= {name for name in pins() if name != "tensorflow"}
    assert not changed, (
        f"installing nnbook would change Colab's packages (pinned, chosen): {changed}"
    )
    assert (
        "tensorflow-cpu" not in chosen
    )  # requirements.txt's CPU build is for local machines, never Colab
