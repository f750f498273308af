"""Pages of entries rather than one story: a reader comment, cards each under its own share bar (tasks/clean/entries.py)."""
from __future__ import annotations

from context_pages import BAR, BODY, COMMENT, HEADLINE
from context_pages import SHARED as CARDS
from line_views import by_text, views_of
from wirewash.tasks.clean.decision import caught_by
from wirewash.tasks.clean.entries import is_comment_meta, opening_comment_decisions, shared_card_decisions
from wirewash.tasks.clean.rules import match_line
from wirewash.tasks.clean.rules.ids import COMMENTS_ENTRY, RELATED_SHARED_CARDS

def _line_rules(views: list) -> dict:
    return {view.number: caught_by(rule) for view in views if (rule := match_line(view.text, view.words)) is not None}


def test_a_comment_s_meta_is_a_name_or_says_line_over_a_date_at_time_stamp() -> None:
    assert is_comment_meta(*views_of("Pat Reader", "August 8, 2018 at 7:21 pm"))
    assert is_comment_meta(*views_of("Sam Rider says:", "9/8/2018 at 10:02"))
    assert not is_comment_meta(*views_of("Jane Roe", "November 19, 2019, 9:02 AM"))  # an article's dateline
    assert not is_comment_meta(*views_of("World News Today From Everywhere Around", "August 8, 2018 at 7:21 pm"))


def test_a_page_that_opens_with_a_comment_is_a_thread_up_to_the_first_furniture() -> None:
    views = views_of("Pat Reader", "August 8, 2018 at 7:21 pm", COMMENT[0], "Reply", "Sam Rider says:",
                     "August 9, 2018 at 10:02 am", COMMENT[1], "Facebook Twitter Email", BODY[0])
    decided = _line_rules(views)
    found = opening_comment_decisions(views, decided)
    numbers = by_text(views)
    assert set(found) == {numbers[text] for text in ("Pat Reader", "August 8, 2018 at 7:21 pm", COMMENT[0], "Reply",
                                                     "Sam Rider says:", "August 9, 2018 at 10:02 am", COMMENT[1])}
    assert {decision.rule for decision in found.values()} == {COMMENTS_ENTRY}
    assert found[numbers["Reply"]] != decided[numbers["Reply"]], "the thread replaces the prompt's own decision"


def test_a_page_under_a_headline_or_a_long_entry_is_no_comment_thread() -> None:
    views = views_of(HEADLINE, "Jane Roe", "August 8, 2018 at 7:21 pm", *BODY)
    assert opening_comment_decisions(views, _line_rules(views)) == {}
    long_body = [f"In part {k}, {sentence[0].lower()}{sentence[1:]}" for k in range(5) for sentence in BODY]  # 500 words
    views = views_of("World News", "August 8, 2018 at 7:21 pm", *long_body)
    assert opening_comment_decisions(views, _line_rules(views)) == {}


def test_three_paragraphs_each_under_its_own_share_bar_are_cards() -> None:
    views = views_of(HEADLINE, *BODY, "You might like", BAR, CARDS[0], BAR, CARDS[1], BAR, CARDS[2])
    found = shared_card_decisions(views, _line_rules(views))
    numbers = by_text(views)
    assert set(found) == {numbers[card] for card in CARDS}
    assert {decision.rule for decision in found.values()} == {RELATED_SHARED_CARDS}


def test_two_shared_paragraphs_or_a_story_under_one_bar_are_no_cards() -> None:
    views = views_of(HEADLINE, BAR, BODY[0], BAR, BODY[1])
    assert shared_card_decisions(views, _line_rules(views)) == {}
    views = views_of(HEADLINE, BAR, *BODY, BAR)
    assert shared_card_decisions(views, _line_rules(views)) == {}
