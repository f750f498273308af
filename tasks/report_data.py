"""The data behind ``report.html``: documents, reuse pairs, clusters and the outlet-pair picture.

The report page is one HTML file that renders its views on demand from a
JSON blob (see :mod:`tasks.report`). This module builds that blob from the
run's records, as plain data, with every number the page shows computed here
so that it can be tested without a browser:

* each reuse pair and cluster member is *resolved* to the paragraph text,
  outlet and date it points at (a side from an earlier run has no text here
  and says so);
* the words two paragraphs share are *marked*: a word is marked when it
  belongs to a run of ``k`` consecutive words (``k`` = the run's
  ``shingle_words``) that the other paragraph also contains, after the same
  normalisation the detector hashes with (:func:`tasks.shingle.normalise_token`).
  A marked text travels as alternating plain and marked pieces, so the page
  never has to slice strings (JavaScript counts UTF-16 units, Python code
  points);
* the *outlet pairs* summarise syndication: how many words of outlet A's
  kept text reappear at outlet B, in how many stories, and who published
  first.

How "shared words" are counted for an outlet pair, per paragraph of A that
has reuse with a paragraph of B: a near-duplicate shares the whole paragraph,
a contained pair the shorter paragraph's length, a shared-text pair the length
of the shared passage. A paragraph reused several times with B counts once,
at its largest share; the total is compared with all of A's kept words.
Members of one near-duplicate cluster share text with each other too, even
though ``overlaps.jsonl`` pairs each member only with the canonical copy.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from tasks.records import Document
from tasks.shingle import normalise_token

_WORD = re.compile(r"[^\W_]+(?:['’‘.][^\W_]+)*")


def word_count(text: str) -> int:
    """Words as the report counts them: runs of letters and digits."""
    return sum(1 for _ in _WORD.finditer(text))


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised form) of each word that the detector would hash."""
    out = []
    for match in _WORD.finditer(text):
        form = normalise_token(match.group())
        if form:
            out.append((match.start(), match.end(), form))
    return out


def _grams(forms: Sequence[str], k: int) -> set[tuple[str, ...]]:
    return {tuple(forms[i : i + k]) for i in range(len(forms) - k + 1)}


def mark_shared(text: str, others: Iterable[str], k: int = 3) -> list[str]:
    """``text`` cut into alternating pieces: plain, shared, plain, shared, ...

    The first piece is always plain (possibly empty); joining the pieces gives
    ``text`` back. A word is shared when one of the ``k``-word runs it is part
    of also occurs in any of ``others``; with fewer than ``k`` words on a side,
    ``k`` shrinks to the shorter side so that short paragraphs still mark.
    Spaces and punctuation between two shared words are marked with them.
    """
    tokens = _tokens(text)
    forms = [t[2] for t in tokens]
    shared = [False] * len(tokens)
    for other in others:
        other_forms = [t[2] for t in _tokens(other)]
        size = max(1, min(k, len(forms), len(other_forms)))
        theirs = _grams(other_forms, size)
        for i in range(len(forms) - size + 1):
            if tuple(forms[i : i + size]) in theirs:
                for j in range(i, i + size):
                    shared[j] = True
    pieces: list[str] = []
    cursor = 0
    i = 0
    while i < len(tokens):
        if not shared[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and shared[j + 1]:
            j += 1
        pieces += [text[cursor : tokens[i][0]], text[tokens[i][0] : tokens[j][1]]]
        cursor = tokens[j][1]
        i = j + 1
    pieces.append(text[cursor:])
    return pieces


