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


# --- Tables of patients, descriptor wordings and patients named by letter (issue 11) ------------

from ingest.jats import Table  # noqa: E402
from ingest.patients import descriptors_in, numbers_in, patients_in_tables  # noqa: E402

BY_ROW = Table("Table 1", "Characteristics of the three patients",
               [["Patient", "Age (years)", "Sex", "Symptoms"], ["1", "64", "M", "fever"], ["2", "59", "F", "cough"],
                ["3", "31", "Male", "anosmia"]])
BY_COLUMN = Table("Table 1", "", [["Characteristic", "Patient 1", "Patient 2", "Patient 3"],
                                  ["Age, y", "64", "59", "31"], ["Sex", "Male", "Female", "Male"],
                                  ["Fever", "yes", "yes", "no"]])
AGE_SEX = Table("Table 2", "", [["Case", "Age/Sex", "Onset"], ["Case 1", "64/M", "Jan 2"],
                                ["Case 2", "F, 59", "Jan 5"], ["Case 3", "31 y / male", "Jan 9"]])
LETTERED = Table("Table 1", "", [["", "Patient A", "Patient B"], ["Age", "64", "59"], ["Gender", "male", "female"]])


@pytest.mark.parametrize("table", [BY_ROW, BY_COLUMN, AGE_SEX])
def test_a_table_of_patients_gives_each_its_age_and_sex(table):
    found = patients_in_tables([table])
    assert [(e.number, e.age, e.sex) for e in found.values()] == [(1, 64, "M"), (2, 59, "F"), (3, 31, "M")]


def test_table_patients_named_by_letter():
    assert {n: (e.age, e.sex) for n, e in patients_in_tables([LETTERED]).items()} == {1: (64, "M"), 2: (59, "F")}


@pytest.mark.parametrize("rows", [
    [["Variable", "All patients (n = 36)"], ["Age, median (IQR)", "54 (42-67)"], ["Sex, male", "20 (56%)"]],
    [["Day", "1", "3", "5"], ["CRP (mg/L)", "10", "20", "30"]],
    [["Characteristic", "Value"], ["Age", "64"], ["Sex", "M"]],
    [["Patient", "Age", "Sex"], ["1", "64", "M"], ["1", "59", "F"]],
    [["Patient", "CT score", "Outcome"], ["1", "12", "died"], ["2", "4", "discharged"]],
])
def test_tables_of_anything_else_name_no_patient(rows):
    assert patients_in_tables([Table("Table 1", "", rows)]) == {}


def test_table_text_names_the_table_and_the_patient_for_the_normalizer():
    from ingest.normalize.demographics import normalize_age, normalize_sex

    for table in (BY_ROW, BY_COLUMN, AGE_SEX):
        entry = patients_in_tables([table])[2]
        assert entry.text.startswith(("Table 1, patient 2: ", "Table 1, Patient 2: ", "Table 2, Case 2: "))
        assert (normalize_age(entry.text).value, normalize_sex(entry.text).value) == (59, "F")


NUMBERED_WITHOUT_AGES = [
    "Case presentation / Patient 1: Patient 1, the index case, returned from Wuhan on January 20.",
    "Case presentation / Patient 2: Patient 2 developed fever two days later; RT-PCR was positive.",
    "Case presentation / Patient 3: Patient 3 had mild cough and recovered.",
    "Discussion: All three patients had peripheral opacities.",
]


def test_numbered_patients_without_ages_take_them_from_the_table():
    patients = split_patients(NUMBERED_WITHOUT_AGES, [], [BY_COLUMN])
    assert [(p.number, p.descriptor.age, p.descriptor.sex) for p in patients] == [(1, 64, "M"), (2, 59, "F"),
                                                                                   (3, 31, "M")]
    assert [len(p.paragraphs) for p in patients] == [1, 1, 1]
    assert patients[1].table_text == "Table 1, Patient 2: Age: 59; Sex: F"


def test_the_body_describes_the_patient_the_table_agrees_with_keeps_its_own_intro():
    patients = split_patients(SERIES, [], [BY_ROW])
    assert patients[1].intro.startswith("59-year-old wife") and patients[1].descriptor.words == "59-year-old wife"
    assert patients[1].table_text == "Table 1, patient 2: Age: 59; Sex: F"


def test_introduced_patients_take_the_table_numbers():
    paragraphs = ["Case reports: A 59-year-old woman presented with fever.",
                  "Case reports: A 64-year-old man, her husband, was admitted two days later."]
    patients = split_patients(paragraphs, [], [BY_ROW])
    assert [(p.number, p.named_by, p.descriptor.age) for p in patients] == [(1, "numbered", 64), (2, "numbered", 59),
                                                                          (3, "numbered", 31)]
    assert patients[0].paragraphs == ["A 64-year-old man, her husband, was admitted two days later."]
    assert patients[2].paragraphs == [] and patients[2].table_text == "Table 1, patient 3: Age: 31; Sex: M"
    assert patients_named("Fig. 2. Chest radiograph of patient 3 on day 4.", patients) == [3]


def test_introduced_patients_the_table_does_not_match_keep_their_order():
    paragraphs = ["Case reports: A 40-year-old woman presented with fever.", "Case reports: A 70-year-old man too."]
    assert [(p.number, p.descriptor.age) for p in split_patients(paragraphs, [], [BY_ROW])] == [(1, 40), (2, 70)]


def test_a_one_patient_table_completes_a_case_report():
    table = Table("Table 1", "", [["Patient", "Age", "Sex"], ["1", "71", "F"]])
    (patient,) = split_patients(["Case presentation: The patient was admitted with fever."], [], [table])
    assert (patient.named_by, patient.descriptor.age, patient.descriptor.sex) == ("single", 71, "F")


def test_no_table_same_patients_as_before():
    assert [(p.number, p.intro, p.paragraphs, p.table_text) for p in split_patients(SERIES, [], [])] == [
        (p.number, p.intro, p.paragraphs, "") for p in split_patients(SERIES, [])]


@pytest.mark.parametrize(("text", "expected"), [
    ("80 year-old-female with a history of hypertension", [(80, "F")]),
    ("A 54 years old women, with a past medical history", [(54, "F")]),
    ("Case 3 was a 38-year-old businessman from Wuhan", [(38, "M")]),
    ("a 70-year-old retired man and a 67-year-old Italian woman", [(70, "M"), (67, "F")]),
    ("a 45-year-old, obese man", [(45, "M")]),
    ("A man aged 63 years presented", [(63, "M")]),
    ("a 55-year-old COVID-19 patient", [(55, "")]),
    # a function word between the age and a person: another clause, another person
    ("a 55-year-old with diabetes and her husband", []),
    ("a 40-year-old, who", []),
])
def test_descriptor_wordings(text, expected):
    assert [(d.age, d.sex) for d, _, _ in descriptors_in(text)] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Left lower lung infiltrates were noted in patient B on admission", [2]),
    ("Patient A, a 50-year-old man", [1]),
    ("CT of patient A.", [1]),
    ("Case III: a 60-year-old woman", [3]),
    ("Case II.", [2]),
    ("the case I reported", []),
    ("Patient A-P view", []),
    ("case A/B", []),
    ("(A) patient on admission", []),
])
def test_patients_named_by_letter_or_roman_numeral(text, expected):
    assert numbers_in(text) == expected


# --- The HTML route: section titles, captions, a table of patients by column (issue 11) ----------

from ingest.normalize.demographics import normalize_age, normalize_sex  # noqa: E402
from ingest.papers import cases_from_article  # noqa: E402
from ingest.publisher import parse_article_html  # noqa: E402

PUBLICATIONS = Path(__file__).parent / "fixtures" / "publications"


def _html_cases(name: str, url: str):
    return cases_from_article(parse_article_html((PUBLICATIONS / name).read_text(encoding="utf-8"), url))


def test_a_page_paragraph_carries_its_section_titles_and_captions_are_not_body_text():
    article = parse_article_html((PUBLICATIONS / "pmc_article.html").read_text(encoding="utf-8"),
                                 "https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/")
    assert [p.split(": ", 1)[0] for p in article.paragraphs] == [
        "Abstract", "Case presentation / Patient 1", "Case presentation / Patient 2", "Case presentation / Patient 3"]
    assert not any("radiograph on admission" in p for p in article.paragraphs)


def test_a_page_case_series_reads_each_patient_from_its_section_like_the_jats():
    cases = _html_cases("pmc_article.html", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/")
    assert [(normalize_age(c.age_text).value, normalize_sex(c.sex_text).value) for c in cases] == [
        (58, "M"), (71, "F"), (45, "M")]
    assert cases[1].history.startswith("A 71-year-old woman with diabetes")


def test_a_page_case_series_numbered_by_roman_numerals_with_a_table_by_column():
    cases = _html_cases("pmc_case_series_table.html", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7350005/")
    assert [c.source_key.rsplit("#", 1)[1] for c in cases] == ["patient1", "patient2", "patient3"]
    assert [(normalize_age(c.age_text).value, normalize_sex(c.sex_text).value) for c in cases] == [
        (91, "M"), (84, "F"), (88, "F")]
    # Case III's own sentence says it: the body text is the evidence, the table agrees.
    assert cases[2].age_text.startswith("88-year-old woman")
    assert cases[0].age_text == "Table 1, Case I: Age: 91; Sex: M"
    assert [[(i.label, i.date_text) for i in c.images] for c in cases] == [
        [("a", "on admission"), ("b", "4 days later")], [("a", "on admission")], [("b", "on admission")]]
    assert cases[1].history.startswith("The second resident, who shared a room with Case I")


def test_several_patients_labelled_inside_one_paragraph():
    patients = split_patients(["Case series: Case 1: a 44-year-old man with fever. Case 2: a 62-year-old woman with "
                               "cough."], ["Case 1. a Chest radiograph (PA) on admission."])
    assert [(p.number, p.descriptor.age, p.descriptor.sex, p.paragraphs) for p in patients] == [
        (1, 44, "M", ["a 44-year-old man with fever."]), (2, 62, "F", ["a 62-year-old woman with cough."])]


def test_a_patient_only_a_caption_introduces_has_that_sentence_as_history():
    """A curators' row kind: the paper's figure says all ("SARS in a 46-year-old woman who presented
    5 days after developing symptoms. (a) ... (b) ... 12 days after admission"): the sentence is the
    case's history, so the offset counts from the onset as the curators' (17, not 12)."""
    from ingest.case_fields import normalize_case, normalize_image
    from ingest.jats import Article, Figure
    from ingest.panels import parse_subcaptions

    caption = ("SARS in a 46-year-old woman who presented 5 days after developing symptoms. (a) Anteroposterior "
               "radiograph shows bilateral multifocal opacities. (b) Anteroposterior radiograph obtained 12 days "
               "after admission shows a resolution of central airspace consolidation.")
    figure = Figure(label="Fig. 7", number=7, caption=caption, image_urls=["https://example.org/f7.jpg"],
                    panel_captions=parse_subcaptions(caption))
    (case,) = cases_from_article(Article(doi="10.1/x", title="T", figures=[figure]))
    assert case.history == "46-year-old woman who presented 5 days after developing symptoms."
    fields = {r.field: r.value for r in normalize_case(case)}
    assert (fields["age"], fields["sex"]) == ("46", "F")
    offsets = [{r.field: r.value for r in normalize_image(case, image)}.get("offset") for image in case.images]
    assert offsets[1] == "17"


def test_an_intro_sentence_ends_before_the_panel_letters():
    (patient,) = split_patients([], ["Axial CT images in a 62-year-old woman. (a) Image obtained 4 days after onset."])
    assert patient.intro == "62-year-old woman."
