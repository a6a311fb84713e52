"""The cases the papers' code makes of a blind batch's efetch JATS (``PMC<digits>_efetch.xml``)."""

from __future__ import annotations

from pathlib import Path

from ingest.case_fields import normalize_case
from ingest.jats import parse_jats
from ingest.panels import Panel, PanelSplit
from ingest.papers import cases_from_article
from ingest.records import CaseRecord


def jats_cases(directory: Path, pmcid: str) -> dict[str, CaseRecord]:
    """Patient key ("patient1", ...) -> the case, as the spider makes them from PMC's copy."""
    article = parse_jats((directory / f"PMC{pmcid}_efetch.xml").read_bytes(),
                         f"https://pmc.ncbi.nlm.nih.gov/articles/PMC{pmcid}/")
    return {case.source_key.rsplit("#", 1)[-1]: case for case in cases_from_article(article)}


def batch_cases(directory: Path, pmcid: str, replace: tuple[str, str] = ("", "")) -> list[CaseRecord]:
    """The cases in the paper's order, of its JATS with ``replace`` (old words, new) applied first: a variant
    of the paper's wording (the old words must be there)."""
    xml = (directory / f"PMC{pmcid}_efetch.xml").read_text()
    if replace[0]:
        assert replace[0] in xml
        xml = xml.replace(*replace)
    return cases_from_article(parse_jats(xml.encode()))


def file_cases(path: Path, replacements: dict[str, str] | None = None,
               panel_splits: dict[int, PanelSplit] | None = None) -> list[CaseRecord]:
    """The cases of the JATS file ``path`` in the paper's order, each of ``replacements`` (old words -> new: a
    variant of the paper's wording; the old words must be there) applied first."""
    xml = path.read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        assert old in xml, old
        xml = xml.replace(old, new)
    return cases_from_article(parse_jats(xml.encode("utf-8")), panel_splits=panel_splits)


def by_patient(cases: list[CaseRecord]) -> dict[str, CaseRecord]:
    """Patient key ("patient1", ...) -> the case."""
    return {case.source_key.rsplit("#", 1)[-1]: case for case in cases}


def two_panels_side_by_side() -> PanelSplit:
    """A reliable split of an 800x400 figure into a left and a right panel (the pixels' own split, as the mirror's
    generated figures give it)."""
    boxes = [(0, 0, 380, 380), (392, 0, 772, 380)]
    return PanelSplit([Panel(box, b"") for box in boxes], reliable=True, reason="gutters", width=800, height=400)


def case_value(case: CaseRecord, name: str) -> str | None:
    """The case's own value of field ``name`` (not an image's), as ``normalize_case`` stages it."""
    return next((r.value for r in normalize_case(case) if r.field == name and r.image_position is None), None)


def image_values(case: CaseRecord, name: str) -> list[str | None]:
    """Each image's value of field ``name``, in the images' order."""
    by_position = {r.image_position: r.value for r in normalize_case(case) if r.field == name}
    return [by_position.get(i.position) for i in sorted(case.images, key=lambda i: i.position)]


def image_offsets(case: CaseRecord) -> list[str | None]:
    """Each image's offset, in the images' order."""
    return image_values(case, "offset")
