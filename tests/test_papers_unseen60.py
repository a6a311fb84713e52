"""The sixtieth blind batch of papers (tests/fixtures/papers_unseen60/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.patients import numbers_in
from tests.jats_cases import by_patient, case_value, file_cases, image_offsets, image_values

UNSEEN60 = Path(__file__).parent / "fixtures" / "papers_unseen60"
NURSES = "PMC7600033_efetch.xml"  # a letter: the index patient "a 66-year-old man", then "Nurse A", "nurse B"


def _cases(name: str, replacements: dict[str, str] | None = None):
    return file_cases(UNSEEN60 / name, replacements)


# --- health care workers named by a letter are the paper's patients --------------------------------------------------

def test_nurses_named_by_a_letter_are_the_patients_not_the_index_patient():
    """"Nurse A, 32 years old, ...; nurse B, 27 years old, male", legends "Chest CT of nurse A." / "of nurse B": each
    nurse a patient with her or his figure (was one patient, the index patient "a 66-year-old man" with no image, M
    66 on every figure)."""
    cases = by_patient(_cases(NURSES))
    assert sorted(cases) == ["patient1", "patient2"]
    nurse_a, nurse_b = cases["patient1"], cases["patient2"]
    assert (case_value(nurse_a, "sex"), case_value(nurse_a, "age")) == ("F", "32")
    assert (case_value(nurse_b, "sex"), case_value(nurse_b, "age")) == ("M", "27")
    assert len(nurse_a.images) == 2 and len(nurse_b.images) == 2
    assert image_offsets(nurse_b) == ["3", "3"]  # the table's onset 26 January, the legend's 29 January
    assert image_values(nurse_b, "view") == ["Axial", "Coronal"]


def test_other_staff_words_and_a_letter_name_a_patient_too():
    (doctor_a, doctor_b) = _cases(NURSES, {"Nurse A": "Doctor A", "nurse A": "doctor A", "nurse B": "physician B",
                                           "Nurse B": "Physician B"})
    assert (case_value(doctor_a, "age"), case_value(doctor_b, "age")) == ("32", "27")
    for text, number in (("Chest CT of nurse B, 29 January", 2), ("HCW C developed fever", 3),
                         ("Doctor A had a cough", 1)):
        assert numbers_in(text) == [number], text


def test_a_nurse_beside_a_panel_or_a_view_names_no_patient():
    for text in ("the nurse (A) helped", "a nurse A-P portable film", "the nurse A/B team", "nurse an hour later",
                 "the nurses A and B"):
        assert numbers_in(text) == [], text


# --- a "since <date>" is an onset only where its sentence tells of being ill -----------------------------------------

def test_since_a_date_that_dates_a_measure_is_no_onset():
    """"Since 24 January, all staff of our hospital use N95 respirators ...": a measure's start; nurse A's onset is
    her table's 25 January (was none: two onsets, the films blank)."""
    nurse_a = by_patient(_cases(NURSES))["patient1"]
    assert image_offsets(nurse_a) == ["2", "9"]


def test_since_a_date_with_a_symptom_or_being_ill_stays_the_onset():
    from ingest.timeline import history_dates
    for text in ("Since 10 March 2020 he had fever and dry cough.", "She was unwell since March 10, 2020.",
                 "Dal 10 marzo 2020 febbre e tosse."):
        onset, _ = history_dates(text, day_first=True)
        assert onset is not None and onset[0].isoformat() == "2020-03-10", text
    for text in ("Since 24 January 2020, all staff of the hospital use N95 respirators.",
                 "Since March 2020 the ward has been reserved for patients with COVID-19."):
        assert history_dates(text)[0] is None, text
