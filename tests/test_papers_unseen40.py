"""The fortieth blind batch of papers (tests/fixtures/papers_unseen40/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.normalize.imaging import normalize_finding
from ingest.papers import cases_from_article

UNSEEN40 = Path(__file__).parent / "fixtures" / "papers_unseen40"
FAMILY = "PMC7400011_efetch.xml"  # two parents and their two children, "Patient 1" .. "Patient 4"
TRANSPLANT = "PMC7400033_efetch.xml"  # "at day 8 of symptoms", "discharged at day 22", "Four weeks after discharge"


def _cases(name: str, replacements: dict[str, str] | None = None) -> dict[str, object]:
    xml = (UNSEEN40 / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        assert old in xml
        xml = xml.replace(old, new)
    return {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(parse_jats(xml.encode("utf-8")))}


def _values(case, name: str) -> list[str | None]:
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == name}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


def _case_value(case, name: str) -> str | None:
    return next((r.value for r in normalize_case(case) if r.field == name and r.image_position is None), None)


# --- a title whose subject is the family's transmission -------------------------------------------------------------

@pytest.mark.parametrize("title", [
    "Intrafamilial transmission of SARS-CoV-2: chest imaging of two parents and their two children",
    "Household transmission of COVID-19 in a mother and her two sons",
    "Familial spread of SARS-CoV-2: a father and his daughter",
])
def test_a_title_about_the_familys_transmission_names_its_patients(title):
    """The family the title is about is the paper's patients: its finding theirs (was blank: "parents", "children"
    read as other people; the mother's paragraph, naming no virus, gave none)."""
    assert normalize_finding(title).value == "Pneumonia/Viral/COVID-19"


def test_a_relatives_transmission_is_still_another_persons():
    assert normalize_finding("Transmission of SARS-CoV-2 to the wife of a man with influenza").value is None


# --- a discharge on a bare day of a history counting the illness's days ---------------------------------------------

def test_a_discharge_on_a_bare_day_counts_the_illness_the_history_counts():
    """"admitted ... at day 8 of symptoms", "Since day 12", "at day 15 after symptoms onset", "she could be discharged
    at day 22. Four weeks after discharge, the chest radiograph ...": day 22 of the illness, the radiograph 22 + 28
    (was blank: the discharge had no day)."""
    assert _values(_cases(TRANSPLANT)["patient1"], "offset") == ["8", "8", "8", "15", "15", "50"]


def test_a_discharge_on_a_bare_day_of_a_history_counting_the_stay_too_stays_blank():
    """The same bare day where the history also counts the stay's days ("On hospital day 4"): which count is not
    said."""
    case = _cases(TRANSPLANT, {"Since day 12, her": "On hospital day 4, her"})["patient1"]
    assert _values(case, "offset")[5] is None
