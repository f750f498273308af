"""Writing a file so that a reader, or a run killed half-way, never sees half of it.

The state folder's manifest, cache entries and the reuse index's head are each written to a temporary file
in the same folder, flushed to disk and renamed over the old one: a rename within one file system is atomic,
so the file holds the old bytes or the new ones, never a mix.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
