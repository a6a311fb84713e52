"""Patterns searched over page text do not rescan the text from every position.

Python's ``re`` tries a search at every start position. A pattern that begins with an unbounded
repetition and needs something after it (``[^.]*Creative Commons[^.]*\\.``, ``\\s+,``) rescans the
whole run from each position of a run that does not end as it needs: quadratic time, minutes on a
50 MB page without full stops (bench/hostile_page.py measures it). Such a pattern must start at an
anchor (``^``, ``\\A``) or behind a lookbehind that stops a match from starting inside the run
(``(?<!\\s)\\s+,``). This test reads every ``re`` call with a literal pattern in ``ingest/`` and
``spiders/`` and holds them to that rule; ``ingest.eurorad._license`` splits sentences instead.
"""

from __future__ import annotations

import ast
import re
import re._constants as C
import re._parser as parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted([*ROOT.glob("ingest/**/*.py"), *ROOT.glob("spiders/*.py")])
#: ``re`` functions that try every start position (``match``/``fullmatch`` try one).
SEARCHING = {"compile", "search", "findall", "finditer", "sub", "subn", "split"}


def rescans_every_position(pattern: str, flags: int = 0) -> bool:
    """A leading unbounded repetition followed by more, with no anchor or lookbehind before it."""
    items = list(parser.parse(pattern, flags))
    while items:
        op, value = items[0]
        if op == C.AT and value in (C.AT_BEGINNING, C.AT_BEGINNING_STRING):
            return False
        if op == C.ASSERT_NOT or op == C.ASSERT:
            return False
        if op == C.SUBPATTERN and len(items) == 1:
            items = list(value[-1])
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            return value[1] == C.MAXREPEAT and len(items) > 1
        if op == C.SUBPATTERN:
            inner = list(value[-1])
            return bool(inner) and inner[0][0] in (C.MAX_REPEAT, C.MIN_REPEAT) and inner[0][1][1] == C.MAXREPEAT
        return False
    return False


def literal_patterns(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SEARCHING
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield node.lineno, node.args[0].value


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_pattern_rescans_the_text_from_every_position(path):
    offenders = [(line, pattern) for line, pattern in literal_patterns(path) if rescans_every_position(pattern)]
    assert offenders == []


@pytest.mark.parametrize("pattern,rescans", [
    (r"[^.]*\b(Creative Commons|CC BY-NC-SA)[^.]*\.", True),
    (r"\s+,", True),
    (r"\s*\n\s*(\n\s*)+", True),
    (r"(\d+)(st|nd|rd|th)\b", True),
    (r"(?<!\s)\s+,", False),
    (r"^\s+x", False),
    (r"\s+", False),
    (r"Published\s+on\s*:?", False),
])
def test_the_rule_itself(pattern, rescans):
    assert rescans_every_position(pattern) is rescans


def test_the_guarded_patterns_find_what_the_unguarded_ones_found():
    texts = ["a ,b  ,c", "  \n \n\n  x\n\ny", "the 1st and 22nd, 333rd", "Title | Radiopaedia.org  ", "x\n\n\n", ""]
    for plain, guarded in ((r"\s+,", r"(?<!\s)\s+,"), (r"\s*\n\s*(\n\s*)+", r"(?<!\s)\s*\n\s*(\n\s*)+"),
                           (r"(\d+)(st|nd|rd|th)\b", r"(?<!\d)(\d+)(st|nd|rd|th)\b"),
                           (r"\s*\|\s*Radiopaedia\.org\s*$", r"(?<!\s)\s*\|\s*Radiopaedia\.org\s*$")):
        for text in texts:
            assert [m.span() for m in re.finditer(plain, text)] == [m.span() for m in re.finditer(guarded, text)]
