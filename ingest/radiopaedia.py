"""Radiopaedia: pure parsers for search pages, case pages (classic and 2022 layouts) and study stacks.

Markup follows ``docs/site-notes.md`` §1. Every URL returned points at the real site
(``https://radiopaedia.org``); a spider crawling a mirror rewrites the host itself.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

from ingest.normalize.imaging import ct_scout
from ingest.pages import HtmlPage, ParseError, SearchPage, below, block_text, classes, first_below, squash, text, tidy
from ingest.patients import patient_named_by, patient_segments
from ingest.records import CaseRecord, ImageRecord
from ingest.sites.radiopaedia import (
    CASE_DOI,
    COURTESY,
    HOST,
    PUBLISHED_FORMATS,
    RID_IN_TEXT,
    SITE,
    SITE_LICENSE,
    SOURCE,
    canonical_radiopaedia_url,
    radiopaedia_case_url,
    radiopaedia_credit,
    radiopaedia_search_url,
    radiopaedia_stacks_url,
)
from ingest.timeline import dates_in

__all__ = [
    "SITE",
    "SITE_LICENSE",
    "canonical_radiopaedia_url",
    "extract_stacked_images",
    "parse_radiopaedia_case",
    "parse_radiopaedia_search",
    "parse_radiopaedia_stacks",
    "parse_radiopaedia_study_viewer",
    "radiopaedia_case_url",
    "radiopaedia_search_url",
    "radiopaedia_stacks_url",
]

_STUDY_HREF_RE = re.compile(r"/studies/(\d+)")
_TRAILING_ID_RE = re.compile(r"(?<!\d)(\d+)$")
_VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".avi", ".m4v", ".ogv")
_XRAY_MODALITIES = {"x-ray", "xray", "x ray", "radiograph", "plain radiograph", "plain film"}


# --- URLs ----------------------------------------------------------------------------------------

def _absolute(href: str, page_url: str = "") -> str:
    """``href`` resolved against the page (a query-only href keeps the page's path), on the real host."""
    base = urljoin(SITE + "/", urlsplit(page_url).path or "/") if page_url else SITE + "/"
    parts = urlsplit(urljoin(base, href.strip()))
    return urlunsplit(("https", HOST, parts.path, parts.query, ""))


def _is_case_path(path: str) -> bool:
    # /cases/<slug> only: not the /cases/ listing, not new/search forms, not a study viewer.
    match = re.fullmatch(r"/cases/([^/]+)/?", path)
    return bool(match) and match.group(1) not in {"new", "search", "index"}


# --- Search --------------------------------------------------------------------------------------

def _text(node: Selector, separator: str = "") -> str:
    # An element that is itself a <script>/<template>/... reads as empty here, as it always has.
    return text(node, separator, own_container=False)


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# ".search-result-modalities span": the modalities element may be any ancestor.
_CARD_MODALITIES = f"descendant::span[ancestor::*[{_has_class('search-result-modalities')}]]"


class RadiopaediaSearchPage(HtmlPage):
    """A search (or ``/cases``) results page: case links, what each card says, the next page (notes §1.2)."""

    enters_templates = True

    def cards(self) -> list[Selector]:
        container = self.first("#search-results") or self.first(".search-results-listing")
        cards = list(self.css("a.search-result-case[href], a.search-result[href]"))
        if container is None and not cards:
            raise ParseError(self.url, "no #search-results container and no a.search-result cards")
        if not cards and container is not None:
            # Older/unknown card markup: any case link inside the results container.
            cards = below(container, 'a[href*="/cases/"]')
        return cards

    def next_url(self) -> str | None:
        link = self.first("a.next_page[href], a[rel~=next][href], li.next:not(.disabled) > a[href]")
        if link is None or "disabled" in classes(link):
            return None
        href = link.attrib["href"].strip()
        return _absolute(href, self.url) if href and href != "#" else None

    def search_page(self) -> SearchPage:
        page = SearchPage()
        for card in self.cards():
            path = urlsplit(urljoin(SITE + "/", card.attrib.get("href", ""))).path
            if not _is_case_path(path):
                continue
            case_url = canonical_radiopaedia_url(path)
            if case_url not in page.case_urls:
                page.case_urls.append(case_url)
                page.items.append(self.card(card, case_url))
        page.next_url = self.next_url()
        return page

    @staticmethod
    def card(card: Selector, case_url: str) -> dict[str, Any]:
        def text_of(query: str) -> str:
            el = first_below(card, query)
            return squash(_text(el, " ")) if el is not None else ""

        return {
            "url": case_url,
            "title": text_of(".search-result-title") or text_of("h4"),
            "author": text_of(".search-result-author"),
            "published": text_of(".search-result-published_at"),
            "diagnostic_certainty": text_of(".search-result-diagnostic-certainty"),
            "completeness": text_of(".search-result-completeness"),
            "modalities": [squash(_text(s)) for s in card.xpath(_CARD_MODALITIES) if squash(_text(s))],
        }


def parse_radiopaedia_search(html: str, url: str) -> SearchPage:
    """Case links and the next page of a search (or ``/cases``) results page (docs/site-notes.md §1.2)."""
    return RadiopaediaSearchPage(html, url).search_page()


# --- Case page -----------------------------------------------------------------------------------

_LABEL_KEYS = {
    "citation": "citation",
    "doi": "doi",
    "permalink": "permalink",
    "rid": "rid",
    "case published": "published",
    "published": "published",
    "revisions": "revisions",
    "systems": "systems",
    "sections": "sections",
    "tags": "tags",
    "institution": "institution",
    "quiz mode": "quiz_mode",
    "inclusion in quiz mode": "quiz_mode",
    "disclosures": "disclosures",
    "case contributed by": "contributor",
    "contributed by": "contributor",
    "contributor": "contributor",
    "author": "contributor",
    "authors": "contributor",
}
_ROW_VALUE_TAGS = frozenset({"div", "dd", "span"})
# Elements that may carry a study id (a superset; _ids_in decides).
_STUDY_ID_CANDIDATES = (
    "descendant-or-self::*[@data-study-id or @data-study-stacks-url or (self::a and @href)"
    " or (@id and contains(@class, 'main-study-desc')) or contains(@class, 'data')]"
)
# ".study-modality .label, .study-modality span, .study-modality" below a study container.
_STUDY_MODALITY = (
    f"descendant::*[(({_has_class('label')}) or self::span) and ancestor::*[{_has_class('study-modality')}]]"
    f" | descendant::*[{_has_class('study-modality')}]"
)
# ".study-desc h2, .study-title, h2" (any h2 already covers ".study-desc h2").
_STUDY_TITLE = f"descendant::*[self::h2 or ({_has_class('study-title')})]"
_SECTION_SKIP = ("h1", "h2", "h3", ".section-title", ".quiz", ".case-quiz", "button")
_LICENSE_HOLDER_TAGS = frozenset({"p", "div", "li", "span"})


def _label(value: str) -> str:
    return squash(value).rstrip(":").strip().lower()


def _first(found: list[Selector]) -> Selector | None:
    return found[0] if found else None


def _parse_published(value: str) -> str:
    """ISO date from "18th Aug 2019" or "18 Aug 2019" (ordinal suffixes in one source only)."""
    cleaned = re.sub(r"(?<!\d)(\d+)(st|nd|rd|th)\b", r"\1", squash(value))
    for fmt in PUBLISHED_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _ids_in(element: Selector) -> list[str]:
    """Study ids carried by one element: data attributes, main-study-desc@id, viewer/stacks links."""
    ids: list[str] = []
    attrib = element.attrib
    value = attrib.get("data-study-id")
    if value and value.strip().isdigit():
        ids.append(value.strip())
    match = _STUDY_HREF_RE.search(attrib.get("data-study-stacks-url") or "")
    if match:
        ids.append(match.group(1))
    names = classes(element)
    if "main-study-desc" in names and attrib.get("id"):
        match = _TRAILING_ID_RE.search(attrib["id"])
        if match:
            ids.append(match.group(1))
    href = attrib.get("href") if element.root.tag == "a" else None
    if href and ("view-fullscreen-link" in names or re.search(r"/cases/[^/]+/studies/\d+", href)):
        match = _STUDY_HREF_RE.search(href)
        if match:
            ids.append(match.group(1))
    if "data" in names and "hidden" in names:
        ids.extend(_hidden_data_study_ids(_text(element)))
    return ids


def _hidden_data_study_ids(value: str) -> list[str]:
    try:
        data = json.loads(value)
    except (ValueError, TypeError):
        return []
    study = data.get("study") if isinstance(data, dict) else None
    if isinstance(study, dict) and str(study.get("id", "")).isdigit():
        return [str(study["id"])]
    return []


def _study_ids(node: Selector) -> list[str]:
    """Every study id in document order, from all the places the markup keeps them (notes §1.6.2)."""
    ids: list[str] = []
    for element in node.xpath(_STUDY_ID_CANDIDATES):
        for study_id in _ids_in(element):
            if study_id not in ids:
                ids.append(study_id)
    return ids


def _section_text(element: Selector | None) -> str:
    return block_text(element, skip=_SECTION_SKIP) if element is not None else ""


def _split_quiz(value: str) -> tuple[str, list[str]]:
    """Quiz lines ("Q: ... show answer", "A: ...") are teaching aids, not findings (notes §1.6.7)."""
    kept, quiz = [], []
    for line in value.split("\n"):
        if re.match(r"^(Q|A)\s*:", line) or line.lower().endswith("show answer"):
            quiz.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), quiz


class RadiopaediaCasePage(HtmlPage):
    """A case page (classic layout A or the 2022 layout B, notes §1.3): one method per record field."""

    enters_templates = True

    def __init__(self, html: str, url: str) -> None:
        super().__init__(html, url)
        self.html = html

    @cached_property
    def rows(self) -> dict[str, Selector]:
        """Label -> value element of the citation/metadata block (``div.col-sm-3 > strong`` + ``div.col-sm-8``)."""
        rows: dict[str, Selector] = {}
        for label in self.css("div.col-sm-3 > strong, dt, .meta-item-label, .case-meta-label"):
            key = _LABEL_KEYS.get(_label(_text(label)))
            if not key or key in rows:
                continue
            holder = label.root.getparent() if label.root.tag == "strong" else label.root
            if holder is None:
                continue
            value = next((s for s in holder.itersiblings() if s.tag in _ROW_VALUE_TAGS), None)
            if value is not None:
                rows[key] = Selector(root=value, type="html")
        return rows

    @cached_property
    def row_texts(self) -> dict[str, str]:
        return {key: tidy(_text(value, " ")) for key, value in self.rows.items()}

    def row_text(self, key: str) -> str:
        return self.row_texts.get(key, "")

    def title(self) -> str:
        el = self.first("h1.header-title, .header-title, #content-header h1")
        if el is not None and squash(_text(el, " ")):
            return squash(_text(el, " "))
        og = self.first('meta[property="og:title"]')
        if og is not None and og.attrib.get("content", "").strip():
            return re.sub(r"(?<!\s)\s*\|\s*Radiopaedia\.org\s*$", "", og.attrib["content"].strip(), flags=re.I)
        return ""

    @cached_property
    def courtesy_text(self) -> str:
        el = self.first("#offline-workflow-footer-courtesy, .case-courtesy")
        return tidy(_text(el, " ")) if el is not None else ""

    def rid(self) -> str:
        """The case's rID: metadata rows, the DOI, the permalink, the courtesy line, the URL; '' if none."""
        rid_row = re.search(r"\d+", self.row_text("rid"))
        permalink_row = re.search(r"/cases/(\d+)\b", self.row_text("permalink"))
        # The citation holds dates too: only its DOI may give the rID.
        for match in (rid_row, CASE_DOI.search(self.row_text("doi")), permalink_row,
                      CASE_DOI.search(self.row_text("citation"))):
            if match:
                return match.group(1) if match.groups() else match.group(0)
        match = RID_IN_TEXT.search(self.courtesy_text) or CASE_DOI.search(self.html)
        if match:
            return match.group(1)
        match = re.fullmatch(r"/cases/(\d+)/?", urlsplit(self.url).path)
        return match.group(1) if match else ""

    def case_url(self) -> str:
        case_url = canonical_radiopaedia_url(self.url)
        canonical = self.first('link[rel="canonical"][href*="/cases/"]')
        if re.fullmatch(r"https://radiopaedia\.org/cases/\d+", case_url) and canonical is not None:
            # Fetched by permalink (/cases/<rID>): the page's canonical link names the slug URL.
            case_url = canonical_radiopaedia_url(canonical.attrib["href"])
        return case_url

    def doi(self) -> str:
        match = re.search(r"10\.53347/rID-\d+", self.row_text("doi") or self.row_text("citation"), re.I)
        return match.group(0) if match else ""

    def citation_authors(self, title: str) -> str:
        citation = self.row_text("citation")
        if citation and title and title in citation:
            return citation.split(title, 1)[0].strip(" ,.")
        return ""

    def authors(self, title: str) -> str:
        """The contributor row, else the courtesy line's name, the author meta tag, the citation."""
        if self.row_text("contributor"):
            return self.row_text("contributor")
        match = COURTESY.search(self.courtesy_text)
        if match and squash(match.group(1)):
            return squash(match.group(1))
        meta_author = self.first('meta[name="author"]')
        if meta_author is not None and squash(meta_author.attrib.get("content", "")):
            return squash(meta_author.attrib.get("content", ""))
        return self.citation_authors(title)

    def credit(self, authors: str, rid: str) -> str:
        """The courtesy line as the page writes it, else one in its form (notes §1.4)."""
        courtesy = self.courtesy_text
        if courtesy and COURTESY.search(courtesy):
            credit = courtesy[courtesy.lower().index("case courtesy of"):]
            end = RID_IN_TEXT.search(credit)
            return credit[: end.end()] if end else credit
        return radiopaedia_credit(authors, rid)

    def patient_data(self) -> dict[str, str]:
        """Patient data ("Age: 30 years", "Gender: Male"): label element first, then "Label: value" text."""
        items: dict[str, str] = {}
        for item in self.css("#case-patient-data .data-item, .data-item"):
            label_el = first_below(item, ".data-item-label, strong")
            full = squash(_text(item, " "))
            if label_el is not None:
                label = _label(_text(label_el))
                label_text = squash(_text(label_el, " "))
                value = squash(full[len(label_text):] if full.startswith(label_text) else full)
            elif ":" in full:
                label, value = (part.strip() for part in full.split(":", 1))
                label = label.lower()
            else:
                continue
            value = value.lstrip(":").strip()
            if label and value and label not in items:
                items[label] = value
        return items

    def history(self) -> str:
        return _section_text(self.first("#case-patient-presentation"))

    def study_containers(self) -> list[Selector]:
        found = list(self.css("div.case-study, .case-viewer-2022"))
        # A 2022 viewer block wrapping a case-study (or the reverse) is one study, not two.
        members = {el.root for el in found}
        return [el for el in found if not any(a in members for a in el.root.iterancestors())]

    @cached_property
    def studies(self) -> list[dict[str, Any]]:
        studies = []
        for index, container in enumerate(self.study_containers(), start=1):
            ids = _study_ids(container)
            modality_el = _first(container.xpath(_STUDY_MODALITY))
            title_el = _first(container.xpath(_STUDY_TITLE))
            findings, quiz = _split_quiz(_section_text(first_below(container, ".study-findings")))
            studies.append({
                "index": index,
                "study_id": ids[0] if ids else "",
                "modality": squash(_text(modality_el, " ")) if modality_el is not None else "",
                "title": squash(_text(title_el, " ")) if title_el is not None else "",
                "findings": findings,
                "quiz": quiz,
            })
        return studies

    def findings(self) -> str:
        return "\n".join(s["findings"] for s in self.studies if s["findings"])

    def discussion(self) -> str:
        found = self.first("#case-discussion, .case-discussion")
        if found is None:
            # Layout B fallback (notes §1.3): any case section whose heading says "discussion".
            for section in self.css(".case-section"):
                heading = _first(section.xpath("descendant::*[self::h2 or self::h3][1]"))
                if heading is not None and "discussion" in _text(heading).lower():
                    found = section
                    break
        return _section_text(found)

    def study_ids(self) -> list[str]:
        images_root = self.first("#case-images")
        if images_root is None:
            images_root = _first(self.selector.xpath("descendant-or-self::body[1]"))
        study_ids = _study_ids(images_root if images_root is not None else self.selector)
        # Ids found outside the images block (a 2022 page keeps them elsewhere) still count.
        for study_id in _study_ids(self.selector):
            if study_id not in study_ids:
                study_ids.append(study_id)
        return study_ids

    def license(self) -> tuple[str, str]:
        """(licence text, "page" or "site-wide")."""
        for link in self.css('a[href*="/licence"], a[href*="/license"], a[href*="creativecommons.org/licenses"]'):
            holder = next((a for a in link.root.iterancestors() if a.tag in _LICENSE_HOLDER_TAGS), link.root)
            found = tidy(_text(holder, " "))
            if re.search(r"creative commons|cc[ -]by|licen[cs]e", found, re.I):
                return found, "page"
        return SITE_LICENSE, "site-wide"

    def diagnostic_certainty(self) -> str:
        el = self.first("span.diagnostic-certainty-title, .diagnostic-certainty-title, "
                        "#content-header .diagnostic-certainty, .diagnostic-certainty")
        return squash(_text(el, " ")) if el is not None else ""

    def systems(self) -> list[str]:
        return [squash(_text(a)) for a in below(self.rows["systems"], "a")] if "systems" in self.rows else []

    def tags(self) -> list[str]:
        if "tags" not in self.rows:
            return []
        return [urlsplit(a.attrib["href"]).path.rstrip("/").rsplit("/", 1)[-1]
                for a in below(self.rows["tags"], 'a[href*="/tags/"]')]

    def record(self) -> CaseRecord:
        title, rid = self.title(), self.rid()
        if not title and not rid:
            raise ParseError(self.url, "no case title (h1.header-title) and no rID")
        if not rid:
            raise ParseError(self.url, f"case {title!r} has no rID (metadata rows, DOI, courtesy line)")
        if not title:
            raise ParseError(self.url, f"rID {rid} page has no case title (h1.header-title)")
        case_url, authors, data = self.case_url(), self.authors(title), self.patient_data()
        study_ids = self.study_ids()
        license_text, license_source = self.license()
        published = self.row_text("published")
        return CaseRecord(
            source=SOURCE, source_key=rid, url=case_url, title=title, doi=self.doi(),
            license_text=license_text, published=published, authors=authors,
            institution=self.row_text("institution"), credit=self.credit(authors, rid),
            age_text=data.get("age", ""), sex_text=data.get("gender", data.get("sex", "")),
            history=self.history(), findings=self.findings(), discussion=self.discussion(), diagnosis="",
            warnings=[] if study_ids else ["no study id found on the case page: its images cannot be fetched"],
            extra={
                "study_ids": study_ids,
                "studies": self.studies,
                "diagnostic_certainty": self.diagnostic_certainty(),
                "slug": case_url.rsplit("/", 1)[-1],
                "permalink": self.row_text("permalink"),
                "citation": self.row_text("citation"),
                "citation_authors": self.citation_authors(title),
                "published_iso": _parse_published(published) if published else "",
                "systems": self.systems(),
                "tags": self.tags(),
                "license_source": license_source,
            },
        )


def parse_radiopaedia_case(html: str, url: str) -> CaseRecord:
    """A case page (classic layout A or the 2022 layout B) as a CaseRecord without images.

    ``extra`` holds what the record has no field for: ``study_ids`` (document order, unique),
    ``studies`` (per-study modality/title/findings), ``diagnostic_certainty``, ``slug``,
    ``permalink``, ``citation``, ``systems``, ``tags``, ``published_iso``, ``license_source``.
    """
    return RadiopaediaCasePage(html, url).record()


def split_radiopaedia_patients(record: CaseRecord) -> list[CaseRecord]:
    """A case page (its images attached) presenting several patients, as one case per patient.

    The presentation opens each patient's part ("Patient 1: 64-year-old man ... Patient 2: his wife,
    59 years old, ...") and every study's title (else its findings) names its patient ("Patient 2"):
    each patient's record, keyed ``<rID>-p<n>``, holds that part as its history (the one Patient Data
    block is one patient's, so it is not read) and the images of its own studies. When a study names
    no patient, or a patient has no study, the case stays whole with a warning for the reviewer.
    """
    parts = patient_segments(record.history)
    if not parts:
        return [record, *_earlier_normal_studies(record)]
    studies = [s for s in record.extra.get("studies") or [] if isinstance(s, dict)]
    owner = {str(s.get("study_id")): patient_named_by(str(s.get("title") or ""))
             or patient_named_by(str(s.get("findings") or "")) for s in studies}
    numbers = sorted(parts)
    if (not studies or set(owner.values()) != set(numbers)
            or any(str(i.extra.get("study_id", "")) not in owner for i in record.images)):
        record.warnings.append(f"several patients presented (patients {', '.join(map(str, numbers))}) but not "
                               "every study says whose: review and split by hand")
        return [record]
    records = []
    for number in numbers:
        own = [s for s in studies if owner[str(s.get("study_id"))] == number]
        ids = [str(s.get("study_id")) for s in own]
        images = [i for i in record.images if str(i.extra.get("study_id", "")) in ids]
        for position, image in enumerate(images):
            image.position = position
        records.append(CaseRecord(**{
            **record.__dict__,
            "source_key": f"{record.source_key}-p{number}",
            "age_text": "", "sex_text": "",
            "history": parts[number],
            "findings": "\n".join(str(s.get("findings") or "") for s in own if s.get("findings")),
            "images": images,
            "aliases": list(record.aliases),
            "warnings": [*record.warnings, f"patient {number} of {len(numbers)} split from multi-patient case "
                                           f"{record.source_key}: check the split"],
            "extra": {**record.extra, "studies": own, "study_ids": ids, "patient_number": number,
                      "patients": len(numbers)},
        }))
    return [r for record in records for r in (record, *_earlier_normal_studies(record))]


# A study of the patient's own from years before the illness, told normal, shown beside the case's films (a
# study titled "03/11/2016": "PA chest radiograph from her occupational health screening ... Clear lungs"): the
# curators' rows make it No Finding, with the patient's sex and no age, as SIRM's earlier films
# (``sirm._earlier_normal_films``) and Eurorad's own prior films (``eurorad._comparison_cases``).
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Calendar years a study must lie before the case's other studies (else its publication) to be of another time:
#: two, so that a day-first or month-first reading of its date cannot bring it into the illness's months.
_EARLIER_YEARS = 2
_NORMAL_EN = re.compile(
    r"\bnormal\b|\bclear\s+lungs?\b|\blungs?\s+(?:are\s+|were\s+)?clear\b|\bunremarkable\b|"
    r"\bno\s+(?:acute\s+)?(?:abnormalit\w*|pathology|findings?)\b", re.I)
_LESION_EN = re.compile(
    r"\b(?:opacit\w*|consolidat\w*|ground[- ]glass|infiltrat\w*|crazy[- ]paving|nodul\w*|mass(?:es)?|"
    r"atelecta\w*|fibros\w*|reticul\w*|bronchiecta\w*|cavit\w*|effusions?|pneumothorax|oedema|edema|"
    r"thicken\w*|interval|unchanged|stable|again|persist\w*|progress\w*|improv\w*|worse\w*|new)\b", re.I)
#: A negation and the rest of its sentence ("No focal consolidation, effusion or pneumothorax."): lesions denied.
_DENIED_EN = re.compile(r"\b(?:no|without)\b[^.;\n]*", re.I)
#: A study its author tells was made before the pandemic ("Pre-COVID (2019)", "pre-pandemic baseline", "before
#: COVID-19", "prior to the pandemic"): of another time whatever its year's distance from the case's.
_BEFORE_PANDEMIC = re.compile(
    r"\bpre[-\s]?(?:covid|pandemic)|\b(?:before|prior\s+to)\s+(?:the\s+)?(?:covid|pandemic)\b", re.I)


def _study_years(study: dict[str, Any]) -> list[int]:
    title = str(study.get("title") or "")
    years = [d.year for reading in (True, False) for _, _, d in dates_in(title, reading)]
    return years or [int(y) for y in _YEAR_RE.findall(title)]


def _before_pandemic(study: dict[str, Any], own: list[int], reference: int | None) -> bool:
    """``study``'s title or findings tell it was made before the pandemic, and the years it names (if any) lie
    before the case's other studies' (else its publication's)."""
    told = f"{study.get('title') or ''}\n{study.get('findings') or ''}"
    return (_BEFORE_PANDEMIC.search(told) is not None
            and (not own or (reference is not None and max(own) < reference)))


def _earlier_normal_studies(record: CaseRecord) -> list[CaseRecord]:
    """The studies of ``record`` dated (by their titles, else by years their findings name) at least
    ``_EARLIER_YEARS`` calendar years before every other study of the case (else before its publication), or told
    made before the pandemic (``_before_pandemic``), and told normal with no lesion but denied ones, each taken out
    into a case of its own (``<rID>-n<k>``, No Finding, the patient's sex, no age: the Patient Data age is the age
    at the illness); the case keeps the others."""
    studies = [s for s in record.extra.get("studies") or [] if isinstance(s, dict) and s.get("study_id")]
    if len(studies) < 2:
        return []
    published = str(record.extra.get("published_iso") or "")[:4]

    def years(study: dict[str, Any]) -> list[int]:
        return _study_years(study) or [int(y) for y in _YEAR_RE.findall(str(study.get("findings") or ""))]

    def earlier_normal(study: dict[str, Any]) -> bool:
        own = years(study)
        others = [y for s in studies if s is not study for y in _study_years(s)]
        reference = min(others) if others else (int(published) if published.isdigit() else None)
        findings = str(study.get("findings") or "")
        return (((bool(own) and reference is not None and reference - max(own) >= _EARLIER_YEARS)
                 or _before_pandemic(study, own, reference))
                and _NORMAL_EN.search(findings) is not None
                and _LESION_EN.search(_DENIED_EN.sub(" ", findings)) is None)

    earlier = [s for s in studies if earlier_normal(s)]
    ids = {str(s["study_id"]) for s in earlier}
    images = [i for i in record.images if str(i.extra.get("study_id", "")) in ids]
    if not earlier or not images or len(images) == len(record.images):
        return []
    kept = [s for s in studies if s not in earlier]
    record.images = [i for i in record.images if i not in images]
    for position, image in enumerate(record.images):
        image.position = position
    record.findings = "\n".join(str(s.get("findings") or "") for s in kept if s.get("findings"))
    record.extra = {**record.extra, "studies": kept,
                    "study_ids": [i for i in record.extra.get("study_ids") or [] if str(i) not in ids]}
    cases = []
    for k, study in enumerate(earlier, start=1):
        own = [i for i in images if str(i.extra.get("study_id", "")) == str(study["study_id"])]
        for position, image in enumerate(own):
            image.position = position
        findings = str(study.get("findings") or "")
        cases.append(CaseRecord(**{
            **record.__dict__, "source_key": f"{record.source_key}-n{k}", "age_text": "",
            # the case's title is about its illness, not about this earlier study
            "title": f"Earlier normal study {k} of Radiopaedia case {record.source_key}",
            "history": findings, "findings": findings, "discussion": "",
            "diagnosis": "No Finding (normal earlier study)", "images": own, "aliases": list(record.aliases),
            "warnings": [*record.warnings, f"earlier normal study {k} of {record.source_key} "
                                           f"({study.get('title') or 'untitled'}), split into its own case: check "
                                           "the split"],
            "extra": {**record.extra, "studies": [study], "study_ids": [str(study["study_id"])],
                      "earlier_normal_film": k},
        }))
    return cases


# --- Stacks --------------------------------------------------------------------------------------

def _is_video(image: dict[str, Any]) -> bool:
    content_type = str(image.get("content_type") or "").lower()
    if content_type.startswith("video/"):
        return True
    for key in ("public_filename", "fullscreen_filename"):
        path = urlsplit(str(image.get(key) or "")).path.lower()
        if path.endswith(_VIDEO_SUFFIXES):
            return True
    return False


def _position(image: dict[str, Any], fallback: int) -> tuple[int, int]:
    try:
        return (int(image.get("position")), fallback)
    except (TypeError, ValueError):
        # No usable position: keep the JSON order, after the positioned images.
        return (1 << 30, fallback)


def _image_url(image: dict[str, Any], base_url: str) -> str:
    # public_filename is the largest public rendition (docs/site-notes.md §1.4); the extension may be
    # missing or upper-case, so the URL is kept exactly as given.
    for key in ("public_filename", "fullscreen_filename"):
        value = str(image.get(key) or "").strip()
        if value:
            return urljoin(base_url.rstrip("/") + "/", value)
    return ""


def _load_stacks(json_text: str | bytes, study_id: str) -> list[dict[str, Any]]:
    text = json_text.decode("utf-8", errors="replace") if isinstance(json_text, bytes) else json_text
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped.startswith(("[", "{")):
        raise ParseError(radiopaedia_stacks_url(study_id), "stacks body is not JSON (challenge page?)")
    try:
        data = json.loads(stripped)
    except ValueError as exc:
        raise ParseError(radiopaedia_stacks_url(study_id), f"stacks JSON does not parse: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("stacks"), list):
        data = data["stacks"]
    if not isinstance(data, list):
        raise ParseError(radiopaedia_stacks_url(study_id), "stacks JSON is not an array")
    return [stack for stack in data if isinstance(stack, dict)]


class RadiopaediaStudy:
    """A study's stacks (the stacks JSON, or the study viewer's inline array) as ImageRecords."""

    def __init__(self, stacks: list[dict[str, Any]], study_id: str, base_url: str) -> None:
        self.stacks, self.study_id, self.base_url = stacks, study_id, base_url

    def ordered_images(self, stack: dict[str, Any]) -> list[dict[str, Any]]:
        """The stack's still images in their ``position`` order (the JSON is not always in order)."""
        images = [img for img in (stack.get("images") or []) if isinstance(img, dict)]
        ordered = [img for _, img in sorted(((_position(img, i), img) for i, img in enumerate(images)),
                                            key=lambda p: p[0])]
        return [img for img in ordered if not _is_video(img) and _image_url(img, self.base_url)]

    def xray_images(self, stack: dict[str, Any], stack_index: int, ordered: list[dict[str, Any]],
                    position: int) -> list[ImageRecord]:
        """One record per X-ray image."""
        modality = squash(str(stack.get("modality") or ""))
        return [
            ImageRecord(
                source_url=_image_url(image, self.base_url),
                position=position + offset,
                modality_text=modality,
                view_text=squash(str(image.get("plane_projection") or "")),
                label=f"study {self.study_id} / stack {stack_index}",
                extra=_image_extra(image, stack, self.study_id, stack_index, self.base_url),
            )
            for offset, image in enumerate(ordered)
        ]

    def ct_volume(self, stack: dict[str, Any], stack_index: int, ordered: list[dict[str, Any]],
                  position: int) -> ImageRecord:
        """One record per CT stack, its slices in order."""
        planes = [squash(str(img.get("plane_projection") or "")) for img in ordered]
        auxes = [img.get("aux_modality") for img in ordered if img.get("aux_modality")]
        return ImageRecord(
            source_url=_image_url(ordered[0], self.base_url),
            position=position,
            modality_text=squash(str(stack.get("modality") or "")),
            view_text=next((p for p in planes if p), ""),
            label=f"study {self.study_id} / stack {stack_index}",
            slice_urls=[_image_url(img, self.base_url) for img in ordered],
            extra={
                "study_id": self.study_id,
                "stack_index": stack_index,
                "image_ids": [img.get("id") for img in ordered],
                "aux_modality": str(auxes[0]) if auxes else "",
                "slice_count": len(ordered),
                "width": ordered[0].get("width"),
                "height": ordered[0].get("height"),
            },
        )

    def images(self, first_position: int) -> list[ImageRecord]:
        records: list[ImageRecord] = []
        for stack_index, stack in enumerate(self.stacks, start=1):
            modality = squash(str(stack.get("modality") or ""))
            kind = "xray" if modality.lower() in _XRAY_MODALITIES else "ct" if modality.upper() == "CT" else ""
            ordered = self.ordered_images(stack) if kind else []  # MRI, ultrasound...: not in this dataset
            if not ordered or (kind == "ct" and _is_scout(ordered)):
                continue
            position = first_position + len(records)
            if kind == "xray":
                records.extend(self.xray_images(stack, stack_index, ordered, position))
            else:
                records.append(self.ct_volume(stack, stack_index, ordered, position))
        return records


#: The planes of a projection radiograph: a CT stack in one is its scout (or a rendering), no slice.
_PROJECTION_PLANES = frozenset({"frontal", "lateral"})


def _is_scout(ordered: list[dict[str, Any]]) -> bool:
    """A CT stack that is the scout: its images' aux modality names it ("Scout", "Topogram"), or its
    plane is a radiograph's projection ("Frontal"), where a CT's slices are Axial, Coronal, Sagittal."""
    words = " ".join(str(img.get("aux_modality") or "") for img in ordered)
    planes = {squash(str(img.get("plane_projection") or "")).lower() for img in ordered} - {""}
    return bool(ct_scout(words)) or (bool(planes) and planes <= _PROJECTION_PLANES)


def _image_extra(image: dict[str, Any], stack: dict[str, Any], study_id: str, stack_index: int,
                 base_url: str) -> dict[str, Any]:
    download = str(image.get("download_image_url") or "")
    return {
        "study_id": study_id,
        "stack_index": stack_index,
        "image_id": image.get("id"),
        "stack_position": image.get("position"),
        "aux_modality": str(image.get("aux_modality") or ""),
        "content_type": image.get("content_type") or "",
        "width": image.get("width"),
        "height": image.get("height"),
        "fullscreen_url": str(image.get("fullscreen_filename") or ""),
        "download_url": urljoin(base_url.rstrip("/") + "/", download) if download else "",
    }


def parse_radiopaedia_stacks(
    json_text: str | bytes, study_id: str, base_url: str = SITE, *, first_position: int = 0
) -> list[ImageRecord]:
    """A study's stacks JSON as ImageRecords: one per X-ray image, one per CT stack (with slice_urls).

    Images are ordered by their ``position`` (the JSON is not always in order), videos and other
    modalities are skipped. ``position`` counts from ``first_position`` so a spider can number the
    images of several studies of one case consecutively. Raises ParseError when the body is not a
    JSON array (a challenge page served with HTTP 200).
    """
    study = RadiopaediaStudy(_load_stacks(json_text, str(study_id)), str(study_id), base_url)
    return study.images(first_position)


def extract_stacked_images(html: str) -> str | None:
    """The JSON text of ``var stackedImages = [...]`` in a study viewer page, or None."""
    match = re.search(r"stackedImages\s*=\s*\[", html)
    if not match:
        return None
    start = match.end() - 1
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(html)):
        char = html[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return html[start : index + 1]
    return None


def parse_radiopaedia_study_viewer(html: str, url: str, base_url: str = SITE, *,
                                   first_position: int = 0) -> list[ImageRecord]:
    """Images of a study viewer page (``/cases/<case>/studies/<id>``) from its inline ``stackedImages``."""
    payload = extract_stacked_images(html)
    match = _STUDY_HREF_RE.search(urlsplit(url).path)
    if payload is None or not match:
        raise ParseError(url, "no inline stackedImages array or no study id in the URL")
    return parse_radiopaedia_stacks(payload, match.group(1), base_url, first_position=first_position)
