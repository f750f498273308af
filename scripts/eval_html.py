"""Score HTML extraction on the AEB pages: ours against trafilatura alone, quality and cost.

  python scripts/eval_html.py [--out DIR] [--repeat N] [--no-time] [--per-doc]

For every page of ``../shared/evaldata/aeb/html`` this writes two clean texts —
ours (``wirewash.tasks.clean.extraction.extract_html``, metadata, rules and provenance
included) and trafilatura alone (``trafilatura.extract(html, include_comments=False)``:
its default cascade, without the reader comments our extraction leaves out too) — scores
both with ``../shared/eval/score_extraction.py`` and prints:

* the scorer's line for each (``f1=… precision=… recall=… docs=N``);
* every page whose F1 is more than 0.02 below trafilatura alone's;
* the time ratio ours / trafilatura alone: CPU seconds (``time.process_time``,
  robust to other load on the machine) for all pages, best of ``--repeat``
  rounds (default 3) after one warm-up round, pages decoded beforehand.

A development aid, not a test: tests/clean/test_extraction.py holds the F1 gate.
"""
from __future__ import annotations

import gzip
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
AEB = SHARED / "evaldata/aeb"
SCORER = SHARED / "eval/score_extraction.py"
REGRESSION = 0.02

from wirewash.tasks.clean.extraction import extract_html  # noqa: E402
from wirewash.tasks.read.intake import decode_bytes  # noqa: E402


def load_pages(folder: Path = AEB / "html") -> dict[str, str]:
    """Every ``*.html.gz`` page decoded the way intake decodes it, by file stem."""
    pages: dict[str, str] = {}
    for path in sorted(folder.glob("*.html.gz")):
        text, _ = decode_bytes(gzip.decompress(path.read_bytes()))
        pages[path.name.split(".", 1)[0]] = text.replace("\r\n", "\n").replace("\r", "\n")
    return pages


def ours(doc_id: str, html: str) -> str:
    return extract_html(doc_id, f"{doc_id}.html.gz", "aeb", html).text


def trafilatura_alone(doc_id: str, html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def write_texts(pages: dict[str, str], system: Callable[[str, str], str], out: Path) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    texts = {doc_id: system(doc_id, html) for doc_id, html in pages.items()}
    for doc_id, text in texts.items():
        (out / f"{doc_id}.txt").write_text(text + "\n" if text else "", encoding="utf-8")
    return texts


def cpu_seconds(pages: dict[str, str], system: Callable[[str, str], str], repeat: int) -> float:
    """Best-of-``repeat`` CPU time to run ``system`` over all pages."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for doc_id, html in pages.items():
            system(doc_id, html)
        best = min(best, time.process_time() - start)
    return best


def per_doc_f1(gold: Path, pred: Path) -> dict[str, float]:
    """Per-page F1 from the scorer's ``--per-doc`` lines (an empty prediction scores 0)."""
    run = subprocess.run([sys.executable, str(SCORER), str(gold), str(pred), "--per-doc"],
                         check=True, capture_output=True, text=True)
    scores: dict[str, float] = {}
    for line in run.stdout.splitlines():
        if "precision=" not in line or line.startswith("f1="):
            continue
        doc_id, rest = line.split(" ", 1)
        fields = dict(part.split("=") for part in rest.split())
        p = float(fields["precision"]) if fields["precision"] != "None" else 0.0
        r = float(fields["recall"]) if fields["recall"] != "None" else 0.0
        scores[doc_id] = 2 * p * r / (p + r) if p + r else 0.0
    return scores


def main() -> None:
    logging.disable(logging.WARNING)  # trafilatura warns about every page it finds empty
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else Path(tempfile.mkdtemp())
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    gold = AEB / "ground-truth.json"
    pages = load_pages()
    write_texts(pages, ours, out / "ours")
    write_texts(pages, trafilatura_alone, out / "trafilatura")
    for name in ("ours", "trafilatura"):
        line = subprocess.run([sys.executable, str(SCORER), str(gold), str(out / name)],
                              check=True, capture_output=True, text=True).stdout.strip()
        print(f"{name:12s} {line}")
    a, b = per_doc_f1(gold, out / "ours"), per_doc_f1(gold, out / "trafilatura")
    worse = sorted((a[k] - b[k], k) for k in a if a[k] < b[k] - REGRESSION)
    print(f"pages more than {REGRESSION} F1 below trafilatura alone: {len(worse)}")
    for delta, doc_id in worse:
        print(f"  {doc_id}  ours={a[doc_id]:.3f}  trafilatura={b[doc_id]:.3f}  ({delta:+.3f})")
    if "--per-doc" in sys.argv:
        for doc_id in sorted(a):
            print(f"  {doc_id}  ours={a[doc_id]:.3f}  trafilatura={b[doc_id]:.3f}")
    if "--no-time" not in sys.argv:
        ours_s = cpu_seconds(pages, ours, repeat)
        alone_s = cpu_seconds(pages, trafilatura_alone, repeat)
        print(f"time (CPU, best of {repeat}): ours {ours_s:.2f}s  trafilatura alone {alone_s:.2f}s  "
              f"ratio {ours_s / alone_s:.2f}")
    print(out)


if __name__ == "__main__":
    main()
