"""Progress of a run on the terminal: which stage, and how many files of how many.

The flow reports progress through two calls that cost nothing when no one
listens: :func:`stage` when a stage starts and :func:`track` around the
batches of a stage. ``wirewash run`` installs a :class:`TerminalProgress` on
stderr; tests and library callers install nothing and see nothing.

On a terminal the bar redraws one line in place; when stderr is a file or a
pipe (CI logs), only long runs report, one line per tenth of the work, so logs
stay short.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Protocol, TextIO, TypeVar

T = TypeVar("T")


class Reporter(Protocol):
    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, done: int) -> None: ...

    def close(self) -> None: ...


_reporter: Reporter | None = None


def install(reporter: Reporter | None) -> None:
    """Send the flow's progress to ``reporter`` (``None``: to nowhere)."""
    global _reporter
    _reporter = reporter


def stage(name: str, total: int | None = None) -> None:
    """A stage starts; ``total`` is its number of files when it counts files."""
    if _reporter is not None:
        _reporter.stage(name, total)


def track(items: Iterable[T], sizes: Sequence[int], name: str) -> Iterator[T]:
    """Yield ``items``; each one is counted as ``sizes[i]`` files done once the next is asked for.

    Meant for a list of futures whose results are consumed in order: a
    batch counts as done when the caller has taken its result and comes back.
    """
    if _reporter is None:
        yield from items
        return
    reporter = _reporter
    reporter.stage(name, sum(sizes))
    for item, size in zip(items, sizes):
        yield item
        reporter.advance(size)


class TerminalProgress:
    """A one-line progress bar on ``stream``; quiet on a non-terminal unless the run is long."""

    def __init__(self, stream: TextIO | None = None, *, min_files: int = 200, width: int = 28,
                 force: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if force is None else force
        self.min_files = min_files
        self.width = width
        self.enabled: bool | None = None  # decided at the first stage that counts files
        self.name = ""
        self.total: int | None = None
        self.done = 0
        self.started = time.monotonic()
        self._last_tenth = -1
        self._open_line = False

    def stage(self, name: str, total: int | None) -> None:
        if self.enabled is None and (total is not None or self.tty):
            # a terminal shows every stage at once (the start-up too); a log waits for a stage that counts files
            self.enabled = self.tty or (total or 0) >= self.min_files
        self.name, self.total, self.done, self._last_tenth = name, total, 0, -1
        self._draw()

    def advance(self, done: int) -> None:
        self.done += done
        self._draw()

    def line(self) -> str:
        """The current state as text, e.g. ``clean  [#######.....]  640/1000 files  12s``."""
        elapsed = f"{time.monotonic() - self.started:.0f}s"
        if not self.total:
            return f"{self.name:<6} …  {elapsed}"
        filled = round(self.width * min(self.done, self.total) / self.total)
        bar = "#" * filled + "." * (self.width - filled)
        return f"{self.name:<6} [{bar}] {self.done}/{self.total} files  {elapsed}"

    def _draw(self) -> None:
        if not self.enabled:
            return
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line())
            self._open_line = True
        else:
            tenth = (10 * self.done // self.total) if self.total else 0
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line so that what is printed next starts on a fresh one."""
        if self._open_line:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._open_line = False
