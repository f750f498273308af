"""Archives: WARC crawls and JSONL exports, read one record at a time.

Scrapers rarely store one page per file. A crawler writes WARC files (many
HTTP responses, each a header block, a blank line and ``Content-Length`` bytes),
an export job writes JSON Lines (one object per line with ``html`` or ``text``
and some metadata). Both can be many gigabytes, so they are *streamed*: a
record is read, capped at the run's ``max_file_bytes``, decoded and handed on,
and the next one is read; the archive as a whole is never held in memory.

A broken record (a WARC response with no body, a JSON line that is not JSON, a
gzip stream cut short) becomes a :class:`~wirewash.tasks.records.Quarantine` whose
source names the archive *and* the record (``crawl.warc.gz#https://…`` or
``export.jsonl#L12``); the rest of the archive is still read.

Each good record becomes an :class:`FileRecord`: its bytes or text, where
it came from, and a deterministic, filesystem-safe document id derived from
the archive's name and the record's URL (``crawl/example.com-news-a1-3f2c9e1b``),
so ``clean/<id>.txt`` can be traced back to the record and stays the same from
run to run.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import urlsplit

from wirewash.tasks.records import Quarantine

RecordFileKind = Literal["warc", "jsonl"]
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jl"}
_SNIFF_BYTES = 1 << 16
CHUNK = 1 << 16
_SAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")
CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class RecordFileError(ValueError):
    """A record of an archive is malformed; the message says how (the archive goes on)."""


@dataclass(frozen=True)
class FileRecord:
    """One document-bearing record of an archive.

    ``record`` is what names it inside the archive (the WARC target URI, or
    ``L<n>`` for a JSON line); ``source`` is ``<archive path>#<record>``.
    ``data`` holds the undecoded HTML body of a WARC response; ``text`` the
    already-decoded ``html``/``text`` field of a JSON line. ``charset`` is the
    one the HTTP headers declared, if any.
    """

    file: str
    record: str
    doc_id: str
    format: str
    data: bytes | None = None
    text: str | None = None
    charset: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None

    @property
    def source(self) -> str:
        return f"{self.file}#{self.record}"


# --- sniffing ---------------------------------------------------------------------------------


def open_maybe_gzip(path: Path) -> BinaryIO:
    """Open ``path`` for reading bytes, transparently decompressing gzip (multi-member too)."""
    handle = path.open("rb")
    head = handle.read(2)
    handle.seek(0)
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle)  # type: ignore[return-value]
    return handle


def sniff_record_file(source: str, head: bytes) -> RecordFileKind | None:
    """``warc`` or ``jsonl`` when the (decompressed) first bytes say so, else ``None``.

    The content decides, not the extension: a WARC starts with ``WARC/1.``;
    a JSONL export's first non-blank line parses as a JSON object. An
    extension of ``.jsonl`` only helps when the first line is longer than the
    sniffed window (a huge HTML field), as long as it opens like an object.
    """
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/1."):
        return "warc"
    if not stripped.startswith(b"{"):
        return None
    line, newline, _ = stripped.partition(b"\n")
    if newline:
        try:
            return "jsonl" if isinstance(json.loads(line), dict) else None
        except (ValueError, UnicodeDecodeError):
            return None
    suffixes = {s.lower() for s in Path(source).suffixes}
    return "jsonl" if suffixes & JSONL_SUFFIXES else None


def sniff_record_file_at(path: Path, source: str) -> RecordFileKind | None:
    """Sniff a file on disk (see :func:`sniff_record_file`); unreadable files are left to the text reader."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return None
    if head[:2] == b"\x1f\x8b":
        try:  # the first gzip member is enough to sniff, and a cut stream still shows its start
            head = zlib.decompressobj(47).decompress(head, _SNIFF_BYTES)
        except zlib.error:
            return None
    return sniff_record_file(source, head) if head else None


# --- ids ----------------------------------------------------------------------------------------


def record_doc_id(file_name: str, url: str) -> str:
    """A deterministic, filesystem-safe id: ``<archive name>/<host+path>-<sha1(url)[:8]>``.

    The readable part is the URL's host and path with every character outside
    ``[A-Za-z0-9._-]`` turned into ``-`` and cut to 80 characters; the hash
    keeps two URLs that sanitise alike (query strings, long paths) apart.
    """
    parts = urlsplit(url)
    readable = _SAFE_RE.sub("-", f"{(parts.hostname or '').removeprefix('www.')}{parts.path}").strip("-.")
    readable = readable[:80].rstrip("-.") or "record"
    digest = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{file_name}/{readable}-{digest}"


@functools.cache
def _domain_splitter() -> Callable[[str], Any]:
    """tldextract with its bundled copy of the Public Suffix List: never a network fetch, loaded on first use."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def outlet_domain(url: str | None) -> str | None:
    """The registered domain of ``url``'s host, or ``None``: the outlet a URL names.

    ``edition.cnn.com`` and ``cnn.com`` are one outlet (``cnn.com``), ``news.bbc.co.uk`` is ``bbc.co.uk``
    (the public suffix ``co.uk`` is not a domain), and a site under a shared host such as
    ``example.github.io`` stays its own outlet. A host with no registered domain (an IP address,
    ``localhost``) is its own outlet.
    """
    if not url:
        return None
    host = (urlsplit(url).hostname or "").rstrip(".")
    if not host:
        return None
    parts = _domain_splitter()(host)
    return parts.top_domain_under_public_suffix or host.removeprefix("www.")


def unique_id(doc_id: str, seen: set[str], number: int) -> str:
    """``doc_id``, or ``doc_id-<n>`` when the archive already gave that id (the same URL twice)."""
    if doc_id in seen:
        doc_id = f"{doc_id}-{number}"
    seen.add(doc_id)
    return doc_id


# --- JSONL --------------------------------------------------------------------------------------


def _str_field(obj: dict[str, object], *names: str) -> str | None:
    for name in names:
        value = obj.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def iter_jsonl(stream: BinaryIO, file: str, file_name: str, max_bytes: int) -> Iterator[FileRecord | Quarantine]:
    """Yield one :class:`FileRecord` per JSON line with an ``html`` or ``text`` field, streaming.

    Optional fields: ``url``, ``title``, ``published`` (or ``date``), ``outlet``.
    The id is ``<archive name>/<url id>`` when the line names a URL, else
    ``<archive name>/L<line number>``. A line that is not JSON, not an object,
    has neither field, or is longer than ``max_bytes`` is quarantined as
    ``archive#L<n>``; blank lines are skipped.
    """
    seen: set[str] = set()
    number = 0
    while True:
        number += 1
        label = f"{file}#L{number}"
        try:
            line = stream.readline(max_bytes + 1)
            if len(line) > max_bytes and not line.endswith(b"\n"):
                while (rest := stream.readline(CHUNK)) and not rest.endswith(b"\n"):
                    pass
                yield Quarantine(label, f"too large: line over {max_bytes} bytes (raise max_file_bytes to accept it)", "intake")
                continue
        except (EOFError, OSError, zlib.error) as err:
            yield Quarantine(label, f"truncated archive: {type(err).__name__}: {err}", "intake")
            return
        if not line:
            return
        if not line.strip():
            continue
        try:
            obj = json.loads(line.decode("utf-8-sig"))
        except UnicodeDecodeError:
            yield Quarantine(label, "undecodable: the line is not UTF-8 JSON", "intake")
            continue
        except ValueError as err:
            yield Quarantine(label, f"malformed: not JSON ({err})", "intake")
            continue
        if not isinstance(obj, dict):
            yield Quarantine(label, "malformed: the line is JSON but not an object", "intake")
            continue
        html, text = obj.get("html"), obj.get("text")
        if isinstance(html, str) and html.strip():
            fmt, body = "html", html
        elif isinstance(text, str) and text.strip():
            fmt, body = "text", text
        else:
            yield Quarantine(label, "empty: the object has no non-empty 'html' or 'text' field", "intake")
            continue
        url = _str_field(obj, "url", "link")
        doc_id = record_doc_id(file_name, url) if url else f"{file_name}/L{number}"
        yield FileRecord(file, f"L{number}", unique_id(doc_id, seen, number), fmt, text=body, url=url,
                            title=_str_field(obj, "title", "headline"),
                            published=_str_field(obj, "published", "date", "date_published"),
                            outlet=_str_field(obj, "outlet", "source", "site"))
