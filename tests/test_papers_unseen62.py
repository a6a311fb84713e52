"""The sixty-second blind batch of papers (tests/fixtures/papers_unseen62/), through the rules it broke on the first
crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

from pathlib import Path

from tests.jats_cases import file_cases, image_offsets

UNSEEN62 = Path(__file__).parent / "fixtures" / "papers_unseen62"
KOREAN = "PMC7620011_efetch.xml"  # onset February 22, admitted February 27: "HD 1"; Fig. 1A, 1B, Fig. 2A, 2B
DEFINITION = "We defined the day of admission as hospital day (HD) 1."


def _offsets(replacements: dict[str, str] | None = None) -> list[str | None]:
    (case,) = file_cases(UNSEEN62 / KOREAN, replacements)
    return image_offsets(case)


# --- the authors' own definition of the admission as day 1, in the active voice ----------------------------------

def test_an_active_voice_definition_makes_the_admission_day_one():
    """"We defined the day of admission as hospital day (HD) 1": "HD 8" and "day 3 of hospitalization" are 7 and 2
    days after the admission (were 8 and 3, the default count: one day late)."""
    assert _offsets() == ["5", "12", "7", "7"]


def test_the_definition_in_other_words():
    """Other authors' wording of the same definition: the same count."""
    for new in ("We considered the admission day as day 1.",
                "We designated the date of hospital admission as hospital day 1.",
                "We defined the day of admission as the hospital day 1 (HD 1)."):
        assert _offsets({DEFINITION: new}) == ["5", "12", "7", "7"], new


def test_without_the_definition_the_default_count_stays():
    """No definition: the project's decided count (hospital day N is N days after the admission)."""
    assert _offsets({DEFINITION: "She was treated in the isolation ward."}) == ["5", "13", "8", "8"]
