"""The report a person reads and the hand-off an analyst loads.

One run of the flow over a fixture batch serves most tests: the five samples,
three outlets that share two paragraphs verbatim (so clusters exist whatever
the samples give), a story whose title and text carry script payloads, and an
empty file whose *name* is a payload (it lands in the summary's table of files
not processed). The report is then opened in a real headless Chromium.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import replace
from datetime import date
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES
from wirewash.tasks.records import Document, Paragraph, Segment
from wirewash.tasks.report.html import csp_hash, json_for_script, render_report_data
from wirewash.tasks.report.words import word_count
from wirewash.tasks.report.data import (ParagraphIndex, build_report_data, cluster_views, document_view, mark_spans,
                                        outlet_pairs)

SHARED = ("Officials said the new bridge across the river will open to traffic next spring after three years "
          "of construction delays and a budget that doubled to 480 million dollars.")
SHARED2 = ("The mayor told reporters on Tuesday that the city would not raise taxes to cover the overrun, and that "
           "federal grants would pay for most of the remaining work on the approach roads.")
EDITED = SHARED[:-1] + ", according to the city."  # daily-b's copy: the same paragraph with a tail
PAYLOAD_TITLE = 'Council <script>window.__pwned=1</script> vote <img src=x onerror="window.__pwned=2"> tonight'
PAYLOAD_TEXT = ("The council will meet tonight </script><script>window.__pwned=3</script> to debate the bridge "
                "tolls, and residents plan to protest outside <img src=x onerror=window.__pwned=4> the town hall.")
PAYLOAD_NAME = "<img src=x onerror=window.__pwned=5>.txt"

STORIES = {
    "wire-a/bridge.txt": ["River bridge to open next spring after long delays", "By Jane Doe", "June 19, 2023",
                          SHARED, SHARED2,
                          "Engineers from the state transport agency inspected the main span last week and found the "
                          "steel work finished, leaving only paving, lighting and the toll equipment to install."],
    "daily-b/bridge-opening.txt": ["Bridge finally set to open in spring", "By Sam Roe", "June 20, 2023", EDITED,
                                   "Local shop owners near the old ferry landing said they expect business to pick up "
                                   "once commuters can cross without the long detour through the northern suburbs.",
                                   SHARED2],
    "herald-c/xss.txt": [PAYLOAD_TITLE, "By Evil Person", "June 21, 2023", SHARED, PAYLOAD_TEXT,
                         "A spokesman said the agenda also includes a vote on parking fees in the historic district, "
                         "which shop owners say would drive customers away from the old market streets."],
}


def make_raw(root: Path) -> Path:
    """The fixture batch described in the module docstring, under ``root/raw``."""
    raw = root / "raw"
    shutil.copytree(SAMPLES, raw)
    for name, paragraphs in STORIES.items():
        (raw / name).parent.mkdir(parents=True, exist_ok=True)
        (raw / name).write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    (raw / "herald-c" / PAYLOAD_NAME).write_text("")
    return raw


def report_data_of(html: str) -> dict[str, Any]:
    """The JSON blob a report page embeds."""
    blob = re.search(r'<script type="application/json" id="wirewash-data">(.*?)</script>', html, re.S)
    assert blob, "no data blob in the report"
    return json.loads(blob.group(1))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- pure functions ------------------------------------------------------------------------------

def test_json_for_script_cannot_close_its_script_element() -> None:
    value = {"t": "</script><script>alert(1)</script><!-- & \u2028", "</script>": ["<b>"]}
    text = json_for_script(value)
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text) == value


def test_mark_spans_marks_the_passages_and_keeps_the_text() -> None:
    text = "The quick brown fox jumps over the lazy dog, said Mr. Smith."
    pieces = mark_spans(text, [[4, 25], [31, 43], [20, 25]])  # overlapping spans merge
    assert "".join(pieces) == text
    assert pieces[1::2] == ["quick brown fox jumps", "the lazy dog"]
    assert mark_spans(text, []) == [text]
    assert mark_spans(text, [[0, 3], [3, 9]]) == ["", "The quick", text[9:]]  # touching spans make one mark


def _doc(doc_id: str, outlet: str, published: str | None, *texts: str) -> Document:
    paragraphs = [Paragraph(f"{doc_id}#{i}", t, (2 * i + 1, 2 * i + 1)) for i, t in enumerate(texts)]
    segments = [Segment(f"{doc_id}.txt", p.lines, "kept", "body", "body.paragraph", p.text) for p in paragraphs]
    return Document(doc_id, f"{doc_id}.txt", outlet, published=published, paragraphs=paragraphs, segments=segments)


def _side(doc_id: str, index: int) -> dict[str, Any]:
    return {"file": f"{doc_id}.txt", "lines": [2 * index + 1, 2 * index + 1], "paragraph": index}


def test_outlet_pairs_count_shared_words_by_kind_and_who_published_first() -> None:
    ten = "one two three four five six seven eight nine ten"
    docs = [
        _doc("a1", "wire", "2023-06-01", "alpha " * 4 + "end", ten + " eleven twelve"),
        _doc("b1", "daily", "2023-06-02", "alpha " * 4 + "end", ten, "some unrelated closing words here"),
        _doc("c1", "herald", None, "alpha " * 4 + "end"),
    ]
    whole = [{"a": [0, 26], "b": [0, 26], "words": 5}]
    overlaps = [
        {"kind": "near-duplicate", "a": _side("a1", 0), "b": _side("b1", 0), "jaccard": 1.0, "containment": 1.0,
         "passages": whole},
        {"kind": "contained", "a": _side("a1", 1), "b": _side("b1", 1), "jaccard": 0.8, "containment": 1.0,
         "passages": [{"a": [0, len(ten)], "b": [0, len(ten)], "words": 10}]},
        {"kind": "near-duplicate", "a": _side("a1", 0), "b": _side("c1", 0), "jaccard": 1.0, "containment": 1.0,
         "passages": whole},
    ]
    clusters = [{"id": "nd-1", "canonical": _side("a1", 0), "canonical_rule": "earliest-published",
                 "members": [_side("a1", 0), _side("b1", 0), _side("c1", 0)]}]
    rows = {(r["a"], r["b"]): r for r in outlet_pairs(docs, overlaps, clusters, ParagraphIndex(docs))}
    daily_wire = rows[("daily", "wire")]
    # daily shares its whole first paragraph (5 words) and, contained, the shorter second one (10 words): its passages
    assert (daily_wire["a_words"], daily_wire["a_total"]) == (15, 20) and daily_wire["a_share"] == 0.75
    assert (daily_wire["b_words"], daily_wire["b_total"]) == (15, 17)
    assert daily_wire["kinds"] == {"contained": 1, "near-duplicate": 1} and daily_wire["stories"] == 1
    assert (daily_wire["a_first"], daily_wire["b_first"]) == (0, 1)  # wire published the day before
    # daily and herald were never paired directly: the cluster says they carry the same paragraph
    daily_herald = rows[("daily", "herald")]
    assert daily_herald["a_words"] == 5 and daily_herald["undated"] == 1
    # a run passes each outlet's words as its documents' views counted them: the same rows
    counted: dict[str, int] = {}
    for doc in docs:
        counted[doc.outlet] = counted.get(doc.outlet, 0) + document_view(doc, {}, with_lines=False)["words"]
    assert counted == {"wire": 17, "daily": 20, "herald": 5}
    assert outlet_pairs(docs, overlaps, clusters, ParagraphIndex(docs), counted) == list(rows.values())


def test_cluster_view_puts_the_canonical_first_and_scores_members_against_it() -> None:
    docs = [_doc("a1", "wire", "2023-06-01", SHARED), _doc("b1", "daily", "2023-06-02", SHARED + " Extra words here.")]
    passage = {"a": [0, len(SHARED) - 1], "b": [0, len(SHARED) - 1], "words": len(SHARED.split())}
    overlaps = [{"kind": "near-duplicate", "a": _side("a1", 0), "b": _side("b1", 0), "jaccard": 0.9, "containment": 1.0,
                 "passages": [passage]}]
    clusters = [{"id": "nd-1", "canonical": _side("b1", 0), "canonical_rule": "longest",
                 "members": [_side("a1", 0), _side("b1", 0)]}]
    (view,) = cluster_views(clusters, overlaps, ParagraphIndex(docs))
    canonical, member = view["members"]
    assert canonical["canonical"] and canonical["doc"] == "b1" and canonical["jaccard"] == 1.0
    assert (member["doc"], member["outlet"], member["published"], member["jaccard"]) == ("a1", "wire", "2023-06-01", 0.9)
    assert member["pieces"][1::2] == [SHARED.rstrip(".")] and "".join(member["pieces"]) == SHARED
    assert view["outlets"] == ["daily", "wire"] and (view["first"], view["last"]) == ("2023-06-01", "2023-06-02")


def test_csp_names_the_one_inline_script_and_style_by_hash() -> None:
    docs = [_doc("a1", "wire", None, "</script><script>alert(1)</script>")]
    summary = {"run_id": "r", "counts": {}, "lines_removed_by_category": {}, "quarantined": [], "parameters": {}}
    html = render_report_data(build_report_data(summary, docs, [], [], {}))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1).replace("&#x27;", "'")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert directives["default-src"] == "'none'" and "unsafe" not in csp
    assert directives["script-src"] == csp_hash(scripts[0]) and directives["style-src"] == csp_hash(styles[0])
    assert html.count("<script") == 2 and "alert(1)</script>" not in html  # the data blob and the script only


def test_terminal_progress_draws_on_a_terminal_and_stays_quiet_on_short_piped_runs() -> None:
    from wirewash.flows import progress

    piped = StringIO()
    small = progress.TerminalProgress(piped, force=False)
    small.stage("start", None)  # a piped run's start is not announced: a log waits for a stage that counts files
    progress.install(small)
    try:
        assert list(progress.track(["b1", "b2"], [3, 2], "read")) == ["b1", "b2"]
    finally:
        progress.install(None)
    assert piped.getvalue() == "" and small.done == 5
    long_run = progress.TerminalProgress(piped, force=False, min_files=10)
    long_run.stage("clean", 100)
    for _ in range(50):
        long_run.advance(2)
    lines = piped.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("clean  [" + "#" * 28 + "] 100/100 files")
    tty = StringIO()
    bar = progress.TerminalProgress(tty, force=True)
    bar.stage("start", None)  # before any file is counted, a terminal already sees the run start
    assert tty.getvalue().startswith("\r\x1b[2Kstart  …  0s")
    bar.stage("read", 4)
    bar.advance(2)
    bar.close()
    assert "\r\x1b[2Kread   [" + "#" * 14 + "." * 14 + "] 2/4 files" in tty.getvalue()
    assert list(progress.track([1, 2], [1, 1], "x")) == [1, 2]  # nobody listening: a plain pass-through


# --- one real run ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The flow over the fixture batch: its folder, summary, flow run id and report HTML."""
    from wirewash.flows.pipeline import wirewash_run
    from wirewash.tasks.params import RunParams

    root = tmp_path_factory.mktemp("report")
    raw = make_raw(root)
    params = RunParams.build(raw=raw, clean=root / "clean", reports=root / "reports", state=root / "state")
    state = wirewash_run(params=params, return_state=True)
    summary = state.result()
    latest = root / "reports" / "latest"
    return {"root": root, "summary": summary, "flow_run_id": state.state_details.flow_run_id,
            "latest": latest, "html": (latest / "report.html").read_text(encoding="utf-8")}


def test_drop_duplicates_takes_copies_out_of_clean_says_so_in_provenance_and_the_report_still_shows_them(
        prefect_harness: None, tmp_path: Path) -> None:
    """The writers of a run hold only heads: the whole documents come back from the cache (in a process of
    their own for the clean texts and provenance), and the copies --drop-duplicates takes out must leave
    every output alike, while the report still finds their text."""
    from wirewash.flows.pipeline import wirewash_run
    from wirewash.tasks.params import RunParams

    wirewash_run(params=RunParams.build(raw=make_raw(tmp_path), clean=tmp_path / "clean", reports=tmp_path / "reports",
                                        state=tmp_path / "state", drop_duplicates=True))
    latest = tmp_path / "reports" / "latest"
    clusters = read_jsonl(latest / "clusters.jsonl")
    copies = {(m["file"], m["lines"][0]) for c in clusters for m in c["members"]
              if (m["file"], m["lines"]) != (c["canonical"]["file"], c["canonical"]["lines"])}
    assert copies, "the batch holds near-duplicate copies"
    corpus = read_jsonl(tmp_path / "clean" / "corpus.jsonl")
    assert not copies & {(doc["source"], p["lines"][0]) for doc in corpus for p in doc["paragraphs"]}
    for doc in corpus:
        assert (tmp_path / "clean" / f"{doc['id']}.txt").read_text(encoding="utf-8") == doc["text"] + "\n"
    dropped = {(r["file"], r["lines"][0]): r for r in read_jsonl(latest / "provenance.jsonl")
               if r["rule"] == "reuse.near-duplicate"}
    assert set(dropped) == copies and all(r["action"] == "removed" and "near-duplicate of" in r["reason"]
                                          for r in dropped.values())
    shown = [m for c in report_data_of((latest / "report.html").read_text(encoding="utf-8"))["clusters"]
             for m in c["members"]]
    assert {(m["file"], m["lines"][0]) for m in shown} >= copies and all("".join(m["pieces"]) for m in shown)


def test_report_data_reconciles_with_the_run_files(run: dict[str, Any]) -> None:
    data = report_data_of(run["html"])
    latest = run["latest"]
    assert len(data["documents"]) == run["summary"]["counts"]["documents"]
    assert len(data["pairs"]) == len(read_jsonl(latest / "overlaps.jsonl"))
    assert [c["id"] for c in data["clusters"]] == [c["id"] for c in read_jsonl(latest / "clusters.jsonl")]
    provenance = read_jsonl(latest / "provenance.jsonl")
    assert sum(len(d["segments"]) for d in data["documents"]) == len(provenance)
    bridge = next(c for c in data["clusters"] if len(c["members"]) == 3)  # SHARED, at three outlets
    assert bridge["outlets"] == ["daily-b", "herald-c", "wire-a"] and bridge["first"] == "2023-06-19"
    assert ["".join(m["pieces"]) for m in bridge["members"]] == [SHARED, EDITED, SHARED]  # canonical first
    assert [m["pieces"][1::2] for m in bridge["members"]] == [[SHARED[:-1]]] * 3  # the tail is not marked
    row = next(r for r in data["outlets"] if (r["a"], r["b"]) == ("daily-b", "wire-a"))
    corpus = {d["outlet"]: d for d in read_jsonl(run["root"] / "clean" / "corpus.jsonl")}
    # counted from the passages: the tail daily-b added to its copy (", according to the city") is not found at wire-a
    assert row["a_words"] == word_count(SHARED) + word_count(SHARED2)
    assert row["a_total"] == sum(word_count(p["text"]) for p in corpus["daily-b"]["paragraphs"])
    assert (row["a_first"], row["b_first"], row["stories"]) == (0, 1, 1)


def test_summary_has_lines_kept_and_matches_its_schema(run: dict[str, Any]) -> None:
    import jsonschema

    summary = json.loads((run["latest"] / "summary.json").read_text())
    from wirewash.schemas import load_schema

    jsonschema.Draft202012Validator(load_schema("summary")).validate(summary)
    provenance = read_jsonl(run["latest"] / "provenance.jsonl")
    kept = sum(r["text"].count("\n") + 1 for r in provenance if r["action"] == "kept")
    assert summary["lines_by_action"]["kept"] == kept
    assert PAYLOAD_NAME in {q["source"].split("/")[-1] for q in summary["quarantined"]}


def test_prefect_artifacts_show_the_run(run: dict[str, Any]) -> None:
    import httpx
    from prefect.settings import PREFECT_API_URL

    from wirewash.flows.artifacts import CLUSTERS_KEY, REPORT_KEY, SUMMARY_KEY

    # The API itself, filtered by flow run: prefect 3.8's client fills unset filters with nulls,
    # which its server (under our fastapi pin) rejects, and sending empty ones joins them away.
    answer = httpx.post(f"{PREFECT_API_URL.value()}/artifacts/filter", timeout=30,
                        json={"artifacts": {"flow_run_id": {"any_": [str(run["flow_run_id"])]}}})
    answer.raise_for_status()
    artifacts = [SimpleNamespace(**a) for a in answer.json()]
    by_key = {a.key: a for a in artifacts}
    assert (by_key[SUMMARY_KEY].type, by_key[CLUSTERS_KEY].type, by_key[REPORT_KEY].type) == ("markdown", "table", "markdown")
    assert run["summary"]["run_id"] in by_key[SUMMARY_KEY].data and "| reuse clusters |" in by_key[SUMMARY_KEY].data
    table = by_key[CLUSTERS_KEY].data
    table = json.loads(table) if isinstance(table, str) else table
    assert sorted(table["cluster"]) == sorted(c["id"] for c in read_jsonl(run["latest"] / "clusters.jsonl"))
    assert max(table["copies"]) == 3
    link = re.fullmatch(r"\[(.*)\]\((.*)\)", by_key[REPORT_KEY].data)  # Prefect stores a link as Markdown
    assert link and link.group(2) == (run["latest"].resolve() / "report.html").as_uri()


def test_paragraphs_parquet_matches_the_corpus_and_is_deterministic(run: dict[str, Any], tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from wirewash.tasks.report.parquet import paragraph_rows, write_paragraphs_parquet

    clean = run["root"] / "clean"
    table = pq.read_table(clean / "paragraphs.parquet")
    rows = table.to_pylist()
    corpus = read_jsonl(clean / "corpus.jsonl")
    paragraphs = [(d, p) for d in corpus for p in d["paragraphs"]]
    assert [r["id"] for r in rows] == [p["id"] for _, p in paragraphs]
    assert [r["document"] for r in rows] == [d["id"] for d, _ in paragraphs]
    assert [r["lines"] for r in rows] == [p["lines"] for _, p in paragraphs]
    assert [r["reused_with"] for r in rows] == [p.get("reused_with", []) for _, p in paragraphs]
    # the row schema is the contract: every column named and typed as corpus.jsonl names it
    import jsonschema

    from wirewash.schemas import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("paragraph-row"))
    for row in rows:
        validator.validate({**row, "published": row["published"].isoformat() if row["published"] else None})
    assert table.column_names == list(load_schema("paragraph-row")["properties"])
    assert [r["text"] for r in rows] == [p["text"] for _, p in paragraphs]
    assert [r["outlet"] for r in rows] == [d["outlet"] for d, _ in paragraphs]
    assert [r["cluster"] for r in rows] == [p.get("cluster") for _, p in paragraphs]
    assert {r["published"] for r in rows if r["outlet"] == "wire-a"} == {date(2023, 6, 19)}
    clusters = read_jsonl(run["latest"] / "clusters.jsonl")
    assert {r["cluster"] for r in rows if r["cluster"]} == {c["id"] for c in clusters}
    assert all(r["reused"] == bool(r["cluster"] or r["reused_with"]) for r in rows)
    doc = [Document(d["id"], d["source"], d["outlet"], published=d["published"],
                    paragraphs=[Paragraph(p["id"], p["text"], tuple(p["lines"])) for p in d["paragraphs"]])
           for d in corpus]
    write_paragraphs_parquet(tmp_path / "one.parquet", paragraph_rows(doc, {}))
    write_paragraphs_parquet(tmp_path / "two.parquet", paragraph_rows(doc, {}))
    assert (tmp_path / "one.parquet").read_bytes() == (tmp_path / "two.parquet").read_bytes()


def test_pyarrow_is_a_dependency_of_every_install_not_an_extra() -> None:
    from importlib.metadata import requires

    core = [r for r in requires("wirewash") or [] if "extra ==" not in r]
    assert any(r.lower().startswith("pyarrow") for r in core), core


def _readme_snippets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Loading the output", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


@pytest.mark.parametrize("library", ["pandas", "duckdb"])
def test_readme_loading_snippets_run(run: dict[str, Any], library: str, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip(library)
    (snippet,) = [s for s in _readme_snippets() if f"import {library}" in s]
    assert len(snippet.strip().splitlines()) == 3
    monkeypatch.chdir(run["root"])
    scope: dict[str, Any] = {}
    exec(compile(snippet, f"README ({library})", "exec"), scope)  # noqa: S102 - our own README
    if library == "pandas":
        assert len(scope["corpus"]) == run["summary"]["counts"]["documents"]
        assert len(scope["paragraphs"]) == run["summary"]["counts"]["paragraphs"]
    else:
        out = capsys.readouterr().out
        assert "wire-a" in out
        clusters = read_jsonl(run["latest"] / "clusters.jsonl")
        assert all(c["id"] in out for c in clusters)


def test_cli_report_prints_the_latest_run(run: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    from wirewash.flows.cli import EXIT_BAD_ARGUMENT, main

    reports = str(run["root"] / "reports")
    assert main(["report", "--reports", reports]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"wirewash run {run['summary']['run_id']}\n")
    assert re.search(r"reuse clusters\s+2\b", out) and re.search(r"files not processed\s+1\b", out)
    assert PAYLOAD_NAME in out and "report: " in out and len(out.splitlines()) < 40
    assert main(["report", run["summary"]["run_id"], "--reports", reports, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["run_id"] == run["summary"]["run_id"]
    assert main(["report", "no-such-run", "--reports", reports]) == EXIT_BAD_ARGUMENT
    assert run["summary"]["run_id"] in capsys.readouterr().err


# --- in a real browser -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser() -> Any:
    """One headless Chromium for the module (Debian's chromium, installed when missing and root)."""
    from browser import Browser, ensure_chromium

    problem = ensure_chromium()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem)
        pytest.skip(problem)
    chromium = Browser()
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def page(browser: Any, run: dict[str, Any]) -> Any:
    """A tab with the run's report loaded; the tests below move through its views."""
    tab = browser.page()
    tab.goto((run["latest"] / "report.html").resolve().as_uri())
    assert tab.wait_until("document.documentElement.dataset.ready === '1'")
    return tab


def _open(page: Any, hash_: str, ready: str) -> Any:
    page.evaluate(f"location.hash = {json.dumps(hash_)}")
    return page.wait_until(ready)


def test_report_loads_without_errors_and_shows_the_summary(page: Any) -> None:
    assert page.problems() == []
    assert page.evaluate("document.getElementById('ww-summary').hidden") is False
    cards = page.evaluate("[...document.querySelectorAll('.card')].map(c => c.textContent)")
    assert any(c.endswith("reuse clusters") and c.startswith("2") for c in cards)
    assert PAYLOAD_NAME in page.evaluate("document.getElementById('ww-summary').textContent")


def test_each_view_opens(page: Any, run: dict[str, Any]) -> None:
    data = report_data_of(run["html"])
    for view, count in (("documents", len(data["documents"])), ("clusters", len(data["clusters"])),
                        ("pairs", len(data["pairs"])), ("outlets", len(data["outlets"]))):
        rows = _open(page, f"#{view}", f"document.getElementById('ww-view').dataset.view === '{view}' && "
                                       "document.querySelectorAll('#ww-view tr.go').length")
        assert rows == min(count, 50), view
        assert page.evaluate("document.querySelector('nav a[aria-current=page]').getAttribute('href')") == f"#{view}"
    bridge = next(c for c in data["clusters"] if len(c["members"]) == 3)
    assert _open(page, f"#cluster/{bridge['id']}", "document.querySelectorAll('#ww-view .col').length") == 3
    assert page.evaluate("document.querySelector('#ww-view .col.canon .badge').textContent") == "canonical copy"
    assert page.evaluate("[...document.querySelectorAll('#ww-view .col mark')].map(m => m.textContent)") == [SHARED[:-1]] * 3
    assert "according to the city" in page.evaluate("document.querySelectorAll('#ww-view .col')[1].textContent")
    doc = next(d for d in data["documents"] if d["id"] == "wire-a/bridge")
    assert _open(page, "#doc/wire-a/bridge", "document.querySelectorAll('#ww-view .seg').length") == len(doc["segments"])
    assert page.evaluate("document.querySelectorAll('#ww-view .badge').length") >= 2  # both shared paragraphs link out
    assert _open(page, "#pair/0", "document.querySelectorAll('#ww-view .col').length") == 2
    assert "↔" in _open(page, "#outlet/daily-b/wire-a", "document.querySelector('#ww-view h2')?.textContent")
    assert page.problems() == []


def test_documents_can_be_searched_and_filtered(page: Any, run: dict[str, Any]) -> None:
    _open(page, "#documents", "document.getElementById('ww-view').dataset.view === 'documents'")
    search = """(value => { const box = document.querySelector('#ww-view input[type=search]'); box.value = value;
                box.dispatchEvent(new Event('input')); return document.querySelectorAll('#ww-view tr.go').length; })"""
    assert page.evaluate(f"{search}('traffic next spring')") == 3  # the three bridge stories
    assert page.evaluate(f"{search}('')") == len(report_data_of(run["html"])["documents"])
    outlet = page.evaluate("""(() => { const s = document.querySelector('#ww-view select'); s.value = 'wire-a';
        s.dispatchEvent(new Event('change')); return [...document.querySelectorAll('#ww-view tr.go td:nth-child(2)')]
        .map(td => td.textContent); })()""")
    assert outlet == ["wire-a"]


def test_script_payloads_in_scraped_text_never_run(page: Any) -> None:
    _open(page, "#doc/herald-c/xss", "document.querySelectorAll('#ww-view .seg').length")
    text = page.evaluate("document.getElementById('ww-view').textContent")
    assert PAYLOAD_TITLE in text and "</script><script>window.__pwned=3</script>" in text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 2
    assert page.problems() == []  # not even a blocked attempt: the payloads stayed text


def test_content_security_policy_blocks_an_injected_script(page: Any) -> None:
    page.evaluate("""(() => { const s = document.createElement('script'); s.textContent = 'window.__csp = 1';
                   document.body.appendChild(s); })()""")
    assert page.evaluate("typeof window.__csp") == "undefined"
    assert any("Content Security Policy" in p for p in page.problems())


def test_screenshots_for_the_readme(page: Any, run: dict[str, Any], tmp_path: Path) -> None:
    """Screenshots of the summary and a cluster; WIREWASH_SCREENSHOTS=docs writes them for the README."""
    data = report_data_of(run["html"])
    bridge = next(c for c in data["clusters"] if len(c["members"]) == 3)
    target = Path(os.environ.get("WIREWASH_SCREENSHOTS") or tmp_path)
    shots = []
    for name, hash_, ready in (("report.png", "#summary", "!document.getElementById('ww-summary').hidden"),
                               ("report-cluster.png", f"#cluster/{bridge['id']}", "!!document.querySelector('#ww-view .col')")):
        _open(page, hash_, ready)
        shots.append(page.screenshot(target / name))
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_a_report_of_5000_documents_stays_quick(browser: Any, tmp_path: Path) -> None:
    """Synthetic batch: 5,000 documents of 8 paragraphs and 4 removed lines, 500 clusters across outlets."""
    import time

    text = "Officials said the bridge across the river will open next spring after long delays and cost overruns."
    docs = []
    for i in range(5000):
        doc = _doc(f"o{i % 40}-{i}", f"outlet{i % 40}", f"2023-06-{1 + i % 28:02d}", *[f"{text} ({i}.{j})" for j in range(8)])
        doc = replace(doc, segments=doc.segments + tuple(
            Segment(doc.source, (100 + k, 100 + k), "removed", "ad", "ad.marker", "Advertisement") for k in range(4)))
        docs.append(doc)
    overlaps = [{"kind": "near-duplicate", "a": {**_side(docs[c].id, 0), "file": docs[c].source},
                 "b": {**_side(docs[c + 1].id, 0), "file": docs[c + 1].source}, "jaccard": 0.9, "containment": 0.9}
                for c in range(0, 1000, 2)]
    clusters = [{"id": f"nd-{n}", "canonical": o["a"], "members": [o["a"], o["b"]], "canonical_rule": "earliest-published"}
                for n, o in enumerate(overlaps)]
    summary = {"run_id": "scale", "counts": {"documents": 5000}, "lines_removed_by_category": {"ad": 20000},
               "quarantined": [], "parameters": {"shingle_words": 3}}
    path = tmp_path / "report.html"
    path.write_text(render_report_data(build_report_data(summary, docs, overlaps, clusters, {})), encoding="utf-8")
    tab = browser.page()
    started = time.monotonic()
    tab.goto(path.as_uri() + "#documents")
    assert tab.wait_until("document.querySelectorAll('#ww-view tr.go').length") == 50
    assert time.monotonic() - started < 5.0
    assert "page 1 of 100" in tab.evaluate("document.querySelector('#ww-view .pager').textContent")
    for hash_, rows in (("#clusters", 50), ("#pairs", 50), ("#outlets", 20)):
        assert _open(tab, hash_, "document.querySelectorAll('#ww-view tr.go').length") == rows
    assert tab.problems() == []


def test_report_data_caps_marked_views_but_keeps_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewash.tasks.report.data as report_data

    monkeypatch.setattr(report_data, "MAX_PAIR_VIEWS", 2)
    monkeypatch.setattr(report_data, "MAX_CLUSTER_VIEWS", 1)
    side = {"file": "a.txt", "lines": [1, 1], "paragraph": 0}
    overlaps = [{"kind": "contained", "a": side, "b": {**side, "file": f"b{i}.txt"}, "jaccard": 0.5, "containment": 0.9}
                for i in range(5)]
    clusters = [{"id": f"nd-{i}", "canonical": side, "members": [side]} for i in range(3)]
    summary = {"run_id": "r", "counts": {"overlaps": 5}, "lines_removed_by_category": {}, "quarantined": [],
               "parameters": {"shingle_words": 3}}
    data = report_data.build_report_data(summary, [], overlaps, clusters, {})
    assert len(data["pairs"]) == 2 and data["pairs_omitted"] == 3
    assert len(data["clusters"]) == 1 and data["clusters_omitted"] == 2
    assert data["run"]["counts"]["overlaps"] == 5


# --- a large run's page and table, written in pieces ----------------------------------------------

def _one_shot_json_for_script(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, code)
    return text


def test_json_for_script_in_pieces_is_the_one_shot_encoding() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    leaves = st.none() | st.booleans() | st.integers() | st.text(alphabet="ab<>&\u2028\u2029é\"\\ \n")
    values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                                                max_size=4), max_leaves=20)

    @settings(max_examples=200, deadline=None)
    @given(values)
    def check(value: Any) -> None:
        assert json_for_script(value) == _one_shot_json_for_script(value)

    check()


def test_report_page_written_in_pieces_is_the_rendered_page(tmp_path: Path) -> None:
    from wirewash.tasks.report.html import write_report_page

    docs = [Document("a", "a.txt", "x", "T", paragraphs=[Paragraph("a#1", "Some </script> text & more.", (1, 1))],
                     segments=[Segment("a.txt", (1, 1), "kept", "body", "body.paragraph", "Some </script> text & more.")])]
    summary = {"run_id": "r1", "counts": {}, "lines_removed_by_category": {}, "quarantined": []}
    data = build_report_data(summary, docs, [], [], {})
    write_report_page(tmp_path / "report.html", data, "now")
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == render_report_data(data, "now")
    assert "</script> text" not in render_report_data(data)


def test_report_page_from_views_written_to_disk_is_the_page_from_views_in_memory(tmp_path: Path) -> None:
    """A run writes in two passes: the whole documents, read back from the cache by a process of its own,
    give the clean texts, provenance, line counts and document lines; the heads and the notes give
    corpus.jsonl and the views. Together they are what the whole documents in memory give."""
    from wirewash.tasks.clean.result_cache import DocumentShelf, ResultCache, ShelvedDocument
    from wirewash.tasks.report.data import document_views
    from wirewash.tasks.report.documents import write_corpus_entries, write_document_views, write_line_outputs
    from wirewash.tasks.report.summary import LineTally
    from wirewash.tasks.store.outputs import CleanStaging

    docs = [Document(name, f"{name}.txt", "x", "T", published="2024-01-02",
                     paragraphs=[Paragraph(f"{name}#1", f"Kept text of {name} <b> & \u2028 \u00e9t\u00e9.", (2, 2))],
                     segments=[Segment(f"{name}.txt", (1, 1), "removed", "navigation", "nav.menu", "Home | News"),
                               Segment(f"{name}.txt", (2, 2), "kept", "body", "body.paragraph",
                                       f"Kept text of {name} <b> & \u2028 \u00e9t\u00e9.")])
            for name in ("a", "b", "c")]
    notes = {"b#1": {"cluster": "c1", "reused_words": 3}}
    summary = {"run_id": "r1", "counts": {}, "lines_removed_by_category": {}, "quarantined": []}
    cache = ResultCache(tmp_path / "state")
    for doc in docs:
        cache.put_results(f"key-{doc.id}", [doc])
    shelf = DocumentShelf(tmp_path / "state", tuple(ShelvedDocument(d.source, f"key-{d.id}", d.id, d.id) for d in docs))
    clean = CleanStaging(tmp_path / "clean")
    lines = write_line_outputs(shelf, {}, clean.path, tmp_path / "provenance.jsonl", tmp_path / "lines.jsonl")
    heads = [doc.head() for doc in docs]
    write_corpus_entries(heads, clean, notes)
    folder = clean.close()
    views = write_document_views(heads, lines.lines, notes, tmp_path / "views.jsonl")
    assert len(views) == 3 and list(views) == document_views(docs, notes)
    assert vars(lines.tally) == vars(LineTally.of(docs)) and lines.dropped == ()
    assert [json.loads(line) for line in (tmp_path / "provenance.jsonl").read_text(encoding="utf-8").split("\n")[:-1]] == \
        [seg.to_json() for doc in docs for seg in doc.segments]
    assert [(folder / f"{d.id}.txt").read_text(encoding="utf-8") for d in docs] == [d.text + "\n" for d in docs]
    assert [json.loads(line)["id"] for line in (folder / "corpus.jsonl").read_text(encoding="utf-8").split("\n")[:-1]] == \
        ["a", "b", "c"]
    from_disk = build_report_data(summary, docs, [], [], notes, views=views)
    in_memory = build_report_data(summary, docs, [], [], notes)
    assert from_disk["run"] == in_memory["run"] and from_disk["run"]["reused_words"] == 3
    assert render_report_data(from_disk, "now") == render_report_data(in_memory, "now")


def test_documents_past_the_line_view_limit_keep_their_row_without_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewash.tasks.report.data as report_data

    monkeypatch.setattr(report_data, "MAX_DOCUMENT_LINE_VIEWS", 1)
    docs = [Document(name, f"{name}.txt", "x", paragraphs=[Paragraph(f"{name}#1", "Kept text here.", (2, 2))],
                     segments=[Segment(f"{name}.txt", (1, 1), "removed", "navigation", "nav.menu", "Home | News"),
                               Segment(f"{name}.txt", (2, 2), "kept", "body", "body.paragraph", "Kept text here.")])
            for name in ("b", "a")]
    views = report_data.document_views(docs, {})
    assert [v["id"] for v in views] == ["a", "b"]
    assert len(views[0]["segments"]) == 2 and "lines_omitted" not in views[0]
    assert views[1]["segments"] == [] and views[1]["lines_omitted"] is True
    # the row's counts do not depend on whether its lines are shown
    assert {k: v for k, v in views[1].items() if k not in ("id", "source", "segments", "lines_omitted")} == \
        {k: v for k, v in views[0].items() if k not in ("id", "source", "segments")}


@pytest.mark.parametrize("convert_rows", [3, 7, 10_000])  # a row group converted in pieces, in one, or in part of one
def test_parquet_written_a_row_group_at_a_time_is_the_one_table_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     convert_rows: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    import wirewash.tasks.report.parquet as parquet

    monkeypatch.setattr(parquet, "ROW_GROUP_ROWS", 7)
    monkeypatch.setattr(parquet, "CONVERT_ROWS", convert_rows)
    docs = [Document(f"d{n:02d}", f"d{n:02d}.txt", "x", paragraphs=[Paragraph(f"d{n:02d}#{i}", f"Paragraph {i} of {n}.",
                                                                              (i, i)) for i in range(1, n % 5 + 1)])
            for n in range(12)]
    for count in (0, 3, len(docs)):
        parquet.write_paragraphs_parquet(tmp_path / "pieces.parquet", parquet.paragraph_rows(docs[:count], {}))
        table = pa.Table.from_pylist(list(parquet.paragraph_rows(docs[:count], {})), schema=parquet.paragraph_schema())
        pq.write_table(table, tmp_path / "whole.parquet", compression="zstd", write_statistics=True, row_group_size=7)
        assert (tmp_path / "pieces.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()


def test_parquet_from_corpus_jsonl_is_the_file_from_documents_and_their_notes(tmp_path: Path) -> None:
    """A run writes the table from corpus.jsonl in a process of its own: the rows (and so the file's bytes)
    are those made from the documents and their reuse notes, dates, nulls, unusual text and floats included."""
    import wirewash.tasks.report.parquet as parquet
    from wirewash.tasks.store.outputs import CleanStaging

    docs = [Document("a/one", "a/one.txt", "a", title="T", author=None, published="2024-02-29",
                     paragraphs=[Paragraph("a/one#L1", "Line\u2028sep, \"quoted\" \r text.", (1, 1)),
                                 Paragraph("a/one#L3", "Second paragraph here.", (3, 4))]),
            Document("b/two", "b/two.txt", "b", published="not a date", url="https://b.example/2",
                     paragraphs=[Paragraph("b/two#L2", "Second paragraph here.", (2, 2))]),
            Document("c/empty", "c/empty.txt", "c", paragraphs=[])]
    notes = {"a/one#L3": {"cluster": "c1", "canonical": True, "reused_with": [{"kind": "near-duplicate",
                                                                             "file": "b/two.txt", "lines": [2, 2]}],
                          "reused_words": 3, "reused_share": 1 / 3},
             "b/two#L2": {"cluster": "c1", "canonical": False, "reused_with": [], "reused_words": 0, "reused_share": 0.0}}
    staging = CleanStaging(tmp_path / "clean")
    for doc in docs:
        staging.add_entry(doc, notes)
    folder = staging.close()
    assert list(parquet.corpus_rows(folder / "corpus.jsonl")) == list(parquet.paragraph_rows(docs, notes))
    parquet.write_corpus_parquet(folder / "corpus.jsonl", tmp_path / "from-corpus.parquet")
    parquet.write_paragraphs_parquet(tmp_path / "from-docs.parquet", parquet.paragraph_rows(docs, notes))
    assert (tmp_path / "from-corpus.parquet").read_bytes() == (tmp_path / "from-docs.parquet").read_bytes()


def test_json_records_are_made_on_each_read_and_equal_the_records_json() -> None:
    from wirewash.tasks.records import JsonRecords

    made: list[int] = []

    class Record:
        def __init__(self, n: int) -> None:
            self.n = n

        def to_json(self) -> dict[str, Any]:
            made.append(self.n)
            return {"n": self.n}

    records = JsonRecords([Record(n) for n in range(5)])
    assert len(records) == 5 and made == []  # nothing is made before it is read
    assert list(records) == [{"n": n} for n in range(5)]
    assert records[1:3] == [{"n": 1}, {"n": 2}] and records[-1] == {"n": 4}
    assert list(records) == list(records) and made.count(0) == 3  # made again each time, never kept


def test_jsonl_records_read_back_what_was_written(tmp_path: Path) -> None:
    from wirewash.tasks.store.outputs import JsonlRecords, dump_jsonl

    written = [{"kind": "shared-text", "jaccard": 0.1 + n / 3, "text": f"«{n}»\u2028", "lines": [n, n + 1]} for n in range(6)]
    dump_jsonl(tmp_path / "pairs.jsonl", written)
    records = JsonlRecords(tmp_path / "pairs.jsonl", len(written))
    assert len(records) == 6 and list(records) == written  # same keys in the same order, same floats and texts
    assert [list(r) for r in records] == [list(w) for w in written]
    assert records[:3] == written[:3] and records[2:4] == written[2:4] and records[9:] == []
    assert records[0] == written[0] and records[-1] == written[-1]
    with pytest.raises(IndexError):
        records[6]
    dump_jsonl(tmp_path / "none.jsonl", [])
    assert list(JsonlRecords(tmp_path / "none.jsonl", 0)) == [] and JsonlRecords(tmp_path / "none.jsonl", 0)[:5] == []



_KEYS = [("", "a.txt", 1), ("", "a.txt", 4), ("b-1", "a.txt", 1), ("", "b.txt", 1)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_KEYS), st.sampled_from(_KEYS),
                          st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)).map(list), max_size=3)),
                max_size=12))
def test_member_spans_in_columns_answer_as_a_dict_of_the_last_spans_given(adds: list[Any]) -> None:
    from wirewash.tasks.report.data import _MemberSpans

    store, plain = _MemberSpans(), {}
    for member, canonical, spans in adds:
        store.add(member, canonical, spans)
        plain[(member, canonical)] = spans  # the last given wins, none included
    store.close()
    for member in _KEYS:
        for canonical in _KEYS:
            assert store.get(member, canonical) == [tuple(span) for span in plain.get((member, canonical), [])]


def test_a_segment_record_is_every_field_in_order_as_json_gives_it_back() -> None:
    from dataclasses import asdict, fields

    from wirewash.tasks.records import segment_from_json

    seg = Segment("o/a.txt", (3, 4), "removed", "promo", "promo.newsletter", "Sign up\nnow", "a box", ("L3:fix",))
    record = seg.to_json()
    assert list(record) == [field.name for field in fields(Segment)]  # a field added later is not left out
    assert record == {**asdict(seg), "lines": [3, 4], "fixes": ["L3:fix"]}
    assert segment_from_json(json.loads(json.dumps(record))) == seg
