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


ILLNESS_DAYS = ("A 45-year-old man presented to our emergency department on day 7 of illness with fever and cough. "
                "On illness day 13 he was transferred to the intensive care unit and intubated for hypoxaemic "
                "respiratory failure. The radiograph three days after intubation showed diffuse consolidation "
                "(Fig. 2).")


@pytest.mark.parametrize("history, caption, offset", [
    # the intubation's day told in the history, on the illness's count
    (ILLNESS_DAYS, "Supine chest radiograph 3 days after intubation showing diffuse bilateral consolidation", 16),
    # ... on the stay's count (admitted 4 days after the onset)
    ("She presented with a 4-day history of fever. She was intubated on hospital day 2.",
     "Chest radiograph 5 days after intubation.", 11),
    # a treatment started on admission; the previous film is no base ("after 10 days of treatment")
    ("A 49-year-old woman presented with fever and cough since 5 days. Treatment with oxygen, dexamethasone and "
     "enoxaparin was started on admission.", "Chest radiograph after 10 days of treatment showing clearing", 15),
    # the history gives the event no day, or names it only in a film's sentence: blank
    ("He presented with a 7-day history of fever and was intubated because of respiratory failure.",
     "Chest radiograph 3 days after intubation.", None),
    ("He presented with a 7-day history of fever. The radiograph 2 days after intubation on day 9 was worse.",
     "Chest radiograph 3 days after intubation.", None),
    # a treatment only named (not started) on a day: no base
    ("He presented with a 7-day history of fever and was discharged after treatment on hospital day 12.",
     "Chest radiograph after 10 days of treatment.", None),
])
def test_an_interval_after_an_event_counts_from_the_day_the_history_gives_the_event(history, caption, offset):
    timeline = case_timeline(history, [ImageTexts(0, caption="Chest radiograph on admission."),
                                       ImageTexts(1, caption=caption)])
    assert timeline.offsets[1].value == offset


FOLLOW_UP = ("A 49-year-old woman presented with fever and cough since 5 days. She was discharged on hospital day "
             "14. {} she was seen in the outpatient clinic without symptoms, and the radiograph was almost normal.")


@pytest.mark.parametrize("told, caption, offset", [
    ("Two weeks after discharge", "Posteroanterior chest radiograph at 2-week follow-up, almost normal", 33),
    ("Six weeks after symptom onset", "Chest radiograph at the 6\u2010week follow-up", 42),
    # the history tells another length, or none: the follow-up's day is not told
    ("Three weeks after discharge", "Chest radiograph at 2-week follow-up", None),
    ("At follow-up", "Chest radiograph at 2-week follow-up", None),
])
def test_a_follow_up_film_is_the_one_the_history_tells_as_long_after_a_moment(told, caption, offset):
    timeline = case_timeline(FOLLOW_UP.format(told), [ImageTexts(0, caption="Chest radiograph on admission."),
                                                      ImageTexts(1, caption=caption)])
    assert [o.value for o in timeline.offsets] == [5, offset]


@pytest.mark.parametrize("caption, date", [
    ("Posteroanterior chest radiograph after 10 days of treatment showing partial clearing",
     "after 10 days of treatment"),
    ("Chest CT after 3 days of antibiotics, without improvement", "after 3 days of antibiotics"),
    ("The lesions were enlarged after 5 days", "after 5 days"),
])
def test_a_panels_interval_keeps_what_it_counts_from(caption, date):
    # the panel's date text is read beside its caption: "after 10 days" alone was read as after the
    # previous film, and won over the caption's "after 10 days of treatment"
    from ingest.papers import described

    assert described(caption)["date_text"] == date


JATS = """<?xml version="1.0"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report"><front><article-meta>
<article-id pub-id-type="pmc">7999901</article-id><article-id pub-id-type="doi">10.5555/example.1</article-id>
<title-group><article-title>Resolution of COVID-19 pneumonia</article-title></title-group></article-meta></front>
<body><sec><title>Case presentation</title>
<p>A 49-year-old woman presented with fever and cough since 5 days. The chest radiograph on admission showed bilateral
opacities (<xref ref-type="fig" rid="F1">Fig. 1</xref>).</p>
<p>She improved steadily. The radiograph after 10 days of treatment showed partial clearing, and {ct} showed
residual subpleural bands (<xref ref-type="fig" rid="F2">Fig. 2</xref>). She was discharged on hospital day 14.</p>
</sec></body><floats-group>
<fig id="F1"><label>Fig. 1</label><caption><p>Posteroanterior chest radiograph on admission.</p></caption>
<graphic xlink:href="gr1"/></fig>
<fig id="F2"><label>Fig. 2</label><caption><p>(a) Posteroanterior chest radiograph showing partial clearing.
(b) Axial CT {when} showing residual subpleural bands.</p></caption><graphic xlink:href="gr2"/></fig>
</floats-group></article>"""


@pytest.mark.parametrize("ct, when, date", [
    # the citing sentence tells two exams, each in its clause: the CT's clause gives the CT's day
    ("a CT on hospital day 13, the day before discharge,", "before discharge", "hospital day 13"),
    ("a CT on hospital day 13", "at follow-up", "hospital day 13"),
    # the CT's clause gives no day, or the CT's own words do: nothing taken from the text
    ("a CT before discharge", "before discharge", "discharge"),
    ("a CT on hospital day 13", "on admission", "on admission"),
])
def test_a_roughly_placed_panel_takes_the_day_of_its_exams_clause_in_the_citing_sentence(ct, when, date):
    from ingest.jats import parse_jats

    article = parse_jats(JATS.format(ct=ct, when=when).encode(), "https://pmc.ncbi.nlm.nih.gov/articles/PMC7999901/")
    (case,) = _cases(article)
    ct_image = next(i for i in case.images if i.extra.get("figure_number") == 2 and i.label == "b")
    assert ct_image.date_text == date
