"""backfill_table: a patient's rows share their notes for patient-level fields, never their values."""

from ingest.backfill import backfill_row, backfill_table
from tests.normalize.helpers import blank_row as _row

URL = "https://radiopaedia.org/cases/covid-19-pneumonia-99"


def _by_row(fills):
    out = {}
    for f in fills:
        out.setdefault(f.row, {})[f.field] = f
    return out


def test_patient_fields_read_the_sibling_notes_and_per_image_fields_do_not():
    rows = [
        _row(patientid="7", url=URL, filename="a.jpg",
             clinical_notes="A 58-year-old man admitted with fever. Chest radiograph on day 2."),
        _row(patientid="7", url=URL + "?lang=us", filename="b.jpg",
             clinical_notes="He was intubated and transferred to the ICU. He died two weeks later."),
    ]
    fills = _by_row(backfill_table(rows, ["sex", "age", "intubated", "went_icu", "survival", "offset"]))
    assert fills[2]["age"].value == "58" and fills[2]["sex"].value == "M"
    assert (fills[2]["intubated"].value == "Y" and fills[2]["went_icu"].value == "Y"
            and fills[2]["survival"].value == "N")
    # evidence from another row's note: said in the rule, and the evidence is that note's text
    assert fills[2]["survival"].rule.startswith("patient:survival.died")
    assert fills[2]["survival"].evidence in rows[1]["clinical_notes"]
    assert fills[3]["age"].value == "58" and fills[3]["age"].evidence in rows[0]["clinical_notes"]
    # offset is per image: row 3's note gives none, and row 2's day is not copied
    assert fills[2]["offset"].value == "2" and "offset" not in fills[3]


def test_sibling_values_never_leak():
    rows = [
        _row(patientid="8", url=URL, filename="a.jpg", sex="F", survival="Y", clinical_notes="Chest radiograph."),
        _row(patientid="8", url=URL, filename="b.jpg", clinical_notes="Bilateral opacities."),
    ]
    assert backfill_table(rows, ["sex", "survival"]) == []


def test_other_patients_and_other_cases_are_not_read():
    rows = [
        _row(patientid="9", url=URL, filename="a.jpg", clinical_notes="A 40-year-old woman."),
        _row(patientid="10", url=URL, filename="b.jpg", clinical_notes="Bilateral opacities."),
        _row(patientid="9", url="https://www.eurorad.org/case/1234", filename="c.jpg",
             clinical_notes="Consolidation."),
        _row(patientid="", url=URL, filename="d.jpg", clinical_notes="Consolidation."),
    ]
    fills = _by_row(backfill_table(rows, ["sex", "age"]))
    assert set(fills) == {2}


def test_disagreeing_notes_leave_the_field_blank_in_every_row():
    rows = [
        _row(patientid="11", url=URL, filename="a.jpg", clinical_notes="A 40-year-old woman with fever."),
        _row(patientid="11", url=URL, filename="b.jpg", clinical_notes="A 44-year-old woman, follow-up."),
    ]
    fills = _by_row(backfill_table(rows, ["age", "sex"]))
    assert all("age" not in f for f in fills.values())
    assert fills[2]["sex"].value == "F" and fills[3]["sex"].value == "F"


def test_ever_flags_a_yes_in_one_note_wins_over_a_moment_no():
    rows = [
        _row(patientid="12", url=URL, filename="a.jpg", clinical_notes="On admission he was not intubated."),
        _row(patientid="12", url=URL, filename="b.jpg", clinical_notes="On day 5 he was intubated."),
    ]
    fills = _by_row(backfill_table(rows, ["intubated"]))
    assert fills[2]["intubated"].value == "Y" and fills[3]["intubated"].value == "Y"


def test_hedged_sibling_note_says_nothing():
    rows = [
        _row(patientid="13", url=URL, filename="a.jpg",
             clinical_notes="Intubation may be required if he deteriorates."),
        _row(patientid="13", url=URL, filename="b.jpg", clinical_notes="Bilateral opacities."),
    ]
    assert backfill_table(rows, ["intubated"]) == []


def test_single_rows_are_backfill_row():
    rows = [_row(patientid=str(i), url=URL + str(i), filename=f"x{i}-PA.jpg",
                 clinical_notes=f"A {30 + i}-year-old man.") for i in range(5)]
    expected = [f for i, r in enumerate(rows) for f in backfill_row(r, None, 2 + i)]
    assert backfill_table(rows) == expected


def test_a_note_shared_by_several_images_gives_none_of_them_its_view_or_modality():
    from ingest.backfill import backfill_table

    note = ("Chest radiograph shows bilateral opacities; a lateral projection was also obtained. "
            "CT performed the next day showed ground-glass opacities.")
    rows = [
        {"patientid": "7", "url": "https://example.org/case/7", "filename": "case7-1.jpg", "clinical_notes": note,
         "view": "", "modality": "", "offset": ""},
        {"patientid": "7", "url": "https://example.org/case/7", "filename": "case7-2.jpg", "clinical_notes": note,
         "view": "", "modality": "", "offset": ""},
    ]
    fills = {(f.row, f.field): f.value for f in backfill_table(rows, ["view", "modality"], workers=1)}
    assert fills == {}  # "lateral" and "CT" in the shared note are not these images'
    alone = {(f.row, f.field): f.value for f in backfill_table(rows[:1], ["modality"], workers=1)}
    assert alone == {}  # one image: its note names CT and X-ray, so still no modality


def test_filename_day_labels_share_one_scale_on_the_patients_timeline():
    from ingest.backfill import backfill_table

    note = "Four-day history of dry cough and pyrexia. Admitted to hospital for worsening dyspnoea."
    rows = [{"patientid": "8", "url": "https://example.org/case/8", "filename": f"case8-day-{d}.jpg",
             "clinical_notes": note, "offset": ""}
            for d in (0, 2)]
    fills = {f.row: (f.value, f.evidence) for f in backfill_table(rows, ["offset"], workers=1)}
    # day 0 is the admission, four days after the onset: curators write such films as 0 and 2 (from
    # the admission) or 4 and 6 (from the onset), so backfill leaves them blank
    assert fills == {}
    no_history = [dict(row, clinical_notes="Admitted to hospital for worsening dyspnoea.") for row in rows]
    fills = {f.row: (f.value, f.evidence) for f in backfill_table(no_history, ["offset"], workers=1)}
    assert fills == {2: ("0", "day-0"), 3: ("2", "day-2")}  # no onset told: the labels count from admission


def test_a_shared_note_naming_radiographs_alone_gives_each_image_x_ray():
    from ingest.backfill import backfill_table
    from ingest.normalize.imaging import MODALITY_VERSION

    note = "Chest radiographs show bilateral peripheral opacities progressing over the following week."
    rows = [{"patientid": "9", "url": "https://example.org/case/9", "filename": f"case9-{i}.jpg",
             "clinical_notes": note, "modality": ""}
            for i in (1, 2)]
    fills = {(f.row, f.value, f.rule) for f in backfill_table(rows, ["modality"], workers=1)}
    rule = f"modality.case-words-single-modality@v{MODALITY_VERSION}"
    assert fills == {(2, "X-ray", rule), (3, "X-ray", rule)}
    ct_note = "CT shows bilateral ground-glass opacities."
    rows = [dict(row, clinical_notes=ct_note) for row in rows]
    assert backfill_table(rows, ["modality"], workers=1) == []  # a CT named in the patient's note is not every image's
    # a CT the radiographs are compared with may be one of the patient's images: not a single modality
    compared = "Chest radiographs show bilateral opacities, as demonstrated on the recent CT."
    rows = [dict(row, clinical_notes=compared) for row in rows]
    assert backfill_table(rows, ["modality"], workers=1) == []


def test_a_history_saying_the_diseases_films_were_normal_gives_no_image_that_finding():
    """Each film's note repeats the history (a disease named at the start) and adds its own legend;
    one legend says the films at that disease's diagnosis were normal: the films of the case show
    something the notes do not name, so no row gets the history's disease."""
    history = ("A 38-year-old man with newly diagnosed HIV infection and Pneumocystis jirovecii pneumonia was "
               "started on antiretroviral therapy. ")
    legends = ("At the diagnosis of Pneumocystis pneumonia the chest radiograph was normal.",
               "Six weeks later the chest radiograph showed right paratracheal lymphadenopathy.",
               "Follow-up radiograph: new left basal consolidation.")
    rows = [_row(patientid="15", url="https://www.eurorad.org/case/9001", filename=f"{k}.jpg",
                 clinical_notes=history + legend) for k, legend in enumerate(legends, start=1)]
    fills = _by_row(backfill_table(rows, ["finding"]))
    assert all("finding" not in fills.get(number, {}) for number in (2, 3, 4)), fills


def test_a_films_time_ending_its_file_name_is_its_day_on_the_patients_scale():
    from ingest.backfill import backfill_table

    # curators name a case's films after its studies' labels ("Admission", "12 hours", "3 days")
    note = ("Fever and odynophagia. Trip to Italy 7 days ago. The patient worsened in the emergency "
            "department. SARS-CoV-2 RNA was detected. Bilateral alveolar consolidations.")
    names = ("covid-19-pneumonia-rapid-admission.jpg", "covid-19-pneumonia-rapid-12-hours.jpg",
             "covid-19-pneumonia-rapid-3-days.jpg", "covid-19-pneumonia-rapid-2-weeks-pa.png")
    rows = [{"patientid": "9", "url": "https://example.org/case/9", "filename": name, "clinical_notes": note,
             "offset": ""} for name in names]
    fills = {f.row: (f.value, f.evidence) for f in backfill_table(rows, ["offset"], workers=1)}
    # hours name no day: the 12-hour film stays blank
    assert fills == {2: ("0", "admission"), 4: ("3", "3-days"), 5: ("14", "2-weeks")}
    told_onset = [dict(row, clinical_notes="Four-day history of dry cough. " + note) for row in rows]
    # counted from the admission after a told onset: curators write it either way, so blank
    assert backfill_table(told_onset, ["offset"], workers=1) == []


def test_a_time_inside_a_case_slug_is_no_films_day():
    from ingest.timeline import filename_day

    for name in ("pneumonia-after-5-days-of-fever.jpg", "neonatal-pneumonia-3-day-old.png",
                 "covid-19-pneumonia-12-hours.jpg", "post-admission-pneumonia-1.jpg"):
        assert filename_day(name) is None, name


def test_a_patient_never_intubated_or_in_intensive_care_has_no_film_taken_so():
    from ingest.backfill import backfill_row, backfill_table

    note = ("A 45-year-old woman with fever and cough for 4 days. She did not require intubation and was not "
            "admitted to the ICU; she recovered with oxygen by nasal cannula.")
    rows = [{"patientid": "31", "url": "https://example.org/case/31", "filename": f"case31-{k}.jpg",
             "clinical_notes": note, "intubated": "", "intubation_present": "", "went_icu": "", "in_icu": ""}
            for k in ("a", "b")]
    fills = {(f.row, f.field): (f.value, f.rule.split("@")[0]) for f in backfill_table(rows, None, workers=1)
             if f.field in ("intubated", "intubation_present", "went_icu", "in_icu")}
    assert fills == {(n, field): value for n in (2, 3) for field, value in (
        ("intubated", ("N", "intubated.negated")), ("went_icu", ("N", "went_icu.negated")),
        ("intubation_present", ("N", "intubation_present.never-intubated")),
        ("in_icu", ("N", "in_icu.never-went_icu")))}
    # the row's own cell says it too (a table whose intubated column is filled)
    known = dict(rows[0], clinical_notes="", intubated="N", went_icu="Y")
    assert [(f.field, f.value) for f in backfill_row(known, ["intubation_present", "in_icu"])] == [
        ("intubation_present", "N")]


def test_an_intubated_patient_or_an_unknown_one_gives_the_films_no_implied_value():
    from ingest.backfill import backfill_row

    for intubated, note in (("Y", ""), ("", "Fever and cough for 4 days."),
                            ("", "She was intubated on day 3 and extubated on day 9.")):
        row = {"filename": "a.jpg", "clinical_notes": note, "intubated": intubated, "intubation_present": ""}
        assert not [f for f in backfill_row(row, ["intubation_present"]) if "never" in f.rule], (intubated, note)


def test_a_film_taken_in_intensive_care_makes_its_patient_one_who_went_there():
    # round 49: "in_icu" Y of a film (its own words: a tube in place) decides the patient's
    # "went_icu" Y ("at any point during this illness"), on every row of the patient
    rows = [_row(patientid="41", url=URL, filename="a.jpg",
                 clinical_notes="Fever and dry cough for 6 days. Chest radiograph shows bilateral opacities."),
            _row(patientid="41", url=URL, filename="b.jpg",
                 clinical_notes="Radiograph with the endotracheal tube in place shows diffuse opacities.")]
    fills = {(f.row, f.field): (f.value, f.rule.split("@")[0])
             for f in backfill_table(rows, ["in_icu", "went_icu"], workers=1)}
    assert fills == {(3, "in_icu"): ("Y", "in_icu.intubated-now"),
                     (2, "went_icu"): ("Y", "went_icu.in_icu-film"), (3, "went_icu"): ("Y", "went_icu.in_icu-film")}
    # the film's own cell says it too
    known = [dict(rows[0], in_icu="Y", clinical_notes="Chest radiograph.")]
    assert [(f.field, f.value) for f in backfill_table(known, ["went_icu"], workers=1)] == [("went_icu", "Y")]
    # a patient's told value is never overwritten, and a film not in intensive care decides nothing
    told = [dict(rows[1], went_icu="N")]
    assert not [f for f in backfill_table(told, ["in_icu", "went_icu"], workers=1) if f.field == "went_icu"]
    assert backfill_table([dict(rows[0], in_icu="N")], ["went_icu"], workers=1) == []


def test_a_film_with_a_tube_in_place_makes_its_patient_one_who_was_intubated():
    rows = [_row(patientid="42", url=URL, filename="a.jpg", intubation_present="Y",
                 clinical_notes="Chest radiograph."),
            _row(patientid="42", url=URL, filename="b.jpg", clinical_notes="Bilateral opacities.")]
    fills = {(f.row, f.field): (f.value, f.rule.split("@")[0]) for f in backfill_table(rows, ["intubated"], workers=1)}
    assert fills == {(2, "intubated"): ("Y", "intubated.intubation_present-film"),
                     (3, "intubated"): ("Y", "intubated.intubation_present-film")}
