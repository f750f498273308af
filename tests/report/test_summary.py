"""The run summary names the files that kept no text, and why, in every place a reader looks."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from wirewash.tasks.clean.cleaner import clean_text
from wirewash.tasks.report.digest import headline_counts, summary_markdown
from wirewash.tasks.report.html import render_report_data
from wirewash.tasks.report.data import build_report_data
from wirewash.schemas import load_schema
from wirewash.tasks.params import RunParams
from wirewash.tasks.report.summary import build_summary

ROOT = Path(__file__).resolve().parents[2]
STORY = "\n\n".join([
    "Council expands bus network",
    "The city council voted on Tuesday to expand the bus network into three new districts, officials said.",
    "Supporters argued that the expansion would cut commuting times for thousands of residents in the east.",
    "Critics said the plan would cost far more than the council had budgeted and would take years to finish.",
])
COMMENT = "\n\n".join([
    "Pat Reader",
    "August 8, 2018 at 7:21 pm",
    "Hi Jane, I have ridden these buses for twenty years and the new routes will not help anyone past the river.",
    "Reply",
])


def test_a_file_that_kept_no_text_is_listed_with_the_rule_that_removed_most_of_it(tmp_path: Path) -> None:
    documents = [clean_text("story", "story.txt", "daily", STORY), clean_text("comment", "comment.txt", "daily", COMMENT)]
    (tmp_path / "raw").mkdir()
    params = RunParams.build(raw=tmp_path / "raw", clean=tmp_path / "c", reports=tmp_path / "r", state=tmp_path / "s")
    summary = build_summary("20261203T180000Z-0123abcd", params, 2, documents, [], [], [], {"total": 1.0}).to_json()
    assert summary["documents_without_text"] == [{"source": "comment.txt", "id": "comment", "lines": 4, "rule": "comments.entry"}]
    assert summary["counts"]["documents_without_text"] == 1
    jsonschema.Draft202012Validator(load_schema("summary")).validate(summary)
    assert ("files that kept no text", 1) in headline_counts(summary)
    assert "| comment.txt | 4 | comments.entry |" in summary_markdown(summary)
    html = render_report_data(build_report_data(summary, documents, [], [], {}))
    assert "Files that kept no text" in html and "<td>comment.txt</td>" in html
    # a run where every file kept text says so
    summary = build_summary("20261203T180000Z-0123abcd", params, 1, documents[:1], [], [], [], {"total": 1.0}).to_json()
    assert summary["documents_without_text"] == [] and "Files that kept no text" not in summary_markdown(summary)


def test_pairs_by_kind_counted_by_the_pair_table_are_the_records_counted(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    params = RunParams.build(raw=tmp_path / "raw", clean=tmp_path / "c", reports=tmp_path / "r", state=tmp_path / "s")
    documents = [clean_text("story", "story.txt", "daily", STORY)]
    records = [{"kind": kind} for kind in ("shared-text", "near-duplicate", "shared-text")]

    def by_kind(**given: object) -> dict[str, int]:
        return build_summary("20261203T180000Z-0123abcd", params, 1, documents, [], records, [], {"total": 1.0},
                             **given).to_json()["overlaps_by_kind"]  # type: ignore[arg-type]

    # the table counts every kind it knows, zeros included; the summary names the kinds found, in order
    assert by_kind() == {"near-duplicate": 1, "shared-text": 2}
    assert by_kind(overlap_kinds={"shared-text": 2, "contained": 0, "near-duplicate": 1}) == by_kind()
