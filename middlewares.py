"""Downloader middlewares: where requests change (mirror, conditional headers) and refusals are seen.

Order in ``settings.DOWNLOADER_MIDDLEWARES`` (process_request runs low -> high, process_response
high -> low):

* ``IncrementalMiddleware`` (5): drops a case page whose identity (any of its names, see
  ``ingest/identity.py``) is released, always, or already staged, unless the crawl was started with
  ``-a recrawl=yes``; then it asks the site "changed since?" with the stored ``ETag``/``Last-Modified``.
  A page with several cases counts as staged only once all of them are (``staging.service.incomplete_page_keys``).
  Requests carry ``meta["case_url"]`` (and ``meta["case_key"]``, ``meta["case_ref"]``) to be
  considered; a redirect is judged again by the URL it leads to.
  It also applies ``-a limit=N`` to the case pages it lets through: the limit counts case pages
  fetched, so the crawl stops after N of them.
* ``MirrorMiddleware`` (10): with ``-a base_url=``, sends a request for a real site to the mirror,
  path and query kept, naming the real host in ``X-Mirror-Host``; ``meta["real_url"]`` keeps the
  real URL. The re-addressed request passes every other middleware (offsite, robots.txt) as a
  request for the mirror.
* ``RetryAfterMiddleware`` (560, before Scrapy's RetryMiddleware sees responses): 429 and 503 wait
  ``Retry-After`` (Scrapy's retry ignores it) with the whole crawl paused, then retry; a wait
  longer than ``RETRY_AFTER_MAX`` or too many retries is a block.
* ``TruncationMiddleware`` (545): a body cut short (``ingest.truncation``: fewer bytes than its
  ``Content-Length``, an image without its end marker, an HTML document without ``</html>``) is
  fetched again like any failed download (``RETRY_TIMES``); still cut after that, the request
  fails with ``TruncatedResponse``: never parsed, never staged, and the case counts as failed.
* ``BlockDetectionMiddleware`` (540): any response that ``ingest.blocking.detect_block_page``
  names (403/406, 429 after retries, bot gates, captchas) ends its branch: logged, counted as
  ``blocked/<reason>``, never parsed or staged. After ``BLOCKED_CLOSE_AFTER`` blocks the crawl
  stops: a site that refuses us is not asked again and again.
"""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from time import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, Spider, signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawl_summary import crawl_database
from db.session import session_scope
from ingest.blocking import detect_block_page
from ingest.identity import site_identity
from ingest.truncation import truncation_reason
from schema import IngestError
from staging.identity import IdentityIndex, load_index, prepare_identities
from staging.service import document_validators, incomplete_page_keys

logger = logging.getLogger(__name__)

MIRROR_HOST_HEADER = "X-Mirror-Host"


class TruncatedResponse(IngestError):
    """The body stayed cut short after the retries: nothing of it may be recorded."""

    def __init__(self, reason: str, url: str):
        self.reason = reason
        super().__init__(f"body cut short ({reason}) after retries: {url}")


class BlockedResponse(IngestError, IgnoreRequest):
    """The site answered with a refusal, a bot gate or a captcha instead of the page: the request
    is dropped (a Scrapy ``IgnoreRequest``) before any parser sees the body."""

    def __init__(self, reason: str, url: str):
        self.reason = reason
        self.url = url
        super().__init__(f"blocked ({reason}): {url}")


def _spider(crawler) -> Spider:
    assert crawler.spider is not None
    return crawler.spider


class MirrorMiddleware:
    """Re-address every request of a ``-a base_url=`` crawl to the mirror (path and query kept)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> Request | None:
        base_url = getattr(_spider(self.crawler), "base_url", None)
        if not base_url:
            return None
        base = urlsplit(base_url)
        parts = urlsplit(request.url)
        if parts.netloc == base.netloc and parts.scheme == base.scheme:
            return None
        mirrored = urlunsplit((base.scheme, base.netloc, parts.path or "/", parts.query, ""))
        headers = request.headers.copy()
        headers[MIRROR_HOST_HEADER] = parts.hostname or ""
        return request.replace(url=mirrored, headers=headers, dont_filter=True,
                               meta={**request.meta, "real_url": request.url})


class IncrementalMiddleware:
    """Never fetch again a case the database already holds; never a released one; revisit with
    validators on recrawl.

    A case request is judged by every name it carries (``ingest/identity.py``): the reference given,
    its URL, and after a redirect the URL it was sent to, so a released case reached by its rID is
    recognised before the redirect (the dataset's credit line names the rID) and after it (the slug).
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.engine = None
        self.index: IdentityIndex | None = None
        self.site = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        source = getattr(spider, "source", None)
        self.site = site_identity(source or "")
        if self.site is None or getattr(spider, "canonical_case_url", None) is None:
            return
        self.engine = crawl_database(self.crawler)
        prepare_identities(self.engine)
        with session_scope(self.engine) as session:
            self.index = load_index(session, source)
            self.index.staged -= incomplete_page_keys(session, source)
        logger.info("incremental: %d names of %d staged and %d released %s documents known",
                    len(self.index.keys), len(self.index.staged), len(self.index.released), source)

    def _real_url(self, request: Request) -> str:
        base_url = getattr(_spider(self.crawler), "base_url", None)
        if base_url and urlsplit(request.url).netloc == urlsplit(base_url).netloc:
            return request.meta.get("real_url", request.url)
        return request.url

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.index is None or "case_url" not in request.meta:
            return None
        url = self._real_url(request)
        checked = request.meta.get("identity_checked") or []
        if url in checked:
            return None  # the same request re-addressed to the mirror: judged already
        request.meta["identity_checked"] = [*checked, url]
        names = [request.meta.get("case_ref") or "", url]
        aliases = [a for name in names for a in self.site.reference_aliases(name)]
        known = self.index.find(aliases, request.meta.get("case_key"))
        spider = _spider(self.crawler)
        if known is not None and known.released:
            # Never again, even with -a recrawl=yes: its rows and patientid are in the dataset.
            self.crawler.stats.inc_value("cases/skipped_released")
            request.meta["skipped_known"] = True  # on purpose, not a failure
            raise IgnoreRequest(f"already released ({self.index.source} {known.key}): {url}")
        if known is not None and not getattr(spider, "recrawl", False):
            self.crawler.stats.inc_value("cases/skipped_known")
            request.meta["skipped_known"] = True  # on purpose, not a failure (spiders.base.failure_reason)
            raise IgnoreRequest(f"already staged: {url}")
        # -a limit=N counts the case pages actually fetched (the known ones skipped above are free)
        if len(checked) == 0 and not getattr(spider, "take_case_fetch", lambda: True)():
            self.crawler.stats.inc_value("cases/over_limit")
            request.meta["skipped"] = "over_limit"  # on purpose, not a failure
            raise IgnoreRequest(f"over -a limit={spider.limit}: {url}")
        if known is None:
            return None
        if len(checked) == 0 and self.engine is not None and not request.meta.get("unconditional"):
            with session_scope(self.engine) as session:
                etag, last_modified = document_validators(session, request.url)
            if etag:
                request.headers["If-None-Match"] = etag
            if last_modified:
                request.headers["If-Modified-Since"] = last_modified
            self.crawler.stats.inc_value("cases/revisited")
        return None


def _retry_after_seconds(value: bytes | str | None) -> float | None:
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - time())
    except (TypeError, ValueError):
        return None


class RetryAfterMiddleware:
    """Honour ``Retry-After`` on 429/503: pause the crawl, wait, retry (Scrapy's retry ignores it)."""

    STATUSES = (429, 503)

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX")
        self.default_wait = settings.getfloat("RETRY_AFTER_DEFAULT")
        self.max_times = settings.getint("RETRY_AFTER_TIMES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if response.status not in self.STATUSES or request.meta.get("dont_retry"):
            return response
        retries = request.meta.get("retry_after_times", 0)
        wait = _retry_after_seconds(response.headers.get("Retry-After"))
        wait = self.default_wait if wait is None else wait
        stats = self.crawler.stats
        if retries >= self.max_times or wait > self.max_wait:
            # Left for BlockDetectionMiddleware: a 429 that persists is a refusal.
            stats.inc_value(f"retry_after/gave_up/{response.status}")
            logger.warning(
                "%s answered %d with Retry-After %s s; giving up after %d retries (we wait at most %s s)",
                request.url, response.status, wait, retries, self.max_wait,
            )
            return response
        stats.inc_value(f"retry_after/waits/{response.status}")
        logger.info("%s answered %d: pausing the crawl for %.1f s (Retry-After)", request.url, response.status, wait)
        engine = self.crawler.engine
        engine.pause()
        try:
            await asyncio.sleep(wait)
        finally:
            engine.unpause()
        retry = request.replace(dont_filter=True, meta={**request.meta, "retry_after_times": retries + 1})
        retry.priority = request.priority + 1
        return retry


class TruncationMiddleware:
    """Fetch again a body that is cut short; fail the request if it stays so (see module doc)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Request | Response:
        if response.status != 200 or request.method == "HEAD":
            return response
        header = lambda name: (response.headers.get(name) or b"").decode("latin-1") or None  # noqa: E731
        reason = truncation_reason(response.body, content_length=header("Content-Length"),
                                   content_encoding=header("Content-Encoding"))
        if reason is None:
            return response
        real_url = request.meta.get("real_url", request.url)
        self.crawler.stats.inc_value(f"truncated/{reason}")
        retry = get_retry_request(request, spider=_spider(self.crawler), reason=f"truncated-{reason}")
        if retry is not None:
            logger.info("body of %s cut short (%s, %d bytes): fetching it again", real_url, reason, len(response.body))
            return retry
        logger.warning("body of %s still cut short (%s) after retries: not parsed, not staged", real_url, reason)
        raise TruncatedResponse(reason, real_url)


_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


def _is_clearly_image(request: Request, response: Response) -> bool:
    """A 200 answer to a media request whose bytes start as a PNG or JPEG: not a gate (the media
    pipeline checks the image itself). A Cloudflare ``cf-mitigated`` header still gets a full look."""
    return (
        response.status == 200
        and bool(request.meta.get("media_kind"))
        and response.body.startswith(_IMAGE_SIGNATURES)
        and b"cf-mitigated" not in response.headers
    )


class BlockDetectionMiddleware:
    """Recognise refusals, bot gates and captchas; end that branch with a log line and a stat."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.close_after = crawler.settings.getint("BLOCKED_CLOSE_AFTER")
        self.blocks = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if 300 <= response.status < 400 or request.meta.get("allow_block_page"):
            return response
        if _is_clearly_image(request, response):
            return response
        real_url = request.meta.get("real_url", request.url)
        # detect_block_page reads headers through a case-insensitive lookup of (key, value) pairs,
        # first value of each: Scrapy's Headers give it the same answers as a str dict built here.
        reason = detect_block_page(response.status, response.headers, response.body, real_url)
        if reason is None or reason == "html-instead-of-media":
            # An HTML page where an image should be is the media pipeline's to reject (with the
            # image named in the case's warnings), not a refusal of the crawler.
            return response
        self.blocks += 1
        request.meta["blocked"] = reason  # counted here, not again as a failed case
        self.crawler.stats.inc_value(f"blocked/{reason}")
        self.crawler.stats.inc_value("blocked")
        logger.warning("BLOCKED (%s): %s answered HTTP %d with a %s page; not parsed, not staged",
                       reason, real_url, response.status, reason)
        if self.close_after and self.blocks >= self.close_after and self.crawler.engine is not None:
            logger.error("stopping the crawl: %d responses were blocks (BLOCKED_CLOSE_AFTER=%d)",
                         self.blocks, self.close_after)
            # Scrapy's public wrapper of a coroutine (it schedules it as its private _schedule_coro does).
            closing = deferred_from_coro(self.crawler.engine.close_spider_async(reason="blocked"))
            closing.addErrback(lambda failure: logger.error("closing the blocked crawl failed: %s",
                                                            failure.getErrorMessage()))
        raise BlockedResponse(reason, real_url)

    def process_exception(self, request: Request, exception: BaseException, spider: Spider | None = None) -> Any:
        return None
