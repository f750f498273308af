"""A run's cleaning plan: which raw files must be read and cleaned, and which earlier results still hold.

The flow reads and cleans in batches of task runs; what it asks for, and what it may take from the state
folder instead, is decided here, from the manifest of raw files and the result cache
(:mod:`wirewash.tasks.clean.cache`):

1. :meth:`CleaningPlan.unread` — the files whose template candidates are not cached (new or changed
   files, or all of them under ``--full``): they must be read first;
2. :meth:`CleaningPlan.outlet_templates` — every outlet's template lines, from all files' candidates;
3. :meth:`CleaningPlan.take_cached` — the files whose cleaning result is cached under a key that covers
   their content, path, outlets, template lines, the cleaning code and its parameters; the rest must be
   cleaned;
4. :meth:`CleaningPlan.record_cleaned`, then :meth:`CleaningPlan.results` in source order, and
   :meth:`CleaningPlan.commit` once the run's outputs are published (manifest saved, stale entries pruned).

Nothing here runs tasks; the flow does, and hands the plan what they returned.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from wirewash.tasks.clean.cache import (FileRead, FileStamp, cache_key, cleaning_fingerprint, lines_key, load_manifest,
                                        save_manifest, stamp_files)
from wirewash.tasks.clean.cleaner import find_outlet_templates
from wirewash.tasks.clean.result_cache import DocumentShelf, ResultCache, ShelvedDocument
from wirewash.tasks.params import RunParams
from wirewash.tasks.read.intake import RawText
from wirewash.tasks.read.spill import SpilledText
from wirewash.tasks.records import Document, Quarantine, result_bytes

Candidates = list[tuple[str, list[str]]]
"""A file's (outlet, template-candidate lines) pairs, one per text record."""


class CleanedItem(NamedTuple):
    """One result of a file as the flow holds it: a quarantine or a document's head, and where a worker
    spilled the whole record (:class:`SpillLines`), or None for a result the flow made itself."""

    result: Document | Quarantine
    spilled: tuple[Path, int] | None = None


class SpillLines:
    """Lines of the batches' spill files (:func:`~wirewash.tasks.clean.cleaner.clean_batch_to_spill`), one
    file held at a time: a file's results sit in one batch or in consecutive ones."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.lines: list[bytes] = []

    def line(self, where: tuple[Path, int]) -> bytes:
        path, number = where
        if path != self.path:
            self.path, self.lines = path, path.read_bytes().split(b"\n")
        return self.lines[number]


class CleaningPlan:
    """What a run reads and cleans, and what it takes from earlier runs (see the module's steps)."""

    def __init__(self, params: RunParams, sources: list[str]) -> None:
        self.params, self.sources = params, sources
        self.cache = ResultCache(params.state)
        self.fingerprint = cleaning_fingerprint(params.cleaning_parameters())
        self.previous: dict[str, FileStamp] = load_manifest(params.state)  # under --full too: deletions count
        self.stamps = stamp_files(params.raw, sources, {} if params.full else self.previous)
        self.lines_keys = {source: lines_key(source, stamp) for source, stamp in self.stamps.items()}
        self.candidates: dict[str, Candidates | None] = {
            source: None if params.full or source not in self.stamps else self.cache.get_lines(self.lines_keys[source])
            for source in sources
        }
        self.keys: dict[str, str] = {}
        self.done: dict[str, list[Document | Quarantine]] = {}
        self.filed: dict[str, str] = {}  # raw file -> the cache key its whole results are filed under this run
        self.file_of: dict[str, str] = {}  # a result's source -> its raw file
        self.to_clean: list[str] = []

    def unread(self) -> list[str]:
        """The files whose template candidates are unknown: they are read before anything is cleaned."""
        return [source for source in self.sources if self.candidates[source] is None]

    def record_read(self, read: dict[str, FileRead]) -> dict[str, list[RawText | SpilledText | Quarantine]]:
        """Keep (and cache) what reading found out about each file's candidates; return what was read."""
        for source, done in read.items():
            self.candidates[source] = done.candidates
            if source in self.stamps:
                self.cache.put_lines(self.lines_keys[source], done.candidates or [])
        return {source: done.items for source, done in read.items()}

    def outlet_templates(self) -> dict[str, frozenset[str]]:
        """Every outlet's template lines: lines it repeats in enough of its stories."""
        pairs = (pair for source in self.sources for pair in self.candidates[source] or [])
        return find_outlet_templates(pairs, self.params.template_min_docs)

    def take_cached(self, templates: dict[str, frozenset[str]]) -> list[str]:
        """Take every cached result whose key still holds; return the files that must be cleaned, in order."""
        for source in self.sources:
            if source not in self.stamps:
                continue
            found = self.candidates[source] or []
            lines = {line for outlet, candidates in found for line in candidates
                     if line in templates.get(outlet, frozenset())}
            self.keys[source] = cache_key(source, self.stamps[source], (outlet for outlet, _ in found),
                                          self.fingerprint, lines)
        # the keys hold what the candidates decided: a 22,000-file run held ~60 MB of them through every
        # later stage (nothing after this asks for them; the cache keeps them for the next run)
        self.candidates = {}
        if not self.params.full:
            for source, key in self.keys.items():
                cached = self.cache.get_results(key, source)
                if cached is not None:
                    self._keep(source, cached, key)
        self.to_clean = [source for source in self.sources if source not in self.done]
        return self.to_clean

    def record_cleaned(self, cleaned: dict[str, list[CleanedItem]]) -> None:
        """File what cleaning gave each file in the cache, and keep its documents' heads.

        A document's whole record is read from its batch's spill (the worker wrote it there) and filed
        without being decoded; a file that has no stamp is filed under a key of this run only, which the
        next run never looks up and :meth:`commit` prunes.
        """
        spills = SpillLines()
        for source, items in cleaned.items():
            key = self.keys.get(source) or hashlib.sha256(f"unstamped\0{source}".encode()).hexdigest()
            self.cache.put_encoded(key, [spills.line(item.spilled) if item.spilled else
                                         result_bytes(item.result)
                                         for item in items])
            self._keep(source, [item.result for item in items], key)

    def results(self) -> list[Document | Quarantine]:
        """Every document (its head: :meth:`Document.head`) and quarantine of the run, in source order."""
        return [item for source in self.sources for item in self.done.get(source, [])]

    def shelf(self, wanted: Iterable[tuple[str, str, str]]) -> DocumentShelf:
        """Where the whole documents (segments included) of ``(source, id cleaning gave it, id in the outputs)``
        triples are filed, in that order (:class:`~wirewash.tasks.clean.result_cache.DocumentShelf`)."""
        entries = []
        for source, filed_id, doc_id in wanted:
            file = self.file_of[source]  # a record's source is its file's, plus ``#record``
            entries.append(ShelvedDocument(file, self.filed[file], filed_id, doc_id))
        return DocumentShelf(self.params.state, tuple(entries))

    def _keep(self, file: str, results: list[Document | Quarantine], key: str) -> None:
        """Hold ``file``'s results, each document as its head, their whole records filed under ``key``."""
        self.filed[file] = key
        self.done[file] = [item.head() if isinstance(item, Document) else item for item in results]
        self.file_of.update((item.source, file) for item in results)

    def counts(self) -> dict[str, int]:
        """Files cleaned by this run, taken from the cache, and gone since the last run (their outputs with them)."""
        return {"files_cleaned": len(self.to_clean), "files_from_cache": len(self.sources) - len(self.to_clean),
                "files_deleted": len(set(self.previous) - set(self.sources))}

    def commit(self) -> None:
        """After the run's outputs are published: remember the files as seen, and drop entries no file needs."""
        save_manifest(self.params.state, self.stamps)
        self.cache.prune(set(self.keys.values()), set(self.lines_keys.values()))
