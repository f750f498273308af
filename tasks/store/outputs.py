"""Outputs: write clean text, the corpus, and a run's report folder, crash-safely.

Everything is first written into a staging folder beside its destination and
moved into place only when complete, so a run that dies half-way leaves the
previous ``clean/`` and ``reports/latest`` exactly as they were. JSON is
written with sorted records and fixed key order, so the same input gives
byte-identical files.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from wirewash.tasks.records import Document


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(record, ensure_ascii=False)`` without making an encoder per call (a run writes millions of lines)."""


def jsonl_line(record: dict[str, Any]) -> str:
    """One line of a JSONL output: the record as JSON (not ASCII-escaped) and a newline."""
    return _ENCODE(record) + "\n"


def dump_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object per line (UTF-8, :func:`jsonl_line`); return the count."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(jsonl_line(record))
            count += 1
    return count


class JsonlRecords(Sequence[dict[str, Any]]):
    """The records of a JSONL file this run wrote (:func:`dump_jsonl`), read back as their dicts when asked.

    After the run's pairs are written, the summary and the report read them
    from the file instead of the flow holding every record (with its
    passages, half a gigabyte at 500,000 pairs) until the end. The dicts are
    the ones written: JSON gives back the same keys in the same order, the
    same numbers and texts.
    """

    def __init__(self, path: Path, count: int) -> None:
        self.path, self._count = path, count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, where: Any) -> Any:
        if isinstance(where, slice):
            return list(islice(self, *where.indices(self._count)))
        if not -self._count <= where < self._count:
            raise IndexError(where)
        return next(islice(self, where % self._count, None))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


def dump_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _staging(dest: Path) -> Path:
    staging = dest.with_name(f".{dest.name}.staging")
    if staging.exists():
        shutil.rmtree(staging)  # left by a crashed run: never trusted
    staging.mkdir(parents=True)
    return staging


def swap_into_place(staging: Path, dest: Path) -> None:
    """Replace ``dest`` by ``staging``; ``dest`` is moved aside first and removed only after."""
    old = dest.with_name(f".{dest.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if dest.exists():
        os.replace(dest, old)
    os.replace(staging, dest)
    if old.exists():
        shutil.rmtree(old)


CLEAN_MARKER = ".wirewash-clean"
"""Written into every clean/ wirewash publishes, so a later run knows the folder is its own to replace."""

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); ``False`` where unsupported.

    A reader of either path sees the old entry or the new one, never neither: this is what lets clean/ be a
    plain folder and still be replaced atomically.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # a file system without the exchange (some network ones): the two-rename fallback
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def clean_staging_path(clean: Path) -> Path:
    """Where the next clean/ is built: a hidden folder beside it, on the same file system, so it can be swapped in."""
    return clean.with_name(f".{clean.name}.wirewash-staging")


def _clean_aside_path(clean: Path) -> Path:
    return clean.with_name(f".{clean.name}.wirewash-old")


def tidy_clean(clean: Path) -> None:
    """Finish or undo what a killed run left beside clean/: run first at every start, under the state lock.

    A run killed between the two renames of the fallback swap leaves no clean/ and the previous version
    aside: it is put back. A version aside with clean/ in place, or a half-built staging folder, is removed.
    """
    aside = _clean_aside_path(clean)
    if aside.exists() or aside.is_symlink():
        if not (clean.exists() or clean.is_symlink()):
            os.replace(aside, clean)
        elif aside.is_symlink():
            aside.unlink()
        else:
            shutil.rmtree(aside)
    staging = clean_staging_path(clean)
    if staging.exists():
        shutil.rmtree(staging)


def publish_clean(staging: Path, clean: Path) -> None:
    """Make the finished ``staging`` folder the new ``clean/``, atomically where the file system allows.

    clean/ is a plain folder that ``cp -r``, ``rsync`` and ``tar`` copy as they are. On Linux the two
    folders are exchanged in one step, so clean/ always holds one complete version; elsewhere the old one
    is renamed aside first, and a run killed between the two renames has its previous version put back by
    :func:`tidy_clean` at the next start. The old version is deleted only once the new one is in place.
    An older wirewash's clean/ (a link into ``<state>/clean-versions``) is replaced by the folder the same
    way; the versions it pointed at are left for the user to delete.
    """
    clean.parent.mkdir(parents=True, exist_ok=True)
    if (clean.exists() or clean.is_symlink()) and _exchange(staging, clean):
        old = staging  # after the exchange the staging name holds the previous clean/
    else:
        old = _clean_aside_path(clean)
        if clean.exists() or clean.is_symlink():
            os.replace(clean, old)
        os.replace(staging, clean)
    if old.is_symlink():
        old.unlink()
    elif old.exists():
        shutil.rmtree(old)


class CleanStaging:
    """``clean/``'s staging folder, filled one document at a time: a ``corpus.jsonl`` line each (:meth:`add_entry`),
    and each ``<id>.txt`` written into it by :func:`write_clean_text` (a run's line writer does that in a
    process of its own, from the whole documents, while the flow adds the entries from their heads).

    The folder is built beside ``clean`` (:func:`clean_staging_path`); :func:`publish_clean` later swaps
    it in. Documents are added in id order (``corpus.jsonl``'s order); a run streams them from disk, so
    the whole corpus never needs to be in memory. ``annotations`` map a paragraph id to reuse fields
    added to its corpus entry (cluster id, canonical or not), never to its text.
    """

    def __init__(self, clean: Path) -> None:
        self.path = clean_staging_path(clean)
        if self.path.exists():
            shutil.rmtree(self.path)  # left by a crashed run: never trusted
        self.path.mkdir(parents=True)
        (self.path / CLEAN_MARKER).touch()
        self._corpus = (self.path / "corpus.jsonl").open("w", encoding="utf-8")

    def add_entry(self, doc: Document, annotations: Mapping[str, dict[str, Any]]) -> None:
        """Write ``doc``'s ``corpus.jsonl`` line (its text is written by :func:`write_clean_text`)."""
        record = doc.to_json()
        for paragraph in record["paragraphs"]:
            paragraph.update(annotations.get(paragraph["id"], {}))
        self._corpus.write(jsonl_line(record))

    def close(self) -> Path:
        """Finish ``corpus.jsonl``; return the staging folder. Files added to it before the swap (the Parquet
        hand-off, :mod:`wirewash.tasks.report.parquet`) are under the same all-or-nothing guarantee."""
        self._corpus.close()
        return self.path


def staging_root(folder: Path) -> str:
    """``clean/``'s staging folder as :func:`write_clean_text` takes it: resolved once, with a trailing separator."""
    return str(folder.resolve()) + os.sep


def write_clean_text(root: str, doc: Document) -> None:
    """Write ``doc``'s clean text as ``<id>.txt`` under ``root`` (:func:`staging_root`), refusing an id that
    leads outside it."""
    # a lexical check: the staging folder is new and holds only what CleanStaging and this function make
    # (folders and files, no links), so the normalised path is where the file lands; resolving it asked the
    # file system about every component, for every document
    target = Path(os.path.normpath(os.path.join(root, f"{doc.id}.txt")))
    if not str(target).startswith(root):
        raise UnsafeOutputPathError(f"document id {doc.id!r} would write outside clean/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(doc.text + "\n" if doc.text else "", encoding="utf-8")


class UnsafeOutputPathError(ValueError):
    """An output name would resolve outside its output folder (``..`` in an id)."""


REPORTS_MARKER = ".wirewash-reports"
"""Written into a reports folder wirewash creates, so a later run knows the folder is its own."""


def is_wirewash_clean(path: Path) -> bool:
    """Whether ``path`` may be replaced as clean/: empty, a clean/ wirewash published (its marker), or an
    older wirewash's link into its state folder's ``clean-versions``."""
    if path.is_symlink():
        return path.resolve().parent.name == "clean-versions" or not path.exists()
    if not path.is_dir():
        return False
    return (path / CLEAN_MARKER).is_file() or not any(path.iterdir())


def is_wirewash_reports(path: Path) -> bool:
    """Whether ``path`` is a reports folder wirewash wrote (its marker, or an older run's ``latest`` link), or empty."""
    if not path.is_dir():
        return False
    return (path / REPORTS_MARKER).exists() or (path / "latest").is_symlink() or not any(path.iterdir())


def begin_report(reports_dir: Path, run_id: str) -> Path:
    """A fresh staging folder for a run's report (the reports folder is marked as wirewash's)."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / REPORTS_MARKER).touch()
    return _staging(reports_dir / run_id)


def commit_report(reports_dir: Path, run_id: str, staging: Path) -> Path:
    """Move a finished report folder into place and point ``reports/latest`` at it atomically."""
    final = reports_dir / run_id
    swap_into_place(staging, final)
    link = reports_dir / "latest"
    tmp_link = reports_dir / ".latest.tmp"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(run_id, target_is_directory=True)
    os.replace(tmp_link, link)
    return final


def _distinct_id(source: str, doc_id: str) -> str:
    """A document's id with its raw file's whole name kept (``dup.html`` for ``dup.html``, ``x.jsonl/L1`` for a
    record of ``x.jsonl``): what tells apart two inputs that the extension-less name gives one id."""
    archive, _, record = source.partition("#")
    if not record:
        return archive
    prefix = archive.rsplit("/", 1)[0] + "/" if "/" in archive else ""
    stem = archive[len(prefix):].split(".", 1)[0]
    rest = doc_id.removeprefix(prefix + stem)
    return archive + rest


def renamed_ids(collisions: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
    """For the documents :func:`assign_unique_ids` renamed: ``(source, new id)`` → the id cleaning gave them
    (what the result cache files them under)."""
    return {(source, _distinct_id(source, c["id"])): c["id"] for c in collisions for source in c["sources"]}


def with_id(doc: Document, new_id: str) -> Document:
    """``doc`` under ``new_id``, its paragraph ids following."""
    paragraphs = [replace(p, id=new_id + p.id[len(doc.id):]) for p in doc.paragraphs]
    return replace(doc, id=new_id, paragraphs=paragraphs)


def assign_unique_ids(documents: list[Document]) -> tuple[list[Document], list[dict[str, Any]]]:
    """Give every document its own id (and so its own ``clean/<id>.txt`` and paragraph ids), deterministically.

    Ids drop extensions, so ``dup.txt`` and ``dup.html``, or a JSONL export's
    record ``export2/L1`` and a file ``export2/L1.txt``, would share one name
    and one would overwrite the other. Documents that share an id all take
    their raw file's whole name instead (:func:`_distinct_id`), whatever else
    is in the batch; documents with no collision keep their usual id. Two ids
    that still match after that (or a ``..`` escape) raise
    :class:`UnsafeOutputPathError`. Returns the documents and one record per
    collision for the run summary (``{id, sources}``).
    """
    groups: dict[str, list[Document]] = {}
    for doc in documents:
        groups.setdefault(doc.id, []).append(doc)
    taken = {doc_id for doc_id, group in groups.items() if len(group) == 1}
    out: list[Document] = []
    collisions: list[dict[str, Any]] = []
    for doc_id in sorted(groups):
        group = groups[doc_id]
        if len(group) == 1:
            out.append(group[0])
            continue
        collisions.append({"id": doc_id, "sources": sorted(doc.source for doc in group)})
        for doc in group:
            new_id = _distinct_id(doc.source, doc.id)
            if new_id in taken:
                raise UnsafeOutputPathError(f"{doc.source!r} and another input both name the output {new_id!r}")
            taken.add(new_id)
            out.append(with_id(doc, new_id))
    return sorted(out, key=lambda d: d.id), collisions
