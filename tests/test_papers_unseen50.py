"""The fiftieth blind batch of papers (tests/fixtures/papers_unseen50/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.imaging import ct_slice_view
from ingest.records import CaseRecord
from tests.jats_cases import file_cases, image_offsets, image_values

UNSEEN50 = Path(__file__).parent / "fixtures" / "papers_unseen50"
KOBE = "PMC7500011_efetch.xml"  # Respirology Case Reports: the course in Table 1, the CT's day in its row alone
LIMA = "PMC7500022_efetch.xml"  # a pregnant woman; Fig. 4 the newborn's film
NEJM = "PMC7500033_efetch.xml"  # "Images in Clinical Medicine": one figure, no label, no caption


def _cases(name: str, replacements: dict[str, str] | None = None) -> list[CaseRecord]:
    return file_cases(UNSEEN50 / name, replacements)


# --- NEJM's figure without a caption: one citation of two panels, the sentence before a panel's ---------------------

def test_one_citation_of_two_panels_gives_both_the_sentences_words():
    """"Computed tomography (CT) of the chest, performed on the same day, showed ... (Panels B and C, arrows)": B and
    C are CT (were blank: no caption made, as "(Panel A)" was the one panel cited alone)."""
    (case,) = _cases(NEJM)
    assert image_values(case, "modality") == ["X-ray", "CT", "CT"]
    assert image_values(case, "view")[0] == "AP"


def test_a_panel_cited_by_the_text_alone_takes_the_moment_of_the_sentence_before():
    """"Ten days after admission, ..., hemoptysis developed. An anteroposterior chest radiograph showed ... (Panel A,
    arrow). ... CT ..., performed on the same day ... (Panels B and C, arrows)": 4 + 10 = 14 for all three (were 4,
    a WRONG value: the presentation's, as a figure telling no moment)."""
    (case,) = _cases(NEJM)
    assert image_offsets(case) == ["14", "14", "14"]



# --- leftovers50: a CT panel cited after another of the same CT, in a figure without a legend ------------------------

def test_a_ct_panel_cited_after_another_by_text_naming_no_plane_has_no_plane():
    """"Computed tomography (CT) of the chest ... (Panels B and C, arrows)", no legend: panel B is the CT's first
    image, Axial as a CT naming no plane is; panel C beside it may be another plane (here a coronal reformat) or
    another level: blank with the reason (was Axial, a WRONG value)."""
    (case,) = _cases(NEJM)
    assert image_values(case, "view") == ["AP", "Axial", None]
    # the text naming the plane of both: both take it, as before
    (case,) = _cases(NEJM, {"Panels B and C, arrows": "Panels B and C, axial images, arrows"})
    assert image_values(case, "view") == ["AP", "Axial", "Axial"]
    # a legend's "(B, C) CT ..." is a legend: its later panel stays Axial (the shared sample's curators' convention)
    assert ct_slice_view("(B, C) CT of the chest showing cavities").value == "Axial"


# --- a table of the course: the row citing a figure dates it --------------------------------------------------------

def test_the_course_tables_row_citing_a_figure_dates_its_images():
    """Table 1 "Hospital day | Date (2020) | ... | Imaging", the row "10 | 16 August | ... | Chest CT: ... (Fig. 2)":
    16 August 2020, 14 days after the onset of 2 August (were blank: the legend's "at the time of fever recurrence"
    names no day); Figure 1's own "on admission" stays; Figure 3's "after 2 weeks of corticosteroid therapy" too
    (its own moment, which the table does not overrule: blank)."""
    (case,) = _cases(KOBE)
    assert image_offsets(case) == ["5", "14", "14", None]


def test_a_figure_two_rows_cite_takes_no_rows_date():
    (case,) = _cases(KOBE, {"(0.5 mg/kg) started</td><td>—</td><td>—</td>":
                           "(0.5 mg/kg) started</td><td>—</td><td>CT reviewed (Fig. 2)</td>"})
    assert image_offsets(case)[1:3] == [None, None]


# --- a newborn's film in the mother's case ---------------------------------------------------------------------------

def test_a_newborns_film_is_not_the_mothers():
    """Fig. 4 "Chest radiograph of the newborn at 6 hours of life" in the case of "A 32-year-old woman": left out
    (was staged as hers: X-ray, F, 32)."""
    (case,) = _cases(LIMA)
    assert [i.extra.get("figure_number") for i in case.images] == [1, 2, 2, 3]
