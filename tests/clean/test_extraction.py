"""HTML extraction: archives read like single pages, provenance covers the page, clutter leaves, the AEB floor holds."""
from __future__ import annotations

import gzip
import json
import logging
from pathlib import Path

import pytest

from conftest import extraction_scorer, macro_f1, shared_path, warc_record
from wirewash.tasks.clean.cleaner import clean_document
from wirewash.tasks.clean.extraction import extract_html
from wirewash.tasks.clean.html_decide import HTML_UNPROVEN_RULES, decide_lines
from wirewash.tasks.clean.html_trafilatura import ExtractedLine, _run_on_share
from wirewash.tasks.clean.lines import count_words
from wirewash.tasks.clean.metadata import with_record_metadata
from wirewash.tasks.clean.rules import match_line
from wirewash.tasks.clean.source_map import locate_lines
from wirewash.tasks.read.intake import RawText, read_source
from wirewash.tasks.records import Document

AEB_F1_FLOOR = 0.979
"""Measured 0.9799 with readability allowed to drop what a fast pass ran together (one page, 0.76 -> 1.00), 0.9786 with readability's third opinion (0.9776 before), 0.978 in session 3, 0.9753 in session 1 (trafilatura alone, ``extract(html, include_comments=False)``: 0.960; scripts/eval_html.py).
May rise, never drop."""

SENTENCES = [
    "The regional council approved a plan on Tuesday to rebuild the harbour wall that storms damaged last winter.",
    "Engineers said the work would take two years and would be paid for by a mix of national and local funds.",
    "Fishing crews, who have moored elsewhere since January, welcomed the decision but asked for a faster timetable.",
    "The council's leader said the first contracts would be signed before the summer, once the designs were final.",
    "Residents living near the harbour will be consulted on the route that lorries take to reach the site each day.",
]


def _read_all(raw_dir: Path, names: list[str], max_bytes: int) -> list:
    """Every item the named raw files yield, in order (what a read task gets for a batch)."""
    return [item for name in names for item in read_source(raw_dir, name, max_bytes)]


def article_page(n: int) -> str:
    """A news page with a menu, a headline, five paragraphs, a related-links list and a footer."""
    paragraphs = "\n".join(f"<p>{s.replace('harbour', f'harbour {n}')}</p>" for s in SENTENCES)
    related = "\n".join(f'<li><a href="/story/{n}{k}">Another harbour story number {k} from the archive</a></li>' for k in range(4))
    return (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Harbour wall {n} to be rebuilt</title>\n</head>\n<body>\n"
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>\n'
        f"<article>\n<h1>Harbour wall {n} to be rebuilt</h1>\n{paragraphs}\n"
        f"<h3>Related stories</h3>\n<ul>\n{related}\n</ul>\n</article>\n"
        "<footer><p>Copyright 2019 Example Media. All rights reserved.</p></footer>\n</body>\n</html>\n"
    )


def assert_covers_every_line_once(doc: Document, html: str) -> None:
    covered: list[int] = []
    for seg in doc.segments:
        covered += range(seg.lines[0], seg.lines[1] + 1)
    nonblank = {n for n, line in enumerate(html.split("\n"), start=1) if line.strip()}
    assert len(covered) == len(set(covered)), "a line is covered twice"
    assert nonblank <= set(covered)


def test_extracts_body_and_records_every_line() -> None:
    html = article_page(1)
    doc = extract_html("p1", "p1.html", "example", html)
    assert [p.text for p in doc.paragraphs][:1] == [SENTENCES[0].replace("harbour", "harbour 1")]
    assert "Another harbour story" not in doc.text and "Copyright" not in doc.text
    assert doc.title == "Harbour wall 1 to be rebuilt"
    assert_covers_every_line_once(doc, html)
    assert all(seg.file == "p1.html" for seg in doc.segments)


def test_link_lists_and_headline_are_removed_by_named_rules() -> None:
    lines = [
        ExtractedLine("Harbour wall to be rebuilt"),
        ExtractedLine(SENTENCES[0]),
        ExtractedLine("Another harbour story from the archive", 1.0),
        ExtractedLine("Yet another harbour story", 0.9),
        ExtractedLine("https://example.com/source-document", 1.0),
        ExtractedLine("A single linked phrase", 1.0),
        ExtractedLine(SENTENCES[1]),
    ]
    decisions = decide_lines(lines, "Harbour wall to be rebuilt")
    assert [(d.action, d.rule) for d in decisions] == [
        ("title", "title.headline"), ("kept", "body.paragraph"), ("removed", "related.list"), ("removed", "related.list"),
        ("kept", "body.paragraph"),  # a URL in an article body is content, not the scrape's address
        ("kept", "body.paragraph"),  # one linked line alone is not a list
        ("kept", "body.paragraph"),
    ]


def test_locate_lines_finds_text_split_by_tags_and_lines() -> None:
    html = "<html>\n<body>\n<p>First <b>bold</b>\nwords of a paragraph</p>\n<p>Second &amp; last</p>\n</body></html>"
    assert locate_lines(html, ["First bold words of a paragraph", "Second & last"]) == [3, 5]


def _clean(raws: list[RawText | object]) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in raws:
        assert isinstance(raw, RawText), raw
        out[raw.source] = clean_document(raw).text
    return out


def test_warc_and_jsonl_give_the_same_text_as_single_pages(tmp_path: Path) -> None:
    pages = {n: article_page(n) for n in range(3)}
    for n, html in pages.items():
        (tmp_path / f"p{n}.html").write_text(html, encoding="utf-8")
    single = _clean(_read_all(tmp_path, [f"p{n}.html" for n in pages], 1_000_000))
    warc = b"".join(warc_record(f"https://example.com/p{n}", html.encode()) for n, html in pages.items())
    (tmp_path / "crawl.warc.gz").write_bytes(b"".join(gzip.compress(warc_record(f"https://example.com/p{n}", html.encode()))
                                                      for n, html in pages.items()))
    (tmp_path / "plain.warc").write_bytes(warc)
    (tmp_path / "export.jsonl").write_text(
        "\n".join(json.dumps({"url": f"https://example.com/p{n}", "html": html}) for n, html in pages.items()) + "\n",
        encoding="utf-8")
    for archive in ("crawl.warc.gz", "plain.warc", "export.jsonl"):
        raws = _read_all(tmp_path, [archive], 1_000_000)
        texts = list(_clean(raws).values())
        assert texts == [single[f"p{n}.html"] for n in pages], archive
        assert all(t for t in texts)


def test_record_provenance_names_archive_and_record(tmp_path: Path) -> None:
    html = article_page(7)
    (tmp_path / "c.warc").write_bytes(warc_record("https://example.com/p7", html.encode()))
    (raw,) = _read_all(tmp_path, ["c.warc"], 1_000_000)
    assert isinstance(raw, RawText)
    doc = with_record_metadata(clean_document(raw), raw)
    assert {seg.file for seg in doc.segments} == {"c.warc#https://example.com/p7"}
    assert doc.id == raw.name and doc.url == "https://example.com/p7"
    assert_covers_every_line_once(doc, raw.text)


def test_jsonl_text_records_go_through_the_text_cleaner(tmp_path: Path) -> None:
    text = "\n\n".join(SENTENCES + ["Advertisement"])
    (tmp_path / "e.jsonl").write_text(json.dumps({"text": text, "title": "Harbour", "published": "2019-11-19"}) + "\n")
    (raw,) = _read_all(tmp_path, ["e.jsonl"], 1_000_000)
    assert isinstance(raw, RawText) and raw.format == "text"
    doc = with_record_metadata(clean_document(raw), raw)
    assert "Advertisement" not in doc.text and SENTENCES[0] in doc.text
    assert doc.published == "2019-11-19"
    assert {seg.file for seg in doc.segments} == {"e.jsonl#L1"}


def test_aeb_html_f1_floor() -> None:
    """Quality gate: our HTML extraction on the 181 AEB pages, scored like the benchmark."""
    html_dir = shared_path("evaldata", "aeb", "html")
    gold_path = shared_path("evaldata", "aeb", "ground-truth.json")
    scorer = extraction_scorer()
    gold = scorer.load_gold(gold_path)
    logging.disable(logging.WARNING)
    try:
        raws = _read_all(html_dir, sorted(p.name for p in html_dir.glob("*.html.gz")), 50_000_000)
        texts = {raw.name: clean_document(raw).text for raw in raws if isinstance(raw, RawText)}
    finally:
        logging.disable(logging.NOTSET)
    f1 = macro_f1(scorer, gold, texts)
    assert len(texts) == len(gold) == 181
    assert f1 >= AEB_F1_FLOOR, f"AEB HTML F1 {f1:.4f} fell below the floor {AEB_F1_FLOOR}"


@pytest.mark.parametrize("kind", ["html", "text"])
def test_with_record_metadata_leaves_plain_files_alone(kind: str) -> None:
    raw = RawText("a.txt", "a", "o", kind, "x", "utf-8", url="https://e.com/a")
    doc = Document(id="a", source="a.txt", outlet="o")
    assert with_record_metadata(doc, raw).url is None


# --- line filtering after trafilatura (tasks/clean/html_decide.py) -------------------------------------


def _decide(lines: list[ExtractedLine], title: str | None = None) -> list[tuple[str, str]]:
    return [(d.action, d.rule) for d in decide_lines(lines, title)]


def test_caption_is_removed_and_a_sentence_about_a_photo_is_kept() -> None:
    caption = "Rescuers search the rubble of the harbour wall on Monday. (Photo by John Smith/Getty Images)"
    about_photo = "A photo of the scene shows the harbour wall after it collapsed, killing three people."
    decided = _decide([ExtractedLine(SENTENCES[0]), ExtractedLine(caption), ExtractedLine(about_photo),
                       ExtractedLine(SENTENCES[1])])
    assert decided[1][0] == "removed" and decided[1][1] and decided[1][1].startswith("caption.")
    assert decided[2] == ("kept", "body.paragraph") and decided[0] == decided[3] == ("kept", "body.paragraph")


@pytest.mark.parametrize("line", [
    "Yes! Simply email help@example.org after you buy the course and we will send the worksheets.",
    "Check out our picks for the best tents below, tested on three weekend trips.",
    "Jane Doe, staff writer",
])
def test_rules_unproven_on_extracted_lines_are_not_tried_there(line: str) -> None:
    """promo.contact, promo.check-out and byline.role read these lines as page furniture in a flattened page;
    among the lines trafilatura keeps they were mostly the article's own (html_decide.HTML_UNPROVEN_RULES)."""
    rule = match_line(line, count_words(line))
    assert rule is not None and rule.id in HTML_UNPROVEN_RULES  # the text path still removes it
    decided = _decide([ExtractedLine(SENTENCES[0]), ExtractedLine(line), ExtractedLine(SENTENCES[1])])
    assert decided[1] == ("kept", "body.paragraph")


def test_copyright_closing_the_story_is_kept_elsewhere_removed() -> None:
    notice = "© 2019 Associated Press. All Rights Reserved. This material may not be published, broadcast, rewritten, or redistributed."
    closing = _decide([ExtractedLine(SENTENCES[0]), ExtractedLine(SENTENCES[1]), ExtractedLine(notice)])
    assert closing[2] == ("kept", "body.paragraph")  # a wire story's own closing notice
    footer = _decide([ExtractedLine(SENTENCES[0]), ExtractedLine(SENTENCES[1]), ExtractedLine("Thank you"),
                      ExtractedLine("Copyright 2019 Example Media. All rights reserved.")])
    assert footer[3] == ("removed", "legal.copyright")


def test_teaser_cards_and_footer_after_the_story_are_removed() -> None:
    lines = [
        ExtractedLine(SENTENCES[0]), ExtractedLine(SENTENCES[1]),
        ExtractedLine("- Pier reopens after repairs The town's pier reopened on Friday after a year of work.", 0.35),
        ExtractedLine("- Ferry timetable changes Ferries will run less often during the winter months.", 0.3),
        ExtractedLine("Sign up for our newsletter"),
        ExtractedLine("Sorry!"),
        ExtractedLine("There was an error processing your subscription."),
    ]
    decided = _decide(lines)
    assert decided[:4] == [("kept", "body.paragraph"), ("kept", "body.paragraph"), ("removed", "related.list"), ("removed", "related.list")]
    assert decided[4][0] == "removed" and str(decided[4][1]).startswith("promo.")
    assert decided[5:] == [("removed", "zone.footer"), ("removed", "zone.footer")]


def test_a_linked_list_item_inside_the_story_is_not_a_teaser() -> None:
    lines = [ExtractedLine(SENTENCES[0]),
             ExtractedLine("- the harbour wall report, which the council published on Monday morning", 0.3),
             ExtractedLine("- the minutes of the meeting at which the councillors voted on the plan", 0.3),
             ExtractedLine(SENTENCES[1])]
    assert [action for action, _ in _decide(lines)] == ["kept"] * 4


def test_header_lines_before_the_story() -> None:
    lines = [
        ExtractedLine("https://example.com/news/harbour-wall-rebuilt"),
        ExtractedLine("Harbour wall to be rebuilt after winter storms"),
        ExtractedLine("The council has found the money for the work at last"),
        ExtractedLine(SENTENCES[0]), ExtractedLine(SENTENCES[1]),
    ]
    assert _decide(lines, "Harbour wall to be rebuilt after winter storms") == [
        ("metadata", "source-url.line"), ("title", "title.headline"), ("removed", "dek.standfirst"),
        ("kept", "body.paragraph"), ("kept", "body.paragraph"),
    ]
    # with no page title to compare, an unpunctuated line right above the first paragraph is the headline
    assert _decide(lines[1:2] + lines[3:])[0] == ("title", "title.headline")
    # a dateline label or a line with an address is not
    assert _decide([ExtractedLine("Tested by: Jane Doe More info: www.example.com")] + lines[3:])[0] == ("kept", "body.paragraph")
    assert _decide([ExtractedLine("BAAR, SWITZERLAND")] + lines[3:])[0] == ("kept", "body.paragraph")


def test_a_rule_hit_inside_a_kept_list_is_read_in_context() -> None:
    items = ["- Automatically on, automatically connected", "- Easy setup for all your Apple devices",
             "- Quick access to Siri by saying Hey Siri"]
    lines = [ExtractedLine(SENTENCES[0])] + [ExtractedLine(item) for item in items] + [ExtractedLine(SENTENCES[1])]
    assert [action for action, _ in _decide(lines)] == ["kept"] * 5


def test_a_shouted_link_between_paragraphs_is_a_teaser() -> None:
    teaser = ExtractedLine("HARBOUR TOWN VOTES TO KEEP ITS LIFEBOAT STATION OPEN", 1.0)
    product = ExtractedLine("Harbour Works 3-in-1 Mooring Kit", 1.0)
    decided = _decide([ExtractedLine(SENTENCES[0]), teaser, ExtractedLine(SENTENCES[1]), product, ExtractedLine(SENTENCES[2])])
    assert decided[1] == ("removed", "related.inline") and decided[3] == ("kept", "body.paragraph")


def test_run_on_lines_are_measured() -> None:
    menu = ExtractedLine(" ".join(f"Section{n}" for n in range(300)) + " " + SENTENCES[0])
    assert _run_on_share([menu, ExtractedLine(SENTENCES[1])]) > 0.5
    long_paragraph = ExtractedLine(" ".join(SENTENCES * 8))  # 150+ words, a sentence end every ~19
    assert _run_on_share([long_paragraph]) == 0.0


def test_locate_lines_skips_scripts_and_trafilatura_markup() -> None:
    html = ('<html>\n<head>\n<script type="application/ld+json">{"articleBody": "The first paragraph of the story"}</script>\n'
            "<!-- <p>Second paragraph of the story</p> -->\n</head>\n<body>\n<p>The first paragraph of the story</p>\n"
            "<ul>\n<li>Second paragraph of the story</li>\n</ul>\n<table><tr><td>Cell one of the table</td><td>two</td></tr></table>\n"
            "</body>\n</html>")
    assert locate_lines(html, ["The first paragraph of the story", "- Second paragraph of the story",
                               "| Cell one of the table | two |"]) == [7, 9, 11]


def test_link_markers_never_reach_the_text() -> None:
    html = article_page(3).replace(
        "<h3>Related stories</h3>",
        '<p>See <a href="/a"><b>the council report</b> <i>in full</i></a></p>\n<p><a href="/b"><span>Harbour</span></a></p>')
    doc = extract_html("p3", "p3.html", "example", html)
    assert not any(mark in seg.text for seg in doc.segments for mark in "\u2983\u2984")
    assert_covers_every_line_once(doc, html)


def test_headline_matches_the_page_title_without_the_site_name() -> None:
    lines = [ExtractedLine("Harbour wall to be rebuilt after the storms"), ExtractedLine(SENTENCES[0]), ExtractedLine(SENTENCES[1]),
             ExtractedLine("Harbour wall")]
    decided = _decide(lines, "Harbour wall to be rebuilt after the storms - Example News")
    assert decided[0] == ("title", "title.headline")
    assert decided[3] == ("kept", "body.paragraph")  # a few words of the title are not the headline


def test_wire_notice_closing_the_story_is_kept_and_names_the_holder() -> None:
    notice = "© 2019 Associated Press. All Rights Reserved. This material may not be published, broadcast, rewritten, or redistributed."
    html = article_page(4).replace("\n<h3>Related stories</h3>", f"\n<p>{notice}</p>\n<h3>Related stories</h3>")
    doc = extract_html("p4", "p4.html", "example", html)
    assert doc.text.endswith(notice) and doc.copyright and doc.copyright.startswith("Associated Press")
    assert_covers_every_line_once(doc, html)


def test_author_from_a_marked_byline_element() -> None:
    html = article_page(5).replace("<article>\n", '<article>\n<p class="byline">By Jane Doe and John Roe</p>\n')
    assert extract_html("p5", "p5.html", "example", html).author == "Jane Doe; John Roe"
    dated = article_page(6).replace("<article>\n", '<article>\n<span class="byline">Updated 20 Nov 2019 08:00</span>\n')
    assert extract_html("p6", "p6.html", "example", dated).author is None


def test_the_copyright_notice_is_read_from_the_line_rules_as_the_rule_reads_it() -> None:
    """extract_html finds the page's notice from each line's first catching rule instead of re-running the rule."""
    from wirewash.tasks.clean.html_decide import _read_line, is_notice
    from wirewash.tasks.clean.rules import RULES

    notice = RULES["legal.copyright"]
    lines = {
        "Copyright 2019 Example Media. All rights reserved.": "legal.copyright",  # the rule itself caught it
        "We use cookies. Copyright 2019 Example Media. All rights reserved.": "cookie.notice",  # an earlier rule did
        "We use cookies to improve your experience on our site.": "cookie.notice",  # an earlier rule, no notice
        "By Jane Doe": "byline.by",  # a later rule: the copyright rule was tried first and missed
        SENTENCES[0]: None,  # no rule
    }
    for text, first_id in lines.items():
        words, first = _read_line(text)
        assert (first.id if first else None) == first_id, text
        assert is_notice(text, words, first) == notice.matches(text, words), text
    assert sum(notice.matches(text, _read_line(text)[0]) for text in lines) == 2


def test_the_author_xpath_finds_what_an_element_by_element_test_finds() -> None:
    from lxml.etree import XPath
    from lxml.html import fromstring

    from wirewash.tasks.clean.html_metadata import _AUTHOR_XPATH

    page = fromstring(
        '<html><body><div class="authors"><span itemprop="author">A</span></div><a rel="author">B</a>'
        '<p class="byline">C</p><p class="post-byline big">D</p><div class="author"><i class="author-name x">E</i></div>'
        '<p rel="nofollow" class="writer">F</p><p itemprop="author" class="byline">G</p></body></html>')
    element_by_element = XPath('//*[@itemprop="author" or @rel="author" or @class="author" or @class="byline"'
                               ' or contains(@class, "author-name") or contains(@class, "byline")]')
    found = _AUTHOR_XPATH(page)
    assert [e.text_content() for e in found] == ["A", "B", "C", "D", "E", "E", "G"]
    assert found == element_by_element(page)


def test_the_fast_pass_on_the_tree_itself_is_bare_extraction_on_a_copy() -> None:
    """:func:`_fast_body` repeats ``bare_extraction`` without its copy of the page: the same body, tag for tag.

    It calls trafilatura's internal cascade, so a trafilatura upgrade that changes what
    ``bare_extraction`` does around it shows here first.
    """
    import trafilatura
    from lxml.etree import tostring

    from wirewash.tasks.clean.html_trafilatura import _fast_body, _trafilatura_sequence

    assert _trafilatura_sequence() is not None, "the installed trafilatura's cascade no longer fits _fast_body"
    html_dir = shared_path("evaldata", "aeb", "html")
    pages = [article_page(7)] + [raw.text for raw in _read_all(html_dir, sorted(p.name for p in html_dir.glob("*.html.gz"))[:12],
                                                              50_000_000) if isinstance(raw, RawText)]
    options = {"include_comments": False, "include_tables": True, "include_links": True, "deduplicate": False,
               "output_format": "txt"}
    logging.disable(logging.WARNING)
    try:
        for html in pages:
            expected = trafilatura.bare_extraction(trafilatura.load_html(html), fast=True, **options)
            body = _fast_body(trafilatura.load_html(html), options)
            assert (tostring(body) if body is not None else None) == (
                tostring(expected.body) if expected is not None and expected.body is not None else None)
    finally:
        logging.disable(logging.NOTSET)
