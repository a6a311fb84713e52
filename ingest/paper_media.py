"""Putting a paper's pieces together for staging (pure): one ``Article`` from what was fetched,
and the media of each image record of ``papers.cases_from_article``.

* ``assemble_article``: the JATS full text wins (figures, licence, paragraphs), with PMC's blob-CDN
  image URLs taken from the PMC article HTML; else the article HTML; missing metadata comes from the
  metadata-only JATS and from Crossref (whose version-of-record licence is the last resort).
* ``attach_media``: images that have no URL of their own get their bytes and a source URL naming
  where they come from: a PDF figure ``<pdf url>#page=P&figure=N``, a split panel
  ``<figure url or pdf ref>&panel=b`` (``#panel=b`` after a plain URL), with the parent figure's
  bytes for the media pipeline to keep too. The panel box and transformation are already in the
  image's ``extra`` (``papers._images_for``) and end up in the staged image's provenance.
* Third-party figures: the article's licence does not cover them (docs/site-notes.md §4.2). Their image
  provenance records the figure's own licence (if any) and the article's; the case's licence is
  withheld (``license_text`` empty, the article licence kept in ``extra["article_license"]``) so
  the review queue and the export's licence gate refuse the case until a reviewer decides.
"""

from __future__ import annotations

from ingest.crossref import CrossrefWork
from ingest.figure_kinds import Verdict, caption_kind
from ingest.jats import SUPPLEMENT_NUMBER, Article, Figure
from ingest.panels import PanelSplit, parse_subcaptions
from ingest.papers import merge_figure_urls, shows_patient_images
from ingest.pdf_figures import PdfFigure, figure_tag
from ingest.records import CaseRecord


def assemble_article(*, jats: Article | None, jats_meta: Article | None, html: Article | None,
                     crossref: CrossrefWork | None, landing_url: str = "") -> Article:
    """One Article from the JATS full text, the article HTML, metadata-only JATS and Crossref."""
    if jats is not None:
        article = merge_figure_urls(jats, html) if html is not None and html.figures and html.pmcid else jats
    elif html is not None:
        article = html
    else:
        article = Article(full_text=False)
    for other in (html, jats_meta):
        if other is None or other is article:
            continue
        for name in ("doi", "pmcid", "pmid", "title", "journal", "published", "pdf_url"):
            if not getattr(article, name) and getattr(other, name):
                setattr(article, name, getattr(other, name))
        if not article.authors and other.authors:
            article.authors = list(other.authors)
        if not article.license and other.license:
            article.license, article.license_url, article.license_evidence = (
                other.license, other.license_url, other.license_evidence)
        elif not article.license_evidence and other.license_evidence:
            article.license_evidence = other.license_evidence
    if crossref is not None:
        for name, value in (("doi", crossref.doi), ("title", crossref.title), ("journal", crossref.journal),
                            ("published", crossref.published)):
            if not getattr(article, name) and value:
                setattr(article, name, value)
        if not article.license and crossref.license:
            article.license, article.license_url = crossref.license, crossref.license_url
            article.license_evidence = ("Crossref license[] (version of record, from "
                                        f"{crossref.license_start or '?'}): {crossref.license_url}")
    article.doi = article.doi.lower()
    # The staged URL is the article's page (where a reader sees it), not an API or XML address.
    if html is not None and html.url:
        article.url = html.url
    elif landing_url:
        article.url = landing_url
    elif article.doi:
        article.url = f"https://doi.org/{article.doi}"
    for figure in article.figures:
        # A site's full-size file where the page shows a resized one (Springer, Taylor & Francis).
        full = [u for u in figure.extra.get("full_size_guess", []) if u not in figure.image_urls]
        if full:
            figure.image_urls = full + figure.image_urls
    return article


def pdf_article_figures(pdf_figures: list[PdfFigure]) -> list[Figure]:
    """The figures of a paper known only from its PDF, with their sub-captions (so that each panel
    becomes its own image, with its own view and date text)."""
    return [Figure(label=f.label, number=f.number, caption=f.caption, panel_captions=parse_subcaptions(f.caption),
                   extra={"from": "pdf", "pdf_page": f.page,
                          **({"supplementary": True} if f.extra.get("supplementary") else {})})
            for f in pdf_figures if not f.extra.get("duplicate_number")]


def supplement_pdfs_to_read(article: Article, pdf_figures: list[PdfFigure], verdicts: dict[int, Verdict]) -> list[str]:
    """The supplementary PDFs ("Additional file 1") worth reading: only when neither the article's
    figures nor its PDF's show a patient image of the chest (all charts, tables, photos... or none),
    since the curators then took the supplement's figures."""
    pdfs = [p["url"] for p in article.extra.get("supplementary_pdfs", ()) if p.get("url")]
    if not pdfs:
        return []
    own = article.figures + pdf_article_figures(pdf_figures)
    return [] if shows_patient_images(own, verdicts) else pdfs


def as_supplement(pdf_figures: list[PdfFigure], pdf_url: str) -> list[PdfFigure]:
    """A supplementary PDF's figures as figures of the paper: numbered apart from the article's (a
    supplement's "Figure 1" is kept as 101, like "Figure S1"), marked supplementary, each knowing its
    PDF (``attach_media`` names it in the source URL: ``...ESM.pdf#page=1&figure=S1``)."""
    for figure in pdf_figures:
        if not figure.extra.get("supplementary"):
            figure.number += SUPPLEMENT_NUMBER
            figure.extra["supplementary"] = True
        figure.extra["source_pdf"] = pdf_url
    return pdf_figures


def figures_with_urls(article: Article) -> int:
    return sum(1 for figure in article.figures if figure.image_url)


def needs_split(article: Article) -> list[tuple[int, str, int]]:
    """(figure number, image URL, panels named) of the figures to fetch before staging: their
    pixels say whether they are patient images (``ingest.figure_kinds``) and where their panels
    are (``ingest.panels``). The bytes fetched are the ones staged: nothing is downloaded twice.
    Figures whose caption already leaves them out, and panels served as separate files, are not."""
    wanted = []
    for figure in article.figures:
        if figure.number is None or not figure.image_url or caption_kind(figure.caption) is not None:
            continue
        if figure.extra.get("panel_files"):
            continue  # panels are separate files already (Atypon)
        wanted.append((figure.number, figure.image_url, len(figure.panel_captions)))
    return wanted


def _with_fragment(base: str, part: str) -> str:
    return f"{base}&{part}" if "#" in base else f"{base}#{part}"


def attach_media(cases: list[CaseRecord], *, pdf_url: str = "", pdf_figures: list[PdfFigure] | None = None,
                 figure_bytes: dict[str, bytes] | None = None,
                 splits: dict[int, PanelSplit] | None = None) -> list[CaseRecord]:
    """Give every image record the bytes or URL the media pipeline needs; withhold licences of
    cases showing third-party figures. Returns ``cases`` (changed in place)."""
    pdf_by_number = {f.number: f for f in pdf_figures or [] if not f.extra.get("duplicate_number")}
    figure_bytes = figure_bytes or {}
    splits = splits or {}
    for case in cases:
        third_party: list[str] = []
        for image in case.images:
            number = image.extra.get("figure_number")
            pdf = pdf_by_number.get(number) if not image.source_url else None
            if pdf is not None:
                base = f"{pdf.extra.get('source_pdf') or pdf_url}#page={pdf.page}&figure={figure_tag(pdf)}"
                parent = pdf.image_bytes
                image.extra["pdf_figure"] = {"url": pdf.extra.get("source_pdf") or pdf_url, "page": pdf.page,
                                             "bbox": list(pdf.bbox), "label": pdf.label,
                                             **{k: v for k, v in pdf.extra.items()
                                                if isinstance(v, (str, int, float, bool))}}
                image.extra.setdefault("parent_figure", base)
            else:
                base = image.extra.get("parent_figure") or image.source_url
                parent = figure_bytes.get(base)
            box = image.extra.get("panel_box")
            split = splits.get(number)
            if box is not None and split is not None and parent:
                panel = next((p for p in split.panels if list(p.box) == list(box)), None)
                if panel is not None:
                    image.source_url = _with_fragment(base, f"panel={image.label}")
                    image.content = panel.png
                    image.parent_content = parent
                    image.extra["parent_figure"] = base
                    image.extra["content_from"] = "panel cropped from the parent figure (ingest.panels.split_panels)"
                    image.extra["split"] = split.reason
            elif pdf is None and box is None and figure_bytes.get(image.source_url) and image.content is None:
                image.content = figure_bytes[image.source_url]
                image.extra["content_from"] = "figure as fetched by the spider (its pixels were checked there)"
            elif pdf is not None:
                image.source_url = base
                image.content = pdf.image_bytes
                image.extra["content_from"] = "figure extracted from the PDF (ingest.pdf_figures)"
                image.extra.setdefault("transform",
                                       pdf.extra.get("transform") or "embedded image(s) of the PDF page, as PNG")
            if image.extra.get("third_party"):
                image.extra["license"] = image.extra.get("figure_license") or ""
                image.extra["article_license"] = case.license_text
                image.extra["license_note"] = ("third-party figure: the article's licence does not cover it; "
                                               "a reviewer decides")
                third_party.append(str(image.extra.get("figure_label") or number))
        if third_party and case.license_text:
            case.extra["article_license"] = case.license_text
            case.license_text = ""
            case.warnings.append(
                f"licence withheld: {', '.join(dict.fromkeys(third_party))} is third-party material not covered "
                f"by the article's {case.extra['article_license']}; record the licence (or exclude the image) "
                "after review")
    return cases
