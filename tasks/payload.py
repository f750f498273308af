"""A task's result as one pickled payload, unpickled once where it is used.

Prefect 3.8's ``ProcessPoolTaskRunner`` unpickles every task run's result twice in the flow's process:
once in a done-callback, only to see whether it can (the copy is thrown away), and again when
``.result()`` is asked for (``prefect.task_runners._UnpicklingFuture``). A clean batch's result is the
heads of a few hundred documents (every kept paragraph's text); unpickled twice, the flow's one core
spent seconds a stage on copies nobody used (sampled in the clean stage of a 22,050-file run, undoing
frozen dataclasses was a fifth of the flow's time). A task that returns a :class:`Payload` is pickled
once in its worker; the two unpicklings of the payload itself copy one bytes object, and the flow calls
:meth:`Payload.unpack` once. Results do not depend on it; it only moves where the unpickling happens.
"""
from __future__ import annotations

import functools
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class Payload(Generic[T]):
    """A value pickled once (:func:`returns_payload`); :meth:`unpack` gives it back."""

    data: bytes

    def unpack(self) -> T:
        value: T = pickle.loads(self.data)
        return value


def returns_payload(fn: Callable[P, T]) -> Callable[P, Payload[T]]:
    """``fn`` returning its result as a :class:`Payload` (same name, signature and docstring, for Prefect's task)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> Payload[T]:
        return Payload(pickle.dumps(fn(*args, **kwargs), protocol=pickle.HIGHEST_PROTOCOL))

    return run
