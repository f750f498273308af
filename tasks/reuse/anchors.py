"""Exact anchors: the word runs, sentences and short-paragraph keys that propose reuse candidates.

An anchor is a hash two paragraphs share only when they share its words
exactly. :func:`wirewash.tasks.reuse.overlap.verify_corpus` groups texts by them (a group
of more than ``max_anchor_fanout`` texts is boilerplate and proposes
nothing); the reuse archive (:mod:`wirewash.tasks.reuse.archive`) stores them as
postings, so both must form them the same way: here, once.
"""
from __future__ import annotations

from typing import Literal, Protocol

import numpy as np

from wirewash.tasks.reuse.shingle import Encoded, TokenHashes, hash_ngrams, hash_segments

AnchorKind = Literal["run", "sentence", "short"]


class AnchorFilter(Protocol):
    """Which anchors a larger corpus holds too often: they propose nothing here either.

    An anchor held by more than ``max_anchor_fanout`` texts is boilerplate.
    When the paragraphs at hand are a slice of a larger corpus (a batch and
    the archived paragraphs it may reuse, :mod:`wirewash.tasks.reuse.archive`), that
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


# Salts that keep the edge anchors of one kind apart from each other and from whole sentences.
_SENTENCE_HEAD, _SENTENCE_TAIL = np.uint64(0x2F6B1C3D5E7A9B01), np.uint64(0x71C3A5E7092B4D6F)
_PARAGRAPH_EDGE = np.uint64(0x4A7C15F39E3B2D81)


def sentence_edge_anchors(encoded: Encoded, unit_of: np.ndarray, *, shingle_size: int,
                          shared_min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last few words (:func:`short_anchor_words`) of every sentence longer than a long run.

    A sentence lifted into another paragraph with a light edit (a changed
    word, a number restyled) loses its sentence hash and, when it is shorter
    than two long runs, every long run too; one edit leaves its head or its
    tail intact. These anchors only propose candidates: what they propose is
    verified by aligning the two texts (:mod:`wirewash.tasks.reuse.align`). Like
    :func:`sentence_anchors`, taken from every paragraph, owned by its text.
    A sentence of ``shared_min_words`` words or fewer has no edge: an edit
    would leave fewer aligned words than a long run.
    """
    words = short_anchor_words(shingle_size, shared_min_words)
    min_sentence = shared_min_words + 1
    long_sentence = encoded.sentence_lengths >= max(min_sentence, words)
    starts, lengths = encoded.sentence_starts[long_sentence], encoded.sentence_lengths[long_sentence]
    size = np.full(starts.size, words, dtype=np.int64)
    heads = hash_segments(encoded.hashes, starts, size) ^ _SENTENCE_HEAD
    tails = hash_segments(encoded.hashes, starts + lengths - words, size) ^ _SENTENCE_TAIL
    owners = unit_of[encoded.sentence_owner[long_sentence]]
    return np.concatenate([heads, tails]), np.concatenate([owners, owners])


def paragraph_edge_anchors(encoded: Encoded, unit_of: np.ndarray, *, shingle_size: int,
                           min_shingles: int) -> tuple[np.ndarray, np.ndarray]:
    """A paragraph's beginnings and endings made of whole sentences, as long as a very short paragraph.

    A wire paragraph split in two (or trimmed to its first sentence) leaves
    a piece of a few words that is, word for word, the first or the last
    sentences of the other copy ("It's Complicated [Bloomberg]", "Am 12.
    Bis 13."). A text that short is whole-sentence edge of itself, so its
    anchor meets the edges of longer paragraphs; pairs are only made with a
    short text on one side (:func:`wirewash.tasks.reuse.overlap.verify_corpus`). A phrase
    inside a sentence, or across a sentence end, is no edge: a short
    paragraph that merely occurs somewhere in another is left to the other
    rules. "Very short" is fewer than ``min_shingles`` shingles but at least
    one whole shingle (``shingle_size`` words or more).
    """
    min_words, max_words = shingle_size, min_shingles + shingle_size - 2
    lengths = np.diff(encoded.offsets)
    owner = encoded.sentence_owner
    rel = encoded.sentence_starts - encoded.offsets[owner]  # where each sentence starts in its paragraph
    size = lengths[owner]
    every = np.arange(lengths.size)
    # beginnings end where a later sentence starts, or at the paragraph's end; endings start at a sentence start
    head_len = np.concatenate([rel[rel > 0], lengths])
    head_owner = np.concatenate([owner[rel > 0], every])
    tail_len = size - rel
    keep_head = (head_len >= min_words) & (head_len <= max_words)
    keep_tail = (tail_len >= min_words) & (tail_len <= max_words)
    heads = hash_segments(encoded.hashes, encoded.offsets[head_owner[keep_head]], head_len[keep_head])
    tails = hash_segments(encoded.hashes, encoded.sentence_starts[keep_tail], tail_len[keep_tail])
    return (np.concatenate([heads, tails]) ^ _PARAGRAPH_EDGE,
            unit_of[np.concatenate([head_owner[keep_head], owner[keep_tail]])])


def short_anchors(enc: TokenHashes | Encoded, shingles: np.ndarray, bounds: np.ndarray, *, words: int,
                  min_shingles: int) -> tuple[np.ndarray, np.ndarray]:
    """The anchors of short paragraphs: every ``words``-gram of every text, and each tiny text's one shingle.

    A short paragraph can sit inside another while sharing no run of
    ``shared_min_words``; these shorter anchors pair it (only with pairs one
    side of which is short, see :func:`wirewash.tasks.reuse.overlap.find_overlaps`), and a tiny text's
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
