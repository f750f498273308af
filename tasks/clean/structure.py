"""The article's headings and lists that trafilatura's fallback leaves out, put back between its paragraphs.

trafilatura finds an article's container by its markup (its ``BODY_XPATH``:
``<article>``, classes such as ``post-content`` or ``entry``). On a page whose
container it does not recognise (a site builder's ``w-richtext``, a plain
``<div>``), it falls back to collecting the page's loose text, and that
fallback keeps paragraphs, quotations and code, never headings or lists: an
FAQ loses its questions, a guide its section titles and every bulleted step,
on any site and in any language.

The evidence is the page's own structure, read before the cascade prunes the
tree (:func:`outline_containers`): a container holding three or more of the
paragraphs trafilatura kept, with headings (``<h2>``–``<h6>``) or lists
(``<ul>``, ``<ol>``) as siblings *between* those paragraphs. Where
trafilatura kept **none** of those headings and lists, it dropped them as a
kind, not one by one on their merits, and :func:`restore_structure` puts them
back in place: each heading as a line, each list item as a ``- `` line (as
trafilatura writes list items).

Leaves alone:

* a container where trafilatura kept at least one of its headings or lists
  between the paragraphs: it read the container, and what it dropped it
  dropped for a reason (a list of links, a heading of a promo box);
* headings and lists before the first or after the last kept paragraph
  (a page's header, a closing "Related posts" list: other rules' ground);
* a heading or list item that is mostly link text (a table of contents, a
  teaser), and a list item holding a picture (a gallery's slide, whose text
  is a caption);
* ``<h1>``: the page's title, which metadata reads.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

MIN_PARAGRAPHS = 3
"""A container must hold at least this many kept paragraphs to show where the article is."""
PROBE_CHARS = 40
MIN_PROBE_CHARS = 20
"""A paragraph is matched to an extracted line by its first ``PROBE_CHARS`` characters, folded; shorter than
``MIN_PROBE_CHARS`` it could match a label anywhere, and is not used."""
LINK_SHARE = 0.5
"""A heading or list item at least this share link text is navigation (a table of contents, a teaser), not the article's."""
LIST_MARK = "- "
"""How trafilatura's text renderer starts a list item."""
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_PICTURES = ("img", "picture", "figure", "video")


@dataclass(frozen=True)
class Block:
    """One child of a container: a paragraph (its probe) or a heading or list (its lines, with their link share)."""

    probe: str | None
    lines: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Outline:
    """The children of one container that holds paragraphs and headings or lists, in the page's order."""

    blocks: tuple[Block, ...]


def fold(text: str) -> str:
    """Whitespace folded, lower case: how a paragraph and an extracted line are compared."""
    return " ".join(text.split()).lower()


def outline_containers(tree: Any) -> list[Outline]:
    """The outlines of the page's containers with at least ``MIN_PARAGRAPHS`` paragraph children.

    Those without headings or lists are outlined too: they say where else
    trafilatura's paragraphs came from. Read before trafilatura prunes the
    tree in place; a few dozen elements on a news page."""
    counts = Counter(parent for p in tree.iter("p") if (parent := p.getparent()) is not None)
    return [Outline(tuple(block for child in container if (block := _block(child)) is not None))
            for container, count in counts.items() if count >= MIN_PARAGRAPHS]


def _block(child: Any) -> Block | None:
    if child.tag == "p":
        probe = fold(child.text_content())[:PROBE_CHARS]
        return Block(probe if len(probe) >= MIN_PROBE_CHARS else None)
    if child.tag in _HEADINGS:
        return Block(None, _lines([child], ""))
    if child.tag in _LISTS:
        items = [item for item in child.iterchildren("li") if next(item.iter(*_PICTURES), None) is None]
        return Block(None, _lines(items, LIST_MARK))
    return None


def _lines(elements: list[Any], mark: str) -> tuple[tuple[str, float], ...]:
    """Each element's text, whitespace folded, with its link share; empty and mostly linked ones left out."""
    out = []
    for element in elements:
        text = " ".join(element.text_content().split())
        visible = len(text.replace(" ", ""))
        if not visible:
            continue
        linked = sum(len("".join(link.text_content().split())) for link in element.iter("a"))
        if linked < LINK_SHARE * visible:
            out.append((mark + text, linked / visible))
    return tuple(out)


def restore_structure(texts: list[str], outlines: list[Outline]) -> dict[int, tuple[tuple[str, float], ...]]:
    """The headings and list items to put back, by the index of the extracted line they follow (see the module).

    ``texts`` are the extracted lines; the outline holding most of the
    paragraphs they match is the article's container, if it holds at least
    ``MIN_PARAGRAPHS`` of them and half of all the containers' paragraphs they
    match."""
    index = {}
    for i, text in enumerate(texts):
        probe = fold(text)[:PROBE_CHARS]
        if len(probe) >= MIN_PROBE_CHARS:
            index.setdefault(probe, i)
    matched = [(outline, [index.get(block.probe) if block.probe else None for block in outline.blocks])
               for outline in outlines]
    total = len({i for _, where in matched for i in where if i is not None})
    best = max(matched, key=lambda pair: sum(i is not None for i in pair[1]), default=None)
    if best is None:
        return {}
    outline, where = best
    hits = [n for n, i in enumerate(where) if i is not None]
    if len(hits) < MIN_PARAGRAPHS or len(hits) < total / 2:
        return {}
    between = [block for block in outline.blocks[hits[0] + 1:hits[-1]] if block.lines]
    have = {fold(text.removeprefix(LIST_MARK)) for text in texts}
    if not between or any(fold(line.removeprefix(LIST_MARK)) in have for block in between for line, _ in block.lines):
        return {}
    restored: dict[int, tuple[tuple[str, float], ...]] = {}
    after = where[hits[0]]
    for block, i in zip(outline.blocks[hits[0]:hits[-1] + 1], where[hits[0]:hits[-1] + 1]):
        if i is not None:
            after = i
        elif block.lines:
            restored[after] = restored.get(after, ()) + block.lines
    return restored
