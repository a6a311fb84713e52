"""ingest.search_terms: the case sites' default searches cover the dataset's findings vocabulary."""

import pytest

from ingest.search_terms import CASE_SITE_QUERIES, FINDING_QUERIES, split_queries
from schema import FINDING_PATHS


@pytest.mark.parametrize("path", [p for p in FINDING_PATHS if p != "No Finding"])
def test_every_finding_has_a_search(path):
    assert FINDING_QUERIES[path] in CASE_SITE_QUERIES


@pytest.mark.parametrize("query", ["COVID", "COVID-19", "SARS", "MERS", "ARDS", "pneumocystis pneumonia",
                                   "pneumococcal pneumonia"])
def test_the_issues_scope_is_searched(query):
    assert query in CASE_SITE_QUERIES


def test_no_search_twice():
    assert len(CASE_SITE_QUERIES) == len(set(CASE_SITE_QUERIES))


def test_split_queries_keeps_order_and_drops_repeats_and_blanks():
    assert split_queries(" ARDS ; pneumonia;;ARDS") == ["ARDS", "pneumonia"]


def test_split_queries_refuses_nothing():
    with pytest.raises(ValueError, match="at least one search"):
        split_queries(" ; ")
