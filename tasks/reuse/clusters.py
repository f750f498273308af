"""Clusters of near-duplicate paragraphs, each with one canonical copy, and the key order they use.

Near-duplicate pairs chain: A~B and B~C do not make A~C. So a cluster is
cut out of each connected component around a canonical copy, and only the
members verified against the canonical stay in it (:func:`cluster_near_duplicates`).
Which copy is canonical (:func:`choose_canonical`) and every sort here go
by ranks of the paragraphs' keys (:func:`key_ranks`), so the clusters come
out the same whatever order the paragraphs came in.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from wirewash.tasks.records import Cluster, ParagraphRef
from wirewash.tasks.reuse.arrays import owner_starts


def key_ranks(refs: Sequence[ParagraphRef]) -> tuple[np.ndarray, np.ndarray]:
    """Dense ranks of each paragraph's ``key`` (file, first line) and of its place (file, lines).

    Equal keys get equal ranks, so ``key_rank[i] <= key_rank[j]`` exactly when
    ``refs[i].key <= refs[j].key``: comparisons and sorts on whole pair lists
    become array work.
    """
    def dense(values: list[tuple[object, ...]]) -> np.ndarray:
        rank = [0] * len(values)
        current, previous = -1, None
        for i in sorted(range(len(values)), key=values.__getitem__):
            if values[i] != previous:
                current, previous = current + 1, values[i]
            rank[i] = current
        return np.array(rank, dtype=np.int64)

    return dense([r.key for r in refs]), dense([(r.file, r.lines) for r in refs])



def cluster_near_duplicates(
    refs: Sequence[ParagraphRef],
    pairs: np.ndarray,
    jaccard: np.ndarray,
    *,
    key_rank: np.ndarray | None = None,
) -> list[tuple[int, list[int], str]]:
    """Group near-duplicate pairs into clusters that never chain unrelated paragraphs.

    ``pairs`` (``(m, 2)``, each pair once) are the verified near-duplicate
    pairs and ``jaccard`` their Jaccard.
    Connected components come first; a component can chain A~B~C where
    A and C share little. So each component picks a canonical
    (:func:`choose_canonical`) and keeps only members verified as
    near-duplicates *of the canonical*; the rest form new components and
    repeat. A cluster holds at most one paragraph per document, since every
    member pair is read as cross-document reuse. Returns ``(canonical,
    members sorted by key incl. canonical, rule)``. ``key_rank`` (from
    :func:`key_ranks`, computed when absent) orders by key without building
    a tuple per comparison.
    """
    rank: list[int] = (key_rank if key_rank is not None else key_ranks(refs)[0]).tolist()
    adjacency = _Adjacency(pairs, jaccard, len(refs))
    out: list[tuple[int, list[int], str]] = []
    pending: list[tuple[list[int], dict[int, dict[int, float]] | None]] = [
        (comp, None) for comp in connected_components(pairs)]
    while pending:
        comp, neighbours = pending.pop()
        if len(comp) < 2:
            continue
        if neighbours is None:  # made as a component comes up, so only one component's are held at a time
            neighbours = adjacency.links_of(comp)
        canonical, rule = choose_canonical(refs, comp, neighbours)
        links = neighbours.get(canonical, {})
        members = [canonical]
        taken = {refs[canonical].doc_id}
        # closest copies first, so that when one document holds two copies
        # the better one joins and the other waits for its own cluster
        for m in sorted((m for m in comp if m in links), key=lambda m: (-links[m], rank[m])):
            if refs[m].doc_id not in taken:
                members.append(m)
                taken.add(refs[m].doc_id)
        chosen = set(members)
        rest = [m for m in comp if m not in chosen]
        if len(members) >= 2:
            out.append((canonical, sorted(members, key=rank.__getitem__), rule))
        if len(rest) >= 2:
            pending.append((rest, neighbours))  # a part of the component: its links are among the whole's
    return out


class _Adjacency:
    """Each paragraph's near-duplicate links as int and float columns, sorted by paragraph.

    A dict of dicts for a whole corpus (hundreds of thousands of pairs) was a
    peak of the reuse stage; here a component's links become dicts only while
    it is clustered. A paragraph's links keep the order of its pairs sorted by
    ``(first, second)``, as the dict of dicts had them: :func:`choose_canonical`
    sums Jaccards in that order (rounded to 9 digits, but a float sum still
    depends on its order).
    """

    def __init__(self, pairs: np.ndarray, jaccard: np.ndarray, n: int) -> None:
        pairs = pairs.reshape(-1, 2)
        by_pair = np.lexsort((pairs[:, 1], pairs[:, 0]))
        edge = np.empty(by_pair.size, np.int64)
        edge[by_pair] = np.arange(by_pair.size)  # each pair's place in (first, second) order
        owner = np.concatenate([pairs[:, 0], pairs[:, 1]])
        order = np.lexsort((np.concatenate([edge, edge]), owner))
        self.other = np.concatenate([pairs[:, 1], pairs[:, 0]])[order]
        self.jaccard = np.concatenate([jaccard, jaccard])[order]
        self.starts = owner_starts(owner, n)

    def links_of(self, nodes: Sequence[int]) -> dict[int, dict[int, float]]:
        """Each node's links as ``{other: jaccard}`` (the dict of dicts :func:`choose_canonical` reads)."""
        starts = self.starts
        return {node: dict(zip(self.other[starts[node]:starts[node + 1]].tolist(),
                               self.jaccard[starts[node]:starts[node + 1]].tolist())) for node in nodes}


def connected_components(edges: np.ndarray) -> list[list[int]]:
    """The connected components of a graph given as ``(m, 2)`` edges, each an ascending list of nodes.

    Min-label propagation with pointer jumping, in numpy: every node takes
    the smallest label among its neighbours, then labels follow labels until
    they stop moving; a few rounds settle even long chains. Components come
    in no particular order (the caller's results do not depend on it).
    """
    if len(edges) == 0:
        return []
    nodes, compact = np.unique(edges, return_inverse=True)
    a, b = compact.reshape(-1, 2).T
    labels = np.arange(nodes.size)
    while True:
        new = labels.copy()
        np.minimum.at(new, a, labels[b])
        np.minimum.at(new, b, labels[a])
        while True:  # pointer jumping: a label's own label is smaller or equal
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            break
        labels = new
    order = np.argsort(labels, kind="stable")  # stable: nodes ascend inside a component
    bounds = [0, *(np.flatnonzero(np.diff(labels[order])) + 1).tolist(), int(nodes.size)]
    flat = nodes[order].tolist()
    return [flat[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]


def choose_canonical(
    refs: Sequence[ParagraphRef],
    comp: Sequence[int],
    neighbours: dict[int, dict[int, float]],
) -> tuple[int, str]:
    """Pick the copy that most likely is the source, and say which rule decided.

    1. ``earliest-published``: the single member with the earliest
       ``published`` timestamp (ISO strings compare in time order).
    2. ``most-central``: among the tied, the member with the highest summed
       Jaccard to the other members; the wire original sits in the middle of
       its edits, each edit having moved away from it in its own direction.
    3. ``first-seen``: the smallest key (file, first line) breaks any tie.
    """
    pool = list(comp)
    dated = [m for m in pool if refs[m].published]
    if dated:
        first = min(refs[m].published or "" for m in dated)
        earliest = [m for m in dated if refs[m].published == first]
        if len(earliest) == 1:
            return earliest[0], "earliest-published"
        pool = earliest
    members = set(comp)
    centrality = {m: round(_summed_jaccard(neighbours.get(m, {}), members), 9) for m in pool}
    best = max(centrality.values())
    central = [m for m in pool if centrality[m] == best]
    if len(central) == 1:
        return central[0], "most-central"
    return min(central, key=lambda m: refs[m].key), "first-seen"


def _summed_jaccard(links: dict[int, float], members: set[int]) -> float:
    """The Jaccards of ``links`` to ``members``, summed in the links' order (so the float sum is always the same).

    Usually every link is a member (a whole component), and the sum runs in C.
    """
    if members.issuperset(links):
        return sum(links.values())
    return sum(j for o, j in links.items() if o in members)


def make_cluster(refs: Sequence[ParagraphRef], canonical: int, members: Sequence[int], rule: str) -> Cluster:
    """A :class:`Cluster` whose id is a short sha1 of the canonical's file and lines.

    The run that indexed the canonical is left out on purpose: a file and its
    lines name one paragraph of the current corpus (the persistent index
    drops paragraphs of changed and deleted files), so a cluster keeps its id
    from run to run as long as its canonical copy stays, whichever run
    indexed it (and an incremental run names clusters as a full rebuild does).
    """
    c = refs[canonical]
    cid = hashlib.sha1(f"|{c.file}:{c.lines[0]}-{c.lines[1]}".encode()).hexdigest()[:12]
    return Cluster(id=f"nd-{cid}", canonical=c, members=tuple(refs[m] for m in members), rule=rule)
