"""Patients and timelines of the twenty-sixth blind batch of papers (tests/fixtures/papers_unseen26/), each
through the rule it broke on the first crawl: the classes of writing and markup, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.normalize.demographics import normalize_age
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article
from ingest.timeline import onset_gap
from tests.jats_cases import image_values

UNSEEN26 = Path(__file__).parent / "fixtures" / "papers_unseen26"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN26 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _case_field(case, field: str) -> str | None:
    (value,) = [r.value for r in normalize_case(case) if r.field == field and r.image_position is None]
    return value


def _onset(history: str) -> int | None:
    found = onset_gap(history)
    return found[0] if found else None


# --- "He was well until 10 days ago when he developed fever": the onset --------------------------------------

@pytest.mark.parametrize("history, want", [
    ("He was well until 10 days ago when he developed fever, chills and dry cough, and since 3 days ago dyspnea "
     "was added.", 10),
    ("She was in her usual state of health until 4 days before admission, when she developed a cough.", 4),
    ("The patient was healthy until one week ago, when fever and myalgia started.", 7),
    # the health some other event ended: no onset of the illness
    ("She was well until 2 weeks ago, when she fell at home.", None),
])
def test_the_health_the_illness_ended_tells_its_onset(history, want):
    assert _onset(history) == want


def test_an_iranian_history_counts_its_films_from_the_day_the_patient_was_last_well():
    """Caspian J Intern Med (Europe PMC's fullTextXML): "He was well until 10 days ago when he developed fever ...
    and since 3 days ago dyspnea was added"; "on admission", "On the 3rd day of admission", "On the 7th day of
    admission": 10, 13, 13, 17 (the first crawl took the later dyspnea's 3 days for the onset: 3, 6, 6, 10)."""
    (case,) = cases_from_article(_article("PMC7260011_fullTextXML.xml"), panel_splits={2: _panels(2)})
    assert image_values(case, "offset") == ["10", "13", "13", "17"]


# --- "progressive dyspnea that had started 8 days earlier": the acute illness --------------------------------

@pytest.mark.parametrize("history, want", [
    ("A history of dry cough, fever and progressive dyspnea that had started 8 days earlier.", 8),
    ("Fever and progressively worsening breathlessness for 10 days.", 10),
    # wasting makes even 8-13 days a slow course; weeks of a worsening alone too
    ("Ten days of progressive dyspnoea with weight loss.", None),
    ("Cough and night sweats for 12 days.", None),
    ("A two-week history of progressive dyspnoea.", None),
])
def test_under_two_weeks_of_a_worsening_is_the_acute_illness(history, want):
    assert _onset(history) == want


def test_a_brazilian_letters_onset_told_as_started_days_earlier_with_progressive_dyspnea():
    """J Bras Pneumol: "dry cough, fever and progressive dyspnea that had started 8 days earlier"; CT at
    admission (A, B), a bedside film "On the 5th day of hospitalization": 8, 8, 13 (the first crawl: 0, 0, 5)."""
    (case,) = cases_from_article(_article("PMC7260044_efetch.xml"), panel_splits={1: _panels(2)})
    assert image_values(case, "offset") == ["8", "8", "13"]


# --- "Mr. R, 52, a farmer": the age after an honorific and a name --------------------------------------------

@pytest.mark.parametrize("text, want", [
    ("Mr. R, 52, a farmer by occupation, presented with fever since 5 days.", 52),
    ("Mrs. S.K., 45 years, a housewife, was admitted with cough.", 45),
    ("Mr X, 60 presented with fever.", 60),
    # a weight, a time: no age
    ("Mr. S, 45 kg, was weighed daily.", None),
    ("Mr. R, 52 days after the transplant, developed fever.", None),
])
def test_an_age_in_commas_after_an_honorific_and_a_name(text, want):
    assert normalize_age(text).value == want


def test_an_indian_case_opened_by_the_patients_honorific_takes_its_age():
    (case,) = cases_from_article(_article("PMC7260033_efetch.xml"), panel_splits={2: _panels(2)})
    assert _case_field(case, "age") == "52"
    assert _case_field(case, "sex") == "M"


# --- A structured abstract typed as such introduces the patient ---------------------------------------------

def test_a_typed_main_abstract_introduces_a_patient_the_body_does_not():
    """Medicine (Baltimore): the age only in the structured abstract ("Patient concerns: A 47-year-old woman"),
    `<abstract abstract-type="structured">`; the body "The patient, a worker ... She" (blank on the first crawl:
    only untyped abstracts were read)."""
    article = _article("PMC7260055_efetch.xml")
    assert any("47-year-old woman" in p for p in article.extra["abstract"])
    (case,) = cases_from_article(article, panel_splits={1: _panels(3)})
    assert _case_field(case, "age") == "47"
    assert _case_field(case, "sex") == "F"


@pytest.mark.parametrize("kind", ["graphical", "teaser", "author-highlights"])
def test_a_graphical_abstract_teaser_or_highlights_introduce_nobody(kind):
    article = _article("PMC7260055_efetch.xml", ('abstract-type="structured"', f'abstract-type="{kind}"'))
    assert "abstract" not in article.extra
    (case,) = cases_from_article(article, panel_splits={1: _panels(3)})
    assert _case_field(case, "age") is None
