"""Shared fixtures: quiet offline Prefect, one session-wide test harness, paths to shared data."""
from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "raw"



def remove_at_exit(folder: Path) -> Path:
    """``folder``, removed when this process exits (only by it: a forked child inherits the hook, not the folder)."""
    creator = os.getpid()
    atexit.register(lambda: os.getpid() == creator and shutil.rmtree(folder, ignore_errors=True))
    return folder


_STATE = remove_at_exit(Path(tempfile.mkdtemp(prefix="wirewash-test-state-")))
os.environ.setdefault("PREFECT_HOME", str(_STATE / "prefect"))
os.environ.setdefault("WIREWASH_CACHE_DIR", str(_STATE / "cache"))  # the tests' templates, not the user's cache
from wirewash.flows.environment import configure_prefect  # noqa: E402

configure_prefect(_STATE)


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared evaluation data lives beside the project only for developers and CI")
    return path


def extraction_scorer() -> Any:
    """``../shared/eval/score_extraction.py`` as a module (the test skips, saying why, where it is absent)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_extraction", shared_path("eval", "score_extraction.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def macro_f1(scorer: Any, gold: dict[str, str], texts: dict[str, str]) -> float:
    """F1 of macro-averaged precision and recall over ``gold``'s pages, as the shared scorer computes it."""
    precisions, recalls = [], []
    for doc_id, body in gold.items():
        p, r = scorer.doc_scores(body, texts.get(doc_id, ""))
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the whole session (starting one costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A project-like folder: raw/ holding the five sample scrapes."""
    shutil.copytree(SAMPLES, tmp_path / "raw")
    return tmp_path


def run_flow(root: Path, **extra: Any) -> dict[str, Any]:
    """The flow, in this process, over ``root/raw`` with outputs and state under ``root`` (needs ``prefect_harness``)."""
    from wirewash.flows.pipeline import wirewash_run
    from wirewash.tasks.params import RunParams

    params = RunParams.build(raw=root / "raw", clean=root / "clean", reports=root / "reports", state=root / "state",
                             **extra)
    return wirewash_run(params=params)


REPORT_FILES = ("provenance.jsonl", "overlaps.jsonl", "clusters.jsonl")


def folder_args(root: Path) -> list[str]:
    """``--raw root/raw --clean root/clean --reports root/reports --state root/state``, as a command line."""
    return [arg for name in ("raw", "clean", "reports", "state") for arg in (f"--{name}", str(root / name))]


def watch_run_processes(run: "subprocess.Popen[Any]", state: Path) -> dict[int, bytes]:
    """Every process tagged as ``state``'s run (:mod:`wirewash.flows.lifeline`) seen while ``run`` lives: pid to
    command line, sampled every 0.05 s until ``run`` exits."""
    from wirewash.flows.lifeline import state_key, tagged_processes

    key = state_key(state) + ":"
    seen: dict[int, bytes] = {}
    while run.poll() is None:
        for pid in tagged_processes(lambda tag: tag.startswith(key)):
            if pid not in seen:
                try:
                    seen[pid] = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    pass
        time.sleep(0.05)
    return seen


def snapshot_outputs(root: Path, batches: bool = True) -> dict[str, bytes]:
    """Every output file a user reads, by path: clean/ and reports/latest/ (less the run-specific files).

    ``batches=False`` drops the ``run`` tag (the index batch that indexed a
    paragraph) from reuse records, to compare corpora built in different steps.
    """
    files = {f"clean/{p.relative_to(root / 'clean')}": p.read_bytes() for p in (root / "clean").rglob("*") if p.is_file()}
    latest = root / "reports" / "latest"
    for name in REPORT_FILES:
        data = (latest / name).read_bytes()
        if not batches:
            data = re.sub(rb', "run": "b-[0-9a-f]+"', b"", data)
        files[f"latest/{name}"] = data
    return files


def warc_record(uri: str, payload: bytes, *, kind: str = "response", http_headers: str | None = None) -> bytes:
    """One WARC record; for responses, ``payload`` is the HTTP body behind ``http_headers``."""
    if kind == "response":
        headers = http_headers if http_headers is not None else "Content-Type: text/html; charset=utf-8\r\n"
        block = f"HTTP/1.1 200 OK\r\n{headers}\r\n".encode() + payload
        content_type = "application/http; msgtype=response"
    else:
        block, content_type = payload, "application/http; msgtype=request"
    head = (f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2019-11-19T10:00:00Z\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n").encode()
    return head + block + b"\r\n\r\n"


def covered_word_by_word(text: str, spans: Iterable[Sequence[int]]) -> int:
    """The words of ``text`` beginning inside some ``[begin, end)`` span, found a word at a time with the outputs'
    word pattern: the plain count that the counts in wirewash.tasks.report.words must equal."""
    spans = list(spans)
    return sum(1 for match in re.finditer(r"[^\W_]+(?:['’‘.][^\W_]+)*", text)
               if any(begin <= match.start() < end for begin, end in spans))
