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


def _private_names_imported(module: str, path: Path) -> list[tuple[str, int]]:
    """(``other.module._name``, line) for every private name of another module of ours that
    ``path`` imports (``from x import _y``) or reads off a module it imported (``x._y``)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    bound: dict[str, str] = {}  # local name -> module of ours it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in OURS:  # ``import a.b`` binds ``a``; ``import a.b as c`` binds ``c`` to ``a.b``
                    bound[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] if node.level else [])
            base = ".".join(p for p in (base, node.module or "") if p)
            if base.split(".")[0] not in OURS:
                continue
            for alias in node.names:
                if f"{base}.{alias.name}" in MODULES:
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
                elif _is_private(alias.name) and base != module:
                    found.append((f"{base}.{alias.name}", node.lineno))
    # a name the module also binds otherwise (``radiopaedia = SITES["radiopaedia"]``) may not be the module
    rebound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    rebound |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    bound = {name: target for name, target in bound.items() if name not in rebound}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_private(node.attr):
            owner = _dotted(node.value)
            head, _, rest = owner.partition(".")
            target = ".".join(p for p in (bound.get(head, ""), rest) if p)
            if head in bound and target in MODULES and target != module:
                found.append((f"{target}.{node.attr}", node.lineno))
    return found


def _dotted(node: ast.expr) -> str:
    """``a.b.c`` of a chain of attributes on a name, else ""."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_is_imported_across_modules():
    """A module's ``_names`` are its own: what another module needs is public where it is defined
    (one definition, its callers named by its name). Tests may reach into a module to test its
    helpers; every other layer, benches included, may not."""
    against = []
    for module, path in MODULES.items():
        if _layer(module) == "tests":
            continue
        against += [f"{path.relative_to(ROOT)}:{line}: {module} imports {name}"
                    for name, line in _private_names_imported(module, path)]
    assert against == [], "private names imported across modules:\n" + "\n".join(against)


def test_the_private_import_check_sees_each_form(tmp_path):
    """The check above finds ``from x import _y``, a relative ``from .x import _y`` and ``x._y``; a
    module's own private names, a dunder and a private name of another library are not its business."""
    source = tmp_path / "probe.py"
    source.write_text("import ingest.timeline\nfrom ingest.normalize import imaging as im\n"
                      "from ingest.normalize.common import _ascii_twin_source, __name__ as n\n"
                      "from .imaging import _history\nfrom re import _compile\n"
                      "x = ingest.timeline._history, im._VIEW_KEYS, im.normalize_view, ingest.__doc__\n")
    found = sorted(name for name, _ in _private_names_imported("ingest.normalize.probe", source))
    assert found == ["ingest.normalize.common._ascii_twin_source", "ingest.normalize.imaging._VIEW_KEYS",
                     "ingest.normalize.imaging._history", "ingest.timeline._history"]
    own = tmp_path / "own.py"
    own.write_text("from ingest.normalize.imaging import _VIEW_KEYS\nfrom ingest.sites import radiopaedia\n"
                   "def f():\n    radiopaedia = SITES['radiopaedia']\n    return radiopaedia._CREDIT\n")
    assert _private_names_imported("ingest.normalize.imaging", own) == []


def test_the_schema_imports_nothing_of_ours():
    schema = {m: p for m, p in MODULES.items() if _layer(m) == "schema"}
    assert schema and all(imp.split(".")[0] == "schema" for m, p in schema.items() for imp, _ in _imported(m, p))
