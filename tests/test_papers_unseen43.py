"""The forty-third blind batch of papers (tests/fixtures/papers_unseen43/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from ingest.normalize.imaging import normalize_view
from ingest.panels import parse_subcaptions

# --- a legend naming its panels in a lead, then each again in a sentence of its own ----------------------------------

def test_panels_named_in_a_lead_then_again_keep_their_own_sentences():
    """"Chest radiograph (A) and chest CT (B) on admission. (A) Posteroanterior view shows ... (B) Axial image
    shows ...": each panel's words are the lead's and its own sentence's (the own sentences were left out, and with
    them panel A's view: blank for the curators' PA)."""
    panels = parse_subcaptions("Radiograph (a) and CT (b) obtained at presentation. (a) Anteroposterior projection "
                               "with patchy opacities in both lower zones. (b) Coronal reformation showing "
                               "ground-glass opacities")
    assert panels["a"].startswith("Radiograph obtained at presentation")
    assert "Anteroposterior projection" in panels["a"] and "Coronal" not in panels["a"]
    assert "Coronal reformation" in panels["b"] and "Anteroposterior" not in panels["b"]
    assert normalize_view(panels["a"], "X-ray").value == "AP"
    assert normalize_view(panels["b"], "CT").value == "Coronal"


def test_the_own_sentences_may_be_led_by_a_letter_and_a_colon():
    panels = parse_subcaptions("Chest X-ray (A) and CT scan (B) on day 6 of illness. A: lateral view, blunting of "
                               "the costophrenic angle. B: axial slice, bilateral ground-glass opacities.")
    assert normalize_view(panels["a"], "X-ray").value == "L"
    assert normalize_view(panels["b"], "CT").value == "Axial"
    assert "day 6 of illness" in panels["a"] and "day 6 of illness" in panels["b"]


def test_a_later_mention_of_one_panel_alone_is_no_restatement():
    """Only every letter named again, in the lead's order, each opening its sentence, restates the panels: a
    single later "(B) ..." (or the letters out of order) leaves the words as they were."""
    lead = "Axial (a) and coronal (b) CT images on day 5"
    assert parse_subcaptions(f"{lead}. (b) Consolidation in the lower lobes") == {
        "a": "Axial CT images on day 5", "b": "coronal CT images on day 5"}
    assert parse_subcaptions(f"{lead}. (b) Consolidation. (a) Ground-glass opacities") == {
        "a": "Axial CT images on day 5", "b": "coronal CT images on day 5"}

