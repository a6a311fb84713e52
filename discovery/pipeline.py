"""The discover spider's item pipeline: store each ranked paper as a candidate, count the answers.

One transaction per paper (a killed crawl leaves whole candidates; a re-run completes them).
"Already have it?" is answered against an index of the released rows, staged cases and decisions
built once when the crawl opens (``discovery.known.KnownPapers``); the counts per answer are logged
at the end and stored with the run (``crawl_runs``, source ``discover``, stats ``discover/...``).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from db.models import CrawlRun, utcnow
from db.session import database_url, open_database, session_scope
from discovery.known import NEW, KnownPapers
from discovery.store import save_found
from ingest.ranking import RankedPaper

logger = logging.getLogger(__name__)


class CandidatePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.engine = None
        self.known: KnownPapers | None = None
        self.answers: Counter = Counter()
        self.db_lock = threading.Lock()
        self.started_at = utcnow()
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        self.engine = open_database(database_url(self.crawler.settings))
        with session_scope(self.engine) as session:
            self.known = KnownPapers(session)

    async def process_item(self, item: Any, spider=None) -> Any:
        if not isinstance(item, RankedPaper):
            return item
        return await deferred_to_future(threads.deferToThread(self._store, item))

    def _store(self, item: RankedPaper) -> RankedPaper:
        assert self.known is not None and self.engine is not None
        with self.db_lock, session_scope(self.engine) as session:
            _candidate, created = save_found(session, item)
        answer = self.known.answer(item.paper.ids)
        stats = self.crawler.stats
        stats.inc_value("discover/candidates/new" if created else "discover/candidates/updated")
        stats.inc_value(f"discover/answer/{answer.status}")
        self.answers[answer.status] += 1
        return item

    def spider_closed(self, spider, reason: str) -> None:
        stats = self.crawler.stats
        logger.info(
            "discover finished (%s): %d papers; candidates %d new, %d updated; already have it? new %d, released %d, "
            "staged %d, rejected %d", reason, sum(self.answers.values()),
            stats.get_value("discover/candidates/new", 0),
            stats.get_value("discover/candidates/updated", 0), self.answers[NEW], self.answers["released"],
            self.answers["staged"], self.answers["rejected"])
        if self.engine is None:
            return
        with session_scope(self.engine) as session:
            session.add(CrawlRun(source="discover", started_at=self.started_at, finished_at=utcnow(),
                                 finish_reason=reason, arguments=dict(getattr(spider, "arguments", {})),
                                 errors=int(stats.get_value("log_count/ERROR", 0)),
                                 stats={k: v for k, v in stats.get_stats().items() if k.startswith("discover/")
                                        and isinstance(v, (int, float))}))
        self.engine.dispose()
