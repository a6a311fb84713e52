"""Patients and timelines of the thirtieth blind batch of papers (tests/fixtures/papers_unseen30/), each through the
rule it broke on the first crawl: the classes of writing and markup, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.normalize.common import about_other_person
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article
from ingest.patients import split_patients
from ingest.timeline import onset_gap
from tests.jats_cases import image_offsets

UNSEEN30 = Path(__file__).parent / "fixtures" / "papers_unseen30"
COHORT = "PMC7300011_efetch.xml"
LETTER = "PMC7300022_efetch.xml"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN30 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _panels(count: int) -> PanelSplit:
    width = 340 * count + 12 * (count - 1)
    boxes = [(i * 352, 0, i * 352 + 340, 340) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=340)


def _field(case, field: str) -> str | None:
    return next((r.value for r in normalize_case(case) if r.field == field), None)


def _by_patient(name: str, replace: tuple[str, str] = ("", ""), splits: dict[int, int] | None = None) -> dict:
    cases = cases_from_article(_article(name, replace),
                               panel_splits={n: _panels(k) for n, k in (splits or {}).items()})
    return {case.extra.get("patient_number"): case for case in cases}


# --- a legend's descriptor before the patient's number (a cohort's figures pointing to its table) ----------------

def test_a_legend_introducing_a_patient_before_their_number_gives_their_age():
    """Insights into Imaging: "A 58-year-old man (patient 7 in Table 2) with fever and cough." (Table 2 gives his
    age as "50–59" only): 58 (blank on the first crawl)."""
    assert _field(_by_patient(COHORT)[7], "age") == "58"


def test_the_same_legend_keeps_the_patients_sex():
    assert _field(_by_patient(COHORT)[7], "sex") == "M"


def test_a_patient_the_legends_name_by_number_only_keeps_the_tables_decade_blank():
    """"Patient 12 (Table 2), with a history of hypertension" (Table 2: F, "60–69"): no age, the sex the table's."""
    patient = _by_patient(COHORT)[12]
    assert _field(patient, "age") is None
    assert _field(patient, "sex") == "F"


def test_a_legend_numbering_the_patient_before_the_descriptor_still_reads():
    """"Serial axial CT images of patient 3, a 34-year-old woman" (the rule before this batch)."""
    assert _field(_by_patient(COHORT)[3], "age") == "34"


def test_the_number_after_the_descriptor_in_commas():
    captions = ["A 71-year-old woman, case 2, with dyspnoea. Axial CT.", "Case 1. Axial CT."]
    patients = {p.number: p for p in split_patients(["Case 1 had fever."], captions)}
    assert (patients[2].descriptor.age, patients[2].descriptor.sex) == (71, "F")


def test_another_patients_possessive_after_the_descriptor_is_not_their_number():
    """"a 40-year-old man, patient 2's husband": the husband is not patient 2."""
    captions = ["Axial CT of a 40-year-old man, patient 2's husband.", "Patient 1. Axial CT.", "Patient 2. Axial CT."]
    patients = {p.number: p for p in split_patients(["Patient 1 had fever.", "Patient 2 had cough."], captions)}
    assert patients[2].descriptor is None


# --- an apposition of two noun phrases joined by "and" names the patient -----------------------------------------

CASE_2 = ("Case 2, a 39-year-old man and a colleague of case 1, visited the fever clinic on February 3 with a "
          "2-day history of cough and fatigue, without fever.")


def test_an_apposition_joined_by_and_names_the_patient_not_another_person():
    start = CASE_2.index("2-day")
    assert not about_other_person(CASE_2, start, start + len("2-day history"))


def test_the_patients_history_in_that_sentence_is_their_onset():
    assert onset_gap(CASE_2) == (2, "2-day history")


def test_a_clause_joined_by_and_is_still_another_persons():
    """"and his wife had ...", "a nurse, and her colleague had ...": the history is the other person's."""
    assert onset_gap("Case 2, and his wife had a 2-day history of cough.") is None
    assert onset_gap("Case 2, a nurse, and her colleague had a 2-day history of cough.") is None


def test_the_letters_second_case_is_counted_from_his_own_onset():
    """J Infect letter: case 2's "a 2-day history of cough" at the first visit (Fig. 1B) and "4 days later" (Fig.
    1C): 2 and 6 (0 and 4 on the first crawl, his first visit taken as day 0)."""
    first_visit, later = image_offsets(_by_patient(LETTER, splits={1: 3})[2])
    assert first_visit == "2"
    assert later == "6"


def test_the_letters_first_case_keeps_her_onset():
    assert image_offsets(_by_patient(LETTER, splits={1: 3})[1]) == ["3"]
