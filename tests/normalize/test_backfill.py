import csv

import pytest

from ingest.backfill import FILLABLE, Fill, backfill_row
from schema import COLUMNS
from tests.conftest import SAMPLE_CSV

SAMPLE = SAMPLE_CSV  # the real sample of the dataset (tests/fixtures/reference)


def _row(**cells):
    row = {c: "" for c in COLUMNS}
    row.update(cells)
    return row


def test_fills_only_blank_cells_and_never_changes_a_filled_one():
    row = _row(
        sex="F",  # deliberately contradicts the note: backfill must not touch it
        filename="covid-19-pneumonia-15-PA.jpg",
        url="https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=us",
        clinical_notes="A 65-year-old man, covid-19 positive. Fever (38.5 °C).",
    )
    fills = {f.field: f for f in backfill_row(row, row_number=7)}
    assert "sex" not in fills
    assert fills["age"].value == "65"
    assert fills["view"].value == "PA"
    assert fills["finding"].value == "Pneumonia/Viral/COVID-19"
    assert fills["RT_PCR_positive"].value == "Unclear"
    assert fills["license"].value == "CC BY-NC-SA"
    assert fills["temperature"].value == "38.5"
    assert fills["modality"].value == "X-ray"
    assert fills["folder"].value == "images"
    assert all(isinstance(f, Fill) and f.row == 7 and f.rule for f in fills.values())


def test_per_image_panel_of_a_note():
    note = ("SARS in a 46-year-old woman who presented 5 days after developing symptoms. "
            "(a) Anteroposterior radiograph shows bilateral opacities. "
            "(b) Posteroanterior radiograph obtained on day 12 shows resolution.")
    a = {f.field: f.value for f in backfill_row(_row(filename="sars-fig7a.jpeg", clinical_notes=note))}
    b = {f.field: f.value for f in backfill_row(_row(filename="sars-fig7b.jpeg", clinical_notes=note))}
    none = {f.field: f.value for f in backfill_row(_row(filename="sars.jpeg", clinical_notes=note))}
    assert a["view"] == "AP" and b["view"] == "PA"
    # "on day 12" after symptoms began 5 days before presentation: day 12 of the illness or of the
    # stay (17)? The timeline leaves it blank rather than guess
    assert "offset" not in b
    assert "view" not in none and "offset" not in none  # which panel is this file? unknown
    assert none["age"] == "46" and none["sex"] == "F"  # patient-level fields read the whole note


def test_volume_is_ct_and_filename_day_is_the_offset():
    fills = {f.field: f.value
             for f in backfill_row(_row(filename="radiopaedia_org_covid-19-pneumonia-7_85703_0-dcm.nii.gz"))}
    assert fills == {"modality": "CT", "folder": "volumes", "finding": "Pneumonia/Viral/COVID-19", "view": "Axial"}
    fills = {f.field: f.value for f in backfill_row(_row(filename="aspiration-pneumonia-5-day10.jpg"), ["offset"])}
    assert fills == {"offset": "10"}


@pytest.mark.parametrize("filename, note, expected", [
    ("coronacases_org_004.nii.gz", "CT images demonstrate ground-glass opacities in the left lower lobe.", "Axial"),
    ("radiopaedia_org_covid-19-pneumonia-36_86526_0-dcm.nii.gz", "", "Axial"),
    ("case-12.nii.gz", "Axial CT images show bilateral peripheral GGOs.", "Axial"),
    ("case-12-coronal.nii.gz", "", "Coronal"),  # a coronal reconstruction, named so
])
def test_a_ct_volume_is_its_axial_series(filename, note, expected):
    fills = {f.field: f for f in backfill_row(_row(filename=filename, clinical_notes=note), ["view"])}
    assert fills["view"].value == expected


@pytest.mark.parametrize("note", [
    "Coronal reformats show bilateral consolidation.",  # a reconstruction, or the figure beside it?
    "Axial and coronal images show ground-glass opacities.",
])
def test_a_volume_whose_note_names_another_plane_stays_blank(note):
    row = _row(filename="case-12.nii.gz", clinical_notes=note)
    assert not [f for f in backfill_row(row, ["view"]) if f.field == "view"]


def test_fields_argument_restricts_the_fills():
    row = _row(clinical_notes="A 65-year-old man.", filename="x-PA.jpg")
    assert [f.field for f in backfill_row(row, ["age"])] == ["age"]


def _sample_rows():
    with SAMPLE.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_real_sample_rows_are_never_overwritten():
    for number, row in enumerate(_sample_rows(), start=2):
        for fill in backfill_row(row, row_number=number):
            assert not (row.get(fill.field) or "").strip(), (number, fill)
            assert fill.field in FILLABLE


def test_real_sample_row_refilled():
    rows = _sample_rows()
    row = next(r for r in rows if r["filename"] == "nejmoa2001191_f1-PA.jpeg")
    masked = dict(row, sex="", age="", view="", modality="")
    fills = {f.field: f.value for f in backfill_row(masked)}
    assert fills["sex"] == "M" and fills["age"] == "35" and fills["view"] == "PA" and fills["modality"] == "X-ray"


def test_panel_labels_inside_sentences_cover_their_own_sentence():
    note = ("40-year-old woman. Initial posteroanterior chest radiograph and chest CT scan were performed "
            "on day of admission. Chest radiograph(A)shows no thoracic abnormalities. "
            "Axial CT scan(B)shows GGOs in subpleural area of right lower lobe.")
    a = {f.field: f.value for f in backfill_row(_row(filename="kjr-21-e25-g001-l-a.jpg", clinical_notes=note))}
    b = {f.field: f.value for f in backfill_row(_row(filename="kjr-21-e25-g001-l-b.jpg", clinical_notes=note))}
    assert a.get("modality") == "X-ray" and "view" not in a  # not the next panel's "Axial CT"
    assert (b.get("modality"), b.get("view")) == ("CT", "Axial")


def test_a_one_modality_repository_gives_its_modality():
    fills = {f.field: (f.value, f.rule) for f in backfill_row(_row(
        filename="b343e657.jpg", url="https://github.com/ml-workgroup/covid-19-image-repository/tree/master/png"),
        ["modality"])}
    assert fills == {"modality": ("X-ray", "modality.site@v1")}
