"""One shared-frontier worker on a real Scrapy engine whose own 5 s heartbeat is off, for
test_shared_frontier: only our poll (``SharedRun._wake``) can make it take requests that another
worker queued while it had nothing in flight.

    python -m tests.e2e.waiting_worker REDIS_URL

It joins the run of spider ``radiopaedia``, sends no start request, fetches what the shared queue
gives it, closes when no worker works and nothing is queued, and prints one JSON line: the URLs it
fetched and its timeline.
"""

from __future__ import annotations

import json
import sys

from scrapy import Spider, signals
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import CrawlerProcess

from frontier import SharedRun


class WaitingSpider(Spider):
    name = "radiopaedia"
    arguments: dict = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.fetched = []
        spider.run = SharedRun.for_crawler(crawler)
        spider.run.join(spider)
        crawler.signals.connect(spider.closed_run, signal=signals.spider_closed)
        return spider

    async def start(self):
        return
        yield  # an async generator with nothing in it: this worker only joins the run

    def parse(self, response):
        self.fetched.append(response.url)

    def closed_run(self, spider, reason):
        self.run.leave({})
        print(json.dumps({"fetched": self.fetched, "reason": reason, "timeline": self.run.timeline}), flush=True)


def main() -> None:
    # Scrapy's heartbeat would look at the scheduler within 5 s whatever our poll does.
    ExecutionEngine._SLOT_HEARTBEAT_INTERVAL = 3600.0
    process = CrawlerProcess({"REDIS_URL": sys.argv[1], "SCHEDULER": "frontier.FrontierScheduler",
                              "LOG_LEVEL": "INFO", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False})
    process.crawl(WaitingSpider)
    process.start()


if __name__ == "__main__":
    main()
