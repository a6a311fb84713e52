"""Identifiers, panels and timelines of the eighteenth blind batch of papers (tests/fixtures/papers_unseen18/),
each through the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

import pytest

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.panel_positions import positions_lead
from ingest.panels import parse_subcaptions
from ingest.papers import cases_from_article
from ingest.publication_ids import parse_paper_reference

# --- Identifiers as curators paste them out of a reference ---------------------------------------------

@pytest.mark.parametrize("given, kind, value", [
    # a citation's punctuation after a PMID or PMCID
    ("PMID: 33180022;", "pmid", "33180022"),
    ("PMID 33180022.", "pmid", "33180022"),
    ("(PMID: 33180022)", "pmid", "33180022"),
    ("PMC7180044.", "pmcid", "PMC7180044"),
    ("PMCID: PMC7180044;", "pmcid", "PMC7180044"),
    # a whole reference: its DOI (bare, "doi:", a doi.org link), else its PMCID, else its labelled PMID
    ("Sato K, Mori T, Ishii Y. Rapid progression of COVID-19 pneumonia. Intern Med. 2020;59(21):2731-2735. "
     "doi:10.2169/internalmedicine.5634-20.", "doi", "10.2169/internalmedicine.5634-20"),
    ("Alvarez J, Reddy S (December 14, 2020) Delayed Organizing Pneumonia After COVID-19: A Case Report. "
     "Cureus 12(12): e12045. doi:10.7759/cureus.12045", "doi", "10.7759/cureus.12045"),
    ("Hughes E, et al. BMJ Case Rep 2020;13:e239417. https://doi.org/10.1136/bcr-2020-239417",
     "doi", "10.1136/bcr-2020-239417"),
    ("Zhou W, et al. J Zhejiang Univ Sci B. 2020 Aug;21(8):661-665. PMID: 33180077; PMCID: PMC7180077.",
     "pmcid", "PMC7180077"),
    ("Zhou W, et al. J Zhejiang Univ Sci B. 2020 Aug;21(8):661-665. PMID: 33180077.", "pmid", "33180077"),
])
def test_an_identifier_pasted_with_its_references_punctuation_or_the_whole_reference(given, kind, value):
    """The whole crawl stopped on the first of these ("is not a publications case"): no row of the batch found."""
    ref = parse_paper_reference(given)
    assert (ref.kind, getattr(ref, kind)) == (kind, value)


@pytest.mark.parametrize("given", [
    # a reference without an identifier: its year, volume and pages are no PMID
    "Sato K, Mori T. Rapid progression of COVID-19 pneumonia. Intern Med. 2020;59(21):2731-2735.",
    "Zhou W. Evolution of chest CT findings. 2020 Aug 15;21(8):661-665",
    # a line naming two papers names none of them
    "Sato K. Intern Med. doi:10.2169/internalmedicine.5634-20; see also doi:10.7759/cureus.12045",
])
def test_a_reference_naming_no_paper_or_two_is_still_refused(given):
    with pytest.raises(ValueError):
        parse_paper_reference(given)


# --- Panels numbered (i), (ii), (iii); a panel's moment without its image ---------------------------

@pytest.mark.parametrize("caption, expected", [
    ("Chest CT on post-operative day 5: (i) axial image at the level of the aortic arch and (ii) axial image at "
     "the lower lobes; (iii) coronal reformatted image.",
     {"a": "axial image at the level of the aortic arch", "b": "axial image at the lower lobes",
      "c": "coronal reformatted image"}),
    ("(I) Posteroanterior radiograph on day 2. (II) Axial CT on day 4.",
     {"a": "Posteroanterior radiograph on day 2", "b": "Axial CT on day 4"}),
])
def test_panels_numbered_in_roman_numerals_are_lettered_in_order(caption, expected):
    """IDCases' "(i) ... (ii) ... (iii)": the legend named no panel, so no panel had its view."""
    assert parse_subcaptions(caption) == expected


@pytest.mark.parametrize("caption", [
    "Chest CT showing (i) ground-glass opacities",                       # a lone "(i)": a list in prose
    "Chest CT: (ii) axial; (iii) coronal",                               # not from (i)
    "Two findings: (i) GGO in the left lobe; (ii) consolidation.",        # items naming no image: a list
    "(a) Axial CT showing (i) ground-glass opacity and (ii) consolidation; (b) coronal image",  # letters rule
])
def test_roman_numerals_that_do_not_number_the_panels_stay_as_written(caption):
    assert set(parse_subcaptions(caption)) <= {"a", "b"}


@pytest.mark.parametrize("caption, lead", [
    ("Anteroposterior chest radiographs on presentation (left) and 2 days after admission (right), showing "
     "progression of bilateral peripheral opacities.", "Anteroposterior chest radiographs on presentation"),
    ("Axial CT images. Posteroanterior radiographs on day 2 (left panel) and day 6 (right panel).",
     "Posteroanterior radiographs on day 2"),
    # places opening their words are shared as before: the words before the first
    ("CT of patient 3. Upper row: on admission. Lower row: on day 7.", "CT of patient 3"),
])
def test_places_after_their_words_share_the_first_places_words_as_a_lead(caption, lead):
    """BMJ Case Reports' "... on presentation (left) and 2 days after admission (right)": the right film had no
    words naming its view (the lead shared by the panels was empty)."""
    assert positions_lead(caption) == lead


# --- Moments a panel takes from its legend's lead, or a citing sentence from the one before ---------

JATS = """<?xml version="1.0"?><article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="case-report">
<front><article-meta><article-id pub-id-type="pmc">1</article-id><title-group><article-title>COVID-19 pneumonia
</article-title></title-group></article-meta></front><body><sec><title>Case</title>{body}</sec></body>
<floats-group>{figures}</floats-group></article>"""


def offsets_of(body: str, *captions: str) -> list[int | None]:
    figures = "".join(f'<fig id="f{n}"><label>Fig. {n}</label><caption><p>{c}</p></caption>'
                      f'<graphic xlink:href="gr{n}"/></fig>' for n, c in enumerate(captions, start=1))
    xml = JATS.format(body="".join(f"<p>{p}</p>" for p in body.split("\n")), figures=figures)
    (case,) = cases_from_article(parse_jats(xml.encode()))
    found = {r.image_position: r.value for r in normalize_case(case) if r.field == "offset"}
    return [None if found.get(i) is None else int(found[i]) for i in range(len(case.images))]


@pytest.mark.parametrize("count", ["post-operative day", "postoperative day", "post-op day"])
def test_lettered_panels_keep_the_base_of_their_legends_day(count):
    """"Chest CT on post-operative day 5: (i) ... (ii) ...": each panel took a bare "day 5" (no offset)."""
    body = (f"A 58-year-old man underwent a laparoscopic cholecystectomy. On {count} 2 he developed a fever and a "
            f"cough. Chest CT on {count} 5 showed ground-glass opacities (Fig. 1).")
    assert offsets_of(body, f"Chest CT on {count} 5: (a) axial image; (b) coronal image.") == [3, 3]


def test_a_legends_interval_before_a_parenthesis_keeps_its_base():
    """"CT pulmonary angiogram 4 days after admission (axial image)": the moment read was "admission" (6, not 10)."""
    body = "A 62-year-old woman presented with a 6-day history of fever and cough (Fig. 1)."
    legend = "CT pulmonary angiogram 4 days after admission (axial image) showing filling defects."
    assert offsets_of(body, "Anteroposterior chest radiograph on presentation.", legend) == [6, 10]


@pytest.mark.parametrize("back", ["at this follow-up visit", "at that visit", "at this clinic visit",
                                  "at this follow-up"])
def test_a_follow_up_film_cited_at_this_visit_takes_the_visit_the_sentence_before_dates(back):
    """Cureus: "seen in the pulmonary clinic four weeks after discharge ... A chest X-ray at this follow-up visit
    showed ... (Figure 3)": the legend's "at follow-up" was left blank (curator 45)."""
    body = ("A 61-year-old man presented with a seven-day history of fever and cough. He was discharged on hospital "
            "day 10.\nHe was seen in the pulmonary clinic four weeks after discharge with persistent dyspnea. A "
            f"posteroanterior chest X-ray {back} showed new consolidations (Fig. 2).")
    assert offsets_of(body, "Chest X-ray on presentation.", "Chest X-ray at follow-up.") == [7, 45]


def test_a_follow_up_film_without_a_back_reference_stays_undated():
    body = ("A 61-year-old man presented with a seven-day history of fever and cough. He was discharged on hospital "
            "day 10.\nHe was seen in the pulmonary clinic four weeks after discharge. Months later a posteroanterior "
            "chest X-ray showed new consolidations (Fig. 2).")
    assert offsets_of(body, "Chest X-ray on presentation.", "Chest X-ray at follow-up.")[1] is None
