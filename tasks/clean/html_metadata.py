"""A page's metadata from trafilatura's metadata functions: title, author, date, URL and site name."""
from __future__ import annotations

import html as html_lib
from typing import Any

AUTHOR_MAX_WORDS = 8
"""An author or byline element longer than this is a bio or a card, not a name."""


def _author_xpath() -> Any:
    from lxml.etree import XPath

    # the same elements as //*[@itemprop="author" or ...], in document order, found from the attributes:
    # libxml2 then tests only elements that carry the attribute, not every element against every clause
    return XPath('//@itemprop[.="author"]/.. | //@rel[.="author"]/..'
                 ' | //@class[.="author" or .="byline" or contains(., "author-name") or contains(., "byline")]/..')


_AUTHOR_XPATH = _author_xpath()


def page_metadata(tree: Any, url: str | None) -> dict[str, str | None]:
    """Title, author, date, URL and site name of a parsed page, from trafilatura's metadata functions.

    The same steps as ``trafilatura.extract_metadata`` (meta tags, JSON-LD,
    title fallback, canonical URL, htmldate, site name) without the
    categories, tags and licence it also collects, which nothing here reads,
    and without its author fallback (XPath searches over a pruned copy of the
    whole page, as costly as everything else here together, with uneven
    results: "Jdadmin", "REUTERS", "Phil Helsel is a reporter"): the author
    comes from the meta tags and JSON-LD, else from a byline line among the
    extracted lines (:func:`wirewash.tasks.clean.extraction.extract_html`). The tree is only read.
    """
    from htmldate import find_date
    from trafilatura import metadata as tm
    from trafilatura.settings import set_date_params

    meta = tm.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    try:
        meta = tm.extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura's JSON-LD reader trips on malformed data
        pass
    title = meta.title or tm.extract_title(tree)
    author = meta.author or _marked_author(tree)
    page_url = meta.url or tm.extract_url(tree, url)
    # htmldate's fast search only (the page's markup, meta tags, JSON-LD, URL). Its extensive search, which reads
    # dates out of the page's text, costs twenty times as much and where the fast one finds nothing mostly guesses:
    # on wcxb-dev's 101 such pages it gave 22 dates the gold agrees with and 79 it does not (a copyright year read
    # as "2026-01-01"); a date left unread is better than one guessed, as with slashed dates in text
    date_params = set_date_params(False)
    date_params["url"] = page_url
    try:
        date = find_date(tree, **date_params)
    except Exception:  # noqa: BLE001 - htmldate on hostile markup
        date = None
    sitename = meta.sitename or tm.extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif page_url:
        found = tm.META_URL.match(page_url)
        sitename = found[1] if found else None
    return {key: _trim(value) for key, value in
            (("title", title), ("author", author), ("date", date), ("url", page_url), ("sitename", sitename))}


def _marked_author(tree: Any) -> str | None:
    """The author named by the first element the page marks as author or byline (see :func:`page_metadata`)."""
    from trafilatura.metadata import normalize_authors

    for element in _AUTHOR_XPATH(tree):
        text = " ".join(element.text_content().split())
        if 2 <= len(text.split()) <= AUTHOR_MAX_WORDS and not any(ch.isdigit() for ch in text):
            return normalize_authors(None, text) or None
    return None


def _trim(value: str | None) -> str | None:
    """trafilatura's own clean-up of a metadata field (``Document.clean_and_trim``)."""
    from trafilatura.utils import line_processing

    if not value:
        return None
    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(html_lib.unescape(value)) or None
