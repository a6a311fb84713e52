"""Writing and markup patterns of the fifth blind batch of papers (tests/fixtures/papers_unseen5/),
each through the parser or the rule it broke on the first crawl."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.jats import parse_jats
from ingest.panel_positions import align_positions, positional_subcaptions
from ingest.panels import parse_subcaptions
from ingest.publisher import parse_article_html
from ingest.timeline import onset_gap

UNSEEN5 = Path(__file__).parent / "fixtures" / "papers_unseen5"
AJR = "https://www.ajronline.org/doi/full/10.2214/AJR.20.23512"


def test_a_figure_labelled_with_its_panel_letter_is_that_panel_alone():
    # AJR (Atypon): one <figure> per panel, "Fig. 1A" and "Fig. 1B", each under the whole legend.
    article = parse_article_html((UNSEEN5 / "ajr_20_23512.html").read_text(), AJR)
    by_label = {f.label: f for f in article.figures}
    assert set(by_label) == {"Fig. 1A", "Fig. 1B"}
    first, second = by_label["Fig. 1A"], by_label["Fig. 1B"]
    assert list(first.panel_captions) == ["a"] and first.panel_captions["a"].startswith("Frontal chest radiograph")
    assert list(second.panel_captions) == ["b"] and second.panel_captions["b"].startswith("Unenhanced axial CT")
    assert second.extra["panel_files"] == {"b": second.image_urls[0]}


def test_a_jats_figure_labelled_with_its_panel_letter_is_that_panel_alone():
    xml = (UNSEEN5 / "PMC7950022_efetch.xml").read_bytes()
    xml = xml.replace(b"<label>Fig. 2</label>", b"<label>Figure 2B</label>")
    figure = next(f for f in parse_jats(xml).figures if f.label.startswith("Figure 2"))
    assert list(figure.panel_captions) == ["b"]


@pytest.mark.parametrize("caption, wanted", [
    ("Chest radiographs. a) Admission posteroanterior film showing bilateral peripheral airspace shadowing. "
     "b) Portable anteroposterior film 48 hours later showing progression.",
     {"a": "Admission posteroanterior film showing bilateral peripheral airspace shadowing",
      "b": "Portable anteroposterior film 48 hours later showing progression"}),
    ("a) Axial CT on admission; b) coronal reformat, day 5.",
     {"a": "Axial CT on admission", "b": "coronal reformat, day 5"}),
])
def test_letters_closing_a_parenthesis_they_never_opened_name_panels(caption, wanted):
    assert parse_subcaptions(caption) == wanted


@pytest.mark.parametrize("caption, wanted", [
    ("Patient 2. Axial (a) and coronal (b) CT images on March 20 (illness day 6) showing a few peripheral "
     "ground-glass opacities in both lower lobes.",
     {"a": "Axial CT images on March 20 (illness day 6) showing a few peripheral ground-glass opacities in both "
           "lower lobes",
      "b": "coronal CT images on March 20 (illness day 6) showing a few peripheral ground-glass opacities in both "
           "lower lobes"}),
    ("Radiograph (A) and CT (B) on admission.", {"a": "Radiograph on admission", "b": "CT on admission"}),
    # the words after the last letter end at the next letter referring back
    ("Axial CT images 2 weeks (a) and 6 weeks (b) after symptom onset, showing consolidation (a) evolving to "
     "reticulation (b).",
     {"a": "Axial CT images 2 weeks after symptom onset, showing consolidation",
      "b": "Axial CT images 6 weeks after symptom onset, showing consolidation (a) evolving to reticulation (b)"}),
])
def test_letters_after_their_words_share_the_rest_of_the_phrase(caption, wanted):
    assert parse_subcaptions(caption) == wanted


@pytest.mark.parametrize("caption", [
    "CT on day 1 (a) and radiograph on day 7 (b) showing progression.",   # each letter's own image and moment
    "Chest radiograph on admission (A), and CT on day 3 (B), showing GGO.",
])
def test_letters_with_words_of_their_own_share_no_rest(caption):
    assert "showing" not in parse_subcaptions(caption)["a"]


def test_a_panel_naming_another_kind_is_left_out_of_a_kept_figure():
    from ingest.papers import cases_from_article

    article = parse_jats((UNSEEN5 / "PMC7950055_efetch.xml").read_bytes(),
                         "https://pmc.ncbi.nlm.nih.gov/articles/PMC7950055/")
    [case] = cases_from_article(article)
    labels = [(i.extra.get("figure_label"), i.label) for i in case.images]
    assert ("Fig. 1", "a") not in labels and ("Fig. 1", "b") in labels
    left_out = {item["figure"]: item["kind"] for item in case.extra["left_out_figures"]}
    assert left_out["figure 1 panel A"] == "non-chest imaging"
    assert "Fig. 3" in left_out  # the cardiac MRI (the biopsy is left out by its pixels in a crawl)


@pytest.mark.parametrize("history, wanted", [
    ("A man in his sixties with arterial hypertension was transferred to our intensive care unit 8 days after "
     "the onset of fever and dry cough.", 8),
    ("A 70-year-old woman was transferred to this hospital 5 days after the onset of symptoms.", 5),
    # a ward patient's later transfer to the ICU is not the admission
    ("A 50-year-old woman was admitted with a 3-day history of fever. She was transferred to our intensive care "
     "unit 8 days after the onset of fever.", 3),
    ("He was transferred to the referring hospital 4 days after the onset of fever.", None),
])
def test_a_transfer_into_the_authors_unit_dates_the_onset(history, wanted):
    found = onset_gap(history)
    assert (found[0] if found else None) == wanted


def test_places_after_their_words_keep_their_own_words_and_share_the_image_noun():
    caption = ("Serial chest radiographs on illness day 2 (left, posteroanterior), day 6 (middle, posteroanterior) "
               "and day 12 (right, supine anteroposterior after intubation), showing progression")
    assert [text for _, text in positional_subcaptions(caption)] == [
        "Serial chest radiographs on illness day 2, posteroanterior",
        "Serial chest radiographs on illness day 6, posteroanterior",
        "Serial chest radiographs on illness day 12, supine anteroposterior after intubation"]
    boxes = [(0, 0, 320, 360), (332, 0, 652, 360), (664, 0, 984, 360)]
    assert align_positions(caption, boxes)[1].endswith("day 6, posteroanterior")
    # a place whose words name nothing of the image keeps its own words only
    assert positional_subcaptions("Chest radiographs on admission (left) and five days later (right).")[1][1] == \
        "five days later"


@pytest.mark.parametrize("paragraph, cited", [
    ("CT 6 weeks after symptom onset showed reticulation (Figure 1b and 2).", True),
    ("Chest CT showed bilateral ground-glass opacities (Figures 1 and 2).", True),
    ("Chest CT showed bilateral ground-glass opacities (Fig. 1 and 2 days later a radiograph).", False),
    ("Chest CT showed bilateral ground-glass opacities (Figure 1 and Table 2).", False),
])
def test_a_figure_cited_whole_after_another_is_cited(paragraph, cited):
    from ingest.papers import _citing_sentences

    assert bool(list(_citing_sentences([paragraph], 2, ""))) == cited


def test_a_follow_up_told_with_its_day_dates_the_figure_the_sentence_cites():
    from ingest.papers import _cited_moment

    paragraphs = ["At follow-up in the respiratory clinic she remained breathless, and CT 6 weeks after symptom onset "
                  "showed reticulation and volume loss (Figure 1b and 2)."]
    assert _cited_moment(paragraphs, 2, "").startswith("6 weeks after symptom onset")
    # two precise moments in one citing sentence: none is the figure's
    assert _cited_moment(["A radiograph on day 3 and CT on day 9 showed progression (Figure 2)."], 2, "") == ""


@pytest.mark.parametrize("caption, wanted", [
    # Intensive Care Medicine (Springer): bold letters inside one sentence, lower case after them
    ("<bold>a</bold> Axial and <bold>b</bold> coronal chest CT images (lung window) showing consolidation",
     {"a": "Axial chest CT images (lung window) showing consolidation",
      "b": "coronal chest CT images (lung window) showing consolidation"}),
    ("<bold>a</bold> Posteroanterior, <bold>b</bold> lateral radiographs on admission",
     {"a": "Posteroanterior radiographs on admission", "b": "lateral radiographs on admission"}),
])
def test_bold_letters_inside_a_sentence_name_panels(caption, wanted):
    xml = (UNSEEN5 / "PMC7950044_efetch.xml").read_text()
    start, end = xml.index("<caption><p>") + len("<caption><p>"), xml.index("</p></caption>")
    [figure] = parse_jats((xml[:start] + caption + xml[end:]).encode()).figures
    assert figure.panel_captions == wanted
