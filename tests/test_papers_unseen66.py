"""The sixty-sixth blind batch of papers (tests/fixtures/papers_unseen66/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.panels import parse_subcaptions
from ingest.timeline import _yearless_dotted_moments
from tests.jats_cases import file_cases, image_offsets

UNSEEN66 = Path(__file__).parent / "fixtures" / "papers_unseen66"
SERIAL = "PMC7660011_efetch.xml"  # admitted 3 April 2020 after "the 5-days history of fever"; Fig. 1 a 3x2 of axial
#                                   CTs, "A, D – 03.04; B, E – 10.04; C, F – 24.04", then "(A, D)" ... "(C, F)" after
#                                   their words; Fig. 2 the film at discharge (30 April)
KEY = "A, D – 03.04; B, E – 10.04; C, F – 24.04."


def _serial(replacements: dict[str, str] | None = None) -> list[str | None]:
    (case,) = file_cases(UNSEEN66 / SERIAL, replacements)
    return image_offsets(case)


# --- a legend keying its panels twice, in two styles ----------------------------------------------------------------

def test_a_panel_keyed_twice_takes_both_its_texts():
    """"A, D – 03.04; B, E – 10.04; C, F – 24.04. Ground glass opacities (A, D) progressing to consolidations
    (B, E) and partial regression with fibrotic bands (C, F)": each panel's words are its key's and its own (were
    the parenthesised letters' alone: the date stamps were lost, C and F blank, the third CT told nowhere else)."""
    assert _serial() == ["5", "12", "26", "5", "12", "26", "32"]


def test_the_key_in_other_styles_and_places():
    """The same class with a colon key, a key after the descriptions, small letters."""
    subs = parse_subcaptions("Chest CT. a: admission; b: day 7. Patchy opacities (a) became consolidations (b).")
    assert "admission" in subs["a"] and "Patchy opacities" in subs["a"]
    assert "day 7" in subs["b"] and "consolidations" in subs["b"]
    subs = parse_subcaptions("Ground-glass opacities (A, C) and their regression (B, D). A, B – axial; C, D – "
                             "coronal reconstruction.")
    assert "axial" in subs["a"] and "Ground-glass" in subs["a"]
    assert "coronal" in subs["d"] and "regression" in subs["d"]


def test_a_stray_second_mention_is_no_key():
    """Letters named again only in part ("(upper row, A–C)", one "(B)") or in parentheses mid-sentence ("Axial images
    (A, C, E)" after "Patient 1 (A-B)", batch 37) add nothing: the split is as before."""
    subs = parse_subcaptions("(A) Chest radiograph on admission. (B) Chest CT on day 5 showing opacities, as in "
                             "(A). C, coronal image.")
    assert subs["a"].startswith("Chest radiograph on admission")
    assert "coronal" not in subs["a"]
    subs = parse_subcaptions("Chest CT at admission. Patient 1 (A-B), patient 2 (C-D) and patient 3 (E-F). Axial "
                             "images (A, C, E) and coronal images (B, D, F) show GGOs.")
    assert (subs["a"], subs["b"], subs["f"]) == ("Axial Patient 1", "coronal Patient 1", "coronal patient 3")


# --- a dotted date stamp without its year ---------------------------------------------------------------------------

def test_dotted_date_stamps_without_their_year_date_the_panels():
    """Serial films labelled by date stamps ("03.04", "24.04.", "on 10.04") are dates, day first."""
    for caption, want in (("A, D – 03.04; B, E – 10.04", [(4, 3), (4, 10)]),
                          ("Partial regression with fibrotic bands. 24.04", [(4, 24)]),
                          ("Control CT on 24.04. showing regression", [(4, 24)]),
                          ("Chest X-ray from 02.05: bilateral opacities", [(5, 2)])):
        got = [date.fromordinal(m.days) for m in _yearless_dotted_moments(caption, "caption")]
        assert [(d.month, d.day) for d in got] == want, caption


def test_the_two_digits_of_a_decimal_stay_a_number():
    """A lone "12.03" inside a sentence, a value with its unit, a legend with another decimal: no date."""
    for caption in ("SUVmax 12.03 in the right lower lobe", "CRP 10.04 mg/dl at admission", "Opacities 12.05%",
                    "A, 03.04; B, 10.04; density 0.75 g/cm3", "Attenuation ratio: 12.03.", "at 10.04 h",
                    "CT value 12.03 HU in the consolidation"):
        assert _yearless_dotted_moments(caption, "caption") == (), caption
