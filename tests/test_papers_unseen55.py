"""The fifty-fifth blind batch of papers (tests/fixtures/papers_unseen55/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from ingest.normalize.imaging import normalize_finding
from ingest.patients import PatientText, descriptors_in, names_a_relative
from ingest.timeline import onset_gap, readmission_moment, text_moments
from tests.jats_cases import case_value, file_cases, image_offsets, image_values

UNSEEN55 = Path(__file__).parent / "fixtures" / "papers_unseen55"
CUREUS = "PMC7550011_efetch.xml"  # "COVID-19 Pneumonia With a Normal Chest Radiograph at Admission: Two Cases ..."
NEWBORN = "PMC7550022_efetch.xml"  # a newborn's case report whose adult patient is the mother
MEDICINE = "PMC7550033_efetch.xml"  # "methylprednisolone ... was started, tapered over 8 weeks"
EGYPT = "PMC7550044_efetch.xml"  # "after 10 days from the onset of symptoms"

COVID = "Pneumonia/Viral/COVID-19"


def _cases(name: str, replacements: dict[str, str] | None = None):
    return file_cases(UNSEEN55 / name, replacements)


def _offsets(name: str, replacements: dict[str, str] | None = None) -> list[list[str | None]]:
    return [image_offsets(case) for case in _cases(name, replacements)]


# --- a dose's schedule is no span of the illness ---------------------------------------------------------------------

def test_a_tapered_dose_is_no_span_of_the_illness():
    """"methylprednisolone 0.5 mg/kg/day was started, tapered over 8 weeks" (the readmission's treatment, in the
    history): no "over 8 weeks" of illness before the admission; the history's dates (March 9 -> March 14) tell 5
    (was 56, 59, 59: the 8 weeks taken as the onset gap)."""
    # (the follow-up's 46 since leftovers52: "4 weeks after his first discharge")
    assert _offsets(MEDICINE) == [["5", "8", "8", "46"]]
    for written in ("tapered over 6 weeks", "tapering over 8 weeks", "weaned over 8 weeks"):
        assert _offsets(MEDICINE, {"tapered over 8 weeks": written}) == [["5", "8", "8", "46"]], written
    for history in ("Prednisolone 40 mg was started, tapered over 6 weeks.",
                    "Steroids were weaned over 3 weeks."):
        assert onset_gap(history) is None, history


def test_a_symptom_over_weeks_is_still_a_span():
    for history in ("He had a dry cough over 2 weeks and was admitted.", "Fever for 5 days, then tapered off."):
        assert onset_gap(history) is not None, history


# --- "after N days from the onset of symptoms" -----------------------------------------------------------------------

def test_after_n_days_from_the_onset_counts_from_the_onset():
    """"Follow-up CT chest after 10 days from the onset of symptoms", "PA chest X-ray after 3 weeks from the onset of
    symptoms" (and the body's "After 10 days from the onset of symptoms, ..."): 10 and 21 days from the onset (was 13
    and 34: counted from the film before)."""
    assert _offsets(EGYPT) == [["3", "10", "10", "21"]]
    for written in ("from the beginning of symptoms", "since the onset of symptoms", "from symptom onset",
                    "from the start of the illness"):
        assert _offsets(EGYPT, {"from the onset of symptoms": written}) == [["3", "10", "10", "21"]], written


def test_the_onset_base_of_after_n_days():
    for text, days in (("CT after 10 days from the onset of symptoms.", 10),
                       ("Chest X-ray after 3 weeks since the beginning of the illness.", 21),
                       ("CT after 5 days of symptom onset.", 5)):
        assert [(m.kind, m.days) for m in text_moments(text, "label")] == [("since-onset", days)], text
    # the admission's base is unchanged
    assert [(m.kind, m.days) for m in text_moments("CT after 5 days of admission.", "label")] == [
        ("since-admission", 5)]


# --- "with fever ... from three days before." ------------------------------------------------------------------------

def test_symptoms_from_n_days_before_are_the_history():
    """"referred ... on 4 April 2020 with fever, cough and myalgia from three days before." (an Iranian group's
    English, the presentation left unsaid): a 3-day history (was none: the mother's CT on admission was 0)."""
    assert onset_gap("She was referred on 4 April 2020 with fever, cough and myalgia from three days before.") == (
        3, "from three days before")
    assert onset_gap("He was admitted with dry cough from one week earlier.")[0] == 7
    # not a stay or a relative's symptoms
    for history in ("She had been in quarantine from 3 days before.",
                    "Her husband had similar symptoms from about one week before."):
        assert onset_gap(history) is None, history


# --- the mother of a paediatric paper's newborn ----------------------------------------------------------------------

def test_the_mother_of_the_newborn_is_the_pregnant_patient():
    """A newborn's case report whose one adult patient is "A 27-year-old pregnant woman (gravida 2, para 1)": the
    legends' "Chest CT scan of the mother", "... radiograph of the mother on the fourth postpartum day" are hers (were
    cases of their own: no sex, age or finding, the CT's offset 0 without her history)."""
    cases = _cases(NEWBORN)
    assert len(cases) == 1
    assert case_value(cases[0], "sex") == "F" and case_value(cases[0], "age") == "27"
    assert case_value(cases[0], "finding") == COVID
    assert image_offsets(cases[0]) == ["3", "3", "9"]  # "the fourth postpartum day" (leftovers52; was blank)
    assert image_values(cases[0], "view") == ["Axial", "Axial", "AP"]


def test_the_mother_of_a_woman_without_pregnancy_is_a_relative():
    """Without her own pregnancy or delivery told, "the mother" in a legend is someone else (her own mother)."""
    def patient(intro: str) -> PatientText:
        descriptor = descriptors_in(intro)[0][0]
        return PatientText(1, "single", [intro], intro, descriptor)

    caption = "Chest CT scan of the mother on admission."
    assert names_a_relative(caption, patient("A 27-year-old woman was admitted with fever and cough."))
    assert not names_a_relative(caption, patient("A 27-year-old pregnant woman was admitted with fever and cough."))
    assert not names_a_relative(caption, patient("A 31-year-old woman at 36 weeks of gestation was admitted."))
    assert names_a_relative(caption, patient("A 35-year-old man at his wife's 36 weeks of gestation was admitted."))


# --- a normal film the diagnosis showed with -------------------------------------------------------------------------

def test_a_title_disease_with_a_normal_film_is_the_finding():
    """"COVID-19 Pneumonia With a Normal Chest Radiograph at Admission: Two Cases ...": the disease, for both cases
    (was blank: "'no finding' and a diagnosis in the same text")."""
    assert [case_value(case, "finding") for case in _cases(CUREUS)] == [COVID, COVID]
    for title in ("COVID-19 Pneumonia With a Normal Chest Radiograph at Admission",
                  "COVID-19 presenting with a normal chest CT",
                  "Severe COVID-19 pneumonia despite a normal chest X-ray"):
        assert normalize_finding(title).value == COVID, title


def test_a_normal_film_alone_or_before_the_disease_stays_as_it_was():
    assert normalize_finding("A normal chest radiograph on admission.").value == "No Finding"
    for text in ("Patient with normal chest x-ray and COVID-19", "COVID-19 pneumonia. Follow-up with a normal chest "
                 "radiograph."):
        assert normalize_finding(text).value is None, text


# --- what the first run read right (guards) --------------------------------------------------------------------------

def test_the_cureus_cases_by_hospital_day():
    """Case 1 "started four days ago", "On the third day of hospitalization ... thorax CT"; Case 2 "lasting for one
    week", "On the 5th day of hospitalization ... Portable chest X-ray"."""
    assert _offsets(CUREUS) == [["4", "7", "7"], ["7", "7", "12"]]


# --- round 51, second wave: the family of "after <span> from/of/since the onset of <the illness>" ------------------

def test_after_a_span_from_the_onset_of_any_name_of_the_illness():
    """"after 3 weeks from the onset of fever", "... of the disease", "... of COVID-19 symptoms", "... from the first
    symptoms", "... from the beginning of fever": from the onset, as "N days after the onset of fever" is (were
    counted from the film before: 13, 34)."""
    for written in ("from the onset of fever", "from the onset of the disease", "from the onset of COVID-19 symptoms",
                    "from the first symptoms", "from the beginning of fever", "since the onset of cough"):
        assert _offsets(EGYPT, {"from the onset of symptoms": written}) == [["3", "10", "10", "21"]], written
    for text, days in (("Chest X-ray after three weeks from the onset of fever.", 21),
                       ("CT after one month from the onset of the disease.", 30),
                       ("CT after 12 days since the first symptoms.", 12)):
        assert [(m.kind, m.days) for m in text_moments(text, "label")] == [("since-onset", days)], text


def test_the_onset_of_a_later_complaint_stays_after_the_film_before():
    """"after 2 days from the onset of dyspnea": a complaint that may have begun later than the illness (unchanged)."""
    assert [m.kind for m in text_moments("CT after 2 days from the onset of dyspnea.", "label")] == ["after-previous"]


def test_after_n_days_of_the_onset_is_no_span_of_symptoms():
    """"After 10 days of the onset of symptoms, she complained of progressive dyspnea" (and a film "after 3 weeks of
    the onset of symptoms"): a time counted from the onset, not a 10-day (21-day) history at the presentation (was
    21: the first film, told at the presentation after "3 days duration", took the 3 weeks)."""
    assert _offsets(EGYPT, {"from the onset of symptoms": "of the onset of symptoms"}) == [["3", "10", "10", "21"]]
    history = ("She presented by fever and cough of 3 days duration. After 10 days of the onset of symptoms, she had "
               "dyspnea.")
    assert onset_gap(history) == (3, "3 days duration")
    assert onset_gap("Chest X-ray after 3 weeks of the onset of symptoms showed complete resolution.") is None
    # told of the admission, the same words are the span at the admission
    for history, days in (("He was admitted after 5 days of the onset of fever.", 5),
                          ("He was admitted after 5 days from the onset of fever.", 5),
                          ("She was admitted to our hospital after one week since the onset of symptoms.", 7)):
        assert onset_gap(history)[0] == days, history
    # a span of symptoms is still one
    assert onset_gap("He presented after 5 days of fever and cough.")[0] == 5


# --- leftovers52: a day counted from the delivery ("on the fourth postpartum day", "postpartum day 4", "day 4 after
# the caesarean section"), placed on the delivery's day the history tells ("Two days after admission ... emergency
# cesarean section"), as "postoperative day N" after an operation

_POSTPARTUM = "on the fourth postpartum day"


def test_leftovers52_a_postpartum_day_counts_from_the_delivery():
    """The mother's radiograph "on the fourth postpartum day": the cesarean two days after the admission (day 3 of
    the illness) is day 5, the film 9 (was blank: a day of an event the timeline did not count)."""
    assert _offsets(NEWBORN) == [["3", "3", "9"]]
    body = "On the fourth day after delivery, her portable chest radiograph"  # (the text citing Figure 3)
    for written, days in (("on postpartum day 4", "9"), ("on post-partum day 3", "8"), ("on day 4 postpartum", "9"),
                          ("on the 4th day post-partum", "9"), ("on the fourth day after delivery", "9"),
                          ("on day 2 after the cesarean section", "7"), ("two days postpartum", "7"),
                          ("on the third puerperal day", "8")):
        assert _offsets(NEWBORN, {_POSTPARTUM: written, body: "Her portable chest radiograph"}) == \
            [["3", "3", days]], written
    # (the text citing the figure: papers' own date words; its "On postpartum day 4" since leftovers52b, below)
    for written, days in (("Four days after delivery", "9"), ("On the 3rd day after the caesarean section", "8")):
        assert _offsets(NEWBORN, {_POSTPARTUM: "", body: f"{written}, her portable chest radiograph"}) == \
            [["3", "3", days]], written


def test_leftovers52_a_postpartum_day_without_a_dated_delivery_stays_blank():
    """No delivery's day told in the history: blank, not a bare "day 4" of another count (the words "postpartum day
    4" were a bare label "day 4")."""
    moments = text_moments("Chest radiograph on postpartum day 4.", "caption")
    assert [(m.kind, m.days) for m in moments] == [("after-event", 4)]
    xml = (UNSEEN55 / NEWBORN).read_text()
    start = xml.index("Two days after admission")
    told = xml[start:xml.index(".", start) + 1]
    assert _offsets(NEWBORN, {told: "Her condition was stable."})[0][2] is None
    # the tuberculin "PPD", a delivery of oxygen: no day of a delivery
    assert not [m for m in text_moments("PPD 2 mm. Chest X-ray.", "caption") if m.kind == "after-event"]


# --- leftovers52: a readmitted patient's film counted from the first discharge ("4 weeks after his first discharge")

_FIRST_DISCHARGE = "At the outpatient follow-up 4 weeks after his first discharge"


def test_leftovers52_weeks_after_the_first_discharge_count_from_the_discharge_told_before_the_return():
    """"At the outpatient follow-up 4 weeks after his first discharge ... (Fig. 3)", the history "discharged on March
    27. Twelve days later he was readmitted": 18 + 28 = 46 (was blank: "his first" no base; "after the first
    discharge" was "the first" film's, an interval from the film before)."""
    assert _offsets(MEDICINE) == [["5", "8", "8", "46"]]
    for written in ("At the outpatient follow-up 4 weeks after the first discharge",
                    "At the outpatient follow-up four weeks after his initial discharge",
                    "At the outpatient follow-up 28 days after her first discharge"):
        assert _offsets(MEDICINE, {_FIRST_DISCHARGE: written}) == [["5", "8", "8", "46"]], written
    moments = text_moments("Chest radiograph 4 weeks after the first discharge.", "caption")
    assert [(m.kind, m.days) for m in moments] == [("after-discharge", 28)]


def test_leftovers52_a_first_discharge_not_told_before_the_return_stays_blank():
    """The discharge the history tells after the return (the second stay's), or no return told: blank."""
    second = {"He improved gradually and was discharged on March 27.": "He improved gradually.",
              "Twelve days later he was readmitted with exertional dyspnea and dry cough, without fever.":
              "He was readmitted on April 8 with exertional dyspnea and was discharged on April 20."}
    assert _offsets(MEDICINE, second)[0][3] is None


def test_leftovers52_readmitted_n_days_later_after_the_discharges_sentence(tmp_path):
    """"He improved gradually and was discharged on March 27. Twelve days later he was readmitted": the return 12 days
    after the discharge (was no readmission: "later" counted only with the discharge in its own sentence), so a film
    "on readmission" of such a history is placed (was blank)."""
    for history, days in (
            ("He improved gradually and was discharged on March 27. Twelve days later he was readmitted with "
             "exertional dyspnea.", 12),
            ("She was discharged home on 20 March. Ten days later she returned with dyspnoea.", 10),
            ("He was discharged after 10 days. Two weeks later he was readmitted.", 14)):
        moment = readmission_moment(history)
        assert moment is not None and (moment.kind, moment.days) == ("after-discharge", days), history
    from tests.timeline_unseen import FIRST_CASE, offsets
    case = {"id": "x", "patient": "50 years, male", "findings": "",
            "history": "Fever and cough for 5 days. He was admitted on 10 March and discharged on 20 March. Ten days "
                       "later he returned with dyspnoea.",
            "images": [{"caption": "Chest X-ray on admission."}, {"caption": "CT on readmission."}]}
    assert offsets(case, FIRST_CASE + 970, tmp_path) == ["5", "25"]


def test_leftovers52_a_later_return_not_after_the_discharges_sentence_stays_unread():
    for history in ("He was discharged on 20 March. Ten days later his wife was admitted with fever.",
                    "He was discharged on 20 March. He was seen in clinic. Ten days later he was readmitted.",
                    "He was admitted on 10 March. Two days later he was readmitted to the ward."):
        assert readmission_moment(history) is None, history


# --- leftovers52b: the text citing a figure counts a day from the delivery as the timeline does ("On postpartum day
# 4, her portable chest radiograph ... (Figure 3)"): `papers._DATE` takes the timeline's own `POSTPARTUM_DAY`, not a
# second list (was a bare "day 4", or no moment)


def test_leftovers52b_a_citing_sentences_postpartum_day_counts_from_the_delivery():
    body = "On the fourth day after delivery, her portable chest radiograph"  # (the text citing Figure 3)
    for written, days in (("On postpartum day 4", "9"), ("On post-partum day 3", "8"), ("On day 4 postpartum", "9"),
                          ("On the fourth postpartum day", "9"), ("On the 4th day post-partum", "9"),
                          ("Two days postpartum", "7"), ("On the third puerperal day", "8"),
                          ("On day 2 after the cesarean section", "7")):
        assert _offsets(NEWBORN, {_POSTPARTUM: "", body: f"{written}, her portable chest radiograph"}) == \
            [["3", "3", days]], written


def test_leftovers52b_a_citing_sentences_postpartum_day_without_a_delivery_stays_blank():
    """No delivery's day told: blank, not the bare "day 4" of another count."""
    xml = (UNSEEN55 / NEWBORN).read_text()
    start = xml.index("Two days after admission")
    told = xml[start:xml.index(".", start) + 1]
    body = "On the fourth day after delivery, her portable chest radiograph"
    assert _offsets(NEWBORN, {_POSTPARTUM: "", told: "Her condition was stable.",
                              body: "On postpartum day 4, her portable chest radiograph"})[0][2] is None
