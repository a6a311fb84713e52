"""The thirty-fifth blind batch of papers (tests/fixtures/papers_unseen35/), through the rules it broke on the first
crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.figure_kinds import caption_kind
from ingest.jats import parse_jats
from ingest.normalize.demographics import normalize_sex
from ingest.panels import Panel, PanelSplit, parse_subcaptions
from ingest.papers import cases_from_article
from ingest.patients import split_patients

UNSEEN35 = Path(__file__).parent / "fixtures" / "papers_unseen35"
ULTRASOUND_J = "PMC7350044_efetch.xml"


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


# --- a lung ultrasound frame beside CT: ultrasound is no radiograph or CT, whatever chest words it has ----------

@pytest.mark.parametrize("words", [
    "Lung ultrasound, right postero-basal area (convex probe): irregular and thickened pleural line with confluent "
    "B-lines",
    "LUS of the left anterior chest wall showing a small subpleural consolidation",
    "Point-of-care ultrasound of the right lung: coalescent B-lines and a thickened pleural line",
    "Thoracic ultrasonography at the bedside showing an irregular pleura",
    "Ecografia polmonare: linee B confluenti e ispessimento pleurico",
])
def test_an_ultrasound_of_the_lung_is_not_a_chest_image(words):
    verdict = caption_kind(words)
    assert verdict is not None
    assert verdict.kind == "non-chest imaging"


@pytest.mark.parametrize("words", [
    # a figure of both: kept, its panels judged one by one
    "Lung ultrasound (a) and chest CT (b) on admission showing B-lines and ground-glass opacities",
    "Chest radiograph after ultrasound-guided drainage of the right pleural effusion",
    "Bedside chest X-ray; the lung ultrasound findings are described in the text",
    # "lus" inside other words, or in lower case, is no abbreviation of lung ultrasound
    "Bilateral opacities plus consolidation in the right lung",
])
def test_words_naming_a_radiograph_or_ct_beside_an_ultrasound_keep_it(words):
    assert caption_kind(words) is None


def test_the_ultrasound_frames_beside_ct_are_left_out_and_the_ct_panels_kept():
    xml = (UNSEEN35 / ULTRASOUND_J).read_bytes()
    (case,) = cases_from_article(parse_jats(xml), panel_splits={1: _panels(2), 2: _panels(3)})
    kept = [(i.source_url.rsplit("_", 2)[-2], i.label) for i in case.images]
    assert kept == [("Fig1", "b"), ("Fig2", "b"), ("Fig2", "c")]
    left_out = {item["figure"]: item["kind"] for item in case.extra["left_out_figures"]}
    assert left_out == {"figure 1 panel A": "non-chest imaging", "figure 2 panel A": "non-chest imaging"}


# --- a family cluster on one page: "Upper row, patient 1 ...: A, ...; B, ... Lower row, patient 2 ...: C and D" ---

FAMILY_LEGEND = ("Chest CT images of patient 1 and patient 2 at admission. Upper row, patient 1 (the index patient) "
                 "on January 25, 2020: A, multiple GGOs in the right lower lobe; B, a subpleural GGO in the left "
                 "upper lobe. Lower row, patient 2 on January 28, 2020: C and D, patchy GGOs with interlobular septal "
                 "thickening in both lower lobes. CT, computed tomography; GGO, ground-glass opacity")


def test_a_group_heading_before_its_letters_is_theirs_not_the_panel_before_it():
    panels = parse_subcaptions(FAMILY_LEGEND)
    assert panels["a"] == ("Upper row, patient 1 (the index patient) on January 25, 2020: multiple GGOs in the right "
                           "lower lobe")
    assert panels["b"] == ("Upper row, patient 1 (the index patient) on January 25, 2020: a subpleural GGO in the "
                           "left upper lobe")
    assert panels["c"].startswith("Lower row, patient 2 on January 28, 2020: patchy GGOs")
    assert panels["d"] == panels["c"]


@pytest.mark.parametrize("legend, wanted", [
    # one heading only: the caption's lead, read as before (its words are no group of the letters)
    ("Chest CT on admission: (a) axial image; (b) coronal image",
     {"a": "axial image", "b": "coronal image"}),
    # headings of columns, in parentheses' letters
    ("Left column, case 1 at admission: (a) axial CT; (b) coronal CT. Right column, case 2 on day 6: (c) axial CT; "
     "(d) coronal CT",
     {"a": "Left column, case 1 at admission: axial CT", "b": "Left column, case 1 at admission: coronal CT",
      "c": "Right column, case 2 on day 6: axial CT", "d": "Right column, case 2 on day 6: coronal CT"}),
])
def test_group_headings_only_where_two_divide_the_letters(legend, wanted):
    assert parse_subcaptions(legend) == wanted


RELATIVES = ("The other members of the household were quarantined and tested. His father (patient 4), aged 74 years, "
             "with a history of hypertension, had had fever and fatigue since January 24 and was admitted on January "
             "26. His wife (patient 2), 43 years old, developed cough and myalgia on January 26, and their daughter "
             "(patient 3), a 19-year-old university student, complained of sore throat and low-grade fever from "
             "January 27.")
INDEX = ("Patient 1, the index patient, is a 45-year-old man who works in Wuhan. He developed fever and dry cough on "
         "January 22 and was admitted on January 25.")


def test_relatives_introduced_by_relation_and_number_have_their_own_age_sex_and_onset():
    legends = ["Patient 2 (A). Patient 3 (B). Patient 4 (C)."]
    patients = {p.number: p for p in split_patients([INDEX, RELATIVES], legends)}
    assert (patients[4].descriptor.age, patients[4].descriptor.sex) == (74, "M")
    assert (patients[2].descriptor.age, patients[2].descriptor.sex) == (43, "F")
    assert (patients[3].descriptor.age, patients[3].descriptor.sex) == (19, "F")
    # each one's own words: the wife's onset, not the daughter's after it
    assert patients[2].intro == "wife (patient 2), 43 years old, developed cough and myalgia on January 26"
    assert patients[3].intro.startswith("daughter (patient 3), a 19-year-old university student, complained")
    # the paragraph of the relatives is no longer the index patient's history
    assert patients[1].paragraphs == [INDEX]
    assert (patients[1].descriptor.age, patients[1].descriptor.sex) == (45, "M")


@pytest.mark.parametrize("relative, age", [
    ("His father (patient 4), aged 74 years,", 74),
    ("His wife (patient 2), 43 years old,", 43),
    ("their daughter (patient 3), a 19-year-old university student,", 19),
    # the apposition read by normalize_age, as every other age: "43 years" alone is her age too
    ("His wife (patient 2), 43 years,", 43),
    # an infant's months are under a year; words that open with no age give none
    ("their son (patient 5), aged 8 months,", 0),
    ("His wife (patient 2), who had been well,", 0),
])
def test_a_relatives_apposition_is_read_by_the_age_normalizer(relative, age):
    text = RELATIVES.replace("His wife (patient 2), 43 years old,", relative)
    legends = ["Patient 2 (A). Patient 3 (B). Patient 4 (C). Patient 5 (D)."]
    patients = {p.number: p for p in split_patients([INDEX, text], legends)}
    number = int(relative.split("(patient ")[1][0])
    assert patients[number].descriptor.age == age


@pytest.mark.parametrize("words, sex", [
    ("wife (patient 2), 43 years old, developed cough and myalgia on January 26", "F"),
    ("daughter (patient 3), a 19-year-old university student, complained of sore throat", "F"),
    ("father (patient 4), aged 74 years, had had fever and fatigue since January 24", "M"),
])
def test_a_relative_numbered_as_a_patient_with_an_age_is_introduced(words, sex):
    assert normalize_sex(words).value == sex


@pytest.mark.parametrize("words", [
    # the relative of the patient the words are about, named without a number or an age: no introduction
    "He was found unresponsive by his wife (patient 2) and brought in",
    "found unresponsive by wife, brought to the emergency department",
])
def test_a_relative_without_an_age_after_the_number_is_no_introduction(words):
    assert normalize_sex(words).rule != "sex.introduction"


def test_the_family_on_wileys_page_each_relative_their_own_values():
    from ingest.case_fields import normalize_case
    from ingest.publisher import parse_article_html

    html = (UNSEEN35 / "wiley_jmv_26318.html").read_bytes()
    article = parse_article_html(html, "https://onlinelibrary.wiley.com/doi/10.1002/jmv.26318")
    grid = PanelSplit([Panel((x, y, x + 360, y + 360), b"") for y in (0, 372) for x in (0, 372)], reliable=True,
                      reason="gutters", width=732, height=732)
    cases = cases_from_article(article, panel_splits={1: grid, 2: _panels(2)})
    got = {}
    for case in cases:
        values = {(r.field, r.image_position): r.value for r in normalize_case(case)}
        for image in case.images:
            figure = image.source_url.rsplit("-fig-", 1)[1][:4]
            got[(figure, image.label.lower())] = (values.get(("sex", None)), values.get(("age", None)),
                                                  values.get(("offset", image.position)))
    assert got == {("0001", "a"): ("M", "45", "3"), ("0001", "b"): ("M", "45", "3"),
                   ("0001", "c"): ("F", "43", "2"), ("0001", "d"): ("F", "43", "2"),
                   ("0002", "a"): ("F", "19", "2"), ("0002", "b"): ("M", "74", "2"),
                   ("0003", "figure 3"): ("M", "74", "10")}
