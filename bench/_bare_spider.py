"""The bare baseline of bench/crawl.py: fetch what the radiopaedia spider fetches, keep nothing.

Run outside the project (no project settings, no middlewares, no pipelines) with
``scrapy runspider bench/_bare_spider.py -a base_url=http://127.0.0.1:PORT``. It follows the search
pages, every case page, each study's stacks JSON and every image in it, with the same request
priorities as the real spider (cases 10, stacks 20), and does nothing with the bodies.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import scrapy

REAL_HOST = "https://radiopaedia.org"


class MirrorHop:
    """What ``middlewares.MirrorMiddleware`` does to every request of the full crawl in the bench, as a
    downloader middleware of the bare crawl (``bench/crawl.py --mirror-hop``: ``-a mirror_hop=yes`` and
    ``-s DOWNLOADER_MIDDLEWARES={"_bare_spider.MirrorHop": 10}``):
    a request for the real site answered by a new request for the mirror, which Scrapy sends through
    its scheduler (a page) or its downloader middlewares (an image) again. It measures what the
    mirror costs the full crawl, which a real crawl does not pay."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        base = urlsplit(self.crawler.spider.base_url)
        parts = urlsplit(request.url)
        if parts.netloc == base.netloc and parts.scheme == base.scheme:
            return None
        mirrored = urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))
        headers = request.headers.copy()
        headers["X-Mirror-Host"] = parts.hostname or ""
        return request.replace(url=mirrored, headers=headers, dont_filter=True,
                               meta={**request.meta, "real_url": request.url})


class BareRadiopaediaSpider(scrapy.Spider):
    name = "bare-radiopaedia"

    def __init__(self, *args, base_url: str = "", query: str = "COVID", mirror_hop: str = "no", **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = base_url.rstrip("/")
        self.query = query
        self.mirror_hop = mirror_hop == "yes"

    def _mirror(self, url: str) -> str:
        """The mirror's URL; with ``mirror_hop`` the real site's (as the radiopaedia spider asks),
        which ``MirrorHop`` re-addresses."""
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not self.mirror_hop:
            return self.base_url + path
        return REAL_HOST + path if parts.netloc == urlsplit(self.base_url).netloc else url

    async def start(self):
        yield scrapy.Request(self._mirror(f"{self.base_url}/search?lang=us&page=1&q={self.query}&scope=cases"),
                             callback=self.parse_search)

    def parse_search(self, response):
        for href in response.css("a.search-result-case::attr(href)").getall():
            yield scrapy.Request(self._mirror(response.urljoin(href)), callback=self.parse_case, priority=10)
        next_href = response.css("a.next_page::attr(href)").get()
        if next_href:
            yield scrapy.Request(self._mirror(response.urljoin(next_href)), callback=self.parse_search)

    def parse_case(self, response):
        for study_id in dict.fromkeys(response.css("[data-study-id]::attr(data-study-id)").getall()):
            yield scrapy.Request(self._mirror(f"{self.base_url}/studies/{study_id}/stacks?lang=us"),
                                 callback=self.parse_stacks, priority=20)

    def parse_stacks(self, response):
        for stack in json.loads(response.body):
            for image in stack.get("images") or []:
                url = image.get("public_filename")
                if url:
                    yield scrapy.Request(self._mirror(url), callback=self.ignore, priority=30)

    def ignore(self, response):
        return None
