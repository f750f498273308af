"""The 1,000,000-paragraph reuse index: build it, then query an incremental batch of 1,000 files against it.

Issue #8's goal: "an index of 1,000,000 paragraphs held in ≤ 2 GB, and an
incremental batch of 1,000 files queried against it in ≤ 30 s". The bench
corpus has ~300,000 kept paragraphs, so the index corpus is made from them
with their own generator (:func:`index_corpus`): the pipeline's paragraphs
as they are, plus three perturbed copies of every document (``copy1/`` ..
``copy3/``), as if three more outlets had picked up every story and edited
it. Half of a copy's paragraphs are verbatim, the rest carry one house-style
edit (a word dropped, a word inserted, two words swapped), the way wire copies
differ. The incremental batch is a fourth copy (``copy4/``) of 1,000
documents spread over the corpus: new files whose paragraphs reuse indexed ones.

Two parts, each in its own process (``bench/run.py`` samples its peak RSS):

* ``index_build``: one run over the whole index corpus with the embedded
  index, committed: wall time, bytes on disk;
* ``index_query``: a second run over the index corpus plus the 1,000 new
  files on that index (as a nightly run does: the flow hands reuse every
  current paragraph): wall time of the reuse step alone, what came from
  the index. Its process's peak RSS is "the index held and queried".

Everything is seeded by file names: the same bench corpus gives the same
index corpus, byte for byte.
"""
from __future__ import annotations

import json
import random
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

COPIES = 3
NEW_FILES = 1_000
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

    base = _paragraph_refs(work)
    docs: dict[str, list[Any]] = {}
    for ref in base:
        docs.setdefault(ref.file, []).append(ref)
    files = sorted(docs)
    indexed = list(base)
    for copy in range(1, COPIES + 1):
        indexed.extend(_copy(docs, copy, files))
    step = max(1, len(files) // NEW_FILES)
    new = _copy(docs, COPIES + 1, files[::step][:NEW_FILES])
    return indexed, new


def _params(work: Path) -> Any:
    from tasks.params import RunParams

    root = work / "index1m"
    return RunParams.build(raw=work / "corpus" / "raw", clean=root / "clean", reports=root / "reports",
                           state=root / "state", reuse_index="embedded")


def part_index_build(work: Path) -> dict[str, Any]:
    from tasks.reuse import find_reuse
    from tasks.reuse_index import commit_index, index_size

    shutil.rmtree(work / "index1m", ignore_errors=True)
    indexed, _ = index_corpus(work)
    params = _params(work)
    start = time.perf_counter()
    result = find_reuse(indexed, params, "build")
    commit_index(result.index_commit)
    seconds = time.perf_counter() - start
    return {"paragraphs": len(indexed), "files": len({r.file for r in indexed}), "seconds": seconds,
            "pairs": len(result.overlaps), "bytes_on_disk": index_size(params.state)}


def part_index_query(work: Path) -> dict[str, Any]:
    from tasks.reuse import find_reuse
    from tasks.reuse_index import index_size

    indexed, new = index_corpus(work)
    params = _params(work)
    size = index_size(params.state)  # the committed index (the run below stages a segment beside it)
    start = time.perf_counter()
    result = find_reuse(indexed + new, params, "query")  # staged, not committed: the index stays as built
    seconds = time.perf_counter() - start
    stats = result.stats
    if stats.get("index_reset"):
        # the tokenising/signing code changed since index_build: this run indexed everything afresh
        raise SystemExit("index_query: the index was built by other code (fingerprint changed); rerun index_build first")
    return {"indexed_paragraphs": len(indexed), "new_files": len({r.file for r in new}), "new_paragraphs": len(new),
            "seconds": seconds, "pairs": len(result.overlaps), "bytes_on_disk": size,
            "work": {k: stats.get(k) for k in ("paragraphs_from_index", "paragraphs_indexed", "contents_encoded",
                                                "contents_from_index", "texts_signed", "texts_from_index", "candidates",
                                                "verified")}}


if __name__ == "__main__":
    import sys

    indexed, new = index_corpus(Path(sys.argv[1]))
    print(json.dumps({"indexed": len(indexed), "new_files": len({r.file for r in new}), "new": len(new)}))
