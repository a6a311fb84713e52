"""Sub-captions naming panels by place ("upper row: day 1; lower row: day 5") and their panels."""

from __future__ import annotations

import pytest

from ingest.jats import Figure
from ingest.panel_positions import MIDDLE, Place, align_positions, positional_subcaptions, positions_lead
from ingest.panels import Panel, PanelSplit
from ingest.papers import _images_for

GRID = [(0, 0, 100, 100), (110, 0, 210, 100), (0, 110, 100, 210), (110, 110, 210, 210)]
ROW = GRID[:2]


@pytest.mark.parametrize("caption,expected", [
    ("CT of patient 3. Upper row: day 1, GGO; lower row: day 5, consolidation.",
     [(Place("row", 0), "day 1, GGO"), (Place("row", -1), "day 5, consolidation")]),
    ("Top panels show CT at admission. Bottom panels show CT on day 12.",
     [(Place("row", 0), "CT at admission"), (Place("row", -1), "CT on day 12")]),
    ("Left: Chest radiograph from patient 1. Right: Chest CT scan from patient 2.",
     [(Place("col", 0), "Chest radiograph from patient 1"), (Place("col", -1), "Chest CT scan from patient 2")]),
    ("CT on admission (upper row) and on day 7 (lower row).",
     [(Place("row", 0), "CT on admission"), (Place("row", -1), "on day 7")]),
    # Prose, not places.
    ("First, we did this. Second, that.", []),
    ("Left lung opacity, right pleural effusion.", []),
])
def test_positional_subcaptions(caption, expected):
    assert positional_subcaptions(caption) == expected


def test_upper_and_lower_rows_align_with_the_rows_of_the_split():
    caption = "CT of patient 3. Upper row: day 1; lower row: day 5."
    assert align_positions(caption, GRID) == ["day 1", "day 1", "day 5", "day 5"]
    assert positions_lead(caption) == "CT of patient 3"


def test_left_and_right_align_with_each_row_s_columns():
    assert align_positions("Left: PA. Right: lateral.", ROW) == ["PA", "lateral"]
    assert align_positions("Left: PA. Right: lateral.", GRID) == ["PA", "lateral", "PA", "lateral"]


def test_a_place_the_split_does_not_have_aligns_nothing():
    # One row of panels cannot have a lower row: the reviewer gets the whole caption.
    assert align_positions("Upper row: day 1; lower row: day 5.", ROW) == []
    # "Middle" names the middle of three columns only.
    assert align_positions("Left: a. Middle: b. Right: c.", ROW) == []
    assert align_positions("Left: a. Middle: b. Right: c.",
                           [(0, 0, 9, 9), (10, 0, 19, 9), (20, 0, 29, 9)]) == ["a", "b", "c"]


def test_unlettered_caption_with_rows_gives_each_panel_its_row_s_day():
    figure = Figure(label="Figure 2", number=2, caption="Axial CT of patient 1. Upper row: day 1; lower row: day 5.")
    split = PanelSplit(panels=[Panel(box=b, png=b"") for b in GRID], reliable=True, width=210, height=210)
    images = _images_for(figure, {}, split, None, 0)
    assert [(i.label, i.caption, i.date_text, i.modality_text) for i in images] == [
        (letter, day, day, "Axial CT of patient 1")
        for letter, day in zip("abcd", ["day 1", "day 1", "day 5", "day 5"])]
    assert [i.extra["panel_box"] for i in images] == [list(b) for b in GRID]
    assert all("needs_review" not in i.extra for i in images)


def test_middle_row_names_the_middle_of_three_rows_only():
    caption = "Upper row: day 1. Middle row: day 4. Lower row: day 9."
    assert positional_subcaptions(caption)[1] == (Place("row", MIDDLE), "day 4")
    three = [(0, 0, 9, 9), (0, 10, 9, 19), (0, 20, 9, 29)]
    assert align_positions(caption, three) == ["day 1", "day 4", "day 9"]
    assert align_positions(caption, three[:2]) == []
