"""The fifty-seventh blind batch of papers (tests/fixtures/papers_unseen57/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.imaging import normalize_view
from tests.jats_cases import file_cases, image_offsets, image_values

UNSEEN57 = Path(__file__).parent / "fixtures" / "papers_unseen57"
BRAZIL = "PMC7570011_efetch.xml"  # "started on 21/03/2020", "in the bed, in dorsal decubitus, in the ICU (08/04/2020)"
SERIES = "PMC7570022_efetch.xml"  # three health care workers, Table 1 "45/M" ... "Day of illness at HRCT"
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


def test_the_other_papers_stay_as_staged():
    assert [image_offsets(c) for c in _cases(BRAZIL)] == [["6", "11", "11", "18"]]
    assert [image_offsets(c) for c in _cases(SERIES)] == [["6", "6"], ["3", "8"], ["7", "7"]]
