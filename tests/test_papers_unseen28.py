"""Timelines of the twenty-eighth blind batch of papers (tests/fixtures/papers_unseen28/), each through the rule it
broke on the first crawl: the classes of writing and markup, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article

UNSEEN28 = Path(__file__).parent / "fixtures" / "papers_unseen28"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN28 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


def _panels(count: int) -> PanelSplit:
    width = 380 * count + 12 * (count - 1)
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(count)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=width, height=380)


def _offsets(name: str, splits: dict[int, int], replace: tuple[str, str] = ("", "")) -> list[str | None]:
    (case,) = cases_from_article(_article(name, replace), panel_splits={n: _panels(k) for n, k in splits.items()})
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


JRCR = "PMC7280033_efetch.xml"


# --- a figure placed in the course by its citing sentence alone ---------------------------------------------

def test_a_film_the_citing_sentence_names_initial_is_the_presenting_film():
    """J Radiol Case Rep: the legend "39 year old female ... FINDINGS: ... TECHNIQUE: Portable AP semi-upright
    chest radiograph" tells no moment; the text "five days of fever ... The initial chest radiograph demonstrated
    ... (Figure 1)": 5 (blank on the first crawl)."""
    assert _offsets(JRCR, {2: 2})[0] == "5"


def test_the_following_day_of_a_citing_sentence_counts_from_the_figure_the_sentence_before_cites():
    """"The initial chest radiograph ... (Figure 1). A CT of the chest ... was obtained the following day ...
    (Figure 2)": both CT panels 6 (blank on the first crawl); the follow-up's own "three weeks after symptom
    onset" 21 as before."""
    assert _offsets(JRCR, {2: 2})[1:] == ["6", "6", "21"]


def test_the_following_day_after_a_sentence_citing_no_figure_dates_nothing():
    """The day after an event the sentence before tells that is no film ("She was started on oxygen."): the
    following day of what is not known to be the film before."""
    offsets = _offsets(JRCR, {2: 2}, ("(<xref rid=\"F1\" ref-type=\"fig\">Figure 1</xref>). A CT",
                                      "(<xref rid=\"F1\" ref-type=\"fig\">Figure 1</xref>). She was started on "
                                      "oxygen. A CT"))
    assert offsets[1:3] == [None, None]


def test_a_citing_sentence_telling_a_day_of_its_own_is_not_read_as_the_presentation():
    """"the initial chest radiograph" beside the sentence's own "2 days after admission": the day is
    ``_cited_moment``'s reading (here two moments: none), not the first film's presentation."""
    sentence = "A chest radiograph was obtained 2 days after admission and the initial chest radiograph (Figure 1)."
    replace = ("The initial chest radiograph demonstrated hazy bilateral peripheral opacities in the mid and lower "
               "lungs (<xref rid=\"F1\" ref-type=\"fig\">Figure 1</xref>).", sentence.replace(
                   "(Figure 1)", "(<xref rid=\"F1\" ref-type=\"fig\">Figure 1</xref>)"))
    assert _offsets(JRCR, {2: 2}, replace)[0] != "5"


# --- a legend's shared "at discharge" -------------------------------------------------------------------------

def test_a_legends_shared_at_discharge_reaches_the_first_panel_of_its_list():
    """Radiology Case Reports: "(A) PA and (B) lateral chest radiographs at discharge" with the text's "4 days of
    fever" and "discharged home 12 days after admission": both panels 16 (panel A blank on the first crawl: its
    words "PA" with the moment "discharge", which tells the timeline nothing)."""
    assert _offsets("PMC7280011_efetch.xml", {2: 3, 3: 2}) == ["4", "7", "7", "7", "16", "16"]
