"""The sixty-third blind batch of papers (tests/fixtures/papers_unseen63/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.demographics import normalize_age, normalize_sex
from ingest.panels import parse_subcaptions
from tests.jats_cases import by_patient, case_value, file_cases, image_offsets

UNSEEN63 = Path(__file__).parent / "fixtures" / "papers_unseen63"
COUPLE = UNSEEN63 / "PMC7630022_efetch.xml"  # husband onset Jan 24: A-C; wife onset Jan 27: D-F
PREGNANT = UNSEEN63 / "PMC7630044_efetch.xml"  # onset May 6, admitted May 12, caesarean May 13; Figs 1, 2A, 2B, 3

ROWS = ("Upper row: patient 1. (A) January", "Lower row: patient 2. (D) January")
WIFE = "Patient 2, the wife of patient 1, is 38 years old and a kindergarten teacher."
WIFE_ONSET = "She had low fever (37.8°C) and sore throat on January 27, 3 days later than her husband."
CAESAREAN = "On May 13, an emergency cesarean section was performed under general anesthesia."
CT_LEGEND = "Chest CT on the second postoperative day."
CT_TEXT = "performed on the second postoperative day showed"


def _couple(replacements: dict[str, str] | None = None) -> dict[str, list[str | None]]:
    return {key: image_offsets(case) for key, case in by_patient(file_cases(COUPLE, replacements)).items()}


def _pregnant(replacements: dict[str, str] | None = None) -> list[str | None]:
    (case,) = file_cases(PREGNANT, replacements)
    return image_offsets(case)


# --- a legend's rows headed by a sentence of their own --------------------------------------------------------

def test_rows_headed_by_a_sentence_go_to_their_patients():
    """"Upper row: patient 1. (A) ...; (B) ...; (C) ... Lower row: patient 2. (D) ...": A-C the husband's, D-F the
    wife's, each dated from its own patient's onset (were a figure of no patient, and C the wife's: all blank)."""
    assert _couple() == {"patient1": ["4", "9", "16"], "patient2": ["3", "8", "16"]}


def test_rows_headed_in_other_words():
    for upper, lower in (("Top row, patient 1. (A) January", "Bottom row, patient 2. (D) January"),
                         ("Patient 1 (the husband). (A) January", "Patient 2 (the wife). (D) January")):
        assert _couple({ROWS[0]: upper, ROWS[1]: lower}) == {"patient1": ["4", "9", "16"],
                                                             "patient2": ["3", "8", "16"]}, upper


def test_a_sentence_telling_something_is_no_heading():
    """A sentence about a panel before the next letter is that panel's words, not a heading of the letters after
    it, even when it opens on a patient's number."""
    parsed = parse_subcaptions("Chest CT images. (A) Ground-glass opacity on admission. Case 2 had no fever then. "
                               "(B) Consolidation on day 7. Case 2 was intubated later. (C) Resolution on day 20.")
    assert parsed["a"].endswith("Case 2 had no fever then")
    assert not parsed["b"].startswith("Case 2")


# --- a relative numbered as a patient, the age in the predicate -----------------------------------------------

def test_a_relative_with_the_age_as_predicate_is_that_patient():
    """"Patient 2, the wife of patient 1, is 38 years old": F 38 (was blank: "Their 12-year-old son" later in her
    paragraph taken for her introduction, and "[Figure 1F]" for a 1-year-old woman)."""
    wife = by_patient(file_cases(COUPLE))["patient2"]
    assert (case_value(wife, "sex"), case_value(wife, "age")) == ("F", "38")


def test_the_predicate_in_the_past():
    wife = by_patient(file_cases(COUPLE, {WIFE: "Patient 2, the wife of patient 1, was 38 years old and a "
                                                "kindergarten teacher."}))["patient2"]
    assert (case_value(wife, "sex"), case_value(wife, "age")) == ("F", "38")


def test_a_figure_panel_cited_is_no_age_and_sex_shorthand():
    for text in ("and on February 12 the lesion almost disappeared [Figure 1F].", "as shown (Fig. 2M).",
                 "(Figures 1E and 1F)", "(Figure 1D-1F)"):
        assert normalize_age(text).value is None, text
        assert normalize_sex(text).value is None, text
    assert (normalize_age("Patient: 84M with COPD.").value, normalize_sex("Patient: 84M with COPD.").value) == (
        84, "M")


# --- the onset told as a symptom the patient "had" on a date, graded as Chinese-English grades it -------------

def test_low_fever_had_on_a_date_is_the_onset():
    """"She had low fever (37.8°C) and sore throat on January 27": her onset (was none: only "low-grade" graded a
    symptom the patient "had" on a date)."""
    for said in (WIFE_ONSET, "She had slight fever and sore throat on January 27.",
                 "She had low fever and sore throat on January 27."):
        assert _couple({WIFE_ONSET: said})["patient2"] == ["3", "8", "16"], said


# --- a caesarean told in the passive, the days after it --------------------------------------------------------

def test_the_second_postoperative_day_after_a_caesarean_told_in_the_passive():
    """"On May 13, an emergency cesarean section was performed" and the CT "on the second postoperative day": May
    15, 9 days after the onset (were blank: the passive caesarean no operation, the ordinal day no moment, and
    "emergency" read as a second arrival, which undated the admission)."""
    assert _pregnant()[:3] == ["6", "9", "9"]


def test_the_postoperative_day_in_other_words():
    for legend, text in (("Chest CT on postoperative day 2.", "performed on postoperative day 2 showed"),
                         ("Chest CT on the 2nd postoperative day.", "performed on the 2nd postoperative day showed"),
                         ("Chest CT on the second post-operative day.",
                          "performed on the second post-operative day showed")):
        assert _pregnant({CT_LEGEND: legend, CT_TEXT: text})[:3] == ["6", "9", "9"], legend


def test_an_emergency_operation_is_no_arrival():
    """The CT "2 days after the cesarean section" counts from the delivery's date, which needs the admission's date:
    "an emergency cesarean section" on May 13 is no second arrival."""
    assert _pregnant({CT_LEGEND: "Chest CT 2 days after the cesarean section.",
                      CT_TEXT: "performed 2 days after the cesarean section showed"})[:3] == ["6", "9", "9"]
    for operation in ("On May 13, an emergency laparotomy was performed.",
                      "On May 13, she underwent an emergency cesarean section."):
        assert _pregnant({CAESAREAN: operation})[:3] == ["6", "9", "9"], operation


def test_without_an_operation_the_postoperative_day_stays_blank():
    """No operation told: "the second postoperative day" counts from nothing the history dates."""
    assert _pregnant({CAESAREAN: "On May 13, her condition worsened further."})[1:3] == [None, None]


# --- a lateral film beside the frontal one ----------------------------------------------------------------------

LATERAL = UNSEEN63 / "PMC7630011_efetch.xml"  # 6 days of fever at presentation: Fig. 1a PA, 1b lateral; Fig. 2 CT
LATERAL_LEGEND = "(b) Lateral chest radiograph shows"


def _lateral(replacements: dict[str, str] | None = None) -> list[str | None]:
    (case,) = file_cases(LATERAL, replacements)
    return image_offsets(case)


def test_a_lateral_film_telling_no_moment_is_the_frontal_films_exam():
    """"(a) Posteroanterior chest radiograph obtained at presentation ... (b) Lateral chest radiograph shows ...":
    the two views of one exam, both 6 (the lateral was blank)."""
    assert _lateral() == ["6", "6", "7"]


def test_a_lateral_film_keeps_its_own_moment():
    assert _lateral({LATERAL_LEGEND: "(b) Lateral chest radiograph obtained 2 days later shows"})[:2] == ["6", "8"]
