"""The bench's goals (issue 21's targets, and the index goals of issue 8) and its two tables (``bench.md``).

A goal is measured, compared with its target and printed with **yes** or **no**; a goal whose part was
skipped (``BENCH_SKIP_INDEX=1``) says *skipped*. No target is adjusted to what is measured: a goal not met
prints **no**.
"""
from __future__ import annotations

from typing import Any

GB = 1e9


def _goal(text: str, value: float | None, op: str, target: float) -> dict[str, Any]:
    """One goal row: ``value`` compared with ``target`` by ``op`` (``met`` is None when not measured)."""
    met = None if value is None else {">=": value >= target, "<=": value <= target, ">": value > target}[op]
    return {"goal": text, "value": None if value is None else round(value, 3), "target": f"{op} {target}", "met": met}


def goals(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Every goal of the bench, from its measurements ``r`` (the ``bench.json`` dict without ``goals``)."""
    p, tenth, dask = r["pipeline"], r["tenth"], r["dask"]
    reuse, ds = r["reuse"], r["datasketch"]
    index = r.get("index_query")
    return [
        _goal(f"whole-run peak memory ≤ 2 GB at 22k files (wirewash run, its process tree summed; "
              f"this corpus: {p['files']:,} files) (GB)", p["peak_bytes"] / GB, "<=", 2.0),
        _goal(f"peak(full) ≤ 1.5 × peak(tenth) (tenth: {tenth['files']:,} files, whole story families) (ratio)",
              p["peak_bytes"] / tenth["peak_bytes"], "<=", 1.5),
        _goal("files/s end to end ≥ 150 (wirewash run, files / wall time)", p["files_per_second"], ">=", 150.0),
        _goal("reuse ≥ 3× faster than plain datasketch (its time / ours, same paragraphs, 1 process each, "
              "best of 3 fresh processes each, alternating)",
              ds["seconds"] / reuse["seconds"], ">=", 3.0),
        _goal("reuse peak memory ≤ 0.5 of datasketch's (ratio)", reuse["peak_bytes"] / ds["peak_bytes"], "<=", 0.5),
        _goal("Prefect's share of the wall time ≤ 5% (wirewash run vs the same flow body without Prefect, "
              "least of each, run in turn)",
              p["prefect_share"], "<=", 0.05),
        _goal("HTML clean stage ≤ 1.1× trafilatura alone per core (CPU time, best of 3 fresh processes each, "
              f"{r['extract']['pages']:,} varied pages)", r["extract"]["cpu_seconds"] / r["trafilatura"]["cpu_seconds"],
              "<=", 1.1),
        _goal("--dask on a local 2-worker cluster: outputs = process-pool run's (clean/corpus.jsonl, overlaps.jsonl, "
              "clusters.jsonl bytes)", float(all(dask["identical"].values())), ">=", 1.0),
        _goal(f"--dask: the flow process's own peak RSS ≤ 1 GB at 22k files (root pid only; this corpus: "
              f"{p['files']:,} files) (GB)", dask["own_peak_bytes"] / GB, "<=", 1.0),
        _goal("reuse results identical (pipeline on the pool = same without Prefect = reuse alone in 1 process)",
              float(r["identical"]["pipeline_vs_plain"] and r["identical"]["pipeline_vs_single_process_reuse"]),
              ">=", 1.0),
        _goal("text cleaning faster than HTML extraction (files/s ratio)",
              (r["clean_text"]["files"] / r["clean_text"]["seconds"]) / (r["extract"]["pages"] / r["extract"]["seconds"]),
              ">", 1.0),
        _goal("1,000,000-paragraph index held and queried in ≤ 2 GB (peak RSS, GB)",
              index and index["peak_bytes"] / GB, "<=", 2.0),
        _goal("incremental batch of 1,000 files queried against it in ≤ 30 s (s)", index and index["seconds"], "<=", 30.0),
    ]


def _gb(n: int) -> str:
    return f"{n / GB:.2f} GB"


def _run_row(run: dict[str, Any]) -> str:
    return (f"{run['files']:,} files: {run['wall_seconds']:.1f} s wall, {run['files_per_second']:.0f} files/s, "
            f"peak {_gb(run['peak_bytes'])} (process tree), flow process alone {_gb(run['own_peak_bytes'])}")


def _index_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    b, q = r.get("index_build"), r.get("index_query")
    if b is None or q is None:
        return [("1M-paragraph index: build and incremental batch", "skipped (BENCH_SKIP_INDEX=1)")]
    work = q["work"]
    return [
        ("1M-paragraph index: build, 1 process",
         f"{b['paragraphs']:,} paragraphs in {b['files']:,} files: {b['seconds']:.1f} s, peak {_gb(b['peak_bytes'])}, "
         f"{_gb(b['bytes_on_disk'])} on disk"),
        ("incremental batch of 1,000 files on it, 1 process",
         f"{q['new_files']:,} new files ({q['new_paragraphs']:,} paragraphs) on {q['indexed_paragraphs']:,} indexed: "
         f"reuse {q['seconds']:.1f} s, peak {_gb(q['peak_bytes'])}; {q['pairs']:,} pairs; "
         f"{work['archive_paragraphs_read']:,} archived paragraphs read, {work['archive_anchors_over_fanout']:,} "
         "anchors over the fan-out limit"),
    ]


def _measure_rows(r: dict[str, Any]) -> list[tuple[str, str]]:
    p, pl, d = r["pipeline"], r["plain_pipeline"], r["dask"]
    c, x, t = r["corpus"], r["extract"], r["trafilatura"]
    return [
        ("corpus", f"{p['files']:,} files ({c['real_text_files']:,} real texts, {c['html_pages']:,} HTML, "
                   f"{c['stories']:,} wire stories), {p['paragraphs']:,} kept paragraphs, {p['pairs']:,} reuse pairs, "
                   f"{p['clusters']:,} clusters"),
        ("pipeline (wirewash run, Prefect, process pool)", _run_row(p) + f", {p['paragraphs_per_second']:.0f} paragraphs/s"),
        ("  stages (s)", ", ".join(f"{k} {v:.1f}" for k, v in p["stage_seconds"].items())),
        ("same on a tenth of the corpus (whole families)", _run_row(r["tenth"])),
        ("same with --dask on a local cluster (2 worker processes)",
         _run_row(d) + "; outputs identical: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in d["identical"].items())),
        ("same flow body without Prefect", f"{pl['wall_seconds']:.1f} s wall (stages: "
                                           + ", ".join(f"{k} {v:.1f}" for k, v in pl["timings"].items()) + ")"),
        ("Prefect's share of the wall time", f"{p['prefect_share'] * 100:.1f}% (least wall of "
         + " / ".join(f"{v:.1f}" for v in p["prefect_share_walls"]["with_prefect"]) + " s with Prefect, of "
         + " / ".join(f"{v:.1f}" for v in p["prefect_share_walls"]["without"]) + " s without, run in turn)"),
        ("reuse detection, 1 process", f"{r['reuse']['seconds']:.1f} s, {r['reuse']['paragraphs'] / r['reuse']['seconds']:.0f} "
                                       f"paragraphs/s, peak {_gb(r['reuse']['peak_bytes'])}"),
        ("datasketch baseline, 1 process", f"{r['datasketch']['seconds']:.1f} s, "
                                           f"{r['datasketch']['paragraphs'] / r['datasketch']['seconds']:.0f} paragraphs/s, "
                                           f"peak {_gb(r['datasketch']['peak_bytes'])}"),
        ("wirewash HTML extraction, 1 process", f"{x['seconds']:.1f} s ({x['cpu_seconds']:.1f} CPU-s, best of 3) for "
                                                f"{x['pages']:,} pages ({x['pages'] / x['seconds']:.1f} pages/s)"),
        ("trafilatura alone, 1 process", f"{t['seconds']:.1f} s ({t['cpu_seconds']:.1f} CPU-s, best of 3) for {t['pages']:,} pages"),
        ("wirewash text cleaning, 1 process", f"{r['clean_text']['seconds']:.1f} s for {r['clean_text']['files']:,} files "
                                              f"({r['clean_text']['files'] / r['clean_text']['seconds']:.1f} files/s)"),
        ("reuse index of the pipeline run", f"{_gb(r['index']['bytes_on_disk'])} on disk"),
    ] + _index_rows(r)


def _met(goal: dict[str, Any]) -> str:
    return "skipped" if goal["met"] is None else "yes" if goal["met"] else "**no**"


def table(r: dict[str, Any]) -> str:
    """``bench.md``: the measures, then every goal with its value, target and yes/no."""
    out = ["| measure | value |", "| --- | --- |"] + [f"| {a} | {b} |" for a, b in _measure_rows(r)]
    out += ["", "| goal | measured | target | met |", "| --- | --- | --- | --- |"]
    out += [f"| {g['goal']} | {'—' if g['value'] is None else g['value']} | {g['target']} | {_met(g)} |"
            for g in r["goals"]]
    return "\n".join(out) + "\n"
