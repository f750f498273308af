"""The output contract: one typed model per record a run writes, and the JSON Schemas generated from them.

Users hand wirewash's files to other programs, so the shape of every record is a promise. Each model here
is that promise in code: ``clean/corpus.jsonl`` lines are :class:`DocumentRecord`, ``provenance.jsonl``
lines :class:`ProvenanceRecord`, ``overlaps.jsonl`` lines :class:`OverlapRecord`, ``clusters.jsonl`` lines
:class:`ClusterRecord`, a row of ``clean/paragraphs.parquet`` a :class:`ParagraphRow`, and
``summary.json`` the :class:`~wirewash.tasks.report.summary.Summary` the report stage builds. Every model
forbids fields it does not name, so a renamed or stray field fails validation instead of passing.

The schemas in the package's ``schemas/`` folder are written from these models
(``python -m wirewash.tasks.contract``); a test checks that the files equal what the models generate and
that a real run's outputs validate against them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from wirewash.tasks.records import Action, OverlapKind

LineNumber = Annotated[int, Field(ge=1)]
Lines = Annotated[list[LineNumber], Field(min_length=2, max_length=2,
                                          description="first and last raw line, 1-based, inclusive")]
Span = Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2,
                                                          description="[begin, end) character offsets")]
Share = Annotated[float, Field(ge=0, le=1)]
IsoDay = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReusedWith(_Record):
    """Another paragraph a reuse pair ties this one to."""

    kind: OverlapKind
    file: str = Field(description="the other paragraph's raw path relative to raw/")
    lines: Lines


class ParagraphRecord(_Record):
    """A kept paragraph of a document, with its reuse annotations when it has any."""

    id: str = Field(description="<document id>#<paragraph key>")
    text: str
    lines: Lines
    cluster: str | None = Field(None, description="its near-duplicate cluster (absent when it has none)")
    canonical: bool | None = Field(None, description="the cluster's canonical copy or not (absent outside clusters)")
    reused_with: list[ReusedWith] | None = Field(None, description="every reuse pair it is in (absent when none)")
    reused_words: Annotated[int, Field(ge=0)] | None = Field(
        None, description="its words inside passages that reuse pairs found elsewhere")
    reused_share: Share | None = Field(None, description="reused_words over the paragraph's words")


class DocumentRecord(_Record):
    """One line of ``clean/corpus.jsonl``: a cleaned document."""

    id: str = Field(description="raw path minus all extensions; also the clean/<id>.txt name")
    source: str = Field(description="raw path relative to raw/ (<archive>#<record> inside a WARC or JSONL file)")
    outlet: str
    title: str | None
    author: str | None
    published: IsoDay | None
    url: str | None
    copyright: str | None
    text: str = Field(description="the clean text: the paragraphs joined by blank lines")
    paragraphs: list[ParagraphRecord]


class ProvenanceRecord(_Record):
    """One line of ``provenance.jsonl``: a run of raw lines and what the cleaner did with it."""

    file: str
    lines: Lines
    action: Action
    category: str
    rule: str = Field(description="an id of the rule catalog (tasks/clean/rules/)")
    text: str
    reason: str
    fixes: list[str] = Field(description="ftfy's repairs of these lines")


class Side(_Record):
    """One paragraph of a reuse pair or cluster."""

    file: str
    lines: Lines
    paragraph: Annotated[int, Field(ge=0)] = Field(description="0-based position in its document")
    run: str | None = Field(None, description="the index batch that indexed it, when an earlier run did")


class PassageRecord(_Record):
    """A passage both paragraphs of a pair hold: offsets in each paragraph and, where known, each document."""

    a: Span
    b: Span
    a_doc: Span | None = None
    b_doc: Span | None = None
    words: Annotated[int, Field(ge=1)]


class OverlapRecord(_Record):
    """One line of ``overlaps.jsonl``: a verified pair of related paragraphs."""

    kind: OverlapKind
    a: Side
    b: Side
    jaccard: Share
    containment: Share
    shared_text: str
    passages: list[PassageRecord]
    a_share: Share
    b_share: Share


class ClusterRecord(_Record):
    """One line of ``clusters.jsonl``: a near-duplicate group and its canonical copy."""

    id: str
    canonical: Side
    members: Annotated[list[Side], Field(min_length=2)]
    canonical_rule: str


class ParagraphRow(_Record):
    """A row of ``clean/paragraphs.parquet``: a kept paragraph with its document's fields beside it.

    Names are those of ``corpus.jsonl``: the paragraph's ``id``, ``text``, ``lines`` and reuse fields, and
    its document's ``source``, ``outlet`` and metadata, with the document's id as ``document``."""

    id: str
    document: str = Field(description="the document's id (clean/<document>.txt)")
    source: str
    outlet: str
    title: str | None
    author: str | None
    published: IsoDay | None = Field(description="a date32 column in the Parquet file")
    url: str | None
    copyright: str | None
    paragraph: Annotated[int, Field(ge=0)] = Field(description="0-based position in the document")
    lines: Lines
    text: str
    words: Annotated[int, Field(ge=0)]
    cluster: str | None
    canonical: bool | None
    reused: bool = Field(description="in any reuse pair or cluster at all")
    reuse_kinds: list[OverlapKind] = Field(description="the kinds of its reuse pairs, sorted, unique")
    reused_with: list[ReusedWith]
    reused_words: Annotated[int, Field(ge=0)]
    reused_share: Share


def contract_models() -> dict[str, type[BaseModel]]:
    """Every output record's model, by the name of its schema file (``<name>.schema.json``)."""
    from wirewash.tasks.report.summary import Summary

    return {"document": DocumentRecord, "provenance": ProvenanceRecord, "overlap": OverlapRecord,
            "cluster": ClusterRecord, "paragraph-row": ParagraphRow, "summary": Summary}


_TITLES = {
    "document": "document (a line of clean/corpus.jsonl)",
    "provenance": "provenance record (a line of reports/<run>/provenance.jsonl)",
    "overlap": "reuse pair (a line of reports/<run>/overlaps.jsonl)",
    "cluster": "near-duplicate cluster (a line of reports/<run>/clusters.jsonl)",
    "paragraph-row": "paragraph row (a row of clean/paragraphs.parquet)",
    "summary": "run summary (reports/<run>/summary.json)",
}


def generate_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one output record, as the schema file holds it."""
    schema = contract_models()[name].model_json_schema(mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": _TITLES[name]}


def schema_text(name: str) -> str:
    return json.dumps(generate_schema(name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    """Write every ``<name>.schema.json`` into ``folder``; return the paths."""
    written = []
    for name in contract_models():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(name), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    import sys

    for path in write_schemas(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "schemas"):
        print(path)
