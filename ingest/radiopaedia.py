"""Radiopaedia: pure parsers for search pages, case pages (classic and 2022 layouts) and study stacks.

Markup follows ``site-notes.md`` §1. Every URL returned points at the real site
(``https://radiopaedia.org``); a spider crawling a mirror rewrites the host itself.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from ingest.pages import ParseError, SearchPage, block_text, squash, tidy
from ingest.records import CaseRecord, ImageRecord

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

SITE = "https://radiopaedia.org"
SOURCE = "radiopaedia"
#: The site-wide licence statement (site notes §1.7), used when the page itself names none.
SITE_LICENSE = (
    "Modified Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported (CC BY-NC-SA 3.0); "
    "attribution: contributor, Radiopaedia.org and rID (https://radiopaedia.org/licence)"
)

_RID_RE = re.compile(r"\brID[:\s-]*(\d{2,})", re.I)
_DOI_RE = re.compile(r"10\.53347/rID-(\d+)", re.I)
_STUDY_HREF_RE = re.compile(r"/studies/(\d+)")
_TRAILING_ID_RE = re.compile(r"(\d+)$")
_COURTESY_RE = re.compile(r"Case courtesy of\s+(.+?),\s*Radiopaedia\.org", re.I | re.S)
_VIDEO_SUFFIXES = (".mp4", ".webm", ".mov", ".avi", ".m4v", ".ogv")
_XRAY_MODALITIES = {"x-ray", "xray", "x ray", "radiograph", "plain radiograph", "plain film"}


# --- URLs ----------------------------------------------------------------------------------------

def canonical_radiopaedia_url(url: str) -> str:
    """``https://radiopaedia.org/<path>`` without query (``?lang=us``), fragment or trailing slash.

    Any host (www., a local mirror) maps to the real one, so the record keeps the public URL.
    """
    parts = urlsplit(urljoin(SITE + "/", url.strip()))
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", "radiopaedia.org", path, "", ""))


def radiopaedia_case_url(slug_or_rid_or_url: str) -> str:
    """Case URL from a slug (``covid-19-pneumonia-12``), an rID (``74867``, ``rID-74867``) or a URL."""
    value = slug_or_rid_or_url.strip()
    if not value:
        raise ValueError("empty Radiopaedia case reference")
    if "/" in value or value.startswith("http"):
        parts = urlsplit(urljoin(SITE + "/", value))
        match = re.search(r"/cases/([^/?#]+)", parts.path)
        if match:
            return canonical_radiopaedia_url("/cases/" + match.group(1))
        doi = _DOI_RE.search(value)
        if doi:
            return canonical_radiopaedia_url("/cases/" + doi.group(1))
        raise ValueError(f"not a Radiopaedia case URL: {value!r}")
    rid = re.fullmatch(r"(?:rID[-: ]?)?(\d+)", value, re.I)
    return canonical_radiopaedia_url("/cases/" + (rid.group(1) if rid else value))


def radiopaedia_stacks_url(study_id: str | int) -> str:
    """Path-absolute URL of a study's stacks JSON; ``?lang=us`` as the site's own links carry it."""
    return f"/studies/{int(str(study_id).strip())}/stacks?lang=us"


def radiopaedia_search_url(query: str, page: int = 1) -> str:
    """Search URL (``page`` is 1-based on Radiopaedia, site notes §1.2)."""
    if page < 1:
        raise ValueError("Radiopaedia search pages start at 1")
    return f"{SITE}/search?" + urlencode({"lang": "us", "page": page, "q": query, "scope": "cases"})


def _absolute(href: str, page_url: str = "") -> str:
    """``href`` resolved against the page (a query-only href keeps the page's path), on the real host."""
    base = urljoin(SITE + "/", urlsplit(page_url).path or "/") if page_url else SITE + "/"
    parts = urlsplit(urljoin(base, href.strip()))
    return urlunsplit(("https", "radiopaedia.org", parts.path, parts.query, ""))


def _is_case_path(path: str) -> bool:
    # /cases/<slug> only: not the /cases/ listing, not new/search forms, not a study viewer.
    match = re.fullmatch(r"/cases/([^/]+)/?", path)
    return bool(match) and match.group(1) not in {"new", "search", "index"}


# --- Search --------------------------------------------------------------------------------------

def parse_radiopaedia_search(html: str, url: str) -> SearchPage:
    """Case links and the next page of a search (or ``/cases``) results page (site notes §1.2)."""
    soup = BeautifulSoup(html, "lxml")
    container = soup.select_one("#search-results") or soup.select_one(".search-results-listing")
    cards = soup.select("a.search-result-case[href], a.search-result[href]")
    if container is None and not cards:
        raise ParseError(url, "no #search-results container and no a.search-result cards")
    if not cards and container is not None:
        # Older/unknown card markup: any case link inside the results container.
        cards = container.select('a[href*="/cases/"]')

    page = SearchPage()
    seen: set[str] = set()
    for card in cards:
        href = card.get("href", "")
        path = urlsplit(urljoin(SITE + "/", href)).path
        if not _is_case_path(path):
            continue
        case_url = canonical_radiopaedia_url(path)
        if case_url in seen:
            continue
        seen.add(case_url)
        page.case_urls.append(case_url)
        page.items.append(_search_card(card, case_url))

    next_link = soup.select_one("a.next_page[href], a[rel~=next][href], li.next:not(.disabled) > a[href]")
    if next_link is not None and "disabled" not in (next_link.get("class") or []):
        href = next_link["href"].strip()
        if href and href != "#":
            page.next_url = _absolute(href, url)
    return page


def _search_card(card: Tag, case_url: str) -> dict[str, Any]:
    def text_of(selector: str) -> str:
        el = card.select_one(selector)
        return squash(el.get_text(" ")) if el else ""

    return {
        "url": case_url,
        "title": text_of(".search-result-title") or text_of("h4"),
        "author": text_of(".search-result-author"),
        "published": text_of(".search-result-published_at"),
        "diagnostic_certainty": text_of(".search-result-diagnostic-certainty"),
        "completeness": text_of(".search-result-completeness"),
        "modalities": [squash(s.get_text()) for s in card.select(".search-result-modalities span") if squash(s.get_text())],
    }


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


def _label(text: str) -> str:
    return squash(text).rstrip(":").strip().lower()


def _metadata_rows(soup: BeautifulSoup) -> dict[str, Tag]:
    """Label -> value element of the citation/metadata block (``div.col-sm-3 > strong`` + ``div.col-sm-8``)."""
    rows: dict[str, Tag] = {}
    for strong in soup.select("div.col-sm-3 > strong, dt, .meta-item-label, .case-meta-label"):
        key = _LABEL_KEYS.get(_label(strong.get_text()))
        if not key or key in rows:
            continue
        holder = strong.parent if strong.name == "strong" else strong
        value = holder.find_next_sibling(["div", "dd", "span"])
        if value is not None:
            rows[key] = value
    return rows


def _parse_published(text: str) -> str:
    """ISO date from "18th Aug 2019" or "18 Aug 2019" (ordinal suffixes in one source only)."""
    cleaned = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", squash(text))
    for fmt in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _data_items(soup: BeautifulSoup) -> dict[str, str]:
    """Patient data ("Age: 30 years", "Gender: Male"): label element first, then "Label: value" text."""
    items: dict[str, str] = {}
    for item in soup.select("#case-patient-data .data-item, .data-item"):
        label_el = item.select_one(".data-item-label, strong")
        full = squash(item.get_text(" "))
        if label_el is not None:
            label = _label(label_el.get_text())
            value = squash(full[len(squash(label_el.get_text(" "))):] if full.startswith(squash(label_el.get_text(" "))) else full)
        elif ":" in full:
            label, value = (part.strip() for part in full.split(":", 1))
            label = label.lower()
        else:
            continue
        value = value.lstrip(":").strip()
        if label and value and label not in items:
            items[label] = value
    return items


def _study_containers(soup: BeautifulSoup) -> list[Tag]:
    found = soup.select("div.case-study, .case-viewer-2022")
    # A 2022 viewer block wrapping a case-study (or the reverse) is one study, not two.
    return [el for el in found if not any(other is not el and el in other.descendants for other in found)]


def _ids_in(element: Tag) -> list[str]:
    """Study ids carried by one element: data attributes, main-study-desc@id, viewer/stacks links."""
    ids: list[str] = []
    value = element.get("data-study-id")
    if value and str(value).strip().isdigit():
        ids.append(str(value).strip())
    stacks_url = element.get("data-study-stacks-url")
    if stacks_url:
        match = _STUDY_HREF_RE.search(stacks_url)
        if match:
            ids.append(match.group(1))
    classes = element.get("class") or []
    if "main-study-desc" in classes and element.get("id"):
        match = _TRAILING_ID_RE.search(element["id"])
        if match:
            ids.append(match.group(1))
    if element.name == "a" and element.get("href") and (
        "view-fullscreen-link" in classes or re.search(r"/cases/[^/]+/studies/\d+", element["href"])
    ):
        match = _STUDY_HREF_RE.search(element["href"])
        if match:
            ids.append(match.group(1))
    if "data" in classes and "hidden" in classes:
        ids.extend(_hidden_data_study_ids(element.get_text()))
    return ids


def _hidden_data_study_ids(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return []
    study = data.get("study") if isinstance(data, dict) else None
    if isinstance(study, dict) and str(study.get("id", "")).isdigit():
        return [str(study["id"])]
    return []


def _study_ids(root: Tag) -> list[str]:
    """Every study id in document order, from all the places the markup keeps them (notes §1.6.2)."""
    ids: list[str] = []
    for element in [root, *root.find_all(True)]:
        if not isinstance(element, Tag):
            continue
        for study_id in _ids_in(element):
            if study_id not in ids:
                ids.append(study_id)
    return ids


def _section_text(element: Tag | None) -> str:
    if element is None:
        return ""
    return block_text(element, skip=("h1", "h2", "h3", ".section-title", ".quiz", ".case-quiz", "button"))


def _split_quiz(text: str) -> tuple[str, list[str]]:
    """Quiz lines ("Q: ... show answer", "A: ...") are teaching aids, not findings (notes §1.6.7)."""
    kept, quiz = [], []
    for line in text.split("\n"):
        if re.match(r"^(Q|A)\s*:", line) or line.lower().endswith("show answer"):
            quiz.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), quiz


def _studies(soup: BeautifulSoup) -> list[dict[str, Any]]:
    studies = []
    for index, container in enumerate(_study_containers(soup), start=1):
        ids = _study_ids(container)
        modality_el = container.select_one(".study-modality .label, .study-modality span, .study-modality")
        title_el = container.select_one(".study-desc h2, .study-title, h2")
        findings_el = container.select_one(".study-findings")
        findings, quiz = _split_quiz(_section_text(findings_el))
        studies.append(
            {
                "index": index,
                "study_id": ids[0] if ids else "",
                "modality": squash(modality_el.get_text(" ")) if modality_el else "",
                "title": squash(title_el.get_text(" ")) if title_el else "",
                "findings": findings,
                "quiz": quiz,
            }
        )
    return studies


def _discussion(soup: BeautifulSoup) -> Tag | None:
    found = soup.select_one("#case-discussion, .case-discussion")
    if found is not None:
        return found
    # Layout B fallback (notes §1.3): any case section whose heading says "discussion".
    for section in soup.select(".case-section"):
        heading = section.find(["h2", "h3"])
        if heading is not None and "discussion" in heading.get_text().lower():
            return section
    return None


def _license_text(soup: BeautifulSoup) -> tuple[str, str]:
    for link in soup.select('a[href*="/licence"], a[href*="/license"], a[href*="creativecommons.org/licenses"]'):
        holder = link.find_parent(["p", "div", "li", "span"]) or link
        text = tidy(holder.get_text(" "))
        if re.search(r"creative commons|cc[ -]by|licen[cs]e", text, re.I):
            return text, "page"
    return SITE_LICENSE, "site-wide"


def _title(soup: BeautifulSoup) -> str:
    el = soup.select_one("h1.header-title, .header-title, #content-header h1")
    if el is not None and squash(el.get_text(" ")):
        return squash(el.get_text(" "))
    og = soup.select_one('meta[property="og:title"]')
    if og is not None and og.get("content", "").strip():
        return re.sub(r"\s*\|\s*Radiopaedia\.org\s*$", "", og["content"].strip(), flags=re.I)
    return ""


def parse_radiopaedia_case(html: str, url: str) -> CaseRecord:
    """A case page (classic layout A or the 2022 layout B) as a CaseRecord without images.

    ``extra`` holds what the record has no field for: ``study_ids`` (document order, unique),
    ``studies`` (per-study modality/title/findings), ``diagnostic_certainty``, ``slug``,
    ``permalink``, ``citation``, ``systems``, ``tags``, ``published_iso``, ``license_source``.
    """
    soup = BeautifulSoup(html, "lxml")
    rows = _metadata_rows(soup)
    title = _title(soup)

    def row_text(key: str) -> str:
        return tidy(rows[key].get_text(" ")) if key in rows else ""

    rid = ""
    rid_row = re.search(r"\d+", row_text("rid"))
    permalink_row = re.search(r"/cases/(\d+)\b", row_text("permalink"))
    # The citation holds dates too: only its DOI may give the rID.
    for match in (rid_row, _DOI_RE.search(row_text("doi")), permalink_row, _DOI_RE.search(row_text("citation"))):
        if match:
            rid = match.group(1) if match.groups() else match.group(0)
            break
    courtesy_el = soup.select_one("#offline-workflow-footer-courtesy, .case-courtesy")
    courtesy_text = tidy(courtesy_el.get_text(" ")) if courtesy_el else ""
    if not rid:
        match = _RID_RE.search(courtesy_text) or _DOI_RE.search(html)
        if match:
            rid = match.group(1)
    if not rid:
        match = re.fullmatch(r"/cases/(\d+)/?", urlsplit(url).path)
        if match:
            rid = match.group(1)
    if not title and not rid:
        raise ParseError(url, "no case title (h1.header-title) and no rID")
    if not rid:
        raise ParseError(url, f"case {title!r} has no rID (metadata rows, DOI, courtesy line)")
    if not title:
        raise ParseError(url, f"rID {rid} page has no case title (h1.header-title)")

    case_url = canonical_radiopaedia_url(url)
    canonical = soup.select_one('link[rel="canonical"][href*="/cases/"]')
    if re.fullmatch(r"https://radiopaedia\.org/cases/\d+", case_url) and canonical is not None:
        # Fetched by permalink (/cases/<rID>): the page's canonical link names the slug URL.
        case_url = canonical_radiopaedia_url(canonical["href"])

    doi = ""
    match = re.search(r"10\.53347/rID-\d+", row_text("doi") or row_text("citation"), re.I)
    if match:
        doi = match.group(0)

    citation = row_text("citation")
    authors = row_text("contributor")
    if not authors:
        match = _COURTESY_RE.search(courtesy_text)
        if match:
            authors = squash(match.group(1))
    if not authors:
        meta_author = soup.select_one('meta[name="author"]')
        if meta_author is not None:
            authors = squash(meta_author.get("content", ""))
    citation_authors = ""
    if citation and title and title in citation:
        citation_authors = citation.split(title, 1)[0].strip(" ,.")
    if not authors:
        authors = citation_authors

    if courtesy_text and _COURTESY_RE.search(courtesy_text):
        start = courtesy_text.lower().index("case courtesy of")
        credit = courtesy_text[start:]
        end = _RID_RE.search(credit)
        credit = credit[: end.end()] if end else credit
    else:
        credit = f"Case courtesy of {authors}, Radiopaedia.org, rID: {rid}" if authors else f"Radiopaedia.org, rID: {rid}"

    certainty_el = soup.select_one(
        "span.diagnostic-certainty-title, .diagnostic-certainty-title, #content-header .diagnostic-certainty, .diagnostic-certainty"
    )
    data = _data_items(soup)
    presentation = soup.select_one("#case-patient-presentation")
    studies = _studies(soup)
    study_ids = _study_ids(soup.select_one("#case-images") or soup.body or soup)
    # Ids found outside the images block (a 2022 page keeps them elsewhere) still count.
    for study_id in _study_ids(soup):
        if study_id not in study_ids:
            study_ids.append(study_id)
    license_text, license_source = _license_text(soup)
    published = row_text("published")

    warnings = []
    if not study_ids:
        warnings.append("no study id found on the case page: its images cannot be fetched")

    return CaseRecord(
        source=SOURCE,
        source_key=rid,
        url=case_url,
        title=title,
        doi=doi,
        license_text=license_text,
        published=published,
        authors=authors,
        institution=row_text("institution"),
        credit=credit,
        age_text=data.get("age", ""),
        sex_text=data.get("gender", data.get("sex", "")),
        history=_section_text(presentation),
        findings="\n".join(s["findings"] for s in studies if s["findings"]),
        discussion=_section_text(_discussion(soup)),
        diagnosis="",
        warnings=warnings,
        extra={
            "study_ids": study_ids,
            "studies": studies,
            "diagnostic_certainty": squash(certainty_el.get_text(" ")) if certainty_el else "",
            "slug": case_url.rsplit("/", 1)[-1],
            "permalink": row_text("permalink"),
            "citation": citation,
            "citation_authors": citation_authors,
            "published_iso": _parse_published(published) if published else "",
            "systems": [squash(a.get_text()) for a in rows["systems"].select("a")] if "systems" in rows else [],
            "tags": [urlsplit(a["href"]).path.rstrip("/").rsplit("/", 1)[-1] for a in rows["tags"].select('a[href*="/tags/"]')] if "tags" in rows else [],
            "license_source": license_source,
        },
    )


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
    # public_filename is the largest public rendition (site notes §1.4); the extension may be
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


def _stacks_to_images(
    stacks: list[dict[str, Any]], study_id: str, base_url: str, first_position: int
) -> list[ImageRecord]:
    records: list[ImageRecord] = []
    position = first_position
    for stack_index, stack in enumerate(stacks, start=1):
        modality = squash(str(stack.get("modality") or ""))
        kind = "xray" if modality.lower() in _XRAY_MODALITIES else "ct" if modality.upper() == "CT" else ""
        if not kind:
            continue  # MRI, ultrasound...: not part of this dataset
        images = [img for img in (stack.get("images") or []) if isinstance(img, dict)]
        ordered = [img for _, img in sorted(((_position(img, i), img) for i, img in enumerate(images)), key=lambda p: p[0])]
        ordered = [img for img in ordered if not _is_video(img) and _image_url(img, base_url)]
        if not ordered:
            continue
        label = f"study {study_id} / stack {stack_index}"
        if kind == "xray":
            for image in ordered:
                records.append(
                    ImageRecord(
                        source_url=_image_url(image, base_url),
                        position=position,
                        modality_text=modality,
                        view_text=squash(str(image.get("plane_projection") or "")),
                        label=label,
                        extra=_image_extra(image, stack, study_id, stack_index, base_url),
                    )
                )
                position += 1
        else:
            planes = [squash(str(img.get("plane_projection") or "")) for img in ordered]
            view = next((p for p in planes if p), "")
            auxes = [img.get("aux_modality") for img in ordered if img.get("aux_modality")]
            records.append(
                ImageRecord(
                    source_url=_image_url(ordered[0], base_url),
                    position=position,
                    modality_text=modality,
                    view_text=view,
                    label=label,
                    slice_urls=[_image_url(img, base_url) for img in ordered],
                    extra={
                        "study_id": study_id,
                        "stack_index": stack_index,
                        "image_ids": [img.get("id") for img in ordered],
                        "aux_modality": str(auxes[0]) if auxes else "",
                        "slice_count": len(ordered),
                        "width": ordered[0].get("width"),
                        "height": ordered[0].get("height"),
                    },
                )
            )
            position += 1
    return records


def _image_extra(image: dict[str, Any], stack: dict[str, Any], study_id: str, stack_index: int, base_url: str) -> dict[str, Any]:
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
    return _stacks_to_images(_load_stacks(json_text, str(study_id)), str(study_id), base_url, first_position)


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


def parse_radiopaedia_study_viewer(html: str, url: str, base_url: str = SITE, *, first_position: int = 0) -> list[ImageRecord]:
    """Images of a study viewer page (``/cases/<case>/studies/<id>``) from its inline ``stackedImages``."""
    payload = extract_stacked_images(html)
    match = _STUDY_HREF_RE.search(urlsplit(url).path)
    if payload is None or not match:
        raise ParseError(url, "no inline stackedImages array or no study id in the URL")
    return parse_radiopaedia_stacks(payload, match.group(1), base_url, first_position=first_position)
