"""Dates and outlets read from what a page says: ISO timestamps, month names in several languages, day or month first."""
from __future__ import annotations

import pytest

from wirewash.tasks.read.record_files import outlet_domain
from wirewash.tasks.read.intake import outlet_of
from wirewash.tasks.clean.metadata import parse_author, parse_date


@pytest.mark.parametrize(("text", "iso"), [
    ("2023-06-19T10:00", "2023-06-19"),
    ("2023-06-19T10:00:00Z", "2023-06-19"),
    ("Updated 2023-06-19T10:00:00+02:00 by the desk", "2023-06-19"),
    ("June 19, 2023", "2023-06-19"),
    ("Published 19 June 2023, 5pm", "2023-06-19"),
    ("19. Juni 2023", "2023-06-19"),
    ("Berlin, 3. März 2024 –", "2024-03-03"),
    ("19 de junio de 2023", "2023-06-19"),
    ("1er mars 2023", "2023-03-01"),
    ("19.06.2023", "2023-06-19"),
    ("13/04/2023", "2023-04-13"),  # 13 cannot be a month
    ("04/13/2023", "2023-04-13"),
])
def test_dates_in_the_forms_pages_write_them(text: str, iso: str) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["Mayor 5 2023", "Marchese 3 2021", "room 12.2023", "2023-13-45", "no date here"])
def test_what_only_looks_like_a_date_is_not_one(text: str) -> None:
    assert parse_date(text) is None


def test_a_slashed_date_the_numbers_leave_open_follows_the_language_or_is_not_guessed() -> None:
    assert parse_date("03/04/2023") is None
    assert parse_date("03/04/2023", "en-US") == "2023-03-04"
    assert parse_date("03/04/2023", "de") == "2023-04-03"
    assert parse_date("03/04/2023", "en-GB") == "2023-04-03"


@pytest.mark.parametrize(("url", "outlet"), [
    ("https://edition.cnn.com/2023/06/19/x", "cnn.com"),
    ("https://www.cnn.com/x", "cnn.com"),
    ("https://news.bbc.co.uk/1/hi/x.stm", "bbc.co.uk"),
    ("https://example.github.io/post", "example.github.io"),
    ("http://192.168.0.10:8080/page", "192.168.0.10"),
    ("not a url", None),
])
def test_an_outlet_is_the_registered_domain_of_its_url(url: str, outlet: str | None) -> None:
    assert outlet_domain(url) == outlet


def test_a_file_directly_in_raw_takes_the_outlet_of_the_first_url_it_names() -> None:
    text = "Headline\nhttps://edition.cnn.com/2023/06/19/story\n\nBody text.\nShare this:\nhttps://twitter.com/intent/tweet\n"
    assert outlet_of("story.txt", text) == "cnn.com"
    assert outlet_of("wire/story.txt", text) == "wire"  # a folder under raw/ names the outlet first
    assert outlet_of("story.txt", "Headline\nBody text with https://a.example/link inline.\n") == "story"


@pytest.mark.parametrize(("byline", "author"), [
    ("By Jane Doe, CNN", "Jane Doe"),
    ("Written by John Smith and Ann Lee", "John Smith"),
    ("Von Anna Beispiel und Peter Muster, Berlin", "Anna Beispiel"),
    ("Par Jeanne Martin et Paul Durand", "Jeanne Martin"),
    ("Por María López y Juan Pérez", "María López"),
    ("By the newsroom staff", None),
])
def test_parse_author_takes_the_first_of_several_authors_in_any_of_their_languages(byline: str, author: str | None) -> None:
    assert parse_author(byline) == author
