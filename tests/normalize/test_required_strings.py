"""The required-string prefilter of ``FastPattern`` answers exactly as the plain pattern does.

``FastPattern`` gives a text the no-match answer without a scan when its lower-cased form holds none
of the strings one of which every match contains (``required_strings``). These tests compare, for every
pattern compiled through ``common.compile`` in ``ingest/``, each method's answer with ``re``'s own on
real texts (the sample's notes, the fixtures' figure captions and paragraphs), on those texts in other
cases (and with the non-ASCII letters ``re`` folds to "i", "s", "k"), and on texts made to match:
strings generated from each pattern's own parse tree, set inside a real note.
"""

from __future__ import annotations

import csv
import gc
import html
import random
import re
import re._constants as C
import re._parser as parser
from pathlib import Path

import pytest

import ingest.backfill  # noqa: F401 - compiles the backfill patterns too
from ingest.normalize.common import _PREFILTER_FROM, FastPattern, required_strings

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _all_patterns() -> list[FastPattern]:
    return sorted((o for o in gc.get_objects() if isinstance(o, FastPattern)), key=lambda p: (p.pattern, p.flags))


def _real_texts() -> list[str]:
    with open(FIXTURES / "reference" / "metadata-sample.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = {row[col] for row in rows for col in ("clinical_notes", "other_notes") if row[col]}
    tag = re.compile(r"<[^>]+>")
    for path in sorted([*FIXTURES.glob("**/*.xml"), *FIXTURES.glob("**/*.html")])[::3]:
        markup = path.read_text(encoding="utf-8", errors="replace")
        for block in re.findall(r"<(caption|p)\b[^>]*>(.*?)</\1>", markup, re.DOTALL)[:20]:
            text = " ".join(html.unescape(tag.sub(" ", block[1])).split())
            if len(text) >= _PREFILTER_FROM:
                texts.add(text)
    return sorted(texts)


REAL = _real_texts()
PATTERNS = _all_patterns()


def _answers(p, text: str) -> tuple:
    n = len(text)
    return (
        [(m.span(), m.groups()) for m in p.finditer(text)],
        [(m.span(), m.groups()) for m in p.finditer(text, n // 3, n)],
        p.findall(text),
        bool(p.search(text)),
        bool(p.match(text)),
        bool(p.fullmatch(text)),
        p.sub("<>", text),
        p.subn("<>", text),
        p.split(text, maxsplit=3),
    )


def test_most_patterns_have_required_strings():
    assert len(PATTERNS) > 200
    assert sum(p.needs is not None for p in PATTERNS) > len(PATTERNS) // 3


def test_the_sets_read_from_the_parse_tree():
    assert required_strings(r"\bfever\b") == ("fever",)
    assert required_strings(r"\b(?:ICU|intensive\s+care)\b") == ("icu", "intensive")
    assert required_strings(r"\bCT\b|tomograph") is None  # "ct": too short to say anything
    assert required_strings(r"(?:re-?)?intubat(?:ed|ion)") == ("intubat",)
    assert required_strings(r"(?:admitted)?\s*on\s+day") == ("day",)  # optional parts promise nothing
    assert required_strings(r"(?:cough|dyspnea)+ and") == ("cough", "dyspnea")
    assert required_strings(r"\bfe[v]er") == ("fever",)  # a class of one character is a literal
    assert required_strings(r"fe[vw]er") is None  # "fe", "er": too short
    assert required_strings(r"(?i:Fever)|(?-i:COUGH)") == ("cough", "fever")
    assert required_strings("\\bfi\u00e8vre") == ("vre",)  # a non-ASCII letter is not a literal: it ends the run
    assert required_strings(r"(?P<a>day)s?\s+(?P=a)") == ("day",)
    assert required_strings(r"[a-z]+") is None


def test_real_texts_answer_as_the_plain_pattern():
    assert len(REAL) > 300
    for p in PATTERNS:
        if p.needs is None:
            continue
        for text in REAL:
            assert _answers(p, text) == _answers(p.unicode, text), (p.pattern, text)


#: Letters a case-insensitive pattern's "i", "s", "k" also match: dotless and dotted I, the long s, the Kelvin sign.
_FOLDING = {"i": "\u0131", "I": "\u0130", "s": "\u017f", "k": "\u212a", "K": "\u212a"}


def test_texts_in_other_cases_answer_as_the_plain_pattern():
    rng = random.Random(11)
    texts = [t.upper() for t in REAL] + ["".join(c.swapcase() if rng.random() < 0.3 else c for c in t) for t in REAL]
    texts += ["".join(_FOLDING.get(c, c) if rng.random() < 0.5 else c for c in t) for t in REAL]
    for p in PATTERNS:
        if p.needs is None:
            continue
        for text in texts:
            assert bool(p.search(text)) == bool(p.unicode.search(text)), (p.pattern, text)


# --- texts made to match: strings generated from the pattern's parse tree ---------------------------

_CATEGORY_CHARS = {C.CATEGORY_DIGIT: "7", C.CATEGORY_NOT_DIGIT: "x", C.CATEGORY_SPACE: " ",
                   C.CATEGORY_NOT_SPACE: "y", C.CATEGORY_WORD: "w", C.CATEGORY_NOT_WORD: " "}


def _generate(items, rng: random.Random, ignorecase: bool, depth: int = 0) -> str:
    """A string the parsed ``items`` may match (not always: look-arounds and word boundaries are not
    satisfied on purpose); letters of case-insensitive parts in a random case."""
    out = []
    for op, av in items:
        if op is C.LITERAL:
            ch = chr(av)
            out.append(ch.swapcase() if ignorecase and rng.random() < 0.5 else ch)
        elif op is C.IN:
            members = [v for o, v in av if o is C.LITERAL]
            ranges = [v for o, v in av if o is C.RANGE]
            cats = [v for o, v in av if o is C.CATEGORY]
            if av and av[0][0] is C.NEGATE:
                out.append("q")
            elif members and rng.random() < 0.6:
                out.append(chr(rng.choice(members)))
            elif ranges:
                lo, hi = rng.choice(ranges)
                out.append(chr(rng.randint(lo, min(hi, lo + 30))))
            elif cats:
                out.append(_CATEGORY_CHARS.get(rng.choice(cats), " "))
            elif members:
                out.append(chr(rng.choice(members)))
        elif op is C.CATEGORY:
            out.append(_CATEGORY_CHARS.get(av, " "))
        elif op is C.ANY:
            out.append("z")
        elif op is C.BRANCH:
            out.append(_generate(rng.choice(av[1]), rng, ignorecase, depth + 1))
        elif op is C.SUBPATTERN:
            case = (ignorecase or bool(av[1] & re.IGNORECASE)) and not av[2] & re.IGNORECASE
            out.append(_generate(av[-1], rng, case, depth + 1))
        elif op is C.ATOMIC_GROUP:
            out.append(_generate(av, rng, ignorecase, depth + 1))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, high = av[0], min(av[1], av[0] + 2)
            out.extend(_generate(av[2], rng, ignorecase, depth + 1) for _ in range(rng.randint(low, high)))
    return "".join(out)


@pytest.mark.parametrize("seed", range(3))
def test_texts_made_to_match_answer_as_the_plain_pattern(seed):
    rng = random.Random(seed)
    hosts = REAL
    matched = 0
    for p in PATTERNS:
        if p.needs is None:
            continue
        tree = parser.parse(p.pattern, p.flags & ~re.UNICODE)
        for _ in range(25):
            made = _generate(tree, rng, bool(p.flags & re.IGNORECASE))
            host = rng.choice(hosts)
            at = rng.randrange(len(host) + 1)
            folded = "".join(_FOLDING.get(c, c) for c in made)
            for text in (made + " " * _PREFILTER_FROM, f"{host[:at]} {made} {host[at:]}",
                         f"{host[:at]}{made}{host[at:]}", f"{host[:at]} {folded} {host[at:]}"):
                expected = _answers(p.unicode, text)
                matched += bool(expected[0])
                assert _answers(p, text) == expected, (p.pattern, text)
    assert matched > 5000  # the generated strings do match: the test reaches the matching case
