"""Patients and timelines of the twenty-fifth blind batch of papers (tests/fixtures/papers_unseen25/: case series
and families), each through the rule it broke on the first crawl: the classes of markup and writing, not the
batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import Table, parse_jats
from ingest.normalize.demographics import normalize_sex
from ingest.normalize.imaging import normalize_finding
from ingest.papers import cases_from_article
from ingest.patients import _date_cells, numbers_in, p_numbers_defined, patients_in_tables
from tests.jats_cases import image_offsets

UNSEEN25 = Path(__file__).parent / "fixtures" / "papers_unseen25"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN25 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _case_values(case) -> dict[str, object]:
    return {r.field: r.value for r in normalize_case(case) if r.image_position is None}


def _by_figure(cases) -> dict[int, object]:
    return {i.extra.get("figure_number"): c for c in cases for i in c.images}


# --- "P1", "P2": the short form a series defines for its patients ---------------------------------------------

def test_a_series_naming_its_patients_p1_p2_gives_each_figure_to_its_patient():
    """BMC Infect Dis: "a man (P1) ... his wife (P2), their daughter (P3)", Table 1's ids "P1" .. "P4", legends
    "Chest CT images of P1": each figure is its patient's, with the table's sex and age (the first crawl: four
    patients "no figure shows", every figure a case of its own, sex and age blank)."""
    by_figure = _by_figure(cases_from_article(_article("PMC7250011_efetch.xml")))
    assert [by_figure[n].source_key.rsplit("#", 1)[1] for n in (1, 2, 3, 4)] == [
        "patient1", "patient2", "patient3", "patient4"]
    assert [_case_values(by_figure[n])["sex"] for n in (1, 2, 3)] == ["M", "F", "F"]
    assert [_case_values(by_figure[n])["age"] for n in (1, 2, 3)] == ["56", "53", "29"]


def test_a_tables_onset_and_admission_dates_with_named_months_date_the_patients_films():
    """Table 1's "Onset of symptoms" / "Admission" as "22 Jan" / "27 Jan" (the year in the text): "On admission"
    is 5 days after the onset, "On 3 February" 12; P2's and P3's admission CTs 3 and 2 (the first crawl: 0)."""
    by_figure = _by_figure(cases_from_article(_article("PMC7250011_efetch.xml")))
    assert image_offsets(by_figure[1]) == ["5", "12"]
    assert image_offsets(by_figure[2]) == ["3"]
    assert image_offsets(by_figure[3]) == ["2", "2"]


@pytest.mark.parametrize("cell, written", [
    ("22 Jan", "January 22"), ("Mar 5", "March 5"), ("27 January 2020", "January 27, 2020"),
    ("March 5, 2020", "March 5, 2020"), ("Feb. 29", "February 29"), ("31 Apr", ""), ("NA", ""),
    ("22-Jan", "January 22"), ("22-Jan-2020", "January 22, 2020"), ("March 5th, 2020", "March 5, 2020"),
    ("1st Feb", "February 1"),
])
def test_a_date_cell_naming_its_month_is_written_out(cell, written):
    assert _date_cells([cell]) == [written]


@pytest.mark.parametrize("text", [
    "A loud P2 was heard at the pulmonary area.",
    "The P1 and P2 segments of the posterior cerebral artery were patent.",
])
def test_p_numbers_a_paper_does_not_define_name_no_patient(text):
    assert not p_numbers_defined([text])
    assert numbers_in(text) == []


def test_p_numbers_are_defined_by_the_text_or_by_a_table_of_patients():
    assert p_numbers_defined(["A man (P1) and his wife (P2) were admitted."])
    assert not p_numbers_defined(["A man (P1) was admitted."])
    table = Table("Table 1", "", [["Patient", "Age"], ["P1", "56"], ["P2", "53"]])
    assert p_numbers_defined([], [table])
    assert numbers_in("Chest CT of P2 on admission", abbreviated=True) == [2]
    assert numbers_in("P2Y12 inhibitors", abbreviated=True) == []


# --- "Age, y/sex": the unit after a comma ----------------------------------------------------------------------

def test_an_age_sex_column_with_its_unit_after_a_comma_gives_each_patient_age_and_sex():
    """Emerg Infect Dis: a research letter whose patients are told only in its table ("Age, y/sex": "45/F") and one
    figure's panels ("A) Patient 1, day 4 of illness ..."): each panel's patient's age and sex (blank on the first
    crawl)."""
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(_article("PMC7250055_efetch.xml"))}
    assert [(_case_values(cases[f"patient{n}"])["sex"], _case_values(cases[f"patient{n}"])["age"])
            for n in (1, 2, 3, 5)] == [("F", "45"), ("M", "52"), ("F", "29"), ("M", "61")]


@pytest.mark.parametrize("header", ["Age, y/sex", "Age, years/sex", "Age, yr/Sex"])
def test_age_sex_headers_with_the_unit_after_a_comma(header):
    table = Table("Table", "", [["Patient no.", header], ["1", "45/F"], ["2", "52/M"]])
    assert [(p.age, p.sex) for p in patients_in_tables([table]).values()] == [(45, "F"), (52, "M")]


# --- "the mother": the patient named by what she is to the relative the paper tells of -----------------------

def test_a_legend_naming_the_patient_as_the_mother_of_her_child_shows_the_patient():
    """Cureus: "A woman aged 31 years ... presented ... with her seven-month-old son", legends "Chest radiograph of
    the mother at presentation", "... of the son": the mother's films are the patient's (the first crawl made each a
    case of its own, as a relative's: sex, age and finding blank, offset 0); the son's stays apart."""
    cases = cases_from_article(_article("PMC7250044_efetch.xml"))
    by_figure = _by_figure(cases)
    assert by_figure[1] is by_figure[2]
    assert by_figure[1].source_key.endswith("#patient1")
    assert by_figure[3].source_key.endswith("#fig3")
    assert _case_values(by_figure[1])["sex"] == "F"
    assert _case_values(by_figure[1])["age"] == "31"
    assert image_offsets(by_figure[1]) == ["3", "6", "6"]


def test_the_mother_is_a_relative_when_the_text_tells_of_no_child_of_the_patients():
    """A woman who came "with her mother" and whose text tells of no child of hers: "Chest radiograph of the mother"
    is the relative's, a case of its own for the reviewer, as before."""
    xml = (UNSEEN25 / "PMC7250044_efetch.xml").read_text()
    for old, new in (("with her seven-month-old son", "with her mother"), ("Her son had", "Her mother had"),
                     ("His swab", "The mother's swab"), ("He was observed with his mother", "She was observed")):
        assert old in xml
        xml = xml.replace(old, new)
    by_figure = _by_figure(cases_from_article(parse_jats(xml.encode())))
    assert by_figure[1].source_key.endswith("#fig1")


# --- Numbered section titles: "2.1. Patient 1", "3. Discussion" ------------------------------------------------

def test_numbered_section_titles_part_a_series_patient_by_patient():
    """Medicine (Baltimore): "2. Case presentation / 2.1. Patient 1", "2.2. Patient 2", "3. Discussion": each
    patient's text is their own section (the first crawl read no title with a numbering's full stops: patient 2's
    section went to patient 1, the discussion to patient 2)."""
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(_article("PMC7250066_efetch.xml"))}
    assert "61-year-old man" not in cases["patient1"].history
    assert "32-year-old female" in cases["patient1"].history
    assert "Repeated testing" not in cases["patient2"].history
    assert _case_values(cases["patient1"])["finding"] == "Pneumonia/Viral/COVID-19"


# --- "with a negative RT-PCR": a test's result, no negation of the diagnosis -----------------------------------

@pytest.mark.parametrize("title", [
    "Two patients with COVID-19 pneumonia and an initially negative RT-PCR: A case report",
    "COVID-19 pneumonia with a negative RT-PCR",
    "COVID-19 pneumonia despite two negative nasopharyngeal swabs",
])
def test_a_negative_test_joined_after_the_diagnosis_does_not_negate_it(title):
    assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19"


@pytest.mark.parametrize("text", ["COVID-19 was negative", "COVID-19 pneumonia was ruled out", "no COVID-19"])
def test_a_diagnosis_itself_negative_stays_negated(text):
    assert normalize_finding(text).value is None


# --- A subtitle naming the patients' one household --------------------------------------------------------------

@pytest.mark.parametrize("title", [
    "COVID-19 in an elderly couple: one household, two different courses (patient 2)",
    "COVID-19 pneumonia in three generations - one family, three outcomes",
])
def test_a_subtitle_opening_with_the_patients_one_household_names_no_other_relative(title):
    """Clin Case Rep: the wife's finding came only from the title (her own text: "Her RT-PCR was also positive"),
    which the household word made a relative's on the first crawl: blank."""
    assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19"


def test_a_household_beside_another_relative_is_still_a_relatives():
    assert normalize_finding("COVID-19 in his wife: one household, two courses").value is None


# --- The patients a health worker's work is about ---------------------------------------------------------------

def test_a_health_workers_patients_leave_the_next_sentences_pronoun_the_patients():
    """Radiology Case Reports: "Case 3 is a general practitioner aged 62, who had been visiting patients at home
    without protective equipment. He referred fever ...": M (blank on the first crawl: "patients" was read as
    people the "He" might name)."""
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(_article("PMC7250022_efetch.xml"))}
    assert _case_values(cases["patient3"])["sex"] == "M"
    assert _case_values(cases["patient3"])["age"] == "62"


@pytest.mark.parametrize("text, sex", [
    ("A 35-year-old nurse caring for COVID-19 patients developed fever. She was admitted.", "F"),
    ("The doctor, aged 58, had treated infected people in the ward. He developed cough.", "M"),
    ("Two patients were admitted on the same day. He had fever.", None),
    ("He shared a room with other patients.", None),
])
def test_only_a_health_workers_patients_are_no_one_the_pronoun_names(text, sex):
    assert normalize_sex(text).value == sex


# --- A child named with an age in months in a title -------------------------------------------------------------

@pytest.mark.parametrize("title", [
    "COVID-19 Pneumonia in a Mother and Her Seven-Month-Old Son: A Case Report",
    "COVID-19 in a mother and her 6-week-old daughter",
])
def test_a_title_naming_a_mother_and_her_child_aged_in_months_names_the_patients(title):
    """Cureus's title (blank on the first crawl: the son "seven-month-old" was read as a relative outside the pair)."""
    assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19"


def test_a_child_aged_in_months_of_a_patient_is_still_a_relative_outside_the_pair():
    assert normalize_finding("COVID-19 pneumonia in a woman whose seven-month-old son died").value is None
