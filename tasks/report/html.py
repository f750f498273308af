"""``report.html``: one self-contained file that shows a run to a person, offline.

The page has five views: the run summary (written as HTML here, readable
even with scripts off), and the documents, reuse clusters, reuse pairs and
outlet pairs, which a small inline script renders on demand, 50 rows a page,
from the run's data embedded as JSON (:func:`wirewash.tasks.report.data.build_report_data`).
That keeps a 5,000-document report quick to open: the browser parses one
JSON blob and builds only the rows on screen.

Scraped text is hostile input, so three walls stand between it and the page:

1. the summary is escaped with :func:`html.escape`;
2. the data blob is JSON with ``<``, ``>`` and ``&`` written as ``\\u003c``,
   ``\\u003e`` and ``\\u0026``, so no string can close the ``<script>``
   element that holds it, and the script puts every string on the page
   through ``textContent``, never ``innerHTML``;
3. the Content-Security-Policy allows exactly one script and one style
   sheet, named by their SHA-256 hashes: no other script (inline, injected
   or remote), no event-handler attribute, no network request runs, even if
   the first two walls had a hole.

The script and style live in ``tasks/report/assets/`` as plain files.
"""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator, Sequence
from html import escape
from importlib import resources
from pathlib import Path
from typing import Any


VIEWS = (("summary", "Summary"), ("documents", "Documents"), ("clusters", "Clusters"),
         ("pairs", "Reuse pairs"), ("outlets", "Outlets"))


def _asset(name: str) -> str:
    return resources.files("wirewash.tasks.report").joinpath("assets", name).read_text(encoding="utf-8")


def csp_hash(source: str) -> str:
    """The CSP source expression that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(script: str, style: str) -> str:
    """Nothing may load or run except the page's own script and style sheet (and data: images)."""
    return (f"default-src 'none'; script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def json_for_script(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` survive.

    The three characters only ever occur inside JSON strings, where their
    ``\\uXXXX`` escapes mean the same thing to ``JSON.parse``; U+2028 and
    U+2029 are escaped too, for older JavaScript parsers.
    """
    return "".join(iter_json_for_script(value))


SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def iter_json_for_script(value: Any) -> Iterator[str]:
    """:func:`json_for_script` in pieces, for writing a large page without holding its whole text: a dict's
    lists (and other sequences, such as records read back from disk as they are asked for) go an item at
    a time (each by the fast one-shot encoder). Every escape replaces one character,
    so escaping piece by piece is escaping the whole."""
    for piece in _json_pieces(value):
        for char, code in SCRIPT_ESCAPES:
            piece = piece.replace(char, code)
        yield piece


def _json_pieces(value: Any) -> Iterator[str]:
    def dump(item: Any) -> str:
        return json.dumps(item, ensure_ascii=False, separators=(",", ":"))

    if not isinstance(value, dict):
        yield dump(value)
        return
    yield "{"
    for n, (key, item) in enumerate(value.items()):
        yield ("," if n else "") + dump(str(key)) + ":"
        if isinstance(item, Sequence) and not isinstance(item, str):
            yield "["
            for m, element in enumerate(item):
                yield ("," if m else "") + dump(element)
            yield "]"
        else:
            yield dump(item)
    yield "}"


class _Raw(str):
    """A table cell that is already HTML (built here from escaped parts)."""


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = ()) -> str:
    head = "".join(f'<th{" class=n" if i in numeric else ""}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{c if isinstance(c, _Raw) else escape(str(c))}</td>'
                         for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _meter(value: int, top: int) -> _Raw:
    return _Raw(f'<meter value="{value}" min="0" max="{max(top, 1)}"></meter> {value}')


def _summary_html(data: dict[str, Any]) -> str:
    run = data["run"]
    counts = run["counts"]
    lines = run["lines_by_action"]
    removed = run["lines_removed_by_category"]
    cards = [("files seen", counts.get("files_seen", 0)), ("documents", counts.get("documents", 0)),
             ("files not processed", counts.get("quarantined", 0)), ("paragraphs kept", counts.get("paragraphs", 0)),
             ("lines kept", lines.get("kept", 0)), ("lines removed", lines.get("removed", 0)),
             ("reuse pairs", counts.get("overlaps", 0)), ("reuse clusters", counts.get("clusters", 0)),
             ("kept words found elsewhere", f"{100 * run.get('reused_words', 0) / max(1, run.get('words', 0)):.1f}%")]
    parts = ['<div class="cards">']
    parts += [f'<div class="card"><b>{escape(str(v))}</b><span>{escape(k)}</span></div>' for k, v in cards]
    parts.append("</div><div class=grid><div>")
    parts.append("<h3>Raw lines by decision</h3>")
    parts.append(_table(["decision", "lines"], [[k, v] for k, v in sorted(lines.items(), key=lambda kv: -kv[1])], [1]))
    parts.append("<h3>Lines removed by category</h3>")
    top = max(removed.values(), default=1)
    parts.append(_table(["category", "lines"], [[k, _meter(v, top)] for k, v in
                                                sorted(removed.items(), key=lambda kv: (-kv[1], kv[0]))]))
    parts.append("</div><div>")
    parts.append("<h3>Reuse pairs by kind</h3>")
    kinds = run["overlaps_by_kind"]
    parts.append(_table(["kind", "pairs"], [[k, kinds.get(k, 0)] for k in ("near-duplicate", "contained", "shared-text")], [1]))
    parts.append("<h3>Outlets sharing the most text</h3>")
    outlet_rows = [[f"{r['a']} ↔ {r['b']}", f"{100 * r['a_share']:.1f}% / {100 * r['b_share']:.1f}%", r["stories"]]
                   for r in data["outlets"][:8]]
    parts.append(_table(["outlets", "share of each one's words", "stories"], outlet_rows, [2]) if outlet_rows
                 else '<p class="empty">No two outlets share text in this run.</p>')
    parts.append("<h3>Files not processed</h3>")
    quarantined = run["quarantined"]
    parts.append(_table(["file", "stage", "reason"], [[q["source"], q["stage"], q["reason"]] for q in quarantined])
                 if quarantined else '<p class="empty">Every file was processed.</p>')
    parts.append("<h3>Files that kept no text</h3>")
    empty = run.get("without_text", [])
    parts.append(_table(["file", "lines removed", "mostly by"], [[d["source"], d["lines"], d["rule"] or "—"] for d in empty], [1])
                 if empty else '<p class="empty">Every processed file kept some text.</p>')
    parts.append("</div></div>")
    rules = sorted(((rule, n) for rule, n in run["segments_by_rule"].items()
                    if not rule.startswith("body.")), key=lambda kv: (-kv[1], kv[0]))
    parts.append("<h3>Rules that decided lines (segments)</h3>")
    parts.append(_table(["rule", "segments"], rules, [1]))
    return "".join(parts)


def render_report_data(data: dict[str, Any], generated: str = "") -> str:
    """The page for already-built report data (see :func:`wirewash.tasks.report.data.build_report_data`)."""
    return "".join(iter_report_page(data, generated))


def write_report_page(path: Path, data: dict[str, Any], generated: str = "") -> None:
    """Write :func:`render_report_data`'s page to ``path`` piece by piece (a large run's page is hundreds of
    megabytes: built as one string it would be held twice over)."""
    with path.open("w", encoding="utf-8") as handle:
        for piece in iter_report_page(data, generated):
            handle.write(piece)


def iter_report_page(data: dict[str, Any], generated: str = "") -> Iterator[str]:
    """The report page in pieces: the summary as HTML, every view's data as one JSON script, the script."""
    script, style = _asset("report.js"), _asset("report.css")
    run_id = escape(data["run"]["id"])
    nav = "".join(f'<a href="#{key}">{escape(label)}</a>' for key, label in VIEWS)
    stamp = f" · {escape(generated)}" if generated else ""
    yield from (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{escape(content_security_policy(script, style))}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>wirewash run {run_id}</title><style>{style}</style></head>\n<body>",
        f"<header><h1>wirewash report<small>run {run_id}{stamp}</small></h1><nav>{nav}</nav></header>\n",
        f'<main><section id="ww-summary"><h2>Run summary</h2>{_summary_html(data)}</section>\n',
        '<section id="ww-view" hidden></section>',
        "<noscript><p>The documents, clusters, reuse pairs and outlets views need JavaScript; "
        "the data is in this run's JSONL files.</p></noscript></main>\n",
        '<script type="application/json" id="wirewash-data">',
    )
    yield from iter_json_for_script(data)
    yield "</script>\n"
    yield f"<script>{script}</script>\n</body></html>\n"
