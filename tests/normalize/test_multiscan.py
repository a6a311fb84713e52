"""The multi-pattern prefilter (ingest/normalize/multiscan.py) never drops a match: every pattern it
gates finds, with the gate, the matches it finds without it, on the sample's notes, the speed bench's
notes, their sentences and windows of them (``finditer(text, lo, hi)``, as ``finditer_near`` scans)."""

from __future__ import annotations

import csv
import gc
import re
from pathlib import Path

import pytest

import ingest.backfill  # noqa: F401 - every normalizer's patterns made
from ingest.normalize import common, multiscan
from ingest.normalize.common import FastPattern, _ascii_alike

pytestmark = pytest.mark.skipif(not multiscan.available(), reason="hyperscan is not installed")

ROOT = Path(__file__).resolve().parents[2]


def _notes() -> list[str]:
    from bench.backfill_speed import unique_rows

    with open(ROOT / "tests" / "fixtures" / "reference" / "metadata-sample.csv", newline="", encoding="utf-8") as h:
        sample = list(csv.DictReader(h))
    notes = [row.get("clinical_notes") or "" for row in sample]
    notes += [row["clinical_notes"] for row in unique_rows(sample, 300)]
    return [n for n in dict.fromkeys(notes) if len(n) >= common._PREFILTER_FROM and (n.isascii() or _ascii_alike(n))]


def _gated() -> list[FastPattern]:
    multiscan.build()
    return [p for p in gc.get_objects() if isinstance(p, FastPattern) and p.hs is not None]


def _ungated(pattern: FastPattern, text: str, *args) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.ascii.finditer(text, *args)]


def _gated_spans(pattern: FastPattern, text: str, *args) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text, *args)]


def test_most_patterns_are_gated():
    patterns = [p for p in gc.get_objects() if isinstance(p, FastPattern)]
    assert len(_gated()) >= 0.9 * len(patterns)


def test_the_gate_drops_no_match_on_notes_sentences_and_windows():
    notes = _notes()
    assert len(notes) > 300
    texts = list(notes)
    for note in notes[:150]:
        texts += [note[a:b] for a, b in common.sentence_spans(note) if b - a >= common._PREFILTER_FROM]
    texts = list(dict.fromkeys(texts))
    missed = []
    ruled_out = 0
    for pattern in _gated():
        for text in texts:
            found = multiscan.candidates(text)
            if pattern.hs not in found:
                ruled_out += 1
            if _gated_spans(pattern, text) != _ungated(pattern, text):
                missed.append((pattern.pattern[:60], text[:60]))
        for note in notes[:40]:  # windows cut inside words and numbers: \b, $ and look-arounds at their edges
            for lo in range(0, len(note), 37):
                hi = min(len(note), lo + 53)
                if _gated_spans(pattern, note, lo, hi) != _ungated(pattern, note, lo, hi):
                    missed.append((pattern.pattern[:60], note[lo:hi]))
    assert not missed, missed[:10]
    assert ruled_out > 0  # the gate does rule patterns out


@pytest.mark.parametrize(("source", "flags", "text", "args"), [
    (r"\bfoo\b", 0, "xx foobar and more words", (3, 6)),  # a window ending inside a word
    (r"(?<=ab)cd$", 0, "zzzz abcd efgh ijkl", (0, 9)),  # a look-behind and an end at the window's edge
    (r"\bCT\b", re.IGNORECASE, "a chest ct was done on day 3", ()),
    (r"(?-i:CT)\s+scan", re.IGNORECASE, "the CT SCAN showed nothing new", ()),
    (r"(?i:ct)\s+SCAN", 0, "the Ct SCAN showed nothing new", ()),
    (r"dıa", re.IGNORECASE, "on the third DIA of illness and more", ()),  # a Turkish dotless i folds to I
    (r"fever\s+cough", 0, "a fever\x1ccough on admission day", ()),  # Unicode \s takes in \x1c-\x1f
    (r"fever[^a-z]{2,400}cough", 0, "fever " + "— " * 150 + "cough seen", ()),  # a long bounded repeat
    (r"(?:\d{1,3}|[a-z]+)-year-old", 0, "a seventy-year-old man’s film", ()),
    (r"[^\W\d_]+’s", 0, "the patient’s film and more", ()),
])
def test_the_gate_keeps_the_match(source, flags, text, args):
    pattern = FastPattern(source, flags)
    wanted = [m.span() for m in pattern.ascii.finditer(text, *args)]
    assert wanted  # the case is a match
    expression = multiscan.superset_source(pattern.ascii.pattern, pattern.ascii.flags)
    assert expression is not None
    import hyperscan

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[expression.encode()], ids=[0], elements=1, flags=[multiscan._HS_FLAGS])
    found = []
    db.scan(text.encode(), match_event_handler=lambda *a: found.append(a[0]))
    assert found == [0]


def test_a_pattern_that_may_match_nothing_or_refers_back_is_not_gated():
    assert multiscan.superset_source(r"\s*(?:old)?", 0) is None  # matches an empty string
    assert multiscan.superset_source(r"(a+)b\1", 0) is None  # a back-reference
    assert multiscan.superset_source(r"(?P<q>')?x(?(q)')", 0) is None  # a conditional


def test_without_the_package_a_pattern_keeps_todays_path(monkeypatch):
    monkeypatch.setattr(multiscan, "_hs", None)
    pattern = FastPattern(r"\bpneumonia\b", re.IGNORECASE)
    assert pattern.hs is None and not multiscan.unbuilt()
    assert pattern.search("a bilateral Pneumonia on the film").span() == (12, 21)
    assert pattern.search("a bilateral opacity on the film of day three") is None
