"""Intake: find raw files, read them safely, decode them, say what they are.

Reading is where hostile input first arrives, so every way a file can be bad
ends in a :class:`~tasks.records.Quarantine` with a reason instead of an
exception: unreadable, empty, binary, too large (also after decompression, so a
gzip bomb stops at the limit), or undecodable. Decoding tries UTF-8 first, then
the charset the bytes declare, then detection; mojibake that survives decoding
is repaired later, line by line, by the repair stage.
"""
from __future__ import annotations

import gzip
import re
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from tasks.records import Quarantine

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_HTML_SNIFF_RE = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_URL_RE = re.compile(r"^https?://[^\s/]+\S*$")


@dataclass(frozen=True)
class RawText:
    """A decoded raw file: its relative path, clean name, outlet, format and text."""

    source: str
    name: str
    outlet: str
    format: str
    text: str
    encoding: str


def list_raw_files(raw_dir: Path) -> list[str]:
    """Relative POSIX paths of every regular file under ``raw_dir``, sorted.

    Hidden files and folders (``.git``, ``.DS_Store``) and symlinks pointing
    outside the folder are skipped: nothing is read from outside ``raw/``.
    """
    root = raw_dir.resolve()
    found: list[str] = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if root not in path.resolve().parents:
            continue
        found.append(rel.as_posix())
    return sorted(found)


def clean_name(source: str) -> str:
    """The output name of a raw path: the path minus all extensions (``a/b.html.gz`` → ``a/b``)."""
    path = PurePosixPath(source)
    stem = path.name.split(".", 1)[0] or path.name
    return str(path.with_name(stem))


def outlet_of(source: str, text: str) -> str:
    """The outlet: the first folder under raw/, else a URL's host the file names, else the file itself."""
    parts = PurePosixPath(source).parts
    if len(parts) > 1:
        return parts[0]
    for line in text.splitlines()[-40:] + text.splitlines()[:10]:
        line = line.strip()
        if _URL_RE.match(line):
            host = urlsplit(line).hostname or ""
            return host.removeprefix("www.") or clean_name(source)
    return clean_name(source)


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """Read a file, decompressing gzip, never holding more than ``max_bytes + 1`` bytes."""
    with path.open("rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=handle) as gz:
                return gz.read(max_bytes + 1)
        return handle.read(max_bytes + 1)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data``: UTF-8 (with or without BOM), then a declared HTML charset, then detection."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _CHARSET_RE.search(data[:4096])
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
    if len(data) > max_bytes:
        return Quarantine(source, f"too large: more than {max_bytes} bytes (raise max_file_bytes to accept it)", "intake")
    if not data.strip():
        return Quarantine(source, "empty: the file has no text", "intake")
    if looks_binary(data):
        return Quarantine(source, "binary: the file is not text or HTML", "intake")
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawText(source, clean_name(source), outlet_of(source, text), sniff_format(source, text), text, encoding)


def read_batch(raw_dir: Path, sources: list[str], max_bytes: int) -> list[RawText | Quarantine]:
    """Read a batch of raw files; a file's failure is its own quarantine record, never the batch's."""
    return [read_raw(raw_dir, source, max_bytes) for source in sources]


# --- Prefect shell -----------------------------------------------------------------------------
from prefect import task  # noqa: E402  (the pure functions above never need Prefect)

read_batch_task = task(read_batch, name="read-batch", retries=2, retry_delay_seconds=1)
