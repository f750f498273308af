"""The rule catalog: every reason the cleaner may give for keeping or removing a line, and its one lookup.

Rules are grouped by category and named ``category.what`` (``credit.photo``);
code names a rule by its id constant (:mod:`wirewash.tasks.clean.rules.ids`),
never by a string, and finds it in :data:`RULES`. Each rule has a one-line
rationale and golden cases: what it must catch and the body text that must
survive it. ``tests/clean/test_rules.py`` runs every line rule's cases and
``tests/clean/test_context_rules.py`` every context rule's; both fail for a
rule without them.

Two scopes:

* ``line`` rules look at one stripped line: a regular expression plus a word
  limit, because clutter is short and a long sentence that happens to contain
  "subscribe" is body text. Their ``examples`` and ``negatives`` are lines.
* ``context`` rules need the line's neighbours, its position or the batch; the
  cleaner's passes implement them (:mod:`wirewash.tasks.clean.cleaner` names
  them, the HTML path is :mod:`wirewash.tasks.clean.extraction`), and their
  golden cases are small documents in the tests. They are listed here so that
  provenance can name them and the report can explain them.

The catalog is kept by category in a few modules (:mod:`.media`, :mod:`.promo`,
:mod:`.page`, :mod:`.bylines`, :mod:`.context`) and joined here, in order:
the first line rule that matches names the decision, so the more specific
rules come first.

Phrase lists cover English first; shape, position and batch rules carry over
to other languages, and no pattern assumes a Latin script.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from wirewash.tasks.clean.rules.bylines import BYLINE_RULES
from wirewash.tasks.clean.rules.context import CONTEXT_RULES
from wirewash.tasks.clean.rules.media import MEDIA_RULES
from wirewash.tasks.clean.rules.page import PAGE_RULES
from wirewash.tasks.clean.rules.patterns import COMMENT_STAMP_RE
from wirewash.tasks.clean.rules.promo import PROMO_RULES
from wirewash.tasks.clean.rules.rule import Rule, Scope

__all__ = ["CATALOG", "COMMENT_STAMP_RE", "LINE_RULES", "RULES", "Rule", "RulesByWords", "Scope", "first_match",
           "index_by_words", "match_line", "rule_view"]

CATALOG: tuple[Rule, ...] = MEDIA_RULES + PROMO_RULES + PAGE_RULES + BYLINE_RULES + CONTEXT_RULES
"""Every rule, the line rules first in the order they are tried."""

RULES: dict[str, Rule] = {rule.id: rule for rule in CATALOG}
"""The one lookup: a rule by its id."""

LINE_RULES: tuple[Rule, ...] = tuple(rule for rule in CATALOG if rule.scope == "line")


# no-break, thin, figure and ideographic spaces read as plain spaces to the patterns (one substitution in C:
# ``str.translate`` with a table looks up every character of every line in Python's dict)
_ODD_SPACE_RE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")


def rule_view(line: str) -> tuple[str, str]:
    """``line`` as the line rules read it (odd spaces made plain) and its lowercase (for rule keywords)."""
    if not line.isascii():
        line = _ODD_SPACE_RE.sub(" ", line)
    return line, line.lower()


RulesByWords = tuple[tuple[Rule, ...], ...]
"""Line rules by the word counts they admit: item ``n`` holds, in order, the rules that can catch a line of ``n`` words."""


def index_by_words(rules: Sequence[Rule]) -> RulesByWords:
    """The line rules with a pattern, in order, for each word count up to the longest any of them admits.

    :meth:`Rule.matches` turns down a line whose word count is outside the
    rule's limits; indexed by count, those rules are never called for it (a
    line of prose is longer than most rules admit: it meets a handful, not
    the catalog).
    """
    longest = max((rule.max_words for rule in rules if rule.pattern is not None), default=-1)
    return tuple(tuple(rule for rule in rules if rule.pattern is not None and rule.min_words <= count <= rule.max_words)
                 for count in range(longest + 1))


def first_match(rules_by_words: RulesByWords, line: str, words: int) -> Rule | None:
    """The first rule of ``rules_by_words`` that catches ``line`` (``words`` is its word count), else ``None``."""
    if words >= len(rules_by_words):
        return None  # longer than any of the rules reads: prose
    line, lowered = rule_view(line)
    for rule in rules_by_words[words]:
        if rule.matches(line, words, lowered):
            return rule
    return None


_LINE_RULES_BY_WORDS = index_by_words(LINE_RULES)


@lru_cache(maxsize=65_536)
def match_line(line: str, words: int) -> Rule | None:
    """The first line rule that catches ``line``, or ``None`` when no line rule applies.

    Cached: a text dump repeats its site's template lines (menus, share bars,
    footers) in every file of the outlet, and trying the rules on a line is
    the costliest step of the first pass.
    """
    return first_match(_LINE_RULES_BY_WORDS, line, words)
