"""The thirty-seventh blind batch of papers (tests/fixtures/papers_unseen37/), through the rules it broke on the
first crawl: the class of writing, not the batch's sentences."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.case_fields import normalize_image, record_timeline
from ingest.jats import parse_jats
from ingest.normalize.time_words import symptom_histories
from ingest.panels import parse_subcaptions
from ingest.papers import cases_from_article
from ingest.timeline import ImageTexts, case_timeline, history_dates

UNSEEN37 = Path(__file__).parent / "fixtures" / "papers_unseen37"
CUREUS = "PMC7371011_efetch.xml"  # a pregnant woman: the obstetric ward, then the ICU on March 30
FAMILY = "PMC7371022_efetch.xml"  # father, mother and son: one figure of their six CT panels


def _fields(name: str, replacements: dict[str, str] | None = None) -> dict[tuple[int | None, int], dict]:
    """(patient, image position) -> {field: value} of the batch's article ``name`` with ``replacements`` made."""
    xml = (UNSEEN37 / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        assert old in xml
        xml = xml.replace(old, new)
    out = {}
    for case in cases_from_article(parse_jats(xml.encode("utf-8"))):
        timeline = record_timeline(case)
        for image in case.images:
            out[(case.extra.get("patient_number"), image.position)] = {
                r.field: r.value for r in normalize_image(case, image, timeline=timeline)}
    return out


# --- planes tied to letters through the image's noun: "Axial images (A, C, E) and coronal reformatted images (B, D,
# F)" -----------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("caption, views", [
    ("Patient 1 (A-B), patient 2 (C-D) and patient 3 (E-F). Axial images (A, C, E) and coronal reformatted images "
     "(B, D, F) show GGOs.",
     {"a": "axial", "b": "coronal", "c": "axial", "d": "coronal", "e": "axial", "f": "coronal"}),
    ("Chest CT on day 5. Axial image (a) and coronal reconstruction (b) show bilateral GGO.",
     {"a": "axial", "b": "coronal"}),
    ("Chest radiographs at admission: posteroanterior view (a) and lateral view (b) show opacities.",
     {"a": "posteroanterior", "b": "lateral"}),
])
def test_a_plane_ties_its_letters_through_the_images_noun(caption, views):
    panels = parse_subcaptions(caption)
    for letter, view in views.items():
        assert view in panels[letter].lower()
        other = ({"axial", "coronal", "posteroanterior", "lateral"} - {view}) & set(views.values())
        assert not any(o in panels[letter].lower() for o in other)


def test_one_plane_tied_through_its_noun_leaves_the_panels_words():
    # a single view named for some letters ties nothing else: every text as before
    caption = "(A) Chest radiograph on admission. (B) Axial CT image (B) on day 3 shows GGO."
    assert parse_subcaptions(caption)["a"] == "Chest radiograph on admission"


def test_the_family_figures_panels_take_each_plane():
    fields = _fields(FAMILY)
    views = [f["view"] for f in fields.values() if f["modality"] == "CT"]
    assert views == ["Axial", "Coronal", "Axial", "Coronal", "Axial", "Coronal"]


# --- the history's dates: a treatment "was started", a newborn's admission, a test's clause ----------------------

@pytest.mark.parametrize("history, onset, admission", [
    # a treatment started in the passive is no onset
    ("She attended the emergency department on March 28, 2020, for fever of six days of evolution. On March 30 she "
     "was transferred to the ICU, where high-flow nasal cannula was started.", None, date(2020, 3, 28)),
    ("He was admitted on 5 April 2020. On 7 April dexamethasone was started.", None, date(2020, 4, 5)),
    ("A 60-year-old man was admitted on 26 March 2020 with fever for ten days. Oseltamivir had been started on 22 "
     "March by his physician.", None, date(2020, 3, 26)),
    # the symptom's start is still the onset
    ("Her cough started on 2 March 2020. She was admitted on 6 March.", date(2020, 3, 2), date(2020, 3, 6)),
    ("Symptoms started on 2 March 2020 and she was admitted on 6 March.", date(2020, 3, 2), date(2020, 3, 6)),
])
def test_a_treatment_started_is_no_onset(history, onset, admission):
    got_onset, got_admission = history_dates(history)
    assert (got_onset[0] if got_onset else None) == onset
    assert (got_admission[0] if got_admission else None) == admission


@pytest.mark.parametrize("history, admission", [
    ("She attended the emergency department on March 28, 2020. A caesarean section was performed on April 2, with "
     "birth of a male newborn, who was admitted to the neonatal unit.", date(2020, 3, 28)),
    ("She was admitted on 3 May 2020. On 6 May she gave birth to a girl, who was admitted to the NICU.",
     date(2020, 5, 3)),
])
def test_a_newborns_admission_is_not_the_mothers(history, admission):
    assert history_dates(history)[1][0] == admission


def test_a_newborns_admission_guard_the_mothers_own_still_counts():
    assert history_dates("She was admitted to the obstetric ward on 3 May 2020.")[1][0] == date(2020, 5, 3)


@pytest.mark.parametrize("history, onset", [
    ("He was referred on 27 October 2020 due to fever and dyspnea. The first symptoms (fever, muscle pain) appeared "
     "on 20 October; on 22 October the RT-PCR test for SARS-CoV-2 was positive and he was isolated at home.",
     date(2020, 10, 20)),
    ("Admitted on 12 March 2020. Her symptoms began on 6 March, and on 9 March a nasopharyngeal swab was positive.",
     date(2020, 3, 6)),
])
def test_a_clause_opening_on_a_tests_date_dates_the_test_not_the_onset(history, onset):
    assert history_dates(history, day_first=True)[0][0] == onset


def test_a_clause_opening_on_its_date_with_a_moments_cue_keeps_it():
    # the date's own clause (or the rest of its sentence) tells the admission: the date is still the admission's
    history = "Fever began on 3 March 2020; on 6 March a swab was positive and she was admitted."
    assert history_dates(history)[0] is None or history_dates(history)[0][0] == date(2020, 3, 3)
    assert history_dates("Fever began on 3 March 2020, and on 6 March she was admitted.")[1][0] == date(2020, 3, 6)


def _icu_film(fields: dict) -> dict:
    """Figure 2 of the Cureus paper, the only radiograph without a panel letter: "on ICU day 3"."""
    return list(fields.values())[2]


# --- "ICU day N" after a transfer to intensive care the history tells ----------------------------------------------

def test_the_cureus_films_offsets():
    fields = _fields(CUREUS)
    assert [f.get("offset") for f in fields.values()] == ["6", "6", "11", "13", "13"]


@pytest.mark.parametrize("replacements, day", [
    ({}, "11"),  # onset March 22, transfer March 30 (8), "ICU day 3": 8 + 3
    ({"so on March 30 she was transferred": "so on hospital day 2 she was transferred"}, "11"),  # 6 + 2 + 3
    ({"so on March 30 she was transferred": "so on March 31 she was transferred"}, "12"),
])
def test_icu_day_n_counts_from_the_transfer_the_history_tells(replacements, day):
    fields = _fields(CUREUS, replacements)
    assert _icu_film(fields)["offset"] == day


@pytest.mark.parametrize("replacements", [
    # the transfer's day not told
    {"so on March 30 she was transferred": "so she was transferred"},
    # two transfers on different days: which stay the unit's day counts is not told
    {"Afterwards the evolution was favourable;": "On April 1 she was moved back to the intensive care unit. "
     "Afterwards the evolution was favourable;"},
])
def test_icu_day_n_without_one_told_transfer_stays_blank(replacements):
    fields = _fields(CUREUS, replacements)
    assert _icu_film(fields).get("offset") is None


# --- a drug named right before "for N days": how long it was given, not the illness ---------------------------------

@pytest.mark.parametrize("text", [
    "Oxygen was introduced, and he received dexamethasone, remdesivir for 5 days and low-molecular-weight heparin.",
    "She was given hydroxychloroquine, azithromycin for 5 days and enoxaparin.",
    "He was started on oxygen, tocilizumab for 2 days, and prednisolone.",
])
def test_a_drug_for_n_days_is_no_symptom_history(text):
    assert symptom_histories(text) == ()


@pytest.mark.parametrize("text, days", [
    ("He had fever, cough and myalgia for 5 days.", 5),
    ("Fever and dyspnoea for 6 days, treated at home with paracetamol.", 6),
])
def test_a_symptom_for_n_days_is_still_the_history(text, days):
    assert symptom_histories(text)[0][0] == days


def test_the_admissions_offset_is_not_a_drugs_days():
    history = ("A 52-year-old man was referred to our department on 27 October 2020 with fever and cough. Chest X-ray "
               "showed bilateral opacities (Fig. 1). He received dexamethasone, remdesivir for 5 days and heparin, "
               "and was discharged on 12 November 2020.")
    timeline = case_timeline(history, [ImageTexts(0, "Chest X-ray on admission", "on admission")], day_first=True)
    assert timeline.offsets[0].value != 5
