"""The case timeline: anchor on the onset when the history gives it, each image placed by its own words."""

import pytest

from ingest.timeline import HOSPITALISATION, ONSET, CaseImages, ImageTexts, case_timeline, onset_gap


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


def test_without_an_onset_the_first_film_a_later_one_counts_from_is_day_0_in_notes():
    # no onset told: the axis is the hospitalisation's, and in the dataset's notes (backfill) a first
    # film telling no moment and no time, which the next film counts from ("24 h after", "2 weeks
    # later"), is its day 0, as the sample's curators write it (it was blank, and the next film with it)
    history = "A 63-year-old woman came to our emergency room with fever and dyspnea at rest."
    images = [ImageTexts(0, caption="Chest X-ray shows bilateral pleural effusion."),
              ImageTexts(1, caption="Chest X-ray performed 24 h after the drainage shows less effusion.")]
    for text in (history, "Fever."):
        timeline = case_timeline(text, images, captions_are_notes=True, history_before_legends=True)
        assert offsets(timeline) == [0, 1], text
        assert timeline.offsets[0].rule == "timeline.presenting-image"
        assert timeline.offsets[1].rule == "timeline.after-previous"
        case = CaseImages(images, captions_are_notes=True, history_before_legends=True)
        assert [case.offset_of(text, i).value for i in images] == [0, 1], text
        # notes that are legends alone, with no case history before them: blank
        assert offsets(case_timeline(text, images, captions_are_notes=True)) == [None, None], text
        # a crawled page's legends keep them blank (its batches' curators leave such films blank)
        assert offsets(case_timeline(text, images)) == [None, None], text
        assert [CaseImages(images).offset_of(text, i).value for i in images] == [None, None], text
    # the next film tells its own day (not counted from the first): the first stays blank
    timeline = case_timeline(history, [images[0], ImageTexts(1, caption="CT on hospital day 3.")],
                             captions_are_notes=True, history_before_legends=True)
    assert offsets(timeline) == [None, 3]


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


# --- Soon-after moments, presentation labels and exams (issue 12's audit from the sites' side) ----

H7 = "A 34-year-old man presented with a 7-day history of fever and cough."


def test_hours_and_day_words_count_from_the_previous_film():
    cases = {
        "Axial CT, two hours later: ground-glass opacities.": 7,   # Eurorad caption
        "CT performed on the same day.": 7,
        "Axial CT image, lung window, obtained the following day.": 8,
        "CT the next day.": 8,
        "Chest X-ray 48 hours later: progression.": 9,
    }
    for caption, day in cases.items():
        timeline = case_timeline(H7, [ImageTexts(0, caption="Chest X-ray, AP view, on admission."),
                                      ImageTexts(1, caption=caption)])
        assert offsets(timeline) == [7, day], caption
        assert timeline.offsets[1].rule == "timeline.after-previous"


def test_hours_that_are_not_whole_days_leave_the_film_blank_with_the_reason():
    timeline = case_timeline(H7, [ImageTexts(0, caption="Chest X-ray on admission."),
                                  ImageTexts(1, caption="Chest X-ray, PA view, 36 hours later: unchanged.")])
    assert offsets(timeline) == [7, None]
    assert "'36 hours later': its day is not told" in timeline.offsets[1].reason


def test_hours_after_admission_count_from_the_admission():
    timeline = case_timeline("Fever and dry cough for 4 days.", [
        ImageTexts(0, caption="Bedside AP chest radiograph 48 hours after admission.")])
    assert offsets(timeline) == [6]
    assert timeline.offsets[0].rule == "timeline.since-admission"


def test_italian_next_day_and_a_distanza_di():
    history = "Uomo di 62 anni, giunge in PS per febbre e tosse secca da 6 giorni."
    timeline = case_timeline(history, [
        ImageTexts(0, caption="RX torace eseguito all’ingresso in PS (proiezione PA)."),
        ImageTexts(1, caption="L’esame TC eseguito il giorno successivo documenta aree a vetro smerigliato."),
        ImageTexts(2, caption="RX torace di controllo a distanza di 5 giorni dal ricovero."),
        ImageTexts(3, caption="RX torace 48 ore dopo: ulteriore estensione."),
    ], day_first=True)
    assert offsets(timeline) == [6, 7, 11, 13]
    assert timeline.offsets[2].rule == "timeline.since-admission"


def test_a_distanza_di_without_its_base_is_read_like_after():
    # 4 days after the CT (day 7) or after the presentation (day 6): the words do not say
    timeline = case_timeline("Febbre da 6 giorni.", [
        ImageTexts(0, caption="RX all’ingresso."), ImageTexts(1, caption="TC il giorno successivo."),
        ImageTexts(2, caption="RX a distanza di 4 giorni."),
    ], day_first=True)
    assert offsets(timeline) == [6, 7, None]
    assert "may count from the previous film (day 11) or from the presentation (day 10)" in \
        timeline.offsets[2].reason
    # a control radiograph controls the last radiograph, here the presentation's: the two readings agree
    timeline = case_timeline("Febbre da 6 giorni.", [
        ImageTexts(0, caption="RX all’ingresso."), ImageTexts(1, caption="TC il giorno successivo."),
        ImageTexts(2, caption="RX di controllo a distanza di 4 giorni."),
    ], day_first=True)
    assert offsets(timeline) == [6, 7, 10]


def test_a_study_labelled_as_the_presentation_is_the_admission_day():
    for label in ("Presentation", "Initial", "Admission", "Study 1: Baseline", "X-ray - initial"):
        timeline = case_timeline("Fever and cough for 4 days.", [
            ImageTexts(0, date_text=label), ImageTexts(1, date_text="1 week later")])
        assert offsets(timeline) == [4, 11], label
    # a label that is not the presentation alone gives no moment
    timeline = case_timeline("Fever and cough for 4 days.", [ImageTexts(0, date_text="Follow-up")])
    assert offsets(timeline) == [None]


def test_days_post_admission_count_from_the_admission():
    history = "Fever and cough for 4 days."
    assert offsets(case_timeline(history, [ImageTexts(0, date_text="Day 5 post admission")])) == [9]
    assert offsets(case_timeline(history, [ImageTexts(0, date_text="Admission"),
                                           ImageTexts(1, date_text="10 days post-admission")])) == [4, 14]
    # "day 3 of admission" is 3 days after the admission (4), as the sample's curators count it
    assert offsets(case_timeline(history, [ImageTexts(0, date_text="Day 3 of admission")])) == [7]


def test_a_later_film_counts_from_the_previous_exam_not_from_its_own_exams_other_film():
    # a study with a frontal and a lateral stack: both are "5 days later", from the presentation
    images = [ImageTexts(0, date_text="Presentation", group="study 1"),
              ImageTexts(1, date_text="Presentation", group="study 1"),
              ImageTexts(2, date_text="5 days later", group="study 2"),
              ImageTexts(3, date_text="5 days later", group="study 2"),
              ImageTexts(4, date_text="2 weeks later", group="study 3")]
    assert offsets(case_timeline("Fever for 3 days.", images)) == [3, 3, 8, 8, 22]
    # without the exams, each film counts from the one before it
    ungrouped = [ImageTexts(i.position, date_text=i.date_text) for i in images]
    assert offsets(case_timeline("Fever for 3 days.", ungrouped)) == [3, 3, 8, 13, 27]


def test_case_images_places_a_film_of_an_exam_as_the_case_timeline_does():
    from ingest.timeline import CaseImages

    images = [ImageTexts(0, date_text="Presentation", group="s1"),
              ImageTexts(1, date_text="5 days later", group="s2"), ImageTexts(2, date_text="5 days later", group="s2"),
              ImageTexts(3, date_text="3 days later", group="s3")]
    whole = case_timeline("Fever for 3 days.", images)
    case = CaseImages(images)
    assert [case.offset_of("Fever for 3 days.", i).value for i in images] == offsets(whole) == [3, 8, 8, 11]


def test_a_day_of_the_stay_is_the_films_moment_not_the_presentation():
    # told, a day of the hospital stay makes the single film no presenting film: day N of the stay is
    # N days after the admission (7 days after the onset)
    for caption, day in (("Chest X-ray, day 3 of admission: bilateral opacities.", 10),
                         ("Chest X-ray on the fifth day of hospitalisation.", 12),
                         ("RX torace in terza giornata di ricovero.", 10)):
        timeline = case_timeline(H7, [ImageTexts(0, caption=caption)], day_first=True)
        assert offsets(timeline) == [day], caption
        assert timeline.offsets[0].rule == "timeline.hospital-day"
    # an ordinal day of the illness is counted from the onset
    timeline = case_timeline("Fever.", [ImageTexts(0, caption="Chest X-ray on the third day of illness.")])
    assert offsets(timeline) == [3]


def test_italian_days_from_the_admission():
    timeline = case_timeline("Febbre da 5 giorni.", [ImageTexts(0, caption="RX all’ingresso."),
                                                      ImageTexts(1, caption="RX a 10 giorni dal ricovero.")],
                             day_first=True)
    assert offsets(timeline) == [5, 15]
    # a film's bare "a 10 giorni" is read like "a distanza di": after the previous film, or after the
    # presentation; here the previous film is the presentation's, so both say day 15
    for caption in ("RX a 10 giorni.", "Controllo a 10 giorni: peggioramento.", "RX torace di controllo a 10 giorni"):
        timeline = case_timeline("Febbre da 5 giorni.", [ImageTexts(0, caption="RX all’ingresso."),
                                                          ImageTexts(1, caption=caption)], day_first=True)
        assert offsets(timeline) == [5, 15], caption
    # the previous film (day 7) and the presentation (day 6) disagree, but the control radiograph's last
    # radiograph is the presentation's: day 10 (unseen5's curator, "RX di controllo a 10 giorni" after a CT)
    timeline = case_timeline("Febbre da 6 giorni.", [
        ImageTexts(0, caption="RX all’ingresso."), ImageTexts(1, caption="TC il giorno successivo."),
        ImageTexts(2, caption="RX di controllo a 4 giorni."),
    ], day_first=True)
    assert offsets(timeline) == [6, 7, 10]
    # a film that is no control of an exam of its kind: blank, with both readings
    timeline = case_timeline("Febbre da 6 giorni.", [
        ImageTexts(0, caption="RX all’ingresso."), ImageTexts(1, caption="TC il giorno successivo."),
        ImageTexts(2, caption="RX a 4 giorni."),
    ], day_first=True)
    assert offsets(timeline) == [6, 7, None]
    assert "may count from the previous film (day 11) or from the presentation (day 10)" in timeline.offsets[2].reason
    # outside a film's sentence "a 10 giorni" is a therapy's or a dose's day
    timeline = case_timeline("Febbre da 5 giorni.", [
        ImageTexts(0, caption="RX all’ingresso."),
        ImageTexts(1, caption="Terapia antibiotica sospesa a 10 giorni. Miglioramento clinico.")], day_first=True)
    assert offsets(timeline) == [5, None]


def test_the_onset_told_as_the_admission_n_days_after_it_or_as_the_date_symptoms_began():
    assert onset_gap("Five days after the onset of fever she was admitted to our hospital.") == (
        5, "Five days after the onset")
    assert onset_gap("7 giorni dopo l’esordio dei sintomi giunge in PS.")[0] == 7
    # the admission must be told: "five days after the onset the rash faded" is no anchor
    assert onset_gap("Five days after the onset of fever the rash faded.") is None
    assert onset_gap("Febbre e tosse da 3 gg.") == (3, "da 3 gg")
    timeline = case_timeline("Dal 10 marzo febbre e tosse; ricoverato il 14 marzo.",
                             [ImageTexts(0, caption="RX torace del 14 marzo."),
                              ImageTexts(1, caption="TC del 16 marzo.")], day_first=True)
    assert offsets(timeline) == [4, 6]


def test_a_relative_time_counted_from_another_event_is_not_after_the_previous_film():
    for caption in ("Chest X-ray 3 weeks after discharge.", "CT 2 weeks after the start of treatment.",
                    "RX 3 settimane dopo la dimissione.", "CT after 3 weeks of treatment."):
        timeline = case_timeline("Fever for 4 days.", [ImageTexts(0, caption="Chest X-ray on admission."),
                                                        ImageTexts(1, caption=caption)], day_first=True)
        assert offsets(timeline) == [4, None], caption
        assert "its day is not told" in timeline.offsets[1].reason
    for caption, day in (("Chest X-ray 5 days after, showing progression.", 9), ("CT 5 days after the first CT.", 9),
                         ("Chest X-ray 2 days after CT.", 6)):
        timeline = case_timeline("Fever for 4 days.", [ImageTexts(0, caption="Chest X-ray on admission."),
                                                        ImageTexts(1, caption=caption)])
        assert offsets(timeline) == [4, day], caption


def test_a_day_label_beside_the_moment_it_names_is_one_moment():
    timeline = case_timeline("Fever and cough for 4 days.",
                             [ImageTexts(0, caption="Chest X-ray on admission (day 0).")])
    assert offsets(timeline) == [4]
    assert timeline.offsets[0].rule == "timeline.since-admission"
    # a label naming another day than the words' moment still leaves the film blank
    timeline = case_timeline("Fever and cough for 4 days.",
                             [ImageTexts(0, caption="Chest X-ray on admission (day 3).")])
    assert offsets(timeline) == [None]


def test_another_further_and_more_days_count_like_n_days_later():
    for caption in ("Follow-up radiograph obtained a further 3 days later.", "Chest X-ray 3 more days later.",
                    "Another 3 days later, the CT shows progression."):
        timeline = case_timeline("Admitted with fever.", [
            ImageTexts(0, date_text="Day 4"), ImageTexts(1, caption=caption)])
        assert offsets(timeline) == [4, 7], caption
    # in a study label "after another 7 days" counts from the previous study
    timeline = case_timeline("Admitted with fever.", [
        ImageTexts(0, date_text="Day 4"), ImageTexts(1, date_text="after another 7 days")])
    assert offsets(timeline) == [4, 11]


def test_after_another_n_days_in_a_caption_names_both_possible_bases():
    # the sample's one such film ("obtained after another 7 days", after "5 days later") is day 7 for
    # the curators: from the presentation, not from the previous film; blank with both days
    timeline = case_timeline("Admitted with fever.", [
        ImageTexts(0, caption="Frontal chest radiograph obtained at clinical presentation."),
        ImageTexts(1, caption="Follow-up chest radiograph obtained 5 days later."),
        ImageTexts(2, caption="Subsequent follow-up chest radiograph obtained after another 7 days."),
    ])
    assert offsets(timeline) == [0, 5, None]
    assert "previous film (day 12) or from the presentation (day 7)" in timeline.offsets[2].reason


def test_presentation_and_admission_moments_in_other_words():
    history = "Fever and cough for 4 days; she was admitted."
    for caption in ("Chest X-ray at clinical presentation shows opacities.", "CT at presentation.",
                    "CT at the time of presentation.", "Radiograph upon arrival at the emergency department.",
                    "CT at the time of hospitalization shows ground-glass opacities.",
                    "CT at the time of admission."):
        timeline = case_timeline(history, [ImageTexts(0, caption=caption), ImageTexts(1, caption="CT 5 days later.")])
        assert offsets(timeline) == [4, 9], caption
    # counter-examples: a span of the stay, and an earlier presentation than the admission
    for caption in ("CT during hospitalization shows ground-glass opacities.",
                    "AP chest X-ray at initial presentation demonstrated interstitial markings."):
        timeline = case_timeline(history, [ImageTexts(0, caption=caption), ImageTexts(1, caption="CT 5 days later.")])
        assert offsets(timeline)[0] is None, caption


def test_the_first_film_is_the_presenting_film_when_nothing_else_dates_it():
    history = "Fever and cough for 4 days; she was admitted."
    for caption in ("First CT shows ground-glass opacities.", "Initial chest radiograph: right basal opacity.",
                    "Baseline CT shows bilateral ground-glass opacities."):
        timeline = case_timeline(history, [ImageTexts(0, caption=caption), ImageTexts(1, caption="CT 5 days later.")])
        assert offsets(timeline) == [4, 9], caption
    # its own words date it otherwise: they win ("day 6 of illness"), where both used to stay blank
    timeline = case_timeline(history, [ImageTexts(0, caption="Initial chest radiograph on day 6 of illness.")])
    assert offsets(timeline) == [6]
    # "first" only orders the films: without a history of the presentation it stays blank, with the reason
    timeline = case_timeline("", [ImageTexts(0, caption="First CT shows ground-glass opacities."),
                                  ImageTexts(1, caption="Second CT 5 days later.")])
    assert offsets(timeline) == [None, None]
    assert "history does not tell the presentation" in timeline.offsets[0].reason


def test_a_hospital_day_counts_n_days_from_the_admission():
    # the sample's curators: "Chest X-ray on presentation" 0 and "on day 2 of admission" 2; "at hospital
    # day 6" 6 (patients 337 and 319a, no onset told)
    history = "Fever and cough; she was admitted 5 days after symptom onset."
    for caption in ("CT on hospital day 3 shows progression.", "Chest radiograph on HD 3.",
                    "CT on day 3 of hospitalization.", "CT on the third day of hospitalization."):
        timeline = case_timeline(history, [ImageTexts(0, caption="Initial chest radiograph."),
                                           ImageTexts(1, caption=caption)])
        assert offsets(timeline) == [5, 8], caption
        assert timeline.offsets[1].evidence.startswith("admitted 5 days after symptom … "), caption
    assert offsets(case_timeline(history, [ImageTexts(0, caption="CT on hospital day 1.")])) == [6]
    # without the onset, the days count from the admission
    timeline = case_timeline("Admitted with fever and cough.", [ImageTexts(0, caption="CT on hospital day 3.")])
    assert offsets(timeline) == [3]
    # an onset dated but not the admission: the day of the stay stays blank with the reason;
    # "hd" in lower case is no hospital day
    timeline = case_timeline("Fever since March 1, 2020.", [ImageTexts(0, caption="CT on hospital day 3.")])
    assert offsets(timeline) == [None]
    assert "the admission's day after the onset is not told" in timeline.offsets[0].reason
    timeline = case_timeline(history, [ImageTexts(0, caption="Initial CT."), ImageTexts(1, caption="hd 3 images.")])
    assert offsets(timeline) == [5, None]


def test_case_images_places_the_new_moments_as_the_case_timeline_does():
    from ingest.timeline import CaseImages

    for history in ("Fever and cough; she was admitted 5 days after symptom onset.", "", "Admitted with fever."):
        images = [ImageTexts(0, caption="First CT shows ground-glass opacities."),
                  ImageTexts(1, caption="CT on hospital day 3."),
                  ImageTexts(2, caption="Chest X-ray a further 2 days later."),
                  ImageTexts(3, caption="Chest X-ray after another 4 days."),
                  ImageTexts(4, caption="CT at the time of admission.")]
        whole = case_timeline(history, images)
        case = CaseImages(images)
        assert [case.offset_of(history, i).value for i in images] == offsets(whole), history
        assert [case.offset_of(history, i).reason for i in images] == [o.reason for o in whole.offsets], history


def test_a_later_film_does_not_skip_a_previous_film_whose_day_is_not_known():
    from ingest.timeline import CaseImages

    # the CT's "admission day 3" cannot be placed (day 1 may be the admission's or the next): "2 days
    # later" than it is unknown, not 2 days after the first film
    images = [ImageTexts(0, caption="Chest X-ray on admission."),
              ImageTexts(1, caption="CT on admission day 3."),
              ImageTexts(2, caption="Chest X-ray 2 days later.")]
    timeline = case_timeline("Admitted with fever.", images)
    assert offsets(timeline) == [0, None, None]
    assert "counts from an earlier image whose day is not known" in timeline.offsets[2].reason
    assert [CaseImages(images).offset_of("Admitted with fever.", i).value for i in images] == [0, None, None]
    # a film whose words tell no moment (the lateral beside the PA) is passed over
    images = [ImageTexts(0, caption="PA chest X-ray on admission."), ImageTexts(1, caption="Lateral view."),
              ImageTexts(2, caption="Chest X-ray 2 days later.")]
    assert offsets(case_timeline("Admitted with fever.", images)) == [0, None, 2]
    assert [CaseImages(images).offset_of("Admitted with fever.", i).value for i in images] == [0, None, 2]


def test_the_presentation_on_an_ordinal_day_of_the_illness_is_the_onset_gap():
    assert onset_gap("An 8-year-old boy was brought to the emergency department on the fourth day of fever, "
                     "with cough.") == (4, "the fourth day of fever")
    assert onset_gap("She was admitted on day 6 of symptoms.") == (6, "admitted on day 6 of symptoms")
    assert onset_gap("Ricoverato in quinta giornata di febbre.") == (5, "quinta giornata di febbre")
    images = [ImageTexts(0, caption="AP chest radiograph at presentation."),
              ImageTexts(1, caption="Low-dose CT 2 days later.")]
    history = "A boy came to the emergency department on the fourth day of fever."
    assert offsets(case_timeline(history, images)) == [4, 6]
    # counter-examples: a film's own day of the illness, another person's, a day of the stay
    assert onset_gap("A CT on the fourth day of illness showed ground-glass opacities; she was admitted.") is None
    assert onset_gap("His wife was admitted on the fourth day of fever.") is None
    assert onset_gap("She was admitted; on the fourth day of hospitalisation she needed oxygen.") is None


def test_a_film_in_the_emergency_department_italian_ps_is_the_presenting_film():
    images = [ImageTexts(0, caption="RX torace in PS (PA): opacità interstiziali bilaterali."),
              ImageTexts(1, caption="La TC eseguita il giorno successivo conferma vetro smerigliato.")]
    history = "Maschio, 51 anni. Da 6 giorni febbre e tosse secca; giunge in PS per dispnea."
    assert offsets(case_timeline(history, images, day_first=True)) == [6, 7]
    assert offsets(case_timeline(history, [ImageTexts(0, caption="Radiografia del torace eseguita al pronto "
                                                                 "soccorso.")], day_first=True)) == [6]
    # the patient arriving "in PS" is the presentation, not a film's moment: the note's own words tell none
    note = "Donna di 72 anni giunge in PS con febbre da 3 giorni. Consolidazioni bilaterali."
    assert offsets(case_timeline("", [ImageTexts(0, caption=note)], captions_are_notes=True)) == [None]


def test_a_split_patient_named_by_the_relation_to_another_patient_is_this_patient():
    assert onset_gap("The second patient, his 55-year-old wife, had had fatigue and anosmia for 4 days.") == (
        4, "for 4 days")
    assert onset_gap("Secondo paziente: bambino di 8 anni, figlio del primo, febbricola da 2 giorni.") == (
        2, "da 2 giorni")
    assert onset_gap("Patient 2 (the wife of patient 1) had fever for 3 days.") == (3, "for 3 days")
    # counter-examples: the relative is someone else, told in a clause of its own
    assert onset_gap("The second patient, whose wife had fever for 4 days, was well.") is None
    assert onset_gap("The second patient said his wife had fever for 4 days.") is None
    assert onset_gap("A 60-year-old man. His wife had fever for 4 days.") is None


def test_italian_symptoms_for_n_days_give_the_onset():
    for history, gap in (("Febbricola da 2 giorni.", 2), ("Tosse secca da 5 giorni, febbre.", 5),
                         ("Dispnea ingravescente da 3 giorni.", 3), ("Astenia e febbre da circa 7 giorni.", 7),
                         ("Da 4 gg febbre e tosse.", 4)):
        assert onset_gap(history)[0] == gap, history
    assert onset_gap("La moglie ha febbre da 3 giorni.") is None


def test_a_text_making_the_admission_day_1_counts_day_n_as_n_minus_1_days_after_it():
    # 10.1016/j.clinimag.2020.06.031: "(A) On admission (hospital day 1) ... (B) Hospital day 5": the
    # curators' 4, 8, 15 for a history of four days
    from ingest.timeline import CaseImages, admission_is_day_one

    history = "She presented with fever and dry cough, which had started four days before admission."
    images = [ImageTexts(0, caption="Chest radiographs. (A) On admission (hospital day 1): patchy opacities."),
              ImageTexts(1, caption="(B) Hospital day 5: progression."),
              ImageTexts(2, caption="(C) Hospital day 12: partial resolution.")]
    timeline = case_timeline(history, images)
    assert offsets(timeline) == [4, 8, 15]
    assert "admission (hospital day 1" in timeline.offsets[1].evidence
    assert [CaseImages(images).offset_of(history, i).value for i in images] == [4, 8, 15]
    # the definition in the history, or with a bare "day N"
    for defined, later in (("Hospital day 1 (admission): fever.", "CT on hospital day 3."),
                           ("The day of admission was defined as day 1.", "Chest X-ray, day 3."),
                           ("Fever for four days. On admission (day 1) she was hypoxic.", "CT on day 3.")):
        text = "Fever for four days. " + defined
        images = [ImageTexts(0, caption="Chest X-ray on admission."), ImageTexts(1, caption=later)]
        assert offsets(case_timeline(text, images)) == [4, 6], defined
        assert [CaseImages(images).offset_of(text, i).value for i in images] == [4, 6], defined
    # without the definition the default holds: hospital day N is N days after the admission
    images = [ImageTexts(0, caption="Chest X-ray on admission."), ImageTexts(1, caption="CT on hospital day 3.")]
    assert offsets(case_timeline(history, images)) == [4, 7]
    # counter-examples: no definition of the stay's day 1
    for text in ("On admission, day 1 of illness, she had a fever.", "CT on day 1 after admission.",
                 "Chest X-ray on admission (day 0).", "CT on hospital day 1.", "Admission (day 10): CT."):
        assert admission_is_day_one(text) == "", text


@pytest.mark.parametrize("history, gap", [
    # the papers never seen (bench/papers_unseen.py): 10.5555/crpcc.2020.118
    ("A 33-year-old man presented to our emergency department with fever up to 39.4 °C, dry cough and myalgia "
     "that had begun three days earlier.", 3),
    ("Her symptoms began 2 days ago, with fever and a sore throat.", 2),
    ("She was referred with a dry cough which had started 4 days earlier.", 4),
    ("He had been febrile for the previous 5 days.", 5),
    ("She presented with fever and cough for the past week.", 7),
    # forms read before this round
    ("He was admitted after 9 days of fever and progressive dyspnoea.", 9),
    ("A 45-year-old woman presented with a 5-day history of cough.", 5),
    ("He had fever and cough since 4 days.", 4),
    ("Onset of symptoms 10 days before admission.", 10),
    # the second blind batch (tests/fixtures/papers_unseen2): a possessive duration, Romance histories
    ("She was seen for fever and a productive cough of four days’ duration.", 4),
    ("He reported breathlessness of 3 days' duration.", 3),
    ("Mujer de 45 años que consulta por tos y fiebre de 3 días de evolución.", 3),
    ("Refere febre e mialgia com 6 dias de evolução.", 6),
    ("Paciente con tos seca desde hace 4 días.", 4),
    ("Procurou atendimento por febre e tosse havia 5 dias.", 5),
    ("Quadro de febre e dispneia iniciado há 7 dias.", 7),
    ("Giunge in PS per febbre e tosse insorte 4 giorni prima.", 4),
    ("Riferisce sintomi iniziati 2 giorni prima.", 2),
    # before the arrival at hospital (unseen7), the apostrophe without a space after it
    ("Sintomatologia febbrile e tosse insorte 8 giorni prima dell’accesso in Pronto Soccorso.", 8),
    ("Febbre insorta 6 giorni prima dell'ingresso in ospedale.", 6),
    ("Fever began 5 days before presenting to the emergency department.", 5),
    ("Symptoms began 4 days before arrival.", 4),
])
def test_the_onset_told_as_a_time_before_the_presentation(history, gap):
    assert onset_gap(history)[0] == gap


@pytest.mark.parametrize("history", [
    "A rash had appeared two years earlier; she presented with fever.",   # no symptom before the onset's verb
    "She had been diagnosed with asthma 10 years earlier.",
    "He had travelled to Wuhan 5 days earlier and presented with cough today.",
    "Her husband had fever that had begun three days earlier.",            # another person's
    "The chest X-ray 3 days earlier was normal.",
    "His cough started 2 days before the CT scan.",                        # before a film, not the presentation
    "Hace 3 días se realizó una TC de control.",                           # no symptom before the time
    "A TC realizada há 2 dias era normal.",
    "Il paziente era stato dimesso 5 giorni prima.",
])
def test_times_before_that_tell_no_onset(history):
    assert onset_gap(history) is None


def test_a_case_series_patient_whose_history_opens_with_a_relative_is_that_relative():
    # 10.1186/s13256-020-02431-7, patient 2: the curators' offset 9 for the films on admission
    history = ("Her 75-year-old father, a retired farmer with chronic kidney disease, was admitted after 9 days of "
               "fever and progressive dyspnoea. His portable chest X-ray and CT on admission showed extensive "
               "bilateral disease.")
    assert onset_gap(history) == (9, "9 days of fever")
    assert offsets(case_timeline(history, [ImageTexts(0, caption="(c) Portable chest X-ray on admission.")])) == [9]
    # a relative later in the history is someone else
    assert onset_gap("She was admitted with cough. Her 75-year-old father was admitted after 9 days of fever.") is None
