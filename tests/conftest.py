"""Shared test settings: a non-interactive Matplotlib backend and quick mode unless told otherwise."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NNBOOK_MODE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
