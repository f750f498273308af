"""Structured blocks in a flattened page: tables, templated lists and announced lists.

Flattening puts each table cell and each list item on a line of its own, so
line by line a standings table or a tour-date list looks like the menus and
link lists the story window pushes away. These detectors find such blocks so
the window can take them in (``tasks/clean/story.py``) and the story keeps them:

* a **table**: a long run of short lines, many of them numbers;
* a **templated list**: four or more lines in a row printed from one
  template (the same punctuation: "June 9 – Tampa, FL @ Arena");
* an **announced list**: short lines after a lead-in sentence ending in ':';
* a **measured list**: short lines that open with quantities (a recipe's ingredients).

A block pulls the window only when something introduces it (prose, a
lead-in, or a heading right after prose); elsewhere it is neutral.
"""
from __future__ import annotations

import re
from collections import Counter

from wirewash.tasks.clean.decision import Decisions
from wirewash.tasks.clean.lines import LineView

_TABLE_MIN_LINES = 8  # cells in a run before it is read as a table (two rows of four)
_TABLE_NUMERIC_SHARE = 0.4  # of them mostly digits
TABLE_CELL_SCORE = 2.0  # an introduced block's line pulls like a short sentence, so a closing list stays in
_TABLE_MAX_WORDS = 40
_ROW_MAX_PROSE_WORDS = 15  # a row or list item is short, even when its commas make it read as an enumeration
_TABLE_LABEL_WORDS = 5  # a table's text cells are names and labels; headlines between counts are a card list
_DIGIT_TOKEN_RE = re.compile(r"\d")


def _is_numeric(view: LineView) -> bool:
    tokens = view.text.split()
    return bool(tokens) and 2 * sum(1 for t in tokens if _DIGIT_TOKEN_RE.search(t)) >= len(tokens)


def _is_pager(numeric: list[LineView]) -> bool:
    """True when the numbers are bare counting numbers in order (1, 2, 3 …): page links."""
    bare = [view.text for view in numeric if view.text.isascii() and view.text.isdigit()]
    return bool(bare) and len(bare) == len(numeric) and bare == [str(n) for n in range(int(bare[0]), int(bare[0]) + len(bare))]


def find_table_lines(views: list[LineView], decided: Decisions) -> frozenset[int]:
    """Line numbers of flattened tables and result lists: long runs of short lines, many of them numbers.

    A table flattened to text prints a cell per line ("Pos." / "Driver" /
    "Points" / "1" / "Kyle Busch" / "5040" …), and results print a line per
    game; line by line they look like menu fragments. A run of at least
    ``_TABLE_MIN_LINES`` open, non-prose lines of which a good share are
    mostly digits is read as one table. A run of bare counting numbers
    (1, 2, 3 …) is a pager, and headlines each followed by an age and a
    count ("…Returning" / "13h267") are a card list, not a table.
    """
    table: set[int] = set()
    run: list[LineView] = []

    def flush() -> None:
        is_number = [_is_numeric(view) for view in run]
        numeric = [view for view, number in zip(run, is_number) if number]
        labels = [view.words for view, number in zip(run, is_number) if not number]
        if (len(run) >= _TABLE_MIN_LINES and len(numeric) >= _TABLE_NUMERIC_SHARE * len(run) and not _is_pager(numeric)
                and sum(labels) <= _TABLE_LABEL_WORDS * max(len(labels), 1)):
            # a table ends with its last row of numbers; the headings and links after it are not cells
            last = max(i for i, number in enumerate(is_number) if number)
            table.update(view.number for view in run[: last + 1])
        else:
            table.update(_templated_items(run))
        run.clear()

    for view in views:
        # a short enumeration ("June 20 -- Music Park, Raleigh, NC") reads as prose but can be a row
        if view.number in decided or (view.is_prose and view.words > _ROW_MAX_PROSE_WORDS) or view.words > _TABLE_MAX_WORDS:
            flush()
        else:
            run.append(view)
    flush()
    return frozenset(table)


_TEMPLATE_MIN_ITEMS = 4
_PUNCTUATION_RE = re.compile(r"[\w\s]+")


# punctuation inside a name ("B&T", "Ak-Chin") or after an abbreviation ("Aug.", "St.") is not the template's
_INNER_PUNCTUATION_RE = re.compile(r"(?<=\w)[^\w\s](?=\w)|(?<=[^\W\d_])\.")


def _template_key(text: str) -> str:
    """The first two marks of a line's punctuation skeleton: what lines printed from one template share."""
    return _PUNCTUATION_RE.sub("", _INNER_PUNCTUATION_RE.sub("", text))[:2]


def _templated_items(run: list[LineView]) -> list[int]:
    """Lines of ``run`` printed from one template: four or more in a row that open with the same punctuation.

    "June 9 – Tampa, FL @ Arena" and "Aug. 10 – Miami, FL @ Hall" both open
    with "–,"; so do the rows of a list of teams "England (Group A): 10th
    appearance" with "():". Menus and link lists have no punctuation to
    share; a lone mark (a hyphen, an initial's period) is no template.
    """
    found: list[int] = []
    i = 0
    while i < len(run):
        key = _template_key(run[i].text)
        if len(key) < 2:
            i += 1
            continue
        j = i + 1
        while j < len(run) and _template_key(run[j].text) == key:
            j += 1
        if j - i >= _TEMPLATE_MIN_ITEMS:
            found += list(range(i, j))
        i = j
    # the odd item between two templated stretches (a note, a changed venue) belongs to the list too
    return [view.number for view in run[found[0] : found[-1] + 1]] if found else []


_LIST_MIN_ITEMS = 3
_LIST_MAX_WORDS = 25
_LEAD_IN_MIN_WORDS = 3  # "Ingredients:" or "Source:" is a field label; a lead-in says what follows


def find_list_lines(views: list[LineView], decided: Decisions) -> frozenset[int]:
    """Line numbers of lists a lead-in announces: short lines after a line ending in ':'.

    "The game offers:" followed by feature lines, "Ingredients:" followed by
    quantities: each item alone looks like a menu fragment, but the lead-in
    says they belong to the text before it. Three or more items in a row,
    none of them prose or long, make the list. A one- or two-word label
    ("Source:", "More:") is no lead-in.
    """
    listed: set[int] = set()
    for i, view in enumerate(views):
        lead = decided.get(view.number)
        if not view.text.endswith(":") or view.words < _LEAD_IN_MIN_WORDS or (lead is not None and lead.action != "kept"):
            continue
        j = i + 1
        while (j < len(views) and views[j].number not in decided and not views[j].is_prose
               and views[j].words <= _LIST_MAX_WORDS):
            j += 1
        if j - i - 1 >= _LIST_MIN_ITEMS:
            listed.update(view.number for view in views[i + 1 : j])
    return frozenset(listed)


_QUANTITY_RE = re.compile(r"^(?:\d+(?:[./–-]\d+)?(?:\s\d/\d)?|[½¼¾⅓⅔])\s?[^\W\d_]")
_QUANTITY_MIN_ITEMS = 4
_QUANTITY_SHARE = 0.75
_QUANTITY_MAX_WORDS = 12


def find_quantity_lines(views: list[LineView], decided: Decisions) -> frozenset[int]:
    """Line numbers of measured lists: four or more short lines in a row, most opening with a quantity.

    A recipe's ingredients ("8-9 ripe pears", "1 tsp cinnamon", "½ cup feta")
    print a line each under a bare "Ingredients" label, so no lead-in
    announces them; the quantities opening the lines do. A menu or a link
    list does not count things; a pager is bare numbers with no word after.
    """
    found: set[int] = set()
    run: list[LineView] = []

    def flush() -> None:
        measured = [i for i, view in enumerate(run) if _QUANTITY_RE.match(view.text)]
        # the list runs from its first quantity to its last; labels around it ("Ingredients") are not items
        if len(measured) >= _QUANTITY_MIN_ITEMS and len(measured) >= _QUANTITY_SHARE * (measured[-1] - measured[0] + 1):
            found.update(view.number for view in run[measured[0] : measured[-1] + 1])
        run.clear()

    for view in views:
        if view.number in decided or view.is_prose or view.words > _QUANTITY_MAX_WORDS:
            flush()
        else:
            run.append(view)
    flush()
    return frozenset(found)


_FIELD_RE = re.compile(r"^([^\W\d_][^:.!?]{0,40}?)\s?:\s+\S")
_FIELD_MAX_WORDS = 12
_FIELD_LABEL_WORDS = 4
_FIELD_MIN_REPEATS = 3


def find_field_lines(views: list[LineView], decided: Decisions) -> frozenset[int]:
    """Line numbers of an item's fields: short "Label: value" lines whose label the page prints three
    times or more ("Price: $299", "Brand Recommendation: …", "Preis: 29 Euro").

    A guide's products, a listing's entries, a review's picks each carry the same few fields between
    their paragraphs; line by line they read as fragments that push the story window away and split
    the list. A label printed once ("Phone: …", "Source: …") is no field of a list.
    """
    labels: dict[int, str] = {}
    for view in views:
        if view.number in decided or view.words > _FIELD_MAX_WORDS:
            continue
        match = _FIELD_RE.match(view.text)
        if match is not None and len(match.group(1).split()) <= _FIELD_LABEL_WORDS:
            labels[view.number] = match.group(1).casefold()
    counts = Counter(labels.values())
    return frozenset(number for number, label in labels.items() if counts[label] >= _FIELD_MIN_REPEATS)


_HEADING_MAX_WORDS = 20  # a block's own heading ("Qualified teams", "Tour dates") is short and ends no sentence
_NUMBERED_RE = re.compile(r"^\(?(\d{1,3})[.):]\s+\S")
_NUMBERED_MIN_ITEMS = 3
_NUMBERED_MAX_GAP = 3  # other lines between two items: a link, a price, a paragraph about the item


def find_numbered_items(views: list[LineView], decided: Decisions) -> tuple[frozenset[int], frozenset[int]]:
    """(items, lines between them) of counted lists: "1) …", "2) …", "3) …" in order from 1.

    A deals post or a ranking prints its items numbered, often each followed
    by a link or a price line that a rule removes; counting up from one is
    what says these lines are the article's own list. The lines between
    items keep their own decisions; the window just does not count them
    against the list.
    """
    items: set[int] = set()
    inner: set[int] = set()
    i = 0
    while i < len(views):
        match = _NUMBERED_RE.match(views[i].text)
        if match is None or int(match.group(1)) > 1 or views[i].number in decided:
            i += 1
            continue
        sequence, expect, j, gap = [i], int(match.group(1)) + 1, i + 1, 0
        while j < len(views) and gap <= _NUMBERED_MAX_GAP:
            following = _NUMBERED_RE.match(views[j].text)
            if following is not None and int(following.group(1)) == expect and views[j].number not in decided:
                sequence.append(j)
                expect, gap = expect + 1, 0
            else:
                gap += 1
            j += 1
        if len(sequence) >= _NUMBERED_MIN_ITEMS:
            members = {views[k].number for k in sequence}
            items |= members
            inner.update(view.number for view in views[sequence[0] : sequence[-1] + 1] if view.number not in members)
            i = sequence[-1] + 1
        else:
            i += 1
    return frozenset(items), frozenset(inner)


def introduced_tables(views: list[LineView], table: frozenset[int], between: frozenset[int] = frozenset()) -> frozenset[int]:
    """The table lines whose table follows a lead-in: a line ending in ':', a paragraph of prose, or a
    heading right after prose. Lines in ``between`` (a counted list's links) do not end a block."""
    introduced: set[int] = set()
    for i, view in enumerate(views):
        if view.number in table and (i == 0 or views[i - 1].number not in table):
            lead = views[i - 1] if i > 0 else None
            before = views[i - 2] if i > 1 else None
            if lead is not None and (lead.is_prose or lead.text.endswith(":") or (
                    not lead.sentence_end and lead.words <= _HEADING_MAX_WORDS and before is not None and before.is_prose)):
                j = i
                while j < len(views) and (views[j].number in table or views[j].number in between):
                    if views[j].number in table:
                        introduced.add(views[j].number)
                    j += 1
    return frozenset(introduced)
