"""A run's processes end with it: the watchdog, the run tag, and the leftovers of dead runs."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, folder_args, watch_run_processes
from wirewash.flows.lifeline import TAG, end_leftovers, state_key, tagged_processes

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="the lifeline reads /proc (Linux)")


def _gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if _running(pid)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return False


_RUN_THEN_DIE = """
import os, signal, subprocess, sys
from pathlib import Path
from wirewash.flows.lifeline import tie_processes_to_run
with tie_processes_to_run(Path(sys.argv[1])):
    child = subprocess.Popen(["sleep", "600"])
    grandchild = subprocess.Popen(["sh", "-c", "sleep 600 & wait"])
    print(child.pid, grandchild.pid, flush=True)
    sys.stdin.readline()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_processes_a_killed_run_started_end_within_seconds(tmp_path: Path) -> None:
    run = subprocess.Popen([sys.executable, "-c", _RUN_THEN_DIE, str(tmp_path / "state")], cwd=ROOT,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None and run.stdin is not None
    started = [int(pid) for pid in run.stdout.readline().split()]
    deadline = time.monotonic() + 10
    tagged: list[int] = []
    while len(tagged) < 3 and time.monotonic() < deadline:  # the shell forks its sleep a moment later
        tagged = tagged_processes(lambda tag: tag.startswith(state_key(tmp_path / "state") + ":"))
        time.sleep(0.05)
    assert set(started) <= set(tagged) and len(tagged) >= 3  # the grandchild's sleep carries the tag too
    run.stdin.write("die\n")
    run.stdin.flush()
    assert run.wait(timeout=30) == -9
    assert _gone_within(tagged, 5.0), [pid for pid in tagged if _running(pid)]


def test_a_run_that_finishes_leaves_its_children_to_itself(tmp_path: Path) -> None:
    from wirewash.flows.lifeline import tie_processes_to_run

    with tie_processes_to_run(tmp_path / "state"):
        child = subprocess.Popen(["sleep", "600"])
        assert os.environ[TAG].startswith(state_key(tmp_path / "state") + f":{os.getpid()}:")
    try:
        assert TAG not in os.environ
        time.sleep(1.0)  # the watchdog was told the run finished: it ends nothing
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()


def _sleeper(tag: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["sleep", "600"], env={**os.environ, TAG: tag})


def test_the_next_start_ends_leftovers_of_dead_runs_of_the_same_state_only(tmp_path: Path) -> None:
    state, other = tmp_path / "state", tmp_path / "other"
    dead = subprocess.Popen(["true"])
    dead.wait()
    me = Path("/proc/self/stat").read_text().rsplit(")", 1)[-1].split()[19]
    orphan = _sleeper(f"{state_key(state)}:{dead.pid}:1")
    reused_pid = _sleeper(f"{state_key(state)}:{os.getpid()}:{int(me) + 1}")  # our pid, another start: not us
    mine = _sleeper(f"{state_key(state)}:{os.getpid()}:{me}")
    elsewhere = _sleeper(f"{state_key(other)}:{dead.pid}:1")
    try:
        time.sleep(0.2)  # let exec finish, so /proc shows the sleepers' environments
        ended = end_leftovers(state)
        assert sorted(ended) == sorted([orphan.pid, reused_pid.pid])
        assert orphan.wait(timeout=5) and reused_pid.wait(timeout=5)
        assert mine.poll() is None and elsewhere.poll() is None
    finally:
        for proc in (orphan, reused_pid, mine, elsewhere):
            proc.kill()
            proc.wait()


def test_a_killed_wirewash_run_leaves_neither_its_api_server_nor_its_pool_workers(tmp_path: Path) -> None:
    """The scenario users hit: SIGKILL while the temporary Prefect API and a process pool are up."""
    import shutil

    from conftest import SAMPLES

    shutil.copytree(SAMPLES, tmp_path / "raw")
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}  # so the run starts its temporary API
    env["WIREWASH_CRASH_AT"] = "after-clean"
    args = [sys.executable, "-m", "wirewash.flows.cli", "run", "--batch-size", "1", *folder_args(tmp_path)]
    run = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen = watch_run_processes(run, tmp_path / "state")  # what the run started, until it died at the crash point
    assert run.returncode == -9, run.stderr.read() if run.stderr else ""
    assert any(b"uvicorn" in c for c in seen.values()) and any(b"multiprocessing" in c for c in seen.values())
    assert _gone_within(sorted(seen), 5.0), [pid for pid in seen if _running(pid)]
