"""Batching: a batch's raw bytes are bounded, whatever the size of the run (a worker's memory follows its batch)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import remove_at_exit
from wirewash.flows import runner
from wirewash.tasks.params import RunParams


ROOT = remove_at_exit(Path(tempfile.mkdtemp(prefix="wirewash-runner-")))
(ROOT / "raw").mkdir()


def _params(batch_size: int = 64) -> RunParams:
    return RunParams.build(raw=ROOT / "raw", clean=ROOT / "clean", reports=ROOT / "reports", state=ROOT / "state",
                           batch_size=batch_size)


def test_a_batch_ends_before_its_bytes_pass_the_limit() -> None:
    params = _params()
    big = runner.BATCH_BYTES // 3
    out = runner.batches(params, list("abcdefg"), [big, big, big, big, 10, 10, runner.BATCH_BYTES * 2])
    assert out == [["a", "b", "c"], ["d", "e", "f"], ["g"]]  # a file larger than the limit is a batch of its own


def test_without_sizes_batches_are_counted_in_files() -> None:
    assert runner.batches(_params(batch_size=3), list(range(7))) == [[0, 1, 2], [3, 4, 5], [6]]


@settings(max_examples=100, deadline=None)
@given(sizes=st.lists(st.integers(0, runner.BATCH_BYTES * 2), max_size=60), batch_size=st.integers(1, 10))
def test_batching_keeps_every_item_in_order_within_both_limits(sizes: list[int], batch_size: int) -> None:
    params = _params(batch_size)
    out = runner.batches(params, list(range(len(sizes))), sizes)
    assert [i for batch in out for i in batch] == list(range(len(sizes)))
    for batch in out:
        assert 1 <= len(batch) <= batch_size
        assert len(batch) == 1 or sum(sizes[i] for i in batch) <= runner.BATCH_BYTES


@settings(max_examples=50, deadline=None)
@given(count=st.integers(0, 20_000), workers=st.integers(1, 8), batch_size=st.integers(1, 1_000),
       capped=st.booleans())
def test_batches_grow_on_a_pool_but_not_past_the_cap_unless_asked(count: int, workers: int, batch_size: int,
                                                                  capped: bool) -> None:
    """Grown to about TASKS_PER_WORKER batches a worker; capped at GROWN_BATCH_FILES files unless the stage
    asks for no cap (``grown_files=None``: the read stage, bounded by bytes alone)."""
    from types import SimpleNamespace

    token = runner.POOL.set(SimpleNamespace(workers=lambda: workers, params=SimpleNamespace(dask=None)))  # type: ignore[arg-type]
    try:
        out = runner.batches(_params(batch_size), list(range(count)),
                             grown_files=runner.GROWN_BATCH_FILES if capped else None)
    finally:
        runner.POOL.reset(token)
    assert [i for batch in out for i in batch] == list(range(count))
    grown = -(-count // (runner.TASKS_PER_WORKER * workers))
    cap = runner.GROWN_BATCH_FILES if capped else grown
    expected = batch_size if count <= batch_size else max(batch_size, min(cap, grown))
    assert all(len(batch) == expected for batch in out[:-1]) and all(0 < len(b) <= expected for b in out)


def test_take_results_lets_each_future_go_once_its_result_is_taken() -> None:
    # a finished future holds its result (a clean batch's heads, pickled): held to the stage's end, every
    # batch's heads stayed in the flow twice
    import gc
    import weakref
    from concurrent.futures import Future

    futures: list[Future[str]] = []
    for value in ("a", "b", "c"):
        future: Future[str] = Future()
        future.set_result(value)
        futures.append(future)
    refs = [weakref.ref(f) for f in futures]
    del future
    taken = runner.take_results(futures)
    assert next(taken) == "a"
    assert next(taken) == "b"  # asked for the next: the first future is gone
    gc.collect()
    assert refs[0]() is None and refs[2]() is not None
    assert list(taken) == ["c"] and futures == []
