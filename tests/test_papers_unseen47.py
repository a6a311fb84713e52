"""The forty-seventh blind batch of papers (tests/fixtures/papers_unseen47/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalize.common import other_relative_in
from ingest.patients import split_patients
from ingest.records import CaseRecord
from tests.jats_cases import by_patient, case_value, file_cases, image_offsets

UNSEEN47 = Path(__file__).parent / "fixtures" / "papers_unseen47"
BRONX = "PMC7470011_efetch.xml"  # Cureus: "On day 2 of hospitalization" ... "On day 5, ... CTA of the chest"
PIACENZA = "PMC7470033_efetch.xml"  # a letter: the index case (patient 1) and his relatives numbered by relation


def _cases(name: str, replacements: dict[str, str] | None = None) -> list[CaseRecord]:
    return file_cases(UNSEEN47 / name, replacements)


# --- a legend's bare "day N" in a course told day by day on the stay's count -----------------------------------------

def test_a_bare_day_the_course_tells_with_the_legends_exam_is_the_stays():
    """"CT angiography of the chest on day 5" where the hospital course ("On day 2 of hospitalization", "On day 3 of
    hospitalization", "On day 4") tells "On day 5, ... Computed tomography angiography (CTA) of the chest": day 5 of
    the stay, 4 + 5 = 9 (was blank: "may count from the onset or from admission")."""
    (case,) = _cases(BRONX)
    assert image_offsets(case) == ["4", "7", "9", "9", "29"]
    # the exam told in the same sentence as the day
    (case,) = _cases(BRONX, {"On day 5, his D-dimer increased to 5.6 µg/mL. Computed": "On day 5, computed"})
    assert image_offsets(case)[2:4] == ["9", "9"]


@pytest.mark.parametrize("old, new", [
    # the course counts the illness's days too: which count the bare day is on is not told
    ("On day 2 of hospitalization, the patient", "On day 7 of illness, the patient"),
    # the history's day 5 tells no CT (the CT told on another day): the legend's day is not the course's
    ("On day 5, his D-dimer increased to 5.6 µg/mL. Computed tomography angiography (CTA) of the chest was negative",
     "On day 5, his D-dimer increased to 5.6 µg/mL. On day 6, computed tomography angiography (CTA) of the chest was "
     "negative"),
])
def test_no_stay_count_for_a_bare_day_the_course_does_not_tell_so(old, new):
    (case,) = _cases(BRONX, {old: new})
    assert image_offsets(case)[2:4] == [None, None]


# --- a cluster's relatives numbered by relation, the index patient's paragraph -------------------------------------

def test_a_relative_numbered_by_relation_to_another_patient_is_introduced():
    """"The brother of patient 1 (patient 4), who lived with the couple ..., presented fever and cough on March 3 and
    was admitted on March 7": his words are patient 4's (were none: "at the admission" 0, "on March 15" blank)."""
    patients = by_patient(_cases(PIACENZA))
    assert image_offsets(patients["patient4"]) == ["4", "12"]
    assert (case_value(patients["patient4"], "sex"), case_value(patients["patient4"], "age")) == ("M", "71")
    index = ("Patient 1, a 40-year-old man, developed fever on 2 May and was admitted on 6 May. The mother of case 1 "
             "(case 3), aged 70 years, had cough from 5 May.")
    found = {p.number: p for p in split_patients([index], ["Patient 1 (A). Patient 3 (B)."])}
    assert (found[3].descriptor.age, found[3].descriptor.sex) == (70, "F")
    assert found[3].intro.startswith("mother of case 1 (case 3), aged 70 years, had cough from 5 May")


def test_the_index_patients_paragraph_is_his_up_to_the_first_relative():
    """The paragraph opening on "The index case (patient 1)" and going on to "His wife (patient 2) ... hospitalized
    on March 9", "Their daughter (patient 3)", "The brother of patient 1 (patient 4)": patient 1's history is the
    sentences before his wife's (onset February 29, admission March 5: 5 and 16; were blank, four onsets)."""
    patients = by_patient(_cases(PIACENZA))
    assert image_offsets(patients["patient1"]) == ["5", "16"]
    assert "March 9" not in patients["patient1"].history
    assert [image_offsets(patients[k]) for k in ("patient2", "patient3")] == [["5"], ["4"]]


def test_a_paragraph_opening_on_no_numbered_patient_is_not_cut():
    """The relatives' paragraph after the index patient's own, opening on no numbered patient ("The household was
    tested. His wife (patient 2) ..."): nobody's paragraph is cut, as before."""
    index = "Patient 1, a 45-year-old man, developed fever on January 22 and was admitted on January 25."
    relatives = ("The household was tested. His wife (patient 2), 43 years old, developed cough on January 26. "
                 "Patient 1 was discharged on February 9.")
    found = {p.number: p for p in split_patients([index, relatives], ["Patient 2 (A)."])}
    assert found[1].paragraphs[0] == index
    # (only the relatives' sentence opening on patient 1 leaves their paragraph for his, after his own:
    # papers_unseen56's rule)
    assert found[1].paragraphs == [index, "Patient 1 was discharged on February 9."]
    assert found[2].paragraphs == ["The household was tested. His wife (patient 2), 43 years old, developed cough on "
                                   "January 26."]


# --- a title whose subtitle is the cluster ---------------------------------------------------------------------------

def test_a_title_whose_subtitle_is_a_family_cluster_names_its_patients():
    """"One household, four courses: a family cluster of COVID-19 in the province of Piacenza": every relative is a
    case of the cluster, COVID-19 (patients 2-4 were blank: the title's family read as someone else's)."""
    patients = by_patient(_cases(PIACENZA))
    assert {case_value(patients[k], "finding") for k in ("patient2", "patient3", "patient4")} == {
        "Pneumonia/Viral/COVID-19"}
    for title in ("One household, four courses: a family cluster of COVID-19 in the province of Piacenza",
                  "Four relatives, four outcomes - household transmission of SARS-CoV-2",
                  "COVID-19 in Lombardy: a familial cluster of SARS-CoV-2 pneumonia"):
        assert not other_relative_in(title, 0, len(title)), title


@pytest.mark.parametrize("text", [
    # the cluster a subtitle names is the patient's relatives'
    "COVID-19 pneumonia in a nurse: a family cluster of her relatives",
    # not a title: a sentence of the text after its first
    "She was well. Her husband was admitted: a family cluster of COVID-19 followed.",
])
def test_a_cluster_not_a_titles_subtitle_is_still_a_relatives(text):
    start = text.rfind(". ") + 2 if ". " in text else 0
    assert other_relative_in(text, start, len(text))
