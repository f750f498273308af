"""Incremental runs: a manifest of raw files by content hash and a cache of what each cleaned to.

A nightly run over a growing ``raw/`` should only clean what is new or
changed. Each raw file is identified by the SHA-256 of its bytes (size and
mtime only decide whether the hash must be recomputed). What a file cleaned
to is cached under a key that covers everything its cleaning depends on:

* the file's content hash *and its path*: the path names the document (its
  id, its ``source``, every paragraph id) and its outlet folder, so two
  byte-identical files, or one file renamed or moved to another outlet, never
  share an entry and never get each other's identity back;
* the outlets its records belong to;
* every module of the cleaning code, the libraries it uses and the parameters
  that shape cleaning (:func:`cleaning_fingerprint`, computed from the imports,
  not from a hand-kept list);
* for text scrapes, the outlet's template lines that occur in the file,
  because a line becomes template when enough *other* stories repeat it.

A cached result is checked on the way out as well: an entry whose documents
name another file is a miss, never an answer.

A stamp is trusted only when the file's modification time is safely older than
the moment it was hashed: a file rewritten within the file system's timestamp
granularity of its last hashing keeps its size and mtime, so such a "racy"
stamp is hashed again next run (as git does for its index).

Every cache and manifest write goes to a temporary file that is renamed into
place, so a crash never leaves a half-written entry; an entry that cannot be
read is treated as missing and the file is simply cleaned again.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from wirewash.tasks.clean.cleaner import template_candidates, with_repaired_lines
from wirewash.tasks.clean.fingerprint import fingerprint_code
from wirewash.tasks.read.intake import RawText, read_source
from wirewash.tasks.read.spill import SpilledText, spill_texts
from wirewash.tasks.records import Quarantine
from wirewash.tasks.store.atomic import write_atomic

CLEANING_ENTRIES = ("wirewash.tasks.read.intake", "wirewash.tasks.clean.cleaner", "wirewash.tasks.clean.cache")
"""The modules whose functions make what the cache keeps (reading, template candidates, cleaning, the cache's
own encoding); everything they import is found from them."""
PACKAGE_DIR = Path(__file__).resolve().parents[1]
"""The folder of ``wirewash.tasks`` (the repository's ``tasks/``, or the installed package's)."""
MANIFEST_NAME = "manifest.json"
RACY_NS = 2_000_000_000
"""A file modified less than this before it was hashed may change again without its mtime moving (coarse file
system clocks; FAT's is 2 s): its stamp is not trusted next run."""


@dataclass(frozen=True)
class FileStamp:
    """What the manifest remembers of a raw file."""

    sha256: str
    size: int
    mtime_ns: int


def hash_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (memory stays flat for any size)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(state_dir: Path) -> dict[str, FileStamp]:
    """The manifest of the last committed run (empty when there is none or it is unreadable)."""
    try:
        data = json.loads((state_dir / MANIFEST_NAME).read_text())
        return {source: FileStamp(**stamp) for source, stamp in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_manifest(state_dir: Path, stamps: dict[str, FileStamp]) -> None:
    files = {source: stamp.__dict__ for source, stamp in sorted(stamps.items())}
    write_atomic(state_dir / MANIFEST_NAME, json.dumps({"files": files}, indent=1).encode())


def stamp_files(raw_dir: Path, sources: Iterable[str], previous: dict[str, FileStamp]) -> dict[str, FileStamp]:
    """A stamp per source, re-hashing only files whose size or modification time changed.

    A file hashed within :data:`RACY_NS` of its modification is stamped with
    ``mtime_ns = -1``, which no file has, so the next run hashes it again.
    """
    stamps: dict[str, FileStamp] = {}
    for source in sources:
        try:
            stat = (raw_dir / source).stat()
        except OSError:
            continue  # vanished since listing: the read stage quarantines it
        old = previous.get(source)
        if old is not None and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns:
            stamps[source] = old
            continue
        try:
            sha256 = hash_file(raw_dir / source)
        except OSError:
            continue  # unreadable: no stamp, so it is read (and quarantined) afresh every run
        racy = time.time_ns() - stat.st_mtime_ns < RACY_NS
        stamps[source] = FileStamp(sha256, stat.st_size, -1 if racy else stat.st_mtime_ns)
    return stamps


class FileRead(NamedTuple):
    """What one raw file yielded, and the template candidates of its text records as (outlet, lines)."""

    items: list[RawText | SpilledText | Quarantine]
    candidates: list[tuple[str, list[str]]]


def read_files(raw_dir: Path, sources: list[str], max_bytes: int) -> dict[str, FileRead]:
    """Read a batch of raw files, keeping what each file yielded together (the cache's unit is the file).

    Template candidates are taken here, in the worker that read the file,
    rather than by the flow afterwards: repairing every line is real work.
    """
    out: dict[str, FileRead] = {}
    for source in sources:
        items = [with_repaired_lines(raw) if isinstance(raw, RawText) else raw
                 for raw in read_source(raw_dir, source, max_bytes)]
        out[source] = FileRead(items, [(raw.outlet, template_candidates(raw)) for raw in items if isinstance(raw, RawText)])
    return out


def read_files_to_spill(raw_dir: Path, sources: list[str], max_bytes: int, spill: Path) -> dict[str, FileRead]:
    """:func:`read_files`, the batch's texts left in ``spill`` for the clean tasks (each item a
    :class:`~wirewash.tasks.read.spill.SpilledText`): the flow receives names and candidates, not text."""
    read = read_files(raw_dir, sources, max_bytes)
    spilled = iter(spill_texts([raw for done in read.values() for raw in done.items if isinstance(raw, RawText)], spill))
    return {source: FileRead([next(spilled) if isinstance(raw, RawText) else raw for raw in done.items], done.candidates)
            for source, done in read.items()}


def cleaning_fingerprint(params: dict[str, Any], package_dir: Path | None = None) -> str:
    """A digest of everything besides the input that shapes cleaning: every module the cleaning entry points
    reach through their imports (under ``package_dir``, default :data:`PACKAGE_DIR`), the libraries they use
    with their versions, and the parameters."""
    return fingerprint_code(package_dir or PACKAGE_DIR, CLEANING_ENTRIES, json.dumps(params, sort_keys=True, default=str))


def lines_key(source: str, stamp: FileStamp) -> str:
    """The key of a raw file's template candidates: its content *at its path* (the path decides the outlet)."""
    return hashlib.sha256(f"{source}\n{stamp.sha256}".encode()).hexdigest()


def cache_key(source: str, stamp: FileStamp, outlets: Iterable[str], fingerprint: str,
              template_lines: Iterable[str]) -> str:
    """The cache key of one raw file's cleaning result: path, content, outlets, code and parameters, template lines."""
    digest = hashlib.sha256(f"{source}\n{stamp.sha256}\n{fingerprint}\n".encode())
    for outlet in sorted(set(outlets)):
        digest.update(b"outlet\t" + outlet.encode() + b"\n")
    for line in sorted(template_lines):
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


# --- Prefect shell -----------------------------------------------------------------------------
from prefect import task  # noqa: E402  (the pure functions above never need Prefect)
from prefect.cache_policies import NO_CACHE  # noqa: E402

from wirewash.tasks.payload import returns_payload  # noqa: E402

# NO_CACHE: results are never persisted, and Prefect's default policy would hash every input of every run
# a payload: Prefect's process pool would unpickle the result twice in the flow (wirewash.tasks.payload)
read_files_task = task(returns_payload(read_files_to_spill), name="read-files", retries=2, retry_delay_seconds=1,
                       cache_policy=NO_CACHE)
