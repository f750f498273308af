"""Index segments: paragraph encodings filed by content, MinHash signatures filed by text, as ``.npy`` arrays.

The costly per-paragraph work of reuse detection — tokenising a paragraph
(:func:`wirewash.tasks.reuse.shingle.encode_paragraphs`) and signing its text
(:func:`wirewash.tasks.reuse.minhash.sign_minhash`) — depends on the paragraph
alone. So it can be done anywhere and filed by key: an encoding under the
hash of the paragraph's exact text (:func:`content_keys`), a signature under
the identity of its normalised text
(:func:`wirewash.tasks.reuse.shingle.text_identities`). A **segment** holds such
entries; two kinds of folders hold segments:

* the persistent index (:mod:`wirewash.tasks.reuse.index_embedded`), one segment
  per run that indexed something, kept across runs;
* the clean workers' batch segments (:func:`make_segment`, written by the
  clean task under ``<state>/reuse-spill/``): each worker encodes and signs the
  paragraphs it just kept, so on a Dask cluster, or with every local core,
  that work happens in parallel where the text already is, and the reuse
  stage only looks entries up.

Whatever looked up, an entry is exactly what the reuse stage would compute
itself, so where an entry was made never changes a result.
:func:`gather_contents` and :func:`gather_signatures` take the entries
from a list of sources in order and make the missing ones.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np

from wirewash.tasks.params import DetectorOptions
from wirewash.tasks.reuse.arrays import sorted_lookup
from wirewash.tasks.reuse.minhash import sign_minhash
from wirewash.tasks.reuse.shingle import (Encoded, concat_encoded, encode_paragraphs, sentence_bounds, shingle_paragraphs,
                                          take_paragraphs, text_identities)

ENCODING_ARRAYS = ("hashes", "offsets", "sentence_starts", "sentence_lengths", "sentence_owner", "token_begin", "token_end")


class SegmentReadError(RuntimeError):
    """A segment folder is missing an array or holds one that cannot be read."""


class EntrySource(Protocol):
    """Somewhere encodings and signatures may already be filed: an index store, or the workers' batch segments.

    Each lookup answers ``found`` (a bool per key) and the entries of the
    found keys, in key order.
    """

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        ...

    def get_signatures(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        ...


@dataclass(frozen=True)
class IndexSegment:
    """Sorted content keys with their encodings, sorted text keys with their signatures (uint32, one row each)."""

    content_keys: np.ndarray
    encoded: Encoded
    text_keys: np.ndarray
    signatures: np.ndarray


def content_keys(texts: Sequence[str]) -> np.ndarray:
    """A 64-bit blake2b hash of each paragraph's exact text (uint64), the key its encoding is filed under."""
    out = np.empty(len(texts), dtype=np.uint64)
    for i, text in enumerate(texts):
        out[i] = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return out


def make_segment(texts: Sequence[str], options: DetectorOptions) -> IndexSegment:
    """Encode the distinct ``texts`` and sign their distinct normalised texts, as :func:`find_overlaps` would.

    Only texts of at least ``options.min_shingles`` shingles are signed (the
    reuse stage signs no others). The result is sorted by key, ready to look up.
    """
    keys, first = np.unique(content_keys(texts), return_index=True)
    encoded = encode_paragraphs([texts[i] for i in first.tolist()])
    identities, reps = np.unique(text_identities(encoded), return_index=True)
    distinct = take_paragraphs(encoded, reps)
    shingles, bounds = shingle_paragraphs(distinct.hashes, distinct.offsets, options.shingle_size)
    signed = np.flatnonzero((np.diff(bounds) >= options.min_shingles) & (identities != 0))
    signatures = sign_minhash(shingles, bounds, signed, num_perm=options.num_perm, seed=options.seed)
    return IndexSegment(keys, encoded, identities[signed], signatures)


def write_segment(folder: Path, segment: IndexSegment, *, rows: np.ndarray | None = None, durable: bool = True) -> None:
    """Write a segment folder aside (``.name.staging``) and rename it into place; its keys are sorted on the way.

    ``rows``: the row of ``segment.encoded`` that holds each content key's
    encoding (by default key ``i`` is row ``i``), so a run can stage its new
    entries straight from the encoding of all its paragraphs. The encodings
    are gathered into key order a chunk at a time as they are written
    (:func:`save_gathered`): writing never holds a second copy of every token.
    ``durable``: each array is fsynced (the persistent index); a worker's
    batch segment lives one run and is checked when read, so it skips that.
    """
    order = np.argsort(segment.content_keys, kind="stable")
    picked = order if rows is None else np.asarray(rows, dtype=np.int64)[order]
    torder = np.argsort(segment.text_keys, kind="stable")
    staging = folder.parent / f".{folder.name}.staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for array, value, rows_in_order in (("content_keys", segment.content_keys, order),
                                        ("text_keys", segment.text_keys, torder), ("signatures", segment.signatures, torder)):
        with (staging / f"{array}.npy").open("wb") as handle:
            save_rows(handle, value, rows_in_order)
            _finish(handle, durable)
    save_gathered(staging, segment.encoded, picked, durable=durable)
    if folder.exists():
        shutil.rmtree(folder)  # left by a run that crashed before it was used
    os.replace(staging, folder)


def save_gathered(folder: Path, enc: Encoded, rows: np.ndarray, *, durable: bool = True, chunk: int = 1 << 16) -> None:
    """Write ``take_paragraphs(enc, rows)`` as one ``<array>.npy`` per encoding array, ``chunk`` paragraphs at a time.

    The files are byte for byte what ``np.save`` writes for the gathered
    arrays; only a chunk's gathered tokens are in memory at once.
    """
    rows = np.asarray(rows, dtype=np.int64)
    bounds = sentence_bounds(enc)
    tokens = int((enc.offsets[rows + 1] - enc.offsets[rows]).sum())
    sentences = int((bounds[rows + 1] - bounds[rows]).sum())
    empty = take_paragraphs(enc, rows[:0])  # the gathered arrays' types
    sizes = {"offsets": rows.size + 1, "hashes": tokens, "token_begin": tokens, "token_end": tokens}
    handles = {array: (folder / f"{array}.npy").open("wb") for array in ENCODING_ARRAYS}
    try:
        for array, handle in handles.items():
            _write_npy_header(handle, getattr(empty, array).dtype, (sizes.get(array, sentences),))
        handles["offsets"].write(np.zeros(1, empty.offsets.dtype).tobytes())
        done_tokens = done_rows = 0
        for first in range(0, rows.size, chunk):
            part = take_paragraphs(enc, rows[first:first + chunk], bounds=bounds)
            shifted = {"offsets": part.offsets[1:] + done_tokens, "sentence_starts": part.sentence_starts + done_tokens,
                       "sentence_owner": part.sentence_owner + done_rows}
            for array, handle in handles.items():
                handle.write(np.ascontiguousarray(shifted.get(array, getattr(part, array))).tobytes())
            done_tokens += int(part.offsets[-1])
            done_rows += int(part.offsets.size - 1)
        for handle in handles.values():
            _finish(handle, durable)
    finally:
        for handle in handles.values():
            handle.close()


def save_rows(handle: BinaryIO, array: np.ndarray, rows: np.ndarray, chunk: int = 1 << 16) -> None:
    """Write ``array[rows]`` as ``np.save`` would, a chunk of rows at a time (a run's signatures are hundreds of
    megabytes: taken whole, the write would hold them twice)."""
    _write_npy_header(handle, array.dtype, (rows.size, *array.shape[1:]))
    for first in range(0, rows.size, chunk):
        handle.write(np.ascontiguousarray(array[rows[first:first + chunk]]).tobytes())


def _write_npy_header(handle: BinaryIO, dtype: np.dtype, shape: tuple[int, ...]) -> None:
    """The header ``np.save`` writes for a C-ordered array of ``dtype`` and ``shape`` (its data to follow)."""
    np.lib.format.write_array_header_1_0(handle, {"descr": np.lib.format.dtype_to_descr(dtype),
                                                  "fortran_order": False, "shape": shape})


def _finish(handle: BinaryIO, durable: bool) -> None:
    if durable:
        handle.flush()
        os.fsync(handle.fileno())


def read_segment(folder: Path) -> IndexSegment:
    """A segment folder's arrays, memory-mapped (:class:`SegmentReadError` when one is missing or unreadable)."""

    def load(array: str) -> np.ndarray:
        return np.load(folder / f"{array}.npy", mmap_mode="r")

    try:
        segment = IndexSegment(load("content_keys"), Encoded(*(load(a) for a in ENCODING_ARRAYS)), load("text_keys"),
                               load("signatures"))
    except (OSError, ValueError) as err:
        raise SegmentReadError(f"index segment {folder} is unreadable ({err})") from err
    if segment.encoded.offsets.size != segment.content_keys.size + 1 or len(segment.signatures) != segment.text_keys.size:
        raise SegmentReadError(f"index segment {folder} is unreadable (its arrays disagree in length)")
    return segment


def find_contents(segments: Iterable[IndexSegment], keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
    """Which ``keys`` some segment files an encoding under, and those encodings in key order (first segment wins)."""
    found = np.zeros(keys.size, bool)
    parts: list[Encoded] = []
    order: list[np.ndarray] = []
    for seg in segments:
        hit, pos = sorted_lookup(seg.content_keys, keys)
        hit &= ~found
        if hit.any():
            parts.append(take_paragraphs(seg.encoded, pos[hit]))
            order.append(np.flatnonzero(hit))
            found |= hit
    return found, _arrange(parts, order, found)


def find_signatures(segments: Iterable[IndexSegment], keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Which text ``keys`` some segment files a signature under, and those signatures in key order."""
    found = np.zeros(keys.size, bool)
    out = np.empty((keys.size, num_perm), np.uint32)
    for seg in segments:
        hit, pos = sorted_lookup(seg.text_keys, keys)
        hit &= ~found
        if hit.any():
            out[hit] = seg.signatures[pos[hit]]
            found |= hit
    return found, out if found.all() else out[found]  # all found (a run's own workers signed them): no copy


@dataclass(frozen=True)
class SegmentShelf:
    """Segments of one folder (the workers' batch segments), as an :class:`EntrySource`.

    ``folders`` are opened (memory-mapped) at each lookup and closed after
    it: what a lookup takes is copied out, so the spill's pages leave the
    process with the lookup instead of staying resident for the rest of the
    stage (they are about a kilobyte a paragraph). ``segments`` are held in
    memory. A segment that cannot be read is left out: its entries are made
    again where they are needed, which gives the same result.
    """

    segments: tuple[IndexSegment, ...] = ()
    folders: tuple[Path, ...] = ()

    @classmethod
    def read(cls, folder: Path | None) -> SegmentShelf:
        """The segment folders under ``folder`` (none when it is absent); a write that never finished is skipped."""
        if folder is None or not folder.is_dir():
            return cls()
        return cls(folders=tuple(sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))))

    @property
    def empty(self) -> bool:
        return not (self.segments or self.folders)

    def open(self) -> Iterator[IndexSegment]:
        """Every readable segment, in order; one folder's arrays are mapped only while the caller is on it."""
        yield from self.segments
        for folder in self.folders:
            try:
                yield read_segment(folder)
            except SegmentReadError:
                continue

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        return find_contents(self.open(), keys)

    def get_signatures(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        return find_signatures(self.open(), keys, num_perm)


def gather_contents(keys: np.ndarray, texts: Sequence[str], sources: Sequence[EntrySource]) -> tuple[Encoded, np.ndarray]:
    """The encodings of the contents ``keys`` (``texts[i]`` is key ``i``'s text), in key order, and where each came from.

    Each source is asked, in order, for the keys no earlier one had; the
    rest are encoded here. ``origin[i]`` is the number of the source that
    had key ``i``, or ``len(sources)`` when it was encoded here.
    """
    origin = np.full(keys.size, len(sources), dtype=np.int64)
    parts: list[Encoded] = []
    order: list[np.ndarray] = []
    for number, source in enumerate(sources):
        todo = np.flatnonzero(origin == len(sources))
        if todo.size == 0:
            break
        found, stored = source.get_contents(keys[todo])
        if found.any():
            parts.append(stored)
            order.append(todo[found])
            origin[todo[found]] = number
    missing = np.flatnonzero(origin == len(sources))
    parts.append(encode_paragraphs([texts[i] for i in missing.tolist()]))
    order.append(missing)
    return _arrange(parts, order, np.ones(keys.size, bool)), origin


def encode_texts(texts: Sequence[str], sources: Sequence[EntrySource]) -> Encoded:
    """The encoding of every paragraph text, in order: looked up in ``sources`` where filed, else encoded here."""
    if not sources:  # nothing to look up: no keys to hash (a blake2b per paragraph)
        return encode_paragraphs(texts)
    keys = content_keys(texts)
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    encoded, _ = gather_contents(unique, [texts[i] for i in first.tolist()], sources)
    return take_paragraphs(encoded, inverse.reshape(-1))


def gather_signatures(keys: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, rows: np.ndarray,
                      sources: Sequence[EntrySource], options: DetectorOptions) -> tuple[np.ndarray, np.ndarray]:
    """The signatures of texts ``rows`` (``keys`` their identities), and where each came from (as :func:`gather_contents`).

    Each source is asked, in order, for the keys no earlier one had; the
    rest are signed here from ``shingles``/``bounds``.
    """
    origin = np.full(keys.size, len(sources), dtype=np.int64)
    sigs = np.empty((keys.size, options.num_perm), np.uint32)
    for number, source in enumerate(sources):
        todo = np.flatnonzero(origin == len(sources))
        if todo.size == 0:
            break
        found, stored = source.get_signatures(keys[todo], options.num_perm)
        if todo.size == keys.size and found.all():
            sigs = np.asarray(stored, dtype=np.uint32)  # one source had them all: its copy is the answer, not a second one
            origin[:] = number
        elif found.any():
            sigs[todo[found]] = stored
            origin[todo[found]] = number
    missing = np.flatnonzero(origin == len(sources))
    if missing.size:
        sigs[missing] = sign_minhash(shingles, bounds, rows[missing], num_perm=options.num_perm, seed=options.seed)
    return sigs, origin


def _arrange(parts: list[Encoded], order: list[np.ndarray], found: np.ndarray) -> Encoded:
    """Concatenate encodings found in pieces, then put them in ``keys[found]`` order (``order``: each piece's keys)."""
    if not parts:
        return encode_paragraphs([])
    both = concat_encoded(parts)
    where = np.concatenate(order)  # positions in keys, per concatenated row
    rank = np.searchsorted(np.flatnonzero(found), where)  # its place among the found
    inverse = np.empty_like(rank)
    inverse[rank] = np.arange(rank.size)
    return take_paragraphs(both, inverse)
