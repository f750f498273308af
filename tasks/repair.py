"""Repair: undo mojibake and broken characters before any rule reads a line.

ftfy decides per line whether the text is mis-decoded (UTF-8 read as
Windows-1252 and similar) and re-decodes it. The fixes it may apply are
restricted to the ones that restore what the author wrote: quotes stay curly,
full-width CJK stays full-width, and line breaks are never touched, because the
line numbers of the raw file are the provenance of every decision.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import combinations, product

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
import ftfy.badness

from chardet.euckrfreq import EUCKR_CHAR_TO_FREQ_ORDER
from chardet.gb2312freq import GB2312_CHAR_TO_FREQ_ORDER

from tasks.lines import MAX_LINE_CHARS, WORD_RE, all_stopwords

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
RESTORE_STEP = "restore_lost_bytes:windows-1252/utf-8"
_LEARNED_GROUPS = 24  # broken-character groups a document teaches preferences for (most frequent first)


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


_UNRANKED = 1 << 20


def _frequency_rank(char: str) -> int:
    """How common ``char`` is in Korean or Chinese text (0 = most common), from chardet's frequency tables.

    A Hangul syllable or Han character that lost a byte can usually be
    completed into several valid characters ("덕" and "띕" differ only in the
    lost byte 0x8D vs 0x9D); the one real text uses far more often is almost
    always right (measured: 89% of broken Hangul restored right, against 57%
    by byte order alone). Characters outside those tables (Latin, Cyrillic,
    punctuation) all rank alike, so the other preferences decide for them.
    """
    code = ord(char)
    if 0xAC00 <= code <= 0xD7A3:
        codec, table = "euc_kr", EUCKR_CHAR_TO_FREQ_ORDER
    elif 0x4E00 <= code <= 0x9FFF:
        codec, table = "gb2312", GB2312_CHAR_TO_FREQ_ORDER
    else:
        return _UNRANKED
    try:
        data = char.encode(codec)
    except UnicodeEncodeError:
        return _UNRANKED  # not among the 2,350 / 6,763 characters these charsets keep for common use
    # both tables are indexed by the EUC row (from 0xB0) and cell (from 0xA1), 94 cells a row
    order = 94 * (data[0] - 0xB0) + data[1] - 0xA1 if len(data) == 2 else -1
    return table[order] if 0 <= order < len(table) else _UNRANKED


@lru_cache(maxsize=65_536)
def _restore_char(lead: int, present: bytes, size: int, preferred: int | None = None) -> str | None:
    """The best character made of ``lead``, the ``present`` continuation bytes and lost bytes filling the gaps.

    ``preferred`` is the lost byte this document's own words favour after
    ``lead`` (see :func:`learn_lost_byte_preferences`); it wins ties.
    """
    missing = size - 1 - len(present)
    best: tuple[int, int, int, int, str] | None = None
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
            key = (_rank(char), 0 if preferred in fill else 1, _frequency_rank(char), order, char)
            if best is None or key < best:
                best = key
    return best[-1] if best else None


def _broken_leads(data: bytes) -> Counter[tuple[int, int]]:
    """(lead byte, first surviving continuation byte or -1) of characters that lost bytes, with how often."""
    leads: Counter[tuple[int, int]] = Counter()
    i = 0
    while i < len(data):
        size = _utf8_length(data[i])
        if size:
            present = 0
            while i + 1 + present < len(data) and present < size - 1 and 0x80 <= data[i + 1 + present] <= 0xBF:
                present += 1
            if present < size - 1:
                leads[(data[i], data[i + 1] if present else -1)] += 1
            i += 1 + present
        else:
            i += 1
    return leads


def decode_with_lost_bytes(data: bytes, preferred: dict[tuple[int, int], int] | None = None) -> str | None:
    """Decode UTF-8 whose bytes 0x81/0x8D/0x8F/0x90/0x9D were dropped, putting them back where a character broke.

    Where several restorations are valid UTF-8, letters and punctuation win
    over symbols, then the byte ``preferred`` names for the broken character's
    (lead byte, first surviving continuation byte), then the more common
    Hangul syllable or Han character (:func:`_frequency_rank`), then
    0x9D over the rarer bytes. Returns ``None`` when the bytes are not UTF-8
    even with bytes restored.
    """
    preferred = preferred or {}
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
        char = _restore_char(lead, bytes(present), size, preferred.get((lead, present[0] if present else -1)))
        if char is None:
            return None
        out.append(char)
        i = j
    return "".join(out)


def learn_lost_byte_preferences(lines: list[str], max_lines: int = 200) -> dict[tuple[int, int], int]:
    """See :func:`_learn_preferences`; cached, since a document is repaired for templates and for cleaning."""
    return dict(_learn_preferences(tuple(lines[:max_lines])))


@lru_cache(maxsize=256)
def _learn_preferences(lines: tuple[str, ...]) -> tuple[tuple[tuple[int, int], int], ...]:
    """Which lost byte most often completes each lead byte in this document, judged by its own words.

    A broken character such as lead byte 0xD1 (Cyrillic) can be completed
    into several valid letters; the right one is the choice that turns the
    most tokens into common words (jusText's stoplists for many languages).
    Characters are grouped by their lead byte and first surviving byte; each
    group is settled in turn, most frequent first, keeping a choice only when
    it adds stopword hits.
    """
    data: list[bytes] = []
    for line in lines:
        try:
            data.append(line.encode("sloppy-windows-1252"))
        except UnicodeEncodeError:
            continue
    leads: Counter[int] = Counter()
    for chunk in data:
        leads.update(_broken_leads(chunk))
    stopwords = all_stopwords()

    def hits(preferred: dict[tuple[int, int], int]) -> int:
        words = (w.lower() for chunk in data for w in WORD_RE.findall(decode_with_lost_bytes(chunk, preferred) or ""))
        return sum(1 for w in words if w in stopwords)

    chosen: dict[tuple[int, int], int] = {}
    best = hits(chosen)
    for lead, _ in leads.most_common(_LEARNED_GROUPS):
        for lost in _LOST_BYTES:
            score = hits({**chosen, lead: lost})
            if score > best:
                best, chosen = score, {**chosen, lead: lost}
    return tuple(sorted(chosen.items()))


_RARE_IN_PROSE = frozenset("†‡‰‹›¤¦¨¯´¸¹³²ˆ˜")


def _oddness(text: str) -> tuple[int, int]:
    """(ftfy's mojibake badness, count of characters rare in prose): lower is more likely right."""
    rare = sum(1 for c in text if c in _RARE_IN_PROSE or unicodedata.category(c) in ("So", "Co", "Cn"))
    return ftfy.badness.badness(text), rare


def _restore_lost_bytes(line: str, preferred: dict[tuple[int, int], int] | None = None) -> str | None:
    """Undo UTF-8-read-as-1252 mojibake that lost bytes, when ftfy alone cannot."""
    try:
        data = line.encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return None  # real non-1252 characters: this line is not simple mojibake
    decoded = decode_with_lost_bytes(data, preferred)
    if decoded is None or decoded == line:
        return None
    return decoded


@lru_cache(maxsize=65_536)
def repair_line(line: str, preferred: tuple[tuple[tuple[int, int], int], ...] = ()) -> tuple[str, tuple[str, ...]]:
    """Return the repaired line and the repair steps (empty when nothing changed).

    ftfy first; when its result still looks like mojibake, the lost-byte
    decoder above gets a try and wins only if it leaves less mojibake behind.
    ``preferred`` carries the document's lost-byte preferences (lead, byte).
    Cached because template lines (nav, footers) recur across a batch.
    """
    if _is_plain_ascii(line):
        return line, ()
    fixed, steps = ftfy.fix_and_explain(line, config=_CONFIG)
    explained = tuple(f"{kind}:{arg}" for kind, arg in (steps or ()))
    if _oddness(fixed) > (0, 0):
        restored = _restore_lost_bytes(line, dict(preferred))
        if restored is not None:
            refixed, more = ftfy.fix_and_explain(restored, config=_CONFIG)
            if _oddness(refixed) < _oddness(fixed):
                fixed = refixed
                explained = (RESTORE_STEP,) + tuple(f"{k}:{a}" for k, a in (more or ()))
    if fixed == line:
        return line, ()
    return fixed, explained


def repair_lines(lines: list[str]) -> tuple[list[str], dict[int, tuple[str, ...]]]:
    """Repair every line; return the new lines and, by 1-based line number, the fixes applied.

    Lines whose lost bytes had to be restored are restored again with the
    preferences this document's own words teach (:func:`learn_lost_byte_preferences`).
    """
    out: list[str] = []
    fixes: dict[int, tuple[str, ...]] = {}
    restored: list[int] = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:  # removed whole by shape.oversize-line: not worth repairing
            out.append(line)
            continue
        fixed, steps = repair_line(line)
        out.append(fixed)
        if steps:
            fixes[number] = steps
            if steps[0] == RESTORE_STEP:
                restored.append(number)
    if restored:
        preferred = tuple(sorted(learn_lost_byte_preferences([lines[n - 1] for n in restored]).items()))
        if preferred:
            for number in restored:
                out[number - 1], fixes[number] = repair_line(lines[number - 1], preferred)
    return out, fixes
