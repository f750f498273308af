#!/usr/bin/env python3
"""Run the reuse detector on a folder of text files and score it against gold.

  python scripts/score_syndicated.py [RAW_DIR] [GOLD_JSON] [--out DIR] [--show-missed N]

Each ``*.txt`` in RAW_DIR is one outlet's document; paragraphs are runs of
non-blank lines separated by blank lines. ``lines`` are the 1-based first and
last raw line of a paragraph; ``outlet`` and ``doc_id`` are the file stem.
Writes ``overlaps.jsonl`` and ``clusters.jsonl`` into ``--out`` and runs the
shared scorer (``score_overlaps.py``) on them, printing its lines plus the
runtime and work counters.

Defaults point at the shared syndicated corpus beside the repository.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from wirewash.tasks.reuse.overlap import find_overlaps  # noqa: E402
from wirewash.tasks.records import ParagraphRef  # noqa: E402

SHARED = REPO.parent / "shared"
SCORER = SHARED / "eval" / "score_overlaps.py"


def read_paragraphs(raw_dir: Path) -> list[ParagraphRef]:
    """ParagraphRefs for every blank-line-separated paragraph of every ``*.txt``."""
    refs: list[ParagraphRef] = []
    for path in sorted(raw_dir.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        index = 0
        start: int | None = None
        for number, line in enumerate(lines + [""], start=1):
            if line.strip():
                if start is None:
                    start = number
            elif start is not None:
                text = "\n".join(lines[start - 1 : number - 1])
                refs.append(
                    ParagraphRef(
                        doc_id=path.stem,
                        file=path.name,
                        outlet=path.stem,
                        lines=(start, number - 1),
                        index=index,
                        text=text,
                    )
                )
                index += 1
                start = None
    return refs


def write_results(out_dir: Path, refs: list[ParagraphRef]) -> dict[str, object]:
    """Run :func:`find_overlaps` and write overlaps.jsonl / clusters.jsonl; return stats."""
    out_dir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    result = find_overlaps(refs)
    seconds = time.perf_counter() - began
    with (out_dir / "overlaps.jsonl").open("w", encoding="utf-8") as fh:
        for overlap in result.overlaps:
            fh.write(json.dumps(overlap.to_json(), ensure_ascii=False) + "\n")
    with (out_dir / "clusters.jsonl").open("w", encoding="utf-8") as fh:
        for cluster in result.clusters:
            fh.write(json.dumps(cluster.to_json(), ensure_ascii=False) + "\n")
    return {"seconds": round(seconds, 3), **result.stats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("raw_dir", nargs="?", type=Path, default=SHARED / "evaldata" / "syndicated" / "raw")
    parser.add_argument("gold", nargs="?", type=Path, default=None, help="gold.json (default: RAW_DIR/../gold.json)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temp dir)")
    parser.add_argument("--show-missed", type=int, default=0)
    parser.add_argument("--scorer", type=Path, default=SCORER)
    args = parser.parse_args(argv)
    gold = args.gold or args.raw_dir.parent / "gold.json"
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="wirewash-overlap-"))
    refs = read_paragraphs(args.raw_dir)
    info = write_results(out_dir, refs)
    print(f"runtime={info['seconds']}s " + " ".join(f"{k}={v}" for k, v in info.items() if k != "seconds"))
    print(f"wrote {out_dir / 'overlaps.jsonl'} and clusters.jsonl")
    cmd = [sys.executable, str(args.scorer), str(gold), str(out_dir / "overlaps.jsonl")]
    if args.show_missed:
        cmd += ["--show-missed", str(args.show_missed)]
    return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
