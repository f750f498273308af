"""Small array helpers the reuse stage shares: runs of equal values, CSR gathers, sorted sets of pairs, batches."""
from __future__ import annotations

import numpy as np


def run_starts(values: np.ndarray) -> np.ndarray:
    """Where each run of equal neighbours begins in ``values`` (True at index 0 unless empty)."""
    starts = np.ones(values.size, dtype=bool)
    starts[1:] = values[1:] != values[:-1]
    return starts


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Sorted, de-duplicated ``(i, j)`` rows with ``i < j``."""
    if pairs.size == 0:
        return np.empty((0, 2), dtype=np.int64)
    low = np.minimum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    high = np.maximum(pairs[:, 0], pairs[:, 1]).astype(np.int64)
    n = int(high.max()) + 1
    keys = sorted_unique(low * n + high)
    return np.stack([keys // n, keys % n], axis=1)


def owner_starts(owner: np.ndarray, n: int) -> np.ndarray:
    """Where each owner's items begin once sorted by owner: owner ``k``'s are ``starts[k]:starts[k + 1]``
    (``n + 1`` offsets; owners are ``0 .. n - 1``, an owner without items has an empty run)."""
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=starts[1:])
    return starts


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


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` (sorted distinct values) by one sort: numpy 2.4's hashed ``unique`` is ~50x slower on int64."""
    ordered = np.sort(values)
    return ordered[run_starts(ordered)]


def csr_gather(firsts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Indices ``firsts[i] .. firsts[i] + counts[i] - 1`` for every i, back to back."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.repeat(firsts - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + shift


def sorted_lookup(stored: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each key, whether ``stored`` (sorted) holds it and at which position."""
    if stored.size == 0:
        return np.zeros(keys.size, bool), np.zeros(keys.size, np.int64)
    pos = np.minimum(np.searchsorted(stored, keys), stored.size - 1)
    return stored[pos] == keys, pos
