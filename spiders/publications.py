"""Figures of published papers: DOIs, PMCIDs, article or PDF URLs -> one case per patient.

``scrapy crawl publications -a dois=10.1016/j.radcr.2020.05.017,PMC7251234,https://... [-a ids_file=PATH]
[-a recrawl=yes] [-a limit=N] [-a base_url=http://127.0.0.1:PORT]``

``-a candidates=accepted`` crawls the papers accepted with ``scrapy candidates accept`` (their
PMCID, else DOI, else URL). ``ids_file`` holds one reference per line (``#`` comments), as
maintainers collect them from suggestions. A paper any of whose names (DOI, PMCID, PMID, PII, URL:
``ingest/identity.py``) is in the released dataset or already staged is skipped, before any request
when the name is given, as soon as it is learnt otherwise; ``-a recrawl=yes`` fetches a staged one
again, never a released one. Whichever name comes first, the cases are keyed by the paper's one key
(``staging/identity.py``). A paper of several patients is known only once every patient shown in a
figure is staged (a crawl killed between two, a patient whose figure failed: the next crawl fetches
the paper again).

Each paper is one chain of requests, one at a time, carrying what was learnt (``PaperState``):

1. Crossref ``api.crossref.org/works/<doi>``: title, journal, date, ``license[]``, ``link[]``
   (a 404 is "not a Crossref DOI", not a failure);
2. the landing page: ``doi.org/<doi>`` (redirects followed), the PMC article page of a PMCID, or
   the URL given; its ``citation_*``/``dc.*`` tags give the DOI, the PMCID, ``citation_pdf_url``
   and the figures at their largest size; a page showing no figure but a "Figures" tab of its own
   has them read from that tab (step ``figures-tab``); one showing its full text in a frame (OJS'
   HTML galley) has it read from the frame (``article-frame``); one naming no PDF but an OJS PDF
   galley has the galley's viewer page name it (``pdf-galley``). A refusal (RSNA's 403) ends only this step;
3. when a PMCID is known: Europe PMC's ``fullTextXML``, else NCBI efetch. Metadata-only XML (an
   article outside the open-access subset) is recognised as "no full text";
4. when no figure with an image URL was found: the PDF (``citation_pdf_url``, Crossref's PDF links,
   or the PDF given); a body not starting with ``%PDF-`` is rejected and the next candidate tried;
   figures come from ``ingest.pdf_figures``;
5. a figure the page shows only as a thumbnail linked to its own page (``figure/F1/``,
   ``/doi/figure/``, ``/figures/1``): that page, for the large image (``ingest.publisher.figure_page_image``);
6. each figure with one image and several sub-captions is fetched and split
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
from scrapy.http import Response, TextResponse
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from crawl_summary import crawl_database
from db.session import session_scope
from discovery.store import ACCEPTED, list_candidates, paper_reference
from ingest.crossref import CrossrefWork, parse_crossref_work
from ingest.figure_kinds import Verdict, pixel_kind
from ingest.identity import site_identity
from ingest.jats import Article, NoFullText, parse_jats
from ingest.pages import ParseError
from ingest.panels import PanelSplit, split_figure, split_panels
from ingest.paper_media import (
    as_supplement,
    assemble_article,
    attach_media,
    figures_with_urls,
    needs_split,
    pdf_article_figures,
    supplement_pdfs_to_read,
)
from ingest.papers import SOURCE, cases_from_article
from ingest.pdf_figures import NotAPdf, PdfFigure, extract_pdf_figures, pdf_paragraphs
from ingest.publication_ids import (
    PaperRef,
    canonical_doi,
    crossref_pii_url,
    crossref_work_url,
    doi_url,
    efetch_url,
    europe_pmc_search_url,
    europe_pmc_xml_url,
    idconv_url,
    parse_paper_reference,
    pmc_article_url,
)
from ingest.publisher import figure_page_image, parse_article_html, pdf_viewer_file
from ingest.records import FetchedPage
from ingest.resolve import (
    Ids,
    Resolution,
    parse_crossref_pii,
    parse_europe_pmc_search,
    parse_idconv,
    url_as_curators_write,
)
from middlewares import BlockedResponse
from spiders.base import CaseSpider, SpiderArgumentError
from staging.identity import IdentityIndex, load_index, prepare_identities
from staging.service import incomplete_page_keys

logger = logging.getLogger(__name__)

#: Answers a step reads itself rather than treating as failures.
_ANSWERS = [404, 410]


@dataclass
class PaperState:
    """What one paper's chain has learnt so far."""

    ref: PaperRef
    doi: str = ""
    pmcid: str = ""
    pmid: str = ""
    #: Europe PMC's search's "inPMC" ("N": its text is Europe PMC's only), "" when not asked.
    in_pmc: str = ""
    crossref: CrossrefWork | None = None
    #: The publisher's article page, and PMC's (separately: each is a route of its own).
    html: Article | None = None
    pmc_html: Article | None = None
    jats: Article | None = None
    jats_route: str = ""
    jats_meta: Article | None = None
    landing_url: str = ""
    pdf_candidates: list[str] = field(default_factory=list)
    pdf_url: str = ""
    pdf_figures: list[PdfFigure] = field(default_factory=list)
    #: A supplementary PDF read for the patient figures the article does not show, and its figures.
    supplement_url: str = ""
    supplement_figures: list[PdfFigure] = field(default_factory=list)
    figure_bytes: dict[str, bytes] = field(default_factory=dict)
    splits: dict[int, PanelSplit] = field(default_factory=dict)
    documents: list[FetchedPage] = field(default_factory=list)
    done: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    resolution: Resolution = field(default_factory=Resolution)
    #: Figure number -> why its pixels are not a patient image of the chest.
    verdicts: dict[int, Verdict] = field(default_factory=dict)
    pdf_paragraphs: list[str] = field(default_factory=list)
    #: A figure's own page (the article showed a thumbnail) -> the large image it shows.
    figure_pages: dict[str, str] = field(default_factory=dict)


def _page_text(response: Response) -> str | bytes:
    """The page's text as Scrapy decoded it; the bytes of an answer that is not text (an image where
    a page was expected has no ``.text``): the parser then finds no article in it."""
    return response.text if isinstance(response, TextResponse) else response.body


def _look_at_figure(image_bytes: bytes, named_panels: int) -> tuple[Verdict | None, PanelSplit | None]:
    """Whether a figure's pixels are a patient image, and its panels (as many as the caption
    letters; any number when it letters none)."""
    verdict = pixel_kind(image_bytes)
    if verdict is not None:
        return verdict, None
    return None, split_figure(image_bytes, named_panels)


class PublicationsSpider(CaseSpider):
    name = "publications"
    # --- read by CaseSpider and the pipelines ---
    source = SOURCE
    # No allowed_domains: papers live on any publisher's host, and every request is one we chose
    # (Crossref links, doi.org redirects, citation_pdf_url), not a followed page link.

    def __init__(self, *args, dois: str | None = None, ids_file: str | None = None, candidates: str | None = None,
                 **kwargs):
        if candidates is not None and candidates != "accepted":
            raise SpiderArgumentError(f"candidates={candidates!r}: expected candidates=accepted "
                                      "(the papers accepted with `scrapy candidates accept`)")
        #: -a candidates=accepted: the accepted candidates are read from the database in start().
        self.from_candidates = candidates == "accepted"
        if dois is None and ids_file is None and not self.from_candidates and kwargs.get("cases") is None \
                and kwargs.get("cases_file") is None:
            raise SpiderArgumentError("give the papers: -a dois=DOI,PMCID,URL,... or -a ids_file=PATH (one per line) "
                                      "or -a candidates=accepted")
        kwargs.setdefault("cases", dois)
        kwargs.setdefault("cases_file", ids_file)
        # errors about them name the arguments as given
        self.cases_argument = "dois" if dois is not None else "cases"
        self.cases_file_argument = "ids_file" if ids_file is not None else "cases_file"
        super().__init__(*args, **kwargs)
        self.arguments.update({k: v for k, v in {"dois": dois, "ids_file": ids_file, "candidates": candidates}.items()
                               if v is not None})
        #: Names of the papers already staged or released (staging/identity.py), loaded when the crawl starts.
        self.identities: IdentityIndex | None = None
        #: Canonical DOI -> the input of this run that crawls it.
        self.claimed: dict[str, str] = {}
        #: Papers for which no route gave figures, with each route's answer (the crawl summary).
        self.no_copy: list[tuple[str, str]] = []

    # --- CaseSpider's hooks ---

    def canonical_case_url(self, value: str) -> str | None:
        return None  # papers are known by their names (see known_papers), not by a case URL

    def case_url(self, reference: str) -> str:
        parse_paper_reference(reference)  # raises ValueError for what names no paper
        return reference

    # --- what is already known ---

    def known_papers(self) -> None:
        """The names of the papers already released or staged (aliases of one paper key each)."""
        engine = crawl_database(self.crawler)
        prepare_identities(engine)
        with session_scope(engine) as session:
            self.identities = load_index(session, self.source)
            # a paper some of whose patients are not staged yet is not known (staging.service.incomplete_page_keys)
            self.identities.staged -= incomplete_page_keys(session, self.source)
        logger.info("publications: %d papers already released, %d staged", len(self.identities.released),
                    len(self.identities.staged))

    def paper_aliases(self, state: PaperState) -> list[str]:
        """Every name of the paper learnt so far (ingest/identity.py: DOI, PMCID, PMID, PII, URL)."""
        site = site_identity(self.source)
        names = [state.ref.given, state.doi, state.pmcid, f"PMID:{state.pmid}" if state.pmid else "", state.ref.url,
                 state.landing_url]
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
        with session_scope(crawl_database(self.crawler)) as session:
            refs = [paper_reference(c) for c in list_candidates(session, ACCEPTED)]
        logger.info("publications: %d accepted candidates", len(refs))
        return [r for r in refs if r]

    async def start(self):
        self.known_papers()
        if self.from_candidates:
            self.case_refs = list(dict.fromkeys([*self.case_refs, *self.accepted_candidates()]))
        for given in self.case_refs:
            ref = parse_paper_reference(given)
            self.crawler.stats.inc_value("cases/requested")
            state = PaperState(ref=ref, doi=ref.doi, pmcid=ref.pmcid, pmid=ref.pmid)
            if ref.kind == "pdf":
                # The PDF given is the copy: its identifiers are still looked up (DOI, licence).
                state.pdf_candidates.append(ref.url)
                state.done.update({"efetch-xml", "europepmc-xml", "pmc-html", "landing"})
            elif ref.kind == "url":
                state.landing_url = ref.url
            if (state.doi or state.pmcid or ref.kind in ("url", "pdf")) and self.is_known(state):
                continue
            for request in self.next_step(state):
                yield request

    def _request(self, url: str, callback, state: PaperState, step: str, **meta: Any) -> Request:
        return Request(url, callback=callback, errback=self.step_failed, priority=10, dont_filter=True,
                       cb_kwargs={"state": state}, meta={"step": step, "handle_httpstatus_list": _ANSWERS, **meta})

    def _once(self, state: PaperState, step: str) -> bool:
        """True the first time a step is asked for (each step runs at most once per paper)."""
        if step in state.done:
            return False
        state.done.add(step)
        return True

    def next_step(self, state: PaperState):
        """The next request of the paper's chain, or its cases when nothing is left to fetch.

        Identifiers first (they name the open copies), then the copies cheapest and most open
        first: PMC's JATS (efetch, then Europe PMC), PMC's article page, the publisher's page, the
        PDF. A copy that has the figures ends the search; a refusal moves on to the next one.
        """
        for step in (self._identifier_request, self._pmc_request, self._publisher_request, self._pdf_request,
                     self._figure_request):
            request = step(state)
            if request is not None:
                yield request
                return
        yield from self.finish(state, self.article(state))

    def _identifier_request(self, state: PaperState) -> Request | None:
        """The identifier services' next question: a PII's DOI, an article URL's page, the ID converter, Europe
        PMC's search, Crossref."""
        ref = state.ref
        if ref.pii and not state.doi and self._once(state, "pii"):
            return self._request(crossref_pii_url(ref.pii), self.parse_pii, state, "pii")
        if ref.kind == "url" and not (state.doi or state.pmcid) and self._once(state, "landing"):
            return self._request(state.landing_url, self.parse_landing, state, "publisher-html")
        asked = state.pmcid or state.doi or state.pmid
        if asked and not (state.doi and state.pmcid) and self._once(state, "idconv"):
            return self._request(idconv_url(asked), self.parse_idconv, state, "idconv")
        if not state.pmcid and (state.doi or state.pmid) and self._once(state, "europepmc-search"):
            return self._request(europe_pmc_search_url(doi=state.doi, pmid=state.pmid), self.parse_search, state,
                                 "europepmc-search")
        if state.doi and self._once(state, "crossref"):
            return self._request(crossref_work_url(state.doi), self.parse_crossref, state, "crossref")
        return None

    def _pmc_request(self, state: PaperState) -> Request | None:
        """PMC's copies: the JATS (efetch, then Europe PMC when efetch had none), then PMC's article page."""
        if state.pmcid and self._once(state, "efetch-xml"):
            return self._request(efetch_url(state.pmcid), self.parse_xml, state, "efetch-xml")
        if state.pmcid and state.jats is None and self._once(state, "europepmc-xml"):
            return self._request(europe_pmc_xml_url(state.pmcid), self.parse_xml, state, "europepmc-xml")
        if state.pmcid and self._once(state, "pmc-html"):
            # The JATS figures' image URLs are best taken from PMC's page (blob CDN); without JATS
            # (outside the open-access subset) PMC's page may still show the figures.
            return self._request(pmc_article_url(state.pmcid), self.parse_pmc_html, state, "pmc-html")
        return None

    def _publisher_request(self, state: PaperState) -> Request | None:
        """The publisher's copy when PMC's showed no figure: its landing page, then the pages it points to."""
        if not figures_with_urls(self.article(state)) and state.ref.kind != "pdf" and self._once(state, "landing"):
            url = state.landing_url or (doi_url(state.doi) if state.doi else "")
            if url:
                return self._request(url, self.parse_landing, state, "publisher-html")
        extra = state.html.extra if state.html is not None else {}
        tab = extra.get("figures_tab", "")
        if tab and not figures_with_urls(self.article(state)) and self._once(state, "figures-tab"):
            # A landing page showing no figure but a "Figures" tab: the figures are on that page.
            return self._request(tab, self.parse_figures_tab, state, "figures-tab")
        frame = extra.get("article_frame", "")
        if frame and not figures_with_urls(self.article(state)) and self._once(state, "article-frame"):
            # The page shows its article in a frame (OJS' HTML galley): its figures and text are there.
            return self._request(frame, self.parse_article_frame, state, "article-frame")
        galley = extra.get("pdf_galley", "")
        if galley and not figures_with_urls(self.article(state)) and self._once(state, "pdf-galley"):
            # No citation_pdf_url, only OJS's PDF galley link: its viewer page names the PDF.
            return self._request(galley, self.parse_pdf_galley, state, "pdf-galley")
        return None

    def _pdf_request(self, state: PaperState) -> Request | None:
        """The PDF when no HTML or JATS copy showed a figure: the article's own link, then Crossref's."""
        article = self.article(state)
        if figures_with_urls(article) or state.pdf_figures:
            return None
        for candidate in [article.pdf_url, *(state.crossref.pdf_urls if state.crossref else [])]:
            if candidate and candidate not in state.pdf_candidates and f"pdf:{candidate}" not in state.done:
                state.pdf_candidates.append(candidate)
        for candidate in state.pdf_candidates:
            if self._once(state, f"pdf:{candidate}"):
                return self._request(candidate, self.parse_pdf, state, "pdf")
        return None

    def _figure_request(self, state: PaperState) -> Request | None:
        """The figures' own pages and images: a figure's page, a compound figure to split, a supplement's PDF
        holding the patient's films (the article's figures all charts...)."""
        article = self.article(state)
        for figure in article.figures:
            page = figure.extra.get("figure_page")
            if page and self._once(state, f"figure-page:{page}"):
                return self._request(page, self.parse_figure_page, state, "figure-page", figure_page=page)
        for number, url, _panels in needs_split(article):
            if self._once(state, f"figure:{url}"):
                return self._request(url, self.parse_figure, state, "figure", figure_number=number)
        if not state.supplement_figures:
            for url in supplement_pdfs_to_read(article, state.pdf_figures, state.verdicts):
                if self._once(state, f"supplement-pdf:{url}"):
                    return self._request(url, self.parse_supplement, state, "supplement-pdf")
        return None

    def article(self, state: PaperState) -> Article:
        pmc = state.pmc_html if state.pmc_html is not None and state.pmc_html.figures else None
        html = pmc or state.html or state.pmc_html
        article = assemble_article(jats=state.jats, jats_meta=state.jats_meta, html=html, crossref=state.crossref,
                                   landing_url=state.landing_url)
        for figure in article.figures:
            large = state.figure_pages.get(figure.extra.get("figure_page", ""))
            if large and large not in figure.image_urls:
                figure.image_urls.insert(0, large)
        return article

    def learn(self, state: PaperState, article: Article | Ids) -> bool:
        """Take the DOI/PMCID/PMID an answer names; False when the paper turns out to be known."""
        learnt = False
        if article.pmcid and not state.pmcid:
            state.pmcid, learnt = article.pmcid, True
        if article.pmid and not state.pmid:
            state.pmid, learnt = str(article.pmid), True
        if article.doi and not state.doi:
            state.doi, learnt = canonical_doi(article.doi) or article.doi.lower(), True
        return not (learnt and self.is_known(state))

    def keep(self, state: PaperState, response: Response) -> None:
        state.documents.append(self.document(response))

    def trail(self, state: PaperState, response: Response, outcome: str) -> None:
        state.resolution.add(response.meta.get("step", ""), self.real_url(response), response.status, outcome)

    # --- callbacks: each reads one answer, then asks next_step ---

    def parse_pii(self, response: Response, state: PaperState):
        ids = self._ids(response, state, parse_crossref_pii, pii=state.ref.pii)
        if ids is not None and not self.learn(state, ids):
            return
        yield from self.next_step(state)

    def parse_idconv(self, response: Response, state: PaperState):
        ids = self._ids(response, state, parse_idconv)
        if ids is not None and not self.learn(state, ids):
            return
        yield from self.next_step(state)

    def parse_search(self, response: Response, state: PaperState):
        ids = self._ids(response, state, parse_europe_pmc_search, doi=state.doi, pmid=state.pmid)
        if ids is not None and ids.pmcid:
            state.in_pmc = ids.in_pmc
        if ids is not None and not self.learn(state, ids):
            return
        yield from self.next_step(state)

    def _ids(self, response: Response, state: PaperState, parse, **context) -> Ids | None:
        url = self.real_url(response)
        if response.status != 200:
            self.trail(state, response, f"HTTP {response.status}")
            return None
        try:
            ids = parse(response.body, url, **context)
        except ParseError as exc:
            self.trail(state, response, f"unreadable answer ({exc})")
            logger.warning("identifier service answer not usable: %s", exc)
            return None
        found = ", ".join(v for v in (ids.pmcid, ids.doi) if v)
        self.trail(state, response, found if ids.pmcid or not ids.error else ids.error)
        return ids

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

    async def parse_landing(self, response: Response, state: PaperState):
        url = self.real_url(response)
        if response.status == 200 and response.body.startswith(b"%PDF-"):
            # The address answered the article's PDF itself (a link or a DOI that resolves straight
            # to it): read as the paper's PDF, not fetched again.
            state.done.add(f"pdf:{url}")
            async for request in self.parse_pdf(response, state):
                yield request
            return
        for request in self._landing(response, state, url):
            yield request

    def _landing(self, response: Response, state: PaperState, url: str):
        if response.status == 200:
            try:
                state.html = parse_article_html(_page_text(response), url)
            except ParseError as exc:
                self.crawler.stats.inc_value("papers/landing_unusable")
                self.trail(state, response, f"not usable ({exc})")
                logger.warning("landing page not usable: %s", exc)
            else:
                state.landing_url = url
                self.trail(state, response, f"{figures_with_urls(state.html)} figures")
                self.keep(state, response)
                if not self.learn(state, state.html):
                    return
        else:
            self.trail(state, response, f"HTTP {response.status}")
            logger.info("landing page answered HTTP %d: %s", response.status, url)
            if not self.learn_from_address(state, url):
                return
        yield from self.next_step(state)

    def learn_from_address(self, state: PaperState, url: str) -> bool:
        """The DOI named by the address a refused landing page answered from, when the address the user gave names
        none and redirected there (Hindawi's old article address -> Wiley Online Library's ``/doi/10.1155/...``, a
        robot challenge): the identifiers then find the paper's open copies. False when the paper turns out to be
        known."""
        if state.doi or state.pmcid or not url or url == state.ref.url:
            return True
        try:
            named = parse_paper_reference(url)
        except ValueError:
            return True
        if not named.doi:
            return True
        state.doi = canonical_doi(named.doi) or named.doi.lower()
        logger.info("the landing address %s answered from %s: DOI %s", state.ref.given, url, state.doi)
        return not self.is_known(state)

    def _article_part(self, response: Response, state: PaperState) -> Article | None:
        """A page of the article the landing page showed (its figures tab, the frame of its full text),
        read without the landing page's meta tags; None (and the answer in the trail) when unusable."""
        if response.status != 200 or state.html is None:
            self.trail(state, response, f"HTTP {response.status}")
            return None
        try:
            part = parse_article_html(_page_text(response), self.real_url(response), part_of_article=True)
        except ParseError as exc:
            self.trail(state, response, f"not usable ({exc})")
            return None
        self.trail(state, response, f"{figures_with_urls(part)} figures")
        self.keep(state, response)
        return part

    def parse_figures_tab(self, response: Response, state: PaperState):
        """The article's figures tab: its figures join the landing page's text (the rows' url stays
        the landing page's, where the article is)."""
        tab = self._article_part(response, state)
        if tab is not None:
            state.html.figures = tab.figures
            if tab.extra.get("article_frame"):
                state.html.extra["article_frame"] = tab.extra["article_frame"]
        yield from self.next_step(state)

    def parse_article_frame(self, response: Response, state: PaperState):
        """The frame holding the article (OJS' HTML galley): its figures, and its paragraphs after the
        landing page's (an abstract page: the patient is described in the full text only). The rows'
        url stays the landing page's."""
        frame = self._article_part(response, state)
        if frame is not None:
            state.html.figures = frame.figures
            state.html.paragraphs += [p for p in frame.paragraphs if p not in state.html.paragraphs]
        yield from self.next_step(state)

    def parse_pmc_html(self, response: Response, state: PaperState):
        if response.status == 200:
            try:
                state.pmc_html = parse_article_html(_page_text(response), self.real_url(response))
            except ParseError as exc:
                self.trail(state, response, f"not usable ({exc})")
                logger.warning("PMC article page not usable: %s", exc)
            else:
                self.trail(state, response, f"{figures_with_urls(state.pmc_html)} figures")
                self.keep(state, response)
                if not self.learn(state, state.pmc_html):
                    return
        else:
            self.trail(state, response, f"HTTP {response.status}")
        yield from self.next_step(state)

    def parse_xml(self, response: Response, state: PaperState):
        url = self.real_url(response)
        if response.status != 200:
            self.trail(state, response, f"HTTP {response.status}")
            yield from self.next_step(state)
            return
        try:
            jats = parse_jats(response.body, url)
        except NoFullText as exc:
            self.crawler.stats.inc_value("papers/no_full_text")
            self.trail(state, response, "metadata only (no <body>: outside the open-access subset)")
            state.notes.append("no full text: metadata-only JATS (outside the open-access subset)")
            logger.info("no full text for %s: %s", state.pmcid, exc)
            state.jats_meta = state.jats_meta or exc.article
            self.keep(state, response)
            if exc.article is not None and not self.learn(state, exc.article):
                return
        except ParseError as exc:
            self.trail(state, response, f"unreadable ({exc})")
            logger.warning("JATS not usable: %s", exc)
        else:
            state.jats, state.jats_route = jats, response.meta["step"]
            self.trail(state, response, f"full text, {len(jats.figures)} figures")
            self.keep(state, response)
            if not self.learn(state, state.jats):
                return
        yield from self.next_step(state)

    async def parse_pdf(self, response: Response, state: PaperState):
        url = self.real_url(response)
        figures = await self._pdf_figures(response, state)
        if figures is not None:
            state.pdf_url, state.pdf_figures = url, figures
            state.pdf_paragraphs = await deferred_to_future(threads.deferToThread(pdf_paragraphs, response.body))
            await self._look_at_pdf_figures(state, figures)
        for request in self.next_step(state):
            yield request

    async def parse_pdf_galley(self, response: Response, state: PaperState):
        """OJS's PDF galley: the viewer page naming the PDF (then a PDF candidate), or the PDF itself (read
        as a landing address answering the PDF is)."""
        if response.status == 200 and response.body.startswith(b"%PDF-"):
            async for request in self.parse_landing(response, state):
                yield request
            return
        url = self.real_url(response)
        pdf = pdf_viewer_file(_page_text(response), url) if response.status == 200 else ""
        self.trail(state, response, f"viewer of {pdf}" if pdf else f"HTTP {response.status}, no PDF named")
        if pdf and pdf not in state.pdf_candidates:
            state.pdf_candidates.append(pdf)
        for request in self.next_step(state):
            yield request

    async def parse_supplement(self, response: Response, state: PaperState):
        """A supplementary PDF: its figures join the article's as S1, S2...; its text is not read
        (the case description, ages and dates are the article's)."""
        url = self.real_url(response)
        figures = await self._pdf_figures(response, state)
        if figures:
            state.supplement_url, state.supplement_figures = url, as_supplement(figures, url)
            self.crawler.stats.inc_value("papers/supplement_pdf_figures", len(figures))
            await self._look_at_pdf_figures(state, figures)
        for request in self.next_step(state):
            yield request

    async def _pdf_figures(self, response: Response, state: PaperState) -> list[PdfFigure] | None:
        """The figures of a PDF answer; None for a refusal or a body that is no PDF (recorded)."""
        url = self.real_url(response)
        if response.status != 200:
            self.trail(state, response, f"HTTP {response.status}")
            return None
        try:
            figures = await deferred_to_future(threads.deferToThread(extract_pdf_figures, response.body))
        except NotAPdf as exc:
            self.crawler.stats.inc_value("papers/pdf_rejected")
            self.trail(state, response, f"not a PDF ({exc})")
            logger.warning("not a PDF, rejected: %s (%s)", url, exc)
            return None
        self.keep(state, response)
        self.trail(state, response, f"{len(figures)} figures")
        self.crawler.stats.inc_value("papers/pdf_figures", len(figures))
        return figures

    async def _look_at_pdf_figures(self, state: PaperState, figures: list[PdfFigure]) -> None:
        """Pixel verdicts (charts, photos...) and panel splits of a PDF's figures, by figure number."""
        for pdf in figures:
            verdict = await deferred_to_future(threads.deferToThread(pixel_kind, pdf.image_bytes))
            if verdict is not None:
                state.verdicts[pdf.number] = verdict
        for figure in pdf_article_figures(figures):
            if len(figure.panel_captions) >= 2 and figure.number not in state.verdicts:
                pdf = next(f for f in figures if f.number == figure.number)
                split = await deferred_to_future(threads.deferToThread(split_panels, pdf.image_bytes,
                                                                       len(figure.panel_captions)))
                state.splits[figure.number] = split
                self.crawler.stats.inc_value("papers/panels_split" if split.reliable
                                             else "papers/panels_not_split")

    def parse_figure_page(self, response: Response, state: PaperState):
        """A figure's own page: its large image replaces the article's thumbnail (a refusal or a
        page without one keeps the thumbnail)."""
        url = self.real_url(response)
        if response.status == 200:
            try:
                large = figure_page_image(_page_text(response), url)
            except ParseError as exc:
                self.trail(state, response, f"not usable ({exc})")
            else:
                self.trail(state, response, large or "no image")
                if large:
                    state.figure_pages[response.meta["figure_page"]] = large
        else:
            self.trail(state, response, f"HTTP {response.status}")
        yield from self.next_step(state)

    async def parse_figure(self, response: Response, state: PaperState):
        url, number = self.real_url(response), response.meta["figure_number"]
        if response.status == 200:
            named = next((n for num, u, n in needs_split(self.article(state)) if num == number), 0)
            try:
                verdict, split = await deferred_to_future(threads.deferToThread(_look_at_figure, response.body, named))
            except Exception as exc:  # noqa: BLE001 - an unreadable figure is the media pipeline's to reject
                logger.warning("figure %s not read (%s): %s", number, exc, url)
            else:
                state.figure_bytes[url] = response.body
                if verdict is not None:
                    state.verdicts[number] = verdict
                    self.crawler.stats.inc_value("papers/figures_left_out")
                elif split is not None:
                    state.splits[number] = split
                    self.crawler.stats.inc_value("papers/panels_split" if split.reliable
                                                 else "papers/panels_not_split")
        for item in self.next_step(state):
            yield item

    def step_failed(self, failure):
        """A refused or failed step ends that step only; the paper goes on with what it has."""
        request = failure.request
        state: PaperState = request.cb_kwargs["state"]
        step = request.meta.get("step")
        reason = (f"refused ({failure.value.reason})" if isinstance(failure.value, BlockedResponse)
                  else failure.getErrorMessage())
        state.resolution.add(step, request.meta.get("real_url", request.url), None, reason)
        if not failure.check(IgnoreRequest):
            logger.warning("%s step failed for %s: %s", step, state.doi or state.ref.given, failure.getErrorMessage())
        if step == "publisher-html" and not self.learn_from_address(state, request.meta.get("real_url", request.url)):
            return
        yield from self.next_step(state)

    # --- the cases ---

    def route_of(self, state: PaperState, article: Article) -> None:
        """Which copy gave the figures (``state.resolution.route``) and its URLs."""
        resolution = state.resolution
        if state.jats is not None and state.jats.figures and article.figures:
            resolution.route = state.jats_route
            resolution.route_urls = [s.url for s in resolution.steps
                                     if s.step == state.jats_route and s.status == 200][-1:]
            if state.pmc_html is not None and state.pmc_html.figures:
                resolution.route_urls.append(state.pmc_html.url)
        elif state.pmc_html is not None and figures_with_urls(state.pmc_html):
            resolution.route, resolution.route_urls = "pmc-html", [state.pmc_html.url]
        elif state.html is not None and figures_with_urls(state.html):
            resolution.route, resolution.route_urls = "publisher-html", [state.html.url]
        elif state.pdf_figures:
            resolution.route, resolution.route_urls = "pdf", [state.pdf_url]

    def with_supplement(self, state: PaperState, article: Article) -> None:
        """The supplementary PDF's figures join the article's (after them, as S1, S2...): the route
        is ``supplement-pdf`` (the article's copy, then the PDF); the rows' url stays the article's
        page; the PDF is no longer among the files skipped."""
        article.figures = article.figures + pdf_article_figures(state.supplement_figures)
        resolution = state.resolution
        resolution.route = "supplement-pdf"
        resolution.route_urls = [*resolution.route_urls, state.supplement_url]
        name = state.supplement_url.rsplit("/", 1)[-1]
        skipped = [s for s in article.extra.get("supplementary_skipped", ()) if s.get("file") != name]
        article.extra["supplementary_skipped"] = skipped
        if not skipped:
            del article.extra["supplementary_skipped"]

    def no_open_copy(self, state: PaperState) -> None:
        reason = state.resolution.why_no_copy()
        self.crawler.stats.inc_value("cases/failed")
        self.crawler.stats.inc_value("papers/no_figures")
        self.crawler.stats.inc_value("papers/no_open_copy")
        self.no_copy.append((state.doi or state.ref.given, reason))
        logger.warning("paper not staged, no open copy with figures: %s (%s)", state.doi or state.ref.given, reason)

    def finish(self, state: PaperState, article: Article):
        if not self.count_case_parsed():
            return
        if not article.figures and not state.pdf_figures and not state.supplement_figures:
            self.no_open_copy(state)
            return
        # What the input itself said, when no answer did (a PDF given alone).
        article.doi = article.doi or state.doi
        article.pmcid = article.pmcid or state.pmcid
        from_pdf = bool(state.pdf_figures) and not figures_with_urls(article)
        if from_pdf:
            article.figures = pdf_article_figures(state.pdf_figures)
        if not article.paragraphs or (from_pdf and state.pdf_paragraphs):
            # The figures' PDF is the paper's text too: a landing page that shows no figure shows
            # its abstract at most, not the case description the offsets and patients come from.
            article.paragraphs = list(state.pdf_paragraphs) or article.paragraphs
        self.route_of(state, article)
        article.url = url_as_curators_write(state.resolution.route, pmcid=article.pmcid,
                                            landing_url=state.html.url if state.html is not None else "",
                                            pdf_url=state.pdf_url, in_pmc=state.in_pmc,
                                            pmid=str(article.pmid or state.pmid or "")) or article.url or state.ref.url
        if state.supplement_figures:
            self.with_supplement(state, article)
        self.crawler.stats.inc_value(f"papers/route/{state.resolution.route}")
        pdf_figures = state.pdf_figures + state.supplement_figures
        records = cases_from_article(article, crossref=state.crossref, pdf_figures=pdf_figures,
                                     panel_splits=state.splits, figure_verdicts=state.verdicts)
        attach_media(records, pdf_url=state.pdf_url, pdf_figures=pdf_figures, figure_bytes=state.figure_bytes,
                     splits=state.splits)
        provenance = state.resolution.provenance()
        shown = []
        for record in records:
            if not record.images:
                # A patient the text numbers but no figure shows: nothing to stage.
                self.crawler.stats.inc_value("papers/patients_without_figures")
                logger.info("%s: no figure shows this patient, not staged", record.source_key)
                continue
            shown.append(record)
        for record in shown:
            record.extra["input"] = state.ref.given
            record.extra["resolution"] = provenance
            for image in record.images:
                image.extra["route"] = provenance["route"]
                image.extra["route_urls"] = provenance["route_urls"]
            record.aliases += [name for name in (state.ref.given, state.landing_url, state.pmcid,
                                                 f"PMID:{state.pmid}" if state.pmid else "") if name]
            if state.notes:
                record.extra["crawl_notes"] = list(state.notes)
            self.crawler.stats.inc_value("cases/parsed")
        # A paper of several patients counts as known only once every one is staged (a crawl killed
        # between two, a patient whose figure failed: the next crawl fetches the paper again).
        yield from self.page_cases(shown, state.documents)

    def closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats()
        routes = {k.removeprefix("papers/route/"): v for k, v in stats.items() if k.startswith("papers/route/")}
        logger.info("papers by route: %s; no open copy: %d",
                    ", ".join(f"{r} {n}" for r, n in sorted(routes.items())) or "none", len(self.no_copy))
        for given, why in self.no_copy:
            logger.info("  no open copy: %s (%s)", given, why)
