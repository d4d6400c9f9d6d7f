"""Settings for every pytest run in this repository, unit tests and chapter notebooks alike.

Quick mode, offline data when the shared folder sits beside the clone, and no GUI backend.

Notebook kernels started by ``pytest --nbmake`` inherit these variables from this process.
"""

import os
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "datasets"

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NNBOOK_MODE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if SHARED_DATA.is_dir():
    os.environ.setdefault("NNBOOK_DATA_DIR", str(SHARED_DATA))

# Fixture notebooks (one fails on purpose) are built by tests/test_book_build.py, never run by nbmake.
collect_ignore_glob = ["tests/fixtures/*", "_build/*", ".venv*/*"]
