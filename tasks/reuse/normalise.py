"""Hash-only text normalisation: what makes two differently dressed copies of a word hash the same.

Nothing here changes the text that is reported: the normaliser folds one
raw token at a time for hashing, and every token remembers where in its
paragraph it was read (:mod:`wirewash.tasks.reuse.shingle`).

What the normaliser folds (one token at a time, so spans survive):

* case and Unicode compatibility forms (NFKC, casefold);
* apostrophes and dots inside a word: ``don’t``/``don't`` -> ``dont``,
  ``U.S.``/``US`` -> ``us``, ``Epstein’s`` -> ``epsteins``;
* quote and dash styles, because punctuation never becomes a token;
* honorifics (``Mr``, ``Mr.``, ``Mrs``, ``Ms``, ``Dr``): house styles add and
  drop them, so they are not tokens at all;
* number words up to twenty -> digits (``two`` = ``2``);
* British and American spelling families by suffix rules (``-ise``/``-ize``,
  ``-our``/``-or``, ``-tre``/``-ter``, ``-elled``/``-eled``, ``-ogue``/``-og``,
  ``-ence``/``-ense``). The folded form need not be a real word, only the same
  for both spellings; folding ``prize`` and ``prise`` together costs nothing.

What it leaves alone: synonyms (a spun paragraph still differs), word order,
hyphenated compounds written solid (``reelection`` vs ``re-election``), and
any language-specific inflection. Those differences lower the scores rather
than hide reuse; the thresholds of :class:`wirewash.tasks.params.DetectorOptions`
are set with that in mind.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

# A word: letters/digits, with apostrophes or dots *inside* it kept in the
# token (U.S, don't, 3.5) so that they fold away instead of splitting it.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_RE = re.compile(rf"[^\W_{_CJK}]+(?:[’'‘.][^\W_{_CJK}]+)*|[{_CJK}]")
# Sentence ends: ., !, ?, … (optionally followed by closing quotes/brackets),
# or a closing double quote, then whitespace.
_SENTENCE_END = r"(?:(?<=[.!?…])[\"'”’)\]]*|(?<=[\"”]))\s+"
# Words and sentence ends in one pass (a sentence end matches only where no word does, i.e. on the
# whitespace after the end); splitting on them keeps the matches: gap, match, gap, ..., match, gap.
TOKEN_SPLIT = re.compile(rf"({_WORD_RE.pattern}|{_SENTENCE_END})")
SENTENCE_MARK = 1  # the hash of a sentence end; 0 is "not a token"
_INNER_PUNCT = str.maketrans("", "", "’'‘.")

_HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "dr", "messrs"})

_NUMBER_WORDS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}

# Whole-word spelling pairs the suffix rules cannot reach (or would overreach).
_SPELLING_WORDS = {
    "grey": "gray",
    "greys": "grays",
    "ageing": "aging",
    "programme": "program",
    "programmes": "programs",
    "whilst": "while",
    "amongst": "among",
    "tyre": "tire",
    "tyres": "tires",
    "kerb": "curb",
    "cheque": "check",
    "cheques": "checks",
    "aluminium": "aluminum",
    "mum": "mom",
    "jewellery": "jewelry",
    "sceptical": "skeptical",
    "plough": "plow",
    "draught": "draft",
    "pyjamas": "pajamas",
    "fulfil": "fulfill",
    "fulfils": "fulfills",
    "enrol": "enroll",
    "enrols": "enrolls",
    "judgement": "judgment",
    "towards": "toward",
    "afterwards": "afterward",
}

# Suffix folds, tried in order; the first that matches wins. Each maps both
# spellings to one form (often the American one, sometimes neither).
_SUFFIX_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\w\w\w)is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=\w\w)ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(?<=\w\w)our(s|ed|ing|ite|ites|able|ably|ful)?$"), r"or\1"),
    (re.compile(r"(?<=\w\w)([tb])re(s)?$"), r"\1er\2"),
    (re.compile(r"(?<=\w\w)([tb])red$"), r"\1ered"),
    (re.compile(r"(?<=\w\w[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"(?<=\w\w\w)ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=\w\w)ence(s)?$"), r"ense\1"),
)
# Cheap pre-check: most words end in none of these, so skip the regexes.
_SUFFIX_ENDINGS = (
    "ise", "ised", "ises", "ising", "isation", "isations", "iser", "isers",
    "yse", "ysed", "yses", "ysing",
    "our", "ours", "oured", "ouring", "ourite", "ourites", "ourable", "ourably", "ourful",
    "tre", "tres", "bre", "bres", "tred", "bred",
    "lled", "lling", "ller", "llers", "ogue", "ogues", "ence", "ences",
)


def normalise_token(raw: str) -> str:
    """Fold one raw word token to its hashing form ('' means: not a token).

    Catches case, inner apostrophes/dots, honorifics, number words and the
    British/American spelling families listed in the module docstring.
    Leaves synonyms and word order alone.
    """
    if raw.isascii():
        word = raw.lower().translate(_INNER_PUNCT)  # NFKC and casefold change no ASCII
    else:
        word = unicodedata.normalize("NFKC", raw).casefold().translate(_INNER_PUNCT)
    if word in _HONORIFICS:
        return ""
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    if word in _SPELLING_WORDS:
        return _SPELLING_WORDS[word]
    if len(word) >= 5 and word.endswith(_SUFFIX_ENDINGS):
        for pattern, repl in _SUFFIX_RULES:
            folded, n = pattern.subn(repl, word)
            if n:
                return folded
    return word


def _hash_word(word: str) -> int:
    """A stable, non-zero 64-bit hash of a normalised word (blake2b, not ``hash()``).

    Python's ``hash`` of a str changes between processes, which would break
    run-to-run determinism; blake2b does not.
    """
    value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")
    return value if value > SENTENCE_MARK else value + 2


class _RawTokenHashes(dict[str, int]):
    """Raw token -> hash of its normalised form, filled on demand.

    0 means "not a token" (an honorific), :data:`SENTENCE_MARK` a sentence
    end (what the sentence regex matched: the whitespace after a full stop,
    with any closing quotes or brackets before it, so that ``said.” The``
    and ``said." The`` hash alike). One dict lookup per
    token on the hot path; normalisation and hashing run once per distinct
    raw spelling.
    """

    def __missing__(self, raw: str) -> int:
        if raw[-1:].isspace():  # a sentence end, closing quotes or brackets included (no word holds a space)
            value = SENTENCE_MARK
        else:
            word = normalise_token(raw)
            value = _hash_word(word) if word else 0
        if len(self) < 2_000_000:  # bound the cache on huge vocabularies
            self[raw] = value
        return value


RAW_TOKEN_HASHES = _RawTokenHashes()


def tokenize_text(text: str) -> list[str]:
    """The normalised tokens of one text (for inspection and tests)."""
    return [w for w in (normalise_token(raw) for raw in _WORD_RE.findall(text)) if w]
