"""The wirewash flow: read → clean → find reuse → write. It only orders the stages.

Work is batched: one read task and one clean task per ``batch_size`` raw
files, one reuse task for the whole corpus, one write task. A file that
fails anywhere is quarantined with its reason and the run goes on. Read and
clean tasks run on a local process pool, or on a Dask cluster with
``--dask`` (see "task runner" below); on either, batches grow to a few per
worker.
"""
from __future__ import annotations

import os
import signal
import time
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.states import Failed
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner
from prefect.utilities.annotations import quote

from wirewash.tasks.reuse.annotation import annotate_paragraphs, drop_duplicates
from wirewash.tasks.clean.cleaner import clean_batch_task, find_outlet_templates
from wirewash.tasks.clean.cache import (FileRead, ResultCache, cache_key, cleaning_fingerprint, lines_key, load_manifest,
                               read_files_task, save_manifest, stamp_files)
from wirewash.tasks.store.lock import hold_run_lock
from wirewash.flows import environment
from wirewash.flows.lifeline import tie_processes_to_run
from wirewash.tasks.read.intake import RawListing, RawText, scan_raw_folder
from wirewash.tasks.store.outputs import (assign_unique_ids, begin_report, commit_report, dump_json, dump_jsonl, publish_clean,
                           stage_clean, swap_into_place, tidy_clean)
from wirewash.tasks.reuse.detect import find_reuse_task, paragraph_refs
from wirewash.tasks.reuse.index import commit_index
from wirewash.tasks.params import RunParams
from wirewash.tasks.records import Document, Quarantine
# --- report hand-off (issue #6): progress, report data, Parquet, artifacts ---
from wirewash.flows import progress
from wirewash.flows.artifacts import publish_artifacts
from wirewash.tasks.report.parquet import PARQUET_NAME, write_paragraphs_parquet
from wirewash.tasks.report.html import render_report_data
from wirewash.tasks.report.data import build_report_data
# --- end report hand-off imports ---
from wirewash.tasks.report.summary import NameCollision, build_summary, make_run_id


class NothingProcessedError(RuntimeError):
    """No raw file could be processed: clean/ and reports/latest are left as they were; ``summary`` (also at
    ``summary_path``) lists every file with its reason."""

    def __init__(self, message: str, summary: dict[str, Any], summary_path: Path) -> None:
        super().__init__(message)
        self.summary, self.summary_path = summary, summary_path


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    progress.stage(stage)
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


def crash_point(name: str) -> None:
    """Die here, as a SIGKILL would, when ``WIREWASH_CRASH_AT`` names this point (crash-safety tests)."""
    if os.environ.get("WIREWASH_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


# --- task runner (issue #8): a local process pool, or a Dask cluster given its address -------------
T = TypeVar("T")
_POOL: ContextVar["_TaskPool | None"] = ContextVar("wirewash_task_pool", default=None)


def task_runner_for(params: RunParams) -> TaskRunner:
    """The runner for a run's read and clean tasks: a Dask cluster at ``params.dask``, else a local process pool.

    The pool's size is Prefect's ``PREFECT_TASKS_RUNNER_PROCESS_POOL_MAX_WORKERS`` (default: all cores).
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
quick ones, few enough that Prefect's cost per task run in a subprocess (~0.1 CPU-second: a fresh API
client and settings per run) stays a few percent of the stage."""


class _TaskPool:
    """The run's runner, started on first use (a run of a single batch never pays for a pool)."""

    def __init__(self, params: RunParams, stack: ExitStack) -> None:
        self.params, self.stack, self.runner = params, stack, None

    def get(self) -> TaskRunner:
        if self.runner is None:
            self.runner = self.stack.enter_context(task_runner_for(self.params))
        return self.runner

    def workers(self) -> int:
        runner = self.get()
        if self.params.dask:
            return max(1, sum(runner.client.nthreads().values()))  # type: ignore[attr-defined]
        return max(1, getattr(runner, "_max_workers", None) or os.cpu_count() or 1)


@contextmanager
def task_pool(params: RunParams) -> Iterator[None]:
    """For the flow body: batches submitted with :func:`_submit` go to the run's pool or cluster."""
    with ExitStack() as stack:
        token = _POOL.set(_TaskPool(params, stack))
        try:
            yield
        finally:
            _POOL.reset(token)


def _batches(params: RunParams, items: list[T]) -> list[list[T]]:
    """``items`` in batches of ``params.batch_size``; on a pool, batches grow to about
    :data:`TASKS_PER_WORKER` per worker when there are more (results never depend on the batching)."""
    size = params.batch_size
    pool = _POOL.get()
    if pool is not None and (len(items) > size or pool.params.dask):
        size = max(size, -(-len(items) // (TASKS_PER_WORKER * pool.workers())))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _submit(task: Any, calls: list[dict[str, Any]]) -> list[Any]:
    """One task run per call. Several batches (or any batch, on a Dask cluster) go to the run's pool;
    a lone batch runs on the flow's default thread runner. The results do not depend on where a batch ran."""
    pool = _POOL.get()
    if pool is None or (len(calls) < 2 and not pool.params.dask):
        return [task.submit(**call) for call in calls]
    runner = pool.get()
    return [runner.submit(task, call) for call in calls]


@contextmanager
def shared_local_api() -> Iterator[None]:
    """With no Prefect server configured, start Prefect's temporary local API once and point this process
    *and its pool workers* at it (left alone, every worker process would start a temporary API of its own:
    seconds of CPU each, and task runs reported to servers that vanish). A configured server is used as is."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()  # stopped at exit, as Prefect's own temporary API is
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield
# --- end task runner ------------------------------------------------------------------------------


def _read_sources(params: RunParams, sources: list[str]) -> dict[str, FileRead]:
    """Read ``sources`` in batches, one task per batch."""
    batches = _batches(params, sources)
    futures = _submit(read_files_task, [{"raw_dir": params.raw, "sources": batch, "max_bytes": params.max_file_bytes}
                                        for batch in batches])
    read: dict[str, FileRead] = {}
    for future in progress.track(futures, [len(b) for b in batches], "read"):
        read.update(future.result())
    return read


def _clean_sources(
    params: RunParams, read: dict[str, list[RawText | Quarantine]], templates: dict[str, frozenset[str]]
) -> dict[str, list[Document | Quarantine]]:
    """Clean what was read, in batches of documents; results come back grouped by raw file."""
    items = [(source, raw) for source in sorted(read) for raw in read[source] if isinstance(raw, RawText)]
    results: dict[str, list[Document | Quarantine]] = {
        source: [q for q in read[source] if isinstance(q, Quarantine)] for source in read
    }
    batches = _batches(params, items)
    # each batch carries only its own outlets' template lines (what clean_batch looks up), not the corpus's
    futures = _submit(clean_batch_task, [{"raws": [raw for _, raw in batch],
                                          "templates": {o: templates[o] for o in {raw.outlet for _, raw in batch}
                                                        if o in templates}} for batch in batches])
    # track() first: zip stops at the shorter input, and track() counts a batch when asked for the next
    for future, batch in zip(progress.track(futures, [len(b) for b in batches], "clean"), batches):
        for (source, _), result in zip(batch, future.result()):
            results[source].append(result)
    return results


def _summarize(params: RunParams, run_id: str, listing: RawListing, documents: list[Document],
               quarantined: list[Quarantine], overlaps: list[dict[str, Any]], clusters: list[dict[str, Any]],
               timings: dict[str, float], wall: float, **extra: Any) -> dict[str, Any]:
    """The run summary as ``summary.json`` holds it, with the stage timings, the whole command's wall time and
    its start-up (Prefect's included) when the command line said when it started, and what the scan skipped."""
    timings["total"] = time.perf_counter() - wall
    started = environment.command_started_at
    if started is not None:
        timings["startup"] = wall - started
        timings["wall"] = time.perf_counter() - started
    return build_summary(run_id, params, len(listing.files), documents, quarantined, overlaps, clusters, timings,
                         skipped=listing.skipped, **extra).to_json()


def _nothing_processed(params: RunParams, run_id: str, listing: RawListing, quarantined: list[Quarantine],
                       timings: dict[str, float], wall: float) -> State:
    """No file could be processed: keep clean/ and reports/latest as they are, write the summary (every
    reason) as ``reports/<run>/summary.json``, and end the flow run Failed, without a traceback."""
    summary = _summarize(params, run_id, listing, [], quarantined, [], [], timings, wall)
    staging = begin_report(params.reports, run_id)
    dump_json(staging / "summary.json", summary)
    final = params.reports / run_id
    swap_into_place(staging, final)
    error = NothingProcessedError(
        f"none of the {len(listing.files)} files under {params.raw} could be processed; point --raw at a folder "
        f"of text or HTML scrapes", summary, final / "summary.json")
    return Failed(message=str(error), data=error)


@flow(name="wirewash-run", log_prints=False, validate_parameters=True)
def wirewash_run(params: RunParams) -> dict[str, Any] | State:
    """Clean every raw file, find reused paragraphs, and write clean/ and reports/<run-id>/.

    One run at a time per state folder. Unchanged raw files are not cleaned
    again (their cached results are reused) unless ``params.full``.
    """
    # under the lock: processes tied to this run (leftovers of a dead one ended), a killed run's clean/ tidied
    with hold_run_lock(params.state, params.lock_wait), tie_processes_to_run(params.state), task_pool(params):
        tidy_clean(params.clean)
        return _run(params)


def _run(params: RunParams) -> dict[str, Any] | State:
    logger = get_run_logger()
    timings: dict[str, float] = {}
    wall = time.perf_counter()
    listing = scan_raw_folder(params.raw)
    sources = listing.files
    run_id = make_run_id(sources, params.resolved())
    cache = ResultCache(params.state)
    fingerprint = cleaning_fingerprint(params.cleaning_parameters())

    with _timed(timings, "read"):
        previous = load_manifest(params.state)  # also under --full: the summary counts what left raw/
        stamps = stamp_files(params.raw, sources, {} if params.full else previous)
        lines_keys = {source: lines_key(source, stamp) for source, stamp in stamps.items()}
        candidates: dict[str, list[tuple[str, list[str]]] | None] = {
            source: None if params.full or source not in stamps else cache.get_lines(lines_keys[source])
            for source in sources
        }
        first_read = _read_sources(params, [s for s in sources if candidates[s] is None])
        read = {source: done.items for source, done in first_read.items()}
        for source, done in first_read.items():
            candidates[source] = done.candidates
            if source in stamps:
                cache.put_lines(lines_keys[source], candidates[source] or [])
    crash_point("after-read")

    with _timed(timings, "clean"):
        templates = find_outlet_templates(
            (pair for source in sources for pair in candidates[source] or []), params.template_min_docs
        )
        keys = {
            source: cache_key(source, stamps[source], (outlet for outlet, _ in candidates[source] or []), fingerprint,
                              {line for outlet, lines in candidates[source] or [] for line in lines
                               if line in templates.get(outlet, frozenset())})
            for source in sources if source in stamps
        }
        results: dict[str, list[Document | Quarantine]] = {}
        if not params.full:
            for source, key in keys.items():
                cached = cache.get_results(key, source)
                if cached is not None:
                    results[source] = cached
        to_clean = [s for s in sources if s not in results]
        read.update({source: done.items for source, done in
                     _read_sources(params, [s for s in to_clean if s not in read]).items()})
        cleaned = _clean_sources(params, {s: read[s] for s in to_clean}, templates)
        for source, items in cleaned.items():
            results[source] = items
            if source in keys:
                cache.put_results(keys[source], items)
    crash_point("after-clean")
    flat = [item for source in sources for item in results.get(source, [])]
    # two inputs never share one clean file or document id: colliding ones keep their extension (listed in the summary)
    documents, collisions = assign_unique_ids([d for d in flat if isinstance(d, Document)])
    quarantined = [q for q in flat if isinstance(q, Quarantine)]
    if not documents:
        return _nothing_processed(params, run_id, listing, quarantined, timings, wall)

    with _timed(timings, "reuse"):
        # the whole current corpus; the persistent index (state folder or Redis) supplies what earlier runs
        # computed and tags each paragraph with the index batch that first indexed it; committed with the run below
        result = find_reuse_task(quote(paragraph_refs(documents)), params, run_id)  # quote(): no Prefect walk of each ref (#8)
    overlaps, clusters = list(result.overlaps), list(result.clusters)
    if params.drop_duplicates:
        drop_duplicates(documents, clusters)

    with _timed(timings, "write"):
        annotations = annotate_paragraphs(documents, overlaps, clusters)
        clean_staging = stage_clean(params.clean, documents, annotations,
                                    # + clean/paragraphs.parquet when pyarrow is there
                                    extra=lambda staging: write_paragraphs_parquet(staging / PARQUET_NAME, documents,
                                                                                   annotations))
        staging = begin_report(params.reports, run_id)
        provenance = (seg.to_json() for doc in documents for seg in doc.segments)
        dump_jsonl(staging / "provenance.jsonl", provenance)
        overlap_records = [o.to_json() for o in overlaps]
        dump_jsonl(staging / "overlaps.jsonl", overlap_records)
        cluster_records = [c.to_json() for c in clusters]
        dump_jsonl(staging / "clusters.jsonl", cluster_records)
    counts = {"files_cleaned": len(to_clean), "files_from_cache": len(sources) - len(to_clean),
              "files_deleted": len(set(previous) - set(sources))}  # deleted: their outputs are gone with this run
    for name in ("paragraphs_indexed", "paragraphs_from_index", "contents_encoded", "texts_signed"):
        counts[name] = int(result.stats.get(name, sum(len(d.paragraphs) for d in documents)
                                            if name == "paragraphs_indexed" else 0))
    for name in ("archive_paragraphs_read", "archive_texts_proposed"):  # --reuse-index archive: what the batch touched
        if name in result.stats:
            counts[name] = int(result.stats[name])
    summary = _summarize(params, run_id, listing, documents, quarantined, overlap_records, cluster_records,
                         timings, wall, run_counts=counts, index_batch=result.batch,
                         collisions=[NameCollision(**c) for c in collisions])
    dump_json(staging / "summary.json", summary)
    # --- report hand-off (issue #6) ---
    current = {doc.source for doc in documents}
    archived = [ref for o in overlaps for ref in (o.a, o.b) if ref.file not in current]  # --reuse-index archive
    archived += [ref for c in clusters for ref in (c.canonical, *c.members) if ref.file not in current]
    report_data = build_report_data(summary, documents, overlap_records, cluster_records, annotations, archived)
    (staging / "report.html").write_text(render_report_data(report_data), encoding="utf-8")
    # Commit: everything is staged; two renames publish it (clean/ first, then reports/latest).
    crash_point("before-commit")
    publish_clean(clean_staging, params.clean)
    crash_point("after-clean-commit")
    final = commit_report(params.reports, run_id, staging)
    save_manifest(params.state, stamps)
    commit_index(result.index_commit)  # the reuse index goes live with the run (tasks/reuse/index.py)
    cache.prune(set(keys.values()), set(lines_keys.values()))
    publish_artifacts(summary, report_data["clusters"], final / "report.html")
    # --- end report hand-off ---
    logger.info("run %s: %d documents, %d quarantined, %d reuse pairs → %s",
                run_id, len(documents), len(quarantined), len(overlap_records), final)
    return summary
