"""JATS, Crossref, publisher HTML and papers -> cases, against tests/fixtures/publications/*.expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.crossref import parse_crossref_work
from ingest.jats import Article, Figure, NoFullText, normalize_license, parse_jats, third_party_evidence
from ingest.pages import ParseError
from ingest.panels import parse_subcaptions
from ingest.papers import cases_from_article, described, merge_figure_urls, without_glossary
from ingest.publisher import BlockPageInsteadOfArticle, figure_page_image, parse_article_html

FIXTURES = Path(__file__).parent / "fixtures" / "publications"
EXPECTED = {p.name.replace(".expected.json", ""): json.loads(p.read_text())
            for p in sorted(FIXTURES.glob("*.expected.json")) if not p.name.startswith("paper")}
SOURCES = {p.stem: p for p in FIXTURES.iterdir()
           if p.suffix in (".xml", ".html", ".json", ".txt") and p.name != "urls.json"
           and ".expected" not in p.name}
ARTICLE_FIELDS = ("doi", "pmcid", "title", "journal", "published", "license", "license_evidence", "full_text",
                  "pdf_url")
FIGURE_FIELDS = ("id", "label", "number", "caption", "image_urls", "graphic_hrefs", "third_party",
                 "third_party_evidence", "panel_captions")


def _parse(name: str):
    expected = EXPECTED[name]
    body = SOURCES[name].read_bytes()
    if expected["kind"] == "jats":
        return parse_jats(body, expected["url"])
    return parse_article_html(body.decode("utf-8"), expected["url"])


ARTICLES = sorted(n for n, e in EXPECTED.items() if e["kind"] in ("jats", "html") and "raises" not in e)
FAILURES = sorted(n for n, e in EXPECTED.items() if "raises" in e)


@pytest.mark.parametrize("name", ARTICLES)
@pytest.mark.parametrize("field", ARTICLE_FIELDS)
def test_article_field(name, field):
    assert getattr(_parse(name), field) == EXPECTED[name][field]


@pytest.mark.parametrize("name", ARTICLES)
def test_figure_count(name):
    assert len(_parse(name).figures) == len(EXPECTED[name]["figures"])


@pytest.mark.parametrize("name", ARTICLES)
@pytest.mark.parametrize("field", FIGURE_FIELDS)
def test_figure_field(name, field):
    figures = _parse(name).figures
    assert [getattr(f, field) for f in figures] == [f[field] for f in EXPECTED[name]["figures"]]


@pytest.mark.parametrize("name", FAILURES)
def test_failure_pages_raise(name):
    exception = {"NoFullText": NoFullText, "Blocked": BlockPageInsteadOfArticle,
                 "ParseError": ParseError}[EXPECTED[name]["raises"]]
    with pytest.raises(exception):
        if EXPECTED[name]["kind"] == "crossref":
            parse_crossref_work(SOURCES[name].read_text())
        else:
            _parse(name)


def test_no_full_text_keeps_the_metadata():
    with pytest.raises(NoFullText) as info:
        _parse("PMC_efetch_nonOA")
    assert info.value.article.doi == EXPECTED["PMC_efetch_nonOA"]["doi"]
    assert info.value.article.full_text is False


def test_floats_group_duplicate_yields_one_figure():
    numbers = [f.number for f in _parse("PMC_fulltext").figures]
    assert numbers.count(1) == 1


def test_graphic_without_extension_gets_a_jpeg_url():
    figure = _parse("PMC_fulltext").figures[0]
    assert figure.graphic_hrefs == ["gr1"] and figure.image_url == "https://europepmc.org/articles/PMC7251234/bin/gr1.jpg"


def test_third_party_figure_is_marked_with_evidence():
    figure = _parse("PMC_fulltext").figures[2]
    assert figure.third_party and "Reproduced with permission" in figure.third_party_evidence


@pytest.mark.parametrize("text,name", [
    ("http://creativecommons.org/licenses/by-nc-nd/4.0/", "CC BY-NC-ND 4.0"),
    ("https://creativecommons.org/licenses/by/4.0", "CC BY 4.0"),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
    ("This is an open access article under the CC BY-NC-ND license", "CC BY-NC-ND"),
    ("Creative Commons Attribution-NonCommercial 4.0 International License", "CC BY-NC 4.0"),
    ("https://www.elsevier.com/tdm/userlicense/1.0/", ""),
    ("© RSNA, 2020", ""),
])
def test_license_normalization_matches_whole_segments(text, name):
    assert normalize_license(text) == name


@pytest.mark.parametrize("caption,third_party", [
    ("Image courtesy of Dr. A. Popescu.", True),
    ("Adapted from Wang et al. under CC BY 4.0", True),
    ("© 2019 RSNA", True),
    ("PA radiograph on day 3 shows bilateral opacities.", False),
])
def test_third_party_caption_rule(caption, third_party):
    assert bool(third_party_evidence(caption)) is third_party


CROSSREF = sorted(n for n, e in EXPECTED.items() if e["kind"] == "crossref" and "raises" not in e)
CROSSREF_FIELDS = ("doi", "title", "journal", "published", "license", "license_url", "license_start", "am_license",
                   "pdf_urls", "xml_urls")


@pytest.mark.parametrize("name", CROSSREF)
@pytest.mark.parametrize("field", CROSSREF_FIELDS)
def test_crossref_field(name, field):
    for variant in EXPECTED[name]["variants"]:
        work = parse_crossref_work(SOURCES[name].read_text(), as_of=variant["as_of"])
        assert getattr(work, field) == variant[field], variant["as_of"]


def test_crossref_am_licence_does_not_license_the_published_version():
    work = parse_crossref_work(SOURCES["crossref_work"].read_text())
    assert work.license == "CC BY-NC-ND 4.0" and work.am_license == "CC BY 4.0"


def test_crossref_delayed_licence_not_in_force_before_its_start():
    assert parse_crossref_work(SOURCES["crossref_work_delayed"].read_text(), as_of="2020-06-01").license == ""
    assert parse_crossref_work(SOURCES["crossref_work_delayed"].read_text(), as_of="2021-06-01").license == "CC BY 4.0"


def test_meta_tags_are_case_insensitive_and_pdf_url_resolved():
    article = _parse("springer_landing")
    assert article.journal == "European Radiology"  # CITATION_JOURNAL_TITLE
    assert article.pdf_url == "https://link.springer.com/content/pdf/10.1007/s00330-020-06801-0.pdf"


def test_rsna_free_access_is_not_an_open_licence():
    article = _parse("rsna_landing")
    assert article.license == "" and "© RSNA, 2020" in article.license_evidence


def test_pmc_cdn_urls_replace_europe_pmc_guesses():
    jats = merge_figure_urls(_parse("PMC_fulltext"), _parse("pmc_article"))
    assert jats.figures[0].image_url.startswith("https://cdn.ncbi.nlm.nih.gov/pmc/blobs/")


def test_several_patients_make_several_cases():
    cases = cases_from_article(_parse("PMC_fulltext"))
    assert [c.source_key for c in cases] == [f"10.1016/j.radcr.2020.05.017#patient{n}" for n in (1, 2, 3)]
    assert all("several patients" in c.warnings[0] for c in cases)


def test_panel_subcaptions_become_image_records():
    patient1 = cases_from_article(_parse("PMC_fulltext"))[0]
    assert [(i.label, i.caption, i.view_text, i.date_text) for i in patient1.images] == [
        ("a", "PA radiograph on day 3 shows bilateral peripheral ground-glass opacities",
         "PA radiograph on day 3 shows bilateral peripheral ground-glass opacities", "day 3"),
        ("b", "lateral view", "lateral view", ""),
    ]
    assert patient1.images[0].extra["transform"].startswith("none")  # not split: no PanelSplit given


def test_third_party_flag_reaches_the_image_record():
    patient3 = cases_from_article(_parse("PMC_fulltext"))[2]
    assert patient3.images[0].extra["third_party"] is True


def test_single_patient_paper_is_one_case():
    cases = cases_from_article(_parse("PMC_efetch_fulltext"))
    assert [c.source_key for c in cases] == ["10.25122/jml-2020-0042#patient1"]
    assert cases[0].license_text == "CC BY 4.0"


def test_atypon_panel_files_map_to_panels():
    cases = cases_from_article(_parse("rsna_landing"))
    images = [i for c in cases for i in c.images if i.extra.get("figure_number") == 2]
    assert [i.source_url.rsplit(".", 2)[-2] for i in images] == ["fig2a", "fig2b"]


def test_a_panel_silent_on_modality_takes_the_one_its_caption_names():
    from ingest.jats import Article, Figure
    from ingest.panels import parse_subcaptions

    def modalities(caption: str) -> list[str]:
        figure = Figure(label="Figure 1", number=1, caption=caption, image_urls=["https://x/f1.jpg"],
                        panel_captions=parse_subcaptions(caption))
        article = Article(doi="10.1000/x", title="A case", figures=[figure], license="CC BY 4.0")
        return [i.modality_text for c in cases_from_article(article) for i in c.images]

    caption = "A and B) HRCT on the second day of admission. C and D) Little change on day 4."
    assert modalities(caption) == ["HRCT on the second day of admission"] * 2 + [caption] * 2
    # A caption naming CT and a radiograph names no modality for the panels that name none.
    assert modalities("(A) Chest radiograph on admission. (B) CT on day 2. (C) Day 9.") == [
        "Chest radiograph on admission", "CT on day 2", ""]


# --- figure markup variants (site-notes §2.5.6 lazy images, §4.1 PMC layouts, §4.2 JATS fig variants) ---

def test_lazy_placeholders_are_never_the_figure():
    """A data: URI or a loading GIF in ``src`` is a placeholder: the real file is in data-src,
    data-lazy-src or data-srcset, and no figure is lost or staged as the placeholder."""
    figures = _parse("publisher_lazy").figures
    urls = [u for f in figures for u in f.image_urls]
    assert len([f for f in figures if f.image_urls]) == 5
    assert not [u for u in urls if u.startswith("data:") or "loading" in u or u.endswith(".svg")]


def test_a_thumbnail_names_its_figure_page_and_the_page_gives_the_large_image():
    figures = _parse("publisher_lazy").figures
    assert [f.extra.get("figure_page", "") for f in figures] == [
        "", "", "", "", "https://www.jci-example.org/article/10.5555/jci.2020.0042/figures/5"]
    page = SOURCES["publisher_figure_page"].read_text()
    assert figure_page_image(page, "https://www.jci-example.org/article/10.5555/jci.2020.0042/figures/5") == (
        "https://www.jci-example.org/content/figures/jci-2020-0042-g005.jpg")
    # PMC's figures are full size on the article page: its "Open in a new tab" page is not asked for
    assert not [f for f in _parse("pmc_article").figures if "figure_page" in f.extra]
    with pytest.raises(BlockPageInsteadOfArticle):
        figure_page_image(SOURCES["pmc_recaptcha"].read_text(), "https://pmc.ncbi.nlm.nih.gov/articles/PMC1/figure/F1/")
    # the spider passes the body: a figure link answered with the image itself is no page, not a crash
    assert figure_page_image(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "https://example.org/figures/5") == ""
    assert figure_page_image(page.encode(), "https://www.jci-example.org/article/10.5555/jci.2020.0042/figures/5") == (
        "https://www.jci-example.org/content/figures/jci-2020-0042-g005.jpg")


def test_pmc_classic_layout_takes_the_large_rendition():
    figures = _parse("pmc_article_classic").figures
    assert [f.image_urls for f in figures] == [
        ["https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7151400/bin/fx1_lrg.jpg"],
        ["https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7151400/bin/gr2_lrg.jpg"]]


def test_high_res_download_link_comes_first_and_is_not_a_panel():
    figure = _parse("sciencedirect_article").figures[0]
    assert figure.image_url.endswith("-gr1_lrg.jpg") and "panel_files" not in figure.extra


def _images(name):
    return [image for case in cases_from_article(_parse(name)) for image in case.images]


def test_fig_group_is_one_figure_with_one_image_per_panel_file():
    images = [i for i in _images("PMC_fig_group") if i.extra["figure_number"] == 1]
    assert [i.source_url.rsplit("/", 1)[-1] for i in images] == ["gr1a.jpg", "gr1b.jpg"]
    assert [i.label for i in images] == ["a", "b"]
    assert [i.modality_text for i in images] == ["PA radiograph on admission",
                                                 "Axial CT on day 5 shows bilateral ground-glass opacities"]
    assert [i.date_text for i in images] == ["on admission", "day 5"]
    assert [i.extra["transform"] for i in images] == ["separate panel file"] * 2
    assert not any("needs_review" in i.extra for i in images)


def test_unlettered_panel_files_each_staged_and_flagged():
    images = [i for i in _images("PMC_fig_group") if i.extra["figure_number"] == 2]
    assert [i.source_url.rsplit("/", 1)[-1] for i in images] == ["gr2a.jpg", "gr2b.jpg"]
    assert all("does not letter" in i.extra["needs_review"] for i in images)
    # "on day 10 and day 16": which file is which day is not said, so neither gets a date text
    assert [i.date_text for i in images] == ["", ""]


def test_alternatives_renditions_are_one_image():
    images = [i for i in _images("PMC_fig_group") if i.extra["figure_number"] == 3]
    assert [i.source_url for i in images] == ["https://europepmc.org/articles/PMC7340004/bin/gr3.jpg"]


def test_html_figure_with_one_img_per_panel():
    images = [i for i in _images("publisher_lazy") if i.extra["figure_number"] == 4]
    assert [i.source_url.rsplit("/", 1)[-1] for i in images] == ["jci-2020-0042-g004-left.jpg",
                                                                "jci-2020-0042-g004-right.jpg"]
    assert [i.view_text for i in images] == ["PA radiograph on day 20", "Lateral radiograph on day 20"]


def test_panel_files_follow_pmc_cdn_addresses():
    jats = _parse("PMC_fig_group")
    html = parse_article_html(
        '<html><head><meta name="citation_title" content="T"><meta name="ncbi_pcid" content="PMC7340004"></head>'
        '<body><main><figure class="fig" id="fig1"><h4 class="obj_head">Figure 1</h4>'
        '<img src="https://cdn.ncbi.nlm.nih.gov/pmc/blobs/aa11/7340004/0123456789ab/gr1a.jpg">'
        '<img src="https://cdn.ncbi.nlm.nih.gov/pmc/blobs/aa11/7340004/ba9876543210/gr1b.jpg">'
        '<figcaption>Imaging</figcaption></figure></main></body></html>',
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC7340004/")
    merged = merge_figure_urls(jats, html)
    assert merged.figures[0].extra["panel_files"] == {
        "a": "https://cdn.ncbi.nlm.nih.gov/pmc/blobs/aa11/7340004/0123456789ab/gr1a.jpg",
        "b": "https://cdn.ncbi.nlm.nih.gov/pmc/blobs/aa11/7340004/ba9876543210/gr1b.jpg"}


# --- how captions are written: rules developed on the even rows of pmc-figures.csv, checked on the odd ---

@pytest.mark.parametrize("caption,kept", [
    ("Axial CT on day 4 shows GGO. CT, computed tomography; GGO, ground-glass opacity.",
     "Axial CT on day 4 shows GGO."),
    ("(B) Axial CT. CXR, chest radiograph; RT-PCR, reverse transcription polymerase chain reaction",
     "(B) Axial CT."),
    # one definition alone, or prose with semicolons, is not a glossary
    ("Axial CT shows GGO. CXR, chest radiograph.", "Axial CT shows GGO. CXR, chest radiograph."),
    ("PA radiograph on day 1; lateral radiograph on day 1.", "PA radiograph on day 1; lateral radiograph on day 1."),
])
def test_closing_abbreviation_list_is_not_read(caption, kept):
    assert without_glossary(caption) == kept


def test_a_glossary_does_not_make_a_ct_caption_mixed():
    caption = "Axial CT on day 4 shows ground-glass opacities. CT, computed tomography; CXR, chest radiograph."
    assert described(caption)["modality_text"] == "Axial CT on day 4 shows ground-glass opacities."


def test_a_panel_naming_two_modalities_is_read_by_its_first_sentence():
    own = "Chest radiograph shows a right basal opacity. CT was then performed"
    assert described(own)["modality_text"] == "Chest radiograph shows a right basal opacity"
    # ... but not a text several panels share (a range of panels), which stays blank
    assert described(own, own=False)["modality_text"] == ""
    # ... nor a first sentence that names none
    assert described("Day 3. Radiograph and CT were obtained")["modality_text"] == ""


def test_panels_sharing_a_range_text_do_not_take_its_first_sentence():
    caption = ("(A-D) Radiograph on day 1 (A) shows hazy opacities. Radiograph 3 hours later (B) shows "
               "worsening. CT (C, D) shows consolidation.")
    figure = Figure(label="Figure 1", number=1, caption=caption, image_urls=["https://example.org/f1.jpg"],
                    panel_captions=parse_subcaptions(caption))
    article = Article(doi="10.1/x", title="T", figures=[figure], paragraphs=["A 50-year-old man."])
    images = [i for c in cases_from_article(article) for i in c.images]
    # "(A-D)" opening the caption only announces the panels the sentences then name one by one
    # ("(A)", "(B)", "(C, D)"): each panel its own sentence, not the caption's first for all; "CT"
    # before "(C, D)" is the sentence's subject, not a letter's lead.
    assert [i.label for i in images] == ["a", "b", "c", "d"]
    assert [i.modality_text for i in images] == ["Radiograph on day 1 shows hazy opacities",
                                                 "Radiograph 3 hours later shows worsening",
                                                 "CT shows consolidation", "CT shows consolidation"]


def test_supplementary_images_are_figures_numbered_apart_and_other_files_are_skipped():
    article = parse_jats((FIXTURES / "PMC7360006_efetch.xml").read_bytes())
    assert [(f.number, f.label, f.image_urls, f.extra.get("supplementary")) for f in article.figures] == [
        (1, "Fig. 1", ["https://europepmc.org/articles/PMC7360006/bin/gr1.jpg"], None),
        (101, "Supplementary Figure S1", ["https://europepmc.org/articles/PMC7360006/bin/mmc1.jpg"], True)]
    assert [s["file"] for s in article.extra["supplementary_skipped"]] == ["mmc2.pdf", "mmc3.docx"]
    # A <fig> inside <supplementary-material> is read as a figure, and "Figure S2" is not Figure 2.
    xml = (FIXTURES / "PMC7360006_efetch.xml").read_text().replace(
        '<supplementary-material content-type="local-data" id="ec0010">',
        '<supplementary-material content-type="local-data" id="ec0020"><fig id="sf2"><label>Figure S2</label>'
        '<caption><p>(a) PA radiograph on day 12; (b) CT on day 12.</p></caption><graphic xlink:href="mmc4"/></fig>'
        '</supplementary-material><supplementary-material content-type="local-data" id="ec0010">')
    figures = parse_jats(xml).figures
    assert [(f.number, f.label, f.extra.get("from")) for f in figures] == [
        (102, "Figure S2", "supplementary-material"), (1, "Fig. 1", "floats-group"),
        (101, "Supplementary Figure S1", "supplementary-material")]
    assert figures[0].panel_captions == {"a": "PA radiograph on day 12", "b": "CT on day 12"}


def test_a_publisher_pages_supplementary_image_is_a_figure_and_its_word_file_is_skipped():
    """Springer's "Supplementary Information": Additional file 1 (a JPEG, the CT the body cites as
    Figure S1) is staged like a figure with its description as caption; file 2 (.docx) is skipped."""
    url = "https://bmcinfectdis.biomedcentral.com/articles/10.1186/s12879-020-05299-4"
    article = parse_article_html((FIXTURES / "springer_supplementary.html").read_bytes(), url)
    assert [(f.number, f.label, f.extra.get("supplementary")) for f in article.figures] == [
        (1, "Fig. 1", None), (101, "Additional file 1: Figure S1", True)]
    supplement = article.figures[1]
    assert supplement.image_urls == ["https://static-content.springer.com/esm/art%3A10.1186%2Fs12879-020-05299-4/"
                                     "MediaObjects/12879_2020_5299_MOESM1_ESM.jpg"]
    assert supplement.caption == "Axial chest CT on day 4: pneumomediastinum and bilateral ground-glass opacities."
    assert article.extra["supplementary_skipped"] == [
        {"file": "12879_2020_5299_MOESM2_ESM.docx", "label": "Additional file 2: Table S1",
         "reason": "supplementary material is a Word file, not an image"}]
    case, = cases_from_article(article)
    assert [i.extra.get("supplementary") for i in case.images] == [None, True]
    assert case.extra["supplementary_skipped"][0]["file"].endswith(".docx")


def test_a_warning_names_a_supplementary_figure_by_its_own_label():
    """The reviewer looks for "Supplementary Figure S1" in the paper, not the number it is kept
    under apart from the article's figures (101); the article's own figures keep "figure N"."""
    article = parse_jats((FIXTURES / "PMC7360006_efetch.xml").read_bytes())
    for figure in article.figures:
        figure.third_party, figure.third_party_evidence = True, "Reprinted from an earlier report"
    case, = cases_from_article(article)
    third_party = [w for w in case.warnings if "third-party" in w]
    assert third_party == ["figure 1 is third-party material: Reprinted from an earlier report",
                           "Supplementary Figure S1 is third-party material: Reprinted from an earlier report"]
