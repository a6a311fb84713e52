"""Backfill's offsets on the wording of clinical notes: the presenting film, sibling panels, and
the films whose base (onset or admission) curators record either way, which stay blank."""

from ingest.backfill import backfill_row, backfill_table
from ingest.timeline import ImageTexts, case_timeline, onset_gap, tells_one_moment
from tests.normalize.helpers import blank_row as _row

URL = "https://example.org/case/41"


def _offsets(rows):
    return {f.row: (f.value, f.rule) for f in backfill_table(rows, ["offset"], workers=1) if f.field == "offset"}


def test_a_note_telling_only_the_presentation_dates_its_film_at_the_history_length():
    note = "Dry cough and fever for 6 days, now short of breath. Patchy opacities in both lower zones."
    fills = [f for f in backfill_row(_row(filename="a.jpg", clinical_notes=note), ["offset"]) if f.field == "offset"]
    assert [(f.value, f.evidence) for f in fills] == [("6", "for 6 days")]
    assert fills[0].rule.startswith("timeline.presenting-image")


def test_every_film_of_a_note_shared_by_all_of_them_is_a_presenting_film():
    note = "Woman, 61 years old, with fever since one week. Bilateral ground-glass thickening."
    rows = [_row(patientid="3", url=URL, filename=f"{n}.jpeg", clinical_notes=note) for n in ("x", "y")]
    assert {row: value for row, (value, _) in _offsets(rows).items()} == {2: "7", 3: "7"}


def test_a_note_telling_a_later_moment_dates_no_film_at_presentation():
    for note in (
        "Fever for 5 days. Follow-up radiograph shows worsening consolidation.",
        "Fever for 5 days. Increasing left basal opacity.",
        "Fever for 5 days. The patient was discharged in good condition.",
    ):
        assert not tells_one_moment(note), note
        assert backfill_row(_row(filename="a.jpg", clinical_notes=note), ["offset"]) == []


def test_the_symptoms_own_course_tells_no_later_film():
    # the history says how the symptoms went before the visit: the film is still the presenting one
    for note, days, evidence in (
        ("Man, 58 years old, for about 4 days fever and malaise, worsening. Bilateral basal parenchymal "
         "thickening.", "4", "for about 4 days"),
        ("Dry cough and dyspnoea for about 5 days, treated with amoxicillin and subsequently ceftriaxone "
         "without benefit. Confluent peripheral densities in both lungs.", "5", "for about 5 days"),
        ("Progressive dyspnoea and fever for 6 days. Patchy opacities in both lower zones.", "6", "for 6 days"),
    ):
        assert tells_one_moment(note), note
        row = _row(filename="a.jpg", clinical_notes=note)
        fills = [f for f in backfill_row(row, ["offset"]) if f.field == "offset"]
        assert [f.value for f in fills] == [days], note
        assert [f.evidence for f in fills] == [evidence], note


def test_a_course_word_about_the_lungs_or_an_exam_still_tells_a_later_film():
    for note in (
        "Fever for 5 days. Worsening bilateral consolidation.",
        "Fever for 5 days. Cough persisting, opacities in the left lower lobe remain.",
        "Cough for 3 days; the chest radiograph then showed a right basal opacity.",
        "Fever for 5 days. The patient improved and was sent home.",
    ):
        assert not tells_one_moment(note), note
        assert backfill_row(_row(filename="a.jpg", clinical_notes=note), ["offset"]) == [], note


def test_a_film_on_admission_after_a_told_onset_stays_blank_with_the_reason():
    note = "Five-day history of fever and cough. Chest radiograph on admission shows bilateral opacities."
    assert backfill_row(_row(filename="a.jpg", clinical_notes=note), ["offset"]) == []
    timeline = case_timeline(note, [ImageTexts(0, caption=note)], captions_are_notes=True, admission_base_told=False)
    placed = timeline.offset_of(0)
    assert placed.value is None and "from either" in placed.reason and "on admission" in placed.reason


def test_the_crawler_keeps_counting_a_film_on_admission_from_the_onset():
    note = "Five-day history of fever and cough."
    timeline = case_timeline(note, [ImageTexts(0, caption="Chest radiograph on admission.")])
    assert timeline.offset_of(0).value == 5


def test_a_later_panel_counts_from_its_sibling_panel_note():
    rows = [
        _row(patientid="5", url=URL, filename="fig2a.png",
             clinical_notes="Initial chest radiograph (a) shows a right lower zone opacity."),
        _row(patientid="5", url=URL, filename="fig2b.png",
             clinical_notes="A follow-up radiograph (b) obtained 6 days later shows progression."),
    ]
    assert _offsets(rows) == {2: ("0", "timeline.since-admission@v1"), 3: ("6", "timeline.after-previous@v1")}


def test_after_a_time_without_its_base_stays_blank_when_base_and_previous_film_differ():
    images = [ImageTexts(0, caption="Radiograph 3 days after presentation."),
              ImageTexts(1, caption="Radiograph after two months: fibrotic bands.")]
    timeline = case_timeline("Admitted with dyspnoea.", images)
    assert timeline.offset_of(0).value == 3
    placed = timeline.offset_of(1)
    assert (placed.value is None and "previous film (day 63)" in placed.reason
            and "presentation (day 60)" in placed.reason)


def test_onset_gap_reads_admission_after_the_onset_in_several_wordings():
    assert onset_gap("A 52-year-old man was admitted 4 days after fever began.")[0] == 4
    assert onset_gap("She presented to the emergency department on day 7 of illness with dyspnoea.")[0] == 7
    assert onset_gap("He was hospitalized 5 days after symptom onset.")[0] == 5
    assert onset_gap("Admitted on day 3 of the hospital stay.") is None


def test_a_peoples_hospital_is_a_place_not_other_people():
    note = ("On February 4 a 50-year-old woman presented with fever for one week and was admitted to the "
            "First People's Hospital of the city.")
    assert onset_gap(note)[0] == 7


def test_a_figure_legend_in_the_note_dates_its_film():
    note = ("A 70-year-old woman admitted with dyspnoea. She died 24 hours later. "
            "Figure 3 (Day 2). Bilateral alveolar consolidation.")
    fills = [f for f in backfill_row(_row(filename="16601_3_1.jpg", clinical_notes=note), ["offset"])
             if f.field == "offset"]
    assert [(f.value, f.evidence) for f in fills] == [("2", "Day 2")]


def test_a_figure_cited_inside_a_sentence_is_no_films_moment():
    note = ("Chest radiograph showed patchy infiltrates (Figure 1B). Oxygen saturation reached a nadir on day 5 of "
            "illness (Figure 1C).")
    assert backfill_row(_row(filename="gr1-b.png", clinical_notes=note), ["offset"]) == []


def test_a_note_holding_several_figure_legends_gives_each_file_its_own():
    note = ("Figure 1 (on admission). Right lower zone opacity. "
            "Figure 2 (5 days later). Lateral view: bilateral opacities.")
    rows = [_row(patientid="6", url=URL, filename=f"16700_{n}_1.jpg", clinical_notes=note) for n in (1, 2)]
    fills = {(f.row, f.field): f.value for f in backfill_table(rows, ["offset", "view", "modality"], workers=1)}
    # file 2's own legend names a film's projection ("Lateral view"): a radiograph
    assert fills == {(2, "offset"): "0", (2, "modality"): "X-ray", (3, "offset"): "5", (3, "view"): "L",
                     (3, "modality"): "X-ray"}


def test_placing_one_film_among_its_case_equals_the_whole_case_timeline():
    """Backfill places each row's film with ``CaseImages`` (the siblings' words read once) instead
    of building the whole case's timeline per row: the same offset, evidence, rule and reason for
    every film, whatever replaces its words, with films counted from the previous one (the
    backward walk), day-0 labels (the admission scale) and moments since the onset (the anchor)."""
    from ingest.timeline import CaseImages

    captions = ["Chest radiograph on admission.", "Follow-up radiograph 3 days later.", "",
                "CT 2 days later showed progression.", "Radiograph on day 9 of illness.",
                "Radiograph 5 days after admission.", "Repeat film after a few days."]
    names = ["a-day0", "b", "c-day4", "d", "e", "f", "g-day12"]
    histories = ["Fever and cough for 4 days before admission.", "Admitted with dyspnoea.",
                 "Fever since 18 January; admitted on 21 January.", ""]
    base = [ImageTexts(i, caption=c, filename=n) for i, (c, n) in enumerate(zip(captions, names))]
    case = CaseImages(base, captions_are_notes=True)
    checked = 0
    for history in histories:
        for own in range(len(base)):
            for caption in (captions[own], "Radiograph 2 days later.", "Chest radiograph on day 0.",
                            "Radiograph on day 3 of illness.", ""):
                image = ImageTexts(own, caption=caption, filename=names[own])
                images = [image if i == own else b for i, b in enumerate(base)]
                for presenting, told in ((False, False), (True, False), (None, True)):
                    expected = case_timeline(history, images, captions_are_notes=True, presenting=presenting,
                                             admission_base_told=told).offset_of(own)
                    assert case.offset_of(history, image, presenting=presenting, admission_base_told=told) == expected
                    checked += expected.value is not None
    assert checked > 50  # most of them placed, not all blank


def test_a_picture_or_images_sentence_is_about_a_film():
    history = ("48-year-old male patient with a five-day history of cough and fever. The patient was admitted "
               "to the ward and discharged one week after admission with complete recovery. ")
    rows = [
        _row(patientid="5", url=URL, filename="16_1_1.jpg",
             clinical_notes=history + "Chest X-ray: peripheral opacities. Picture was taken five days after onset "
                                      "of symptoms"),
        _row(patientid="5", url=URL, filename="16_2_1.jpg",
             clinical_notes=history + "AP bedside chest X-ray: Three days later the patient deteriorated."),
    ]
    assert {row: value for row, (value, _) in _offsets(rows).items()} == {2: "5", 3: "8"}
    note = "Fever for 4 days. Images obtained 3 days after admission show bilateral GGOs."
    assert tells_one_moment(note) is False


def test_a_clinical_picture_is_no_film():
    # "the clinical picture worsened on day 5": the patient's state, not a film's day
    note = "A 60-year-old man with fever for 3 days. The clinical picture worsened on day 5 of illness."
    fills = [f for f in backfill_row(_row(filename="a.jpg", clinical_notes=note), ["offset"]) if f.field == "offset"]
    assert fills == []


_PAIR_HISTORY = ("A 52-year-old man, active smoker with chronic obstructive lung disease, was admitted with pneumonia "
                 "and influenza and treated with antibiotics on the ward. ")


def test_a_legend_shared_by_a_studys_films_dates_both_films():
    # Eurorad: each figure's legend after the case's history; a PA and a lateral film share their study's
    legends = ("Chest radiograph on admission shows consolidation of the right lower lobe.",
               "Chest radiograph obtained 6 days later shows partial resolution of the consolidation.")
    rows = [_row(patientid="9", url="https://www.eurorad.org/case/10960", filename=name,
                 clinical_notes=_PAIR_HISTORY + legend)
            for name, legend in (("000001-6.png", legends[0]), ("000002-7.png", legends[0]),
                                 ("000003-4.png", legends[1]), ("000004-2.png", legends[1]))]
    assert {row: value for row, (value, _) in _offsets(rows).items()} == {2: "0", 3: "0", 4: "6", 5: "6"}


def test_a_shared_note_without_a_legend_of_its_own_dates_no_film():
    # the same note for every film and no legend after a history: which film is "6 days later" is not told
    note = _PAIR_HISTORY + "Chest radiograph on admission and 6 days later show consolidation of the right lower lobe."
    rows = [_row(patientid="9", url="https://www.eurorad.org/case/10960", filename=f"00000{n}-6.png",
                 clinical_notes=note) for n in (1, 2)]
    assert _offsets(rows) == {}


_HISTORY_WITH_ONSET = ("A previously healthy 47-year-old man presented to the emergency department with cough and "
                       "high fever for five days. At admission, oxygen saturation was normal and laboratory tests "
                       "showed leukopenia. ")


def _legend_offsets(history, legends):
    rows = [_row(patientid="19", url="https://www.eurorad.org/case/16755", filename=f"16755_{n}_1.jpg",
                 clinical_notes=history + legend) for n, legend in enumerate(legends, start=1)]
    return {row: value for row, (value, _) in _offsets(rows).items()}


def test_a_first_film_telling_no_moment_that_the_next_counts_from_is_the_presenting_film():
    # each note repeats the history; the first legend tells no time, the second counts from that film
    legends = ("Chest X-ray: the only antero-posterior view performed did not show obvious consolidation.",
               "Chest X-ray performed 3 days later showed small bilateral basal consolidations.")
    assert _legend_offsets(_HISTORY_WITH_ONSET, legends) == {2: "5", 3: "8"}


def test_without_the_symptoms_length_a_first_film_the_next_counts_from_is_day_0_of_the_stay():
    # no onset told: the offsets count from the hospitalisation, whose day 0 is the first film's when
    # the next film counts from it (the sample's curators: "24 h after" 0 and 1, "two weeks later" 0
    # and 14, "A month later" 0 and 30); it was blank
    later = "Chest X-ray performed 3 days later showed small bilateral basal consolidations."
    first = "Chest X-ray: the only antero-posterior view performed did not show obvious consolidation."
    history = ("A previously healthy 47-year-old man presented to the emergency department with cough and high "
               "fever. At admission, oxygen saturation was normal and laboratory tests showed leukopenia. ")
    assert _legend_offsets(history, (first, later)) == {2: "0", 3: "3"}
    # a first film whose own words tell another time of the stay is no presenting film
    assert _legend_offsets(history, ("Chest X-ray during hospitalization did not show consolidation.", later)) == {}
    # notes that are a paper's legends alone, no case history before them: nothing tells the first
    # film is the presentation's (the sample's curators left such a radiograph and its "CT taken on
    # same day" blank)
    assert _legend_offsets("", ("Anteroposterior chest radiograph shows single nodular consolidation.",
                                "Coronal chest CT image taken on same day shows a nodular lesion.")) == {}


def test_a_first_film_is_not_the_presenting_film_when_the_next_tells_its_own_day():
    first = "Chest X-ray: the only antero-posterior view performed did not show obvious consolidation."
    assert _legend_offsets(_HISTORY_WITH_ONSET, (first, "Chest X-ray on March 3 showed consolidations.")) == {}
    history = ("A previously healthy 47-year-old man presented to the emergency department with cough and high "
               "fever. At admission, oxygen saturation was normal and laboratory tests showed leukopenia. ")
    assert _legend_offsets(history, (first, "Chest X-ray on March 3 showed consolidations.")) == {}


def test_a_films_own_note_is_placed_by_its_legend_not_by_the_historys_later_films():
    # Eurorad: every film's note repeats the case's history, which tells the later film ("a new chest
    # X-ray ... two weeks later"); the first film's own words are its legend, which tells no time: it
    # is the film the later one counts from (it was blank, "two weeks later" read as its own moment)
    history = ("A 60 years old patient complained of recent cough and fever. The chest X-ray showed an area of "
               "consolidation and she received antibiotics. Because no clinical improvement was observed, a new "
               "chest X-ray and a high resolution CT were performed two weeks later. ")
    legends = ("Chest X-ray showing a large area of ill defined consolidation of the left lung",
               "Chest X-ray performed 2 weeks later showing areas of consolidation of the right upper lobe.")
    rows = [_row(patientid="12", url="https://www.eurorad.org/case/816", filename=f"00000{n}-6.jpg",
                 clinical_notes=history + legend) for n, legend in enumerate(legends, start=1)]
    fills = _offsets(rows)
    assert fills[2] == ("0", "timeline.presenting-image@v1")
    assert fills[3] == ("14", "timeline.after-previous@v1")


def test_the_rows_sharing_a_note_are_one_exam_that_the_next_counts_from():
    # Eurorad: a figure's two films (A, B) share their legend after the case's history; the next
    # figure's "A month later" counts from the first figure, whose films are one exam: both are day 0
    # of a case telling no onset (each film of the first figure used to be a separate exam, the second
    # telling no moment, so neither figure was placed)
    history = ("A middle-aged male with newly diagnosed HIV infection, oropharyngeal candidiasis and Pneumocystis "
               "jirovecii pneumonia was initiated on combined antiretroviral treatment. ")
    legends = ("Chest radiograph did not show abnormal pleuropulmonary and hilo-mediastinal changes.",
               "A month later, repeated chest radiographs revealed left hilar prominence (arrowheads in A).")
    rows = [_row(patientid="28", url="https://www.eurorad.org/case/12325", filename=name,
                 clinical_notes=history + legend)
            for name, legend in (("000001.jpg", legends[0]), ("000002-16.jpg", legends[0]),
                                 ("000008-8.jpg", legends[1]), ("000009-5.jpg", legends[1]))]
    fills = _offsets(rows)
    assert {row: value for row, (value, _) in fills.items()} == {2: "0", 3: "0", 4: "30", 5: "30"}
    assert fills[4][1] == "timeline.after-previous@v1"
    # a second film of the first figure telling a time of its own is another exam: nothing is placed
    rows[1] = _row(patientid="28", url="https://www.eurorad.org/case/12325", filename="000002-16.jpg",
                   clinical_notes=history + "Chest radiograph during hospitalization showed a left basal opacity.")
    assert _offsets(rows) == {}


def test_an_increase_or_decrease_read_on_the_film_tells_no_later_film():
    # "increased"/"decreased" describing what one film shows (a density, a volume, a structure), or a
    # symptom: the note still tells the presentation alone (was: any "increase" told a later film)
    for note, days in (
        ("Woman, 69 years old, has reported fever since one week treated with antibiotics without benefit. The "
         "radiographic investigation shows a discrete increase in the peribronchovascular interstitium.", "7"),
        ("Cough and fever for 4 days with increased work of breathing. Right lower zone consolidation.", "4"),
        ("Fever for 5 days. The lungs exhibit diffusely increased opacification. Cardiac transverse diameter "
         "increase.", "5"),
        ("Dyspnoea for 10 days. Decreased lung volumes with coarse reticulation at both bases.", "10"),
    ):
        assert tells_one_moment(note), note
        row = _row(filename="a.jpg", clinical_notes=note)
        fills = [f for f in backfill_row(row, ["offset"]) if f.field == "offset"]
        assert [f.value for f in fills] == [days], note


def test_an_increase_of_a_finding_over_time_still_tells_a_later_film():
    for note in (
        "Fever for 5 days. Increase in extension of the bilateral infiltrates.",
        "Fever for 5 days. Increased bilateral opacities.",
        "Fever for 5 days. The consolidation increased in size.",
        "Fever for 5 days. Decrease in the size of the right basal consolidation.",
    ):
        assert not tells_one_moment(note), note
        assert backfill_row(_row(filename="a.jpg", clinical_notes=note), ["offset"]) == [], note


def _dates(note, filename="a.jpg", url=URL):
    row = _row(filename=filename, clinical_notes=note, url=url)
    return [(f.value, f.rule) for f in backfill_row(row, ["date"]) if f.field == "date"]


def test_a_film_the_timeline_places_on_the_admissions_day_has_the_admissions_date():
    # the film "on day 7 after the onset" of a patient admitted after a week of symptoms, and the presenting
    # film of a note telling the presentation alone, are of the dated admission's day (were blank)
    for note, when in (
        ("On January 1, 2020, a 42-year-old man was admitted to the emergency department due to a high-grade "
         "fever, cough, and fatigue for 1 week. A, Chest radiograph obtained on day 7 after the onset of symptoms "
         "shows opacities in the left lower and right upper lobes.", "2020-01-01"),
        ("On March 12, 2020, a 55-year-old woman was admitted with fever and dry cough for 4 days. Chest "
         "radiograph: bilateral peripheral opacities in the lower zones.", "2020-03-12"),
    ):
        assert _dates(note) == [(when, "date.admission-day-film@v1")], note


def test_a_film_of_another_day_than_the_admissions_takes_no_admission_date():
    for note in (
        # "day 10 after the onset": three days after the admission on day 7
        "On January 1, 2020, a 42-year-old man was admitted with fever for 1 week. Chest radiograph obtained on day "
        "10 after the onset of symptoms shows opacities in both lower lobes.",
        # the admission dated twice differently (the ER and the ward): which is the film's is not said
        "A 72-year-old woman presents on March 5, 2020 to the ER with fever for about 3 days. Admission to the "
        "ward on March 7, 2020. Bilateral consolidations in the lower lobes.",
    ):
        assert _dates(note) == [], note
