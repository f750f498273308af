"""Quality gates on the shared evaluation data: they may rise, never drop.

Each gate runs the cleaner over a shared folder, writes clean/<id>.txt like
the pipeline does, and scores it with the shared scorer. Skipped, with the
reason, where ../shared is absent (a user's clone).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import shared_path
from tasks.cleaner import clean_text

# Floors reached and measured (see the closing notes of the cleaning issue).
TEXT_MAIN_F1 = 0.895
TEXT_PAGE_F1 = 0.903


def _score_folder(folder: Path, out: Path) -> dict[str, float]:
    for path in sorted(folder.glob("*.txt")):
        doc = clean_text(path.stem, path.name, path.stem, path.read_text(encoding="utf-8", errors="replace"))
        (out / f"{path.stem}.txt").write_text(doc.text + "\n" if doc.text else "")
    scorer = shared_path("eval", "score_extraction.py")
    gold = shared_path("evaldata", "aeb", "ground-truth.json")
    line = subprocess.run([sys.executable, str(scorer), str(gold), str(out)], check=True, capture_output=True,
                          text=True).stdout.strip().splitlines()[-1]
    return {k: float(v) for k, v in (part.split("=") for part in line.split()) if k != "docs"}


@pytest.mark.parametrize(("folder", "floor"), [("text-main", TEXT_MAIN_F1), ("text-page", TEXT_PAGE_F1)])
def test_aeb_flattened_text_f1_floor(folder: str, floor: float, tmp_path: Path) -> None:
    scores = _score_folder(shared_path("evaldata", "aeb", folder), tmp_path)
    assert scores["f1"] >= floor, scores


def test_seed_lines_and_metadata_match_gold() -> None:
    seeds = shared_path("evaldata", "seeds")
    gold = json.loads((seeds / "gold.json").read_text())
    misses = []
    for name, labels in sorted(gold["labels"].items()):
        doc = clean_text(name.split(".")[0], name, name, (seeds / "raw" / name).read_text())
        action = {n: seg.action for seg in doc.segments for n in range(seg.lines[0], seg.lines[1] + 1)}
        for line, label in labels.items():
            allowed = {"title": {"title"}, "body": {"kept"}, "dek": {"kept", "removed"}}.get(label, {"removed", "metadata"})
            if action[int(line)] not in allowed:
                misses.append(f"{name}:{line} {label} -> {action[int(line)]}")
        for key, value in gold["metadata"].get(name, {}).items():
            got = doc.published if key == "date" else getattr(doc, key)
            if got != value:
                misses.append(f"{name} {key}: {got!r} != {value!r}")
    assert not misses, misses
