"""A run's lifeline: every process a run starts ends when the run ends, however it ends.

A run starts other processes: Prefect's temporary API server (uvicorn), the
process pool's workers, multiprocessing's resource tracker. Killed with
SIGKILL, the run cannot stop them, and they would go on under PID 1, holding
hundreds of megabytes each. Two mechanisms end them:

* **A tag in the environment.** While a run holds its state folder, it sets
  ``WIREWASH_RUN_TAG=<state key>:<pid>:<start time>`` in its environment, so
  every process it starts, and every process those start, carries the tag
  (``/proc/<pid>/environ``), whatever becomes of its parent.
* **A watchdog.** A tiny process in a session of its own holds a pipe from the
  run. When the pipe closes without the run saying it finished, the run died:
  the watchdog ends every process carrying the run's tag (SIGTERM, then
  SIGKILL after two seconds).

And should the watchdog itself be killed with the run (a whole process group
killed at once), the next run on the same state folder ends the leftovers of
any run whose owner is gone before it starts its own work
(:func:`end_leftovers`): it holds the state lock, so no live run can own them.

Linux-only in what it reads (``/proc``); elsewhere it does nothing.
"""
from __future__ import annotations

import hashlib
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

TAG = "WIREWASH_RUN_TAG"
_PROC = Path("/proc")
_DONE = b"done\n"
_GRACE_SECONDS = 2.0


def state_key(state_dir: Path) -> str:
    """A short key of the state folder's real path: what ties a run's processes to the state they belong to."""
    return hashlib.sha1(os.fsencode(state_dir.resolve())).hexdigest()[:16]


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (``/proc/<pid>/stat`` field 22), or ``None`` if gone.

    A pid alone can be reused by an unrelated process; pid and start time together name one process."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def _tag_of(pid: int) -> str | None:
    """The run tag in a process's environment, if any (unreadable or gone processes have none)."""
    try:
        environ = (_PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return None
    prefix = TAG.encode() + b"="
    for entry in environ.split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix):].decode(errors="replace")
    return None


def tagged_processes(matches: Callable[[str], bool]) -> list[int]:
    """Pids of the processes (never this one) whose run tag satisfies ``matches``."""
    if not _PROC.is_dir():
        return []
    me = os.getpid()
    found = []
    for entry in _PROC.iterdir():
        if entry.name.isdigit() and int(entry.name) != me:
            tag = _tag_of(int(entry.name))
            if tag is not None and matches(tag):
                found.append(int(entry.name))
    return sorted(found)


def end_processes(pids: list[int], grace: float = _GRACE_SECONDS) -> None:
    """SIGTERM each process, then SIGKILL those still there after ``grace`` seconds."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + grace
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if _running(pid)]
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting for its parent."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _owner_alive(tag: str) -> bool:
    """Whether the run that set ``tag`` is still running (its pid exists and started when the tag says)."""
    parts = tag.split(":")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    return _start_time(int(parts[1])) == parts[2]


def end_leftovers(state_dir: Path) -> list[int]:
    """End the processes left by dead runs of this state folder; return their pids.

    Call only while holding the state's lock: then no live run of this state exists but the caller's own,
    and a tagged process whose owner is gone is a leftover (a pool worker or API server orphaned by SIGKILL).
    """
    key = state_key(state_dir)
    leftovers = tagged_processes(lambda tag: tag.split(":", 1)[0] == key and not _owner_alive(tag))
    end_processes(leftovers)
    return leftovers


def _watch(tag: str) -> None:
    """The watchdog's body: wait until the run says it finished (then do nothing) or dies (then end its processes).

    The run's death shows as the end of its pipe, or, should a child have inherited the pipe's other end, as
    its pid no longer being the process that set the tag (checked twice a second)."""
    stdin = sys.stdin.buffer.fileno()
    heard = b""
    while True:
        readable, _, _ = select.select([stdin], [], [], 0.5)
        if readable:
            chunk = os.read(stdin, 64)
            if not chunk:
                break  # end of the pipe without "done": the run died
            heard += chunk
            if heard.endswith(_DONE):
                return
            continue
        if not _owner_alive(tag):
            break
    end_processes(tagged_processes(lambda found: found == tag))


@contextmanager
def tie_processes_to_run(state_dir: Path) -> Iterator[None]:
    """For the length of a run: tag the processes it starts and have a watchdog end them if the run dies.

    Re-entrant: inside a run that already tied its processes (the command line's, around the flow's), nothing
    more is done. Leftovers of dead runs of the same state are ended first.
    """
    current = os.environ.get(TAG)
    if not _PROC.is_dir() or (current is not None and current.split(":")[1:2] == [str(os.getpid())]):
        yield
        return
    end_leftovers(state_dir)
    tag = f"{state_key(state_dir)}:{os.getpid()}:{_start_time(os.getpid())}"
    watchdog = subprocess.Popen(
        [sys.executable, "-S", os.path.abspath(__file__), tag], stdin=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if k != TAG}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    os.environ[TAG] = tag
    try:
        yield
    finally:
        if current is None:
            os.environ.pop(TAG, None)
        else:
            os.environ[TAG] = current
        assert watchdog.stdin is not None
        watchdog.stdin.write(_DONE)
        watchdog.stdin.close()
        watchdog.wait()


if __name__ == "__main__":
    _watch(sys.argv[1])
