"""The reuse stage: turn clean documents into paragraph references and run the overlap detector.

The detection itself lives in ``tasks/overlap.py``; this module maps the run's
parameters onto it and gives Prefect its task.
"""
from __future__ import annotations

from tasks.overlap import OverlapResult, find_overlaps
from tasks.params import RunParams
from tasks.records import Document, ParagraphRef


def paragraph_refs(documents: list[Document]) -> list[ParagraphRef]:
    """Every kept paragraph of every document, in document then paragraph order."""
    return [
        ParagraphRef(doc.id, doc.source, doc.outlet, p.lines, index, p.text, doc.published)
        for doc in sorted(documents, key=lambda d: d.id)
        for index, p in enumerate(doc.paragraphs)
    ]


def find_reuse(refs: list[ParagraphRef], params: RunParams) -> OverlapResult:
    """Run the overlap detector with the run's parameters."""
    return find_overlaps(
        refs,
        shingle_size=params.shingle_words,
        num_perm=params.num_perm,
        lsh_threshold=params.lsh_threshold,
        near_duplicate_jaccard=params.near_duplicate_jaccard,
        contained_min=params.contained_min,
        weak_contained_min=params.weak_contained_min,
        shared_min_words=params.shared_min_words,
        # a paragraph of N words has N - k + 1 shingles of k words
        min_shingles=max(1, params.min_paragraph_words - params.shingle_words + 1),
    )


# --- Prefect shell -----------------------------------------------------------------------------
from prefect import task  # noqa: E402  (the pure functions above never need Prefect)

find_reuse_task = task(find_reuse, name="find-reuse")
