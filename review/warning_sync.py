"""A Scrapy extension: when a crawl closes, the review warnings of what it staged are computed and
stored (review/warning_store.py), so the reviewer's first queue load reads them instead.

Enabled in settings.py (``EXTENSIONS``). In a shared run (frontier.py: several workers) the run's
last worker syncs, once, for what every worker staged. The sync is incremental: it costs about the
cases the crawl staged or changed and those their images can touch. A failure is logged, not raised: the crawl's
work is committed, and the review page brings the warnings up to date itself (more slowly).
"""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured

from db.session import database_url, open_database, session_scope

logger = logging.getLogger(__name__)


class WarningSync:
    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("REVIEW_WARNINGS_AT_CRAWL_CLOSE", True):
            raise NotConfigured("REVIEW_WARNINGS_AT_CRAWL_CLOSE is off: the review page computes them")
        return cls(crawler)

    def spider_closed(self, spider, reason: str) -> None:
        shared = getattr(spider, "shared_run", None)  # a worker of a shared run (frontier.SharedRun)
        if shared is not None:
            # Once per run, by its last worker, for what every worker staged: workers closing
            # together would each compute the same cases and wait for each other's row locks.
            shared.on_last.append(self.run_finished)
            return
        if self.staged_or_changed(self.crawler.stats.get_stats()):
            self.sync()

    @staticmethod
    def staged_or_changed(counts: dict) -> bool:
        """Whether the crawl (or the shared run: ``counts`` its totals) staged a new case or changed
        one (pipelines.StagePipeline counts them): if not, there is nothing to sync."""
        return any(counts.get(f"cases/staged/{status}") for status in ("new", "updated"))

    def run_finished(self, totals: dict[str, float]) -> None:
        if self.staged_or_changed(totals):
            self.sync()

    def sync(self) -> None:
        started = time.perf_counter()
        # Imported here: the warnings' near-duplicate checks bring scipy.ndimage (0.3-0.7 s of CPU), which
        # a crawl with REVIEW_WARNINGS_AT_CRAWL_CLOSE off, or one that stages nothing, never needs.
        from review.warning_store import sync_warnings  # noqa: PLC0415

        try:
            engine = open_database(database_url(self.crawler.settings))
            with session_scope(engine) as session:
                recomputed = sync_warnings(session)
            engine.dispose()
        except Exception:  # noqa: BLE001 -- the crawl is done; the review page syncs itself later
            logger.exception("review warnings not brought up to date after the crawl (the review page will)")
            return
        if recomputed:
            logger.info("review warnings of %d case(s) computed and stored in %.1f s", recomputed,
                        time.perf_counter() - started)
