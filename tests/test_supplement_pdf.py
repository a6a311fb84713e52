"""Patient figures that live only in a supplementary PDF ("Additional file 1: Figure S1"): the
supplement named by the JATS and the publisher's page, its figure labels read by the PDF reader and
numbered apart from the article's, and the rule that reads it only when the article's own figures
show no patient image."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingest.figure_kinds import Verdict
from ingest.jats import SUPPLEMENT_NUMBER, parse_jats
from ingest.pdf_figures import PdfFigure, extract_pdf_figures, figure_tag

FIXTURES = Path(__file__).parent / "fixtures"
UNSEEN8 = FIXTURES / "papers_unseen8"
BMC_JATS = UNSEEN8 / "PMC7980044_efetch.xml"
SUPPLEMENT_URL = "https://europepmc.org/articles/PMC7980044/bin/12890_2020_1312_MOESM1_ESM.pdf"
sys.path.insert(0, str(FIXTURES / "publications"))


def _bmc(xml: bytes | None = None):
    return parse_jats(xml or BMC_JATS.read_bytes(), "https://pmc.ncbi.nlm.nih.gov/articles/PMC7980044/")


# --- The supplement as the article names it ------------------------------------------------------

def test_a_jats_supplementary_pdf_is_listed_with_its_europe_pmc_address():
    article = _bmc()
    assert [(p["file"], p["url"]) for p in article.extra["supplementary_pdfs"]] == [
        ("12890_2020_1312_MOESM1_ESM.pdf", SUPPLEMENT_URL)]
    assert article.extra["supplementary_pdfs"][0]["caption"].startswith("Additional file 1: Figure S1.")


@pytest.mark.parametrize("media, listed", [
    # PMC's own markup names the file type in attributes, the href may have no extension
    ('<media xlink:href="12890_2020_1312_MOESM1_ESM" mimetype="application" mime-subtype="pdf">', True),
    ('<media xlink:href="12890_2020_1312_MOESM1_ESM.PDF" mimetype="application" mime-subtype="pdf">', True),
    # a Word file or a spreadsheet is no PDF
    ('<media xlink:href="12890_2020_1312_MOESM1_ESM.docx">', False),
    ('<media xlink:href="12890_2020_1312_MOESM1_ESM" mimetype="application" mime-subtype="vnd.ms-excel">', False),
])
def test_a_supplementary_file_is_a_pdf_by_its_extension_or_its_mime_subtype(media, listed):
    xml = BMC_JATS.read_bytes().replace(b'<media xlink:href="12890_2020_1312_MOESM1_ESM.pdf">', media.encode())
    assert bool(_bmc(xml).extra.get("supplementary_pdfs")) is listed


def test_a_publisher_pages_additional_file_pdf_is_listed():
    """Springer/BMC markup ("Supplementary Information", ``c-article-supplementary__item``): the
    "Additional file 1" link to a PDF is listed with its address; the Word file is not."""
    from ingest.publisher import parse_article_html

    page = (FIXTURES / "publications" / "springer_supplementary.html").read_bytes()
    page = page.replace(b"12879_2020_5299_MOESM1_ESM.jpg", b"12879_2020_5299_MOESM1_ESM.pdf")
    url = "https://bmcinfectdis.biomedcentral.com/articles/10.1186/s12879-020-05299-4"
    article = parse_article_html(page, url)
    assert [(p["label"], p["url"].rsplit("/", 1)[-1]) for p in article.extra["supplementary_pdfs"]] == [
        ("Additional file 1: Figure S1", "12879_2020_5299_MOESM1_ESM.pdf")]
    assert not any(f.extra.get("supplementary") for f in article.figures)


# --- The PDF reader's supplementary labels ----------------------------------------------------------

def _two_figure_pdf(first: str, second: str) -> bytes:
    """A one-page supplement (the publications fixtures' helpers): a radiograph pair in the left
    column and a CT slice in the right one, each with its legend below it."""
    from make_figures import grid_figure
    from make_pdfs import COL_W, LEFT, RIGHT, Paper, caption, encode

    paper = Paper("supplement", "Additional file 1")
    top = paper.header("Additional file 1: Supplementary Figures", "Chest imaging of the patient")
    for x, label, kinds, seed, text in (
            (LEFT, first, ["xray", "xray"], 1901,
             "(a) Erect posteroanterior chest radiograph on admission. (b) Left lateral radiograph."),
            (RIGHT, second, ["ct"], 1902, "Axial chest CT on day 9 of illness (lung window).")):
        image, _ = grid_figure(kinds, len(kinds), 300, 300, 12, "ab" if len(kinds) == 2 else "", seed, 255)
        box = (x, top + 8, x + COL_W, top + 8 + COL_W * image.shape[0] / image.shape[1])
        paper.image(encode(image, "JPEG"), box)
        caption(paper, x, box[3] + 6, COL_W, label, text)
    paper.c.save()
    return paper.buffer.getvalue()


@pytest.mark.parametrize("first, second, labels, numbers", [
    ("Figure S1.", "Figure S2.", ["Figure S1", "Figure S2"], [101, 102]),
    ("Fig. S1", "Fig. S2:", ["Fig. S1", "Fig. S2"], [101, 102]),
    ("Supplementary Figure 1.", "Supplementary Fig. 2", ["Supplementary Figure 1", "Supplementary Fig. 2"],
     [101, 102]),
    ("FIGURE S1.", "Suppl. Fig. 2.", ["FIGURE S1", "Suppl. Fig. 2"], [101, 102]),
    # the article's own figures keep their numbers
    ("Figure 1.", "Fig. 2", ["Figure 1", "Fig. 2"], [1, 2]),
])
def test_a_supplementary_figure_label_is_read_and_numbered_apart_from_the_articles(first, second, labels, numbers):
    figures = extract_pdf_figures(_two_figure_pdf(first, second))
    assert [f.label for f in figures] == labels
    assert [f.number for f in figures] == numbers
    supplementary = numbers[0] > SUPPLEMENT_NUMBER
    assert [figure_tag(f) for f in figures] == (["S1", "S2"] if supplementary else ["1", "2"])
    assert [bool(f.extra.get("supplementary")) for f in figures] == [supplementary] * 2
    assert figures[0].panel_letters == ["a", "b"]


# --- When the supplement is read ------------------------------------------------------------------------

CHART = Verdict("chart", "line chart: axes and plotted lines, no radiograph")


def test_the_supplement_is_read_when_the_articles_only_figure_is_a_chart():
    from ingest.paper_media import supplement_pdfs_to_read

    article = _bmc()
    assert supplement_pdfs_to_read(article, [], {1: CHART}) == [SUPPLEMENT_URL]


def test_the_supplement_is_not_read_when_the_article_shows_a_patient_image():
    from ingest.paper_media import supplement_pdfs_to_read

    article = _bmc()
    assert supplement_pdfs_to_read(article, [], {}) == []  # figure 1 not judged a chart: a patient image
    radiograph = PdfFigure(number=2, page=3, bbox=(0, 0, 1, 1), caption="Figure 2. Chest radiograph on admission.",
                           panel_letters=[], image_bytes=b"")
    assert supplement_pdfs_to_read(article, [radiograph], {1: CHART}) == []


def test_a_supplements_plain_figure_numbers_are_kept_apart_and_its_pdf_named_in_the_source_url():
    """A supplement may print "Figure 1" for its own first figure: it is still not the article's
    Figure 1 (kept as 101, named S1 in the source URL, which names the supplement's PDF)."""
    from ingest.jats import Figure
    from ingest.paper_media import as_supplement, attach_media
    from ingest.papers import cases_from_article

    figures = as_supplement(extract_pdf_figures(_two_figure_pdf("Figure 1.", "Figure 2.")), SUPPLEMENT_URL)
    assert [(f.number, figure_tag(f)) for f in figures] == [(101, "S1"), (102, "S2")]
    article = _bmc()
    article.figures = [f for f in article.figures if f.number == 1] + [
        Figure(label=f.label, number=f.number, caption=f.caption, extra={"from": "pdf", "supplementary": True})
        for f in figures]
    cases = attach_media(cases_from_article(article, pdf_figures=figures, figure_verdicts={1: CHART}),
                         pdf_url="", pdf_figures=figures)
    (case,) = cases
    ct = case.images[-1]
    assert ct.source_url == f"{SUPPLEMENT_URL}#page=1&figure=S2"
    assert ct.extra["supplementary"] is True
    assert ct.extra["pdf_figure"]["url"] == SUPPLEMENT_URL
