"""Patients of a paper from its paragraphs and captions (ingest.patients), and the figures left out
(ingest.figure_kinds): real caption wordings and generated pixels."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image

from ingest.figure_kinds import caption_kind, pixel_kind
from ingest.patients import patients_named, split_patients

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "publications"))
from make_figures import chart, ct_slice, flowchart, grid_figure, histology, mri_brain
from make_pdfs import xray

SERIES = [
    "Case reports / Case 1: A 64-year-old man with type 2 diabetes presented with fever. He died on day 12.",
    "Case reports / Case 1: Despite prone positioning he died on day 12 of admission.",
    "Case reports / Case 2: His 59-year-old wife developed a sore throat and fever two days later.",
    "Case reports / Case 3: Their 31-year-old son had mild cough and anosmia.",
    "Discussion: All three patients had peripheral opacities, like a 70-year-old man reported before.",
]


def test_numbered_sections_make_one_patient_each():
    assert [p.number for p in split_patients(SERIES, [])] == [1, 2, 3]


def test_paragraphs_follow_their_patient_until_the_discussion():
    patients = split_patients(SERIES, [])
    assert [len(p.paragraphs) for p in patients] == [2, 1, 1]


def test_intro_drops_the_possessive():
    assert split_patients(SERIES, [])[1].intro == "59-year-old wife developed a sore throat and fever two days later."


def test_unnumbered_patients_in_order_of_introduction():
    captions = ["Axial CT image in a 36-year-old man with fever.",
                "Axial CT images in a 62-year-old woman. (a) day 4 (b) day 11"]
    patients = split_patients(["Results: Early CT scans were normal in 20 of 36 patients."], captions)
    assert [(p.number, p.descriptor.age, p.descriptor.sex) for p in patients] == [(1, 36, "M"), (2, 62, "F")]
    assert [patients_named(c, patients) for c in captions] == [[1], [2]]


def test_the_same_patient_described_twice_is_one_patient():
    paragraphs = ["Case presentation: A 55-year-old woman presented with fever.",
                  "Case presentation: The 55-year-old woman was discharged."]
    assert len(split_patients(paragraphs, ["Chest radiograph of the 55-year-old woman."])) == 1


def test_patients_only_captions_number():
    patients = split_patients([], ["Patient 1. (a) PA radiograph", "Patient 2. (a) AP radiograph"])
    assert [p.number for p in patients] == [1, 2]


def test_order_of_the_paragraphs_decides_not_the_order_of_crawling():
    captions = ["Chest CT of a 41-year-old woman", "Chest CT of a 70-year-old man"]
    first = split_patients([], captions)
    again = split_patients([], list(captions))
    assert [(p.number, p.intro) for p in first] == [(p.number, p.intro) for p in again]


@pytest.mark.parametrize("caption,kind", [
    ("Timeline of symptoms, RT-PCR results and treatment of the three patients.", "chart"),
    ("Flow chart of patient selection.", "flow chart"),
    ("Histopathology of the transbronchial biopsy (H&E, ×200)", "histology"),
    ("Axial FLAIR MRI of the brain on day 10: no acute infarct", "non-chest imaging"),
    ("Brain MRI performed 20 hours after admission.", "non-chest imaging"),
    ("Schematic illustration of the SARS-CoV-2 spike protein", "schematic"),
    ("Renal ultrasound of a patient in acute renal failure", "non-chest imaging"),
])
def test_captions_naming_non_patient_figures(caption, kind):
    assert caption_kind(caption).kind == kind


@pytest.mark.parametrize("caption", [
    "Throat swab virus tests and chest computed tomography findings of COVID-19 Case 1 from symptom onset",
    "Axial CT image on day 4 shows peripheral ground-glass opacities in both lower lobes.",
    "(A) PA chest radiograph on admission. (B) Day 5.",
    "Brain CT was normal; chest CT showed bilateral ground-glass opacities.",
    # an organ of the patient's history is not the imaged region (the pixels decide)
    "Imaging findings of a kidney transplant recipient infected with SARS-CoV-2; male, 58 years old.",
    "Findings in a liver transplant recipient, day 6 of illness.",
])
def test_captions_of_chest_images_are_kept(caption):
    assert caption_kind(caption) is None


def _encoded(array, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("make,kind", [(chart, "chart or diagram"), (flowchart, "chart or diagram"),
                                       (histology, "colour figure")])
def test_pixels_of_charts_diagrams_and_micrographs(make, kind):
    verdict = pixel_kind(_encoded(make(600, 420, 7)))
    assert verdict is not None and verdict.kind == kind


@pytest.mark.parametrize("array", [xray(500, 520, 3), ct_slice(512, 512, 4), mri_brain(400, 460, 5),
                                   grid_figure(["xray", "ct", "ct"], 3, 300, 330, 8, "ABC", 9)[0]])
def test_pixels_of_grey_images_pass(array):
    assert pixel_kind(_encoded(array, "JPEG")) is None
