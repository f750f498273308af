"""WARC crawls read one record at a time: FastWARC parses them, this module decides what is a document.

A WARC file is a run of records, each a header block (``WARC/1.0`` and ``Name: value`` lines), a blank
line and ``Content-Length`` bytes, often one gzip member per record. FastWARC (the ``fastwarc`` package)
reads all of that: gzip members, the WARC headers, the record's length, the HTTP status line and headers
of a response, and the payload behind them, as a stream, so a crawl of any size is never held in memory.

What this module adds is what a cleaning run needs and the library leaves to its caller:

* which records are documents: HTML responses (and resources) with a 2xx status; requests, metadata,
  redirects, errors and non-HTML responses are passed over;
* the size cap (``max_file_bytes``): a record over it is skipped unread and quarantined;
* the body's ``Content-Encoding`` (gzip, deflate, raw deflate), undone here with a cap on the output so a
  gzip bomb stops at the limit; FastWARC's own decoding runs inside its iterator, where a corrupt body
  would end the whole archive instead of one record;
* quarantine of broken records as ``<file>#<target URI>`` (or ``<file>#record-<n>``), reading on;
* two kinds of damage the library reads past without a word, found here: a stream cut short (FastWARC
  hands over the short record as if it were whole, so the bytes read are counted against the record's
  length and the last gzip member is checked, :func:`_gzip_cut_short`), and bytes that are not a record,
  such as a block longer than its ``Content-Length`` said (the library's strict mode stops there for good
  and its lenient mode skips them silently, so the file is read strictly and, at the first stop, read
  again leniently past the records already handled, :func:`_records`). The lenient reader does not say
  how many bytes it skipped, so the quarantine no longer counts them, and it skips later stray bytes in
  the same file without a report (the records after them are still read).
"""
from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fastwarc.stream_io import ChunkedReader, GzipReader
from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from wirewash.tasks.read.record_files import FileRecord, RecordFileError, CHARSET_RE, CHUNK, record_doc_id, unique_id
from wirewash.tasks.records import Quarantine

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_WANTED = WarcRecordType.response | WarcRecordType.resource
# Python's gzip module words a cut member so; reports made before FastWARC read the crawls said the same
GZIP_CUT = "Compressed file ended before the end-of-stream marker was reached"
SKIPPED = "malformed: bytes that are not a WARC record were skipped up to the next record"


def dechunk(body: bytes) -> bytes:
    """Undo HTTP ``Transfer-Encoding: chunked`` (hex size line, data, CRLF … ``0``) with FastWARC's reader.

    A body cut inside its chunks keeps what came before the cut, as a browser would show it; a size line
    that is not hex makes the body malformed."""
    reader, parts = ChunkedReader(io.BytesIO(body)), []
    try:
        while part := reader.read(CHUNK):
            parts.append(part)
    except OSError as err:
        if "end of file" not in str(err):  # a cut body is still a page; a bad size line is not
            raise RecordFileError(f"malformed chunked body: {err}") from err
    return b"".join(parts)


def decompress_body(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo ``Content-Encoding`` gzip/deflate, never producing more than ``max_bytes + 1`` bytes.

    ``deflate`` is meant to be zlib-wrapped, but many servers send it raw, so both are tried."""
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


def _is_html(content_type: str, body: bytes) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in _HTML_TYPES:
        return True
    if kind and not kind.startswith("text/"):
        return False
    return bool(re.match(rb"\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", body[:1024], re.IGNORECASE))


@dataclass(frozen=True)
class _Archive:
    """Where the crawl is and how it is packed: what a fresh FastWARC iterator needs to (re)start."""

    path: Path
    gzipped: bool

    @classmethod
    def at(cls, path: Path) -> _Archive:
        with path.open("rb") as handle:
            return cls(path, handle.read(2) == b"\x1f\x8b")


def _gzip_cut_short(path: Path, member_start: int) -> bool:
    """True when the gzip members from byte ``member_start`` on do not all end cleanly (the file was cut).

    FastWARC's gzip reader stops at a cut member without an error, so the tail is checked here: once,
    after the last record, from the start of the last member FastWARC read. In a crawl written one member
    per record that is one record's bytes; a crawl gzipped whole is inflated a second time."""
    inflater, inside = zlib.decompressobj(31), False
    with path.open("rb") as raw:
        raw.seek(member_start)
        while data := raw.read(CHUNK):
            while data:
                try:
                    inflater.decompress(data, CHUNK)  # the output is not wanted, only whether the member ends
                except zlib.error:
                    return True
                inside = True
                data = inflater.unconsumed_tail
                if inflater.eof:
                    data, inflater, inside = inflater.unused_data, zlib.decompressobj(31), False
    return inside and not inflater.eof


def _records(archive: _Archive, strict: bool, skip: int) -> Iterator[tuple[WarcRecord, GzipReader | None]]:
    """FastWARC's records of ``archive`` after the first ``skip``, each with the gzip reader under them.

    Strict mode (the usual read) raises :class:`OSError` at bytes that are not a record, which is how
    they are found. The library cannot carry on from there, so :func:`iter_warc` starts again in lenient
    mode, which resyncs at the next ``WARC/1.`` line, skipping the records it already handled."""
    with archive.path.open("rb") as raw:
        stream = GzipReader(raw) if archive.gzipped else None
        records = ArchiveIterator(stream if stream is not None else raw, parse_http=False, stream_detect=False,
                                  quirks_mode=not strict, strict_mode=strict)
        for number, record in enumerate(records, 1):
            if number > skip:
                yield record, stream


# what a record left of the stream: read to its end, cut short, or no length to find its end by
Framing = Literal["read", "cut", "unframed"]


def iter_warc(path: Path, file: str, file_name: str, max_bytes: int) -> Iterator[FileRecord | Quarantine]:
    """Yield one :class:`FileRecord` per HTML response (or resource) record, streaming.

    Request, metadata and warcinfo records, non-HTML responses and redirects are not documents and are
    passed over silently. A record over ``max_bytes`` is skipped (never read into memory) and quarantined;
    a response with no body is quarantined; a record whose ``Content-Length`` is missing or not a number
    is quarantined and reading goes on at the next record; bytes that are not a record are quarantined
    as ``<file>#record-<n>`` and skipped; a stream that ends early (a cut gzip member, a short block)
    quarantines the record it was in and ends the archive, keeping every record read before it.

    After the first bytes that are not a record the rest of the file is read in FastWARC's lenient mode,
    which skips later ones without saying so; the records after them are still read. Records are
    numbered as FastWARC yields them (every type), so ``record-<n>`` labels and the ``-<n>`` suffix of a
    repeated URL's id stay what they were.
    """
    archive, seen, number, strict = _Archive.at(path), set[str](), 0, True
    framing: Framing = "read"
    held: list[FileRecord | Quarantine] = []  # the last record's items: a cut stream may explain them
    stream: GzipReader | None = None
    while True:
        resumed = not strict
        try:
            for record, stream in _records(archive, strict, number):
                yield from held
                number += 1
                if resumed and framing != "unframed":  # the strict reader stopped at bytes that are no record
                    yield Quarantine(f"{file}#record-{number}", SKIPPED, "intake")
                resumed = False
                try:
                    held, framing = _record_items(record, archive, file, file_name, number, seen, max_bytes)
                except OSError as err:  # the data under the record is damaged (a corrupt gzip member)
                    yield Quarantine(f"{file}#record-{number}", f"truncated archive: {err}", "intake")
                    return
                if framing == "cut":
                    yield from held
                    return
        except OSError as err:
            if strict:
                strict = False
                continue
            yield from held
            yield Quarantine(f"{file}#record-{number + 1}", f"truncated archive: {err}", "intake")
            return
        yield from _ending(archive, stream, file, number, held, framing, resumed)
        return


def _ending(archive: _Archive, stream: GzipReader | None, file: str, number: int,
            held: list[FileRecord | Quarantine], framing: Framing, resumed: bool) -> Iterator[FileRecord | Quarantine]:
    """The last record's items, and a quarantine when the archive was cut short after (or inside) it.

    A gzip stream cut inside the last record's headers or HTTP head leaves FastWARC a record with part of
    its headers; what is wrong with it then is the cut, so it is quarantined as cut, not as malformed."""
    cut = stream is not None and _gzip_cut_short(archive.path, stream.frame_start_position() or 0)
    if not cut and not (resumed and framing != "unframed"):  # resumed: the strict reader stopped at the end
        yield from held
        return
    reason = GZIP_CUT if archive.gzipped else "truncated: the stream ends inside a record header"
    if cut and held and all(isinstance(item, Quarantine) for item in held):
        label = f"{file}#record-{number}" if framing == "unframed" else held[0].source
        yield Quarantine(label, f"truncated archive: {reason}", "intake")
        return
    yield from held
    yield Quarantine(f"{file}#record-{number + 1}", f"truncated archive: {reason}", "intake")


def _record_items(record: WarcRecord, archive: _Archive, file: str, file_name: str, number: int, seen: set[str],
                  max_bytes: int) -> tuple[list[FileRecord | Quarantine], Framing]:
    """What one record gives (nothing, a document or a quarantine) and how much of it the stream held."""
    uri = (record.headers.get("WARC-Target-URI") or "").strip().strip("<>") or f"record-{number}"
    label = f"{file}#{uri}"
    length_text = (record.headers.get("Content-Length") or "").strip()
    if not length_text.isdigit():
        return [Quarantine(label, f"malformed: the record's Content-Length is {length_text or 'missing'!r}; "
                                  "read on from the next record", "intake")], "unframed"
    length = int(length_text)
    wanted = bool(record.record_type & _WANTED)
    if not wanted or length == 0 or length > max_bytes:
        skipped = record.reader.consume()
        if skipped < record.content_length:
            return [_cut(label, archive, record.content_length - skipped)], "cut"
        if not wanted:
            return [], "read"
        if length == 0:
            return [Quarantine(label, "empty: the record has no body", "intake")], "read"
        return [Quarantine(label, f"too large: record of {length} bytes, more than {max_bytes} (raise "
                                  "max_file_bytes to accept it)", "intake")], "read"
    try:
        http = _http_of(record)
    except RecordFileError as err:
        return [Quarantine(label, str(err), "intake")], "read"
    if http.missing:
        return [_cut(label, archive, http.missing)], "cut"
    found = _page_of(http, label, max_bytes)
    if not isinstance(found, tuple):
        return ([found] if found is not None else []), "read"
    page, content_type = found
    declared = CHARSET_RE.search(content_type)
    return [FileRecord(file, uri, unique_id(record_doc_id(file_name, uri), seen, number), "html", data=page,
                       charset=declared.group(1) if declared else None, url=uri if "://" in uri else None,
                       published=record.headers.get("WARC-Date"))], "read"


def _cut(label: str, archive: _Archive, missing: int) -> Quarantine:
    """The quarantine of a record the stream ends inside (the archive ends with it)."""
    cut = GZIP_CUT if archive.gzipped else f"truncated: the block ends {missing} bytes before its Content-Length"
    return Quarantine(label, f"truncated archive: {cut}", "intake")


@dataclass(frozen=True)
class _Http:
    """A record's status, content type, content encoding and body as stored; ``missing`` bytes cut off."""

    status: int
    content_type: str
    encoding: str
    body: bytes
    missing: int


def _http_of(record: WarcRecord) -> _Http:
    """FastWARC parses a response's status line and headers, and its chunked reader undoes the transfer
    encoding; a resource record is its own body, with status 200."""
    if record.record_type != WarcRecordType.response or not record.is_http:
        body = record.reader.read(record.content_length)
        return _Http(200, record.headers.get("Content-Type") or "", "", body, record.content_length - len(body))
    try:
        record.parse_http()
    except OSError as err:
        raise RecordFileError(f"malformed: the HTTP response's headers do not parse ({err})") from err
    http = record.http_headers
    if http.status_code is None:
        raise RecordFileError(f"malformed: not an HTTP status line: {(http.status_line or '')[:60]!r}")
    body = record.reader.read(record.content_length)
    missing = record.content_length - len(body)
    if not missing and "chunked" in (http.get("Transfer-Encoding") or "").lower():
        body = dechunk(body)
    return _Http(http.status_code, http.get("Content-Type") or "", http.get("Content-Encoding") or "", body, missing)


def _page_of(http: _Http, label: str, max_bytes: int) -> tuple[bytes, str] | Quarantine | None:
    """A record's HTML page and its content type; a quarantine when the body is broken or too large;
    ``None`` for what carries no article (a redirect, an error, a non-HTML response)."""
    try:
        body = decompress_body(http.body, http.encoding, max_bytes)
    except RecordFileError as err:
        return Quarantine(label, str(err), "intake")
    if not 200 <= http.status < 300:
        return None  # redirects and errors carry no article
    if not body.strip():
        return Quarantine(label, "empty: the response record has no body", "intake")
    if not _is_html(http.content_type, body):
        return None
    if len(body) > max_bytes:
        return Quarantine(label, f"too large: body over {max_bytes} bytes once decoded (raise max_file_bytes to "
                                 "accept it)", "intake")
    return body, http.content_type
