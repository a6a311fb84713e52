"""Every way a paper is written down -> its identifiers in one canonical form each. Pure, no I/O.

A maintainer, a released row's ``doi``/``url`` cells, a CORD-19 or LitCovid export and a Europe PMC
answer name the same paper in many forms; comparing any two needs one form per identifier:

* DOI: ``10.<registrant>/<suffix>`` lower-cased (DOIs are case-insensitive), found bare, with
  ``doi:``, behind ``https://doi.org/`` / ``dx.doi.org``, URL-encoded (``10.1007%2Fs...``) or inside
  a publisher's URL (``/doi/full/10.1056/...``), without trailing ``/full``, ``.pdf``, queries
  (``ingest.normalize.provenance.normalize_doi`` reads the DOI out of the text). Nature's article
  URLs carry the DOI suffix only (``nature.com/articles/s41591-020-0819-2`` is ``10.1038/...``).
* PMID: the number, from ``PMID: 123``, ``pubmed.ncbi.nlm.nih.gov/123/``,
  ``ncbi.nlm.nih.gov/pubmed/123`` and Europe PMC's ``/article/MED/123``, ``/abstract/MED/123``.
* PMCID: ``PMC123`` from the bare id, ``pmc.ncbi.nlm.nih.gov/articles/PMC123/``, the legacy
  ``ncbi.nlm.nih.gov/pmc/articles/PMC123/`` and Europe PMC's ``/article/PMC/PMC123``,
  ``/articles/PMC123``, ``/pmc/articles/PMC123`` and REST paths.
* PII (Elsevier's Publisher Item Identifier): the compact form ``S0140673620303706`` from the
  formatted ``S0140-6736(20)30370-6``, ScienceDirect ``/pii/...``, Cell Press/Lancet
  ``/article/PIIS...`` and ``/article/S...`` paths, ``linkinghub.elsevier.com/retrieve/pii/...``.
  A PII is not a DOI: it is resolved through Crossref's ``alternative-id`` (an I/O step elsewhere);
  but an Elsevier DOI of the form ``10.1016/S0140-6736(20)30370-6`` carries its PII, which is read.
* URL: any other URL as ``host/path?query`` without scheme, ``www.``, tracking parameters,
  fragment or trailing slash (``ingest.normalize.provenance.normalize_url`` canonicalises case-site
  URLs: Radiopaedia, Eurorad, SIRM). A Eurorad case DOI (``10.35100/eurorad/case.16745``) also
  names its case page (``eurorad.org/case/16745``), which is how the dataset's rows cite it.

``paper_ids(text)`` reads one cell or line into ``PaperIds``; ``PaperIds.keys()`` are the strings
(``doi:...``, ``pmid:...``, ``pmcid:...``, ``pii:...``, ``url:...``) two records are matched on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from ingest.normalize.provenance import normalize_doi, normalize_url

KINDS = ("doi", "pmid", "pmcid", "pii", "url")

#: "PMC7251234", "PMCID: PMC7251234", and "PMC 7251234" as users copy it from a citation line.
_PMCID = re.compile(r"^(?:pmcid\s*:?\s*)?PMC\s?(\d{1,9})$", re.I)
_PMID = re.compile(r"^(?:pmid\s*:?\s*|pubmed\s*:?\s*|med\s*:\s*)?(\d{1,9})$", re.I)
_PMCID_IN_PATH = re.compile(r"/(?:PMC/)?(PMC\d{1,9})(?=/|$|\.)", re.I)
#: Host -> the path of a PubMed record on it.
_PMID_PATHS = {"pubmed.ncbi.nlm.nih.gov": re.compile(r"^/(\d{1,9})/?$"),
               "ncbi.nlm.nih.gov": re.compile(r"^/pubmed/(\d{1,9})/?$"),
               "europepmc.org": re.compile(r"^/(?:article|abstract)/MED/(\d{1,9})/?$", re.I)}
#: Formatted or compact PII: S + ISSN (with its check character) + 2-digit year + item + check.
_PII = re.compile(r"(?<![A-Za-z0-9])S(\d{4})-?(\d{3}[\dX])\(?(\d{2})\)?(\d{5})-?([\dX])(?![\dA-Za-z])", re.I)
_PII_GIVEN = re.compile(r"(?:pii\s*:?\s*)?S\d{4}-?\d{3}[\dX]\(?\d{2}\)?\d{5}-?[\dX]", re.I)
_PII_IN_PATH = re.compile(r"/(?:pii/|PII|article/)(S[\dX()\-]{15,22})(?=/|$|\?)", re.I)
_PMC_HOSTS = {"pmc.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "europepmc.org", "ebi.ac.uk"}
_ELSEVIER_HOSTS = ("sciencedirect.com", "linkinghub.elsevier.com", "thelancet.com", "cell.com", "elsevier.com",
                   "journal.chestnet.org", "onlinejcf.com", "ajronline.org", "clinicalkey.com")
#: Publishers whose article URL carries only the DOI's suffix: host -> (path prefix, DOI prefix).
_DOI_SUFFIX_URLS = {"nature.com": ("/articles/", "10.1038/")}
#: Case sites whose DOI names the case page: a DOI of this form is that page too (docs/site-notes.md §2, §4.5).
_CASE_DOI_PAGES = ((re.compile(r"^10\.35100/eurorad/case\.(\d+)$"), "https://www.eurorad.org/case/{0}"),)
_TRACKING = re.compile(r"^(?:utm_\w+|lang|fbclid|gclid|mc_cid|mc_eid|ref|source|via|_ga|report|print|iframe|widget|"
                       r"casa_token|dgcid|rss)$", re.I)


@dataclass(frozen=True)
class PaperIds:
    """The identifiers known for one paper, each canonical or "" (see the module docstring)."""

    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    pii: str = ""
    url: str = ""

    def keys(self) -> set[str]:
        """``kind:value`` strings; two records name the same paper when they share one."""
        return {f"{kind}:{value}" for kind in KINDS if (value := getattr(self, kind))}

    def merged(self, other: PaperIds) -> PaperIds:
        """These ids, completed (never overwritten) by the other's."""
        return replace(self, **{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, kind) for kind in KINDS)

    @property
    def best(self) -> str:
        """The one key naming the paper in messages and as the natural key: DOI first."""
        for kind in KINDS:
            if value := getattr(self, kind):
                return f"{kind}:{value}"
        return ""


def canonical_doi(text: str) -> str:
    """``10.1016/j.radcr.2020.05.017`` from any way of writing it; "" when there is none."""
    text = (text or "").strip()
    if not text:
        return ""
    value = normalize_doi(text).value
    if value:
        return str(value).lower()
    return _doi_from_suffix_url(text)


def _doi_from_suffix_url(text: str) -> str:
    if not re.match(r"^https?://", text, re.I):
        return ""
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    rule = _DOI_SUFFIX_URLS.get(host)
    if rule and parts.path.startswith(rule[0]):
        suffix = parts.path[len(rule[0]):].strip("/").split("/")[0]
        suffix = re.sub(r"\.pdf$", "", suffix, flags=re.I)
        if suffix:
            return (rule[1] + unquote(suffix)).lower()
    return ""


def canonical_pmcid(text: str) -> str:
    m = _PMCID.match((text or "").strip())
    return f"PMC{m.group(1)}" if m else ""


def canonical_pmid(text: str) -> str:
    m = _PMID.match((text or "").strip())
    return str(int(m.group(1))) if m and int(m.group(1)) > 0 else ""


def canonical_pii(text: str) -> str:
    """The compact PII (``S0378603X1500248X``) of a bare, formatted or URL-embedded PII; or ""."""
    m = _PII.search(unquote(text or ""))
    return "S" + "".join(m.groups()).upper() if m else ""


def given_pii(text: str) -> str:
    """The compact PII of a text that IS a PII; "" for a DOI or URL holding one (it stays a DOI or URL)."""
    given = (text or "").strip()
    return canonical_pii(given) if _PII_GIVEN.fullmatch(given) else ""


def canonical_url(text: str) -> str:
    """``host/path?query``: no scheme, ``www.``, tracking parameters, fragment or trailing slash."""
    text = (text or "").strip()
    if not re.match(r"^https?://", text, re.I):
        return ""
    normalized = normalize_url(text).value
    parts = urlsplit(str(normalized) if normalized else text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    path = unquote(parts.path).rstrip("/")
    return host + path + (f"?{query}" if query else "")


def _pii_of_doi(doi: str) -> str:
    """Elsevier DOIs of the Lancet/Cell family are ``10.1016/`` + the formatted PII."""
    return canonical_pii(doi[len("10.1016/"):]) if doi.startswith("10.1016/s") else ""


def _case_page_of_doi(doi: str) -> str:
    for pattern, page in _CASE_DOI_PAGES:
        if m := pattern.match(doi):
            return canonical_url(page.format(*m.groups()))
    return ""


def pmid_in_url(url: str) -> str:
    """The PMID a PubMed record's address names (PubMed's current and legacy addresses, Europe PMC's
    ``/abstract/MED/N`` and ``/article/MED/N``); "" for any other address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    m = _PMID_PATHS[host].match(path) if host in _PMID_PATHS else None
    if m:
        return str(int(m.group(1)))
    if host == "ncbi.nlm.nih.gov" and path.rstrip("/") == "/pubmed":
        return canonical_pmid(dict(parse_qsl(parts.query)).get("term", ""))
    return ""


def _ids_in_url(url: str) -> PaperIds:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path)
    pmcid = pmid = pii = ""
    if host in _PMC_HOSTS or host.endswith(".ebi.ac.uk"):
        m = _PMCID_IN_PATH.search(path)
        pmcid = m.group(1).upper() if m else ""
    if not pmcid:
        pmid = pmid_in_url(url)
    if any(host == h or host.endswith("." + h) for h in _ELSEVIER_HOSTS):
        m = _PII_IN_PATH.search(path)
        pii = canonical_pii(m.group(1)) if m else ""
    doi = canonical_doi(url)
    # A doi.org link to a case site's DOI is that case page.
    return PaperIds(doi=doi, pmid=pmid, pmcid=pmcid, pii=pii or _pii_of_doi(doi),
                    url=_case_page_of_doi(doi) or canonical_url(url))


def paper_ids(text: str) -> PaperIds:
    """The identifiers one cell or line names (empty ``PaperIds`` when it names none).

    A URL also keeps its canonical form as ``url``, so a page released under a URL the ids do not
    reach (a publisher's landing page) still matches that same page.
    """
    given = (text or "").strip().strip("<>\"'")
    if not given:
        return PaperIds()
    if re.match(r"^https?://", given, re.I) or re.match(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S", given, re.I):
        url = given if re.match(r"^https?://", given, re.I) else "https://" + given
        return _ids_in_url(url)
    if pmcid := canonical_pmcid(given):
        return PaperIds(pmcid=pmcid)
    if pmid := canonical_pmid(given):
        return PaperIds(pmid=pmid)
    if (re.match(r"^(?:doi\s*:?\s*)?10\.\d{4,9}/", given, re.I) or re.search(r"\b10\.\d{4,9}/\S", given)) and (
        doi := canonical_doi(given)
    ):
            return PaperIds(doi=doi, pii=_pii_of_doi(doi), url=_case_page_of_doi(doi))
    if pii := given_pii(given):
        return PaperIds(pii=pii)
    return PaperIds()


def parse_identifier(text: str) -> PaperIds:
    """``paper_ids`` for one identifier a person typed; ValueError naming what is expected."""
    ids = paper_ids(text)
    if not ids:
        raise ValueError(f"{text.strip()!r} is not a DOI (10.xxxx/...), PMID (digits), PMCID (PMC123), "
                         "PII (S0140-6736(20)30370-6) or URL")
    return ids


def ids_of_released_row(doi_cell: str, url_cell: str) -> set[str]:
    """Every key a released row's ``doi`` and ``url`` cells name (a publisher URL may name a DOI
    of its own: it is where the images came from, so it counts as released too)."""
    keys = paper_ids(doi_cell).keys() if (doi_cell or "").strip() else set()
    return keys | paper_ids(url_cell).keys()
