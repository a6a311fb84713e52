"""What the literature databases answer and what maintainers export from them -> ``FoundPaper``s.

Pure, no I/O. Readers:

* ``parse_europepmc_search``: Europe PMC REST ``/search?...&resultType=core&format=json`` (``hitCount``,
  ``nextCursorMark``, ``resultList.result[]`` with ``pmid``, ``pmcid``, ``doi``, ``title``,
  ``authorString``, ``journalInfo.journal.title`` (core) or ``journalTitle`` (lite),
  ``firstPublicationDate``/``pubYear``, ``pubTypeList.pubType``, ``isOpenAccess``, ``license``,
  ``abstractText``).
* ``parse_cord19_metadata``: CORD-19 ``metadata.csv`` (cord_uid, sha, source_x, title, doi, pmcid,
  pubmed_id, license, abstract, publish_time, authors, journal, ..., url, s2_id). ``url`` may hold
  several URLs joined by ``; ``.
* ``parse_litcovid_tsv``: a LitCovid export: ``#`` comment lines, then a tab-separated header
  (``pmid``, ``title``, ``journal``, and in some exports ``doi``, ``pmcid``, ``date``...).
* ``parse_who_csv``: a WHO COVID-19 database export (CSV). Two generations exist; columns are
  found by name: ``DOI``, ``Accession Number`` / ``PMID`` / ``ID`` (a PubMed number only when all
  digits), ``Fulltext URL`` / ``URL``, ``Title``, ``Journal``/``Source``, ``Authors``,
  ``Published Year``/``Year``.
* ``parse_id_list``: a text file of DOIs, PMIDs, PMCIDs, PIIs and URLs, one per line, ``#`` comments.

A row naming no identifier is skipped and counted (``ListReading.skipped`` with the line and why).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from ingest.identifiers import PaperIds, canonical_doi, canonical_pmcid, canonical_pmid, paper_ids
from schema import IngestError

EUROPE_PMC_SEARCH = "https://www.ebi.ac.uk/europepmc/webservices/rest/search"
#: Europe PMC's largest page (its documented maximum ``pageSize``).
EUROPE_PMC_PAGE_SIZE = 1000

#: The default discovery query (Europe PMC syntax): case reports and series with chest
#: radiographs or CT of the diseases the dataset collects (COVID-19, SARS, MERS, ARDS).
DISEASES = ('"COVID-19" OR "SARS-CoV-2" OR "2019-nCoV" OR "novel coronavirus" OR "SARS" OR '
            '"severe acute respiratory syndrome" OR "MERS" OR "MERS-CoV" OR "Middle East respiratory syndrome" OR '
            '"ARDS" OR "acute respiratory distress syndrome"')
CASE_KINDS = 'PUB_TYPE:"Case Reports" OR TITLE_ABS:("case report" OR "case series" OR "case presentation")'
CHEST_IMAGING = ('"chest radiograph" OR "chest radiography" OR "chest X-ray" OR "chest film" OR "chest CT" OR '
                 '"computed tomography" OR "CT scan" OR "CT images"')
DEFAULT_QUERY = f"TITLE_ABS:({DISEASES}) AND ({CASE_KINDS}) AND TITLE_ABS:({CHEST_IMAGING})"


class NotThisFormat(IngestError, ValueError):
    """The answer or file is not what its reader reads; the message names it and what was expected."""


@dataclass
class FoundPaper:
    """One paper as a database or a list names it (identifiers canonical, the rest as given)."""

    ids: PaperIds
    found_by: str
    title: str = ""
    journal: str = ""
    authors: str = ""
    published: str = ""
    pub_types: list[str] = field(default_factory=list)
    license: str = ""
    open_access: bool | None = None
    abstract: str = ""


@dataclass
class SearchPage:
    hit_count: int
    next_cursor: str
    papers: list[FoundPaper]


@dataclass
class ListReading:
    papers: list[FoundPaper]
    #: (line number, why) of every row that named no paper.
    skipped: list[tuple[int, str]] = field(default_factory=list)


def europepmc_query(query: str = DEFAULT_QUERY, since: str = "") -> str:
    """The query, limited to papers first published on or after ``since`` (YYYY-MM-DD) if given."""
    return f"({query}) AND FIRST_PDATE:[{since} TO 3000-12-31]" if since else query


def europepmc_search_url(query: str, cursor: str = "*", page_size: int = EUROPE_PMC_PAGE_SIZE) -> str:
    params = {"query": query, "resultType": "core", "cursorMark": cursor, "pageSize": page_size, "format": "json"}
    return f"{EUROPE_PMC_SEARCH}?{urlencode(params)}"


def _text(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip() if value not in (None, "") else ""


def _europepmc_paper(result: dict, found_by: str) -> FoundPaper:
    types = (result.get("pubTypeList") or {}).get("pubType") or []
    journal = ((result.get("journalInfo") or {}).get("journal") or {}).get("title") or result.get("journalTitle")
    oa = result.get("isOpenAccess")
    ids = PaperIds(doi=canonical_doi(result.get("doi") or ""), pmid=canonical_pmid(str(result.get("pmid") or "")),
                   pmcid=canonical_pmcid(result.get("pmcid") or ""))
    return FoundPaper(
        ids=ids, found_by=found_by, title=_text(result.get("title")), journal=_text(journal),
        authors=_text(result.get("authorString")),
        published=_text(result.get("firstPublicationDate") or result.get("pubYear")),
        pub_types=[types] if isinstance(types, str) else [_text(t) for t in types],
        license=_text(result.get("license")), open_access=None if oa is None else oa == "Y",
        abstract=_text(re.sub(r"<[^>]+>", " ", result.get("abstractText") or "")))


def parse_europepmc_search(body: bytes | str, query: str) -> SearchPage:
    """One page of a Europe PMC search; ``next_cursor`` is "" on the last page."""
    try:
        data = json.loads(body)
        results = data["resultList"]["result"]
        sent = (data.get("request") or {}).get("cursorMark")
    except (ValueError, KeyError, TypeError) as exc:
        raise NotThisFormat(f"not a Europe PMC search answer: {exc}") from None
    found_by = f"europepmc: {query}"
    papers = [p for p in (_europepmc_paper(r, found_by) for r in results) if p.ids]
    cursor = data.get("nextCursorMark") or ""
    # The last page repeats the cursor it was asked with (or answers no result).
    if not results or cursor == sent:
        cursor = ""
    return SearchPage(hit_count=int(data.get("hitCount") or 0), next_cursor=cursor, papers=papers)


def _rows(text: str) -> csv.DictReader:
    return csv.DictReader(io.StringIO(text.lstrip("\ufeff")))


def _column(row: dict, *names: str) -> str:
    """The first non-empty of the named columns (header names compared case-insensitively)."""
    lowered = {(k or "").strip().lower(): v for k, v in row.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value and value.strip():
            return value.strip()
    return ""


def _with_urls(ids: PaperIds, urls: str) -> PaperIds:
    for url in re.split(r"\s*;\s*|\s+", urls or ""):
        if url:
            ids = ids.merged(paper_ids(url))
    return ids


def parse_cord19_metadata(text: str, name: str = "metadata.csv") -> ListReading:
    found_by, reading = f"cord19: {name}", ListReading([])
    rows = _rows(text)
    if not {"cord_uid", "doi", "pmcid", "pubmed_id"} <= {(h or "").strip() for h in rows.fieldnames or []}:
        raise NotThisFormat(f"{name}: not a CORD-19 metadata.csv (needs the columns cord_uid, doi, pmcid, pubmed_id)")
    for line, row in enumerate(rows, start=2):
        ids = _with_urls(PaperIds(doi=canonical_doi(row.get("doi") or ""),
                                  pmcid=canonical_pmcid(row.get("pmcid") or ""),
                                  pmid=canonical_pmid(row.get("pubmed_id") or "")), row.get("url") or "")
        if not ids:
            reading.skipped.append((line, "no DOI, PMCID, PubMed id or URL"))
            continue
        reading.papers.append(FoundPaper(ids=ids, found_by=found_by, title=_text(row.get("title")),
                                         journal=_text(row.get("journal")), authors=_text(row.get("authors")),
                                         published=_text(row.get("publish_time")), license=_text(row.get("license")),
                                         abstract=_text(row.get("abstract"))))
    return reading


def parse_litcovid_tsv(text: str, name: str = "litcovid.tsv") -> ListReading:
    found_by, reading = f"litcovid: {name}", ListReading([])
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None)
    if first is None:
        return reading
    rows = csv.DictReader(io.StringIO("\n".join(lines[first:])), delimiter="\t")
    if "pmid" not in {(h or "").strip().lower() for h in rows.fieldnames or []}:
        raise NotThisFormat(f"{name}: not a LitCovid export (no pmid column after the # comment lines)")
    for offset, row in enumerate(rows, start=first + 2):
        ids = PaperIds(pmid=canonical_pmid(_column(row, "pmid")), doi=canonical_doi(_column(row, "doi")),
                       pmcid=canonical_pmcid(_column(row, "pmcid")))
        if not ids:
            reading.skipped.append((offset, "no PubMed id"))
            continue
        reading.papers.append(FoundPaper(ids=ids, found_by=found_by, title=_text(_column(row, "title")),
                                         journal=_text(_column(row, "journal")),
                                         published=_text(_column(row, "date", "pub_date"))))
    return reading


def parse_who_csv(text: str, name: str = "who.csv") -> ListReading:
    found_by, reading = f"who: {name}", ListReading([])
    rows = _rows(text)
    headers = {(h or "").strip().lower() for h in rows.fieldnames or []}
    if "title" not in headers or not headers & {"doi", "accession number", "pmid", "fulltext url", "url"}:
        raise NotThisFormat(f"{name}: not a WHO COVID-19 database export "
                            "(needs Title and DOI or Accession Number columns)")
    for line, row in enumerate(rows, start=2):
        number = _column(row, "PMID", "Accession Number", "ID")
        ids = _with_urls(PaperIds(doi=canonical_doi(_column(row, "DOI")),
                                  pmid=canonical_pmid(number) if number.isdigit() else ""),
                         _column(row, "Fulltext URL", "URL"))
        if not ids:
            reading.skipped.append((line, "no DOI, PubMed number or URL"))
            continue
        reading.papers.append(FoundPaper(
            ids=ids, found_by=found_by, title=_text(_column(row, "Title")),
            journal=_text(_column(row, "Journal", "Source")),
            authors=_text(_column(row, "Authors")), published=_text(_column(row, "Published Year", "Year")),
            pub_types=[t for t in [_text(_column(row, "Type"))] if t], abstract=_text(_column(row, "Abstract"))))
    return reading


def parse_id_list(text: str, name: str = "ids.txt") -> ListReading:
    found_by, reading = f"list: {name}", ListReading([])
    for line, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        # A comment starts a line or follows a space (a URL's own #fragment does not).
        value = re.split(r"(?:^|\s)#", raw, maxsplit=1)[0].strip()
        if not value:
            continue
        ids = paper_ids(value)
        if not ids:
            reading.skipped.append((line, f"{value!r} is not a DOI, PMID, PMCID, PII or URL"))
            continue
        reading.papers.append(FoundPaper(ids=ids, found_by=found_by, title=""))
    return reading


#: ``-a file=`` kinds and their readers.
LIST_READERS = {"cord19": parse_cord19_metadata, "litcovid": parse_litcovid_tsv, "who": parse_who_csv,
                "ids": parse_id_list}


def sniff_list_kind(name: str, head: str) -> str:
    """Which reader fits a file, from its first lines (the file name breaks ties)."""
    first = next((line for line in head.lstrip("\ufeff").splitlines()
                  if line.strip() and not line.startswith("#")), "")
    lowered = first.lower()
    if "cord_uid" in lowered:
        return "cord19"
    if "\t" in first and "pmid" in lowered.split("\t"):
        return "litcovid"
    if "title" in lowered and ("," in first) and ("doi" in lowered or "accession number" in lowered):
        return "who"
    return "ids"
