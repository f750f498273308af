"""Tests for wirewash.tasks.reuse.annotation: the reuse notes each kept paragraph carries."""
from __future__ import annotations

from typing import Any

from wirewash.tasks.records import Cluster, Document, Overlap, Paragraph
from conftest import covered_word_by_word
from wirewash.tasks.report.words import word_count
from wirewash.tasks.reuse.annotation import annotate_paragraphs
from wirewash.tasks.reuse.detect import paragraph_refs
from wirewash.tasks.reuse.overlap import find_overlaps

WIRE = ("The council voted on Tuesday to close the old bridge to heavy trucks after engineers found cracks in two of "
        "its steel supports during a routine inspection last month.")
QUOTE = "We cannot take any chances with the safety of people who cross this river every single day, the mayor said."
OTHER = "Residents gathered at the town hall on Tuesday evening to discuss parking near the new market square."


def document(name: str, texts: list[str]) -> Document:
    return Document(id=name, source=f"{name}.txt", outlet=name,
                    paragraphs=[Paragraph(f"{name}-{i}", t, (2 * i + 1, 2 * i + 1)) for i, t in enumerate(texts)])


DOCUMENTS = [
    document("a", [WIRE, QUOTE, OTHER]),
    document("b", [WIRE.replace("Tuesday", "Tuesday night"), ("Drivers who use the crossing twice a day complained about long detours through the narrow streets of "
                          "the old town. " + QUOTE + " Shop owners near the market said they expect fewer customers "
                          "for as long as the repairs take, which could be most of the coming year.")]),
    document("c", [WIRE, "A different story about a football match that ended in a draw after extra time."]),
]


def plain_notes(documents: list[Document], overlaps: list[Overlap], clusters: list[Cluster]) -> dict[str, dict[str, Any]]:
    """The notes as plain dicts, made the obvious way: what the compact notes must equal, key order included."""
    by_id = {doc.id: doc for doc in documents}
    pid = lambda ref: by_id[ref.doc_id].paragraphs[ref.index].id  # noqa: E731
    notes: dict[str, dict[str, Any]] = {}
    spans: dict[str, list[Any]] = {}
    for cluster in clusters:
        for member in (cluster.canonical, *cluster.members):
            notes.setdefault(pid(member), {}).update({"cluster": cluster.id,
                                                      "canonical": member.key == cluster.canonical.key})
    for pair in overlaps:
        for this, other, side in ((pair.a, pair.b, "a"), (pair.b, pair.a, "b")):
            notes.setdefault(pid(this), {}).setdefault("reused_with", []).append(
                {"kind": pair.kind, "file": other.file, "lines": list(other.lines)})
            spans.setdefault(pid(this), []).extend(getattr(p, side) for p in pair.passages)
    texts = {p.id: p.text for doc in documents for p in doc.paragraphs}
    for key, found in spans.items():
        words, total = covered_word_by_word(texts[key], found), word_count(texts[key])
        notes[key].update({"reused_words": words, "reused_share": round(words / total, 4) if total else 0.0})
    return notes


def test_the_compact_notes_equal_plain_dicts_key_order_included() -> None:
    result = find_overlaps(paragraph_refs(DOCUMENTS))
    assert result.clusters and len({o.kind for o in result.overlaps}) > 1  # a cluster and a partial copy
    notes = annotate_paragraphs(DOCUMENTS, list(result.overlaps), list(result.clusters))
    expected = plain_notes(DOCUMENTS, list(result.overlaps), list(result.clusters))
    assert list(notes) == list(expected) and len(notes) == len(expected)
    for key, note in expected.items():
        assert list(notes[key].items()) == list(note.items()) and notes.get(key) == note
        assert [type(value) for value in notes[key].values()] == [type(value) for value in note.values()]  # plain, as JSON takes
    assert notes.get("a-2") is None and "a-2" not in notes  # a paragraph nobody reused has no note
    assert notes["a-0"]["cluster"] and 0 < notes["b-1"]["reused_share"] < 1  # the lifted quote is part of b-1
