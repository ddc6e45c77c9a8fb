"""Derived answer data kept in the data directory: one pickle per content fingerprint.

Several processes (server workers, one-off commands) may build the same file at once: it is written
to a temporary file and renamed, so a reader never sees half of it, and files of earlier content
(``stale``, a glob beside it) are removed. Any failure to read is a cache miss, never an error.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from pathlib import Path


def read(path: Path) -> object | None:
    """The pickled object at ``path``, or ``None`` when it is missing, unreadable or from other code."""
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None


def write(path: Path, value: object, stale: str) -> None:
    """Replace ``path`` with ``value`` atomically and drop the files matching ``stale`` beside it;
    a read-only or full disk only loses the cache."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
