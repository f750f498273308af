"""Prefect settings for an offline, quiet run; applied before Prefect is first imported."""
from __future__ import annotations

import os
import time
from pathlib import Path

QUIET_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}


command_started_at: float | None = None
"""When the ``wirewash`` command started (``time.perf_counter`` terms), set by the command line: the run
summary then gives the whole command's wall time and its start-up (imports, Prefect's API), not only the
flow's stages."""


def mark_command_start() -> None:
    """Record when this process started (from ``/proc`` where there is one, else now)."""
    global command_started_at
    now = time.perf_counter()
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[-1].split()[19])
        age = time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, AttributeError):
        age = 0.0
    command_started_at = now - max(0.0, age)


def configure_prefect(state_dir: Path, verbose: bool = False) -> None:
    """Point Prefect's home into the project's state folder and keep it offline and quiet.

    Values the user already set win: a configured ``PREFECT_API_URL`` (a real
    server) is used as it is; otherwise each run starts Prefect's temporary API.
    """
    home = (state_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    if verbose:  # -v: Prefect's own log too (unless the user chose a level)
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    for key, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)
