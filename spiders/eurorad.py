"""Eurorad: advanced search (0-based pages) or an explicit case list -> case pages.

``scrapy crawl eurorad [-a query=COVID;ARDS;...] [-a cases=16672,16689] [-a limit=N] [-a recrawl=yes]
[-a base_url=http://127.0.0.1:PORT]``

A case page yields one CaseRecord, or several when it describes several patients (keyed
``<case>-p<n>``); images are the page's figures at full size.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.http import Response

from ingest.eurorad import (
    canonical_eurorad_url,
    eurorad_case_url,
    eurorad_search_url,
    parse_eurorad_case,
    parse_eurorad_search,
)
from ingest.pages import ParseError
from ingest.sites import eurorad as site
from spiders.base import CaseSpider

logger = logging.getLogger(__name__)


class EuroradSpider(CaseSpider):
    name = "eurorad"
    # --- read by CaseSpider and the pipelines ---
    source = site.SOURCE
    # --- read by Scrapy's OffsiteMiddleware ---
    allowed_domains = site.ALLOWED_DOMAINS

    def canonical_case_url(self, value: str) -> str | None:
        url = canonical_eurorad_url(value)
        return url if site.is_case_url(url) else None

    def case_url(self, reference: str) -> str:
        return eurorad_case_url(reference)

    async def start(self):
        if self.case_refs:
            for request in self.requests_for_case_refs(self.parse_case):
                yield request
            return
        for query in self.queries:
            yield Request(eurorad_search_url(query, 0), callback=self.parse_search, cb_kwargs={"query": query})

    def parse_search(self, response: Response, query: str):
        url = self.real_url(response)
        yield from self.follow_results(
            parse_eurorad_search(response.text, url), url,
            lambda case_url: self.case_request(case_url, self.parse_case, key=case_url.rsplit("/", 1)[-1]),
            lambda next_url: Request(next_url, callback=self.parse_search, cb_kwargs={"query": query}), query)

    def parse_case(self, response: Response):
        if self.answered_without_page(response) or not self.count_case_parsed():
            return
        try:
            records = parse_eurorad_case(response.text, self.real_url(response))
        except ParseError as exc:
            self.crawler.stats.inc_value("cases/parse_error")
            logger.error("%s", exc)
            return
        for record in records:
            self.search_query_of(record, response)
            record.aliases += self.reached_by(response)
        self.crawler.stats.inc_value("cases/parsed", len(records))
        yield from self.page_cases(records, [self.document(response)])
