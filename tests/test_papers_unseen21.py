"""Patients and timelines of the twenty-first blind batch of papers (tests/fixtures/papers_unseen21/), each
through the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalize.demographics import normalize_age, normalize_sex
from ingest.records import CaseRecord, ImageRecord
from tests.jats_cases import batch_cases, case_value, image_offsets

UNSEEN21 = Path(__file__).parent / "fixtures" / "papers_unseen21"


def _cases(pmcid: str, replace: tuple[str, str] = ("", "")):
    return batch_cases(UNSEEN21, pmcid, replace)


_case_value, _offsets = case_value, image_offsets


# --- A relative the patient's label restates as a person -------------------------------------------------

@pytest.mark.parametrize("text, sex", [
    ("Patient 2, his daughter, a woman in her 40s with asthma, developed fever and cough two days after her "
     "father. She presented 4 days after symptom onset.", "F"),
    ("Case 3, her husband, a man in his 60s, developed a cough. He was admitted.", "M"),
    ("Patient 2, his daughter, a 44-year-old woman with asthma, developed fever.", "F"),
])
def test_a_relative_restated_as_a_person_after_the_patients_label_is_the_patient(text, sex):
    """Cureus' household: "Patient 2, his daughter, a woman in her 40s": the relative before "a woman" made the
    woman someone else, and "his"/"her father" left her sex blank."""
    assert normalize_sex(text).value == sex


@pytest.mark.parametrize("text, sex", [
    ("A 70-year-old man had fever. His daughter, a 44-year-old woman, had a cough.", "M"),
    ("He was admitted after his daughter, a nurse, had fever.", "M"),
])
def test_a_relative_restated_as_a_person_elsewhere_is_still_someone_else(text, sex):
    assert normalize_sex(text).value == sex


def test_a_relative_restated_with_a_vague_age_has_no_age():
    assert normalize_age("Patient 2, his daughter, a woman in her 40s with asthma, developed fever.").value is None


def test_the_household_series_daughter_is_a_woman():
    daughter = _cases("7210044")[1]
    assert _case_value(daughter, "sex") == "F"
    assert _case_value(daughter, "age") is None


# --- The panels of one figure telling no moment are one film ----------------------------------------------

def test_the_panels_of_a_patients_only_figure_are_its_presenting_film():
    """"Axial (A) and coronal (B) CT images of patient 2" and "She presented 4 days after symptom onset": one
    exam, the patient's presenting one, as a single image would be (both were blank)."""
    assert _offsets(_cases("7210044")[1]) == ["4", "4"]


HOUSEHOLD_2 = ("Patient 2, a woman with asthma, developed fever and cough. She presented 4 days after symptom onset "
               "with worsening cough. CT showed bilateral peripheral ground-glass opacities (Figure 4).")


def _panel(position: int, letter: str, caption: str, figure: str = "fig4.jpg", date_text: str = "") -> ImageRecord:
    return ImageRecord(f"https://europepmc.org/articles/PMC1/bin/{figure}", position, caption=caption,
                       date_text=date_text, label=letter,
                       extra={"panel": letter, "parent_figure": f"https://europepmc.org/articles/PMC1/bin/{figure}"})


def test_panels_with_moments_of_their_own_keep_them():
    case = CaseRecord("publications", "p#2", "u", history=HOUSEHOLD_2, images=[
        _panel(0, "a", "Axial CT image on admission", date_text="on admission"),
        _panel(1, "b", "coronal CT image 3 days later", date_text="3 days later")])
    assert _offsets(case) == ["4", "7"]


def test_panels_without_moments_beside_another_figure_stay_blank():
    """Two figures of one patient, none dated: which film was the presenting one is not told."""
    case = CaseRecord("publications", "p#2", "u", history=HOUSEHOLD_2, images=[
        _panel(0, "a", "Axial CT image"), _panel(1, "b", "coronal CT image"),
        ImageRecord("https://europepmc.org/articles/PMC1/bin/fig5.jpg", 2, caption="Chest radiograph")])
    assert _offsets(case) == [None, None, None]


def test_the_same_panels_alone_are_the_presenting_film():
    case = CaseRecord("publications", "p#2", "u", history=HOUSEHOLD_2, images=[
        _panel(0, "a", "Axial CT image"), _panel(1, "b", "coronal CT image")])
    assert _offsets(case) == ["4", "4"]


# --- The age only the title of a case report gives ---------------------------------------------------------

def test_a_case_reports_title_gives_the_age_its_text_does_not():
    """"COVID-19 pneumonia in a 71-year-old woman: ..." and the body "A woman with hypertension": blank."""
    (case,) = _cases("7210011")
    assert _case_value(case, "age") == "71"
    assert _case_value(case, "sex") == "F"


@pytest.mark.parametrize("title", [
    "COVID-19 pneumonia in a 71-year-old man: serial radiographs",  # the text's patient is a woman
    "COVID-19 pneumonia in a 71-year-old woman and her husband",  # the title names someone else
    "COVID-19 pneumonia in a 71-year-old woman and a 45-year-old man",
])
def test_a_title_about_someone_else_gives_no_age(title):
    (case,) = _cases("7210011", ("COVID-19 pneumonia in a 71-year-old woman: serial radiographs over two weeks",
                                 title))
    assert _case_value(case, "age") is None


def test_the_texts_own_age_outweighs_the_titles():
    (case,) = _cases("7210011", ("A woman with hypertension", "A 72-year-old woman with hypertension"))
    assert _case_value(case, "age") == "72"


# --- BMJ's lower-case "(figure 3)" cites the figure ------------------------------------------------------------

def test_a_lower_case_figure_citation_dates_a_film_its_legend_places_only_at_follow_up():
    """BMJ Case Reports: "Posteroanterior chest radiograph at follow-up ..." (legend), "At follow-up in clinic on 8
    June he was back at work and his radiograph showed near-complete resolution (figure 3)" (text): the sentence
    citing the figure in lower case dates it (onset Monday 13 April: 56); the citation was not read (blank)."""
    (case,) = _cases("7210033")
    assert _offsets(case) == ["4", "6", "6", "56"]


def test_a_lower_case_figure_citation_is_read_like_a_capital_one():
    from ingest.papers import _cited_moment

    for cited in ("(figure 2)", "(fig. 2)", "(Figure 2)", "(Fig. 2)"):
        paragraphs = [f"Case report: A CT pulmonary angiogram 2 days after admission {cited} showed an embolism."]
        assert _cited_moment(paragraphs, 2, "") == "2 days after admission", cited
