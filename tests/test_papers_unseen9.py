"""Writing and markup patterns of the ninth blind batch of papers (tests/fixtures/papers_unseen9/),
each through the parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from tests.jats_cases import jats_cases

UNSEEN9 = Path(__file__).parent / "fixtures" / "papers_unseen9"


def _cases(pmcid: str):
    return jats_cases(UNSEEN9, pmcid)


def _figure_caption(paragraphs: list[str]) -> str:
    """The caption ``parse_jats`` reads from a figure whose legend holds these paragraphs."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    xml = (f'<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta/></front><body>'
           f'<fig id="f1"><label>Figure 1</label><caption>{body}</caption><graphic xlink:href="gr1"/></fig>'
           f'</body></article>')
    return parse_jats(xml).figures[0].caption


SPANISH = "TC de tórax el décimo día de ingreso. Imágenes axial (a) y coronal (b) con signo del halo invertido."
ENGLISH = "Chest CT on the tenth day of admission. Axial (a) and coronal (b) images show a reversed halo sign."
PORTUGUESE = ("Tomografia de tórax no quinto dia de internação. Imagens axial (A) e coronal (B) com opacidades "
              "em vidro fosco.")


@pytest.mark.parametrize("paragraphs, wanted", [
    # Radiología, Radiologia Brasileira: the legend in the journal's language, then in English
    ([SPANISH, ENGLISH], ENGLISH),
    ([ENGLISH, PORTUGUESE], ENGLISH),
    # a closing list of abbreviations is no other language: it stays
    ([SPANISH, ENGLISH, "GGO, ground-glass opacity."], f"{ENGLISH} GGO, ground-glass opacity."),
    # one language only: every paragraph
    ([SPANISH], SPANISH),
    ([ENGLISH, "The arrows show the reversed halo sign of the lower lobes."],
     f"{ENGLISH} The arrows show the reversed halo sign of the lower lobes."),
])
def test_a_bilingual_legend_is_read_in_its_english_paragraphs(paragraphs, wanted):
    assert _figure_caption(paragraphs) == wanted


def test_the_spanish_journals_compound_ct_takes_the_day_its_english_legend_names():
    from ingest.case_fields import record_timeline

    [case] = _cases("7990055").values()
    assert [image.date_text for image in case.images] == ["on admission", "tenth day of admission",
                                                           "tenth day of admission"]
    # "6 días de evolución" on admission; the tenth day of the stay is 10 days after it
    assert [record_timeline(case).offset_of(i).value for i in range(3)] == [6, 16, 16]


@pytest.mark.parametrize("caption, letter, wanted", [
    # QIMS: four CTs in one row, the list's last day naming what they all count from
    ("Serial axial CT images. (A) Day 1, (B) day 4, (C) day 8 and (D) day 15 after admission: opacities (A) "
     "progress (B).", "a", "Day 1 after admission"),
    ("Serial axial CT images. (A) Day 1, (B) day 4, (C) day 8 and (D) day 15 after admission.", "c",
     "day 8 after admission"),
    ("Chest radiographs on day 2 (A), day 6 (B), and day 10 (C) of illness.", "a", "day 2 of illness"),
    ("CT: (a) day 3, (b) day 9 after symptom onset.", "a", "day 3 after symptom onset"),
    # a list saying nothing of what it counts from: the bare day, a label
    ("Serial axial CT images. (A) Day 1, (B) day 4, (C) day 8 and (D) day 15.", "a", "Day 1"),
    # the anchor of another sentence is not the list's
    ("(A) Day 1, (B) day 4. (C) CT 3 days after admission.", "a", "Day 1"),
])
def test_the_days_of_a_lettered_list_count_from_what_its_last_day_names(caption, letter, wanted):
    from ingest.panels import parse_subcaptions
    from ingest.papers import described

    own = parse_subcaptions(caption)[letter]
    assert described(own, whole=caption, letter=letter)["date_text"] == wanted


def test_four_cts_in_one_row_count_from_the_admission_5_days_after_onset():
    from ingest.case_fields import record_timeline

    mother = _cases("7990066")["patient1"]
    timeline = record_timeline(mother)
    # admitted 5 days after the onset of fever; CT on days 1, 4, 8 and 15 after admission; the AP film on day 8
    assert [timeline.offset_of(i).value for i in range(5)] == [6, 9, 13, 20, 13]


@pytest.mark.parametrize("text, finding", [
    ("CT may be considered when clinical suspicion remains high despite a near-normal radiograph.", None),
    ("The nearly normal chest radiograph was misleading.", None),
    ("An almost normal CT on admission.", None),
    ("A normal chest radiograph on admission.", "No Finding"),
    ("Follow-up: normal CT.", "No Finding"),
])
def test_a_near_normal_film_is_no_normal_study(text, finding):
    from ingest.normalize.imaging import normalize_finding

    assert normalize_finding(text).value == finding


def test_a_letters_case_takes_its_finding_from_its_history_when_its_title_names_none():
    from ingest.case_fields import normalize_case

    # "A normal-looking chest radiograph does not exclude COVID-19 pneumonia": no finding of hers; the
    # history: "a nasopharyngeal swab was positive for SARS-CoV-2 by RT-PCR"
    [case] = _cases("7990044").values()
    [finding] = [r for r in normalize_case(case) if r.field == "finding"]
    assert finding.value == "Pneumonia/Viral/COVID-19"


@pytest.mark.parametrize("caption, wanted", [
    ("Axial CT image of the son on the day after admission shows a small ground-glass opacity (arrow).",
     "on the day after admission"),
    ("Chest radiograph the day following presentation.", "the day following presentation"),
    ("Chest radiograph on admission shows bilateral opacities.", "on admission"),
])
def test_the_day_after_admission_is_a_moment_of_its_own_not_the_admission(caption, wanted):
    from ingest.papers import described

    assert described(caption)["date_text"] == wanted


def test_the_sons_ct_on_the_day_after_his_admission_counts_from_his_onset():
    from ingest.case_fields import record_timeline

    # no curator row (he is 8), but his staged offset must be right: cough on 4 February, admitted on
    # 6 February, CT the day after
    son = _cases("7990066")["patient2"]
    assert record_timeline(son).offset_of(0).value == 3
