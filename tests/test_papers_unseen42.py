"""The forty-second blind batch of papers (tests/fixtures/papers_unseen42/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.records import CaseRecord
from tests.jats_cases import by_patient, case_value, file_cases, image_values

UNSEEN42 = Path(__file__).parent / "fixtures" / "papers_unseen42"
COHORT = "PMC7420011_efetch.xml"  # 74 patients; Figs. 1-3 representative cases introduced only in their legends
ESSAY = "PMC7420022_efetch.xml"  # a pictorial essay: five figures, five patients, Figs. 4 and 5 non-COVID mimics
ESSAY_TITLE = "COVID-19 Pneumonia and Its Mimics on Chest CT: A Pictorial Essay"
COVID, H1N1, PCP = "Pneumonia/Viral/COVID-19", "Pneumonia/Viral/Influenza/H1N1", "Pneumonia/Fungal/Pneumocystis"


def _cases(name: str, replacements: dict[str, str] | None = None) -> dict[str, CaseRecord]:
    return by_patient(file_cases(UNSEEN42 / name, replacements))


# --- a patient of several only a legend introduces, the disease named before the age ------------------------------

def test_each_essay_patient_takes_the_disease_its_legend_names_before_the_age():
    """"COVID-19 pneumonia in 54-year-old woman on illness day 5.", "Influenza A (H1N1) pneumonia in 45-year-old
    woman, ...", "Pneumocystis jirovecii pneumonia in 38-year-old man ...": the title names several diseases
    ("... and Its Mimics"), each figure's patient has the one its legend names (all five were blank: the legend's
    introduction was kept from the age on)."""
    cases = _cases(ESSAY)
    assert [case_value(cases[f"patient{n}"], "finding") for n in range(1, 6)] == [COVID, COVID, COVID, H1N1, PCP]


def test_the_legend_sentence_is_the_patients_history_whole():
    """The sentence introducing a patient only a legend introduces is kept from its start: the disease before the
    age is the patient's story as the curators' notes copy it."""
    cases = _cases(ESSAY)
    assert cases["patient4"].history.startswith("Influenza A (H1N1) pneumonia in 45-year-old woman, 4 days after")
    assert cases["patient5"].history.startswith("Pneumocystis jirovecii pneumonia in 38-year-old man")
    assert (case_value(cases["patient4"], "sex"), case_value(cases["patient4"], "age")) == ("F", "45")
    cohort = _cases(COHORT)["patient1"]
    assert cohort.history.startswith("Representative case of a 62-year-old man, 8 days after symptom onset")


@pytest.mark.parametrize("title", [
    "Chest CT Findings of COVID-19 Pneumonia: A Pictorial Essay",  # the title names COVID-19 alone
    "Viral Pneumonias on Chest CT: A Pictorial Essay",  # the title names a class
])
def test_a_mimics_legend_prevails_over_the_title(title):
    """A title naming one disease (or a class) does not make a mimic's patient COVID-19: the Pneumocystis and
    influenza patients keep their own legend's disease (were COVID-19, or "Pneumonia/Viral" for Pneumocystis)."""
    cases = _cases(ESSAY, {ESSAY_TITLE: title})
    assert [case_value(cases[f"patient{n}"], "finding") for n in range(1, 6)] == [COVID, COVID, COVID, H1N1, PCP]


@pytest.mark.parametrize("old, new, finding", [
    ("Influenza A (H1N1) pneumonia in 45-year-old woman, 4 days after onset of fever.",
     "A 45-year-old woman with influenza A (H1N1) pneumonia, 4 days after onset of fever.", H1N1),
    ("Pneumocystis jirovecii pneumonia in 38-year-old man with",
     "38-year-old man with Pneumocystis jirovecii pneumonia and", PCP),
])
def test_a_mimics_legend_naming_the_disease_after_the_age(old, new, finding):
    """The legend naming the patient's disease after the age ("A 45-year-old woman with influenza A (H1N1)
    pneumonia", a legend opening on the age itself) is the patient's too, over a title naming COVID-19 alone."""
    title = "Chest CT Findings of COVID-19 Pneumonia: A Pictorial Essay"
    cases = _cases(ESSAY, {ESSAY_TITLE: title, old: new})
    patient = cases["patient4" if finding == H1N1 else "patient5"]
    assert case_value(patient, "finding") == finding


def test_a_legend_naming_no_disease_leaves_the_title_finding():
    """"Representative case of a 62-year-old man, 8 days after symptom onset: ..." names no disease:
    the cohort's title gives the finding; age, sex and offsets as before."""
    cases = _cases(COHORT)
    man = cases["patient1"]
    assert [case_value(cases[f"patient{n}"], "finding") for n in range(1, 4)] == [COVID] * 3
    assert (case_value(man, "sex"), case_value(man, "age")) == ("M", "62")
    assert image_values(man, "offset") == ["8", "8"]
    assert image_values(cases["patient2"], "offset") == ["4", "11"]
    assert image_values(cases["patient3"], "offset") == ["14", "16"]


def test_a_mimics_legend_naming_it_as_a_differential_gives_it_no_finding():
    """"Pneumonia mimicking COVID-19 in 45-year-old woman": COVID-19 a differential, not the patient's finding."""
    cases = _cases(ESSAY, {"Influenza A (H1N1) pneumonia in 45-year-old woman":
                           "Pneumonia mimicking COVID-19 in 45-year-old woman"})
    assert case_value(cases["patient4"], "finding") != COVID
