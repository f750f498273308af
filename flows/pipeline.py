"""The wirewash flow: read → clean → find reuse → write. It only orders the stages.

Work is batched: one read task and one clean task per batch of raw files (``flows/runner.py`` decides
where they run: a process pool, or a Dask cluster with ``--dask``), one reuse task for the whole corpus,
then the outputs are written aside and published. What must be read and cleaned, and what earlier runs
already did, is the clean stage's plan (``tasks/clean/plan.py``). A file that fails anywhere is
quarantined with its reason and the run goes on.
"""
from __future__ import annotations

import os
import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger
from prefect.client.schemas.objects import State
from prefect.states import Failed
from prefect.utilities.annotations import quote

from wirewash.flows import environment, progress, runner
from wirewash.flows.artifacts import publish_artifacts
from wirewash.flows.lifeline import tie_processes_to_run
from wirewash.tasks.clean.cache import FileRead, FileStamp, read_files_task
from wirewash.tasks.clean.cleaner import clean_batch_task
from wirewash.tasks.clean.plan import CleanedItem, CleaningPlan
from wirewash.tasks.clean.result_cache import DocumentShelf
from wirewash.tasks.params import RunParams
from wirewash.tasks.read.intake import RawListing, RawText, scan_raw_folder
from wirewash.tasks.read.spill import SpilledText
from wirewash.tasks.records import Document, JsonRecords, Quarantine
from wirewash.tasks.report.data import ParagraphIndex, build_report_data
from wirewash.tasks.report.documents import write_corpus_entries, write_document_views, write_line_outputs
from wirewash.tasks.report.html import write_report_page
from wirewash.tasks.report.parquet import PARQUET_NAME, write_corpus_parquet
from wirewash.tasks.report.summary import NameCollision, build_summary, make_run_id, rounded_timings
from wirewash.tasks.reuse.annotation import annotate_paragraphs, drop_paragraphs, plan_drops
from wirewash.tasks.reuse.detect import find_reuse_task, paragraph_refs, reuse_counts, write_batch_segment
from wirewash.tasks.reuse.index import commit_index
from wirewash.tasks.reuse.verify import Handover
from wirewash.tasks.store.lock import hold_run_lock
from wirewash.tasks.store.outputs import (CleanStaging, JsonlRecords, assign_unique_ids, begin_report, commit_report,
                                          dump_json, dump_jsonl, publish_clean, renamed_ids, swap_into_place, tidy_clean)


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


def _read_sources(params: RunParams, sources: list[str], stamps: dict[str, FileStamp], spill: Path,
                  tag: str) -> dict[str, FileRead]:
    """Read ``sources`` in batches (sized by the files' bytes, as ``stamps`` know them), one task per batch;
    each batch's texts are left in ``spill`` (the flow receives what each file yielded, by name, and its
    template candidates). A read worker holds its batch's texts, not their documents: its grown batches have
    no file cap, only the byte bound (fewer task runs, each ~60 ms of Prefect's CPU on a pool)."""
    batches = runner.batches(params, sources, [stamps[s].size if s in stamps else 0 for s in sources], grown_files=None)
    futures = runner.submit(read_files_task, [{"raw_dir": params.raw, "sources": batch, "max_bytes": params.max_file_bytes,
                                               "spill": spill / f"read-{tag}-{n:05d}.pickle"}
                                              for n, batch in enumerate(batches)])
    read: dict[str, FileRead] = {}
    for payload in progress.track(runner.take_results(futures), [len(b) for b in batches], "read"):
        read.update(payload.unpack())
    return read


def _clean_sources(
    params: RunParams, read: dict[str, list[RawText | SpilledText | Quarantine]], templates: dict[str, frozenset[str]],
    spill: Path
) -> dict[str, list[CleanedItem]]:
    """Clean what was read, in batches of documents; results come back grouped by raw file, each document
    as its head, its whole record spilled by the worker to ``spill/batch-<n>.jsonl``. Each worker then
    encodes and signs its batch's kept paragraphs for the reuse stage (``<state>/reuse-spill/batch-<n>``)."""
    items = [(source, raw) for source in sorted(read) for raw in read[source] if not isinstance(raw, Quarantine)]
    results: dict[str, list[CleanedItem]] = {
        source: [CleanedItem(q) for q in read[source] if isinstance(q, Quarantine)] for source in read
    }
    batches = runner.batches(params, items, [raw.size if isinstance(raw, SpilledText) else len(raw.text) for _, raw in items])
    spills = [spill / f"batch-{n:05d}.jsonl" for n in range(len(batches))]
    # each batch carries only its own outlets' template lines (what clean_batch looks up), not the corpus's
    segments = [reuse_spill(params) / f"batch-{n:05d}" for n in range(len(batches))]
    futures = runner.submit(clean_batch_task, [{"raws": [raw for _, raw in batch], "spill": path,
                                                "then": partial(write_batch_segment, segment, params),
                                                "templates": {o: templates[o] for o in {raw.outlet for _, raw in batch}
                                                              if o in templates}}
                                               for batch, path, segment in zip(batches, spills, segments)])
    # track() first: zip stops at the shorter input, and track() counts a batch when asked for the next
    for payload, batch, path in zip(progress.track(runner.take_results(futures), [len(b) for b in batches], "clean"),
                                    batches, spills):
        for number, ((source, _), result) in enumerate(zip(batch, payload.unpack())):
            results[source].append(CleanedItem(result, (path, number)))
    return results


def reuse_spill(params: RunParams) -> Path:
    """Where clean workers leave their batches' encodings and signatures for the reuse stage (gone after it)."""
    return params.state / "reuse-spill"


def _summarize(params: RunParams, run_id: str, listing: RawListing, documents: list[Document],
               quarantined: list[Quarantine], overlaps: list[dict[str, Any]], clusters: list[dict[str, Any]],
               timings: dict[str, float], wall: float, **extra: Any) -> dict[str, Any]:
    """The run summary as ``summary.json`` holds it, with the stage timings so far (:func:`_close_timings`) and
    what the scan skipped."""
    _close_timings(timings, wall)
    return build_summary(run_id, params, len(listing.files), documents, quarantined, overlaps, clusters, timings,
                         skipped=listing.skipped, **extra).to_json()


def _close_timings(timings: dict[str, float], wall: float) -> dict[str, float]:
    """``timings`` with ``total`` (the flow's stages, from ``wall``: when they began) and, when the command line
    said when it started, ``startup`` (imports, Prefect's API) and ``wall`` (the whole command), all up to now."""
    timings["total"] = time.perf_counter() - wall
    started = environment.command_started_at
    if started is not None:
        timings["startup"] = wall - started
        timings["wall"] = time.perf_counter() - started
    return timings


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
    with hold_run_lock(params.state, params.lock_wait), tie_processes_to_run(params.state), runner.task_pool(params):
        tidy_clean(params.clean)
        return _run(params)


def _read_and_clean(params: RunParams, plan: CleaningPlan, timings: dict[str, float]) -> list[Document | Quarantine]:
    """The read and clean stages: what the plan says must be read and cleaned, in batches of task runs.

    Texts and whole documents go through ``<state>/spill/``: read tasks leave texts there for the
    clean tasks, which leave whole documents there for the plan to file in the result cache; the flow
    holds names, template candidates and documents' heads. The spill goes when the stage ends."""
    spill = params.state / "spill"
    for folder in (spill, reuse_spill(params)):
        shutil.rmtree(folder, ignore_errors=True)  # a killed run's
    spill.mkdir(parents=True)
    with _timed(timings, "read"):
        read = plan.record_read(_read_sources(params, plan.unread(), plan.stamps, spill, "new"))
    crash_point("after-read")
    with _timed(timings, "clean"):
        templates = plan.outlet_templates()
        to_clean = plan.take_cached(templates)
        # files known from the cache's template lines, but whose result must be made again, are read now
        read.update({source: done.items for source, done in
                     _read_sources(params, [s for s in to_clean if s not in read], plan.stamps, spill, "again").items()})
        cleaned = _clean_sources(params, {s: read.pop(s) for s in to_clean}, templates, spill)
        # the rest runs in this process: the workers' memory goes back before the results are filed
        runner.release_pool()
        plan.record_cleaned(cleaned)
        del cleaned
        shutil.rmtree(spill)
    crash_point("after-clean")
    runner.return_freed_memory()  # and what receiving their results left free in this one
    return plan.results()


def _document_shelf(plan: CleaningPlan, documents: list[Document], collisions: list[dict[str, Any]]) -> DocumentShelf:
    """Where the whole documents (segments included) of ``documents``' heads are filed, in their order, under the
    ids cleaning gave them, each to be renamed as its head was."""
    renamed = renamed_ids(collisions)
    return plan.shelf((head.source, renamed.get((head.source, head.id), head.id), head.id) for head in documents)


def _run(params: RunParams) -> dict[str, Any] | State:
    timings: dict[str, float] = {}
    wall = time.perf_counter()
    listing = scan_raw_folder(params.raw)
    run_id = make_run_id(listing.files, params.resolved())
    plan = CleaningPlan(params, listing.files)
    results = _read_and_clean(params, plan, timings)
    # two inputs never share one clean file or document id: colliding ones keep their extension (listed in the summary)
    documents, collisions = assign_unique_ids([d for d in results if isinstance(d, Document)])
    quarantined = [q for q in results if isinstance(q, Quarantine)]
    if not documents:
        return _nothing_processed(params, run_id, listing, quarantined, timings, wall)

    with _timed(timings, "reuse"):
        # the whole current corpus; the persistent index (state folder or Redis) supplies what earlier runs
        # computed and tags each paragraph with the index batch that first indexed it; committed with the run
        # below. Handed over: the stage lets the references go once it has tagged copies. quote(): Prefect
        # would otherwise look into the argument
        result = find_reuse_task(quote(Handover(paragraph_refs(documents))), params, run_id, reuse_spill(params))
        shutil.rmtree(reuse_spill(params), ignore_errors=True)
        runner.return_freed_memory()
    overlaps, clusters = result.overlaps, list(result.clusters)  # the pairs stay a table: records made as read
    drops = plan_drops(documents, clusters) if params.drop_duplicates else {}
    documents = [drop_paragraphs(doc, drops) for doc in documents]

    with _timed(timings, "write"):
        staging = begin_report(params.reports, run_id)
        clean = CleanStaging(params.clean)
        # what needs the whole documents and no reuse note (clean texts, provenance, line counts, the views'
        # document lines) is written by a process of its own, reading them back from the cache, meanwhile
        lines_file = staging / ".document-lines.jsonl"
        line_job = runner.start_in_process(write_line_outputs, _document_shelf(plan, documents, collisions), drops,
                                           clean.path, staging / "provenance.jsonl", lines_file)
        annotations = annotate_paragraphs(documents, overlaps, clusters)
        runner.return_freed_memory()  # what making the notes freed stays in glibc's heap otherwise (~160 MB)
        current = {doc.source for doc in documents}
        archived = [ref for ref in overlaps.paragraphs() if ref.file not in current]  # --reuse-index archive
        archived += [ref for c in clusters for ref in (c.canonical, *c.members) if ref.file not in current]
        index = ParagraphIndex(documents, archived)
        write_corpus_entries(documents, clean, annotations)
        clean_staging = clean.close()
        # the Parquet table is made from corpus.jsonl in a process of its own while this one goes on
        parquet = runner.start_in_process(write_corpus_parquet, clean_staging / "corpus.jsonl",
                                          clean_staging / PARQUET_NAME)
        # the pairs as JSON, made as the writer asks; then the summary and the report read them back from
        # the files, and the pair table goes
        dump_jsonl(staging / "overlaps.jsonl", JsonRecords(overlaps))
        dump_jsonl(staging / "clusters.jsonl", JsonRecords(clusters))
        overlap_records = JsonlRecords(staging / "overlaps.jsonl", len(overlaps))
        cluster_records = JsonlRecords(staging / "clusters.jsonl", len(clusters))
        line_outputs = line_job.result()
        index.add_entries(line_outputs.dropped)
        views_file = staging / ".document-views.jsonl"  # the page's document views, until it is written
        views = write_document_views(documents, line_outputs.lines, annotations, views_file)
        lines_file.unlink()
        tally = line_outputs.tally
    run_counts = {**plan.counts(), **reuse_counts(result, documents)}
    overlap_kinds = overlaps.kind_counts()  # from the table: the summary need not parse overlaps.jsonl for them
    index_batch, index_commit = result.batch, result.index_commit
    del result, overlaps, clusters
    runner.return_freed_memory()
    summary = _summarize(params, run_id, listing, documents, quarantined, overlap_records, cluster_records,
                         timings, wall, run_counts=run_counts, index_batch=index_batch,
                         collisions=[NameCollision(**c) for c in collisions], tally=tally, overlap_kinds=overlap_kinds)
    with _timed(timings, "report"):
        report_data = build_report_data(summary, documents, overlap_records, cluster_records, annotations,
                                        views=views, index=index)
        write_report_page(staging / "report.html", report_data)
        views_file.unlink()
        parquet.result()  # clean/ is all or nothing: its table is written before it is published
    # written last, so that its times cover the report too (the page shows none of them)
    summary["timings_seconds"] = rounded_timings(_close_timings(timings, wall))
    dump_json(staging / "summary.json", summary)
    # Commit: everything is staged; clean/ is published first, then reports/latest, then the state
    crash_point("before-commit")
    publish_clean(clean_staging, params.clean)
    crash_point("after-clean-commit")
    final = commit_report(params.reports, run_id, staging)
    plan.commit()
    commit_index(index_commit)  # the reuse index goes live with the run
    publish_artifacts(summary, report_data["clusters"], final / "report.html")
    get_run_logger().info("run %s: %d documents, %d quarantined, %d reuse pairs → %s",
                          run_id, len(documents), len(quarantined), len(overlap_records), final)
    return summary
