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
