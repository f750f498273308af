"""Schedules: prefect.yaml matches RunParams, and its deployment runs once against a real Prefect server."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SAMPLES
from wirewash.tasks.params import RunParams

PREFECT = str(Path(sys.executable).with_name("prefect"))


def _deployment() -> dict:
    return yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"][0]


def test_prefect_yaml_parameters_are_exactly_run_params(tmp_path: Path) -> None:
    params = _deployment()["parameters"]["params"]
    assert set(params) == set(RunParams.model_fields)
    (tmp_path / "raw").mkdir()
    resolved = RunParams.build(**{**params, "raw": tmp_path / "raw", "clean": tmp_path / "c", "reports": tmp_path / "r",
                                  "state": tmp_path / "s"})
    defaults = RunParams.build(raw=tmp_path / "raw", clean=tmp_path / "c", reports=tmp_path / "r", state=tmp_path / "s")
    differing = {k for k in params if getattr(resolved, k) != getattr(defaults, k)} - {"raw", "clean", "reports", "state"}
    assert differing == {"lock_wait"}, "prefect.yaml should only differ from the defaults where a nightly run needs it"
    assert _deployment()["schedules"][0]["cron"] == "0 3 * * *"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A real `prefect server` on loopback, with its own home and database, stopped after the test."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "server-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{api}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"prefect server did not start: {(tmp_path / 'server.log').read_text()[-3000:]}")
            time.sleep(0.5)
        yield {**env, "PREFECT_API_URL": api, "PREFECT_HOME": str(tmp_path / "client-home")}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _prefect(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def test_deployment_from_prefect_yaml_runs_once_on_a_real_server(prefect_server: dict[str, str], tmp_path: Path) -> None:
    env = prefect_server
    shutil.copytree(SAMPLES, tmp_path / "raw")
    _prefect(env, "work-pool", "create", "wirewash", "--type", "process")
    _prefect(env, "deploy", "--all", "--prefect-file", str(ROOT / "prefect.yaml"), "--no-prompt")
    inspected = _prefect(env, "deployment", "inspect", "wirewash-run/nightly").stdout
    assert "0 3 * * *" in inspected
    params = {"params": {**_deployment()["parameters"]["params"], "raw": str(tmp_path / "raw"),
                         "clean": str(tmp_path / "clean"), "reports": str(tmp_path / "reports"),
                         "state": str(tmp_path / "state")}}
    _prefect(env, "deployment", "run", "wirewash-run/nightly", "--params", json.dumps(params))
    _prefect(env, "worker", "start", "--pool", "wirewash", "--run-once", timeout=300)
    summary = json.loads((tmp_path / "reports" / "latest" / "summary.json").read_text())
    assert summary["counts"]["documents"] == 5
    assert sorted(p.stem for p in (tmp_path / "clean").glob("*.txt")) == sorted(p.stem for p in SAMPLES.glob("*.txt"))
