"""The discover spider's arguments, checked before anything is fetched (in-process)."""

from pathlib import Path

import pytest

from ingest.literature import DEFAULT_QUERY
from spiders.base import SpiderArgumentError
from spiders.discover import DiscoverSpider

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discovery"


@pytest.mark.parametrize("kwargs,message", [
    ({"since": "2020-02-30"}, "since='2020-02-30': expected a date YYYY-MM-DD"),
    ({"file": "/no/such.csv"}, "file='/no/such.csv': no such file"),
    ({"kind": "pubmed", "file": str(FIXTURES / "ids.txt")},
     "kind='pubmed': expected one of cord19, litcovid, who, ids"),
    ({"ids": "10.1000/a,hello"}, "ids: 'hello' is not a DOI"),
    ({"query": "TITLE:x", "ids": "10.1000/a"}, "give either a search (-a query=) or a list"),
    ({"figures": "maybe"}, "figures='maybe': expected yes or no"),
    ({"limit": "0"}, "limit='0': expected a whole number"),
    ({"querry": "x"}, "unknown argument(s) querry"),
    ({"file": str(FIXTURES / "litcovid.tsv"), "kind": "cord19"}, "not a CORD-19 metadata.csv"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(SpiderArgumentError) as raised:
        DiscoverSpider(**kwargs)
    assert message in str(raised.value)


def test_defaults_search_europe_pmc_with_the_default_query():
    spider = DiscoverSpider()
    assert (spider.query, spider.since, spider.listed, spider.read_figures) == (DEFAULT_QUERY, "", [], True)


def test_lists_are_read_at_start_with_their_kind_sniffed():
    spider = DiscoverSpider(file=f"{FIXTURES / 'litcovid.tsv'},{FIXTURES / 'who_export.csv'}")
    assert [p.found_by for p in spider.listed] == ["litcovid: litcovid.tsv"] * 2 + ["who: who_export.csv"] * 2


def test_publications_crawls_only_accepted_candidates():
    from spiders.publications import PublicationsSpider

    with pytest.raises(SpiderArgumentError, match="candidates='pending': expected candidates=accepted"):
        PublicationsSpider(candidates="pending")
    assert PublicationsSpider(candidates="accepted").from_candidates is True
