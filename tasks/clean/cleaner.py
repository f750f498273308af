"""The text cleaner: decide, for every raw line, keep or remove, and say which rule decided.

The cleaner reads a flattened page the way a person skims it, in passes.
Each pass reads the lines and everything decided so far and returns its own
decisions (:class:`wirewash.tasks.clean.decision.Decision`, by line number);
:func:`classify_lines` merges them in this fixed order, a later pass's
decision replacing an earlier one for the same line:

1. **Line rules and template** (:mod:`~wirewash.tasks.clean.by_line`): clutter
   caught by its own shape and wording (ad markers, player controls,
   credits, copyright lines), and lines the outlet prints in several of its
   stories (``find_template_lines``).
2. **Neighbours** (:mod:`~wirewash.tasks.clean.neighbours`): a line right
   before a photo credit is its caption; short lines glued to a player
   control belong to the widget; headline-like lines under a "Read more"
   heading are a link list.
3. **Entries** (:mod:`~wirewash.tasks.clean.entries`): a page that opens with a
   reader comment, and paragraphs each under their own share bar.
4. **Position** (:mod:`~wirewash.tasks.clean.story`, :mod:`~wirewash.tasks.clean.zones`):
   the story is the densest run of prose on the page (a maximum-sum window
   over per-line scores). Before it is the header, where the headline,
   byline and dateline are recovered as metadata and copies of captions go;
   after it is the footer. Inside it, cards of other stories closing the
   page go, prose is kept, and a short line survives as a heading between
   kept paragraphs or as an item of the story's own list.

Every non-blank line ends up in exactly one provenance segment.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from wirewash.tasks.clean.bio import author_bio_decisions
from wirewash.tasks.clean.by_line import line_rule_decisions
from wirewash.tasks.clean.decision import Decision, merge, removed_by
from wirewash.tasks.clean.entries import opening_comment_decisions, shared_card_decisions
from wirewash.tasks.clean.lines import MAX_LINE_CHARS, LineView, is_invisible, join_wrapped_lines, pick_stoplist, view_lines
from wirewash.tasks.clean.metadata import with_record_metadata
from wirewash.tasks.clean.neighbours import neighbour_decisions, repeat_decisions
from wirewash.tasks.clean.rules.ids import SHAPE_INVISIBLE
from wirewash.tasks.clean.story import find_story_window, story_decisions, teaser_tail_decisions
from wirewash.tasks.clean.zones import (
    clean_input_decisions,
    find_title,
    footer_decisions,
    header_decisions,
    place_line_decisions,
    recover_metadata,
    skip_lead_in,
    split_zones,
    title_decisions,
)
from wirewash.tasks.read.intake import RawText
from wirewash.tasks.read.repair import RepairedText, repair_text
from wirewash.tasks.read.spill import SpilledText, load_texts
from wirewash.tasks.records import Document, Paragraph, Quarantine, Segment, result_bytes
from wirewash.tasks.store.atomic import write_atomic

_TEMPLATE_MAX_WORDS = 30


def find_template_lines(line_sets: Iterable[Iterable[str]], min_docs: int) -> frozenset[str]:
    """Lines that ``min_docs`` or more different documents of one outlet share.

    ``line_sets`` holds, per document, its template candidates
    (:func:`template_candidates`): a long paragraph printed in several
    stories is reuse, which the reuse stage reports, not page template.
    """
    seen: Counter[str] = Counter()
    for lines in line_sets:
        seen.update(set(lines))
    return frozenset(line for line, count in seen.items() if count >= min_docs)


def classify_lines(
    views: list[LineView], template: frozenset[str] = frozenset()
) -> tuple[dict[int, Decision], dict[str, str | None]]:
    """Decide every line; return decisions by line number and the metadata recovered (see the module docstring)."""
    decided = line_rule_decisions(views, template)
    for decide in (neighbour_decisions, opening_comment_decisions, shared_card_decisions):
        decided = merge(decided, decide(views, decided))
    start, end = find_story_window(views, decided)
    start = skip_lead_in(views, decided, start, end)
    decided = merge(decided, place_line_decisions(views, decided, start, end))
    zones = split_zones(views, decided, start, end)
    title = find_title(zones.header, decided)
    decided = merge(decided, title_decisions(title))
    decided = merge(decided, repeat_decisions(views, decided))
    decided = merge(decided, header_decisions(zones, title, decided))
    decided = merge(decided, footer_decisions(zones, decided))
    decided = merge(decided, teaser_tail_decisions(zones.story, decided))
    decided = merge(decided, author_bio_decisions(views, zones.story, decided))
    decided = merge(decided, clean_input_decisions(zones, decided))
    decided = merge(decided, story_decisions(zones.story, decided))
    return decided, recover_metadata(views, decided, title)


def build_segments(source: str, views: list[LineView], decided: dict[int, Decision], fixes: dict[int, tuple[str, ...]],
                   lines: list[str] | None = None) -> list[Segment]:
    """Provenance: one segment per run of lines with the same decision (each kept line its own).

    A kept hard-wrapped paragraph is one line of text; a removed one keeps its
    raw lines (from ``lines``, the repaired file), so the segment shows and
    counts what the page printed.
    """

    def shown(view: LineView) -> str:
        if len(view.text) > MAX_LINE_CHARS:
            return view.text[:200] + "…"
        if lines is None or view.end == view.number or decided[view.number].action == "kept":
            return view.text
        return "\n".join(line.strip() for line in lines[view.number - 1 : view.end] if line.strip())

    segments: list[Segment] = []
    run: list[LineView] = []

    def flush() -> None:
        if not run:
            return
        rule = decided[run[0].number]
        line_fixes = tuple(f"L{n}:{step}" for v in run for n in range(v.number, v.end + 1) for step in fixes.get(n, ()))
        text = "\n".join(shown(v) for v in run)
        segments.append(
            Segment(source, (run[0].number, run[-1].end), rule.action, rule.category, rule.rule,
                    text, rule.reason, line_fixes)
        )
        run.clear()

    for view in views:
        if run:
            prev = decided[run[-1].number]
            now = decided[view.number]
            if now.action == "kept" or prev.action == "kept" or (now.rule, now.action) != (prev.rule, prev.action):
                flush()
        run.append(view)
    flush()
    return segments


def clean_text(
    doc_id: str, source: str, outlet: str, text: str, template: frozenset[str] = frozenset(),
    repaired: RepairedText | None = None,
) -> Document:
    """Clean one flattened text scrape into a :class:`Document` with full provenance; ``repaired`` is
    :func:`~wirewash.tasks.read.repair.repair_text` of ``text`` when the read stage already made it."""
    raw_lines = text.split("\n")
    lines, fixes = repaired if repaired is not None else repair_text(text)
    stoplist = pick_stoplist(lines)
    views = view_lines(lines, stoplist, raw_lines)
    invisible: list[LineView] = []
    readable: list[LineView] = []
    for view in views:
        (invisible if is_invisible(view.text) else readable).append(view)
    visible = join_wrapped_lines(readable, stoplist)
    decided, meta = classify_lines(visible, template)
    # kept out of the rules (a blank line to a reader) but not out of provenance
    decided = merge(decided, {view.number: removed_by(SHAPE_INVISIBLE) for view in invisible})
    views = sorted(visible + invisible, key=lambda view: view.number)
    segments = build_segments(source, views, decided, fixes, lines)
    paragraphs = [
        Paragraph(f"{doc_id}#L{seg.lines[0]}", seg.text, seg.lines) for seg in segments if seg.action == "kept"
    ]
    return Document(
        id=doc_id,
        source=source,
        outlet=outlet,
        title=meta["title"],
        author=meta["author"],
        published=meta["published"],
        url=meta["url"],
        copyright=meta["copyright"],
        paragraphs=paragraphs,
        segments=segments,
        fixes=[f"L{n}:{step}" for n, steps in sorted(fixes.items()) for step in steps],
    )


def template_candidates(raw: RawText) -> list[str]:
    """The distinct short lines of a text scrape, repaired and stripped: what could be page template.

    HTML pages give none: trafilatura already strips their template. The repair is ``raw.repaired`` when
    the read stage made it (:func:`with_repaired_lines`).
    """
    if raw.format != "text":
        return []
    lines = (raw.repaired or repair_text(raw.text)).lines
    return sorted({line.strip() for line in lines if line.strip() and len(line.split()) < _TEMPLATE_MAX_WORDS})


def with_repaired_lines(raw: RawText) -> RawText:
    """``raw`` carrying its repaired lines (a text scrape's; an HTML page is left as it is).

    The read stage repairs a text's lines for its template candidates; carried with the text to the clean
    task, the same repair is not made twice (23% of text cleaning's CPU in a profile of the bench corpus).
    """
    if raw.format != "text" or raw.repaired is not None:
        return raw
    return replace(raw, repaired=repair_text(raw.text))


def find_outlet_templates(candidates: Iterable[tuple[str, list[str]]], min_docs: int) -> dict[str, frozenset[str]]:
    """Template lines per outlet from ``(outlet, candidates)`` pairs, one pair per document."""
    by_outlet: dict[str, list[list[str]]] = {}
    for outlet, lines in candidates:
        by_outlet.setdefault(outlet, []).append(lines)
    return {outlet: find_template_lines(docs, min_docs) for outlet, docs in sorted(by_outlet.items())
            if len(docs) >= min_docs}


class CleaningError(RuntimeError):
    """A document could not be cleaned; the message carries the underlying error."""


def clean_document(raw: RawText, template: frozenset[str] = frozenset()) -> Document:
    """Clean one decoded raw file, text or HTML."""
    if raw.format == "html":
        from wirewash.tasks.clean.extraction import extract_html

        return extract_html(raw.name, raw.source, raw.outlet, raw.text)
    return clean_text(raw.name, raw.source, raw.outlet, raw.text, template, raw.repaired)


def clean_batch(raws: list[RawText], templates: dict[str, frozenset[str]]) -> list[Document | Quarantine]:
    """Clean a batch; a document that fails is quarantined with the error, and the batch goes on."""
    out: list[Document | Quarantine] = []
    for raw in raws:
        try:
            out.append(with_record_metadata(clean_document(raw, templates.get(raw.outlet, frozenset())), raw))
        except Exception as err:  # noqa: BLE001 - one bad page must never abort the batch
            out.append(Quarantine(raw.source, f"{CleaningError.__name__}: {type(err).__name__}: {err}", "clean"))
    return out


def clean_batch_to_spill(raws: list[RawText | SpilledText], templates: dict[str, frozenset[str]], spill: Path,
                         then: Callable[[list[Document]], None] | None = None) -> list[Document | Quarantine]:
    """Clean a batch (its texts read back from the read tasks' spill where spilled) and write each whole
    result to ``spill``, one JSON line per raw (:func:`encode_result`); return the results with each
    document reduced to its :meth:`~Document.head`.

    This keeps a run's memory flat in its size: the documents' line decisions (most of their bytes) go
    to disk in the worker that made them, and the flow, which holds every result until the outputs are
    written, receives only what the reuse stage and the summary need. ``then`` is given the batch's
    documents in the worker, where they are: the flow hands the reuse stage's per-batch work in here
    (:func:`wirewash.tasks.reuse.detect.write_batch_segment`), so cleaning never imports reuse.
    """
    results = clean_batch(load_texts(raws), templates)
    write_atomic(spill, b"".join(result_bytes(item) + b"\n" for item in results), durable=False)
    if then is not None:
        then([item for item in results if isinstance(item, Document)])
    return [item.head() if isinstance(item, Document) else item for item in results]


# --- Prefect shell -----------------------------------------------------------------------------
from prefect import task  # noqa: E402  (the pure functions above never need Prefect)
from prefect.cache_policies import NO_CACHE  # noqa: E402

from wirewash.tasks.payload import returns_payload  # noqa: E402

# NO_CACHE: Prefect's default cache policy hashes every input (all the batch's raw text) to no use here
# a payload: Prefect's process pool would unpickle the heads twice in the flow (wirewash.tasks.payload)
clean_batch_task = task(returns_payload(clean_batch_to_spill), name="clean-batch", retries=1, retry_delay_seconds=1,
                        cache_policy=NO_CACHE)
