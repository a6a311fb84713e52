"""Timelines of the thirty-second blind batch of papers (tests/fixtures/papers_unseen32/), each through the rule it
broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article

UNSEEN32 = Path(__file__).parent / "fixtures" / "papers_unseen32"
ICU_REPORT = "PMC7320044_efetch.xml"
STRAIGHT_TO_ICU = "and was admitted directly to the intensive care unit (ICU)."


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _offsets(replace: tuple[str, str] = ("", "")) -> list[str | None]:
    xml = (UNSEEN32 / ICU_REPORT).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    (case,) = cases_from_article(parse_jats(xml.encode()), panel_splits={4: _panels(2)})
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


# --- "AP supine chest radiograph on ICU day 2" of a patient admitted straight to intensive care ------------------

def test_icu_days_of_a_patient_admitted_directly_to_the_icu_are_her_hospital_days():
    # "after seven days of fever ... admitted directly to the intensive care unit": ICU day N is hospital day N,
    # N days after the admission (the project's count of "hospital day N")
    offsets = _offsets()
    assert offsets[0] == "7"  # "on admission to ICU"
    assert offsets[1] == "9"  # "on ICU day 2"
    assert offsets[2] == "16"  # "on ICU day 9"
    assert offsets[3] == "21"  # "CT chest on ICU day 14" (a)
    assert offsets[4] == "21"  # (b)


@pytest.mark.parametrize("admission", [
    "and was admitted straight to ITU.",
    "and was taken directly to the intensive care unit.",
])
def test_other_words_for_a_direct_admission_to_intensive_care(admission):
    offsets = _offsets((STRAIGHT_TO_ICU, admission))
    assert offsets[1] == "9"
    assert offsets[2] == "16"


@pytest.mark.parametrize("admission", [
    # admitted to a ward, moved to the unit on a day the history does not tell
    "and was admitted to the respiratory ward; she was later transferred to the intensive care unit (ICU).",
    # the unit reached later in the stay, however directly
    "and was admitted to the ward. Two days later she was admitted directly to the intensive care unit (ICU).",
    # another person's direct admission
    "and was admitted. Her husband had been admitted directly to the intensive care unit (ICU).",
])
def test_icu_days_stay_blank_when_the_icu_stay_may_begin_later(admission):
    offsets = _offsets((STRAIGHT_TO_ICU, admission))
    assert offsets[1] is None
    assert offsets[2] is None
    assert offsets[3] is None
