"""One run at a time per state folder: an advisory file lock that dies with its holder.

``fcntl.flock`` is released by the kernel when the process exits, however it
exits (SIGKILL included), so a crashed run never leaves a stale lock behind.
"""
from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RunLockedError(RuntimeError):
    """Another run holds the state folder's lock; the message names it and says what to do."""


@contextmanager
def hold_run_lock(state_dir: Path, wait_seconds: float) -> Iterator[Path]:
    """Hold ``<state>/run.lock`` for the duration of a run, waiting up to ``wait_seconds`` for it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "run.lock"
    handle = path.open("a+")
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise RunLockedError(
                        f"another wirewash run ({holder}) is using {state_dir}; wait for it to finish, "
                        f"pass --lock-wait SECONDS to wait longer, or use a different --state folder"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield path
    finally:
        handle.close()
