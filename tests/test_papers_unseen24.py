"""Patients and timelines of the twenty-fourth blind batch of papers (tests/fixtures/papers_unseen24/), each
through the rule it broke on the first crawl: the classes of markup and writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article, described
from tests.jats_cases import image_offsets

UNSEEN24 = Path(__file__).parent / "fixtures" / "papers_unseen24"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN24 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _two_panels() -> PanelSplit:
    boxes = [(0, 0, 380, 380), (392, 0, 772, 380)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=800, height=400)


# --- An "Imaging Findings" section: the patient's story goes on there ---------------------------------------

def test_an_imaging_findings_section_is_part_of_the_patients_story():
    """Radiology: Cardiothoracic Imaging's History / Imaging Findings / Discussion: the discharge ("discharged on
    hospital day 12", told under Imaging Findings) dates "4 weeks after discharge" (6 + 12 + 28 = 46; blank on the
    first crawl: the section was read as no part of the case)."""
    (case,) = cases_from_article(_article("PMC7240011_efetch.xml"))
    assert "discharged on hospital day 12" in case.history
    assert image_offsets(case) == ["6", "6", "9", "46", "46"]


def test_a_discussion_titled_with_findings_is_still_no_part_of_the_story():
    """A "Discussion of the findings" section ends the patient's text as any discussion does."""
    article = _article("PMC7240011_efetch.xml", ("<title>Discussion</title>", "<title>Discussion of findings</title>"))
    (case,) = cases_from_article(article)
    assert "organizing pneumonia pattern is common" not in case.history


# --- "the next day" in a panel's own words -------------------------------------------------------------------

@pytest.mark.parametrize("words, said", [
    ("(B) Axial chest CT the next day shows ground-glass opacities", "the next day"),
    ("(B) Chest CT on the following day: consolidation", "on the following day"),
    ("(B) Radiograph obtained the same day shows faint opacities", "the same day"),
])
def test_a_panels_day_told_from_the_film_before_is_its_own_date(words, said):
    assert described(words, "Case 1.")["date_text"] == said


def test_the_next_day_in_a_second_panel_is_one_day_after_the_first_panels():
    """Int J Infect Dis: "(A) Posteroanterior chest radiograph at admission ... (B) Axial chest CT the next day"
    after "admitted with fever and cough for 3 days": 3 and 4 (the first crawl gave (B) the admission's 3)."""
    cases = cases_from_article(_article("PMC7240055_efetch.xml"), panel_splits={1: _two_panels()})
    husband = next(c for c in cases if any(i.extra.get("figure_number") == 1 for i in c.images))
    assert image_offsets(husband)[:2] == ["3", "4"]


@pytest.mark.parametrize("words", [
    "(A) Axial CT performed on the same day as the first positive RT-PCR test",
    "(B) Portable radiograph the next day after intubation",
])
def test_a_day_told_from_another_moment_than_the_film_before_is_not_the_panels_relative_day(words):
    # (the intubation's next day stays the whole phrase the timeline counts from the intubation)
    assert described(words, "")["date_text"] not in ("on the same day", "the same day", "the next day")
