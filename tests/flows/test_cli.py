"""The command line as users meet it: conventions, one-line failures, and cleaning one page from stdin."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, folder_args
from wirewash.flows.cli import EXIT_BAD_ARGUMENT, EXIT_NOTHING_PROCESSED, main

PAGE = ("<!doctype html><html><head><title>Harbour reopens</title></head><body><nav>Home | News | Sport</nav>"
        "<article><h1>Harbour reopens</h1><p>The harbour reopened on Monday after three weeks of repairs, the port "
        "authority said in a statement.</p><p>Fishing boats were the first to leave, followed by the ferry to the "
        "islands later that morning.</p></article><footer>Copyright 2024 Example News</footer></body></html>")


def _wirewash(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "wirewash.flows.cli", *args], cwd=ROOT, input=stdin, capture_output=True,
                          timeout=300)


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"wirewash {version('wirewash')}"


@pytest.mark.parametrize(("typed", "meant"), [("--ful", "--full"), ("--drop", "--drop-duplicates"),
                                              ("--batch-sise", "--batch-size")])
def test_an_abbreviated_or_mistyped_option_is_an_error_that_suggests_the_option(
    typed: str, meant: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["run", typed] + (["5"] if typed == "--batch-sise" else []))
    err = capsys.readouterr().err
    assert done.value.code == EXIT_BAD_ARGUMENT and f"{typed}: did you mean {meant}" in err


def test_a_bad_value_is_reported_under_its_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "raw").mkdir()
    assert main(["run", "--raw", str(tmp_path / "raw"), "--batch-size", "0"]) == EXIT_BAD_ARGUMENT
    err = capsys.readouterr().err
    assert err.startswith("wirewash: --batch-size: ") and "batch_size" not in err


def test_clean_reads_one_page_from_stdin_and_prints_its_clean_text() -> None:
    done = _wirewash("clean", "-", stdin=PAGE.encode())
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert "The harbour reopened on Monday" in text and "Fishing boats" in text
    assert "Home | News" not in text and "Copyright" not in text


def test_clean_json_gives_the_document_with_every_line_accounted_for(tmp_path: Path) -> None:
    scrape = sorted(SAMPLES.glob("*.txt"))[0]
    done = _wirewash("clean", str(scrape), "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    covered = {n for seg in record["provenance"] for n in range(seg["lines"][0], seg["lines"][1] + 1)}
    nonblank = {i for i, line in enumerate(scrape.read_text().split("\n"), 1) if line.strip()}
    assert nonblank <= covered and record["paragraphs"] and record["source"] == scrape.name


def test_clean_refuses_what_it_cannot_clean_with_one_line() -> None:
    empty = _wirewash("clean", "-", stdin=b"")
    assert empty.returncode == EXIT_NOTHING_PROCESSED and empty.stderr.decode().count("\n") == 1
    missing = _wirewash("clean", "no/such/page.html")
    assert missing.returncode == EXIT_BAD_ARGUMENT and b"no such file" in missing.stderr


def test_an_empty_raw_folder_is_answered_before_prefect_is_imported(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "loop").symlink_to(tmp_path / "raw", target_is_directory=True)
    probe = ("import sys; from wirewash.flows.cli import main; code = main(sys.argv[1:]); "
             "print(any(m.split('.')[0] == 'prefect' for m in sys.modules)); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", probe, "run", "--raw", str(tmp_path / "raw"), "--state",
                           str(tmp_path / "state"), "--clean", str(tmp_path / "clean"), "--reports",
                           str(tmp_path / "reports")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == EXIT_NOTHING_PROCESSED and done.stdout.strip() == "False"
    assert done.stderr.splitlines() == [f"wirewash: nothing to do: {tmp_path / 'raw'} holds no file to read "
                                        "(1 entries skipped)",
                                        "wirewash:   loop: link to a folder: not followed (it could loop, or list "
                                        "files twice)"]


@pytest.mark.usefixtures("prefect_harness")
def test_quiet_prints_nothing_and_the_summary_says_where_the_time_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(SAMPLES, tmp_path / "raw")
    folders = folder_args(tmp_path)
    assert main(["run", "-q", *folders]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    timings = json.loads((tmp_path / "reports" / "latest" / "summary.json").read_text())["timings_seconds"]
    assert timings["wall"] >= timings["startup"] + timings["total"] - 0.01 and timings["startup"] >= 0
    assert main(["run", *folders]) == 0
    assert re.search(r"took \d+\.\ds \(start-up \d+\.\ds, stages \d+\.\ds\)", capsys.readouterr().out)
