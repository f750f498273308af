"""Which extraction of a page is kept, and when the rules after trafilatura back off: golden cases."""
from __future__ import annotations

import lxml.html
import pytest

from wirewash.tasks.clean import html_trafilatura, top_node
from wirewash.tasks.clean.extraction import extract_html
from wirewash.tasks.clean.html_decide import decide_lines
from wirewash.tasks.clean.html_trafilatura import ExtractedLine, _take_second, run_trafilatura
from wirewash.tasks.clean.extractor_choice import (adds_text, agreement, long_paragraphs, merged_block, referee,
                                                   under_covered)
from test_extraction import SENTENCES

PROSE = [" ".join(SENTENCES[i:] + SENTENCES[:i]) for i in range(len(SENTENCES))]
"""Five different paragraphs of prose, each far longer than a long paragraph's minimum."""


def _paragraphs(body: str) -> list[str]:
    return long_paragraphs(lxml.html.fromstring(f"<html><body>{body}</body></html>")).split("\n")


def test_long_paragraphs_are_the_articles_prose() -> None:
    assert _paragraphs(f"<article><p>{PROSE[0]}</p><p>Short caption.</p><ul><li>{PROSE[1]}</li></ul></article>") == \
        [PROSE[0], PROSE[1]]


@pytest.mark.parametrize("chrome", [
    f"<nav><p>{PROSE[1]}</p></nav>", f"<footer><p>{PROSE[1]}</p></footer>", f"<aside><p>{PROSE[1]}</p></aside>",
    f"<header><p>{PROSE[1]}</p></header>",
    f'<div class="comments"><p>{PROSE[1]}</p></div>',  # a reader comment section, as trafilatura finds them
    f"<article><article><p>{PROSE[1]}</p></article></article>",  # an item of its own inside the article
    f'<a href="/other"><p>{PROSE[1]}</p></a>',  # a card whose whole box is one link
    f'<p><a href="/a">{PROSE[1]}</a> and more</p>',  # mostly link text
    f'<ul><li>Menu<ul><li><a href="/x">{PROSE[1][:40]}</a></li></ul> {PROSE[1]}</li></ul>',  # a menu's top item
    f'<figure><img src="harbour.jpg"><p>{PROSE[1]}</p></figure>',  # a picture's caption
    f'<ul><li><img src="harbour.jpg"><div>{PROSE[1]}</div></li></ul>',  # a gallery's slide
])
def test_long_paragraphs_leave_out_page_chrome_comments_cards_and_menus(chrome: str) -> None:
    assert _paragraphs(f"<article><p>{PROSE[0]}</p></article>{chrome}") == [PROSE[0]]


def test_under_covered_needs_evidence() -> None:
    paragraphs = "\n".join(PROSE)  # about 2,700 characters
    assert under_covered(300, paragraphs)
    assert not under_covered(len(paragraphs), paragraphs)
    assert not under_covered(10, PROSE[0][:300])  # too little paragraph text to judge by


def test_merged_block_is_the_article_run_together_on_one_line() -> None:
    paragraphs = "\n".join(PROSE[:3])
    assert merged_block(["Photo: Harbour Trust " + " ".join(PROSE[:3])], paragraphs)
    assert merged_block(["Harbour wall", "Caption. " + PROSE[0] + "  " + PROSE[1]], paragraphs)  # whitespace folded
    # negatives: the paragraphs on lines of their own; one paragraph on a line (a short post); a third line
    assert not merged_block(PROSE[:3], paragraphs)
    assert not merged_block([PROSE[0]], paragraphs)
    assert not merged_block(["Harbour wall", "By Ann Lee", PROSE[0] + " " + PROSE[1]], paragraphs)
    assert not merged_block([" ".join(PROSE[:3])], "")  # no long paragraphs to tell by


def test_referee_prefers_the_extraction_that_agrees_with_the_paragraphs() -> None:
    paragraphs = "\n".join(PROSE[:3])
    box = ["Top deals this week", PROSE[0][:120]]
    assert referee(box, PROSE[:3], paragraphs) is True
    assert referee(PROSE[:3], box, paragraphs) is False
    assert referee(PROSE[:3], PROSE[:3], paragraphs) is False  # a tie keeps the first
    # paragraphs that neither extraction shares (reader comments, another post) say nothing
    comments = ("I have lived by this harbour for forty years and never once seen the council keep a promise. "
                "My neighbour says the same, and she has been here even longer than me.")
    assert referee(box, ["An unrelated list of other posts on the site, one after another."], comments) is None
    assert agreement([], paragraphs) == 0.0


def test_a_second_opinion_must_add_text() -> None:
    assert adds_text(["Top deals this week", PROSE[0][:120]], PROSE[:3])  # the article, where the first kept a box
    assert not adds_text(PROSE[:3], [PROSE[0][:200], PROSE[2][:150]])  # a part of the first only drops text
    assert not adds_text(PROSE[:3], PROSE[:3])
    assert not adds_text(PROSE[:3], [])


def test_the_second_extraction_replaces_the_first_on_the_pages_evidence() -> None:
    box = [ExtractedLine("Top deals this week"), ExtractedLine(PROSE[0][:120])]
    article = [ExtractedLine(text) for text in PROSE[:3]]
    paragraphs = "\n".join(PROSE[:3])
    assert _take_second(box, article, paragraphs, 140, 0.0)
    assert not _take_second(article, box, paragraphs, 2000, 0.0)
    # no paragraphs to judge by: a short first extraction gives way to a longer one, never to an empty one
    assert _take_second(box, article, "", 140, 0.0)
    assert not _take_second(box, [], paragraphs, 140, 0.0)


def _page(body: str) -> str:
    return f"<!DOCTYPE html>\n<html>\n<head><title>Harbour wall</title></head>\n<body>\n{body}\n</body>\n</html>\n"


def _promo_then_article(paragraphs: list[str]) -> str:
    """A page whose first box is a promo and whose article follows it."""
    return _page("<div class='promo'><p>Top deals this week on harbour gear and more for you</p></div>\n<article>\n"
                 + "\n".join(f"<p>{text}</p>" for text in paragraphs) + "\n</article>")


def _fast_pass_takes_first_box_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make trafilatura's fast pass keep only the page's first box (the failure the cascades are asked to mend)."""
    real = html_trafilatura._fast_body

    def first_box_only(tree, options):  # noqa: ANN001, ANN202 - stands in for trafilatura's fast pass
        body = real(tree, options)
        for child in list(body)[1:]:
            body.remove(child)
        return body

    monkeypatch.setattr(html_trafilatura, "_fast_body", first_box_only)


def _fast_pass_drops_the_last_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make trafilatura's fast pass keep all but the page's last box (a near miss: doubted, not failed)."""
    real = html_trafilatura._fast_body

    def all_but_the_last(tree, options):  # noqa: ANN001, ANN202 - stands in for trafilatura's fast pass
        body = real(tree, options)
        body.remove(list(body)[-1])
        return body

    monkeypatch.setattr(html_trafilatura, "_fast_body", all_but_the_last)


def test_a_fast_pass_that_misses_the_article_gives_way_to_the_full_cascade(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast pass (made to take only the page's first box) keeps under half of the long paragraphs:
    the full cascade runs, agrees better with them, and its lines are kept as ``body.full-cascade``."""
    html = _promo_then_article(PROSE)
    _fast_pass_takes_first_box_only(monkeypatch)
    assert run_trafilatura(html).cascade == html_trafilatura.FULL_CASCADE
    doc = extract_html("p", "p.html", "o", html)
    kept = [seg for seg in doc.segments if seg.action == "kept"]
    assert {seg.rule for seg in kept} == {"body.full-cascade"}
    assert all(text[:60] in doc.text for text in PROSE)


STORY = [
    "The regional council approved a plan on Tuesday to rebuild the old harbour wall before the winter storms arrive.",
    "Engineers expect the work to take two years, with lorries using the coast road only outside school hours.",
    "Fishing crews have moored at the northern jetty since January and say the move has cost them many customers.",
    "A public meeting at the library next month will show residents the drawings and the timetable for each phase.",
    "Shop owners on the quay welcomed the decision but asked that the scaffolding leave room for their summer terraces.",
    "The last repair, in the spring of 1987, patched the southern end of the wall and was meant to last ten years.",
]
"""Paragraphs of one story, each saying something the others do not."""


def test_where_both_cascades_miss_the_article_readability_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast pass keeps the page's first box and the full cascade nothing: trafilatura's readability
    port, asked on such a page, finds the article, agrees better with the long paragraphs and is kept."""
    html = _promo_then_article(STORY)
    _fast_pass_takes_first_box_only(monkeypatch)
    monkeypatch.setattr(html_trafilatura, "_full_lines", lambda tree, options: [])
    assert run_trafilatura(html).cascade == html_trafilatura.READABILITY
    doc = extract_html("p", "p.html", "o", html)
    assert {seg.rule for seg in doc.segments if seg.action == "kept"} == {"body.readability"}
    assert all(text in doc.text for text in STORY)
    # a readability that offers only a part of what the cascades kept is not taken
    monkeypatch.setattr(html_trafilatura, "_readability_lines", lambda tree: [])
    assert run_trafilatura(html).cascade != html_trafilatura.READABILITY


def test_a_fast_pass_missing_a_paragraph_asks_readability_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast pass keeps five of six paragraphs: too many for the full cascade to run (``COVERAGE``), too few
    to go unquestioned (``SECOND_OPINION_COVERAGE``): readability is asked, and holds the sixth."""
    html = _page("<article>\n" + "\n".join(f"<p>{text}</p>" for text in STORY) + "\n</article>")
    _fast_pass_drops_the_last_box(monkeypatch)
    monkeypatch.setattr(html_trafilatura, "_full_lines", lambda tree, options: pytest.fail("the full cascade ran"))
    extraction = run_trafilatura(html)
    assert extraction.cascade == html_trafilatura.READABILITY
    assert [line.text for line in extraction.lines] == STORY


def test_a_fast_pass_running_the_article_together_gives_way_to_the_full_cascade(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast pass (made to return the article's box as one line, a caption and a sign-up prompt run in) covers
    every long paragraph, so no coverage test doubts it; the one merged line does: the full cascade runs and its
    lines, a paragraph each, agree better with the long paragraphs and are kept."""
    html = _page("<article>\n" + "\n".join(f"<p>{text}</p>" for text in STORY) + "\n</article>")
    real = html_trafilatura._lines_with_link_share
    caption = "The old harbour wall at low tide, seen from the northern jetty last winter. Photo: Harbour Trust archive"
    prompt = "Sign up for our weekly newsletter to get the best local stories delivered to your inbox every Friday."

    def one_line(body):  # noqa: ANN001, ANN202 - the fast pass's lines, run together with the box's other text
        lines = real(body)
        return [ExtractedLine(" ".join([caption, *(line.text for line in lines), prompt]))] if len(lines) > 2 else lines

    monkeypatch.setattr(html_trafilatura, "_lines_with_link_share", one_line)
    monkeypatch.setattr(html_trafilatura, "_full_lines", lambda tree, options: [ExtractedLine(text) for text in STORY])
    extraction = run_trafilatura(html)
    assert extraction.cascade == html_trafilatura.FULL_CASCADE
    assert [line.text for line in extraction.lines] == STORY


def test_where_the_article_ran_together_readability_may_drop_what_was_run_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast pass and the full cascade both return the article's box as one line, caption and prompt run in:
    readability's paragraphs add no text, only drop those two, and are kept all the same, as they agree better
    with the long paragraphs (on a page not run together, an opinion that only drops text is never taken)."""
    html = _page("<article>\n" + "\n".join(f"<p>{text}</p>" for text in STORY) + "\n</article>")
    merged = [ExtractedLine(" ".join(["The old harbour wall at low tide, seen from the northern jetty last winter.",
                                      *STORY, "Sign up for our weekly newsletter to get the best local stories."]))]
    monkeypatch.setattr(html_trafilatura, "_lines_with_link_share", lambda body: merged)
    monkeypatch.setattr(html_trafilatura, "_full_lines", lambda tree, options: merged)
    monkeypatch.setattr(html_trafilatura, "_readability_lines", lambda tree: [ExtractedLine(text) for text in STORY])
    extraction = run_trafilatura(html)
    assert extraction.cascade == html_trafilatura.READABILITY
    assert [line.text for line in extraction.lines] == STORY


def test_a_fast_pass_that_holds_the_article_is_kept() -> None:
    html = _page("<article>\n" + "\n".join(f"<p>{text}</p>" for text in PROSE) + "\n</article>")
    assert run_trafilatura(html).cascade == html_trafilatura.FAST_PASS
    assert {seg.rule for seg in extract_html("p", "p.html", "o", html).segments if seg.action == "kept"} == {"body.paragraph"}


def test_rules_that_would_remove_most_of_the_page_back_off() -> None:
    """A footer rule firing right after the first paragraph would take the rest of a list-shaped story: it backs off."""
    story = [ExtractedLine(SENTENCES[0]), ExtractedLine("Sign up for our newsletter")]
    story += [ExtractedLine(f"- {text[:90]}") for text in PROSE]  # a list-shaped article, no sentence ends
    decided = decide_lines(story, None)
    assert decided[1].action == "removed"  # the newsletter box: a line rule, read from its own wording, stands
    assert [d.action for d in decided[2:]] == ["kept"] * len(PROSE)
    assert {d.rule for d in decided[2:]} == {"guard.back-off"}


def test_rules_removing_a_footer_do_not_back_off() -> None:
    lines = [ExtractedLine(text) for text in SENTENCES] + [ExtractedLine("Sign up for our newsletter"),
                                                         ExtractedLine("Harbour Town Media Group")]
    decided = decide_lines(lines, None)
    assert [d.action for d in decided] == ["kept"] * 5 + ["removed", "removed"]
    assert decided[6].rule == "zone.footer"


GERMAN = [
    "Der Stadtrat hat am Dienstag beschlossen, die alte Hafenmauer noch vor den Winterstürmen zu erneuern.",
    "Die Arbeiten sollen zwei Jahre dauern, und die Lastwagen fahren nur außerhalb der Schulzeiten über die Küstenstraße.",
    "Die Fischer liegen seit Januar an der nördlichen Mole und sagen, dass sie dadurch viele Kunden verloren haben.",
]
"""Paragraphs of a German story: German stopwords, next to no English ones."""


def _tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><body>{body}</body></html>")


def test_the_top_node_is_the_container_richest_in_the_languages_stopwords() -> None:
    """A German story beside an English notice: the stoplist is the page's language, so the story's box wins,
    its sibling section joins it, and the link teasers, the notice and the reader comments stay out."""
    story = "".join(f"<p>{text}</p>" for text in GERMAN)
    page = _tree(f"<div id='notice'><p>{STORY[0]}</p></div>"
                 f"<main><div id='story'>{story}</div><div id='more'><p>{GERMAN[2]} {GERMAN[0]}</p></div>"
                 f"<ul id='teasers'><li><a href='/a'>{GERMAN[1]}</a></li></ul></main>"
                 f"<div class='comments'>{story}{story}</div>")
    assert [node.get("id") for node in top_node.best_nodes(page)] == ["story", "more"]


def test_a_page_without_prose_has_no_top_node() -> None:
    assert top_node.best_nodes(_tree("<ul><li><a href='/a'>Home</a></li></ul><p>Prices from 9.99</p>")) == []
    assert top_node.best_nodes(_tree(f"<p><a href='/a'>{STORY[0]}</a></p>")) == []  # a teaser: all link text


def test_where_every_extraction_misses_the_article_the_top_node_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast pass keeps one paragraph of six, the full cascade and readability nothing: the extraction agrees
    under ``LAGGING_AGREEMENT`` with the long paragraphs, and the top node, which holds them all, is kept."""
    html = _page("<article>\n" + "\n".join(f"<p>{text}</p>" for text in STORY) + "\n</article>")
    _fast_pass_takes_first_box_only(monkeypatch)  # here the first box is the story's first paragraph
    monkeypatch.setattr(html_trafilatura, "_full_lines", lambda tree, options: [])
    monkeypatch.setattr(html_trafilatura, "_readability_lines", lambda tree: [])
    extraction = run_trafilatura(html)
    assert extraction.cascade == html_trafilatura.TOP_NODE
    assert [line.text for line in extraction.lines] == STORY
    assert {seg.rule for seg in extract_html("p", "p.html", "o", html).segments if seg.action == "kept"} == {"body.top-node"}


def test_the_top_node_is_not_asked_where_trafilatura_holds_most_of_the_article(monkeypatch: pytest.MonkeyPatch) -> None:
    """Five paragraphs of six: doubted (readability is asked), but agreeing well over ``LAGGING_AGREEMENT``."""
    html = _page("<article>\n" + "\n".join(f"<p>{text}</p>" for text in STORY) + "\n</article>")
    _fast_pass_drops_the_last_box(monkeypatch)
    monkeypatch.setattr(html_trafilatura, "_top_node_lines", lambda tree: pytest.fail("the top node was asked"))
    assert run_trafilatura(html).cascade == html_trafilatura.READABILITY


def test_a_page_wrapped_in_page_chrome_gives_its_top_node() -> None:
    """Markup that wraps the whole page in a popup's sidebar and header (an unclosed popup): trafilatura prunes it
    all and the long paragraphs leave it out as chrome, so nothing judges; the longer top node is kept."""
    wrapper = "<aside class='popup-overlay'><header class='header-main'>\n{}\n</header></aside>"
    html = _page(wrapper.format("\n".join(f"<p>{text}</p>" for text in STORY)))
    extraction = run_trafilatura(html)
    assert extraction.cascade == html_trafilatura.TOP_NODE
    assert [line.text for line in extraction.lines] == STORY
    # a short page with no prose (a timetable) has no top node: what trafilatura gave stands
    timetable = _page("<ul><li>Harbour 9:15</li><li>Quay 9:40</li><li>Station 10:05</li></ul>")
    assert run_trafilatura(timetable).cascade != html_trafilatura.TOP_NODE
