"""Timelines of the twenty-seventh blind batch of papers (tests/fixtures/papers_unseen27/), each through the rule it
broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article
from tests.jats_cases import image_values

UNSEEN27 = Path(__file__).parent / "fixtures" / "papers_unseen27"
SQUMJ_LEGEND = "Posteroanterior chest radiograph on readmission (30 June 2020) showing"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN27 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _squmj(legend: str = SQUMJ_LEGEND):
    (case,) = cases_from_article(_article("PMC7270033_fullTextXML.xml", (SQUMJ_LEGEND, legend)),
                                 panel_splits={2: _panels(2)})
    return case


# --- "on readmission (30 June 2020)": the date beside the readmission dates the film ---------------------------

def test_the_readmission_film_of_the_omani_report_takes_its_date():
    # onset 2 June 2020: presentation 5 June (3), CT 8 June (6), readmission 30 June (28)
    assert image_values(_squmj(), "offset") == ["3", "6", "6", "28"]


@pytest.mark.parametrize("legend, want", [
    ("Posteroanterior chest radiograph at readmission on 30 June 2020 showing", "28"),
    ("Posteroanterior chest radiograph obtained on 30 June 2020, upon readmission, showing", "28"),
    # guards: a readmission without a day of its own stays unplaced (the history says "she returned", not
    # "readmitted"); a relative moment beside the readmission keeps saying the day as before
    ("Posteroanterior chest radiograph on readmission showing", None),
    ("Posteroanterior chest radiograph at readmission (35 days after symptom onset) showing", "35"),
])
def test_a_date_beside_the_readmission_is_the_films_day(legend, want):
    assert image_values(_squmj(legend), "offset")[3] == want


def test_the_other_fields_of_the_readmission_film_are_untouched():
    case = _squmj()
    assert image_values(case, "modality") == ["X-ray", "CT", "CT", "X-ray"]
    assert image_values(case, "view") == ["AP", "Axial", "Coronal", "PA"]


# --- "the next day" told past a test's result after the figure before ----------------------------------------

def _jrcr_offsets(replace: tuple[str, str]) -> list[str | None]:
    """J Radiol Case Rep (the twenty-eighth batch): "The initial chest radiograph ... (Figure 1). A CT of the chest
    ... was obtained the following day ... (Figure 2)", with ``replace`` applied; each image's offset."""
    xml = (UNSEEN27.parent / "papers_unseen28" / "PMC7280033_efetch.xml").read_text()
    assert replace[0] in xml
    (case,) = cases_from_article(parse_jats(xml.replace(*replace).encode()), panel_splits={2: _panels(2)})
    return image_values(case, "offset")


FIGURE_1_THEN_CT = "Figure 1</xref>). A CT of the chest without contrast was obtained the following day"


def test_the_next_day_past_a_test_result_counts_from_the_figure_before():
    """JCPSP's writing: "Chest X-ray PA view showed ... (Figure 1). His nasopharyngeal swab for SARS-CoV-2 PCR was
    positive. HRCT chest was done on next day ... (Figure 2)": the swab's result is no step of the course, the CT
    the day after Figure 1's film (6, 6 here; blank before)."""
    told = ("Figure 1</xref>). Her nasopharyngeal swab for SARS-CoV-2 PCR was positive. A CT of the chest without "
            "contrast was done on next day")
    assert _jrcr_offsets((FIGURE_1_THEN_CT, told))[1:3] == ["6", "6"]
    told = ("Figure 1</xref>). RT-PCR of a nasopharyngeal swab confirmed SARS-CoV-2 infection. A CT of the chest "
            "without contrast was obtained the following day")
    assert _jrcr_offsets((FIGURE_1_THEN_CT, told))[1:3] == ["6", "6"]


def test_the_next_day_after_a_step_of_the_course_or_a_moment_dates_nothing():
    """Guards: a treatment between ("She was given dexamethasone."), or a sentence telling its own moment ("Her
    swab was positive on day 3."), is the step "the next day" follows: not known to be the film's."""
    for between in ("She was given dexamethasone and her swab was positive.", "Her swab was positive on day 3."):
        told = f"Figure 1</xref>). {between} A CT of the chest without contrast was obtained the following day"
        assert _jrcr_offsets((FIGURE_1_THEN_CT, told))[1:3] == [None, None]
