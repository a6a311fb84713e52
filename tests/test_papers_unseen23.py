"""Figures, patients and timelines of the twenty-third blind batch of papers (tests/fixtures/papers_unseen23/),
each through the rule it broke on the first crawl: the classes of markup and writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats

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
