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

from wirewash.tasks.clean.cache import (FileRead, FileStamp, ResultCache, cache_key, cleaning_fingerprint, lines_key,
                                        load_manifest, save_manifest, stamp_files)
from wirewash.tasks.clean.cleaner import find_outlet_templates
from wirewash.tasks.params import RunParams
from wirewash.tasks.read.intake import RawText
from wirewash.tasks.records import Document, Quarantine

Candidates = list[tuple[str, list[str]]]
"""A file's (outlet, template-candidate lines) pairs, one per text record."""


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
        self.to_clean: list[str] = []

    def unread(self) -> list[str]:
        """The files whose template candidates are unknown: they are read before anything is cleaned."""
        return [source for source in self.sources if self.candidates[source] is None]

    def record_read(self, read: dict[str, FileRead]) -> dict[str, list[RawText | Quarantine]]:
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
        if not self.params.full:
            for source, key in self.keys.items():
                cached = self.cache.get_results(key, source)
                if cached is not None:
                    self.done[source] = cached
        self.to_clean = [source for source in self.sources if source not in self.done]
        return self.to_clean

    def record_cleaned(self, cleaned: dict[str, list[Document | Quarantine]]) -> None:
        """Keep (and cache) what cleaning gave each file."""
        for source, items in cleaned.items():
            self.done[source] = items
            if source in self.keys:
                self.cache.put_results(self.keys[source], items)

    def results(self) -> list[Document | Quarantine]:
        """Every document and quarantine of the run, in source order."""
        return [item for source in self.sources for item in self.done.get(source, [])]

    def counts(self) -> dict[str, int]:
        """Files cleaned by this run, taken from the cache, and gone since the last run (their outputs with them)."""
        return {"files_cleaned": len(self.to_clean), "files_from_cache": len(self.sources) - len(self.to_clean),
                "files_deleted": len(set(self.previous) - set(self.sources))}

    def commit(self) -> None:
        """After the run's outputs are published: remember the files as seen, and drop entries no file needs."""
        save_manifest(self.params.state, self.stamps)
        self.cache.prune(set(self.keys.values()), set(self.lines_keys.values()))
