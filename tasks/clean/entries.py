"""Pages of entries rather than one story: a reader comment, cards that each carry their own share bar.

The story window (:mod:`wirewash.tasks.clean.story`) looks for the densest run of prose, and
a reader's comment or a run of excerpts from other posts is prose too. Two
shapes give such entries away before the window is placed:

* **A comment's meta line.** Comment systems print the commenter's name over a
  timestamp joined by "at" ("Jan Roe" / "August 8, 2018 at 7:21 pm", the
  WordPress default) or as "Jan Roe says:". A page that *opens* with that pair
  has no headline above it: it is a comment, or a thread of them, cut out of a
  page. Further down the page the pair is left alone: a comments heading
  before it already walls the story off (the comments are footer), and an article's
  byline over its publication time ("Jane Roe" / "November 19, 2019, 9:02 AM")
  sits under a headline.
* **A share bar per paragraph.** A story prints one row of share buttons,
  above or below it. When the same row sits before each of three or more
  single paragraphs in a row, each paragraph is shared on its own: cards of
  other posts ("You might like…"), not one story's paragraphs.
"""
from __future__ import annotations

from wirewash.tasks.clean.decision import Decision, Decisions, overlay, removed_by
from wirewash.tasks.clean.lines import LineView
from wirewash.tasks.clean.metadata import looks_like_name
from wirewash.tasks.clean.rules import COMMENT_STAMP_RE
from wirewash.tasks.clean.rules.ids import COMMENTS_ENTRY, NAV_SHARE_BAR, RELATED_SHARED_CARDS

_MIN_SHARED_CARDS = 3
_COMMENT_MAX_WORDS = 400
_SAYS_ENDINGS = (" says:", " said:", " wrote:", " writes:")


def is_comment_meta(name: LineView, stamp: LineView) -> bool:
    """``name`` over ``stamp`` is a comment's meta: a commenter's name (or "Jan says:") over a "<date> at <time>"
    timestamp. A date with a comma before the time ("November 19, 2019, 9:02 AM") is how articles are dated."""
    named = looks_like_name(name.text) or (name.words <= 8 and name.text.endswith(_SAYS_ENDINGS))
    return named and COMMENT_STAMP_RE.match(stamp.text) is not None


def opening_comment_decisions(views: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """A page that opens with a comment's meta is a comment thread: its entries (meta and text) go (``comments.entry``).

    The thread runs from the first line over later comment metas, "Reply"
    prompts and the lines no rule decided (the comments' text), and stops at
    the first line another rule caught as page furniture: whatever follows
    (a menu, a footer, perhaps a story) is for the story window to place.
    An entry of more than 400 words is no comment but an article under a
    label and a time ("World News" / "August 8, 2018 at 7:21 pm"): then the
    page is left to the other rules. The thread's decisions replace those of
    comment prompts inside it ("Reply").
    """
    if len(views) < 2 or not is_comment_meta(views[0], views[1]):
        return {}
    entries: dict[int, str] = {}
    words = 0  # the current entry's words: a comment is a few paragraphs, an article under a name and time is more
    i = 0
    while i < len(views):
        if i + 1 < len(views) and is_comment_meta(views[i], views[i + 1]):
            entries[views[i].number] = entries[views[i + 1].number] = "a commenter's name over the comment's timestamp"
            i, words = i + 2, 0
            continue
        rule = decided.get(views[i].number)
        if rule is not None and rule.category != "comments":
            break
        if rule is None:
            words += views[i].words
            if words > _COMMENT_MAX_WORDS:
                return {}
        entries[views[i].number] = "the text of a reader comment the page opens with"
        i += 1
    return {number: removed_by(COMMENTS_ENTRY, reason) for number, reason in entries.items()}


def shared_card_decisions(views: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """Single paragraphs each preceded by its own copy of one share bar, three or more in a row, are cards
    (``related.shared-cards``).

    The run is a repeated pair (share bar, paragraph); a story's own share
    bar at its top is followed by many paragraphs, which ends the run, so
    the story above a list of cards stays.
    """
    found: dict[int, Decision] = {}
    seen = overlay(found, decided)
    i = 0
    while i + 1 < len(views):
        bar = seen.get(views[i].number)
        if bar is None or bar.rule != NAV_SHARE_BAR:
            i += 1
            continue
        cards: list[LineView] = []
        j = i
        while (j + 1 < len(views) and views[j].text == views[i].text and views[j + 1].number not in seen
               and views[j + 1].is_prose and (j + 2 >= len(views) or views[j + 2].text == views[i].text
                                              or views[j + 2].number in seen)):
            cards.append(views[j + 1])
            j += 2
        if len(cards) >= _MIN_SHARED_CARDS:
            found.update((card.number, removed_by(RELATED_SHARED_CARDS)) for card in cards)
        i = max(j, i + 1)
    return found
