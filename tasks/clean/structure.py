"""The article's headings and lists that trafilatura's fallback leaves out, put back between its paragraphs.

trafilatura finds an article's container by its markup (its ``BODY_XPATH``:
``<article>``, classes such as ``post-content`` or ``entry``). On a page whose
container it does not recognise (a site builder's ``w-richtext``, a plain
``<div>``, sections streamed in separate boxes), it falls back to collecting
the page's loose text, and that fallback keeps paragraphs, quotations and
code, never headings or lists: an FAQ loses its questions, a guide its
section titles and every bulleted step, on any site and in any language.

The evidence is the page's own order, read before the cascade prunes the tree
(:func:`outline_page`: its paragraphs, headings and lists in document order).
Where two paragraphs trafilatura kept one after the other stand in the page
with only headings (``<h2>``–``<h6>``) or lists (``<ul>``, ``<ol>``) between
them, those sat inside the text trafilatura read without a break. Where it
kept **none** of the headings and lists standing between any two of its
paragraphs (with no other paragraph between them in the page), it dropped
them as a kind, not one by one on their merits, and :func:`restore_structure`
puts back those between consecutive lines in place: each heading as a line,
each list item as a ``- `` line (as trafilatura writes list items).

Leaves alone:

* a page where trafilatura kept at least one heading or list standing between
  two of its paragraphs: it read the article's container, and what it
  dropped it dropped for a reason;
* headings and lists between paragraphs the page does not hold next to each
  other (another paragraph, kept or not, stands between them), or before the
  first or after the last kept paragraph (a header, a closing list of posts);
* a gap holding navigation: a heading, list or paragraph inside ``<nav>``,
  ``<header>``, ``<footer>``, ``<aside>``, ``<figure>`` or a link that holds
  none of the kept paragraphs (one that does is no chrome: a ``<header>``
  left open around the whole page), or a heading or list item mostly link
  text ("Related" over a list of stories, a table of contents): the whole gap
  is a box of links, its heading too (``<form>`` is not chrome: ASP.NET
  pages hold the whole page in one);
* list items holding a picture (a gallery's slide, whose text is a caption)
  or no letter at all (a pager's numbers); a list whose items hold
  paragraphs (those are read as paragraphs);
* ``<h1>``: the page's title, which metadata reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wirewash.tasks.clean.extractor_choice import CHROME_TAGS, LINK_SHARE, link_chars
from wirewash.tasks.clean.source_map import LIST_MARK

PROBE_CHARS = 40
MIN_PROBE_CHARS = 20
"""A paragraph is matched to an extracted line by its first ``PROBE_CHARS`` characters, folded; shorter than
``MIN_PROBE_CHARS`` it could match a label anywhere, and is not used."""
PARAGRAPH, STRUCTURE, NAVIGATION = "paragraph", "structure", "navigation"
"""The kinds of :class:`Block`."""
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
_LISTS = ("ul", "ol")
_CHROME = CHROME_TAGS | {"a"}
_PICTURES = ("img", "picture", "figure", "video")
_PROBE_RAW_CHARS = 10 * PROBE_CHARS
_VISIBLE_TEXT = ".//text()[not(ancestor::script) and not(ancestor::style)]"


@dataclass(frozen=True)
class Block:
    """A paragraph (its ``probe``), a heading or list (its ``lines``: text and link share), or navigation.

    ``chrome`` numbers the page-chrome elements (``<nav>``, ``<aside>``, a link…) around the block: all of them
    around a paragraph, the nearest around a heading or list."""

    kind: str
    probe: str | None = None
    lines: tuple[tuple[str, float], ...] = ()
    chrome: tuple[int, ...] = ()


def fold(text: str) -> str:
    """Whitespace folded, lower case: how a paragraph and an extracted line are compared."""
    return " ".join(text.split()).lower()


def outline_page(tree: Any) -> tuple[Block, ...]:
    """The page's paragraphs, headings and lists in document order (see the module for what counts as navigation).

    Read before trafilatura prunes the tree in place."""
    chrome: dict[Any, tuple[int, ...]] = {}  # the chrome around each block, outermost first
    for number, element in enumerate(tree.iter(*_CHROME)):
        for inside in element.iter("p", *_HEADINGS, *_LISTS):
            chrome[inside] = chrome.get(inside, ()) + (number,)
    nested = {inside for element in tree.iter(*_LISTS) for inside in element.iter(*_HEADINGS, *_LISTS)
              if inside is not element}  # read with the list they are in
    blocks: list[Block] = []
    for element in tree.iter("p", *_HEADINGS, *_LISTS):
        around = chrome.get(element, ())
        if element.tag == "p":
            probe = _probe(element.text_content())
            blocks.append(Block(PARAGRAPH, probe if len(probe) >= MIN_PROBE_CHARS else None, chrome=around))
        elif element not in nested and not (element.tag in _LISTS and next(element.iter("p"), None) is not None):
            blocks.append(_structure(element, around[-1:]))  # a list of paragraphs is read as paragraphs
    return tuple(blocks)


def _probe(text: str) -> str:
    """The folded first ``PROBE_CHARS`` characters of a text (a long paragraph is not folded whole for them)."""
    probe = fold(text[:_PROBE_RAW_CHARS])[:PROBE_CHARS]
    return probe if len(probe) == PROBE_CHARS or len(text) <= _PROBE_RAW_CHARS else fold(text)[:PROBE_CHARS]


def _structure(element: Any, chrome: tuple[int, ...]) -> Block:
    """A heading's or list's lines, or navigation if one of them is mostly link text."""
    if element.tag in _LISTS:
        pieces = [item for item in element.iterchildren("li") if next(item.iter(*_PICTURES), None) is None]
        mark = LIST_MARK
    else:
        pieces, mark = [element], ""
    lines = []
    for piece in pieces:
        code = next(piece.iter("script", "style"), None) is not None  # rare: text_content() would read the code
        text = " ".join((" ".join(piece.xpath(_VISIBLE_TEXT)) if code else piece.text_content()).split())
        visible = len(text.replace(" ", ""))
        if not visible or not any(char.isalpha() for char in text):
            continue
        linked = link_chars(piece)
        if linked >= LINK_SHARE * visible:
            return Block(NAVIGATION, chrome=chrome)
        lines.append((mark + text, linked / visible))
    return Block(STRUCTURE, lines=tuple(lines), chrome=chrome)


def restore_structure(texts: list[str], blocks: tuple[Block, ...]) -> dict[int, tuple[tuple[str, float], ...]]:
    """The headings and list items to put back, by the index of the extracted line they follow (see the module).

    ``texts`` are the extracted lines, ``blocks`` the page's outline."""
    index: dict[str, int] = {}
    for i, text in enumerate(texts):
        probe = _probe(text)
        if len(probe) >= MIN_PROBE_CHARS:
            index.setdefault(probe, i)
    lines = [index.get(block.probe) if block.kind == PARAGRAPH and block.probe else None for block in blocks]
    # chrome that holds a kept paragraph is not chrome (a <header> left open around the whole page)
    read = {number for block, line in zip(blocks, lines) if line is not None for number in block.chrome}
    gaps: list[tuple[int, int, list[Block]]] = []  # (line before, line after, the blocks between)
    previous: int | None = None  # the extracted line of the last paragraph, while no other paragraph stood after it
    between: list[Block] = []
    for block, line in zip(blocks, lines):
        if line is None and not read.issuperset(block.chrome):  # inside chrome no kept paragraph is in
            between.append(Block(NAVIGATION))
            continue
        if block.kind != PARAGRAPH:
            between.append(block)
            continue
        if line is not None and previous is not None and between:
            gaps.append((previous, line, between))
        if line is not None or block.probe is not None:
            previous, between = line, []
    pieces = {before: tuple(piece for block in found for piece in block.lines) for before, after, found in gaps
              if after == before + 1 and all(block.kind == STRUCTURE for block in found)}
    restoring = {before: found for before, found in pieces.items() if found}
    have = {fold(text.removeprefix(LIST_MARK)) for text in texts}
    if any(fold(text.removeprefix(LIST_MARK)) in have
           for _, _, found in gaps for block in found for text, _ in block.lines):
        return {}
    return restoring
