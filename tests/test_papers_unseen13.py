"""Case series and timelines of the thirteenth blind batch of papers (tests/fixtures/papers_unseen13/), each
through the rule it broke on the first crawl: the wording classes, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.normalize.demographics import normalize_sex
from ingest.normalize.time_words import symptom_histories
from ingest.patients import patients_named, split_patients
from ingest.timeline import HOSPITAL_DAY, ImageTexts, case_timeline, history_dates, text_moments

UNSEEN13 = Path(__file__).parent / "fixtures" / "papers_unseen13"


def offsets(history: str, *captions: str) -> list[int | None]:
    timeline = case_timeline(history, [ImageTexts(i, caption=c) for i, c in enumerate(captions)])
    return [o.value for o in timeline.offsets]


# --- Whose "in the previous week" ---------------------------------------------------------------

@pytest.mark.parametrize("text, days", [
    # a time within which someone else's event happened is no onset of the patient's illness
    ("Several residents of the home had tested positive for SARS-CoV-2 in the previous week, and her RT-PCR "
     "was positive.", []),
    ("He had travelled to Milan in the last month.", []),
    # with a symptom in its sentence it is the illness's
    ("She had developed fever and cough in the past week.", [7]),
    ("He had had fever for the past week.", [7]),
])
def test_in_the_previous_week_is_an_onset_only_with_a_symptom_in_its_sentence(text, days):
    assert [d for d, _ in symptom_histories(text)] == days


def test_a_nursing_home_patient_without_a_known_onset_counts_from_admission():
    history = ("A 79-year-old woman living in a nursing home was brought to the emergency department with new "
               "confusion. Staff of the home could not say when she had first become unwell. Several residents of "
               "the home had tested positive for SARS-CoV-2 in the previous week, and her RT-PCR was positive.")
    assert offsets(history, "Portable anteroposterior chest radiograph on admission",
                   "Chest radiograph on hospital day 6") == [0, 6]


# --- A relative opening the text with "aged N" is the patient -----------------------------------

@pytest.mark.parametrize("opening, sex", [
    ("The husband, aged 66, a retired farmer with hypertension, had had fever for 3 days.", "M"),
    ("The wife, aged 63, with no medical history, had had a cough since one week.", "F"),
    ("His wife, aged 57, who had not travelled, developed a dry cough on January 28. Her CT showed an opacity.", "F"),
])
def test_a_relative_introduced_by_aged_n_is_the_patient_of_the_text(opening, sex):
    assert normalize_sex(opening + " His oxygen saturation was 92%.").value == sex


@pytest.mark.parametrize("opening, offset", [
    ("The husband, aged 66, a retired farmer with hypertension, had had fever for 3 days.", 3),
    ("The wife, aged 63, with no medical history, had had a cough since one week.", 7),
])
def test_the_history_of_a_relative_opening_the_text_is_the_patients(opening, offset):
    assert offsets(opening + " Her oxygen saturation was 96%.", "Axial chest CT on admission") == [offset]


def test_a_relative_named_in_passing_stays_someone_else():
    # "found by her husband, aged 45": a relative inside the patient's sentence, not a patient
    assert normalize_sex("A 40-year-old woman was found unresponsive by her husband, aged 45.").value == "F"
    assert offsets("Her husband, who had had fever for 3 days, brought her to the hospital. She was admitted.",
                   "Chest radiograph on admission") == [0]


# --- Events of the stay: "after intubation", ordinal hospital days, an event's own phrase --------------

@pytest.mark.parametrize("history, caption, offset", [
    # no interval: the day the history gives the intubation (a check of the tube)
    ("He presented on the 7th day of illness with fever. He deteriorated despite high-flow oxygen and was "
     "intubated and mechanically ventilated on hospital day 3.",
     "Supine anteroposterior chest radiograph after intubation shows diffuse bilateral consolidation", 10),
    ("He presented with a 4-day history of fever. He was intubated on hospital day 2.",
     "Post-intubation chest radiograph", 6),
    # the intubation's day told in a sentence that also names the film: its own clause tells it
    ("The husband, aged 66, had had fever for 3 days. His respiratory failure worsened, and he was intubated on "
     "the fourth hospital day; the chest radiograph after intubation showed extensive bilateral consolidation "
     "(Fig. 2).",
     "Supine anteroposterior chest radiograph of the husband after intubation", 7),
    # the history gives the intubation no day: blank
    ("He presented with a 7-day history of fever and was intubated because of respiratory failure.",
     "Chest radiograph after intubation", None),
])
def test_a_film_after_intubation_is_the_day_the_history_gives_the_intubation(history, caption, offset):
    assert offsets(history, "Chest radiograph on admission", caption)[1] == offset


@pytest.mark.parametrize("text, days", [("on the fourth hospital day", 4), ("on the 4th hospital day", 4),
                                        ("on the eighth hospital day", 8)])
def test_an_ordinal_hospital_day_is_a_day_of_the_stay(text, days):
    assert [(m.kind, m.days) for m in text_moments(text, "caption")] == [(HOSPITAL_DAY, days)]


@pytest.mark.parametrize("told, offset", [
    # the discharge's own phrase, not the oxygen's day before it
    ("She improved gradually, was weaned from oxygen on hospital day 9, and was discharged home on hospital day 11.",
     15),
    ("She was discharged home on hospital day 11.", 15),
    # the discharge's phrase tells no day of its own among the sentence's two: not told
    ("She was weaned from oxygen on hospital day 9 and moved to the ward on hospital day 10, and was discharged.",
     None),
])
def test_a_discharge_is_dated_by_its_own_phrase_when_its_sentence_tells_several_days(told, offset):
    history = "A 44-year-old woman presented with a 4-day history of fever, myalgia, and dry cough. " + told
    assert offsets(history, "Posteroanterior chest radiograph at presentation",
                   "Posteroanterior chest radiograph at discharge") == [4, offset]


# --- A symptom "from" a date -------------------------------------------------------------------------

def test_a_symptom_from_a_date_is_the_onset():
    onset, admission = history_dates("Their son-in-law, a 34-year-old man, had fever from February 1. He was "
                                     "admitted on February 3, the day his CT showed ground-glass opacities.")
    assert (onset[0], admission[0]) == (date(2020, 2, 1), date(2020, 2, 3))
    # "from" a date without a symptom right before it tells no onset
    assert history_dates("He was transferred from March 3 to our ward. He was admitted on March 5.")[0] is None
    assert history_dates("He was admitted on March 5. His symptoms improved from March 10.")[0] is None


# --- A family cluster in one figure --------------------------------------------------------------------

def test_a_family_clusters_panels_go_to_the_index_case_the_wife_and_the_son_in_law():
    """"**a**, **b** The index case on January 29 (**a**) ... and on February 5 (**b**) ... **c** His wife ...
    **d** The son-in-law ...": a bold lead heading two panels, patients named by their introducing titles."""
    article = parse_jats((UNSEEN13 / "PMC8130022_efetch.xml").read_bytes())
    figure = article.figures[0]
    assert figure.panel_captions["a"].startswith("The index case on January 29")
    assert figure.panel_captions["b"].startswith("The index case on February 5")
    assert figure.panel_captions["d"].startswith("The son-in-law on February 3")
    patients = split_patients(article.paragraphs, [figure.caption], article.tables)
    assert [(p.descriptor.age, p.title) for p in patients] == [(61, "index case"), (57, ""), (34, "son-in-law")]
    assert [patients_named(figure.panel_captions[letter], patients) for letter in "abcd"] == [[1], [1], [2], [3]]


@pytest.mark.parametrize("caption, named", [
    ("(a) The son-in-law on day 3", [3]),
    ("(a) His 34-year-old son-in-law", [3]),
    ("The index patient on admission", [1]),
])
def test_titles_name_their_patient_only(caption, named):
    paragraphs = ["The index case, a 61-year-old man, developed fever on January 25.",
                  "His wife, aged 57, developed a cough on January 28.",
                  "Their son-in-law, a 34-year-old man, had fever from February 1."]
    assert patients_named(caption, split_patients(paragraphs, [])) == named
