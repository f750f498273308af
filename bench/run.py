"""``make bench``: build the scale corpus, run the whole pipeline on it, time the baselines, print the goals.

Writes ``bench/results/bench.json`` and ``bench/results/bench.md`` (a table of measures, then a table of
goals with yes/no, ``bench/goals.py``). Each measured command runs in its own process, sampled every 50 ms
from /proc (``bench/measure.py``): its peak memory is the summed RSS of its process tree (a pool's workers
and Prefect's temporary API count), and the RSS of its own process is sampled too. What runs:

* ``wirewash run --full`` on the corpus (``bench/corpus.py``), and on a tenth of it made of whole story
  families (``corpus.subset``): peak memory, files/s, and how the peak grows with the corpus;
* ``wirewash run --full --dask <address>`` on a local 2-worker ``distributed.LocalCluster`` the bench starts
  (the workers are the bench's children, not the flow's): its outputs against the process-pool run's, byte
  for byte, and the flow process's own peak (root pid only);
* the same flow body with Prefect taken out, in turn with ``wirewash run`` (twice each, the least counts:
  Prefect's share of the wall time), wirewash's reuse detection
  against plain datasketch, its HTML clean stage against trafilatura alone, its text cleaning
  (``bench/parts.py``);
* the 1,000,000-paragraph reuse index built, and an incremental batch of 1,000 files queried against it
  (``bench/index1m.py``).

Skips, saying why, when ``../shared`` is absent. Environment: ``BENCH_WORK`` (default ``bench/work``) holds
the corpora (kept between runs: rebuilt only when the generator or its size changes) and the runs' outputs;
``BENCH_TEXT_FILES`` (20,500) and ``BENCH_HTML_PAGES`` (1,550) size the corpus (smaller for a smoke run);
``BENCH_RESULTS`` (default ``bench/results``) is where the results and the runs' logs go;
``BENCH_SKIP_INDEX=1`` skips the two 1M-index parts (their goals then say *skipped*).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.goals import goals, table
from bench.measure import measure

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BIN = Path(sys.executable).parent
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "bench" / "results"))


def part(name: str, work: Path) -> dict[str, Any]:
    """One part of ``bench/parts.py`` in a fresh process: its own timings, its wall time and peak RSS."""
    out = work / f"part-{name}.json"
    measured = measure([sys.executable, "-m", "bench.parts", name, str(work), str(out)], name, cwd=ROOT, logs=RESULTS)
    return {**measured, **json.loads(out.read_text())}


def pipeline(raw: Path, out: Path, label: str, *extra: str) -> dict[str, Any]:
    """``wirewash run --full`` on ``raw`` as a user runs it (the CLI, Prefect's temporary local API, a process pool
    or ``--dask``), outputs under ``out``: wall time, peaks (process tree and flow process alone), files/s, counts."""
    subprocess.run(["rm", "-rf", str(out)], check=True)
    measured = measure([str(BIN / "wirewash"), "run", "--raw", str(raw), "--clean", str(out / "clean"),
                        "--reports", str(out / "reports"), "--state", str(out / "state"), "--full", *extra], label,
                       cwd=ROOT, logs=RESULTS, env={"PYTHONUNBUFFERED": "1"})
    summary = json.loads((out / "reports" / "latest" / "summary.json").read_text())
    files = sum(1 for p in raw.rglob("*") if p.is_file())
    wall, paragraphs = measured["wall_seconds"], summary["counts"]["paragraphs"]
    return {**measured, "files": files, "paragraphs": paragraphs, "files_per_second": round(files / wall, 1),
            "paragraphs_per_second": round(paragraphs / wall, 1), "stage_seconds": summary["timings_seconds"],
            "pairs": summary["counts"]["overlaps"], "clusters": summary["counts"]["clusters"]}


SHARE_TURNS = 2
"""Runs of each side that Prefect's share is taken from: one of each moved it by points (session 16: the
flow body without Prefect took 300.0 s once against 289.9 s for the pipeline with it, a share of -3.5%)."""


def prefect_share(work: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Prefect's share of the wall time: the flow body without Prefect (``bench/parts.py``) and ``wirewash run``
    in turn, :data:`SHARE_TURNS` runs each (``run`` is the pipeline's first); the least wall time of each side
    counts, as for the other comparisons. Sets ``run["prefect_share"]`` and the walls; returns the fastest
    body's measures."""
    with_prefect: list[float] = [run["wall_seconds"]]
    without: list[float] = []
    best: dict[str, Any] | None = None
    for turn in range(SHARE_TURNS):
        subprocess.run(["rm", "-rf", str(work / "plain")], check=True)
        body = part("plain", work)
        without.append(body["wall_seconds"])
        best = body if best is None or body["wall_seconds"] < best["wall_seconds"] else best
        if turn + 1 < SHARE_TURNS:
            with_prefect.append(pipeline(work / "corpus" / "raw", work / "run-again", "pipeline-again")["wall_seconds"])
    assert best is not None
    run["prefect_share"] = round((min(with_prefect) - min(without)) / min(with_prefect), 4)
    run["prefect_share_walls"] = {"with_prefect": with_prefect, "without": without}
    return best


@contextmanager
def local_cluster() -> Iterator[str]:
    """A local Dask cluster started by the bench (not by the flow): a scheduler in this process and 2 worker
    processes of 1 thread each, on loopback (as tests/flows/test_dask.py starts it); yields its address."""
    try:
        import distributed
    except ImportError as err:
        raise SystemExit("bench: the --dask run needs the dask extra: pip install -e '.[dask]'") from err
    # the worker processes inherit this process's stdout and stderr when they start: point both at a log file
    # meanwhile, so the workers' Prefect task-run logs go there instead of over the bench's progress lines
    saved = [os.dup(1), os.dup(2)]
    with (RESULTS / "dask-workers.log").open("w") as log:
        sys.stdout.flush()
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        try:
            cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                               dashboard_address=None, protocol="tcp")
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
    with cluster:
        yield cluster.scheduler_address


SAME_BYTES = ("clean/corpus.jsonl", "reports/latest/overlaps.jsonl", "reports/latest/clusters.jsonl")
"""The outputs a ``--dask`` run must reproduce byte for byte (relative to a run's output folder)."""


def dask_pipeline(raw: Path, work: Path) -> dict[str, Any]:
    """``wirewash run --dask <address>`` on the corpus, on a local 2-worker cluster; which outputs have the
    process-pool run's bytes. Its ``own_peak_bytes`` is the flow process alone: the workers are not its children."""
    with local_cluster() as address:
        run = pipeline(raw, work / "run-dask", "pipeline-dask", "--dask", address)
    run["identical"] = {name: (work / "run" / name).read_bytes() == (work / "run-dask" / name).read_bytes()
                        for name in SAME_BYTES}
    return run


def best_of_alternating(work: Path, first: str, second: str, figure: str,
                        rounds: int = 3) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parts ``first`` and ``second`` run in turn, ``rounds`` fresh processes each, and the run of each with the
    least ``figure``: on 2 shared cores one run varies by seconds, and whatever slows the machine for a while
    falls on both alike."""
    runs = [(part(first, work), part(second, work)) for _ in range(rounds)]
    return (min((a for a, _ in runs), key=lambda run: run[figure]),
            min((b for _, b in runs), key=lambda run: run[figure]))


def html_parts(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """trafilatura alone and wirewash's HTML clean stage, by CPU time (a fresh process keeps the line caches
    cold, as on new pages)."""
    return best_of_alternating(work, "trafilatura", "extract", "cpu_seconds")


def reuse_parts(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """wirewash's reuse detection alone and plain datasketch on the same paragraphs, by their own timed seconds.
    One run of each is not enough: in the bench of 2026-12-06 the reuse part took 57.2 s, and the same part
    on the same corpus 33.8 to 41.9 s in six runs started alone later that day (datasketch 122.0 s, then 114.9 and
    140.1 s); the cause was not found."""
    return best_of_alternating(work, "reuse", "datasketch", "seconds")


def build_corpora(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The bench corpus (``work/corpus``) and its tenth made of whole families (``work/corpus-tenth``)."""
    from bench import corpus

    print(f"bench: corpus under {work / 'corpus'}")
    start = time.perf_counter()
    full = corpus.build(SHARED, work / "corpus", text_files=int(os.environ.get("BENCH_TEXT_FILES", 20_500)),
                        html_pages=int(os.environ.get("BENCH_HTML_PAGES", 1_550)))
    tenth = corpus.subset(work / "corpus", work / "corpus-tenth", every=10)
    print(f"  corpus: {full}; tenth: {tenth} ({time.perf_counter() - start:.1f} s)")
    return full, tenth


def main() -> int:
    """Build the corpora, run every measured part, write ``bench.json`` and ``bench.md`` and print the tables."""
    if not (SHARED / "evaldata").is_dir():
        print(f"bench: skipped: {SHARED / 'evaldata'} is absent (the corpus is made from the shared evaluation "
              "texts, which live beside the project only for developers and CI)")
        return 0
    work = Path(os.environ.get("BENCH_WORK", ROOT / "bench" / "work")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    counts, tenth_counts = build_corpora(work)
    # 1. the pipeline as a user runs it, on the corpus, on its tenth, and on a local Dask cluster
    run = pipeline(work / "corpus" / "raw", work / "run", "pipeline")
    tenth = {**pipeline(work / "corpus-tenth" / "raw", work / "run-tenth", "pipeline-tenth"), "corpus": tenth_counts}
    dask = dask_pipeline(work / "corpus" / "raw", work)
    # 2. the same flow body with Prefect taken out, in turn with the pipeline: Prefect's share of the wall time
    plain = prefect_share(work, run)
    # 3. the baselines and the single-process stage measurements
    reuse, datasketch = reuse_parts(work)
    trafilatura, extract = html_parts(work)
    clean_text = part("clean_text", work)
    # 4. the 1,000,000-paragraph index (bench/index1m.py): built once, then an incremental batch queried on it
    skip_index = os.environ.get("BENCH_SKIP_INDEX", "") not in ("", "0")
    index_build = None if skip_index else part("index_build", work)
    index_query = None if skip_index else part("index_query", work)

    overlaps = work / "run" / "reports" / "latest" / "overlaps.jsonl"
    result: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "corpus": {**counts, "files": run["files"]}, "pipeline": run, "tenth": tenth, "dask": dask,
        "plain_pipeline": plain, "reuse": reuse, "datasketch": datasketch, "trafilatura": trafilatura,
        "extract": extract, "clean_text": clean_text, "index": _index_measurements(work / "run"),
        "index_build": index_build, "index_query": index_query,
        "identical": {"pipeline_vs_plain": overlaps.read_bytes() ==
                      (work / "plain" / "reports" / "latest" / "overlaps.jsonl").read_bytes(),
                      "pipeline_vs_single_process_reuse": _pairs(overlaps) == _pairs(work / "reuse-overlaps.jsonl")},
    }
    result["goals"] = goals(result)
    (RESULTS / "bench.json").write_text(json.dumps(result, indent=1))
    text = table(result)
    (RESULTS / "bench.md").write_text(text)
    print()
    print(text)
    return 0


def _pairs(path: Path) -> list[dict[str, Any]]:
    """The pairs of an overlaps.jsonl without the index's ``run`` tags (a run without the index has none).
    Split on newlines only: ``str.splitlines`` also splits at U+2028 and the like, which JSON leaves unescaped."""
    pairs = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
    for pair in pairs:
        pair["a"].pop("run", None)
        pair["b"].pop("run", None)
    return pairs


def _index_measurements(run: Path) -> dict[str, Any]:
    """The size of the pipeline run's persistent reuse index (the 1M-paragraph index is ``index_build``)."""
    from wirewash.tasks.reuse.index import index_size

    return {"bytes_on_disk": index_size(run / "state")}


if __name__ == "__main__":
    sys.exit(main())
