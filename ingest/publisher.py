"""Publisher and PMC article HTML -> ``Article``: meta tags and figures (docs/site-notes.md §4.1, §4.3, §4.4).

Meta tags: Highwire ``citation_*`` and Dublin Core ``dc.*``/``DC.*``/``DCTERMS.*``, whose case varies
between publishers, so names are compared lower-cased. Figures: PMC's ``figure.fig`` with blob-CDN
images, Atypon's (RSNA) ``figure.article__inlineFigure`` with ``data-lg-src`` large variants,
Springer Nature's ``c-article-section__figure`` and any plain ``figure``/``figcaption``.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from parsel import Selector

from ingest.blocking import detect_block_page
from ingest.jats import (
    HYPHENS,
    Article,
    Figure,
    Table,
    figure_number,
    normalize_license,
    not_an_image,
    number_bare_figures,
    one_labelled_panel,
    supplement_number,
    supplement_pdf,
    third_party_evidence,
)
from ingest.pages import HtmlPage, ParseError, below, classes, parent, select, select_one, text
from ingest.panels import parse_subcaptions


class BlockPageInsteadOfArticle(ParseError):
    """The HTML handed to the parser is a captcha, bot gate or refusal page, not the article (PMC
    reCAPTCHA, RSNA 403): found in the page itself, after the download middleware let it through."""


_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|tiff?|webp)(?:$|\?)", re.I)
_PMCID = re.compile(r"\bPMC\d+\b")
#: "Figure 1.", "Fig. 2:", "Figure-1:" (JPMA's hyphenated label), "Figura 1" and Turkish journals' "Şekil 1.", German
#: "Abb. 1" / "Abbildung 1", Russian "Рис. 1" / "Рисунок 1", Chinese "图1"
_LABEL = re.compile(r"^\s*((?:Fig(?:ure|ura)?\.?|FIG(?:URE)?\.?|Şekil|ŞEKİL|Şek\.|Abb(?:ildung)?\.?|Рис(?:унок)?\.?|"
                    r"图|圖)"
                    r"\s*-?\s*\d+[A-Za-z]?)\s*[.:|]?\s*", re.I)
#: A caption opened by a label without a number, "Figure. Axial chest CT images of 2 patients ..." (EID's
#: one figure): the word, then its full stop or colon and the caption.
_BARE_LABEL_LEAD = re.compile(r"^\s*(Fig(?:ure|ura)?|FIGURE)\s*[.:]\s+(?=[A-Z(])")


Meta = dict[str, list[tuple[str, Selector]]]


def _text(node: Selector | None) -> str:
    if node is None:
        return ""
    return re.sub(r"\s+", " ", text(node, " ", strip=True).replace("\xa0", " ").translate(HYPHENS)).strip()


_TABLE_LABEL = re.compile(r"\bTable\s+[A-Z]?\d+\b", re.I)


#: What holds a figure or a table (its caption's paragraphs are not body text): PMC's ``figure.fig``
#: and ``section.tw``, Springer's figure and table containers, a generic <figure>/<table>.
_FLOAT_TAGS = ("figure", "figcaption", "table")
_FLOAT_CLASSES = {"fig", "tw", "table-wrap", "c-article-section__figure", "c-article-table", "figure", "tables"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: Header lines of an article page that are not body text (authors, affiliations, the citation).
_FRONT_MATTER = re.compile(r"\b(?:authors?|affiliations?|citation[\w-]*|article-header|copyright|license)\b", re.I)
#: A generic figure holder of a journal's own platform: ``<div class="figure-item">``, ``fig-box``,
#: Frontiers' ``FigureDesc`` (the image and its caption paragraph), MDPI's ``html-fig_wrap``, the
#: Pan African Medical Journal's ``article_figure``.
_FIGURE_HOLDER = re.compile(
    r"^(?:html[-_]|article[-_])?(?:fig|figure|figura)(?:[-_]?(?:item|wrap|wrapper|container|box|block|panel|desc))?$",
    re.I)
#: The link to an article's figures tab ("Figures", "Figures & Data", "Figures and tables").
# The tab of the same article that shows its figures when this page shows none: "Figures & Data", or the
# "Full Text" tab of a landing page showing the abstract only (HighWire's medRxiv and bioRxiv), or the
# "HTML" galley of an Open Journal Systems article (its landing page is the abstract and the galleys).
_FIGURES_TAB = re.compile(r"^(?:figures?|figures?\s*(?:&|and)\s*(?:data|tables|media)|full[\s-]?text|html)$", re.I)
#: The frame a page shows its article in: OJS 3's HTML galley ``<iframe name="htmlFrame" title="HTML of ...">``.
_ARTICLE_FRAME = re.compile(r"html|article|galley|full[\s_-]?text", re.I)


def _is_layout_table(element: Any) -> bool:
    """A <table> laying out the page (Karger's and other old platforms' plain HTML: the whole article
    in a cell beside the navigation), not a table of data nor a figure: it holds headings or tables,
    or the article's paragraphs (a Turkish journal's page: title, authors, text and figures each a
    ``<p>`` of one cell) where a data table's or a figure's cells hold a value or a caption each."""
    return element.tag == "table" and bool(element.xpath(
        "descendant::table | descendant::h1 | descendant::h2 | descendant::h3 | descendant::h4")
        or len(element.xpath("descendant::p")) >= 5)


def _in_float(element: Any) -> bool:
    return any((a.tag in _FLOAT_TAGS and not _is_layout_table(a))
               or _FLOAT_CLASSES.intersection((a.get("class") or "").split())
               or any(_FIGURE_HOLDER.match(c) for c in (a.get("class") or "").split())
               for a in element.iterancestors())


def _loose_pair(block: Selector, following: Selector) -> bool:
    """An image alone in its block (an image child, no text) and the next block opening with a figure
    label and holding no image: a figure without figure markup (``ArticlePage.loose_figures``), whose
    caption is no body text (``ArticlePage.paragraphs``)."""
    return bool(block.xpath("img") and not block.xpath("normalize-space(string())").get()
                and _LABEL.match(_text(following)) and not following.xpath("descendant::img"))


def _loose_caption(paragraph: Selector) -> bool:
    """A paragraph that is the caption of a figure without figure markup (``_loose_pair``)."""
    before = paragraph.xpath("preceding-sibling::*[1]")
    return bool(before) and _loose_pair(before[0], paragraph)


def _section_titles(element: Any) -> list[str]:
    """The titles of the sections holding ``element``, outermost first: a section's ``data-title``
    (Springer Nature) or its own first heading (PMC's ``h2/h3.pmc_sec_title``)."""
    titles = []
    for section in element.iterancestors("section"):
        title = section.get("data-title") or ""
        if not title:
            heading = next((child for child in section if child.tag in _HEADINGS), None)
            title = _text(Selector(root=heading, type="html")) if heading is not None else ""
        if title:
            titles.append(title)
    if not titles:
        return _preceding_headings(element)
    return [*titles[::-1], *(t for t in _subheading_in_section(element) if t not in titles)]


def _subheading_in_section(element: Any) -> list[str]:
    """A sub-heading beside the paragraphs inside a section (Springer Nature's ``h3.c-article__sub-heading``
    "Case 1" / "Case 2" among the paragraphs of "Case presentation"): the nearest heading before the
    paragraph among its own siblings, unless it is the section's own title (a heading inside another
    block, a supplementary file's title, is not the paragraph's)."""
    parent = element.getparent()
    for sibling in element.itersiblings(preceding=True):
        if isinstance(sibling.tag, str) and sibling.tag in _HEADINGS[1:]:
            own = parent is not None and parent.tag == "section" and next(
                (c for c in parent if c.tag in _HEADINGS), None) is sibling
            title = "" if own else _text(Selector(root=sibling, type="html"))
            return [title] if title else []
    return []


def _preceding_headings(element: Any) -> list[str]:
    """Flat markup's section titles (Hindawi, Dove, Karger, Taylor & Francis: headings beside the
    paragraphs, no <section>): the nearest heading before the element (or before its nearest
    ancestor that has one), then the nearest of each higher level before that, down to ``h2`` (the
    page's ``h1`` is the article's title), outermost first."""
    titles: list[str] = []
    level = 7
    node = element
    while node is not None and node.tag not in ("body", "html") and level > 2:
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) or sibling.tag not in _HEADINGS[1:] or int(sibling.tag[1]) >= level:
                continue
            title = _text(Selector(root=sibling, type="html"))
            if title:
                titles.append(title)
                level = int(sibling.tag[1])
        node = node.getparent()
    return titles[::-1]


def _resolve(url: str, page_url: str) -> str:
    """Absolute URL; a ``citation_pdf_url`` on localhost is moved to the page's host (§4.4)."""
    if not url:
        return ""
    absolute = urljoin(page_url, url)
    parts = urlsplit(absolute)
    if parts.hostname in ("localhost", "127.0.0.1", "0.0.0.0") and urlsplit(page_url).hostname not in (
            "localhost", "127.0.0.1"):
        page = urlsplit(page_url)
        absolute = urlunsplit((page.scheme, page.netloc, parts.path, parts.query, ""))
    return absolute


def _date(value: str) -> str:
    value = value.strip()
    m = re.match(r"(\d{4})[-/ ](\d{1,2})(?:[-/ ](\d{1,2}))?", value)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}" + (f"-{int(m.group(3)):02d}" if m.group(3) else "")
    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    m = re.match(r"(\d{4})\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?", value)
    if m and m.group(2).lower() in months:
        month = months.index(m.group(2).lower()) + 1
        return f"{m.group(1)}-{month:02d}" + (f"-{int(m.group(3)):02d}" if m.group(3) else "")
    m = re.match(r"(\d{4})$", value)
    return m.group(1) if m else ""


def _doi(value: str) -> str:
    m = re.search(r"\b(10\.\d{4,9}/\S+)", value or "")
    return m.group(1).rstrip(".,;") if m else ""


def _check_blocked(html: str, url: str) -> None:
    reason = detect_block_page(200, {}, html, url)
    lowered = html[:20000].lower()
    if reason is None and ("g-recaptcha" in lowered or "just a moment..." in lowered):
        reason = "captcha" if "g-recaptcha" in lowered else "challenge"
    if reason:
        raise BlockPageInsteadOfArticle(url, f"article page (got a block page: {reason})")


#: Attributes holding an explicitly larger rendition (Atypon's data-lg-src, old PMC's src-large, MDPI's
#: data-large beside its 550-pixel data-lsrc).
_LARGE_ATTRS = ("data-lg-src", "data-large-src", "data-large", "data-full-src", "src-large", "data-original")
#: Query keys that only ask an image server for a resized rendition (HighWire's colorbox link
#: ``F1.large.jpg?width=800&height=600&carousel=1``): the file itself is the URL without them.
_RESIZE_KEYS = {"width", "height", "carousel", "w", "h"}
#: Lazy-loading attributes: the real image while ``src`` is a placeholder (site-notes §2.5.6).
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-lazy", "lazy-src", "data-echo")
_PLACEHOLDER = re.compile(r"^data:|(?:^|/)(?:blank|spacer|loading|loader|placeholder|lazy|pixel|transparent|"
                          r"grey|gray|empty|1x1)[\w.-]*\.(?:gif|png|svg)(?:$|\?)", re.I)


def _is_placeholder(src: str) -> bool:
    return not src or bool(_PLACEHOLDER.search(src.strip()))


def _srcset_best(srcsets: list[str], own_width: int) -> tuple[str, int]:
    """The widest candidate of the srcsets (``Nw``; ``Nx`` counts as N times the image's own
    width), WebP left out (the dataset keeps JPEG/PNG)."""
    best, best_w = "", -1
    for srcset in srcsets:
        for item in srcset.split(","):
            bits = item.strip().split()
            if not bits or bits[0].startswith("data:") or "webp" in bits[0]:
                continue
            size = bits[1] if len(bits) > 1 else ""
            width = 0
            if size.endswith("w") and size[:-1].isdigit():
                width = int(size[:-1])
            elif re.fullmatch(r"\d+(?:\.\d+)?x", size) and float(size[:-1]) > 1:
                width = int(float(size[:-1]) * max(own_width, 1))
            if width > best_w:
                best, best_w = bits[0], width
    return best, best_w


def _largest_src(img: Selector, page_url: str) -> tuple[str, str]:
    attrib = img.attrib
    for attr in _LARGE_ATTRS:
        if attrib.get(attr) and not _is_placeholder(attrib[attr]):
            return urljoin(page_url, attrib[attr]), attr
    link = parent(img, ("a",))
    if link is not None and link.attrib.get("href") and _IMAGE_PATH.search(urlsplit(link.attrib["href"]).path):
        return _without_resize_query(urljoin(page_url, link.attrib["href"])), "link"
    picture = parent(img, ("picture",))
    sources = below(picture, "source") if picture is not None else []
    srcsets = [attrib.get("srcset", ""), attrib.get("data-srcset", "")]
    srcsets += [s.attrib.get(a, "") for s in sources for a in ("srcset", "data-srcset")]
    own_width = int(attrib.get("width") or 0) if (attrib.get("width") or "").isdigit() else 0
    best, best_w = _srcset_best(srcsets, own_width)
    src = attrib.get("src", "")
    lazy = next(((attrib[a], a) for a in _LAZY_ATTRS if attrib.get(a) and not _is_placeholder(attrib[a])), None)
    if best and (best_w > own_width or (_is_placeholder(src) and lazy is None)):
        return urljoin(page_url, best), "srcset"
    if not _is_placeholder(src):
        return urljoin(page_url, src), "src"
    # A lazy-loaded image: ``src`` is a data: URI or a loading GIF until the page's script runs.
    return (urljoin(page_url, lazy[0]), lazy[1]) if lazy else ("", "")


def _without_resize_query(url: str) -> str:
    """The image's own URL when its query only asks for a resized rendition; else ``url`` as it is."""
    parts = urlsplit(url)
    keys = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if keys and keys <= _RESIZE_KEYS:
        return urlunsplit(parts._replace(query=""))
    return url


_HIGH_RES = re.compile(r"high[- ]?res|full[- ]?size|larger? image|original image|download", re.I)


def _download_link(node: Selector, page_url: str) -> str:
    """A figure's own link to its high-resolution file ("Download high-res image", "Full size
    image") when it points at an image file: ScienceDirect's ``..._lrg.jpg`` beside the page's
    rendition."""
    found = []
    for a in node.xpath("descendant::a[@href]"):
        href = a.attrib["href"]
        label = f"{_text(a)} {a.attrib.get('title', '')}"
        if _IMAGE_PATH.search(urlsplit(href).path) and _HIGH_RES.search(label):
            found.append((0 if re.search(r"high[- ]?res", label, re.I) else 1, urljoin(page_url, href)))
    return min(found)[1] if found else ""


_FIGURE_PAGE = re.compile(r"/fig(?:ure)?s?/[\w.-]+/?$|/doi/figure/|[?&]fig(?:ure)?=", re.I)
_THUMBNAIL = re.compile(r"thumb|small|/medium/|[_-](?:s|sm|tn)\.(?:gif|jpe?g|png)$", re.I)


def _figure_page(node: Selector, img: Selector | None, page_url: str) -> str:
    """The figure's own page (PMC's ``figure/F1/``, Atypon's ``/doi/figure/...``, BMC's
    ``/figures/1``) when the article shows only a thumbnail of it: the page has the large image."""
    if img is None:
        return ""
    width, height = img.attrib.get("width", ""), img.attrib.get("height", "")
    small = (width.isdigit() and int(width) < 300) or (height.isdigit() and int(height) < 200)
    if not (small or _THUMBNAIL.search(urlsplit(img.attrib.get("src", "")).path)
            or "thumb" in " ".join(classes(img))):
        return ""
    for a in node.xpath("descendant::a[@href]"):
        href = urljoin(page_url, a.attrib["href"])
        if _FIGURE_PAGE.search(href) and not _IMAGE_PATH.search(urlsplit(href).path):
            return href
    return ""


_FURNITURE = re.compile(r"logo|banner|icon", re.I)


def _is_site_furniture(img: Selector) -> bool:
    """The site's own images on a figure page without figure markup (AJCR's viewer: the journal's logo
    in the page's top bar, then the figure): in a header/nav/footer, or named a logo, banner or icon."""
    if img.xpath("ancestor::header | ancestor::nav | ancestor::footer"):
        return True
    words = " ".join((urlsplit(img.attrib.get("src", "")).path.rsplit("/", 1)[-1], img.attrib.get("alt", ""),
                      *classes(img)))
    return bool(_FURNITURE.search(words))


def figure_page_image(html: str | bytes, url: str) -> str:
    """The largest image of a figure's own page ("" for a block page or a page without one)."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    _check_blocked(html, url)
    page = ArticlePage(html, url)
    for node in page.figure_containers() or page.css("main, article, body"):
        for img in node.xpath("descendant::img"):
            if _is_site_furniture(img):
                continue
            src, _how = _largest_src(img, url)
            if src and not urlsplit(src).path.lower().endswith(".svg") and not _THUMBNAIL.search(urlsplit(src).path):
                return src
    return ""


#: Where a site's page shows a resized rendition and its figure viewer the full-size file at a known
#: address: Springer Nature's media server (``/lw685/`` -> ``/full/``); Taylor & Francis' figure
#: viewer (its page holds only the ``..._f0001_b.gif`` thumbnail, the viewer ``..._f0001_oc.jpg``).
_FULL_SIZE_RULES = (
    (re.compile(r"(//media\.springernature\.com)/lw\d+/"), r"\1/full/"),
    (re.compile(r"(//(?:www\.)?tandfonline\.com/cms/asset/[\w-]+/[^/]+_f\d+)_b\.(?:gif|jpe?g)$"), r"\1_oc.jpg"),
)


def _full_size(url: str) -> str:
    """The full-size file of a site's resized rendition (``url`` itself when no rule applies)."""
    for pattern, replacement in _FULL_SIZE_RULES:
        url = pattern.sub(replacement, url)
    return url


def _panel_letter(element: Any, caption: Any) -> str | None:
    """A bold panel letter ("B", "(b)") as "(b)", the way the sub-captions are read; None for other elements."""
    if element.tag not in ("b", "strong"):
        return None
    letter = text(element, strip=True, within=caption)
    if re.fullmatch(r"[A-Ha-h]", letter):
        return f"({letter})"
    if re.fullmatch(r"\(([A-Ha-h])\)", letter):
        return letter
    return None


def _caption_with_letters(node: Selector | None) -> str:
    """Caption text with bold panel letters written as "(a)" so the sub-captions can be read;
    the label (``.captionLabel``) left out. The caption is read on its own, as a copy of its
    element (what encloses it on the page, a stray <rt> for one, hides nothing)."""
    if node is None:
        return ""
    caption = node.root
    own = _panel_letter(caption, caption)
    if own is not None:
        found = own
    elif "captionLabel" in classes(node):
        found = ""
    else:
        labels = {label.root for label in select(node, ".captionLabel")}
        found = text(node, " ", strip=True, skip=labels, replace=lambda el: _panel_letter(el, caption),
                     own_container=False, within=caption)
    found = re.sub(r"\s+", " ", found.replace("\xa0", " ")).strip()
    # A bold letter its caption already puts in parentheses ("axial (<b>a</b>) and coronal (<b>b</b>)",
    # Karger) is one panel letter, not "( (a) )".
    return re.sub(r"\(\s*(\([A-Ha-h]\))\s*\)", r"\1", found)


class ArticlePage(HtmlPage):
    """A publisher's or PMC's article page: meta tags, licence, figures, paragraphs (one method each)."""

    @cached_property
    def meta(self) -> Meta:
        found: Meta = {}
        for node in self.find_all("meta"):
            name = (node.attrib.get("name") or node.attrib.get("property") or "").strip().lower()
            content = (node.attrib.get("content") or "").strip()
            if name:
                found.setdefault(name, []).append((content, node))
        return found

    def meta_value(self, *names: str) -> str:
        """The first non-empty content of the first of ``names`` present."""
        for name in names:
            for content, _ in self.meta.get(name, []):
                if content:
                    return content
        return ""

    def doi(self) -> str:
        doi = _doi(self.meta_value("citation_doi"))
        if not doi:
            for content, node in self.meta.get("dc.identifier", []):
                if node.attrib.get("scheme", "").lower() in ("doi", "") and _doi(content):
                    return _doi(content)
        return doi

    def title(self) -> str:
        return self.meta_value("citation_title", "dc.title", "og:title") or _text(self.find("h1"))

    def journal(self) -> str:
        journal = self.meta_value("citation_journal_title", "prism.publicationname", "dc.source")
        return "" if journal.startswith("http") else journal

    def published(self) -> str:
        return _date(self.meta_value("citation_online_date", "citation_publication_date", "citation_date",
                                     "dcterms.issued", "dc.date", "article:published_time"))

    def pmcid(self) -> str:
        m = _PMCID.search(self.meta_value("ncbi_pcid") or self.url)
        return m.group(0) if m and ("ncbi.nlm.nih.gov" in self.url or "ncbi_pcid" in self.meta) else ""

    def authors(self) -> list[str]:
        return [c for c, _ in self.meta.get("citation_author", [])] or [c for c, _ in self.meta.get("dc.creator", [])]

    def paragraphs(self) -> list[str]:
        """Body paragraphs, each prefixed by its sections' titles as the JATS ones are ("Case
        presentation / Patient 2: ..."), without the figures' and tables' captions: a case series
        numbers its patients in its section titles, and a caption is not a description of one."""
        # MDPI's paragraphs are ``<div class="html-p">`` in its ``html-body``.
        # Elsevier's partner-journal platform (thelancet.com, ajemjournal.com): ``<div class="section-paragraph">``.
        # Atypon's current platform (SAGE): ``<div role="paragraph">`` in ``<section id="bodymatter">``.
        found = self.css("section.body p, .hlFld-Fulltext > p, .c-article-section p, article .main-article-body p, "
                         ".html-body .html-p, .article__body .section-paragraph, #bodymatter [role='paragraph']")
        if not found and (self.part_of_article or self.meta.get("citation_title") or self.meta.get("dc.title")):
            # An article page (its meta tags say so) of a journal's own platform (no PMC, Atypon or
            # Springer classes): the paragraphs of its article body, a <div class="article-body"> or
            # the page's <main>/<article>, without the header's author, affiliation, citation lines.
            # Frontiers' ``JournalFullText`` is in none of these: then the paragraphs of the body.
            found = (self.css("[class*='article-body'] p, [class*='article-text'] p, main p, article p")
                     or self.css("body p"))
            found = [p for p in found
                     if not any(a.tag in ("header", "footer", "nav") or _FRONT_MATTER.search(a.get("class") or "")
                                for a in [p.root, *p.root.iterancestors()])]
            found = list({p.root: p for p in found}.values())
        out = []
        for p in found:
            said = _text(p)
            if not said or _in_float(p.root) or _loose_caption(p):
                continue
            titles = _section_titles(p.root)
            out.append(f"{' / '.join(titles)}: {said}" if titles else said)
        return out

    def tables(self) -> list[Table]:
        """The page's tables as text cells, each labelled by its own <caption> or its wrapper's heading
        ("Table 1": PMC's ``section.tw``, a publisher's table figure)."""
        found: list[Table] = []
        for table in self.css("table"):
            if _is_layout_table(table.root) or any(_FIGURE_HOLDER.match(c) for c in classes(table)):
                continue  # the page's layout, or a figure laid out as a table (Karger's ``table.figure``)
            rows = [[_text(cell) for cell in select(tr, "th, td")] for tr in select(table, "tr")]
            rows = [row for row in rows if any(row)]
            if not rows:
                continue
            caption = _text(select_one(table, "caption"))
            label = _TABLE_LABEL.search(caption)
            wrapper = parent(table, ("section", "div", "figure"))
            for _ in range(3):
                if label or wrapper is None:
                    break
                heading = select_one(wrapper, "h2, h3, h4, .obj_head, .label, .captionLabel, figcaption, .caption")
                caption = caption or _text(select_one(wrapper, ".caption, figcaption")) or _text(heading)
                label = _TABLE_LABEL.search(_text(heading))
                wrapper = parent(wrapper, ("section", "div", "figure"))
            found.append(Table(label=label.group(0) if label else "", caption=caption, rows=rows))
        return found

    def license(self, article: Article) -> None:
        """The licence (and its evidence) from the rights meta tag, a licence link, the copyright line."""
        rights = self.meta_value("dc.rights", "dcterms.rights", "citation_license")
        if normalize_license(rights):
            article.license, article.license_url = (normalize_license(rights),
                                                    rights if rights.startswith("http") else "")
            article.license_evidence = f"meta DC.rights {rights}"
            return
        # PMC's "Copyright and License information" panel links the CC deed.
        for a in self.css('#clp_a a[href], .permissions a[href], .license a[href], a[rel="license"][href]'):
            href = a.attrib["href"]
            if normalize_license(href):
                article.license, article.license_url = normalize_license(href), href
                article.license_evidence = f"licence link {href}"
                return
        if rights:
            article.license_evidence = f"meta DC.rights {rights}"
            return
        copy = self.first(".article__copy, .copyright, #clp_a")
        if copy is not None:
            article.license_evidence = f"copyright: {_text(copy)}"

    def figure_containers(self) -> list[Selector]:
        """Figure elements, outermost only, without visual abstracts and figures without images."""
        found: list[Selector] = []
        seen: set[Any] = set()
        # div.fig: PMC's classic layout (``?report=classic``), thumbnails with ``src-large``.
        for node in self.css("figure.fig, div.fig, figure.article__inlineFigure, div.c-article-section__figure, "
                             "article figure, main figure"):
            if node.root in seen or any(a in seen for a in node.root.iterancestors()):
                continue
            seen.add(node.root)
            # ScienceDirect's figure without <img> (the page's script draws it): its "Download high-res
            # image" link is the figure.
            if "visualAbstract" not in classes(node) and (node.xpath("descendant::img")
                                                          or _download_link(node, self.url)
                                                          or self.dialog_images(node)):
                found.append(node)
        # A bare <figure> outside <article>/<main> (a journal's own layout: Medknow's ``figure.article-figure``
        # in a <section>, WordPress' ``figure.wp-caption``) is a figure when its <figcaption> starts with a
        # figure label ("Figure 1:"): a page's other <figure>s (a logo, an advert) carry none.
        for node in self.css("figure"):
            if node.root in seen or any(a in seen for a in node.root.iterancestors()):
                continue
            caption = select_one(node, "figcaption")
            if caption is not None and _LABEL.match(_text(caption)) and node.xpath("descendant::img"):
                seen.add(node.root)
                found.append(node)
        if not found:
            # No <figure> nor a known platform's classes: a holder classed as a figure with an image
            # ("figure-item" on a journal's figures tab; Karger's plain HTML lays one out as a
            # ``<table class="figure">``: the image's row, then the caption's ``td.figcaption``).
            for node in self.css("div[class], li[class], table[class]"):
                if (any(_FIGURE_HOLDER.match(c) for c in classes(node)) and node.xpath("descendant::img")
                        and not any(a in seen for a in node.root.iterancestors())):
                    seen.add(node.root)
                    found.append(node)
        return found

    def pdf_galley(self) -> str:
        """OJS's PDF galley link (``a.obj_galley_link.pdf``), for a page naming no ``citation_pdf_url``: it
        opens the journal's PDF viewer page, which names the file (``pdf_viewer_file``)."""
        link = self.first("a.obj_galley_link.pdf[href]")
        return _resolve(link.attrib["href"], self.url) if link is not None else ""

    def figures_tab(self) -> str:
        """The article's own figures page ("Figures & Data" tab) when this page shows no figure."""
        for a in self.css("a[href]"):
            href = _resolve(a.attrib["href"], self.url)
            if (_FIGURES_TAB.match(_text(a)) and href.rstrip("/") != self.url.rstrip("/")
                    and not _IMAGE_PATH.search(urlsplit(href).path)
                    and urlsplit(href).netloc == urlsplit(self.url).netloc):
                return href
        return ""

    def article_frame(self) -> str:
        """The address of the same site's frame this page shows its article in (OJS 3's HTML galley
        page is a header and ``<iframe name="htmlFrame" src=".../article/download/1071/1523?inline=1">``);
        a frame not named or titled as an article's (a widget, an advert) is none."""
        for frame in self.css("iframe[src]"):
            src = _resolve(frame.attrib["src"], self.url)
            named = " ".join(frame.attrib.get(a, "") for a in ("name", "id", "title", "class"))
            if (_ARTICLE_FRAME.search(named) and urlsplit(src).netloc == urlsplit(self.url).netloc
                    and src.rstrip("/") != self.url.rstrip("/")):
                return src
        return ""

    @staticmethod
    def label_and_caption(node: Selector) -> tuple[str, str]:
        label = _text(select_one(node, "h4.obj_head, .captionLabel, .c-article-section__figure-caption, "
                                        ".fig-label, .label, .icnblk_cntnt > div > a.figpopup, .figure-label, "
                                        ".figure__label, .figure__title"))
        caption_node = None
        # In priority order: Springer puts the label alone in figcaption and the text apart.
        # ScienceDirect's is ``span.captions``, Wiley's ``.figure__caption``.
        # Wiley's ``.figure__caption-text`` is the caption alone (its ``.figure__caption`` also holds the
        # label and an "Open in figure viewer" link).
        for query in (".c-article-section__figure-description", "figcaption .caption", ".caption", ".captions",
                      ".figure__caption-text", ".figure__caption", "figcaption", ".figure-caption, .fig-caption",
                      ".html-fig_description", ".figcaption"):
            caption_node = select_one(node, query)
            if caption_node is not None:
                break
        if caption_node is None:
            # A holder without a caption element (Frontiers: the image link, then a <p> "Figure 1. ...").
            caption_node = select_one(node, "p")
        if caption_node is None:
            # Nor a <p>: the holder's element without an image whose text starts with the label
            # (AJCR's ``div.fig_desc`` "Figure 1. Imaging on admission. (A) ...").
            caption_node = next((el for el in node.xpath("descendant::*[self::div or self::span]")
                                 if not el.xpath("descendant::img") and _LABEL.match(_text(el))), None)
        caption = _caption_with_letters(caption_node)
        if label and caption.startswith(label):
            caption = caption[len(label):].lstrip(" .:|")
        if not label:
            m = _LABEL.match(caption) or _BARE_LABEL_LEAD.match(caption)
            if m:
                label, caption = m.group(1), caption[m.end():]
        return label, caption

    def loose_figures(self) -> list[Figure]:
        """Figures of a page without figure markup (an author's document saved as HTML, as OJS serves its
        HTML galleys): an image alone in its paragraph whose next paragraph opens with a figure label
        ("Figure 1: Chest X-ray (A) and ..."). Each is read as a ``<figure>`` of the two."""
        found = []
        for block in self.selector.xpath("//body//*[self::p or self::div or self::center][img]"):
            following = block.xpath("following-sibling::*[1]")
            if not following or not _loose_pair(block, following[0]):
                continue
            holder = Selector(text=f"<figure>{block.get()}<figcaption>{following[0].get()}</figcaption></figure>",
                              type="html").css("figure")[0]
            found.append(self.figure(holder))
        return found

    def dialog_images(self, node: Selector) -> list[Selector]:
        """The images of the page's dialog that a figure holder without ``<img>`` opens: SciELO's new
        site draws the thumbnail as a CSS background and shows the image only in the Bootstrap modal its
        link names (``data-target="#ModalFigf1"``), at the end of the page."""
        if node.xpath("descendant::img"):
            return []
        found: list[Selector] = []
        for opener in node.xpath("descendant-or-self::*[@data-target or @data-bs-target]"):
            target = opener.attrib.get("data-target") or opener.attrib.get("data-bs-target") or ""
            if re.fullmatch(r"#[\w-]+", target):
                found += self.css(f"[id='{target[1:]}'] img")
        return found

    def figure(self, node: Selector) -> Figure:
        label, caption = self.label_and_caption(node)
        urls: list[str] = []
        how: list[str] = []
        images = node.xpath("descendant::img") or self.dialog_images(node)
        for img in images:
            src, chosen = _largest_src(img, self.url)
            if src and src not in urls and not urlsplit(src).path.lower().endswith(".svg"):
                urls.append(src)
                how.append(chosen)
        # The page's own rendition (``src``, or a lazy ``data-src`` once the script runs: SAGE's medium image)
        # gives way to the figure's link to its high-resolution file (SAGE's "Download": the large image).
        shown = len(urls) == 1 and how[0] in ("src", *_LAZY_ATTRS)
        download = _download_link(node, self.url) if not urls or shown else ""
        if download and download not in urls:
            urls, how = [download, *urls], ["download link", *how]
        figure = Figure(id=node.attrib.get("id", ""), label=label.rstrip(" .:"), number=figure_number(label),
                        caption=caption, image_urls=urls, extra={"chosen_by": how})
        page = _figure_page(node, images[0], self.url) if how == ["src"] else ""
        if page:
            figure.extra["figure_page"] = page
        full = [_full_size(u) for u in urls if _full_size(u) != u]
        if full:
            figure.extra["full_size_guess"] = full
        if len(urls) > 1 and how[0] != "download link":
            # Atypon serves panels as separate files: ...fig2a.gif, ...fig2b.gif; other pages put
            # one <img> per panel in the figure, in reading order.
            letters = [re.search(r"fig\d+([a-z])\.", u) for u in urls]
            if all(letters) and len({m.group(1) for m in letters if m}) == len(urls):
                figure.extra["panel_files"] = {m.group(1): u for m, u in zip(letters, urls) if m}
            else:
                figure.extra["panel_files"] = {chr(ord("a") + i): u for i, u in enumerate(urls)}
        evidence = third_party_evidence(caption)
        if evidence:
            figure.third_party, figure.third_party_evidence = True, f"caption: {evidence}"
        figure.panel_captions = parse_subcaptions(caption)
        one_labelled_panel(figure)
        return figure

    def supplementary_links(self) -> list[tuple[Selector, str]]:
        """Links to files in the page's supplementary material: a section titled so ("Supplementary
        material", Springer's "Supplementary Information", ScienceDirect's "Appendix A.
        Supplementary data") or an element classed or named "supplementary"."""
        found: list[tuple[Selector, str]] = []
        for link in self.css("a[href]"):
            root = link.root
            holders = [root, *root.iterancestors()]
            inside = any("supplement" in f"{h.get('class') or ''} {h.get('id') or ''}".lower() for h in holders)
            if not inside and not any(re.search(r"supplement", t, re.I) for t in _section_titles(root)):
                continue
            url = _resolve(link.attrib.get("href", ""), self.url)
            if url and re.search(r"\.[A-Za-z0-9]{2,4}$", urlsplit(url).path) and url not in {u for _, u in found}:
                found.append((link, url))
        return found

    def supplementary(self, article: Article) -> None:
        """Supplementary files that are images become figures (the curators took such images when
        they were the case's films), numbered after the article's own as in ``ingest.jats``; a PDF,
        Word, zip or video file is named in ``extra["supplementary_skipped"]`` with the reason."""
        shown = {u for f in article.figures for u in f.image_urls}
        skipped: list[dict] = []
        pdfs: list[dict] = []
        for index, (link, url) in enumerate(self.supplementary_links(), start=1):
            name = urlsplit(url).path.rsplit("/", 1)[-1]
            block = next((a for a in link.root.iterancestors() if a.tag in ("li", "div", "p", "figure")), None)
            label = _text(link).rstrip(" .:")
            whole = _text(Selector(root=block, type="html")) if block is not None else label
            caption = whole[len(label):].lstrip(" .:") if whole.startswith(label) else whole
            skip = not_an_image(name, label)
            if skip is not None:
                skipped.append(skip)
                pdf = supplement_pdf(name, label, caption, url)
                pdfs += [pdf] if pdf is not None else []
                continue
            if url in shown:
                continue
            figure = Figure(label=label or f"Supplementary material {index}",
                            number=supplement_number(label, index), caption=caption,
                            image_urls=[url], panel_captions=parse_subcaptions(caption),
                            extra={"from": "supplementary-material", "supplementary": True})
            evidence = third_party_evidence(caption)
            if evidence:
                figure.third_party, figure.third_party_evidence = True, f"caption: {evidence}"
            article.figures.append(figure)
        if skipped:
            article.extra["supplementary_skipped"] = skipped
        if pdfs:
            # read by the crawl when the article's own figures show no patient (``ingest.jats``)
            article.extra["supplementary_pdfs"] = pdfs

    #: The page is a part of an article already found (its figures tab, the frame of its full text): read
    #: without the article's meta tags, which the landing page has.
    part_of_article = False

    def article(self) -> Article:
        if (not self.part_of_article and not self.meta.get("citation_title") and not self.meta.get("dc.title")
                and not self.css("figure, h1")):
            raise ParseError(self.url, "article meta tags (citation_title / dc.Title)")
        article = Article(
            doi=self.doi(), pmcid=self.pmcid(), pmid=self.meta_value("citation_pmid"), title=self.title(),
            journal=self.journal(), published=self.published(), url=self.url,
            pdf_url=_resolve(self.meta_value("citation_pdf_url"), self.url), authors=self.authors(),
        )
        self.license(article)
        article.figures = [self.figure(node) for node in self.figure_containers()] or self.loose_figures()
        number_bare_figures(article.figures)
        if not article.figures and (tab := self.figures_tab()):
            article.extra["figures_tab"] = tab
        if not article.figures and (frame := self.article_frame()):
            article.extra["article_frame"] = frame
        if not article.figures and not article.pdf_url and (galley := self.pdf_galley()):
            article.extra["pdf_galley"] = galley
        self.supplementary(article)
        article.paragraphs = self.paragraphs()
        article.tables = self.tables()
        article.full_text = bool(article.figures or article.paragraphs)
        return article


def pdf_viewer_file(html: str | bytes, url: str) -> str:
    """The PDF a journal's viewer page shows (OJS's galley page): its "download" link, else the file its
    pdf.js ``<iframe>`` opens (``viewer.html?file=...``); "" when it names none."""
    page = Selector(text=html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html)
    link = page.css("a.download[href]")
    if link:
        return _resolve(link[0].attrib["href"], url)
    for frame in page.css("iframe[src]"):
        shown = dict(parse_qsl(urlsplit(frame.attrib["src"]).query)).get("file", "")
        if shown:
            return _resolve(shown, url)
    return ""


def parse_article_html(html: str | bytes, url: str, *, part_of_article: bool = False) -> Article:
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    _check_blocked(html, url)
    page = ArticlePage(html, url)
    page.part_of_article = part_of_article
    return page.article()

