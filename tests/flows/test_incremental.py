"""Incremental runs end exactly where one fresh run over the same files would.

Scenarios a nightly user meets (identical files, renames, moves to another
outlet folder, deletions, a code change), a property test over random
sequences of such batches, and the same on the syndicated corpus, with a run
killed part-way.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES, run_flow, shared_path, snapshot_outputs
from wirewash.tasks.clean.fingerprint import find_code_closure
from wirewash.tasks.clean.cache import CLEANING_ENTRIES, cleaning_fingerprint

pytestmark = pytest.mark.usefixtures("prefect_harness")
SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.txt"))


def _fresh_equals(root: Path, scratch: Path) -> None:
    """Assert that ``root``'s outputs equal those of one fresh run over a copy of its final ``raw/``."""
    shutil.copytree(root / "raw", scratch / "raw")
    run_flow(scratch)
    assert snapshot_outputs(root, batches=False) == snapshot_outputs(scratch, batches=False)


def _corpus(root: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (root / "clean" / "corpus.jsonl").read_text().splitlines()]


def test_byte_identical_files_added_in_a_later_batch_keep_their_own_names(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "raw").mkdir(parents=True)
    text = (SAMPLES / SAMPLE_FILES[0]).read_bytes()
    (root / "raw" / "a_w0.txt").write_bytes(text)
    run_flow(root)
    (root / "raw" / "a_o1.txt").write_bytes(text)  # a wire story printed unchanged by a second outlet
    summary = run_flow(root)
    assert summary["counts"]["files_cleaned"] == 1
    assert sorted(doc["source"] for doc in _corpus(root)) == ["a_o1.txt", "a_w0.txt"]
    assert (root / "clean" / "a_o1.txt").read_bytes() == (root / "clean" / "a_w0.txt").read_bytes()
    _fresh_equals(root, tmp_path / "fresh")


def test_renamed_and_moved_files_take_their_new_names_and_outlets(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(SAMPLES, root / "raw")
    run_flow(root)
    raw = root / "raw"
    os.replace(raw / SAMPLE_FILES[0], raw / "renamed.txt")
    (raw / "wire").mkdir()
    os.replace(raw / SAMPLE_FILES[1], raw / "wire" / SAMPLE_FILES[1])
    run_flow(root)
    by_source = {doc["source"]: doc for doc in _corpus(root)}
    assert {"renamed.txt", f"wire/{SAMPLE_FILES[1]}"} <= set(by_source)
    assert SAMPLE_FILES[0] not in by_source and SAMPLE_FILES[1] not in by_source
    assert by_source[f"wire/{SAMPLE_FILES[1]}"]["outlet"] == "wire"
    assert by_source["renamed.txt"]["id"] == "renamed"
    assert (root / "clean" / "renamed.txt").exists() and not (root / "clean" / f"{Path(SAMPLE_FILES[0]).stem}.txt").exists()
    _fresh_equals(root, tmp_path / "fresh")


def test_deleted_files_leave_every_output_and_the_index_and_are_counted(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    root = tmp_path / "p"
    shutil.copytree(SAMPLES, root / "raw")
    run_flow(root)
    gone = [SAMPLE_FILES[1], SAMPLE_FILES[3]]
    for name in gone:
        (root / "raw" / name).unlink()
    summary = run_flow(root)
    assert summary["counts"]["files_deleted"] == 2 and summary["counts"]["documents"] == 3
    stems = {Path(name).stem for name in gone}
    assert not stems & {p.stem for p in (root / "clean").glob("*.txt")}
    assert not set(gone) & {doc["source"] for doc in _corpus(root)}
    assert not set(gone) & set(pq.read_table(root / "clean" / "paragraphs.parquet").column("source").to_pylist())
    roster = json.loads((root / "state" / "reuse-index" / "index.json").read_text())["files"]
    assert not set(gone) & set(roster) and len(roster) == 3
    for name in ("overlaps.jsonl", "clusters.jsonl", "provenance.jsonl"):
        assert not any(f'"{g}"' in (root / "reports" / "latest" / name).read_text() for g in gone)
    assert run_flow(root)["counts"]["files_deleted"] == 0


# --- the cleaning code's fingerprint ----------------------------------------------------------------

CLEANING_MODULES = find_code_closure(ROOT / "tasks", CLEANING_ENTRIES).modules


def test_the_fingerprint_follows_every_module_cleaning_imports() -> None:
    # modules a hand-kept list once missed: each shapes what a file cleans to
    assert {f"wirewash.tasks.{name}" for name in (
        "clean.story", "clean.blocks", "read.letter_model", "clean.entries", "clean.source_map", "records",
        "clean.extraction", "read.repair", "clean.rules", "clean.rules.ids", "clean.rules.media", "clean.lines", "clean.metadata", "read.record_files")
    } <= set(CLEANING_MODULES)
    assert "wirewash.tasks.reuse.overlap" not in CLEANING_MODULES and "wirewash.tasks.report.html" not in CLEANING_MODULES


@pytest.mark.parametrize("module", CLEANING_MODULES)
def test_an_edit_to_any_cleaning_module_changes_the_fingerprint(module: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tasks", tmp_path / "tasks", ignore=shutil.ignore_patterns("__pycache__"))
    params = {"template_min_docs": 3}
    before = cleaning_fingerprint(params, tmp_path / "tasks")
    base = tmp_path.joinpath("tasks", *module.split(".")[2:])
    path = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
    path.write_text(path.read_text() + "\n# an edit\n")
    assert cleaning_fingerprint(params, tmp_path / "tasks") != before


def test_an_edit_outside_the_cleaning_code_keeps_the_fingerprint(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tasks", tmp_path / "tasks", ignore=shutil.ignore_patterns("__pycache__"))
    before = cleaning_fingerprint({}, tmp_path / "tasks")
    report = tmp_path / "tasks" / "report" / "html.py"
    report.write_text(report.read_text() + "\n# an edit\n")
    assert cleaning_fingerprint({}, tmp_path / "tasks") == before
    assert cleaning_fingerprint({"template_min_docs": 4}, tmp_path / "tasks") != before


def test_a_run_after_a_cleaning_code_change_cleans_every_file_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewash.tasks.clean.cache

    root = tmp_path / "p"
    shutil.copytree(SAMPLES, root / "raw")
    copy = tmp_path / "code"
    shutil.copytree(ROOT / "tasks", copy / "tasks", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(wirewash.tasks.clean.cache, "PACKAGE_DIR", copy / "tasks")
    assert run_flow(root)["counts"]["files_cleaned"] == 5
    assert run_flow(root)["counts"]["files_cleaned"] == 0
    story = copy / "tasks" / "clean" / "story.py"
    story.write_text(story.read_text() + "\n# a changed heuristic\n")
    changed = run_flow(root)["counts"]
    assert changed["files_cleaned"] == 5 and changed["files_from_cache"] == 0


# --- any sequence of batches ends where one fresh run would ---------------------------------------

def _html_page(name: str) -> str:
    paragraphs = [p for p in (SAMPLES / name).read_text().split("\n") if len(p.split()) > 12][:6]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<!doctype html><html><head><title>Story</title></head><body><nav>Home | World</nav><article>{body}</article></body></html>"


def _jsonl_export() -> str:
    records = [{"url": f"https://news.example.org/{i}", "text": (SAMPLES / name).read_text()}
               for i, name in enumerate(SAMPLE_FILES[3:5])]
    return "".join(json.dumps(r) + "\n" for r in records)


CONTENTS = {"txt": [(SAMPLES / name).read_text() for name in SAMPLE_FILES],
            "html": [_html_page(SAMPLE_FILES[1]), _html_page(SAMPLE_FILES[2])],
            "jsonl": [_jsonl_export()]}
SLOTS = {"txt": ["t1", "t2", "t3", "t4"], "html": ["h1", "h2"], "jsonl": ["j1"]}
FOLDERS = ["", "wire/", "daily/"]

_kind = st.sampled_from(sorted(CONTENTS))
_add = st.tuples(st.just("add"), _kind, st.integers(0, 4), st.integers(0, 3), st.sampled_from(FOLDERS))
_existing = st.tuples(st.sampled_from(["delete", "rename", "edit", "move", "copy"]), st.integers(0, 99),
                      st.integers(0, 3), st.sampled_from(FOLDERS))
BATCHES = st.lists(st.lists(st.one_of(_add, _existing), min_size=1, max_size=4), min_size=1, max_size=3)


def _apply(raw: Path, op: tuple[Any, ...], clock: int) -> None:
    """Apply one operation to ``raw``; every file it writes gets the batch's modification time ``clock``."""
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())

    def place(kind: str, slot: int, folder: str) -> Path:
        names = SLOTS[kind]
        return raw / f"{folder}{names[slot % len(names)]}.{kind}"

    def write(path: Path, data: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data)
        os.utime(path, ns=(clock, clock))

    if op[0] == "add":
        _, kind, content, slot, folder = op
        write(place(kind, slot, folder), CONTENTS[kind][content % len(CONTENTS[kind])])
        return
    if not files:
        return
    action, index, slot, folder = op
    source = raw / files[index % len(files)]
    kind = source.suffix[1:]
    if action == "delete":
        source.unlink()
    elif action == "edit":
        write(source, source.read_text().replace(" the ", " the local ", 1) + "\n")
    elif action == "copy":
        write(place(kind, slot, folder), source.read_text())
    else:  # rename or move: the content and its modification time travel with the file
        here = source.parent.relative_to(raw).as_posix()
        target = place(kind, slot, folder if action == "move" else ("" if here == "." else here + "/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batches=BATCHES)
def test_any_sequence_of_batches_ends_where_one_fresh_run_would(batches: list[list[tuple[Any, ...]]]) -> None:
    with tempfile.TemporaryDirectory(prefix="wirewash-batches-") as tmp:
        root, fresh = Path(tmp) / "p", Path(tmp) / "fresh"
        (root / "raw").mkdir(parents=True)
        _apply(root / "raw", ("add", "txt", 0, 0, ""), 0)
        clock = time.time_ns() - 86_400 * 10**9  # a day ago, one step of ten seconds per batch
        for number, batch in enumerate(batches):
            for op in batch:
                _apply(root / "raw", op, clock + number * 10 * 10**9)
            if any((root / "raw").rglob("*.*")):
                run_flow(root)
        if not any(p.is_file() for p in (root / "raw").rglob("*")):
            return  # nothing left to compare: a run over an empty folder refuses, fresh or not
        _fresh_equals(root, fresh)


# --- the syndicated corpus: two days, and a run killed part-way ------------------------------------

def _syndicated_day1(root: Path) -> list[Path]:
    """raw/ holding the odd-numbered syndicated files in sort order; returns every syndicated file."""
    files = sorted(shared_path("evaldata", "syndicated", "raw").glob("*.txt"))
    (root / "raw").mkdir(parents=True)
    for path in files[1::2]:
        shutil.copy(path, root / "raw" / path.name)
    return files


def test_syndicated_day_two_with_deletions_renames_and_an_edit_equals_one_fresh_run(tmp_path: Path) -> None:
    root = tmp_path / "p"
    files = _syndicated_day1(root)
    run_flow(root)
    raw = root / "raw"
    for path in files:
        shutil.copy(path, raw / path.name)
    for path in files[10:13]:
        (raw / path.name).unlink()
    os.replace(raw / files[20].name, raw / f"renamed-{files[20].name}")
    os.replace(raw / files[31].name, raw / f"renamed-{files[31].name}")
    edited = raw / files[40].name
    edited.write_text(edited.read_text().replace(" the ", " a ", 3))
    summary = run_flow(root)
    day1 = {path.name for path in files[1::2]}
    day2 = {p.name for p in raw.iterdir()}
    assert summary["counts"]["files_deleted"] == len(day1 - day2) > 0  # deleted or renamed away since day 1
    _fresh_equals(root, tmp_path / "fresh")
    clean = {p.relative_to(root / "clean").as_posix(): p.read_bytes() for p in (root / "clean").rglob("*.txt")}
    assert len(clean) == len(files) - 3


def _cli(root: Path) -> subprocess.Popen[bytes]:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    args = [sys.executable, "-m", "wirewash.flows.cli", "run", "--raw", str(root / "raw"), "--clean", str(root / "clean"),
            "--reports", str(root / "reports"), "--state", str(root / "state"), "--batch-size", "16"]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


@pytest.fixture(scope="module")
def syndicated_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One uninterrupted fresh run over every syndicated file."""
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(shared_path("evaldata", "syndicated", "raw"), root / "raw")
    run_flow(root)
    return root


@pytest.mark.parametrize("seconds", [2, 5, 9])
def test_a_run_killed_after_seconds_then_run_again_equals_one_uninterrupted_run(
    seconds: int, tmp_path: Path, syndicated_reference: Path
) -> None:
    root = tmp_path / "p"
    files = _syndicated_day1(root)
    run_flow(root)
    for path in files:
        shutil.copy(path, root / "raw" / path.name)
    run = _cli(root)
    try:
        run.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    finally:
        try:
            os.killpg(run.pid, signal.SIGKILL)  # whatever the killed run left behind must not race the re-run
        except ProcessLookupError:
            pass
    again = _cli(root)
    _, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr.decode()[-2000:]
    assert snapshot_outputs(root, batches=False) == snapshot_outputs(syndicated_reference, batches=False)
