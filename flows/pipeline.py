"""The wirewash flow: read → clean → find reuse → write. It only orders the stages.

Work is batched: one read task and one clean task per ``batch_size`` raw
files, one reuse task for the whole corpus, one write task. A file that
fails anywhere is quarantined with its reason and the run goes on.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from collections.abc import Iterator
from typing import Any

from prefect import flow, get_run_logger

from tasks.annotation import annotate_paragraphs, drop_duplicates
from tasks.cleaner import clean_batch_task, find_outlet_templates
from tasks.intake import RawText, list_raw_files, read_batch_task
from tasks.outputs import begin_report, commit_report, dump_json, dump_jsonl, write_clean
from tasks.reuse import find_reuse_task, paragraph_refs
from tasks.params import RunParams
from tasks.records import Document, Quarantine
from tasks.report import render_report
from tasks.summary import build_summary, make_run_id


class NothingProcessedError(RuntimeError):
    """No raw file could be processed: the run wrote nothing."""


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start


@flow(name="wirewash-run", log_prints=False, validate_parameters=True)
def wirewash_run(params: RunParams) -> dict[str, Any]:
    """Clean every raw file, find reused paragraphs, and write clean/ and reports/<run-id>/."""
    logger = get_run_logger()
    timings: dict[str, float] = {}
    wall = time.perf_counter()
    sources = list_raw_files(params.raw)
    run_id = make_run_id(sources, params.resolved())

    with _timed(timings, "read"):
        futures = [read_batch_task.submit(params.raw, batch, params.max_file_bytes)
                   for batch in _chunks(sources, params.batch_size)]
        read = [item for future in futures for item in future.result()]
    raws = [item for item in read if isinstance(item, RawText)]
    quarantined = [item for item in read if isinstance(item, Quarantine)]

    with _timed(timings, "clean"):
        templates = find_outlet_templates(raws, params.template_min_docs)
        futures = [clean_batch_task.submit(batch, templates)
                   for batch in (raws[i : i + params.batch_size] for i in range(0, len(raws), params.batch_size))]
        cleaned = [item for future in futures for item in future.result()]
    documents = sorted((d for d in cleaned if isinstance(d, Document)), key=lambda d: d.id)
    quarantined += [q for q in cleaned if isinstance(q, Quarantine)]
    if not documents:
        raise NothingProcessedError(
            f"none of the {len(sources)} files under {params.raw} could be processed; "
            "see the reasons above, or point --raw at a folder of text or HTML scrapes"
        )

    with _timed(timings, "reuse"):
        result = find_reuse_task(paragraph_refs(documents), params)
    overlaps, clusters = list(result.overlaps), list(result.clusters)
    if params.drop_duplicates:
        drop_duplicates(documents, clusters)

    with _timed(timings, "write"):
        write_clean(params.clean, documents, annotate_paragraphs(documents, overlaps, clusters))
        staging = begin_report(params.reports, run_id)
        provenance = (seg.to_json() for doc in documents for seg in doc.segments)
        dump_jsonl(staging / "provenance.jsonl", provenance)
        overlap_records = [o.to_json() for o in overlaps]
        dump_jsonl(staging / "overlaps.jsonl", overlap_records)
        cluster_records = [c.to_json() for c in clusters]
        dump_jsonl(staging / "clusters.jsonl", cluster_records)
    timings["total"] = time.perf_counter() - wall
    summary = build_summary(run_id, params.resolved(), len(sources), documents, quarantined,
                            overlap_records, cluster_records, timings)
    dump_json(staging / "summary.json", summary)
    (staging / "report.html").write_text(render_report(summary, documents, overlap_records), encoding="utf-8")
    final = commit_report(params.reports, run_id, staging)
    logger.info("run %s: %d documents, %d quarantined, %d reuse pairs → %s",
                run_id, len(documents), len(quarantined), len(overlap_records), final)
    return summary
