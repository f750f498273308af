"""The run's first readable view: one self-contained, script-free ``report.html``.

Scraped text is hostile input, so every string is escaped and the page's
Content-Security-Policy forbids scripts altogether; styling is inline.
"""
from __future__ import annotations

from collections import Counter
from html import escape
from typing import Any

from tasks.records import Document

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}
.removed{color:#999;text-decoration:line-through}.rule{font:12px monospace;color:#a33;margin-left:.5em}
.title{font-weight:bold}.meta{color:#555}details{margin:.3em 0}summary{cursor:pointer}
.kept{color:#111}.num{color:#aaa;font:11px monospace;margin-right:.5em}
"""


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _document_view(doc: Document) -> str:
    meta = [f"{name}: {value}" for name in ("title", "author", "published", "url", "copyright", "outlet")
            if (value := getattr(doc, name))]
    lines = []
    for seg in doc.segments:
        css = "kept" if seg.action == "kept" else ("title" if seg.action == "title" else "removed")
        rule = "" if seg.action == "kept" else f'<span class="rule">{escape(seg.rule)}</span>'
        span = f"{seg.lines[0]}–{seg.lines[1]}" if seg.lines[0] != seg.lines[1] else str(seg.lines[0])
        lines.append(f'<div><span class="num">{escape(span)}</span><span class="{css}">{escape(seg.text)}</span>{rule}</div>')
    return (
        f"<details><summary>{escape(doc.source)} — {len(doc.paragraphs)} paragraphs</summary>"
        f'<p class="meta">{escape(" · ".join(meta))}</p>{"".join(lines)}</details>'
    )


def render_report(summary: dict[str, Any], documents: list[Document], overlaps: list[dict[str, Any]]) -> str:
    """The HTML of a run's report: summary, reuse pairs, and every document's decisions."""
    counts = summary["counts"]
    removed = Counter({k: v for k, v in summary["lines_removed_by_category"].items()})
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        f"<title>wirewash run {escape(summary['run_id'])}</title><style>{_STYLE}</style></head><body>",
        f"<h1>wirewash run {escape(summary['run_id'])}</h1>",
        "<h2>Summary</h2>",
        _table(["count", "value"], [[k, v] for k, v in counts.items()]),
        "<h2>Lines removed by category</h2>",
        _table(["category", "lines"], [[k, v] for k, v in sorted(removed.items(), key=lambda kv: (-kv[1], kv[0]))]),
        "<h2>Reuse pairs by kind</h2>",
        _table(["kind", "pairs"], sorted(Counter(o["kind"] for o in overlaps).items())),
        "<h2>Files not processed</h2>",
        _table(["file", "stage", "reason"], [[q["source"], q["stage"], q["reason"]] for q in summary["quarantined"]]),
        "<h2>Reuse pairs</h2>",
        _table(
            ["kind", "a", "b", "jaccard", "containment", "shared text"],
            [[o["kind"], f"{o['a']['file']}:{o['a']['lines'][0]}", f"{o['b']['file']}:{o['b']['lines'][0]}",
              o["jaccard"], o["containment"], o.get("shared_text", "")[:200]] for o in overlaps],
        ),
        "<h2>Documents</h2>",
        *(_document_view(doc) for doc in sorted(documents, key=lambda d: d.id)),
        "</body></html>",
    ]
    return "\n".join(parts)
