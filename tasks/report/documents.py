"""The one pass over the run's whole documents: ``clean/``, ``provenance.jsonl`` and the counts that need lines.

The flow holds each document's head (:meth:`~wirewash.tasks.records.Document.head`: metadata and kept
paragraphs); the line decisions wait on disk in the result cache. Everything that needs them is made
here, one whole document at a time, in id order: the clean text and ``corpus.jsonl`` line
(:class:`~wirewash.tasks.store.outputs.CleanStaging`), the provenance records, the summary's line
counts (:class:`~wirewash.tasks.report.summary.LineTally`), the report's document views (to a JSONL
file the page is written from: on a large run they are a hundred megabytes of JSON, several times that
as Python objects), and the report index's entries for paragraphs ``--drop-duplicates`` took out.
Memory stays that of one document, whatever the size of the run.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from wirewash.tasks.records import Document
from wirewash.tasks.report.data import MAX_DOCUMENT_LINE_VIEWS, ParagraphIndex, document_view
from wirewash.tasks.report.summary import LineTally
from wirewash.tasks.store.outputs import CleanStaging, JsonlRecords, jsonl_line


def write_documents(
    documents: Iterable[Document],
    clean: CleanStaging,
    provenance: Path,
    annotations: Mapping[str, dict[str, Any]],
    index: ParagraphIndex,
    views: Path,
) -> tuple[LineTally, JsonlRecords]:
    """Write every document (whole, in id order) into ``clean``, its segments into ``provenance`` and its
    report view into ``views``; return the summary's line counts and the views, read back when asked."""
    tally = LineTally()
    count = 0
    with provenance.open("w", encoding="utf-8") as handle, views.open("w", encoding="utf-8") as view_handle:
        for doc in documents:
            # each paragraph's note made once, for its corpus entry and its view alike (a note is made when asked for)
            notes = {p.id: note for p in doc.paragraphs if (note := annotations.get(p.id)) is not None}
            clean.add(doc, notes)
            for seg in doc.segments:
                handle.write(jsonl_line(seg.to_json()))
            tally.add(doc)
            view_handle.write(jsonl_line(document_view(doc, notes, with_lines=count < MAX_DOCUMENT_LINE_VIEWS)))
            count += 1
            index.add_dropped(doc)
    return tally, JsonlRecords(views, count)
