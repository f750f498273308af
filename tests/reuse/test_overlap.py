"""Tests for wirewash.tasks.reuse.overlap: golden cases per kind, properties, and a quality gate."""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewash.tasks.reuse.minhash import find_lsh_pairs, sign_minhash
from wirewash.tasks.reuse.overlap import OverlapResult, find_overlaps
from wirewash.tasks.reuse.paragraph_index import count_shared
from wirewash.tasks.reuse.verify import pair_scores
from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.normalise import tokenize_text
from wirewash.tasks.reuse.shingle import encode_paragraphs, shingle_paragraphs

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

WIRE = (
    "The U.S. State Department said on Monday that Mr. Blinken would travel to Beijing "
    "next week for talks with senior Chinese officials, the first such visit in five years, "
    "after a surveillance balloon incident in February forced him to postpone the trip."
)
HOUSE_STYLE = (
    "The US State Department said on Monday that Mr Blinken would travel to Beijing "
    "next week for talks with senior Chinese officials – the first such visit in 5 years – "
    "after a surveillance balloon incident in February forced him to postpone the trip."
)
QUOTE = "“We are not going to accept a world in which might makes right and the rules are rewritten by force,” she said."
OTHER_A = "Speaking to reporters at the airport, the minister was asked about the new sanctions package."
OTHER_B = "Analysts expect the central bank to keep interest rates on hold through the end of the year."
REWORDED_A = "Antony Blinken sat down with Xi Jinping in Beijing on Monday, hoping to calm relations between the two powers."
MERGED_TAIL = ("Shares of the carmaker fell sharply in early trading after the company cut its delivery forecast "
               "again, blaming a shortage of chips. Dealers in several states reported long waiting lists for the "
               "new model, while the union warned that a strike at two plants could start as soon as next month.")
"""Another story's paragraph that an outlet merged a copied paragraph with."""
REWORDED_B = "Washington's top diplomat met China's leader at the start of the week in a bid to steady ties with Beijing."


def ref(doc: str, index: int, text: str, published: str | None = None) -> ParagraphRef:
    """A ParagraphRef whose file and lines are derived from doc and index."""
    line = 2 * index + 1
    return ParagraphRef(doc_id=doc, file=f"{doc}.txt", outlet=doc, lines=(line, line), index=index, text=text, published=published)


def kinds_of(result: OverlapResult) -> dict[tuple[str, str], str]:
    """Reported pairs as {(a.file:line, b.file:line): kind}, cluster members included."""
    out = {(f"{o.a.file}:{o.a.lines[0]}", f"{o.b.file}:{o.b.lines[0]}"): o.kind for o in result.overlaps}
    for cluster in result.clusters:
        members = sorted(cluster.members, key=lambda m: m.key)
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                out.setdefault((f"{members[x].file}:{members[x].lines[0]}", f"{members[y].file}:{members[y].lines[0]}"), "near-duplicate")
    return out


def test_house_style_edit_is_near_duplicate_and_clustered() -> None:
    refs = [ref("wire", 0, WIRE, "2024-01-01T08:00"), ref("outlet", 0, HOUSE_STYLE, "2024-01-01T09:30")]
    result = find_overlaps(refs)
    assert kinds_of(result) == {("outlet.txt:1", "wire.txt:1"): "near-duplicate"}
    (cluster,) = result.clusters
    assert cluster.canonical.doc_id == "wire" and cluster.rule == "earliest-published"
    (overlap,) = result.overlaps
    assert overlap.a.key < overlap.b.key
    assert overlap.jaccard == pytest.approx(1.0)  # every difference is house style


def test_clause_added_is_near_duplicate() -> None:
    edited = WIRE.replace("next week", "next week, officials said,")
    result = find_overlaps([ref("wire", 0, WIRE), ref("outlet", 0, edited)])
    assert set(kinds_of(result).values()) == {"near-duplicate"}


def test_paragraph_inside_merged_one_is_contained() -> None:
    merged = " ".join([OTHER_A, REWORDED_A, HOUSE_STYLE, OTHER_B, REWORDED_B])
    result = find_overlaps([ref("wire", 0, WIRE), ref("outlet", 0, merged)])
    (overlap,) = result.overlaps
    assert overlap.kind == "contained"
    assert overlap.containment >= 0.8 and overlap.jaccard < 0.5


def test_shared_quote_in_different_paragraphs_is_shared_text() -> None:
    a = "Addressing the summit in Singapore, the defence secretary warned of rising tension. " + QUOTE
    b = QUOTE.replace("“", '"').replace("”", '"') + " Her remarks drew a sharp rebuke from the embassy in Washington."
    result = find_overlaps([ref("one", 0, a), ref("two", 0, b)])
    (overlap,) = result.overlaps
    assert overlap.kind == "shared-text"
    assert "might makes right" in overlap.shared_text
    assert overlap.shared_text in a  # cut verbatim from the original text


def test_a_text_a_document_repeats_pairs_with_the_copy_at_its_own_place() -> None:
    """The wire prints a paragraph twice (first and fifth of six); an outlet copies it alone first and merged last.

    Both outlet paragraphs hold all of its words, so only position tells which copy each wire paragraph
    was taken into: the wire's fifth pairs with the merged one, the wire's first does not (the copy alone
    stands for it; identical copies are near-duplicates and always pair).
    """
    wire = [WIRE, OTHER_A, REWORDED_A, QUOTE, WIRE, REWORDED_B]
    outlet = [WIRE, "The weather service expects heavy rain along the coast through the whole weekend.",
              "Local schools will stay closed on Friday while crews repair the flooded gymnasium floor.",
              f"{WIRE} {MERGED_TAIL}"]
    found = kinds_of(find_overlaps([ref("wire", i, t) for i, t in enumerate(wire)]
                                   + [ref("outlet", i, t) for i, t in enumerate(outlet)]))
    assert found[("outlet.txt:7", "wire.txt:9")] == "contained"
    assert ("outlet.txt:7", "wire.txt:1") not in found
    assert found[("outlet.txt:1", "wire.txt:1")] == found[("outlet.txt:1", "wire.txt:9")] == "near-duplicate"


def test_a_split_quote_pairs_with_the_paragraph_that_merged_it_whole() -> None:
    """One document prints a quote split over two paragraphs and again inside a longer paragraph; another merges the
    quote with more text. The split halves each sit whole in the merged paragraph (contained), which the longer
    paragraph, sharing more words but only part of its own text, does not make redundant."""
    words = WIRE.split()
    head, rest = " ".join(words[:30]), " ".join(words[30:])
    one = [head, rest, OTHER_B, f"{REWORDED_A} {WIRE}"]
    two = [REWORDED_B, f"{WIRE} {MERGED_TAIL}"]
    found = kinds_of(find_overlaps([ref("one", i, t) for i, t in enumerate(one)]
                                   + [ref("two", i, t) for i, t in enumerate(two)]))
    assert found[("one.txt:1", "two.txt:3")] == found[("one.txt:3", "two.txt:3")] == "contained"
    assert found[("one.txt:7", "two.txt:3")] == "shared-text"


def test_same_facts_in_different_words_is_nothing() -> None:
    assert find_overlaps([ref("one", 0, REWORDED_A), ref("two", 0, REWORDED_B)]).overlaps == ()


def test_short_unrelated_paragraphs_are_nothing() -> None:
    refs = [ref("one", 0, "He said on Monday."), ref("two", 0, "She said on Tuesday."), ref("three", 0, "Read more.")]
    result = find_overlaps(refs)
    assert result.overlaps == () and result.clusters == ()


def test_same_document_pairs_are_not_reported() -> None:
    result = find_overlaps([ref("one", 0, WIRE), ref("one", 1, HOUSE_STYLE)])
    assert result.overlaps == () and result.clusters == ()


def test_cluster_never_holds_two_paragraphs_of_one_document() -> None:
    refs = [ref("wire", 0, WIRE), ref("a", 0, HOUSE_STYLE), ref("a", 3, WIRE), ref("b", 0, WIRE)]
    for cluster in find_overlaps(refs).clusters:
        docs = [m.doc_id for m in cluster.members]
        assert len(docs) == len(set(docs))


def test_output_is_deterministic_and_order_independent() -> None:
    texts = [WIRE, HOUSE_STYLE, OTHER_A + " " + WIRE, QUOTE, OTHER_B, REWORDED_A, REWORDED_B]
    refs = [ref(f"d{i % 4}", i, t) for i, t in enumerate(texts)]
    first = find_overlaps(refs)
    shuffled = refs[:]
    random.Random(7).shuffle(shuffled)
    second = find_overlaps(shuffled)
    assert [o.to_json() for o in first.overlaps] == [o.to_json() for o in second.overlaps]
    assert [c.to_json() for c in first.clusters] == [c.to_json() for c in second.clusters]
    keys = [(o.a.file, o.a.lines, o.b.file, o.b.lines) for o in first.overlaps]
    assert keys == sorted(keys)


def test_normaliser_folds_house_style_only() -> None:
    assert tokenize_text("Mr. Blinken’s U.S. visit – two colours, organised") == tokenize_text(
        "Mr Blinken's US visit - 2 colors, organized"
    )
    assert tokenize_text("The firm said") != tokenize_text("The company said")  # synonyms stay different


def test_exact_copy_of_long_text_shares_whole_paragraph_as_shared_text() -> None:
    result = find_overlaps([ref("one", 0, "  " + WIRE + "  "), ref("two", 0, WIRE)])
    (overlap,) = result.overlaps
    assert overlap.shared_text == WIRE


def test_numpy_and_datasketch_lsh_backends_agree() -> None:
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(60)]
    texts = [" ".join(rng.choice(vocab) for _ in range(30)) for _ in range(40)]
    texts += [t.replace("w1 ", "w2 ", 1) for t in texts[:10]]  # some near copies
    enc = encode_paragraphs(texts)
    shingles, bounds = shingle_paragraphs(enc.hashes, enc.offsets, 3)
    rows = np.arange(len(texts))
    sigs = sign_minhash(shingles, bounds, rows, num_perm=128, seed=1)
    ours = find_lsh_pairs(sigs, rows, threshold=0.4, seed=1, backend="numpy")
    theirs = find_lsh_pairs(sigs, rows, threshold=0.4, seed=1, backend="datasketch")
    assert sorted(map(tuple, ours.tolist())) == sorted(map(tuple, theirs.tolist()))
    assert len(ours) >= 10


WORDS = st.sampled_from(
    "the a minister said on monday talks trade china us officials week visit balloon state "
    "president new deal market shares rose fell bank rates year police court report".split()
)


def _sets(text_a: str, text_b: str) -> tuple[np.ndarray, np.ndarray]:
    enc = encode_paragraphs([text_a, text_b])
    return shingle_paragraphs(enc.hashes, enc.offsets, 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=0, max_size=40), st.lists(WORDS, min_size=0, max_size=40))
def test_scores_are_symmetric_bounded_and_exact(words_a: list[str], words_b: list[str]) -> None:
    shingles, bounds = _sets(" ".join(words_a), " ".join(words_b))
    sizes = np.diff(bounds)
    pairs = np.array([[0, 1], [1, 0]])
    inter = count_shared(shingles, bounds, pairs)
    jaccard, containment = pair_scores(pairs, inter, sizes)
    assert inter[0] == inter[1] == len(set(shingles[bounds[0] : bounds[1]].tolist()) & set(shingles[bounds[1] : bounds[2]].tolist()))
    assert jaccard[0] == jaccard[1] and containment[0] == containment[1]
    for value in (*jaccard, *containment):
        assert 0.0 <= value <= 1.0


@settings(max_examples=30, deadline=None)
@given(st.lists(WORDS, min_size=12, max_size=50), st.booleans())
def test_copy_in_another_document_is_found(words: list[str], restyle: bool) -> None:
    text = " ".join(words).capitalize() + "."
    copy = text.replace("us", "U.S.").replace(" said", " said:") if restyle else text
    result = find_overlaps([ref("one", 0, text), ref("two", 0, copy), ref("two", 1, OTHER_B)])
    assert kinds_of(result).get(("one.txt:1", "two.txt:1")) == "near-duplicate"


def _run_scorer(raw: Path) -> dict[str, float]:
    """Run scripts/score_syndicated.py on a corpus and parse the scorer's lines."""
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "score_syndicated.py"), str(raw)],
        capture_output=True, text=True, check=True, timeout=300,
    ).stdout
    values = {f"recall {m.group(1)}": float(m.group(2)) for m in re.finditer(r"^recall (.+?): \d+/\d+ = ([0-9.]+)$", out, re.M)}
    last = re.search(r"^f1=([0-9.]+) precision=([0-9.]+) recall=([0-9.]+)", out, re.M)
    assert last, out
    values.update(f1=float(last.group(1)), precision=float(last.group(2)), recall=float(last.group(3)))
    return values


needs_shared = pytest.mark.skipif(
    not (SHARED / "evaldata").is_dir() or not (SHARED / "eval" / "score_overlaps.py").is_file(),
    reason=f"shared eval data not found at {SHARED / 'evaldata'} (quality gate runs only beside the shared corpus)",
)


@needs_shared
def test_quality_gate_syndicated() -> None:
    values = _run_scorer(SHARED / "evaldata" / "syndicated" / "raw")
    assert values["f1"] >= 0.985 and values["recall"] >= 0.992, values  # measured 0.985 and 0.992
    for name, recall in values.items():
        if name.startswith("recall "):  # shared-text's 6 misses are a two-word dateline the corpus lifted
            assert recall >= (0.96 if "shared-text" in name else 0.985), (name, values)


@needs_shared
def test_quality_gate_seeds() -> None:
    import scripts.score_syndicated as runner

    gold = json.loads((SHARED / "evaldata" / "seeds" / "gold.json").read_text())
    result = find_overlaps(runner.read_paragraphs(SHARED / "evaldata" / "seeds" / "raw"))
    reported = kinds_of(result)
    found = {frozenset(pair): kind for pair, kind in reported.items()}
    for pair in gold["overlaps"]:
        assert found.get(frozenset((pair["a"], pair["b"]))) == pair["kind"], pair
    for pair in gold["unrelated"]:
        assert frozenset((pair["a"], pair["b"])) not in found, pair


# --- the fast paths of #8 give exactly what the plain computations give ---------------------------------


def _exact_groups(anchors: np.ndarray, owners: np.ndarray) -> list[list[int]]:
    """Distinct owners per distinct anchor, the slow and obvious way (as a sorted list of groups)."""
    out: dict[int, set[int]] = {}
    for a, o in zip(anchors.tolist(), owners.tolist()):
        out.setdefault(a, set()).add(o)
    return sorted(sorted(o) for o in out.values())


def _groups_of(anchors: np.ndarray, owners: np.ndarray) -> list[list[int]]:
    from wirewash.tasks.reuse.paragraph_index import group_owners

    grouped, starts, sizes = group_owners(anchors, owners)
    groups = [grouped[start : start + size].tolist() for start, size in zip(starts.tolist(), sizes.tolist())]
    assert all(g == sorted(set(g)) for g in groups)  # ascending, no repeats
    return sorted(groups)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 9)), min_size=1, max_size=60), st.integers(0, 2**40))
def test_group_owners_is_the_exact_grouping_even_when_anchors_share_their_high_bits(rows: list[tuple[int, int]], base: int) -> None:
    # anchors 0..5 apart agree on every high bit the packed key keeps: the tangled path must sort them out
    anchors = np.array([(base << 20) + a for a, _ in rows], dtype=np.uint64) * np.uint64(1)
    owners = np.array([o for _, o in rows], dtype=np.int64)
    assert _groups_of(anchors, owners) == _exact_groups(anchors, owners)
    spread = (anchors * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)  # and with ordinary, well-spread hashes
    assert _groups_of(spread, owners) == _exact_groups(spread, owners)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30)), min_size=1, max_size=200), st.integers(0, 2**32),
       st.integers(2, 6), st.booleans(), st.booleans())
def test_anchor_pairs_found_in_passes_are_the_pairs_of_one_pass(rows: list[tuple[int, int]], seed: int, fanout: int,
                                                                with_eligible: bool, with_focus: bool) -> None:
    import wirewash.tasks.reuse.paragraph_index as paragraph_index

    # anchors spread over the whole hash range, so every pass (the top bits) gets some
    anchors = np.array([a for a, _ in rows], dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(seed)
    owners = np.array([o for _, o in rows], dtype=np.int64)
    rng = np.random.default_rng(seed)
    docs = rng.integers(0, 12, 31)
    eligible = rng.random(31) < 0.5 if with_eligible else None
    focus = rng.random(31) < 0.5 if with_focus else None
    one = paragraph_index._anchor_pairs(anchors, owners, docs, fanout, eligible, focus)
    original = paragraph_index.PASS_MIN_ANCHORS
    try:
        paragraph_index.PASS_MIN_ANCHORS = 0  # every call takes the passes
        passes = paragraph_index.find_anchor_pairs(anchors, owners, docs, max_fanout=fanout, eligible=eligible,
                                                   focus=focus)
    finally:
        paragraph_index.PASS_MIN_ANCHORS = original
    assert np.array_equal(passes, one) and passes.dtype == np.int64 and passes.shape[1] == 2


def test_sort_by_owner_then_hash_equals_lexsort_also_when_high_bits_tie() -> None:
    from wirewash.tasks.reuse.shingle import sort_by_owner_then_hash

    rng = np.random.default_rng(5)
    owners = rng.integers(0, 300, 5_000)
    hashes = rng.integers(0, 2**63, 5_000, dtype=np.uint64)
    hashes[:50] = (hashes[:50] >> np.uint64(20)) << np.uint64(20)  # equal high bits, different low bits
    hashes[50:100] = hashes[:50] + np.uint64(7)
    owners[50:100] = owners[:50]
    for h in (hashes, hashes[:4_000]):
        o = owners[: h.size]
        got = sort_by_owner_then_hash(o, h)
        want = np.lexsort((h, o))
        assert np.array_equal(o[got], o[want]) and np.array_equal(h[got], h[want])


def test_unique_rows_groups_equal_rows_and_survives_a_hash_that_collides(monkeypatch: pytest.MonkeyPatch) -> None:
    import wirewash.tasks.reuse.minhash as pi

    rng = np.random.default_rng(1)
    matrix = rng.integers(0, 4, (300, 3), dtype=np.uint32)  # many repeated rows
    want_rows = {tuple(r) for r in matrix.tolist()}
    for collide in (False, True):
        if collide:  # every row hashes alike: the check must catch it and group exactly
            monkeypatch.setattr(pi, "mix64", lambda values: np.zeros_like(values, dtype=np.uint64))
        first, inverse = pi.unique_rows(matrix)
        assert np.array_equal(matrix[first[inverse]], matrix)
        assert {tuple(r) for r in matrix[first].tolist()} == want_rows and len(first) == len(want_rows)
        assert all(first[inverse[i]] <= i for i in range(len(matrix)))  # the first row of its kind


def test_signatures_do_not_depend_on_the_chunking() -> None:
    rng = random.Random(2)
    texts = [" ".join(rng.choice("a b c d e f g h i j k l".split()) for _ in range(rng.randrange(3, 80))) for _ in range(50)]
    enc = encode_paragraphs(texts)
    shingles, bounds = shingle_paragraphs(enc.hashes, enc.offsets, 3)
    rows = np.flatnonzero(np.diff(bounds) > 0)
    one_by_one = np.stack([sign_minhash(shingles, bounds, rows[i : i + 1], num_perm=128, seed=1)[0] for i in range(rows.size)])
    for chunk in (1, 64, 1 << 10, 1 << 16):
        assert np.array_equal(sign_minhash(shingles, bounds, rows, num_perm=128, seed=1, chunk_shingles=chunk), one_by_one)


def test_encoding_folds_verbatim_copies_without_changing_a_thing() -> None:
    texts = [WIRE, QUOTE, WIRE, "", OTHER_A, QUOTE, WIRE]
    together = encode_paragraphs(texts)
    alone = [encode_paragraphs([t]) for t in texts]
    for i, single in enumerate(alone):
        lo, hi = together.offsets[i], together.offsets[i + 1]
        assert together.hashes[lo:hi].tolist() == single.hashes.tolist()
        assert together.token_begin[lo:hi].tolist() == single.token_begin.tolist()
        assert together.token_end[lo:hi].tolist() == single.token_end.tolist()
        mine = together.sentence_owner == i
        assert (together.sentence_starts[mine] - lo).tolist() == single.sentence_starts.tolist()
        assert together.sentence_lengths[mine].tolist() == single.sentence_lengths.tolist()


def test_connected_components_match_union_find() -> None:
    from wirewash.tasks.reuse.clusters import connected_components

    rng = random.Random(6)
    edges = [(rng.randrange(200), rng.randrange(200)) for _ in range(150)] + [(i, i + 1) for i in range(300, 340)]  # and a long chain
    parent = {x: x for e in edges for x in e}

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    want: dict[int, list[int]] = {}
    for x in sorted(parent):
        want.setdefault(find(x), []).append(x)
    got = connected_components(np.array(edges, dtype=np.int64))
    assert sorted(got) == sorted(want.values())
    assert connected_components(np.empty((0, 2), dtype=np.int64)) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 12), max_size=40))
def test_first_and_last_rows_are_a_dict_filled_row_by_row(keys: list[int]) -> None:
    # the verified pairs were a dict filled row by row: a key keeps its first place and takes its last value
    from wirewash.tasks.reuse.verify import _first_and_last

    filled: dict[int, int] = {}
    for row, key in enumerate(keys):
        filled[key] = row
    first, last = _first_and_last(np.array(keys, dtype=np.int64))
    assert [keys[row] for row in first.tolist()] == list(filled)
    assert last.tolist() == list(filled.values())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["wire", "copy", "said", "the", "minister", "on", "friday", "a"]), max_size=9),
                min_size=1, max_size=30), st.integers(1, 12))
def test_shingle_sets_do_not_depend_on_the_chunking(paragraphs: list[list[str]], chunk: int) -> None:
    import wirewash.tasks.reuse.shingle as shingle

    enc = encode_paragraphs([" ".join(words) for words in paragraphs])
    whole = shingle._shingle_run(enc.hashes, enc.offsets, 3)
    saved = shingle.SHINGLE_CHUNK_TOKENS
    shingle.SHINGLE_CHUNK_TOKENS = chunk
    try:
        chunked = shingle_paragraphs(enc.hashes, enc.offsets, 3)
    finally:
        shingle.SHINGLE_CHUNK_TOKENS = saved
    assert chunked[0].tolist() == whole[0].tolist()
    assert chunked[1].tolist() == whole[1].tolist()


def test_a_handed_over_encoding_leaves_memory_before_the_short_anchors(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc
    import weakref

    import wirewash.tasks.reuse.verify as verify

    refs = [ref("a", 0, WIRE), ref("a", 1, OTHER_A), ref("b", 0, HOUSE_STYLE), ref("b", 1, QUOTE), ref("c", 0, QUOTE)]
    encoded = encode_paragraphs([r.text for r in refs])
    tokens = weakref.ref(encoded.hashes)
    alive: list[bool] = []
    short_anchor_pairs = verify.short_anchor_pairs

    def spy(*args: object, **kwargs: object) -> np.ndarray:
        gc.collect()
        alive.append(tokens() is not None)
        return short_anchor_pairs(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verify, "short_anchor_pairs", spy)
    handover = verify.Handover(encoded)
    del encoded
    verdicts = verify.verify_corpus(refs, encoded=handover)
    assert alive == [False]
    assert len(verdicts.pairs) == len(verify.verify_corpus(refs).pairs) > 0
    with pytest.raises(ValueError, match="already handed over"):
        handover.take()
