"""Reuse annotations on the clean corpus, and the optional removal of duplicate copies.

By default nothing is removed: each paragraph's corpus entry says which
near-duplicate cluster it belongs to and whether it is the canonical copy.
With ``drop_duplicates`` the non-canonical copies leave ``clean/`` and their
provenance segments say so, naming the canonical copy they duplicate.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any, get_args

import numpy as np

from wirewash.tasks.clean.rules import RULES
from wirewash.tasks.clean.rules.ids import REUSE_NEAR_DUPLICATE
from wirewash.tasks.records import Cluster, Document, Overlap, OverlapKind, ParagraphRef
from wirewash.tasks.report.words import WordStarts
from wirewash.tasks.reuse.arrays import owner_starts

DROP_RULE = RULES[REUSE_NEAR_DUPLICATE]
"""The catalog rule that names a removed near-duplicate copy."""


def _paragraph_id(documents: dict[str, Document], ref: ParagraphRef) -> str | None:
    doc = documents.get(ref.doc_id)
    if doc is None or ref.index >= len(doc.paragraphs):
        return None  # a paragraph from an earlier run: it has no entry in this corpus
    return doc.paragraphs[ref.index].id


_KINDS: tuple[str, ...] = get_args(OverlapKind)  # a kind is kept as its place here


class ReuseNotes(Mapping[str, dict[str, Any]]):
    """Reuse fields by paragraph id (see :func:`annotate_paragraphs`), each note made when it is asked for.

    A corpus's notes are read once, a document at a time, by the writers. Held as Python objects (a tuple
    per pair side, a list and a dict entry per paragraph, a tuple per word count) they cost ~270 MB at
    500,000 paragraphs and pairs, held through the write stage and the report. Held here: each noted
    paragraph's row number (the only dict), and per row its cluster, its pair sides as a run of a kind
    column and of one list of the other paragraphs' references, and its reused words.
    """

    def __init__(self, rows: dict[str, int], cluster_names: list[str], cluster: np.ndarray, canonical: np.ndarray,
                 side_starts: np.ndarray, side_kinds: np.ndarray, others: list[ParagraphRef],
                 words: np.ndarray, shares: np.ndarray) -> None:
        # read through memoryviews: an item comes out a Python int, bool or float at a third of the cost of
        # indexing the array (a note is made for each of hundreds of thousands of paragraphs, by three writers)
        self._rows, self._cluster_names = rows, cluster_names
        self._cluster, self._canonical = memoryview(cluster), memoryview(canonical)
        self._side_starts, self._side_kinds, self._others = memoryview(side_starts), memoryview(side_kinds), others
        self._words, self._shares = memoryview(words), memoryview(shares)

    def __getitem__(self, pid: str) -> dict[str, Any]:
        return self._note(self._rows[pid])

    def get(self, pid: str, default: Any = None) -> Any:
        """The note of ``pid``, or ``default`` (most paragraphs have none: no exception raised for each)."""
        row = self._rows.get(pid)
        return default if row is None else self._note(row)

    def _note(self, row: int) -> dict[str, Any]:
        note: dict[str, Any] = {}
        cluster = self._cluster[row]
        if cluster >= 0:
            note["cluster"], note["canonical"] = self._cluster_names[cluster], self._canonical[row]
        lo, hi = self._side_starts[row], self._side_starts[row + 1]
        if hi > lo:
            note["reused_with"] = [{"kind": _KINDS[kind], "file": other.file, "lines": list(other.lines)}
                                   for kind, other in zip(self._side_kinds[lo:hi].tolist(), self._others[lo:hi])]
            note["reused_words"], note["reused_share"] = self._words[row], self._shares[row]
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


class _NoteBuilder:
    """Gathers :class:`ReuseNotes` as int columns: one row per noted paragraph, numbered as first met."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.cluster_names: list[str] = []
        self.cluster_rows, self.cluster_codes, self.canonical = array("q"), array("q"), array("b")
        self.side_rows, self.side_kinds = array("q"), array("b")
        self.others: list[ParagraphRef] = []  # each side's other paragraph, in the order the sides came
        self.span_rows, self.span_begins, self.span_ends = array("q"), array("q"), array("q")

    def row(self, pid: str) -> int:
        return self.rows.setdefault(pid, len(self.rows))

    def add_cluster(self, pid: str, name: int, canonical: bool) -> None:
        self.cluster_rows.append(self.row(pid))
        self.cluster_codes.append(name)
        self.canonical.append(canonical)

    def add_side(self, pid: str, kind: str, other: ParagraphRef, spans: Iterable[tuple[int, int]]) -> None:
        row = self.row(pid)
        self.side_rows.append(row)
        self.side_kinds.append(_KINDS.index(kind))
        self.others.append(other)
        for begin, end in spans:
            self.span_rows.append(row)
            self.span_begins.append(begin)
            self.span_ends.append(end)

    def notes(self, documents: list[Document]) -> ReuseNotes:
        n = len(self.rows)
        cluster, canonical = np.full(n, -1, np.int64), np.zeros(n, bool)
        tagged = np.frombuffer(self.cluster_rows, np.int64)
        # the last tag given for a paragraph holds, as a dict's last assignment would
        last = tagged.size - 1 - np.unique(tagged[::-1], return_index=True)[1]
        cluster[tagged[last]] = np.frombuffer(self.cluster_codes, np.int64)[last]
        canonical[tagged[last]] = np.frombuffer(self.canonical, np.int8)[last].astype(bool)
        side_rows = np.frombuffer(self.side_rows, np.int64)
        order = np.argsort(side_rows, kind="stable")  # a paragraph's sides in the order its pairs came
        starts = owner_starts(side_rows, n)
        words, shares = self._reused_words(documents, n, starts)
        return ReuseNotes(self.rows, self.cluster_names, cluster, canonical, starts,
                          np.frombuffer(self.side_kinds, np.int8)[order], [self.others[i] for i in order.tolist()],
                          words, shares)

    def _reused_words(self, documents: list[Document], n: int, side_starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row with pair sides, its words inside some pair's passages (each once) and their share of its words."""
        words, shares = np.zeros(n, np.int64), np.zeros(n, np.float64)
        has_sides = (np.diff(side_starts) > 0).tolist()
        place = np.full(n, -1, np.int64)  # a row's text among ``texts``
        rows, texts = [], []
        for doc in documents:
            for paragraph in doc.paragraphs:
                row = self.rows.get(paragraph.id)
                if row is not None and has_sides[row]:
                    place[row] = len(texts)
                    rows.append(row)
                    texts.append(paragraph.text)
        found = WordStarts.of(texts)
        span_texts = place[np.frombuffer(self.span_rows, np.int64)]
        known = span_texts >= 0
        span_texts = span_texts[known]
        begins, ends = np.frombuffer(self.span_begins, np.int64)[known], np.frombuffer(self.span_ends, np.int64)[known]
        covered = found.covered(span_texts, span_texts, begins, ends, len(texts))
        for row, count, total in zip(rows, covered.tolist(), found.counts().tolist()):
            words[row], shares[row] = count, round(count / total, 4) if total else 0.0
        return words, shares


def annotate_paragraphs(documents: list[Document], overlaps: Iterable[Overlap], clusters: list[Cluster]) -> ReuseNotes:
    """Reuse fields by paragraph id: ``cluster``, ``canonical``, ``reused_with`` (pairs of any kind) and
    ``reused_words``/``reused_share``: its words that some pair's passages found elsewhere (each word once,
    however many copies carry it), and their share of its words."""
    by_id = {doc.id: doc for doc in documents}
    notes = _NoteBuilder()
    for cluster in clusters:
        name = len(notes.cluster_names)
        notes.cluster_names.append(cluster.id)
        for member in (cluster.canonical, *cluster.members):
            pid = _paragraph_id(by_id, member)
            if pid is not None:
                notes.add_cluster(pid, name, member.key == cluster.canonical.key)
    for pair in overlaps:
        for this, other, side in ((pair.a, pair.b, "a"), (pair.b, pair.a, "b")):
            pid = _paragraph_id(by_id, this)
            if pid is not None:
                notes.add_side(pid, pair.kind, other, (getattr(p, side) for p in pair.passages))
    return notes.notes(documents)


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
