"""The embedded reuse index: segments of ``.npy`` arrays under ``<state>/reuse-index/``, read memory-mapped.

A run writes its new entries into a new segment folder (written aside under
a dot-name, then renamed), and the run's commit replaces ``index.json``
(:func:`wirewash.tasks.reuse.index.commit_index`). When dead rows outweigh
live ones, the new segment holds every live entry instead and the older
segments go (compaction). See :mod:`wirewash.tasks.reuse.index`.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from wirewash.tasks.reuse.index import HEAD_NAME, INDEX_DIR, Head, IndexCommit, ReuseIndexError, sorted_lookup
from wirewash.tasks.reuse.minhash import find_lsh_pairs
from wirewash.tasks.reuse.shingle import Encoded, concat_encoded, encode_paragraphs, take_paragraphs

_ENCODING_ARRAYS = ("hashes", "offsets", "sentence_starts", "sentence_lengths", "sentence_owner", "token_begin", "token_end")


@dataclass
class IndexSegment:
    """One segment folder of the embedded index: sorted content keys with their encodings, text keys with their signatures."""

    name: str
    content_keys: np.ndarray
    encoded: Encoded
    text_keys: np.ndarray
    signatures: np.ndarray


class EmbeddedStore:
    """Segments of ``.npy`` arrays under ``<state>/reuse-index/``, memory-mapped (see the module docstring)."""

    def __init__(self, state: Path) -> None:
        self.root = Path(state) / INDEX_DIR
        self._segments: dict[str, IndexSegment] = {}
        self.active: Head | None = None  # the head lookups read (set by the session once its fingerprint checks)

    def head(self) -> Head | None:
        try:
            return Head.from_json(json.loads((self.root / HEAD_NAME).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _segment(self, name: str) -> IndexSegment:
        if name not in self._segments:
            folder = self.root / name

            def load(array: str) -> np.ndarray:
                return np.load(folder / f"{array}.npy", mmap_mode="r")

            try:
                self._segments[name] = IndexSegment(
                    name, load("content_keys"), Encoded(*(load(a) for a in _ENCODING_ARRAYS)),
                    load("text_keys"), load("signatures"),
                )
            except (OSError, ValueError) as err:
                raise ReuseIndexError(f"index segment {folder} is unreadable ({err}); delete {self.root} to rebuild it") from err
        return self._segments[name]

    def _live(self, head: Head | None) -> list[IndexSegment]:
        return [self._segment(name) for name in (head.segments if head else ())]

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        found = np.zeros(keys.size, bool)
        parts: list[Encoded] = []
        order: list[np.ndarray] = []
        for seg in self._live(self.active):
            hit, pos = sorted_lookup(seg.content_keys, keys)
            hit &= ~found
            if hit.any():
                parts.append(take_paragraphs(seg.encoded, pos[hit]))
                order.append(np.flatnonzero(hit))
                found |= hit
        return found, _arrange(parts, order, found)

    def get_signatures(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        found = np.zeros(keys.size, bool)
        out = np.empty((keys.size, num_perm), np.uint32)
        for seg in self._live(self.active):
            hit, pos = sorted_lookup(seg.text_keys, keys)
            hit &= ~found
            if hit.any():
                out[hit] = seg.signatures[pos[hit]]
                found |= hit
        return found, out[found]

    def lsh_pairs(self, head: Head | None, keys: np.ndarray, sigs: np.ndarray, rows: np.ndarray, *, threshold: float,
                  seed: int) -> np.ndarray:
        # every signature is at hand (memory-mapped or just signed): band them all at once, the cheap part
        return find_lsh_pairs(sigs, rows, threshold=threshold, seed=seed)

    def stage(self, generation: str, head: Head | None, contents: tuple[np.ndarray, Encoded], signatures: tuple[np.ndarray, np.ndarray],
              live_contents: np.ndarray, live_texts: np.ndarray, files: dict[str, list[str]]) -> IndexCommit:
        old = self._live(head)
        stored = sum(seg.content_keys.size for seg in old) + contents[0].size
        compact = bool(old) and (stored > 2 * live_contents.size + 1024 or len(old) >= 32)
        if compact:
            # one segment with every live entry; rows of deleted or changed files stay behind. New
            # entries are live and absent from the old segments by construction (only misses were encoded).
            found, kept = self.get_contents(live_contents)
            contents = (np.concatenate([live_contents[found], contents[0]]), concat_encoded([kept, contents[1]]))
            sig_found, sigs = self.get_signatures(live_texts, signatures[1].shape[1])
            signatures = (np.concatenate([live_texts[sig_found], signatures[0]]), np.concatenate([sigs, signatures[1]]))
        name = f"seg-{generation}"
        segments = ((name,) if compact else tuple(seg.name for seg in old) + ((name,) if contents[0].size or signatures[0].size else ()))
        if name in segments:
            self._write_segment(name, contents, signatures)
        fingerprint = head.fingerprint if head else ""
        new_head = Head(fingerprint, generation, files, segments)
        return IndexCommit("embedded", str(self.root), new_head.to_json())

    def _write_segment(self, name: str, contents: tuple[np.ndarray, Encoded], signatures: tuple[np.ndarray, np.ndarray]) -> None:
        """Write a segment folder aside (``.name.staging``) and rename it into place."""
        ckeys, enc = contents
        order = np.argsort(ckeys, kind="stable")
        enc = take_paragraphs(enc, order)
        tkeys, sigs = signatures
        torder = np.argsort(tkeys, kind="stable")
        staging = self.root / f".{name}.staging"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        arrays = {"content_keys": ckeys[order], "text_keys": tkeys[torder], "signatures": sigs[torder]}
        arrays.update({a: getattr(enc, a) for a in _ENCODING_ARRAYS})
        for array, value in arrays.items():
            with (staging / f"{array}.npy").open("wb") as handle:
                np.save(handle, np.ascontiguousarray(value))
                handle.flush()
                os.fsync(handle.fileno())
        final = self.root / name
        if final.exists():
            shutil.rmtree(final)  # left by a run that crashed before its commit: never named by a head
        os.replace(staging, final)


def _arrange(parts: list[Encoded], order: list[np.ndarray], found: np.ndarray) -> Encoded:
    """Concatenate per-segment encodings, then put them in ``keys[found]`` order."""
    if not parts:
        return encode_paragraphs([])
    both = concat_encoded(parts)
    where = np.concatenate(order)  # positions in keys, per concatenated row
    rank = np.searchsorted(np.flatnonzero(found), where)  # its place among the found
    inverse = np.empty_like(rank)
    inverse[rank] = np.arange(rank.size)
    return take_paragraphs(both, inverse)
