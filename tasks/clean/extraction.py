"""Extraction: HTML pages through trafilatura, then through the same clutter rules as text.

trafilatura finds the article region of a page far better than any rule over
flattened text can, so HTML takes that road:

1. **One trafilatura pass** (fast mode: no second opinion from readability or
   jusText, which costs as much again and on news pages rarely helps) with
   links kept in the extracted tree, so that every extracted line knows how
   much of its text is link text; the page's metadata (title, author, date,
   URL, site name) comes from trafilatura's metadata functions on the same
   parsed tree. When that pass returns next to nothing, one run-on line
   that is mostly not sentences (a menu and the story flattened together),
   or under half of the page's long paragraphs (it took one box of the page,
   not the article), trafilatura's full cascade gets a second try, and the
   extraction that agrees better with the page's long paragraphs is kept
   (:mod:`wirewash.tasks.clean.extractor_choice`; its lines are kept as ``body.full-cascade``).
2. **Line rules** (``tasks/clean/rules.py``): captions, credits, promo, "read more"
   lines still leak through extraction, and each extracted line meets the
   same catalog as text input. Two rules are left out for HTML because they
   read artefacts of *flattened* text: a headline glued to its teaser
   (``related.glued-teaser``: in HTML, glued words come from inline markup
   inside real paragraphs) and a bare URL line (``source-url.line``: in a
   text dump it is the scrape's address, in an article body it is content).
3. **Link lists** (``related.list``): two or more neighbouring short lines
   that are nearly all link text are a list of other stories (related links,
   tag clouds), wherever trafilatura left them.
4. **The headline** (``title.headline``): an extracted line repeating the
   page title (or the title without the site's name after a separator) is
   the headline, recorded as the title, not kept as text; so is an
   unpunctuated first line right above the story's first paragraph.
5. **Position**: the story runs from its first to its last paragraph of
   prose. Before it, a bare URL line is the page's address
   (``source-url.line``) and an unpunctuated line right under the headline
   is the standfirst (``dek.standfirst``). After it, linked list items are
   teasers of other stories (``related.list``), and once a footer rule
   (legal, promo, comments, related…) has fired there, the rest is page
   footer (``zone.footer``). A copyright notice right after a paragraph of
   the story is the story's own closing line (a wire story's notice) and is
   kept; elsewhere ``legal.copyright`` removes it.

6. **Back-off** (``guard.back-off``): when the rules that decide by shape
   and position alone (link lists, the footer, inline teasers) would remove
   more than half of what trafilatura kept, they have misread the page's
   layout; the lines they would remove are kept instead.

Provenance points at the HTML source line where each extracted line's text
begins; every other non-blank source line is recorded as markup trafilatura
left out (``extract.outside-article``); :mod:`wirewash.tasks.clean.source_map` finds those lines.
"""
from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from wirewash.tasks.clean.lines import count_words
from wirewash.tasks.clean.metadata import parse_author, parse_copyright_holder, parse_date
from wirewash.tasks.records import Action, Document, Paragraph, Segment
from wirewash.tasks.clean.extractor_choice import can_referee, long_paragraphs, referee, under_covered
from wirewash.tasks.read.repair import repair_lines
from wirewash.tasks.clean.rules import LINE_RULES, RULES, Rule, rule_view
from wirewash.tasks.clean.source_map import LIST_MARK, cover_source, locate_lines

if TYPE_CHECKING:
    from wirewash.tasks.read.intake import RawText

_URLISH_RE = re.compile(r"^\S*(?:https?://|www\.|@)\S*$")
_SENTENCE_END_RE = re.compile(r"[.!?…。！？](?:[\"'”’»)\]]*)(?:\s|$)")
LINK_LIST_RULE = "related.list"
TITLE_RULE = "title.headline"
COPYRIGHT_RULE = "legal.copyright"
SOURCE_URL_RULE = "source-url.line"
DEK_RULE = "dek.standfirst"
FOOTER_RULE = "zone.footer"
INLINE_TEASER_RULE = "related.inline"
BODY_RULE = "body.paragraph"
BACK_OFF_RULE = "guard.back-off"
FULL_CASCADE_RULE = "body.full-cascade"
_TITLE_SEP_RE = re.compile(r"\s*[|–—:-]\s")  # between a headline and the site's name in a page title
_ADDRESS_RE = re.compile(r"https?://|www\.|@\w|\.(?:com|org|net|co\.uk)\b", re.IGNORECASE)  # headlines carry no addresses
_BARE_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$")
HTML_SKIPPED_RULES = frozenset({"related.glued-teaser", "source-url.line"})
"""Line rules that read artefacts of flattened text, not of extracted HTML (see the module docstring)."""

LINK_SHARE = 0.75
"""A line whose visible characters are at least this share link text is a link (card, tag, teaser)."""
LINK_MAX_WORDS = 15
"""Longer link lines are prose that happens to be linked (a deal description, a quoted source)."""
LINK_RUN = 2
"""This many neighbouring link lines make a link list."""
TEASER_LINK_SHARE = 0.2
"""A list item at least this share link text is a story card: a linked headline with its blurb."""
PROSE_MAX_LINK_SHARE = 0.5
"""A line at least this share link text is not a paragraph of the story, however long."""
HEADLINE_WITHIN = 3
"""The headline line counts for the standfirst rule only among the first lines extracted."""
DEK_MIN_WORDS = 4
"""A standfirst is a summary, not a label: at least this many words."""
AUTHOR_MAX_WORDS = 8
"""An author or byline element longer than this is a bio or a card, not a name."""
TITLE_MIN_CHARS = 16
"""A line shorter than this that begins the page title is a word or two of it, not the headline."""
HEADLINE_MAX_WORDS = 25
"""An unpunctuated first line right above the story's first paragraph is its headline up to this many words."""
SHOUT_SHARE = 0.8
SHOUT_MIN_LETTERS = 10
"""A line with at least ``SHOUT_MIN_LETTERS`` upper-case letters, ``SHOUT_SHARE`` of its cased letters, is in capitals."""
FOOTER_CATEGORIES = frozenset({"legal", "comments", "promo", "related", "tags", "paywall", "cookie", "nav", "branding"})
"""Rule categories that, fired after the story's last paragraph, mark the start of the page footer."""
BACK_OFF_SHARE = 0.5
"""The bulk rules may remove up to this share of the extracted characters (the headline aside); beyond it they back
off. On aeb and wcxb-dev they remove at most 0.35 of a page, rightly: the guard is for layouts no rule was written for."""
BULK_RULES = frozenset({LINK_LIST_RULE, FOOTER_RULE, INLINE_TEASER_RULE})
"""The rules that decide by shape and position alone and can take many lines of a page at once."""
FALLBACK_CHARS = 500
"""Below this many extracted characters, trafilatura's full cascade gets a second try."""
RUN_ON_WORDS = 150
RUN_ON_WORDS_PER_SENTENCE = 60
"""A line of more than ``RUN_ON_WORDS`` words with fewer than one sentence end per this many words is run-on."""
RUN_ON_SHARE = 0.5
"""When run-on lines hold more than this share of the extracted text, trafilatura's full cascade gets a second try."""
FAST_PASS, FULL_CASCADE = "fast", "full"
"""The two extractions of :func:`run_trafilatura`: trafilatura's fast pass, and its full cascade."""

_OPEN, _CLOSE = "\u2983", "\u2984"  # printable brackets marking link text through trafilatura's renderer
_MARK_RE = re.compile(f"([{_OPEN}{_CLOSE}])")
_HTML_LINE_RULES: tuple[Rule, ...] = tuple(rule for rule in LINE_RULES if rule.id not in HTML_SKIPPED_RULES)
_LONGEST_RULE_WORDS = max(rule.max_words for rule in _HTML_LINE_RULES)
_RULES_BY_WORDS: tuple[tuple[Rule, ...], ...] = tuple(
    tuple(rule for rule in _HTML_LINE_RULES if rule.pattern is not None and rule.min_words <= count <= rule.max_words)
    for count in range(_LONGEST_RULE_WORDS + 1)
)
"""The line rules, in catalog order, that can catch a line of each word count."""
_RULE_AT = {rule.id: at for at, rule in enumerate(_HTML_LINE_RULES)}
_NOTICE_AT = _RULE_AT.get(COPYRIGHT_RULE)
"""Where the copyright rule stands in the order HTML line rules are tried (``None``: it is not tried)."""


def _author_xpath() -> Any:
    from lxml.etree import XPath

    # the same elements as //*[@itemprop="author" or ...], in document order, found from the attributes:
    # libxml2 then tests only elements that carry the attribute, not every element against every clause
    return XPath('//@itemprop[.="author"]/.. | //@rel[.="author"]/..'
                 ' | //@class[.="author" or .="byline" or contains(., "author-name") or contains(., "byline")]/..')


_AUTHOR_XPATH = _author_xpath()


class ExtractionError(RuntimeError):
    """trafilatura could not parse the page at all (the message says why)."""


@dataclass(frozen=True)
class ExtractedLine:
    """One line of trafilatura's text and the share of its visible characters that was link text."""

    text: str
    link_share: float = 0.0


@dataclass(frozen=True)
class Extraction:
    """What trafilatura found in a page: the article's lines and the page's metadata."""

    lines: tuple[ExtractedLine, ...]
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    cascade: str = "fast"
    """Which of trafilatura's extractions the lines come from: ``FAST_PASS`` or ``FULL_CASCADE``."""


def _fold(text: str) -> str:
    """``text`` in lower case, its whitespace runs folded to single spaces and its ends trimmed.

    ``str.split`` splits on exactly the characters ``\\s`` matches (those ``str.isspace`` accepts),
    so this is ``re.sub(r"\\s+", " ", text).strip().lower()`` at less than half the cost.
    """
    return " ".join(text.split()).lower()


# --- trafilatura --------------------------------------------------------------------------------


def _lines_with_link_share(body: Any) -> list[ExtractedLine]:
    """Render trafilatura's extracted tree as its own text output, measuring link text per line.

    Each link's text is wrapped in marker characters, the link elements are
    unwrapped (so the renderer writes plain text, not Markdown links), and
    trafilatura's own renderer produces the lines; the markers then say which
    characters of each line were link text, and are removed.
    """
    from lxml.etree import strip_tags
    from trafilatura.utils import sanitize_tree
    from trafilatura.xml import xmltotxt

    for ref in body.iter("ref"):
        ref.text = _OPEN + (ref.text or "")
        if len(ref):
            ref[-1].tail = (ref[-1].tail or "") + _CLOSE
        else:
            ref.text += _CLOSE
    strip_tags(body, "ref")
    sanitize_tree(body)
    out: list[ExtractedLine] = []
    for line in xmltotxt(body, False).split("\n"):
        if _OPEN not in line and _CLOSE not in line:
            text = " ".join(line.split())
            if text:
                out.append(ExtractedLine(text))
            continue
        inside = total = depth = 0
        for piece in _MARK_RE.split(line):
            if piece == _OPEN:
                depth += 1
            elif piece == _CLOSE:
                depth = max(0, depth - 1)
            else:
                visible = len("".join(piece.split()))
                total += visible
                inside += visible if depth else 0
        text = " ".join(line.replace(_OPEN, "").replace(_CLOSE, "").split())
        if text:
            out.append(ExtractedLine(text, inside / total if total else 0.0))
    return out


def _run_on_share(lines: list[ExtractedLine]) -> float:
    """The share of extracted characters in run-on lines: long lines that are mostly not sentences.

    trafilatura's fast mode sometimes takes a whole page region (menu, story
    and footer) as one block, which comes out as one enormous line with few
    sentence ends; real paragraphs, however long, end a sentence every few
    dozen words.
    """
    total = sum(len(line.text) for line in lines)
    if not total:
        return 0.0
    run_on = 0
    for line in lines:
        words = line.text.count(" ") + 1
        if words > RUN_ON_WORDS and words > RUN_ON_WORDS_PER_SENTENCE * max(1, len(_SENTENCE_END_RE.findall(line.text))):
            run_on += len(line.text)
    return run_on / total


def run_trafilatura(html: str, url: str | None = None) -> Extraction:
    """Extract the article lines and metadata of one page (see the module docstring, step 1)."""
    import trafilatura

    try:
        tree = trafilatura.load_html(html)
    except Exception as err:  # noqa: BLE001 - lxml raises several types on hostile markup
        raise ExtractionError(f"unparseable HTML: {type(err).__name__}: {err}") from err
    if tree is None:
        return Extraction(())
    meta = _page_metadata(tree, url)  # first: the fast pass below consumes the tree
    paragraphs = long_paragraphs(tree)  # before it too: the cascade prunes the tree in place
    # no url: trafilatura would resolve every link's target against it, and only link text is read here
    # output "txt": bare_extraction then leaves its tree unrendered (the lines are rendered here, with link markers)
    options = {"include_comments": False, "include_tables": True, "include_links": True, "deduplicate": False,
               "output_format": "txt"}
    body = _fast_body(tree, options)
    lines = _lines_with_link_share(body) if body is not None else []
    chars = sum(len(line.text) for line in lines)
    run_on = _run_on_share(lines)
    cascade = FAST_PASS
    if chars < FALLBACK_CHARS or run_on > RUN_ON_SHARE or under_covered(chars, paragraphs):
        # the fast pass pruned the tree in place: the page is parsed again (on about one page in twelve)
        full = trafilatura.bare_extraction(trafilatura.load_html(html), **options)
        second = _lines_with_link_share(full.body) if full is not None and full.body is not None else []
        if _take_second(lines, second, paragraphs, chars, run_on):
            lines, cascade = second, FULL_CASCADE
    return Extraction(tuple(lines), meta["title"], meta["author"], meta["date"], meta["url"], meta["sitename"], cascade)


def _take_second(first: list[ExtractedLine], second: list[ExtractedLine], paragraphs: str, chars: int,
                 run_on: float) -> bool:
    """Whether the full cascade's lines replace the fast pass's (``chars``, ``run_on``: the fast pass's measures).

    Where the page has long paragraphs to judge by, the extraction that agrees
    better with them wins (:mod:`wirewash.tasks.clean.extractor_choice`). Elsewhere: a short
    fast pass gives way to a longer second, a run-on one to a second that is
    less run-on.
    """
    second_chars = sum(len(line.text) for line in second)
    if not second_chars:
        return False
    verdict = referee([line.text for line in first], [line.text for line in second], paragraphs) if can_referee(paragraphs) else None
    if verdict is not None:
        return verdict
    if chars < FALLBACK_CHARS:
        return second_chars > chars
    return _run_on_share(second) < run_on


def _fast_body(tree: Any, options: dict[str, Any]) -> Any | None:
    """The body ``trafilatura.bare_extraction(tree, fast=True, **options)`` returns, without copying the page.

    Given a parsed tree, ``bare_extraction`` first deep-copies all of it
    (so that the caller's tree survives) and then runs trafilatura's cascade
    on the copy. Here nothing reads the tree afterwards (the metadata was
    read before), so the cascade (``trafilatura.core.trafilatura_sequence``)
    runs on the tree itself, which it prunes in place. The rest of what
    ``bare_extraction`` does with these options is repeated exactly: the
    same ``Extractor``, the same minimum output size, and ``None`` where it
    would have caught a ``TypeError`` or ``ValueError``. The copy it spares
    costs about half a millisecond on a news page.

    ``trafilatura_sequence`` is internal to trafilatura: where the installed
    version's does not take ``(tree, options, url)``, or where trafilatura's
    settings cap the extracted tree's size (a check not repeated here),
    ``bare_extraction`` itself runs, copy included.
    """
    import trafilatura
    from trafilatura.settings import Extractor

    sequence = _trafilatura_sequence()
    extractor = None if sequence is None else Extractor(
        output_format=options["output_format"], fast=True, comments=options["include_comments"],
        links=options["include_links"], tables=options["include_tables"], dedup=options["deduplicate"])
    if sequence is None or extractor is None or extractor.max_tree_size:
        result = trafilatura.bare_extraction(tree, fast=True, **options)
        return result.body if result is not None else None
    try:
        body, text, _, comments = sequence(tree, extractor, None)
    except (TypeError, ValueError):
        return None
    if len(text) < extractor.min_output_size and len(comments) < extractor.min_output_comm_size:
        return None
    return body


@lru_cache(maxsize=1)
def _trafilatura_sequence() -> Any | None:
    """trafilatura's extraction cascade when it has the signature :func:`_fast_body` relies on, else ``None``."""
    import inspect

    from trafilatura import core

    sequence = getattr(core, "trafilatura_sequence", None)
    if sequence is None or list(inspect.signature(sequence).parameters) != ["tree", "options", "url"]:
        return None
    return sequence


def _page_metadata(tree: Any, url: str | None) -> dict[str, str | None]:
    """Title, author, date, URL and site name of a parsed page, from trafilatura's metadata functions.

    The same steps as ``trafilatura.extract_metadata`` (meta tags, JSON-LD,
    title fallback, canonical URL, htmldate, site name) without the
    categories, tags and licence it also collects, which nothing here reads,
    and without its author fallback (XPath searches over a pruned copy of the
    whole page, as costly as everything else here together, with uneven
    results: "Jdadmin", "REUTERS", "Phil Helsel is a reporter"): the author
    comes from the meta tags and JSON-LD, else from a byline line among the
    extracted lines (:func:`extract_html`). The tree is only read.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm
    from trafilatura.settings import set_date_params

    meta = tm.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = tm.extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader trips on malformed data
        pass
    title = meta.title or tm.extract_title(tree)
    author = meta.author or _marked_author(tree)
    page_url = meta.url or tm.extract_url(tree, url)
    # htmldate's fast search first; its extensive search (twenty times the cost) only where the fast one finds
    # nothing: on the 181 AEB pages this gives exactly the dates the extensive search alone gives
    date = None
    for extensive in (False, True):
        date_params = set_date_params(extensive)
        date_params["url"] = page_url
        try:
            date = find_date(tree, **date_params)
        except Exception:  # noqa: BLE001 - htmldate on hostile markup
            date = None
        if date:
            break
    sitename = meta.sitename or tm.extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif page_url:
        found = tm.META_URL.match(page_url)
        sitename = found[1] if found else None
    return {key: _trim(value) for key, value in
            (("title", title), ("author", author), ("date", date), ("url", page_url), ("sitename", sitename))}


def _marked_author(tree: Any) -> str | None:
    """The author named by the first element the page marks as author or byline (see :func:`_page_metadata`)."""
    from trafilatura.metadata import normalize_authors

    for element in _AUTHOR_XPATH(tree):
        text = " ".join(element.text_content().split())
        if 2 <= len(text.split()) <= AUTHOR_MAX_WORDS and not any(ch.isdigit() for ch in text):
            return normalize_authors(None, text) or None
    return None


def _trim(value: str | None) -> str | None:
    """trafilatura's own clean-up of a metadata field (``Document.clean_and_trim``)."""
    from trafilatura.utils import line_processing

    if not value:
        return None
    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(html_lib.unescape(value)) or None


# --- deciding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineDecision:
    """What happens to one extracted line, and the catalog rule that decided (``None``: kept as body)."""

    action: Action
    rule: Rule | None


def _rule_decision(rule: Rule) -> LineDecision:
    """What a line caught by ``rule`` becomes: metadata for a byline, dateline or address, else removed."""
    return LineDecision("metadata" if rule.category in ("byline", "dateline", "source-url") else "removed", rule)


# decisions are immutable: one per outcome serves every line (a page has dozens of lines, a batch thousands)
_KEPT_DECISION = LineDecision("kept", None)
_BACK_OFF_DECISION = LineDecision("kept", RULES[BACK_OFF_RULE])
_TITLE_DECISION = LineDecision("title", RULES[TITLE_RULE])
_RULE_DECISIONS: dict[str, LineDecision] = {rule.id: _rule_decision(rule) for rule in RULES.values()}


def _is_link_line(line: ExtractedLine, words: int) -> bool:
    return line.link_share >= LINK_SHARE and 2 <= words <= LINK_MAX_WORDS and not _URLISH_RE.match(line.text)


def _is_teaser(line: ExtractedLine) -> bool:
    """A list item that starts with or holds a link: a story card (headline link plus blurb), not a paragraph."""
    return line.text.startswith(LIST_MARK) and line.link_share >= TEASER_LINK_SHARE


def _is_story_prose(line: ExtractedLine, words: int) -> bool:
    """Reads like a paragraph of the story: a sentence of ten words or more, or twenty words, mostly not link text."""
    if line.link_share >= PROSE_MAX_LINK_SHARE or _is_teaser(line):
        return False
    return words >= 20 or (words >= 10 and bool(_SENTENCE_END_RE.search(line.text)))


def _is_title(folded: str, folded_title: str) -> bool:
    """The line repeats the page title, or the title with the site's name after a separator ("Headline - Site")."""
    if folded == folded_title:
        return True
    shorter, longer = sorted((folded, folded_title), key=len)
    return len(shorter) >= TITLE_MIN_CHARS and longer.startswith(shorter) and bool(_TITLE_SEP_RE.match(longer, len(shorter)))


def _shouts(text: str) -> bool:
    """Written in capitals: at least ``SHOUT_SHARE`` of its cased letters are upper case (and there are some)."""
    upper = sum(1 for ch in text if ch.isupper())
    lower = sum(1 for ch in text if ch.islower())
    return upper >= SHOUT_MIN_LETTERS and upper >= SHOUT_SHARE * (upper + lower)


def _line_rule(text: str, words: int) -> Rule | None:
    """The first HTML line rule that catches ``text`` (only the rules whose word limits admit it are tried)."""
    if words > _LONGEST_RULE_WORDS:
        return None  # longer than any line rule reads: prose
    text, lowered = rule_view(text)
    for rule in _RULES_BY_WORDS[words]:
        if rule.matches(text, words, lowered):
            return rule
    return None


@lru_cache(maxsize=65_536)
def _read_line(text: str) -> tuple[int, Rule | None]:
    """A line's word count and first catching line rule: what the rules read of a line out of context.

    Cached, like :func:`wirewash.tasks.read.repair.repair_line`: the lines trafilatura
    leaks from a site's templates (share bars, newsletter boxes, credits,
    footers) recur on every page of the site, and trying the whole catalog
    on a line is the costliest step of deciding.
    """
    words = count_words(text)
    return words, _line_rule(text, words)


def _is_notice(text: str, words: int, first: Rule | None) -> bool:
    """Whether the copyright rule catches a line, knowing ``first``, the first line rule that caught it.

    ``first`` was found by trying the rules in catalog order, so unless it
    comes before the copyright rule in that order, it already answers: the
    copyright rule itself, or a miss. Only otherwise is the pattern tried.
    """
    notice = RULES[COPYRIGHT_RULE]
    if _NOTICE_AT is None:
        return notice.matches(*_ruled(text, words))  # not among the rules tried on HTML lines: ``first`` says nothing
    if first is None or _RULE_AT[first.id] > _NOTICE_AT:
        return False  # the copyright rule was tried on this line, and missed
    return first.id == COPYRIGHT_RULE or notice.matches(*_ruled(text, words))


def _ruled(text: str, words: int) -> tuple[str, int, str]:
    """``(text, words, lowercase)`` as :meth:`Rule.matches` reads a line: through :func:`rule_view`, like the rule pass."""
    line, lowered = rule_view(text)
    return line, words, lowered


def decide_lines(lines: list[ExtractedLine], title: str | None) -> list[LineDecision]:
    """Keep or remove each extracted line (steps 2–5 of the module docstring), in order."""
    return _decide(lines, title)[0]


def _decide(lines: list[ExtractedLine], title: str | None) -> tuple[list[LineDecision], list[int], list[Rule | None]]:
    """:func:`decide_lines`, also returning each line's word count and its first catching line rule.

    :func:`extract_html` reads the page's copyright notice from these
    instead of trying the copyright rule on every line a second time.
    """
    read = [_read_line(line.text) for line in lines]
    words = [count for count, _ in read]
    first_rules = [rule for _, rule in read]
    rules: list[Rule | None] = list(first_rules)
    # link lists: runs of link lines, possibly interleaved with lines a related/promo rule caught
    link_list = RULES[LINK_LIST_RULE]
    i = 0
    while i < len(lines):
        if not _is_link_line(lines[i], words[i]):
            i += 1
            continue
        j, links = i, 0
        while j < len(lines) and (_is_link_line(lines[j], words[j]) or (rules[j] is not None and rules[j].category in ("related", "promo"))):
            links += _is_link_line(lines[j], words[j])
            j += 1
        if links >= LINK_RUN:
            for k in range(i, j):
                rules[k] = rules[k] or link_list
        i = max(j, i + 1)
    folded_title = _fold(title) if title else ""
    if folded_title:
        titles = [rule is None and _is_title(_fold(line.text), folded_title) for line, rule in zip(lines, rules)]
    else:
        titles = [False] * len(lines)
    _apply_position(lines, words, rules, titles)
    decisions: list[LineDecision] = []
    for is_title, rule in zip(titles, rules):
        if rule is None:
            decisions.append(_TITLE_DECISION if is_title else _KEPT_DECISION)
        else:
            decision = _RULE_DECISIONS.get(rule.id)
            decisions.append(decision if decision is not None and decision.rule is rule else _rule_decision(rule))
    return _back_off(lines, decisions), words, first_rules


def _back_off(lines: list[ExtractedLine], decisions: list[LineDecision]) -> list[LineDecision]:
    """The decisions, unless the bulk rules would remove more than ``BACK_OFF_SHARE`` of what trafilatura kept.

    trafilatura already chose the article; the rules after it catch what
    leaks through. Line rules read a line's own wording (a credit, a share
    bar, a newsletter box) and hold across sites; the bulk rules read only
    shape and position (``BULK_RULES``: a run of link lines, everything
    after a footer line, a linked line between paragraphs) and take many
    lines at once. When those would take most of the page, they have
    misread a layout they were not written for (a list-shaped article taken
    for a teaser list, a footer rule firing on the story's own closing
    list): the lines they would remove are kept instead, as
    ``guard.back-off``. The headline stays out of the count.
    """
    total = sum(len(line.text) for line, decision in zip(lines, decisions) if decision.action != "title")
    bulk = [decision.rule is not None and decision.rule.id in BULK_RULES for decision in decisions]
    removed = sum(len(line.text) for line, is_bulk in zip(lines, bulk) if is_bulk)
    if removed <= BACK_OFF_SHARE * total:
        return decisions
    return [_BACK_OFF_DECISION if is_bulk else decision for decision, is_bulk in zip(decisions, bulk)]


def _apply_position(lines: list[ExtractedLine], words: list[int], rules: list[Rule | None], titles: list[bool]) -> None:
    """Step 5 of the module docstring: what the story's first and last paragraphs say about the lines around them."""
    n = len(lines)
    prose = [_is_story_prose(line, count) for line, count in zip(lines, words)]
    for i in range(1, n):  # a copyright notice closing the story's text belongs to the story
        if rules[i] is not None and rules[i].id == COPYRIGHT_RULE and rules[i - 1] is None and prose[i - 1]:
            rules[i] = None
    for i in range(1, n - 1):  # one item of a kept list caught by a line rule: the rule read its wording out of context
        if (rules[i] is not None and rules[i].category in ("promo", "related", "nav", "media") and rules[i].id != LINK_LIST_RULE
                and all(lines[j].text.startswith(LIST_MARK) for j in (i - 1, i, i + 1))
                and rules[i - 1] is None and rules[i + 1] is None):
            rules[i] = None
    kept_prose = [i for i in range(n) if prose[i] and rules[i] is None and not titles[i]]
    if not kept_prose:
        return
    first, last = kept_prose[0], kept_prose[-1]
    # inside the story: a paragraph that is one link, in capitals, is a teaser for another story
    for i in range(first + 1, last):
        if (rules[i] is None and prose[i - 1] and prose[i + 1] and lines[i].link_share >= LINK_SHARE
                and words[i] >= DEK_MIN_WORDS and not _SENTENCE_END_RE.search(lines[i].text) and _shouts(lines[i].text)):
            rules[i] = RULES[INLINE_TEASER_RULE]
    # before the story: the headline when it is not the page title's wording, the page's address, the standfirst
    if (first == 1 and rules[0] is None and not titles[0] and DEK_MIN_WORDS <= words[0] <= HEADLINE_MAX_WORDS
            and lines[0].link_share < PROSE_MAX_LINK_SHARE and not lines[0].text.startswith(LIST_MARK)
            and not _SENTENCE_END_RE.search(lines[0].text) and not _ADDRESS_RE.search(lines[0].text)):
        titles[0] = True
    for i in range(first):
        if rules[i] is None and not titles[i] and _BARE_URL_RE.match(lines[i].text):
            rules[i] = RULES[SOURCE_URL_RULE]
    headline = next((i for i in range(min(first, HEADLINE_WITHIN)) if titles[i] and rules[i] is None), None)
    if headline is not None and headline + 1 < first:
        dek = headline + 1
        if (rules[dek] is None and not titles[dek] and words[dek] >= DEK_MIN_WORDS
                and not _SENTENCE_END_RE.search(lines[dek].text)):
            rules[dek] = RULES[DEK_RULE]
    # after the story: teaser cards, then everything once a footer rule has fired
    teasers = [i for i in range(last + 1, n) if rules[i] is None and _is_teaser(lines[i])]
    if len(teasers) >= LINK_RUN:
        for i in teasers:
            rules[i] = RULES[LINK_LIST_RULE]
    footer = next((i for i in range(last + 1, n) if rules[i] is not None and rules[i].category in FOOTER_CATEGORIES), None)
    if footer is not None:
        for i in range(footer + 1, n):
            if rules[i] is None and not titles[i]:
                rules[i] = RULES[FOOTER_RULE]


def extract_html(doc_id: str, source: str, outlet: str, html: str, url: str | None = None) -> Document:
    """Extract one HTML page into a :class:`Document` with provenance by source line."""
    extraction = run_trafilatura(html, url)
    texts = [line.text for line in extraction.lines]
    repaired, fixes = repair_lines(texts)
    # most lines come back from repair as they were: checking that costs less than copying every line
    lines = [line if (fixed := text.strip() or line.text) == line.text else replace(line, text=fixed)
             for line, text in zip(extraction.lines, repaired)]
    decisions, words, first_rules = _decide(lines, extraction.title)
    kept_rule = RULES[FULL_CASCADE_RULE if extraction.cascade == FULL_CASCADE else BODY_RULE]
    kept_reason = "extracted by trafilatura's full cascade" if kept_rule.id == FULL_CASCADE_RULE else "extracted by trafilatura"
    where = locate_lines(html, [line.text for line in lines])
    by_line: dict[int, list[Segment]] = {}
    paragraphs: list[Paragraph] = []
    for index, (line, decision, source_line) in enumerate(zip(lines, decisions, where)):
        steps = fixes.get(index + 1)
        line_fixes = tuple(f"L{source_line}:{step}" for step in steps) if steps else ()
        if decision.action == "kept":
            rule, reason = (kept_rule, kept_reason) if decision.rule is None else (decision.rule, decision.rule.rationale)
            segment = Segment(source, (source_line, source_line), "kept", rule.category, rule.id, line.text, reason,
                              line_fixes)
            paragraphs.append(Paragraph(f"{doc_id}#L{source_line}.{len(paragraphs)}", line.text, (source_line, source_line)))
        else:
            segment = Segment(source, (source_line, source_line), decision.action, decision.rule.category,
                              decision.rule.id, line.text, decision.rule.rationale, line_fixes)
        by_line.setdefault(source_line, []).append(segment)
    author = extraction.author or next(
        (name for line, decision in zip(lines, decisions)
         if decision.rule is not None and decision.rule.category == "byline" and (name := parse_author(line.text))), None)
    # the page's copyright line, removed or kept as a wire story's closing notice
    holder = next((holder for line, count, first in zip(lines, words, first_rules) if _is_notice(line.text, count, first)
                   and (holder := parse_copyright_holder(line.text))), None)
    return Document(
        id=doc_id,
        source=source,
        outlet=extraction.sitename or outlet,
        title=extraction.title,
        author=author,
        copyright=holder,
        published=parse_date(extraction.date or "") if extraction.date else None,
        url=extraction.url or url,
        paragraphs=paragraphs,
        segments=cover_source(source, html, by_line),
        fixes=[f"L{where[n - 1]}:{step}" for n, steps in sorted(fixes.items()) for step in steps],
    )


# --- archive records --------------------------------------------------------------------------


def with_record_metadata(doc: Document, raw: RawText) -> Document:
    """Fill what an archive said about a record (URL, title, date) where cleaning found nothing.

    A JSONL export's ``title``/``published``/``url`` fields and a WARC
    record's target URI are facts about the record; what the page itself
    says (trafilatura's metadata, a recovered headline) wins when present.
    Returns the document with those fields filled (records are frozen), so it can wrap ``clean_document``.
    """
    if raw.record is None:
        return doc
    published = (parse_date(raw.published) or doc.published) if not doc.published and raw.published else doc.published
    return replace(doc, url=doc.url or raw.url, title=doc.title or raw.title, published=published)
