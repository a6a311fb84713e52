"""The shortcuts of issue 18's backfill speed give what the plain computation gives.

- Named dates: ``dates_in`` scans the window around a number only when a month's name starts in it
  (``finditer_near(..., need=...)``); the plain scan tries every window.
- Moments: ``_text_moments`` and ``_dated_moments`` are remembered, and ``tells_one_moment`` reads
  the remembered moments of the note its film was placed with: the answers must not depend on
  which caller asked first.
"""

import csv
import itertools

import pytest

from ingest import timeline
from ingest.normalize import time_words
from ingest.normalize.common import finditer_near
from ingest.normalize.time_words import MONTHS
from tests.conftest import SAMPLE_CSV


def _notes() -> list[str]:
    with open(SAMPLE_CSV, newline="", encoding="utf-8") as fh:
        return sorted({row["clinical_notes"] for row in csv.DictReader(fh) if row["clinical_notes"]})


def _date_texts() -> list[str]:
    """Every month's name in the shapes of both alternatives of the named date, in three cases,
    beside numbers that are no date, with the month near a window's edge (spaces before it)."""
    texts = []
    for name, (k, case) in zip(sorted(MONTHS), itertools.cycle(enumerate((str.lower, str.title, str.upper)))):
        month = case(name)
        pad = " " * (k * 3 % 14)
        texts += [
            f"Fever for 3 days; on {12 + k % 9} {month} 2020 a chest radiograph. She may need 2 L of oxygen.",
            f"CT on {month}.{pad}{k % 28 + 1}, 2021, then 14 days later; 38.5 °C, 7 {month}",
            f"{k % 28 + 1}th of{pad} {month}, radiograph. Aged 45, day 7: {month}{k} is no date; 3 {month}x.",
            f"{month} {k % 28 + 1} and {month}",
        ]
    return texts


def _named_dates(text: str, fast: bool) -> list[tuple[tuple[int, int], tuple]]:
    need = tuple(m.start() for m in timeline._MONTH_START.finditer(text)) if fast else None
    return [(m.span(), m.groups())
            for m in finditer_near(timeline._NAMED_DATE, text, timeline._DAY_NUMBER, 16, 12, need=need)]


@pytest.mark.parametrize("source", ["notes", "dates"])
def test_named_date_windows_without_a_month_hold_no_date(source):
    texts = _notes() if source == "notes" else _date_texts()
    texts += [t.upper() for t in texts] + [t.replace("a", "à") for t in texts]
    found = 0
    for text in texts:
        plain = _named_dates(text, fast=False)
        assert _named_dates(text, fast=True) == plain, text[:120]
        found += len(plain)
    # the texts do hold dates: the comparison is not vacuous
    assert found > (len(texts) // 4 if source == "dates" else 20)


#: Phrases of the windowed moment patterns, each beside another anchor word whose window ends inside it.
_MOMENT_PHRASES = (
    "Fever for 2 days. Within a few hours after presentation on the ER he worsened.",
    "Cough for 3 days; CT 48 hours after admission, radiograph on the following day, the day after.",
    "Febbre da 5 giorni. RX di controllo a 10 giorni; TC a distanza di 3 giorni dal ricovero, lo stesso giorno.",
    "Sintomi da 2 settimane, il giorno successivo e l'indomani; a 7 giorni dall'inizio dei sintomi.",
    "Images of the same CT, later on the same day; after several hours a film, 36 hours later another.",
    "Admitted on day 6 of illness; post-admission day 3 film; the seventh day of fever; day5 label.",
    "In XII giornata di ricovero e in terza giornata dal ricovero; 3rd day after admission.",
    "At the time of his hospital admission, and at the time of their initial presentation, a film.",
    "Radiografia del torace eseguita in PS, all'ingresso e al momento del ricovero; initial chest radiographs.",
    "Admission chest X-ray, baseline CT, upon arrival, on the day of admission; na internação.",
)


@pytest.mark.parametrize("source", ["notes", "phrases"])
def test_windowed_moment_scans_find_what_a_full_scan_finds(source):
    texts = _notes() if source == "notes" else list(_MOMENT_PHRASES)
    texts += [t.upper() for t in texts]
    scans = (
        (timeline.DAY_N, timeline._day_n_matches),
        (timeline._ORDINAL_DAY, timeline._ordinal_day_matches),
        (time_words.AT_ADMISSION, time_words.at_admission),
        (timeline._SOON_AFTER,
         lambda text: finditer_near(timeline._SOON_AFTER, text, timeline._SOON_WORD, 60, 60)),
    )
    found = 0
    for pattern, windowed in scans:
        for text in texts:
            plain = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            assert [(m.span(), m.groups()) for m in windowed(text)] == plain, (pattern.pattern[:40], text[:120])
            found += len(plain)
    assert found > 40  # the texts do hold such phrases: the comparison is not vacuous


def _clear() -> None:
    for cached in (timeline._text_moments, timeline._dated_moments, timeline.text_moments, timeline.dates_in):
        cached.cache_clear()


def test_remembered_moments_equal_the_plain_ones_whoever_asks_first():
    notes = _notes() + _date_texts()
    plain = [(timeline._text_moments.__wrapped__(n, "note"),
              timeline._dated_moments.__wrapped__(n, "note", False, True)) for n in notes]
    _clear()
    told_first = [timeline.tells_one_moment(n) for n in notes]
    moments_after = [timeline.image_moments(timeline.ImageTexts(0, caption=n), caption_is_note=True) for n in notes]
    _clear()
    moments_first = [timeline.image_moments(timeline.ImageTexts(0, caption=n), caption_is_note=True) for n in notes]
    told_after = [timeline.tells_one_moment(n) for n in notes]
    assert told_first == told_after
    assert moments_first == moments_after
    for note, (text_moments, dated), told in zip(notes, plain, told_first):
        assert timeline._text_moments(note, "note") == text_moments
        assert timeline._dated_moments(note, "note", False, True) == dated
        # the gated pattern finds what the plain one does; a word of the symptoms' own course aside
        # (``_tells_later``), any of its words tells a later moment
        assert (timeline._LATER.search(note) is None) == (timeline._LATER.unicode.search(note) is None), note[:120]
        later = timeline._tells_later(note)
        assert told == (bool(note.strip()) and not later and not text_moments and not dated), note[:120]
    assert any(told_first) and not all(told_first)


def _plain_day_one(*texts: str) -> str:
    # admission_is_day_one before its per-text answers were remembered: the whole pattern on each text
    for text in texts:
        m = timeline._ADMISSION_IS_DAY_ONE.search(text) if text else None
        if m:
            return m.group(0)
    return ""


def test_remembered_day_one_words_equal_the_plain_search():
    told = ["On admission (hospital day 1) a chest radiograph.", "Day 1 (admission): fever.",
            "Admission was considered day one. CT on day 4.", "ADMISSION = DAY 1", "Admission, day 1 of illness."]
    notes = _notes() + told
    timeline._day_one_words.cache_clear()
    for _ in range(2):  # the first round fills the cache, the second reads it
        for note in notes:
            assert timeline.admission_is_day_one(note) == _plain_day_one(note), note[:120]
        for first, second in zip(["", *notes], [*notes, ""]):
            assert timeline.admission_is_day_one(first, second) == _plain_day_one(first, second)
    # the texts do tell the admission as day 1: the comparison is not vacuous
    assert sum(bool(_plain_day_one(n)) for n in notes) >= 4


def test_a_text_context_shared_longer_cannot_be_changed():
    # text_context now keeps 4,096 notes' contexts: sharing one between rows is safe only while
    # no caller can change it
    from dataclasses import FrozenInstanceError

    from ingest.normalize.common import text_context

    context = text_context("Fever and cough. A chest radiograph on admission.")
    with pytest.raises(FrozenInstanceError):
        context.lower = ""
    assert isinstance(context.words, frozenset)


def test_an_ascii_text_context_has_the_words_the_word_pattern_finds():
    # an ASCII note's words come from str.translate and str.split, not the _WORD scan: the same set
    import string

    from ingest.normalize.common import _WORD, text_context

    texts = _notes() + [string.printable, "x-ray_PA;fig1a(b)  Day\t5\x1c3", "CT: 3/4 (75%) — ok", "", "___"]
    for text in texts:
        context = text_context(text)
        assert context.words == frozenset(_WORD.findall(text.lower())), text[:80]
    assert sum(text.isascii() for text in texts) >= 100  # the ASCII path is the one compared


def test_age_and_sex_read_the_shorthand_found_once():
    # normalize_age and normalize_sex share one scan of "84M" shorthands per text: the same answers
    from ingest.normalize import demographics

    texts = ["84M with COPD, fever for 3 days.", "72 y/o F, cough.", "a 14 F chest tube; 65 yo M", "38.5F fever",
             "Tmax 101F", *_notes()[:80]]
    for text in texts:
        plain = tuple(demographics._AGE_SEX_SHORTHAND.finditer(text))
        assert [(m.span(), m.groups()) for m in demographics._shorthands(text)] == [
            (m.span(), m.groups()) for m in plain]
    assert demographics.normalize_age("84M with COPD").value == 84
    assert demographics.normalize_sex("84M with COPD").value == "M"
