"""Repair: undo mojibake and broken characters before any rule reads a line.

ftfy decides per line whether the text is mis-decoded (UTF-8 read as
Windows-1252 and similar) and re-decodes it. The fixes it may apply are
restricted to the ones that restore what the author wrote: quotes stay curly,
full-width CJK stays full-width, and line breaks are never touched, because the
line numbers of the raw file are the provenance of every decision.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import combinations, product
from typing import NamedTuple

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
import ftfy.badness
from ftfy.chardata import CONTROL_CHARS

from chardet.euckrfreq import EUCKR_CHAR_TO_FREQ_ORDER
from chardet.gb2312freq import GB2312_CHAR_TO_FREQ_ORDER

from wirewash.tasks.read.letter_model import choose_spelling
from wirewash.tasks.clean.lines import MAX_LINE_CHARS, WORD_RE

_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    explain=True,
)


_ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0a-\x1f]")  # below the space, the tab aside


def _is_plain_ascii(line: str) -> bool:
    # ASCII lines without HTML entities or control characters have nothing ftfy would change.
    return line.isascii() and "&" not in line and _ASCII_CONTROL_RE.search(line) is None


@lru_cache(maxsize=4096)
def _is_quiet_char(char: str) -> bool:
    """A character no step of :func:`repair_line` acts on by itself (ASCII is left to :func:`_is_plain_ascii`).

    Not a C1 control or surrogate (ftfy replaces them), not a control
    character ftfy removes, not an ``&`` (HTML entities), and not one of
    the characters :func:`_oddness` counts, which would send the line to
    the lost-byte decoder.
    """
    code = ord(char)
    if code < 0x80:
        return char == "\t" or (" " <= char < "\x7f" and char != "&")
    return not (code <= 0x9F or 0xD800 <= code <= 0xDFFF or code in CONTROL_CHARS or _is_rare_in_prose(char))


def _nothing_to_repair(line: str) -> bool:
    """True when :func:`repair_line` would return ``line`` unchanged, known without running ftfy's fixers.

    With only quiet characters (:func:`_is_quiet_char`), text already in
    NFC and no mojibake sequence (``ftfy.badness.is_bad``, which is also
    ftfy's own first test before re-decoding anything), every ftfy step
    leaves the line alone and :func:`_oddness` is (0, 0, 0). Most lines of
    real news (curly quotes, dashes, accented names) pass, at about a third
    of the cost of ``fix_and_explain`` plus ``_oddness``.
    """
    return (all(_is_quiet_char(char) for char in set(line)) and unicodedata.is_normalized("NFC", line)
            and not ftfy.badness.is_bad(line))


# Windows-1252 leaves these five bytes undefined, so a UTF-8 page decoded as 1252 by a
# scraper often loses them outright ("â€" where "”" = E2 80 9D stood). 0x9D first: it
# completes both the closing quote and the most frequent Hangul syllables.
_LOST_BYTES = (0x9D, 0x90, 0x81, 0x8D, 0x8F)
RESTORE_STEP = "restore_lost_bytes:windows-1252/utf-8"


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
def _restorations(lead: int, present: bytes, size: int) -> tuple[str, ...]:
    """The characters ``lead``, the ``present`` continuation bytes and lost bytes filling the gaps can make, best first.

    Only the best class by :func:`_rank` is kept (letters and prose
    punctuation over symbols); within it the more common Hangul syllable or
    Han character comes first, then byte order (0x9D first).
    """
    missing = size - 1 - len(present)
    ranked: list[tuple[int, int, int, str]] = []
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
            ranked.append((_rank(char), _frequency_rank(char), order, char))
    ranked.sort()
    return tuple(dict.fromkeys(key[-1] for key in ranked if key[0] == ranked[0][0])) if ranked else ()


def decode_with_lost_bytes(data: bytes) -> str | None:
    """Decode UTF-8 whose bytes 0x81/0x8D/0x8F/0x90/0x9D were dropped, putting them back where a character broke.

    Each broken character gets its candidates (:func:`_restorations`); where
    a word holds broken letters, the letter model picks the likeliest
    spelling of the whole word (:func:`wirewash.tasks.read.letter_model.choose_spelling`),
    so "с", "э" and "я" are told apart by the letters around them. Elsewhere
    the first candidate stands. Returns ``None`` when the bytes are not UTF-8
    even with bytes restored.
    """
    slots: list[str | tuple[str, ...]] = []
    i = 0
    while i < len(data):
        lead = data[i]
        if lead < 0x80:
            slots.append(chr(lead))
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
        if len(present) == size - 1:
            try:
                slots.append(data[i:j].decode("utf-8"))
            except UnicodeDecodeError:
                return None
        else:
            candidates = _restorations(lead, bytes(present), size)
            if not candidates:
                return None
            slots.append(candidates if len(candidates) > 1 else candidates[0])
        i = j
    return _spell_words(slots)


def _is_letter_slot(slot: str | tuple[str, ...]) -> bool:
    return slot[0].isalnum() if isinstance(slot, tuple) else slot.isalnum()


def _spell_words(slots: list[str | tuple[str, ...]]) -> str:
    """Join the slots, settling each word that holds an ambiguous letter by the letter model."""
    out: list[str] = []
    i = 0
    while i < len(slots):
        if not _is_letter_slot(slots[i]):
            slot = slots[i]
            out.append(slot[0] if isinstance(slot, tuple) else slot)
            i += 1
            continue
        j = i
        while j < len(slots) and _is_letter_slot(slots[j]):
            j += 1
        word = slots[i:j]
        if any(isinstance(slot, tuple) for slot in word):
            out.append(choose_spelling(tuple(word)))
        else:
            out.append("".join(word))  # type: ignore[arg-type]
        i = j
    return "".join(out)


_RARE_IN_PROSE = frozenset("†‡‰‹›¤¦¨¯´¸¹³²ˆ˜")


def _is_rare_in_prose(char: str) -> bool:
    """A character mojibake leaves behind far more often than authors type it: the marks above, symbols
    (So), private-use (Co) and unassigned (Cn) code points."""
    return char in _RARE_IN_PROSE or unicodedata.category(char) in ("So", "Co", "Cn")


def _is_mixed_script_word(word: str) -> bool:
    """A word with a Latin-1 letter ('Ñ', 'Ð', 'ì') and a letter of a non-Latin script: what ftfy leaves when
    it re-decodes a line whose lost bytes broke some characters ("Ñйца" for "яйца"). No language spells so."""
    return any("\u00c0" <= c <= "\u00ff" for c in word) and any(c.isalpha() and ord(c) >= 0x370 for c in word)


_LATIN1_LETTER_RE = re.compile("[\u00c0-\u00ff]")


def _oddness(text: str) -> tuple[int, int, int]:
    """(ftfy's mojibake badness, count of characters rare in prose, count of mixed-script words):
    lower is more likely right. Each distinct character is judged once; words are looked at only when
    the text has a Latin-1 letter, which a mixed-script word needs."""
    rare = sum(text.count(char) for char in set(text) if _is_rare_in_prose(char))
    mixed = sum(1 for word in WORD_RE.findall(text) if _is_mixed_script_word(word)) if _LATIN1_LETTER_RE.search(text) else 0
    return ftfy.badness.badness(text), rare, mixed


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


RUNS_STEP = "repair_runs:windows-1252/utf-8"
# the characters Windows-1252 (ftfy's sloppy variant) reads from the bytes 0x80-0xFF: what mojibake is made of
_HIGH_1252 = "".join(sorted({bytes([b]).decode("sloppy-windows-1252") for b in range(0x80, 0x100)}))
# a run opens with what Windows-1252 reads from a UTF-8 lead byte (0xC2-0xF4: "Â" … "ô")
_MOJIBAKE_RUN_RE = re.compile(f"[\u00c2-\u00f4][{re.escape(_HIGH_1252)}]+")


def _repair_run(run: str) -> str:
    """One run of Windows-1252 characters re-read as the UTF-8 it was (lost bytes put back); else unchanged."""
    data = run.encode("sloppy-windows-1252")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_with_lost_bytes(data) or run


def _repair_runs(line: str) -> str:
    """Re-read each run of mojibake in a line that also holds text decoded right ("CEO:\u00a0â€‹Arvind",
    "“Continue.â€"): the right part keeps the whole line from being re-decoded. A run that does not
    decode as UTF-8, even with lost bytes back ("—“"), is left as it is."""
    return _MOJIBAKE_RUN_RE.sub(lambda match: _repair_run(match.group(0)), line)


ORPHAN_NBSP_STEP = "strip_orphan_nbsp_lead:Â"


def _strip_orphan_nbsp_lead(line: str) -> str:
    """Drop the 'Â' a no-break space leaves at a line's end: UTF-8 C2 A0 read as Windows-1252 is 'Â' and a
    no-break space, and when the page's trailing whitespace was trimmed only the 'Â' stayed ("… on meth.Â",
    "Bend wiresÂ"). Only after a non-letter or a lowercase letter: no word ends in a capital Â glued to
    punctuation or to lowercase, while a word in capitals may ("CAFÂ" is left alone)."""
    while line.endswith("Â") and (len(line) == 1 or not line[-2].isalnum() or line[-2].islower()):
        line = line[:-1].rstrip()
    return line


@lru_cache(maxsize=65_536)
def _ftfy_explained(text: str) -> tuple[str, tuple[str, ...]]:
    """ftfy's fix of ``text`` and its steps as ``kind:argument`` strings."""
    fixed, steps = ftfy.fix_and_explain(text, config=_CONFIG)
    return fixed, tuple(f"{kind}:{arg}" for kind, arg in (steps or ()))


def _less_odd(fixed: str, explained: tuple[str, ...], candidate: str, step: str) -> tuple[str, tuple[str, ...]]:
    """ftfy's fix of ``candidate`` (explained as ``step`` and ftfy's steps) where it is less odd than ``fixed``,
    else ``fixed`` and its explanation as they were."""
    refixed, more = _ftfy_explained(candidate)
    return (refixed, (step,) + more) if _oddness(refixed) < _oddness(fixed) else (fixed, explained)


def repair_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Return the repaired line and the repair steps (empty when nothing changed).

    An orphaned no-break-space lead at the line's end goes first
    (:func:`_strip_orphan_nbsp_lead`). Then ftfy; when its result still looks
    like mojibake (mixed-script words included), the lost-byte decoder above
    gets a try and wins only if it leaves less mojibake behind. Cached because
    template lines (nav, footers) recur across a batch.
    """
    stripped = _strip_orphan_nbsp_lead(line)
    if stripped != line:
        fixed, steps = repair_line(stripped)
        return fixed, steps + (ORPHAN_NBSP_STEP,)
    if _is_plain_ascii(line) or _nothing_to_repair(line):
        return line, ()
    fixed, explained = _ftfy_explained(line)
    if _oddness(fixed) > (0, 0, 0):
        restored = _restore_lost_bytes(line)
        if restored is not None:
            fixed, explained = _less_odd(fixed, explained, restored, RESTORE_STEP)
    if ftfy.badness.is_bad(fixed):
        # ftfy may have read part of the line its own way ("â€ " as a dagger and a space): runs of the
        # raw line first, then of ftfy's result
        for text in (line, fixed):
            fixed, explained = _less_odd(fixed, explained, _repair_runs(text), RUNS_STEP)
    if fixed == line:
        return line, ()
    return fixed, explained


class RepairedText(NamedTuple):
    """A text's lines after :func:`repair_lines`, and the fixes applied by 1-based line number."""

    lines: list[str]
    fixes: dict[int, tuple[str, ...]]


def repair_text(text: str) -> RepairedText:
    """Repair every line of ``text`` (split on newlines only, as the cleaner numbers lines)."""
    return RepairedText(*repair_lines(text.split("\n")))


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
