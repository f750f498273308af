"""The text cleaner: decide, for every raw line, keep or remove, and say which rule decided.

The cleaner reads a flattened page the way a person skims it:

1. **Line rules** (``tasks/rules.py``) catch clutter by its own shape and
   wording: ad markers, player controls, credits, copyright lines.
2. **Neighbours**: a line right before a photo credit is its caption; short
   lines glued to a player control belong to the widget; headline-like lines
   under a "Read more" heading are a link list.
3. **Batch**: a line the same outlet prints in several different stories is
   template (``find_template_lines``).
4. **Position**: the story is the densest run of prose on the page (a
   maximum-sum window over per-line scores). Before it is the header, where
   the headline, byline and dateline are recovered as metadata; after it is
   the footer. Inside it, prose is kept, and a short line survives only as a
   heading between kept paragraphs.

Every non-blank line ends up in exactly one provenance segment.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from tasks.extraction import with_record_metadata
from tasks.intake import RawText
from tasks.lines import MAX_LINE_CHARS, LineView, is_invisible, join_wrapped_lines, pick_stoplist, view_lines
from tasks.metadata import (
    looks_like_name,
    parse_author,
    parse_copyright_holder,
    parse_date,
)
from tasks.records import Action, Document, Paragraph, Quarantine, Segment
from tasks.repair import repair_lines
from tasks.rules import RULES, match_line
from tasks.story import (
    Decision,
    decide_story,
    find_story_window,
    kept_by,
    looks_clean,
    remove_teaser_tail,
    removed_by,
)

_TEMPLATE_MAX_WORDS = 30
_LEADING_DATELINE_RE = re.compile(r"^[^\n]{0,60}?(?:\d{4}|\))\s*(?:[:—–-]|\(\w+\)\s*[—–-])\s")
_URL_RE = re.compile(r"https?://\S+")
_PLAYER_RULE = "media.player"


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


def _apply_line_rules(views: list[LineView], template: frozenset[str], decided: dict[int, Decision]) -> None:
    for view in views:
        if len(view.text) > MAX_LINE_CHARS:
            decided[view.number] = removed_by("shape.oversize-line", f"{len(view.text)} characters on one line")
            continue
        rule = match_line(view.text, view.words)
        if rule is not None:
            action: Action = "metadata" if rule.category in ("byline", "dateline", "source-url") else "removed"
            decided[view.number] = Decision(action, rule.category, rule.id, rule.rationale)
        elif view.text in template:
            decided[view.number] = removed_by("template.outlet-repeat")


def _apply_neighbour_rules(views: list[LineView], decided: dict[int, Decision]) -> None:
    """Captions beside credits, widget blocks around player controls, link lists under headings."""
    for i, view in enumerate(views):
        rule = decided.get(view.number)
        if rule is None:
            continue
        if rule.category == "credit" and i > 0:
            before = views[i - 1]
            if before.number not in decided and view.number - before.number <= 2 and before.words <= 60:
                decided[before.number] = removed_by("caption.beside-credit")
        if rule.category == "media":
            if rule.rule == _PLAYER_RULE and view.glued_prev and i > 0 and views[i - 1].number not in decided:
                decided[views[i - 1].number] = removed_by("media.widget-block")
            j = i + 1
            while j < len(views) and views[j - 1].glued_next and not views[j].is_prose:
                decided.setdefault(views[j].number, removed_by("media.widget-block"))
                j += 1
            # the teaser title right after a player control repeats the clip's name
            if rule.rule == _PLAYER_RULE and j < len(views) and views[j - 1].glued_next and views[j].number not in decided:
                if views[j].words <= 25 and not views[j].sentence_end:
                    decided[views[j].number] = removed_by("media.widget-block")
        if rule.rule == "about.heading" and i + 1 < len(views) and views[i + 1].number not in decided:
            decided[views[i + 1].number] = removed_by("about.blurb")
        if rule.rule == "related.heading":
            for follower in views[i + 1 : i + 30]:
                if follower.number in decided or follower.is_prose or follower.words > 25:
                    break
                decided[follower.number] = removed_by("related.list")


def _apply_repeats(views: list[LineView], decided: dict[int, Decision]) -> None:
    """A later copy of a removed line (a caption printed twice, the headline in a footer list) goes too."""
    first: dict[str, Decision] = {}
    for view in views:
        rule = decided.get(view.number)
        if view.text in first and rule is None:
            decided[view.number] = removed_by("caption.repeat", f"repeats an earlier {first[view.text].category} line")
        elif rule is not None and rule.action != "kept":
            first.setdefault(view.text, rule)


def _find_title(header: list[LineView], decided: dict[int, Decision]) -> LineView | None:
    """The headline: the last headline-shaped line before the byline or dateline (or before the story)."""
    stop = len(header)
    for i, view in enumerate(header):
        rule = decided.get(view.number)
        if rule is not None and rule.category in ("byline", "dateline"):
            stop = i
            break
        if rule is None and looks_like_name(view.text) and i + 1 < len(header):
            nxt = decided.get(header[i + 1].number)
            if nxt is not None and nxt.category == "byline":
                stop = i
                break
    for view in reversed(header[:stop]):
        if view.number not in decided and view.is_headline_shaped:
            return view
    for view in reversed(header[:stop]):
        if view.number not in decided and 3 <= view.words <= 40:
            return view
    return None


def classify_lines(
    views: list[LineView], template: frozenset[str] = frozenset()
) -> tuple[dict[int, Decision], dict[str, str | None]]:
    """Decide every line; return decisions by line number and the metadata recovered."""
    decided: dict[int, Decision] = {}
    _apply_line_rules(views, template, decided)
    _apply_neighbour_rules(views, decided)
    start, end = find_story_window(views, decided)
    clean_input = end >= start and looks_clean(views, decided, start, end)
    if clean_input:
        end = len(views) - 1  # an article body already: its closing lines are story, not footer
    header = views[:start] if end >= start else list(views)
    footer = views[end + 1 :] if end >= start else []
    meta: dict[str, str | None] = {"title": None, "author": None, "published": None, "url": None, "copyright": None}

    title = _find_title(header, decided)
    if title is not None:
        decided[title.number] = Decision("title", "title", "title.headline", RULES["title.headline"].rationale)
        meta["title"] = title.text
    _apply_repeats(views, decided)
    dek_taken = False
    for i, view in enumerate(header):
        if view.number in decided:
            continue
        if (not dek_taken and title is not None and 0 < view.number - title.number <= 4
                and view.sentence_end and view.words >= 6):
            dek_taken = True
            decided[view.number] = Decision("removed", "dek", "dek.standfirst", RULES["dek.standfirst"].rationale)
        elif view.text == "By" or (looks_like_name(view.text) and _near_byline(header, i, decided)):
            decided[view.number] = Decision("metadata", "byline", "byline.by", "the author's name on its own line")
        else:
            decided[view.number] = removed_by("zone.header")
    for view in footer:
        decided.setdefault(view.number, removed_by("zone.footer"))
    remove_teaser_tail(views[start : end + 1], decided)
    if clean_input:
        for view in views[start : end + 1]:
            decided.setdefault(view.number, kept_by("body.clean-input"))
    decide_story(views[start : end + 1], decided)
    _collect_metadata(views, decided, meta)
    return decided, meta


def _near_byline(header: list[LineView], i: int, decided: dict[int, Decision]) -> bool:
    for j in (i - 1, i + 1):
        if 0 <= j < len(header):
            other = header[j]
            rule = decided.get(other.number)
            if other.text == "By" or (rule is not None and rule.category == "byline"):
                return True
    return False


def _collect_metadata(views: list[LineView], decided: dict[int, Decision], meta: dict[str, str | None]) -> None:
    by_number = {view.number: view for view in views}
    for number, rule in sorted(decided.items()):
        text = by_number[number].text
        if rule.category == "byline" and meta["author"] is None and text != "By":
            meta["author"] = parse_author(text)
        elif rule.category == "dateline" and meta["published"] is None:
            meta["published"] = parse_date(text)
        elif rule.category == "source-url" and meta["url"] is None:
            match = _URL_RE.search(text)
            meta["url"] = match.group(0) if match else None
        elif rule.category == "legal" and meta["copyright"] is None:
            meta["copyright"] = parse_copyright_holder(text)
    if meta["published"] is None:
        first_body = next((by_number[n].text for n, r in sorted(decided.items()) if r.action == "kept"), "")
        lead = _LEADING_DATELINE_RE.match(first_body)
        if lead:
            meta["published"] = parse_date(lead.group(0))


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
    doc_id: str, source: str, outlet: str, text: str, template: frozenset[str] = frozenset()
) -> Document:
    """Clean one flattened text scrape into a :class:`Document` with full provenance."""
    raw_lines = text.split("\n")
    lines, fixes = repair_lines(raw_lines)
    stoplist = pick_stoplist(lines)
    views = view_lines(lines, stoplist, raw_lines)
    invisible: list[LineView] = []
    readable: list[LineView] = []
    for view in views:
        (invisible if is_invisible(view.text) else readable).append(view)
    visible = join_wrapped_lines(readable, stoplist)
    decided, meta = classify_lines(visible, template)
    for view in invisible:  # kept out of the rules (a blank line to a reader) but not out of provenance
        decided[view.number] = removed_by("shape.invisible")
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

    HTML pages give none: trafilatura already strips their template.
    """
    if raw.format != "text":
        return []
    lines, _ = repair_lines(raw.text.split("\n"))
    return sorted({line.strip() for line in lines if line.strip() and len(line.split()) < _TEMPLATE_MAX_WORDS})


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
        from tasks.extraction import extract_html

        return extract_html(raw.name, raw.source, raw.outlet, raw.text)
    return clean_text(raw.name, raw.source, raw.outlet, raw.text, template)


def clean_batch(raws: list[RawText], templates: dict[str, frozenset[str]]) -> list[Document | Quarantine]:
    """Clean a batch; a document that fails is quarantined with the error, and the batch goes on."""
    out: list[Document | Quarantine] = []
    for raw in raws:
        try:
            out.append(with_record_metadata(clean_document(raw, templates.get(raw.outlet, frozenset())), raw))
        except Exception as err:  # noqa: BLE001 - one bad page must never abort the batch
            out.append(Quarantine(raw.source, f"{CleaningError.__name__}: {type(err).__name__}: {err}", "clean"))
    return out


# --- Prefect shell -----------------------------------------------------------------------------
from prefect import task  # noqa: E402  (the pure functions above never need Prefect)
from prefect.cache_policies import NO_CACHE  # noqa: E402

# NO_CACHE: Prefect's default cache policy hashes every input (all the batch's raw text) to no use here
clean_batch_task = task(clean_batch, name="clean-batch", retries=1, retry_delay_seconds=1, cache_policy=NO_CACHE)
