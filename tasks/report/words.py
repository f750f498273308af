"""Words as the outputs count them: a paragraph's words, and its words that reuse passages cover.

A word is a run of letters and digits, joined through an apostrophe or a
point ("don't", "U.S", "3.5"): :data:`WORD_RE`. Every count the outputs give
(``reused_words`` in ``corpus.jsonl``, a document's words in the report, the
outlet pairs' shared words, the Parquet table's ``words``) is made here.

A passage covers the words that *begin* inside it, each word once however
many passages cover it: a span that cuts a word counts the word where it
begins. :class:`WordStarts` counts them for many texts at once: the texts
are laid end to end, every word's start is found from their code points,
and all spans of all texts are counted with array searches
(:meth:`WordStarts.covered`). A run's notes and its outlet pairs count the
spans of hundreds of thousands of paragraphs: a text at a time (two regex
scans of a paragraph's prefix per span), that was ~15 s of the flow's single
core at 500,000 paragraphs; finding the words of all of them this way takes 0.8 s.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

WORD_RE = re.compile(r"[^\W_]+(?:['’‘.][^\W_]+)*")
"""A word: letters and digits, joined through an apostrophe or a point."""
_JOINERS = "'’‘."
"""The characters that join two runs of letters and digits into one word (:data:`WORD_RE`)."""
_SEPARATOR = "\0"
"""Between texts laid end to end: not a word character nor a joiner, so no word reaches across it."""


def word_count(text: str) -> int:
    """Words as the outputs count them (:data:`WORD_RE`)."""
    return len(WORD_RE.findall(text))  # the matches as strings, made in C: a third of the cost of iterating them


@dataclass(frozen=True)
class WordStarts:
    """Where every word of many texts begins: the texts laid end to end, one separator between two.

    Text ``i`` occupies positions ``bases[i]`` to ``bases[i] + lengths[i]``;
    ``positions`` (ascending) are the words' starts in that layout.
    """

    positions: np.ndarray
    bases: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str], *, chunk: int = 1 << 22) -> WordStarts:
        """Find the words of ``texts``, ``chunk`` characters at a time, as array work on their code points.

        A word (:data:`WORD_RE`) begins at a letter or digit that neither
        follows one nor follows a joiner (an apostrophe or a point) that
        follows one: the regex's joined runs continue through every such
        joiner. Letters and digits are what the regex's ``[^\\W_]`` is,
        ``str.isalnum`` (a test compares the two on every code point).
        """
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        bases = np.zeros(len(texts), dtype=np.int64)
        np.cumsum(lengths[:-1] + 1, out=bases[1:])
        end = int(bases[-1] + lengths[-1]) if len(texts) else 0
        kind = np.int32 if end < np.iinfo(np.int32).max else np.int64  # an int per word: 32 bits where they fit
        parts: list[np.ndarray] = []
        lo = 0
        while lo < len(texts):
            hi = max(int(np.searchsorted(bases, bases[lo] + chunk, side="right")), lo + 1)
            parts.append((_word_starts(_SEPARATOR.join(texts[lo:hi])) + bases[lo]).astype(kind))
            lo = hi
        positions = np.concatenate(parts) if parts else np.zeros(0, kind)
        return cls(positions, bases, lengths)

    def counts(self) -> np.ndarray:
        """Each text's words (as :func:`word_count` counts them)."""
        return self._before(self.bases + self.lengths) - self._before(self.bases)

    def covered(self, groups: np.ndarray, texts: np.ndarray, begins: np.ndarray, ends: np.ndarray,
                n_groups: int) -> np.ndarray:
        """Per group (``0 .. n_groups-1``), the words its spans cover, each word once.

        Span ``s`` is ``[begins[s], ends[s])`` in text ``texts[s]`` and belongs
        to group ``groups[s]``; a group's spans all lie in one text. Offsets
        outside the text are clamped to it, where the words before them are
        the same. Overlapping spans of a group are merged (a running maximum of
        their ends, in order of their begins), so a word counts once.
        """
        out = np.zeros(n_groups, dtype=np.int64)
        texts = texts.astype(np.int64)
        limit = self.lengths[texts]
        begin = self.bases[texts] + np.clip(begins.astype(np.int64), 0, limit)
        end = self.bases[texts] + np.clip(ends.astype(np.int64), 0, limit)
        keep = end > begin
        groups, begin, end = groups[keep].astype(np.int64), begin[keep], end[keep]
        if groups.size == 0:
            return out
        # groups are laid apart by more than the whole layout, so that one running maximum merges within a group
        stride = int(self.bases[-1] + self.lengths[-1]) + 1 if self.bases.size else 1
        order = np.lexsort((begin, groups))
        groups, begin, end = groups[order], begin[order] + groups[order] * stride, end[order] + groups[order] * stride
        reach = np.maximum.accumulate(end)
        opens = np.ones(begin.size, dtype=bool)
        opens[1:] = begin[1:] > reach[:-1]
        first = np.flatnonzero(opens)
        last = np.append(first[1:], begin.size) - 1
        shift = groups[first] * stride
        words = self._before(reach[last] - shift) - self._before(begin[first] - shift)
        np.add.at(out, groups[first], words)
        return out

    def _before(self, offsets: np.ndarray) -> np.ndarray:
        # offsets within the layout fit the positions' type: searching in it spares a converted copy of them
        return np.searchsorted(self.positions, offsets.astype(self.positions.dtype), side="left")


_LETTER_OR_DIGIT, _JOINER = 1, 2


@lru_cache(maxsize=1)
def _class_table() -> np.ndarray:
    """Every code point of the Basic Multilingual Plane as a word reads it: a letter or digit (``str.isalnum``),
    a joiner, or neither (0), as an array made once (~30 ms)."""
    table = np.array([chr(point).isalnum() for point in range(0x10000)], dtype=np.uint8) * _LETTER_OR_DIGIT
    table[[ord(ch) for ch in _JOINERS]] = _JOINER
    return table


def _word_starts(text: str) -> np.ndarray:
    """Where each word of ``text`` (:data:`WORD_RE`) begins, from its code points (see :meth:`WordStarts.of`)."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kinds = _class_table()[np.minimum(points, 0xFFFF)]  # U+FFFF is neither
    for at in np.flatnonzero(points > 0xFFFF).tolist():  # beyond the plane: rare, asked one by one
        kinds[at] = _LETTER_OR_DIGIT if chr(points[at]).isalnum() else 0
    alnum = kinds == _LETTER_OR_DIGIT
    joined = np.zeros(points.size, dtype=bool)  # an alnum preceded by alnum, or by a joiner preceded by alnum
    joined[1:] = alnum[:-1]
    joined[2:] |= (kinds[1:-1] == _JOINER) & alnum[:-2]
    return np.flatnonzero(alnum & ~joined).astype(np.int64)
