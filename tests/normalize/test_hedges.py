"""Hypotheticals after the phrase, the RT-PCR negative rule, rule names that say what fired, and
offsets relative to admission."""

import pytest

from ingest.normalize import (
    RULE_VERSIONS,
    normalize_extubated,
    normalize_in_icu,
    normalize_intubated,
    normalize_intubation_present,
    normalize_needed_supplemental_o2,
    normalize_offset,
    normalize_rt_pcr_positive,
    normalize_survival,
    normalize_went_icu,
)

from .helpers import assert_blank, assert_value

FLAGS = {
    "intubated": normalize_intubated,
    "intubation_present": normalize_intubation_present,
    "went_icu": normalize_went_icu,
    "in_icu": normalize_in_icu,
    "needed_supplemental_O2": normalize_needed_supplemental_o2,
    "extubated": normalize_extubated,
    "survival": normalize_survival,
}


@pytest.mark.parametrize(
    "function, text",
    [
        (normalize_intubated, "Intubation may be required if he deteriorates."),
        (normalize_intubated, "Intubation if needed."),
        (normalize_intubated, "Should he deteriorate, intubation will be performed."),
        (normalize_intubated, "In case of respiratory failure, intubation."),
        (normalize_intubated, "Intubation would be the next step."),
        (normalize_intubated, "He could be intubated in the ICU."),
        (normalize_intubated, "Consider intubation."),
        (normalize_intubated, "He is a candidate for intubation."),
        (normalize_intubated, "Eventuale intubazione in caso di peggioramento."),
        (normalize_intubated, "Intubazione se necessario."),
        (normalize_intubation_present, "Endotracheal tube may be placed if the saturation drops."),
        (normalize_went_icu, "ICU admission may be required."),
        (normalize_went_icu, "Transfer to the ICU if his condition worsens."),
        (normalize_went_icu, "He would need ICU care."),
        (normalize_in_icu, "He may be in the ICU tomorrow."),
        (normalize_needed_supplemental_o2, "Oxygen therapy if needed."),
        (normalize_needed_supplemental_o2, "Nasal cannula could be started if saturation drops."),
        (normalize_needed_supplemental_o2, "Ossigenoterapia se necessario."),
        (normalize_extubated, "Extubation might be attempted tomorrow."),
        (normalize_extubated, "Consider extubation once the infiltrates clear."),
        (normalize_survival, "He may be discharged next week."),
        (normalize_survival, "Discharge home would be possible if he improves."),
        (normalize_survival, "He could have died without treatment."),
    ],
)
def test_hedges_before_or_after_the_phrase_leave_it_blank_with_a_reason(function, text):
    result = function(text)
    assert_blank(result, text)
    assert result.reason == "hypothetical or hedged statement", result
    assert result.evidence and result.evidence in text


@pytest.mark.parametrize(
    "function, text, expected",
    [
        # a modal far from the phrase, or a negated modal, does not hedge it
        (normalize_intubated,
         "He was intubated on day 3 and for a week it was unclear whether he would recover.", "Y"),
        (normalize_extubated, "He could not be extubated.", "N"),
        (normalize_intubated, "Intubation was not required.", "N"),
        (normalize_went_icu, "He was admitted to the ICU, where he stayed ten days.", "Y"),
    ],
)
def test_facts_near_hedge_words_still_count(function, text, expected):
    assert_value(function(text), text, expected)


@pytest.mark.parametrize(
    "text, expected, rule",
    [
        ("RT-PCR was negative twice.", "N", "rt_pcr.test-negative"),
        ("Two consecutive RT-PCR tests were negative.", "N", "rt_pcr.test-negative"),
        ("Tampone negativo due volte.", "N", "rt_pcr.test-negative"),
        # a negative then a positive is Y; a positive then a negative stays Y
        ("RT-PCR was negative twice, then positive.", "Y", "rt_pcr.test-named"),
        ("Initial RT-PCR was negative, the second was positive.", "Y", "rt_pcr.test-named"),
        ("RT-PCR was positive, then negative twice.", "Y", "rt_pcr.test-named"),
        ("Nasopharyngeal swab negative for influenza, positive for SARS-CoV-2.", "Y", "rt_pcr.test-named"),
        # another test between the negative and a positive keeps the negative
        ("Swab negative for SARS-CoV-2; blood cultures positive for Streptococcus.", "N", "rt_pcr.test-negative"),
    ],
)
def test_rt_pcr_explicit_negative_and_positive_at_any_point(text, expected, rule):
    result = normalize_rt_pcr_positive(text)
    assert_value(result, text, expected)
    assert result.rule == rule


@pytest.mark.parametrize(
    "text, reason_word",
    [
        ("If RT-PCR is positive, the patient is isolated.", "conditional"),
        ("RT-PCR may be positive late in the disease.", "conditional"),
        ("If the swab is negative, he will be discharged.", "conditional"),
        ("Repeat RT-PCR negative.", "earlier"),  # implies an earlier test whose result is unknown
        ("Two consecutive RT-PCR tests were negative before discharge.", "earlier"),
    ],
)
def test_rt_pcr_hedged_or_later_negative_stays_blank(text, reason_word):
    result = normalize_rt_pcr_positive(text)
    assert_blank(result, text)
    assert reason_word in result.reason and result.evidence in text


@pytest.mark.parametrize(
    "function, text, expected, rule",
    [
        (normalize_survival, "He died on day 10.", "N", "survival.died"),
        (normalize_survival, "Il paziente è deceduto.", "N", "survival.died"),
        (normalize_survival, "Discharged home on day 12.", "Y", "survival.discharged-or-recovered"),
        (normalize_intubated, "He was not intubated.", "N", "intubated.negated"),
        (normalize_extubated, "He was reintubated on day 9.", "N", "extubated.failed-or-reintubated"),
        (normalize_in_icu, "Just stepped down from ICU.", "N", "in_icu.left-icu"),
        (normalize_intubation_present, "Has been extubated.", "N", "intubation_present.extubated"),
    ],
)
def test_rule_names_say_what_fired(function, text, expected, rule):
    result = function(text)
    assert_value(result, text, expected)
    assert result.rule == rule


def test_changed_rules_have_new_versions():
    assert RULE_VERSIONS["RT_PCR_positive"] >= 2 and RULE_VERSIONS["offset"] >= 2
    assert all(RULE_VERSIONS[name] >= 2 for name in FLAGS)
    assert normalize_survival("He died.").version == RULE_VERSIONS["survival"]


@pytest.mark.parametrize(
    "text, kwargs, expected, rule",
    [
        ("after a few days", {"previous_offset": 3}, 8, "offset.after-previous"),
        ("dopo 3 giorni", {"previous_offset": 2}, 5, "offset.after-previous"),
        ("Admitted with fever. Chest X-ray after a few days showed opacities.", {}, 5,
         "offset.after-admission-context"),
        ("Chest X-ray after a few days of admission.", {}, 5, "offset.after-admission"),
        ("Radiografia dopo 3 giorni dal ricovero.", {}, 3, "offset.after-admission"),
    ],
)
def test_offset_relative_times(text, kwargs, expected, rule):
    result = normalize_offset(text, **kwargs)
    assert_value(result, text, expected)
    assert result.rule == rule


@pytest.mark.parametrize(
    "text",
    [
        "after a few days",  # no earlier image, no admission: no base
        "He was admitted with fever. After 3 days he was intubated.",  # not about an image
        "Admitted. Follow-up radiograph after a few days.",  # a follow-up: after an earlier image
        "Fever for a week, then admitted. Chest X-ray after a few days.",  # onset or admission?
    ],
)
def test_offset_relative_time_without_a_base_stays_blank(text):
    assert_blank(normalize_offset(text), text)


@pytest.mark.parametrize(
    "function, text, expected",
    [
        # English "eventually" is "in the end", not a hedge (Italian "eventuale" is)
        (normalize_survival, "Eventually the patient was discharged home in stable condition.", "Y"),
        (normalize_survival, "The patient made a recovery following treatment.", "Y"),
        (normalize_survival, "After clinical recovery, chest X-rays showed regression.", "Y"),
        (normalize_survival, "At the time of writing, she is alive.", "Y"),
        # the "not" is about the treatment, not the death
        (normalize_survival,
         "The patient decided not to be treated with mechanical ventilation and died four days later.", "N"),
    ],
)
def test_survival_phrasings(function, text, expected):
    assert_value(function(text), text, expected)


@pytest.mark.parametrize(
    "text",
    [
        "He did not die.",  # no phrase of the rule: nothing to read
        "She was not discharged.",  # "not discharged" does not mean died
        "Recovery is expected.",
    ],
)
def test_survival_stays_blank(text):
    assert_blank(normalize_survival(text), text)
