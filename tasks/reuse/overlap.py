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

Pipeline: propose and verify every candidate pair
(:func:`wirewash.tasks.reuse.verify.verify_corpus`: tokenise for hashing, fold
verbatim copies, MinHash/LSH and exact anchors, exact verification on the
shingle sets), then here (:func:`report_overlaps`) drop matches a better copy
in the same document explains, cluster near-duplicates so that every member
verifies against the canonical copy, and make the records with their
aligned passages (:mod:`wirewash.tasks.reuse.align`).

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

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from wirewash.tasks.params import DetectorOptions
from wirewash.tasks.records import Cluster, ParagraphRef
from wirewash.tasks.reuse.align import PositionalGrams, locate_passages
from wirewash.tasks.reuse.clusters import cluster_near_duplicates, key_ranks, make_cluster
from wirewash.tasks.reuse.pair_table import WHOLE_TEXT, OverlapTable
from wirewash.tasks.reuse.paragraph_index import longest_shared_runs
from wirewash.tasks.reuse.shingle import DistinctTexts, TokenSpans
from wirewash.tasks.reuse.verify import KINDS, NEAR, ParagraphPairs, Verdicts, verify_corpus

_SHARED_TEXT = KINDS.index("shared-text")


@dataclass(frozen=True)
class OverlapResult:
    """What :func:`find_overlaps` found, in a deterministic order.

    ``stats`` counts the work: paragraphs, candidates proposed by each
    source, candidates verified, redundant matches dropped, and pairs kept
    per kind.
    """

    overlaps: OverlapTable  # the records, made as they are read
    clusters: tuple[Cluster, ...]
    stats: dict[str, int] = field(default_factory=dict)


def find_overlaps(paragraphs: Sequence[ParagraphRef], options: DetectorOptions = DetectorOptions(), **hooks: object) -> OverlapResult:
    """Report verified reuse between paragraphs of different documents.

    :func:`wirewash.tasks.reuse.verify.verify_corpus` (``options`` and its keyword
    ``hooks``), then :func:`report_overlaps`.
    """
    return report_overlaps(verify_corpus(paragraphs, options, **hooks))  # type: ignore[arg-type]


def report_overlaps(verdicts: Verdicts, *, focus: np.ndarray | None = None) -> OverlapResult:
    """Drop redundant matches, cluster near-duplicates and make the records (the second half of :func:`find_overlaps`).

    With ``focus`` (a bool per paragraph) only pairs with a focused side are
    reported and clustered: a batch queried against an archive reports the
    batch's reuse, not the archive's among itself. Redundancy needs nothing
    else: every match that could make a focused pair redundant has a focused
    side too (the same paragraph, or one of the same document).
    """
    refs, docs, texts, stats = verdicts.refs, verdicts.docs, verdicts.texts, dict(verdicts.stats)
    if texts is None:
        return OverlapResult(OverlapTable.empty(), (), stats)
    pairs = verdicts.pairs
    if focus is not None:
        pairs = pairs.take(np.flatnonzero(focus[pairs.pairs[:, 0]] | focus[pairs.pairs[:, 1]]))
    redundant = find_redundant_pairs(refs, docs, pairs, verdicts.shingles, verdicts.bounds, texts.unit_of,
                                     doc_size=verdicts.doc_size)
    pairs = pairs.take(np.flatnonzero(~redundant))
    stats["redundant"] = int(redundant.sum())

    near_rows = np.flatnonzero(pairs.kind == NEAR)
    clusters: list[Cluster] = []
    cluster_of = np.full(len(refs), -1, np.int64)  # each paragraph's cluster (a paragraph joins one at most)
    canonical_of = np.zeros(len(refs), bool)
    key_rank, place_rank = key_ranks(refs)
    for canonical, members, rule in cluster_near_duplicates(refs, pairs.pairs[near_rows], pairs.jaccard[near_rows],
                                                            key_rank=key_rank):
        cluster_of[members] = len(clusters)
        canonical_of[canonical] = True
        clusters.append(make_cluster(refs, canonical, members, rule))
    # cluster member pairs: the cluster states them (pairs with its canonical copy are reported)
    a, b = pairs.pairs[:, 0], pairs.pairs[:, 1]
    implied = (cluster_of[a] >= 0) & (cluster_of[a] == cluster_of[b]) & ~canonical_of[a] & ~canonical_of[b]
    emitted = pairs.take(np.flatnonzero(~implied))
    del pairs
    assert verdicts.grams is not None
    overlaps, sides = make_overlaps(refs, texts, emitted, verdicts.shingles, verdicts.bounds, verdicts.spans,
                                    verdicts.grams, key_rank=key_rank)
    # sorted by (a.file, a.lines, b.file, b.lines) through ranks: one stable numpy sort instead of a
    # tuple key per pair (ties keep their order either way)
    overlaps = overlaps.take(np.lexsort((place_rank[sides[:, 1]], place_rank[sides[:, 0]])))
    clusters.sort(key=lambda c: (c.canonical.file, c.canonical.lines))
    stats.update(overlaps.kind_counts())
    stats["clusters"] = len(clusters)
    return OverlapResult(overlaps, tuple(clusters), stats)


def make_overlaps(
    refs: Sequence[ParagraphRef],
    texts: DistinctTexts,
    emitted: ParagraphPairs,
    shingles: np.ndarray,
    bounds: np.ndarray,
    spans: TokenSpans,
    grams: PositionalGrams,
    *,
    key_rank: np.ndarray,
) -> tuple[OverlapTable, np.ndarray]:
    """The :class:`Overlap` records (as a table) with ``a.key < b.key``, the shared run cut from a's own text, and their passages.

    ``spans`` say where each paragraph's tokens were read, so the run found
    on normalised tokens is cut verbatim from the original text, and passages
    (:func:`wirewash.tasks.reuse.align.locate_passages`) are located in both texts.
    ``key_rank`` is :func:`key_ranks`' first answer. Returns the records and
    their ``(a, b)`` paragraph numbers.
    """
    pairs = emitted.pairs
    swap = key_rank[pairs[:, 0]] > key_rank[pairs[:, 1]]
    ordered = np.where(swap[:, None], pairs[:, ::-1], pairs)
    same = texts.unit_of[ordered[:, 0]] == texts.unit_of[ordered[:, 1]] if len(ordered) else np.zeros(0, bool)
    # the longest shared run of a text with itself is all of it: only other pairs are scanned
    first, count = np.zeros(len(ordered), np.int64), np.zeros(len(ordered), np.int64)
    rest = np.flatnonzero(~same)
    first[rest], count[rest] = longest_shared_runs(grams.grams, grams.positional, shingles, bounds,
                                                   texts.unit_of[ordered[rest]], shingle_size=grams.k)
    # where the run's first and last token sit in a's own text
    cut = np.flatnonzero(~same & (count > 0))
    base = spans.offsets[ordered[cut, 0]]
    run_begin = spans.begin[base + first[cut]]
    run_end = spans.end[base + first[cut] + count[cut] - 1]
    found = locate_passages(grams, texts.unit_of[ordered], ordered, spans)
    shared_begin, shared_end = np.zeros(len(ordered), np.int64), np.zeros(len(ordered), np.int64)
    shared_begin[cut], shared_end[cut] = run_begin, run_end
    shared_begin[same] = WHOLE_TEXT  # word for word the same paragraph
    columns = {"a": ordered[:, 0], "b": ordered[:, 1], "kind": emitted.kind,
               "jaccard": emitted.jaccard, "containment": emitted.containment, "shared_begin": shared_begin,
               "shared_end": shared_end, "first": found.starts[:-1], "stop": found.starts[1:],
               "a_share": found.a_share, "b_share": found.b_share}
    passages = np.stack([found.a_begin, found.a_end, found.b_begin, found.b_end, found.words.astype(np.int64)], axis=1)
    return OverlapTable(refs, KINDS, columns, passages.reshape(-1, 5)), ordered


def find_redundant_pairs(
    refs: Sequence[ParagraphRef],
    docs: np.ndarray,
    pairs: ParagraphPairs,
    shingles: np.ndarray,
    bounds: np.ndarray,
    unit_of: np.ndarray,
    *,
    doc_size: np.ndarray | None = None,
) -> np.ndarray:
    """Contained/shared-text pairs explained better by another copy in the same document (a bool per row of ``pairs``).

    When a document repeats itself (a recipe list, a pull quote, a phrase
    used in several paragraphs), paragraph A of another document matches
    several of its paragraphs. Copying happened once, so A is attributed to
    the best of them: a pair (A, B) is redundant when another paragraph B' of
    B's document shares with A a superset of what B shares, and B' is the
    better copy: a copy held whole (B' inside A, or A inside B') before one
    that shares only part of its text (a document prints a quote alone and
    again inside a longer paragraph; a paragraph merging the quote with the
    next took the one that holds nothing else), then more shared shingles,
    then nearer in relative position in its document (outlets keep the order
    of the story they copy, so where a repeated text sits says which copy was
    taken: a list item the wire repeats, copied once alone and once merged
    into its neighbour), then higher Jaccard. Checked from both sides. Only
    ``contained`` and ``shared-text`` pairs can be redundant: when a document
    repeats a whole paragraph, every copy of it is a near-duplicate in its
    own right. Disjoint matches (a paragraph split in two, two paragraphs
    merged into one) are never redundant: each explains a different part.
    """
    sizes_of = np.bincount(docs)[docs] if doc_size is None else doc_size  # paragraphs in each one's document

    def place(x: int) -> float:
        return refs[x].index / max(1, int(sizes_of[x]) - 1)

    redundant = np.zeros(len(pairs), bool)
    if not len(pairs):
        return redundant
    # only (paragraph, other document) groups with two or more matches, one
    # of them weaker than near-duplicate, can hold a redundant pair: find
    # them with array work before any Python loop
    weak = pairs.kind != NEAR
    side = np.concatenate([pairs.pairs[:, 0], pairs.pairs[:, 1]])
    other = np.concatenate([pairs.pairs[:, 1], pairs.pairs[:, 0]])
    row = np.concatenate([np.arange(len(pairs)), np.arange(len(pairs))])
    group = side * (int(docs.max()) + 1) + docs[other]
    _, inverse, counts = np.unique(group, return_inverse=True, return_counts=True)
    has_weak = np.bincount(inverse, weights=np.concatenate([weak, weak]).astype(np.float64)) > 0
    busy = (counts[inverse] >= 2) & has_weak[inverse]
    # each match of a busy group: (other paragraph, its row, kind, Jaccard, containment)
    matches: dict[tuple[int, int], list[tuple[int, int, int, float, float]]] = {}
    rows = row[busy]
    for a, b, r, kind, jac, con in zip(side[busy].tolist(), other[busy].tolist(), rows.tolist(),
                                       pairs.kind[rows].tolist(), pairs.jaccard[rows].tolist(),
                                       pairs.containment[rows].tolist()):
        matches.setdefault((a, int(docs[b])), []).append((b, r, kind, jac, con))
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
        for b, _, kind, jac, con in others:
            inter = round(con * min(int(sizes[ua]), int(sizes[unit_of[b]])))
            # a copy held whole (near-duplicate or contained) beats one that shares only part of its text
            ranks[b] = (kind == _SHARED_TEXT, -inter, abs(place(a) - place(b)), -jac, refs[b].key)
        for b, r, kind, _, _ in others:
            if kind == NEAR:
                continue  # whole-paragraph copies are each real reuse
            for better, *_ in others:
                if ranks[better] < ranks[b] and shared_with(b) <= shared_with(better):
                    redundant[r] = True
                    break
    return redundant
