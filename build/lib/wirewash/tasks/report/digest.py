"""Short digests of a run for people: a terminal table, a Markdown summary, a table of clusters.

All three read the run's ``summary.json`` (and, for clusters, the report data
of :mod:`wirewash.tasks.report.data`), so that ``wirewash report`` can print any past
run and the Prefect artifacts match what the terminal shows. Plain text
only: no colour codes, nothing that depends on the terminal.
"""
from __future__ import annotations

from typing import Any

KINDS = ("near-duplicate", "contained", "shared-text")
_MAX_CATEGORIES = 8
_MAX_QUARANTINED = 5


def _lines_by_action(summary: dict[str, Any]) -> dict[str, int]:
    return summary.get("lines_by_action") or {}


def _grid(rows: list[tuple[str, str]], columns: int = 2, gap: int = 4) -> list[str]:
    """Label/value cells laid out in ``columns`` aligned columns."""
    label_w = max((len(label) for label, _ in rows), default=0)
    value_w = max((len(value) for _, value in rows), default=0)
    cells = [f"{label:<{label_w}}  {value:>{value_w}}" for label, value in rows]
    out = []
    for i in range(0, len(cells), columns):
        out.append("  " + (" " * gap).join(cells[i : i + columns]).rstrip())
    return out


def headline_counts(summary: dict[str, Any]) -> list[tuple[str, int]]:
    """The numbers a reader looks at first, in reading order."""
    counts = summary["counts"]
    lines = _lines_by_action(summary)
    rows = [("files seen", counts["files_seen"]), ("documents", counts["documents"]),
            ("files not processed", counts["quarantined"]), ("paragraphs kept", counts["paragraphs"])]
    if "documents_without_text" in counts:  # (summaries of earlier versions lack it)
        rows.append(("files that kept no text", counts["documents_without_text"]))
    if lines:
        rows += [("lines kept", lines.get("kept", 0)), ("lines removed", lines.get("removed", 0))]
    rows += [("reuse pairs", counts["overlaps"]), ("reuse clusters", counts["clusters"])]
    return rows


def summary_text(summary: dict[str, Any], report_path: str | None = None, width: int = 78,
                 wall: float | None = None) -> str:
    """One screen (under ~30 lines) about a run: counts, removals, reuse, files not processed.

    ``wall`` is the whole command's time when the caller measured it (else the summary's own figure)."""
    out = [f"wirewash run {summary['run_id']}", ""]
    out += _grid([(label, str(value)) for label, value in headline_counts(summary)])
    removed = sorted(summary["lines_removed_by_category"].items(), key=lambda kv: (-kv[1], kv[0]))
    if removed:
        out += ["", "lines removed by category"]
        shown, rest = removed[:_MAX_CATEGORIES], removed[_MAX_CATEGORIES:]
        if rest:
            shown.append((f"{len(rest)} more", sum(v for _, v in rest)))
        name_w = max(len(k) for k, _ in shown)
        top = max(v for _, v in shown)
        bar_room = max(8, width - name_w - 14)
        for name, value in shown:
            bar = "#" * max(1, round(bar_room * value / top)) if value else ""
            out.append(f"  {name:<{name_w}}  {value:>5}  {bar}")
    kinds = summary.get("overlaps_by_kind", {})
    out += ["", "reuse pairs by kind"]
    out += _grid([(kind, str(kinds.get(kind, 0))) for kind in KINDS], columns=3)
    for heading, items in (("files not processed", [(q["source"], q["reason"]) for q in summary.get("quarantined", [])]),
                           ("entries of raw/ skipped", [(e["path"], e["reason"]) for e in summary.get("skipped", [])])):
        if items:
            out += ["", f"{heading} ({len(items)})"]
            out += [f"  {name}: {reason}"[:width] for name, reason in items[:_MAX_QUARANTINED]]
            if len(items) > _MAX_QUARANTINED:
                out.append(f"  … and {len(items) - _MAX_QUARANTINED} more (see summary.json)")
    timings = summary.get("timings_seconds", {})
    wall = wall if wall is not None else timings.get("wall")
    if wall is not None and "total" in timings:
        startup = f"start-up {timings['startup']:.1f}s, " if "startup" in timings else ""
        out += ["", f"took {wall:.1f}s ({startup}stages {timings['total']:.1f}s)"]
    elif "total" in timings:
        out += ["", f"took {timings['total']:.1f}s"]
    if report_path:
        out.append(f"report: {report_path}")
    return "\n".join(out) + "\n"


def _md_table(headers: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def summary_markdown(summary: dict[str, Any], report_path: str | None = None) -> str:
    """The run summary as Markdown (the Prefect UI's summary artifact)."""
    parts = [f"# wirewash run `{summary['run_id']}`", "",
             _md_table(["count", "value"], [[k, v] for k, v in headline_counts(summary)]), ""]
    removed = sorted(summary["lines_removed_by_category"].items(), key=lambda kv: (-kv[1], kv[0]))
    if removed:
        parts += ["## Lines removed by category", "", _md_table(["category", "lines"], [list(kv) for kv in removed]), ""]
    kinds = summary.get("overlaps_by_kind", {})
    parts += ["## Reuse pairs by kind", "", _md_table(["kind", "pairs"], [[k, kinds.get(k, 0)] for k in KINDS]), ""]
    quarantined = summary.get("quarantined", [])
    if quarantined:
        parts += ["## Files not processed", "",
                  _md_table(["file", "stage", "reason"], [[q["source"], q["stage"], q["reason"]] for q in quarantined]), ""]
    skipped = summary.get("skipped", [])
    if skipped:
        parts += ["## Entries of raw/ skipped", "", _md_table(["entry", "reason"], [[e["path"], e["reason"]] for e in skipped]), ""]
    without_text = summary.get("documents_without_text", [])
    if without_text:
        parts += ["## Files that kept no text", "",
                  _md_table(["file", "lines removed", "mostly by"], [[d["source"], d["lines"], d["rule"] or ""] for d in without_text]), ""]
    if report_path:
        parts += [f"Report: `{report_path}`", ""]
    return "\n".join(parts)


def cluster_rows(clusters: list[dict[str, Any]], limit: int = 500) -> list[dict[str, Any]]:
    """One flat row per cluster view (:func:`wirewash.tasks.report.data.cluster_views`), largest first.

    Columns: id, copies, outlets, first and last publication day, the
    canonical copy's place, the rule that chose it, and the start of its text.
    """
    rows = []
    for cluster in clusters:
        canon = next((m for m in cluster["members"] if m.get("canonical")), cluster["members"][0])
        text = "".join(canon["pieces"])
        rows.append({
            "cluster": cluster["id"],
            "copies": len(cluster["members"]),
            "outlets": ", ".join(cluster["outlets"]),
            "first_published": cluster["first"] or "",
            "last_published": cluster["last"] or "",
            "canonical": f"{canon['file']}:{canon['lines'][0]}-{canon['lines'][1]}",
            "canonical_rule": cluster["rule"],
            "text": text if len(text) <= 160 else text[:159] + "…",
        })
    rows.sort(key=lambda r: (-r["copies"], r["cluster"]))
    return rows[:limit]
