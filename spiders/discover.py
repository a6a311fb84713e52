"""Discovery: papers the dataset may lack, from Europe PMC's search or from lists maintainers have.

``scrapy crawl discover [-a query=EUROPE_PMC_QUERY] [-a since=YYYY-MM-DD] [-a limit=N]``
``scrapy crawl discover -a file=metadata.csv[,litcovid.tsv,...] [-a kind=cord19|litcovid|who|ids]``
``scrapy crawl discover -a ids=10.1148/radiol.2020200463,PMC7151400,32157862``
(each also ``[-a figures=no] [-a base_url=http://127.0.0.1:PORT]``)

1. Search: Europe PMC REST ``/search`` with ``resultType=core``, ``format=json``, pages of 1,000
   followed by ``cursorMark`` until the cursor stops moving (the default query:
   ``ingest.literature.DEFAULT_QUERY``). Lists: a CORD-19 ``metadata.csv``, a LitCovid TSV, a WHO
   COVID-19 database CSV, or a text file of identifiers (the kind is sniffed from the first line).
2. Identifiers a list gives alone are completed: a PII through Crossref's ``alternative-id``
   filter (its DOI), then every paper lacking a DOI, PMID or PMCID or its metadata through one
   Europe PMC search per 50 papers (``DOI:"..." OR EXT_ID:... AND SRC:MED OR PMCID:...``), which
   answers the three identifiers, licence, publication types and open-access flag together.
3. Open-access papers with a PMCID: Europe PMC ``fullTextXML``, read by ``ingest.jats`` (the
   publications spider's parser) for the figure captions (``ingest.ranking.figure_note``) and the
   patients named; ``-a figures=no`` skips it.
4. Each paper is ranked (``ingest.ranking``) and handed to ``discovery.pipeline``, which stores it
   as a candidate and answers "already have it?".
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import scrapy
from scrapy import Request
from scrapy.http import Response

from ingest.identifiers import PaperIds, canonical_doi, canonical_pii, parse_identifier
from ingest.jats import NoFullText, parse_jats
from ingest.literature import (
    DEFAULT_QUERY,
    LIST_READERS,
    FoundPaper,
    NotThisFormat,
    europepmc_query,
    europepmc_search_url,
    parse_europepmc_search,
    sniff_list_kind,
)
from ingest.pages import ParseError
from ingest.publication_ids import crossref_pii_url, europe_pmc_xml_url
from ingest.ranking import figure_note, rank_found
from spiders.base import CaseSpider, SpiderArgumentError

logger = logging.getLogger(__name__)

#: Papers per Europe PMC look-up of a list (keeps the URL well under common limits).
LOOKUP_BATCH = 50


def lookup_query(papers: list[FoundPaper]) -> str:
    """One Europe PMC query naming every identifier of ``papers``."""
    terms = []
    for paper in papers:
        if paper.ids.doi:
            terms.append(f'DOI:"{paper.ids.doi}"')
        if paper.ids.pmcid:
            terms.append(f"PMCID:{paper.ids.pmcid}")
        if paper.ids.pmid:
            terms.append(f"(EXT_ID:{paper.ids.pmid} AND SRC:MED)")
    return " OR ".join(dict.fromkeys(terms))


class DiscoverSpider(scrapy.Spider):
    name = "discover"
    # --- read by the pipeline (discovery.pipeline) ---
    source = "discover"
    # Candidates, not cases: their own pipeline; the case pipelines have nothing to do here.
    custom_settings = {"ITEM_PIPELINES": {"discovery.pipeline.CandidatePipeline": 300}}
    #: One discovery run per database (crawl_summary.CrawlRecorder takes the crawl lock): two would
    #: rank the same papers twice.
    one_run_per_database = True

    def __init__(self, *args, query: str | None = None, since: str | None = None, file: str | None = None,
                 kind: str | None = None, ids: str | None = None, limit: str | None = None, figures: str = "yes",
                 base_url: str | None = None, **kwargs):
        unknown = sorted(k for k in kwargs if k != "name")
        if unknown:
            raise SpiderArgumentError(f"unknown argument(s) {', '.join(unknown)}: "
                                      "expected query, since, file, kind, ids, limit, figures, base_url")
        super().__init__(*args, **kwargs)
        self.base_url = CaseSpider._check_base_url(base_url)
        self.limit = CaseSpider._check_limit(limit)
        self.read_figures = CaseSpider._check_yes_no("figures", figures)
        self.since = self._check_since(since)
        if (file or ids) and query:
            raise SpiderArgumentError("give either a search (-a query=) or a list (-a file= / -a ids=), not both")
        self.query = (query or DEFAULT_QUERY).strip()
        self.listed = self._read_lists(file, kind) + self._read_ids(ids)
        self.arguments = {k: v for k, v in {"query": query, "since": since, "file": file, "kind": kind, "ids": ids,
                                           "limit": limit, "figures": figures, "base_url": base_url}.items()
                          if v is not None}
        self.today = date.today()
        self.results = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        try:
            spider = super().from_crawler(crawler, *args, **kwargs)
        except SpiderArgumentError as exc:
            logger.error("%s: bad argument: %s", cls.name, exc)
            raise SystemExit(f"scrapy crawl {cls.name}: bad argument: {exc}") from None
        return spider

    # --- arguments -------------------------------------------------------------------------------

    @staticmethod
    def _check_since(value: str | None) -> str:
        if not value:
            return ""
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise SpiderArgumentError(f"since={value!r}: expected a date YYYY-MM-DD") from None

    @staticmethod
    def _read_lists(files: str | None, kind: str | None) -> list[FoundPaper]:
        if kind is not None and kind not in LIST_READERS:
            raise SpiderArgumentError(f"kind={kind!r}: expected one of {', '.join(LIST_READERS)}")
        papers: list[FoundPaper] = []
        for name in [f.strip() for f in (files or "").split(",") if f.strip()]:
            path = Path(name)
            if not path.is_file():
                raise SpiderArgumentError(f"file={name!r}: no such file")
            try:
                text = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise SpiderArgumentError(f"file={name!r}: not UTF-8 text (export it as UTF-8 CSV/TSV/text)") from None
            reader = LIST_READERS[kind or sniff_list_kind(path.name, text[:4000])]
            try:
                reading = reader(text, path.name)
            except NotThisFormat as exc:
                raise SpiderArgumentError(f"file={name!r}: {exc}") from None
            for line, why in reading.skipped:
                logger.warning("%s, line %d skipped: %s", path.name, line, why)
            if not reading.papers:
                raise SpiderArgumentError(f"file={name!r}: names no paper")
            papers += reading.papers
        return papers

    @staticmethod
    def _read_ids(ids: str | None) -> list[FoundPaper]:
        papers = []
        for given in [i.strip() for i in (ids or "").split(",") if i.strip()]:
            try:
                papers.append(FoundPaper(ids=parse_identifier(given), found_by=f"given: {given}"))
            except ValueError as exc:
                raise SpiderArgumentError(f"ids: {exc}") from None
        return papers

    # --- navigation --------------------------------------------------------------------------------

    def real_url(self, response: Response) -> str:
        return response.meta.get("real_url", response.url)

    async def start(self):
        if not self.listed:
            query = europepmc_query(self.query, self.since)
            yield self.search_request(query, "*", "search")
            return
        for paper in self.listed:
            if paper.ids.pii and not paper.ids.doi:
                yield Request(crossref_pii_url(paper.ids.pii), callback=self.parse_crossref_pii,
                              errback=self.step_failed, cb_kwargs={"paper": paper}, dont_filter=True)
        for request in self.lookups([p for p in self.listed if not (p.ids.pii and not p.ids.doi)]):
            yield request

    def search_request(self, query: str, cursor: str, purpose: str, papers: list[FoundPaper] | None = None) -> Request:
        return Request(europepmc_search_url(query, cursor), callback=self.parse_search, errback=self.step_failed,
                       dont_filter=True, cb_kwargs={"query": query, "purpose": purpose, "papers": papers or []})

    def lookups(self, papers: list[FoundPaper]):
        """Europe PMC look-ups for list papers (identifiers and metadata); the rest go on as they are."""
        wanted = [p for p in papers if p.ids.doi or p.ids.pmid or p.ids.pmcid]
        for paper in papers:
            if not (paper.ids.doi or paper.ids.pmid or paper.ids.pmcid):
                yield from self.full_text(paper)
        for start in range(0, len(wanted), LOOKUP_BATCH):
            batch = wanted[start:start + LOOKUP_BATCH]
            yield self.search_request(lookup_query(batch), "*", "lookup", batch)

    def parse_search(self, response: Response, query: str, purpose: str, papers: list[FoundPaper]):
        try:
            page = parse_europepmc_search(response.body, query if purpose == "search" else "lookup")
        except NotThisFormat as exc:
            logger.error("Europe PMC answer not usable (%s): %s", exc, self.real_url(response))
            self.crawler.stats.inc_value("discover/errors")
            if purpose == "lookup":
                for paper in papers:
                    yield from self.full_text(paper)
            return
        if purpose == "lookup":
            yield from self.completed(papers, page.papers)
            return
        self.crawler.stats.set_value("discover/hit_count", page.hit_count)
        for paper in page.papers:
            if self.limit is not None and self.results >= self.limit:
                return
            self.results += 1
            self.crawler.stats.inc_value("discover/results")
            yield from self.full_text(paper)
        if page.next_cursor and (self.limit is None or self.results < self.limit):
            yield self.search_request(query, page.next_cursor, "search")

    def completed(self, papers: list[FoundPaper], answers: list[FoundPaper]):
        """Each list paper with the identifiers and metadata Europe PMC answered for it."""
        for paper in papers:
            match = next((a for a in answers if a.ids.keys() & paper.ids.keys()), None)
            if match is None:
                self.crawler.stats.inc_value("discover/not_in_europepmc")
            else:
                paper.ids = paper.ids.merged(match.ids)
                for name in ("title", "journal", "authors", "published", "license", "abstract"):
                    setattr(paper, name, getattr(paper, name) or getattr(match, name))
                paper.pub_types = paper.pub_types or match.pub_types
                paper.open_access = match.open_access if paper.open_access is None else paper.open_access
            yield from self.full_text(paper)

    def parse_crossref_pii(self, response: Response, paper: FoundPaper):
        try:
            items = json.loads(response.body)["message"]["items"]
        except (ValueError, KeyError, TypeError):
            items = []
        dois = {canonical_doi(str(i.get("DOI") or "")) for i in items
                if paper.ids.pii in {canonical_pii(str(a)) for a in i.get("alternative-id") or []}} - {""}
        if len(dois) == 1:
            paper.ids = paper.ids.merged(PaperIds(doi=dois.pop()))
        else:
            self.crawler.stats.inc_value("discover/pii_unresolved")
            logger.info("PII %s: Crossref names %d works with it; kept as given", paper.ids.pii, len(dois))
        yield from self.lookups([paper])

    def full_text(self, paper: FoundPaper):
        if self.read_figures and paper.ids.pmcid and paper.open_access is not False:
            yield Request(europe_pmc_xml_url(paper.ids.pmcid), callback=self.parse_full_text, errback=self.step_failed,
                          cb_kwargs={"paper": paper}, dont_filter=True, priority=10,
                          meta={"handle_httpstatus_list": [404]})
            return
        yield rank_found(paper, None, self.today)

    def parse_full_text(self, response: Response, paper: FoundPaper):
        if response.status != 200:
            yield rank_found(paper, None, self.today)
            return
        try:
            article = parse_jats(response.body, self.real_url(response))
        except (NoFullText, ParseError) as exc:
            logger.info("%s: no full text to read (%s)", paper.ids.pmcid, exc)
            yield rank_found(paper, None, self.today)
            return
        self.crawler.stats.inc_value("discover/full_text_read")
        figures = [figure_note(f.label, f.caption) for f in article.figures]
        paper.license = paper.license or article.license
        yield rank_found(paper, figures, self.today, text=" ".join(article.paragraphs[:3]))

    def step_failed(self, failure):
        request = failure.request
        logger.warning("discover: %s failed: %s", request.url, failure.getErrorMessage())
        self.crawler.stats.inc_value("discover/errors")
        paper = request.cb_kwargs.get("paper")
        if paper is not None:
            yield rank_found(paper, None, self.today)
        for paper in request.cb_kwargs.get("papers") or []:
            yield rank_found(paper, None, self.today)
