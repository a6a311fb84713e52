"""ingest.literature: Europe PMC search answers and maintainers' lists -> FoundPapers, field by field."""

from pathlib import Path

import pytest

from ingest.identifiers import PaperIds
from ingest.literature import (
    DEFAULT_QUERY,
    NotThisFormat,
    europepmc_query,
    europepmc_search_url,
    parse_cord19_metadata,
    parse_europepmc_search,
    parse_id_list,
    parse_litcovid_tsv,
    parse_who_csv,
    sniff_list_kind,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discovery"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page1():
    return parse_europepmc_search(read("europepmc_search_p1.json"), DEFAULT_QUERY)


def test_search_hit_count_and_cursor(page1):
    assert page1.hit_count == 6
    assert page1.next_cursor == "AoJwgKSl8YIDKDMzNDEyMzQ1"


def test_last_page_repeats_its_cursor_and_ends():
    assert parse_europepmc_search(read("europepmc_search_p2.json"), DEFAULT_QUERY).next_cursor == ""


def test_empty_answer_ends():
    page = parse_europepmc_search(read("europepmc_search_empty.json"), "x")
    assert (page.hit_count, page.next_cursor, page.papers) == (0, "", [])


def test_search_identifiers(page1):
    assert page1.papers[0].ids == PaperIds(doi="10.1016/j.radcr.2020.05.017", pmid="32501234", pmcid="PMC7251234")


def test_search_doi_upper_case_is_canonical(page1):
    assert page1.papers[1].ids.doi == "10.1016/j.ejrnm.2015.11.004"


def test_search_result_without_doi_keeps_its_pmid(page1):
    assert page1.papers[3].ids == PaperIds(pmid="32157862")


def test_search_title(page1):
    assert page1.papers[0].title == ("Serial chest radiographs in three patients with COVID-19 pneumonia: "
                                     "a case series.")


def test_search_journal_from_core_journal_info(page1):
    assert page1.papers[0].journal == "Radiology case reports"


def test_search_authors(page1):
    assert page1.papers[0].authors == "Moretti L, Okafor D."


def test_search_published_is_first_publication_date(page1):
    assert page1.papers[0].published == "2020-05-27"


def test_search_pub_types(page1):
    assert page1.papers[2].pub_types == ["Review", "Systematic Review", "Meta-Analysis", "Journal Article"]


def test_search_license_and_open_access(page1):
    assert (page1.papers[0].license, page1.papers[0].open_access) == ("cc by-nc-nd", True)
    assert (page1.papers[1].license, page1.papers[1].open_access) == ("", False)


def test_search_abstract_without_markup(page1):
    assert page1.papers[1].abstract.startswith("Purpose To describe chest radiographic")


def test_search_found_by_names_the_query(page1):
    assert page1.papers[0].found_by == f"europepmc: {DEFAULT_QUERY}"


def test_not_a_search_answer():
    with pytest.raises(NotThisFormat, match="not a Europe PMC search answer"):
        parse_europepmc_search(b"<html>503</html>", "x")


def test_since_limits_first_publication_date():
    assert europepmc_query("TITLE:x", "2024-01-01") == "(TITLE:x) AND FIRST_PDATE:[2024-01-01 TO 3000-12-31]"


def test_search_url_uses_the_rest_parameters():
    url = europepmc_search_url("TITLE:x", "*")
    assert url.startswith("https://www.ebi.ac.uk/europepmc/webservices/rest/search?query=TITLE%3Ax&")
    assert "resultType=core" in url and "cursorMark=%2A" in url and "format=json" in url and "pageSize=1000" in url


def test_default_query_covers_the_datasets_diseases_and_chest_imaging():
    for words in ('"COVID-19"', '"SARS"', '"MERS"', '"ARDS"', 'PUB_TYPE:"Case Reports"', '"case series"',
                  '"chest radiograph"', '"chest CT"'):
        assert words in DEFAULT_QUERY


def test_fixture_routes_are_the_default_search():
    import json
    urls = json.loads(read("urls.json"))
    assert europepmc_search_url(DEFAULT_QUERY, "*") in urls


# --- CORD-19 ---

@pytest.fixture(scope="module")
def cord():
    return parse_cord19_metadata(read("cord19_metadata.csv"), "metadata.csv")


def test_cord19_ids_from_doi_pmcid_pubmed_id(cord):
    assert cord.papers[0].ids.doi == "10.1056/nejmoa2001191"
    assert cord.papers[0].ids.pmcid == "PMC7092802"
    assert cord.papers[0].ids.pmid == "32004427"


def test_cord19_row_with_pmcid_only(cord):
    assert cord.papers[2].ids == PaperIds(pmcid="PMC7151400", url="ncbi.nlm.nih.gov/pmc/articles/PMC7151400")


def test_cord19_several_urls_in_one_cell(cord):
    assert cord.papers[3].ids.pii == "S2213007120305207"


def test_cord19_metadata_fields(cord):
    paper = cord.papers[1]
    assert (paper.title, paper.journal, paper.published, paper.license) == (
        "Serial chest radiographs in three patients with COVID-19 pneumonia: a case series", "Radiol Case Rep",
        "2020-05-27", "cc-by-nc-nd")


def test_cord19_row_without_identifiers_is_skipped_with_its_line(cord):
    assert cord.skipped == [(5, "no DOI, PMCID, PubMed id or URL")]


def test_cord19_wrong_file():
    with pytest.raises(NotThisFormat, match="not a CORD-19 metadata.csv"):
        parse_cord19_metadata("a,b\n1,2\n", "x.csv")


# --- LitCovid, WHO, identifier lists ---

def test_litcovid_after_its_comment_header():
    reading = parse_litcovid_tsv(read("litcovid.tsv"))
    assert [p.ids.pmid for p in reading.papers] == ["32157862", "34567890"]
    assert reading.papers[1].journal == "Clin Case Rep"
    assert reading.skipped == [(7, "no PubMed id")]


def test_who_export_columns():
    reading = parse_who_csv(read("who_export.csv"))
    assert reading.papers[0].ids == PaperIds(doi="10.1002/ppul.24718", pmid="32134205")
    assert reading.papers[1].ids.doi == "10.1148/ryct.2020200034"
    assert reading.papers[0].published == "2020"
    assert reading.skipped == [(4, "no DOI, PubMed number or URL")]


def test_id_list_forms_comments_and_bad_lines():
    reading = parse_id_list(read("ids.txt"))
    assert [p.ids.best for p in reading.papers] == [
        "doi:10.1056/nejmoa2001191", "doi:10.1148/radiol.2020201160", "pmcid:PMC7151400", "pii:S1078817420300575",
        "pii:S1473309920301110", "doi:10.1002/ccr3.4321", "pmid:34567890"]
    assert reading.skipped == [(9, "'not an identifier' is not a DOI, PMID, PMCID, PII or URL")]


@pytest.mark.parametrize("name,kind", [("cord19_metadata.csv", "cord19"), ("litcovid.tsv", "litcovid"),
                                       ("who_export.csv", "who"), ("ids.txt", "ids")])
def test_sniff_list_kind(name, kind):
    assert sniff_list_kind(name, read(name)[:4000]) == kind
