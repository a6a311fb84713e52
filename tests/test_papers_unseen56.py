"""The fifty-sixth blind batch of papers (tests/fixtures/papers_unseen56/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.normalize.common import sentence_at
from ingest.timeline import dates_in, history_dates
from tests.jats_cases import by_patient, file_cases, image_offsets

UNSEEN56 = Path(__file__).parent / "fixtures" / "papers_unseen56"
FOLLOW_UP = "PMC7560011_efetch.xml"  # follow-up CTs "At the 3-month follow-up ... on 16 July 2020", "on 14 October"
CRUISE_SHIP = "PMC7560022_efetch.xml"  # "On Feb. 7, she developed a fever", "(Feb. 11)", "On Feb. 18"
MOTHER_AND_SON = "PMC7560033_efetch.xml"  # "Patient 1, a 73-year-old woman ... Her son (Patient 2), ... 9 November"


def _offsets(name: str, replacements: dict[str, str] | None = None) -> list[list[str | None]]:
    return [image_offsets(case) for case in file_cases(UNSEEN56 / name, replacements)]


def _sentence(text: str, words: str) -> str:
    start, end = sentence_at(text, text.index(words))
    return text[start:end]


# --- a month's abbreviation before its day ends no sentence ----------------------------------------------------------

def test_an_abbreviated_month_before_its_day_keeps_the_date_in_its_sentence():
    """"On Feb. 7, she developed a fever ... transferred to our hospital on Feb. 11": the onset is Feb. 7 (was cut
    after "Feb.": no onset, the offsets counted from the admission, 0, 0, 7; Figure 3's "(Feb. 28)." blank)."""
    assert _offsets(CRUISE_SHIP) == [["4", "4", "11", "21"]]
    history = "From Sept. 2, he had a cough. On Sept. 5 he developed a fever. He was admitted on Sept. 9."
    assert history_dates(history)[0][1] == "Sept. 5"
    assert _sentence("He was seen in Dec. 2020 with fever. Next.", "Dec.") == "He was seen in Dec. 2020 with fever."


def test_a_sentence_still_ends_after_an_abbreviated_month_before_a_word():
    """The day before the month ("seen on 7 Feb. She had ..."), or an abbreviation before a number that is no month
    ("(Fig. 1). 2 days later"), ends its sentence as before."""
    assert _sentence("Seen on 7 Feb. She had fever.", "7 Feb") == "Seen on 7 Feb."
    assert _sentence("Seen on 7 Feb. 2 days later she had fever.", "7 Feb") == "Seen on 7 Feb."


# --- a sentence opening on another numbered patient is that patient's ------------------------------------------------

def test_a_relatives_numbered_sentence_leaves_the_paragraphs_patient():
    """"Patient 1, a 73-year-old woman, ... on 14 November 2020 referring fever ... for three days. Her son (Patient
    2), a 41-year-old ... man ..., had developed anosmia, headache and low-grade fever on 9 November": the mother's
    onset is 11 November (was her son's 9 November: 5, 5, 9)."""
    assert _offsets(MOTHER_AND_SON) == [["3", "3", "7"], ["5", "5"]]
    mother, son = by_patient(file_cases(UNSEEN56 / MOTHER_AND_SON)).values()
    assert "9 November" not in mother.history and "9 November" in son.history
    assert "Patient 2 had SpO2 97%" in son.history and "Patient 2 had" not in mother.history
    # the sentences naming both, or the paragraph's own patient, stay
    assert "Both had a positive RT-PCR" in mother.history
    assert "On 18 November the condition of Patient 1" in mother.history


def test_a_sentence_comparing_with_another_patient_stays():
    """"Like Patient 2, she had ...": the paragraph's patient is the subject; a sentence naming two patients stays."""
    like = {"Her son (Patient 2), a 41-year-old": "Like Patient 2, she had contact with a cousin. Her son, a "
            "41-year-old"}
    (mother, _son) = by_patient(file_cases(UNSEEN56 / MOTHER_AND_SON, like)).values()
    assert "Like Patient 2, she had contact" in mother.history


def test_the_other_papers_stay_as_staged():
    assert _offsets(FOLLOW_UP) == [["8", "9", "113", "203"]]


# --- round 51, second wave: a weekday told before a date written with its weekday ------------------------------------

DIALYSIS = "PMC7560044_efetch.xml"  # "On Thursday evening he developed fever ... on Saturday, 9 May 2020"


def test_a_weekday_before_a_dated_weekday_is_the_nearest_such_day_before_it():
    """"He was asymptomatic at his Wednesday session. On Thursday evening he developed fever, myalgia and a dry
    cough. At his next session on Saturday, 9 May 2020, he was febrile ... He was admitted on the same day": the
    onset is Thursday 7 May, the admission 9 May (the sentence before's one date), "On the following Tuesday ... a
    non-contrast CT" 12 May: 2, 5, 5 (was 0, counted from the admission, and two blanks)."""
    assert _offsets(DIALYSIS) == [["2", "5", "5"]]
    history = "On Tuesday he developed fever and cough. On Friday, 13 March 2020, he was admitted."
    assert dates_in(history)[0][2] == date(2020, 3, 10)
    assert history_dates(history)[0] == (date(2020, 3, 10), "Tuesday")


def test_a_weekday_before_a_date_without_its_own_weekday_stays_undated():
    """The date's weekday not written, or written wrong (another week?), or the same weekday (that day or a week
    before?): the weekday before it is not dated; the film on admission is blank rather than 0 (the history tells an
    onset it cannot date)."""
    for history in ("On Thursday evening he developed fever. On 9 May 2020 he was admitted.",
                    "On Thursday evening he developed fever. On Friday, 9 May 2020 he was admitted.",
                    "On Saturday he developed fever. On Saturday, 9 May 2020 he was admitted."):
        assert [d for _, _, d in dates_in(history)] == [date(2020, 5, 9)], history
    undated = {"At his next session on Saturday, 9 May 2020": "At his next session on 9 May 2020"}
    assert _offsets(DIALYSIS, undated)[0][0] is None


def test_admitted_on_the_same_day_is_the_day_of_the_sentence_before():
    assert history_dates("He developed fever on 3 May 2020. He was admitted on the same day.")[1] == (
        date(2020, 5, 3), "3 May 2020")
    # another person admitted, or a sentence before with two dates: no admission date
    assert history_dates("He developed fever on 3 May 2020. His wife was admitted on the same day.")[1] is None
    assert history_dates("He developed fever on 3 May 2020. He was admitted on the same day as his wife.")[1] is None
    assert history_dates("He developed fever on 3 May 2020 and had a CT on 5 May 2020. He was admitted on the same "
                         "day.")[1] is None
