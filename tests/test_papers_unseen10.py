"""Routes and markup of the tenth blind batch of papers (tests/fixtures/papers_unseen10/), each through the
parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.publication_ids import parse_paper_reference

UNSEEN10 = Path(__file__).parent / "fixtures" / "papers_unseen10"


# --- Identifiers as users copy them ------------------------------------------------------------

@pytest.mark.parametrize("given", ["PMC 8100022", "pmc 8100022", "PMCID: PMC 8100022", "PMC8100022"])
def test_a_pmcid_written_with_a_space_is_that_pmcid(given):
    ref = parse_paper_reference(given)
    assert (ref.kind, ref.pmcid) == ("pmcid", "PMC8100022")


@pytest.mark.parametrize("given", ["PMC", "PMC  ", "PMC 81000 22", "PMC-CE 8100022"])
def test_what_is_no_pmcid_stays_refused(given):
    with pytest.raises(ValueError):
        parse_paper_reference(given)


# --- Figures given only by their download links ------------------------------------------------

SCIENCEDIRECT = "https://www.sciencedirect.com/science/article/pii/S2214250920302468"
ARS = "https://ars.els-cdn.com/content/image/1-s2.0-S2214250920302468-gr{}.jpg"


def test_a_figure_without_img_is_its_high_res_download_link():
    """ScienceDirect's static page draws no <img> (its script does): each figure is its caption and the
    "Download high-res image" / "Download full-size image" links; the high-res file is the figure."""
    from ingest.publisher import parse_article_html

    html = (UNSEEN10 / "sciencedirect_S2214250920302468.html").read_text(encoding="utf-8")
    figures = parse_article_html(html, SCIENCEDIRECT).figures
    assert [(f.number, f.image_urls) for f in figures] == [(1, [ARS.format("1_lrg")]), (2, [ARS.format("2_lrg")])]
    assert figures[0].caption.startswith("Posteroanterior chest radiograph on presentation")


def test_a_holder_without_img_nor_image_link_is_no_figure():
    from ingest.publisher import parse_article_html

    html = ('<html><head><meta name="citation_title" content="T"></head><body><article>'
            '<figure id="f1"><figcaption>Fig. 1. Flow of patients through the study.</figcaption>'
            '<a href="/science/article/pii/S1/figures">View figures</a>'
            '<a href="https://ars.els-cdn.com/content/image/1-s2.0-S1-mmc1.pdf">Download PDF</a></figure>'
            '</article></body></html>')
    assert parse_article_html(html, SCIENCEDIRECT).figures == []
