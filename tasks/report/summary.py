"""The run summary: counts that reconcile with the output files, parameters, versions, timings."""
from __future__ import annotations

import hashlib
import platform
from collections import Counter
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from wirewash.tasks.records import Document, Quarantine

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


def find_documents_without_text(documents: list[Document]) -> list[dict[str, Any]]:
    """The documents that kept no paragraph, each with the rule that removed most of its lines.

    A page that holds only reader comments, a menu or cards of other stories
    rightly yields nothing; the reader of the summary should still see which
    files those were, and why, before handing the clean text on.
    """
    found = []
    for doc in sorted(documents, key=lambda d: d.source):
        if doc.paragraphs:
            continue
        by_rule: Counter[str] = Counter()
        for seg in doc.segments:
            if seg.action == "removed":
                by_rule[seg.rule] += seg.line_count
        # most lines first, then the rule id, so equal counts always name the same rule
        rule = min(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))[0] if by_rule else None
        found.append({"source": doc.source, "id": doc.id, "lines": sum(by_rule.values()), "rule": rule})
    return found


def build_summary(
    run_id: str,
    params: dict[str, Any],
    files_seen: int,
    documents: list[Document],
    quarantined: list[Quarantine],
    overlaps: list[dict[str, Any]],
    clusters: list[dict[str, Any]],
    timings: dict[str, float],
) -> dict[str, Any]:
    """Everything a reader needs to trust the run; every count can be re-derived from the files."""
    actions: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    segments = 0
    without_text = find_documents_without_text(documents)
    for doc in documents:
        for seg in doc.segments:
            segments += 1
            actions[seg.action] += 1
            rules[seg.rule] += 1
            lines[seg.action] += seg.line_count
            if seg.action == "removed":
                removed[seg.category] += seg.line_count
    return {
        "run_id": run_id,
        "counts": {
            "files_seen": files_seen,
            "documents": len(documents),
            "quarantined": len(quarantined),
            "paragraphs": sum(len(d.paragraphs) for d in documents),
            "provenance_records": segments,
            "overlaps": len(overlaps),
            "clusters": len(clusters),
            "fixes": sum(len(d.fixes) for d in documents),
            "documents_without_text": len(without_text),
        },
        "segments_by_action": dict(sorted(actions.items())),
        "lines_by_action": dict(sorted(lines.items())),
        "segments_by_rule": dict(sorted(rules.items())),
        "lines_removed_by_category": dict(sorted(removed.items())),
        "overlaps_by_kind": dict(sorted(Counter(o["kind"] for o in overlaps).items())),
        "quarantined": [q.to_json() for q in sorted(quarantined, key=lambda q: q.source)],
        "documents_without_text": without_text,
        "parameters": params,
        "versions": library_versions(),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
    }
