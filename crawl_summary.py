"""What a crawl did, in numbers that add up: the summary table and the progress line.

Every case a crawl meets ends in exactly one outcome, so

    seen = new + updated + unchanged + skipped + failed + missing

- new / updated / unchanged: staged (a 304 answer to a recrawl is unchanged);
- skipped: not fetched on purpose (already staged or released, over ``-a limit``, a paper named
  twice);
- failed: not staged for a fault (a block page, robots.txt, a download error, a page that would not
  parse, a record dropped by validation or without a usable image);
- missing: the site answered 404 or 410 (the case is gone).

``CrawlRecorder`` (an extension, ``EXTENSIONS`` in settings.py) owns what belongs to the crawl as a
whole: the crawl lock (crawl_lock.py), the one database engine the pipelines and middlewares share
(``crawl_database``), and at the end the run's summary (a ``CrawlRun`` row and the table in the log)
with the layout-change alarm. ``CrawlProgress`` (an extension too) shows the running counts on the
terminal during a crawl, also when ``LOG_FILE`` sends the log elsewhere, and the table at the end.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy import Engine
from twisted.internet import task

from crawl_lock import CrawlLocked, crawl_lock
from db.models import CrawlRun, utcnow
from db.session import database_url, open_database, session_scope
from frontier import FrontierError, SharedRun
from ingest.records import CaseRecord
from staging.service import previous_crawl_run

logger = logging.getLogger(__name__)


@dataclass
class CrawlCounts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_known: int = 0
    over_limit: int = 0
    skipped_other: int = 0
    failed: int = 0
    failed_blocked: int = 0
    missing: int = 0
    #: case pages (papers) the crawl asked for; a page with several patients yields several cases
    requested: int = 0
    images: int = 0
    errors: int = 0
    blocked: int = 0
    #: why cases failed (``cases/failed/<reason>``: http-500, timeout, robots-txt...)
    failed_reasons: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return self.skipped_known + self.over_limit + self.skipped_other

    @property
    def seen(self) -> int:
        return self.new + self.updated + self.unchanged + self.skipped + self.failed + self.missing

    @classmethod
    def from_stats(cls, stats: dict) -> CrawlCounts:
        def value(key: str) -> int:
            return int(stats.get(key, 0) or 0)

        dropped = sum(int(v) for k, v in stats.items() if k.startswith("cases/dropped/"))
        return cls(
            new=value("cases/staged/new"),
            updated=value("cases/staged/updated"),
            unchanged=value("cases/staged/unchanged") + value("cases/not_modified"),
            skipped_known=value("cases/skipped_known") + value("cases/skipped_released"),
            over_limit=value("cases/over_limit"),
            skipped_other=value("cases/skipped_other") + value("cases/skipped_duplicate_input"),
            failed=value("cases/failed") + value("cases/failed_blocked") + value("cases/parse_error") + dropped,
            failed_blocked=value("cases/failed_blocked"),
            missing=value("cases/missing"),
            requested=value("cases/requested"),
            images=value("images/staged"),
            errors=value("log_count/ERROR"),
            blocked=value("blocked"),
            failed_reasons={k.split("/", 2)[2]: int(v) for k, v in sorted(stats.items())
                            if k.startswith("cases/failed/") and v},
        )


def coverage_text(coverage: dict[str, float]) -> str:
    """``title 100%, age_text 75%, ...``; the fields no case had last."""
    if not coverage:
        return "no case parsed"
    ordered = sorted(coverage.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{name} {share:.0%}" for name, share in ordered)


def summary_table(source: str, reason: str, counts: CrawlCounts, coverage: dict[str, float]) -> str:
    c = counts
    rows = [
        ("cases seen", c.seen, "= new + updated + unchanged + skipped + failed + missing"),
        ("  new", c.new, ""),
        ("  updated", c.updated, "the source changed since it was staged"),
        ("  unchanged", c.unchanged, ""),
        ("  skipped", c.skipped, f"not fetched: already known {c.skipped_known}, over the limit {c.over_limit}, "
                                 f"repeated {c.skipped_other}"),
        ("  failed", c.failed, "not staged: " + ", ".join([f"blocked {c.failed_blocked}"]
                                                          + [f"{why} {n}" for why, n in c.failed_reasons.items()])),
        ("  missing", c.missing, "404/410: gone from the site"),
        ("case pages requested", c.requested, ""),
        ("images staged", c.images, ""),
        ("errors logged", c.errors, ""),
        ("blocks", c.blocked, ""),
    ]
    width = max(len(label) for label, _, _ in rows)
    lines = [f"crawl summary {source} ({reason})"]
    lines += [f"  {label:<{width}} {number:>6}  {note}".rstrip() for label, number, note in rows]
    lines.append(f"  {'field coverage':<{width}} {coverage_text(coverage)}")
    return "\n".join(lines)


class CrawlProgress:
    """Running counts on the terminal during a crawl (stderr, when it is a terminal), and the
    summary table at the end when the log goes to ``LOG_FILE``. ``CRAWL_PROGRESS``: auto (a
    terminal), on, off; ``CRAWL_PROGRESS_INTERVAL`` seconds between updates."""

    def __init__(self, crawler, interval: float, stream):
        self.crawler, self.interval, self.stream = crawler, interval, stream
        self.in_place = bool(crawler.settings.get("LOG_FILE"))  # the terminal is ours alone
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        self.last_width = 0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        mode = str(crawler.settings.get("CRAWL_PROGRESS", "auto")).lower()
        stream = sys.stderr
        if mode in ("off", "0", "no", "false") or (mode == "auto" and not stream.isatty()):
            raise NotConfigured
        return cls(crawler, crawler.settings.getfloat("CRAWL_PROGRESS_INTERVAL", 2.0), stream)

    def line(self) -> str:
        c = CrawlCounts.from_stats(self.crawler.stats.get_stats())
        spider = self.crawler.spider
        elapsed = int(time.monotonic() - self.started)
        return (f"[{getattr(spider, 'name', 'crawl')} {elapsed // 60:02d}:{elapsed % 60:02d}] "
                f"seen {c.seen}: new {c.new}, "
                f"updated {c.updated}, unchanged {c.unchanged}, skipped {c.skipped}, failed {c.failed}, "
                f"missing {c.missing}; images {c.images}")

    def show(self) -> None:
        text = self.line()
        if self.in_place:
            self.stream.write("\r" + text.ljust(self.last_width))
            self.last_width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def spider_opened(self, spider) -> None:
        self.loop = task.LoopingCall(self.show)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.show()
        if self.in_place:
            self.stream.write("\n")

    def engine_stopped(self) -> None:
        recorder = crawl_recorder(self.crawler)
        table = recorder.summary if recorder is not None else None
        if table and self.in_place:  # without LOG_FILE the log line already showed it here
            self.stream.write(table + "\n")
            self.stream.flush()


# --- the run: lock, database, summary -------------------------------------------------------------

#: Fields whose coverage is compared run to run (present in most cases of a healthy crawl).
COVERAGE_FIELDS = ("title", "age_text", "sex_text", "history", "findings", "discussion", "license_text", "doi",
                   "authors", "published", "images")
#: Stat groups a run's summary keeps (and the workers of a shared run add up).
SUMMARY_STAT_GROUPS = ("cases", "images", "blocked", "media", "retry_after", "search", "papers", "file_status_count",
                       "downloader", "item_dropped_reasons_count", "frontier")
#: Names of the coverage counts among a run's counts.
COVERED = "coverage_cases"
COVERAGE = "coverage/"


def coverage_of(record: CaseRecord) -> dict[str, bool]:
    return {name: bool(record.images if name == "images" else getattr(record, name)) for name in COVERAGE_FIELDS}


def crawl_recorder(crawler) -> CrawlRecorder | None:
    """The crawl's ``CrawlRecorder``; None when it is not enabled, or not built yet (a component
    made outside a crawl)."""
    try:
        return crawler.get_extension(CrawlRecorder)
    except RuntimeError:  # Scrapy's answer before the extension manager exists
        return None


def crawl_database(crawler) -> Engine:
    """The crawl's database engine: the ``CrawlRecorder``'s, else one of the caller's own."""
    recorder = crawl_recorder(crawler)
    return recorder.database() if recorder is not None else open_database(database_url(crawler.settings))


class CrawlRecorder:
    """What belongs to a crawl as a whole, in one extension (``EXTENSIONS`` in settings.py).

    - the crawl lock: a spider with ``one_run_per_database`` runs once per database at a time
      (crawl_lock.py); with ``REDIS_URL`` a case spider joins the shared run (frontier.py) and holds
      the lock shared with its workers. Taken when the crawler is made, so a refused crawl opens
      nothing; released when the spider closes (and by the system if the process dies).
    - one database engine for the crawl (``database()``), opened on first use and upgraded once;
      the pipelines and middlewares ask for it instead of opening their own.
    - the run's summary when the crawl stages cases (``StagePipeline`` asks for ``staging_database``):
      its numbers, field coverage and a ``LIKELY LAYOUT CHANGE`` warning for what dropped sharply
      against the previous run of the source, stored as a ``CrawlRun`` and logged as a table.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.started_at = utcnow()
        self.drop_ratio = crawler.settings.getfloat("CRAWL_DROP_WARN_RATIO")
        self.coverage: dict[str, int] = {name: 0 for name in COVERAGE_FIELDS}
        self.covered_cases = 0
        self.engine: Engine | None = None
        self.engine_lock = threading.Lock()
        #: The crawl stages cases, so its run gets a summary.
        self.stages_cases = False
        #: The summary table once written (``CrawlProgress`` shows it on the terminal).
        self.summary: str | None = None
        #: This worker's membership of a shared run (frontier.py), or None.
        self.shared_run: SharedRun | None = None
        self.lock = None
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        recorder = cls(crawler)
        recorder.take_lock()
        return recorder

    def take_lock(self) -> None:
        """The crawl lock of the crawler's spider, or ``SystemExit`` with why (nothing opened yet)."""
        spider = self.crawler.spider
        if not getattr(spider, "one_run_per_database", False):
            return
        try:
            if getattr(spider, "joins_shared_run", False):
                self.shared_run = SharedRun.for_crawler(self.crawler)
            self.lock = crawl_lock(self.crawler.settings, spider.name, database_url(self.crawler.settings),
                                   shared=self.shared_run is not None).acquire()
            if self.shared_run is not None:
                self.shared_run.join(spider)
        except (CrawlLocked, FrontierError) as exc:
            self.release_lock()
            if getattr(spider, "joins_shared_run", False):
                logger.error("%s: %s", spider.name, exc)
            raise SystemExit(f"scrapy crawl {spider.name}: {exc}") from None

    def release_lock(self) -> None:
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def database(self) -> Engine:
        """The crawl's engine (migrated to the head revision on first use)."""
        with self.engine_lock:
            if self.engine is None:
                self.engine = open_database(database_url(self.crawler.settings))
            return self.engine

    def staging_database(self) -> Engine:
        """The crawl's engine, for a pipeline that stages cases: the run will get a summary."""
        self.stages_cases = True
        return self.database()

    def item_scraped(self, item: Any, response=None, spider=None) -> None:
        # An item that went through every pipeline was staged: its fields count for the coverage.
        if self.stages_cases and isinstance(item, CaseRecord):
            self.covered_cases += 1
            for name, present in coverage_of(item).items():
                self.coverage[name] += int(present)

    def spider_closed(self, spider, reason: str) -> None:
        try:
            if self.stages_cases:
                self.summarize(spider, reason)
        finally:
            self.release_lock()

    def engine_stopped(self) -> None:
        self.release_lock()
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None

    def summarize(self, spider, reason: str) -> None:
        """The run's ``CrawlRun`` row, layout-change warnings and summary table."""
        source = getattr(spider, "source", spider.name)
        counts = self.run_counts()
        started_at, arguments = self.started_at, dict(getattr(spider, "arguments", {}))
        if self.shared_run is not None:
            # One summary per run: each worker adds its counts, the last one writes the summary.
            logger.info("crawl worker %s done: %s", self.shared_run.worker, summary_line(counts))
            finished = self.shared_run.leave(counts)
            if finished is None:
                return
            run_info, counts = finished
            started_at = datetime.fromisoformat(run_info["started_at"])
            arguments = dict(run_info.get("arguments") or arguments)
        run = crawl_run(source, counts, started_at, reason, arguments)
        with session_scope(self.database()) as session:
            previous = previous_crawl_run(session, source)
            run.warnings = layout_change(previous, run, int(counts.get(COVERED, 0)), self.drop_ratio)
            session.add(run)
        for warning in run.warnings:
            logger.warning("LIKELY LAYOUT CHANGE on %s: %s", source, warning)
        self.summary = summary_table(source, reason, CrawlCounts.from_stats(counts), run.field_coverage)
        logger.info("%s", self.summary)

    def run_counts(self) -> dict[str, float]:
        """This process's numbers of the run: the summary's stats and the field coverage counts."""
        stats = self.crawler.stats.get_stats()
        counts: dict[str, float] = {
            k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool) and (
                (k.split("/")[0] in SUMMARY_STAT_GROUPS and not k.startswith("downloader/request_method"))
                or k == "log_count/ERROR")}
        counts[COVERED] = self.covered_cases
        counts.update({f"{COVERAGE}{name}": count for name, count in self.coverage.items()})
        return counts


def crawl_run(source: str, counts: dict[str, float], started_at: datetime, reason: str, arguments: dict) -> CrawlRun:
    """The ``CrawlRun`` row of a run's counts."""
    covered = int(counts.get(COVERED, 0))
    coverage = ({k[len(COVERAGE):]: round(v / covered, 3) for k, v in counts.items() if k.startswith(COVERAGE)}
                if covered else {})
    c = CrawlCounts.from_stats(counts)
    return CrawlRun(
        source=source,
        started_at=started_at,
        finished_at=utcnow(),
        finish_reason=reason,
        arguments=arguments,
        cases_seen=c.seen,
        cases_new=c.new,
        cases_updated=c.updated,
        cases_unchanged=c.unchanged,
        cases_skipped=c.skipped,
        cases_failed=c.failed,
        images=c.images,
        errors=c.errors,
        field_coverage=coverage,
        stats={k: (int(v) if float(v).is_integer() else v) for k, v in counts.items()
               if k != "log_count/ERROR" and not k.startswith(COVERAGE) and k != COVERED},
    )


def layout_change(previous: CrawlRun | None, run: CrawlRun, covered_cases: int, drop_ratio: float) -> list[str]:
    """What dropped sharply against the previous run of the same source (the layout-change alarm)."""
    if previous is None:
        return []
    warnings = []
    parsed_now = run.cases_new + run.cases_updated + run.cases_unchanged
    if previous.field_coverage and run.field_coverage and covered_cases >= 3:
        for name, before in previous.field_coverage.items():
            now = run.field_coverage.get(name, 0.0)
            if before >= 0.5 and now < before * drop_ratio:
                warnings.append(f"field {name!r} found in {now:.0%} of cases, was {before:.0%} in run {previous.id}")
    fetched_before = previous.cases_seen - previous.cases_skipped
    fetched_now = run.cases_seen - run.cases_skipped
    if fetched_before >= 5 and fetched_now >= 5:
        ok_before = (previous.cases_new + previous.cases_updated + previous.cases_unchanged) / fetched_before
        ok_now = parsed_now / fetched_now
        if ok_before >= 0.3 and ok_now < ok_before * drop_ratio:
            warnings.append(f"{ok_now:.0%} of fetched case pages staged, was {ok_before:.0%} in run {previous.id}")
    if (previous.cases_seen >= 10 and run.cases_seen < previous.cases_seen * drop_ratio
            and not run.arguments.get("limit") and not run.arguments.get("cases")):
        warnings.append(f"{run.cases_seen} case links found, was {previous.cases_seen} in run {previous.id}")
    return warnings


def summary_line(counts: dict[str, float]) -> str:
    """A shared run's worker's counts in one line (the run's summary comes from the last worker)."""
    value = lambda key: int(counts.get(key, 0))  # noqa: E731
    failed = (value("cases/failed") + value("cases/parse_error")
              + sum(int(v) for k, v in counts.items() if k.startswith("cases/dropped/")))
    why = {k.split("/", 2)[2]: int(v) for k, v in counts.items() if k.startswith("cases/failed/")}
    why.update({f"dropped: {k.split('/', 2)[2]}": int(v) for k, v in counts.items() if k.startswith("cases/dropped/")})
    if value("cases/parse_error"):
        why["parse error"] = value("cases/parse_error")
    reasons = f" ({', '.join(f'{k} {v}' for k, v in sorted(why.items()))})" if why else ""
    return (f"seen {value('cases/requested')}, new {value('cases/staged/new')}, "
            f"updated {value('cases/staged/updated')}, "
            f"unchanged {value('cases/staged/unchanged') + value('cases/not_modified')}, "
            f"skipped (known) {value('cases/skipped_known') + value('cases/skipped_released')}, "
            f"failed {failed}{reasons}, images {value('images/staged')}, errors {value('log_count/ERROR')}, "
            f"blocked {value('blocked')}")
