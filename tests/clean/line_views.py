"""Line views of a small flattened page, as the text cleaner's passes read them, for the passes' own tests."""
from __future__ import annotations

from wirewash.tasks.clean.lines import LineView, pick_stoplist, view_lines


def views_of(*lines: str) -> list[LineView]:
    """The views of ``lines`` (a blank line between each: no line is glued to the next)."""
    page = [part for line in lines for part in (line, "")]
    return view_lines(page, pick_stoplist(page))


def by_text(views: list[LineView]) -> dict[str, int]:
    """Line numbers by text."""
    return {view.text: view.number for view in views}
