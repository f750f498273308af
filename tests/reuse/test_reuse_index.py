"""The persistent reuse index: batches on top of one another report what one run over everything reports.

Covered: the embedded index (two-batch split of the syndicated corpus, the
work a second batch does, deleted and changed files, compaction, a crash
before the commit, a change of signature parameters), the Redis backend
against a real ``redis-server`` the session starts, a property test over
random splits, and the flow end to end (summary counts, ``run`` tags).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, SHARED
from wirewash.tasks.params import RunParams
from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.detect import ReuseResult, find_reuse
from wirewash.tasks.reuse.index import IndexBackendUnavailableError, commit_index, index_size
from wirewash.tasks.reuse.index_embedded import EmbeddedStore

SYNDICATED = SHARED / "evaldata" / "syndicated"
needs_syndicated = pytest.mark.skipif(not (SYNDICATED / "raw").is_dir(), reason=f"{SYNDICATED} is absent (shared eval data)")


def _params(tmp: Path, **extra: Any) -> RunParams:
    (tmp / "raw").mkdir(parents=True, exist_ok=True)
    return RunParams.build(raw=tmp / "raw", clean=tmp / "clean", reports=tmp / "reports", state=tmp / "state", **extra)


def _side(side: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in side.items() if k != "run"}


def pairs_of(result: ReuseResult) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """overlaps.jsonl and clusters.jsonl records less the ``run`` tags: "the same pairs"."""
    overlaps = [{**o.to_json(), "a": _side(o.a.to_side()), "b": _side(o.b.to_side())} for o in result.overlaps]
    clusters = [{**c.to_json(), "canonical": _side(c.canonical.to_side()), "members": [_side(m.to_side()) for m in c.members]}
                for c in result.clusters]
    return overlaps, clusters


def run(refs: list[ParagraphRef], params: RunParams, run_id: str, *, commit: bool = True) -> ReuseResult:
    result = find_reuse(refs, params, run_id)
    if commit:
        commit_index(result.index_commit)
    return result


def syndicated_refs() -> list[ParagraphRef]:
    import scripts.score_syndicated as runner

    return runner.read_paragraphs(SYNDICATED / "raw")


def _score(result: ReuseResult, out: Path) -> float:
    target = out / "overlaps.jsonl"
    target.write_text("".join(json.dumps(o.to_json()) + "\n" for o in result.overlaps))
    (out / "clusters.jsonl").write_text("".join(json.dumps(c.to_json()) + "\n" for c in result.clusters))  # read beside it
    lines = subprocess.run([sys.executable, str(SHARED / "eval" / "score_overlaps.py"), str(SYNDICATED / "gold.json"), str(target)],
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()
    return float(dict(part.split("=") for part in lines[-1].split() if "=" in part)["f1"])


@needs_syndicated
def test_two_batches_report_the_pairs_of_one_run_and_the_second_indexes_only_its_own(tmp_path: Path) -> None:
    refs = syndicated_refs()
    params = _params(tmp_path)
    whole = find_reuse(refs, params)  # no index: one run over everything
    files = sorted({r.file for r in refs})
    first = set(files[::2])
    batch1 = [r for r in refs if r.file in first]
    one = run(batch1, params, "run-1")
    assert one.stats["paragraphs_indexed"] == len(batch1) and one.stats["paragraphs_from_index"] == 0
    two = run(refs, params, "run-2")
    assert pairs_of(two) == pairs_of(whole)
    # run 2 tokenised and signed only what batch 1 had not: every batch-1 paragraph came from the index
    assert two.stats["paragraphs_from_index"] == len(batch1)
    assert two.stats["paragraphs_indexed"] == len(refs) - len(batch1)
    seen = {r.text for r in batch1}
    assert two.stats["contents_encoded"] == len({r.text for r in refs if r.file not in first} - seen)
    assert two.stats["texts_signed"] < whole.stats["distinct_texts"] - one.stats["distinct_texts"] + 1
    # every paragraph carries the tag of the batch that indexed it: batch 1's or this run's own
    runs = {side.run for o in two.overlaps for side in (o.a, o.b)}
    assert runs == {one.batch, two.batch} and one.batch != two.batch
    assert all((side.run == one.batch) == (side.file in first) for o in two.overlaps for side in (o.a, o.b))
    assert _score(two, tmp_path) >= 0.98
    # a third run over the same corpus re-does nothing and reports the same
    three = run(refs, params, "run-3")
    assert three.stats["contents_encoded"] == 0 and three.stats["texts_signed"] == 0
    assert pairs_of(three) == pairs_of(whole)
    # deterministic: the same corpus on the same index gives the same records, run tags included
    assert [o.to_json() for o in run(refs, params, "run-4", commit=False).overlaps] == [o.to_json() for o in three.overlaps]


@needs_syndicated
def test_deleted_and_changed_files_leave_the_index_and_compaction_drops_their_data(tmp_path: Path) -> None:
    refs = syndicated_refs()
    params = _params(tmp_path)
    first = run(refs, params, "run-1")
    rows_before = _stored_contents(params.state)
    files = sorted({r.file for r in refs})
    kept = set(files[:12])
    changed = files[0]
    rest = [r if r.file != changed or r.index != 0 else ParagraphRef(r.doc_id, r.file, r.outlet, r.lines, 0, r.text + " Updated at noon.")
            for r in refs if r.file in kept]
    result = run(rest, params, "run-2")
    assert pairs_of(result) == pairs_of(find_reuse(rest, params))
    head = EmbeddedStore(params.state).head()
    assert head is not None and set(head.files) == kept
    assert head.files[changed][0] == result.batch and all(head.files[f][0] == first.batch for f in kept - {changed})
    assert {r.run for r in result.overlaps for r in (r.a, r.b) if r.file == changed} <= {result.batch}
    # most rows were dead, so the run wrote one compacted segment holding only live entries
    assert head.segments == ("seg-run-2",)
    assert _stored_contents(params.state) == len({r.text for r in rest}) < rows_before
    assert sorted(p.name for p in (params.state / "reuse-index").iterdir()) == ["index.json", "seg-run-2"]


def _stored_contents(state: Path) -> int:
    store = EmbeddedStore(state)
    head = store.head()
    assert head is not None
    return sum(np.load(state / "reuse-index" / name / "content_keys.npy").size for name in head.segments)


@needs_syndicated
def test_a_run_that_dies_before_its_commit_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    refs = syndicated_refs()
    params = _params(tmp_path)
    files = sorted({r.file for r in refs})
    batch1 = [r for r in refs if r.file in set(files[:100])]
    run(batch1, params, "run-1")
    head = (params.state / "reuse-index" / "index.json").read_bytes()
    crashed = run(refs, params, "run-2", commit=False)  # staged, never committed: as if killed
    assert (params.state / "reuse-index" / "index.json").read_bytes() == head
    again = run(refs, params, "run-3")
    assert again.stats["contents_encoded"] == crashed.stats["contents_encoded"] > 0  # run 2's work never went live
    assert pairs_of(again) == pairs_of(crashed)
    assert not (params.state / "reuse-index" / "seg-run-2").exists()  # garbage of the dead run is gone
    # a half-written segment folder (killed while writing) is never read and is removed
    (params.state / "reuse-index" / ".seg-run-9.staging").mkdir()
    assert pairs_of(run(refs, params, "run-4")) == pairs_of(again)
    assert not (params.state / "reuse-index" / ".seg-run-9.staging").exists()


@needs_syndicated
def test_other_signature_parameters_reset_the_index(tmp_path: Path) -> None:
    refs = syndicated_refs()[:400]
    run(refs, _params(tmp_path), "run-1")
    other = run(refs, _params(tmp_path, num_perm=64), "run-2")
    assert other.stats["index_reset"] == 1 and other.stats["paragraphs_from_index"] == 0
    assert pairs_of(other) == pairs_of(find_reuse(refs, _params(tmp_path, num_perm=64)))


TEXTS = [
    "The State Department said on Monday that Blinken would travel to Beijing next week for talks with officials.",
    "The US State Department said on Monday that Mr Blinken would travel to Beijing next week for talks with senior officials.",
    "Analysts expect the central bank to keep interest rates on hold through the end of the year, economists said.",
    "Speaking to reporters at the airport, the minister was asked about the new sanctions package on Tuesday.",
    "Read more.",
    "“We are not going to accept a world in which might makes right and the rules are rewritten by force,” she said.",
]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, len(TEXTS) - 1)), min_size=2, max_size=24), st.integers(0, 2**16))
def test_any_split_into_two_batches_reports_what_one_run_does(layout: list[tuple[int, int]], split: int) -> None:
    import tempfile

    refs = [ParagraphRef(f"d{doc}", f"d{doc}.txt", f"o{doc}", (2 * i + 1, 2 * i + 1), i, TEXTS[t] + (" Extra words here." if i % 3 else ""))
            for i, (doc, t) in enumerate(layout)]
    with tempfile.TemporaryDirectory() as tmp:
        params = _params(Path(tmp))
        first_docs = {f"d{doc}" for doc in range(6) if split >> doc & 1}
        run([r for r in refs if r.doc_id in first_docs], params, "run-1")
        assert pairs_of(run(refs, params, "run-2")) == pairs_of(find_reuse(refs, params))


# --- Redis ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_server_binary() -> str:
    """The path of ``redis-server``, installed with apt when missing and we are root; else fail (CI) or skip."""
    found = shutil.which("redis-server")
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "redis-server"], env=env, capture_output=True, timeout=600)
        found = shutil.which("redis-server")
    if found is None:
        reason = "redis-server is not installed and could not be installed (apt-get install redis-server, as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


@pytest.fixture(scope="session")
def redis_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real redis-server on loopback for the session, without persistence, stopped at the end."""
    pytest.importorskip("redis", reason="the Python redis client is missing: pip install 'wirewash[redis]'")
    binary = _redis_server_binary()
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis(port=port).ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@needs_syndicated
def test_redis_backend_two_batches_deletions_and_sharing(tmp_path: Path, redis_port: int) -> None:
    import redis

    refs = syndicated_refs()
    files = sorted({r.file for r in refs})
    batch1 = [r for r in refs if r.file in set(files[1::2])]
    params = _params(tmp_path, reuse_index="redis", redis_port=redis_port, redis_prefix="test-two-batches")
    whole = find_reuse(refs, params)
    one = run(batch1, params, "run-1")
    assert pairs_of(one) == pairs_of(find_reuse(batch1, params))
    # another worker with its own state folder shares the index through Redis
    worker = _params(tmp_path / "worker", reuse_index="redis", redis_port=redis_port, redis_prefix="test-two-batches")
    two = run(refs, worker, "run-2")
    assert pairs_of(two) == pairs_of(whole)
    assert two.stats["paragraphs_from_index"] == len(batch1) and two.stats["contents_encoded"] < len(refs) - len(batch1)
    assert not (tmp_path / "state" / "reuse-index").exists()  # nothing embedded
    # deleted files leave: their entries go at the commit, and the answer equals a fresh run's
    kept = [r for r in refs if r.file in set(files[:60])]
    three = run(kept, params, "run-3")
    assert pairs_of(three) == pairs_of(find_reuse(kept, params))
    client = redis.Redis(port=redis_port)
    fingerprint = json.loads(client.get("test-two-batches:head"))["fingerprint"]
    assert client.hlen(f"test-two-batches:content:{fingerprint}") == len({r.text for r in kept})
    four = run(refs, params, "run-4")
    assert pairs_of(four) == pairs_of(whole)


def test_redis_backend_that_is_not_there_says_where_it_looked(tmp_path: Path) -> None:
    pytest.importorskip("redis")
    params = _params(tmp_path, reuse_index="redis", redis_port=_free_port())
    refs = [ParagraphRef("a", "a.txt", "a", (1, 1), 0, TEXTS[0]), ParagraphRef("b", "b.txt", "b", (1, 1), 0, TEXTS[1])]
    with pytest.raises(IndexBackendUnavailableError, match=f"127.0.0.1:{params.redis_port}"):
        find_reuse(refs, params, "run-1")


# --- through the flow -----------------------------------------------------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_flow_second_batch_on_top_reports_the_pairs_of_one_run(tmp_path: Path) -> None:
    from wirewash.flows.pipeline import wirewash_run

    def flow(root: Path) -> dict[str, Any]:
        return wirewash_run(params=RunParams.build(raw=root / "raw", clean=root / "clean", reports=root / "reports",
                                                   state=root / "state"))

    def records(root: Path, name: str) -> list[dict[str, Any]]:
        return [json.loads(line) for line in (root / "reports" / "latest" / name).read_text().splitlines()]

    samples = sorted(p.name for p in SAMPLES.iterdir() if not p.name.startswith("."))
    inc, fresh = tmp_path / "inc", tmp_path / "fresh"
    (inc / "raw").mkdir(parents=True)
    for name in samples[:3]:
        shutil.copy(SAMPLES / name, inc / "raw" / name)
    first = flow(inc)
    for name in samples[3:]:
        shutil.copy(SAMPLES / name, inc / "raw" / name)
    second = flow(inc)
    shutil.copytree(SAMPLES, fresh / "raw")
    flow(fresh)
    strip = lambda r: {**r, "a": _side(r["a"]), "b": _side(r["b"])}  # noqa: E731
    assert [strip(r) for r in records(inc, "overlaps.jsonl")] == [strip(r) for r in records(fresh, "overlaps.jsonl")]
    counts = second["counts"]
    assert counts["paragraphs_from_index"] == first["counts"]["paragraphs"]
    assert counts["paragraphs_indexed"] == second["counts"]["paragraphs"] - first["counts"]["paragraphs"]
    tagged = {side["run"] for r in records(inc, "overlaps.jsonl") for side in (r["a"], r["b"])}
    assert tagged <= {first["index_batch"], second["index_batch"]} and first["index_batch"] != second["index_batch"]
    assert index_size(inc / "state") > 0


def test_staging_during_the_lsh_answer_writes_what_staging_after_verification_does(tmp_path: Path) -> None:
    from wirewash.tasks.reuse.index import IndexSession, index_fingerprint, open_store
    from wirewash.tasks.reuse.verify import verify_corpus

    texts = ["The minister said on Friday that the talks would go on through the weekend in Geneva.",
             "Talks would go on through the weekend in Geneva, the minister said on Friday.",
             "Analysts expect the central bank to keep rates on hold through the end of the year.",
             "Short line."]
    refs = [ParagraphRef(f"d{n}", f"o{n}/s.txt", f"o{n}", (1, 1), 0, text) for n, text in enumerate(texts * 2)]
    written: dict[str, dict[str, bytes]] = {}
    for when in ("during", "after"):
        params = _params(tmp_path / when, reuse_index="embedded")
        options = params.detector_options()
        fingerprint = index_fingerprint(options)
        session = IndexSession(open_store(params, fingerprint), fingerprint, options,
                               generation="g1" if when == "during" else None)
        tagged, encoded = session.prepare(refs)
        verify_corpus(tagged, options, encoded=encoded, lsh_source=session)
        assert (session._commit is not None) == (when == "during")  # staged by the LSH answer itself, or not yet
        commit = session.stage("g1")
        assert session.stage("g1") is commit  # asked again: the same commit, nothing written twice
        root = Path(commit.location)
        written[when] = {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert written["during"] == written["after"] and any(name.endswith("signatures.npy") for name in written["after"])


def test_paragraphs_handed_over_give_the_same_pairs_and_are_taken(tmp_path: Path) -> None:
    from wirewash.tasks.records import Document, Paragraph
    from wirewash.tasks.reuse.detect import paragraph_refs
    from wirewash.tasks.reuse.verify import Handover

    wire = ("The council voted on Tuesday to close the old bridge to heavy trucks after engineers found cracks in "
            "two of its steel supports during a routine inspection last month.")
    docs = [Document(name, f"{name}/story.txt", name, paragraphs=[Paragraph(f"{name}#L1", text, (1, 1))])
            for name, text in (("a", wire), ("b", wire.replace("Tuesday", "Tuesday night")), ("c", wire))]
    kept = find_reuse(paragraph_refs(docs), _params(tmp_path / "kept"), "run-1")
    handover = Handover(paragraph_refs(docs))
    handed = find_reuse(handover, _params(tmp_path / "handed"), "run-1")
    assert len(kept.overlaps) >= 2 and [o.to_json() for o in handed.overlaps] == [o.to_json() for o in kept.overlaps]
    assert [c.to_json() for c in handed.clusters] == [c.to_json() for c in kept.clusters]
    with pytest.raises(ValueError, match="already handed over"):
        handover.take()
