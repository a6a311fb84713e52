"""Crawled case pages written blind (``tests/fixtures/<site>/unseen/``, committed with the rows a
curator would write before any parser ran on them; ``tests/crawled_rows.py`` scores them): the
general causes of the wrong cells they showed, one writing or markup pattern per test, each field
its own assertion."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest.case_fields import (
    _exam_clause,
    _image_offset,
    _reformats_of_one_exam,
    cited_sentences,
    image_texts,
    normalize_case,
)
from ingest.eurorad import parse_eurorad_case
from ingest.normalize import NORMALIZERS
from ingest.normalize.imaging import exam_outside_dataset, normalize_view
from ingest.normalize.time_words import AT_ADMISSION, symptom_histories
from ingest.panels import parse_subcaptions
from ingest.patients import without_patient_marker
from ingest.radiopaedia import parse_radiopaedia_case, parse_radiopaedia_stacks, split_radiopaedia_patients
from ingest.sirm import parse_sirm_posts
from ingest.sites.sirm import sirm_credit
from ingest.timeline import (
    AFTER_DISCHARGE,
    AFTER_EVENT,
    AFTER_PREVIOUS,
    DAY_FIRST,
    HOSPITAL_DAY,
    MONTH_FIRST,
    SINCE_ADMISSION,
    SINCE_ONSET,
    UNPLACED,
    ImageTexts,
    case_timeline,
    day_first_before,
    discharge_moment,
    event_moment,
    first_visit_moment,
    history_dates,
    image_moments,
    onset_gap,
    readmission_moment,
    slashed_date_order,
    text_moments,
    weekday_onset_gap,
    writes_day_first,
)
from tests.crawled_rows import SITES, records, score_site, staged_rows
from tests.jats_cases import file_cases, image_offsets, two_panels_side_by_side

FIXTURES = Path(__file__).parent / "fixtures"
BATCHES = ["unseen", "unseen2", "unseen3", "unseen4", "unseen5", "unseen6", "unseen7", "unseen8", "unseen9",
           "unseen10", "unseen11", "unseen12", "unseen13", "unseen14",
           "unseen15", "unseen16", "unseen17", "unseen18", "unseen19", "unseen20", "unseen21", "unseen22",
           "unseen23", "unseen24", "unseen25", "unseen26", "unseen27", "unseen28", "unseen29", "unseen30",
           "unseen31", "unseen32", "unseen33", "unseen34", "unseen35", "unseen36", "unseen37", "unseen38",
           "unseen39", "unseen40", "unseen41", "unseen42", "unseen43", "unseen44", "unseen45",
           "unseen46", "unseen47", "unseen48", "unseen49", "unseen50", "unseen51", "unseen52", "unseen53",
           "unseen54", "unseen55", "unseen56", "unseen57", "sirmsplit52", "unseen58", "unseen59", "unseen60",
           "unseen61", "unseen62", "unseen63", "unseen63b"]


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("site", SITES)
def test_every_film_a_curator_names_is_staged_and_no_other(site, batch):
    score = score_site(site, batch)
    lost = [w for w in score.wrong if w[4] == "(film lost)"]
    extra = [w for w in score.wrong if w[3] == "(no such row)"]
    assert lost == []
    assert extra == []


def test_eurorad_patients_named_by_ordinal_words_are_split_each_with_its_own_age_and_sex():
    # "The first patient, a 58-year-old man ... The second patient, his 55-year-old wife ..."; the
    # captions open with "First patient." / "Second patient."
    records_ = records("eurorad", FIXTURES / "eurorad" / "unseen" / "eu_three_patients.html",
                       "https://www.eurorad.org/case/16823")
    assert [r.source_key for r in records_] == ["16823-p1", "16823-p2", "16823-p3"]
    rows = [staged_rows(r) for r in records_]
    assert [list(r) for r in rows] == [["0000016823/16823_1_1.jpg"], ["0000016823/16823_2_1.jpg"],
                                       ["0000016823/16823_3_1.jpg"]]
    assert [next(iter(r.values()))["sex"] for r in rows] == ["M", "F", "M"]
    assert [next(iter(r.values()))["age"] for r in rows] == ["58", "55", "29"]
    assert [next(iter(r.values()))["finding"] for r in rows] == ["Pneumonia/Viral/COVID-19"] * 3


def test_eurorad_patients_own_earlier_normal_film_keeps_the_patients_sex_not_his_age():
    rows = {}
    for record in records("eurorad", FIXTURES / "eurorad" / "unseen" / "eu_own_prior_film.html",
                          "https://www.eurorad.org/case/16845"):
        rows.update(staged_rows(record))
    prior = rows["0000016845/16845_2_1.jpg"]
    assert prior["finding"] == "No Finding"
    assert prior["sex"] == "M"
    assert prior["age"] is None
    assert prior["offset"] is None
    assert rows["0000016845/16845_1_1.jpg"]["finding"] == "Pneumonia/Viral/COVID-19"


def test_sirm_exam_told_at_the_end_of_a_patients_paragraph_describes_the_film_after_it():
    # "Primo paziente: uomo di 45 anni, febbre e tosse da 5 giorni. Tampone positivo. RX torace (PA)
    # all'ingresso: ..." then the film: the film is that RX's (its view, its moment)
    rows = {}
    for record in records("sirm", FIXTURES / "sirm" / "unseen" / "caso_115_father_son.html",
                          "https://www.sirm.org/2020/04/28/covid-19-caso-115/"):
        rows.update(staged_rows(record))
    father, son = rows["04/padre-RX.jpeg"], rows["04/figlio-RX.jpeg"]
    assert father["view"] == "PA"
    assert father["offset"] == "5"
    assert father["age"] == "45"
    assert son["view"] == "AP"
    assert son["age"] == "8"


def test_sirm_history_keeps_the_story_and_findings_take_the_exam_sentences():
    [father, _son] = records("sirm", FIXTURES / "sirm" / "unseen" / "caso_115_father_son.html",
                             "https://www.sirm.org/2020/04/28/covid-19-caso-115/")
    assert father.history.endswith("Tampone positivo.")
    assert father.findings.startswith("RX torace (PA) all’ingresso")


def test_italian_words_for_a_child_give_the_sex():
    assert NORMALIZERS["sex"]("Secondo paziente: bambino di 8 anni, figlio del primo.", source="sirm").value == "M"
    assert NORMALIZERS["sex"]("Bambina di 6 anni con febbre.", source="sirm").value == "F"
    assert NORMALIZERS["sex"]("Ragazzo di 16 anni.", source="sirm").value == "M"
    assert NORMALIZERS["sex"]("Ragazza di 17 anni.", source="sirm").value == "F"


def test_sirm_earlier_year_normal_film_is_its_own_no_finding_case():
    found = records("sirm", FIXTURES / "sirm" / "unseen" / "caso_113_baseline_2019.html",
                    "https://www.sirm.org/2020/03/25/covid-19-caso-113/")
    assert [r.source_key for r in found] == ["covid-19-caso-113", "covid-19-caso-113-n1"]
    covid, earlier = (staged_rows(r) for r in found)
    assert list(covid) == ["03/RX-TORACE-PS.jpeg", "03/TC-1.jpeg"]
    row = earlier["03/RX-2019.jpeg"]
    assert row["finding"] == "No Finding"
    assert row["sex"] == "M"
    assert row["age"] is None
    assert row["modality"] == "X-ray"
    # the 2019 paragraph is no longer the COVID-19 case's finding text
    assert "2019" not in found[0].findings


def test_sirm_normal_film_of_the_same_year_stays_with_the_case():
    html = (FIXTURES / "sirm" / "unseen" / "caso_113_baseline_2019.html").read_text().replace(
        "a maggio 2019", "a febbraio 2020")
    found = parse_sirm_posts(html, "https://www.sirm.org/2020/03/25/covid-19-caso-113/")
    assert [r.source_key for r in found] == ["covid-19-caso-113"]


def _radiopaedia_study(findings: str, planes: tuple[str, ...]):
    from ingest.records import CaseRecord, ImageRecord
    images = [ImageRecord(f"https://x/{k}.png", k, modality_text="X-ray", view_text=plane, extra={"study_id": "7"})
              for k, plane in enumerate(planes)]
    return CaseRecord(source="radiopaedia", source_key="1", url="https://radiopaedia.org/cases/x", title="COVID-19",
                      images=images, extra={"studies": [{"study_id": "7", "title": "", "findings": findings}]})


def test_radiopaedia_frontal_stack_takes_the_one_frontal_projection_its_study_names():
    from ingest.case_fields import normalize_case
    results = {(r.field, r.image_position): r for r in normalize_case(
        _radiopaedia_study("PA and lateral chest radiographs: subtle opacity.", ("Frontal", "Lateral")))}
    assert results[("view", 0)].value == "PA"
    assert results[("view", 0)].evidence == "PA"
    assert results[("view", 1)].value == "L"


def test_radiopaedia_frontal_stacks_a_study_names_two_frontal_projections_of_stay_blank():
    from ingest.case_fields import normalize_case
    results = {(r.field, r.image_position): r for r in normalize_case(
        _radiopaedia_study("PA radiograph, then AP supine after intubation.", ("Frontal", "Frontal")))}
    assert results[("view", 0)].value is None
    assert results[("view", 1)].value is None
    results = {(r.field, r.image_position): r for r in normalize_case(
        _radiopaedia_study("PA and AP radiographs.", ("Frontal", "Lateral")))}
    assert results[("view", 0)].value is None


def test_radiopaedia_stack_without_a_plane_is_described_by_its_studys_words():
    from ingest.case_fields import normalize_case
    results = {(r.field, r.image_position): r for r in normalize_case(
        _radiopaedia_study("Portable AP supine radiograph in ICU: dense bilateral consolidation.", ("",)))}
    assert results[("view", 0)].value == "AP Supine"


def test_sirm_post_without_a_date_keeps_its_films_together():
    # no publication date (a print rendering, odd markup): no year to compare with, nothing split
    html = (FIXTURES / "sirm" / "unseen" / "caso_113_baseline_2019.html").read_text()
    html = html.replace('datetime="2020-03-25T18:00:00+01:00">25 Marzo 2020', 'datetime="">')
    html = html.replace('content="2020-03-11T18:32:07+00:00"', 'content=""')
    found = parse_sirm_posts(html, "https://www.sirm.org/2020/03/25/covid-19-caso-113/")
    assert [len(r.images) for r in found] == [3]
    assert found[0].source_key == "covid-19-caso-113"


def test_sirm_covid_film_whose_paragraph_names_an_earlier_year_and_a_negative_swab_stays_with_the_case():
    html = (FIXTURES / "sirm" / "unseen" / "caso_113_baseline_2019.html").read_text().replace(
        "Un RX torace eseguito a maggio 2019 per controllo preoperatorio era nella norma.",
        "RX torace: tenui opacità periferiche. Intervento di by-pass nel 2015; primo tampone negativo.")
    found = parse_sirm_posts(html, "https://www.sirm.org/2020/03/25/covid-19-caso-113/")
    assert [r.source_key for r in found] == ["covid-19-caso-113"]
    assert len(found[0].images) == 3


def _page_rows(site: str, name: str, url: str) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for record in records(site, FIXTURES / site / "unseen" / name, url):
        rows.update(staged_rows(record))
    return rows


def test_offsets_the_first_batch_missed_each_a_writing_pattern():
    # "brought to the emergency department on the fourth day of fever": the presentation is day 4
    child = _page_rows("eurorad", "eu_child.html", "https://www.eurorad.org/case/16834")
    assert [child[k]["offset"] for k in ("0000016834/16834_1_1.jpg", "0000016834/16834_2_1.jpg")] == ["4", "6"]
    # "The second patient, his 55-year-old wife, had ... for 4 days": the wife is the second patient
    household = _page_rows("eurorad", "eu_three_patients.html", "https://www.eurorad.org/case/16823")
    assert [household[f"0000016823/16823_{k}_1.jpg"]["offset"] for k in (1, 2, 3)] == ["6", "4", "2"]
    # "bambino di 8 anni, figlio del primo, febbricola da 2 giorni": the son is the second patient
    family = _page_rows("sirm", "caso_115_father_son.html", "https://www.sirm.org/2020/04/28/covid-19-caso-115/")
    assert family["04/figlio-RX.jpeg"]["offset"] == "2"
    # "RX torace in PS" is the presenting film; "il giorno successivo" the day after it
    ps = _page_rows("sirm", "caso_113_baseline_2019.html", "https://www.sirm.org/2020/03/25/covid-19-caso-113/")
    assert [ps[k]["offset"] for k in ("03/RX-TORACE-PS.jpeg", "03/TC-1.jpeg")] == ["6", "7"]
    # "Day 4 of admission" is 4 days after the admission, as the sample's curators count it
    days = _page_rows("radiopaedia", "rp_2022_admission_days.html",
                      "https://radiopaedia.org/cases/covid-19-pneumonia-progression-3")
    assert sorted(row["offset"] for row in days.values()) == ["10", "10", "14", "14"]


def test_radiopaedia_title_naming_a_child_gives_the_finding():
    rows = _page_rows("radiopaedia", "rp_child_boy.html", "https://radiopaedia.org/cases/covid-19-pneumonia-in-a-child")
    assert [row["finding"] for row in rows.values()] == ["Pneumonia/Viral/COVID-19"]


def test_sirm_plural_plane_words_give_the_view():
    rows = {}
    for record in records("sirm", FIXTURES / "sirm" / "unseen3" / "caso_117_date_e_distanza.html",
                          "https://www.sirm.org/2020/03/24/covid-19-caso-117/"):
        rows.update(staged_rows(record))
    assert rows["03/TC-16-3.jpeg"]["view"] == "Axial"
    assert rows["03/TC-16-3.jpeg"]["modality"] == "CT"


def _batch_rows(site: str, batch: str, name: str, url: str) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for record in records(site, FIXTURES / site / batch / name, url):
        rows.update(staged_rows(record))
    return rows


@pytest.mark.parametrize("batch", BATCHES)
@pytest.mark.parametrize("site", SITES)
def test_no_batch_loses_a_right_cell(site, batch):
    # the cells every batch had right after round 37 (unseen3's two blank offsets are still open)
    wrong = [w for w in score_site(site, batch).wrong if not (batch == "unseen3" and w[2] == "offset")]
    # unseen8 (open, see its README): Eurorad "N days after the transfer" (unplaced: a transfer may be to the
    # ICU), SIRM "TC di controllo a 10 giorni" after a CT that is not the presentation's (its Radiopaedia
    # "Follow-up at 6 weeks" and unseen9's "Follow-up (3 months)" placed since round 44: that long after the
    # presentation)
    # unseen10: the "Frontal chest radiograph" the blind rows call PA (the words do not say PA or AP)
    # unseen11: a discharge "on day 14" (of the stay or of the illness: not said) before a CT "6 weeks after
    # discharge"; "at the first presentation" (a visit before the admission) and the films after it; a lateral
    # film whose legend entry tells no moment; a day of the stay of a patient sent home and back
    # unseen12: Eurorad "After 2 months, follow-up CT" after a CT of day 3 of the stay (from the CT or the
    # presentation: the words do not say)
    # unseen13: a "Bedside" / "Portable chest radiograph" and a "Bedside chest radiograph" the blind rows call AP
    # (the words do not say AP or AP Supine; the curators' sample has a bedside film of each)
    # unseen16: SIRM "RX torace di controllo a letto" the blind rows call AP (as unseen13's bedside films)
    # unseen17: Eurorad "Portable anteroposterior chest radiograph at admission to the ICU" the blind rows call AP
    # (an ICU patient's AP film, position not stated: AP or AP Supine)
    # unseen18: SIRM "RX torace eseguito a letto del paziente" the blind rows call AP (as unseen16's bedside film)
    # unseen19: Radiopaedia "3 months post discharge" (axial, coronal) after a discharge "on day 41" (of the stay
    # or of the illness: the history does not say)
    # unseen20: Eurorad "Portable chest radiograph on admission" the blind rows call AP (as unseen13's portable film)
    # unseen22: Eurorad CTPA "on day 16" (Fig. 3a, b) told in the findings only, its legend without a day: blank
    # unseen23: Eurorad long COVID "Current CT" (Fig. 2a, b) of a patient "hospitalised for COVID-19 pneumonia 3
    # months earlier": the present visit's day is told only as the earlier admission's "3 months earlier": blank
    # (unseen4's Radiopaedia "Supine AP radiograph after intubation", intubated on the day of admission: 3 since
    # round 40's "after intubation")
    # unseen24: SIRM caso 281's two "RX torace a letto" films the blind rows call AP (as unseen16's bedside film),
    # and the "TC di controllo dopo 7 giorni" (two images: after the film before or the presentation, not said);
    # its "1° controllo ... in 3a giornata" (a day of the stay, as caso 120's "in XV giornata") since round 44
    # unseen26: Radiopaedia "Day 1"/"Day 5" studies after "for one week" (the labels may count the stay from day 0
    # or day 1: the blind rows call Day 1 the presentation, round 43's convention day N of the stay N days after
    # the admission), two dated PA films whose findings do not say PA (as unseen10's frontal film), a care-home
    # resident's film and the CT "2 days later" with no onset nor word of the admission (the blind rows: 0, 2)
    # unseen29: Eurorad "Follow-up CT after 1 month" after the CT of the day after the presentation (from the CT or
    # the presentation: not said, as unseen12's), SIRM caso 330's "RX al letto" films the blind rows call AP (as
    # unseen16's bedside film)
    # unseen30: Eurorad 19215's "Bedside AP chest X-ray on ICU day 3" (a bedside film without the patient's position,
    # as unseen16's) and its "day 12 of ventilation" (its ICU days, "ICU day 3", "day 20 of ICU stay", hospital days
    # since round 45: the patient "was admitted directly to the intensive care unit"; unseen23's Radiopaedia "ICU day
    # 3" of a patient not said to be admitted straight to the unit stays blank), 19230's "Control CT at 6 weeks"
    # (two images; "at N weeks": its base is not told), SIRM caso 333's
    # "RX di controllo AP a letto" (a bedside film, as unseen16's)
    # unseen33 (open, see its README): Radiopaedia "HRCT 3 months after the acute illness" / "Repeat HRCT 3 months
    # later" (three) in a history with a month but no day of onset
    # unseen35 (see its README): Eurorad 19502's "Frontal chest radiograph" the blind rows call PA (as unseen10's)
    # unseen36 (open, see its README): Radiopaedia's Frontal stack with no words on the projection (PA, as
    # unseen10's), "6 weeks after steroids", the 2024 case's "Portable radiograph" (AP, as unseen13's); Eurorad
    # 19634's Figure 3 "CTPA, axial image in lung window" (no moment of its own; its "on the tenth day of COVID-19"
    # read since leftovers47)
    # unseen37 (open, see its README): SIRM caso 361's two bedside films without the patient's position (AP, as
    # unseen16's)
    # unseen40 (open, see its README): SIRM caso 97's and caso 141's uploads captioned by their file names only under
    # one paragraph telling an RX and a TC (which upload is which exam: not said), modality and view blank
    # unseen41 (open, see its README): Radiopaedia 78733's three studies whose times and later positions only the case
    # discussion tells ("Nine days after intubation ... (second study)", "Follow-up radiograph ten days later"): blank
    # unseen43 (open, see its README): SIRM caso 167's and caso 178's ages told by a decade's word ("Donna
    # cinquantenne", "Uomo settantenne": 50 to 59, 70 to 79 as well as 50, 70), blank (the blind rows: 50, 70)
    # unseen42 (open, see its README): Eurorad 17021's "Control chest X-ray (PA) after ten days of antibiotherapy" (the
    # day the antibiotics began is not told)
    # unseen44: SIRM caso 196's "Dopo 4 giorni di terapia" and the TC "Nello stesso giorno" placed since leftovers49
    # (the therapy begun with the admission, "viene ricoverato ... e inizia terapia"); Radiopaedia 91530's
    # "Post-mortem CT" placed since (the death event, round 48's leftovers)
    # unseen45 (open, see its README): Radiopaedia 93214's "Day of admission" studies after "Covid positive on lateral
    # flow 6 days ago" (a positive test is no onset: 0 from the admission, the blind rows 6); 95877's CTPA after
    # "COVID-19 diagnosed 9 days earlier" (a diagnosis's day, blank); Eurorad 17388's CTPA "performed following the
    # clinical deterioration" the history tells "On day 4 of her admission" placed since leftovers49
    # unseen48 (open, see its README): Radiopaedia 76934's first X-ray study, whose findings name no projection (the
    # blind rows: PA, as unseen10's)
    # unseen52 (open, see its README): Radiopaedia 86312's studies titled "Day 1" / "Day 4" (illness or stay count, and
    # the stay's day 1 the admission's day or the day after: blank with its reason)
    # unseen53 (open, see its README): Radiopaedia 77891's "Day 3 post intubation" (the series' day 3 or three days
    # after the intubation of day 2) and the "3 months later" after it; 90118's "CTPA - post-partum" dated only by the
    # discussion's chain (a caesarean "on the day after admission", "Two days post-op") and the first study before it
    # unseen54 (open, see its README): Radiopaedia 80541's films of a first visit told by its weekday ("swabbed at the
    # employee health clinic Monday morning ... a chest radiograph was obtained at the same visit") and of the
    # emergency department (studies titled by the place only); Eurorad 17412's "after four days from the drainage"
    # unseen55 (open, see its README): Radiopaedia 79233's study titled "Post extubation" ("Extubated on ICU day 11,
    # radiograph 24 hours after": two moments; its "ICU day 3" placed since leftovers52, the intubation in the
    # emergency department) (SIRM caso 168 split since sirmsplit52: every cell right)
    # sirmsplit52 (open, see its README): caso 176's father's films "in giornata", en case 38's CT "the day after"
    # under the film "at the admission", caso 198's mother's films (their exams told in her history only)
    # unseen58 (open, see its README): Radiopaedia 90417's "Repeat portable film" the blind rows call AP (as unseen13's
    # portable film); Eurorad 17458's own normal PA "four months before" (No Finding since crawled58, its own case with
    # no age, as unseen's own earlier film; the blind rows: 59, -112)
    # unseen60 (open, see its README): Radiopaedia 78412's study titled "After 2 weeks of treatment" (the treatment's
    # start undated) (Eurorad 17690's "Supine bedside radiograph on the day ECMO was started" placed since
    # leftovers53: the event's day told by its clause)
    # unseen61 (open, see its README): Radiopaedia 80217's "Pre-COVID (2019)" film (No Finding since crawled61, its own
    # case with no age, as unseen58's; the blind rows: 58) and its study titled "6 months" (a bare duration: from the
    # admission or the "1 month follow-up" before it, not said); SIRM caso 149's fourth upload, a coronal
    # reconstruction no text tells (Axial, as a SIRM CT whose plane is not said)
    # unseen63 (open, see its README): Radiopaedia 73918's two X-ray studies and 79263's admission radiograph (the
    # batch's stacks print a projection "PA" the real site does not; no text names the view: blank), 79263's CT
    # whose moment only its quiz question tells ("Q: The CT was performed 48 hours later ...": quiz lines are no
    # findings, notes §1.6.7)
    # unseen63b (open, see its README): Eurorad 16871's CT "the day of the hospitalisation" (two offsets) and its
    # "bedside chest radiograph" (no position told)
    # unseen49: Radiopaedia's Brazilian bedside film and "CT the next morning" (three offsets) placed since timeline50
    # ("the next morning" the day after the film before)
    left = {("unseen8", "eurorad"): 3, ("unseen8", "sirm"): 2,
            ("unseen10", "radiopaedia"): 1, ("unseen11", "radiopaedia"): 1, ("unseen11", "eurorad"): 5,
            ("unseen11", "sirm"): 4, ("unseen12", "eurorad"): 1,
            ("unseen13", "radiopaedia"): 1, ("unseen13", "eurorad"): 2,
            ("unseen16", "sirm"): 1, ("unseen17", "eurorad"): 1, ("unseen18", "sirm"): 1,
            ("unseen19", "radiopaedia"): 2, ("unseen20", "eurorad"): 1,
            ("unseen22", "eurorad"): 2, ("unseen23", "eurorad"): 2,
            ("unseen24", "sirm"): 4, ("unseen26", "radiopaedia"): 7,
            ("unseen29", "eurorad"): 1, ("unseen29", "sirm"): 2,
            ("unseen30", "eurorad"): 4, ("unseen30", "sirm"): 1,
            ("unseen33", "radiopaedia"): 3, ("unseen35", "eurorad"): 1,
            ("unseen36", "radiopaedia"): 3, ("unseen36", "eurorad"): 1,
            ("unseen37", "sirm"): 2, ("unseen40", "sirm"): 12,
            ("unseen41", "radiopaedia"): 5, ("unseen42", "eurorad"): 1, ("unseen43", "sirm"): 6,
            ("unseen44", "radiopaedia"): 0, ("unseen44", "eurorad"): 0, ("unseen44", "sirm"): 0,
            ("unseen45", "radiopaedia"): 5, ("unseen45", "eurorad"): 0,
            ("unseen48", "radiopaedia"): 1,
            ("unseen49", "radiopaedia"): 0, ("unseen49", "eurorad"): 0,
            ("unseen50", "radiopaedia"): 3, ("unseen52", "radiopaedia"): 2,
            ("unseen53", "radiopaedia"): 6,
            ("unseen54", "radiopaedia"): 4, ("unseen54", "eurorad"): 2,
            ("unseen55", "radiopaedia"): 1, ("sirmsplit52", "sirm"): 5,
            ("unseen58", "radiopaedia"): 1, ("unseen58", "eurorad"): 2,
            ("unseen60", "radiopaedia"): 1, ("unseen60", "eurorad"): 0,
            ("unseen61", "radiopaedia"): 2, ("unseen61", "sirm"): 1,
            ("unseen63", "radiopaedia"): 4, ("unseen63b", "eurorad"): 3}.get((batch, site), 0)
    assert len(wrong) == left, wrong


def test_sirm_patients_opened_by_a_heading_line_of_their_own_are_split():
    # the block editor's "<p><strong>Caso 1</strong></p>", then the patient's own paragraphs
    url = "https://www.sirm.org/2020/04/06/covid-19-caso-119/"
    found = records("sirm", FIXTURES / "sirm" / "unseen4" / "caso_119_caso1_caso2.html", url)
    assert [r.source_key for r in found] == ["covid-19-caso-119-p1", "covid-19-caso-119-p2"]
    rows = _batch_rows("sirm", "unseen4", "caso_119_caso1_caso2.html", url)
    assert [(rows[k]["sex"], rows[k]["age"]) for k in ("04/caso1-RX-PS.jpeg", "04/caso2-RX-1.jpeg")] == [
        ("M", "72"), ("F", "49")]
    # each patient's dates on his own timeline: "da 10 giorni; giunge in PS il 12/03/2020", "febbre dal 14/03/2020"
    assert [rows[k]["offset"] for k in ("04/caso1-RX-PS.jpeg", "04/caso1-TC.jpeg", "04/caso2-RX-1.jpeg",
                                        "04/caso2-RX-2.jpeg")] == ["10", "11", "3", "10"]


def test_sirm_heading_needs_two_patients_and_a_line_of_its_own():
    html = (FIXTURES / "sirm" / "unseen4" / "caso_119_caso1_caso2.html").read_text()
    one = html.replace("<p><strong>Caso 2</strong></p>", "")
    assert len(parse_sirm_posts(one, "https://www.sirm.org/2020/04/06/covid-19-caso-119/")) == 1
    # "caso 2" inside a sentence is a reference, not a heading
    inline = html.replace("<p><strong>Caso 2</strong></p>", "<p>Caso 2 della serie descritta sotto.</p>")
    assert len(parse_sirm_posts(inline, "https://www.sirm.org/2020/04/06/covid-19-caso-119/")) == 1


def test_italian_relative_introduced_with_an_age_is_the_patient():
    sex = NORMALIZERS["sex"]
    assert sex("Paziente 2 – Madre del paziente 1, 41 anni. Febbre da 5 giorni.", source="sirm").value == "F"
    assert sex("Padre, 70 anni, iperteso.", source="sirm").value == "M"
    assert sex("Mother of patient 1, 41 years, fever for 5 days.", source="sirm").value == "F"
    # a relative named without an age is not the patient
    assert sex("Uomo di 60 anni. La moglie è risultata positiva.", source="sirm").value == "M"
    assert sex("Donna di 50 anni; il marito è il paziente del caso 3.", source="sirm").value == "F"


def test_sirm_days_of_the_stay_in_roman_numerals():
    from ingest.timeline import text_moments
    rows = _batch_rows("sirm", "unseen4", "caso_120_ecmo_giornate.html",
                       "https://www.sirm.org/2020/04/15/covid-19-caso-120/")
    # "da 6 giorni; ricoverato il 20/3", then "in XII giornata di ricovero": 6 + 12
    assert rows["04/RX-ECMO-XII.jpeg"]["offset"] == "18"
    [moment] = text_moments("RX torace in XXIV giornata di ricovero.", "caption")
    assert (moment.kind, moment.days) == ("hospital-day", 24)
    # lower case "vi", "i" are words, not numerals; "IIII" is no numeral
    assert text_moments("RX in vi giornata di ricovero.", "caption") == ()
    assert text_moments("RX in IIII giornata di ricovero.", "caption") == ()
    # a bare "in XV giornata": the clinicians' day of the stay too (6 + 15)
    assert rows["04/TC-XV-giornata.jpeg"]["offset"] == "21"


@pytest.mark.parametrize("words", ["in 3a giornata", "in 3ª giornata", "in terza giornata", "in III giornata",
                                   "in 3° giornata", "in 3a giornata di degenza", "in terza giornata di ricovero"])
def test_italian_bare_giornata_is_a_day_of_the_stay(words):
    from ingest.timeline import text_moments
    [moment] = text_moments(f"RX torace a letto {words}: incremento delle opacità.", "caption")
    assert moment.kind == "hospital-day"
    assert moment.days == 3


@pytest.mark.parametrize(("words", "kind"), [
    ("in terza giornata di febbre", "since-onset"),  # a day of the illness
    ("in terza giornata post-operatoria", "label"),  # an operation's count, not the stay's
])
def test_italian_giornata_of_another_count_is_not_the_stays(words, kind):
    from ingest.timeline import text_moments
    [moment] = text_moments(f"RX torace {words}.", "caption")
    assert moment.kind == kind


def test_sirm_control_film_in_3a_giornata_is_the_admission_plus_three():
    rows = _batch_rows("sirm", "unseen24", "caso_281_paziente_di_65_anni_maschio_da_5_giorni_rx_torace_a_letto_1_"
                       "controllo_in_3a_giornata_tc_di_controllo_dopo_7_giorni.html",
                       "https://www.sirm.org/2020/04/02/covid-19-caso-281/")
    # "Febbre e tosse secca da 5 giorni", "RX torace a letto all'ingresso", "1° controllo ... in 3a giornata"
    assert rows["04/caso281-rx1.jpg"]["offset"] == "5"
    assert rows["04/caso281-rx2.jpg"]["offset"] == "8"


def test_soon_word_gate_keeps_every_unit():
    # the look-ahead on first letters must cover every word of the pattern: "fortnight" among UNIT's
    from ingest.timeline import _SOON_WORD
    for word in ("fortnight", "fortnights", "hours", "stesso", "giorni", "settimane", "mesi", "jours", "Tage"):
        assert _SOON_WORD.search(f"CT a {word}") is not None, word


def test_eurorad_sub_image_letters_after_their_own_moments():
    # "Bedside AP chest X-rays on admission (a) and on day 4 of hospitalisation (b): ..." after "for 8 days"
    url = "https://www.eurorad.org/case/16944"
    rows = _batch_rows("eurorad", "unseen4", "eu_fifties_day_of_hospitalisation.html", url)
    assert [rows[f"0000016944/16944_1_{k}.jpg"]["offset"] for k in (1, 2)] == ["8", "12"]
    # letters whose parts tell no moment share the words after the last one
    html = (FIXTURES / "eurorad" / "unseen4" / "eu_fifties_day_of_hospitalisation.html").read_text().replace(
        "Bedside AP chest X-rays on admission (a) and on day 4 of hospitalisation (b):",
        "Bedside AP (a) and PA (b) chest X-rays on admission:")
    from ingest.eurorad import parse_eurorad_case
    shared = {}
    for record in parse_eurorad_case(html, url):
        shared.update(staged_rows(record))
    assert [shared[f"0000016944/16944_1_{k}.jpg"]["offset"] for k in (1, 2)] == ["8", "8"]


def test_a_reconstruction_of_the_same_ct_and_a_same_day_label_take_the_previous_films_day():
    rows = _batch_rows("eurorad", "unseen4", "eu_fifties_day_of_hospitalisation.html",
                       "https://www.eurorad.org/case/16944")
    assert rows["0000016944/16944_3_1.jpg"]["offset"] == "10"  # "Coronal reconstruction of the same CT"
    from ingest.timeline import text_moments
    for words in ("Same day", "CT on the same day", "Ricostruzione coronale della stessa TC"):
        [moment] = text_moments(words, "label")
        assert (moment.kind, moment.days) == ("after-previous", 0), words
    assert text_moments("The same patient had a CT.", "caption") == ()


def test_first_study_without_a_moment_is_the_presentation_when_the_next_counts_from_it():
    # "Ten days of cough and fever": the unlabelled first study, then "Same day" and "1 month later"
    rows = _batch_rows("radiopaedia", "unseen4", "rp_classic_pa_lateral_ct_month.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-ct-series-2")
    assert [row["offset"] for row in rows.values()] == ["10", "10", "10", "10", "40"]
    # SIRM: "da 5 giorni", the RX without a moment, then "TC del torace lo stesso giorno"
    rows = _batch_rows("sirm", "unseen4", "caso_121_bambino_e_madre.html",
                       "https://www.sirm.org/2020/04/20/covid-19-caso-121/")
    assert [rows[f"04/paziente2-{k}.jpeg"]["offset"] for k in ("RX", "TC-1", "TC-2")] == ["5", "5", "5"]


def test_first_film_placed_within_the_stay_is_no_presenting_film():
    from ingest.timeline import ImageTexts, case_timeline
    for caption in ("Portable radiograph in the ICU.", "RX torace durante la degenza.", "CT."):
        timeline = case_timeline("Fever for 4 days.", [ImageTexts(0, caption=caption, group="a"),
                                                       ImageTexts(1, caption="CT 3 days later.", group="b")])
        assert [o.value for o in timeline.offsets] == ([4, 7] if caption == "CT." else [None, None]), caption
    # no relative film after it: a lone unlabelled study stays blank (unseen/rp_ct_planes)
    timeline = case_timeline("Fever for 4 days.", [ImageTexts(0, caption="CT.", group="a"),
                                                   ImageTexts(1, caption="CT.", group="a")])
    assert [o.value for o in timeline.offsets] == [None, None]


def test_radiopaedia_studies_labelled_by_dates_only_count_from_the_first():
    # "for 6 days", then studies "14 Mar 2020", "17 Mar 2020", "30 Mar 2020": the first is the presentation's
    rows = _batch_rows("radiopaedia", "unseen4", "rp_2022_date_labels.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-serial-radiographs-4")
    assert [row["offset"] for row in rows.values()] == ["6", "9", "22"]
    from ingest.timeline import ImageTexts, case_timeline
    # the first film is not the earliest: the dates do not say which is the presentation's
    images = [ImageTexts(0, date_text="17 Mar 2020"), ImageTexts(1, date_text="14 Mar 2020")]
    assert [o.value for o in case_timeline("Fever for 6 days.", images).offsets] == [None, None]
    # no onset gap told: nothing to count from
    images = [ImageTexts(0, date_text="14 Mar 2020"), ImageTexts(1, date_text="17 Mar 2020")]
    assert [o.value for o in case_timeline("Fever and cough.", images).offsets] == [None, None]


@pytest.mark.parametrize("batch", BATCHES)
def test_case_images_places_every_batch_film_as_the_case_timeline_does(batch):
    # backfill's one-film-at-a-time placing (CaseImages) and the crawl's case_timeline must agree,
    # the first exam taken as the presentation's included (a later film counts from it)
    import json

    from ingest.case_fields import _DAY_FIRST_SOURCES, image_texts
    from ingest.timeline import CaseImages, case_timeline
    for site in SITES:
        for rows in sorted((FIXTURES / site / batch).glob("*.rows.json")):
            url = json.loads(rows.read_text())["url"]
            for record in records(site, rows.with_name(rows.name.replace(".rows.json", ".html")), url):
                texts = [image_texts(record, i) for i in record.images]
                day_first = record.source in _DAY_FIRST_SOURCES
                whole = case_timeline(record.history, texts, findings=record.findings, day_first=day_first)
                case = CaseImages(texts, day_first=day_first)
                assert [case.offset_of(record.history, t, findings=record.findings).value for t in texts] == [
                    whole.offset_of(t.position).value for t in texts], rows.name


def test_sirm_block_figure_short_caption_takes_the_moment_of_the_paragraph_above_it():
    # "TC del torace eseguita dopo 48 ore: ..." then a figure captioned "TC, scansione assiale"
    rows = _batch_rows("sirm", "unseen5", "caso_122_paziente_ricoverata.html",
                 "https://www.sirm.org/2020/04/22/covid-19-caso-122/")
    assert rows["04/caso122-RX-ingresso.jpeg"]["offset"] == "4"
    assert rows["04/caso122-TC-assiale.jpeg"]["offset"] == "6"
    assert rows["04/caso122-TC-assiale.jpeg"]["view"] == "Axial"


def test_sirm_paragraph_of_another_exam_gives_no_moment_to_a_figure():
    # a CT figure under a paragraph telling a radiograph "dopo 48 ore" is not that radiograph
    html = """<html><body><article><div class="entry-content">
<p>Uomo di 60 anni, febbre da 5 giorni. Tampone positivo.</p>
<p>RX torace eseguita dopo 48 ore dal ricovero: addensamenti bilaterali.</p>
<figure class="wp-block-image"><img src="https://www.sirm.org/wp-content/uploads/2020/04/tc-1.jpeg" alt="">
<figcaption>TC, scansione assiale</figcaption></figure>
</div></article></body></html>"""
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/30/covid-19-caso-130/")
    assert "paragraph" not in record.images[0].extra
    assert staged_rows(record)["04/tc-1.jpeg"]["offset"] is None


@pytest.mark.parametrize("label, want", [("Day 5 of admission", "9"), ("Day 10 post symptoms", "10"),
                                         ("3 days after admission", "7")])
def test_unlabelled_first_study_before_a_later_day_of_the_stay_or_illness_is_the_presenting_film(label, want):
    history = "Fever and cough for 4 days, admitted with hypoxia."
    timeline = case_timeline(history, [ImageTexts(0, caption="PA chest radiograph: bilateral opacities.",
                                                  group="study 1"),
                                       ImageTexts(1, date_text=label, group="study 2")])
    assert [o.value for o in timeline.offsets] == [4, int(want)]


def test_unlabelled_first_study_before_a_day_of_the_presentation_itself_stays_blank():
    # "Day 4 post symptoms" is the presentation's own day: the first study may be an earlier film
    films = [ImageTexts(0, caption="PA radiograph.", group="s1"),
             ImageTexts(1, date_text="Day 4 post symptoms", group="s2")]
    timeline = case_timeline("Fever and cough for 4 days.", films)
    assert timeline.offsets[0].value is None


def test_radiopaedia_onset_told_only_in_the_case_discussion_places_the_first_study():
    rows = _batch_rows("radiopaedia", "unseen5", "rp_2022_onset_in_discussion.html",
                 "https://radiopaedia.org/cases/covid-19-pneumonia-day-10-post-symptoms?lang=us")
    offsets = [row["offset"] for row in rows.values()]
    assert offsets == ["4", "10", "10", "10"]


@pytest.mark.parametrize("discussion, want", [
    ("This patient presented with a 4-day history of fever and cough.", 4),
    ("The man had fever for 6 days before admission.", 6),
    ("Patients typically present after a 5-day history of fever.", None),
    ("COVID-19 pneumonia peaks in the second week; a 7-day history is usual.", None),
])
def test_discussion_tells_the_onset_gap_only_in_its_sentences_about_the_patient(discussion, want):
    timeline = case_timeline("Shortness of breath.", [ImageTexts(0, caption="PA radiograph.", group="s1"),
                                                      ImageTexts(1, date_text="1 week later", group="s2")],
                             discussion=discussion)
    # the onset gap told, the first study is the presenting film ("1 week later" counts from it)
    assert [o.value for o in timeline.offsets] == ([want, want + 7] if want is not None else [None, None])


@pytest.mark.parametrize("label", ["Follow-up", "Follow up CT", "Repeat radiograph", "Controllo"])
def test_first_study_before_a_follow_up_label_without_a_day_is_the_presenting_film(label):
    history = "One week of fever, cough and myalgia."
    films = [ImageTexts(0, caption="AP semi-erect radiograph: bilateral opacities.", group="s1"),
             ImageTexts(1, date_text=label, group="s2")]
    # the follow-up itself tells no day: it stays blank
    assert [o.value for o in case_timeline(history, films).offsets] == [7, None]


def test_first_study_before_a_label_telling_no_time_stays_blank():
    films = [ImageTexts(0, caption="PA radiograph.", group="s1"), ImageTexts(1, date_text="CT chest", group="s2")]
    assert [o.value for o in case_timeline("Fever for 7 days.", films).offsets] == [None, None]


def test_radiopaedia_follow_up_study_between_the_presentation_and_a_day_of_illness():
    rows = _batch_rows("radiopaedia", "unseen6", "rp_2022_semi_erect_follow_up.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-semi-erect-and-follow-up?lang=us")
    assert [row["offset"] for row in rows.values()] == ["7", None, "14"]
    assert [row["view"] for row in rows.values()] == ["AP", "PA", "Axial"]


def test_sirm_caption_bare_day_takes_the_base_its_paragraph_names():
    # caption "RX torace AP a letto, VIII giornata" under "RX ... in VIII giornata di ricovero": a day of the stay
    rows = _batch_rows("sirm", "unseen6", "caso_131_pronto_soccorso_giornata.html",
                       "https://www.sirm.org/2020/04/29/covid-19-caso-131/")
    assert [row["offset"] for row in rows.values()] == ["7", "10", "15"]


def test_sirm_paragraph_telling_another_day_gives_no_base_to_a_captions_bare_day():
    html = """<html><body><article><div class="entry-content">
<p>Uomo di 60 anni, febbre da 5 giorni. Tampone positivo.</p>
<p>RX torace in X giornata di ricovero: addensamenti bilaterali.</p>
<figure class="wp-block-image"><img src="https://www.sirm.org/wp-content/uploads/2020/04/rx-1.jpeg" alt="">
<figcaption>RX torace AP, VIII giornata</figcaption></figure>
</div></article></body></html>"""
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/30/covid-19-caso-135/")
    # "VIII giornata" alone is the clinicians' day of the stay (since round 44: 5 + 8), the caption's own day, not
    # the paragraph's "X giornata di ricovero" (15)
    assert staged_rows(record)["04/rx-1.jpeg"]["offset"] == "13"


def test_presentation_told_as_a_day_of_illness_wins_over_a_phase_of_the_symptoms():
    from ingest.timeline import onset_gap
    assert onset_gap("Sore throat for 2 days, then fever and dry cough. Admitted on day 6 of illness.")[0] == 6
    assert onset_gap("Fever and cough for 4 days.")[0] == 4


def test_bare_day_labels_count_the_illness_when_the_first_is_the_admissions_day_of_illness():
    rows = _batch_rows("radiopaedia", "unseen6", "rp_2022_day_labels_of_illness.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-day-labels-of-illness?lang=us")
    assert [row["offset"] for row in rows.values()] == ["6", "9", "16"]
    # a first label that is not the admission's day of illness leaves the later bare labels blank
    films = [ImageTexts(0, date_text="Day 2", group="s1"), ImageTexts(1, date_text="Day 9", group="s2")]
    assert [o.value for o in case_timeline("Admitted on day 6 of illness.", films).offsets] == [None, None]


@pytest.mark.parametrize("history, want", [
    ("A man was admitted with fever and cough; his symptom onset had been 10 days earlier.", 10),
    ("Onset of fever was 5 days before.", 5),
    # no symptom named: the onset of something else
    ("The onset of the rash was 2 weeks earlier.", None),
])
def test_onset_told_as_a_time_before_the_presentation(history, want):
    from ingest.normalize.time_words import symptom_history
    found = symptom_history(history)
    assert (found[0] if found else None) == want


def test_eurorad_film_weeks_after_a_discharge_on_a_day_of_hospitalisation():
    rows = _batch_rows("eurorad", "unseen6", "eu_after_discharge.html", "https://www.eurorad.org/case/17143")
    assert [row["offset"] for row in rows.values()] == ["10", "13", "32"]


@pytest.mark.parametrize("words, days", [("CT on the 3rd day of admission", 3),
                                         ("CT performed on the second day of hospitalisation", 2),
                                         ("Radiograph on the day of admission", 0)])
def test_an_ordinal_day_of_the_stay_is_that_day_not_its_inner_day_of_admission(words, days):
    from ingest.timeline import text_moments
    assert [m.days for m in text_moments(words, "caption")] == [days]
    rows = _batch_rows("eurorad", "unseen7", "eu_legionella_fig_series_not_covid.html",
                       "https://www.eurorad.org/case/17218")
    # "his symptoms began a week ago"; Fig. 2a-c "on the 3rd day of admission"
    assert [rows[f"0000017218/17218_2_{k}.jpg"]["offset"] for k in (1, 2, 3)] == ["10"] * 3


def test_eurorad_sub_images_take_the_view_their_letters_group_names():
    # "axial images (a, b) and coronal reconstruction (c)": two letters share one view word
    rows = _batch_rows("eurorad", "unseen7", "eu_legionella_fig_series_not_covid.html",
                       "https://www.eurorad.org/case/17218")
    assert [rows[f"0000017218/17218_2_{k}.jpg"]["view"] for k in (1, 2, 3)] == ["Axial", "Axial", "Coronal"]
    # letters that do not name the figure's sub-images one for one leave the view blank
    html = (FIXTURES / "eurorad" / "unseen7" / "eu_legionella_fig_series_not_covid.html").read_text().replace(
        "axial images (a, b) and coronal reconstruction (c)", "axial images (a) and coronal reconstruction (b)")
    from ingest.eurorad import parse_eurorad_case
    shared = {}
    for record in parse_eurorad_case(html, "https://www.eurorad.org/case/17218"):
        shared.update(staged_rows(record))
    assert shared["0000017218/17218_2_3.jpg"]["view"] is None


@pytest.mark.parametrize("title, want", [
    ("COVID-19 pneumonia - husband and wife", "Pneumonia/Viral/COVID-19"),
    ("COVID-19 pneumonia – mother and her daughter", "Pneumonia/Viral/COVID-19"),
    # a relative who is not the pair the subtitle names is still someone else
    ("COVID-19 pneumonia - her husband was a contact", None),
])
def test_a_titles_subtitle_naming_a_pair_of_relatives_names_the_patients(title, want):
    assert NORMALIZERS["finding"](title, source="radiopaedia").value == want


def test_relative_introduced_with_an_age_right_after_a_patients_number_is_that_patient():
    from ingest.timeline import onset_gap
    history = "Patient 2: his 62-year-old wife presented on the same day with fever and anosmia for 3 days."
    assert onset_gap(history)[0] == 3
    assert NORMALIZERS["sex"](history).value == "F"
    # without an age the relative may be the numbered patient's own: not read as the patient
    assert onset_gap("Patient 2: his wife had fever for 3 days.") is None
    rows = _batch_rows("eurorad", "unseen7", "eu_patient_1_patient_2_couple.html", "https://www.eurorad.org/case/16990")
    assert rows["0000016990/16990_3_1.jpg"]["offset"] == "3"


def test_sirm_figure_of_an_exam_the_dataset_does_not_hold_is_left_out_with_the_reason():
    url = "https://www.sirm.org/2020/05/12/covid-19-caso-141/"
    [record] = records("sirm", FIXTURES / "sirm" / "unseen7" / "caso_141_ecografia_e_rx.html", url)
    assert [i.source_url.rsplit("/", 1)[-1] for i in record.images] == [
        "caso141-RX-PA.jpeg", "caso141-RX-LL.jpeg", "caso141-RX-controllo.jpeg"]
    [left] = record.extra["left_out_figures"]
    assert left["figure"].endswith("caso141-ecografia.jpeg")
    assert "Ecografia" in left["reason"]
    assert any("caso141-ecografia.jpeg left out" in w for w in record.warnings)
    # a caption naming the ultrasound beside a radiograph keeps the figure (a reviewer crops it)
    html = (FIXTURES / "sirm" / "unseen7" / "caso_141_ecografia_e_rx.html").read_text().replace(
        "Ecografia polmonare: linee B confluenti", "Ecografia polmonare e RX torace a confronto")
    [both] = parse_sirm_posts(html, url)
    assert len(both.images) == 4


def test_sirm_figures_under_one_paragraph_telling_their_exam_are_one_exam():
    # "RX torace nelle due proiezioni standard: ..." then figures "RX torace, proiezione PA" and
    # "... laterale", then a control film "dopo 3 giorni dal ricovero": the first exam is the presentation's
    rows = _batch_rows("sirm", "unseen7", "caso_141_ecografia_e_rx.html",
                       "https://www.sirm.org/2020/05/12/covid-19-caso-141/")
    assert [row["offset"] for row in rows.values()] == ["4", "4", "7"]
    assert [row["view"] for row in rows.values()] == ["PA", "L", "PA"]


def test_radiopaedia_case_of_two_patients_whose_studies_name_them_is_split():
    url = "https://radiopaedia.org/cases/covid-19-pneumonia-husband-and-wife?lang=us"
    page = FIXTURES / "radiopaedia" / "unseen7" / "rp_classic_patient_1_patient_2.html"
    found = records("radiopaedia", page, url)
    assert [r.source_key for r in found] == ["80533-p1", "80533-p2"]
    assert [[i.extra["study_id"] for i in r.images] for r in found] == [["97201", "97202"], ["97203", "97204"]]
    assert [[i.position for i in r.images] for r in found] == [[0, 1], [0, 1]]
    rows = [next(iter(staged_rows(r).values())) for r in found]
    assert [(row["sex"], row["age"], row["offset"]) for row in rows] == [("M", "64", "6"), ("F", "59", "3")]
    assert all("split from multi-patient case 80533" in r.warnings[-1] for r in found)


def test_radiopaedia_case_whose_studies_do_not_all_name_a_patient_stays_whole():
    from ingest.radiopaedia import parse_radiopaedia_case, split_radiopaedia_patients
    page = FIXTURES / "radiopaedia" / "unseen7" / "rp_classic_patient_1_patient_2.html"
    html = page.read_text().replace("<h2>Patient 2</h2></div>\n              <div class=\"study-modality\"><span>CT",
                                    "<h2>Follow-up</h2></div>\n              <div class=\"study-modality\"><span>CT")
    record = parse_radiopaedia_case(html, "https://radiopaedia.org/cases/covid-19-pneumonia-husband-and-wife")
    assert [s["title"] for s in record.extra["studies"]][-1] == "Follow-up"
    [whole] = split_radiopaedia_patients(record)
    assert whole.source_key == "80533"
    assert "not every study says whose" in whole.warnings[-1]


@pytest.mark.parametrize("text, sex, age", [
    ("Patient 2: his wife, 59 years old, with fever and anosmia for 3 days.", "F", 59),
    # the relative of a text about its patient, not opening it, is someone else
    ("A 70-year-old man with fever. His wife, 59 years old, was also positive.", "M", 70),
    ("Fever for 3 days. His wife, 59 years old, is a nurse.", None, None),
])
def test_relative_with_the_age_after_is_the_patient_only_where_it_opens_the_patients_part(text, sex, age):
    assert NORMALIZERS["sex"](text).value == sex
    assert NORMALIZERS["age"](text).value == age


def test_sirm_figure_takes_view_and_moment_from_the_paragraph_telling_its_exam_though_it_names_another():
    # "RX torace di controllo a distanza di 5 giorni dalla TC (AP, a letto)" over a figure captioned
    # "RX torace di controllo": the paragraph tells an RX (its first exam word), its view is AP
    rows = _batch_rows("sirm", "unseen7", "caso_144_insorte_prima_dell_accesso.html",
                       "https://www.sirm.org/2020/05/18/covid-19-caso-144/")
    assert [row["offset"] for row in rows.values()][:3] == ["8", "9", "9"]
    assert rows["05/caso144-RX-controllo.jpeg"]["view"] == "AP"
    # a paragraph naming two views gives none to a figure naming none
    html = (FIXTURES / "sirm" / "unseen7" / "caso_144_insorte_prima_dell_accesso.html").read_text().replace(
        "(AP, a letto): evoluzione", "in proiezione PA e laterale: evoluzione")
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/05/18/covid-19-caso-144/")
    assert staged_rows(record)["05/caso144-RX-controllo.jpeg"]["view"] is None


def test_eurorad_figure_of_an_exam_the_dataset_does_not_hold_is_left_out_as_sirms_is():
    # "Cardiac MRI on day 3 of hospitalisation, short-axis late gadolinium enhancement image": no row
    # (it was staged as a lateral X-ray film); the figures after it keep their places
    url = "https://www.eurorad.org/case/17402"
    page = FIXTURES / "eurorad" / "unseen8" / "eu_cardiac_mri_figure_day_of_hospitalisation.html"
    [record] = records("eurorad", page, url)
    assert list(staged_rows(record)) == ["0000017402/17402_1_1.jpg", "0000017402/17402_1_2.jpg",
                                         "0000017402/17402_3_1.jpg"]
    assert [i.position for i in record.images] == [0, 1, 2]
    [left] = record.extra["left_out_figures"]
    assert "/17402_2_1.jpg" in left["figure"]
    assert "MRI" in left["reason"]
    assert any("17402_2_1.jpg" in w and "left out" in w for w in record.warnings)
    assert staged_rows(record)["0000017402/17402_3_1.jpg"]["offset"] == "10"
    # an ultrasound caption too; a caption naming a radiograph beside it keeps the figure
    html = page.read_text()
    sonography = html.replace("Cardiac MRI on day 3", "Lung ultrasound on day 3")
    assert len(parse_eurorad_case(sonography, url)[0].images) == 3
    both = html.replace("Cardiac MRI on day 3", "Cardiac MRI and chest radiograph on day 3")
    assert len(parse_eurorad_case(both, url)[0].images) == 4


@pytest.mark.parametrize("words, exam", [("Cardiac MRI, short-axis image", "MRI"),
                                         ("Ecografia polmonare: linee B", "Ecografia"),
                                         ("Lung ultrasound: B-lines", "ultrasound"),
                                         ("FDG PET image", "PET"),
                                         # a fused PET-CT image is no CT of the dataset's (unseen11)
                                         ("PET-CT, fused axial image", "PET"),
                                         ("RM cardiaca e RX torace", ""),
                                         ("Axial CT image", "")])
def test_one_rule_names_the_exams_the_dataset_does_not_hold(words, exam):
    assert exam_outside_dataset(words) == exam


def test_the_exam_a_time_counts_from_is_not_the_films_own():
    # "TC del torace eseguita 48 ore dopo la radiografia, scansioni assiali" above two CT slices: the
    # second slice was staged as an X-ray film without a view
    rows = _batch_rows("sirm", "unseen8", "caso_152_xv_giornata_48_ore_dopo_rx.html",
                       "https://www.sirm.org/2020/05/27/covid-19-caso-152/")
    assert [(rows[k]["modality"], rows[k]["view"]) for k in ("05/caso152-TC-1.jpeg", "05/caso152-TC-2.jpeg")] == [
        ("CT", "Axial"), ("CT", "Axial")]
    assert rows["05/caso152-RX-letto.jpeg"]["modality"] == "X-ray"


@pytest.mark.parametrize("words, modality", [
    ("TC del torace eseguita 48 ore dopo la radiografia, scansioni assiali", "CT"),
    ("RX torace di controllo a distanza di 5 giorni dalla TC (AP, a letto)", "X-ray"),
    ("Chest radiograph 5 days after the CT: improvement", "X-ray"),
    ("CT two weeks after the radiograph", "CT"),
    ("RX torace e TC dopo 3 giorni", None),
])
def test_an_exam_named_as_the_base_of_a_time_gives_way_to_the_films_own(words, modality):
    assert NORMALIZERS["modality"](words).value == modality


@pytest.mark.parametrize("batch, page, url, image, want", [
    # "RX torace di controllo a 10 giorni" after the admission film (day 4) and a CT (day 6): 10 days
    # after the last radiograph, which the control is
    ("unseen5", "caso_122_paziente_ricoverata.html", "https://www.sirm.org/2020/04/22/covid-19-caso-122/",
     "04/caso122-RX-controllo.jpeg", "14"),
    # "RX torace di controllo a distanza di 5 giorni dalla TC": 5 days after the CT (day 9)
    ("unseen7", "caso_144_insorte_prima_dell_accesso.html", "https://www.sirm.org/2020/05/18/covid-19-caso-144/",
     "05/caso144-RX-controllo.jpeg", "14"),
    # "TC di controllo a 10 giorni" after a CT "in seconda giornata di ricovero" (day 8): from that CT
    # (day 18) or from the presentation (day 16), which the sample's curators take for a follow-up
    # "after another N days": blank
    ("unseen8", "caso_151_controllo_a_10_giorni.html", "https://www.sirm.org/2020/05/25/covid-19-caso-151/",
     "05/caso151-TC-controllo-coronale.jpeg", None),
])
def test_a_bare_interval_counts_from_the_earlier_exam_its_words_name(batch, page, url, image, want):
    assert _batch_rows("sirm", batch, page, url)[image]["offset"] == want


@pytest.mark.parametrize("caption, want", [
    ("RX torace di controllo a distanza di 5 giorni dalla TC (AP, a letto).", 12),  # the CT, day 7
    ("RX torace di controllo a distanza di 5 giorni (AP, a letto).", 10),  # the control of the radiograph, day 5
    ("RX torace a distanza di 5 giorni (AP, a letto).", None),  # after the CT or the presentation: not said
])
def test_the_exam_a_bare_interval_counts_from(caption, want):
    history = "Febbre da 5 giorni."
    images = [ImageTexts(0, "RX torace all'ingresso (AP)."), ImageTexts(1, "TC del torace dopo 2 giorni."),
              ImageTexts(2, caption)]
    assert case_timeline(history, images, day_first=True).offset_of(2).value == want
    # the control of a radiograph that is not the presentation's: from it or from the presentation
    images = [ImageTexts(0, "RX torace all'ingresso (AP)."), ImageTexts(1, "RX torace dopo 2 giorni."),
              ImageTexts(2, "RX torace di controllo a distanza di 5 giorni (AP, a letto).")]
    assert case_timeline(history, images, day_first=True).offset_of(2).value is None


def test_a_control_counted_from_the_discharge_the_films_paragraph_tells():
    # "Il paziente viene dimesso in XII giornata di ricovero. TC di controllo a 30 giorni dalla
    # dimissione": 5 + 12 + 30; the discharge's day is no film's
    rows = _batch_rows("sirm", "unseen8", "caso_153_dimesso_controllo_dalla_dimissione.html",
                       "https://www.sirm.org/2020/06/03/covid-19-caso-153/")
    planes = ("assiale", "coronale")
    assert [rows[f"06/caso153-TC-controllo-{plane}.jpeg"]["offset"] for plane in planes] == ["47", "47"]
    history = "Febbre da 5 giorni."
    findings = "RX all’ingresso (PA). Il paziente viene dimesso in XII giornata di ricovero."
    images = [ImageTexts(0, "RX torace all’ingresso (PA)."),
              ImageTexts(1, "TC di controllo a 30 giorni dalla dimissione: risoluzione.")]
    assert case_timeline(history, images, findings=findings, day_first=True).offset_of(1).value == 47
    # without the discharge's day the control stays blank
    assert case_timeline(history, images, day_first=True).offset_of(1).value is None


@pytest.mark.parametrize("history, days", [
    ("He was transferred from a regional hospital. He had been admitted there 5 days earlier, 4 days after the "
     "onset of fever and cough.", 9),
    ("She had been admitted to another hospital 1 week earlier, 3 days after the onset of fever.", 10),
    ("Five days after the onset of fever she was admitted to our hospital.", 5),
])
def test_an_admission_elsewhere_before_the_transfer_adds_its_days_to_the_onset(history, days):
    assert onset_gap(history)[0] == days


def test_transferred_patients_film_on_arrival_counts_from_the_onset_before_the_first_admission():
    rows = _batch_rows("eurorad", "unseen8", "eu_transferred_admitted_elsewhere_days_after_transfer.html",
                       "https://www.eurorad.org/case/17455")
    assert rows["0000017455/17455_1_1.jpg"]["offset"] == "9"


# --- unseen9: how the history tells the illness's onset -------------------------------------------


@pytest.mark.parametrize("history, days", [
    # the first symptom of the illness, however long before the presentation, then a later one
    ("Dry cough for 3 weeks and fever in the last 4 days. SARS-CoV-2 PCR positive.", 21),
    ("A 71-year-old man presented with a three-week history of dry cough and fatigue, febrile for the last 2 days.",
     21),
    ("Uomo, 59 anni. Tosse secca da 3 settimane, febbre da 4 giorni. Tampone positivo.", 21),
    # the longest span is the onset wherever the history tells it
    ("Dyspnoea since yesterday, fever and cough for 5 days.", 5),
    # a chronic cough is the background: the illness began with the fever
    ("Chronic cough for 6 months, fever and dyspnoea for 3 days.", 3),
    # a slow course tells no day the illness began: the films count from the admission
    ("Cough and loss of weight over five weeks.", 0),
    ("A 42-year-old man presented with a three-week history of progressive dyspnoea and dry cough.", 0),
    ("Tosse e calo ponderale da 2 mesi.", 0),
    # a fortnight, yesterday
    ("A fortnight of cough and low-grade fever, breathless since yesterday.", 14),
    ("Fever for a fortnight.", 14),
    ("She presented to the emergency department with fever since yesterday and mild dry cough.", 1),
    ("Maschio, 45 anni. Da ieri febbre e tosse.", 1),
    ("Admitted since yesterday for observation.", 0),  # no symptom: no onset
    # "several days" is not the schema's "a few days" (5): the sample's curators left "referred by several
    # days" without an offset, so the films count from the admission
    ("Fever, cough and loss of smell for several days, then worsening dyspnoea.", 0),
    ("Febbre e tosse da alcuni giorni.", 0),
    ("Fever and cough for a few days.", 5),
])
def test_the_onset_is_the_first_symptom_of_the_illness(history, days):
    images = [ImageTexts(0, "PA chest radiograph on admission."), ImageTexts(1, "CT 3 days after admission.")]
    assert case_timeline(history, images).offset_of(0).value == days


def test_pages_with_a_history_of_weeks_count_from_its_first_symptom():
    rows = _batch_rows("eurorad", "unseen9", "eu_three_week_cough_recent_fever_days_after_admission.html",
                       "https://www.eurorad.org/case/17615")
    assert [rows[f"0000017615/17615_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "2_1")] == ["21", "21", "24"]
    rows = _batch_rows("sirm", "unseen9", "caso_162_tosse_3_settimane_febbre_4_giorni_dopo_una_settimana.html",
                       "https://www.sirm.org/2020/06/17/covid-19-caso-162/")
    assert [rows[f"06/caso162-RX-{k}.jpeg"]["offset"] for k in ("PA", "LL", "controllo")] == ["21", "21", "28"]


def test_sirm_paragraph_opening_with_the_exams_moment_describes_the_films_after_it():
    # "Il 12 marzo RX torace in PA: ..." then an uncaptioned gallery: the films are that RX's
    url = "https://www.sirm.org/2020/06/19/covid-19-caso-163/"
    rows = _batch_rows("sirm", "unseen9", "caso_163_date_in_italiano_febbre_dal.html", url)
    assert rows["06/caso163-RX-12-marzo.jpeg"]["view"] == "PA"
    assert rows["06/caso163-RX-12-marzo.jpeg"]["offset"] == "3"
    html = (FIXTURES / "sirm" / "unseen9" / "caso_163_date_in_italiano_febbre_dal.html").read_text()
    for opening in ("In data 12/3 RX torace in PA", "Il giorno seguente, RX torace in PA",
                    "In seconda giornata RX torace in PA", "Dopo 2 giorni RX torace in PA"):
        [record] = parse_sirm_posts(html.replace("Il 12 marzo RX torace in PA", opening), url)
        assert record.images[0].caption.startswith(opening)
        assert opening not in record.history


def test_sirm_paragraph_opening_with_a_date_but_no_exam_stays_the_story():
    url = "https://www.sirm.org/2020/06/19/covid-19-caso-163/"
    html = (FIXTURES / "sirm" / "unseen9" / "caso_163_date_in_italiano_febbre_dal.html").read_text()
    html = html.replace("<p>Il 12 marzo RX torace in PA:", "<p>Il 12 marzo accede in PS. RX torace in PA:")
    [record] = parse_sirm_posts(html, url)
    assert "Il 12 marzo accede in PS." in record.history


@pytest.mark.parametrize("caption", [
    "Admission AP chest radiograph: bilateral peripheral opacities.",
    "Admission portable chest X-ray.",
    "Admission unenhanced CT.",
])
def test_an_admission_film_named_with_its_projection_is_the_admissions(caption):
    images = [ImageTexts(0, caption), ImageTexts(1, "Follow-up chest X-ray after 1 week (AP).")]
    timeline = case_timeline("Fever for one week.", images)
    assert [timeline.offset_of(k).value for k in (0, 1)] == [7, 14]


@pytest.mark.parametrize("caption, want", [
    ("PA chest radiograph at discharge (day 14): marked improvement.", 21),
    ("Chest X-ray on the day of discharge, day 12 of hospitalisation.", 19),
    ("Chest X-ray at discharge, day 20 of illness.", 20),
])
def test_a_film_at_discharge_dated_by_its_own_words(caption, want):
    images = [ImageTexts(0, "AP chest radiograph on admission."), ImageTexts(1, caption)]
    assert case_timeline("Fever for one week.", images).offset_of(1).value == want


def test_a_film_at_discharge_with_two_other_days_stays_blank():
    images = [ImageTexts(0, "AP chest radiograph on admission."),
              ImageTexts(1, "Chest X-ray at discharge (day 14), 3 weeks after the onset.")]
    assert case_timeline("Fever for one week.", images).offset_of(1).value is None


# --- unseen10: patients, findings and views -------------------------------------------------------


@pytest.mark.parametrize("history, days", [
    ("A woman in her 70s, living alone, was brought to the emergency department by her daughter with fever, "
     "cough and confusion for 3 days.", 3),
    ("He was accompanied by his wife to the emergency department with fever and cough for 5 days.", 5),
    ("She was found at home by her son, with fever for 4 days.", 4),
    # the relative's own history stays the relative's
    ("Her daughter had fever and cough for 3 days.", None),
])
def test_a_relative_who_brings_the_patient_leaves_the_clause_the_patients(history, days):
    gap = onset_gap(history)
    assert (gap[0] if gap else None) == days


def test_eurorad_history_of_a_patient_brought_by_a_relative_places_every_film():
    # "brought to the emergency department by her daughter with fever, cough and confusion for 3 days":
    # the films were 0, blank, blank, 5 (counted from the admission); the CT "the day after admission"
    rows = _batch_rows("eurorad", "unseen10", "eu_woman_in_her_70s_no_age_erect_ap_sitting.html",
                       "https://www.eurorad.org/case/17611")
    assert [row["offset"] for row in rows.values()] == ["3", "4", "4", "8"]
    assert [row["age"] for row in rows.values()] == [None] * 4  # "in her 70s": no age
    assert [row["sex"] for row in rows.values()] == ["F"] * 4


@pytest.mark.parametrize("caption, want", [
    ("CT the day after admission, axial (a) and coronal (b) images.", 4),
    ("CT the day after her admission: ground-glass opacities.", 4),
    ("Chest radiograph the day after presentation.", 4),
    ("CT the following day.", 4),  # the film before it is the admission's
])
def test_the_day_after_the_admission_is_day_one_of_the_stay(caption, want):
    images = [ImageTexts(0, "Chest radiograph on admission."), ImageTexts(1, caption)]
    assert case_timeline("Fever for 3 days.", images).offset_of(1).value == want


@pytest.mark.parametrize("text, age", [
    ("Paziente donna, 80aa, demenza di grado moderato.", 80),
    ("Donna, 80 aa., allettata.", 80),
    ("Uomo di 66 aa, iperteso.", 66),
    ("Pregresso intervento 2 aa fa. Tampone positivo.", None),  # a time ago
])
def test_italian_abbreviated_years_are_an_age(text, age):
    assert NORMALIZERS["age"](text).value == age


def test_sirm_two_patients_one_aged_in_abbreviated_years():
    rows = _batch_rows("sirm", "unseen10", "caso_163_caso1_donna_80aa_caso2_uomo.html",
                       "https://www.sirm.org/2020/06/04/covid-19-caso-163/")
    assert [(rows[k]["sex"], rows[k]["age"]) for k in ("06/caso163-1-RX.jpeg", "06/caso163-2-RX.jpeg")] == [
        ("F", "80"), ("M", "84")]


def test_sirm_uncaptioned_figures_of_an_exam_naming_several_planes_take_the_plane_their_file_names():
    # "TC ... scansioni assiali e ricostruzioni coronali" over figures named caso161-TC-assiale-1, -2 and
    # caso161-TC-coronale: the paragraph names two planes, each file one
    url = "https://www.sirm.org/2020/06/03/covid-19-caso-161/"
    page = FIXTURES / "sirm" / "unseen10" / "caso_161_uomo_di_58_anni_ap_a_letto_ricostruzioni_coronali.html"
    rows = _batch_rows("sirm", "unseen10", page.name, url)
    assert [rows[f"06/caso161-TC-{n}.jpeg"]["view"] for n in ("assiale-1", "assiale-2", "coronale")] == [
        "Axial", "Axial", "Coronal"]
    # file names that spell no plane leave the figures blank, as before
    html = page.read_text().replace("TC-assiale-", "TC-").replace("TC-coronale", "TC-3")
    [record] = parse_sirm_posts(html, url)
    assert [staged_rows(record)[f"06/caso161-TC-{n}.jpeg"]["view"] for n in (1, 2, 3)] == [None, None, None]


def test_radiopaedia_ct_scout_is_no_film_and_each_plane_stack_is_one_volume():
    from ingest.radiopaedia import parse_radiopaedia_stacks
    payload = (FIXTURES / "radiopaedia" / "unseen10" / "stacks_100202.json").read_text()
    volumes = parse_radiopaedia_stacks(payload, "100202")
    assert [v.view_text for v in volumes] == ["Axial", "Coronal", "Sagittal"]
    assert [len(v.slice_urls) for v in volumes] == [2, 1, 1]
    # a CT stack in a radiograph's projection plane is the scout too, whatever its aux modality says
    import json
    stacks = json.loads(payload)
    stacks[0]["images"][0]["aux_modality"] = None
    assert len(parse_radiopaedia_stacks(json.dumps(stacks), "100202")) == 3
    stacks[0]["images"][0].update(plane_projection="Coronal", aux_modality="Topogram")
    assert len(parse_radiopaedia_stacks(json.dumps(stacks), "100202")) == 3
    # an X-ray stack's Frontal plane is a film
    xray = (FIXTURES / "radiopaedia" / "unseen10" / "stacks_100201.json").read_text()
    assert [i.view_text for i in parse_radiopaedia_stacks(xray, "100201")] == ["Frontal"]


def test_radiopaedia_sagittal_ct_stack_is_staged_with_its_view_blank():
    rows = _batch_rows("radiopaedia", "unseen10", "rp_classic_pe_in_covid_ctpa_three_planes_scout.html",
                       "https://radiopaedia.org/cases/pulmonary-embolism-in-covid-19-pneumonia-3?lang=us")
    assert [row["view"] for row in rows.values()] == ["AP", "Axial", "Coronal", None]
    assert [row["offset"] for row in rows.values()] == ["7", "16", "16", "16"]


# --- unseen10, second part -------------------------------------------------------------------------


@pytest.mark.parametrize("text, sex", [
    ("He presented with fever. Typical imaging and a positive contact history.", "M"),
    ("She was tested as part of contact tracing at work.", "F"),
    # a contact who is a person may be the "he"
    ("He presented with fever. His contact had a positive swab.", None),
])
def test_a_contact_naming_a_history_or_a_measure_is_no_other_person(text, sex):
    assert NORMALIZERS["sex"](text).value == sex


def test_radiopaedia_patient_without_gender_takes_the_presentations_pronoun():
    rows = _batch_rows("radiopaedia", "unseen10", "rp_classic_adult_age_no_gender_supine_ct_windows_minip.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-adult-minip?lang=us")
    assert [row["sex"] for row in rows.values()] == ["M"] * 4
    assert [row["age"] for row in rows.values()] == [None] * 4  # "Age: Adult"
    assert [row["view"] for row in rows.values()] == ["AP Supine", "Axial", "Axial", "Coronal"]
    # "admitted to the ICU" with the presentation: the first study "in the ICU" is the presenting film
    assert [row["offset"] for row in rows.values()] == ["7"] * 4


@pytest.mark.parametrize("history, want", [
    ("He presented with fever and dry cough for the past week and was admitted to the ICU with respiratory "
     "failure.", [7, 7]),
    # an ICU admission told as later than the presentation: the film "in the ICU" may be of any later day
    ("He presented with fever and dry cough for the past week. On day 4 he was admitted to the ICU.", [None, None]),
    ("He presented with fever and dry cough for the past week and was admitted to the ICU 2 days later.",
     [None, None]),
    ("He presented with fever and dry cough for the past week and was admitted to the ward.", [None, None]),
])
def test_a_first_film_in_the_icu_is_the_presentations_when_the_patient_was_admitted_to_the_icu(history, want):
    images = [ImageTexts(0, caption="Supine AP radiograph in the ICU.", date_text="Chest radiograph", group="s1"),
              ImageTexts(1, caption="Ground-glass opacities.", date_text="CT chest - same day", group="s2")]
    assert [o.value for o in case_timeline(history, images).offsets] == want


# --- unseen11 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("words, left_out", [
    ("FDG PET-CT, axial fused image, one month after discharge: intense uptake of the nodule.", "PET"),
    ("PET/TC con FDG: captazione del nodulo.", "PET"),
    ("SPECT-CT perfusion scan.", "SPECT"),
    # a CT of the dataset's beside the hybrid exam keeps the figure
    ("Chest CT on admission and PET-CT one month later.", ""),
])
def test_a_hybrid_pet_or_spect_ct_is_an_exam_the_dataset_does_not_hold(words, left_out):
    assert exam_outside_dataset(words) == left_out


@pytest.mark.parametrize("caption", [
    "Admission PA chest radiograph: subtle hazy opacity in the left lower zone.",
    "Admission portable AP film: bilateral opacities.",
    "AP chest radiograph in the emergency department, with the patient sitting: bilateral opacities.",
])
def test_a_film_named_by_the_admission_or_taken_in_the_emergency_department_is_the_presentations(caption):
    timeline = case_timeline("Fever and cough for 4 days.", [ImageTexts(0, caption=caption)])
    assert [o.value for o in timeline.offsets] == [4]


def test_a_film_after_a_visit_to_the_emergency_department_is_not_placed_by_it():
    timeline = case_timeline("Fever and cough for 4 days.",
                             [ImageTexts(0, caption="He was seen in the emergency department; CT 3 days later.")])
    assert [o.value for o in timeline.offsets] != [4]


def test_radiopaedia_unlabelled_study_of_several_stacks_is_dated_by_its_findings():
    # classic layout, no study titles: "CT on day 2 of admission, ..." over an axial and a coronal stack;
    # "Follow-up CT 4 weeks after discharge" with "discharged on day 10 of admission" in the discussion
    rows = _batch_rows("radiopaedia", "unseen11",
                       "rp_classic_unlabelled_studies_findings_name_days_ct_weeks_after_discharge.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-findings-days?lang=us")
    assert [row["offset"] for row in rows.values()] == ["3", "5", "5", "9", "12", "41"]
    assert [row["view"] for row in rows.values()] == ["PA", "Axial", "Coronal", "AP", "AP", "Axial"]


@pytest.mark.parametrize("discussion, want", [
    ("She was treated with oxygen and dexamethasone and was discharged on day 10 of admission.", 41),
    ("The patient was discharged on day 10 of admission.", 41),
    # teaching text about patients in general tells no discharge of this one
    ("Patients are usually discharged on day 10 of admission.", None),
])
def test_a_discharge_told_in_the_discussion_places_a_film_after_discharge(discussion, want):
    images = [ImageTexts(0, caption="Chest radiograph on admission."),
              ImageTexts(1, caption="Follow-up CT 4 weeks after discharge.")]
    timeline = case_timeline("Three days of fever and sore throat.", images, discussion=discussion)
    assert [o.value for o in timeline.offsets] == [3, want]


def _sirm_rows(name: str) -> dict[str, dict[str, object]]:
    import json
    url = json.loads((FIXTURES / "sirm" / "unseen11" / name.replace(".html", ".rows.json")).read_text())["url"]
    return _batch_rows("sirm", "unseen11", name, url)


def test_sirm_figures_captioned_by_their_number_take_the_words_the_paragraph_cites_them_with():
    # "... RX torace in proiezione AP, che mostra ... (Fig. 1), e TC del torace ... (Fig. 2, scansione
    # assiale; Fig. 3, ricostruzione coronale)." over figures captioned "Fig. 1" .. "Fig. 3"
    rows = _sirm_rows("caso_171_rx_e_tc_nello_stesso_paragrafo_fig_numerate_viii_giornata.html")
    assert [row["modality"] for row in rows.values()] == ["X-ray", "CT", "CT", "CT"]
    assert [row["view"] for row in rows.values()] == ["AP", "Axial", "Coronal", "Axial"]
    assert [row["offset"] for row in rows.values()] == ["5", "5", "5", "13"]


@pytest.mark.parametrize("paragraph, number, want", [
    ("RX torace in proiezione AP (Fig. 1), e TC del torace, che documenta vetro smerigliato (Fig. 2, scansione "
     "assiale; Fig. 3, ricostruzione coronale).", 3, "e TC del torace, che documenta vetro smerigliato "
                                                     "ricostruzione coronale"),
    ("RX torace in proiezione AP (Fig. 1), e TC del torace (Fig. 2).", 1, "RX torace in proiezione AP"),
    # cited twice, or outside parentheses: not this figure's words alone
    ("TC del torace (Fig. 2), confrontata con la precedente (Fig. 2).", 2, ""),
    ("Come mostra la Fig. 2, la TC documenta vetro smerigliato.", 2, ""),
])
def test_the_part_of_a_paragraph_citing_one_figure(paragraph, number, want):
    from ingest.sirm import cited_part
    assert cited_part(paragraph, number) == want


def test_sirm_legend_paragraph_under_an_uncaptioned_gallery_describes_its_images_in_order():
    rows = _sirm_rows("caso_172_galleria_senza_didascalie_legenda_fig_sotto_la_galleria.html")
    assert [row["modality"] for row in rows.values()] == ["X-ray", "X-ray", "CT"]
    assert [row["view"] for row in rows.values()] == ["PA", "L", "Axial"]
    # "RX torace LL" tells no moment of its own (left blank)
    assert [row["offset"] for row in rows.values()] == ["3", None, "5"]


def test_sirm_nested_block_gallery_legend_gives_each_image_its_entry_and_the_paragraph_its_moment():
    rows = _sirm_rows("caso_173_tema_nuovo_galleria_annidata_legenda_della_galleria_rx_e_tc_in_una_frase.html")
    assert [row["view"] for row in rows.values()] == ["AP", "Axial", "Coronal"]
    # "All'arrivo in PS esegue RX torace a letto in proiezione AP e TC del torace": both exams' moment
    assert [row["offset"] for row in rows.values()] == ["2", "2", "2"]


@pytest.mark.parametrize("text, want", [
    ("Fig. 1: RX torace PA all'ingresso. Fig. 2: RX torace LL. Fig. 3: TC del torace, scansione assiale.",
     ["RX torace PA all'ingresso.", "RX torace LL.", "TC del torace, scansione assiale."]),
    ("1. RX torace AP a letto. 2. TC, scansione assiale.", ["RX torace AP a letto.", "TC, scansione assiale."]),
    # a number that opens no legend: the text does not start with entry 1, or there is one entry only
    ("Sat O2 90%. 2. TC del torace.", []),
    ("Fig. 1: RX torace PA.", []),
])
def test_numbered_legend_entries(text, want):
    from ingest.sirm import legend_entries
    assert legend_entries(text) == want


@pytest.mark.parametrize("caption, paragraph, same", [
    ("TC, scansione assiale", "All'arrivo in PS esegue RX torace in proiezione AP e TC del torace.", True),
    # the CT is the base the paragraph's RX counts from, not an exam it tells done
    ("TC, scansione assiale", "RX torace di controllo a distanza di 5 giorni dalla TC.", False),
    ("RX torace AP", "TC del torace eseguita dopo 48 ore.", False),
])
def test_sirm_paragraph_telling_two_exams_describes_the_figures_of_both(caption, paragraph, same):
    from ingest.sirm import _same_modality
    assert _same_modality(caption, paragraph) is same


def test_eurorad_sub_images_listed_as_a_colon_b_colon_after_the_captions_lead_take_their_own_moments():
    # "Chest radiographs of the first admission, AP erect: a: on admission, ...; b: on day 8 of
    # hospitalisation, ..."
    rows = _batch_rows("eurorad", "unseen11",
                       "eu_2022_organising_pneumonia_readmission_3_weeks_after_discharge_fig1_a_b_days.html",
                       "https://www.eurorad.org/case/17802")
    assert [row["offset"] for row in rows.values()][:2] == ["6", "14"]


def test_subcaption_letters_with_colons_after_a_lead_ending_with_a_colon():
    from ingest.panels import parse_subcaptions
    assert parse_subcaptions("Chest radiographs, AP erect: a: on admission, opacities; b: on day 8, improvement.") == {
        "a": "on admission, opacities", "b": "on day 8, improvement"}


@pytest.mark.parametrize("history, labels, want", [
    # the readmission counted from a discharge "after 12 days" (of the stay)
    ("Fever and cough for 5 days. He was discharged after 12 days and readmitted 4 days later with chest pain.",
     ["First admission", "Readmission", "3 days after readmission"], [5, 21, 24]),
    # the readmission counted from a discharge on a day of the stay
    ("Admitted after 6 days of fever and cough. He was discharged on day 12 of hospitalisation. Three weeks "
     "after discharge he presented again with fever.", ["On admission", "Readmission CT", "Readmission"],
     [6, 39, 39]),
    # no time of the readmission told: its films stay blank
    ("Fever and cough for 5 days. He was discharged after 12 days and later readmitted with chest pain.",
     ["First admission", "Readmission"], [5, None]),
])
def test_films_of_a_readmission_count_from_the_day_the_history_readmits_the_patient(history, labels, want):
    images = [ImageTexts(k, date_text=label, group=f"s{k}") for k, label in enumerate(labels)]
    assert [o.value for o in case_timeline(history, images).offsets] == want


def test_a_caption_at_readmission_and_weeks_after_discharge_tells_one_moment():
    history = "Admitted after 6 days of fever. Discharged on day 12 of hospitalisation."
    images = [ImageTexts(0, caption="PA chest radiograph at readmission, 3 weeks after discharge: consolidations.")]
    assert [o.value for o in case_timeline(history, images).offsets] == [39]


def test_sirm_day_of_the_stay_of_a_patient_sent_home_and_back_stays_blank():
    # "si presenta in PS ... viene dimesso a domicilio ... Dopo 4 giorni ... torna in PS ... viene ricoverato";
    # "In V giornata di ricovero": the stay began at the second visit, which the timeline cannot place
    rows = _sirm_rows("caso_174_rx_in_ps_dimesso_tc_dopo_4_giorni_nello_stesso_paragrafo_v_giornata.html")
    assert [row["offset"] for row in rows.values()] == [None, None, None]


@pytest.mark.parametrize("history, want", [
    ("Fever for 3 days. She was sent home in isolation. She returned 5 days later and was admitted.", [None]),
    # sent home, no return told: the day of the stay counts from the admission
    ("Fever for 3 days. She was admitted.", [8]),
])
def test_a_day_of_the_stay_after_a_first_visit_that_sent_the_patient_home(history, want):
    images = [ImageTexts(0, caption="AP radiograph on day 5 of admission.")]
    assert [o.value for o in case_timeline(history, images).offsets] == want


# --- unseen12: time as case pages tell it ---------------------------------------------------------


@pytest.mark.parametrize("history, days", [
    # a history in hours is its whole days
    ("Fever and cough for 48 hours, then acute breathlessness. SARS-CoV-2 RT-PCR positive.", 2),
    ("Donna di 58 anni, obesa. Febbre elevata da 72 ore e tosse.", 3),
    ("Dry cough over the past 24 hours.", 1),
    ("Fever for 36 hours.", None),  # no whole day
    ("He required oxygen for 48 hours; the fever settled.", None),  # a treatment's hours
    ("Fever; CT 48 hours later.", None),  # a film's moment
    # the presentation told as a time from the onset
    ("Uomo di 55 anni. Esordio con febbre e astenia; accede in Pronto Soccorso a una settimana dall’esordio per "
     "comparsa di dispnea.", 7),
    ("Giunge in PS a 5 giorni dall'esordio dei sintomi.", 5),
    ("Ricoverata a 10 giorni dalla comparsa della febbre.", 10),
    # the onset told as a time after the return from a trip told as a time ago
    ("Returned from a skiing holiday in Lombardy 10 days ago. Fever and myalgia began 2 days after her return, "
     "followed by cough and breathlessness.", 8),
    ("Rientrato dalla Lombardia 10 giorni fa; febbre insorta 3 giorni dopo il rientro.", 7),
    ("Returned from Wuhan 5 days ago. His wife developed fever 2 days after their return.", None),
    ("Returned from a business trip 3 days ago.", None),  # no onset told
])
def test_onset_gap_told_in_hours_or_as_a_time_from_the_onset(history, days):
    gap = onset_gap(history)
    assert (gap[0] if gap else None) == days


def test_films_hours_after_the_admission():
    images = [ImageTexts(0, "RX torace in PA all'ingresso."), ImageTexts(1, "TC a 24 ore dall'ingresso."),
              ImageTexts(2, "RX a letto (AP) dopo 48 ore dal ricovero.")]
    timeline = case_timeline("Febbre da 3 giorni.", images)
    assert [timeline.offset_of(k).value for k in (0, 1, 2)] == [3, 4, 5]


def test_sirm_paragraph_opening_with_the_admission_describes_the_films_after_it():
    # "All'ingresso RX torace in PA: ..." then an uncaptioned gallery
    rows = _batch_rows("sirm", "unseen12", "caso_182_febbre_da_72_ore_tc_a_24_ore_dopo_48_ore_dal_ricovero.html",
                       "https://www.sirm.org/2020/07/03/covid-19-caso-182/")
    assert [(row["view"], row["offset"]) for row in rows.values()] == [("PA", "3"), ("Axial", "4"), ("AP", "5")]


@pytest.mark.parametrize("history", [
    "Febbre e tosse secca dal 2 marzo, dispnea da 2 giorni. Ricoverato il 6 marzo.",
    "Fever and cough since 2 March, breathless for 2 days; admitted on 6 March.",
])
def test_a_dated_onset_before_a_shorter_span_is_the_illnesss(history):
    images = [ImageTexts(0, "Chest radiograph on admission."), ImageTexts(1, "CT in quinta giornata di ricovero.")]
    timeline = case_timeline(history, images, day_first=True)
    assert [timeline.offset_of(k).value for k in (0, 1)] == [4, 9]


def test_signed_day_labels_count_from_the_baseline_study():
    images = [ImageTexts(0, "AP erect chest radiograph.", date_text="Baseline"),
              ImageTexts(1, "Portable AP radiograph.", date_text="Day +3"),
              ImageTexts(2, "CT pulmonary angiogram.", date_text="Day +7")]
    timeline = case_timeline("Fever and cough for 48 hours.", images)
    assert [timeline.offset_of(k).value for k in (0, 1, 2)] == [2, 5, 9]


# "10/7" is ten days in the shorthand as "3/7" is three ("SOB, fever 10/7", "antibiotics for 10/7"); past four weeks
# clinicians write weeks ("5/52"), and "30/7" is no span (round 44: "10/7 later" was read as no shorthand)
@pytest.mark.parametrize("label, want", [("3/7 later", 9), ("1/52 later", 13), ("2/12 later", 66),
                                         ("10/7 later", 16), ("30/7 later", None)])
def test_british_shorthand_intervals_in_study_labels(label, want):
    images = [ImageTexts(0, "PA chest radiograph.", date_text="Admission"),
              ImageTexts(1, "AP radiograph.", date_text=label)]
    timeline = case_timeline("Fever and cough for 6 days.", images)
    assert timeline.offset_of(1).value == want
    if want is not None:
        assert timeline.offset_of(1).evidence.endswith(label)


@pytest.mark.parametrize("history, want", [
    ("Donna di 81 anni, residente in RSA. Febbre da domenica, da ieri desaturazione. Tampone positivo.", [None, None]),
    ("Day 4 after laparoscopic cholecystectomy. Fever since Sunday, breathless from one day prior to review.",
     [None, None]),
    ("Cough for 2 weeks, fever since Sunday.", [14, 19]),  # the onset is the cough's, told
    ("Her husband has had fever since Sunday. She has had a cough for 2 days.", [2, 7]),
])
def test_an_onset_told_by_a_weekday_cannot_be_placed(history, want):
    images = [ImageTexts(0, "Chest radiograph on admission."), ImageTexts(1, "CT in quinta giornata di ricovero.")]
    timeline = case_timeline(history, images)
    assert [timeline.offset_of(k).value for k in (0, 1)] == want


def test_hours_counted_from_an_earlier_exam_the_words_name():
    images = [ImageTexts(0, "RX torace all'ingresso, AP a letto."), ImageTexts(1, "In terza giornata di ricovero TC."),
              ImageTexts(2, "A 72 ore dalla TC, per peggioramento, RX di controllo a letto (AP).")]
    timeline = case_timeline("Febbre da 4 giorni.", images, day_first=True)
    assert [timeline.offset_of(k).value for k in (0, 1, 2)] == [4, 7, 10]


def test_sirm_figure_under_a_paragraph_timed_from_another_exam_is_the_paragraphs_exam():
    # "A 72 ore dalla TC, per peggioramento, RX di controllo a letto (AP)" above a figure captioned "RX di
    # controllo": the paragraph tells an RX (the TC is the time's base), the figure's view and moment
    rows = _batch_rows("sirm", "unseen12", "caso_185_febbre_dal_14_3_ricoverato_il_18_3_a_72_ore_dalla_tc.html",
                       "https://www.sirm.org/2020/07/17/covid-19-caso-185/")
    assert (rows["07/caso185-RX-controllo.jpeg"]["view"], rows["07/caso185-RX-controllo.jpeg"]["offset"]) == (
        "AP", "10")


@pytest.mark.parametrize("history, want", [
    # a relative the patient's possessive introduces with an age, inside the text: someone else
    ("Unwell for a fortnight with cough and lethargy; fever for the last 5 days. Her 7-year-old son had a positive "
     "SARS-CoV-2 test two weeks ago.", None),
    ("A 36-year-old woman developed fever. Her 9-year-old son developed a cough.", "F"),
    ("A 70-year-old man was admitted with fever. His 68-year-old wife had the same symptoms.", "M"),
    # the words opening the text (a patient's own section) introduce that patient
    ("His 59-year-old wife developed a sore throat and fever two days later.", "F"),
    ("Case 2: His 59-year-old wife developed a sore throat.", "F"),
])
def test_a_relative_a_possessive_introduces_with_an_age_is_not_the_patient(history, want):
    assert NORMALIZERS["sex"](history).value == want


def test_radiopaedia_gender_line_keeps_its_sex_beside_a_relative_of_the_presentation():
    # "Gender: Female" and "Her 7-year-old son had a positive SARS-CoV-2 test" (unseen13): no conflict
    rows = _batch_rows("radiopaedia", "unseen13",
                       "rp_2022_unwell_for_a_fortnight_fever_last_5_days_4_days_later_child_sibling.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-a-fortnight-of-cough?lang=us")
    assert {row["sex"] for row in rows.values()} == {"F"}


@pytest.mark.parametrize("line, want", [
    ("Credits: Andrea DE LUCA, Francesca MORETTI – Radiology Unit, Ospedale Civile, Piacenza",
     "Credit to Andrea DE LUCA, Francesca MORETTI – Radiology Unit, Ospedale Civile, Piacenza"),
    ("A cura di Roberto SANTORO, Ilaria CONTIRadiologia – Policlinico Universitario, Bari",
     "Credit to Roberto SANTORO, Ilaria CONTIRadiologia – Policlinico Universitario, Bari"),
    ("Caso fornito da: Dr. Paolo MARINO (U.O. Radiologia, Ospedale di Cremona)",
     "Credit to Dr. Paolo MARINO (U.O. Radiologia, Ospedale di Cremona)"),
    ("Caso clinico a cura di: Laura CONTI", "Credit to Laura CONTI"),
    # a name or an institution that only contains such words is kept whole
    ("Giulia FERRARI, Andrea RICCI – Radiologia, ASST di Cremona",
     "Credit to Giulia FERRARI, Andrea RICCI – Radiologia, ASST di Cremona"),
    ("Dott.ssa Anna AUTORE – UOC Radiologia, Lodi", "Credit to Dott.ssa Anna AUTORE – UOC Radiologia, Lodi"),
])
def test_sirm_credit_drops_the_label_that_introduces_the_authors(line, want):
    assert sirm_credit(line) == want


def test_sirm_labelled_authors_paragraph_is_the_credit_without_its_label():
    # unseen14: "<strong>Credits:</strong> ..." on the English mirror, "Caso fornito da: ..." in an older post
    rows = _batch_rows("sirm", "unseen14", "case_9_en_credits_label_female_61_years_old_one_week_ct_3_days_later.html",
                       "https://www.sirm.org/en/2020/04/02/covid-19-case-9/")
    assert {row["other_notes"] for row in rows.values()} == {
        "Credit to Andrea DE LUCA, Francesca MORETTI – Radiology Unit, Ospedale Civile, Piacenza"}


@pytest.mark.parametrize("history, want", [
    # the Italian onset told as a time ago, before or after its symptom (unseen14)
    ("Uomo, 67 anni. Circa 6 giorni fa comparsa di febbre (38,5°C) e tosse secca; da ieri dispnea.", 6),
    ("Paziente femmina, 56 aa. Febbre insorta 3 giorni fa, tosse. Accede in PS.", 3),
    ("Donna di 50 anni. 4 giorni fa, comparsa di tosse secca e febbre.", 4),
    # a time ago that is no symptom's onset: a vaccine dose, a rash
    ("Uomo di 72 anni. Ha ricevuto la prima dose di vaccino circa 20 giorni fa. Da 4 giorni febbre e tosse.", 4),
    ("Donna di 40 anni. 10 giorni fa comparsa di un rash cutaneo. Da 2 giorni febbre.", 2),
])
def test_italian_onset_told_as_a_time_ago(history, want):
    assert onset_gap(history)[0] == want


@pytest.mark.parametrize("history, want", [
    ("Seventy-one-year-old woman, vaccinated twice (last dose five months earlier), with a five-day history of fever.",
     71),
    ("A forty two year old man with fever.", 42),
    ("A five-year-old boy with cough.", 5),
    # words that are no age in years
    ("Symptoms for twenty-one days; a month-old rash.", None),
])
def test_age_in_english_words(history, want):
    assert NORMALIZERS["age"](history).value == want


@pytest.mark.parametrize("history, want", [
    # the arrival in the authors' hospital told as a transfer on a day of the illness (unseen14)
    ("Hospitalised elsewhere with COVID-19 pneumonia two weeks ago. Transferred on day 15 of illness for worsening "
     "hypoxia and ECMO assessment.", 15),
    ("Transferred on day 9 of illness from a district hospital.", 9),
    # a ward patient's move to the ICU is within the stay: no presentation
    ("Transferred to ICU on day 10 of illness.", None),
])
def test_transfer_on_a_day_of_the_illness_is_the_presentation(history, want):
    gap = onset_gap(history)
    assert (gap[0] if gap else None) == want


def test_radiopaedia_films_after_a_transfer_on_a_day_of_illness_count_from_the_onset():
    rows = _batch_rows("radiopaedia", "unseen14",
                       "rp_2022_transferred_on_day_15_of_illness_ap_supine_ct_1_week_later_axial_coronal.html",
                       "https://radiopaedia.org/cases/covid-19-ards-transfer?lang=us")
    assert sorted(row["offset"] for row in rows.values()) == ["15", "22", "22"]


def test_eurorad_sub_image_takes_its_own_letters_view_over_the_whole_legends():
    # "a: on admission, AP erect; b: day 9 of admission, AP supine in ICU" (unseen14): the whole legend
    # reads AP Supine; each letter's part decides its sub-image's view
    rows = _batch_rows("eurorad", "unseen14",
                       "eu_2022_44_yo_male_ap_erect_then_ap_supine_in_one_figure_pneumothorax_day_9_of_admission.html",
                       "https://www.eurorad.org/case/18540")
    assert [rows[f"0000018540/18540_{k}.jpg"]["view"] for k in ("1_1", "1_2", "2_1")] == ["AP", "AP Supine", "Axial"]


# --- unseen15: a trip dated before the admission ---------------------------------------------------


@pytest.mark.parametrize("history, days", [
    # a trip or an exposure told as a time before the admission is no onset: the symptoms' span is
    ("A 65-year-old man was admitted on March 15, 2020 with a one-week history of fever, dry cough and diarrhoea. "
     "He had returned from a skiing trip to Austria 12 days before admission.", 7),
    ("Fever and cough for 4 days. Close contact with a confirmed case 10 days before presentation.", 4),
    ("Febbre e tosse da 5 giorni. Rientrato da un viaggio in Lombardia 9 giorni prima del ricovero.", 5),
    # the onset told as a time before the admission stays the onset, a trip in its sentence or not
    ("Symptoms began 3 days before admission, a week after he returned from Italy.", 3),
    ("Fever started 6 days before admission.", 6),
])
def test_a_trip_told_as_a_time_before_the_admission_is_no_onset(history, days):
    assert onset_gap(history)[0] == days


def test_eurorad_films_count_from_the_symptoms_not_from_a_trip_before_the_admission():
    rows = _batch_rows("eurorad", "unseen15",
                       "eu_us_dates_one_week_history_ct_fig_1a_c_anteroposterior_radiograph_dated.html",
                       "https://www.eurorad.org/case/16913")
    assert [rows[f"0000016913/16913_{k}.jpg"]["offset"] for k in ("1_1", "1_3", "2_1")] == ["7", "7", "12"]


def test_eurorad_figure_whose_caption_tells_no_moment_takes_the_moment_of_the_findings_citing_it():
    # "The initial chest X-ray (Fig. 1) was unremarkable. ... a CT scan was performed three days later
    # (Fig. 2a, b)" over captions "Chest X-ray, posteroanterior projection" and "a, b: axial CT images"
    rows = _batch_rows("eurorad", "unseen15", "eu_6_day_history_children_mild_symptoms_ct_three_days_later.html",
                       "https://www.eurorad.org/case/16924")
    assert [rows[f"0000016924/16924_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "2_2")] == ["6", "9", "9"]


def test_findings_citing_a_figure_leave_a_caption_that_tells_its_moment_alone():
    # the caption's own moment stays the film's: the findings' sentence citing it is not read
    from ingest.case_fields import image_texts
    from ingest.records import CaseRecord, ImageRecord
    image = ImageRecord(source_url="https://www.eurorad.org/x/1_1.jpg", position=0,
                        caption="Chest radiograph on day 4 of hospitalisation.", extra={"figure": 1})
    record = CaseRecord(source="eurorad", source_key="1", url="https://www.eurorad.org/case/1",
                        findings="A radiograph two weeks later (Fig. 1) showed resolution.", images=[image])
    assert image_texts(record, image).caption == "Chest radiograph on day 4 of hospitalisation."


# --- unseen16: the clinical shorthand of a history, a history of lethargy, "N giorni dopo esegue", "Origin:" ---


@pytest.mark.parametrize("history, days", [
    # the British clinical shorthand of a span: days over 7, weeks over 52, months over 12
    ("SOB and fever 5/7, dry cough. Wife also unwell with similar symptoms.", 5),
    ("Presented with a 1/52 history of fever, cough and diarrhoea, with worsening breathlessness over the last "
     "48 hours.", 7),
    ("Cough x 3/7, feverish.", 3),
    ("2/52 hx of productive cough.", 14),
    # an older patient's illness told as lethargy
    ("Nursing home resident with 2 days of lethargy, reduced oral intake and a new oxygen requirement.", 2),
])
def test_a_history_in_the_clinical_shorthand_or_of_lethargy_is_the_onset(history, days):
    assert onset_gap(history)[0] == days


@pytest.mark.parametrize("history", [
    "Febbre dal 5/7.",  # a date (5 July)
    "5/7 of the patients had fever.",  # a ratio
    "Took antibiotics 5/7 for fever.",  # a treatment's span
    "Fever, then readmitted 3/7 later.",  # a time after something: a film's or event's moment
    "His wife has had fever 5/7.",  # another person's
    "Fever 5/7/2020.",  # a date with its year
])
def test_a_number_over_7_52_or_12_that_is_no_span_of_the_symptoms_gives_no_onset(history):
    assert onset_gap(history) is None


def test_radiopaedia_films_count_from_a_history_in_the_clinical_shorthand():
    # "SOB and fever 5/7": the Admission PA and lateral 5, "CTPA on day 4 of admission" 9
    shorthand = _batch_rows("radiopaedia", "unseen16",
                            "rp_classic_shorthand_history_5_7_pa_lateral_stacks_ct_titled_ct_day_4_of_admission.html",
                            "https://radiopaedia.org/cases/covid-19-pneumonia-71?lang=us")
    assert sorted(int(row["offset"]) for row in shorthand.values()) == [5, 5, 9, 9]
    # "a 1/52 history ..., with worsening breathlessness over the last 48 hours": 7, not 2; the CT "6 weeks after
    # discharge" of a patient "discharged after 19 days in hospital": 7 + 19 + 42
    week = _batch_rows("radiopaedia", "unseen16",
                       "rp_classic_1_52_history_labs_intubated_two_days_after_admission_ct_6_weeks_after_discharge.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-73?lang=us")
    assert sorted(int(row["offset"]) for row in week.values()) == [7, 9, 68, 68]


@pytest.mark.parametrize("caption, days", [
    ("Per la persistenza della febbre, due giorni dopo esegue TC torace: vetro smerigliato.", 2),
    ("Tre giorni dopo viene eseguita TC del torace.", 3),
])
def test_an_exam_done_after_an_intervals_closing_dopo_is_no_base_of_it(caption, days):
    moments = image_moments(ImageTexts(0, caption=caption))
    assert [(m.kind, m.days) for m in moments] == [(AFTER_PREVIOUS, days)]


def test_an_interval_after_an_event_the_dopo_names_stays_unplaced():
    # "dopo la terapia": a moment not on the case's axis
    moments = image_moments(ImageTexts(0, caption="Due giorni dopo la terapia, TC del torace."))
    assert [m.kind for m in moments] == [UNPLACED]


def test_sirm_first_exam_before_one_done_n_days_later_is_the_presentation():
    rows = _batch_rows("sirm", "unseen16",
                       "caso_222_infermiera_48_anni_febbre_da_4_giorni_rx_in_due_proiezioni_negativo_tc_due_giorni_dopo.html",
                       "https://www.sirm.org/2020/04/15/covid-19-caso-222/")
    assert [rows[f"04/caso222-{k}.jpg"]["offset"] for k in (1, 2, 3)] == ["4", "4", "6"]


def test_eurorad_origin_line_of_a_caption_is_no_moment_of_the_film():
    # "Origin: ... Hospital Universitario 12 de Octubre, Madrid" read as a date made the CT "On 6 April" 199
    rows = _batch_rows("eurorad", "unseen16",
                       "eu_onset_27_march_admitted_2_april_supine_bedside_ctpa_on_6_april_abc.html",
                       "https://www.eurorad.org/case/16942")
    offsets = [rows[f"0000016942/16942_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "2_2", "2_3")]
    assert offsets == ["6", "10", "10", "10"]


def test_caption_words_leave_out_the_origin_line_the_parser_found():
    from ingest.case_fields import caption_words
    from ingest.records import ImageRecord
    image = ImageRecord(source_url="https://www.eurorad.org/x/2_1.jpg", position=0,
                        caption="Figure 2 CT pulmonary angiography, axial image.\n"
                                "Origin: Hospital Universitario 12 de Octubre, Madrid, Spain",
                        extra={"origin": "Hospital Universitario 12 de Octubre, Madrid, Spain"})
    assert caption_words(image) == "Figure 2 CT pulmonary angiography, axial image."
    assert caption_words(ImageRecord(source_url="u", position=0, caption="Chest X-ray, PA.")) == "Chest X-ray, PA."


# --- unseen16, second part: a study label "Next day" ------------------------------------------------------


@pytest.mark.parametrize("label", ["Next day", "Following day", "Next day CT"])
def test_a_study_label_next_day_without_its_article_is_the_day_after_the_previous_film(label):
    assert [(m.kind, m.days) for m in image_moments(ImageTexts(0, date_text=label))] == [(AFTER_PREVIOUS, 1)]


@pytest.mark.parametrize("words", ["Oxygen requirements rose over the next days.", "Improved in the following days."])
def test_the_next_days_are_no_moment_of_a_film(words):
    assert image_moments(ImageTexts(0, caption=words)) == []


def test_radiopaedia_first_study_before_a_next_day_study_is_the_presentation():
    # "Unwell for 10 days": studies "ED" (10) and "Next day" (11)
    rows = _batch_rows("radiopaedia", "unseen16",
                       "rp_2022_unwell_for_10_days_worse_last_2_days_ed_pa_next_day_ct.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-74?lang=us")
    assert sorted(int(row["offset"]) for row in rows.values()) == [10, 11, 11]


# --- unseen17: "of one week of evolution", "after arrival", an admission to the ICU, a lone film ---------


@pytest.mark.parametrize("history, days", [
    # the Spanish history's English calque ("de una semana de evolución")
    ("A 60-year-old woman attended the emergency department with fever and dyspnoea of one week of evolution.", 7),
    ("Dry cough of 5 days of evolution.", 5),
    ("Tos seca de 5 días de evolución.", 5),
])
def test_a_history_of_n_days_of_evolution_is_the_onset(history, days):
    assert onset_gap(history)[0] == days


def test_days_after_arrival_count_from_the_admission_not_from_an_arrival_in_the_unit():
    from ingest.timeline import SINCE_ADMISSION
    hospital = image_moments(ImageTexts(0, caption="Radiograph taken two days after arrival at the hospital."))
    assert [(m.kind, m.days) for m in hospital] == [(SINCE_ADMISSION, 2)]
    unit = image_moments(ImageTexts(0, caption="CT two days after arrival in the ICU."))
    assert [m.kind for m in unit] == [UNPLACED]


def test_an_admission_to_the_icu_is_the_films_day_only_when_no_other_words_date_it():
    from ingest.timeline import SINCE_ADMISSION
    dated = image_moments(ImageTexts(0, caption="A portable chest radiograph was performed at admission to the ICU, "
                                                "two days after arrival at the hospital (Fig. 1)."))
    assert [(m.kind, m.days) for m in dated] == [(SINCE_ADMISSION, 2)]
    alone = image_moments(ImageTexts(0, caption="Portable chest radiograph at admission to the ICU."))
    assert [(m.kind, m.days) for m in alone] == [(SINCE_ADMISSION, 0)]


def test_eurorad_icu_film_dated_by_the_findings_and_a_ct_months_after_discharge_count_from_the_evolution():
    # "fever and dyspnoea of one week of evolution"; the ICU film "two days after arrival at the hospital" (its
    # caption: "at admission to the ICU"); "discharged after 35 days in hospital", CT "three months after discharge"
    rows = _batch_rows("eurorad", "unseen17", "eu_spain_one_week_of_evolution_portable_icu_two_days_after_arrival_"
                       "ct_three_months_after_discharge_long_discussion.html", "https://www.eurorad.org/case/17013")
    assert [rows[f"0000017013/17013_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "2_2")] == ["9", "132", "132"]


@pytest.mark.parametrize("history, want", [
    # the admission told straight to intensive care, dated by the onset itself
    ("Admitted to ITU with type 1 respiratory failure after 12 days of symptoms. Intubated and proned.", [12, 33]),
    # an admission to the unit after a presentation elsewhere is a transfer: "ITU admission" is no presentation
    ("Presented to ED with fever for 5 days. Admitted to ITU 3 days later with type 1 respiratory failure.",
     [None, None]),
])
def test_a_study_titled_itu_admission_is_the_presentation_when_the_history_admits_to_itu(history, want):
    images = [ImageTexts(0, date_text="ITU admission", caption="Supine AP chest radiograph."),
              ImageTexts(1, date_text="3 weeks later", caption="CT chest.")]
    assert [o.value for o in case_timeline(history, images).offsets] == want


def test_radiopaedia_itu_case_counts_from_the_symptoms_and_leaves_an_untimed_study_blank():
    rows = _batch_rows("radiopaedia", "unseen17",
                       "rp_classic_uk_itu_after_12_days_of_symptoms_supine_3_weeks_later_ct_pre_discharge_pa_no_time.html",
                       "https://radiopaedia.org/cases/covid-19-ards-and-organising-pneumonia?lang=us")
    assert sorted((row["offset"] or "") for row in rows.values()) == ["", "12", "33", "33"]


@pytest.mark.parametrize("history, want", [
    ("Bambino di 7 anni. Febbre (38,5°C) da 2 giorni e tosse secca. Tampone positivo.", [2]),
    ("Cough for the past 4 days.", [4]),
    # a span with no word of its end: the film's day is not told
    ("Fever for 4 days.", [None]),
])
def test_a_lone_film_under_a_span_up_to_the_present_is_the_presentations(history, want):
    assert [o.value for o in case_timeline(history, [ImageTexts(0, caption="RX torace PA")]).offsets] == want


def test_sirm_childs_lone_film_counts_from_the_fever_not_from_the_fathers_illness():
    rows = _batch_rows("sirm", "unseen17", "caso_232_bambino_7_anni_febbre_da_2_giorni_padre_positivo_una_settimana_"
                       "prima_rx_pa_unica.html", "https://www.sirm.org/2020/03/30/covid-19-caso-232/")
    assert rows["03/caso232-RX.jpg"]["offset"] == "2"


def test_backfill_offset_reads_days_after_arrival_as_days_after_the_admission():
    # one definition of the relative times (time_words.AFTER): the row's note is read as the crawl reads it
    assert NORMALIZERS["offset"]("Chest CT performed 3 days after arrival at the hospital.").value == 3
    # with a symptom history the base of "after arrival" is the admission, not the onset: not stated as a day
    assert NORMALIZERS["offset"]("Fever for 4 days. Chest CT 3 days after arrival at the hospital.").value is None


# --- unseen17, second part: a study titled "Initial presentation" ------------------------------------------


@pytest.mark.parametrize("label", ["Initial presentation", "First presentation", "Initial presentation CXR"])
def test_a_study_titled_initial_presentation_is_the_presentations(label):
    from ingest.timeline import SINCE_ADMISSION
    assert [(m.kind, m.days) for m in image_moments(ImageTexts(0, date_text=label))] == [(SINCE_ADMISSION, 0)]


def test_radiopaedia_initial_presentation_study_then_3_days_later_count_from_the_first_visits_span():
    # "Seen in the emergency department with 5 days of fever and cough and discharged home. Re-presented 3 days later"
    rows = _batch_rows("radiopaedia", "unseen17", "rp_classic_spain_seen_in_ed_discharged_home_re_presented_3_days_"
                       "later_initial_presentation_pa_ap_erect.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-86?lang=us")
    assert sorted(int(row["offset"]) for row in rows.values()) == [5, 8]


# --- unseen18 ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("words, want", [
    ("TC torace eseguita in giornata: multiple aree di vetro smerigliato.", [("after-previous", 0)]),
    ("TC in giornata", [("after-previous", 0)]),
    # a day of the stay, not the day of the film before
    ("RX torace di controllo in quinta giornata di ricovero.", [("hospital-day", 5)]),
])
def test_an_italian_exam_done_in_giornata_is_the_same_day_as_the_film_before(words, want):
    from ingest.timeline import text_moments
    assert [(m.kind, m.days) for m in text_moments(words, "caption")] == want


def test_sirm_film_without_a_moment_before_a_ct_in_giornata_is_the_presentations():
    # "febbre e tosse insorte 7 giorni prima": the bedside RX, "TC torace eseguita in giornata", then "TC di
    # controllo dopo alcuni giorni" (a few days: 5, the schema's convention)
    rows = _batch_rows("sirm", "unseen18", "caso_241_maschio_66_anni_insorte_7_giorni_prima_rx_a_letto_tc_in_"
                       "giornata_tc_dopo_alcuni_giorni.html", "https://www.sirm.org/2020/04/06/covid-19-caso-241/")
    assert [rows[f"04/caso241-{k}.jpg"]["offset"] for k in ("RX", "TC-1", "TC-2", "TC-3")] == ["7", "7", "7", "12"]


@pytest.mark.parametrize("words, want", [
    ("RX torace di controllo, paziente seduta: estensione delle opacità.", "AP"),
    ("RX torace, paziente semiseduta.", "AP"),
    ("RX torace a letto, paziente seduto.", "AP"),
    ("RX torace, paziente supina.", "AP Supine"),
    # the session, not the patient sitting
    ("RX torace eseguito nella stessa seduta.", None),
])
def test_italian_seated_words_of_either_gender_give_ap(words, want):
    assert NORMALIZERS["view"](words, modality="X-ray").value == want


def test_sirm_seated_woman_control_film_is_ap():
    rows = _batch_rows("sirm", "unseen18", "caso_242_donna_89_anni_rsa_febbre_da_48_ore_rx_al_letto_supina_controllo_"
                       "in_quinta_giornata_seduta.html", "https://www.sirm.org/2020/04/06/covid-19-caso-242/")
    assert [rows[f"04/caso242-{k}.jpg"]["view"] for k in (1, 2)] == ["AP Supine", "AP"]


# --- unseen18, second part: "from 5 days ago", "da una decina di giorni" -----------------------------------


@pytest.mark.parametrize("history, days", [
    ("A 41-year-old man with fever, myalgia and dry cough from 5 days ago.", 5),
    ("A 35-year-old male developed fever 8 days back, followed by dry cough and breathlessness.", 8),
    ("Dry cough and fever 4 days ago, dyspnoea since yesterday.", 4),
    # the clause before the time tells no symptom: an admission's, an exam's time
    ("Fever and cough. He was admitted 3 days back.", None),
    ("Uomo di 61 anni, febbre e astenia da una decina di giorni, tosse secca.", 10),
    ("Tosse da una quindicina di giorni.", 15),
    # an exam's time, not the illness's onset
    ("She had fever and her CT from 5 days ago was normal.", None),
    # no approximate count
    ("Febbre per una serie di giorni.", None),
])
def test_histories_told_from_a_time_ago_or_as_an_approximate_count(history, days):
    gap = onset_gap(history)
    assert (gap[0] if gap else None) == days


def test_the_offset_normalizer_reads_the_same_histories():
    # one definition of the histories (time_words): the backfill's offset reads a row's note as the crawl does
    # (as "for 5 days"): a film at or N days after the admission of a patient with a history does not say its base
    for note in ("Fever and dry cough from 5 days ago. CT was performed 3 days after admission.",
                 "Febbre da una decina di giorni. TC all'ingresso."):
        result = NORMALIZERS["offset"](note)
        assert result.value is None, note
        assert "symptom history" in result.reason, note


@pytest.mark.parametrize("batch, site, page, url, want", [
    ("unseen18", "radiopaedia", "rp_classic_iran_from_5_days_ago_on_admission_ct_10_days_after_admission_ct.html",
     "https://radiopaedia.org/cases/covid-19-pneumonia-104?lang=us", [5, 15, 15]),
    ("unseen18", "sirm", "caso_243_uomo_61_anni_da_una_decina_di_giorni_rx_in_ps_seduto_tc_dopo_48_ore.html",
     "https://www.sirm.org/2020/04/07/covid-19-caso-243/", [10, 12, 12]),
])
def test_pages_whose_onset_is_told_from_a_time_ago_or_approximately(batch, site, page, url, want):
    rows = _batch_rows(site, batch, page, url)
    assert sorted(int(row["offset"]) for row in rows.values()) == sorted(want)


# --- unseen18, third part: "+48h", "8 days back" ----------------------------------------------------------


@pytest.mark.parametrize("labels, want", [
    (["Day of admission", "+48h"], [6, 8]),
    # signed labels count from the day 0, not from the film before
    (["Day 0", "+24h", "+72 hours"], [6, 7, 9]),
    # hours that make no whole day tell no day
    (["Day of admission", "+36h"], [6, None]),
])
def test_a_study_label_signed_in_hours_is_a_day_after_the_day_0(labels, want):
    images = [ImageTexts(k, date_text=label, caption="PA chest radiograph.") for k, label in enumerate(labels)]
    assert [o.value for o in case_timeline("Fever and cough for 6 days.", images).offsets] == want


@pytest.mark.parametrize("site, page, url, want", [
    ("radiopaedia", "rp_2022_spain_fever_and_cough_for_6_days_day_of_admission_pa_plus_48h_ap_sitting.html",
     "https://radiopaedia.org/cases/covid-19-pneumonia-107?lang=us", [6, 8]),
    ("eurorad", "eu_2021_india_fever_8_days_back_hrct_on_admission_fig1_a_c.html", "https://www.eurorad.org/case/17512",
     [8, 8, 8]),
])
def test_pages_with_a_signed_hours_label_or_an_onset_days_back(site, page, url, want):
    rows = _batch_rows(site, "unseen18", page, url)
    assert sorted(int(row["offset"]) for row in rows.values()) == want


# --- unseen19: "presenting on day 7 of symptoms", "the initial PA chest radiograph", "Admission" then "Day 18" ---


@pytest.mark.parametrize("history, days", [
    ("62-year-old man presenting on day 7 of symptoms (fever, cough, diarrhea).", 7),
    ("She presents on day 4 of illness with dyspnoea.", 4),
    ("He presented on day 9 after symptom onset.", 9),
    # a film's day of the illness, not the presentation's
    ("Fever and cough. CT on day 7 of symptoms.", None),
])
def test_a_presentation_told_as_a_day_of_the_symptoms(history, days):
    gap = onset_gap(history)
    assert (gap[0] if gap else None) == days


@pytest.mark.parametrize("caption, want", [
    # the projection between "initial" and its noun: the presenting film, as "initial chest radiograph"
    ("The initial PA chest radiograph showed no pulmonary opacities.", 3),
    ("Initial portable AP radiograph: bilateral opacities.", 3),
    ("The admission AP chest radiograph showed bilateral opacities.", 3),
    # "initial" of another noun names no film
    ("The initial PA radiologist report was normal.", None),
])
def test_an_initial_film_named_with_its_projection_is_the_presenting_film(caption, want):
    ct = "CT on the seventh day from the onset of symptoms."
    images = [ImageTexts(0, caption=caption), ImageTexts(1, caption=ct)]
    assert [o.value for o in case_timeline("A 3-day history of fever and dry cough.", images).offsets] == [want, 7]


@pytest.mark.parametrize("labels, want", [
    # the first study labelled with the admission: the bare days after it count the stay, as after a "Day 0"
    (["Admission", "Day 18"], [14, 32]),
    (["On admission", "Day 3", "Day 9"], [14, 17, 23]),
    (["Presentation", "Day 5"], [14, 19]),
    # without a study of the admission a bare day may count from the onset or from the admission
    (["Chest X-ray", "Day 18"], [None, None]),
])
def test_day_labels_after_a_study_labelled_admission_count_the_stay(labels, want):
    images = [ImageTexts(k, date_text=label, caption="AP chest radiograph.", study_title=True)
              for k, label in enumerate(labels)]
    assert [o.value for o in case_timeline("A fortnight of cough and fevers.", images).offsets] == want


def test_a_papers_panels_named_on_admission_and_day_n_are_no_count_of_the_stay():
    """A legend's "(A) on admission ... (B) day 6" names each panel's moment, not the titles of one count of
    studies: "day 6" may count the illness's days (the onset is day 0 of the history), so it stays blank."""
    images = [ImageTexts(0, date_text="on admission", caption="AP chest radiograph."),
              ImageTexts(1, date_text="day 6", caption="AP chest radiograph.")]
    assert [o.value for o in case_timeline("A fortnight of cough and fevers.", images).offsets] == [14, None]


@pytest.mark.parametrize("site, page, url, want", [
    ("radiopaedia",
     "rp_classic_us_presenting_on_day_7_of_symptoms_initial_ct_repeat_ct_12_days_later_long_discussion.html",
     "https://radiopaedia.org/cases/covid-19-pneumonia-112?lang=us", [7, 7, 19]),
    ("radiopaedia", "rp_2022_uk_a_fortnight_of_cough_admission_day_18_supine_ct_3_months_post_discharge.html",
     "https://radiopaedia.org/cases/covid-19-pneumonia-111?lang=us", [14, 32, None, None]),
    ("eurorad", "eu_spain_3_day_history_normal_pa_radiograph_ct_on_the_seventh_day_from_the_onset_fig2_ab.html",
     "https://www.eurorad.org/case/17051", [3, 7, 7]),
])
def test_unseen19_pages_a_day_of_symptoms_an_initial_pa_film_and_days_after_an_admission_study(site, page, url, want):
    rows = _batch_rows(site, "unseen19", page, url)
    assert [None if row["offset"] is None else int(row["offset"]) for row in rows.values()] == want


# --- unseen19, second part: a figure's sub-images dated by the findings' sentence citing the figure ------------


@pytest.mark.parametrize("interval, ct_day", [("24 hours later", 11), ("3 days later", 13)])
def test_sub_images_whose_own_parts_tell_no_moment_are_one_exam_dated_by_the_findings(interval, ct_day, tmp_path):
    # "CT of the chest performed 24 hours later (Fig. 2a, b)" over "(a) axial image ...; (b) coronal reformation":
    # both sub-images are the one CT a day after the presentation, not the second a day after the first
    page = ("eu_us_10_days_of_fever_pa_at_presentation_ct_24_hours_later_pa_one_month_after_discharge_on_hospital_"
            "day_8.html")
    html = (FIXTURES / "eurorad" / "unseen19" / page).read_text()
    html = html.replace("performed 24 hours later", f"performed {interval}")
    (tmp_path / page).write_text(html)
    rows = {}
    for record in records("eurorad", tmp_path / page, "https://www.eurorad.org/case/17054"):
        rows.update(staged_rows(record))
    assert [rows[f"0000017054/17054_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "2_2")] == ["10", str(ct_day),
                                                                                             str(ct_day)]


@pytest.mark.parametrize("history, label, want", [
    # a study label's "post discharge" counts from the discharge the history dates, as "after discharge"
    ("A fortnight of cough and fevers. He was discharged 20 days after admission.", "3 months post discharge", 124),
    ("A fortnight of cough and fevers. He was discharged 20 days after admission.", "6 weeks post-discharge", 76),
    # a discharge on a bare day of the history (of the stay or of the illness) places nothing
    ("A fortnight of cough and fevers. Discharged home on day 41.", "3 months post discharge", None),
])
def test_a_label_months_post_discharge_counts_from_the_discharge(history, label, want):
    images = [ImageTexts(0, date_text="Admission", caption="Erect AP chest radiograph."),
              ImageTexts(1, date_text=label, caption="Non-contrast CT chest.")]
    assert [o.value for o in case_timeline(history, images).offsets] == [14, want]


# --- unseen20: "starting 5 days earlier", an English SIRM exam opening with its setting ------------------------


@pytest.mark.parametrize("history, want", [
    ("A 71-year-old man was admitted with fever and cough starting 5 days earlier and dyspnoea for 1 day.", 5),
    ("Fever and dry cough beginning 4 days earlier; breathless since yesterday.", 4),
    ("Cough starting about a week ago, fever for 2 days.", 7),
    # a treatment started earlier tells no onset
    ("Admitted with dyspnoea. Azithromycin starting 5 days earlier had not helped.", None),
])
def test_symptoms_starting_or_beginning_n_days_earlier_tell_the_onset(history, want):
    # "starting"/"beginning" are the participles of "started"/"began": the longer span, not the later
    # symptom's "for 1 day", is the onset
    found = onset_gap(history)
    assert (found and found[0]) == want


def test_unseen20_eurorad_ct_at_admission_and_a_day_of_hospitalisation_count_from_the_onset_starting_earlier():
    rows = _batch_rows("eurorad", "unseen20",
                       "eu_brazil_starting_5_days_earlier_ct_at_admission_fig1_ab_supine_ap_sixth_day_of_"
                       "hospitalisation.html", "https://www.eurorad.org/case/17601")
    assert [rows[f"0000017601/17601_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "2_1")] == ["5", "5", "11"]


_CASE29 = ("case_29_en_female_70_fever_and_cough_for_about_10_days_admitted_25_03_bedside_ap_supine_x_ray_28_03_"
           "sitting.html")
_CASE29_URL = "https://www.sirm.org/en/2020/04/14/covid-19-case-29/"


def test_unseen20_sirm_english_exam_opening_with_bedside_is_the_films_text():
    rows = _batch_rows("sirm", "unseen20", _CASE29, _CASE29_URL)
    first = rows["04/case29-1.jpg"]
    assert first["view"] == "AP Supine"
    assert first["offset"] == "10"
    assert rows["04/case29-2.jpg"]["offset"] == "13"


@pytest.mark.parametrize("opening", ["Bedside chest X-ray (25/03), AP supine",
                                     "Portable chest radiograph (25/03), AP supine",
                                     "Supine AP chest X-ray (25/03)", "Unenhanced chest CT (25/03)"])
def test_sirm_english_paragraph_opening_with_a_films_setting_or_technique_is_an_exam_not_the_history(opening):
    html = (FIXTURES / "sirm" / "unseen20" / _CASE29).read_text().replace(
        "Bedside chest X-ray (25/03), AP supine", opening)
    [record] = parse_sirm_posts(html, _CASE29_URL)
    assert record.history.endswith("Swab positive.")
    assert record.findings.startswith(opening)
    assert record.images[0].caption.startswith(opening)


def test_sirm_paragraph_opening_with_a_portable_patient_word_is_no_exam():
    # "Supine" or "Portable" alone, without the exam's noun, opens no exam paragraph
    html = (FIXTURES / "sirm" / "unseen20" / _CASE29).read_text().replace(
        "Bedside chest X-ray (25/03), AP supine:", "Bedside, supine:")
    [record] = parse_sirm_posts(html, _CASE29_URL)
    assert "Bedside, supine" in record.history


# --- unseen20, second part: "in clinostatismo", "il giorno stesso" ----------------------------------------------


@pytest.mark.parametrize("text, want", [
    ("RX torace all’ingresso, eseguito in clinostatismo: opacità bilaterali.", "AP Supine"),
    ("RX torace in clinostatismo, proiezione AP.", "AP Supine"),
    # the opposite position stays AP
    ("RX torace in ortostatismo.", "AP"),
])
def test_italian_clinostatismo_is_a_lying_patients_film(text, want):
    assert NORMALIZERS["view"](text, modality="X-ray", source="sirm").value == want


@pytest.mark.parametrize("words", ["il giorno stesso", "nello stesso giorno", "lo stesso giorno"])
def test_italian_same_day_word_orders_are_the_day_of_the_film_before(words):
    images = [ImageTexts(0, caption="RX torace all’ingresso: opacità bilaterali."),
              ImageTexts(1, caption=f"TC torace eseguita {words}: vetro smerigliato."),
              ImageTexts(2, caption="RX torace di controllo dopo 6 giorni: miglioramento.")]
    history = "Febbre e dispnea insorte da circa 4 giorni."
    assert [o.value for o in case_timeline(history, images).offsets] == [4, 4, 10]


def test_unseen20_sirm_film_in_clinostatismo_and_a_ct_the_same_day():
    rows = _batch_rows("sirm", "unseen20", "caso_253_donna_81_anni_insorte_da_circa_4_giorni_rx_in_clinostatismo_tc_"
                       "il_giorno_stesso_rx_pa_dopo_6_giorni.html", "https://www.sirm.org/2020/04/16/covid-19-caso-253/")
    assert rows["04/caso253-RX1.jpg"]["view"] == "AP Supine"
    assert [rows[f"04/caso253-{k}.jpg"]["offset"] for k in ("RX1", "TC1", "TC2", "RX2")] == ["4", "4", "4", "10"]


@pytest.mark.parametrize("paragraph", [
    "All’ingresso RX torace in PA e, per la desaturazione, TC del torace lo stesso giorno.",
    "All’ingresso RX torace in PA e, per la desaturazione, TC del torace il giorno stesso.",
    "On admission, a PA chest radiograph and, because of desaturation, a CT the same day.",
])
def test_words_telling_two_exams_on_the_admissions_day_place_both_films_there(paragraph):
    # the "same day" of words that name their own base is that base's day, not a day after an earlier film
    images = [ImageTexts(0, caption=f"RX torace PA\n{paragraph}"),
              ImageTexts(1, caption=f"TC, scansione assiale\n{paragraph}")]
    assert [o.value for o in case_timeline("Da 4 giorni febbre e tosse.", images).offsets] == [4, 4]


@pytest.mark.parametrize("texts, want", [
    (("Presented on 28/03/2020 with a 1 week history.", "02/04/2020"), True),
    (("Symptoms from 3/27/2020.", "02/04/2020", "28/03/2020"), False),  # a month first date too: not told
    (("02/04/2020", "06/04/2020"), False),  # every date ambiguous
    (("Admitted 14/3.",), True),
    (("Presented on 28/03/2020, cough for 1/52.", "02/04/2020"), True),  # British shorthand: no date
])
def test_a_case_writing_a_date_day_first_beyond_doubt_writes_them_all_so(texts, want):
    assert writes_day_first(*texts) is want


@pytest.mark.parametrize("pairs, want", [
    ([(28, 3), (2, 4)], DAY_FIRST),
    ([(3, 30), (4, 6)], MONTH_FIRST),
    ([(4, 2), (4, 5)], ""),  # nothing shows the order
    ([(28, 3), (3, 28)], ""),  # both do: neither is told
    ([(1, 52), (18, 25)], ""),  # a shorthand and a score are no dates
])
def test_one_order_of_slashed_dates_decides_a_cases_texts_and_a_papers_tables(pairs, want):
    assert slashed_date_order(pairs) == want


def test_unseen21_radiopaedia_studies_titled_by_day_first_dates_of_a_site_without_a_date_order():
    # a UK case on Radiopaedia: "Presented on 28/03/2020 with a 1 week history", studies "28/03/2020",
    # "02/04/2020" (2 April, not 4 February: the page writes its dates day first) and "06/04/2020"
    rows = _batch_rows("radiopaedia", "unseen21", "rp_classic_uk_presented_28_03_with_1_week_history_studies_"
                       "titled_by_date_pa_itu_supine_ctpa.html", "https://radiopaedia.org/cases/covid-19-pneumonia-143")
    assert [row["offset"] for row in rows.values()] == ["7", "12", "16", "16"]
    assert [row["view"] for row in rows.values()] == ["PA", "AP Supine", "Axial", "Coronal"]


def test_a_course_length_beside_a_films_later_leaves_the_film_its_later():
    images = [ImageTexts(0, caption="Posteroanterior radiograph: lower zone opacities.", group="a"),
              ImageTexts(1, caption="Three weeks later, after 12 days of mechanical ventilation in the ICU. "
                                    "Erect AP radiograph: partial clearing.", group="b")]
    assert [o.value for o in case_timeline("Cough for 2 weeks.", images, presenting=True).offsets] == [14, 35]
    # the course alone tells no day of the film
    images[1] = ImageTexts(1, caption="After 12 days of mechanical ventilation. Erect AP radiograph.", group="b")
    assert [o.value for o in case_timeline("Cough for 2 weeks.", images, presenting=True).offsets] == [14, None]


def test_an_interval_after_the_initial_exam_counts_from_the_first_film_not_the_last():
    history = "Cough for 2 weeks."
    images = [ImageTexts(0, caption="Initial chest radiograph: bilateral opacities.", group="a"),
              ImageTexts(1, caption="Chest radiograph 10 days later: worse.", group="b"),
              ImageTexts(2, caption="CT chest 6 weeks after the initial radiograph: reticulation.", group="c")]
    assert [o.value for o in case_timeline(history, images).offsets] == [14, 24, 56]
    # the first film's day unknown: the interval has no base
    images[0] = ImageTexts(0, caption="Chest radiograph: bilateral opacities.", group="a")
    assert case_timeline("Cough and fever.", images).offsets[2].value is None


def test_unseen21_radiopaedia_post_icu_study_and_a_ct_after_the_initial_radiograph():
    rows = _batch_rows("radiopaedia", "unseen21", "rp_classic_us_2_weeks_cough_fever_last_3_days_initial_pa_lateral_"
                       "post_icu_three_weeks_later_follow_up_ct_6_weeks.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-141")
    assert [row["offset"] for row in rows.values()] == ["14", "14", "35", "56", "56"]
    assert [row["view"] for row in rows.values()] == ["PA", "L", "AP", "Axial", "Coronal"]


@pytest.mark.parametrize("history, want", [
    ("Fever and cough x 5 days, breathlessness x 2 days. RT-PCR positive.", 5),
    ("Cough x 2 weeks.", 14),
    ("Dry cough \u00d7 3 days.", 3),
    ("Lesion measuring 2 x 3 days.", None),  # no symptom before it
    ("Fever, remdesivir x 5 days.", None),  # a treatment's course
    ("Fever x 3 days later.", None),
])
def test_a_history_told_with_the_clinical_times_sign(history, want):
    found = onset_gap(history)
    assert (found[0] if found else None) == want


def test_unseen21_radiopaedia_history_x_5_days_counts_its_studies_from_the_onset():
    rows = _batch_rows("radiopaedia", "unseen21", "rp_classic_india_fever_and_cough_x_5_days_at_presentation_pa_"
                       "projection_hrct_next_day_follow_up_after_1_month.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-145")
    assert [row["offset"] for row in rows.values()] == ["5", "6", "6", "36"]


def test_symptoms_dated_from_different_days_date_the_onset_at_the_first():
    history = "Febbre e mialgie dal 15 marzo, dal 19 marzo tosse secca. Ricoverata il 21/03 per dispnea."
    (onset, _), (admitted, _) = history_dates(history, day_first=True)
    assert (onset.month, onset.day, admitted.day) == (3, 15, 21)
    history = "Fever since March 10, cough since March 12. Admitted on March 14."
    assert history_dates(history)[0][0].day == 10
    images = [ImageTexts(0, caption="RX torace (21/03) in proiezione PA."), ImageTexts(1, caption="TC del 24/03.")]
    history = "Febbre dal 15 marzo, dal 19 marzo tosse. Ricoverata il 21/03."
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == [6, 9]


@pytest.mark.parametrize("text, want", [
    ("AP lying film (patient unable to sit up). Patchy peripheral opacification.", "AP Supine"),
    ("Lying AP chest radiograph.", "AP Supine"),
    ("AP radiograph, patient lying on the left side.", "AP"),  # on a side: not a supine film
    ("Underlying emphysema. AP sitting film.", "AP"),
])
def test_a_lying_patients_film_is_ap_supine(text, want):
    assert NORMALIZERS["view"](text, modality="X-ray").value == want


@pytest.mark.parametrize("text, want", [
    ("RX torace di controllo in ortostatismo, proiezione PA, dopo 7 giorni.", "PA"),
    ("RX torace in ortostatismo.", "AP"),  # the standing word alone, as the sample's Italian writes it
    ("RX torace in ortostatismo, proiezione AP.", "AP"),
    ("RX seduto, proiezione PA.", None),  # a sitting patient's PA: the words disagree
])
def test_a_stated_pa_projection_of_a_standing_patient_is_pa(text, want):
    assert NORMALIZERS["view"](text, modality="X-ray", source="sirm").value == want


def test_unseen21_view_words_of_the_third_part():
    rows = _batch_rows("radiopaedia", "unseen21", "rp_2022_uk_three_days_of_fever_and_confusion_ed_ap_lying_48_hours_"
                       "later_semi_recumbent_ct_1_week_after_admission.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-147")
    assert [row["view"] for row in rows.values()] == ["AP Supine", "AP", "Axial", "Coronal"]
    rows = _batch_rows("sirm", "unseen21", "caso_264_uomo_68_anni_febbre_da_10_giorni_rx_supino_al_letto_rx_di_"
                       "controllo_in_ortostatismo_proiezione_pa_dopo_7_giorni.html",
                       "https://www.sirm.org/2020/04/24/covid-19-caso-264/")
    assert [(row["view"], row["offset"]) for row in rows.values()] == [("AP Supine", "10"), ("PA", "17")]


@pytest.mark.parametrize("history, want", [
    ("Presented with 48 hours of fevers, chills and productive cough.", 2),
    ("A 29-year-old woman was admitted with 48 hours of fever, sore throat and cough.", 2),
    ("A 72-hour history of fever and dry cough.", 3),
    ("Admitted with 24 hrs of new confusion and fever.", 1),
    # hours that make no whole day, a treatment's hours, a time after the admission: no onset
    ("A 36-hour history of fever.", None),
    ("She had received 48 hours of antibiotics for fever.", None),
    ("CT 48 hours after admission showed consolidation.", None),
    # a time counted from the onset, in hours or days, is no span before the presentation
    ("She was swabbed within 48 hours of symptom onset and admitted with fever.", None),
    ("Oseltamivir was started within 5 days of fever onset.", None),
    ("Admitted with 3 days of new-onset dry cough.", 3),
])
def test_a_span_in_hours_before_its_symptoms_is_the_onset(history, want):
    found = onset_gap(history)
    assert (found[0] if found else None) == want


@pytest.mark.parametrize("history, want", [
    # a week of "progressive" dyspnoea is the acute illness, counted from its onset
    ("He presented with fever, cough and progressive dyspnoea over the past week.", 7),
    ("Gradually worsening cough and fever for 5 days.", 5),
    # weeks of it are a slow course: counted from the admission (no onset)
    ("A three-week history of progressive dyspnoea and dry cough.", None),
    ("Cough and loss of weight over five weeks.", None),
])
def test_only_a_span_of_weeks_tells_a_slow_course(history, want):
    found = onset_gap(history)
    assert (found[0] if found else None) == want


def test_unseen22_onsets_in_hours_and_over_the_past_week_count_the_films_from_the_onset():
    rows = _batch_rows("eurorad", "unseen22", "eu_turkey_pregnant_48_hours_of_fever_ap_shielded_at_presentation_ct_"
                       "following_day_fig2_a_c.html", "https://www.eurorad.org/case/17251")
    assert [row["offset"] for row in rows.values()] == ["2", "3", "3", "3"]
    rows = _batch_rows("eurorad", "unseen22", "eu_spain_over_the_past_week_ap_on_admission_supine_day_5_ctpa_day_16_"
                       "icu.html", "https://www.eurorad.org/case/17262")
    # the CTPA's "on day 16" is told in the findings only: blank, not counted from the admission
    assert [row["offset"] for row in rows.values()] == ["7", "12", None, None]


@pytest.mark.parametrize("history, want", [
    ("Cough and fever for the last fortnight, acutely short of breath today.", 14),
    ("He presented with cough and fever for the last fortnight and worsening breathlessness.", 14),
    ("Dry cough over the past fortnight.", 14),
    ("Fever for the past month.", 30),
])
def test_a_symptom_for_the_last_fortnight_tells_the_onset(history, want):
    found = onset_gap(history)
    assert (found[0] if found else None) == want


def test_unseen23_for_the_last_fortnight_counts_the_films_from_the_onset_not_the_admission():
    rows = _batch_rows("eurorad", "unseen23", "eu_uk_cough_and_fever_for_the_last_fortnight_pa_on_admission_supine_"
                       "after_intubation_day_3_pneumothorax_day_12_ct_day_20_axial_sagittal.html",
                       "https://www.eurorad.org/case/16902")
    assert [row["offset"] for row in rows.values()] == ["14", "17", "26", "34", "34"]


_WEEKEND_FILMS = [ImageTexts(0, caption="AP erect radiograph on admission.", date_text="Emergency department",
                             group="a", study_title=True),
                  ImageTexts(1, caption="Supine AP radiograph after intubation.", date_text="ICU day 3", group="b",
                             study_title=True),
                  ImageTexts(2, caption="Performed the same day for a rising D-dimer.", date_text="CTPA", group="c",
                             study_title=True)]


@pytest.mark.parametrize("history", [
    "Fever and dry cough since the weekend, short of breath this morning.",
    "Fever since last weekend, breathless since yesterday.",
    "Febbre e tosse dal fine settimana, da ieri dispnea.",
])
def test_an_onset_told_by_the_weekend_cannot_be_placed(history):
    # the weekend is no date: as "since Sunday", the case's films stay blank (not counted from the admission)
    assert [o.value for o in case_timeline(history, _WEEKEND_FILMS).offsets] == [None, None, None]


def test_a_weekend_that_tells_no_symptom_leaves_the_onset_to_the_history():
    history = "Fever and cough for 3 days. Her daughter has been visiting since the weekend."
    images = [ImageTexts(0, caption="AP erect radiograph on admission.")]
    assert [o.value for o in case_timeline(history, images).offsets] == [3]


def test_a_first_study_at_the_admission_titled_by_its_date_dates_the_admission():
    # "12/04/2020": "Admission radiograph", then studies titled "15/04/2020" and "6 months later"
    history = "Cough and fever for the last fortnight, acutely short of breath today."
    images = [ImageTexts(0, caption="Admission radiograph (PA).", date_text="12/04/2020", group="a", study_title=True),
              ImageTexts(1, caption="CTPA: no embolus.", date_text="15/04/2020", group="b", study_title=True),
              ImageTexts(2, caption="Non-contrast CT: reticulation.", date_text="6 months later", group="c",
                         study_title=True)]
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == [14, 17, 197]
    # a first film dated after a later one is no presentation's: its date dates nothing
    images[1] = ImageTexts(1, caption="CTPA: no embolus.", date_text="10/04/2020", group="b", study_title=True)
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets][1:] == [None, None]


def test_unseen23_radiopaedia_studies_titled_by_date_after_an_admission_radiograph():
    rows = _batch_rows("radiopaedia", "unseen23", "rp_classic_uk_cough_and_fever_for_the_last_fortnight_studies_"
                       "titled_by_date_pa_ctpa_ct_6_months_later.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-and-post-covid-fibrosis")
    assert [row["offset"] for row in rows.values()] == ["14", "17", "17", "197", "197"]


def test_eurorad_sub_image_whose_letter_names_a_sagittal_reformat_has_no_view():
    # "(a) axial image, lung window; (b) sagittal reformat": b is no Axial (the legend's first plane is a's)
    rows = _batch_rows("eurorad", "unseen23", "eu_uk_cough_and_fever_for_the_last_fortnight_pa_on_admission_supine_"
                       "after_intubation_day_3_pneumothorax_day_12_ct_day_20_axial_sagittal.html",
                       "https://www.eurorad.org/case/16902")
    assert [row["view"] for row in rows.values()] == ["PA", "AP Supine", "AP Supine", "Axial", None]


@pytest.mark.parametrize("history, want", [
    # the delivery's day told by the history: "2 days after the caesarean section" is placed from it
    ("28 weeks pregnant. Fever and cough for the past 4 days. Emergency caesarean section on day 5 of admission.",
     [4, 11]),
    ("Fever for 4 days, 30 weeks pregnant. She was delivered by cesarean section on day 3 of admission.", [4, 9]),
    # no day of the delivery told, or no delivery at all ("oxygen delivery"): the film stays blank
    ("28 weeks pregnant. Fever and cough for the past 4 days. She needed an emergency caesarean section.",
     [4, None]),
    ("Fever and cough for the past 4 days. High-flow oxygen delivery was started on day 5 of admission.",
     [4, None]),
])
def test_a_film_counted_from_the_delivery_the_history_dates(history, want):
    images = [ImageTexts(0, caption="AP chest radiograph with abdominal shielding.", date_text="Admission",
                         group="a", study_title=True),
              ImageTexts(1, caption="CTPA 2 days after the caesarean section: no embolism.", date_text="Post-partum",
                         group="b", study_title=True)]
    if "oxygen" in history:
        images[1] = ImageTexts(1, caption="CT 2 days after delivery.", date_text="CT", group="b", study_title=True)
    assert [o.value for o in case_timeline(history, images).offsets] == want


def test_unseen23_pregnant_patients_ctpa_after_the_caesarean_section():
    rows = _batch_rows("radiopaedia", "unseen23", "rp_2022_spain_28_weeks_pregnant_fever_for_the_past_4_days_shielded_"
                       "ap_48_hours_later_supine_ctpa_2_days_after_caesarean.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-in-pregnancy-7")
    assert [row["offset"] for row in rows.values()] == ["4", "6", "11", "11"]
    assert [row["view"] for row in rows.values()] == ["AP", "AP Supine", "Axial", "Coronal"]


# --- unseen24: a sub-image in a plane outside the vocabulary, a discharge told by a film "at discharge, on day N" --


_BRAZIL24 = ("eu_brazil_one_line_history_8_days_icu_supine_bedside_day_8_of_symptoms_ct_day_12_of_symptoms_sagittal_"
             "ct_45_days_after_onset.html")


@pytest.mark.parametrize("part, want", [
    ("(c) sagittal reformat", None),
    ("(c) oblique multiplanar reconstruction", None),
    ("(c) coronal reformat", "Coronal"),
])
def test_a_sub_image_whose_own_part_names_another_plane_takes_no_other_letters_view(part, want, tmp_path):
    # "(a) axial image, lung window; (b) axial image, mediastinal window; (c) sagittal reformat": the whole
    # legend's "axial" is a and b's; c names a plane the vocabulary lacks (blank, not Axial)
    html = (FIXTURES / "eurorad" / "unseen24" / _BRAZIL24).read_text().replace("(c) sagittal reformat", part)
    (tmp_path / _BRAZIL24).write_text(html)
    rows = {}
    for record in records("eurorad", tmp_path / _BRAZIL24, "https://www.eurorad.org/case/16987"):
        rows.update(staged_rows(record))
    assert [rows[f"0000016987/16987_2_{k}.jpg"]["view"] for k in (1, 2, 3)] == ["Axial", "Axial", want]


@pytest.mark.parametrize("findings, want", [
    ("The PA chest radiograph taken at discharge, on the 17th day of hospitalization, showed residual opacities.",
     (HOSPITAL_DAY, 17)),
    ("At the time of discharge (hospital day 12) the radiograph was clear.", (HOSPITAL_DAY, 12)),
    # a day further on dates something else
    ("The radiograph at discharge showed improvement compared with the CT on day 5 of hospitalization.", None),
    ("At discharge, 2 weeks later, the radiograph was clear.", None),
    # a bare day: of the stay or of the illness
    ("The radiograph at discharge (day 17) was clear.", None),
])
def test_a_film_at_discharge_with_its_day_right_after_tells_the_discharges_day(findings, want):
    found = discharge_moment(findings)
    assert (None if found is None else (found.kind, found.days)) == want


def test_unseen24_eurorad_pa_at_discharge_counts_from_the_day_the_findings_give_the_discharge():
    rows = _batch_rows("eurorad", "unseen24", "eu_turkey_since_1_week_ct_on_admission_fig1_a_c_control_ct_6th_day_of_"
                       "hospitalization_pa_at_discharge_17th_day.html", "https://www.eurorad.org/case/16958")
    assert [row["offset"] for row in rows.values()] == ["7", "7", "7", "13", "13", "24"]


# --- unseen24, second part: a paragraph telling one exam and citing its figure at its end -------------------------


_INDIA24 = ("eu_india_fever_for_6_days_cough_for_4_days_pa_view_at_admission_hrct_day_2_of_admission_a_d_discharged_"
            "day_10_pa_2_weeks_after_discharge.html")


@pytest.mark.parametrize("opening, ct_day, cited", [
    # "HRCT chest done on day 2 of admission showed ... . CT severity score was 15/25 (Fig. 2a–d).": the
    # paragraph's exam is the cited figure's
    ("HRCT chest done on day 2 of admission showed", "8", "CT severity score was"),
    ("On day 2 of admission, HRCT chest showed", "8", "CT severity score was"),
    # the paragraph opens with another modality's exam: not the CT figure's moment
    ("A repeat chest radiograph on day 2 of admission showed", None, "CT severity score was"),
    # the cited sentence tells an exam of its own after the paragraph's first one
    ("HRCT chest done on day 2 of admission showed", None, "Follow-up CT showed a score of"),
])
def test_a_paragraph_citing_its_figure_at_its_end_dates_the_figure_by_its_opening_exam(opening, ct_day, cited,
                                                                                        tmp_path):
    html = (FIXTURES / "eurorad" / "unseen24" / _INDIA24).read_text()
    assert "HRCT chest done on day 2 of admission showed" in html and "CT severity score was 15/25" in html
    html = html.replace("HRCT chest done on day 2 of admission showed", opening)
    (tmp_path / _INDIA24).write_text(html.replace("CT severity score was", cited))
    rows = {}
    for record in records("eurorad", tmp_path / _INDIA24, "https://www.eurorad.org/case/17063"):
        rows.update(staged_rows(record))
    assert [rows[f"0000017063/17063_2_{k}.jpg"]["offset"] for k in (1, 2, 3, 4)] == [ct_day] * 4
    assert rows["0000017063/17063_1_1.jpg"]["offset"] == "6"


# --- unseen25: plural films in the emergency department, a SIRM run of figures with no text between ---------------


_UK25 = "rp_classic_uk_two_weeks_of_cough_worse_over_the_last_48_hours_pa_and_lateral_in_ed"


@pytest.mark.parametrize("findings, offset", [
    # "PA and lateral chest radiographs in the emergency department": the films of the presentation
    ("PA and lateral chest radiographs in the emergency department.", "14"),
    ("Chest x-rays taken in the emergency department.", "14"),
    ("PA and lateral chest radiograph in the emergency room.", "14"),
    # no place nor time: the history tells no presentation the films are of
    ("PA and lateral chest radiographs.", None),
])
def test_unseen25_films_in_the_emergency_department_are_the_presentations(findings, offset, tmp_path):
    folder = FIXTURES / "radiopaedia" / "unseen25"
    html = (folder / f"{_UK25}.html").read_text()
    assert "PA and lateral chest radiographs in the emergency department." in html
    (tmp_path / f"{_UK25}.html").write_text(
        html.replace("PA and lateral chest radiographs in the emergency department.", findings))
    (tmp_path / "stacks_253101.json").write_text((folder / "stacks_253101.json").read_text())
    rows = {}
    for record in records("radiopaedia", tmp_path / f"{_UK25}.html",
                          "https://radiopaedia.org/cases/covid-19-pneumonia-253?lang=us"):
        rows.update(staged_rows(record))
    assert [row["offset"] for row in rows.values()] == [offset, offset]


_SIRM291 = ("caso_291_uomo_67_anni_febbre_e_tosse_da_circa_una_settimana_rx_ap_seduto_in_ps_tc_il_giorno_"
            "successivo.html")
_SIRM292 = ("caso_292_donna_48_anni_operatrice_sanitaria_da_4_giorni_febbre_da_ieri_dispnea_rx_pa_e_ll_tc_dopo_2_"
            "giorni.html")
_RUN = '</figure>\n\n\n\n<figure class="wp-block-image size-large"><img src="https://www.sirm.org/wp-content/uploads/2020/04/'


def _sirm25_rows(tmp_path, name: str, url: str, *replacements: tuple[str, str]) -> dict[str, dict[str, object]]:
    html = (FIXTURES / "sirm" / "unseen25" / name).read_text()
    for old, new in replacements:
        assert old in html
        html = html.replace(old, new)
    (tmp_path / name).write_text(html)
    rows = {}
    for record in records("sirm", tmp_path / name, url):
        rows.update(staged_rows(record))
    return rows


@pytest.mark.parametrize("replacement, second_slice", [
    # "TC torace eseguita il giorno successivo", then a captionless figure "caso291-TC-2.jpg": another slice
    (("", ""), "8"),
    # a paragraph between the two figures: the second is no longer shown as the first one's
    ((_RUN + "caso291-TC-2", "</figure>\n<p>Ricostruzione coronale.</p>\n" + _RUN[len("</figure>\n"):]
      + "caso291-TC-2"), None),
    # its file name names another exam than the caption before it
    (("caso291-TC-2", "caso291-RX-2"), None),
])
def test_unseen25_sirm_captionless_figure_right_after_a_captioned_one_of_its_exam_is_that_exam(
        replacement, second_slice, tmp_path):
    url = "https://www.sirm.org/2020/04/24/covid-19-caso-291/"
    rows = _sirm25_rows(tmp_path, _SIRM291, url, *([replacement] if replacement[0] else []))
    assert [row["offset"] for row in rows.values()] == ["7", "8", second_slice]


@pytest.mark.parametrize("first, second, offsets", [
    # "RX torace PA", then "RX torace LL" with no text between: the two films of one radiograph, the presentation's
    ("RX torace PA", "RX torace LL", ["4", "4", "6"]),
    ("Radiografia del torace in proiezione PA", "Radiografia del torace in proiezione laterale", ["4", "4", "6"]),
    # two frontal films: not the pair of one exam
    ("RX torace PA", "RX torace AP", [None, None, None]),
    # a lateral film of another exam's words
    ("RX torace PA", "RX torace di controllo LL", [None, None, None]),
])
def test_unseen25_sirm_lateral_film_captioned_as_the_frontal_one_before_it_is_its_exam(first, second, offsets,
                                                                                       tmp_path):
    url = "https://www.sirm.org/2020/04/24/covid-19-caso-292/"
    rows = _sirm25_rows(tmp_path, _SIRM292, url, ("<figcaption>RX torace PA<", f"<figcaption>{first}<"),
                        ("<figcaption>RX torace LL<", f"<figcaption>{second}<"))
    assert [row["offset"] for row in rows.values()] == offsets


def test_unseen25_sirm_lateral_film_after_text_is_not_the_frontal_ones():
    html = (FIXTURES / "sirm" / "unseen25" / _SIRM292).read_text()
    url = "https://www.sirm.org/2020/04/24/covid-19-caso-292/"
    found = parse_sirm_posts(html, url)[0].images
    assert [bool(i.extra.get("follows_image")) for i in found] == [False, True, False]
    split = html.replace(_RUN + "caso292-RX-LL", "</figure>\n<p>Proiezione laterale:</p>\n"
                         + _RUN[len("</figure>\n"):] + "caso292-RX-LL")
    assert [bool(i.extra.get("follows_image")) for i in parse_sirm_posts(split, url)[0].images] == [
        False, False, False]
@pytest.mark.parametrize("label", ["ICU day 3", "ITU day 3", "Intensive care day 3"])
def test_a_day_of_the_icu_stay_is_not_a_day_of_the_hospital_stay(label):
    # unseen23's Spanish case with an onset the page places: "ICU day 3" counts the days in intensive care, which
    # began on a day the page does not tell (read as the stay's day 3 before: 8)
    films = [ImageTexts(0, caption="AP erect radiograph.", date_text="Day 0", group="a", study_title=True),
             ImageTexts(1, caption="Supine AP radiograph after intubation.", date_text=label, group="b",
                        study_title=True),
             ImageTexts(2, caption="PA radiograph before discharge.", date_text="Day 12", group="c", study_title=True)]
    history = "Fever and dry cough for 5 days, short of breath this morning."
    assert [o.value for o in case_timeline(history, films).offsets] == [5, None, 17]


@pytest.mark.parametrize("label", ["ICU day 3", "ITU day 3", "Day 3 of ICU stay", "day 3 of intensive care"])
def test_a_day_of_the_icu_stay_of_a_patient_admitted_straight_to_the_icu_is_a_day_of_the_hospital_stay(label):
    # round 45: the history admits the patient directly to the unit, whose day N is then the stay's (as the blind
    # rows of unseen30's Eurorad 19215 count it: "5 days of fever ... admitted directly to the intensive care unit",
    # "ICU day 3" 8, "day 20 of ICU stay" 25)
    films = [ImageTexts(0, caption="AP erect radiograph.", date_text="Day 0", group="a", study_title=True),
             ImageTexts(1, caption="Supine AP radiograph after intubation.", date_text=label, group="b",
                        study_title=True),
             ImageTexts(2, caption="PA radiograph before discharge.", date_text="Day 12", group="c", study_title=True)]
    history = "Fever and dry cough for 5 days. She was admitted directly to the intensive care unit with hypoxaemia."
    assert [o.value for o in case_timeline(history, films).offsets] == [5, 8, 17]


def test_unseen30_eurorad_icu_days_of_a_patient_admitted_directly_to_the_icu():
    name = ("eu_romania_5_days_fever_admitted_to_icu_intubated_day_2_bedside_ap_icu_day_3_supine_day_12_of_"
            "ventilation_ct_day_20_of_icu_stay")
    found = records("eurorad", FIXTURES / "eurorad" / "unseen30" / f"{name}.html", "https://www.eurorad.org/case/19215")
    rows = {k: v for r in found for k, v in staged_rows(r).items()}
    assert rows["0000019215/19215_1_1.jpg"]["offset"] == "5"
    assert rows["0000019215/19215_2_1.jpg"]["offset"] == "8"  # "Bedside AP chest X-ray on ICU day 3"
    assert rows["0000019215/19215_4_1.jpg"]["offset"] == "25"  # "Chest CT on day 20 of ICU stay, (a) axial"
    assert rows["0000019215/19215_4_2.jpg"]["offset"] == "25"  # "(b) coronal"


def test_a_day_label_with_the_icu_after_it_stays_a_day_of_the_stay():
    # unseen23's Iranian "Day 15 ICU": the case's day count, the film made in the unit
    films = [ImageTexts(0, caption="Portable AP radiograph on admission.", date_text="Day 0", group="a",
                        study_title=True),
             ImageTexts(1, caption="Supine AP radiograph.", date_text="Day 15 ICU", group="b", study_title=True)]
    history = "Symptomatic for a week prior to admission with fever, myalgia and cough."
    assert [o.value for o in case_timeline(history, films).offsets] == [7, 22]


# --- unseen26: a symptom span whose sentence goes on to the present ("..., now short of breath") -------------------


_US26 = "rp_classic_us_32_weeks_pregnant_three_days_of_cough_and_fever_ap_shielded"


@pytest.mark.parametrize("presentation, offset", [
    # the span's sentence goes on to the present: the one film is the presentation's
    ("32 weeks pregnant. Three days of cough and fever, now short of breath.", "3"),
    ("Cough and fever for 5 days, and now breathless.", "5"),
    ("Two weeks of cough, now febrile and hypoxic.", "14"),
    # no word of the present: the film may be of any day of the illness
    ("32 weeks pregnant. Three days of cough and fever, short of breath.", None),
    # "now" in another sentence than the span's is not the span's end
    ("Three days of cough and fever. Treated with antibiotics; now resolved.", None),
])
def test_unseen26_symptom_span_going_on_to_now_is_the_presentation_of_the_one_film(presentation, offset, tmp_path):
    folder = FIXTURES / "radiopaedia" / "unseen26"
    html = (folder / f"{_US26}.html").read_text()
    told = "32 weeks pregnant. Three days of cough and fever, now short of breath. COVID-19 positive."
    assert told in html
    html = html.replace(told, presentation + " COVID-19 positive.")
    (tmp_path / f"{_US26}.html").write_text(html)
    (tmp_path / "stacks_262101.json").write_text((folder / "stacks_262101.json").read_text())
    rows = {}
    for record in records("radiopaedia", tmp_path / f"{_US26}.html",
                          "https://radiopaedia.org/cases/covid-19-pneumonia-in-pregnancy-3?lang=us"):
        rows.update(staged_rows(record))
    assert [row["offset"] for row in rows.values()] == [offset]
    assert [row["view"] for row in rows.values()] == ["AP"]


# --- unseen27: the shorthand heading its symptoms, dates ordered by the publication, patient-titled studies -------


def _unseen27_offsets(site, name, url):
    rows = {}
    for record in records(site, FIXTURES / site / "unseen27" / f"{name}.html", url):
        rows.update(staged_rows(record))
    return [row["offset"] for row in rows.values()]


@pytest.mark.parametrize("history, days", [
    ("2/7 fever, cough and SOB.", [2]),        # the span heading the symptoms it lasts
    ("5/7 fevers, dry cough and SOB.", [5]),    # "fevers", plural
    ("1/7 productive cough.", [1]),             # one word before the symptom
    ("SOB, fever 10/7.", [10]),                 # more days than a week: still days
    ("Cough 14/7, now SOB.", [14]),
    ("30/7 fever.", []),                        # beyond four weeks clinicians write weeks ("4/52"): a date
    ("5/7 patients had fever.", []),            # a ratio
    ("Seen on 3/7 fever clinic.", []),          # a date
    ("2/7 later fever.", []),                   # a time after something
    ("2/7 ago, fell at home.", []),             # no symptom
])
def test_unseen27_shorthand_span_heading_its_symptoms_or_over_a_week_is_the_history(history, days):
    assert [d for d, _ in symptom_histories(history)] == days


def test_unseen27_shorthand_histories_place_the_films_on_the_onset_axis():
    assert _unseen27_offsets(
        "radiopaedia", "rp_classic_nz_sob_fever_10_7_intubated_in_ed_ct_48_hours_later_1_week_later",
        "https://radiopaedia.org/cases/covid-19-pneumonia-278?lang=us") == ["10", "12", "12", "19"]
    # "Day 0", "Day 10 post admission", "Follow-up at 6 weeks"
    assert _unseen27_offsets(
        "radiopaedia", "rp_classic_uk_2_7_fever_sob_day_0_day_10_post_admission_follow_up_at_6_weeks",
        "https://radiopaedia.org/cases/covid-19-pneumonia-271?lang=us") == ["2", "12", "44", "44"]


def test_unseen27_a_shorthand_label_over_a_week_is_read_as_its_history_is():
    films = [ImageTexts(0, caption="PA chest radiograph.", date_text="Admission", group="a", study_title=True),
             ImageTexts(1, caption="PA chest radiograph.", date_text="10/7 later", group="b", study_title=True)]
    assert [o.value for o in case_timeline("Cough and fever for 3 days.", films).offsets] == [3, 13]


@pytest.mark.parametrize("published, texts, day_first", [
    # month first, "09/04/2020" is 4 September, after the page was published: day first
    (date(2020, 4, 21), ("03/04/2020", "09/04/2020"), True),
    # published later, both orders are possible: not told
    (date(2020, 12, 21), ("03/04/2020", "09/04/2020"), False),
    # month first is the only possible order ("04/09/2020" day first is 4 September)
    (date(2020, 4, 21), ("04/03/2020", "04/09/2020"), False),
    # no year, no telling
    (date(2020, 4, 21), ("03/04", "09/04"), False),
    # no date
    (date(2020, 4, 21), ("Day 0",), False),
])
def test_unseen27_dates_day_first_when_month_first_one_falls_after_the_publication(published, texts, day_first):
    assert day_first_before(published, *texts) is day_first


def test_unseen27_studies_titled_by_dates_before_the_publication_count_by_the_dates():
    # published 21 Apr 2020; "5/7 fevers ...": the first dated study is the presentation
    assert _unseen27_offsets(
        "radiopaedia", "rp_2022_australia_5_7_fevers_1_7_pleuritic_pain_studies_dated_03_04_2020_09_04_2020",
        "https://radiopaedia.org/cases/covid-19-pneumonia-cruise-ship-passenger?lang=us") == ["5", "5", "11"]


@pytest.mark.parametrize("title, rest", [
    ("Patient 1 - admission", "admission"),
    ("Patient 2: Day 5", "Day 5"),
    ("Patient 2", ""),
    ("Day 3", "Day 3"),
    ("The first patient", "The first patient"),  # an ordinal names no study's moment to strip
])
def test_unseen27_without_patient_marker(title, rest):
    assert without_patient_marker(title) == rest


def test_unseen27_study_titles_naming_their_patient_date_the_films_by_the_rest():
    # "Patient 1 - admission" (x 4 days: 4), "Patient 1 - 1 week later" (11); "Patient 2" on arrival, no onset (0)
    assert _unseen27_offsets(
        "radiopaedia",
        "rp_classic_us_two_nursing_home_roommates_patient_1_admission_1_week_later_patient_2_on_arrival",
        "https://radiopaedia.org/cases/covid-19-pneumonia-nursing-home-roommates?lang=us") == ["4", "11", "0"]


@pytest.mark.parametrize("caption, kind, days", [
    ("RX torace a letto (AP), 7 giorni dopo il ricovero", SINCE_ADMISSION, 7),
    ("TC torace 10 giorni dopo l'ingresso", SINCE_ADMISSION, 10),
    ("TC torace 12 giorni dopo l’esordio dei sintomi", SINCE_ONSET, 12),
    ("TC di controllo 5 giorni dopo", AFTER_PREVIOUS, 5),   # no base: from the exam before
])
def test_unseen27_italian_interval_after_its_base(caption, kind, days):
    moments = text_moments(caption, "caption")
    assert [(m.kind, m.days) for m in moments] == [(kind, days)]


def test_unseen27_sirm_film_days_after_the_admission_counts_from_it_not_from_the_ct_before():
    assert _unseen27_offsets(
        "sirm",
        "caso_311_uomo_67_anni_febbre_da_4_giorni_rx_supino_ap_tc_dopo_48_ore_rx_a_letto_7_giorni_dopo_il_ricovero",
        "https://www.sirm.org/2020/04/02/covid-19-caso-311/") == ["4", "6", "11"]


_FOLLOW_UP_FILMS = [ImageTexts(0, caption="PA chest radiograph.", date_text="Admission", group="a", study_title=True)]


@pytest.mark.parametrize("label, history, offset", [
    # a follow-up study titled by its time alone: that long after the presentation (the sample's curators: a
    # Radiopaedia case's studies "at 1 week" and "At 5 weeks" 7 and 35)
    ("Follow-up at 6 weeks", "2/7 fever, cough and SOB.", 44),
    ("6-week follow-up", "Cough and fever for 3 days.", 45),
    ("Follow-up (3 months)", "Fever for 14 days.", 104),
    ("Follow-up CT at 6 weeks", "Cough and fever for 3 days.", 45),   # the exam named between
    ("2-week follow-up chest X-ray", "Cough and fever for 3 days.", 17),
    ("Follow-up at 6 weeks", "Admitted with fever and cough.", 42),
    # a stay the texts end: from the discharge or from the presentation, not said
    ("Follow-up at 6 weeks", "Fever for 3 days. Discharged on day 10 of admission.", None),
    # no follow-up word: "at 32 weeks" may be a pregnancy's
    ("At 32 weeks", "Fever for 3 days.", None),
])
def test_unseen27_a_follow_up_study_titled_by_its_time_counts_from_the_presentation(label, history, offset):
    films = [*_FOLLOW_UP_FILMS,
             ImageTexts(1, caption="CT chest.", date_text=label, group="b", study_title=True)]
    assert case_timeline(history, films).offsets[1].value == offset


# --- unseen28: patients named by letters, a legend's day of the illness beside "on admission", a view named again
# after the listed ones, a history opening on a day of the illness, a relative telling the history -------------------


_EU28_PAIR = "eu_germany_two_patients_a_5_days_pa_lateral_ct_same_day_b_3_day_history_ap_sitting_48_h_after_admission"


def _eu28_rows(tmp_path, replacements=()):
    html = (FIXTURES / "eurorad" / "unseen28" / f"{_EU28_PAIR}.html").read_text()
    for old, new in replacements:
        assert old in html
        html = html.replace(old, new)
    (tmp_path / f"{_EU28_PAIR}.html").write_text(html)
    found = records("eurorad", tmp_path / f"{_EU28_PAIR}.html", "https://www.eurorad.org/case/18833")
    return [r.source_key for r in found], {k: v for r in found for k, v in staged_rows(r).items()}


def test_unseen28_eurorad_patients_named_by_capital_letters_are_split_each_with_its_own_age_sex_and_days(tmp_path):
    keys, rows = _eu28_rows(tmp_path)
    assert keys == ["18833-p1", "18833-p2"]
    first, second = rows["0000018833/18833_1_1.jpg"], rows["0000018833/18833_3_1.jpg"]
    assert (first["sex"], first["age"]) == ("M", "54")
    assert (second["sex"], second["age"]) == ("F", "71")
    # patient B's own history: "her daughter reported symptoms for 3 days"; "at admission", "48 h after admission"
    assert second["offset"] == "3"
    assert rows["0000018833/18833_4_1.jpg"]["offset"] == "5"
    assert first["offset"] == "5"


def test_a_lower_case_letter_after_case_names_no_patient():
    from ingest.patients import patient_named_by, patient_segments
    assert patient_segments("In this case a CT was performed. In case B-cell lymphoma is suspected, biopsy.") == {}
    assert patient_named_by("In this case a repeat radiograph showed progression.") is None
    assert patient_named_by("Patient B. AP chest radiograph at admission.") == 2


@pytest.mark.parametrize("told, view", [
    # the remark names the lateral film again: the listed order still says a is PA
    ("ill-defined opacity in the right lower zone (arrow), better seen on the lateral view.", "PA"),
    ("ill-defined opacity in the right lower zone (arrow).", "PA"),
])
def test_unseen28_a_view_named_again_after_the_listed_views_is_the_listed_films(told, view, tmp_path):
    _, rows = _eu28_rows(tmp_path, [(
        "ill-defined opacity in the right lower zone (arrow), better seen on the lateral view.", told)])
    assert rows["0000018833/18833_1_1.jpg"]["view"] == view
    assert rows["0000018833/18833_1_2.jpg"]["view"] == "L"


def test_three_views_for_two_films_named_in_another_order_stay_unlisted(tmp_path):
    # "lateral, PA and AP" over two films: three distinct views, no one-for-one list
    _, rows = _eu28_rows(tmp_path, [(
        "ill-defined opacity in the right lower zone (arrow), better seen on the lateral view.",
        "compared with an earlier AP film, ill-defined opacity in the right lower zone.")])
    assert rows["0000018833/18833_1_1.jpg"]["view"] is None


@pytest.mark.parametrize("caption", [
    "PA chest radiograph on admission, at day 7 of symptoms: bilateral patchy opacities.",
    "CT on admission (day 7 of symptoms): axial images show bilateral ground-glass opacities.",
])
@pytest.mark.parametrize("history, offset", [
    # the history places no admission: the legend's day of the illness is the admission's
    ("A 45-year-old nurse developed fever and loss of smell and was admitted with dyspnoea.", 7),
    # the history's admission on that day agrees
    ("Fever and dry cough, which had started 7 days earlier. Admitted with hypoxaemia.", 7),
    # the history's shorter span may be one symptom's: the legend counts the illness itself
    ("Fever and dry cough for 4 days. Admitted with hypoxaemia.", 7),
])
def test_unseen28_a_film_on_admission_at_a_day_of_the_illness_is_on_that_day(caption, history, offset):
    films = [ImageTexts(0, caption=caption)]
    assert [o.value for o in case_timeline(history, films).offsets] == [offset]


def test_a_film_on_admission_and_a_day_of_the_stay_keeps_both_words_apart():
    # "on admission" beside a day of the stay or a later interval is no day of the illness: the rule leaves it
    films = [ImageTexts(0, caption="Chest radiograph on admission and 3 days after admission.")]
    assert [o.value for o in case_timeline("Fever for 7 days, then admitted.", films).offsets] == [None]


@pytest.mark.parametrize("history, gap", [
    ("Paziente maschio di 70 anni, in quinta giornata di febbre, tosse e astenia. Saturazione 92%.", 5),
    ("A 70-year-old man on the fifth day of fever, with cough.", 5),
    # a later sentence's day of the illness may date anything (a test, a film)
    ("A 45-year-old nurse developed fever. She was tested on the fourth day of symptoms.", None),
    # an opening that introduces no patient (no age)
    ("Uomo, in quinta giornata di febbre.", None),
    ("Cough and fatigue. A 70-year-old man; tested on the fifth day of fever.", None),
])
def test_unseen28_a_history_opening_with_its_patient_on_a_day_of_the_illness_presents_them_that_day(history, gap):
    found = onset_gap(history)
    assert (found[0] if found else None) == gap


@pytest.mark.parametrize("history, gap", [
    ("A 71-year-old woman was brought in with confusion; her daughter reported symptoms for 3 days.", 3),
    ("An 80-year-old man with confusion. His wife said he had been feverish for a week.", 7),
    # the relative's own symptoms are not the patient's
    ("A 71-year-old woman was brought in with confusion; her daughter had symptoms for 3 days.", None),
    ("A 71-year-old woman was brought in with confusion; her 45-year-old daughter reported fever for 3 days.", None),
])
def test_unseen28_a_relative_telling_the_history_is_no_other_person_the_span_is_about(history, gap):
    found = onset_gap(history)
    assert (found[0] if found else None) == gap


def test_unseen28_sirm_post_opening_on_a_day_of_the_fever_counts_its_films_from_the_onset():
    name = ("caso_313_maschio_70_anni_in_quinta_giornata_di_febbre_rx_pa_tc_stesso_giorno_assiale_coronale_"
            "controllo_dopo_7_giorni_a_letto_ap")
    found = records("sirm", FIXTURES / "sirm" / "unseen28" / f"{name}.html",
                    "https://www.sirm.org/2020/04/28/covid-19-caso-313/")
    rows = {k: v for r in found for k, v in staged_rows(r).items()}
    assert [row["offset"] for row in rows.values()] == ["5", "5", "5", "5", "12"]
    assert [row["view"] for row in rows.values()] == ["PA", "Axial", "Axial", "Coronal", "AP"]


# --- unseen29: a figure's parts dated by the lead they share, "after 1 month", "RX al letto", "a 48 ore", dated onset
# in Italian -------------------------------------------------------------------------------------------------------


_EU29_SPAIN = ("eu_spain_2021_fever_headache_cough_of_3_days_of_evolution_ap_in_emergency_ct_following_day_a_axial_b_"
               "coronal_follow_up_ct_after_1_month")


def _eu29_rows(tmp_path, name, case, replacements=()):
    html = (FIXTURES / "eurorad" / "unseen29" / f"{name}.html").read_text()
    for old, new in replacements:
        assert old in html
        html = html.replace(old, new)
    (tmp_path / f"{name}.html").write_text(html)
    found = records("eurorad", tmp_path / f"{name}.html", f"https://www.eurorad.org/case/{case}")
    return {k: v for r in found for k, v in staged_rows(r).items()}


@pytest.mark.parametrize("legend, offsets", [
    # the lead the parts share dates the exam: (b) is no day after (a)
    ("Unenhanced CT the following day. (a) Axial image and (b) coronal reconstruction: bilateral opacities.",
     ("4", "4")),
    ("Unenhanced CT performed 2 days later: (a) axial image; (b) coronal reconstruction. Bilateral opacities.",
     ("5", "5")),
    # each part its own moment: (b) counts from (a)
    ("Unenhanced CT: (a) axial image the following day; (b) coronal image 2 days later. Bilateral opacities.",
     ("4", "6")),
])
def test_unseen29_a_figures_parts_dated_only_by_their_shared_lead_are_one_exam(legend, offsets, tmp_path):
    old = ("Unenhanced CT the following day. (a) Axial image and (b) coronal reconstruction: bilateral peripheral "
           "ground-glass opacities and consolidations with posterior and basal predominance.")
    rows = _eu29_rows(tmp_path, _EU29_SPAIN, 18921, [(old, legend)])
    assert rows["0000018921/18921_2_1.jpg"]["offset"] == offsets[0]
    assert rows["0000018921/18921_2_2.jpg"]["offset"] == offsets[1]
    assert rows["0000018921/18921_1_1.jpg"]["offset"] == "3"


@pytest.mark.parametrize("caption, days", [
    # a bare "a 48 ore" in a control film's sentence: 48 hours after the film before
    ("Controllo a 48 ore, sempre al letto: peggioramento del quadro.", 2),
    ("RX di controllo a 24 ore: invariato.", 1),
    # a therapy's or a swab's hours date no film
    ("Terapia con eparina, sospesa a 48 ore.", None),
    ("Tampone ripetuto a 48 ore.", None),
])
def test_unseen29_a_control_film_a_bare_n_ore_on_is_that_many_days_after_the_film_before(caption, days):
    found = [(m.kind, m.days) for m in text_moments(caption, "caption")]
    assert found == ([(AFTER_PREVIOUS, days)] if days is not None else [])


def test_unseen29_sirm_control_a_48_ore_counts_from_the_ct_the_same_day():
    name = "caso_330_donna_58_anni_febbre_da_6_giorni_rx_al_letto_tc_hr_stesso_giorno_controllo_a_48_ore_al_letto"
    found = records("sirm", FIXTURES / "sirm" / "unseen29" / f"{name}.html",
                    "https://www.sirm.org/2020/05/06/covid-19-caso-330/")
    rows = {k: v for r in found for k, v in staged_rows(r).items()}
    assert rows["05/caso330-RX-1.jpg"]["offset"] == "6"
    assert rows["05/caso330-TC-2.jpg"]["offset"] == "6"
    assert rows["05/caso330-RX-2.jpg"]["offset"] == "8"


@pytest.mark.parametrize("ct_caption, offsets", [
    # the next exam dated after the admission's day: the first, timeless exam is the presentation's
    ("TC del 18 marzo: vetro smerigliato bilaterale.", [6, 6, 8]),
    # dated the admission's day itself: which came first is not told
    ("TC del 16 marzo: vetro smerigliato bilaterale.", [None, None, 6]),
])
def test_unseen29_a_first_exam_before_an_exam_dated_after_the_admission_is_the_presentations(ct_caption, offsets):
    history = ("Uomo, 49 anni. Esordio dei sintomi il 10 marzo con febbre e tosse secca. Il 16 marzo accede in PS "
               "per comparsa di dispnea. Tampone positivo.")
    films = [ImageTexts(0, caption="RX torace, proiezione PA", group="paragraph 1"),
             ImageTexts(1, caption="RX torace, proiezione LL", group="paragraph 1"),
             ImageTexts(2, caption=ct_caption)]
    timeline = case_timeline(history, films, day_first=True)
    assert [o.value for o in timeline.offsets] == offsets


# --- unseen30: Italian "dimesso dopo N giorni di degenza", a control film "a 3 mesi dalla dimissione" ----------------


@pytest.mark.parametrize("history, moment", [
    ("Trattato con ossigenoterapia ad alti flussi e desametasone, dimesso dopo 18 giorni di degenza.",
     (SINCE_ADMISSION, 18)),
    ("La paziente è stata dimessa a domicilio dopo 2 settimane.", (SINCE_ADMISSION, 14)),
    ("Dimesso dopo 12 giorni di ricovero in buone condizioni.", (SINCE_ADMISSION, 12)),
    # counted from the onset, not the admission: no discharge day of the stay
    ("Dimessa dopo 10 giorni dall'esordio dei sintomi.", None),
])
def test_unseen30_italian_discharge_after_n_days_of_stay(history, moment):
    found = discharge_moment(history)
    assert (None if found is None else (found.kind, found.days)) == moment


@pytest.mark.parametrize("caption, days", [
    ("TC di controllo a 3 mesi dalla dimissione: persistenza di bande parenchimali.", (AFTER_DISCHARGE, 90)),
    ("TC di controllo a un mese dalla dimissione: netto miglioramento.", (AFTER_DISCHARGE, 30)),
    ("RX di controllo a 2 settimane dalla dimissione.", (AFTER_DISCHARGE, 14)),
    # a bare "a 2 settimane" in a control film's sentence: from the film before, as "a 10 giorni"
    ("TC di controllo a 2 settimane: riduzione del vetro smerigliato.", (AFTER_PREVIOUS, 14)),
    # a therapy's weeks date no film
    ("Terapia anticoagulante sospesa a 2 settimane.", None),
])
def test_unseen30_a_film_weeks_or_months_on_is_read_as_its_days_are(caption, days):
    found = [(m.kind, m.days) for m in text_moments(caption, "caption")]
    assert found == ([days] if days is not None else [])


def test_unseen30_sirm_control_ct_months_after_a_discharge_told_in_days_of_stay():
    name = ("caso_335_uomo_59_anni_esordio_7_giorni_prima_del_ricovero_dimesso_dopo_18_giorni_tc_ingresso_assiale_"
            "coronale_tc_a_3_mesi_dalla_dimissione")
    found = records("sirm", FIXTURES / "sirm" / "unseen30" / f"{name}.html",
                    "https://www.sirm.org/2021/03/10/covid-19-caso-335/")
    rows = {k: v for r in found for k, v in staged_rows(r).items()}
    assert rows["03/caso335-TC-ingresso-ax.jpg"]["offset"] == "7"
    assert rows["03/caso335-TC-ingresso-cor.jpg"]["offset"] == "7"
    assert rows["03/caso335-TC-controllo.jpg"]["offset"] == "115"


@pytest.mark.parametrize("labels, want", [
    # a study label of hours alone, unsigned: the hours after the case's day 0, as "+24h"
    (["Initial", "24 hours"], [7, 8]),
    (["Initial", "48h", "Day 4"], [7, 9, 11]),
    # hours that make no whole day tell no day
    (["Initial", "36 hours"], [7, None]),
])
def test_unseen30_a_study_label_of_hours_alone_is_a_day_after_the_day_0(labels, want):
    images = [ImageTexts(k, date_text=label, caption="Chest radiograph.") for k, label in enumerate(labels)]
    history = "Fever, cough and myalgia for 7 days. Admitted to the ICU."
    assert [o.value for o in case_timeline(history, images).offsets] == want


def test_unseen30_radiopaedia_studies_initial_24_hours_day_4():
    name = "rp_classic_brazil_unvaccinated_7_days_fever_studies_initial_24_hours_day_4_intubated_ctpa.html"
    rows = _batch_rows("radiopaedia", "unseen30", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-progressing-to-ards-1?lang=us")
    assert [row["offset"] for row in rows.values()] == ["7", "8", "11", "11"]
    assert [row["view"] for row in rows.values()] == ["AP", "AP Supine", "Axial", "Axial"]


# --- unseen31: a return told as a day of the illness; "on readmission, day 9" ------------------------------------


@pytest.mark.parametrize("history, moment", [
    # a patient sent home from a first visit, back on a day of the illness
    ("She was discharged home in self-isolation. On day 9 of illness she returned with dyspnoea and was admitted.",
     (SINCE_ONSET, 9)),
    ("He was readmitted on day 15 of symptoms with worsening dyspnoea.", (SINCE_ONSET, 15)),
    ("Three weeks after discharge he presented again.", (AFTER_DISCHARGE, 21)),
    # a result coming back, a return home: no readmission
    ("On day 4 of illness the PCR came back positive.", None),
    ("She returned home on day 12 of illness.", None),
    # the day of illness in another clause of the sentence is not the return's
    ("Fever on day 3 of illness; she returned to the emergency department.", None),
])
def test_unseen31_a_readmission_told_as_a_day_of_the_illness(history, moment):
    found = readmission_moment(history)
    assert (None if found is None else (found.kind, found.days)) == moment


_EU31_HISTORY = ("A 45-year-old female nurse attended the emergency department with a 4-day history of fever, "
                 "headache and dry cough. The chest radiograph was considered normal; she was discharged home in "
                 "self-isolation. On day 9 of illness she returned with dyspnoea and SpO2 90%, and was admitted.")


@pytest.mark.parametrize("caption, offset", [
    ("CT pulmonary angiography on readmission, coronal MIP reconstruction.", 9),
    # a bare day beside the readmission restates its day
    ("Chest X-ray (PA) on readmission, day 9: bilateral patchy opacities.", 9),
    ("Chest radiograph at readmission (day 9).", 9),
])
def test_unseen31_a_film_on_readmission_is_on_the_day_of_illness_the_history_returns(caption, offset):
    timeline = case_timeline(_EU31_HISTORY, [ImageTexts(0, caption=caption)])
    assert timeline.offsets[0].value == offset


def test_a_film_on_readmission_with_a_bare_day_stays_blank_when_the_history_dates_no_return():
    history = "A 45-year-old woman with a 4-day history of fever. She was discharged home. She later returned."
    timeline = case_timeline(history, [ImageTexts(0, caption="Chest X-ray on readmission, day 9.")])
    assert timeline.offsets[0].value is None


@pytest.mark.parametrize("history, caption, offset", [
    # a first visit sent home, the return told as a day of the illness: the first visit is the history's span
    (_EU31_HISTORY, "PA (a) and lateral (b) chest radiographs at the first visit: no significant abnormalities.", 4),
    (_EU31_HISTORY, "Chest X-ray at initial presentation.", 4),
    (_EU31_HISTORY, "CT at her first emergency department attendance.", 4),
    # such a return after a first visit the history does not date: blank, not the return's day (was 9)
    ("She was sent home from the emergency department. On day 9 of illness she returned with dyspnoea and was "
     "admitted.", "Chest X-ray at the first visit.", None),
    # an interval after the first visit is not the first visit's day
    (_EU31_HISTORY, "CT a week after her first visit.", None),
])
def test_unseen31_a_film_at_the_first_visit_is_the_first_visits_day(history, caption, offset):
    timeline = case_timeline(history, [ImageTexts(0, caption=caption)])
    assert timeline.offsets[0].value == offset


def test_unseen31_eurorad_first_visit_sent_home_and_readmission_on_day_9_of_illness():
    name = "eu_spain_4_day_history_pa_a_lateral_b_normal_readmitted_day_9_of_illness_pa_ctpa_coronal_mip.html"
    rows = _batch_rows("eurorad", "unseen31", name, "https://www.eurorad.org/case/16739")
    assert [row["offset"] for row in rows.values()] == ["4", "4", "9", "9"]
    assert [row["view"] for row in rows.values()] == ["PA", "L", "PA", "Coronal"]


# --- unseen32: "Dopo 48 h" (hours as "h" after "dopo" / "after"), a diagnosis superimposed on another ---------------


@pytest.mark.parametrize("caption, moment", [
    ("Dopo 48 h peggioramento degli scambi e aumento del D-dimero: angio-TC polmonare.", (AFTER_PREVIOUS, 2)),
    ("Chest CT after 24 h: worsening bilateral consolidation.", (AFTER_PREVIOUS, 1)),
    # hours that make no whole day tell no day, as "dopo 36 ore"
    ("Dopo 36 h nuova RX al letto.", (UNPLACED, -1)),
])
def test_unseen32_hours_written_h_after_dopo_or_after_are_the_films_moment(caption, moment):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [moment]


def test_unseen32_sirm_telegraphic_history_and_an_angio_tc_dopo_48_h():
    name = "caso_338_uomo_71_aa_febbre_e_dispnea_da_7_gg_rx_a_letto_supino_angio_tc_dopo_48_h_embolia_polmonare.html"
    rows = _batch_rows("sirm", "unseen32", name, "https://www.sirm.org/2020/12/04/covid-19-caso-338/")
    assert rows["12/caso338-RX-1.jpg"]["offset"] == "7"
    assert rows["12/caso338-TC-1.jpg"]["offset"] == "9"
    assert rows["12/caso338-TC-2.jpg"]["offset"] == "9"
    assert rows["12/caso338-RX-1.jpg"]["view"] == "AP Supine"
    assert rows["12/caso338-TC-1.jpg"]["view"] == "Axial"


@pytest.mark.parametrize("text, finding", [
    ("COVID-19 pneumonia with superimposed Klebsiella pneumoniae pneumonia", "Pneumonia/Viral/COVID-19"),
    ("Superimposed bacterial pneumonia in a hospitalised COVID-19 patient", "Pneumonia/Viral/COVID-19"),
    ("Bacterial pneumonia superimposed on COVID-19", "Pneumonia/Viral/COVID-19"),
    ("Klebsiella superinfection in a COVID-19 patient", "Pneumonia/Viral/COVID-19"),
    ("COVID-19 pneumonia superinfected with Aspergillus", "Pneumonia/Viral/COVID-19"),
    ("Polmonite COVID-19 con sovrainfezione batterica da Klebsiella", "Pneumonia/Viral/COVID-19"),
    # the disease a second one is superimposed on is the finding, whichever is named first
    ("Klebsiella pneumonia superimposed on Pneumocystis pneumonia", "Pneumonia/Fungal/Pneumocystis"),
    # COVID-19 superimposed on another disease: the curators keep COVID-19 beside a co-infection, so blank
    ("COVID-19 superimposed on Pneumocystis pneumonia", None),
    ("Pneumocystis pneumonia with superimposed COVID-19", None),
    # a complication named alone is the one named
    ("Superimposed bacterial pneumonia", "Pneumonia/Bacterial"),
    # two diseases side by side, or a base the words do not tell: blank
    ("COVID-19 and Klebsiella pneumonia", None),
    ("Superinfection of COVID-19 pneumonia by Aspergillus", None),
])
def test_unseen32_a_disease_superimposed_on_another_is_not_the_cases_finding(text, finding):
    assert NORMALIZERS["finding"](text).value == finding


def test_unseen32_eurorad_covid_19_with_a_superimposed_klebsiella_pneumonia():
    name = ("eu_spain_8_days_of_fever_portable_ap_at_admission_ct_on_day_10_of_admission_a_b_axial_klebsiella_"
            "superinfection.html")
    rows = _batch_rows("eurorad", "unseen32", name, "https://www.eurorad.org/case/19356")
    assert [row["finding"] for row in rows.values()] == ["Pneumonia/Viral/COVID-19"] * 3
    assert [row["offset"] for row in rows.values()] == ["8", "18", "18"]


def test_unseen32_sirm_history_opening_with_the_shorthand_age_is_the_narrative_not_the_byline():
    # caso 339 as telegraphic notes also write it: "M, 55 aa." (no "Uomo"): the paragraph is the patient's history,
    # not a byline line; the lone "M" is no sex the normalizer reads (since SEX_VERSION 27 the sex is the one
    # "Ricoverato" agrees with, unseen38), the age and the days are read
    name = "caso_339_uomo_55_aa_febbre_da_10_gg_rx_pa_in_ps_pneumotorace_in_6a_giornata_rx_al_letto_ap_semiseduto.html"
    html = (FIXTURES / "sirm" / "unseen32" / name).read_text().replace("<p>Uomo, 55 aa. Febbre", "<p>M, 55 aa. Febbre")
    found = parse_sirm_posts(html, "https://www.sirm.org/2021/01/15/covid-19-caso-339/")
    assert len(found) == 1
    assert found[0].history.startswith("M, 55 aa. Febbre da 10 gg")
    rows = staged_rows(found[0])
    assert [row["age"] for row in rows.values()] == ["55", "55"]
    assert [row["offset"] for row in rows.values()] == ["10", "16"]
    assert [row["view"] for row in rows.values()] == ["PA", "AP"]
    assert [row["sex"] for row in rows.values()] == ["M", "M"]
    [sex] = [r for r in normalize_case(found[0]) if r.field == "sex"]
    assert sex.evidence == "Ricoverato"


@pytest.mark.parametrize("history, days", [
    # the notes' "sett." (weeks) beside "gg": the first symptom's week is the onset, not the dyspnoea's 2 days
    ("Uomo, 55 aa. Febbre e tosse da 1 sett., da 2 gg dispnea.", [7, 2]),
    ("Donna, 80 aa. Astenia e febbricola da 2 sett.", [14]),
    # September's abbreviation in a date is no span
    ("Il 15 sett. 2020 febbre, da 2 gg dispnea.", [2]),
    ("Ricoverato il 15 sett. per febbre.", []),
])
def test_unseen32_italian_weeks_abbreviated_sett_are_a_history_span(history, days):
    assert [d for d, _ in symptom_histories(history)] == days


def test_unseen32_sirm_telegraphic_history_in_weeks_dates_the_films_from_the_first_symptom():
    name = "caso_339_uomo_55_aa_febbre_da_10_gg_rx_pa_in_ps_pneumotorace_in_6a_giornata_rx_al_letto_ap_semiseduto.html"
    html = (FIXTURES / "sirm" / "unseen32" / name).read_text().replace(
        "Febbre da 10 gg, da 2 gg dispnea.", "Febbre e tosse da 1 sett., da 2 gg dispnea.")
    found = parse_sirm_posts(html, "https://www.sirm.org/2021/01/15/covid-19-caso-339/")
    rows = staged_rows(found[0])
    assert [row["offset"] for row in rows.values()] == ["7", "13"]


# --- unseen33: the Italian day of the illness ("in XII giornata di malattia") ---------------------------------------


@pytest.mark.parametrize("caption, moment", [
    ("In XII giornata di malattia peggioramento della dispnea. TC torace senza mdc.", (SINCE_ONSET, 12)),
    ("TC torace in 10a giornata di malattia.", (SINCE_ONSET, 10)),
    ("RX torace al 7° giorno di malattia.", (SINCE_ONSET, 7)),
    ("TC in settima giornata di malattia.", (SINCE_ONSET, 7)),
    # a day of the stay stays the stay's
    ("In XII giornata di ricovero TC di controllo.", (HOSPITAL_DAY, 12)),
])
def test_unseen33_the_italian_day_of_the_illness_counts_from_the_onset(caption, moment):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [moment]


def test_unseen33_offset_normalizer_reads_a_numbered_giorno_di_malattia():
    assert NORMALIZERS["offset"]("RX torace al 7° giorno di malattia.").value == 7


def test_unseen33_sirm_ct_in_xii_giornata_di_malattia():
    name = ("caso_340_donna_68_anni_febbre_da_circa_una_settimana_rx_ingresso_ap_seduto_tc_in_xii_giornata_di_"
            "malattia.html")
    rows = _batch_rows("sirm", "unseen33", name, "https://www.sirm.org/2021/02/09/covid-19-caso-340/")
    assert rows["02/caso340-RX-1.jpg"]["offset"] == "7"
    assert rows["02/caso340-TC-1.jpg"]["offset"] == "12"
    assert rows["02/caso340-TC-2.jpg"]["offset"] == "12"
    assert rows["02/caso340-RX-1.jpg"]["view"] == "AP"
    assert rows["02/caso340-TC-1.jpg"]["view"] == "Axial"


# --- unseen33: a time "into the illness"; a hospital stay told only by its length ----------------------------------


@pytest.mark.parametrize("history, days", [
    ("Two weeks into the illness, worsening shortness of breath and now hypoxic on room air.", 14),
    ("Ten days into her illness, she presented with dyspnoea.", 10),
    ("A week into the illness he was admitted.", 7),
    ("3 days into symptoms, she attended the emergency department.", 3),
    ("Ten days into his COVID-19 illness he was admitted.", 10),
])
def test_unseen33_a_time_into_the_illness_is_a_symptom_span(history, days):
    assert [d for d, _ in symptom_histories(history)] == [days]


@pytest.mark.parametrize("history", [
    "Two weeks into the pandemic, he presented with fever and cough.",
    "Three days into the ICU stay, he deteriorated.",
])
def test_unseen33_a_time_into_something_else_is_no_symptom_span(history):
    assert symptom_histories(history) == ()


def test_unseen33_offset_normalizer_reads_a_time_into_the_illness_as_a_history():
    # the simple reader leaves an admission film after a history ambiguous, as after "fever for 14 days" (it was 0:
    # the admission, the history unread)
    result = NORMALIZERS["offset"]("Two weeks into the illness, he presented with dyspnoea. Chest radiograph on "
                                   "admission.")
    assert result.value is None
    assert result.evidence.startswith("Two weeks into the illness")
    assert "symptom history" in result.reason


def test_unseen33_radiopaedia_two_weeks_into_the_illness_and_studies_labelled_by_date():
    name = ("rp_classic_uk_two_weeks_into_the_illness_ap_and_ctpa_same_day_labelled_14_04_2020_follow_up_ct_12_05_"
            "2020.html")
    rows = _batch_rows("radiopaedia", "unseen33", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-ctpa-and-follow-up-ct-2?lang=us")
    offsets = {key.split("/")[0]: row["offset"] for key, row in rows.items()}
    assert offsets["9331101000"] == "14"
    assert offsets["9331102000"] == "14"
    assert offsets["9331102100"] == "14"
    assert offsets["9331103000"] == "42"


@pytest.mark.parametrize("history, days", [
    ("Uomo di 59 anni. Ricoverato in reparto COVID per 10 giorni, in ossigenoterapia con maschera di Venturi.", 10),
    ("She was hospitalised for 12 days.", 12),
    ("After a 10-day hospital stay he was discharged home.", 10),
    ("Her hospital stay lasted 2 weeks.", 14),
])
def test_unseen33_a_stay_told_by_its_length_dates_the_discharge(history, days):
    moment = discharge_moment(history)
    assert moment is not None
    assert (moment.kind, moment.days) == (SINCE_ADMISSION, days)


@pytest.mark.parametrize("history", [
    "Ricoverato in terapia intensiva per 5 giorni.",
    "He was admitted to the ICU for 6 days.",
    "She has been hospitalised for 5 days.",
    "He was admitted with fever for 3 days.",
    "He remained on oxygen for 6 days.",
    # two lengths that disagree: no discharge day
    "Hospitalised for 12 days. After a 20-day hospital stay he was discharged.",
])
def test_unseen33_no_hospital_stay_length_no_discharge(history):
    assert discharge_moment(history) is None


def test_unseen33_an_explicit_discharge_day_wins_over_the_length():
    moment = discharge_moment("He was hospitalised for 12 days and discharged on hospital day 11.")
    assert (moment.kind, moment.days) == (HOSPITAL_DAY, 11)


def test_unseen33_sirm_controllo_a_3_mesi_dalla_dimissione_after_a_stay_of_10_giorni():
    name = ("caso_341_uomo_di_59_anni_a_2_settimane_dall_esordio_rx_pa_e_tc_in_ps_controllo_tc_a_3_mesi_dalla_"
            "dimissione.html")
    rows = _batch_rows("sirm", "unseen33", name, "https://www.sirm.org/2021/03/02/covid-19-caso-341/")
    assert rows["03/caso341-RX-1.jpg"]["offset"] == "14"
    assert rows["03/caso341-TC-1.jpg"]["offset"] == "14"
    assert rows["03/caso341-TC-2.jpg"]["offset"] == "114"


# --- unseen35: the first film "the next day" after a history that ends at the presentation ------------------------


@pytest.mark.parametrize("history, captions, offsets", [
    # the SIRM history of two lines, the onset in the first; the films "Il giorno seguente", the CT the same day
    ("Uomo, 64 anni. Febbre da 6 giorni, tosse secca.\nAccede in PS per comparsa di dispnea. Tampone positivo.",
     ["Il giorno seguente, per peggioramento degli scambi, esegue RX torace in proiezione AP.",
      "TC torace eseguita nella stessa giornata."], [7, 7]),
    ("Fever and dry cough for 5 days; presented to the emergency department with dyspnoea.",
     ["The following day, a chest radiograph showed bilateral peripheral opacities.", "CT the same day."], [6, 6]),
    ("Fever and dry cough for 5 days; presented to the emergency department with dyspnoea.",
     ["Two days later, a chest radiograph showed bilateral peripheral opacities."], [7]),
])
def test_unseen35_a_first_film_the_next_day_counts_from_the_presentation(history, captions, offsets):
    timeline = case_timeline(history, [ImageTexts(k, caption=c) for k, c in enumerate(captions)])
    assert [o.value for o in timeline.offsets] == offsets


@pytest.mark.parametrize("history, caption", [
    # the history names an exam the interval may count from
    ("Fever and dry cough for 5 days. A chest radiograph at the GP was normal.",
     "The following day, a chest radiograph showed bilateral opacities."),
    # the history goes on past the presentation: a day of the stay, a discharge, a day of the illness
    ("Febbre da 6 giorni, intubato il giorno 8.", "Il giorno seguente, esegue RX torace AP."),
    ("Fever for 5 days; admitted, discharged after 10 days.",
     "The following day, a chest radiograph showed bilateral opacities."),
    # no onset gap places the presentation
    ("Uomo, 64 anni, in buona salute. Accede in PS per dispnea.", "Il giorno seguente, esegue RX torace AP."),
    # the legend opens with other words: the interval may be of another exam its findings tell
    ("Febbre da 3 giorni.", "RX torace in PS. Dopo 4 giorni torna in PS ed esegue TC."),
])
def test_unseen35_no_first_film_counted_from_the_presentation(history, caption):
    timeline = case_timeline(history, [ImageTexts(0, caption=caption)])
    assert [o.value for o in timeline.offsets] == [None]


def test_unseen35_sirm_two_line_history_films_il_giorno_seguente():
    name = ("caso_350_uomo_64_anni_febbre_da_6_giorni_storia_in_due_righe_rx_ap_in_ortostasi_e_tc_il_giorno_seguente_"
            "assiale_coronale.html")
    rows = _batch_rows("sirm", "unseen35", name, "https://www.sirm.org/2021/04/13/covid-19-caso-350/")
    assert rows["04/caso350-RX-1.jpg"]["offset"] == "7"
    assert rows["04/caso350-TC-assiale.jpg"]["offset"] == "7"
    assert rows["04/caso350-TC-coronale.jpg"]["offset"] == "7"
    assert rows["04/caso350-RX-1.jpg"]["view"] == "AP"
    assert rows["04/caso350-TC-coronale.jpg"]["view"] == "Coronal"


# --- unseen35: a Radiopaedia stack whose plane is told only in its series label -----------------------------------

_INDIA_CASE = ("rp_2022_india_pneumococcal_pneumonia_covid_negative_pa_and_lateral_ct_48_hours_later_coronal_only_in_"
               "series_label.html")


def _stack_view(plane: str, label: str | None) -> object:
    from ingest.radiopaedia import parse_radiopaedia_case, parse_radiopaedia_stacks

    html = (FIXTURES / "radiopaedia" / "unseen35" / _INDIA_CASE).read_text()
    record = parse_radiopaedia_case(html, "https://radiopaedia.org/cases/pneumococcal-lobar-pneumonia-12?lang=us")
    image = {"id": 1, "public_filename": "https://prod-images-static.radiopaedia.org/images/1/a.png",
             "plane_projection": plane, "aux_modality": label, "position": 0, "content_type": "image/png"}
    payload = json.dumps([{"id": 11, "modality": "CT", "images": [image, {**image, "id": 2, "position": 1,
                          "public_filename": "https://prod-images-static.radiopaedia.org/images/2/b.png"}]}])
    record.images = parse_radiopaedia_stacks(payload, "352102")
    return staged_rows(record)["1/a.png"]["view"]


@pytest.mark.parametrize("label, view", [
    ("Coronal lung window", "Coronal"),
    ("coronal MinIP", "Coronal"),
    ("Axial C+ arterial phase", "Axial"),
])
def test_unseen35_a_stack_without_a_plane_takes_its_series_labels_view(label, view):
    assert _stack_view("", label) == view


@pytest.mark.parametrize("plane, label", [
    # a label naming no plane: nothing to read
    ("", "lung window"),
    ("", "C+ portal venous phase"),
    ("", None),
    # a stack with a plane keeps it
    ("Axial", "Coronal lung window"),
])
def test_unseen35_the_series_label_gives_no_other_view(plane, label):
    assert _stack_view(plane, label) == ("Axial" if plane else None)


def test_unseen35_radiopaedia_pa_and_lateral_and_a_coronal_stack_told_by_its_label():
    rows = _batch_rows("radiopaedia", "unseen35", _INDIA_CASE,
                       "https://radiopaedia.org/cases/pneumococcal-lobar-pneumonia-12?lang=us")
    views = {key.split("/")[0]: row["view"] for key, row in rows.items()}
    assert views["9352101000"] == "PA"
    assert views["9352101100"] == "L"
    assert views["9352102000"] == "Axial"
    assert views["9352102100"] == "Coronal"
    offsets = {key.split("/")[0]: row["offset"] for key, row in rows.items()}
    assert offsets["9352102100"] == "5"


# --- unseen35: the decubitus film told in Italian, Spanish, Portuguese -------------------------------------------


@pytest.mark.parametrize("text", [
    "RX torace in decubito laterale sinistro, a raggio orizzontale: il versamento si stratifica.",
    "Radiografía de tórax en decúbito lateral izquierdo.",
    "Radiografia de tórax em decúbito lateral direito.",
    "RX torace in DECUBITO LATERALE dx",
])
def test_unseen35_a_decubitus_film_in_other_languages_has_no_view(text):
    # a frontal projection of a patient lying on the side: not L (was L, from "laterale")
    result = NORMALIZERS["view"](text, modality="X-ray")
    assert result.value is None
    assert "decubitus" in result.reason


@pytest.mark.parametrize("text, view", [
    ("RX torace eseguito in decubito supino", "AP Supine"),
    ("Rx de tórax en decúbito supino", "AP Supine"),
    ("RX torace in proiezione latero-laterale", "L"),
])
def test_unseen35_other_decubito_words_keep_their_view(text, view):
    assert NORMALIZERS["view"](text, modality="X-ray").value == view


def test_unseen35_sirm_film_in_decubito_laterale_has_no_view():
    name = ("caso_352_donna_72_anni_da_circa_10_giorni_rx_a_letto_supina_all_ingresso_controllo_ap_seduta_dopo_5_"
            "giorni.html")
    html = (FIXTURES / "sirm" / "unseen35" / name).read_text()
    told = "RX torace all’ingresso, eseguito a letto con paziente supina"
    assert told in html
    html = html.replace(told, "RX torace all’ingresso, in decubito laterale sinistro a raggio orizzontale")
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html, "https://www.sirm.org/2021/05/04/covid-19-caso-352/"):
        rows.update(staged_rows(record))
    assert rows["05/caso352-RX-1.jpg"]["view"] is None
    assert rows["05/caso352-RX-1.jpg"]["offset"] == "10"
    assert rows["05/caso352-RX-2.jpg"]["view"] == "AP"


# --- unseen34: a captioned figure of another plane after an uncaptioned upload, under one paragraph --------------

_CASO_342 = ("caso_342_uomo_66_anni_febbre_dal_12_03_in_ps_il_17_03_rx_ap_seduto_angio_tc_il_giorno_successivo_"
             "coronale_rx_supino_a_distanza_di_10_giorni_dal_ricovero.html")
_CASO_342_URL = "https://www.sirm.org/2021/03/30/covid-19-caso-342/"


def _post_rows(html: str, url: str) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html, url):
        rows.update(staged_rows(record))
    return rows


def test_unseen34_sirm_coronal_reconstruction_after_the_uncaptioned_axial_upload_is_the_same_ct():
    # "Il giorno successivo ... angio-TC del torace: ...", an uncaptioned upload (the axial image), then a block
    # figure captioned "Ricostruzione coronale": one CT, the day after the PS film (it was 7: the day after the
    # axial image)
    rows = _batch_rows("sirm", "unseen34", _CASO_342, _CASO_342_URL)
    assert rows["03/caso342-RX-1.jpg"]["offset"] == "5"
    assert rows["03/caso342-TC-1.jpg"]["offset"] == "6"
    assert rows["03/caso342-TC-2.jpg"]["offset"] == "6"
    assert rows["03/caso342-TC-2.jpg"]["view"] == "Coronal"
    assert rows["03/caso342-RX-2.jpg"]["offset"] == "15"


@pytest.mark.parametrize("caption, offset", [
    ("TC di controllo del 28/03, ricostruzione coronale", "16"),
    ("TC in XV giornata di malattia, ricostruzione coronale", "15"),
])
def test_unseen34_a_captioned_figure_telling_its_own_moment_after_an_uncaptioned_upload_keeps_it(caption, offset):
    html = (FIXTURES / "sirm" / "unseen34" / _CASO_342).read_text()
    own = html.replace("<figcaption>Ricostruzione coronale</figcaption>", f"<figcaption>{caption}</figcaption>")
    assert own != html
    rows = _post_rows(own, _CASO_342_URL)
    assert rows["03/caso342-TC-1.jpg"]["offset"] == "6"
    assert rows["03/caso342-TC-2.jpg"]["offset"] == offset


def test_unseen34_a_paragraph_telling_two_kinds_of_exam_does_not_join_the_figures_under_it():
    # "RX ... e TC ..." over an uncaptioned upload and a figure captioned by its plane: which exam each shows is
    # not said, so the figure is not made the upload's exam (with one kind of exam it is)
    html = (FIXTURES / "sirm" / "unseen34" / _CASO_342).read_text()
    two = html.replace("Il giorno successivo, per incremento del D-dimero, viene eseguita angio-TC del torace:",
                       "Il giorno successivo, per incremento del D-dimero, vengono eseguiti RX torace e angio-TC del "
                       "torace:")
    assert two != html
    for page, joined in ((html, True), (two, False)):
        record = parse_sirm_posts(page, _CASO_342_URL)[0]
        upload, figure = record.images[1], record.images[2]
        assert figure.extra.get("paragraph") == upload.caption
        assert (image_texts(record, figure).group == image_texts(record, upload).group) is joined


# --- unseen34 (probed around its phrasings): a time spent in hospital; the Italian "gg" after "a" --------------


@pytest.mark.parametrize("caption, days", [
    ("Chest radiograph in supine position after 9 days in hospital.", 9),
    ("CT after 2 weeks in the hospital: organising changes.", 14),
    ("After 4 days of hospital treatment, CT showed progression.", 4),
    ("Dopo 10 giorni di degenza, RX torace di controllo a letto.", 10),
    ("TC dopo 2 settimane di ospedalizzazione.", 14),
])
def test_unseen34_a_time_spent_in_hospital_counts_from_the_admission(caption, days):
    # it was "after 9 days" from the film before ("in hospital" no base), or unplaced ("di degenza" another base)
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [(SINCE_ADMISSION, days)]


@pytest.mark.parametrize("caption, moment", [
    # a stay elsewhere or in intensive care is no time since this admission
    ("CT after 5 days in hospital elsewhere.", (AFTER_PREVIOUS, 5)),
    ("RX torace dopo 5 giorni di degenza in terapia intensiva.", (UNPLACED, -1)),
    ("CT after 10 days in another hospital.", (AFTER_PREVIOUS, 10)),
])
def test_unseen34_a_stay_elsewhere_or_in_intensive_care_is_not_the_admissions(caption, moment):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [moment]


def test_unseen34_offset_normalizer_reads_a_time_spent_in_hospital_from_the_admission():
    assert NORMALIZERS["offset"]("Chest X-ray after 9 days in hospital.").value == 9
    assert NORMALIZERS["offset"]("RX torace dopo 10 giorni di degenza.").value == 10


@pytest.mark.parametrize("caption, moment", [
    ("A 10 gg dal ricovero, RX torace di controllo eseguito a letto: parziale riduzione degli addensamenti.",
     (SINCE_ADMISSION, 10)),
    ("RX di controllo a 7 gg: netto miglioramento.", (AFTER_PREVIOUS, 7)),
])
def test_unseen34_the_italian_gg_after_a_is_a_time_as_giorni_is(caption, moment):
    # "a 10 giorni dal ricovero" was read, "a 10 gg dal ricovero" not (no word of a day for the scan to start at)
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [moment]


def test_unseen34_the_italian_gg_of_a_dose_is_no_moment():
    assert text_moments("Terapia con enoxaparina a 10 gg.", "caption") == ()


@pytest.mark.parametrize("phrase", ["Dopo 10 giorni di degenza, RX torace di controllo",
                                    "A 10 gg dal ricovero, RX torace di controllo",
                                    "Dopo 10 giorni di ospedalizzazione, RX torace di controllo"])
def test_unseen34_sirm_control_film_ten_days_into_the_stay_told_otherwise(phrase):
    html = (FIXTURES / "sirm" / "unseen34" / _CASO_342).read_text()
    told = html.replace("A distanza di 10 giorni dal ricovero, RX torace di controllo", phrase)
    assert told != html
    rows = _post_rows(told, _CASO_342_URL)
    assert rows["03/caso342-RX-2.jpg"]["offset"] == "15"
    assert rows["03/caso342-RX-2.jpg"]["view"] == "AP Supine"


# --- leftovers46b: one film under a legend naming a frontal and a lateral projection -----------------------------

_EU_19502 = ("eu_turkey_five_days_of_fever_frontal_film_at_admission_normal_pa_of_a_45_year_old_man_ct_same_day_axial_"
             "coronal_sagittal.html")


@pytest.mark.parametrize("legend", [
    "Frontal and lateral chest radiographs at admission: bilateral peripheral hazy opacities in both lower zones.",
    "Frontal and lateral chest X-rays at admission show hazy opacities in both lower zones.",
])
def test_eurorad_one_film_whose_legend_names_frontal_and_lateral_has_no_view(legend):
    html = (FIXTURES / "eurorad" / "unseen35" / _EU_19502).read_text()
    told = "Frontal chest radiograph at admission: bilateral peripheral hazy opacities in both lower zones."
    assert told in html
    rows: dict[str, dict[str, object]] = {}
    for record in parse_eurorad_case(html.replace(told, legend), "https://www.eurorad.org/case/19502"):
        rows.update(staged_rows(record))
    film = rows["0000019502/19502_1_1.jpg"]
    assert film["view"] is None  # was L: only "lateral" was read
    assert film["modality"] == "X-ray"
    assert film["offset"] == "5"


# --- leftovers47: a lone lateral film whose words name "frontal" only for another figure's film ---------------------

@pytest.mark.parametrize("legend", [
    "Lateral chest radiograph at admission (the frontal film is shown in Figure 2): bilateral hazy opacities.",
    "Lateral chest radiograph at admission: hazy opacities in both lower zones; frontal film in Fig. 2.",
    "Lateral chest radiograph at admission: hazy opacities in both lower zones. Compare with the frontal view in "
    "Figure 2.",
])
def test_a_lateral_film_whose_frontal_is_another_figures_is_l(legend):
    html = (FIXTURES / "eurorad" / "unseen35" / _EU_19502).read_text()
    told = "Frontal chest radiograph at admission: bilateral peripheral hazy opacities in both lower zones."
    rows: dict[str, dict[str, object]] = {}
    for record in parse_eurorad_case(html.replace(told, legend), "https://www.eurorad.org/case/19502"):
        rows.update(staged_rows(record))
    assert rows["0000019502/19502_1_1.jpg"]["view"] == "L"  # was blank: "frontal" read as this film's


@pytest.mark.parametrize("legend", [
    # one film, both projections named: which one it is, is not said
    "Frontal and lateral chest radiographs at admission (Figure 2 shows the CT): hazy opacities.",
    "Frontal and lateral chest radiographs (Fig. 1) show hazy opacities in both lower zones.",
    # the citation holds the lateral too, or "frontal" cites no other figure
    "Lateral chest radiograph at admission (see Figure 2 for the frontal and lateral films).",
    "Lateral chest radiograph at admission. Frontal radiograph of the same day: hazy opacities.",
])
def test_frontal_named_beside_the_lateral_without_another_figure_keeps_the_view_blank(legend):
    assert NORMALIZERS["view"](legend, modality="X-ray").value is None


# --- unseen36: the illness named with its time ago before a later presentation -------------------------------------


@pytest.mark.parametrize("history, days", [
    ("COVID-19 two months ago, managed at home. Since then persistent dry cough, low-grade fever.", 60),
    ("COVID pneumonia 6 weeks ago, treated at home. Persistent exertional dyspnoea.", 42),
    ("SARS-CoV-2 infection 3 months ago. Since then breathlessness on exertion.", 90),
    ("Mild COVID-19 five weeks ago; persistent cough since.", 35),
])
def test_unseen36_the_illness_named_with_its_time_ago_is_the_onset(history, days):
    gap = onset_gap(history)
    assert gap is not None
    assert gap[0] == days


@pytest.mark.parametrize("history, gap", [
    # the time ago of a stay elsewhere, not the onset (unseen14's Radiopaedia case)
    ("Hospitalised elsewhere with COVID-19 pneumonia two weeks ago. Transferred on day 15 of illness.", 15),
    # another person's illness, a contact
    ("Her husband had COVID-19 two weeks ago. Now dyspnoea.", None),
    ("Contact with a COVID-19 case 5 days ago.", None),
    # a symptom span of the present illness keeps its own day
    ("COVID-19 two months ago. Now fever and cough for 3 days.", 3),
])
def test_unseen36_other_times_ago_are_no_onset_of_the_illness(history, gap):
    found = onset_gap(history)
    assert (found and found[0]) == gap


def test_unseen36_radiopaedia_organising_pneumonia_two_months_after_covid():
    name = ("rp_2023_poland_covid_two_months_ago_organising_pneumonia_frontal_and_lateral_hrct_same_day_ct_6_weeks_"
            "after_steroids.html")
    rows = _batch_rows("radiopaedia", "unseen36", name,
                       "https://radiopaedia.org/cases/organising-pneumonia-after-covid-19-7?lang=us")
    offsets = {key.split("/")[0]: row["offset"] for key, row in rows.items()}
    assert offsets["9361101000"] == "60"
    assert offsets["9361101100"] == "60"
    assert offsets["9361102000"] == "60"
    assert offsets["9361102100"] == "60"
    assert offsets["9361103000"] is None  # "6 weeks after steroids": open (its README)


# --- unseen37: the Italian age adjective of digits and "-enne" ---------------------------------------------------

_SIRM_361 = ("caso_361_uomo_86enne_da_10_giorni_febbricola_da_ieri_dispnea_rx_a_letto_tc_stessa_giornata_rx_a_letto_"
             "in_quinta_giornata_di_degenza.html")


@pytest.mark.parametrize("text, age", [
    ("Uomo 86enne, ospite di RSA, iperteso e cardiopatico.", 86),
    ("Paziente 72enne, diabetico, con febbre da 5 giorni.", 72),
    ("Una 45-enne, infermiera, tampone positivo.", 45),
    ("Donna di 63 anni. Il marito, 66enne, ricoverato in altro ospedale.", 63),  # her husband's age is not hers
    # the words of a decade are no age in years
    ("Donna ultraottantenne, vive al domicilio con la figlia.", None),
    ("Settantenne con BPCO, febbre da 3 giorni.", None),
])
def test_unseen37_italian_age_adjective_of_digits(text, age):
    assert NORMALIZERS["age"](text).value == age


def test_unseen37_sirm_uomo_86enne():
    rows = _batch_rows("sirm", "unseen37", _SIRM_361, "https://www.sirm.org/2021/11/23/covid-19-caso-361/")
    assert {row["age"] for row in rows.values()} == {"86"}
    assert {row["sex"] for row in rows.values()} == {"M"}


# --- unseen37: a study of several X-ray films whose findings tell them apart by ordinals -------------------------

_RP_75812 = ("rp_classic_2020_netherlands_one_week_of_fever_studies_labelled_by_dates_12_mar_two_frontal_films_in_one_"
             "stack_pa_and_ap_two_days_later_3_apr_pa.html")
_RP_75812_FINDINGS = (
    "<p>Two frontal images. The first is the PA radiograph from the emergency department: patchy ill-defined "
    "opacities in the periphery of both lower zones, right more than left. Heart size normal, no effusion.</p><p>The "
    "second image is an AP sitting film done on the ward two days later (14 March), when his oxygen requirement went "
    "up to 6 L/min: the opacities are more confluent and now also involve both mid zones.</p>")


def _rp_75812_films(findings: str | None = None) -> dict[str, dict[str, object]]:
    path = FIXTURES / "radiopaedia" / "unseen37" / _RP_75812
    html = path.read_text()
    assert _RP_75812_FINDINGS in html
    if findings is not None:
        html = html.replace(_RP_75812_FINDINGS, findings)
    record = parse_radiopaedia_case(html, "https://radiopaedia.org/cases/covid-19-pneumonia-143?lang=us")
    images = []
    for study_id in record.extra["study_ids"]:
        payload = (path.parent / f"stacks_{study_id}.json").read_text()
        images += parse_radiopaedia_stacks(payload, study_id, first_position=len(images))
    record.images = images
    rows = staged_rows(record)
    return {key.split("/")[0]: row for key, row in rows.items() if key.startswith("93711010")}


def test_unseen37_radiopaedia_two_frontal_films_of_one_stack_told_apart_by_ordinals():
    films = _rp_75812_films()
    assert [films[k]["view"] for k in ("9371101000", "9371101001")] == ["PA", "AP"]  # were blank, blank
    assert [films[k]["offset"] for k in ("9371101000", "9371101001")] == ["7", "9"]  # were 7, 7


@pytest.mark.parametrize("findings, views, offsets", [
    ("<p>Image 1: erect PA chest radiograph on arrival, patchy peripheral opacities in both lower zones.</p>"
     "<p>Image 2: supine AP film 3 days later in ICU after intubation, diffuse bilateral opacification.</p>",
     ["PA", "AP Supine"], ["7", "10"]),
    ("<p>The first film is a PA radiograph at presentation with subtle lower zone opacities. The second film, an AP "
     "erect radiograph taken the next day, shows rapid progression.</p>", ["PA", "AP"], ["7", "8"]),
    # the second film's sentences tell no moment: one exam, the study's label dates both
    ("<p>The first image is a PA radiograph at presentation. The second image is an AP erect radiograph done for "
     "comparison on the ward.</p>", ["PA", "AP"], ["7", "7"]),
])
def test_unseen37_radiopaedia_films_of_one_study_their_own_sentences(findings, views, offsets):
    films = _rp_75812_films(findings)
    assert [films[k]["view"] for k in ("9371101000", "9371101001")] == views
    assert [films[k]["offset"] for k in ("9371101000", "9371101001")] == offsets


@pytest.mark.parametrize("findings", [
    # ordinals that list findings, not films
    "<p>First, there are peripheral opacities in both lower zones on the PA film. Second, the AP film two days "
    "later shows progression.</p>",
    # ordinals that do not number the study's two films one each
    "<p>The first image is the PA film at presentation. The second image is the AP film two days later. The third "
    "image is a lateral view.</p>",
    "<p>PA radiograph at presentation and an AP film two days later: the second image shows progression.</p>",
])
def test_unseen37_radiopaedia_study_findings_not_split_by_other_ordinals(findings):
    films = _rp_75812_films(findings)
    # the study's text whole for both films: it names both projections, so neither gets one
    assert [films[k]["view"] for k in ("9371101000", "9371101001")] == [None, None]


# --- unseen38: a SIRM post of a couple, each spouse's paragraph opening with the relation and the age ------------

_CASO_188 = ("caso_188_coppia_di_coniugi_marito_di_anni_62_moglie_di_anni_58_rx_eseguito_in_ps_tc_di_controllo_"
             "dopo_7_giorni.html")
_CASO_188_URL = "https://www.sirm.org/2020/05/04/covid-19-caso-188/"


def test_unseen38_sirm_couple_each_spouse_is_a_patient_of_their_own():
    # "Coppia di coniugi ... Marito, di anni 62 ... da 5 giorni ... RX ... TC lo stesso giorno" then "Moglie, di anni
    # 58 ... da 3 giorni ... RX ... TC di controllo dopo 7 giorni": two patients, each with their own days
    found = records("sirm", FIXTURES / "sirm" / "unseen38" / _CASO_188, _CASO_188_URL)
    assert [r.source_key for r in found] == ["covid-19-caso-188-p1", "covid-19-caso-188-p2"]
    assert found[0].history.startswith("Marito, di anni 62")
    rows = [staged_rows(r) for r in found]
    assert [[(row["sex"], row["age"], row["offset"]) for row in patient.values()] for patient in rows] == [
        [("M", "62", "5"), ("M", "62", "5")], [("F", "58", "3"), ("F", "58", "10")]]
    assert {row["other_notes"] for patient in rows for row in patient.values()} == {
        "Credit to Marco ROSSI, Francesca GALLO, Stefano CONTI"}


def _family_post(*paragraphs: str) -> str:
    body = ""
    for k, text in enumerate(paragraphs):
        body += f"<p>{text}</p>\n"
        if not text.startswith(("Mario", "UO ")):
            body += f'<p><img src="https://www.sirm.org/wp-content/uploads/2020/05/rx-{k}.jpeg" alt=""></p>\n'
    return f'<html><body><article><div class="entry-content">\n{body}</div></article></body></html>'


@pytest.mark.parametrize("first, second", [
    ("Marito, di anni 62, iperteso. Febbre da 5 giorni. RX torace in PS.", "Moglie, di anni 58. Febbre da 3 giorni."),
    ("Il marito, 62 anni, febbre da 5 giorni. RX torace.", "La moglie, 58 anni, febbre da 3 giorni. RX torace."),
    ("<strong>Padre</strong> di 62 anni, febbre e tosse da 5 giorni.", "<strong>Figlia</strong> di 30 anni, tosse."),
    ("Husband, 62 years old, fever for 5 days. Chest X-ray.", "Wife, 58 years old, fever for 3 days. Chest X-ray."),
])
def test_unseen38_sirm_paragraphs_opening_with_two_relations_and_their_ages_are_two_patients(first, second):
    html = _family_post("Mario BIANCHI, Luca VERDI", "UO Radiologia – Ospedale di Lodi", first, second)
    found = parse_sirm_posts(html, "https://www.sirm.org/2020/05/06/covid-19-caso-190/")
    assert [r.source_key for r in found] == ["covid-19-caso-190-p1", "covid-19-caso-190-p2"]
    assert [len(r.images) for r in found] == [1, 1]


@pytest.mark.parametrize("paragraphs", [
    # one patient; a relative told in a paragraph of its own, or in passing
    ("Paziente di anni 70, febbre da 4 giorni. RX torace.", "Il figlio, di anni 40, è risultato positivo."),
    ("Donna di 65 anni, febbre da 3 giorni. RX torace.", "Il marito della paziente, asintomatico, è positivo.",
     "La figlia convivente è in isolamento."),
    # the same relation twice is one person
    ("Marito, di anni 62, febbre. RX torace.", "Marito, di anni 62: TC dopo 2 giorni."),
])
def test_unseen38_sirm_a_relative_told_beside_one_patient_is_no_second_patient(paragraphs):
    html = _family_post("Mario BIANCHI, Luca VERDI", "UO Radiologia – Ospedale di Lodi", *paragraphs)
    found = parse_sirm_posts(html, "https://www.sirm.org/2020/05/06/covid-19-caso-190/")
    assert [r.source_key for r in found] == ["covid-19-caso-190"]


@pytest.mark.parametrize("text, sex", [
    ("Marito, di anni 62, iperteso, ex fumatore. Febbre (38,5°C) e tosse da 5 giorni.", "M"),
    ("Moglie, di anni 58, nessuna patologia di rilievo. Febbricola da 3 giorni.", "F"),
    ("La figlia di 30 anni, febbre da 3 giorni.", "F"),
    ("Il padre, di anni 81, cardiopatico.", "M"),
])
def test_unseen38_a_relation_opening_the_text_with_its_italian_age_is_the_patients_sex(text, sex):
    assert NORMALIZERS["sex"](text, source="sirm").value == sex


@pytest.mark.parametrize("text, sex", [
    # further on, the relation with its age is someone else
    ("Paziente di anni 70. Il figlio di anni 40 è positivo.", None),
    ("Donna di 65 anni, diabetica. Il marito, di anni 70, è risultato positivo al tampone.", "F"),
    ("Uomo di 58 anni. La moglie, di anni 55, asintomatica.", "M"),
    # a relation opening the text without an age in apposition names no patient
    ("Il marito della paziente è risultato positivo.", None),
])
def test_unseen38_a_relation_with_its_italian_age_further_on_is_someone_else(text, sex):
    assert NORMALIZERS["sex"](text, source="sirm").value == sex


# --- unseen38: the sex told by the Italian grammar only ("Paziente di anni 45, obeso ... ricoverato") ------------

def test_unseen38_sirm_sex_told_by_the_agreement_of_adjectives_and_participles():
    name = ("caso_214_paziente_di_anni_45_da_8_giorni_rx_eseguito_in_ps_antero_posteriore_tc_il_giorno_successivo_rx_"
            "dopo_10_giorni_di_degenza.html")
    rows = _batch_rows("sirm", "unseen38", name, "https://www.sirm.org/2020/06/15/covid-19-caso-214/")
    assert [(row["sex"], row["age"], row["offset"]) for row in rows.values()] == [
        ("M", "45", "8"), ("M", "45", "9"), ("M", "45", "18")]


@pytest.mark.parametrize("text, sex", [
    ("Paziente di anni 45, obeso, non fumatore. Viene ricoverato in Malattie Infettive. Dimesso in 14a giornata.",
     "M"),
    # docs/site-notes.md §3.3's caso 40: the article alone
    ("Paziente di anni 53, con ipertensione arteriosa. Il paziente all’ammissione presentava febbre.", "M"),
    ("Paziente di 60 anni, ricoverata per febbre e dispnea. RX eseguito in PS.", "F"),
    ("Paziente di anni 67, fumatrice, ipertesa. Trasferita in terapia intensiva in terza giornata.", "F"),
    ("Paziente di 72 anni, cardiopatico, intubato in seconda giornata e deceduto dopo 10 giorni.", "M"),
])
def test_unseen38_the_italian_agreement_about_the_patient_gives_the_sex(text, sex):
    assert NORMALIZERS["sex"](text, source="sirm").value == sex


@pytest.mark.parametrize("text", [
    # words agreeing with an exam or a test, not with the patient
    "Paziente di 60 anni. RX eseguito in PS: addensamento basale. Tampone positivo.",
    # the two genders
    "Paziente di 60 anni, obeso. Trasferita in terapia intensiva.",
    # another person named: whose stay is not sure
    "Paziente di 60 anni, ricoverata. Il marito, ricoverato nel caso 12, è positivo.",
    "Paziente di anni 58, ricoverato. Il figlio convivente è positivo al tampone.",
])
def test_unseen38_the_italian_agreement_gives_no_sex_when_it_disagrees_or_names_others(text):
    assert NORMALIZERS["sex"](text, source="sirm").value is None


# --- unseen38: a legend's bare "on day 12", the count told for that day in the history or the findings ----------

def test_unseen38_eurorad_bare_day_in_legends_takes_the_count_the_text_tells_for_that_day():
    pages = {
        # the findings citing the figure: "The control radiograph before discharge, on the 12th day of illness
        # (Fig. 3), ..." and the legend "PA chest radiograph on day 12"
        ("eu_poland_19_year_old_student_pneumomediastinum_figure_1a_1b_on_admission_ct_next_day_pa_on_day_12.html",
         "https://www.eurorad.org/case/18941"): {"0000018941/18941_3_1.jpg": "12"},
        # the history: "In the 12th day of hospitalisation she presented ...", legends "... on day 12" (admitted
        # after 6 days of symptoms: 6 + 12)
        ("eu_romania_44_years_old_since_6_days_figure_1_a_xray_b_ct_on_admission_bedside_supine_and_ctpa_coronal_"
         "12th_day_of_hospitalisation.html", "https://www.eurorad.org/case/19388"): {
            "0000019388/19388_2_1.jpg": "18", "0000019388/19388_3_1.jpg": "18"},
    }
    for (name, url), want in pages.items():
        rows = _batch_rows("eurorad", "unseen38", name, url)
        assert {key: rows[key]["offset"] for key in want} == want


def _eurorad_case(history: str, findings: str, legends: list[str]) -> dict[str, dict[str, object]]:
    items = "".join(
        f'<div class="figure-gallery__item"><div class="figure-gallery__item__image"><img src="data:image/gif;base64,'
        f'R0lGODlhAQABAAAAACw=" data-src="https://www.eurorad.org/sites/default/files/styles/figure_image_teaser_large/'
        f'public/figure_image/2022-03/0000019999/19999_{k}_1.jpg?itok=abc" typeof="foaf:Image" /></div>'
        f'<div class="figure-gallery__item__label"><span class="mb-1 d-block"><strong>Figure {k}</strong> {legend}'
        f'</span></div></div>' for k, legend in enumerate(legends, start=1))
    html = f"""<html><head><title>COVID-19 pneumonia | Eurorad</title></head><body><div class="col-12 col-lg-8">
<h1 class="color-color mb-3">COVID-19 pneumonia</h1><p class="color-grey">50 years, male</p>
<div class="block__content node-contents">
<div class="row"><div class="col-12 col-md-3">Clinical History</div>
<div class="col-12 col-md-9"><p>{history}</p></div></div>
<div class="row"><div class="col-12 col-md-3">Imaging Findings</div>
<div class="col-12 col-md-9"><p>{findings}</p></div></div>
<div class="row"><div class="col-12 col-md-3">Final Diagnosis</div>
<div class="col-12 col-md-9"><p>COVID-19 pneumonia</p></div></div>
</div><div class="figure-gallery">{items}</div></div></body></html>"""
    rows: dict[str, dict[str, object]] = {}
    for record in parse_eurorad_case(html, "https://www.eurorad.org/case/19999"):
        rows.update(staged_rows(record))
    return rows


@pytest.mark.parametrize("history, findings, want", [
    # the day told with its count elsewhere, the same number
    ("Fever and cough for 5 days. On day 9 of illness he was admitted to the ICU.",
     "Chest X-ray on admission (Fig. 1).", "9"),
    ("Fever and cough for 5 days, then admitted. On hospital day 7 he worsened.",
     "Chest X-ray on admission (Fig. 1).", "12"),
    # another number, both counts for it, or none: the bare day stays unplaced
    ("Fever and cough for 5 days. On day 10 of illness he was admitted to the ICU.",
     "Chest X-ray on admission.", None),
    ("Fever for 5 days. On day 9 of illness and on day 9 of hospitalisation he worsened.", "Chest X-ray.", None),
    ("Fever and cough for 5 days, then admitted.", "Chest X-ray on admission (Fig. 1).", None),
])
def test_unseen38_a_bare_day_takes_only_the_one_count_the_text_tells_for_it(history, findings, want):
    day = {"9": "9", "12": "7"}.get(want or "", "9")
    rows = _eurorad_case(history, findings, ["PA chest radiograph on admission.",
                                             f"Supine AP chest radiograph on day {day}."])
    assert rows["0000019999/19999_2_1.jpg"]["offset"] == want


# --- unseen36 (leftovers47): a day of the illness told with the disease's name ---------------------------------------

_EU_19634 = ("eu_portugal_tenth_day_of_covid_19_pa_at_the_ed_ctpa_same_day_pulmonary_embolism_2a_axial_2b_coronal_mip_"
             "lung_window.html")


@pytest.mark.parametrize("history, days", [
    ("A 57-year-old man came to the emergency department on the tenth day of COVID-19 with dyspnoea.", 10),
    ("He was admitted on day 8 of COVID-19 because of worsening dyspnoea.", 8),
    ("Admitted on day 6 of COVID19 pneumonia.", 6),
    # the forms the project read before, the same day
    ("A 57-year-old man came to the emergency department on the tenth day of illness with dyspnoea.", 10),
    ("She presented to the emergency department on the seventh day of the disease.", 7),
])
def test_unseen36_day_n_of_covid_is_day_n_of_the_illness(history, days):
    gap = onset_gap(history)
    assert gap is not None and gap[0] == days


@pytest.mark.parametrize("history", [
    # the name counting something else: the pandemic, a vaccine, a ward
    "He was admitted on day 50 of the COVID-19 pandemic with fever.",
    "She came to the emergency department on the third day of COVID-19 vaccination with fever.",
    "He was admitted on day 4 of COVID ward stay.",
])
def test_unseen36_a_day_of_the_pandemic_or_a_vaccination_is_no_day_of_the_illness(history):
    assert onset_gap(history) is None


@pytest.mark.parametrize("history, offset", [
    # a history counting the illness's days by the disease's name: its bare "day 6" counts the illness too
    ("A 60-year-old man presented on day 3 of COVID-19.", 6),
    ("A 60-year-old man presented on day 3 of illness.", 6),
    # ... unless the texts also count the stay
    ("A 60-year-old man presented on day 3 of COVID-19. On hospital day 2 he needed oxygen.", None),
])
def test_unseen36_a_bare_day_of_a_history_counting_covid_days_counts_the_illness(history, offset):
    from ingest.timeline import ImageTexts, case_timeline

    assert case_timeline(history, [ImageTexts(0, caption="Chest radiograph on day 6.")]).offset_of(0).value == offset


def test_unseen36_offset_normalizer_reads_day_n_of_covid_as_a_day_of_illness():
    assert NORMALIZERS["offset"]("Chest radiograph on day 5 of COVID-19").value == 5
    assert NORMALIZERS["offset"]("Chest radiograph on day 5 of the COVID-19 pandemic").value is None


def test_unseen36_eurorad_ctpa_on_the_tenth_day_of_covid():
    rows = _batch_rows("eurorad", "unseen36", _EU_19634, "https://www.eurorad.org/case/19634")
    offsets = [rows[f"0000019634/19634_{n}.jpg"]["offset"] for n in ("1_1", "2_1", "2_2", "3_1")]
    # the lung window of Figure 3 tells no moment of its own: open (its README)
    assert offsets == ["10", "10", "10", None]


# --- unseen41: a "Non-" compound before a view, SIRM figures cited over uploads named otherwise, a visit's cause

_EU_17268 = ("eu_mexico_46_years_female_onset_june_2_admitted_june_8_intubated_june_10_ap_sitting_ct_day_of_admission_"
             "axial_axial_coronal_pneumomediastinum_supine_5_days_after_intubation.html")
_CASO_205 = ("caso_205_uomo_66_anni_da_5_giorni_testo_con_fig_1_fig_2_3_fig_4_galleria_finale_senza_titolo_1_4_rx_pa_"
             "in_ps_tc_stessa_giornata_rx_a_letto_ap_in_7a_giornata.html")
_CASO_205_URL = "https://www.sirm.org/2020/04/03/covid-19-caso-205/"


@pytest.mark.parametrize("text, modality, view", [
    ("Non-enhanced chest CT, axial images in lung window: ground-glass opacities.", "CT", "Axial"),
    ("Non-contrast CT of the chest, coronal reformat: bilateral consolidation.", "CT", "Coronal"),
    ("Non-gated CT, axial slice at the level of the carina.", "CT", "Axial"),
    ("Non-invasive ventilation; chest radiograph in PA projection.", "X-ray", "PA"),
    # a negation is still one: of the view itself, or a word of its own before it
    ("No lateral view was obtained; PA chest radiograph.", "X-ray", "PA"),
    ("Chest radiograph, not PA: bedside film.", "X-ray", None),
])
def test_unseen41_a_non_compound_negates_no_view_named_after_it(text, modality, view):
    assert NORMALIZERS["view"](text, modality=modality).value == view


def test_unseen41_eurorad_non_enhanced_ct_axial_a_b_and_coronal_c():
    rows = _batch_rows("eurorad", "unseen41", _EU_17268, "https://www.eurorad.org/case/17268")
    assert [rows[f"0000017268/17268_2_{n}.jpg"]["view"] for n in (1, 2, 3)] == ["Axial", "Axial", "Coronal"]


def test_unseen41_sirm_gallery_after_the_text_numbered_by_the_paragraphs_citing_its_figures():
    # "RX torace ... (Fig. 1)", "La TC ... (Fig. 2-3)", "RX di controllo ... (Fig. 4)", then four uncaptioned uploads
    # "Senza-titolo-1" ... "-4" in one gallery: upload k is figure k (all four took the last paragraph, X-ray AP 12)
    rows = _batch_rows("sirm", "unseen41", _CASO_205, _CASO_205_URL)
    found = [(rows[f"04/Senza-titolo-{n}.jpg"]["modality"], rows[f"04/Senza-titolo-{n}.jpg"]["view"],
              rows[f"04/Senza-titolo-{n}.jpg"]["offset"]) for n in (1, 2, 3, 4)]
    assert found == [("X-ray", "PA", "5"), ("CT", "Axial", "5"), ("CT", "Axial", "5"), ("X-ray", "AP", "12")]


@pytest.mark.parametrize("change", [
    # one upload fewer than the figures cited, a figure cited by two paragraphs, figures cited out of order
    lambda html: html.replace("<figure class='gallery-item'>", "<figure class='gallery-item' hidden>", 1)
    .replace("<a href='https://www.sirm.org/wp-content/uploads/2020/04/Senza-titolo-1.jpg'>", "<a>", 1)
    .replace('src="https://www.sirm.org/wp-content/uploads/2020/04/Senza-titolo-1-150x150.jpg"', "", 1)
    .replace('srcset="https://www.sirm.org/wp-content/uploads/2020/04/Senza-titolo-1-150x150.jpg 150w, '
             'https://www.sirm.org/wp-content/uploads/2020/04/Senza-titolo-1-300x300.jpg 300w"', "", 1),
    lambda html: html.replace("Non versamento pleurico.", "Non versamento pleurico (Fig. 1).", 1),
    lambda html: html.replace("(Fig. 2-3)", "(Fig. 3-4)", 1).replace("(Fig. 4)", "(Fig. 2)", 1),
])
def test_unseen41_sirm_figures_cited_in_the_text_must_number_the_uploads(change):
    html = change((FIXTURES / "sirm" / "unseen41" / _CASO_205).read_text())
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html, _CASO_205_URL):
        rows.update(staged_rows(record))
    # not told which upload is which figure: every upload keeps the paragraph above the gallery
    assert {row["modality"] for row in rows.values()} == {"X-ray"}


_CASO_208 = ("caso_208_donna_di_61_anni_infermiera_esordio_il_20_marzo_il_24_marzo_in_ps_rx_ap_seduta_fig_1_il_26_03_"
             "tc_fig_2_e_3_immagini_a_blocchi_pz_61_f.html")


@pytest.mark.parametrize("history, onset, admission", [
    ("Esordio dei sintomi il 20 marzo con febbre e astenia. Il 24 marzo, per la comparsa di dispnea, si reca in PS "
     "dove viene ricoverata.", date(2020, 3, 20), date(2020, 3, 24)),
    ("Febbre dal 20 marzo. Il 24 marzo, a causa dell'insorgenza di dispnea, accede al PS.",
     date(2020, 3, 20), date(2020, 3, 24)),
    ("He developed fever on 20 March. On 24 March, because of the onset of dyspnoea, he was admitted to our hospital.",
     date(2020, 3, 20), date(2020, 3, 24)),
    # an onset told as what happened on the date stays the onset
    ("Il 20 marzo comparsa di febbre e tosse; il 24 marzo accede al PS.", date(2020, 3, 20), date(2020, 3, 24)),
])
def test_unseen41_an_onset_told_as_the_cause_of_a_visit_dates_the_visit(history, onset, admission):
    found = history_dates(history, day_first=True)
    assert (found[0] and found[0][0], found[1] and found[1][0]) == (onset, admission)


def test_unseen41_sirm_onset_date_then_the_visit_for_a_new_symptom():
    rows = _batch_rows("sirm", "unseen41", _CASO_208, "https://www.sirm.org/2020/04/06/covid-19-caso-208/")
    assert [rows[f"04/pz-61-F-00{n}.jpg"]["offset"] for n in (1, 2, 3)] == ["4", "6", "6"]


@pytest.mark.parametrize("history, onset, admission", [
    ("She initiated with fever, headache, odynophagia and dry cough on June 2, 2020; on June 7 she presented dyspnea, "
     "and she arrived to the emergency department on June 8 with oxygen saturation of 81%, being hospitalized.",
     date(2020, 6, 2), date(2020, 6, 8)),
    ("He initiated with fever and cough on March 3 and was admitted on March 9.", date(2020, 3, 3), date(2020, 3, 9)),
    ("Fever since March 3. On March 6 he presented diarrhea. He was admitted on March 9.",
     date(2020, 3, 3), date(2020, 3, 9)),
    # a treatment initiated, a presentation "with" or "to": no onset
    ("Fever and cough since March 3. Treatment was initiated with remdesivir on March 10. Admitted on March 9.",
     date(2020, 3, 3), date(2020, 3, 9)),
    ("Fever since March 3. On March 9 she presented with dyspnea to the emergency department.",
     date(2020, 3, 3), date(2020, 3, 9)),
])
def test_unseen41_spanish_english_onset_and_a_later_symptom_presented_on_its_day(history, onset, admission):
    found = history_dates(history)
    assert (found[0] and found[0][0], found[1] and found[1][0]) == (onset, admission)


def test_unseen41_eurorad_onset_june_2_admitted_june_8_intubated_june_10():
    rows = _batch_rows("eurorad", "unseen41", _EU_17268, "https://www.eurorad.org/case/17268")
    names = ("1_1", "2_1", "2_2", "2_3", "3_1")
    # "5 days after the intubation": the history intubates her "on June 10", day 8 of the illness
    assert [rows[f"0000017268/17268_{n}.jpg"]["offset"] for n in names] == ["6", "6", "6", "6", "13"]


# --- unseen42: the emergency department without its article, an illness begun on the ward, an earlier normal study -

_EU_16795 = ("eu_cremona_march_2020_italian_english_a_man_in_his_7th_decade_patient_line_male_fever_since_5_days_ap_"
             "sitting_in_ed_ct_same_night_a_b_axial_c_coronal_supine_after_intubation_7th_day_of_hospitalisation.html")
_CASO_74 = ("caso_74_donna_74_anni_ricoverata_in_ortopedia_il_2_marzo_febbre_dall_8_marzo_rx_in_reparto_ap_supina_del_"
            "10_03_tc_del_12_03_assiale_e_coronale.html")
_CASO_74_URL = "https://www.sirm.org/2020/03/24/covid-19-caso-74/"
_RP_76318 = ("rp_classic_2020_london_staff_nurse_34_years_female_fever_since_31_march_studies_titled_03_11_2016_pa_"
             "occupational_health_07_04_2020_ap_erect_09_04_2020_ctpa_axial_coronal.html")
_RP_76318_URL = "https://radiopaedia.org/cases/covid-19-pneumonia-in-a-healthcare-worker?lang=us"


@pytest.mark.parametrize("text", [
    "Chest X-ray performed in Emergency Department with the patient in sitting position shows opacities.",
    "Chest X-ray in Emergency Department: bilateral opacities.",
    "CT performed in our emergency department showed ground-glass opacities.",
    "Chest radiograph obtained in emergency room: patchy opacities.",
    # the form read before
    "Chest X-ray in the emergency department: bilateral opacities.",
])
def test_unseen42_a_film_in_emergency_department_without_its_article_is_the_presentations(text):
    assert [(m.kind, m.days) for m in text_moments(text, "caption")] == [(SINCE_ADMISSION, 0)]


def test_unseen42_eurorad_film_in_emergency_department_counts_from_the_onset_told_before_it():
    rows = _batch_rows("eurorad", "unseen42", _EU_16795, "https://www.eurorad.org/case/16795")
    assert rows["0000016795/16795_1_1.jpg"]["offset"] == "5"
    assert [rows[f"0000016795/16795_2_{n}.jpg"]["offset"] for n in (1, 2, 3)] == ["5", "5", "5"]


@pytest.mark.parametrize("history, day_first, onset", [
    # the Italian verbs of an onset in the present and the past
    ("Uomo di 60 anni. Il 5 marzo insorge febbre con tosse secca. Il 9 marzo accede in PS.", True, date(2020, 3, 5)),
    ("Donna di 70 anni. Il 4 aprile compaiono febbre e tosse. Ricoverata il 9 aprile.", True, date(2020, 4, 4)),
    # an illness begun in hospital after an admission for another cause, the stay's course turning to it
    ("Donna, 74 anni. Ricoverata in Ortopedia il 2 marzo per frattura del femore, operata il giorno successivo. "
     "Decorso post-operatorio regolare fino all’8 marzo, quando compaiono febbre e tosse secca.", True,
     date(2020, 3, 8)),
    ("A 70-year-old man was admitted on 2 March for an elective hip replacement. His postoperative course was "
     "uneventful until 9 March, when he developed fever and a dry cough.", False, date(2020, 3, 9)),
    # a symptom after an admission for the illness is a complication of its stay
    ("A 60-year-old man with COVID-19 pneumonia was admitted on 2 March. The course was stable until 9 March, when "
     "he developed worsening dyspnoea.", False, None),
    ("A 60-year-old man with fever and cough for 5 days was admitted on 2 March. The course was stable until 9 "
     "March, when he developed worsening dyspnoea.", False, None),
    ("A 70-year-old man was admitted on 2 March for a hip fracture. On 9 March he developed a fever.", False, None),
    ("A 70-year-old man was admitted on 2 March for a hip fracture. The course was uneventful until 9 March, when he "
     "was transferred to rehabilitation.", False, None),
])
def test_unseen42_an_onset_after_the_admission_is_the_illnesss_only_when_the_stay_was_for_another_cause(
        history, day_first, onset):
    found, _admission = history_dates(history, day_first)
    assert (found[0] if found else None) == onset


def test_unseen42_sirm_illness_begun_on_the_orthopaedic_ward_counts_from_its_fever():
    rows = _batch_rows("sirm", "unseen42", _CASO_74, _CASO_74_URL)
    assert [rows[f"03/{n}.jpg"]["offset"] for n in (1, 2, 3)] == ["2", "4", "4"]


def test_unseen42_radiopaedia_study_of_years_before_told_normal_is_its_own_no_finding_case():
    found = records("radiopaedia", FIXTURES / "radiopaedia" / "unseen42" / _RP_76318, _RP_76318_URL)
    assert [r.source_key for r in found] == ["76318", "76318-n1"]
    covid, earlier = (staged_rows(r) for r in found)
    assert len(covid) == 3
    assert {row["finding"] for row in covid.values()} == {"Pneumonia/Viral/COVID-19"}
    assert [row["offset"] for row in covid.values()] == ["7", "9", "9"]
    [row] = earlier.values()
    assert row["finding"] == "No Finding"
    assert row["sex"] == "F"
    assert row["age"] is None
    assert row["offset"] is None
    assert (row["modality"], row["view"]) == ("X-ray", "PA")
    assert "occupational health" not in found[0].findings


@pytest.mark.parametrize("old, new", [
    # a study of the illness's own year, or of the year before: the illness's months may hold it
    ("<h2>03/11/2016</h2>", "<h2>03/11/2019</h2>"),
    ("<h2>03/11/2016</h2>", "<h2>28/03/2020</h2>"),
    # a study of years before that shows lesions
    ("Clear lungs. Normal heart size", "Small nodular opacity in the right upper zone. Normal heart size"),
    # a study of years before that is not told normal
    ("Clear lungs. Normal heart size and mediastinal contours.", "Post-operative appearance of the sternum."),
])
def test_unseen42_radiopaedia_other_studies_stay_with_the_case(old, new):
    path = FIXTURES / "radiopaedia" / "unseen42" / _RP_76318
    html = path.read_text()
    assert old in html
    record = parse_radiopaedia_case(html.replace(old, new), _RP_76318_URL)
    images = []
    for study_id in record.extra["study_ids"]:
        payload = (path.parent / f"stacks_{study_id}.json").read_text()
        images += parse_radiopaedia_stacks(payload, study_id, first_position=len(images))
    record.images = images
    assert [r.source_key for r in split_radiopaedia_patients(record)] == ["76318"]


# --- unseen40: symptoms "lasting one week", a relative bringing the patient in Italian, a paragraph of two exams ---

_EU_16958 = ("eu_croatia_63_years_one_week_fever_negative_first_swab_ct_only_figure_1_a_c_on_admission_ddx_"
             "influenza_pjp_op.html")
_CASO_97 = ("caso_97_uomo_di_67_anni_storia_in_un_unico_periodo_da_circa_6_giorni_rx_ap_seduto_e_tc_nella_stessa_"
            "giornata_galleria_con_nomi_file_whatsapp.html")
_CASO_97_URL = "https://www.sirm.org/2020/03/26/covid-19-caso-97/"


@pytest.mark.parametrize("history, days", [
    ("He was referred because of fever (up to 38.8 °C), dry cough and malaise lasting one week.", 7),
    ("She had a dry cough that had lasted 10 days and fever since yesterday.", 10),
    ("Fever lasting about 5 days, then dyspnoea.", 5),
    ("Headache and myalgia lasting a week.", 7),
    # a treatment or a stay that lasted: no symptom span
    ("He received oxygen therapy lasting 5 days.", None),
    ("After a hospital stay lasting 12 days he was discharged.", None),
])
def test_unseen40_symptoms_lasting_a_span_are_the_illness_history(history, days):
    found = onset_gap(history)
    assert (found[0] if found else None) == days


def test_unseen40_eurorad_ct_only_figure_on_admission_after_a_week_lasting_illness():
    rows = _batch_rows("eurorad", "unseen40", _EU_16958, "https://www.eurorad.org/case/16958")
    assert [rows[f"0000016958/16958_1_{n}.jpg"]["offset"] for n in (1, 2, 3)] == ["7", "7", "7"]
    assert [rows[f"0000016958/16958_1_{n}.jpg"]["view"] for n in (1, 2, 3)] == ["Axial", "Axial", "Coronal"]


@pytest.mark.parametrize("history, days", [
    ("Uomo di 67 anni con febbre da 6 giorni, accompagnato in PS dai familiari.", 6),
    ("Uomo di 67 anni con febbre da 6 giorni viene accompagnato in PS dalla moglie.", 6),
    ("Donna di 80 anni, tosse da 4 giorni, portata in Pronto Soccorso dai suoi familiari.", 4),
    ("Hombre de 67 años con fiebre desde hace 6 días, acompañado por su esposa.", 6),
    # the relative's own illness stays someone else's
    ("Uomo di 67 anni. La moglie ha febbre da 6 giorni.", None),
    ("Uomo di 67 anni con febbre da 6 giorni come la moglie.", None),
])
def test_unseen40_a_relative_who_brings_the_patient_in_a_romance_language_is_no_other_patient(history, days):
    found = onset_gap(history)
    assert (found[0] if found else None) == days


def test_unseen40_sirm_run_on_history_with_the_family_bringing_the_patient():
    rows = _batch_rows("sirm", "unseen40", _CASO_97, _CASO_97_URL)
    names = ("IMG-20200324-WA0007", "IMG-20200324-WA0011", "IMG-20200324-WA0012")
    assert [rows[f"03/{n}.jpg"]["offset"] for n in names] == ["6", "6", "6"]


def test_unseen40_sirm_gallery_under_a_paragraph_of_two_exams_takes_neither_exams_view():
    # "RX torace (AP, paziente seduto): ... TC torace: ..." over three uploads captioned by file names: the AP is the
    # RX's, and the uploads may be the TC's (two of them are): blank, not X-ray AP for all three
    rows = _batch_rows("sirm", "unseen40", _CASO_97, _CASO_97_URL)
    names = ("IMG-20200324-WA0007", "IMG-20200324-WA0011", "IMG-20200324-WA0012")
    assert [(rows[f"03/{n}.jpg"]["modality"], rows[f"03/{n}.jpg"]["view"]) for n in names] == [(None, None)] * 3


def test_unseen40_sirm_gallery_under_a_paragraph_of_one_exam_keeps_its_view():
    html = (FIXTURES / "sirm" / "unseen40" / _CASO_97).read_text()
    html = html.replace(" TC torace: multiple aree", " Si associano multiple aree")
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html, _CASO_97_URL):
        rows.update(staged_rows(record))
    assert {(row["modality"], row["view"]) for row in rows.values()} == {("X-ray", "AP")}


# --- unseen39 (crawled39): the same afternoon; a stay told by its length in hospital ---------------------------------

@pytest.mark.parametrize("history, later", [
    ("Sore throat and fevers for five days, now pleuritic pain.", "CT pulmonary angiogram the same afternoon: no PE."),
    ("Sore throat and fevers for five days, now pleuritic pain.", "CTPA performed the same evening. No embolus."),
    ("Sore throat and fevers for five days, now pleuritic pain.", "CT on the same morning showed ground-glass."),
    ("Febbre e tosse da 5 giorni.", "TC del torace eseguita lo stesso pomeriggio: ground glass bilaterale."),
    # the form read before
    ("Sore throat and fevers for five days, now pleuritic pain.", "CT pulmonary angiogram the same day: no PE."),
])
def test_unseen39_the_same_afternoon_is_the_day_of_the_film_before(history, later):
    from ingest.timeline import ImageTexts, case_timeline

    images = [ImageTexts(0, caption="Patchy consolidation in the left lower lobe.", date_text="Chest (PA)", group="1"),
              ImageTexts(1, caption="Patchy consolidation in the left lower lobe.", date_text="Chest (PA)", group="1"),
              ImageTexts(2, caption=later, date_text="CTPA", group="2")]
    timeline = case_timeline(history, images)
    assert [timeline.offset_of(p).value for p in range(3)] == [5, 5, 5]


_RP_99731 = ("rp_2022_scotland_triple_vaccinated_rituximab_omicron_5_days_chest_pa_and_lateral_stacks_ctpa_same_"
             "afternoon_two_axial_windows_and_coronal.html")


def test_unseen39_radiopaedia_ctpa_the_same_afternoon():
    rows = _batch_rows("radiopaedia", "unseen39", _RP_99731,
                       "https://radiopaedia.org/cases/omicron-covid-19-pneumonia-in-a-vaccinated-immunosuppressed-patient")
    assert {row["offset"] for row in rows.values()} == {"5"}


@pytest.mark.parametrize("history, offset", [
    ("Admitted after a week of fever and cough. 24 days in hospital, of which 11 in ICU with invasive ventilation.",
     7 + 24 + 180),
    ("Fever and cough for 7 days before admission. He spent 3 weeks in hospital and went home on oxygen.",
     7 + 21 + 180),
    ("Fever and cough for 7 days before admission. She had 12 days of hospitalisation.", 7 + 12 + 180),
    # the forms read before
    ("Admitted after a week of fever and cough. Discharged after 24 days in hospital.", 7 + 24 + 180),
    ("Fever and cough for 7 days before admission. After a 12-day hospital stay she went home.", 7 + 12 + 180),
    # a moment within the stay, a stay in intensive care, one going on, another's, an earlier one: no discharge
    ("Fever and cough for 7 days before admission. After 5 days in hospital she was intubated.", None),
    ("Fever and cough for 7 days before admission. On day 5 in hospital she deteriorated.", None),
    ("Fever and cough for 7 days before admission. He spent 6 days in hospital in the ICU.", None),
    ("Fever and cough for 7 days before admission. He has spent 5 days in hospital so far.", None),
    ("Fever and cough for 7 days before admission. Her husband spent 8 days in hospital.", None),
    ("Fever and cough for 7 days. She spent 10 days in hospital in 2019 for a hip fracture.", None),
])
def test_unseen39_a_stay_told_by_its_length_in_hospital_places_the_discharge(history, offset):
    from ingest.timeline import ImageTexts, case_timeline

    timeline = case_timeline(history, [ImageTexts(0, caption="HRCT 6 months after discharge: subpleural bands.")])
    assert timeline.offset_of(0).value == offset


_RP_95022 = ("rp_classic_2022_portugal_post_covid_clinic_week_of_fever_24_days_in_hospital_icu_supine_day_4_hrct_"
             "6_and_12_months_after_discharge.html")


def test_unseen39_radiopaedia_hrct_6_and_12_months_after_a_stay_of_24_days_in_hospital():
    rows = _batch_rows("radiopaedia", "unseen39", _RP_95022,
                       "https://radiopaedia.org/cases/post-covid-19-fibrotic-like-changes-6-and-12-months")
    assert sorted(row["offset"] for row in rows.values()) == ["11", "211", "211", "391"]


# --- unseen43: a respiratory support's span, a study's films captioned one by one in its findings ---

_EU_16843 = ("eu_italy_62_years_male_short_history_no_onset_days_in_imaging_findings_only_xr_at_admission_ct_on_day_2_"
             "follow_up_ct_on_day_21.html")


@pytest.mark.parametrize("history, days", [
    # how long a respiratory support lasted, named by its device: no span of the illness
    ("The patient needed CPAP in the sub-intensive care unit for one week, then improved.", None),
    ("She was on high-flow nasal oxygen for 4 days.", None),
    ("He required HFNC for 5 days before intubation.", None),
    ("NIV for 3 days was not enough.", None),
    ("Placed on ECMO for 2 weeks.", None),
    # the illness's span in the same kind of sentence still read
    ("Fever and cough for one week, then CPAP in the ward.", 7),
])
def test_unseen43_a_respiratory_support_for_a_span_is_no_illness_history(history, days):
    found = onset_gap(history)
    assert (found[0] if found else None) == days


def test_unseen43_eurorad_days_told_in_the_findings_with_no_onset_count_from_the_admission():
    rows = _batch_rows("eurorad", "unseen43", _EU_16843, "https://www.eurorad.org/case/16843")
    keys = ("1_1", "2_1", "3_1", "3_2")
    assert [rows[f"0000016843/16843_{k}.jpg"]["offset"] for k in keys] == ["0", "2", "21", "21"]


_RP_76112 = ("rp_2022_layout_2020_uk_45_years_female_a_week_of_fever_one_stack_of_four_images_pa_lateral_supine_ap_"
             "icu_two_days_later_ap_sitting_on_14_april.html")
_RP_76112_URL = "https://radiopaedia.org/cases/covid-19-pneumonia-serial-chest-radiographs-3"
_RP_76112_IMAGES = ("9432101000", "9432101001", "9432101002", "9432101003")


def _rp_76112_rows(findings: str | None = None) -> list[tuple[object, object]]:
    """(view, offset) of the four images of rID 76112's one X-ray stack, its findings replaced by ``findings``."""
    folder = FIXTURES / "radiopaedia" / "unseen43"
    html = (folder / _RP_76112).read_text()
    if findings is not None:
        start = html.index('<div class="study-findings body">') + len('<div class="study-findings body">')
        html = html[:start] + findings + html[html.index("</div>", start):]
    record = parse_radiopaedia_case(html, _RP_76112_URL)
    record.images = parse_radiopaedia_stacks((folder / "stacks_432101.json").read_text(), "432101")
    rows = staged_rows(record)
    by_id = {key.split("/")[0]: row for key, row in rows.items()}
    return [(by_id[i]["view"], by_id[i]["offset"]) for i in _RP_76112_IMAGES]


def test_unseen43_radiopaedia_one_stack_of_four_films_captioned_one_by_one_in_the_findings():
    assert _rp_76112_rows() == [("PA", "7"), ("L", "7"), ("AP Supine", "9"), ("AP", "15")]


@pytest.mark.parametrize("first", [
    "Image 1 (PA) and image 2 (lateral), at presentation:",
    "Images 1 (PA) and 2 (lateral), at presentation:",
    "Image 1 (PA) & image 2 (lateral) at presentation:",
    "Images 1 (PA), 2 (lateral) on arrival in ED:",
    # a number in the heading's tail names no film
    "Images 1 (PA) and 2 (lateral), taken 3 hours after arrival:",
])
def test_unseen43_a_heading_naming_several_films_gives_each_its_own_words(first):
    findings = (f"<p>{first} patchy peripheral opacities in both lower zones. On the lateral the opacity projects "
                "over the spine.</p><p>Image 3: supine AP film on ICU two days later, after intubation.</p>"
                "<p>Image 4: AP sitting, 14 April, the day after extubation.</p>")
    assert _rp_76112_rows(findings) == [("PA", "7"), ("L", "7"), ("AP Supine", "9"), ("AP", "15")]


@pytest.mark.parametrize("findings", [
    # the headings do not name the four films one by one in order: the study's words are every film's
    "<p>Images 1 and 3 (PA): opacities.</p><p>Image 2: lateral.</p><p>Image 4: supine AP two days later.</p>",
    "<p>Image 1 (PA) and image 2 (lateral), at presentation: opacities.</p><p>Image 4: AP two days later.</p>",
])
def test_unseen43_headings_not_naming_every_film_in_order_split_nothing(findings):
    # (the lateral keeps its plane; the frontal films take no view from another film's words)
    assert [view for view, _ in _rp_76112_rows(findings)] == [None, "L", None, None]


_EU_16979 = ("eu_portugal_33_years_female_31_weeks_pregnant_5_day_history_ap_with_lead_apron_at_admission_ct_with_"
             "abdominal_shielding_2_days_later_caesarean_day_4_supine_ap_3_days_after_delivery.html")


@pytest.mark.parametrize("findings, offset", [
    ("An emergency caesarean section was performed on the fourth day of admission. A portable supine radiograph 3 "
     "days after delivery showed consolidation.", 5 + 4 + 3),
    ("She was intubated on day 2 of admission. The radiograph 2 days after intubation showed the tube.", 5 + 2 + 2),
    # the history's own telling of the event first
    ("An emergency caesarean section was performed on the sixth day of admission. A radiograph 3 days after delivery "
     "showed consolidation.", 5 + 4 + 3),
])
def test_unseen43_an_event_the_findings_tell_dates_a_film_counted_from_it(findings, offset):
    history = "A woman at 31 weeks of gestation presented with a 5-day history of fever and cough."
    if "sixth" in findings:
        history += " A caesarean section was performed on the fourth day of admission."
    film = ImageTexts(0, caption=findings.split(". ")[-1])
    assert case_timeline(history, [film], findings=findings).offset_of(0).value == offset


def test_unseen43_eurorad_supine_film_3_days_after_a_delivery_told_in_the_findings():
    rows = _batch_rows("eurorad", "unseen43", _EU_16979, "https://www.eurorad.org/case/16979")
    keys = ("1_1", "2_1", "2_2", "3_1")
    assert [rows[f"0000016979/16979_{k}.jpg"]["offset"] for k in keys] == ["5", "7", "7", "12"]


# --- unseen44: an illness crossing the new year told by dates without a year ---

_RP_88417 = ("rp_classic_2021_greece_61_years_female_onset_29_december_ed_3_january_studies_labelled_study_1_erect_ap_"
             "and_study_2_ct_next_morning_4_january.html")


@pytest.mark.parametrize("history, gap", [
    ("Fever, dry cough and fatigue from 29 December, treated at home. Came to ED on 3 January.", 5),
    ("Febbre dal 28 dicembre; accede in PS il 2 gennaio.", 5),
    ("Symptoms started on December 20th. She presented to the emergency department on January 4th.", 15),
    # a year written: the dates as they are
    ("Fever from 29 December 2020. Came to ED on 3 January 2021.", 5),
    # weeks after the admission in the same year: a complication of the stay, no onset (as before)
    ("Admitted on 3 March for a hip fracture. On 28 March she developed fever and cough.", None),
])
def test_unseen44_an_onset_dated_without_a_year_before_a_new_year_admission(history, gap):
    onset, admitted = history_dates(history)
    assert (None if onset is None else (admitted[0] - onset[0]).days) == gap


def test_unseen44_radiopaedia_studies_dated_after_an_onset_in_the_year_before():
    rows = _batch_rows("radiopaedia", "unseen44", _RP_88417, "https://radiopaedia.org/cases/covid-19-pneumonia-118")
    assert sorted(row["offset"] for row in rows.values()) == ["5", "6", "6"]


# --- unseen44: a legend lettering its panels with dashes, findings citing a figure's sub-images by letter ---

_EU_17215 = ("eu_poland_54_years_male_symptoms_lasting_for_7_days_fig_1_a_d_xr_ap_at_admission_and_ct_on_the_3rd_day_"
             "of_hospitalization_control_pa_on_the_12th_day.html")


@pytest.mark.parametrize("legend, parts", [
    ("Fig. 1 a-d: a – chest X-ray on admission; b, c – chest CT, axial images; d – CT, coronal reconstruction.",
     {"a": "chest X-ray on admission", "b": "chest CT, axial images", "c": "chest CT, axial images",
      "d": "CT, coronal reconstruction"}),
    ("Fig. 2. a – CT on admission; b – CT after 7 days.", {"a": "CT on admission", "b": "CT after 7 days"}),
    ("Рис. 1: a - рентгенограмма при поступлении; b - КТ.", {"a": "рентгенограмма при поступлении", "b": "КТ"}),
    # a dash inside the text letters nothing
    ("Chest X-ray – bilateral opacities; CT – ground glass.", {}),
])
def test_unseen44_a_legend_lettering_its_panels_with_dashes(legend, parts):
    assert parse_subcaptions(legend) == parts


@pytest.mark.parametrize("findings, letter, want", [
    ("Chest X-ray performed at the admission showed opacities (Fig. 1a). CT examination (Fig. 1b-d) revealed GGO.",
     "b", "CT examination (Fig. 1b-d) revealed GGO."),
    ("Chest X-ray performed at the admission showed opacities (Fig. 1a). CT examination (Fig. 1b-d) revealed GGO.",
     "a", "Chest X-ray performed at the admission showed opacities (Fig. 1a)."),
    ("The radiograph (Figs. 1a and 1c) showed opacities.", "b", ""),
    ("The radiograph (Figs. 1a and 1c) showed opacities.", "c", "The radiograph (Figs. 1a and 1c) showed opacities."),
    # a citation of the whole figure is every sub-image's
    ("CT on admission (Fig. 1) showed GGO.", "c", "CT on admission (Fig. 1) showed GGO."),
    ("CT on admission (Fig. 1) showed GGO.", "", "CT on admission (Fig. 1) showed GGO."),
])
def test_unseen44_findings_citing_a_figures_other_sub_images_are_not_a_sub_images_words(findings, letter, want):
    assert cited_sentences(findings, 1, letter) == want


def test_unseen44_eurorad_fig_1_a_d_of_two_modalities():
    rows = _batch_rows("eurorad", "unseen44", _EU_17215, "https://www.eurorad.org/case/17215")
    got = [(rows[f"0000017215/17215_1_{k}.jpg"][f]) for k in range(1, 5) for f in ("modality", "view")]
    assert got == ["X-ray", "AP", "CT", "Axial", "CT", "Axial", "CT", "Coronal"]
    assert rows["0000017215/17215_1_1.jpg"]["offset"] == "7"
    # the X-ray's "at the admission" is not the CT's
    assert all(rows[f"0000017215/17215_1_{k}.jpg"]["offset"] != "7" for k in range(2, 5))


# --- unseen44: the history's one exam of a figure's modality dates it ---

_EU_16912 = ("eu_romania_39_years_female_nurse_fever_started_4_days_before_fig_1_a_b_pa_and_lateral_at_admission_"
             "ct_on_the_3rd_day_of_hospitalization_fig_2_a_b.html")
_EU_16912_HISTORY = ("On the 3rd day of hospitalization she accused dyspnea and the oxygen saturation dropped to "
                     "91%, so a CT scan was required.")


def _eu_16912_ct_offsets(history_tail: str | None = None) -> list[object]:
    folder = FIXTURES / "eurorad" / "unseen44"
    html = (folder / _EU_16912).read_text()
    if history_tail is not None:
        html = html.replace(_EU_16912_HISTORY, history_tail)
    rows: dict[str, dict[str, object]] = {}
    for record in parse_eurorad_case(html, "https://www.eurorad.org/case/16912"):
        rows.update(staged_rows(record))
    return [rows[f"0000016912/16912_2_{k}.jpg"]["offset"] for k in (1, 2)]


@pytest.mark.parametrize("history_tail, offsets", [
    (None, ["7", "7"]),
    ("On the 3rd day of hospitalization she accused dyspnea, so a chest CT was performed.", ["7", "7"]),
    ("Two days after admission her saturation dropped to 91% and an unenhanced CT was performed.", ["6", "6"]),
    # the history tells two CTs, or none with its moment: not this figure's moment
    ("A CT on admission was normal. On the 3rd day of hospitalization she accused dyspnea and a CT was repeated.",
     [None, None]),
    ("She accused dyspnea and the oxygen saturation dropped to 91%, so a CT scan was required.", [None, None]),
])
def test_unseen44_the_historys_one_exam_of_the_figures_modality_dates_it(history_tail, offsets):
    assert _eu_16912_ct_offsets(history_tail) == offsets


def test_unseen44_eurorad_fig_1_b_d_ct_dated_by_the_history():
    rows = _batch_rows("eurorad", "unseen44", _EU_17215, "https://www.eurorad.org/case/17215")
    assert [rows[f"0000017215/17215_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "1_3", "1_4", "2_1")] == [
        "7", "10", "10", "10", "19"]


# --- unseen44: a film "in PS" named with its projection, or by the verb that did it there ---

_SIRM_196 = ("caso_196_uomo_di_66_anni_presente_storico_da_una_settimana_rx_pa_in_ps_dopo_4_giorni_di_terapia_rx_a_"
             "letto_semiseduto_e_tc_nello_stesso_giorno.html")


@pytest.mark.parametrize("words, at_admission", [
    ("RX torace PA in PS", True),
    ("RX torace in AP in Pronto Soccorso", True),
    ("Radiografia del torace postero-anteriore eseguita in PS", True),
    ("Esegue in PS radiografia del torace in proiezione postero-anteriore.", True),
    ("Viene effettuata in PS una TC del torace.", True),
    ("RX torace in PA eseguito in PS", True),
    # the PS named in another sentence, or another visit's words
    ("RX torace PA. In PS la saturazione era 92%.", False),
    ("Dopo 4 giorni torna in PS ed esegue TC.", False),
])
def test_unseen44_a_film_in_ps_with_its_projection_or_done_there_is_the_presentations(words, at_admission):
    assert bool(AT_ADMISSION.search(words)) is at_admission


def test_unseen44_sirm_presenting_film_rx_torace_pa_in_ps():
    rows = _batch_rows("sirm", "unseen44", _SIRM_196, "https://www.sirm.org/2020/05/06/covid-19-caso-196/")
    assert rows["05/caso196-rx1.jpg"]["offset"] == "7"


# --- unseen44: a day of the stay told by an ordinal word past the tenth ---

@pytest.mark.parametrize("words, kind, days", [
    ("Intubated in the first 24 hours; died on the eleventh day of admission.", HOSPITAL_DAY, 11),
    ("CT on the twenty-first day of illness showed fibrotic bands.", SINCE_ONSET, 21),
    ("Control radiograph on the fifteenth hospital day.", HOSPITAL_DAY, 15),
    ("on the thirty first day of admission", HOSPITAL_DAY, 31),
    # the first ten as before
    ("on the fourth day of admission", HOSPITAL_DAY, 4),
])
def test_unseen44_a_day_told_by_an_ordinal_word_past_the_tenth(words, kind, days):
    # (was "day of admission", the admission's day 0, for "the eleventh day of admission")
    assert [(m.kind, m.days) for m in text_moments(words, "history")] == [(kind, days)]


# --- unseen46: a visit's second reason told by an onset word; "the next day of admission" ---

@pytest.mark.parametrize("history", [
    "La moglie, 69 anni, accusa febbre dal 12 marzo e rimane in isolamento domiciliare. Il 18 marzo, per la "
    "persistenza della febbre e comparsa di astenia marcata e dispnea, viene inviata in PS.",
    "Febbre dal 12 marzo. Il 18 marzo, per febbre persistente e comparsa di dispnea, si reca in PS.",
    "Febbre dal 12 marzo. Il 18 marzo, a causa della persistenza della febbre e della comparsa di dispnea, si reca "
    "in PS.",
    "Fever since 12 March. On 18 March, due to persistent fever and the onset of dyspnoea, she was sent to the ED.",
    "She had fever from 12 March. On 18 March, because of worsening cough and new onset of dyspnoea, she presented "
    "to the ED.",
])
def test_unseen46_an_onset_word_coordinated_in_a_visits_cause_does_not_date_an_onset(history):
    # (was no date at all: the visit's day read as a second onset, the two onsets disagreeing)
    onset, admission = history_dates(history)
    assert (onset[0], admission[0]) == (date(2020, 3, 12), date(2020, 3, 18))


def test_unseen46_sirm_caso_231_the_wife_counted_from_her_own_fever():
    name = ("caso_231_coppia_marito_74_anni_febbre_dal_9_marzo_in_ps_il_15_rx_ap_seduto_tc_il_giorno_dopo_moglie_69_"
            "anni_febbre_dal_12_marzo_in_ps_il_18_rx_pa_e_laterale.html")
    rows = _batch_rows("sirm", "unseen46", name, "https://www.sirm.org/2020/03/30/covid-19-caso-231/")
    assert [(rows[k]["sex"], rows[k]["age"], rows[k]["offset"]) for k in (
        "03/Caso-231-marito-RX.jpg", "03/Caso-231-marito-TC.jpg", "03/Caso-231-moglie-RX-PA.jpg",
        "03/Caso-231-moglie-RX-LL.jpg")] == [("M", "74", "6"), ("M", "74", "7"), ("F", "69", "6"), ("F", "69", "6")]


@pytest.mark.parametrize("words, kind, days", [
    ("HRCT thorax done on the next day of admission, as SpO2 was 86% on room air.", SINCE_ADMISSION, 1),
    ("CT chest done on the following day of hospitalization.", SINCE_ADMISSION, 1),
    ("Repeat film on the next day of his admission.", SINCE_ADMISSION, 1),
    # (the guards: the day of admission itself, and a next day counted from the film before)
    ("Radiograph on the day of admission.", SINCE_ADMISSION, 0),
    ("CT done on the next day.", AFTER_PREVIOUS, 1),
])
def test_unseen46_the_next_day_of_admission_is_the_day_after_it(words, kind, days):
    # (was two moments that disagree, "on the next day" and "day of admission": blank)
    assert [(m.kind, m.days) for m in text_moments(words, "findings")] == [(kind, days)]


def test_unseen46_radiopaedia_96342_hrct_on_the_next_day_of_admission():
    name = ("rp_classic_2021_india_52_years_male_one_line_history_fever_and_cough_since_10_days_desaturation_portable_"
            "ap_on_admission_hrct_next_day_axial_coronal_ct_severity_score.html")
    rows = _batch_rows("radiopaedia", "unseen46", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-ct-severity-score-7")
    assert sorted((r["modality"], r["view"], r["offset"]) for r in rows.values()) == [
        ("CT", "Axial", "11"), ("CT", "Coronal", "11"), ("X-ray", "AP", "10")]


# --- unseen46: a lung ultrasound sub-image of a Eurorad figure whose legend, shared, names a CT too ---

def _eurorad_figure(captions: list[str]) -> str:
    items = "".join(f"""<div class="figure-gallery__item"><div class="figure-gallery__item__image">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://www.eurorad.org/sites/default/files/styles/
figure_image_teaser_large/public/figure_image/2021-03/0000017000/17000_1_{n}.jpg?itok=x" typeof="foaf:Image"></div>
<div class="figure-gallery__item__label"><span class="mb-1 d-block"><strong>Figure 1</strong> {c}<br />Origin: A B
</span></div></div>""".replace("styles/\n", "styles/") for n, c in enumerate(captions, 1))
    return f"""<html><body><h1>COVID-19 pneumonia</h1><div class="block__content node-contents">
<div class="row mb-4"><div class="col-12 col-md-3"><h2>Clinical History</h2></div><div class="col-12 col-md-9">
<p>A 40-year-old man with fever for 3 days.</p></div></div></div>
<div class="figure-gallery"><div class="figure-gallery__items">{items}</div></div></body></html>"""


@pytest.mark.parametrize("legend, kept", [
    ("(a, b) (a) Lung ultrasound, intercostal scan: confluent B-lines (arrow). (b) Axial CT image: ground-glass "
     "opacities.", ["17000_1_2.jpg"]),
    ("(a) Chest CT, axial image: consolidation. (b) Cardiac MRI, late gadolinium enhancement.", ["17000_1_1.jpg"]),
    # (the guards: a legend naming only the dataset's exams keeps both; an ultrasound told in a part naming a CT too)
    ("(a, b) PA (a) and lateral (b) chest radiograph: bilateral opacities.", ["17000_1_1.jpg", "17000_1_2.jpg"]),
    ("(a) Axial CT image, correlating with the ultrasound B-lines. (b) Coronal CT reformation.",
     ["17000_1_1.jpg", "17000_1_2.jpg"]),
])
def test_unseen46_eurorad_sub_image_left_out_by_its_own_legend_part(legend, kept):
    # (was kept: the whole legend names a CT, and gave the ultrasound CT and Axial)
    [record] = parse_eurorad_case(_eurorad_figure([legend, legend]), "https://www.eurorad.org/case/17000")
    assert [i.source_url.rsplit("/", 1)[1].split("?")[0] for i in record.images] == kept


def test_unseen46_eurorad_17623_lung_ultrasound_is_no_row():
    name = ("eu_turkey_36_years_male_nurse_fever_for_3_days_figure_1_a_b_lung_ultrasound_and_axial_ct_same_day_"
            "figure_2_a_b_control_ct_on_the_9th_day_of_hospitalization_axial_coronal.html")
    rows = _batch_rows("eurorad", "unseen46", name, "https://www.eurorad.org/case/17623")
    assert sorted((k, r["modality"], r["view"]) for k, r in rows.items()) == [
        ("0000017623/17623_1_2.jpg", "CT", "Axial"), ("0000017623/17623_2_1.jpg", "CT", "Axial"),
        ("0000017623/17623_2_2.jpg", "CT", "Coronal")]


# --- unseen46: a follow-up exam's figure joined to the one history sentence naming the follow-up exam ---

def _eurorad_two_figures(history: str, figures: list[tuple[int, int, str]]) -> str:
    items = "".join(f"""<div class="figure-gallery__item"><div class="figure-gallery__item__image">
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://www.eurorad.org/sites/default/files/styles/\
figure_image_teaser_large/public/figure_image/2021-03/0000017001/17001_{f}_{n}.jpg?itok=x" typeof="foaf:Image"></div>
<div class="figure-gallery__item__label"><span class="mb-1 d-block"><strong>Figure {f}</strong> {c}<br />Origin: A B
</span></div></div>""" for f, n, c in figures)
    return f"""<html><body><h1>COVID-19 pneumonia</h1><div class="block__content node-contents">
<div class="row mb-4"><div class="col-12 col-md-3"><h2>Clinical History</h2></div><div class="col-12 col-md-9">
<p>{history}</p></div></div></div>
<div class="figure-gallery"><div class="figure-gallery__items">{items}</div></div></body></html>"""


_TWO_CT_HISTORY = ("A 50-year-old woman was admitted with fever and cough for 4 days. Chest CT was obtained in the "
                   "same day. {second}")


@pytest.mark.parametrize("second, legend, offsets", [
    ("On the 6th day of hospitalization, because of worsening dyspnea, control CT was performed.",
     "Control CT, axial image: increased opacities.", ["4", "10"]),
    ("A follow-up CT was performed 8 days after admission.", "Follow-up chest CT: consolidation.", ["4", "12"]),
    # (the guards: the follow-up sentence's moment counted from the exam before, not on the axis; two figures
    # named follow-up)
    ("Two days later a control CT was performed.", "Control CT, axial image: increased opacities.", [None, None]),
])
def test_unseen46_a_follow_up_figure_takes_the_history_sentence_of_the_follow_up_exam(second, legend, offsets):
    # (was blank: two CT figures and two CT sentences, the history sentence joined to a figure only when one of each)
    html = _eurorad_two_figures(_TWO_CT_HISTORY.format(second=second),
                                [(1, 1, "Axial CT image: ground-glass opacities."), (2, 1, legend)])
    [record] = parse_eurorad_case(html, "https://www.eurorad.org/case/17001")
    rows = staged_rows(record)
    assert [rows[f"0000017001/17001_{f}_1.jpg"]["offset"] for f in (1, 2)] == offsets


def test_unseen46_two_follow_up_figures_take_no_follow_up_sentence():
    second = "On the 6th day of hospitalization control CT was performed."
    html = _eurorad_two_figures(_TWO_CT_HISTORY.format(second=second),
                                [(1, 1, "Follow-up CT, axial image."), (2, 1, "Follow-up CT, coronal image.")])
    [record] = parse_eurorad_case(html, "https://www.eurorad.org/case/17001")
    assert [r["offset"] for r in staged_rows(record).values()] == [None, None]


def test_unseen46_eurorad_17623_control_ct_on_the_9th_day_of_hospitalization():
    name = ("eu_turkey_36_years_male_nurse_fever_for_3_days_figure_1_a_b_lung_ultrasound_and_axial_ct_same_day_"
            "figure_2_a_b_control_ct_on_the_9th_day_of_hospitalization_axial_coronal.html")
    rows = _batch_rows("eurorad", "unseen46", name, "https://www.eurorad.org/case/17623")
    assert [rows[k]["offset"] for k in ("0000017623/17623_1_2.jpg", "0000017623/17623_2_1.jpg",
                                        "0000017623/17623_2_2.jpg")] == ["3", "12", "12"]


# --- unseen45: an upload captioned only by its number under a paragraph citing no figure ---

@pytest.mark.parametrize("paragraph, caption, modality, view", [
    ("In terza giornata viene eseguita TC del torace senza mezzo di contrasto.", "Fig. 2", "CT", "Axial"),
    ("RX torace di controllo a una settimana, in proiezione AP a paziente seduto.", "Figura 4", "X-ray", "AP"),
    ("Il giorno successivo si esegue radiografia del torace in proiezione postero-anteriore.", "Fig. 1:", "X-ray",
     "PA"),
])
def test_unseen45_sirm_upload_captioned_by_its_number_alone_takes_the_paragraph_before(paragraph, caption, modality,
                                                                                      view):
    # (was blank: the bare "Fig. 2" stood for the upload's words, and named no exam)
    html = f"""<html><body><article><div class="entry-content">
<p>Paziente maschio, 58 aa. Febbre e tosse da circa 5 giorni. Tampone positivo.</p>
<p>All'ingresso TC del torace e RX torace.</p>
<figure class="wp-block-image"><img src="https://www.sirm.org/wp-content/uploads/2020/04/caso-1.jpg" alt="">
<figcaption>TC, ricostruzione coronale</figcaption></figure>
<p>{paragraph}</p>
<figure class="wp-block-image"><img src="https://www.sirm.org/wp-content/uploads/2020/04/caso-2.jpg" alt="">
<figcaption>{caption}</figcaption></figure>
</div></article></body></html>"""
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/27/covid-19-caso-188/")
    row = staged_rows(record)["04/caso-2.jpg"]
    assert (row["modality"], row["view"]) == (modality, view)


def test_unseen45_sirm_number_caption_under_a_paragraph_citing_figures_keeps_the_cited_words_only():
    # a paragraph citing figures describes only those it cites ("(Fig. 2, scansione assiale)"): "Fig. 3" under it
    # is not described by it
    html = """<html><body><article><div class="entry-content">
<p>Uomo di 60 anni, febbre da 5 giorni. Tampone positivo.</p>
<p>RX torace in proiezione AP all'ingresso (Fig. 1) e TC del torace (Fig. 2, scansione assiale).</p>
<figure class="wp-block-image"><img src="https://www.sirm.org/wp-content/uploads/2020/04/f3.jpg" alt="">
<figcaption>Fig. 3</figcaption></figure>
</div></article></body></html>"""
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/27/covid-19-caso-188/")
    assert record.images[0].caption == "Fig. 3"


def test_unseen45_sirm_caso_188_tc_gallery_captioned_fig_2_and_fig_3():
    name = ("caso_188_paziente_maschio_58_aa_febbre_da_circa_5_giorni_rx_ap_seduto_all_ingresso_tc_in_terza_giornata_"
            "figure_numbered_only.html")
    rows = _batch_rows("sirm", "unseen45", name, "https://www.sirm.org/2020/04/27/covid-19-caso-188/")
    assert [(rows[k]["modality"], rows[k]["view"], rows[k]["offset"]) for k in (
        "04/caso188-1.jpg", "04/caso188-2.jpg", "04/caso188-3.jpg")] == [
        ("X-ray", "AP", "5"), ("CT", "Axial", "8"), ("CT", "Axial", "8")]


# --- unseen44 (round 48's leftovers): a death the history dates, a film "post-mortem" or "N hours after death" ---

_RP_91530 = ("rp_2022_layout_2021_brazil_74_years_male_eight_days_ct_on_admission_axial_coronal_sagittal_stacks_died_"
             "eleventh_day_of_admission_post_mortem_ct_4_hours_after_death.html")


@pytest.mark.parametrize("history, caption, offset", [
    ("Eight days of fever and cough. Intubated in the first 24 hours; died on the eleventh day of admission.",
     "Post-mortem CT.", 19),
    ("Eight days of fever and cough. Intubated in the first 24 hours; died on the eleventh day of admission.",
     "CT performed about 4 hours after death.", 19),
    ("Fever for 5 days before admission. She passed away on hospital day 9 despite prone ventilation.",
     "Postmortem chest CT showing diffuse consolidation.", 14),
    ("A 70-year-old man with fever since 3 days. He died on day 12 of illness.",
     "Chest radiograph obtained 6 hours after his death.", 12),
    # the death's day not told: blank (as before)
    ("Fever for 6 days. He was intubated and later died of multiorgan failure.", "Post-mortem CT.", None),
    # another person's death is no event of the patient's
    ("Fever for 6 days; her husband died on day 2 of his illness.", "CT 4 hours after death.", None),
])
def test_unseen44_a_film_after_a_death_the_history_dates(history, caption, offset):
    # (was unplaced: "post-mortem" a moment without a base; "4 hours after" the film before)
    from ingest.timeline import ImageTexts
    film = ImageTexts(0, caption=caption, group="a")
    assert case_timeline(history, [film]).offset_of(0).value == offset


def test_unseen44_radiopaedia_post_mortem_ct_after_the_death_on_the_eleventh_day():
    rows = _batch_rows("radiopaedia", "unseen44", _RP_91530, "https://radiopaedia.org/cases/covid-19-pneumonia-ards-and-post-mortem-ct")
    assert sorted(row["offset"] for row in rows.values()) == ["19", "19", "8", "8", "8"]


# --- unseen47: a letter after a SIRM caption's bare number, a film "at the emergency department", a reconstruction
# "of the same CT" in its own figure, an event the discussion dates ---

@pytest.mark.parametrize("paragraph, captions, films", [
    ("Chest X-ray in ER, PA and lateral view.", ("Fig. 1a", "Fig. 1b"), [("X-ray", "PA"), ("X-ray", "L")]),
    ("In PS viene eseguito RX del torace in proiezione PA e LL.", ("Fig. 1 a", "Fig. 1 b"),
     [("X-ray", "PA"), ("X-ray", "L")]),
    ("Il giorno successivo si esegue TC del torace senza mezzo di contrasto, scansioni assiali.", ("Figura 2a.",
                                                                                                  "Figura 2b."),
     [("CT", "Axial"), ("CT", "Axial")]),
])
def test_unseen47_sirm_uploads_captioned_by_their_number_and_a_letter_take_the_paragraph_before(paragraph, captions,
                                                                                               films):
    # (was blank: "Fig. 1a" was no bare number, so it stood for the upload's words and named no exam)
    items = "".join(f"""<li class="blocks-gallery-item"><figure><img src="https://www.sirm.org/wp-content/uploads/2020/03/c-{i}.jpg"
alt="" class="wp-image-{i}"/><figcaption>{caption}</figcaption></figure></li>""" for i, caption in enumerate(captions))
    html = f"""<html><body><article><div class="entry-content">
<p>Female, 44 years old. Fever and cough since 5 days. Swab positive for SARS-CoV-2.</p>
<p>{paragraph}</p>
<figure class="wp-block-gallery columns-2 is-cropped"><ul class="blocks-gallery-grid">{items}</ul></figure>
</div></article></body></html>"""
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/03/31/covid-19-caso-121/")
    rows = staged_rows(record)
    assert [(rows[f"03/c-{i}.jpg"]["modality"], rows[f"03/c-{i}.jpg"]["view"]) for i in range(2)] == films


def test_unseen47_sirm_lettered_number_caption_under_a_paragraph_naming_two_views_gives_no_view():
    # "(Fig. 1a, PA; Fig. 1b, LL)" over one upload captioned "Fig. 1a": the paragraph names both films' views, so the
    # upload takes its exam but no view (as before: no guess between PA and LL)
    html = """<html><body><article><div class="entry-content">
<p>Uomo di 60 anni, febbre da 5 giorni. Tampone positivo.</p>
<p>RX torace all'ingresso (Fig. 1a, PA; Fig. 1b, LL).</p>
<figure class="wp-block-image"><img src="https://www.sirm.org/wp-content/uploads/2020/04/f1.jpg" alt="">
<figcaption>Fig. 1a</figcaption></figure>
</div></article></body></html>"""
    [record] = parse_sirm_posts(html, "https://www.sirm.org/2020/04/27/covid-19-caso-188/")
    row = staged_rows(record)["04/f1.jpg"]
    assert (row["modality"], row["view"]) == ("X-ray", None)


def test_unseen47_sirm_caso_121_gallery_captioned_fig_1a_and_fig_1b():
    name = ("caso_121_in_english_female_44_years_old_since_5_days_on_27_03_in_er_pa_and_lateral_gallery_fig_1a_1b_the_"
            "day_after_ct.html")
    rows = _batch_rows("sirm", "unseen47", name, "https://www.sirm.org/2020/03/31/covid-19-caso-121/")
    assert [(rows[k]["modality"], rows[k]["view"], rows[k]["offset"]) for k in (
        "03/caso121-1.jpg", "03/caso121-2.jpg")] == [("X-ray", "PA", "5"), ("X-ray", "L", "5")]


@pytest.mark.parametrize("words", [
    "Low-dose chest CT at the emergency department, axial image: bilateral ground-glass opacities.",
    "Chest X-ray at the Emergency Department: bilateral opacities.",
    "Portable radiographs obtained at the emergency room.",
])
def test_unseen47_a_film_at_the_emergency_department_is_the_presentations(words):
    # (was no moment: only a film "in the emergency department" was read as the presentation's)
    assert AT_ADMISSION.search(words)


def test_unseen47_a_film_at_the_emergency_department_and_its_reconstruction_of_the_same_ct():
    # (was [None, None, 16]: the CT "at the emergency department" told no moment, and its coronal image "of the same
    # CT", in the same figure, counted from the film before the figure)
    films = [ImageTexts(0, caption="Low-dose chest CT at the emergency department, axial image.", group="1"),
             ImageTexts(1, caption="Coronal reconstruction of the same CT.", group="1"),
             ImageTexts(2, caption="Supine chest radiograph on day 6 of admission.", group="2")]
    timeline = case_timeline("A ten-day history of fever and cough; she was admitted.", films)
    assert [o.value for o in timeline.offsets] == [10, 10, 16]


def test_unseen47_a_reconstruction_of_the_same_ct_in_its_figure_takes_the_figures_day():
    # (was [7, None]: the figure's own axial image was passed over as a film of the same exam)
    films = [ImageTexts(0, caption="Non-enhanced CT on admission, axial image.", group="2"),
             ImageTexts(1, caption="Coronal reformation of the same CT: dorsal predominance.", group="2")]
    assert [o.value for o in case_timeline("Fever and cough for 7 days.", films).offsets] == [7, 7]


def test_unseen47_an_event_dated_in_a_sentence_whose_place_clause_names_a_film():
    # ", where the last radiograph was taken" tells what was done in the unit, not the intubation's day (was None)
    moment = event_moment("Despite high-flow oxygen he deteriorated, and he was intubated and transferred to the ICU "
                          "on 14 March, where the last radiograph was taken.", "intubation")
    assert moment is not None and moment.evidence == "14 March"
    # a film's own clause still dates no event
    assert event_moment("The radiograph three days after intubation showed a pneumothorax.", "intubation") is None


def test_unseen47_a_film_after_intubation_dated_by_the_discussion():
    # (was None: the discussion's sentences about the patient were read for the onset and the discharge, not for
    # the events a film counts from)
    films = [ImageTexts(0, caption="PA radiograph in the emergency department.", group="s1"),
             ImageTexts(1, caption="Supine AP radiograph after intubation.", group="s2")]
    timeline = case_timeline("Fever and dry cough since 2 March. Presented to the emergency department on 9 March.",
                             films, discussion="The patient deteriorated, and he was intubated on 14 March.")
    assert [o.value for o in timeline.offsets] == [7, 12]


def test_unseen47_radiopaedia_75512_and_eurorad_17133_rows():
    name = ("rp_classic_2020_switzerland_52_years_male_since_2_march_ed_on_9_march_untitled_studies_ct_on_11_march_"
            "icu_film_intubated_14_march_told_in_discussion.html")
    rows = _batch_rows("radiopaedia", "unseen47", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-progressing-to-ards-2")
    assert sorted(r["offset"] for r in rows.values()) == ["12", "7", "7", "9", "9"]
    name = ("eu_netherlands_71_years_female_ten_day_history_low_dose_ct_at_the_ed_co_rads_icu_on_day_6_of_admission_"
            "ctpa_on_day_15_of_admission.html")
    rows = _batch_rows("eurorad", "unseen47", name, "https://www.eurorad.org/case/17133")
    assert [rows[f"0000017133/17133_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "2_1", "3_1")] == [
        "10", "10", "16", "25"]


# --- unseen44 (leftovers49): a therapy begun with the admission, "after N days of therapy" counted from it ---

_CASO_196 = ("caso_196_uomo_di_66_anni_presente_storico_da_una_settimana_rx_pa_in_ps_dopo_4_giorni_di_terapia_rx_a_"
             "letto_semiseduto_e_tc_nello_stesso_giorno.html")


@pytest.mark.parametrize("history, caption, offset", [
    # the start told in the admission's clause, Italian and English: the admission's day
    ("Uomo di 66 anni. Da una settimana febbre e tosse. Il paziente viene ricoverato in Malattie Infettive e inizia "
     "terapia con idrossiclorochina.", "Dopo 4 giorni di terapia RX torace a letto.", 11),
    ("Da 5 giorni febbre. Viene ricoverata in reparto COVID ed è stata iniziata la terapia con tocilizumab.",
     "RX dopo 3 giorni di terapia.", 8),
    ("A 60-year-old woman with fever and cough for 5 days. She was admitted to the medical ward and treatment with "
     "hydroxychloroquine and azithromycin was started.", "Chest radiograph after 6 days of treatment.", 11),
    ("A 60-year-old woman with fever and cough for 5 days. She was admitted to the medical ward and was started on "
     "hydroxychloroquine and azithromycin therapy.", "Chest radiograph after 6 days of treatment.", 11),
    # a start the history dates, in Italian, in English "was started on ... therapy"
    ("Febbre dal 2 marzo. Ricoverato il 6 marzo. Il 7 marzo inizia terapia con tocilizumab.",
     "RX dopo 3 giorni di terapia.", 8),
    ("Fever and cough for 5 days, then admitted. On hospital day 2 he was started on antiviral therapy.",
     "Chest radiograph after 6 days of therapy.", 13),
    # a start told with the admission but at a moment of its own: blank
    ("Fever and cough for 5 days. He was admitted, and was started on antiviral therapy when the swab came back "
     "positive.", "Chest radiograph after 6 days of therapy.", None),
    # the start told apart from the admission without a day, or after a time, or with an admission to intensive care
    # or a readmission: its day is not told, blank (as before)
    ("Da 5 giorni febbre. Viene ricoverata in reparto COVID. Inizia terapia con tocilizumab.",
     "RX dopo 3 giorni di terapia.", None),
    ("Da 5 giorni febbre. Viene ricoverata in reparto COVID e dopo due giorni inizia terapia con tocilizumab.",
     "RX dopo 3 giorni di terapia.", None),
    ("Da 5 giorni febbre. Viene ricoverata in terapia intensiva e inizia terapia con tocilizumab.",
     "RX dopo 3 giorni di terapia.", None),
    ("Fever for 5 days. He was admitted to the ICU and treatment with dexamethasone was started.",
     "Chest radiograph after 6 days of treatment.", None),
    ("Fever for 5 days. He was admitted, and two days later treatment with dexamethasone was started.",
     "Chest radiograph after 6 days of treatment.", None),
    ("Fever for 5 days. He was readmitted and treatment with dexamethasone was started.",
     "Chest radiograph after 6 days of treatment.", None),
    # "due giorni dopo la terapia": after its end or its start, not said
    ("Da 5 giorni febbre. Viene ricoverata in reparto COVID e inizia terapia con tocilizumab.",
     "RX due giorni dopo la terapia.", None),
    # "terapia intensiva" is the unit, not a treatment
    ("Da 5 giorni febbre. Viene ricoverata in reparto COVID e inizia terapia con tocilizumab.",
     "RX dopo 3 giorni di terapia intensiva.", None),
])
def test_unseen44_days_of_a_therapy_count_from_its_start_told_with_the_admission(history, caption, offset):
    # (the Italian "di terapia" was no event, and a start told with the admission had no day)
    timeline = case_timeline(history, [ImageTexts(0, caption="RX torace in PS."), ImageTexts(1, caption=caption)])
    assert timeline.offsets[1].value == offset


def test_unseen44_sirm_after_four_days_of_the_therapy_begun_on_the_ward_and_the_ct_the_same_day():
    rows = _batch_rows("sirm", "unseen44", _CASO_196, "https://www.sirm.org/2020/05/06/covid-19-caso-196/")
    assert [rows[k]["offset"] for k in ("05/caso196-rx1.jpg", "05/caso196-rx2.jpg", "05/caso196-tc1.jpg")] == [
        "7", "11", "11"]


# --- unseen45 (leftovers49): a film taken on the worsening the history dates ("following the clinical deterioration")

_EU_17388 = ("eu_ireland_68_years_female_one_week_history_a_and_e_portable_ap_cxr_ctpa_on_day_4_of_her_admission_two_"
             "axial_images.html")
_WORSENED_ON_DAY_4 = ("A 68-year-old lady attended A&E with a one-week history of fever, dry cough and malaise. A "
                      "nasopharyngeal swab was positive and she was admitted under the medical team on supplemental "
                      "oxygen. On day 4 of her admission she developed sudden pleuritic chest pain and tachycardia "
                      "with a rising oxygen requirement; D-dimer was markedly elevated.")


@pytest.mark.parametrize("history, caption, offset", [
    (_WORSENED_ON_DAY_4, "CT pulmonary angiogram performed following the clinical deterioration showed an embolus.",
     11),
    # the same writing in the earlier batches' pages (unseen33's Eurorad 19405, unseen39's 17582), their legends'
    # own days left out: the worsening told as oxygen needs rising, or "he deteriorated", on a day of the stay
    ("A 64-year-old man presented with a 6-day history of fever. He was admitted to the infectious diseases ward. On "
     "the fourth day of hospitalisation his oxygen requirements increased to 10 L/min and he was transferred to the "
     "intermediate care unit.", "The bedside radiograph obtained after the clinical worsening showed progression.",
     10),
    ("A 67-year-old man presented at our emergency department on day 9 after symptom onset with increasing dyspnoea. "
     "He was admitted to the normal ward. One week after admission he deteriorated with rising oxygen demand and was "
     "transferred to the intensive care unit.",
     "Due to the clinical worsening a CT pulmonary angiography was performed.", 16),
    ("Da 5 giorni febbre, viene ricoverato. In terza giornata di ricovero peggiora la dispnea.",
     "TC eseguita dopo il peggioramento clinico.", 8),
    # no day told for it, several days, another person's, one at the presentation: blank
    ("Fever for 5 days, then admitted.", "CT performed following the clinical deterioration.", None),
    ("Fever for 5 days, then admitted. She deteriorated on day 2 of admission. She deteriorated again on day 6 of "
     "admission and was intubated.", "CT performed following the clinical deterioration.", None),
    ("Fever for 5 days, then admitted. Her husband deteriorated on day 2 of admission.",
     "CT performed following the clinical deterioration.", None),
    ("Fever for 5 days. On 3 March she deteriorated and was admitted to our hospital.",
     "CT performed following the clinical deterioration.", None),
    # a symptom's worsening is no moment of the stay
    (_WORSENED_ON_DAY_4, "CT performed after the worsening of dyspnoea.", None),
    ("Da 5 giorni febbre, viene ricoverato. In terza giornata di ricovero peggiora la dispnea.",
     "TC eseguita per il peggioramento della dispnea.", None),
])
def test_unseen45_a_film_on_the_worsening_is_taken_the_day_the_history_tells_it(history, caption, offset):
    # (was no moment: the film's words name no time, the history's worsening no exam)
    timeline = case_timeline(history, [ImageTexts(0, caption="Chest radiograph on admission."),
                                       ImageTexts(1, caption=caption)])
    assert timeline.offsets[1].value == offset


def test_unseen45_eurorad_ctpa_following_the_deterioration_on_day_4_of_the_admission():
    rows = _batch_rows("eurorad", "unseen45", _EU_17388, "https://www.eurorad.org/case/17388")
    assert [rows[k]["offset"] for k in ("0000017388/17388_1_1.jpg", "0000017388/17388_2_1.jpg",
                                        "0000017388/17388_2_2.jpg")] == ["7", "11", "11"]



# --- unseen50: an onset told by weekdays, a study "straight after" the one before, "N later" after a signed label,
# a history's exam in a long sentence chaining the course, a SIRM upload captioned by its exam's date only

@pytest.mark.parametrize("history, want", [
    ("Fever and myalgia from Saturday, dry cough and breathlessness from Monday. Presented on Thursday with worsening "
     "shortness of breath, RR 32.", (5, "from Saturday … Presented on Thursday")),
    ("Cough since Monday. He was admitted on a Friday.", (4, "since Monday … admitted on a Friday")),
    ("Febbre da sabato, tosse da lunedì. Accede in PS giovedì per dispnea.", (5, "da sabato … Accede in PS giovedì")),
    ("Fever since the weekend. Presented on Wednesday.", None),  # Saturday or Sunday?
    ("Fever since Thursday. Presented on Thursday.", None),  # that day, or a week before?
    ("Fever since Sunday, breathless since yesterday.", None),  # no presentation's weekday (as before)
    ("Fever since Monday. Presented on Thursday; admitted on Friday.", None),  # two weekdays of arrival
])
def test_unseen50_an_onset_and_a_presentation_told_by_their_weekdays(history, want):
    assert weekday_onset_gap(history) == want


def test_unseen50_weekdays_place_the_films():
    # (was [None, None]: a start told by a weekday was an undated onset, the case's offsets blank)
    films = [ImageTexts(0, "AP erect (ED).", date_text="Initial"), ImageTexts(1, "CTPA.", date_text="+48 hours")]
    timeline = case_timeline("Fever and myalgia from Saturday, dry cough and breathlessness from Monday. Presented on "
                             "Thursday with worsening shortness of breath.", films)
    assert [o.value for o in timeline.offsets] == [5, 7]
    timeline = case_timeline("Fever and myalgia from Saturday, dry cough from Monday.", films)
    assert [o.value for o in timeline.offsets] == [None, None]


@pytest.mark.parametrize("words", [
    "Non-contrast, performed straight after the abdominal scan once the lung bases were reported.",
    "Done immediately after the radiograph.",
    "CT chest directly after the CT abdomen.",
    "Eseguita subito dopo la RX.",
])
def test_unseen50_a_study_right_after_the_one_before_is_its_day(words):
    # the first study tells no moment; the second is the first's day, so the first is the presentation's (was blank)
    films = [ImageTexts(0, "Portal venous phase. Normal appendix. Lung bases: ground-glass opacities.",
                        date_text="CT abdomen and pelvis"),
             ImageTexts(1, words, date_text="CT chest")]
    timeline = case_timeline("Two days of diarrhoea and colicky lower abdominal pain. No cough.", films)
    assert [o.value for o in timeline.offsets] == [2, 2]


@pytest.mark.parametrize("words", ["Performed shortly after the radiograph.", "Performed after the radiograph.",
                                   "CT straight after admission."])
def test_unseen50_an_exam_after_another_without_right_is_no_day(words):
    films = [ImageTexts(0, "Portal venous phase.", date_text="CT abdomen"), ImageTexts(1, words, date_text="CT chest")]
    timeline = case_timeline("Two days of diarrhoea.", films)
    assert [o.value for o in timeline.offsets] == [None, None]


def test_unseen50_later_after_a_signed_label_may_count_from_either_study():
    films = [ImageTexts(0, "AP erect.", date_text="Initial"), ImageTexts(1, "CTPA.", date_text="+48 hours"),
             ImageTexts(2, "Supine AP, ICU.", date_text="1 week later")]
    timeline = case_timeline("Fever for 5 days.", films)
    assert [o.value for o in timeline.offsets] == [5, 7, None]  # (was [5, 7, 14]: a week after "+48 hours")
    assert "from the first" in timeline.offset_of(2).reason
    films = [ImageTexts(0, "AP erect.", date_text="Initial"), ImageTexts(1, "Supine AP.", date_text="1 week later")]
    assert [o.value for o in case_timeline("Fever for 5 days.", films).offsets] == [5, 12]  # the first's: as before


@pytest.mark.parametrize("sentence, modality, want", [
    ("On arrival she was tachypnoeic, so she was admitted to the ward; on the fourth day of admission she presented "
     "sudden worsening of the dyspnoea, and a CT pulmonary angiography was performed, after which she was transferred "
     "to the Intensive Care Unit, being discharged home after 27 days of hospitalization.", "CT",
     "the fourth day of admission she presented sudden worsening of the dyspnoea, and a CT"),
    ("On admission she was febrile, and then a CT was performed, being discharged after 9 days.", "CT", ""),
    ("On admission a lung ultrasound and a CT were performed, being discharged after 9 days.", "CT", ""),
    ("On admission she was febrile; a CT was performed 3 days later, and she was discharged after 9 days.", "CT", ""),
    ("On the second day a chest X-ray and a CT were performed, and she was discharged after 9 days.", "CT", ""),
])
def test_unseen50_the_exam_of_a_long_sentence_takes_the_moment_its_clause_follows(sentence, modality, want):
    assert _exam_clause(sentence, modality) == want


@pytest.mark.parametrize("order, want", [
    ((0, 1, 2), [6, 10, 12]),  # after the CT in the case's order
    ((0, 2, 1), [6, 12, 10]),  # a figure "1c" before the CT's figure: the CT's day all the same
])
def test_unseen50_an_interval_after_the_ct_counts_from_the_ct(order, want):
    # (was blank: "two days after the" read "the" as the base's word, two letters being too short for one)
    texts = [("Chest X-ray at the emergency department.", "1"),
             ("CT angiography on the fourth day of admission.", "2"),
             ("Portable chest X-ray in the ICU, two days after the CT angiography: worsening.", "3")]
    films = [ImageTexts(k, texts[i][0], group=texts[i][1]) for k, i in enumerate(order)]
    timeline = case_timeline("Fever for 6 days.", films)
    assert [o.value for o in timeline.offsets] == want


@pytest.mark.parametrize("texts", [
    # two later CTs of different days: which one?
    [("Chest X-ray.", "1"), ("Chest X-ray two days after the CT.", "1"), ("CT on the fourth day of admission.", "2"),
     ("CT on day 9 of admission.", "3")],
    # an earlier CT whose day is not told: blank, not the previous film's day
    [("CT.", "1"), ("Chest X-ray on admission.", "2"), ("Chest X-ray two days after the CT.", "3")],
    # an exam of two letters that is no film of the dataset: as before
    [("Chest X-ray on admission.", "1"), ("CT 2 days after the US.", "2")],
])
def test_unseen50_an_interval_after_the_ct_without_one_ct_day_is_blank(texts):
    films = [ImageTexts(k, caption, group=group) for k, (caption, group) in enumerate(texts)]
    assert case_timeline("Fever for 6 days.", films).offsets[-1 if len(texts) != 4 else 1].value is None


def test_unseen50_eurorad_18377_and_sirm_127_rows():
    name = ("eu_spain_74_years_female_long_one_paragraph_history_six_days_of_evolution_ctpa_on_the_fourth_day_of_"
            "admission_figure_1a_1b_1c_icu_two_days_after_the_ct.html")
    rows = _batch_rows("eurorad", "unseen50", name, "https://www.eurorad.org/case/18377")
    # (were blank: the history's one CT told in a sentence of three moments; Figure 1c "two days after the CT")
    assert [rows[f"0000018377/18377_{f}.jpg"]["offset"] for f in ("2_1", "2_2", "1_3")] == ["10", "10", "12"]
    name = ("caso_127_uomo_66_anni_testo_a_elenco_puntato_rx_torace_dell_11_03_tc_del_12_03_rx_a_letto_del_18_03_"
            "didascalie_con_data.html")
    rows = _batch_rows("sirm", "unseen50", name, "https://www.sirm.org/2020/03/23/covid-19-caso-127/")
    # (were blank: the captions "RX 11/03", "RX 18/03" name no view; the list's items of those dates do)
    assert [rows[f"03/caso127-{k}.jpg"]["view"] for k in (1, 4)] == ["AP", "AP Supine"]


# --- unseen49: a ward stay told by its length without "for", a normal film told as a phase of the course

@pytest.mark.parametrize("history, days", [
    ("He was admitted in the Infectious Diseases ward, where he stayed 13 days under supplementary oxygen, without "
     "need of intensive care.", 13),
    ("She remained hospitalized 9 days and went home on room air.", 9),
    ("Admitted to the COVID ward, she stayed there 2 weeks.", None),  # (a word between: not read)
    ("He stayed 5 days at home before his admission to hospital.", None),
    ("She was admitted to the ICU, where she stayed 6 days.", None),
    ("He stayed 4 days in the ICU after admission.", None),
])
def test_unseen49_a_stay_told_by_its_length_without_for(history, days):
    # (was None for the first two: only "for N days", "N days in hospital" and "after N days" were read)
    moment = discharge_moment(history)
    assert (moment.days if moment is not None else None) == days
    if days is not None:
        assert moment.kind == SINCE_ADMISSION


def test_unseen49_a_film_one_month_after_a_stay_told_by_its_length():
    films = [ImageTexts(0, caption="Chest radiograph at the emergency department.", group="1"),
             ImageTexts(1, caption="Follow-up: axial CT image one month after discharge.", group="3")]
    timeline = case_timeline("Fever and cough with 8 days of evolution. He was admitted in the ward, where he stayed "
                             "13 days under supplementary oxygen.", films)
    assert [o.value for o in timeline.offsets] == [8, 51]  # (was [8, None])


@pytest.mark.parametrize("title, finding", [
    ("COVID-19 pneumonia - initially normal chest radiograph", "Pneumonia/Viral/COVID-19"),
    ("COVID-19 pneumonia with an at first normal chest x-ray", "Pneumonia/Viral/COVID-19"),
    ("COVID-19: normal chest radiograph on admission", None),  # a film "on admission" is no phase (as before)
    ("Initially normal chest radiograph", None),  # the course's first film: no 'No Finding' for the patient
    ("Normal chest radiograph", "No Finding"),
    ("COVID-19: normal chest CT", None),  # a normal film beside the diagnosis, no phase told: still blank
])
def test_unseen49_a_normal_film_told_as_a_phase_of_the_course(title, finding):
    # (the first two were blank: "'no finding' and a diagnosis in the same text")
    assert NORMALIZERS["finding"](title).value == finding


def test_unseen49_radiopaedia_76208_and_eurorad_17402_rows():
    name = ("rp_classic_2020_canada_34_years_female_ed_nurse_normal_pa_at_staff_assessment_centre_day_3_re_presented_"
            "day_9_portable_ap_ctpa_a_few_hours_later.html")
    rows = _batch_rows("radiopaedia", "unseen49", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-initially-normal-chest-radiograph")
    assert {r["finding"] for r in rows.values()} == {"Pneumonia/Viral/COVID-19"}
    name = ("eu_portugal_58_years_male_8_days_of_evolution_pa_at_the_ed_ct_48_hours_after_admission_13_days_stay_"
            "figure_3_follow_up_one_month_after_discharge.html")
    rows = _batch_rows("eurorad", "unseen49", name, "https://www.eurorad.org/case/17402")
    assert rows["0000017402/17402_3_1.jpg"]["offset"] == "51"



# --- unseen49 (leftovers50): a return told "re-presented", and the first visit's film a study titled "Initial" ---

_NURSE = ("Emergency department nurse. Three days of fever, myalgias and loss of smell; a co-worker had tested "
          "positive the week before. Swabbed at the staff assessment centre (positive) and had a chest x-ray the same "
          "day, then was sent home to self-isolate.\nRe-presented to our ED on day 9 of her illness with dyspnea on "
          "minimal exertion and SpO2 90% on room air.")


@pytest.mark.parametrize("history, days", [
    (_NURSE, 9),
    ("Seen in a walk-in clinic with two days of cough. She re-attended the emergency department on day 8 of illness "
     "with dyspnoea.", 8),
    ("He re-presents on day 10 of his illness, short of breath.", 10),
    ("Consolidation is represented on day 9 of the illness by a dense band.", None),  # (no hyphen: no return)
])
def test_unseen49_a_return_told_re_presented_or_re_attended(history, days):
    # the Australian, Canadian and British clinicians' word for a return to the emergency department (was None)
    moment = readmission_moment(history)
    assert (moment.days if moment is not None else None) == days
    if days is not None:
        assert moment.kind == SINCE_ONSET


def test_unseen49_the_first_visit_is_told_before_the_return():
    # the return's own "presented to our ED on day 9 of her illness" is no span of the first visit (was None: the
    # longest span, 9, not shorter than the return's day)
    moment = first_visit_moment(_NURSE, readmission_moment(_NURSE))
    assert (moment.days, moment.evidence) == (3, "Three days of fever")


def _studies(*titles: str) -> list[ImageTexts]:
    return [ImageTexts(k, date_text=title, caption=caption, group=f"study {k}", study_title=True)
            for k, (title, caption) in enumerate(titles)]


def test_unseen49_a_study_titled_initial_is_the_first_visits_film():
    films = _studies(("Initial", "PA radiograph at the staff assessment centre. Lungs are clear."),
                     ("Re-presentation", "Portable AP. Retrospectively no abnormality on the initial radiograph."),
                     ("CTPA", "Performed a few hours after the radiograph."))
    assert [o.value for o in case_timeline(_NURSE, films).offsets] == [3, 9, 9]  # (was [9, 9, 9])
    # the first visit telling no film: "Initial" is the case's first film, the return's (as before)
    history = _NURSE.replace(" and had a chest x-ray the same day", "")
    assert [o.value for o in case_timeline(history, films).offsets] == [9, 9, 9]
    # no return told: "Initial" is the presentation's, as before
    history = ("Three days of fever and loss of smell. Presented to our ED on day 9 of her illness with dyspnea; a "
               "chest x-ray was taken on arrival.")
    assert [o.value for o in case_timeline(history, films[:1]).offsets] == [9]


def test_unseen49_radiopaedia_76208_initial_film_rows():
    name = ("rp_classic_2020_canada_34_years_female_ed_nurse_normal_pa_at_staff_assessment_centre_day_3_re_presented_"
            "day_9_portable_ap_ctpa_a_few_hours_later.html")
    rows = _batch_rows("radiopaedia", "unseen49", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-initially-normal-chest-radiograph")
    assert [rows[k]["offset"] for k in sorted(rows)] == ["3", "9", "9", "9"]  # (was 9 for the "Initial" PA)



# --- unseen49 (leftovers50): the history's one exam sentence no other figure of its kind is ----------------------

_CT_COURSE = ("A 58-year-old man came to the emergency department with fever and dry cough for 8 days and was "
              "admitted. Because of clinical worsening, a chest CT was performed 48 hours after admission. {second}")


@pytest.mark.parametrize("second, legend, offsets", [
    # the other CT figure's legend tells its own moment, the history's other CT sentence the same one: the sentence
    # left is the untimed figure's (was [8, None, 20])
    ("On day 12 of hospitalization, a second chest CT showed regression.", "Chest CT on day 12 of hospitalization.",
     ["8", "10", "20"]),
    ("On day 12 of hospitalization, a second chest CT showed regression.", "Chest CT, 12 days after admission.",
     ["8", None, "20"]),  # (another wording of the moment: not known to be the same exam; blank)
    ("A chest CT was repeated on day 5 of hospitalization. On day 12 of hospitalization, a third chest CT showed "
     "regression.", "Chest CT on day 12 of hospitalization.", ["8", None, "20"]),  # (two sentences left: blank)
    ("On day 12 of hospitalization, a second chest CT showed regression.", "Chest CT, coronal plane.",
     ["8", None, None]),  # (the other figure tells no moment: which is which is not told)
])
def test_unseen49_the_history_exam_sentence_no_other_figure_is(second, legend, offsets):
    html = _eurorad_two_figures(_CT_COURSE.format(second=second),
                                [(1, 1, "Chest radiograph on admission, PA view."),
                                 (2, 1, "Chest CT, axial plane: ground-glass opacities."), (3, 1, legend)])
    [record] = parse_eurorad_case(html, "https://www.eurorad.org/case/17001")
    rows = staged_rows(record)
    assert [rows[f"0000017001/17001_{f}_1.jpg"]["offset"] for f in (1, 2, 3)] == offsets


def test_unseen49_eurorad_17402_figure_2_is_the_ct_48_hours_after_admission():
    name = ("eu_portugal_58_years_male_8_days_of_evolution_pa_at_the_ed_ct_48_hours_after_admission_13_days_stay_"
            "figure_3_follow_up_one_month_after_discharge.html")
    rows = _batch_rows("eurorad", "unseen49", name, "https://www.eurorad.org/case/17402")
    assert [rows[f"0000017402/17402_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "2_2", "3_1")] == [
        "8", "10", "10", "51"]  # (Figure 2 was blank)


# --- unseen48: the clinicians' abbreviated day, "D10 of symptoms" / "J7 of the symptoms" / "at J10" -----------

def test_unseen48_presented_at_an_abbreviated_day_of_symptoms_is_the_presentations_day():
    # "presented at D10 of symptoms": the admission is the illness's day 10 (was no onset: every film blank)
    assert onset_gap("A 48-year-old woman presented at D10 of symptoms to our emergency department for fever.") == (
        10, "D10 of symptoms")
    films = [ImageTexts(0, caption="Chest radiograph, PA view, at the emergency department.", group="1"),
             ImageTexts(1, caption="Chest CT the following day, axial image.", group="2")]
    timeline = case_timeline("She presented at D10 of symptoms to our emergency department for cough. A chest "
                             "radiograph was done at the emergency department.", films)
    assert [o.value for o in timeline.offsets] == [10, 11]


@pytest.mark.parametrize("text, kind, days", [
    ("Chest radiograph (J7 of the symptoms).", SINCE_ONSET, 7),
    ("Radiograph at D12 of illness.", SINCE_ONSET, 12),
    ("Control radiograph at D3 of hospitalization.", HOSPITAL_DAY, 3),
])
def test_unseen48_an_abbreviated_day_with_its_base_counts_from_that_base(text, kind, days):
    assert [(m.kind, m.days) for m in text_moments(text, "caption")] == [(kind, days)]


@pytest.mark.parametrize("text", ["Segment D4 of the spine was normal.", "Vitamin D3 of the diet was low.",
                                  "The J2 of the visa was pending."])
def test_unseen48_an_abbreviated_day_of_another_base_is_no_day(text):
    assert not text_moments(text, "caption")


def test_unseen48_french_j_day_labels_count_the_illness_where_the_history_does():
    # "At J10", "at J12" beside "(J7 of the symptoms)": days of the illness (was no moment: the films blank)
    assert [m.kind for m in text_moments("Chest X-ray in the ICU (supine, bedside) at J10.", "caption")] == ["label"]
    films = [ImageTexts(0, caption="Unenhanced chest CT at admission, axial slice.", group="1"),
             ImageTexts(1, caption="Chest X-ray in the ICU (supine, bedside) at J10, after intubation.", group="2"),
             ImageTexts(2, caption="CT pulmonary angiography at J12, axial slice.", group="3")]
    history = ("A 66-year-old man consulted at the emergency department for fever and dyspnoea evolving since 7 "
               "days. An unenhanced chest CT was realised at admission (J7 of the symptoms). At J10 he was "
               "transferred in the intensive care unit.")
    assert [o.value for o in case_timeline(history, films).offsets] == [7, 10, 12]


def test_unseen48_eurorad_16802_and_16951_rows():
    name = "eu_france_66_years_male_since_7_days_ct_at_admission_j7_icu_at_j10_ctpa_at_j12_bilateral_pe.html"
    rows = _batch_rows("eurorad", "unseen48", name, "https://www.eurorad.org/case/16802")
    assert [rows[f"0000016802/16802_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "2_1", "3_1")] == [
        "7", "7", "10", "12"]
    name = "eu_belgium_48_years_female_at_d10_of_symptoms_pa_and_lateral_at_the_ed_ct_the_following_day.html"
    rows = _batch_rows("eurorad", "unseen48", name, "https://www.eurorad.org/case/16951")
    assert [rows[f"0000016951/16951_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "2_1")] == ["10", "10", "11"]


# --- unseen51: weekdays, "done in the emergency department", "came to our department", "Stesso esame", "Next day"
# after the presenting film's sentence, a bare day going on with a film's day of the stay ----------------------

@pytest.mark.parametrize("history, gap", [
    ("Unwell since Saturday with fevers, headache and myalgia. Presented on Wednesday with breathlessness.", 4),
    ("Cough and fever from Monday. He was admitted on Friday with hypoxia.", 4),
    ("Fever since Thursday. Came to the emergency department on Monday.", 4),
    ("Unwell since Saturday with fevers. Presented on Saturday with breathlessness.", None),  # a week, or none
    ("Unwell since Saturday with fevers. Presented with breathlessness.", None),  # no weekday of the arrival
    ("Fever since Sunday. Her husband was admitted on Tuesday.", None),  # another person's admission
    ("Fever since Sunday. Presented on Tuesday 3 March 2020.", None),  # a dated history: the dates' rules
])
def test_unseen51_an_onset_and_a_presentation_told_by_weekdays(history, gap):
    # (was None for the first three: an onset "since Saturday" left the case without an anchor)
    found = onset_gap(history)
    assert (found[0] if found is not None else None) == gap


def test_unseen51_a_weekday_onset_and_presentation_place_the_films():
    films = [ImageTexts(0, caption="PA erect. Bilateral hazy opacities.", date_text="Chest x-ray", group="1"),
             ImageTexts(1, caption="Non-contrast. Done two days later as she remained hypoxic.", date_text="CT chest",
                        group="2")]
    history = ("Unwell since Saturday with fevers, headache and myalgia. Presented on Wednesday with breathlessness "
               "and a new oxygen requirement.")
    assert [o.value for o in case_timeline(history, films).offsets] == [4, 6]  # (was [None, None])
    # a shorter symptom's span after the weekday's onset: the presentation's weekday still tells the onset's day
    # (Sunday to Tuesday; ``weekday_onset_gap``, unseen50), as the bare "since Sunday" without it does not
    assert [o.value for o in case_timeline("Fever since Sunday, breathless since yesterday. Presented on Tuesday.",
                                           films).offsets] == [2, 4]
    assert [o.value for o in case_timeline("Fever since Sunday, breathless since yesterday.",
                                           films).offsets] == [None, None]


@pytest.mark.parametrize("text, told", [
    ("Chest X-ray, AP projection, done in the emergency department: bilateral opacities.", True),
    ("Chest X-ray was done in the emergency department and the patient was hospitalised.", True),
    ("CT made in the emergency room showed ground-glass opacities.", True),
    ("Chest X-ray was carried out at our emergency department.", True),
    ("Chest X-ray was done in the ICU after intubation.", False),
    ("Chest X-ray, AP projection, done on the ward.", False),
])
def test_unseen51_a_film_done_in_the_emergency_department_is_the_presentations(text, told):
    # (the first four were not read: only "performed", "obtained", "taken" right after the film's noun)
    assert bool(AT_ADMISSION.search(text)) is told


@pytest.mark.parametrize("history, gap", [
    ("Her son started to have fever two days after she was hospitalised. He came to our department on the fourth "
     "day of his symptoms, in good general condition.", 4),
    ("He came to the hospital on day 6 of illness with dyspnoea.", 6),
    ("He came back from Milan on day 2 of illness.", None),  # no arrival
])
def test_unseen51_came_to_our_department_is_an_arrival(history, gap):
    # (was None for the first: "came to" a department was no arrival's words; the second read before by its "day 6 of
    # illness" alone, a guard)
    found = onset_gap(history)
    assert (found[0] if found is not None else None) == gap


@pytest.mark.parametrize("caption, days", [
    ("Fig. 3 – Stesso esame, ricostruzione coronale.", 11),
    ("Stessa TC: ricostruzione coronale.", 11),
    ("Figure 3. Same examination, coronal reformat.", 11),
    ("Same CT, lung window.", 11),
    # a time of its own, not the exam before's day ("dopo 10 giorni": from that film or the presentation, not said)
    ("Lo stesso esame eseguito dopo 10 giorni mostra riduzione delle opacità.", None),
])
def test_unseen51_a_legend_naming_the_exam_before_it_is_that_exams_day(caption, days):
    # (the first four were blank: "no moment of this image in its own words")
    films = [ImageTexts(0, caption="RX torace eseguito in PS all'ingresso, proiezione AP.", group="1"),
             ImageTexts(1, caption="TC torace eseguita in quinta giornata di ricovero, scansione assiale.", group="2"),
             ImageTexts(2, caption=caption, group="3")]
    history = "Febbre e tosse secca da circa 6 giorni. Viene ricoverato in Pneumologia."
    assert [o.value for o in case_timeline(history, films).offsets] == [6, 11, days]


def test_unseen51_a_stay_day_bare_after_a_films_day_of_admission_goes_on_with_that_count():
    # (Radiopaedia studies: each titled, "CXR", "CXR", "CT", its moment in its findings)
    films = [ImageTexts(0, caption="On arrival in ED. AP erect, mobile.", date_text="CXR", group="1",
                        study_title=True),
             ImageTexts(1, caption="Day 3 of admission. Post intubation, supine AP on ITU.", date_text="CXR",
                        group="2", study_title=True),
             ImageTexts(2, caption="CTPA day 5 - rising D-dimer and increasing FiO2.", date_text="CT", group="3",
                        study_title=True)]
    history = "Cough and fever for four days, increasingly short of breath."
    assert [o.value for o in case_timeline(history, films).offsets] == [4, 7, 9]  # (was [4, 7, None])
    # a bare day the illness's count leaves in order ("day 12" after "Day 3 of admission", day 7): blank, as before
    later = [films[0], films[1], ImageTexts(2, caption="CTPA day 12.", date_text="CT", group="3", study_title=True)]
    assert [o.value for o in case_timeline(history, later).offsets] == [4, 7, None]
    # a bare day with no day of the stay before it: blank, as before
    alone = [films[0], ImageTexts(1, caption="CTPA day 5.", date_text="CT", group="3", study_title=True)]
    assert [o.value for o in case_timeline(history, alone).offsets] == [4, None]
    # a paper's legends (no study titles): a legend's "day 5" may count the illness (papers_unseen38's "Day 7"), blank
    legends = [ImageTexts(k, caption=f.caption, group=f.group) for k, f in enumerate(films)]
    assert [o.value for o in case_timeline(history, legends).offsets][2] is None


def test_unseen51_rows():
    name = ("eu_serbia_mother_72_years_female_son_45_years_male_separate_figure_series_xray_in_ed_ct_next_day_son_"
            "low_dose_ct_fourth_day_of_symptoms.html")
    rows = _batch_rows("eurorad", "unseen51", name, "https://www.eurorad.org/case/17419")
    assert [rows[f"0000017419/17419_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "3_1", "3_2")] == ["5", "6", "4", "4"]
    name = ("caso_226_paziente_di_sesso_maschile_71_anni_da_circa_6_giorni_rx_ap_seduto_in_ps_tc_in_quinta_giornata_"
            "di_ricovero_days_only_in_captions.html")
    rows = _batch_rows("sirm", "unseen51", name, "https://www.sirm.org/2020/03/27/covid-19-caso-226/")
    assert [rows[f"03/caso226-{k}.jpg"]["offset"] for k in ("rx", "tc1", "tc2")] == ["6", "11", "11"]
    name = ("rp_2022_layout_2021_ireland_56_years_female_unwell_since_saturday_presented_on_wednesday_pa_ct_two_days_"
            "later.html")
    rows = _batch_rows("radiopaedia", "unseen51", name,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-unvaccinated-woman")
    assert sorted(r["offset"] for r in rows.values()) == ["4", "6", "6"]
    name = ("rp_classic_2020_uk_68_years_male_radiographer_titles_cxr_cxr_ct_times_in_findings_on_arrival_day_3_of_"
            "admission_post_intubation_ctpa_day_5.html")
    rows = _batch_rows("radiopaedia", "unseen51", name, "https://radiopaedia.org/cases/covid-19-pneumonia-itu-course")
    assert sorted(r["offset"] for r in rows.values()) == ["4", "7", "9", "9"]


# --- unseen52: a symptom's span before a relative's own clause after a comma; the dotted "p.a." after the film's noun


@pytest.mark.parametrize("history, gap", [
    ("Riferisce da 4 giorni febbre, astenia e tosse, il marito è ricoverato per COVID-19.", 4),
    ("Da 4 giorni febbre, astenia e tosse, il marito è ricoverato per COVID-19.", 4),
    ("Fever and dry cough for 5 days, her husband was admitted with COVID-19 last week.", 5),
    ("Febbre da 3 giorni, la moglie è risultata positiva al tampone.", 3),
    # the span alone before the comma may open the relative's clause: another person's, as before
    ("Five days before admission, her husband developed fever.", None),
    # the relative before the span, the span in the relative's words, no verb of the relative: as before
    ("Her husband had fever for 5 days, she was well.", None),
    ("Fever for 5 days in her husband, she is asymptomatic.", None),
    ("Fever for 5 days, her husband and daughter.", None),
])
def test_unseen52_a_symptoms_span_before_a_relatives_own_clause_is_the_patients(history, gap):
    # (the first four were None: the relative's clause made the whole sentence another person's)
    found = onset_gap(history)
    assert (found[0] if found is not None else None) == gap


@pytest.mark.parametrize("text, view", [
    ("Chest radiograph p.a. at admission: bilateral patchy opacities.", "PA"),
    ("Chest X-ray (p.a.) on admission.", "PA"),
    ("Thorax p.a.: bilateral infiltrates.", "PA"),
    ("Röntgen-Thorax p.a. bei Aufnahme.", "PA"),
    # not a film's projection: blank, as before
    ("Smoker, 20 pack-years, 10 cigarettes p.a. since 2015.", None),
])
def test_unseen52_the_dotted_pa_after_the_films_noun_is_pa(text, view):
    # (the first four were blank)
    assert normalize_view(text, "X-ray").value == view


def test_unseen52_rows():
    name = ("caso_143_donna_63_anni_da_4_giorni_rx_a_letto_supina_in_ps_e_rx_pa_e_laterale_nel_pomeriggio_stesso_"
            "giorno_nessuna_data.html")
    rows = _batch_rows("sirm", "unseen52", name, "https://www.sirm.org/2020/04/02/covid-19-caso-143/")
    assert [rows[f"04/caso143-{k}.jpg"]["offset"] for k in (1, 2, 3)] == ["4", "4", "4"]
    name = ("eu_austria_58_years_male_translated_english_symptoms_since_7_days_ct_on_day_5_of_hospitalisation_lung_"
            "and_mediastinal_window_bedside_day_9.html")
    rows = _batch_rows("eurorad", "unseen52", name, "https://www.eurorad.org/case/16981")
    assert [rows[f"0000016981/16981_{k}.jpg"]["view"] for k in ("1_1", "2_1", "2_2", "3_1")] == \
        ["PA", "Axial", "Axial", "AP Supine"]


# --- unseen54: a test dated after a span of symptoms; a stay's last day of a range; a stay "since" a date; the
# films of the arrival of a patient transferred from another hospital


@pytest.mark.parametrize("history, onset", [
    ("He was tested positive for SARS-CoV-2 by RT-PCR on 9 February 2021, after four days of fever, cough and loss "
     "of smell. On 15 March 2021 he came to the emergency department with chest pain.", date(2021, 2, 5)),
    ("COVID-19 was diagnosed on 3 November 2020 after a week of fever and myalgia. On 30 November 2020 she was "
     "admitted with dyspnoea.", date(2020, 10, 27)),
    ("She was swabbed on 2 April 2020, after 5 days of dry cough; she presented on 20 April 2020 with chest pain.",
     date(2020, 3, 28)),
    # a span that names no symptom, a span of another person's, no date in the test's words: as before
    ("He was tested positive on 9 February 2021, after four days of quarantine.", None),
    ("His wife was tested positive on 9 February 2021, after four days of fever.", None),
])
def test_unseen54_a_test_dated_after_a_span_of_symptoms_dates_the_onset(history, onset):
    # (the first three were None: the span was read as the time to the presentation, whatever day it came)
    found = history_dates(history, DAY_FIRST)[0]
    assert (found[0] if found else None) == onset


@pytest.mark.parametrize("history, admitted", [
    ("Fever since 2 February 2021. From 12 to 24 February 2021 he was hospitalised in the regional hospital. "
     "On 15 March 2021 he came to the emergency department.", date(2021, 3, 15)),
    ("Fever since 1 April 2020; he was hospitalised between 3 and 17 April 2020 in another hospital. On 2 May 2020 "
     "he presented to our emergency department.", date(2020, 5, 2)),
])
def test_unseen54_the_last_day_of_a_stays_range_is_no_admission(history, admitted):
    # (both were None: the range's last day and the later presentation were two admissions)
    assert history_dates(history, DAY_FIRST)[1][0] == admitted


def test_unseen54_a_range_end_guard():
    # a date with no range before it stays the admission's
    assert history_dates("Fever since 1 April 2020. He was hospitalised on 17 April 2020.", DAY_FIRST)[1][0] == \
        date(2020, 4, 17)


@pytest.mark.parametrize("history, admitted", [
    ("Uomo di 67 anni, ricoverato dal 19/03 a Lodi; febbre e tosse erano insorte circa una settimana prima del "
     "ricovero.", date(2020, 3, 19)),
    ("A 60-year-old man hospitalised since 19/03 in another hospital, with fever that began 7 days before admission.",
     date(2020, 3, 19)),
    # "degente" names no admission of its own: no moment, but no onset either
    ("Donna di 70 anni, degente dal 19/03 in Medicina; febbre insorta 7 giorni prima del ricovero.", None),
])
def test_unseen54_a_stay_since_a_date_is_the_admission_not_the_onset(history, admitted):
    # (each was the onset of 19/03 and no admission: "dal" / "since" read as a symptom's start)
    onset, found = history_dates(history, DAY_FIRST)
    assert onset is None
    assert (found[0] if found else None) == admitted


def test_unseen54_a_symptom_since_a_date_stays_the_onset():
    onset, _ = history_dates("Febbre dal 19/03, ricoverato il 24/03.", DAY_FIRST)
    assert onset[0] == date(2020, 3, 19)


_TRANSFER = ("Uomo di 67 anni. Il 24/03 viene trasferito nella nostra Terapia Intensiva dall’Ospedale di Lodi, dove "
             "era ricoverato dal 19/03 per polmonite; febbre e tosse erano insorte circa una settimana prima del "
             "ricovero.")


@pytest.mark.parametrize("history, control, offsets", [
    (_TRANSFER, "28/03", [12, 12, 16]),
    ("Donna di 58 anni, ricoverata dal 10/04 presso l’Ospedale di Crema per febbre da 5 giorni. Il 13/04 è stata "
     "trasferita presso la nostra Rianimazione da altro ospedale, intubata.", "28/04", [8, 8, 23]),
])
def test_unseen54_the_arrival_of_a_patient_transferred_from_another_hospital(history, control, offsets):
    # (were 7, 7, 9 and 5, 5, 10: the arrival's films put on the first hospital's admission, and "dal" the onset)
    images = [ImageTexts(0, caption="RX torace all’arrivo in reparto, paziente supino."),
              ImageTexts(1, caption="TC torace all’arrivo."),
              ImageTexts(2, caption=f"RX torace di controllo del {control}.")]
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == offsets


def test_unseen54_the_arrival_of_a_patient_transferred_from_another_hospital_in_english():
    history = ("A 60-year-old man with fever for 5 days was admitted to a district hospital on 28 March 2020. On 2 "
               "April 2020 he was transferred to our intensive care unit from the district hospital, intubated.")
    images = [ImageTexts(0, caption="Chest radiograph on arrival, supine."),
              ImageTexts(1, caption="Chest radiograph on 6 April 2020.")]
    # (was 5, 14: the arrival's film on the district hospital's admission)
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == [10, 14]


def test_unseen54_an_arrival_without_a_transfer_from_another_hospital_stays_the_admissions():
    # a transfer inside the hospital (to the ICU), no other hospital: the arrival is the admission, as before
    history = ("Uomo di 67 anni, ricoverato il 19/03 per febbre e tosse insorte circa una settimana prima del "
               "ricovero. Il 24/03 viene trasferito nella nostra Terapia Intensiva.")
    images = [ImageTexts(0, caption="RX torace all’arrivo in reparto, paziente supino.")]
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == [7]


def test_unseen54_rows():
    name = ("eu_czechia_52_years_male_covid_diagnosed_in_february_after_four_days_pneumothorax_on_15_march_ct_same_"
            "day_control_after_four_days_follow_up_ct_six_weeks_later.html")
    rows = _batch_rows("eurorad", "unseen54", name, "https://www.eurorad.org/case/17412")
    assert [rows[f"0000017412/17412_{k}.jpg"]["offset"] for k in ("1_1", "2_1", "2_2")] == ["38", "38", "38"]
    name = ("caso_157_uomo_67_anni_trasferito_da_lodi_il_24_03_ricoverato_dal_19_03_febbre_una_settimana_prima_rx_e_"
            "tc_all_arrivo_rx_in_clinostatismo_il_28_03.html")
    rows = _batch_rows("sirm", "unseen54", name, "https://www.sirm.org/2020/03/31/covid-19-caso-157/")
    assert [rows[f"03/157-{k}.jpg"]["offset"] for k in ("RX-ingresso", "TC-assiale", "TC-coronale", "RX-controllo")] \
        == ["12", "12", "12", "16"]


@pytest.mark.parametrize("history, gap", [
    ("Myalgia and headache were first noticed Saturday night, followed by fevers. Presented Thursday evening to the "
     "emergency department.", 5),
    ("Fever and cough since Sunday. Admitted Wednesday afternoon with hypoxia.", 3),
    ("Became unwell Monday morning with fevers. Presented on Friday.", 4),
    # a bare weekday without "on" and without a part of the day: as before (none)
    ("Fever and cough from Sunday. Presented Wednesday to the emergency department.", None),
])
def test_unseen54_weekdays_before_a_part_of_the_day(history, gap):
    # (the first three were None: a weekday without "on" was not read)
    found = weekday_onset_gap(history)
    assert (found[0] if found else None) == gap


@pytest.mark.parametrize("words", ["Obtained later that evening for tachycardia.", "CT later that afternoon.",
                                   "That same evening a CT was obtained."])
def test_unseen54_later_that_evening_is_the_day_of_the_moment_before(words):
    # (were no moment: "evening" and "afternoon" opened no reading of the same day)
    [moment] = text_moments(words, "caption")
    assert (moment.kind, moment.days) == (AFTER_PREVIOUS, 0)


def test_unseen54_later_that_night_is_not_read():
    # a night may be past midnight: no moment, as before
    assert text_moments("CT obtained later that night.", "caption") == ()

# --- unseen53: a shorthand span glued to the clinician's "x" ("fever x1/52"); an interval from "the previous one"

_UNSEEN53_RP_CLASSIC = ("rp_classic_2020_uk_58_years_male_note_form_fever_x1_52_studies_day_0_day_1_day_3_post_"
                        "intubation_3_months_later.html")


@pytest.mark.parametrize("history, gap", [
    ("58M. SOB, fever x1/52, dry cough. Sats 86% on air, RR 32.", 7),
    ("Cough x3/7, fever.", 3),
    ("Fever and cough x2/52. Lives alone.", 14),
    ("SOB x2/7, previously well.", 2),
    # the same spans with a space or the sign, as before
    ("SOB, fever x 1/52, dry cough.", 7),
    ("Cough ×3/7, fever.", 3),
    # an "x" inside a word, a time after something, a ratio: no span, as before
    ("Findings in box1/52 of the audit.", None),
    ("Fever. Cough x3/7 later.", None),
    ("Fever in x1/7 patients.", None),
])
def test_unseen53_a_shorthand_span_glued_to_the_clinicians_x_is_a_history(history, gap):
    # (the first four were None: "x1/52" has no word break before the 1)
    found = onset_gap(history)
    assert (found[0] if found is not None else None) == gap


@pytest.mark.parametrize("history, captions, want", [
    ("Da circa una settimana febbre e tosse. Accede in Pronto Soccorso.",
     ["RX torace in PS.", "TC torace a distanza di 3 giorni.",
      "TC di controllo a distanza di 12 giorni dalla precedente."], [7, 10, 22]),
    ("Febbre da 7 giorni.", ["RX torace all'ingresso.", "TC a distanza di 3 giorni.",
                             "TC di controllo a 12 giorni dal precedente controllo."], [7, 10, 22]),
    ("Fever and cough for 7 days.", ["Chest X-ray on admission.", "CT 3 days later.",
                                     "Control CT, 12 days after the previous study."], [7, 10, 22]),
    # the last earlier film of its exam, not the film right before it
    ("Fever and cough for 7 days.", ["Chest X-ray on admission.", "CT 3 days later.", "Chest X-ray 2 days later.",
                                     "Control CT 12 days after the previous one."], [7, 10, 12, 22]),
    ("Fever and cough for 7 days.", ["Chest X-ray on admission.", "CT 3 days later.", "Chest X-ray 2 days later.",
                                     "Chest X-ray 4 days after the previous CT."], [7, 10, 12, 14]),
    # no exam named: the film before; no earlier film of its exam: blank
    ("Fever and cough for 7 days.", ["Chest X-ray on admission.", "CT 3 days later.", "Chest X-ray 2 days later.",
                                     "Follow-up 12 days after the previous one."], [7, 10, 12, 24]),
    ("Fever and cough for 7 days.", ["Chest X-ray on admission.", "Control CT 12 days after the previous one."],
     [7, None]),
    # no base named: the previous film or the presentation, blank as before
    ("Da circa una settimana febbre e tosse. Accede in Pronto Soccorso.",
     ["RX torace in PS.", "TC torace a distanza di 3 giorni.", "TC di controllo a distanza di 12 giorni."],
     [7, 10, None]),
])
def test_unseen53_an_interval_from_the_previous_one_counts_from_the_last_film_of_its_exam(history, captions, want):
    # (the first five were blank: "dalla precedente" without its noun left the base unsaid, "after the previous
    # one" named no base word; "after the previous CT" was unplaced too)
    timeline = case_timeline(history, [ImageTexts(k, caption=c) for k, c in enumerate(captions)], day_first=True)
    assert [o.value for o in timeline.offsets] == want


@pytest.mark.parametrize("paragraph, number, want", [
    ("Esegue RX torace nelle due proiezioni standard, PA e laterale (Fig. 1-2).", 1,
     "Esegue RX torace nelle due proiezioni standard, PA e laterale"),
    ("Esegue RX torace nelle due proiezioni standard, PA e laterale (Fig. 1-2).", 2,
     "Esegue RX torace nelle due proiezioni standard, PA e laterale"),
    ("RX torace PA e laterale (Fig. 1 e 2).", 2, "RX torace PA e laterale"),
    ("RX torace in proiezione AP (Fig. 1), e TC del torace (Fig. 2-3, scansione assiale e coronale).", 3,
     "e TC del torace scansione assiale e coronale"),
    # a figure outside the range, or a range cited twice: not its words, as before
    ("Esegue RX torace nelle due proiezioni standard, PA e laterale (Fig. 1-2).", 3, ""),
    ("RX torace (Fig. 1-2), confrontato con il precedente (Fig. 1-2).", 2, ""),
])
def test_unseen53_figures_of_a_range_cited_in_parentheses_share_its_words(paragraph, number, want):
    # (the first four were "... PA e laterale -2" for the first figure, "" for the others)
    from ingest.sirm import cited_part
    assert cited_part(paragraph, number) == want


_UNSEEN53_CASO_172 = ("caso_172_paziente_di_38_anni_sesso_dai_participi_febbre_da_10_giorni_rx_due_proiezioni_in_"
                      "gallery_dopo_una_settimana_rx_al_letto_supina.html")


@pytest.mark.parametrize("sentence, want", [
    ("Dopo una settimana, per la comparsa di desaturazione (SpO2 88%) nonostante ossigenoterapia, si ripete l’esame "
     "radiografico al letto.", ["10", "10", "17"]),
    ("Dopo una settimana, per la comparsa di desaturazione, esegue controllo radiografico al letto.",
     ["10", "10", "17"]),
    ("Dopo una settimana, per la comparsa di desaturazione (SpO2 88%), viene eseguito esame radiografico al letto.",
     ["10", "10", "17"]),
    # a paragraph naming no film: the bedside film's day is not told, nothing placed, as before
    ("Dopo una settimana, per la comparsa di desaturazione (SpO2 88%), si ripete la valutazione clinica.",
     [None, None, None]),
])
def test_unseen53_a_paragraph_telling_the_esame_radiografico_done_describes_the_film_after_it(sentence, want):
    # (the first three were blank: "l'esame radiografico" named no exam, so the bedside film took the reading
    # paragraph of the first films, and no film had a moment)
    html = (FIXTURES / "sirm" / "unseen53" / _UNSEEN53_CASO_172).read_text()
    told = ("Dopo una settimana, per la comparsa di desaturazione (SpO2 88%) nonostante ossigenoterapia, si ripete "
            "l’esame radiografico al letto.")
    assert told in html
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html.replace(told, sentence), "https://www.sirm.org/2020/04/03/covid-19-caso-172/"):
        rows.update(staged_rows(record))
    assert [rows[f"04/caso172-{k}.jpg"]["offset"] for k in (1, 2, 3)] == want


def test_unseen53_rows():
    url = "https://radiopaedia.org/cases/covid-19-pneumonia-ventilated-with-3-month-follow-up"
    rows = _batch_rows("radiopaedia", "unseen53", _UNSEEN53_RP_CLASSIC, url)
    offsets = [row["offset"] for row in rows.values()]
    # "Day 0" and "Day 1" (axial, coronal) counted from the onset "fever x1/52" (were 0, 1, 1 from the presentation)
    assert offsets[:3] == ["7", "8", "8"]
    name = ("caso_158_uomo_di_72_anni_da_circa_una_settimana_rx_ap_seduto_in_ps_tc_a_distanza_di_3_giorni_tc_di_"
            "controllo_a_distanza_di_12_giorni_dalla_precedente.html")
    rows = _batch_rows("sirm", "unseen53", name, "https://www.sirm.org/2020/03/30/covid-19-caso-158/")
    # "TC di controllo a distanza di 12 giorni dalla precedente": the CT of day 10 + 12 (was blank)
    assert [rows[f"03/caso158-{k}.jpg"]["offset"] for k in (1, 2, 3, 4)] == ["7", "10", "10", "22"]
    rows = _batch_rows("sirm", "unseen53", _UNSEEN53_CASO_172, "https://www.sirm.org/2020/04/03/covid-19-caso-172/")
    # "PA e laterale (Fig. 1-2)" over a gallery's "Fig. 1" / "Fig. 2" (the second was blank)
    assert [rows[f"04/caso172-{k}.jpg"]["view"] for k in (1, 2, 3)] == ["PA", "L", "AP Supine"]


# --- unseen55: a symptom begun "in the same evening" of a moment the sentence dates; a couple's two ages in a post
# read as one case


@pytest.mark.parametrize("history, onset", [
    ("On 12.03.2020 she returned from a trip to northern Italy and in the same evening fever up to 38.9°C appeared, "
     "with dry cough. She was admitted to the Department of Infectious Diseases on 16.03.2020.", date(2020, 3, 12)),
    ("On 3 March 2020 she attended a wedding in Bergamo and that same night she developed chills and fever. She was "
     "admitted on 8 March 2020.", date(2020, 3, 3)),
    ("On 2 April 2020 he visited his mother in a nursing home; the same day a dry cough started. Admitted on 9 April "
     "2020.", date(2020, 4, 2)),
    ("Il 05/03/2020 rientra da Milano e la sera stessa compare febbre con brivido. Ricoverato il 09/03/2020.",
     date(2020, 3, 5)),
    # no symptom begun, a treatment begun (passive), another person's symptom, two dates before: as before (none)
    ("On 3 March 2020 she was admitted and the same day a CT was performed.", None),
    ("On 3 March 2020 she was admitted and the same day antibiotics were started for fever.", None),
    ("On 3 March 2020 his wife returned from Milan and the same evening she developed fever. He was admitted on 9 "
     "March 2020.", None),
    ("Between 1 March 2020 and 3 March 2020 he travelled and the same evening fever appeared. Admitted on 9 March "
     "2020.", None),
])
def test_unseen55_a_symptom_begun_the_same_evening_of_a_dated_moment_dates_the_onset(history, onset):
    # (the first and the fourth were None: the date went to the clause's own cue, the trip, and no onset was read; the
    # films were counted from the admission; the second and third were read before by their verbs, "developed" and
    # "started", and stay so)
    found = history_dates(history, DAY_FIRST)[0]
    assert (found[0] if found else None) == onset


_COUPLE_POST = ("caso_168_coppia_di_coniugi_lui_74_lei_69_moglie_sintomi_tre_giorni_dopo_il_marito_rx_e_tc_in_ps_tc_"
                "della_moglie_dopo_48_ore.html")
_COUPLE_URL = "https://www.sirm.org/2020/04/02/covid-19-caso-168/"


def _couple_post_ages(old: str = "", new: str = "") -> list[object]:
    html = (FIXTURES / "sirm" / "unseen55" / _COUPLE_POST).read_text()
    assert old in html
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html.replace(old, new) if old else html, _COUPLE_URL):
        rows.update(staged_rows(record))
    return [rows[f"04/168-{k}.jpg"]["age"] for k in ("marito-RX", "marito-TC", "moglie-RX", "moglie-TC")]


def test_unseen55_a_couples_two_ages_in_a_post_read_as_one_case_are_blank():
    # (were 74 for all four uploads: the opening's first age, the husband's, given to the wife's films too; since
    # sirmsplit52 the post is split by its "Marito:" / "Moglie:" parts and their captions, each one's age their own)
    assert _couple_post_ages() == ["74", "74", "69", "69"]
    # the same couple, neither part nor caption naming a person: one case, the ages blank, a warning
    html = (FIXTURES / "sirm" / "unseen55" / _COUPLE_POST).read_text()
    for label in ("<strong>Marito</strong>: ", "<strong>Moglie</strong>: ", "Marito. ", "Moglie. "):
        html = html.replace(label, "")
    [record] = parse_sirm_posts(html, _COUPLE_URL)
    assert any("two ages" in w for w in record.warnings) and record.age_text == ""


def test_unseen55_one_patient_with_a_relatives_age_keeps_the_first_age():
    # a person whose age the opening does not tell apart from the other's is left blank, never given the other's
    opening = "Coppia di coniugi conviventi, lui di 74 anni, cardiopatico, lei di 69 anni"
    assert _couple_post_ages(opening, "Marito e moglie conviventi, di 74 e 69 anni") == [None, None, "69", "69"]
    assert _couple_post_ages(opening, "Uomo di 74 anni, cardiopatico, la cui moglie di 69 anni") == \
        ["74", "74", None, None]
    assert _couple_post_ages(opening, "Coppia di coniugi conviventi, lui di 74 anni, cardiopatico") == \
        ["74", "74", None, None]


def test_unseen55_rows():
    name = ("eu_poland_23_years_female_student_european_dates_onset_12_03_admission_16_03_ct_20_03_control_ct_06_04_"
            "figures_ct_first_xray_second.html")
    rows = _batch_rows("eurorad", "unseen55", name, "https://www.eurorad.org/case/16894")
    assert [rows[f"0000016894/16894_{k}.jpg"]["offset"] for k in ("1_1", "1_2", "2_1", "3_1")] == \
        ["8", "8", "4", "25"]


# unseen57: Eurorad 17086's "At the 3rd day of internment" (Portuguese English), Radiopaedia 83417's "two days after
# the follow-up radiograph", Eurorad 17329's CTPA dated by the sentence before its own and shown in two figures
@pytest.mark.parametrize("text, days", [
    ("At the 3rd day of internment presented worsening of the respiratory insufficiency", 3),
    ("On day 5 of internation a CT was performed", 5),
    ("No 4º dia de internamento foi realizada TC", 4),
    ("Al 6º día de internamiento se repitió la radiografía", 6),
])
def test_unseen57_the_stay_named_as_portuguese_and_spanish_authors_translate_it_counts_its_days(text, days):
    # (were unplaced: "internment", "internation", "internamento", "internamiento" no name of the stay)
    assert [(m.kind, m.days) for m in text_moments(text, "caption")] == [(HOSPITAL_DAY, days)]


def test_unseen57_a_time_after_days_of_internment_counts_from_the_admission():
    assert [(m.kind, m.days) for m in text_moments("after 3 days of internment, the radiography was repeated",
                                                   "caption")] == [(SINCE_ADMISSION, 3)]
    # "international" is no stay
    assert [m.kind for m in text_moments("Radiography 5 days after international travel", "caption")] == [UNPLACED]
    assert [m.kind for m in text_moments("After 5 days of international travel she had fever", "caption")] == [
        UNPLACED]


_RP57 = ("rp_classic_2020_malaysia_47_years_female_one_clause_presentation_ten_days_untitled_studies_pa_and_lateral_"
         "follow_up_5_days_later_ct_two_days_after_the_follow_up.html")
_RP57_URL = "https://radiopaedia.org/cases/covid-19-pneumonia-organising-pattern-2"
_RP57_SECOND_STUDY = (
    '<p>Follow-up radiograph 5 days later shows progression, with confluent consolidation in both lower zones and '
    'new opacity in the right upper zone. AP sitting.</p>')
_EU57_GREECE = ("eu_greece_67_years_male_6_day_history_pa_in_ed_ctpa_on_the_fifth_hospital_day_figure_2a_2b_axial_"
                "mediastinal_and_lung_window_figure_3_coronal.html")
_EU57_GREECE_URL = "https://www.eurorad.org/case/17329"


def _unseen57_offsets(tmp_path: Path, site: str, name: str, url: str, *replacements: tuple[str, str]) -> list[object]:
    """The page's staged offsets in film order, each of ``replacements`` (old words, new) applied first."""
    folder = FIXTURES / site / "unseen57"
    html = (folder / name).read_text()
    for old, new in replacements:
        assert old in html, old
        html = html.replace(old, new)
    for stacks in folder.glob("stacks_*.json"):
        (tmp_path / stacks.name).write_text(stacks.read_text())
    (tmp_path / name).write_text(html)
    rows: dict[str, dict[str, object]] = {}
    for record in records(site, tmp_path / name, url):
        rows.update(staged_rows(record))
    return [row["offset"] for row in rows.values()]


@pytest.mark.parametrize("words", ["two days after the follow-up radiograph", "2 days after the repeat CXR",
                                   "two days after the control chest radiograph"])
def test_unseen57_a_time_after_the_follow_up_film_counts_from_the_last_earlier_film_of_its_exam(tmp_path, words):
    # (the CT was blank, "'two days after the follow': its day is not told": "follow" read as another base)
    assert _unseen57_offsets(tmp_path, "radiopaedia", _RP57, _RP57_URL,
                             ("two days after the follow-up radiograph", words)) == ["10", "10", "15", "17"]




@pytest.mark.parametrize("first_study", ["<p>PA and lateral.", "<p>Chest radiograph, PA and lateral."])
def test_unseen57_a_time_after_the_follow_up_film_is_blank_without_one(tmp_path, first_study):
    # the case's studies without the follow-up radiograph: the last earlier radiograph is the case's first, no
    # follow-up one; blank (as before), not 10 + 2
    html = (FIXTURES / "radiopaedia" / "unseen57" / _RP57).read_text()
    second = html[html.index('<div class="well case-section case-study" data-ref="study-571102"'):
                  html.index('<div class="well case-section case-study" data-ref="study-571103"')]
    offsets = _unseen57_offsets(tmp_path, "radiopaedia", _RP57, _RP57_URL, ("<p>PA and lateral.", first_study),
                                (second, ""))
    assert offsets == ["10", "10", None]


@pytest.mark.parametrize("old, new", [
    ("", ""),
    ("On the fifth hospital day he complained", "On day 5 of admission he complained"),
    # the complaint in one sentence, the exam in the next
    ("and became tachycardic; D-dimer had risen from 1.1 to 6.8 mg/L. A CT", "and became tachycardic. A CT"),
    ("A CT pulmonary angiography was requested.", "Urgent CT pulmonary angiography was performed."),
])
def test_unseen57_an_exam_sentence_telling_no_time_takes_the_day_of_the_complaint_told_before_it(tmp_path, old, new):
    # (the CTPA's three images staged no offset: its one history sentence, "A CT pulmonary angiography was
    # requested.", tells no time, and the case's two figures of CT were taken for two exams)
    replacements = [(old, new)] if old else []
    assert _unseen57_offsets(tmp_path, "eurorad", _EU57_GREECE, _EU57_GREECE_URL, *replacements) == [
        "6", "11", "11", "11"]


@pytest.mark.parametrize("old, new", [
    # a sequence: the exam came later than the day told
    ("A CT pulmonary angiography was requested.", "A CT pulmonary angiography was then requested."),
    ("A CT pulmonary angiography was requested.", "After anticoagulation, a CT pulmonary angiography was requested."),
    # another exam between the day and the CT
    ("D-dimer had risen from 1.1 to 6.8 mg/L.", "Lower-limb compression ultrasound was negative."),
    # the day told in another paragraph
    ("D-dimer had risen from 1.1 to 6.8 mg/L. A CT", "D-dimer had risen from 1.1 to 6.8 mg/L.</p><p>A CT"),
    # the figure after the CTPA's is another CT, not a reformation of it
    ("Coronal reformation of the CTPA in lung window", "Follow-up CT, coronal image in lung window"),
])
def test_unseen57_an_exam_sentence_telling_no_time_stays_blank_otherwise(tmp_path, old, new):
    offsets = _unseen57_offsets(tmp_path, "eurorad", _EU57_GREECE, _EU57_GREECE_URL, (old, new))
    assert offsets[0] == "6" and set(offsets[1:]) == {None}


def test_unseen57_a_reformation_of_the_exam_in_a_figure_of_its_own_is_that_exam():
    # "Figure 3. Coronal reformation of the CTPA": one exam with Figure 2's; "Follow-up CT" another
    html = (FIXTURES / "eurorad" / "unseen57" / _EU57_GREECE).read_text()
    [record] = parse_eurorad_case(html, _EU57_GREECE_URL)
    assert _reformats_of_one_exam(record, "CT")
    [other] = parse_eurorad_case(html.replace("Coronal reformation of the CTPA", "Coronal CT two weeks later"),
                                 _EU57_GREECE_URL)
    assert not _reformats_of_one_exam(other, "CT")


def test_unseen57_the_same_reading_in_a_papers_history():
    # papers_unseen53's Moroccan paper: "On the sixth day of his hospitalization, the evolution was marked by an
    # aggravation ... The bedside chest X-ray showed ... (Figure 2)": 10 + 6 (was blank; that batch's curators wrote
    # 15, counting the admission as hospital day 1, against the project's count of N days after the admission)
    cases = file_cases(FIXTURES / "papers_unseen53" / "PMC7530022_efetch.xml", None, {1: two_panels_side_by_side()})
    assert image_offsets(cases[0]) == ["10", "10", "16", "30"]


# --- unseen56: a transfer told from the first hospital to the authors' unit, also in a SIRM post's paragraphs over its
# uploads; a bedside caption without the position under a paragraph that names it

_UNSEEN56_CASO_184 = ("caso_184_uomo_58_anni_da_5_giorni_ps_di_desio_il_14_03_rx_pa_trasferito_il_16_03_tc_all_"
                      "ingresso_rx_a_letto_il_20_03.html")
_UNSEEN56_CASO_184_URL = "https://www.sirm.org/2020/04/02/covid-19-caso-184/"
_UNSEEN56_KEYS = ("RX-Desio", "TC-assiale", "TC-coronale", "RX-letto")


def _unseen56_post_rows(old: str = "", new: str = "") -> dict[str, dict[str, object]]:
    html = (FIXTURES / "sirm" / "unseen56" / _UNSEEN56_CASO_184).read_text()
    assert old in html
    rows: dict[str, dict[str, object]] = {}
    for record in parse_sirm_posts(html.replace(old, new) if old else html, _UNSEEN56_CASO_184_URL):
        rows.update(staged_rows(record))
    return {key: rows[f"04/184-{key}.jpg"] for key in _UNSEEN56_KEYS}


_UNSEEN56_TRANSFER = "il paziente viene trasferito dall’Ospedale di Desio presso la nostra Terapia Semi-Intensiva"


@pytest.mark.parametrize("transfer, offsets", [
    (_UNSEEN56_TRANSFER, ["5", "7", "7", "11"]),
    # the other order, told in the paragraphs too
    ("il paziente viene trasferito presso la nostra Terapia Semi-Intensiva dall’Ospedale di Desio",
     ["5", "7", "7", "11"]),
    # no other hospital (a move inside the stay) or no date in the transfer's clause: the arrival stays the first
    # admission's day, as before
    ("il paziente viene trasferito presso la nostra Terapia Semi-Intensiva", ["5", "5", "5", "11"]),
])
def test_unseen56_a_transfer_told_in_the_paragraphs_over_the_uploads_dates_the_arrival(transfer, offsets):
    # (the first two were 5, 5, 5, 11: only the history was read for a transfer, and the post's history is its
    # paragraphs without uploads; the paragraphs over the uploads are the findings)
    rows = _unseen56_post_rows(_UNSEEN56_TRANSFER, transfer)
    assert [rows[k]["offset"] for k in _UNSEEN56_KEYS] == offsets
    undated = _unseen56_post_rows("Il 16/03, per il peggioramento", "Successivamente, per il peggioramento")
    assert [undated[k]["offset"] for k in _UNSEEN56_KEYS[:3]] == ["5", "5", "5"]


@pytest.mark.parametrize("history", [
    "Uomo di 67 anni. Il 24/03 viene trasferito dall’Ospedale di Lodi presso la nostra Terapia Intensiva, intubato; "
    "era ricoverato a Lodi dal 19/03, con febbre e tosse insorte circa una settimana prima del ricovero.",
    "Uomo di 67 anni. Il 24/03 viene trasferito da altro ospedale nella nostra Terapia Intensiva; era ricoverato dal "
    "19/03, con febbre e tosse insorte circa una settimana prima del ricovero.",
])
def test_unseen56_a_transfer_from_the_first_hospital_to_ours_in_the_history(history):
    # (were 7, 7, 9: the arrival's films put on the first hospital's admission, and "ricoverato a Lodi dal 19/03" the
    # onset; the order "nella nostra ... dall'Ospedale di Lodi" was read before, unseen54)
    images = [ImageTexts(0, caption="RX torace all’arrivo in reparto, paziente supino."),
              ImageTexts(1, caption="TC torace all’arrivo."),
              ImageTexts(2, caption="RX torace di controllo del 28/03.")]
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == [12, 12, 16]


@pytest.mark.parametrize("history, admitted", [
    ("Uomo di 67 anni, era ricoverato a Lodi dal 19/03, con febbre e tosse insorte circa una settimana prima del "
     "ricovero.", date(2020, 3, 19)),
    ("Donna di 58 anni, ricoverata presso l’Ospedale di Crema dal 10/04 per febbre da 5 giorni.", date(2020, 4, 10)),
    ("Uomo di 70 anni, ricoverato in Medicina dal 19/03; febbre insorta 7 giorni prima del ricovero.",
     date(2020, 3, 19)),
    ("A 60-year-old man hospitalised in a district hospital since 28 March 2020, with fever that began 7 days before "
     "admission.", date(2020, 3, 28)),
])
def test_unseen56_a_stay_since_a_date_told_with_its_place_is_the_admission(history, admitted):
    # (each was the onset of that date and no admission: the place between the stay and "dal" / "since")
    onset, found = history_dates(history, DAY_FIRST)
    assert onset is None
    assert found[0] == admitted


@pytest.mark.parametrize("history, onset", [
    # a symptom or a reason between: the symptom's start, as before
    ("Uomo di 67 anni, ricoverato in ospedale con febbre dal 19/03.", date(2020, 3, 19)),
    ("Admitted to the ward with fever since 3 April 2020.", date(2020, 4, 3)),
])
def test_unseen56_a_symptom_since_a_date_after_a_stay_stays_the_onset(history, onset):
    assert history_dates(history, DAY_FIRST)[0][0] == onset


def test_unseen56_a_transfer_from_the_first_hospital_to_ours_in_english():
    history = ("A 60-year-old man with fever for 5 days was admitted to a district hospital on 28 March 2020. On 2 "
               "April 2020 he was transferred from the district hospital to our intensive care unit, intubated.")
    images = [ImageTexts(0, caption="Chest radiograph on arrival, supine."),
              ImageTexts(1, caption="Chest radiograph on 6 April 2020.")]
    # (was 5, 14: the arrival's film on the district hospital's admission)
    assert [o.value for o in case_timeline(history, images, day_first=True).offsets] == [10, 14]


def test_unseen56_a_first_hospitals_arrival_film_told_before_the_transfer_keeps_its_day():
    findings = ("Febbre da 5 giorni; il 14/03 giunge al PS dell’Ospedale di Desio, dove all’arrivo esegue RX torace.\n"
                "Il 16/03 viene trasferito dall’Ospedale di Desio presso la nostra Terapia Semi-Intensiva. "
                "All’ingresso esegue TC del torace.")
    images = [ImageTexts(0, caption="RX torace del 14/03, all’arrivo in PS."),
              ImageTexts(1, caption="TC torace. All’ingresso.")]
    # (the TC was 5: the first hospital's admission)
    assert [o.value for o in case_timeline("Uomo, 58 anni.", images, findings=findings, day_first=True).offsets] \
        == [5, 7]
    # the transfer told with another person: no film moves
    other = findings.replace("Il 16/03 viene trasferito", "Il 16/03 la moglie viene trasferita")
    assert case_timeline("Uomo, 58 anni.", images, findings=other, day_first=True).offsets[0].value == 5


@pytest.mark.parametrize("position, view", [
    ("paziente supino", "AP Supine"),
    ("paziente seduto", "AP"),
    # a paragraph naming no position, or another view: blank with the caption's reason, as before
    ("in urgenza", None),
    ("in proiezione PA e laterale", None),
])
def test_unseen56_a_bedside_caption_takes_the_position_its_paragraph_names(position, view):
    # (the first two were blank: "a portable/bedside film is AP or AP Supine: the position is not stated"; the
    # paragraph was read only for a caption naming no view)
    rows = _unseen56_post_rows("RX a letto di controllo, paziente supino.", f"RX a letto di controllo, {position}.")
    assert rows["RX-letto"]["view"] == view
    # the other uploads as before
    assert [rows[k]["view"] for k in _UNSEEN56_KEYS[:3]] == ["PA", "Axial", "Coronal"]


def test_unseen56_rows():
    rows = _unseen56_post_rows()
    assert [rows[k]["offset"] for k in _UNSEEN56_KEYS] == ["5", "7", "7", "11"]
    assert [rows[k]["view"] for k in _UNSEEN56_KEYS] == ["PA", "Axial", "Coronal", "AP Supine"]


# --- sirmsplit52: one case per person of a SIRM post (issue 12, deliverable 3) ---------------------------------------

_SPLIT = FIXTURES / "sirm" / "sirmsplit52"
_FATHER_SON = ("caso_176_padre_48_e_figlio_15_anni_un_solo_racconto_rx_e_tc_del_padre_rx_del_figlio_in_gallery_"
               "didascalie_padre_figlio.html")
_FATHER_SON_URL = "https://www.sirm.org/2020/03/24/covid-19-caso-176/"


def _people(records_: list) -> list[tuple[str, str, str, list[str]]]:
    return [(r.source_key, r.age_text, r.sex_text, [i.source_url.rsplit("/", 1)[-1] for i in r.images])
            for r in records_]


def test_sirmsplit52_a_couples_bare_parts_and_shared_opening_give_each_person_their_age_sex_and_films():
    # caso 168: "lui di 74 anni, ..., lei di 69 anni" in the opening, then "Marito:" / "Moglie:" parts (was one case,
    # age and sex blank, a warning); the keys the same on every parse (a re-crawl stages the same cases)
    html = (FIXTURES / "sirm" / "unseen55" / _COUPLE_POST).read_text()
    found = parse_sirm_posts(html, _COUPLE_URL)
    assert _people(found) == [
        ("covid-19-caso-168-p1", "74 anni", "marito", ["168-marito-RX.jpg", "168-marito-TC.jpg"]),
        ("covid-19-caso-168-p2", "69 anni", "moglie", ["168-moglie-RX.jpg", "168-moglie-TC.jpg"])]
    assert [r.source_key for r in parse_sirm_posts(html, _COUPLE_URL)] == [r.source_key for r in found]
    assert all("split from post covid-19-caso-168" in r.warnings[-1] for r in found)
    assert "la moglie" not in found[0].history and "Il marito da 6 giorni" not in found[1].history


def test_sirmsplit52_captions_naming_the_persons_split_a_post_told_in_one_opening():
    # caso 176: no part per person, the films in one gallery captioned "Padre – ..." / "Figlio – ..." (was one case,
    # the father's 48 given to the son's film); the minor keeps his age, for the release gate to refuse him
    found = parse_sirm_posts((_SPLIT / _FATHER_SON).read_text(), _FATHER_SON_URL)
    assert _people(found) == [("covid-19-caso-176-p1", "48 anni", "padre", ["176-1.jpg", "176-2.jpg"]),
                              ("covid-19-caso-176-p2", "15 anni", "figlio", ["176-3.jpg"])]
    rows = {}
    for record in found:
        rows.update(staged_rows(record))
    assert [(rows[f"03/176-{k}.jpg"]["sex"], rows[f"03/176-{k}.jpg"]["age"]) for k in (1, 2, 3)] == \
        [("M", "48"), ("M", "48"), ("M", "15")]


def test_sirmsplit52_uploads_no_caption_or_part_assigns_keep_the_post_one_case_with_a_warning():
    html = (_SPLIT / _FATHER_SON).read_text().replace("Padre – TC, scansione", "TC, scansione")
    [record] = parse_sirm_posts(html, _FATHER_SON_URL)
    assert any("no caption or part assigns" in w for w in record.warnings)


def test_sirmsplit52_numbered_patients_with_their_relation_in_brackets_and_one_gallery_at_the_end():
    # caso 198: "Paziente 1 (madre), 79 anni" / "Paziente 2 (figlia), 52 anni" (no heading read: one case, the mother's
    # 79 given to the daughter's film), the gallery after both paragraphs, captioned "Paz. 1 – ..." / "Paz. 2 – ..."
    name = ("caso_198_madre_79_e_figlia_52_anni_paziente_1_madre_paziente_2_figlia_gallery_unica_in_fondo_"
            "didascalie_paz_1_paz_2.html")
    found = parse_sirm_posts((_SPLIT / name).read_text(), "https://www.sirm.org/2020/04/14/covid-19-caso-198/")
    assert _people(found) == [("covid-19-caso-198-p1", "79 anni", "madre", ["198_1.jpg", "198_2.jpg"]),
                              ("covid-19-caso-198-p2", "52 anni", "figlia", ["198_3.jpg"])]


@pytest.mark.parametrize(("label", "sex"), [("moglie", "F"), ("Marito", "M"), ("husband", "M"), ("figlia", "F"),
                                            ("padre", "M"), ("il padre", None), ("wife of patient 1", None)])
def test_sirmsplit52_a_patient_line_that_is_only_a_relation_gives_the_sex(label, sex):
    assert NORMALIZERS["sex"](label, language="it").value == sex


def test_sirmsplit52_each_persons_onset_from_their_own_clauses_and_one_told_after_the_others():
    # caso 168: "Il marito da 6 giorni ..." (the timeline takes a relation for someone else than the patient: was
    # blank), "la moglie ha iniziato ... tre giorni dopo di lui" (6 - 3: 3 days before the common arrival), her CT
    # "Dopo 48 ore" under the paragraph whose first sentence tells her film "in PS" (both took "Dopo 48 ore": blank)
    rows = _batch_rows("sirm", "unseen55", _COUPLE_POST, _COUPLE_URL)
    assert [rows[f"04/168-{k}.jpg"]["offset"] for k in ("marito-RX", "marito-TC", "moglie-RX", "moglie-TC")] == \
        ["6", "6", "3", "5"]
    # the other's onset not told: no day for hers either
    html = (FIXTURES / "sirm" / "unseen55" / _COUPLE_POST).read_text().replace("Il marito da 6 giorni presenta",
                                                                                "Il marito presenta")
    found = {}
    for record in parse_sirm_posts(html, _COUPLE_URL):
        found.update(staged_rows(record))
    assert found["04/168-moglie-RX.jpg"]["offset"] is None


@pytest.mark.parametrize(("caption", "paragraph", "own"), [
    ("RX torace PA", "Moglie: in PS RX torace, negativa. Dopo 48 ore esegue TC del torace.",
     "Moglie: in PS RX torace, negativa."),
    ("TC, scansione assiale", "Moglie: in PS RX torace, negativa. Dopo 48 ore esegue TC del torace.",
     "Dopo 48 ore esegue TC del torace."),
    ("CT axial image", "At the admission chest X-ray, AP; CT of the chest was performed the day after.",
     "CT of the chest was performed the day after."),
    # one sentence telling both exams, or a sentence going on after "Fig.": the paragraph whole
    ("TC, scansione assiale", "In PS RX torace a letto e TC del torace eseguita subito dopo.",
     "In PS RX torace a letto e TC del torace eseguita subito dopo."),
    ("TC del torace", "All'arrivo RX torace (Fig. 1), e TC del torace (Fig. 2).",
     "All'arrivo RX torace (Fig. 1), e TC del torace (Fig. 2)."),
])
def test_sirmsplit52_a_film_under_a_paragraph_telling_two_exams_in_sentences_of_their_own_takes_its_exams(
        caption, paragraph, own):
    from ingest.sirm import _own_exam_sentences

    assert _own_exam_sentences(caption, paragraph) == own


# --- leftovers52 (unseen55's Radiopaedia 79233): the intubation told by the place of the arrival ("was intubated in
# the emergency department", "arrived to emergency ... and was intubated there"): the stay's day 0, and the patient in
# intensive care from the arrival, so a study titled "ICU day 3" is the stay's day 3

_ICU_STUDIES = [("Admission", "X-ray", "Portable AP semi-erect, after intubation."),
                ("ICU day 3", "CT", "Non-contrast CT done for worsening oxygenation."),
                ("3 days after intubation", "X-ray", "AP supine.")]


def _rp_offsets(tmp_path: Path, history: str, studies=_ICU_STUDIES) -> list[object]:
    from tests.timeline_unseen import FIRST_CASE, offsets
    case = {"id": "x", "site": "radiopaedia", "patient": "58 years, male", "history": history,
            "images": [{"title": t, "modality": m, "caption": c} for t, m, c in studies]}
    return offsets(case, FIRST_CASE + 960, tmp_path)


@pytest.mark.parametrize("history", [
    "Male with 7 days of fever, cough and dyspnea, arrived to emergency with SpO2 78% and was intubated there.",
    "Fever and cough for 7 days. He was intubated in the emergency department and admitted to the ICU.",
    "7 days of fever and dyspnoea. Intubated in the ER for hypoxaemic respiratory failure.",
    "One week of fever and breathlessness; presented to A&E with SpO2 80% and was intubated immediately in A&E.",
    "7 days of fever and dyspnoea. Intubated on arrival.",  # (its intubation was read; the ICU's day was not)
])
def test_leftovers52_intubated_at_the_arrival_places_the_icu_days_on_the_stays(tmp_path, history):
    # (were 7, blank, blank but the last: "'ICU day 3': its day is not told", and the intubation no day)
    assert _rp_offsets(tmp_path, history) == ["7", "10", "10"]


@pytest.mark.parametrize("history", [
    # another person intubated; "there" with no arrival at the emergency department before it; a later move to the
    # unit; intubated on a return
    "7 days of fever and dyspnoea. His wife was intubated in the emergency department last week.",
    "7 days of fever and dyspnoea, admitted to the ward of a district hospital and intubated there.",
    "7 days of fever and dyspnoea, intubated in the emergency department. Two days later transferred to the ICU.",
    "7 days of fever and dyspnoea, sent home from the ED. He returned 3 days later and was intubated in the ED.",
])
def test_leftovers52_an_intubation_not_at_the_arrival_leaves_the_icu_day_blank(tmp_path, history):
    assert _rp_offsets(tmp_path, history)[1] is None


def test_leftovers52_unseen55_icu_day_3():
    name = ("rp_classic_2020_peru_58_years_male_one_line_presentation_7_days_intubated_in_emergency_studies_admission_"
            "icu_day_3_post_extubation.html")
    rows = _batch_rows("radiopaedia", "unseen55", name, "https://radiopaedia.org/cases/covid-19-pneumonia-ards-evolution-3")
    assert [rows[k]["offset"] for k in sorted(rows)][:3] == ["7", "10", "10"]


# unseen58: Eurorad 17458's history sentence citing two figures in turn ("At presentation a chest radiograph was made
# (Figure 2), followed on the same day by a CT of the chest without contrast (Figure 3)"): Figure 3 was undated.
_EU58 = ("eu_netherlands_59_years_female_rheumatoid_arthritis_on_methotrexate_since_8_days_normal_pa_four_months_"
         "before_at_outpatient_clinic_pa_and_ct_at_presentation_control_film_after_10_days_of_hospitalisation.html")
_EU58_URL = "https://www.eurorad.org/case/17458"
_EU58_CLAUSE = "followed on the same day by a CT of the chest without contrast (Figure 3)"


def _unseen58_offsets(tmp_path: Path, site: str, name: str, url: str, *replacements: tuple[str, str]) -> list[object]:
    """The page's staged offsets in film order, each of ``replacements`` (old words, new) applied first."""
    folder = FIXTURES / site / "unseen58"
    html = (folder / name).read_text()
    for old, new in replacements:
        assert old in html, old
        html = html.replace(old, new)
    for stacks in folder.glob("stacks_*.json"):
        (tmp_path / stacks.name).write_text(stacks.read_text())
    (tmp_path / name).write_text(html)
    rows: dict[str, dict[str, object]] = {}
    for record in records(site, tmp_path / name, url):
        rows.update(staged_rows(record))
    return [rows[key]["offset"] for key in sorted(rows)]


@pytest.mark.parametrize("clause, days", [
    (_EU58_CLAUSE, "8"),
    ("followed by a CT of the chest without contrast on the same day (Figure 3)", "8"),
    ("and two days later a chest CT was performed (Figure 3)", "10"),
    ("and on the third day of admission a CT of the chest (Figure 3)", "11"),
])
def test_unseen58_a_sentence_citing_two_figures_in_turn_dates_each_by_its_own_clause(tmp_path, clause, days):
    # (Figure 3a, 3b staged no offset: only a sentence citing one figure alone was read for it)
    offsets = _unseen58_offsets(tmp_path, "eurorad", _EU58, _EU58_URL, (_EU58_CLAUSE, clause))
    assert offsets[1:] == ["8", days, days, "18"]


@pytest.mark.parametrize("old, new", [
    # another exam in the clause; the citation before is not of the figure before; one citation of both figures;
    # two exams of the dataset in the clause
    (_EU58_CLAUSE, "followed on the same day by a lung ultrasound and a CT of the chest (Figure 3)"),
    ("(Figure 2), " + _EU58_CLAUSE, "(Figure 4), " + _EU58_CLAUSE),
    (_EU58_CLAUSE, "followed on the same day by a CT of the chest (Figures 2 and 3)"),
    (_EU58_CLAUSE, "followed on the same day by a CT and a second chest radiograph (Figure 3)"),
])
def test_unseen58_a_clause_of_a_sentence_citing_two_figures_is_not_read_otherwise(tmp_path, old, new):
    assert _unseen58_offsets(tmp_path, "eurorad", _EU58, _EU58_URL, (old, new))[2:4] == [None, None]


# unseen58: Eurorad 17458's own normal film of four months before the illness (legend: "PA chest radiograph at the
# rheumatology outpatient clinic, July 2020: normal lungs, no interstitial abnormalities"; history: "Her last chest
# radiograph was made four months before ... and was normal (Figure 1)"): was a film of the COVID-19 case
_EU58_BEFORE = "Her last chest radiograph was made four months before at the rheumatology outpatient clinic"
_EU58_LEGEND = "normal lungs, no interstitial abnormalities."


def _unseen58_eurorad_cases(tmp_path: Path, *replacements: tuple[str, str]) -> dict[str, tuple[object, list[str]]]:
    """Each case of the Eurorad page (its key) with its finding and its films' labels, ``replacements`` applied."""
    html = (FIXTURES / "eurorad" / "unseen58" / _EU58).read_text()
    for old, new in replacements:
        assert old in html, old
        html = html.replace(old, new)
    (tmp_path / _EU58).write_text(html)
    cases = {}
    for record in records("eurorad", tmp_path / _EU58, _EU58_URL):
        finding = next(r.value for r in normalize_case(record) if r.field == "finding" and r.image_position is None)
        cases[record.source_key] = (finding, [i.label for i in record.images])
    return cases


@pytest.mark.parametrize("old, new", [
    ("", ""),
    ("made four months before", "made two years earlier"),
    ("four months before at the", "a few months ago at the"),
])
def test_unseen58_an_own_normal_film_of_months_before_the_illness_is_no_finding_of_its_own(tmp_path, old, new):
    # (was a film of the COVID-19 case: its finding Pneumonia/Viral/COVID-19)
    cases = _unseen58_eurorad_cases(tmp_path, *([(old, new)] if old else []))
    assert cases == {"17458": ("Pneumonia/Viral/COVID-19", ["Figure 2", "Figure 3a", "Figure 3b", "Figure 4"]),
                     "17458-n1": ("No Finding", ["Figure 1"])}
    if not old:  # the patient's sex, no age: the age then is not the age now
        row = _batch_rows("eurorad", "unseen58", _EU58, _EU58_URL)["0000017458/17458_1_1.jpg"]
        assert (row["sex"], row["age"], row["finding"]) == ("F", None, "No Finding")


@pytest.mark.parametrize("old, new", [
    # a lesion in the legend; a film of days before; a citing sentence telling no time before the illness
    (_EU58_LEGEND, "normal heart size, small nodule in the right upper lobe."),
    (_EU58_BEFORE, "Her last chest radiograph was made four days before at the rheumatology outpatient clinic"),
    (_EU58_BEFORE, "Her last chest radiograph was made at the rheumatology outpatient clinic"),
])
def test_unseen58_a_normal_film_not_told_months_before_stays_the_case_s(tmp_path, old, new):
    cases = _unseen58_eurorad_cases(tmp_path, (old, new))
    assert list(cases) == ["17458"] and len(cases["17458"][1]) == 5


# --- leftovers52b: a readmission the history dates ("He was readmitted on 2 April 2020", "On 02/04/2020 she was
# readmitted": slashed dates day first on the sites writing them so) is the day of the films "at readmission" (was no
# readmission read: blank)

_DATED_RETURN = ("A 60-year-old man with fever and cough for 5 days was admitted on {a}. He improved and was "
                 "discharged on {d}. {r}")
_AT_READMISSION_FILMS = ("Chest X-ray at admission.", "Chest CT at readmission.")


@pytest.mark.parametrize("a, d, r, day_first", [
    ("02/03/2020", "15/03/2020", "He was readmitted on 02/04/2020 with worsening dyspnoea.", True),
    ("02.03.2020", "15.03.2020", "On 02.04.2020 he was readmitted with worsening dyspnoea.", True),
    ("2 March 2020", "15 March 2020", "He was readmitted to our hospital on 2 April 2020 with dyspnoea.", False),
    ("March 2, 2020", "March 15, 2020", "On April 2, 2020, he was readmitted because of dyspnoea.", False),
    ("2 March 2020", "15 March 2020", "Readmission on 2 April 2020 for dyspnoea.", True),
])
def test_leftovers52b_a_dated_readmission_places_the_films_at_readmission(a, d, r, day_first):
    history = _DATED_RETURN.format(a=a, d=d, r=r)
    images = [ImageTexts(k, caption=c) for k, c in enumerate(_AT_READMISSION_FILMS)]
    assert [o.value for o in case_timeline(history, images, day_first=day_first).offsets] == [5, 36]


@pytest.mark.parametrize("r", [
    # another person readmitted, a return from a trip, two dates in the readmission's clause: no readmission's day
    "His wife was readmitted on 2 April 2020 with dyspnoea.",
    "He returned from Milan on 2 April 2020 and developed dyspnoea.",
    "He was readmitted between 2 April 2020 and 4 April 2020 for tests.",
    "He was later readmitted with dyspnoea.",
])
def test_leftovers52b_a_readmission_without_its_own_date_stays_blank(r):
    history = _DATED_RETURN.format(a="2 March 2020", d="15 March 2020", r=r)
    images = [ImageTexts(k, caption=c) for k, c in enumerate(_AT_READMISSION_FILMS)]
    offsets = case_timeline(history, images).offsets
    assert offsets[0].value == 5 and offsets[1].value is None and offsets[1].reason


def test_leftovers52b_a_dated_readmission_after_a_told_interval_keeps_the_interval():
    # "readmitted 12 days after discharge" (the timeline's reading before) comes first
    history = _DATED_RETURN.format(a="2 March 2020", d="15 March 2020",
                                   r="He was readmitted 12 days after discharge, on 27 March 2020.")
    images = [ImageTexts(k, caption=c) for k, c in enumerate(_AT_READMISSION_FILMS)]
    assert [o.value for o in case_timeline(history, images).offsets] == [5, 30]


# --- leftovers52b: a case where one film's own moment cannot be placed (crawled57 saw it: Eurorad 17086's "At the 3rd
# day of internment" before "internment" was read): the case's films telling no moment of their own are blank WITH a
# reason the reviewer sees (was no offset staged at all)

_EU17086 = ("eu_portugal_58_years_male_patient_of_58_years_fever_since_4_days_figure_1a_c_one_legend_pa_and_ct_same_"
            "day_ap_at_the_3rd_day_of_internment.html")


def _offset_results(html: str, tmp_path: Path) -> dict[int, tuple[object, str]]:
    page = tmp_path / "page.html"
    page.write_text(html)
    found = {}
    for record in records("eurorad", page, "https://www.eurorad.org/case/17086"):
        found.update({r.image_position: (r.value, r.reason) for r in normalize_case(record) if r.field == "offset"})
    return found


def test_leftovers52b_films_beside_an_unplaced_film_are_blank_with_a_reason(tmp_path):
    html = (FIXTURES / "eurorad" / "unseen57" / _EU17086).read_text()
    assert "3rd day of internment" in html
    found = _offset_results(html.replace("3rd day of internment", "3rd day of the zzzz"), tmp_path)
    assert sorted(found) == [0, 1, 2, 3]
    assert found[3] == (None, "'3rd day of the zzzz': its day is not told")
    for position in (0, 1, 2):
        value, reason = found[position]
        assert value is None and reason.startswith("no moment of this image in its own words; ")
        assert "'3rd day of the zzzz'" in reason
    # (the page as written: every film placed, as before)
    assert {p: v for p, (v, _) in _offset_results(html, tmp_path).items()} == {0: "4", 1: "4", 2: "4", 3: "7"}


def test_leftovers52b_a_film_without_a_moment_in_a_case_telling_no_time_stages_no_offset():
    history = "A 60-year-old man with cough."
    images = [ImageTexts(k, caption=c) for k, c in enumerate(("Chest X-ray.", "Chest CT."))]
    timeline = case_timeline(history, images)
    assert [(o.value, o.reason) for o in timeline.offsets] == [(None, "no moment of this image in its own words")] * 2
    from ingest.records import CaseRecord, ImageRecord

    record = CaseRecord(source="eurorad", source_key="x", url="https://www.eurorad.org/case/1", history=history,
                        images=[ImageRecord(position=k, source_url=f"https://x/{k}.jpg", caption=c)
                                for k, c in enumerate(("Chest X-ray.", "Chest CT."))])
    assert [_image_offset(record, image, timeline) for image in record.images] == [None, None]  # (as before)


# --- leftovers52b: a film "at admission to the ICU" of a patient the history moves there later on a day it does not
# tell ("He was admitted to the ward and transferred to the ICU on the second day": whose second day is not said) is
# blank with a reason (was the hospital admission's day: a wrong value)

_ICU_FILMS = ("Chest X-ray at admission.", "CT at admission to the intensive care unit.", "Chest X-ray on ICU day 3.")


@pytest.mark.parametrize("told", [
    "He was admitted to the ward and transferred to the ICU on the second day.",
    "He was admitted. He was later transferred to the intensive care unit.",
    "She was admitted to the ward; her condition worsened and she was moved to the ICU.",
    "He was subsequently admitted to the intensive care unit for high-flow oxygen.",
])
def test_leftovers52b_a_film_at_icu_admission_of_a_later_move_untold_is_blank(told):
    history = f"A 60-year-old man presented with fever for 5 days. {told}"
    offsets = case_timeline(history, [ImageTexts(k, caption=c) for k, c in enumerate(_ICU_FILMS)]).offsets
    assert offsets[0].value == 5
    assert offsets[1].value is None and "moves the patient to intensive care" in offsets[1].reason
    assert offsets[2].value is None


@pytest.mark.parametrize("told, icu", [
    # the move's day told: that day, as before
    ("He was admitted. On the second day of hospitalization he was transferred to the ICU.", 7),
    # an admission that may be the first, straight there, a transfer from another hospital, another person: the
    # hospital admission's day, as before
    ("He was admitted to the ICU.", 5),
    ("He was admitted directly to the intensive care unit.", 5),
    ("He was transferred from the district hospital to our ICU.", 5),
    ("His wife was transferred to the ICU.", 5),
])
def test_leftovers52b_a_film_at_icu_admission_otherwise_as_before(told, icu):
    history = f"A 60-year-old man presented with fever for 5 days. {told}"
    offsets = case_timeline(history, [ImageTexts(k, caption=c) for k, c in enumerate(_ICU_FILMS[:2])]).offsets
    assert [o.value for o in offsets] == [5, icu]


# --- leftovers52b: "re-admitted", "re-hospitalized" are the return's, as "readmitted" is: not a second admission date
# (the history's admission date was lost, so a dated return placed nothing)

@pytest.mark.parametrize("r", [
    "He was re-admitted to our hospital on 2 April 2020 with dyspnoea.",
    "He was re-hospitalized on 2 April 2020.",
])
def test_leftovers52b_a_hyphenated_readmission_is_no_second_admission(r):
    history = _DATED_RETURN.format(a="2 March 2020", d="15 March 2020", r=r)
    assert history_dates(history)[1] == (date(2020, 3, 2), "2 March 2020")
    images = [ImageTexts(k, caption=c) for k, c in enumerate(_AT_READMISSION_FILMS)]
    assert [o.value for o in case_timeline(history, images).offsets] == [5, 36]


# --- unseen59: Radiopaedia 96218's onset told by a moment N ago and the symptoms "since then" ("PCR positive a week
# ago, fevers and cough since then. Worsening shortness of breath over the last 48 hours": the symptoms run from the
# test, 7 days; the worsening's 48 hours a later phase, not the onset: was 2)

@pytest.mark.parametrize("history, days", [
    ("28/40 pregnant. PCR positive a week ago, fevers and cough since then. Worsening shortness of breath over the "
     "last 48 hours, SpO2 91% on room air.", 7),
    ("Tested positive for COVID-19 five days ago and has had a fever and a dry cough ever since.", 5),
    ("Returned from a cruise 10 days ago. Since then fever, myalgia and cough; breathless for 2 days.", 10),
    ("Diagnosed with SARS-CoV-2 infection 6 days ago; since that day fever and anosmia.", 6),
    ("Tampone positivo 8 giorni fa, da allora febbre e tosse; dispnea da ieri.", 8),
])
def test_unseen59_symptoms_since_a_moment_told_as_a_time_ago_run_from_that_moment(history, days):
    assert onset_gap(history)[0] == days


@pytest.mark.parametrize("history, days", [
    # the time since the moment told well ("well since then", "no fever since then"), no symptom since it, another
    # person's moment, a symptom span of its own longer than the moment's time
    ("Discharged after COVID-19 pneumonia 3 weeks ago, well since then. Fever and cough for 2 days.", 2),
    ("Treated for COVID-19 two weeks ago, no fever since then. Dyspnoea for 3 days.", 3),
    ("PCR positive 9 days ago, in quarantine at home since then. Fever and cough for 2 days.", 2),
    ("Her husband tested positive 10 days ago and has been coughing since then. She has had fever for 3 days.", 3),
    ("Cough for 12 days. PCR positive 5 days ago, fever since then.", 12),
])
def test_unseen59_since_then_without_the_moments_symptoms_tells_no_onset(history, days):
    assert onset_gap(history)[0] == days


def test_unseen59_radiopaedia_96218():
    name = ("rp_2022_layout_2022_australia_34_years_female_28_40_pregnant_pcr_positive_a_week_ago_symptoms_since_then_"
            "ap_in_ed_ctpa_next_morning_axial.html")
    rows = _batch_rows("radiopaedia", "unseen59", name, "https://radiopaedia.org/cases/covid-19-pneumonia-in-pregnancy-7")
    assert sorted(row["offset"] for row in rows.values()) == ["7", "8"]


# --- unseen60: Eurorad 17690's legends date the films by the ECMO's own days ("CT, ECMO day 10, axial image"), the
# history telling the support's start ("veno-venous ECMO was started on day 4 of hospitalisation"): the tenth day
# after that start, 8 + 4 + 10 = 22 (was a bare label "day 10" of an untold count: blank)

@pytest.mark.parametrize("caption, days", [
    ("CT, ECMO day 10, axial image (lung window): right pneumothorax.", 10),
    ("Chest radiograph on VV-ECMO day 3: complete white-out of both lungs.", 3),
    ("Bedside AP film, ECLS day 7.", 7),
    ("Portable radiograph (ECMO day 14) showing partial re-aeration.", 14),
])
def test_unseen60_a_day_after_an_extracorporeal_support_s_name_counts_from_its_start(caption, days):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [(AFTER_EVENT, days)]


@pytest.mark.parametrize("caption", [
    # a bare day, another count's name, the support's end
    "Chest radiograph, day 10: bilateral consolidations.",
    "CT on ICU admission, day 10, after ECMO: consolidations.",
    "Radiograph after he was weaned from ECMO day 12.",
    # the same film's day told in another count first, whose day 1 the support's need not share (a real legend:
    # "Hospital day 2 (ECMO day 1); 12 hours after initiating VV-ECMO. (C) Hospital day 7 (ECMO day 6).")
    "Hospital day 7 (ECMO day 6).",
    "Chest X-ray, HD 12 / ECMO day 11: removal of VV-ECMO.",
])
def test_unseen60_a_day_without_the_support_s_name_right_before_it_is_no_ecmo_day(caption):
    assert AFTER_EVENT not in [m.kind for m in text_moments(caption, "caption")]


_UNSEEN60_EURORAD = ("eu_portugal_45_years_male_ards_intubated_on_the_second_day_of_hospitalisation_vv_ecmo_on_day_4_"
                     "ap_in_ed_supine_film_on_the_day_ecmo_started_ct_ecmo_day_10_axial_coronal_figure_3a_3b.html")


def test_unseen60_eurorad_17690():
    rows = _batch_rows("eurorad", "unseen60", _UNSEEN60_EURORAD, "https://www.eurorad.org/case/17690")
    assert [row["offset"] for row in rows.values()] == ["8", "12", "22", "22"]


def test_unseen60_ecmo_days_are_blank_when_the_history_does_not_tell_the_support_s_start():
    html = (FIXTURES / "eurorad" / "unseen60" / _UNSEEN60_EURORAD).read_text()
    told = ("; despite prone positioning and neuromuscular blockade, veno-venous ECMO was started on day 4 of "
            "hospitalisation")
    assert told in html
    html = html.replace(told, ". Veno-venous ECMO was started after failure of prone positioning")
    rows = {}
    for record in parse_eurorad_case(html, "https://www.eurorad.org/case/17690"):
        rows.update(staged_rows(record))
    assert [row["offset"] for row in rows.values()][2:] == [None, None]


# --- unseen62: Eurorad 17577's Figure 3, "Chest radiograph (AP) of the 7-year-old daughter, one week earlier, for
# comparison: mild peribronchial cuffing, no consolidation": a child relative's film on an adult's page is another
# person's, and a minor's: left out (was staged as the 41-year-old father's film; a comparison film is split out only
# when its legend tells it normal)
_UNSEEN62_EURORAD_17577 = ("eu_greece_41_years_male_father_infected_by_his_7_year_old_daughter_her_radiograph_shown_"
                           "for_comparison_pa_in_ed_after_6_days_ct_the_next_day.html")


def test_unseen62_eurorad_17577_the_daughter_s_film_is_left_out():
    (record,) = records("eurorad", FIXTURES / "eurorad" / "unseen62" / _UNSEEN62_EURORAD_17577,
                        "https://www.eurorad.org/case/17577")
    assert [i.source_url.rsplit("/", 1)[-1].split("?")[0] for i in record.images] == ["17577_1_1.jpg", "17577_2_1.jpg"]
    assert [i.position for i in record.images] == [0, 1]
    (entry,) = record.extra["left_out_figures"]
    assert entry["kind"] == "another person (a minor)" and "7-year-old daughter" in entry["reason"]
    assert any("another person (a minor)" in w for w in record.warnings)


def _page_with_third_legend(legend: str, patient_line: str = "41 years, male") -> list:
    html = (FIXTURES / "eurorad" / "unseen62" / _UNSEEN62_EURORAD_17577).read_text()
    old = ("Chest radiograph (AP) of the 7-year-old daughter, one week earlier, for comparison: mild peribronchial "
           "cuffing, no consolidation.")
    assert old in html and '<p class="color-grey">41 years, male</p>' in html
    html = html.replace(old, legend).replace('<p class="color-grey">41 years, male</p>',
                                             f'<p class="color-grey">{patient_line}</p>')
    (record,) = parse_eurorad_case(html, "https://www.eurorad.org/case/17577")
    return [i.source_url.rsplit("/", 1)[-1].split("?")[0] for i in record.images]


@pytest.mark.parametrize("legend", [
    "Axial CT image of his 15-year-old son, performed at another hospital: small peripheral ground-glass opacity.",
    "Chest X-ray of the patient's 8-month-old grandson, AP supine: perihilar peribronchial thickening.",
    "For comparison, the radiograph of their 12 year old girl: normal.",
])
def test_unseen62_a_child_relative_s_film_on_an_adult_s_page_is_left_out(legend):
    assert _page_with_third_legend(legend) == ["17577_1_1.jpg", "17577_2_1.jpg"]


@pytest.mark.parametrize("legend, patient_line", [
    # an adult relative: not a minor (a film of another adult is not left out by this reading)
    ("Chest radiograph (AP) of his 45-year-old wife, for comparison: bilateral opacities.", "41 years, male"),
    # the page's patient is the child: its films are kept
    ("Chest radiograph (AP) of the 7-year-old daughter, one week earlier: mild peribronchial cuffing.",
     "7 years, female"),
    # no age told on the page: nothing to compare with
    ("Chest radiograph (AP) of the 7-year-old daughter, one week earlier: mild peribronchial cuffing.", ""),
    # the patient's own film, the child only named
    ("Chest radiograph of the patient at the day his daughter was discharged: bilateral opacities.", "41 years, male"),
])
def test_unseen62_films_of_adults_or_of_a_child_s_own_page_are_kept(legend, patient_line):
    assert _page_with_third_legend(legend, patient_line) == ["17577_1_1.jpg", "17577_2_1.jpg", "17577_3_1.jpg"]


# --- unseen62: onsets told in note form: Radiopaedia 76302's "Fever, dry cough and SOB x 6d" (American shorthand:
# was unread, the films counted from the admission, "HD#2" 2 for 8), 88412's "Symptom onset 9 days prior with fever
# and loss of smell" (was blank), SIRM caso 217's "per febbre ... e tosse secca insorte circa una settimana prima e
# dispnea ingravescente ..." (was unread: the films counted from the admission of 18/03, 0 for 7)
@pytest.mark.parametrize("history, gap", [
    ("67M w/ HTN, DM2, CKD 3. Fever, dry cough and SOB x 6d. COVID-19 PCR (NP swab) positive 2d prior.", 6),
    ("Cough x2wk, now febrile.", 14),
    ("Fever and chills x 3 wks.", 21),
    ("Malaise and fever for 5d.", 5),
    ("Symptom onset 9 days prior with fever and loss of smell, tested positive at a community site.", 9),
    ("Symptom onset 4 days before.", 4),
    ("Giunge in PS per febbre e tosse secca insorte circa una settimana prima e dispnea da due giorni.", 7),
    ("Febbre insorta circa 5 giorni prima.", 5),
    ("Fever began around 4 days ago.", 4),
])
def test_unseen62_onsets_told_in_note_form(history, gap):
    found = onset_gap(history)
    assert (found[0] if found is not None else None) == gap


@pytest.mark.parametrize("history", [
    "On NRB x 3d. Intubated.",  # a treatment's span, no symptom
    "Dexamethasone x 10d.",
    "CT x 2d later showed progression.",  # no symptom in the item
    "Rash onset 3 days prior with itching.",  # no illness's symptom
    "Fever began 5 days before and after the CT.",  # no clause of a symptom's onset
])
def test_unseen62_note_form_spans_without_a_symptom_s_onset_are_no_onset(history):
    assert onset_gap(history) is None


def test_unseen62_radiopaedia_and_sirm_onsets():
    rows = _batch_rows("radiopaedia", "unseen62", "rp_classic_2020_usa_67_years_male_terse_abbreviations_fever_cough_"
                       "x6d_cxr_ed_cxr_hd2_s_p_intubation_cta_chest_hd5_axial_coronal.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-with-pneumomediastinum-3")
    assert [row["offset"] for row in rows.values()] == ["6", "8", "11", "11"]
    rows = _batch_rows("radiopaedia", "unseen62", "rp_2022_layout_2021_canada_52_years_female_symptom_onset_9_days_"
                       "prior_pa_and_lateral_in_assessment_centre_ctpa_same_afternoon_axial_coronal_sagittal.html",
                       "https://radiopaedia.org/cases/covid-19-pneumonia-and-pulmonary-embolism-21")
    assert [row["offset"] for row in rows.values()] == ["9"] * 5
    rows = _batch_rows("sirm", "unseen62", _UNSEEN62_SIRM, "https://www.sirm.org/2020/04/07/covid-19-caso-217/")
    assert [rows[k]["offset"] for k in ("04/caso217_fig1.jpg", "04/caso217_fig3.jpg")] == ["7", "13"]


_UNSEEN62_SIRM = ("caso_217_scritto_da_specializzanda_storia_in_un_unico_periodo_maschio_71_anni_febbre_da_circa_una_"
                  "settimana_tampone_naso_faringeo_positivo_rx_pa_e_tc_in_ps_rx_a_letto_in_sesta_giornata.html")


# --- unseen62: SIRM caso 217's history in one sentence names the RX and then the TC "nella stessa giornata" ("viene
# sottoposto a RX torace e, per la discrepanza tra il quadro clinico e quello radiografico, a TC del torace senza
# mezzo di contrasto nella stessa giornata"); the TC's caption and paragraph tell no moment: the TC is the RX's day
# (was blank: a history sentence naming two exams was read for neither)
def _unseen62_sirm_rows(old: str = "", new: str = "") -> list:
    html = (FIXTURES / "sirm" / "unseen62" / _UNSEEN62_SIRM).read_text()
    assert old in html
    rows = {}
    for record in parse_sirm_posts(html.replace(old, new), "https://www.sirm.org/2020/04/07/covid-19-caso-217/"):
        rows.update(staged_rows(record))
    return [rows[f"04/caso217_fig{k}.jpg"]["offset"] for k in (1, 2, 3)]


_UNSEEN62_SAME_DAY = "a TC del torace senza mezzo di contrasto nella stessa giornata"


@pytest.mark.parametrize("clause, want", [
    (_UNSEEN62_SAME_DAY, "7"),
    ("a TC del torace senza mezzo di contrasto il giorno successivo", "8"),
    ("a TC del torace senza mezzo di contrasto dopo 2 giorni", "9"),
])
def test_unseen62_the_second_exam_of_a_history_sentence_counts_from_the_first(clause, want):
    assert _unseen62_sirm_rows(_UNSEEN62_SAME_DAY, clause) == ["7", want, "13"]


@pytest.mark.parametrize("old, new", [
    # no time in the TC's clause
    (_UNSEEN62_SAME_DAY, "a TC del torace senza mezzo di contrasto"),
    # a moment between the two exams: the time's base is not told
    ("sottoposto a RX torace e, per la discrepanza", "sottoposto a RX torace e, dopo tre giorni di terapia, per la "
                                                     "discrepanza"),
    # a third exam in the sentence
    (_UNSEEN62_SAME_DAY, f"{_UNSEEN62_SAME_DAY} e poi a RX di controllo"),
])
def test_unseen62_the_second_exam_stays_blank_without_its_own_time_after_the_first(old, new):
    assert _unseen62_sirm_rows(old, new)[1] is None


def test_unseen62_the_same_reading_in_an_english_history_of_a_eurorad_page():
    html = (FIXTURES / "eurorad" / "unseen62" / _UNSEEN62_EURORAD_17577).read_text()
    told = ("A chest radiograph was performed in the emergency department. The next day, due to desaturation to "
            "88%, a chest CT was performed.")
    legend = "Axial CT image, lung window, performed the day after admission:"
    assert told in html and legend in html
    html = html.replace(told, "A chest radiograph was performed in the emergency department and a chest CT the "
                              "following day.").replace(legend, "Axial CT image, lung window:")
    rows = {}
    for record in parse_eurorad_case(html, "https://www.eurorad.org/case/17577"):
        rows.update(staged_rows(record))
    assert [row["offset"] for row in rows.values()] == ["6", "7"]


# --- unseen62: Eurorad 16934, a family of three told one paragraph each by the relation ("A 63-year-old male patient
# applied ...", "His wife, 58-year-old, ...", "Their son, 29 years old, ..."), every legend naming whose film it is
# ("of the father", "of the mother", "of the son"): one case per member (was one case: the mother's CT staged M 63,
# the son's 63, both offsets blank)
_UNSEEN62_EURORAD_16934 = ("eu_turkey_family_of_three_father_63_fever_and_myalgia_for_5_days_pa_and_ct_at_admission_"
                           "mother_58_admitted_two_days_later_son_29_outpatient_ct_same_day.html")


def _unseen62_family(replacements: tuple[tuple[str, str], ...] = ()) -> list:
    html = (FIXTURES / "eurorad" / "unseen62" / _UNSEEN62_EURORAD_16934).read_text()
    for old, new in replacements:
        assert old in html
        html = html.replace(old, new)
    return parse_eurorad_case(html, "https://www.eurorad.org/case/16934")


def test_unseen62_eurorad_16934_a_family_told_by_relations_is_one_case_per_member():
    found = _unseen62_family()
    assert [r.source_key for r in found] == ["16934-p1", "16934-p2", "16934-p3"]
    assert [len(r.images) for r in found] == [2, 1, 1]
    rows = [row for r in found for row in staged_rows(r).values()]
    assert [(row["sex"], row["age"], row["offset"]) for row in rows] == [
        ("M", "63", "5"), ("M", "63", "5"), ("F", "58", "2"), ("M", "29", "3")]


def test_unseen62_a_couple_named_by_the_other_s_relation():
    # the index woman's film named "of the wife" (no one introduced so: the one woman not introduced as a child)
    found = _unseen62_family((
        ("A 63-year-old male patient applied", "A 63-year-old female patient applied"),
        ("His wife, 58-year-old,", "Her husband, 58-year-old,"),
        ("Chest X-ray of the father", "Chest X-ray of the wife"),
        ("Axial CT image of the father", "Axial CT image of the wife"),
        ("Axial CT image of the mother", "Axial CT image of the husband")))
    assert [(r.source_key, r.sex_text, len(r.images)) for r in found] == [
        ("16934-p1", "female", 2), ("16934-p2", "male", 1), ("16934-p3", "male", 1)]


@pytest.mark.parametrize("replacements", [
    # a legend naming no one: which member's film is not told
    (("Axial CT image of the mother:", "Axial CT image:"),),
    # a legend naming a relative no member is (a brother: read only as the member introduced so)
    (("Axial CT image of the son:", "Axial CT image of the brother:"),),
    # a legend naming two members
    (("Axial CT image of the son:", "Axial CT images of the son and of the mother:"),),
    # a member told in passing, not opening a paragraph of their own
    (("</p><p>Their son, 29 years old, had", " Their son, 29 years old, had"),),
])
def test_unseen62_a_family_is_not_split_unless_every_legend_names_one_member(replacements):
    assert [r.source_key for r in _unseen62_family(replacements)] == ["16934"]


# --- unseen61: Eurorad 16963's key figure first (the portable film "performed after the sudden clinical worsening",
# a pneumothorax on "the 14th day of admission"), the CT "the next day", the admission film last "for comparison"

_UNSEEN61_EURORAD = ("eu_spain_63_years_male_10_days_of_evolution_pneumothorax_on_the_14th_day_of_admission_figures_"
                     "portable_ap_ct_the_next_day_and_admission_pa_out_of_date_order.html")
_WORSENED_ON_DAY_14 = ("A 63-year-old man consulted to the emergency department for fever and dyspnoea of 10 days of "
                       "evolution. He was admitted to the COVID ward. On the 14th day of admission he presented a "
                       "sudden right pleuritic chest pain with desaturation to 82% despite the oxygen therapy.")


@pytest.mark.parametrize("history, caption, offset", [
    # an adjective before the worsening (was no moment of its own: the first figure taken for the presenting film)
    (_WORSENED_ON_DAY_14, "The portable chest X-ray performed after the sudden clinical worsening showed a "
                          "pneumothorax.", 24),
    (_WORSENED_ON_DAY_14, "CT pulmonary angiography obtained following the acute respiratory deterioration.", 24),
    (_WORSENED_ON_DAY_14, "Bedside radiograph after the abrupt deterioration.", 24),
    # the worsening told by "presented a sudden ..." or a desaturation on a day of the stay
    ("Fever for 5 days, then admitted. On day 3 of admission she presented an acute dyspnoea.",
     "CT performed following the clinical deterioration.", 8),
    ("Fever for 5 days, then admitted to the ward. On the sixth day of hospitalisation he had a desaturation to 85% "
     "on oxygen.", "Radiograph performed after the sudden worsening.", 11),
    # a symptom's worsening, a worsening told at the presentation, no day: no moment
    (_WORSENED_ON_DAY_14, "CT performed after the sudden worsening of the dyspnoea.", None),
    ("Fever for 5 days; she presented with acute dyspnoea and desaturation and was admitted.",
     "CT performed after the sudden clinical worsening.", None),
    ("Fever for 5 days, then admitted. She presented a sudden chest pain.",
     "CT performed after the sudden clinical worsening.", None),
])
def test_unseen61_a_film_after_a_sudden_worsening_is_taken_the_day_the_history_tells_it(history, caption, offset):
    timeline = case_timeline(history, [ImageTexts(0, caption="Chest radiograph on admission."),
                                       ImageTexts(1, caption=caption)])
    assert timeline.offsets[1].value == offset


def test_unseen61_eurorad_16963():
    rows = _batch_rows("eurorad", "unseen61", _UNSEEN61_EURORAD, "https://www.eurorad.org/case/16963")
    assert [row["offset"] for row in rows.values()] == ["24", "25", "10"]


# --- unseen61: Radiopaedia 80217's study titled "Pre-COVID (2019)", a normal pre-operative film of the patient's own
# one calendar year before the case (published 2020): told made before the pandemic, a No Finding case of its own
# (was the case's COVID-19: the two-year rule alone did not take it out)

_UNSEEN61_RP_SERIES = ("rp_classic_2020_new_zealand_58_years_female_one_week_of_fevers_five_studies_titled_pre_covid_"
                       "2019_day_of_admission_48_hours_later_1_month_follow_up_6_months.html")
_UNSEEN61_RP_PRIOR = "9611101000/63fd5e1635faaf2055717a2bed2f77822fe8365a698736cdd177ba1ddee4f83b.png"


def _unseen61_series(*changes: tuple[str, str]) -> dict[str, dict[str, object]]:
    path = FIXTURES / "radiopaedia" / "unseen61" / _UNSEEN61_RP_SERIES
    html = path.read_text()
    for old, new in changes:
        assert old in html
        html = html.replace(old, new)
    record = parse_radiopaedia_case(html, "https://radiopaedia.org/cases/covid-19-pneumonia-six-month-follow-up")
    images = []
    for study_id in record.extra["study_ids"]:
        payload = (path.parent / f"stacks_{study_id}.json").read_text()
        images += parse_radiopaedia_stacks(payload, study_id, first_position=len(images))
    record.images = images
    rows = {}
    for found in split_radiopaedia_patients(record):
        rows.update(staged_rows(found))
    return rows


@pytest.mark.parametrize("changes", [
    (),  # the batch's page: "Pre-COVID (2019)"
    (("<h2>Pre-COVID (2019)</h2>", "<h2>Pre-pandemic baseline</h2>"),),
    (("<h2>Pre-COVID (2019)</h2>", "<h2>Previous radiograph</h2>"), ("shown for comparison", "made before COVID-19")),
])
def test_unseen61_a_normal_study_told_made_before_the_pandemic_is_a_no_finding_case_of_its_own(changes):
    rows = _unseen61_series(*changes)
    assert rows[_UNSEEN61_RP_PRIOR]["finding"] == "No Finding"
    assert rows[_UNSEEN61_RP_PRIOR]["offset"] is None
    assert [row["finding"] for key, row in rows.items() if key != _UNSEEN61_RP_PRIOR] == [
        "Pneumonia/Viral/COVID-19"] * 4


@pytest.mark.parametrize("changes", [
    # one year before, no word of the pandemic (the two-year rule: a day-first or month-first date may be the
    # illness's)
    (("<h2>Pre-COVID (2019)</h2>", "<h2>2019</h2>"),),
    # told before the pandemic but not normal, or of the case's own year
    (("Clear lungs.", "Biapical pleural thickening and a calcified granuloma."),),
    (("<h2>Pre-COVID (2019)</h2>", "<h2>Pre-COVID (2020)</h2>"),),
])
def test_unseen61_other_studies_stay_with_the_case(changes):
    assert _unseen61_series(*changes)[_UNSEEN61_RP_PRIOR]["finding"] == "Pneumonia/Viral/COVID-19"


# --- unseen61: SIRM caso 149's four uploads without captions in one gallery after a text citing two figures only
# ("RX del torace in proiezione PA (Fig. 1)", "TC del torace (Fig. 2)"): the first takes the paragraph citing it (was
# the last exam paragraph's, the CT's, as every upload's); the others keep the paragraph before them

_UNSEEN61_SIRM_GALLERY = ("caso_149_donna_63_anni_febbre_da_una_settimana_rx_pa_fig_1_tc_stessa_giornata_fig_2_"
                          "gallery_of_four_uncaptioned_images.html")


def _unseen61_gallery(*changes: tuple[str, str]) -> dict[str, dict[str, object]]:
    html = (FIXTURES / "sirm" / "unseen61" / _UNSEEN61_SIRM_GALLERY).read_text()
    for old, new in changes:
        assert old in html
        html = html.replace(old, new)
    rows = {}
    for record in parse_sirm_posts(html, "https://www.sirm.org/2020/03/31/covid-19-caso-149/"):
        rows.update(staged_rows(record))
    return rows


def test_unseen61_uploads_before_the_last_cited_figure_take_the_paragraphs_citing_them():
    rows = _unseen61_gallery()
    assert [(r["modality"], r["view"], r["offset"]) for r in rows.values()] == [
        ("X-ray", "PA", "7"), ("CT", "Axial", "7"), ("CT", "Axial", "7"), ("CT", "Axial", "7")]


def test_unseen61_three_cited_figures_over_four_uploads():
    rows = _unseen61_gallery(
        ("La paziente viene ricoverata in reparto COVID.",
         "La paziente viene ricoverata in reparto COVID. RX di controllo a letto dopo 5 giorni, paziente supina (Fig. "
         "3): incremento delle opacità."))
    assert [(r["modality"], r["view"]) for r in rows.values()][:2] == [("X-ray", "PA"), ("CT", "Axial")]


@pytest.mark.parametrize("changes", [
    # the figures cited out of order, one figure cited twice: which upload is which is not told
    (("esegue RX del torace in proiezione PA (Fig. 1)", "esegue RX del torace in proiezione PA (Fig. 2)"),
     ("viene eseguita TC del torace (Fig. 2)", "viene eseguita TC del torace (Fig. 1)")),
    (("viene eseguita TC del torace (Fig. 2)", "viene eseguita TC del torace (Fig. 1)"),),
])
def test_unseen61_uploads_stay_as_they_were_when_the_citations_do_not_number_them(changes):
    assert _unseen61_gallery(*changes)["03/149-1.jpg"]["modality"] == "CT"


# --- unseen61: Radiopaedia 87455's CT "Realized in the day of the admission." (a Brazilian contributor's English):
# the article before "admission" the Romance languages keep ("il giorno del ricovero", "el día del ingreso", "o dia
# da admissão") did not let "the day of the admission" read as the admission's day (was blank)

_UNSEEN61_RP_BRAZIL = ("rp_2022_layout_2021_brazil_47_years_male_portuguese_english_6_days_of_evolution_ct_realized_"
                       "in_the_day_of_the_admission_axial_coronal_bedside_ap_dorsal_decubitus_5th_day_of_"
                       "hospitalization.html")
_SIX_DAYS_OF_EVOLUTION = "Patient with fever, dry cough and myalgia with 6 days of evolution. Admitted to the ward."


@pytest.mark.parametrize("caption, offset", [
    ("Realized in the day of the admission.", 6),
    ("CT performed on the day of the admission.", 6),
    ("Chest X-ray done at the day of the admission.", 6),
    ("Radiograph taken the day of the presentation.", 6),
    # the day after it stays the day after it
    ("CT on the next day of the admission.", 7),
    ("CT performed the following day of the admission.", 7),
])
def test_unseen61_the_day_of_the_admission_is_the_admission_s_day(caption, offset):
    # (was no moment: blank beside another film of the admission, the presenting film's day alone)
    timeline = case_timeline(_SIX_DAYS_OF_EVOLUTION, [ImageTexts(0, caption="Chest radiograph on admission."),
                                                      ImageTexts(1, caption=caption)])
    assert timeline.offsets[1].value == offset


def test_unseen61_the_day_of_the_arrival_at_another_hospital_is_not_the_admission_s():
    # papers_unseen41: "admitted to the district hospital on 14.11.2020, on the 7th day of symptoms ... transported by
    # our mobile ECMO team to the ECMO centre on 20 November 2020, where veno-venous ECMO ... was started on the day of
    # the arrival": the ECMO's day is the centre's date, not the first admission's
    (case,) = file_cases(FIXTURES / "papers_unseen41" / "PMC7410033_fullTextXML.xml")
    assert image_offsets(case) == ["13", "23", "30", "30", "94"]


def test_unseen61_radiopaedia_87455():
    rows = _batch_rows("radiopaedia", "unseen61", _UNSEEN61_RP_BRAZIL,
                       "https://radiopaedia.org/cases/covid-19-pneumonia-critical-form-2")
    assert [(row["view"], row["offset"]) for row in rows.values()] == [
        ("Axial", "6"), ("Coronal", "6"), ("AP Supine", "11")]


# --- leftovers53 (unseen60's Eurorad 17690): a film on an event's day told by the event's clause rather than its noun
# ("Supine bedside radiograph on the day ECMO was started", ECMO started on day 4 of a stay entered on day 8 of the
# illness: 12; was no moment, blank); "the same day she was intubated" is the intubation's day, not the film before's

def _clause_offsets(history, *captions):
    import tempfile

    from tests.timeline_unseen import FIRST_CASE, offsets
    case = {"id": "x", "patient": "50 years, male", "history": history, "findings": "",
            "images": [{"caption": c} for c in captions]}
    with tempfile.TemporaryDirectory() as scratch:
        return offsets(case, FIRST_CASE + 900, Path(scratch))


_CLAUSE_HISTORY = ("A 45-year-old man was admitted with 8 days of fever and cough. He was intubated on the second day "
                   "of hospitalisation, and veno-venous ECMO was started on day 4 of hospitalisation.")


@pytest.mark.parametrize("caption, day", [
    ("Portable radiograph on the day VV-ECMO was initiated: white-out.", "12"),
    ("Chest X-ray on the day when he was intubated: bilateral consolidation.", "10"),
    ("Chest radiograph the day he was cannulated for ECMO.", "12"),
])
def test_leftovers53_a_film_on_the_day_an_event_s_clause_tells(caption, day):
    assert _clause_offsets(_CLAUSE_HISTORY, caption) == [day]


def test_leftovers53_the_same_day_of_an_event_s_clause_is_not_the_film_before_s():
    offsets = _clause_offsets(_CLAUSE_HISTORY, "Chest CT on ECMO day 6.", "Chest X-ray the same day he was intubated.")
    assert offsets == ["18", "10"]


@pytest.mark.parametrize("caption", [
    "Chest X-ray on the day ECMO was stopped.",  # the support's end
    "Chest X-ray on the day his wife was intubated.",  # another person's
])
def test_leftovers53_no_event_s_day_from_another_clause(caption):
    assert _clause_offsets(_CLAUSE_HISTORY, caption) != ["12"]


# --- unseen63: SIRM caso 238, a patient re-admitted after a first discharge, the four uploads all after the text,
# each captioned with its figure's number and date ("Fig. 2 – TC torace 10/03, piano assiale."): an upload takes no
# paragraph citing other figures only (Fig. 2's CT took the last paragraph's "Il giorno seguente si esegue TC di
# controllo ... (Fig. 4)", the re-admission's CT: 5, want 4, the caption's 10/03)

_UNSEEN63_SIRM = ("caso_238_paziente_riammesso_dopo_la_dimissione_maschio_64_anni_febbre_dal_6_marzo_rx_e_tc_al_primo_"
                  "ricovero_10_03_dimesso_24_03_rientro_in_ps_il_2_aprile_rx_pa_e_tc.html")


def _unseen63_sirm(*changes: tuple[str, str]) -> list[object]:
    html = (FIXTURES / "sirm" / "unseen63" / _UNSEEN63_SIRM).read_text()
    for old, new in changes:
        assert old in html
        html = html.replace(old, new)
    rows = {}
    for record in parse_sirm_posts(html, "https://www.sirm.org/2020/04/21/covid-19-caso-238/"):
        rows.update(staged_rows(record))
    return [row["offset"] for row in rows.values()]


def test_unseen63_sirm_238():
    assert _unseen63_sirm() == ["4", "4", "27", "28"]


@pytest.mark.parametrize("caption", [
    "Fig. 2 – TC torace 10/03, piano assiale.",
    "Figura 2: TC del torace eseguita il 10/03, scansione assiale.",
    "Fig.2 - TC 10/03.",
])
def test_unseen63_an_upload_takes_no_paragraph_citing_other_figures_only(caption):
    assert _unseen63_sirm(("Fig. 2 – TC torace 10/03, piano assiale.", caption))[1] == "4"


@pytest.mark.parametrize("caption, paragraph, others_only", [
    ("Fig. 2 – TC torace 10/03.", "RX in PA (Fig. 3). Il giorno seguente TC di controllo (Fig. 4).", True),
    ("Fig. 4 – TC di controllo.", "RX in PA (Fig. 3). Il giorno seguente TC di controllo (Fig. 4).", False),
    ("Fig. 3 – TC.", "TC del torace (Fig. 2-4).", False),  # a range naming it
    ("Fig. 2 – TC.", "Il giorno seguente si esegue TC di controllo.", False),  # a paragraph citing no figure
    ("TC torace, piano assiale.", "Il giorno seguente TC di controllo (Fig. 4).", False),  # a caption without number
    # a list naming it (merged with unseen63b's caso 163, "... consolidazioni ... (Fig. 2, 3)": its coronal CT, Fig.
    # 3, lost the paragraph and its "Dopo 72 ore"), and a list's members with a conjunction
    ("Fig. 3 – HRCT, ricostruzione coronale.", "Dopo 72 ore si esegue TC torace ... consolidazioni (Fig. 2, 3).",
     False),
    ("Fig. 4 – TC.", "TC del torace (Figg. 2, 3 e 4).", False),
    ("Fig. 3 – TC.", "TC del torace (Fig. 2, 4).", True),
    ("Fig. 3 – TC.", "RX del torace (Fig. 2), 3 giorni dopo TC.", True),  # a time after the citation, no figure
])
def test_unseen63_a_paragraph_citing_other_figures_only(caption, paragraph, others_only):
    from ingest.sirm import _cites_other_figures_only
    assert _cites_other_figures_only(caption, paragraph) is others_only


# --- unseen63: Eurorad 16781 (Geneva, a French-speaking team's English): the legend's "J14" as one item of its list
# ("Bedside chest X-ray, patient in supine position, J14: diffuse ..."), the count of "at J5 of symptoms", read as
# "at J14" is (was no moment: blank; 14)

_UNSEEN63_EURORAD = ("eu_switzerland_72_years_female_french_influenced_english_admitted_at_j5_ct_at_d10_icu_supine_"
                     "film_at_j14.html")


def test_unseen63_eurorad_16781():
    rows = _batch_rows("eurorad", "unseen63", _UNSEEN63_EURORAD, "https://www.eurorad.org/case/16781")
    assert [row["offset"] for row in rows.values()] == ["5", "10", "10", "14"]


@pytest.mark.parametrize("caption", [
    "Bedside chest X-ray, patient in supine position, J14: diffuse bilateral alveolar opacities.",
    "Chest radiograph, AP, J14, after intubation.",
    "Radiographie thoracique de face, J14; opacités alvéolaires diffuses.",
])
def test_unseen63_a_j_day_listed_in_a_legend_is_a_day_label(caption):
    assert [(m.kind, m.days) for m in text_moments(caption, "caption")] == [("label", 14)]


@pytest.mark.parametrize("caption", [
    "Chest X-ray, J14 protocol: opacities.",  # no item of its own
    "Supplemented with vitamin C, D3, zinc.",  # a D after a comma: a vitamin
    "CT,J14: opacities.",  # no space: no list's item as written
])
def test_unseen63_no_day_label_from_other_j_or_d_words(caption):
    assert not [m for m in text_moments(caption, "caption") if m.days == 14 or m.days == 3]


# --- unseen63b (leftovers53b; Eurorad 17203): a first visit that sends the patient home and the admission "N days
# later": the span told at the visit is the visit's day, its films' ("at first presentation"), the admission's that
# many days more (was the visit's: a wrong value for the admission's films); a film told by the visit outside the
# hospital it was taken at ("requested by the general practitioner", "Outpatient CT") is that visit's day where the
# history dates the visit (was no moment: blank)

@pytest.mark.parametrize("history, captions, want", [
    ("A 60-year-old man presented to the emergency department with a 5-day history of fever and cough. The chest "
     "radiograph was read as normal and he was sent home. Two days later he was admitted with dyspnoea.",
     ("Chest radiograph at the first visit: no opacity.", "Chest CT on admission: ground-glass opacities."),
     ["5", "7"]),
    ("Fever and myalgia for 3 days. Seen in the emergency department and discharged home from the emergency "
     "department with antipyretics; four days later she was hospitalised for hypoxaemia.",
     ("CT at admission: bilateral ground-glass opacities.",), ["7"]),
])
def test_unseen63b_admission_days_after_a_visit_that_sent_the_patient_home(history, captions, want):
    assert _clause_offsets(history, *captions) == want


@pytest.mark.parametrize("history, captions, want", [
    ("A 39-year-old woman with cough for 4 days was seen by her family doctor, who ordered a chest X-ray. She was "
     "hospitalised three days later.",
     ("Chest X-ray ordered by the family doctor: faint right basal opacity.", "CT on admission: consolidation."),
     ["4", "7"]),
    ("A 50-year-old man with a 6-day history of fever had an outpatient CT; he was admitted 2 days later with "
     "hypoxia.", ("Outpatient CT: peripheral ground-glass opacities.", "Chest radiograph on admission."), ["6", "8"]),
])
def test_unseen63b_a_film_of_the_visit_outside_the_hospital(history, captions, want):
    assert _clause_offsets(history, *captions) == want


@pytest.mark.parametrize("history, captions, want", [
    # the history tells no visit before the admission: no day for the clinic's film
    ("Admitted with a 5-day history of fever and cough.",
     ("Chest X-ray at the respiratory clinic.", "CT on admission."), [None, "5"]),
    # an outpatient film of a later moment is no visit before the admission
    ("A 39-year-old woman with cough for 4 days was seen by her family doctor. She was hospitalised three days later.",
     ("CT on admission.", "Outpatient follow-up CT."), ["7", None]),
    # a stay ended before the patient is sent home: no first visit ("admitted ... sent home ... readmitted")
    ("Admitted with a 5-day history of fever; after four days she was sent home. Three days later she was admitted "
     "again with dyspnoea.", ("Chest radiograph on admission.",), ["5"]),
])
def test_unseen63b_no_visit_day_without_the_history_s_visit(history, captions, want):
    assert _clause_offsets(history, *captions) == want


# --- unseen63b (leftovers53b; Eurorad 16871): a symptom span told at a dated visit before the admission ("consulted
# her nephrologist on 2 April 2020 for asthenia and diarrhoea evolving since 48 hours ... On 7 April, she was
# hospitalised") counts back from the visit's date, not the admission's (was the admission's: a wrong value)

@pytest.mark.parametrize("history, captions, want", [
    ("A 62-year-old man was seen by his family doctor on 3 March 2020 with a dry cough for 2 days. On 9 March 2020 he "
     "was admitted with fever and dyspnoea.", ("Chest radiograph on 9 March 2020.", "CT on 12 March 2020."),
     ["8", "11"]),
    ("She consulted a pulmonologist on 10 April 2020 for fever and cough since 3 days. She was hospitalised on 14 "
     "April 2020.", ("Chest CT of 16 April 2020.",), ["9"]),
])
def test_unseen63b_a_span_told_at_a_dated_visit_before_the_admission(history, captions, want):
    assert _clause_offsets(history, *captions) == want


@pytest.mark.parametrize("history, captions, want", [
    # the visit is the admission's own (an emergency department): the span to the admission
    ("He consulted our emergency department on 3 March 2020 for fever since 4 days and was admitted.",
     ("Chest radiograph on admission.",), ["4"]),
    # a treatment's duration, no symptom's span, at the visit
    ("She visited her general practitioner on 2 March 2020, who prescribed amoxicillin for 5 days. She was admitted "
     "on 8 March 2020 with fever since 7 days.", ("Chest radiograph on admission.",), ["7"]),
])
def test_unseen63b_no_visit_span_where_the_visit_is_the_admission_or_the_span_no_symptom(history, captions, want):
    assert _clause_offsets(history, *captions) == want


# --- unseen63b (leftovers53b; Eurorad 17203): the dotted "p.a." of German authors after a panel's letter in a list
# naming each panel's view ("Chest X-ray in two planes (a: p.a., b: lateral)"): PA for its panel (was unread, so
# both panels took the list's other view, L: a wrong value)

@pytest.mark.parametrize("text, want", [
    ("Chest X-ray in two planes (a: p.a., b: lateral) at first presentation.", ["PA", "L"]),
    ("Thoraxaufnahme in zwei Ebenen (a) p.a., b) seitlich).", ["PA", "L"]),
    ("Radiographs: a: lateral, b: p.a.", ["L", "PA"]),
])
def test_unseen63b_dotted_pa_after_a_panel_letter(text, want):
    from ingest.normalize.imaging import views_in_order
    assert [h[0] for h in views_in_order(text, "X-ray")] == want


def test_unseen63b_dotted_letters_not_after_a_panel_letter_are_no_view():
    assert normalize_view("Figure 2: p.a. 1999 image", modality="X-ray").value is None
