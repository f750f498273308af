"""The temporary Prefect API a run starts before its imports (flows/local_api.py): a real uvicorn server."""
from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from wirewash.flows.local_api import (CACHE_ENV, DatabaseTemplate, LocalApi, LocalApiError, configured_api_url,
                                      loopback_ca_file)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One Prefect home for the module's servers: the first creates its database, the next reuse it."""
    home = tmp_path_factory.mktemp("prefect-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_HOME", str(home))
        patch.delenv("PREFECT_API_URL", raising=False)
        yield home


def _health(api: LocalApi) -> int:
    with urllib.request.urlopen(f"{api.api_url}/health", timeout=5) as answer:
        return int(answer.status)


def test_a_port_taken_meanwhile_is_left_for_another(prefect_home: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        api = LocalApi(port=port)
        try:
            api.wait_ready()
            assert api.port != port and _health(api) == 200
        finally:
            api.stop()


def test_a_server_that_cannot_start_is_reported_not_waited_for(prefect_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    api = LocalApi()
    with pytest.raises(LocalApiError, match="exited with status|did not answer"):
        api.wait_ready(timeout=60)
    assert api.process is None


def test_a_configured_server_is_seen_before_prefect_is_imported() -> None:
    probe = ("import sys; from wirewash.flows.local_api import spawn_local_api; "
             "print(spawn_local_api(), 'prefect' in sys.modules)")
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:4200/api"}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["None", "False"], done.stderr


@pytest.mark.usefixtures("prefect_harness")
def test_once_prefect_is_imported_its_settings_say_which_server_is_configured() -> None:
    from prefect.settings import PREFECT_API_URL

    assert configured_api_url() == PREFECT_API_URL.value() and configured_api_url()


def _tables(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()


def _started(home: Path, monkeypatch: pytest.MonkeyPatch) -> LocalApi:
    """A server started on ``home``, asked for its health, and stopped (its process gone)."""
    monkeypatch.setenv("PREFECT_HOME", str(home))
    api = LocalApi()
    process = api.process
    assert process is not None
    api.wait_ready()
    assert _health(api) == 200
    api.stop()
    assert process.poll() is not None and api.process is None
    api.stop()  # twice is harmless
    return api


def test_a_new_home_starts_from_the_database_the_first_one_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    first = _started(tmp_path / "first", monkeypatch)
    assert first.fresh and not first.seeded and first.template is not None
    assert {"alembic_version", "flow_run", "block_type"} <= _tables(first.template.path)
    second = _started(tmp_path / "second", monkeypatch)
    assert second.fresh and second.seeded
    assert _tables(tmp_path / "second" / "prefect.db") == _tables(first.template.path)
    again = _started(tmp_path / "second", monkeypatch)  # a home with its database is left as it is
    assert not again.fresh and not again.seeded


def test_a_template_the_server_cannot_start_from_is_dropped_and_the_database_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    template = DatabaseTemplate(tmp_path / "home").path
    template.parent.mkdir(parents=True)
    template.write_bytes(b"not a database" * 100)
    api = _started(tmp_path / "home", monkeypatch)
    assert api.fresh and not api.seeded  # seeded, refused, built anew
    assert "alembic_version" in _tables(tmp_path / "home" / "prefect.db") and "alembic_version" in _tables(template)


def test_a_run_on_a_process_pool_starts_one_temporary_api_and_no_other(tmp_path: Path) -> None:
    """The pool forwards its workers' events from a thread outside the run's settings: that thread must find the
    run's server, not start one of its own (Prefect's clients start one wherever no API URL is set)."""
    import shutil

    from conftest import SAMPLES, folder_args, watch_run_processes

    shutil.copytree(SAMPLES, tmp_path / "raw")
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    args = [sys.executable, "-m", "wirewash.flows.cli", "run", "-q", "--batch-size", "1", *folder_args(tmp_path)]
    run = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    servers = [pid for pid, command in watch_run_processes(run, tmp_path / "state").items() if b"uvicorn" in command]
    out, err = run.communicate()
    assert run.returncode == 0, err
    assert len(servers) == 1 and "Failed to forward" not in err, (servers, err)


def test_clients_of_the_loopback_api_load_one_certificate_not_the_bundle(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Prefect's client builds a TLS context from its CA file each time one is made (two per task run in a pool
    worker), even for a plain-HTTP API: for the loopback API the file holds one certificate."""
    import ssl

    import certifi
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_SSL_CERT_FILE, PREFECT_API_URL, temporary_settings

    path = loopback_ca_file(tmp_path / "home")
    assert ssl.create_default_context(cafile=path).cert_store_stats()["x509_ca"] == 1
    assert ssl.create_default_context(cafile=certifi.where()).cert_store_stats()["x509_ca"] > 100
    written = path.stat().st_mtime_ns
    assert loopback_ca_file(tmp_path / "home") == path and path.stat().st_mtime_ns == written  # not rewritten
    path.write_text("stale", encoding="ascii")
    assert loopback_ca_file(tmp_path / "home").read_text(encoding="ascii").startswith("-----BEGIN CERTIFICATE-----")

    loaded: list[object] = []
    real = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda *a, **k: loaded.append(k.get("cafile")) or real(*a, **k))
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api", PREFECT_API_SSL_CERT_FILE: str(path)}):
        get_client(sync_client=True)
    assert loaded == [str(path)]
