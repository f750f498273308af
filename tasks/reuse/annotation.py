"""Reuse annotations on the clean corpus, and the optional removal of duplicate copies.

By default nothing is removed: each paragraph's corpus entry says which
near-duplicate cluster it belongs to and whether it is the canonical copy.
With ``drop_duplicates`` the non-canonical copies leave ``clean/`` and their
provenance segments say so, naming the canonical copy they duplicate.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from wirewash.tasks.clean.rules import RULES
from wirewash.tasks.clean.rules.ids import REUSE_NEAR_DUPLICATE
from wirewash.tasks.records import Cluster, Document, Overlap, ParagraphRef
from wirewash.tasks.report.data import covered_words, word_count

DROP_RULE = RULES[REUSE_NEAR_DUPLICATE]
"""The catalog rule that names a removed near-duplicate copy."""


def _paragraph_id(documents: dict[str, Document], ref: ParagraphRef) -> str | None:
    doc = documents.get(ref.doc_id)
    if doc is None or ref.index >= len(doc.paragraphs):
        return None  # a paragraph from an earlier run: it has no entry in this corpus
    return doc.paragraphs[ref.index].id


class ReuseNotes(Mapping[str, dict[str, Any]]):
    """Reuse fields by paragraph id (see :func:`annotate_paragraphs`), each note made when it is asked for.

    A corpus's notes are read once, a document at a time, by the writers;
    held as dicts they would cost a dict per pair side (about 300 bytes a
    pair at 500,000 pairs). Held here: each paragraph's cluster tag, the
    ``(kind, other paragraph)`` of each of its pairs, and its reused words.
    """

    def __init__(self, clusters: dict[str, tuple[str, bool]], pairs: dict[str, list[tuple[str, ParagraphRef]]],
                 words: dict[str, tuple[int, float]]) -> None:
        self._clusters, self._pairs, self._words = clusters, pairs, words

    def __getitem__(self, pid: str) -> dict[str, Any]:
        cluster, pairs = self._clusters.get(pid), self._pairs.get(pid)
        if cluster is None and pairs is None:
            raise KeyError(pid)
        note: dict[str, Any] = {}
        if cluster is not None:
            note["cluster"], note["canonical"] = cluster
        if pairs is not None:
            note["reused_with"] = [{"kind": kind, "file": other.file, "lines": list(other.lines)} for kind, other in pairs]
            note["reused_words"], note["reused_share"] = self._words[pid]
        return note

    def __iter__(self) -> Iterator[str]:
        yield from self._clusters
        yield from (pid for pid in self._pairs if pid not in self._clusters)

    def __len__(self) -> int:
        return len(self._clusters) + sum(1 for pid in self._pairs if pid not in self._clusters)


def annotate_paragraphs(documents: list[Document], overlaps: Iterable[Overlap], clusters: list[Cluster]) -> ReuseNotes:
    """Reuse fields by paragraph id: ``cluster``, ``canonical``, ``reused_with`` (pairs of any kind) and
    ``reused_words``/``reused_share``: its words that some pair's passages found elsewhere (each word once,
    however many copies carry it), and their share of its words."""
    by_id = {doc.id: doc for doc in documents}
    tags: dict[str, tuple[str, bool]] = {}
    for cluster in clusters:
        for member in (cluster.canonical, *cluster.members):
            pid = _paragraph_id(by_id, member)
            if pid is not None:
                tags[pid] = (cluster.id, member.key == cluster.canonical.key)
    pairs: dict[str, list[tuple[str, ParagraphRef]]] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for pair in overlaps:
        for this, other, side in ((pair.a, pair.b, "a"), (pair.b, pair.a, "b")):
            pid = _paragraph_id(by_id, this)
            if pid is not None:
                pairs.setdefault(pid, []).append((pair.kind, other))
                spans.setdefault(pid, []).extend(getattr(p, side) for p in pair.passages)
    words: dict[str, tuple[int, float]] = {}
    for doc in documents:
        for paragraph in doc.paragraphs:
            found = spans.pop(paragraph.id, None)
            if found is not None:
                covered, total = covered_words(paragraph.text, found), word_count(paragraph.text)
                words[paragraph.id] = (covered, round(covered / total, 4) if total else 0.0)
    return ReuseNotes(tags, pairs, words)


Drops = dict[str, dict[int, ParagraphRef]]
"""Per document id, the paragraph indexes ``--drop-duplicates`` takes out, each with its canonical copy."""


def plan_drops(documents: Iterable[Document], clusters: list[Cluster]) -> Drops:
    """Which paragraphs of ``documents`` are non-canonical members of a near-duplicate cluster."""
    known = {doc.id for doc in documents}
    drops: Drops = {}
    for cluster in clusters:
        for member in cluster.members:
            if member.key != cluster.canonical.key and member.doc_id in known:
                drops.setdefault(member.doc_id, {})[member.index] = cluster.canonical
    return drops


def drop_paragraphs(doc: Document, drops: Drops) -> Document:
    """``doc`` without its paragraphs in ``drops``; each removed paragraph's segment (when the document
    carries its segments) says so (``reuse.near-duplicate``), naming the canonical copy."""
    indexes = drops.get(doc.id)
    if not indexes:
        return doc
    gone = {doc.paragraphs[i].lines: canonical for i, canonical in indexes.items() if i < len(doc.paragraphs)}
    segments = []
    for seg in doc.segments:
        canonical = gone.get(seg.lines) if seg.action == "kept" else None
        if canonical is not None:
            seg = replace(seg, action="removed", category=DROP_RULE.category, rule=DROP_RULE.id,
                          reason=f"near-duplicate of {canonical.file}:{canonical.lines[0]}")
        segments.append(seg)
    paragraphs = [p for i, p in enumerate(doc.paragraphs) if i not in indexes]
    return replace(doc, paragraphs=paragraphs, segments=segments)


def drop_duplicates(documents: list[Document], clusters: list[Cluster]) -> tuple[list[Document], int]:
    """The documents with their non-canonical near-duplicate paragraphs taken out, and how many went."""
    drops = plan_drops(documents, clusters)
    out = [drop_paragraphs(doc, drops) for doc in documents]
    return out, sum(len(d.paragraphs) for d in documents) - sum(len(d.paragraphs) for d in out)
