"""Where wirewash's HTML extraction loses to trafilatura alone, and which rules removed the lost gold text.

  python scripts/diagnose_html.py [FOLDER] [--margin F] [--half even|odd] [--show N]

``FOLDER`` holds ``html/<id>.html.gz`` and ``ground-truth.json`` (``../shared/evaldata/aeb``
by default; ``../shared/evaldata/wcxb-dev``, or a folder of your own sites with
their gold text). For every page whose F1 (the scorer's word 4-grams) is more
than ``--margin`` (default 0.05) below trafilatura alone's, it prints both
scores and, for the gold text trafilatura alone kept and wirewash did not,
who took it:

* a catalog rule id (``zone.footer``, ``related.list``, ``title.headline``…):
  the rule pass removed an extracted line holding it; one line of it is shown;
* ``(not extracted)``: wirewash's own trafilatura pass never returned it
  (its fast cascade took another region, or less of the page).

Then a tally over all losing pages: gold 4-grams lost per rule. Read a rule
with many lost 4-grams on many sites as a rule whose precision does not hold.
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval_html import AEB, MARGIN, load_gold, load_pages, page_f1, scorer_module, trafilatura_alone  # noqa: E402
from wirewash.tasks.clean.extraction import extract_html  # noqa: E402

NOT_EXTRACTED = "(not extracted)"


def lost_by_rule(gold: str, alone: str, html: str, doc_id: str) -> tuple[str, Counter[str], dict[str, str]]:
    """Our text, and the gold 4-grams trafilatura alone kept that we did not, counted by the rule that removed them.

    A lost 4-gram is charged to the first removed extracted line that holds
    it; one it is not in any removed line is ``(not extracted)``. The third
    value holds one removed line per rule, the one that lost the most.
    """
    shingles = scorer_module().shingles
    doc = extract_html(doc_id, f"{doc_id}.html.gz", "eval", html)
    lost = (shingles(gold) & shingles(alone)) - shingles(doc.text)
    by_rule: Counter[str] = Counter()
    example: dict[str, tuple[int, str]] = {}
    for seg in doc.segments:
        if seg.action == "kept" or not seg.text or not lost:
            continue
        taken = shingles(seg.text) & lost
        count = sum(taken.values())
        if count:
            by_rule[seg.rule] += count
            lost -= taken
            if count > example.get(seg.rule, (0, ""))[0]:
                example[seg.rule] = (count, seg.text)
    if lost:
        by_rule[NOT_EXTRACTED] += sum(lost.values())
    return doc.text, by_rule, {rule: text for rule, (_, text) in example.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=AEB, help="html/ and ground-truth.json (default: aeb)")
    parser.add_argument("--margin", type=float, default=MARGIN, help="list pages more than this F1 below trafilatura")
    parser.add_argument("--half", choices=("even", "odd"), help="only the pages with even or odd numeric ids")
    parser.add_argument("--show", type=int, default=160, help="characters of each example line")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    pages = load_pages(args.folder / "html", args.half)
    gold = load_gold(args.folder, set(pages))
    tally: Counter[str] = Counter()
    pages_hit: Counter[str] = Counter()
    losing = 0
    for doc_id, html in pages.items():
        alone = trafilatura_alone(doc_id, html)
        ours_text, by_rule, examples = lost_by_rule(gold[doc_id], alone, html, doc_id)
        ours_f1, alone_f1 = page_f1(gold[doc_id], ours_text), page_f1(gold[doc_id], alone)
        if ours_f1 >= alone_f1 - args.margin:
            continue
        losing += 1
        print(f"{doc_id}  ours={ours_f1:.3f}  trafilatura={alone_f1:.3f}  ({ours_f1 - alone_f1:+.3f})")
        for rule, count in by_rule.most_common():
            line = examples.get(rule, "")
            print(f"    {count:6d} gold 4-grams  {rule:28s} {line[:args.show]!r}" if line else
                  f"    {count:6d} gold 4-grams  {rule}")
        tally.update(by_rule)
        pages_hit.update(by_rule.keys())
    print(f"\n{losing} of {len(pages)} pages more than {args.margin} F1 below trafilatura alone")
    print("gold 4-grams lost, by rule (pages):")
    for rule, count in tally.most_common():
        print(f"  {rule:30s} {count:7d}  ({pages_hit[rule]})")


if __name__ == "__main__":
    main()
