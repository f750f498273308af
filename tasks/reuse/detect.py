"""The reuse stage: turn clean documents into paragraph references and run the overlap detector.

The detection itself lives in ``tasks/reuse/overlap.py``; this module runs it with the run's
parameters (:meth:`wirewash.tasks.params.RunParams.detector_options`), plugs in the persistent index (``tasks/reuse/index.py``)
so that paragraphs indexed by earlier runs are neither tokenised nor signed
again, and gives Prefect its task.
"""
from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wirewash.tasks.reuse.overlap import OverlapResult, find_overlaps, report_overlaps
from wirewash.tasks.params import RunParams
from wirewash.tasks.records import Document, ParagraphRef
from wirewash.tasks.reuse.archive import query_archive
from wirewash.tasks.reuse.index import IndexCommit, IndexSession, index_fingerprint, open_store
from wirewash.tasks.reuse.segment import SegmentShelf, encode_texts, make_segment, write_segment
from wirewash.tasks.reuse.verify import Handover, SignHere, verify_corpus


@dataclass(frozen=True)
class ReuseResult(OverlapResult):
    """:class:`OverlapResult` plus the staged index generation the flow commits with the run (``None``: no index)."""

    index_commit: IndexCommit | None = None
    batch: str = ""  # the tag this run's newly indexed paragraphs carry as ``run`` (empty without an index)


def paragraph_refs(documents: list[Document]) -> list[ParagraphRef]:
    """Every kept paragraph of every document, in document then paragraph order.

    Each carries its offset in the document's clean text (:attr:`Document.text`:
    paragraphs joined by a blank line), so that reused passages can be
    located in the document as well as in the paragraph.
    """
    refs = []
    for doc in sorted(documents, key=lambda d: d.id):
        offset = 0
        for index, p in enumerate(doc.paragraphs):
            refs.append(ParagraphRef(doc.id, doc.source, doc.outlet, p.lines, index, p.text, doc.published, offset=offset))
            offset += len(p.text) + 2
    return refs


def write_batch_segment(folder: Path, params: RunParams, documents: list[Document]) -> None:
    """Encode and sign the kept paragraphs of a batch of documents (a clean worker's share of the reuse work).

    Written as an index segment (:mod:`wirewash.tasks.reuse.segment`) named
    ``folder``, in the folder :func:`find_reuse` reads as ``batch_segments``.
    A worker does this where the texts already are, in parallel with the
    other workers; the reuse stage then looks the entries up instead of
    tokenising and signing every paragraph in one process. A segment that
    cannot be written is only work not saved: the reuse stage makes what
    it does not find, with the same result.
    """
    texts = [p.text for doc in documents for p in doc.paragraphs]
    if not texts:
        return
    try:
        write_segment(folder, make_segment(texts, params.detector_options()), durable=False)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def reuse_counts(result: ReuseResult, documents: list[Document]) -> dict[str, int]:
    """What the reuse stage did, for the run summary: paragraphs indexed or taken from the index, contents
    encoded and texts signed, and (``--reuse-index archive``) what the batch read of the archive."""
    counts = {name: int(result.stats.get(name, 0)) for name in
              ("paragraphs_indexed", "paragraphs_from_index", "contents_encoded", "texts_signed")}
    if "paragraphs_indexed" not in result.stats:  # no index: every paragraph was this run's to sign
        counts["paragraphs_indexed"] = sum(len(doc.paragraphs) for doc in documents)
    # counted where an index session keeps the tally (embedded, redis); absent elsewhere
    counts.update({name: int(result.stats[name]) for name in ("contents_from_workers", "texts_from_workers",
                                                               "archive_paragraphs_read", "archive_texts_proposed")
                   if name in result.stats})
    return counts


def find_reuse(paragraphs: Sequence[ParagraphRef] | Handover[list[ParagraphRef]], params: RunParams,
               run_id: str | None = None, batch_segments: Path | None = None) -> ReuseResult:
    """Run the overlap detector with the run's parameters, over the whole current corpus.

    With ``reuse_index="archive"``, ``paragraphs`` are a batch queried against the
    archive of earlier batches (:mod:`wirewash.tasks.reuse.archive`): the pairs with a
    batch paragraph on one side, exactly as one run over both would find them.

    With a ``run_id`` and an index (``params.reuse_index`` not ``off``), the
    index supplies what earlier runs computed, paragraphs of unchanged files
    come back tagged with the run that indexed them, and the new entries are
    staged for :func:`wirewash.tasks.reuse.index.commit_index`. The pairs found are the
    same either way; ``stats`` tells how much was actually encoded and signed.

    ``batch_segments`` is the folder where the clean workers left the
    encodings and signatures of the paragraphs they kept
    (:func:`write_batch_segment`): those are looked up (after the index),
    not made again; any that are missing are made here.

    The paragraphs handed over (:class:`Handover`) go once the index session
    has tagged copies of them: held by the caller, both sets stayed through
    the verification (its top fell ~20 MB at 500,000 paragraphs).
    """
    refs = paragraphs.take() if isinstance(paragraphs, Handover) else list(paragraphs)
    del paragraphs
    options = params.detector_options()
    found = SegmentShelf.read(batch_segments)
    shelf = () if found.empty else (found,)  # no worker segments: nothing to look up, nothing to hash for it
    if run_id is None or params.reuse_index == "off":
        result = find_overlaps(refs, options, encoded=Handover(encode_texts([r.text for r in refs], shelf)),
                               lsh_source=SignHere(options, shelf))
        return ReuseResult(result.overlaps, result.clusters, result.stats)
    if params.reuse_index == "archive":
        result, commit, tag = query_archive(params.state, refs, options, run_id, shelf)
        return ReuseResult(result.overlaps, result.clusters, result.stats, commit, tag)
    fingerprint = index_fingerprint(options)
    session = IndexSession(open_store(params, fingerprint), fingerprint, options, made_elsewhere=shelf,
                           generation=run_id)
    tagged, encoded = session.prepare(refs)
    del refs  # the tagged copies stand for them from here
    # the session stages the new entries as soon as its LSH answer is given (the new signatures go then;
    # a corpus too small to ask it is staged below), and the encoding is handed over: its tokens go once
    # the anchors that read them are found
    handover = Handover(encoded)
    del encoded
    verdicts = verify_corpus(tagged, options, encoded=handover, lsh_source=session)
    del tagged
    commit = session.stage(run_id)
    result = report_overlaps(verdicts)
    return ReuseResult(result.overlaps, result.clusters, {**result.stats, **session.stats}, commit, session.batch)


# --- Prefect shell -----------------------------------------------------------------------------
from prefect import task  # noqa: E402  (the pure functions above never need Prefect)
from prefect.cache_policies import NO_CACHE  # noqa: E402

# NO_CACHE: the default policy would hash all the corpus's paragraphs (~2.5 CPU-s per 300,000)
find_reuse_task = task(find_reuse, name="find-reuse", cache_policy=NO_CACHE)
