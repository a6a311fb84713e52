"""ingest/identity.py: every name a source gives a case -> its aliases -> one natural key (pure)."""

from __future__ import annotations

import csv

import pytest

from ingest.identity import SITES, released_row_aliases
from tests.conftest import SAMPLE_CSV

RADIOPAEDIA, EURORAD, SIRM, PAPERS = (SITES[s] for s in ("radiopaedia", "eurorad", "sirm", "publications"))


@pytest.mark.parametrize("reference", [
    "75037", "rID-75037", "rID: 75037", "https://radiopaedia.org/cases/75037", "https://radiopaedia.org/cases/75037?lang=us",
    "https://doi.org/10.53347/rID-75037", "10.53347/rID-75037",
])
def test_every_radiopaedia_rid_form_names_the_rid(reference):
    assert RADIOPAEDIA.reference_aliases(reference) == ["rid:75037"]


@pytest.mark.parametrize("reference", [
    "covid-19-pneumonia-15", "https://radiopaedia.org/cases/covid-19-pneumonia-15", "https://www.radiopaedia.org/cases/covid-19-pneumonia-15/",
    "https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=gb#images", "/cases/covid-19-pneumonia-15",
    "https://radiopaedia.org/cases/covid-19-pneumonia-15/studies/86625?lang=us",
])
def test_every_radiopaedia_slug_form_names_the_slug(reference):
    assert RADIOPAEDIA.reference_aliases(reference) == ["slug:covid-19-pneumonia-15"]


def test_a_radiopaedia_case_is_known_by_its_rid_slug_doi_and_the_permalink_that_reached_it():
    aliases = RADIOPAEDIA.record_aliases("75037", "https://radiopaedia.org/cases/covid-19-pneumonia-15",
                                         "10.53347/rID-75037", ["75037", "https://radiopaedia.org/cases/75037"])
    assert aliases == ["rid:75037", "slug:covid-19-pneumonia-15"]
    assert RADIOPAEDIA.document_key(aliases) == "75037"


def test_a_released_radiopaedia_row_is_known_by_the_rid_of_its_credit_line():
    [claim] = released_row_aliases("https://radiopaedia.org/cases/covid-19-pneumonia-92?lang=us", "",
                                   "Case courtesy of Dr Subhan Iqbal, Radiopaedia.org, rID: 77134")
    assert claim.source == "radiopaedia"
    assert claim.aliases == ("slug:covid-19-pneumonia-92", "rid:77134")


def test_a_credit_line_alone_claims_no_row_of_another_site():
    claims = released_row_aliases("https://www.eurorad.org/case/16663", "", "see Radiopaedia.org, rID: 77134")
    assert [(c.source, c.aliases) for c in claims] == [("eurorad", ("case:16663",))]


@pytest.mark.parametrize("reference", [
    "16672", "CASE 16672", "https://www.eurorad.org/case/16672", "https://eurorad.org/case/16672/",
    "https://www.eurorad.org/case/16672?lang=en", "https://www.eurorad.org/case/16672/teaching-case",
    "https://www.eurorad.org/teaching-case/16672", "10.35100/eurorad/case.16672",
])
def test_every_eurorad_form_names_the_case_number(reference):
    assert EURORAD.reference_aliases(reference) == ["case:16672"]


def test_a_eurorad_patient_of_a_multi_patient_page_keeps_its_own_key_under_the_pages_identity():
    aliases = EURORAD.record_aliases("16672-p2", "https://www.eurorad.org/case/16672", "", [])
    assert EURORAD.document_key(aliases) == "16672"
    assert EURORAD.rekey("16672-p2", "16672") == "16672-p2"


@pytest.mark.parametrize("reference", [
    "40", "https://www.sirm.org/2020/03/11/covid-19-caso-40/", "https://sirm.org/2020/03/11/covid-19-caso-40",
    "https://archivio.sirm.org/2020/03/11/covid-19-caso-40/",
    "https://archivio.sirm.org/2020/03/11/covid-19-caso-40/?print=print", "https://www.sirm.org/covid-19-caso-40/",
    "https://www.sirm.org/?name=covid-19-caso-40", "www.sirm.org/2020/03/11/covid-19-caso-40/",
])
def test_every_sirm_host_and_permalink_names_the_post_slug(reference):
    assert SIRM.reference_aliases(reference) == ["slug:covid-19-caso-40"]


def test_the_english_sirm_sequence_is_another_post():
    assert SIRM.reference_aliases("https://www.sirm.org/en/2020/03/31/covid-19-case-5/") == ["slug:en/covid-19-case-5"]


def test_a_sirm_url_of_another_host_names_nothing():
    assert SIRM.reference_aliases("https://example.org/2020/03/11/covid-19-caso-40/") == []


@pytest.mark.parametrize("reference, alias", [
    ("10.1016/j.radcr.2020.05.017", "doi:10.1016/j.radcr.2020.05.017"),
    ("https://doi.org/10.1016/J.RADCR.2020.05.017", "doi:10.1016/j.radcr.2020.05.017"),
    ("doi:10.1016/j.radcr.2020.05.017", "doi:10.1016/j.radcr.2020.05.017"),
    ("PMC7251234", "pmc:PMC7251234"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7251234/?report=classic", "pmc:PMC7251234"),
    ("https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/", "pmc:PMC7251234"),
    ("https://pubmed.ncbi.nlm.nih.gov/32157862/", "pmid:32157862"),
    ("https://www.ncbi.nlm.nih.gov/pubmed/12759474", "pmid:12759474"),
    ("https://linkinghub.elsevier.com/retrieve/pii/S1930043320302934", "pii:S1930043320302934"),
    ("https://www.thelancet.com/journals/laninf/article/PIIS1473-3099(20)30111-0/fulltext", "pii:S1473309920301110"),
    ("10.1016/S1473-3099(20)30111-0", "pii:S1473309920301110"),
    # Forms only ingest.identifiers read before the two readings became one.
    ("https://europepmc.org/article/MED/32157862", "pmid:32157862"),
    ("https://www.nature.com/articles/s41591-020-0819-2", "doi:10.1038/s41591-020-0819-2"),
    ("32157862", "pmid:32157862"),
])
def test_every_paper_identifier_form_names_the_paper(reference, alias):
    assert alias in PAPERS.reference_aliases(reference)


def test_a_released_nature_url_and_its_doi_name_one_paper():
    by_url = released_row_aliases("https://www.nature.com/articles/s41379-020-0536-x", "", "")
    by_doi = released_row_aliases("", "10.1038/s41379-020-0536-x", "")
    assert [c.source for c in by_url] == ["publications"]
    assert set(by_url[0].aliases) & set(by_doi[0].aliases) == {"doi:10.1038/s41379-020-0536-x"}


def test_a_paper_is_keyed_by_its_doi_when_known_else_its_pmcid():
    assert PAPERS.document_key(PAPERS.reference_aliases("PMC7251234") + ["doi:10.1016/j.radcr.2020.05.017"]) == (
        "10.1016/j.radcr.2020.05.017")
    assert PAPERS.document_key(PAPERS.reference_aliases("PMC7251234")) == "pmc:PMC7251234"


def test_a_papers_case_takes_the_papers_key_and_keeps_its_patient():
    assert PAPERS.rekey("pmc:PMC7251234#patient2", "10.1016/j.radcr.2020.05.017") == (
        "10.1016/j.radcr.2020.05.017#patient2")
    assert PAPERS.rekey("10.1016/j.radcr.2020.05.017#fig3", "pmc:PMC7251234") == "pmc:PMC7251234#fig3"


def test_a_radiopaedia_case_doi_is_not_a_paper():
    claims = released_row_aliases("https://radiopaedia.org/cases/covid-19-pneumonia-15", "10.53347/rID-75037", "")
    assert [c.source for c in claims] == ["radiopaedia"]


def test_rows_of_the_real_sample_are_claimed_by_the_source_their_url_names():
    with open(SAMPLE_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    claimed = {}
    for row in rows:
        for claim in released_row_aliases(row["url"], row["doi"], f"{row['clinical_notes']}\n{row['other_notes']}"):
            claimed.setdefault(claim.source, 0)
            claimed[claim.source] += 1
    hosts = {name: sum(1 for r in rows if host in r["url"]) for name, host in
             (("radiopaedia", "radiopaedia.org/cases/"), ("eurorad", "eurorad.org/case/"), ("sirm", "sirm.org/20"))}
    for source, count in hosts.items():
        assert claimed[source] == count, source
    # Every row with a DOI that is not a case site's is a paper's.
    papers = sum(1 for r in rows
                 if r["doi"].strip() and not any(h in r["url"] for h in ("radiopaedia", "eurorad", "sirm")))
    assert claimed["publications"] >= papers
