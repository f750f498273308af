"""Word tokens and word-shingle hashes of many paragraphs at once, as flat numpy arrays.

Paragraphs become flat arrays of normalised token hashes
(:func:`encode_paragraphs`; the hashing form of each token comes from
:mod:`wirewash.tasks.reuse.normalise`), with sentences and, per token, where
in its paragraph it was read, so a shared run of words can be cut out of
the original paragraph verbatim. Identical paragraphs are folded into one
distinct text (:func:`collapse_identical`); shingles, n-grams and segment
hashes are computed for all texts at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from wirewash.tasks.reuse.arrays import csr_gather, owner_starts, split_batches
from wirewash.tasks.reuse.normalise import RAW_TOKEN_HASHES, SENTENCE_MARK, TOKEN_SPLIT

@dataclass(frozen=True)
class Encoded:
    """Many paragraphs as flat token-hash arrays (no per-paragraph Python objects).

    Paragraph ``i`` has tokens ``hashes[offsets[i]:offsets[i+1]]``. Sentence
    ``s`` covers tokens ``sentence_starts[s]`` to ``sentence_starts[s] +
    sentence_lengths[s]`` of paragraph ``sentence_owner[s]``. Token ``t``
    was read from characters ``token_begin[t]:token_end[t]`` of its
    paragraph's text, so whatever is found on the hashed tokens can be cut
    from (or marked in) the original text verbatim.
    """

    hashes: np.ndarray
    offsets: np.ndarray
    sentence_starts: np.ndarray
    sentence_lengths: np.ndarray
    sentence_owner: np.ndarray
    token_begin: np.ndarray
    token_end: np.ndarray

    @property
    def spans(self) -> "TokenSpans":
        """Where each paragraph's tokens were read, without the hashes and sentences."""
        return TokenSpans(self.offsets, self.token_begin, self.token_end)


@dataclass(frozen=True)
class TokenSpans:
    """Where each paragraph's tokens were read (:class:`Encoded` without the hashes and sentences).

    Token ``t`` of paragraph ``p`` is ``text[begin[offsets[p] + t]:end[offsets[p] + t]]``.
    """

    offsets: np.ndarray
    begin: np.ndarray
    end: np.ndarray


def encode_paragraphs(texts: Sequence[str]) -> Encoded:
    """Tokenise, normalise and hash many paragraphs into flat arrays.

    Punctuation (quotes, dashes, brackets) never becomes a token, so quote
    and dash styles cannot change a hash; honorifics vanish (see
    :func:`wirewash.tasks.reuse.normalise.normalise_token`). Han and kana characters are one token each,
    since those scripts do not put spaces between words. One regex pass per
    chunk of paragraphs yields words, sentence ends and where each begins and
    ends; everything after that is array work.
    """
    # verbatim copies (a third of a syndicated corpus) are tokenised once: the
    # regex pass is the costly part, and its result depends on the text alone
    first_of: dict[str, int] = {}
    distinct = [first_of.setdefault(text, len(first_of)) for text in texts]
    if len(first_of) < len(texts):
        return take_paragraphs(_encode_distinct(list(first_of)), np.array(distinct, dtype=np.int64))
    return _encode_distinct(texts)


def _encode_distinct(texts: Sequence[str], *, chunk: int = 1 << 22) -> Encoded:
    """:func:`encode_paragraphs` without the folding of verbatim copies.

    Texts are scanned about ``chunk`` characters at a time, joined by a NUL:
    no match holds one or reaches across it (it is neither a word character
    nor a space, and the lookbehinds of a sentence end see it as the text's
    start), so each text's matches are what scanning it alone gives. Splitting
    on the matches keeps the gaps between them, whose lengths place every
    match in the text at no second scan.
    """
    get = RAW_TOKEN_HASHES.__getitem__
    values_parts, begin_parts, end_parts, owner_parts = [], [], [], []
    for lo, hi in split_batches(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1, chunk):
        parts = TOKEN_SPLIT.split("\0".join(texts[lo:hi]))
        values_parts.append(np.fromiter(map(get, parts[1::2]), dtype=np.uint64, count=len(parts) // 2))
        stops = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
        begin, end = stops[0::2][:-1], stops[1::2]  # a match begins where the gap before it stops
        text_start = np.zeros(hi - lo, dtype=np.int64)
        np.cumsum([len(t) + 1 for t in texts[lo : hi - 1]], out=text_start[1:])
        owner = np.searchsorted(text_start, begin, side="right") - 1
        begin_parts.append(begin - text_start[owner])
        end_parts.append(end - text_start[owner])
        owner_parts.append(owner + lo)
        del parts
    empty = np.zeros(0, np.int64)
    values = np.concatenate(values_parts) if values_parts else np.zeros(0, np.uint64)
    owner = np.concatenate(owner_parts or [empty])
    ends_seen = np.cumsum(values == SENTENCE_MARK)
    keep = values > SENTENCE_MARK
    token_begin = np.concatenate(begin_parts or [empty])[keep].astype(np.int32)
    token_end = np.concatenate(end_parts or [empty])[keep].astype(np.int32)
    values, owner, ends_seen = values[keep], owner[keep], ends_seen[keep]
    offsets = owner_starts(owner, len(texts))
    # a sentence starts at a paragraph's first token or after a sentence end
    new = np.ones(values.size, dtype=bool)
    new[1:] = (owner[1:] != owner[:-1]) | (ends_seen[1:] != ends_seen[:-1])
    starts = np.flatnonzero(new)
    return Encoded(
        hashes=values,
        offsets=offsets,
        sentence_starts=starts,
        sentence_lengths=np.diff(np.append(starts, values.size)),
        sentence_owner=owner[starts],
        token_begin=token_begin,
        token_end=token_end,
    )


def hash_segments(hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """One order-sensitive uint64 hash per token segment (e.g. per sentence), vectorised.

    Each token is multiplied by a multiplier that depends on its position in
    the segment, the products are summed per segment, then mixed with the
    segment length. Equal token sequences give equal hashes; any changed,
    added, dropped or moved word changes it.

    Segments are hashed in runs of about :data:`SEGMENT_CHUNK_TOKENS` tokens:
    the work arrays are as long as the tokens hashed (a corpus's every
    sentence is every token, several arrays of 8 bytes each), and each
    segment's hash depends on its own tokens only.
    """
    keep = lengths > 0
    starts, lengths = starts[keep], lengths[keep]
    if starts.size == 0:
        return np.empty(0, np.uint64)
    if int(lengths.sum()) <= SEGMENT_CHUNK_TOKENS:
        return _hash_segment_run(hashes, starts, lengths)
    return np.concatenate([_hash_segment_run(hashes, starts[lo:hi], lengths[lo:hi])
                           for lo, hi in split_batches(lengths, SEGMENT_CHUNK_TOKENS)])


SEGMENT_CHUNK_TOKENS = 1 << 22
"""Tokens :func:`hash_segments` hashes at once (~4M: its work arrays then take ~200 MB, whatever the corpus)."""


def _hash_segment_run(hashes: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """:func:`hash_segments` of non-empty segments, in one go."""
    total = int(lengths.sum())
    seg_start = np.repeat(starts, lengths)
    seg_first = np.repeat(np.cumsum(lengths) - lengths, lengths)
    position = np.arange(total) - seg_first
    multipliers = mix64(position.astype(np.uint64) + np.uint64(0x632BE59BD9B4E019)) | np.uint64(1)
    with np.errstate(over="ignore"):
        products = hashes[seg_start + position] * multipliers
        sums = np.add.reduceat(products, np.cumsum(lengths) - lengths)
        return mix64(sums ^ (lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))


# Odd 64-bit multipliers for combining k token hashes into one shingle hash.
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
     0x27D4EB2F165667C5, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53,
     0x94D049BB133111EB, 0xBF58476D1CE4E5B9, 0x2545F4914F6CDD1D, 0x9FB21C651E98DF25],
    dtype=np.uint64,
)


def mix64(values: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """A 64-bit avalanche finaliser (splitmix64), applied element-wise (``in_place``: into ``values``, a uint64 array)."""
    v = values if in_place else values.astype(np.uint64, copy=True)
    v ^= v >> np.uint64(30)
    v *= np.uint64(0xBF58476D1CE4E5B9)
    v ^= v >> np.uint64(27)
    v *= np.uint64(0x94D049BB133111EB)
    v ^= v >> np.uint64(31)
    return v


def hash_ngrams(token_hashes: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every word n-gram of many paragraphs at once.

    ``token_hashes`` holds all paragraphs' token hashes back to back and
    ``offsets`` (length paragraphs + 1) marks where each starts. Returns
    ``(hashes, owner)``: one uint64 per n-gram that lies wholly inside one
    paragraph, and the index of that paragraph. A paragraph with fewer than
    ``n`` tokens yields no n-gram here (see :func:`shingle_paragraphs` for how
    short paragraphs are still given a shingle).

    The results are as long as a corpus's tokens and are made at the
    detector's highest point (its long-run anchors), so they are filled in
    place, paragraphs of about :data:`NGRAM_CHUNK_TOKENS` tokens at a time:
    the work arrays are a chunk's, not four more of the corpus's length.
    """
    if n > len(_MIX):
        raise ValueError(f"n-grams longer than {len(_MIX)} words are not supported")
    lengths = np.diff(offsets)
    total = int(np.maximum(lengths - n + 1, 0).sum())
    hashes, owner = np.empty(total, np.uint64), np.empty(total, np.int64)
    at = 0
    for lo, hi in split_batches(lengths, NGRAM_CHUNK_TOKENS):
        part, part_owner = _ngram_run(token_hashes[offsets[lo]:offsets[hi]], offsets[lo:hi + 1] - offsets[lo], n)
        hashes[at:at + part.size] = part
        np.add(part_owner, lo, out=owner[at:at + part.size])
        at += part.size
    assert at == total
    return hashes, owner


NGRAM_CHUNK_TOKENS = 1 << 22
"""Tokens :func:`hash_ngrams` hashes at once (~4M: its work arrays then take ~100 MB, whatever the corpus)."""


def _ngram_run(token_hashes: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`hash_ngrams` of one run of paragraphs, in one go (``offsets`` start at 0)."""
    total = token_hashes.size
    if total < n:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    count = total - n + 1
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            acc += token_hashes[j : j + count] * _MIX[j]
    mix64(acc, in_place=True)
    # keep only n-grams whose last token is in the same paragraph as the first: those starting at one of a
    # paragraph's last n - 1 tokens run into the next one (marked per paragraph, not computed per token)
    keep = np.ones(count, dtype=bool)
    for back in range(1, n):
        start = offsets[1:] - back
        keep[start[(start >= offsets[:-1]) & (start < count)]] = False
    owner = np.repeat(np.arange(offsets.size - 1, dtype=np.int64), np.diff(offsets))[:count]
    return acc[keep], owner[keep]


def shingle_paragraphs(token_hashes: np.ndarray, offsets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Sorted, de-duplicated word k-shingle sets of many paragraphs at once.

    Returns ``(shingles, bounds)``: paragraph ``i``'s set is
    ``shingles[bounds[i]:bounds[i+1]]`` (sorted uint64, unique). A paragraph
    shorter than ``k`` words gets its whole token sequence as its one
    shingle, so it can only ever equal another paragraph word for word; an
    empty paragraph gets an empty set.

    Paragraphs are shingled in runs of about :data:`SHINGLE_CHUNK_TOKENS`
    tokens: a paragraph's set depends on its own tokens only, and the work
    arrays (each k-gram's hash and owner, their sort order, the sorted
    copies) would otherwise be several times the size of a corpus's tokens.
    """
    n_par = offsets.size - 1
    if int(offsets[-1] - offsets[0]) <= SHINGLE_CHUNK_TOKENS:
        return _shingle_run(token_hashes, offsets, k)
    parts, counts = [], [np.zeros(1, np.int64)]
    for lo, hi in split_batches(np.diff(offsets), SHINGLE_CHUNK_TOKENS):
        part, bounds = _shingle_run(token_hashes[offsets[lo]:offsets[hi]], offsets[lo:hi + 1] - offsets[lo], k)
        parts.append(part)
        counts.append(np.diff(bounds))
    bounds = np.cumsum(np.concatenate(counts))
    assert bounds.size == n_par + 1
    return np.concatenate(parts), bounds


SHINGLE_CHUNK_TOKENS = 1 << 22
"""Tokens :func:`shingle_paragraphs` shingles at once (~4M: its work arrays then take ~250 MB, whatever the corpus)."""


def _shingle_run(token_hashes: np.ndarray, offsets: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`shingle_paragraphs` of one run of paragraphs, in one go (``offsets`` start at 0)."""
    n_par = offsets.size - 1
    hashes, owner = hash_ngrams(token_hashes, offsets, k)
    lengths = np.diff(offsets)
    short = np.flatnonzero((lengths > 0) & (lengths < k))
    if short.size:
        # salted so a whole short text never equals a k-gram hash
        extra = hash_segments(token_hashes, offsets[short], lengths[short]) ^ np.uint64(0x5BD1E9955BD1E995)
        hashes = np.concatenate([hashes, extra])
        owner = np.concatenate([owner, short])
    # sort by (owner, hash), then drop repeats inside a paragraph
    order = sort_by_owner_then_hash(owner, hashes)
    hashes, owner = hashes[order], owner[order]
    del order
    if hashes.size:
        first = np.ones(hashes.size, dtype=bool)
        first[1:] = (hashes[1:] != hashes[:-1]) | (owner[1:] != owner[:-1])
        hashes, owner = hashes[first], owner[first]
    bounds = np.searchsorted(owner, np.arange(n_par + 1), side="left")
    return hashes, bounds


def sort_by_owner_then_hash(owner: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """The permutation that sorts by ``owner`` (non-negative ints), then ``hashes`` (uint64): ``np.lexsort((hashes, owner))``.

    ``lexsort`` over two 64-bit keys is several times slower than one
    ``argsort`` of a packed key. Owners need few bits, so the key is the
    owner in the high bits and the hash's top bits below it. Two different
    hashes of one owner that agree on those top bits could come out of
    order; that is checked (one vectorised comparison) and, should it ever
    happen, the exact ``lexsort`` is used instead. Equal (owner, hash) rows
    may come out in any order among themselves, which callers that only
    de-duplicate or group do not see.
    """
    if hashes.size == 0:
        return np.empty(0, dtype=np.int64)
    owner_bits = max(1, int(owner.max()).bit_length())
    if owner_bits > 40:
        return np.lexsort((hashes, owner))
    key = (owner.astype(np.uint64) << np.uint64(64 - owner_bits)) | (hashes >> np.uint64(owner_bits))
    order = np.argsort(key)
    o, h = owner[order], hashes[order]
    if bool(np.any((o[1:] == o[:-1]) & (h[1:] < h[:-1]))):
        return np.lexsort((hashes, owner))
    return order


@dataclass(frozen=True)
class TokenHashes:
    """Many texts' token hashes alone: text ``i`` is ``hashes[offsets[i]:offsets[i+1]]``.

    What shingles, n-gram anchors and the alignment read. A distinct text
    (:class:`DistinctTexts`) has no sentences or character offsets of its own:
    its paragraphs may split sentences and space words differently, so those
    are read from each paragraph's own :class:`Encoded`.
    """

    hashes: np.ndarray
    offsets: np.ndarray


@dataclass(frozen=True)
class DistinctTexts:
    """Paragraphs folded to their distinct normalised texts.

    Verbatim wire copies are common (a third of the paragraphs in a
    syndicated corpus), and identical token sequences need shingling,
    signing, anchoring and verifying only once. ``unit_of[i]`` is paragraph
    ``i``'s text; text ``u`` is carried by paragraphs
    ``members[starts[u]:starts[u+1]]`` (ascending); ``tokens`` holds the
    texts' token hashes; ``docs[u]`` is the document of text ``u`` when all its
    paragraphs share one, else a unique negative number (so a text seen in
    two documents is never mistaken for a same-document pair).
    """

    count: int
    unit_of: np.ndarray
    members: np.ndarray
    starts: np.ndarray
    tokens: TokenHashes
    docs: np.ndarray
    keys: np.ndarray | None = None


def collapse_identical(enc: Encoded, docs: np.ndarray) -> DistinctTexts:
    """Fold paragraphs with identical normalised token sequences into one text each.

    Identity is a 64-bit hash of the whole token sequence plus its length;
    texts are numbered by the first paragraph that carries them, so the
    numbering follows input order only through content. ``keys[u]`` is text
    ``u``'s identity hash: the persistent index files signatures under it.
    """
    whole = text_identities(enc)
    _, first, unit_of = np.unique(whole, return_index=True, return_inverse=True)
    unit_of = unit_of.reshape(-1)
    # renumber texts by their first paragraph, for a stable, readable order
    rank = np.empty(first.size, dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(first.size)
    unit_of = rank[unit_of]
    reps = np.sort(first)
    members = np.argsort(unit_of, kind="stable")
    starts = np.searchsorted(unit_of[members], np.arange(reps.size + 1))
    low = np.full(reps.size, np.iinfo(np.int64).max)
    high = np.full(reps.size, -1)
    np.minimum.at(low, unit_of, docs)
    np.maximum.at(high, unit_of, docs)
    unit_docs = np.where(low == high, low, -1 - np.arange(reps.size))
    return DistinctTexts(reps.size, unit_of, members, starts, take_hashes(enc, reps), unit_docs, whole[reps])


def text_identities(enc: Encoded) -> np.ndarray:
    """Each paragraph's identity hash (uint64): of its whole normalised token sequence and its length; 0 when empty.

    Two paragraphs with the same normalised tokens are one text (:func:`collapse_identical`), and the
    reuse index files a text's signature under this hash, wherever the text was encoded.
    """
    lengths = np.diff(enc.offsets)
    whole = np.zeros(lengths.size, dtype=np.uint64)
    nonempty = lengths > 0
    whole[nonempty] = hash_segments(enc.hashes, enc.offsets[:-1][nonempty], lengths[nonempty])
    return whole


def take_paragraphs(enc: Encoded, rows: np.ndarray, *, bounds: np.ndarray | None = None) -> Encoded:
    """The encoding of paragraphs ``rows`` (in that order, repeats allowed), renumbered 0..len(rows)-1.

    Pure gathers: tokens, sentences and token offsets of each chosen row are
    copied in CSR fashion, so the cost is the size of the result, plus one
    ``searchsorted`` over ``enc``'s sentences (:func:`sentence_bounds`; a
    caller taking many row sets from one encoding passes its ``bounds``).
    ``enc`` may be memory-mapped (the persistent index keeps its encodings on disk).
    """
    rows = np.asarray(rows, dtype=np.int64)
    offsets, source = _gathered_tokens(enc, rows)
    hashes = np.asarray(enc.hashes[source], dtype=np.uint64)
    token_begin = np.asarray(enc.token_begin[source], dtype=np.int32)
    token_end = np.asarray(enc.token_end[source], dtype=np.int32)
    bounds = sentence_bounds(enc) if bounds is None else bounds
    s_first = bounds[rows]
    s_count = (bounds[rows + 1] - s_first).astype(np.int64)
    picked = csr_gather(s_first.astype(np.int64), s_count)
    owner = np.repeat(np.arange(rows.size, dtype=np.int64), s_count)
    starts = offsets[owner] + (np.asarray(enc.sentence_starts[picked], dtype=np.int64) - enc.offsets[rows][owner])
    return Encoded(hashes, offsets, starts, np.asarray(enc.sentence_lengths[picked], dtype=np.int64), owner, token_begin,
                   token_end)


def sentence_bounds(enc: Encoded) -> np.ndarray:
    """Paragraph ``p``'s sentences are ``bounds[p]:bounds[p+1]`` (an encoding's sentences are in paragraph order)."""
    return np.searchsorted(enc.sentence_owner, np.arange(enc.offsets.size), side="left")


def take_hashes(enc: Encoded, rows: np.ndarray) -> TokenHashes:
    """The token hashes of paragraphs ``rows`` (as :func:`take_paragraphs` gathers them), without the rest."""
    offsets, source = _gathered_tokens(enc, np.asarray(rows, dtype=np.int64))
    return TokenHashes(np.asarray(enc.hashes[source], dtype=np.uint64), offsets)


def _gathered_tokens(enc: Encoded, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of paragraphs ``rows`` gathered back to back, and where each of their tokens sits in ``enc``."""
    lengths = (enc.offsets[rows + 1] - enc.offsets[rows]).astype(np.int64)
    offsets = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets, csr_gather(np.asarray(enc.offsets[rows], dtype=np.int64), lengths)


def concat_encoded(parts: Sequence[Encoded]) -> Encoded:
    """Several encodings back to back, as one (paragraphs of ``parts[0]`` first)."""
    hashes, offsets, starts, lengths, owners = [], [np.zeros(1, np.int64)], [], [], []
    tokens = paragraphs = 0
    for part in parts:
        hashes.append(np.asarray(part.hashes, dtype=np.uint64))
        offsets.append(np.asarray(part.offsets[1:], dtype=np.int64) + tokens)
        starts.append(np.asarray(part.sentence_starts, dtype=np.int64) + tokens)
        lengths.append(np.asarray(part.sentence_lengths, dtype=np.int64))
        owners.append(np.asarray(part.sentence_owner, dtype=np.int64) + paragraphs)
        tokens += int(part.offsets[-1])
        paragraphs += part.offsets.size - 1

    def cat(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
        return np.concatenate([np.asarray(a, dtype=dtype) for a in arrays]) if arrays else np.empty(0, dtype)

    return Encoded(cat(hashes, np.uint64), np.concatenate(offsets), cat(starts, np.int64), cat(lengths, np.int64),
                   cat(owners, np.int64), cat([p.token_begin for p in parts], np.int32),
                   cat([p.token_end for p in parts], np.int32))


