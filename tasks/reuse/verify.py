"""Propose and verify candidate reuse pairs: the first half of :func:`wirewash.tasks.reuse.overlap.find_overlaps`.

Every kept paragraph is tokenised and normalised for hashing only
(:mod:`wirewash.tasks.reuse.shingle`); paragraphs with identical normalised
text (verbatim wire copies) are folded into one text and processed once.
Candidates come from MinHash/LSH over the texts' shingle sets and from exact
anchors (:mod:`wirewash.tasks.reuse.anchors`); *every* candidate is verified on
the exact shingle sets (batch counting,
:func:`wirewash.tasks.reuse.paragraph_index.count_shared`) and classified; the
verdicts are then spread from texts to the paragraphs that carry them.

:func:`verify_corpus` runs those steps in order, each a function of its own:
:func:`read_corpus`, :func:`lsh_candidates`, :func:`sentence_anchor_sets`, :func:`exact_anchor_pairs`,
:func:`short_anchor_pairs`, :func:`verify_candidates`,
:func:`expand_to_paragraphs`. Every fast path gives exactly what the plain
computation gives (tests/reuse/test_overlap.py checks each against it).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

from wirewash.tasks.params import DetectorOptions
from wirewash.tasks.records import OverlapKind, ParagraphRef
from wirewash.tasks.reuse.align import PositionalGrams
from wirewash.tasks.reuse.anchors import (AnchorFilter, AnchorKind, kept_anchors, paragraph_edge_anchors, sentence_anchors,
                                          sentence_edge_anchors, short_anchor_words, short_anchors)
from wirewash.tasks.reuse.arrays import run_starts
from wirewash.tasks.reuse.minhash import find_lsh_pairs
from wirewash.tasks.reuse.paragraph_index import (contains_pairs, count_shared, find_anchor_pairs, pairs_within_groups,
                                                  unique_pairs)
from wirewash.tasks.reuse.segment import EntrySource, gather_signatures
from wirewash.tasks.reuse.shingle import (DistinctTexts, Encoded, TokenSpans, collapse_identical, encode_paragraphs,
                                          hash_ngrams, shingle_paragraphs)

KINDS: tuple[OverlapKind | None, ...] = (None, "near-duplicate", "contained", "shared-text")
NONE, NEAR, CONTAINED, SHARED = range(4)  # codes into KINDS


class LshSource(Protocol):
    """Where MinHash/LSH candidates come from: signed here, or partly remembered by a persistent index.

    ``keys`` are the identity hashes of the texts in ``rows`` (see
    :class:`wirewash.tasks.reuse.shingle.DistinctTexts`); ``shingles``/``bounds`` are every
    text's shingle set. The answer must be exactly the pairs (of ``rows``
    entries, ``i < j``) whose MinHash signatures collide in some LSH band;
    the persistent index (:mod:`wirewash.tasks.reuse.index`) looks up the signatures
    it already holds and signs only new texts.
    """

    def lsh_pairs(self, keys: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        ...


@dataclass(frozen=True)
class SignHere:
    """The in-memory :class:`LshSource`: sign every text (but those ``sources`` have signed), band with the options' backend.

    ``sources`` are the clean workers' batch segments
    (:class:`wirewash.tasks.reuse.segment.SegmentShelf`): the signatures they
    made are the ones signing here would make.
    """

    options: DetectorOptions
    sources: tuple[EntrySource, ...] = ()

    def lsh_pairs(self, keys: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        o = self.options
        sigs, _ = gather_signatures(keys, shingles, bounds, rows, self.sources, o)
        return find_lsh_pairs(sigs, rows, threshold=o.lsh_threshold, seed=o.seed, backend=o.lsh_backend)


@dataclass(frozen=True)
class Verified:
    """Exact scores of verified pairs, as parallel arrays (one row per pair)."""

    pairs: np.ndarray  # (m, 2) paragraph indices, i < j
    inter: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    kind: np.ndarray  # codes into KINDS


T = TypeVar("T")


class Handover(Generic[T]):
    """A value handed to a stage for it to keep: an encoding to :func:`verify_corpus`, the paragraph
    references to :func:`wirewash.tasks.reuse.detect.find_reuse`.

    A caller that passes the value keeps it alive through the whole stage by
    its own reference. Handed over, the value is taken out of this box, and
    the stage lets it go as soon as it is done with it: an encoding's tokens
    once the anchors that read every paragraph's tokens are found (only where
    each token was read stays, for the records); the untagged references once
    the index has tagged copies of them.
    """

    def __init__(self, value: T) -> None:
        self._value: T | None = value

    def take(self) -> T:
        value, self._value = self._value, None
        if value is None:
            raise ValueError("this value was already handed over")
        return value


@dataclass(frozen=True)
class ParagraphPairs:
    """Verified paragraph pairs ``(i, j)``, ``i < j``, of different documents, as columns in the order found.

    One row per pair: its kind (codes into ``KINDS``), Jaccard and containment.
    Held as arrays, not a dict of tuples: a corpus of half a million
    paragraphs verifies about as many pairs, which as Python objects cost
    ~330 bytes each while the reuse stage is at its peak.
    """

    pairs: np.ndarray  # (n, 2) int64
    kind: np.ndarray  # uint8
    jaccard: np.ndarray  # float64
    containment: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.pairs)

    def take(self, rows: np.ndarray) -> ParagraphPairs:
        """These rows, in the order given."""
        return ParagraphPairs(self.pairs[rows], self.kind[rows], self.jaccard[rows], self.containment[rows])

    @classmethod
    def empty(cls) -> ParagraphPairs:
        return cls(np.zeros((0, 2), np.int64), np.zeros(0, np.uint8), np.zeros(0), np.zeros(0))


@dataclass(frozen=True)
class Verdicts:
    """Every verified pair of a corpus before redundancy and clustering, with what reporting them needs.

    ``pairs`` are the verified paragraph pairs with their scores; ``doc_size`` is each paragraph's document length
    in paragraphs (where the paragraph sits in its document ranks copies).
    """

    refs: list[ParagraphRef]
    docs: np.ndarray
    doc_size: np.ndarray
    texts: DistinctTexts | None  # None for fewer than two paragraphs
    pairs: ParagraphPairs
    shingles: np.ndarray
    bounds: np.ndarray
    spans: TokenSpans  # where each paragraph's tokens were read, to cut and mark text verbatim
    stats: dict[str, int]
    grams: PositionalGrams | None = None  # every text's shingles in text order, for the alignment


@dataclass(frozen=True)
class Corpus:
    """The texts of a corpus with their shingle sets: what every candidate source and the verification read."""

    texts: DistinctTexts
    shingles: np.ndarray
    bounds: np.ndarray  # text t's shingle set is shingles[bounds[t]:bounds[t+1]]

    @property
    def sizes(self) -> np.ndarray:
        """Shingles per text."""
        return np.diff(self.bounds)


@dataclass(frozen=True)
class Evidence:
    """The text pairs whose anchor is itself evidence of reuse when a candidate is verified."""

    run: np.ndarray  # a shared run of shared_min_words words
    sentence: np.ndarray  # a whole shared sentence
    piece: np.ndarray  # a very short text that is another's first or last whole sentences


def verify_corpus(
    paragraphs: Sequence[ParagraphRef],
    options: DetectorOptions = DetectorOptions(),
    *,
    encoded: Encoded | Handover[Encoded] | None = None,
    lsh_source: LshSource | None = None,
    anchor_filter: AnchorFilter | None = None,
    doc_size: np.ndarray | None = None,
    focus: np.ndarray | None = None,
) -> Verdicts:
    """Propose and verify every candidate pair between paragraphs of different documents.

    ``options`` are the detector's settings (:class:`wirewash.tasks.params.DetectorOptions`).
    Two hooks let a persistent index (:mod:`wirewash.tasks.reuse.index`) skip work
    it did in earlier runs without changing a single result: ``encoded``, the
    paragraphs already tokenised (:func:`wirewash.tasks.reuse.shingle.encode_paragraphs`
    layout), and ``lsh_source``, which supplies the LSH candidate pairs
    (default :class:`SignHere`: sign everything now).

    Three more serve a batch queried against an archive
    (:mod:`wirewash.tasks.reuse.archive`), where ``paragraphs`` are the batch plus the
    archived paragraphs it may reuse: ``anchor_filter`` drops the anchors the
    whole archive holds too often; ``doc_size`` gives each paragraph's real
    document length (default: counted over ``paragraphs``); ``focus`` (a
    bool per paragraph) keeps only pairs with a focused side, the ones
    :func:`wirewash.tasks.reuse.overlap.report_overlaps` reports for that focus, so
    the archived paragraphs' pairs among themselves are never even proposed.
    """
    refs = list(paragraphs)
    n = len(refs)
    stats: dict[str, int] = {"paragraphs": n}
    doc_index: dict[str, int] = {}
    docs = np.array([doc_index.setdefault(p.doc_id, len(doc_index)) for p in refs], dtype=np.int64)
    if doc_size is None:
        doc_size = np.bincount(docs)[docs] if n else np.zeros(0, np.int64)
    if isinstance(encoded, Handover):
        encoded = encoded.take()
    if encoded is None:
        encoded = encode_paragraphs([p.text for p in refs])
    elif encoded.offsets.size != n + 1:
        raise ValueError("encoded must hold exactly the given paragraphs")
    spans = encoded.spans
    if n < 2:
        return Verdicts(refs, docs, doc_size, None, ParagraphPairs.empty(), np.zeros(0, np.uint64), np.zeros(1, np.int64), spans, stats)
    corpus = read_corpus(encoded, docs, options)
    texts = corpus.texts
    stats["distinct_texts"] = texts.count
    lsh = lsh_candidates(corpus, options, lsh_source if lsh_source is not None else SignHere(options))
    stats["candidates_lsh"] = int(len(lsh))
    touched = None if focus is None else texts_touched(texts, focus)  # with a focus: the only texts worth pairing
    # the sentence anchors are all that is read of the paragraphs' own tokens: taken first, the tokens go
    # before the long-run anchors (as many as the corpus's tokens, the stage's highest point) are made
    sentences = sentence_anchor_sets(encoded, corpus, options)
    del encoded
    run, sentence, piece, edge = exact_anchor_pairs(sentences, corpus, options, anchor_filter, touched)
    del sentences
    short = short_anchor_pairs(corpus, options, anchor_filter, touched)
    anchor_pairs = unique_pairs(np.concatenate([run, sentence, short, edge, piece]))
    stats["candidates_anchor"] = int(len(anchor_pairs))
    candidates = unique_pairs(np.concatenate([lsh, anchor_pairs]))
    if touched is not None:
        candidates = candidates[touched[candidates[:, 0]] | touched[candidates[:, 1]]]
    stats["candidates"] = int(len(candidates))
    grams = PositionalGrams.of(texts.tokens, options.shingle_size)
    verified = verify_candidates(candidates, Evidence(run, sentence, piece), corpus, grams, options)
    stats["verified"] = int(len(verified.pairs))
    pairs = expand_to_paragraphs(texts, verified, docs, corpus.sizes, min_shingles=options.min_shingles,
                                 max_fanout=options.max_anchor_fanout, focus=focus)
    return Verdicts(refs, docs, doc_size, texts, pairs, corpus.shingles, corpus.bounds, spans, stats, grams)


def read_corpus(encoded: Encoded, docs: np.ndarray, options: DetectorOptions) -> Corpus:
    """Fold the paragraphs to their distinct texts and shingle each text once."""
    texts = collapse_identical(encoded, docs)
    shingles, bounds = shingle_paragraphs(texts.tokens.hashes, texts.tokens.offsets, options.shingle_size)
    return Corpus(texts, shingles, bounds)


def lsh_candidates(corpus: Corpus, options: DetectorOptions, source: LshSource) -> np.ndarray:
    """Text pairs of different documents whose MinHash signatures collide in an LSH band.

    Only texts with ``min_shingles`` shingles or more are signed: a very short
    text has too few shingles for a similarity estimate to mean anything.
    """
    texts = corpus.texts
    signed = np.flatnonzero(corpus.sizes >= options.min_shingles)
    if signed.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    assert texts.keys is not None
    pairs = source.lsh_pairs(texts.keys[signed], corpus.shingles, corpus.bounds, signed)
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=np.int64)
    return unique_pairs(pairs[texts.docs[pairs[:, 0]] != texts.docs[pairs[:, 1]]])


@dataclass(frozen=True)
class SentenceAnchors:
    """The anchors read from the paragraphs' own sentences, as ``(anchors, owner texts)``: whole sentences, their
    heads and tails, and the whole-sentence beginnings and endings of paragraphs (:mod:`wirewash.tasks.reuse.anchors`)."""

    sentence: tuple[np.ndarray, np.ndarray]
    edge: tuple[np.ndarray, np.ndarray]
    piece: tuple[np.ndarray, np.ndarray]


def sentence_anchor_sets(encoded: Encoded, corpus: Corpus, options: DetectorOptions) -> SentenceAnchors:
    """The anchors that need the paragraphs' own encoding: two copies with the same words can still split
    into sentences differently, so these are read from every paragraph, not from its distinct text."""
    o, unit_of = options, corpus.texts.unit_of
    return SentenceAnchors(
        sentence_anchors(encoded, unit_of, o.shared_sentence_min_words),
        # sentence heads and tails survive a light edit of a lifted sentence; the alignment verifies what they propose
        sentence_edge_anchors(encoded, unit_of, shingle_size=o.shingle_size, shared_min_words=o.shared_min_words),
        # a very short text that is the first or last whole sentences of another: a piece of a split paragraph
        paragraph_edge_anchors(encoded, unit_of, shingle_size=o.shingle_size, min_shingles=o.min_shingles))


def exact_anchor_pairs(sentences: SentenceAnchors, corpus: Corpus, options: DetectorOptions,
                       anchor_filter: AnchorFilter | None,
                       touched: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Text pairs sharing a long word run, a whole sentence, a split paragraph's piece, or a sentence's head or tail.

    Returned in that order. A shared run of ``shared_min_words`` words is
    exactly a shared n-gram of that length, so those pairs carry the "long
    run" evidence with them; the others come from ``sentences``
    (:func:`sentence_anchor_sets`).
    """
    texts, o = corpus.texts, options
    enc = texts.tokens

    def pairs(kind: AnchorKind, found: tuple[np.ndarray, np.ndarray], eligible: np.ndarray | None = None) -> np.ndarray:
        anchors, owners = kept_anchors(kind, *found, anchor_filter)
        return find_anchor_pairs(anchors, owners, texts.docs, max_fanout=o.max_anchor_fanout, eligible=eligible,
                                 focus=touched)

    run = pairs("run", hash_ngrams(enc.hashes, enc.offsets, o.shared_min_words))
    sentence = pairs("sentence", sentences.sentence)
    edge = pairs("sentence", sentences.edge)
    tiny = (corpus.sizes > 0) & (corpus.sizes < o.min_shingles)
    piece = pairs("short", sentences.piece, eligible=tiny)
    return run, sentence, piece, edge


def short_anchor_pairs(corpus: Corpus, options: DetectorOptions, anchor_filter: AnchorFilter | None,
                       touched: np.ndarray | None) -> np.ndarray:
    """Text pairs sharing a shorter anchor, with a short text on one side.

    A short paragraph can sit inside another while sharing no run of
    ``shared_min_words``; shorter anchors pair it, and only with pairs one
    side of which is short (at most twice ``shared_min_words`` words).
    """
    texts, o = corpus.texts, options
    enc = texts.tokens
    words = short_anchor_words(o.shingle_size, o.shared_min_words)
    anchors, owners = kept_anchors("short", *short_anchors(enc, corpus.shingles, corpus.bounds, words=words,
                                                           min_shingles=o.min_shingles), anchor_filter)
    return find_anchor_pairs(anchors, owners, texts.docs, max_fanout=o.max_anchor_fanout,
                             eligible=np.diff(enc.offsets) <= 2 * o.shared_min_words, focus=touched)


def verify_candidates(candidates: np.ndarray, evidence: Evidence, corpus: Corpus, grams: PositionalGrams,
                      options: DetectorOptions) -> Verified:
    """Count every candidate's shared shingles exactly and name the kind of reuse it shows (:func:`classify_pairs`)."""
    count = corpus.texts.count
    return classify_pairs(
        candidates,
        count_shared(corpus.shingles, corpus.bounds, candidates),
        corpus.sizes,
        has_run=contains_pairs(candidates, evidence.run, count),
        has_sentence=contains_pairs(candidates, evidence.sentence, count),
        has_piece=contains_pairs(candidates, evidence.piece, count),
        aligned=lambda pairs: grams.share_passage(pairs, min_words=options.shared_min_words),
        options=options,
    )


def texts_touched(texts: DistinctTexts, focus: np.ndarray) -> np.ndarray:
    """Which texts (a bool each) some focused paragraph carries."""
    touched = np.zeros(texts.count, dtype=bool)
    touched[texts.unit_of[focus]] = True
    return touched


def pair_scores(pairs: np.ndarray, inter: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Jaccard ``|A&B| / |A or B|`` and containment ``|A&B| / min(|A|, |B|)`` per pair.

    Both are symmetric in the pair and lie in [0, 1]; empty sets score 0.
    """
    size_a = sizes[pairs[:, 0]] if len(pairs) else np.zeros(0, np.int64)
    size_b = sizes[pairs[:, 1]] if len(pairs) else np.zeros(0, np.int64)
    union = size_a + size_b - inter
    smaller = np.minimum(size_a, size_b)
    jaccard = np.divide(inter, union, out=np.zeros(len(pairs)), where=union > 0)
    containment = np.divide(inter, smaller, out=np.zeros(len(pairs)), where=smaller > 0)
    return jaccard, containment


def classify_pairs(
    pairs: np.ndarray,
    inter: np.ndarray,
    sizes: np.ndarray,
    *,
    has_run: np.ndarray,
    has_sentence: np.ndarray,
    has_piece: np.ndarray,
    aligned: Callable[[np.ndarray], np.ndarray],
    options: DetectorOptions,
) -> Verified:
    """Name the kind of reuse each verified pair shows; keep only pairs with one.

    Order matters: a near-duplicate is also contained and shares runs, so the
    strongest reading wins: near-duplicate (Jaccard), contained
    (containment), shared-text (a long shared run or a shared sentence), and
    last weakly contained (half the smaller paragraph inside, but edits broke
    every long run). A pair none of these verifies is still shared-text when
    ``aligned`` (asked about those pairs only, so its cost stays bounded)
    finds a passage of a long run's length that lightly edited words
    interrupt (:meth:`PositionalGrams.share_passage`). Very short paragraphs
    (fewer than ``min_shingles`` shingles) count only when word-for-word
    equal, or when ``has_piece`` says the short one is the whole first or last
    sentences of the other (a split paragraph's piece): a few common words
    ("he said on Monday") must not glue paragraphs together.
    """
    jaccard, containment = pair_scores(pairs, inter, sizes)
    smaller = np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]]) if len(pairs) else np.zeros(0, np.int64)
    kind = np.full(len(pairs), NONE, dtype=np.int8)
    normal = smaller >= options.min_shingles
    kind[normal & (containment >= options.weak_contained_min)] = CONTAINED
    kind[normal & (has_run | has_sentence)] = SHARED
    kind[normal & (containment >= options.contained_min)] = CONTAINED
    kind[normal & (jaccard >= options.near_duplicate_jaccard)] = NEAR
    kind[(smaller > 0) & ~normal & has_piece & (containment == 1.0)] = CONTAINED
    kind[(smaller > 0) & ~normal & (jaccard == 1.0)] = NEAR
    undecided = np.flatnonzero(normal & (kind == NONE))
    kind[undecided[aligned(pairs[undecided])]] = SHARED
    keep = kind != NONE
    return Verified(pairs[keep], inter[keep], jaccard[keep], containment[keep], kind[keep])


def expand_to_paragraphs(
    texts: DistinctTexts,
    verified: Verified,
    docs: np.ndarray,
    sizes: np.ndarray,
    *,
    min_shingles: int,
    max_fanout: int,
    focus: np.ndarray | None = None,
) -> ParagraphPairs:
    """Paragraph pairs ``(i, j)``, ``i < j``, of different documents, with their kind, Jaccard and containment.

    Every paragraph carrying text u is paired with every paragraph carrying
    text v for each verified text pair (u, v); paragraphs carrying the same
    text are word-for-word near-duplicates of each other. A very short text
    carried by more than ``max_fanout`` paragraphs is boilerplate ("Read
    more.") and pairs nothing, like an over-used anchor. With ``focus``
    only pairs with a focused paragraph are made.
    """
    members, starts = texts.members, texts.starts
    counts = np.diff(starts)
    # the pairs are built with array work, in a fixed order (a text's own
    # copies, text by text, then each verified pair's copies), since equal sort
    # keys downstream keep that order
    groups = np.flatnonzero((counts >= 2) & (sizes > 0) & ~((sizes < min_shingles) & (counts > max_fanout)))
    if focus is not None:  # only texts some focused paragraph carries can pair their own copies with it
        groups = groups[texts_touched(texts, focus)[groups]]
    own = pairs_within_groups(members, starts[groups], counts[groups])  # (i, j), i < j: members ascend
    # pairs_within_groups goes size by size: put them back in text, then member order
    own = own[np.lexsort((own[:, 1], own[:, 0], texts.unit_of[own[:, 0]]))]
    own = own[docs[own[:, 0]] != docs[own[:, 1]]]
    if focus is not None:
        own = own[focus[own[:, 0]] | focus[own[:, 1]]]
    pairs = verified.pairs
    cu, cv = counts[pairs[:, 0]], counts[pairs[:, 1]]
    per = cu * cv
    pair_of = np.repeat(np.arange(len(pairs)), per)
    t = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    left = members[starts[pairs[pair_of, 0]] + t // cv[pair_of]]
    right = members[starts[pairs[pair_of, 1]] + t % cv[pair_of]]
    keep = docs[left] != docs[right]
    if focus is not None:
        keep &= focus[left] | focus[right]
    left, right, pair_of = left[keep], right[keep], pair_of[keep]
    low, high = np.minimum(left, right), np.maximum(left, right)
    pairs = np.concatenate([own, np.stack([low, high], axis=1)]).astype(np.int64, copy=False)
    first, last = _first_and_last(pairs[:, 0] * len(docs) + pairs[:, 1])
    near = np.full(len(own), NEAR, np.uint8)
    kind = np.concatenate([near, verified.kind[pair_of].astype(np.uint8)])[last]
    jaccard = np.concatenate([np.ones(len(own)), verified.jaccard[pair_of]])[last]
    containment = np.concatenate([np.ones(len(own)), verified.containment[pair_of]])[last]
    return ParagraphPairs(pairs[first], kind, jaccard, containment)


def _first_and_last(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each distinct key, in the order keys first appear: the row where it first appears and the row where it
    last does (a dict filled row by row keeps a key at its first place with its last value)."""
    if not len(keys):
        return keys.astype(np.int64), keys.astype(np.int64)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.flatnonzero(run_starts(ordered))
    ends = np.r_[starts[1:], len(ordered)] - 1
    first, last = order[starts], order[ends]
    place = np.argsort(first, kind="stable")
    return first[place], last[place]
