"""Radiopaedia: pure parsers for search pages, case pages (classic and 2022 layouts) and study stacks.

Markup follows ``docs/site-notes.md`` §1. Every URL returned points at the real site
(``https://radiopaedia.org``); a spider crawling a mirror rewrites the host itself.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from cssselect import HTMLTranslator
from lxml import etree

from ingest.pages import ParseError, SearchPage, squash, tidy
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
#: The site-wide licence statement (docs/site-notes.md §1.7), used when the page itself names none.
SITE_LICENSE = (
    "Modified Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported (CC BY-NC-SA 3.0); "
    "attribution: contributor, Radiopaedia.org and rID (https://radiopaedia.org/licence)"
)

_RID_RE = re.compile(r"\brID[:\s-]*(\d{2,})", re.I)
_DOI_RE = re.compile(r"10\.53347/rID-(\d+)", re.I)
_STUDY_HREF_RE = re.compile(r"/studies/(\d+)")
_TRAILING_ID_RE = re.compile(r"(?<!\d)(\d+)$")
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
    """Search URL (``page`` is 1-based on Radiopaedia, docs/site-notes.md §1.2)."""
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


# --- lxml helpers (BeautifulSoup semantics, at lxml speed) ----------------------------------------
#
# The parsers used to build a BeautifulSoup tree (with the lxml parser) and query it with CSS; the
# same libxml2 tree is now queried directly with XPath compiled once (CSS translated by cssselect).
# The helpers below reproduce what the BeautifulSoup calls returned: ``_text`` is ``get_text``
# (comments, <script>/<style>/<template>/<rt>/<rp> strings left out, whitespace-only strings
# collapsed to " " or "\n" outside <pre>/<textarea>), ``_block_text`` is ``ingest.pages.block_text``.

_CSS = HTMLTranslator()
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"
#: Tags whose strings BeautifulSoup types as Script/Stylesheet/TemplateString/Ruby*: not in get_text.
_STRING_CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})
#: Tags inside which BeautifulSoup keeps whitespace-only strings as they are.
_PRESERVE_WHITESPACE = frozenset({"pre", "textarea"})


def _css(selector: str) -> etree.XPath:
    """A CSS selector matched anywhere below (and at) the context node: ``soup.select`` on a document."""
    return etree.XPath(_CSS.css_to_xpath(selector))


def _css_in(selector: str) -> etree.XPath:
    """A simple (combinator-free) CSS selector matched on the descendants of an element: ``tag.select``."""
    return etree.XPath(_CSS.css_to_xpath(selector, prefix="descendant::"))


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _first(xpath: etree.XPath, node: Any) -> Any:
    found = xpath(node)
    return found[0] if found else None


def _parse_html(html: str) -> Any:
    """The document's root element (libxml2's HTML parser, as BeautifulSoup's "lxml" builder uses)."""
    try:
        root = etree.fromstring(html, etree.HTMLParser())
    except ValueError:  # a str with an XML encoding declaration
        root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    except etree.XMLSyntaxError:
        root = None
    if root is None:  # an empty document
        root = etree.fromstring("<html></html>", etree.HTMLParser())
    return root


def _in_tags(element: Any, names: frozenset[str]) -> bool:
    if element.tag in names:
        return True
    return any(ancestor.tag in names for ancestor in element.iterancestors())


def _collapse(text: str, preserve: bool) -> str:
    # BeautifulSoup turns a whitespace-only string into "\n" (if it has one) or " ".
    if preserve or text.strip(_ASCII_SPACES):
        return text
    return "\n" if "\n" in text else " "


def _strings(element: Any, hidden: bool, preserve: bool, out: list[str]) -> None:
    text = element.text
    if text and not hidden:
        out.append(_collapse(text, preserve))
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # comments and processing instructions: only their tail counts
            _strings(child, hidden or tag in _STRING_CONTAINERS, preserve or tag in _PRESERVE_WHITESPACE, out)
        tail = child.tail
        if tail and not hidden:
            out.append(_collapse(tail, preserve))


def _text(element: Any, separator: str = "") -> str:
    """``element.get_text(separator)`` of BeautifulSoup."""
    out: list[str] = []
    _strings(element, _in_tags(element, _STRING_CONTAINERS), _in_tags(element, _PRESERVE_WHITESPACE), out)
    return separator.join(out)


def _classes(element: Any) -> list[str]:
    return (element.get("class") or "").split()


_BLOCK_TAGS = frozenset({
    "p", "div", "li", "ul", "ol", "br", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr",
    "section", "article", "blockquote", "dt", "dd", "figcaption", "pre",
})
_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})


def _block_text(node: Any, skip: tuple[etree.XPath, ...] = ()) -> str:
    """``ingest.pages.block_text`` on an lxml element: one line per block element, inline markup flattened."""
    if node is None:
        return ""
    skipped = {el for xpath in skip for el in xpath(node)}
    parts: list[str] = []

    def walk(el: Any, preserve: bool) -> None:
        text = el.text
        if text:
            parts.append(_collapse(text, preserve).replace("\n", " "))
        for child in el:
            name = child.tag
            if not isinstance(name, str) or child in skipped or name in _NOT_TEXT:
                pass
            elif name == "br":
                parts.append("\n")
            else:
                block = name in _BLOCK_TAGS
                if block:
                    parts.append("\n")
                walk(child, preserve or name in _PRESERVE_WHITESPACE)
                if block:
                    parts.append("\n")
            tail = child.tail
            if tail:
                parts.append(_collapse(tail, preserve).replace("\n", " "))

    walk(node, _in_tags(node, _PRESERVE_WHITESPACE))
    return squash("".join(parts))


# --- Search --------------------------------------------------------------------------------------

_SEARCH_CONTAINER = _css("#search-results")
_SEARCH_LISTING = _css(".search-results-listing")
_SEARCH_CARDS = _css("a.search-result-case[href], a.search-result[href]")
_CONTAINER_CASE_LINKS = _css_in('a[href*="/cases/"]')
_NEXT_LINK = _css("a.next_page[href], a[rel~=next][href], li.next:not(.disabled) > a[href]")
_CARD_TITLE = _css_in(".search-result-title")
_CARD_H4 = _css_in("h4")
_CARD_AUTHOR = _css_in(".search-result-author")
_CARD_PUBLISHED = _css_in(".search-result-published_at")
_CARD_CERTAINTY = _css_in(".search-result-diagnostic-certainty")
_CARD_COMPLETENESS = _css_in(".search-result-completeness")
# ".search-result-modalities span": the modalities element may be any ancestor (soupsieve semantics).
_CARD_MODALITIES = etree.XPath(f"descendant::span[ancestor::*[{_has_class('search-result-modalities')}]]")


def parse_radiopaedia_search(html: str, url: str) -> SearchPage:
    """Case links and the next page of a search (or ``/cases``) results page (docs/site-notes.md §1.2)."""
    root = _parse_html(html)
    container = _first(_SEARCH_CONTAINER, root)
    if container is None:
        container = _first(_SEARCH_LISTING, root)
    cards = _SEARCH_CARDS(root)
    if container is None and not cards:
        raise ParseError(url, "no #search-results container and no a.search-result cards")
    if not cards and container is not None:
        # Older/unknown card markup: any case link inside the results container.
        cards = _CONTAINER_CASE_LINKS(container)

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

    next_link = _first(_NEXT_LINK, root)
    if next_link is not None and "disabled" not in _classes(next_link):
        href = next_link.get("href").strip()
        if href and href != "#":
            page.next_url = _absolute(href, url)
    return page


def _search_card(card: Any, case_url: str) -> dict[str, Any]:
    def text_of(xpath: etree.XPath) -> str:
        el = _first(xpath, card)
        return squash(_text(el, " ")) if el is not None else ""

    return {
        "url": case_url,
        "title": text_of(_CARD_TITLE) or text_of(_CARD_H4),
        "author": text_of(_CARD_AUTHOR),
        "published": text_of(_CARD_PUBLISHED),
        "diagnostic_certainty": text_of(_CARD_CERTAINTY),
        "completeness": text_of(_CARD_COMPLETENESS),
        "modalities": [squash(_text(s)) for s in _CARD_MODALITIES(card) if squash(_text(s))],
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

_META_LABELS = _css("div.col-sm-3 > strong, dt, .meta-item-label, .case-meta-label")
_ROW_VALUE_TAGS = frozenset({"div", "dd", "span"})
_DATA_ITEMS = _css("#case-patient-data .data-item, .data-item")
_DATA_ITEM_LABEL = _css_in(".data-item-label, strong")
_STUDY_CONTAINERS = _css("div.case-study, .case-viewer-2022")
# Elements that may carry a study id (a superset; _ids_in decides): see _ids_in.
_STUDY_ID_CANDIDATES = etree.XPath(
    "descendant-or-self::*[@data-study-id or @data-study-stacks-url or (self::a and @href)"
    " or (@id and contains(@class, 'main-study-desc')) or contains(@class, 'data')]"
)
# ".study-modality .label, .study-modality span, .study-modality" below a study container.
_STUDY_MODALITY = etree.XPath(
    f"descendant::*[(({_has_class('label')}) or self::span) and ancestor::*[{_has_class('study-modality')}]]"
    f" | descendant::*[{_has_class('study-modality')}]"
)
# ".study-desc h2, .study-title, h2" (any h2 already covers ".study-desc h2").
_STUDY_TITLE = etree.XPath(f"descendant::*[self::h2 or ({_has_class('study-title')})]")
_STUDY_FINDINGS = _css_in(".study-findings")
_SECTION_SKIP = tuple(_css_in(s) for s in ("h1", "h2", "h3", ".section-title", ".quiz", ".case-quiz", "button"))
_DISCUSSION = _css("#case-discussion, .case-discussion")
_CASE_SECTIONS = _css(".case-section")
_FIRST_H2_H3 = etree.XPath("descendant::*[self::h2 or self::h3][1]")
_LICENSE_LINKS = _css('a[href*="/licence"], a[href*="/license"], a[href*="creativecommons.org/licenses"]')
_LICENSE_HOLDER_TAGS = frozenset({"p", "div", "li", "span"})
_TITLE = _css("h1.header-title, .header-title, #content-header h1")
_OG_TITLE = _css('meta[property="og:title"]')
_COURTESY = _css("#offline-workflow-footer-courtesy, .case-courtesy")
_CANONICAL = _css('link[rel="canonical"][href*="/cases/"]')
_META_AUTHOR = _css('meta[name="author"]')
_CERTAINTY = _css(
    "span.diagnostic-certainty-title, .diagnostic-certainty-title, #content-header .diagnostic-certainty, .diagnostic-certainty"
)
_PRESENTATION = _css("#case-patient-presentation")
_CASE_IMAGES = _css("#case-images")
_BODY = etree.XPath("descendant-or-self::body[1]")
_LINKS = _css_in("a")
_TAG_LINKS = _css_in('a[href*="/tags/"]')


def _label(text: str) -> str:
    return squash(text).rstrip(":").strip().lower()


def _metadata_rows(root: Any) -> dict[str, Any]:
    """Label -> value element of the citation/metadata block (``div.col-sm-3 > strong`` + ``div.col-sm-8``)."""
    rows: dict[str, Any] = {}
    for strong in _META_LABELS(root):
        key = _LABEL_KEYS.get(_label(_text(strong)))
        if not key or key in rows:
            continue
        holder = strong.getparent() if strong.tag == "strong" else strong
        if holder is None:
            continue
        value = next((s for s in holder.itersiblings() if s.tag in _ROW_VALUE_TAGS), None)
        if value is not None:
            rows[key] = value
    return rows


def _parse_published(text: str) -> str:
    """ISO date from "18th Aug 2019" or "18 Aug 2019" (ordinal suffixes in one source only)."""
    cleaned = re.sub(r"(?<!\d)(\d+)(st|nd|rd|th)\b", r"\1", squash(text))
    for fmt in ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cleaned, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def _data_items(root: Any) -> dict[str, str]:
    """Patient data ("Age: 30 years", "Gender: Male"): label element first, then "Label: value" text."""
    items: dict[str, str] = {}
    for item in _DATA_ITEMS(root):
        label_el = _first(_DATA_ITEM_LABEL, item)
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


def _study_containers(root: Any) -> list[Any]:
    found = _STUDY_CONTAINERS(root)
    # A 2022 viewer block wrapping a case-study (or the reverse) is one study, not two.
    members = set(found)
    return [el for el in found if not any(ancestor in members for ancestor in el.iterancestors())]


def _ids_in(element: Any) -> list[str]:
    """Study ids carried by one element: data attributes, main-study-desc@id, viewer/stacks links."""
    ids: list[str] = []
    value = element.get("data-study-id")
    if value and value.strip().isdigit():
        ids.append(value.strip())
    stacks_url = element.get("data-study-stacks-url")
    if stacks_url:
        match = _STUDY_HREF_RE.search(stacks_url)
        if match:
            ids.append(match.group(1))
    classes = _classes(element)
    if "main-study-desc" in classes and element.get("id"):
        match = _TRAILING_ID_RE.search(element.get("id"))
        if match:
            ids.append(match.group(1))
    href = element.get("href") if element.tag == "a" else None
    if href and ("view-fullscreen-link" in classes or re.search(r"/cases/[^/]+/studies/\d+", href)):
        match = _STUDY_HREF_RE.search(href)
        if match:
            ids.append(match.group(1))
    if "data" in classes and "hidden" in classes:
        ids.extend(_hidden_data_study_ids(_text(element)))
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


def _study_ids(root: Any) -> list[str]:
    """Every study id in document order, from all the places the markup keeps them (notes §1.6.2)."""
    ids: list[str] = []
    for element in _STUDY_ID_CANDIDATES(root):
        for study_id in _ids_in(element):
            if study_id not in ids:
                ids.append(study_id)
    return ids


def _section_text(element: Any) -> str:
    if element is None:
        return ""
    return _block_text(element, skip=_SECTION_SKIP)


def _split_quiz(text: str) -> tuple[str, list[str]]:
    """Quiz lines ("Q: ... show answer", "A: ...") are teaching aids, not findings (notes §1.6.7)."""
    kept, quiz = [], []
    for line in text.split("\n"):
        if re.match(r"^(Q|A)\s*:", line) or line.lower().endswith("show answer"):
            quiz.append(line)
        else:
            kept.append(line)
    return "\n".join(kept), quiz


def _studies(root: Any) -> list[dict[str, Any]]:
    studies = []
    for index, container in enumerate(_study_containers(root), start=1):
        ids = _study_ids(container)
        modality_el = _first(_STUDY_MODALITY, container)
        title_el = _first(_STUDY_TITLE, container)
        findings_el = _first(_STUDY_FINDINGS, container)
        findings, quiz = _split_quiz(_section_text(findings_el))
        studies.append(
            {
                "index": index,
                "study_id": ids[0] if ids else "",
                "modality": squash(_text(modality_el, " ")) if modality_el is not None else "",
                "title": squash(_text(title_el, " ")) if title_el is not None else "",
                "findings": findings,
                "quiz": quiz,
            }
        )
    return studies


def _discussion(root: Any) -> Any:
    found = _first(_DISCUSSION, root)
    if found is not None:
        return found
    # Layout B fallback (notes §1.3): any case section whose heading says "discussion".
    for section in _CASE_SECTIONS(root):
        heading = _first(_FIRST_H2_H3, section)
        if heading is not None and "discussion" in _text(heading).lower():
            return section
    return None


def _license_text(root: Any) -> tuple[str, str]:
    for link in _LICENSE_LINKS(root):
        holder = next((a for a in link.iterancestors() if a.tag in _LICENSE_HOLDER_TAGS), link)
        text = tidy(_text(holder, " "))
        if re.search(r"creative commons|cc[ -]by|licen[cs]e", text, re.I):
            return text, "page"
    return SITE_LICENSE, "site-wide"


def _title(root: Any) -> str:
    el = _first(_TITLE, root)
    if el is not None and squash(_text(el, " ")):
        return squash(_text(el, " "))
    og = _first(_OG_TITLE, root)
    if og is not None and og.get("content", "").strip():
        return re.sub(r"(?<!\s)\s*\|\s*Radiopaedia\.org\s*$", "", og.get("content").strip(), flags=re.I)
    return ""


def parse_radiopaedia_case(html: str, url: str) -> CaseRecord:
    """A case page (classic layout A or the 2022 layout B) as a CaseRecord without images.

    ``extra`` holds what the record has no field for: ``study_ids`` (document order, unique),
    ``studies`` (per-study modality/title/findings), ``diagnostic_certainty``, ``slug``,
    ``permalink``, ``citation``, ``systems``, ``tags``, ``published_iso``, ``license_source``.
    """
    root = _parse_html(html)
    rows = _metadata_rows(root)
    title = _title(root)
    row_texts: dict[str, str] = {}

    def row_text(key: str) -> str:
        if key not in row_texts:
            row_texts[key] = tidy(_text(rows[key], " ")) if key in rows else ""
        return row_texts[key]

    rid = ""
    rid_row = re.search(r"\d+", row_text("rid"))
    permalink_row = re.search(r"/cases/(\d+)\b", row_text("permalink"))
    # The citation holds dates too: only its DOI may give the rID.
    for match in (rid_row, _DOI_RE.search(row_text("doi")), permalink_row, _DOI_RE.search(row_text("citation"))):
        if match:
            rid = match.group(1) if match.groups() else match.group(0)
            break
    courtesy_el = _first(_COURTESY, root)
    courtesy_text = tidy(_text(courtesy_el, " ")) if courtesy_el is not None else ""
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
    canonical = _first(_CANONICAL, root)
    if re.fullmatch(r"https://radiopaedia\.org/cases/\d+", case_url) and canonical is not None:
        # Fetched by permalink (/cases/<rID>): the page's canonical link names the slug URL.
        case_url = canonical_radiopaedia_url(canonical.get("href"))

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
        meta_author = _first(_META_AUTHOR, root)
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

    certainty_el = _first(_CERTAINTY, root)
    data = _data_items(root)
    presentation = _first(_PRESENTATION, root)
    studies = _studies(root)
    images_root = _first(_CASE_IMAGES, root)
    if images_root is None:
        images_root = _first(_BODY, root)
    study_ids = _study_ids(images_root if images_root is not None else root)
    # Ids found outside the images block (a 2022 page keeps them elsewhere) still count.
    for study_id in _study_ids(root):
        if study_id not in study_ids:
            study_ids.append(study_id)
    license_text, license_source = _license_text(root)
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
        discussion=_section_text(_discussion(root)),
        diagnosis="",
        warnings=warnings,
        extra={
            "study_ids": study_ids,
            "studies": studies,
            "diagnostic_certainty": squash(_text(certainty_el, " ")) if certainty_el is not None else "",
            "slug": case_url.rsplit("/", 1)[-1],
            "permalink": row_text("permalink"),
            "citation": citation,
            "citation_authors": citation_authors,
            "published_iso": _parse_published(published) if published else "",
            "systems": [squash(_text(a)) for a in _LINKS(rows["systems"])] if "systems" in rows else [],
            "tags": [urlsplit(a.get("href")).path.rstrip("/").rsplit("/", 1)[-1] for a in _TAG_LINKS(rows["tags"])] if "tags" in rows else [],
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
