"""ingest.identifiers: every form a paper is written in -> one canonical form per identifier.

The forms are those of the dataset's own ``doi``/``url`` cells (tests/fixtures/reference), of
maintainers' suggestions and of the literature databases' exports.
"""

import pytest

from ingest.identifiers import (
    PaperIds,
    canonical_doi,
    canonical_pii,
    canonical_url,
    ids_of_released_row,
    paper_ids,
    parse_identifier,
)


@pytest.mark.parametrize("text", [
    "10.1056/NEJMoa2001191",
    "10.1056/nejmoa2001191",
    "doi:10.1056/NEJMoa2001191",
    "DOI: 10.1056/NEJMoa2001191",
    "https://doi.org/10.1056/NEJMoa2001191",
    "http://dx.doi.org/10.1056/NEJMoa2001191",
    "https://www.nejm.org/doi/full/10.1056/NEJMoa2001191",
    "https://www.nejm.org/doi/pdf/10.1056/NEJMoa2001191?articleTools=true",
    " 10.1056/NEJMoa2001191 ",
])
def test_doi_forms_are_one(text):
    assert paper_ids(text).doi == "10.1056/nejmoa2001191"


def test_url_encoded_doi_in_a_publisher_url():
    assert (canonical_doi("https://link.springer.com/article/10.1007%2Fs11547-020-01200-3")
            == "10.1007/s11547-020-01200-3")


def test_doi_suffix_only_url_of_nature():
    assert canonical_doi("https://www.nature.com/articles/s41591-020-0819-2") == "10.1038/s41591-020-0819-2"


def test_doi_with_parentheses_kept_whole():
    assert paper_ids("https://doi.org/10.1016/S2213-2600(20)30076-X").doi == "10.1016/s2213-2600(20)30076-x"


@pytest.mark.parametrize("text", [
    "32157862", "PMID: 32157862", "pmid:32157862", "https://pubmed.ncbi.nlm.nih.gov/32157862/",
    "https://www.ncbi.nlm.nih.gov/pubmed/32157862", "https://europepmc.org/article/MED/32157862",
    "https://europepmc.org/abstract/MED/32157862",
])
def test_pmid_forms_are_one(text):
    assert paper_ids(text).pmid == "32157862"


@pytest.mark.parametrize("text", [
    "PMC7151400", "pmc7151400", "PMCID: PMC7151400",
    "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7151400/?report=classic",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC7151400/",
    "https://europepmc.org/article/PMC/PMC7151400",
    "https://europepmc.org/articles/PMC7151400",
    "https://www.ebi.ac.uk/europepmc/webservices/rest/PMC7151400/fullTextXML",
])
def test_pmcid_forms_are_one(text):
    assert paper_ids(text).pmcid == "PMC7151400"


def test_pmc_url_names_no_pmid():
    assert paper_ids("https://pmc.ncbi.nlm.nih.gov/articles/PMC7151400/").pmid == ""


@pytest.mark.parametrize("text", [
    "S0378603X1500248X", "S0378-603X(15)00248-X", "pii: S0378-603X(15)00248-X",
    "https://www.sciencedirect.com/science/article/pii/S0378603X1500248X",
    "https://www.sciencedirect.com/science/article/abs/pii/S0378603X1500248X?via%3Dihub#fig0005",
    "https://linkinghub.elsevier.com/retrieve/pii/S0378603X1500248X",
])
def test_pii_forms_are_one(text):
    assert paper_ids(text).pii == "S0378603X1500248X"


def test_pii_in_lancet_and_chest_paths():
    assert (paper_ids("https://www.thelancet.com/journals/laninf/article/PIIS1473-3099(20)30111-0/fulltext").pii
            == "S1473309920301110")
    assert paper_ids("https://journal.chestnet.org/article/S0012-3692(20)30764-9/pdf").pii == "S0012369220307649"


def test_pii_is_not_read_from_other_hosts_paths():
    assert paper_ids("https://example.org/article/S0012-3692(20)30764-9/").pii == ""
    assert canonical_pii("no pii here") == ""


def test_url_key_drops_scheme_www_tracking_and_trailing_slash():
    assert canonical_url("http://www.thno.org/v10p5641.htm?utm_source=x#top") == "thno.org/v10p5641.htm"
    assert canonical_url("https://thno.org/v10p5641.htm/") == "thno.org/v10p5641.htm"


def test_case_site_urls_use_the_sites_canonical_form():
    assert (paper_ids("https://radiopaedia.org/cases/pneumococcal-pneumonia?lang=us").url
            == "radiopaedia.org/cases/pneumococcal-pneumonia")


def test_a_url_keeps_its_url_key_beside_the_ids():
    ids = paper_ids("https://www.nejm.org/doi/full/10.1056/NEJMoa2001191")
    assert ids.keys() == {"doi:10.1056/nejmoa2001191", "url:nejm.org/doi/full/10.1056/NEJMoa2001191"}


def test_released_row_keys_from_both_cells():
    keys = ids_of_released_row("10.11909/j.issn.1671-5411.2020.04.005",
                               "https://tropmedhealth.biomedcentral.com/articles/10.1186/s41182-020-00203-0")
    assert "doi:10.11909/j.issn.1671-5411.2020.04.005" in keys
    assert "doi:10.1186/s41182-020-00203-0" in keys


def test_released_row_with_trailing_space_in_doi():
    assert "doi:10.2214/ajr.20.23034" in ids_of_released_row("10.2214/AJR.20.23034 ", "")


@pytest.mark.parametrize("text", ["", "   ", "hello", "COVID-19 pneumonia", "PMC", "10.12/x"])
def test_what_names_no_paper(text):
    assert not paper_ids(text)


def test_parse_identifier_names_the_input_and_the_forms():
    with pytest.raises(ValueError, match="'hello' is not a DOI"):
        parse_identifier("hello")


def test_merged_completes_without_overwriting():
    merged = PaperIds(doi="10.1/a").merged(PaperIds(doi="10.1/b", pmid="5"))
    assert (merged.doi, merged.pmid) == ("10.1/a", "5")


def test_best_prefers_the_doi():
    assert PaperIds(pmid="5", doi="10.1/a").best == "doi:10.1/a"
    assert PaperIds(pmid="5").best == "pmid:5"


@pytest.mark.parametrize("text", ["10.35100/eurorad/case.16745", "https://doi.org/10.35100/eurorad/case.16745"])
def test_eurorad_case_doi_is_its_case_page(text):
    assert paper_ids(text).url == "eurorad.org/case/16745"


@pytest.mark.parametrize("text", ["10.1016/S1473-3099(20)30111-0", "https://doi.org/10.1016/S1473-3099(20)30111-0"])
def test_elsevier_doi_carries_its_pii(text):
    assert paper_ids(text).pii == "S1473309920301110"


def test_other_dois_carry_no_pii():
    assert paper_ids("10.1016/j.radi.2020.04.002").pii == ""
