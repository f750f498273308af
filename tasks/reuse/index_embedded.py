"""The embedded reuse index: segments of ``.npy`` arrays under ``<state>/reuse-index/``, read memory-mapped.

A run writes its new entries into a new segment folder (written aside under
a dot-name, then renamed), and the run's commit replaces ``index.json``
(:func:`wirewash.tasks.reuse.index.commit_index`). When dead rows outweigh
live ones, the new segment holds every live entry instead and the older
segments go (compaction). See :mod:`wirewash.tasks.reuse.index`.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from wirewash.tasks.reuse.index import HEAD_NAME, INDEX_DIR, Head, IndexCommit, ReuseIndexError
from wirewash.tasks.reuse.minhash import find_lsh_pairs
from wirewash.tasks.reuse.segment import (IndexSegment, SegmentReadError, find_contents, find_signatures, read_segment,
                                          write_segment)
from wirewash.tasks.reuse.shingle import Encoded, concat_encoded, take_paragraphs


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
            try:
                self._segments[name] = read_segment(self.root / name)
            except SegmentReadError as err:
                raise ReuseIndexError(f"{err}; delete {self.root} to rebuild it") from err
        return self._segments[name]

    def _live(self, head: Head | None) -> list[IndexSegment]:
        return [self._segment(name) for name in (head.segments if head else ())]

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        return find_contents(self._live(self.active), keys)

    def get_signatures(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        return find_signatures(self._live(self.active), keys, num_perm)

    def lsh_pairs(self, head: Head | None, keys: np.ndarray, sigs: np.ndarray, rows: np.ndarray, *, threshold: float,
                  seed: int) -> np.ndarray:
        # every signature is at hand (memory-mapped or just signed): band them all at once, the cheap part
        return find_lsh_pairs(sigs, rows, threshold=threshold, seed=seed)

    def stage(self, generation: str, head: Head | None, contents: tuple[np.ndarray, Encoded, np.ndarray],
              signatures: tuple[np.ndarray, np.ndarray], live_contents: np.ndarray, live_texts: np.ndarray,
              files: dict[str, list[str]]) -> IndexCommit:
        old = self._live(head)
        stored = sum(seg.content_keys.size for seg in old) + contents[0].size
        compact = bool(old) and (stored > 2 * live_contents.size + 1024 or len(old) >= 32)
        if compact:
            # one segment with every live entry; rows of deleted or changed files stay behind. New
            # entries are live and absent from the old segments by construction (only misses were encoded).
            found, kept = self.get_contents(live_contents)
            both = concat_encoded([kept, take_paragraphs(contents[1], contents[2])])
            contents = (np.concatenate([live_contents[found], contents[0]]), both, np.arange(both.offsets.size - 1))
            sig_found, sigs = self.get_signatures(live_texts, signatures[1].shape[1])
            signatures = (np.concatenate([live_texts[sig_found], signatures[0]]), np.concatenate([sigs, signatures[1]]))
        name = f"seg-{generation}"
        segments = ((name,) if compact else tuple(head.segments if head else ()) + ((name,) if contents[0].size or signatures[0].size else ()))
        if name in segments:
            write_segment(self.root / name, IndexSegment(contents[0], contents[1], signatures[0], signatures[1]),
                          rows=contents[2])
        fingerprint = head.fingerprint if head else ""
        new_head = Head(fingerprint, generation, files, segments)
        return IndexCommit("embedded", str(self.root), new_head.to_json())
