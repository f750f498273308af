"""Records that travel between stages.

Every record is a frozen dataclass with a ``to_json`` that gives the exact
object written to the output files (see README, "Output contract"). Records
are plain data: no Prefect, no I/O.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, NamedTuple

Action = Literal["kept", "removed", "title", "metadata"]
OverlapKind = Literal["near-duplicate", "contained", "shared-text"]


@dataclass(frozen=True)
class Segment:
    """One run of raw lines and what the cleaner did with it (a provenance record).

    ``lines`` are 1-based and inclusive, of the raw file as read. Every
    non-blank raw line is covered by exactly one segment.
    """

    file: str
    lines: tuple[int, int]
    action: Action
    category: str
    rule: str
    text: str
    reason: str = ""
    fixes: tuple[str, ...] = ()

    @property
    def line_count(self) -> int:
        """The raw lines the summary counts for this segment: one per line of its text (a segment without
        text, such as HTML markup left out, counts as one)."""
        return self.text.count("\n") + 1 if self.text else 1

    def to_json(self) -> dict[str, Any]:
        # spelled out rather than ``asdict``, which deep-copies field by field: a large run writes a
        # million segments, and asdict was a tenth of the write stage. Keys in field order, as asdict gives
        return {"file": self.file, "lines": list(self.lines), "action": self.action, "category": self.category,
                "rule": self.rule, "text": self.text, "reason": self.reason, "fixes": list(self.fixes)}


@dataclass(frozen=True, slots=True)  # slots: a corpus holds hundreds of thousands
class Paragraph:
    """A kept paragraph of a clean document, with the raw lines it came from."""

    id: str
    text: str
    lines: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "lines": list(self.lines)}

    def __reduce__(self) -> tuple[Callable[[str, str, tuple[int, int]], Paragraph], tuple[str, str, tuple[int, int]]]:
        # pickled as a constructor call: a frozen slots dataclass's own state setter looks up its fields for
        # every object, and unpickling the clean workers' heads (every kept paragraph) was ~6 s of the flow's CPU
        return (_unpickled_paragraph, (self.id, self.text, self.lines))


def _unpickled_paragraph(paragraph_id: str, text: str, lines: tuple[int, int]) -> Paragraph:
    """A paragraph come through pickle, its text interned: the flow receives every kept paragraph from the clean
    workers, a wire story's copies each as its own string (a third of the texts of a syndicated corpus); an
    interned string is freed with its last holder, so nothing outlives the run."""
    return Paragraph(paragraph_id, sys.intern(text), lines)


@dataclass(frozen=True, slots=True)  # slots: a corpus holds hundreds of thousands
class ParagraphRef:
    """A paragraph as the reuse detector sees it: where it lives and what it says.

    ``file`` is the raw path relative to the raw folder (``outlet/story.txt``),
    ``index`` the paragraph's 0-based position in its document, ``run`` the
    run that indexed it (empty for the current batch), ``offset`` where its
    text starts in its document's clean text (``None`` when not known: a
    paragraph archived before documents carried it).
    """

    doc_id: str
    file: str
    outlet: str
    lines: tuple[int, int]
    index: int
    text: str
    published: str | None = None
    run: str = ""
    offset: int | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.file, self.lines[0])

    def to_side(self) -> dict[str, Any]:
        side: dict[str, Any] = {"file": self.file, "lines": list(self.lines), "paragraph": self.index}
        if self.run:
            side["run"] = self.run
        return side


class Passage(NamedTuple):
    """A passage two paragraphs share (see :mod:`wirewash.tasks.reuse.align`).

    ``a`` and ``b`` are ``[begin, end)`` character offsets in each
    paragraph's text (``text[begin:end]`` is the passage, from its first
    aligned word to its last); ``words`` is how many of a's words in it
    the alignment matched.
    """

    a: tuple[int, int]
    b: tuple[int, int]
    words: int

    def to_json(self, a_offset: int | None, b_offset: int | None) -> dict[str, Any]:
        """The passage, with its offsets in both documents' clean text where the paragraphs' offsets are known."""
        out: dict[str, Any] = {"a": list(self.a), "b": list(self.b)}
        if a_offset is not None:
            out["a_doc"] = [a_offset + self.a[0], a_offset + self.a[1]]
        if b_offset is not None:
            out["b_doc"] = [b_offset + self.b[0], b_offset + self.b[1]]
        out["words"] = self.words
        return out


@dataclass(frozen=True, slots=True)  # slots: a corpus holds hundreds of thousands
class Overlap:
    """A verified pair of related paragraphs with the scores that verified it and the passages they share.

    ``a_share``/``b_share`` are the shares of each paragraph's words that
    its passages cover.
    """

    kind: OverlapKind
    a: ParagraphRef
    b: ParagraphRef
    jaccard: float
    containment: float
    shared_text: str = ""
    passages: tuple[Passage, ...] = ()
    a_share: float = 0.0
    b_share: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": self.a.to_side(),
            "b": self.b.to_side(),
            "jaccard": round(self.jaccard, 4),
            "containment": round(self.containment, 4),
            "shared_text": self.shared_text,
            "passages": [p.to_json(self.a.offset, self.b.offset) for p in self.passages],
            "a_share": round(self.a_share, 4),
            "b_share": round(self.b_share, 4),
        }


@dataclass(frozen=True, slots=True)  # slots: a corpus holds hundreds of thousands
class Cluster:
    """A group of near-duplicate paragraphs and the copy chosen as canonical."""

    id: str
    canonical: ParagraphRef
    members: tuple[ParagraphRef, ...]
    rule: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "canonical": self.canonical.to_side(),
            "members": [m.to_side() for m in self.members],
            "canonical_rule": self.rule,
        }


@dataclass(frozen=True)
class Quarantine:
    """A raw file (or a record inside one) that could not be processed, and why."""

    __pydantic_config__ = {"extra": "forbid"}  # as a field of the run summary: no stray keys

    source: str
    reason: str
    stage: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A cleaned document: metadata, kept paragraphs and the provenance of every raw line.

    Frozen, built once: a stage that changes a document (the archive's metadata filled in, duplicates
    dropped) makes a new one with :func:`dataclasses.replace`. Its sequences are stored as tuples whatever
    they were given as."""

    id: str
    source: str
    outlet: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    copyright: str | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    segments: tuple[Segment, ...] = ()
    fixes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("paragraphs", "segments", "fixes"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    def head(self) -> Document:
        """The document without its line decisions (``segments``): what the flow holds in memory while the
        whole record waits on disk. Segments carry every raw line's text, removed ones too: most of a
        document's bytes, and needed again only when the outputs are written."""
        return replace(self, segments=())

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "outlet": self.outlet,
            "title": self.title,
            "author": self.author,
            "published": self.published,
            "url": self.url,
            "copyright": self.copyright,
            "text": self.text,
            "paragraphs": [p.to_json() for p in self.paragraphs],
        }


def segment_from_json(data: dict[str, Any]) -> Segment:
    """Inverse of :meth:`Segment.to_json` (for the incremental cache)."""
    return Segment(data["file"], (data["lines"][0], data["lines"][1]), data["action"], data["category"],
                   data["rule"], data["text"], data.get("reason", ""), tuple(data.get("fixes", ())))


def encode_result(item: Document | Quarantine) -> dict[str, Any]:
    """One cleaning result as the result cache and a batch's spill store it: a document with its
    segments and fixes, or a quarantine (inverse: :func:`decode_result`)."""
    if isinstance(item, Quarantine):
        return {"quarantine": item.to_json()}
    record = item.to_json()
    record["segments"] = [seg.to_json() for seg in item.segments]
    record["fixes"] = list(item.fixes)
    return {"document": record}


def result_bytes(item: Document | Quarantine) -> bytes:
    """:func:`encode_result` as UTF-8 JSON: one entry of the result cache, one line of a batch's spill."""
    return json.dumps(encode_result(item), ensure_ascii=False).encode()


def decode_result(data: dict[str, Any]) -> Document | Quarantine:
    """Inverse of :func:`encode_result`."""
    if "quarantine" in data:
        return Quarantine(**data["quarantine"])
    return document_from_json(data["document"])


def document_from_json(data: dict[str, Any]) -> Document:
    """Inverse of :meth:`Document.to_json` plus its segments and fixes (for the incremental cache)."""
    return Document(
        id=data["id"], source=data["source"], outlet=data["outlet"], title=data.get("title"),
        author=data.get("author"), published=data.get("published"), url=data.get("url"),
        copyright=data.get("copyright"),
        paragraphs=[Paragraph(p["id"], p["text"], (p["lines"][0], p["lines"][1])) for p in data["paragraphs"]],
        segments=[segment_from_json(s) for s in data.get("segments", [])],
        fixes=list(data.get("fixes", [])),
    )


class JsonRecords(Sequence[dict[str, Any]]):
    """Records (pairs, clusters) seen as their JSON dicts, each made when it is asked for and not kept.

    A large run has hundreds of thousands of pairs: as dicts, with their passages, they would take
    as much memory again as the records. Each reader of a run's records (the JSONL writers, the summary,
    the report) goes through them once or takes a slice.
    """

    def __init__(self, records: Sequence[Any]) -> None:
        self._records = records

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, where: Any) -> Any:
        if isinstance(where, slice):
            return [record.to_json() for record in self._records[where]]
        return self._records[where].to_json()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (record.to_json() for record in self._records)
