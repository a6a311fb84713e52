"""JATS XML (PMC OA / Europe PMC ``fullTextXML`` / NCBI efetch) -> ``Article`` with its figures.

Also home of the shapes shared by every publication parser (``Article``, ``Figure``) and of the
licence and third-party rules they all apply (docs/site-notes.md §4.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ingest.normalize.common import prose_language
from ingest.normalize.imaging import modalities_in_order
from ingest.pages import ParseError

XLINK = "http://www.w3.org/1999/xlink"
ALI = "http://www.niso.org/schemas/ali/1.0/"

#: Where Europe PMC serves the renditions of a PMC article's graphics (JPEG, whatever the source
#: format). PMC's own blob-CDN path cannot be derived from the XML (docs/site-notes.md §4.1): it comes
#: from the article HTML, see ``papers.merge_figure_urls``.
EUROPE_PMC_IMAGE = "https://europepmc.org/articles/{pmcid}/bin/{name}.jpg"
#: A supplementary file under its own name (its extension kept: it is not a rendition).
EUROPE_PMC_FILE = "https://europepmc.org/articles/{pmcid}/bin/{name}"


class NoFullText(ParseError):
    """Metadata-only JATS: efetch answers HTTP 200 for articles outside the open-access subset.

    ``article`` keeps the metadata that was there (DOI, title, licence prose), ``full_text=False``.
    """

    def __init__(self, url: str, missing: str, article: Article | None = None) -> None:
        super().__init__(url, missing)
        self.article = article


@dataclass
class Figure:
    """One figure of an article, as the article presents it (before any panel splitting)."""

    id: str = ""
    label: str = ""  # "Fig. 1", "Figure 2:", "Figura 3"
    number: int | None = None
    caption: str = ""
    #: Full-size image URLs of the figure, best first; several when panels are separate files.
    image_urls: list[str] = field(default_factory=list)
    graphic_hrefs: list[str] = field(default_factory=list)
    #: Figure-level licence or rights statement, when the figure carries its own.
    license: str = ""
    #: The article's licence does not cover this figure (reproduced / adapted / courtesy / ©).
    third_party: bool = False
    third_party_evidence: str = ""
    #: Panel letter -> sub-caption, from the caption ("(a) PA radiograph on day 3").
    panel_captions: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def image_url(self) -> str:
        return self.image_urls[0] if self.image_urls else ""


@dataclass
class Table:
    """A table of the article's body as text cells, row by row (header rows first)."""

    label: str = ""
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Article:
    doi: str = ""
    pmcid: str = ""
    title: str = ""
    journal: str = ""
    published: str = ""
    #: Short licence name ("CC BY-NC-ND 4.0") or "" when no open licence is stated.
    license: str = ""
    #: What the licence was read from (URL, or the prose) and where.
    license_evidence: str = ""
    figures: list[Figure] = field(default_factory=list)
    full_text: bool = True
    url: str = ""
    license_url: str = ""
    pmid: str = ""
    authors: list[str] = field(default_factory=list)
    pdf_url: str = ""
    #: Body paragraphs in order, each prefixed by its section titles ("Patient 2: ...").
    paragraphs: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: The body's tables (a case series often gives each patient's age and sex only there).
    tables: list[Table] = field(default_factory=list)


# --- Licences --------------------------------------------------------------------------------

_CC_URL = re.compile(
    r"creativecommons\.org/(?:licenses/(?P<kind>by(?:-nc)?(?:-nd|-sa)?)(?:/(?P<ver>\d\.\d))?|"
    r"publicdomain/(?P<pd>zero|mark)(?:/(?P<pdver>\d\.\d))?)", re.I)
_CC_PROSE = [
    (re.compile(r"attribution[- ]non-?commercial[- ]no-?deriv", re.I), "by-nc-nd"),
    (re.compile(r"attribution[- ]non-?commercial[- ]share-?alike", re.I), "by-nc-sa"),
    (re.compile(r"attribution[- ]non-?commercial", re.I), "by-nc"),
    (re.compile(r"attribution[- ]share-?alike", re.I), "by-sa"),
    (re.compile(r"attribution[- ]no-?deriv", re.I), "by-nd"),
    (re.compile(r"creative commons attribution\b", re.I), "by"),
]
_CC_SHORT_PROSE = re.compile(r"\bCC[ -](BY(?:-NC)?(?:-ND|-SA)?)(?:\s+(\d\.\d))?\b")
_VERSION_PROSE = re.compile(r"\b(\d\.\d)\b")


def normalize_license(text: str) -> str:
    """Short licence name from a CC URL or prose, matching whole URL path segments.

    ``cc-by`` as a substring also matches ``cc-by-nc-nd`` (docs/site-notes.md §4.2), so URLs are read by
    path segment and prose by full phrase. Returns "" when no open licence is named.
    """
    if not text:
        return ""
    m = _CC_URL.search(text)
    if m:
        if m.group("pd"):
            return "CC0 1.0" if m.group("pd").lower() == "zero" else "Public Domain Mark"
        name = "CC " + m.group("kind").upper()
        return f"{name} {m.group('ver')}" if m.group("ver") else name
    m = _CC_SHORT_PROSE.search(text)
    if m:
        return f"CC {m.group(1)}" + (f" {m.group(2)}" if m.group(2) else "")
    for pattern, kind in _CC_PROSE:
        pm = pattern.search(text)
        if pm:
            version = _VERSION_PROSE.search(text[pm.end():pm.end() + 40])
            return f"CC {kind.upper()}" + (f" {version.group(1)}" if version else "")
    return ""


_THIRD_PARTY = re.compile(
    r"\breproduced\b|\badapted\b|\bcourtesy\b|\breprinted\b|©|\(c\)\s*\d{4}|\bcopyright\b", re.I)


def third_party_evidence(caption: str) -> str:
    """The caption's words saying the figure comes from elsewhere (its sentence onwards), or ""."""
    caption = caption or ""
    m = _THIRD_PARTY.search(caption)
    if not m:
        return ""
    # From the start of that sentence to the end of the caption: attributions come last and
    # hold abbreviations ("et al.", "Dr.") that a sentence splitter would cut.
    start = max(caption.rfind(". ", 0, m.start()) + 2, caption.rfind("; ", 0, m.start()) + 2, 0)
    return caption[start:start + 300].strip()


# --- Captions and labels -----------------------------------------------------------------------

_FIG_NUMBER = re.compile(r"(\d+)")


def figure_number(label: str) -> int | None:
    m = _FIG_NUMBER.search(label or "")
    return int(m.group(1)) if m else None


#: A figure label without a number: The Lancet's Clinical Picture and EID's Research Letter label
#: their one figure "Figure" and cite its panels "figure A", "Figure, panel B".
BARE_FIGURE_LABEL = re.compile(r"(?:Fig(?:ure|ura)?|FIG(?:URE)?)\.?")


def number_bare_figures(figures: list[Figure], unlabelled: bool = False) -> None:
    """A figure labelled "Figure" alone takes its place among the article's figures as its number
    when no other figure has it: the crawl keys a figure's pixels and panel split by its number.
    ``unlabelled``: a JATS ``<fig>`` without ``<label>`` too (J-STAGE journals' records in PMC carry
    only the caption and the graphic; the text still cites them "(Figure 3)" in document order)."""
    taken = {f.number for f in figures if f.number is not None}
    for place, figure in enumerate(figures, start=1):
        label = figure.label.strip()
        bare = BARE_FIGURE_LABEL.fullmatch(label) or (unlabelled and not label)
        if figure.number is None and bare and place not in taken:
            figure.number = place
            taken.add(place)


#: Wiley, Elsevier and PMC's own records write "71‐year‐old", "10‐day history" with the Unicode
#: hyphen (U+2010, or the non-breaking U+2011) and break words with a soft hyphen: ASCII for every
#: reader downstream (ages, offsets, views); dashes of ranges ("0–2 days") are kept.
HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00ad": None})


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ").translate(HYPHENS)).strip()


# --- Parser ------------------------------------------------------------------------------------

def _itertext(node: etree._Element | None, skip: tuple[str, ...] = ()) -> str:
    if node is None:
        return ""
    parts: list[str] = []

    def walk(n: etree._Element) -> None:
        if isinstance(n.tag, str) and etree.QName(n).localname in skip:
            if n.tail:
                parts.append(n.tail)
            return
        if n.text and isinstance(n.tag, str):
            parts.append(n.text)
        for child in n:
            walk(child)
            if isinstance(child.tag, str) and etree.QName(child).localname in ("p", "title", "label"):
                parts.append(" ")
        if n.tail and n is not node:
            parts.append(n.tail)

    walk(node)
    return _clean("".join(parts))


def _first(node: etree._Element, xpath: str) -> etree._Element | None:
    found = node.xpath(xpath, namespaces={"xlink": XLINK, "ali": ALI})
    return found[0] if found else None


def _date(node: etree._Element | None) -> str:
    if node is None:
        return ""
    year = _itertext(_first(node, "year"))
    month = _itertext(_first(node, "month"))
    day = _itertext(_first(node, "day"))
    if not year:
        return ""
    if month.isdigit():
        return f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day.isdigit() else "")
    return year


def read_license(permissions: etree._Element | None) -> tuple[str, str, str]:
    """(short name, licence URL, evidence) from a JATS ``permissions`` element.

    Order (docs/site-notes.md §4.2): ``ali:license_ref``, ``license/@xlink:href``, an ``ext-link`` in
    ``license-p``, the prose.
    """
    if permissions is None:
        return "", "", ""
    ns = {"xlink": XLINK, "ali": ALI}
    for ref in permissions.xpath(".//ali:license_ref", namespaces=ns):
        url = _clean(ref.text or "")
        if url:
            return normalize_license(url), url, f"ali:license_ref {url}"
    for lic in permissions.xpath("license[@xlink:href]", namespaces=ns):
        url = lic.get(f"{{{XLINK}}}href", "").strip()
        return normalize_license(url), url, f"license/@xlink:href {url}"
    for link in permissions.xpath("license//ext-link[@xlink:href]", namespaces=ns):
        url = link.get(f"{{{XLINK}}}href", "").strip()
        if normalize_license(url):
            return normalize_license(url), url, f"license-p ext-link {url}"
    prose = " ".join(_itertext(p) for p in permissions.xpath("license"))
    if prose:
        return normalize_license(prose), "", f"license-p: {prose}"
    statement = _itertext(_first(permissions, "copyright-statement"))
    return "", "", f"copyright-statement: {statement}" if statement else ""


def _parse_xml(xml: bytes | str, url: str = "") -> etree._Element:
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    # No DTD loading and no network: efetch and Europe PMC name remote DTDs in the DOCTYPE.
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, recover=False,
                             remove_comments=False, huge_tree=True)
    try:
        root = etree.fromstring(xml.lstrip(), parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(url, f"well-formed XML ({exc})") from exc
    return root

#: The abstract types (JATS ``@abstract-type``) that describe no case: a picture, a one-line teaser, the
#: key points or highlights, a lay or web summary.
_NOT_DESCRIPTIONS = frozenset({"graphical", "teaser", "toc", "short", "summary", "precis", "highlights",
                               "author-highlights", "key-points", "web-summary", "executive-summary", "lay",
                               "plain-language-summary", "video", "stereochemical", "editor"})


def parse_jats(xml: bytes | str, url: str = "") -> Article:
    root = _parse_xml(xml, url)
    article = root if etree.QName(root).localname == "article" else _first(root, ".//article")
    if article is None:
        raise ParseError(url, "JATS <article> element")
    meta = _first(article, "front/article-meta")
    if meta is None:
        raise ParseError(url, "JATS front/article-meta")

    ids: dict[str, str] = {}
    for node in meta.xpath("article-id"):
        ids.setdefault(node.get("pub-id-type", ""), _clean(node.text or ""))
    pmcid = ids.get("pmcid") or ids.get("pmc", "")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = "PMC" + pmcid
    pub = None
    for kind in ("epub", "electronic", "ppub", "print", "collection"):
        pub = _first(meta, f"pub-date[@pub-type='{kind}' or @publication-format='{kind}']")
        if pub is not None:
            break
    if pub is None:
        pub = _first(meta, "pub-date[not(@pub-type='pmc-release')]")
    license_name, license_url, evidence = read_license(_first(meta, "permissions"))
    authors = [
        _clean(f"{_itertext(_first(c, 'name/given-names'))} {_itertext(_first(c, 'name/surname'))}")
        for c in meta.xpath("contrib-group/contrib[@contrib-type='author']")
    ]
    result = Article(
        doi=ids.get("doi", ""), pmcid=pmcid, pmid=ids.get("pmid", ""), url=url,
        title=_itertext(_first(meta, "title-group/article-title")),
        journal=_itertext(_first(article, "front/journal-meta//journal-title")),
        published=_date(pub), license=license_name, license_url=license_url,
        license_evidence=evidence, authors=[a for a in authors if a],
    )
    body = _first(article, "body")
    has_comment = any("does not allow downloading of the full text" in (c.text or "")
                      for c in article.iter(etree.Comment))
    figures_nodes = article.xpath(".//fig")
    if has_comment or (body is None and not figures_nodes):
        result.full_text = False
        raise NoFullText(url or pmcid or result.doi,
                         "full text: metadata-only JATS, the article is outside the open-access subset",
                         article=result)

    result.paragraphs = _paragraphs(body)
    # A case report may introduce its patient only in the abstract ("We report a 47-year-old woman
    # ..."), typed or not (Elsevier's "author", "main", a "structured" one); a graphical abstract,
    # a teaser or highlights is no description.
    abstract = [_itertext(p) for a in meta.xpath("abstract")
                if (a.get("abstract-type") or "").lower() not in _NOT_DESCRIPTIONS for p in a.iter("p")]
    if any(abstract):
        result.extra["abstract"] = [p for p in abstract if p]
    result.tables = _tables(article)
    result.figures = _figures(article, pmcid, license_name)
    number_bare_figures(result.figures, unlabelled=True)
    _captions_from_text(result.figures, result.paragraphs)
    supplementary, skipped, pdfs = _supplementary(article, pmcid, license_name)
    result.figures += supplementary
    if skipped:
        result.extra["supplementary_skipped"] = skipped
    if pdfs:
        result.extra["supplementary_pdfs"] = pdfs
    return result


#: Where one sentence of a paragraph ends and the next begins (the text's, not a caption's).
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _paragraphs(body: etree._Element | None) -> list[str]:
    if body is None:
        return []
    out: list[str] = []
    for p in body.iter("p"):
        if any(etree.QName(a).localname in ("fig", "table-wrap", "caption") for a in p.iterancestors()):
            continue
        titles = [_itertext(_first(s, "title")) for s in reversed(list(p.iterancestors("sec")))]
        prefix = " / ".join(t for t in titles if t)
        text = _itertext(p)
        out.append(f"{prefix}: {text}" if prefix else text)
    return out


def _tables(article: etree._Element) -> list[Table]:
    """Every ``table-wrap``'s cells (``th``/``td`` text per ``tr``), with its label and caption."""
    found: list[Table] = []
    for wrap in article.xpath(".//table-wrap"):
        rows = [[_itertext(cell) for cell in tr.xpath("th|td")] for tr in wrap.xpath(".//tr")]
        rows = [row for row in rows if any(row)]
        if rows:
            found.append(Table(label=_itertext(_first(wrap, "label")), caption=_itertext(_first(wrap, "caption")),
                               rows=rows))
    return found


def _graphic_hrefs(fig: etree._Element) -> list[str]:
    """The fig's graphics, one per image: renditions of one graphic in ``<alternatives>`` (a TIFF
    and its web JPEG) count once, the first; an ``inline-graphic`` in the caption is not one."""
    hrefs: list[str] = []
    stems: set[str] = set()
    for graphic in fig.xpath(".//graphic"):
        href = graphic.get(f"{{{XLINK}}}href", "")
        stem = re.sub(r"\.(?:jpe?g|gif|png|tiff?|eps)$", "", href, flags=re.I)
        parent = graphic.getparent()
        alternative = parent is not None and etree.QName(parent).localname == "alternatives"
        if href and stem not in stems and not (alternative and graphic.getprevious() is not None):
            hrefs.append(href)
            stems.add(stem)
    return hrefs


def _caption_text(caption: etree._Element | None) -> str:
    """The caption's text; its ``<title>`` ended as a sentence ("Chest imaging of patient 1" then
    "(A) PA radiograph ..."), so the title is the caption's lead, not part of panel A's words."""
    if caption is None:
        return ""
    english = _english_paragraphs(caption)
    if english:
        return english
    title = _first(caption, "title")
    text = _itertext(caption)
    if title is None:
        return text
    title_text = _itertext(title)
    rest = _itertext(caption, skip=("title",))
    if not title_text or not rest:
        return text
    return f"{title_text}{'' if title_text[-1] in '.:;!?' else '.'} {rest}"


def _english_paragraphs(caption: etree._Element) -> str:
    """The legend without its paragraphs in another language when it also has English ones (a Spanish
    or Portuguese journal's "Radiografía de tórax ... (a) ..." then "Chest radiograph ... (a) ..."),
    else "": read twice, the translation's panel letters would split the first language's sentences
    and its moments would go unread. Paragraphs of no clear language (a list of abbreviations) stay."""
    paragraphs = [_itertext(p) for p in caption.findall("p")]
    languages = [prose_language(text) for text in paragraphs]
    if "en" not in languages or "romance" not in languages:
        return ""
    return " ".join(text for text, language in zip(paragraphs, languages, strict=True) if language != "romance")


# Springer/BMC JATS letter a caption's panels in bold at the head of each panel's sentence
# ("<bold>a</bold> Posteroanterior chest X-ray ... <bold>b</bold> Axial CT ..."), often after a lead
# naming them in groups ("patient 1 (<bold>a</bold>, <bold>b</bold>) and patient 2 (<bold>c</bold>,
# <bold>d</bold>)"), which the plain-text reading takes for the panels' own words. The markup says
# which letters open a panel's text: a bold letter alone, opening the caption or a sentence.
_LEAD_MARK = re.compile(r"(?:^|(?<=[.;:]\s)|(?<=[.;:]))\s*\ue001([a-h]+)\ue002\s+(?=[A-Z0-9(])")


def _bold_subcaptions(caption: etree._Element | None) -> dict[str, str]:
    """Panel letter -> its words, from bold letters heading the panels' sentences (empty unless
    they run a, b, c ... from a, two at least)."""
    if caption is None:
        return {}
    copy = etree.fromstring(etree.tostring(caption))
    for bold in copy.xpath(".//*[local-name()='bold' or local-name()='b']"):
        letter = (bold.text or "").strip()
        if len(bold) == 0 and len(letter) == 1 and letter.lower() in "abcdefgh":
            bold.text = f"\ue001{letter.lower()}\ue002"
    text = re.sub(r"\s+", " ", _itertext(copy, skip=("title",))).strip()
    # a lead of several panels sharing their words: "<bold>a</bold>, <bold>b</bold> The index case on ..."
    text = _LEAD_GROUP.sub(_joined_letters, text)
    leads = list(_LEAD_MARK.finditer(text))
    if not _runs_from_a([c for m in leads for c in m.group(1)]):
        # Springer's letters inside one sentence: "<bold>a</bold> Axial and <bold>b</bold> coronal chest CT
        # images" (a bold letter is no article; each once, or a later one refers back).
        leads = list(_BOLD_MARK.finditer(text))
        if not _runs_from_a([m.group(1) for m in leads]):
            return {}
    found = {}
    for i, m in enumerate(leads):
        stop = leads[i + 1].start() if i + 1 < len(leads) else len(text)
        words = re.sub(r"\ue001([a-h])\ue002", r"\1", text[m.end():stop]).strip(" ;.")
        found.update(_group_words(m.group(1), words))
    return _parallel_heads(found)


def _group_words(letters: str, words: str) -> dict[str, str]:
    """Each letter's words of a lead heading several panels ("a, b The index case on January 29 (a), with
    ..., and on February 5 (b), with consolidation"): the words the letters mark in it, a continuation
    ("on February 5 (b), ...") after the first letter's subject ("The index case"); the shared words
    for each when they mark no letter of their own."""
    if len(letters) == 1:
        return {letters: words}
    from ingest.panels import parse_subcaptions  # as _figure does

    own = parse_subcaptions(words)
    if list(own) != list(letters):
        return dict.fromkeys(letters, words)
    first = own[letters[0]]
    for letter in letters[1:]:
        lead = own[letter].split(" ", 1)[0]
        cut = first.find(f" {lead} ") if lead.islower() else -1
        if cut > 0 and not own[letter].startswith(first[:cut]):
            own[letter] = f"{first[:cut]} {own[letter]}"
    return own


#: Bold letters heading one lead together: "a, b", "a and b", "a–c" (a range: each letter between).
_LEAD_GROUP = re.compile(r"(?:(?<=^)|(?<=[.;:]\s)|(?<=[.;:]))(\s*)\ue001([a-h])\ue002\s*(,|and|&|[-\u2013])\s*"
                         r"\ue001([a-h])\ue002(?=\s+[A-Z0-9(])")


def _joined_letters(m: re.Match[str]) -> str:
    first, last = m.group(2), m.group(4)
    if last <= first:
        return m.group(0)
    letters = "".join(chr(c) for c in range(ord(first), ord(last) + 1)) if m.group(3) in "-\u2013" else first + last
    return f"{m.group(1)}\ue001{letters}\ue002"


_BOLD_MARK = re.compile(r"\ue001([a-h])\ue002\s+")
# A panel's words that are only a modifier before "and" or a comma: "Axial and" of "a Axial and b coronal ...".
_HEAD_ONLY = re.compile(r"\A(?P<head>[^\s,;()]+(?: [^\s,;()]+){0,2})(?:,? and|,)")


def _runs_from_a(letters: list[str]) -> bool:
    return len(letters) >= 2 and letters == [chr(ord("a") + i) for i in range(len(letters))]


def _parallel_heads(found: dict[str, str]) -> dict[str, str]:
    """A panel whose words are a modifier parallel to the next panel's first words takes the rest
    of the next panel's words: "a Axial and b coronal chest CT images" gives a "Axial chest CT images"."""
    letters = list(found)
    for i in range(len(letters) - 2, -1, -1):
        m = _HEAD_ONLY.fullmatch(found[letters[i]])
        following = found[letters[i + 1]].split(" ")
        head = m.group("head").split(" ") if m else []
        if m and len(following) > len(head):
            found[letters[i]] = " ".join(head + following[len(head):])
    return found


def _better_subcaptions(parsed: dict[str, str], marked: dict[str, str]) -> dict[str, str]:
    """The bold-letter reading where the plain one gave several panels one text (a lead's group
    taken for their words) or found fewer panels; else the plain reading (unchanged records)."""
    if not marked or not set(parsed) <= set(marked):
        return parsed
    shared = len(set(parsed.values())) < len(parsed)
    return marked if shared or len(parsed) < len(marked) else parsed


def _panel_letter(label: str) -> str:
    m = re.fullmatch(r"\(?([A-Ha-h])[).:]?", label.strip())
    return m.group(1).lower() if m else ""


def _group_figures(article: etree._Element) -> dict[Any, tuple[etree._Element, list[etree._Element]]]:
    """``fig-group``: a compound figure whose panels are figs of their own, each with its graphic
    and often only a letter for label. Group element -> (group, its figs)."""
    return {group: (group, group.xpath("fig")) for group in article.xpath(".//fig-group")}


def _figure(fig: etree._Element, pmcid: str, article_license: str, group: etree._Element | None = None) -> Figure:
    from ingest.panels import parse_subcaptions

    members = group.xpath("fig") if group is not None else []
    node = group if group is not None else fig
    hrefs = [h for member in (members or [fig]) for h in _graphic_hrefs(member)]
    label = _itertext(_first(node, "label"))
    caption = _caption_text(_first(node, "caption"))
    figure = Figure(id=node.get("id", ""), label=label, number=figure_number(label), caption=caption,
                    graphic_hrefs=hrefs)
    figure.image_urls = [europe_pmc_image_url(pmcid, h) for h in hrefs if pmcid]
    fig_license, _fig_url, fig_evidence = read_license(_first(node, "permissions"))
    if fig_evidence:
        figure.license = fig_license or fig_evidence
        if fig_license != article_license:
            figure.third_party = True
            figure.third_party_evidence = f"fig/permissions: {fig_evidence}"
    _third_party(figure, caption)
    figure.panel_captions = _better_subcaptions(parse_subcaptions(caption), _bold_subcaptions(_first(node, "caption")))
    if members:
        # Each member fig is one panel: its own letter and caption, else the next letter in order.
        figure.extra["from"] = "fig-group"
        for i, member in enumerate(members):
            letter = _panel_letter(_itertext(_first(member, "label"))) or chr(ord("a") + i)
            own = _itertext(_first(member, "caption"))
            if own or letter not in figure.panel_captions:
                figure.panel_captions[letter] = own or figure.panel_captions.get(letter, "")
    one_labelled_panel(figure)
    if len(figure.image_urls) > 1:
        # Panels as separate graphics (a fig-group's figs, or several graphics in one fig).
        letters = list(figure.panel_captions) if len(figure.panel_captions) == len(hrefs) else []
        letters = letters or [chr(ord("a") + i) for i in range(len(hrefs))]
        figure.extra["panel_files"] = dict(zip(letters, figure.image_urls))
    return figure


def one_labelled_panel(figure: Figure) -> None:
    """A figure labelled with its panel's letter ("Fig. 1A") under the whole legend is that panel
    alone, served as its own file: its sub-caption only, not one image per letter of the legend."""
    from ingest.panels import labelled_panel

    own = labelled_panel(figure.label, figure.panel_captions)
    if own and len(figure.image_urls) == 1:
        figure.panel_captions = own
        figure.extra["panel_files"] = {letter: figure.image_urls[0] for letter in own}


# The text naming a panel of the paper's one figure: "(Panel A, arrow)", "(Panels B and C)".
_PANEL_CITATION = re.compile(r"\(\s*Panels?\s+(?P<letters>[A-H](?:\s*(?:,|and|&|[-\u2013])\s*[A-H])*)"
                             r"(?:\s*,\s*(?P<rest>[^()]{1,80}))?\)")


def _captions_from_text(figures: list[Figure], paragraphs: list[str]) -> None:
    """The one figure without a caption (NEJM's "Images in Clinical Medicine": the text is the legend,
    "A posteroanterior chest radiograph ... (Panel A, arrow). CT ... (Panel B, coronal
    reconstruction).") takes the sentences citing its panels as the panels' captions."""
    from ingest.panels import parse_subcaptions

    if len(figures) != 1 or figures[0].caption.strip():
        return
    cited: dict[tuple[str, ...], str] = {}
    before: dict[str, str] = {}  # panel letter -> the sentence before its citing one, citing no panel
    for paragraph in paragraphs:
        text = paragraph.split(": ", 1)[1] if re.match(r"[^.:]{1,80}: ", paragraph) else paragraph
        sentences = SENTENCE_BREAK.split(text)
        for k, sentence in enumerate(sentences):
            marks = list(_PANEL_CITATION.finditer(sentence))
            letters = {c.lower() for m in marks for c in re.findall(r"[A-H]", m.group("letters"))}
            # one citation naming several panels ("(Panels B and C, arrows)") in a sentence naming one exam: its
            # words are theirs together (NEJM's CT in two planes); two citations in a sentence, or a sentence naming
            # exams of two kinds ("A chest radiograph and CT showed ... (Panels A and B)"), say not whose words are
            # whose
            if not letters or (len(letters) > 1 and (len(marks) > 1 or len(
                    {kind for kind, _, _ in modalities_in_order(sentence)}) != 1)):
                continue
            if any(letters & set(known) for known in cited):
                continue
            own = _PANEL_CITATION.sub(lambda m: f"({m.group('rest')})" if m.group("rest") else "", sentence)
            cited[tuple(sorted(letters))] = re.sub(r"(?<!\s)\s+([.,;])", r"\1", own).strip()
            if k and not _PANEL_CITATION.search(sentences[k - 1]):
                before.update(dict.fromkeys(letters, sentences[k - 1].strip()))
    if sum(len(letters) for letters in cited) < 2:
        return
    figure = figures[0]
    # an unlabelled figure too: the crawl keys a figure's pixels and panel split by its number
    figure.number = figure.number or 1
    figure.caption = " ".join(f"({', '.join(letters).upper()}) {words}" for letters, words in sorted(cited.items()))
    figure.panel_captions = parse_subcaptions(figure.caption)
    figure.extra["caption_from"] = "the text's sentences citing its panels"
    # the paragraph is the legend: the sentence before a panel's tells the event its exam is of ("Ten days after
    # admission, ... hemoptysis developed. An anteroposterior chest radiograph showed ... (Panel A, arrow).")
    figure.extra["sentence_before_panel"] = before


def _third_party(figure: Figure, caption: str) -> None:
    caption_evidence = third_party_evidence(caption)
    if caption_evidence:
        figure.third_party = True
        figure.third_party_evidence = "; ".join(
            e for e in (figure.third_party_evidence, f"caption: {caption_evidence}") if e)


def _figures(article: etree._Element, pmcid: str, article_license: str) -> list[Figure]:
    # The same fig can appear inline and again in floats-group: the first one (document order) wins.
    figures: list[Figure] = []
    seen: set[str] = set()
    groups = _group_figures(article)
    for fig in article.xpath(".//fig | .//fig-group"):
        parent = fig.getparent()
        if etree.QName(fig).localname == "fig" and parent is not None and parent in groups:
            continue  # a panel of a fig-group: read with its group
        group = fig if fig in groups else None
        hrefs = [h for member in (group.xpath("fig") if group is not None else [fig]) for h in _graphic_hrefs(member)]
        label = _itertext(_first(fig, "label"))
        key = fig.get("id") or f"{label}|{'|'.join(hrefs)}"
        if key in seen:
            continue
        seen.add(key)
        figure = _figure(fig, pmcid, article_license, group)
        if parent is not None and etree.QName(parent).localname == "floats-group":
            figure.extra["from"] = "floats-group"
        if _in_supplement(fig):
            # "Figure S1" inside <supplementary-material>: not the article's Figure 1.
            figure.number = supplement_number(label, len(figures) + 1)
            figure.extra.update({"from": "supplementary-material", "supplementary": True})
        figures.append(figure)
    return figures


# --- Supplementary material --------------------------------------------------------------------

#: Supplementary figures are numbered after the article's own (S1 is 101): the crawl keys a figure's
#: fetched pixels, split and verdict by its number, and "Figure S1" must not be taken for Figure 1.
SUPPLEMENT_NUMBER = 100
IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|tiff?)$", re.I)
FILE_KINDS = {"pdf": "a PDF", "doc": "a Word file", "docx": "a Word file", "zip": "a zip archive",
               "xls": "a spreadsheet", "xlsx": "a spreadsheet", "csv": "a table", "mp4": "a video",
               "avi": "a video", "mov": "a video"}


def _in_supplement(node: etree._Element) -> bool:
    return any(etree.QName(a).localname == "supplementary-material" for a in node.iterancestors())


def supplement_number(label: str, index: int) -> int:
    """The number a supplementary figure is kept under: its own ("Figure S2" is 102), else its place."""
    number = figure_number(label)
    return SUPPLEMENT_NUMBER + (number if number is not None else index)


def supplement_pdf(name: str, label: str, caption: str, url: str, mimetype: str = "") -> dict[str, str] | None:
    """A supplementary file that is a PDF ("Additional file 1", a ``.pdf`` href or an
    ``application/pdf`` media), as the crawl may read it for patient figures the article itself
    does not show (``extra["supplementary_pdfs"]``); None for any other file or without a URL."""
    path = name.split("?", 1)[0].split("#", 1)[0]
    if not url or not (path.lower().endswith(".pdf") or mimetype.lower() in ("pdf", "application/pdf")):
        return None
    return {"file": name, "label": label, "caption": caption, "url": url}


def not_an_image(name: str, label: str, mimetype: str = "") -> dict[str, str] | None:
    """The record of a supplementary file skipped as no image (a PDF, Word, zip or video file:
    ``extra["supplementary_skipped"]``, with the reason); None for an image file."""
    if IMAGE_FILE.search(name) or mimetype == "image":
        return None
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = FILE_KINDS.get(extension, f"a {extension or mimetype or 'non-image'} file")
    return {"file": name, "label": label, "reason": f"supplementary material is {kind}, not an image"}


def _supplementary(article: etree._Element, pmcid: str,
                   article_license: str) -> tuple[list[Figure], list[dict], list[dict]]:
    """``<supplementary-material>`` whose file is an image (the curators took such images when they
    were the case's films): one figure each, its caption and the article's licence, served by
    Europe PMC beside the article's figures. A PDF, Word, zip or video file is skipped with the
    reason (a PDF is also listed, with its Europe PMC address, for the crawl to read when the
    article's own figures show no patient); a ``<fig>`` inside is read with the article's figures."""
    from ingest.panels import parse_subcaptions  # as _figure does

    figures: list[Figure] = []
    skipped: list[dict] = []
    pdfs: list[dict] = []
    for index, node in enumerate(article.xpath(".//supplementary-material"), start=1):
        if node.xpath(".//fig"):
            continue
        media = _first(node, ".//media") if _first(node, ".//media") is not None else _first(node, ".//graphic")
        href = (media.get(f"{{{XLINK}}}href", "") if media is not None else "") or node.get(f"{{{XLINK}}}href", "")
        label = _itertext(_first(node, "label")) or _itertext(_first(node, ".//media/label"))
        caption = _caption_text(_first(node, "caption")) or _caption_text(_first(node, ".//caption"))
        mimetype = (media.get("mimetype", "") if media is not None else "") or node.get("mimetype", "")
        subtype = (media.get("mime-subtype", "") if media is not None else "") or node.get("mime-subtype", "")
        if not href:
            continue
        skip = not_an_image(href, label, mimetype)
        if skip is not None:
            skipped.append(skip)
            url = EUROPE_PMC_FILE.format(pmcid=pmcid, name=href.strip()) if pmcid else ""
            pdf = supplement_pdf(href.strip(), label, caption, url, subtype or mimetype)
            pdfs += [pdf] if pdf is not None else []
            continue
        figure = Figure(id=node.get("id", ""), label=label or f"Supplementary material {index}",
                        number=supplement_number(label, index), caption=caption, graphic_hrefs=[href],
                        panel_captions=parse_subcaptions(caption))
        figure.image_urls = [EUROPE_PMC_FILE.format(pmcid=pmcid, name=href.strip())] if pmcid else []
        figure.extra.update({"from": "supplementary-material", "supplementary": True})
        _third_party(figure, caption)
        figures.append(figure)
    return figures, skipped, pdfs


def europe_pmc_image_url(pmcid: str, href: str) -> str:
    """Europe PMC's JPEG rendition of a JATS graphic (the href often has no extension, or .tif)."""
    name = re.sub(r"\.(?:jpe?g|gif|png|tiff?|eps)$", "", href.strip(), flags=re.I)
    return EUROPE_PMC_IMAGE.format(pmcid=pmcid, name=name)
