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
from contextvars import ContextVar
from pathlib import Path


_HELD: ContextVar[frozenset[Path]] = ContextVar("wirewash_held_locks", default=frozenset())
"""Locks the current run holds, by resolved path. The command line takes the lock before Prefect starts and
the flow it calls takes it again; a second ``flock`` on a new file description would refuse its own run, so an
inner hold within the same context only passes through. A context, not the process: another thread (its own
context) trying the same state folder is refused like another process."""


class RunLockedError(RuntimeError):
    """Another run holds the state folder's lock; the message names it and says what to do."""


@contextmanager
def hold_run_lock(state_dir: Path, wait_seconds: float) -> Iterator[Path]:
    """Hold ``<state>/run.lock`` for the duration of a run, waiting up to ``wait_seconds`` for it.

    Re-entrant within one run's context: holding it again (the flow inside the command line's hold) passes
    through.
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / "run.lock"
    key = path.resolve()
    if key in _HELD.get():
        yield path
        return
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
        token = _HELD.set(_HELD.get() | {key})
        try:
            yield path
        finally:
            _HELD.reset(token)
    finally:
        handle.close()
