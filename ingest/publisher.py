"""Publisher and PMC article HTML -> ``Article``: meta tags and figures (docs/site-notes.md §4.1, §4.3, §4.4).

Meta tags: Highwire ``citation_*`` and Dublin Core ``dc.*``/``DC.*``/``DCTERMS.*``, whose case varies
between publishers, so names are compared lower-cased. Figures: PMC's ``figure.fig`` with blob-CDN
images, Atypon's (RSNA) ``figure.article__inlineFigure`` with ``data-lg-src`` large variants,
Springer Nature's ``c-article-section__figure`` and any plain ``figure``/``figcaption``.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from ingest.blocking import detect_block_page
from ingest.jats import Article, Figure, figure_number, normalize_license, third_party_evidence
from ingest.pages import ParseError
from ingest.panels import parse_subcaptions


class BlockPageInsteadOfArticle(ParseError):
    """The HTML handed to the parser is a captcha, bot gate or refusal page, not the article (PMC
    reCAPTCHA, RSNA 403): found in the page itself, after the download middleware let it through."""


_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|tiff?|webp)(?:$|\?)", re.I)
_PMCID = re.compile(r"\bPMC\d+\b")
_LABEL = re.compile(r"^\s*((?:Fig(?:ure|ura)?\.?|FIG(?:URE)?\.?)\s*\d+[A-Za-z]?)\s*[.:|]?\s*", re.I)


def _meta(soup: BeautifulSoup) -> dict[str, list[tuple[str, Tag]]]:
    found: dict[str, list[tuple[str, Tag]]] = {}
    for node in soup.find_all("meta"):
        name = (node.get("name") or node.get("property") or "").strip().lower()
        content = (node.get("content") or "").strip()
        if name:
            found.setdefault(name, []).append((content, node))
    return found


def _first(meta: dict[str, list[tuple[str, Tag]]], *names: str) -> str:
    for name in names:
        for content, _ in meta.get(name, []):
            if content:
                return content
    return ""


def _text(node: Tag | None) -> str:
    if node is None:
        return ""
    return re.sub(r"\s+", " ", node.get_text(" ", strip=True).replace("\xa0", " ")).strip()


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


def parse_article_html(html: str | bytes, url: str) -> Article:
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    _check_blocked(html, url)
    soup = BeautifulSoup(html, "lxml")
    meta = _meta(soup)
    if not meta.get("citation_title") and not meta.get("dc.title") and not soup.select("figure, h1"):
        raise ParseError(url, "article meta tags (citation_title / dc.Title)")

    doi = _doi(_first(meta, "citation_doi"))
    if not doi:
        for content, node in meta.get("dc.identifier", []):
            if (node.get("scheme", "").lower() in ("doi", "") and _doi(content)):
                doi = _doi(content)
                break
    title = _first(meta, "citation_title", "dc.title", "og:title") or _text(soup.find("h1"))
    journal = _first(meta, "citation_journal_title", "prism.publicationname", "dc.source")
    if journal.startswith("http"):
        journal = ""
    published = _date(_first(meta, "citation_online_date", "citation_publication_date", "citation_date",
                             "dcterms.issued", "dc.date", "article:published_time"))
    pmcid = ""
    pcid = _first(meta, "ncbi_pcid") or url
    m = _PMCID.search(pcid)
    if m and ("ncbi.nlm.nih.gov" in url or "ncbi_pcid" in meta):
        pmcid = m.group(0)
    article = Article(
        doi=doi, pmcid=pmcid, pmid=_first(meta, "citation_pmid"), title=title, journal=journal,
        published=published, url=url, pdf_url=_resolve(_first(meta, "citation_pdf_url"), url),
        authors=[c for c, _ in meta.get("citation_author", [])] or [c for c, _ in meta.get("dc.creator", [])],
    )
    _license(article, soup, meta)
    article.figures = _figures(soup, url)
    article.paragraphs = [_text(p) for p in soup.select(
        "section.body p, .hlFld-Fulltext > p, .c-article-section p, article .main-article-body p") if _text(p)]
    article.full_text = bool(article.figures or article.paragraphs)
    return article


def _license(article: Article, soup: BeautifulSoup, meta: dict[str, list[tuple[str, Tag]]]) -> None:
    rights = _first(meta, "dc.rights", "dcterms.rights", "citation_license")
    if normalize_license(rights):
        article.license, article.license_url = normalize_license(rights), rights if rights.startswith("http") else ""
        article.license_evidence = f"meta DC.rights {rights}"
        return
    # PMC's "Copyright and License information" panel links the CC deed.
    for a in soup.select('#clp_a a[href], .permissions a[href], .license a[href], a[rel="license"][href]'):
        if normalize_license(a["href"]):
            article.license, article.license_url = normalize_license(a["href"]), a["href"]
            article.license_evidence = f"licence link {a['href']}"
            return
    if rights:
        article.license_evidence = f"meta DC.rights {rights}"
        return
    copy = soup.select_one(".article__copy, .copyright, #clp_a")
    if copy is not None:
        article.license_evidence = f"copyright: {_text(copy)}"


def _largest_src(img: Tag, page_url: str) -> tuple[str, str]:
    for attr in ("data-lg-src", "data-large-src", "data-full-src", "data-original"):
        if img.get(attr):
            return urljoin(page_url, img[attr]), attr
    link = img.find_parent("a")
    if link is not None and link.get("href") and _IMAGE_PATH.search(urlsplit(link["href"]).path):
        return urljoin(page_url, link["href"]), "link"
    best, best_w = "", -1
    candidates = [img.get("srcset", "")] + [s.get("srcset", "") for s in (
        img.find_parent("picture").find_all("source") if img.find_parent("picture") else [])]
    for srcset in candidates:
        for item in srcset.split(","):
            bits = item.strip().split()
            if bits:
                width = int(bits[1][:-1]) if len(bits) > 1 and bits[1].endswith("w") and bits[1][:-1].isdigit() else 0
                if width > best_w and "webp" not in bits[0]:
                    best, best_w = bits[0], width
    src = img.get("src") or img.get("data-src") or ""
    if best and best_w > int(img.get("width") or 0):
        return urljoin(page_url, best), "srcset"
    return (urljoin(page_url, src), "src") if src and not src.startswith("data:") else ("", "")


def _springer_full(url: str) -> str:
    # Springer Nature's media server offers the same file at /full/ on the figure page.
    return re.sub(r"(//media\.springernature\.com)/lw\d+/", r"\1/full/", url)


def _caption_with_letters(node: Tag | None) -> str:
    """Caption text with bold panel letters written as "(a)" so the sub-captions can be read."""
    if node is None:
        return ""
    copy = BeautifulSoup(str(node), "lxml")
    for bold in copy.find_all(["b", "strong"]):
        letter = bold.get_text(strip=True)
        if re.fullmatch(r"[A-Ha-h]", letter):
            bold.replace_with(f"({letter})")
        elif re.fullmatch(r"\(([A-Ha-h])\)", letter):
            bold.replace_with(letter)
    for label in copy.select(".captionLabel"):
        label.decompose()
    return _text(copy)


def _figures(soup: BeautifulSoup, page_url: str) -> list[Figure]:
    figures: list[Figure] = []
    containers = soup.select(
        "figure.fig, figure.article__inlineFigure, div.c-article-section__figure, article figure, main figure")
    seen: set[int] = set()
    for node in containers:
        if id(node) in seen or any(id(p) in seen for p in node.parents):
            continue
        seen.add(id(node))
        if "visualAbstract" in node.get("class", []):
            continue
        imgs = node.find_all("img")
        if not imgs:
            continue
        label = _text(node.select_one("h4.obj_head, .captionLabel, .c-article-section__figure-caption, .fig-label, .label"))
        caption_node = None
        # In priority order: Springer puts the label alone in figcaption and the text apart.
        for selector in (".c-article-section__figure-description", "figcaption .caption", ".caption", "figcaption"):
            caption_node = node.select_one(selector)
            if caption_node is not None:
                break
        caption = _caption_with_letters(caption_node)
        if label and caption.startswith(label):
            caption = caption[len(label):].strip()
        if not label:
            m = _LABEL.match(caption)
            if m:
                label, caption = m.group(1), caption[m.end():]
        urls: list[str] = []
        how: list[str] = []
        for img in imgs:
            src, chosen = _largest_src(img, page_url)
            if src and src not in urls:
                urls.append(src)
                how.append(chosen)
        figure = Figure(id=node.get("id", ""), label=label.rstrip(" .:"), number=figure_number(label),
                        caption=caption, image_urls=urls, extra={"chosen_by": how})
        full = [_springer_full(u) for u in urls if _springer_full(u) != u]
        if full:
            figure.extra["full_size_guess"] = full
        if len(urls) > 1:
            # Atypon serves panels as separate files: ...fig2a.gif, ...fig2b.gif.
            letters = [re.search(r"fig\d+([a-z])\.", u) for u in urls]
            figure.extra["panel_files"] = {m.group(1): u for m, u in zip(letters, urls) if m}
        evidence = third_party_evidence(caption)
        if evidence:
            figure.third_party, figure.third_party_evidence = True, f"caption: {evidence}"
        figure.panel_captions = parse_subcaptions(caption)
        figures.append(figure)
    return figures
