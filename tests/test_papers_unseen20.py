"""Figures, paragraphs and patients of the twentieth blind batch of papers (tests/fixtures/papers_unseen20/:
papers only on the publisher's platform), each through the rule it broke on the first crawl: the classes of
markup and writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.panels import parse_subcaptions
from ingest.papers import cases_from_article
from ingest.patients import split_patients
from ingest.publisher import parse_article_html

BATCH = Path(__file__).parent / "fixtures" / "papers_unseen20"
SAGE = "https://journals.sagepub.com/doi/10.1177/2050313X20984712"
SPRINGER = "https://ejrnm.springeropen.com/articles/10.1186/s43055-020-00351-9"
THIEME = "https://www.thieme-connect.com/products/ejournals/html/10.1055/s-0040-1722187"


def page(name: str, url: str):
    return parse_article_html((BATCH / name).read_bytes(), url)


# --- A caption opening with its label and no punctuation before the first letter (PDFs) ------------------

@pytest.mark.parametrize("caption, expected", [
    # Wiley's PDF legend: "FIGURE 1" then the first panel's "A," on the same line
    ("FIGURE 1 A, Posteroanterior chest radiograph at presentation. B, Axial CT image on 14 October 2020.",
     {"a": "Posteroanterior chest radiograph at presentation", "b": "Axial CT image on 14 October 2020"}),
    # Springer's PDF legend: bare lower-case letters
    ("Fig. 2 a Chest radiograph on admission. b Axial CT two days later",
     {"a": "Chest radiograph on admission", "b": "Axial CT two days later"}),
    ("FIGURE 3 A: Supine radiograph after intubation. B: Coronal CT on day 9.",
     {"a": "Supine radiograph after intubation", "b": "Coronal CT on day 9"}),
])
def test_a_label_run_into_the_first_panel_letter_still_letters_the_panels(caption, expected):
    """Staged as one whole figure (the CT and the radiograph together, no panel found) before."""
    assert parse_subcaptions(caption) == expected


@pytest.mark.parametrize("caption", [
    "Figure 1 A chest radiograph on admission showing bilateral opacities.",  # the article "A", no panels
    "FIGURE 2 Chest radiograph at follow-up: resolution of the pneumomediastinum.",
])
def test_a_label_before_an_unlettered_legend_makes_no_panels(caption):
    assert parse_subcaptions(caption) == {}


# --- Figures: a lazy medium rendition gives way to the figure's Download link ---------------------------

def test_a_lazy_loaded_figure_takes_its_download_link_to_the_large_image():
    """SAGE's ``<img data-src=".../medium/...">`` was staged; the curators crop the large image ("Download")."""
    figures = page("sage_scoa_20984712.html", SAGE).figures
    assert [f.image_urls[0] for f in figures] == [
        f"https://journals.sagepub.com/cms/10.1177/2050313X20984712/asset/images/large/10.1177_2050313X20984712-fig{n}.jpg"
        for n in (1, 2)]


def test_a_lazy_loaded_figure_without_a_download_link_keeps_its_image():
    html = (b'<html><head><meta name="citation_title" content="A case"></head><body><main><figure id="f1">'
            b'<img src="/pixel.gif" data-src="/cms/asset/images/medium/case-fig1.jpg" alt="">'
            b'<a href="#" class="figure__open-viewer">Open in viewer</a>'
            b'<figcaption>Figure 1. Chest radiograph on admission.</figcaption></figure></main></body></html>')
    figure = parse_article_html(html, "https://journal.example.org/doi/10.5555/x").figures[0]
    assert figure.image_urls == ["https://journal.example.org/cms/asset/images/medium/case-fig1.jpg"]


# --- Paragraphs: Atypon's role="paragraph", Springer's sub-headings beside the paragraphs -----------------

def test_atypon_role_paragraph_divs_are_the_body_text():
    """SAGE's body was read as no paragraph at all: the man's sex, the dates of his films were lost."""
    paragraphs = page("sage_scoa_20984712.html", SAGE).paragraphs
    assert any(p.startswith("Case presentation: A man in his 60s") for p in paragraphs)
    assert not any("Organizing pneumonia is increasingly recognized" in p for p in paragraphs)  # the abstract


def test_a_sub_heading_beside_the_paragraphs_names_each_patient():
    """Springer's ``h3`` "Case 1" / "Case 2" inside "Case presentation": both patients lost age and sex."""
    article = page("springeropen_ejrnm_351.html", SPRINGER)
    heads = [p.split(": ", 1)[0] for p in article.paragraphs if "year-old" in p]
    assert heads == ["Case presentation / Case 1", "Case presentation / Case 2"]
    patients = split_patients(article.paragraphs, [f.caption for f in article.figures])
    assert [(p.number, p.descriptor.age if p.descriptor else None) for p in patients] == [(1, 47), (2, 71)]


# --- A PDF's numbered heading in capitals run into its paragraph ------------------------------------------

def test_a_pdf_numbered_capital_heading_opens_the_case_section():
    """Wiley's "1 | CASE PRESENTATION. On Monday ..." was body text without a heading, so only the "Key
    Clinical Message" (a heading with "clinical") was the case's text: no age, no sex."""
    paragraphs = [
        "Key Clinical Message: Spontaneous pneumomediastinum can complicate COVID-19 pneumonia.",
        "1 | CASE PRESENTATION. On Monday, 12 October 2020, a 39-year-old nonsmoker presented with 3 days of "
        "fever. She had no past medical history.",
        "2 | DISCUSSION. Pneumomediastinum in COVID-19 is thought to follow alveolar rupture.",
    ]
    (patient,) = split_patients(paragraphs, [])
    assert patient.descriptor is not None and patient.descriptor.age == 39
    assert not any("alveolar rupture" in p for p in patient.paragraphs)


def test_a_numbered_sentence_is_no_heading():
    paragraphs = ["Case presentation: A 52-year-old man presented with fever.",
                  "3. Results were reviewed by two radiologists. He improved."]
    (patient,) = split_patients(paragraphs, [])
    assert patient.descriptor is not None and patient.descriptor.age == 52


# --- Two patients: "The mother's ..." is the mother; a figure only her paragraphs cite is hers -------------

def test_a_sentence_opening_with_the_relation_a_patient_is_returns_to_her():
    """After "Her 3-year-old son had a fever", "The mother's oxygen saturation ..." and the paragraphs after it
    were the son's: the mother's second and third CTs went to no patient."""
    article = page("thieme_s-0040-1722187.html", THIEME)
    mother, son = split_patients(article.paragraphs, [f.caption for f in article.figures])
    assert (mother.descriptor.age, son.descriptor.age) == (41, 3)
    assert any(p.startswith("The mother's oxygen saturation") for p in mother.paragraphs)
    assert any(p.startswith("Two days after admission her oxygen") for p in mother.paragraphs)
    assert not any("oxygen saturation" in p for p in son.paragraphs)


def test_a_relation_another_patient_is_not_does_not_switch():
    paragraphs = ["Case presentation: A 41-year-old woman presented with fever for 4 days. Her 3-year-old son "
                  "had a cough for 2 days. The father was well and tested negative. He was observed at home."]
    mother, son = split_patients(paragraphs, [])
    assert any("The father was well" in p for p in son.paragraphs)  # the son's text goes on: no switch
    assert not any("The father" in p for p in mother.paragraphs)


def test_a_figure_its_caption_names_no_one_goes_to_the_patient_whose_paragraphs_cite_it():
    cases = cases_from_article(page("thieme_s-0040-1722187.html", THIEME))
    by_figure = {i.extra.get("figure_number"): c.extra.get("patient_number") for c in cases for i in c.images}
    assert by_figure == {1: 1, 2: 1, 3: 1, 4: 2}


# --- A fact told of both patients ("positive ... in both") is each one's ------------------------------------

def test_a_test_positive_in_both_is_the_mothers_too():
    """"Her 3-year-old son had had a fever for 2 days. RT-PCR of nasopharyngeal swabs was positive for SARS-CoV-2
    in both.": the sentence sits in the son's text, and is the mother's fact too (her finding was blank)."""
    from ingest.case_fields import normalize_case

    article = page("thieme_s-0040-1722187.html", THIEME)
    mother, son = split_patients(article.paragraphs, [f.caption for f in article.figures])
    assert any("positive for SARS-CoV-2 in both" in p for p in mother.paragraphs)
    assert any("positive for SARS-CoV-2 in both" in p for p in son.paragraphs)
    findings = {c.extra.get("patient_number"): {r.field: r.value for r in normalize_case(c)}["finding"]
                for c in cases_from_article(article)}
    assert findings[1] == "Pneumonia/Viral/COVID-19"
    assert findings[2] == "Pneumonia/Viral/COVID-19"


@pytest.mark.parametrize("sentence", ["Both tested positive for SARS-CoV-2 on RT-PCR.",
                                      "Both patients were positive for SARS-CoV-2 on RT-PCR.",
                                      "SARS-CoV-2 RNA was detected in both of them."])
def test_other_ways_of_telling_a_fact_of_both(sentence):
    paragraphs = [f"Case presentation: A 41-year-old woman presented with fever for 4 days. Her 3-year-old son "
                  f"had had a fever for 2 days. {sentence} The mother's oxygen saturation was 93%."]
    mother, son = split_patients(paragraphs, [])
    assert any(sentence in p for p in mother.paragraphs)
    assert any(sentence in p for p in son.paragraphs)


def test_both_lungs_or_lobes_are_no_fact_of_both_patients():
    paragraphs = ["Case presentation: A 41-year-old woman presented with fever for 4 days. Her 3-year-old son "
                  "had had a fever for 2 days. His CT showed ground-glass opacities in both lower lobes. "
                  "The mother's CT was normal in both lungs."]
    mother, son = split_patients(paragraphs, [])
    assert not any("lower lobes" in p for p in mother.paragraphs)
    assert not any("normal in both lungs" in p for p in son.paragraphs)
