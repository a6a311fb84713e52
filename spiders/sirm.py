"""SIRM COVID-19 case posts: the category listing (newest first, ``/page/N/``) or an explicit list.

``scrapy crawl sirm [-a cases=40,https://archivio.sirm.org/2020/03/11/covid-19-caso-40/,...]
[-a host=archivio.sirm.org] [-a limit=N] [-a recrawl=yes] [-a base_url=http://127.0.0.1:PORT]``

* Listing: ``https://<host>/category/senza-categoria/covid-19/`` then its ``/page/N/`` pages until
  the last (no next link, or WordPress's 404 past the end). ``host`` is ``www.sirm.org`` (default)
  or ``archivio.sirm.org``, which serves the same WordPress paths after the site moved.
* ``cases=``: post URLs on any SIRM host (``www.``, bare ``sirm.org``, ``archivio.``, English
  ``/en/`` posts), fetched where they are given (the archive may be the only host still serving a
  post), or Italian case numbers, fetched as ``/?name=covid-19-caso-N`` (WordPress redirects to
  the dated permalink).

A post yields one CaseRecord keyed by its slug (``covid-19-caso-40``, ``en/covid-19-case-5``): the
same post on another host is the same case. SIRM states no licence (docs/site-notes.md §3.5): cases are
staged with the licence unknown, so the review queue flags them and the export's licence gate
refuses them until a reviewer records one; the credit line (authors; institution) is the record's
``credit``, which becomes ``other_notes``.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response

from ingest.pages import ParseError
from ingest.sirm import SIRM_HOSTS, canonical_sirm_url, parse_sirm_listing, parse_sirm_posts, sirm_case_url
from ingest.sites import sirm as site
from spiders.base import CaseSpider, SpiderArgumentError

logger = logging.getLogger(__name__)

# The site's facts (ingest/sites/sirm.py): the category listing, its hosts, a dated post's path.
_POST_PATH, _LISTING_HOSTS = site.POST_PATH, site.LISTING_HOSTS


class SirmSpider(CaseSpider):
    name = "sirm"
    # --- read by CaseSpider and the pipelines ---
    source = site.SOURCE
    # --- read by Scrapy's OffsiteMiddleware: www., bare and archivio. hosts, and their uploads ---
    allowed_domains = site.ALLOWED_DOMAINS

    def __init__(self, *args, host: str = "www.sirm.org", **kwargs):
        host = (host or "").strip().lower()
        if host not in _LISTING_HOSTS:
            raise SpiderArgumentError(f"host={host!r}: expected one of {', '.join(_LISTING_HOSTS)}")
        self.host = host
        super().__init__(*args, **kwargs)
        if host != "www.sirm.org":
            self.arguments["host"] = host

    # --- case references ---

    def canonical_case_url(self, value: str) -> str | None:
        try:
            url = canonical_sirm_url(value)
        except ValueError:
            return None
        if _POST_PATH.match(urlsplit(url).path):
            return url
        # A case number's ``/?name=<slug>`` request: known by its key (the slug), so it must be
        # marked as a case request too for IncrementalMiddleware to skip it.
        name = re.fullmatch(r"name=(covid-19-(?:caso|case)-\d+)", urlsplit(value).query)
        return f"https://www.sirm.org/?name={name.group(1)}" if name else None

    def case_url(self, reference: str) -> str:
        reference = reference.strip()
        if reference.isdigit():
            return sirm_case_url(int(reference))
        parts = urlsplit(reference if "://" in reference else f"https://{reference}")
        if (parts.hostname or "").lower() not in SIRM_HOSTS or not _POST_PATH.match(parts.path):
            raise ValueError("expected a case number or a post URL such as https://www.sirm.org/2020/03/11/covid-19-caso-40/")
        # As given (host kept), without the print/query variants and the fragment.
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        return urlunsplit(("https", parts.hostname.lower(), path, "", ""))

    # --- navigation ---

    async def start(self):
        if self.case_refs:
            for request in self.requests_for_case_refs(self.parse_post):
                yield request
            return
        yield self.listing_request(f"https://{self.host}{site.LISTING_PATH}")

    def listing_request(self, url: str) -> Request:
        # WordPress answers 404 one page past the end: that is the end of the listing, not an error.
        return Request(url, callback=self.parse_listing, meta={"handle_httpstatus_list": [404]})

    def parse_listing(self, response: Response):
        url = self.real_url(response)
        if response.status == 404:
            logger.info("end of the listing (404): %s", url)
            return
        try:
            page = parse_sirm_listing(response.text, url)
        except ParseError as exc:
            self.crawler.stats.inc_value("search/parse_error")
            logger.error("%s", exc)
            return
        yield from self.follow_results(
            page, url,
            lambda post_url: self.case_request(
                post_url, self.parse_post,
                key=self.case_key(post_url) if _POST_PATH.match(urlsplit(post_url).path) else None),
            self.listing_request)

    def parse_post(self, response: Response):
        if self.answered_without_page(response) or not self.count_case_parsed():
            return
        try:
            records = parse_sirm_posts(response.text, self.real_url(response))
        except (ParseError, ValueError) as exc:
            self.crawler.stats.inc_value("cases/parse_error")
            logger.error("%s", exc)
            return
        self.crawler.stats.inc_value("cases/parsed")
        for record in records:  # one case per patient of the post
            record.aliases += self.reached_by(response)
        # a post of several patients is known only once all of them are staged
        yield from self.page_cases(records, [self.document(response)])
