"""The page's top node: the container whose paragraphs hold most of its common words (a goose-style opinion).

trafilatura's extractors decide by markup: class names, tag kinds, link
density, the length of text in a box. On some layouts that prunes the article
itself — a "key takeaways" box, an FAQ written as accordions, a product
rundown, a page whose markup wraps everything in a popup — or keeps a sidebar
the markup does not name as one. Prose gives another opinion, one that reads
no class name: an article's paragraphs are full of the language's common
words ("the", "of", "und", "de"), and menus, cards, captions and link lists
are not (goose's and newspaper's measure of a paragraph).

:func:`best_nodes` scores every paragraph (``<p>``, ``<pre>``, ``<td>``) by
its **stopwords**, with jusText's stoplist of the language whose stopwords
cover the page's paragraphs best
(:func:`wirewash.tasks.clean.lines.pick_stoplist`: not English only), and
credits them to the paragraph's parent and, half, to its grandparent. The
container with the highest score is the top node; its siblings that hold at
least ``SIBLING_SHARE`` of its prose (the article's other sections, in boxes
of their own) or are such paragraphs themselves join it, in page order.

Leaves out, as not the article's prose: paragraphs with fewer than
``MIN_STOPWORDS`` stopwords (labels, prices, bylines), paragraphs mostly link
text (``LINK_SHARE``: a menu, a teaser), and reader comment sections (the
containers trafilatura itself prunes as comments). It reads the tree and
never changes it.

The caller (:mod:`wirewash.tasks.clean.html_trafilatura`) asks it only where
trafilatura's fast pass is already doubted, and takes its text only where it
agrees clearly better with the page's long paragraphs and adds text
(:mod:`wirewash.tasks.clean.extractor_choice`): on most pages trafilatura's
reading of the markup is the better one, since one container also holds its
share of bylines, share bars and calls to action.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from wirewash.tasks.clean.extractor_choice import comment_test, link_chars
from wirewash.tasks.clean.lines import WORD_RE, pick_stoplist

MIN_STOPWORDS = 3
"""A paragraph with fewer stopwords than this is a label, a price or a byline, not prose (goose's threshold)."""
LINK_SHARE = 0.5
"""A paragraph at least this share link text (of its visible characters) is navigation or a teaser."""
SIBLING_SHARE = 0.2
"""A sibling of the top node joins it when its paragraphs hold at least this share of the top node's stopwords."""
STOPLIST_SAMPLE = 300
"""The language is read from the page's first this many paragraphs (enough words, and cheap)."""
_PARAGRAPH_TAGS = ("p", "pre", "td")


def best_nodes(tree: Any) -> list[Any]:
    """The top node of ``tree`` and the siblings that join it, in page order (empty where no paragraph is prose)."""
    stoplist = pick_stoplist([p.text_content() for _, p in zip(range(STOPLIST_SAMPLE), tree.iter("p"))])
    paragraphs = prose_paragraphs(tree, stoplist)
    scores: dict[Any, float] = defaultdict(float)
    held: dict[Any, int] = defaultdict(int)
    for element, stops in paragraphs.items():
        parent = element.getparent()
        if parent is None:
            continue
        scores[parent] += stops
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] += stops / 2
        for ancestor in element.iterancestors():
            held[ancestor] += stops
    if not scores:
        return []
    # of equal scores, the one credited first: the same page always gives the same node
    top = max(scores, key=scores.__getitem__)
    parent = top.getparent()
    if parent is None:
        return [top]
    return [sibling for sibling in parent if isinstance(sibling.tag, str) and (
            sibling is top or sibling in paragraphs or held.get(sibling, 0) >= SIBLING_SHARE * held[top])]


def prose_paragraphs(tree: Any, stoplist: frozenset[str]) -> dict[Any, int]:
    """Each paragraph of prose in ``tree`` (page order) with its count of stopwords (see the module docstring)."""
    in_comments = comment_test(tree)
    out: dict[Any, int] = {}
    for element in tree.iter(_PARAGRAPH_TAGS):
        text = element.text_content()
        stops = _stopwords(WORD_RE.findall(text.lower()), stoplist)
        if stops < MIN_STOPWORDS:
            continue
        if link_chars(element) >= LINK_SHARE * _visible(text) or any(in_comments(a) for a in element.iterancestors()):
            continue
        out[element] = stops
    return out


def _stopwords(words: Iterable[str], stoplist: frozenset[str]) -> int:
    return sum(1 for word in words if word in stoplist)


def _visible(text: str) -> int:
    return len("".join(text.split()))
