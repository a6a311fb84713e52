"""Writing and markup patterns of the sixth blind batch of papers (tests/fixtures/papers_unseen6/),
each through the parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.patients import patients_named, split_patients
from tests.jats_cases import jats_cases

UNSEEN6 = Path(__file__).parent / "fixtures" / "papers_unseen6"


def _cases(pmcid: str):
    return jats_cases(UNSEEN6, pmcid)


FAMILY = ["The index patient, a 44-year-old man, developed fever on 2 March. His 41-year-old wife developed a "
          "sore throat on 6 March. Their 15-year-old daughter had no symptoms."]


@pytest.mark.parametrize("caption, wanted", [
    # IJID: a legend naming each panel by the relative's word as its label.
    ("Father: anteroposterior chest radiograph (5 March)", [1]),
    ("Mother: axial CT (8 March)", [2]),
    ("Daughter: axial CT (9 March)", [3]),
    ("Chest imaging of the family. (a) Father: radiograph. (b) Mother, axial CT. (c) Daughter. CT.", [1, 2, 3]),
    ("Axial CT of patient 2 (mother) on admission", [2]),
    # a family word inside the prose, not a label, names no one by itself
    ("Grandmother: CT", []),
    ("father: x", []),
])
def test_a_relative_named_as_a_legend_label_names_that_patient(caption, wanted):
    patients = split_patients(FAMILY, [caption])
    assert patients_named(caption, patients) == wanted


def test_the_family_cluster_figure_gives_each_relative_their_panel_and_days_from_their_onset():
    from ingest.case_fields import record_timeline

    cases = _cases("7960055")
    assert [image.label for image in cases["patient1"].images] == ["a", "Figure 2"]
    assert [image.label for image in cases["patient2"].images] == ["b"]
    father = record_timeline(cases["patient1"])
    # onset 2 March (not the return from a trip on 27 February), admitted 5 March; CT on hospital day 5
    assert [father.offset_of(i).value for i in (0, 1)] == [3, 8]
    assert record_timeline(cases["patient2"]).offset_of(0).value == 2  # onset 6 March, CT on 8 March


@pytest.mark.parametrize("text, days", [
    ("He required oxygen for 6 days and was discharged on 24 March.", None),
    ("She was ventilated for 10 days.", None),
    ("He received dexamethasone for 10 days.", None),
    ("She had fever for 3 days.", 3),
    ("Cough for 5 days; treated with antibiotics for 3 days.", 5),
])
def test_how_long_a_treatment_lasted_is_no_symptom_history(text, days):
    from ingest.normalize.time_words import symptom_history

    found = symptom_history(text)
    assert (found and found[0]) == days


@pytest.mark.parametrize("history, onset, admission", [
    # a travel date before the onset's, in the same sentence
    ("A 44-year-old man returned from a business trip on 27 February 2020 and developed fever and cough on 2 March. "
     "He was admitted on 5 March.", "2 March", "5 March"),
    # the date closes the clause of the cue before it, not the next clause's
    ("His wife developed a sore throat and low-grade fever on 6 March and was admitted on 8 March.",
     "6 March", "8 March"),
    ("She had contact with a confirmed case on 1 March. Fever began on 4 March; she was admitted on 7 March.",
     "4 March", "7 March"),
])
def test_a_history_dates_the_onset_and_the_admission_not_the_travel(history, onset, admission):
    from ingest.timeline import history_dates

    found = history_dates(history)
    assert (found[0] and found[0][1], found[1] and found[1][1]) == (onset, admission)


@pytest.mark.parametrize("caption, wanted", [
    # Frontiers: the letters in the pixels only, the legend listing the days in the panels' order
    ("Chest radiographs at days 2, 5 and 9 of illness (A–C). The radiographs on days 5 and 9 are anteroposterior "
     "supine films obtained after intubation.",
     {"a": "Chest radiographs at day 2 of illness",
      "b": "Chest radiographs at day 5 of illness. The radiographs on days 5 and 9 are anteroposterior supine films "
           "obtained after intubation.",
      "c": "Chest radiographs at day 9 of illness. The radiographs on days 5 and 9 are anteroposterior supine films "
           "obtained after intubation."}),
    ("Serial radiographs on days 1, 4, and 10 (a–c).",
     {"a": "Serial radiographs on day 1", "b": "Serial radiographs on day 4", "c": "Serial radiographs on day 10"}),
    # as many days as panels only: two days for three panels say nothing of each
    ("Radiographs on days 1 and 4 (a–c).", {"a": "Radiographs on days 1 and 4", "b": "Radiographs on days 1 and 4",
                                            "c": "Radiographs on days 1 and 4"}),
])
def test_a_range_listing_as_many_days_gives_each_panel_its_day(caption, wanted):
    from ingest.panels import parse_subcaptions

    assert parse_subcaptions(caption) == wanted


def test_bare_days_of_a_case_counting_the_days_of_its_illness_count_the_illness():
    from ingest.case_fields import record_timeline

    [case] = _cases("7960033").values()
    timeline = record_timeline(case)
    # films at days 2, 5 and 9 of illness (B and C supine), the CT "on day 6" of a text counting the illness
    assert [timeline.offset_of(i).value for i in range(4)] == [2, 5, 9, 6]


def test_bare_days_stay_blank_where_the_text_also_counts_the_stay():
    from ingest.timeline import ImageTexts, case_timeline

    history = "A 60-year-old man presented on day 3 of illness. On hospital day 2 he needed oxygen."
    images = [ImageTexts(0, caption="Chest radiograph on day 6.")]
    assert case_timeline(history, images).offset_of(0).value is None


@pytest.mark.parametrize("caption, offset", [
    ("Posteroanterior chest radiograph on the day of discharge showing clearing.", 17),
    ("Chest radiograph at discharge.", 17),
    ("Radiograph at the time of her discharge.", 17),
    # not the day of discharge from hospital (the case's only film is then its presenting film)
    ("Chest radiograph on discharge from the intensive care unit.", 7),
])
def test_a_film_on_the_day_of_discharge_is_the_day_the_history_discharges(caption, offset):
    from ingest.timeline import ImageTexts, case_timeline

    history = ("A 39-year-old man presented with a 7-day history of fever and cough. He improved and was "
               "discharged on hospital day 10.")
    assert case_timeline(history, [ImageTexts(0, caption=caption)]).offset_of(0).value == offset


def test_a_film_on_the_day_of_discharge_stays_blank_when_the_history_gives_no_discharge_day():
    from ingest.timeline import ImageTexts, case_timeline

    history = "A 39-year-old man presented with a 7-day history of fever and cough. He was later discharged."
    found = case_timeline(history, [ImageTexts(0, caption="Radiograph on the day of discharge.")]).offset_of(0)
    assert found.value is None and "discharge" in found.reason


def test_a_column_at_the_1_month_follow_up_does_not_take_its_rows_first_day():
    from ingest.timeline import ImageTexts, case_timeline

    # Clinical Case Reports: "Bottom: axial CT images on day 8 (left) and at the 1-month follow-up (right)";
    # each panel carries its row's words, its own moment as its date text ("day 8", "follow-up")
    history = "A 63-year-old man attended the emergency department on the third day of fever and dry cough."
    row = "axial CT images on day 8 (left) and at the 1‐month follow‐up (right), showing subpleural bands"
    films = [ImageTexts(0, caption="chest radiograph on day 3", date_text="day 3"),
             ImageTexts(1, caption=row, date_text="day 8"), ImageTexts(2, caption=row, date_text="follow-up")]
    offsets = case_timeline(history, films).offsets
    assert [o.value for o in offsets] == [3, 8, None]
    assert "follow" in offsets[2].reason


def test_a_list_of_panels_obtained_on_the_same_day_shares_that_moment():
    from ingest.papers import described

    # QJM: "(C, D) Axial CT images at the level of the carina (C) and of the lung bases (D) obtained on the same
    # day show ...": C's own words stop before the moment its list shares
    caption = ("(A) Posteroanterior and (B) lateral chest radiographs on admission show the spine sign. (C, D) Axial "
               "CT images at the level of the carina (C) and of the lung bases (D) obtained on the same day show "
               "bilateral lower lobe consolidation.")
    assert described("Axial CT images at the level of the carina", whole=caption, letter="c")["date_text"] == (
        "on the same day")
    # a list whose tail names a moment of its own keeps it
    assert described("Chest radiograph", whole="Chest radiograph (A) and chest CT (B) on admission.",
                     letter="a")["date_text"] == "on admission"
