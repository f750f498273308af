"""The rules after trafilatura: keep or remove each extracted line, and say which rule decided.

Steps 2 to 7 of :mod:`wirewash.tasks.clean.extraction`: the catalog's line
rules (but those that read artefacts of flattened text or proved unreliable
on extracted lines), link lists, the headline, the lines before and after the
story's paragraphs, the back-off guard and a second copy of the page's text.
Each extracted line ends with one :class:`~wirewash.tasks.clean.decision.Decision`.
"""
from __future__ import annotations

import re
from functools import lru_cache

from wirewash.tasks.clean.decision import Decision, caught_by, removed_by
from wirewash.tasks.clean.html_trafilatura import SENTENCE_END_RE, ExtractedLine
from wirewash.tasks.clean.lines import count_words
from wirewash.tasks.clean.repeats import repeated_runs
from wirewash.tasks.clean.rules import LINE_RULES, RULES, Rule, first_match, index_by_words, rule_view
from wirewash.tasks.clean.rules.ids import (
    BODY_PARAGRAPH,
    BYLINE_ROLE,
    DEK_STANDFIRST,
    GUARD_BACK_OFF,
    LEGAL_COPYRIGHT,
    PROMO_CHECK_OUT,
    PROMO_CONTACT,
    RELATED_GLUED_TEASER,
    RELATED_INLINE,
    RELATED_LIST,
    REPEAT_PAGE_COPY,
    SOURCE_URL_LINE,
    TITLE_HEADLINE,
    ZONE_FOOTER,
)
from wirewash.tasks.clean.source_map import LIST_MARK

_URLISH_RE = re.compile(r"^\S*(?:https?://|www\.|@)\S*$")
_TITLE_SEP_RE = re.compile(r"\s*[|–—:-]\s")  # between a headline and the site's name in a page title
_ADDRESS_RE = re.compile(r"https?://|www\.|@\w|\.(?:com|org|net|co\.uk)\b", re.IGNORECASE)  # headlines carry no addresses
_BARE_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$")
HTML_UNPROVEN_RULES = frozenset({PROMO_CONTACT, PROMO_CHECK_OUT, BYLINE_ROLE})
"""Line rules whose removals, on the lines trafilatura kept, were mostly the article's own text.

A flattened page keeps its whole template, so an e-mail address or "check out our guide" there is
usually a box of the page; trafilatura has already dropped those boxes, and the lines it keeps with
that wording are mostly the article's own (a guide's "email info@... after you purchase", "check out
our picks below", a "staff writer" line the gold keeps). Measured per rule on the HTML path
(gold 4-grams removed / other 4-grams removed): promo.contact 102/23 on the even ids of wcxb-dev,
57/7 on the odd, 0/8 on aeb; promo.check-out 96/0, 43/0, 0/0; byline.role 22/1, 10/0, 3/0. Each
chosen on the even ids (F1 up, aeb not down) and confirmed on the odd. The text path keeps them."""
HTML_SKIPPED_RULES = frozenset({RELATED_GLUED_TEASER, SOURCE_URL_LINE}) | HTML_UNPROVEN_RULES
"""Line rules not tried on extracted HTML lines (:mod:`wirewash.tasks.clean.extraction`, step 2): two read
artefacts of flattened text, the others are :data:`HTML_UNPROVEN_RULES`."""

LINK_SHARE = 0.75
"""A line whose visible characters are at least this share link text is a link (card, tag, teaser)."""
LINK_MAX_WORDS = 15
"""Longer link lines are prose that happens to be linked (a deal description, a quoted source)."""
LINK_RUN = 2
"""This many neighbouring link lines make a link list."""
MIXED_LIST_PLAIN_SHARE = 0.25
"""A list with at least this share of plain items (no rule, under ``LINK_SHARE`` link text) is the article's own,
linked items included (0.1, 0.25, 0.4 tried on the even ids of wcxb-dev: 0.25 as good as 0.1 there; it spared the
lists of 13 pages, none for the worse, and changed nothing on aeb)."""
TEASER_LINK_SHARE = 0.2
"""A list item at least this share link text is a story card: a linked headline with its blurb."""
PROSE_MAX_LINK_SHARE = 0.5
"""A line at least this share link text is not a paragraph of the story, however long."""
HEADLINE_WITHIN = 3
"""The headline line counts for the standfirst rule only among the first lines extracted."""
DEK_MIN_WORDS = 4
"""A standfirst is a summary, not a label: at least this many words."""
TITLE_MIN_CHARS = 16
"""A line shorter than this that begins the page title is a word or two of it, not the headline."""
HEADLINE_MAX_WORDS = 25
"""An unpunctuated first line right above the story's first paragraph is its headline up to this many words."""
SHOUT_SHARE = 0.8
SHOUT_MIN_LETTERS = 10
"""A line with at least ``SHOUT_MIN_LETTERS`` upper-case letters, ``SHOUT_SHARE`` of its cased letters, is in capitals."""
FOOTER_CATEGORIES = frozenset({"legal", "comments", "promo", "related", "tags", "paywall", "cookie", "nav", "branding"})
"""Rule categories that, fired after the story's last paragraph, mark the start of the page footer."""
BACK_OFF_SHARE = 0.5
"""The bulk rules may remove up to this share of the extracted characters (the headline aside); beyond it they back
off. On aeb and wcxb-dev they remove at most 0.35 of a page, rightly: the guard is for layouts no rule was written for."""
BULK_RULES = frozenset({RELATED_LIST, ZONE_FOOTER, RELATED_INLINE})
"""The rules that decide by shape and position alone and can take many lines of a page at once."""

_HTML_LINE_RULES: tuple[Rule, ...] = tuple(rule for rule in LINE_RULES if rule.id not in HTML_SKIPPED_RULES)
_RULES_BY_WORDS = index_by_words(_HTML_LINE_RULES)
"""The line rules, in catalog order, that can catch a line of each word count."""
_RULE_AT = {rule.id: at for at, rule in enumerate(_HTML_LINE_RULES)}
_NOTICE_AT = _RULE_AT.get(LEGAL_COPYRIGHT)
"""Where the copyright rule stands in the order HTML line rules are tried (``None``: it is not tried)."""


def _fold(text: str) -> str:
    """``text`` in lower case, its whitespace runs folded to single spaces and its ends trimmed.

    ``str.split`` splits on exactly the characters ``\\s`` matches (those ``str.isspace`` accepts),
    so this is ``re.sub(r"\\s+", " ", text).strip().lower()`` at less than half the cost.
    """
    return " ".join(text.split()).lower()


# decisions are immutable: one per outcome serves every line (a page has dozens of lines, a batch thousands)
KEPT_DECISION = Decision("kept", BODY_PARAGRAPH, "extracted by trafilatura")
"""A line extracted by trafilatura that no rule after it removes: kept as the story's text."""
_BACK_OFF_DECISION = Decision("kept", GUARD_BACK_OFF)
_TITLE_DECISION = Decision("title", TITLE_HEADLINE)
_RULE_DECISIONS: dict[str, Decision] = {rule.id: caught_by(rule) for rule in RULES.values()}


def _is_link_line(line: ExtractedLine, words: int) -> bool:
    return line.link_share >= LINK_SHARE and 2 <= words <= LINK_MAX_WORDS and not _URLISH_RE.match(line.text)


def _in_mixed_list(lines: list[ExtractedLine], rules: list[Rule | None], start: int, end: int) -> bool:
    """Whether the run of link lines ``lines[start:end]`` is items of one list whose other items are plain text.

    A box of other stories links every item. A list the article itself
    writes (a checklist whose items link to products, a changelog whose
    entries link to their commits, a reading list among plain entries)
    links some items and not others: when at least ``MIXED_LIST_PLAIN_SHARE``
    of the items of the run's list (the list items around it, one after
    another) are plain text that no rule caught, the linked items are part of
    it. Leaves alone a run that is not all list items, and a list whose items
    are all links or cards.
    """
    if not all(lines[k].text.startswith(LIST_MARK) for k in range(start, end)):
        return False
    while start > 0 and lines[start - 1].text.startswith(LIST_MARK):
        start -= 1
    while end < len(lines) and lines[end].text.startswith(LIST_MARK):
        end += 1
    plain = sum(1 for k in range(start, end) if rules[k] is None and lines[k].link_share < LINK_SHARE)
    return plain >= MIXED_LIST_PLAIN_SHARE * (end - start)


def _is_teaser(line: ExtractedLine) -> bool:
    """A list item that starts with or holds a link: a story card (headline link plus blurb), not a paragraph."""
    return line.text.startswith(LIST_MARK) and line.link_share >= TEASER_LINK_SHARE


def _is_story_prose(line: ExtractedLine, words: int) -> bool:
    """Reads like a paragraph of the story: a sentence of ten words or more, or twenty words, mostly not link text."""
    if line.link_share >= PROSE_MAX_LINK_SHARE or _is_teaser(line):
        return False
    return words >= 20 or (words >= 10 and bool(SENTENCE_END_RE.search(line.text)))


def _is_title(folded: str, folded_title: str) -> bool:
    """The line repeats the page title, or the title with the site's name after a separator ("Headline - Site")."""
    if folded == folded_title:
        return True
    shorter, longer = sorted((folded, folded_title), key=len)
    return len(shorter) >= TITLE_MIN_CHARS and longer.startswith(shorter) and bool(_TITLE_SEP_RE.match(longer, len(shorter)))


def _shouts(text: str) -> bool:
    """Written in capitals: at least ``SHOUT_SHARE`` of its cased letters are upper case (and there are some)."""
    upper = sum(1 for ch in text if ch.isupper())
    lower = sum(1 for ch in text if ch.islower())
    return upper >= SHOUT_MIN_LETTERS and upper >= SHOUT_SHARE * (upper + lower)


@lru_cache(maxsize=65_536)
def _read_line(text: str) -> tuple[int, Rule | None]:
    """A line's word count and first catching line rule: what the rules read of a line out of context.

    Cached, like :func:`wirewash.tasks.read.repair.repair_line`: the lines trafilatura
    leaks from a site's templates (share bars, newsletter boxes, credits,
    footers) recur on every page of the site, and trying the whole catalog
    on a line is the costliest step of deciding.
    """
    words = count_words(text)
    return words, first_match(_RULES_BY_WORDS, text, words)


def is_notice(text: str, words: int, first: Rule | None) -> bool:
    """Whether the copyright rule catches a line, knowing ``first``, the first line rule that caught it.

    ``first`` was found by trying the rules in catalog order, so unless it
    comes before the copyright rule in that order, it already answers: the
    copyright rule itself, or a miss. Only otherwise is the pattern tried.
    """
    notice = RULES[LEGAL_COPYRIGHT]
    if _NOTICE_AT is None:
        return notice.matches(*_ruled(text, words))  # not among the rules tried on HTML lines: ``first`` says nothing
    if first is None or _RULE_AT[first.id] > _NOTICE_AT:
        return False  # the copyright rule was tried on this line, and missed
    return first.id == LEGAL_COPYRIGHT or notice.matches(*_ruled(text, words))


def _ruled(text: str, words: int) -> tuple[str, int, str]:
    """``(text, words, lowercase)`` as :meth:`Rule.matches` reads a line: through :func:`rule_view`, like the rule pass."""
    line, lowered = rule_view(text)
    return line, words, lowered


def decide_lines(lines: list[ExtractedLine], title: str | None) -> list[Decision]:
    """Keep or remove each extracted line (steps 2–7 of :mod:`wirewash.tasks.clean.extraction`), in order."""
    return decide_and_read(lines, title)[0]


def decide_and_read(lines: list[ExtractedLine], title: str | None) -> tuple[list[Decision], list[int], list[Rule | None]]:
    """:func:`decide_lines`, also returning each line's word count and its first catching line rule.

    :func:`wirewash.tasks.clean.extraction.extract_html` reads the page's
    copyright notice from these instead of trying the copyright rule on
    every line a second time.
    """
    read = [_read_line(line.text) for line in lines]
    words = [count for count, _ in read]
    first_rules = [rule for _, rule in read]
    rules: list[Rule | None] = list(first_rules)
    # link lists: runs of link lines, possibly interleaved with lines a related/promo rule caught
    link_list = RULES[RELATED_LIST]
    i = 0
    while i < len(lines):
        if not _is_link_line(lines[i], words[i]):
            i += 1
            continue
        j, links = i, 0
        while j < len(lines) and (_is_link_line(lines[j], words[j]) or (rules[j] is not None and rules[j].category in ("related", "promo"))):
            links += _is_link_line(lines[j], words[j])
            j += 1
        if links >= LINK_RUN and not _in_mixed_list(lines, rules, i, j):
            for k in range(i, j):
                rules[k] = rules[k] or link_list
        i = max(j, i + 1)
    folded = [_fold(line.text) for line in lines]  # read by the headline and by the second-copy search
    folded_title = _fold(title) if title else ""
    if folded_title:
        titles = [rule is None and _is_title(text, folded_title) for text, rule in zip(folded, rules)]
    else:
        titles = [False] * len(lines)
    _apply_position(lines, words, rules, titles)
    copies = _second_copies(folded, words, rules, titles)
    decisions: list[Decision] = []
    for index, (is_title, rule) in enumerate(zip(titles, rules)):
        if rule is None:
            decisions.append(_TITLE_DECISION if is_title else copies.get(index, KEPT_DECISION))
        else:
            decisions.append(_RULE_DECISIONS[rule.id])
    return _back_off(lines, decisions), words, first_rules


def _second_copies(folded: list[str], words: list[int], rules: list[Rule | None],
                   titles: list[bool]) -> dict[int, Decision]:
    """The lines (``folded``: :func:`_fold`) of a second copy of the page's text (:mod:`wirewash.tasks.clean.repeats`)
    that no other rule decided.

    Decided last, so that a copy's lines another rule reads (a caption, a
    link list, the footer) keep that rule's name; each removed line names the
    extracted line it repeats.
    """
    copies: dict[int, Decision] = {}
    for run in repeated_runs(folded, words):
        span = f"a run of {run.length} lines repeating lines {run.source + 1}-{run.source + run.length}"
        for offset in range(run.length):
            index = run.start + offset
            if rules[index] is None and not titles[index]:
                copies[index] = removed_by(REPEAT_PAGE_COPY, f"repeats line {run.source + offset + 1} of trafilatura's text, in {span}")
    return copies


def _back_off(lines: list[ExtractedLine], decisions: list[Decision]) -> list[Decision]:
    """The decisions, unless the bulk rules would remove more than ``BACK_OFF_SHARE`` of what trafilatura kept.

    trafilatura already chose the article; the rules after it catch what
    leaks through. Line rules read a line's own wording (a credit, a share
    bar, a newsletter box) and hold across sites; the bulk rules read only
    shape and position (``BULK_RULES``: a run of link lines, everything
    after a footer line, a linked line between paragraphs) and take many
    lines at once. When those would take most of the page, they have
    misread a layout they were not written for (a list-shaped article taken
    for a teaser list, a footer rule firing on the story's own closing
    list): the lines they would remove are kept instead, as
    ``guard.back-off``. The headline stays out of the count.
    """
    total = sum(len(line.text) for line, decision in zip(lines, decisions) if decision.action != "title")
    bulk = [decision.rule in BULK_RULES for decision in decisions]
    removed = sum(len(line.text) for line, is_bulk in zip(lines, bulk) if is_bulk)
    if removed <= BACK_OFF_SHARE * total:
        return decisions
    return [_BACK_OFF_DECISION if is_bulk else decision for decision, is_bulk in zip(decisions, bulk)]


def _apply_position(lines: list[ExtractedLine], words: list[int], rules: list[Rule | None], titles: list[bool]) -> None:
    """Step 5 of the module docstring: what the story's first and last paragraphs say about the lines around them."""
    n = len(lines)
    prose = [_is_story_prose(line, count) for line, count in zip(lines, words)]
    for i in range(1, n):  # a copyright notice closing the story's text belongs to the story
        if rules[i] is not None and rules[i].id == LEGAL_COPYRIGHT and rules[i - 1] is None and prose[i - 1]:
            rules[i] = None
    for i in range(1, n - 1):  # one item of a kept list caught by a line rule: the rule read its wording out of context
        if (rules[i] is not None and rules[i].category in ("promo", "related", "nav", "media") and rules[i].id != RELATED_LIST
                and all(lines[j].text.startswith(LIST_MARK) for j in (i - 1, i, i + 1))
                and rules[i - 1] is None and rules[i + 1] is None):
            rules[i] = None
    kept_prose = [i for i in range(n) if prose[i] and rules[i] is None and not titles[i]]
    if not kept_prose:
        return
    first, last = kept_prose[0], kept_prose[-1]
    # inside the story: a paragraph that is one link, in capitals, is a teaser for another story
    for i in range(first + 1, last):
        if (rules[i] is None and prose[i - 1] and prose[i + 1] and lines[i].link_share >= LINK_SHARE
                and words[i] >= DEK_MIN_WORDS and not SENTENCE_END_RE.search(lines[i].text) and _shouts(lines[i].text)):
            rules[i] = RULES[RELATED_INLINE]
    # before the story: the headline when it is not the page title's wording, the page's address, the standfirst
    if (first == 1 and rules[0] is None and not titles[0] and DEK_MIN_WORDS <= words[0] <= HEADLINE_MAX_WORDS
            and lines[0].link_share < PROSE_MAX_LINK_SHARE and not lines[0].text.startswith(LIST_MARK)
            and not SENTENCE_END_RE.search(lines[0].text) and not _ADDRESS_RE.search(lines[0].text)):
        titles[0] = True
    for i in range(first):
        if rules[i] is None and not titles[i] and _BARE_URL_RE.match(lines[i].text):
            rules[i] = RULES[SOURCE_URL_LINE]
    headline = next((i for i in range(min(first, HEADLINE_WITHIN)) if titles[i] and rules[i] is None), None)
    if headline is not None and headline + 1 < first:
        dek = headline + 1
        if (rules[dek] is None and not titles[dek] and words[dek] >= DEK_MIN_WORDS
                and not SENTENCE_END_RE.search(lines[dek].text)):
            rules[dek] = RULES[DEK_STANDFIRST]
    # after the story: teaser cards, then everything once a footer rule has fired
    teasers = [i for i in range(last + 1, n) if rules[i] is None and _is_teaser(lines[i])]
    if len(teasers) >= LINK_RUN:
        for i in teasers:
            rules[i] = RULES[RELATED_LIST]
    footer = next((i for i in range(last + 1, n) if rules[i] is not None and rules[i].category in FOOTER_CATEGORIES), None)
    if footer is not None:
        for i in range(footer + 1, n):
            if rules[i] is None and not titles[i]:
                rules[i] = RULES[ZONE_FOOTER]
