"""The passes over the run's documents that write ``clean/``, ``provenance.jsonl`` and the report's document views.

The flow holds each document's head (:meth:`~wirewash.tasks.records.Document.head`: metadata and kept
paragraphs); the line decisions wait on disk in the result cache. The writing is split by what it needs:

* :func:`write_line_outputs` needs the whole documents and no reuse note: each ``clean/<id>.txt``, the
  provenance records, the summary's line counts (:class:`~wirewash.tasks.report.summary.LineTally`),
  each document's :func:`~wirewash.tasks.report.data.document_lines` (words, removed lines, rules,
  segments), and the report index's entries for paragraphs ``--drop-duplicates`` took out. It reads the
  documents back from the cache itself (:class:`~wirewash.tasks.clean.result_cache.DocumentShelf`), so
  it runs in a process of its own, on the core the flow leaves idle, while the flow annotates the
  paragraphs and writes ``corpus.jsonl`` and the pairs.
* :func:`write_corpus_entries` and :func:`write_document_views` need the reuse notes and only the heads:
  the ``corpus.jsonl`` lines, then the views (to a JSONL file the page is written from: on a large run
  they are a hundred megabytes of JSON, several times that as Python objects), from the heads, the notes
  and the document lines the first pass left.

Memory stays that of one document, whatever the size of the run.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirewash.tasks.clean.result_cache import DocumentShelf
from wirewash.tasks.records import Document
from wirewash.tasks.report.data import (MAX_DOCUMENT_LINE_VIEWS, IndexEntry, document_lines, document_view,
                                        dropped_paragraphs)
from wirewash.tasks.report.summary import LineTally
from wirewash.tasks.reuse.annotation import Drops, drop_paragraphs
from wirewash.tasks.store.outputs import CleanStaging, JsonlRecords, jsonl_line, staging_root, write_clean_text


@dataclass(frozen=True)
class LineOutputs:
    """What :func:`write_line_outputs` gives back to the flow: the summary's line counts, the report index's
    entries for dropped paragraphs, and the file of document lines (one per document, in order)."""

    tally: LineTally
    dropped: tuple[IndexEntry, ...]
    lines: JsonlRecords


def write_line_outputs(shelf: DocumentShelf, drops: Drops, clean: Path, provenance: Path, lines: Path) -> LineOutputs:
    """Write every whole document's ``<id>.txt`` into the ``clean`` staging folder, its segments into
    ``provenance`` and its :func:`~wirewash.tasks.report.data.document_lines` into ``lines`` (a JSONL file),
    in the shelf's order, with ``drops`` taken out (``--drop-duplicates``)."""
    tally = LineTally()
    dropped: list[IndexEntry] = []
    count = 0
    root = staging_root(clean)
    with provenance.open("w", encoding="utf-8") as handle, lines.open("w", encoding="utf-8") as lines_handle:
        for whole in shelf.documents():
            doc = drop_paragraphs(whole, drops)
            write_clean_text(root, doc)
            for seg in doc.segments:
                handle.write(jsonl_line(seg.to_json()))
            tally.add(doc)
            lines_handle.write(jsonl_line(document_lines(doc, with_lines=count < MAX_DOCUMENT_LINE_VIEWS)))
            dropped += dropped_paragraphs(doc)
            count += 1
    return LineOutputs(tally, tuple(dropped), JsonlRecords(lines, count))


def write_corpus_entries(heads: Iterable[Document], clean: CleanStaging,
                         annotations: Mapping[str, dict[str, Any]]) -> None:
    """Add every document's ``corpus.jsonl`` line (its head, each paragraph with its reuse note) to ``clean``."""
    for doc in heads:
        clean.add_entry(doc, _notes(doc, annotations))


def write_document_views(heads: Iterable[Document], lines: Iterable[list[Any]],
                         annotations: Mapping[str, dict[str, Any]], views: Path) -> JsonlRecords:
    """Write every document's report view (its head, reuse notes and document lines, in the same order) to
    ``views``; return them, read back when asked."""
    count = 0
    with views.open("w", encoding="utf-8") as handle:
        for doc, doc_lines in zip(heads, lines, strict=True):
            handle.write(jsonl_line(document_view(doc, _notes(doc, annotations), lines=doc_lines)))
            count += 1
    return JsonlRecords(views, count)


def _notes(doc: Document, annotations: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each of ``doc``'s noted paragraphs' note, made once for all the document's uses (a note is made when asked)."""
    return {p.id: note for p in doc.paragraphs if (note := annotations.get(p.id)) is not None}
