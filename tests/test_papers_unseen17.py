"""Patients, findings and timelines of the seventeenth blind batch of papers (tests/fixtures/papers_unseen17/),
each through the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.normalize.imaging import normalize_finding
from ingest.papers import cases_from_article
from tests.test_papers_unseen15 import offsets

UNSEEN17 = Path(__file__).parent / "fixtures" / "papers_unseen17"


# --- The members of one household a title is about are its patients ---------------------------------

@pytest.mark.parametrize("title", [
    "Different CT courses of COVID-19 pneumonia in three members of one household (patient 1)",
    "COVID-19 pneumonia in members of the same family",
    "Chest CT findings of COVID-19 among four family members",
    "We describe three household members with COVID-19 pneumonia",
])
def test_the_members_of_one_household_a_title_is_about_are_its_patients(title):
    """Radiology Case Reports' household series: its title's "COVID-19" was taken for the relatives' (no
    finding for patients 1 and 2; patient 3 got 'No Finding' from "a normal chest radiograph at admission")."""
    assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19"


@pytest.mark.parametrize("text", [
    "COVID-19 pneumonia in a man whose household members were infected",
    "Pneumonia in a woman whose family members had COVID-19",
])
def test_relatives_who_are_not_the_reports_patients_still_disqualify(text):
    assert normalize_finding(text).value != "Pneumonia/Viral/COVID-19"


def test_the_household_series_gives_each_patient_the_titles_finding():
    cases = cases_from_article(parse_jats((UNSEEN17 / "PMC7170022_efetch.xml").read_bytes()))
    findings = [next(r.value for r in normalize_case(c) if r.field == "finding") for c in cases]
    assert findings == ["Pneumonia/Viral/COVID-19"] * 3


# --- A relative who tells the patient's history ---------------------------------------------------

@pytest.mark.parametrize("history, offset", [
    ("A woman in her seventies was brought in by her daughter. Her daughter reported that she had had a "
     "low-grade fever for the previous three days, so she was admitted on day 4 of her illness.", 4),
    ("A 60-year-old man was admitted. His wife reported that he had had fever for three days.", 3),
    ("A 60-year-old woman was admitted. Her husband said that she had had fever for five days.", 5),
    ("A 70-year-old woman was admitted. According to her son, she had had a cough for six days.", 6),
])
def test_a_relative_telling_the_patients_history_is_the_informant(history, offset):
    """EJCRIM: "Her daughter reported that she had had ... fever ... for the previous three days, so she was
    admitted on day 4 of her illness" was read as the daughter's story: the admission film had no offset."""
    assert offsets(history, "Chest radiograph on admission") == [offset]


@pytest.mark.parametrize("history", [
    # the pronoun is the relative's own: the relative's fever, not the patient's
    "A 60-year-old man was admitted. His wife reported that she had had fever for three days.",
    "A 60-year-old woman was admitted. Her husband said that he had had fever for five days.",
])
def test_a_relative_telling_their_own_history_is_still_another_person(history):
    assert offsets(history, "Chest radiograph on admission") not in ([3], [5])


# --- One moment told for several panels of a legend --------------------------------------------------

def test_panels_sharing_their_legends_moment_count_from_the_film_before_the_figure():
    """RSNA "Images in": Figure 2 "(a) Axial and (b) coronal CT images obtained 9 days later" after Figure 1
    (day 6): both panels are day 15; (b) was counted from (a) (24)."""
    cases = cases_from_article(parse_jats((UNSEEN17 / "PMC7170055_efetch.xml").read_bytes()))
    (case,) = cases
    by_position = {r.image_position: int(r.value) for r in normalize_case(case) if r.field == "offset"}
    assert [by_position[i.position] for i in sorted(case.images, key=lambda i: i.position)] == [6, 6, 15, 15]


def test_panels_with_moments_of_their_own_still_count_in_order():
    """"(a) on admission; (b) 5 days later": (b) is its own exam, 5 days after (a)."""
    assert offsets("A 50-year-old man had fever for 3 days before admission.",
                   "Chest radiograph on admission.", "Axial CT 5 days later.") == [3, 8]


# --- A normal film in a patient's story is no diagnosis ------------------------------------------------

def test_a_normal_film_in_a_series_patients_story_is_not_her_finding():
    """The household series' patient 3 got 'No Finding' from "had a normal chest radiograph at admission"
    before the CT showing her ground-glass opacities: with a title that names no finding, blank."""
    from ingest.records import CaseRecord

    case = CaseRecord(source="publications", source_key="p#patient3", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC1/",
                      title="Different CT courses in three adults (patient 3)", extra={"patients": 3},
                      history="Patient 3, their daughter, had a normal chest radiograph at admission. Because of "
                              "persistent cough, chest CT showed subtle peripheral ground-glass opacities.")
    finding = next((r for r in normalize_case(case) if r.field == "finding"), None)
    assert finding is None or finding.value is None


def test_a_series_patients_story_still_gives_the_disease_it_names():
    """A guard: the story's own disease is still read (passes on the old code too)."""
    from ingest.records import CaseRecord

    case = CaseRecord(source="publications", source_key="p#patient2", url="https://pmc.ncbi.nlm.nih.gov/articles/PMC1/",
                      title="Different CT courses in three adults (patient 2)", extra={"patients": 3},
                      history="Patient 2 tested positive for SARS-CoV-2 by RT-PCR; CT showed ground-glass opacities.")
    assert next(r.value for r in normalize_case(case) if r.field == "finding") == "Pneumonia/Viral/COVID-19"
