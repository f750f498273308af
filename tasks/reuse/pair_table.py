"""A corpus's reuse pairs held as columns, each :class:`Overlap` record made when it is read.

A large batch has hundreds of thousands of pairs. As records (two
references, four floats, the shared text cut out, a tuple of passages of
tuples) they cost about 900 bytes each, and the reuse stage made them all
while it still held its working set: the records were the flow's memory
peak. Here a pair costs under 100 bytes of arrays; the records its readers
ask for (annotating paragraphs, writing ``overlaps.jsonl``) are made one
at a time and let go, with exactly the values the detector computed.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np

from wirewash.tasks.records import Overlap, OverlapKind, ParagraphRef, Passage

WHOLE_TEXT = -1
"""``shared_begin`` of a pair whose shared text is all of a's text (stripped): the two paragraphs read the same."""


class OverlapTable(Sequence[Overlap]):
    """Pairs ``i`` of paragraphs ``refs[a[i]]``, ``refs[b[i]]`` with their scores, shared text and passages.

    ``kind`` holds codes into ``kinds``; the shared text is
    ``refs[a].text[shared_begin:shared_end]`` (:data:`WHOLE_TEXT`: the
    whole text, stripped); pair ``i``'s passages are rows
    ``first[i]:stop[i]`` of ``passages`` (``a_begin, a_end, b_begin, b_end,
    words``). Equal to any sequence of the same records.
    """

    def __init__(self, refs: Sequence[ParagraphRef], kinds: Sequence[OverlapKind | None], columns: dict[str, np.ndarray],
                 passages: np.ndarray) -> None:
        self._refs, self._kinds, self._passages = refs, tuple(kinds), passages
        self._columns = columns
        lengths = {name: len(values) for name, values in columns.items()}
        if set(lengths) != set(COLUMNS) or len(set(lengths.values())) > 1:
            raise ValueError(f"an overlap table needs the columns {COLUMNS}, all of one length; got {lengths}")

    @classmethod
    def empty(cls) -> "OverlapTable":
        return cls([], (), {name: np.zeros(0, dtype) for name, dtype in COLUMNS.items()}, np.zeros((0, 5), np.int64))

    def take(self, order: np.ndarray) -> "OverlapTable":
        """The pairs in ``order`` (indexes into this table); passages are shared, not copied."""
        return OverlapTable(self._refs, self._kinds, {name: values[order] for name, values in self._columns.items()},
                            self._passages)

    def kind_counts(self) -> dict[str, int]:
        """Pairs per kind name."""
        counts = np.bincount(self._columns["kind"], minlength=len(self._kinds))
        return {str(name): int(counts[code]) for code, name in enumerate(self._kinds) if name is not None}

    def paragraphs(self) -> list[ParagraphRef]:
        """Every paragraph on either side of some pair, once, in ``refs`` order."""
        sides = np.union1d(self._columns["a"], self._columns["b"])
        return [self._refs[i] for i in sides.tolist()]

    def __len__(self) -> int:
        return len(self._columns["a"])

    @overload
    def __getitem__(self, where: int) -> Overlap: ...

    @overload
    def __getitem__(self, where: slice) -> list[Overlap]: ...

    def __getitem__(self, where: int | slice) -> Overlap | list[Overlap]:
        if isinstance(where, slice):
            return list(self._records(range(len(self))[where]))
        if not -len(self) <= where < len(self):
            raise IndexError(f"pair {where} of {len(self)}")
        return next(self._records([where % len(self)]))

    def __iter__(self) -> Iterator[Overlap]:
        return self._records(range(len(self)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(x == y for x, y in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # equal to lists and tuples, which are not hashable either

    def __repr__(self) -> str:
        return f"OverlapTable({len(self)} pairs)"

    def _records(self, rows: Sequence[int]) -> Iterator[Overlap]:
        refs, kinds, passages, columns = self._refs, self._kinds, self._passages, self._columns
        rows = np.asarray(rows, dtype=np.int64)
        for start in range(0, len(rows), _BLOCK):  # columns read as Python values a block at a time
            block = rows[start:start + _BLOCK]
            c = {name: values[block].tolist() for name, values in columns.items()}
            for i in range(len(block)):
                a, b = refs[c["a"][i]], refs[c["b"][i]]
                begin = c["shared_begin"][i]
                shared = a.text.strip() if begin == WHOLE_TEXT else a.text[begin:c["shared_end"][i]]
                found = tuple(Passage((a0, a1), (b0, b1), words)
                              for a0, a1, b0, b1, words in passages[c["first"][i]:c["stop"][i]].tolist())
                yield Overlap(kinds[c["kind"][i]], a, b, c["jaccard"][i], c["containment"][i],  # type: ignore[arg-type]
                              shared, found, c["a_share"][i], c["b_share"][i])


_BLOCK = 4096

COLUMNS: dict[str, Any] = {
    "a": np.int64, "b": np.int64, "kind": np.uint8, "jaccard": np.float64, "containment": np.float64,
    "shared_begin": np.int64, "shared_end": np.int64, "first": np.int64, "stop": np.int64,
    "a_share": np.float64, "b_share": np.float64,
}
"""The table's columns (one value per pair) and their types."""
