"""Which open copies of a paper exist: the identifier services' answers, read (pure).

A paper named by a DOI, PMID, PMCID, PII or article URL is first resolved to its other
identifiers, because the open copies are found by them (the PMC copy by PMCID, the publisher's page
by DOI):

* the PMC ID converter (``pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?ids=...&format=json``)
  answers ``records[]`` with ``doi``, ``pmcid``, ``pmid`` (a number or a string) and
  ``requested-id``; an identifier PMC does not know is a record with ``status: "error"`` and an
  ``errmsg`` ("Identifier not found in PMC", "invalid article id");
* Europe PMC's search (``.../rest/search?query=DOI:"..."&format=json&resultType=lite``) answers
  ``hitCount`` and ``resultList.result[]`` with ``pmcid``, ``pmid``, ``doi``, ``isOpenAccess``,
  ``inPMC``, ``inEPMC``: it knows PMC copies the converter has not indexed yet, and PMIDs;
* Crossref's ``works?filter=alternative-id:<PII>`` turns an Elsevier PII into its DOI.

Each step of a paper's chain is kept as a ``Step`` (what was asked, the answer, what it taught):
the trail is the provenance of every figure staged from that paper, and the reason given when no
open copy was found.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ingest.normalize.provenance import preprint_landing_page
from ingest.pages import ParseError

#: Europe PMC's article page: by PMID ("MED") when the paper has one, else by PMCID ("PMC").
EUROPE_PMC_ARTICLE = "https://europepmc.org/article/{source}/{id}"


@dataclass(frozen=True)
class Ids:
    """The identifiers one service gave for a paper ("" for what it did not know)."""

    doi: str = ""
    pmcid: str = ""
    pmid: str = ""
    #: Why the service gave nothing ("Identifier not found in PMC"), "" when it answered.
    error: str = ""
    #: Europe PMC: "Y"/"N" open access, "" when the service does not say.
    open_access: str = ""
    in_pmc: str = ""


@dataclass
class Step:
    """One request of a paper's chain and what came of it."""

    step: str  # "idconv", "europepmc-search", "crossref", "efetch-xml", "europepmc-xml", "pmc-html", ...
    url: str
    status: int | None = None
    #: What the answer taught or why it did not help ("PMC7251234", "metadata only", "HTTP 403").
    outcome: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Resolution:
    """The chain of one paper: its steps, the route that gave the figures, why others failed."""

    steps: list[Step] = field(default_factory=list)
    route: str = ""
    #: URLs of the copy the figures came from (article XML/page, PDF), in the order used.
    route_urls: list[str] = field(default_factory=list)

    def add(self, step: str, url: str, status: int | None, outcome: str) -> Step:
        found = Step(step, url, status, outcome)
        self.steps.append(found)
        return found

    def why_no_copy(self) -> str:
        """One line: each step that was tried and what it answered (the crawl summary's reason)."""
        tried = [f"{s.step}: {s.outcome}" for s in self.steps if s.outcome]
        return "; ".join(tried) or "no identifier to look up"

    def provenance(self) -> dict:
        return {"route": self.route, "route_urls": list(self.route_urls), "steps": [s.as_dict() for s in self.steps]}


def _json(body: bytes | str, url: str, what: str):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(url, f"{what} JSON ({exc})") from exc


def _pmcid(value: object) -> str:
    text = str(value or "").strip().upper()
    if text and not text.startswith("PMC") and text.isdigit():
        text = "PMC" + text
    return text if text.startswith("PMC") and text[3:].isdigit() else ""


def parse_idconv(body: bytes | str, url: str = "") -> Ids:
    """The PMC ID converter's JSON -> the first record's identifiers (or its error)."""
    data = _json(body, url, "ID converter")
    if not isinstance(data, dict):
        raise ParseError(url, "ID converter JSON object")
    if data.get("status") == "error":
        return Ids(error=str(data.get("message") or data.get("errmsg") or "ID converter error"))
    records = data.get("records")
    if not isinstance(records, list) or not records:
        return Ids(error="ID converter: no record")
    record = records[0] if isinstance(records[0], dict) else {}
    if record.get("status") == "error" or record.get("errmsg"):
        return Ids(error=str(record.get("errmsg") or "not found"))
    pmid = record.get("pmid")
    return Ids(doi=str(record.get("doi") or "").strip(), pmcid=_pmcid(record.get("pmcid")),
               pmid=str(pmid).strip() if pmid not in (None, "") else "",
               error="" if record.get("pmcid") else "no PMC copy")


def parse_europe_pmc_search(body: bytes | str, url: str = "", *, doi: str = "", pmid: str = "") -> Ids:
    """Europe PMC's search JSON -> the identifiers of the hit that is the paper asked for.

    Only a hit whose DOI (case-insensitive) or PMID equals the one asked counts: a search can
    answer near matches, and a wrong PMCID would stage another paper's figures.
    """
    data = _json(body, url, "Europe PMC search")
    results = (((data or {}).get("resultList") or {}).get("result") or []) if isinstance(data, dict) else []
    for hit in results:
        if not isinstance(hit, dict):
            continue
        same = ((doi and str(hit.get("doi") or "").lower() == doi.lower())
                or (pmid and str(hit.get("pmid") or "") == pmid))
        if not same:
            continue
        pmcid = _pmcid(hit.get("pmcid"))
        return Ids(doi=str(hit.get("doi") or "").strip(), pmcid=pmcid, pmid=str(hit.get("pmid") or "").strip(),
                   open_access=str(hit.get("isOpenAccess") or ""), in_pmc=str(hit.get("inPMC") or ""),
                   error="" if pmcid else "indexed, no PMC copy")
    return Ids(error=f"no match among {len(results)} hits")


def parse_crossref_pii(body: bytes | str, url: str = "", *, pii: str = "") -> Ids:
    """Crossref ``works?filter=alternative-id:<PII>`` -> the DOI of the one work carrying that PII."""
    data = _json(body, url, "Crossref works")
    items = (((data or {}).get("message") or {}).get("items") or []) if isinstance(data, dict) else []
    matching = [i for i in items
                if isinstance(i, dict) and pii.upper() in [str(a).upper() for a in i.get("alternative-id") or []]]
    if len(matching) != 1:
        return Ids(error=f"{len(matching)} Crossref works carry this PII")
    return Ids(doi=str(matching[0].get("DOI") or "").lower())


def url_as_curators_write(route: str, *, pmcid: str = "", landing_url: str = "", pdf_url: str = "",
                          in_pmc: str = "", pmid: str = "") -> str:
    """The ``url`` of a paper's rows: the article's page where the figures were found.

    The publisher's landing page when the figures came from it (or from its PDF, the page having
    been read); PMC's article page when PMC's copy had them; Europe PMC's article page when only Europe PMC
    holds the text (its search's ``inPMC`` "N", the text its ``fullTextXML``: PMC has no page for it); the PDF
    itself when it was all there was (a preprint's PDF: the landing page its address names). Never
    ``https://doi.org/...``: the dataset's curators write the article's page.
    """
    if route == "publisher-html":
        return landing_url
    if route == "europepmc-xml" and in_pmc.upper() == "N" and (pmid or pmcid):
        return EUROPE_PMC_ARTICLE.format(source="MED", id=pmid) if pmid else \
            EUROPE_PMC_ARTICLE.format(source="PMC", id=pmcid)
    if route in ("efetch-xml", "europepmc-xml", "pmc-html") and pmcid:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"
    if route == "pdf":
        # a medRxiv/bioRxiv PDF given alone: its landing page, which its address names
        return landing_url or preprint_landing_page(pdf_url) or pdf_url
    return landing_url
