"""Routes and markup of the fourteenth blind batch of papers (tests/fixtures/papers_unseen14/), each through the
parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.identifiers import canonical_doi
from ingest.pdf_figures import extract_pdf_figures
from ingest.publication_ids import parse_paper_reference
from ingest.publisher import parse_article_html

UNSEEN14 = Path(__file__).parent / "fixtures" / "papers_unseen14"


# --- A preprint's address: its version and view are not the DOI --------------------------------

@pytest.mark.parametrize("given", [
    "https://www.medrxiv.org/content/10.1101/2020.06.15.20131234v2.full.pdf",
    "https://www.medrxiv.org/content/10.1101/2020.06.15.20131234v2.full.pdf+html",
    "https://www.medrxiv.org/content/10.1101/2020.06.15.20131234v1.full",
    "https://www.medrxiv.org/content/10.1101/2020.06.15.20131234v3.supplementary-material",
    "https://www.medrxiv.org/content/10.1101/2020.06.15.20131234v2",
    "doi: 10.1101/2020.06.15.20131234",
])
def test_a_medrxiv_address_names_the_preprints_doi(given):
    assert canonical_doi(given) == "10.1101/2020.06.15.20131234"


def test_a_medrxiv_pdf_given_is_a_pdf_with_the_preprints_doi():
    ref = parse_paper_reference("https://www.medrxiv.org/content/10.1101/2020.06.15.20131234v2.full.pdf")
    assert (ref.kind, ref.doi) == ("pdf", "10.1101/2020.06.15.20131234")


@pytest.mark.parametrize("given, doi", [
    ("https://www.biorxiv.org/content/10.1101/2020.03.22.002386v3.full", "10.1101/2020.03.22.002386"),
    ("https://www.biorxiv.org/content/10.1101/686972v1.abstract", "10.1101/686972"),
    # Other publishers' DOIs ending in "v2" or ".full" keep them.
    ("10.1016/j.radcr.2020.06.044", "10.1016/j.radcr.2020.06.044"),
    ("10.12688/f1000research.22211.2", "10.12688/f1000research.22211.2"),
    ("10.1101/sqb.2020.85.040402", "10.1101/sqb.2020.85.040402"),
])
def test_only_the_preprint_servers_version_is_dropped(given, doi):
    assert canonical_doi(given) == doi


# --- A PDF whose figure label stands alone on its line, left of a centred image ----------------

def test_a_label_alone_under_a_centred_image_captions_it_with_the_legend_below():
    """Research Square's PDF: after the references, each figure on its own page: the centred image, then
    "Figure 1" alone at the margin (bold, larger), then the legend in body type. The label is narrower than
    the image and does not overlap it; the legend below it is the caption, with its panels."""
    figures = extract_pdf_figures((UNSEEN14 / "rs-52817_v1.pdf").read_bytes())
    assert [(f.number, f.page) for f in figures] == [(1, 2), (2, 3)]
    first = figures[0]
    assert first.panel_letters == ["a", "b", "c"]
    assert first.caption.startswith("Figure 1 Chest imaging of the patient. (A) Posteroanterior")
    assert first.caption.endswith("new bilateral consolidation.")
    assert "Clinical course" in figures[1].caption


def test_a_caption_on_the_same_line_as_its_label_is_read_as_before():
    """The other PDFs of the batch ("Figura 1." / "Figure 1 :" followed by the legend on the same line)."""
    figures = extract_pdf_figures((UNSEEN14 / "rfcm_30123.pdf").read_bytes())
    assert [f.number for f in figures] == [1, 2]
    assert figures[1].caption.startswith("Figura 2. Tomografía computarizada")
    assert figures[1].panel_letters == ["a", "b"]


# --- An old-style page: the image's paragraph, then the legend's -------------------------------

TT = "http://www.tuberktoraks.org/managete/fu_folder/2020-04/html/2020-68-4-412-418{}"


def test_an_image_paragraph_followed_by_a_labelled_legend_is_a_figure():
    """Tuberküloz ve Toraks' own full text: no figure holder; ``<p><img></p>`` then ``<p class="sekil">``
    starting "Şekil 1." (Turkish "Figure")."""
    article = parse_article_html((UNSEEN14 / "tuberktoraks_2020-68-4-412-418.html").read_bytes(), TT.format(".html"))
    assert [(f.number, f.image_urls) for f in article.figures] == [
        (1, [TT.format("-fig1.jpg")]), (2, [TT.format("-fig2.jpg")])]
    assert sorted(article.figures[0].panel_captions) == ["a", "b"]
    assert "aksiyel" in article.figures[0].panel_captions["b"]


def test_the_text_of_a_page_laid_out_in_one_table_cell_is_read_without_the_legends():
    """The same page lays out the whole article as paragraphs of one table cell (no headings): its text
    (the English summary's "A 42-year-old woman") is the body, the "Şekil N." legends are not."""
    article = parse_article_html((UNSEEN14 / "tuberktoraks_2020-68-4-412-418.html").read_bytes(), TT.format(".html"))
    assert any(p.startswith("A 42-year-old woman presented with fever") for p in article.paragraphs)
    assert any(p.startswith("Kırk iki yaşında kadın hasta") for p in article.paragraphs)
    assert not [p for p in article.paragraphs if p.startswith("Şekil")]


PAGE = """<html><head><meta name="citation_title" content="A case"></head><body><div class="content">
<p>The radiograph on admission showed bilateral opacities (Figure 1).</p>
<p><img src="/images/logo-small.png" alt=""> Journal of Case Reports</p>
<p align="center"><img src="images/case12-fig1.jpg" width="420"></p>
<p><strong>Figure 1:</strong> Posteroanterior chest radiograph on admission.</p>
<p><img src="images/case12-fig2.jpg"></p>
<p>The patient was discharged on day 10.</p>
</div></body></html>"""


def test_only_an_image_paragraph_with_a_labelled_legend_next_is_a_figure():
    """The same layout in English; an image beside text (a logo line) and an image paragraph followed by body
    text are no figures."""
    article = parse_article_html(PAGE, "https://journal.example.org/2020/case12.html")
    assert [(f.number, f.image_urls, f.caption) for f in article.figures] == [
        (1, ["https://journal.example.org/2020/images/case12-fig1.jpg"],
         "Posteroanterior chest radiograph on admission.")]


# --- OJS without citation_pdf_url: the PDF galley's viewer page names the file -------------------

TUNIS = "https://latunisiemedicale.com/index.php/tunismed/article/view/3812"


def test_an_ojs_page_without_citation_pdf_url_gives_its_pdf_galley():
    article = parse_article_html((UNSEEN14 / "tunismed_article_3812.html").read_bytes(), TUNIS)
    assert (article.figures, article.pdf_url, article.extra.get("pdf_galley")) == ([], "", f"{TUNIS}/3245")


def test_an_ojs_page_with_citation_pdf_url_needs_no_galley():
    url = "https://revistas.unc.edu.ar/index.php/med/article/view/30123"
    article = parse_article_html((UNSEEN14 / "rfcm_article_30123.html").read_bytes(), url)
    assert article.pdf_url == "https://revistas.unc.edu.ar/index.php/med/article/download/30123/31234"
    assert "pdf_galley" not in article.extra


def test_the_viewer_page_names_the_pdf_by_its_download_link():
    from ingest.publisher import pdf_viewer_file

    page = (UNSEEN14 / "tunismed_galley_3812_3245.html").read_bytes()
    assert pdf_viewer_file(page, f"{TUNIS}/3245") == (
        "https://latunisiemedicale.com/index.php/tunismed/article/download/3812/3245/12001")


def test_a_viewer_page_without_download_link_names_the_pdf_its_frame_opens():
    from ingest.publisher import pdf_viewer_file

    page = ('<html><body><header class="header_view"><a href="../3812" class="return">Back</a></header>'
            '<iframe src="/plugins/generic/pdfJsViewer/pdf.js/web/viewer.html?file=%2Findex.php%2Fj%2Farticle%2F'
            'download%2F77%2F81%2F901" width="100%"></iframe></body></html>')
    assert pdf_viewer_file(page, "https://ojs.example.edu/index.php/j/article/view/77/81") == (
        "https://ojs.example.edu/index.php/j/article/download/77/81/901")
    assert pdf_viewer_file("<html><body><p>Not found</p></body></html>", "https://ojs.example.edu/x") == ""
