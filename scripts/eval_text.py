"""Score the text cleaner directly (no Prefect) on the shared evaluation folders.

  python scripts/eval_text.py seeds|text-main|text-page [--set aeb|wcxb-dev] [--half even|odd] [--per-doc] [--out DIR]

``--set`` picks the evaluation set (``aeb`` by default; ``wcxb-dev`` has four
times as many sites). ``--half`` cleans and scores only the pages with even
or odd numeric ids: tune on one half, confirm on the other. Without it the
scorer's line is printed for all pages, then for each half.

A development aid: the pipeline's end-to-end gates live in tests/clean/test_quality.py.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
SETS = ("aeb", "wcxb-dev")
HALVES = ("even", "odd")

from wirewash.tasks.clean.cleaner import clean_text  # noqa: E402


def option(name: str, default: str | None = None) -> str | None:
    """The value after ``--name`` on the command line, else ``default``."""
    flag = f"--{name}"
    return sys.argv[sys.argv.index(flag) + 1] if flag in sys.argv else default


def in_half(doc_id: str, half: str | None) -> bool:
    """Whether ``doc_id`` (numeric, or any id: its digits, else its characters' sum) is in ``half`` (None: all)."""
    if half is None:
        return True
    digits = "".join(ch for ch in doc_id if ch.isdigit())
    number = int(digits) if digits else sum(map(ord, doc_id))
    return (number % 2 == 0) == (half == "even")


def pages(which: str, dataset: str, half: str | None) -> list[Path]:
    """The text files of one folder of ``dataset`` (``which`` is text-main or text-page), restricted to ``half``."""
    return [path for path in sorted((SHARED / "evaldata" / dataset / which).glob("*.txt")) if in_half(path.stem, half)]


def gold_bodies(dataset: str, half: str | None) -> dict[str, str]:
    """Gold article bodies of ``dataset`` by id, restricted to ``half``."""
    gold = json.loads((SHARED / "evaldata" / dataset / "ground-truth.json").read_text())
    return {doc_id: entry["articleBody"] for doc_id, entry in gold.items() if in_half(doc_id, half)}


def score(dataset: str, half: str | None, out: Path, per_doc: bool = False) -> str:
    """The shared scorer's line for the cleaned texts in ``out`` against ``dataset``'s gold, over ``half``."""
    gold = out / f".gold-{half or 'all'}.json"
    gold.write_text(json.dumps({doc_id: {"articleBody": body} for doc_id, body in gold_bodies(dataset, half).items()}))
    cmd = [sys.executable, str(SHARED / "eval/score_extraction.py"), str(gold), str(out)] + (["--per-doc"] if per_doc else [])
    lines = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()
    gold.unlink()
    if per_doc:
        print("\n".join(lines[:-1]))
    return lines[-1]


def write_clean(paths: list[Path], out: Path) -> None:
    """Clean each page; write its text, provenance and metadata to ``out`` as the pipeline names them."""
    for path in paths:
        doc = clean_text(path.stem, path.name, path.stem, path.read_text(encoding="utf-8", errors="replace"))
        (out / f"{path.stem}.txt").write_text(doc.text + "\n" if doc.text else "")
        with (out / f"{path.stem}.prov.jsonl").open("w") as fh:
            for seg in doc.segments:
                fh.write(json.dumps(seg.to_json(), ensure_ascii=False) + "\n")
        (out / f"{path.stem}.meta.json").write_text(json.dumps({k: v for k, v in doc.to_json().items() if k not in ("text", "paragraphs")}, ensure_ascii=False))


def main() -> None:
    which = sys.argv[1]
    dataset, half = option("set", "aeb"), option("half")
    if dataset not in SETS or half not in (None, *HALVES):
        sys.exit(__doc__)
    out = Path(option("out") or tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    if which == "seeds":
        write_clean(sorted((SHARED / "evaldata/seeds/raw").glob("*.txt")), out)
    else:
        write_clean(pages(which, dataset, half), out)
        per_doc = "--per-doc" in sys.argv
        print(f"{dataset} {which} {half or 'all'}: {score(dataset, half, out, per_doc)}")
        if half is None:
            for part in HALVES:
                print(f"{dataset} {which} {part}: {score(dataset, part, out)}")
    print(out)


if __name__ == "__main__":
    main()
