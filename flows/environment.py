"""Prefect settings for an offline, quiet run; applied before Prefect is first imported."""
from __future__ import annotations

import os
from pathlib import Path

QUIET_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_UI_ENABLED": "false",
}


def configure_prefect(state_dir: Path) -> None:
    """Point Prefect's home into the project's state folder and keep it offline and quiet.

    Values the user already set win: a configured ``PREFECT_API_URL`` (a real
    server) is used as it is; otherwise each run starts Prefect's temporary API.
    """
    home = (state_dir / "prefect").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(home))
    for key, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(key, value)
