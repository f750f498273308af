"""Prefect's temporary local API, started before the pipeline's imports so that both go on at once.

With no Prefect server configured, every run needs Prefect's temporary API
(``prefect.server.api.server.SubprocessASGIServer``): a uvicorn process that
takes several seconds to start. Started the usual way it begins only once
the flow's modules are imported, and importing the server module alone costs
the run's process two seconds. Here the same command (uvicorn, Prefect's
``create_app`` factory, the ephemeral-server environment) is spawned first,
from a module that imports nothing heavy; the CLI then imports the pipeline
while the server starts on another core, and waits for ``/api/health`` only
when the flow is about to begin.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

_PORT_IN_USE = 3  # uvicorn's exit code when the port is taken (Prefect retries on it too)


class LocalApiError(RuntimeError):
    """The temporary local Prefect API did not start; the message carries its output."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spawn(port: int) -> subprocess.Popen[bytes]:
    spec = importlib.util.find_spec("prefect")
    assert spec is not None and spec.submodule_search_locations, "prefect is not installed"
    app_dir = Path(list(spec.submodule_search_locations)[0]).parent
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory", "prefect.server.api.server:create_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@dataclass
class LocalApi:
    """A temporary Prefect API being started (:func:`start_local_api`); :meth:`wait` until it answers."""

    port: int
    process: subprocess.Popen[bytes]
    ready: bool = field(default=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def wait(self, timeout: float) -> str:
        """Block until ``/api/health`` answers; return the API's URL (raises :class:`LocalApiError`)."""
        deadline = time.monotonic() + timeout
        while not self.ready:
            code = self.process.poll()
            if code == _PORT_IN_USE:  # another process took the port between the probe and the bind
                self.port = _free_port()
                self.process = _spawn(self.port)
            elif code is not None:
                out, err = self.process.communicate()
                raise LocalApiError(f"the temporary Prefect API exited with code {code}: "
                                    f"{(err or out).decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as response:
                    self.ready = response.status == 200
            except (urllib.error.URLError, OSError):
                pass
            if not self.ready:
                if time.monotonic() > deadline:
                    self.stop()
                    raise LocalApiError(f"the temporary Prefect API did not answer within {timeout:.0f} s "
                                        "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")
                time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_local_api() -> LocalApi | None:
    """Spawn the temporary API now, unless a server is configured (``PREFECT_API_URL``): then ``None``.

    Call after :func:`flows.environment.configure_prefect` (the server reads
    ``PREFECT_HOME`` and the quiet defaults from the environment).
    """
    if os.environ.get("PREFECT_API_URL"):
        return None
    port = _free_port()
    return LocalApi(port, _spawn(port))
