"""Timelines and panels of the thirty-first blind batch of papers (tests/fixtures/papers_unseen31/), each through
the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit, parse_subcaptions
from ingest.papers import cases_from_article
from ingest.publisher import parse_article_html
from ingest.timeline import history_dates
from tests.jats_cases import image_values

UNSEEN31 = Path(__file__).parent / "fixtures" / "papers_unseen31"
UNSEEN29 = Path(__file__).parent / "fixtures" / "papers_unseen29"
SPRINGER = "https://link.springer.com/article/10.1007/s42399-020-00651-4"
BMJ = "PMC7310011_efetch.xml"
BMJ_VISIT = "At the 1-month follow-up in the respiratory clinic on 4 June she"


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _text(folder: Path, name: str, replace: tuple[str, str]) -> str:
    text = (folder / name).read_text()
    if replace[0]:
        assert replace[0] in text
        text = text.replace(*replace)
    return text


def _springer(replace: tuple[str, str] = ("", "")):
    html = _text(UNSEEN31, "springer_s42399_651.html", replace)
    (case,) = cases_from_article(parse_article_html(html.encode(), SPRINGER), panel_splits={1: _panels(2)})
    return case


def _bmj(replace: tuple[str, str] = ("", "")):
    xml = _text(UNSEEN31, BMJ, replace)
    (case,) = cases_from_article(parse_jats(xml.encode()), panel_splits={1: _panels(2)})
    return case


# --- "a) axial and b) coronal images": half-parenthesis letters coordinated by "and" ---------------------------

@pytest.mark.parametrize("caption, wanted", [
    # Monaldi's PDF legend: the date before the letters, the second letter after "and"
    ("Follow-up CT scan (7 May 2020): a) axial and b) coronal images show reduced ground glass opacities.",
     # (the first plane shares the last one's words, papers_unseen45: was "axial" alone)
     {"a": "axial images show reduced ground glass opacities",
      "b": "coronal images show reduced ground glass opacities"}),
    ("HRCT, A) axial and B) coronal reconstructions, showing pneumomediastinum.",
     {"a": "axial reconstructions, showing pneumomediastinum",
      "b": "coronal reconstructions, showing pneumomediastinum"}),
    # guards: a letter after "and" closing a parenthesis it opened is the parenthesis style's as before; one
    # after "and" with no half-parenthesis letter before it names no panel
    ("Chest CT (a and b) on day 3 and (c) on day 9.", {"a": "Chest CT on day 3", "b": "Chest CT on day 3",
                                                      "c": "on day 9"}),
    ("Axial CT of the right and b) left lung.", {}),
])
def test_half_parenthesis_letters_joined_by_and_name_panels(caption, wanted):
    assert parse_subcaptions(caption) == wanted


# --- "Her symptoms had started on 21 October ..., and a swab taken on 23 October": the test's date ------------

def test_the_springer_womans_offsets_count_from_the_onset_her_history_dates():
    # onset 21 October: admission 26 October (5), "the fifth day of hospitalization" (10), discharge 9 November
    # (19) and "three weeks after discharge" (40); the first crawl counted from the admission (0, 5, 35)
    assert image_values(_springer(), "offset") == ["5", "10", "40"]


@pytest.mark.parametrize("history, onset", [
    ("Her symptoms started on 21 October with fever, and a nasopharyngeal swab taken on 23 October was positive.",
     "21 October"),
    ("He developed fever on 3 March, and the RT-PCR on 5 March was positive.", "3 March"),
    ("She fell ill on 2 April; a specimen obtained on 4 April was positive.", "2 April"),
    # guard: a date of the onset clause itself stays the onset ("swab" words elsewhere)
    ("Fever began on 3 March, two days before his swab.", "3 March"),
])
def test_a_tests_date_after_the_onset_is_not_a_second_onset(history, onset):
    found, _ = history_dates(history)
    assert found is not None and found[1] == onset


def test_the_swab_date_alone_in_its_clause_is_no_moment():
    # with the swab's date the only one, no onset is made of it (the onset's cue is the other clause's; the swab's
    # day was the onset before)
    assert history_dates("She developed fever, and a swab taken on 23 October was positive.") == (None, None)


# --- "he applied to our hospital on 14 March": the admission of Turkish authors ----------------------------

def test_applied_to_the_hospital_is_the_admission():
    history = ("His fever and myalgia started on 11 March and he applied to our hospital on 14 March. Oxygen "
               "saturation was 95%.")
    onset, admission = history_dates(history)
    assert (onset[1], admission[1]) == ("11 March", "14 March")


def test_applied_to_something_else_is_no_admission():
    onset, admission = history_dates("His fever started on 11 March. CPAP was applied to him on 14 March.")
    assert onset[1] == "11 March" and admission is None


def test_the_index_patients_offsets_of_the_family_cluster():
    # batch 29's Respir Med Case Rep: "started on 11 March and he applied to our hospital on 14 March": the
    # admission film 3, the control CT on 21 March 10 (0 and blank before: both dates were read as onsets)
    xml = (UNSEEN29 / "PMC7290033_efetch.xml").read_bytes()
    cases = cases_from_article(parse_jats(xml), panel_splits={1: _panels(2), 3: _panels(2)})
    assert image_values(cases[0], "offset") == ["3", "10"]


# --- "He had cough starting on 15 March": the day a symptom is told starting from ----------------------------

@pytest.mark.parametrize("history, onset", [
    ("He had cough starting on 15 March, without fever. The CT taken on 17 March showed an opacity.", "15 March"),
    ("She had fever beginning on 2 April. She was admitted on 5 April.", "2 April"),
])
def test_a_symptom_starting_on_a_date_began_that_day(history, onset):
    assert history_dates(history)[0][1] == onset


def test_treatment_starting_on_a_date_is_no_onset():
    assert history_dates("She was given oseltamivir starting on 2 April.")[0] is None


# --- "At the 1-month follow-up in the respiratory clinic on 4 June": the visit's date --------------------------

def test_the_follow_up_film_takes_the_date_the_history_gives_that_visit():
    # onset 3 April: admission 9 April (6), "48 h later" (8), the fifth day of hospitalisation (11), one week
    # after the discharge of 4 May (38), the 1-month follow-up on 4 June (62; blank on the first crawl)
    assert image_values(_bmj(), "offset") == ["6", "8", "11", "38", "62"]


@pytest.mark.parametrize("visit", [
    # guards: a visit the history dates twice, or tells with a number before the date, is not dated; a
    # legend's follow-up of another length than the history's dated one is not that visit
    "At the 1-month follow-up in the respiratory clinic on 4 June or 6 June she",
    "At the 1-month follow-up, 2 weeks late, on 4 June she",
    "At the 3-month follow-up in the respiratory clinic on 4 June she",
])
def test_an_undated_follow_up_stays_blank(visit):
    assert image_values(_bmj((BMJ_VISIT, visit)), "offset")[4] is None
