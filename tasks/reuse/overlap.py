"""Find paragraphs that outlets reused from one another.

Three kinds of reuse are reported (see :data:`wirewash.tasks.records.OverlapKind`):

* ``near-duplicate`` - the same paragraph, edited: house style, a clause
  added or cut, a sentence trimmed, synonyms spun. Caught by Jaccard of the
  word-shingle sets. Near-duplicates are grouped into clusters with one
  canonical copy.
* ``contained`` - most of one paragraph sits inside a longer one (outlets
  merge and split wire paragraphs). Caught by containment
  ``|A & B| / min(|A|, |B|)``, which Jaccard dilutes.
* ``shared-text`` - one sentence or long clause (often a quote) appears in
  both, inside otherwise different paragraphs. Caught by a shared run of
  ``shared_min_words`` normalised words, or by a whole sentence in both.

Pipeline: tokenise and normalise for hashing only (:mod:`wirewash.tasks.reuse.shingle`),
propose candidates with MinHash/LSH and exact anchors
(:mod:`wirewash.tasks.reuse.paragraph_index`), verify *every* candidate on the exact
shingle sets (batch counting, :func:`wirewash.tasks.reuse.paragraph_index.count_shared`),
classify, drop matches a better copy in the same document explains, then
cluster near-duplicates so that every member verifies against the
canonical copy. Paragraphs with identical normalised text (verbatim wire
copies) are processed once and their verdicts shared
(:func:`wirewash.tasks.reuse.shingle.collapse_identical`).

Speed: per-paragraph and per-pair work is array work wherever the answer
allows it (expanding text pairs to paragraph pairs, ordering pairs by key
through ranks, connected components); the Python loops left are the ones
whose rules read like prose (redundancy, canonical choice), and they run
per group, not per pair. Every fast path gives exactly what the plain
computation gives (tests/reuse/test_overlap.py checks each against it).

What it leaves alone on purpose: pairs inside one document (a paragraph
repeating its own document's text is not reuse across outlets), and two
paragraphs that tell the same facts in different words (no shared set of
shingles and no shared run survives real rewording).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from wirewash.tasks.reuse.paragraph_index import (
    contains_pairs,
    count_shared,
    find_anchor_pairs,
    find_lsh_pairs,
    longest_shared_runs,
    pairs_within_groups,
    sign_minhash,
    unique_pairs,
)
from wirewash.tasks.reuse.align import PositionalGrams, locate_passages
from wirewash.tasks.reuse.anchors import (AnchorFilter, kept_anchors, paragraph_edge_anchors, sentence_anchors, sentence_edge_anchors,
                           short_anchor_words, short_anchors)
from wirewash.tasks.reuse.clusters import cluster_near_duplicates, key_ranks, make_cluster
from wirewash.tasks.records import Cluster, Overlap, OverlapKind, ParagraphRef, Passage
from wirewash.tasks.reuse.shingle import (DistinctTexts, Encoded, TokenSpans, collapse_identical, encode_paragraphs,
                                          hash_ngrams, shingle_paragraphs)

_KINDS: tuple[OverlapKind | None, ...] = (None, "near-duplicate", "contained", "shared-text")
_NONE, _NEAR, _CONTAINED, _SHARED = range(4)


@dataclass(frozen=True)
class OverlapResult:
    """What :func:`find_overlaps` found, in a deterministic order.

    ``stats`` counts the work: paragraphs, candidates proposed by each
    source, candidates verified, redundant matches dropped, and pairs kept
    per kind.
    """

    overlaps: tuple[Overlap, ...]
    clusters: tuple[Cluster, ...]
    stats: dict[str, int] = field(default_factory=dict)


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
    """The in-memory :class:`LshSource`: sign every text, band with ``backend``."""

    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.4
    backend: Literal["numpy", "datasketch"] = "numpy"

    def lsh_pairs(self, keys: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        sigs = sign_minhash(shingles, bounds, rows, num_perm=self.num_perm, seed=self.seed)
        return find_lsh_pairs(sigs, rows, threshold=self.threshold, seed=self.seed, backend=self.backend)


@dataclass(frozen=True)
class Verified:
    """Exact scores of verified pairs, as parallel arrays (one row per pair)."""

    pairs: np.ndarray  # (m, 2) paragraph indices, i < j
    inter: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    kind: np.ndarray  # codes into _KINDS


@dataclass(frozen=True)
class Verdicts:
    """Every verified pair of a corpus before redundancy and clustering, with what reporting them needs.

    ``kinds`` maps paragraph pairs ``(i, j)``, ``i < j``, to (kind code,
    Jaccard, containment); ``doc_size`` is each paragraph's document length
    in paragraphs (where the paragraph sits in its document ranks copies).
    """

    refs: list[ParagraphRef]
    docs: np.ndarray
    doc_size: np.ndarray
    texts: DistinctTexts | None  # None for fewer than two paragraphs
    kinds: dict[tuple[int, int], tuple[int, float, float]]
    shingles: np.ndarray
    bounds: np.ndarray
    spans: TokenSpans  # where each paragraph's tokens were read, to cut and mark text verbatim
    stats: dict[str, int]
    grams: PositionalGrams | None = None  # every text's shingles in text order, for the alignment


def find_overlaps(paragraphs: Sequence[ParagraphRef], **options: Any) -> OverlapResult:
    """Report verified reuse between paragraphs of different documents.

    ``options`` are :func:`verify_corpus`'s keyword parameters (documented
    there); this is :func:`verify_corpus` then :func:`report_overlaps`.
    """
    verdicts = verify_corpus(paragraphs, **options)
    return report_overlaps(verdicts, shingle_size=options.get("shingle_size", 3))


def verify_corpus(
    paragraphs: Sequence[ParagraphRef],
    *,
    shingle_size: int = 3,
    num_perm: int = 128,
    lsh_threshold: float = 0.4,
    lsh_backend: Literal["numpy", "datasketch"] = "numpy",
    seed: int = 1,
    max_anchor_fanout: int = 64,
    near_duplicate_jaccard: float = 0.5,
    contained_min: float = 0.8,
    weak_contained_min: float = 0.7,
    shared_min_words: int = 9,
    shared_sentence_min_words: int = 3,
    min_shingles: int = 3,
    encoded: Encoded | None = None,
    lsh_source: LshSource | None = None,
    anchor_filter: AnchorFilter | None = None,
    doc_size: np.ndarray | None = None,
    focus: np.ndarray | None = None,
) -> Verdicts:
    """Propose and verify every candidate pair between paragraphs of different documents.

    The first half of :func:`find_overlaps`; :func:`report_overlaps` is the second.

    Parameters (all keyword-only; defaults are general, not corpus-tuned):

    * ``shingle_size`` (3): words per shingle for Jaccard and containment.
    * ``num_perm`` (128), ``seed`` (1): MinHash permutations (datasketch
      ``affine32`` scheme).
    * ``lsh_threshold`` (0.4): Jaccard level the LSH banding targets; a bit
      below ``near_duplicate_jaccard`` so spun copies still become candidates.
    * ``lsh_backend`` ("numpy"): "datasketch" bands through a
      ``datasketch.MinHashLSH``; "numpy" does the identical banding (same
      bands, same collisions, same pairs) vectorised, far faster and lighter.
    * ``max_anchor_fanout`` (64): an exact anchor (word n-gram, sentence,
      short paragraph) held by more paragraphs than this is boilerplate and
      proposes nothing.
    * ``near_duplicate_jaccard`` (0.5): Jaccard at or above which a pair is a
      near-duplicate.
    * ``contained_min`` (0.8): containment at or above which a pair is
      ``contained`` (when not a near-duplicate).
    * ``shared_min_words`` (9): a run of this many equal normalised words
      makes a pair ``shared-text`` (a long clause; 8-word runs are often stock
      phrases like "minister of state to make the trip in").
    * ``shared_sentence_min_words`` (3): a whole sentence of at least this
      many words appearing in both paragraphs also makes ``shared-text``.
    * ``weak_contained_min`` (0.7): containment that still makes a pair
      ``contained`` when edits left no shared run long enough for
      ``shared-text`` (lower, and a name phrase like "US Secretary of State
      Jane Doe" makes a short headline "contained" in any paragraph).
    * ``min_shingles`` (3): a paragraph with fewer shingles is "very short"
      and only matches a paragraph that is the same word for word.

    Two hooks let a persistent index (:mod:`wirewash.tasks.reuse.index`) skip work
    it did in earlier runs without changing a single result: ``encoded``, the
    paragraphs already tokenised (:func:`wirewash.tasks.reuse.shingle.encode_paragraphs`
    layout), and ``lsh_source``, which supplies the LSH
    candidate pairs (default :class:`SignHere`: sign everything now).

    Raises ``ValueError`` for n-gram lengths outside 1..12 words or an LSH
    threshold outside (0, 1).

    Three more serve a batch queried against an archive
    (:mod:`wirewash.tasks.reuse.archive`), where ``paragraphs`` are the batch plus the
    archived paragraphs it may reuse: ``anchor_filter`` drops the anchors the
    whole archive holds too often; ``doc_size`` gives each paragraph's real
    document length (default: counted over ``paragraphs``); ``focus`` (a
    bool per paragraph) keeps only pairs with a focused side, the ones
    :func:`report_overlaps` reports for that focus, so the archived
    paragraphs' pairs among themselves are never even proposed.
    """
    if not 1 <= shingle_size <= 12 or not 1 <= shared_min_words <= 12:
        raise ValueError("shingle_size and shared_min_words must be between 1 and 12 words")
    if not 0.0 < lsh_threshold < 1.0:
        raise ValueError("lsh_threshold must be strictly between 0 and 1")
    refs = list(paragraphs)
    n = len(refs)
    stats: dict[str, int] = {"paragraphs": n}
    doc_index: dict[str, int] = {}
    docs = np.array([doc_index.setdefault(p.doc_id, len(doc_index)) for p in refs], dtype=np.int64)
    if doc_size is None:
        doc_size = np.bincount(docs)[docs] if n else np.zeros(0, np.int64)
    if n < 2:
        return Verdicts(refs, docs, doc_size, None, {}, np.zeros(0, np.uint64), np.zeros(1, np.int64),
                        encode_paragraphs([r.text for r in refs]).spans, stats)
    if encoded is None:
        encoded = encode_paragraphs([p.text for p in refs])
    elif encoded.offsets.size != n + 1:
        raise ValueError("encoded must hold exactly the given paragraphs")
    texts = collapse_identical(encoded, docs)
    stats["distinct_texts"] = texts.count
    enc = texts.encoded
    lengths = np.diff(enc.offsets)
    shingles, bounds = shingle_paragraphs(enc.hashes, enc.offsets, shingle_size)
    sizes = np.diff(bounds)

    # candidates 1: MinHash + LSH over texts with enough shingles
    signed = np.flatnonzero(sizes >= min_shingles)
    lsh_pairs = np.empty((0, 2), dtype=np.int64)
    source = lsh_source if lsh_source is not None else SignHere(num_perm, seed, lsh_threshold, lsh_backend)
    assert texts.keys is not None
    if signed.size >= 1:
        lsh_pairs = source.lsh_pairs(texts.keys[signed], shingles, bounds, signed)
    if len(lsh_pairs):
        lsh_pairs = unique_pairs(lsh_pairs[texts.docs[lsh_pairs[:, 0]] != texts.docs[lsh_pairs[:, 1]]])
    stats["candidates_lsh"] = int(len(lsh_pairs))

    touched = None if focus is None else texts_touched(texts, focus)  # with a focus: the only texts worth pairing

    # candidates 2: exact anchors. A shared run of shared_min_words words is
    # exactly a shared n-gram of that length, so these pairs carry the
    # "long run" evidence with them.
    grams, gram_owner = kept_anchors("run", *hash_ngrams(enc.hashes, enc.offsets, shared_min_words), anchor_filter)
    run_pairs = find_anchor_pairs(grams, gram_owner, texts.docs, max_fanout=max_anchor_fanout, focus=touched)
    del grams, gram_owner
    sentences, sentence_owner = kept_anchors("sentence", *sentence_anchors(encoded, texts.unit_of, shared_sentence_min_words),
                                      anchor_filter)
    sentence_pairs = find_anchor_pairs(sentences, sentence_owner, texts.docs, max_fanout=max_anchor_fanout, focus=touched)
    # sentence heads and tails survive a light edit of a lifted sentence; the alignment verifies what they propose
    edges, edge_owner = kept_anchors("sentence", *sentence_edge_anchors(
        encoded, texts.unit_of, shingle_size=shingle_size, shared_min_words=shared_min_words), anchor_filter)
    edge_pairs = find_anchor_pairs(edges, edge_owner, texts.docs, max_fanout=max_anchor_fanout, focus=touched)
    # a very short text that is the first or last whole sentences of another: a piece of a split paragraph
    tiny = (sizes > 0) & (sizes < min_shingles)
    pieces, piece_owner = kept_anchors("short", *paragraph_edge_anchors(
        encoded, texts.unit_of, shingle_size=shingle_size, min_shingles=min_shingles), anchor_filter)
    piece_pairs = find_anchor_pairs(pieces, piece_owner, texts.docs, max_fanout=max_anchor_fanout, eligible=tiny,
                                    focus=touched)
    spans = encoded.spans
    del encoded, sentences, sentence_owner, edges, edge_owner, pieces, piece_owner
    # short paragraphs get shorter anchors, paired only with them (eligible)
    short, short_owners = kept_anchors("short", *short_anchors(enc, shingles, bounds, words=short_anchor_words(
        shingle_size, shared_min_words), min_shingles=min_shingles), anchor_filter)
    short_pairs = find_anchor_pairs(short, short_owners, texts.docs, max_fanout=max_anchor_fanout,
                                    eligible=lengths <= 2 * shared_min_words, focus=touched)
    del short, short_owners
    anchor_pairs = unique_pairs(np.concatenate([run_pairs, sentence_pairs, short_pairs, edge_pairs, piece_pairs]))
    stats["candidates_anchor"] = int(len(anchor_pairs))
    candidates = unique_pairs(np.concatenate([lsh_pairs, anchor_pairs]))
    if touched is not None:
        candidates = candidates[touched[candidates[:, 0]] | touched[candidates[:, 1]]]
    stats["candidates"] = int(len(candidates))

    # verify every candidate on the exact shingle sets, then spread the
    # verdicts from distinct texts to the paragraphs that carry them
    inter = count_shared(shingles, bounds, candidates)
    positional_grams = PositionalGrams.of(enc, shingle_size)
    verified = classify_pairs(
        candidates,
        inter,
        sizes,
        has_run=contains_pairs(candidates, run_pairs, texts.count),
        has_sentence=contains_pairs(candidates, sentence_pairs, texts.count),
        has_piece=contains_pairs(candidates, piece_pairs, texts.count),
        aligned=lambda pairs: positional_grams.share_passage(pairs, min_words=shared_min_words),
        near_duplicate_jaccard=near_duplicate_jaccard,
        contained_min=contained_min,
        weak_contained_min=weak_contained_min,
        min_shingles=min_shingles,
    )
    stats["verified"] = int(len(verified.pairs))
    kinds = expand_to_paragraphs(texts, verified, docs, sizes, min_shingles=min_shingles, max_fanout=max_anchor_fanout,
                                 focus=focus)
    return Verdicts(refs, docs, doc_size, texts, kinds, shingles, bounds, spans, stats, positional_grams)


def report_overlaps(verdicts: Verdicts, *, shingle_size: int = 3, focus: np.ndarray | None = None) -> OverlapResult:
    """Drop redundant matches, cluster near-duplicates and make the records (the second half of :func:`find_overlaps`).

    With ``focus`` (a bool per paragraph) only pairs with a focused side are
    reported and clustered: a batch queried against an archive reports the
    batch's reuse, not the archive's among itself. Redundancy needs nothing
    else: every match that could make a focused pair redundant has a focused
    side too (the same paragraph, or one of the same document).
    """
    refs, docs, texts, stats = verdicts.refs, verdicts.docs, verdicts.texts, dict(verdicts.stats)
    if texts is None:
        return OverlapResult((), (), stats)
    kinds = verdicts.kinds
    if focus is not None:
        kinds = {pair: value for pair, value in kinds.items() if focus[pair[0]] or focus[pair[1]]}
    redundant = find_redundant_pairs(refs, docs, kinds, verdicts.shingles, verdicts.bounds, texts.unit_of,
                                     doc_size=verdicts.doc_size)
    for pair in redundant:
        del kinds[pair]
    stats["redundant"] = len(redundant)

    near = {pair: jac for pair, (kind, jac, _) in kinds.items() if kind == _NEAR}
    clusters: list[Cluster] = []
    implied: set[tuple[int, int]] = set()
    key_rank, place_rank = key_ranks(refs)
    for canonical, members, rule in cluster_near_duplicates(refs, near, key_rank=key_rank):
        clusters.append(make_cluster(refs, canonical, members, rule))
        implied.update((x, y) for x in members for y in members if x < y)
        implied.difference_update((min(m, canonical), max(m, canonical)) for m in members)

    emitted = [(pair, value) for pair, value in kinds.items() if pair not in implied]  # cluster member pairs: the cluster states them
    assert verdicts.grams is not None
    overlaps, sides = make_overlaps(refs, texts, emitted, verdicts.shingles, verdicts.bounds, verdicts.spans,
                                    verdicts.grams, key_rank=key_rank)
    # sorted by (a.file, a.lines, b.file, b.lines) through ranks: one stable numpy sort instead of a
    # tuple key per pair (ties keep their order either way)
    overlaps = [overlaps[i] for i in np.lexsort((place_rank[sides[:, 1]], place_rank[sides[:, 0]])).tolist()]
    clusters.sort(key=lambda c: (c.canonical.file, c.canonical.lines))
    for kind_name in ("near-duplicate", "contained", "shared-text"):
        stats[kind_name] = sum(1 for o in overlaps if o.kind == kind_name)
    stats["clusters"] = len(clusters)
    return OverlapResult(tuple(overlaps), tuple(clusters), stats)


def texts_touched(texts: DistinctTexts, focus: np.ndarray) -> np.ndarray:
    """Which texts (a bool each) some focused paragraph carries."""
    touched = np.zeros(texts.count, dtype=bool)
    touched[texts.unit_of[focus]] = True
    return touched


def expand_to_paragraphs(
    texts: DistinctTexts,
    verified: Verified,
    docs: np.ndarray,
    sizes: np.ndarray,
    *,
    min_shingles: int,
    max_fanout: int,
    focus: np.ndarray | None = None,
) -> dict[tuple[int, int], tuple[int, float, float]]:
    """Paragraph pairs ``(i, j)``, ``i < j``, of different documents -> (kind, Jaccard, containment).

    Every paragraph carrying text u is paired with every paragraph carrying
    text v for each verified text pair (u, v); paragraphs carrying the same
    text are word-for-word near-duplicates of each other. A very short text
    carried by more than ``max_fanout`` paragraphs is boilerplate ("Read
    more.") and pairs nothing, like an over-used anchor. With ``focus``
    only pairs with a focused paragraph are made.
    """
    members, starts = texts.members, texts.starts
    counts = np.diff(starts)
    # the pairs are built with array work, in the order the dict is filled (a
    # text's own copies, text by text, then each verified pair's copies), since
    # equal sort keys downstream keep that order
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
    out: dict[tuple[int, int], tuple[int, float, float]] = dict.fromkeys(zip(own[:, 0].tolist(), own[:, 1].tolist()), (_NEAR, 1.0, 1.0))
    out.update(zip(zip(low.tolist(), high.tolist()),
                   zip(verified.kind[pair_of].tolist(), verified.jaccard[pair_of].tolist(), verified.containment[pair_of].tolist())))
    return out


def make_overlaps(
    refs: Sequence[ParagraphRef],
    texts: DistinctTexts,
    emitted: Sequence[tuple[tuple[int, int], tuple[int, float, float]]],
    shingles: np.ndarray,
    bounds: np.ndarray,
    spans: TokenSpans,
    grams: PositionalGrams,
    *,
    key_rank: np.ndarray,
) -> tuple[list[Overlap], np.ndarray]:
    """:class:`Overlap` records with ``a.key < b.key``, the shared run cut from a's own text, and their passages.

    ``spans`` say where each paragraph's tokens were read, so the run found
    on normalised tokens is cut verbatim from the original text, and passages
    (:func:`wirewash.tasks.reuse.align.locate_passages`) are located in both texts.
    ``key_rank`` is :func:`key_ranks`' first answer. Returns the records and
    their ``(a, b)`` paragraph numbers.
    """
    pairs = np.array([pair for pair, _ in emitted], dtype=np.int64).reshape(-1, 2)
    swap = key_rank[pairs[:, 0]] > key_rank[pairs[:, 1]]
    ordered = np.where(swap[:, None], pairs[:, ::-1], pairs)
    first, count = longest_shared_runs(grams.grams, grams.positional, shingles, bounds, texts.unit_of[ordered],
                                       shingle_size=grams.k)
    same = texts.unit_of[ordered[:, 0]] == texts.unit_of[ordered[:, 1]] if len(ordered) else np.zeros(0, bool)
    # where the run's first and last token sit in a's own text
    cut = np.flatnonzero(~same & (count > 0))
    base = spans.offsets[ordered[cut, 0]]
    run_begin = spans.begin[base + first[cut]].tolist()
    run_end = spans.end[base + first[cut] + count[cut] - 1].tolist()
    found = locate_passages(grams, texts.unit_of[ordered], ordered, spans)
    shared: list[str] = [""] * len(ordered)
    for at, a, begin, end in zip(cut.tolist(), ordered[cut, 0].tolist(), run_begin, run_end):
        shared[at] = refs[a].text[begin:end]
    for at in np.flatnonzero(same).tolist():
        shared[at] = refs[int(ordered[at, 0])].text.strip()  # word for word the same paragraph
    spans = [Passage((a0, a1), (b0, b1), words) for a0, a1, b0, b1, words in zip(
        found.a_begin.tolist(), found.a_end.tolist(), found.b_begin.tolist(), found.b_end.tolist(), found.words.tolist())]
    cuts = found.starts.tolist()
    overlaps = [
        Overlap(_KINDS[kind], refs[a], refs[b], jac, con, text, tuple(spans[lo:hi]), a_share, b_share)  # type: ignore[arg-type]
        for (_, (kind, jac, con)), a, b, text, lo, hi, a_share, b_share in zip(
            emitted, ordered[:, 0].tolist(), ordered[:, 1].tolist(), shared, cuts[:-1], cuts[1:],
            found.a_share.tolist(), found.b_share.tolist())
    ]
    return overlaps, ordered


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
    near_duplicate_jaccard: float,
    contained_min: float,
    weak_contained_min: float,
    min_shingles: int,
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
    kind = np.full(len(pairs), _NONE, dtype=np.int8)
    normal = smaller >= min_shingles
    kind[normal & (containment >= weak_contained_min)] = _CONTAINED
    kind[normal & (has_run | has_sentence)] = _SHARED
    kind[normal & (containment >= contained_min)] = _CONTAINED
    kind[normal & (jaccard >= near_duplicate_jaccard)] = _NEAR
    kind[(smaller > 0) & ~normal & has_piece & (containment == 1.0)] = _CONTAINED
    kind[(smaller > 0) & ~normal & (jaccard == 1.0)] = _NEAR
    undecided = np.flatnonzero(normal & (kind == _NONE))
    kind[undecided[aligned(pairs[undecided])]] = _SHARED
    keep = kind != _NONE
    return Verified(pairs[keep], inter[keep], jaccard[keep], containment[keep], kind[keep])


def find_redundant_pairs(
    refs: Sequence[ParagraphRef],
    docs: np.ndarray,
    kinds: dict[tuple[int, int], tuple[int, float, float]],
    shingles: np.ndarray,
    bounds: np.ndarray,
    unit_of: np.ndarray,
    *,
    doc_size: np.ndarray | None = None,
) -> set[tuple[int, int]]:
    """Contained/shared-text pairs explained better by another copy in the same document.

    When a document repeats itself (a recipe list, a pull quote, a phrase
    used in several paragraphs), paragraph A of another document matches
    several of its paragraphs. Copying happened once, so A is attributed to
    the best of them: a pair (A, B) is redundant when another paragraph B' of
    B's document shares with A a superset of what B shares, and B' is the
    better copy (more shared shingles, then higher Jaccard, then nearer in
    relative position in its document). Checked from both sides. Only
    ``contained`` and ``shared-text`` pairs can be redundant: when a document
    repeats a whole paragraph, every copy of it is a near-duplicate in its
    own right. Disjoint matches (a paragraph split in two, two paragraphs
    merged into one) are never redundant: each explains a different part.
    """
    sizes_of = np.bincount(docs)[docs] if doc_size is None else doc_size  # paragraphs in each one's document

    def place(x: int) -> float:
        return refs[x].index / max(1, int(sizes_of[x]) - 1)

    redundant: set[tuple[int, int]] = set()
    if not kinds:
        return redundant
    # only (paragraph, other document) groups with two or more matches, one
    # of them weaker than near-duplicate, can hold a redundant pair: find
    # them with array work before any Python loop
    pairs = np.array(list(kinds), dtype=np.int64)
    weak = np.array([value[0] != _NEAR for value in kinds.values()])
    side = np.concatenate([pairs[:, 0], pairs[:, 1]])
    other = np.concatenate([pairs[:, 1], pairs[:, 0]])
    group = side * (int(docs.max()) + 1) + docs[other]
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    has_weak = np.bincount(inverse, weights=np.concatenate([weak, weak]).astype(np.float64)) > 0
    busy = (counts[inverse] >= 2) & has_weak[inverse]
    matches: dict[tuple[int, int], list[int]] = {}
    for a, b in zip(side[busy].tolist(), other[busy].tolist()):
        matches.setdefault((a, int(docs[b])), []).append(b)
    sizes = np.diff(bounds)
    for (a, _doc), others in matches.items():
        ua = int(unit_of[a])
        own = set(shingles[bounds[ua] : bounds[ua + 1]].tolist())
        cache: dict[int, frozenset[int]] = {}

        def shared_with(b: int) -> frozenset[int]:
            # Python sets: these are a few dozen shingles each, where numpy's per-call cost dominates
            if b not in cache:
                ub = int(unit_of[b])
                cache[b] = frozenset(own.intersection(shingles[bounds[ub] : bounds[ub + 1]].tolist()))
            return cache[b]

        ranks = {}
        for b in others:
            kind, jac, con = kinds[(min(a, b), max(a, b))]
            inter = round(con * min(int(sizes[ua]), int(sizes[unit_of[b]])))
            ranks[b] = (-inter, -jac, abs(place(a) - place(b)), refs[b].key)
        for b in others:
            if kinds[(min(a, b), max(a, b))][0] == _NEAR:
                continue  # whole-paragraph copies are each real reuse
            for better in others:
                if ranks[better] < ranks[b] and shared_with(b) <= shared_with(better):
                    redundant.add((min(a, b), max(a, b)))
                    break
    return redundant
