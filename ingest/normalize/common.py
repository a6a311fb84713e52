"""Shared helpers of the normalizers: the result type, sentence and clause splitting, negation,
hypothetical and other-person scopes, number words (English and Italian, some Spanish, French,
German) and decimal parsing. Everything here is pure and cached by text, because the same clinical
note is usually normalized once per image of a patient.
"""

from __future__ import annotations

import _sre
import re
import re._compiler as _compiler
import re._constants as _C
import re._parser as _re_parser
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from functools import cache, lru_cache

# --- Fast patterns --------------------------------------------------------------------------------
# Python's ``re`` matches a str pattern in Unicode mode, where every case-insensitive character test
# and every ``\b``/``\w`` test looks up Unicode tables: a scan of a note costs two to three times
# what the same scan costs in ASCII mode. On a text that is pure ASCII the two modes agree, except
# that Unicode ``\s`` also matches the four ASCII separators \x1c-\x1f. ``compile`` therefore keeps
# the Unicode pattern and a twin compiled in ASCII mode (``\s`` widened to those separators), and
# runs the twin on ASCII strings (``str.isascii`` is O(1)): the matches are the same, faster.


#: Non-ASCII letters that a case-insensitive Unicode pattern matches with an ASCII letter, beyond what
#: ``str.lower``/``upper`` say of them one character at a time: Turkish dotless and dotted i, the long s,
#: the Kelvin sign (``re``'s own case equivalences).
_ASCII_CASE_OF = {"\u0131": "i", "\u0130": "i", "\u017f": "s", "\u212a": "k"}


def _ascii_case_variants(ch: str) -> str:
    """The ASCII letters a case-insensitive Unicode pattern's non-ASCII ``ch`` also matches ("ı": "Ii")."""
    found = {c for c in (ch.lower(), ch.upper(), ch.casefold(), _ASCII_CASE_OF.get(ch, ""))
             if len(c) == 1 and c.isascii()}
    return "".join(sorted({v for c in found for v in (c.lower(), c.upper())}))


def _ascii_twin_source(pattern: str, ignorecase: bool = True) -> str | None:
    r"""``pattern`` with ``\s``/``\S`` meaning in ASCII mode what they mean in Unicode mode on ASCII
    text, and (``ignorecase``) a non-ASCII letter that Unicode mode matches with an ASCII one (Turkish
    "ı" with "i" and "I", the Kelvin sign with "k") written with those ASCII letters beside it; None when
    the pattern cannot be twinned safely (a ``\S`` inside a class, such a letter at a class's range or
    after a backslash, inline flags that may turn case-insensitivity on)."""
    variants = {ch: v for ch in set(pattern) if ord(ch) > 127 and (v := _ascii_case_variants(ch))}
    if variants and re.search(r"\(\?[aiLmsux-]*i", pattern):
        return None  # an inline flag turns case-insensitivity on or off somewhere: not read here
    if not ignorecase:
        variants = {}  # a case-sensitive "ı" matches no ASCII letter in either mode
    out = []
    i, n = 0, len(pattern)
    in_class = False
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            esc = pattern[i + 1]
            if esc == "s":
                out.append(r"\s\x1c-\x1f" if in_class else r"[\s\x1c-\x1f]")
            elif esc == "S":
                if in_class:
                    return None
                out.append(r"[^\s\x1c-\x1f]")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch in variants:
            if pattern[i - 1:i] == "-" or pattern[i + 1:i + 2] == "-" or pattern[i - 1:i] == "\\":
                return None  # a range's end, or escaped: not rewritten
            out.append(ch + variants[ch] if in_class else f"[{ch}{variants[ch]}]")
            i += 1
            continue
        if in_class:
            if ch == "]":
                in_class = False
            elif ch == "[" and pattern.startswith("[:", i):
                return None  # a possible nested set (a FutureWarning in re): do not touch
            out.append(ch)
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading "]" is a literal
                out.append("]")
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@lru_cache(maxsize=4096)
def _ascii_alike(text: str) -> bool:
    """Whether every non-ASCII character of ``text`` is one the ASCII and Unicode modes read alike:
    no word character, digit or space in either mode, with no case (typographic quotes and dashes,
    "°", "×", "…": 50 of the sample's 367 notes hold some and nothing else non-ASCII). On such a text
    ``\\w``, ``\\b``, ``\\d``, ``\\s`` and case-insensitive tests answer the same in both modes (the ASCII
    twin's ``\\s`` takes in what Unicode ``\\s`` matches in ASCII), so the twin finds the same matches.
    Remembered per note: every pattern asks of the same notes."""
    return all(not (c.isalnum() or c.isspace() or c == "_" or _sre.unicode_iscased(ord(c)))
               and c.lower() == c == c.upper() == c.casefold()
               for c in set(text) if c > "\x7f")


class FastPattern:
    """A compiled pattern that runs its ASCII-mode twin on ASCII strings, and on strings whose
    other characters the two modes read alike (``_ascii_alike``): the same matches, faster.
    Offers the methods of ``re.Pattern`` the normalizers use. Both run the pattern with its
    alternations gated on their first characters (``gated_source``); ``pattern`` is the source as
    written. On a text long enough, the strings one of which every match contains (``needs``,
    ``required_strings``) are looked for first in the lower-cased text: a text holding none of them
    gets the no-match answer without a scan."""

    __slots__ = ("ascii", "flags", "groupindex", "groups", "needs", "pattern", "unicode")

    def __init__(self, pattern: str, flags: int = 0):
        source = gated_source(factor_boundaries(pattern, flags), flags)
        self.unicode = re.compile(source, flags)
        twin = (_ascii_twin_source(source, bool(flags & re.IGNORECASE))
                if not flags & (re.ASCII | re.LOCALE) else None)
        try:
            self.ascii = re.compile(twin, flags | re.ASCII) if twin is not None else self.unicode
        except re.error:  # an inline flag the ASCII mode refuses: keep the Unicode pattern
            self.ascii = self.unicode
        if self.ascii.groups != self.unicode.groups or self.ascii.groupindex != self.unicode.groupindex:
            self.ascii = self.unicode
        self.needs = required_strings(pattern, flags)
        self.pattern = pattern
        self.flags = self.unicode.flags
        self.groups = self.unicode.groups
        self.groupindex = self.unicode.groupindex

    def _pick(self, string):
        """The compiled pattern to run on ``string``; None when ``string`` holds none of the needed
        strings: no match anywhere in it, so none in a slice of it either (``pos``/``endpos``)."""
        if string.__class__ is not str:
            return self.unicode
        if self.needs is not None and len(string) >= _PREFILTER_FROM and _holds_none(self, string):
            return None
        return self.ascii if string.isascii() or _ascii_alike(string) else self.unicode

    def search(self, string, *args, **kwargs):
        compiled = self._pick(string)
        return None if compiled is None else compiled.search(string, *args, **kwargs)

    def match(self, string, *args, **kwargs):
        compiled = self._pick(string)
        return None if compiled is None else compiled.match(string, *args, **kwargs)

    def fullmatch(self, string, *args, **kwargs):
        compiled = self._pick(string)
        return None if compiled is None else compiled.fullmatch(string, *args, **kwargs)

    def finditer(self, string, *args, **kwargs):
        compiled = self._pick(string)
        return iter(()) if compiled is None else compiled.finditer(string, *args, **kwargs)

    def findall(self, string, *args, **kwargs):
        compiled = self._pick(string)
        return [] if compiled is None else compiled.findall(string, *args, **kwargs)

    def split(self, string, *args, **kwargs):
        compiled = self._pick(string)
        return [string] if compiled is None else compiled.split(string, *args, **kwargs)

    def sub(self, repl, string, *args, **kwargs):
        compiled = self._pick(string)
        return string if compiled is None else compiled.sub(repl, string, *args, **kwargs)

    def subn(self, repl, string, *args, **kwargs):
        compiled = self._pick(string)
        return (string, 0) if compiled is None else compiled.subn(repl, string, *args, **kwargs)

    def __repr__(self) -> str:
        return f"FastPattern({self.pattern!r}, {self.flags!r})"


# --- Required strings -----------------------------------------------------------------------------
# ``re`` skips to a literal prefix, but most normalizer patterns open with ``\b`` and a case-insensitive
# word or alternation: the engine tries them at every position (the first-character gates make each try
# cheap, not free), and most notes hold no match of most patterns. A substring test (``in``) on the
# lower-cased note runs at memory speed: when every match needs one of a few strings and the note holds
# none, the answer is known without a scan.

#: Strings shorter than this are in nearly every note ("in", "of"): a prefilter of them saves nothing.
_SHORTEST_NEED = 3
#: More strings than this cost more to look for than the scans they save.
_MOST_NEEDS = 48
#: Texts shorter than this are scanned at once: the scan of a few words costs less than the test.
_PREFILTER_FROM = 16
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT)
_ZERO_WIDTH = (_C.AT, _C.ASSERT, _C.ASSERT_NOT)


#: The non-ASCII letters a case-insensitive pattern's ASCII letter matches, as that letter: "İ" lower-cased
#: is "i" and a combining dot, and "ı", "ſ" stay themselves.
_TO_ASCII_CASE = str.maketrans(_ASCII_CASE_OF)


@lru_cache(maxsize=4096)
def _lowered(text: str) -> str:
    """The text as ``required_strings`` reads it: lower-cased, the letters of ``_ASCII_CASE_OF`` as
    their ASCII letters. Once per note: dozens of patterns look for their strings in the same note."""
    return text.lower() if text.isascii() else text.translate(_TO_ASCII_CASE).lower()


@lru_cache(maxsize=16384)
def _holds_none(pattern: FastPattern, text: str) -> bool:
    """Whether the lower-cased ``text`` holds none of ``pattern.needs``, once per pattern and note: the
    scopes' patterns (another person, a negation, a hypothesis) are searched in one window of the same
    note after another."""
    low = _lowered(text)
    for need in pattern.needs:  # noqa: SIM110 - any() over a generator costs more than the tests
        if need in low:
            return False
    return True


def required_strings(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-case strings one of which every match of ``pattern`` contains, as ``_lowered`` shows the
    text: a text whose ``_lowered`` form holds none of them holds no match. Built from ASCII literals
    only, which makes it hold under any flags, inline or scoped: a case-sensitive "CT" is in the text
    only if "ct" is in its lower-cased form; a case-insensitive "k" matches "k", "K" and the Kelvin
    sign, all "k" lower-cased, and "i", "s" also "ı", "İ", "ſ", which ``_lowered`` writes "i", "s"
    (``_ASCII_CASE_OF``: the letters ``re`` folds to an ASCII letter). None when no such set is worth
    testing (a string shorter than ``_SHORTEST_NEED``, more than ``_MOST_NEEDS`` strings, a pattern
    ``re`` cannot parse alone)."""
    if flags & re.LOCALE:
        return None
    try:
        parsed = _re_parser.parse(pattern, flags & ~re.UNICODE)
    except re.error:
        return None
    needs = _needs(parsed)
    if not needs or len(needs) > _MOST_NEEDS or min(map(len, needs)) < _SHORTEST_NEED:
        return None
    return tuple(sorted(needs))


def _needs(items) -> frozenset[str] | None:
    """The set of strings one of which every match of the parsed ``items`` (a sequence) contains, or
    None. A run of ASCII literals (zero-width tests do not break it: the characters are adjacent in
    the text) is one string; each element that always consumes text offers its own set; the
    sequence's set is its most selective element's (``_worth``)."""
    offers: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        char = _ascii_literal(op, av)
        if char is not None:
            run.append(char)
            continue
        if op in _ZERO_WIDTH:
            continue
        if run:
            offers.append(frozenset(("".join(run),)))
            run = []
        if op is _C.SUBPATTERN:
            part = _needs(av[-1])
        elif op is _C.ATOMIC_GROUP:
            part = _needs(av)
        elif op is _C.BRANCH:
            parts = [_needs(branch) for branch in av[1]]
            part = None if any(not p for p in parts) else frozenset().union(*parts)
        elif op in _REPEATS:
            part = _needs(av[2]) if av[0] >= 1 else None
        else:  # a class, a category, any character, a back-reference, a conditional: nothing certain
            part = None
        if part:
            offers.append(part)
    if run:
        offers.append(frozenset(("".join(run),)))
    return max(offers, key=_worth, default=None)


def _ascii_literal(op, av) -> str | None:
    """The lower-cased character of an ASCII literal (or a class of one ASCII character), else None."""
    if op is _C.LITERAL and av < 128:
        return chr(av).lower()
    if op is _C.IN and len(av) == 1 and av[0][0] is _C.LITERAL and av[0][1] < 128:
        return chr(av[0][1]).lower()
    return None


def _worth(needs: frozenset[str]) -> tuple[int, int]:
    """How selective a set is: its shortest string's length (up to 6: longer says little more), then
    the fewer strings the better."""
    return min(6, *map(len, needs)), -len(needs)


# --- Word boundaries taken out of alternatives ----------------------------------------------------
# ``re`` takes a prefix shared by every alternative out of the alternation ("\bx|\by" is read "\b(?:x|y)"),
# but not one shared by only some: "\bx-?ray|\bCXR|...|X线|胸片" made it try each alternative at every
# position that passed the gate, each alternative failing on its own ``\b`` inside a word.


def factor_boundaries(pattern: str, flags: int = 0) -> str:
    """``pattern`` with each run of two or more consecutive alternatives opening with ``\\b`` written
    as one ``\\b(?:...)`` ("\\bx|\\by|z" as "\\b(?:x|y)|z"), at every level of groups but look-behinds:
    the same matches (the alternatives keep their order), one boundary test for the run. Left alone: a
    verbose pattern, one with a comment or a conditional group."""
    if flags & re.VERBOSE or "(?#" in pattern or "(?(" in pattern:
        return pattern
    text, _ = _factored_level(pattern, 0, factor=True)
    return text


def _factored_level(pattern: str, i: int, factor: bool) -> tuple[str, int]:
    """The alternatives of ``pattern`` from ``i`` to the ``)`` closing their level (or the end), each run
    of ``\\b`` alternatives factored (``factor``), and the index of that ``)``."""
    alternatives: list[str] = []
    piece: list[str] = []
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            piece.append(pattern[i:i + 2])
            i += 2
        elif ch == "[":
            end = _class_end(pattern, i)
            piece.append(pattern[i:end])
            i = end
        elif ch == "(":
            opening = _group_opening(pattern, i)
            inner, close = _factored_level(pattern, i + len(opening),
                                           factor and not opening.startswith(("(?<=", "(?<!")))
            piece.append(opening + inner + pattern[close:close + 1])
            i = close + 1
        elif ch == ")":
            break
        elif ch == "|":
            alternatives.append("".join(piece))
            piece = []
            i += 1
        else:
            piece.append(ch)
            i += 1
    alternatives.append("".join(piece))
    return ("|".join(_factored(alternatives)) if factor else "|".join(alternatives)), i


def _group_opening(pattern: str, i: int) -> str:
    """The opening of the group at ``pattern[i]``: "(", "(?:", "(?P<name>", "(?<=", "(?i:", "(?i)"..."""
    if not pattern.startswith("(?", i):
        return "("
    if pattern.startswith(("(?<=", "(?<!"), i):
        return pattern[i:i + 4]
    if pattern.startswith("(?P<", i):
        return pattern[i:pattern.index(">", i) + 1]
    if pattern.startswith("(?P=", i):
        return pattern[i:i + 4]
    if pattern[i + 2:i + 3] in (":", "=", "!", ">"):
        return pattern[i:i + 3]
    end = i + 2  # inline flags: "(?i)" (no content) or "(?i-s:"
    while end < len(pattern) and pattern[end] not in ":)":
        end += 1
    return pattern[i:end + 1] if pattern[end:end + 1] == ":" else pattern[i:end]


def _factored(alternatives: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for alternative in [*alternatives, None]:
        if alternative is not None and alternative.startswith("\\b"):
            run.append(alternative)
            continue
        if len(run) >= 2:
            out.append("\\b(?:" + "|".join(a[2:] for a in run) + ")")
        else:
            out += run
        run = []
        if alternative is not None:
            out.append(alternative)
    return out


def compile(pattern: str, flags: int = 0) -> FastPattern:  # noqa: A001 - mirrors re.compile
    """``re.compile`` for the normalizers: a ``FastPattern``."""
    return FastPattern(pattern, flags)


def gate(pattern: FastPattern, first: str) -> FastPattern:
    """``pattern`` behind a look-ahead on the characters a match of it can start with (``first``,
    a character class read with the pattern's flags). ``re`` finds no literal prefix in a
    case-insensitive alternation or one starting with ``\\b``, so a scan tries the whole pattern at
    every position; the look-ahead rejects most positions at the cost of one character test. The
    matches are the same as long as ``first`` covers the first character of every alternative."""
    return FastPattern(f"(?={first})(?:{pattern.pattern})", pattern.flags & ~re.UNICODE)


#: Inline flags ("(?i)", "(?i:...)", "(?-i:...)"): a part of such a pattern read alone would not
#: have the flags it has in place, so ``gated_source`` leaves the pattern as it is.
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")
#: A group right after a gate is gated already (``gate``, ``first_gate``).
_GATED_BEFORE = re.compile(r"\(\?=\[(?:\\.|[^\]\\])*\]\)\Z")
#: A group of two alternatives costs ``re`` about what the look-ahead costs: gated from three.
_FEWEST_BARS = 2
#: What may come before a group at the start of a match: group openers and zero-width anchors.
_LEADING = re.compile(r"(?:\(\?:|\(\?P<\w+>|\((?!\?)|\\b|\^|\\A)*")


def gated_source(pattern: str, flags: int = 0, most: int = 16) -> str:
    """``pattern`` with a look-ahead on its first characters (``first_gate``'s class) before every
    group holding an alternation whose alternatives' first characters can be listed, and before
    the whole pattern: ``re`` tries the alternatives of a group one by one, so "(?:days?|giorn[oi]|
    weeks?|...)" after every word of a note costs a dozen failed tries where one character test
    rejects the word. Groups are wrapped, not changed: ``(?P<u>(?=[dw])(?:days?|weeks?))`` matches
    what ``(?P<u>days?|weeks?)`` matches, with or without a quantifier, and captures the same. Left
    alone: a pattern with inline flags or ``re.VERBOSE`` or a conditional group, the groups inside a
    look-behind, and what would cost ``re`` the literal prefix or first-character set it skips to
    (a case-sensitive pattern starting with a literal)."""
    if flags & re.VERBOSE or _INLINE_FLAGS.search(pattern) or "(?(" in pattern:
        return pattern
    try:
        parsed = _re_parser.parse(pattern, flags & ~re.UNICODE)
    except re.error:
        return pattern
    prefixed = bool(_compiler._get_literal_prefix(parsed, flags)[0] or _compiler._get_charset_prefix(parsed, flags))
    top = None if prefixed or pattern.startswith("(?=") else _parsed_gate_class(parsed, flags, most)
    # a group that starts every match is gated by the whole pattern's gate, or by re's own prefix
    leading_done = prefixed or top is not None
    inserts: list[tuple[int, str]] = []
    stack: list[tuple[int, bool, bool, list[int]]] = []  # (content start, gateable, in a look-behind, its "|"s)
    top_bars: list[int] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
        elif ch == "[":
            i = _class_end(pattern, i)
        elif ch == "(":
            behind = pattern.startswith(("(?<=", "(?<!"), i) or (bool(stack) and stack[-1][2])
            plain = pattern.startswith(("(?:", "(?P<"), i) or not pattern.startswith("(?", i)
            if pattern.startswith("(?P<", i):
                start = pattern.index(">", i) + 1
            elif pattern.startswith(("(?<=", "(?<!"), i):
                start = i + 4
            else:
                start = i + (3 if pattern.startswith("(?", i) else 1)
            gateable = (plain and not behind and not _GATED_BEFORE.search(pattern, 0, i)
                        and not (leading_done and _LEADING.fullmatch(pattern, 0, i)))
            stack.append((start, gateable, behind, []))
            i = start
        elif ch == ")" and stack:
            start, gateable, _behind, bars = stack.pop()
            if gateable:
                inserts += _alternatives_gate(pattern, start, i, bars, flags, most)
            i += 1
        else:
            if ch == "|":
                (stack[-1][3] if stack else top_bars).append(i)
            i += 1
    if top:
        inserts += [(0, f"(?={top})(?:"), (n, ")")]
    elif not prefixed:
        inserts += _alternatives_gate(pattern, 0, n, top_bars, flags, most, whole=False)
        word_start = _word_start_class(parsed)
        if word_start is not None:
            inserts += [(0, rf"(?<!\w)(?={word_start})(?:"), (n, ")")]
    for at, text in sorted(inserts, key=lambda x: x[0], reverse=True):
        pattern = pattern[:at] + text + pattern[at:]
    return pattern


def _alternatives_gate(pattern: str, start: int, end: int, bars: list[int], flags: int, most: int,
                       whole: bool = True) -> list[tuple[int, str]]:
    """The insertions gating the alternatives of ``pattern[start:end]`` (``bars``: the positions of
    its own "|"): all of them (``whole``), or else the last ones from where their first characters
    can be listed ("\\d++|[^\\W\\d_]++|a\\s+few|few|several": the three words after any word). Each
    alternative is read once; a set is the union of its alternatives' sets."""
    if len(bars) < _FEWEST_BARS:
        return []
    bounds = [start, *(bar + 1 for bar in bars)]
    ends = [*bars, end]
    chars: set[str] = set()
    opening = None  # the first alternative of the longest gateable run of the last ones
    for k in range(len(bounds) - 1, -1, -1):
        part = _first_set(pattern[bounds[k]:ends[k]], flags)
        if part is None or len(chars | part) > most:
            break
        chars |= part
        if len(bounds) - k > _FEWEST_BARS and (k > 0 or whole):
            opening = k
    if opening is None:
        return []
    at = bounds[opening]
    chars = set()
    for k in range(opening, len(bounds)):
        chars |= _first_set(pattern[bounds[k]:ends[k]], flags)
    return [(at, f"(?={_class_of(chars)})(?:"), (end, ")")]


@cache
def _first_set(source: str, flags: int) -> frozenset[str] | None:
    """The characters a match of ``source`` can start with (lower-cased when case-insensitive);
    None when they cannot be listed or a match can be empty. Remembered: the same parts (a unit, a
    number) recur in many patterns."""
    try:
        first = _first_chars(_re_parser.parse(source, flags & ~re.UNICODE))
    except re.error:  # a part that refers to a group outside it
        return None
    if first is None or first[1] or not first[0]:
        return None
    return frozenset(c.lower() for c in first[0]) if flags & re.IGNORECASE else frozenset(first[0])


def _class_of(chars) -> str:
    return "[" + "".join(c if c == _DIGIT else re.escape(c) for c in sorted(chars)) + "]"


def _class_end(pattern: str, i: int) -> int:
    """The index after the character class opening at ``pattern[i]`` ("[", "[^", a leading "]")."""
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1


def _parsed_gate_class(parsed, flags: int, most: int) -> str | None:
    """The character class of the first characters of a match of the ``parsed`` pattern, or None
    when they cannot be listed, a match can be empty, or they are over ``most``."""
    first = _first_chars(parsed)
    if first is None:
        return None
    chars, nullable = first
    if flags & re.IGNORECASE:
        chars = {c.lower() for c in chars}
    if nullable or not chars or len(chars) > most:
        return None
    return _class_of(chars)


def first_gate(pattern: FastPattern, most: int = 16) -> FastPattern:
    """``gate`` with the characters read from the pattern itself: the literal characters and small
    classes its alternatives can start with (zero-width tests skipped). ``pattern`` unchanged when a
    match can start with a wider class (``\\w``, any letter), can be empty, or the set has more
    than ``most`` characters (lower-cased when case-insensitive), or already starts with a look-ahead.
    Most phrase patterns open with ``\\b`` and a case-insensitive alternation of words, where ``re``
    finds no prefix to skip to and tries every alternative at every position."""
    if pattern.pattern.startswith("(?="):
        return pattern  # gated already
    first = _parsed_gate_class(_re_parser.parse(pattern.pattern, pattern.flags & ~re.UNICODE), pattern.flags, most)
    return pattern if first is None else gate(pattern, first)


#: ``\\d`` kept as itself in a gate's class: Unicode digits in the Unicode pattern, as in the pattern.
_DIGIT = r"\d"


# --- Word-start gates ------------------------------------------------------------------------------
# A pattern whose first characters cannot be listed (a number or any word: "\b(?P<n>\w+|a\s+few)\s+days")
# is tried by ``re`` at every position of the text, each of its alternatives in turn, though each
# alternative opens with ``\b`` before a word character: a match can only start where a word starts.
# One look-behind and one look-ahead before the pattern reject the other positions (most of a text:
# the inside of its words) at the cost of two character tests.

#: A word character, as a gate's class lists it: ``\w`` read in the pattern's own mode (Unicode, or
#: ASCII in its twin), as its ``\b`` is.
_WORD_CHAR = r"\w"


def _word_start_class(parsed) -> str | None:
    """The class of the characters a match of the ``parsed`` pattern starts with, as ``[\\w...]``, when
    every match starts where no word character precedes it: each alternative opens with ``\\b`` before
    a word character, or with ``(?<!\\w)`` (then any listed character may follow: "(?<!\\w)[x×]\\d").
    None when one alternative may start elsewhere or its first characters cannot be read."""
    starts = _word_starts(list(parsed))
    if starts is None:
        return None
    others = sorted(c for c in starts if c != _WORD_CHAR)
    return "[" + _WORD_CHAR + "".join(re.escape(c) for c in others) + "]"


def _word_starts(items: list) -> set[str] | None:
    """``_word_start_class``'s characters for a sequence of parsed items (``_WORD_CHAR`` for any word
    character), or None."""
    if len(items) == 1 and items[0][0] is _C.SUBPATTERN and not items[0][1][1] and not items[0][1][2]:
        return _word_starts(list(items[0][1][-1]))  # a group holding the whole pattern (no inline flags)
    if len(items) == 1 and items[0][0] is _C.BRANCH:
        parts = [_word_starts(list(branch)) for branch in items[0][1][1]]
        return None if any(p is None for p in parts) else set().union(*parts)
    if not items:
        return None
    op, av = items[0]
    first = _first_kinds(items[1:])
    if first is None or first[1]:
        return None
    if (op, av) == (_C.AT, _C.AT_BOUNDARY):
        # \b before a word character says no word character precedes: only word characters may follow
        return first[0] if first[0] == {_WORD_CHAR} else None
    if op is _C.ASSERT_NOT and av[0] == -1 and list(av[1]) == [(_C.IN, [(_C.CATEGORY, _C.CATEGORY_WORD)])]:
        return first[0]  # (?<!\w)
    return None


def _first_kinds(items) -> tuple[set[str], bool] | None:
    """(the characters a match of the parsed ``items`` can start with, any word character as
    ``_WORD_CHAR``, whether it can be empty), as ``_first_chars`` reads them; None when they cannot be
    read."""
    return _first_items(items, kinds=True)


def _kind(char: str) -> str:
    """An ASCII letter, digit or "_" as ``_WORD_CHAR`` (a word character in both modes, as is every
    character a case-insensitive one matches: "K" the Kelvin sign, "ſ", "ı"); else itself."""
    return _WORD_CHAR if char.isascii() and (char.isalnum() or char == "_") else char


def _class_kinds(items) -> tuple[set[str], bool] | None:
    """The kinds of a class: its literals, ``\\w``/``\\d`` as word characters, and a negated class of
    non-word characters and more ("[^\\W\\d_]": word characters only); None for ranges and the rest."""
    if items and items[0] == (_C.NEGATE, None):
        rest = items[1:]
        if (_C.CATEGORY, _C.CATEGORY_NOT_WORD) in rest:
            return {_WORD_CHAR}, False  # outside the non-word characters: word characters only
        return None
    kinds = set()
    for op, av in items:
        if op is _C.LITERAL:
            kinds.add(_kind(chr(av)))
        elif (op, av) in ((_C.CATEGORY, _C.CATEGORY_WORD), (_C.CATEGORY, _C.CATEGORY_DIGIT)):
            kinds.add(_WORD_CHAR)
        else:
            return None
    return kinds, False


def _first_chars(items) -> tuple[set[str], bool] | None:
    """(the characters a match of the parsed ``items`` can start with, whether it can be empty);
    None when they cannot be listed (a class with ranges or categories, a back-reference...)."""
    return _first_items(items, kinds=False)


def _first_items(items, kinds: bool) -> tuple[set[str], bool] | None:
    """``_first_chars`` (``kinds`` false: literal characters and ``\\d``) or ``_first_kinds`` (true: any
    word character as ``_WORD_CHAR``) of the parsed ``items``."""
    chars: set[str] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # zero width: the next item starts the match
        if op is _C.LITERAL:
            part: tuple[set[str], bool] | None = ({_kind(chr(av)) if kinds else chr(av)}, False)
        elif op is _C.IN:
            part = _class_kinds(av) if kinds else _class_chars(av)
        elif op is _C.BRANCH:
            parts = [_first_items(branch, kinds) for branch in av[1]]
            part = (None if any(p is None for p in parts)
                    else (set().union(*(p[0] for p in parts)), any(p[1] for p in parts)))
        elif op is _C.SUBPATTERN:
            # "(?i:...)" in a case-sensitive pattern: its letters in either case (a word character either way)
            part = None if av[1] & re.IGNORECASE and not kinds else _first_items(av[-1], kinds)
        elif op in _REPEATS:
            inner = _first_items(av[2], kinds)
            part = None if inner is None else (inner[0], inner[1] or av[0] == 0)
        else:
            part = None
        if part is None:
            return None
        chars |= part[0]
        if not part[1]:
            return chars, False
    return chars, True


def _class_chars(items) -> tuple[set[str], bool] | None:
    """The characters of a class of literals and ``\\d``, or None."""
    if all(o is _C.LITERAL or (o, v) == (_C.CATEGORY, _C.CATEGORY_DIGIT) for o, v in items):
        return {chr(v) if o is _C.LITERAL else _DIGIT for o, v in items}, False
    return None


def fast_init(cls: type) -> type:
    """A frozen dataclass whose ``__init__`` fills the instance's ``__dict__`` directly instead of
    calling ``object.__setattr__`` once per field (what ``dataclass(frozen=True)`` generates, to get
    past its own ``__setattr__``): the same instance, equality, hash, repr and pickling, at a third
    of the cost. Backfill makes millions of these results. Fields with a plain default only; no
    ``__post_init__``, no slots."""
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"fast_init: {cls.__name__} has slots or __post_init__")
    namespace: dict[str, object] = {}
    params = []
    for f in fields(cls):
        if f.default_factory is not MISSING or not f.init:
            raise TypeError(f"fast_init: {cls.__name__}.{f.name} has a default factory or is not an init field")
        if f.default is MISSING:
            params.append(f.name)
        else:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    body = "".join(f"    d[{f.name!r}] = {f.name}\n" for f in fields(cls))
    exec(f"def __init__(self, {', '.join(params)}):\n    d = self.__dict__\n{body}", namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


@fast_init
@dataclass(frozen=True)
class Normalized:
    value: str | int | float | None
    evidence: str = ""
    start: int = -1
    end: int = -1
    rule: str = ""
    version: int = 1
    reason: str = ""
    flags: tuple[str, ...] = ()


def found(value, text: str, start: int, end: int, rule: str, version: int = 1,
          flags: tuple[str, ...] = ()) -> Normalized:
    """A value justified by ``text[start:end]``."""
    return Normalized(value, text[start:end], start, end, rule, version, "", flags)


def blank(reason: str, text: str = "", start: int = -1, end: int = -1, rule: str = "", version: int = 1) -> Normalized:
    """No value, but something was seen: the reviewer gets the span and the reason."""
    evidence = text[start:end] if start >= 0 else ""
    return Normalized(None, evidence, start, end, rule, version, reason)


# --- Sentences and clauses -----------------------------------------------------------------------

# A sentence ends at . ! ? ; followed by a space, or at a line break. Decimals ("38.6") and
# abbreviations followed by a lower-case word ("approx. 5") do not end one, nor does a month's abbreviation before
# its day or year ("On Feb. 7, she developed a fever", "(Sept. 12)", "in Dec. 2020", "7 Feb. 2020": the date's own
# full stop; after its day, "on 7 Feb. 2 days later", a number other than a year opens the next sentence).
_MONTHS_ABBREVIATED = r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.", r"\bSept\."
_MONTH_ABBREVIATION_BEFORE_NUMBER = "".join(
    rf"(?<!(?<!\d\s){month}(?=\s+\d))(?<!{month}(?=\s+\d{{4}}\b))" for month in _MONTHS_ABBREVIATED)
_SENTENCE_END = compile(r"(?=[\sA-Z])(?:(?<=[.!?;])" + _MONTH_ABBREVIATION_BEFORE_NUMBER
                        + r"\s+(?=[^a-z])|\n+|(?<=[a-z]{3}\.)(?=[A-Z][a-z]))")
# Words that start a new clause inside a sentence: negation and hedges do not cross them.
_CLAUSE_BREAK = compile(
    r",\s*(?:but|however|although|though|whereas|while|yet|and then|then|ma|però|mentre|pero|aber|mais)\b"
    r"|\s(?:but|however|although|whereas|ma|però|pero|aber|mais)\s|;|:|\(|\)|\s-\s|\s–\s",
    re.IGNORECASE,
)
_CLAUSE_BREAK = gate(_CLAUSE_BREAK, r"[,\s;:()]")


@lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return tuple(spans)


# as many entries as sentence_spans: backfill reads all of a patient's notes (its films, up to
# ~2,000) before each row's own, so a small cache had lost a row's note by the time the row came
@lru_cache(maxsize=4096)
def _sentence_starts(text: str) -> tuple[int, ...]:
    return tuple(start for start, _ in sentence_spans(text))


def sentence_at(text: str, index: int) -> tuple[int, int]:
    """The sentence span around ``index`` ((0, len(text)) between sentences)."""
    # spans are sorted and disjoint: the only candidate is the last one starting at or before index
    i = bisect_right(_sentence_starts(text), index) - 1
    if i >= 0:
        start, end = sentence_spans(text)[i]
        if index < end:
            return start, end
    return 0, len(text)


@lru_cache(maxsize=1024)
def _clause_breaks(text: str, s_start: int, s_end: int) -> tuple[tuple[int, int], ...]:
    """The clause breaks of one sentence, found once: the normalizers of a row ask for clauses of
    the same sentences over and over."""
    return tuple(m.span() for m in _CLAUSE_BREAK.finditer(text, s_start, s_end))


@lru_cache(maxsize=2048)
def clause_at(text: str, index: int) -> tuple[int, int]:
    """The clause (sentence cut at contrastive words and punctuation) around ``index``."""
    s_start, s_end = sentence_at(text, index)
    start, end = s_start, s_end
    for b_start, b_end in _clause_breaks(text, s_start, s_end):
        if b_end <= index:
            start = b_end
        elif b_start > index:
            end = b_start
            break
    return start, end


# --- Negation, hypotheticals, other people -------------------------------------------------------

#: Words after a Portuguese "no" ("em" + "o": in the) that no English or Spanish "no" governs: "no leito" (in bed), "no
#: dia 3", "no tórax", "no pronto-socorro", "no CTI" (the Brazilian ICU), "no primeiro dia": a place or a time, no
#: negation of the view or finding after it.
_PORTUGUESE_NO = (r"(?!\s+(?:leito|dia|t[óo]rax|hemit[óo]rax|pulm[ãa]o|pronto[-\s]socorro|CTI|momento|exame|raio|"
                  r"lobo|segmento|ter[çc]o|[áa]pice|decúbito|decubito|primeiro|segundo|terceiro|quarto|quinto|sexto|"
                  r"s[ée]timo|oitavo|per[íi]odo|servi[çc]o|setor|mesmo|entanto|caso|contexto|hospital\s+de|"
                  r"interior|in[íi]cio|seguimento|controle|ambulat[óo]rio|domic[íi]lio)\b)")
#: A negation cue before a phrase in its clause. A "non-" glued to another word ("via a non-rebreather mask, and he
#: was transferred to the ICU", "a non-smoker with COVID-19 pneumonia") negates that word, not the clause; glued to
#: the phrase itself ("non-COVID pneumonia", "a non-ICU ward") it still negates it (the window ends at the phrase).
_NEGATION_BEFORE = compile(
    r"\b(?:no" + _PORTUGUESE_NO + r"|not|never|without|denie[sd]|deny|negative\s+for|neither|nor|absence\s+of|"
    r"absent|free\s+of|"
    r"did\s*n[o']t|does\s*n[o']t|do\s*n[o']t|was\s*n[o']t|were\s*n[o']t|is\s*n[o']t|has\s*n[o']t|had\s*n[o']t|"
    r"non(?![-\u2010\u2011]\w)|nessun[ao]?|senza|nega|assenza\s+di|sin|sans|pas|kein[e]?|nicht|ohne|ruled\s+out|"
    r"refused|declined|decided\s+not|avoid(?:ed|ing)?)\b",
    re.IGNORECASE,
)
_NEGATION_AFTER = compile(
    r"^[^.;]{0,40}?\b(?:not\s+(?:required|needed|necessary|performed|indicated|done)|was\s+not|were\s+not|"
    r"was\s+avoided|unnecessary|ruled\s+out|excluded|negative|non\s+necessari[ao])\b",
    re.IGNORECASE,
)
# English "eventually" means "in the end", not "possibly" (Italian "eventuale"): not a hedge.
_HYPOTHETICAL = compile(
    r"\b(?:if|whether|may|might|could(?!\s*(?:not|n['’]t))|would|should|consider(?:ed|ing)?|possible|possibility|potential(?:ly)?|"
    r"risk|likely|unlikely|plan(?:ned)?|candidate|prevent|in\s+case|need\s+for|"
    # (the Spanish and Portuguese reflexive "se" before a verb of those languages only, "Se realizó intubación", "se
    # observa", "se decidió", is no Italian "if")
    r"qualora|eventuale|possibile|rischio|se(?!\s+(?:realiz[óo]|realizaron|realizou|observa[n]?|observ[óo]|evidencia[n]?|"
    r"evidenci[óo]|aprecia[n]?|apreci[óo]|inici[óo]|decidi[óo]|ingres[óo]|intub[óo]|traslad[óo]|solicit[óo]|"
    r"tom[óo]|document[óo]|constat[óo]|procedi[óo]|obtuvo|encontr[óo])\b))\b",
    re.IGNORECASE,
)
#: Relatives and contacts: people other than the patient. A diagnosis in a sentence about
#: "her husband" is not this patient's. "a child" is the patient of a paediatric case ("COVID-19
#: pneumonia in a child", "A child was admitted with fever"): nobody's child, no relative. A contact
#: naming a kind of history or measure ("a positive contact history", "contact tracing") is no person, nor the
#: act of meeting one ("had close contact with him on 1 March", "5 days after this contact").
_RELATIVE_WORDS = (
    # (the Spanish verb "son", are: "Los hallazgos son compatibles con neumonía", "son sugestivos de", no relative)
    r"husband|wife|spouse|partner|son(?!\s+(?:compatibles?|sugestiv[oa]s|consistentes|t[íi]pic[oa]s|caracter[íi]stic[oa]s|"
    r"negativ[oa]s|positiv[oa]s|normales|similares|bilaterales|m[áa]s|muy|los|las|del?|el|la|un[oa]?s?|frecuentes|"
    r"hallazgos|secundari[oa]s|propi[oa]s)\b)|daughter|(?<!\ba\s)child(?:ren)?|mother|father|parents?|brother|sister|"
    r"sibling|household|relatives?|cousin|friend|colleague|"
    # (a family's gathering or event is no relative: "after a family gathering", "at a family wedding")
    r"family(?!\s+(?:gatherings?|weddings?|dinners?|part(?:y|ies)|celebrations?|events?|functions?|reunions?|"
    r"meals?|ceremon(?:y|ies)|festivals?|holidays?|trips?|vacations?)\b)|"
    r"(?<!\bthis\s)(?<!\bthat\s)contacts?(?!\s+(?:history|tracing|precautions|isolation|investigation|screening|with)\b)|"
    r"co-?workers?|"
    r"marito|moglie|figli[oa]?|figlie|madre|padre|genitori|fratell[oi]|sorell[ae]|familiar[ei]|parenti|convivent[ei]|"
    r"esposo|esposa|hijo|hija|mari|femme\s+de|fils|fille|Ehemann|Ehefrau|Sohn|Tochter|Mutter|Vater"
)
#: English pronouns of each sex: the patient's sex when no word tells it, the sex of a relative's possessor.
MALE_PRONOUNS = compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)
FEMALE_PRONOUNS = compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
RELATIVE = compile(rf"\b(?:{_RELATIVE_WORDS})\b", re.IGNORECASE)
#: Relatives, and groups of people ("patients", "cases"): a sentence about them is not about
#: this patient's sex, age or clinical course. "People's Hospital" (many Chinese hospitals) is a
#: place.
OTHER_PERSON = compile(rf"\b(?:{_RELATIVE_WORDS}|patients|people(?![’']s\s+Hospital)|persons|subjects|cases)\b",
                       re.IGNORECASE)
# first letters of _RELATIVE_WORDS and of the group words
RELATIVE = gate(RELATIVE, "[hwspdcmfbrgetv]")
OTHER_PERSON = gate(OTHER_PERSON, "[hwspdcmfbrgetv]")


#: A test's negative result told after a diagnosis, joined to it ("COVID-19 pneumonia with an initially negative
#: RT-PCR", "... despite two negative swabs", "... and a negative PCR"): the test's word, no negation of the diagnosis.
_NEGATIVE_TEST_AFTER = compile(
    r"\b(?:with|despite|and|but|after)\s+(?:an?\s+|two\s+|three\s+|repeated(?:ly)?\s+|several\s+)?"
    r"(?:initially\s+|initial\s+|first\s+)?negative\s+(?:(?:initial|first|repeated?)\s+)?"
    r"(?:RT-?PCRs?|PCRs?|(?:(?:naso|oro)pharyngeal\s+|throat\s+)?swabs?|(?:RT-?PCR|PCR|swab)\s+(?:tests?|results?))\b",
    re.IGNORECASE)


def negated(text: str, start: int, end: int, window: int = 60) -> bool:
    """True when a negation cue governs ``text[start:end]`` within its clause (not a test's negative result joined
    after it: ``_NEGATIVE_TEST_AFTER``)."""
    c_start, c_end = clause_at(text, start)
    before = text[max(c_start, start - window):start]
    if _NEGATION_BEFORE.search(before):
        return True
    after = text[end:c_end]
    if "egative" in after:
        after = _NEGATIVE_TEST_AFTER.sub(lambda m: " " * len(m.group(0)), after)
    return bool(_NEGATION_AFTER.search(after))


# A hedge that follows the phrase in its clause: "Intubation may be required if he deteriorates",
# "oxygen therapy if needed", "intubazione se necessario", "ICU admission would be considered".
# Modal verbs count only right after the phrase (a few words), so "he was intubated on day 3 and it
# was unclear whether he would survive" keeps its Y; "could not"/"would not" are negations.
_HYPOTHETICAL_AFTER = compile(
    r"^\W{0,3}(?:\S+\s+){0,3}?(?:may|might|could|would|should)\b(?!\s*(?:not\b|n['’]t))"
    r"|^\W{0,3}(?:\S+\s+){0,3}?(?:is|are)\s+(?:expected|anticipated)\b"  # "resolution is expected within weeks"
    r"|^\W{0,3}(?:\S+\s+){0,3}?(?:if|unless|whether|qualora|in\s+case|in\s+caso|se\s+necessari\w|se\s+(?:il|la|le|si)\b|"
    r"when\s+(?:needed|necessary|required|indicated)|as\s+needed|prn)\b"
    r"|^[^.;]{0,40}?\b(?:if\s+(?:needed|necessary|required|indicated|appropriate|(?:his|her|the)\s+(?:condition|clinical|respiratory|status)|(?:he|she|the\s+patient)\s+(?:deteriorat|worsen|fail|decompensat)\w*)|"
    r"se\s+necessari\w|ove\s+necessari\w|in\s+case\s+of\s+(?:deteriorat|worsen)\w*)",
    re.IGNORECASE,
)


def hypothetical(text: str, start: int, window: int = 60, end: int | None = None) -> bool:
    """True when a hedge ("if", "may", "consider", "candidate for", "eventuale") governs the phrase
    at ``text[start:end]``: before it in its clause, or (when ``end`` is given) right after it."""
    c_start, c_end = clause_at(text, start)
    if _HYPOTHETICAL.search(text[max(c_start, start - window):start]):
        return True
    if end is None:
        return False
    return bool(_HYPOTHETICAL_AFTER.search(text[end:c_end]))


def about_other_person(text: str, start: int, end: int) -> bool:
    """True when the clause of ``text[start:end]`` is someone else's than the patient's: it names another person
    (``_other_person_in``), and not every person it names plays a part that leaves the phrase the patient's (each
    check below is one such part, ``_every_relative``: the object of an aside, the subject of a later clause of
    their own, deciding the care, telling of the illness, naming the patients, restating the named patient)."""
    c_start, c_end = clause_at(text, start)
    if not _other_person_in(text, c_start, c_end) or _only_in_asides(text, c_start, c_end, start):
        return False
    if _only_in_a_later_clause(text, c_start, c_end, start, end):
        return False
    if _only_deciding_care(text, c_start, c_end, start) or _only_informants(text, c_start, c_end, start):
        return False
    s_start, _ = sentence_at(text, start)
    if _names_the_patients(text, s_start, OTHER_PERSON, c_start, c_end):
        return False
    # a relation set off beside the patient who is the case names that patient, not someone else
    named = _NAMED_PATIENT.match(text, s_start)
    if named is None:
        return True
    return not _every_relative(text, c_start, c_end, lambda m: _in_apposition(text, named.end(), m.start(), m.end()))


#: A relative as the object of a preposition in an aside, the words set off by commas describing the patient: "A
#: 48-year-old woman, recipient of a living-donor kidney from her brother in 2017, came ... with fever for 3 days",
#: "She, like her husband, had fever": the clause's subject stays the patient.
_ASIDE_OBJECT = compile(
    r"\b(?:from|of|to|by|like|with|than|as)\s+(?:(?:his|her|their|a|an|the)\s+)?(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


#: A relative deciding the patient's care, the clause's subject only as the one who chooses: "her family chose
#: terminal extubation with comfort measures", "the family opted for comfort care", "his wife requested that life
#: support be withdrawn". The care decided (an extubation, a withdrawal, comfort care) is the patient's.
_DECIDES = compile(r"\s*(?:members?\s+)?(?:chose|opted|elected|decided|requested|asked|agreed|consented|wished|"
                   r"preferred)\b(?!\s+not\b)", re.IGNORECASE)
_CARE_DECIDED = compile(
    r"\b(?:extubat\w*|withdraw\w*|comfort\s+(?:care|measures)|palliat\w*|hospice|life[- ]support\w*|"
    r"life[- ]sustaining|do[- ]not[- ]resuscitate|DNR|DNI|resuscitat\w*|ventilat\w*|intubat\w*|"
    r"care|treatment|therapy)\b", re.IGNORECASE)


def _only_deciding_care(text: str, c_start: int, c_end: int, start: int) -> bool:
    """True when every relative of the clause ``c_start:c_end`` decides the patient's care there
    (``_DECIDES`` right after it, care words after that, the phrase at ``start`` among or after them):
    the care the relative chooses is the patient's."""
    def decides_care(m: re.Match[str]) -> bool:
        decides = _DECIDES.match(text, m.end(), c_end)
        return (RELATIVE.fullmatch(m.group(0)) is not None and decides is not None and start >= decides.end()
                and _CARE_DECIDED.search(text, decides.end(), c_end) is not None)

    return _every_relative(text, c_start, c_end, decides_care)


def _every_relative(text: str, c_start: int, c_end: int, role: Callable[[re.Match[str]], bool]) -> bool:
    """True when the clause ``c_start:c_end`` names another person and each it names (``OTHER_PERSON``'s matches)
    plays ``role`` there: a part that leaves the clause's phrase the patient's (deciding the care, telling of the
    illness, a clause of their own after it, an aside's object, an apposition restating the named patient)."""
    others = list(OTHER_PERSON.finditer(text, c_start, c_end))
    return bool(others) and all(role(m) for m in others)


#: A relative who only tells of the patient's illness, the subject of a relative clause trailing it: "she had
#: weakness and low grade fever, which her family attributed to a cold", "cough for 5 days, which his wife had
#: noticed", "fever, as his daughter reported". The illness told before it is the patient's.
_INFORMANT_LEAD = compile(r"[,;]\s*(?:which|that|as)\s+(?:(?:his|her|their|the)\s+)?$", re.IGNORECASE)
_INFORMS = compile(r"\s*(?:members?\s+)?(?:had\s+)?(?:attributed|ascribed|noticed|observed|reported|described|"
                   r"thought|believed|related|put\s+down)\b", re.IGNORECASE)


def _only_informants(text: str, c_start: int, c_end: int, start: int) -> bool:
    """True when every relative of the clause ``c_start:c_end`` comes after the phrase at ``start`` as the
    subject of a trailing relative clause telling of the illness (``_INFORMANT_LEAD`` before it, ``_INFORMS``
    after it): the informant, not the one who is ill."""
    return _every_relative(text, c_start, c_end, lambda m: bool(
        m.start() > start and RELATIVE.fullmatch(m.group(0))
        and _INFORMANT_LEAD.search(text, max(c_start, m.start() - 20), m.start())
        and _INFORMS.match(text, m.end(), c_end)))


#: An aside closing its clause is a phrase opened by a preposition ("in a context of contact with a family member",
#: "like his wife", "after contact with her husband"), not a clause of its own ("and she stayed at home with her
#: family": its own subject and verb).
_CLOSING_ASIDE = compile(r"\s*(?:in|with|after|following|like|as|from|by|through|during|among|amid)\b", re.IGNORECASE)


def _only_in_asides(text: str, c_start: int, c_end: int, start: int) -> bool:
    """True when every relative or group word of the clause ``c_start:c_end`` is the object of a preposition in
    an aside (``_ASIDE_OBJECT``) that does not hold the phrase at ``start``; an aside closing the clause runs to
    its end ("a dyspnea evolving for 10 days, in a context of contact with a family member confirmed COVID-19")."""
    def in_an_aside(m: re.Match[str]) -> bool:
        before, after = text.rfind(",", c_start, m.start()), text.find(",", m.end(), c_end)
        if after < 0 and before >= 0 and start < before and _CLOSING_ASIDE.match(text, before + 1):
            after = c_end
        return not (before < 0 or after < 0 or before < start < after
                    or not _ASIDE_OBJECT.search(text, before + 1, m.start()))

    return _every_relative(text, c_start, c_end, in_an_aside)


#: A relative who opens a clause of their own after a comma, as its subject with its verb: "riferisce da 4 giorni
#: febbre, astenia e tosse, il marito è ricoverato per COVID-19", "fever and cough for 5 days, her husband was
#: admitted last week", "seit 3 Tagen Fieber, der Ehemann ist ebenfalls positiv".
_LATER_CLAUSE_LEAD = compile(r",\s*(?:(?:il|la|lo|i|le|gli|suo|sua|his|her|their|the|der|die|sein|seine|ihr|ihre)\s+|"
                             r"l[’'])?$", re.IGNORECASE)
_LATER_CLAUSE_VERB = compile(
    r"\s+(?:(?:also|too|then|anche|ebenfalls|auch)\s+)?"
    r"(?:was|is|were|are|had|has|have|tested|developed|died|presented|became|fell|got|"
    r"è|era|sono|erano|ha|hanno|aveva|avevano|risult\w+|presenta\w*|ist|war|sind|waren|hat|hatte)\b",
    re.IGNORECASE)


def _only_in_a_later_clause(text: str, c_start: int, c_end: int, start: int, end: int) -> bool:
    """True when every relative of the clause ``c_start:c_end`` opens a clause of its own after the phrase
    at ``start:end``: set off by a comma (``_LATER_CLAUSE_LEAD``), its verb after it (``_LATER_CLAUSE_VERB``),
    and words of the phrase's clause between the phrase and that comma ("da 4 giorni febbre, astenia e tosse,
    il marito è ricoverato": the fever is the patient's) or before the phrase in its part of the clause ("Fever
    and dry cough for 5 days, her husband was admitted"). A phrase alone before the comma may be the relative's
    clause's own opening ("Five days before admission, her husband developed fever"): not this."""
    def opens_a_later_clause(m: re.Match[str]) -> bool:
        comma = text.rfind(",", end, m.start())
        return not (m.start() < end or comma < 0 or not RELATIVE.fullmatch(m.group(0))
                    or not _LATER_CLAUSE_LEAD.search(text, comma, m.start())
                    or not _LATER_CLAUSE_VERB.match(text, m.end(), c_end)
                    or not (re.search(r"\w", text[end:comma])
                            or re.search(r"\w", text[max(c_start, text.rfind(",", c_start, start) + 1):start])))

    return _every_relative(text, c_start, c_end, opens_a_later_clause)


#: The age a relative is named with: "75-year-old", a child's in months or weeks and in words ("her seven-month-old
#: son", "her 6-week-old daughter"), "elderly", "infant".
_AGED = (r"(?:(?:\d{1,3}|[a-z]+(?:-[a-z]+)?)-(?:year|month|week|day)s?-old\s+|(?:elderly|young|adult|infant|newborn)"
         r"\s+)?")
#: A relative the patient's event takes along ("was discharged with her son", "admitted together with his
#: wife"): the event is the patient's, the relative only goes with them.
_WITH_RELATIVE = compile(rf"\b(?:together\s+with|along\s+with|with)\s+(?:his|her|their)\s+{_AGED}$", re.IGNORECASE)


#: The people a health worker's work is about ("a general practitioner ... visiting patients at home", "a nurse
#: caring for COVID-19 patients", "who had treated infected people"): the object of the patient's own work.
_CARED_FOR = compile(r"\b(?:visit|treat|see|saw|seen|car(?:e|ed|ing)\s+for|look(?:s|ed|ing)?\s+after|examin|"
                     r"attend(?:s|ed|ing)?\s+to|nurs)\w*\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def cared_for(text: str, start: int) -> bool:
    """Whether the group word at ``text[start:]`` ("patients", "people", "persons") names the people a health
    worker's work is about (``_CARED_FOR``): a plural object no "he" or "she" names."""
    return bool(re.match(r"(?:patients|people|persons)\b", text[start:start + 9], re.I)) and \
        _CARED_FOR.search(text, max(0, start - 40), start) is not None


def only_companions(text: str, start: int) -> bool:
    """True when every other person named in the clause at ``start`` is a relative the patient's event takes
    along ("She ... was discharged with her son on the 14th day of her illness")."""
    c_start, c_end = clause_at(text, start)
    others = list(OTHER_PERSON.finditer(text, c_start, c_end))
    return bool(others) and all(_WITH_RELATIVE.search(text, max(c_start, m.start() - 40), m.start())
                                for m in others)

_ONE_RELATIVE = rf"(?:a|an|her|his|their)?\s*{_AGED}(?:{_RELATIVE_WORDS})s?"
#: A person's word a report's patient is named by beside their relative ("a 7-year-old boy and his mother").
_PERSON = r"(?:man|woman|boy|girl|infant|newborn|neonate|baby|toddler|child|adolescent|teenager|gentleman|lady)"
#: Relatives who are the patients a text is about: a family named as the patients of a report ("COVID-19
#: pneumonia in a daughter and her father", "we describe a mother and her son", "in two brothers"), and
#: the relative, with an age, a text opens with ("Her 75-year-old father, a retired farmer, was
#: admitted ...", "His wife, 59 years old, ...", "The husband, aged 66, ...": a case series' patient, whose own
#: history it is; no patient precedes), or right after the number of the patient it is ("Patient 2: his wife ..."). A
#: family cluster a report is about ("... in Patients from a Single Family Cluster", "a familial
#: cluster of COVID-19") is its patients: the cases of one household; so is the pair a title's subtitle
#: names ("COVID-19 pneumonia - mother and daughter").
_FAMILY_OF_PATIENTS = compile(
    rf"\b(?:in|describe[sd]?|report(?:s|ed|ing)?|present(?:s|ed|ing)?)\s+(?:(?:a|an)\s+{_AGED}(?:{_RELATIVE_WORDS})"
    rf"(?:\s*,\s*{_ONE_RELATIVE})*\s+and\s+{_ONE_RELATIVE}|(?:two|three|four)\s+{_AGED}(?:{_RELATIVE_WORDS})s?)\b"
    r"|\b(?:in|from|of|describe[sd]?|report(?:s|ed|ing)?|present(?:s|ed|ing)?)\s+(?:a|an|the|one)?\s*(?:single\s+)?"
    r"(?:family|familial|household)\s+clusters?\b"
    # a title's subtitle naming the pair: "COVID-19 pneumonia - husband and wife"
    rf"|\s[-–—]\s+{_AGED}(?:{_RELATIVE_WORDS})(?:\s*,\s*{_ONE_RELATIVE})*\s+and\s+{_ONE_RELATIVE}\b"
    # the members of one family or household a report is about: "COVID-19 pneumonia in three members of one
    # household", "among four family members", "we describe members of the same family"
    r"|\b(?:in|among|describe[sd]?|report(?:s|ed|ing)?|present(?:s|ed|ing)?)\s+(?:(?:two|three|four|five|six|several)\s+)?"
    r"(?:(?:family|household)\s+members|members\s+of\s+(?:a|an|one|the\s+same)\s+(?:single\s+)?(?:family|household))\b"
    # the one household a report's patients share: "COVID-19 pneumonia in an elderly couple: two courses in one
    # household", "... in a single family", and a subtitle opening with it ("...: one household, two courses",
    # "... - one family, three generations")
    r"|\bin\s+(?:one|a\s+single|the\s+same)\s+(?:family|household)\b"
    r"|(?:[:\u2013\u2014]|\s-)\s*(?:one|a\s+single|the\s+same)\s+(?:family|household)\b(?=\s*,)"
    # a person and their own relative a report is about: "SARS-CoV-2 infection in a 7-year-old boy and his mother",
    # "COVID-19 in a woman and her newborn", "we describe a man and his wife"
    rf"|\b(?:in|describe[sd]?|report(?:s|ed|ing)?|present(?:s|ed|ing)?)\s+(?:a|an)\s+{_AGED}{_PERSON}\s+and\s+"
    rf"(?:his|her|their)\s+{_AGED}(?:{_RELATIVE_WORDS}|newborn|neonate|baby|infant)s?\b",
    re.IGNORECASE,
)
#: A sentence (a title) whose subject is a family or household cluster: "A familial cluster of COVID-19: ...",
#: "Family cluster of SARS-CoV-2 infection ...", "Household cluster of COVID-19 in ..." (not "The family cluster of
#: his wife": a relative's); or the spread within one ("Intrafamilial transmission of SARS-CoV-2: ... two parents and
#: their two children", "Household transmission of COVID-19 ...", "Familial spread of ...").
_CLUSTER_SUBJECT = compile(
    r"\s*(?:(?:a|an|the|one)\s+)?(?:single\s+)?(?:family|familial|household)\s+clusters?\s+of\b"
    r"(?!\s+(?:his|her|their|the\s+patient[’']s)\b)"
    r"|\s*(?:intra-?)?(?:family|familial|household)\s+(?:transmission|spread)\s+of\b"
    r"(?!\s+(?:his|her|their|the\s+patient[’']s)\b)", re.IGNORECASE)
#: Where a title's subtitle starts: a colon, or a dash set off by spaces.
_SUBTITLE_BREAK = compile(r":|(?<=\s)[-\u2013\u2014](?=\s)|(?<=\w)[\u2013\u2014](?=\s)")
#: The nouns an apposition restates a relative as a person with ("his daughter, a woman in her 40s").
_PERSON_NOUNS = r"(?:wo)?man|gentleman|lady|male|female|boy|girl"
_OPENING_RELATIVE = compile(
    rf"\s*(?:her|his|their|the\s+patient[’']s|the)\s+(?:\d{{1,3}}-year-old\s+(?:{_RELATIVE_WORDS})\b"
    rf"|(?:{_RELATIVE_WORDS})\s+aged\s+\d{{1,3}}\b"  # "Patient 3, their daughter aged 16 years, ..."
    rf"|(?:{_RELATIVE_WORDS})\s*,\s*(?:aged\s+\d{{1,3}}\b|\d{{1,3}}(?:\s*years?(?:\s+old)?|-year-old)\b"
    # "Patient 2, his daughter, a woman in her 40s, ...": the apposition says who the relative is
    rf"|an?\s+(?:\d{{1,3}}-year-old\s+)?(?:{_PERSON_NOUNS})\b))",
    re.IGNORECASE)


#: Two people a text introduces as a pair, the second by their relation to the first: "a 78-year-old man and his
#: 74-year-old wife were brought to our Emergency Department", "a 36-year-old woman and her 9-year-old son". The
#: first is the text's patient (a case series gives the second a text of their own, opening on "74-year-old
#: wife"), whom the text names again by the relation the second makes them: "The husband, affected by COPD, had
#: fever since 6 days" ("the wife" stays someone else).
_PAIR_INTRODUCED = compile(
    rf"\b(?:an?\s+)?{_AGED}(?:{_PERSON_NOUNS})\s+and\s+(?P<possessive>his|her)\s+{_AGED}"
    r"(?P<relative>husband|wife|son|daughter|child)\b", re.IGNORECASE)
#: A text opening on the patient introduced by their relation, the possessive dropped ("74-year-old wife were
#: brought to our Emergency Department": a case series' text of the patient introduced as "his 74-year-old wife"):
#: its "the wife" is the patient.
_OPENS_AS_RELATIVE = compile(r"\s*\d{1,3}[- ]year[- ]old\s+(?P<relative>husband|wife|son|daughter)\b", re.IGNORECASE)


@lru_cache(maxsize=1024)
def _patient_as_relation(text: str) -> FastPattern | None:
    """"the husband" of a text introducing "a 78-year-old man and his 74-year-old wife" (``_PAIR_INTRODUCED``), "the
    wife" of a text opening on "74-year-old wife" (``_OPENS_AS_RELATIVE``): the relation naming the text's patient,
    else None."""
    opening = _OPENS_AS_RELATIVE.match(text)
    if opening is not None:
        word = opening.group("relative").lower()
    elif (pair := _PAIR_INTRODUCED.search(text) if " and h" in text else None) is not None:
        relative, possessive = pair.group("relative").lower(), pair.group("possessive").lower()
        word = {"wife": "husband", "husband": "wife"}.get(relative, "mother" if possessive == "her" else "father")
    else:
        return None
    return compile(rf"\bthe\s+{word}\b", re.IGNORECASE)


def _patient_spans(text: str, s_start: int) -> list[tuple[int, int]]:
    """The spans of the sentence at ``s_start`` whose relatives are the patients
    (``_FAMILY_OF_PATIENTS``, ``_OPENING_RELATIVE`` at the text's start or right after the patient the
    sentence opens with: "Patient 2: his 62-year-old wife presented ...", the relation naming the text's
    patient: ``_patient_as_relation``)."""
    s_end = sentence_at(text, s_start)[1]
    if s_end > s_start and _CLUSTER_SUBJECT.match(text, s_start, s_end):
        # "A familial cluster of COVID-19: pneumonia in both parents and ... their daughter": every relative
        # the sentence names is a member of the cluster it is about
        return [(s_start, s_end)]
    if s_end > s_start and not text[:s_start].strip() and any(
            _CLUSTER_SUBJECT.match(text, m.end(), s_end) for m in _SUBTITLE_BREAK.finditer(text, s_start, s_end)):
        # ... and so is a title (a text's first sentence) whose subtitle is the cluster ("One household, four
        # courses: a family cluster of COVID-19 in the province of Piacenza", "Four relatives, four outcomes -
        # household transmission of SARS-CoV-2"): the title is about it
        return [(s_start, s_end)]
    spans = [m.span() for m in _FAMILY_OF_PATIENTS.finditer(text, s_start, s_end)] if s_end > s_start else []
    named = _NAMED_PATIENT.match(text, s_start)
    if named is not None:
        opening = _OPENING_RELATIVE.match(text, named.end() + 1)
    elif not text[:s_start].strip() or _PATIENT_LABEL.fullmatch(text, 0, s_start):
        # the text's first sentence, or the first after the patient's label ("Case 2. Her husband, aged 41, ...")
        opening = _OPENING_RELATIVE.match(text, s_start)
    else:
        opening = None
    if opening is not None:
        spans.append(opening.span())
    own = _patient_as_relation(text)
    if own is not None and s_end > s_start:
        spans.extend(m.span() for m in own.finditer(text, s_start, s_end))
    return spans


#: A relative who tells the patient's history ("Her daughter reported that she had had a fever for three days",
#: "His wife said he ...", "According to her son, she ..."): the informant, not the person the clause is about.
#: The pronoun must agree with the possessive ("her ... she", "his ... he"): in "His wife reported that she had
#: fever" the one with fever is the wife. A relative, with no age of their own, reporting the symptoms themselves
#: ("her daughter reported symptoms for 3 days", "his wife described fever and cough for a week") tells them
#: as the patient's: no pronoun names another one who had them.
_INFORMANT = compile(
    rf"\b(?:(?:(?P<her>her)|his)\s+{_AGED}(?:{_RELATIVE_WORDS})\s+(?:also\s+)?"
    r"(?:reported|said|stated|noted|explained|mentioned|recalled|described|told\s+us)\s+(?:that\s+)?"
    r"(?:(?P<she>she)|he)\b"
    rf"|(?:her|his|their)\s+(?:{_RELATIVE_WORDS})\s+(?:reported|described|noted|mentioned|recounted)\s+"
    r"(?!(?:that|she|he|they|we|I|her|his|their)\b)(?=[a-z])"
    rf"|according\s+to\s+(?:(?P<her2>her)|his)\s+{_AGED}(?:{_RELATIVE_WORDS})\s*,\s*(?:(?P<she2>she)|he)\b)",
    re.IGNORECASE,
)


def _informant_spans(text: str, s_start: int) -> list[tuple[int, int]]:
    """The spans of the sentence at ``s_start`` naming a relative who tells the patient's history
    (``_INFORMANT``, possessive and pronoun of one sex)."""
    s_end = sentence_at(text, s_start)[1]
    if s_end <= s_start:
        return []
    return [m.span() for m in _INFORMANT.finditer(text, s_start, s_end)
            if bool(m["her"] or m["her2"]) == bool(m["she"] or m["she2"])]


def _names_the_patients(text: str, s_start: int, pattern: FastPattern, start: int, end: int) -> bool:
    """True when every match of ``pattern`` (relatives, groups) in ``text[start:end]`` is among the
    words of the sentence at ``s_start`` naming the patients, or a relative telling the patient's
    history (``_INFORMANT``)."""
    spans = _patient_spans(text, s_start) + _informant_spans(text, s_start)
    return bool(spans) and all(any(a <= m.start() and m.end() <= b for a, b in spans)
                               for m in pattern.finditer(text, start, end))


def only_the_patients(text: str, start: int, end: int) -> bool:
    """True when every relative or group word in ``text[start:end]`` names the patients of the text
    (``_patient_spans``): "Patient 2: his wife, 59 years old" is the second patient's own line."""
    return _names_the_patients(text, sentence_at(text, start)[0], OTHER_PERSON, start, end)


def other_relative_in(text: str, start: int, end: int) -> bool:
    """True when the sentence ``text[start:end]`` names a relative who is not one of the patients
    ("COVID-19 pneumonia in a woman whose husband died", not "... in a daughter and her father")."""
    return found_in(RELATIVE, text, start, end) and not _names_the_patients(text, start, RELATIVE, start, end)


#: A sentence opening with the patient it is about, as a page presenting several patients names
#: each: "The second patient, ...", "Patient 2: ...", "Secondo paziente: ...".
_NAMED_PATIENT = compile(
    r"\s*(?:(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|last|other)\s+(?:patient|case)"
    r"|(?:patient|case)\s+(?:\d{1,2}|[A-H])\b"
    r"|(?:prim|second|terz|quart|quint|sest|ultim)[oa]\s+(?:paziente|caso)|(?:paziente|caso)\s+\d{1,2}\b)"
    r"\s*(?=[,:(])",
    re.IGNORECASE,
)
#: A patient's label standing as a sentence of its own before the patient's text ("Case 2. ", "Patient 3: ").
_PATIENT_LABEL = compile(r"\s*(?:patient|case|paziente|caso)\s+(?:\d{1,2}|[A-H])\s*[.:]\s*", re.IGNORECASE)
#: An apposition's own words: a verb or a relative pronoun makes it a clause about someone else
#: ("The second patient, whose wife had fever, ...").
_CLAUSE_WORDS = compile(r"\b(?:who|whose|whom|which|that|had|has|have|was|were|is|with|and|che|aveva|ha|era|con|e)\b",
                        re.IGNORECASE)


_APPOSITION_END = re.compile(r"[,)]")
#: The "and" joining an apposition's two noun phrases: no comma before it, an article after it ("a 39-year-old
#: man and a colleague of case 1").
_APPOSITION_AND = re.compile(r"(?<=\w)\s+and\s+(?=(?:an?|the)\s)", re.IGNORECASE)


def _in_apposition(text: str, after: int, start: int, end: int) -> bool:
    """True when ``text[start:end]`` (a relative's word) is in the apposition set off right after the
    named patient (from ``after``): "The second patient, his 55-year-old wife, had fever for 4 days",
    "Secondo paziente: bambino di 8 anni, figlio del primo, febbricola da 2 giorni": the wife and
    the son are the patient, named by their relation to the first one."""
    close = _APPOSITION_END.search(text, end, end + 40)
    if close is None or "." in text[end:close.start()] or _CLAUSE_WORDS.search(text, end, close.start()):
        return False
    # two noun phrases of the apposition joined by "and" name one person ("Case 2, a 39-year-old man and a
    # colleague of case 1, visited ..."), not a clause ("Case 2, and his wife had ...")
    between = _APPOSITION_AND.sub(" ", text[after:start])
    # the apposition opens right after the naming, and runs over at most two comma-separated parts
    return (between[:1] in ",:(" and between.count(",") + between.count(":") <= 2 and "." not in between
            and not _CLAUSE_WORDS.search(between))


#: A relative who only brings the patient or does something to them ("brought to the emergency
#: department by her daughter", "accompanied by his wife", "found at home by her son"): the agent of a
#: passive, in a clause that stays the patient's own; so in the Romance languages ("viene accompagnato dai
#: familiari in Pronto Soccorso", "portata in PS dalla figlia", "dai suoi familiari", "acompañado por su esposa").
_AGENT_BEFORE = compile(
    r"(?:\bby\s+(?:her|his|their)|\b(?:dal|dalla|dai|dagli|dalle)(?:\s+(?:su[oaei]|propri[oaie]))?|\bpor\s+sus?)"
    r"\s+(?:\w+\s+)?$", re.IGNORECASE)


def _other_person_in(text: str, start: int, end: int) -> bool:
    if not found_in(OTHER_PERSON, text, start, end):
        return False
    return any(not _AGENT_BEFORE.search(text[max(start, m.start() - 30):m.start()])
               for m in OTHER_PERSON.finditer(text, start, end))


@lru_cache(maxsize=4096)
def found_in(pattern: FastPattern, text: str, start: int, end: int) -> bool:
    """Whether ``pattern`` matches in ``text[start:end]`` (as ``pattern.search(text, start, end)``),
    remembered: the checks of one clause or sentence repeat for every phrase found in it."""
    return pattern.search(text, start, end) is not None


# --- Keyword gates -------------------------------------------------------------------------------
# A regex scan of a note costs far more than ``key in lowered_note``. Each pattern that cannot
# match without one of a few literal words is only run when one of them is in the text: the
# result is the same, the cost of notes that do not mention the topic is a few substring tests.


# CJK ideographs are words of their own: Chinese writes no space between them and a Latin token ("胸部CT示")
_WORD = compile(r"[^\W_\u3400-\u9fff]+|[\u3400-\u9fff]+")
#: An ASCII text's words are its runs of ASCII letters and digits (``_WORD`` on ASCII): every other ASCII
#: character as a space, then ``str.split`` (a quarter of the scan's instructions; the same words).
_ASCII_NOT_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


@fast_init
@dataclass(frozen=True)
class TextContext:
    """What several normalizers compute from one note: its lower-cased text and the set of its
    lower-case words (for token gates: ``words & KEYS`` is one set operation, where a regex
    alternation of dozens of words scans the whole note)."""

    lower: str
    words: frozenset[str]


@lru_cache(maxsize=4096)
def text_context(text: str) -> TextContext:
    """The note's context, computed once: the normalizers of one row ask for the same note in
    turn. Bounded like the other per-text caches (4,096): backfill first reads every film's note of
    a patient (``timeline.CaseImages``, up to ~2,000 notes), then each row's note again; with 64
    entries each note's context was computed about 2.5 times (10,000 rows: 24,946 -> 14,670)."""
    lower = text.lower()
    if lower.isascii():
        return TextContext(lower, frozenset(lower.translate(_ASCII_NOT_WORD).split()))
    return TextContext(lower, frozenset(_WORD.findall(lower)))


def has_any(low: str, keys: tuple[str, ...]) -> bool:
    """True when one of ``keys`` (lower case) is a substring of ``low`` (the lower-cased text)."""
    for key in keys:  # noqa: SIM110 - any() over a generator costs more than the tests (millions of calls)
        if key in low:
            return True
    return False


def finditer_near(pattern: re.Pattern[str], text: str, anchor: re.Pattern[str], before: int = 60, after: int = 80,
                  need: tuple[int, ...] | None = None):
    """The matches of ``pattern`` that contain a match of the cheap ``anchor`` (a unit word, a
    keyword), found by scanning only the text around the anchors instead of the whole text:
    ``before`` and ``after`` must bound how far a match extends around its anchor. The windows of
    neighbouring anchors are merged into one region, scanned once: a match lies inside its own
    anchor's window, so inside one region, and the region's scan finds the matches a full scan finds
    (``\b`` and look-behinds see the real text around it; matches do not overlap, as with
    ``finditer``). Windows scanned one by one cut a match short where one window ended inside the next
    anchor's match ("radiograph obtained 12 days after | admission" read as "12 days after", "30
    January | 2020" without its year). ``need``: sorted positions one of which every match of
    ``pattern`` contains (where a month's name starts, for a named date): a region holding none of
    them holds no match, and is skipped without a scan (same matches)."""
    length = len(text)
    lo = hi = -1
    for a_start, a_end in anchor_spans(anchor, text):
        start = a_start - before
        if start <= hi:  # this anchor's window meets the region's: one region
            hi = min(length, a_end + after)
            continue
        if hi >= 0:
            yield from _scan_region(pattern, text, lo, hi, need)
        lo, hi = max(0, start), min(length, a_end + after)
    if hi >= 0:
        yield from _scan_region(pattern, text, lo, hi, need)


@lru_cache(maxsize=4096)
def anchor_spans(anchor: re.Pattern[str], text: str) -> tuple[tuple[int, int], ...]:
    """The spans of ``anchor`` in ``text``, found once per note: several patterns share an anchor
    (the time units anchor a symptom history, a time after an event and a time before the admission),
    and a row's note is read by each of them."""
    return tuple(a.span() for a in anchor.finditer(text))


def _scan_region(pattern: re.Pattern[str], text: str, lo: int, hi: int, need: tuple[int, ...] | None):
    if need is not None:
        k = bisect_left(need, lo)
        if k == len(need) or need[k] >= hi:
            return iter(())
    return pattern.finditer(text, lo, hi)


# --- Numbers -------------------------------------------------------------------------------------

NUMBER_WORDS: dict[str, int] = {}
for _words in (
    # English
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty",
    # Italian
    "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici "
    "quindici sedici diciassette diciotto diciannove venti",
    # Spanish
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte",
    # French
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize dix-sept dix-huit dix-neuf vingt",
    # German
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn fünfzehn "
    "sechzehn siebzehn achtzehn neunzehn zwanzig",
):
    for _i, _w in enumerate(_words.split()):
        NUMBER_WORDS.setdefault(_w, _i)
NUMBER_WORDS.update({"a": 1, "an": 1, "una": 1, "un": 1, "thirty": 30, "trenta": 30, "single": 1})
NUMBER_WORDS["un"] = 1

#: English numbers in words up to ninety-nine, as an age is sometimes written ("Seventy-one-year-old woman"):
#: ``ENGLISH_NUMBER`` matches one, ``english_number`` gives its value.
_EN_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_EN_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
#: A ten and its unit, hyphenated or spaced ("forty-five", "forty five"): one number, never its unit word alone.
ENGLISH_TENS = rf"(?:{'|'.join(_EN_TENS)})(?:[- ](?:{'|'.join(_EN_UNITS[:9])}))?"
ENGLISH_NUMBER = rf"(?:{ENGLISH_TENS}|{'|'.join(sorted(_EN_UNITS, key=len, reverse=True))})"


def english_number(words: str) -> int | None:
    """``seventy-one`` -> 71, ``nineteen`` -> 19; None for anything else."""
    parts = re.split(r"[- ]", words.strip().lower())
    if len(parts) == 1 and parts[0] in _EN_UNITS:
        return _EN_UNITS.index(parts[0]) + 1
    if parts[0] not in _EN_TENS or len(parts) > 2 or (len(parts) == 2 and parts[1] not in _EN_UNITS[:9]):
        return None
    return 20 + 10 * _EN_TENS.index(parts[0]) + (_EN_UNITS.index(parts[1]) + 1 if len(parts) == 2 else 0)


#: Function words telling English prose from the Romance languages of the non-English journals
#: (Spanish, Portuguese, Italian, French): which paragraph of a bilingual legend is the English one.
#: Words two of them share ("in", "no", "e") are in neither.
ENGLISH_FUNCTION_WORDS = frozenset({"the", "of", "and", "with", "on", "at", "shows", "showing", "show", "after",
                                    "from", "is", "are", "was", "were", "image", "images"})
ROMANCE_FUNCTION_WORDS = frozenset({"de", "del", "la", "el", "los", "las", "y", "con", "en", "da", "do", "dos", "das",
                                    "com", "em", "di", "della", "delle", "il", "le", "les", "des", "et", "du", "avec",
                                    "por", "para", "imagen", "imágenes", "imagem", "imagens", "immagine"})


def prose_language(text: str) -> str:
    """"en" or "romance" when at least two function words of one and fewer of the other say which
    ``text`` is written in, else "" (a short label, a list of abbreviations)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    english = sum(w in ENGLISH_FUNCTION_WORDS for w in words)
    romance = sum(w in ROMANCE_FUNCTION_WORDS for w in words)
    if max(english, romance) < 2 or english == romance:
        return ""
    return "en" if english > romance else "romance"


#: Ordinal words, first to tenth: English (patients told in order, "the fourth day of fever") and
#: Italian feminine ("in terza giornata di ricovero"); ``ORDINAL_NUMBERS`` gives their numbers.
ORDINALS_EN = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
ORDINALS_IT = ("prima", "seconda", "terza", "quarta", "quinta", "sesta", "settima", "ottava", "nona", "decima")
#: Spanish and Portuguese masculine, as a day is told ("al quinto día de internación", "no quinto dia de internação").
ORDINALS_ES = ("primer", "segundo", "tercer", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno", "décimo")
ORDINALS_PT = ("primeiro", "segundo", "terceiro", "quarto", "quinto", "sexto", "sétimo", "oitavo", "nono", "décimo")
ORDINAL_NUMBERS: dict[str, int] = {w: k for words in (ORDINALS_EN, ORDINALS_IT, ORDINALS_ES, ORDINALS_PT)
                                   for k, w in enumerate(words, start=1)}


def _roman(n: int) -> str:
    tens, units = divmod(n, 10)
    return "X" * tens + ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[units]


#: Roman numerals I to XXX, as Italian notes number the days of a stay ("in XII giornata di
#: ricovero") and case series their patients ("Case III"); ``ROMAN_NUMBERS`` gives their numbers.
ROMAN_NUMERALS = tuple(_roman(n) for n in range(1, 31))
ROMAN_NUMBERS: dict[str, int] = {r: k for k, r in enumerate(ROMAN_NUMERALS, start=1)}

_NUMBER_WORD_ALT = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS if len(w) > 1 or w == "a"), key=len,
                                   reverse=True))
#: Digits or a number word, for use inside larger patterns (group it yourself).
NUMBER = rf"(?:\d+|{_NUMBER_WORD_ALT})"
#: Digits or any word: much cheaper to scan than NUMBER; the caller checks the word with
#: ``parse_int`` (or its own few-words list) before using the match. The runs are possessive: every
#: pattern follows it with a space or a hyphen, which no shorter run of digits or letters can be
#: followed by, so giving characters back finds no other match; it only cost a retry per character
#: of every word that is not followed by a unit (the same matches, the histories' scan ~10-20% faster).
#: A ten spelled apart from its unit ("forty five days", as non-native authors write it) is one token with
#: it, so the unit word alone is never read ("five days"); ``parse_int`` reads the pair.
_SPACED_TENS = rf"(?:(?:{'|'.join(_EN_TENS)})\s(?=(?:{'|'.join(_EN_UNITS[:9])})\b))?+"
NUMBER_LIKE = rf"(?:\d++|{_SPACED_TENS}[^\W\d_]++(?:-[^\W\d_]++)?)"


def parse_int(token: str) -> int | None:
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    value = NUMBER_WORDS.get(token)
    # the English tens past twenty and their compounds ("forty days after discharge", "forty-five days later")
    return value if value is not None else english_number(token)


def parse_decimal(token: str) -> float | None:
    """``38.6``, ``38,6`` (Italian), ``38·6`` (Lancet) -> 38.6."""
    token = token.strip().replace("·", ".").replace(",", ".")
    try:
        return float(token)
    except ValueError:
        return None


def format_number(value: float) -> str:
    """How the CSV writes a number: ints without ``.0``, no float noise."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")
