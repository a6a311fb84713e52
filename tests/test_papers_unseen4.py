"""Writing and markup patterns of the fourth blind batch of papers (tests/fixtures/papers_unseen4/),
each through the parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.patients import patients_named, split_patients

UNSEEN4 = Path(__file__).parent / "fixtures" / "papers_unseen4"


def test_an_images_in_clinical_medicine_figure_without_legend_takes_its_panels_from_the_text():
    article = parse_jats((UNSEEN4 / "PMC7930033_efetch.xml").read_bytes())
    [figure] = article.figures
    assert figure.number == 1
    assert list(figure.panel_captions) == ["a", "b"]
    assert "posteroanterior chest radiograph" in figure.panel_captions["a"]
    assert figure.panel_captions["b"].startswith("Computed tomography (CT) of the chest")


def test_a_captioned_figure_keeps_its_own_legend_though_the_text_names_panels():
    article = parse_jats((UNSEEN4 / "PMC7930022_efetch.xml").read_bytes())
    [figure] = article.figures
    assert figure.caption.startswith("Chest imaging of a 38-year-old woman")


@pytest.mark.parametrize("history, captions, wanted", [
    # Pediatrics International: "A 36-year-old woman ... Her 9-year-old son", then "of the mother" / "of the son".
    (["A 36-year-old woman developed fever on 9 April 2020. Her 9-year-old son developed a cough on 12 April."],
     ["Anteroposterior chest radiograph of the mother on 14 April 2020.", "Axial CT of the son on 15 April 2020."],
     [[1], [2]]),
    (["A 64-year-old man was admitted with fever. His 61-year-old wife was admitted two days later."],
     ["CT of the husband on admission.", "The wife's chest radiograph on day 3."],
     [[1], [2]]),
    # Two women: "the mother" is the one not introduced as a daughter.
    (["A 70-year-old woman had fever for 5 days. Her 41-year-old daughter developed a cough."],
     ["Radiograph of the mother.", "CT of the daughter."],
     [[1], [2]]),
])
def test_a_caption_naming_a_family_member_names_that_patient(history, captions, wanted):
    patients = split_patients(history, captions)
    assert [patients_named(caption, patients) for caption in captions] == wanted


def test_a_family_word_matching_two_patients_names_none():
    patients = split_patients(["A 70-year-old woman and a 68-year-old woman, sisters, were admitted."], [])
    assert patients_named("CT of the mother.", patients) == []


def test_a_pictorial_review_gives_each_ct_the_day_its_table_of_patients_counts_from_the_onset():
    from ingest.jats import Article
    from ingest.papers import cases_from_article

    article = parse_jats((UNSEEN4 / "PMC7930011_efetch.xml").read_bytes(),
                         "https://pmc.ncbi.nlm.nih.gov/articles/PMC7930011/")
    assert isinstance(article, Article)
    cases = {c.extra.get("patient_number"): c for c in cases_from_article(article)}
    days = {n: [(i.label, i.date_text) for i in c.images] for n, c in cases.items()}
    assert days[2] == [("b", "Table 1, patient 2: CT 6 days after symptom onset")]
    # Patient 4's radiograph dates itself ("25 days after symptom onset"): the table's CT column is not its.
    table_days = {i.label: i.date_text for i in cases[4].images if i.date_text.startswith("Table")}
    assert table_days == {"d": "Table 1, patient 4: CT 17 days after symptom onset"}


@pytest.mark.parametrize("header, kind", [
    ("Days from symptom onset to CT", "exam CT"),
    ("Onset to first chest CT (days)", "exam CT"),
    ("Time from onset to radiograph (d)", "exam X-ray"),
    ("Symptom onset to imaging (d)", "exam imaging"),   # any kind: every image of the patient
    ("Days from symptom onset to admission", "onset"),
    ("CT findings", ""),
    ("Onset to CT", ""),          # no unit: not read as days
])
def test_a_table_column_counting_days_from_onset_to_an_exam_is_read(header, kind):
    from ingest.patients import _kind

    assert _kind(header) == kind


def test_a_paragraph_telling_two_patients_gives_each_the_sentences_it_opens():
    paragraph = ("A 36-year-old woman developed fever and sore throat on 9 April 2020; "
                 "RT-PCR was positive on 11 April. "
                 "Her 9-year-old son developed a cough on 12 April and tested positive the following day. "
                 "Both were admitted on 14 April.")
    mother, son = split_patients([paragraph], [])
    # (the son's last sentence tells a fact of both: the mother's too, since round 44)
    assert mother.paragraphs == ["A 36-year-old woman developed fever and sore throat on 9 April 2020; "
                                 "RT-PCR was positive on 11 April.", "Both were admitted on 14 April."]
    assert son.paragraphs[0].startswith("Her 9-year-old son developed a cough on 12 April")


def test_a_patient_named_inside_a_sentence_does_not_take_the_paragraph():
    paragraph = ("A 64-year-old man was admitted with fever. He was treated like his 61-year-old wife, "
                 "who had been admitted two days before. He recovered.")
    husband, wife = split_patients([paragraph], [])
    assert husband.paragraphs == [paragraph]
    assert wife.paragraphs == []
