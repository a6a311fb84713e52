"""What a maintainer names a paper by (DOI, PMCID, article or PDF URL) -> one canonical reference.

Pure. DOIs and PMCIDs are compared in canonical form (``ingest.identifiers``, the one module for
every form of a paper's identifiers). Also the URLs the publications spider asks, built from the ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

from ingest.identifiers import canonical_doi, canonical_pmcid  # noqa: F401 - re-exported to the spider

CROSSREF_WORK = "https://api.crossref.org/works/{doi}"
DOI_RESOLVER = "https://doi.org/{doi}"
PMC_ARTICLE = "https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"
EUROPE_PMC_XML = "https://www.ebi.ac.uk/europepmc/webservices/rest/{pmcid}/fullTextXML"
NCBI_EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pmc&id={number}&retmode=xml"

_PMCID_IN_URL = re.compile(r"/(PMC\d+)(?:/|$)", re.I)
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_PMC_HOSTS = {"pmc.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "europepmc.org", "www.europepmc.org"}


@dataclass(frozen=True)
class PaperRef:
    """One paper as given: ``kind`` is how to start (doi, pmcid, url = an article page, pdf)."""

    kind: str
    given: str
    doi: str = ""
    pmcid: str = ""
    url: str = ""


def _is_pdf_path(path: str) -> bool:
    return bool(re.search(r"(?:\.pdf|/pdf|/pdf/[^/]*)/?$", path, re.I)) or "/content/pdf/" in path


def parse_paper_reference(text: str) -> PaperRef:
    """Classify one input line. Raises ValueError for what names no paper."""
    given = (text or "").strip()
    if not given:
        raise ValueError("empty reference")
    pmcid = canonical_pmcid(given)
    if pmcid:
        return PaperRef("pmcid", given, pmcid=pmcid)
    if re.match(r"^https?://", given, re.I):
        parts = urlsplit(given)
        host = (parts.hostname or "").lower()
        url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
        doi = canonical_doi(given)
        if host in _DOI_HOSTS:
            if not doi:
                raise ValueError("a doi.org link without a DOI")
            return PaperRef("doi", given, doi=doi)
        in_url = _PMCID_IN_URL.search(parts.path)
        pmc = in_url.group(1).upper() if in_url and host in _PMC_HOSTS else ""
        if _is_pdf_path(parts.path):
            return PaperRef("pdf", given, doi=doi, pmcid=pmc, url=url)
        if pmc:
            return PaperRef("pmcid", given, pmcid=pmc)
        return PaperRef("url", given, doi=doi, url=url)
    doi = canonical_doi(given)
    if doi and re.match(r"^(?:doi:\s*)?10\.", given, re.I):
        return PaperRef("doi", given, doi=doi)
    raise ValueError("expected a DOI (10.xxxx/...), a PMCID (PMC123) or an article/PDF URL")


def crossref_work_url(doi: str) -> str:
    # The DOI is one path segment: its slash is encoded (site-notes §4.6).
    return CROSSREF_WORK.format(doi=quote(doi, safe=""))


def doi_url(doi: str) -> str:
    return DOI_RESOLVER.format(doi=quote(doi, safe="/:;()"))


def pmc_article_url(pmcid: str) -> str:
    return PMC_ARTICLE.format(pmcid=pmcid)


def europe_pmc_xml_url(pmcid: str) -> str:
    return EUROPE_PMC_XML.format(pmcid=pmcid)


def efetch_url(pmcid: str) -> str:
    # efetch takes the number without the PMC prefix (site-notes §4.2).
    return NCBI_EFETCH.format(number=pmcid.upper().removeprefix("PMC"))
