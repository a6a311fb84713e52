"""SIRM (Società Italiana di Radiologia Medica) COVID-19 case posts: a WordPress blog.

Pure functions: HTML text + the URL it came from -> records. See docs/site-notes.md §3.

Natural key: the post slug (``covid-19-caso-40``), prefixed with the language directory for the
English mirror (``en/covid-19-case-5``) because the English posts are a separate numbering
sequence. The slug is the same on ``www.sirm.org``, ``sirm.org`` and ``archivio.sirm.org``, while
the case number alone is ambiguous between the two languages.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from ingest.pages import ParseError, SearchPage
from ingest.records import CaseRecord, ImageRecord

SOURCE = "sirm"
CANONICAL_HOST = "www.sirm.org"
SIRM_HOSTS = {"www.sirm.org", "sirm.org", "archivio.sirm.org"}

_POST_PATH = re.compile(r"^/(?:(?P<lang>en)/)?(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<slug>[^/?#]+)/?$")
_CASE_TITLE = re.compile(r"\b(?:caso|case)\s*(?:n\.?\s*)?(\d+)\b", re.I)
_SLUG_NUMBER = re.compile(r"covid-19-(?:caso|case)-(\d+)")
_WP_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z]{3,4}$)")
_IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|tiff?|bmp|webp)$", re.I)
_MONTHS_IT = {m: i + 1 for i, m in enumerate(
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"])}
_MONTHS_EN = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])}

# A narrative starts with the patient; everything before it is the byline (authors, institution).
_NARRATIVE_START = re.compile(
    r"^\s*(?:paziente|pz\.?|maschio|femmina|uomo|donna|ragazz[oa]|signor[ae]?|anziano|anziana|"
    r"patient|male|female|man|woman|\d{1,3}[- ]?(?:anni|year))\b|\b\d{1,3}\s*(?:anni|years?)\b",
    re.I)
_INSTITUTION_WORDS = re.compile(
    r"\b(?:radiologia|radiology|u\.?o\.?c?\.?|uoc|uos|ospedale|hospital|asst|asl|asp|aou|ao|aorn|ausl|"
    r"irccs|policlinico|universit[àa]|university|dipartimento|department|azienda|istituto|presidio|"
    r"clinica|direttore|director|servizio|diagnostica|centro)\b", re.I)
_IMAGING_START = re.compile(
    r"^\s*(?:fig(?:ura|\.)?\s*\d*|rx|radiografia|radiogramma|tc|hrct|angio-?tc|l[’']esame\s+tc|"
    r"l[’']esame\s+rx|esame\s+tc|ecografia|eco|rm|chest\s+x-?ray|x-?ray|ct|hrct)\b", re.I)
_VIEW = re.compile(
    r"\b(?:AP\s+(?:a\s+letto|supino|in\s+piedi)|AP\s+supine|AP|PA|latero-?laterale|laterale|lateral|"
    r"supino|a\s+letto|assiale|axial|coronale|coronal|sagittale|sagittal)\b", re.I)
_MODALITY = re.compile(r"\b(?:RX|radiografia|radiogramma|chest\s+x-?ray|x-?ray|TC|HRCT|CT|ecografia|RM)\b", re.I)
_AGE = re.compile(r"\b(?:di\s+)?anni\s+\d{1,3}\b|\b\d{1,3}\s*(?:anni|years?(?:\s+old)?)\b|\b\d{1,3}-year-old\b", re.I)
_SEX = re.compile(
    r"\bsesso\s+(?:maschile|femminile)\b|\b(?:maschio|femmina|uomo|donna|male|female|man|woman)\b", re.I)
_DAY_MONTH = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
_GENDERED_PATIENT = re.compile(r"\b(?:il|la)\s+paziente\b|\bpaziente\s+(?:dimess[oa]|ricoverat[oa])\b", re.I)


# --- URLs ----------------------------------------------------------------------------------------

def canonical_sirm_url(url: str) -> str:
    """The URL under which a SIRM page is known, whatever host or print variant served it.

    ``sirm.org`` and ``archivio.sirm.org`` serve the same WordPress paths, so the host becomes
    ``www.sirm.org`` (the host the dataset's ``url`` column uses); the query (``?print=...``,
    ``?lang=``) and fragment are dropped; a trailing slash is kept as WordPress writes permalinks.
    """
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host not in SIRM_HOSTS:
        raise ValueError(f"not a SIRM URL: {url!r}")
    path = re.sub(r"/{2,}", "/", parts.path or "/")
    if not path.endswith("/") and not _IMAGE_EXT.search(path):
        path += "/"
    return urlunsplit(("https", CANONICAL_HOST, path, "", ""))


def sirm_case_url(number_or_url: int | str) -> str:
    """URL of a case post from its Italian case number, or the canonical form of a post URL.

    The dated permalink cannot be computed from the number, so a number yields WordPress's
    ``?name=<slug>`` query, which WordPress answers with a redirect to the permalink.
    """
    if isinstance(number_or_url, int) or str(number_or_url).strip().isdigit():
        return f"https://{CANONICAL_HOST}/?name=covid-19-caso-{int(number_or_url)}"
    return canonical_sirm_url(str(number_or_url))


def sirm_source_key(url: str) -> str:
    """``covid-19-caso-40`` / ``en/covid-19-case-5`` from any post URL (any host, print variant)."""
    parts = urlsplit(url)
    m = _POST_PATH.match(re.sub(r"/{2,}", "/", parts.path))
    if m:
        return f"{m['lang']}/{m['slug']}" if m["lang"] else m["slug"]
    name = re.search(r"(?:^|&)name=([^&]+)", parts.query)
    if name:
        return name.group(1)
    raise ValueError(f"not a SIRM post URL: {url!r}")


def _is_post_url(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "").lower() in SIRM_HOSTS and bool(_POST_PATH.match(parts.path))


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


# --- Listing -------------------------------------------------------------------------------------

def _soup(html: str | bytes) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def _is_error_page(soup: BeautifulSoup) -> bool:
    body = soup.body
    classes = body.get("class", []) if body else []
    return "error404" in classes or soup.select_one("section.error-404") is not None


def parse_sirm_listing(html: str | bytes, url: str) -> SearchPage:
    """Post URLs (newest first, as listed) and the next (older) page of a category listing.

    Post URLs keep the host that listed them: ``archivio.sirm.org`` may be the only host still
    serving a post, so the spider must fetch it there; records carry the canonical URL.
    """
    soup = _soup(html)
    if _is_error_page(soup):
        raise ParseError(url, "SIRM error page (WordPress 404)")
    entries = soup.select("article.post, div.post, article.type-post")
    case_urls: list[str] = []

    def add(href: str | None) -> None:
        if not href:
            return
        absolute = _strip_query(urljoin(url, href.strip()))
        if _is_post_url(absolute) and absolute not in case_urls:
            case_urls.append(absolute)

    for entry in entries:
        link = entry.select_one(".entry-title a[href], h2 a[href][rel~=bookmark], h1 a[href]")
        add(link.get("href") if link else None)
    if not entries:
        # The print rendering (?print=print-search) shows full posts without permalinks: the
        # case number in the title is all there is.
        for title in soup.select(".print-title, .print-post h1, .print-post h2"):
            m = _CASE_TITLE.search(title.get_text(" ", strip=True))
            if m and sirm_case_url(int(m.group(1))) not in case_urls:
                case_urls.append(sirm_case_url(int(m.group(1))))
    if not entries and not case_urls:
        raise ParseError(url, "listing entries (article.post .entry-title a)")
    return SearchPage(case_urls=case_urls, next_url=_next_listing_url(soup, url))


def _next_listing_url(soup: BeautifulSoup, url: str) -> str | None:
    # In a newest-first WordPress listing the next page holds older posts; themes call that link
    # "next" (paginate_links), "nav-previous" (twentyten-style "Articoli meno recenti") or rel=next.
    for selector in ("a.next.page-numbers[href]", "link[rel=next][href]", ".nav-previous a[href]",
                     "a[rel=next][href]"):
        node = soup.select_one(selector)
        if node is not None:
            href = urljoin(url, node["href"])
            if "/page/" in href or "paged=" in href:
                return href
    current = _page_number(url)
    for a in soup.select("a.page-numbers[href], .pagination a[href], .nav-links a[href]"):
        href = urljoin(url, a["href"])
        if _page_number(href) == current + 1:
            return href
    return None


def _page_number(url: str) -> int:
    m = re.search(r"/page/(\d+)/?", urlsplit(url).path) or re.search(r"paged=(\d+)", urlsplit(url).query)
    return int(m.group(1)) if m else 1


# --- Post ----------------------------------------------------------------------------------------

def _text(node: Tag) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True).replace("\xa0", " ")).strip()


def _lines(p: Tag) -> list[str]:
    """The visual lines of a paragraph (``<br>`` separates author and institution lines)."""
    chunks: list[str] = []
    current: list[str] = []
    for node in p.descendants:
        if isinstance(node, Tag) and node.name == "br":
            chunks.append("".join(current))
            current = []
        elif isinstance(node, str) and not isinstance(node, Tag):
            current.append(str(node))
    chunks.append("".join(current))
    return [c for c in (re.sub(r"\s+", " ", c.replace("\xa0", " ")).strip() for c in chunks) if c]


def _credit(byline: list[str], line_nodes: dict[str, Tag]) -> str:
    """The dataset's credit: ``Credit to `` and the post's authors line as the page shows it (the
    first paragraph of the byline, with what it holds: the curators copy it whole, institution
    included when it shares the paragraph, and append nothing; spaces as rendered)."""
    if not byline:
        return ""
    node = line_nodes.get(byline[0])
    text = re.sub(r"\s+", " ", node.get_text("").replace("\xa0", " ")).strip() if node is not None else byline[0]
    return "Credit to " + text if text else ""


def _published(soup: BeautifulSoup, url: str) -> str:
    node = soup.select_one("time.entry-date.published[datetime], time.entry-date[datetime], time[datetime]")
    if node is not None:
        return node["datetime"][:10]
    meta = soup.select_one('meta[property="article:published_time"][content]')
    if meta is not None:
        return meta["content"][:10]
    for node in soup.select(".entry-date, .print-date, .posted-on"):
        m = re.search(r"(\d{1,2})\s+([A-Za-zà]+)\s+(\d{4})", _text(node))
        if m:
            month = _MONTHS_IT.get(m.group(2).lower()) or _MONTHS_EN.get(m.group(2).lower())
            if month:
                return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
    m = _POST_PATH.match(urlsplit(url).path)
    return f"{m['y']}-{m['m']}-{m['d']}" if m else ""


def _title(soup: BeautifulSoup) -> str:
    for selector in ("article h1.entry-title", "h1.entry-title", ".post h1", "h1.print-title"):
        node = soup.select_one(selector)
        if node is not None and _text(node):
            return _text(node)
    og = soup.select_one('meta[property="og:title"][content]')
    title = og["content"] if og is not None else (soup.title.get_text() if soup.title else "")
    return re.sub(r"(?<!\s)\s*[–-]\s*(?:Archivio\s+)?SIRM\s*$", "", title.strip())


def _srcset_largest(srcset: str) -> tuple[str, int] | None:
    best: tuple[str, int] | None = None
    for candidate in srcset.split(","):
        bits = candidate.strip().split()
        if not bits:
            continue
        width = 0
        if len(bits) > 1 and re.fullmatch(r"\d+w", bits[1]):
            width = int(bits[1][:-1])
        elif len(bits) > 1 and re.fullmatch(r"[\d.]+x", bits[1]):
            width = int(float(bits[1][:-1]) * 1000)
        if best is None or width > best[1]:
            best = (bits[0], width)
    return best


def best_image_url(img: Tag, base_url: str) -> tuple[str, str]:
    """(full-size URL, how it was chosen) for a WordPress ``img``.

    Order: a link around the image that points at an image file (WordPress "link to media file"),
    the block gallery's ``data-full-url``, the largest ``srcset``/``data-srcset`` candidate, the
    lazy-load ``data-src``, then ``src``.
    """
    link = img.find_parent("a")
    if link is not None and link.get("href") and _IMAGE_EXT.search(urlsplit(link["href"]).path):
        return urljoin(base_url, link["href"]), "link"
    for attr in ("data-full-url", "data-orig-file", "data-large-file"):
        if img.get(attr):
            return urljoin(base_url, img[attr]), attr
    for attr in ("srcset", "data-srcset", "data-lazy-srcset"):
        if img.get(attr):
            largest = _srcset_largest(img[attr])
            if largest:
                return urljoin(base_url, largest[0]), attr
    for attr in ("data-src", "data-lazy-src", "src"):
        value = img.get(attr, "")
        if value and not value.startswith("data:"):
            return urljoin(base_url, value), attr
    return "", ""


def _image_caption(img: Tag) -> str:
    for parent in img.parents:
        if not isinstance(parent, Tag) or "entry-content" in parent.get("class", []):
            break
        if parent.name == "figure" or "wp-caption" in parent.get("class", []):
            cap = parent.select_one("figcaption, .wp-caption-text, .gallery-caption")
            if cap is not None:
                return _text(cap)
        if "gallery-item" in parent.get("class", []):
            cap = parent.select_one(".gallery-caption, .wp-caption-text, dd")
            return _text(cap) if cap is not None else ""
    return ""


def _content_node(soup: BeautifulSoup, url: str) -> Tag:
    for selector in ("article .entry-content", ".post .entry-content", ".entry-content", ".print-content"):
        node = soup.select_one(selector)
        if node is not None:
            return node
    raise ParseError(url, "post body (div.entry-content)")


def _post_blocks(content: Tag) -> tuple[list[tuple[str, object]], dict[str, Tag]]:
    """The body in document order, text lines and images interleaved as the post shows them; and
    each text line's element (the first one it was read from)."""
    blocks: list[tuple[str, object]] = []
    line_nodes: dict[str, Tag] = {}
    seen_imgs: set[int] = set()
    for node in content.find_all(["p", "img", "h2", "h3", "h4", "blockquote", "li"]):
        if node.name == "img":
            if node.find_parent("noscript") is not None or id(node) in seen_imgs:
                continue
            seen_imgs.add(id(node))
            blocks.append(("img", node))
        elif (node.name == "li" and node.find("img") is not None) or node.find_parent(["figcaption"]) is not None or "wp-caption-text" in node.get("class", []) or (node.name == "p" and node.find_parent("li") is not None):
            continue
        else:
            for line in _lines(node):
                blocks.append(("text", line))
                line_nodes.setdefault(line, node)
    return blocks, line_nodes


def _byline(blocks: list[tuple[str, object]]) -> tuple[list[str], list[str]]:
    """(byline lines: authors and institution before the story, narrative lines)."""
    byline: list[str] = []
    narrative: list[str] = []
    for kind, value in blocks:
        if kind != "text":
            continue
        if not narrative and not _NARRATIVE_START.search(value) and len(byline) < 4:
            byline.append(value)
        else:
            narrative.append(value)
    return byline, narrative


def _story(blocks: list[tuple[str, object]], byline: list[str], url: str) -> tuple[list[str], list[str], list[ImageRecord]]:
    """(history lines, imaging findings lines, images) of the story's blocks: each image is
    described by its caption, else by the imaging paragraph before it (its place in the post)."""
    history: list[str] = []
    findings: list[str] = []
    images: list[ImageRecord] = []
    last_imaging_text = ""
    in_imaging = False
    seen_urls: set[str] = set()
    for kind, value in blocks:
        if kind == "text":
            text = value
            if text in byline:
                continue
            if _IMAGING_START.search(text):
                in_imaging = True
                last_imaging_text = text
                findings.append(text)
            elif in_imaging and re.search(r"\b(?:TC|RX|opacit|vetro smerigliato|consolidaz|addensament)", text):
                last_imaging_text = text
                findings.append(text)
            else:
                history.append(text)
            continue
        image = _image_record(value, url, last_imaging_text, len(images), seen_urls)
        if image is not None:
            images.append(image)
    if not findings:
        # Some posts describe the imaging only in the image captions.
        findings = [i.caption for i in images if i.caption]
    return history, findings, images


def _image_record(img: object, url: str, last_imaging_text: str, position: int, seen_urls: set[str]) -> ImageRecord | None:
    assert isinstance(img, Tag)
    src, chosen_by = best_image_url(img, url)
    if not src or src in seen_urls or "wp-smiley" in img.get("class", []):
        return None
    seen_urls.add(src)
    caption = _image_caption(img)
    described_by = caption or last_imaging_text
    extra = {"chosen_by": chosen_by, "in_gallery": img.find_parent(class_=re.compile("gallery")) is not None}
    if _WP_SIZE_SUFFIX.search(urlsplit(src).path):
        # Only a resized WordPress variant is offered; the original is usually the same name
        # without -WxH, but that is a guess for the downloader to try first.
        extra["original_guess"] = _WP_SIZE_SUFFIX.sub("", src)
    if not caption and last_imaging_text:
        extra["caption_from"] = "preceding paragraph"
    day = _DAY_MONTH.search(caption)
    modality = _MODALITY.search(described_by)
    view = _VIEW.search(described_by)
    return ImageRecord(
        source_url=src, position=position, caption=caption or last_imaging_text,
        modality_text=modality.group(0) if modality else "",
        view_text=view.group(0) if view else "", date_text=day.group(0) if day else "",
        extra=extra)


def _post_parts(html: str | bytes, url: str) -> tuple[BeautifulSoup, list[tuple[str, object]], dict[str, Tag]]:
    soup = _soup(html)
    if _is_error_page(soup):
        raise ParseError(url, "SIRM error page (WordPress 404)")
    blocks, line_nodes = _post_blocks(_content_node(soup, url))
    return soup, blocks, line_nodes


def parse_sirm_post(html: str | bytes, url: str) -> CaseRecord:
    """The whole post as one case (``parse_sirm_posts`` splits a post presenting several patients)."""
    soup, blocks, line_nodes = _post_parts(html, url)
    return _record(soup, blocks, line_nodes, url)


# A post presenting several patients, each opened by a heading line: "Paziente 1: ...",
# "Caso 2 –", "Patient B.", "Primo paziente", "Second case".
_PATIENT_HEADING = re.compile(
    r"^\W{0,3}(?:(?:paziente|patient|caso|case)\s*(?:n\.?\s*|#\s*)?(?P<n>\d{1,2}|[A-D])\b\s*[:.)–-]"
    r"|(?P<ord>prim[oa]|second[oa]|terz[oa]|quart[oa]|first|second|third|fourth)\s+(?:paziente|caso|patient|case)\b)",
    re.I,
)


def _patient_sections(blocks: list[tuple[str, object]]) -> list[tuple[str, int, int]]:
    """(patient label, first block, end block) of each patient of a post, in order; [] unless the
    post opens at least two distinct patients with a heading line."""
    openers: list[tuple[str, int]] = []
    for index, (kind, value) in enumerate(blocks):
        if kind != "text":
            continue
        m = _PATIENT_HEADING.match(str(value))
        if m:
            label = (m.group("n") or m.group("ord")).lower()
            if label not in [o[0] for o in openers]:
                openers.append((label, index))
    if len(openers) < 2:
        return []
    return [(label, start, openers[i + 1][1] if i + 1 < len(openers) else len(blocks)) for i, (label, start) in enumerate(openers)]


def parse_sirm_posts(html: str | bytes, url: str) -> list[CaseRecord]:
    """A post as one case per patient. A post whose patients are opened by heading lines
    ("Paziente 1:", "Caso 2 –") gives one case each, keyed ``<slug>-p<n>``, with its own age, sex,
    story and the images placed in its section; the post's byline credits them all. Images before
    the first patient cannot be placed: the post stays one case, with a warning for the reviewer."""
    soup, blocks, line_nodes = _post_parts(html, url)
    whole = _record(soup, blocks, line_nodes, url)
    sections = _patient_sections(blocks)
    if not sections:
        return [whole]
    first = sections[0][1]
    if any(kind == "img" for kind, _ in blocks[:first]):
        whole.warnings.append(f"several patients in the post ({len(sections)}); images before the first one: review and split by hand")
        return [whole]
    byline, _ = _byline(blocks)
    records = []
    for number, (label, start, end) in enumerate(sections, start=1):
        record = _record(soup, blocks[start:end], line_nodes, url, byline=byline)
        record.source_key = f"{whole.source_key}-p{number}"
        record.warnings.append(f"patient {number} of {len(sections)} ('{label}') split from post {whole.source_key}: check the split")
        record.extra.update({"patient_number": number, "patients": len(sections), "patient_label": label})
        records.append(record)
    return records


def _record(soup: BeautifulSoup, blocks: list[tuple[str, object]], line_nodes: dict[str, Tag], url: str,
            byline: list[str] | None = None) -> CaseRecord:
    canonical = canonical_sirm_url(url)
    source_key = sirm_source_key(canonical)
    lang = "en" if source_key.startswith("en/") else "it"
    title = _title(soup)
    number = _CASE_TITLE.search(title) or _SLUG_NUMBER.search(source_key)
    own_byline, narrative = _byline(blocks)
    if byline is None:
        byline = own_byline
    else:  # one patient of a post: the post's byline, and every other line is this patient's story
        narrative = [value for kind, value in blocks if kind == "text" and value not in byline]
    authors_lines = [b for b in byline if not _INSTITUTION_WORDS.search(b)]
    institution_lines = [b for b in byline if _INSTITUTION_WORDS.search(b)]
    authors = ", ".join(a.rstrip(" .;") for a in authors_lines)
    institution = "; ".join(i.rstrip(" .;") for i in institution_lines)
    history, findings, images = _story(blocks, byline, url)
    narrative = [line for line in narrative if line not in byline]
    first_narrative = narrative[0] if narrative else ""
    age = _AGE.search(first_narrative)
    sex = _SEX.search(first_narrative)
    extra: dict[str, object] = {
        "lang": lang,
        "case_number": int(number.group(1)) if number else None,
        "fetched_url": url,
        "narrative": "\n".join(narrative),
    }
    if not sex:
        hint = _GENDERED_PATIENT.search(" ".join(narrative))
        if hint:
            # Italian marks sex only through the article ("il paziente"); the normalizer decides.
            extra["sex_evidence"] = hint.group(0)
    refs = re.findall(r"caso\s+clinico\s+n\.?\s*\d+|\bcaso\s+\d+\b|\(case\s+\d+\)", " ".join(narrative), re.I)
    if refs:
        extra["case_references"] = refs
    return CaseRecord(
        source=SOURCE, source_key=source_key, url=canonical, title=title,
        license_text="",  # SIRM states no licence (docs/site-notes.md §3.5)
        published=_published(soup, url), authors=authors, institution=institution,
        credit=_credit(byline, line_nodes),
        age_text=age.group(0) if age else "", sex_text=sex.group(0) if sex else "",
        history="\n".join(history), findings="\n".join(findings),
        images=images, extra=extra,
    )
