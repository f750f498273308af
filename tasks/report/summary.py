"""The run summary: counts that reconcile with the output files, parameters, versions, timings.

:class:`Summary` is the typed record behind ``summary.json`` (its schema, ``schemas/summary.schema.json``,
is generated from it); :func:`build_summary` derives every count from the run's documents, quarantines
and reuse records, so each can be re-derived from the files.
"""
from __future__ import annotations

import hashlib
import platform
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from importlib import metadata
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from wirewash.tasks.params import RunParams
from wirewash.tasks.read.intake import SkippedEntry
from wirewash.tasks.records import Document, OverlapKind, Quarantine

_LIBRARIES = ("wirewash", "prefect", "datasketch", "ftfy", "trafilatura", "pydantic")


def library_versions() -> dict[str, str]:
    """Installed versions of the libraries that shape the output."""
    versions = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def make_run_id(sources: list[str], params: dict[str, Any], now: datetime | None = None) -> str:
    """``YYYYMMDDTHHMMSSZ-<hash>``: when the run started and a digest of what it read and how."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha1(("\n".join(sources) + repr(sorted(params.items()))).encode()).hexdigest()[:8]
    return f"{stamp}-{digest}"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Count = Annotated[int, Field(ge=0)]


class Counts(_Part):
    """How many of each thing the run saw and wrote."""

    files_seen: Count
    documents: Count
    quarantined: Count
    paragraphs: Count
    provenance_records: Count
    overlaps: Count
    clusters: Count
    fixes: Count = Field(description="ftfy repairs recorded in provenance")
    documents_without_text: Count
    entries_skipped: Count = Field(description="entries of raw/ not read (see skipped)")
    files_cleaned: Count | None = Field(None, description="raw files cleaned by this run (absent: none was read)")
    files_from_cache: Count | None = Field(None, description="raw files whose earlier result was reused")
    files_deleted: Count | None = Field(None, description="raw files gone since the last run; their outputs left")
    paragraphs_indexed: Count | None = None
    paragraphs_from_index: Count | None = None
    contents_encoded: Count | None = Field(None, description="distinct paragraph texts tokenised this run (new to the index)")
    texts_signed: Count | None = Field(None, description="distinct normalised texts MinHash-signed this run (new to the index)")
    contents_from_workers: Count | None = Field(None, description="of contents_encoded, tokenised by the clean workers")
    texts_from_workers: Count | None = Field(None, description="of texts_signed, signed by the clean workers")
    archive_paragraphs_read: Count | None = Field(None, description="--reuse-index archive: archived paragraphs read")
    archive_texts_proposed: Count | None = Field(None, description="--reuse-index archive: archived texts proposed")


class NameCollision(_Part):
    """Inputs whose extension-less names collided: each kept its raw file's whole name as id and clean file."""

    id: str
    sources: Annotated[list[str], Field(min_length=2)]


class FileWithoutText(_Part):
    """A document that kept no paragraph, with the rule that removed most of its lines."""

    source: str
    id: str
    lines: Count
    rule: str | None


Tally = dict[str, Count]


class Summary(_Part):
    """What ``reports/<run>/summary.json`` holds: everything a reader needs to trust the run."""

    run_id: Annotated[str, Field(pattern=r"^\d{8}T\d{6}Z-[0-9a-f]{8}$",
                                 description="start time (UTC) and a digest of the inputs and parameters")]
    counts: Counts
    segments_by_action: Tally = Field(description="provenance records per action")
    lines_by_action: Tally = Field(description="raw non-blank lines per action (kept, removed, title, metadata)")
    segments_by_rule: Tally
    lines_removed_by_category: Tally
    overlaps_by_kind: dict[OverlapKind, Annotated[int, Field(ge=1)]]
    quarantined: list[Quarantine]
    name_collisions: list[NameCollision]
    skipped: list[SkippedEntry]
    documents_without_text: list[FileWithoutText]
    index_batch: str | None = Field(description="the tag of the reuse index batch this run added (None: no index)")
    parameters: RunParams = Field(description="the resolved run parameters")
    versions: dict[str, str] = Field(description="versions of Python and the libraries that shape the output")
    timings_seconds: dict[str, Annotated[float, Field(ge=0)]] = Field(
        description="seconds per stage (report: the report page, and the Parquet table waited for); total: the flow's "
                    "stages; startup and wall: the command until its outputs are committed, when run from it")

    @field_serializer("counts")
    def _present_counts(self, counts: Counts) -> dict[str, int]:
        return counts.model_dump(exclude_none=True)

    def to_json(self) -> dict[str, Any]:
        """The summary as ``summary.json`` holds it (and as the flow returns it)."""
        return self.model_dump(mode="json")


def without_text(doc: Document) -> FileWithoutText | None:
    """A document that kept no paragraph, with the rule that removed most of its lines; None when it kept one.

    A page that holds only reader comments, a menu or cards of other stories
    rightly yields nothing; the reader of the summary should still see which
    files those were, and why, before handing the clean text on.
    """
    if doc.paragraphs:
        return None
    by_rule: Counter[str] = Counter()
    for seg in doc.segments:
        if seg.action == "removed":
            by_rule[seg.rule] += seg.line_count
    # most lines first, then the rule id, so equal counts always name the same rule
    rule = min(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))[0] if by_rule else None
    return FileWithoutText(source=doc.source, id=doc.id, lines=sum(by_rule.values()), rule=rule)


class LineTally:
    """What the summary counts in the documents' segments, added one whole document at a time (a run
    streams them from disk: it never holds every document's segments at once)."""

    def __init__(self) -> None:
        self.segments = 0
        self.actions: Counter[str] = Counter()
        self.removed: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()
        self.lines: Counter[str] = Counter()
        self.without_text: list[FileWithoutText] = []

    @classmethod
    def of(cls, documents: Iterable[Document]) -> LineTally:
        tally = cls()
        for doc in documents:
            tally.add(doc)
        return tally

    def add(self, doc: Document) -> None:
        for seg in doc.segments:
            self.segments += 1
            self.actions[seg.action] += 1
            self.rules[seg.rule] += 1
            self.lines[seg.action] += seg.line_count
            if seg.action == "removed":
                self.removed[seg.category] += seg.line_count
        found = without_text(doc)
        if found is not None:
            self.without_text.append(found)


def rounded_timings(timings: Mapping[str, float]) -> dict[str, float]:
    """Stage timings as the summary gives them (``timings_seconds``): milliseconds."""
    return {k: round(v, 3) for k, v in timings.items()}


def build_summary(
    run_id: str,
    params: RunParams,
    files_seen: int,
    documents: Sequence[Document],
    quarantined: Sequence[Quarantine],
    overlaps: Sequence[dict[str, Any]],
    clusters: Sequence[dict[str, Any]],
    timings: dict[str, float],
    *,
    skipped: Sequence[SkippedEntry] = (),
    collisions: Sequence[NameCollision] = (),
    index_batch: str | None = None,
    run_counts: dict[str, int] | None = None,
    tally: LineTally | None = None,
    overlap_kinds: Mapping[str, int] | None = None,
) -> Summary:
    """Everything a reader needs to trust the run; every count can be re-derived from the files.

    ``run_counts`` are the counts only the run knows (files cleaned, from cache, deleted; what the reuse
    index did), named as :class:`Counts` names them. ``tally`` is what a run streaming its whole documents
    counted in their segments, ``documents`` then holding their heads; without it, ``documents`` are counted.
    ``overlap_kinds`` are the pairs per kind where the run counted them in its pair table (zeros allowed); without
    them the ``overlaps`` records are read for their kinds, which on a large run means parsing every line again."""
    tally = tally if tally is not None else LineTally.of(documents)
    kinds = overlap_kinds if overlap_kinds is not None else Counter(o["kind"] for o in overlaps)
    missing = sorted(tally.without_text, key=lambda found: found.source)
    counts = Counts(
        files_seen=files_seen, documents=len(documents), quarantined=len(quarantined),
        paragraphs=sum(len(d.paragraphs) for d in documents), provenance_records=tally.segments,
        overlaps=len(overlaps), clusters=len(clusters), fixes=sum(len(d.fixes) for d in documents),
        documents_without_text=len(missing), entries_skipped=len(skipped), **(run_counts or {}),
    )
    return Summary(
        run_id=run_id, counts=counts,
        segments_by_action=dict(sorted(tally.actions.items())),
        lines_by_action=dict(sorted(tally.lines.items())),
        segments_by_rule=dict(sorted(tally.rules.items())),
        lines_removed_by_category=dict(sorted(tally.removed.items())),
        overlaps_by_kind={kind: count for kind, count in sorted(kinds.items()) if count},
        quarantined=sorted(quarantined, key=lambda q: q.source),
        name_collisions=list(collisions), skipped=list(skipped), documents_without_text=missing,
        index_batch=index_batch, parameters=params, versions=library_versions(),
        timings_seconds=rounded_timings(timings),
    )
