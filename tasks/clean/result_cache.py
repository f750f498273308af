"""What each raw file cleaned to, filed under ``<state>/cache/`` by cache key, and read back in a run's order.

:class:`ResultCache` is the store (the keys, and when an entry still holds,
are :mod:`wirewash.tasks.clean.cache`'s and the plan's business). A
:class:`DocumentShelf` names the whole documents of a run, in the order the
writers want them; it is plain data (a folder and names), so a process of
its own can read the documents back while the flow goes on. This module
imports no cleaning code: such a process starts in a tenth of the memory.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from wirewash.tasks.records import Document, Quarantine, decode_result, result_bytes
from wirewash.tasks.store.atomic import write_atomic
from wirewash.tasks.store.outputs import with_id


class CacheEntryLostError(RuntimeError):
    """A result filed in the cache earlier in the run could not be read back (the state folder was changed
    under a running run)."""


def belongs_to(item: Document | Quarantine, source: str) -> bool:
    """Whether a result is the raw file ``source``'s own: the file itself, or a record of it (``source#record``)."""
    return item.source == source or item.source.startswith(source + "#")


class ResultCache:
    """Cleaning results by cache key, one JSON file each under ``<state>/cache/``."""

    def __init__(self, state_dir: Path) -> None:
        self.root = state_dir / "cache"

    def _path(self, key: str, kind: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.json"

    def get_results(self, key: str, source: str) -> list[Document | Quarantine] | None:
        """What ``source`` cleaned to under ``key``; None when missing, unreadable or not ``source``'s own."""
        try:
            out = [decode_result(item) for item in json.loads(self._path(key, "results").read_text())]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return out if all(belongs_to(item, source) for item in out) else None

    def put_results(self, key: str, results: list[Document | Quarantine]) -> None:
        self.put_encoded(key, [result_bytes(item) for item in results])

    def put_encoded(self, key: str, items: list[bytes]) -> None:
        """Store results already encoded (each the JSON of :func:`encode_result`), as a batch's spill holds them:
        the flow files a worker's results without decoding them."""
        write_atomic(self._path(key, "results"), b"[" + b", ".join(items) + b"]", durable=False)

    def get_lines(self, key: str) -> list[tuple[str, list[str]]] | None:
        """The (outlet, template-candidate lines) pairs a raw file's text records gave, by :func:`lines_key`."""
        try:
            return [(outlet, lines) for outlet, lines in json.loads(self._path(key, "lines").read_text())]
        except (OSError, ValueError, TypeError):
            return None

    def put_lines(self, key: str, entries: list[tuple[str, list[str]]]) -> None:
        write_atomic(self._path(key, "lines"), json.dumps(entries, ensure_ascii=False).encode(), durable=False)

    def prune(self, keep_results: set[str], keep_lines: set[str]) -> int:
        """Remove entries no current raw file needs; return how many went."""
        removed = 0
        for kind, keep in (("results", keep_results), ("lines", keep_lines)):
            for path in (self.root / kind).glob("*/*.json"):
                if path.stem not in keep:
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed


@dataclass(frozen=True)
class ShelvedDocument:
    """Where one document of a run is filed: its raw ``file``, the cache ``key`` of that file's results, the id
    cleaning gave it (``filed_id``) and the id the run's outputs give it (``id``: another where two inputs
    shared one name, :func:`wirewash.tasks.store.outputs.assign_unique_ids`)."""

    file: str
    key: str
    filed_id: str
    id: str


@dataclass(frozen=True)
class DocumentShelf:
    """A run's whole documents (segments included) in the writers' order, as names: read back when asked."""

    state: Path
    entries: tuple[ShelvedDocument, ...]

    def documents(self) -> Iterator[Document]:
        """The whole documents, in ``entries``' order, each under its run id; one file's results held at a time."""
        cache = ResultCache(self.state)
        loaded: tuple[str, dict[str, Document]] = ("", {})
        for entry in self.entries:
            if loaded[0] != entry.file:
                items = cache.get_results(entry.key, entry.file)
                if items is None:
                    raise CacheEntryLostError(f"the cleaning results of {entry.file!r} vanished from "
                                              f"{cache.root} during the run")
                loaded = (entry.file, {item.id: item for item in items if isinstance(item, Document)})
            doc = loaded[1][entry.filed_id]
            yield doc if entry.id == entry.filed_id else with_id(doc, entry.id)
