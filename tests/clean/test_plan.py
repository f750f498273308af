"""The cleaning plan holds documents' heads; their whole records wait on disk (spill, then the result cache)."""
from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLES
from wirewash.tasks.clean.cache import read_files
from wirewash.tasks.clean.cleaner import clean_batch, clean_batch_to_spill
from wirewash.tasks.clean.plan import CleanedItem, CleaningPlan
from wirewash.tasks.params import RunParams
from wirewash.tasks.read.intake import RawText
from wirewash.tasks.records import Document, Quarantine, decode_result, encode_result


def _raw_folder(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in sorted(SAMPLES.glob("*.txt"))[:3]:
        (raw / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (raw / "export.jsonl").write_text(json.dumps({"text": sorted(SAMPLES.glob("*.txt"))[3].read_text()}) + "\n"
                                      + json.dumps({"text": ""}) + "\n", encoding="utf-8")
    (raw / "empty.txt").write_text("")
    return raw


def _run_plan(tmp_path: Path) -> tuple[CleaningPlan, dict[str, list[Document | Quarantine]]]:
    raw = _raw_folder(tmp_path)
    params = RunParams.build(raw=raw, clean=tmp_path / "clean", reports=tmp_path / "reports", state=tmp_path / "state")
    sources = sorted(p.name for p in raw.iterdir())
    plan = CleaningPlan(params, sources)
    read = plan.record_read(read_files(raw, plan.unread(), params.max_file_bytes))
    templates = plan.outlet_templates()
    to_clean = plan.take_cached(templates)
    spill = tmp_path / "spill.jsonl"
    raws = [(s, r) for s in to_clean for r in read[s] if isinstance(r, RawText)]
    heads = clean_batch_to_spill([r for _, r in raws], templates, spill)
    cleaned: dict[str, list[CleanedItem]] = {s: [CleanedItem(q) for q in read[s] if isinstance(q, Quarantine)]
                                             for s in to_clean}
    for number, ((source, _), head) in enumerate(zip(raws, heads)):
        cleaned[source].append(CleanedItem(head, (spill, number)))
    plan.record_cleaned(cleaned)
    whole = {s: [r for r in read[s] if isinstance(r, Quarantine)] +
             clean_batch([r for r in read[s] if isinstance(r, RawText)], templates) for s in to_clean}
    return plan, whole


def test_the_plan_holds_heads_and_gives_back_the_whole_documents_as_cleaned(tmp_path: Path) -> None:
    plan, whole = _run_plan(tmp_path)
    results = plan.results()
    documents = [item for item in results if isinstance(item, Document)]
    assert documents and all(not doc.segments for doc in documents)  # heads: no line decisions held
    expected = [item for source in sorted(whole) for item in whole[source] if isinstance(item, Document)]
    assert [doc.head() for doc in expected] == documents
    # whole records come back from the cache in any order asked, a JSONL record's by its file
    wanted = [(doc.source, doc.id, doc.id) for doc in reversed(expected)]
    assert list(plan.shelf(wanted).documents()) == list(reversed(expected))
    # under the id the outputs give it (two inputs shared a name): its paragraph ids follow
    first = expected[0]
    (renamed,) = plan.shelf([(first.source, first.id, first.id + ".txt")]).documents()
    assert renamed.id == first.id + ".txt" and renamed.segments == first.segments
    assert [p.id for p in renamed.paragraphs] == [first.id + ".txt" + p.id[len(first.id):] for p in first.paragraphs]
    assert any("#" in doc.source for doc in expected) and all(doc.segments for doc in expected)
    assert [q for q in results if isinstance(q, Quarantine)] == \
        [q for source in sorted(whole) for q in whole[source] if isinstance(q, Quarantine)]


def test_a_second_run_takes_heads_from_the_cache_and_the_same_whole_documents(tmp_path: Path) -> None:
    plan, whole = _run_plan(tmp_path)
    plan.commit()
    again = CleaningPlan(plan.params, plan.sources)
    assert again.unread() == []
    assert again.take_cached(again.outlet_templates()) == []
    assert again.results() == plan.results()
    wanted = [(d.source, d.id, d.id) for d in plan.results() if isinstance(d, Document)]
    assert list(again.shelf(wanted).documents()) == list(plan.shelf(wanted).documents())


def test_a_result_encodes_and_decodes_to_itself(tmp_path: Path) -> None:
    _, whole = _run_plan(tmp_path)
    for items in whole.values():
        for item in items:
            assert decode_result(json.loads(json.dumps(encode_result(item)))) == item
