"""The forty-ninth blind batch of papers (tests/fixtures/papers_unseen49/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.records import CaseRecord
from ingest.timeline import history_dates
from tests.jats_cases import file_cases, image_offsets, two_panels_side_by_side

UNSEEN49 = Path(__file__).parent / "fixtures" / "papers_unseen49"
SAO_PAULO = "PMC7490011_efetch.xml"  # a letter with no sections: its discussion runs on in the history
NEWARK = "PMC7490022_efetch.xml"  # a pregnant woman's films told by her weeks of gestation and her caesarean


def _cases(name: str, replacements: dict[str, str] | None = None) -> list[CaseRecord]:
    splits = {1: two_panels_side_by_side(), 2: two_panels_side_by_side()}
    return file_cases(UNSEEN49 / name, replacements, splits)


# --- a place's first case's date is the epidemic's, no moment of the patient's illness ------------------------------

def test_the_first_case_of_a_country_dates_no_admission():
    """"In Brazil, where the first case was confirmed on February 26, 2020, ..., the CT has been widely used in the
    emergency departments": the admission stays April 2 (was dated twice, so blank), the films 5 and 27."""
    (case,) = _cases(SAO_PAULO)
    assert image_offsets(case) == ["5", "5", "27", "27"]


def test_the_first_case_in_its_forms():
    for sentence in ("The first case of COVID-19 in South Africa was diagnosed on 5 March 2020, and the emergency "
                     "departments were prepared.",
                     "Since the first confirmed case in Illinois was reported on January 24, 2020, hospitals have "
                     "admitted thousands of patients.",
                     "In Colombia the first case of COVID-19 was confirmed on 6 March 2020 in Bogotá, and patients "
                     "presented to emergency services.",
                     "First cases in Lombardy were reported on 21 February, and the emergency rooms filled."):
        assert history_dates(sentence) == (None, None), sentence


def test_the_patients_own_dates_beside_it_stay():
    """The patient's own dates are read as before; the case itself as "the first case confirmed in" a city (no
    "was" after "case") is no epidemic's date."""
    onset, admission = history_dates("Our patient was the first case confirmed in Cali, admitted on 11 March.")
    assert admission is not None and admission[1] == "11 March"
    onset, admission = history_dates("He presented to the emergency department on 2 April, two months after the "
                                     "first case in the country, with fever that began on 28 March.")
    assert onset is not None and onset[1] == "28 March" and admission is not None and admission[1] == "2 April"


# --- an obstetric history dates its caesarean by the pregnancy's age ------------------------------------------------

def test_the_caesarean_dated_by_the_weeks_of_gestation():
    """"at 33 weeks and 4 days of gestation ... presented" (4 days after the onset), "At 33 weeks and 6 days, she
    underwent an emergency repeat cesarean delivery": the operation is 2 days after the admission, so "postoperative
    day 1" is 7 and "postoperative day 5" 11 (were blank: the operation's day not told)."""
    (case,) = _cases(NEWARK)
    assert image_offsets(case) == ["4", "7", "11", "11"]
    (case,) = _cases(NEWARK, {"at 33 weeks and 4 days of gestation by first-trimester ultrasound": "at 33+4 weeks by "
                              "first-trimester ultrasound", "At 33 weeks and 6 days,": "At 33+6 weeks,"})
    assert image_offsets(case) == ["4", "7", "11", "11"]
    (case,) = _cases(NEWARK, {"At 33 weeks and 6 days, she underwent an emergency repeat cesarean delivery":
                              "At 33 weeks and 6 days, she underwent an emergency repeat cesarean section"})
    assert image_offsets(case) == ["4", "7", "11", "11"]


def test_weeks_without_their_days_date_no_caesarean():
    """"at 33 weeks ... at 34 weeks": any of seven days apart; and an age at the operation with none told at the
    arrival counts from nothing: blank, as before."""
    (case,) = _cases(NEWARK, {"at 33 weeks and 4 days of gestation": "at 33 weeks of gestation",
                              "At 33 weeks and 6 days,": "At 34 weeks,"})
    assert image_offsets(case) == ["4", None, None, None]
    (case,) = _cases(NEWARK, {"at 33 weeks and 4 days of gestation by first-trimester ultrasound, presented":
                              "presented"})
    assert image_offsets(case) == ["4", None, None, None]
