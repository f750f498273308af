"""The reuse archive: every batch ever run, kept on disk, and each new batch queried against it.

The persistent index (:mod:`wirewash.tasks.reuse.index`) serves a growing ``raw/``
that holds the whole corpus: every run reports reuse across all of it, so a
run's time and memory grow with the corpus. The archive serves the nightly
case where ``raw/`` holds only the new batch (``--reuse-index archive``): a
run reports the reuse of the batch's paragraphs, among themselves and against
every paragraph archived by earlier runs, and its cost grows with the batch
and with what the batch reuses, not with the archive.

What the archive keeps, per segment (one folder per committed run, arrays
read memory-mapped, ``.npy``):

* **postings** of every anchor a text has, as sorted ``(key, text)`` pairs:
  word runs (``run``), sentences (``sentence``), short-paragraph anchors
  (``short``) and LSH band keys (``band``) - exactly the keys
  :func:`wirewash.tasks.reuse.overlap.verify_corpus` groups texts by;
* **texts** (normalised-text identity hash -> a global text number, and
  each text's length) and **paragraphs** (their text, their file, and a
  JSON record: where they live, what they say, the run that archived them,
  their document's length).

A query proposes candidates from the postings: every archived text sharing an
anchor or a band key with a batch text. An anchor the archive and the batch
hold together more than ``max_anchor_fanout`` times is boilerplate, as in a
single run; the counts come from the postings, so the verdict is the whole
corpus's. The batch, the candidates and every archived paragraph carrying a
candidate text then go through the very code a single run uses
(:func:`wirewash.tasks.reuse.overlap.verify_corpus`, :func:`wirewash.tasks.reuse.overlap.report_overlaps`
with the batch as focus). So the verified pairs are exactly those one run over
the archive plus the batch finds with a batch paragraph on one side, and the
report is what that run's verdicts give with the batch as focus
(tests/reuse/test_reuse_archive.py checks both); clusters group the batch's
near-duplicates with the archived copies they match (an archived cluster is
not rebuilt).

A file of the batch that the archive already holds replaces its archived
version: the old paragraphs are out of the query, and out of the archive once
the run commits (the roster names the segment holding each file's live
version). Nothing is ever deleted otherwise: the archive is append-only.

Commit is the persistent index's: a new segment is written aside and renamed
into place, then one atomic rename of ``index.json`` (the head: roster, live
segments, fingerprint) makes it live (:func:`wirewash.tasks.reuse.index.commit_index`).
A head written by other code or parameters (another fingerprint) is rebuilt
from the archived records, so nothing archived is lost to an upgrade.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from wirewash.tasks.params import DetectorOptions
from wirewash.tasks.reuse.anchors import AnchorKind, sentence_anchors, short_anchor_words, short_anchors
from wirewash.tasks.reuse.overlap import OverlapResult, report_overlaps
from wirewash.tasks.reuse.verify import Handover, SignHere, verify_corpus
from wirewash.tasks.reuse.minhash import band_key, lsh_params
from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.index import HEAD_NAME, IndexCommit, batch_tag, file_digests
from wirewash.tasks.reuse.segment import EntrySource, content_keys, encode_texts, gather_signatures
from wirewash.tasks.reuse.archive_segment import POSTING_KINDS as KINDS
from wirewash.tasks.reuse.archive_segment import (ArchiveSegment, encode_record, is_member, live_files, merge_newest,
                                                  sorted_postings, write_segment)
from wirewash.tasks.reuse.arrays import sorted_unique
from wirewash.tasks.reuse.shingle import DistinctTexts, collapse_identical, hash_ngrams, shingle_paragraphs

ARCHIVE_DIR = "reuse-archive"
ARCHIVE_FORMAT = 1
_CODE = ("normalise.py", "shingle.py")  # tokenising and hashing
_PROBE = (  # texts whose anchors witness how :func:`read_texts` forms anchors (see archive_fingerprint)
    "The U.S. State Department said on Monday that Blinken would travel to Beijing, officials said.",
    "“We are not going to accept it,” she said — and 3.5% of 1,200 voters agreed. Read more.",
    "Президент заявил в понедельник, что переговоры продолжатся на следующей неделе в Пекине.",
    "国务卿布林肯周一抵达北京，与中国官员举行会谈。",
    "Short one.",
)


def archive_fingerprint(options: DetectorOptions) -> str:
    """What archived postings depend on: the format, the detector's parameters, the hashing code, the anchors.

    The tokeniser's module is hashed as source; how anchors, signatures
    and band keys are formed from its tokens (:func:`read_texts`) is
    witnessed by the anchors of a few probe texts in several scripts, so an
    edit elsewhere in the detector does not force a rebuild of a large
    archive, and a change of what is stored does.
    """
    # the LSH backend is left out: both backends band alike, so it changes nothing stored
    settings = {name: value for name, value in asdict(options).items() if name != "lsh_backend"}
    digest = hashlib.sha256(f"{ARCHIVE_FORMAT}|{json.dumps(settings, sort_keys=True)}".encode())
    here = Path(__file__).resolve().parent
    for name in _CODE:
        digest.update((here / name).read_bytes())
    probe = [ParagraphRef(f"p{i}", f"p{i}", "", (1, 1), 0, text) for i, text in enumerate(_PROBE)]
    for kind, (keys, owners) in sorted(read_texts(probe, options).anchors.items()):
        digest.update(kind.encode() + keys.tobytes() + owners.tobytes())
    return digest.hexdigest()[:16]


# --- anchors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchTexts:
    """A batch's paragraphs as distinct texts, with every anchor each text has (``kind -> (keys, text numbers)``)."""

    texts: DistinctTexts
    words: np.ndarray  # tokens per text
    anchors: dict[str, tuple[np.ndarray, np.ndarray]]
    doc_size: np.ndarray  # per paragraph, the paragraphs of its document


def read_texts(refs: Sequence[ParagraphRef], options: DetectorOptions, sources: Sequence[EntrySource] = ()) -> BatchTexts:
    """Encode paragraphs, fold identical texts and list each text's anchors, as :func:`verify_corpus` forms them.

    Encodings and signatures the clean workers made (``sources``) are looked up, not made again.
    """
    encoded = encode_texts([r.text for r in refs], sources)
    doc_index: dict[str, int] = {}
    docs = np.array([doc_index.setdefault(r.doc_id, len(doc_index)) for r in refs], dtype=np.int64)
    texts = collapse_identical(encoded, docs)
    enc = texts.tokens
    k, min_shingles = options.shingle_size, options.min_shingles
    shingles, bounds = shingle_paragraphs(enc.hashes, enc.offsets, k)
    anchors: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "run": hash_ngrams(enc.hashes, enc.offsets, options.shared_min_words),
        "sentence": sentence_anchors(encoded, texts.unit_of, options.shared_sentence_min_words),
        "short": short_anchors(enc, shingles, bounds, words=short_anchor_words(k, options.shared_min_words),
                               min_shingles=min_shingles),
    }
    signed = np.flatnonzero(np.diff(bounds) >= min_shingles)
    assert texts.keys is not None
    sigs, _ = gather_signatures(texts.keys[signed], shingles, bounds, signed, sources, options)
    bands, rows = lsh_params(options.lsh_threshold, options.num_perm)
    anchors["band"] = (np.concatenate([band_key(sigs, b, rows) for b in range(bands)] or [np.zeros(0, np.uint64)]),
                       np.tile(signed, bands))
    for kind, (keys, owners) in anchors.items():
        anchors[kind] = _unique_postings(keys, owners.astype(np.int64))
    return BatchTexts(texts, np.diff(enc.offsets), anchors, np.bincount(docs)[docs] if docs.size else docs)


def _unique_postings(keys: np.ndarray, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(key, owner)`` pairs sorted by key then owner, repeats removed."""
    order = np.lexsort((owners, keys))
    keys, owners = keys[order], owners[order]
    keep = np.ones(keys.size, bool)
    keep[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
    return keys[keep], owners[keep]


# --- the archive ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverusedAnchors:
    """The :class:`wirewash.tasks.reuse.overlap.AnchorFilter` of a query: anchors held too often by archive and batch together."""

    over: dict[str, np.ndarray]  # kind -> sorted keys

    def drop(self, kind: AnchorKind, anchors: np.ndarray) -> np.ndarray:
        return is_member(anchors, self.over.get(kind, np.zeros(0, np.uint64)))


class Archive:
    """An archive folder: its head, its segments, and what a batch's query and commit need from them."""

    def __init__(self, state: Path, options: DetectorOptions, *, head: dict[str, Any] | None = None) -> None:
        """Open the committed head (or ``head``, as given); a head of another fingerprint is left in ``stale``."""
        self.root = Path(state) / ARCHIVE_DIR
        self.options = options
        self.fingerprint = archive_fingerprint(options)
        found = head if head is not None else self._read_head()
        fits = found is not None and (head is not None or found.get("fingerprint") == self.fingerprint)
        self.head: dict[str, Any] = found if fits and found is not None else self._empty_head()
        self.stale = None if fits else found
        self.segments = [ArchiveSegment.open(self.root / name) for name in self.head["segments"]]

    def _read_head(self) -> dict[str, Any] | None:
        try:
            head = json.loads((self.root / HEAD_NAME).read_text())
        except (OSError, ValueError):
            return None
        return head if head.get("format") == ARCHIVE_FORMAT else None

    def _empty_head(self) -> dict[str, Any]:
        return {"format": ARCHIVE_FORMAT, "fingerprint": self.fingerprint, "generation": "", "segments": [], "files": {},
                "texts": 0}

    def archived_refs(self) -> Iterator[ParagraphRef]:
        """Every live archived paragraph (with the run that archived it), segment by segment."""
        for seg in self.segments:
            alive = self._file_alive(seg, frozenset())
            for ref, _ in seg.records(np.flatnonzero(alive[seg.array("para_file")])):
                yield ref

    def _file_alive(self, seg: ArchiveSegment, replaced: frozenset[str]) -> np.ndarray:
        return live_files(self.head["files"], seg, replaced)

    def text_numbers(self, keys: np.ndarray) -> np.ndarray:
        """The archive's number of each text identity hash, -1 where the archive has not seen the text."""
        out = np.full(keys.size, -1, np.int64)
        order = np.argsort(keys, kind="stable")
        for seg in self.segments:
            number, position = sorted_postings(seg.array("text_keys_sorted"), seg.array("text_by_key"), keys[order])
            out[order[number]] = position + seg.text_base
        return out

    def text_words(self, texts: np.ndarray) -> np.ndarray:
        """Tokens per archived text."""
        out = np.zeros(texts.size, np.int64)
        for seg in self.segments:
            mine = (texts >= seg.text_base) & (texts < seg.text_base + seg.text_count)
            out[mine] = seg.array("text_words")[texts[mine] - seg.text_base]
        return out

    def dead_texts(self, replaced: frozenset[str]) -> np.ndarray:
        """Archived texts no live paragraph carries (sorted): every copy is of a replaced or superseded file.

        Found from the few dead paragraphs rather than by checking every
        text a query meets: only a dead paragraph's text can be dead, or a
        text no paragraph carries any more (a merge leaves dead paragraphs
        behind, while the text's postings stay).
        """
        empty = np.zeros(0, np.int64)
        carried = sorted_unique(np.concatenate([seg.array("para_text") for seg in self.segments] + [empty]))
        everything = np.arange(int(self.head["texts"]), dtype=np.int64)
        orphans = everything[~is_member(everything, carried)]
        suspects = [seg.array("para_text")[~self._file_alive(seg, replaced)[seg.array("para_file")]] for seg in self.segments]
        suspects_sorted = sorted_unique(np.concatenate(suspects + [empty]))
        alive = sorted_unique(np.concatenate([owner for _, _, owner in self.live_paragraphs(suspects_sorted, replaced)] + [empty]))
        return sorted_unique(np.concatenate([orphans, suspects_sorted[~is_member(suspects_sorted, alive)]]))

    def live_paragraphs(self, texts: np.ndarray, replaced: frozenset[str]) -> list[tuple[ArchiveSegment, np.ndarray, np.ndarray]]:
        """Per segment, the live paragraphs carrying the sorted ``texts`` (not of a ``replaced`` file): ``(numbers, text)``."""
        found = []
        for seg in self.segments:
            paragraphs, owner = seg.paragraphs_of(texts)
            alive = self._file_alive(seg, replaced)[seg.array("para_file")[paragraphs]] if paragraphs.size else paragraphs > 0
            found.append((seg, paragraphs[alive], owner[alive]))
        return found


@dataclass
class ArchiveSession:
    """One batch's query of an archive, and the segment its commit adds (see the module docstring)."""

    archive: Archive
    refs: list[ParagraphRef]
    batch: BatchTexts
    numbers: np.ndarray  # the archive's number of each batch text, -1 for texts it has not seen
    digests: dict[str, str]
    unchanged: frozenset[str]
    tag: str
    stats: dict[str, int] = field(default_factory=dict)
    sources: tuple[EntrySource, ...] = ()  # entries the clean workers made this run

    @classmethod
    def open(cls, archive: Archive, refs: Sequence[ParagraphRef], sources: tuple[EntrySource, ...] = ()) -> "ArchiveSession":
        """Read the batch: tag files the archive already holds unchanged with their run; encode and anchor every text."""
        digests = file_digests(refs, content_keys([r.text for r in refs]))
        roster = archive.head["files"]
        unchanged = frozenset(f for f, d in digests.items() if f in roster and roster[f][1] == d)
        tag = batch_tag({f: d for f, d in digests.items() if f not in unchanged})
        tagged = [replace(r, run=roster[r.file][0]) if r.file in unchanged else r for r in refs]
        batch = read_texts(tagged, archive.options, sources)
        assert batch.texts.keys is not None
        from_archive = sum(1 for r in tagged if r.file in unchanged)
        stats = {"paragraphs_from_index": from_archive, "paragraphs_indexed": len(tagged) - from_archive,
                 "contents_encoded": len(tagged), "texts_signed": int(sorted_unique(batch.anchors["band"][1]).size)}
        return cls(archive, tagged, batch, archive.text_numbers(batch.texts.keys), digests, unchanged, tag, stats, sources)

    def query(self) -> OverlapResult:
        """The batch's reuse: pairs with a batch paragraph on one side, as one run over archive and batch finds them."""
        options, replaced = self.archive.options, frozenset(self.digests)
        dead_texts = self.archive.dead_texts(replaced)
        chosen, over = self._propose(dead_texts)
        archived: list[ParagraphRef] = []
        sizes: list[int] = []
        for seg, paragraphs, owner in self.archive.live_paragraphs(chosen, replaced):
            for ref, size in seg.records(np.sort(paragraphs)):
                archived.append(ref)
                sizes.append(size)
        doc_size = np.concatenate([self.batch.doc_size, np.array(sizes, np.int64)])
        focus = np.arange(len(self.refs) + len(archived)) < len(self.refs)
        both = self.refs + archived
        verdicts = verify_corpus(both, options, encoded=Handover(encode_texts([r.text for r in both], self.sources)),
                                 lsh_source=SignHere(options, self.sources), anchor_filter=OverusedAnchors(over),
                                 doc_size=doc_size, focus=focus)
        result = report_overlaps(verdicts, focus=focus)
        self.stats.update({"archive_paragraphs_read": len(archived), "archive_texts_proposed": int(chosen.size),
                           "archive_texts_known": int((self.numbers >= 0).sum()),
                           "archive_anchors_over_fanout": int(sum(keys.size for keys in over.values()))})
        return OverlapResult(result.overlaps, result.clusters, {**result.stats, **self.stats})

    def _propose(self, dead_texts: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Archived texts that may pair with a batch text, and per kind the anchors over the fan-out limit.

        A text is proposed when it shares a band key with a batch text, or an
        anchor that the archive's live texts and the batch's texts hold no
        more than ``max_anchor_fanout`` times together; for short anchors,
        only when a short text is on one side (the pairs a run would make).
        The texts a batch paragraph repeats word for word come too: their
        archived copies pair with it.
        """
        archive, options = self.archive, self.archive.options
        limit, short_words = options.max_anchor_fanout, 2 * options.shared_min_words
        number = np.where(self.numbers >= 0, self.numbers, archive.head["texts"] + np.arange(self.numbers.size))
        short_text = self.batch.words <= short_words
        wanted: list[np.ndarray] = [self.numbers[self.numbers >= 0]]
        over: dict[str, np.ndarray] = {}
        for kind in KINDS:
            keys, owners = self.batch.anchors[kind]
            queries = sorted_unique(keys)
            inverse = np.searchsorted(queries, keys)  # keys are sorted: read_texts sorts each kind's postings
            found = [seg.lookup(kind, queries) for seg in archive.segments]
            query = np.concatenate([f[0] for f in found] + [np.zeros(0, np.int64)])
            text = np.concatenate([f[1] for f in found] + [np.zeros(0, np.int64)])
            live = ~is_member(text, dead_texts)
            query, text = query[live], text[live]
            if kind == "band":  # LSH proposes every band mate: no fan-out limit
                wanted.append(text)
                continue
            # the whole corpus's holders of each anchor: live archived texts and batch texts, each once
            holders = sorted_unique((np.concatenate([query, inverse]) << 32) | np.concatenate([text, number[owners]]))
            counts = np.bincount((holders >> 32).astype(np.int64), minlength=queries.size)
            over[kind] = queries[counts > limit]
            keep = counts[query] <= limit
            if kind == "short":
                held_by_short = np.zeros(queries.size, bool)
                held_by_short[inverse[short_text[owners]]] = True
                keep &= held_by_short[query] | (archive.text_words(text) <= short_words)
            wanted.append(text[keep])
        return sorted_unique(np.concatenate(wanted)), over

    def stage(self, generation: str) -> IndexCommit:
        """Write the batch's new and changed files as a segment aside; the commit makes it live with the run."""
        archive, head = self.archive, self.archive.head
        written = sorted(f for f in self.digests if f not in self.unchanged)
        files = dict(head["files"])  # entries are replaced below, never changed in place
        segments = list(head["segments"])
        texts_total = int(head["texts"])
        name = f"seg-{generation}"
        if written:
            rows = np.array([i for i, r in enumerate(self.refs) if r.file not in self.unchanged], np.int64)
            unit_of = self.batch.texts.unit_of
            fresh = sorted_unique(unit_of[rows])
            fresh = fresh[self.numbers[fresh] < 0]  # texts the archive has not seen: they get numbers and postings
            number = self.numbers.copy()
            number[fresh] = texts_total + np.arange(fresh.size)
            assert self.batch.texts.keys is not None
            arrays: dict[str, np.ndarray] = {"text_keys": self.batch.texts.keys[fresh], "text_words": self.batch.words[fresh]}
            is_fresh = np.zeros(number.size, bool)
            is_fresh[fresh] = True
            for kind in KINDS:
                akeys, owners = self.batch.anchors[kind]
                mine = is_fresh[owners]  # numbers ascend with batch text numbers: the (key, text) order holds
                arrays[f"{kind}_keys"], arrays[f"{kind}_texts"] = akeys[mine], number[owners[mine]]
            file_number = {f: i for i, f in enumerate(written)}
            arrays.update({"para_text": number[unit_of[rows]],
                           "para_file": np.array([file_number[self.refs[i].file] for i in rows.tolist()], np.int32)})
            # a rebuild passes archived paragraphs with their runs; a batch's new paragraphs take its tag
            records = [encode_record(replace(self.refs[i], run=self.refs[i].run or self.tag), int(self.batch.doc_size[i]))
                       for i in rows.tolist()]
            run_of = {r.file: r.run or self.tag for r in self.refs}
            write_segment(archive.root / name, arrays, records,
                          {"files": written, "text_base": texts_total, "text_count": int(fresh.size), "paragraphs": int(rows.size)})
            segments.append(name)
            texts_total += int(fresh.size)
            for f in written:
                files[f] = [run_of[f], self.digests[f], name]
        new_head = {**head, "generation": generation, "segments": segments, "files": files, "texts": texts_total}
        merge_newest(archive.root, new_head)
        new_head["files"] = dict(sorted(new_head["files"].items()))
        return IndexCommit("archive", str(archive.root), new_head)


def query_archive(state: Path, refs: Sequence[ParagraphRef], options: DetectorOptions, generation: str,
                  sources: tuple[EntrySource, ...] = ()) -> tuple[OverlapResult, IndexCommit, str]:
    """Query a batch against the archive under ``state`` and stage its commit: ``(result, commit, batch tag)``.

    ``sources``: encodings and signatures the clean workers made for the batch.
    """
    session = ArchiveSession.open(open_archive(state, options), refs, sources)
    result = session.query()
    return result, session.stage(generation), session.tag


def add_to_archive(state: Path, refs: Sequence[ParagraphRef], options: DetectorOptions, generation: str) -> IndexCommit:
    """Archive paragraphs without querying them (a backlog, a rebuild): stage the segment a query's commit would add."""
    return ArchiveSession.open(open_archive(state, options), refs).stage(generation)


def open_archive(state: Path, options: DetectorOptions) -> Archive:
    """The archive under ``state`` for these detector options; one written by other code or options is rebuilt first.

    The postings depend on the tokeniser, the hashing and the anchor
    parameters (:func:`archive_fingerprint`); the archived records do not,
    so a stale archive is re-read from its records (runs and files kept) and
    written afresh, then committed, before this run queries it.
    """
    archive = Archive(state, options)
    stale = archive.stale
    if stale is None:
        return archive
    refs = list(Archive(state, archive.options, head=stale).archived_refs())
    if refs:
        from wirewash.tasks.reuse.index import commit_index

        commit_index(ArchiveSession.open(archive, refs).stage(f"rebuild-{stale.get('generation', '')}"))
    return Archive(state, options)
