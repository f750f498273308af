"""Task results as one pickled payload (tasks/payload.py): what Prefect's process pool unpickles twice is a bytes copy."""
from __future__ import annotations

import inspect
import pickle
from typing import Any

import cloudpickle
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.payload import Payload, returns_payload

LOADS = []


def _count_load(value: Any) -> Any:
    LOADS.append(value)
    return value


class Counted:
    """Counts how often it is unpickled."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        return _count_load, (self.value,)


def make_heads(names: list[str], *, upper: bool = False) -> list[Counted]:
    """Heads of a batch."""
    return [Counted(n.upper() if upper else n) for n in names]


def test_a_payload_is_unpickled_once_however_often_it_travels() -> None:
    wrapped = returns_payload(make_heads)
    payload = wrapped(["a", "b"], upper=True)
    assert isinstance(payload, Payload) and LOADS == []
    for _ in range(2):  # as Prefect's _UnpicklingFuture does: once in a done-callback, once for .result()
        payload = cloudpickle.loads(cloudpickle.dumps(payload))
    assert LOADS == []
    assert payload.unpack() == ["A", "B"] and LOADS == ["A", "B"]
    LOADS.clear()


def test_the_wrapper_keeps_what_prefect_reads_of_the_function() -> None:
    wrapped = returns_payload(make_heads)
    assert wrapped.__name__ == "make_heads" and wrapped.__doc__ == make_heads.__doc__
    assert inspect.signature(wrapped) == inspect.signature(make_heads)
    assert pickle.loads(cloudpickle.dumps(wrapped))(["x"]).unpack()[0] == "x"
    LOADS.clear()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=40), st.integers(0, 10**6), st.integers(0, 10**6)),
                max_size=6))
def test_a_document_head_travels_between_processes_unchanged(paragraphs: list[tuple[str, str, int, int]]) -> None:
    # clean workers send heads back pickled; a paragraph pickles as a constructor call (records.Paragraph)
    from wirewash.tasks.records import Document, Paragraph

    head = Document("d", "d.txt", "x", "T", paragraphs=[Paragraph(i, t, (a, b)) for i, t, a, b in paragraphs])
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(head, protocol=protocol))
        assert back == head and type(back.paragraphs) is tuple and all(type(p) is Paragraph for p in back.paragraphs)
    assert cloudpickle.loads(cloudpickle.dumps(head)) == head


def test_copies_of_a_text_come_through_pickle_as_one_string() -> None:
    # a wire story's copies reach the flow from two workers' batches: one string for all of them
    from wirewash.tasks.records import Paragraph

    parts = ["The same wire paragraph, ", "printed by two outlets."]
    one, other = "".join(parts), "".join(parts)  # made at run time, two objects
    assert one is not other
    first = pickle.loads(pickle.dumps(Paragraph("a#1", one, (1, 1))))
    second = pickle.loads(pickle.dumps(Paragraph("b#4", other, (4, 4))))
    assert first.text == second.text == one and first.text is second.text
