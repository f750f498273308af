"""Golden documents for the cleaner's context rules, and its provenance guarantees."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.clean.cleaner import clean_text, find_template_lines, template_candidates
from wirewash.tasks.read.intake import RawText
from wirewash.tasks.records import Document

BODY = [
    "The city council voted on Tuesday to expand the bus network into three new districts, officials said.",
    "Supporters argued that the expansion would cut commuting times for thousands of residents in the east.",
    "Critics said the plan would cost far more than the council had budgeted and would take years to finish.",
    "The mayor said she expected the first new routes to open before the end of next year, if funding allows.",
    "A final vote on the budget for the project is expected at the council's next meeting in the spring.",
]


def _doc(lines: list[str]) -> Document:
    return clean_text("doc", "doc.txt", "outlet", "\n".join(lines))


def _action_of(doc: Document, line: int) -> tuple[str, str]:
    for seg in doc.segments:
        if seg.lines[0] <= line <= seg.lines[1]:
            return seg.action, seg.rule
    raise AssertionError(f"line {line} not in provenance")


def _spaced(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += [line, ""]
    return out


def test_title_byline_dateline_become_metadata() -> None:
    doc = _doc(_spaced(["Council expands bus network to three districts", "By Maria Lopez", "March 3, 2024 10:15 am ET"] + BODY))
    assert doc.title == "Council expands bus network to three districts"
    assert doc.author == "Maria Lopez"
    assert doc.published == "2024-03-03"
    assert _action_of(doc, 1) == ("title", "title.headline")
    assert [p.text for p in doc.paragraphs] == BODY


def test_caption_before_credit_is_removed_but_body_after_it_stays() -> None:
    lines = _spaced(["Council expands bus network", BODY[0]]) + [
        "Commuters wait for a bus in the rain in the eastern district, Monday, March 4, 2024.",
        "Jane Roe/AP",
        "",
    ] + _spaced(BODY[1:])
    doc = _doc(lines)
    assert _action_of(doc, 5) == ("removed", "caption.beside-credit")
    assert _action_of(doc, 6) == ("removed", "credit.photo")
    assert BODY[1] in doc.text


def test_widget_block_around_player_goes_and_glued_body_stays() -> None:
    lines = _spaced(["Council expands bus network", BODY[0]]) + [
        "Residents describe their daily commute on the old network3:12",
        "Play Video – Residents on the new bus plan",
        "Residents on the new bus plan",
        BODY[1],
        "",
    ] + _spaced(BODY[2:])
    doc = _doc(lines)
    for line in (5, 6, 7):
        assert _action_of(doc, line)[0] == "removed", line
    assert _action_of(doc, 8) == ("kept", "body.paragraph")


def test_list_under_read_more_heading_is_removed() -> None:
    lines = _spaced(["Council expands bus network", BODY[0], BODY[1]]) + [
        "Read more:", "Tram line delayed again after contractor dispute", "Why bus fares are rising this year", "",
    ] + _spaced(BODY[2:])
    doc = _doc(lines)
    assert _action_of(doc, 8)[1] == "related.list" and _action_of(doc, 9)[1] == "related.list"
    assert doc.text.count("\n\n") == len(BODY) - 1


def test_header_and_footer_zones_are_removed() -> None:
    header = ["Home", "News", "Sport", "Weather", "Council expands bus network"]
    footer = ["Most Popular", "Five things to do this weekend", "Recipes for a rainy day", "Contact us", "Terms of Use"]
    doc = _doc(_spaced(header + BODY + footer))
    assert [p.text for p in doc.paragraphs] == BODY
    assert doc.title == "Council expands bus network"


def test_short_heading_between_paragraphs_is_kept() -> None:
    doc = _doc(_spaced(["Council expands bus network", BODY[0], BODY[1], "What happens next", BODY[2], BODY[3]]))
    assert "What happens next" in [p.text for p in doc.paragraphs]


def test_copy_of_a_caption_is_removed() -> None:
    caption = "Commuters wait for a bus in the rain in the eastern district, Monday, March 4, 2024."
    lines = ["Council expands bus network", "", caption, "Jane Roe/AP", caption, ""] + _spaced(BODY)
    doc = _doc(lines)
    assert _action_of(doc, 5) == ("removed", "caption.repeat")
    assert caption not in doc.text


def test_template_lines_of_an_outlet() -> None:
    docs = [["Sign up for the Daily Briefing", f"story {i} text", "Example Times © 2024"] for i in range(3)]
    docs.append(["unrelated"])
    assert find_template_lines(docs, 3) == frozenset({"Sign up for the Daily Briefing", "Example Times © 2024"})
    raw = RawText("a.txt", "a", "o", "text", "Short line\n\n" + BODY[0] + " " + BODY[1] + "\nShort line", "utf-8")
    assert template_candidates(raw) == ["Short line"]  # the long paragraph is reuse material, not template
    doc = clean_text("d", "d.txt", "o", "\n\n".join(["Headline here today"] + BODY + ["Our Mission Statement Line"]),
                     frozenset({"Our Mission Statement Line"}))
    assert _action_of(doc, 13) == ("removed", "template.outlet-repeat")


def test_mojibake_is_repaired_and_recorded() -> None:
    broken = "The caf\u00c3\u00a9 owner said the council\u00e2\u20ac\u2122s plan would help business along the route."
    doc = _doc(_spaced(["Council expands bus network", broken] + BODY))
    assert "café owner" in doc.text and "council’s plan" in doc.text
    assert doc.fixes and any(seg.fixes for seg in doc.segments)


def _covered_lines(doc: Document) -> list[int]:
    return [n for seg in doc.segments for n in range(seg.lines[0], seg.lines[1] + 1)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=120), st.sampled_from(BODY + ["", "Read more:", "[ad_1]", "1:09", "By X Y"])), max_size=40))
def test_every_nonblank_line_is_in_provenance_exactly_once(lines: list[str]) -> None:
    text = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    doc = clean_text("d", "d.txt", "o", text)
    raw = text.split("\n")
    covered = _covered_lines(doc)
    nonblank = [i + 1 for i, line in enumerate(raw) if line.strip()]
    assert sorted(set(covered) & set(nonblank)) == nonblank
    counted = [n for n in covered if n in set(nonblank)]
    assert len(counted) == len(set(counted)), "a line is covered twice"
    kept = {seg.lines for seg in doc.segments if seg.action == "kept"}
    assert {p.lines for p in doc.paragraphs} == kept


def test_list_items_after_story_text_stay_and_lone_fragments_go() -> None:
    lines = _spaced(["Council expands bus network", BODY[0], "The new routes serve these districts:"]) + [
        "Riverside, from the station to the hospital",
        "Northgate and the university campus, every ten minutes",
        "",
        "Share",
        "",
    ] + _spaced(BODY[1:])
    doc = _doc(lines)
    assert _action_of(doc, 7) == ("kept", "body.continuation")
    assert _action_of(doc, 8) == ("kept", "body.continuation")
    assert _action_of(doc, 10)[0] == "removed"


def test_cards_of_other_stories_closing_the_page_are_removed() -> None:
    cards = [
        "Rail strike called off after late talks", "Union leaders accepted a revised offer on pay and hours after talks that ran past midnight on Sunday.",
        "Library opens new wing for young readers", "The wing, paid for by local donors, adds reading rooms, a workshop and space for school visits.",
        "Flood defences to be raised along the river", "Engineers will start work in the spring on walls that the agency says will protect two thousand homes.",
    ]
    doc = _doc(_spaced(["Council expands bus network"] + BODY + cards))
    assert [p.text for p in doc.paragraphs] == BODY
    assert _action_of(doc, 13) == ("removed", "related.teaser-list")


def test_subheadings_inside_a_story_are_not_taken_for_cards() -> None:
    lines = ["Council expands bus network", BODY[0], "What changes", BODY[1], BODY[2], "Who pays", BODY[3], BODY[4]]
    doc = _doc(_spaced(lines))
    assert [p.text for p in doc.paragraphs] == lines[1:]


def test_reader_comments_after_a_comments_heading_are_not_the_story() -> None:
    # a story of just over 100 words, then a comments section whose comments together outweigh it
    story = " ".join(BODY) + " Officials said more details of the routes would be published next week."
    comment = ("I have been riding these buses for twenty years and I can tell you that the new routes will not "
               "help anyone who lives past the river, because the schedule is the real problem, not the map.")
    lines = ["Council expands bus network to three districts", story, "Comments",
             "Pat Reader on March 4, 2024 at 9:12 am said:", comment, "Sam Rider on March 4, 2024 at 10:40 am said:",
             comment.replace("twenty", "ten"), comment.replace("twenty", "five")]
    doc = _doc(_spaced(lines))
    assert _action_of(doc, 3)[0] == "kept"
    assert "Comments" not in doc.text and "I have been riding" not in doc.text
    # a "Comments (12)" link above the story's first paragraph is a toolbar, no wall
    doc = _doc(_spaced(["Council expands bus network to three districts", "Comments (12)"] + BODY))
    assert all(body in doc.text for body in BODY)


def test_a_few_short_lines_before_a_paragraph_are_subheadings_and_a_longer_run_is_not() -> None:
    lines = ["Council expands bus network to three districts"] + BODY[:2] + ["Phase one", "Starts in the spring"] + BODY[2:4] + [
        "Share", "Tweet", "Email", "Print"] + BODY[4:] + [BODY[0].replace("Tuesday", "Monday")]
    doc = _doc(_spaced(lines))
    assert "Phase one" in doc.text and "Starts in the spring" in doc.text
    assert all(word not in doc.text.split("\n") for word in ("Share", "Tweet", "Email", "Print"))


def test_lines_of_zero_width_spaces_are_blank_and_still_in_provenance() -> None:
    lines = ["Council expands bus network to three districts", ""]
    for body in BODY:
        lines += [body, "", "\u200b", ""]
    doc = _doc(lines)
    assert all(body in doc.text for body in BODY)
    invisible = [seg for seg in doc.segments if seg.rule == "shape.invisible"]
    assert invisible and all(seg.action == "removed" for seg in invisible)


def test_a_caption_repeated_before_every_paragraph_is_not_a_list_of_cards() -> None:
    caption = "Festival Opening Night At The Park Stage"
    lines = ["Council expands bus network to three districts"] + BODY[:2]
    for body in BODY[2:] + [BODY[0].replace("Tuesday", "Friday"), BODY[1].replace("east", "west")]:
        lines += [caption, body]
    doc = _doc(_spaced(lines))
    assert all(body in doc.text for body in BODY)


def test_a_hard_wrapped_story_is_joined_into_paragraphs_and_every_line_keeps_its_provenance() -> None:
    import textwrap

    lines = ["Council expands bus network to three districts", ""]
    for body in BODY:
        lines += textwrap.wrap(body + " " + body.lower(), width=60) + [""]
    lines += ["Home", "News", "Sports", "Weather and traffic for the whole region every day"]
    doc = _doc(lines)
    assert len(doc.paragraphs) == len(BODY)
    assert doc.paragraphs[0].text.startswith(BODY[0]) and "\n" not in doc.paragraphs[0].text
    covered = sorted(n for seg in doc.segments for n in range(seg.lines[0], seg.lines[1] + 1) if lines[n - 1].strip())
    assert covered == [n for n, line in enumerate(lines, 1) if line.strip()]
    assert "Home" not in doc.text and "Weather and traffic" not in doc.text


def test_a_flattened_table_after_its_lead_in_is_kept_and_a_pager_is_not() -> None:
    header = ["Pos.", "Team", "Played", "Pts"]
    rows = [[str(i), name, "12", str(30 - 3 * i)] for i, name in enumerate(["Rovers", "United", "Athletic", "City"], 1)]
    lines = ["Council expands bus network to three districts"] + BODY[:3] + ["The final standings after twelve rounds:"]
    lines += header + [cell for row in rows for cell in row] + BODY[3:]
    lines += ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Next"]
    doc = _doc(_spaced(lines))
    kept = doc.text.split("\n")
    assert "Athletic" in kept and "Pts" in kept and "21" in kept
    pager_start = lines.index("Next") - 9
    assert all(_action_of(doc, 2 * n + 1)[0] == "removed" for n in range(pager_start, pager_start + 10))


def test_short_lines_after_a_lead_in_are_the_story_s_list_but_not_after_a_label() -> None:
    items = ["Three new bus routes in the east", "A night line to the airport", "Free rides for pupils under twelve",
             "New shelters at forty stops"]
    lines = ["Council expands bus network to three districts"] + BODY + ["The plan approved on Tuesday includes:"] + items
    doc = _doc(_spaced(lines))
    assert all(item in doc.text.split("\n") for item in items)
    lines = ["Council expands bus network to three districts"] + BODY + ["Source:"] + items
    doc = _doc(_spaced(lines))
    assert not any(item in doc.text for item in items)


def test_a_templated_list_after_the_story_s_last_paragraph_and_its_heading_is_kept() -> None:
    dates = ["June 9 – Tampa, FL @ Harbor Arena", "June 10 – Miami, FL @ Bayfront Hall",
             "June 12 – Atlanta, GA @ Peach Pavilion (rescheduled)", "June 14 – Raleigh, NC @ Oak Park",
             "June 15 – Richmond, VA @ River Stage"]
    lines = ["Council expands bus network to three districts"] + BODY + ["The Bus Tour Dates"] + dates + [
        "Home", "News", "Privacy Policy"]
    doc = _doc(_spaced(lines))
    kept = doc.text.split("\n")
    assert all(date in kept for date in dates)
    assert "Privacy Policy" not in kept


def test_a_counted_list_with_links_between_its_items_is_kept_after_its_lead_in() -> None:
    items = [f"{n}) {name}" for n, name in enumerate(["Folding bike with spare tyre", "City map of the new routes",
                                                       "Rain cover for the bus stop bench", "Annual pass for two"], 1)]
    lines = ["Council expands bus network to three districts"] + BODY
    for n, item in enumerate(items):
        lines += [item, f"https://example.com/deal/{n}"]
    lines += ["Most Popular", "1. Mayor opens new library", "2. Storm closes schools", "3. Rail strike called off"]
    doc = _doc(_spaced(lines))
    kept = doc.text.split("\n")
    assert all(item in kept for item in items)
    assert not any(line.startswith("https://") for line in kept)
    assert "2. Storm closes schools" not in kept


def test_a_removed_hard_wrapped_block_keeps_its_raw_lines_in_provenance() -> None:
    import textwrap

    footer = textwrap.wrap("About the council: the council is the elected body that runs the city's buses, "
                           "roads and parks, and it meets in public every second week of the month at the hall.", 60)
    lines = ["Council expands bus network to three districts", ""] + _spaced(BODY) + ["About us", ""] + footer
    doc = _doc(lines)
    removed = [seg for seg in doc.segments if seg.action == "removed" and "elected body" in seg.text]
    assert removed and removed[0].text.count("\n") + 1 == len(footer)


def test_a_sentence_broken_at_its_links_is_joined_and_a_list_is_not() -> None:
    split = ["Bus use is up about 40% this year, easily outpacing the", "Northern Rail Line", "and",
             "Airport Express", "over the same span."]
    lines = ["Council expands bus network to three districts", ""] + _spaced(BODY) + split
    doc = _doc(lines)
    joined = " ".join(split)
    assert joined in doc.text.split("\n\n")
    assert _action_of(doc, len(lines) - 4)[0] == "kept"
    # a menu or a list of names breaks after whole names, each capitalised, and ends no sentence
    menu = ["Home", "News about the city", "Sport", "Weather."]
    doc = _doc(["Council expands bus network to three districts", ""] + _spaced(BODY) + menu)
    assert not any(" ".join(menu) in p.text for p in doc.paragraphs)


def test_a_short_label_glued_above_a_wrapped_paragraph_is_not_joined_into_it() -> None:
    import textwrap

    wrapped = textwrap.wrap(BODY[0] + " " + BODY[1].lower(), width=60)
    lines = ["Council expands bus network to three districts", "", "Photos"] + wrapped + [""] + _spaced(BODY[2:])
    doc = _doc(lines)
    assert doc.paragraphs[0].text.startswith(BODY[0]) and "Photos" not in doc.paragraphs[0].text


def test_an_earlier_copy_of_a_worded_caption_is_removed_but_a_lead_reused_as_caption_stays() -> None:
    caption = "Commuters wait for a bus in the rain in the eastern district on Monday. (AP Photo/Jane Roe)"
    lines = ["Council expands bus network"] + BODY[:3] + [caption, "Photo: Jane Roe", caption] + BODY[3:]
    doc = _doc(_spaced(lines))
    assert caption not in doc.text and all(body in doc.text for body in BODY)
    # a caption printed twice in a row, once by itself and once beside its credit
    twice = "Commuters wait for a bus in the rain in the eastern district on Monday, March 4, 2024, in the city"
    lines = ["Council expands bus network"] + BODY[:3] + [twice, twice, "Photo: Jane Roe, AP"] + BODY[3:]
    doc = _doc(_spaced(lines))
    assert twice not in doc.text and _action_of(doc, 9) == ("removed", "caption.repeat")
    # the story's lead reused beside a credit further down is a caption there, and still the lead
    lines = ["Council expands bus network", BODY[0]] + BODY[1:3] + [BODY[0], "Jane Roe/AP"] + BODY[3:]
    doc = _doc(_spaced(lines))
    assert doc.text.startswith(BODY[0]) and _action_of(doc, 9) == ("removed", "caption.beside-credit")


def test_cards_with_two_word_titles_over_short_teasers_close_the_page() -> None:
    cards = ["Buckwheat diet", "The most popular diet. Lose up to twelve kilos in two weeks with two menus.",
             "Cabbage diet", "A highly effective diet that lets you lose up to ten kilos in ten days.",
             "Apple diet", "A simple and effective diet with very few limits and fast results for everyone."]
    doc = _doc(_spaced(["Council expands bus network"] + BODY + cards))
    assert [p.text for p in doc.paragraphs] == BODY
    # two-word subheadings over the story's own long paragraphs stay
    lines = ["Council expands bus network", BODY[0], "What changes", BODY[1] + " " + BODY[2],
             "Who pays", BODY[3] + " " + BODY[4], "What next", BODY[2] + " " + BODY[0]]
    doc = _doc(_spaced(lines))
    assert "Who pays" in doc.text and "What next" in doc.text


def test_a_standfirst_above_the_byline_is_header_and_its_copy_as_the_first_line_goes() -> None:
    dek = "THE COUNCIL has voted to expand the bus network into three new districts after months of debate."
    doc = _doc(_spaced(["Council expands bus network to three districts", dek, "By Maria Lopez",
                        "PUBLISHED: 10:48, Tue, Mar 5, 2024"] + BODY))
    assert dek not in doc.text and doc.author == "Maria Lopez"
    assert [p.text for p in doc.paragraphs] == BODY
    dek = "A summary of the council's plan to expand the bus network, and what it will cost residents."
    doc = _doc(_spaced(["Council expands bus network to three districts", dek, "By Maria Lopez", dek] + BODY))
    assert dek not in doc.text and [p.text for p in doc.paragraphs] == BODY


def test_a_press_release_s_company_paragraph_stays_and_an_author_bio_goes() -> None:
    blurb = "Acmecorp offers an open platform for publishers and networks, and serves more than two hundred clients worldwide."
    doc = _doc(_spaced(["Acmecorp names a new chief strategy officer"] + BODY + ["About Acmecorp", blurb, "Share on email"]))
    assert blurb in doc.text
    bio = "Jane Roe is a freelance writer based in Toronto. Her work has appeared in a number of publications."
    doc = _doc(_spaced(["Council expands bus network"] + BODY + ["About Jane Roe", bio, "Share on email"]))
    assert bio not in doc.text and _action_of(doc, 2 * len(BODY) + 5) == ("removed", "about.blurb")


def test_a_long_headline_in_capitals_inside_the_story_is_a_link_and_a_short_subhead_stays() -> None:
    link = "MAYOR'S OFFICE SAYS NEW TRAM LINE WILL OPEN NEXT SPRING AFTER DELAYS"
    lines = ["Home", "Council expands bus network"] + BODY[:2] + [link] + BODY[2:4] + ["WHAT HAPPENS NEXT"] + BODY[4:]
    doc = _doc(_spaced(lines))
    assert _action_of(doc, 9) == ("removed", "related.caps-headline")
    assert "WHAT HAPPENS NEXT" in doc.text.split("\n\n") and all(body in doc.text for body in BODY)


def test_the_line_under_an_image_caption_label_is_the_caption() -> None:
    caption = "Commuters wait for a bus in the eastern district, where three new routes will run"
    lines = ["Council expands bus network"] + BODY[:2] + ["Image copyright", "Getty Images", "Image caption", caption] + BODY[2:]
    doc = _doc(_spaced(lines))
    assert _action_of(doc, 13) == ("removed", "caption.labelled") and caption not in doc.text
    assert all(body in doc.text for body in BODY)


def test_linked_headlines_that_read_like_sentences_stay_in_the_list_and_the_story_resumes() -> None:
    lines = ["Council expands bus network", BODY[0], BODY[1], "Trending News",
             'Video shows dramatic rescue of a kidnapped cat: "We got her!"',
             "Mayor says the city will plant a thousand trees this year...",
             "Man arrested after stolen bus found in a car park: Police",
             "Riders wear masks to keep dry on the open top deck.", BODY[2], BODY[3], BODY[4]]
    doc = _doc(_spaced(lines))
    for line in (9, 11, 13):
        assert _action_of(doc, line) == ("removed", "related.list"), line
    assert "Riders wear masks to keep dry on the open top deck." in doc.text.split("\n\n")


def test_questions_and_answers_closing_an_interview_are_not_cards() -> None:
    qa = ["Q: Favourite bus route in the city?", "A: The number 12 along the river, because it passes every park and the old market hall.",
          "Q: Most memorable ride so far?", "A: The night bus after the final, when the whole top deck sang the team's song together.",
          "Q: What would you change first?", "A: More night buses on weekends, so that people can get home safely from the centre."]
    doc = _doc(_spaced(["Council expands bus network"] + BODY + qa))
    assert all(line in doc.text for line in qa)


def test_the_signature_of_an_embedded_post_closing_the_story_stays_with_it() -> None:
    post = "Who are we as a city if we leave the night riders behind? pic.twitter.com/abc123"
    signature = "— Mayor Jane Roe (@mayorjaneroe) March 4, 2024"
    lines = ["Council expands bus network"] + BODY + [post, signature, "Updated at 1:23 p.m.", "Tags Buses Council"]
    doc = _doc(_spaced(lines))
    assert signature in doc.text.split("\n\n") and "Updated at" not in doc.text


def test_a_recipe_s_ingredients_under_a_bare_label_are_kept_and_a_menu_is_not() -> None:
    ingredients = ["8-9 ripe pears, cored and peeled", "1 lemon, or about 1/4 cup lemon juice", "6 tbsp fruit pectin powder",
                   "1 tsp cinnamon", "½ tsp ground cloves"]
    lines = ["Home", "Council expands bus network"] + BODY[:3] + ["Ingredients"] + ingredients + ["Instructions"] + BODY[3:]
    doc = _doc(_spaced(lines))
    kept = doc.text.split("\n\n")
    assert all(item in kept for item in ingredients) and _action_of(doc, 13) == ("kept", "body.list-item")
    menu = ["Home", "World", "Business", "Sport", "Weather"]
    doc = _doc(_spaced(["Council expands bus network"] + BODY[:3] + menu + BODY[3:]))
    assert not any(item in doc.text.split("\n\n") for item in menu)


def test_a_camel_case_brand_the_page_repeats_is_no_glued_card() -> None:
    deal = "New Price Drop: 2019 Apple AirPods 2 Wireless Earphones for $139 (Originally $159)"
    card = "Police: 2 In Custody After Death Of Student-AthleteA 24-year-old woman and a man were arrested."
    lines = ["Black Friday deals go live today", BODY[0], "The AirPods are the best seller this week.", deal,
             BODY[1], card] + BODY[2:]
    doc = _doc(_spaced(lines))
    assert _action_of(doc, 7)[1] != "related.glued-teaser"
    assert _action_of(doc, 11) == ("removed", "related.glued-teaser")


def test_a_release_s_place_line_opens_its_text_and_the_summary_above_it_is_header() -> None:
    summary = "The council and the transit agency announce a partnership to expand the bus network into three districts."
    lines = ["Home", "News", "Council and agency expand the bus network", "March 4, 2024", summary, "SPRINGFIELD, ILLINOIS"] + BODY
    doc = _doc(_spaced(lines))
    assert summary not in doc.text
    assert doc.paragraphs[0].text == "SPRINGFIELD, ILLINOIS" and [p.text for p in doc.paragraphs[1:]] == BODY


def test_a_headline_glued_above_its_read_more_button_is_a_card() -> None:
    lines = _spaced(["Council expands bus network"] + BODY[:3]) + [
        "Mayor's Plan to Close the Old Depot Suffers Setback Over Costs", "Read more", ""] + _spaced(BODY[3:])
    doc = _doc(lines)
    assert _action_of(doc, 9) == ("removed", "related.list") and all(body in doc.text for body in BODY)


def test_the_line_under_a_photographer_s_copyright_is_the_caption_and_a_first_paragraph_is_not() -> None:
    caption = "Commuters wait for a bus in the eastern district of the city on Monday."
    lines = ["Council expands bus network"] + BODY[:2] + ["© Jane Roe", caption] + BODY[2:]
    doc = _doc(_spaced(lines))
    assert _action_of(doc, 9) == ("removed", "caption.beside-credit") and all(body in doc.text for body in BODY)
    long_lead = BODY[0] + " " + BODY[1]
    doc = _doc(_spaced(["Council expands bus network", "© Jane Roe", long_lead] + BODY[2:]))
    assert long_lead in doc.text


def test_a_headline_printed_twice_in_a_row_inside_the_story_is_a_card() -> None:
    card = "Column: A firm's bid for the depot shows there's still value in buses — for plundering"
    lines = ["Home", "Council expands bus network"] + BODY[:3] + [card, card] + BODY[3:]
    doc = _doc(_spaced(lines))
    assert _action_of(doc, 11) == ("removed", "related.doubled-headline") and card not in doc.text
    assert all(body in doc.text for body in BODY)


def test_a_page_that_opens_with_a_comment_s_meta_is_a_comment_and_an_article_s_byline_is_not() -> None:
    comment = [
        "Hi Jane, I have ridden these buses for twenty years and the new routes will not help anyone past the river.",
        "What I am wondering is whether the council asked riders at all before it drew the new map for the east.",
    ]
    doc = _doc(_spaced(["Pat Reader", "August 8, 2018 at 7:21 pm"] + comment))
    assert doc.paragraphs == () and doc.published is None
    assert _action_of(doc, 1) == ("removed", "comments.entry") and _action_of(doc, 5) == ("removed", "comments.entry")
    # a thread: a second comment's meta and a "Reply" prompt carry the run on, a menu line ends it
    doc = _doc(_spaced(["Pat Reader", "August 8, 2018 at 7:21 pm", comment[0], "Reply", "Sam Rider says:",
                        "August 9, 2018 at 10:02 am", comment[1], "Facebook Twitter Email"]))
    assert doc.paragraphs == () and _action_of(doc, 13) == ("removed", "comments.entry")
    # the same pair under a headline is the article's byline and time; with a comma it dates an article anywhere
    for lines in (["Council expands bus network", "Jane Roe", "August 8, 2018 at 7:21 pm"] + BODY,
                  ["Jane Roe", "November 19, 2019, 9:02 AM"] + BODY):
        doc = _doc(_spaced(lines))
        assert [p.text for p in doc.paragraphs] == BODY


def test_paragraphs_each_under_their_own_share_bar_are_cards_and_a_story_under_one_bar_is_not() -> None:
    bar = "Whatsapp   Facebook   Pint   Baixar"
    cards = [
        "Union leaders accepted a revised offer on pay and hours after talks that ran past midnight on Sunday …",
        "The wing, paid for by local donors, adds reading rooms, a workshop and space for school visits in town.",
        "Engineers will start work in the spring on walls that the agency says will protect two thousand homes …",
    ]
    lines = ["Council expands bus network", bar] + BODY + ["You might like", bar, cards[0], bar, cards[1], bar, cards[2]]
    doc = _doc(_spaced(lines))
    assert [p.text for p in doc.paragraphs] == BODY
    assert _action_of(doc, 19) == ("removed", "related.shared-cards")
    # two shared paragraphs are no list of cards, and a story under one bar stays whole
    doc = _doc(_spaced(["Council expands bus network", bar, BODY[0], bar, BODY[1]]))
    assert [p.text for p in doc.paragraphs] == BODY[:2]
    doc = _doc(_spaced(["Council expands bus network", bar] + BODY + [bar]))
    assert [p.text for p in doc.paragraphs] == BODY


def test_a_long_text_under_a_label_and_a_comment_style_time_is_an_article() -> None:
    long_body = [f"In part {k}, {sentence[0].lower()}{sentence[1:]}" for k in range(5) for sentence in BODY]  # 500 words
    doc = _doc(_spaced(["World News", "August 8, 2018 at 7:21 pm"] + long_body))
    assert [p.text for p in doc.paragraphs] == long_body


def test_questions_each_over_its_answer_closing_the_page_are_its_faq_not_cards() -> None:
    faq = [
        "When do the new routes open?", "The first routes open in the spring, and the rest follow before the end of next year.",
        "How much will a ticket cost?", "A single ride costs the same as today, and monthly passes stay at their current price.",
        "Who pays for the expansion?", "The council pays most of it from its transport budget, with a grant from the state.",
    ]
    doc = _doc(_spaced(["Council expands bus network"] + BODY + faq))
    assert [p.text for p in doc.paragraphs] == BODY + faq
    # the same pairs under a lead-in ending in ':' are the list it announces
    items = [
        "Riverside line", "Buses run from the station to the hospital every ten minutes, from six in the morning.",
        "Northgate line", "The line links the university campus with the new housing estates north of the ring road.",
        "Harbour line", "A late-night service connects the ferry terminal with the centre on Fridays and Saturdays.",
    ]
    lead = "The council named the three new lines and what each of them will serve:"
    doc = _doc(_spaced(["Council expands bus network"] + BODY + [lead] + items))
    assert [p.text for p in doc.paragraphs] == BODY + [lead] + items


def test_a_spec_list_between_two_stretches_of_story_is_kept_with_both() -> None:
    specs = ["Length: twelve metres, with room for ninety riders", "Range: about three hundred kilometres a charge",
             "Charging: four hours at the depot overnight", "Doors: three, with a ramp at the middle door",
             "Seats: thirty-two, eight of them folding", "Screens: route maps at every door and the front",
             "Heating: a heat pump that also cools in summer", "Wi-Fi: free for every rider on every route",
             "Cameras: six inside, two outside at the doors", "Bikes: a rack for two bicycles at the front",
             "Noise: quieter than the diesel buses it replaces", "Delivery: the first ten buses arrive in the spring"]
    after = BODY[3:] + ["Drivers will train on the new buses over the winter, the agency said, before the first routes open."]
    lines = ["Home", "Council expands bus network", *BODY[:3], "The new buses", *specs, *after]
    doc = _doc(_spaced(lines))
    assert [p.text for p in doc.paragraphs] == BODY[:3] + ["The new buses"] + specs + after
    assert _action_of(doc, 11) == ("kept", "body.block")  # the list's own heading
    # the same run in one-word lines is a menu: it costs the window its full weight, and its lines go
    menu = ["World", "Business", "Sport", "Weather", "Travel", "Culture", "Science", "Health", "Style", "Food", "Video", "Audio"]
    doc = _doc(_spaced(["Home", "Council expands bus network", *BODY[:3], *menu, *after]))
    assert not any(item in doc.text.split("\n\n") for item in menu)


def test_a_run_of_short_lines_holding_frame_furniture_still_splits_the_page() -> None:
    # a share bar and a newsletter prompt among short lines: the page's frame, so the paragraph after it is not story
    frame = ["Share this article", "Sign up for our newsletter", "More from the city desk team",
             "Our reporters and editors", "Contact the newsroom today", "Jobs at the paper and more"]
    island = "The paper is owned by a trust, and its editors decide what it covers without any say from the owners."
    doc = _doc(_spaced(["Council expands bus network"] + BODY + frame + [island]))
    assert [p.text for p in doc.paragraphs] == BODY
