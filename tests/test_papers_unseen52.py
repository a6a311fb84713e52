"""The fifty-second blind batch of papers (tests/fixtures/papers_unseen52/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.jats import Table
from ingest.panels import Panel, PanelSplit
from ingest.patients import patients_in_tables
from ingest.records import CaseRecord
from ingest.timeline import onset_gap, text_moments
from tests.jats_cases import file_cases, image_offsets, image_values, two_panels_side_by_side

UNSEEN52 = Path(__file__).parent / "fixtures" / "papers_unseen52"
SERIES = "PMC7520011_efetch.xml"  # four patients, Table 1 "Time from onset to CT examinations (days)": "3, 8, 15" ...
MEXICO = "PMC7520022_efetch.xml"  # "8 days before his arrival", "at his arrival", "48 hours later"
BABOL = "PMC7520033_efetch.xml"  # "Since one week ago she had ..., which her family attributed to a cold"

LISTS = ('<td align="center">3, 8, 15</td><td align="center">5, 11</td><td align="center">7, 12</td>'
         '<td align="center">4, 13</td>')


def _three_panels() -> PanelSplit:
    """A reliable split of a figure into three panels in a row (the pixels' own split, as the mirror's)."""
    boxes = [(0, 0, 320, 340), (332, 0, 652, 340), (664, 0, 984, 340)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=1000, height=340)


def _series(replacements: dict[str, str] | None = None) -> list[CaseRecord]:
    splits = {1: _three_panels(), 2: two_panels_side_by_side(), 3: two_panels_side_by_side(),
              4: two_panels_side_by_side()}
    return file_cases(UNSEEN52 / SERIES, replacements, splits)


def _offsets(cases: list[CaseRecord]) -> list[list[str | None]]:
    return [image_offsets(case) for case in cases]


# --- a table cell listing a patient's exams' days --------------------------------------------------------------------

def test_a_cell_listing_the_exams_days_dates_the_patients_images_in_order():
    """Table 1's "Time from onset to CT examinations (days)": "3, 8, 15" dates patient 1's three CT panels (were 3,
    blank, blank: only the row of the admission was read), "5, 11" patient 2's (were 5, 5), "4, 13" patient 4's
    (were 2, 2: "Initial CT" read as the admission, two days after the onset)."""
    assert _offsets(_series()) == [["3", "8", "15"], ["5", "11"], ["7", "12"], ["4", "13"]]
    for written in ("5; 11", "5 and 11", "5, 11 days"):
        cases = _series({LISTS: LISTS.replace("5, 11", written)})
        assert image_offsets(cases[1]) == ["5", "11"], written


def test_the_cell_read_in_a_table_of_one_row_per_patient():
    table = Table(label="Table 2", caption="Patients", rows=[
        ["Patient", "Age (years)", "Sex", "Onset to CT (days)"],
        ["1", "47", "M", "3, 8, 15"], ["2", "39", "F", "6"]])
    found = patients_in_tables([table])
    assert [(m.days, m.nth) for m in found[1].moments] == [(3, 1), (8, 2), (15, 3)]
    assert [(m.days, m.nth) for m in found[2].moments] == [(6, 0)]


def test_a_list_that_does_not_fit_the_images_dates_none():
    """Two days for patient 1's three panels, days not in order (a range, not a list), or a citing sentence telling
    a day of its own: which exam is which is not said; patient 1's panels stay as before (3, blank, blank)."""
    cases = _series({LISTS: LISTS.replace("3, 8, 15", "3, 8")})
    assert image_offsets(cases[0]) == ["3", None, None]
    cases = _series({LISTS: LISTS.replace("3, 8, 15", "15, 8, 3")})
    assert image_offsets(cases[0]) == ["3", None, None]
    cases = _series({"leaving fibrous stripes (": "leaving fibrous stripes 20 days after admission ("})
    assert image_offsets(cases[0]) != ["3", "8", "15"]


# --- a whole figure cited by a sentence telling two serial exams; a panel named a later exam -------------------------

WITHOUT_LISTS = {LISTS: '<td align="center">3</td><td align="center">5</td><td align="center">7</td>'
                        '<td align="center">4</td>'}


def test_a_later_exams_panel_takes_no_moment_of_the_whole_figures_citation():
    """Without the list (one day per patient: the first CT's), "Her first CT showed ..., which were almost completely
    absorbed on the follow-up CT (Figure 2)" and "The CT on admission showed ..., and the second CT showed ...
    (Figure 3)" tell one exam's moment, and "(B) follow-up CT shows ..." is a later exam than (A): panel B is blank
    (was the presentation's day, 5 and 7, and patient 4's 2: wrong values)."""
    assert _offsets(_series(WITHOUT_LISTS)) == [["3", None, None], ["5", None], ["7", None], ["2", None]]


def test_a_citation_of_one_exam_still_dates_the_figures_panels():
    """A sentence citing the whole figure of one exam ("Axial and coronal CT images on admission (Figure 2)") and
    panels naming no later exam keep the figure's one moment."""
    cases = _series({**WITHOUT_LISTS,
                     "Her first CT showed two small GGO in the left lower lobe, which were almost completely "
                     "absorbed on the follow-up CT (": "Axial and coronal CT on admission showed two small GGO (",
                     "(B) follow-up CT shows the lesions almost completely absorbed": "(B) coronal image"})
    assert image_offsets(cases[1]) == ["5", "5"]


# --- the patient's own arrival told with a possessive ----------------------------------------------------------------

def test_the_onset_before_his_arrival_and_the_film_at_his_arrival():
    """"He initiated his current condition 8 days before his arrival to our hospital" is the onset, "at his arrival
    to the emergency service" the admission (were no onset and no moment: the three panels blank)."""
    (case,) = file_cases(UNSEEN52 / MEXICO, panel_splits={1: _three_panels()})
    assert image_offsets(case) == ["8", "10", "10"]
    assert image_values(case, "view") == ["AP", "Axial", "Coronal"]
    assert onset_gap("Her symptoms began 3 days prior to her admission.")[0] == 3
    assert onset_gap("Fever started one week before their presentation.")[0] == 7
    (moment,) = text_moments("Chest radiograph on her arrival to the emergency room", "caption")
    assert (moment.kind, moment.days) == ("since-admission", 0)
    (moment,) = text_moments("CT 5 days after her admission", "caption")
    assert (moment.kind, moment.days) == ("since-admission", 5)


def test_a_possessive_stay_or_another_persons_arrival_is_no_admission():
    assert text_moments("Chest radiograph during her admission", "caption") == ()
    assert onset_gap("She had fever 2 days before her husband's admission.") is None


# --- a relative telling of the patient's illness ---------------------------------------------------------------------

def test_a_relative_telling_of_the_illness_is_no_other_person():
    """"Since one week ago she had weakness, anorexia and low grade fever, which her family attributed to a cold": her
    onset 7 days before the admission (was vetoed as the family's: the CT "at the time of admission" blank)."""
    (case,) = file_cases(UNSEEN52 / BABOL, panel_splits={1: two_panels_side_by_side()})
    assert image_offsets(case) == ["7", "7", None, "42"]
    assert onset_gap("She had cough for 5 days, which his wife had noticed. She was admitted.")[0] == 5
    assert onset_gap("He had fever for 4 days, as his daughter reported. He was admitted.")[0] == 4


def test_a_relative_who_is_ill_stays_another_person():
    assert onset_gap("Her husband had fever for 5 days, which her family attributed to a cold. She was admitted.") \
        is None
    assert onset_gap("She had fever for 3 days, which her son also had. She was admitted.") is None
