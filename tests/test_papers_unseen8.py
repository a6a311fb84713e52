"""Writing and markup patterns of the eighth blind batch of papers (tests/fixtures/papers_unseen8/),
each through the parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.patients import patients_named, split_patients

UNSEEN8 = Path(__file__).parent / "fixtures" / "papers_unseen8"
PAMJ = "https://www.panafrican-med-journal.com/content/article/37/118/full/"


def _cases(name: str):
    from ingest.papers import cases_from_article

    pmcid = name.split("_")[0]
    article = parse_jats((UNSEEN8 / f"{name}.xml").read_bytes(), f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/")
    return {case.source_key.rsplit("#", 1)[-1]: case for case in cases_from_article(article)}


# --- Patients named by their initials ----------------------------------------------------------

COUPLE = ["Case Report / Patient 1. R.T., a 71-year-old retired man with hypertension, presented with fever.",
          "Case Report / Patient 2. M. L., his 66-year-old wife, developed fever one day after her husband."]


@pytest.mark.parametrize("caption, wanted", [
    # Respirology Case Reports: the legend names the patient by the initials the text gave them
    ("R.T. (A) Erect PA chest radiograph at presentation. (B) Supine AP portable radiograph 4 days later.", [1]),
    ("M.L. Erect PA (A) and left lateral (B) chest radiographs at presentation on day 3 of illness.", [2]),
    ("Chest radiographs of R.T. (left) and M.L. (right).", [1, 2]),
    # initials the text gives no patient, and an abbreviation that is no one's, name nobody
    ("J.K. Axial CT.", []),
    ("Radiograph obtained in the U.S. on admission.", []),
])
def test_a_legend_naming_a_patient_by_initials_names_that_patient(caption, wanted):
    patients = split_patients(COUPLE, [caption])
    assert patients_named(caption, patients) == wanted


def test_the_couple_named_by_initials_gets_each_their_own_figure_age_and_sex():
    from ingest.case_fields import normalize_case

    cases = _cases("PMC7980066_efetch")
    assert sorted(cases) == ["patient1", "patient2"]
    assert [image.label for image in cases["patient1"].images] == ["a", "b"]
    assert [image.label for image in cases["patient2"].images] == ["a", "b"]
    facts = {key: {f.field: f.value for f in normalize_case(case) if f.image_position is None}
             for key, case in cases.items()}
    assert (facts["patient1"]["age"], facts["patient1"]["sex"]) == ("71", "M")
    assert (facts["patient2"]["age"], facts["patient2"]["sex"]) == ("66", "F")


# --- A journal page's own figure holders and tables ----------------------------------------------

def test_a_page_whose_figure_holders_are_classed_article_figure_gives_its_figures():
    from ingest.publisher import parse_article_html

    article = parse_article_html((UNSEEN8 / "pamj_37_118.html").read_bytes(), PAMJ)
    assert [f.label for f in article.figures] == ["Figure 1", "Figure 2", "Figure 3", "Figure 4"]
    assert article.figures[1].image_urls == [f"{PAMJ}images/PAMJ-37-118-g002.jpg"]
    assert article.figures[1].caption.startswith("case #2, A) supine AP portable")
    # the captions are no body text
    assert not any("PAMJ" in p or p.startswith("Figures:") for p in article.paragraphs)


@pytest.mark.parametrize("caption, wanted", [
    ("case #2, A) supine AP portable chest radiograph on day 9; B) axial chest CT on day 10",
     {"a": "supine AP portable chest radiograph on day 9", "b": "axial chest CT on day 10"}),
    ("A) PA radiograph. B) Lateral radiograph.", {"a": "PA radiograph", "b": "Lateral radiograph"}),
    # a capital closing a parenthesis inside the words is no panel
    ("Radiograph of the patient (type B) on day 3", {}),
])
def test_capital_letters_closing_a_parenthesis_they_never_opened_name_panels(caption, wanted):
    from ingest.panels import parse_subcaptions

    assert parse_subcaptions(caption) == wanted


def test_a_table_numbering_its_patients_with_a_number_sign_gives_their_ages_and_sexes():
    from ingest.jats import Table
    from ingest.patients import patients_in_tables

    table = Table(label="Table 1", caption="clinical characteristics of the four patients", rows=[
        ["Case", "Age (years)", "Sex", "Relation"],
        ["#1", "45", "Female", "Mother"], ["#2", "67", "Male", "Grandfather"], ["#3", "23", "Male", "Son"],
        ["#4", "6 months", "Male", "Grandson"]])
    found = patients_in_tables([table])
    assert {n: (p.age, p.sex) for n, p in found.items()} == {1: (45, "F"), 2: (67, "M"), 3: (23, "M"),
                                                              4: (None, "M")}


def test_the_household_page_gives_each_case_its_figure_age_and_sex():
    from ingest.case_fields import normalize_case
    from ingest.papers import cases_from_article
    from ingest.publisher import parse_article_html

    article = parse_article_html((UNSEEN8 / "pamj_37_118.html").read_bytes(), PAMJ)
    cases = {c.source_key.rsplit("#", 1)[-1]: c for c in cases_from_article(article)}
    facts = {key: {f.field: f.value for f in normalize_case(case) if f.image_position is None}
             for key, case in cases.items()}
    assert [(facts[f"patient{n}"].get("age"), facts[f"patient{n}"].get("sex")) for n in (1, 2, 3)] == [
        ("45", "F"), ("67", "M"), ("23", "M")]
    assert [image.label for image in cases["patient2"].images] == ["a", "b"]


# --- Views and what a curator takes --------------------------------------------------------------

@pytest.mark.parametrize("words, view", [
    ("Left lateral decubitus radiograph 5 days after admission: the left pleural effusion layers", None),
    ("Right decubitus view of the chest", None),
    ("Left lateral radiograph at presentation", "L"),
    ("Erect PA radiograph four days later", "PA"),
])
def test_a_decubitus_film_is_no_lateral_view(words, view):
    from ingest.normalize.imaging import normalize_view

    assert normalize_view(words, "X-ray").value == view


def test_the_ct_scout_panel_is_left_out_and_a_panel_reaching_the_neck_is_kept():
    from ingest.case_fields import record_timeline
    from ingest.figure_kinds import caption_kind, scout_kind

    assert scout_kind("CT scout (topogram) used to plan the examination") is not None
    assert scout_kind("Axial CT image; the scout view is not shown") is None
    assert caption_kind("Coronal reformatted image shows mediastinal air extending into the lower neck") is None
    # a chest region keeps an image reaching another organ, not another kind or modality
    assert caption_kind("Histology of the pleural biopsy").kind == "histology"
    assert caption_kind("Ultrasound of the pleural effusion").kind == "non-chest imaging"
    [case] = _cases("PMC7980022_efetch").values()
    assert [image.label for image in case.images] == ["Figure 1", "b", "c", "d"]
    assert "CT scout" in str(case.extra.get("left_out_figures"))
    # "Unenhanced chest CT the day after admission" of a 7-day history: day 8 for every panel
    timeline = record_timeline(case)
    assert [timeline.offset_of(i).value for i in range(4)] == [7, 8, 8, 8]
