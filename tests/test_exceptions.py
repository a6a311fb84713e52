"""Every exception class of the project derives from ``schema.IngestError`` (``except IngestError``
catches ours and nothing else), and no two of them share a name."""

from __future__ import annotations

import ast
import builtins

from tests.conftest import ROOT

#: Where the project's code lives (tests and their fixtures raise the project's exceptions only).
SKIPPED = {".venv", ".git", "tests", "data", "migrations", "node_modules"}
#: Exception classes of libraries the project's exceptions also derive from (a second base).
LIBRARY_EXCEPTIONS = {"IgnoreRequest", "FileException"}


def _classes() -> dict[str, list[tuple[str, list[str]]]]:
    """Class name -> (file, base names) of every class defined in the project's code."""
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = [ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases]
                found.setdefault(node.name, []).append((str(path.relative_to(ROOT)), bases))
    return found


def _is_exception(name: str, classes, seen=()) -> bool:
    builtin = getattr(builtins, name, None)
    if (isinstance(builtin, type) and issubclass(builtin, BaseException)) or name in LIBRARY_EXCEPTIONS:
        return True
    return any(_is_exception(b, classes, (*seen, name)) for _, bases in classes.get(name, ()) for b in bases
               if b not in seen)


def _derives_from_ingest_error(name: str, classes, seen=()) -> bool:
    if name == "IngestError":
        return True
    return any(_derives_from_ingest_error(b, classes, (*seen, name)) for _, bases in classes.get(name, ())
               for b in bases if b not in seen)


def test_every_exception_of_ours_derives_from_ingest_error():
    classes = _classes()
    exceptions = {name for name in classes if name != "IngestError" and _is_exception(name, classes)}
    assert {"ExportError", "MediaStoreError", "BlockedResponse", "ParseError"} <= exceptions  # the walk finds them
    strays = sorted(f"{where[0][0]}: {name}" for name, where in classes.items()
                    if name in exceptions and not _derives_from_ingest_error(name, classes))
    assert strays == []


def test_no_two_exceptions_share_a_name():
    classes = _classes()
    twice = sorted(name for name, where in classes.items() if len(where) > 1 and _is_exception(name, classes))
    assert twice == []
