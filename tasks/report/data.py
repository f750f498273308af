"""The data behind ``report.html``: documents, reuse pairs, clusters and the outlet-pair picture.

The report page is one HTML file that renders its views on demand from a
JSON blob (see :mod:`wirewash.tasks.report.html`). This module builds that blob from the
run's records, as plain data, with every number the page shows computed here
so that it can be tested without a browser:

* each reuse pair and cluster member is *resolved* to the paragraph text,
  outlet and date it points at (every side names a paragraph of the current
  corpus, whichever index batch first indexed it);
* the passages two paragraphs share are *marked*: each reuse pair carries
  its aligned passages as character offsets in both texts
  (:mod:`wirewash.tasks.reuse.align`), and the marks are exactly those spans. A marked text
  travels as alternating plain and marked pieces, so the page never has to
  slice strings (JavaScript counts UTF-16 units, Python code points);
* the *outlet pairs* summarise syndication: how many words of outlet A's
  kept text reappear at outlet B, in how many stories, and who published
  first.

How "shared words" are counted for an outlet pair: the words of A's
paragraphs that lie inside the passages of their reuse pairs with B's
paragraphs, each word once however many of B's paragraphs carry it; the
total is compared with all of A's kept words. Members of one near-duplicate
cluster share text with each other too, though ``overlaps.jsonl`` pairs each
member only with the canonical copy: a member stands for what it shares
with the canonical copy (its passages with it). A document's, and the
run's, reused words are counted the same way over all their pairs.
"""
from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from wirewash.tasks.records import Document, ParagraphRef
from wirewash.tasks.report.words import WordStarts, word_count
from wirewash.tasks.reuse.arrays import run_starts



MAX_PAIR_VIEWS = 20_000
MAX_CLUSTER_VIEWS = 5_000
MAX_DOCUMENT_LINE_VIEWS = 5_000
"""Documents whose raw lines the page shows; every document keeps its row and counts."""


def mark_spans(text: str, spans: Iterable[Sequence[int]]) -> list[str]:
    """``text`` cut into alternating pieces, plain, marked, plain, ...: marked are the ``[begin, end)`` ``spans``.

    Overlapping or touching spans merge; joining the pieces gives ``text``
    back; the first piece is always plain (possibly empty).
    """
    pieces: list[str] = []
    cursor = 0
    for begin, end in sorted((max(0, int(b)), min(len(text), int(e))) for b, e in spans):
        if end <= cursor:
            continue
        begin = max(begin, cursor)
        if pieces and begin == cursor and len(pieces) % 2 == 0:  # touches the last marked piece: extend it
            pieces[-1] += text[cursor:end]
        else:
            pieces += [text[cursor:begin], text[begin:end]]
        cursor = end
    pieces.append(text[cursor:])
    return pieces


def side_spans(pair: dict[str, Any], side: str) -> list[list[int]]:
    """The character spans of one side (``"a"`` or ``"b"``) of a reuse record's passages."""
    return [p[side] for p in pair.get("passages", [])]


IndexEntry = tuple[tuple[str, int], str, str, str | None, str]
"""A paragraph as :class:`ParagraphIndex` files it: ``((source, first line), document id, outlet, published, text)``."""


def dropped_paragraphs(doc: Document) -> list[IndexEntry]:
    """The paragraphs ``--drop-duplicates`` took out of ``doc``, found in its segments, as index entries."""
    return [((doc.source, seg.lines[0]), doc.id, doc.outlet, doc.published, seg.text)
            for seg in doc.segments if seg.action == "removed" and seg.category == "duplicate"]


@dataclass(frozen=True, slots=True)  # slots: one per paragraph of the corpus
class Located:
    """What one side of a reuse record points at: a paragraph of the current corpus."""

    doc_id: str | None
    outlet: str | None
    published: str | None
    text: str
    number: int = -1  # its place in the index (:meth:`ParagraphIndex.by_number`); -1 when nothing was found

    @property
    def words(self) -> int:
        return word_count(self.text)


class ParagraphIndex:
    """Finds the paragraph a reuse side (``{file, lines, paragraph, run?}``) names.

    Sides are matched on ``(file, first line)``, not on the paragraph index:
    with ``--drop-duplicates`` the dropped copies leave ``Document.paragraphs``
    but stay in the provenance, where they are found too.
    """

    def __init__(self, documents: Sequence[Document], archived: Sequence[ParagraphRef] = ()) -> None:
        self._by_key: dict[tuple[str, int], Located] = {}
        self._numbered: list[Located] = []  # by number: a tally keeps ints, not a key per paragraph
        for ref in archived:  # paragraphs of earlier batches that this batch reuses (reuse archive)
            self._put(ref.key, ref.doc_id, ref.outlet, ref.published, ref.text)
        for doc in documents:
            self.add_dropped(doc)
            for paragraph in doc.paragraphs:
                self._put((doc.source, paragraph.lines[0]), doc.id, doc.outlet, doc.published, paragraph.text)

    def _put(self, key: tuple[str, int], doc_id: str, outlet: str, published: str | None, text: str) -> None:
        self._by_key[key] = located = Located(doc_id, outlet, published, text, len(self._numbered))
        self._numbered.append(located)

    def add_dropped(self, doc: Document) -> None:
        """Index the paragraphs ``--drop-duplicates`` took out of ``doc`` (found in its segments)."""
        self.add_entries(dropped_paragraphs(doc))

    def add_entries(self, entries: Iterable[IndexEntry]) -> None:
        """Index paragraphs found elsewhere (:func:`dropped_paragraphs`): a run that holds only documents'
        heads gathers the dropped ones as the whole documents stream past, in a process of its own."""
        for entry in entries:
            self._put(*entry)

    def by_number(self, number: int) -> Located:
        """The paragraph :meth:`locate` gave with this ``number``."""
        return self._numbered[number]

    def locate(self, side: dict[str, Any]) -> Located:
        # ``run`` names the index batch that first indexed the paragraph; a side names a current file or an archived one
        return self._by_key.get((side["file"], side["lines"][0]), Located(None, None, None, ""))


def _side_view(side: dict[str, Any], found: Located, pieces: list[str]) -> dict[str, Any]:
    view: dict[str, Any] = {
        "doc": found.doc_id,
        "file": side["file"],
        "lines": list(side["lines"]),
        "paragraph": side["paragraph"],
        "outlet": found.outlet,
        "published": found.published,
        "words": found.words,
        "pieces": pieces,
    }
    if side.get("run"):
        view["run"] = side["run"]
    return view


def pair_views(overlaps: Sequence[dict[str, Any]], index: ParagraphIndex) -> list[dict[str, Any]]:
    """Every reuse pair with both paragraphs' text, its passages marked in both, outlets and dates."""
    views = []
    for number, pair in enumerate(overlaps):
        a, b = index.locate(pair["a"]), index.locate(pair["b"])
        views.append({
            "n": number,
            "kind": pair["kind"],
            "jaccard": pair["jaccard"],
            "containment": pair["containment"],
            "shared": pair.get("shared_text", ""),
            "a_share": pair.get("a_share"),
            "b_share": pair.get("b_share"),
            "a": _side_view(pair["a"], a, mark_spans(a.text, side_spans(pair, "a"))),
            "b": _side_view(pair["b"], b, mark_spans(b.text, side_spans(pair, "b"))),
        })
    return views


def _side_key(side: dict[str, Any]) -> tuple[str, str, int]:
    return (side.get("run", ""), side["file"], side["lines"][0])


def cluster_views(
    clusters: Sequence[dict[str, Any]], overlaps: Iterable[dict[str, Any]], index: ParagraphIndex
) -> list[dict[str, Any]]:
    """Every near-duplicate cluster: its members side by side, canonical first, scored against it.

    A member's marks are its passages with the canonical copy; the
    canonical's marks are its passages with any member.
    """
    wanted = {_side_key(side) for cluster in clusters for side in (cluster["canonical"], *cluster["members"])}
    scores: dict[tuple[tuple[str, str, int], tuple[str, str, int]], dict[str, Any]] = {}
    for pair in overlaps:  # only pairs inside the clusters shown are kept, with what their views read
        ka, kb = _side_key(pair["a"]), _side_key(pair["b"])
        if ka in wanted and kb in wanted:
            scores[(ka, kb)] = scores[(kb, ka)] = {key: pair[key] for key in _CLUSTER_PAIR_FIELDS if key in pair}
    views = []
    for cluster in clusters:
        canon_key = _side_key(cluster["canonical"])
        canon = index.locate(cluster["canonical"])
        members = sorted(cluster["members"], key=lambda m: (_side_key(m) != canon_key, _side_key(m)))
        located = [index.locate(m) for m in members]
        canon_spans = [span for m in members if _side_key(m) != canon_key
                       for span in _spans_of(scores.get((_side_key(m), canon_key)), canon_key)]
        member_views = []
        for member, found in zip(members, located):
            is_canon = _side_key(member) == canon_key
            pair = scores.get((_side_key(member), canon_key))
            view = _side_view(member, found, mark_spans(found.text, canon_spans if is_canon
                                                        else _spans_of(pair, _side_key(member))))
            view["canonical"] = is_canon
            view["jaccard"] = 1.0 if is_canon else (pair or {}).get("jaccard")
            view["containment"] = 1.0 if is_canon else (pair or {}).get("containment")
            member_views.append(view)
        dates = sorted(v["published"] for v in member_views if v["published"])
        views.append({
            "id": cluster["id"],
            "rule": cluster.get("canonical_rule", ""),
            "members": member_views,
            "outlets": sorted({v["outlet"] for v in member_views if v["outlet"]}),
            "first": dates[0] if dates else None,
            "last": dates[-1] if dates else None,
        })
    return views


_CLUSTER_PAIR_FIELDS = ("a", "b", "jaccard", "containment", "passages")  # not the shared text: a copy of a whole paragraph


def _spans_of(pair: dict[str, Any] | None, key: tuple[str, str, int]) -> list[list[int]]:
    """The spans of a reuse record's passages on the side whose key is ``key`` (none without a record)."""
    if pair is None:
        return []
    return side_spans(pair, "a" if _side_key(pair["a"]) == key else "b")


def outlet_pairs(
    documents: Sequence[Document], overlaps: Iterable[dict[str, Any]], clusters: Sequence[dict[str, Any]],
    index: ParagraphIndex, outlet_words: Mapping[str, int] | None = None,
) -> list[dict[str, Any]]:
    """The syndication picture: one row per pair of outlets that share text (see the module docstring).

    Each row has, for both directions, the words of one outlet's kept text
    that reappear at the other and their share of its total; the reuse pairs
    by kind; the stories (document pairs) involved; and, over those stories,
    how often each outlet published first (dates are days: ties are
    ``same_day``; a story without a date is ``undated``). ``outlet_words``:
    each outlet's words, when the caller has counted them (the documents'
    views carry them); else they are counted here.
    """
    tally = _OutletTally(index)
    canonicals = {_side_key(cluster["canonical"]) for cluster in clusters}
    # one pass (pairs may be made as they are read: JsonRecords), each pair counted as it passes; of a pair
    # with a cluster's canonical on one side only the other side's spans are kept, for the members below
    member_spans = _MemberSpans()
    for o in overlaps:
        spans_a, spans_b = side_spans(o, "a"), side_spans(o, "b")
        tally.add(o["kind"], o["a"], o["b"], spans_a, spans_b)
        ka, kb = _side_key(o["a"]), _side_key(o["b"])
        if kb in canonicals:
            member_spans.add(ka, kb, spans_a)
        if ka in canonicals:
            member_spans.add(kb, ka, spans_b)
    member_spans.close()
    for cluster in clusters:  # members of one cluster are near-duplicates of each other as well
        canon = _side_key(cluster["canonical"])
        others = [m for m in cluster["members"] if _side_key(m) != canon]
        own = {_side_key(m): member_spans.get(_side_key(m), canon) for m in others}
        for x, y in combinations(others, 2):
            tally.add("near-duplicate", x, y, own[_side_key(x)], own[_side_key(y)])
    return tally.rows(documents, outlet_words)


class _MemberSpans:
    """The spans of each cluster member's pair with its canonical copy, as int columns (see :func:`outlet_pairs`).

    Hundreds of thousands of pairs have a canonical copy on one side: kept as
    a dict of key tuples and span lists they cost ~450 bytes a pair. Here a
    paragraph key is numbered once and a span is four ints. Keys name a
    paragraph by file and first line, which two paragraphs of one HTML line
    share: as in a dict, the spans given last for a key pair are the ones kept.
    """

    def __init__(self) -> None:
        self._numbers: dict[tuple[str, str, int], int] = {}
        self._files: dict[str, str] = {}  # one string per file for all the keys naming it
        self._columns = tuple(array("q") for _ in range(4))  # (member, canonical) as one int, which add, begin, end
        self._adds = 0
        self._keys = self._begins = self._ends = np.zeros(0, np.int64)

    def _number(self, key: tuple[str, str, int]) -> int:
        number = self._numbers.get(key)
        if number is None:
            run, file, line = key
            number = self._numbers[(run, self._files.setdefault(file, file), line)] = len(self._numbers)
        return number

    def add(self, member: tuple[str, str, int], canonical: tuple[str, str, int], spans: list[list[int]]) -> None:
        pair = self._number(member) << 32 | self._number(canonical)
        keys, adds, begins, ends = self._columns
        for begin, end in spans or [(-1, -1)]:  # an add without spans still replaces an earlier one's
            keys.append(pair)
            adds.append(self._adds)
            begins.append(begin)
            ends.append(end)
        self._adds += 1

    def close(self) -> None:
        """Done adding: the spans of each key pair's last add, sorted by pair (in the order they came within one)."""
        keys, adds, begins, ends = (np.frombuffer(column, dtype=np.int64) for column in self._columns)
        order = np.lexsort((adds, keys))  # by pair, then add: within one add, as they came
        keys, adds, begins, ends = keys[order], adds[order], begins[order], ends[order]
        last = np.ones(keys.size, bool)  # rows of the last add of their pair
        if keys.size:
            group_end = np.append(np.flatnonzero(run_starts(keys))[1:], keys.size) - 1
            last = adds == np.repeat(adds[group_end], np.diff(np.append(-1, group_end)))
        keep = last & (begins >= 0)  # and not the no-span marker
        self._keys, self._begins, self._ends = keys[keep], begins[keep], ends[keep]
        self._columns = ()

    def get(self, member: tuple[str, str, int], canonical: tuple[str, str, int]) -> list[tuple[int, int]]:
        """The spans last given for ``(member, canonical)``, in their order (none if never given)."""
        m, c = self._numbers.get(member), self._numbers.get(canonical)
        if m is None or c is None:
            return []
        lo, hi = np.searchsorted(self._keys, [m << 32 | c, (m << 32 | c) + 1]).tolist()
        return list(zip(self._begins[lo:hi].tolist(), self._ends[lo:hi].tolist()))


class _OutletTally:
    """What :func:`outlet_pairs` counts per pair of outlets, link by link (a reuse pair, or two members of a cluster)."""

    def __init__(self, index: ParagraphIndex) -> None:
        self.index = index
        # every span of A's paragraphs found at B, as four int columns (direction (A, B), paragraph, begin, end):
        # a corpus has millions of spans, and a list per span would cost ten times the bytes. 32 bits: a
        # paragraph's number and a character offset in it fit, and the columns and their sorted copies were
        # the report's peak (500,000 pairs)
        self.spans = tuple(array("i") for _ in range(4))  # the paragraph as its number in the index
        self.directions: dict[tuple[str, str], int] = {}
        self.kinds: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.stories: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)

    def add(self, kind: str, side_a: dict[str, Any], side_b: dict[str, Any], spans_a: list[list[int]],
            spans_b: list[list[int]]) -> None:
        a, b = self.index.locate(side_a), self.index.locate(side_b)
        if not (a.outlet and b.outlet and a.doc_id and b.doc_id) or a.outlet == b.outlet:
            return
        directions, paragraphs, begins, ends = self.spans
        for mine, theirs, found in ((a, b, spans_a), (b, a, spans_b)):
            direction = self.directions.setdefault((mine.outlet or "", theirs.outlet or ""), len(self.directions))
            for begin, end in found:
                directions.append(direction)
                paragraphs.append(mine.number)
                begins.append(begin)
                ends.append(end)
        pair_key = tuple(sorted((a.outlet, b.outlet)))
        self.kinds[pair_key][kind] += 1  # type: ignore[index]
        first, second = (a, b) if a.outlet == pair_key[0] else (b, a)
        self.stories[pair_key].add((first.doc_id or "", second.doc_id or ""))  # type: ignore[index]

    def rows(self, documents: Sequence[Document], outlet_words: Mapping[str, int] | None) -> list[dict[str, Any]]:
        """One row per outlet pair, most shared words first."""
        total_words: Counter[str] = Counter(outlet_words)
        if outlet_words is None:
            for doc in documents:
                total_words[doc.outlet] += sum(word_count(p.text) for p in doc.paragraphs)
        dates: dict[str, str | None] = {doc.id: doc.published for doc in documents}
        covered = self._covered_words()
        rows = []
        for (x, y), kind_counts in self.kinds.items():
            order: Counter[str] = Counter()
            for doc_x, doc_y in self.stories[(x, y)]:
                dx, dy = dates.get(doc_x), dates.get(doc_y)
                order["undated" if not (dx and dy) else "a_first" if dx < dy else "b_first" if dy < dx else "same_day"] += 1
            words_x, words_y = covered.get(self.directions.get((x, y)), 0), covered.get(self.directions.get((y, x)), 0)
            rows.append({
                "a": x, "b": y,
                "a_words": words_x, "a_total": total_words[x],
                "a_share": round(words_x / total_words[x], 4) if total_words[x] else 0.0,
                "b_words": words_y, "b_total": total_words[y],
                "b_share": round(words_y / total_words[y], 4) if total_words[y] else 0.0,
                "pairs": sum(kind_counts.values()),
                "kinds": dict(sorted(kind_counts.items())),
                "stories": len(self.stories[(x, y)]),
                "a_first": order["a_first"], "b_first": order["b_first"],
                "same_day": order["same_day"], "undated": order["undated"],
            })
        rows.sort(key=lambda r: (-(r["a_words"] + r["b_words"]), r["a"], r["b"]))
        return rows

    def _covered_words(self) -> dict[int, int]:
        """Per direction (A, B): the words of A's paragraphs that its spans found at B cover, each word once."""
        directions, paragraphs, begins, ends = (np.frombuffer(column, dtype=np.int32) for column in self.spans)
        covered: Counter[int] = Counter()
        if directions.size == 0:
            return covered
        # a group per (paragraph, direction); each paragraph's words are found once, however many outlets it met
        numbers, texts = np.unique(paragraphs, return_inverse=True)
        texts = texts.reshape(-1).astype(np.int64)
        width = len(self.directions)
        groups, group_of = np.unique(texts * width + directions, return_inverse=True)
        starts = WordStarts.of([self.index.by_number(number).text for number in numbers.tolist()])
        words = starts.covered(group_of.reshape(-1), texts, begins, ends, groups.size)
        for direction, count in zip((groups % width).tolist(), words.tolist()):
            covered[direction] += count
        return covered


DocumentLines = list[Any]
"""What a document's view reads of its raw lines (its segments, on disk while the flow holds heads), as
:func:`document_lines` makes it: ``[words, removed lines, rules, segments or None]``, JSON-ready."""


def document_lines(doc: Document, with_lines: bool = True) -> DocumentLines:
    """The parts of ``doc``'s view (:func:`document_view`) that need its whole record and no reuse note: its
    words, its removed raw lines, the rules that decided against lines, and (``with_lines``) every segment as
    ``[first line, last line, action, category, rule, text, reason]``."""
    removed_lines = 0
    segments: list[list[Any]] | None = [] if with_lines else None
    for seg in doc.segments:
        if seg.action == "removed":
            removed_lines += seg.text.count("\n") + 1
        if segments is not None:
            segments.append([seg.lines[0], seg.lines[1], seg.action, seg.category, seg.rule, seg.text, seg.reason])
    return [sum(word_count(p.text) for p in doc.paragraphs), removed_lines,
            sorted({seg.rule for seg in doc.segments if seg.action != "kept"}), segments]


def document_view(doc: Document, annotations: Mapping[str, dict[str, Any]], with_lines: bool = True,
                  lines: DocumentLines | None = None) -> dict[str, Any]:
    """One document: metadata, repairs, counts, and every raw segment with its decision and rule.

    A segment is ``[first line, last line, action, category, rule, text,
    reason, reuse]`` (a list, not an object, to keep a 5,000-document report
    small); ``reuse`` is the kept paragraph's reuse notes or ``null``.
    Without ``with_lines`` the segments are left out (``lines_omitted``):
    past :data:`MAX_DOCUMENT_LINE_VIEWS` documents the page would hold the
    whole raw corpus; ``provenance.jsonl`` has every line. ``lines`` are
    the document's :func:`document_lines` made beforehand (then ``doc`` may
    be its head).
    """
    words, removed_lines, rules, segments = lines if lines is not None else document_lines(doc, with_lines)
    notes = [annotations.get(p.id) for p in doc.paragraphs]  # once each: a note is made when asked for
    notes_by_line = {p.lines[0]: note for p, note in zip(doc.paragraphs, notes)}
    view = {
        "id": doc.id, "source": doc.source, "outlet": doc.outlet, "title": doc.title,
        "author": doc.author, "published": doc.published, "url": doc.url, "copyright": doc.copyright,
        "fixes": list(doc.fixes), "paragraphs": len(doc.paragraphs),
        "words": words,
        "reused_words": sum((note or {}).get("reused_words", 0) for note in notes),
        "removed": removed_lines,
        "reused": sum(1 for note in notes if note),
        "rules": rules,
        "segments": [[*seg, (notes_by_line.get(seg[0]) if seg[2] == "kept" else None) or None]
                     for seg in segments or ()],
    }
    if segments is None:
        view["lines_omitted"] = True
    return view


def document_views(documents: Iterable[Document], annotations: Mapping[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every document's view (:func:`document_view`) in id order, the raw lines of the first
    :data:`MAX_DOCUMENT_LINE_VIEWS` only."""
    ordered = sorted(documents, key=lambda d: d.id)
    return [document_view(doc, annotations, with_lines=n < MAX_DOCUMENT_LINE_VIEWS) for n, doc in enumerate(ordered)]


def lines_by_action(documents: Iterable[Document]) -> dict[str, int]:
    """Raw non-blank lines per decision (kept, removed, title, metadata)."""
    counts: Counter[str] = Counter()
    for doc in documents:
        for seg in doc.segments:
            counts[seg.action] += seg.line_count
    return dict(sorted(counts.items()))


def build_report_data(
    summary: dict[str, Any],
    documents: Sequence[Document],
    overlaps: Sequence[dict[str, Any]],
    clusters: Sequence[dict[str, Any]],
    annotations: Mapping[str, dict[str, Any]],
    archived: Sequence[ParagraphRef] = (),
    *,
    views: Sequence[dict[str, Any]] | None = None,
    index: ParagraphIndex | None = None,
) -> dict[str, Any]:
    """Everything the report page shows, as one JSON-ready value (``archived``: earlier batches' paragraphs the pairs name).

    A run streaming its documents from disk passes their ``views`` (:func:`document_views`; a sequence
    read back from disk will do, the page writer reads it an item at a time) and the ``index`` of their
    paragraphs, made while they passed, with ``documents`` holding their heads."""
    index = index if index is not None else ParagraphIndex(documents, archived)
    docs = views if views is not None else document_views(documents, annotations)
    words = reused_words = 0
    outlet_words: Counter[str] = Counter()
    for view in docs:  # one pass: views read back from disk are parsed once here
        words, reused_words = words + view["words"], reused_words + view["reused_words"]
        outlet_words[view["outlet"]] += view["words"]
    # A pair or cluster view carries both texts with their shared words marked: on a corpus with
    # hundreds of thousands of pairs that is gigabytes of page. The page shows the first ones and
    # says how many more the JSONL files hold; every count above stays exact.
    shown_pairs, shown_clusters = overlaps[:MAX_PAIR_VIEWS], clusters[:MAX_CLUSTER_VIEWS]
    # one pass over the pairs (read back from disk, each parsed once) counts the outlet pairs and keeps what
    # the clusters shown read of the pairs inside them
    wanted = {_side_key(side) for cluster in shown_clusters for side in (cluster["canonical"], *cluster["members"])}
    inside: list[dict[str, Any]] = []

    def passing() -> Iterator[dict[str, Any]]:
        for pair in overlaps:
            if _side_key(pair["a"]) in wanted and _side_key(pair["b"]) in wanted:
                inside.append({key: pair[key] for key in _CLUSTER_PAIR_FIELDS if key in pair})
            yield pair

    outlets = outlet_pairs(documents, passing(), clusters, index, outlet_words)
    return {
        "pairs_omitted": len(overlaps) - len(shown_pairs),
        "clusters_omitted": len(clusters) - len(shown_clusters),
        "run": {
            "id": summary["run_id"],
            "counts": summary["counts"],
            "lines_by_action": summary.get("lines_by_action") or lines_by_action(documents),
            "lines_removed_by_category": summary["lines_removed_by_category"],
            "overlaps_by_kind": summary.get("overlaps_by_kind", {}),
            "segments_by_rule": summary.get("segments_by_rule", {}),
            "quarantined": summary["quarantined"],
            "without_text": summary.get("documents_without_text", []),
            "parameters": summary.get("parameters", {}),
            "words": words,
            "reused_words": reused_words,
        },
        "documents": docs,
        "pairs": pair_views(shown_pairs, index),
        "clusters": cluster_views(shown_clusters, inside, index),
        "outlets": outlets,
    }
