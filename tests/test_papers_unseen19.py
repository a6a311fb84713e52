"""Patients, findings and timelines of the nineteenth blind batch of papers (tests/fixtures/papers_unseen19/),
each through the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import Table, parse_jats
from ingest.normalize.demographics import normalize_age
from ingest.normalize.imaging import normalize_finding
from ingest.papers import cases_from_article
from ingest.patients import patients_in_tables
from ingest.timeline import dates_in
from tests.jats_cases import case_value, image_values
from tests.test_papers_unseen15 import offsets

UNSEEN19 = Path(__file__).parent / "fixtures" / "papers_unseen19"
COVID = "Pneumonia/Viral/COVID-19"


def _cases(pmcid: str):
    return cases_from_article(parse_jats((UNSEEN19 / f"PMC{pmcid}_efetch.xml").read_bytes()))


# --- An exam's date in another clause is not the admission's ------------------------------------------

@pytest.mark.parametrize("history, captions, expected", [
    ("A 38-year-old woman developed fever and cough on 15.03.2020. She was admitted on 18.03.2020. The chest "
     "radiograph on admission showed a faint opacity, and CT on 22.03.2020, when her oxygen requirement rose, "
     "showed ground-glass opacities.",
     ["Posteroanterior chest radiograph on admission (18.03.2020)", "Axial CT on 22.03.2020"], [3, 7]),
    ("A 60-year-old man developed fever on March 2, 2020 and was admitted on March 5, 2020. The radiograph at "
     "admission showed opacities; a CT scan performed on March 9, 2020 showed consolidation.",
     ["Chest radiograph on admission", "Axial CT on March 9, 2020"], [3, 7]),
])
def test_an_exams_date_in_another_clause_is_not_the_admission(history, captions, expected):
    """The PDF's Case 1: "The chest radiograph on admission showed ..., and CT on 22.03.2020 ... showed": the
    CT's date was taken for a second admission date (the admission's film had no offset)."""
    assert offsets(history, *captions) == expected


def test_an_admission_exam_dated_in_its_own_clause_still_dates_the_admission():
    history = "Fever began on 15 March. Admission CT on 18 March showed ground-glass opacities."
    assert offsets(history, "Axial CT on admission") == [3]


# --- A relative who is the patient, after the patient's label -----------------------------------------

@pytest.mark.parametrize("text, age", [
    ("Case 2. Her husband, aged 41, developed fever and cough on 17.03.2020.", 41),
    ("Patient 2. His wife, 59 years old, developed a cough.", 59),
])
def test_a_relative_opening_the_text_after_the_patients_label_is_the_patient(text, age):
    """The PDF's "Case 2. Her husband, aged 41, ...": the label made the sentence a second one, so the husband
    was another person and the case had no age."""
    assert normalize_age(text).value == age


def test_a_relative_in_a_later_sentence_is_still_another_person():
    assert normalize_age("Case 1. She had fever. Her husband, aged 41, had a cough.").value is None


def test_a_relative_after_a_label_with_a_colon_is_still_the_patient():
    assert normalize_age("Case 3: His 66-year-old brother was admitted two days later.").value == 66


# --- A family cluster a title is about ------------------------------------------------------------------

@pytest.mark.parametrize("title", [
    "A familial cluster of COVID-19: pneumonia in both parents and a mild illness in their daughter (patient 2)",
    "Family cluster of COVID-19 pneumonia: a father and his two sons",
    "Household cluster of SARS-CoV-2 infection in a mother and her son",
])
def test_the_relatives_a_family_cluster_title_names_are_its_patients(title):
    assert normalize_finding(title).value == COVID


@pytest.mark.parametrize("text", [
    "Pneumonia in a woman whose family members had COVID-19",
    "A family cluster is described. His wife had COVID-19.",
])
def test_relatives_outside_a_cluster_title_still_disqualify(text):
    assert normalize_finding(text).value != COVID


def test_the_family_pdfs_husband_has_his_age_and_finding():
    """Checked on the PDF's text as the spider reads it (pdf_paragraphs): Case 2 got no age and no finding."""
    from ingest.jats import Article
    from ingest.pdf_figures import extract_pdf_figures, pdf_paragraphs

    pdf = (UNSEEN19 / "ejcri_2020_0318.pdf").read_bytes()
    article = Article(doi="10.5555/ejcri.2020.0318", paragraphs=pdf_paragraphs(pdf),
                      title="A familial cluster of COVID-19: pneumonia in both parents and a mild illness in their "
                            "daughter")
    cases = cases_from_article(article, pdf_figures=extract_pdf_figures(pdf))
    husband = next(c for c in cases if c.title.endswith("(patient 2)"))
    assert (case_value(husband, "sex"), case_value(husband, "age"),
            case_value(husband, "finding")) == ("M", "41", COVID)


# --- Patients only the legends introduce ----------------------------------------------------------------

def test_patients_a_series_introduces_only_in_its_legends_have_their_age_and_sex():
    """Korean J Radiol letter: "Patient 1 (46-year-old woman).", "Patient 4 (71-year-old man)." as caption
    titles, the body naming patients by number only: no sex, no age."""
    pictured = [c for c in _cases("7190066") if c.images]
    assert [(case_value(c, "sex"), case_value(c, "age")) for c in pictured] == [("F", "46"), ("M", "71"), ("F", "55")]


# --- A table of patients with onset and admission dates --------------------------------------------------

NURSING_HOME = Table("Table 1", "Characteristics of the residents.", [
    ["Patient", "Age (y)", "Sex", "Symptom onset", "Admission"],
    ["1", "84", "Male", "4/2/2020", "4/5/2020"],
    ["2", "88", "Female", "3/30/2020", "4/6/2020"],
])


def test_a_tables_onset_and_admission_dates_are_read_in_the_order_its_cells_show():
    """Radiology Case Reports' nursing home: "Symptom onset" / "Admission" columns of M/D/YYYY dates ("3/30/2020"
    shows the order) were not read: patient 1's admission film was day 0 (curator 3)."""
    entry = patients_in_tables([NURSING_HOME])[1]
    assert "symptom onset on April 2, 2020; admitted on April 5, 2020" in entry.text
    day_first = Table("Table 1", "", [["Patient", "Age", "Sex", "Date of onset", "Date of admission"],
                                      ["1", "50", "M", "28/3/2020", "2/4/2020"]])
    assert "symptom onset on March 28, 2020; admitted on April 2, 2020" in patients_in_tables([day_first])[1].text


def test_a_tables_slashed_dates_whose_order_nothing_shows_stay_unread():
    ambiguous = Table("Table 1", "", [["Patient", "Age", "Sex", "Symptom onset", "Admission"],
                                      ["1", "84", "Male", "4/2/2020", "4/5/2020"],
                                      ["2", "70", "Female", "4/3/2020", "4/6/2020"]])
    assert "onset on" not in patients_in_tables([ambiguous])[1].text


def test_the_nursing_home_series_counts_from_each_residents_dates():
    cases = {c.title.rsplit("(", 1)[-1]: c for c in _cases("7190011")}
    assert image_values(cases["patient 1)"], "offset") == ["3", "8"]
    # "Posteroanterior chest radiograph on 4/11/2020": a day the legend tells but does not say how to read
    # (month or day first) is no presenting film (was day 1, the admission's)
    assert image_values(cases["patient 4)"], "offset") == [None]


# --- Dates in other forms ----------------------------------------------------------------------------------

def test_an_iso_date_is_a_date():
    assert [d.isoformat() for _, _, d in dates_in("Chest CT before discharge (2020-02-12).")] == ["2020-02-12"]
    assert dates_in("ChiCTR2000029308, NCT04280705, 2020-13-45") == ()


def test_a_wuhan_legends_dates_with_their_day_counts_and_an_iso_date():
    """J Thorac Dis: "(B) January 28, 2020 (day 6)" (the admission dated too: "day 6" alone may count from
    either) and "Chest CT before discharge (2020-02-12)"."""
    (case,) = _cases("7190033")
    assert image_values(case, "offset") == ["2", "6", "12", "21", "21"]


def test_a_day_count_beside_its_date_restates_it():
    history = "A 52-year-old man developed fever on January 22, 2020. He was admitted on January 24, 2020."
    assert offsets(history, "January 28, 2020 (day 6): enlarged ground-glass opacities") == [6]


# --- A case report in BJR|case reports' sections, a follow-up months later -----------------------------------

def test_a_follow_up_interval_the_history_dates_is_that_day():
    """BJR|case reports: the discharge in "Treatment and outcome" (was left out of the history) and "three months
    after discharge, on 16 July" (a caption's "three months after discharge" is 16 July: 103, not 14 + 90)."""
    (case,) = _cases("7190055")
    assert image_values(case, "offset") == ["3", "5", "5", "103"]
