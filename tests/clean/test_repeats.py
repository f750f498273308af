"""A page's second copy of its own text (``repeat.page-copy``): what :func:`repeated_runs` finds and what it leaves."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from context_pages import BODY
from wirewash.tasks.clean.html_decide import decide_lines
from wirewash.tasks.clean.html_trafilatura import ExtractedLine
from wirewash.tasks.clean.lines import count_words
from wirewash.tasks.clean.repeats import MIN_RUN_LINES, MIN_RUN_WORDS, Run, repeated_runs
from wirewash.tasks.clean.rules.ids import BODY_PARAGRAPH, REPEAT_PAGE_COPY

LONG = tuple(f"Paragraph {n} of the long report says that the council's own figures for route {n} do not add up, "
             f"and that the district's riders were never asked about the timetable before it changed." for n in range(12))
"""Twelve distinct paragraphs of about thirty words: a long story."""


def runs(lines: list[str]) -> list[Run]:
    return repeated_runs([" ".join(line.split()).lower() for line in lines], [count_words(line) for line in lines])


def test_the_story_printed_twice_is_one_run_over_the_second_copy() -> None:
    lines = ["Home", *BODY, "Share", *BODY]
    assert runs(lines) == [Run(start=7, length=5, source=1)]


def test_a_copy_rewrapped_or_in_capitals_still_matches() -> None:
    copy = [line.upper().replace(" ", "  ") for line in BODY]
    assert runs([*BODY, *copy]) == [Run(start=5, length=5, source=0)]


def test_a_long_block_repeated_anywhere_is_a_copy() -> None:
    size = next(k for k in range(len(LONG)) if sum(map(count_words, LONG[:k])) >= MIN_RUN_WORDS)
    block = LONG[:size]
    lines = [*LONG, *BODY, *block]
    assert sum(map(count_words, block)) < 0.75 * sum(map(count_words, (*LONG, *BODY)))  # not the whole story again
    assert runs(lines) == [Run(start=len(LONG) + len(BODY), length=len(block), source=0)]


def test_a_short_block_repeated_late_in_a_long_story_is_the_story_s_own() -> None:
    lines = [*LONG, *BODY[:3], *LONG[3:6], *BODY[:3]]  # a three-line block of about fifty words, shown again
    assert runs(lines) == []
    lines = [*LONG, *BODY, *LONG[:2], *BODY]  # eighty-odd words, a small share of what precedes them
    assert runs(lines) == []


def test_one_repeated_line_or_a_pull_quote_is_no_run() -> None:
    lines = [*LONG[:3], LONG[1], *LONG[3:], LONG[0], LONG[0], LONG[0]]
    assert runs(lines) == []


def test_fewer_lines_than_a_run_are_never_one() -> None:
    two = [LONG[0] + " " + LONG[1] + " " + LONG[2], LONG[3] * 4]  # two very long lines repeated
    assert MIN_RUN_LINES > 2
    assert runs([*two, *two]) == []


def test_the_decision_names_the_rule_and_the_line_it_repeats() -> None:
    lines = [ExtractedLine(text) for text in (*BODY, *BODY)]
    decisions = decide_lines(lines, None)
    assert [d.rule for d in decisions[:5]] == [BODY_PARAGRAPH] * 5
    assert [(d.action, d.rule) for d in decisions[5:]] == [("removed", REPEAT_PAGE_COPY)] * 5
    assert decisions[7].reason.startswith("repeats line 3 of trafilatura's text,")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(BODY + LONG[:3] + ("", "Advertisement", "- item")), max_size=60))
def test_a_run_repeats_its_source_line_for_line_and_never_overlaps_it(lines: list[str]) -> None:
    found = runs(lines)
    folded = [" ".join(line.split()).lower() for line in lines]
    for run in found:
        assert run.length >= MIN_RUN_LINES and run.source + run.length <= run.start
        assert folded[run.start:run.start + run.length] == folded[run.source:run.source + run.length]
    ends = [run.start + run.length for run in found]
    assert all(end <= later.start for end, later in zip(ends, found[1:]))  # in order, not overlapping each other


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LONG), min_size=MIN_RUN_LINES, max_size=12, unique=True))
def test_any_text_of_distinct_lines_printed_twice_loses_exactly_its_second_copy(lines: list[str]) -> None:
    assert runs([*lines, *lines]) == [Run(start=len(lines), length=len(lines), source=0)]
