"""The cases the papers' code makes of a blind batch's efetch JATS (``PMC<digits>_efetch.xml``)."""

from __future__ import annotations

from pathlib import Path

from ingest.jats import parse_jats
from ingest.papers import cases_from_article
from ingest.records import CaseRecord


def jats_cases(directory: Path, pmcid: str) -> dict[str, CaseRecord]:
    """Patient key ("patient1", ...) -> the case, as the spider makes them from PMC's copy."""
    article = parse_jats((directory / f"PMC{pmcid}_efetch.xml").read_bytes(),
                         f"https://pmc.ncbi.nlm.nih.gov/articles/PMC{pmcid}/")
    return {case.source_key.rsplit("#", 1)[-1]: case for case in cases_from_article(article)}
