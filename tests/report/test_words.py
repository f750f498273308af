"""Word counts for many texts at once (WordStarts): what counting a word at a time gives."""
from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import covered_word_by_word
from wirewash.tasks.report.words import WordStarts, word_count

WORD = r"[^\W_]+(?:['’‘.][^\W_]+)*"


def test_a_word_counts_once_in_overlapping_passages() -> None:
    text = "one two three four five six"
    found = WordStarts.of([text])
    groups, texts = np.array([0, 0, 0, 1]), np.zeros(4, np.int64)
    covered = found.covered(groups, texts, np.array([0, 4, 24, 5]), np.array([13, 18, 27, 5]), 3)
    assert covered.tolist() == [5, 0, 0]  # one..four, and six; an empty span; no span
    assert covered_word_by_word(text, [[0, 13], [4, 18], [24, 27]]) == 5


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab1_ .'’‘-é\n", max_size=40), st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45)), max_size=5))
def test_one_text_equals_a_word_at_a_time_count(text: str, spans: list[tuple[int, int]]) -> None:
    # spans cutting words, after apostrophes and points, before the text, past its end, empty or reversed
    found = WordStarts.of([text])
    covered = found.covered(np.zeros(len(spans), np.int64), np.zeros(len(spans), np.int64),
                            np.array([b for b, _ in spans], np.int64), np.array([e for _, e in spans], np.int64), 1)
    assert covered.tolist() == [covered_word_by_word(text, spans)]
    assert found.counts().tolist() == [word_count(text)] == [len(re.findall(WORD, text))]


def test_many_texts_at_once_golden() -> None:
    texts = ["one two three four five six", "", "U.S. don't", "x"]
    found = WordStarts.of(texts)
    assert found.counts().tolist() == [6, 0, 2, 1]
    # group 0: text 0's overlapping spans (one..four, and six); group 1: text 0 again, one span cutting "three"
    # at its start (counted: a word counts where it begins); group 2: text 2 from before its start to past its
    # end; group 3: no span
    groups = np.array([0, 0, 0, 1, 2])
    texts_of = np.array([0, 0, 0, 0, 2])
    begins, ends = np.array([0, 4, 24, 7, -5]), np.array([13, 18, 27, 9, 99])
    assert found.covered(groups, texts_of, begins, ends, 4).tolist() == [5, 1, 2, 0]


_texts = st.lists(st.text(alphabet="ab1_ .'’‘-é\n\0𝐀😀\ud800", max_size=30), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(_texts, st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.integers(-3, 35), st.integers(-3, 35)),
                        max_size=12), st.integers(1, 40))
def test_many_texts_at_once_equal_one_at_a_time(texts: list[str], spans: list[tuple[int, int, int, int]],
                                                 chunk: int) -> None:
    # texts holding the separator itself, chunks smaller than a text, several groups on one text
    found = WordStarts.of(texts, chunk=chunk)
    assert found.counts().tolist() == [word_count(t) for t in texts]
    rows = [(text % len(texts), text % len(texts) * 3 + group, b, e) for text, group, b, e in spans]
    n_groups = 3 * len(texts)
    got = found.covered(np.array([r[1] for r in rows], np.int64), np.array([r[0] for r in rows], np.int64),
                        np.array([r[2] for r in rows], np.int64), np.array([r[3] for r in rows], np.int64), n_groups)
    want = [covered_word_by_word(texts[g // 3], [(b, e) for t, gg, b, e in rows if gg == g]) for g in range(n_groups)]
    assert got.tolist() == want


def test_letters_and_digits_are_what_the_word_pattern_reads_on_every_code_point() -> None:
    # WordStarts classifies code points with str.isalnum; the pattern's [^\W_] must be the same set
    letter_or_digit = re.compile(r"[^\W_]")
    assert [c for c in range(0x110000) if (letter_or_digit.match(chr(c)) is not None) != chr(c).isalnum()] == []
