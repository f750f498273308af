"""The 1,000,000-paragraph reuse archive: build it, then query an incremental batch of 1,000 files against it.

Issue #8's goal: "an index of 1,000,000 paragraphs held in ≤ 2 GB, and an
incremental batch of 1,000 files queried against it in ≤ 30 s". The index
corpus is made from the pipeline's kept paragraphs with its own generator
(:func:`index_corpus`): as many of the pipeline's documents as give
``TARGET_PARAGRAPHS`` with their copies (spread over the corpus: every
k-th file first), as they are, plus three perturbed copies of every one of
those documents (``copy1/`` .. ``copy3/``), as if three more outlets had
picked up every story and edited it. (The version-4 corpus had ~300,000
paragraphs and used all of them; the version-5 corpus has ~500,000, and all
of them made a 2,000,000-paragraph index.) Half of a copy's paragraphs are verbatim, the rest carry one house-style
edit (a word dropped, a word inserted, two words swapped), the way wire copies
differ. The incremental batch is a fourth copy (``copy4/``) of 1,000
documents spread over the corpus: new files whose paragraphs reuse indexed ones.

Two parts, each in its own process (``bench/run.py`` samples its peak RSS):

* ``index_build``: the index corpus archived in one go
  (:func:`wirewash.tasks.reuse.archive.add_to_archive`, as a backlog is), committed:
  wall time, bytes on disk; it also writes the new batch's paragraphs to
  ``index1m/batch.jsonl`` so the query part reads nothing else;
* ``index_query``: the batch queried against the archive, as a nightly
  ``wirewash run --reuse-index archive`` does (its commit staged, not made):
  wall time, pairs, what the batch touched. Its process's peak RSS is "the
  index held and queried".

Everything is seeded by file names: the same bench corpus gives the same
index corpus, byte for byte.
"""
from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

COPIES = 3
NEW_FILES = 1_000
TARGET_PARAGRAPHS = 1_000_000
"""The index holds at least this many paragraphs: the goal's size, not whatever the bench corpus gives."""
_FILLERS = ("also", "now", "then", "still", "reportedly", "meanwhile")


def _perturb(text: str, rng: random.Random) -> str:
    """One house-style edit of a paragraph, or none (half the time): realistic near-duplicates."""
    words = text.split(" ")
    if len(words) < 6 or rng.random() < 0.5:
        return text
    at = rng.randrange(1, len(words) - 1)
    edit = rng.randrange(3)
    if edit == 0:
        del words[at]
    elif edit == 1:
        words.insert(at, rng.choice(_FILLERS))
    else:
        words[at], words[at + 1] = words[at + 1], words[at]
    return " ".join(words)


def _copy(docs: dict[str, list[Any]], copy: int, files: list[str]) -> list[Any]:
    """A perturbed copy of the documents of ``files``, under ``copy<N>/``."""
    out = []
    for file in files:
        rng = random.Random(f"{copy}:{file}")
        for ref in docs[file]:
            out.append(replace(ref, doc_id=f"copy{copy}/{ref.doc_id}", file=f"copy{copy}/{ref.file}",
                               outlet=f"copy{copy}-{ref.outlet}", text=_perturb(ref.text, rng)))
    return out


def index_corpus(work: Path) -> tuple[list[Any], list[Any]]:
    """``(indexed, new)``: the index corpus (≥ 1,000,000 paragraphs) and the 1,000 new files' paragraphs."""
    from bench.parts import _paragraph_refs

    docs: dict[str, list[Any]] = {}
    for ref in _paragraph_refs(work):
        docs.setdefault(ref.file, []).append(ref)
    files = _enough_files(docs)
    indexed = [ref for file in files for ref in docs[file]]
    for copy in range(1, COPIES + 1):
        indexed.extend(_copy(docs, copy, files))
    step = max(1, len(files) // NEW_FILES)
    new = _copy(docs, COPIES + 1, files[::step][:NEW_FILES])
    return indexed, new


def _enough_files(docs: dict[str, list[Any]]) -> list[str]:
    """The files (sorted) whose paragraphs, with ``COPIES`` copies each, make at least ``TARGET_PARAGRAPHS``:
    every k-th file first (k: how many times over the corpus would reach the target), then the others in
    order, as many as it takes; all of them when the corpus is smaller."""
    files = sorted(docs)
    total = sum(len(refs) for refs in docs.values())
    stride = max(1, total * (COPIES + 1) // TARGET_PARAGRAPHS)
    spread = files[::stride]
    chosen = set(spread)
    order = spread + [file for file in files if file not in chosen]
    taken, held = [], 0
    for file in order:
        if held * (COPIES + 1) >= TARGET_PARAGRAPHS:
            break
        taken.append(file)
        held += len(docs[file])
    return sorted(taken)


def _params(work: Path, folder: str = "index1m") -> Any:
    from wirewash.tasks.params import RunParams

    root = work / folder
    return RunParams.build(raw=work / "corpus" / "raw", clean=root / "clean", reports=root / "reports",
                           state=root / "state", reuse_index="archive")


def part_index_build(work: Path) -> dict[str, Any]:
    from wirewash.tasks.reuse.archive import ARCHIVE_DIR, add_to_archive
    from wirewash.tasks.reuse.index import commit_index

    shutil.rmtree(work / "index1m", ignore_errors=True)
    indexed, new = index_corpus(work)
    params = _params(work)
    (work / "index1m").mkdir(parents=True)
    with (work / "index1m" / "batch.jsonl").open("w", encoding="utf-8") as handle:
        for ref in new:
            handle.write(json.dumps(asdict(ref), ensure_ascii=False) + "\n")
    start = time.perf_counter()
    commit_index(add_to_archive(params.state, indexed, params.detector_options(), "build"))
    seconds = time.perf_counter() - start
    root = params.state / ARCHIVE_DIR
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return {"paragraphs": len(indexed), "files": len({r.file for r in indexed}), "seconds": seconds, "bytes_on_disk": size}


def part_index_query(work: Path) -> dict[str, Any]:
    from wirewash.tasks.records import ParagraphRef
    from wirewash.tasks.reuse.detect import find_reuse

    params = _params(work)
    # newlines only: str.splitlines would also split at the U+2028 and the like that JSON leaves in strings
    lines = [line for line in (work / "index1m" / "batch.jsonl").read_text(encoding="utf-8").split("\n") if line]
    new = [ParagraphRef(**{**json.loads(line), "lines": tuple(json.loads(line)["lines"])}) for line in lines]
    start = time.perf_counter()
    result = find_reuse(new, params, "query")  # staged, not committed: the archive stays as built
    seconds = time.perf_counter() - start
    stats = result.stats
    return {"indexed_paragraphs": _archived_paragraphs(params.state),
            "new_files": len({r.file for r in new}), "new_paragraphs": len(new), "seconds": seconds,
            "pairs": len(result.overlaps), "clusters": len(result.clusters),
            "work": {k: stats.get(k) for k in ("archive_paragraphs_read", "archive_texts_proposed", "archive_texts_known",
                                                "archive_anchors_over_fanout", "candidates", "verified")}}


SCALE_COPIES = 5
"""Copies of the bench corpus's paragraphs in the scale archive: with the corpus's ~500,000, about 3,000,000 in all."""


def part_index_scale(work: Path) -> dict[str, Any]:
    """The archive grown to ~3,000,000 paragraphs a batch at a time, as nightly runs grow it, then the batch query.

    The bench corpus's paragraphs and ``SCALE_COPIES`` perturbed copies are archived one copy per
    commit (each :func:`add_to_archive`, as a day's backlog is); after each step: paragraphs archived,
    the step's seconds, bytes on disk. Then the same kind of 1,000-file batch as ``index_query`` is
    queried against the whole archive. The README's scale-on-paper figures come from here.
    """
    import resource

    from wirewash.tasks.reuse.archive import ARCHIVE_DIR, add_to_archive
    from wirewash.tasks.reuse.detect import find_reuse
    from wirewash.tasks.reuse.index import commit_index
    from bench.parts import _paragraph_refs

    root = work / "index-scale"
    shutil.rmtree(root, ignore_errors=True)
    params = _params(work, "index-scale")
    base = _paragraph_refs(work)
    docs: dict[str, list[Any]] = {}
    for ref in base:
        docs.setdefault(ref.file, []).append(ref)
    files = sorted(docs)
    steps = []
    archived = 0
    for copy in range(SCALE_COPIES + 1):
        batch = base if copy == 0 else _copy(docs, copy, files)
        start = time.perf_counter()
        commit_index(add_to_archive(params.state, batch, params.detector_options(), f"step{copy}"))
        archived += len(batch)
        size = sum(p.stat().st_size for p in (params.state / ARCHIVE_DIR).rglob("*") if p.is_file())
        steps.append({"archived": archived, "seconds": round(time.perf_counter() - start, 2), "bytes_on_disk": size,
                      "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)})
        print(steps[-1], flush=True)
    step = max(1, len(files) // NEW_FILES)
    new = _copy(docs, SCALE_COPIES + 1, files[::step][:NEW_FILES])
    start = time.perf_counter()
    result = find_reuse(new, params, "query")  # staged, not committed
    stats = result.stats
    return {"steps": steps, "new_paragraphs": len(new), "query_seconds": round(time.perf_counter() - start, 2),
            "pairs": len(result.overlaps),
            "work": {k: stats.get(k) for k in ("archive_paragraphs_read", "archive_texts_proposed",
                                                "archive_anchors_over_fanout", "candidates", "verified")}}


def _archived_paragraphs(state: Path) -> int:
    root = state / "reuse-archive"
    head = json.loads((root / "index.json").read_text())
    return sum(json.loads((root / name / "meta.json").read_text()).get("paragraphs", 0) for name in head["segments"])


if __name__ == "__main__":
    import sys

    indexed, new = index_corpus(Path(sys.argv[1]))
    print(json.dumps({"indexed": len(indexed), "new_files": len({r.file for r in new}), "new": len(new)}))
