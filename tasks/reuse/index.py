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

Two backends (:class:`wirewash.tasks.reuse.index_embedded.EmbeddedStore`, the default, and
:class:`wirewash.tasks.reuse.index_redis.RedisStore`):

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
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from wirewash.tasks.reuse.arrays import sorted_unique
from wirewash.tasks.params import DetectorOptions, RunParams
from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.segment import EntrySource, content_keys, gather_contents, gather_signatures
from wirewash.tasks.reuse.shingle import Encoded, encode_paragraphs, take_paragraphs

INDEX_FORMAT = 2  # a head of another format is read as no index: its encodings are laid out differently
INDEX_DIR = "reuse-index"
HEAD_NAME = "index.json"
_CODE = ("normalise.py", "shingle.py", "arrays.py", "minhash.py", "index.py", "segment.py")  # what stored entries are made by
Backend = Literal["embedded", "redis", "archive"]


class ReuseIndexError(RuntimeError):
    """The persistent reuse index cannot be read or written."""


class IndexBackendUnavailableError(ReuseIndexError):
    """The configured index backend (a Redis server) cannot be reached; the message says where it looked."""


# --- identities ---------------------------------------------------------------------------------


def index_fingerprint(options: DetectorOptions) -> str:
    """What stored entries depend on besides the text: format, tokenising/signing code, signature parameters.

    A head with another fingerprint is ignored (the run indexes everything
    afresh), so a change of normaliser or of ``num_perm`` can never mix old
    and new signatures.
    """
    o = options
    digest = hashlib.sha256(f"{INDEX_FORMAT}|{o.shingle_size}|{o.num_perm}|{o.seed}|{o.lsh_threshold!r}".encode())
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
        """Row pairs whose signatures collide in an LSH band (exactly :func:`wirewash.tasks.reuse.minhash.find_lsh_pairs`'s answer)."""
        ...

    def stage(self, generation: str, head: Head | None, contents: tuple[np.ndarray, Encoded, np.ndarray],
              signatures: tuple[np.ndarray, np.ndarray], live_contents: np.ndarray, live_texts: np.ndarray,
              files: dict[str, list[str]]) -> "IndexCommit":
        """Write this run's new entries aside; return what :func:`commit_index` must do to make them live.

        ``contents`` is ``(keys, encoding, rows)``: key ``i``'s encoding is row ``rows[i]`` of ``encoding``."""
        ...


@dataclass(frozen=True)
class IndexCommit:
    """A staged index generation, made live by :func:`commit_index` when the run commits (small, picklable)."""

    backend: Backend
    location: str
    head: dict[str, Any]
    redis: dict[str, Any] = field(default_factory=dict)


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
    options: DetectorOptions
    stats: dict[str, int] = field(default_factory=dict)
    made_elsewhere: tuple[EntrySource, ...] = ()  # entries the clean workers made this run (asked after the index)
    generation: str | None = None  # given: the new entries are staged as soon as the LSH candidates are found
    _head: Head | None = None
    _keys: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    _new_contents: tuple[np.ndarray, Encoded, np.ndarray] | None = None  # keys, the paragraphs' encoding, a row per key
    _new_sigs: tuple[np.ndarray, np.ndarray] | None = None
    _live_texts: np.ndarray = field(default_factory=lambda: np.empty(0, np.uint64))
    _files: dict[str, list[str]] = field(default_factory=dict)
    _commit: IndexCommit | None = None
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
        encoded, origin = gather_contents(unique, [texts[i] for i in first.tolist()], self._sources())
        per_paragraph = take_paragraphs(encoded, inverse.reshape(-1))
        del encoded  # content k is paragraph first[k]'s encoding: the new ones are taken from there when staged
        new = np.flatnonzero(origin >= self._from_index)  # new to the index: made by a worker or here
        self._new_contents = (unique[new], per_paragraph, first[new])
        self.stats.update({
            "paragraphs_from_index": int(sum(1 for r in tagged if r.file in runs)),
            "paragraphs_indexed": int(sum(1 for r in tagged if r.file not in runs)),
            "contents_encoded": int(new.size),
            "contents_from_index": int(unique.size - new.size),
            "contents_from_workers": int(np.count_nonzero(origin[new] < len(self._sources()))),
        })
        return tagged, per_paragraph

    @property
    def _from_index(self) -> int:
        """How many of :meth:`_sources` are the index (an origin below it came from the index)."""
        return int(self._head is not None)

    def _sources(self) -> tuple[EntrySource, ...]:
        """Where entries are looked up before they are made here: the index (when live), then the workers' segments."""
        return ((self.store,) if self._head is not None else ()) + self.made_elsewhere

    def lsh_pairs(self, keys: np.ndarray, shingles: np.ndarray, bounds: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """The :class:`wirewash.tasks.reuse.overlap.LshSource` hook: stored signatures where known, signing only the rest."""
        o = self.options
        sigs, origin = gather_signatures(keys, shingles, bounds, rows, self._sources(), o)
        new = np.flatnonzero(origin >= self._from_index)  # new to the index: signed by a worker or here
        # a first run's texts are all new: their signatures are kept as they are, not copied
        self._new_sigs = (keys, sigs) if new.size == keys.size else (keys[new], sigs[new])
        self._live_texts = sorted_unique(keys)
        self.stats.update({"texts_signed": int(new.size), "texts_from_index": int(keys.size - new.size),
                           "texts_from_workers": int(np.count_nonzero(origin[new] < len(self._sources())))})
        pairs = self.store.lsh_pairs(self._head, keys, sigs, rows, threshold=o.lsh_threshold, seed=o.seed)
        if self.generation is not None:
            # staged now rather than after verification: the new signatures (~128 bytes a text) would otherwise
            # stay in memory through the anchors and the verification, the reuse stage's highest point
            del sigs
            self.stage(self.generation)
        return pairs

    def stage(self, generation: str) -> IndexCommit:
        """Write the new entries aside; the returned :class:`IndexCommit` makes them live at the run's commit.

        Called after the LSH candidates are found (the new signatures are known then): by :meth:`lsh_pairs`
        itself when the session was given its ``generation``, and then asking again returns that commit. The
        session lets go of the entries it kept for it, so the caller may stage before it makes the pair records."""
        if self._commit is not None:
            if generation != self.generation:
                raise ValueError(f"staged as generation {self.generation!r}, not {generation!r}")
            return self._commit
        files = {file: [run, digest] for file, (run, digest) in self._files.items()}
        # the new entries go as the paragraphs' encoding and a row of it per key: a store gathers what it writes
        contents = self._new_contents or (np.empty(0, np.uint64), encode_paragraphs([]), np.empty(0, np.int64))
        head = self._head if self._head is not None else Head(self.fingerprint)
        sigs = self._new_sigs if self._new_sigs is not None else (np.empty(0, np.uint64),
                                                                  np.empty((0, self.options.num_perm), np.uint32))
        # staged once: what was kept for it goes now (a corpus's encodings and signatures, hundreds of megabytes)
        self._new_contents = self._new_sigs = None
        commit = self.store.stage(generation, head, contents, sigs, sorted_unique(self._keys), self._live_texts, files)
        data = dict(commit.head)
        data["fingerprint"] = self.fingerprint
        self._commit = replace(commit, head=data)
        self.generation = generation
        return self._commit


def open_store(params: RunParams, fingerprint: str) -> IndexStore:
    """The store a run's parameters name: embedded under its state folder, or a Redis server.

    Raises :class:`IndexBackendUnavailableError` when the Redis server cannot be reached.
    """
    if params.reuse_index == "redis":
        from wirewash.tasks.reuse.index_redis import RedisStore

        return RedisStore(params.redis_host, params.redis_port, params.redis_prefix, fingerprint,
                          threshold=params.lsh_threshold, num_perm=params.num_perm)
    from wirewash.tasks.reuse.index_embedded import EmbeddedStore

    return EmbeddedStore(params.state)


def commit_index(commit: IndexCommit | None) -> None:
    """Make a staged generation live: one atomic head replacement, then remove what no head names.

    Called by the flow after the run's outputs are published. A crash
    before the head is replaced leaves the previous index as it was; a crash
    after it only leaves garbage that the next commit removes.
    """
    if commit is None:
        return
    if commit.backend in ("embedded", "archive"):  # the archive keeps its segments the same way
        from wirewash.tasks.store.atomic import write_atomic

        root = Path(commit.location)
        write_atomic(root / HEAD_NAME, json.dumps(commit.head, indent=1, sort_keys=True).encode())
        live = set(commit.head["segments"])
        for path in root.iterdir():
            if path.is_dir() and path.name.removeprefix(".").removesuffix(".staging") not in live:
                shutil.rmtree(path, ignore_errors=True)
        return
    from wirewash.tasks.reuse.index_redis import commit_redis

    commit_redis(commit)


def index_size(state: Path) -> int:
    """Bytes the embedded index takes on disk (for the summary and benchmarks)."""
    root = Path(state) / INDEX_DIR
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0
