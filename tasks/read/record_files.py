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
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal
from urllib.parse import urlsplit

from wirewash.tasks.records import Quarantine

RecordFileKind = Literal["warc", "jsonl"]
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jl"}
_SNIFF_BYTES = 1 << 16
_CHUNK = 1 << 16
_SAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
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


def _open_maybe_gzip(path: Path) -> BinaryIO:
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


# --- WARC ---------------------------------------------------------------------------------------


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    """Read exactly ``size`` bytes or raise :class:`RecordFileError` (the stream ended early)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            raise RecordFileError(f"truncated: the block ends {left} bytes before its Content-Length")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _skip(stream: BinaryIO, size: int) -> None:
    """Skip ``size`` bytes without keeping them (for records over the size cap)."""
    left = size
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            raise RecordFileError(f"truncated: the block ends {left} bytes before its Content-Length")
        left -= len(chunk)


def _parse_headers(lines: list[bytes]) -> dict[str, str]:
    """Header lines (``Name: value``) into a dict with lower-case names; folded lines are joined."""
    headers: dict[str, str] = {}
    last = ""
    for raw in lines:
        line = raw.decode("latin-1").rstrip("\r\n")
        if line[:1] in (" ", "\t") and last:
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if sep:
            last = name.strip().lower()
            headers[last] = value.strip()
    return headers


def _read_header_block(stream: BinaryIO, first: bytes | None = None, limit: int = 1 << 20) -> list[bytes] | None:
    """Lines up to the blank line ending a header block; ``None`` at a clean end of stream.

    ``first`` is the block's first line when a resync already read it (:func:`_next_record_start`).
    """
    lines: list[bytes] = [first] if first else []
    size = len(first or b"")
    while True:
        line = stream.readline(limit)
        if not line:
            if lines:
                raise RecordFileError("truncated: the stream ends inside a record header")
            return None
        if line in (b"\r\n", b"\n"):
            if lines:
                return lines
            continue  # blank lines between records
        lines.append(line)
        size += len(line)
        if size > limit:
            raise RecordFileError("malformed: a record header is longer than 1 MB")


def _next_record_start(stream: BinaryIO) -> tuple[bytes | None, int]:
    """Read on to the next line that opens a WARC record (``WARC/1.0``); return it and the bytes passed over.

    How a reader gets back in step after a record whose length cannot be trusted (missing, negative,
    or not matching its block): the next record is found by its version line, not by counting bytes.
    ``None`` when the stream ends first."""
    passed = 0
    while True:
        line = stream.readline(_CHUNK)
        if not line:
            return None, passed
        if line.startswith(b"WARC/"):
            return line, passed
        passed += len(line)


def dechunk(body: bytes) -> bytes:
    """Undo HTTP ``Transfer-Encoding: chunked`` (hex size line, data, CRLF … ``0``)."""
    out: list[bytes] = []
    pos = 0
    while pos < len(body):
        end = body.find(b"\n", pos)
        if end < 0:
            raise RecordFileError("malformed chunked body: a chunk size line has no end")
        size_text = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError as err:
            raise RecordFileError(f"malformed chunked body: bad chunk size {size_text[:20]!r}") from err
        if size == 0:
            break
        start = end + 1
        out.append(body[start : start + size])
        pos = start + size
        if body[pos : pos + 2] == b"\r\n":
            pos += 2
        elif body[pos : pos + 1] == b"\n":
            pos += 1
    return b"".join(out)


def decompress_body(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo ``Content-Encoding`` gzip/deflate, never producing more than ``max_bytes + 1`` bytes."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding in ("gzip", "x-gzip", "deflate"):
        wbits = 47 if encoding != "deflate" else 15  # 47: gzip or zlib header, auto-detected
        try:
            return zlib.decompressobj(wbits).decompress(body, max_bytes + 1)
        except zlib.error:
            if encoding == "deflate":
                try:
                    return zlib.decompressobj(-15).decompress(body, max_bytes + 1)  # raw deflate
                except zlib.error as err:
                    raise RecordFileError(f"undecodable: bad deflate body ({err})") from err
            raise RecordFileError("undecodable: the gzip content-encoding is corrupt") from None
    raise RecordFileError(f"undecodable: unsupported content-encoding {encoding!r}")


def parse_http_response(block: bytes, max_bytes: int) -> tuple[int, dict[str, str], bytes]:
    """Split a WARC response block into HTTP status, headers and the decoded body bytes."""
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep:
        raise RecordFileError("malformed: the HTTP response has no end of headers")
    lines = head.split(b"\n")
    status_line = lines[0].decode("latin-1").strip()
    match = re.match(r"HTTP/\d(?:\.\d)?\s+(\d{3})", status_line)
    if not match:
        raise RecordFileError(f"malformed: not an HTTP status line: {status_line[:60]!r}")
    headers = _parse_headers([line + b"\n" for line in lines[1:]])
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = dechunk(body)
    body = decompress_body(body, headers.get("content-encoding", ""), max_bytes)
    return int(match.group(1)), headers, body


def _is_html(content_type: str, body: bytes) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in _HTML_TYPES:
        return True
    if kind and not kind.startswith("text/"):
        return False
    return bool(re.match(rb"\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", body[:1024], re.IGNORECASE))


def _skip_to_record(stream: BinaryIO, lines: list[bytes], label: str) -> Generator[Quarantine, None, list[bytes] | None]:
    """Get back in step after bytes that are not a record (a block longer than its Content-Length said):
    quarantine what is passed over and return the next record's header lines (``None`` at the end)."""
    start = next((i for i, line in enumerate(lines) if line.startswith(b"WARC/")), None)
    passed = sum(len(line) for line in lines[:start])
    if start is not None:
        found: list[bytes] | None = lines[start:]
    else:
        first, more = _next_record_start(stream)
        passed += more
        found = None if first is None else _read_header_block(stream, first)
    yield Quarantine(label, f"malformed: {passed} bytes that are not a WARC record were skipped up to the next "
                            "record", "intake")
    return found


def iter_warc(stream: BinaryIO, file: str, file_name: str, max_bytes: int) -> Iterator[FileRecord | Quarantine]:
    """Yield one :class:`FileRecord` per HTML response (or resource) record, streaming.

    Request, metadata and warcinfo records, non-HTML responses and redirects
    are not documents and are passed over silently. A record over
    ``max_bytes`` is skipped (never read into memory) and quarantined; a
    response with no body is quarantined; a stream that ends early (a cut
    gzip member, a short block) quarantines the record it was in and ends
    the archive, keeping every record read before it.
    """
    number = 0
    seen: set[str] = set()
    first: bytes | None = None  # a record's version line, when a resync has read it already
    while True:
        number += 1
        label = f"{file}#record-{number}"
        try:
            header_lines = _read_header_block(stream, first)
            first = None
            if header_lines is not None and not header_lines[0].startswith(b"WARC/"):
                header_lines = yield from _skip_to_record(stream, header_lines, label)
        except (RecordFileError, EOFError, OSError, zlib.error) as err:
            yield Quarantine(label, f"truncated archive: {err}", "intake")
            return
        if header_lines is None:
            return
        headers = _parse_headers(header_lines[1:])
        uri = headers.get("warc-target-uri", "").strip("<>") or f"record-{number}"
        label = f"{file}#{uri}"
        length_text = headers.get("content-length", "").strip()
        if not length_text.isdigit():
            try:
                first, _ = _next_record_start(stream)
            except (EOFError, OSError, zlib.error):
                first = None
            yield Quarantine(label, f"malformed: the record's Content-Length is {length_text or 'missing'!r}; "
                                    "read on from the next record", "intake")
            if first is None:
                return
            continue
        length = int(length_text)
        kind = headers.get("warc-type", "").lower()
        wanted = kind in ("response", "resource")
        try:
            if not wanted:
                _skip(stream, length)
                continue
            if length == 0:
                yield Quarantine(label, "empty: the record has no body", "intake")
                continue
            if length > max_bytes:
                _skip(stream, length)
                yield Quarantine(label, f"too large: record of {length} bytes, more than {max_bytes} (raise max_file_bytes to accept it)", "intake")
                continue
            block = _read_exact(stream, length)
        except (RecordFileError, EOFError, OSError, zlib.error) as err:
            yield Quarantine(label, f"truncated archive: {err}", "intake")
            return
        try:
            if kind == "response" and headers.get("content-type", "").lower().startswith("application/http"):
                status, http_headers, body = parse_http_response(block, max_bytes)
                content_type = http_headers.get("content-type", "")
            else:
                status, http_headers, body = 200, {}, block
                content_type = headers.get("content-type", "")
        except RecordFileError as err:
            yield Quarantine(label, str(err), "intake")
            continue
        if not 200 <= status < 300:
            continue  # redirects and errors carry no article
        if not body.strip():
            yield Quarantine(label, "empty: the response record has no body", "intake")
            continue
        if not _is_html(content_type, body):
            continue
        if len(body) > max_bytes:
            yield Quarantine(label, f"too large: body over {max_bytes} bytes once decoded (raise max_file_bytes to accept it)", "intake")
            continue
        declared = _CHARSET_RE.search(content_type)
        doc_id = _unique(record_doc_id(file_name, uri), seen, number)
        yield FileRecord(file, uri, doc_id, "html", data=body,
                            charset=declared.group(1) if declared else None, url=uri if "://" in uri else None,
                            published=headers.get("warc-date"))


def _unique(doc_id: str, seen: set[str], number: int) -> str:
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
                while (rest := stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
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
        yield FileRecord(file, f"L{number}", _unique(doc_id, seen, number), fmt, text=body, url=url,
                            title=_str_field(obj, "title", "headline"),
                            published=_str_field(obj, "published", "date", "date_published"),
                            outlet=_str_field(obj, "outlet", "source", "site"))


def iter_record_file(path: Path, file: str, file_name: str, kind: RecordFileKind, max_bytes: int) -> Iterator[FileRecord | Quarantine]:
    """Stream the records of the archive at ``path`` (gzip or plain)."""
    try:
        stream = _open_maybe_gzip(path)
    except OSError as err:
        yield Quarantine(file, f"unreadable: {type(err).__name__}: {err}", "intake")
        return
    with stream:
        reader = iter_warc if kind == "warc" else iter_jsonl
        yield from reader(stream, file, file_name, max_bytes)
