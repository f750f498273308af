"""Exact anchors: the word runs, sentences and short-paragraph keys that propose reuse candidates.

An anchor is a hash two paragraphs share only when they share its words
exactly. :func:`tasks.overlap.verify_corpus` groups texts by them (a group
of more than ``max_anchor_fanout`` texts is boilerplate and proposes
nothing); the reuse archive (:mod:`tasks.reuse_archive`) stores them as
postings, so both must form them the same way: here, once.
"""
from __future__ import annotations

from typing import Literal, Protocol

import numpy as np

from tasks.shingle import Encoded, hash_ngrams, hash_segments

AnchorKind = Literal["run", "sentence", "short"]


class AnchorFilter(Protocol):
    """Which anchors a larger corpus holds too often: they propose nothing here either.

    An anchor held by more than ``max_anchor_fanout`` texts is boilerplate.
    When the paragraphs at hand are a slice of a larger corpus (a batch and
    the archived paragraphs it may reuse, :mod:`tasks.reuse_archive`), that
    count is the larger corpus's: ``drop`` returns True for each anchor of
    ``kind`` that is over the limit there.
    """

    def drop(self, kind: AnchorKind, anchors: np.ndarray) -> np.ndarray:
        ...


def short_anchor_words(shingle_size: int, shared_min_words: int) -> int:
    """Length of the shorter anchors short paragraphs get (more than half a long run, at least a shingle)."""
    return max(shingle_size, shared_min_words // 2 + 1)


def sentence_anchors(encoded: Encoded, unit_of: np.ndarray, min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every sentence of at least ``min_words`` words, owned by the text of its paragraph.

    Sentences come from every paragraph, not one per text: two copies with
    the same words can still split differently ("U.S. Ambassador" ends a
    naive sentence, "US Ambassador" does not).
    """
    long_sentence = encoded.sentence_lengths >= min_words
    hashes = hash_segments(encoded.hashes, encoded.sentence_starts[long_sentence], encoded.sentence_lengths[long_sentence])
    return hashes, unit_of[encoded.sentence_owner[long_sentence]]


def short_anchors(enc: Encoded, shingles: np.ndarray, bounds: np.ndarray, *, words: int,
                  min_shingles: int) -> tuple[np.ndarray, np.ndarray]:
    """The anchors of short paragraphs: every ``words``-gram of every text, and each tiny text's one shingle.

    A short paragraph can sit inside another while sharing no run of
    ``shared_min_words``; these shorter anchors pair it (only with pairs one
    side of which is short, see :func:`tasks.overlap.find_overlaps`), and a tiny text's
    whole text makes exact short copies meet.
    """
    sizes = np.diff(bounds)
    small, small_owner = hash_ngrams(enc.hashes, enc.offsets, words)
    tiny = np.flatnonzero((sizes > 0) & (sizes < min_shingles))
    return np.concatenate([small, shingles[bounds[tiny]]]), np.concatenate([small_owner, tiny])


def kept_anchors(kind: AnchorKind, anchors: np.ndarray, owners: np.ndarray,
                 anchor_filter: AnchorFilter | None) -> tuple[np.ndarray, np.ndarray]:
    """The anchors (and their owners) ``anchor_filter`` does not drop; all of them without a filter."""
    if anchor_filter is None or anchors.size == 0:
        return anchors, owners
    keep = ~anchor_filter.drop(kind, anchors)
    return anchors[keep], owners[keep]
