"""The one pass over the run's whole documents: ``clean/``, ``provenance.jsonl`` and the counts that need lines.

The flow holds each document's head (:meth:`~wirewash.tasks.records.Document.head`: metadata and kept
paragraphs); the line decisions wait on disk in the result cache. Everything that needs them is made
here, one whole document at a time, in id order: the clean text and ``corpus.jsonl`` line
(:class:`~wirewash.tasks.store.outputs.CleanStaging`), the provenance records, the summary's line
counts (:class:`~wirewash.tasks.report.summary.LineTally`), the report's document views, and the
report index's entries for paragraphs ``--drop-duplicates`` took out. Memory stays that of one
document, whatever the size of the run.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from wirewash.tasks.records import Document
from wirewash.tasks.report.data import MAX_DOCUMENT_LINE_VIEWS, ParagraphIndex, document_view
from wirewash.tasks.report.summary import LineTally
from wirewash.tasks.store.outputs import CleanStaging, jsonl_line


def write_documents(
    documents: Iterable[Document],
    clean: CleanStaging,
    provenance: Path,
    annotations: Mapping[str, dict[str, Any]],
    index: ParagraphIndex,
) -> tuple[LineTally, list[dict[str, Any]]]:
    """Write every document (whole, in id order) into ``clean`` and its segments into ``provenance``;
    return the summary's line counts and the report's document views."""
    tally = LineTally()
    views: list[dict[str, Any]] = []
    with provenance.open("w", encoding="utf-8") as handle:
        for doc in documents:
            clean.add(doc, annotations)
            for seg in doc.segments:
                handle.write(jsonl_line(seg.to_json()))
            tally.add(doc)
            views.append(document_view(doc, annotations, with_lines=len(views) < MAX_DOCUMENT_LINE_VIEWS))
            index.add_dropped(doc)
    return tally, views
