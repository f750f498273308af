"""Find paragraphs that outlets reused from one another.

Three kinds of reuse are reported (see :data:`tasks.records.OverlapKind`):

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

Pipeline: tokenise and normalise for hashing only (:mod:`tasks.shingle`),
propose candidates with MinHash/LSH and exact anchors
(:mod:`tasks.paragraph_index`), verify *every* candidate on the exact
shingle sets (:mod:`tasks.pair_scores` style batch counting, see
:func:`count_shared`), classify, drop matches a better copy in the same
document explains, then cluster near-duplicates so that every member
verifies against the canonical copy.

What it leaves alone on purpose: pairs inside one document (a paragraph
repeating its own document's text is not reuse across outlets), and two
paragraphs that tell the same facts in different words (no shared set of
shingles and no shared run survives real rewording).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from tasks.paragraph_index import find_anchor_pairs, find_lsh_pairs, sign_minhash, unique_pairs
from tasks.records import Cluster, Overlap, OverlapKind, ParagraphRef
from tasks.shingle import encode_paragraphs, hash_ngrams, hash_segments, shingle_paragraphs, token_offsets

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


@dataclass(frozen=True)
class Verified:
    """Exact scores of verified pairs, as parallel arrays (one row per pair)."""

    pairs: np.ndarray  # (m, 2) paragraph indices, i < j
    inter: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    kind: np.ndarray  # codes into _KINDS


def find_overlaps(
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
    weak_contained_min: float = 0.5,
    shared_min_words: int = 9,
    shared_sentence_min_words: int = 3,
    min_shingles: int = 3,
) -> OverlapResult:
    """Report verified reuse between paragraphs of different documents.

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
      phrases like "secretary of state to make the trip in").
    * ``shared_sentence_min_words`` (3): a whole sentence of at least this
      many words appearing in both paragraphs also makes ``shared-text``.
    * ``weak_contained_min`` (0.5): containment that still makes a pair
      ``contained`` when edits left no shared run long enough for
      ``shared-text``.
    * ``min_shingles`` (3): a paragraph with fewer shingles is "very short"
      and only matches a paragraph that is the same word for word.
    """
    refs = list(paragraphs)
    n = len(refs)
    stats: dict[str, int] = {"paragraphs": n}
    if n < 2:
        return OverlapResult((), (), stats)
    doc_index: dict[str, int] = {}
    docs = np.array([doc_index.setdefault(p.doc_id, len(doc_index)) for p in refs], dtype=np.int64)
    enc = encode_paragraphs([p.text for p in refs])
    flat, offsets = enc.hashes, enc.offsets
    lengths = np.diff(offsets)
    shingles, bounds = shingle_paragraphs(flat, offsets, shingle_size)
    sizes = np.diff(bounds)

    # candidates 1: MinHash + LSH over paragraphs with enough shingles
    signed = np.flatnonzero(sizes >= min_shingles)
    lsh_pairs = np.empty((0, 2), dtype=np.int64)
    if signed.size >= 2:
        sigs = sign_minhash(shingles, bounds, signed, num_perm=num_perm, seed=seed)
        lsh_pairs = find_lsh_pairs(sigs, signed, threshold=lsh_threshold, seed=seed, backend=lsh_backend)
        del sigs
        lsh_pairs = lsh_pairs[docs[lsh_pairs[:, 0]] != docs[lsh_pairs[:, 1]]] if lsh_pairs.size else lsh_pairs
    stats["candidates_lsh"] = int(len(unique_pairs(lsh_pairs)))

    # candidates 2: exact anchors. A shared run of shared_min_words words is
    # exactly a shared n-gram of that length, so these pairs carry the
    # "long run" evidence with them.
    grams, gram_owner = hash_ngrams(flat, offsets, shared_min_words)
    run_pairs = find_anchor_pairs(grams, gram_owner, docs, max_fanout=max_anchor_fanout)
    del grams, gram_owner
    long_sentence = enc.sentence_lengths >= shared_sentence_min_words
    sentences = hash_segments(flat, enc.sentence_starts[long_sentence], enc.sentence_lengths[long_sentence])
    sentence_pairs = find_anchor_pairs(sentences, enc.sentence_owner[long_sentence], docs, max_fanout=max_anchor_fanout)
    # a short paragraph can sit inside another while sharing no run that
    # long; give short ones shorter anchors, paired only with them, and their
    # whole text as an anchor so exact short copies still meet
    short_n = max(shingle_size, shared_min_words // 2 + 1)
    small, small_owner = hash_ngrams(flat, offsets, short_n)
    tiny = np.flatnonzero((sizes > 0) & (sizes < min_shingles))
    short_pairs = find_anchor_pairs(
        np.concatenate([small, shingles[bounds[tiny]]]),
        np.concatenate([small_owner, tiny]),
        docs,
        max_fanout=max_anchor_fanout,
        eligible=lengths <= 2 * shared_min_words,
    )
    del small, small_owner
    anchor_pairs = unique_pairs(np.concatenate([run_pairs, sentence_pairs, short_pairs]))
    stats["candidates_anchor"] = int(len(anchor_pairs))
    candidates = unique_pairs(np.concatenate([lsh_pairs, anchor_pairs]))
    stats["candidates"] = int(len(candidates))

    # verify every candidate on the exact shingle sets
    inter = count_shared(shingles, bounds, candidates)
    verified = classify_pairs(
        candidates,
        inter,
        sizes,
        has_run=contains_pairs(candidates, run_pairs, n),
        has_sentence=contains_pairs(candidates, sentence_pairs, n),
        near_duplicate_jaccard=near_duplicate_jaccard,
        contained_min=contained_min,
        weak_contained_min=weak_contained_min,
        min_shingles=min_shingles,
    )
    stats["verified"] = int(len(verified.pairs))
    kinds = {
        (int(i), int(j)): (int(k), float(jac), float(con))
        for (i, j), k, jac, con in zip(verified.pairs.tolist(), verified.kind, verified.jaccard, verified.containment)
    }
    redundant = find_redundant_pairs(refs, docs, kinds, shingles, bounds)
    for pair in redundant:
        del kinds[pair]
    stats["redundant"] = len(redundant)

    near = {pair: jac for pair, (kind, jac, _) in kinds.items() if kind == _NEAR}
    groups = cluster_near_duplicates(refs, near)
    clusters: list[Cluster] = []
    implied: set[tuple[int, int]] = set()
    for canonical, members, rule in groups:
        clusters.append(make_cluster(refs, canonical, members, rule))
        implied.update((x, y) for x in members for y in members if x < y)
        implied.difference_update((min(m, canonical), max(m, canonical)) for m in members)

    emitted = [(pair, value) for pair, value in kinds.items() if pair not in implied]  # cluster member pairs: the cluster states them
    ordered = np.array([(i, j) if refs[i].key <= refs[j].key else (j, i) for (i, j), _ in emitted], dtype=np.int64).reshape(-1, 2)
    gram3, gram3_owner = hash_ngrams(flat, offsets, shingle_size)
    positional = np.searchsorted(gram3_owner, np.arange(n + 1))
    first, count = longest_shared_runs(gram3, positional, shingles, bounds, ordered)
    del gram3, gram3_owner
    offsets_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    overlaps: list[Overlap] = []
    for ((_, (kind, jac, con)), (a, b), start, words) in zip(emitted, ordered.tolist(), first.tolist(), count.tolist()):
        text = refs[a].text
        if jac == 1.0 and lengths[a] == lengths[b]:
            shared = text.strip()  # word for word the same paragraph
        elif words:
            if a not in offsets_cache:
                offsets_cache[a] = token_offsets(text)
            starts, ends = offsets_cache[a]
            shared = text[int(starts[start]) : int(ends[min(start + words, starts.size) - 1])]
        else:
            shared = ""
        overlaps.append(Overlap(_KINDS[kind], refs[a], refs[b], jac, con, shared))  # type: ignore[arg-type]
    overlaps.sort(key=lambda o: (o.a.file, o.a.lines, o.b.file, o.b.lines))
    clusters.sort(key=lambda c: (c.canonical.file, c.canonical.lines))
    for kind_name in ("near-duplicate", "contained", "shared-text"):
        stats[kind_name] = sum(1 for o in overlaps if o.kind == kind_name)
    stats["clusters"] = len(clusters)
    return OverlapResult(tuple(overlaps), tuple(clusters), stats)


def count_shared(shingles: np.ndarray, bounds: np.ndarray, pairs: np.ndarray, *, chunk: int = 1 << 20) -> np.ndarray:
    """Exact ``|A & B|`` of the shingle sets of many pairs at once.

    For a batch of pairs, both sets of every pair are laid out back to back,
    tagged with the pair's number in the high bits, sorted once, and equal
    neighbours counted: each set is duplicate-free, so every equal neighbour
    is one shared shingle. The tag leaves 40 bits of each 64-bit shingle
    hash, so a false match needs two different shingles of one pair to agree
    on 40 bits (about 1e-8 for two 100-shingle paragraphs). Batches hold
    about ``chunk`` values to bound memory.
    """
    sizes = np.diff(bounds)
    out = np.zeros(len(pairs), dtype=np.int64)
    if len(pairs) == 0:
        return out
    for lo, hi in split_batches(sizes[pairs[:, 0]] + sizes[pairs[:, 1]], chunk):
        part = pairs[lo:hi]
        la, lb = sizes[part[:, 0]], sizes[part[:, 1]]
        tot = la + lb
        first = np.cumsum(tot) - tot
        local = np.arange(int(tot.sum())) - np.repeat(first, tot)
        in_a = local < np.repeat(la, tot)
        src = np.where(in_a, np.repeat(bounds[part[:, 0]], tot) + local, np.repeat(bounds[part[:, 1]], tot) + local - np.repeat(la, tot))
        tag = np.repeat(np.arange(len(part), dtype=np.uint64), tot)
        keys = (tag << np.uint64(40)) | (shingles[src] >> np.uint64(24))
        keys.sort()
        same = keys[1:] == keys[:-1]
        out[lo:hi] = np.bincount((keys[1:][same] >> np.uint64(40)).astype(np.int64), minlength=len(part))
    return out


def contains_pairs(pairs: np.ndarray, subset: np.ndarray, n: int) -> np.ndarray:
    """For each row of ``pairs``, whether it is also a row of ``subset``."""
    if len(subset) == 0 or len(pairs) == 0:
        return np.zeros(len(pairs), dtype=bool)
    return np.isin(pairs[:, 0] * n + pairs[:, 1], subset[:, 0] * n + subset[:, 1])


def classify_pairs(
    pairs: np.ndarray,
    inter: np.ndarray,
    sizes: np.ndarray,
    *,
    has_run: np.ndarray,
    has_sentence: np.ndarray,
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
    every long run). Very short paragraphs (fewer than ``min_shingles``
    shingles) count only when word-for-word equal: a few common words ("he
    said on Monday") must not glue paragraphs together.
    """
    size_a = sizes[pairs[:, 0]] if len(pairs) else np.zeros(0, np.int64)
    size_b = sizes[pairs[:, 1]] if len(pairs) else np.zeros(0, np.int64)
    union = size_a + size_b - inter
    smaller = np.minimum(size_a, size_b)
    jaccard = np.divide(inter, union, out=np.zeros(len(pairs)), where=union > 0)
    containment = np.divide(inter, smaller, out=np.zeros(len(pairs)), where=smaller > 0)
    kind = np.full(len(pairs), _NONE, dtype=np.int8)
    normal = smaller >= min_shingles
    kind[normal & (containment >= weak_contained_min)] = _CONTAINED
    kind[normal & (has_run | has_sentence)] = _SHARED
    kind[normal & (containment >= contained_min)] = _CONTAINED
    kind[normal & (jaccard >= near_duplicate_jaccard)] = _NEAR
    kind[(smaller > 0) & ~normal & (jaccard == 1.0)] = _NEAR
    keep = kind != _NONE
    return Verified(pairs[keep], inter[keep], jaccard[keep], containment[keep], kind[keep])


def find_redundant_pairs(
    refs: Sequence[ParagraphRef],
    docs: np.ndarray,
    kinds: dict[tuple[int, int], tuple[int, float, float]],
    shingles: np.ndarray,
    bounds: np.ndarray,
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
    doc_sizes = np.bincount(docs)

    def place(x: int) -> float:
        return refs[x].index / max(1, int(doc_sizes[docs[x]]) - 1)

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
    for (a, _doc), others in matches.items():
        others.sort()
        own = shingles[bounds[a] : bounds[a + 1]]
        shared = {b: np.intersect1d(own, shingles[bounds[b] : bounds[b + 1]], assume_unique=True) for b in others}

        def rank(b: int) -> tuple[float, float, float, tuple[str, int]]:
            return (-shared[b].size, -kinds[(min(a, b), max(a, b))][1], abs(place(a) - place(b)), refs[b].key)

        for b in others:
            if kinds[(min(a, b), max(a, b))][0] == _NEAR:
                continue  # whole-paragraph copies are each real reuse
            for better in others:
                if better != b and rank(better) < rank(b) and np.isin(shared[b], shared[better], assume_unique=True).all():
                    redundant.add((min(a, b), max(a, b)))
                    break
    return redundant


def cluster_near_duplicates(
    refs: Sequence[ParagraphRef],
    near: dict[tuple[int, int], float],
) -> list[tuple[int, list[int], str]]:
    """Group near-duplicate pairs into clusters that never chain unrelated paragraphs.

    ``near`` maps verified near-duplicate pairs to their Jaccard.
    Union-find gives connected components; a component can chain A~B~C where
    A and C share little. So each component picks a canonical
    (:func:`choose_canonical`) and keeps only members verified as
    near-duplicates *of the canonical*; the rest form new components and
    repeat. A cluster holds at most one paragraph per document, since every
    member pair is read as cross-document reuse. Returns ``(canonical,
    members sorted by key incl. canonical, rule)``.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    neighbours: dict[int, dict[int, float]] = {}
    for (i, j), jac in sorted(near.items()):
        neighbours.setdefault(i, {})[j] = jac
        neighbours.setdefault(j, {})[i] = jac
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    components: dict[int, list[int]] = {}
    for x in sorted(parent):
        components.setdefault(find(x), []).append(x)
    out: list[tuple[int, list[int], str]] = []
    pending = [sorted(c) for c in components.values()]
    while pending:
        comp = pending.pop()
        if len(comp) < 2:
            continue
        canonical, rule = choose_canonical(refs, comp, neighbours)
        links = neighbours.get(canonical, {})
        members = [canonical]
        taken = {refs[canonical].doc_id}
        # closest copies first, so that when one document holds two copies
        # the better one joins and the other waits for its own cluster
        for m in sorted((m for m in comp if m in links), key=lambda m: (-links[m], refs[m].key)):
            if refs[m].doc_id not in taken:
                members.append(m)
                taken.add(refs[m].doc_id)
        chosen = set(members)
        rest = [m for m in comp if m not in chosen]
        if len(members) >= 2:
            out.append((canonical, sorted(members, key=lambda x: refs[x].key), rule))
        if len(rest) >= 2:
            pending.append(rest)
    return out


def choose_canonical(
    refs: Sequence[ParagraphRef],
    comp: Sequence[int],
    neighbours: dict[int, dict[int, float]],
) -> tuple[int, str]:
    """Pick the copy that most likely is the source, and say which rule decided.

    1. ``earliest-published``: the single member with the earliest
       ``published`` timestamp (ISO strings compare in time order).
    2. ``most-central``: among the tied, the member with the highest summed
       Jaccard to the other members; the wire original sits in the middle of
       its edits, each edit having moved away from it in its own direction.
    3. ``first-seen``: the smallest key (file, first line) breaks any tie.
    """
    pool = list(comp)
    dated = [m for m in pool if refs[m].published]
    if dated:
        first = min(refs[m].published or "" for m in dated)
        earliest = [m for m in dated if refs[m].published == first]
        if len(earliest) == 1:
            return earliest[0], "earliest-published"
        pool = earliest
    members = set(comp)
    centrality = {m: round(sum(j for o, j in neighbours.get(m, {}).items() if o in members), 9) for m in pool}
    best = max(centrality.values())
    central = [m for m in pool if centrality[m] == best]
    if len(central) == 1:
        return central[0], "most-central"
    return min(central, key=lambda m: refs[m].key), "first-seen"


def make_cluster(refs: Sequence[ParagraphRef], canonical: int, members: Sequence[int], rule: str) -> Cluster:
    """A :class:`Cluster` whose id is a short sha1 of the canonical's run, file and lines."""
    c = refs[canonical]
    cid = hashlib.sha1(f"{c.run}|{c.file}:{c.lines[0]}-{c.lines[1]}".encode()).hexdigest()[:12]
    return Cluster(id=f"nd-{cid}", canonical=c, members=tuple(refs[m] for m in members), rule=rule)


def longest_shared_runs(
    grams: np.ndarray,
    positional: np.ndarray,
    shingles: np.ndarray,
    bounds: np.ndarray,
    pairs: np.ndarray,
    *,
    shingle_size: int = 3,
    chunk: int = 1 << 20,
) -> tuple[np.ndarray, np.ndarray]:
    """For each pair (a, b): where a's longest run of words shared with b starts, and its length.

    ``grams[positional[a]:positional[a+1]]`` are a's shingles in text order.
    A position of a is "shared" when its shingle is in b's set; the longest
    stretch of consecutive shared positions, plus ``shingle_size - 1``, is
    the run in words (consecutive shingles of a found in b almost always come
    from one shared run; prose rarely repeats 3-word sequences out of
    order). Done for batches of pairs (about ``chunk`` values each) with the
    tagged-sort trick of :func:`count_shared`. Returns ``(first_token,
    words)``; 0 words when nothing is shared.
    """
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    sizes = (positional[pairs[:, 0] + 1] - positional[pairs[:, 0]]) + np.diff(bounds)[pairs[:, 1]]
    firsts, counts = [], []
    for lo, hi in split_batches(sizes, chunk):
        f, c = _longest_shared_runs(grams, positional, shingles, bounds, pairs[lo:hi], shingle_size)
        firsts.append(f)
        counts.append(c)
    return np.concatenate(firsts), np.concatenate(counts)


def split_batches(sizes: np.ndarray, chunk: int) -> list[tuple[int, int]]:
    """Consecutive ``(lo, hi)`` slices whose summed ``sizes`` stay near ``chunk`` (at least one item each)."""
    ends = np.cumsum(sizes)
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < len(sizes):
        limit = (int(ends[lo - 1]) if lo else 0) + chunk
        hi = max(lo + 1, int(np.searchsorted(ends, limit, side="right")))
        hi = min(hi, lo + (1 << 24) - 1)  # pair tags live in 24 bits
        out.append((lo, hi))
        lo = hi
    return out


def _longest_shared_runs(
    grams: np.ndarray, positional: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, pairs: np.ndarray, shingle_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """One batch of :func:`longest_shared_runs`."""
    m = len(pairs)
    first = np.zeros(m, dtype=np.int64)
    words = np.zeros(m, dtype=np.int64)
    if m == 0:
        return first, words
    a, b = pairs[:, 0], pairs[:, 1]
    la = positional[a + 1] - positional[a]
    lb = bounds[b + 1] - bounds[b]
    tot = la + lb
    start_of = np.cumsum(tot) - tot
    local = np.arange(int(tot.sum())) - np.repeat(start_of, tot)
    from_a = local < np.repeat(la, tot)
    src = np.where(from_a, np.repeat(positional[a], tot) + local, np.repeat(bounds[b], tot) + local - np.repeat(la, tot))
    values = np.where(from_a, grams[np.minimum(src, max(grams.size - 1, 0))] if grams.size else 0, shingles[np.minimum(src, shingles.size - 1)])
    tag = np.repeat(np.arange(m, dtype=np.uint64), tot)
    keys = (tag << np.uint64(40)) | (values.astype(np.uint64) >> np.uint64(24))
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    run_id = np.concatenate([[0], np.cumsum(sorted_keys[1:] != sorted_keys[:-1])])
    has_b = np.bincount(run_id, weights=(~from_a[order]).astype(np.float64)) > 0
    shared = np.empty(keys.size, dtype=bool)
    shared[order] = has_b[run_id]
    hit = shared[from_a].astype(np.int64)  # a's positions, pair by pair, in text order
    if hit.size == 0:
        return first, words
    segment_start = np.zeros(hit.size, dtype=bool)
    segment_start[(np.cumsum(la) - la)[la > 0]] = True
    total = np.cumsum(hit)
    base = np.maximum.accumulate(np.where((hit == 0) | segment_start, total - hit, 0))
    run = total - base
    owner = np.repeat(np.arange(m), la)
    best = np.zeros(m, dtype=np.int64)
    np.maximum.at(best, owner, run)
    ends = np.flatnonzero((run == best[owner]) & (run > 0))
    pair_of_end, first_end = np.unique(owner[ends], return_index=True)
    end_pos = ends[first_end] - (np.cumsum(la) - la)[pair_of_end]
    length = best[pair_of_end]
    first[pair_of_end] = end_pos - length + 1
    words[pair_of_end] = length + shingle_size - 1
    return first, words
