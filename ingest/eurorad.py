"""Eurorad: pure parsers for advanced-search pages and case pages.

Markup follows ``docs/site-notes.md`` §2 (Drupal pages, Bootstrap grid classes). Every URL returned
points at the real site (``https://www.eurorad.org``); a spider crawling a mirror rewrites the host.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

from ingest.pages import (
    HtmlPage,
    ParseError,
    SearchPage,
    below,
    block_text,
    classes,
    left_out_exam,
    left_out_warnings,
    next_sibling,
    parent,
    select,
    squash,
    text,
    tidy,
)
from ingest.patients import Descriptor, descriptors_in, patient_named_by, patient_segments
from ingest.records import CaseRecord, ImageRecord
from ingest.sites.eurorad import (
    CASE_PATH,
    DOI_IN_TEXT,
    HOST,
    PUBLISHED_FORMAT,
    SITE,
    SITE_LICENSE,
    SOURCE,
    canonical_eurorad_url,
    eurorad_case_url,
    eurorad_credit,
    eurorad_search_url,
)

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

_PUBLISHED_RE = re.compile(r"Published\s+on\s*:?\s*(\d{1,2}\.\d{1,2}\.\d{4})", re.I)
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-original", "data-full-src", "data-echo", "data-srcset", "srcset",
               "src")

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

# Several patients in one document (docs/site-notes.md §2.5.8): ``ingest.patients.patient_segments``.
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

def _absolute(href: str, page_url: str = "") -> str:
    """``href`` resolved against the page (a query-only href keeps the page's path), on the real host."""
    base = urljoin(SITE + "/", urlsplit(page_url).path or "/") if page_url else SITE + "/"
    parts = urlsplit(urljoin(base, href.strip()))
    return urlunsplit(("https", HOST, parts.path, parts.query, ""))


def full_size_image_url(url: str) -> str:
    """The figure URL without the teaser image style (``figure_image_teaser_large`` -> ``figure_image``).

    ieee8023 made its "high-res" URLs by deleting ``_teaser_large`` (docs/site-notes.md §2.1); the ``itok``
    query is kept as it did.
    """
    return re.sub(r"/styles/([a-z0-9_]+?)_teaser(?:_[a-z0-9]+)?/", r"/styles/\1/", url)


# --- Search --------------------------------------------------------------------------------------

class EuroradSearchPage(HtmlPage):
    """An advanced-search results page: case links (cards) and the next page (docs/site-notes.md §2.2)."""

    def links(self) -> list[Selector]:
        links = list(self.css('div.col-12.col-md-6.col-lg-4.mb-4 a[href*="/case/"]'))
        if not links:
            main = self.first("main, #main-content, .main-content, [role=main]") or self.find("body") or self.selector
            links = [a for a in select(main, 'a[href*="/case/"]')
                     if parent(a, ("header", "footer", "nav", "aside")) is None]
        has_form = self.first('form input[name="search"], form[action*="advanced-search"]') is not None
        if not links and not has_form:
            raise ParseError(self.url, "no result cards, no case links and no search form")
        return links

    def next_url(self) -> str | None:
        link = self.first('div.pagination a[title="Go to next page"], .pagination a[rel~=next], '
                          'a[rel~=next][href], li.pager__item--next a[href]')
        if link is None or link.attrib.get("href", "").strip() in ("", "#"):
            return None
        return _absolute(link.attrib["href"], self.url)

    def search_page(self) -> SearchPage:
        page = SearchPage()
        for link in self.links():
            match = CASE_PATH.search(urlsplit(urljoin(SITE + "/", link.attrib.get("href", ""))).path)
            if not match:
                continue
            case_url = f"{SITE}/case/{int(match.group(1))}"
            title = squash(text(link, " "))
            if case_url in page.case_urls:
                # Cards link the image and the title separately: keep the title.
                item = page.items[page.case_urls.index(case_url)]
                item["title"] = item["title"] or title
                continue
            page.case_urls.append(case_url)
            page.items.append({"url": case_url, "case_number": match.group(1), "title": title})
        page.next_url = self.next_url()
        return page


def parse_eurorad_search(html: str, url: str) -> SearchPage:
    """Case links and the next page of an advanced-search results page (docs/site-notes.md §2.2)."""
    return EuroradSearchPage(html, url).search_page()


# --- Case page -----------------------------------------------------------------------------------

def _norm_heading(value: str) -> str:
    return re.sub(r"\s+", " ", squash(value).rstrip(":").strip()).lower()


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


def _image_url(img: Selector) -> str:
    for attr in _LAZY_ATTRS:
        value = (img.attrib.get(attr) or "").strip()
        if not value or value.startswith("data:"):
            continue
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        return _absolute(value)
    return ""


_FIGURE_RE = re.compile(r"^\s*(?:figure|fig\.?)\s*(\d+)\s*([a-z])?\b", re.I)


class EuroradCasePage(HtmlPage):
    """A case page (Drupal, Bootstrap grid classes, notes §2.5): one method per record field.

    The author names are read without their affiliation markers (``<sup>``): from then on the page
    is read without them (``removed``), as the records have always been made.
    """

    def __init__(self, html: str, url: str) -> None:
        super().__init__(html, url)
        self.html = html
        #: Elements read as gone (lxml elements): the authors' <sup> markers once the names are read.
        self.removed: set[Any] = set()
        #: Label text of the metadata values that hold their label ("Section: Chest") -> to strip.
        self.label_texts: dict[Any, str] = {}

    def is_removed(self, node: Selector) -> bool:
        return node.root in self.removed or any(a in self.removed for a in node.root.iterancestors())

    def css(self, query: str) -> list[Selector]:
        return [el for el in super().css(query) if not self.removed or not self.is_removed(el)]

    def select(self, node: Selector, query: str) -> list[Selector]:
        return [el for el in select(node, query) if not self.removed or not self.is_removed(el)]

    def select_one(self, node: Selector, query: str) -> Selector | None:
        found = self.select(node, query)
        return found[0] if found else None

    def text(self, node: Selector, separator: str = "") -> str:
        return text(node, separator, skip=self.removed)

    def block_text(self, node: Selector | None) -> str:
        return block_text(node, removed=self.removed)

    def case_number(self) -> str:
        badge = self.first("span.d-block.text-uppercase.font-size-3.text-center")
        match = re.search(r"case\s*(\d+)", squash(self.text(badge, " ")), re.I) if badge is not None else None
        if match:
            return match.group(1)
        match = CASE_PATH.search(urlsplit(self.url).path)
        return match.group(1) if match else ""

    def title(self) -> str:
        title_el = self.first("h1.color-color.mb-3, div.col-12.col-lg-8 h1, h1")
        title = squash(self.text(title_el, " ")) if title_el is not None else ""
        if not title:
            og = self.first('meta[property="og:title"]')
            title = squash(og.attrib.get("content", "")) if og is not None else ""
        return title

    def sections(self) -> dict[str, Selector]:
        """Section key -> body element. Rows (``div.row > .col-md-3`` heading + ``.col-md-9`` body) first,
        then any heading element followed by its body, so a missing section shifts nothing."""
        root = self.first("div.node-contents, .block__content.node-contents") or self.find("body") or self.selector
        found: dict[str, Selector] = {}
        for heading in self.select(root, "div.col-md-3, h2, h3, h4, dt, .section-title"):
            heading_text = _norm_heading(self.text(heading, " "))
            for key, pattern in _SECTIONS:
                if key in found or not pattern.match(heading_text):
                    continue
                body = next_sibling(heading, ("div", "dd", "section")) if "col-md-3" in classes(heading) else None
                if body is None:
                    body = next_sibling(heading)
                if body is not None:
                    found[key] = body
                break
        return found

    def published(self) -> str:
        published_el = self.first("span.d-block.font-size-1.text-center")
        match = (_PUBLISHED_RE.search(squash(self.text(published_el, " ")) if published_el is not None else "")
                 or _PUBLISHED_RE.search(self.text(self.selector, " ")))
        return match.group(1) if match else ""

    def meta_values(self) -> dict[str, Selector]:
        """Label -> value element for Section, Case Type, Authors, Patient, Categories.

        The label sits in its own element (a span hidden on small screens, or a separate column), so
        the value is the rest of the label's paragraph, else the next paragraph.
        """
        values: dict[str, Selector] = {}
        main = self.first("div.col-12.col-lg-8") or self.find("body") or self.selector
        for label in self.select(main, "span, strong, b, dt, p, div.label, .field__label"):
            label_text = _norm_heading(self.text(label, " "))
            key = "authors" if label_text == "author" else label_text
            if label_text not in _META_LABELS or label_text in values or key in values:
                continue
            holder = parent(label) if label.root.tag in ("span", "strong", "b") else label
            shown = squash(self.text(label, " "))
            rest = squash(self.text(holder, " "))[len(shown):].strip() if holder.root is not label.root else ""
            if rest:
                values[key] = holder
                self.label_texts.setdefault(holder.root, shown)
            else:
                sibling = next_sibling(holder)
                if sibling is not None:
                    values[key] = sibling
        # Positional fallback from [E2]: p[1] section, p[2] case type, p[4] authors.
        container = self.first("div.col-12.order-0.col-md-8.order-md-1.col-lg-9.mb-3 > div > div")
        if container is not None:
            paras = container.xpath("./p")
            for key, index in (("section", 0), ("case type", 1), ("authors", 3)):
                if key not in values and len(paras) > index:
                    values[key] = paras[index]
        return values

    def without_label(self, element: Selector, value: str) -> str:
        label = element.root.get("data-label-text")
        if label is None:
            label = self.label_texts.get(element.root)
        return value[len(label):].strip() if label and value.startswith(label) else value

    def value_text(self, element: Selector | None) -> str:
        if element is None:
            return ""
        return self.without_label(element, squash(self.text(element, " ")))

    def authors_line(self, element: Selector | None) -> str:
        """The authors line as the page shows it (affiliation numbers included, spaces as rendered):
        the dataset's credit is ``Credit to `` and this line, nothing appended."""
        if element is None:
            return ""
        return self.without_label(element, re.sub(r"\s+", " ", self.text(element).replace("\xa0", " ")).strip())

    def authors(self, element: Selector | None) -> tuple[str, str]:
        """Author names without affiliation markers, and the affiliations that follow them."""
        if element is None:
            return "", ""
        self.removed.update(sup.root for sup in below(element, "sup"))
        names = re.sub(r"(?<!\s)\s+,", ",", self.value_text(element)).strip(" ,")
        affiliations: list[str] = []
        sibling = next_sibling(element)
        while sibling is not None and sibling.root.tag == "p" and classes(sibling) != ["color-grey"]:
            lines = [re.sub(r"^\s*\d+[.)]?\s*", "", line) for line in self.block_text(sibling).split("\n")
                     if line.strip()]
            if not lines or not re.search(r"(hospital|department|university|institut|clinic|radiology|centre|center)",
                                          " ".join(lines), re.I):
                break
            affiliations.extend(lines)
            sibling = next_sibling(sibling)
        return names, "; ".join(affiliations)

    def patient_line(self, meta: dict[str, Selector]) -> str:
        el = self.first("p.color-grey")
        line = squash(self.text(el, " ")) if el is not None else self.value_text(meta.get("patient"))
        return re.sub(r"^patient\s*:?\s*", "", line, flags=re.I).strip()

    def license(self) -> tuple[str, str]:
        """(licence text, "page" or "site-wide")."""
        for link in self.css('a[href*="creativecommons.org/licenses"]'):
            found = tidy(self.text(parent(link, ("p", "div", "li")) or link, " "))
            if found:
                return found, "page"
        # The first sentence naming the licence. One pass over the sentences: the pattern this
        # replaces ("[^.]*Creative Commons[^.]*\.") rescanned the text from every position, which took
        # minutes on a 50 MB page without full stops.
        sentences = self.text(self.selector, " ").split(".")
        for sentence in sentences[:-1]:  # the last piece ends without a full stop
            if _LICENSE_NAME_RE.search(sentence):
                return squash(sentence + "."), "page"
        return SITE_LICENSE, "site-wide"

    def differential_diagnosis(self, body: Selector | None) -> list[str]:
        if body is None:
            return []
        cells = self.select(body, "div.col-6.pb-3")
        ddx = [squash(self.text(c, " ")) for c in cells] if cells else self.block_text(body).split("\n")
        return [d for d in ddx if d]

    def discussion_parts(self, body: Selector | None) -> dict[str, str]:
        """Discussion sub-headings ("Background", "Imaging Perspective", ...) -> their text."""
        if body is None:
            return {}
        parts: dict[str, str] = {}
        current = ""
        for line in self.block_text(body).split("\n"):
            if _DISCUSSION_HEADINGS.match(line):
                current = line.rstrip(":").strip()
                parts.setdefault(current, "")
            elif current:
                parts[current] = (parts[current] + "\n" + line).strip()
        return parts

    def figure_urls(self, item: Selector) -> tuple[str, str] | None:
        """(full-size URL, URL shown in the gallery) of a gallery item, None without an image."""
        img = self.select_one(item, 'img[typeof="foaf:Image"]') or self.select_one(item, "img")
        shown_url = _image_url(img) if img is not None else ""
        if not shown_url:
            return None
        link = parent(img, ("a",))
        link_href = (link.attrib.get("href") or "").strip() if link is not None else ""
        if link_href and link_href != "#" and "/files/" in link_href:
            return _absolute(link_href), shown_url
        return full_size_image_url(shown_url), shown_url

    @staticmethod
    def figure_number(item: Selector, caption: str, source_url: str, case_number: str, last_figure: int) -> int:
        """The figure an image belongs to: the item's data attribute, the caption, the file name, the order."""
        figure = None
        for attr in ("data-figure", "data-figure-index", "data-figure-number"):
            if str(item.attrib.get(attr, "")).isdigit():
                figure = int(item.attrib[attr])
        caption_match = _FIGURE_RE.match(caption)
        if figure is None and caption_match:
            figure = int(caption_match.group(1))
        name_match = re.search(rf"/{case_number}_(\d+)_(\d+)\.[A-Za-z]+", source_url) if case_number else None
        if figure is None and name_match:
            figure = int(name_match.group(1))
        return last_figure + 1 if figure is None else figure

    def figures(self, case_number: str) -> list[ImageRecord]:
        records: list[ImageRecord] = []
        figure_counts: dict[int, int] = {}
        last_figure = 0
        for position, item in enumerate(self.css("div.figure-gallery__item")):
            urls = self.figure_urls(item)
            if urls is None:
                continue
            source_url, shown_url = urls
            caption_el = self.select_one(item, "div.figure-gallery__item__label span.mb-1.d-block, "
                                           "div.figure-gallery__item__label")
            caption = self.block_text(caption_el) if caption_el is not None else ""
            figure = last_figure = self.figure_number(item, caption, source_url, case_number, last_figure)
            figure_counts[figure] = figure_counts.get(figure, 0) + 1
            origin_match = re.search(r"^Origin\s*:\s*(.+)$", caption, re.M)
            records.append(ImageRecord(
                source_url=source_url, position=len(records), caption=caption,
                modality_text=_caption_modality(caption), view_text=_caption_view(caption),
                label=f"Figure {figure}",
                extra={"figure": figure, "subimage": figure_counts[figure], "shown_url": shown_url,
                       "origin": origin_match.group(1).strip() if origin_match else "", "gallery_index": position},
            ))
        # Sub-images get letters only when a figure has several: "Figure 2a", "Figure 2b".
        for record in records:
            figure = record.extra["figure"]
            if figure_counts[figure] > 1:
                record.label = f"Figure {figure}{chr(ord('a') + record.extra['subimage'] - 1)}"
        return records

    def record(self) -> CaseRecord:
        """The page as one CaseRecord (``_split_patients`` splits it); the fields are read in the
        order that decides what the authors' markers hide (see ``removed``)."""
        case_number, title, sections = self.case_number(), self.title(), self.sections()
        if not title or not (sections or self.first("div.figure-gallery__item")):
            raise ParseError(self.url, "no case title (h1) or no case sections/figures (div.node-contents rows)")
        if not case_number:
            raise ParseError(self.url, f"case {title!r} has no case number (badge or /case/<n> URL)")
        published = self.published()
        meta = self.meta_values()
        authors_line = self.authors_line(meta.get("authors"))
        authors, institution = self.authors(meta.get("authors"))
        patient_line = self.patient_line(meta)
        age_text, sex_text = _split_patient_line(patient_line)
        doi_match = DOI_IN_TEXT.search(self.html)
        license_text, license_source = self.license()
        ddx = self.differential_diagnosis(sections.get("ddx"))
        categories = self.value_text(meta.get("categories"))
        images, left_out = _dataset_figures(self.figures(case_number))
        images, minors = _child_relatives_films(images, age_text)
        left_out += minors

        def section(key: str) -> str:
            return self.block_text(sections.get(key)) if key in sections else ""

        return CaseRecord(
            source=SOURCE, source_key=case_number, url=canonical_eurorad_url(f"/case/{case_number}"), title=title,
            doi=doi_match.group(0).rstrip(".,;)") if doi_match else "",
            license_text=license_text, published=published, authors=authors, institution=institution,
            credit=eurorad_credit(authors_line), age_text=age_text, sex_text=sex_text,
            history=section("history"), findings=section("findings"), discussion=section("discussion"),
            diagnosis=squash(section("diagnosis")).replace("\n", " "),
            images=images,
            extra={
                "section": self.value_text(meta.get("section")),
                "case_type": self.value_text(meta.get("case type")),
                "categories": categories,
                "patient_line": patient_line,
                "differential_diagnosis": ddx,
                "discussion_sections": self.discussion_parts(sections.get("discussion")),
                "published_iso": _published_iso(published),
                "license_source": license_source,
                **({"left_out_figures": left_out} if left_out else {}),
            },
            warnings=left_out_warnings(left_out),
        )


def _published_iso(published: str) -> str:
    try:
        return datetime.strptime(published, PUBLISHED_FORMAT).date().isoformat() if published else ""
    except ValueError:
        return ""


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


def _dataset_figures(images: list[ImageRecord]) -> tuple[list[ImageRecord], list[dict[str, str]]]:
    """(the figures the dataset holds, renumbered; the entries of those left out): a cardiac MRI or a
    lung ultrasound figure is no row of a chest X-ray and CT dataset (the rule SIRM's posts follow)."""
    kept, left_out = [], []
    counts: dict[object, int] = {}
    for image in images:
        counts[image.extra.get("figure")] = counts.get(image.extra.get("figure"), 0) + 1
    for image in images:
        entry = left_out_exam(image, _own_legend_part(image, counts[image.extra.get("figure")]))
        if entry is None:
            image.position = len(kept)
            kept.append(image)
        else:
            left_out.append(entry)
    return kept, left_out


#: A figure's "Origin: ..." credit line (the parser appends it to the legend).
_ORIGIN_LINE = re.compile(r"^Origin\s*:.*$", re.M)


def _legend_of(image: ImageRecord) -> str:
    """The figure's legend without its "Origin:" credit line: the words about the film."""
    return _ORIGIN_LINE.sub("", image.caption)


#: A legend naming its film a child relative's, by the relation and an age under 18 (or in months, weeks, days):
#: "Chest radiograph (AP) of the 7-year-old daughter", "CT of her 15-year-old son", "his 8-month-old grandson's film".
_CHILD_RELATIVES_FILM = re.compile(
    r"\b(?:the|his|her|their|patient['’]s)\s+(?P<age>\d{1,2})[- ](?P<unit>year|yr|month|week|day)s?[- ]old\s+"
    r"(?:[a-z-]+\s+){0,2}?(?P<who>daughter|son|child|boy|girl|baby|infant|grandson|granddaughter|niece|nephew|"
    r"brother|sister)\b", re.I)


def _child_relatives_films(images: list[ImageRecord], patient_age: str) -> tuple[list[ImageRecord],
                                                                                 list[dict[str, str]]]:
    """(``images`` but the films whose legend names them a child relative's, renumbered; their ``left_out_figures``
    entries): the relative is another person, and a minor (the dataset keeps no minors), on a page whose patient
    is an adult (the patient line's age 18 or over: a page about a child keeps its films)."""
    age = re.match(r"\s*(\d{1,3})\s*(?:years?|yrs?)?\s*$", patient_age or "")
    if age is None or int(age.group(1)) < 18:
        return images, []
    kept, left_out = [], []
    for image in images:
        legend = _legend_of(image)
        m = _CHILD_RELATIVES_FILM.search(legend)
        if m is None or (m.group("unit").lower() in ("year", "yr") and int(m.group("age")) >= 18):
            image.position = len(kept)
            kept.append(image)
            continue
        left_out.append({"figure": image.source_url, "kind": "another person (a minor)",
                         "reason": f"its legend names a child relative's film: {m.group(0)!r}"})
    return kept, left_out


def _own_legend_part(image: ImageRecord, count: int) -> str | None:
    """The sub-image's own lettered part of the legend its figure's ``count`` images share ("(a, b) (a) Lung
    ultrasound, intercostal scan ... (b) Axial CT image ..." on both: "Lung ultrasound, intercostal scan ..." for
    the first), which tells its exam (the legend names the figure's every exam); None unless the legend's letters
    are the figure's images, a to the last, in gallery order."""
    from ingest.panels import parse_subcaptions  # (numpy and PIL on import: only for a figure of several images)

    sub = image.extra.get("subimage")
    if count < 2 or not isinstance(sub, int) or sub > count:
        return None
    legend = _legend_of(image)
    parts = parse_subcaptions(legend)
    if sorted(parts) != list("abcdefghij"[:count]):
        return None
    return parts["abcdefghij"[sub - 1]]


def parse_eurorad_case(html: str, url: str) -> list[CaseRecord]:
    """A case page as CaseRecords: one, or one per patient when the case describes several.

    A case with several patients ("Patient 1" / "Case 2" in the history) is split into records
    keyed ``<case>-p<n>`` when every figure caption names its patient; otherwise one record carries
    a warning for the reviewer. ``extra`` holds ``section``, ``case_type``, ``categories``,
    ``patient_line``, ``differential_diagnosis`` (list), ``discussion_sections``, ``published_iso``,
    ``license_source``.
    """
    return _split_patients(EuroradCasePage(html, url).record())


# A figure of another person shown beside the patient's: "Normal chest radiograph of a 52-year-old
# woman, for comparison", "Comparison: normal CT of a healthy volunteer".
_COMPARISON_RE = re.compile(
    r"\b(?:for\s+comparison|comparison\s+(?:film|image|radiograph|study|case)|as\s+a\s+(?:reference|comparison)|"
    r"healthy\s+(?:volunteer|subject|control|individual|person)|control\s+(?:subject|patient|case))\b",
    re.I,
)
_SAME_PATIENT_RE = re.compile(
    r"\b(?:(?:of\s+)?(?:the\s+)?same\s+patient|the\s+patient['’]s|(?:previous|prior|earlier|old)\s+"
    r"(?:[\w-]+\s+){0,3}(?:x-ray|radiograph|film|ct|scan|study|examination))\b", re.I)
_NORMAL_RE = re.compile(r"\bnormal\b|\bhealthy\b|\bwithout\s+(?:abnormalit|pathologic)\w*|\bno\s+abnormalit\w*", re.I)


#: A time months or years before the text's moment: "four months before", "2 years earlier", "a few months ago".
_MONTHS_BEFORE_RE = re.compile(
    r"\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|several|some)\s+"
    r"(?:months?|years?)\s+(?:before|earlier|ago|previously|prior)\b", re.I)
#: A lesion a legend tells, once its denials are dropped (``_DENIED_RE``): the film is not normal.
_LESION_RE = re.compile(
    r"\b(?:opacit\w*|consolidat\w*|ground[- ]glass|infiltrat\w*|crazy[- ]paving|nodul\w*|atelecta\w*|fibros\w*|"
    r"reticul\w*|effusions?|pneumothorax|o?edema|thicken\w*|progress\w*|worse\w*|new)\b", re.I)
_DENIED_RE = re.compile(r"\b(?:no|without)\b[^.;\n]*", re.I)


def _own_film_months_before(base: CaseRecord, image: ImageRecord) -> bool:
    """Whether a figure is the patient's own normal film from months or years before the illness: its legend tells it
    normal and no lesion but denied ones ("PA chest radiograph at the rheumatology outpatient clinic, July 2020:
    normal lungs, no interstitial abnormalities"), and every sentence of the history and findings citing its figure
    alone tells it that long before ("Her last chest radiograph was made four months before ... and was normal
    (Figure 1)"), one of them at least."""
    figure = image.extra.get("figure")
    caption = _legend_of(image)
    if not isinstance(figure, int) or not _NORMAL_RE.search(caption) \
            or _LESION_RE.search(_DENIED_RE.sub(" ", caption)):
        return False
    citing = [s for s in re.split(r"(?<=[.!?])\s+", f"{base.history}\n{base.findings}")
              if {int(n) for n in re.findall(r"\bFig(?:ure)?s?\.?\s*(\d{1,2})", s, re.I)} == {figure}]
    return bool(citing) and all(_MONTHS_BEFORE_RE.search(s) for s in citing)


def _comparison_cases(base: CaseRecord) -> list[CaseRecord]:
    """The normal comparison films of a page, each taken out of ``base`` into a case of its own
    (``<case>-n<k>``, finding No Finding, age and sex from its own caption): another person's
    film is not this patient's, and not COVID-19; so is the patient's own normal film of months before the illness
    (``_own_film_months_before``), with the patient's sex and no age (the age then is not the age now)."""
    earlier = [i for i in base.images if _own_film_months_before(base, i)]
    comparison = [i for i in base.images
                  if (_COMPARISON_RE.search(i.caption) and _NORMAL_RE.search(i.caption)) or i in earlier]
    if not comparison or len(comparison) == len(base.images):
        return []
    base.images = [i for i in base.images if i not in comparison]
    for position, image in enumerate(base.images):
        image.position = position
    cases = []
    for k, image in enumerate(comparison, start=1):
        caption = _legend_of(image)
        age, sex = _AGE_RE.search(caption), _SEX_RE.search(caption)
        age_text, sex_text = age.group(0) if age else "", sex.group(1) if sex else ""
        if (_SAME_PATIENT_RE.search(caption) or image in earlier) and not (age or sex):
            # the patient's own earlier normal film ("Previous PA chest X-ray of the same patient
            # from 2018, normal"): the patient's sex; the age then is not the age now
            sex_text = base.sex_text or next(iter(_SEX_RE.findall(base.history)), "")
        image.position = 0
        cases.append(CaseRecord(**{
            **base.__dict__,
            "source_key": f"{base.source_key}-n{k}",
            # the page's title is about its patient, not about this person
            "title": f"Normal comparison film {k} of Eurorad case {base.source_key} ({image.label})",
            "age_text": age_text, "sex_text": sex_text,
            "history": caption.strip(), "findings": caption.strip(), "discussion": "",
            "diagnosis": "No Finding (normal comparison film)",
            "images": [image],
            "aliases": list(base.aliases),
            "warnings": [*base.warnings, f"normal comparison film {k} of case {base.source_key}, "
                                         "split into its own case: check the split"],
            "extra": {**base.extra, "comparison_film": k},
        }))
    return cases


def _split_patients(base: CaseRecord) -> list[CaseRecord]:
    comparisons = _comparison_cases(base)
    by_relation = [] if patient_segments(base.history) else _split_by_relations(base)
    return (by_relation or _split_by_markers(base)) + comparisons


#: The relations a family's members are told by, with their kind: a parent's or a spouse's word, a child's, a
#: sibling's (read only as the member introduced by that very word).
_PARENT_WORDS = {"father": "M", "mother": "F", "husband": "M", "wife": "F"}
_CHILD_WORDS = {"son": "M", "daughter": "F"}
_SIBLING_WORDS = {"brother": "M", "sister": "F"}
_RELATION_WORDS = {**_PARENT_WORDS, **_CHILD_WORDS, **_SIBLING_WORDS}
_RELATION_WORD = re.compile(rf"\b({'|'.join(_RELATION_WORDS)})\b", re.I)
#: A legend naming whose film it is by the relation: "Chest X-ray of the father", "Axial CT image of the mother",
#: "CT in the son", "the daughter's radiograph".
_LEGEND_RELATION = re.compile(
    rf"\b(?:of|in|for)\s+(?:the|his|her|their)\s+({'|'.join(_RELATION_WORDS)})\b"
    rf"|\b(?:the|his|her|their)\s+({'|'.join(_RELATION_WORDS)})['’]s\b", re.I)


def _family_members(history: str) -> list[tuple[Descriptor, str, list[str]]]:
    """The people a history tells one paragraph each of, in order: (descriptor, the relation it introduces them
    by or "", their paragraphs), each paragraph opening with a new person's descriptor ("A 63-year-old male
    patient applied ...", "His wife, 58-year-old, ...", "Their son, 29 years old, ..."); the paragraphs before the
    first person's are that person's, those after one opening no new person the person's before. [] for fewer
    than two."""
    members: list[tuple[Descriptor, str, list[str]]] = []
    leading: list[str] = []
    for paragraph in (p.strip() for p in history.split("\n")):
        if not paragraph:
            continue
        found = descriptors_in(paragraph)
        opening = found[0] if found and found[0][1] <= 30 else None
        if opening is not None and all((m[0].age, m[0].sex) != (opening[0].age, opening[0].sex) for m in members):
            relation = _RELATION_WORD.search(paragraph, 0, opening[2])
            members.append((opening[0], relation.group(1).lower() if relation else "", [*leading, paragraph]))
            leading = []
        elif members:
            members[-1][2].append(paragraph)
        else:
            leading.append(paragraph)
    return members if len(members) >= 2 and all(m[0].sex for m in members) else []


def _member_named_by(legend: str, members: list[tuple[Descriptor, str, list[str]]], history: str) -> int | None:
    """The index of the one member a legend names by the relation: the member introduced by that word, else, when
    the history never uses the word (a relative of that name told in passing may be the one shown), the one
    member of its sex who is not introduced as a child (for a parent's or spouse's word: "the father" of a history
    telling "A 63-year-old man ... Their son, 29 years old") or as a parent or spouse (for a child's word); None
    when the legend names no one, several, or no member or several fit."""
    words = {(m.group(1) or m.group(2)).lower() for m in _LEGEND_RELATION.finditer(legend)}
    if len(words) != 1:
        return None
    word = words.pop()
    exact = [k for k, m in enumerate(members) if m[1] == word]
    if len(exact) == 1 or word in _SIBLING_WORDS or re.search(rf"\b{word}\b", history, re.I):
        return exact[0] if len(exact) == 1 else None
    unlike = _CHILD_WORDS if word in _PARENT_WORDS else _PARENT_WORDS
    fit = [k for k, m in enumerate(members) if m[0].sex == _RELATION_WORDS[word] and m[1] not in unlike]
    return fit[0] if len(fit) == 1 else None


def _split_by_relations(base: CaseRecord) -> list[CaseRecord]:
    """One case per member of a family a history tells one paragraph each (``_family_members``) when every
    figure's legend names its member by the relation (``_member_named_by``): keys ``<case>-p<n>`` in the history's
    order, each member's age and sex from their descriptor, their paragraphs as the history; [] else."""
    members = _family_members(base.history)
    owners = [_member_named_by(_legend_of(i), members, base.history)
              for i in base.images]
    if not members or None in owners:
        return []
    records = []
    for k, (descriptor, _, paragraphs) in enumerate(members):
        images = [image for image, owner in zip(base.images, owners) if owner == k]
        for position, image in enumerate(images):
            image.position = position
        records.append(CaseRecord(**{
            **base.__dict__,
            "source_key": f"{base.source_key}-p{k + 1}",
            "age_text": f"{descriptor.age} years", "sex_text": {"M": "male", "F": "female"}[descriptor.sex],
            "history": "\n".join(paragraphs),
            "images": images,
            "warnings": [*base.warnings, f"patient {k + 1} of {len(members)} (a family told one paragraph each) "
                                         f"split from case {base.source_key}: check the split"],
            "extra": {**base.extra, "patient_number": k + 1, "patients": len(members)},
        }))
    return [r for r in records if r.images]


def _split_by_markers(base: CaseRecord) -> list[CaseRecord]:
    history_parts = patient_segments(base.history)
    group = _GROUP_RE.search(" ".join((base.history, base.extra.get("patient_line", ""), base.title)))
    if not history_parts:
        if group:
            base.warnings.append(
                f"several patients described ({group.group(0)!r}) but not separable: review before release"
            )
        return [base]

    numbers = sorted(history_parts)
    assignment = {id(image): patient_named_by(image.caption) for image in base.images}
    unassigned = [image for image in base.images if assignment[id(image)] not in numbers]
    if unassigned:
        base.warnings.append(
            f"several patients described (patients {', '.join(map(str, numbers))}); "
            f"{len(unassigned)} of {len(base.images)} figures do not say which patient: review and split by hand"
        )
        base.extra["patients"] = len(numbers)
        return [base]

    findings_parts = patient_segments(base.findings)
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
                    f"patient {number} of {len(numbers)} split from multi-patient case {base.source_key}: "
                    "check the split",
                ],
                "extra": {**base.extra, "patient_number": number, "patients": len(numbers)},
            }
        )
        records.append(record)
    return records
