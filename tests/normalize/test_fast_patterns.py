"""The ASCII-mode twins of the normalizers' patterns find exactly what the Unicode patterns find."""

from __future__ import annotations

import gc
import random
import re

import ingest.backfill  # noqa: F401 - compiles the backfill patterns too
from ingest.normalize.common import (
    FastPattern,
    _ascii_alike,
    _ascii_twin_source,
    clause_at,
    first_gate,
    sentence_at,
    sentence_spans,
)


def _all_patterns() -> list[FastPattern]:
    return [o for o in gc.get_objects() if isinstance(o, FastPattern)]


def test_twins_exist_and_keep_groups():
    patterns = _all_patterns()
    assert len(patterns) > 100
    for p in patterns:
        assert p.ascii.groupindex == p.unicode.groupindex and p.ascii.groups == p.unicode.groups


def test_unsafe_sources_are_not_twinned():
    assert _ascii_twin_source("(?i:\u212a)") is None  # the Kelvin sign folds to "k" where the flag holds
    assert _ascii_twin_source("[a-\u0131]") is None  # a range's end
    assert _ascii_twin_source(r"[\S]") is None
    assert _ascii_twin_source(r"a\sb") == r"a[\s\x1c-\x1f]b"
    assert _ascii_twin_source(r"[\s-]") == r"[\s\x1c-\x1f-]"
    assert _ascii_twin_source(r"\\s") == r"\\s"


def test_every_pattern_has_its_ascii_twin():
    """A pattern without its twin scans every note in Unicode mode, two to three times slower: a Turkish
    "ı" written in a hot pattern once cost backfill 7% of its CPU unnoticed."""
    assert [p.pattern[:60] for p in _all_patterns() if p.ascii is p.unicode] == []


def test_letters_folding_to_ascii_are_twinned_with_their_ascii_letters():
    assert _ascii_twin_source("bilgisayarl[\u0131i]") == "bilgisayarl[\u0131Iii]"
    assert _ascii_twin_source("\u212a") == "[\u212aKk]"
    assert _ascii_twin_source("\u0131", ignorecase=False) == "\u0131"
    p = FastPattern("\\bbilgisayarl\u0131\\b|\\bba[\u015fs]vuru\\b", re.IGNORECASE)
    assert p.ascii is not p.unicode
    for text in ("BILGISAYARLI", "bilgisayarli", "Bilgisayarl\u0131", "BASVURU", "basvuru", "ba\u015fvuru",
                 "bilgisayarl\u0130"):
        assert [m.span() for m in p.finditer(text)] == [m.span() for m in p.unicode.finditer(text)], text


def test_ascii_separators_match_as_in_unicode():
    p = FastPattern(r"a\s+b\S", re.IGNORECASE)
    for text in ("a\x1cbc", "A\x1f\x1dBc", "a bc", "a\tb\x1e"):
        assert [m.span() for m in p.finditer(text)] == [m.span() for m in p.unicode.finditer(text)]


def test_random_texts_match_alike():
    rng = random.Random(5)
    words = ("day", "days", "Day 3", "ICU", "icu", "intubated", "PA", "AP", "ap", "38.5", "°C", "C", "x-ray", "CT",
             "(a)", "A,", "B.", "fever", "male", "woman", "his", "she", "no", "not", "but", ";", ".", ",", "\x1c",
             "\n", "\t", "SpO2", "92%", "WBC", "9.1", "x10^9/L", "RT-PCR", "positive", "negative", "COVID-19",
             "pneumonia", "2020", "March", "3", "12/03/2020", "years", "old", "65-year-old", "44M", "wife", "patients",
             "if", "may", "Fig. 2b", "after", "two", "weeks", "later", "onset", "_", "-",
             # Turkish words as ASCII text writes them (patterns hold "[ıi]")
             "BILGISAYARLI", "tomografi", "basvuru", "siRASINDA", "yatisinin", "4.", "gununde", "yasinda")
    texts = []
    for _ in range(300):
        texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))))
        texts.append("".join(rng.choice(words) for _ in range(rng.randint(1, 20))))
    for p in _all_patterns():
        for text in texts:
            expected = [(m.span(), m.groups()) for m in p.unicode.finditer(text)]
            assert [(m.span(), m.groups()) for m in p.finditer(text)] == expected, (p.pattern, text)
            n = len(text)
            assert bool(p.search(text, n // 3, n)) == bool(p.unicode.search(text, n // 3, n))


def test_texts_with_typographic_punctuation_run_the_twin_and_match_alike():
    # quotes, dashes, degrees, times, ellipses: no word character, space or case in either mode
    assert _ascii_alike("Fever – 3 days’ history, 38.5 °C, WBC 9×10^9/L… “improving”")
    # a letter, a micro sign, a Kelvin sign, a dotted I, a no-break space, a superscript: not alike
    for text in ("febbre é", "5 µg", "\u212a", "\u0130", "a\u00a0b", "10²", "\u0661"):
        assert not _ascii_alike("x – " + text)
    rng = random.Random(7)
    words = ("day", "Day 3", "days’", "–", "—", "°C", "38.5°", "“CT”", "…", "×10^9/L", "ICU", "PA", "AP", "her",
             "he’s", "COVID‑19", "2–3", "weeks", "later", "after", "two", "male", "woman", "no", ";", "(a)", "Fig. 2b",
             "since", "for", "fever", "SpO2", "92%", "\x1c", "\n", "onset", "admission", "discharged", "x-ray", "CT")
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40))) for _ in range(300)]
    assert sum(_ascii_alike(t) for t in texts if not t.isascii()) > 200
    for p in _all_patterns():
        for text in texts:
            assert [(m.span(), m.groups()) for m in p.finditer(text)] == [
                (m.span(), m.groups()) for m in p.unicode.finditer(text)], (p.pattern, text)


def test_first_gate_reads_the_first_characters_and_keeps_the_matches():
    phrase = FastPattern(r"\b(?:re-?)?intubat\w*|(?<!non-)\binvasive\s+ventilation|\bET\s?T\b|(?:x|y)?z",
                         re.IGNORECASE)
    gated = first_gate(phrase)
    assert gated.pattern.startswith("(?=[eirxyz])")
    texts = ["Re-intubated on day 3", "non-invasive ventilation", "INVASIVE VENTILATION", "ETT tip", "set", "xz yz z",
             "Intubation was deferred; reintubated", "\u212a ETT", "eTT e T T"]
    for text in texts:
        assert [(m.span(), m.groups()) for m in gated.finditer(text)] == [
            (m.span(), m.groups()) for m in phrase.unicode.finditer(text)]
    # what it cannot read stays as it is: a class of any word, a digit, an empty match, a gate already there
    digits = first_gate(FastPattern(r"\bCTs?\b|\b\d+\s*mm\s+slices", re.IGNORECASE))
    assert digits.pattern.startswith(r"(?=[\dc])")
    for text in ("1 mm slices", "\u0661 mm slices", "ct", "5mm SLICES"):  # an Arabic-Indic digit is a \d too
        assert [m.span() for m in digits.finditer(text)] == [m.span() for m in re.finditer(
            r"\bCTs?\b|\b\d+\s*mm\s+slices", text, re.IGNORECASE)]
    for source in (r"\w+day", r"[0-9a-z]+", r"a?b?", r"(?=[ab])(?:a|b)"):
        assert first_gate(FastPattern(source, re.IGNORECASE)).pattern == source
    assert first_gate(FastPattern(r"(?i:icu)|ITU")).pattern == r"(?i:icu)|ITU"  # "ICU" would miss a gate [iI]


def test_sentence_and_clause_lookups():
    text = "Fever for 3 days, but no cough. CT: ground glass;  he was intubated.\nDay 5 - improving"
    spans = sentence_spans(text)
    for i in range(-1, len(text) + 1):
        expected = next(((s, e) for s, e in spans if s <= i < e), (0, len(text)))
        assert sentence_at(text, i) == expected
    assert clause_at(text, text.index("cough")) == (text.index(", but") + len(", but"), text.index(".") + 1)
