"""The one validated parameter model of a run.

``RunParams`` feeds the CLI (``wirewash run --help`` lists its fields), the
flow's signature, ``prefect.yaml`` and the tests. A bad value fails loudly with
a message that says how to fix it; the resolved values are written into each
run's ``summary.json``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ParameterError(ValueError):
    """A run parameter is wrong; the message says which and how to fix it.

    ``problems`` holds ``(field, message)`` pairs, so the command line can name its flag (``--batch-size``)
    where the flow and ``prefect.yaml`` name the field (``batch_size``)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))
        self.problems = problems

    def for_command_line(self) -> str:
        """The problems with each field named by its ``--flag``."""
        return "; ".join(message if message.startswith("--") else f"--{field.replace('_', '-')}: {message}"
                         for field, message in self.problems)


def _where(path: Path) -> Path:
    """Where a folder lives, without following a link at its last step: clean/ may be wirewash's own link
    into the state folder's versions, and that is where clean/ is, not inside the state folder."""
    absolute = Path(os.path.abspath(path))
    return absolute.parent.resolve() / absolute.name if absolute.name else absolute


class RunParams(BaseModel):
    """Everything a run needs to know, with a description on every field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    raw: Path = Field(Path("raw"), description="Folder of raw scrapes to read (text, HTML, .gz); read-only.")
    clean: Path = Field(Path("clean"), description="Folder the clean text and clean/corpus.jsonl are written to.")
    reports: Path = Field(Path("reports"), description="Folder holding one sub-folder per run and a 'latest' link.")
    state: Path = Field(Path(".wirewash"), description="Folder for run state (Prefect home, locks); never inside raw.")
    batch_size: int = Field(
        64, ge=1, le=100_000,
        description="Smallest number of raw files per read or clean task (on a process pool batches grow to about "
                    "eight per worker, up to 256 files), unless a batch's raw bytes reach 16 MB first; never one "
                    "task per paragraph.",
    )
    max_file_bytes: int = Field(
        50_000_000, ge=1, description="Raw files larger than this (after decompression) are quarantined, not read."
    )
    template_min_docs: int = Field(
        3, ge=2, description="A line one outlet repeats in at least this many of its different stories is template."
    )
    shingle_words: int = Field(3, ge=1, le=8, description="Words per shingle for paragraph reuse detection.")
    num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations per paragraph signature.")
    lsh_threshold: float = Field(
        0.4, gt=0.0, lt=1.0,
        description="Estimated Jaccard at which MinHash LSH proposes a candidate pair (every candidate is then verified).",
    )
    near_duplicate_jaccard: float = Field(
        0.5, gt=0.0, le=1.0, description="Verified shingle Jaccard at or above which two paragraphs are near-duplicates."
    )
    contained_min: float = Field(
        0.8, gt=0.0, le=1.0,
        description="Verified containment at or above which the shorter paragraph is 'contained' in the longer one.",
    )
    weak_contained_min: float = Field(
        0.7, gt=0.0, le=1.0,
        description="Containment at or above which a pair is 'contained' when the shared text is also one long run.",
    )
    shared_min_words: int = Field(
        9, ge=1, le=12, description="Words a shared run (a sentence or clause) needs before two paragraphs 'share text'."
    )
    min_paragraph_words: int = Field(
        5, ge=1, description="Paragraphs with fewer words take part in reuse detection only by exact match."
    )
    dask: str | None = Field(
        None,
        description="Address of a Dask scheduler (tcp://host:8786) to run reading and cleaning on its workers "
                    "(needs 'wirewash[dask]'; paths must be on storage every worker sees); default: a local process pool.",
        json_schema_extra={"metavar": "ADDRESS"},
    )
    reuse_index: Literal["embedded", "redis", "archive", "off"] = Field(
        "embedded",
        description="Where paragraphs are indexed for reuse across runs: files under --state (embedded), a Redis "
                    "server several workers share (redis), an append-only archive under --state that each run's raw "
                    "folder (only the new batch) is queried against (archive: reuse of the batch's paragraphs is "
                    "reported, cost grows with the batch, not the archive), or nowhere (off: every run re-tokenises "
                    "and re-signs all).",
    )
    redis_host: str = Field("127.0.0.1", description="Host of the Redis server holding the reuse index (--reuse-index redis).")
    redis_port: int = Field(6379, ge=1, le=65_535, description="Port of the Redis server holding the reuse index.")
    redis_prefix: str = Field(
        "wirewash", min_length=1, description="Namespace of the reuse index's keys in Redis; one corpus per namespace."
    )
    drop_duplicates: bool = Field(
        False, description="Remove non-canonical near-duplicates from clean/ (recorded in provenance)."
    )
    full: bool = Field(
        False, description="Rebuild everything: ignore the manifest and the cache of earlier cleaning results."
    )
    lock_wait: float = Field(
        0.0, ge=0.0, le=86_400.0,
        description="Seconds to wait for another run on the same state folder to finish before refusing.",
    )

    @field_validator("dask")
    @classmethod
    def _dask_address(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is None:
            return None
        host = value.split("://", 1)[-1]
        if not host or host.startswith(":") or not host.rsplit(":", 1)[-1].isdigit():
            raise ValueError(f"dask address {value!r} is not host:port; pass a scheduler address like tcp://10.0.0.5:8786")
        return value

    @field_validator("raw")
    @classmethod
    def _raw_exists(cls, value: Path) -> Path:
        if value.is_file():
            raise ValueError(f"--raw {str(value)!r} is a file, not a folder; pass the folder that holds your scrapes "
                             f"(--raw {str(value.parent)!r} reads every file in it)")
        if not value.is_dir():
            raise ValueError(f"raw folder {str(value)!r} does not exist; pass --raw DIR with your scrapes")
        return value

    @model_validator(mode="after")
    def _folders_apart(self) -> "RunParams":
        """No two of raw, clean, reports and state may be one folder or lie inside one another, in any order:
        a run replaces clean/ and reports/ whole and keeps its state beside them, so nesting would make one
        folder's swap move or delete another's files."""
        names = ("raw", "clean", "reports", "state")
        resolved = {name: _where(getattr(self, name)) for name in names}
        for i, first in enumerate(names):
            for second in names[i + 1:]:
                a, b = resolved[first], resolved[second]
                if a == b:
                    raise ValueError(f"--{first} and --{second} are the same folder ({str(getattr(self, first))!r}); "
                                     f"give each its own folder")
                if a in b.parents or b in a.parents:
                    outer, inner = (first, second) if a in b.parents else (second, first)
                    raise ValueError(f"--{inner} {str(getattr(self, inner))!r} lies inside --{outer} "
                                     f"{str(getattr(self, outer))!r}; choose folders that do not contain one another")
        return self

    @model_validator(mode="after")
    def _outputs_are_wirewash_s(self) -> "RunParams":
        """An existing --clean or --reports must be one wirewash made: it is replaced whole on every run, so a
        user's own folder given by mistake would be moved away. Never-existing folders are fine."""
        from wirewash.tasks.store.outputs import is_wirewash_clean, is_wirewash_reports

        if (self.clean.exists() or self.clean.is_symlink()) and not is_wirewash_clean(self.clean):
            raise ValueError(f"--clean {str(self.clean)!r} exists and was not written by wirewash; wirewash replaces "
                             f"that folder on every run, so pass a new or empty folder (or one an earlier run wrote)")
        if self.reports.exists() and not is_wirewash_reports(self.reports):
            raise ValueError(f"--reports {str(self.reports)!r} exists and was not written by wirewash; pass a new or "
                             f"empty folder (or one an earlier run wrote)")
        return self

    @classmethod
    def build(cls, **values: Any) -> "RunParams":
        """Validate ``values`` into a model, raising :class:`ParameterError` with readable messages."""
        try:
            return cls(**{k: v for k, v in values.items() if v is not None})
        except ValidationError as err:
            problems = []
            for e in err.errors():
                where = ".".join(str(p) for p in e["loc"]) or "parameters"
                problems.append((where, e["msg"].removeprefix("Value error, ")))
            raise ParameterError(problems) from None

    def cleaning_parameters(self) -> dict[str, Any]:
        """The parameters that change what a raw file cleans to (part of the incremental cache key)."""
        return {"template_min_docs": self.template_min_docs, "max_file_bytes": self.max_file_bytes}

    def resolved(self) -> dict[str, Any]:
        """The parameters as JSON-ready values, for the run summary."""
        return self.model_dump(mode="json")

    def detector_options(self) -> "DetectorOptions":
        """The run's parameters as the reuse detector's settings."""
        return DetectorOptions(
            shingle_size=self.shingle_words,
            num_perm=self.num_perm,
            lsh_threshold=self.lsh_threshold,
            near_duplicate_jaccard=self.near_duplicate_jaccard,
            contained_min=self.contained_min,
            weak_contained_min=self.weak_contained_min,
            shared_min_words=self.shared_min_words,
            min_shingles=_min_shingles(self.min_paragraph_words, self.shingle_words),
        )


def _min_shingles(min_paragraph_words: int, shingle_words: int) -> int:
    """The shingles of a paragraph of ``min_paragraph_words`` words: N words make N - k + 1 shingles of k words."""
    return max(1, min_paragraph_words - shingle_words + 1)


def _run_default(name: str) -> Any:
    """A :class:`RunParams` field's default: the detector's defaults are a default run's, written once."""
    return field(default=RunParams.model_fields[name].default)


@dataclass(frozen=True)
class DetectorOptions:
    """Everything the reuse detector reads (:mod:`wirewash.tasks.reuse.overlap`), as one record.

    The settings a run may change are :class:`RunParams` fields and default
    to them (:meth:`RunParams.detector_options` maps a run onto this
    record); the rest are fixed here. None is tuned to a corpus.

    * ``shingle_size``: words per shingle for Jaccard and containment.
    * ``num_perm``, ``seed``: MinHash permutations (datasketch's ``affine32``
      scheme). The seed is fixed: signatures kept by the persistent index and
      the archive must stay comparable from run to run.
    * ``lsh_threshold``: the Jaccard the LSH banding targets; a bit below
      ``near_duplicate_jaccard``, so spun copies still become candidates.
    * ``lsh_backend``: "datasketch" bands through a ``datasketch.MinHashLSH``;
      "numpy" does the identical banding (same bands, same pairs) vectorised,
      far faster and lighter.
    * ``max_anchor_fanout``: an exact anchor (word run, sentence, short
      paragraph) held by more texts than this is boilerplate and proposes
      nothing.
    * ``near_duplicate_jaccard``: Jaccard at or above which a pair is a
      near-duplicate.
    * ``contained_min``: containment at or above which a pair is
      ``contained`` (when not a near-duplicate).
    * ``weak_contained_min``: containment that still makes a pair
      ``contained`` when edits left no shared run long enough for
      ``shared-text`` (lower, and a name phrase like "US Secretary of State
      Jane Doe" makes a short headline "contained" in any paragraph).
    * ``shared_min_words``: a run of this many equal normalised words makes a
      pair ``shared-text`` (a long clause; 8-word runs are often stock
      phrases like "minister of state to make the trip in").
    * ``shared_sentence_min_words``: a whole sentence of at least this many
      words in both paragraphs also makes ``shared-text``.
    * ``min_shingles``: a paragraph with fewer shingles is "very short" and
      only matches a paragraph that is the same word for word (or one whose
      first or last sentences it is).

    Raises ``ValueError`` for n-gram lengths outside 1..12 words or an LSH
    threshold outside (0, 1).
    """

    shingle_size: int = _run_default("shingle_words")
    num_perm: int = _run_default("num_perm")
    seed: int = 1
    lsh_threshold: float = _run_default("lsh_threshold")
    lsh_backend: Literal["numpy", "datasketch"] = "numpy"
    max_anchor_fanout: int = 64
    near_duplicate_jaccard: float = _run_default("near_duplicate_jaccard")
    contained_min: float = _run_default("contained_min")
    weak_contained_min: float = _run_default("weak_contained_min")
    shared_min_words: int = _run_default("shared_min_words")
    shared_sentence_min_words: int = 3
    min_shingles: int = _min_shingles(RunParams.model_fields["min_paragraph_words"].default,
                                      RunParams.model_fields["shingle_words"].default)

    def __post_init__(self) -> None:
        if not 1 <= self.shingle_size <= 12 or not 1 <= self.shared_min_words <= 12:
            raise ValueError("shingle_size and shared_min_words must be between 1 and 12 words")
        if not 0.0 < self.lsh_threshold < 1.0:
            raise ValueError("lsh_threshold must be strictly between 0 and 1")
