"""The text cleaner: decide, for every raw line, keep or remove, and say which rule decided.

The cleaner reads a flattened page the way a person skims it:

1. **Line rules** (``tasks/clean/rules.py``) catch clutter by its own shape and
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

from wirewash.tasks.clean.entries import remove_opening_comments, remove_shared_cards
from wirewash.tasks.clean.extraction import with_record_metadata
from wirewash.tasks.read.intake import RawText
from wirewash.tasks.clean.lines import MAX_LINE_CHARS, LineView, is_invisible, join_wrapped_lines, pick_stoplist, view_lines
from wirewash.tasks.clean.metadata import (
    looks_like_name,
    parse_author,
    parse_copyright_holder,
    parse_date,
)
from wirewash.tasks.records import Action, Document, Paragraph, Quarantine, Segment
from wirewash.tasks.read.repair import repair_lines
from wirewash.tasks.clean.rules import RULES, match_line, rule_view
from wirewash.tasks.clean.story import (
    Decision,
    decide_story,
    find_story_window,
    kept_by,
    looks_clean,
    remove_teaser_tail,
    removed_by,
)

_TEMPLATE_MAX_WORDS = 30
_LINKED_HEADLINE_WORDS = 12
_PHOTO_COPYRIGHT_RE = re.compile(r"^©\s?[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){1,3}$")  # a person's name, no year
_LABEL_WORDS = 2  # a bare "Image caption" label
_CAPTION_MAX_WORDS = 60
_CREDITED_CAPTION_WORDS = 30  # under a "© Jane Roe" credit: a caption, not the story's first paragraph
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


_GLUED_RULE = "related.glued-teaser"
_TOKEN_EDGE = "\"'“”‘’()[],.;:!?"


def _glued_word(text: str) -> str | None:
    """The word a glued-teaser match found glued ("Student-AthleteA"), as the page's word counts see it."""
    match = RULES[_GLUED_RULE].pattern.search(rule_view(text)[0])  # type: ignore[union-attr]
    if match is None:
        return None
    return match.string[match.start("glued"):].split(maxsplit=1)[0].strip(_TOKEN_EDGE)


def _apply_line_rules(views: list[LineView], template: frozenset[str], decided: dict[int, Decision]) -> None:
    words: Counter[str] | None = None
    for view in views:
        if len(view.text) > MAX_LINE_CHARS:
            decided[view.number] = removed_by("shape.oversize-line", f"{len(view.text)} characters on one line")
            continue
        rule = match_line(view.text, view.words)
        if rule is not None and rule.id == _GLUED_RULE:
            # a camel-case word the page prints again elsewhere ("AirPods", "PlayStation") is a brand, not
            # a headline glued to its teaser: a card's glued word is one of a kind
            if words is None:
                words = Counter(word.strip(_TOKEN_EDGE) for other in views for word in other.text.split())
            glued = _glued_word(view.text)
            if glued is not None and words[glued] >= 2:
                rule = None
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
        if rule.rule == "legal.copyright" and _PHOTO_COPYRIGHT_RE.match(view.text) and i + 1 < len(views):
            # "© Jane Roe" alone is a photo's credit, printed above its caption
            after = views[i + 1]
            if after.number not in decided and after.number - view.number <= 2 and after.words <= _CREDITED_CAPTION_WORDS:
                decided[after.number] = removed_by("caption.beside-credit")
        if rule.rule == "caption.label" and view.words <= _LABEL_WORDS and i + 1 < len(views):
            after = views[i + 1]
            if after.number not in decided and after.words <= _CAPTION_MAX_WORDS:
                decided[after.number] = removed_by("caption.labelled")
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
        if (rule.rule == "about.heading" and i + 1 < len(views) and views[i + 1].number not in decided
                and not _is_release_boilerplate(view, views[i + 1])):
            decided[views[i + 1].number] = removed_by("about.blurb")
        if rule.rule == "related.heading":
            before = views[i - 1] if i > 0 else None
            if (before is not None and view.glued_prev and before.number not in decided and before.number == view.number - 1
                    and before.words <= _LINKED_HEADLINE_WORDS + 8 and not before.sentence_end):
                decided[before.number] = removed_by("related.list")  # a card's headline glued above its "Read more"
            for follower in views[i + 1 : i + 30]:
                # a linked headline may read like a sentence ('… rescue of girl: "We got her!"', a teaser cut
                # short '…'), but ends in no full stop; a story's sentence does, or is longer
                if (follower.number in decided or follower.words > 25 or (follower.is_prose and (
                        follower.words > _LINKED_HEADLINE_WORDS
                        or (follower.text.endswith(".") and not follower.text.endswith("..."))))):
                    break
                decided[follower.number] = removed_by("related.list")


_ABOUT_ONE_NAME_RE = re.compile(r"^(?:about|sobre|über|à propos de|acerca de)\s+([^\s:]+)\s*:?$", re.IGNORECASE)


def _is_release_boilerplate(heading: LineView, blurb: LineView) -> bool:
    """'About Acme' over 'Acme is a leading …': the company paragraph that closes a press release, part of
    the release. A one-word name only: an author's bio sits under a person's full name ('About Jane Roe')."""
    match = _ABOUT_ONE_NAME_RE.match(heading.text)
    if match is None or not blurb.is_prose:
        return False
    first = blurb.text.split(maxsplit=1)[0].strip("’'\".,:;")
    return first.lower() == match.group(1).lower() and match.group(1).lower() not in ("us", "me", "this", "the")


def _apply_repeats(views: list[LineView], decided: dict[int, Decision]) -> None:
    """A later copy of a removed line (a caption printed twice, the headline in a footer list) goes too,
    and so does an earlier copy of a caption: a gallery prints its caption above the photo and again below it."""
    first: dict[str, Decision] = {}
    # captions a line rule caught by their wording: a caption placed by position alone (beside a credit)
    # may be the story's own lead, which the page reuses as the photo's caption
    captions = {view.text for view in views if (rule := decided.get(view.number)) is not None
                and rule.category == "caption" and rule.action != "kept" and RULES[rule.rule].scope == "line"}
    for i, view in enumerate(views):
        rule = decided.get(view.number)
        after = decided.get(views[i + 1].number) if i + 1 < len(views) else None
        if view.text in first and rule is None:
            decided[view.number] = removed_by("caption.repeat", f"repeats an earlier {first[view.text].category} line")
        elif rule is None and (view.text in captions or (  # or the caption printed twice in a row
                after is not None and after.category == "caption" and after.action != "kept" and views[i + 1].text == view.text)):
            decided[view.number] = removed_by("caption.repeat", "repeats a caption printed elsewhere on the page")
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
    remove_opening_comments(views, decided)
    remove_shared_cards(views, decided)
    start, end = find_story_window(views, decided)
    start = _skip_lead_in(views, decided, start, end)
    if start <= end and views[start].number not in decided and _PLACE_LINE_RE.match(views[start].text):
        decided[views[start].number] = kept_by("body.heading")  # the place line that opens a release's text
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
            # the standfirst printed again as the story's first line (a copy further down is the story quoting it)
            lead = next((line for line in views[start : end + 1] if line.number not in decided), None)
            if lead is not None and lead.text == view.text:
                decided[lead.number] = removed_by("caption.repeat", "repeats the standfirst under the headline")
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


_LEAD_IN_VIEWS = 2  # a standfirst of a line or two printed above the byline
_LEAD_IN_MAX_WORDS = 60


_PLACE_LINE_RE = re.compile(r"^[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30},\s?[A-ZÀ-Þ][A-ZÀ-Þ.'’ -]{1,30}$")


def _skip_lead_in(views: list[LineView], decided: dict[int, Decision], start: int, end: int) -> int:
    """Move the story's start past a byline or dateline in its first lines: the sentence above a byline is the
    standfirst under the headline ("CHINA has sent troops …" / "By Jane Roe" / "PUBLISHED: …"), page header.
    A press release's place line ("BAAR, SWITZERLAND") opens its text: the summary above it is header too."""
    if end < start:
        return start
    for k in range(start, min(start + _LEAD_IN_VIEWS + 1, end + 1)):
        if k > start and views[k].number not in decided and _PLACE_LINE_RE.match(views[k].text):
            return k if sum(view.words for view in views[start:k]) <= _LEAD_IN_MAX_WORDS else start
        rule = decided.get(views[k].number)
        if rule is not None and rule.category in ("byline", "dateline"):
            if k == start or sum(view.words for view in views[start:k]) > _LEAD_IN_MAX_WORDS:
                return start
            stop = k
            while stop + 1 <= end and (nxt := decided.get(views[stop + 1].number)) is not None and nxt.category in ("byline", "dateline"):
                stop += 1
            return stop + 1 if stop < end else start
    return start


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
        from wirewash.tasks.clean.extraction import extract_html

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
