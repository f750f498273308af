"""Development aid: list the lines the cleaner got wrong on an evaluation folder, by the rule that decided.

  python scripts/diagnose_text.py text-main|text-page [--set aeb|wcxb-dev] [--half even|odd] [--show N] [--rule ID]

A kept line is a false keep when few of its word 4-grams are in the gold
body; a removed line is a false removal when most of them are. Losses are
counted in 4-grams and, as the scorer averages over pages, in page shares:
a false keep's share of its page's kept 4-grams, a false removal's share of
its page's gold 4-grams (summed over pages, by rule). ``--show``
prints that many wrong lines (``--rule`` only those of one rule), after the
4-gram counts by rule and the pages that lose the most.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_text import HALVES, SETS, gold_bodies, option, pages  # noqa: E402

from wirewash.tasks.clean.cleaner import clean_text  # noqa: E402

WORD = re.compile(r"\w+")


def grams(text: str) -> set[tuple[str, ...]]:
    """Word 4-grams of ``text`` (a text of fewer words: its one shorter gram)."""
    words = WORD.findall(text)
    return {tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 1 if words else 0))}


def gold_grams(text: str) -> set[tuple[str, ...]]:
    """Word 1- to 4-grams of a gold text: a short heading counts as found when its words stand together in gold."""
    words = WORD.findall(text)
    return {tuple(words[i : i + n]) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}


def main() -> None:
    which = sys.argv[1]
    dataset, half = option("set", "aeb"), option("half")
    if dataset not in SETS or half not in (None, *HALVES):
        sys.exit(__doc__)
    show = int(option("show", "0"))
    only = option("rule")
    gold = gold_bodies(dataset, half)
    false_keep: Counter[str] = Counter()
    false_drop: Counter[str] = Counter()
    keep_share: Counter[str] = Counter()  # precision lost, in pages
    drop_share: Counter[str] = Counter()  # recall lost, in pages
    lost: Counter[str] = Counter()  # 4-grams wrongly kept or removed, by page
    examples: list[str] = []
    for path in pages(which, dataset, half):
        g = gold_grams(gold[path.stem])
        gold_size = max(1, len(grams(gold[path.stem])))
        doc = clean_text(path.stem, path.name, path.stem, path.read_text(encoding="utf-8", errors="replace"))
        kept = max(1, sum(len(grams(seg.text)) for seg in doc.segments if seg.action == "kept"))
        for seg in doc.segments:
            s = grams(seg.text)
            if not s:
                continue
            inside = len(s & g) / len(s)
            if seg.action == "kept" and inside < 0.5:
                false_keep[seg.rule] += len(s)
                keep_share[seg.rule] += len(s) / kept
                lost[path.stem] += len(s)
                if only in (None, seg.rule):
                    examples.append(f"KEEP {path.stem[:8]}:{seg.lines[0]} {seg.rule} {seg.text[:110]!r}")
            elif seg.action != "kept" and inside >= 0.5:
                false_drop[seg.rule] += len(s)
                drop_share[seg.rule] += len(s & g) / gold_size
                lost[path.stem] += len(s)
                if only in (None, seg.rule):
                    examples.append(f"DROP {path.stem[:8]}:{seg.lines[0]} {seg.rule} {seg.text[:110]!r}")
    print("false keeps (4-grams) by rule:", false_keep.most_common())
    print("false removals (4-grams) by rule:", false_drop.most_common())
    print("false keeps (pages) by rule:", [(rule, round(v, 2)) for rule, v in keep_share.most_common()])
    print("false removals (pages) by rule:", [(rule, round(v, 2)) for rule, v in drop_share.most_common()])
    print("pages losing most (4-grams):", lost.most_common(20))
    for line in examples[:show]:
        print(line)


if __name__ == "__main__":
    main()
