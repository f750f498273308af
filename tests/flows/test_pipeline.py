"""End-to-end: the flow over the five samples writes the whole output contract, deterministically."""
from __future__ import annotations

import gzip
import re
import json
from pathlib import Path
from typing import Any

import pytest

from wirewash.flows.cli import EXIT_BAD_ARGUMENT, EXIT_NOTHING_PROCESSED, main
from wirewash.tasks.params import RunParams

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _run(root: Path, **extra: Any) -> dict[str, Any]:
    from wirewash.flows.pipeline import wirewash_run

    params = RunParams.build(raw=root / "raw", clean=root / "clean", reports=root / "reports", state=root / "state", **extra)
    return wirewash_run(params=params)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    import shutil

    from conftest import SAMPLES

    root = tmp_path_factory.mktemp("e2e")
    shutil.copytree(SAMPLES, root / "raw")
    (root / "raw" / "empty.txt").write_text("  \n")
    (root / "raw" / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (root / "raw" / "broken.html.gz").write_bytes(gzip.compress(b"<html><body><p>hello</p></body></html>" * 20)[:30])
    return root, _run(root)


def test_clean_text_for_every_sample(first_run: tuple[Path, dict[str, Any]]) -> None:
    root, _ = first_run
    names = sorted(p.name.split(".")[0] for p in (root / "raw").glob("0*.txt"))
    assert sorted(p.stem for p in (root / "clean").glob("*.txt")) == names
    for name in names:
        text = (root / "clean" / f"{name}.txt").read_text()
        assert text.strip() and "\n\n\n" not in text
    corpus = _read_jsonl(root / "clean" / "corpus.jsonl")
    assert [d["id"] for d in corpus] == names
    for doc in corpus:
        assert set(doc) >= {"id", "source", "outlet", "title", "author", "published", "url", "text", "paragraphs"}
        assert doc["text"] == "\n\n".join(p["text"] for p in doc["paragraphs"])
        assert doc["title"] and doc["title"] not in doc["text"].split("\n\n")[:1]


def test_provenance_covers_every_nonblank_line_once(first_run: tuple[Path, dict[str, Any]]) -> None:
    root, _ = first_run
    records = _read_jsonl(root / "reports" / "latest" / "provenance.jsonl")
    for raw in sorted((root / "raw").glob("0*.txt")):
        covered: list[int] = []
        for rec in (r for r in records if r["file"] == raw.name):
            assert rec["action"] in {"kept", "removed", "title", "metadata"} and rec["rule"] and rec["category"]
            covered += range(rec["lines"][0], rec["lines"][1] + 1)
        nonblank = [i for i, line in enumerate(raw.read_text().split("\n"), start=1) if line.strip()]
        assert sorted(n for n in covered if n in set(nonblank)) == nonblank


def test_summary_reconciles_and_lists_bad_files(first_run: tuple[Path, dict[str, Any]]) -> None:
    root, summary = first_run
    latest = root / "reports" / "latest"
    assert latest.is_symlink() and latest.resolve().name == summary["run_id"]
    on_disk = json.loads((latest / "summary.json").read_text())
    counts = on_disk["counts"]
    assert counts["documents"] == len(_read_jsonl(root / "clean" / "corpus.jsonl")) == 5
    assert counts["provenance_records"] == len(_read_jsonl(latest / "provenance.jsonl"))
    assert counts["overlaps"] == len(_read_jsonl(latest / "overlaps.jsonl"))
    assert counts["clusters"] == len(_read_jsonl(latest / "clusters.jsonl"))
    assert counts["paragraphs"] == sum(len(d["paragraphs"]) for d in _read_jsonl(root / "clean" / "corpus.jsonl"))
    reasons = {q["source"]: q["reason"] for q in on_disk["quarantined"]}
    assert reasons["empty.txt"].startswith("empty")
    assert reasons["binary.txt"].startswith("binary")
    assert reasons["broken.html.gz"].startswith("unreadable")
    assert counts["files_seen"] == counts["documents"] + counts["quarantined"]
    assert on_disk["parameters"]["batch_size"] == 64 and on_disk["versions"]["prefect"].startswith("3.8")
    timings = on_disk["timings_seconds"]
    assert set(timings) >= {"read", "clean", "reuse", "write", "report", "total"}
    # the summary is written after the report page: its total counts every stage, the report's included
    assert timings["total"] >= sum(timings[stage] for stage in ("read", "clean", "reuse", "write", "report")) - 0.01
    html = (latest / "report.html").read_text()
    assert "Content-Security-Policy" in html and "script-src 'unsafe-inline'" not in html


def test_second_run_is_byte_identical(first_run: tuple[Path, dict[str, Any]]) -> None:
    root, summary = first_run
    before = {p.relative_to(root / "clean"): p.read_bytes() for p in (root / "clean").rglob("*") if p.is_file()}
    overlaps = (root / "reports" / "latest" / "overlaps.jsonl").read_bytes()
    clusters = (root / "reports" / "latest" / "clusters.jsonl").read_bytes()
    second = _run(root)
    after = {p.relative_to(root / "clean"): p.read_bytes() for p in (root / "clean").rglob("*") if p.is_file()}
    assert after == before
    assert (root / "reports" / "latest" / "overlaps.jsonl").read_bytes() == overlaps
    assert (root / "reports" / "latest" / "clusters.jsonl").read_bytes() == clusters
    assert (root / "reports" / summary["run_id"]).is_dir() or summary["run_id"] == second["run_id"]


def test_outlet_folders_and_nested_names(tmp_path: Path) -> None:
    from conftest import SAMPLES

    for i, sample in enumerate(sorted(SAMPLES.glob("*.txt"))[:2]):
        target = tmp_path / "raw" / f"outlet{i}" / "2023" / (sample.stem + ".txt.gz")
        target.parent.mkdir(parents=True)
        target.write_bytes(gzip.compress(sample.read_bytes()))
    _run(tmp_path)
    assert sorted(p.relative_to(tmp_path / "clean").as_posix() for p in (tmp_path / "clean").rglob("*.txt")) == [
        f"outlet{i}/2023/{s.stem}.txt" for i, s in enumerate(sorted(SAMPLES.glob("*.txt"))[:2])
    ]
    corpus = _read_jsonl(tmp_path / "clean" / "corpus.jsonl")
    assert [d["outlet"] for d in corpus] == ["outlet0", "outlet1"]


def test_cli_rejects_a_missing_raw_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--raw", str(tmp_path / "nope"), "--state", str(tmp_path / "s")])
    assert code == EXIT_BAD_ARGUMENT
    assert "--raw DIR" in capsys.readouterr().err


def test_cli_exits_nonzero_when_nothing_could_be_processed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_text("")
    code = main(["run", "--raw", str(tmp_path / "raw"), "--clean", str(tmp_path / "clean"),
                 "--reports", str(tmp_path / "reports"), "--state", str(tmp_path / "s")])
    assert code == EXIT_NOTHING_PROCESSED
    err = capsys.readouterr().err
    assert "could be processed" in err and "Traceback" not in err
    assert "wirewash:   empty.txt: empty: the file has no text" in err.splitlines()  # one line per reason
    assert not (tmp_path / "clean").exists() and not (tmp_path / "reports" / "latest").exists()
    (summary_path,) = (tmp_path / "reports").glob("*/summary.json")  # the work done is written down
    summary = json.loads(summary_path.read_text())
    assert str(summary_path) in err and summary["counts"]["documents"] == 0
    assert [q["source"] for q in summary["quarantined"]] == ["empty.txt"]


def test_cli_run_prints_summary_and_report_path(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", "--raw", str(workdir / "raw"), "--clean", str(workdir / "clean"),
                 "--reports", str(workdir / "reports"), "--state", str(workdir / "s")])
    out = capsys.readouterr().out
    assert code == 0 and re.search(r"documents\s+5\b", out) and "report.html" in out


@pytest.mark.parametrize(
    ("schema", "relative"),
    [("document", "clean/corpus.jsonl"), ("provenance", "reports/latest/provenance.jsonl"),
     ("overlap", "reports/latest/overlaps.jsonl"), ("cluster", "reports/latest/clusters.jsonl"),
     ("summary", "reports/latest/summary.json")],
)
def test_outputs_match_their_json_schemas(first_run: tuple[Path, dict[str, Any]], schema: str, relative: str) -> None:
    import jsonschema

    from wirewash.schemas import load_schema

    root, _ = first_run
    validator = jsonschema.Draft202012Validator(load_schema(schema))
    path = root / relative
    records = [json.loads(path.read_text())] if path.suffix == ".json" else _read_jsonl(path)
    if schema != "cluster":
        assert records, f"{relative} is empty on the samples"
    for record in records:
        validator.validate(record)


@pytest.mark.parametrize("name", ["document", "provenance", "overlap", "cluster", "paragraph-row", "summary"])
def test_the_shipped_schemas_are_the_ones_the_record_types_generate(name: str) -> None:
    from wirewash.schemas import load_schema
    from wirewash.tasks.contract import generate_schema

    assert load_schema(name) == generate_schema(name), "schemas/ is stale: run python -m wirewash.tasks.contract"


def test_a_renamed_or_stray_field_fails_its_schema(first_run: tuple[Path, dict[str, Any]]) -> None:
    import jsonschema

    from wirewash.schemas import load_schema

    root, _ = first_run
    document = _read_jsonl(root / "clean" / "corpus.jsonl")[0]
    validator = jsonschema.Draft202012Validator(load_schema("document"))
    renamed = {("doc_id" if k == "id" else k): v for k, v in document.items()}
    stray = {**document, "paragraphs": [{**document["paragraphs"][0], "line_first": 1}]}
    assert not validator.is_valid(renamed) and not validator.is_valid(stray) and validator.is_valid(document)
