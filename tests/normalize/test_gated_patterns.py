"""Every pattern sped up with ``common.gate`` finds exactly what the pattern without the gate finds.

A gate is a look-ahead on the characters a match can start with; a pattern edited later without
its gate's character list would silently lose matches. This compares both on real notes and on
variants (case changes, accented and Turkish-dotted letters, punctuation).
"""

import csv
import dataclasses
import re

import pytest

from ingest import timeline
from ingest.normalize import clinical, common, demographics, imaging, labs, time_words
from ingest.normalize.common import FastPattern
from tests.conftest import SAMPLE_CSV

# the gate: a character class or a class escape (\d), after a word boundary or not (\b[sonv])
_GATED = re.compile(r"^\(\?=((?:\\b)?(?:\[(?:\\.|[^\]])*\]|\\[dw]))\)\(\?:(.*)\)$", re.S)


def gated_patterns():
    found = {}
    for module in (common, clinical, demographics, imaging, labs, time_words, timeline):
        for name, value in vars(module).items():
            candidates = [(name, value)]
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                candidates += [(f"{name}.{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value)]
            for label, obj in candidates:
                if isinstance(obj, FastPattern) and _GATED.match(obj.pattern):
                    found[f"{module.__name__}.{label}"] = obj
    return found


def corpus():
    with open(SAMPLE_CSV, newline="", encoding="utf-8") as fh:
        notes = sorted({row["clinical_notes"] for row in csv.DictReader(fh) if row["clinical_notes"]})
    texts = []
    for note in notes:
        texts += [note, note.upper(), note.swapcase(), note.replace("i", "ı").replace("I", "İ"),
                  note.replace("s", "ſ"), "(" + note.replace(" ", "\u00a0") + ")",
                  note.replace(",", ";").replace(".", ":")]
    texts += ["Patient intubated on day 3; O2 via nasal cannula.", "Maschio, 51 anni, TC e RX torace dopo 3 giorni.",
              "Temperatura 38,5 °C; SpO2 91%.", "Her husband and two co-workers were ill.", "à l'admission, J3."]
    return texts


PATTERNS = gated_patterns()


def test_there_are_gated_patterns():
    assert len(PATTERNS) >= 10


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_gated_pattern_equals_its_ungated_source(name):
    gated = PATTERNS[name]
    _, source = _GATED.match(gated.pattern).groups()
    plain = re.compile(source, gated.flags)
    for text in corpus():
        expected = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groups()) for m in gated.finditer(text)] == expected, (name, text[:80])


# --- Alternations gated inside every pattern (``common.gated_source``) -----------------------------

def _inner_gated():
    import gc

    import ingest.backfill  # noqa: F401 - compiles the backfill patterns too
    return {(p.pattern, p.flags): p for p in gc.get_objects()
            if isinstance(p, FastPattern) and p.unicode.pattern != p.pattern}


INNER_GATED = _inner_gated()


def test_most_patterns_have_gated_alternations():
    assert len(INNER_GATED) >= 100


@pytest.mark.parametrize("key", sorted(INNER_GATED, key=repr), ids=lambda k: k[0][:40])
def test_gated_alternations_find_what_the_source_finds(key):
    gated = INNER_GATED[key]
    plain = re.compile(gated.pattern, gated.flags)
    for text in corpus()[::4]:
        expected = [(m.span(), m.groups()) for m in plain.finditer(text)]
        assert [(m.span(), m.groups()) for m in gated.finditer(text)] == expected, (gated.pattern[:80], text[:80])


def test_gated_source_wraps_groups_and_keeps_what_it_cannot_read():
    gated = common.gated_source(r"\b(?P<n>\d+)\s+(?:(?:more|further|extra)\s+)?(?P<u>days?|weeks?|Tag)\s+later",
                                re.IGNORECASE)
    assert gated == (r"(?=[\d])(?:\b(?P<n>\d+)\s+(?:(?:(?=[efm])(?:more|further|extra))\s+)?"
                     r"(?P<u>(?=[dtw])(?:days?|weeks?|Tag))\s+later)")
    p = FastPattern(r"\b(?P<n>\d+)\s+(?:(?:more|further|extra)\s+)?(?P<u>days?|weeks?|Tag)\s+later", re.IGNORECASE)
    for text in ("3 days later", "3 more TAG later", "3 further weeks later", "3 ſomething days later", "3 TAG LATER"):
        assert [(m.span(), m.groups()) for m in p.finditer(text)] == [
            (m.span(), m.groups()) for m in re.finditer(p.pattern, text, re.IGNORECASE)]
    # after an alternative of any word, the words that follow it are gated apart, in their order
    hours = r"\b(?P<h>\w+|a\s+few|few|several)\s+hours|\bsame\s+day|\bnext\s+day|\bon\s+arrival"
    # (and, each alternative opening at a word's start, the whole pattern at word starts)
    assert common.gated_source(hours, re.IGNORECASE) == (
        r"(?<!\w)(?=[\w])(?:"
        r"\b(?P<h>\w+|(?=[afs])(?:a\s+few|few|several))\s+hours|(?=[nos])(?:\bsame\s+day|\bnext\s+day|\bon\s+arrival))")
    for text in ("a few hours later", "A FEW HOURS", "several hours", "on the same day", "NEXT DAY", "on arrival"):
        assert [(m.span(), m.groups()) for m in FastPattern(hours, re.IGNORECASE).finditer(text)] == [
            (m.span(), m.groups()) for m in re.finditer(hours, text, re.IGNORECASE)]
    # an optional group keeps matching nothing: its gate is inside it
    assert FastPattern(r"a(?:x|y|z)?b").search("ab").span() == (0, 2)
    # left alone: inline flags, a look-behind's groups, two alternatives, a literal prefix re skips to
    for source in (r"(?i:a|b|c)d", r"(?i)a|b|c", r"(?<=(?:a|b|c))\w", r"x(?:a|b)"):
        assert common.gated_source(source) == source
    assert common.gated_source(r"(?:ab|cd|ef)g") == r"(?:ab|cd|ef)g"  # re's own first-character set
    # case-insensitive, re has none: the whole pattern is gated (its first group with it)
    assert common.gated_source(r"(?:ab|cd|ef)g", re.IGNORECASE) == r"(?=[ace])(?:(?:ab|cd|ef)g)"


def test_a_pattern_opening_at_word_starts_is_gated_on_them():
    # every alternative opens with \b before a word character (a number or any word), or with (?<!\w):
    # a match starts only where no word character precedes it
    source = r"\b(?P<n>\d++|[^\W\d_]++|a\s+few)\s+(?P<u>days?|weeks?)\s+later|(?<!\w)[x\u00d7]\s?(?P<n2>\d+)\s+days?"
    assert common.gated_source(source, re.IGNORECASE).startswith(r"(?<!\w)(?=[\w×])(?:")
    p = FastPattern(source, re.IGNORECASE)
    texts = ("fever x 5 days", "cough ×3 days", "flux3 days", "three days later", "sixdays later", "A FEW WEEKS LATER",
             "abc12 days later", "dopo 3 giorni, 12 days later", "ıki days later", "Kelvın 4 days later")
    for text in texts:
        for pos in range(len(text)):
            assert [(m.span(), m.groups()) for m in p.finditer(text, pos)] == [
                (m.span(), m.groups()) for m in re.compile(source, re.IGNORECASE).finditer(text, pos)], (text, pos)
    # not gated: an alternative that may start inside a word, after a non-word character, or be empty
    for other in (r"\b\d+\s+days|later", r"\b(?:\s+)days", r"(?<!\d)[x×]\d+|\bfoo", r"\b(?:\w*)\s+days",
                  r"\b[A-H]\)\s+\w+|\b\w+"):
        assert not common.gated_source(other, re.IGNORECASE).startswith(r"(?<!\w)"), other


def test_alternatives_opening_with_a_boundary_share_one():
    # a run of alternatives opening with \b is tested once for the boundary, in every group but look-behinds;
    # the alternatives keep their order (leftmost first), groups and names their numbers
    assert common.factor_boundaries(r"\bx-?rays?\b|\bCXR\b|X线|\bRx\b") == r"\b(?:x-?rays?\b|CXR\b)|X线|\bRx\b"
    assert common.factor_boundaries(r"(?P<v>\bAP|\bPA|[ap]\.)\s(?P=v)") == r"(?P<v>\b(?:AP|PA)|[ap]\.)\s(?P=v)"
    for kept in (r"(?<=\ba|\bb)c", r"[|\b(]\ba|\bx", r"(?i)\ba|\bb", r"\\ba|\\bb", r"(?(1)\ba|\bb)"):
        assert common.factor_boundaries(kept) == kept, kept
    source = (r"\bx-?\s?rays?\b|\bxray\b|\bradiograph\w*|\bRx\s+torace|X线|胸片|\b(?P<n>\d+)\s+films?|(?<=\d)mm\b"
              r"|\bCT\b")
    p = FastPattern(source, re.IGNORECASE)
    assert r"\b(?:" in p.unicode.pattern
    for text in ("Chest X-ray and CXR", "radiographs; 2 films", "胸片示X线", "xray3 xray", "Rx torace, RX", "5mm CT",
                 "prex-ray", "İ X-RAY ı", "ſcan 3 FILMS"):
        assert [(m.span(), m.groups()) for m in p.finditer(text)] == [
            (m.span(), m.groups()) for m in re.finditer(source, text, re.IGNORECASE)], text
