"""Quality gates on pages the HTML path was never written for: wcxb-dev (709 articles from ~700 sites).

wirewash starts from what trafilatura keeps, so it must never do worse than
trafilatura alone on the same pages: both are scored here, in the same test,
with the shared scorer. ``scripts/eval_html.py ../shared/evaldata/wcxb-dev``
prints the same figures; ``scripts/diagnose_html.py`` names the rules behind
every page that loses.
"""
from __future__ import annotations

import gzip
import logging
from pathlib import Path
from types import ModuleType

import pytest

from conftest import extraction_scorer, macro_f1, shared_path
from wirewash.tasks.clean.extraction import extract_html
from wirewash.tasks.read.intake import decode_bytes

WCXB_F1_FLOOR = 0.9447
"""wirewash on wcxb-dev: 0.9266 before extractor choice, 0.9320 after, 0.9375 with readability's third opinion,
0.9380 with the article's own mixed lists kept, the cookie rule's legal wording held to short lines and
click prompts to one sentence, 0.93809 with the text dumps' rule fixes too, 0.93935 with the top node where
trafilatura failed, 0.94032 with a page's second copy of its story removed, 0.9407 with three rules not tried on
extracted lines (html_decide.HTML_UNPROVEN_RULES), 0.9443 with the headings and lists trafilatura's fallback dropped
put back (tasks/clean/structure.py), 0.94454 with promo.second-person no longer reading a bare "sign up" as a call
0.94469 with the full cascade asked where the fast pass ran the article together on one line (extractor_choice.
merged_block), 0.94474 with readability allowed to drop what such a fast pass ran in (trafilatura alone:
0.9319). May rise, never drop."""
WCXB_MAX_BELOW = 5
"""Pages more than ``MARGIN`` F1 below trafilatura alone: 26 before extractor choice, 13 after, 10 with the rule
fixes above, 9 with the text dumps' rule fixes too, 8 with the unproven rules left out, 7 with the dropped headings
and lists put back, 5 with merged_block. May fall, never rise."""
MARGIN = 0.05
HALVES_WITHIN = 0.01
"""Even and odd page ids are scored apart: a change tuned on one half must hold on the other."""


def _page_f1(scorer: ModuleType, gold: str, text: str) -> float:
    p, r = scorer.doc_scores(gold, text)
    p, r = p or 0.0, r or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


@pytest.fixture(scope="module")
def wcxb() -> tuple[ModuleType, dict[str, str], dict[str, str], dict[str, str]]:
    """The scorer, the gold bodies, wirewash's texts and trafilatura alone's texts of every wcxb-dev page."""
    import trafilatura

    folder = shared_path("evaldata", "wcxb-dev")
    scorer = extraction_scorer()
    gold = scorer.load_gold(folder / "ground-truth.json")
    ours: dict[str, str] = {}
    alone: dict[str, str] = {}
    logging.disable(logging.WARNING)  # trafilatura warns about every page it finds empty
    try:
        for path in sorted(Path(folder, "html").glob("*.html.gz")):
            doc_id = path.name.split(".", 1)[0]
            html, _ = decode_bytes(gzip.decompress(path.read_bytes()))
            html = html.replace("\r\n", "\n").replace("\r", "\n")
            ours[doc_id] = extract_html(doc_id, path.name, "wcxb", html).text
            alone[doc_id] = trafilatura.extract(html, include_comments=False) or ""
    finally:
        logging.disable(logging.NOTSET)
    assert len(ours) == len(gold) == 709
    return scorer, gold, ours, alone


def test_wcxb_never_worse_than_trafilatura_alone(wcxb: tuple[ModuleType, dict[str, str], dict[str, str], dict[str, str]]) -> None:
    scorer, gold, ours, alone = wcxb
    f1_ours, f1_alone = macro_f1(scorer, gold, ours), macro_f1(scorer, gold, alone)
    assert f1_ours >= WCXB_F1_FLOOR, f"wcxb-dev HTML F1 {f1_ours:.4f} fell below the floor {WCXB_F1_FLOOR}"
    assert f1_ours >= f1_alone, f"wirewash {f1_ours:.4f} < trafilatura alone {f1_alone:.4f}"


def test_wcxb_pages_below_trafilatura_alone(wcxb: tuple[ModuleType, dict[str, str], dict[str, str], dict[str, str]]) -> None:
    scorer, gold, ours, alone = wcxb
    below = sorted(doc_id for doc_id, body in gold.items()
                   if _page_f1(scorer, body, ours[doc_id]) < _page_f1(scorer, body, alone[doc_id]) - MARGIN)
    assert len(below) <= WCXB_MAX_BELOW, f"{len(below)} pages more than {MARGIN} F1 below trafilatura alone: {below}"


def test_wcxb_halves_agree(wcxb: tuple[ModuleType, dict[str, str], dict[str, str], dict[str, str]]) -> None:
    scorer, gold, ours, _ = wcxb
    even = macro_f1(scorer, {k: v for k, v in gold.items() if int(k) % 2 == 0}, ours)
    odd = macro_f1(scorer, {k: v for k, v in gold.items() if int(k) % 2 == 1}, ours)
    assert abs(even - odd) <= HALVES_WITHIN, f"even ids {even:.4f}, odd ids {odd:.4f}"
