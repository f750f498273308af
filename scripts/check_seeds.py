"""Compare the cleaner's decision on every labelled seed line with gold.json; print the misses.

  python scripts/check_seeds.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEEDS = ROOT.parent / "shared/evaldata/seeds"

from wirewash.tasks.clean.cleaner import clean_text  # noqa: E402


def check() -> list[str]:
    gold = json.loads((SEEDS / "gold.json").read_text())
    misses: list[str] = []
    for name, labels in sorted(gold["labels"].items()):
        doc = clean_text(name.split(".")[0], name, name, (SEEDS / "raw" / name).read_text())
        action = {}
        for seg in doc.segments:
            for n in range(seg.lines[0], seg.lines[1] + 1):
                action[n] = seg
        for line, label in sorted(labels.items(), key=lambda kv: int(kv[0])):
            seg = action[int(line)]
            want = {"title": ("title",), "body": ("kept",), "dek": ("kept", "removed")}.get(label, ("removed", "metadata"))
            if seg.action not in want:
                misses.append(f"{name}:{line} gold={label} got={seg.action}/{seg.rule} {seg.text[:70]!r}")
        for key, value in gold["metadata"].get(name, {}).items():
            got = doc.published if key == "date" else getattr(doc, key)
            if got != value:
                misses.append(f"{name} metadata {key}: want {value!r} got {got!r}")
    return misses


if __name__ == "__main__":
    found = check()
    print("\n".join(found) or "all seed lines and metadata right")
