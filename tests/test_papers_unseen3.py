"""Writing and markup patterns of the third blind batch of papers (tests/fixtures/papers_unseen3/),
each through the parser or the normalizer it broke on the first crawl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.papers import cases_from_article
from ingest.records import TIMELINE_NOTE
from ingest.timeline import dates_in, history_dates

UNSEEN3 = Path(__file__).parent / "fixtures" / "papers_unseen3"


def _offsets(efetch: str) -> dict[str, list[int | None]]:
    from ingest.case_fields import record_timeline

    article = parse_jats((UNSEEN3 / efetch).read_bytes())
    return {case.source_key.rsplit("#", 1)[1]: [o.value for o in record_timeline(case).offsets]
            for case in cases_from_article(article)}


@pytest.mark.parametrize("text", [
    "Patients with COVID-19 may develop pleural effusions late in the course.",
    "Cavitation in COVID-19 may result from diffuse alveolar damage.",
    "SARS-CoV-2 march through a household was traced by sequencing.",
])
def test_a_name_ending_in_a_number_before_may_or_march_is_no_date(text):
    assert dates_in(text) == ()


def test_a_day_before_a_month_is_still_a_date_after_a_range_dash():
    assert [d for _, _, d in dates_in("She had fever from 10–14 March 2020.")] == [date(2020, 3, 14)]


@pytest.mark.parametrize("heading", ["2. Case Presentation: ", "Case presentation / History: ", "Presentation: "])
def test_a_section_title_naming_the_presentation_does_not_date_the_admission(heading):
    history = (f"{heading}On March 8, 2020, a 51-year-old man developed fever and dry cough. "
               "He was admitted to our hospital on March 12, 2020, with dyspnea.")
    onset, admission = history_dates(history)
    assert (onset[0], admission[0]) == (date(2020, 3, 8), date(2020, 3, 12))


def test_a_symptom_dated_after_the_admission_is_no_onset():
    history = ("On 2 April 2020 she developed fever and cough. She was admitted on 6 April 2020. "
               "Chest pain developed in the second week; a radiograph on 15 April showed an effusion.")
    onset, admission = history_dates(history)
    assert (onset[0], admission[0]) == (date(2020, 4, 2), date(2020, 4, 6))


def test_legends_dated_by_the_calendar_count_from_the_dated_onset():
    # Hindawi: "On March 8, 2020, ... developed fever", admitted March 12; legends "on March 12, 2020",
    # "Chest CT on March 15, 2020: (a) ... (b) ...", "on March 24, 2020"
    assert _offsets("PMC7930022_efetch.xml") == {"patient1": [4, 7, 7, 16]}


def test_a_table_column_of_days_from_onset_to_imaging_dates_each_patients_images():
    # Wiley's pictorial series: "Symptom onset to imaging (d)" 4, 9, 12, 3; captions name no moment,
    # patient 3's radiograph and CT cited "on the day of admission" and "the same day"
    assert _offsets("PMC7930033_efetch.xml") == {
        "patient1": [4, 4], "patient2": [9, 9], "patient3": [12, 12], "patient4": [3]}


@pytest.mark.parametrize("header", ["Symptom onset to imaging (d)", "Days from onset to CT",
                                    "Onset to chest CT (days)"])
def test_an_onset_to_imaging_column_is_read_as_the_imaging_day(header):
    from ingest.jats import Table
    from ingest.patients import patients_in_tables

    table = Table(label="Table 1", caption="", rows=[["Patient", "Sex/age (y)", header],
                                                     ["1", "M/45", "4"], ["2", "F/67", "9 d"]])
    assert {n: (p.age, p.sex, [m.days for m in p.moments]) for n, p in patients_in_tables([table]).items()} == {
        1: (45, "M", [4]), 2: (67, "F", [9])}


def test_a_patient_whose_figures_are_cited_at_two_times_keeps_the_citations():
    # the table's one imaging day is not the day of a follow-up film the text dates itself
    from ingest.jats import Table

    article = parse_jats((UNSEEN3 / "PMC7930033_efetch.xml").read_bytes())
    article.paragraphs = [p.replace("a bedside radiograph and CT were obtained on the day of admission",
                                    "a bedside radiograph was obtained on the day of admission and CT "
                                    "5 days later") for p in article.paragraphs]
    assert any("5 days later" in p for p in article.paragraphs)
    assert all(isinstance(t, Table) for t in article.tables)
    case = next(c for c in cases_from_article(article) if c.source_key.endswith("#patient3"))
    assert not any(i.extra.get("date_from") == "the table of patients" for i in case.images)


def test_a_figure_without_a_caption_takes_the_sentences_citing_its_panels():
    # NEJM Images in Clinical Medicine: <fig><label>Figure 1</label><graphic/></fig>, the text is the legend
    article = parse_jats((UNSEEN3 / "PMC7930011_efetch.xml").read_bytes())
    (figure,) = article.figures
    assert figure.panel_captions["a"].startswith("A posteroanterior chest radiograph obtained at presentation")
    assert figure.panel_captions["b"].startswith("Computed tomography (CT) of the chest, performed the same day")
    assert figure.panel_captions["b"].endswith("(coronal reconstruction)")
    assert _offsets("PMC7930011_efetch.xml") == {"patient1": [10, 10]}


def _one_figure_paper(body: str, caption: str = "") -> str:
    legend = f"<caption><p>{caption}</p></caption>" if caption else ""
    return (f'<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta>'
            f'<article-id pub-id-type="pmc">7000001</article-id></article-meta></front><body><p>{body}</p>'
            f'<fig id="f1"><label>Figure 1</label>{legend}<graphic xlink:href="f1"/></fig></body></article>')


@pytest.mark.parametrize("body, caption, panels", [
    # a sentence naming two panels says not whose words are whose
    ("A chest radiograph and CT showed opacities (Panels A and B).", "", {}),
    # a legend of its own is kept
    ("A radiograph showed opacities (Panel A). CT showed nodules (Panel B).", "Chest radiograph (A) and CT (B).",
     {"a": "Chest radiograph", "b": "CT"}),
])
def test_only_a_captionless_figure_with_each_panel_cited_alone_takes_the_texts_words(body, caption, panels):
    (figure,) = parse_jats(_one_figure_paper(body, caption).encode()).figures
    assert {k: v.rstrip(".") for k, v in figure.panel_captions.items()} == panels


@pytest.mark.parametrize("title", [
    "Normal chest radiograph does not exclude COVID-19 pneumonia",
    "A normal chest CT cannot rule out early COVID-19",
    "Normal chest x-ray doesn't exclude SARS-CoV-2 pneumonia",
])
def test_a_normal_film_that_does_not_exclude_the_disease_is_no_no_finding(title):
    # SAGE's letter: its title gave 'No Finding' to both patients, the second with opacities on CT
    from ingest.normalize.imaging import normalize_finding

    assert normalize_finding(title).value != "No Finding"


def test_a_normal_film_is_still_no_finding():
    from ingest.normalize.imaging import normalize_finding

    assert normalize_finding("Normal chest radiograph; the patient was discharged.").value == "No Finding"


def test_an_onset_told_in_the_abstract_only_dates_the_exam_the_text_places_on_admission():
    # Oxford: the abstract's "chest CT, performed 11 days after symptom onset", the text's CT "on the day of
    # admission" (caption "on admission") and radiograph "on day 5 of admission"
    assert _offsets("PMC7930044_efetch.xml") == {"patient1": [11, 11, 16]}


def test_the_abstracts_onset_is_not_used_when_the_text_dates_that_exam_otherwise():
    article = parse_jats((UNSEEN3 / "PMC7930044_efetch.xml").read_bytes())
    for figure in article.figures:
        figure.caption = figure.caption.replace("CT pulmonary angiogram on admission",
                                                "CT pulmonary angiogram 2 days after admission")
        figure.panel_captions = {k: v.replace("on admission", "2 days after admission")
                                 for k, v in figure.panel_captions.items()}
    (case,) = cases_from_article(article)
    assert TIMELINE_NOTE not in case.extra


def test_the_abstracts_onset_is_read_by_the_timeline_but_never_written_into_the_notes():
    (case,) = cases_from_article(parse_jats((UNSEEN3 / "PMC7930044_efetch.xml").read_bytes()))
    assert "11 days after symptom onset" in case.extra[TIMELINE_NOTE]
    assert "symptom onset 11 days before admission" not in case.history  # clinical_notes are the paper's words
