"""Repair: undo mojibake and broken characters before any rule reads a line.

ftfy decides per line whether the text is mis-decoded (UTF-8 read as
Windows-1252 and similar) and re-decodes it. The fixes it may apply are
restricted to the ones that restore what the author wrote: quotes stay curly,
full-width CJK stays full-width, and line breaks are never touched, because the
line numbers of the raw file are the provenance of every decision.
"""
from __future__ import annotations

from functools import lru_cache

import ftfy

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


@lru_cache(maxsize=65_536)
def repair_line(line: str) -> tuple[str, tuple[str, ...]]:
    """Return the repaired line and ftfy's explanation steps (empty when nothing changed).

    Cached because template lines (nav, footers) recur across a batch.
    """
    if _is_plain_ascii(line):
        return line, ()
    fixed, steps = ftfy.fix_and_explain(line, config=_CONFIG)
    if fixed == line:
        return line, ()
    return fixed, tuple(f"{kind}:{arg}" for kind, arg in (steps or ()))


def repair_lines(lines: list[str]) -> tuple[list[str], dict[int, tuple[str, ...]]]:
    """Repair every line; return the new lines and, by 1-based line number, the fixes applied."""
    out: list[str] = []
    fixes: dict[int, tuple[str, ...]] = {}
    for number, line in enumerate(lines, start=1):
        fixed, steps = repair_line(line)
        out.append(fixed)
        if steps:
            fixes[number] = steps
    return out, fixes
