"""Golden cases for every context rule of the catalog: a page where it decides a line, and one where it must not.

Each case is a small page (:mod:`context_pages`), the text of one of its
lines, and the ``(action, rule)`` that line must end with. A case whose
expected rule is the case's own rule shows the rule catching its line; any
other is a negative: text the rule must leave to another rule, most often
text of the story that must be kept. The tables are kept by category, and
:func:`test_every_context_rule_has_golden_cases_both_ways` reads the catalog:
a context rule added without a case of each kind fails it.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from context_pages import (
    BAR,
    BODY,
    CARDS,
    COMMENT,
    HEADLINE,
    INGREDIENTS,
    ITEMS,
    SHARED,
    TABLE,
    ClusterPage,
    ExtractedPage,
    HtmlPage,
    Page,
    TextPage,
    html_page,
    spaced,
)
from wirewash.tasks.clean.rules import CATALOG, RULES
from wirewash.tasks.clean.rules.ids import (
    ABOUT_AUTHOR_BIO,
    ABOUT_BLURB,
    BODY_BLOCK,
    BODY_CLEAN_INPUT,
    BODY_CONTINUATION,
    BODY_FULL_CASCADE,
    BODY_HEADING,
    BODY_LIST_ITEM,
    BODY_PARAGRAPH,
    BODY_READABILITY,
    BODY_RESTORED_STRUCTURE,
    BODY_TABLE,
    BODY_TOP_NODE,
    CAPTION_BESIDE_CREDIT,
    CAPTION_LABELLED,
    CAPTION_REPEAT,
    COMMENTS_ENTRY,
    DEK_STANDFIRST,
    EXTRACT_OUTSIDE_ARTICLE,
    GUARD_BACK_OFF,
    MEDIA_WIDGET_BLOCK,
    NAV_CONTROL,
    PROMO_CALL_TO_ACTION,
    RELATED_CAPS_HEADLINE,
    RELATED_DOUBLED_HEADLINE,
    RELATED_LIST,
    RELATED_SHARED_CARDS,
    RELATED_TEASER_LIST,
    REPEAT_PAGE_COPY,
    REUSE_NEAR_DUPLICATE,
    SHAPE_INVISIBLE,
    SHAPE_OVERSIZE_LINE,
    TEMPLATE_OUTLET_REPEAT,
    TITLE_HEADLINE,
    ZONE_BOILERPLATE,
    ZONE_FOOTER,
    ZONE_HEADER,
)

B0, B1, B2, B3, B4 = BODY


@dataclass(frozen=True)
class Case:
    """``rule``'s golden case: on ``page``, the line holding ``text`` (its ``occurrence``-th copy, when the page
    prints it more than once) ends as ``expect``."""

    rule: str
    page: Page
    text: str
    expect: tuple[str, str]
    occurrence: int | None = None

    @property
    def catches(self) -> bool:
        return self.expect[1] == self.rule


def kept(rule: str) -> tuple[str, str]:
    return "kept", rule


def removed(rule: str) -> tuple[str, str]:
    return "removed", rule


# --- pages several cases read -------------------------------------------------------------------------------

CAPTION = "Commuters wait for a bus in the rain in the eastern district, Monday, March 4, 2024."
CREDITED = TextPage(spaced(HEADLINE, B0, CAPTION, "Jane Roe/AP", B1, B2, B3))
LONG_LEAD = B0 + " " + B1  # more than thirty words: a first paragraph, not a photographer's caption
SUBHEAD = TextPage(spaced("Home", HEADLINE, B0, B1, "What happens next", B2, B3))
FRAGMENT = TextPage(spaced("Home", HEADLINE, B0, B1, "[ad_1]", "Ok", B2, B3))  # a lone word after an ad marker
BIO = "Jane Roe is a freelance writer based in Toronto. Her work has appeared in a number of publications."
FIRST_NAME_BIO = "Jane writes about transport and cities. She has covered the council for ten years and lives in the east."
PROFILE = "Jane Roe has run the shelter since 2009 and says demand for beds has never been higher than this winter."
GREENWAY = "The Spring Creek Greenway, which runs along the creek for twelve miles, is the longest trail in the region."
SECTION = "Extension cords are a convenient way to provide power where the wall outlets of a room do not reach."
COMPANY = "Acmecorp offers an open platform for publishers and networks, and serves more than two hundred clients worldwide."
QA = ("Q: Favourite bus route in the city?",
      "A: The number 12 along the river, because it passes every park and the old market hall.",
      "Q: Most memorable ride so far?",
      "A: The night bus after the final, when the whole top deck sang the team's song together.",
      "Q: What would you change first?",
      "A: More night buses on weekends, so that people can get home safely from the centre.")
SECTIONS = tuple(part for i, name in enumerate(("The river route", "The harbour loop", "The hill line"))
                 for part in (name, " ".join(BODY[i : i + 3])))
EXCERPT = "Five years on, riders and shop owners along the tram route tell us what changed for them."
LEGAL = ("This material is not intended to replace the advice of a qualified advisor.",
         "Products and services referenced here are for general information only, and the firm makes no warranty as to "
         "their accuracy or completeness; always consult a qualified adviser about your own situation before you act, "
         "as past performance does not guarantee future results.",
         "Copyright © 2024 Example Advisors, Inc. All Rights Reserved.")
CLOSING = "Officials will meet again in May"  # a short closing line, no sentence end
SPECS = ("Length: twelve metres, with room for ninety riders", "Range: about three hundred kilometres a charge",
         "Charging: four hours at the depot overnight", "Doors: three, with a ramp at the middle door",
         "Seats: thirty-two, eight of them folding", "Screens: route maps at every door and the front",
         "Heating: a heat pump that also cools in summer", "Wi-Fi: free for every rider on every route",
         "Cameras: six inside, two outside at the doors", "Bikes: a rack for two bicycles at the front",
         "Noise: quieter than the diesel buses it replaces", "Delivery: the first ten buses arrive in the spring")
AFTER_SPECS = (B3, B4, "Drivers will train on the new buses over the winter, the agency said, before the first routes open.")
MENU = ("World", "Business", "Sport", "Weather", "Travel", "Culture", "Science", "Health", "Style", "Food", "Video", "Audio")
PAGER = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "Next")
ARTICLE = "\n".join(f"<p>{BODY[i]} {BODY[(i + 1) % 5]} {BODY[(i + 2) % 5]}</p>" for i in range(5))
SENTENCE_ARTICLE = "\n".join(f"<p>{sentence}</p>" for sentence in BODY)
ROUTES = ("Riverside, from the station to the hospital", "Northgate and the university campus, every ten minutes")


def builder_box(listed: str) -> str:
    """An article in a container trafilatura's body search does not recognise (a site builder's class): its paragraphs
    between a heading and a list of ``listed`` items, one a line."""
    parts = ARTICLE.split("\n")
    return "\n".join(["<div class='w-richtext'>", parts[0], "<h2>The river route</h2>", parts[1], "<ul>",
                      *(f"<li>{item}</li>" for item in listed), "</ul>", *parts[2:], "</div>"])


PROMO_BOX = "<div class='promo'><p>Top deals this week on harbour gear and more for you</p></div>"
TWICE = tuple((line, 0.0) for line in (HEADLINE, *BODY, *BODY))  # the story printed twice (an AMP or print copy)
PULL_QUOTE = tuple((line, 0.0) for line in (B0, B1, B2, B1, B3, B4))  # one sentence of the story set again as a quote
BLOCK_AGAIN = tuple((line, 0.0) for line in (*BODY, *AFTER_SPECS, *BODY))  # a block printed again late in a longer text
LIST_STORY = ((B0, 0.0), ("Sign up for our newsletter", 0.0)) + tuple((f"- {b[:90]}", 0.0) for b in BODY[1:] + (B0,))


CASES: dict[str, list[Case]] = {
    "title": [
        Case(TITLE_HEADLINE, TextPage(spaced(HEADLINE, "By Maria Lopez", "March 3, 2024 10:15 am ET", *BODY)), HEADLINE,
             ("title", TITLE_HEADLINE)),
        Case(TITLE_HEADLINE, ExtractedPage(((HEADLINE, 0.0), (B0, 0.0), (B1, 0.0)), HEADLINE), HEADLINE,
             ("title", TITLE_HEADLINE)),
        Case(TITLE_HEADLINE, SUBHEAD, "What happens next", kept(BODY_HEADING)),  # a subheading inside the story
    ],
    "dek": [
        Case(DEK_STANDFIRST, TextPage(spaced(HEADLINE, "The council says the first new routes will open next spring.",
                                             "By Maria Lopez", *BODY)),
             "The council says the first new routes will open next spring.", removed(DEK_STANDFIRST)),
        Case(DEK_STANDFIRST, ExtractedPage(((HEADLINE, 0.0), ("What the new routes mean for the east", 0.0), (B0, 0.0),
                                            (B1, 0.0)), HEADLINE),
             "What the new routes mean for the east", removed(DEK_STANDFIRST)),
        Case(DEK_STANDFIRST, TextPage(spaced("Home", HEADLINE, *BODY)), B0, kept(BODY_PARAGRAPH)),  # no byline: the lead
    ],
    "caption": [
        Case(CAPTION_BESIDE_CREDIT, CREDITED, CAPTION, removed(CAPTION_BESIDE_CREDIT)),
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, B0, B1, "© Jane Roe", "Commuters wait in the rain.", B2)),
             "Commuters wait in the rain.", removed(CAPTION_BESIDE_CREDIT)),
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, "© Jane Roe", LONG_LEAD, B2, B3)), LONG_LEAD,
             kept(BODY_PARAGRAPH)),
        # three sentences above a credit are the story's paragraph: a caption says who or what is pictured in one or two
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, B0, f"{B1} {B2} {B3}", "Jane Roe/AP", B4)), f"{B1} {B2} {B3}",
             kept(BODY_PARAGRAPH)),
        # a wire story's lead, printed above the first photo's credit, is the story's first paragraph
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, f"SPRINGFIELD (AP) — {B0}", "Jane Roe/AP", B1, B2)),
             f"SPRINGFIELD (AP) — {B0}", kept(BODY_PARAGRAPH)),
        # a wire story's signature ('dpa/AFP/mst') is no photo credit: the paragraph above it is the story's last
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, B0, B1, B2, "dpa/AFP/mst")), B2, kept(BODY_PARAGRAPH)),
        # a list's items each titled over their picture's credit: the titles are the story's, no captions
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, B0, B1, *(part for title, text in zip(
            ("The River Line", "The Harbour Loop", "The Hill Line"), (B2, B3, B4)) for part in (title, "Credit: Example Photos", text)),
            B0.replace("Tuesday", "Friday"))), "The Harbour Loop", kept(BODY_BLOCK)),
        # a source line names where a chart's or a paragraph's figures come from: the line above it is no caption
        Case(CAPTION_BESIDE_CREDIT, TextPage(spaced(HEADLINE, B0, B1, "Source: City Transport Survey", B2, B3)), B1,
             kept(BODY_PARAGRAPH)),
        Case(CAPTION_LABELLED, TextPage(spaced(HEADLINE, B0, B1, "Image copyright", "Getty Images", "Image caption",
                                               "Commuters wait for a bus in the eastern district", B2, B3)),
             "Commuters wait for a bus in the eastern district", removed(CAPTION_LABELLED)),
        # a label glued to its caption is one line: the paragraph under it is the story
        Case(CAPTION_LABELLED, TextPage(spaced(HEADLINE, B0, "Media captionJane Roe waits at the depot", B1, B2)), B1,
             kept(BODY_PARAGRAPH)),
        Case(CAPTION_REPEAT, TextPage((HEADLINE, "", CAPTION, "Jane Roe/AP", CAPTION, "") + spaced(*BODY)), CAPTION,
             removed(CAPTION_REPEAT), occurrence=1),
        # the story's lead reused as a photo's caption further down is still the lead
        Case(CAPTION_REPEAT, TextPage(spaced(HEADLINE, B0, B1, B2, B0, "Jane Roe/AP", B3, B4)), B0,
             kept(BODY_PARAGRAPH), occurrence=0),
    ],
    "media": [
        Case(MEDIA_WIDGET_BLOCK, TextPage(spaced(HEADLINE, B0) + (
            "Residents describe their daily commute on the old network3:12", "Play Video – Residents on the new bus plan",
            "Residents on the new bus plan", B1, "") + spaced(B2, B3)),
             "Residents on the new bus plan", removed(MEDIA_WIDGET_BLOCK)),
        Case(MEDIA_WIDGET_BLOCK, TextPage(spaced(HEADLINE, B0) + ("Play Video – Residents on the new bus plan", B1, "")
                                          + spaced(B2, B3)), B1, kept(BODY_PARAGRAPH)),  # prose glued to the player
    ],
    "related": [
        Case(RELATED_LIST, TextPage(spaced(HEADLINE, B0, B1) + (
            "Read more:", "Tram line delayed again after contractor dispute", "Why bus fares are rising this year", "")
                                    + spaced(B2, B3)),
             "Tram line delayed again after contractor dispute", removed(RELATED_LIST)),
        Case(RELATED_LIST, ExtractedPage(((B0, 0.0), ("Tram line delayed again", 1.0), ("Why bus fares are rising", 1.0),
                                          (B1, 0.0))), "Why bus fares are rising", removed(RELATED_LIST)),
        Case(RELATED_LIST, ExtractedPage(((B0, 0.0), ("- Tram line delayed again", 1.0), ("- Why bus fares are rising", 1.0),
                                          ("- New depot opens in the east", 0.9), (B1, 0.0))),
             "- Why bus fares are rising", removed(RELATED_LIST)),  # every item a link: other stories
        Case(RELATED_LIST, ExtractedPage(((B0, 0.0), ("- Rain jacket", 1.0), ("- Trekking poles", 0.9), ("- Water bottle", 0.0),
                                          ("- Spare socks", 0.0), ("- Headlamp", 1.0), (B1, 0.0))),
             "- Trekking poles", kept(BODY_PARAGRAPH)),  # the article's own checklist: some items link to products
        Case(RELATED_LIST, TextPage(spaced(HEADLINE, B0, B1, "Trending News", "Man arrested after stolen bus found: Police",
                                           "Riders wear masks to keep dry on the open top deck.", B2, B3)),
             "Riders wear masks to keep dry on the open top deck.", kept(BODY_PARAGRAPH)),  # a sentence: the story resumes
        Case(RELATED_DOUBLED_HEADLINE, TextPage(spaced("Home", HEADLINE, B0, B1, B2, "Column: A bid for the depot shows value",
                                                       "Column: A bid for the depot shows value", B3, B4)),
             "Column: A bid for the depot shows value", removed(RELATED_DOUBLED_HEADLINE), occurrence=0),
        Case(RELATED_DOUBLED_HEADLINE, TextPage(spaced("Home", HEADLINE, B0, B1, "Phase one", "Phase one", B2, B3)), "Phase one",
             kept(BODY_HEADING), occurrence=0),  # two words: a subhead printed twice, no card
        Case(RELATED_CAPS_HEADLINE, TextPage(spaced("Home", HEADLINE, B0, B1, "MAYOR'S OFFICE SAYS NEW TRAM LINE WILL OPEN NEXT SPRING",
                                                    B2, B3)),
             "MAYOR'S OFFICE SAYS NEW TRAM LINE WILL OPEN NEXT SPRING", removed(RELATED_CAPS_HEADLINE)),
        Case(RELATED_CAPS_HEADLINE, TextPage(spaced("Home", HEADLINE, B0, B1, "WHAT HAPPENS NEXT", B2, B3)),
             "WHAT HAPPENS NEXT", kept(BODY_HEADING)),
        Case(RELATED_SHARED_CARDS, TextPage(spaced(HEADLINE, BAR, *BODY, "You might like", BAR, SHARED[0], BAR, SHARED[1],
                                                   BAR, SHARED[2])), SHARED[1], removed(RELATED_SHARED_CARDS)),
        Case(RELATED_SHARED_CARDS, TextPage(spaced(HEADLINE, BAR, *BODY, BAR)), B1, kept(BODY_PARAGRAPH)),
        Case(RELATED_TEASER_LIST, TextPage(spaced(HEADLINE, *BODY, *CARDS)), CARDS[2], removed(RELATED_TEASER_LIST)),
        Case(RELATED_TEASER_LIST, TextPage(spaced("Home", HEADLINE, *BODY, *QA)), QA[2], kept(BODY_PARAGRAPH)),  # an interview
        Case(RELATED_TEASER_LIST, TextPage(spaced("Home", HEADLINE, B0, *SECTIONS)), SECTIONS[3],
             kept(BODY_PARAGRAPH)),  # a guide's own sections, each a heading over one long paragraph
    ],
    "branding": [
        Case(ABOUT_BLURB, TextPage(spaced(HEADLINE, *BODY, "About Jane Roe", BIO, "Share on email")), BIO,
             removed(ABOUT_BLURB)),
        Case(ABOUT_BLURB, TextPage(spaced("Acmecorp names a new chief strategy officer", *BODY, "About Acmecorp", COMPANY,
                                          "Share on email")), COMPANY, kept(BODY_PARAGRAPH)),  # a release's own closing
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced(HEADLINE, *BODY, "Jane Roe", BIO)), BIO, removed(ABOUT_AUTHOR_BIO)),
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced(HEADLINE, *BODY, "Jane Roe", BIO)), "Jane Roe", removed(ABOUT_AUTHOR_BIO)),
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced(HEADLINE, "By Jane Roe", *BODY, FIRST_NAME_BIO)), FIRST_NAME_BIO,
             removed(ABOUT_AUTHOR_BIO)),  # the byline's author, by first name
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced(HEADLINE, *BODY, "Jane Roe, CFP®", BIO)), BIO,
             removed(ABOUT_AUTHOR_BIO)),  # a name line with credentials after it
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced(HEADLINE, *BODY, "Jane Roe", "Head Winemaker, Co-Founder", BIO)), BIO,
             removed(ABOUT_AUTHOR_BIO)),  # a role line between the name and the bio
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced(HEADLINE, *BODY, "Written by: Jane Roe, Senior Analyst", BIO)), BIO,
             removed(ABOUT_AUTHOR_BIO)),  # a byline over the bio at the story's end
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced("Home", HEADLINE, B0, "Jane Roe", PROFILE, B1, B2, B3, B4)), PROFILE,
             kept(BODY_PARAGRAPH)),  # a person the story profiles, with much of the story after her
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced("Home", HEADLINE, *BODY, "Extension Cords", SECTION)), SECTION,
             kept(BODY_PARAGRAPH)),  # a title-case section heading over its paragraph
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced("Home", HEADLINE, *BODY, "The Spring Creek Greenway", GREENWAY)), GREENWAY,
             kept(BODY_PARAGRAPH)),  # a place's name: its first word is a word the story writes in lowercase
        Case(ABOUT_AUTHOR_BIO, TextPage(spaced("Home", HEADLINE, "By Jane Roe", *BODY, FIRST_NAME_BIO.replace("Jane", "The"))),
             FIRST_NAME_BIO.replace("Jane", "The"), kept(BODY_PARAGRAPH)),  # "The" is no first name
    ],
    "comments": [
        Case(COMMENTS_ENTRY, TextPage(spaced("Pat Reader", "August 8, 2018 at 7:21 pm", *COMMENT)), COMMENT[1],
             removed(COMMENTS_ENTRY)),
        Case(COMMENTS_ENTRY, TextPage(spaced(HEADLINE, "Jane Roe", "August 8, 2018 at 7:21 pm", *BODY)), B0,
             kept(BODY_PARAGRAPH)),  # an article's byline and time under its headline
    ],
    "blank": [
        Case(SHAPE_INVISIBLE, TextPage((HEADLINE, "", B0, "", "\u200b", "", B1, "", B2)), "\u200b",
             removed(SHAPE_INVISIBLE)),
        Case(SHAPE_INVISIBLE, TextPage(("Home", "", HEADLINE, "", B0, "", B1.replace(" ", " \u200b", 1), "", B2)),
             B1.replace(" ", " \u200b", 1), kept(BODY_PARAGRAPH)),
    ],
    "oversize": [
        Case(SHAPE_OVERSIZE_LINE, TextPage(spaced(HEADLINE, B0, "x" * 20_001, B1)), "x" * 20_001,
             removed(SHAPE_OVERSIZE_LINE)),
        Case(SHAPE_OVERSIZE_LINE, TextPage(spaced("Home", HEADLINE, " ".join(BODY * 20), B1)), " ".join(BODY * 20),
             kept(BODY_PARAGRAPH)),  # a long paragraph, under the limit
    ],
    "nav": [
        Case(ZONE_HEADER, TextPage(spaced("Home", "News", "Sport", "Weather", HEADLINE, *BODY)), "Weather",
             removed(ZONE_HEADER)),
        Case(ZONE_HEADER, TextPage(spaced("Home", "News", "Council and agency expand the bus network", "March 4, 2024",
                                          "The council and the agency announce a partnership to expand the network.",
                                          "SPRINGFIELD, ILLINOIS", *BODY)),
             "SPRINGFIELD, ILLINOIS", kept(BODY_HEADING)),  # a press release's place line opens its text
        Case(ZONE_FOOTER, TextPage(spaced("Home", HEADLINE, *BODY, "Example Times", "Our offices are in the old hall")),
             "Our offices are in the old hall", removed(ZONE_FOOTER)),
        Case(ZONE_FOOTER, ExtractedPage(tuple((b, 0.0) for b in BODY) + (("Sign up for our newsletter", 0.0),
                                                                          ("Harbour Town Media Group", 0.0))),
             "Harbour Town Media Group", removed(ZONE_FOOTER)),
        Case(ZONE_FOOTER, TextPage(spaced(*BODY, CLOSING)), CLOSING, kept(BODY_CLEAN_INPUT)),  # an article body already
        Case(ZONE_FOOTER, TextPage(spaced("Home", HEADLINE, *BODY, "Related posts", EXCERPT)), EXCERPT,
             removed(ZONE_FOOTER)),  # another post's excerpt after the story's "Related posts" box
        Case(ZONE_FOOTER, TextPage(spaced("Home", HEADLINE, *BODY, "More information:", EXCERPT)), EXCERPT,
             kept(BODY_PARAGRAPH)),  # a heading that announces the story's own closing lines
        Case(ZONE_FOOTER, TextPage(spaced("Home", HEADLINE, B0, B1, *LEGAL)), LEGAL[1], removed(ZONE_FOOTER)),  # legal text
        Case(ZONE_FOOTER, TextPage(spaced("Home", HEADLINE, B0, B1, LEGAL[1], LEGAL[2])), LEGAL[1],
             kept(BODY_PARAGRAPH)),  # a paragraph after the story with one legal line after it: the story's own
        Case(ZONE_FOOTER, TextPage(spaced("Home", HEADLINE, B0, "Related posts", EXCERPT, B1, B2, B3, B4)), B4,
             kept(BODY_PARAGRAPH)),  # a "Related" box early in the story: the story goes on after it
        Case(ZONE_BOILERPLATE, FRAGMENT, "Ok", removed(ZONE_BOILERPLATE)),
        Case(ZONE_BOILERPLATE, SUBHEAD, "What happens next", kept(BODY_HEADING)),
    ],
    "template": [
        Case(TEMPLATE_OUTLET_REPEAT, TextPage(SUBHEAD.lines, frozenset({"What happens next"})), "What happens next",
             removed(TEMPLATE_OUTLET_REPEAT)),
        Case(TEMPLATE_OUTLET_REPEAT, TextPage(SUBHEAD.lines, frozenset({"Our mission statement"})), "What happens next",
             kept(BODY_HEADING)),  # a line the outlet does not repeat
    ],
    "markup": [
        Case(EXTRACT_OUTSIDE_ARTICLE, HtmlPage(html_page(f"<nav>\n<a href='/'>Home</a> <a href='/news'>News</a>\n</nav>\n"
                                                         f"<article>\n{ARTICLE}\n</article>")),
             "<a href='/'>Home</a>", removed(EXTRACT_OUTSIDE_ARTICLE)),
        Case(EXTRACT_OUTSIDE_ARTICLE, HtmlPage(html_page(f"<nav>\n<a href='/'>Home</a>\n</nav>\n<article>\n{ARTICLE}\n</article>")),
             f"{B1} {B2} {B3}", kept(BODY_PARAGRAPH)),
    ],
    "duplicate": [
        Case(REUSE_NEAR_DUPLICATE, ClusterPage(spaced("Home", HEADLINE, *BODY), spaced("Home", "Buses reach three new districts", B0, B2, B4),
                                               B0, "copy"), B0, removed(REUSE_NEAR_DUPLICATE)),
        Case(REUSE_NEAR_DUPLICATE, ClusterPage(spaced("Home", HEADLINE, *BODY), spaced("Home", "Buses reach three new districts", B0, B2, B4),
                                               B0, "canonical"), B0, kept(BODY_PARAGRAPH)),  # the canonical copy stays
    ],
    "repeat": [
        Case(REPEAT_PAGE_COPY, ExtractedPage(TWICE), B2, removed(REPEAT_PAGE_COPY), occurrence=1),
        Case(REPEAT_PAGE_COPY, ExtractedPage(TWICE), B2, kept(BODY_PARAGRAPH), occurrence=0),  # the first copy stays
        Case(REPEAT_PAGE_COPY, ExtractedPage(PULL_QUOTE), B1, kept(BODY_PARAGRAPH), occurrence=1),  # one line is no run
        Case(REPEAT_PAGE_COPY, ExtractedPage(PULL_QUOTE), B1, kept(BODY_PARAGRAPH), occurrence=0),
        # under MIN_RUN_WORDS and repeating under WHOLE_COPY_SHARE of the text before it: the page's own block
        Case(REPEAT_PAGE_COPY, ExtractedPage(BLOCK_AGAIN), B2, kept(BODY_PARAGRAPH), occurrence=1),
    ],
    "body": [
        Case(BODY_PARAGRAPH, SUBHEAD, B2, kept(BODY_PARAGRAPH)),
        Case(BODY_PARAGRAPH, ExtractedPage(((B0, 0.0), (B1, 0.0))), B1, kept(BODY_PARAGRAPH)),
        Case(BODY_PARAGRAPH, ExtractedPage(((B0, 0.0), (B1, 0.9), (B2, 0.0))), B1, kept(BODY_PARAGRAPH)),
        # reader comments after a comments heading are prose too, but not the story's
        Case(BODY_PARAGRAPH, TextPage(spaced("Council expands bus network to three districts",
                                             " ".join(BODY) + " Officials said more details would be published next week.",
                                             "Comments", "Pat Reader on March 4, 2024 at 9:12 am said:", *COMMENT)),
             COMMENT[1], removed(ZONE_FOOTER)),
        Case(BODY_FULL_CASCADE, HtmlPage(html_page(f"{PROMO_BOX}\n<article>\n{ARTICLE}\n</article>"), first_box_only=True),
             f"{B2} {B3} {B4}", kept(BODY_FULL_CASCADE)),
        Case(BODY_FULL_CASCADE, HtmlPage(html_page(f"{PROMO_BOX}\n<article>\n{ARTICLE}\n</article>")),
             f"{B2} {B3} {B4}", kept(BODY_PARAGRAPH)),  # a fast pass that holds the article is kept
        Case(BODY_READABILITY, HtmlPage(html_page(f"{PROMO_BOX}\n<article>\n{ARTICLE}\n</article>"), first_box_only=True,
                                        full_misses=True), f"{B2} {B3} {B4}", kept(BODY_READABILITY)),
        Case(BODY_READABILITY, HtmlPage(html_page(f"{PROMO_BOX}\n<article>\n{ARTICLE}\n</article>"), first_box_only=True),
             f"{B2} {B3} {B4}", kept(BODY_FULL_CASCADE)),  # a full cascade that holds the article is kept
        # one sentence a paragraph: the fast pass's first box is a fifth of the article, under LAGGING_AGREEMENT
        Case(BODY_TOP_NODE, HtmlPage(html_page(f"{PROMO_BOX}\n<article>\n{SENTENCE_ARTICLE}\n</article>"),
                                     first_box_only=True, full_misses=True, readability_misses=True), B2,
             kept(BODY_TOP_NODE)),
        Case(BODY_TOP_NODE, HtmlPage(html_page(f"{PROMO_BOX}\n<article>\n{SENTENCE_ARTICLE}\n</article>"),
                                     first_box_only=True, full_misses=True), B2,
             kept(BODY_READABILITY)),  # readability holds the article: the top node must agree clearly better
        Case(BODY_RESTORED_STRUCTURE, HtmlPage(html_page(builder_box(ROUTES))), "The river route",
             kept(BODY_RESTORED_STRUCTURE)),
        # the same box in a container trafilatura recognises: it reads the heading itself
        Case(BODY_RESTORED_STRUCTURE, HtmlPage(html_page(builder_box(ROUTES).replace("w-richtext", "entry-content"))),
             "The river route", kept(BODY_PARAGRAPH)),
        Case(GUARD_BACK_OFF, ExtractedPage(LIST_STORY), f"- {B2[:90]}", kept(GUARD_BACK_OFF)),
        Case(GUARD_BACK_OFF, ExtractedPage(LIST_STORY), "Sign up for our newsletter", removed(PROMO_CALL_TO_ACTION)),
        Case(BODY_CLEAN_INPUT, TextPage(spaced(*BODY, CLOSING)), CLOSING, kept(BODY_CLEAN_INPUT)),
        Case(BODY_CLEAN_INPUT, TextPage(spaced(*BODY, "Advertisement", CLOSING)), CLOSING, removed(ZONE_FOOTER)),
        Case(BODY_CONTINUATION, TextPage(spaced(HEADLINE, B0, "The new routes serve these districts:") + (
            "Riverside, from the station to the hospital", "Northgate and the university campus, every ten minutes", "",
            "Share", "") + spaced(B1, B2, B3)),
             "Northgate and the university campus, every ten minutes", kept(BODY_CONTINUATION)),
        Case(BODY_CONTINUATION, FRAGMENT, "Ok", removed(ZONE_BOILERPLATE)),  # a word after a removed line
        Case(BODY_HEADING, SUBHEAD, "What happens next", kept(BODY_HEADING)),
        Case(BODY_HEADING, TextPage(spaced(HEADLINE, B0, B1, "Share", B2, B3)), "Share", removed(NAV_CONTROL)),
        Case(BODY_BLOCK, TextPage(spaced("Home", HEADLINE, B0, B1, B2, "The new buses", *SPECS, *AFTER_SPECS)),
             "The new buses", kept(BODY_BLOCK)),
        Case(BODY_BLOCK, TextPage(spaced("Home", HEADLINE, B0, B1, B2, *MENU, *AFTER_SPECS)), "Culture",
             removed(ZONE_HEADER)),  # one-word links: a menu, and the story starts after it
        Case(BODY_LIST_ITEM, TextPage(spaced("Home", HEADLINE, B0, B1, B2, "Ingredients", *INGREDIENTS, "Instructions",
                                             B3, B4)), "1 tsp cinnamon", kept(BODY_LIST_ITEM)),
        Case(BODY_LIST_ITEM, TextPage(spaced("Home", HEADLINE, *BODY, "The plan approved on Tuesday includes:", *ITEMS)), ITEMS[2],
             kept(BODY_LIST_ITEM)),
        Case(BODY_LIST_ITEM, TextPage(spaced("Home", HEADLINE, *BODY, "Source:", *ITEMS)), ITEMS[2],
             removed(ZONE_FOOTER)),  # a label is no lead-in
        Case(BODY_TABLE, TextPage(spaced(HEADLINE, B0, B1, B2, "The final standings after twelve rounds:", *TABLE, B3,
                                         B4, *PAGER)), "Athletic", kept(BODY_TABLE)),
        Case(BODY_TABLE, TextPage(spaced(HEADLINE, B0, B1, B2, "The final standings after twelve rounds:", *TABLE, B3,
                                         B4, *PAGER)), "Next", removed(NAV_CONTROL)),
    ],
}


def _case_id(category: str, case: Case) -> str:
    return f"{case.rule}:{'catches' if case.catches else 'spares'}:{case.text[:24]}"


ALL = [pytest.param(case, id=_case_id(category, case)) for category, cases in CASES.items() for case in cases]


@pytest.mark.parametrize("case", ALL)
def test_context_rule_golden_case(case: Case) -> None:
    assert case.page.decision(case.text, case.occurrence) == case.expect


def test_every_context_rule_has_golden_cases_both_ways() -> None:
    for rule in CATALOG:
        if rule.scope != "context":
            continue
        cases = [case for case in CASES.get(rule.category, []) if case.rule == rule.id]
        assert any(case.catches for case in cases), f"{rule.id} needs a golden case it catches (category {rule.category!r})"
        assert any(not case.catches for case in cases), f"{rule.id} needs a golden case it must spare"


def test_the_tables_are_kept_by_category() -> None:
    for category, cases in CASES.items():
        assert all(RULES[case.rule].category == category and RULES[case.rule].scope == "context" for case in cases), category
