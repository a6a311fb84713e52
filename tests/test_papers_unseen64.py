"""The sixty-fourth blind batch of papers (tests/fixtures/papers_unseen64/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.pdf_figures import extract_pdf_figures
from ingest.timeline import onset_gap

UNSEEN64 = Path(__file__).parent / "fixtures" / "papers_unseen64"
MJI = UNSEEN64 / "mji_4567.pdf"  # legends without a final full stop, each under its figure


# --- a PDF legend at a column's foot ends where another figure's legend heads the next column ------------------------

def test_a_legend_without_full_stop_does_not_run_into_the_next_figures_legend():
    """"Figure 1. Chest x-ray PA view at admission ... lung fields" (no final full stop) ends page 1's right column;
    page 2 opens with "Figure 2. CT pulmonary angiography ...": another figure's label ends the legend (was read as
    its continuation, so Figure 1 was an X-ray and a CT on admission and on the fifth day: modality, view and offset
    blank; Figure 2 took Figure 3's legend the same way)."""
    figures = extract_pdf_figures(MJI.read_bytes())
    assert [f.number for f in figures] == [1, 2, 3]
    assert [f.caption.count("Figure") for f in figures] == [1, 1, 1]
    assert figures[0].caption.endswith("in the middle and lower lung fields")
    assert figures[1].caption.endswith("bilateral ground-glass opacities")
    assert not any(f.extra["caption_continues"] for f in figures)


# --- several symptoms told as times before the admission: the onset is the earliest's -------------------------------

def test_the_onset_is_the_longest_symptom_span_before_admission():
    """"came to the emergency room ... with chief complaint of shortness of breath since 2 days before admission. The
    patient also complained of fever since 7 days before admission": the illness began with the fever, 7 days before
    (was the first told, 2: a wrong offset on every film once the PDF's legends were read)."""
    history = ("A 52-year-old man came to the emergency room on 14 June 2020 with chief complaint of shortness of "
               "breath since 2 days before admission. The patient also complained of fever since 7 days before "
               "admission, accompanied by dry cough, myalgia and loss of smell.")
    assert onset_gap(history) == (7, "7 days before admission")
    assert onset_gap("Dyspnoea appeared 3 days prior to admission; cough and fever had begun 10 days prior to "
                     "admission.")[0] == 10
    assert onset_gap("He complained of breathlessness since two days before his admission and of a fever since "
                     "five days before his admission.")[0] == 5
    # the first told still, when a later time before the admission is not a symptom's, or another person's
    assert onset_gap("Fever began 3 days before admission. He had taken azithromycin 6 days before admission.")[0] == 3
    assert onset_gap("She had a cough since 4 days before admission. Her husband had fever 9 days before "
                     "admission.")[0] == 4
