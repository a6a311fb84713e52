"""Identifiers, patients and timelines of the fifteenth blind batch of papers (tests/fixtures/papers_unseen15/),
each through the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.normalize.demographics import normalize_sex
from ingest.normalize.imaging import normalize_offset
from ingest.patients import split_patients
from ingest.publication_ids import parse_paper_reference
from ingest.timeline import ImageTexts, case_timeline, discharge_moment

UNSEEN15 = Path(__file__).parent / "fixtures" / "papers_unseen15"


def offsets(history: str, *captions: str) -> list[int | None]:
    timeline = case_timeline(history, [ImageTexts(i, caption=c) for i, c in enumerate(captions)])
    return [o.value for o in timeline.offsets]


# --- A PubMed record's address on Europe PMC ----------------------------------------------------

@pytest.mark.parametrize("given, pmid", [
    ("https://europepmc.org/abstract/MED/33150088", "33150088"),
    ("https://europepmc.org/article/MED/33150088/", "33150088"),
    ("europepmc.org/abstract/MED/33150088", "33150088"),
    # PubMed's own addresses, as before
    ("https://pubmed.ncbi.nlm.nih.gov/33210077/", "33210077"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/33210077", "33210077"),
])
def test_a_pubmed_records_address_is_its_pmid(given, pmid):
    """Europe PMC's abstract page of a PubMed record was taken for a publisher's page (fetched: 404)."""
    ref = parse_paper_reference(given)
    assert (ref.kind, ref.pmid) == ("pmid", pmid)


def test_europe_pmcs_pmc_address_stays_a_pmcid():
    ref = parse_paper_reference("https://europepmc.org/article/PMC/PMC8110088")
    assert (ref.kind, ref.pmcid) == ("pmcid", "PMC8110088")


# --- Sex from pronouns when the only other person is a relative of the other sex -------------------

@pytest.mark.parametrize("text, sex", [
    ("A 71-year-old with hypertension presented with four days of fever. His wife had tested positive for "
     "SARS-CoV-2 the week before. He was admitted on a Friday.", "M"),
    ("A 58-year-old presented with fever. Her husband had been admitted with COVID-19. She was dyspnoeic.", "F"),
    # a relative of the same sex, or of no sex told, may be whom the pronouns name: blank, as before
    ("A 40-year-old presented with fever. His son had fever too. He was admitted.", None),
    ("A 40-year-old presented with fever. His colleague had fever too. He was admitted.", None),
    ("A 40-year-old presented with fever. Her mother was also unwell. She was admitted.", None),
])
def test_pronouns_of_one_sex_name_the_patient_beside_relatives_of_the_other(text, sex):
    assert normalize_sex(text).value == sex


# --- "the Nth day of her illness", a discharge taking a relative along --------------------------------

@pytest.mark.parametrize("history, days", [
    ("She improved steadily and was discharged with her son on the 14th day of her illness.", 14),
    ("He was discharged on day 12 of his illness.", 12),
    ("She was discharged on the 14th day of illness.", 14),
    # the relative's own discharge is not the patient's
    ("His wife was discharged on the 14th day of her illness.", None),
])
def test_a_discharge_on_a_day_of_the_patients_illness(history, days):
    moment = discharge_moment(history)
    assert (moment.days if moment else None) == days


# --- Days after an operation, an onset on that count ---------------------------------------------------

POSTOPERATIVE = ("An 82-year-old female was admitted after a fall with a displaced femoral neck fracture and "
                 "underwent hemiarthroplasty the next day. On postoperative day 4, she developed a fever and a dry "
                 "cough; a nasopharyngeal swab was positive for SARS-CoV-2. She was discharged to a rehabilitation "
                 "unit on postoperative day 16. At follow-up six weeks after discharge, a posteroanterior chest "
                 "radiograph showed near-complete resolution.")


def test_films_on_postoperative_days_count_from_an_onset_on_that_count():
    assert offsets(POSTOPERATIVE, "Portable anteroposterior chest radiograph on postoperative day 5",
                   "Axial CT on POD 6", "Posteroanterior chest radiograph six weeks after discharge") == [1, 2, 54]


def test_a_postoperative_day_without_an_onset_on_that_count_is_no_day_label():
    """Before, "postoperative day 5" was read as a bare label "day 5" (5, a guess); the operation's day is
    not told, so it stays blank."""
    history = "A 70-year-old man underwent hemiarthroplasty. He had had fever for 3 days before the operation."
    assert offsets(history, "Chest radiograph on postoperative day 5") == [None]


# --- A weekday after the admission's ----------------------------------------------------------------

@pytest.mark.parametrize("history, caption, offset", [
    ("He presented with four days of fever and cough. He was admitted on a Friday.",
     "Portable chest radiograph on the following Monday", 7),
    ("She had had fever for 2 days and was admitted on a Sunday evening.",
     "Chest radiograph on the next Sunday", 9),
    # no weekday of the admission told: blank
    ("He presented with four days of fever and cough.", "Portable chest radiograph on the following Monday", None),
])
def test_the_following_weekday_counts_from_the_admissions_weekday(history, caption, offset):
    assert offsets(history, "Chest radiograph on admission", caption)[1] == offset


# --- A mother's text after her young son is introduced -------------------------------------------------

def test_sentences_of_the_mother_after_her_son_is_introduced_stay_hers():
    """"Her 3-year-old son ... was admitted with her." switches to the son; "Her radiograph ..." and "She
    improved ... was discharged ..." are the mother's again (only she is a woman)."""
    article = parse_jats((UNSEEN15 / "PMC7150044_efetch.xml").read_bytes())
    mother, son = split_patients(article.paragraphs, [f.caption for f in article.figures], article.tables)
    assert (mother.descriptor.age, son.descriptor.age) == (34, 3)
    assert any(p.startswith("She improved steadily and was discharged") for p in mother.paragraphs)
    assert all("discharged" not in p and "posteroanterior" not in p for p in son.paragraphs)


def test_a_notes_postoperative_day_is_no_plain_day():
    """Backfill's reading of one note: "day 5" of a postoperative count is not offset 5."""
    assert normalize_offset("Chest radiograph on postoperative day 5").value is None
    assert normalize_offset("Chest radiograph on day 5").value == 5
