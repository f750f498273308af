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
  both, inside otherwise different paragraphs. Caught by the longest common
  run of normalised words, or by a whole sentence appearing in both.

Pipeline: tokenise and normalise for hashing only (:mod:`tasks.shingle`),
propose candidates with MinHash/LSH and exact anchors
(:mod:`tasks.paragraph_index`), verify *every* candidate on the exact
shingle sets and token sequences, classify, then cluster near-duplicates so
that every member verifies against the canonical copy.

What it leaves alone on purpose: pairs inside one document (a paragraph
repeating its own document's text is not reuse across outlets), and two
paragraphs that tell the same facts in different words (no shared set of
shingles and no shared run survives real rewording).
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from tasks.paragraph_index import find_anchor_pairs, find_lsh_pairs, sign_minhash
from tasks.records import Cluster, Overlap, OverlapKind, ParagraphRef
from tasks.shingle import Tokens, hash_ngrams, hash_tokens, shingle_paragraphs, tokenize_text

# Sentence ends: ., !, ?, … (optionally followed by closing quotes/brackets),
# then whitespace. Naive on purpose: "S.C. (AP)" splits after "S.C.", and a
# copier's splitter is just as naive, so both sides cut the same way.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])[\"'”’)\]]*|(?<=[\"”]))\s+")


@dataclass(frozen=True)
class OverlapResult:
    """What :func:`find_overlaps` found, in a deterministic order.

    ``stats`` counts the work: paragraphs, candidates proposed by each
    source, candidates verified, and pairs kept per kind.
    """

    overlaps: tuple[Overlap, ...]
    clusters: tuple[Cluster, ...]
    stats: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PairScore:
    """Exact scores of one candidate pair, computed on the real sets."""

    jaccard: float
    containment: float
    inter: int
    size_a: int
    size_b: int
    run: int
    run_start_a: int
    shared_sentence: bool


def find_overlaps(
    paragraphs: Sequence[ParagraphRef],
    *,
    shingle_size: int = 3,
    num_perm: int = 128,
    lsh_threshold: float = 0.3,
    seed: int = 1,
    anchor_words: int = 8,
    max_anchor_fanout: int = 64,
    near_duplicate_jaccard: float = 0.5,
    contained_min: float = 0.8,
    weak_contained_min: float = 0.5,
    shared_min_words: int = 9,
    shared_sentence_min_words: int = 3,
    min_shingles: int = 3,
) -> OverlapResult:
    """Report verified reuse between paragraphs of different documents.

    Parameters (all keyword-only, defaults tuned on general grounds):

    * ``shingle_size`` (3): words per shingle for Jaccard/containment.
    * ``num_perm`` (128), ``seed`` (1): MinHash permutations (datasketch
      ``affine32`` scheme).
    * ``lsh_threshold`` (0.3): Jaccard level the LSH banding targets; lower
      than ``near_duplicate_jaccard`` so spun copies still become candidates.
    * ``anchor_words`` (8): length of the exact word n-grams used as anchors
      for containment and shared-text candidates.
    * ``max_anchor_fanout`` (64): an anchor held by more paragraphs than this
      is boilerplate and proposes nothing.
    * ``near_duplicate_jaccard`` (0.5): Jaccard at or above which a pair is a
      near-duplicate.
    * ``contained_min`` (0.8): containment at or above which a pair is
      ``contained`` (when not a near-duplicate).
    * ``shared_min_words`` (9): longest common run of words that makes a pair
      ``shared-text`` (a long clause; 8-word runs are often stock phrases like
      "secretary of state to make the trip in").
    * ``weak_contained_min`` (0.5): containment that still makes a pair
      ``contained`` when edits left no shared run long enough for
      ``shared-text``.
    * ``shared_sentence_min_words`` (3): a whole sentence of at least this
      many words appearing in both paragraphs also makes ``shared-text``.
    * ``min_shingles`` (3): a paragraph with fewer shingles is "very short"
      and only matches a paragraph that is the same word for word.
    """
    refs = list(paragraphs)
    stats: dict[str, int] = {"paragraphs": len(refs)}
    if len(refs) < 2:
        return OverlapResult((), (), stats)
    tokens = [tokenize_text(p.text) for p in refs]
    doc_index: dict[str, int] = {}
    docs = np.array([doc_index.setdefault(p.doc_id, len(doc_index)) for p in refs], dtype=np.int64)
    token_hashes = [hash_tokens(t.words) for t in tokens]
    offsets = np.zeros(len(refs) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([h.size for h in token_hashes])
    flat = np.concatenate(token_hashes) if offsets[-1] else np.empty(0, np.uint64)
    shingles, bounds = shingle_paragraphs(flat, offsets, shingle_size)
    sizes = np.diff(bounds)

    # candidates 1: MinHash + LSH over paragraphs with enough shingles
    signed = np.flatnonzero(sizes >= min_shingles)
    candidates: set[tuple[int, int]] = set()
    if signed.size >= 2:
        sigs = sign_minhash(shingles, bounds, signed, num_perm=num_perm, seed=seed)
        lsh_pairs = find_lsh_pairs(sigs, signed, threshold=lsh_threshold, seed=seed)
        lsh_pairs = {(i, j) for i, j in lsh_pairs if docs[i] != docs[j]}
        stats["candidates_lsh"] = len(lsh_pairs)
        candidates |= lsh_pairs
    # candidates 2: exact anchors - long word n-grams, whole sentences, and
    # the whole text of short paragraphs (so exact short copies still meet)
    gram_hashes, gram_owner = hash_ngrams(flat, offsets, anchor_words)
    sentence_sets = [hash_sentences(refs[i].text, tokens[i], token_hashes[i], shared_sentence_min_words) for i in range(len(refs))]
    sent_hashes = np.array([h for s in sentence_sets for h in sorted(s)], dtype=np.uint64)
    sent_owner = np.array([i for i, s in enumerate(sentence_sets) for _ in s], dtype=np.int64)
    short = np.flatnonzero((sizes > 0) & (sizes < min_shingles))
    anchor_pairs = find_anchor_pairs(
        np.concatenate([gram_hashes, sent_hashes, shingles[bounds[short]]]),
        np.concatenate([gram_owner, sent_owner, short]),
        docs,
        max_fanout=max_anchor_fanout,
    )
    # a short paragraph can sit inside another while sharing no run as long
    # as anchor_words; give short ones shorter anchors, paired only with them
    lengths = np.diff(offsets)
    short_anchor = max(shingle_size, anchor_words // 2 + 1)
    small_hashes, small_owner = hash_ngrams(flat, offsets, short_anchor)
    anchor_pairs |= find_anchor_pairs(
        small_hashes,
        small_owner,
        docs,
        max_fanout=max_anchor_fanout,
        eligible=lengths <= 2 * anchor_words,
    )
    stats["candidates_anchor"] = len(anchor_pairs)
    candidates |= anchor_pairs
    stats["candidates"] = len(candidates)

    kinds: dict[tuple[int, int], tuple[OverlapKind, PairScore]] = {}
    for i, j in sorted(candidates):
        score = score_pair(
            shingles[bounds[i] : bounds[i + 1]],
            shingles[bounds[j] : bounds[j + 1]],
            token_hashes[i],
            token_hashes[j],
            bool(sentence_sets[i] & sentence_sets[j]),
        )
        kind = classify_pair(
            score,
            near_duplicate_jaccard=near_duplicate_jaccard,
            contained_min=contained_min,
            shared_min_words=shared_min_words,
            min_shingles=min_shingles,
            weak_contained_min=weak_contained_min,
        )
        if kind is not None:
            kinds[(i, j)] = (kind, score)
    stats["verified"] = len(kinds)
    redundant = find_redundant_pairs(refs, docs, kinds, shingles, bounds)
    for pair in redundant:
        del kinds[pair]
    stats["redundant"] = len(redundant)

    near = {pair for pair, (kind, _) in kinds.items() if kind == "near-duplicate"}
    groups = cluster_near_duplicates(refs, near, shingles, bounds)
    clusters: list[Cluster] = []
    implied: set[tuple[int, int]] = set()
    for canonical, members, rule in groups:
        clusters.append(make_cluster(refs, canonical, members, rule))
        for x in members:
            for y in members:
                if x < y:
                    implied.add((x, y))
        for m in members:
            if m != canonical:
                implied.discard((min(m, canonical), max(m, canonical)))

    overlaps: list[Overlap] = []
    for (i, j), (kind, score) in kinds.items():
        if (i, j) in implied:
            continue  # a cluster member pair: stated by the cluster itself
        overlaps.append(make_overlap(refs, tokens, i, j, kind, score))
    # cluster members paired with the canonical but not verified directly
    # cannot happen: every member verified against the canonical.
    overlaps.sort(key=lambda o: (o.a.file, o.a.lines, o.b.file, o.b.lines))
    clusters.sort(key=lambda c: (c.canonical.file, c.canonical.lines))
    for kind in ("near-duplicate", "contained", "shared-text"):
        stats[kind] = sum(1 for o in overlaps if o.kind == kind)
    stats["clusters"] = len(clusters)
    return OverlapResult(tuple(overlaps), tuple(clusters), stats)


def find_redundant_pairs(
    refs: Sequence[ParagraphRef],
    docs: np.ndarray,
    kinds: dict[tuple[int, int], tuple[OverlapKind, PairScore]],
    shingles: np.ndarray,
    bounds: np.ndarray,
) -> set[tuple[int, int]]:
    """Verified pairs explained better by another copy in the same document.

    When a document repeats itself (a recipe list, a pull quote, a phrase
    used in several paragraphs), paragraph A of another document matches
    several of its paragraphs. Copying happened once, so A is attributed to
    the best of them: a pair (A, B) is redundant when another paragraph B' of
    B's document shares with A a superset of what B shares, and B' is the
    better copy (more shared shingles, then higher Jaccard, then nearer in
    relative position in its document). Checked from both sides. Only
    ``contained`` and ``shared-text`` pairs can be redundant: when a document
    repeats a whole paragraph, every copy of it is a near-duplicate in its
    own right. Disjoint
    matches (a paragraph split in two, two paragraphs merged into one) are
    never redundant: each explains a different part.
    """
    doc_sizes: dict[int, int] = {}
    for d in docs.tolist():
        doc_sizes[d] = doc_sizes.get(d, 0) + 1

    def place(x: int) -> float:
        return refs[x].index / max(1, doc_sizes[int(docs[x])] - 1)

    # matches[(a, doc of b)] -> list of b
    matches: dict[tuple[int, int], list[int]] = {}
    for i, j in kinds:
        matches.setdefault((i, int(docs[j])), []).append(j)
        matches.setdefault((j, int(docs[i])), []).append(i)
    redundant: set[tuple[int, int]] = set()
    for (a, _doc), others in matches.items():
        if len(others) < 2:
            continue
        own = shingles[bounds[a] : bounds[a + 1]]
        shared = {b: np.intersect1d(own, shingles[bounds[b] : bounds[b + 1]], assume_unique=True) for b in others}

        def rank(b: int) -> tuple[float, float, float, tuple[str, int]]:
            score = kinds[(min(a, b), max(a, b))][1]
            return (-shared[b].size, -score.jaccard, abs(place(a) - place(b)), refs[b].key)

        for b in others:
            if kinds[(min(a, b), max(a, b))][0] == "near-duplicate":
                continue  # whole-paragraph copies are each real reuse
            for better in others:
                if better != b and rank(better) < rank(b) and np.isin(shared[b], shared[better], assume_unique=True).all():
                    redundant.add((min(a, b), max(a, b)))
                    break
    return redundant


def hash_sentences(text: str, tokens: Tokens, token_hashes: np.ndarray, min_words: int) -> frozenset[int]:
    """Hashes of the paragraph's normalised sentences of at least ``min_words`` words.

    A sentence is hashed on its normalised tokens, so house style (quotes,
    U.S./US, Mr./Mr) does not change it; any real word change does. Catches
    a quote lifted whole into a different paragraph; leaves alone sentences
    that were reworded even slightly (the longest-run rule covers those).
    """
    if not tokens.words:
        return frozenset()
    ends = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    starts = np.array([s for s, _ in tokens.spans])
    # sentence number of every token: how many sentence ends lie before it
    sentence_of = np.searchsorted(np.array(ends), starts, side="right")
    out: set[int] = set()
    cut = np.flatnonzero(np.diff(sentence_of)) + 1
    for s, e in zip(np.concatenate([[0], cut]).tolist(), np.concatenate([cut, [len(starts)]]).tolist()):
        if e - s >= min_words:
            digest = hashlib.blake2b(token_hashes[s:e].tobytes(), digest_size=8, person=b"sentence").digest()
            out.add(int.from_bytes(digest, "little"))
    return frozenset(out)


def score_pair(
    shingles_a: np.ndarray,
    shingles_b: np.ndarray,
    tokens_a: np.ndarray,
    tokens_b: np.ndarray,
    shared_sentence: bool,
) -> PairScore:
    """Exact Jaccard, containment and longest common word run of two paragraphs.

    Jaccard and containment use the sorted unique shingle sets, so both are
    symmetric and in [0, 1]; the run is measured on the normalised token
    sequences (a run of ``n`` words shares ``n - k + 1`` shingles).
    """
    inter = int(np.intersect1d(shingles_a, shingles_b, assume_unique=True).size)
    size_a, size_b = int(shingles_a.size), int(shingles_b.size)
    union = size_a + size_b - inter
    jaccard = inter / union if union else 0.0
    smaller = min(size_a, size_b)
    containment = inter / smaller if smaller else 0.0
    run, start_a, _ = longest_common_run(tokens_a, tokens_b)
    return PairScore(jaccard, containment, inter, size_a, size_b, run, start_a, shared_sentence)


def classify_pair(
    score: PairScore,
    *,
    near_duplicate_jaccard: float,
    contained_min: float,
    shared_min_words: int,
    min_shingles: int,
    weak_contained_min: float = 0.5,
) -> OverlapKind | None:
    """Name the kind of reuse a verified score shows, or ``None`` for no reuse.

    Order matters: a near-duplicate is also contained and shares runs, so the
    strongest reading wins. Very short paragraphs (fewer than
    ``min_shingles`` shingles) count only when word-for-word equal: a few
    common words ("he said on Monday") must not glue paragraphs together.
    """
    smaller = min(score.size_a, score.size_b)
    if smaller == 0:
        return None
    if smaller < min_shingles:
        return "near-duplicate" if score.jaccard == 1.0 else None
    if score.jaccard >= near_duplicate_jaccard:
        return "near-duplicate"
    if score.containment >= contained_min:
        return "contained"
    if score.run >= shared_min_words or score.shared_sentence:
        return "shared-text"
    if score.containment >= weak_contained_min:
        # much of the smaller paragraph is inside, but edits broke every long
        # run: still most of it, so still contained
        return "contained"
    return None


def longest_common_run(a: np.ndarray, b: np.ndarray) -> tuple[int, int, int]:
    """Longest run of equal consecutive tokens: ``(length, start_in_a, start_in_b)``.

    Vectorised: the equality matrix is skewed so each diagonal becomes a
    column, then run lengths along columns come from a cumulative sum reset
    at every mismatch. O(len(a) * len(b)) memory, fine for paragraphs.
    """
    m, n = a.size, b.size
    if m == 0 or n == 0:
        return 0, 0, 0
    eq = a[:, None] == b[None, :]
    skew = np.zeros((m, m + n - 1), dtype=np.int32)
    rows = np.repeat(np.arange(m), n)
    cols = (m - 1 - rows) + np.tile(np.arange(n), m)
    skew[rows, cols] = eq.ravel()
    total = np.cumsum(skew, axis=0)
    reset = np.maximum.accumulate(np.where(skew == 0, total, 0), axis=0)
    runs = total - reset
    flat = int(np.argmax(runs))
    length = int(runs.flat[flat])
    if length == 0:
        return 0, 0, 0
    end_a, col = divmod(flat, m + n - 1)
    end_b = col - (m - 1 - end_a)
    return length, end_a - length + 1, end_b - length + 1


def cluster_near_duplicates(
    refs: Sequence[ParagraphRef],
    near: set[tuple[int, int]],
    shingles: np.ndarray,
    bounds: np.ndarray,
) -> list[tuple[int, list[int], str]]:
    """Group near-duplicate pairs into clusters that never chain unrelated paragraphs.

    Union-find gives connected components; a component can chain A~B~C where
    A and C share little. So each component picks a canonical
    (:func:`choose_canonical`) and keeps only members verified as
    near-duplicates *of the canonical*; the rest form new components and
    repeat. A cluster holds at most one paragraph per document, since every
    member pair is read as cross-document reuse. Returns ``(canonical,
    sorted members incl. canonical, rule)``.
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in sorted(near):
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
        canonical, rule = choose_canonical(refs, comp, near, shingles, bounds)
        members = [canonical]
        taken = {refs[canonical].doc_id}
        # closest copies first, so that when one document holds two copies
        # the better one joins and the other waits for its own cluster
        for m in sorted(
            (m for m in comp if m != canonical and (min(m, canonical), max(m, canonical)) in near),
            key=lambda m: (-pair_jaccard(m, canonical, shingles, bounds), refs[m].key),
        ):
            if refs[m].doc_id not in taken:
                members.append(m)
                taken.add(refs[m].doc_id)
        rest = [m for m in comp if m not in members]
        if len(members) >= 2:
            out.append((canonical, sorted(members, key=lambda x: refs[x].key), rule))
        if len(rest) >= 2:
            pending.append(rest)
    return out


def choose_canonical(
    refs: Sequence[ParagraphRef],
    comp: Sequence[int],
    near: set[tuple[int, int]],
    shingles: np.ndarray,
    bounds: np.ndarray,
) -> tuple[int, str]:
    """Pick the copy that most likely is the source, and say which rule decided.

    1. ``earliest-published``: the single member with the earliest
       ``published`` timestamp (ISO strings compare in time order).
    2. ``most-central``: among the tied, the member with the highest mean
       Jaccard to the others; the wire original sits in the middle of its
       edits, each edit having moved away from it in its own direction.
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
    means = {m: mean_jaccard(m, comp, near, shingles, bounds) for m in pool}
    best = max(means.values())
    central = [m for m in pool if means[m] >= best - 1e-12]
    if len(central) == 1:
        return central[0], "most-central"
    return min(central, key=lambda m: refs[m].key), "first-seen"


def pair_jaccard(x: int, y: int, shingles: np.ndarray, bounds: np.ndarray) -> float:
    """Exact Jaccard of two paragraphs' shingle sets."""
    a = shingles[bounds[x] : bounds[x + 1]]
    b = shingles[bounds[y] : bounds[y + 1]]
    inter = np.intersect1d(a, b, assume_unique=True).size
    union = a.size + b.size - inter
    return inter / union if union else 0.0


def mean_jaccard(m: int, comp: Sequence[int], near: set[tuple[int, int]], shingles: np.ndarray, bounds: np.ndarray) -> float:
    """Mean exact Jaccard of member ``m`` to its verified near-duplicates in ``comp``."""
    total = sum(pair_jaccard(m, o, shingles, bounds) for o in comp if o != m and (min(m, o), max(m, o)) in near)
    return total / max(1, len(comp) - 1)


def make_cluster(refs: Sequence[ParagraphRef], canonical: int, members: Sequence[int], rule: str) -> Cluster:
    """A :class:`Cluster` whose id is a short sha1 of the canonical's file and lines."""
    c = refs[canonical]
    cid = hashlib.sha1(f"{c.run}|{c.file}:{c.lines[0]}-{c.lines[1]}".encode()).hexdigest()[:12]
    return Cluster(id=f"nd-{cid}", canonical=c, members=tuple(refs[m] for m in members), rule=rule)


def make_overlap(refs: Sequence[ParagraphRef], tokens: Sequence[Tokens], i: int, j: int, kind: OverlapKind, score: PairScore) -> Overlap:
    """An :class:`Overlap` with ``a.key < b.key`` and the shared run cut from a's text."""
    a_idx, b_idx = (i, j) if refs[i].key <= refs[j].key else (j, i)
    # the run was measured with i first; cut it from i's text, which is the same words
    spans = tokens[i].spans
    shared = ""
    if score.run and spans:
        start = spans[score.run_start_a][0]
        stop = spans[score.run_start_a + score.run - 1][1]
        shared = refs[i].text[start:stop]
    return Overlap(kind, refs[a_idx], refs[b_idx], score.jaccard, score.containment, shared)
