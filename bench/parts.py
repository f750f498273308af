"""The benchmark's measured parts, each run in its own process by ``bench/run.py`` (so peak memory is its own).

``python -m bench.parts <part> <work-dir> <out.json>`` writes the part's own timings as JSON:

* ``plain``: the wirewash pipeline with Prefect taken out (same code, same batching, a plain
  ``ProcessPoolExecutor`` of the same size): the wall time Prefect's share is measured against;
* ``reuse``: wirewash's reuse detection alone on the pipeline's kept paragraphs (one process);
* ``datasketch``: the baseline on the same paragraphs (word 3-gram MinHash with ``MinHash.bulk``,
  128 permutations, ``MinHashLSH`` at threshold 0.5, union-find);
* ``trafilatura``: the baseline extraction of the corpus's HTML pages (one process);
* ``extract``: wirewash's extraction (trafilatura + rules + provenance) of the same pages (one process);
* ``clean_text``: wirewash's text cleaning of a sample of the text scrapes (one process);
* ``index_scale`` (not run by ``make bench``): the archive grown to ~3,000,000 paragraphs a batch at a time,
  then a 1,000-file batch queried against it (``bench/index1m.py``), for the README's scale figures;
* ``index_build``, ``index_query``: the 1,000,000-paragraph reuse index and an incremental batch of
  1,000 files queried against it (``bench/index1m.py``).
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any


def _paragraph_refs(work: Path) -> list[Any]:
    """The pipeline's kept paragraphs, rebuilt from clean/corpus.jsonl exactly as the flow hands them to reuse."""
    from wirewash.tasks.records import Document, Paragraph
    from wirewash.tasks.reuse.detect import paragraph_refs

    docs = []
    with (work / "run" / "clean" / "corpus.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            d = json.loads(line)
            docs.append(Document(id=d["id"], source=d["source"], outlet=d["outlet"], title=d.get("title"),
                                 author=d.get("author"), published=d.get("published"), url=d.get("url"),
                                 paragraphs=[Paragraph(p["id"], p["text"], (p["lines"][0], p["lines"][1]))
                                             for p in d["paragraphs"]]))
    return paragraph_refs(docs)


def part_reuse(work: Path) -> dict[str, Any]:
    from wirewash.tasks.store.outputs import dump_jsonl
    from wirewash.tasks.params import RunParams
    from wirewash.tasks.reuse.detect import find_reuse

    refs = _paragraph_refs(work)
    params = RunParams.build(raw=work / "corpus" / "raw", reuse_index="off")
    start = time.perf_counter()
    result = find_reuse(refs, params)
    seconds = time.perf_counter() - start
    dump_jsonl(work / "reuse-overlaps.jsonl", (o.to_json() for o in result.overlaps))
    return {"paragraphs": len(refs), "seconds": seconds, "pairs": len(result.overlaps),
            "clusters": len(result.clusters)}


def part_datasketch(work: Path) -> dict[str, Any]:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    texts = [ref.text for ref in _paragraph_refs(work)]
    start = time.perf_counter()
    shingles = []
    for text in texts:
        words = text.lower().split()
        shingles.append([" ".join(words[i:i + 3]).encode() for i in range(max(1, len(words) - 2))])
    hashes = MinHash.bulk(shingles, num_perm=128)
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    for i, m in enumerate(hashes):
        lsh.insert(i, m, check_duplication=False)
    parent = np.arange(len(texts))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return int(x)

    pairs = 0
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            if j != i:
                pairs += 1
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    seconds = time.perf_counter() - start
    groups = len({find(i) for i in range(len(texts))})
    return {"paragraphs": len(texts), "seconds": seconds, "candidate_pairs": pairs // 2,
            "groups_of_two_or_more": len(texts) - groups}


def _html_pages(work: Path) -> list[Path]:
    return sorted((work / "corpus" / "raw" / "html").rglob("*.html"))


def part_trafilatura(work: Path) -> dict[str, Any]:
    import trafilatura

    pages = [p.read_text(encoding="utf-8") for p in _html_pages(work)]
    start, cpu = time.perf_counter(), time.process_time()
    chars = 0
    for html in pages:
        chars += len(trafilatura.extract(html, include_comments=False) or "")
    return {"pages": len(pages), "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "chars": chars}


def part_extract(work: Path) -> dict[str, Any]:
    from wirewash.tasks.clean.cleaner import clean_batch
    from wirewash.tasks.read.intake import read_source

    raw = work / "corpus" / "raw"
    items = [item for p in _html_pages(work) for item in read_source(raw, str(p.relative_to(raw)), 50_000_000)]
    start, cpu = time.perf_counter(), time.process_time()
    out = clean_batch(items, {})  # type: ignore[arg-type]
    return {"pages": len(items), "seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "paragraphs": sum(len(getattr(d, "paragraphs", [])) for d in out)}


def part_clean_text(work: Path, every: int = 7) -> dict[str, Any]:
    from wirewash.tasks.clean.cleaner import clean_batch, find_outlet_templates, template_candidates
    from wirewash.tasks.read.intake import RawText, read_source

    raw = work / "corpus" / "raw"
    sources = sorted(str(p.relative_to(raw)) for p in raw.rglob("*.txt"))[::every]
    items = [i for s in sources for i in read_source(raw, s, 50_000_000) if isinstance(i, RawText)]
    templates = find_outlet_templates(((i.outlet, template_candidates(i)) for i in items), 3)
    start = time.perf_counter()
    out = clean_batch(items, templates)
    return {"files": len(items), "seconds": time.perf_counter() - start,
            "paragraphs": sum(len(getattr(d, "paragraphs", [])) for d in out)}


class _PlainPool:
    """Stands in for the flow's pool in ``wirewash.flows.runner.batches``: same worker count, same batching."""

    def __init__(self, params: Any, workers: int, executor: Any) -> None:
        self.params, self._workers, self._executor = params, workers, executor

    def workers(self) -> int:
        return self._workers

    def close(self) -> None:  # as the flow's pool does after the clean stage: the workers go
        self._executor.shutdown()


class _Done:
    def __init__(self, value: Any) -> None:
        self.value = value

    def result(self) -> Any:
        return self.value


def _call_pickled(fn: bytes, call: dict[str, Any]) -> Any:
    """Run a task's function sent as cloudpickle bytes (as Prefect's process pool sends it: a task's function
    may be a wrapper, e.g. :func:`wirewash.tasks.payload.returns_payload`'s, that plain pickle cannot name)."""
    import cloudpickle

    return cloudpickle.loads(fn)(**call)


def part_plain(work: Path) -> dict[str, Any]:
    """The flow's body, ``wirewash.flows.pipeline._run``, with Prefect's task runs, logger and artifacts replaced."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import wirewash.flows.pipeline as pipeline
    import wirewash.flows.runner as runner
    from wirewash.tasks.store.lock import hold_run_lock
    from wirewash.tasks.params import RunParams
    from wirewash.tasks.reuse.detect import find_reuse

    out = work / "plain"
    params = RunParams.build(raw=work / "corpus" / "raw", clean=out / "clean", reports=out / "reports",
                             state=out / "state", full=True)
    workers = os.cpu_count() or 1
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(task: Any, calls: list[dict[str, Any]]) -> list[Any]:
        if len(calls) < 2:
            return [_Done(task.fn(**call)) for call in calls]
        import cloudpickle

        fn = cloudpickle.dumps(task.fn)
        return [executor.submit(_call_pickled, fn, call) for call in calls]

    runner.submit = submit
    # the flow wraps the paragraph list in Prefect's quote() (no per-item walk); a plain call unwraps it
    pipeline.find_reuse_task = lambda refs, *args: find_reuse(refs.unquote() if hasattr(refs, "unquote") else refs, *args)
    pipeline.get_run_logger = lambda: logging.getLogger("wirewash")
    pipeline.publish_artifacts = lambda *args, **kwargs: None
    runner.POOL.set(_PlainPool(params, workers, executor))  # type: ignore[arg-type]
    start = time.perf_counter()
    with hold_run_lock(params.state, 0.0):
        summary = pipeline._run(params)
    executor.shutdown()
    return {"seconds": time.perf_counter() - start, "timings": summary["timings_seconds"]}


def part_index_build(work: Path) -> dict[str, Any]:
    from bench.index1m import part_index_build as build

    return build(work)


def part_index_query(work: Path) -> dict[str, Any]:
    from bench.index1m import part_index_query as query

    return query(work)


def part_index_scale(work: Path) -> dict[str, Any]:
    from bench.index1m import part_index_scale as scale

    return scale(work)


if __name__ == "__main__":
    part, work, target = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    result = globals()[f"part_{part}"](work)
    target.write_text(json.dumps(result, indent=1))
