"""Eurorad: pure parsers for advanced-search pages and case pages.

Markup follows ``docs/site-notes.md`` §2 (Drupal pages, Bootstrap grid classes). Every URL returned
points at the real site (``https://www.eurorad.org``); a spider crawling a mirror rewrites the host.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from ingest.pages import ParseError, SearchPage, block_text, squash, tidy
from ingest.records import CaseRecord, ImageRecord

__all__ = [
    "SITE",
    "SITE_LICENSE",
    "canonical_eurorad_url",
    "eurorad_case_url",
    "eurorad_search_url",
    "full_size_image_url",
    "parse_eurorad_case",
    "parse_eurorad_search",
]

SITE = "https://www.eurorad.org"
SOURCE = "eurorad"
#: Site-wide licence of Eurorad cases (docs/site-notes.md §2.6), used when the page states none.
SITE_LICENSE = "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International (CC BY-NC-SA 4.0)"

_CASE_PATH_RE = re.compile(r"/case/(\d+)")
_DOI_RE = re.compile(r"10\.35100/eurorad/[^\s\"'<>]+")
_PUBLISHED_RE = re.compile(r"Published\s+on\s*:?\s*(\d{1,2}\.\d{1,2}\.\d{4})", re.I)
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-full-src", "data-echo", "data-srcset", "srcset", "src")

# Section headings, matched on the lower-cased, whitespace-collapsed heading text (the page shows
# them in upper case through CSS only, docs/site-notes.md §2.5.1).
_SECTIONS = (
    ("history", re.compile(r"^(clinical\s+history|history)$")),
    ("findings", re.compile(r"^(imaging\s+findings|findings)$")),
    ("discussion", re.compile(r"^discussion$")),
    ("ddx", re.compile(r"^differential\s+diagnosis(\s+list)?$")),
    ("diagnosis", re.compile(r"^final\s+diagnosis$")),
    ("references", re.compile(r"^references?$")),
)
_DISCUSSION_HEADINGS = re.compile(
    r"^(background|clinical perspective|imaging perspective|outcome|take[- ]home message[s]?"
    r"(\s*/\s*teaching points)?|teaching points?|conclusions?)\s*:?$",
    re.I,
)
_META_LABELS = {"section", "case type", "authors", "author", "patient", "categories"}

# Several patients in one document (docs/site-notes.md §2.5.8).
_PATIENT_MARKER_RE = re.compile(r"\b(?:patient|case)\s*(?:n[o°º]\.?\s*|#\s*)?(\d{1,2})\b\s*[:.)\-–]?", re.I)
_GROUP_RE = re.compile(
    r"\b(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:patients|cases)"
    r"|mother\s+and\s+(?:her\s+)?(?:daughter|son)|father\s+and\s+(?:his\s+)?(?:daughter|son)"
    r"|husband\s+and\s+(?:his\s+)?wife|family\s+cluster|two\s+siblings)\b",
    re.I,
)
_AGE_RE = re.compile(r"\b\d{1,3}(?:[- ](?:year|yr)s?[- ]old|\s*(?:years?|yrs?|y/o|y\.o\.)(?:\s+old)?)", re.I)
_SEX_RE = re.compile(
    r"\b(woman|female|lady|girl|mother|daughter|wife|sister|man|male|gentleman|boy|father|son|husband|brother)\b", re.I
)


# --- URLs ----------------------------------------------------------------------------------------

def canonical_eurorad_url(url: str) -> str:
    """``https://www.eurorad.org/case/<n>`` for any case URL (``/teaching-case``, query, mirror host)."""
    parts = urlsplit(urljoin(SITE + "/", url.strip()))
    match = _CASE_PATH_RE.search(parts.path)
    if match:
        return f"{SITE}/case/{int(match.group(1))}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", "www.eurorad.org", path, "", ""))


def eurorad_case_url(number_or_url: str | int) -> str:
    """Case URL from a case number (``16672``, ``"CASE 16672"``) or any case URL."""
    value = str(number_or_url).strip()
    match = re.fullmatch(r"(?:case\s*)?(\d+)", value, re.I)
    if match:
        return f"{SITE}/case/{int(match.group(1))}"
    if _CASE_PATH_RE.search(value):
        return canonical_eurorad_url(value)
    raise ValueError(f"not a Eurorad case number or URL: {value!r}")


def eurorad_search_url(query: str, page: int = 0) -> str:
    """Advanced-search URL, newest first; ``page`` is 0-based (docs/site-notes.md §2.1)."""
    if page < 0:
        raise ValueError("Eurorad search pages start at 0")
    params = {"search": query, "sort_by": "published_at", "sort_order": "DESC", "page": page}
    return f"{SITE}/advanced-search?" + urlencode(params)


def _absolute(href: str, page_url: str = "") -> str:
    """``href`` resolved against the page (a query-only href keeps the page's path), on the real host."""
    base = urljoin(SITE + "/", urlsplit(page_url).path or "/") if page_url else SITE + "/"
    parts = urlsplit(urljoin(base, href.strip()))
    return urlunsplit(("https", "www.eurorad.org", parts.path, parts.query, ""))


def full_size_image_url(url: str) -> str:
    """The figure URL without the teaser image style (``figure_image_teaser_large`` -> ``figure_image``).

    ieee8023 made its "high-res" URLs by deleting ``_teaser_large`` (docs/site-notes.md §2.1); the ``itok``
    query is kept as it did.
    """
    return re.sub(r"/styles/([a-z0-9_]+?)_teaser(?:_[a-z0-9]+)?/", r"/styles/\1/", url)


# --- Search --------------------------------------------------------------------------------------

def parse_eurorad_search(html: str, url: str) -> SearchPage:
    """Case links and the next page of an advanced-search results page (docs/site-notes.md §2.2)."""
    soup = BeautifulSoup(html, "lxml")
    links = soup.select('div.col-12.col-md-6.col-lg-4.mb-4 a[href*="/case/"]')
    if not links:
        main = soup.select_one("main, #main-content, .main-content, [role=main]") or soup.body or soup
        links = [
            a for a in main.select('a[href*="/case/"]')
            if a.find_parent(["header", "footer", "nav", "aside"]) is None
        ]
    has_form = soup.select_one('form input[name="search"], form[action*="advanced-search"]') is not None
    if not links and not has_form:
        raise ParseError(url, "no result cards, no case links and no search form")

    page = SearchPage()
    for link in links:
        match = _CASE_PATH_RE.search(urlsplit(urljoin(SITE + "/", link.get("href", ""))).path)
        if not match:
            continue
        case_url = f"{SITE}/case/{int(match.group(1))}"
        title = squash(link.get_text(" "))
        if case_url in page.case_urls:
            # Cards link the image and the title separately: keep the title.
            item = page.items[page.case_urls.index(case_url)]
            item["title"] = item["title"] or title
            continue
        page.case_urls.append(case_url)
        page.items.append({"url": case_url, "case_number": match.group(1), "title": title})

    next_link = soup.select_one(
        'div.pagination a[title="Go to next page"], .pagination a[rel~=next], a[rel~=next][href], li.pager__item--next a[href]'
    )
    if next_link is not None and next_link.get("href", "").strip() not in ("", "#"):
        page.next_url = _absolute(next_link["href"], url)
    return page


# --- Case page -----------------------------------------------------------------------------------

def _norm_heading(text: str) -> str:
    return re.sub(r"\s+", " ", squash(text).rstrip(":").strip()).lower()


def _sections(soup: BeautifulSoup) -> dict[str, Tag]:
    """Section key -> body element. Rows (``div.row > .col-md-3`` heading + ``.col-md-9`` body) first,
    then any heading element followed by its body, so a missing section shifts nothing."""
    root = soup.select_one("div.node-contents, .block__content.node-contents") or soup.body or soup
    found: dict[str, Tag] = {}
    candidates = root.select("div.col-md-3, h2, h3, h4, dt, .section-title")
    for heading in candidates:
        text = _norm_heading(heading.get_text(" "))
        for key, pattern in _SECTIONS:
            if key in found or not pattern.match(text):
                continue
            body = heading.find_next_sibling(["div", "dd", "section"]) if "col-md-3" in (heading.get("class") or []) else None
            if body is None:
                body = heading.find_next_sibling()
            if body is not None:
                found[key] = body
            break
    return found


def _discussion_parts(body: Tag | None) -> dict[str, str]:
    """Discussion sub-headings ("Background", "Imaging Perspective", ...) -> their text."""
    if body is None:
        return {}
    parts: dict[str, str] = {}
    current = ""
    for line in block_text(body).split("\n"):
        if _DISCUSSION_HEADINGS.match(line):
            current = line.rstrip(":").strip()
            parts.setdefault(current, "")
        elif current:
            parts[current] = (parts[current] + "\n" + line).strip()
    return parts


def _meta_values(soup: BeautifulSoup) -> dict[str, Tag]:
    """Label -> value element for Section, Case Type, Authors, Patient, Categories.

    The label sits in its own element (a span hidden on small screens, or a separate column), so
    the value is the rest of the label's paragraph, else the next paragraph.
    """
    values: dict[str, Tag] = {}
    main = soup.select_one("div.col-12.col-lg-8") or soup.body or soup
    for label in main.select("span, strong, b, dt, p, div.label, .field__label"):
        text = _norm_heading(label.get_text(" "))
        if text not in _META_LABELS or text in values:
            continue
        key = "authors" if text == "author" else text
        if key in values:
            continue
        holder = label.parent if label.name in ("span", "strong", "b") else label
        rest = squash(holder.get_text(" "))[len(squash(label.get_text(" "))):].strip() if holder is not label else ""
        if rest:
            values[key] = holder
            holder.attrs.setdefault("data-label-text", squash(label.get_text(" ")))
        else:
            sibling = holder.find_next_sibling()
            if sibling is not None:
                values[key] = sibling
    # Positional fallback from [E2]: p[1] section, p[2] case type, p[4] authors.
    container = soup.select_one("div.col-12.order-0.col-md-8.order-md-1.col-lg-9.mb-3 > div > div")
    if container is not None:
        paras = container.find_all("p", recursive=False)
        for key, index in (("section", 0), ("case type", 1), ("authors", 3)):
            if key not in values and len(paras) > index:
                values[key] = paras[index]
    return values


def _value_text(element: Tag | None) -> str:
    if element is None:
        return ""
    text = squash(element.get_text(" "))
    label = element.get("data-label-text")
    if label and text.startswith(label):
        text = text[len(label):].strip()
    return text


def _authors_line(element: Tag | None) -> str:
    """The authors line as the page shows it (affiliation numbers included, spaces as rendered):
    the dataset's credit is ``Credit to `` and this line, nothing appended."""
    if element is None:
        return ""
    text = re.sub(r"\s+", " ", element.get_text("").replace("\xa0", " ")).strip()
    label = element.get("data-label-text")
    if label and text.startswith(label):
        text = text[len(label):].strip()
    return text


def _authors(element: Tag | None) -> tuple[str, str]:
    """Author names without affiliation markers, and the affiliations that follow them."""
    if element is None:
        return "", ""
    names_el = element
    for sup in names_el.find_all("sup"):
        sup.decompose()
    names = _value_text(names_el)
    names = re.sub(r"(?<!\s)\s+,", ",", names).strip(" ,")
    affiliations: list[str] = []
    sibling = element.find_next_sibling()
    while sibling is not None and sibling.name == "p" and sibling.get("class", []) != ["color-grey"]:
        lines = block_text(sibling).split("\n")
        lines = [re.sub(r"^\s*\d+[.)]?\s*", "", line) for line in lines if line.strip()]
        if not lines or not re.search(r"(hospital|department|university|institut|clinic|radiology|centre|center)", " ".join(lines), re.I):
            break
        affiliations.extend(lines)
        sibling = sibling.find_next_sibling()
    return names, "; ".join(affiliations)


def _patient_line(soup: BeautifulSoup, meta: dict[str, Tag]) -> str:
    el = soup.select_one("p.color-grey")
    text = squash(el.get_text(" ")) if el is not None else _value_text(meta.get("patient"))
    return re.sub(r"^patient\s*:?\s*", "", text, flags=re.I).strip()


def _split_patient_line(line: str) -> tuple[str, str]:
    """"34 years, male" -> ("34 years", "male") (docs/site-notes.md §2.5.3); either part may be missing."""
    if not line:
        return "", ""
    parts = [part.strip() for part in line.split(",", 1)]
    if len(parts) == 2:
        return parts[0], parts[1]
    if re.search(r"\d", parts[0]):
        return parts[0], ""
    return "", parts[0]


_LICENSE_NAME_RE = re.compile(r"\b(?:Creative Commons|CC BY-NC-SA)")


def _license(soup: BeautifulSoup) -> tuple[str, str]:
    for link in soup.select('a[href*="creativecommons.org/licenses"]'):
        holder = link.find_parent(["p", "div", "li"]) or link
        text = tidy(holder.get_text(" "))
        if text:
            return text, "page"
    # The first sentence naming the licence. One pass over the sentences: the pattern this
    # replaces ("[^.]*Creative Commons[^.]*\.") rescanned the text from every position, which took
    # minutes on a 50 MB page without full stops.
    sentences = soup.get_text(" ").split(".")
    for sentence in sentences[:-1]:  # the last piece ends without a full stop
        if _LICENSE_NAME_RE.search(sentence):
            return squash(sentence + "."), "page"
    return SITE_LICENSE, "site-wide"


def _image_url(img: Tag) -> str:
    for attr in _LAZY_ATTRS:
        value = (img.get(attr) or "").strip()
        if not value or value.startswith("data:"):
            continue
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        return _absolute(value)
    return ""


_FIGURE_RE = re.compile(r"^\s*(?:figure|fig\.?)\s*(\d+)\s*([a-z])?\b", re.I)


def _figures(soup: BeautifulSoup, case_number: str) -> list[ImageRecord]:
    items = soup.select("div.figure-gallery__item")
    records: list[ImageRecord] = []
    figure_counts: dict[int, int] = {}
    last_figure = 0
    for position, item in enumerate(items):
        img = item.select_one('img[typeof="foaf:Image"]') or item.select_one("img")
        if img is None:
            continue
        shown_url = _image_url(img)
        if not shown_url:
            continue
        link = img.find_parent("a")
        link_href = (link.get("href") or "").strip() if link is not None else ""
        if link_href and link_href != "#" and "/files/" in link_href:
            source_url = _absolute(link_href)
        else:
            source_url = full_size_image_url(shown_url)
        caption_el = item.select_one("div.figure-gallery__item__label span.mb-1.d-block, div.figure-gallery__item__label")
        caption = block_text(caption_el) if caption_el is not None else ""

        figure = None
        for attr in ("data-figure", "data-figure-index", "data-figure-number"):
            if str(item.get(attr, "")).isdigit():
                figure = int(item[attr])
        caption_match = _FIGURE_RE.match(caption)
        if figure is None and caption_match:
            figure = int(caption_match.group(1))
        name_match = re.search(rf"/{case_number}_(\d+)_(\d+)\.[A-Za-z]+", source_url) if case_number else None
        if figure is None and name_match:
            figure = int(name_match.group(1))
        if figure is None:
            figure = last_figure + 1
        last_figure = figure
        figure_counts[figure] = figure_counts.get(figure, 0) + 1

        origin = ""
        origin_match = re.search(r"^Origin\s*:\s*(.+)$", caption, re.M)
        if origin_match:
            origin = origin_match.group(1).strip()
        records.append(
            ImageRecord(
                source_url=source_url,
                position=len(records),
                caption=caption,
                modality_text=_caption_modality(caption),
                view_text=_caption_view(caption),
                label=f"Figure {figure}",
                extra={
                    "figure": figure,
                    "subimage": figure_counts[figure],
                    "shown_url": shown_url,
                    "origin": origin,
                    "gallery_index": position,
                },
            )
        )
    # Sub-images get letters only when a figure has several: "Figure 2a", "Figure 2b".
    for record in records:
        figure = record.extra["figure"]
        if sum(1 for r in records if r.extra["figure"] == figure) > 1:
            record.label = f"Figure {figure}{chr(ord('a') + record.extra['subimage'] - 1)}"
    return records


def _caption_modality(caption: str) -> str:
    # ieee8023 called everything not "CT" an X-ray (docs/site-notes.md §2.5.4); here unknown stays blank.
    if re.search(r"\b(CT|NECT|CECT|HRCT|CTPA|computed tomography)\b", caption):
        return "CT"
    if re.search(r"\b(x-?ray|radiograph\w*|CXR|chest film)\b", caption, re.I):
        return "X-ray"
    if re.search(r"\b(MRI|MR|magnetic resonance)\b", caption):
        return "MRI"
    if re.search(r"\b(ultrasound|sonograph\w*|US)\b", caption):
        return "Ultrasound"
    return ""


def _caption_view(caption: str) -> str:
    match = re.search(
        r"\b(PA|AP|postero-?anterior|antero-?posterior|lateral|axial|coronal|sagittal|supine|oblique)\b", caption, re.I
    )
    return match.group(1) if match else ""


def _patient_segments(text: str) -> dict[int, str]:
    """Split a text on "Patient 1"/"Case 2" markers; {} unless at least two distinct patients appear."""
    markers = [m for m in _PATIENT_MARKER_RE.finditer(text) if 0 < int(m.group(1)) <= 20]
    numbers = []
    for m in markers:
        if int(m.group(1)) not in numbers:
            numbers.append(int(m.group(1)))
    if len(numbers) < 2:
        return {}
    segments: dict[int, str] = {}
    # Only the first mention of each number opens its segment; later mentions are cross-references.
    openers = []
    for m in markers:
        number = int(m.group(1))
        if number not in [o[0] for o in openers]:
            openers.append((number, m.start()))
    for index, (number, start) in enumerate(openers):
        end = openers[index + 1][1] if index + 1 < len(openers) else len(text)
        segments[number] = text[start:end].strip()
    return segments


def _caption_patient(caption: str) -> int | None:
    numbers = {int(m.group(1)) for m in _PATIENT_MARKER_RE.finditer(caption)}
    return numbers.pop() if len(numbers) == 1 else None


def parse_eurorad_case(html: str, url: str) -> list[CaseRecord]:
    """A case page as CaseRecords: one, or one per patient when the case describes several.

    A case with several patients ("Patient 1" / "Case 2" in the history) is split into records
    keyed ``<case>-p<n>`` when every figure caption names its patient; otherwise one record carries
    a warning for the reviewer. ``extra`` holds ``section``, ``case_type``, ``categories``,
    ``patient_line``, ``differential_diagnosis`` (list), ``discussion_sections``, ``published_iso``,
    ``license_source``.
    """
    soup = BeautifulSoup(html, "lxml")
    badge = soup.select_one("span.d-block.text-uppercase.font-size-3.text-center")
    number_match = re.search(r"case\s*(\d+)", squash(badge.get_text(" ")), re.I) if badge is not None else None
    case_number = number_match.group(1) if number_match else ""
    if not case_number:
        match = _CASE_PATH_RE.search(urlsplit(url).path)
        case_number = match.group(1) if match else ""

    title_el = soup.select_one("h1.color-color.mb-3, div.col-12.col-lg-8 h1, h1")
    title = squash(title_el.get_text(" ")) if title_el is not None else ""
    if not title:
        og = soup.select_one('meta[property="og:title"]')
        title = squash(og.get("content", "")) if og is not None else ""
    sections = _sections(soup)
    if not title or not (sections or soup.select_one("div.figure-gallery__item")):
        raise ParseError(url, "no case title (h1) or no case sections/figures (div.node-contents rows)")
    if not case_number:
        raise ParseError(url, f"case {title!r} has no case number (badge or /case/<n> URL)")

    page_text = soup.get_text(" ")
    published = ""
    published_el = soup.select_one("span.d-block.font-size-1.text-center")
    match = _PUBLISHED_RE.search(squash(published_el.get_text(" ")) if published_el is not None else "") or _PUBLISHED_RE.search(page_text)
    if match:
        published = match.group(1)
    published_iso = ""
    if published:
        try:
            published_iso = datetime.strptime(published, "%d.%m.%Y").date().isoformat()
        except ValueError:
            published_iso = ""

    meta = _meta_values(soup)
    authors_line = _authors_line(meta.get("authors"))
    authors, institution = _authors(meta.get("authors"))
    patient_line = _patient_line(soup, meta)
    age_text, sex_text = _split_patient_line(patient_line)
    doi_match = _DOI_RE.search(html)
    license_text, license_source = _license(soup)

    def section(key: str) -> str:
        return block_text(sections.get(key)) if key in sections else ""

    ddx_body = sections.get("ddx")
    ddx: list[str] = []
    if ddx_body is not None:
        cells = ddx_body.select("div.col-6.pb-3")
        ddx = [squash(c.get_text(" ")) for c in cells] if cells else block_text(ddx_body).split("\n")
        ddx = [d for d in ddx if d]
    categories = _value_text(meta.get("categories"))
    images = _figures(soup, case_number)
    base = CaseRecord(
        source=SOURCE,
        source_key=case_number,
        url=canonical_eurorad_url(f"/case/{case_number}"),
        title=title,
        doi=doi_match.group(0).rstrip(".,;)") if doi_match else "",
        license_text=license_text,
        published=published,
        authors=authors,
        institution=institution,
        credit=f"Credit to {authors_line}" if authors_line else "",
        age_text=age_text,
        sex_text=sex_text,
        history=section("history"),
        findings=section("findings"),
        discussion=section("discussion"),
        diagnosis=squash(section("diagnosis")).replace("\n", " "),
        images=images,
        extra={
            "section": _value_text(meta.get("section")),
            "case_type": _value_text(meta.get("case type")),
            "categories": categories,
            "patient_line": patient_line,
            "differential_diagnosis": ddx,
            "discussion_sections": _discussion_parts(sections.get("discussion")),
            "published_iso": published_iso,
            "license_source": license_source,
        },
    )
    return _split_patients(base)


# A figure of another person shown beside the patient's: "Normal chest radiograph of a 52-year-old
# woman, for comparison", "Comparison: normal CT of a healthy volunteer".
_COMPARISON_RE = re.compile(
    r"\b(?:for\s+comparison|comparison\s+(?:film|image|radiograph|study|case)|as\s+a\s+(?:reference|comparison)|"
    r"healthy\s+(?:volunteer|subject|control|individual|person)|control\s+(?:subject|patient|case))\b",
    re.I,
)
_NORMAL_RE = re.compile(r"\bnormal\b|\bhealthy\b|\bwithout\s+(?:abnormalit|pathologic)\w*|\bno\s+abnormalit\w*", re.I)


def _comparison_cases(base: CaseRecord) -> list[CaseRecord]:
    """The normal comparison films of a page, each taken out of ``base`` into a case of its own
    (``<case>-n<k>``, finding No Finding, age and sex from its own caption): another person's
    film is not this patient's, and not COVID-19."""
    comparison = [i for i in base.images if _COMPARISON_RE.search(i.caption) and _NORMAL_RE.search(i.caption)]
    if not comparison or len(comparison) == len(base.images):
        return []
    base.images = [i for i in base.images if i not in comparison]
    for position, image in enumerate(base.images):
        image.position = position
    cases = []
    for k, image in enumerate(comparison, start=1):
        caption = re.sub(r"^Origin\s*:.*$", "", image.caption, flags=re.M)
        age, sex = _AGE_RE.search(caption), _SEX_RE.search(caption)
        image.position = 0
        cases.append(CaseRecord(**{
            **base.__dict__,
            "source_key": f"{base.source_key}-n{k}",
            # the page's title is about its patient, not about this person
            "title": f"Normal comparison film {k} of Eurorad case {base.source_key} ({image.label})",
            "age_text": age.group(0) if age else "", "sex_text": sex.group(1) if sex else "",
            "history": caption.strip(), "findings": caption.strip(), "discussion": "",
            "diagnosis": "No Finding (normal comparison film)",
            "images": [image],
            "aliases": list(base.aliases),
            "warnings": [*base.warnings, f"normal comparison film {k} of case {base.source_key}, split into its own case: check the split"],
            "extra": {**base.extra, "comparison_film": k},
        }))
    return cases


def _split_patients(base: CaseRecord) -> list[CaseRecord]:
    comparisons = _comparison_cases(base)
    return _split_by_markers(base) + comparisons


def _split_by_markers(base: CaseRecord) -> list[CaseRecord]:
    history_parts = _patient_segments(base.history)
    group = _GROUP_RE.search(" ".join((base.history, base.extra.get("patient_line", ""), base.title)))
    if not history_parts:
        if group:
            base.warnings.append(
                f"several patients described ({group.group(0)!r}) but not separable: review before release"
            )
        return [base]

    numbers = sorted(history_parts)
    assignment = {id(image): _caption_patient(image.caption) for image in base.images}
    unassigned = [image for image in base.images if assignment[id(image)] not in numbers]
    if unassigned:
        base.warnings.append(
            f"several patients described (patients {', '.join(map(str, numbers))}); "
            f"{len(unassigned)} of {len(base.images)} figures do not say which patient: review and split by hand"
        )
        base.extra["patients"] = len(numbers)
        return [base]

    findings_parts = _patient_segments(base.findings)
    records = []
    for number in numbers:
        history = history_parts[number]
        age = _AGE_RE.search(history)
        sex = _SEX_RE.search(history)
        images = [image for image in base.images if assignment[id(image)] == number]
        for position, image in enumerate(images):
            image.position = position
        record = CaseRecord(
            **{
                **base.__dict__,
                "source_key": f"{base.source_key}-p{number}",
                "age_text": age.group(0) if age else "",
                "sex_text": sex.group(1) if sex else "",
                "history": history,
                "findings": findings_parts.get(number, base.findings),
                "images": images,
                "warnings": [
                    *base.warnings,
                    f"patient {number} of {len(numbers)} split from multi-patient case {base.source_key}: check the split",
                ],
                "extra": {**base.extra, "patient_number": number, "patients": len(numbers)},
            }
        )
        records.append(record)
    return records
