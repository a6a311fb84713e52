"""The thirty-ninth blind batch of papers (tests/fixtures/papers_unseen39/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.papers import cases_from_article
from ingest.timeline import dates_in, history_dates
from tests.jats_cases import image_offsets

UNSEEN39 = Path(__file__).parent / "fixtures" / "papers_unseen39"
CARE_HOME = "PMC7390011_efetch.xml"  # two residents, their onsets told by the Easter weekend's days
THANKSGIVING = "PMC7390033_efetch.xml"  # an onset "the day after Thanksgiving", the presentation dated


def _cases(name: str):
    return cases_from_article(parse_jats((UNSEEN39 / name).read_bytes()))


# --- a day told by a holiday, or by a weekday after a day the history tells ------------------------------------------

@pytest.mark.parametrize("text, told, day", [
    ("Her cough began on Christmas Eve, 2020.", "Christmas Eve", date(2020, 12, 24)),
    ("He fell ill the day before Thanksgiving and presented on 30 November 2020.", "the day before Thanksgiving",
     date(2020, 11, 25)),
    ("Fever began on Good Friday; she was admitted on 14 April 2020.", "Good Friday", date(2020, 4, 10)),
    ("Symptoms started on the Monday after Easter 2021, and she presented on 9 April 2021.",
     "the Monday after Easter", date(2021, 4, 5)),
    ("Staff noticed his cough on the Sunday of the Easter weekend.", "the Sunday of the Easter weekend",
     date(2020, 4, 12)),
    ("He developed fever on the eve of the Lunar New Year, 2020.", "the eve of the Lunar New Year",
     date(2020, 1, 24)),
])
def test_a_holiday_dates_its_day(text, told, day):
    """A holiday is a day of the year the text tells (the latest it writes; 2020 when none): itself, the day
    before or after it, its eve, a weekday of, before or after it (was no date)."""
    assert (told, day) in [(text[s:e], value) for s, e, value in dates_in(text)]


def test_a_weekday_alone_is_the_next_after_the_day_told_before_it():
    """"on the Thursday" after a known day (its year written, or a holiday's) is the first Thursday after it."""
    text = "She was febrile on 6 April 2020 (a Monday). She was admitted on the Thursday."
    assert ("Thursday", date(2020, 4, 9)) in [(text[s:e], v) for s, e, v in dates_in(text)]
    text = "Symptoms began on Easter Monday and he came to our emergency department on Wednesday."
    assert history_dates(text) == ((date(2020, 4, 13), "Easter Monday"), (date(2020, 4, 15), "Wednesday"))


@pytest.mark.parametrize("text", [
    "His cough began on 3 March and he was admitted on the Friday.",  # the year not told: the weekday not known
    "She was admitted on Friday.",  # no day before it
    "The home closed over the Easter weekend.",  # a weekend is no one day
    "She presented on Tuesday, 7 April 2020.",  # the weekday of a date
])
def test_a_weekday_or_holiday_without_a_known_day_is_no_date(text):
    assert [text[s:e] for s, e, _ in dates_in(text) if not any(c.isdigit() for c in text[s:e])] == []


# --- the onset told as the end of health: "was well until ..." -------------------------------------------------------

@pytest.mark.parametrize("text, onset", [
    ("He was well until 2 May 2020, when he developed a cough. He was admitted on 6 May 2020.", date(2020, 5, 2)),
    ("She had been in her usual health until March 28, 2020, when fatigue appeared; she presented on April 1, 2020.",
     date(2020, 3, 28)),
])
def test_well_until_a_day_is_the_onset(text, onset):
    assert history_dates(text)[0][0] == onset


def test_a_transfer_to_our_hospital_is_the_arrival():
    text = "Her fever began on 2 May 2020 and she was transferred to our hospital on 5 May 2020."
    assert history_dates(text) == ((date(2020, 5, 2), "2 May 2020"), (date(2020, 5, 5), "5 May 2020"))


# --- a list of symptoms "starting" a day ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, onset", [
    ("She reported headache, myalgias and loss of taste starting 3 November 2020; admitted on 8 November 2020.",
     date(2020, 11, 3)),
    ("Cough, sore throat and runny nose beginning on 10 March 2020 led to his admission on 15 March 2020.",
     date(2020, 3, 10)),
])
def test_a_list_of_symptoms_starting_a_day_dates_the_onset(text, onset):
    assert history_dates(text)[0] == (onset, dates_and_words(text)[0])


def test_a_treatment_starting_a_day_is_no_onset():
    text = "She had fever and was given antibiotics starting 3 November 2020; admitted on 8 November 2020."
    assert history_dates(text)[0] is None


def dates_and_words(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in dates_in(text)]


# --- the batch's cases through the whole chain -----------------------------------------------------------------------

def test_the_care_home_residents_counted_from_their_onsets():
    first, _second = _cases(CARE_HOME)
    # Case 1: onset the Saturday of the Easter weekend, arrival "on the Thursday" (5), the next day, three months
    # after the discharge 12 days after admission (5 + 12 + 90)
    assert image_offsets(first) == ["5", "6", "107", "107"]


def test_an_onset_the_day_after_thanksgiving():
    (case,) = _cases(THANKSGIVING)
    assert image_offsets(case)[:3] == ["4", "4", "6"]


# --- a CT series dated only in a table: the legend names the table's exams, each panel its rank --------------------

SERIES = "PMC7390022_efetch.xml"  # four CT examinations dated only in Table 1, rows "1st" ... "4th"


def _series(replacements: dict[str, str]):
    xml = (UNSEEN39 / SERIES).read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in xml
        xml = xml.replace(old, new)
    (case,) = cases_from_article(parse_jats(xml.encode("utf-8")))
    return case


def test_panels_ranked_in_a_legend_naming_a_tables_exams_take_its_dates():
    """"... of the four examinations listed in Table 1. a First examination: ..." with the table's rows "1st" ...
    "4th" and one "Date" column: each panel the date of its row (was no moment: blank)."""
    assert image_offsets(_series({}))[:4] == ["3", "8", "13", "21"]


@pytest.mark.parametrize("replacements", [
    # rows numbered by digits or words, the lead "shown in", the panels "The 3rd CT scan"
    {"<td>1st</td>": "<td>1</td>", "<td>2nd</td>": "<td>2</td>", "<td>3rd</td>": "<td>3</td>",
     "<td>4th</td>": "<td>4</td>"},
    {"<td>1st</td>": "<td>First</td>", "<td>2nd</td>": "<td>Second</td>", "<td>3rd</td>": "<td>Third</td>",
     "<td>4th</td>": "<td>Fourth</td>", "examinations listed in Table 1": "scans shown in Table 1"},
])
def test_ranked_panels_read_other_numberings(replacements):
    assert image_offsets(_series(replacements))[:4] == ["3", "8", "13", "21"]


@pytest.mark.parametrize("replacements", [
    # the legend names no table: the ranks are the paper's, not a table's
    {"of the four examinations listed in Table 1": "of the four examinations"},
    # a table whose rows are not numbered in order
    {"<td>2nd</td>": "<td>3rd</td>", "<td>3rd</td><td>2020-02-06": "<td>2nd</td><td>2020-02-06"},
    # a panel not opening on its rank
    {"<bold>b</bold> Second examination:": "<bold>b</bold> Progression at the second examination:"},
])
def test_ranked_panels_without_a_numbered_table_of_their_own_stay_blank(replacements):
    case = _series(replacements)
    assert image_offsets(case)[1] is None


# --- the onset told as a change someone noticed: "Staff found him unusually sleepy ... on the Tuesday after Easter" --

def test_the_second_resident_counted_from_the_day_staff_found_him_sleepy():
    """Case 2: "Staff found him unusually sleepy at breakfast on the Tuesday after Easter" (14 April 2020), brought in
    "on the Friday": the admission film 3 (was 0, counted from the hospitalization: no onset cue)."""
    _first, second = _cases(CARE_HOME)
    assert image_offsets(second) == ["3"]


@pytest.mark.parametrize("text, onset", [
    ("She was found confused by the nurses on 3 April 2020 and was admitted on 5 April 2020.", date(2020, 4, 3)),
    ("Her daughter noticed she was more drowsy on 2 May 2020; she presented on 4 May 2020.", date(2020, 5, 2)),
    ("On 10 March 2020 his wife found him lethargic and disoriented. He was admitted on 12 March 2020.",
     date(2020, 3, 10)),
])
def test_a_change_someone_noticed_dates_the_onset(text, onset):
    assert history_dates(text)[0][0] == onset


@pytest.mark.parametrize("text, onset", [
    # an onset told otherwise: the noticed change is the illness's course
    ("Fever began on 1 April 2020. She was found confused on 6 April 2020 and admitted on 7 April 2020.",
     date(2020, 4, 1)),
    # found to have, not found in a state
    ("He was found to have a fever on 3 April 2020 and was admitted on 5 April 2020.", None),
    # another person's
    ("Her husband was found confused on 1 April 2020. She was admitted on 5 April 2020.", None),
])
def test_a_noticed_change_dates_no_onset_beside_another(text, onset):
    found = history_dates(text)[0]
    assert (found[0] if found else None) == onset
