"""Identifiers, panels and timelines of the eighteenth blind batch of papers (tests/fixtures/papers_unseen18/),
each through the rule it broke on the first crawl: the classes of writing, not the batch's sentences."""

from __future__ import annotations

import pytest

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
