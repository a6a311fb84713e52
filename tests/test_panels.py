"""Panel splitting and sub-caption parsing."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.panels import caption_lead, parse_subcaptions, split_panels

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "publications"))
from make_figures import ct_slice, figure_from_boxes, grid_figure, touching
from make_pdfs import composite, xray


def _png(array) -> bytes:
    out = io.BytesIO()
    Image.fromarray(array).save(out, format="PNG")
    return out.getvalue()


def _iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix * iy
    return ix * iy / union


@pytest.mark.parametrize("rows,cols,gutter,expected", [(1, 2, 14, 2), (2, 2, 12, 4), (1, 3, 8, None), (3, 1, 10, 3)])
def test_split_on_gutters(rows, cols, gutter, expected):
    array, boxes = composite(rows, cols, 200, 220, gutter, "abcdefgh", seed=3)
    split = split_panels(_png(array), expected)
    h, w = array.shape
    truth = [(b[0] * w, b[1] * h, b[2] * w, b[3] * h) for b in boxes]
    assert split.reliable
    assert len(split.panels) == rows * cols
    assert all(_iou(p.box, t) > 0.9 for p, t in zip(split.panels, truth))
    assert all(Image.open(io.BytesIO(p.png)).size == (p.box[2] - p.box[0], p.box[3] - p.box[1]) for p in split.panels)


def test_abutting_panels_are_kept_whole_and_flagged():
    array, _ = composite(1, 3, 200, 220, 0, "abc", seed=4, background=0)
    split = split_panels(_png(array), expected=3)
    assert not split.reliable and len(split.panels) == 1 and split.reason


def test_single_image_is_one_reliable_panel():
    array, _ = composite(1, 1, 300, 300, 0, "a", seed=5)
    split = split_panels(_png(array))
    assert split.reliable and len(split.panels) == 1


@pytest.mark.parametrize("background,gutter,expected", [(0, 10, 4), (0, 10, None), (255, 0, 4), (255, 0, None)])
def test_ct_grid_on_black_or_touching_gives_its_four_panels(background, gutter, expected):
    # Black gutters, or no gutter at all: CT slices' black surrounds meet between the bodies.
    array, truth = grid_figure(["ct"] * 4, 2, 230, 200, gutter, "", seed=7, background=background)
    split = split_panels(_png(array), expected)
    assert split.reliable and len(split.panels) == 4
    assert all(_iou(p.box, t) >= 0.9 for p, t in zip(split.panels, truth))


def test_white_columns_black_rows_in_one_figure():
    # Two columns parted by a white gutter, the CT slices of each column touching.
    array, truth = grid_figure(["ct"] * 4, 2, 230, 200, 0, "", seed=8)
    array = np.insert(array, [230] * 12, 255, axis=1)
    truth = [t if t[0] < 230 else (t[0] + 12, t[1], t[2] + 12, t[3]) for t in truth]
    split = split_panels(_png(array))
    assert split.reliable and len(split.panels) == 4
    assert all(_iou(p.box, t) >= 0.9 for p, t in zip(split.panels, truth))


def test_letter_in_a_ct_black_band_does_not_cut_the_panel():
    # The letter breaks the black rows above the body: that band is the panel's own, not a gutter.
    array, _ = grid_figure(["ct"], 1, 400, 260, 0, "a", seed=9)
    framed = np.pad(array, 8, constant_values=255)
    split = split_panels(_png(framed))
    assert split.reliable and len(split.panels) == 1 and _iou(split.panels[0].box, (8, 8, 408, 268)) >= 0.95


def test_bench_draws_shallow_curator_overlaps_as_touching_panels():
    boxes = [(0, 0, 210, 200), (200, 4, 410, 200), (30, 30, 60, 60)]
    assert touching(boxes[:2]) == [(0, 0, 205, 200), (205, 4, 410, 200)]
    # A box deep inside another (an inset) is drawn as it is.
    assert touching([boxes[0], boxes[2]]) == [boxes[0], boxes[2]]
    figure = figure_from_boxes(boxes[:2], ["ct", "ct"], seed=1)
    assert figure.shape == (206, 416)


@pytest.mark.parametrize("caption,expected", [
    ("(a) PA radiograph on day 3; (b) lateral view", {"a": "PA radiograph on day 3", "b": "lateral view"}),
    ("Patient 2. (A) AP supine radiograph on admission. (B) Day 7.",
     {"a": "AP supine radiograph on admission", "b": "Day 7"}),
    ("A, PA radiograph. B, Lateral radiograph.", {"a": "PA radiograph", "b": "Lateral radiograph"}),
    ("(a, b) PA and lateral on admission; (c) CT on day 2",
     {"a": "PA and lateral on admission", "b": "PA and lateral on admission", "c": "CT on day 2"}),
    ("Radiographs on admission (a) and on day 5 (b).", {"a": "Radiographs on admission", "b": "on day 5"}),
    ("Axial CT (n = 3). Type (C) lesion.", {}),
    # Springer's bold letters lose their bold in plain text.
    ("a A 35-year-old male patient. CT scan shows a pure GGO. b Follow-up CT on day 7 shows consolidation",
     {"a": "A 35-year-old male patient. CT scan shows a pure GGO", "b": "Follow-up CT on day 7 shows consolidation"}),
    ("CT scans over time. (a: January 29; b: February 04; c: Feb. 19).",
     {"a": "January 29", "b": "February 04", "c": "Feb. 19"}),
    # A range announcing panels each described later, and later mentions of panels already introduced.
    ("(A-C) Serial CXRs: CXR at presentation (A) shows opacities. CXR (B) on the second day shows progression. "
     "Day 5 (C) improved",
     {"a": "Serial CXRs: CXR at presentation shows opacities",
      "b": "Serial CXRs: CXR on the second day shows progression", "c": "Serial CXRs: Day 5 improved"}),
    ("(A) CXR with peripheral opacities. (B-D): Axial (B, C) and Sagittal (D) CT chest show GGO",
     {"a": "CXR with peripheral opacities", "b": "Axial CT chest show GGO", "c": "Axial CT chest show GGO",
      "d": "Sagittal CT chest show GGO"}),
    ("Chest radiograph on day 3.", {}),
    # Styles of real captions: what the panel points at inside the parentheses, a range written as
    # two letters, a closing parenthesis only, panels named in words or with the figure's number.
    ("CXR showed a shadow (A), and CT showed GGO at the same day (B-D, arrow). "
     "Enlarged after 5 days (E, white arrows).",
     {"a": "CXR showed a shadow", "b": "CT showed GGO at the same day", "c": "CT showed GGO at the same day",
      "d": "CT showed GGO at the same day", "e": "Enlarged after 5 days"}),
    ("(A) Timeline of the illness; (B)–(D) chest CT on day 6, day 15 and day 26",
     {"a": "Timeline of the illness", "b": "chest CT on day 6, day 15 and day 26",
      "c": "chest CT on day 6, day 15 and day 26", "d": "chest CT on day 6, day 15 and day 26"}),
    ("A and B) HRCT on the second day of admission. C and D) Little change (February 2, 2020).",
     {"a": "HRCT on the second day of admission", "b": "HRCT on the second day of admission",
      "c": "Little change (February 2, 2020)", "d": "Little change (February 2, 2020)"}),
    ("A - Patient 1, chest CT, axial. B - Patient 2, chest radiograph.",
     {"a": "Patient 1, chest CT, axial", "b": "Patient 2, chest radiograph"}),
    ("Images A and B showed GGO before treatment. Images C and D showed CT findings after 4 days.",
     {"a": "showed GGO before treatment", "b": "showed GGO before treatment",
      "c": "showed CT findings after 4 days", "d": "showed CT findings after 4 days"}),
    ("Baseline ECG was normal (Panel A). CT showed bilateral ground-glass opacities (Panel B).",
     {"a": "Baseline ECG was normal", "b": "CT showed bilateral ground-glass opacities"}),
    # NEJM's plane after the panel (the fourth blind batch, tests/fixtures/papers_unseen4).
    ("A chest radiograph showed patchy opacities (Panel A). CT showed ground-glass opacities (Panel B, axial image).",
     {"a": "A chest radiograph showed patchy opacities", "b": "CT showed ground-glass opacities"}),
    ("Radiograph on admission (Panel A). CT of the chest on day 4 (Panel B, coronal reconstruction).",
     {"a": "Radiograph on admission", "b": "CT of the chest on day 4"}),
    ("Chest CT in children. 2A A unilateral chest CT from a boy. 2B Bilateral opacities in a girl.",
     {"a": "A unilateral chest CT from a boy", "b": "Bilateral opacities in a girl"}),
    # A sentence before the first letter is kept whole (its first letter was lost).
    ("Chest CT at admission (A) of a 27-yr-old woman. Two days later (B) the opacities had progressed.",
     {"a": "Chest CT at admission of a 27-yr-old woman", "b": "Two days later the opacities had progressed"}),
    # Numbers and words that are not panels.
    ("Level 1A evidence. Image quality was good in 3 of 4 patients.", {}),
])
def test_parse_subcaptions(caption, expected):
    assert parse_subcaptions(caption) == expected


@pytest.mark.parametrize("caption,lead", [
    ("Chest radiographs of the patient. (A) PA on admission. (B) Day 4.", "Chest radiographs of the patient"),
    ("Axial CT images in a 62-year-old woman. (a) Day 4 (b) Day 11", "Axial CT images in a 62-year-old woman"),
    ("Chest radiograph on day 3.", "Chest radiograph on day 3."),
])
def test_caption_lead_is_what_every_panel_shares(caption, lead):
    assert caption_lead(caption) == lead


def test_a_range_opening_the_caption_announces_panels_its_sentences_name_in_groups():
    caption = ("(A-E) CXR Day 1 (A) shows hazy opacities (arrows). CXR 3 hours later (B) shows worsening. "
               "Initial CT (C, D): dependent consolidation (asterisks). Follow-up CXR (E) day 6 shows a "
               "pneumothorax.")
    assert parse_subcaptions(caption) == {
        "a": "CXR Day 1 shows hazy opacities (arrows)", "b": "CXR 3 hours later shows worsening",
        "c": "Initial CT : dependent consolidation (asterisks)",
        "d": "Initial CT : dependent consolidation (asterisks)",
        "e": "Follow-up CXR day 6 shows a pneumothorax"}
    assert caption_lead(caption) == ""


# Letters inside a caption's sentences: each panel its own words (day, view, modality) where the
# sentence ties them, not its neighbours'.
@pytest.mark.parametrize("caption,expected", [
    ("Chest radiographs on admission (A), day 5 (B) and day 9 (C).",
     {"a": "Chest radiographs on admission", "b": "Chest radiographs day 5", "c": "Chest radiographs day 9"}),
    ("(A, B, and C) axial CT images show ground-glass opacities; (D) radiograph on day 3.",
     {"a": "axial CT images show ground-glass opacities", "b": "axial CT images show ground-glass opacities",
      "c": "axial CT images show ground-glass opacities", "d": "radiograph on day 3"}),
    ("CT images (a-c) on day 3 show bilateral GGO and radiograph (d) on day 7 shows consolidation.",
     {"a": "CT images on day 3 show bilateral GGO", "b": "CT images on day 3 show bilateral GGO",
      "c": "CT images on day 3 show bilateral GGO", "d": "radiograph on day 7 shows consolidation"}),
    ("Panels A and B show CT on admission. Panel C shows a radiograph on day 6.",
     {"a": "show CT on admission", "b": "show CT on admission", "c": "shows a radiograph on day 6"}),
    ("Axial CT images of the left (A) and right (B) lower lobes on day 4.",
     # the words after the last letter are both panels' (papers_unseen5: "Axial (a) and coronal (b) CT images")
     {"a": "Axial CT images of the left lower lobes on day 4",
      "b": "Axial CT images of the right lower lobes on day 4"}),
    # Letters need not be named in order, only each of a, b, c ... once.
    ("Unenhanced chest CT with axial (B), coronal (C) and sagittal (D) reformats. (A) Radiograph.",
     {"a": "Radiograph", "b": "Unenhanced chest CT with axial", "c": "Unenhanced chest CT with coronal",
      "d": "Unenhanced chest CT with sagittal reformats"}),
    ("Unenhanced chest CT with axial (B) and coronal (C) reformats. (E) Radiograph.", {}),
    ("(A) Radiograph. Unenhanced chest CT with axial (B), coronal (C) and sagittal (D) reformats.",
     {"a": "Radiograph", "b": "Unenhanced chest CT with axial", "c": "Unenhanced chest CT with coronal",
      "d": "Unenhanced chest CT with sagittal reformats"}),
    # A clause after a comma is the next letter's: "at admission (A), 3rd day ..., GGOs (B)".
    ("Chest radiographs, at admission (A), 3rd day of hospitalization, GGOs in both lungs (B), 6th day, "
     "GGOs and nodules (C).",
     {"a": "Chest radiographs, at admission", "b": "3rd day of hospitalization, GGOs in both lungs",
      "c": "6th day, GGOs and nodules"}),
    # A list is not an image's words: nothing shared ("Mucoid tree-in-bud" would be wrong).
    ("CT features. Mucoid impactions (a), tree-in-bud (b), septal lines (c)",
     {"a": "Mucoid impactions", "b": "tree-in-bud", "c": "septal lines"}),
    # A list names its letters, a range the ones between: "(A, C, and D)" is not a run from a.
    ("(A, C, and D) CT; (B) radiograph.", {"a": "CT", "b": "radiograph", "c": "CT", "d": "CT"}),
    ("Axial thin-sections at presentation (a, c). Evolution 6 days later (b, d)",
     {"a": "Axial thin-sections at presentation", "b": "Evolution 6 days later",
      "c": "Axial thin-sections at presentation", "d": "Evolution 6 days later"}),
    ("(A, C) CT; (D) radiograph.", {}),
    # Panels named as images: "Chest CT (images a-c) ... Follow-up CT (images d, e)".
    ("Chest CT (images a–c) on the 1st day after admission showed GGO. Follow-up CT (images d, e) on the "
     "20th day after onset showed fibrosis",
     {"a": "Chest CT on the 1st day after admission showed GGO", "b": "Chest CT on the 1st day after admission "
      "showed GGO", "c": "Chest CT on the 1st day after admission showed GGO",
      "d": "Follow-up CT on the 20th day after onset showed fibrosis",
      "e": "Follow-up CT on the 20th day after onset showed fibrosis"}),
])
def test_letters_inside_sentences_give_each_panel_its_own_words(caption, expected):
    assert parse_subcaptions(caption) == expected


def test_each_panel_of_a_sentence_gets_its_own_day_and_modality():
    from ingest.normalize.imaging import normalize_modality
    from ingest.papers import described

    caption = "CT images (a-c) on day 3 show bilateral GGO and radiograph (d) on day 7 shows consolidation."
    panels = parse_subcaptions(caption)
    facts = {letter: described(text, caption_lead(caption), caption) for letter, text in panels.items()}
    assert {k: (normalize_modality(v["modality_text"]).value, v["date_text"]) for k, v in facts.items()} == {
        "a": ("CT", "day 3"), "b": ("CT", "day 3"), "c": ("CT", "day 3"), "d": ("X-ray", "day 7")}


def _films(*films: np.ndarray, axis: int = 1) -> bytes:
    return _png(np.concatenate(films, axis=axis))


def _brighter(film: np.ndarray, by: int) -> np.ndarray:
    return np.clip(film.astype(int) + by, 0, 255).astype(np.uint8)


# Films touching without a gutter: cut where their dark borders meet, when the caption names
# that many panels; a single film (its middle is the body, not a dark band) is never cut.
@pytest.mark.parametrize("films,axis,count,truth", [
    ([xray(400, 450, 5), xray(400, 450, 6)], 1, 2, [(0, 0, 400, 450), (400, 0, 800, 450)]),
    # different brightness and texture, different widths
    ([xray(400, 450, 5), _brighter(xray(380, 450, 6), 30)], 1, 2, [(0, 0, 400, 450), (400, 0, 780, 450)]),
    ([xray(300, 400, 1), xray(330, 400, 2), xray(300, 400, 3)], 1, 3,
     [(0, 0, 300, 400), (300, 0, 630, 400), (630, 0, 930, 400)]),
    ([xray(400, 380, 1), xray(400, 380, 2)], 0, 2, [(0, 0, 400, 380), (0, 380, 400, 760)]),
])
def test_films_touching_without_a_gutter_are_cut_where_their_borders_meet(films, axis, count, truth):
    from ingest.panels import split_figure

    split = split_figure(_films(*films, axis=axis), count)
    assert split.reliable and split.extra["seam_cut"] and "touching without a gutter" in split.reason
    assert len(split.panels) == count
    assert all(_iou(p.box, t) >= 0.95 for p, t in zip(split.panels, truth))


@pytest.mark.parametrize("film,count", [
    (xray(800, 450, 7), 2), (xray(900, 450, 7), 3), (xray(450, 450, 7), 2), (ct_slice(600, 300, 1), 2),
])
def test_a_single_film_is_not_cut_where_the_caption_names_several_panels(film, count):
    from ingest.panels import split_figure

    split = split_figure(_png(film), count)
    assert not split.reliable and len(split.panels) == 1 and "no gutter" in split.reason


def test_films_touching_without_dark_borders_stay_whole_for_the_reviewer_with_the_reason():
    """Films whose borders are not dark (a grey surround): a seam cannot be told from a film's
    own edges, so no cut; the whole figure flagged with why."""
    from ingest.panels import split_figure

    films = np.concatenate([xray(400, 450, 5), xray(400, 450, 6)], axis=1)
    pixels = np.full((456, 806), 255, dtype=np.uint8)  # on a white page
    pixels[:450, :800] = (films.astype(float) * 0.5 + 100).astype(np.uint8)  # 110-217: a grey surround
    split = split_figure(_png(pixels), 2)
    assert len(split.panels) == 1 and split.extra["no_gutter"] and split.extra["letters_disagree"]
    assert "no gutter between the 2 panels the caption names" in split.reason
    assert split.panels[0].box[2] - split.panels[0].box[0] >= 800


# The moment a panel's words name, as curators write the offset: ordinal days, "after N days",
# hours and "d" as units; a day before a vague moment ("on admission day 1"); a date restated in
# parentheses counted once. Counter-examples: a shared text naming two moments gives none, a
# number that is no moment ("24 h urine", "2nd dose") gives none.
@pytest.mark.parametrize("text,own,date", [
    ("Chest CT on the 1st day after admission demonstrated GGO", True, "1st day after admission"),
    ("3rd day of hospitalization, peribronchial GGOs in both lungs", True, "3rd day of hospitalization"),
    ("Chest CT performed on the fourth day since symptom onset demonstrates consolidation", True,
     "fourth day since symptom onset"),
    ("The lesions were enlarged after 5 days", True, "after 5 days"),
    ("Bilateral consolidations 19 d after an elective hernia repair", True, "19 d after an elective hernia repair"),
    ("Chest X-ray performed 24 h after bilateral pleural drainages shows resolution", True,
     "24 h after bilateral pleural drainages"),
    ("CXR 3 hours later shows worsening", True, "3 hours later"),
    ("normal findings on admission day 1", True, "day 1"),
    ("Follow-up CXR day 6 shows a pneumothorax", True, "day 6"),
    ("CXR at presentation shows opacities", True, "at presentation"),
    ("HRCT on the second day of admission (January 31, 2020) showed GGO", False, "second day of admission"),
    ("Illness day 16 (at hospital discharge) images showed more GGO", False, "Illness day 16"),
    ("Chest X-ray on day of admission. Respiratory failure on the second day of hospitalization.", True,
     "day of admission"),
    ("PA radiographs on day 1 and day 7", False, ""),
    ("CT after the 2nd dose of vaccine; 24 h urine was normal", True, ""),
])
def test_a_panels_moment_is_read_from_its_words(text, own, date):
    from ingest.papers import described

    assert described(text, own=own)["date_text"] == date


# Views tied to letters inside a text several panels share: each panel its own view.
@pytest.mark.parametrize("caption,views", [
    ("(A) CXR. (B-D): Axial (B, C) and Sagittal (D) CT chest show GGO (arrows).",
     {"a": None, "b": "Axial", "c": "Axial", "d": None}),
    ("(A) Day 1 CXR. (B-D) Day 1 CT Axial (B, C) and coronal (D) CT shows rounded GGO.",
     {"a": None, "b": "Axial", "c": "Axial", "d": "Coronal"}),
    ("Halo sign. Axial (A and C) and coronal (D) images show nodules in upper (A), middle (B), and lower (C) "
     "lung fields.", {"a": "Axial", "b": None, "c": "Axial", "d": "Coronal"}),
    # One view named for one letter only: nothing to part, the texts stay as they are.
    ("(A) PA radiograph on day 1. (B) Chest CT, axial (B), shows GGO.", {"a": "PA", "b": "Axial"}),
])
def test_views_tied_to_letters_go_to_their_panels_only(caption, views):
    from ingest.normalize.imaging import normalize_view
    from ingest.papers import described

    panels = parse_subcaptions(caption)
    assert {k: normalize_view(described(v)["view_text"]).value for k, v in panels.items()} == views


# A range announcing panels described one by one later: its words are every member's, and a
# member's words end where the next range begins.
@pytest.mark.parametrize("caption,expected", [
    ("Imaging of the patient. A and B: Anteroposterior chest X-ray of the patient at; A: the first hospital, "
     "faint opacities. B: after intubation, central opacities. C and D: Chest CT scan of the patient; C: in the "
     "first hospital, GGO. D: after intubation, consolidation.",
     {"a": "Anteroposterior chest X-ray of the patient at the first hospital, faint opacities",
      "b": "Anteroposterior chest X-ray of the patient at after intubation, central opacities",
      "c": "Chest CT scan of the patient: in the first hospital, GGO",
      "d": "Chest CT scan of the patient: after intubation, consolidation"}),
    ("(A-D) Chest CT of a 56-year-old man. (A) Day 1. (B) Day 3. (C) Day 7. (D) Day 10.",
     {"a": "Chest CT of a 56-year-old man: Day 1", "b": "Chest CT of a 56-year-old man: Day 3",
      "c": "Chest CT of a 56-year-old man: Day 7", "d": "Chest CT of a 56-year-old man: Day 10"}),
    # The range's words run into its first letter's: only the words before a colon are shared ...
    ("(A-C) Serial CXRs: Day 1 (A) showing opacities. Nine days later (B) worsening. Day 16 (C) improving.",
     {"a": "Serial CXRs: Day 1 showing opacities", "b": "Serial CXRs: Nine days later worsening",
      "c": "Serial CXRs: Day 16 improving"}),
    # ... and without a colon they are the first letter's alone.
    ("(A-C) CXR Day 1 (A) shows opacities. CT 3 hours later (B) shows GGO. Day 5 (C) improving.",
     {"a": "CXR Day 1 shows opacities", "b": "CT 3 hours later shows GGO", "c": "Day 5 improving"}),
    # A range whose letters are not described one by one shares its words as before.
    ("(A-C) CT on day 3 shows GGO. (D) Radiograph on day 7.",
     {"a": "CT on day 3 shows GGO", "b": "CT on day 3 shows GGO", "c": "CT on day 3 shows GGO",
      "d": "Radiograph on day 7"}),
])
def test_a_range_announcing_its_panels_gives_each_its_words(caption, expected):
    assert parse_subcaptions(caption) == expected


# Two lettering styles in one caption, and capital letters without punctuation.
@pytest.mark.parametrize("caption,expected", [
    ("Patient 3. A, Axial CT scan shows GGO. Coronal (B) and sagittal (C) reconstructed CT images show GGO.",
     # (the first plane shares the last one's words, papers_unseen45: was "Coronal" alone)
     {"a": "Axial CT scan shows GGO", "b": "Coronal reconstructed CT images show GGO",
      "c": "sagittal reconstructed CT images show GGO"}),
    ("Serial chest X-rays. a Baseline radiograph on the day of admission. Radiographic follow-ups at day 4 (b) "
     "and day 5 (c).", {"a": "Baseline radiograph on the day of admission", "b": "Radiographic follow-ups at day 4",
                        "c": "Radiographic follow-ups at day 5"}),
    ("A Chest X-ray shows bilateral pleural effusion. B Chest X-ray performed 24 h after drainage shows resolution",
     {"a": "Chest X-ray shows bilateral pleural effusion",
      "b": "Chest X-ray performed 24 h after drainage shows resolution"}),
    # A letter with its colon after a comma.
    ("A: Case 1: blurred plaques in both lungs. B: pericardial effusion. C: Case 2 with ground glass patches, "
     "left upper lobe cord shadow, D: Bilateral pleural effusion",
     {"a": "Case 1: blurred plaques in both lungs", "b": "pericardial effusion",
      "c": "Case 2 with ground glass patches, left upper lobe cord shadow", "d": "Bilateral pleural effusion"}),
    ("A: CT on day 1, B: CT on day 5", {"a": "CT on day 1", "b": "CT on day 5"}),
    ("CT of the chest, A: not a panel", {}),
    # The article "A" opening a caption is no letter without a B.
    ("A CT scan of a 45-year-old man shows GGO. CT on day 5 shows consolidation.", {}),
    ("A 35-year-old man. Chest X-ray (b) on day 3.", {}),
])
def test_captions_mixing_two_lettering_styles(caption, expected):
    assert parse_subcaptions(caption) == expected


def test_figures_of_more_than_eight_panels_letter_past_h():
    caption = ("a–c CT shows GGO on day 2. d–f CT on day 7 shows more GGO. g–i CT on day 9 shows consolidation. "
               "j–l CT on day 11 shows linear opacities.")
    panels = parse_subcaptions(caption)
    assert list(panels) == list("abcdefghijkl")
    assert panels["i"] == "CT on day 9 shows consolidation" and panels["l"] == "CT on day 11 shows linear opacities"
    # Roman numerals are not letters i, v, x of a run from a.
    assert parse_subcaptions("Two findings: (i) GGO in the left lobe; (ii) consolidation.") == {}


def test_a_papers_panels_keep_their_own_modality_view_and_moment():
    """Through ``papers.cases_from_article``: each staged panel's words say its modality, view and
    moment, from a range that announces them and from views tied to letters."""
    from ingest.jats import Article, Figure
    from ingest.normalize.imaging import normalize_modality, normalize_view
    from ingest.papers import cases_from_article

    caption = ("Imaging of the patient. A and B: Anteroposterior chest X-ray of the patient; A: on admission, faint "
               "opacities. B: on the 3rd day of hospitalization, central opacities. C and D: Chest CT 5 days after "
               "admission: Axial (C) and coronal (D) images show consolidation.")
    figure = Figure(label="Figure 1", number=1, caption=caption, image_urls=["https://example.org/f1.jpg"],
                    panel_captions=parse_subcaptions(caption))
    article = Article(doi="10.1/x", title="A case", figures=[figure], paragraphs=["A 50-year-old man."])
    images = cases_from_article(article)[0].images
    facts = [(i.label, normalize_modality(i.modality_text).value,
              normalize_view(i.view_text, normalize_modality(i.modality_text).value).value, i.date_text)
             for i in images]
    assert facts == [("a", "X-ray", "AP", "on admission"), ("b", "X-ray", "AP", "3rd day of hospitalization"),
                     ("c", "CT", "Axial", "5 days after admission"), ("d", "CT", "Coronal", "5 days after admission")]


def test_a_panel_naming_a_view_the_dataset_has_no_value_for_does_not_take_the_captions():
    from ingest.normalize.imaging import normalize_view
    from ingest.papers import described

    caption = "Lung analysis with the software in axial (a) and sagittal (b) planes"
    lead, panels = caption_lead(caption), parse_subcaptions(caption)
    views = {k: normalize_view(described(v, lead, caption)["view_text"]).value for k, v in panels.items()}
    assert views == {"a": "Axial", "b": None}
    # A panel naming no view at all still takes the caption's.
    assert described("day 5", "Axial CT images", "")["view_text"] == "Axial CT images"


def test_a_panel_cut_where_films_touch_says_so_in_its_provenance():
    from ingest.jats import Article, Figure
    from ingest.panels import split_figure
    from ingest.papers import cases_from_article

    caption = "(A) Chest radiograph on admission. (B) Chest radiograph on day 5."
    split = split_figure(_films(xray(400, 450, 5), _brighter(xray(400, 450, 6), 20)), 2)
    figure = Figure(label="Figure 1", number=1, caption=caption, image_urls=["https://example.org/f1.jpg"],
                    panel_captions=parse_subcaptions(caption))
    article = Article(doi="10.1/x", title="A case", figures=[figure], paragraphs=["A 50-year-old man."])
    images = cases_from_article(article, panel_splits={1: split})[0].images
    assert [i.extra["panel_box"] for i in images] == [[0, 0, 400, 450], [400, 0, 800, 450]]
    assert all("touching without a gutter" in i.extra["transform"] for i in images)
