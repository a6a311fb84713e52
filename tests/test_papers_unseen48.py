"""The forty-eighth blind batch of papers (tests/fixtures/papers_unseen48/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.normalize.imaging import normalize_finding
from ingest.pdf_figures import extract_pdf_figures
from ingest.timeline import admission_day_one_by_date, history_dates
from tests.jats_cases import by_patient, file_cases, image_offsets

UNSEEN48 = Path(__file__).parent / "fixtures" / "papers_unseen48"
DAEGU = "PMC7480022_efetch.xml"  # three patients, follow-up CT after discharge
JPMA = UNSEEN48 / "jpma_1178.pdf"  # "Figure-1:", "Figure-2:", "Figure-3:"


def _cases(replacements: dict[str, str] | None = None) -> dict:
    return by_patient(file_cases(UNSEEN48 / DAEGU, replacements))


# --- a PDF's figure label joined to its number by a hyphen -----------------------------------------------------------

def test_hyphenated_labels_open_pdf_captions():
    """South Asian journals print "Figure-1:" (the label joined to its number by a hyphen): a caption like "Figure 1:"
    (the PDF had no figure, the paper no open copy)."""
    figures = extract_pdf_figures(JPMA.read_bytes())
    assert [f.label for f in figures] == ["Figure 1", "Figure 2", "Figure 3"]
    assert [f.number for f in figures] == [1, 2, 3]
    assert "dated 16/04/2020" in figures[1].caption


# --- the admission's date among other dated moments ------------------------------------------------------------------

def test_a_length_of_stay_dates_no_admission():
    """"He was discharged on March 20, after 21 days of hospitalization": the stay's length, the date the
    discharge's (was a second admission date, so none was kept)."""
    (_onset, admitted) = history_dates(_cases()["patient2"].history)
    assert admitted == (date(2020, 2, 28), "February 28")
    for length in ("after 3 weeks of hospitalization", "after twenty-one days of her hospitalisation"):
        text = f"She developed fever on 2 May. She was admitted on 5 May. She was discharged on 26 May, {length}."
        assert history_dates(text)[1] == (date(2020, 5, 5), "5 May"), length
    # a day counted in the stay still is no admission date, and an admission's own date still is one
    assert history_dates("Fever from 2 May. Admitted on 5 May. On 9 May, day 5 of hospitalization, CT.")[1] == (
        date(2020, 5, 5), "5 May")
    assert history_dates("She developed fever on 2 May. She was hospitalized on 5 May for 21 days.")[1] == (
        date(2020, 5, 5), "5 May")
    assert history_dates("He had fever since 5 March. On the day of admission, 10 March, he was hypoxic.")[1] == (
        date(2020, 3, 10), "10 March")


def test_a_date_whose_cue_has_its_own_date_is_not_that_moment():
    """"He was confirmed on March 4 at a public health center and admitted on March 6": March 4 has no cue of its
    own; "admitted", past the clause's "and", is March 6's (was dated twice, so no admission)."""
    text = ("A 68-year-old man developed cough and fever on March 1. He was confirmed on March 4 at a public health "
            "center and admitted on March 6.")
    assert history_dates(text) == ((date(2020, 3, 1), "March 1"), (date(2020, 3, 6), "March 6"))
    assert history_dates("She had a fever from 2 May. She was tested on 4 May, and on 6 May she was admitted.")[1] == (
        date(2020, 5, 6), "6 May")
    # a date opening the clause of its cue keeps it ("On 6 March, she was admitted")
    assert history_dates("Fever began on 1 March. On 6 March, she was admitted to our hospital.")[1] == (
        date(2020, 3, 6), "6 March")
    assert history_dates("He developed fever on 6 March and was admitted on 8 March.") == (
        (date(2020, 3, 6), "6 March"), (date(2020, 3, 8), "8 March"))


def test_an_exposure_after_the_date_leaves_it_the_onsets():
    """"developed cough and fever on March 1 after contact with his son": the contact came before the dated moment,
    the onset (was read as the contact's date: no onset, the admission film at 0)."""
    onset, admitted = history_dates(_cases()["patient3"].history)
    assert onset == (date(2020, 3, 1), "March 1") and admitted == (date(2020, 3, 6), "March 6")
    assert history_dates("She fell ill on 3 March, following close contact with a confirmed case. She was admitted "
                         "on 7 March.")[0] == (date(2020, 3, 3), "3 March")
    # an exposure the date follows, or told with its own date, is still the exposure's
    assert history_dates("He returned from Milan on 27 February. He developed fever on 1 March.")[0] == (
        date(2020, 3, 1), "1 March")
    assert history_dates("He had contact with a confirmed case on 3 March and was admitted on 9 March.")[0] is None


def test_the_series_offsets():
    """Patient 2's admission dated (2A 3, 2B 8), Patient 3's onset and admission (3A 5, 3B and 3C 96 from "2 months
    after discharge, on June 5")."""
    cases = _cases()
    assert image_offsets(cases["patient1"]) == ["5", "51"]
    assert image_offsets(cases["patient2"]) == ["3", "8", "66"]
    assert image_offsets(cases["patient3"]) == ["5", "96", "96"]


# --- a hospital day told with its date aligns the stay's count on the calendar ---------------------------------------

def test_a_dated_hospital_day_makes_the_admission_day_one():
    """"He was admitted on February 28. ... On March 4, the sixth hospital day, ...": March 4 is 5 days after the
    admission, so the paper's hospital day N is N - 1 days after it; the legend's "on hospital day 6" is day 8 of
    the illness (was 9: the admission's 3 plus 6)."""
    assert admission_day_one_by_date(_cases()["patient2"].history) == "March 4, the sixth hospital day"
    for told in ("On 14 May (hospital day 5), CT was done.", "On hospital day 5 (14 May), CT was done.",
                 "On the 5th day of hospitalization, 14 May, CT was done."):
        assert admission_day_one_by_date(f"He was admitted on 10 May. {told}"), told
    # without the pair, or with a pair telling the project's count, "hospital day 6" stays N days after the admission
    (case,) = [c for k, c in _cases({"On March 4, the sixth hospital day,": "On March 4,"}).items() if k == "patient2"]
    assert image_offsets(case) == ["3", "9", "66"]
    assert admission_day_one_by_date("He was admitted on 10 May. On hospital day 5 (15 May), CT was done.") == ""
    assert admission_day_one_by_date("On hospital day 5 (14 May), CT was done.") == ""  # no admission dated
    assert admission_day_one_by_date("He was admitted on 10 May. On 14 May (hospital day 5), CT. On 20 May "
                                     "(hospital day 10), CT.") == ""  # two pairs that disagree


# --- a family's gathering is no relative -----------------------------------------------------------------------------

def test_a_family_gathering_names_no_relative():
    """"COVID-19 pneumonia in a young bank employee after a family gathering": the patient's own finding (was blank:
    "family" read as a relative the disease was about)."""
    assert normalize_finding("COVID-19 pneumonia in a young bank employee after a family gathering").value == (
        "Pneumonia/Viral/COVID-19")
    assert normalize_finding("COVID-19 pneumonia after a family wedding in Lahore").value == "Pneumonia/Viral/COVID-19"
    assert normalize_finding("He was well, but his family had COVID-19 pneumonia.").value is None
