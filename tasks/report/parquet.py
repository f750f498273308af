"""``clean/paragraphs.parquet``: the corpus as one table an analyst loads in one line.

One row per kept paragraph, with its document's fields repeated beside it and
the paragraph's reuse notes flattened into columns, so that "which outlets
carry this paragraph" or "how much of outlet X is reused" is a ``GROUP BY``
away (README, "Loading the output"). The columns, in order:

========================  ==============================  ============================================
column                    type                            meaning
========================  ==============================  ============================================
``id``                    string                          the paragraph's id, as in ``corpus.jsonl``
``document``              string                          its document's id (``clean/<document>.txt``)
``source``                string                          the raw path relative to ``raw/``
``outlet``                string                          the outlet
``title`` ``author``      string (null)                   recovered metadata
``published``             date32 (null)                   publication day
``url`` ``copyright``     string (null)                   recovered metadata
``paragraph``             int32                           0-based position in the document
``lines``                 list<int32> (2)                 first and last raw line, 1-based, inclusive
``text``                  string                          the paragraph
``words``                 int32                           its words (letters/digits runs)
``cluster``               string (null)                   near-duplicate cluster id
``canonical``             bool (null)                     the cluster's canonical copy or not
``reused``                bool                            any reuse pair or cluster at all
``reuse_kinds``           list<string>                    the kinds of its reuse pairs, sorted, unique
``reused_with``           list<struct>                    ``{kind, file, lines}`` each, as in ``corpus.jsonl``
``reused_words``          int32                           its words inside passages found elsewhere
``reused_share``          float64                         ``reused_words`` / ``words`` (0 when not reused)
========================  ==============================  ============================================

Names are ``corpus.jsonl``'s, so a column means what the field of the same name means there; a row is
described by ``schemas/paragraph-row.schema.json`` (generated from
:class:`wirewash.tasks.contract.ParagraphRow`).

pyarrow is a dependency of every install, so every run writes the file.
Rows follow the corpus order and the file is
written with fixed settings, so the same input gives the same bytes (for one
pyarrow version, which the file names in its footer).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from wirewash.tasks.records import Document
from wirewash.tasks.report.words import word_count

PARQUET_NAME = "paragraphs.parquet"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def paragraph_rows(documents: Sequence[Document], annotations: Mapping[str, dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """One plain dict per kept paragraph, in corpus order (documents by id, paragraphs in order)."""
    for doc in sorted(documents, key=lambda d: d.id):
        fields = doc.to_json()
        for index, paragraph in enumerate(doc.paragraphs):
            yield _row(fields, index, paragraph.id, paragraph.text, paragraph.lines, annotations.get(paragraph.id, {}))


def corpus_rows(corpus: Path) -> Iterator[dict[str, Any]]:
    """:func:`paragraph_rows` read back from a ``corpus.jsonl`` (its paragraph entries carry their reuse
    notes, :class:`~wirewash.tasks.store.outputs.CleanStaging`): the same rows, in the same order."""
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:  # file lines end at newlines only: JSON escapes the others
            doc = json.loads(line)
            for index, paragraph in enumerate(doc["paragraphs"]):
                yield _row(doc, index, paragraph["id"], paragraph["text"], paragraph["lines"], paragraph)


def _row(doc: Mapping[str, Any], index: int, paragraph_id: str, text: str, lines: Sequence[int],
         notes: Mapping[str, Any]) -> dict[str, Any]:
    """One paragraph's row: ``doc`` its document's JSON fields, ``notes`` its reuse notes (or a mapping holding them)."""
    reused_with = [{"kind": r["kind"], "file": r["file"], "lines": list(r["lines"])}
                   for r in notes.get("reused_with", [])]
    return {
        "id": paragraph_id, "document": doc["id"], "source": doc["source"], "outlet": doc["outlet"],
        "title": doc["title"], "author": doc["author"], "published": _day(doc["published"]), "url": doc["url"],
        "copyright": doc["copyright"], "paragraph": index, "lines": list(lines),
        "text": text, "words": word_count(text),
        "cluster": notes.get("cluster"), "canonical": notes.get("canonical"),
        "reused": bool(notes.get("cluster") or reused_with),
        "reuse_kinds": sorted({r["kind"] for r in reused_with}),
        "reused_with": reused_with,
        "reused_words": notes.get("reused_words", 0),
        "reused_share": notes.get("reused_share", 0.0),
    }


def paragraph_schema() -> Any:
    """The table's pyarrow schema (fixed, so an empty corpus still gives typed columns)."""
    import pyarrow as pa

    text, line = pa.string(), pa.int32()
    lines = pa.list_(line, 2)
    return pa.schema([
        ("id", text), ("document", text), ("source", text), ("outlet", text), ("title", text), ("author", text),
        ("published", pa.date32()), ("url", text), ("copyright", text),
        ("paragraph", line), ("lines", lines),
        ("text", text), ("words", line), ("cluster", text), ("canonical", pa.bool_()), ("reused", pa.bool_()),
        ("reuse_kinds", pa.list_(text)),
        ("reused_with", pa.list_(pa.struct([("kind", text), ("file", text), ("lines", lines)]))),
        ("reused_words", line), ("reused_share", pa.float64()),
    ])


ROW_GROUP_ROWS = 100_000
"""Rows per Parquet row group: readers skip whole groups by their statistics."""


def write_corpus_parquet(corpus: Path, path: Path) -> Path:
    """Write the paragraph table of the ``corpus.jsonl`` at ``corpus`` to ``path`` (:func:`corpus_rows`).

    A run does this in a process of its own, from the file its writers already wrote, while the flow
    goes on to the reuse pairs and the report: the flow neither builds the rows nor waits for them."""
    return write_paragraphs_parquet(path, corpus_rows(corpus))


def write_paragraphs_parquet(path: Path, rows: Iterator[dict[str, Any]]) -> Path:
    """Write the paragraph table (``rows``: :func:`paragraph_rows` or :func:`corpus_rows`) to ``path``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = paragraph_schema()
    # a row group at a time: the same file as writing one table, without every row in memory at once
    # (byte for byte the file one pq.write_table of the whole table writes, an empty table included)
    with pq.ParquetWriter(path, schema, compression="zstd", write_statistics=True) as writer:
        wrote = False
        while (group := _row_group(rows, schema)).num_rows or not wrote:
            writer.write_table(group, row_group_size=ROW_GROUP_ROWS)
            wrote = True
            del group  # written: not held while the next group is made
    # Arrow's allocator keeps what the row groups freed for its next table: without this, a run that
    # goes on to build its report carries ~300 MB of idle buffers (a 500,000-row table)
    pa.default_memory_pool().release_unused()
    return path


CONVERT_ROWS = 10_000
"""Rows turned from Python values into Arrow columns at a time: a row group's values as Python objects
(a dict and lists per row) cost several times their Arrow columns, and were a peak of the write stage."""


def _row_group(rows: Iterator[dict[str, Any]], schema: Any) -> Any:
    """The next :data:`ROW_GROUP_ROWS` rows as one table, converted :data:`CONVERT_ROWS` at a time.

    The pieces are joined into one chunk per column before the table is written: a table in chunks is
    written as other pages (same values, other bytes), and the file must stay byte for byte the same.
    They are joined a column at a time, each column's pieces let go once joined: the whole group held
    twice (pieces and joined copy) was the Parquet writer's peak (its process 425 -> 384 MB at 500,000
    rows; 344 MB with the written group let go before the next is made)."""
    import pyarrow as pa

    pieces: dict[str, list[Any]] = {name: [] for name in schema.names}
    for start in range(0, ROW_GROUP_ROWS, CONVERT_ROWS):
        piece = _columns(islice(rows, min(CONVERT_ROWS, ROW_GROUP_ROWS - start)), schema.names)
        if not piece["id"]:
            break
        table = pa.Table.from_pydict(piece, schema=schema)
        del piece
        for name in schema.names:
            pieces[name].extend(table.column(name).chunks)
        del table
    if not pieces["id"]:
        return schema.empty_table()
    columns = []
    for name in schema.names:
        columns.append(pa.concat_arrays(pieces.pop(name)))
    return pa.Table.from_arrays(columns, schema=schema)


def _columns(rows: Iterable[dict[str, Any]], names: list[str]) -> dict[str, list[Any]]:
    """Rows gathered as one list per column: a row group's values without a dict per row held (a third less memory)."""
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for row in rows:
        for name, value in row.items():
            columns[name].append(value)
    return columns
