"""What every case spider shares: arguments, case requests and limits; it asks for the one-run-at-a-time
lock (``one_run_per_database``, taken by ``crawl_summary.CrawlRecorder``).

Spiders only navigate: they ask ``ingest/`` to parse and yield ``CaseRecord`` items. Where a
request goes (mirror), whether it goes at all (already staged), and what a refusal means are the
downloader middlewares' business (``middlewares.py``); validation, media and staging are the item
pipelines' (``pipelines.py``).

Arguments (``-a name=value``), validated in ``from_crawler``; an argument no spider takes
(``-a case=`` for ``cases=``) is refused with the list of the known ones before anything starts:

* ``base_url=http://127.0.0.1:PORT``: crawl a local mirror; every request of the source (pages,
  APIs, image hosts) goes there with path and query kept. Parsers still return real-site URLs.
* ``limit=N``: fetch at most N case pages (cases already known, skipped, do not count), then stop
  following results; a shared run counts the case pages parsed by all its workers.
* ``recrawl=yes``: revisit cases already staged (with conditional requests); a released case never.
* ``cases=a,b,c`` / ``cases_file=PATH`` (one per line, ``#`` comments): crawl these cases (URLs,
  slugs, rIDs, case numbers) instead of searching.
* ``query=...``: the searches, several separated by ``;`` (default: the dataset's scope,
  ``ingest.search_terms.CASE_SITE_QUERIES``). A case listed by several searches is fetched once;
  its record says which search found it (``extra["search_query"]``).
"""

from __future__ import annotations

import difflib
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawl_summary import crawl_recorder
from frontier import SharedRun
from ingest.identity import site_identity
from ingest.records import CaseRecord, FetchedPage
from ingest.search_terms import CASE_SITE_QUERIES, split_queries
from media.store import MediaStoreError, open_media_store
from schema import IngestError

logger = logging.getLogger(__name__)

_YES = {"yes", "y", "true", "1", "on"}
#: A list of cases is text; anything bigger than this is not one (about 100,000 URLs).
MAX_CASES_FILE_BYTES = 10 * 1024 * 1024
_NO = {"no", "n", "false", "0", "off", ""}


class SpiderArgumentError(IngestError, ValueError):
    """A ``-a`` argument the spider cannot use; the message says which and what is expected."""


def failure_reason(failure) -> str | None:
    """Why a request failed, as a short name for the crawl summary; None when it was not a failure
    (a case skipped as known, a block page, both counted where they are recognised)."""
    meta = failure.request.meta
    if meta.get("skipped_known") or meta.get("skipped") or meta.get("blocked"):
        return None
    exc = failure.value
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status", None):  # HttpError: a 4xx/5xx after the retries
        return f"http-{response.status}"
    # by name: spiders do not import the downloader middlewares (middlewares.TruncatedResponse)
    if getattr(exc, "reason", None) and type(exc).__name__ == "TruncatedResponse":
        return f"truncated-{exc.reason}"
    text = str(exc)
    if type(exc).__name__ == "ResponseDataLossError" or "_DataLoss" in text:
        return "truncated-content-length"  # fewer bytes than the Content-Length said (Scrapy retried it)
    if "max redirections" in text:
        return "redirect-loop"
    if "robots.txt" in text:
        return "robots-txt"
    if "DOWNLOAD_MAXSIZE" in text or "larger than download max size" in text:
        return "too-large"
    if failure.check(IgnoreRequest):
        return "ignored"
    name = type(exc).__name__
    if "Timeout" in name:
        return "timeout"
    if name in ("DownloadFailedError", "ConnectionLost", "ConnectionRefusedError", "ConnectionDone",
                "ResponseNeverReceived", "ResponseFailed", "DNSLookupError", "ConnectError"):
        return "connection-failed"
    return name


class CaseSpider(scrapy.Spider):
    """Base of the Radiopaedia and Eurorad spiders (search or explicit list -> case pages)."""

    # --- read by IncrementalMiddleware and the pipelines ---
    #: ``Case.source`` of the records this spider yields.
    source: str = ""
    # --- read by crawl_summary.CrawlRecorder, which takes the crawl lock (crawl_lock.py) ---
    #: One run of the spider per database at a time: two would fetch and stage the same cases twice.
    one_run_per_database = True
    #: With REDIS_URL, a worker of the spider's shared run (frontier.py), holding the lock shared.
    joins_shared_run = True
    # --- read by this class ---
    default_queries: tuple[str, ...] = CASE_SITE_QUERIES

    #: Canonical case URL of a URL, slug or number (from ingest/); None when it is not a case.
    def canonical_case_url(self, value: str) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def case_url(self, reference: str) -> str:  # pragma: no cover - abstract
        """Real URL to fetch for a case reference given with ``-a cases=``."""
        raise NotImplementedError

    def case_key(self, reference: str) -> str | None:
        """The natural key a reference names, when it names one (an rID, a case number, a post
        slug; not a Radiopaedia slug): the source's naming facts in ``ingest/identity.py``."""
        site = site_identity(self.source)
        prefix = f"{site.bare_kind}:" if site is not None else None
        return (next((a.removeprefix(prefix) for a in site.reference_aliases(reference) if a.startswith(prefix)), None)
                if prefix else None)

    def __init__(self, *args, base_url: str | None = None, limit: str | None = None, recrawl: str = "no",
                 cases: str | None = None, cases_file: str | None = None, query: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = self._check_base_url(base_url)
        self.limit = self._check_limit(limit)
        self.recrawl = self._check_yes_no("recrawl", recrawl)
        try:
            self.queries = split_queries(query) if query is not None else list(self.default_queries)
        except ValueError as exc:
            raise SpiderArgumentError(str(exc)) from None
        #: Canonical case URL -> the search that listed it first (cases are fetched once).
        self.listed_by: dict[str, str] = {}
        self.case_refs = self._check_cases(cases, cases_file)
        self.arguments = {k: v for k, v in {"base_url": base_url, "limit": limit, "recrawl": recrawl, "cases": cases,
                                           "cases_file": cases_file, "query": query}.items() if v is not None}
        if self.base_url:
            # The mirror's host must pass the offsite filter once requests are re-addressed to it.
            self.allowed_domains = [*getattr(self, "allowed_domains", []), urlsplit(self.base_url).hostname]
        self.cases_parsed = 0
        self.cases_fetched = 0
        self._requested_cases: set[str] = set()

    @classmethod
    def known_arguments(cls) -> list[str]:
        """The ``-a`` arguments this spider takes: the parameters of its ``__init__`` and its bases'."""
        names: set[str] = set()
        for klass in cls.__mro__:
            if klass is scrapy.Spider:
                break
            init = klass.__dict__.get("__init__")
            if init is not None:
                names.update(p.name for p in inspect.signature(init).parameters.values()
                             if p.name != "self" and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
        return sorted(names)

    @classmethod
    def check_argument_names(cls, given: Iterable[str]) -> None:
        """Refuse an argument the spider does not take (``-a case=`` for ``cases=``): Scrapy would
        set it as an attribute and crawl as if it were not given (a whole search, say)."""
        known = cls.known_arguments()
        unknown = sorted(set(given) - set(known))
        if not unknown:
            return
        hints = [f"{name!r} (did you mean {close[0]!r}?)"
                 if (close := difflib.get_close_matches(name, known, n=1)) else repr(name)
                 for name in unknown]
        raise SpiderArgumentError(f"unknown argument{'s' if len(unknown) > 1 else ''} {', '.join(hints)}; "
                                  f"{cls.name} takes: {', '.join(known)}")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        try:
            cls.check_argument_names(kwargs)
            spider = super().from_crawler(crawler, *args, **kwargs)
        except SpiderArgumentError as exc:
            # One clear line instead of a traceback; the crawl does not start (nothing was opened).
            raise SystemExit(f"scrapy crawl {cls.name}: bad argument: {exc}") from None
        try:  # a MEDIA_STORE that cannot be used stops the crawl before it fetches anything
            store = open_media_store(crawler.settings.get("MEDIA_STORE"), crawler.settings)
            try:
                store.check()
            finally:
                store.close()
        except MediaStoreError as exc:
            logger.error("%s: %s", cls.name, exc)
            raise SystemExit(f"scrapy crawl {cls.name}: {exc}") from None
        return spider

    # --- argument checks -----------------------------------------------------------------------

    @staticmethod
    def _check_base_url(value: str | None) -> str | None:
        if value is None or value == "":
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
            raise SpiderArgumentError(f"base_url={value!r}: expected scheme and host only, e.g. http://127.0.0.1:8000")
        return f"{parts.scheme}://{parts.netloc}"

    @staticmethod
    def _check_limit(value: str | None) -> int | None:
        if value is None or value == "":
            return None
        try:
            number = int(value)
        except ValueError:
            number = -1
        if number < 1:
            raise SpiderArgumentError(f"limit={value!r}: expected a whole number of cases >= 1")
        return number

    @staticmethod
    def _check_yes_no(name: str, value: str | bool) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _YES:
            return True
        if text in _NO:
            return False
        raise SpiderArgumentError(f"{name}={value!r}: expected yes or no")

    #: The names the user gave ``cases`` and ``cases_file`` under (the publications spider: dois, ids_file).
    cases_argument, cases_file_argument = "cases", "cases_file"

    def _check_cases(self, cases: str | None, cases_file: str | None) -> list[str]:
        refs: list[str] = []
        #: where each reference was given, for an error about it: the argument, or the file and its line
        given: list[str] = []
        if cases:
            refs += [c.strip() for c in cases.split(",") if c.strip()]
            given += [self.cases_argument] * len(refs)
        if cases_file:
            path = Path(cases_file)
            named = f"{self.cases_file_argument}={cases_file!r}"
            if not path.exists():
                raise SpiderArgumentError(f"{named}: no such file")
            if not path.is_file():
                raise SpiderArgumentError(f"{named}: not a regular file (a directory, device or pipe); "
                                          "give a text file, one case URL, slug or number per line")
            try:
                with open(path, "rb") as handle:
                    text = handle.read(MAX_CASES_FILE_BYTES + 1).decode("utf-8")
            except UnicodeDecodeError:
                raise SpiderArgumentError(f"{named}: not a text file (UTF-8, one case URL, slug or "
                                          "number per line)") from None
            except OSError as exc:
                raise SpiderArgumentError(f"{named}: cannot be read ({exc.strerror or exc})") from None
            if len(text) > MAX_CASES_FILE_BYTES or "\x00" in text:
                raise SpiderArgumentError(f"{named}: not a list of cases (binary or over "
                                          f"{MAX_CASES_FILE_BYTES:,} bytes); one case URL, slug or number per line")
            for number, line in enumerate(text.splitlines(), 1):
                line = line.split("#", 1)[0].strip()
                if line:
                    refs.append(line)
                    given.append(f"{named}, line {number}")
            if not refs:
                raise SpiderArgumentError(f"{named}: no case in the file")
        if cases is not None and not refs:
            raise SpiderArgumentError(f"{self.cases_argument}: empty list")
        for ref, where in zip(refs, given):
            try:
                self.case_url(ref)
            except ValueError as exc:
                fix = "; correct or remove the line" if where != self.cases_argument else ""
                raise SpiderArgumentError(f"{where}: {ref!r} is not a {self.name} case ({exc}){fix}") from None
        return list(dict.fromkeys(refs))

    # --- navigation helpers --------------------------------------------------------------------

    @property
    def shared_run(self) -> SharedRun | None:
        recorder = crawl_recorder(self.crawler)
        return recorder.shared_run if recorder is not None else None

    @property
    def limit_reached(self) -> bool:
        """``limit`` counts the case pages fetched (across the workers of a shared run: parsed)."""
        if self.limit is not None and self.shared_run is not None:
            return self.shared_run.shared_limit_reached(self.limit)
        return self.limit is not None and self.cases_fetched >= self.limit

    def take_case_fetch(self) -> bool:
        """Count one case page about to be fetched; False once ``limit`` pages were (it is then
        dropped unfetched). Called by IncrementalMiddleware, after known cases are skipped. A
        shared run limits at parse time instead (``count_case_parsed``), across its workers."""
        if self.limit is None or self.shared_run is not None:
            return True
        if self.cases_fetched >= self.limit:
            return False
        self.cases_fetched += 1
        return True

    def case_request(self, url: str, callback: Callable, key: str | None = None, **meta: Any) -> Request:
        """A request for a case page, marked so IncrementalMiddleware can skip a known one.

        Case pages go before further result pages (priority), so a crawl finishes cases as it goes
        (a killed crawl has staged whole cases, and memory stays flat).
        """
        canonical = self.canonical_case_url(url)
        if (canonical or url) not in self._requested_cases:  # the dupefilter drops a repeated link
            self._requested_cases.add(canonical or url)
            self.crawler.stats.inc_value("cases/requested")
        meta.setdefault("case_ref", url)
        return Request(
            url,
            callback=callback,
            errback=self.case_failed,
            priority=10,
            meta={"case_url": canonical, "case_key": key, "handle_httpstatus_list": [304, 404, 410],
                  # bounds the text every parser pattern sees (a case page is well under a megabyte)
                  "download_maxsize": self.settings.getint("PAGE_MAX_BYTES") or 0, **meta},
        )

    def requests_for_case_refs(self, callback: Callable) -> list[Request]:
        """The case pages named with ``-a cases=`` / ``-a cases_file=``."""
        return [self.case_request(self.case_url(ref), callback, key=self.case_key(ref), case_ref=ref)
                for ref in self.case_refs]

    def reached_by(self, response: Response) -> list[str]:
        """The names that reached this case page (the reference given, the URL asked before a
        redirect, the page's own URL): staging resolves them to the case's one identity."""
        return [name for name in (response.meta.get("case_ref"), response.meta.get("case_url"),
                                  self.real_url(response)) if name]

    def follow_results(self, page: Any, url: str, case_request: Callable[[str], Request],
                       next_request: Callable[[str], Request], query: str | None = None):
        """A search or listing page's cases (until ``limit``), then its next page.

        A case another search of this run already listed is not requested again."""
        self.crawler.stats.inc_value("search/pages")
        if not page.case_urls:
            logger.warning("results page without cases: %s", url)
        for case_url in page.case_urls:
            if self.limit_reached:
                return
            canonical = self.canonical_case_url(case_url) or case_url
            if canonical in self.listed_by:
                self.crawler.stats.inc_value("search/listed_again")
                continue
            self.listed_by[canonical] = query or ""
            yield case_request(case_url)
        if page.next_url and not self.limit_reached:
            yield next_request(page.next_url)

    def search_query_of(self, record: CaseRecord, response: Response) -> None:
        """Record which search listed the case (none for a case given with ``-a cases=``)."""
        canonical = self.canonical_case_url(self.real_url(response)) or self.real_url(response)
        query = self.listed_by.get(canonical) or self.listed_by.get(self.canonical_case_url(record.url) or record.url)
        if query:
            record.extra["search_query"] = query

    def real_url(self, response: Response) -> str:
        """The real site's URL of a response (the mirror's URL is an address, not an identity)."""
        return response.meta.get("real_url", response.url)

    def count_case_parsed(self) -> bool:
        """Count a case page parsed; False once ``limit`` is reached (the page is then left alone).
        Alone, case pages are limited when fetched (``take_case_fetch``) and a paper of the
        publications spider, fetched in several steps, here; a shared run limits here."""
        if self.limit is not None and self.shared_run is not None:
            over = self.limit_reached or self.shared_run.count_case() > self.limit
        else:
            over = self.limit is not None and self.cases_parsed >= self.limit
        if over:
            self.crawler.stats.inc_value("cases/over_limit")
            return False
        self.cases_parsed += 1
        return True

    def answered_without_page(self, response: Response) -> bool:
        """304 (unchanged since the stored validators) and 404/410 (gone) are answers, not pages."""
        if response.status == 304:
            self.crawler.stats.inc_value("cases/not_modified")
            logger.info("unchanged since last crawl (304): %s", self.real_url(response))
            return True
        if response.status in (404, 410):
            self.crawler.stats.inc_value("cases/missing")
            logger.info("case page gone (%d): %s", response.status, self.real_url(response))
            return True
        return False

    def case_failed(self, failure) -> None:
        """A case page that could not be had: counted as failed, with why (``cases/failed/<reason>``);
        a block page as ``cases/failed_blocked`` (one of the summary's failures, see crawl_summary)."""
        if failure.request.meta.get("blocked"):
            self.crawler.stats.inc_value("cases/failed_blocked")
        reason = failure_reason(failure)
        if reason is None:
            return
        self.crawler.stats.inc_value("cases/failed")
        self.crawler.stats.inc_value(f"cases/failed/{reason}")
        url = failure.request.meta.get("real_url", failure.request.url)
        logger.error("case page failed (%s): %s: %s", reason, url, failure.getErrorMessage()[:300])

    def document(self, response: Response) -> FetchedPage:
        """The fetched page as the pipelines store it (body in the media store, validators in the DB)."""
        header = lambda name: (response.headers.get(name) or b"").decode("latin-1") or None  # noqa: E731
        return FetchedPage(url=self.real_url(response), status=response.status, body=response.body,
                           content_type=header("Content-Type"),
                           etag=header("ETag"), last_modified=header("Last-Modified"))

    def with_documents(self, record: CaseRecord, documents: list[FetchedPage]) -> CaseRecord:
        record.documents = documents
        return record

    def page_cases(self, records: list[CaseRecord], documents: list[FetchedPage]):
        """The records of one page, each with the page's documents; when a page yields several
        cases, the page remembers all their keys, so that it counts as known only once every one
        of them is staged (``staging.service.incomplete_page_keys``)."""
        if len(records) > 1 and documents:
            documents[0].case_keys = [record.source_key for record in records]
        for record in records:
            yield self.with_documents(record, documents)

    async def start(self) -> AsyncIterator[Any]:  # pragma: no cover - abstract
        raise NotImplementedError
        yield
