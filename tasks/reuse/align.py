"""Aligned passages: *which* words two related paragraphs share, with offsets in both.

A reuse pair says that two paragraphs share text; a reader, or an analyst
measuring how much of an outlet's story is wire copy, needs the shared
passage itself. This module aligns the normalised word sequences of
verified pairs (and of candidates that the plain rules left unverified,
see :mod:`wirewash.tasks.reuse.overlap`) and returns the passages they share.

How the alignment works (a seed-and-chain local alignment, as text-reuse
tools for newspapers align reprints):

* **seeds**: the word ``k``-grams (``k`` = the shingle size) the two texts
  have in common, each a match ``(i, j)`` of a position in ``a`` and one in
  ``b``. A ``k``-gram ``b`` holds several times is matched at the occurrence
  nearest the diagonal of the seeds around it, which keeps a repeated
  phrase on its passage's diagonal;
* **chains**: seeds sorted along ``a`` are chained while they stay near one
  diagonal (``j - i`` moves by at most ``max_shift``: a word inserted or
  dropped) with small gaps (at most ``max_gap`` words with no seed: a word
  changed, a number restyled) and ``b`` moving forward. A chain is one
  passage: ``a[a_first:a_stop]`` aligned with ``b[b_first:b_stop]``;
* **passages** keep chains of at least ``min_words`` seeded words, or that
  span a whole side (a short paragraph found inside a longer one); a pair
  with no such chain keeps its longest one (a short sentence both carry).

What it catches: verbatim lifts, lifts with a changed word, quote style or
punctuation (punctuation is never a token), house-style edits, merged and
split paragraphs (one passage per piece). What it leaves alone: reworded
text (no shared ``k``-grams), and words moved far out of order (each moved
block is its own passage, or too short to keep).

Everything is array work over many pairs at once (the tagged-sort trick of
:func:`wirewash.tasks.reuse.paragraph_index.count_shared`), so aligning every reported pair
costs about what counting their shared shingles costs.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from wirewash.tasks.reuse.arrays import csr_gather, run_starts, split_batches
from wirewash.tasks.reuse.shingle import Encoded, TokenHashes, TokenSpans, hash_ngrams


@dataclass(frozen=True)
class Passages:
    """Aligned passages of many text pairs, as parallel arrays in token coordinates.

    Passage ``p`` belongs to input pair ``pair[p]`` (ascending, and in ``a``
    order within a pair); it aligns tokens ``a_first[p]:a_stop[p]`` of the
    pair's first text with tokens ``b_first[p]:b_stop[p]`` of its second;
    ``words[p]`` of its ``a`` tokens are covered by shared ``k``-grams.
    """

    pair: np.ndarray
    a_first: np.ndarray
    a_stop: np.ndarray
    b_first: np.ndarray
    b_stop: np.ndarray
    words: np.ndarray

    def take(self, keep: np.ndarray) -> "Passages":
        """The passages where ``keep`` (a bool each) holds."""
        return Passages(self.pair[keep], self.a_first[keep], self.a_stop[keep], self.b_first[keep], self.b_stop[keep],
                        self.words[keep])


def empty_passages() -> Passages:
    """No passage at all."""
    zero = np.zeros(0, np.int64)
    return Passages(zero, zero, zero, zero, zero, zero)


def concat_passages(parts: Sequence[Passages], pair_offsets: Sequence[int]) -> Passages:
    """Several batches' passages as one, each batch's pair numbers shifted by its offset."""
    if not parts:
        return empty_passages()
    return Passages(np.concatenate([p.pair + off for p, off in zip(parts, pair_offsets)]),
                    *(np.concatenate([getattr(p, name) for p in parts])
                      for name in ("a_first", "a_stop", "b_first", "b_stop", "words")))


@dataclass(frozen=True)
class PositionalGrams:
    """Every text's word ``k``-gram hashes in text order (what :func:`align_pairs` aligns), and its length in words."""

    grams: np.ndarray
    positional: np.ndarray  # text t's grams are grams[positional[t]:positional[t+1]]
    tokens: np.ndarray
    k: int

    @classmethod
    def of(cls, enc: TokenHashes | Encoded, k: int) -> "PositionalGrams":
        """The ``k``-grams of every text of ``enc``."""
        grams, owner = hash_ngrams(enc.hashes, enc.offsets, k)
        return cls(grams, np.searchsorted(owner, np.arange(enc.offsets.size)), np.diff(enc.offsets), k)

    def align(self, pairs: np.ndarray, **options: Any) -> Passages:
        """:func:`align_pairs` of text pairs ``pairs`` (``options``: its keyword parameters)."""
        return align_pairs(self.grams, self.positional, self.tokens, pairs, k=self.k, **options)

    def share_passage(self, pairs: np.ndarray, *, min_words: int, min_identity: float = 0.8) -> np.ndarray:
        """Whether each pair shares a passage of ``min_words`` aligned words, nearly word for word.

        The passage may skip a changed word or two (``max_gap``), but its
        aligned words must be at least ``min_identity`` of its length on
        either side: a lifted sentence with one word changed passes, two
        paragraphs that share scattered phrases with long gaps between them
        do not.
        """
        found = self.align(pairs, min_words=min_words)
        span = np.maximum(found.a_stop - found.a_first, found.b_stop - found.b_first)
        good = (found.words >= min_words) & (found.words >= min_identity * span)
        out = np.zeros(len(pairs), dtype=bool)
        out[found.pair[good]] = True
        return out


def align_pairs(
    grams: np.ndarray,
    positional: np.ndarray,
    tokens: np.ndarray,
    pairs: np.ndarray,
    *,
    k: int,
    max_gap: int = 3,
    max_shift: int = 2,
    min_words: int = 5,
    keep_best: bool = False,
    chunk: int = 1 << 18,
) -> Passages:
    """The passages each text pair ``(a, b)`` shares.

    ``grams[positional[t]:positional[t+1]]`` are text ``t``'s word
    ``k``-gram hashes in text order (:func:`wirewash.tasks.reuse.shingle.hash_ngrams`);
    ``tokens[t]`` is its length in words. A pair of one text with itself
    shares the whole text. With ``keep_best``, a pair with no passage of
    ``min_words`` keeps its longest chain (a verified pair always shows
    what verified it). Pairs are done in batches of about ``chunk``
    grams to bound memory. See the module docstring for the method.
    """
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) == 0:
        return empty_passages()
    # a text paired with itself shares all of it, word for word: no seed to find (verbatim copies are most
    # of the pairs a report aligns, and the costliest to seed)
    same = pairs[:, 0] == pairs[:, 1]
    rows = np.flatnonzero(~same)
    counts = np.diff(positional)
    parts, offsets = [], []
    for lo, hi in split_batches(counts[pairs[rows, 0]] + counts[pairs[rows, 1]], chunk):
        found = _align_batch(grams, positional, tokens, pairs[rows[lo:hi]], k, max_gap, max_shift, min_words,
                             keep_best)
        parts.append(replace(found, pair=rows[lo + found.pair]))
        offsets.append(0)
    whole = np.flatnonzero(same)
    size = tokens[pairs[whole, 0]]
    parts.append(Passages(whole, 0 * size, size, 0 * size, size, size))
    offsets.append(0)
    out = concat_passages(parts, offsets)
    return out.take(np.lexsort((out.a_first, out.pair))) if whole.size and rows.size else out


def _seed_matches(grams: np.ndarray, positional: np.ndarray, pairs: np.ndarray,
                  max_choices: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every seed ``(pair, i, j)`` of a batch, sorted: a ``k``-gram at ``a[i]`` equal to one at ``b[j]``.

    A ``k``-gram that ``b`` holds several times ("Vice President Biden"
    twice) is matched at the occurrence nearest the diagonal of the closest
    unambiguous seed before it in ``a`` (after it, for leading ones), so a
    repeated phrase does not pull a passage off its diagonal; past
    ``max_choices`` occurrences, occurrences are matched in order.
    """
    a, b = pairs[:, 0], pairs[:, 1]
    la, lb = positional[a + 1] - positional[a], positional[b + 1] - positional[b]
    number = np.arange(len(pairs), dtype=np.int64)
    # every a entry of the batch, pair by pair in text order, then every b entry likewise
    source = np.concatenate([csr_gather(positional[a], la), csr_gather(positional[b], lb)])
    tag = np.concatenate([np.repeat(number, la), np.repeat(number, lb)])
    from_b = int(la.sum())  # entries from here on are b's
    # 40 bits of each hash under a 24-bit pair tag, as count_shared; stable, so in a group of equal
    # keys a's entries (laid out first) come before b's, each side in text order
    keys = (tag.astype(np.uint64) << np.uint64(40)) | (grams[source] >> np.uint64(24))
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    group_start = np.flatnonzero(run_starts(keys))
    size = np.diff(np.append(group_start, keys.size))
    seen_a = np.concatenate([[0], np.cumsum(order < from_b)])
    count_a = seen_a[group_start + size] - seen_a[group_start]
    count_b = size - count_a
    both = np.flatnonzero((count_a > 0) & (count_b > 0))
    at = csr_gather(group_start[both], count_a[both])  # the a entries of k-grams b holds too
    g = np.repeat(both, count_a[both])
    entry = order[at]
    by_entry = np.argsort(entry)  # a's entries in layout order: by pair, then position in a (entries are distinct)
    at, g, entry = at[by_entry], g[by_entry], entry[by_entry]
    choices = np.where(count_b[g] <= max_choices, count_b[g], 1)
    # every candidate occurrence in b of each a entry (one, in order, for a very repetitive k-gram); the
    # candidates of one entry come in b's text order
    row = np.repeat(np.arange(at.size), choices)
    nth = np.arange(int(choices.sum())) - np.repeat(np.cumsum(choices) - choices, choices)
    single = choices == 1
    nth = np.where(single[row], np.minimum(at - group_start[g], count_b[g] - 1)[row], nth)
    partner = order[(group_start[g] + count_a[g])[row] + nth]
    pair = tag[entry][row]
    i = (source[entry] - positional[a[tag[entry]]])[row]
    j = source[partner] - positional[b[tag[partner]]]
    if single.all():
        return pair, i, j
    single = single[row]
    # the diagonal of the nearest unambiguous seed before (else after) each seed, within its pair
    index = np.arange(pair.size)
    before = np.maximum.accumulate(np.where(single, index, -1))
    after = np.minimum.accumulate(np.where(single, index, pair.size)[::-1])[::-1]
    usable_before = (before >= 0) & (pair[np.maximum(before, 0)] == pair)
    usable_after = (after < pair.size) & (pair[np.minimum(after, pair.size - 1)] == pair)
    anchor = np.where(usable_before, before, np.where(usable_after, after, index))
    diagonal = (j - i)[anchor]
    distance = np.abs((j - i) - diagonal)
    # per a entry (row), the candidate nearest that diagonal, the first in b's order among equals
    row_start = np.flatnonzero(run_starts(row))
    nearest = np.flatnonzero(distance == np.minimum.reduceat(distance, row_start)[row])
    first = nearest[run_starts(row[nearest])]
    return pair[first], i[first], j[first]


def _align_batch(grams: np.ndarray, positional: np.ndarray, tokens: np.ndarray, pairs: np.ndarray, k: int,
                 max_gap: int, max_shift: int, min_words: int, keep_best: bool) -> Passages:
    """One batch of :func:`align_pairs`."""
    pair, i, j = _seed_matches(grams, positional, pairs)
    step_i = np.diff(i)
    same_pair = pair[1:] == pair[:-1]
    joined = same_pair & (step_i <= k + max_gap) & (np.abs(np.diff(j - i)) <= max_shift) & (np.diff(j) > 0)
    starts = np.flatnonzero(np.concatenate([[True], ~joined])) if pair.size else np.zeros(0, np.int64)
    chain = np.cumsum(np.concatenate([[True], ~joined])) - 1 if pair.size else np.zeros(0, np.int64)
    # words a seed adds to its chain: k, or less where the next seed of the chain overlaps it
    adds = np.full(pair.size, k, dtype=np.int64)
    adds[:-1][joined] = np.minimum(step_i[joined], k)
    words = np.bincount(chain, weights=adds, minlength=starts.size).astype(np.int64)
    ends = np.append(starts[1:], pair.size)[:starts.size] - 1  # no seed at all: no chain (a pair with itself may remain)
    out = Passages(pair[starts], i[starts], i[ends] + k, j[starts], j[ends] + k, words)
    whole_a = (out.a_first == 0) & (out.a_stop == tokens[pairs[out.pair, 0]])
    whole_b = (out.b_first == 0) & (out.b_stop == tokens[pairs[out.pair, 1]])
    keep = (out.words >= min_words) | whole_a | whole_b
    # a pair with no passage that long still shows its best chain (a short shared sentence verified it)
    bare = ~np.isin(out.pair, out.pair[keep]) if keep_best else np.zeros(keep.size, dtype=bool)
    if bare.any():
        rows = np.flatnonzero(bare)
        best = rows[np.lexsort((-out.words[rows], out.pair[rows]))]
        keep[best[np.concatenate([[True], out.pair[best][1:] != out.pair[best][:-1]])]] = True
    return out.take(keep)


def covered_tokens(first: np.ndarray, stop: np.ndarray, owner: np.ndarray, owners: int) -> np.ndarray:
    """Per owner, how many tokens the union of its ranges ``[first, stop)`` covers.

    Ranges must be sorted by owner, then by ``first``. Each range adds what
    reaches past the furthest ``stop`` of the earlier ranges of its owner (a
    running maximum, kept within one owner by lifting each owner's stops
    into a band of its own).
    """
    if first.size == 0:
        return np.zeros(owners, dtype=np.int64)
    band = np.cumsum(np.concatenate([[True], owner[1:] != owner[:-1]])).astype(np.int64)
    big = int(stop.max()) + 1
    running = np.maximum.accumulate(stop + band * big)
    before = np.zeros(first.size, dtype=np.int64)
    before[1:] = np.maximum(running[:-1] - band[1:] * big, 0)
    reach = np.maximum(stop - np.maximum(first, before), 0)
    return np.bincount(owner, weights=reach, minlength=owners).astype(np.int64)


@dataclass(frozen=True)
class Located:
    """Passages of many paragraph pairs in characters: pair ``e`` has passages ``starts[e]:starts[e+1]``.

    Each passage is ``a_begin, a_end, b_begin, b_end`` (character offsets
    ``[begin, end)`` in each paragraph's text) and ``words``; ``a_share`` and
    ``b_share`` are the shares of each paragraph's words its passages cover.
    """

    starts: np.ndarray
    a_begin: np.ndarray
    a_end: np.ndarray
    b_begin: np.ndarray
    b_end: np.ndarray
    words: np.ndarray
    a_share: np.ndarray
    b_share: np.ndarray


def locate_passages(grams: PositionalGrams, units: np.ndarray, paragraphs: np.ndarray, spans: TokenSpans) -> Located:
    """The passages of paragraph pairs ``paragraphs`` (``(m, 2)``), whose texts are ``units``, in characters.

    Texts are aligned once per distinct text pair (verbatim copies share
    their alignment); each passage's first and last words are then located
    in each paragraph's own text through ``spans`` (where every token of
    each paragraph was read), since copies with the same words can differ
    in quotes, dashes and spacing.
    """
    m = len(paragraphs)
    count = int(grams.tokens.size)
    key = units[:, 0].astype(np.int64) * count + units[:, 1] if m else np.zeros(0, np.int64)
    distinct = np.unique(key)
    which = np.searchsorted(distinct, key)
    found = grams.align(np.stack([distinct // count, distinct % count], axis=1), keep_best=True)
    first = np.searchsorted(found.pair, np.arange(distinct.size + 1))
    a_cover = covered_tokens(found.a_first, found.a_stop, found.pair, distinct.size)
    by_b = np.lexsort((found.b_first, found.pair))
    b_cover = covered_tokens(found.b_first[by_b], found.b_stop[by_b], found.pair[by_b], distinct.size)
    size_a, size_b = grams.tokens[distinct // count], grams.tokens[distinct % count]
    a_share = np.divide(a_cover, size_a, out=np.zeros(distinct.size), where=size_a > 0)[which]
    b_share = np.divide(b_cover, size_b, out=np.zeros(distinct.size), where=size_b > 0)[which]
    per = (first[which + 1] - first[which]).astype(np.int64)
    starts = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(per, out=starts[1:])
    pick = (np.repeat(first[which], per) + np.arange(int(per.sum())) - np.repeat(starts[:-1], per)).astype(np.int64)
    owner = np.repeat(np.arange(m), per)
    left, right = spans.offsets[paragraphs[owner, 0]], spans.offsets[paragraphs[owner, 1]]
    a_begin = spans.begin[left + found.a_first[pick]].astype(np.int64)
    a_end = spans.end[left + found.a_stop[pick] - 1].astype(np.int64)
    b_begin = spans.begin[right + found.b_first[pick]].astype(np.int64)
    b_end = spans.end[right + found.b_stop[pick] - 1].astype(np.int64)
    return Located(starts, a_begin, a_end, b_begin, b_end, found.words[pick], a_share, b_share)
