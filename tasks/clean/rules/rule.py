"""One rule of the catalog: its id, category and rationale, and for a line rule its pattern and word limits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Scope = Literal["line", "context"]


@dataclass(frozen=True)
class Rule:
    """One named reason to remove (or recognise) a line."""

    id: str
    category: str
    rationale: str
    scope: Scope = "line"
    pattern: re.Pattern[str] | None = None
    max_words: int = 1_000
    min_words: int = 0
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    # lowercase strings (words or marks such as ":" or "@") one of which every match contains: a cheap test that
    # spares the regex on most lines (long unanchored patterns cost more than all the others together);
    # tests/clean/test_rules.py checks that no match lacks one
    keywords: tuple[str, ...] = ()

    def matches(self, line: str, words: int, lowered: str | None = None) -> bool:
        """True when this line rule catches ``line`` (``words`` is its word count, ``lowered`` its lowercase)."""
        if self.pattern is None or not self.min_words <= words <= self.max_words:
            return False
        if self.keywords:
            lowered = line.lower() if lowered is None else lowered
            if not any(keyword in lowered for keyword in self.keywords):
                return False
        return bool(self.pattern.search(line))


def icase(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """``pattern`` compiled to ignore case: most line rules read wording, whatever its capitals."""
    return re.compile(pattern, flags)
