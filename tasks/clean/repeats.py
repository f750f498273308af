"""A page that prints its story twice: find the second copy among the lines trafilatura extracted.

Some pages carry the article in two containers (an AMP or print copy under
the web copy, a slideshow whose captions repeat as a gallery, a hidden
duplicate for another layout) and trafilatura, which runs without its own
de-duplication, returns both. Every word then counts twice against the gold
text. :func:`repeated_runs` finds the later copy as a *run*: consecutive
lines that repeat, line for line, consecutive earlier lines of the same page
(compared after folding whitespace and case), not overlapping them.

A run must be long before it is a copy: at least ``MIN_RUN_LINES`` lines,
and either ``MIN_RUN_WORDS`` words or (the whole story printed twice) most
of the words extracted before it. A page legitimately repeats blocks of
itself (a heading like "Pros and cons" above each product, a spec list per
model, a meal plan's second week repeating meals of the first, a code
fragment shown again), and short things (a pull quote repeating one sentence
of the story, an "Advertisement" label): those are left to the line rules or
left alone, and one repeated line, however long, is never a run. Only
wording is read, so it holds in any language and script.
"""
from __future__ import annotations

from itertools import accumulate
from typing import NamedTuple

MIN_RUN_LINES = 3
"""A copy repeats at least this many consecutive lines."""
MIN_RUN_WORDS = 300
"""A run of this many words or more is a copy wherever it stands. The largest repeated runs pages legitimately
print (and their gold text keeps twice) hold 195 words on aeb (a meal plan's second week repeating meals of the
first) and 55 on wcxb-dev (an address block, a training plan's weekly lines, a code fragment); the copies on
wcxb-dev hold 488 to 2,673."""
WHOLE_COPY_SHARE = 0.9
MIN_COPY_WORDS = 80
"""A shorter run, of ``MIN_COPY_WORDS`` or more, is a copy when it repeats at least ``WHOLE_COPY_SHARE`` of the
words extracted before it: the whole story printed twice (a legitimate repeat is a block of the story, at most
0.37 of what precedes it on aeb and wcxb-dev; the whole-story copies there repeat 0.97 and 0.99)."""


class Run(NamedTuple):
    """Lines ``start`` to ``start + length - 1`` repeat lines ``source`` to ``source + length - 1``."""

    start: int
    length: int
    source: int


def repeated_runs(folded: list[str], words: list[int]) -> list[Run]:
    """The runs of ``folded`` that repeat an earlier run, in order.

    ``folded`` are a page's extracted lines in order, whitespace and case
    folded (so that a copy re-wrapped or set in capitals still matches), and
    ``words`` their word counts.

    Each run is anchored on its first ``MIN_RUN_LINES`` lines, matched to the
    first earlier place those lines appear together, and extended while the
    lines go on agreeing (never into the copy itself). Blank lines are
    compared like any other. Each line is tried against one earlier place
    only, and the lines of a repeat (a copy or not) are not tried again, so
    a page costs about a lookup a line.
    """
    before = list(accumulate(words, initial=0))  # words before each line
    first_at: dict[tuple[str, ...], int] = {}
    runs: list[Run] = []
    i, n = 0, len(folded)
    while i + MIN_RUN_LINES <= n:
        anchor = tuple(folded[i:i + MIN_RUN_LINES])
        source = first_at.setdefault(anchor, i)
        if source + MIN_RUN_LINES <= i:
            length = MIN_RUN_LINES
            while i + length < n and source + length < i and folded[i + length] == folded[source + length]:
                length += 1
            if _is_copy(before[i + length] - before[i], before[i]):
                runs.append(Run(i, length, source))
            # a repeat too short to be a copy is passed over whole: tried again from each of its lines, a page of
            # thousands of equal lines (empty table cells) would cost their square
            i += length
            continue
        i += 1
    return runs


def _is_copy(run_words: int, words_before: int) -> bool:
    """Whether a repeated run of ``run_words`` words, after ``words_before`` words of the page, is long enough to be a copy."""
    return run_words >= MIN_RUN_WORDS or (run_words >= MIN_COPY_WORDS and run_words >= WHOLE_COPY_SHARE * words_before)
