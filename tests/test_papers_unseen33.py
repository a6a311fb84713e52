"""Timelines of the thirty-third blind batch of papers (tests/fixtures/papers_unseen33/), through the rule they
broke on the first crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article

UNSEEN33 = Path(__file__).parent / "fixtures" / "papers_unseen33"
RCTI = "PMC7330011_efetch.xml"
BJR = "PMC7330022_efetch.xml"
RCTI_CT = "(b–d) Axial CT pulmonary angiographic images obtained 2 days later show"


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _offsets(name: str, panels: int, replace: tuple[str, str] = ("", "")) -> list[str | None]:
    xml = (UNSEEN33 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    (case,) = cases_from_article(parse_jats(xml.encode()), panel_splits={1: _panels(panels)})
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


# --- "(b–d) Axial CT ... 2 days later ... (e) Coronal reformatted image": a reformat is its CT's exam ---------

def test_the_octogenarians_coronal_reformat_is_the_exam_of_her_axial_ct_panels():
    # (a) radiograph at presentation (5 days of fever); (b–d) axial CT 2 days later (7); (e) the coronal reformat
    # of that CT, telling no moment of its own: 7 (the first crawl left it blank)
    assert _offsets(RCTI, 5) == ["5", "7", "7", "7", "7"]


def test_the_gravidas_coronal_reformat_is_the_exam_of_her_axial_ct_panels():
    # (a) on admission after a 3-day history (3); (b, c) "the following day" (4); (d) the reformat (4, was blank);
    # Figure 2, 10 days after the caesarean section 4 days after admission (17)
    assert _offsets(BJR, 4) == ["3", "4", "4", "4", "17"]


@pytest.mark.parametrize("replace, wanted", [
    # a reformat told after CT panels of two moments: which acquisition it comes from is not said (blank)
    (("(b–d) Axial CT pulmonary angiographic images obtained 2 days later show filling defects",
      "(b) Axial CT image at presentation and (c, d) axial CT images obtained 2 days later show filling defects"),
     ["5", "5", "7", "7", None]),
    # CT panels telling no moment: nothing to take (blank, as before)
    ((RCTI_CT, "(b–d) Axial CT pulmonary angiographic images show"), ["5", None, None, None, None]),
    # a reformat telling its own moment keeps it
    (("(e) Coronal reformatted image shows", "(e) Coronal reformatted image of the CT at presentation shows"),
     ["5", "7", "7", "7", "5"]),
    # a coronal panel that is no reformat (a separate image, maybe another acquisition) stays as before (blank)
    (("(e) Coronal reformatted image shows", "(e) Coronal image shows"), ["5", "7", "7", "7", None]),
])
def test_a_reformat_takes_only_its_figures_one_ct_moment(replace, wanted):
    assert _offsets(RCTI, 5, replace) == wanted


# --- "a fever on 2 August 2020 (Day 1 of illness) ... Chest CT on Day 14 of illness": the paper's own count --------

RESPIROL = "PMC7330044_efetch.xml"


def _case_offsets(name: str, replace: tuple[str, str] = ("", "")) -> list[str | None]:
    xml = (UNSEEN33 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    (case,) = cases_from_article(parse_jats(xml.encode()))
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


def test_the_haemodialysis_patients_day_14_of_illness_counts_from_his_day_1():
    # Fig. 1 (A, B) on admission, 6 August after a fever on 2 August: 4; Fig. 2 "on Day 14 of illness" where the
    # paper makes the onset's day "Day 1 of illness": 13 (the first crawl: 14)
    assert _case_offsets(RESPIROL) == ["4", "4", "13"]


@pytest.mark.parametrize("replace", [
    # no count defined: the day of illness is N days after the onset, as the curators count it
    ("on 2 August 2020 (Day 1 of illness).", "on 2 August 2020."),
    # the label set after the arrival dates the arrival on either count: no definition of the onset's day
    ("on 2 August 2020 (Day 1 of illness).", "on 2 August 2020 and was admitted to a local clinic the same day "
     "(Day 1 of illness)."),
])
def test_without_the_onset_as_day_1_a_day_of_illness_keeps_its_number(replace):
    assert _case_offsets(RESPIROL, replace) == ["4", "4", "14"]


@pytest.mark.parametrize("definition", [
    "Day 1 = the day of symptom onset.",
    "Day 1 was defined as the day of symptom onset.",
    "The day of illness onset was defined as day 1.",
])
def test_a_definition_of_day_1_as_the_onset_counts_the_days_of_illness_from_it(definition):
    replace = ("on 2 August 2020 (Day 1 of illness).", f"on 2 August 2020. {definition}")
    assert _case_offsets(RESPIROL, replace) == ["4", "4", "13"]


def test_the_onset_as_day_1_counts_an_admission_told_as_a_day_of_illness_alike():
    from ingest.timeline import CaseImages, ImageTexts, case_timeline

    history = ("A 50-year-old man developed fever on 1 March (day 1 of illness). He was admitted on day 6 of "
               "illness.")
    images = [ImageTexts(position=0, caption="Chest radiograph on admission."),
              ImageTexts(position=1, caption="CT on day 9 of illness."),
              ImageTexts(position=2, caption="CT 1 day after the onset.")]
    placed = [case_timeline(history, images).offset_of(i).value for i in range(3)]
    assert placed == [5, 8, 1]
    # backfill's one-film-at-a-time placing agrees
    assert [CaseImages(images).offset_of(history, image).value for image in images] == placed
