"""The forty-fifth blind batch of papers (tests/fixtures/papers_unseen45/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.panels import Panel, PanelSplit, parse_subcaptions
from ingest.records import CaseRecord
from ingest.timeline import history_dates, stay_days_on_illness
from tests.jats_cases import file_cases, image_offsets, image_values, two_panels_side_by_side

UNSEEN45 = Path(__file__).parent / "fixtures" / "papers_unseen45"
CHICAGO = "PMC7450011_efetch.xml"  # "on day 6 of illness", "On hospital day 4 (day 9 of illness)", "hospital day 6"
SIBLINGS = "PMC7450022_efetch.xml"  # Case 1 the sister (Fig. 1 a-c), Case 2 the brother "consulted on 20 March"
JOHANNESBURG = "PMC7450033_efetch.xml"


def _cases(name: str, replacements: dict[str, str] | None = None, splits: dict | None = None) -> list[CaseRecord]:
    return file_cases(UNSEEN45 / name, replacements, splits)


def _three_panels() -> PanelSplit:
    """A reliable split of a figure into three panels in a row (the pixels' own split, as the mirror's)."""
    boxes = [(0, 0, 320, 340), (332, 0, 652, 340), (664, 0, 984, 340)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=1000, height=340)


# --- a hospital day told with its day of the illness aligns the paper's two counts -----------------------------------

def test_hospital_days_on_the_papers_own_day_of_illness():
    """"On hospital day 4 (day 9 of illness)": the paper's hospital day K is day K + 5 of the illness, so its
    legends' "On hospital day 4" and "on hospital day 6" are 9 and 11 (were 10 and 12: the admission's 6 plus N)."""
    (case,) = _cases(CHICAGO)
    assert image_offsets(case) == ["6", "9", "11", "11"]
    for told in ("(illness day 9)", ", day 9 of illness,"):
        (case,) = _cases(CHICAGO, {"On hospital day 4 (day 9 of illness),": f"On hospital day 4 {told}"})
        assert image_offsets(case) == ["6", "9", "11", "11"], told
    (case,) = _cases(CHICAGO, {"On hospital day 4 (day 9 of illness),": "On day 9 of illness (hospital day 4),"})
    assert image_offsets(case) == ["6", "9", "11", "11"]


def test_the_pair_read_in_its_forms():
    assert stay_days_on_illness("On hospital day 4 (day 9 of illness), he worsened.")[0] == 5
    assert stay_days_on_illness("on day 12 of symptoms (day 5 of hospitalization)")[0] == 7
    assert stay_days_on_illness("He was intubated on hospital day 2 (illness day 8).")[0] == 6


def test_without_the_pair_hospital_days_stay_the_projects_count():
    """No day of illness beside a hospital day, or two that disagree: "hospital day N" is N days after the
    admission, as before."""
    (case,) = _cases(CHICAGO, {"On hospital day 4 (day 9 of illness),": "On hospital day 4,"})
    assert image_offsets(case) == ["6", "10", "12", "12"]
    (case,) = _cases(CHICAGO, {"On hospital day 4 (day 9 of illness),": "On hospital day 4 (day 9 of illness),",
                               "on hospital day 12 on": "on hospital day 12 (day 19 of illness) on"})
    assert image_offsets(case) == ["6", "10", "12", "12"]
    assert stay_days_on_illness("Hospital day 2: fever. Day 5 of illness was uneventful.") is None
    assert stay_days_on_illness("hospital day 4 (day 3 of illness)") is None


# --- a presentation told "he consulted on <date>" (Spanish, French, Portuguese authors) -----------------------------

def test_consulted_on_a_date_is_the_presentation():
    """"He was put in home isolation, but he consulted on 20 March because of dyspnoea": the brother's arrival (was
    no admission date: his films "at admission" and "5 days later" blank)."""
    _sister, brother = _cases(SIBLINGS)
    assert image_offsets(brother) == ["3", "8"]
    history = "She had fever and cough since 2 April. She consulted again on 6 April because of dyspnoea."
    assert history_dates(history) == ((date(2020, 4, 2), "2 April"), (date(2020, 4, 6), "6 April"))
    history = "Fever began on 2 April. The patient finally consulted on 7 April and was admitted."
    assert history_dates(history)[1][0] == date(2020, 4, 7)


def test_someone_consulted_is_no_presentation():
    for history in ("Fever began on 2 April. Infectious diseases consulted on 9 April. She was admitted on 5 April.",
                    "Fever began on 2 April. She was consulted on 9 April. She was admitted on 5 April."):
        assert history_dates(history)[1][0] == date(2020, 4, 5), history


# --- BMC's bare letters before coordinated planes -------------------------------------------------------------------

def test_bare_letters_before_coordinated_planes_are_two_panels():
    """"b Axial and c coronal chest CT images on 19 March": b and c, each with the shared words (was one panel b, so
    the three panels of the pixels took the whole legend: the admission's 5 for the CT of 19 March, 8)."""
    sister, _brother = _cases(SIBLINGS, splits={1: _three_panels()})
    assert image_offsets(sister) == ["5", "8", "8"]
    assert image_values(sister, "view") == ["AP", "Axial", "Coronal"]
    caption = "a Chest X-ray at admission. b Axial, c coronal and d sagittal CT images on day 5 showing opacities"
    assert parse_subcaptions(caption) == {"a": "Chest X-ray at admission",
                                          "b": "Axial CT images on day 5 showing opacities",
                                          "c": "coronal CT images on day 5 showing opacities",
                                          "d": "sagittal CT images on day 5 showing opacities"}


def test_parenthesized_letters_before_coordinated_planes_share_the_rest():
    caption = "(a) Chest X-ray at admission. (b) Axial and (c) coronal CT images on 19 March showing opacities"
    assert parse_subcaptions(caption)["b"] == "Axial CT images on 19 March showing opacities"


def test_an_article_a_is_no_panel_and_a_plane_with_its_own_words_keeps_them():
    assert parse_subcaptions("a Chest X-ray and a coronal CT image on day 5. b CT on day 9") == {
        "a": "Chest X-ray and a coronal CT image on day 5", "b": "CT on day 9"}
    assert parse_subcaptions("(a) Axial CT on day 2 and (b) coronal CT on day 9")["a"] == "Axial CT on day 2"


def test_the_other_papers_stay_as_staged():
    (case,) = _cases(JOHANNESBURG, splits={1: two_panels_side_by_side(), 2: two_panels_side_by_side()})
    assert image_offsets(case) == ["7", "13", "42", "42"]
