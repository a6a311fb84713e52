"""The thirty-sixth blind batch of papers (tests/fixtures/papers_unseen36/), through the rule it broke on the first
crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.papers import cases_from_article

UNSEEN36 = Path(__file__).parent / "fixtures" / "papers_unseen36"
SERIES = "PMC7363011_efetch.xml"  # Table 1 "Symptom onset to CT (days)"; patient 1: 4
INITIAL = "(a) Initial axial CT image shows a single subpleural ground-glass opacity in the right lower lobe (arrow)."
FOLLOW_UP = "(b) Follow-up axial CT image obtained 10 days later shows"
CITING = "on the follow-up CT obtained 10 days later, new"


def _patient_1(replacements: dict[str, str]) -> dict[str, tuple[str, str]]:
    xml = (UNSEEN36 / SERIES).read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in xml
        xml = xml.replace(old, new)
    cases = {c.extra.get("patient_number"): c for c in cases_from_article(parse_jats(xml.encode("utf-8")))}
    return {i.label: (i.date_text, i.extra.get("date_from", "")) for i in cases[1].images}


# --- a table's "symptom onset to CT" days and two CTs of one patient, the later told after the first --------------

@pytest.mark.parametrize("replacements, later", [
    ({}, "10 days later"),
    ({FOLLOW_UP: "(b) Repeat CT performed two weeks later shows", CITING: "on the repeat CT two weeks later, new"},
     "two weeks later"),
    ({INITIAL: "(a) Baseline axial CT image shows a subpleural ground-glass opacity.",
      FOLLOW_UP: "(b) Control CT one week later shows"}, "one week later"),
])
def test_the_tables_days_to_ct_date_the_first_ct_when_the_other_is_told_after_it(replacements, later):
    panels = _patient_1(replacements)
    first_words, first_from = panels["a"]
    assert first_words == "Table 1, patient 1: CT 4 days after symptom onset"
    assert first_from == "the table of patients"
    later_words, later_from = panels["b"]
    assert later_words == later
    assert later_from != "the table of patients"


@pytest.mark.parametrize("replacements", [
    # the second CT dated by its own date: which CT the table counts is not said
    {FOLLOW_UP: "(b) Axial CT image of 20 April 2020 shows", CITING: "on a second CT, new"},
    # two planes of one exam ("coronal", no moment): not a first and a later CT
    {FOLLOW_UP: "(b) Coronal CT image shows", CITING: "on the coronal image, new"},
    # the first CT's own legend names a moment of its own
    {INITIAL: "(a) Axial CT image on the day of admission shows an opacity."},
])
def test_two_cts_whose_order_the_words_do_not_tell_take_no_day_from_the_table(replacements):
    panels = _patient_1(replacements)
    assert all(where != "the table of patients" for _, where in panels.values())
