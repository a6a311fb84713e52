"""Patients of the twenty-ninth blind batch of papers (tests/fixtures/papers_unseen29/), each through the rule it
broke on the first crawl: the classes of writing and markup, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.papers import cases_from_article
from ingest.patients import split_patients
from ingest.timeline import history_dates, onset_gap

UNSEEN29 = Path(__file__).parent / "fixtures" / "papers_unseen29"
CLUSTER = "PMC7290033_efetch.xml"


def _ages(name: str, replace: tuple[str, str] = ("", "")) -> list[str | None]:
    xml = (UNSEEN29 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    ages = []
    for case in cases_from_article(parse_jats(xml.encode())):
        ages.append(next((r.value for r in normalize_case(case) if r.field == "age"), None))
    return ages


# --- a cluster's index patient, numbered only by the legends ----------------------------------------------------

def test_the_index_patient_a_legend_numbers_is_introduced_by_the_paragraph_opening_on_them():
    """Respir Med Case Rep: "The index patient, a man aged 45, returned ...", "His son (case 2), aged 19",
    "His wife (case 3), a 50s woman"; the legend "Case 1 (index patient)": 45 (blank on the first crawl), 19,
    and the wife's decade no age."""
    assert _ages(CLUSTER) == ["45", "19", None]


def test_the_index_patient_introduced_by_descriptor_before_who():
    """The same with the age before the title's person ("The index case, a 61-year-old woman, ...",
    "Patient 1 (index case)" in the legend, "her husband (patient 2)" in the body)."""
    paragraphs = ["The index case, a 61-year-old woman, had fever from 2 March.",
                  "Her husband (patient 2), aged 64, had cough from 5 March."]
    captions = ["Patient 1 (index case). Axial CT on 4 March.", "Patient 2. Axial CT on 8 March."]
    first, second = split_patients(paragraphs, captions)
    assert (first.number, first.descriptor.age, first.descriptor.sex) == (1, 61, "F")
    assert (first.paragraphs, first.title) == ([paragraphs[0]], "index case")
    assert second.number == 2


def test_no_legend_numbering_the_index_patient_leaves_them_unintroduced():
    """Without a legend saying which number the index patient is, "The index patient" is no one's number: no
    age is given to patient 1 from it (a title alone could be any of the cluster's patients)."""
    ages = _ages(CLUSTER, ("Case 1 (index patient). Axial", "Case 1. Axial"))
    assert ages[0] is None
    assert ages[1] == "19"


def test_a_paragraph_numbering_another_patient_is_not_the_index_patients():
    """A paragraph opening on the index patient that numbers another patient in its first sentence ("The index
    patient's daughter (patient 3), aged 30, ...") is not the index patient's."""
    paragraphs = ["The index patient infected her daughter (patient 3), aged 30, on 2 March.",
                  "Patient 2, a 64-year-old man, had cough from 5 March."]
    captions = ["Patient 1 (index patient). Axial CT.", "Patient 2. Axial CT.", "Patient 3. Axial CT."]
    patients = {p.number: p for p in split_patients(paragraphs, captions)}
    assert patients[1].paragraphs == []
    assert patients[1].descriptor is None


# --- an onset told as the date a symptom started on ------------------------------------------------------------

def _offsets(name: str) -> list[list[str | None]]:
    """Each case's image offsets, in image order."""
    xml = (UNSEEN29 / name).read_text()
    return [[r.value for r in normalize_case(case) if r.field == "offset"]
            for case in cases_from_article(parse_jats(xml.encode()))]


def test_a_symptom_started_on_a_date_is_the_onset():
    """"His fever and myalgia started on 11 March and he applied to our hospital on 14 March": 11 March the
    onset (the admission's film 3, the control CT on 21 March 10; 0 and blank on the first crawl); the son's
    "He had cough starting on 15 March": his CT on 17 March 2 (blank)."""
    offsets = _offsets(CLUSTER)
    assert offsets[0] == ["3", "10"]
    assert offsets[1] == ["2"]


def test_started_on_and_starting_on_date_the_onset():
    onset, admission = history_dates("Her cough started on 2 March. She was admitted on 6 March.")
    assert (onset[0].month, onset[0].day) == (3, 2)
    assert (admission[0].month, admission[0].day) == (3, 6)
    onset, admission = history_dates("He had cough starting on 15 March, without fever.")
    assert (onset[0].month, onset[0].day) == (3, 15)
    assert admission is None


def test_applied_to_a_hospital_is_the_admission():
    """"applied to our hospital" (Turkish and Iranian authors' English for the presentation) dates the admission,
    not a second onset beside the symptom's."""
    onset, admission = history_dates("His fever started on 11 March and he applied to our hospital on 14 March.")
    assert (onset[0].month, onset[0].day) == (3, 11)
    assert (admission[0].month, admission[0].day) == (3, 14)
    onset, admission = history_dates("She applied to the emergency department on 20 March with cough.")
    assert onset is None
    assert (admission[0].month, admission[0].day) == (3, 20)


def test_a_treatment_of_a_symptom_started_on_a_date_is_no_onset():
    """"Paracetamol treatment for fever starting on 3 March": the treatment's start, not the symptom's (guard)."""
    onset, admission = history_dates("Paracetamol treatment for fever starting on 3 March. She was admitted on 6 "
                                     "March.")
    assert onset is None
    assert (admission[0].month, admission[0].day) == (3, 6)


# --- a relative named in an aside describing the patient ---------------------------------------------------------

def test_a_relative_in_an_aside_about_the_patient_leaves_the_history_hers():
    """J Med Case Reports: "A 48-year-old Hispanic woman, recipient of a living-donor kidney from her brother in
    2017, came to the transplant clinic complaining of myalgia and low-grade fever for 3 days": her only film, a CT
    "the same day", is day 3 (blank on the first crawl: the brother made the span someone else's)."""
    assert _offsets("PMC7290011_efetch.xml")[1] == ["3"]


def test_a_relatives_aside_object_does_not_make_the_span_theirs():
    history = ("A 52-year-old man, who had received a kidney from his sister, presented with cough for 4 days.")
    assert onset_gap(history) == (4, "for 4 days")
    assert onset_gap("She, like her husband, had fever for 5 days.") == (5, "for 5 days")


def test_a_relative_as_the_clauses_subject_keeps_the_span_theirs():
    """Guards: the relative set off by commas as the subject ("In March, her husband, a teacher, had fever for 3
    days"), or outside the aside ("Her husband, like her, had fever for 3 days"): no onset of the patient's."""
    assert onset_gap("In March, her husband, a teacher, had fever for 3 days.") is None
    assert onset_gap("Her husband, like her, had fever for 3 days.") is None


def test_a_symptom_on_a_date_without_a_verb_of_its_start_is_no_symptom_start():
    """Guard: "He had become ill with fever on January 17, ... was admitted on January 22" (the real sample's NEJM
    note, whose curators count its film "on admission" as 0): "fever on" a date is no "started on"; the onset stays
    the cues' reading as before."""
    history = ("On January 22, 2020, a 65-year-old man was admitted to the emergency department for low-grade fever. "
               "He had become ill with fever on January 17.")
    assert history_dates(history) == history_dates(history.replace("ill with fever on", "ill on"))


# --- a couple told in one sentence, a clause each ("The husband ... had fever since 6 days; the wife ... reported
# cough and fever started 3 days before") -------------------------------------------------------------------------

COUPLE = "PMC7290044_efetch.xml"
PAIR = "On 3 March a 70-year-old man and his 68-year-old wife were admitted to our hospital."


def test_each_spouses_onset_is_read_from_their_own_clause():
    # the husband's film at admission 6 days into his fever, the wife's 3 days into hers (both 0 before: the
    # admission counted from, "The husband" read as someone other than the patient)
    assert _offsets(COUPLE) == [["6"], ["3"]]


@pytest.mark.parametrize("sentence, his, hers", [
    ("The husband had fever for 5 days; the wife had cough for 2 days.", "The husband had fever for 5 days;",
     "the wife had cough for 2 days."),
    ("He had fever for 5 days; she had cough for 2 days.", "He had fever for 5 days;", "she had cough for 2 days."),
])
def test_a_clause_after_a_semicolon_naming_the_other_patient_is_theirs(sentence, his, hers):
    husband, wife = split_patients([f"{PAIR} {sentence}"], [])
    assert husband.paragraphs == [f"{PAIR} {his}"]
    assert wife.paragraphs == [hers]


def test_a_clause_after_a_semicolon_about_the_same_patient_stays_theirs():
    husband, wife = split_patients([f"{PAIR} The husband had fever for 5 days; he needed oxygen. The wife had cough "
                                    "for 2 days."], [])
    assert husband.paragraphs == [f"{PAIR} The husband had fever for 5 days; he needed oxygen."]
    assert wife.paragraphs == ["The wife had cough for 2 days."]


@pytest.mark.parametrize("history, gap", [
    # the text introducing the pair is the first one's: "the husband" is its patient, "the wife" someone else
    ("A 70-year-old man and his 68-year-old wife were admitted. The husband had fever for 5 days.", 5),
    ("A 70-year-old man and his 68-year-old wife were admitted. The wife had fever for 5 days.", None),
    ("A 36-year-old woman and her 9-year-old son were admitted. The mother had fever for 4 days.", 4),
    ("A 36-year-old woman and her 9-year-old son were admitted. The son had fever for 4 days.", None),
    # the second one's own text, opening on them as the relation: "the wife" is its patient
    ("68-year-old wife were admitted.\nThe wife had cough for 2 days.", 2),
    # no pair introduced: "the husband" is someone else, as before
    ("A 68-year-old woman was admitted. The husband had fever for 5 days.", None),
])
def test_the_relation_a_pair_makes_the_texts_patient_names_them(history, gap):
    found = onset_gap(history)
    assert (found[0] if found else None) == gap
