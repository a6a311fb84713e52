"""The case timeline: anchor on the onset when the history gives it, each image placed by its own words."""

from ingest.timeline import HOSPITALISATION, ONSET, ImageTexts, case_timeline, onset_gap


def offsets(timeline):
    return [o.value for o in timeline.offsets]


def test_a_day0_label_after_a_four_day_history_is_offset_4():
    history = ("Four-day history of dry cough, myalgia, pyrexia and sore throat. "
               "Admitted to hospital for worsening dyspnea.")
    timeline = case_timeline(history, [
        ImageTexts(0, caption="First chest radiograph on admission demonstrates multiple patchy opacities.",
                   filename="case-day-0.jpg"),
        ImageTexts(1, caption="Limited inspiratory effort, with radiological progression.", filename="case-day-2.jpg"),
    ])
    assert timeline.anchor == ONSET
    assert timeline.admission_day == 4
    assert offsets(timeline) == [4, 6]
    assert timeline.offsets[0].evidence == "Four-day history … on admission"
    assert timeline.offsets[1].rule == "timeline.day-label-from-admission"


def test_on_admission_counts_from_the_onset_given_as_days_before_admission():
    history = "Her symptoms began three days before admission with fever and cough."
    timeline = case_timeline(history, [ImageTexts(0, caption="Chest X-ray on admission: bilateral opacities.")])
    assert offsets(timeline) == [3]
    assert timeline.offsets[0].rule == "timeline.since-admission"


def test_without_an_onset_the_anchor_is_hospitalisation():
    timeline = case_timeline("Admitted with dyspnoea.", [
        ImageTexts(0, date_text="Day 1"), ImageTexts(1, date_text="2 weeks later"),
        ImageTexts(2, date_text="after a few days"),
    ])
    assert timeline.anchor == HOSPITALISATION
    # "2 weeks later" counts from the previous study; "a few days" is 5 (the dataset's SCHEMA.md)
    assert offsets(timeline) == [1, 15, 20]


def test_a_label_and_a_caption_naming_its_base_agree():
    history = "SARS in a 46-year-old woman who presented 5 days after developing symptoms."
    timeline = case_timeline(history, [
        ImageTexts(0, caption="(a) Anteroposterior radiograph shows bilateral multifocal opacities.",
                   filename="fig7a-day5.jpeg"),
        ImageTexts(1, caption="(b) Anteroposterior radiograph obtained 12 days after admission shows resolution.",
                   filename="fig7b-day12.jpeg"),
    ])
    assert timeline.admission_day == 5
    assert offsets(timeline) == [5, 17]
    assert timeline.offsets[1].evidence == "presented 5 days after developing … 12 days after admission"


def test_a_bare_day_label_after_an_onset_history_stays_blank_with_the_reason():
    timeline = case_timeline("Fever for 6 days.", [ImageTexts(0, date_text="Day 7"), ImageTexts(1, date_text="Day 9")])
    assert offsets(timeline) == [None, None]
    assert "may count from the onset (day 7) or from admission (day 13)" in timeline.offsets[0].reason


def test_day_of_illness_is_the_offset_whatever_the_history():
    timeline = case_timeline("A 4-day history of cough.",
                             [ImageTexts(0, caption="CT on day 9 of illness shows consolidation.")])
    assert offsets(timeline) == [9]
    assert timeline.offsets[0].rule == "timeline.since-onset"


def test_an_image_never_takes_another_images_words():
    timeline = case_timeline("Admitted with fever.", [
        ImageTexts(0, caption="Chest radiograph on admission."), ImageTexts(1, caption="Lateral view."),
    ])
    assert offsets(timeline) == [0, None]
    assert timeline.offsets[1].reason == "no moment of this image in its own words"


def test_relative_time_without_an_earlier_placed_image_is_blank():
    timeline = case_timeline("Fever.", [ImageTexts(0, caption="CT scan."),
                                        ImageTexts(1, caption="Follow-up CT 10 days later.")])
    assert offsets(timeline) == [None, None]
    assert "earlier image" in timeline.offsets[1].reason


def test_the_only_image_of_a_case_with_a_history_is_the_presenting_film():
    timeline = case_timeline("A 50-year-old man presented with a 7-day history of fever and cough.",
                             [ImageTexts(0, caption="Chest X-ray")])
    assert offsets(timeline) == [7]
    assert timeline.offsets[0].rule == "timeline.presenting-image"


def test_several_moments_in_one_caption_leave_it_blank():
    timeline = case_timeline("Fever.", [ImageTexts(0, caption="Radiograph on admission and 6 days after admission.")])
    assert offsets(timeline) == [None]
    assert "several moments" in timeline.offsets[0].reason


def test_onset_gap_reads_the_history_not_other_people():
    assert onset_gap("Her husband had a 5-day history of fever.") is None
    assert onset_gap("Two-week history of cough") == (14, "Two-week history")
    assert onset_gap("") is None


def test_dated_images_count_from_the_dated_onset():
    history = ("One day before entry (January 18, 2020), she developed fever, chill, and myalgia. "
               "On admission (January 19, 2020), the physical examination revealed a temperature of 38.4°C.")
    timeline = case_timeline(history, [
        ImageTexts(0, caption="(A) Chest radiography taken on January 21, 2020 (3 days after the symptom onset)."),
        ImageTexts(1, caption="(F) The chest radiography taken on January 25, 2020 began to show infiltrates."),
    ])
    assert timeline.admission_day == 1
    assert offsets(timeline) == [3, 7]
    assert timeline.offsets[1].rule == "timeline.date-since-onset"


def test_day_first_dates_of_an_italian_post_count_from_the_dated_admission():
    history = "Paziente di 75 anni. Giunge in PS il 30/3 per febbre e dispnea ingravescente."
    timeline = case_timeline(history, [ImageTexts(0, date_text="30/3", caption="RX torace PA, 30/3"),
                                       ImageTexts(1, caption="TC del 2/4")], day_first=True)
    assert timeline.anchor == HOSPITALISATION
    assert offsets(timeline) == [0, 3]
    # month first (an English text): 2/4 is ambiguous, and "30/3" is read only because 30 is no month
    assert offsets(case_timeline(history, [ImageTexts(0, caption="TC del 2/4")])) == [None]


def test_a_date_without_a_dated_onset_or_admission_stays_blank_with_the_reason():
    timeline = case_timeline("Fever and cough.", [ImageTexts(0, caption="Chest X-ray on March 3, 2020.")])
    assert offsets(timeline) == [None]
    assert timeline.offsets[0].reason == "a dated image, but neither the onset nor the admission is dated"


def test_a_reference_to_another_film_is_not_this_films_moment():
    timeline = case_timeline("Admitted with fever.", [
        ImageTexts(0, caption="Chest X-ray on admission."),
        ImageTexts(1, caption="Worsening compared with the initial chest X-ray."),
    ])
    assert offsets(timeline) == [0, None]
