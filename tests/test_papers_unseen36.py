"""The thirty-sixth blind batch of papers (tests/fixtures/papers_unseen36/), through the rule it broke on the first
crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.papers import cases_from_article
from ingest.timeline import history_dates

UNSEEN36 = Path(__file__).parent / "fixtures" / "papers_unseen36"
SERIES = "PMC7363011_efetch.xml"  # Table 1 "Symptom onset to CT (days)"; patient 1: 4
INITIAL = "(a) Initial axial CT image shows a single subpleural ground-glass opacity in the right lower lobe (arrow)."
FOLLOW_UP = "(b) Follow-up axial CT image obtained 10 days later shows"
CITING = "on the follow-up CT obtained 10 days later, new"
REINFECTION = "PMC7363022_efetch.xml"  # first episode from 16 April 2020 (CT 21 April), second from 3 August
FIRST_ONSET = "presented on 16 April 2020 fever (38.2 °C), headache, myalgia and anosmia."
SECOND_ONSET = "On 3 August 2020, 109 days after the first episode, she developed again fever up to 39 °C, dry cough,"


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


# --- a reinfection: each episode's films count from its own onset; an onset told "presented on <date> <symptom>" ---

def _reinfection(replacements: dict[str, str]) -> list[tuple[str | None, str]]:
    """(offset, rule) of each image of the reinfection paper, its text edited by ``replacements``."""
    xml = (UNSEEN36 / REINFECTION).read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in xml
        xml = xml.replace(old, new)
    (case,) = cases_from_article(parse_jats(xml.encode("utf-8")))
    by_position = {r.image_position: (r.value, r.rule) for r in normalize_case(case) if r.field == "offset"}
    return [by_position[i.position] for i in sorted(case.images, key=lambda i: i.position)]


@pytest.mark.parametrize("first_onset", [
    FIRST_ONSET,
    # the same turn with the symptom first ("apresentou febre desde 16 de abril")
    "presented fever, headache and anosmia since 16 April 2020.",
    "presented fever on 16 April 2020, with headache and anosmia.",
])
def test_a_reinfections_first_episode_counts_from_its_own_onset(first_onset):
    offsets = _reinfection({FIRST_ONSET: first_onset})
    assert [value for value, _ in offsets] == ["5", "3", "3", "7"]  # 16 -> 21 April; 3 -> 6, 6, 10 August
    assert offsets[0][1] == "timeline.date-since-episode-onset"
    assert {rule for _, rule in offsets[1:]} == {"timeline.date-since-onset"}


@pytest.mark.parametrize("history, onset, admission", [
    ("A 37-year-old woman presented on 16 April 2020 fever (38.2 °C) and headache.", "16 April 2020", None),
    ("She presented fever and dry cough since 3 March 2020. She was admitted on 6 March.", "3 March 2020",
     "6 March"),
    # "presented with" / "presented to": the presentation, as before
    ("She presented with fever on 3 March 2020. She was admitted on 6 March.", None, None),
    ("She presented on 3 March 2020 with fever.", None, "3 March 2020"),
    ("She presented to the emergency department on 3 March 2020, fever and cough since 1 March.", "1 March",
     "3 March 2020"),
    # another event between the symptom and the date
    ("She presented fever and was admitted on 5 March 2020.", None, "5 March 2020"),
])
def test_presented_taking_the_symptom_as_its_object_dates_the_onset(history, onset, admission):
    found_onset, found_admission = history_dates(history)
    assert (found_onset[1] if found_onset else None) == onset
    assert (found_admission[1] if found_admission else None) == admission


@pytest.mark.parametrize("replacements", [
    # the later onset not told as the illness's return: two onsets, which one the films count from is not said
    {SECOND_ONSET: "On 3 August 2020, 109 days after the first episode, she developed fever up to 39 °C, dry cough,"},
    # told "again" within the same illness (under two months after the first onset): no second episode
    {SECOND_ONSET: "On 3 May 2020, after the negative tests, she developed again fever up to 39 °C, dry cough,"},
])
def test_no_episode_without_the_illness_told_again_months_later(replacements):
    offsets = _reinfection(replacements)
    assert all(rule != "timeline.date-since-episode-onset" for _, rule in offsets)
