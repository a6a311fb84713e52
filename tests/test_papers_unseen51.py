"""The fifty-first blind batch of papers (tests/fixtures/papers_unseen51/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.records import CaseRecord
from ingest.timeline import (
    admission_day_one_by_date,
    dates_in,
    discharge_moment,
    history_dates,
    onset_before_dated_event,
)
from tests.jats_cases import file_cases, image_offsets

UNSEEN51 = Path(__file__).parent / "fixtures" / "papers_unseen51"
LEEDS = "PMC7510011_efetch.xml"  # onset "3 days before she was swabbed ... on 27 March", admitted 2 April
DAEGU = "PMC7510022_efetch.xml"  # "admitted ... on February 26, 2020 (hospital day [HD] 1) after ... on February 25"
AHMEDABAD = "PMC7510033_efetch.xml"  # "on 20/08/2020 (day 3 of admission)", legends "day 3 / day 6 of admission"

SWABBED = "Her illness had started with a dry cough, fever and headache 3 days before she was swabbed"


def _cases(name: str, replacements: dict[str, str] | None = None) -> list[CaseRecord]:
    return file_cases(UNSEEN51 / name, replacements)


def _offsets(name: str, replacements: dict[str, str] | None = None) -> list[str | None]:
    return image_offsets(next(c for c in _cases(name, replacements) if c.images))


# --- an onset told as a time before a later moment its clause dates -------------------------------------------------

def test_onset_before_a_dated_swab():
    """"started ... 3 days before she was swabbed ... on 27 March": the onset is 24 March, the admission of 2 April
    day 9 (was 27 March, the swab's date, read as the onset's: every film 3 days early)."""
    assert _offsets(LEEDS) == ["9", "11", "11", "75"]
    for told in ("She had developed a dry cough, fever and headache five days before her positive swab",
                 "Her symptoms (dry cough, fever and headache) began 3 days prior to the test"):
        offsets = _offsets(LEEDS, {SWABBED + " at a drive-through testing centre": told})
        assert offsets == (["11", "13", "13", "77"] if "five" in told else ["9", "11", "11", "75"]), told


def test_the_onset_before_an_event_in_its_forms():
    assert onset_before_dated_event("Fever began 4 days prior to admission on 3 June 2020.")[0] == date(2020, 5, 30)
    assert onset_before_dated_event("Symptoms started two days before his positive PCR on 12 April.")[0] == date(
        2020, 4, 10)


def test_no_onset_before_an_event_without_one_date():
    """The later moment undated, dated twice, or another person's onset: no onset from it."""
    assert onset_before_dated_event("Her cough started 3 days before she was swabbed.") is None
    assert onset_before_dated_event("Her cough started 3 days before she was swabbed on 27 March or 28 "
                                    "March.") is None
    assert onset_before_dated_event("Her son developed a cough 3 days before he was tested on 27 March.") is None


# --- a date far after its cue, behind a nearer date of its sentence, is another event's ---------------------------

def test_admission_date_before_the_tests_date():
    """"admitted to <a hospital> on February 26, 2020 (hospital day [HD] 1) after his swabs were positive ... at a
    public health center on February 25": the admission is February 26 (was none: "admitted" the nearest cue of
    both dates, two admission dates)."""
    (case,) = _cases(DAEGU)
    history = case.history
    assert history_dates(history)[1] == (date(2020, 2, 26), "February 26, 2020")
    assert _offsets(DAEGU) == ["4", "11", "7", "7", "48"]


def test_the_cues_own_dates_unchanged():
    assert history_dates("He was confirmed on March 4 at a public health center and admitted on March 6.")[1] == (
        date(2020, 3, 6), "March 6")
    assert history_dates("She was admitted on March 6 with fever, cough and myalgia that had begun a week before "
                         "and that had not improved with paracetamol or with the antibiotics she was given by her "
                         "general practitioner.")[1] == (date(2020, 3, 6), "March 6")


# --- a hospital day beside its date tells the stay's day 1 -------------------------------------------------------

def test_day_of_admission_beside_its_date():
    """"HRCT thorax was done on 20/08/2020 (day 3 of admission)", two days after the admission of 18/08/2020: the
    paper's day 1 is the admission, its legends' "day 3 of admission" and "day 6 of admission" are 9 and 12 (were
    10 and 13)."""
    assert _offsets(AHMEDABAD) == ["7", "9", "9", "12"]
    history = "He was admitted on 18/08/2020. HRCT thorax was done on 20/08/2020 (day 3 of admission)."
    assert admission_day_one_by_date(history, day_first=True) == "20/08/2020 (day 3 of admission)"
    assert admission_day_one_by_date("He was admitted on March 2. On March 6 (day 5 of hospitalization) he "
                                     "worsened.")
    assert admission_day_one_by_date("He was admitted on 2 March. On HD 5 (6 March) he worsened.")


def test_hospital_day_abbreviation_defined_beside_the_admission_date():
    assert admission_day_one_by_date("He was admitted on February 26, 2020 (hospital day [HD] 1).") == (
        "February 26, 2020 (hospital day [HD] 1)")
    assert admission_day_one_by_date("He was admitted on February 26, 2020 (hospital day (HD) 1).")


def test_the_projects_count_beside_its_date_stays():
    """A date N days after the admission told as its day N (the project's count), or two pairs that disagree: no
    day 1."""
    assert admission_day_one_by_date("He was admitted on 18/08/2020. HRCT was done on 21/08/2020 (day 3 of "
                                     "admission).", day_first=True) == ""
    assert admission_day_one_by_date("He was admitted on March 2. On March 6 (day 5 of hospitalization) he "
                                     "worsened. On March 9 (day 9 of hospitalization) he improved.") == ""


# --- a discharge told by its hospital day and its date ------------------------------------------------------------

def test_discharge_date_beside_its_hospital_day():
    """"discharged on HD 15 (March 11, 2020)": the date (was none: a hospital day and a date, two moments), so
    the CT "one month after discharge" is 48 days after the onset."""
    for told in ("He was discharged on HD 15 (March 11, 2020).", "He was discharged on March 11, 2020 (hospital "
                 "day 15)."):
        moment = discharge_moment("He was admitted on February 26, 2020. " + told)
        assert moment is not None and moment.kind == "dated" and date.fromordinal(moment.days) == date(2020, 3, 11)
    assert discharge_moment("He was admitted on February 26. He was discharged on hospital day 15 and seen on "
                            "March 20.") is None


# --- dates written year first ---------------------------------------------------------------------------------------

def test_dates_written_year_first():
    """"2020.02.26", "2020/3/4": year, month, day (were not dates at all), so a legend dated only so places its
    film."""
    assert [d for _, _, d in dates_in("on admission (2020.02.26) and on 2020/3/4")] == [date(2020, 2, 26),
                                                                                       date(2020, 3, 4)]
    assert dates_in("version 2020.02.26.1, in 2020. 2 patients, IRB 2020-03-014, score 2020.5") == ()
    # the film's day told by its legend's date alone (the text citing it tells none): 4 March, 11 (was blank)
    assert _offsets(DAEGU, {"The chest radiograph on HD 8 showed": "The chest radiograph showed",
                            "on HD 8 (2020.03.04)": "obtained on 2020.03.04"}) == ["4", "11", "7", "7", "48"]
