"""The forty-first blind batch of papers (tests/fixtures/papers_unseen41/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.panels import parse_subcaptions
from ingest.records import CaseRecord
from ingest.resolve import url_as_curators_write
from ingest.timeline import AFTER_EVENT, UNPLACED, event_moment, history_dates, text_moments
from tests.jats_cases import by_patient, file_cases, image_values

UNSEEN41 = Path(__file__).parent / "fixtures" / "papers_unseen41"
ECMO = "PMC7410033_fullTextXML.xml"  # "on the 10th day of ECMO support (ii)", "after 17 days on ECMO"


def _cases(name: str, replacements: dict[str, str] | None = None) -> dict[str, CaseRecord]:
    return by_patient(file_cases(UNSEEN41 / name, replacements))


# --- a film's day counted from a treatment's start: "on the 10th day of ECMO support", "after 17 days on ECMO" ------

def test_days_counted_from_a_treatment_are_not_the_presentation_nor_after_the_film_before():
    """"Chest X-ray (AP, supine) after the cannulation for ECMO (i) and on the 10th day of ECMO support (ii)" and
    "CT of the chest after 17 days on ECMO": the ECMO's days (curators 13, 23 and 30), not the presenting film's 7
    (the day of another base was dropped, the film taken for the presenting one) nor the admission's 7 + 17 = 24
    (counted from the film before). The history tells the ECMO's start ("veno-venous ECMO ... was started on the
    day of the arrival", on 20 November 2020: day 13), and the legend's numerals after their words split its two
    films, each with its own moment; the control CT's date still placed."""
    case = _cases(ECMO)["patient1"]
    assert image_values(case, "offset") == ["13", "23", "30", "30", "94"]


def test_ecmo_days_are_blank_when_the_history_does_not_tell_its_start():
    """The same legends, the history telling the transfer but not the day the ECMO began: no day counted from it."""
    case = _cases(ECMO, {", where veno-venous ECMO (femoro-jugular configuration) was started on the day of the "
                         "arrival": ""})["patient1"]
    assert image_values(case, "offset")[1:4] == [None, None, None]


@pytest.mark.parametrize("history, day", [
    ("Veno-venous ECMO was initiated on hospital day 11 through the right femoral vein.", ("hospital-day", 11)),
    ("On day 12 of illness he was cannulated for VV-ECMO.", ("since-onset", 12)),
    ("On 3 April 2020 extracorporeal membrane oxygenation was started.", ("dated", date(2020, 4, 3).toordinal())),
])
def test_the_history_tells_an_extracorporeal_support_s_start(history, day):
    moment = event_moment(history, "ecmo", True)
    assert moment is not None and (moment.kind, moment.days) == day


@pytest.mark.parametrize("history", [
    "He was decannulated on 11.12.2020, after 21 days of ECMO.",
    "ECMO was considered on day 5 but not started.",
    "He was weaned from ECMO on hospital day 30.",
])
def test_an_extracorporeal_support_s_end_or_mention_is_no_start(history):
    assert event_moment(history, "ecmo", True) is None


@pytest.mark.parametrize("caption, days", [
    ("Chest radiograph on the 10th day of ECMO support.", 10),
    ("CT after 17 days on ECMO: consolidations.", 17),
    ("Chest X-ray after 21 days of ECMO.", 21),
    ("CT 5 days after ECMO initiation.", 5),
])
def test_a_legend_day_of_an_extracorporeal_support_counts_from_its_start(caption, days):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [(AFTER_EVENT, days)]


@pytest.mark.parametrize("caption", [
    "Chest CT on day 3 of treatment with tocilizumab.",
    "Chest X-ray after 5 days under mechanical ventilation.",
    "Radiograph after two weeks on the ventilator.",
    # its start or its end? not told
    "CT 5 days after ECMO: consolidations.",
    "Chest X-ray 3 days after ECMO decannulation.",
])
def test_a_legend_day_of_a_treatment_is_a_moment_not_placed(caption):
    assert [m.kind for m in text_moments(caption, "caption")] == [UNPLACED]


@pytest.mark.parametrize("caption, panels", [
    ("Chest X-ray (AP, supine) after the cannulation for ECMO (i) and on the 10th day of ECMO support (ii): diffuse "
     "consolidations.", {"a": "Chest X-ray (AP, supine) after the cannulation for ECMO",
                         "b": "on the 10th day of ECMO support : diffuse consolidations"}),
    ("Chest radiograph on admission (i) and after two weeks (ii).",
     {"a": "Chest radiograph on admission", "b": "after two weeks"}),
])
def test_roman_numerals_after_their_films_words_split_the_legend(caption, panels):
    assert parse_subcaptions(caption) == panels


@pytest.mark.parametrize("caption", [
    "Chest CT showing ground glass opacities (i) and consolidation (ii).",
    "Chest CT: (i) ground glass opacities; (ii) consolidation.",
])
def test_roman_numerals_of_findings_split_nothing(caption):
    assert parse_subcaptions(caption) == {}


@pytest.mark.parametrize("caption, kind", [
    # the interval alone, or spent on what is the axis's own, stays what it was
    ("Chest radiograph after 3 days: worsening.", "after-previous"),
    ("Chest X-ray after 9 days of hospitalization.", "since-admission"),
    ("CT after 5 days on the ward.", "after-previous"),
    ("CT on day 7 of illness.", "since-onset"),
])
def test_other_intervals_keep_their_base(caption, kind):
    assert [m.kind for m in text_moments(caption, "caption")] == [kind]


# --- a paper whose text only Europe PMC holds ------------------------------------------------------------------------

def test_a_text_only_europe_pmc_holds_is_given_europe_pmc_s_page():
    """Europe PMC's search said "inPMC": "N" and the figures came from its fullTextXML: PMC has no page for the paper
    (it was given PMC's address, https://pmc.ncbi.nlm.nih.gov/articles/PMC7410033/, on all five rows)."""
    assert (url_as_curators_write("europepmc-xml", pmcid="PMC7410033", in_pmc="N", pmid="33410033")
            == "https://europepmc.org/article/MED/33410033")
    assert (url_as_curators_write("europepmc-xml", pmcid="PMC7410033", in_pmc="N")
            == "https://europepmc.org/article/PMC/PMC7410033")
    # a copy PMC holds (efetch's metadata-only answer, Europe PMC's text; or Europe PMC not asked) stays PMC's page
    for in_pmc in ("Y", ""):
        assert (url_as_curators_write("europepmc-xml", pmcid="PMC7230055", in_pmc=in_pmc, pmid="33230055")
                == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7230055/")
    assert (url_as_curators_write("efetch-xml", pmcid="PMC7410011", in_pmc="N", pmid="33410011")
            == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7410011/")


# --- a course told "presented ... improvement" beside the admission's date ------------------------------------------

PNEUMOTHORAX = "PMC7410022_efetch.xml"  # "sought our emergency department on 03/04/2020", "On 29/04/2020 she returned"


def test_a_course_told_presented_is_no_second_admission():
    """"sought our emergency department on 03/04/2020 ... which had begun on March 28, 2020", then "She presented
    progressive improvement and was discharged on 12/04/2020": the admission is 3 April (it was no day: "presented"
    made 12 April a second admission date), so "Chest CT on admission (03/04/2020)" is 6 (was blank on both
    panels)."""
    case = _cases(PNEUMOTHORAX)["patient1"]
    assert image_values(case, "offset") == ["6", "6", "32", "33", "33", "72"]


@pytest.mark.parametrize("history, admitted", [
    ("He was admitted on 3 April 2020 with fever since 28 March 2020. He presented a slow improvement and was "
     "discharged on 12 April 2020.", date(2020, 4, 3)),
    ("Ela procurou o hospital. She sought our emergency department on 03/04/2020 with cough, which had begun on March "
     "28, 2020. She presented progressive clinical improvement, and was discharged on 12/04/2020.", date(2020, 4, 3)),
    # a presentation with a symptom stays one ("presented a fever ... when she was tested on March 19")
    ("She presented to the emergency department on 9 April 2020 with fever since 5 April 2020.", date(2020, 4, 9)),
])
def test_a_course_told_presented_is_no_admission(history, admitted):
    assert (history_dates(history, day_first=True)[1] or (None,))[0] == admitted
