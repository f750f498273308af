"""Code fingerprints: a digest of the source a stage runs and of the libraries it imports, computed, not listed.

A cached result is only as good as the code that made it. A hand-kept list of
module names goes stale the day someone adds a module (and a name missing from
it is skipped silently), so the fingerprint here *follows the imports*: from a
stage's entry modules it reads each module's ``import`` statements (with
:mod:`ast`, nothing is executed), walks every module of the package they reach,
and hashes their bytes. Imports inside functions count too: the cleaner
imports the HTML extractor lazily, and that extractor shapes results as much as
anything imported at the top.

Third-party libraries are taken the same way: the distributions that provide
the top-level names the walked modules import, plus everything those
distributions require (trafilatura's results depend on lxml, htmldate and
jusText as much as on trafilatura itself). Orchestration libraries that never
shape a result (Prefect: it only wraps the pure functions in tasks) are left
out, so upgrading the orchestrator does not discard every cached result.
"""
from __future__ import annotations

import ast
import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

ORCHESTRATION = frozenset({"prefect"})
"""Distributions that run stages but never change what a stage computes."""



@dataclass(frozen=True)
class CodeClosure:
    """The package modules a set of entry modules reaches through imports, and the outside names they import."""

    modules: tuple[str, ...]
    """dotted names of the package's modules, sorted"""
    external: tuple[str, ...]
    """top-level names of non-stdlib imports, sorted"""


PACKAGE = "wirewash.tasks"
"""The package whose modules are followed and hashed; imports from elsewhere are libraries (or, for the rest of
wirewash, orchestration that does not shape a stage's results)."""


def _inside(dotted: str) -> bool:
    return dotted == PACKAGE or dotted.startswith(PACKAGE + ".")


def _module_path(package_dir: Path, dotted: str) -> Path | None:
    """The file of ``dotted`` (``wirewash.tasks.clean.cleaner``) under ``package_dir``, the folder of the package."""
    base = package_dir.joinpath(*dotted.removeprefix(PACKAGE).lstrip(".").split(".")) if _inside(dotted) else None
    if base is None:
        return None
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_names(tree: ast.AST, current: str) -> Iterable[str]:
    """Every dotted name an import statement anywhere in ``tree`` names (``from tasks import x`` gives ``tasks.x``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the current module's package
                parent = current.rsplit(".", node.level)[0]
                base = f"{parent}.{node.module}" if node.module else parent
            else:
                base = node.module or ""
            yield base
            if _inside(base):
                yield from (f"{base}.{alias.name}" for alias in node.names)  # may be submodules


def _parse(path: Path, attempts: int = 3) -> ast.AST:
    """``ast.parse`` of a module, tried again on CPython 3.11's spurious "AST constructor recursion depth
    mismatch" (a CPython 3.11 fault): the AST builder's depth counter is the interpreter's, not the thread's, so
    a parse in another thread (Prefect parses docstrings while a flow runs) can trip the check of a parse
    that went well. Seen once in the test suite; the next attempt parses."""
    for attempt in range(attempts):
        try:
            return ast.parse(path.read_bytes(), filename=str(path))
        except SystemError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _parents(dotted: str) -> list[str]:
    """The packages above ``dotted``: ``a.b.c`` gives ``a.b`` and ``a``."""
    parts = dotted.split(".")
    return [".".join(parts[:end]) for end in range(len(parts) - 1, 0, -1)]


def find_code_closure(package_dir: Path, entries: Iterable[str]) -> CodeClosure:
    """Walk the imports of ``entries`` (dotted module names of :data:`PACKAGE`, whose folder is ``package_dir``).

    A name that is not a module of the package (a function imported from one)
    is skipped; a top-level name outside the package and the standard
    library is kept as an external import.
    """
    seen: dict[str, Path] = {}
    external: set[str] = set()
    todo = list(entries)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = _module_path(package_dir, name)
        if path is None:
            continue
        seen[name] = path
        # importing a module runs its packages' __init__ first (the rule catalog is joined in one)
        todo.extend(parent for parent in _parents(name) if _inside(parent))
        tree = _parse(path)
        for imported in _imported_names(tree, name):
            top = imported.split(".")[0]
            if _inside(imported):
                todo.append(imported)
            elif top and top not in sys.stdlib_module_names and top not in ("__future__", PACKAGE.split(".")[0]):
                external.add(top)
    return CodeClosure(tuple(sorted(seen)), tuple(sorted(external)))


@lru_cache(maxsize=1)
def _all_providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _providers(top_level: str) -> list[str]:
    """The distributions that install ``top_level``: most share its name; the full map (slow to build) is the fallback."""
    try:
        metadata.distribution(top_level)
        return [top_level]
    except metadata.PackageNotFoundError:
        return _all_providers().get(top_level, [])


def _requirement_names(distribution: str) -> list[str]:
    """The names a distribution requires here: markers are evaluated, so optional extras and other platforms' needs drop out."""
    try:
        requires = metadata.requires(distribution) or []
    except metadata.PackageNotFoundError:
        return []
    names = []
    for line in requires:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            names.append(requirement.name)
    return names


def library_versions(top_level_names: Iterable[str], leave_out: frozenset[str] = ORCHESTRATION) -> dict[str, str]:
    """Version of every distribution behind ``top_level_names`` and of everything it requires, by name.

    A name no installed distribution provides is recorded as ``none`` (its
    later installation changes the fingerprint too).
    """
    todo: list[str] = []
    versions: dict[str, str] = {}
    for name in top_level_names:
        found = _providers(name)
        if not found:
            versions[name] = "none"
        todo.extend(found)
    while todo:
        distribution = todo.pop()
        key = re.sub(r"[-_.]+", "-", distribution).lower()
        if key in versions or key in leave_out:
            continue
        try:
            versions[key] = metadata.version(distribution)
        except metadata.PackageNotFoundError:
            versions[key] = "none"
            continue
        todo.extend(_requirement_names(distribution))
    return dict(sorted(versions.items()))


def fingerprint_code(package_dir: Path, entries: Iterable[str], extra: str = "") -> str:
    """A digest of every module ``entries`` reach, the libraries they use (with versions), Python's version and ``extra``."""
    closure = find_code_closure(package_dir, entries)
    digest = hashlib.sha256()
    for name in closure.modules:
        source = _module_path(package_dir, name)
        assert source is not None  # found while walking
        digest.update(f"{name}\n".encode())
        digest.update(source.read_bytes())
    for library, version in library_versions(closure.external).items():
        digest.update(f"{library}={version}\n".encode())
    digest.update(f"python={sys.version_info.major}.{sys.version_info.minor}\n{extra}".encode())
    return digest.hexdigest()[:16]
