"""The forty-third blind batch of papers (tests/fixtures/papers_unseen43/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.case_fields import normalize_case
from ingest.normalize.imaging import normalize_view
from ingest.panels import parse_subcaptions
from tests.jats_cases import file_cases

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


# --- a film counted from a treatment's second dose ------------------------------------------------------------------

UNSEEN43 = Path(__file__).parent / "fixtures" / "papers_unseen43"
TOCILIZUMAB = "PMC7430022_efetch.xml"  # onset January 26, "the same dose was repeated on February 7" (Figure 2B)
REPEATED = "and the same dose was repeated on February 7 because the fever was still persisted"
AFTER_DOSE = "The chest radiograph three days after the second dose showed"


def _offsets(name: str, replacements: dict[str, str] | None = None) -> dict[int, str | None]:
    (case,) = file_cases(UNSEEN43 / name, replacements)
    return {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}


def test_a_film_counted_from_the_second_dose_the_history_dates():
    """"The chest radiograph three days after the second dose" of a history telling "the same dose was repeated on
    February 7" (onset January 26) is February 10, day 15 (was blank: "its day is not told")."""
    assert _offsets(TOCILIZUMAB)[3] == "15"
    # told otherwise: "a second infusion ... on February 8", "2 days after the 2nd infusion"
    assert _offsets(TOCILIZUMAB, {REPEATED: "and a second infusion was given on February 8",
                                  AFTER_DOSE: "The chest radiograph 2 days after the 2nd infusion showed"})[3] == "15"


def test_a_second_dose_the_history_does_not_date_stays_blank():
    assert _offsets(TOCILIZUMAB, {REPEATED: "and the same dose was repeated 12 hours later"})[3] is None
    assert _offsets(TOCILIZUMAB, {REPEATED: "and a second dose was given on February 7, a third on February 9"})[3] \
        == "15"


def test_a_second_exam_is_no_dose():
    """"three days after the second CT" counts from no dose (its "second" is the exam's)."""
    offsets = _offsets(TOCILIZUMAB, {AFTER_DOSE: "The chest radiograph three days after the second CT showed"})
    assert offsets[3] != "15"
