"""Folder checks before any work: a run never moves, nests or replaces a folder that is not its own."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES
from wirewash.flows.cli import EXIT_BAD_ARGUMENT, main
from wirewash.tasks.store.outputs import REPORTS_MARKER, begin_report, is_wirewash_clean, is_wirewash_reports


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


def test_tidy_puts_back_the_previous_clean_when_a_run_died_between_the_two_renames(tmp_path: Path) -> None:
    from wirewash.tasks.store.outputs import _clean_aside_path, clean_staging_path, tidy_clean

    clean = tmp_path / "clean"
    aside = _clean_aside_path(clean)
    aside.mkdir()
    (aside / "a.txt").write_text("previous run\n")
    clean_staging_path(clean).mkdir()  # the half-built next version
    tidy_clean(clean)
    assert (clean / "a.txt").read_text() == "previous run\n"
    assert not aside.exists() and not clean_staging_path(clean).exists()
    aside.mkdir()  # a version aside while clean/ is in place is only waiting to be deleted
    tidy_clean(clean)
    assert not aside.exists() and (clean / "a.txt").exists()


def test_publish_replaces_clean_and_an_older_link_layout_with_a_plain_folder(tmp_path: Path) -> None:
    from wirewash.tasks.store.outputs import CLEAN_MARKER, clean_staging_path, publish_clean

    clean = tmp_path / "clean"
    versions = tmp_path / "state" / "clean-versions" / "v1"
    versions.mkdir(parents=True)
    (versions / "old.txt").write_text("old\n")
    clean.symlink_to(versions, target_is_directory=True)
    for text in ("first\n", "second\n"):
        staging = clean_staging_path(clean)
        staging.mkdir()
        (staging / CLEAN_MARKER).touch()
        (staging / "a.txt").write_text(text)
        publish_clean(staging, clean)
        assert not clean.is_symlink() and (clean / "a.txt").read_text() == text and not (clean / "old.txt").exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "state"]  # nothing left beside it
    assert (versions / "old.txt").exists()  # an older layout's versions are left to the user


@pytest.mark.usefixtures("prefect_harness")
def test_clean_is_a_plain_folder_and_a_run_with_another_clean_on_the_same_state_leaves_it_alone(
    tmp_path: Path,
) -> None:
    from conftest import snapshot_outputs
    from wirewash.flows.pipeline import wirewash_run
    from wirewash.tasks.params import RunParams

    shutil.copytree(SAMPLES, tmp_path / "raw")

    def run(clean: str, reports: str) -> None:
        wirewash_run(params=RunParams.build(raw=tmp_path / "raw", clean=tmp_path / clean,
                                            reports=tmp_path / reports, state=tmp_path / "state"))

    run("clean", "reports")
    assert (tmp_path / "clean").is_dir() and not (tmp_path / "clean").is_symlink()
    first = _tree(tmp_path / "clean")
    shutil.copytree(tmp_path / "clean", tmp_path / "copy")  # as `cp -r` copies it: files, not a link
    assert _tree(tmp_path / "copy") == first and any(name.endswith(".txt") for name in first)
    (tmp_path / "raw" / sorted(p.name for p in SAMPLES.glob("*.txt"))[0]).unlink()
    run("clean2", "reports2")
    run("clean2", "reports2")
    assert _tree(tmp_path / "clean") == first
    assert len(_tree(tmp_path / "clean2")) == len(first) - 1
    assert snapshot_outputs(tmp_path)["clean/corpus.jsonl"] == first["corpus.jsonl"]


def test_a_locked_state_is_refused_with_one_line_before_prefect_is_imported(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import ROOT
    from wirewash.tasks.store.lock import hold_run_lock

    shutil.copytree(SAMPLES, tmp_path / "raw")
    probe = ("import sys; from wirewash.flows.cli import main; code = main(sys.argv[1:]); "
             "print('prefect imported' if any(m.split('.')[0] == 'prefect' for m in sys.modules) else 'no prefect'); "
             "sys.exit(code)")
    args = ["run", "--raw", str(tmp_path / "raw"), "--clean", str(tmp_path / "clean"),
            "--reports", str(tmp_path / "reports"), "--state", str(tmp_path / "state")]
    with hold_run_lock(tmp_path / "state", 0):
        done = subprocess.run([sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
    assert done.returncode == 3, done.stderr
    assert done.stdout.strip() == "no prefect"
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("wirewash: another wirewash run (pid ")


def test_raw_naming_a_file_says_which_folder_to_pass(project: Path, capsys) -> None:
    scrape = next((project / "proj" / "raw").glob("*.txt"))
    err = _refused(capsys, "--raw", str(scrape), "--state", str(project / "st"))
    assert "is a file, not a folder" in err and f"--raw '{scrape.parent}'" in err


@pytest.mark.parametrize("doc_id", ["../escaped", "outlet/../../escaped", "/tmp/absolute"])
def test_a_document_id_leading_outside_clean_is_refused_and_nothing_is_written(tmp_path: Path, doc_id: str) -> None:
    from wirewash.tasks.records import Document
    from wirewash.tasks.store.outputs import CleanStaging, UnsafeOutputPathError, staging_root, write_clean_text

    clean = CleanStaging(tmp_path / "clean")
    with pytest.raises(UnsafeOutputPathError, match="outside clean/"):
        write_clean_text(staging_root(clean.path), Document(doc_id, "x.txt", "x"))
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/absolute.txt").exists()


def test_a_document_id_with_folders_writes_inside_the_staging_folder(tmp_path: Path) -> None:
    from wirewash.tasks.records import Document, Paragraph
    from wirewash.tasks.store.outputs import CleanStaging, staging_root, write_clean_text

    clean = CleanStaging(tmp_path / "clean")
    write_clean_text(staging_root(clean.path),
                     Document("outlet/./sub/story", "outlet/sub/story.txt", "x", paragraphs=[Paragraph("p", "Text.", (1, 1))]))
    assert (clean.path / "outlet" / "sub" / "story.txt").read_text(encoding="utf-8") == "Text.\n"
