"""MinHash signatures and LSH banding: candidates for paragraphs whose whole shingle sets are similar.

MinHash + LSH finds paragraphs whose shingle sets are alike, including spun
copies where synonyms break every long run of words. Signatures are computed
for all paragraphs at once in numpy with datasketch's ``affine32`` scheme
(same permutations, same finaliser), so each row is a valid
:class:`datasketch.LeanMinHash`. Banding uses the bands/rows datasketch's
``MinHashLSH`` picks for the threshold, either through ``MinHashLSH`` itself
(``backend="datasketch"``) or through an equivalent vectorised sort
(``backend="numpy"``, the default; same pairs, tested). Candidates are only
proposals: every pair is verified on the real shingle sets afterwards.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np

from wirewash.tasks.reuse.arrays import csr_gather, run_starts, split_batches, unique_pairs
from wirewash.tasks.reuse.paragraph_index import group_owners, pairs_within_groups
from wirewash.tasks.reuse.shingle import mix64

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
    num_perm: int,
    seed: int,
    chunk_shingles: int = 1 << 10,
) -> np.ndarray:
    """MinHash signatures (uint32, ``len(rows) x num_perm``) of many shingle sets.

    ``shingles[bounds[i]:bounds[i+1]]`` is paragraph ``i``'s set; only the
    paragraphs listed in ``rows`` (each with a non-empty set) are signed. The
    64-bit shingle hashes are folded to 32 bits and permuted exactly as
    ``datasketch.MinHash(scheme="affine32")`` would, so the rows are
    interchangeable with datasketch sketches of the same seed. Work is done
    in chunks of about ``chunk_shingles`` shingles, which bounds peak memory
    and, at 1,024 shingles (a 512 KB block of permuted values), keeps each
    chunk's work inside a core's L2 cache: twice as fast as 4,096 here.
    """
    a, b = affine32_permutations(num_perm, seed)
    out = np.empty((rows.size, num_perm), dtype=_U32)
    sizes = (bounds[rows + 1] - bounds[rows]).astype(np.int64)
    # chunks are planned with array work (no Python step per paragraph); the
    # minimum of a row does not depend on which chunk it falls in
    for lo, hi in split_batches(sizes, chunk_shingles):
        h64 = shingles[csr_gather(bounds[rows[lo:hi]].astype(np.int64), sizes[lo:hi])]
        h32 = _fmix32(((h64 >> np.uint64(32)) ^ (h64 & np.uint64(0xFFFFFFFF))).astype(_U32))
        permuted = np.multiply.outer(h32, a)  # wraps modulo 2**32, as affine32 does
        permuted += b
        starts = np.cumsum(sizes[lo:hi]) - sizes[lo:hi]
        out[lo:hi] = np.minimum.reduceat(permuted, starts, axis=0)
    return out


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` of each permutation (uint32) that ``datasketch.MinHash(num_perm, seed,
    scheme="affine32").permutations`` holds, drawn the way datasketch 2 draws them (``a`` odd).

    Drawn here, not asked of datasketch: importing datasketch imports SciPy's integrators (~55 MB and
    ~0.7 s in each clean worker, which signs its batch); a test checks the values against datasketch's.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=_U32) * _U32(2) + _U32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=_U32)
    return a, b


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band that datasketch's ``MinHashLSH`` picks for a threshold.

    datasketch minimises the weighted false positive and false negative
    probability of the banding S-curve (numerically integrated, hence the
    cache); both backends below use its choice.
    """
    from datasketch import MinHashLSH  # here: see affine32_permutations

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def find_lsh_pairs(
    signatures: np.ndarray,
    rows: np.ndarray,
    *,
    threshold: float,
    seed: int,
    backend: Literal["numpy", "datasketch"] = "numpy",
) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, of ``rows`` whose signatures share an LSH band.

    ``threshold`` is the Jaccard level the banding is tuned for; pairs below
    it can still collide and pairs above it can (rarely) be missed, which is
    why anchors back it up and why every pair is verified. Rows with
    identical signatures are banded once (a wire paragraph reprinted verbatim
    by many outlets costs one entry) and paired directly.

    ``backend="datasketch"`` inserts :class:`datasketch.LeanMinHash` sketches
    into a :class:`datasketch.MinHashLSH` and queries it; ``"numpy"`` does the
    same banding (same bands and rows, same "all values of a band equal"
    collision rule) with sorts over all signatures at once, which is many
    times faster and lighter. Both return the same pairs.
    """
    if rows.size < 2:
        return np.empty((0, 2), dtype=np.int64)
    first, inverse = unique_rows(signatures)
    if backend == "datasketch":
        found = query_datasketch_lsh(signatures[first], threshold=threshold, seed=seed)
    else:  # banded through ``first``: no second copy of (nearly) every signature
        found = band_signatures(signatures, *lsh_params(threshold, signatures.shape[1]), rows=first)
    # expand unique signatures back to rows (CSR layout: group u owns
    # grouped[starts[u]:starts[u+1]])
    order = np.argsort(inverse, kind="stable")
    starts = np.searchsorted(inverse[order], np.arange(len(first) + 1))
    counts = np.diff(starts)
    grouped = rows[order]
    out = [pairs_within_groups(grouped, starts[:-1], counts)]
    if len(found):
        single = (counts[found[:, 0]] == 1) & (counts[found[:, 1]] == 1)
        out.append(np.stack([grouped[starts[found[single, 0]]], grouped[starts[found[single, 1]]]], axis=1))
        for u, v in found[~single].tolist():
            a, b = grouped[starts[u] : starts[u + 1]], grouped[starts[v] : starts[v + 1]]
            out.append(np.stack(np.broadcast_arrays(a[:, None], b[None, :]), axis=-1).reshape(-1, 2))
    return unique_pairs(np.concatenate(out))


def unique_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(first, inverse)``: one row index per distinct row, and each row's distinct-row number.

    ``matrix[first[inverse]]`` equals ``matrix``; ``first[u]`` is the first
    row with that content. Distinct rows are numbered in no meaningful order.
    Rows are grouped by a 64-bit hash of their values (``np.unique`` with
    ``axis=0`` sorts whole rows as byte strings, several times slower); the
    grouping is then checked value by value and, should two different rows
    ever share a hash, redone exactly with ``np.unique``.
    """
    if matrix.shape[0] == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    key = np.zeros(matrix.shape[0], dtype=np.uint64)
    for col in range(matrix.shape[1]):
        key = mix64(key ^ matrix[:, col].astype(np.uint64))
    order = np.argsort(key, kind="stable")  # stable: a group's first entry is its first row
    ordered = key[order]
    new_group = run_starts(ordered)
    first = order[new_group]
    inverse = np.empty(matrix.shape[0], dtype=np.int64)
    inverse[order] = np.cumsum(new_group) - 1
    if not np.array_equal(matrix[first[inverse]], matrix):
        _, first, inverse = np.unique(matrix, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
    return first, inverse


def query_datasketch_lsh(signatures: np.ndarray, *, threshold: float, seed: int) -> np.ndarray:
    """Pairs ``(u, v)``, ``u < v``, of signature rows that collide in a datasketch MinHashLSH."""
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=signatures.shape[1])
    sketches = [LeanMinHash(seed=seed, hashvalues=sig, scheme="affine32") for sig in signatures]
    with lsh.insertion_session() as session:
        for u, sketch in enumerate(sketches):
            session.insert(u, sketch, check_duplication=False)
    found = [(u, v) for u, sketch in enumerate(sketches) for v in lsh.query(sketch) if u < v]
    return unique_pairs(np.array(found, dtype=np.int64).reshape(-1, 2))


def band_signatures(signatures: np.ndarray, bands: int, rows_per_band: int, *, rows: np.ndarray | None = None) -> np.ndarray:
    """Pairs ``(u, v)``, ``u < v``, of signature rows equal on all values of some band.

    Each band's ``rows_per_band`` values are folded into one 64-bit key (a
    collision needs two different bands to agree on 64 bits), the keys are
    sorted, and every run of equal keys yields its pairs. With ``rows``,
    ``u`` and ``v`` number ``signatures[rows]``, read a column at a time.
    """
    n = signatures.shape[0] if rows is None else rows.size
    pieces: list[np.ndarray] = [np.empty((0, 2), dtype=np.int64)]
    index = np.arange(n, dtype=np.int64)
    for band in range(bands):
        members, starts, sizes = group_owners(band_key(signatures, band, rows_per_band, rows=rows), index)
        pieces.append(pairs_within_groups(members, starts, sizes))
    return unique_pairs(np.concatenate(pieces))


def band_key(signatures: np.ndarray, band: int, rows_per_band: int, *, rows: np.ndarray | None = None) -> np.ndarray:
    """Each signature's 64-bit key for one LSH band: equal keys are (but for a 2**-64 chance) equal band values.

    The band number seeds the fold, so two bands never share keys; an
    archive stores these keys to find a new text's band mates without the
    old signatures (:mod:`wirewash.tasks.reuse.archive`). With ``rows``, the
    keys of ``signatures[rows]``.
    """
    key = np.full(signatures.shape[0] if rows is None else rows.size, band, dtype=np.uint64)
    for col in range(band * rows_per_band, (band + 1) * rows_per_band):
        column = signatures[:, col] if rows is None else signatures[rows, col]
        key = mix64(key ^ column.astype(np.uint64))
    return key
