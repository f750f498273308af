"""The story window: where on a flattened page the article is, and what inside it stays.

The story is the densest run of prose on the page. Each line scores how much
it pulls a window towards itself (prose, by its length) or pushes it away
(menus, link lists, clutter a rule caught); the maximum-sum window is the
story. A list printed a line per item between two stretches of prose costs
the window a bounded amount, so it does not split the story (:func:`_gap_cost`).
Before the window is the header, after it the footer (:mod:`wirewash.tasks.clean.zones`
names those lines). Inside it, :func:`story_decisions` keeps prose, headings
between paragraphs, lines that carry on kept text and runs of list items, and
:func:`teaser_tail_decisions` drops cards of other stories that close a page.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from wirewash.tasks.clean.blocks import (
    TABLE_CELL_SCORE,
    find_field_lines,
    find_list_lines,
    find_numbered_items,
    find_quantity_lines,
    find_table_lines,
    introduced_tables,
)
from wirewash.tasks.clean.decision import Decision, Decisions, kept_by, overlay, removed_by
from wirewash.tasks.clean.lines import LineView
from wirewash.tasks.clean.rules.ids import (
    BODY_BLOCK,
    BODY_CONTINUATION,
    BODY_HEADING,
    BODY_LIST_ITEM,
    BODY_PARAGRAPH,
    BODY_TABLE,
    RELATED_CAPS_HEADLINE,
    RELATED_DOUBLED_HEADLINE,
    RELATED_HEADING,
    RELATED_TEASER_LIST,
    ZONE_BOILERPLATE,
)

_CLEAN_SHARE = 0.85
_CONTINUATION_MIN_WORDS = 6
_CARD_HEADLINE_WORDS = 20
_CARD_MIN_PAIRS = 3
_SHORT_TEASER_WORDS = 30
_CLUTTER_PENALTY = 12.0
_EXPLAINED_PENALTY = 2.0
_SHORT_PENALTY = 6.0
_WALL = 1e6
_CLOSING_CATEGORIES = frozenset({"comments", "references"})  # what follows these is the page's, not the story's
_WALL_AFTER_WORDS = 100  # a full paragraph of story: a comments heading above it is a toolbar link
_CARD_PENALTY = 40.0
_AFTER_COMMENTS_WEIGHT = 0.3
_POST_SIGNATURE_RE = re.compile(r"^[—–-]\s*[^()\n]{1,80}\(@\w{1,30}\)\s*[^()\n]{0,40}\d{4}$")
_QA_RE = re.compile(r"^[QA]\s?[:.]\s")
_CLAUSE_RE = re.compile(r"\w[,;]\s\w|\w\s[(–—-]\s?\w")


def _score(view: LineView, decided: Decision | None) -> float:
    """How much a line pulls the story window towards itself (+) or away (−).

    A line a line rule caught is a strong sign of page furniture; a line
    removed only because of its neighbour (the items under a "Read more"
    heading) is already explained by that neighbour and counts little.
    """
    if decided is not None and decided.action != "kept":
        return -_CLUTTER_PENALTY if decided.by_line_rule else -_EXPLAINED_PENALTY
    if view.text.endswith(("...", "…")) and not view.inner_sentence:
        return -_SHORT_PENALTY  # a teaser cut short for a link list, not the story
    if _POST_SIGNATURE_RE.match(view.text):
        return 1.0  # "— Jane Roe (@janeroe) November 19, 2019" closes a post the story embeds
    if view.is_prose:
        return float(min(view.words, 80))
    if view.sentence_end and view.words >= 4:
        return 1.0
    if view.words >= _CONTINUATION_MIN_WORDS and _CLAUSE_RE.search(view.text):
        return 0.0  # a list item or a clause: neither pulls the window nor pushes it away
    return -_SHORT_PENALTY - 0.3 * min(view.words, 20)


def find_story_window(views: list[LineView], decided: Decisions) -> tuple[int, int]:
    """Indexes (into ``views``, inclusive) of the maximum-sum run of line scores: the story.

    A closing line (a comments heading, a "Was this page helpful?" widget, a
    "Sources" heading) is a wall the window never crosses, and prose after one
    counts for less: reader comments and cited works are prose too, but they
    follow the story rather than make it. A run of short lines between two stretches of
    prose costs what :func:`_gap_cost` says.
    """
    numbered, between = find_numbered_items(views, decided)
    table = find_table_lines(views, decided) | numbered
    introduced = introduced_tables(views, table, between) | find_list_lines(views, decided)
    table = table | introduced
    between = between | find_field_lines(views, decided)
    after_closing = False
    prose_words = 0
    scores: list[float] = []
    for index, view in enumerate(views):
        rule = decided.get(view.number)
        score = _score(view, rule) if view.number not in table else (TABLE_CELL_SCORE if view.number in introduced else 0.0)
        if view.number in between and score < 0:
            score = 0.0  # a link or price line between a counted list's items does not split the list
        if score > 0 and view.number not in table:
            prose_words += view.words
        elif rule is not None and rule.category in ("byline", "dateline", "legal") and prose_words >= _WALL_AFTER_WORDS:
            score = -_CARD_PENALTY  # a byline or date after the story has begun starts another item
        if rule is not None and rule.category in _CLOSING_CATEGORIES and prose_words >= _WALL_AFTER_WORDS:
            # a comments link in a toolbar above the story is no wall; a closing line after prose is
            after_closing, score = True, -_WALL
        elif after_closing and score > 0:
            score *= _AFTER_COMMENTS_WEIGHT
        scores.append(score)
    _mute_framed(views, decided, scores)
    start, end = _best_window(views, decided, scores)
    return start, _trim_tail(views, decided, scores, start, end)


def _is_legal(rule: Decision | None) -> bool:
    return rule is not None and rule.action != "kept" and rule.by_line_rule and rule.category in ("legal", "cookie")


def _mute_framed(views: list[LineView], decided: Decisions, scores: list[float]) -> None:
    """A paragraph between two legal or cookie lines a line rule caught (a disclaimer, a copyright line) is the
    page's legal text, however long: it no longer pulls the window (its score becomes 0). A story's
    last paragraph between two promo lines is left alone; news sites frame their paragraphs with those."""
    for i in range(1, len(views) - 1):
        if scores[i] > 0 and _is_legal(decided.get(views[i - 1].number)) and _is_legal(decided.get(views[i + 1].number)):
            scores[i] = 0.0


_TAIL_SHARE = 0.25  # prose after a "Related" heading, against the story's before it: cards or teasers, not story


def _trim_tail(views: list[LineView], decided: Decisions, scores: list[float], start: int, end: int) -> int:
    """The window's end, moved up to the line before its first "Related posts" heading when the prose after
    that heading is less than ``_TAIL_SHARE`` of the prose before it.

    A page that closes its story with a box of other posts prints their excerpts as prose, and the window
    takes them in. A heading that announces what follows ("More information:") is left alone, and so is a
    "Related" box printed early in the story (news sites print several between paragraphs): only the
    first such heading in the window is read.
    """
    if end < start:
        return end
    total = sum(s for s in scores[start : end + 1] if s > 0)
    before = 0.0
    for k in range(start, end + 1):
        rule = decided.get(views[k].number)
        if scores[k] > 0:
            before += scores[k]
        elif rule is not None and rule.rule == RELATED_HEADING and not views[k].text.endswith(":"):
            return k - 1 if total - before < _TAIL_SHARE * before else end
    return end


_GAP_CAP = 40.0  # the most a run of short lines between two stretches of prose costs the window
_GAP_MIN_WORDS = 2  # ... when its lines average this many words (list items, not a menu's one-word links)
# furniture a line rule caught: a gap holding one is the page's frame, not a list inside the story
_FRAME_CATEGORIES = frozenset({"nav", "related", "comments", "references", "legal", "cookie", "tags", "branding", "promo",
                               "paywall"})


def _gap_cost(views: list[LineView], decided: Decisions, scores: list[float], lo: int, hi: int) -> float:
    """What the run of non-prose lines ``lo..hi`` costs a window that spans it.

    Flattening prints a list, a spec sheet or a pros-and-cons box inside a
    story a line per item, each line pushing the window away as a menu's
    links do; summed, a long list would split the story in two. A run with
    no frame furniture a line rule caught and whose lines average two words
    or more costs at most ``_GAP_CAP``; menus (one-word links, a rule-caught
    "Home" or share bar), walls and frame blocks cost their full sum.
    """
    total = sum(scores[lo : hi + 1])
    lines = views[lo : hi + 1]
    if total <= -_WALL / 2 or sum(view.words for view in lines) < _GAP_MIN_WORDS * len(lines):
        return total
    for view in lines:
        rule = decided.get(view.number)
        if rule is not None and rule.action != "kept" and rule.by_line_rule and rule.category in _FRAME_CATEGORIES:
            return total
    return max(total, -_GAP_CAP)


def _best_window(views: list[LineView], decided: Decisions, scores: list[float]) -> tuple[int, int]:
    """The maximum-sum window over ``scores``, each run of non-positive lines taken as one step
    that costs :func:`_gap_cost`; ``(0, -1)`` when nothing scores above zero."""
    steps: list[tuple[float, int, int]] = []
    i = 0
    while i < len(scores):
        j = i
        if scores[i] <= 0:
            while j + 1 < len(scores) and scores[j + 1] <= 0:
                j += 1
        steps.append((scores[i] if scores[i] > 0 else _gap_cost(views, decided, scores, i, j), i, j))
        i = j + 1
    best_sum, best = float("-inf"), (0, -1)
    run_sum, run_start = 0.0, 0
    for value, lo, hi in steps:
        if run_sum <= 0:
            run_sum, run_start = value, lo
        else:
            run_sum += value
        if run_sum > best_sum:
            best_sum, best = run_sum, (run_start, hi)
    return best if best_sum > 0 else (0, -1)


def looks_clean(views: list[LineView], decided: Decisions, start: int, end: int) -> bool:
    """True for text that is already an article body: no line rule fired anywhere, and the story
    window holds nearly all of its words. Pages with any menu, credit or footer line fail this."""
    if any(rule.action != "kept" and rule.by_line_rule for rule in decided.values()):
        return False
    total = sum(view.words for view in views)
    return total > 0 and sum(view.words for view in views[start : end + 1]) >= _CLEAN_SHARE * total


def teaser_tail_decisions(story: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """Cards of other stories at the end of the window: headline, one teaser paragraph, repeated.

    A story ends with paragraphs; a page often goes on with a list of other
    stories, each a headline-shaped line and a single paragraph of teaser.
    Three or more such pairs in a row, up to the window's end, are removed
    (``related.teaser-list``). Subheadings inside a story are left alone: they
    are followed by more than one paragraph, or they are not at the end; so
    is a caption printed before every paragraph (the same "headline" each
    time), and an exclamation ("Now, for the main event!") is the story
    talking, not a card. A button printed under every card ("Learn more") is
    part of the cards; and cards each dated (a date line between one and the
    next) are posts however long their teasers: a story's own sections and
    FAQ are not dated one by one.
    """
    buttons = _card_buttons(story, decided)
    open_lines = [view for view in story if decided.get(view.number) is None and view.number not in buttons]
    pairs, i = _tail_pairs(open_lines)
    by_number = {view.number: view.text for view in story}
    if pairs and max(Counter(by_number[n] for n in buttons if n < pairs[-2].number).values(), default=0) > 1:
        # a "button" printed twice above the cards (once may be a card whose headline a link rule caught):
        # the story's own label ("Webcam"), which parts its own items
        open_lines = [view for view in story if decided.get(view.number) is None]
        pairs, i = _tail_pairs(open_lines)
        buttons = frozenset()
    headlines = [view.text for view in pairs[0::2]]
    # cards of other stories have headlines of their own; one line over and over is a caption
    if len(pairs) < 2 * _CARD_MIN_PAIRS or len(set(headlines)) != len(headlines) or _announced(open_lines, i + 1):
        return {}
    if not _dated(story, decided, pairs) and (_is_faq(headlines) or _outweighs_story(open_lines[: i + 1], pairs)):
        return {}
    first = min(view.number for view in pairs)
    cards = {view.number for view in pairs} | {number for number in buttons if number > first}
    return {number: removed_by(RELATED_TEASER_LIST) for number in sorted(cards)}


def _tail_pairs(open_lines: list[LineView]) -> tuple[list[LineView], int]:
    """The (headline, teaser) pairs closing ``open_lines``, read back from the end (flat, last card first),
    and the index of the last open line before them."""
    pairs: list[LineView] = []
    i = len(open_lines) - 1
    while i >= 1:
        teaser, headline = open_lines[i], open_lines[i - 1]
        if not (teaser.is_prose and _card_headline(headline, teaser) and not headline.text.endswith("!")
                and not _QA_RE.match(headline.text) and not _QA_RE.match(teaser.text)):
            break  # (a question and its answer, "Q: …" / "A: …", is an interview, not a card)
        pairs += [headline, teaser]
        i -= 2
    return pairs, i


_BUTTON_MAX_WORDS = 4
_BUTTON_MIN_REPEATS = 3


def _card_buttons(story: list[LineView], decided: Decisions) -> frozenset[int]:
    """Open short lines printed three times or more in the story, none a sentence: the button under
    every card of a list ("Learn more", "Weiterlesen"), which would otherwise part each headline from
    the teaser before it."""
    def button(view: LineView) -> bool:
        return view.number not in decided and view.words <= _BUTTON_MAX_WORDS and not _paragraph_like(view)
    repeats = Counter(view.text for view in story if button(view))
    return frozenset(view.number for view in story if button(view) and repeats[view.text] >= _BUTTON_MIN_REPEATS)


def _dated(story: list[LineView], decided: Decisions, pairs: list[LineView]) -> bool:
    """A date line between every card of ``pairs`` and the next: a list of posts, each with its date."""
    dates = [view.number for view in story if (rule := decided.get(view.number)) is not None and rule.category == "dateline"]
    cards = sorted(zip(pairs[0::2], pairs[1::2]), key=lambda pair: pair[0].number)
    return all(any(teaser.number < n < headline.number for n in dates) for (_, teaser), (headline, _) in pairwise(cards))


_CARDS_STORY_SHARE = 0.6  # cards after a story are an appendix to it, a fraction of its prose
_SECTION_MIN_WORDS = 40  # a section's paragraph, on average; a card's teaser is a sentence or two


def _outweighs_story(before: list[LineView], pairs: list[LineView]) -> bool:
    """The pairs are the story's own sections, each a heading over one paragraph (a guide's trails, a
    listicle's picks), not cards of other stories closing it: their paragraphs are longer than a card's
    teaser of a sentence or two, and together they hold more than ``_CARDS_STORY_SHARE`` of the prose
    of the story above them."""
    teasers = pairs[1::2]
    if sum(view.words for view in teasers) < _SECTION_MIN_WORDS * len(teasers):
        return False
    story_words = sum(view.words for view in before if view.is_prose)
    return sum(view.words for view in pairs) > _CARDS_STORY_SHARE * story_words


_QUESTION_END = ("?", "？", "؟", ";")  # ";" is the Greek question mark


def _is_faq(headlines: list[str]) -> bool:
    """Most "headlines" are questions, each over its answer: the page's own FAQ, not links to other stories
    (a card's headline states its story)."""
    return 2 * sum(1 for text in headlines if text.rstrip().endswith(_QUESTION_END)) > len(headlines)


def _announced(open_lines: list[LineView], first: int) -> bool:
    """The line just before the first pair ends in ':' ("Here are the deals of the month:"): the pairs are
    the list it announces, the story's own items."""
    return first > 0 and open_lines[first - 1].text.endswith(":") and open_lines[first - 1].words >= 3


def _card_headline(headline: LineView, teaser: LineView) -> bool:
    """A card's headline: headline-shaped, or a two-word title ("Buckwheat diet") over a teaser of a
    line or two, shorter than a story's paragraphs."""
    if headline.is_headline_shaped:
        return headline.words <= _CARD_HEADLINE_WORDS
    return (headline.words == 2 and teaser.words <= _SHORT_TEASER_WORDS and not headline.text.endswith(".")
            and not headline.inner_sentence)


_HEADING_RUN = 3  # subheading lines in a row (a heading, a kicker, a date) before a paragraph
_HEADING_MAX_WORDS = 15


def _paragraph_like(view: LineView) -> bool:
    return view.is_prose or (view.sentence_end and view.words >= 3)


def _in_heading_run(story: list[LineView], i: int, undecided: frozenset[int], decided: Decisions) -> bool:
    """True when line ``i`` is one of a few short lines between a kept line and a paragraph: subheadings."""
    def open_short(j: int) -> bool:
        return story[j].number in undecided and not _paragraph_like(story[j]) and 1 <= story[j].words <= _HEADING_MAX_WORDS
    lo = i
    while lo > 0 and open_short(lo - 1):
        lo -= 1
    hi = i
    while hi + 1 < len(story) and open_short(hi + 1):
        hi += 1
    if hi - lo + 1 > _HEADING_RUN or lo == 0 or hi + 1 >= len(story):
        return False
    before, after = story[lo - 1], story[hi + 1]
    before_kept = (before.number in undecided and _paragraph_like(before)) or (
        before.number in decided and decided[before.number].action == "kept")
    return before_kept and after.number in undecided and _paragraph_like(after)


def _in_item_run(story: list[LineView], i: int, undecided: frozenset[int]) -> bool:
    """True when line ``i`` is in a run of open short lines that reads as the story's own list: inside the
    story window, its lines average two words or more ("Rapid deployment times", "Bug repellant",
    "Price: $499"). A menu's one-word links ("World" / "Sport" / "Weather") average less."""
    def open_short(j: int) -> bool:
        return story[j].number in undecided and not _paragraph_like(story[j])
    lo = i
    while lo > 0 and open_short(lo - 1):
        lo -= 1
    hi = i
    while hi + 1 < len(story) and open_short(hi + 1):
        hi += 1
    return sum(view.words for view in story[lo : hi + 1]) >= _GAP_MIN_WORDS * (hi - lo + 1)


_DOUBLED_MIN_WORDS = 3  # a headline printed twice in a row, not a repeated cell ("0", "0")
_SHOUTED_MIN_WORDS = 8  # "WHO IS THE FRONT-RUNNER?", "MAKING SPICED HONEY PEAR JAM" are the story's subheads
_SHOUTED_MAX_WORDS = 25
_SHOUTED_MIN_CAPITALS = 16
_SHOUTED_LOWER_SHARE = 0.1  # an acronym's plural ("AMAs") in a shouted line


def _is_shouted_headline(view: LineView) -> bool:
    """A long headline in capitals inside the story ("SEAN ROE ELIMINATED FROM 'DANCING WITH THE STARS'"):
    a link to another story; it ends no sentence. The HTML path reads the same from the line's links
    (``related.inline``)."""
    if not _SHOUTED_MIN_WORDS <= view.words <= _SHOUTED_MAX_WORDS or view.text.endswith((".", "!", "?", ";", ",")):
        return False
    upper = sum(1 for ch in view.text if ch.isupper())
    lower = sum(1 for ch in view.text if ch.islower())
    return upper >= _SHOUTED_MIN_CAPITALS and lower <= _SHOUTED_LOWER_SHARE * (upper + lower)


@dataclass(frozen=True)
class _StoryBlocks:
    """What the story's structure says about its open lines before they are decided one by one."""

    table: frozenset[int]
    """cells of a flattened table or results list"""
    listed: frozenset[int]
    """items of an announced, counted or measured list (not table cells)"""
    doubled: frozenset[int]
    """headlines printed twice in a row (a card's image and its link; not table cells)"""


def _story_blocks(story: list[LineView], decided: Decisions) -> _StoryBlocks:
    table = find_table_lines(story, decided)
    listed = (find_list_lines(story, decided) | find_numbered_items(story, decided)[0]
              | find_quantity_lines(story, decided)) - table
    doubled = frozenset({view.number for a, b in pairwise(story)
                         if a.text == b.text and _DOUBLED_MIN_WORDS <= a.words <= _CARD_HEADLINE_WORDS
                         and a.number not in decided and b.number not in decided for view in (a, b)} - table)
    return _StoryBlocks(table, listed, doubled)


def _story_line(story: list[LineView], i: int, blocks: _StoryBlocks, undecided: frozenset[int],
                seen: Decisions) -> Decision:
    """The decision for the open story line ``i``, given everything decided before it (``seen``)."""
    view = story[i]
    if view.number in blocks.doubled:
        return removed_by(RELATED_DOUBLED_HEADLINE)
    if _is_shouted_headline(view):
        return removed_by(RELATED_CAPS_HEADLINE)
    if view.number in blocks.table:
        return kept_by(BODY_TABLE)
    if view.number in blocks.listed:
        return kept_by(BODY_LIST_ITEM)
    if _paragraph_like(view):
        return kept_by(BODY_PARAGRAPH)
    prev_ok = i > 0 and (story[i - 1].number not in seen or seen[story[i - 1].number].action == "kept")
    next_ok = i + 1 < len(story) and story[i + 1].is_prose and story[i + 1].number not in seen
    if prev_ok and next_ok and 1 <= view.words <= _HEADING_MAX_WORDS:
        return kept_by(BODY_HEADING)
    if prev_ok and view.words >= _CONTINUATION_MIN_WORDS:
        return kept_by(BODY_CONTINUATION)
    if _in_heading_run(story, i, undecided, seen):
        return kept_by(BODY_HEADING)
    if _in_item_run(story, i, undecided):
        return kept_by(BODY_BLOCK)
    return removed_by(ZONE_BOILERPLATE)


def story_decisions(story: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """Decisions for the story window's open lines, in order.

    Prose stays; a short line stays as a heading between kept lines, or
    when it carries on from a kept line with a few words of its own (a list
    item, an answer, an embedded post's attribution); lone fragments, long
    headlines in capitals and headlines printed twice in a row (a card's
    image and its link) go. A line's fate may hang on the line above it, so
    each reads what this pass decided before it.
    """
    found: dict[int, Decision] = {}
    seen = overlay(found, decided)
    undecided = frozenset(view.number for view in story if view.number not in decided)
    blocks = _story_blocks(story, decided)
    for i, view in enumerate(story):
        if view.number not in seen:
            found[view.number] = _story_line(story, i, blocks, undecided, seen)
    return found
