"""The twelfth blind batch of papers (tests/fixtures/papers_unseen12/), each through the parser or the rule
it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.normalize.provenance import normalize_url
from ingest.paper_media import needs_split
from ingest.publication_ids import parse_paper_reference
from ingest.publisher import parse_article_html
from ingest.timeline import ImageTexts, _one_moment, dates_in, image_moments

UNSEEN12 = Path(__file__).parent / "fixtures" / "papers_unseen12"
AJEM = "https://www.ajemjournal.com/article/S0735-6757(21)00123-4/fulltext"
EID = "https://wwwnc.cdc.gov/eid/article/27/3/20-4123_article"
SCIELO = "https://www.scielo.br/j/rsbmt/a/Kq7rVbXw3mTnP9sLd2cYh4F/?lang=en"
MINIO = "https://minio.scielo.br/documentstore/1678-9849/Kq7rVbXw3mTnP9sLd2cYh4F/{}.jpg"
AAEM = "https://journals.sbmu.ac.ir/aaem/index.php/AAEM/article/{}"


def page(name: str) -> str:
    return (UNSEEN12 / name).read_text(encoding="utf-8")


# --- An address copied without its scheme --------------------------------------------------------

@pytest.mark.parametrize(("given", "kind", "value"), [
    ("doi.org/10.22037/aaem.v9i1.1071", "doi", "10.22037/aaem.v9i1.1071"),
    ("dx.doi.org/10.3346/jkms.2020.35.e301", "doi", "10.3346/jkms.2020.35.e301"),
    ("pubmed.ncbi.nlm.nih.gov/32930055/", "pmid", "32930055"),
    ("www.ncbi.nlm.nih.gov/pmc/articles/PMC7920077/", "pmcid", "PMC7920077"),
])
def test_an_address_without_its_scheme_is_that_address(given, kind, value):
    ref = parse_paper_reference(given)
    assert (ref.kind, {"doi": ref.doi, "pmid": ref.pmid, "pmcid": ref.pmcid}[kind]) == (kind, value)


@pytest.mark.parametrize("given", ["10.1016/S1473-3099(20)30562-4", "10.3390/medicina57030212"])
def test_a_bare_doi_is_still_a_doi_not_a_host(given):
    assert parse_paper_reference(given).kind == "doi"


def test_a_host_without_a_path_stays_refused():
    with pytest.raises(ValueError):
        parse_paper_reference("journals.sbmu.ac.ir")


# --- A figure labelled "Figure" alone ---------------------------------------------------------------

def test_the_lancets_one_figure_labelled_figure_is_numbered_and_split():
    """The Lancet's Clinical Picture labels its one figure "Figure": without a number the crawl kept the
    whole figure three times (one per letter of the legend) instead of cropping its panels."""
    article = parse_jats((UNSEEN12 / "PMC8210022_efetch.xml").read_bytes())
    figure = article.figures[0]
    assert (figure.label, figure.number, list(figure.panel_captions)) == ("Figure", 1, ["a", "b", "c"])
    assert [(n, panels) for n, _url, panels in needs_split(article)] == [(1, 3)]


def test_eids_caption_opened_by_a_bare_figure_label_is_figure_1():
    figure = parse_article_html(page("eid_20_4123.html"), EID).figures[0]
    assert (figure.label, figure.number) == ("Figure", 1)
    assert figure.caption.startswith("Axial chest computed tomography")
    assert list(figure.panel_captions) == ["a", "b", "c", "d"]


def test_a_numbered_figure_keeps_its_number_beside_a_bare_one():
    html = ('<html><head><meta name="citation_title" content="x"></head><body><article>'
            '<figure><img src="/a.jpg"><figcaption>Figure 2. Chest CT.</figcaption></figure>'
            '<figure><img src="/b.jpg"><figcaption>Figure. Chest radiograph.</figcaption></figure>'
            '</article></body></html>')
    figures = parse_article_html(html, "https://journal.example.org/a").figures
    assert [(f.label, f.number) for f in figures] == [("Figure 2", 2), ("Figure", None)]


# --- Elsevier's partner-journal platform ---------------------------------------------------------

def test_the_partner_platforms_labels_and_section_paragraphs_are_read():
    article = parse_article_html(page("ajem_S0735675721001234.html"), AJEM)
    assert [(f.label, f.number) for f in article.figures] == [("Fig. 1", 1), ("Fig. 2", 2)]
    assert article.figures[0].image_urls == [
        "https://www.ajemjournal.com/cms/attachment/8b1e4c2a-6f3d-4a9e-b7c1-2e5f8a9d0c31/gr1_lrg.jpg"]
    assert list(article.figures[1].panel_captions) == ["a", "b"]
    assert any("A 52-year-old man presented" in p for p in article.paragraphs)


def test_the_url_keeps_the_parentheses_of_an_elsevier_pii():
    assert normalize_url(AJEM).value == AJEM


@pytest.mark.parametrize("text", ["(see https://x.org/a).", "(https://x.org/a), and", "https://x.org/a."])
def test_the_url_leaves_out_the_prose_around_it(text):
    assert normalize_url(text).value == "https://x.org/a"


# --- SciELO: the image only in the figure's modal -------------------------------------------------

def test_scielos_figure_is_the_image_of_the_modal_its_thumbnail_opens():
    article = parse_article_html(page("scielo_rsbmt_0512_2020.html"), SCIELO)
    assert [(f.number, f.image_urls) for f in article.figures] == [
        (1, [MINIO.format("5a1f7c2e9d3b8a4f6e0c1d2b3a4f5e6d7c8b9a01")]),
        (2, [MINIO.format("9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d")])]
    assert list(article.figures[0].panel_captions) == ["a", "b"]


def test_a_holder_opening_a_modal_without_image_is_no_figure():
    html = ('<html><head><meta name="citation_title" content="x"></head><body><article>'
            '<div class="fig"><a data-toggle="modal" data-target="#ModalTable1">Table 1</a></div>'
            '<div class="modal" id="ModalTable1"><table><tr><td>1</td></tr></table></div>'
            '</article></body></html>')
    assert parse_article_html(html, "https://journal.example.org/a").figures == []


# --- An OJS 3 HTML galley shown in a frame ---------------------------------------------------------

def test_an_ojs_landing_page_names_its_html_galley_and_the_galley_its_frame():
    landing = parse_article_html(page("aaem_1071_landing.html"), AAEM.format("view/1071"))
    assert landing.figures == [] and landing.extra["figures_tab"] == AAEM.format("view/1071/1523")
    galley = parse_article_html(page("aaem_1071_galley.html"), AAEM.format("view/1071/1523"), part_of_article=True)
    assert galley.extra["article_frame"] == AAEM.format("download/1071/1523?inline=1")


def test_the_galleys_images_alone_in_a_paragraph_before_a_labelled_one_are_its_figures():
    frame = parse_article_html(page("aaem_1071_inline.html"), AAEM.format("download/1071/1523?inline=1"),
                               part_of_article=True)
    assert [(f.label, f.number, f.image_urls) for f in frame.figures] == [
        ("Figure 1", 1, [AAEM.format("download/1071/1523/7021")]),
        ("Figure 2", 2, [AAEM.format("download/1071/1523/7022")])]
    assert list(frame.figures[0].panel_captions) == ["a", "b"]
    assert any(p.startswith("A 60-year-old man was referred") for p in frame.paragraphs)
    assert not any(p.startswith("Figure 1") for p in frame.paragraphs)


def test_a_frame_not_named_as_the_articles_is_none():
    html = ('<html><body><h1>Comments</h1><iframe name="disqus" src="/comments?id=3"></iframe></body></html>')
    assert "article_frame" not in parse_article_html(html, "https://journal.example.org/a",
                                                     part_of_article=True).extra


# --- Dotted dates ---------------------------------------------------------------------------------

def test_dotted_dates_with_a_year_are_dates_day_first():
    text = "Fever started on 12.03.2020; he was discharged on 02.04.2020 with a temperature of 36.6 C."
    assert [d.isoformat() for _s, _e, d in dates_in(text)] == ["2020-03-12", "2020-04-02"]


@pytest.mark.parametrize("text", ["a temperature of 38.6 C", "version 1.2.3", "a score of 12.03", "on 12.03.20201"])
def test_decimals_and_versions_are_no_dates(text):
    assert dates_in(text) == ()


# --- A caption's interval without its base, the base in the text citing the figure -------------------

def test_a_bare_interval_takes_the_base_the_citing_sentence_gives_it():
    """IDCases: "Follow-up CT after 12 days" (caption) and "A follow-up CT of the chest 12 days after
    admission ... (Fig. 2)" (text): 12 days after the admission (day 16), not after the radiograph of
    hospital day 3 (day 19)."""
    from ingest.jats import parse_jats as parse
    from ingest.papers import cases_from_article

    cases = cases_from_article(parse((UNSEEN12 / "PMC8210011_efetch.xml").read_bytes()))
    ct = next(i for c in cases for i in c.images if i.source_url.endswith("gr2.jpg"))
    assert ct.date_text.startswith("12 days after admission")
    texts = ImageTexts(0, caption=ct.caption, date_text=ct.date_text)
    moment, _reason = _one_moment(image_moments(texts))
    assert (moment.kind, moment.days) == ("since-admission", 12)


def test_a_label_without_base_still_takes_its_captions_base():
    moment, _reason = _one_moment(image_moments(ImageTexts(0, caption="CT 12 days after admission.",
                                                           date_text="day 12")))
    assert (moment.kind, moment.days) == ("since-admission", 12)


# --- "the same day" in a sentence citing a figure: the day of the sentence before ------------------------------

def _offsets_by_image(article) -> dict[tuple[str, str], str | None]:
    from ingest.case_fields import normalize_case
    from ingest.papers import cases_from_article

    found = {}
    for case in cases_from_article(article):
        values = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
        found.update({(i.source_url.rsplit("/", 1)[-1], str(i.extra.get("panel") or "")): values.get(i.position)
                      for i in case.images})
    return found


def test_a_ct_cited_as_performed_the_same_day_takes_the_day_of_the_sentence_before():
    """"The posteroanterior chest radiograph at presentation showed ... (Fig. 1)." [Fig. 1 between the paragraphs]
    "CT pulmonary angiography performed in the emergency department the same day showed ... (Fig. 2).": the CT's
    caption names no moment, its citing sentence only "the same day" (the presentation's: 5 days of fever)."""
    offsets = _offsets_by_image(parse_article_html(page("ajem_S0735675721001234.html"), AJEM))
    assert offsets[("gr1_lrg.jpg", "")] == "5"
    assert offsets[("gr2_lrg.jpg", "a")] == "5"
    assert offsets[("gr2_lrg.jpg", "b")] == "5"


def test_the_same_day_as_another_event_is_not_the_sentence_befores():
    from ingest.papers import _cited_moment

    paragraphs = ["Case report: He was admitted 2 days after symptom onset. CT was performed the same day as the "
                  "first positive test and showed opacities (Fig. 2)."]
    assert _cited_moment(paragraphs, 2, "") == ""


def test_the_same_day_in_a_sentence_telling_its_own_moment_keeps_that_moment():
    from ingest.papers import _cited_moment

    paragraphs = ["Case report: Symptoms began 9 days before admission. His oxygen saturation was 90%. "
                  "The radiograph at admission showed opacities, and CT performed the same day showed "
                  "ground-glass opacities (Fig. 1)."]
    assert _cited_moment(paragraphs, 1, "") == "at admission"


def test_the_first_sentence_of_another_section_takes_no_moment_from_the_section_before():
    from ingest.papers import _cited_moment

    paragraphs = ["Case report: The radiograph at presentation showed subtle opacities (Fig. 1).",
                  "Discussion: CT performed the same day is often recommended (Fig. 2)."]
    assert _cited_moment(paragraphs, 2, "") == ""
