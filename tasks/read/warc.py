"""WARC crawls read one record at a time: headers, HTTP responses, chunked and compressed bodies.

A WARC file is a run of records, each a header block (``WARC/1.0`` and ``Name: value`` lines), a blank
line and ``Content-Length`` bytes. Only HTML responses (and resources) are documents; requests, metadata
and redirects are passed over. A record is read, capped at the run's ``max_file_bytes``, and handed on,
so a crawl of any size is never held in memory. A broken record is quarantined as
``<file>#<target URI>`` and reading goes on: a record whose length cannot be trusted (missing, negative,
or a block that runs past it) is found again by its version line.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Generator, Iterator
from typing import BinaryIO

from wirewash.tasks.read.record_files import (FileRecord, RecordFileError, CHARSET_RE, CHUNK, record_doc_id,
                                              unique_id)
from wirewash.tasks.records import Quarantine

_HTML_TYPES = ("text/html", "application/xhtml+xml")



def _read_exact(stream: BinaryIO, size: int) -> bytes:
    """Read exactly ``size`` bytes or raise :class:`RecordFileError` (the stream ended early)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        chunk = stream.read(min(left, CHUNK))
        if not chunk:
            raise RecordFileError(f"truncated: the block ends {left} bytes before its Content-Length")
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _skip(stream: BinaryIO, size: int) -> None:
    """Skip ``size`` bytes without keeping them (for records over the size cap)."""
    left = size
    while left > 0:
        chunk = stream.read(min(left, CHUNK))
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
        line = stream.readline(CHUNK)
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
        found = _page_of(kind, headers, block, label, max_bytes)
        if isinstance(found, Quarantine):
            yield found
        elif found is not None:
            body, content_type = found
            declared = CHARSET_RE.search(content_type)
            yield FileRecord(file, uri, unique_id(record_doc_id(file_name, uri), seen, number), "html", data=body,
                             charset=declared.group(1) if declared else None, url=uri if "://" in uri else None,
                             published=headers.get("warc-date"))


def _page_of(kind: str, headers: dict[str, str], block: bytes, label: str,
             max_bytes: int) -> tuple[bytes, str] | Quarantine | None:
    """A record's HTML page and its content type; a quarantine when the record is broken or too large; ``None``
    for what carries no article (a redirect, an error, a non-HTML response)."""
    try:
        if kind == "response" and headers.get("content-type", "").lower().startswith("application/http"):
            status, http_headers, body = parse_http_response(block, max_bytes)
            content_type = http_headers.get("content-type", "")
        else:
            status, body, content_type = 200, block, headers.get("content-type", "")
    except RecordFileError as err:
        return Quarantine(label, str(err), "intake")
    if not 200 <= status < 300:
        return None  # redirects and errors carry no article
    if not body.strip():
        return Quarantine(label, "empty: the response record has no body", "intake")
    if not _is_html(content_type, body):
        return None
    if len(body) > max_bytes:
        return Quarantine(label, f"too large: body over {max_bytes} bytes once decoded (raise max_file_bytes to "
                                 "accept it)", "intake")
    return body, content_type
