"""Running a measured command: its wall time and its peak memory, sampled from ``/proc`` every 50 ms.

Two peaks are sampled at once: the summed RSS of the command's whole process tree (the process and every
process it starts, e.g. a pool's workers and Prefect's temporary API server), which is what a run costs the
machine; and the RSS of the command's own process alone (the root pid), which is what the flow process
itself holds (the goal for a run on a Dask cluster, whose workers are not the flow's children).
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.05
"""Seconds between samples: a peak shorter than this can be missed (the sampled peak is a lower bound)."""


def _processes() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Every process's children and RSS in bytes, from ``/proc/<pid>/stat``."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE
    return children, rss


def tree_rss(pid: int) -> tuple[int, int]:
    """``(tree, own)``: the summed RSS in bytes of ``pid`` and all its descendants, and of ``pid`` alone."""
    children, rss = _processes()
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total, rss.get(pid, 0)


def measure(cmd: list[str], label: str, *, cwd: Path, logs: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` (its output to ``logs/<label>.log``); its wall time, the peak RSS of its process tree
    (``peak_bytes``) and of its own process (``own_peak_bytes``). Exits the bench if the command fails."""
    print(f"  {label} ...", end="", flush=True)
    start = time.perf_counter()
    log_path = logs / f"{label}.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        peak = own = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, own
            while not done.is_set():
                tree, root = tree_rss(proc.pid)
                peak, own = max(peak, tree), max(own, root)
                done.wait(INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = proc.wait()
        done.set()
        sampler.join()
    wall = time.perf_counter() - start
    print(f" {wall:.1f} s, peak {peak / 1e9:.2f} GB (own process {own / 1e9:.2f} GB)"
          + ("" if code == 0 else f", EXIT {code} (see {log_path})"))
    if code != 0:
        raise SystemExit(f"bench: {label} failed with exit code {code}; see {log_path}")
    return {"wall_seconds": round(wall, 2), "peak_bytes": peak, "own_peak_bytes": own}
