"""Radiopaedia: search results (1-based pages) or an explicit case list -> case page -> study stacks.

``scrapy crawl radiopaedia [-a query=COVID;ARDS;...] [-a cases=covid-19-pneumonia-15,74867] [-a limit=N]
[-a recrawl=yes] [-a base_url=http://127.0.0.1:PORT]``

Radiopaedia's terms forbid automated bulk copying without permission (docs/site-notes.md §1.7): crawl an
explicit list of cases you have permission for, or the search only with the site's agreement.

One case page yields one CaseRecord after every study's stacks JSON has been read: X-ray stacks
give one ImageRecord per image, CT stacks one ImageRecord with ``slice_urls`` (the media pipeline
builds the volume). Studies are fetched one after the other, carrying the partial record, so a
case is complete or not yielded at all.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from ingest.pages import ParseError
from ingest.radiopaedia import (
    SITE,
    canonical_radiopaedia_url,
    parse_radiopaedia_case,
    parse_radiopaedia_search,
    parse_radiopaedia_stacks,
    radiopaedia_case_url,
    radiopaedia_search_url,
    radiopaedia_stacks_url,
    split_radiopaedia_patients,
)
from ingest.records import CaseRecord, FetchedPage
from ingest.sites import radiopaedia as site
from spiders.base import CaseSpider

logger = logging.getLogger(__name__)


class RadiopaediaSpider(CaseSpider):
    name = "radiopaedia"
    # --- read by CaseSpider and the pipelines ---
    source = site.SOURCE
    # --- read by Scrapy's OffsiteMiddleware: site pages and the image CDN (prod-images-static.) ---
    allowed_domains = site.ALLOWED_DOMAINS

    def canonical_case_url(self, value: str) -> str | None:
        url = canonical_radiopaedia_url(value)
        return url if site.is_case_url(url) else None

    def case_url(self, reference: str) -> str:
        # As given: a permalink (/cases/<rID>) redirects to the slug page (docs/site-notes.md §1.1).
        return radiopaedia_case_url(reference)

    async def start(self):
        if self.case_refs:
            for request in self.requests_for_case_refs(self.parse_case):
                yield request
            return
        for query in self.queries:
            yield Request(radiopaedia_search_url(query, 1), callback=self.parse_search, cb_kwargs={"query": query})

    def parse_search(self, response: Response, query: str):
        url = self.real_url(response)
        yield from self.follow_results(
            parse_radiopaedia_search(response.text, url), url,
            # ?lang=us as the site's own result links carry it (docs/site-notes.md §1.1).
            lambda case_url: self.case_request(case_url + "?lang=us", self.parse_case, key=None),
            lambda next_url: Request(next_url, callback=self.parse_search, cb_kwargs={"query": query}), query)

    def parse_case(self, response: Response):
        if self.answered_without_page(response) or not self.count_case_parsed():
            return
        try:
            record = parse_radiopaedia_case(response.text, self.real_url(response))
        except ParseError as exc:
            self.crawler.stats.inc_value("cases/parse_error")
            logger.error("%s", exc)
            return
        self.search_query_of(record, response)
        record.aliases += self.reached_by(response)
        documents = [self.document(response)]
        study_ids = list(record.extra.get("study_ids") or [])
        yield from self._next_study(record, study_ids, [], documents)

    def _next_study(self, record: CaseRecord, study_ids: list[str], images: list, documents: list[FetchedPage]):
        if not study_ids:
            record.images = images
            self.crawler.stats.inc_value("cases/parsed")
            # a page presenting several patients ("Patient 1" / "Patient 2" studies): one case each
            yield from self.page_cases(split_radiopaedia_patients(record), documents)
            return
        study_id, rest = study_ids[0], study_ids[1:]
        yield Request(
            urljoin(SITE, radiopaedia_stacks_url(study_id)),
            callback=self.parse_stacks,
            errback=self.stacks_failed,
            priority=20,  # finish the case in hand before starting another
            cb_kwargs={"record": record, "study_id": study_id, "rest": rest, "images": images, "documents": documents},
            dont_filter=True,  # two cases may share a study; each needs the answer
        )

    def parse_stacks(self, response: Response, record: CaseRecord, study_id: str, rest: list[str], images: list,
                     documents: list):
        try:
            found = parse_radiopaedia_stacks(response.body, study_id, SITE, first_position=len(images))
        except ParseError as exc:
            self.crawler.stats.inc_value("cases/failed")
            logger.error("case %s not staged: study %s: %s", record.url, study_id, exc)
            return
        yield from self._next_study(record, rest, images + found, documents + [self.document(response)])

    def stacks_failed(self, failure) -> None:
        record = failure.request.cb_kwargs.get("record")
        self.crawler.stats.inc_value("cases/failed")
        logger.error("case %s not staged: its study stacks could not be fetched (%s)",
                     getattr(record, "url", "?"), failure.getErrorMessage())
