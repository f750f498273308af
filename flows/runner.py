"""Where a run's task runs go: a local process pool, or a Dask cluster given its address.

A stage submits one task run per batch of files (:func:`submit`); batches grow to a few per worker on a
pool (:func:`batches`), since Prefect spends ~60 ms of CPU on each task run in a subprocess. A run
whose files fit one batch runs it in the flow's own thread and never starts a pool. With no Prefect server
configured, :func:`shared_local_api` starts Prefect's temporary API once for the flow and its workers.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner

from wirewash.flows.local_api import LocalApi, loopback_ca_file
from wirewash.tasks.params import RunParams

T = TypeVar("T")
POOL: ContextVar["_TaskPool | None"] = ContextVar("wirewash_task_pool", default=None)


def task_runner_for(params: RunParams) -> TaskRunner:
    """The runner for a run's read and clean tasks: a Dask cluster at ``params.dask``, else a local process pool.

    The pool's size is Prefect's ``PREFECT_TASKS_RUNNER_PROCESSPOOL_MAX_WORKERS`` (default: all cores).
    """
    if params.dask:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as err:
            raise RuntimeError("--dask needs prefect-dask and distributed: pip install 'wirewash[dask]'") from err
        return DaskTaskRunner(address=params.dask)
    return ProcessPoolTaskRunner()


TASKS_PER_WORKER = 8
"""On a pool, a stage makes about this many task runs per worker: enough to balance slow pages against
quick ones, few enough that Prefect's cost per task run in a subprocess (~60 ms of CPU between the worker,
Prefect's API and the flow: fresh settings and API clients per run, the run's states recorded) stays a few
percent of the stage."""

GROWN_BATCH_FILES = 256
"""Batches grown to :data:`TASKS_PER_WORKER` per worker stop growing at this many files: a worker holds its
batch's documents at once, so without a cap its memory grew with the run (22,000 text files made batches of
1,378 files and workers of ~550 MB; 512-file batches ~470 MB). At ~60 ms of Prefect a task run, that is
~0.25 ms a file. The read stage asks for no cap: a read worker holds its batch's texts, not their documents."""


class _TaskPool:
    """The run's runner, started on first use (a run of a single batch never pays for a pool)."""

    def __init__(self, params: RunParams, stack: ExitStack) -> None:
        self.params, self.runner = params, None
        self.stack = stack.enter_context(ExitStack())

    def get(self) -> TaskRunner:
        if self.runner is None:
            self.runner = self.stack.enter_context(task_runner_for(self.params))
        return self.runner

    def close(self) -> None:
        self.stack.close()
        self.runner = None

    def workers(self) -> int:
        runner = self.get()
        if self.params.dask:
            return max(1, sum(runner.client.nthreads().values()))  # type: ignore[attr-defined]
        return max(1, getattr(runner, "_max_workers", None) or os.cpu_count() or 1)


@contextmanager
def task_pool(params: RunParams) -> Iterator[None]:
    """For the flow body: batches submitted with :func:`submit` go to the run's pool or cluster."""
    with ExitStack() as stack:
        token = POOL.set(_TaskPool(params, stack))
        try:
            yield
        finally:
            POOL.reset(token)


def release_pool() -> None:
    """Stop the run's pool (its worker processes and their memory) once no stage will submit to it again;
    a later :func:`submit` would start a new one. On a Dask cluster only this run's client goes."""
    pool = POOL.get()
    if pool is not None:
        pool.close()


def return_freed_memory() -> None:
    """Hand the memory a finished stage freed back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    The flow's stages make and drop millions of small objects and many large buffers (results unpickled
    from workers, the reuse stage's arrays and pair records). Freed, glibc keeps their pages for reuse,
    so the process stays as large as its busiest moment for the rest of the run (measured on a 22k-file
    run: 120 MB after cleaning, 450 MB after reuse). ``malloc_trim(0)`` returns every free page.
    """
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None


BATCH_BYTES = 16_000_000
"""A batch's raw input, at most (unless one file is larger): a worker holds its batch's texts and their
cleaned documents at once, several times the input's bytes, so a pool's memory is bounded by this,
not by the size of the run."""


def batches(params: RunParams, items: list[T], sizes: list[int] | None = None,
            grown_files: int | None = GROWN_BATCH_FILES) -> list[list[T]]:
    """``items`` in batches of ``params.batch_size``; on a pool, batches grow to about
    :data:`TASKS_PER_WORKER` per worker when there are more, up to ``grown_files`` files (``None``: no file
    cap, for a stage whose worker holds only its batch's texts). With ``sizes`` (each item's bytes),
    a batch also ends before it would pass :data:`BATCH_BYTES`. Results never depend on the batching."""
    size = params.batch_size
    pool = POOL.get()
    if pool is not None and (len(items) > size or pool.params.dask):
        grown = -(-len(items) // (TASKS_PER_WORKER * pool.workers()))
        size = max(size, grown if grown_files is None else min(grown_files, grown))
    out: list[list[T]] = []
    held = 0
    for n, item in enumerate(items):
        weight = sizes[n] if sizes is not None else 0
        if not out or len(out[-1]) >= size or (out[-1] and held + weight > BATCH_BYTES):
            out.append([])
            held = 0
        out[-1].append(item)
        held += weight
    return out


def submit(task: Any, calls: list[dict[str, Any]]) -> list[Any]:
    """One task run per call. Several batches (or any batch, on a Dask cluster) go to the run's pool;
    a lone batch runs on the flow's default thread runner. The results do not depend on where a batch ran."""
    pool = POOL.get()
    if pool is None or (len(calls) < 2 and not pool.params.dask):
        return [task.submit(**call) for call in calls]
    runner = pool.get()
    return [runner.submit(task, call) for call in calls]


def take_results(futures: list[Any]) -> Iterator[Any]:
    """Each future's result, in order; each future leaves ``futures`` (and is let go) once its result is taken.

    A finished future holds its result until it goes: on a process pool the pickled bytes, on a Dask
    cluster the value itself, kept on a worker. Held to a stage's end, the clean stage's futures kept every
    batch's heads twice in the flow, as bytes and as the objects unpickled from them."""
    futures.reverse()
    while futures:
        yield futures.pop().result()


def start_in_process(fn: Callable[..., T], *args: Any) -> Future[T]:
    """Start ``fn(*args)`` in a fresh process of its own and return its future; the process ends when it is done.

    For work the flow can hand off and go on without (the clean texts and provenance, read back from the
    result cache while the flow writes ``corpus.jsonl`` and the reuse pairs; the Parquet table, written from
    ``corpus.jsonl`` while the flow writes the pairs and the report): on a machine whose pool is gone by
    then, it uses the core the flow is not using. Spawned, not forked: the flow holds the corpus's heads, which a
    forked child would copy page by page as it touched them. It carries the run's lifeline tag like any
    process the run starts (:mod:`wirewash.flows.lifeline`). ``future.result()`` raises what ``fn`` raised.
    """
    executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    future = executor.submit(fn, *args)
    executor.shutdown(wait=False)  # the process ends after this one call; the future still gives its result
    return future


@contextmanager
def shared_local_api(early: LocalApi | None = None) -> Iterator[None]:
    """With no Prefect server configured, use one temporary local API for this process *and its pool workers*
    (left alone, every worker process would start a temporary API of its own: seconds of CPU each, and task
    runs reported to servers that vanish); it is stopped at exit, after Prefect has sent what it still
    holds. A configured server is used as is. ``early``: the API the command line started before its
    imports (:mod:`wirewash.flows.local_api`); without it one is started here. Its clients load a CA file of
    one certificate, not the whole bundle (:func:`~wirewash.flows.local_api.loopback_ca_file`)."""
    from prefect.settings import PREFECT_API_SSL_CERT_FILE, PREFECT_API_URL, PREFECT_HOME, temporary_settings

    if PREFECT_API_URL.value():  # a server the user configured (a profile, prefect.toml) wins over an early start
        if early is not None:
            early.stop()
        yield
        return
    api = early if early is not None else LocalApi()
    import prefect.server.api.server  # noqa: F401 - for register_with_prefect(), imported while the server boots

    api.wait_ready()
    api.register_with_prefect()
    # plain HTTP on 127.0.0.1: no certificate is ever checked, whatever CA file the machine names
    ca_file = str(loopback_ca_file(PREFECT_HOME.value()))
    with temporary_settings(updates={PREFECT_API_URL: api.api_url, PREFECT_API_SSL_CERT_FILE: ca_file}):
        yield
