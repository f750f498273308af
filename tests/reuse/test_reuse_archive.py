"""The reuse archive: a batch queried against earlier batches reports what one run over all of them reports for it.

Exactness is the point: for every batch, the pairs and clusters the query
returns equal those of :func:`wirewash.tasks.reuse.overlap.verify_corpus` over the archive's
live paragraphs plus the batch, reported with the batch as focus. Checked on
random corpora (with a fan-out limit low enough to kill anchors), on the
syndicated corpus with re-sent, changed and boilerplate files, across a
re-run, a crash before the commit, a change of detector options (the
archive is rebuilt from its records), and through the flow.
"""
from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from test_reuse_index import TEXTS, needs_syndicated, syndicated_refs
from wirewash.tasks.reuse.overlap import OverlapResult, report_overlaps
from wirewash.tasks.reuse.verify import verify_corpus
from wirewash.tasks.params import DetectorOptions, RunParams
from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.archive import ARCHIVE_DIR, Archive, query_archive
from wirewash.tasks.reuse.index import HEAD_NAME, commit_index

OPTIONS = DetectorOptions(shingle_size=3, min_shingles=3)


def _strip(result: OverlapResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pairs and clusters as JSON records, less the ``run`` tags (the expected side has none)."""
    def side(s: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in s.items() if k != "run"}

    overlaps = [{**o.to_json(), "a": side(o.a.to_side()), "b": side(o.b.to_side())} for o in result.overlaps]
    clusters = [{**c.to_json(), "canonical": side(c.canonical.to_side()), "members": [side(m.to_side()) for m in c.members]}
                for c in result.clusters]
    return overlaps, clusters


def expected(archived: list[ParagraphRef], batch: list[ParagraphRef], options: DetectorOptions) -> OverlapResult:
    """One run over the archive's live paragraphs plus the batch, reported for the batch."""
    replaced = {r.file for r in batch}
    whole = [r for r in archived if r.file not in replaced] + batch
    verdicts = verify_corpus(whole, options)
    focus = np.array([r.file in replaced for r in whole], dtype=bool)
    return report_overlaps(verdicts, focus=focus)


def commit_batch(state: Path, refs: list[ParagraphRef], generation: str, options: DetectorOptions = OPTIONS) -> OverlapResult:
    result, commit, _ = query_archive(state, refs, options, generation)
    commit_index(commit)
    return result


def _live(state: Path, options: DetectorOptions = OPTIONS) -> list[ParagraphRef]:
    return list(Archive(state, options).archived_refs())


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, len(TEXTS) - 1), st.integers(0, 3)), min_size=2, max_size=30),
       st.lists(st.integers(0, 2), min_size=8, max_size=8), st.integers(1, 4))
def test_any_batches_report_what_one_run_over_them_reports(layout: list[tuple[int, int, int]], batch_of: list[int],
                                                           fanout: int) -> None:
    import tempfile

    import wirewash.tasks.reuse.archive_segment as reuse_archive  # where segments are merged

    # three batches of documents; the third re-sends every document of the first with an edit
    refs = [ParagraphRef(f"d{doc}", f"d{doc}.txt", f"o{doc}", (2 * i + 1, 2 * i + 1), i,
                         TEXTS[t] + ("", " Extra words here.", " And more words follow in this one.", "")[edit])
            for i, (doc, t, edit) in enumerate(layout)]
    options = replace(OPTIONS, max_anchor_fanout=fanout)  # a low limit kills anchors the archive and batch share
    first = [r for r in refs if batch_of[int(r.doc_id[1:])] == 0]
    second = [r for r in refs if batch_of[int(r.doc_id[1:])] == 1]
    third = [r for r in refs if batch_of[int(r.doc_id[1:])] == 2] + [replace(r, text=r.text + " Updated.") for r in first[::2]]
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(reuse_archive, "MERGE_FANIN", 2)  # every second commit merges segments
        state = Path(tmp)
        for n, batch in enumerate((first, second, third, first[1::2], second[::3])):
            archived = _live(state, options)
            result, commit, _ = query_archive(state, batch, options, f"g{n}")
            assert _strip(result) == _strip(expected(archived, batch, options))
            commit_index(commit)


@needs_syndicated
def test_syndicated_batches_resent_files_and_boilerplate(tmp_path: Path) -> None:
    refs = syndicated_refs()
    files = sorted({r.file for r in refs})
    rng = random.Random(7)
    later = set(rng.sample(files, 50))
    first = [r for r in refs if r.file not in later]
    commit_batch(tmp_path, first, "g1")
    # the batch: 50 new files, 20 archived files sent again (half changed), 70 stories opening on one boilerplate line
    again = sorted(rng.sample(sorted({r.file for r in first}), 20))
    batch = [r for r in refs if r.file in later]
    for r in first:
        if r.file in again:
            batch.append(replace(r, text=r.text + " A closing clause was added today.") if again.index(r.file) % 2 and r.index == 1 else r)
    boiler = "Sign up for our newsletter to get the latest news and analysis delivered to your inbox every morning."
    template = batch[0]
    batch += [replace(template, doc_id=f"promo{i}", file=f"promo/{i}.txt", outlet=f"p{i}", index=0, lines=(1, 1),
                      text=f"{boiler} Story {i} begins with a claim of its own about the events of the day.") for i in range(70)]
    archived = _live(tmp_path)
    result, commit, _ = query_archive(tmp_path, batch, OPTIONS, "g2")
    assert _strip(result) == _strip(expected(archived, batch, OPTIONS))
    assert result.stats["archive_anchors_over_fanout"] > 0  # the boilerplate sentence is over the limit
    assert 0 < result.stats["archive_paragraphs_read"] < len(archived)  # the batch reads what it may reuse, not all
    sides = {(s.file, s.run) for o in result.overlaps for s in (o.a, o.b)}
    assert any(run and file not in later and file not in again for file, run in sides)  # archived sides carry their run
    # a re-run of the committed batch reports the same and archives nothing new
    commit_index(commit)
    head = json.loads((tmp_path / ARCHIVE_DIR / HEAD_NAME).read_text())
    again_result, again_commit, _ = query_archive(tmp_path, batch, OPTIONS, "g3")
    assert _strip(again_result) == _strip(result)
    assert again_commit.head["segments"] == head["segments"]


@needs_syndicated
def test_a_run_that_dies_before_its_commit_leaves_the_archive_as_it_was(tmp_path: Path) -> None:
    refs = syndicated_refs()
    half = next(i for i, r in enumerate(refs) if i >= len(refs) // 2 and r.file != refs[i - 1].file)
    commit_batch(tmp_path, refs[:half], "g1")
    head = (tmp_path / ARCHIVE_DIR / HEAD_NAME).read_bytes()
    before, _, _ = query_archive(tmp_path, refs[half:], OPTIONS, "probe")
    query_archive(tmp_path, refs[half:], OPTIONS, "g2")  # staged, never committed: the run "died"
    assert (tmp_path / ARCHIVE_DIR / HEAD_NAME).read_bytes() == head
    after = commit_batch(tmp_path, refs[half:], "g3")
    assert _strip(after) == _strip(before)
    names = {p.name for p in (tmp_path / ARCHIVE_DIR).iterdir() if p.is_dir()}
    assert names == {"seg-g1", "seg-g3"}  # the orphan segments are gone with the next commit


@needs_syndicated
def test_other_detector_options_rebuild_the_archive_from_its_records(tmp_path: Path) -> None:
    refs = syndicated_refs()
    half = next(i for i, r in enumerate(refs) if i >= len(refs) // 2 and r.file != refs[i - 1].file)  # whole files each side
    commit_batch(tmp_path, refs[:half], "g1")
    runs = {r.file: r.run for r in _live(tmp_path)}
    other = replace(OPTIONS, shared_min_words=8)
    archived = [replace(r, run="") for r in _live(tmp_path)]
    result = commit_batch(tmp_path, refs[half:], "g2", other)
    assert _strip(result) == _strip(expected(archived, refs[half:], other))
    rebuilt = {r.file: r.run for r in _live(tmp_path, other)}
    assert {f: rebuilt[f] for f in runs} == runs  # every archived paragraph kept the run that archived it


@pytest.mark.usefixtures("prefect_harness")
def test_flow_archive_runs_report_the_batch_against_earlier_batches(tmp_path: Path) -> None:
    from wirewash.flows.pipeline import wirewash_run

    samples = sorted(p.name for p in SAMPLES.iterdir() if not p.name.startswith("."))
    summaries = []
    for n, names in enumerate((samples[:3], samples[3:])):
        raw = tmp_path / f"raw{n}"
        raw.mkdir()
        for name in names:
            shutil.copy(SAMPLES / name, raw / name)
        params = RunParams.build(raw=raw, clean=tmp_path / f"clean{n}", reports=tmp_path / f"reports{n}",
                                 state=tmp_path / "state", reuse_index="archive")
        summaries.append(wirewash_run(params=params))
    latest = tmp_path / "reports1" / "latest"
    pairs = [json.loads(line) for line in (latest / "overlaps.jsonl").read_text().splitlines()]
    assert pairs and all(side["file"] in samples[3:] for p in pairs for side in (p["a"], p["b"]) if "run" not in side)
    archived = [side for p in pairs for side in (p["a"], p["b"]) if side["file"] in samples[:3]]
    assert archived and {side["run"] for side in archived} == {summaries[0]["index_batch"]}
    assert summaries[1]["counts"]["archive_paragraphs_read"] > 0
    # the report shows the archived side's words, found in the first batch's clean text
    page = (latest / "report.html").read_text(encoding="utf-8")
    data = json.loads(page.split('<script type="application/json" id="wirewash-data">')[1].split("</script>")[0])
    shown = [side for view in data["pairs"] for side in (view["a"], view["b"]) if side["file"] in samples[:3]]
    assert shown and all(side["outlet"] and "".join(side["pieces"]).strip() for side in shown)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=60), st.lists(st.integers(0, 14), max_size=20), st.integers(1, 7))
def test_streamed_postings_find_every_posting_across_chunk_borders(keys: list[int], queries: list[int], chunk: int) -> None:
    """Postings read a chunk at a time give what one search over the whole array gives, runs split by borders too."""
    import tempfile

    import wirewash.tasks.reuse.archive_segment as segment

    stored = np.sort(np.array(keys, dtype=np.uint64))
    texts = np.arange(stored.size, dtype=np.int64) * 10
    asked = np.unique(np.array(queries, dtype=np.uint64))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "seg-x"
        empty = np.zeros(0, np.int64)
        segment.write_segment(folder, {"run_keys": stored, "run_texts": texts, "para_text": empty,
                                       "text_keys": empty.astype(np.uint64)}, [],
                              {"files": [], "text_base": 0, "text_count": 0, "paragraphs": 0})
        old, segment.POSTING_CHUNK = segment.POSTING_CHUNK, chunk
        try:
            query, found = segment.ArchiveSegment.open(folder).lookup("run", asked)
        finally:
            segment.POSTING_CHUNK = old
    want = sorted((q, int(t)) for q, key in enumerate(asked.tolist()) for t in texts[stored == key].tolist())
    assert sorted(zip(query.tolist(), found.tolist())) == want


def test_archived_records_keep_any_text_and_the_run_that_archived_them(tmp_path: Path) -> None:
    odd = "A lone surrogate \ud800 and “quotes”, Ελληνικά and 中文, all in one archived paragraph of text."
    refs = [ParagraphRef("d", "d.txt", "o", (3, 4), 0, odd, "2026-11-25")]
    result, commit, tag = query_archive(tmp_path, refs, OPTIONS, "g1")
    commit_index(commit)
    assert _live(tmp_path) == [replace(refs[0], run=tag)]


@needs_syndicated
def test_size_tiered_merges_keep_every_live_paragraph_and_every_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewash.tasks.reuse.archive_segment as reuse_archive  # where segments are merged

    monkeypatch.setattr(reuse_archive, "MERGE_FANIN", 3)
    refs = syndicated_refs()
    files = sorted({r.file for r in refs})
    batches = [[r for r in refs if r.file in set(files[i::9])] for i in range(9)]
    for n, batch in enumerate(batches[:-1]):
        commit_batch(tmp_path, batch, f"g{n}")
    head = json.loads((tmp_path / ARCHIVE_DIR / HEAD_NAME).read_text())
    assert len(head["segments"]) < 8  # eight commits of one size tier: merged, then merged again
    assert {p.name for p in (tmp_path / ARCHIVE_DIR).iterdir() if p.is_dir()} == set(head["segments"])
    live = _live(tmp_path)
    assert sorted((r.file, r.index) for r in live) == sorted((r.file, r.index) for b in batches[:-1] for r in b)
    result = commit_batch(tmp_path, batches[-1], "last")
    assert _strip(result) == _strip(expected(live, batches[-1], OPTIONS))
