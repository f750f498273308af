"""Score the text cleaner directly (no Prefect) on the shared evaluation folders.

  python scripts/eval_text.py seeds|text-main|text-page [--per-doc] [--out DIR]

A development aid: the pipeline's end-to-end gate lives in tests/clean/test_quality.py.
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

from wirewash.tasks.clean.cleaner import clean_text  # noqa: E402


def main() -> None:
    which = sys.argv[1]
    out = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    if which == "seeds":
        src = SHARED / "evaldata/seeds/raw"
    else:
        src = SHARED / "evaldata/aeb" / which
    for path in sorted(src.glob("*.txt")):
        doc = clean_text(path.stem, path.name, path.stem, path.read_text(encoding="utf-8", errors="replace"))
        (out / f"{path.stem}.txt").write_text(doc.text + "\n" if doc.text else "")
        with (out / f"{path.stem}.prov.jsonl").open("w") as fh:
            for seg in doc.segments:
                fh.write(json.dumps(seg.to_json(), ensure_ascii=False) + "\n")
        (out / f"{path.stem}.meta.json").write_text(json.dumps({k: v for k, v in doc.to_json().items() if k not in ("text", "paragraphs")}, ensure_ascii=False))
    if which != "seeds":
        cmd = [sys.executable, str(SHARED / "eval/score_extraction.py"), str(SHARED / "evaldata/aeb/ground-truth.json"), str(out)]
        if "--per-doc" in sys.argv:
            cmd.append("--per-doc")
        subprocess.run(cmd, check=True)
    print(out)


if __name__ == "__main__":
    main()
