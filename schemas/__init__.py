"""JSON Schemas of every record a wirewash run writes, shipped with the package.

The files are generated from the typed records of ``wirewash.tasks.contract``
(``python -m wirewash.tasks.contract`` rewrites them); read one with :func:`load_schema`::

    from wirewash.schemas import load_schema
    jsonschema.validate(record, load_schema("document"))
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_NAMES = ("document", "provenance", "overlap", "cluster", "paragraph-row", "summary")


def load_schema(name: str) -> dict[str, Any]:
    """The schema ``<name>.schema.json`` (one of :data:`SCHEMA_NAMES`)."""
    if name not in SCHEMA_NAMES:
        raise ValueError(f"no schema {name!r}; the schemas are {', '.join(SCHEMA_NAMES)}")
    return json.loads(resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
