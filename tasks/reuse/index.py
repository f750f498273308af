"""A persistent reuse index: what earlier runs learnt about their paragraphs, so later runs need not redo it.

Reuse is reported across the whole current corpus every run (this batch
plus every earlier paragraph still present), but the expensive per-paragraph
work is done once per paragraph *content*, ever:

* **encodings** (normalised token hashes, sentence splits, each token's
  character offsets; :class:`wirewash.tasks.reuse.shingle.Encoded`) are filed under a 64-bit blake2b
  hash of the paragraph's exact text (:func:`content_keys`);
* **MinHash signatures** are filed under the identity hash of the
  normalised text (:attr:`wirewash.tasks.reuse.shingle.DistinctTexts.keys`), so a
  re-styled copy of a known paragraph is tokenised but not signed again.

Everything global (which anchors are too common, which texts collide in LSH
bands, verification, clustering) is recomputed from those stored pieces over
the whole corpus, with the very code a one-off run uses
(:func:`wirewash.tasks.reuse.overlap.find_overlaps`). So two batches run on top of one
another report exactly the pairs one run over everything reports: the index
changes how much work a run does, never what it finds.

Each paragraph also carries the ``run`` that indexed it. The index keeps a
roster of files: for each file, the run that indexed it and a digest of its
paragraphs (lines + content). A file whose paragraphs are unchanged keeps its
run; a new or changed file is indexed by the current run (``run`` empty in
this run's output); a deleted file leaves the roster, and its data leaves the
store when the store is compacted (embedded) or at commit (Redis).

Two backends (:class:`EmbeddedStore`, the default, and :class:`RedisStore`):

* **embedded**: numpy ``.npy`` segment files under ``<state>/reuse-index/``,
  read memory-mapped. A run writes its new entries into a new segment folder
  (written aside under a dot-name, then renamed) and the run's *commit*
  replaces ``index.json`` (the head: roster + list of live segments) with one
  atomic rename. Until then nothing the last committed head names has
  changed, so a run killed at any point leaves the previous index intact;
  segment folders no head names are removed at the next commit. When dead
  rows outweigh live ones, the new segment holds every live entry instead
  and the older segments go (compaction).
* **redis**: the same entries in Redis hashes, LSH bands in a
  :class:`datasketch.MinHashLSH` with Redis ``storage_config``, and the head
  under one key, replaced by one ``SET`` at commit. Content-keyed entries are
  immutable facts about a text and may be written early; only the head
  decides what the index holds.

Memory stays proportional to what a run touches: segment arrays are
memory-mapped and gathered with vectorised indexing, never unpacked into a
Python object per paragraph.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from wirewash.tasks.reuse.paragraph_index import find_lsh_pairs, sign_minhash, unique_pairs
from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.shingle import Encoded, concat_encoded, encode_paragraphs, sorted_unique, take_paragraphs

INDEX_FORMAT = 2  # a head of another format is read as no index: its encodings are laid out differently
INDEX_DIR = "reuse-index"
HEAD_NAME = "index.json"
_CODE = ("shingle.py", "paragraph_index.py", "index.py")
_ENCODING_ARRAYS = ("hashes", "offsets", "sentence_starts", "sentence_lengths", "sentence_owner", "token_begin", "token_end")
Backend = Literal["embedded", "redis", "archive"]


class ReuseIndexError(RuntimeError):
    """The persistent reuse index cannot be read or written."""


class IndexBackendUnavailableError(ReuseIndexError):
    """The configured index backend (a Redis server) cannot be reached; the message says where it looked."""


# --- identities ---------------------------------------------------------------------------------


def content_keys(texts: Sequence[str]) -> np.ndarray:
    """A 64-bit blake2b hash of each paragraph's exact text (uint64), the key its encoding is filed under."""
    out = np.empty(len(texts), dtype=np.uint64)
    for i, text in enumerate(texts):
        out[i] = int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return out


def index_fingerprint(*, shingle_size: int, num_perm: int, seed: int, lsh_threshold: float) -> str:
    """What stored entries depend on besides the text: format, tokenising/signing code, signature parameters.

    A head with another fingerprint is ignored (the run indexes everything
    afresh), so a change of normaliser or of ``num_perm`` can never mix old
    and new signatures.
    """
    digest = hashlib.sha256(f"{INDEX_FORMAT}|{shingle_size}|{num_perm}|{seed}|{lsh_threshold!r}".encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def file_digests(refs: Sequence[ParagraphRef], keys: np.ndarray) -> dict[str, str]:
    """Per file, a digest of its paragraphs' lines and content keys (what the roster compares)."""
    parts: dict[str, list[str]] = {}
    for ref, key in zip(refs, keys.tolist()):
        parts.setdefault(ref.file, []).append(f"{ref.index}:{ref.lines[0]}-{ref.lines[1]}:{key:016x}")
    return {file: hashlib.sha1("\n".join(lines).encode()).hexdigest()[:16] for file, lines in parts.items()}


@dataclass(frozen=True)
class Head:
    """The committed state of an index: what it holds and which run indexed each file.

    ``files`` maps a raw file to ``[run, digest]``; ``segments`` (embedded)
    lists live segment folders; ``generation`` is the run that committed it.
    """

    fingerprint: str
    generation: str = ""
    files: dict[str, list[str]] = field(default_factory=dict)
    segments: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"format": INDEX_FORMAT, "fingerprint": self.fingerprint, "generation": self.generation,
                "files": dict(sorted(self.files.items())), "segments": list(self.segments)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Head":
        if data.get("format") != INDEX_FORMAT:
            raise ValueError("index format changed")
        return cls(data["fingerprint"], data.get("generation", ""), {k: list(v) for k, v in data["files"].items()},
                   tuple(data.get("segments", ())))


# --- stores --------------------------------------------------------------------------------------


class IndexStore(Protocol):
    """What a backend keeps: content-keyed encodings, text-keyed signatures, LSH, and one committed head.

    ``active`` is the head lookups read; the session sets it once the
    stored head's fingerprint matches the run's (else ``None``: empty index).
    """

    active: Head | None

    def head(self) -> Head | None: ...

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        """``(found, encoded)``: which ``keys`` (unique uint64) are stored, and their encodings, in ``keys[found]`` order."""
        ...

    def get_signatures(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        """``(found, signatures)`` for unique text ``keys``; signatures in ``keys[found]`` order."""
        ...

    def lsh_pairs(self, head: Head | None, keys: np.ndarray, sigs: np.ndarray, rows: np.ndarray, *, threshold: float,
                  seed: int) -> np.ndarray:
        """Row pairs whose signatures collide in an LSH band (exactly :func:`find_lsh_pairs`'s answer)."""
        ...

    def stage(self, generation: str, head: Head | None, contents: tuple[np.ndarray, Encoded], signatures: tuple[np.ndarray, np.ndarray],
              live_contents: np.ndarray, live_texts: np.ndarray, files: dict[str, list[str]]) -> "IndexCommit":
        """Write this run's new entries aside; return what :func:`commit_index` must do to make them live."""
        ...


@dataclass(frozen=True)
class IndexCommit:
    """A staged index generation, made live by :func:`commit_index` when the run commits (small, picklable)."""

    backend: Backend
    location: str
    head: dict[str, Any]
    redis: dict[str, Any] = field(default_factory=dict)


def _sorted_lookup(stored: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each key, whether ``stored`` (sorted) holds it and at which position."""
    if stored.size == 0:
        return np.zeros(keys.size, bool), np.zeros(keys.size, np.int64)
    pos = np.minimum(np.searchsorted(stored, keys), stored.size - 1)
    return stored[pos] == keys, pos


@dataclass
class _Segment:
    name: str
    content_keys: np.ndarray
    encoded: Encoded
    text_keys: np.ndarray
    signatures: np.ndarray


class EmbeddedStore:
    """Segments of ``.npy`` arrays under ``<state>/reuse-index/``, memory-mapped (see the module docstring)."""

    def __init__(self, state: Path) -> None:
        self.root = Path(state) / INDEX_DIR
        self._segments: dict[str, _Segment] = {}
        self.active: Head | None = None  # the head lookups read (set by the session once its fingerprint checks)

    def head(self) -> Head | None:
        try:
            return Head.from_json(json.loads((self.root / HEAD_NAME).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _segment(self, name: str) -> _Segment:
        if name not in self._segments:
            folder = self.root / name

            def load(array: str) -> np.ndarray:
                return np.load(folder / f"{array}.npy", mmap_mode="r")

            try:
                self._segments[name] = _Segment(
                    name, load("content_keys"), Encoded(*(load(a) for a in _ENCODING_ARRAYS)),
                    load("text_keys"), load("signatures"),
                )
            except (OSError, ValueError) as err:
                raise ReuseIndexError(f"index segment {folder} is unreadable ({err}); delete {self.root} to rebuild it") from err
        return self._segments[name]

    def _live(self, head: Head | None) -> list[_Segment]:
        return [self._segment(name) for name in (head.segments if head else ())]

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        found = np.zeros(keys.size, bool)
        parts: list[Encoded] = []
        order: list[np.ndarray] = []
        for seg in self._live(self.active):
            hit, pos = _sorted_lookup(seg.content_keys, keys)
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
            hit, pos = _sorted_lookup(seg.text_keys, keys)
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


# --- Redis backend --------------------------------------------------------------------------------


def _pack_encoding(enc: Encoded, row: int) -> bytes:
    lo, hi = int(enc.offsets[row]), int(enc.offsets[row + 1])
    sentences = np.flatnonzero(np.asarray(enc.sentence_owner) == row)
    head = np.array([hi - lo, sentences.size], dtype=np.int64)
    return b"".join([
        head.tobytes(), np.asarray(enc.hashes[lo:hi], np.uint64).tobytes(),
        np.asarray(enc.token_begin[lo:hi], np.int32).tobytes(), np.asarray(enc.token_end[lo:hi], np.int32).tobytes(),
        (np.asarray(enc.sentence_starts, np.int64)[sentences] - lo).astype(np.int32).tobytes(),
        np.asarray(enc.sentence_lengths, np.int64)[sentences].astype(np.int32).tobytes(),
    ])


def _unpack_encodings(blobs: Sequence[bytes]) -> Encoded:
    hashes, begins, ends, starts, lengths, owners, counts = [], [], [], [], [], [], []
    tokens = 0
    for i, blob in enumerate(blobs):
        ntok, nsent = np.frombuffer(blob[:16], np.int64).tolist()
        at = 16
        hashes.append(np.frombuffer(blob[at : at + 8 * ntok], np.uint64))
        at += 8 * ntok
        begins.append(np.frombuffer(blob[at : at + 4 * ntok], np.int32))
        at += 4 * ntok
        ends.append(np.frombuffer(blob[at : at + 4 * ntok], np.int32))
        at += 4 * ntok
        starts.append(np.frombuffer(blob[at : at + 4 * nsent], np.int32).astype(np.int64) + tokens)
        at += 4 * nsent
        lengths.append(np.frombuffer(blob[at : at + 4 * nsent], np.int32).astype(np.int64))
        owners.append(np.full(nsent, i, np.int64))
        counts.append(ntok)
        tokens += ntok
    offsets = np.zeros(len(blobs) + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])

    def cat(items: list[np.ndarray], dtype: Any) -> np.ndarray:
        return np.concatenate(items).astype(dtype) if items else np.empty(0, dtype)

    return Encoded(cat(hashes, np.uint64), offsets, cat(starts, np.int64), cat(lengths, np.int64), cat(owners, np.int64),
                   cat(begins, np.int32), cat(ends, np.int32))


def _key_bytes(keys: np.ndarray) -> list[bytes]:
    return [int(k).to_bytes(8, "little") for k in keys.tolist()]


class RedisStore:
    """The index in Redis, LSH bands through datasketch's ``MinHashLSH`` Redis storage (see the module docstring).

    Keys live under ``prefix``: ``:head`` (the committed head), ``:content``
    and ``:sig`` (hashes of packed encodings and signatures),
    ``:pairs:<generation>`` and ``:texts:<generation>`` (the LSH collision
    pairs among the generation's live texts, and those texts), and the LSH's
    own keys under ``:lsh:<fingerprint>``.
    """

    def __init__(self, host: str, port: int, prefix: str, fingerprint: str, *, threshold: float, num_perm: int) -> None:
        import redis

        self.host, self.port, self.prefix, self.fingerprint = host, port, prefix, fingerprint
        self.client = redis.Redis(host=host, port=port, socket_connect_timeout=5)
        try:
            self.client.ping()
        except redis.exceptions.RedisError as err:
            raise IndexBackendUnavailableError(
                f"no Redis server at {host}:{port} ({err}); start one, or use --reuse-index embedded") from err
        self.threshold, self.num_perm = threshold, num_perm
        self._lsh: Any = None

        self.active: Head | None = None
        self.pairs = np.empty((0, 2), np.uint64)  # this run's LSH collisions, as text-key pairs

    def _k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def lsh(self) -> Any:
        """The shared :class:`datasketch.MinHashLSH` on this Redis server (created on first use)."""
        if self._lsh is None:
            from datasketch import MinHashLSH

            config = {"type": "redis", "basename": self._k("lsh", self.fingerprint).encode(),
                      "redis": {"host": self.host, "port": self.port}}
            self._lsh = MinHashLSH(threshold=self.threshold, num_perm=self.num_perm, storage_config=config)
        return self._lsh

    def head(self) -> Head | None:
        raw = self.client.get(self._k("head"))
        try:
            return Head.from_json(json.loads(raw)) if raw else None
        except (ValueError, KeyError, TypeError):
            return None

    def get_contents(self, keys: np.ndarray) -> tuple[np.ndarray, Encoded]:
        blobs = self.client.hmget(self._k("content", self.fingerprint), _key_bytes(keys)) if keys.size else []
        found = np.array([b is not None for b in blobs], dtype=bool)
        return found, _unpack_encodings([b for b in blobs if b is not None])

    def get_signatures(self, keys: np.ndarray, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
        blobs = self.client.hmget(self._k("sig", self.fingerprint), _key_bytes(keys)) if keys.size else []
        found = np.array([b is not None for b in blobs], dtype=bool)
        sigs = np.frombuffer(b"".join(b for b in blobs if b is not None), np.uint32).reshape(-1, num_perm)
        return found, sigs

    def _live_texts(self, head: Head | None) -> tuple[np.ndarray, np.ndarray]:
        if head is None or head.fingerprint != self.fingerprint:
            return np.empty(0, np.uint64), np.empty((0, 2), np.uint64)
        texts = self.client.get(self._k("texts", head.generation)) or b""
        pairs = self.client.get(self._k("pairs", head.generation)) or b""
        return np.frombuffer(texts, np.uint64), np.frombuffer(pairs, np.uint64).reshape(-1, 2)

    def lsh_pairs(self, head: Head | None, keys: np.ndarray, sigs: np.ndarray, rows: np.ndarray, *, threshold: float,
                  seed: int) -> np.ndarray:
        """Old x old collisions from the committed generation, new x all by querying the Redis LSH.

        Collision is a fact about two signatures alone, so pairs among texts
        the last generation held are still valid; every other current text
        is inserted (idempotently) and queried. Answers naming texts outside
        this corpus (other generations, a crashed run) are dropped.
        """
        from datasketch import LeanMinHash

        live, old_pairs = self._live_texts(head)
        known = np.isin(keys, live)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        hit_a, pos_a = _sorted_lookup(sorted_keys, old_pairs[:, 0])
        hit_b, pos_b = _sorted_lookup(sorted_keys, old_pairs[:, 1])
        both = hit_a & hit_b
        pieces = [np.stack([order[pos_a[both]], order[pos_b[both]]], axis=1)]
        lsh = self.lsh()
        new = np.flatnonzero(~known)
        sketches = {int(i): LeanMinHash(seed=seed, hashvalues=sigs[i], scheme="affine32") for i in new.tolist()}
        with lsh.insertion_session() as session:
            for i, sketch in sketches.items():
                name = int(keys[i]).to_bytes(8, "little")
                if name not in lsh:
                    session.insert(name, sketch, check_duplication=False)
        asking: list[int] = []
        answers: list[bytes] = []
        for i, sketch in sketches.items():
            names = lsh.query(sketch)
            asking.extend([i] * len(names))
            answers.extend(names)
        other = np.array([int.from_bytes(a, "little") for a in answers], np.uint64)
        hit, pos = _sorted_lookup(sorted_keys, other)
        queried = np.stack([np.array(asking, np.int64)[hit], order[pos[hit]]], axis=1) if hit.any() else np.empty((0, 2), np.int64)
        pieces.append(queried[queried[:, 0] != queried[:, 1]])
        local = unique_pairs(np.concatenate(pieces))
        self.pairs = np.sort(keys[local], axis=1) if len(local) else np.empty((0, 2), np.uint64)
        return np.sort(rows[local], axis=1) if len(local) else np.empty((0, 2), np.int64)

    def stage(self, generation: str, head: Head | None, contents: tuple[np.ndarray, Encoded], signatures: tuple[np.ndarray, np.ndarray],
              live_contents: np.ndarray, live_texts: np.ndarray, files: dict[str, list[str]]) -> IndexCommit:
        keys, enc = contents
        pipe = self.client.pipeline(transaction=False)
        for name, row in zip(_key_bytes(keys), range(keys.size)):
            pipe.hset(self._k("content", self.fingerprint), name, _pack_encoding(enc, row))
        for name, sig in zip(_key_bytes(signatures[0]), signatures[1]):
            pipe.hset(self._k("sig", self.fingerprint), name, np.ascontiguousarray(sig, np.uint32).tobytes())
        pipe.execute()
        pairs = self.pairs
        self.client.set(self._k("texts", generation), np.sort(live_texts).tobytes())
        self.client.set(self._k("pairs", generation), np.ascontiguousarray(pairs, np.uint64).tobytes())
        self.client.set(self._k("contents", generation), np.sort(live_contents).tobytes())
        new_head = Head(self.fingerprint, generation, files, ())
        return IndexCommit("redis", f"{self.host}:{self.port}/{self.prefix}", new_head.to_json(),
                           {"host": self.host, "port": self.port, "prefix": self.prefix, "threshold": self.threshold,
                            "num_perm": self.num_perm, "previous": head.generation if head else ""})


def batch_tag(new_files: dict[str, str]) -> str:
    """The tag of the batch a run indexes: ``b-`` and a digest of its new or changed files and their contents.

    Derived from content, not from the clock, so the same sequence of raw
    folders gives the same tags on any machine and after a crash and re-run;
    ``summary.json`` records each run's tag (``index_batch``).
    """
    digest = hashlib.sha1("".join(f"{file}\t{content}\n" for file, content in sorted(new_files.items())).encode())
    return f"b-{digest.hexdigest()[:12]}"


# --- a run's session ------------------------------------------------------------------------------


@dataclass
class IndexSession:
    """One run's use of an index: prepare the paragraphs, answer LSH, stage what is new.

    Plugs into :func:`wirewash.tasks.reuse.overlap.find_overlaps` as ``encoded`` (from
    :meth:`prepare`) and ``lsh_source`` (this object). ``stats`` counts the
    work actually done, so a test can prove that a second batch did not
    re-index the first.
    """

    store: IndexStore
    fingerprint: str
    num_perm: int = 128
    seed: int = 1
    threshold: float = 0.4
    stats: dict[str, int] = field(default_factory=dict)
    _head: Head | None = None
    _keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    _new_contents: tuple[np.ndarray, Encoded] | None = None
    _new_sigs: tuple[np.ndarray, np.ndarray] | None = None
    _live_texts: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    _files: dict[str, list[str]] = field(default_factory=dict)
    batch: str = ""

    def prepare(self, refs: Sequence[ParagraphRef]) -> tuple[list[ParagraphRef], Encoded]:
        """Tag paragraphs of unchanged files with the run that indexed them; encode only unseen contents."""
        head = self.store.head()
        self._head = head if head is not None and head.fingerprint == self.fingerprint else None
        self.store.active = self._head
        self.stats["index_reset"] = int(head is not None and self._head is None)
        texts = [r.text for r in refs]
        keys = content_keys(texts)
        self._keys = keys
        digests = file_digests(refs, keys)
        roster = self._head.files if self._head else {}
        runs = {file: roster[file][0] for file, digest in digests.items() if file in roster and roster[file][1] == digest}
        self.batch = batch_tag({file: digest for file, digest in digests.items() if file not in runs})
        self._files = {file: [runs.get(file, self.batch), digest] for file, digest in digests.items()}
        tagged = [replace(r, run=self._files[r.file][0]) for r in refs]
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        found, stored = self.store.get_contents(unique) if self._head else (np.zeros(unique.size, bool), encode_paragraphs([]))
        missing = np.flatnonzero(~found)
        fresh = encode_paragraphs([texts[i] for i in first[missing].tolist()])
        self._new_contents = (unique[missing], fresh)
        both = concat_encoded([stored, fresh])
        place = np.empty(unique.size, np.int64)
        place[np.flatnonzero(found)] = np.arange(int(found.sum()))
        place[missing] = int(found.sum()) + np.arange(missing.size)
        self.stats.update({
            "paragraphs_from_index": int(sum(1 for r in tagged if r.file in runs)),
            "paragraphs_indexed": int(sum(1 for r in tagged if r.file not in runs)),
            "contents_encoded": int(missing.size),
            "contents_from_index": int(found.sum()),
        })
        return tagged, take_paragraphs(both, place[inverse.reshape(-1)])

    def lsh_pairs(self, keys: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The :class:`wirewash.tasks.reuse.overlap.LshSource` hook: stored signatures where known, signing only the rest."""
        found, stored = self.store.get_signatures(keys, self.num_perm) if self._head else (np.zeros(keys.size, bool), None)
        sigs = np.empty((keys.size, self.num_perm), np.uint32)
        if stored is not None and found.any():
            sigs[found] = stored
        missing = np.flatnonzero(~found)
        if missing.size:
            sigs[missing] = sign_minhash(shingles, bounds, rows[missing], num_perm=self.num_perm, seed=self.seed)
        self._new_sigs = (keys[missing], sigs[missing])
        self._live_texts = sorted_unique(keys)
        self.stats.update({"texts_signed": int(missing.size), "texts_from_index": int(found.sum())})
        return self.store.lsh_pairs(self._head, keys, sigs, rows, threshold=self.threshold, seed=self.seed)

    def stage(self, generation: str) -> IndexCommit:
        """Write the new entries aside; the returned :class:`IndexCommit` makes them live at the run's commit."""
        files = {file: [run, digest] for file, (run, digest) in self._files.items()}
        contents = self._new_contents if self._new_contents is not None else (np.empty(0, np.uint64), encode_paragraphs([]))
        head = self._head if self._head is not None else Head(self.fingerprint)
        sigs = self._new_sigs if self._new_sigs is not None else (np.empty(0, np.uint64), np.empty((0, self.num_perm), np.uint32))
        commit = self.store.stage(generation, head, contents, sigs, sorted_unique(self._keys), self._live_texts, files)
        data = dict(commit.head)
        data["fingerprint"] = self.fingerprint
        return replace(commit, head=data)


def open_store(backend: Backend, state: Path, fingerprint: str, *, redis_host: str = "127.0.0.1", redis_port: int = 6379,
               redis_prefix: str = "wirewash", threshold: float = 0.4, num_perm: int = 128) -> IndexStore:
    """The store of ``backend``: embedded under ``state``, or a Redis server (raises :class:`IndexBackendUnavailableError`)."""
    if backend == "redis":
        return RedisStore(redis_host, redis_port, redis_prefix, fingerprint, threshold=threshold, num_perm=num_perm)
    return EmbeddedStore(state)


def commit_index(commit: IndexCommit | None) -> None:
    """Make a staged generation live: one atomic head replacement, then remove what no head names.

    Called by the flow after the run's outputs are published. A crash
    before the head is replaced leaves the previous index as it was; a crash
    after it only leaves garbage that the next commit removes.
    """
    if commit is None:
        return
    if commit.backend in ("embedded", "archive"):  # the archive keeps its segments the same way
        from wirewash.tasks.clean.cache import write_atomic

        root = Path(commit.location)
        write_atomic(root / HEAD_NAME, json.dumps(commit.head, indent=1, sort_keys=True).encode())
        live = set(commit.head["segments"])
        for path in root.iterdir():
            if path.is_dir() and path.name.removeprefix(".").removesuffix(".staging") not in live:
                shutil.rmtree(path, ignore_errors=True)
        return
    import redis

    cfg = commit.redis
    client = redis.Redis(host=cfg["host"], port=cfg["port"], socket_connect_timeout=5)
    prefix, generation, previous = cfg["prefix"], commit.head["generation"], cfg["previous"]
    client.set(f"{prefix}:head", json.dumps(commit.head, sort_keys=True))
    if previous and previous != generation:
        # entries the previous generation held and this one does not: deleted or changed files
        old_contents = np.frombuffer(client.get(f"{prefix}:contents:{previous}") or b"", np.uint64)
        new_contents = np.frombuffer(client.get(f"{prefix}:contents:{generation}") or b"", np.uint64)
        old_texts = np.frombuffer(client.get(f"{prefix}:texts:{previous}") or b"", np.uint64)
        new_texts = np.frombuffer(client.get(f"{prefix}:texts:{generation}") or b"", np.uint64)
        dead_contents = _key_bytes(np.setdiff1d(old_contents, new_contents))
        dead_texts = _key_bytes(np.setdiff1d(old_texts, new_texts))
        fingerprint = commit.head["fingerprint"]
        if dead_contents:
            client.hdel(f"{prefix}:content:{fingerprint}", *dead_contents)
        if dead_texts:
            client.hdel(f"{prefix}:sig:{fingerprint}", *dead_texts)
            from datasketch import MinHashLSH

            config = {"type": "redis", "basename": f"{prefix}:lsh:{commit.head['fingerprint']}".encode(),
                      "redis": {"host": cfg["host"], "port": cfg["port"]}}
            lsh = MinHashLSH(threshold=cfg["threshold"], num_perm=cfg["num_perm"], storage_config=config)
            for name in dead_texts:
                if name in lsh:
                    lsh.remove(name)
        client.delete(f"{prefix}:texts:{previous}", f"{prefix}:pairs:{previous}", f"{prefix}:contents:{previous}")


def index_size(state: Path) -> int:
    """Bytes the embedded index takes on disk (for the summary and benchmarks)."""
    root = Path(state) / INDEX_DIR
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0
