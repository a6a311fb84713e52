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
