"""Tests for wirewash.tasks.reuse.clusters: canonical choice (golden cases per rule), and properties of clustering:
every member verifies against its canonical, one paragraph per document, and nothing depends on input order."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np

from wirewash.tasks.records import ParagraphRef
from wirewash.tasks.reuse.clusters import (choose_canonical, cluster_near_duplicates, connected_components, key_ranks,
                                          make_cluster)


def ref(doc: str, published: str | None = None, line: int = 1) -> ParagraphRef:
    return ParagraphRef(doc, f"{doc}.txt", doc, (line, line), 0, f"text of {doc}", published)


def neighbours(near: dict[tuple[int, int], float]) -> dict[int, dict[int, float]]:
    out: dict[int, dict[int, float]] = {}
    for (i, j), jac in sorted(near.items()):
        out.setdefault(i, {})[j] = jac
        out.setdefault(j, {})[i] = jac
    return out


def clustered(refs: list[ParagraphRef], near: dict[tuple[int, int], float]) -> list[tuple[int, list[int], str]]:
    """:func:`cluster_near_duplicates` given the pairs as a dict, the way these tests write them."""
    pairs = np.array(list(near), dtype=np.int64).reshape(-1, 2)
    return cluster_near_duplicates(refs, pairs, np.array(list(near.values()), dtype=np.float64))


def plain_clusters(refs: list[ParagraphRef], near: dict[tuple[int, int], float]) -> list[tuple[int, list[int], str]]:
    """The clustering made the plain way, one dict of links for the whole corpus: what the columns must equal."""
    rank = key_ranks(refs)[0].tolist()
    links_of = neighbours(near)
    out, pending = [], connected_components(np.array(list(near), dtype=np.int64).reshape(-1, 2))
    while pending:
        comp = pending.pop()
        if len(comp) < 2:
            continue
        canonical, rule = choose_canonical(refs, comp, links_of)
        links, members, taken = links_of.get(canonical, {}), [canonical], {refs[canonical].doc_id}
        for m in sorted((m for m in comp if m in links), key=lambda m: (-links[m], rank[m])):
            if refs[m].doc_id not in taken:
                members.append(m)
                taken.add(refs[m].doc_id)
        rest = [m for m in comp if m not in members]
        if len(members) >= 2:
            out.append((canonical, sorted(members, key=rank.__getitem__), rule))
        if len(rest) >= 2:
            pending.append(rest)
    return out


def test_earliest_published_copy_is_canonical() -> None:
    refs = [ref("a", "2024-01-02"), ref("b", "2024-01-01T09:00"), ref("c")]
    near = {(0, 1): 0.9, (0, 2): 0.8, (1, 2): 0.7}
    assert choose_canonical(refs, [0, 1, 2], neighbours(near)) == (1, "earliest-published")


def test_most_central_copy_breaks_a_tie_of_dates() -> None:
    # b is the wire original: each edit moved away from it in its own direction
    refs = [ref("a", "2024-01-01"), ref("b", "2024-01-01"), ref("c", "2024-01-01")]
    near = {(0, 1): 0.8, (1, 2): 0.8, (0, 2): 0.55}
    assert choose_canonical(refs, [0, 1, 2], neighbours(near)) == (1, "most-central")


def test_undated_copies_go_by_centrality_then_first_seen() -> None:
    refs = [ref("b"), ref("a")]
    near = {(0, 1): 0.9}
    assert choose_canonical(refs, [0, 1], neighbours(near)) == (1, "first-seen")  # a.txt sorts first


def test_a_chain_is_cut_at_the_canonical() -> None:
    # a~b and b~c, but a and c share little: b is canonical and both join it; with a as canonical, c must not
    refs = [ref("a", "2024-01-01"), ref("b", "2024-01-02"), ref("c", "2024-01-03")]
    near = {(0, 1): 0.7, (1, 2): 0.7}
    ((canonical, members, rule), *rest) = clustered(refs, near)
    assert (canonical, members, rule) == (0, [0, 1], "earliest-published") and rest == []


def test_a_cluster_holds_one_copy_per_document_the_closest() -> None:
    refs = [ref("wire", "2024-01-01"), ref("outlet", line=1), ref("outlet", line=9)]
    near = {(0, 1): 0.6, (0, 2): 0.9}
    [(canonical, members, _)] = clustered(refs, near)
    assert canonical == 0 and members == [2, 0]  # by key: outlet.txt before wire.txt


def test_cluster_ids_name_the_canonical_copy_only() -> None:
    refs = [ref("a"), ref("b")]
    first = make_cluster(refs, 0, [0, 1], "first-seen")
    again = make_cluster([refs[0], ref("c")], 0, [0, 1], "first-seen")
    assert first.id == again.id and first.id.startswith("nd-") and len(first.id) == 15


@st.composite
def corpora(draw: st.DrawFn) -> tuple[list[ParagraphRef], dict[tuple[int, int], float]]:
    n = draw(st.integers(2, 12))
    docs = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    dates = draw(st.lists(st.sampled_from([None, "2024-01-01", "2024-01-02", "2024-01-03"]), min_size=n, max_size=n))
    refs = [ref(f"d{doc}", date, line=2 * i + 1) for i, (doc, date) in enumerate(zip(docs, dates))]
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if docs[i] != docs[j]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    near = {pair: draw(st.sampled_from([0.5, 0.625, 0.75, 0.875, 1.0])) for pair in chosen}
    return refs, near


@settings(max_examples=150, deadline=None)
@given(corpora())
def test_every_member_verifies_against_its_canonical(corpus: tuple[list[ParagraphRef], dict[tuple[int, int], float]]) -> None:
    refs, near = corpus
    seen: set[int] = set()
    for canonical, members, rule in clustered(refs, near):
        assert canonical in members and len(members) >= 2 and rule in ("earliest-published", "most-central", "first-seen")
        assert all((min(m, canonical), max(m, canonical)) in near for m in members if m != canonical)
        assert len({refs[m].doc_id for m in members}) == len(members)  # one paragraph per document
        assert members == sorted(members, key=lambda m: refs[m].key)
        assert not seen & set(members)  # a paragraph is in one cluster at most
        seen.update(members)


@settings(max_examples=150, deadline=None)
@given(corpora(), st.randoms(use_true_random=False))
def test_clusters_and_canonicals_do_not_depend_on_input_order(corpus: tuple[list[ParagraphRef], dict[tuple[int, int], float]],
                                                              rng: random.Random) -> None:
    refs, near = corpus
    order = list(range(len(refs)))
    rng.shuffle(order)
    moved = [refs[i] for i in order]
    where = {old: new for new, old in enumerate(order)}
    moved_near = {(min(where[i], where[j]), max(where[i], where[j])): jac for (i, j), jac in near.items()}

    def named(found: list[tuple[int, list[int], str]], pool: list[ParagraphRef]) -> set[tuple[tuple[str, int], tuple[tuple[str, int], ...], str]]:
        return {(pool[c].key, tuple(pool[m].key for m in members), rule) for c, members, rule in found}

    assert named(clustered(refs, near), refs) == named(clustered(moved, moved_near), moved)
    rank, _ = key_ranks(refs)
    assert sorted(rank.tolist()) == sorted(key_ranks(moved)[0].tolist())


@st.composite
def tied_corpora(draw: st.DrawFn) -> tuple[list[ParagraphRef], dict[tuple[int, int], float]]:
    """Undated copies with few distinct Jaccards, so that centrality often ties and the key decides; pairs
    may name their larger paragraph first."""
    n = draw(st.integers(2, 10))
    refs = [ref(f"d{i % 7}", None, line=2 * i + 1) for i in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j and refs[i].doc_id != refs[j].doc_id]
    chosen = draw(st.lists(st.sampled_from(pairs), unique_by=lambda p: frozenset(p))) if pairs else []
    return refs, {pair: draw(st.sampled_from([0.1, 0.2, 0.3, 0.6, 0.7])) for pair in chosen}


@settings(max_examples=300, deadline=None)
@given(st.one_of(corpora(), tied_corpora()))
def test_clusters_equal_the_plain_dict_of_links(corpus: tuple[list[ParagraphRef], dict[tuple[int, int], float]]) -> None:
    refs, near = corpus
    assert clustered(refs, near) == plain_clusters(refs, near)
