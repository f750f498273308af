"""The story window and the decisions inside it (tasks/clean/story.py), pass by pass."""
from __future__ import annotations

import pytest

from context_pages import BODY, CARDS, HEADLINE
from line_views import by_text, views_of
from wirewash.tasks.clean.decision import Decision, caught_by, removed_by
from wirewash.tasks.clean.rules import match_line
from wirewash.tasks.clean.rules.ids import (
    BODY_BLOCK,
    BODY_CONTINUATION,
    BODY_HEADING,
    BODY_PARAGRAPH,
    RELATED_CAPS_HEADLINE,
    RELATED_DOUBLED_HEADLINE,
    RELATED_LIST,
    RELATED_TEASER_LIST,
    ZONE_BOILERPLATE,
)
from wirewash.tasks.clean.story import find_story_window, looks_clean, story_decisions, teaser_tail_decisions

MENU = ("Home", "World", "Business", "Sport")
AFTER = BODY[3:] + ("Drivers will train on the new buses over the winter, the agency said, before the first routes open.",)


def _line_rules(views: list) -> dict[int, Decision]:
    """What the line rules say about ``views`` (the first pass, without template)."""
    return {view.number: caught_by(rule) for view in views if (rule := match_line(view.text, view.words)) is not None}


def test_the_window_is_the_densest_run_of_prose_between_the_menu_and_the_footer() -> None:
    views = views_of(*MENU, HEADLINE, *BODY, "Terms of Use", "Privacy Policy", "Contact us")
    start, end = find_story_window(views, _line_rules(views))
    assert [view.text for view in views[start : end + 1]] == list(BODY)


def test_no_prose_no_window() -> None:
    views = views_of(*MENU)
    assert find_story_window(views, _line_rules(views)) == (0, -1)


STORY_100 = " ".join(BODY) + " Officials said more details of the routes would be published next week."  # 100 words
COMMENT = ("I have been riding these buses for twenty years and I can tell you that the new routes will not "
           "help anyone who lives past the river, because the schedule is the real problem, not the map.")
PROMO = ("Our editors review every guide each quarter so that the advice you read here stays current, and our "
         "team of experts tests every product we recommend in real homes before we publish a word about it.")
CITED = ("Transit Research Board, Annual Ridership Report for the Eastern Districts, published in March 2024 by the "
         "board and accessed on April 14, 2025 for this article, with the council's own figures for the year.")


@pytest.mark.parametrize(("closing", "after"), [
    ("Comments", (COMMENT, COMMENT.replace("twenty", "ten"), COMMENT.replace("twenty", "five"))),  # reader comments
    ("Was this page helpful?", (PROMO, PROMO.replace("quarter", "month"))),  # the site's own blurbs after a rating widget
    ("Sources", (CITED, CITED.replace("March", "May"))),  # the works the story cites
])
def test_a_closing_line_after_the_story_is_a_wall_the_window_does_not_cross(closing: str, after: tuple[str, ...]) -> None:
    views = views_of(HEADLINE, STORY_100, closing, *after)
    start, end = find_story_window(views, _line_rules(views))
    assert views[end].text == STORY_100


def test_a_comment_s_bare_age_after_the_story_is_a_wall_too() -> None:
    views = views_of(HEADLINE, STORY_100, "Pat Reader", "8d", COMMENT, COMMENT.replace("twenty", "ten"))
    start, end = find_story_window(views, _line_rules(views))
    assert views[end].text in (STORY_100, "Pat Reader")


def test_a_list_of_short_items_between_two_stretches_of_prose_does_not_split_the_story() -> None:
    items = tuple(f"Item {name}: two or three words each" for name in "ABCDEFGHIJ")
    views = views_of(*MENU, *BODY[:3], *items, *AFTER)
    start, end = find_story_window(views, _line_rules(views))
    assert views[start].text == BODY[0] and views[end].text == AFTER[-1]
    # the same run of one-word links is a menu: its full cost splits the page
    menu = tuple(f"Section{name}" for name in "ABCDEFGHIJ")
    views = views_of(*MENU, *BODY[:3], *menu, *AFTER)
    start, end = find_story_window(views, _line_rules(views))
    assert not (views[start].text == BODY[0] and views[end].text == AFTER[-1])


def test_looks_clean_only_when_no_line_rule_fired_and_the_window_holds_nearly_everything() -> None:
    clean = views_of(*BODY)
    assert looks_clean(clean, {}, 0, len(clean) - 1)
    menu = views_of(*MENU, *BODY)
    rules = _line_rules(menu)
    assert rules and not looks_clean(menu, rules, len(MENU), len(menu) - 1)


def test_story_decisions_keep_prose_headings_and_lists_and_drop_fragments_cards_and_shouts() -> None:
    shout = "MAYOR'S OFFICE SAYS NEW TRAM LINE WILL OPEN NEXT SPRING AFTER DELAYS"
    card = "Column: A bid for the depot shows there is value in buses"
    views = views_of(BODY[0], "What happens next", BODY[1], shout, BODY[2], card, card, BODY[3],
                     "Quick facts about routes", "Two new depots in the east", BODY[4], "[ad_1]", "Ok", BODY[0] + " Again.")
    decided = _line_rules(views)
    found = story_decisions(views, decided)
    numbers = by_text(views)
    assert set(found) == {view.number for view in views} - set(decided), "every open line, and only those"
    assert found[numbers[BODY[0]]].rule == BODY_PARAGRAPH
    assert found[numbers["What happens next"]].rule == BODY_HEADING
    assert found[numbers[shout]].rule == RELATED_CAPS_HEADLINE
    assert found[numbers[card]].rule == RELATED_DOUBLED_HEADLINE
    assert {found[numbers[text]].rule for text in ("Quick facts about routes", "Two new depots in the east")} <= {
        BODY_HEADING, BODY_BLOCK, BODY_CONTINUATION}
    assert found[numbers["Ok"]].rule == ZONE_BOILERPLATE


def test_a_line_of_six_words_or_more_carries_on_only_from_a_kept_line() -> None:
    item = "Riverside, from the station to the hospital"
    views = views_of(BODY[0], item, "Share")
    assert story_decisions(views, {})[views[1].number].rule == BODY_CONTINUATION
    views = views_of(BODY[0], "Read on", item, "Share")
    found = story_decisions(views, {views[1].number: removed_by(RELATED_LIST)})
    assert found[views[2].number].rule != BODY_CONTINUATION


def test_story_decisions_leave_decided_lines_alone() -> None:
    views = views_of(*BODY)
    decided = {views[2].number: removed_by(RELATED_LIST)}
    found = story_decisions(views, decided)
    assert views[2].number not in found and len(found) == len(BODY) - 1


def test_three_headline_and_teaser_pairs_closing_the_window_are_cards() -> None:
    views = views_of(*BODY, *CARDS)
    found = teaser_tail_decisions(views, {})
    assert {views[i].number for i in range(len(BODY), len(views))} == set(found)
    assert {decision.rule for decision in found.values()} == {RELATED_TEASER_LIST}


def test_two_pairs_a_repeated_caption_a_faq_and_an_announced_list_are_no_cards() -> None:
    assert teaser_tail_decisions(views_of(*BODY, *CARDS[:4]), {}) == {}
    caption = "Festival Opening Night At The Park Stage"
    assert teaser_tail_decisions(views_of(*BODY, caption, CARDS[1], caption, CARDS[3], caption, CARDS[5]), {}) == {}
    faq = ("When do the new routes open?", CARDS[1], "How much will a ticket cost?", CARDS[3],
           "Who pays for the expansion?", CARDS[5])
    assert teaser_tail_decisions(views_of(*BODY, *faq), {}) == {}
    assert teaser_tail_decisions(views_of(*BODY, "The council named the three new lines and what they serve:", *CARDS), {}) == {}


def test_a_button_under_every_card_belongs_to_the_cards() -> None:
    views = views_of(*BODY, CARDS[0], CARDS[1], "Learn more", CARDS[2], CARDS[3], "Learn more", CARDS[4], CARDS[5],
                     "Learn more")
    found = teaser_tail_decisions(views, {})
    assert {views[i].number for i in range(len(BODY), len(views))} == set(found)
    assert {decision.rule for decision in found.values()} == {RELATED_TEASER_LIST}


def test_a_label_the_story_prints_between_its_own_items_is_no_button() -> None:
    # "Webcam" parts the story's items above the pairs too: the page is that list, and its label no card's button
    views = views_of(BODY[0], "Webcam", BODY[1], "Webcam", BODY[2], "Webcam", CARDS[0], CARDS[1], "Webcam",
                     CARDS[2], CARDS[3], "Webcam", CARDS[4], CARDS[5], "Webcam")
    assert teaser_tail_decisions(views, {}) == {}


def test_cards_each_dated_are_posts_however_long_their_teasers() -> None:
    long = tuple(text if i % 2 == 0 else " ".join([text] * 3) for i, text in enumerate(CARDS))  # ~50 words a teaser
    dated = (long[0], long[1], "March 3, 2026", long[2], long[3], "February 26, 2026", long[4], long[5], "February 19, 2026")
    views = views_of(*BODY[:3], *dated)
    found = teaser_tail_decisions(views, _line_rules(views))
    numbers = by_text(views)
    assert {found[numbers[text]].rule for text in (long[0], long[1], long[5])} == {RELATED_TEASER_LIST}
    # undated, the same pairs outweigh the story above them: its own sections
    views = views_of(*BODY[:3], *long)
    assert teaser_tail_decisions(views, _line_rules(views)) == {}


def test_the_fields_of_a_list_s_items_do_not_split_the_story() -> None:
    # each product: its name, two fields and a short paragraph; the fields alone would part every paragraph
    items = [line for name, price, text in (("Compact Weight Bench", "$299", BODY[1]), ("Adjustable Dumbbells", "$150", BODY[2]),
                                             ("Speed Rope", "$30", BODY[3]), ("Rowing Machine", "$990", BODY[4]))
             for line in (name, f"Brand Recommendation: {name} Pro", f"Price: {price}", text.split(",")[0] + ".")]
    views = views_of(*MENU, HEADLINE, BODY[0], *items)
    start, end = find_story_window(views, _line_rules(views))
    assert views[start].text == BODY[0] and views[end].text == items[-1]
