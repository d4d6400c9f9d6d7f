"""The errors of :mod:`nnbook.datasets`; each message says what to do next."""

from __future__ import annotations


class DatasetError(RuntimeError):
    """Base class of the errors raised by :mod:`nnbook.datasets`."""


class DatasetNotFoundError(DatasetError):
    """No local copy of a dataset was found and it could not be downloaded."""


class ChecksumError(DatasetError):
    """A download does not match its published hash (it has been deleted)."""


class DatasetFormatError(DatasetError):
    """A dataset file, archive or folder is corrupt, incomplete or not in
    the expected format."""
