"""The thirty-eighth blind batch of papers (tests/fixtures/papers_unseen38/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article, described
from tests.jats_cases import case_value, image_values

UNSEEN38 = Path(__file__).parent / "fixtures" / "papers_unseen38"
SERIES = "PMC7380011_efetch.xml"  # four patients, their ages and sexes in the legends only
PAIR = "PMC7380033_efetch.xml"  # Fig. 1: two CT images side by side, neither lettered nor placed
PAIR_LEGEND = "Axial chest CT scan of the patient on admission and on the 10th day of admission."


def _cases(name: str, replacements: dict[str, str] | None = None, splits: dict[int, int] | None = None):
    xml = (UNSEEN38 / name).read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        assert old in xml
        xml = xml.replace(old, new)
    panel_splits = {number: _side_by_side(n) for number, n in (splits or {}).items()}
    return cases_from_article(parse_jats(xml.encode("utf-8")), panel_splits=panel_splits)


def _side_by_side(n: int) -> PanelSplit:
    boxes = [(i * 392, 0, i * 392 + 380, 380) for i in range(n)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=n * 392, height=400)


# --- a caption listing its images' moments: "on admission and on the 10th day of admission" -------------------------

def test_an_unlettered_pair_takes_the_listed_moments_in_reading_order():
    """Two images side by side, the legend listing two moments and neither lettering nor placing the images: the
    left the first moment, the right the second (7 and 17; both were 17, the precise moment taken for the list)."""
    (case,) = _cases(PAIR, splits={1: 2})
    assert image_values(case, "offset") == ["7", "17", "23"]
    left, right = case.images[:2]
    assert (left.date_text, right.date_text) == ("on admission", "10th day of admission")
    assert left.extra["needs_review"]  # the reviewer still sees the pair was not lettered


@pytest.mark.parametrize("listed, dates", [
    ("Chest CT scans at presentation and two weeks later.", ("at presentation", "two weeks later")),
    ("Axial CT images on day 3 and day 12 of illness.", ("day 3", "day 12 of illness")),
    ("Chest CT on admission and at discharge.", ("on admission", "at discharge")),
])
def test_listed_moments_of_other_words_go_to_the_pair_in_order(listed, dates):
    (case,) = _cases(PAIR, {PAIR_LEGEND: listed}, splits={1: 2})
    assert tuple(i.date_text for i in case.images[:2]) == dates


def test_a_list_of_moments_shared_by_panels_dates_none_of_them():
    """A text several panels share that lists two moments, one vague, one precise, says which is which no more than
    one listing two precise days ("on day 1 and day 7"): no date text (was the precise one for every panel)."""
    for text in ("Chest radiographs at presentation and 2 weeks later", "CT on admission and on day 10 of admission",
                 "PA radiographs on day 1 and day 7"):
        assert described(text, text, text, own=False)["date_text"] == ""


@pytest.mark.parametrize("text, date", [
    # a comma restating the moment: one moment, every panel's
    ("Chest CT on admission, 7 days after symptom onset", "7 days after symptom onset"),
    ("Chest CT on admission", "on admission"),
])
def test_a_moment_restated_is_still_every_panels(text, date):
    assert described(text, text, text, own=False)["date_text"] == date


def test_a_lead_listing_moments_gives_its_lettered_panels_none():
    """A lead listing two moments before lettered panels naming none ("... on admission and 10 days later: (a) axial;
    (b) coronal") does not give every panel the precise one."""
    lead = "Chest CT on admission and 10 days later"
    for letter, words in (("a", "axial image"), ("b", "coronal image")):
        assert described(words, lead, f"{lead}: (a) axial image; (b) coronal image", letter=letter)["date_text"] == ""


@pytest.mark.parametrize("splits, replacements", [
    ({1: 3}, {}),  # three panels for two moments: which is which is not said
    ({1: 2}, {PAIR_LEGEND: "Axial chest CT scan on admission and on the 10th day of admission, 2 April 2020."}),
])
def test_a_pair_whose_moments_do_not_match_its_panels_takes_none(splits, replacements):
    (case,) = _cases(PAIR, replacements, splits=splits)
    assert all(i.date_text == "" for i in case.images if i.extra.get("figure_number") == 1)


def test_the_pair_kept_whole_takes_no_one_of_its_moments():
    """The pixels not split: one image of both days has neither's (was the 10th day's, 17)."""
    (case,) = _cases(PAIR)
    assert image_values(case, "offset") == [None, "23"]


# --- a series' legends telling each patient's age and sex ------------------------------------------------------------

def test_a_legend_headed_by_the_patients_number_gives_its_one_descriptor():
    """"Patient 1. Axial chest CT image obtained 5 days after symptom onset in a 45-year-old man shows ...": the
    body's paragraph ("Patient 1 came to the emergency department ...") tells no age; the legend headed by the
    patient's number is that patient's (age 45; was blank)."""
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in _cases(SERIES)}
    assert (case_value(cases["patient1"], "age"), case_value(cases["patient1"], "sex")) == ("45", "M")


def test_sex_and_age_in_brackets_after_the_number_are_the_patients():
    """"Patient 3 (male, 38 years)." (38, M; the age was blank), and the other order."""
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in _cases(SERIES)}
    assert (case_value(cases["patient3"], "age"), case_value(cases["patient3"], "sex")) == ("38", "M")
    swapped = _cases(SERIES, {"Patient 3 (male, 38 years).": "Patient 3 (38 years, male)."})
    (patient3,) = [c for c in swapped if c.source_key.endswith("#patient3")]
    assert case_value(patient3, "age") == "38"


@pytest.mark.parametrize("legend", [
    # the descriptor of another person: a relative
    "Patient 1. Axial chest CT image of his 45-year-old wife shows bilateral peripheral ground-glass opacities.",
    # two descriptors: which is the patient's is not said
    "Patient 1. Axial chest CT image in a 45-year-old man, whose 70-year-old father was infected, shows opacities.",
    # the legend names another patient too
    "Patient 1. Axial chest CT image in a 45-year-old man, as in patient 2, shows opacities.",
])
def test_a_numbered_legend_whose_descriptor_may_be_someone_elses_gives_none(legend):
    old = ("Patient 1. Axial chest CT image obtained 5 days after symptom onset in a 45-year-old man shows bilateral "
           "peripheral ground-glass opacities (arrows).")
    cases = {c.source_key.rsplit("#", 1)[1]: c for c in _cases(SERIES, {old: legend})}
    assert case_value(cases["patient1"], "age") is None


# --- "D7": a bare day of a case whose texts count only the stay's days -----------------------------------------------

ICU = "PMC7380022_efetch.xml"  # "day 3 of admission", "intubated on D5"; legends "(A) Day 3 of admission", "(B) D7"


def _icu_offsets(replacements: dict[str, str] | None = None) -> list[str | None]:
    (case,) = _cases(ICU, replacements, splits={2: 3, 3: 2})
    return image_values(case, "offset")


def test_a_d_day_heading_a_films_words_counts_the_stay_the_texts_count():
    """"(B) D7, after intubation: ..." in a case whose texts count the days of its stay ("On day 3 of admission",
    "HRCT thorax done on day 4 of admission") and never the illness's: D7 is the stay's seventh day, 5 + 7 = 12
    (was blank: "D7" was read only after a preposition, and a bare day's count was not told). (C)'s "POD 3" counts
    from the tracheostomy "done on D16" since round 48: 24."""
    assert _icu_offsets() == ["5", "8", "12", "24", "9", "9"]
    assert _icu_offsets({"(B) D7, after intubation:": "(B) D7: after intubation,"})[2] == "12"


def test_a_bare_day_of_a_case_counting_the_illness_too_stays_blank():
    """The same "D7" where the history also counts the illness's days ("on day 8 of illness"): which count it is
    is not said."""
    told = "He was shifted to ICU on day 2 of admission"
    assert _icu_offsets({told: "He was shifted to ICU on day 8 of illness, day 2 of admission,"})[2] is None


def test_a_legends_bare_day_label_is_not_taken_for_the_stays_count():
    """A legend's spelled-out "Day 7" beside the text's "day 3 of admission" may count the illness (legends label
    films by the illness's days: an Indian group's "(a) day 2: ...; (b) day 9: ..." beside "on hospital day 6"):
    only the clinicians' "D7" is read as the stay's count."""
    assert _icu_offsets({"(B) D7, after intubation:": "(B) Day 7, after intubation:"})[2] is None


# --- a postoperative day of an operation the history dates on the stay's count ("tracheostomy was done on D16") ------

BCR = "PMC7380022_efetch.xml"  # "percutaneous tracheostomy was done on D16", Fig. 2C "POD 3 of tracheostomy"
OPERATION = "In view of anticipated prolonged ventilation, percutaneous tracheostomy was done on D16."


def test_a_postoperative_day_counts_from_the_operation_the_history_dates():
    """Fig. 2C's "POD 3 of tracheostomy", the history's "percutaneous tracheostomy was done on D16" (D7 is 12 here):
    5 + 16 + 3 = 24 (was blank: a postoperative day was placed only when the onset was told on its count)."""
    (case,) = _cases(BCR)
    assert image_values(case, "offset") == ["5", "8", "12", "24", "9", "9"]


@pytest.mark.parametrize("told", [
    "He underwent a percutaneous tracheostomy on D16 in view of anticipated prolonged ventilation.",
    "In view of anticipated prolonged ventilation, a percutaneous tracheostomy was performed on day 16 of admission.",
])
def test_an_operation_told_otherwise_dates_its_postoperative_days(told):
    (case,) = _cases(BCR, {OPERATION: told})
    assert image_values(case, "offset")[3] == "24"


@pytest.mark.parametrize("told", [
    "In view of anticipated prolonged ventilation, a percutaneous tracheostomy was planned.",  # no day told
    OPERATION + " A gastrostomy was performed on D20.",  # two operations: which one the POD counts from is not said
    "In view of anticipated prolonged ventilation, his brother's tracheostomy was done on D16.",  # not the patient's
])
def test_a_postoperative_day_stays_blank_without_one_dated_operation(told):
    (case,) = _cases(BCR, {OPERATION: told})
    assert image_values(case, "offset")[3] is None


def test_a_time_after_the_dated_operation_counts_from_it():
    """"Three days after tracheostomy" is the same day as "POD 3" (was no moment: an operation was no event)."""
    (case,) = _cases(BCR, {"(C) POD 3 of tracheostomy:": "(C) Three days after tracheostomy:",
                           "Chest X-ray on POD 3 showed": "Chest X-ray showed"})
    assert image_values(case, "offset")[3] == "24"
