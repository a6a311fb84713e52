"""The layers of the README's Architecture table, enforced: every import of every module of ours
(at the top, inside functions, under ``TYPE_CHECKING``) points to a layer its own may import.

The table below is the README's, as code. A new top-level package or module must get a row here
(and in the README) before it can be imported: the test fails on a module without a layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Module (or package) prefix -> its layer; the longest prefix wins (``staging.service`` before ``db``).
LAYER_OF: dict[str, str] = {
    "schema": "schema",
    "faults": "support",
    "logformatter": "support",
    "ingest": "ingest",
    "dedup": "dedup",
    "curation": "curation",
    "media": "media",
    "db": "db",
    "staging": "staging",
    "discovery": "discovery",
    "spiders": "crawl",
    "middlewares": "crawl",
    "pipelines": "crawl",
    "crawl_summary": "crawl",
    "crawl_lock": "crawl",
    "frontier": "crawl",
    "downloader": "crawl",
    "review": "review",
    "exports": "exports",
    "settings": "project",
    "feeds": "project",
    "cli": "commands",
    "commands": "commands",
    "tests": "tests",
    "bench": "bench",
}

ALL = "all"
#: Layer -> the other layers it may import (its own is always allowed).
MAY_IMPORT: dict[str, frozenset[str] | str] = {
    "schema": frozenset(),
    "support": frozenset(),
    "media": frozenset({"schema"}),
    "ingest": frozenset({"media", "schema"}),
    "dedup": frozenset({"ingest", "media", "schema"}),
    "curation": frozenset({"db", "ingest", "media", "schema"}),
    "db": frozenset({"schema", "support"}),
    "staging": frozenset({"db", "ingest", "media", "schema", "support"}),
    "discovery": frozenset({"db", "ingest", "media", "schema"}),
    "crawl": frozenset({"db", "staging", "discovery", "ingest", "media", "schema", "support"}),
    "review": frozenset({"db", "staging", "dedup", "curation", "discovery", "media", "schema"}),
    "exports": frozenset({"db", "staging", "dedup", "curation", "ingest", "media", "schema", "support"}),
    "project": frozenset(),
    "commands": ALL,
    "tests": ALL,
    "bench": ALL,
}

#: Imports against the table that stay for now, each with why: none. Keep it empty; an entry here
#: needs a line in the README beside the table.
EXCEPTIONS: dict[tuple[str, str], str] = {}

_SKIP_DIRS = {".venv", ".venv-txv", ".git", "data", "__pycache__", "node_modules"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if rel.parts[0] == "tests" and "fixtures" in rel.parts:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()
OURS = {name.split(".")[0] for name in MODULES}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        layer = LAYER_OF.get(".".join(parts[:n]))
        if layer is not None:
            return layer
    return None


def _imported(module: str, path: Path) -> list[tuple[str, int]]:
    """(module imported, line) for every import of ours in ``path``, relative ones resolved."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] if node.level else [])
            base = ".".join(p for p in (base, node.module or "") if p)
            # `from curation import marks` imports the module curation.marks
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found += [(name, node.lineno) for name in names if name.split(".")[0] in OURS]
    return found


def _exception(importer: str, imported: str) -> tuple[str, str] | None:
    for (a, b) in EXCEPTIONS:
        if importer == a and (imported == b or imported.startswith(b + ".")):
            return (a, b)
    return None


def test_every_module_has_a_layer():
    assert sorted(m for m in MODULES if _layer(m) is None) == []


def test_imports_follow_the_layers():
    against, used = [], set()
    for module, path in MODULES.items():
        layer = _layer(module)
        allowed = MAY_IMPORT[layer]
        for imported, line in _imported(module, path):
            target = _layer(imported)
            if target is None or target == layer or allowed == ALL or target in allowed:
                continue
            excused = _exception(module, imported)
            if excused:
                used.add(excused)
                continue
            against.append(f"{path.relative_to(ROOT)}:{line}: {module} ({layer}) imports {imported} ({target})")
    assert against == [], "imports against the layers (README, Architecture):\n" + "\n".join(against)
    assert sorted(set(EXCEPTIONS) - used) == [], "exceptions no longer needed: remove them"


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_the_layers_point_one_way(layer):
    """No layer may import, directly or through others, a layer that may import it."""
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            allowed = MAY_IMPORT[todo.pop()]
            for other in () if allowed == ALL else allowed:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    assert layer not in reach(layer)


def test_the_schema_imports_nothing_of_ours():
    schema = {m: p for m, p in MODULES.items() if _layer(m) == "schema"}
    assert schema and all(imp.split(".")[0] == "schema" for m, p in schema.items() for imp, _ in _imported(m, p))
