"""How papers tell time in the seventh blind batch (tests/fixtures/papers_unseen7/), each through the
parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import record_timeline
from ingest.jats import Table
from ingest.patients import split_patients
from ingest.pdf_figures import extract_pdf_figures
from ingest.publisher import parse_article_html
from ingest.timeline import SINCE_ADMISSION, UNPLACED, ImageTexts, case_timeline, text_moments

UNSEEN7 = Path(__file__).parent / "fixtures" / "papers_unseen7"


def _cases(article):
    from ingest.papers import cases_from_article

    return cases_from_article(article)


def test_a_pdfs_figures_come_in_their_numbers_order_though_fig_2_stands_higher_on_the_page():
    # two columns: Fig. 2 at the top of the right column, Fig. 1 lower in the left one; the images
    # follow the figures' order ("after 10 days of treatment" comes after the films on admission)
    figures = extract_pdf_figures((UNSEEN7 / "jcicr_2020_0412.pdf").read_bytes())
    assert [f.number for f in figures] == [1, 2]
    assert [f.panel_letters for f in figures] == [["a", "b"], ["a", "b", "c"]]


INTRO = ["A 72-year-old man on haemodialysis was admitted with fever and breathlessness. His findings on admission "
         "are summarized in Table 1."]


@pytest.mark.parametrize("rows, said", [
    ([["Variable", "Value"], ["Days from symptom onset to admission", "7"], ["Temperature (°C)", "38.6"]],
     "Table 1: symptom onset 7 days before admission"),
    ([["Symptom onset to admission (days)", "5"], ["CRP (mg/l)", "142"]],
     "Table 1: symptom onset 5 days before admission"),
    ([["Characteristic", "On admission"], ["Duration of symptoms before admission, days", "4 days"]],
     "Table 1: symptom onset 4 days before admission"),
    # no count of days, or one per column of a comparison: not the patient's onset
    ([["Variable", "Value"], ["Symptom onset to admission", "one week"]], ""),
    ([["", "Admission", "Day 7"], ["Days from symptom onset to admission", "7", "7"]], ""),
])
def test_a_case_reports_table_of_findings_tells_the_days_from_onset_to_admission(rows, said):
    patients = split_patients(INTRO, [], [Table(label="Table 1", caption="Findings on admission", rows=rows)])
    assert len(patients) == 1
    assert patients[0].table_text == said


def test_the_timelines_days_count_from_an_admission_the_table_puts_7_days_after_the_onset():
    url = "https://academic.oup.com/omcr/article/2020/10/omaa098/5923456"
    article = parse_article_html((UNSEEN7 / "oup_omcr_omaa098.html").read_bytes(), url)
    (case,) = _cases(article)
    timeline = record_timeline(case)
    assert timeline.admission_day == 7
    # Figure 1, the timeline chart, is left out by its pixels in a crawl
    films = [i.position for i in case.images if i.extra["figure_number"] == 2]
    assert [timeline.offset_of(p).value for p in films] == [7, 11, 16]  # "day 0 (A), day 4 (B) and day 9 (C)"


@pytest.mark.parametrize("caption", [
    "Anteroposterior chest radiograph on post\u2010admission day 6, showing progression",  # Wiley's U+2010
    "Chest radiograph on post-admission day 6",
    "Chest radiograph, postadmission day 6",
])
def test_post_admission_day_n_counts_n_days_from_the_admission(caption):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [(SINCE_ADMISSION, 6)]
    history = "A 67-year-old man presented with fever that had begun two days before presentation."
    timeline = case_timeline(history, [ImageTexts(0, caption="Chest radiograph on admission."),
                                       ImageTexts(1, caption=caption)])
    assert [o.value for o in timeline.offsets] == [2, 8]


def test_admission_day_n_stays_unplaced():
    # "admission day 3": the admission may be its day 1 or day 0
    assert [m.kind for m in text_moments("CT on admission day 3.", "caption")] == [UNPLACED]
