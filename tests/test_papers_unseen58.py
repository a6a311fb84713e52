"""The fifty-eighth blind batch of papers (tests/fixtures/papers_unseen58/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.demographics import normalize_sex
from ingest.normalize.imaging import normalize_finding, normalize_modality
from ingest.patients import Descriptor, PatientText, descriptors_in, patients_named
from tests.jats_cases import case_value, file_cases, image_values

UNSEEN58 = Path(__file__).parent / "fixtures" / "papers_unseen58"
FAMILY = "PMC7580022_efetch.xml"  # "A 7-year-old boy ...", "His mother, a 38-year-old primary school teacher ..."


def _cases(name: str, replacements: dict[str, str] | None = None):
    return file_cases(UNSEEN58 / name, replacements)


# --- a relative introduced by the relation, the age in an apposition, is a patient of that age and sex ---------------

def test_a_relative_whose_age_is_in_an_apposition_is_a_patient():
    """"His mother, a 38-year-old primary school teacher without comorbidities, reported ...": the mother's case is
    F 38 (was 3: the only other descriptor, "the 3-year-old sister", took her sentences)."""
    boy, mother, sister = _cases(FAMILY)
    assert (case_value(boy, "sex"), case_value(boy, "age")) == ("M", "7")
    assert (case_value(mother, "sex"), case_value(mother, "age")) == ("F", "38")
    assert [i.label for i in mother.images] == ["a", "b", "b"]
    assert (case_value(sister, "age"), sister.images) == ("3", [])


def test_the_apposition_in_years_old_and_other_relations():
    words = {"His mother, a 38-year-old primary school teacher": "Her husband, 41 years old, a bus driver"}
    _, husband, _ = _cases(FAMILY, words)
    assert (case_value(husband, "sex"), case_value(husband, "age")) == ("M", "41")
    (relative, _, _), = descriptors_in("Her husband, 41 years old, a bus driver, had fever.")
    assert (relative.age, relative.sex) == (41, "M")


def test_an_apposition_with_a_persons_word_is_read_as_before():
    """"Their son-in-law, a 34-year-old man": the descriptor "34-year-old man" as before, not a second one."""
    assert [(d.age, d.sex, d.words) for d, _, _ in descriptors_in("Their son-in-law, a 34-year-old man, had fever.")] \
        == [(34, "M", "34-year-old man")]
    assert [(d.age, d.sex) for d, _, _ in descriptors_in("His mother, aged 38, had fever.")] == [(38, "F")]


def test_the_relation_opening_a_relatives_part_is_her_sex_not_a_relatives():
    """The mother's part, opening "His mother, a 38-year-old ...", names "the boy" later: she is F (was blank: the
    part's "boy" against the introduction); a relative named so further on is still someone else's."""
    assert normalize_sex("His mother, a 38-year-old teacher, had fever. The boy's lungs were clear.").value == "F"
    assert normalize_sex("Her husband, 45 years old, had fever. The girl was well.").value == "M"
    assert normalize_sex("A 30-year-old man had fever. His mother, a 60-year-old teacher, was well.").value == "M"


# --- a panel naming its patient by the person's word of the introduction is that patient's --------------------------

def test_a_panel_naming_the_boy_is_the_boys():
    """"Anteroposterior chest radiographs performed on 21 March. a The boy: normal findings. b The mother: ...": a is
    the boy's (was the mother's: only "the mother" was read as naming a patient), b the mother's."""
    boy, mother, _ = _cases(FAMILY)
    assert [i.label for i in boy.images] == ["Fig. 1", "a"]
    assert [i.label for i in mother.images] == ["a", "b", "b"]
    assert patients_named("the man's CT", _couple()) == [1]
    assert patients_named("(B) Woman: axial CT", _couple()) == [2]


def test_a_person_word_two_patients_share_names_neither():
    third = PatientText(3, "introduced", descriptor=Descriptor(70, "M", "70-year-old man"))
    assert patients_named("the man's CT", [*_couple(), third]) == []


def _couple() -> list[PatientText]:
    return [PatientText(1, "introduced", descriptor=Descriptor(74, "M", "74-year-old man")),
            PatientText(2, "introduced", descriptor=Descriptor(69, "F", "69-year-old woman"))]


# --- a panel naming a modality only as the study compared with takes the legend's lead's -----------------------------

def test_a_panel_comparing_with_a_ct_is_the_leads_radiograph():
    """"Anteroposterior chest radiographs performed on 21 March. a The boy ... b The mother: ..., increased in
    comparison with the CT at admission": b is an X-ray, AP (was CT, Axial)."""
    _, mother, _ = _cases(FAMILY)
    assert image_values(mother, "modality") == ["CT", "CT", "X-ray"]
    assert image_values(mother, "view") == ["Axial", "Coronal", "AP"]
    compared = {"in comparison with the CT at admission": "compared to the previous CT"}
    _, mother, _ = _cases(FAMILY, compared)
    assert image_values(mother, "modality")[-1] == "X-ray"


def test_a_panel_of_its_own_modality_beside_a_compared_study_keeps_it():
    """A panel whose words name its own CT beside the one compared with is CT; a text naming only a compared study,
    alone, is read as before (a follow-up CT "compared with the previous CT" is a CT)."""
    own = {"The mother: bilateral opacities": "The mother: CT with bilateral opacities"}
    mother = _cases(FAMILY, own)[1]
    assert image_values(mother, "modality")[-1] == "CT"
    assert normalize_modality("Marked improvement compared with the previous CT").value == "CT"


# --- a title's person and their own relative are its patients --------------------------------------------------------

def test_a_title_naming_a_person_and_their_relative_gives_both_the_finding():
    """"SARS-CoV-2 infection in a 7-year-old boy and his mother: different presentations in the same household":
    COVID-19 for the mother, whose part says only "Her swab was also positive" (was blank)."""
    _, mother, _ = _cases(FAMILY)
    assert case_value(mother, "finding") == "Pneumonia/Viral/COVID-19"
    for title in ("SARS-CoV-2 infection in a 7-year-old boy and his mother",
                  "COVID-19 pneumonia in a man and his wife", "COVID-19 pneumonia: two courses in the same household"):
        assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19", title


def test_a_relative_who_is_not_a_patient_still_disqualifies():
    assert normalize_finding("Pneumonia in a woman whose husband died of COVID-19").value is None
    assert normalize_finding("A man whose mother had COVID-19 in the same house").value is None
