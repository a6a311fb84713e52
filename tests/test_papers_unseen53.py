"""The fifty-third blind batch of papers (tests/fixtures/papers_unseen53/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.panels import Panel, PanelSplit
from ingest.papers import described
from tests.jats_cases import file_cases, image_offsets, two_panels_side_by_side

UNSEEN53 = Path(__file__).parent / "fixtures" / "papers_unseen53"
SPRINGER = "PMC7530011_efetch.xml"  # legends "at day +12", "day +58"; "the days are counted from the onset (day 0)"
MOROCCO = "PMC7530022_efetch.xml"  # "a dyspnea evolving for 10 days"; abstract "a man in his fifties"
REINFECTION = "PMC7530033_efetch.xml"  # "First episode (April 2020)", "Second episode (August 2020)"


# --- a month with its year is no date ---------------------------------------------------------------------------

def test_a_month_with_its_year_names_no_day():
    """"First episode (April 2020)" was read as the date "April 20" (the year's first digits a day): the first
    episode's CT staged 11, from the first onset (9 April) to a 20 April no text gives."""
    for legend in ("First episode (April 2020). Axial chest CT.", "Chest radiograph, March 2021", "CT in Sept. 2020"):
        assert described(legend)["date_text"] == "", legend
    assert described("CT on April 20, 2020")["date_text"] == "April 20, 2020"
    assert described("CT on April 2")["date_text"] == "April 2"
    cases = file_cases(UNSEEN53 / REINFECTION, None, {2: two_panels_side_by_side()})
    assert image_offsets(cases[0])[0] != "11"


# --- an aside closing the clause: a relative there is no subject of the patient's history -----------------------

def test_an_exposure_aside_closing_the_sentence_leaves_the_history_the_patients():
    """"consulted ... for a dyspnea evolving for 10 days, associated with dry cough, fever and asthenia, in a
    context of contact with a family member confirmed COVID-19": the family member, the object of a preposition in
    the aside closing the sentence, made the whole clause another person's, so the onset went unread and the CT "on
    admission" staged 0 (curator 10)."""
    from ingest.normalize.time_words import symptom_histories
    cases = file_cases(UNSEEN53 / MOROCCO, None, {1: two_panels_side_by_side()})
    assert image_offsets(cases[0])[:2] == ["10", "10"]
    for closing in (", after a contact with her husband who tested positive.", ", like his wife.",
                    ", in the context of a contact with his brother."):
        text = "She presented with fever and cough for 4 days" + closing
        assert [d for d, _ in symptom_histories(text)] == [4], closing
    # a clause of its own after the comma (its subject, its verb) is no aside (papers_unseen48's "on 10 March, two
    # days after her return to Ha Noi, and she stayed at home with her family")
    assert symptom_histories("She had fever and cough for 2 days, and she stayed at home with her family.") == ()
    # the span inside the aside stays the relative's
    text = "She presented with cough, after contact with her husband who had fever for 6 days."
    assert symptom_histories(text) == ()


# --- signed day labels counting from the onset ---------------------------------------------------------------------

def _grid() -> PanelSplit:
    """A reliable split of a figure into four panels in a 2 x 2 grid (the pixels' own split, as the mirror's)."""
    boxes = [(0, 0, 340, 340), (352, 0, 692, 340), (0, 352, 340, 692), (352, 352, 692, 692)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=692, height=692)


def _springer(replacements: dict[str, str] | None = None) -> list[str | None]:
    return image_offsets(file_cases(UNSEEN53 / SPRINGER, replacements, {3: _grid()})[0])


def test_signed_day_labels_count_from_the_onset_when_the_first_film_is_the_presentations_day():
    """Legends "at presentation (day +4)" after a "4-day history", "at day +11", "at day +12", "day +58": the
    presenting film signed with the admission's day of the illness says the signed days count from the onset (were
    read as days after the presentation: 16, 16, 62; Fig. 2 blank)."""
    assert _springer() == ["4", "11", "12", "12", "12", "58"]
    assert described("Chest radiograph at day +11")["date_text"] == "day +11"
    # the first film signed day +0: the count is the presentation's, the later days after it
    assert _springer({"at presentation (day +4)": "at presentation (day +0)"})[2:4] == ["16", "16"]


# --- "after the beginning of the symptoms" ---------------------------------------------------------------------------

def test_a_time_after_the_beginning_or_start_of_the_symptoms_counts_from_the_onset():
    """"The control thoracic CT scan performed 30 days after the beginning of the symptoms": the onset told by its
    beginning (unplaced: "its day is not told"); the start of a treatment or of the pandemic stays another base."""
    from ingest.timeline import text_moments
    cases = file_cases(UNSEEN53 / MOROCCO, None, {1: two_panels_side_by_side()})
    assert image_offsets(cases[0])[3] == "30"
    for text, days in (("Control CT 30 days after the beginning of the symptoms.", 30),
                       ("CT two weeks after the start of her symptoms", 14),
                       ("Radiograph 9 days after the beginning of the illness", 9)):
        assert [(m.kind, m.days) for m in text_moments(text, "caption")] == [("since-onset", days)], text
    for text in ("CT 5 days after the start of treatment", "CT 3 days after the beginning of the pandemic"):
        assert all(m.kind != "since-onset" for m in text_moments(text, "caption")), text


def test_a_study_on_the_same_day_after_a_signed_label_is_that_studys_day():
    """"a, b Axial images ... at day +12 ... c Coronal reformation on the same day": blank ("may count from the study
    before it or from the first"), a doubt for "1 week later" after a signed label, none for the day just told."""
    assert _springer()[4] == "12"
    assert _springer({"on the same day shows": "the following day shows"})[4] is None


# --- round 51: a single-case report's abstract gives the sex (and an age) its body does not ----------------------

_ABSTRACT_MAN = "We report the case of a man in his fifties, without notable pathological history"
_BODY_AGE = "It is about a 57-year-old patient, trader"


def _case_fields(replacements: dict[str, str]) -> tuple[str | None, str | None]:
    from tests.jats_cases import case_value
    case = file_cases(UNSEEN53 / MOROCCO, replacements, {1: two_panels_side_by_side()})[0]
    return case_value(case, "sex"), case_value(case, "age")


def test_a_single_case_reports_abstract_gives_the_sex_the_body_leaves_blank():
    """The body introduces "a 57-year-old patient" and says "his admission" beside a family member (the pronoun not
    read for that); the abstract of this one-patient paper introduces "a man in his fifties": M (was blank), the
    age still the body's 57 (a decade gives none)."""
    assert _case_fields({}) == ("M", "57")
    woman = {_ABSTRACT_MAN: "We report the case of a 57-year-old woman, without notable pathological history"}
    assert _case_fields({**woman, "his admission": "her admission", "of his hospitalization":
                         "of her hospitalization"}) == ("F", "57")


def test_an_abstract_naming_another_person_or_people_gives_no_sex():
    for abstract in ("We report the case of a man in his fifties and his wife, without notable pathological history",
                     "Elderly men are at higher risk. We report the case of a patient, without notable pathological "
                     "history",
                     "We report the case of a woman in her fifties, without notable pathological history"):
        # (another person; people in general; a sex the body's own pronoun, "his", contradicts)
        assert _case_fields({_ABSTRACT_MAN: abstract})[0] is None, abstract


def test_a_single_case_reports_abstract_gives_the_age_the_body_does_not():
    body = {_BODY_AGE: "It is about a patient, trader"}
    assert _case_fields(body) == ("M", None)  # "in his fifties": a range of ages
    assert _case_fields({**body, _ABSTRACT_MAN: "We report the case of a 57-year-old man, without notable "
                                                "pathological history"}) == ("M", "57")
    assert _case_fields({**body, _ABSTRACT_MAN: "We report the case of a 57-year-old man and his 55-year-old "
                                                "wife, without notable pathological history"})[1] is None
