"""The sixty-fifth blind batch of papers (tests/fixtures/papers_unseen65/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.clinical import normalize_intubated, normalize_went_icu
from ingest.normalize.imaging import normalize_finding
from ingest.patients import _sections, split_patients
from tests.jats_cases import by_patient, case_value, file_cases, image_offsets

UNSEEN65 = Path(__file__).parent / "fixtures" / "papers_unseen65"
CLUSTER = "PMC7650033_efetch.xml"  # Case 1 fever March 3: Figure 2A March 5, 2B March 9; Case 3 fever March 5, CT
#                                    at admission March 8 (Figure 3); the paragraph telling of Case 3 opens on the
#                                    testing of all residents, after Case 1's paragraph
CASE_3 = "Case 3, a 79-year-old man with diabetes and a previous stroke who shared the dining room with Case 1,"


def _cluster(replacements: dict[str, str] | None = None) -> dict:
    return by_patient(file_cases(UNSEEN65 / CLUSTER, replacements))


# --- a paragraph going on with one numbered patient's story that introduces the next ------------------------------

def test_the_patient_a_paragraph_introduces_midway_takes_the_sentences_from_there_on():
    """"The testing of all residents ... identified 6 more cases (Cases 2-7) ... Case 3, a 79-year-old man ..., had
    developed a low-grade fever ... on March 5. He was admitted to the hospital on March 8": Case 3's sentences are
    his, not Case 1's (whose paragraph the one before was): Case 1's films count from her fever of March 3 (were -3
    and 1, counted from Case 3's admission: her onsets March 3 and March 5 disagreed), Case 3 has his own story."""
    cases = _cluster()
    assert image_offsets(cases["patient1"]) == ["2", "6"]
    assert image_offsets(cases["patient3"]) == ["3"]
    assert (case_value(cases["patient3"], "sex"), case_value(cases["patient3"], "age")) == ("M", "79")
    assert "March 8" not in cases["patient1"].history


def test_the_introduction_in_other_words():
    """Other ways of introducing the next patient by an apposition: the same split."""
    for new in ("Case 3, a 79-year-old male resident who shared the dining room with Case 1,",
                "Case 3, a 79-year-old resident with diabetes who shared the dining room with Case 1,",
                "Case 3, a man aged 79 years who shared the dining room with Case 1,"):
        cases = _cluster({CASE_3: new})
        assert image_offsets(cases["patient1"]) == ["2", "6"], new


def test_a_family_told_in_paragraphs_without_numbers_at_their_start():
    """The same class in a family's story: the second paragraph goes on with Patient 1, then introduces Patient 2
    ("Patient 2, his 41-year-old wife, ..."): her fever and admission are hers, not his."""
    paragraphs = ["Patient 1, a 45-year-old man, developed fever and cough on 2 March 2020 and was admitted on "
                  "6 March.",
                  "His oxygen saturation fell on 8 March, and a chest CT showed bilateral ground-glass opacities. "
                  "Patient 2, his 41-year-old wife, developed fever on 7 March and was admitted on 10 March. Her "
                  "chest radiograph showed a right lower lobe opacity."]
    first, second = split_patients(paragraphs, [])
    assert "10 March" not in " ".join(first.paragraphs)
    assert "admitted on 10 March" in " ".join(second.paragraphs)
    assert "8 March" in " ".join(first.paragraphs)


def test_a_paragraph_opening_the_story_is_not_cut():
    """A paragraph opening with no number and no numbered patient's story before it ("We describe a couple.
    Patient 1, a 36-year-old man, ...") is one section, as before; so is one after a section ending the patients'
    story ("Discussion")."""
    couple = ("We describe a married couple who returned from Wuhan on 20 January. Patient 1, a 36-year-old man, "
              "developed fever on 22 January. Patient 2, a 33-year-old woman, developed anosmia on 24 January.")
    assert len(_sections([couple])) == 1
    discussion = "Discussion: Both courses were mild. Patient 2, a 33-year-old woman, had anosmia only."
    assert len(_sections(["Patient 1, a 36-year-old man, developed fever on 22 January.", discussion])) == 2


# --- a "non-" glued to another word is no negation of the clause ---------------------------------------------------

def test_a_non_rebreather_mask_before_the_icu_negates_nothing():
    """Paper 1: "his oxygen demand rose to 15 l/min via a non-rebreather mask, and he was transferred to the intensive
    care unit (ICU), where he was intubated": went_icu Y (was blank: "non" read as the clause's negation, a 'no ICU'
    beside the intubation)."""
    (case,) = file_cases(UNSEEN65 / "PMC7650011_efetch.xml")
    assert case_value(case, "went_icu") == "Y"


def test_other_non_compounds_before_a_phrase():
    """The same "non-" prefix in other words and fields: the phrase after it is read (were N or blank: wrong or
    missing)."""
    assert normalize_went_icu("He received oxygen via a non-rebreather mask and was admitted to the ICU.").value == "Y"
    assert normalize_intubated("Despite non-invasive ventilation she was intubated on day 7.").value == "Y"
    assert normalize_finding("A 60-year-old non-smoker with COVID-19 pneumonia.").value == "Pneumonia/Viral/COVID-19"


def test_a_non_glued_to_the_phrase_or_a_clause_negation_still_negates():
    """Guards: "non-" glued to the phrase itself, the Italian "non" before a verb, and English "not" still negate."""
    assert normalize_went_icu("He was moved to a non-ICU ward.").value != "Y"
    assert normalize_went_icu("Il paziente non è stato ricoverato in terapia intensiva.").value == "N"
    assert normalize_went_icu("He was not admitted to the ICU.").value == "N"
    assert "COVID-19" not in (normalize_finding("Non-COVID pneumonia of the right lower lobe.").value or "")
