"""Prefect's temporary local API for one run, started before the run's own imports.

With no Prefect server configured, a run needs a temporary API (uvicorn serving Prefect's server app on
a local port), as Prefect's ``SubprocessASGIServer`` starts it. Started that way it comes late: the run
first imports the flow's modules (Prefect, trafilatura, numpy, pyarrow: about two seconds), then Prefect's
server modules (two and a half more), and only then does the server process begin to import the same
modules and open its database (three and a half seconds on a state folder that has one, eight and a half
where the database must first be created). :func:`spawn_local_api` starts the same command first,
without importing Prefect, so that the run's imports and the server's start-up share the machine's cores
instead of taking turns; :meth:`LocalApi.wait_ready` then waits for the server to answer its health
check, as Prefect's own start does, and :meth:`LocalApi.register_with_prefect` makes it the temporary API
Prefect's own code finds.

A new state folder has no database yet, and Prefect builds one by running every schema migration it has
(five seconds and more, most of a first run's start-up). What it builds is the same for every state
folder of one Prefect version, so the first one built is kept as a template (:class:`DatabaseTemplate`,
in the user's cache folder) and later new state folders start from a copy; Prefect's own start then finds
the schema up to date. A template the server cannot start from is dropped and the database built anew.

A server the user configured (``PREFECT_API_URL``) is used as it is, and none is started.
"""
from __future__ import annotations

import atexit
import importlib.metadata
import importlib.util
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

STARTUP_FAILURE_EXIT = 3
"""uvicorn's exit status when it could not start: its port was taken by another process (then it starts
again on another port), or the app failed (a database it cannot open: reported)."""
START_ATTEMPTS = 5
"""Starts tried on fresh ports before giving up."""
POLL_SECONDS = 0.05
"""How often the server's health is asked while it starts."""
STOP_SECONDS = 5.0
"""How long a stopping server is given before it is killed (Prefect's own temporary API gets as long)."""
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
"""What Prefect sets for its temporary API: no UI, and a server that knows it is ephemeral."""


class LocalApiError(RuntimeError):
    """The temporary API did not start (the message says how; the server's own output went to the run's)."""


def configured_api_url() -> str | None:
    """The Prefect server the user configured, as far as can be known without importing Prefect.

    Once Prefect is imported (a test harness, a caller that imported it), its settings say (they also read
    profiles and ``prefect.toml``); before, the environment does.
    """
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    return os.environ.get("PREFECT_API_URL") or None


def free_port() -> int:
    """A port on the loopback interface that no process holds right now (the system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_taken(port: int) -> bool:
    """Whether some process holds ``port`` on the loopback interface now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Asks the local server directly: an HTTP proxy set for the machine must not carry requests to 127.0.0.1."""

CACHE_ENV = "WIREWASH_CACHE_DIR"
"""Where wirewash keeps what it can make again (default: ``$XDG_CACHE_HOME/wirewash``, else ``~/.cache/wirewash``)."""


def cache_dir() -> Path:
    """wirewash's cache folder (:data:`CACHE_ENV`)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wirewash"


class DatabaseTemplate:
    """The database Prefect's temporary API builds in a new Prefect home, kept to start the next new one from.

    One per Prefect version (its migrations decide the schema). Only the default database (``prefect.db``
    in ``PREFECT_HOME``) is templated: with ``PREFECT_API_DATABASE_CONNECTION_URL`` set, nothing is done.
    Every step is best effort: a cache folder that cannot be written only means the next start builds its
    database itself.
    """

    def __init__(self, home: Path) -> None:
        self.database = home / "prefect.db"
        self.path = cache_dir() / "prefect-db" / f"prefect-{importlib.metadata.version('prefect')}.db"
        self.applies = not os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL")

    def seed(self) -> bool:
        """Copy the template in as the database of a home that has none; whether it was."""
        if not self.applies or self.database.exists() or not self.path.is_file():
            return False
        try:
            self.database.parent.mkdir(parents=True, exist_ok=True)
            partial = self.database.with_name(f".{self.database.name}.{os.getpid()}")
            shutil.copyfile(self.path, partial)
            partial.replace(self.database)
        except OSError:
            return False
        return True

    def keep(self) -> None:
        """Keep the database a server has just built and started on as the template (unless there is one)."""
        if not self.applies or self.path.exists():
            return
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # SQLite's backup: a consistent copy while the server has the database open
            with closing(sqlite3.connect(self.database)) as source, closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)
            partial.replace(self.path)
        except (OSError, sqlite3.Error):
            partial.unlink(missing_ok=True)

    def forget(self) -> None:
        """Drop a template the server could not start from, and the database seeded from it."""
        database = self.database
        for path in (self.path, database, database.with_name(f"{database.name}-wal"),
                     database.with_name(f"{database.name}-shm")):
            path.unlink(missing_ok=True)


class LocalApi:
    """One temporary API server process: :meth:`wait_ready` before use; stopped at the process's exit.

    Its exit handler is registered before Prefect is imported, so it runs after Prefect's own (exit handlers
    run last first): Prefect sends the logs and events it still holds to a server that is still up."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        home = os.environ.get("PREFECT_HOME")  # set by the command line (the state folder's); else Prefect's own
        try:
            self.template = DatabaseTemplate(Path(home)) if home else None
        except importlib.metadata.PackageNotFoundError:  # no Prefect: _spawn says so
            self.template = None
        self.fresh = self.template is not None and not self.template.database.exists()
        self.seeded = self.template is not None and self.template.seed()
        self.process: subprocess.Popen[bytes] | None = self._spawn()
        atexit.register(self.stop)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _spawn(self) -> subprocess.Popen[bytes]:
        """The command Prefect's ``SubprocessASGIServer`` runs, on ``self.port``."""
        spec = importlib.util.find_spec("prefect")  # where Prefect lives, without importing it
        if spec is None or not spec.submodule_search_locations:
            raise LocalApiError("Prefect is not installed: reinstall wirewash (`make run`)")
        app_dir = Path(list(spec.submodule_search_locations)[0]).parent
        args = [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
                "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                "--log-level", "error", "--lifespan", "on"]
        # its output goes where the run's goes, as Prefect's own temporary API's does (a pipe nobody read
        # would fill and stall the server)
        return subprocess.Popen(args, env={**os.environ, **SERVER_ENV})

    def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the server answers its health check; start it again on another port if its own was taken.

        ``timeout`` (seconds) defaults to ``PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS`` (60 if unset),
        the limit Prefect's own temporary API has. Raises :class:`LocalApiError` when the server exits or the
        time is up.
        """
        if timeout is None:
            timeout = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 60)
        deadline = time.monotonic() + timeout
        attempts = 1
        while time.monotonic() < deadline:
            assert self.process is not None, "wait_ready() after stop()"
            status = self.process.poll()
            if status == STARTUP_FAILURE_EXIT and attempts < START_ATTEMPTS and port_taken(self.port):
                attempts += 1
                self.port = free_port()
                self.process = self._spawn()
                continue
            if status is not None and self.seeded and self.template is not None:
                self.template.forget()  # a template it cannot start from: build the database anew
                self.seeded = False
                self.process = self._spawn()
                continue
            if status is not None:
                self.process = None
                raise LocalApiError(f"Prefect's temporary API exited with status {status} (its error output is above)")
            if self._healthy():
                if self.fresh and not self.seeded and self.template is not None:
                    self.template.keep()
                return
            time.sleep(POLL_SECONDS)
        self.stop()
        raise LocalApiError(f"Prefect's temporary API did not answer within {timeout:.0f} s; raise "
                            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or start a server (`prefect server start`) "
                            "and set PREFECT_API_URL")

    def register_with_prefect(self) -> None:
        """Make this server the one Prefect's own code finds when it wants a temporary API.

        Prefect's clients for events and logs ask ``SubprocessASGIServer()`` for a temporary API wherever no
        API URL is set, and one such place is outside the run's settings: the thread in which the process
        pool forwards its workers' events. Registered under that class's default key (as Prefect's own test
        harness registers its server), this server is the one they find; else they start a second server
        (another ~200 MB, another database) and stop it at exit while it is still being written to.
        """
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer(self.port)
        server.server_process, server.running = self.process, True
        SubprocessASGIServer._instances[None] = server

    def _healthy(self) -> bool:
        try:
            with _DIRECT.open(f"{self.api_url}/health", timeout=2) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self) -> None:
        """End the server (terminate, then kill after :data:`STOP_SECONDS`); safe to call twice."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


LOOPBACK_CA_NAME = "loopback-ca.pem"
_PEM_BEGIN, _PEM_END = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"


def loopback_ca_file(home: Path) -> Path:
    """A CA file of one certificate, for the clients of the temporary API (``PREFECT_API_SSL_CERT_FILE``).

    Prefect's API client builds a TLS context each time one is made, from the whole CA bundle (certifi's,
    ~150 roots: ~30 ms of CPU), even for an ``http://`` API that never uses it; a task run in a pool worker
    makes two clients, so this was the largest part of Prefect's cost per task run there (100 no-op task
    runs on 2 workers: 91 ms of the workers' CPU a task run before, 40 ms after). Pointed at a file of one
    certificate, the context loads that instead (under 1 ms). Only for the API :class:`LocalApi` starts,
    which speaks plain HTTP on 127.0.0.1: nothing is ever verified against it. Written in ``home`` (the run's Prefect home),
    replaced only when its content would change."""
    import certifi  # Prefect's own dependency, the bundle its client would load

    bundle = Path(certifi.where()).read_text(encoding="ascii")
    first = bundle[bundle.index(_PEM_BEGIN):bundle.index(_PEM_END) + len(_PEM_END)] + "\n"
    path = home / LOOPBACK_CA_NAME
    if not path.exists() or path.read_text(encoding="ascii") != first:
        home.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}")
        aside.write_text(first, encoding="ascii")
        aside.replace(path)  # a worker reading it meanwhile sees the old file or the new, whole
    return path


def spawn_local_api() -> LocalApi | None:
    """Start a temporary API now, unless the user configured a server (then ``None``)."""
    return None if configured_api_url() else LocalApi()
