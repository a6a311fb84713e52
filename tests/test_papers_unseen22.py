"""Patients of the twenty-second blind batch of papers (tests/fixtures/papers_unseen22/), each through the rule it
broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import Table
from ingest.normalize.demographics import normalize_sex
from ingest.patients import split_patients
from tests.jats_cases import batch_cases, case_value, image_offsets

UNSEEN22 = Path(__file__).parent / "fixtures" / "papers_unseen22"


def _cases(pmcid: str, replace: tuple[str, str] = ("", "")):
    return batch_cases(UNSEEN22, pmcid, replace)



# --- Relatives the patient's own possessive introduces ------------------------------------------------------

@pytest.mark.parametrize("text, sex", [
    ("A forty-six-year-old teacher developed fever on Saturday 28 March. She self-isolated at home. Her husband "
     "and two children had mild symptoms at the same time and were not tested.", "F"),
    ("A 52-year-old engineer presented with cough. His wife and children were well. He was admitted.", "M"),
    ("A 39-year-old nurse developed fever. She was admitted; her parents had been unwell.", "F"),
])
def test_relatives_the_patients_possessive_introduces_leave_the_pronouns_the_patients(text, sex):
    """BMJ's teacher: "Her husband and two children had mild symptoms" made "She" possibly a child's pronoun
    (sex blank), though the possessive itself says whose children they are."""
    assert normalize_sex(text).value == sex


@pytest.mark.parametrize("text", [
    "A 46-year-old teacher developed fever. The children had mild symptoms. She was admitted.",
    "A 46-year-old teacher developed fever. She was admitted. Two children in the ward were also positive.",
    "A 46-year-old teacher developed fever. She and her children were admitted; one of the children was intubated.",
    # a single relative of the pronouns' sex may be whom they name (as batch 15's rule keeps it)
    "A 46-year-old teacher developed fever. Her daughter and two children were unwell. She was admitted.",
])
def test_others_named_without_the_patients_possessive_still_block_the_pronouns(text):
    assert normalize_sex(text).value is None


def test_the_teacher_whose_family_is_named_is_a_woman():
    assert case_value(_cases("7220033")[0], "sex") == "F"


# --- A single patient's characteristics table, one row per variable ----------------------------------------

def _characteristics(*rows: list[str], label: str = "Table 1") -> Table:
    return Table(label=label, caption="Patient characteristics", rows=[["Characteristics", "Value"], *rows])


def test_a_single_patients_table_of_characteristics_gives_age_and_sex():
    """JKMS' "Table 1. Patient characteristics": "Age, yr | 73", "Sex | Female" (the body says only "The
    patient"): the case had neither."""
    [case] = _cases("7220055")
    assert (case_value(case, "age"), case_value(case, "sex")) == ("73", "F")


@pytest.mark.parametrize("rows, age, sex", [
    ([["Age, yr", "73"], ["Sex", "Female"], ["CRP, mg/dL", "6.4"]], "73", "F"),
    ([["Age (years)", "58"], ["Gender", "Male"]], "58", "M"),
    ([["Sex", "F"], ["Temperature, °C", "38.2"]], None, "F"),
])
def test_characteristics_rows_of_a_case_report(rows, age, sex):
    [patient] = split_patients(["The patient had fever and myalgia and was admitted."], [],
                               [_characteristics(*rows)])
    case_text = patient.table_text
    assert ("Age: " + age in case_text) if age else "Age: " not in case_text
    assert "Sex: " + sex in case_text


@pytest.mark.parametrize("paragraphs, rows", [
    # the body introduces the patient: the table adds nothing the text does not say
    (["A 64-year-old woman was admitted with fever."], [["Age, yr", "73"], ["Sex", "Male"]]),
    # two ages in the tables: whose is not known
    (["The patient was admitted with fever."], [["Age, yr", "73"], ["Age, yr", "37"]]),
])
def test_characteristics_rows_that_do_not_say_one_patient_are_left(paragraphs, rows):
    [patient] = split_patients(paragraphs, [], [_characteristics(*rows)])
    assert "Age: 73" not in patient.table_text


def test_characteristics_rows_are_not_read_for_a_series():
    patients = split_patients(["Patient 1 was admitted with fever.", "Patient 2 was admitted with cough."], [],
                              [_characteristics(["Age, yr", "73"], ["Sex", "Female"])])
    assert [p.table_text for p in patients] == ["", ""]


# --- A patient introduced by age and occupation, a relative by a possessive ---------------------------------

def test_the_nurse_whose_son_is_introduced_by_her_possessive_is_the_patient():
    """BJR's nurse: "A 34-year-old intensive care nurse presented ... Her 3-year-old son developed a fever": the
    son's descriptor was the paper's only one, so the nurse's case took his sex (M) and no age."""
    nurse, son = _cases("7220088")
    assert (case_value(nurse, "age"), case_value(nurse, "sex")) == ("34", "F")
    assert [i.source_url.rsplit("/", 1)[-1] for i in nurse.images] == [
        "bjrcr.20200199.g001.jpg", "bjrcr.20200199.g002.jpg", "bjrcr.20200199.g004.jpg"]
    assert case_value(son, "sex") == "M"


@pytest.mark.parametrize("paragraphs, introduced", [
    (["A 61-year-old bus driver presented with fever. His 58-year-old wife developed a cough two days later. "
      "His oxygen saturation was 90%."], [(61, "M"), (58, "F")]),
    (["A 34-year-old nurse presented on the fourth day of fever.", "Her 3-year-old son had a mild cough.",
      "Her radiograph showed bilateral opacities."], [(34, "F"), (3, "M")]),
])
def test_an_age_alone_before_a_possessive_relative_is_the_possessors(paragraphs, introduced):
    patients = split_patients(paragraphs, [])
    assert [(p.descriptor.age, p.descriptor.sex) for p in patients] == introduced
    assert "fever" in patients[0].paragraphs[0]


@pytest.mark.parametrize("paragraphs", [
    # the possessive's owner is someone else than the person the age alone introduces
    ["A 34-year-old nurse presented with fever. The physician's 3-year-old son was also tested."],
    # the relative comes first: no one before it to own it
    ["Her 3-year-old son had a mild cough. A 34-year-old nurse presented with fever."],
    # the possessive of one sex, the introduced person's own words of the other
    ["A 34-year-old nurse presented with fever. He was admitted. Her 3-year-old son had a cough."],
])
def test_an_age_alone_not_owning_the_relative_is_not_split(paragraphs):
    assert len(split_patients(paragraphs, [])) == 1


# --- A follow-up film the body dates by a day with its base ------------------------------------------------

FOLLOW_UP = "at his clinic visit on day 21 after symptom onset"


@pytest.mark.parametrize("told, offset", [
    (FOLLOW_UP, "21"),
    ("at his clinic visit on day 21 after the onset of symptoms", "21"),
    ("at his clinic visit on day 21 since symptom onset", "21"),
    ("at his clinic visit on day 11 after admission", "21"),
    ("at his clinic visit on day 21", None),  # a bare day: from the onset or from admission, not told
])
def test_a_follow_up_film_takes_the_day_and_its_base_from_the_citing_sentence(told, offset):
    """Cureus' "Follow-up chest radiograph" (legend) and "A chest radiograph at his clinic visit on day 21 after
    symptom onset showed ... (Figure 3)": the citing sentence's moment was cut to "day 21", which may count from
    the onset or from admission, so the film stayed blank."""
    case = _cases("7220044", (FOLLOW_UP, told))[0]
    assert image_offsets(case) == ["10", "13", offset]
