"""Writing and markup patterns of the papers the team had not seen (tests/fixtures/papers_unseen/),
each through the parser or the patients' reading it broke on the first crawl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.jats import parse_jats
from ingest.normalize import NORMALIZERS
from ingest.papers import _CITATION, _cited_letters, cases_from_article
from ingest.patients import split_patients
from ingest.publisher import parse_article_html
from ingest.timeline import (
    HOSPITAL_DAY,
    SINCE_ADMISSION,
    ImageTexts,
    Moment,
    case_timeline,
    discharge_moment,
    history_dates,
    text_moments,
)

UNSEEN = Path(__file__).parent / "fixtures" / "papers_unseen"
CRPCC = "https://www.crpcc-example.org/article/10.5555/crpcc.2020.118"


def _jats(name: str):
    return parse_jats((UNSEEN / name).read_bytes())


def _value(field: str, text: str):
    return NORMALIZERS[field](text).value


def test_bold_letters_heading_the_panels_of_a_springer_jats_caption_are_the_panels_words():
    # "Chest imaging of patient 1 (a, b) and patient 2 (c, d). a Posteroanterior ... b Axial CT ...":
    # the lead's groups are not the panels' own words.
    (figure,) = _jats("PMC7810066_efetch.xml").figures
    assert list(figure.panel_captions) == ["a", "b", "c", "d"]
    assert figure.panel_captions["a"].startswith("Posteroanterior chest X-ray of patient 1, 4 days after")
    assert figure.panel_captions["d"].startswith("Coronal CT reconstruction of patient 2 on admission")
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(_jats("PMC7810066_efetch.xml"))}
    assert [(i.label, i.modality_text.split()[0]) for i in cases["patient1"].images] == [
        ("a", "Posteroanterior"), ("b", "Axial")]
    assert [i.label for i in cases["patient2"].images] == ["c", "d"]


def test_an_article_page_of_a_journals_own_platform_gives_its_body_and_its_figures_tab():
    article = parse_article_html((UNSEEN / "crj_landing.html").read_text(), CRPCC)
    assert article.figures == []
    assert article.extra["figures_tab"] == f"{CRPCC}/figures"
    assert [p.split(":")[0] for p in article.paragraphs] == [
        "Abstract", "Introduction", "Case presentation", "Case presentation", "Discussion"]
    assert not any("Nwosu" in p or "Hamburg" in p or "open access article" in p for p in article.paragraphs)


def test_figure_holders_classed_as_figures_on_a_figures_tab():
    article = parse_article_html((UNSEEN / "crj_figures.html").read_text(), f"{CRPCC}/figures")
    assert [(f.label, f.number, f.image_urls) for f in article.figures] == [
        ("Figure 1", 1, ["https://www.crpcc-example.org/content/crpcc/8/118/F1.large.jpg"]),
        ("Figure 2", 2, ["https://www.crpcc-example.org/content/crpcc/8/118/F2.large.jpg"])]
    assert article.figures[0].panel_captions == {
        "a": "Posteroanterior view showing bilateral patchy opacities predominantly in the lower zones",
        "b": "Lateral view"}
    assert "figures_tab" not in article.extra


def test_patients_told_in_order_are_numbered_and_their_sex_read_from_the_pronouns():
    cases = cases_from_article(_jats("PMC7810044_fullTextXML.xml"))
    assert [c.source_key.rsplit("#", 1)[1] for c in cases] == ["patient1", "patient2"]
    assert [(_value("age", c.age_text), _value("sex", c.sex_text)) for c in cases] == [(41, "F"), (68, "M")]
    assert [[i.label for i in c.images] for c in cases] == [["Fig. 1"], ["a", "b"]]


def test_one_ordinal_is_no_numbering():
    patients = split_patients(["Case: We report the first case of COVID-19 pneumonia in Gotland, a 50-year-old man."],
                              [])
    assert [(p.number, p.named_by) for p in patients] == [(1, "single")]


def test_the_abstract_introduces_a_patient_the_body_does_not():
    article = _jats("PMC7810011_efetch.xml")
    assert article.extra["abstract"][1].startswith("We report a 47-year-old woman")
    (case,) = cases_from_article(article)
    assert (_value("age", case.age_text), _value("sex", case.sex_text)) == (47, "F")
    # The onset the offsets count from is the abstract's ("an eight-day history"), read first.
    assert case.history.startswith("47-year-old woman who presented with an eight-day history")


def test_each_patient_of_a_table_and_each_fig_of_a_fig_group_to_its_patient():
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(_jats("PMC7810022_efetch.xml"))}
    assert sorted(cases) == ["patient1", "patient2", "patient3"]
    assert [i.source_url.rsplit("/", 1)[1] for i in cases["patient1"].images] == ["jcm-09-01822-g002a.jpg"]
    assert [i.source_url.rsplit("/", 1)[1] for i in cases["patient3"].images] == ["jcm-09-01822-g002b.jpg"]
    assert sorted((k, _value("age", c.age_text), _value("sex", c.sex_text)) for k, c in cases.items()) == [
        ("patient1", 52, "M"), ("patient2", 45, "F"), ("patient3", 78, "M")]
    # The table's onset-to-admission days, in the words the timeline reads.
    assert cases["patient2"].history.endswith("Table 1, patient 2: Age: 45; Sex: F; "
                                              "symptom onset 4 days before admission")


WILEY = "https://onlinelibrary.wiley.com/doi/10.1002/rcr2.620"


def test_wiley_caption_text_without_its_header_and_viewer_link_and_ascii_hyphens():
    article = parse_article_html((UNSEEN / "wiley_rcr2_620.html").read_text(), WILEY)
    first, _second = article.figures
    assert (first.label, first.caption) == (
        "Figure 1", "Chest radiograph (A) and chest computed tomography (CT) (B) on admission showing "
                    "consolidation in the right lower lobe.")
    assert first.image_urls == ["https://onlinelibrary.wiley.com/cms/asset/8c41a7d2-5e3b-4f9a-b0d6-2a9e7c5f1b34/"
                                "rcr2620-fig-0001-m.jpg"]
    # "71\u2010year\u2010old", "10\u2010day history" (U+2010): read as the ASCII hyphen they are.
    (case,) = cases_from_article(article)
    assert (_value("age", case.age_text), _value("sex", case.sex_text)) == (71, "M")
    assert "a 10-day history of fever" in case.history and "\u2010" not in case.history
    # "2 weeks after admission" is the moment of the second figure, not the admission's.
    assert case.images[-1].date_text == "2 weeks after admission"


def test_unicode_hyphens_of_a_jats_record_are_ascii():
    xml = (UNSEEN / "PMC7810011_efetch.xml").read_bytes().replace(b"47-year-old", "47\u2010year\u2010old".encode())
    assert parse_jats(xml).extra["abstract"][1].startswith("We report a 47-year-old woman")


FRONTIERS = "https://www.frontiersin.org/articles/10.3389/fmed.2020.572913/full"


def test_frontiers_figure_descriptions_body_paragraphs_and_the_leads_moment():
    article = parse_article_html((UNSEEN / "frontiers_fmed_572913.html").read_text(), FRONTIERS)
    assert [(f.label, f.image_urls[0].rsplit("/", 1)[1]) for f in article.figures] == [
        ("Figure 1", "fmed-07-572913-g001.jpg"), ("Figure 2", "fmed-07-572913-g002.jpg")]
    assert article.figures[0].panel_captions == {
        "a": "axial image showing bilateral peripheral ground-glass opacities",
        "b": "coronal reconstruction showing the predominantly basal distribution"}
    # The body's paragraphs (no <main>/<article>), without the captions and the copyright line.
    # (each under its heading's title, as the JATS ones: "Case Description: A 34-year-old ...").
    assert any(p.startswith("Case Description: A 34-year-old pregnant woman") for p in article.paragraphs)
    assert not any(p.startswith(("Figure", "Copyright")) or "Creative Commons" in p for p in article.paragraphs)
    (case,) = cases_from_article(article)
    # "Chest CT images on admission: (A) axial ...; (B) coronal ...": the lead's one moment is each panel's.
    assert [(i.label, i.date_text) for i in case.images] == [
        ("a", "on admission"), ("b", "on admission"), ("Figure 2", "10 days after admission")]


MDPI = "https://www.mdpi.com/2075-4418/10/9/654"
BMJ = "https://casereports.bmj.com/content/13/9/e237112"


def test_mdpi_html_fig_wraps_their_large_pngs_descriptions_and_html_p_paragraphs():
    # MDPI's own page: <div class="html-fig_wrap">, <img data-large=... data-lsrc=...-550.jpg>,
    # the caption in div.html-fig_description with bold panel letters, paragraphs as div.html-p.
    article = parse_article_html((UNSEEN / "mdpi_diagnostics_10_654.html").read_text(), MDPI)
    images = "https://www.mdpi.com/diagnostics/diagnostics-10-00654/article_deploy/html/images"
    assert [(f.label, f.image_urls) for f in article.figures] == [
        ("Figure 1", [f"{images}/diagnostics-10-00654-g001.png"]),
        ("Figure 2", [f"{images}/diagnostics-10-00654-g002.png"])]
    assert list(article.figures[0].panel_captions) == ["a", "b"]
    assert any(p.startswith("2. Case Presentation: A 31-year-old woman") for p in article.paragraphs)
    (case,) = cases_from_article(article)
    assert case.age_text and "31" in case.age_text


def test_highwire_colorbox_link_resizing_query_is_left_out_of_the_figures_url():
    # BMJ's (HighWire) image link: F1.large.jpg?width=800&height=600&carousel=1, a resized rendition.
    article = parse_article_html((UNSEEN / "bmj_bcr_237112.html").read_text(), BMJ)
    assert [f.image_urls for f in article.figures] == [
        [f"https://casereports.bmj.com/content/bmjcr/13/9/e237112/F{n}.large.jpg"] for n in (1, 2)]


def test_a_single_patient_introduced_by_age_and_occupation_has_the_paragraphs_pronouns_as_sex():
    # "A 64-year-old retired teacher presented ... She had type 2 diabetes ...": no person's word.
    (case,) = cases_from_article(parse_article_html((UNSEEN / "bmj_bcr_237112.html").read_text(), BMJ))
    assert case.age_text.startswith("A 64-year-old retired teacher presented")
    assert _value("age", case.age_text) == 64
    # the pronoun opening the next sentence ("... breathlessness. She had type 2 diabetes"): papers_unseen23
    assert case.sex_text.endswith("breathlessness. She")
    assert _value("sex", case.sex_text) == "F"


def test_numbered_patients_introduced_in_passing_in_a_shared_paragraph():
    # "We describe a married couple ... Patient 1, a 36-year-old man, developed ... His 33-year-old
    # wife (Patient 2) developed ...": each descriptor to the one patient its sentence names.
    page = parse_article_html((UNSEEN / "oup_jtm_taaa041.html").read_text(),
                              "https://academic.oup.com/jtm/article/27/3/taaa041/5809508")
    cases = cases_from_article(page)
    assert [(_value("age", c.age_text), _value("sex", c.sex_text)) for c in cases] == [(36, "M"), (33, "F")]
    # The shared paragraph is no one's history: its first age is patient 1's.
    assert "36-year-old" not in cases[1].history


def test_a_captions_day_of_admission_keeps_what_it_counts_from():
    # "CT pulmonary angiogram on day 3 of admission. (A) Axial ...": "day 3" alone has no anchor.
    (case,) = cases_from_article(parse_article_html((UNSEEN / "bmj_bcr_237112.html").read_text(), BMJ))
    assert [(i.label, i.date_text) for i in case.images] == [
        ("Figure 1", "on admission"), ("a", "day 3 of admission"), ("b", "day 3 of admission")]


def test_a_signed_image_query_is_kept_only_resizing_queries_are_dropped():
    # Oxford Academic's lazy data-src is a signed CDN URL: its query is the permission, not a size.
    page = parse_article_html((UNSEEN / "oup_jtm_taaa041.html").read_text(),
                              "https://academic.oup.com/jtm/article/27/3/taaa041/5809508")
    ((url,),) = [f.image_urls for f in page.figures]
    assert url.endswith("taaa041f1.jpeg?Expires=1893456000&Signature=Qm7x2Lk9dPz~aT4vYw0bN3cR8eHs1uJf"
                        "&Key-Pair-Id=APKAIE5G5CRDK6RD3PGA")
    odd = ('<html><head><meta name="citation_title" content="x"></head><body><article><figure>'
           '<a href="/F1.large.jpg?width=800&width=&carousel"><img src="/F1.small.gif"></a>'
           '<a href="/F2.large.jpg?"><img src="/F2.small.gif"></a></figure></article></body></html>')
    urls = [u for f in parse_article_html(odd, "https://example.org/a").figures for u in f.image_urls]
    assert urls == ["https://example.org/F1.large.jpg", "https://example.org/F2.large.jpg"]


KARGER = "https://www.karger.com/Article/FullText/509876"


def test_karger_table_layout_its_figure_tables_captions_and_paragraphs():
    # Karger's plain HTML: the whole article in a layout table's cell, each figure a <table class="figure">
    # (an image row, then td.figcaption "<b>Fig. 2.</b> Chest CT, axial (<b>a</b>) and coronal (<b>b</b>) ...").
    article = parse_article_html((UNSEEN / "karger_crp_509876.html").read_text(), KARGER)
    assert [(f.label, f.image_urls) for f in article.figures] == [
        ("Fig. 1", [f"{KARGER}/img/crp-0008-0101-g01.jpg"]), ("Fig. 2", [f"{KARGER}/img/crp-0008-0101-g02.jpg"])]
    assert article.figures[1].caption.startswith("Chest CT, axial (a) and coronal (b) reconstructions")
    assert list(article.figures[1].panel_captions) == ["a", "b"]
    # The body's paragraphs (a layout table is no float), not the captions; neither table is a table of data.
    assert any(p.startswith("Case Report: A 66-year-old man") for p in article.paragraphs)
    assert not any(p.startswith("Fig.") for p in article.paragraphs)
    assert article.tables == []
    (case,) = cases_from_article(article)
    assert case.age_text and "66" in case.age_text


def test_the_moment_after_a_list_of_lettered_panels_is_every_listed_panels():
    # "Chest radiograph (A) and chest CT (B) on admission showing ...": the letters trail their panels'
    # words, so A's sub-caption stops before the moment; the moment after the list is both panels'.
    article = parse_article_html((UNSEEN / "wiley_rcr2_620.html").read_text(), WILEY)
    case = cases_from_article(article)[0]
    assert [(i.label, i.date_text) for i in case.images][:2] == [("a", "on admission"), ("b", "on admission")]
    karger = cases_from_article(parse_article_html((UNSEEN / "karger_crp_509876.html").read_text(), KARGER))[0]
    assert [(i.label, i.date_text) for i in karger.images][1:] == [
        ("a", "8 days after admission"), ("b", "8 days after admission")]


def test_a_list_of_panels_each_with_its_moment_or_describing_its_panel_gives_no_shared_moment():
    from ingest.papers import _list_tail_moment

    assert _list_tail_moment("Chest radiograph (A) on admission and chest CT (B) on day 5.", "a") == ""
    assert _list_tail_moment("Chest radiograph (A) and chest CT (B) on admission and on day 5.", "a") == ""
    assert _list_tail_moment("(A) Axial CT showing consolidation (B) coronal image on day 5", "a") == ""
    assert _list_tail_moment("Chest radiograph (A) and chest CT (B) on admission.", "b") == ""  # B's own words
    assert _list_tail_moment("((A) (", "a") == "" and _list_tail_moment("", "") == ""


def test_a_caption_without_a_moment_takes_the_one_its_citing_sentence_names():
    # Elsevier JATS: "Axial CT pulmonary angiogram (lung window) showing ..." names no moment; the text
    # does: "A CT pulmonary angiogram four days after admission excluded ... (Fig. 2)."
    (case,) = cases_from_article(_jats("PMC7810188_efetch.xml"))
    assert [(i.label, i.date_text) for i in case.images] == [
        ("a", "On admission"), ("b", "Three days after admission"),
        ("Fig. 2", "four days after admission excluded pulmonary embolism and showed extensive bilateral "
                   "ground-glass opacities and consolidation")]
    assert case.images[2].extra["date_from"] == "the text's sentence citing the figure"
    # "On the sixth day after admission, ... Chest CT at that time showed ... (Figure 2A–C)": the sentence before.
    (case,) = cases_from_article(_jats("PMC7810177_efetch.xml"))
    assert [i.date_text for i in case.images][1] == "sixth day after admission"


def test_a_citing_sentence_naming_two_moments_or_other_panels_gives_none():
    from ingest.papers import _cited_moment

    assert _cited_moment(["CT on admission and on day 5 showed opacities (Fig. 2)."], 2, "") == ""
    assert _cited_moment(["CT four days after admission showed opacities (Fig. 2b)."], 2, "a") == ""
    assert _cited_moment(["CT four days after admission showed opacities (Fig. 2a-c)."], 2, "b") != ""
    assert _cited_moment(["CT four days after admission showed opacities (Fig. 3)."], 2, "") == ""
    assert _cited_moment(["Figure (", "", "Fig. 2 (( )"], 2, "a") == ""


def test_taylor_and_francis_thumbnail_gives_the_figure_viewers_full_size_file_first():
    # T&F's page holds only the figure viewer's ..._f0001_b.gif thumbnail; the viewer shows ..._f0001_oc.jpg.
    page = parse_article_html((UNSEEN / "tandf_iidi_1789456.html").read_text(),
                              "https://www.tandfonline.com/doi/full/10.1080/23744235.2020.1789456")
    assets = ["https://www.tandfonline.com/cms/asset/5d1e8a3c-7b2f-4e6a-9c0d-1f2e3a4b5c6d/iidi_a_1789456_f0001",
              "https://www.tandfonline.com/cms/asset/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/iidi_a_1789456_f0002"]
    assert [f.extra.get("full_size_guess") for f in page.figures] == [[f"{a}_oc.jpg"] for a in assets]
    assert [f.image_urls for f in page.figures] == [[f"{a}_b.gif"] for a in assets]
    # A file of another site, or T&F's full size itself, is left as it is.
    other = ('<html><head><meta name="citation_title" content="x"></head><body><article><figure>'
             '<img src="/cms/asset/5d1e/x_f0001_oc.jpg"><img src="https://example.org/cms/asset/1/x_f0001_b.gif">'
             '</figure></article></body></html>')
    assert [f.extra.get("full_size_guess") for f in parse_article_html(other, "https://www.tandfonline.com/doi/x")
            .figures] == [None]


HINDAWI = "https://www.hindawi.com/journals/criid/2020/8841234/"


def test_flat_markup_headings_are_the_paragraphs_sections_and_number_their_patients():
    # Hindawi: <h2>2. Case Presentation</h2><h3>2.1. Case 1</h3><p>A 44-year-old man ...</p> ...
    # <h3>2.2. Case 2</h3><p>The 41-year-old wife of case 1 ...</p><h3>2.3. Case 3</h3><p>Their 12-year-old son ...
    # No <section>: the headings before a paragraph are its section's titles.
    article = parse_article_html((UNSEEN / "hindawi_criid_8841234.html").read_text(), HINDAWI)
    assert "2. Case Presentation / 2.2. Case 2: The 41-year-old wife of case 1 developed" in "\n".join(
        article.paragraphs)
    assert any(p.startswith("3. Discussion: The three cases") for p in article.paragraphs)
    cases = cases_from_article(article)
    assert [(_value("age", c.age_text), _value("sex", c.sex_text)) for c in cases] == [
        (44, "M"), (41, "F"), (12, "M")]
    # Each case has its own figures: the son's CT is his (age 12: never released).
    assert [[i.source_url.rsplit("/", 1)[-1] for i in c.images] for c in cases] == [
        ["8841234.fig.001.jpg", "8841234.fig.002.jpg", "8841234.fig.002.jpg"], ["8841234.fig.003.jpg"],
        ["8841234.fig.004.jpg"]]


DOVE = ("https://www.dovepress.com/spontaneous-pneumomediastinum-in-three-patients-with-covid-19-pneumonia"
        "-peer-reviewed-fulltext-article-IMCRJ")


def test_a_table_of_patients_headed_age_with_its_unit_then_sex():
    # Dove: "Age (Years)/Sex" over "54/M", "Days from Symptom Onset to Admission" over "6".
    article = parse_article_html((UNSEEN / "dove_imcrj_271234.html").read_text(), DOVE)
    cases = cases_from_article(article)
    assert [(_value("age", c.age_text), _value("sex", c.sex_text)) for c in cases] == [
        (54, "M"), (47, "F"), (61, "M")]
    assert "symptom onset 6 days before admission" in cases[0].age_text


def test_an_ordinal_day_after_admission_is_counted_and_hindawis_panel_citations_name_each_panel():
    # "On the third day after admission, ... a chest CT scan was performed, which showed ... (Figures 2(a)
    # and 2(b))": both panels cited.
    cases = cases_from_article(parse_article_html((UNSEEN / "hindawi_criid_8841234.html").read_text(), HINDAWI))
    assert [(i.label, i.date_text) for i in cases[0].images] == [
        ("Figure 1", "on admission"), ("a", "third day after admission"), ("b", "third day after admission")]
    # ... which the timeline counts without the "the" the citing sentence's moment leaves behind.
    assert text_moments("third day after admission", "caption") == (
        Moment(SINCE_ADMISSION, 3, "third day after admission", "caption"),)
    # The "a" and "d" of "and" are no panels: "Figure 2A and B" cites a and b only.
    assert [(m.group(1), sorted(_cited_letters(m.group(2)))) for m in _CITATION.finditer(
        "Figure 2A and B, Figures 3, a, and 3, c, Figures 4, a, and 5, b")] == [
        ("2", ["a", "b"]), ("3", ["a", "c"]), ("4", ["a"])]


def test_an_admission_to_the_intensive_care_unit_is_not_the_hospital_admission_the_offsets_count_from():
    # T&F: "developed fever and dry cough on 14 March 2020. He was admitted to our hospital on 18 March 2020
    # ... He was admitted to the intensive care unit on 22 March ...": the admission is 18 March.
    (case,) = cases_from_article(parse_article_html((UNSEEN / "tandf_iidi_1789456.html").read_text(),
                                                    "https://www.tandfonline.com/doi/full/10.1080/23744235.2020.1789456"))
    assert "admitted to the intensive care unit on 22 March" in case.history
    assert history_dates(case.history) == ((date(2020, 3, 14), "14 March 2020"), (date(2020, 3, 18), "18 March 2020"))
    for icu in ("An ICU admission on 22 March followed.", "She was moved and admitted into the ICU on 22 March."):
        assert history_dates(f"Fever began on 14 March. She was admitted on 18 March. {icu}")[1] == (
            date(2020, 3, 18), "18 March")


def test_a_radiograph_whose_caption_names_no_view_takes_the_one_its_citing_sentence_names():
    # Hindawi: caption "Case 1. Chest radiograph on admission ..."; text "The posteroanterior chest radiograph on
    # admission showed ... (Figure 1)".
    cases = cases_from_article(parse_article_html((UNSEEN / "hindawi_criid_8841234.html").read_text(), HINDAWI))
    first = cases[0].images[0]
    assert first.view_text.startswith("The posteroanterior chest radiograph on admission showed")
    assert _value("view", first.view_text) == "PA"
    assert first.extra["view_from"] == "the text's sentence citing the figure"
    # A CT is not given an X-ray's view; nor is a panel the sentence does not cite by its letter.
    assert [i.view_text for i in cases[0].images[1:]] == ["", ""]
    # SAGE: "(A) on presentation, ...; (B) on hospital day 5, ...; (C) 6 weeks after discharge, ...": C's citing
    # sentence names PA; A's and B's say "portable" (AP or AP Supine: the view rule leaves it blank).
    (case,) = cases_from_article(_jats("PMC7810199_efetch.xml"))
    views = [i.view_text for i in case.images]
    assert views[2] == ("A posteroanterior chest radiograph at her clinic visit 6 weeks after discharge showed "
                        "near-complete resolution")
    assert [_value("view", v) for v in views] == [None, None, "PA"]


def test_a_film_weeks_after_discharge_counts_from_the_day_the_history_discharges_the_patient():
    # "She was discharged 15 days after admission" (AJCR), "He was discharged on 2 April 2020" (T&F), "discharged
    # home on hospital day 12" (SAGE), "discharged ... on April 10" (Wiley): each its one discharge moment.
    assert [(m.kind, m.days) for m in (discharge_moment(h) for h in (
        "She was discharged 15 days after admission. A follow-up radiograph is shown in the Appendix.",
        "She was discharged home on hospital day 12 without supplemental oxygen."))] == [
        (SINCE_ADMISSION, 15), (HOSPITAL_DAY, 12)]
    assert discharge_moment("He was discharged on 2 April 2020.").days == date(2020, 4, 2).toordinal()
    # Another person's discharge, or two different days, give none.
    assert discharge_moment("Her husband was discharged on day 3.") is None
    assert discharge_moment("He was discharged on 2 April. He was discharged again 9 days after admission.") is None
    timeline = case_timeline("Fever for 4 days. She was discharged 15 days after admission.", [
        ImageTexts(0, caption="Chest X-ray on admission."),
        ImageTexts(1, caption="Chest X-ray 4 weeks after discharge.")])
    assert [o.value for o in timeline.offsets] == [4, 47]
    assert timeline.offsets[1].rule == "timeline.after-discharge"
    (case,) = cases_from_article(_jats("PMC7810211_efetch.xml"))  # Wiley: "D, ... 2 weeks after discharge"
    assert case.images[3].date_text == "2 weeks after discharge"
    assert discharge_moment(case.history).evidence == "April 10"
