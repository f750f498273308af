"""Segments of the reuse archive on disk: one folder per committed run, read without memory maps.

A segment holds sorted ``(key, text)`` postings per anchor kind, text and
paragraph numbers, and one JSON record per paragraph (see
:mod:`wirewash.tasks.reuse.archive` for what they mean). Postings are streamed a
chunk at a time and records read with ``pread``, so a query's resident
memory does not grow with the archive's size.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.index import ReuseIndexError
from wirewash.tasks.reuse.arrays import csr_gather

POSTING_KINDS = ("run", "sentence", "short", "band")  # the anchor kinds a segment keeps postings of
POSTING_CHUNK = 1 << 21  # postings read per step: 2M keys and texts, 32 MB, whatever the archive's size


@dataclass(frozen=True)
class NpyFile:
    """A one-dimensional ``.npy`` file read by row ranges into ordinary memory, never mapped.

    A query's keys hit every page of a large sorted array (a million
    lookups into fifty million keys), so a memory map would end up holding
    the whole array in the process's resident set. Reading it a chunk at a
    time keeps only one chunk resident, at the cost of one pass over the
    file (from the page cache, a fraction of a second per gigabyte).
    """

    path: Path
    dtype: np.dtype
    size: int
    offset: int

    @classmethod
    def open(cls, path: Path) -> "NpyFile":
        with path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            fmt = np.lib.format
            shape, _, dtype = (fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0)(handle)
            return cls(path, dtype, int(shape[0]), handle.tell())

    def rows(self, start: int, stop: int) -> np.ndarray:
        return np.fromfile(self.path, dtype=self.dtype, count=max(0, stop - start), offset=self.offset + start * self.dtype.itemsize)


@dataclass
class ArchiveSegment:
    """One committed run's share of the archive, read from its folder.

    Small per-paragraph and per-text arrays (numbers, files, lengths) are
    loaded whole; postings are streamed (:class:`NpyFile`); records are read
    one by one with ``pread``.
    """

    folder: Path
    files: list[str]
    text_base: int
    text_count: int
    paragraphs: int
    _arrays: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path) -> "ArchiveSegment":
        try:
            meta = json.loads((folder / "meta.json").read_text())
        except (OSError, ValueError) as err:
            raise ReuseIndexError(f"archive segment {folder} is unreadable ({err}); restore it or remove the archive") from err
        return cls(folder, meta["files"], meta["text_base"], meta["text_count"], meta["paragraphs"])

    @property
    def name(self) -> str:
        return self.folder.name

    def array(self, name: str) -> np.ndarray:
        if name not in self._arrays:
            self._arrays[name] = np.load(self.folder / f"{name}.npy")
        return self._arrays[name]

    def lookup(self, kind: str, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(query number, text)`` for every posting of the sorted, distinct ``queries`` in this segment."""
        keys, texts = NpyFile.open(self.folder / f"{kind}_keys.npy"), NpyFile.open(self.folder / f"{kind}_texts.npy")
        found_query, found_text = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for start in range(0, keys.size, POSTING_CHUNK):
            chunk = keys.rows(start, start + POSTING_CHUNK)
            first = int(np.searchsorted(queries, chunk[0], side="left"))
            last = int(np.searchsorted(queries, chunk[-1], side="right"))
            if first == last:
                continue
            query, position = sorted_postings(chunk, np.arange(chunk.size, dtype=np.int64), queries[first:last])
            if position.size:
                found_query.append(query + first)
                found_text.append(texts.rows(start, start + chunk.size)[position].astype(np.int64))
        return np.concatenate(found_query), np.concatenate(found_text)

    def paragraphs_of(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(paragraph number, text)`` for every paragraph here carrying one of the sorted ``texts``."""
        query, paragraphs = sorted_postings(self.array("para_text_sorted"), self.array("para_by_text"), texts)
        return paragraphs, texts[query]

    def records(self, paragraphs: np.ndarray) -> list[tuple[ParagraphRef, int]]:
        """The archived paragraphs (ascending numbers) and their documents' lengths in paragraphs."""
        offsets, store = self.array("record_offsets"), NpyFile.open(self.folder / "records.npy")
        out = []
        fd = os.open(store.path, os.O_RDONLY)
        try:
            for p in paragraphs.tolist():
                begin, end = int(offsets[p]), int(offsets[p + 1])
                raw = os.pread(fd, end - begin, store.offset + begin)
                out.append(decode_record(raw))
        finally:
            os.close(fd)
        return out


def encode_record(ref: ParagraphRef, doc_size: int) -> bytes:
    """A paragraph's record: where it lives, what it says, the run that archived it, its document's length, and
    where it starts in its document's clean text."""
    return json.dumps([ref.doc_id, ref.file, ref.outlet, list(ref.lines), ref.index, ref.text, ref.published, ref.run,
                       doc_size, ref.offset], ensure_ascii=False).encode("utf-8", "surrogatepass")


def decode_record(raw: bytes) -> tuple[ParagraphRef, int]:
    """:func:`encode_record` undone: the paragraph and its document's length in paragraphs.

    Records archived before paragraphs carried their offset have nine
    fields: their offset is unknown (``None``) until the file is sent again.
    """
    # decoded first: json.loads of bytes sniffs their encoding, a third of the cost of reading records
    doc_id, file, outlet, lines, index, text, published, run, doc_size, *offset = json.loads(raw.decode("utf-8", "surrogatepass"))
    return ParagraphRef(doc_id, file, outlet, (lines[0], lines[1]), index, text, published, run,
                        offset[0] if offset else None), doc_size


def sorted_postings(keys: np.ndarray, values: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted ``queries``, each match in the sorted ``keys``: ``(query number, values[match])``."""
    if keys.size == 0 or queries.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    low = np.searchsorted(keys, queries, side="left")
    high = np.searchsorted(keys, queries, side="right")
    counts = (high - low).astype(np.int64)
    return np.repeat(np.arange(queries.size, dtype=np.int64), counts), np.asarray(values[csr_gather(low, counts)], np.int64)


def is_member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each value is in ``sorted_set`` (sorted, distinct): ``np.isin`` by binary search, no hashing."""
    if sorted_set.size == 0:
        return np.zeros(values.size, bool)
    return sorted_set[np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)] == values


def write_segment(folder: Path, arrays: dict[str, np.ndarray], records: list[bytes], meta: dict[str, Any]) -> None:
    """Write a segment aside (``.name.staging``) and rename it into place; nothing names it until a head does.

    ``arrays`` holds the postings, ``para_file``, ``para_text`` and, in
    text-number order, ``text_keys`` and ``text_words``; the lookups by text
    (``para_text_sorted``, ``para_by_text``) and by key (``text_keys_sorted``,
    ``text_by_key``) are derived here, the one place that lays them out.
    """
    staging = folder.parent / f".{folder.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    offsets = np.zeros(len(records) + 1, np.int64)
    np.cumsum([len(r) for r in records], out=offsets[1:])
    arrays = dict(arrays)
    para_text, text_keys = arrays["para_text"], arrays.pop("text_keys")
    by_key = np.argsort(text_keys, kind="stable")
    arrays.update({"para_text_sorted": np.sort(para_text), "para_by_text": np.argsort(para_text, kind="stable"),
                   "text_keys_sorted": text_keys[by_key], "text_by_key": by_key,
                   "records": np.frombuffer(b"".join(records), np.uint8), "record_offsets": offsets})
    for name, value in arrays.items():
        with (staging / f"{name}.npy").open("wb") as handle:
            np.save(handle, np.ascontiguousarray(value))
            handle.flush()
            os.fsync(handle.fileno())
    (staging / "meta.json").write_text(json.dumps(meta, sort_keys=True))
    if folder.exists():
        shutil.rmtree(folder)  # left by a run that crashed before its commit: no head names it
    os.replace(staging, folder)


def merge_segments(segments: Sequence[ArchiveSegment], alive: Sequence[np.ndarray], folder: Path) -> dict[str, Any]:
    """Write consecutive ``segments`` as one (aside, then renamed into ``folder``); return its ``meta``.

    ``alive[i]`` says which of segment ``i``'s files are live: the others'
    paragraphs are left behind (their postings stay, since a text's other
    copies may live on; a query checks liveness anyway). Text numbers are
    global and consecutive segments hold consecutive ranges, so the merged
    segment's range is their union and no posting is renumbered. Postings
    are merged with one stable sort per kind, so the cost is the merged
    segments' size, not the archive's.
    """
    base = segments[0].text_base
    files: list[str] = []
    arrays: dict[str, list[np.ndarray]] = {name: [] for name in ("para_text", "para_file", "text_keys", "text_words")}
    records: list[bytes] = []
    for seg, live in zip(segments, alive):
        keep_file = np.flatnonzero(live[: len(seg.files)])
        renumber = np.full(max(1, len(seg.files)), -1, np.int64)
        renumber[keep_file] = len(files) + np.arange(keep_file.size)
        files.extend(seg.files[i] for i in keep_file.tolist())
        para_file = seg.array("para_file")
        rows = np.flatnonzero(renumber[para_file] >= 0) if para_file.size else np.zeros(0, np.int64)
        arrays["para_text"].append(seg.array("para_text")[rows])
        arrays["para_file"].append(renumber[para_file[rows]].astype(np.int32))
        keys = np.empty(seg.text_count, np.uint64)
        keys[seg.array("text_by_key")] = seg.array("text_keys_sorted")  # back in text-number order
        arrays["text_keys"].append(keys)
        arrays["text_words"].append(seg.array("text_words"))
        offsets, blob = seg.array("record_offsets"), seg.array("records")
        records.extend(bytes(blob[offsets[p] : offsets[p + 1]]) for p in rows.tolist())
    out = {name: np.concatenate(parts) for name, parts in arrays.items()}
    for kind in POSTING_KINDS:
        kind_keys = np.concatenate([np.load(seg.folder / f"{kind}_keys.npy") for seg in segments])
        kind_texts = np.concatenate([np.load(seg.folder / f"{kind}_texts.npy") for seg in segments])
        # each segment is sorted by (key, text) and text ranges ascend segment by segment: a stable
        # sort by key alone keeps every key's texts ascending
        by_key = np.argsort(kind_keys, kind="stable")
        out[f"{kind}_keys"], out[f"{kind}_texts"] = kind_keys[by_key], kind_texts[by_key]
    meta = {"files": files, "text_base": base, "text_count": int(out["text_words"].size), "paragraphs": int(out["para_text"].size)}
    write_segment(folder, out, records, meta)
    return meta


def live_files(roster: dict[str, list[str]], seg: ArchiveSegment, replaced: frozenset[str] = frozenset()) -> np.ndarray:
    """Which of a segment's files are live (a bool each): the roster names this segment, and no batch replaces them."""
    return np.array([f not in replaced and roster.get(f, ["", "", ""])[2] == seg.name for f in seg.files] or [False])


MERGE_FANIN = 8
"""Segments of one size tier merged into one: a year of nightly runs is a handful of segments, not 365."""


def _tier(paragraphs: int) -> int:
    return max(0, int(paragraphs).bit_length() - 1) // 3  # one tier per factor of 8 (MERGE_FANIN)


def merge_newest(root: Path, head: dict[str, Any]) -> None:
    """Size-tiered merging: while the newest ``MERGE_FANIN`` segments share a size tier, write them as one.

    Each paragraph is rewritten about log8(archive / batch) times over the
    archive's life, and a merge costs the size of what it merges, so a
    nightly run stays proportional to its batch on average. ``head`` (its
    segment list and roster) is updated in place; the merged segments stay
    on disk until the commit that no longer names them.
    """
    while len(head["segments"]) >= MERGE_FANIN:
        newest = [ArchiveSegment.open(root / name) for name in head["segments"][-MERGE_FANIN:]]
        if len({_tier(seg.paragraphs) for seg in newest}) != 1:
            return
        files = head["files"]
        alive = [live_files(files, seg) for seg in newest]
        name = f"{newest[-1].name}-m{len(head['segments'])}"
        meta = merge_segments(newest, alive, root / name)
        for f in meta["files"]:
            files[f] = [files[f][0], files[f][1], name]
        head["segments"] = head["segments"][:-MERGE_FANIN] + [name]
