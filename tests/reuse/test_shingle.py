"""Tests for wirewash.tasks.reuse.shingle: the hashing normaliser (golden cases), the encoding's token offsets,
and properties of tokenising and shingling."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.reuse.normalise import normalise_token, tokenize_text
from wirewash.tasks.reuse.shingle import encode_paragraphs

TEXTS = [
    "The U.S. State Department said on Monday that Mr. Blinken would travel to Beijing.",
    "“We are not going to accept it,” she said — and 3.5% of 1,200 voters agreed. Read more.",
    "Президент заявил в понедельник, что переговоры продолжатся.",
    "国务卿布林肯周一抵达北京，与中国官员举行会谈。",
    "",
    "   leading and trailing spaces   ",
    "said.” The end (really.) Next one? Yes! \"Quoted.\" Done…  Tail",
    "a\0b NUL inside. text",
]


def test_every_token_remembers_where_it_was_read() -> None:
    enc = encode_paragraphs(TEXTS)
    for p, text in enumerate(TEXTS):
        lo, hi = int(enc.offsets[p]), int(enc.offsets[p + 1])
        raw = [text[b:e] for b, e in zip(enc.token_begin[lo:hi].tolist(), enc.token_end[lo:hi].tolist())]
        assert [normalise_token(r) for r in raw] == tokenize_text(text)
        assert enc.token_begin[lo:hi].tolist() == sorted(enc.token_begin[lo:hi].tolist())


def test_a_text_encodes_alike_alone_and_among_others_in_any_chunking() -> None:
    from wirewash.tasks.reuse.shingle import _encode_distinct

    together = _encode_distinct(TEXTS)
    for chunk in (1, 16, 100):
        chunked = _encode_distinct(TEXTS, chunk=chunk)
        for name in ("hashes", "offsets", "sentence_starts", "sentence_lengths", "sentence_owner", "token_begin",
                     "token_end"):
            assert np.array_equal(getattr(chunked, name), getattr(together, name)), (chunk, name)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=6))
def test_token_offsets_hold_for_any_text(texts: list[str]) -> None:
    enc = encode_paragraphs(texts)
    for p, text in enumerate(texts):
        lo, hi = int(enc.offsets[p]), int(enc.offsets[p + 1])
        raw = [text[b:e] for b, e in zip(enc.token_begin[lo:hi].tolist(), enc.token_end[lo:hi].tolist())]
        assert [normalise_token(r) for r in raw] == tokenize_text(text)
