"""Digests of everything a run writes for users, per corpus: the check that a refactor changed no output.

  python scripts/output_digest.py [--out FILE] [CORPUS ...]

Runs ``wirewash run`` (the installed command, a fresh state each time) over each corpus folder of
``../shared/evaldata`` — by default seeds, aeb html, aeb text-main, aeb text-page and syndicated — and
prints one SHA-256 per output: every file of ``clean/`` (texts, ``corpus.jsonl``, ``paragraphs.parquet``)
together, then ``provenance.jsonl``, ``overlaps.jsonl`` and ``clusters.jsonl``. Run-specific files
(``summary.json``, ``report.html``: run ids and timings) are left out. Two checkouts that print the same
lines write byte-identical outputs on those corpora.

A development aid, not a test: a run per corpus takes a while.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVALDATA = ROOT.parent / "shared" / "evaldata"
CORPORA = {
    "seeds": "seeds/raw",
    "aeb-html": "aeb/html",
    "aeb-text-main": "aeb/text-main",
    "aeb-text-page": "aeb/text-page",
    "syndicated": "syndicated/raw",
}
REPORT_FILES = ("provenance.jsonl", "overlaps.jsonl", "clusters.jsonl")


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def digest_corpus(raw: Path, work: Path) -> dict[str, str]:
    """Run wirewash over ``raw`` with outputs under ``work``; the digest of each output."""
    command = Path(sys.executable).with_name("wirewash")
    args = [str(command), "run", "-q", "--full", "--raw", str(raw)] + [
        a for name in ("clean", "reports", "state") for a in (f"--{name}", str(work / name))]
    subprocess.run(args, check=True)
    latest = work / "reports" / "latest"
    out = {"clean/": _tree_digest(work / "clean")}
    out.update({name: hashlib.sha256((latest / name).read_bytes()).hexdigest() for name in REPORT_FILES})
    return out


def main() -> None:
    args = sys.argv[1:]
    target = Path(args[args.index("--out") + 1]) if "--out" in args else None
    names = [a for a in args if a in CORPORA] or list(CORPORA)
    results: dict[str, dict[str, str]] = {}
    for name in names:
        with tempfile.TemporaryDirectory() as work:
            results[name] = digest_corpus(EVALDATA / CORPORA[name], Path(work))
        for output, value in results[name].items():
            print(f"{name:15s} {output:18s} {value}", flush=True)
    if target is not None:
        target.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
