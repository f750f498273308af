"""Index segments and the clean workers' share of reuse work: entries made anywhere are the entries the stage makes.

Covered: a segment holds exactly the encodings and signatures the reuse
stage would compute (duplicates, empty and short texts included); written
and read back it is the same; an unreadable segment is left out, not fatal;
entries gathered from any split over sources equal one encoding of all
(property test); and on the syndicated corpus the pairs found with worker
segments, for every index mode, are the pairs found without them. A worker
signs with datasketch's permutations without importing datasketch.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from wirewash.tasks.params import DetectorOptions, RunParams
from wirewash.tasks.reuse.detect import find_reuse
from wirewash.tasks.reuse.index import commit_index
from wirewash.tasks.reuse.minhash import affine32_permutations, sign_minhash
from wirewash.tasks.reuse.segment import (ENCODING_ARRAYS, SegmentShelf, content_keys, encode_texts,
                                          make_segment, read_segment, write_segment)
from wirewash.tasks.reuse.shingle import Encoded, collapse_identical, encode_paragraphs, shingle_paragraphs

SYNDICATED = SHARED / "evaldata" / "syndicated"
needs_syndicated = pytest.mark.skipif(not (SYNDICATED / "raw").is_dir(), reason=f"{SYNDICATED} is absent (shared eval data)")

TEXTS = [
    "The council approved the budget on Tuesday after a long debate about road repairs and school funding.",
    "“We did what we had to do,” the mayor said, adding that the vote was close but fair to every district.",
    "The council approved the budget on Tuesday after a long debate about road repairs and school funding.",
    "THE COUNCIL approved the budget, on Tuesday, after a long debate about road repairs and school funding!",
    "Read more.",
    "",
    "Die Stadtverwaltung hat am Dienstag den Haushalt beschlossen, nach einer langen Debatte über Straßen.",
]


def assert_same_encoding(a: Encoded, b: Encoded) -> None:
    for name in ENCODING_ARRAYS:
        assert np.array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name))), name


def stage_signatures(texts: list[str], options: DetectorOptions) -> dict[int, np.ndarray]:
    """Signatures as the reuse stage makes them (fold identical texts, shingle, sign the long enough), by text key."""
    enc = encode_paragraphs(texts)
    distinct = collapse_identical(enc, np.arange(len(texts)))
    shingles, bounds = shingle_paragraphs(distinct.tokens.hashes, distinct.tokens.offsets, options.shingle_size)
    signed = np.flatnonzero(np.diff(bounds) >= options.min_shingles)
    sigs = sign_minhash(shingles, bounds, signed, num_perm=options.num_perm, seed=options.seed)
    assert distinct.keys is not None
    return {int(distinct.keys[t]): sigs[row] for row, t in enumerate(signed.tolist())}


def test_a_segment_holds_what_the_reuse_stage_makes() -> None:
    options = DetectorOptions()
    segment = make_segment(TEXTS, options)
    keys = content_keys(TEXTS)
    assert np.array_equal(segment.content_keys, np.unique(keys))  # one entry per distinct exact text, sorted
    for text, key in zip(TEXTS, keys.tolist()):
        found, stored = SegmentShelf((segment,)).get_contents(np.array([key], np.uint64))
        assert found.all()
        assert_same_encoding(stored, encode_paragraphs([text]))
    expected = stage_signatures(TEXTS, options)
    # the house-styled copy folds into the original text; "Read more." and "" are too short to sign
    assert len(expected) == 3 and set(segment.text_keys.tolist()) == set(expected)
    for key, row in zip(segment.text_keys.tolist(), segment.signatures):
        assert np.array_equal(row, expected[key])


def test_a_written_segment_reads_back_the_same_and_an_unreadable_one_is_left_out(tmp_path: Path) -> None:
    segment = make_segment(TEXTS, DetectorOptions())
    write_segment(tmp_path / "batch-00000", segment, durable=False)
    write_segment(tmp_path / "batch-00001", make_segment(TEXTS[:2], DetectorOptions()), durable=False)
    back = read_segment(tmp_path / "batch-00000")
    assert np.array_equal(back.content_keys, segment.content_keys) and np.array_equal(back.signatures, segment.signatures)
    assert_same_encoding(back.encoded, segment.encoded)
    (tmp_path / "batch-00001" / "signatures.npy").write_bytes(b"not an array")
    (tmp_path / ".batch-00002.staging").mkdir()  # a write that never finished
    shelf = SegmentShelf.read(tmp_path)
    assert [p.name for p in shelf.folders] == ["batch-00000", "batch-00001"] and not shelf.empty
    assert len(list(shelf.open())) == 1  # the unreadable one is left out when opened
    found, stored = shelf.get_contents(segment.content_keys)
    assert found.all()
    assert_same_encoding(stored, segment.encoded)
    assert SegmentShelf.read(tmp_path / "absent").empty


WORDS = ["wire", "copy", "council", "vote", "budget", "said", "on", "Tuesday", "the", "a", "“quote”", "mayor's", "2,5"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join), min_size=1, max_size=12),
       st.data())
def test_entries_gathered_from_any_split_equal_one_encoding_of_all(texts: list[str], data: Any) -> None:
    holders = data.draw(st.lists(st.integers(0, 3), min_size=len(texts), max_size=len(texts)))
    segments = []
    for source in range(3):  # holder 3: no worker made it, the stage encodes it itself
        mine = [t for t, h in zip(texts, holders) if h == source]
        if mine:
            segments.append(make_segment(mine, DetectorOptions()))
    assert_same_encoding(encode_texts(texts, (SegmentShelf(tuple(segments)),)), encode_paragraphs(texts))
    assert_same_encoding(encode_texts(texts, ()), encode_paragraphs(texts))


def _pairs(result: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return [o.to_json() for o in result.overlaps], [c.to_json() for c in result.clusters]


@needs_syndicated
@pytest.mark.parametrize("index", ["off", "embedded", "archive"])
def test_worker_segments_change_the_work_not_the_pairs(tmp_path: Path, index: str) -> None:
    from tests.reuse.test_reuse_index import syndicated_refs

    refs = syndicated_refs()
    files = sorted({r.file for r in refs})
    # three workers' batches over two thirds of the files; the last third is left for the stage to encode
    folder = tmp_path / "reuse-spill"
    options = RunParams.build(raw=tmp_path).detector_options()
    for n in range(3):
        batch = set(files[n::3])
        if n < 2:
            write_segment(folder / f"batch-{n:05d}", make_segment([r.text for r in refs if r.file in batch], options),
                          durable=False)

    def run(name: str, segments: Path | None) -> Any:
        (tmp_path / name / "raw").mkdir(parents=True)
        params = RunParams.build(raw=tmp_path / name / "raw", state=tmp_path / name / "state", reuse_index=index)
        result = find_reuse(refs, params, None if index == "off" else "run-1", batch_segments=segments)
        commit_index(result.index_commit)
        return result

    plain, helped = run("plain", None), run("helped", folder)
    assert _pairs(helped) == _pairs(plain) and plain.overlaps
    if index == "embedded":  # the session counts where its entries came from
        assert helped.stats["contents_encoded"] == plain.stats["contents_encoded"]
        assert 0 < helped.stats["contents_from_workers"] < helped.stats["contents_encoded"]
        assert 0 < helped.stats["texts_from_workers"] < helped.stats["texts_signed"] == plain.stats["texts_signed"]
        assert plain.stats["contents_from_workers"] == plain.stats["texts_from_workers"] == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet="ab cd. ef! Gh", min_size=0, max_size=40), min_size=1, max_size=8), st.randoms(),
       st.integers(1, 4))
def test_a_segment_written_from_rows_of_an_encoding_is_the_gathered_encoding_as_np_save_writes_it(
        tmp_path_factory: pytest.TempPathFactory, texts: list[str], rnd: Any, chunk: int) -> None:
    from wirewash.tasks.reuse.segment import ENCODING_ARRAYS, IndexSegment, save_gathered, save_rows, write_segment
    from wirewash.tasks.reuse.shingle import encode_paragraphs, take_paragraphs

    folder = tmp_path_factory.mktemp("segments")
    encoded = encode_paragraphs(texts)
    rows = np.array([rnd.randrange(len(texts)) for _ in range(rnd.randrange(len(texts) + 2))], dtype=np.int64)
    keys = np.array(rnd.sample(range(1000), rows.size), dtype=np.uint64)  # distinct, in no order
    text_keys = np.array(rnd.sample(range(1000), len(texts)), dtype=np.uint64)
    signatures = np.array([[rnd.randrange(2**32) for _ in range(4)] for _ in texts], dtype=np.uint32)
    write_segment(folder / "rows", IndexSegment(keys, encoded, text_keys, signatures), rows=rows)
    save_gathered(folder, encoded, rows[np.argsort(keys, kind="stable")], chunk=chunk)  # in small chunks
    expected = take_paragraphs(encoded, rows[np.argsort(keys, kind="stable")])  # gathered in one go, key order
    for name in ENCODING_ARRAYS:
        with (folder / f"{name}.expected").open("wb") as handle:
            np.save(handle, getattr(expected, name))
        assert (folder / "rows" / f"{name}.npy").read_bytes() == (folder / f"{name}.expected").read_bytes(), name
        assert (folder / f"{name}.npy").read_bytes() == (folder / f"{name}.expected").read_bytes(), name
    by_key = np.argsort(text_keys, kind="stable")
    for name, expected_array in (("content_keys", np.sort(keys)), ("text_keys", text_keys[by_key]),
                                 ("signatures", signatures[by_key])):
        with (folder / f"{name}.expected").open("wb") as handle:
            np.save(handle, expected_array)
        assert (folder / "rows" / f"{name}.npy").read_bytes() == (folder / f"{name}.expected").read_bytes(), name
    with (folder / "chunked.npy").open("wb") as handle:
        save_rows(handle, signatures, by_key, chunk=chunk)  # rows written a few at a time: the same file
    assert (folder / "chunked.npy").read_bytes() == (folder / "signatures.expected").read_bytes()


@pytest.mark.parametrize("num_perm, seed", [(128, 1), (16, 7), (1024, 12_345)])
def test_the_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    from datasketch import MinHash

    theirs = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    ours = affine32_permutations(num_perm, seed)
    assert all(mine.dtype == np.uint32 and np.array_equal(mine, their) for mine, their in zip(ours, theirs))


def test_a_clean_worker_imports_neither_datasketch_nor_scipy() -> None:
    # what a clean worker unpickles: the clean task and the reuse stage's share of it; SciPy (which
    # datasketch imports) cost each worker ~55 MB
    code = ("import sys, wirewash.tasks.clean.cleaner, wirewash.tasks.clean.cache, wirewash.tasks.reuse.detect; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert shown.strip() == "[]"
