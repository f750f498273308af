"""Outputs: write clean text, the corpus, and a run's report folder, crash-safely.

Everything is first written into a staging folder beside its destination and
moved into place only when complete, so a run that dies half-way leaves the
previous ``clean/`` and ``reports/latest`` exactly as they were. JSON is
written with sorted records and fixed key order, so the same input gives
byte-identical files.
"""
from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from tasks.records import Document


def dump_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    """Write one JSON object per line (UTF-8, not ASCII-escaped); return the count."""
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


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


def publish_version(staging: Path, link: Path, keep: int = 2) -> Path:
    """Make ``link`` (e.g. ``clean/``) point at the finished ``staging`` folder, atomically.

    ``staging`` lives in a versions folder; it is renamed to its final name
    there, and ``link`` — a symbolic link — is swapped to it with one
    ``rename``: a reader sees the old version or the new one, never a mix,
    and a crash at any moment leaves one of them in place. The newest
    ``keep`` versions stay; older ones are removed.
    """
    versions = staging.parent
    final = versions / staging.name.removeprefix(".").removesuffix(".staging")
    if final.exists():
        shutil.rmtree(final)
    os.replace(staging, final)
    link.parent.mkdir(parents=True, exist_ok=True)
    tmp_link = link.with_name(f".{link.name}.link-tmp")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    # relative, so the project folder can move; absolute only when they share no parent (different drives)
    try:
        target = Path(os.path.relpath(final.resolve(), link.parent.resolve()))
    except ValueError:
        target = final.resolve()
    tmp_link.symlink_to(target, target_is_directory=True)
    if link.exists() and not link.is_symlink():
        # a real folder from an older layout: keep it as a version, then link
        os.replace(link, versions / "previous-folder")
    os.replace(tmp_link, link)
    current = final.resolve()
    old = sorted((p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name)
    for stale in old[:-keep]:
        if stale.resolve() != current:
            shutil.rmtree(stale, ignore_errors=True)
    return final


def stage_clean(
    versions: Path,
    version: str,
    documents: list[Document],
    annotations: dict[str, dict[str, Any]],
    extra: Callable[[Path], object] | None = None,
) -> Path:
    """Write ``<name>.txt`` for each document and ``corpus.jsonl`` into a staging folder; return it.

    The folder is ``versions/.<version>.staging``; :func:`publish_version`
    later makes ``clean/`` point at it, so ``clean/`` is always a link to
    the newest complete version. ``annotations`` maps a paragraph id to reuse fields added to its
    corpus entry (cluster id, canonical or not), never to its text.
    ``extra``, when given, is called with the staging folder before the
    swap, to add more files to ``clean/`` under the same all-or-nothing
    guarantee (the Parquet hand-off, :mod:`tasks.parquet`).
    """
    versions.mkdir(parents=True, exist_ok=True)
    staging = _staging(versions / version)
    root = staging.resolve()
    ordered = sorted(documents, key=lambda d: d.id)
    for doc in ordered:
        target = staging / f"{doc.id}.txt"
        if root not in target.resolve().parents:
            raise UnsafeOutputPathError(f"document id {doc.id!r} would write outside clean/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(doc.text + "\n" if doc.text else "", encoding="utf-8")

    def corpus() -> Iterable[dict[str, Any]]:
        for doc in ordered:
            record = doc.to_json()
            for paragraph in record["paragraphs"]:
                paragraph.update(annotations.get(paragraph["id"], {}))
            yield record

    dump_jsonl(staging / "corpus.jsonl", corpus())
    if extra is not None:
        extra(staging)
    return staging


class UnsafeOutputPathError(ValueError):
    """An output name would resolve outside its output folder (``..`` in an id)."""


REPORTS_MARKER = ".wirewash-reports"
"""Written into a reports folder wirewash creates, so a later run knows the folder is its own."""


def is_wirewash_clean(path: Path) -> bool:
    """Whether ``path`` may be replaced as clean/: empty, or the link wirewash keeps to a version folder."""
    if path.is_symlink():
        return path.resolve().parent.name == "clean-versions" or not path.exists()
    return path.is_dir() and not any(path.iterdir())


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


def _distinct_id(doc: Document) -> str:
    """A document's id with its raw file's whole name kept (``dup.html`` for ``dup.html``, ``x.jsonl/L1`` for a
    record of ``x.jsonl``): what tells apart two inputs that the extension-less name gives one id."""
    archive, _, record = doc.source.partition("#")
    if not record:
        return archive
    prefix = archive.rsplit("/", 1)[0] + "/" if "/" in archive else ""
    stem = archive[len(prefix):].split(".", 1)[0]
    rest = doc.id.removeprefix(prefix + stem)
    return archive + rest


def _with_id(doc: Document, new_id: str) -> Document:
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
            new_id = _distinct_id(doc)
            if new_id in taken:
                raise UnsafeOutputPathError(f"{doc.source!r} and another input both name the output {new_id!r}")
            taken.add(new_id)
            out.append(_with_id(doc, new_id))
    return sorted(out, key=lambda d: d.id), collisions
