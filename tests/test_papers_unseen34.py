"""Timelines of the thirty-fourth blind batch of papers (tests/fixtures/papers_unseen34/), through the rules they
broke on the first crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit, caption_lead, parse_subcaptions
from ingest.papers import cases_from_article, described
from ingest.timeline import onset_after_dated_exposure

UNSEEN34 = Path(__file__).parent / "fixtures" / "papers_unseen34"
NURSES = "PMC7340011_efetch.xml"
INTERN_MED = "PMC7340033_efetch.xml"
NURSE_C_CONTACT = "had his last contact with the index patient on 4 March."


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _offsets(name: str, splits: dict[int, int], replace: tuple[str, str] = ("", ""),
             *more: tuple[str, str]) -> list[list[str | None]]:
    """Each case's offsets (its images in order), the figures numbered in ``splits`` cut into that many panels
    (the fixture's text edited by ``replace`` and ``more``)."""
    xml = (UNSEEN34 / name).read_text()
    for old, new in (replace, *more):
        if old:
            assert old in xml
            xml = xml.replace(old, new)
    cases = cases_from_article(parse_jats(xml.encode()), panel_splits={n: _panels(k) for n, k in splits.items()})
    offsets = []
    for case in cases:
        if not case.images:
            continue  # the index patient: no figure
        by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
        offsets.append([by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)])
    return offsets


# --- an onset told as a time after a dated exposure -------------------------------------------------------------

def test_each_nurses_onset_is_her_last_exposure_plus_the_days_the_paper_tells():
    # A: last shift 3 March, "Symptoms began 4 days after the last shift" (7 March), CT 12 March: 5 (was 4, from
    # "her swab was positive on 8 March" in the onset's sentence); B: her first symptom dated (6 March), admitted
    # 11 March, CT 2 days later: 5, 7; C: last contact 4 March, "symptomatic 6 days after this exposure" (10 March),
    # CT 15 March and one week later: 5, 5, 12 (was blank)
    assert _offsets(NURSES, {2: 2, 3: 3}) == [["5"], ["5", "7"], ["5", "5", "12"]]


@pytest.mark.parametrize("replace", [
    # the exposure's sentence holds two dates: which one the days count from is not said
    (NURSE_C_CONTACT, "had contacts with the index patient on 2 March and on 4 March."),
    # the exposure is not dated
    (NURSE_C_CONTACT, "had his last contact with the index patient at the end of a night shift."),
    # another person's onset after the exposure
    ("He became symptomatic 6 days after this exposure", "His wife became symptomatic 6 days after this exposure"),
])
def test_an_onset_after_an_exposure_the_history_does_not_date_once_stays_blank(replace):
    assert _offsets(NURSES, {2: 2, 3: 3}, replace)[2] == [None, None, None]


@pytest.mark.parametrize("history, onset", [
    # the exposure dated in the onset's own clause
    ("Symptoms began 4 days after his return from Milan on 21 February 2020. He was admitted on 28 February.",
     date(2020, 2, 25)),
    # a gathering dated in the sentence before
    ("She attended a wedding on 14 March. Fever and cough began 3 days after the wedding.", date(2020, 3, 17)),
    # a nurse's shift dated after it in the onset's clause
    ("He developed fever 2 days after the last shift on 3 March, and a dry cough later.", date(2020, 3, 5)),
])
def test_an_onset_after_a_dated_exposure_is_its_date_plus_the_days(history, onset):
    found = onset_after_dated_exposure(history)
    assert found is not None
    assert found[0].replace(year=onset.year) == onset


@pytest.mark.parametrize("history", [
    # two gatherings dated in the sentence telling them
    "She attended a wedding on 14 March and a dinner on 16 March. Fever began 3 days after the wedding.",
    # no symptom: a rash after a contact is no onset of this illness's symptoms
    "He had his last contact with the index patient on 4 March. A rash appeared 6 days after this exposure.",
    # the exposure undated
    "She attended a wedding. Fever began 3 days after the wedding, on 20 March.",
])
def test_an_onset_after_an_exposure_is_not_read_without_one_date_or_a_symptom(history):
    assert onset_after_dated_exposure(history) is None


# --- "on admission (A) and on HD 9 (B)": a panel's own "HD N" ----------------------------------------------------

def test_a_panels_own_hd_day_is_its_moment_not_the_legends_lead():
    # Figure 1 "Chest radiographs (posteroanterior view) on admission (A) and on HD 9 (B)": after "a 5-day history",
    # 5 and 5 + 9 = 14 (was 5, the lead's "on admission"); "hospital day 5" 10, 10; "HD 16" 21
    assert _offsets(INTERN_MED, {1: 2, 2: 2}) == [["5", "14", "10", "10", "21"]]


@pytest.mark.parametrize("text, moment", [
    ("Chest radiographs (posteroanterior on HD 9", "HD 9"),
    ("Chest radiograph on HD#3", "HD#3"),
    ("CT on POD 5", "POD 5"),
])
def test_the_clinicians_abbreviated_days_are_a_panels_moment(text, moment):
    assert described(text, shared="Chest radiographs (posteroanterior view) on admission")["date_text"] == moment


def test_a_lower_case_hd_is_no_day():
    # "hd" is no abbreviation of the stay in lower case (as the timeline reads it): the lead's moment stays
    assert described("radiograph, hd 9 mode", shared="Chest radiograph on admission")["date_text"] == "on admission"


# --- "her swab was positive on 8 March": a test result's date, not the onset's ------------------------------------

NURSE_A_ONSET = "Symptoms began 4 days after the last shift with the index patient, with"
NURSE_A_SWAB = "and her swab was positive on 8 March"


@pytest.mark.parametrize("onset, swab, wanted", [
    # the onset undated: the positive swab's date in the onset's sentence is the test's, not the onset's (was 4)
    ("She developed", NURSE_A_SWAB, None),
    ("She developed", "and the PCR came back positive on 8 March", None),
    # the onset dated beside the swab's result: the onset's date (was blank: two dates for one onset)
    ("On 7 March she developed", NURSE_A_SWAB, "5"),
])
def test_a_positive_tests_date_in_the_onsets_sentence_dates_the_test(onset, swab, wanted):
    xml = (UNSEEN34 / NURSES).read_text()
    assert NURSE_A_ONSET in xml and NURSE_A_SWAB in xml
    changed = xml.replace(NURSE_A_ONSET, onset).replace(NURSE_A_SWAB, swab)
    assert _offsets(NURSES, {2: 2, 3: 3}, (xml, changed))[0] == [wanted]


# --- "on admission (A) and after treatment (B)": a later panel's own words tell no moment ----------------------

HD9_LEGEND = "Chest radiographs (posteroanterior view) on admission (A) and on HD 9 (B)."
HD9_CITED = ("His condition improved gradually, and on HD 9 the chest radiograph",
             "His condition improved gradually, and the chest radiograph")


@pytest.mark.parametrize("legend", [
    "Chest radiographs (posteroanterior view) on admission (A) and after treatment (B).",
    "Chest radiographs (posteroanterior view) on admission (A) and after clinical improvement (B).",
    "Chest radiographs (posteroanterior view) on admission (A), and after antiviral therapy (B).",
])
def test_a_later_panel_whose_own_words_tell_no_moment_takes_no_day_from_the_first(legend):
    # the letters trail their panels' words: "on admission" is panel A's, B's own words ("after treatment") tell
    # no moment, nor does the text citing it: A 5, B blank (was 5, the lead's "on admission"); the CTs keep
    # theirs (10, 10, 21)
    assert _offsets(INTERN_MED, {1: 2, 2: 2}, (HD9_LEGEND, legend), HD9_CITED) == [["5", None, "10", "10", "21"]]


def test_a_later_panel_without_its_own_moment_still_takes_the_day_the_text_citing_it_tells():
    # "on HD 9 the chest radiograph showed the improvement of the opacities (Fig. 1B)": 14, as before
    legend = "Chest radiographs (posteroanterior view) on admission (A) and after treatment (B)."
    assert _offsets(INTERN_MED, {1: 2, 2: 2}, (HD9_LEGEND, legend)) == [["5", "14", "10", "10", "21"]]


@pytest.mark.parametrize("caption, letter, moment", [
    ("Chest CT on admission (A) and after treatment (B).", "b", ""),
    ("Chest X-ray on admission (A) and after intubation (B).", "b", ""),
    ("Chest CT on admission (A) and after treatment (B).", "a", "on admission"),
    # the letter leads its words, or the moment precedes the first panel's phrase: every panel's
    ("Chest CT on admission: (A) axial image; (B) coronal reconstruction.", "b", "on admission"),
    ("Chest CT on admission, axial (A) and coronal (B) images.", "b", "on admission"),
    ("Chest CT on admission (A) showing ground-glass opacities and (B) coronal reconstruction.", "b", "on admission"),
    # the later panel's words name only another plane or reconstruction of the scan: the same exam's moment
    ("Chest CT on admission (A) and coronal reconstruction (B).", "b", "on admission"),
    ("Chest CT on admission (A) and the corresponding sagittal reformatted image (B).", "b", "on admission"),
    ("Chest CT on admission (A) and after treatment, coronal reconstruction (B).", "b", ""),
    # the later panel tells its own
    ("Chest radiograph at presentation (a) and on day 7 (b).", "b", "day 7"),
])
def test_a_panels_moment_when_letters_trail_their_words(caption, letter, moment):
    parts = parse_subcaptions(caption)
    assert described(parts[letter], caption_lead(caption), caption, letter=letter)["date_text"] == moment
