"""The reuse index in Redis: the same entries as the embedded store, for several workers sharing one index.

Encodings and signatures live in Redis hashes keyed by content and text
identity, LSH bands in a :class:`datasketch.MinHashLSH` with Redis
``storage_config``, and the head under one key, replaced by one ``SET`` at
commit (:func:`commit_redis`). Content-keyed entries are immutable facts
about a text and may be written early; only the head decides what the index
holds (see :mod:`wirewash.tasks.reuse.index`).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from wirewash.tasks.reuse.arrays import sorted_lookup, unique_pairs
from wirewash.tasks.reuse.index import Head, IndexBackendUnavailableError, IndexCommit
from wirewash.tasks.reuse.shingle import Encoded, sentence_bounds


def _pack_encoding(enc: Encoded, row: int, bounds: np.ndarray) -> bytes:
    # bounds: the encoding's sentence_bounds, made once for all its rows
    lo, hi = int(enc.offsets[row]), int(enc.offsets[row + 1])
    sentences = np.arange(bounds[row], bounds[row + 1])
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
        hit_a, pos_a = sorted_lookup(sorted_keys, old_pairs[:, 0])
        hit_b, pos_b = sorted_lookup(sorted_keys, old_pairs[:, 1])
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
        hit, pos = sorted_lookup(sorted_keys, other)
        queried = np.stack([np.array(asking, np.int64)[hit], order[pos[hit]]], axis=1) if hit.any() else np.empty((0, 2), np.int64)
        pieces.append(queried[queried[:, 0] != queried[:, 1]])
        local = unique_pairs(np.concatenate(pieces))
        self.pairs = np.sort(keys[local], axis=1) if len(local) else np.empty((0, 2), np.uint64)
        return np.sort(rows[local], axis=1) if len(local) else np.empty((0, 2), np.int64)

    def stage(self, generation: str, head: Head | None, contents: tuple[np.ndarray, Encoded, np.ndarray],
              signatures: tuple[np.ndarray, np.ndarray], live_contents: np.ndarray, live_texts: np.ndarray,
              files: dict[str, list[str]]) -> IndexCommit:
        keys, enc, rows = contents
        pipe = self.client.pipeline(transaction=False)
        bounds = sentence_bounds(enc)
        for name, row in zip(_key_bytes(keys), rows.tolist()):
            pipe.hset(self._k("content", self.fingerprint), name, _pack_encoding(enc, row, bounds))
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


def commit_redis(commit: IndexCommit) -> None:
    """Make a staged Redis generation live: replace the head, then drop what only the previous generation held."""
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
