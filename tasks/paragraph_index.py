"""Candidate generation for paragraph reuse: MinHash/LSH plus exact anchors.

Two complementary ways to propose pairs, both cheap and both *only*
proposals (every pair is verified on the real shingle sets afterwards):

* **MinHash + LSH** (:func:`sign_minhash`, :func:`find_lsh_pairs`) finds
  paragraphs whose whole shingle sets are similar, including spun copies
  where synonyms break every long run of words. Signatures are computed for
  all paragraphs at once in numpy with datasketch's ``affine32`` scheme (same
  permutations, same finaliser), so each row is a valid
  :class:`datasketch.LeanMinHash` and goes into a :class:`datasketch.MinHashLSH`.
* **Anchors** (:func:`find_anchor_pairs`) are exact hashes of long word
  n-grams and of whole sentences. They find what set similarity misses: a
  short paragraph inside a long one, or one quote shared by two otherwise
  different paragraphs. An anchor shared by too many paragraphs is
  boilerplate and is skipped rather than allowed to explode into pairs.
"""
from __future__ import annotations

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

_U32 = np.uint32


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, as datasketch's affine32 scheme applies it."""
    h = values.astype(_U32, copy=True)
    h ^= h >> _U32(16)
    h *= _U32(0x85EBCA6B)
    h ^= h >> _U32(13)
    h *= _U32(0xC2B2AE35)
    h ^= h >> _U32(16)
    return h


def sign_minhash(
    shingles: np.ndarray,
    bounds: np.ndarray,
    rows: np.ndarray,
    *,
    num_perm: int = 128,
    seed: int = 1,
    chunk_shingles: int = 1 << 15,
) -> np.ndarray:
    """MinHash signatures (uint32, ``len(rows) x num_perm``) of many shingle sets.

    ``shingles[bounds[i]:bounds[i+1]]`` is paragraph ``i``'s set; only the
    paragraphs listed in ``rows`` (each with a non-empty set) are signed. The
    64-bit shingle hashes are folded to 32 bits and permuted exactly as
    ``datasketch.MinHash(scheme="affine32")`` would, so the rows are
    interchangeable with datasketch sketches of the same seed. Work is done
    in chunks of about ``chunk_shingles`` shingles to bound peak memory.
    """
    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    a = a.astype(_U32)
    b = b.astype(_U32)
    out = np.empty((rows.size, num_perm), dtype=_U32)
    start = 0
    while start < rows.size:
        stop = start + 1
        size = bounds[rows[start] + 1] - bounds[rows[start]]
        while stop < rows.size and size + bounds[rows[stop] + 1] - bounds[rows[stop]] <= chunk_shingles:
            size += bounds[rows[stop] + 1] - bounds[rows[stop]]
            stop += 1
        chunk_rows = rows[start:stop]
        pieces = [shingles[bounds[r] : bounds[r + 1]] for r in chunk_rows]
        lengths = np.fromiter((p.size for p in pieces), dtype=np.int64, count=len(pieces))
        h64 = np.concatenate(pieces)
        h32 = _fmix32(((h64 >> np.uint64(32)) ^ (h64 & np.uint64(0xFFFFFFFF))).astype(_U32))
        with np.errstate(over="ignore"):
            permuted = h32[:, None] * a[None, :] + b[None, :]
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        out[start:stop] = np.minimum.reduceat(permuted, starts, axis=0)
        start = stop
    return out


def find_lsh_pairs(
    signatures: np.ndarray,
    rows: np.ndarray,
    *,
    threshold: float,
    seed: int = 1,
) -> set[tuple[int, int]]:
    """Candidate pairs ``(i, j)``, ``i < j``, whose signatures collide in a datasketch LSH band.

    ``threshold`` is the Jaccard level the banding is tuned for; pairs well
    below it can still collide and pairs above it can (rarely) be missed,
    which is why anchors back it up and why every pair is verified.
    """
    num_perm = signatures.shape[1]
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sketches = [LeanMinHash(seed=seed, hashvalues=sig, scheme="affine32") for sig in signatures]
    with lsh.insertion_session() as session:
        for row, sketch in zip(rows.tolist(), sketches):
            session.insert(row, sketch, check_duplication=False)
    pairs: set[tuple[int, int]] = set()
    for row, sketch in zip(rows.tolist(), sketches):
        for other in lsh.query(sketch):
            if other != row:
                pairs.add((row, other) if row < other else (other, row))
    return pairs


def find_anchor_pairs(
    anchors: np.ndarray,
    owners: np.ndarray,
    docs: np.ndarray,
    *,
    max_fanout: int,
    eligible: np.ndarray | None = None,
) -> set[tuple[int, int]]:
    """Pairs of paragraphs from different documents that share an anchor hash.

    ``anchors[t]`` is an anchor of paragraph ``owners[t]``; ``docs`` maps a
    paragraph to its document number. An anchor held by more than
    ``max_fanout`` paragraphs is treated as boilerplate and skipped (its pairs
    would be quadratic and say little about reuse). With ``eligible`` (a
    bool per paragraph) a pair is kept only when one side is eligible.
    """
    pairs: set[tuple[int, int]] = set()
    if anchors.size == 0:
        return pairs
    order = np.lexsort((owners, anchors))
    anchors, owners = anchors[order], owners[order]
    # one (anchor, owner) entry per paragraph
    keep = np.ones(anchors.size, dtype=bool)
    keep[1:] = (anchors[1:] != anchors[:-1]) | (owners[1:] != owners[:-1])
    anchors, owners = anchors[keep], owners[keep]
    cut = np.flatnonzero(anchors[1:] != anchors[:-1]) + 1
    starts = np.concatenate([[0], cut])
    stops = np.concatenate([cut, [anchors.size]])
    sizes = stops - starts
    for s, e in zip(starts[(sizes >= 2) & (sizes <= max_fanout)].tolist(), stops[(sizes >= 2) & (sizes <= max_fanout)].tolist()):
        group = owners[s:e].tolist()
        for x in range(len(group)):
            for y in range(x + 1, len(group)):
                i, j = group[x], group[y]
                if docs[i] != docs[j] and (eligible is None or eligible[i] or eligible[j]):
                    pairs.add((i, j) if i < j else (j, i))
    return pairs

