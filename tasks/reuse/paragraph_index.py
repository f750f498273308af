"""Candidate generation and batch verification for paragraph reuse.

Candidates come from MinHash + LSH (:mod:`wirewash.tasks.reuse.minhash`) and from
exact anchors; both are *only* proposals, verified on the real shingle sets
afterwards:

* **Batch verification** (:func:`count_shared`, :func:`longest_shared_runs`)
  counts exact shared shingles and finds shared runs for many pairs with one
  sort per batch instead of one Python call per pair.
* **Anchors** (:func:`find_anchor_pairs`) are exact hashes of long word
  n-grams and of whole sentences. They find what set similarity misses: a
  short paragraph inside a long one, or one quote shared by two otherwise
  different paragraphs. An anchor shared by too many paragraphs is
  boilerplate and is skipped rather than allowed to explode into pairs.
"""
from __future__ import annotations

import numpy as np

from wirewash.tasks.reuse.arrays import csr_gather, run_starts, sorted_unique, split_batches, unique_pairs


ANCHOR_PASS_BITS = 2
"""Anchors are grouped in ``2 ** ANCHOR_PASS_BITS`` passes, each over the anchors whose top bits are its number."""
PASS_MIN_ANCHORS = 1_000_000
"""Fewer anchors than this are grouped in one pass (the passes only pay where the arrays are large)."""


def pairs_within_groups(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Every pair ``(values[s+x], values[s+y])``, ``x < y``, inside each group ``values[s:s+size]``.

    Vectorised per distinct group size, so many small groups cost a few
    numpy calls rather than one Python iteration each.
    """
    pieces = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[sizes >= 2]).tolist():
        group_starts = starts[sizes == size]
        x, y = np.triu_indices(size, k=1)
        pieces.append(np.stack([values[group_starts[:, None] + x].ravel(), values[group_starts[:, None] + y].ravel()], axis=1))
    return np.concatenate(pieces).astype(np.int64, copy=False)


def pairs_with_focus(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray, focus: np.ndarray) -> np.ndarray:
    """Every pair of members of a group ``values[s:s+size]`` with at least one side in ``focus`` (unordered rows).

    Each focused member is paired with every other member of its group: a
    group of n members with f focused costs about f * n rows, not n * n / 2.
    A pair of two focused members comes twice; :func:`unique_pairs` folds it.
    """
    group_of = np.repeat(np.arange(starts.size, dtype=np.int64), sizes)
    members = values[csr_gather(starts.astype(np.int64), sizes.astype(np.int64))]
    hit = focus[members]
    groups, mine = group_of[hit], members[hit]
    count = sizes[groups].astype(np.int64)
    left = np.repeat(mine, count)
    right = values[csr_gather(starts[groups].astype(np.int64), count)]
    keep = left != right
    return np.stack([left[keep], right[keep]], axis=1).astype(np.int64, copy=False)


def find_anchor_pairs(
    anchors: np.ndarray,
    owners: np.ndarray,
    docs: np.ndarray,
    *,
    max_fanout: int,
    eligible: np.ndarray | None = None,
    focus: np.ndarray | None = None,
) -> np.ndarray:
    """Pairs ``(i, j)``, ``i < j``, of paragraphs of different documents sharing an anchor hash.

    ``anchors[t]`` is an anchor of paragraph ``owners[t]``; ``docs`` maps a
    paragraph to its document number. An anchor held by more than
    ``max_fanout`` paragraphs is treated as boilerplate and skipped (its pairs
    would be quadratic and say little about reuse). With ``eligible`` (a
    bool per paragraph) a pair is kept only when one side is eligible; with
    ``focus`` (likewise) only pairs with a focused side are made at all,
    focused member by member, so a group of archived paragraphs costs
    nothing (:func:`wirewash.tasks.reuse.overlap.verify_corpus`).
    Returns unique pairs as an ``(m, 2)`` int64 array, sorted.

    Many anchors (a corpus's every long word run) are grouped in passes by
    their top bits (:data:`ANCHOR_PASS_BITS`): the grouping's sorted copies
    and keys are then a pass's size, not the corpus's, at the detector's
    peak memory; the pairs are the same.
    """
    if anchors.size < PASS_MIN_ANCHORS:
        return _anchor_pairs(anchors, owners, docs, max_fanout, eligible, focus)
    # equal anchors share their top bits, so no group is split between passes; each pass sorts a quarter
    top = (anchors >> np.uint64(64 - ANCHOR_PASS_BITS)).astype(np.uint8)
    parts = []
    for part in range(1 << ANCHOR_PASS_BITS):
        chosen = top == part
        parts.append(_anchor_pairs(anchors[chosen], owners[chosen], docs, max_fanout, eligible, focus))
    return unique_pairs(np.concatenate(parts))


def _anchor_pairs(anchors: np.ndarray, owners: np.ndarray, docs: np.ndarray, max_fanout: int,
                  eligible: np.ndarray | None, focus: np.ndarray | None) -> np.ndarray:
    """:func:`find_anchor_pairs` in one pass."""
    empty = np.empty((0, 2), dtype=np.int64)
    if anchors.size == 0:
        return empty
    owners, starts, sizes = group_owners(anchors, owners)
    wanted = (sizes >= 2) & (sizes <= max_fanout)
    if eligible is not None:
        # a group with no eligible owner can only make pairs that would be dropped: skip it whole
        wanted &= np.add.reduceat(eligible[owners].astype(np.int64), starts) > 0 if starts.size else wanted
    if focus is None:
        pairs = pairs_within_groups(owners, starts[wanted], sizes[wanted])
    else:
        pairs = pairs_with_focus(owners, starts[wanted], sizes[wanted], focus)
    pairs = pairs[docs[pairs[:, 0]] != docs[pairs[:, 1]]]
    if eligible is not None:
        pairs = pairs[eligible[pairs[:, 0]] | eligible[pairs[:, 1]]]
    return unique_pairs(pairs)


def group_owners(anchors: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct owners of each anchor: ``(owners, starts, sizes)``, one group per distinct anchor value.

    Group ``g`` is ``owners[starts[g]:starts[g] + sizes[g]]`` (ascending, no
    repeats); groups come in no particular order. Owners must be
    non-negative.

    Why not ``np.lexsort((owners, anchors))``: sorting two keys (or
    ``argsort`` and a gather) costs several times a plain ``np.sort`` of one
    uint64. So the anchor's high bits and the owner are packed into one key
    and sorted: equal anchors and their owners come out adjacent, repeats of
    one owner side by side. The low bits of the anchor make way for the
    owner, so two different anchors that agree on the high bits would share
    a group; the few high-bit values that more than one distinct anchor
    has are found from a sort of the anchors alone, and their entries are
    grouped exactly with ``lexsort`` instead.
    """
    empty = np.empty(0, dtype=np.int64)
    if anchors.size == 0:
        return empty, empty, empty
    owners = owners.astype(np.int64, copy=False)
    bits = max(1, int(owners.max()).bit_length())
    if bits > 32:
        return _group_owners_exact(anchors, owners)
    shift = np.uint64(bits)
    high = np.sort(anchors)
    high = high[run_starts(high)]  # the distinct anchors...
    high >>= shift  # ...cut to the bits the key keeps
    ambiguous = sorted_unique(high[1:][high[1:] == high[:-1]])
    del high
    tangled = np.isin(anchors >> shift, ambiguous) if ambiguous.size else None
    plain_anchors, plain_owners = (anchors, owners) if tangled is None else (anchors[~tangled], owners[~tangled])
    # in-place steps: these arrays are as long as all anchors, and this runs at the detector's peak memory
    keys = plain_anchors >> shift
    keys <<= shift
    keys |= plain_owners.view(np.uint64)  # owners are non-negative: the same bits
    keys.sort()
    keys = keys[run_starts(keys)]  # an owner's repeats of one anchor count once
    starts = np.flatnonzero(run_starts(keys >> shift))
    sizes = np.diff(np.append(starts, keys.size))
    keys &= np.uint64((1 << bits) - 1)
    grouped = keys.view(np.int64)
    if tangled is None:
        return grouped, starts, sizes
    more, more_starts, more_sizes = _group_owners_exact(anchors[tangled], owners[tangled])
    return (np.concatenate([grouped, more]), np.concatenate([starts, more_starts + keys.size]),
            np.concatenate([sizes, more_sizes]))


def _group_owners_exact(anchors: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`group_owners` by sorting on (anchor, owner) with ``lexsort``: exact for any values, slower."""
    order = np.lexsort((owners, anchors))
    anchors, owners = anchors[order], owners[order]
    keep = np.ones(anchors.size, dtype=bool)
    keep[1:] = (anchors[1:] != anchors[:-1]) | (owners[1:] != owners[:-1])
    anchors, owners = anchors[keep], owners[keep].astype(np.int64)
    starts = np.flatnonzero(run_starts(anchors))
    return owners, starts, np.diff(np.append(starts, anchors.size))


def count_shared(shingles: np.ndarray, bounds: np.ndarray, pairs: np.ndarray, *, chunk: int = 1 << 16) -> np.ndarray:
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


def longest_shared_runs(
    grams: np.ndarray,
    positional: np.ndarray,
    shingles: np.ndarray,
    bounds: np.ndarray,
    pairs: np.ndarray,
    *,
    shingle_size: int = 3,
    chunk: int = 1 << 16,
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
