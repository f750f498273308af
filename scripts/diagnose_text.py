"""Development aid: list the lines the cleaner got wrong on an AEB folder, by the rule that decided.

  python scripts/diagnose_text.py text-main|text-page [--show N]

A kept line is a false keep when few of its word 4-grams are in the gold
body; a removed line is a false removal when most of them are.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AEB = ROOT.parent / "shared/evaldata/aeb"

from wirewash.tasks.clean.cleaner import clean_text  # noqa: E402

WORD = re.compile(r"\w+")


def grams(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text)
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1 if words else 0))}


def main() -> None:
    which = sys.argv[1]
    show = int(sys.argv[sys.argv.index("--show") + 1]) if "--show" in sys.argv else 0
    gold = json.loads((AEB / "ground-truth.json").read_text())
    false_keep: Counter[str] = Counter()
    false_drop: Counter[str] = Counter()
    examples: list[str] = []
    for path in sorted((AEB / which).glob("*.txt")):
        g = grams(gold[path.stem]["articleBody"])
        doc = clean_text(path.stem, path.name, path.stem, path.read_text())
        for seg in doc.segments:
            s = grams(seg.text)
            if not s:
                continue
            inside = len(s & g) / len(s)
            if seg.action == "kept" and inside < 0.5:
                false_keep[seg.rule] += len(s)
                examples.append(f"KEEP {path.stem[:8]}:{seg.lines[0]} {seg.rule} {seg.text[:110]!r}")
            elif seg.action != "kept" and inside >= 0.5:
                false_drop[seg.rule] += len(s)
                examples.append(f"DROP {path.stem[:8]}:{seg.lines[0]} {seg.rule} {seg.text[:110]!r}")
    print("false keeps (4-grams) by rule:", false_keep.most_common())
    print("false removals (4-grams) by rule:", false_drop.most_common())
    for line in examples[:show]:
        print(line)


if __name__ == "__main__":
    main()
