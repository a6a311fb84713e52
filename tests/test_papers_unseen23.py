"""Figures, patients and timelines of the twenty-third blind batch of papers (tests/fixtures/papers_unseen23/),
each through the rule it broke on the first crawl: the classes of markup and writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.papers import cases_from_article
from ingest.timeline import text_moments

UNSEEN23 = Path(__file__).parent / "fixtures" / "papers_unseen23"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN23 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _case_value(case, name: str) -> str | None:
    return next((r.value for r in normalize_case(case) if r.field == name and r.image_position is None), None)


def _offsets(case) -> list[str | None]:
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


# --- A JATS figure without <label> ---------------------------------------------------------------------------

def test_figures_without_a_label_take_their_place_as_their_number():
    """J Rural Med (J-STAGE) in PMC: each <fig> a caption and a graphic, no <label>. Unnumbered, the crawl fetched
    no panel split for them: Figure 3's "(a) Axial and (b) coronal" panels were staged without their letters."""
    figures = _article("PMC7230044_efetch.xml").figures
    assert [f.number for f in figures] == [1, 2, 3]
    assert sorted(figures[2].panel_captions) == ["a", "b"]


def test_an_unlabelled_figure_does_not_take_a_labelled_figures_number():
    """An unlabelled figure takes its place's number only when no labelled figure has it."""
    unlabelled_first = ('<fig id="f1" position="float"><label>Figure 1.</label>', '<fig id="f1" position="float">')
    assert [f.number for f in _article("PMC7230022_efetch.xml", unlabelled_first).figures] == [1, 2, 3]
    xml = (UNSEEN23 / "PMC7230022_efetch.xml").read_text().replace(*unlabelled_first).replace(
        "<label>Figure 3.</label>", "<label>Figure 1.</label>")
    assert [f.number for f in parse_jats(xml.encode()).figures] == [None, 2, 1]


# --- "On D4": the day abbreviated, and the admission as day 1 told the other way round ----------------------

def test_days_abbreviated_d_n_count_from_the_admission_the_text_makes_day_one():
    """"Day 1 (D1) was the day of admission", legends "on D1", "on D4", "on D10", fever "2 days before
    admission": 2, 5 and 11 (all blank on the first crawl)."""
    (case,) = cases_from_article(_article("PMC7230044_efetch.xml"))
    assert _offsets(case) == ["2", "5", "11", "11"]


@pytest.mark.parametrize("text", [
    "She received vitamin D3 supplementation for 10 days.",
    "The D2 receptor antagonist was stopped.",
    "Segment D4 of the spine was normal.",
])
def test_a_capital_d_and_a_number_without_a_preposition_of_time_is_no_day(text):
    assert not [m for m in text_moments(text, "caption") if m.evidence.startswith(("D", "on D"))]


@pytest.mark.parametrize("text", ["Chest CT on D7.", "The radiograph at D3 showed clearing.",
                                  "Oxygen was given from D2."])
def test_a_capital_d_run_into_its_number_after_a_preposition_is_a_day(text):
    assert [m.kind for m in text_moments(text, "caption")] == ["label"]


# --- An interval after the caesarean section ---------------------------------------------------------------

def test_an_interval_after_the_caesarean_section_counts_from_the_day_the_history_gives_it():
    """"... caesarean section ... on the seventh day of hospitalization", "Portable anteroposterior chest radiograph
    2 days after the caesarean section" (fever for 4 days at admission): 4 + 7 + 2 (blank on the first crawl)."""
    (case,) = cases_from_article(_article("PMC7230011_fullTextXML.xml"))
    assert _offsets(case) == ["4", "9", "9", "13"]


def test_an_interval_after_a_caesarean_section_the_history_does_not_date_is_blank():
    (case,) = cases_from_article(_article("PMC7230011_fullTextXML.xml", (
        " on the seventh day of hospitalization. A healthy male", ". A healthy male")))
    assert _offsets(case)[3] is None
