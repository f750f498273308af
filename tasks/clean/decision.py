"""The one decision the clean stage makes about a line: keep it, remove it, or keep it as metadata, and why.

Every line a document holds, from a text scrape or from trafilatura's
extraction of a page, ends with exactly one :class:`Decision`: an action,
the id of the catalog rule that decided (:mod:`wirewash.tasks.clean.rules`),
and what this line gave the rule to go on (``evidence``, when the rule's
rationale alone does not say it: "repeats an earlier caption line",
"24031 characters on one line"). Provenance writes the action and the rule
id of each line, and its ``reason``: the evidence, else the rule's rationale.

The cleaner's passes each return their decisions by line number
(:data:`Decisions`); the cleaner merges them in a fixed order, a later pass's
decision replacing an earlier one for the same line.
"""
from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass

from wirewash.tasks.clean.rules import RULES, Rule
from wirewash.tasks.records import Action

METADATA_CATEGORIES = frozenset({"byline", "dateline", "source-url"})
"""A line a rule of these categories catches is kept as the document's metadata (author, date, address), not as text."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the clean stage did with one line, which rule said so, and on what evidence."""

    action: Action
    rule: str
    """The id of the catalog rule that decided."""
    evidence: str = ""
    """What this line gave the rule to go on, when the rule's rationale does not say it all."""

    @property
    def category(self) -> str:
        """The deciding rule's category (``caption``, ``nav``, ``body`` …)."""
        return RULES[self.rule].category

    @property
    def reason(self) -> str:
        """What provenance says about the line: the evidence, else the rule's rationale."""
        return self.evidence or RULES[self.rule].rationale

    @property
    def by_line_rule(self) -> bool:
        """True when a line rule (one line's own wording or shape) decided, not a line's context."""
        return RULES[self.rule].scope == "line"


Decisions = Mapping[int, Decision]
"""Decisions by line number: what a pass reads (all decided so far) and what it returns (its own)."""


def removed_by(rule_id: str, evidence: str = "") -> Decision:
    """The line is removed by the rule ``rule_id``."""
    return Decision("removed", rule_id, evidence)


def kept_by(rule_id: str, evidence: str = "") -> Decision:
    """The line is kept as text of the story by the rule ``rule_id``."""
    return Decision("kept", rule_id, evidence)


def caught_by(rule: Rule) -> Decision:
    """What a line a line rule caught becomes: metadata for a byline, dateline or address, else removed."""
    return Decision("metadata" if rule.category in METADATA_CATEGORIES else "removed", rule.id)


def merge(decided: Decisions, *passes: Decisions) -> dict[int, Decision]:
    """``decided`` with each pass's decisions laid over it in order: a later decision for a line replaces an earlier one."""
    merged = dict(decided)
    for found in passes:
        merged.update(found)
    return merged


def overlay(found: dict[int, Decision], decided: Decisions) -> ChainMap[int, Decision]:
    """What a pass reads while it decides: its own decisions so far (``found``, which it fills) over ``decided``.

    A pass whose later lines depend on what it decided for earlier ones (a
    list item is kept because the line above it was) reads through this.
    """
    return ChainMap(found, decided)  # type: ignore[arg-type]  # only read: a ChainMap writes to its first map alone
