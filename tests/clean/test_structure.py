"""The article's headings and lists put back where trafilatura's fallback dropped them: golden cases and properties."""
from __future__ import annotations

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.clean.extraction import extract_html
from wirewash.tasks.clean.html_trafilatura import ExtractedLine, insert_lines, run_trafilatura
from wirewash.tasks.clean.rules.ids import BODY_RESTORED_STRUCTURE
from wirewash.tasks.clean.structure import outline_page, restore_structure
from test_extraction import SENTENCES

PROSE = [" ".join(SENTENCES[i:] + SENTENCES[:i]) for i in range(len(SENTENCES))]
STEPS = ("Riverside, from the station to the hospital", "Northgate and the university campus, every ten minutes")


def _outline(body: str) -> tuple:
    return outline_page(lxml.html.fromstring(f"<html><body>{body}</body></html>"))


def _container(*children: str, css: str = "w-richtext") -> str:
    """A container trafilatura's body search does not recognise (a site builder's class), holding ``children``."""
    return f"<div class='{css}'>" + "".join(children) + "</div>"


P = [f"<p>{text}</p>" for text in PROSE]
HEADING = "<h2>The river route</h2>"
LIST = "<ul>" + "".join(f"<li>{step}</li>" for step in STEPS) + "</ul>"


def test_dropped_headings_and_lists_go_back_after_the_paragraph_they_follow() -> None:
    outline = _outline(_container(P[0], HEADING, P[1], LIST, P[2], P[3]))
    assert restore_structure(PROSE[:4], outline) == {
        0: (("The river route", 0.0),), 1: tuple((f"- {step}", 0.0) for step in STEPS)}


def test_a_container_trafilatura_read_keeps_its_choices() -> None:
    """trafilatura kept the heading: it read the container, and the list it dropped it dropped on purpose."""
    outline = _outline(_container(P[0], HEADING, P[1], LIST, P[2], P[3]))
    assert restore_structure([PROSE[0], "The river route", *PROSE[1:4]], outline) == {}


def test_headings_and_lists_outside_the_kept_paragraphs_stay_out() -> None:
    outline = _outline(_container(HEADING, P[0], P[1], P[2], LIST))
    assert restore_structure(PROSE[:3], outline) == {}


def test_a_gap_holding_links_is_navigation_heading_and_all() -> None:
    """"Related" over a list of stories between two paragraphs is a box of links; the real heading further on goes back."""
    related = "<h3>Related</h3><ul>" + "".join(f"<li><a href='/{n}'>{step}</a></li>" for n, step in enumerate(STEPS)) + "</ul>"
    card = f"<a href='/story'><h3>{STEPS[0]}</h3></a>"
    toc = "<h3><a href='#river'>The river route</a></h3>"
    outline = _outline(_container(P[0], related, P[1], card, P[2], toc, P[3], HEADING, P[4]))
    assert restore_structure(PROSE[:5], outline) == {3: (("The river route", 0.0),)}


def test_chrome_around_the_kept_paragraphs_is_no_chrome() -> None:
    """A <header> left open wraps the whole page (parsers nest the rest in it); an <aside> inside is still a sidebar."""
    aside = "<aside><h3>Newsletter</h3><p>Get our stories every morning in your inbox, free of charge.</p></aside>"
    outline = _outline("<header><nav><a href='/'>Home</a></nav>" + _container(P[0], HEADING, P[1], aside, P[2]) + "</header>")
    assert restore_structure(PROSE[:3], outline) == {0: (("The river route", 0.0),)}


def test_slides_and_pagers_are_not_list_items() -> None:
    slides = "<ul>" + "".join(f"<li><img src='{n}.jpg'>{step}</li>" for n, step in enumerate(STEPS)) + "</ul>"
    pager = "<ol><li>1</li><li>2</li><li>3</li></ol>"
    outline = _outline(_container(P[0], slides, P[1], pager, P[2], HEADING, P[3]))
    assert restore_structure(PROSE[:4], outline) == {2: (("The river route", 0.0),)}


def test_a_paragraph_between_breaks_the_run() -> None:
    """A paragraph trafilatura left out stands between: the heading is not inside text it read without a break."""
    outline = _outline(_container(P[0], HEADING, "<p>A paragraph of the page trafilatura did not keep at all.</p>", P[1]))
    assert restore_structure(PROSE[:2], outline) == {}


def test_sections_in_boxes_of_their_own_are_one_run() -> None:
    """A page streamed in sections, each heading in the box of the paragraphs it heads."""
    boxes = "".join(f"<section><h2>Part {n}</h2>{P[n]}</section>" for n in range(1, 4))
    outline = _outline(f"<div><section>{P[0]}</section>{boxes}</div>")
    assert restore_structure(PROSE[:4], outline) == {n: ((f"Part {n + 1}", 0.0),) for n in range(3)}


def test_a_page_trafilatura_falls_back_on_gets_its_structure_back() -> None:
    html = f"<html><head><title>Buses</title></head><body>{_container(P[0], HEADING, P[1], LIST, P[2], P[3])}</body></html>"
    extraction = run_trafilatura(html)
    texts = [line.text for line in extraction.lines]
    assert texts[:6] == [PROSE[0], "The river route", PROSE[1], *(f"- {step}" for step in STEPS), PROSE[2]]
    assert extraction.restored == (1, 3, 4)
    doc = extract_html("d", "d.html", "o", html.replace("><", ">\n<"))
    assert {seg.text: seg.rule for seg in doc.segments}["The river route"] == BODY_RESTORED_STRUCTURE


def test_a_container_trafilatura_recognises_is_left_as_it_extracts_it() -> None:
    html = f"<html><body>{_container(P[0], HEADING, P[1], LIST, P[2], P[3], css='entry-content')}</body></html>"
    extraction = run_trafilatura(html)
    assert extraction.restored == ()
    assert "The river route" in [line.text for line in extraction.lines]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abc ", min_size=0, max_size=30), max_size=8),
       st.dictionaries(st.integers(0, 7), st.lists(st.text(alphabet="xyz", min_size=1, max_size=5), min_size=1, max_size=3),
                       max_size=4))
def test_putting_back_never_drops_or_reorders_extracted_lines(texts: list[str], restoring: dict[int, list[str]]) -> None:
    """Whatever is put back, the extracted lines stay, in their order; the restored indices point at the new lines,
    each right after the line it follows."""
    lines = [ExtractedLine(text) for text in texts]
    plan = {index: tuple((text, 0.0) for text in added) for index, added in restoring.items() if index < len(texts)}
    out, restored = insert_lines(lines, plan)
    assert [line for n, line in enumerate(out) if n not in restored] == lines
    assert [out[n].text for n in restored] == [text for index in sorted(plan) for text, _ in plan[index]]
    where = [n for n in range(len(out)) if n not in restored]  # each extracted line's place in ``out``
    for index, added in plan.items():
        assert [line.text for line in out[where[index] + 1:where[index] + 1 + len(added)]] == [text for text, _ in added]


_PIECE = st.sampled_from(["p", "p", "p", "h2", "ul", "nav", "aside"])  # paragraphs mostly, as pages are


@settings(max_examples=100, deadline=None)
@given(st.lists(_PIECE, min_size=1, max_size=12), st.sets(st.integers(0, 11), max_size=2))
def test_only_the_pages_own_headings_and_items_go_back_in_order(kinds: list[str], dropped: set[int]) -> None:
    """On any page of paragraphs, headings, lists and chrome, with any paragraphs left out: what goes back is the
    page's own headings and list items, outside chrome, each after the kept line it followed, in the page's order."""
    parts, headings, items = [], [], []
    for n, kind in enumerate(kinds):
        if kind == "p":
            parts.append(f"<p>Paragraph {n}: {PROSE[n % len(PROSE)]}</p>")
        elif kind == "h2":
            headings.append(f"Heading {n}")
            parts.append(f"<h2>Heading {n}</h2>")
        elif kind == "ul":
            items.append(f"- Item {n}")
            parts.append(f"<ul><li>Item {n}</li></ul>")
        else:
            parts.append(f"<{kind}><h3>Chrome {n}</h3><ul><li>Chrome item {n}</li></ul></{kind}>")
    texts = [f"Paragraph {n}: {PROSE[n % len(PROSE)]}" for n, kind in enumerate(kinds) if kind == "p" and n not in dropped]
    restoring = restore_structure(texts, _outline(_container(*parts)))
    put_back = [text for index in sorted(restoring) for text, _ in restoring[index]]
    assert set(put_back) <= set(headings) | set(items)
    number = lambda text: int(text.split(":")[0].split()[-1])  # noqa: E731 - the part's place in the page
    for index, pieces in restoring.items():  # between the kept line it follows and the next kept line
        assert index + 1 < len(texts)
        assert all(number(texts[index]) < number(text) < number(texts[index + 1]) for text, _ in pieces)
    assert put_back == sorted(put_back, key=number)
