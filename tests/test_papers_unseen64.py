"""The sixty-fourth blind batch of papers (tests/fixtures/papers_unseen64/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.pdf_figures import extract_pdf_figures

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
