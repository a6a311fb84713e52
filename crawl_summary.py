"""What a crawl did, in numbers that add up: the summary table and the progress line.

Every case a crawl meets ends in exactly one outcome, so

    seen = new + updated + unchanged + skipped + failed + missing

- new / updated / unchanged: staged (a 304 answer to a recrawl is unchanged);
- skipped: not fetched on purpose (already staged or released, over ``-a limit``, a paper named
  twice);
- failed: not staged for a fault (a block page, robots.txt, a download error, a page that would not
  parse, a record dropped by validation or without a usable image);
- missing: the site answered 404 or 410 (the case is gone).

``CrawlProgress`` (an extension, ``EXTENSIONS`` in settings.py) shows the running counts on the
terminal during a crawl, also when ``LOG_FILE`` sends the log elsewhere, and the table at the end.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

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
            failed_reasons={k.split("/", 2)[2]: int(v) for k, v in sorted(stats.items()) if k.startswith("cases/failed/") and v},
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
        return (f"[{getattr(spider, 'name', 'crawl')} {elapsed // 60:02d}:{elapsed % 60:02d}] seen {c.seen}: new {c.new}, "
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
        table = getattr(self.crawler, "crawl_summary", None)
        if table and self.in_place:  # without LOG_FILE the log line already showed it here
            self.stream.write(table + "\n")
            self.stream.flush()
