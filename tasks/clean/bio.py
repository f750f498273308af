"""The author's bio closing a story: a paragraph about the person who wrote it, not part of what they wrote.

Blogs and magazines close a post with a box about its author: the name on a
line of its own, perhaps a role ("Head Winemaker, Co-Founder"), then a
paragraph that opens with the name again ("Karina Cohen is the owner of …",
"Rebecca has been a journalist for …"). Flattened, the box reads as prose
after the story, and the story window takes it in.

What gives it away holds in any language: the paragraph *opens with the name
of a person the page names* — on a name line just above it, or in the page's
byline — and it sits at the end of the story, with little prose after it. The
bio, the name and role lines above it and whatever follows it to the story's
end are removed (``about.author-bio``). A paragraph that opens with a name
early in the story (an interview's "Jane Roe has run the shelter since
2009 …"), or that is followed by much of the story, is left alone.
"""
from __future__ import annotations

from wirewash.tasks.clean.decision import Decision, Decisions, removed_by
from wirewash.tasks.clean.lines import WORD_RE, LineView
from wirewash.tasks.clean.metadata import looks_like_name, parse_author
from wirewash.tasks.clean.rules.ids import ABOUT_AUTHOR_BIO

_NAME_LINES_ABOVE = 3  # the name line, a role line ("Head Winemaker, Co-Founder") and a label between them and the bio
_BIO_TAIL_SHARE = 0.35  # the bio and what follows it: at most this share of the story's prose before it
_BIO_MAX_WORDS = 300  # a bio box runs a paragraph or three


def _opens_with(view: LineView, name: str, first_name_will_do: bool, lower_words: frozenset[str]) -> bool:
    """The paragraph opens with the person's full name as printed ("Rebecca Lake, CEPF® …"), or, for the
    byline's author, with the first name alone ("Karina holds …"). A section heading in title case over a
    paragraph that opens with its words ("Extension Cords" / "Extension cords are …") matches neither, and
    a name whose first word the story writes in lowercase names no person ("The Spring Creek Greenway",
    "The Investopedia Team": "the")."""
    name_words = WORD_RE.findall(name)
    opening = WORD_RE.findall(view.text)[: len(name_words)]
    if len(name_words) < 2 or not opening or name_words[0].lower() in lower_words:
        return False
    return opening == name_words or (first_name_will_do and opening[0] == name_words[0])


def _byline_author(views: list[LineView], decided: Decisions) -> str | None:
    """The author a byline line named, if any."""
    for view in views:
        rule = decided.get(view.number)
        if rule is not None and rule.category == "byline" and (author := parse_author(view.text)):
            return author
    return None


def _box_names(story: list[LineView], i: int) -> list[tuple[int, str]]:
    """The lines of the author box above paragraph ``i`` that name a person, nearest first, with the name:
    a name line ("Jane Roe"), one with credentials after it ("Brian Stormont, CFP®") or a byline
    ("Written by: Sean Peek, Senior Analyst"). A role line ("Contributing Writer") looks like a name too;
    the paragraph's opening tells them apart."""
    found: list[tuple[int, str]] = []
    for j in range(i - 1, max(i - 1 - _NAME_LINES_ABOVE, -1), -1):
        if story[j].is_prose:
            break
        if (name := parse_author(story[j].text)) is not None:
            found.append((j, name))
    return found


def author_bio_decisions(views: list[LineView], story: list[LineView], decided: Decisions) -> dict[int, Decision]:
    """Remove an author's bio that closes the story, with its name and role lines and the lines after it."""
    author = _byline_author(views, decided)
    lower_words: frozenset[str] | None = None
    prose = [view.words if view.is_prose else 0 for view in story]
    total = sum(prose)
    before = 0
    for i, view in enumerate(story):
        tail = view.is_prose and view.number not in decided and before > 0 and total - before <= _BIO_TAIL_SHARE * before
        before += prose[i]
        names = _box_names(story, i) if tail else []
        if not (names or (tail and author is not None)):
            continue
        if lower_words is None:  # the story's lowercase words, gathered only once a name is in question
            lower_words = frozenset(word for line in story for word in WORD_RE.findall(line.text) if word.islower())
        tops = [j for j, named in names if _opens_with(view, named, named == author, lower_words)]
        if tops or (author is not None and _opens_with(view, author, True, lower_words)):
            box = [line for line in story[min(tops, default=i):] if line.number not in decided]
            if sum(line.words for line in box) <= _BIO_MAX_WORDS:
                return {line.number: removed_by(ABOUT_AUTHOR_BIO) for line in box}
    return {}
