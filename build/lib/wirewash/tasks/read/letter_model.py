"""A letter model from jusText's stoplists: which spelling of a damaged word is a real word.

When a UTF-8 page is read as Windows-1252, the bytes 0x81/0x8D/0x8F/0x90/0x9D
vanish, and a letter that lost one can be completed several ways: in Russian
the byte pair D1 ?? is "с", "э" or "я" (0x81, 0x8D, 0x8F). Those letters never
survive intact on such a page, so the page cannot teach which is which; one
choice per document turns every "я" into "с" ("восьмидесстых"). Context can:
"-ся" ends reflexive verbs, "это" starts sentences. The model here counts
letter trigrams and bigrams (with word edges) over every stoplist jusText
ships for the languages we load — thousands of common words for Russian and Korean, a few
hundred for the others — and scores each spelling of a damaged word by those
counts, with a bonus when the whole word is a stopword. Scripts the lists do
not cover score every spelling alike, so the caller's own order decides.
"""
from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from itertools import product
from typing import NamedTuple

from wirewash.tasks.clean.lines import all_stopwords

_EDGE = " "  # word start and end in the counts
_STOPWORD_BONUS = 4.0  # in natural-log units: a whole known word beats a few likely letters
_MAX_SPELLINGS = 256  # damaged words with more combinations are settled letter by letter
# interpolation weights of the trigram, bigram and uniform estimates (a standard smoothing
# of sparse letter counts: the stoplists are small, so unseen trigrams are common)
_TRIGRAM_WEIGHT, _BIGRAM_WEIGHT = 0.6, 0.3


class _Counts(NamedTuple):
    trigrams: dict[str, int]
    trigram_contexts: dict[str, int]
    bigrams: dict[str, int]
    letters: dict[str, int]


@lru_cache(maxsize=1)
def _counts() -> _Counts:
    trigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    letters: Counter[str] = Counter()
    for word in all_stopwords():
        padded = f"{_EDGE}{_EDGE}{word}{_EDGE}"
        for i in range(2, len(padded)):
            trigrams[padded[i - 2 : i + 1]] += 1
            bigrams[padded[i - 1 : i + 1]] += 1
            letters[padded[i - 1]] += 1
    contexts: Counter[str] = Counter()
    for gram, n in trigrams.items():
        contexts[gram[:2]] += n
    return _Counts(dict(trigrams), dict(contexts), dict(bigrams), dict(letters))


def _log_likelihood(word: str) -> float:
    """Sum over the word's letters (and its end) of log P(letter | two before), interpolated with bigrams."""
    counts = _counts()
    uniform = (1 - _TRIGRAM_WEIGHT - _BIGRAM_WEIGHT) / (len(counts.letters) + 1)
    padded = f"{_EDGE}{_EDGE}{word.lower()}{_EDGE}"
    total = 0.0
    for i in range(2, len(padded)):
        context, prev = padded[i - 2 : i], padded[i - 1]
        seen = counts.trigram_contexts.get(context, 0)
        trigram = counts.trigrams.get(padded[i - 2 : i + 1], 0) / seen if seen else 0.0
        seen = counts.letters.get(prev, 0)
        bigram = counts.bigrams.get(padded[i - 1 : i + 1], 0) / seen if seen else 0.0
        total += math.log(_TRIGRAM_WEIGHT * trigram + _BIGRAM_WEIGHT * bigram + uniform)
    return total


def score_spelling(word: str) -> float:
    """How much the letter model believes ``word``: higher is likelier."""
    bonus = _STOPWORD_BONUS if word.lower() in all_stopwords() else 0.0
    return _log_likelihood(word) + bonus


@lru_cache(maxsize=65_536)
def choose_spelling(slots: tuple[str | tuple[str, ...], ...]) -> str:
    """The likeliest word from ``slots``: each slot a letter, or the candidate letters for a damaged one.

    Candidates come best-first by the caller's own preferences, and the first
    of equally scored spellings wins, so a script the model knows nothing
    about keeps the caller's order. Words with more than ``_MAX_SPELLINGS``
    combinations are settled one damaged letter at a time, left to right.
    """
    options = [slot if isinstance(slot, tuple) else (slot,) for slot in slots]
    if math.prod(len(o) for o in options) <= _MAX_SPELLINGS:
        best, best_score = "", -math.inf
        for letters in product(*options):
            spelling = "".join(letters)
            score = score_spelling(spelling)
            if score > best_score:
                best, best_score = spelling, score
        return best
    chosen = [o[0] for o in options]
    for i, option in enumerate(options):
        if len(option) > 1:
            chosen[i] = max(option, key=lambda c: (score_spelling("".join(chosen[:i] + [c] + chosen[i + 1:])), -option.index(c)))
    return "".join(chosen)
