"""Intake: find raw files, read them safely, decode them, say what they are.

Reading is where hostile input first arrives, so every way a file can be bad
ends in a :class:`~wirewash.tasks.records.Quarantine` with a reason instead of an
exception: unreadable, empty, binary, too large (also after decompression, so a
gzip bomb stops at the limit), or undecodable. Decoding tries UTF-8 first, then
the charset the bytes declare, then detection; mojibake that survives decoding
is repaired later, line by line, by the repair stage.

Archives are sniffed from their content before anything else: a WARC crawl or
a JSONL export yields one document per record (``tasks/read/record_files.py`` streams
them), each named ``<archive name>/<record id>`` and traced back as
``<archive path>#<record>``.
"""
from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from wirewash.tasks.read.record_files import (FileRecord, RecordFileKind, open_maybe_gzip, iter_jsonl, outlet_domain,
                                              sniff_record_file, sniff_record_file_at)
from wirewash.tasks.read.warc import iter_warc
from wirewash.tasks.records import Quarantine

if TYPE_CHECKING:
    from wirewash.tasks.read.repair import RepairedText

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_SNIFF_RE = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_URL_LINE_RE = re.compile(r"^[ \t]*(https?://[^\s/]+\S*)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class RawText:
    """A decoded raw file, or one record of an archive: where it came from, its name, outlet, format and text.

    For a record inside a WARC or JSONL archive, ``source`` is
    ``<archive path>#<record>`` (the record's URI, or ``L<n>`` for a JSON
    line), ``name`` the record's document id, and ``record`` the part after
    ``#``; ``url``, ``title`` and ``published`` carry what the archive said
    about the record (see :func:`wirewash.tasks.clean.metadata.with_record_metadata`).
    ``repaired`` is the text's lines once repaired (:func:`wirewash.tasks.read.repair.repair_text`), when the
    read stage already repaired them for the outlet's template lines: cleaning then takes them as they are
    instead of repairing every line a second time, in another process.
    """

    source: str
    name: str
    outlet: str
    format: str
    text: str
    encoding: str
    url: str | None = None
    title: str | None = None
    published: str | None = None
    record: str | None = None
    repaired: RepairedText | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class SkippedEntry:
    """An entry of raw/ that is not read, and why (listed in the run summary, never dropped silently)."""

    __pydantic_config__ = {"extra": "forbid"}  # as a field of the run summary: no stray keys

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True)
class RawListing:
    """What a scan of raw/ found: the files to read (relative POSIX paths, sorted) and the entries skipped."""

    files: list[str]
    skipped: list[SkippedEntry]


def _skip_reason(path: Path, root: Path) -> str | None:
    """Why a non-hidden entry of raw/ is not read, or ``None`` for a regular file to read.

    Links to folders are not followed (a link back up the tree would loop, and a link to a sibling lists
    its files twice); links must end at a file inside raw/ (nothing is read from outside it). FIFOs,
    sockets and devices are not files: reading a FIFO would block the run.
    """
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return "broken link: it points at nothing, or at itself (a link loop)"
        if target.is_dir():
            return "link to a folder: not followed (it could loop, or list files twice)"
        if root not in target.parents:
            return "link to a file outside raw/: nothing is read from outside the raw folder"
    if path.is_file():
        return None
    kind = next((name for name, test in (("a FIFO", path.is_fifo), ("a socket", path.is_socket),
                                         ("a device", path.is_block_device), ("a device", path.is_char_device))
                 if test()), "not a regular file")
    return f"not a regular file ({kind}): only files are read"


def scan_raw_folder(raw_dir: Path) -> RawListing:
    """Every regular file under ``raw_dir`` (relative POSIX paths, sorted), and every entry skipped with its reason.

    Hidden files and folders (``.git``, ``.DS_Store``) are passed over without a record: they are never
    scrapes. Everything else that is not read — links to folders or out of raw/, broken links, FIFOs,
    sockets, unreadable folders — is listed in :attr:`RawListing.skipped`.
    """
    root = raw_dir.resolve()
    files: list[str] = []
    skipped: list[SkippedEntry] = []
    pending = [raw_dir]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError as err:
            skipped.append(SkippedEntry(folder.relative_to(raw_dir).as_posix(),
                                        f"unreadable folder: {type(err).__name__}: {err.strerror or err}"))
            continue
        for path in entries:
            if path.name.startswith("."):
                continue
            rel = path.relative_to(raw_dir).as_posix()
            if path.is_dir() and not path.is_symlink():
                pending.append(path)
                continue
            reason = _skip_reason(path, root)
            if reason is None:
                files.append(rel)
            else:
                skipped.append(SkippedEntry(rel, reason))
    return RawListing(sorted(files), sorted(skipped, key=lambda entry: entry.path))


def clean_name(source: str) -> str:
    """The output name of a raw path: the path minus all extensions (``a/b.html.gz`` → ``a/b``)."""
    path = PurePosixPath(source)
    stem = path.name.split(".", 1)[0] or path.name
    return str(path.with_name(stem))


def outlet_of(source: str, text: str) -> str:
    """The outlet: the first folder under raw/, else the registered domain of the first line of the file that is
    a URL alone (a scraper's note of the page's address; a share link at the foot comes later), else the file."""
    parts = PurePosixPath(source).parts
    if len(parts) > 1:
        return parts[0]
    url_line = _URL_LINE_RE.search(text)
    return (outlet_domain(url_line.group(1)) if url_line else None) or clean_name(source)


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """Read a file, decompressing gzip, never holding more than ``max_bytes + 1`` bytes."""
    with path.open("rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=handle) as gz:
                return gz.read(max_bytes + 1)
        return handle.read(max_bytes + 1)


def decode_bytes(data: bytes, declared_charset: str | None = None) -> tuple[str, str]:
    """Decode ``data``: UTF-8 (with or without BOM), then the declared charset, then detection.

    Valid UTF-8 wins over any declaration: servers often label UTF-8 pages
    ISO-8859-1, while non-ASCII bytes that happen to form valid UTF-8 are
    vanishingly rare. ``declared_charset`` is what the transport said (an
    HTTP ``Content-Type`` header); else a ``<meta charset>`` in the first
    4 KB is used; else charset detection; mojibake that survives is repaired
    later by the repair stage.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared_charset:
        try:
            return data.decode(declared_charset), declared_charset.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    declared = CHARSET_RE.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "ignore")
        try:
            return data.decode(name), name.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    from charset_normalizer import from_bytes  # imported late: only mis-encoded files pay for it

    best = from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252+replace"


def looks_binary(data: bytes) -> bool:
    """True when the bytes are not text: NUL bytes, or many control characters in the first 8 KB."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def sniff_format(source: str, text: str) -> str:
    """``html`` when the content or the extension says so, else ``text``."""
    suffixes = [s.lower() for s in PurePosixPath(source).suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in HTML_SUFFIXES:
        return "html"
    if _HTML_SNIFF_RE.match(text[:1024]):
        return "html"
    return "text"


def read_raw(raw_dir: Path, source: str, max_bytes: int) -> RawText | Quarantine:
    """Read and decode one raw file, or say why it cannot be processed."""
    path = raw_dir / source
    try:
        data = _read_limited(path, max_bytes)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        return Quarantine(source, f"unreadable: {type(err).__name__}: {err}", "intake")
    return decode_raw(source, data, max_bytes)


def decode_raw(source: str, data: bytes, max_bytes: int) -> RawText | Quarantine:
    """Decode the (decompressed) bytes of one raw file named ``source``, or say why they cannot be processed."""
    if len(data) > max_bytes:
        return Quarantine(source, f"too large: more than {max_bytes} bytes (raise max_file_bytes to accept it)", "intake")
    if not data.strip():
        return Quarantine(source, "empty: the file has no text", "intake")
    if looks_binary(data):
        return Quarantine(source, "binary: the file is not text or HTML", "intake")
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawText(source, clean_name(source), outlet_of(source, text), sniff_format(source, text), text, encoding)


def read_bytes(source: str, data: bytes, max_bytes: int) -> RawText | Quarantine:
    """One page or scrape given as bytes (``wirewash clean -``): gzip undone, archives refused with the fix."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(47).decompress(data, max_bytes + 1)
        except zlib.error as err:
            return Quarantine(source, f"unreadable: a broken gzip stream ({err})", "intake")
    kind = sniff_record_file(source, data[:1 << 16])
    if kind is not None:
        return Quarantine(source, f"a {kind.upper()} archive holds many documents: put it in a raw folder and use "
                                  "`wirewash run`", "intake")
    return decode_raw(source, data, max_bytes)


def read_record(record: FileRecord, file_outlet: str) -> RawText | Quarantine:
    """Decode one archive record into a :class:`RawText` named by its record id.

    The outlet is the record's own ``outlet`` field, else its URL's host, else
    the archive's outlet (a crawl mixes sites, so the archive's folder says
    less about a record than its URL does).
    """
    if record.text is not None:
        text, encoding = record.text, "utf-8"
    else:
        data = record.data or b""
        if looks_binary(data):
            return Quarantine(record.source, "binary: the record's body is not text or HTML", "intake")
        text, encoding = decode_bytes(data, record.charset)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return Quarantine(record.source, "empty: the record has no text", "intake")
    outlet = record.outlet or outlet_domain(record.url) or file_outlet
    return RawText(record.source, record.doc_id, outlet, record.format, text, encoding,
                   url=record.url, title=record.title, published=record.published, record=record.record)


def _iter_record_file(path: Path, file: str, file_name: str, kind: RecordFileKind, max_bytes: int) -> Iterator[FileRecord | Quarantine]:
    """Stream the records of the WARC or JSONL file at ``path`` (gzip or plain).

    FastWARC opens a WARC itself (its gzip reader is much faster than Python's); a JSONL export is read
    through Python's gzip."""
    try:
        if kind == "warc":
            yield from iter_warc(path, file, file_name, max_bytes)
            return
        stream = open_maybe_gzip(path)
    except OSError as err:
        yield Quarantine(file, f"unreadable: {type(err).__name__}: {err}", "intake")
        return
    with stream:
        yield from iter_jsonl(stream, file, file_name, max_bytes)


def read_record_file(raw_dir: Path, source: str, kind: RecordFileKind, max_bytes: int) -> list[RawText | Quarantine]:
    """Every record of a WARC or JSONL archive, streamed one record at a time (each capped at ``max_bytes``)."""
    file_outlet = outlet_of(source, "")
    out: list[RawText | Quarantine] = []
    for item in _iter_record_file(raw_dir / source, source, clean_name(source), kind, max_bytes):
        out.append(item if isinstance(item, Quarantine) else read_record(item, file_outlet))
    if not out:
        out.append(Quarantine(source, f"empty: the {kind.upper()} archive holds no HTML or text record", "intake"))
    return out


def read_source(raw_dir: Path, source: str, max_bytes: int) -> list[RawText | Quarantine]:
    """One raw file as documents: an archive gives one per record, any other file one (or its quarantine)."""
    kind = sniff_record_file_at(raw_dir / source, source)
    if kind is not None:
        return read_record_file(raw_dir, source, kind, max_bytes)
    return [read_raw(raw_dir, source, max_bytes)]
