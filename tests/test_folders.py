"""Folder checks before any work: a run never moves, nests or replaces a folder that is not its own."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from flows.cli import EXIT_BAD_ARGUMENT, main
from tasks.outputs import REPORTS_MARKER, begin_report, is_wirewash_clean, is_wirewash_reports


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["run", *args]) == EXIT_BAD_ARGUMENT
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("wirewash: "), err
    return err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES, tmp_path / "proj" / "raw")
    (tmp_path / "proj" / "notes.txt").write_text("my own notes\n")
    return tmp_path


def test_a_clean_folder_holding_the_raw_folder_is_refused_and_nothing_moves(project: Path, capsys) -> None:
    before = _tree(project)
    err = _refused(capsys, "--raw", str(project / "proj" / "raw"), "--clean", str(project / "proj"),
                   "--state", str(project / "st"), "--reports", str(project / "rep"))
    assert "--raw" in err and "inside --clean" in err
    assert _tree(project) == before and not (project / "proj").is_symlink()


@pytest.mark.parametrize("same", [("clean", "state"), ("clean", "reports"), ("reports", "state")])
def test_two_roles_sharing_one_folder_are_refused(project: Path, same: tuple[str, str], capsys) -> None:
    folders = {"clean": project / "c", "reports": project / "r", "state": project / "s"}
    folders[same[1]] = folders[same[0]]
    args = ["--raw", str(project / "proj" / "raw")] + [a for k, v in folders.items() for a in (f"--{k}", str(v))]
    err = _refused(capsys, *args)
    assert f"--{same[0]}" in err and f"--{same[1]}" in err and "same folder" in err


@pytest.mark.parametrize("outer,inner", [("state", "clean"), ("reports", "state"), ("clean", "reports")])
def test_nested_output_folders_are_refused_in_any_order(project: Path, outer: str, inner: str, capsys) -> None:
    folders = {"clean": project / "c", "reports": project / "r", "state": project / "s"}
    folders[inner] = folders[outer] / "inside"
    args = ["--raw", str(project / "proj" / "raw")] + [a for k, v in folders.items() for a in (f"--{k}", str(v))]
    assert f"--{inner}" in _refused(capsys, *args)


@pytest.mark.parametrize("role", ["clean", "reports"])
def test_an_existing_folder_wirewash_did_not_write_is_refused_untouched(project: Path, role: str, capsys) -> None:
    mine = project / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work\n")
    folders = {"clean": project / "c", "reports": project / "r", "state": project / "s", role: mine}
    args = ["--raw", str(project / "proj" / "raw")] + [a for k, v in folders.items() for a in (f"--{k}", str(v))]
    err = _refused(capsys, *args)
    assert f"--{role}" in err and "not written by wirewash" in err
    assert _tree(mine) == {"thesis.txt": b"years of work\n"}


def test_ownership_is_recognised_from_what_wirewash_leaves(tmp_path: Path) -> None:
    assert is_wirewash_clean(tmp_path / "missing-link") is False  # nothing there: is_wirewash_* is asked of existing paths
    empty = tmp_path / "empty"
    empty.mkdir()
    assert is_wirewash_clean(empty) and is_wirewash_reports(empty)
    (tmp_path / "state" / "clean-versions" / "v1").mkdir(parents=True)
    (tmp_path / "clean").symlink_to(tmp_path / "state" / "clean-versions" / "v1")
    assert is_wirewash_clean(tmp_path / "clean")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    assert not is_wirewash_clean(tmp_path / "link")
    reports = tmp_path / "reports"
    begin_report(reports, "run-1")
    assert (reports / REPORTS_MARKER).exists() and is_wirewash_reports(reports)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    assert not is_wirewash_reports(tmp_path / "other")


@pytest.mark.usefixtures("prefect_harness")
def test_inputs_whose_names_collide_each_keep_their_own_clean_file_and_ids(tmp_path: Path) -> None:
    import json

    from conftest import run_flow

    raw = tmp_path / "raw"
    (raw / "export2").mkdir(parents=True)
    story = sorted(SAMPLES.glob("*.txt"))
    (raw / "dup.txt").write_text(story[0].read_text())
    paragraphs = "".join(f"<p>{p}</p>" for p in story[1].read_text().split("\n") if len(p.split()) > 12)
    (raw / "dup.html").write_text(f"<!doctype html><html><head><title>T</title></head><body><article>{paragraphs}"
                                  "</article></body></html>")
    (raw / "export2.jsonl").write_text(json.dumps({"text": story[2].read_text()}) + "\n")
    (raw / "export2" / "L1.txt").write_text(story[3].read_text())
    summary = run_flow(tmp_path)
    corpus = [json.loads(line) for line in (tmp_path / "clean" / "corpus.jsonl").read_text().splitlines()]
    ids = {doc["source"]: doc["id"] for doc in corpus}
    assert ids == {"dup.txt": "dup.txt", "dup.html": "dup.html", "export2.jsonl#L1": "export2.jsonl/L1",
                   "export2/L1.txt": "export2/L1.txt"}
    paragraph_ids = [p["id"] for doc in corpus for p in doc["paragraphs"]]
    assert len(paragraph_ids) == len(set(paragraph_ids)) and all(p["text"] for d in corpus for p in d["paragraphs"])
    for doc in corpus:
        assert (tmp_path / "clean" / f"{doc['id']}.txt").read_text().strip() == doc["text"].strip()
        assert all(p["id"].startswith(doc["id"] + "#") for p in doc["paragraphs"])
    assert summary["name_collisions"] == [{"id": "dup", "sources": ["dup.html", "dup.txt"]},
                                          {"id": "export2/L1", "sources": ["export2.jsonl#L1", "export2/L1.txt"]}]
