"""The fifty-fourth blind batch of papers (tests/fixtures/papers_unseen54/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.papers import _FILM_FINDING
from tests.jats_cases import file_cases, image_offsets

UNSEEN54 = Path(__file__).parent / "fixtures" / "papers_unseen54"
RADIOLOGY = "PMC7540011_efetch.xml"  # legends "obtained on January 23, 2020 (day 3 after symptom onset)"
HOSPITAL_COURSE = "PMC7540022_efetch.xml"  # "On hospital day 3 ...", "on hospital day 6"
MANUSCRIPT = "PMC7540033_efetch.xml"  # "(Fig. 1). The lungs were clear ... a CT ... was performed the following day"

FINDING = "The lungs were clear apart from mild bronchial wall thickening."


def _offsets(name: str, replacements: dict[str, str] | None = None) -> list[list[str | None]]:
    return [image_offsets(case) for case in file_cases(UNSEEN54 / name, replacements)]


# --- a sentence of the film before's findings between its citation and "the following day" ---------------------------

def test_the_following_day_counts_past_a_sentence_of_the_film_befores_findings():
    """"Posteroanterior and lateral chest radiographs at presentation showed ... (Fig. 1). The lungs were clear apart
    from mild bronchial wall thickening. Because of persistent chest pain, a non-contrast CT of the chest was
    performed the following day ... (Fig. 2)": the CT is the day after the films (was blank: the finding sentence
    was taken as the step of the course before)."""
    assert _offsets(MANUSCRIPT) == [["5", "5", "6"]]
    for written in ("The heart size was normal.", "There was no pleural effusion or pneumothorax.",
                    "No pneumothorax was seen on the lateral view.", "Her lungs were otherwise clear."):
        assert _offsets(MANUSCRIPT, {FINDING: written}) == [["5", "5", "6"]], written


def test_a_step_of_the_course_between_them_still_blocks_the_following_day():
    """A sentence telling an act is the step "the following day" counts from: with no figure cited there, no day."""
    for written in ("She was started on supplemental oxygen by nasal cannula.",
                    "The lungs were clear, and she was admitted to the pediatric ward.",
                    "Her chest pain worsened despite analgesia."):
        assert _offsets(MANUSCRIPT, {FINDING: written}) == [["5", "5", None]], written


def test_a_finding_sentence_is_one_whose_subject_is_an_organ_or_a_sign():
    for finding in ("The cardiomediastinal silhouette is within normal limits.", "Both lungs were hyperinflated.",
                    "There were no pleural effusions."):
        assert _FILM_FINDING.match(finding), finding
    for step in ("The patient was transferred to the intensive care unit.", "The lungs were re-expanded after a "
                 "chest tube was placed.", "A repeat radiograph showed clear lungs.", "Oxygen was given."):
        assert not _FILM_FINDING.match(step), step


# --- what the first run read right (guards) --------------------------------------------------------------------------

def test_legends_dated_by_their_day_after_symptom_onset():
    """Each legend's "(day N after symptom onset)"; a header's date and day reach both of its panels."""
    assert _offsets(RADIOLOGY) == [["3", "7", "12", "12"]]
