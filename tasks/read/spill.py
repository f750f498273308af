"""Raw texts a read task leaves on disk for the clean tasks, so that they never pass through the flow.

A read task decodes a batch of raw files; the flow needs only what each file yielded by name (and its
template candidates), while the text itself is wanted again only by the clean task that cleans it.
So the read task writes its batch's texts to one spill file under the state folder and returns a
:class:`SpilledText` for each: where it lies and the outlet the flow groups batches by. A clean task
reads back the texts it is given (:func:`load_texts`). The flow deletes the spill after cleaning.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

from wirewash.tasks.read.intake import RawText
from wirewash.tasks.store.atomic import write_atomic


@dataclass(frozen=True)
class SpilledText:
    """A raw text written to a read batch's spill file: the file, its position there, and who it is."""

    spill: Path
    index: int
    source: str
    outlet: str
    size: int  # the text's length: what a batch of texts is sized by


def spill_texts(texts: list[RawText], spill: Path) -> list[SpilledText]:
    """Write ``texts`` to ``spill`` (the run's own file: pickled, read back only by this run's tasks)."""
    write_atomic(spill, pickle.dumps(texts, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    return [SpilledText(spill, index, raw.source, raw.outlet, len(raw.text)) for index, raw in enumerate(texts)]


def load_texts(items: list[RawText | SpilledText]) -> list[RawText]:
    """The raw texts of ``items``, reading each spill file they name once."""
    files: dict[Path, list[RawText]] = {}
    out = []
    for item in items:
        if isinstance(item, SpilledText):
            if item.spill not in files:
                files[item.spill] = pickle.loads(item.spill.read_bytes())
            item = files[item.spill][item.index]
        out.append(item)
    return out
