"""Repair: undo mojibake and broken characters before any rule reads a line.

ftfy decides per line whether the text is mis-decoded (UTF-8 read as
Windows-1252 and similar) and re-decodes it. The fixes it may apply are
restricted to the ones that restore what the author wrote: quotes stay curly,
full-width CJK stays full-width, and line breaks are never touched, because the
line numbers of the raw file are the provenance of every decision.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from itertools import combinations, product

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
import ftfy.badness

from tasks.lines import MAX_LINE_CHARS

_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    explain=True,
)


def _is_plain_ascii(line: str) -> bool:
    # ASCII lines without HTML entities or control characters have nothing ftfy would change.
    return line.isascii() and "&" not in line and all(c >= " " or c == "\t" for c in line)


# Windows-1252 leaves these five bytes undefined, so a UTF-8 page decoded as 1252 by a
# scraper often loses them outright ("â€" where "”" = E2 80 9D stood). 0x9D first: it
# completes both the closing quote and the most frequent Hangul syllables.
_LOST_BYTES = (0x9D, 0x90, 0x81, 0x8D, 0x8F)


def _utf8_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _rank(char: str) -> int:
    """Prefer restorations that give letters or punctuation over symbols and controls."""
    category = unicodedata.category(char)
    if category[0] == "L" or (category[0] == "P" and (ord(char) < 0x2020 or char == "…")):
        return 0  # letters, and the dashes and quotes of U+2010–U+201F that prose is full of
    return 1 if category[0] in "PSN" else 2


def _restore_char(lead: int, present: bytes, size: int) -> str | None:
    """The best character made of ``lead``, the ``present`` continuation bytes and lost bytes filling the gaps."""
    missing = size - 1 - len(present)
    best: tuple[int, int, str] | None = None
    order = 0
    for slots in combinations(range(size - 1), missing):
        for fill in product(_LOST_BYTES, repeat=missing):
            body, given, lost = [], iter(present), iter(fill)
            for slot in range(size - 1):
                body.append(next(lost) if slot in slots else next(given))
            try:
                char = bytes([lead, *body]).decode("utf-8")
            except UnicodeDecodeError:
                continue
            order += 1
            if best is None or (_rank(char), order) < best[:2]:
                best = (_rank(char), order, char)
    return best[2] if best else None


def decode_with_lost_bytes(data: bytes) -> str | None:
    """Decode UTF-8 whose bytes 0x81/0x8D/0x8F/0x90/0x9D were dropped, putting them back where a character broke.

    Where several restorations are valid UTF-8, letters and punctuation win
    over symbols, then 0x9D over the rarer bytes. Returns ``None`` when the
    bytes are not UTF-8 even with bytes restored.
    """
    out: list[str] = []
    i = 0
    while i < len(data):
        lead = data[i]
        if lead < 0x80:
            out.append(chr(lead))
            i += 1
            continue
        size = _utf8_length(lead)
        if not size:
            return None
        present = bytearray()
        j = i + 1
        while j < len(data) and len(present) < size - 1 and 0x80 <= data[j] <= 0xBF:
            present.append(data[j])
            j += 1
        char = _restore_char(lead, bytes(present), size)
        if char is None:
            return None
        out.append(char)
        i = j
    return "".join(out)


_RARE_IN_PROSE = frozenset("†‡‰‹›¤¦¨¯´¸¹³²ˆ˜")


def _oddness(text: str) -> tuple[int, int]:
    """(ftfy's mojibake badness, count of characters rare in prose): lower is more likely right."""
    rare = sum(1 for c in text if c in _RARE_IN_PROSE or unicodedata.category(c) in ("So", "Co", "Cn"))
    return ftfy.badness.badness(text), rare


def _restore_lost_bytes(line: str) -> str | None:
    """Undo UTF-8-read-as-1252 mojibake that lost bytes, when ftfy alone cannot."""
    try:
        data = line.encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return None  # real non-1252 characters: this line is not simple mojibake
    decoded = decode_with_lost_bytes(data)
    if decoded is None or decoded == line:
        return None
    return decoded


@lru_cache(maxsize=65_536)
def repair_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Return the repaired line and the repair steps (empty when nothing changed).

    ftfy first; when its result still looks like mojibake, the lost-byte
    decoder above gets a try and wins only if it leaves less mojibake behind.
    Cached because template lines (nav, footers) recur across a batch.
    """
    if _is_plain_ascii(line):
        return line, ()
    fixed, steps = ftfy.fix_and_explain(line, config=_CONFIG)
    explained = tuple(f"{kind}:{arg}" for kind, arg in (steps or ()))
    if _oddness(fixed) > (0, 0):
        restored = _restore_lost_bytes(line)
        if restored is not None:
            refixed, more = ftfy.fix_and_explain(restored, config=_CONFIG)
            if _oddness(refixed) < _oddness(fixed):
                fixed = refixed
                explained = ("restore_lost_bytes:windows-1252/utf-8",) + tuple(f"{k}:{a}" for k, a in (more or ()))
    if fixed == line:
        return line, ()
    return fixed, explained


def repair_lines(lines: list[str]) -> tuple[list[str], dict[int, tuple[str, ...]]]:
    """Repair every line; return the new lines and, by 1-based line number, the fixes applied."""
    out: list[str] = []
    fixes: dict[int, tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:  # removed whole by shape.oversize-line: not worth repairing
            out.append(line)
            continue
        fixed, steps = repair_line(line)
        out.append(fixed)
        if steps:
            fixes[number] = steps
    return out, fixes
