"""The text cleaner's first pass: each line on its own, by the catalog's line rules and the outlet's template.

A line rule reads one line's wording and shape (:mod:`wirewash.tasks.clean.rules`);
the first that catches a line decides it. Two things a line rule cannot see
are settled here: a line longer than any paragraph is a data blob
(``shape.oversize-line``), and a headline glued to its teaser
(``related.glued-teaser``) is no card when its glued word is printed again
elsewhere on the page: that is a brand written in camel case ("AirPods"),
and a card's glued word is one of a kind. A line no rule catches that the
outlet prints in several of its stories is site template
(``template.outlet-repeat``).
"""
from __future__ import annotations

from collections import Counter

from wirewash.tasks.clean.decision import Decision, caught_by, removed_by
from wirewash.tasks.clean.lines import MAX_LINE_CHARS, LineView
from wirewash.tasks.clean.rules import RULES, match_line, rule_view
from wirewash.tasks.clean.rules.ids import RELATED_GLUED_TEASER, SHAPE_OVERSIZE_LINE, TEMPLATE_OUTLET_REPEAT

_TOKEN_EDGE = "\"'“”‘’()[],.;:!?"


def _glued_word(text: str) -> str | None:
    """The word a glued-teaser match found glued ("Student-AthleteA"), as the page's word counts see it."""
    match = RULES[RELATED_GLUED_TEASER].pattern.search(rule_view(text)[0])  # type: ignore[union-attr]
    if match is None:
        return None
    return match.string[match.start("glued"):].split(maxsplit=1)[0].strip(_TOKEN_EDGE)


def line_rule_decisions(views: list[LineView], template: frozenset[str]) -> dict[int, Decision]:
    """The decisions of the line rules and the outlet's template lines, by line number (the first pass)."""
    decided: dict[int, Decision] = {}
    words: Counter[str] | None = None
    for view in views:
        if len(view.text) > MAX_LINE_CHARS:
            decided[view.number] = removed_by(SHAPE_OVERSIZE_LINE, f"{len(view.text)} characters on one line")
            continue
        rule = match_line(view.text, view.words)
        if rule is not None and rule.id == RELATED_GLUED_TEASER:
            # a camel-case word the page prints again elsewhere ("AirPods", "PlayStation") is a brand, not
            # a headline glued to its teaser: a card's glued word is one of a kind
            if words is None:
                words = Counter(word.strip(_TOKEN_EDGE) for other in views for word in other.text.split())
            glued = _glued_word(view.text)
            if glued is not None and words[glued] >= 2:
                rule = None
        if rule is not None:
            decided[view.number] = caught_by(rule)
        elif view.text in template:
            decided[view.number] = removed_by(TEMPLATE_OUTLET_REPEAT)
    return decided
