"""Line features the cleaner's rules read: shape, sentence form, stopword density.

All features are language-aware in the cheap way: words are ``\\w+`` runs
(CJK characters count as half a word each, since those scripts write no
spaces), and stopword density uses jusText's stoplists for whichever language
the document's words match best, so Russian or Portuguese prose scores like
English prose does.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

WORD_RE = re.compile(r"\w+", re.UNICODE)
# No paragraph of prose runs this long on one line: such a line is a data blob or a
# broken dump, removed by the shape.oversize-line rule without running the other rules.
MAX_LINE_CHARS = 20_000
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# a closing quote ends a sentence only after sentence punctuation: 'Allegations are "not credible"' is a headline
_SENTENCE_END_RE = re.compile(r"(?:[.!?…。！？]|[.!?…,][\"'”’»)\]]+|:)$")
_INNER_SENTENCE_RE = re.compile(r"([^\W\d_]{2,})[.!?]\s+[^\W\d_]")
# a period after these ends an abbreviation, not a sentence ("St. Paul police chief …")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr vs no gov sen rep gen col lt sgt capt prof inc corp co ltd mt ft ave blvd rev hon "
    "jan feb mar apr jun jul aug sep sept oct nov dec est approx dept univ".split()
)
_LANGUAGES = (
    "English", "German", "French", "Spanish", "Portuguese", "Italian", "Dutch", "Russian", "Ukrainian",
    "Polish", "Czech", "Swedish", "Danish", "Norwegian_Bokmal", "Finnish", "Turkish", "Indonesian",
    "Romanian", "Hungarian", "Greek", "Korean", "Catalan", "Croatian", "Serbian", "Bulgarian", "Vietnamese",
)


@lru_cache(maxsize=1)
def _stoplists() -> dict[str, frozenset[str]]:
    import justext  # jusText ships curated stoplists for 100 languages; trafilatura already depends on it

    return {lang: frozenset(justext.get_stoplist(lang)) for lang in _LANGUAGES}


@lru_cache(maxsize=1)
def all_stopwords() -> frozenset[str]:
    """Every stopword of every stoplist loaded: a language-blind test of "is this a common word"."""
    return frozenset().union(*_stoplists().values())


def count_words(text: str) -> int:
    """Words in ``text``: ``\\w+`` runs, with each pair of CJK characters counted as one word."""
    cjk = len(_CJK_RE.findall(text))
    if not cjk:
        return len(WORD_RE.findall(text))
    return len(WORD_RE.findall(_CJK_RE.sub(" ", text))) + (cjk + 1) // 2


STOPLIST_SAMPLE_WORDS = 5000
"""The language is judged on a document's first this many words."""


def pick_stoplist(texts: list[str]) -> frozenset[str]:
    """The stoplist of the language whose stopwords cover most of ``texts``' first words (ties: the language
    listed first; none when no word is a stopword). Each distinct word is counted once and looked up once."""
    counts: Counter[str] = Counter()
    left = STOPLIST_SAMPLE_WORDS
    for text in texts:
        if left <= 0:
            break
        found = WORD_RE.findall(text)[:left]
        counts.update(map(str.lower, found))
        left -= len(found)
    stoplists, languages_of = _stopword_languages()
    hits = [0] * len(stoplists)
    for word, count in counts.items():
        for language in languages_of.get(word, ()):
            hits[language] += count
    best_hits = max(hits, default=0)
    return stoplists[hits.index(best_hits)] if best_hits > 0 else frozenset()


@lru_cache(maxsize=1)
def _stopword_languages() -> tuple[tuple[frozenset[str], ...], dict[str, tuple[int, ...]]]:
    """The stoplists in their order, and for each stopword the places of the stoplists holding it: a document's
    distinct words are looked up once each, rather than each stoplist met with them (that was 17% of text
    cleaning's CPU)."""
    stoplists = tuple(_stoplists().values())
    languages_of: dict[str, list[int]] = {}
    for place, stoplist in enumerate(stoplists):
        for word in stoplist:
            languages_of.setdefault(word, []).append(place)
    return stoplists, {word: tuple(places) for word, places in languages_of.items()}


@dataclass(frozen=True)
class LineView:
    """One non-blank raw line and the features rules read from it."""

    number: int
    text: str
    words: int
    stop_density: float
    sentence_end: bool
    inner_sentence: bool
    glued_prev: bool
    glued_next: bool
    last: int = 0  # the last raw line of a hard-wrapped paragraph joined into this view; 0: just ``number``

    @property
    def end(self) -> int:
        """The last raw line this view covers."""
        return self.last or self.number

    @property
    def is_prose(self) -> bool:
        """Reads like a sentence of running text: long enough, ends like a sentence or is dense with stopwords."""
        if self.words >= 10 and (self.sentence_end or self.inner_sentence) and self.stop_density >= 0.15:
            return True
        if self.words >= 12 and self.text.count(",") + self.text.count(";") >= 2:
            return True  # an enumeration written as running text (ingredients, results, line-ups)
        return self.words >= 20 and self.stop_density >= 0.25

    @property
    def is_headline_shaped(self) -> bool:
        """Short-to-medium text with no sentence end and no sentence break inside: a heading or a link."""
        return 3 <= self.words <= 30 and not self.text.endswith(".") and not self.inner_sentence


def is_invisible(text: str) -> bool:
    """True for a line of only whitespace and format characters (zero-width spaces, joiners, BOMs, soft
    hyphens): blank to a reader, though ``str.strip`` keeps it. Page builders leave such lines between
    paragraphs; read as text they would split the story."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def view_lines(lines: list[str], stoplist: frozenset[str], raw_lines: list[str] | None = None) -> list[LineView]:
    """Features for every non-blank line (``lines`` is the whole file, already repaired).

    Blankness is judged on ``raw_lines`` when given, so a line that repair
    emptied (only control characters) still gets a decision in provenance.
    """
    views: list[LineView] = []
    originals = raw_lines if raw_lines is not None else lines
    last = len(lines)
    for index, line in enumerate(lines):
        if not originals[index].strip():
            continue
        text = line.strip() or originals[index].strip()
        if len(text) > MAX_LINE_CHARS:  # a blob: removed whole, so only its size matters
            views.append(LineView(index + 1, text, text.count(" ") + 1, 0.0, False, False, False, False))
            continue
        views.append(_view(index + 1, text, stoplist, index > 0 and not is_invisible(originals[index - 1]),
                           index + 1 < last and not is_invisible(originals[index + 1])))
    return views


def _has_inner_sentence(text: str) -> bool:
    """A sentence ends inside the text and another begins (abbreviations such as "St." do not count)."""
    return next(_sentence_breaks(text), None) is not None  # the first will do: every line of a page is read


def count_sentence_breaks(text: str) -> int:
    """How many times a sentence ends inside the text and another begins ("St." and other abbreviations do not
    count): a line with two breaks has three sentences."""
    return sum(1 for _ in _sentence_breaks(text))


def _sentence_breaks(text: str) -> Iterator[re.Match[str]]:
    return (match for match in _INNER_SENTENCE_RE.finditer(text) if match.group(1).lower() not in _ABBREVIATIONS)


def _view(number: int, text: str, stoplist: frozenset[str], glued_prev: bool, glued_next: bool, last: int = 0) -> LineView:
    tokens = [w.lower() for w in WORD_RE.findall(text)]
    stops = sum(map(stoplist.__contains__, tokens))
    return LineView(
        number=number,
        text=text,
        words=count_words(text),
        stop_density=stops / len(tokens) if tokens else 0.0,
        sentence_end=bool(_SENTENCE_END_RE.search(text)),
        inner_sentence=_has_inner_sentence(text),
        glued_prev=glued_prev,
        glued_next=glued_next,
        last=last,
    )


_WRAP_MIN_CHARS = 40  # a wrapped line (all but a paragraph's last) is at least this long
_WRAP_WIDTH_SPREAD = 1.6  # and the wrapped lines of one block are of about one width
_OPEN_END_RE = re.compile(r"[\w,;–—-]$")  # a line that stops mid-sentence
_LOWER_START_RE = re.compile(r"^[^\W\d_]", re.UNICODE)


def _is_hard_wrapped(block: list[LineView]) -> bool:
    """A block of glued lines that is one paragraph broken at a fixed width, not a list or a menu.

    All lines but the last are long and of about one width, and at least one
    of them stops mid-sentence with the next going on in lowercase ("…, won
    the" / "to her Instagram page…"). Lists of headlines, menus and tables
    fail the width or the lowercase test.
    """
    if len(block) < 2:
        return False
    wrapped = [len(view.text) for view in block[:-1]]
    if min(wrapped) < _WRAP_MIN_CHARS or max(wrapped) > _WRAP_WIDTH_SPREAD * min(wrapped):
        return False
    return any(_OPEN_END_RE.search(a.text) and _LOWER_START_RE.match(b.text) and b.text[0].islower()
               for a, b in zip(block, block[1:]))


_LINK_SPLIT_MIN_WORDS = 10
_CLOSED_END_RE = re.compile(r"[.!?…][\"'”’»)\]]*$")


def _is_link_split(block: list[LineView], stoplist: frozenset[str]) -> bool:
    """A sentence the page broke at its links, one line per piece ("…outpacing the" / "Dow Jones
    Industrial Average" / "and" / "S&P 500" / "over the same span.").

    Only the last piece ends the sentence, and every break falls mid-sentence: the line before it
    ends in a stopword ("the", "and") or the line after it goes on in lowercase. A menu or a list of
    items has breaks after whole names, each next item capitalised, and no sentence end.
    """
    if len(block) < 2 or not _CLOSED_END_RE.search(block[-1].text):
        return False
    if sum(view.words for view in block) < _LINK_SPLIT_MIN_WORDS:
        return False  # "Follow me on" / "Twitter" / "or" / "LinkedIn." closes a bio, no story sentence
    for a, b in pairwise(block):
        if _CLOSED_END_RE.search(a.text) or a.text.endswith(":"):
            return False
        last = WORD_RE.findall(a.text)
        # a lowercase stopword: "… of May" ends a heading, "… outpacing the" a piece of a sentence
        if not ((last and last[-1].islower() and last[-1] in stoplist) or b.text[0].islower()):
            return False
    return True


def join_wrapped_lines(views: list[LineView], stoplist: frozenset[str]) -> list[LineView]:
    """Join each hard-wrapped paragraph (see :func:`_is_hard_wrapped`) or link-split sentence
    (:func:`_is_link_split`) into one view over its lines.

    Some scrapes keep a page's fixed-width line breaks, so one paragraph
    spans several lines and no single line reads as a sentence. The joined
    view covers lines ``number``..``last``; every one of them shares its
    decision in provenance.
    """
    out: list[LineView] = []
    block: list[LineView] = []

    def join(run: list[LineView]) -> LineView:
        text = " ".join(view.text for view in run)
        return _view(run[0].number, text, stoplist, run[0].glued_prev, run[-1].glued_next, run[-1].number)

    def flush() -> None:
        if _is_hard_wrapped(block) or _is_link_split(block, stoplist):
            out.append(join(block))
        elif len(block) >= 3 and _is_hard_wrapped(block[1:]):
            # a short label or link glued above a wrapped paragraph ("Photos" / "which were released …")
            out.extend([block[0], join(block[1:])])
        else:
            out.extend(block)
        block.clear()

    for view in views:
        if block and not (block[-1].glued_next and view.number == block[-1].number + 1 and len(view.text) <= MAX_LINE_CHARS):
            flush()
        block.append(view)
    flush()
    return out
