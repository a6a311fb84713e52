"""The fifty-ninth blind batch of papers (tests/fixtures/papers_unseen59/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from tests.jats_cases import file_cases, image_offsets

UNSEEN59 = Path(__file__).parent / "fixtures" / "papers_unseen59"
REINFECTION = "PMC7590033_efetch.xml"  # "Five months later, ... she consulted again ... since 3 days"; no date


def _cases(name: str, replacements: dict[str, str] | None = None):
    return file_cases(UNSEEN59 / name, replacements)


# --- a return of the illness told after a span, with no date, counts from its own onset ----------------------------

RETURN = ("Five months later, after caring for a patient with COVID-19 without adequate protection, she consulted "
          "again in the emergency department for fever of 38.7 °C, cough and dyspnoea since 3 days.")
LEGEND = "Chest CT at the second episode, five months later."


def test_a_return_told_after_months_counts_its_films_from_its_own_onset():
    """"Five months later, ... she consulted again ... for fever ..., cough and dyspnoea since 3 days": the legend's
    "five months later" CT is day 3 of the return (was 154: the first episode's count, 4 + 150)."""
    (case,) = _cases(REINFECTION)
    assert image_offsets(case) == ["4", "4", "3", "3"]


def test_the_return_in_other_words():
    """The span in weeks or months, "presented again", "for 2 days", "a second episode": the same reading; and the
    first episode's films keep its own span when the return's is the longer ("of 5 days of evolution" after the first
    "of 4 days of evolution": was 5 for the first films, the history's longest span)."""
    for ret, legend, expected in (
            ("Four months later, she presented again to the emergency department with fever and cough for 2 days.",
             "Chest CT at the second episode, four months later.", "2"),
            ("After 20 weeks she had a second episode and came back to our emergency department with fever, cough and "
              "dyspnoea of 5 days of evolution.",
             "Chest CT at the second episode, 20 weeks later.", "5")):
        (case,) = _cases(REINFECTION, {RETURN: ret, LEGEND: legend})
        assert image_offsets(case) == ["4", "4", expected, expected], ret


def test_a_return_telling_no_onset_leaves_its_films_blank():
    """"she consulted again ... for fever ..., cough and dyspnoea" (no span of its own): the CT's day on the first
    episode's count is another illness's: blank, not 154."""
    (case,) = _cases(REINFECTION, {" since 3 days.": "."})
    assert image_offsets(case) == ["4", "4", None, None]


def test_a_film_months_later_without_a_told_return_keeps_its_count():
    """No sentence tells the illness again ("again", "second episode", "reinfection" with its symptoms): the follow-up
    "five months later" is the first illness's (154, as before)."""
    (case,) = _cases(REINFECTION, {RETURN: "Five months later, she was reviewed in the outpatient clinic.",
                                   LEGEND: "Chest CT at the follow-up, five months later."})
    assert image_offsets(case)[2:] == ["154", "154"]


def test_a_return_within_the_same_illness_keeps_the_first_count():
    """"Ten days later, she consulted again ... since 3 days": a turn of one illness (not more than 60 days after):
    counted from the first onset as before."""
    (case,) = _cases(REINFECTION, {RETURN: RETURN.replace("Five months later", "Ten days later"),
                                   LEGEND: "Chest CT at the second consultation, ten days later."})
    assert image_offsets(case)[2:] == ["14", "14"]


def test_symptoms_told_again_months_later_without_a_new_infection_keep_the_first_count():
    """"Five months later, she consulted again for dyspnoea on exertion and fatigue" with no positive test or
    reinfection told after it: the first illness's sequelae, its CT counted from the first onset as before (154; not
    the blank of a return telling no onset)."""
    (case,) = _cases(REINFECTION, {
        RETURN: "Five months later, she consulted again for dyspnoea on exertion and fatigue.",
        "The RT-PCR was positive again (cycle threshold 19), and the IgG antibodies were now negative.":
            "The RT-PCR was negative, and the IgG antibodies were still positive.",
        ", which confirms the reinfection": "",
        "could explain a reinfection": "could explain it",
        "the second episode was more severe than the first one": "the dyspnoea persisted"})
    assert image_offsets(case)[2:] == ["154", "154"]
