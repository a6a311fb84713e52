"""Words and markup of the sixteenth blind batch of papers (tests/fixtures/papers_unseen16/): case reports written
in Portuguese, Italian, German, Russian, Turkish and Chinese, and preprints known by a PDF. Each class through the
normalizer or the parser that left it unread on the first crawl, beside what must stay unread."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalize.common import text_context
from ingest.normalize.demographics import normalize_age, normalize_sex
from ingest.normalize.imaging import normalize_finding, normalize_modality, normalize_view
from ingest.normalize.provenance import normalize_url, preprint_landing_page
from ingest.normalize.time_words import symptom_history
from ingest.papers import described
from ingest.publisher import parse_article_html
from ingest.resolve import url_as_curators_write
from ingest.timeline import HOSPITAL_DAY, SINCE_ADMISSION, SINCE_ONSET, text_moments

UNSEEN16 = Path(__file__).parent / "fixtures" / "papers_unseen16"


# --- Exams and planes -------------------------------------------------------------------------------

@pytest.mark.parametrize("words, modality", [
    ("Yatışının 4. gününde çekilen toraks BT.", "CT"),
    ("toraks bilgisayarlı tomografi (BT) çekildi", "CT"),
    ("Başvuru sırasında çekilen PA akciğer grafisi", "X-ray"),
    ("КТ органов грудной клетки при поступлении", "CT"),
    ("мультиспиральная компьютерная томография органов грудной клетки", "CT"),
    ("Рентгенограмма органов грудной клетки в прямой проекции", "X-ray"),
    ("同一患者，入院第3天胸部CT。", "CT"),
    ("入院时胸部X线正位片示双肺外带斑片状密度增高影", "X-ray"),
])
def test_the_exam_in_turkish_russian_and_chinese(words, modality):
    assert normalize_modality(words).value == modality


@pytest.mark.parametrize("words", [
    "BT 4 minutes, PT and aPTT normal",   # bleeding time: "BT" is a CT only after the chest's name
    "кт",                                  # lower case is no abbreviation
    "ACTH 12 pg/ml",                       # a Latin token inside a word is no CT
])
def test_words_that_only_look_like_an_exam_stay_unread(words):
    assert normalize_modality(words).value is None


@pytest.mark.parametrize("words, view", [
    ("a) Aksiyel kesitte buzlu cam opasiteleri", "Axial"),
    ("b) Koronal kesit", "Coronal"),
    ("а – аксиальный срез", "Axial"),
    ("б – корональная реконструкция", "Coronal"),
    ("A：横断面肺窗示双肺胸膜下多发磨玻璃影", "Axial"),
    ("B：冠状面重建示病变以双肺下叶为主", "Coronal"),
    ("Röntgen-Thorax im p.-a. Strahlengang bei Aufnahme", "PA"),
    ("Röntgen-Thorax a.-p. bei Aufnahme", "AP"),
])
def test_the_plane_and_projection_in_other_languages(words, view):
    assert normalize_view(words).value == view


@pytest.mark.parametrize("words", [
    "стеноз коронарной артерии",             # coronary, not coronal
    "Рентгенограмма органов грудной клетки в прямой проекции",   # frontal: PA or AP is not said
    "入院时胸部X线正位片",                       # the same in Chinese
])
def test_a_frontal_film_or_a_coronary_word_has_no_view(words):
    assert normalize_view(words).value is None


def test_a_run_of_chinese_characters_is_a_token_of_its_own_beside_latin_ones():
    """Chinese writes no space between its characters and a Latin token: "胸部CT示" holds the token "ct" (the
    gates of the exam words look for it), the characters around it are runs of their own."""
    assert text_context("入院第3天胸部CT示双肺").words == {"入院第", "3", "天胸部", "ct", "示双肺"}


# --- The patient ------------------------------------------------------------------------------------

@pytest.mark.parametrize("words, age, sex", [
    ("Пациентка Н., 67 лет, пенсионерка, поступила в стационар", 67, "F"),
    ("54-летний мужчина поступил с жалобами на лихорадку", 54, "M"),
    ("患者，男，54岁，因“发热伴咳嗽3天”于2020年2月2日入院。", 54, "M"),
    ("患者女，61岁，2020年1月23日出现发热", 61, "F"),
    ("54 yaşında erkek hasta", 54, None),
])
def test_age_and_sex_as_russian_turkish_and_chinese_case_lines_write_them(words, age, sex):
    assert normalize_age(words).value == age
    assert normalize_sex(words).value == sex


@pytest.mark.parametrize("words", [
    "курит 30 лет",                    # a habit's 30 years
    "болеет сахарным диабетом 10 лет",  # a disease's 10 years
    "3岁时患肺炎",                      # at the age of 3, in a history
])
def test_a_duration_in_years_is_no_age(words):
    assert normalize_age(words).value is None


def test_a_relatives_age_and_sex_in_chinese_are_not_the_patients():
    assert normalize_sex("患者，男，54岁。其女，30岁，亦有发热。").value == "M"


def test_the_chinese_name_of_the_novel_coronavirus_is_covid19():
    assert normalize_finding("男，54岁，新型冠状病毒肺炎。").value == "Pneumonia/Viral/COVID-19"


# --- Time -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("words, days", [
    ("mit seit 5 Tagen bestehendem Fieber und trockenem Husten", 5),
    ("3 gündür devam eden ateş, kuru öksürük", 3),
    ("Пациентка Н., 67 лет, поступила в стационар на 4-е сутки болезни с жалобами", 4),
    ("лихорадка и кашель в течение 5 дней", 5),
    ("患者，男，54岁，因“发热伴咳嗽3天”于2020年2月2日入院。", 3),
])
def test_histories_in_german_turkish_russian_and_chinese(words, days):
    history = symptom_history(words)
    assert history is not None and history[0] == days


@pytest.mark.parametrize("words", [
    "发热3天后出现咳嗽",                  # three days after the fever: no history's length
    "на 4-е сутки госпитализации",       # a day of the stay, not of the illness
])
def test_a_time_after_the_onset_is_no_history(words):
    assert symptom_history(words) is None


@pytest.mark.parametrize("words, day", [
    ("TC de tórax no 5º dia de internação.", 5),
    ("CT-Thorax am 3. Tag des stationären Aufenthalts.", 3),
    ("Yatışının 4. gününde çekilen toraks BT.", 4),
    ("КТ органов грудной клетки на 7-е сутки госпитализации", 7),
    ("同一患者，入院第3天胸部CT。", 3),
])
def test_a_day_of_the_stay_in_other_languages(words, day):
    assert [(m.kind, m.days) for m in text_moments(words, "caption")] == [(HOSPITAL_DAY, day)]


@pytest.mark.parametrize("words", [
    "КТ органов грудной клетки при поступлении",
    "Başvuru sırasında çekilen PA akciğer grafisi",
    "入院时胸部X线正位片",
])
def test_the_admission_in_russian_turkish_and_chinese(words):
    assert [(m.kind, m.days) for m in text_moments(words, "caption")] == [(SINCE_ADMISSION, 0)]


def test_a_day_of_the_fever_is_a_day_of_the_illness_not_of_the_stay():
    assert [(m.kind, m.days) for m in text_moments("Radiografia no 5º dia de febre", "caption")] == [(SINCE_ONSET, 5)]


def test_a_legends_lead_gives_its_panels_its_moment_in_the_timelines_words():
    """"TC de tórax no 5º dia de internação. (A) Corte axial ... (B) Reconstrução coronal": the panels name no
    moment of their own; the lead's is theirs, though the papers' English and Romance phrases do not name it."""
    texts = described("Reconstrução coronal: pneumomediastino", shared="TC de tórax no 5º dia de internação.")
    assert texts["date_text"] == "5º dia de internação"
    assert described("(B) Corte axial", shared="Figure 2. CT images of the patient.")["date_text"] == ""


# --- Figures of the pages ---------------------------------------------------------------------------

CJR = "https://rs.yiigle.com/CN112149202005/1192240.htm"


def test_a_chinese_legend_labelled_tu_is_the_figures_caption():
    """yiigle's ``div.fig-title``: "图1　男，54岁 ..." (Chinese "Figure 1"); before, no label matched and the caption
    was left empty, so every field of the paper's rows was blank."""
    article = parse_article_html((UNSEEN16 / "yiigle_1192240.html").read_bytes(), CJR)
    assert [f.number for f in article.figures] == [1, 2]
    assert article.figures[0].caption.startswith("男，54岁，新型冠状病毒肺炎。入院时胸部X线正位片")
    assert article.figures[1].caption.startswith("同一患者，入院第3天胸部CT。A：横断面")


def test_an_italian_figura_holder_is_a_figure():
    article = parse_article_html((UNSEEN16 / "recentiprogressi_33905.html").read_bytes(),
                                 "https://www.recentiprogressi.it/archivio/3412/articoli/33905/")
    assert [f.number for f in article.figures] == [1, 2]
    assert article.figures[1].caption.startswith("TC del torace in quinta giornata di ricovero.")


def test_german_and_russian_labels_are_labels():
    dmw = parse_article_html((UNSEEN16 / "thieme_dmw_a-1187-4521.html").read_bytes(),
                             "https://www.thieme-connect.de/products/ejournals/html/10.1055/a-1187-4521")
    assert dmw.figures[2].caption.startswith("CT-Thorax am 3. Tag")
    assert sorted(dmw.figures[2].panel_captions) == ["a", "b"]
    pulm = parse_article_html((UNSEEN16 / "pulmonology_2417.html").read_bytes(),
                              "https://journal.pulmonology.ru/pulm/article/view/2417")
    assert pulm.figures[1].caption.startswith("КТ органов грудной клетки на 7-е сутки")


# --- url ------------------------------------------------------------------------------------------

def test_scielos_lang_is_the_text_and_stays_in_the_url():
    assert normalize_url("https://www.scielo.br/j/rsbmt/a/Vq4gHk8tRzN3cXyLmP7bDfJ/?lang=pt").value == \
        "https://www.scielo.br/j/rsbmt/a/Vq4gHk8tRzN3cXyLmP7bDfJ/?lang=pt"
    # elsewhere "lang" is the site's language around the same page
    assert normalize_url("https://radiopaedia.org/cases/covid-19-pneumonia-12?lang=us").value == \
        "https://radiopaedia.org/cases/covid-19-pneumonia-12"
    assert normalize_url("https://journal.example.org/article/view/12?lang=en_US").value == \
        "https://journal.example.org/article/view/12"


@pytest.mark.parametrize("pdf, landing", [
    ("https://www.medrxiv.org/content/10.1101/2020.05.21.20108123v1.full.pdf",
     "https://www.medrxiv.org/content/10.1101/2020.05.21.20108123v1"),
    ("https://www.biorxiv.org/content/10.1101/2020.03.22.002386v3.full.pdf+html",
     "https://www.biorxiv.org/content/10.1101/2020.03.22.002386v3"),
    ("https://www.medrxiv.org/content/medrxiv/early/2020/05/26/2020.05.21.20108123.full.pdf", ""),
    ("https://www.preprints.org/manuscript/202004.0321/v1/download", ""),
])
def test_a_preprints_pdf_address_names_its_landing_page(pdf, landing):
    assert preprint_landing_page(pdf) == landing


def test_a_medrxiv_pdf_given_alone_has_its_landing_page_as_url():
    pdf = "https://www.medrxiv.org/content/10.1101/2020.05.21.20108123v1.full.pdf"
    assert url_as_curators_write("pdf", pdf_url=pdf) == "https://www.medrxiv.org/content/10.1101/2020.05.21.20108123v1"
    other = "https://journal.example.org/article/download/12/34"
    assert url_as_curators_write("pdf", pdf_url=other) == other


# --- What papers_unseen14 left: French exam words, French and Spanish times ---------------------------

@pytest.mark.parametrize("words, modality, view", [
    ("B : TDM thoracique en coupe axiale, fenêtre parenchymateuse", "CT", "Axial"),
    ("A : radiographie thoracique de face, incidence postéro-antérieure", "X-ray", "PA"),
    ("Radiographie thoracique, incidence antéro-postérieure au lit", "X-ray", "AP"),
])
def test_french_exam_and_projection_words(words, modality, view):
    found = normalize_modality(words).value
    assert (found, normalize_view(words, found).value) == (modality, view)


def test_tdm_alone_is_not_a_ct():
    """"TDM" is also therapeutic drug monitoring: a CT only with the chest it images."""
    assert normalize_modality("TDM de la vancomycine à J3").value is None


def test_a_french_history_depuis():
    history = symptom_history("une douleur thoracique et une fièvre évoluant depuis 7 jours")
    assert history is not None and history[0] == 7


@pytest.mark.parametrize("words, day", [
    ("Tomografía computarizada de tórax al quinto día de internación.", 5),
    ("TC de tórax no terceiro dia de internação", 3),
])
def test_a_day_of_the_stay_as_a_spanish_or_portuguese_ordinal_word(words, day):
    assert [(m.kind, m.days) for m in text_moments(words, "caption")] == [(HOSPITAL_DAY, day)]


def test_a_spanish_ordinal_day_of_the_fever_is_a_day_of_the_illness():
    assert [(m.kind, m.days) for m in text_moments("Radiografía al segundo día de fiebre", "caption")] == [
        (SINCE_ONSET, 2)]
