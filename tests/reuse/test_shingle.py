"""Tests for wirewash.tasks.reuse.shingle: the hashing normaliser (golden cases), the encoding's token offsets,
and properties of tokenising and shingling."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.reuse.normalise import normalise_token, tokenize_text
from wirewash.tasks.reuse.shingle import _MIX, collapse_identical, encode_paragraphs, hash_ngrams, mix64, shingle_paragraphs

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


@pytest.mark.parametrize(("raw", "folded"), [
    ("Mr", ""), ("Mrs.", ""), ("Dr", ""),  # honorifics are no token: house styles add and drop them
    ("U.S.", "us"), ("US", "us"), ("don’t", "dont"), ("don't", "dont"), ("Epstein’s", "epsteins"),
    ("two", "2"), ("Twenty", "20"), ("twentyone", "twentyone"),
    ("organised", "organized"), ("organized", "organized"), ("colour", "color"), ("centre", "center"),
    ("travelled", "traveled"), ("catalogue", "catalog"), ("defence", "defense"), ("grey", "gray"),
    ("ＡＢＣ", "abc"), ("Straße", "strasse"),
    ("prize", "prize"), ("rise", "rise"),  # too short for the suffix rules: left alone
    ("firm", "firm"), ("company", "company"),  # synonyms stay different
])
def test_normalise_token_golden(raw: str, folded: str) -> None:
    assert normalise_token(raw.rstrip(".")) == folded


def test_tokenize_text_golden() -> None:
    assert tokenize_text("Mr. Blinken’s U.S. visit – two colours, organised") == [
        "blinkens", "us", "visit", "2", "colors", "organized"]
    assert tokenize_text("国务卿布林肯") == ["国", "务", "卿", "布", "林", "肯"]  # Han: one token a character
    assert tokenize_text("“Quoted,” she said — (and) 3.5% agreed.") == ["quoted", "she", "said", "and", "35", "agreed"]
    assert tokenize_text("") == [] and tokenize_text(" — “ ” … ") == []


_WORDS = st.sampled_from("the U.S. said two colours Mr. Blinken’s organised talks on Monday. “Yes,” he said! 3.5 国务".split())
_SPACES = st.sampled_from([" ", "  ", "\t", "\n", " \n ", "\u00a0"])


@settings(max_examples=80, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=30), st.lists(_SPACES, min_size=30, max_size=30))
def test_tokens_and_shingles_do_not_depend_on_whitespace(words: list[str], gaps: list[str]) -> None:
    plain = " ".join(words)
    spaced = "".join(w + g for w, g in zip(words, gaps))
    assert tokenize_text(plain) == tokenize_text(spaced)
    enc = encode_paragraphs([plain, spaced])
    a, b = (enc.hashes[enc.offsets[i]:enc.offsets[i + 1]].tolist() for i in (0, 1))
    assert a == b
    shingles, bounds = shingle_paragraphs(enc.hashes, enc.offsets, 3)
    assert shingles[bounds[0]:bounds[1]].tolist() == shingles[bounds[1]:bounds[2]].tolist()
    # sentences split alike too: a sentence end is the whitespace after it, however long
    for i in (0, 1):
        mine = enc.sentence_owner == i
        assert (enc.sentence_starts[mine] - enc.offsets[i]).tolist() == (
            enc.sentence_starts[enc.sentence_owner == 0] - enc.offsets[0]).tolist()


def test_shingles_are_sorted_sets_and_short_texts_get_one_whole_shingle() -> None:
    texts = ["one two three four one two three four", "one two", "", "one two three"]
    enc = encode_paragraphs(texts)
    shingles, bounds = shingle_paragraphs(enc.hashes, enc.offsets, 3)
    sets = [shingles[bounds[i]:bounds[i + 1]].tolist() for i in range(len(texts))]
    assert len(sets[0]) == 4 and sets[0] == sorted(set(sets[0]))  # 6 shingles, "one two three" and "two three four" twice
    assert len(sets[1]) == 1 and sets[2] == [] and len(sets[3]) == 1
    assert not set(sets[1]) & set(sets[0])  # a whole short text never equals a k-gram
    assert set(sets[3]) <= set(sets[0])  # a text of exactly k words is one ordinary k-gram


def test_identical_texts_fold_into_one_and_keep_their_documents_apart() -> None:
    texts = ["Same words here, said he.", "Other words entirely.", "same WORDS here said he", "Same words here, said he."]
    enc = encode_paragraphs(texts)
    folded = collapse_identical(enc, np.array([0, 0, 1, 2]))
    assert folded.count == 2
    assert folded.unit_of.tolist() == [0, 1, 0, 0]
    assert folded.members[folded.starts[0]:folded.starts[1]].tolist() == [0, 2, 3]
    assert folded.docs[1] == 0 and folded.docs[0] < 0  # text 0 is carried by three documents: no document of its own


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="ab cd. Ef! gh", max_size=40), min_size=1, max_size=6), st.data())
def test_a_text_folded_keeps_the_token_hashes_its_first_paragraph_had(texts: list[str], data: st.DataObject) -> None:
    from wirewash.tasks.reuse.shingle import take_hashes, take_paragraphs

    enc = encode_paragraphs(texts)
    rows = np.array(data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=8)), dtype=np.int64)
    whole, alone = take_paragraphs(enc, rows), take_hashes(enc, rows)
    assert np.array_equal(alone.hashes, whole.hashes) and np.array_equal(alone.offsets, whole.offsets)
    assert alone.hashes.dtype == whole.hashes.dtype and alone.offsets.dtype == whole.offsets.dtype
    folded = collapse_identical(enc, np.zeros(len(texts), np.int64))
    first = np.array([folded.members[folded.starts[u]] for u in range(folded.count)], dtype=np.int64)
    assert np.array_equal(folded.tokens.hashes, take_paragraphs(enc, first).hashes)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 2**64 - 1), max_size=9), max_size=8), st.integers(1, 6), st.integers(1, 30))
def test_ngrams_are_every_window_inside_one_paragraph(paragraphs: list[list[int]], n: int, chunk: int) -> None:
    """Each paragraph's n-grams, one by one, in order: the windows that do not run into the next paragraph,
    whether the paragraphs are hashed in one run or in runs of a few tokens."""
    import wirewash.tasks.reuse.shingle as shingle

    tokens = np.array([t for p in paragraphs for t in p], dtype=np.uint64)
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in paragraphs])]).astype(np.int64)
    original = shingle.NGRAM_CHUNK_TOKENS
    try:
        shingle.NGRAM_CHUNK_TOKENS = chunk
        hashes, owner = hash_ngrams(tokens, offsets, n)
    finally:
        shingle.NGRAM_CHUNK_TOKENS = original
    assert hashes.dtype == np.uint64 and owner.dtype == np.int64
    expected_hashes, expected_owner = [], []
    with np.errstate(over="ignore"):
        for number, paragraph in enumerate(paragraphs):
            for start in range(len(paragraph) - n + 1):
                window = np.array(paragraph[start:start + n], dtype=np.uint64)
                expected_hashes.append(mix64(np.array([(window * np.array(_MIX[:n], dtype=np.uint64)).sum()]))[0])
                expected_owner.append(number)
    assert hashes.tolist() == [int(h) for h in expected_hashes] and owner.tolist() == expected_owner


@settings(deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=80),
       st.lists(st.tuples(st.integers(0, 79), st.integers(0, 12)), max_size=25), st.integers(1, 30))
def test_segments_hashed_in_runs_hash_as_in_one_go(tokens: list[int], segments: list[tuple[int, int]],
                                                   chunk: int) -> None:
    import wirewash.tasks.reuse.shingle as shingle

    hashes = np.array(tokens, dtype=np.uint64)
    starts = np.array([min(s, len(tokens) - 1) for s, _ in segments], dtype=np.int64)
    lengths = np.array([min(n, len(tokens) - min(s, len(tokens) - 1)) for s, n in segments], dtype=np.int64)
    whole = shingle.hash_segments(hashes, starts, lengths)
    original = shingle.SEGMENT_CHUNK_TOKENS
    try:
        shingle.SEGMENT_CHUNK_TOKENS = chunk  # runs of a few tokens: most inputs are cut into several
        in_runs = shingle.hash_segments(hashes, starts, lengths)
    finally:
        shingle.SEGMENT_CHUNK_TOKENS = original
    assert whole.dtype == in_runs.dtype == np.uint64 and np.array_equal(whole, in_runs)
    assert whole.size == int(np.count_nonzero(lengths))  # one hash per non-empty segment
    # and each hash is its segment's own: hashing it alone gives the same value
    for at, (s, n) in enumerate((s, n) for s, n in zip(starts.tolist(), lengths.tolist()) if n > 0):
        alone = shingle.hash_segments(hashes, np.array([s]), np.array([n]))
        assert alone[0] == whole[at]
