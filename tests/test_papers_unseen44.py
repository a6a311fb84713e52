"""The forty-fourth blind batch of papers (tests/fixtures/papers_unseen44/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest.normalize.common import about_other_person
from ingest.records import CaseRecord
from ingest.timeline import HOSPITAL_DAY, SINCE_ADMISSION, history_dates, text_moments
from tests.jats_cases import file_cases, image_offsets, two_panels_side_by_side

UNSEEN44 = Path(__file__).parent / "fixtures" / "papers_unseen44"
LETTER = "PMC7440011_efetch.xml"  # two patients side by side in one figure, "Left: ... Right: ..."
SAUDI = "PMC7440022_efetch.xml"  # onset 5 days after a contact on 1 March, presentation 10 March
LAGOS = "PMC7440033_efetch.xml"  # onset 17 April, "the ninth day on admission (1st May, 2020)"


def _cases(name: str, replacements: dict[str, str] | None = None, splits: dict | None = None) -> list[CaseRecord]:
    return file_cases(UNSEEN44 / name, replacements, splits)


# --- an onset told as a time after a contact, the contact the act of meeting someone ---------------------------------

def test_a_contact_as_an_act_is_no_other_person():
    """"close contact with him on 1 March, and his symptoms started 5 days after this contact": the sentence is the
    patient's (its "contact" words were read as a contact person: no onset, films counted from the presentation,
    two wrong values 0 and 3 for the curators' 4 and 7)."""
    history = ("He presented to our hospital on 10 March 2020 with fever and cough. He gave a history of close "
               "contact with him on 1 March, and his symptoms started 5 days after this contact.")
    assert history_dates(history)[0][0] == date(2020, 3, 6)
    told = ("She reported contact with a confirmed case on 3 April. Fever began 4 days after that contact. She was "
            "admitted on 9 April.")
    assert history_dates(told)[0][0] == date(2020, 4, 7)


def test_the_person_met_is_the_contacts_object_not_the_onsets_subject():
    """"close contact with his brother on 1 March, and his symptoms started 5 days after this contact": the brother
    is whom the patient met; the onset is the patient's (the sentence was another person's: films counted from the
    presentation, 0 and 3 for 4 and 7)."""
    (case,) = _cases(SAUDI, {"close contact with him on 1 March": "close contact with his brother on 1 March"})
    assert image_offsets(case) == ["4", "7", "8", "35"]
    history = ("She had close contact with her colleague on 3 March, and her symptoms started 4 days after this "
               "contact. She was admitted on 9 March.")
    assert history_dates(history)[0][0] == date(2020, 3, 7)


def test_a_relatives_onset_after_a_contact_stays_the_relatives():
    for history in ("Her husband had close contact with a colleague on 3 March, and his symptoms started 4 days after "
                    "this contact. She was admitted on 9 March with fever.",
                    "She had close contact with her brother on 3 March, and his wife's symptoms started 4 days after "
                    "this contact. She was admitted on 9 March with fever."):
        assert history_dates(history)[0] is None, history


def test_contacts_as_people_stay_other_people():
    for text in ("His contacts were quarantined and tested positive.", "A close contact of the patient had fever.",
                 "Her contact developed fever and cough."):
        assert about_other_person(text, text.index("fever") if "fever" in text else 0, len(text) - 1), text


def test_the_saudi_films_counted_from_the_contacts_onset():
    (case,) = _cases(SAUDI)
    assert image_offsets(case) == ["4", "7", "8", "35"]


# --- a date told with a day counted from the admission is no admission date -----------------------------------------

def test_a_day_counted_from_the_admission_does_not_date_the_admission():
    """"On 13 March, the third day after admission": 13 March is that day, not a second admission date (the two
    dates left the admission undated: the CT of 14 March blank)."""
    for later in ("On 13 March, the third day after admission, he became tachypneic.",
                  "On 13 March, 3 days post admission, he became tachypneic.",
                  "On 13 March (day 3 of admission) he became tachypneic.",
                  "His condition worsened on the third day on admission (13th March, 2020)."):
        history = f"He presented to our hospital on 10 March 2020 with fever. {later}"
        assert history_dates(history)[1][0] == date(2020, 3, 10), later


def test_the_day_of_admission_still_dates_the_admission():
    history = "He had fever since 5 March. On the day of admission, 10 March, his oxygen saturation was 90%."
    assert history_dates(history) == ((date(2020, 3, 5), "5 March"), (date(2020, 3, 10), "10 March"))


# --- a day of the stay told "on admission" --------------------------------------------------------------------------

def test_a_day_of_the_stay_told_on_admission():
    """"on the ninth day on admission" (Nigerian, Indian English) is day 9 of the stay, not "on admission" (was
    day 5, the presentation's: a wrong value for the curators' 14)."""
    for text, days in (("supine chest radiograph on the ninth day on admission", 9),
                       ("chest X-ray on day 3 on admission", 3), ("CT on the 2nd day on hospitalisation", 2)):
        assert [(m.kind, m.days) for m in text_moments(text, "caption")] == [(HOSPITAL_DAY, days)], text
    assert [(m.kind, m.days) for m in text_moments("chest X-ray on admission", "caption")] == [(SINCE_ADMISSION, 0)]


def test_the_lagos_films():
    (case,) = _cases(LAGOS)
    assert image_offsets(case) == ["5", "5", "14", "46"]


# --- a legend's date with an ordinal day ----------------------------------------------------------------------------

def test_a_legends_ordinal_date_is_its_panels_moment():
    """"Right: Patient B ... on the 14th of April": the panel's own date (unread, the panel took another sentence's
    "On admission": 3, a wrong value for the curators' 6)."""
    patient_a, patient_b = _cases(LETTER, splits={1: two_panels_side_by_side()})
    assert image_offsets(patient_a) == ["4"] and image_offsets(patient_b) == ["6"]
    for told in ("14th April, 2020", "14th April"):
        _a, b = _cases(LETTER, {"on the 14th of April showing": f"on {told} showing"}, {1: two_panels_side_by_side()})
        assert image_offsets(b) == ["6"], told
