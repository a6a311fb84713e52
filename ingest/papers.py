"""A parsed paper (``Article``, optionally its PDF figures and panel splits) -> ``CaseRecord``s.

Natural key (``source_key``):
* ``<doi>#patient<N>`` when the paper numbers its patients ("Patient 2", "Case 2"); N is the
  paper's own number, fixed once published. A paper that numbers no patient is one patient:
  ``<doi>#patient1``.
* ``<doi>#fig<N>`` for a figure of a multi-patient paper whose caption names no patient: it gets
  a case of its own with a warning, for a reviewer to attach to the right patient.
Without a DOI the PMCID (``pmc:PMC123``) stands in for it.

Each figure becomes one ImageRecord, or one per panel when the caption has sub-captions: the panel
keeps its own caption, view and date text, and ``extra`` records the parent figure, the panel box
and the transformation when a ``PanelSplit`` was given.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.crossref import CrossrefWork
from ingest.jats import Article, Figure
from ingest.panels import PanelSplit
from ingest.pdf_figures import PdfFigure
from ingest.records import CaseRecord, ImageRecord

SOURCE = "publications"

_PATIENT = re.compile(r"\b(?:patient|case|pt\.?|paziente|caso)\s*(?:no\.?\s*|#\s*)?(\d{1,2})\b", re.I)
_VIEW = re.compile(r"\b(?:AP\s+supine|supine\s+AP|PA|AP|lateral|frontal|posteroanterior|anteroposterior|portable|"
                   r"axial|coronal|sagittal|assiale|coronale|laterale|a\s+letto)\b", re.I)
_DATE = re.compile(r"\b(?:(?:hospital\s+)?day\s+\d+|on\s+admission|at\s+admission|admission|"
                   r"\d+\s+days?\s+(?:after|later|before)[\w\s]*?(?=[,;.]|$)|follow-up|discharge|"
                   r"(?:in\s+)?\w+\s+giornata|al\s+ricovero|"
                   r"\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*(?:\s+\d{4})?)", re.I)
_MODALITY = re.compile(r"\b(?:radiograph\w*|x-?ray|RX|CT|HRCT|TC|ultrasound|MRI)\b", re.I)


def patients_in(text: str) -> list[int]:
    return sorted({int(n) for n in _PATIENT.findall(text or "")})


def _key_base(article: Article) -> str:
    if article.doi:
        return article.doi.lower()
    if article.pmcid:
        return f"pmc:{article.pmcid}"
    return article.url


def _described(text: str) -> dict[str, str]:
    view, date, modality = _VIEW.search(text), _DATE.search(text), _MODALITY.search(text)
    return {"view_text": view.group(0) if view else "", "date_text": date.group(0).strip() if date else "",
            "modality_text": modality.group(0) if modality else ""}


def _images_for(figure: Figure, panels: dict[str, str], split: PanelSplit | None,
                pdf: PdfFigure | None, position: int) -> list[ImageRecord]:
    base_extra: dict[str, Any] = {"figure_label": figure.label, "figure_number": figure.number,
                                  "figure_caption": figure.caption}
    if figure.third_party:
        base_extra["third_party"] = True
        base_extra["third_party_evidence"] = figure.third_party_evidence
    if figure.license:
        base_extra["figure_license"] = figure.license
    url = figure.image_url
    if pdf is not None:
        base_extra.update({"pdf_page": pdf.page, "pdf_bbox": list(pdf.bbox)})
    panel_files = figure.extra.get("panel_files", {})
    records: list[ImageRecord] = []
    if not panels:
        return [ImageRecord(source_url=url, position=position, caption=figure.caption, label=figure.label,
                            extra=dict(base_extra), **_described(figure.caption))]
    reliable = split is not None and split.reliable and len(split.panels) == len(panels)
    for i, (letter, text) in enumerate(panels.items()):
        extra = dict(base_extra, panel=letter, parent_figure=url)
        panel_url = panel_files.get(letter, url)
        if panel_url != url:
            extra["transform"] = "separate panel file"
        elif reliable:
            box = split.panels[i].box
            extra.update(panel_box=list(box), transform=f"crop {box} of the {split.width}x{split.height} figure")
        else:
            extra["transform"] = "none: whole figure kept, panel not split"
            extra["needs_review"] = split.reason if split is not None else "panels not split"
        records.append(ImageRecord(source_url=panel_url, position=position + i, caption=text, label=letter,
                                   extra=extra, **_described(text)))
    return records


def cases_from_article(article: Article, *, crossref: CrossrefWork | None = None,
                       pdf_figures: list[PdfFigure] | None = None,
                       panel_splits: dict[int, PanelSplit] | None = None,
                       source: str = SOURCE) -> list[CaseRecord]:
    """One case per patient the paper numbers (one for the whole paper when it numbers none)."""
    panel_splits = panel_splits or {}
    pdf_by_number = {f.number: f for f in pdf_figures or []}
    figures = list(article.figures)
    if not figures and pdf_figures:
        figures = [Figure(label=f.label, number=f.number, caption=f.caption) for f in pdf_figures]
    base = _key_base(article)
    license_text = article.license or (crossref.license if crossref else "")

    # Which patient each paragraph and figure is about.
    paragraphs: dict[int, list[str]] = {}
    current: int | None = None
    for paragraph in article.paragraphs:
        heading, _, body = paragraph.rpartition(": ") if ": " in paragraph[:80] else ("", "", paragraph)
        named = patients_in(heading) or patients_in(body[:60])
        if named:
            current = named[-1]
        elif heading and current is not None and not patients_in(heading):
            current = None if "discussion" in heading.lower() or "conclusion" in heading.lower() else current
        if current is not None:
            paragraphs.setdefault(current, []).append(body)
    numbered = sorted(set(paragraphs) | {n for f in figures for n in patients_in(f.caption)})

    def new_case(key: str, title_suffix: str) -> CaseRecord:
        return CaseRecord(
            source=source, source_key=key, url=article.url or (f"https://doi.org/{article.doi}" if article.doi else ""),
            title=article.title + title_suffix, doi=article.doi, license_text=license_text,
            published=article.published, authors=", ".join(article.authors),
            extra={"journal": article.journal, "pmcid": article.pmcid, "license_evidence": article.license_evidence,
                   "license_url": article.license_url})

    cases: dict[str, CaseRecord] = {}
    if not numbered:
        case = new_case(f"{base}#patient1", "")
        case.history = "\n".join(article.paragraphs)
        cases[case.source_key] = case
    else:
        for n in numbered:
            case = new_case(f"{base}#patient{n}", f" (patient {n})")
            case.history = "\n".join(paragraphs.get(n, []))
            case.extra["patient_number"] = n
            cases[case.source_key] = case

    for figure in figures:
        subcaptions = dict(figure.panel_captions)
        pdf = pdf_by_number.get(figure.number)
        split = panel_splits.get(figure.number) if figure.number is not None else None
        named = patients_in(figure.caption)
        if not numbered:
            targets = {f"{base}#patient1": subcaptions}
        elif len(named) == 1:
            targets = {f"{base}#patient{named[0]}": subcaptions}
        elif len(named) > 1 and subcaptions:
            # "(a) Patient 1 on day 3; (b) Patient 2 ...": each panel goes to the patient it names.
            targets = {}
            for letter, text in subcaptions.items():
                who = patients_in(text)
                key = f"{base}#patient{who[0]}" if len(who) == 1 else f"{base}#fig{figure.number}"
                targets.setdefault(key, {})[letter] = text
        else:
            targets = {f"{base}#fig{figure.number}": subcaptions}
        for key, panels in targets.items():
            if key not in cases:
                cases[key] = new_case(key, f" (figure {figure.number})")
                cases[key].warnings.append(
                    f"figure {figure.number} names no single patient of this multi-patient paper: attach it to a patient")
            case = cases[key]
            images = _images_for(figure, panels, split, pdf, len(case.images))
            case.images.extend(images)
            if any(i.extra.get("needs_review") for i in images):
                case.warnings.append(f"figure {figure.number}: panels not split reliably, whole figure kept")
            if figure.third_party:
                case.warnings.append(f"figure {figure.number} is third-party material: {figure.third_party_evidence}")
    if len(cases) > 1:
        for case in cases.values():
            case.warnings.insert(0, f"paper describes several patients ({len(cases)} cases)")
    return list(cases.values())


def merge_figure_urls(jats: Article, html: Article) -> Article:
    """Put the PMC blob-CDN URLs from the article HTML first in the JATS figures' image URLs.

    The CDN path cannot be derived from the JATS graphic href, but its file name is that href
    (plus an extension), so figures are matched by file stem, then by figure number.
    """
    by_stem: dict[str, list[str]] = {}
    by_number: dict[int, list[str]] = {}
    for figure in html.figures:
        for url in figure.image_urls:
            by_stem.setdefault(re.sub(r"\.[A-Za-z]+$", "", url.rsplit("/", 1)[-1]).lower(), []).append(url)
        if figure.number is not None:
            by_number.setdefault(figure.number, []).extend(figure.image_urls)
    for figure in jats.figures:
        found: list[str] = []
        for href in figure.graphic_hrefs:
            found += by_stem.get(re.sub(r"\.[A-Za-z]+$", "", href).lower(), [])
        if not found and figure.number is not None:
            found = by_number.get(figure.number, [])
        figure.image_urls = found + [u for u in figure.image_urls if u not in found]
    return jats
