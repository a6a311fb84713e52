"""Figures of published papers: DOIs, PMCIDs, article or PDF URLs -> one case per patient.

``scrapy crawl publications -a dois=10.1016/j.radcr.2020.05.017,PMC7251234,https://... [-a ids_file=PATH]
[-a recrawl=yes] [-a limit=N] [-a base_url=http://127.0.0.1:PORT]``

``-a candidates=accepted`` crawls the papers accepted with ``scrapy candidates accept`` (their
PMCID, else DOI, else URL). ``ids_file`` holds one reference per line (``#`` comments), as maintainers collect them from
suggestions. A paper any of whose names (DOI, PMCID, PMID, PII, URL: ``ingest/identity.py``) is
in the released dataset or already staged is skipped, before any request when the name is given,
as soon as it is learnt otherwise; ``-a recrawl=yes`` fetches a staged one again, never a released
one. Whichever name comes first, the cases are keyed by the paper's one key (``db/identity.py``).

Each paper is one chain of requests, one at a time, carrying what was learnt (``PaperState``):

1. Crossref ``api.crossref.org/works/<doi>``: title, journal, date, ``license[]``, ``link[]``
   (a 404 is "not a Crossref DOI", not a failure);
2. the landing page: ``doi.org/<doi>`` (redirects followed), the PMC article page of a PMCID, or
   the URL given; its ``citation_*``/``dc.*`` tags give the DOI, the PMCID, ``citation_pdf_url``
   and the figures at their largest size. A refusal (RSNA's 403) ends only this step;
3. when a PMCID is known: Europe PMC's ``fullTextXML``, else NCBI efetch. Metadata-only XML (an
   article outside the open-access subset) is recognised as "no full text";
4. when no figure with an image URL was found: the PDF (``citation_pdf_url``, Crossref's PDF links,
   or the PDF given); a body not starting with ``%PDF-`` is rejected and the next candidate tried;
   figures come from ``ingest.pdf_figures``;
5. each figure with one image and several sub-captions is fetched and split
   (``ingest.panels.split_panels``); a split that is not reliable keeps the whole figure, flagged.

Then ``ingest.papers.cases_from_article`` makes the cases and ``ingest.paper_media.attach_media``
gives PDF figures and panels their bytes and source URLs. Parsing is all in ``ingest/``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from db.identity import IdentityIndex, load_index, prepare_identities
from db.session import database_url, open_database, session_scope
from discovery.store import ACCEPTED, list_candidates, paper_reference
from ingest.crossref import CrossrefWork, parse_crossref_work
from ingest.identity import site_identity
from ingest.jats import Article, NoFullText, parse_jats
from ingest.pages import ParseError
from ingest.panels import PanelSplit, split_panels
from ingest.paper_media import assemble_article, attach_media, figures_with_urls, needs_split, pdf_article_figures
from ingest.papers import SOURCE, cases_from_article
from ingest.pdf_figures import NotAPdf, PdfFigure, extract_pdf_figures
from ingest.publication_ids import (
    PaperRef,
    canonical_doi,
    crossref_work_url,
    doi_url,
    efetch_url,
    europe_pmc_xml_url,
    parse_paper_reference,
    pmc_article_url,
)
from ingest.publisher import parse_article_html
from spiders.base import CaseSpider, SpiderArgumentError

logger = logging.getLogger(__name__)

#: Answers a step reads itself rather than treating as failures.
_ANSWERS = [404, 410]


@dataclass
class PaperState:
    """What one paper's chain has learnt so far."""

    ref: PaperRef
    doi: str = ""
    pmcid: str = ""
    crossref: CrossrefWork | None = None
    html: Article | None = None
    jats: Article | None = None
    jats_meta: Article | None = None
    landing_url: str = ""
    pdf_candidates: list[str] = field(default_factory=list)
    pdf_url: str = ""
    pdf_figures: list[PdfFigure] = field(default_factory=list)
    figure_bytes: dict[str, bytes] = field(default_factory=dict)
    splits: dict[int, PanelSplit] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


class PublicationsSpider(CaseSpider):
    name = "publications"
    # --- read by CaseSpider and the pipelines ---
    source = SOURCE
    # No allowed_domains: papers live on any publisher's host, and every request is one we chose
    # (Crossref links, doi.org redirects, citation_pdf_url), not a followed page link.

    def __init__(self, *args, dois: str | None = None, ids_file: str | None = None, candidates: str | None = None, **kwargs):
        if candidates is not None and candidates != "accepted":
            raise SpiderArgumentError(f"candidates={candidates!r}: expected candidates=accepted (the papers accepted with "
                                      "`scrapy candidates accept`)")
        #: -a candidates=accepted: the accepted candidates are read from the database in start().
        self.from_candidates = candidates == "accepted"
        if dois is None and ids_file is None and not self.from_candidates and kwargs.get("cases") is None \
                and kwargs.get("cases_file") is None:
            raise SpiderArgumentError("give the papers: -a dois=DOI,PMCID,URL,... or -a ids_file=PATH (one per line) "
                                      "or -a candidates=accepted")
        kwargs.setdefault("cases", dois)
        kwargs.setdefault("cases_file", ids_file)
        super().__init__(*args, **kwargs)
        self.arguments.update({k: v for k, v in {"dois": dois, "ids_file": ids_file, "candidates": candidates}.items()
                               if v is not None})
        #: Names of the papers already staged or released (db/identity.py), loaded when the crawl starts.
        self.identities: IdentityIndex | None = None
        #: Canonical DOI -> the input of this run that crawls it.
        self.claimed: dict[str, str] = {}

    # --- CaseSpider's hooks ---

    def canonical_case_url(self, value: str) -> str | None:
        return None  # papers are known by their names (see known_papers), not by a case URL

    def case_url(self, reference: str) -> str:
        parse_paper_reference(reference)  # raises ValueError for what names no paper
        return reference

    # --- what is already known ---

    def known_papers(self) -> None:
        """The names of the papers already released or staged (aliases of one paper key each)."""
        engine = open_database(database_url(self.crawler.settings))
        prepare_identities(engine)
        with session_scope(engine) as session:
            self.identities = load_index(session, self.source)
        engine.dispose()
        logger.info("publications: %d papers already released, %d staged", len(self.identities.released), len(self.identities.staged))

    def paper_aliases(self, state: PaperState) -> list[str]:
        """Every name of the paper learnt so far (ingest/identity.py: DOI, PMCID, PMID, PII, URL)."""
        site = site_identity(self.source)
        names = [state.ref.given, state.doi, state.pmcid, state.ref.url, state.landing_url]
        return list(dict.fromkeys(a for name in names if name for a in site.reference_aliases(name)))

    def is_known(self, state: PaperState) -> bool:
        """Skip a released paper (always), a staged one (unless recrawl), and a paper another input
        of this run already took."""
        doi = canonical_doi(state.doi) if state.doi else ""
        owner = self.claimed.get(doi) if doi else None
        if owner is not None and owner != state.ref.given:
            self.crawler.stats.inc_value("cases/skipped_duplicate_input")
            logger.info("paper %s is named twice in this run (%s, %s): crawled once", doi, owner, state.ref.given)
            return True
        known = self.identities.find(self.paper_aliases(state)) if self.identities is not None else None
        if known is not None and known.released:
            self.crawler.stats.inc_value("cases/skipped_released")
            logger.info("already released, skipped: %s (paper %s)", doi or state.ref.given, known.key)
            return True
        if known is not None and not self.recrawl:
            self.crawler.stats.inc_value("cases/skipped_known")
            logger.info("already staged, skipped (-a recrawl=yes to fetch it again): %s", doi or state.ref.given)
            return True
        if doi:
            self.claimed[doi] = state.ref.given
        return False

    # --- navigation ---

    def accepted_candidates(self) -> list[str]:
        """The references of the candidates a maintainer accepted (discovery), best first."""
        engine = open_database(database_url(self.crawler.settings))
        with session_scope(engine) as session:
            refs = [paper_reference(c) for c in list_candidates(session, ACCEPTED)]
        engine.dispose()
        logger.info("publications: %d accepted candidates", len(refs))
        return [r for r in refs if r]

    async def start(self):
        self.known_papers()
        if self.from_candidates:
            self.case_refs = list(dict.fromkeys([*self.case_refs, *self.accepted_candidates()]))
        for given in self.case_refs:
            ref = parse_paper_reference(given)
            self.crawler.stats.inc_value("cases/requested")
            state = PaperState(ref=ref, doi=ref.doi, pmcid=ref.pmcid)
            if ref.kind == "pdf":
                state.pdf_candidates.append(ref.url)
                state.done.update({"landing", "xml"})
            elif ref.kind == "url":
                state.landing_url = ref.url
            if (state.doi or state.pmcid or ref.kind in ("url", "pdf")) and self.is_known(state):
                continue
            for request in self.next_step(state):
                yield request

    def _request(self, url: str, callback, state: PaperState, step: str, **meta: Any) -> Request:
        return Request(url, callback=callback, errback=self.step_failed, priority=10, dont_filter=True,
                       cb_kwargs={"state": state}, meta={"step": step, "handle_httpstatus_list": _ANSWERS, **meta})

    def next_step(self, state: PaperState):
        """The next request of the paper's chain, or its cases when nothing is left to fetch."""
        if state.doi and "crossref" not in state.done:
            state.done.add("crossref")
            yield self._request(crossref_work_url(state.doi), self.parse_crossref, state, "crossref")
            return
        if "landing" not in state.done:
            state.done.add("landing")
            url = state.landing_url or (pmc_article_url(state.pmcid) if state.pmcid else doi_url(state.doi) if state.doi else "")
            if url:
                yield self._request(url, self.parse_landing, state, "landing")
                return
        if state.pmcid and "xml" not in state.done:
            state.done.add("xml")
            yield self._request(europe_pmc_xml_url(state.pmcid), self.parse_xml, state, "xml", fallback=efetch_url(state.pmcid))
            return
        article = self.article(state)
        if not figures_with_urls(article) and not state.pdf_figures:
            for candidate in [article.pdf_url, *(state.crossref.pdf_urls if state.crossref else [])]:
                if candidate and candidate not in state.pdf_candidates and f"pdf:{candidate}" not in state.done:
                    state.pdf_candidates.append(candidate)
            for candidate in state.pdf_candidates:
                if f"pdf:{candidate}" not in state.done:
                    state.done.add(f"pdf:{candidate}")
                    yield self._request(candidate, self.parse_pdf, state, "pdf")
                    return
        for number, url, _panels in needs_split(article):
            if f"figure:{url}" not in state.done:
                state.done.add(f"figure:{url}")
                yield self._request(url, self.parse_figure, state, "figure", figure_number=number)
                return
        yield from self.finish(state, article)

    def article(self, state: PaperState) -> Article:
        return assemble_article(jats=state.jats, jats_meta=state.jats_meta, html=state.html, crossref=state.crossref,
                                landing_url=state.landing_url)

    def learn(self, state: PaperState, article: Article) -> bool:
        """Take the DOI/PMCID an answer names; False when the paper turns out to be known."""
        learnt = False
        if article.pmcid and not state.pmcid:
            state.pmcid, learnt = article.pmcid, True
        if article.doi and not state.doi:
            state.doi, learnt = canonical_doi(article.doi) or article.doi.lower(), True
        return not (learnt and self.is_known(state))

    def keep(self, state: PaperState, response: Response) -> None:
        state.documents.append(self.document(response))

    # --- callbacks: each reads one answer, then asks next_step ---

    def parse_crossref(self, response: Response, state: PaperState):
        if response.status == 200:
            try:
                state.crossref = parse_crossref_work(response.body, as_of=date.today(), url=self.real_url(response))
                self.keep(state, response)
            except ParseError as exc:
                logger.warning("Crossref answer not usable for %s: %s", state.doi, exc)
        else:
            state.notes.append(f"not in Crossref (HTTP {response.status})")
            logger.info("%s: not a Crossref DOI (HTTP %d)", state.doi, response.status)
        yield from self.next_step(state)

    def parse_landing(self, response: Response, state: PaperState):
        url = self.real_url(response)
        if response.status == 200:
            try:
                state.html = parse_article_html(response.text, url)
            except ParseError as exc:
                self.crawler.stats.inc_value("papers/landing_unusable")
                logger.warning("landing page not usable: %s", exc)
            else:
                state.landing_url = url
                self.keep(state, response)
                if not self.learn(state, state.html):
                    return
        else:
            logger.info("landing page answered HTTP %d: %s", response.status, url)
        yield from self.next_step(state)

    def parse_xml(self, response: Response, state: PaperState):
        url = self.real_url(response)
        fallback = response.meta.get("fallback")
        if response.status != 200:
            if fallback:
                yield self._request(fallback, self.parse_xml, state, "xml")
                return
            yield from self.next_step(state)
            return
        try:
            state.jats = parse_jats(response.body, url)
        except NoFullText as exc:
            self.crawler.stats.inc_value("papers/no_full_text")
            state.notes.append("no full text: metadata-only JATS (outside the open-access subset)")
            logger.info("no full text for %s: %s", state.pmcid, exc)
            state.jats_meta = exc.article
            self.keep(state, response)
            if exc.article is not None and not self.learn(state, exc.article):
                return
        except ParseError as exc:
            logger.warning("JATS not usable: %s", exc)
            if fallback:
                yield self._request(fallback, self.parse_xml, state, "xml")
                return
        else:
            self.keep(state, response)
            if not self.learn(state, state.jats):
                return
        yield from self.next_step(state)

    async def parse_pdf(self, response: Response, state: PaperState):
        url = self.real_url(response)
        if response.status == 200:
            try:
                figures = await deferred_to_future(threads.deferToThread(extract_pdf_figures, response.body))
            except NotAPdf as exc:
                self.crawler.stats.inc_value("papers/pdf_rejected")
                logger.warning("not a PDF, rejected: %s (%s)", url, exc)
            else:
                self.keep(state, response)
                state.pdf_url, state.pdf_figures = url, figures
                self.crawler.stats.inc_value("papers/pdf_figures", len(figures))
                for figure in pdf_article_figures(figures):
                    if len(figure.panel_captions) >= 2:
                        pdf = next(f for f in figures if f.number == figure.number)
                        split = await deferred_to_future(threads.deferToThread(split_panels, pdf.image_bytes, len(figure.panel_captions)))
                        state.splits[figure.number] = split
                        self.crawler.stats.inc_value("papers/panels_split" if split.reliable else "papers/panels_not_split")
        for request in self.next_step(state):
            yield request

    async def parse_figure(self, response: Response, state: PaperState):
        url, number = self.real_url(response), response.meta["figure_number"]
        if response.status == 200:
            expected = next((n for num, u, n in needs_split(self.article(state)) if num == number), None)
            try:
                split = await deferred_to_future(threads.deferToThread(split_panels, response.body, expected))
            except Exception as exc:  # noqa: BLE001 - an unreadable figure is the media pipeline's to reject
                logger.warning("figure %s not split (%s): %s", number, exc, url)
            else:
                state.figure_bytes[url] = response.body
                state.splits[number] = split
                self.crawler.stats.inc_value("papers/panels_split" if split.reliable else "papers/panels_not_split")
        for item in self.next_step(state):
            yield item

    def step_failed(self, failure):
        """A refused or failed step ends that step only; the paper goes on with what it has."""
        request = failure.request
        state: PaperState = request.cb_kwargs["state"]
        step = request.meta.get("step")
        if not failure.check(IgnoreRequest):
            logger.warning("%s step failed for %s: %s", step, state.doi or state.ref.given, failure.getErrorMessage())
        if step == "xml" and request.meta.get("fallback"):
            yield self._request(request.meta["fallback"], self.parse_xml, state, "xml")
            return
        yield from self.next_step(state)

    # --- the cases ---

    def finish(self, state: PaperState, article: Article):
        if not self.count_case_parsed():
            return
        if not article.figures and not state.pdf_figures:
            self.crawler.stats.inc_value("cases/failed")
            self.crawler.stats.inc_value("papers/no_figures")
            reason = "; ".join(state.notes) or "no figure in the article page, XML or PDF"
            logger.warning("paper not staged, no figures found: %s (%s)", state.doi or state.ref.given, reason)
            return
        # What the input itself said, when no answer did (a PDF given alone).
        article.doi = article.doi or state.doi
        article.pmcid = article.pmcid or state.pmcid
        article.url = article.url or state.pdf_url or state.ref.url
        if state.pdf_figures and not figures_with_urls(article):
            article.figures = pdf_article_figures(state.pdf_figures)
        records = cases_from_article(article, crossref=state.crossref, pdf_figures=state.pdf_figures, panel_splits=state.splits)
        attach_media(records, pdf_url=state.pdf_url, pdf_figures=state.pdf_figures, figure_bytes=state.figure_bytes, splits=state.splits)
        for record in records:
            if not record.images:
                # A patient the text numbers but no figure shows: nothing to stage.
                self.crawler.stats.inc_value("papers/patients_without_figures")
                logger.info("%s: no figure shows this patient, not staged", record.source_key)
                continue
            record.extra["input"] = state.ref.given
            record.aliases += [name for name in (state.ref.given, state.landing_url, state.pmcid) if name]
            if state.notes:
                record.extra["crawl_notes"] = list(state.notes)
            self.crawler.stats.inc_value("cases/parsed")
            yield self.with_documents(record, state.documents)
