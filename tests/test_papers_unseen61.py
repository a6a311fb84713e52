"""The sixty-first blind batch of papers (tests/fixtures/papers_unseen61/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from tests.jats_cases import file_cases, image_offsets

UNSEEN61 = Path(__file__).parent / "fixtures" / "papers_unseen61"
COURSE = "PMC7610022_efetch.xml"  # "on March 27, 2020 (day 1)"; the chart's "Day 1 corresponds to the onset of fever"
DEFINITION = "Day 1 corresponds to the onset of fever (March 27, 2020)."
ONSET = "developed a fever of 38.2 °C and general fatigue on March 27, 2020 (day 1)."


def _films(replacements: dict[str, str] | None = None) -> list[str | None]:
    """The offsets of paper 2's films (Fig. 2A, 2B, 3A, 3B; the chart of the course, when the legend
    makes it an image of the case, comes first)."""
    (case,) = file_cases(UNSEEN61 / COURSE, replacements)
    return image_offsets(case)[-4:]


# --- a bare "day N" of a text making the onset day 1 is N - 1 days after the onset --------------------------------

def test_bare_days_of_a_text_whose_day_one_is_the_onset_count_from_it():
    """"Day 1 corresponds to the onset of fever": the legends' "(day 6)", "on day 9", "On day 19" are 5, 8 and 18
    days after the onset (were blank: "may count from the onset (day 6) or from admission")."""
    assert _films() == ["5", "8", "5", "18"]


def test_the_definition_in_other_words():
    """The definition as other authors write it, in the chart's legend or in the history: the same count."""
    for old, new in (
            (DEFINITION, "Day 1 was defined as the day of symptom onset."),
            (DEFINITION, "The day of illness onset was defined as day 1."),
            (DEFINITION, "Day 1 = the day of symptom onset."),
            (ONSET, "developed a fever of 38.2 °C and general fatigue on March 27, 2020 (Day 1 of illness).")):
        replacements = {old: new} if old == DEFINITION else {old: new, DEFINITION: "Time course of the treatment."}
        assert _films(replacements) == ["5", "8", "5", "18"], new


def test_bare_days_without_a_definition_stay_blank():
    """No text tells what day 1 is (the chart's legend without its definition, the history's "(day 1)" without
    "of illness"): the bare days may count from the onset or from the admission, blank as before."""
    assert _films({DEFINITION: "Time course of the treatment."}) == [None, None, None, None]


def test_a_definition_of_the_admission_as_day_one_keeps_its_own_count():
    """"Day 1 corresponds to the day of admission": the bare days count the stay, never the illness from day 1."""
    films = _films({DEFINITION: "Day 1 corresponds to the day of admission (April 1, 2020)."})
    assert not {"5", "8", "18"} & set(films), films



# --- a definition of day 1 in the legend of a figure left out (a chart of the course) is the case's -----------------

CHART = "Clinical course of the patient. "
LEFT_OUT = "Time course of the vital signs and the treatment. "  # a legend the captions' rules leave out (a chart)


def test_a_left_out_charts_definition_of_day_one_counts_the_bare_days():
    """The chart of the course is left out (its legend names a chart, or its pixels are one, as in the crawl): its
    "Day 1 corresponds to the onset of fever" still counts the text's bare days (were blank)."""
    (case,) = file_cases(UNSEEN61 / COURSE, {CHART: LEFT_OUT})
    assert len(case.images) == 4 and case.extra["left_out_figures"]
    assert image_offsets(case) == ["5", "8", "5", "18"]


def test_a_left_out_charts_day_one_of_the_admission_is_not_the_onsets():
    """A left-out chart making the admission day 1: the bare days never count the illness from day 1."""
    (case,) = file_cases(UNSEEN61 / COURSE, {CHART: LEFT_OUT,
                                             DEFINITION: "Day 1 corresponds to the day of admission (April 1)."})
    assert not {"5", "8", "18"} & set(image_offsets(case))


def test_a_left_out_legend_without_a_definition_adds_nothing():
    """A left-out chart whose legend defines no day 1: the bare days stay blank."""
    (case,) = file_cases(UNSEEN61 / COURSE, {CHART: LEFT_OUT, DEFINITION: "Clinical course."})
    assert image_offsets(case) == [None, None, None, None]
