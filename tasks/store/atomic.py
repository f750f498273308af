"""Writing a file so that a reader, or a run killed half-way, never sees half of it.

The state folder's manifest and the reuse index's head are each written to a temporary file in the same
folder, flushed to disk and renamed over the old one: a rename within one file system is atomic, so the
file holds the old bytes or the new ones, never a mix. Cache entries and a run's spill files take the
same path without the flush (``durable=False``): their readers check what they read and make it again.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename.

    ``durable`` flushes the bytes to disk before the rename, so that even a power cut leaves the old file
    or the new one. A file whose reader checks what it reads and can make it again (a cache entry, a
    run's spill) skips that: a killed process still never leaves half a file, and a run files tens of
    thousands of them, each fsync a disk round trip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
