"""One multi-pattern scan of a text for all the normalizers' patterns (Hyperscan), before ``re`` runs
any of them: a pattern the scan rules out is not run on that text (issue 18, backfill speed).

Each ``common.FastPattern`` is written here a second time, as a Hyperscan expression that matches
wherever the pattern matches and maybe elsewhere (a superset), read from ``re``'s own parse tree:

- every zero-width test is dropped (``\\b``, ``^``, ``$``, look-aheads, look-behinds): what is left
  matches a substring whatever surrounds it, so a match of the pattern inside any slice of the text
  (a window ``finditer(text, lo, hi)``, a search from ``pos``) is found by one scan of the whole text;
- a character class (a literal, ``\\w``, ``[^...]``) is written as the set of characters it matches
  among the characters the scanned texts can hold: the texts the pattern's ASCII twin runs on (pure
  ASCII, or ASCII and non-ASCII characters with no case that are no word character, digit or space in
  either mode: ``common._ascii_alike``). Its ASCII members are asked of ``re`` itself (the class alone,
  compiled with the flags in force there: case-insensitivity, inline and scoped, Unicode or ASCII
  ``\\s``), its non-ASCII ones are the class's own non-ASCII characters, or all of them when the class
  is negated or holds a negated category. Case is thus written into the classes: no Hyperscan case
  folding, whose Unicode tables need not be Python's;
- lazy, possessive and atomic repeats and groups as plain ones (the same texts match somewhere).

Hyperscan's prefilter mode widens whatever it cannot build exactly (HS_FLAG_PREFILTER), and a
pattern it refuses, or one with a back-reference or a conditional, keeps the gate it had
(``required_strings``). Texts with other non-ASCII characters (accented letters, CJK) are not scanned:
their patterns run as before. Without the ``hyperscan`` package nothing here is used.
"""

from __future__ import annotations

import hashlib
import os
import re
import re._constants as _C
import re._parser as _re_parser
from functools import cache, lru_cache
from pathlib import Path

try:  # pragma: no cover - the package is pinned in requirements.txt; without it the gate is off
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

#: The patterns made so far (``FastPattern.__init__`` adds each): the database is built from them on
#: the first scan; a pattern made after it keeps its ``required_strings`` gate alone.
_WAITING: list = []
_STATE: dict = {"db": None, "scratch": None, "pid": None, "built": False}

_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_C.AT, _C.ASSERT, _C.ASSERT_NOT)
_CATEGORY_SOURCE = {
    _C.CATEGORY_DIGIT: r"\d", _C.CATEGORY_NOT_DIGIT: r"\D", _C.CATEGORY_SPACE: r"\s",
    _C.CATEGORY_NOT_SPACE: r"\S", _C.CATEGORY_WORD: r"\w", _C.CATEGORY_NOT_WORD: r"\W",
}
_NEGATED_CATEGORIES = (_C.CATEGORY_NOT_DIGIT, _C.CATEGORY_NOT_SPACE, _C.CATEGORY_NOT_WORD)
#: Every non-ASCII character UTF-8 can hold (the surrogates cannot).
_NON_ASCII = ((0x80, 0xD7FF), (0xE000, 0x10FFFF))
_CLASS_FLAGS = re.IGNORECASE | re.ASCII | re.UNICODE
#: Repeat counts above this are written unbounded ("{0,300}" as "*"): Hyperscan builds a bounded
#: repeat of a class as states of their own (one pattern took 43 s to compile), and the superset is
#: as selective on the literals around it.
_LONGEST_COUNT = 8
#: Hyperscan refuses longer expressions ("Pattern length exceeds limit").
_LONGEST_SOURCE = 16000


class _Unfit(Exception):
    """The pattern cannot be written as a superset here (a back-reference, a conditional)."""


def available() -> bool:
    return _hs is not None


def unbuilt() -> bool:
    """Whether the database is still to be built (on the first scan)."""
    return _hs is not None and not _STATE["built"]


def register(pattern) -> None:
    """Remember a new ``FastPattern`` for the database (none when the package is missing)."""
    if _hs is not None and not _STATE["built"]:
        _WAITING.append(pattern)


def superset_source(pattern: str, flags: int) -> str | None:
    """The Hyperscan expression (UTF-8 mode) matching wherever ``pattern`` compiled with ``flags``
    matches in a text of ASCII and caseless non-word, non-digit, non-space characters, whatever
    surrounds the match; None when it cannot be written."""
    try:
        parsed = _re_parser.parse(pattern, flags)
        if parsed.getwidth()[0] == 0:
            return None  # it may match an empty string: in every text
        source = _sequence(parsed, parsed.state.flags)
    except (re.error, _Unfit, RecursionError):
        return None
    return source if 0 < len(source) <= _LONGEST_SOURCE else None


def _sequence(items, flags: int) -> str:
    return "".join(_item(op, av, flags) for op, av in items)


def _item(op, av, flags: int) -> str:
    if op is _C.LITERAL:
        return _class(((_C.LITERAL, av),), flags)
    if op is _C.NOT_LITERAL:
        return _class(((_C.NEGATE, None), (_C.LITERAL, av)), flags)
    if op is _C.IN:
        return _class(tuple(av), flags)
    if op is _C.ANY:
        return "." if flags & re.DOTALL else "[^\\n]"
    if op is _C.BRANCH:
        return "(?:" + "|".join(_sequence(branch, flags) for branch in av[1]) + ")"
    if op is _C.SUBPATTERN:
        _, add, remove, body = av
        inner = _sequence(body, (flags | add) & ~remove)
        return f"(?:{inner})" if inner else ""
    if op is _C.ATOMIC_GROUP:
        inner = _sequence(av, flags)
        return f"(?:{inner})" if inner else ""
    if op in _REPEATS:
        low, high, body = av
        inner = _sequence(body, flags)
        if not inner:
            return ""
        low = min(low, _LONGEST_COUNT)
        if high == _C.MAXREPEAT or high > _LONGEST_COUNT:  # "[^\n]{0,300}": unbounded, a superset
            count = "*" if low == 0 else "+" if low == 1 else f"{{{low},}}"
        else:
            count = "?" if (low, high) == (0, 1) else f"{{{low},{high}}}"
        return f"(?:{inner}){count}"
    if op in _ZERO_WIDTH:
        return ""
    raise _Unfit(op)


@cache
def _class(items: tuple, flags: int) -> str:
    """A class (or a literal) as the characters it matches: its ASCII members as ``re`` says, its
    non-ASCII ones as written (all of them when negated)."""
    negated = any(op is _C.NEGATE for op, _ in items)
    parts = []
    spans: list[tuple[int, int]] = []
    for op, av in items:
        if op is _C.NEGATE:
            continue
        if op is _C.LITERAL:
            parts.append(f"\\U{av:08x}")
            if av > 127:
                spans.append((av, av))
        elif op is _C.RANGE:
            parts.append(f"\\U{av[0]:08x}-\\U{av[1]:08x}")
            if av[1] > 127:
                spans.append((max(av[0], 128), av[1]))
        elif op is _C.CATEGORY and av in _CATEGORY_SOURCE:
            parts.append(_CATEGORY_SOURCE[av])
            if av in _NEGATED_CATEGORIES:
                spans.extend(_NON_ASCII)
        else:
            raise _Unfit(op)
    mode = flags & _CLASS_FLAGS
    if mode & re.ASCII:  # a scoped "(?a:...)" in a Unicode pattern
        mode &= ~re.UNICODE
    compiled = re.compile("[" + ("^" if negated else "") + "".join(parts) + "]", mode)
    members = [c for c in range(128) if compiled.match(chr(c))]
    if negated:
        spans = list(_NON_ASCII)
    for c in members:
        spans.append((c, c))
    if not spans:
        raise _Unfit("empty class")
    merged = _merged(spans)
    if len(merged) == 1 and merged[0][0] == merged[0][1]:
        return _char_source(merged[0][0])
    return "[" + "".join(_span_source(lo, hi) for lo, hi in merged) + "]"


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for lo, hi in sorted(spans):
        for a, b in ((lo, min(hi, 0xD7FF)), (max(lo, 0xE000), hi)):  # no surrogates in UTF-8
            if a > b:
                continue
            if out and a <= out[-1][1] + 1:
                out[-1][1] = max(out[-1][1], b)
            else:
                out.append([a, b])
    return [(a, b) for a, b in out]


def _char_source(code: int) -> str:
    char = chr(code)
    return char if char.isascii() and char.isalnum() else f"\\x{{{code:x}}}"


def _span_source(lo: int, hi: int) -> str:
    if lo == hi:
        return _char_source(lo)
    return _char_source(lo) + ("" if hi == lo + 1 else "-") + _char_source(hi)


_HS_FLAGS = 0 if _hs is None else (_hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_SINGLEMATCH
                                   | _hs.HS_FLAG_DOTALL)


def _cache_path(expressions: list[bytes]) -> Path:
    """Where the database of these expressions is kept between runs (``INGEST_CACHE_DIR``, else the
    user's cache directory): compiling them takes seconds of CPU, loading the compiled one a few
    milliseconds. Named by the expressions' digest and the package's version."""
    digest = hashlib.sha256(_hs.__version__.encode() + b"\0" + b"\0".join(expressions)).hexdigest()[:32]
    root = os.environ.get("INGEST_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "covid-ingest")
    return Path(root) / f"multiscan-{digest}.hsdb"


def _compiled(expressions: list[bytes]):
    """The database of ``expressions``, loaded from the cache or compiled (and kept there)."""
    path = _cache_path(expressions)
    try:
        return _hs.loadb(path.read_bytes(), _hs.HS_MODE_BLOCK)
    except (OSError, _hs.error):
        pass
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
               flags=[_HS_FLAGS] * len(expressions))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        scratch.write_bytes(_hs.dumpb(db))
        os.replace(scratch, path)
    except OSError:  # a read-only home: compile again next time
        pass
    return db


def _compiles(source: bytes) -> bool:
    try:
        _hs.Database(mode=_hs.HS_MODE_BLOCK).compile(expressions=[source], ids=[0], elements=1, flags=[_HS_FLAGS])
    except _hs.error:
        return False
    return True


def _build() -> None:
    """Number the waiting patterns Hyperscan takes (``FastPattern.hs``) and compile them as one database."""
    _STATE["built"] = True
    expressions, numbered = [], []
    for pattern in _WAITING:
        source = superset_source(pattern.ascii.pattern, pattern.ascii.flags)
        if source is None:
            continue
        expressions.append(source.encode("utf-8"))
        numbered.append(pattern)
    _WAITING.clear()
    if not expressions:
        return
    try:
        db = _compiled(expressions)
    except _hs.error:  # an expression refused: find them one by one (slow: seconds per hundred)
        keep = [i for i, source in enumerate(expressions) if _compiles(source)]
        expressions = [expressions[i] for i in keep]
        numbered = [numbered[i] for i in keep]
        if not expressions:
            return
        db = _compiled(expressions)
    for number, pattern in enumerate(numbered):
        pattern.hs = number
    _STATE["db"] = db


def _collect(number, start, end, flags, found) -> None:
    found.add(number)


def build() -> None:
    """Build the database now (a parent before it forks its workers: they share it)."""
    if _hs is not None and not _STATE["built"]:
        _build()


@lru_cache(maxsize=4096)
def candidates(text: str) -> frozenset[int] | None:
    """The numbers (``FastPattern.hs``) of the patterns that may match somewhere in ``text`` (a text
    ``common._ascii_alike`` or ASCII), from one scan; None when the text cannot be scanned."""
    if not _STATE["built"]:
        _build()
    db = _STATE["db"]
    if db is None:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    if _STATE["pid"] != os.getpid():  # a scratch space per process (forked workers)
        _STATE["scratch"] = _hs.Scratch(db)
        _STATE["pid"] = os.getpid()
    found: set[int] = set()
    db.scan(data, match_event_handler=_collect, context=found, scratch=_STATE["scratch"])
    return frozenset(found)
