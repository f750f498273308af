"""Tests for wirewash.tasks.clean.lines: the line features the rules read."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.clean.lines import STOPLIST_SAMPLE_WORDS, WORD_RE, _stoplists, pick_stoplist


def _stoplist_word_by_word(texts: list[str]) -> frozenset[str]:
    """The language choice made the plain way: the first words, each tried against every stoplist in turn."""
    words = [w.lower() for text in texts for w in WORD_RE.findall(text)][:STOPLIST_SAMPLE_WORDS]
    best, best_hits = frozenset(), 0
    for stoplist in _stoplists().values():
        hits = sum(1 for w in words if w in stoplist)
        if hits > best_hits:
            best, best_hits = stoplist, hits
    return best


_VOCABULARY = ["the", "and", "der", "und", "die", "le", "et", "la", "el", "y", "de", "и", "не", "w", "na", "och",
               "og", "ja", "The", "DER", "Ünd", "xyz", "Haus", "maison", "12"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_VOCABULARY), max_size=40).map(" ".join), max_size=8))
def test_the_stoplist_picked_is_the_one_word_by_word_counting_picks(texts: list[str]) -> None:
    # mixed languages, ties between stoplists sharing words ("de", "la"), capitals, and no stopword at all
    assert pick_stoplist(texts) == _stoplist_word_by_word(texts)


def test_only_the_first_words_decide_the_language() -> None:
    english = " ".join(["the and of to in"] * (STOPLIST_SAMPLE_WORDS // 5))
    german = " ".join(["der und die zu im nicht"] * 2000)
    assert pick_stoplist([english, german]) is _stoplists()["English"]
    assert pick_stoplist([german, english]) is _stoplists()["German"]
