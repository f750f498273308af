"""Operations: incremental runs, one run at a time, crash safety, hostile input."""
from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SAMPLES
from conftest import snapshot_outputs as _snapshot
from wirewash.tasks.store.lock import RunLockedError, hold_run_lock
from wirewash.tasks.params import RunParams

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _params(root: Path, **extra: Any) -> RunParams:
    return RunParams.build(raw=root / "raw", clean=root / "clean", reports=root / "reports", state=root / "state", **extra)


def _run(root: Path, **extra: Any) -> dict[str, Any]:
    from wirewash.flows.pipeline import wirewash_run

    return wirewash_run(params=_params(root, **extra))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLES, tmp_path / "raw")
    return tmp_path


def test_unchanged_raw_cleans_nothing_and_changes_clean_only_what_changed(project: Path) -> None:
    first = _run(project)
    assert first["counts"]["files_cleaned"] == 5
    before = _snapshot(project)
    second = _run(project)
    assert second["counts"]["files_cleaned"] == 0 and second["counts"]["files_from_cache"] == 5
    assert _snapshot(project) == before

    changed = sorted((project / "raw").glob("*.txt"))[0]
    lines = changed.read_text().split("\n")
    body = max(range(len(lines)), key=lambda i: len(lines[i]))  # the longest line is story prose
    lines[body] = "The outlet rewrote this paragraph later in the day, adding that talks would resume in the autumn."
    changed.write_text("\n".join(lines))
    third = _run(project)
    assert third["counts"]["files_cleaned"] == 1
    assert "talks would resume in the autumn" in (project / "clean" / f"{changed.stem}.txt").read_text()

    removed = sorted((project / "raw").glob("*.txt"))[1]
    removed.unlink()
    _run(project)
    assert not (project / "clean" / f"{removed.stem}.txt").exists()
    corpus = [json.loads(line) for line in (project / "clean" / "corpus.jsonl").read_text().splitlines()]
    assert removed.name not in {doc["source"] for doc in corpus} and len(corpus) == 4

    assert _run(project, full=True)["counts"]["files_cleaned"] == 4


def test_incremental_result_equals_a_full_rebuild(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    _run(project)
    extra = project / "raw" / "later.txt"
    extra.write_text((SAMPLES / sorted(p.name for p in SAMPLES.glob("*.txt"))[2]).read_text().replace("Beijing", "Peking"))
    _run(project)
    fresh = tmp_path_factory.mktemp("fresh")
    shutil.copytree(project / "raw", fresh / "raw")
    _run(fresh)
    # the same outputs, except that the incremental run says which batch indexed each paragraph
    assert _snapshot(project, batches=False) == _snapshot(fresh, batches=False)
    assert _snapshot(project) != _snapshot(fresh)


def test_second_run_on_the_same_state_refuses_while_one_holds_it(project: Path) -> None:
    from wirewash.flows.pipeline import wirewash_run

    import threading

    held, release = threading.Event(), threading.Event()

    def other_run() -> None:  # another run: a thread of its own context, as a second process would be
        with hold_run_lock(project / "state", 0):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=other_run)
    holder.start()
    try:
        assert held.wait(30)
        with pytest.raises(RunLockedError, match="--lock-wait"):
            wirewash_run(params=_params(project))
    finally:
        release.set()
        holder.join()
    assert _run(project)["counts"]["documents"] == 5  # the lock is gone with its holder


def test_the_lock_passes_through_only_within_the_run_that_holds_it(tmp_path: Path) -> None:
    with hold_run_lock(tmp_path, 0):
        with hold_run_lock(tmp_path, 0):  # the flow inside the command line's hold
            pass
        with hold_run_lock(tmp_path, 0):  # still held after the inner hold ended: a new flock is refused
            import contextvars

            with pytest.raises(RunLockedError):
                contextvars.Context().run(lambda: hold_run_lock(tmp_path, 0).__enter__())


def _cli(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "wirewash.flows.cli", "run", "--raw", str(root / "raw"), "--clean", str(root / "clean"),
            "--reports", str(root / "reports"), "--state", str(root / "state")]
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "point", ["after-read", "after-clean", "before-commit", "after-clean-commit"]
)
def test_killed_run_leaves_previous_outputs_and_next_run_matches(
    project: Path, point: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    assert _cli(project, env).returncode == 0
    before = _snapshot(project)
    latest_before = (project / "reports" / "latest").resolve()
    # the outlet edits a story, then the run that would pick it up is killed
    target = sorted((project / "raw").glob("*.txt"))[0]
    target.write_text(target.read_text().replace("Blinken", "Secretary Blinken"))
    killed = _cli(project, {**env, "WIREWASH_CRASH_AT": point})
    assert killed.returncode == -9, killed.stderr[-2000:]
    if point != "after-clean-commit":
        assert _snapshot(project) == before
    assert (project / "reports" / "latest").resolve() == latest_before
    assert json.loads((latest_before / "summary.json").read_text())["counts"]["documents"] == 5

    assert _cli(project, env).returncode == 0
    # the reference goes through the same two raw folders without being killed
    reference = tmp_path_factory.mktemp("reference")
    shutil.copytree(SAMPLES, reference / "raw")
    assert _cli(reference, env).returncode == 0
    shutil.copy(target, reference / "raw" / target.name)
    assert _cli(reference, env).returncode == 0
    assert _snapshot(project) == _snapshot(reference)


def test_hostile_inputs_are_quarantined_or_handled_and_the_batch_finishes(project: Path) -> None:
    raw = project / "raw"
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (raw / "latin1 story ñ.txt").write_bytes(
        "Título\n\nEl gobierno anunció el lunes que las negociaciones continuarán la próxima semana en Madrid.\n".encode("latin-1")
    )
    (raw / "one-line.txt").write_text("word " * 6_000_000)
    with gzip.open(raw / "bomb.txt.gz", "wb") as bomb:
        for _ in range(64):
            bomb.write(b"\0" * (1 << 20))
    summary = _run(project, max_file_bytes=40_000_000)
    reasons = {q["source"]: q["reason"] for q in summary["quarantined"]}
    assert reasons["empty.txt"].startswith("empty")
    assert reasons["binary.bin"].startswith("binary")
    assert reasons["bomb.txt.gz"].startswith("too large")
    corpus = {json.loads(l)["source"]: json.loads(l) for l in (project / "clean" / "corpus.jsonl").read_text().splitlines()}
    assert "negociaciones" in corpus["latin1 story ñ.txt"]["text"]
    provenance = [json.loads(l) for l in (project / "reports" / "latest" / "provenance.jsonl").read_text().splitlines()]
    blob = [p for p in provenance if p["file"] == "one-line.txt"]
    assert [p["rule"] for p in blob] == ["shape.oversize-line"] and len(blob[0]["text"]) < 1000
    assert summary["counts"]["documents"] == 7
    written = {p for p in project.rglob("*") if p.is_file()}
    assert all(p.relative_to(project).parts[0] in ("raw", "clean", "reports", "state") for p in written)
