"""Figures, patients and timelines of the twenty-third blind batch of papers (tests/fixtures/papers_unseen23/),
each through the rule it broke on the first crawl: the classes of markup and writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.normalize.demographics import normalize_sex
from ingest.normalize.imaging import normalize_finding
from ingest.papers import cases_from_article
from ingest.timeline import text_moments
from tests.jats_cases import case_value, image_offsets

UNSEEN23 = Path(__file__).parent / "fixtures" / "papers_unseen23"


def _article(name: str, replace: tuple[str, str] = ("", "")):
    xml = (UNSEEN23 / name).read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return parse_jats(xml.encode())


# --- A JATS figure without <label> ---------------------------------------------------------------------------

def test_figures_without_a_label_take_their_place_as_their_number():
    """J Rural Med (J-STAGE) in PMC: each <fig> a caption and a graphic, no <label>. Unnumbered, the crawl fetched
    no panel split for them: Figure 3's "(a) Axial and (b) coronal" panels were staged without their letters."""
    figures = _article("PMC7230044_efetch.xml").figures
    assert [f.number for f in figures] == [1, 2, 3]
    assert sorted(figures[2].panel_captions) == ["a", "b"]


def test_an_unlabelled_figure_does_not_take_a_labelled_figures_number():
    """An unlabelled figure takes its place's number only when no labelled figure has it."""
    unlabelled_first = ('<fig id="f1" position="float"><label>Figure 1.</label>', '<fig id="f1" position="float">')
    assert [f.number for f in _article("PMC7230022_efetch.xml", unlabelled_first).figures] == [1, 2, 3]
    xml = (UNSEEN23 / "PMC7230022_efetch.xml").read_text().replace(*unlabelled_first).replace(
        "<label>Figure 3.</label>", "<label>Figure 1.</label>")
    assert [f.number for f in parse_jats(xml.encode()).figures] == [None, 2, 1]


# --- "On D4": the day abbreviated, and the admission as day 1 told the other way round ----------------------

def test_days_abbreviated_d_n_count_from_the_admission_the_text_makes_day_one():
    """"Day 1 (D1) was the day of admission", legends "on D1", "on D4", "on D10", fever "2 days before
    admission": 2, 5 and 11 (all blank on the first crawl)."""
    (case,) = cases_from_article(_article("PMC7230044_efetch.xml"))
    assert image_offsets(case) == ["2", "5", "11", "11"]


@pytest.mark.parametrize("text", [
    "She received vitamin D3 supplementation for 10 days.",
    "The D2 receptor antagonist was stopped.",
    "Segment D4 of the spine was normal.",
])
def test_a_capital_d_and_a_number_without_a_preposition_of_time_is_no_day(text):
    assert not [m for m in text_moments(text, "caption") if m.evidence.startswith(("D", "on D"))]


@pytest.mark.parametrize("text", ["Chest CT on D7.", "The radiograph at D3 showed clearing.",
                                  "Oxygen was given from D2."])
def test_a_capital_d_run_into_its_number_after_a_preposition_is_a_day(text):
    assert [m.kind for m in text_moments(text, "caption")] == ["label"]


# --- A relative of the patient introduced by age alone -------------------------------------------------------

def test_the_possessive_relative_of_a_patient_introduced_by_age_alone_is_not_the_patient():
    """"A 64-year-old retired schoolteacher ... presented ... He lived with his son's family. His 3-year-old
    granddaughter had had fever ..., and her RT-PCR was positive": the first crawl took the granddaughter for the
    patient (age 3 against 64: blank; sex F)."""
    cases = cases_from_article(_article("PMC7230077_efetch.xml"))
    grandfather = cases[0]
    assert case_value(grandfather, "age") == "64"
    assert case_value(grandfather, "sex") == "M"
    assert len(grandfather.images) == 4  # figures 1 to 3, figure 2's two panels


def test_a_sentence_whose_subject_is_the_grandfather_is_his_after_the_granddaughters_sentence():
    """"His 3-year-old granddaughter had had fever ..., and her RT-PCR was positive during contact tracing. On
    arrival his oxygen saturation was 90% on room air, and his nasopharyngeal swab was positive for SARS-CoV-2.":
    the second sentence (its subject "his", after "On arrival") is the grandfather's; it was the granddaughter's,
    her case taking his positive swab, his case losing it."""
    from ingest.patients import split_patients

    article = _article("PMC7230077_efetch.xml")
    grandfather, granddaughter = split_patients(article.paragraphs, [f.caption for f in article.figures])
    assert any("his nasopharyngeal swab was positive" in p for p in grandfather.paragraphs)
    assert not any("his nasopharyngeal swab was positive" in p for p in granddaughter.paragraphs)
    assert any("her RT-PCR was positive during contact tracing" in p for p in granddaughter.paragraphs)
    cases = cases_from_article(article)
    assert case_value(cases[0], "finding") == "Pneumonia/Viral/COVID-19"


@pytest.mark.parametrize("opening", ["On arrival", "At presentation,", "Two days later",
                                     "In the emergency department,"])
def test_a_pronoun_subject_after_an_opening_moment_or_place_switches_back(opening):
    from ingest.patients import split_patients

    paragraphs = [f"Case presentation: A 41-year-old woman presented with fever for 4 days. Her 3-year-old son "
                  f"had had a fever for 2 days. {opening} her oxygen saturation was 93%."]
    mother, son = split_patients(paragraphs, [])
    assert any("oxygen saturation" in p for p in mother.paragraphs)
    assert not any("oxygen saturation" in p for p in son.paragraphs)


def test_a_figure_of_the_single_patients_relative_is_a_case_of_its_own():
    """"The granddaughter's chest radiograph (anteroposterior view), which was normal": not the grandfather's film
    (it was his on the first crawl, released with his age), but hers: "His 3-year-old granddaughter" is a person
    of her own (papers_unseen22's possessive relative), so her film has her age and no release takes it."""
    cases = cases_from_article(_article("PMC7230077_efetch.xml"))
    assert len(cases) == 2
    assert (case_value(cases[1], "age"), case_value(cases[1], "sex")) == ("3", "F")
    assert [i.source_url.rsplit("/", 1)[-1] for i in cases[1].images] == ["CCR3-9-e03890-g004.jpg"]


def test_a_figure_of_the_single_patient_named_by_her_own_family_word_stays_hers():
    """A paper about "A 35-year-old mother" whose legend calls her "the mother" keeps the figure hers."""
    article = _article("PMC7230077_efetch.xml")
    article.paragraphs = [p for p in article.paragraphs if "A 64-year-old" not in p] + [
        "A 35-year-old mother presented on the 10th day of illness with fever and cough (Figure 1)."]
    for figure in article.figures:
        figure.caption = figure.caption.replace("The granddaughter's", "The mother's")
    cases = cases_from_article(article)
    assert [c.source_key.rsplit("#", 1)[-1] for c in cases] == ["patient1"]


@pytest.mark.parametrize("paragraph, sex", [
    ("A 58-year-old retired teacher presented with fever. She lived with her son. Her 5-year-old grandson had "
     "fever; his test was positive. He recovered.", "F"),
    ("A 64-year-old shopkeeper presented with fever. He lived with his daughter's family. His granddaughter had "
     "a cough; she recovered.", "M"),
])
def test_the_subject_pronoun_right_after_the_introduction_is_the_patients(paragraph, sex):
    article = _article("PMC7230077_efetch.xml")
    article.paragraphs = [p for p in article.paragraphs if "A 64-year-old" not in p] + [paragraph]
    assert case_value(cases_from_article(article)[0], "sex") == sex


# --- A pregnant patient's newborn --------------------------------------------------------------------------

def test_the_sex_word_of_the_newborn_a_patient_delivers_is_not_hers():
    """"A 29-year-old primigravida at 31 weeks of gestation ... Her husband ... A healthy male baby weighing 1.7 kg
    was delivered": the first crawl left her sex blank ("the history says M ('male')")."""
    (case,) = cases_from_article(_article("PMC7230011_fullTextXML.xml"))
    assert case_value(case, "sex") == "F"


@pytest.mark.parametrize("text, sex", [
    ("A 2-month-old male infant presented with fever and cough.", "M"),
    ("A male infant born at 32 weeks of gestation presented with fever.", "M"),
    ("She was 30 weeks pregnant. A female neonate was delivered by caesarean section. Her husband was well.", "F"),
])
def test_a_newborn_sex_word_is_the_patients_when_no_pregnancy_of_hers_is_told(text, sex):
    assert normalize_sex(text).value == sex


# --- An interval after the caesarean section ---------------------------------------------------------------

def test_an_interval_after_the_caesarean_section_counts_from_the_day_the_history_gives_it():
    """"... caesarean section ... on the seventh day of hospitalization", "Portable anteroposterior chest radiograph
    2 days after the caesarean section" (fever for 4 days at admission): 4 + 7 + 2 (blank on the first crawl)."""
    (case,) = cases_from_article(_article("PMC7230011_fullTextXML.xml"))
    assert image_offsets(case) == ["4", "9", "9", "13"]


def test_an_interval_after_a_caesarean_section_the_history_does_not_date_is_blank():
    (case,) = cases_from_article(_article("PMC7230011_fullTextXML.xml", (
        " on the seventh day of hospitalization. A healthy male", ". A healthy male")))
    assert image_offsets(case)[3] is None


# --- The one household of a couple ------------------------------------------------------------------------

def test_the_household_a_titles_patients_share_is_theirs():
    """"COVID-19 pneumonia in an elderly couple: two courses in one household": "household" made the title
    about someone else, and the wife's case, whose paragraph names no virus, had no finding."""
    assert normalize_finding("COVID-19 pneumonia in an elderly couple: two courses in one household").value == \
        "Pneumonia/Viral/COVID-19"
    wife = cases_from_article(_article("PMC7230022_efetch.xml"))[1]
    assert case_value(wife, "finding") == "Pneumonia/Viral/COVID-19"


def test_a_relative_in_another_household_is_still_someone_else():
    assert normalize_finding("His wife had COVID-19 pneumonia in the same household.").value is None


# --- The onset told in the first exam's own sentence; the first positive test as an event --------------------

_FIRST_CT_SAME_DAY = "performed on the same day as the first positive RT-PCR test, 3 days after symptom onset,"


def test_the_first_exams_citing_sentence_dates_it_from_the_onset():
    """Caption "Initial chest CT", the letter's sentence citing it "The initial chest computed tomography (CT),
    performed on the same day as the first positive RT-PCR test, 3 days after symptom onset, ... (Figure 1)": 3 (0
    on the first crawl: "initial" read as the presentation's day, the citing sentence not read)."""
    (case,) = cases_from_article(_article("PMC7230066_efetch.xml"))
    assert image_offsets(case)[:2] == ["3", "3"]


def test_an_interval_after_the_first_positive_test_counts_from_the_tests_day():
    """"A second CT, 10 days after the first positive test", the test on the first CT's day, 3 days after the
    onset: 13 (10 on the first crawl, "after the first" read as after the previous film)."""
    (case,) = cases_from_article(_article("PMC7230066_efetch.xml"))
    assert image_offsets(case)[2] == "13"


def test_the_positive_tests_own_day_places_the_interval_after_it():
    xml = (UNSEEN23 / "PMC7230066_efetch.xml").read_text().replace(
        _FIRST_CT_SAME_DAY, "performed 3 days after symptom onset,").replace(
        "The RT-PCR test for SARS-CoV-2 on a nasopharyngeal swab was positive.",
        "He tested positive on day 1 of illness.")
    (case,) = cases_from_article(parse_jats(xml.encode()))
    assert image_offsets(case)[2] == "11"


def test_an_interval_after_a_positive_test_the_text_does_not_place_is_blank():
    """The test's day not told (the CT's sentence no longer says it was the same day): blank, not 10 days after the
    previous film."""
    (case,) = cases_from_article(_article("PMC7230066_efetch.xml", (_FIRST_CT_SAME_DAY,
                                                                    "performed 3 days after symptom onset,")))
    assert image_offsets(case) == ["3", "3", None]


@pytest.mark.parametrize("text", ["10 days after positive pressure ventilation was started",
                                  "10 days after the first radiograph"])
def test_an_interval_after_other_words_than_a_positive_test_is_no_test_event(text):
    assert all(m.kind != "after-event" for m in text_moments(text, "caption"))


# --- A table of the one patient's exams ------------------------------------------------------------------------

def test_a_panel_citing_a_row_of_a_table_of_the_patients_exams_takes_its_date():
    """Figure 2 "Follow-up axial chest CT images: the third (A) and the fourth (B) examinations in Table 1", the
    dates only in the table's "Date of CT" column (2020-02-04, 2020-02-11; onset 2020-01-22): 13 and 20 (blank on
    the first crawl)."""
    (case,) = cases_from_article(_article("PMC7230033_efetch.xml"))
    assert image_offsets(case) == ["3", "7", "13", "20", "23"]


@pytest.mark.parametrize("replace", [
    # no date column: the table tells no day
    ('<th align="left">Date of CT</th>', '<th align="left">Lung involvement</th>'),
    # rows not numbered as the text counts the exams: which row is "the third" is not said
    ('<td align="left">3</td><td align="left">2020-02-04</td>',
     '<td align="left">5</td><td align="left">2020-02-04</td>'),
    # a row the table does not hold
    ("the third (A) and the fourth (B) examinations", "the fifth (A) and the sixth (B) examinations"),
])
def test_a_panel_citing_a_table_that_is_no_numbered_table_of_exams_stays_blank(replace):
    (case,) = cases_from_article(_article("PMC7230033_efetch.xml", replace))
    assert image_offsets(case)[2:4] == [None, None]
