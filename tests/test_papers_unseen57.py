"""The fifty-seventh blind batch of papers (tests/fixtures/papers_unseen57/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.common import about_other_person, hypothetical, negated
from ingest.normalize.imaging import normalize_finding, normalize_view
from ingest.patients import PatientText, patients_named
from tests.jats_cases import by_patient, case_value, file_cases, image_offsets, image_values

UNSEEN57 = Path(__file__).parent / "fixtures" / "papers_unseen57"
BRAZIL = "PMC7570011_efetch.xml"  # "started on 21/03/2020", "in the bed, in dorsal decubitus, in the ICU (08/04/2020)"
SERIES = "PMC7570022_efetch.xml"  # three health care workers, Table 1 "45/M" ... "Day of illness at HRCT"
COVID = "Pneumonia/Viral/COVID-19"
CLUSTER = "PMC7570033_efetch.xml"  # "his 16-year-old son (Case 3, L.H.)", "(C) L.H., 16 March", an onset column


def _cases(name: str, replacements: dict[str, str] | None = None):
    return file_cases(UNSEEN57 / name, replacements)


# --- lying on the back in the Romance languages' words is the supine film --------------------------------------------

def test_dorsal_decubitus_is_the_supine_film():
    """"Radiography of the chest performed in the bed, in dorsal decubitus, in the ICU": AP Supine (was blank: a
    bedside film, its position not read); the Portuguese, Spanish, Italian and French words too."""
    (case,) = _cases(BRAZIL)
    assert image_values(case, "view") == ["AP", "Axial", "Coronal", "AP Supine"]
    for text in ("Radiografia de tórax à beira do leito, em decúbito dorsal",
                 "Radiografía de tórax portátil en decúbito dorsal",
                 "Radiografia del torace a letto in decubito dorsale",
                 "Radiographie thoracique au lit en décubitus dorsal", "Bedside chest film in dorsal decubitus"):
        assert normalize_view(text, "X-ray").value == "AP Supine", text


def test_a_decubitus_film_on_the_side_stays_blank_and_a_ct_keeps_its_plane():
    assert normalize_view("Left lateral decubitus radiograph of the chest", "X-ray").value is None
    assert normalize_view("Radiografía en decúbito lateral izquierdo", "X-ray").value is None
    assert normalize_view("Axial CT image, patient in dorsal decubitus", "CT").value == "Axial"


# --- initials written beside a patient's number name him in a legend -------------------------------------------------

def test_initials_beside_a_numbered_patient_inside_another_patients_sentence_name_him():
    """"The father (Case 1, F.H.), ... and his 16-year-old son (Case 3, L.H.) spent a skiing holiday": the legend's
    "(C) L.H., 16 March" is the son's (was a case of its own with no patient: sex, age, offset blank)."""
    cases = by_patient(_cases(CLUSTER))
    assert list(cases) == ["patient1", "patient2", "patient3"]
    assert [image_offsets(c) for c in cases.values()] == [["5"], ["3"], ["4"]]
    son = cases["patient3"]
    assert (case_value(son, "sex"), case_value(son, "age")) == ("M", "16")


def test_initials_after_the_number_in_either_order():
    """"L.H. (Case 3)" ties the initials to the number as "(Case 3, L.H.)" does."""
    swapped = {"his 16-year-old son (Case 3, L.H.)": "his 16-year-old son L.H. (Case 3)"}
    son = by_patient(_cases(CLUSTER, swapped))["patient3"]
    assert [i.label for i in son.images] == ["c"]


def test_initials_tied_to_two_numbers_name_no_one():
    """The same initials beside two numbers ("son (Case 2, L.H.) ... nephew (Case 3, L.H.)") are nobody's: the
    legend's panel names no patient, blank rather than guessed; one pair each names its patient."""
    def named(text: str) -> list[int]:
        patients = [PatientText(1, "numbered", [text]), PatientText(2, "numbered"), PatientText(3, "numbered")]
        return patients_named("(C) L.H., 16 March: a subpleural ground-glass opacity", patients)

    assert named("The father (Case 1, F.H.), his son (Case 2, L.H.) and his nephew (Case 3, K.P.) travelled.") == [2]
    assert named("The father (Case 1, F.H.), his son (Case 2, L.H.) and his nephew (Case 3, L.H.) travelled.") == []
    assert named("The father (Case 1, F.H.) and his son L.H. (case 2) travelled.") == [2]


# --- a table of patients' onset date column alone dates the onset ----------------------------------------------------

def test_an_onset_date_column_without_an_admission_column_dates_the_onset():
    """Table "Date of symptom onset | 12 Mar" (no admission date column; "Hospitalised | 16–21 Mar" a span): the
    onset of a patient the text tells in another's sentence (was unread: the son's offset blank)."""
    son = by_patient(_cases(CLUSTER))["patient3"]
    assert "symptom onset on March 12" in son.extra["patient_table"]
    # with the son's own onset sentence gone, the table alone gives it
    quiet = {", and the son reported a mild rhinitis and headache from 12 March": ""}
    assert image_offsets(by_patient(_cases(CLUSTER, quiet))["patient3"]) == ["4"]


def test_an_onset_date_column_in_an_order_nothing_shows_stays_unread():
    """Slashed onset dates whose order no cell shows ("3/4/2020", "5/6/2020") are no onset."""
    slashed = {"<td align=\"left\" valign=\"top\">9 Mar</td>": "<td align=\"left\" valign=\"top\">3/4/2020</td>",
               "<td align=\"left\" valign=\"top\">11 Mar</td>": "<td align=\"left\" valign=\"top\">5/6/2020</td>",
               "<td align=\"left\" valign=\"top\">12 Mar</td>": "<td align=\"left\" valign=\"top\">6/7/2020</td>"}
    son = by_patient(_cases(CLUSTER, slashed))["patient3"]
    assert "symptom onset" not in son.extra["patient_table"]


def test_the_other_papers_stay_as_staged():
    assert [image_offsets(c) for c in _cases(BRAZIL)] == [["6", "11", "11", "18"]]
    assert [image_offsets(c) for c in _cases(SERIES)] == [["6", "6"], ["3", "8"], ["7", "7"]]


# --- leftovers52: words of Portuguese and Spanish that collide with English cues ("no leito" is "in the bed", not a
# negation; the Spanish "son" is "are", no son; the Spanish and Portuguese reflexive "se" before their verbs is no
# Italian "if")

def test_leftovers52_the_portuguese_no_of_a_place_or_a_time_negates_nothing():
    # (were blank: "no" read as the English negation of the view or the finding after it)
    for text in ("Radiografia no leito em AP.", "Radiografia no leito, incidência AP.",
                 "Paciente no CTI com radiografia AP."):
        assert normalize_view(text, "X-ray").value == "AP", text
    assert normalize_finding("Paciente no dia 5 de internação com pneumonia por COVID-19.").value == COVID
    # the English and Spanish "no" still negate
    assert normalize_finding("No COVID-19 pneumonia.").value is None
    assert normalize_finding("No se observa neumonía por COVID-19.").value is None
    assert negated("No pleural effusion.", 3, 10)


def test_leftovers52_the_spanish_son_is_no_relative():
    # (was a relative's sentence: the finding blank)
    assert normalize_finding("Los hallazgos son compatibles con neumonía por COVID-19.").value == COVID
    text = "Los hallazgos tomográficos son sugestivos de neumonía por COVID-19."
    assert not about_other_person(text, text.index("neumon"), text.index("neumon") + 8)
    text = "Her son was admitted with COVID-19 pneumonia."
    assert about_other_person(text, text.index("pneumon"), text.index("pneumon") + 9)


def test_leftovers52_the_spanish_reflexive_se_is_no_hedge():
    text = "Se realizó intubación orotraqueal y se observa consolidación."
    assert not hypothetical(text, text.index("intubac"))
    assert hypothetical("Se peggiora, intubazione.", len("Se peggiora, "))
