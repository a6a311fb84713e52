"""What a maintainer names a paper by (DOI, PMCID, article or PDF URL) -> one canonical reference.

Pure. DOIs and PMCIDs are compared in canonical form (``ingest.identifiers``, the one module for
every form of a paper's identifiers). Also the URLs the publications spider asks, built from the ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ingest.identifiers import canonical_doi, canonical_pii, canonical_pmcid, given_pii, pmid_in_url

CROSSREF_WORK = "https://api.crossref.org/works/{doi}"
DOI_RESOLVER = "https://doi.org/{doi}"
PMC_ARTICLE = "https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"
EUROPE_PMC_XML = "https://www.ebi.ac.uk/europepmc/webservices/rest/{pmcid}/fullTextXML"
NCBI_EFETCH = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pmc&id={number}&retmode=xml"
#: The current ID converter; the old ``/pmc/utils/idconv/v1.0/`` 301-redirects and breaks JSON
#: parsing (docs/site-notes.md §4.1).
PMC_IDCONV = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?{query}"
EUROPE_PMC_SEARCH = "https://www.ebi.ac.uk/europepmc/webservices/rest/search?{query}"
CROSSREF_BY_PII = "https://api.crossref.org/works?{query}"

_PMCID_IN_URL = re.compile(r"/(PMC\d+)(?:/|$)", re.I)
_PMID = re.compile(r"^(?:pmid\s*:?\s*)?(\d{6,9})$", re.I)
_PII_IN_URL = re.compile(r"/pii/(S[\dX()\-]{15,22})(?:[/?#]|$)", re.I)
_DOI_HOSTS = {"doi.org", "dx.doi.org", "www.doi.org"}
_PMC_HOSTS = {"pmc.ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "europepmc.org", "www.europepmc.org"}
#: An address copied without its scheme ("doi.org/10.1000/x", "pubmed.ncbi.nlm.nih.gov/123/"): a host
#: name whose last label is letters (a DOI's "10.1016/" prefix is digits), then a path.
_SCHEMELESS_ADDRESS = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*$", re.I)
#: What a citation leaves around a number copied out of it: "PMID: 33180022;", "PMC7180044.", "(PMID 123)".
#: Never stripped from a DOI (a DOI may end in ")"): ``canonical_doi`` knows its own end.
_CITATION_PUNCTUATION = " .,;:()[]"
#: In a whole reference, a DOI (bare, "doi:", "https://doi.org/"), a PMCID, a labelled PMID ("PMID: N"):
#: a reference's other numbers (year, volume, pages) are never read as a PMID.
_DOI_IN_REFERENCE = re.compile(r"(?<![\w.])10\.\d{4,9}/\S+")
_PMCID_IN_REFERENCE = re.compile(r"\bPMC\s?(\d{4,9})\b(?![\s-]?\d)", re.I)
_PMID_IN_REFERENCE = re.compile(r"\bPMID\s*:?\s*(\d{6,9})\b(?![\s-]?\d)", re.I)


@dataclass(frozen=True)
class PaperRef:
    """One paper as given: ``kind`` is how to start (doi, pmcid, pmid, pii, url = an article page, pdf)."""

    kind: str
    given: str
    doi: str = ""
    pmcid: str = ""
    url: str = ""
    pmid: str = ""
    pii: str = ""


def _is_pdf_path(path: str) -> bool:
    return bool(re.search(r"(?:\.pdf|/pdf|/pdf/[^/]*)/?$", path, re.I)) or "/content/pdf/" in path


def parse_paper_reference(text: str) -> PaperRef:
    """Classify one input line. Raises ValueError for what names no paper."""
    given = (text or "").strip()
    if not given:
        raise ValueError("empty reference")
    number = given.strip(_CITATION_PUNCTUATION)
    pmcid = canonical_pmcid(number)
    if pmcid:
        return PaperRef("pmcid", given, pmcid=pmcid)
    pmid = _PMID.match(number)
    if pmid:
        return PaperRef("pmid", given, pmid=pmid.group(1))
    pii = given_pii(given)
    if pii:
        return PaperRef("pii", given, pii=pii)
    address = f"https://{given}" if _SCHEMELESS_ADDRESS.match(given) else given
    if re.match(r"^https?://", address, re.I):
        parts = urlsplit(address)
        host = (parts.hostname or "").lower()
        url = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))
        doi = canonical_doi(address)
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
        # A PubMed record's address (PubMed's, Europe PMC's /abstract/MED/N): its PMID, asked of the ID converter.
        if pmid := pmid_in_url(address):
            return PaperRef("pmid", given, pmid=pmid)
        in_path = _PII_IN_URL.search(parts.path)
        pii = canonical_pii(in_path.group(1)) if in_path and not doi else ""
        return PaperRef("url", given, doi=doi, url=url, pii=pii)
    doi = canonical_doi(given)
    if doi and re.match(r"^(?:doi:\s*)?10\.", given, re.I):
        return PaperRef("doi", given, doi=doi)
    if re.search(r"\s", given) and (cited := _identifier_in_reference(given)):
        return cited
    raise ValueError("expected a DOI (10.xxxx/...), a PMCID (PMC123), a PMID, a PII (S...) or an article/PDF URL")


def _identifier_in_reference(given: str) -> PaperRef | None:
    """The one paper a whole reference names ("Sato K, ... Intern Med. 2020;59(21):2731-5. doi:10.2169/...",
    Cureus's "... Cureus 12(12): e12045. doi:10.7759/cureus.12045"): its DOI, else its PMCID, else its
    labelled PMID. None when it names none; ValueError when it names two papers."""
    for kind, found in (("doi", {canonical_doi(m) for m in _DOI_IN_REFERENCE.findall(given)} - {""}),
                        ("pmcid", {f"PMC{m}" for m in _PMCID_IN_REFERENCE.findall(given)}),
                        ("pmid", set(_PMID_IN_REFERENCE.findall(given)))):
        if len(found) > 1:
            raise ValueError(f"a reference naming {len(found)} papers ({', '.join(sorted(found))})")
        if found:
            return PaperRef(kind, given, **{kind: found.pop()})
    return None


def crossref_work_url(doi: str) -> str:
    # The DOI is one path segment: its slash is encoded (docs/site-notes.md §4.6).
    return CROSSREF_WORK.format(doi=quote(doi, safe=""))


def doi_url(doi: str) -> str:
    return DOI_RESOLVER.format(doi=quote(doi, safe="/:;()"))


def pmc_article_url(pmcid: str) -> str:
    return PMC_ARTICLE.format(pmcid=pmcid)


def europe_pmc_xml_url(pmcid: str) -> str:
    return EUROPE_PMC_XML.format(pmcid=pmcid)


def efetch_url(pmcid: str) -> str:
    # efetch takes the number without the PMC prefix (docs/site-notes.md §4.2).
    return NCBI_EFETCH.format(number=pmcid.upper().removeprefix("PMC"))


def idconv_url(identifier: str) -> str:
    """The PMC ID converter asked about one DOI, PMID or PMCID (docs/site-notes.md §4.1)."""
    return PMC_IDCONV.format(query=urlencode({"ids": identifier, "format": "json"}))


def europe_pmc_search_url(*, doi: str = "", pmid: str = "") -> str:
    query = f'DOI:"{doi}"' if doi else f"EXT_ID:{pmid} AND SRC:MED"
    return EUROPE_PMC_SEARCH.format(query=urlencode({"query": query, "format": "json", "resultType": "lite"}))


def crossref_pii_url(pii: str) -> str:
    return CROSSREF_BY_PII.format(query=urlencode({"filter": f"alternative-id:{pii}", "rows": "2"}))
