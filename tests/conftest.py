"""Shared fixtures: quiet offline Prefect, one session-wide test harness, paths to shared data."""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "raw"

_STATE = Path(tempfile.mkdtemp(prefix="wirewash-test-state-"))
os.environ.setdefault("PREFECT_HOME", str(_STATE / "prefect"))
from flows.environment import configure_prefect  # noqa: E402

configure_prefect(_STATE)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation data lives beside the project only for developers and CI")
    return path


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A project-like folder: raw/ holding the five sample scrapes."""
    shutil.copytree(SAMPLES, tmp_path / "raw")
    return tmp_path
