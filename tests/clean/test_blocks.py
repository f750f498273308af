"""Structured blocks a flattened page prints a line per cell or item (tasks/clean/blocks.py)."""
from __future__ import annotations

from context_pages import BODY, INGREDIENTS, ITEMS, TABLE
from line_views import by_text, views_of
from wirewash.tasks.clean.blocks import (
    find_field_lines,
    find_list_lines,
    find_numbered_items,
    find_quantity_lines,
    find_table_lines,
    introduced_tables,
)
from wirewash.tasks.clean.decision import removed_by
from wirewash.tasks.clean.rules.ids import RELATED_LIST

DATES = ("June 9 – Tampa, FL @ Harbor Arena", "June 10 – Miami, FL @ Bayfront Hall",
         "June 12 – Atlanta, GA @ Peach Pavilion (rescheduled)", "June 14 – Raleigh, NC @ Oak Park")


def _numbers(views: list, texts: tuple[str, ...]) -> set[int]:
    numbers = by_text(views)
    return {numbers[text] for text in texts}


def test_a_table_is_a_long_run_of_short_lines_many_of_them_numbers_ending_with_its_last_row() -> None:
    views = views_of(BODY[0], *TABLE, "Full results", BODY[1])
    assert find_table_lines(views, {}) == {view.number for view in views[1 : 1 + len(TABLE)]}  # cells repeat: by place


def test_a_pager_a_menu_and_a_short_run_are_no_table() -> None:
    assert find_table_lines(views_of(BODY[0], "1", "2", "3", "4", "5", "6", "7", "8", "9", "Next"), {}) == frozenset()
    assert find_table_lines(views_of(BODY[0], "Home", "World", "Sport", "Weather", "Travel", "Style", "Food", "Video"), {}) \
        == frozenset()
    assert find_table_lines(views_of(BODY[0], *TABLE[:6]), {}) == frozenset()


def test_lines_printed_from_one_template_are_a_list_and_a_lone_mark_is_no_template() -> None:
    views = views_of(BODY[0], "The Tour Dates", *DATES, BODY[1])
    assert find_table_lines(views, {}) == _numbers(views, DATES)
    hyphens = ("Well-known", "Ice-cold", "Long-term", "Part-time")
    assert find_table_lines(views_of(BODY[0], *hyphens), {}) == frozenset()


def test_a_decided_line_ends_a_run() -> None:
    views = views_of(BODY[0], *TABLE)
    cut = by_text(views)["Athletic"]
    assert cut not in find_table_lines(views, {cut: removed_by(RELATED_LIST)})


def test_short_lines_after_a_lead_in_ending_in_a_colon_are_its_list_and_a_label_announces_nothing() -> None:
    views = views_of(BODY[0], "The plan approved on Tuesday includes:", *ITEMS, BODY[1])
    assert find_list_lines(views, {}) == _numbers(views, ITEMS)
    assert find_list_lines(views_of(BODY[0], "Source:", *ITEMS), {}) == frozenset()
    assert find_list_lines(views_of(BODY[0], "The plan includes:", *ITEMS[:2], BODY[1]), {}) == frozenset()  # two items


def test_a_removed_lead_in_announces_nothing() -> None:
    views = views_of(BODY[0], "The plan approved on Tuesday includes:", *ITEMS)
    lead = by_text(views)["The plan approved on Tuesday includes:"]
    assert find_list_lines(views, {lead: removed_by(RELATED_LIST)}) == frozenset()


def test_lines_that_open_with_quantities_are_a_measured_list_without_their_label() -> None:
    views = views_of(BODY[0], "Ingredients", *INGREDIENTS, "Instructions", BODY[1])
    assert find_quantity_lines(views, {}) == _numbers(views, INGREDIENTS)
    assert find_quantity_lines(views_of(BODY[0], *INGREDIENTS[:3]), {}) == frozenset()  # three are not enough
    assert find_quantity_lines(views_of(BODY[0], "1", "2", "3", "4", "5"), {}) == frozenset()  # a pager counts nothing


def test_a_counted_list_counts_up_from_one_and_holds_the_lines_between_its_items() -> None:
    items = ("1) Folding bike with spare tyre", "2) City map of the new routes", "3) Rain cover for the bench")
    links = ("https://example.com/deal/1", "https://example.com/deal/2")
    views = views_of(BODY[0], items[0], links[0], items[1], links[1], items[2], BODY[1])
    found, between = find_numbered_items(views, {})
    assert found == _numbers(views, items) and between == _numbers(views, links)
    assert find_numbered_items(views_of(BODY[0], "2. Storm closes schools", "3. Rail strike called off",
                                        "4. Library opens"), {}) == (frozenset(), frozenset())


def test_a_block_is_introduced_by_prose_a_lead_in_or_a_heading_after_prose() -> None:
    for lead in (BODY[1], "The final standings after twelve rounds:"):
        views = views_of(BODY[0], lead, *TABLE)
        table = find_table_lines(views, {})
        assert table and introduced_tables(views, table) == table
    views = views_of(BODY[0], "Standings", *TABLE)
    assert introduced_tables(views, find_table_lines(views, {})) == find_table_lines(views, {})
    views = views_of("Home", "Standings", *TABLE)  # no prose before it: a block of the page's frame
    assert introduced_tables(views, find_table_lines(views, {})) == frozenset()


def test_a_label_printed_three_times_or_more_marks_the_fields_of_a_list() -> None:
    fields = ("Brand: Echo Strength", "Price: $299", "Brand: CAP Barbell", "Price: $150", "Brand: Rogue", "Price: $30")
    views = views_of(BODY[0], fields[0], fields[1], BODY[1], fields[2], fields[3], BODY[2], fields[4], fields[5], BODY[3],
                     "Phone: 555-0100", "Source: Example Press")
    assert find_field_lines(views, {}) == _numbers(views, fields)  # a label printed once is no field
    assert find_field_lines(views_of(BODY[0], *fields[:4]), {}) == frozenset()  # twice is not enough
