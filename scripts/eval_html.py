"""Score HTML extraction on a folder of pages with gold text: ours against trafilatura alone, quality and cost.

  python scripts/eval_html.py [FOLDER] [--half even|odd] [--out DIR] [--repeat N] [--no-time] [--per-doc]

``FOLDER`` holds ``html/<id>.html.gz`` pages and a ``ground-truth.json``
(``{id: {"articleBody": …}}``): ``../shared/evaldata/aeb`` by default,
``../shared/evaldata/wcxb-dev`` or any folder of your own sites laid out the
same way. For every page this writes two clean texts — ours
(``wirewash.tasks.clean.extraction.extract_html``, metadata, rules and provenance included)
and trafilatura alone (``trafilatura.extract(html, include_comments=False)``:
its default cascade, without the reader comments our extraction leaves out
too) — scores both with ``../shared/eval/score_extraction.py`` and prints:

* the scorer's line for each (``f1=… precision=… recall=… docs=N``), and,
  where page ids are numbers, the same for the even and the odd ids (tune on
  one half, confirm on the other);
* every page whose F1 is more than 0.05 below trafilatura alone's, and the
  pages more than 0.05 above it;
* the time ratio ours / trafilatura alone: CPU seconds (``time.process_time``)
  for all pages, the two taking turns page by page so that other load on the
  machine falls on both alike, best of ``--repeat`` rounds (default 3) after
  one warm-up round, pages decoded beforehand.

``--half even|odd`` keeps only that half of the pages. ``scripts/diagnose_html.py``
says, for each page that loses, which rules removed its gold text. A
development aid, not a test: tests/clean/test_html_gates.py holds the gates.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
AEB = SHARED / "evaldata/aeb"
SCORER = SHARED / "eval/score_extraction.py"
MARGIN = 0.05
"""A page more than this F1 below (or above) trafilatura alone's is listed."""

from wirewash.tasks.clean.extraction import extract_html  # noqa: E402
from wirewash.tasks.read.intake import decode_bytes  # noqa: E402


def load_pages(folder: Path = AEB / "html", half: str | None = None) -> dict[str, str]:
    """Every ``*.html.gz`` page decoded the way intake decodes it, by file stem (only one half's ids if asked)."""
    pages: dict[str, str] = {}
    for path in sorted(folder.glob("*.html.gz")):
        doc_id = path.name.split(".", 1)[0]
        if half is not None and not in_half(doc_id, half):
            continue
        text, _ = decode_bytes(gzip.decompress(path.read_bytes()))
        pages[doc_id] = text.replace("\r\n", "\n").replace("\r", "\n")
    return pages


def in_half(doc_id: str, half: str) -> bool:
    """Whether a numeric page id is in the ``even`` or ``odd`` half (ids that are not numbers are in neither)."""
    return doc_id.isdigit() and (int(doc_id) % 2 == 0) == (half == "even")


def ours(doc_id: str, html: str) -> str:
    return extract_html(doc_id, f"{doc_id}.html.gz", "eval", html).text


def trafilatura_alone(doc_id: str, html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def write_texts(pages: dict[str, str], system: Callable[[str, str], str], out: Path) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    texts = {doc_id: system(doc_id, html) for doc_id, html in pages.items()}
    for doc_id, text in texts.items():
        (out / f"{doc_id}.txt").write_text(text + "\n" if text else "", encoding="utf-8")
    return texts


def cpu_seconds(pages: dict[str, str], systems: list[Callable[[str, str], str]], repeat: int) -> list[float]:
    """Best-of-``repeat`` CPU time of each system over all pages (after one warm-up round).

    The systems take turns page by page, so that load from other work on the
    machine (which slows every process through shared caches, even in CPU
    time) falls on all of them alike, not on whichever ran while it lasted.
    """
    for doc_id, html in pages.items():
        for system in systems:
            system(doc_id, html)
    best = [float("inf")] * len(systems)
    for _ in range(repeat):
        spent = [0.0] * len(systems)
        for doc_id, html in pages.items():
            for i, system in enumerate(systems):
                start = time.process_time()
                system(doc_id, html)
                spent[i] += time.process_time() - start
        best = [min(b, t) for b, t in zip(best, spent)]
    return best


def scorer() -> ModuleType:
    """``../shared/eval/score_extraction.py`` as a module."""
    spec = importlib.util.spec_from_file_location("score_extraction", SCORER)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_gold(folder: Path, ids: set[str] | None = None) -> dict[str, str]:
    """The gold article bodies of ``folder``'s ``ground-truth.json`` (only ``ids`` when given)."""
    gold = scorer().load_gold(folder / "ground-truth.json")
    return gold if ids is None else {doc_id: body for doc_id, body in gold.items() if doc_id in ids}


def page_f1(gold: str, text: str) -> float:
    """One page's F1 as the scorer counts it (an empty prediction scores 0)."""
    p, r = scorer_module().doc_scores(gold, text)
    p, r = p or 0.0, r or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def macro_f1(gold: dict[str, str], texts: dict[str, str]) -> tuple[float, float, float]:
    """``(f1, precision, recall)`` over the pages of ``gold``, macro-averaged exactly as the scorer does."""
    precisions, recalls = [], []
    for doc_id, body in gold.items():
        p, r = scorer_module().doc_scores(body, texts.get(doc_id, ""))
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


_SCORER: list[ModuleType] = []


def scorer_module() -> ModuleType:
    """The scorer, loaded once."""
    if not _SCORER:
        _SCORER.append(scorer())
    return _SCORER[0]


def scorer_line(gold: Path, pred: Path) -> str:
    """The scorer's own output line for a folder of predictions."""
    return subprocess.run([sys.executable, str(SCORER), str(gold), str(pred)],
                          check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=AEB, help="html/ and ground-truth.json (default: aeb)")
    parser.add_argument("--half", choices=("even", "odd"), help="only the pages with even or odd numeric ids")
    parser.add_argument("--out", type=Path, help="where the texts are written (default: a temporary folder)")
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds, the best counts")
    parser.add_argument("--no-time", action="store_true", help="skip the timing")
    parser.add_argument("--per-doc", action="store_true", help="print every page's F1, both systems")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # trafilatura warns about every page it finds empty
    folder, half, repeat = args.folder, args.half, args.repeat
    out = args.out or Path(tempfile.mkdtemp())
    pages = load_pages(folder / "html", half)
    gold = load_gold(folder, set(pages))
    a = write_texts(pages, ours, out / "ours")
    b = write_texts(pages, trafilatura_alone, out / "trafilatura")
    if half is None:
        for name in ("ours", "trafilatura"):
            print(f"{name:12s} {scorer_line(folder / 'ground-truth.json', out / name)}")
    halves = [("", None)] + ([("even", "even"), ("odd", "odd")] if half is None and any(k.isdigit() for k in pages) else [])
    for label, which in halves:
        part = {k: v for k, v in gold.items() if which is None or in_half(k, which)}
        (fa, pa, ra), (fb, pb, rb) = macro_f1(part, a), macro_f1(part, b)
        print(f"{label or half or 'all':5s} docs={len(part)}  ours f1={fa:.4f} p={pa:.4f} r={ra:.4f}   "
              f"trafilatura f1={fb:.4f} p={pb:.4f} r={rb:.4f}")
    fa_doc = {k: page_f1(body, a.get(k, "")) for k, body in gold.items()}
    fb_doc = {k: page_f1(body, b.get(k, "")) for k, body in gold.items()}
    worse = sorted((fa_doc[k] - fb_doc[k], k) for k in gold if fa_doc[k] < fb_doc[k] - MARGIN)
    better = sorted((fa_doc[k] - fb_doc[k], k) for k in gold if fa_doc[k] > fb_doc[k] + MARGIN)
    print(f"pages more than {MARGIN} F1 below trafilatura alone: {len(worse)}; above it: {len(better)}")
    for delta, doc_id in worse:
        print(f"  {doc_id}  ours={fa_doc[doc_id]:.3f}  trafilatura={fb_doc[doc_id]:.3f}  ({delta:+.3f})")
    if args.per_doc:
        for doc_id in sorted(gold):
            print(f"  {doc_id}  ours={fa_doc[doc_id]:.3f}  trafilatura={fb_doc[doc_id]:.3f}")
    if not args.no_time:
        ours_s, alone_s = cpu_seconds(pages, [ours, trafilatura_alone], repeat)
        print(f"time (CPU, best of {repeat}): ours {ours_s:.2f}s  trafilatura alone {alone_s:.2f}s  "
              f"ratio {ours_s / alone_s:.3f}")
    print(out)


if __name__ == "__main__":
    main()
