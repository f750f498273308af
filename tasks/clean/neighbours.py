"""Context rules that read a line's neighbours: captions beside credits, widget blocks, blurbs, link lists, copies.

A line rule that fired says something about the lines next to it:

* a photo credit ("Jane Roe/AP") has its caption just above it, and a
  photographer's "© Jane Roe" its caption just below (``caption.beside-credit``);
  a bare "Image caption" label has it on the next line (``caption.labelled``);
* a player control ("Play Video – …") drags the short lines glued to it into
  the widget, and the clip's title right after it (``media.widget-block``);
* an "About us" heading is followed by the site's blurb (``about.blurb``),
  unless it is a press release's company paragraph ("About Acme" / "Acme is …");
* a "Read more" heading is followed by linked headlines, and may have a
  card's headline glued above it (``related.list``).

Each rule here looks at the lines around one decided line and returns its
decisions for them; :func:`neighbour_decisions` walks the page once, trying
them in that order, so that a line decided as a neighbour counts as decided
for the lines after it. :func:`repeat_decisions` then removes copies of
captions and of other removed lines (``caption.repeat``).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from wirewash.tasks.clean.decision import Decision, Decisions, overlay, removed_by
from wirewash.tasks.clean.lines import LineView, count_sentence_breaks
from wirewash.tasks.clean.rules.ids import (
    ABOUT_BLURB,
    ABOUT_HEADING,
    CAPTION_BESIDE_CREDIT,
    CAPTION_LABEL,
    CAPTION_LABELLED,
    CAPTION_REPEAT,
    LEGAL_COPYRIGHT,
    MEDIA_PLAYER,
    MEDIA_WIDGET_BLOCK,
    RELATED_HEADING,
    RELATED_LIST,
)
from wirewash.tasks.clean.rules.patterns import WIRE_DATELINE_RE

_LINKED_HEADLINE_WORDS = 12
_PHOTO_COPYRIGHT_RE = re.compile(r"^©\s?[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){1,3}$")  # a person's name, no year
_LABEL_WORDS = 2  # a bare "Image caption" label
_CAPTION_MAX_WORDS = 60
_CREDITED_CAPTION_WORDS = 30  # under a "© Jane Roe" credit: a caption, not the story's first paragraph
# "Source: Statista" names where a chart's, a table's or a paragraph's figures come from: the line above it
# is what the source is for (the chart's title, the paragraph citing the figures), not a photo's caption
_SOURCE_LABEL_RE = re.compile(r"^\(?(?:data |image |photo )?(?:sources?|quellen?|fuentes?|fontes?|bron)\s*:", re.IGNORECASE)
# a photo's caption says who or what is pictured in a sentence or two; three sentences are the story's paragraph
# (on wcxb-dev, lines of three or more sentences above a credit were gold 680 words to 162; on aeb there were none)
_CAPTION_MAX_BREAKS = 1
_ABOUT_ONE_NAME_RE = re.compile(r"^(?:about|sobre|über|à propos de|acerca de)\s+([^\s:]+)\s*:?$", re.IGNORECASE)

NeighbourRule = Callable[[list[LineView], int, Decision, Decisions], dict[int, Decision]]
"""Given the page, the index of a decided line, its decision and all decided so far: decisions for its neighbours."""


def _credited_captions(views: list[LineView], i: int, rule: Decision, decided: Decisions) -> dict[int, Decision]:
    """The caption above a photo credit, and the one below a photographer's "© Jane Roe".

    A source line ("Source: Statista", "Quelle: Eurostat") is left alone: what stands above it is
    what the figures are for, a chart's title or the paragraph citing them. So is a line of three or more
    sentences above a credit: a caption says who or what is pictured in one or two. And so is a wire story's
    lead ("Musterstadt (dpa) - …"), which a page may print right above its first photo's credit, and the
    titles of a list's items, each over its picture's credit (three or more on the page).
    """
    view = views[i]
    if rule.category == "credit" and i > 0 and not _SOURCE_LABEL_RE.match(view.text):
        before = views[i - 1]
        if (before.number not in decided and view.number - before.number <= 2 and before.words <= 60
                and count_sentence_breaks(before.text) <= _CAPTION_MAX_BREAKS and not WIRE_DATELINE_RE.match(before.text)
                and not (_is_title(before) and before.text in _item_titles(views, decided))):
            return {before.number: removed_by(CAPTION_BESIDE_CREDIT)}
    elif rule.rule == LEGAL_COPYRIGHT and _PHOTO_COPYRIGHT_RE.match(view.text) and i + 1 < len(views):
        # "© Jane Roe" alone is a photo's credit, printed above its caption
        after = views[i + 1]
        if after.number not in decided and after.number - view.number <= 2 and after.words <= _CREDITED_CAPTION_WORDS:
            return {after.number: removed_by(CAPTION_BESIDE_CREDIT)}
    return {}


_ITEM_TITLES = 3  # credits under a title each, this many times on one page: a list's items, each with its picture
_TITLE_MAX_WORDS = 12


def _is_title(view: LineView) -> bool:
    return view.words <= _TITLE_MAX_WORDS and not view.sentence_end


def _item_titles(views: list[LineView], decided: Decisions) -> frozenset[str]:
    """The short titles standing right over photo credits ("Fellow Clara French Press" over "Credit: Amazon"),
    each printed once, when the page has three or more: a listicle names each item over its picture, where a
    news page captions a photo or two. A label repeated over every photo ("Image copyright") is no title."""
    titles = Counter(views[k - 1].text for k in range(1, len(views)) if (rule := decided.get(views[k].number)) is not None
                     and rule.category == "credit" and views[k - 1].number not in decided and _is_title(views[k - 1]))
    once = frozenset(text for text, count in titles.items() if count == 1)
    return once if len(once) >= _ITEM_TITLES else frozenset()


def _labelled_captions(views: list[LineView], i: int, rule: Decision, decided: Decisions) -> dict[int, Decision]:
    """The line under a bare "Image caption" label."""
    if rule.rule == CAPTION_LABEL and views[i].words <= _LABEL_WORDS and i + 1 < len(views):
        after = views[i + 1]
        if after.number not in decided and after.words <= _CAPTION_MAX_WORDS:
            return {after.number: removed_by(CAPTION_LABELLED)}
    return {}


def _widget_blocks(views: list[LineView], i: int, rule: Decision, decided: Decisions) -> dict[int, Decision]:
    """Short lines glued to a media control, a line glued above a player, and the clip's title after it."""
    if rule.category != "media":
        return {}
    found: dict[int, Decision] = {}
    seen = overlay(found, decided)
    widget = removed_by(MEDIA_WIDGET_BLOCK)
    player = rule.rule == MEDIA_PLAYER
    if player and views[i].glued_prev and i > 0 and views[i - 1].number not in seen:
        found[views[i - 1].number] = widget
    j = i + 1
    while j < len(views) and views[j - 1].glued_next and not views[j].is_prose:
        if views[j].number not in seen:
            found[views[j].number] = widget
        j += 1
    # the teaser title right after a player control repeats the clip's name
    if player and j < len(views) and views[j - 1].glued_next and views[j].number not in seen:
        if views[j].words <= 25 and not views[j].sentence_end:
            found[views[j].number] = widget
    return found


def _is_release_boilerplate(heading: LineView, blurb: LineView) -> bool:
    """'About Acme' over 'Acme is a leading …': the company paragraph that closes a press release, part of
    the release. A one-word name only: an author's bio sits under a person's full name ('About Jane Roe')."""
    match = _ABOUT_ONE_NAME_RE.match(heading.text)
    if match is None or not blurb.is_prose:
        return False
    first = blurb.text.split(maxsplit=1)[0].strip("’'\".,:;")
    return first.lower() == match.group(1).lower() and match.group(1).lower() not in ("us", "me", "this", "the")


def _about_blurbs(views: list[LineView], i: int, rule: Decision, decided: Decisions) -> dict[int, Decision]:
    """The blurb under an "About us" / "About the author" heading."""
    if (rule.rule == ABOUT_HEADING and i + 1 < len(views) and views[i + 1].number not in decided
            and not _is_release_boilerplate(views[i], views[i + 1])):
        return {views[i + 1].number: removed_by(ABOUT_BLURB)}
    return {}


def _link_lists(views: list[LineView], i: int, rule: Decision, decided: Decisions) -> dict[int, Decision]:
    """The linked headlines under a "Read more" heading, and a card's headline glued above it."""
    if rule.rule != RELATED_HEADING:
        return {}
    view, found = views[i], {}
    before = views[i - 1] if i > 0 else None
    if (before is not None and view.glued_prev and before.number not in decided and before.number == view.number - 1
            and before.words <= _LINKED_HEADLINE_WORDS + 8 and not before.sentence_end):
        found[before.number] = removed_by(RELATED_LIST)  # a card's headline glued above its "Read more"
    for follower in views[i + 1 : i + 30]:
        # a linked headline may read like a sentence ('… rescue of girl: "We got her!"', a teaser cut
        # short '…'), but ends in no full stop; a story's sentence does, or is longer
        if (follower.number in decided or follower.words > 25 or (follower.is_prose and (
                follower.words > _LINKED_HEADLINE_WORDS
                or (follower.text.endswith(".") and not follower.text.endswith("..."))))):
            break
        found[follower.number] = removed_by(RELATED_LIST)
    return found


NEIGHBOUR_RULES: tuple[NeighbourRule, ...] = (_credited_captions, _labelled_captions, _widget_blocks, _about_blurbs,
                                              _link_lists)
"""The neighbour rules in the order they are tried at each decided line."""


def neighbour_decisions(views: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """Decisions for the neighbours of decided lines (the second pass), by line number.

    Walks the page once; at each decided line (by an earlier pass or as a
    neighbour here) every rule of :data:`NEIGHBOUR_RULES` looks around it and
    decides only lines that are still open.
    """
    found: dict[int, Decision] = {}
    seen = overlay(found, decided)
    for i, view in enumerate(views):
        rule = seen.get(view.number)
        if rule is None:
            continue
        for neighbour_rule in NEIGHBOUR_RULES:
            found.update(neighbour_rule(views, i, rule, seen))
    return found


def repeat_decisions(views: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """A later copy of a removed line (a caption printed twice, the headline in a footer list) goes too,
    and so does an earlier copy of a caption: a gallery prints its caption above the photo and again below it."""
    found: dict[int, Decision] = {}
    first: dict[str, Decision] = {}
    # captions a line rule caught by their wording: a caption placed by position alone (beside a credit)
    # may be the story's own lead, which the page reuses as the photo's caption
    captions = {view.text for view in views if (rule := decided.get(view.number)) is not None
                and rule.category == "caption" and rule.action != "kept" and rule.by_line_rule}
    for i, view in enumerate(views):
        rule = decided.get(view.number)
        after = decided.get(views[i + 1].number) if i + 1 < len(views) else None
        if view.text in first and rule is None:
            found[view.number] = removed_by(CAPTION_REPEAT, f"repeats an earlier {first[view.text].category} line")
        elif rule is None and (view.text in captions or (  # or the caption printed twice in a row
                after is not None and after.category == "caption" and after.action != "kept" and views[i + 1].text == view.text)):
            found[view.number] = removed_by(CAPTION_REPEAT, "repeats a caption printed elsewhere on the page")
        elif rule is not None and rule.action != "kept":
            first.setdefault(view.text, rule)
    return found

