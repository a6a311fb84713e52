"""Writing and markup patterns of the second blind batch of papers (tests/fixtures/papers_unseen2/),
each through the parser or the normalizer it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalize import NORMALIZERS
from ingest.publisher import parse_article_html
from ingest.timeline import ImageTexts, case_timeline

UNSEEN2 = Path(__file__).parent / "fixtures" / "papers_unseen2"
MEDRXIV = "https://www.medrxiv.org/content/10.1101/2020.05.08.20095851v1"


def _value(field: str, text: str):
    return NORMALIZERS[field](text).value


def test_a_preprint_landing_page_showing_the_abstract_only_names_its_full_text_tab():
    article = parse_article_html((UNSEEN2 / "medrxiv_2020.05.08.20095851v1.html").read_text(), MEDRXIV)
    assert article.figures == []
    assert article.extra["figures_tab"] == f"{MEDRXIV}.full-text"


def test_the_full_text_tab_gives_the_large_figures_and_names_no_further_tab():
    article = parse_article_html((UNSEEN2 / "medrxiv_2020.05.08.20095851v1.full-text.html").read_text(),
                                 f"{MEDRXIV}.full-text")
    early = "https://www.medrxiv.org/content/medrxiv/early/2020/05/13/2020.05.08.20095851"
    assert [(f.number, f.image_urls) for f in article.figures] == [
        (1, [f"{early}/F1.large.jpg"]), (2, [f"{early}/F2.large.jpg"])]
    assert "figures_tab" not in article.extra


@pytest.mark.parametrize("text, sex, age", [
    # Portuguese patient lines (Radiologia Brasileira, J Bras Pneumol)
    ("Paciente do sexo feminino, 42 anos, previamente hígida, com febre havia 6 dias.", "F", 42),
    ("Paciente do sexo masculino, 71 anos, diabético.", "M", 71),
    ("Homem de 55 anos, tabagista, procurou o serviço de emergência.", "M", 55),
    ("Mulher, 30 anos, gestante de 32 semanas.", "F", 30),
])
def test_a_portuguese_patient_line_gives_sex_and_age(text, sex, age):
    assert (_value("sex", text), _value("age", text)) == (sex, age)


@pytest.mark.parametrize("text", [
    "Hipertenso há 10 anos, em uso de losartana.",          # a time ago, not an age
    "Diabética desde hace 12 años.",
    "Ex-tabagista havia 20 anos.",
])
def test_years_ago_are_no_age(text):
    assert _value("age", text) is None


@pytest.mark.parametrize("caption, modality, view, offset", [
    ("Tomografia computadorizada de tórax, cortes axiais, realizada na admissão.", "CT", "Axial", 0),
    ("Tomografia computadorizada do tórax na internação: opacidades em vidro fosco.", "CT", None, 0),
    ("Radiografia de tórax em incidência posteroanterior, 12 dias após a admissão.", "X-ray", "PA", 12),
    ("TC de tórax, imágenes axiales con ventana de pulmón.", "CT", "Axial", None),
])
def test_portuguese_and_spanish_captions_give_modality_view_and_time(caption, modality, view, offset):
    assert (_value("modality", caption), _value("view", caption), _value("offset", caption)) == (
        modality, view, offset)


def test_a_spanish_film_days_after_admission_counts_from_the_onset_the_history_gives():
    history = "Mujer de 71 años que ingresa por disnea y fiebre de 6 días de evolución."
    images = [ImageTexts(0, caption="Radiografía de tórax portátil al ingreso."),
              ImageTexts(1, caption="TC de tórax a los 3 días del ingreso: consolidaciones periféricas."),
              ImageTexts(2, caption="TC de control a los 12 días del inicio de los síntomas.")]
    assert [o.value for o in case_timeline(history, images).offsets] == [6, 9, 12]


def test_a_portuguese_film_on_admission_counts_from_the_onset_the_history_gives():
    history = "Homem de 60 anos procurou o pronto-socorro com febre e tosse havia 5 dias."
    images = [ImageTexts(0, caption="Radiografia de tórax realizada na internação."),
              ImageTexts(1, caption="Tomografia computadorizada 3 dias após a admissão.")]
    assert [o.value for o in case_timeline(history, images).offsets] == [5, 8]


def test_a_spanish_and_a_portuguese_caption_lead_date_every_panel():
    # "TC de tórax a los 4 días del ingreso. A) Corte axial ... B) Reconstrucción coronal ...": the lead's
    # moment is each panel's (tests/fixtures/papers_unseen2, the Radiologia case report)
    from ingest.papers import described

    lead = "TC de tórax sin contraste a los 4 días del ingreso"
    assert described("Corte axial: consolidaciones periféricas", lead)["date_text"] == "a los 4 días del ingreso"
    assert described("Corte coronal", "Radiografias realizadas na admissão")["date_text"] == "na admissão"


def _split(boxes):
    from ingest.panels import Panel, PanelSplit

    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=800, height=800)


def test_panels_named_by_place_and_patient_go_to_each_patients_case():
    # "Left, patient 1: ... Right, patient 2: ..." and "Upper row, patient 1, ...: ... Lower row, patient 2, ...":
    # no letters in the caption; the split's places say which panel is whose
    from ingest.jats import parse_jats
    from ingest.papers import cases_from_article

    article = parse_jats((UNSEEN2 / "PMC7920011_efetch.xml").read_bytes())
    splits = {1: _split([(0, 0, 360, 400), (372, 0, 732, 400)]),
              2: _split([(0, 0, 330, 330), (342, 0, 672, 330), (0, 342, 330, 672), (342, 342, 672, 672)])}
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in cases_from_article(article, panel_splits=splits)}
    assert sorted(cases) == ["patient1", "patient2"]
    assert [(i.extra["figure_number"], i.label) for i in cases["patient1"].images] == [(1, "a"), (2, "a"), (2, "b")]
    assert [(i.extra["figure_number"], i.label) for i in cases["patient2"].images] == [(1, "b"), (2, "c"), (2, "d")]
    first, *_ = cases["patient1"].images
    assert first.extra["panel_box"] == [0, 0, 360, 400]
    assert (first.modality_text, first.date_text) == ("Anteroposterior chest radiographs on admission", "on admission")
    assert cases["patient2"].images[1].view_text.startswith("Axial chest CT images")


def test_columns_named_inside_a_rows_words_date_each_panel_by_its_own_words():
    # the author manuscript's "Upper row: ... on admission (left) and five days after admission (right)"
    from ingest.jats import parse_jats
    from ingest.papers import cases_from_article

    article = parse_jats((UNSEEN2 / "PMC7920022_efetch.xml").read_bytes())
    boxes = [(0, 0, 340, 360), (352, 0, 692, 360), (0, 372, 340, 732), (352, 372, 692, 732)]
    (case,) = cases_from_article(article, panel_splits={1: _split(boxes)})
    assert [i.date_text for i in case.images] == [
        "on admission", "five days after admission", "five days after admission", "five days after admission"]


def test_column_words_are_read_only_where_a_row_names_each_of_its_columns():
    from ingest.panel_positions import column_words

    grid = [(0, 0, 300, 300), (310, 0, 610, 300), (0, 310, 300, 610), (310, 310, 610, 610)]
    caption = ("Top row: CT on day 2 (left) and day 9 (right). Bottom row: radiographs on admission and "
               "at discharge.")
    assert column_words(caption, grid) == ["CT on day 2", "day 9", "", ""]
    # one column named in the row: nothing is its own
    assert column_words("Upper row: CT (left) and radiograph. Lower row: MRI.", grid) == ["", "", "", ""]
