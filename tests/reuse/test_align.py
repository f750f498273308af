"""Tests for wirewash.tasks.reuse.align and the passages reuse pairs carry: golden cases, properties, the syndicated gold."""
from __future__ import annotations

import json
import re
import sys
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, SHARED
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.reuse.align import PositionalGrams, covered_tokens
from wirewash.tasks.reuse.overlap import find_overlaps
from wirewash.tasks.records import Overlap, ParagraphRef
from wirewash.tasks.reuse.normalise import tokenize_text
from wirewash.tasks.reuse.shingle import encode_paragraphs


SOURCE = "Officials in the capital said the new bridge would open to traffic before the winter storms arrive."
HOST_BEFORE = "Residents gathered at the town hall on Tuesday evening to discuss parking."
HOST_AFTER = "Several speakers raised concerns about noise from the building site."
OTHER = "Analysts expect the central bank to keep interest rates on hold through the end of the year."


def ref(doc: str, index: int, text: str) -> ParagraphRef:
    return ParagraphRef(doc, f"{doc}.txt", doc, (2 * index + 1, 2 * index + 1), index, text, offset=0)


def align(text_a: str, text_b: str, **options: int) -> list[tuple[str, str, int]]:
    """The passages of one pair as (a's words, b's words, aligned words)."""
    enc = encode_paragraphs([text_a, text_b])
    found = PositionalGrams.of(enc, 3).align(np.array([[0, 1]]), **options)
    words = [tokenize_text(text_a), tokenize_text(text_b)]
    return [(" ".join(words[0][a0:a1]), " ".join(words[1][b0:b1]), int(n))
            for a0, a1, b0, b1, n in zip(found.a_first, found.a_stop, found.b_first, found.b_stop, found.words)]


def only_pair(texts: list[tuple[str, str]]) -> Overlap:
    (overlap,) = find_overlaps([ref(doc, i, text) for i, (doc, text) in enumerate(texts)]).overlaps
    return overlap


def sliced(overlap: Overlap) -> list[tuple[str, str]]:
    return [(overlap.a.text[p.a[0]:p.a[1]], overlap.b.text[p.b[0]:p.b[1]]) for p in overlap.passages]


# --- the alignment ---------------------------------------------------------------------------------------------


def test_a_verbatim_lift_aligns_exactly_that_sentence() -> None:
    (passage,) = align(f"{HOST_BEFORE} {SOURCE} {HOST_AFTER}", f"{OTHER} {SOURCE}")
    assert passage[0] == passage[1] == " ".join(tokenize_text(SOURCE))
    assert passage[2] == len(tokenize_text(SOURCE))


def test_a_changed_word_stays_inside_one_passage() -> None:
    edited = SOURCE.replace("traffic", "cars")
    (passage,) = align(SOURCE, f"{HOST_BEFORE} {edited}")
    assert passage[0] == " ".join(tokenize_text(SOURCE)) and passage[1] == " ".join(tokenize_text(edited))
    assert passage[2] == len(tokenize_text(SOURCE)) - 1  # every word but the changed one


def test_an_inserted_and_a_dropped_word_stay_inside_one_passage() -> None:
    edited = SOURCE.replace("the new bridge", "the bridge").replace("would open", "would finally open")
    (passage,) = align(SOURCE, edited)
    assert passage[0] == " ".join(tokenize_text(SOURCE)) and passage[1] == " ".join(tokenize_text(edited))


def test_a_merged_paragraph_gives_one_passage_per_piece_in_order() -> None:
    first, second = SOURCE, OTHER
    passages = align(f"{first} {HOST_BEFORE} {second}", f"{second} {first}")
    assert [p[0] for p in passages] == [" ".join(tokenize_text(first)), " ".join(tokenize_text(second))]


def test_scattered_common_phrases_are_no_passage() -> None:
    assert align("He said on Monday that the plan was fine.", "The mayor said on Monday that it rained all week.") == []


def test_a_short_text_found_whole_is_a_passage_though_shorter_than_min_words() -> None:
    assert align("Bis 13 September.", f"Am 12. Bis 13 September startet wieder die Messe in Köln.") == [
        ("bis 13 september", "bis 13 september", 3)]


def test_a_text_shorter_than_a_seed_paired_with_itself_is_one_whole_passage() -> None:
    """Two words make no three-word seed: a batch with no seed at all still gives the pair of a text with itself."""
    found = PositionalGrams.of(encode_paragraphs(["Bis morgen."]), 3).align(np.array([[0, 0]]))
    assert (found.pair.tolist(), found.a_first.tolist(), found.a_stop.tolist(), found.words.tolist()) == ([0], [0], [2], [2])
    (overlap,) = find_overlaps([ref("one", 0, "Bis morgen."), ref("two", 0, "Bis morgen!")]).overlaps
    assert sliced(overlap) == [("Bis morgen", "Bis morgen")]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 20)), max_size=30))
def test_covered_tokens_is_the_size_of_the_union(ranges: list[tuple[int, int, int]]) -> None:
    rows = sorted((owner, first, first + length) for owner, first, length in ranges)
    got = covered_tokens(np.array([r[1] for r in rows], dtype=np.int64), np.array([r[2] for r in rows], dtype=np.int64),
                         np.array([r[0] for r in rows], dtype=np.int64), 4)
    want = [len({t for owner, first, stop in rows if owner == o for t in range(first, stop)}) for o in range(4)]
    assert got.tolist() == want


# --- passages on reuse pairs -----------------------------------------------------------------------------------


def test_a_lightly_edited_lift_is_shared_text_and_its_passage_shows_both_wordings() -> None:
    edited = SOURCE.replace("the new bridge", "the bridge").replace("the winter storms", "winter storms")
    overlap = only_pair([("wire", f"{SOURCE} {OTHER}"), ("outlet", f"{HOST_BEFORE} {edited} {HOST_AFTER}")])
    assert overlap.kind == "shared-text"
    assert sliced(overlap) == [(edited.rstrip("."), SOURCE.rstrip("."))]  # outlet.txt sorts first


def test_a_piece_of_a_split_paragraph_is_contained_in_the_whole() -> None:
    whole = "Why Can't Taylor Swift Perform Her Own Songs? It's Complicated [ Bloomberg ]"
    overlap = only_pair([("wire", whole), ("outlet", "It’s Complicated [ Bloomberg ]")])
    assert overlap.kind == "contained"
    assert [t.replace("’", "'") for t in sliced(overlap)[0]] == ["It's Complicated [ Bloomberg"] * 2


def test_a_short_phrase_inside_a_sentence_is_no_piece() -> None:
    result = find_overlaps([ref("wire", 0, "Officials said the new bridge was complicated in the end."),
                            ref("outlet", 0, "The new bridge.")])
    assert result.overlaps == ()


def test_passages_locate_in_the_document_and_shares_cover_the_paragraphs() -> None:
    wire = ParagraphRef("wire", "wire.txt", "wire", (3, 3), 1, f"{SOURCE} {OTHER}", offset=40)
    outlet = ParagraphRef("outlet", "outlet.txt", "outlet", (1, 1), 0, f"{HOST_BEFORE} {SOURCE}", offset=0)
    (overlap,) = find_overlaps([wire, outlet]).overlaps
    (passage,) = overlap.to_json()["passages"]
    assert passage["a_doc"] == [passage["a"][0], passage["a"][1]]  # outlet.txt sorts first, at offset 0
    assert passage["b_doc"] == [40 + passage["b"][0], 40 + passage["b"][1]]
    words = len(tokenize_text(SOURCE))
    assert overlap.a_share == pytest.approx(words / len(tokenize_text(outlet.text)))
    assert overlap.b_share == pytest.approx(words / len(tokenize_text(wire.text)))


# the lifted sentence, the source's other sentences and the host's own share no word: the host is unrelated
SENTENCE_WORDS = st.lists(st.text(alphabet="bcdfghjklmnpqrstvwxz", min_size=3, max_size=8).filter(
    lambda w: tokenize_text(w) == [w]), min_size=10, max_size=25, unique=True)  # no honorific: it is no token


def _filler(alphabet: str) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(st.text(alphabet=alphabet, min_size=2, max_size=6), min_size=4, max_size=12),
                    min_size=1, max_size=4)


def _sentence(words: list[str]) -> str:
    return " ".join(words).capitalize() + "."


@settings(max_examples=40, deadline=None)
@given(SENTENCE_WORDS, _filler("aeio"), _filler("uy"), st.integers(0, 4), st.sampled_from(["", "“", "("]))
def test_a_sentence_inserted_into_an_unrelated_paragraph_is_found_at_its_offsets(
        lifted: list[str], source_rest: list[list[str]], host: list[list[str]], at: int, opener: str) -> None:
    sentence = _sentence(lifted)
    source = " ".join([_sentence(w) for w in source_rest] + [sentence])
    host_sentences = [_sentence(w) for w in host]
    at = min(at, len(host_sentences))
    before = " ".join(host_sentences[:at])
    host_text = " ".join(filter(None, [before, opener + sentence + {"“": "”", "(": ")"}.get(opener, ""),
                                       " ".join(host_sentences[at:])]))
    begin = host_text.index(sentence)
    overlap = only_pair([("source", source), ("host", host_text)])
    host_side, source_side = ("a", "b") if overlap.a.doc_id == "host" else ("b", "a")
    spans = {(getattr(p, host_side), getattr(p, source_side)) for p in overlap.passages}
    assert ((begin, begin + len(sentence) - 1), (source.index(sentence), source.index(sentence) + len(sentence) - 1)) in spans


EDITS = st.sampled_from(["change", "drop", "insert", "comma", "quotes"])


def _light_edit(words: list[str], edit: str, at: int, new_word: str) -> list[str]:
    """``words`` with one light edit at word ``at``: a word changed, dropped or added, a comma, or quotes around a run."""
    at = at % len(words)
    if edit == "change":
        return words[:at] + [new_word] + words[at + 1:]
    if edit == "drop":
        return words[:at] + words[at + 1:]
    if edit == "insert":
        return words[:at] + [new_word] + words[at:]
    if edit == "comma":
        return words[:at] + [words[at] + ","] + words[at + 1:]
    quoted = words[at:]
    quoted[0], quoted[-1] = "“" + quoted[0], quoted[-1] + "”"  # one word quoted alone gets both marks
    return words[:at] + quoted


@settings(max_examples=60, deadline=None)
@given(SENTENCE_WORDS.filter(lambda words: len(words) >= 12), _filler("aeio"), _filler("uy"), st.integers(0, 4), EDITS,
       st.integers(0, 24),
       st.text(alphabet="aeiou", min_size=3, max_size=6))
def test_a_lightly_edited_sentence_inserted_into_an_unrelated_paragraph_is_found(
        lifted: list[str], source_rest: list[list[str]], host: list[list[str]], at: int, edit: str, where: int,
        new_word: str) -> None:
    """A lifted sentence with one light edit (a word changed, dropped or added, punctuation, quotes) is still one passage.

    The passage spans the whole sentence in both texts when the edit sits three words or more inside it, or
    changes only punctuation. An edit nearer an end strands the words beyond it (fewer than a three-word
    seed): the passage then starts (or stops) past the edit, at the fourth word (the last but three) at worst.
    Twelve words or more: past such an edit a long run's nine words remain (a ten-word sentence edited at
    its second word aligns eight words, too few to report).
    """
    sentence = _sentence(lifted)
    edited = _sentence(_light_edit(lifted, edit, where, new_word))
    source = " ".join([_sentence(w) for w in source_rest] + [sentence])
    host_sentences = [_sentence(w) for w in host]
    at = min(at, len(host_sentences))
    host_text = " ".join(filter(None, [" ".join(host_sentences[:at]), edited, " ".join(host_sentences[at:])]))
    overlap = only_pair([("source", source), ("host", host_text)])
    host_side, source_side = ("a", "b") if overlap.a.doc_id == "host" else ("b", "a")
    where %= len(lifted)
    whole = edit in ("comma", "quotes") or 3 <= where < len(lifted) - 3
    skip = 0 if whole else 3

    def inner(text: str, part: str) -> tuple[int, int]:
        """Where ``part``'s word ``skip`` begins and its word ``-1 - skip`` ends in ``text``."""
        begin = text.index(part)
        words = [(m.start(), m.end()) for m in re.finditer(r"\w+", part)]
        return begin + words[skip][0], begin + words[-1 - skip][1]

    host_inner, source_inner = inner(host_text, edited), inner(source, sentence)
    assert any(getattr(p, host_side)[0] <= host_inner[0] and getattr(p, host_side)[1] >= host_inner[1]
               and getattr(p, source_side)[0] <= source_inner[0] and getattr(p, source_side)[1] >= source_inner[1]
               for p in overlap.passages), (edit, where, sentence, edited, overlap.passages)

# --- the syndicated corpus's gold ------------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(not (SHARED / "evaldata" / "syndicated").is_dir(),
                                  reason=f"shared eval data not found at {SHARED / 'evaldata'}")


@needs_shared
def test_every_found_shared_text_pair_of_the_gold_shows_its_lifted_words_in_both_texts() -> None:
    """The passages of each gold shared-text pair hold the words both paragraphs share (their longest common run)."""
    sys.path.insert(0, str(ROOT))
    import scripts.score_syndicated as runner

    corpus = SHARED / "evaldata" / "syndicated"
    refs = runner.read_paragraphs(corpus / "raw")
    overlaps = {frozenset((f"{o.a.file}:{o.a.lines[0]}", f"{o.b.file}:{o.b.lines[0]}")): o for o in find_overlaps(refs).overlaps}
    gold = [r for r in json.loads((corpus / "gold.json").read_text())["relations"] if r["kind"] == "shared-text"]
    checked = identical = 0
    for relation in gold:
        overlap = overlaps.get(frozenset((relation["a"], relation["b"])))
        if overlap is None:
            continue
        run = " ".join(_longest_common_run(tokenize_text(overlap.a.text), tokenize_text(overlap.b.text)))
        holding = [(tokenize_text(a), tokenize_text(b)) for a, b in sliced(overlap)
                   if run in " ".join(tokenize_text(a)) and run in " ".join(tokenize_text(b))]
        assert holding, (relation, run, sliced(overlap))
        # the same words in both texts, but for a light edit of the host (a respelt or changed word)
        assert any(SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.9 for a, b in holding), (relation, holding)
        checked += 1
        identical += any(a == b for a, b in holding)
    assert checked >= 0.95 * len(gold)
    assert identical >= 0.9 * checked


def _longest_common_run(a: list[str], b: list[str]) -> list[str]:
    """The longest run of words in both lists, by plain dynamic programming."""
    best, end = 0, 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, end = current[j], i
        previous = current
    return a[end - best:end]


def _sentences(text: str) -> list[list[str]]:
    """``text``'s sentences as the detector splits them, each a list of normalised words."""
    enc = encode_paragraphs([text])
    words = tokenize_text(text)
    return [words[s:s + n] for s, n in zip(enc.sentence_starts.tolist(), enc.sentence_lengths.tolist())]


def _find(run: list[str], words: list[str]) -> int:
    """Where ``run`` starts in ``words`` as a contiguous run, or -1."""
    return next((i for i in range(len(words) - len(run) + 1) if words[i:i + len(run)] == run), -1)


@needs_shared
def test_every_found_verbatim_lift_of_the_gold_lies_in_one_passage_that_slices_to_the_same_words() -> None:
    """A sentence lifted word for word (gold ops: original or verbatim, and lifted) sits inside one passage on both sides.

    For every gold shared-text pair whose two sides carry the lifted sentence unedited and that the detector
    reports, each sentence of either paragraph found whole in the other (the lifted ones) lies inside one
    passage in both paragraphs, and that passage's offsets cut the same words from both texts. Pairs left
    unchecked: the ones not reported (a lifted two-word dateline) and lifts the corpus respelt on the way.
    """
    sys.path.insert(0, str(ROOT))
    import scripts.score_syndicated as runner

    corpus = SHARED / "evaldata" / "syndicated"
    overlaps = {frozenset((f"{o.a.file}:{o.a.lines[0]}", f"{o.b.file}:{o.b.lines[0]}")): o
                for o in find_overlaps(runner.read_paragraphs(corpus / "raw")).overlaps}
    gold = [r for r in json.loads((corpus / "gold.json").read_text())["relations"]
            if r["kind"] == "shared-text" and set(r["ops"]) <= {"original", "verbatim", "lifted"}]
    checked = 0
    for relation in gold:
        overlap = overlaps.get(frozenset((relation["a"], relation["b"])))
        if overlap is None:
            continue
        words_a, words_b = tokenize_text(overlap.a.text), tokenize_text(overlap.b.text)
        lifted = [s for s in _sentences(overlap.a.text) if _find(s, words_b) >= 0]
        lifted += [s for s in _sentences(overlap.b.text) if _find(s, words_a) >= 0]
        if not lifted:
            continue  # the lift itself was respelt: the test above holds such pairs to nearly the same words
        for sentence in lifted:
            cut = [(tokenize_text(a), tokenize_text(b)) for a, b in sliced(overlap)]
            assert any(a == b and _find(sentence, a) >= 0 for a, b in cut), (relation, sentence, cut)
        checked += 1
    assert checked >= 0.9 * len(gold), (checked, len(gold))
