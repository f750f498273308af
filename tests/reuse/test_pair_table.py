"""Tests for wirewash.tasks.reuse.pair_table: the records a table makes are the records it was given as columns."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.records import Overlap, ParagraphRef, Passage
from wirewash.tasks.reuse.pair_table import COLUMNS, WHOLE_TEXT, OverlapTable
from wirewash.tasks.reuse.verify import KINDS

TEXTS = ["  The minister said the talks would go on.  ", "Rates stay on hold, the bank said.", "A quote, lifted."]
REFS = [ParagraphRef(f"d{n}", f"outlet/{n}.txt", "outlet", (n, n), 0, TEXTS[n % len(TEXTS)]) for n in range(6)]


@st.composite
def pair_rows(draw: st.DrawFn) -> list[tuple[int, int, int, float, float, int, int, float, float, list[tuple[int, ...]]]]:
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        a, b = draw(st.integers(0, len(REFS) - 1)), draw(st.integers(0, len(REFS) - 1))
        text = REFS[a].text
        begin = draw(st.sampled_from([WHOLE_TEXT, *range(len(text))]))
        end = draw(st.integers(max(begin, 0), len(text)))
        passages = draw(st.lists(st.tuples(*[st.integers(0, 300)] * 5), max_size=3))
        floats = [draw(st.floats(0, 1)) for _ in range(4)]
        rows.append((a, b, draw(st.integers(1, len(KINDS) - 1)), floats[0], floats[1], begin, end, floats[2], floats[3],
                     passages))
    return rows


def _table_and_records(rows: list) -> tuple[OverlapTable, list[Overlap]]:
    """A table from ``rows`` and the records the rows describe, made the plain way."""
    stops = np.cumsum([len(r[-1]) for r in rows], dtype=np.int64)
    firsts = stops - np.array([len(r[-1]) for r in rows], dtype=np.int64)
    names = ["a", "b", "kind", "jaccard", "containment", "shared_begin", "shared_end", "a_share", "b_share"]
    columns = {name: np.array([r[n] for r in rows], dtype=COLUMNS[name]) for n, name in enumerate(names)}
    columns.update(first=firsts, stop=stops)
    passages = np.array([p for r in rows for p in r[-1]], dtype=np.int64).reshape(-1, 5)
    records = []
    for a, b, kind, jac, con, begin, end, a_share, b_share, found in rows:
        text = REFS[a].text
        shared = text.strip() if begin == WHOLE_TEXT else text[begin:end]
        records.append(Overlap(KINDS[kind], REFS[a], REFS[b], jac, con, shared,  # type: ignore[arg-type]
                               tuple(Passage((p[0], p[1]), (p[2], p[3]), p[4]) for p in found), a_share, b_share))
    return OverlapTable(REFS, KINDS, columns, passages), records


@settings(max_examples=200, deadline=None)
@given(pair_rows(), st.data())
def test_a_table_reads_as_the_records_its_columns_hold(rows: list, data: st.DataObject) -> None:
    table, records = _table_and_records(rows)
    assert len(table) == len(records) and list(table) == records and table == records and table == tuple(records)
    assert all(table[n] == records[n] and table[n - len(records)] == records[n] for n in range(len(records)))
    assert table[1:-1] == records[1:-1] and table[::2] == records[::2]
    order = np.array(data.draw(st.permutations(range(len(records)))), dtype=np.int64)
    assert list(table.take(order)) == [records[n] for n in order.tolist()]
    sides = {id(ref) for r in records for ref in (r.a, r.b)}
    assert [id(ref) for ref in table.paragraphs()] == [id(ref) for ref in REFS if id(ref) in sides]
    expected = {name: sum(1 for r in records if r.kind == name) for name in KINDS if name is not None}
    assert table.kind_counts() == expected
    if records:
        with pytest.raises(IndexError):
            table[len(records)]
        assert table != records[:-1] and table != records[::-1] + [records[0]]


def test_an_empty_table_is_an_empty_sequence_of_every_kind() -> None:
    table = OverlapTable.empty()
    assert len(table) == 0 and table == () and list(table) == [] and table.paragraphs() == []


def test_a_table_refuses_columns_of_unequal_length() -> None:
    columns = {name: np.zeros(2, dtype) for name, dtype in COLUMNS.items()}
    columns["jaccard"] = np.zeros(3)
    with pytest.raises(ValueError, match="all of one length"):
        OverlapTable(REFS, KINDS, columns, np.zeros((0, 5), np.int64))
