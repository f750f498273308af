"""Task results as one pickled payload (tasks/payload.py): what Prefect's process pool unpickles twice is a bytes copy."""
from __future__ import annotations

import inspect
import pickle
from typing import Any

import cloudpickle

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
