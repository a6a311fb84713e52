"""Identifier services' answers (PMC ID converter, Europe PMC search, Crossref by PII), references
and the ``url`` rule, against the fixtures the mirror serves (tests/fixtures/publications)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pages import ParseError
from ingest.publication_ids import europe_pmc_search_url, idconv_url, parse_paper_reference
from ingest.resolve import Resolution, parse_crossref_pii, parse_europe_pmc_search, parse_idconv, url_as_curators_write

FIXTURES = Path(__file__).parent / "fixtures" / "publications"


def _read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_idconv_record_gives_the_pmcid():
    ids = parse_idconv(_read("idconv_rsna_0463.json"))
    assert ids.pmcid == "PMC7233391"


def test_idconv_record_gives_the_doi():
    assert parse_idconv(_read("idconv_PMC7233391.json")).doi == "10.1148/radiol.2020200463"


def test_idconv_pmid_as_number_or_string():
    assert parse_idconv(_read("idconv_PMC7251234.json")).pmid == "32501234"
    assert parse_idconv(_read("idconv_PMC7260001.json")).pmid == "32509999"


def test_idconv_not_in_pmc_is_an_answer_with_the_reason():
    ids = parse_idconv(_read("idconv_rsna_0432.json"))
    assert (ids.pmcid, ids.doi, ids.error) == ("", "", "Identifier not found in PMC")


def test_idconv_garbage_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_idconv(b"<html>Service unavailable</html>", "https://pmc.ncbi.nlm.nih.gov/tools/idconv/")


def test_europe_pmc_search_hit_without_pmc_copy():
    ids = parse_europe_pmc_search(_read("europepmc_search_rsna_0432.json"), doi="10.1148/RADIOL.2020200432")
    assert (ids.pmcid, ids.pmid, ids.error) == ("", "32073353", "indexed, no PMC copy")


def test_europe_pmc_search_ignores_hits_for_another_paper():
    ids = parse_europe_pmc_search(_read("europepmc_search_rsna_0432.json"), doi="10.1148/radiol.2020200999")
    assert ids.pmcid == "" and ids.error == "no match among 1 hits"


def test_europe_pmc_search_empty():
    assert parse_europe_pmc_search(_read("europepmc_search_empty.json"),
                                   doi="10.1148/radiol.0000000000").error == "no match among 0 hits"


def test_crossref_pii_search_gives_the_doi():
    assert parse_crossref_pii(_read("crossref_pii_rmcr.json"),
                              pii="S2213007120301998").doi == "10.1016/j.rmcr.2020.101089"


def test_crossref_pii_search_for_another_pii_gives_nothing():
    assert parse_crossref_pii(_read("crossref_pii_rmcr.json"), pii="S0000000000000000").doi == ""


@pytest.mark.parametrize("given,kind,value", [
    ("PMID: 32600003", "pmid", "32600003"),
    ("32600003", "pmid", "32600003"),
    ("https://pubmed.ncbi.nlm.nih.gov/32157862/", "pmid", "32157862"),
    ("S2213-0071(20)30199-8", "pii", "S2213007120301998"),
    ("S2213007120301998", "pii", "S2213007120301998"),
])
def test_references_by_pmid_and_pii(given, kind, value):
    ref = parse_paper_reference(given)
    assert ref.kind == kind and (ref.pmid or ref.pii) == value


def test_article_url_with_a_pii_keeps_the_page_and_the_pii():
    ref = parse_paper_reference("https://www.sciencedirect.com/science/article/pii/S0889159120306851?via%3Dihub")
    assert (ref.kind, ref.pii) == ("url", "S0889159120306851")


def test_service_urls_encode_the_identifier():
    assert idconv_url("10.1148/radiol.2020200463").endswith("?ids=10.1148%2Fradiol.2020200463&format=json")
    assert europe_pmc_search_url(doi="10.1/x").endswith(
        "search?query=DOI%3A%2210.1%2Fx%22&format=json&resultType=lite")


@pytest.mark.parametrize("route,expected", [
    ("publisher-html", "https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0178"),
    ("efetch-xml", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7233391/"),
    ("pmc-html", "https://pmc.ncbi.nlm.nih.gov/articles/PMC7233391/"),
    ("pdf", "https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0178"),
])
def test_url_is_the_page_where_the_figures_were_found(route, expected):
    assert url_as_curators_write(route, pmcid="PMC7233391", landing_url="https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0178",
                                 pdf_url="https://x.org/a.pdf") == expected


def test_url_of_a_pdf_whose_page_was_refused_is_the_pdf():
    assert url_as_curators_write("pdf", pdf_url="https://www.resmedcasereports.com/article/S2213007120301998/pdf") == (
        "https://www.resmedcasereports.com/article/S2213007120301998/pdf")


def test_why_no_copy_names_every_answer_in_order():
    chain = Resolution()
    chain.add("idconv", "u1", 200, "Identifier not found in PMC")
    chain.add("publisher-html", "u2", None, "refused (http-403)")
    assert chain.why_no_copy() == "idconv: Identifier not found in PMC; publisher-html: refused (http-403)"
