"""SIRM (Società Italiana di Radiologia Medica) COVID-19 case posts: a WordPress blog.

Page objects: HTML text + the URL it came from -> records. See docs/site-notes.md §3; the site's
facts (hosts, URL forms, the post slug as the case key) are in ``ingest/sites/sirm.py``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from parsel import Selector

from ingest.normalize.common import parse_int
from ingest.normalize.time_words import EXAM_DONE_VERBS, FILM_QUALIFIERS
from ingest.pages import (
    HtmlPage,
    ParseError,
    SearchPage,
    ancestors,
    below,
    classes,
    left_out_exam,
    left_out_warnings,
    parent,
    select_one,
    text,
)
from ingest.records import TIMELINE_NOTE, CaseRecord, ImageRecord
from ingest.sites.sirm import (
    CANONICAL_HOST,
    IMAGE_EXT,
    POST_PATH,
    SIRM_HOSTS,
    SITE_LICENSE,
    SOURCE,
    canonical_sirm_url,
    sirm_case_url,
    sirm_credit,
    sirm_source_key,
)
from ingest.timeline import onset_gap

__all__ = [
    "CANONICAL_HOST",
    "SIRM_HOSTS",
    "SOURCE",
    "best_image_url",
    "canonical_sirm_url",
    "parse_sirm_listing",
    "parse_sirm_post",
    "parse_sirm_posts",
    "sirm_case_url",
    "sirm_source_key",
]

_CASE_TITLE = re.compile(r"\b(?:caso|case)\s*(?:n\.?\s*)?(\d+)\b", re.I)
_SLUG_NUMBER = re.compile(r"covid-19-(?:caso|case)-(\d+)")
_WP_SIZE_SUFFIX = re.compile(r"-\d+x\d+(?=\.[A-Za-z]{3,4}$)")
_MONTHS_IT = {m: i + 1 for i, m in enumerate(
    ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
     "novembre", "dicembre"])}
_MONTHS_EN = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"])}

# A narrative starts with the patient; everything before it is the byline (authors, institution). (The age in
# the notes' shorthand too: "M, 71 aa. Febbre da 7 gg.")
_NARRATIVE_START = re.compile(
    r"^\s*(?:paziente|pz\.?|maschio|femmina|uomo|donna|ragazz[oa]|signor[ae]?|anziano|anziana|"
    r"patient|male|female|man|woman|\d{1,3}[- ]?(?:anni|year))\b|\b\d{1,3}\s*(?:anni|aa|years?)\b"
    # the age told first ("Marito, di anni 62, iperteso": a spouse of a couple's post, its relation and age)
    r"|\bdi\s+anni\s+\d{1,3}\b",
    re.I)
_INSTITUTION_WORDS = re.compile(
    r"\b(?:radiologia|radiology|u\.?o\.?c?\.?|uoc|uos|ospedale|hospital|asst|asl|asp|aou|ao|aorn|ausl|"
    r"irccs|policlinico|universit[àa]|university|dipartimento|department|azienda|istituto|presidio|"
    r"clinica|direttore|director|servizio|diagnostica|centro)\b", re.I)
# (an English post's exam may open with its setting or technique: "Bedside chest X-ray (25/03), AP supine",
# "Portable chest radiograph", "Unenhanced chest CT")
_IMAGING_START = re.compile(
    r"^\s*(?:fig(?:ura|\.)?\s*\d*|rx|radiografia|radiogramma|tc|hrct|angio-?tc|l[’']esame\s+tc|"
    rf"l[’']esame\s+rx|esame\s+tc|ecografia|eco|rm|{FILM_QUALIFIERS}(?:x-?ray|radiograph|ct|hrct))\b", re.I)
# A paragraph opening with the exam's moment, then the exam: "Il 12 marzo RX torace in PA: ...", "In data
# 25/3, TC del torace", "Il giorno seguente TC", "Dopo una settimana, RX a letto", "In VIII giornata RX",
# "All'ingresso RX torace in PA", "A 72 ore dalla TC, per peggioramento, RX di controllo".
# The films after it are that exam's, like a paragraph opening with the exam.
_EXAM_MOMENT = (
    r"(?:(?:il|l[’']|in\s+data|in\s+data\s+del)\s*\d{1,2}"
    r"(?:\s+(?:" + "|".join(_MONTHS_IT) + r")|/\d{1,2}(?:/\d{2,4})?)"
    r"|(?:il\s+)?giorno\s+(?:seguente|successivo|dopo)|dopo\s+(?:\d{1,2}|una?|due|tre|quattro|cinque)\s+"
    r"(?:giorni|settimane?|ore)|a\s+distanza\s+di\s+(?:\d{1,2}|una?|due|tre)\s+(?:giorni|settimane?)"
    r"|in\s+(?:[ivxl]+|\w+[ao])\s+giornata(?:\s+di\s+ricovero)?"
    r"|all[’']\s?(?:ingresso|accesso|arrivo)|al\s+(?:momento\s+del\s+)?ricovero"
    r"|a\s+(?:distanza\s+di\s+)?\d{1,3}\s+(?:ore|giorni)\s+dal(?:l[’']\s?|la\s+|l[ao]\s+)?\s*(?:tc|rx|ricovero|ingresso))"
)
# (a short clause may stand between the moment and the exam: "A 72 ore dalla TC, per peggioramento, RX")
_TIMED_EXAM_START = re.compile(
    r"^\s*" + _EXAM_MOMENT
    + r"\s*,?\s+(?:[^.;:,]{1,40},\s*)?(?:rx|radiografia|radiogramma|tc|hrct|angio-?tc|ecografia|rm)\b", re.I)
# A paragraph telling an exam done, wherever its words start: "In data 25/3 esegue RX torace in due
# proiezioni", "Il giorno successivo esegue TC del torace", "Chest X-ray performed on admission".
# The films after it are that exam's (a paragraph with the patient's age is the presentation).
_EXAM_DONE = re.compile(
    rf"\b{EXAM_DONE_VERBS}\b"
    r"[^.;]{0,60}?\b(?:RX|radiografia|radiogramma|TC|HRCT|angio-?TC|chest\s+x-?ray|x-?ray|CT|"
    r"(?:esame|controllo|studio)\s+(?:radiografico|radiologico\s+del\s+torace))\b"
    r"|\b(?:RX|radiografia|TC|HRCT|chest\s+x-?ray|CT)\b[^.;]{0,40}?\b(?:esegui\w+|effettuat\w+|performed|obtained)\b",
    re.I)
_VIEW = re.compile(
    r"\b(?:AP\s+(?:a\s+letto|supino|in\s+piedi)|AP\s+supine|AP|PA|latero-?laterale|laterale|lateral|"
    r"supino|a\s+letto|assial[ei]|axial|coronal[ei]|coronal|sagittal[ei]|sagittal)\b", re.I)
_MODALITY = re.compile(r"\b(?:RX|radiografia|radiogramma|chest\s+x-?ray|x-?ray|TC|HRCT|CT|ecografia|RM)\b", re.I)
_AGE = re.compile(r"\b(?:di\s+)?anni\s+\d{1,3}\b|\b\d{1,3}\s*(?:anni|years?(?:\s+old)?)\b|\b\d{1,3}-year-old\b", re.I)
_SEX = re.compile(
    r"\bsesso\s+(?:maschile|femminile)\b|\b(?:maschio|femmina|uomo|donna|male|female|man|woman)\b", re.I)
# A post opening on a couple or two relatives told together ("Coppia di coniugi conviventi, lui di 74 anni, ..., lei di
# 69 anni", "Husband and wife, aged 61 and 58", "marito e moglie di 70 e 67 anni"): the ages are two persons'.
_COUPLE = re.compile(r"\b(?:coppia|coniugi|couple|spouses|(?:marito|husband)\s+(?:e|and)\s+(?:moglie|wife)|"
                     r"(?:moglie|wife)\s+(?:e|and)\s+(?:marito|husband))\b", re.I)
_TWO_AGES = re.compile(r"\b(\d{1,3})\s+(?:e|and)\s+(\d{1,3})\s*(?:anni|years?)\b", re.I)


def _couple_ages(narrative: str) -> str:
    """The two ages, as written, of the couple a post's opening presents together (``_COUPLE``): two different ages
    ("lui di 74 anni ... lei di 69 anni") or a pair ("di 70 e 67 anni"); "" when the opening tells no couple or one
    age only."""
    if not _COUPLE.search(narrative):
        return ""
    pair = _TWO_AGES.search(narrative)
    if pair and pair.group(1) != pair.group(2):
        return pair.group(0)
    ages = [m.group(0) for m in _AGE.finditer(narrative)]
    return " / ".join(ages) if len({re.sub(r"\D", "", a) for a in ages}) > 1 else ""


_DAY_MONTH = re.compile(r"\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b")
_GENDERED_PATIENT = re.compile(r"\b(?:il|la)\s+paziente\b|\bpaziente\s+(?:dimess[oa]|ricoverat[oa])\b", re.I)


# --- URLs ----------------------------------------------------------------------------------------

def _is_post_url(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.hostname or "").lower() in SIRM_HOSTS and bool(POST_PATH.match(parts.path))


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


# --- Listing -------------------------------------------------------------------------------------

def _page_number(url: str) -> int:
    m = re.search(r"/page/(\d+)/?", urlsplit(url).path) or re.search(r"paged=(\d+)", urlsplit(url).query)
    return int(m.group(1)) if m else 1


class SirmPage(HtmlPage):
    """A page of the SIRM WordPress site; WordPress answers a missing page with its own 404 page."""

    def check_not_error_page(self) -> None:
        body = self.find("body")
        if (body is not None and "error404" in classes(body)) or self.first("section.error-404") is not None:
            raise ParseError(self.url, "SIRM error page (WordPress 404)")


class SirmListingPage(SirmPage):
    """A category listing: post URLs (newest first, as listed) and the next (older) page."""

    def case_urls(self) -> list[str]:
        entries = self.css("article.post, div.post, article.type-post")
        case_urls: list[str] = []
        for entry in entries:
            link = select_one(entry, ".entry-title a[href], h2 a[href][rel~=bookmark], h1 a[href]")
            href = link.attrib.get("href") if link is not None else None
            absolute = _strip_query(urljoin(self.url, href.strip())) if href else ""
            if absolute and _is_post_url(absolute) and absolute not in case_urls:
                case_urls.append(absolute)
        if not entries:
            # The print rendering (?print=print-search) shows full posts without permalinks: the
            # case number in the title is all there is.
            for title in self.css(".print-title, .print-post h1, .print-post h2"):
                m = _CASE_TITLE.search(text(title, " ", strip=True))
                if m and sirm_case_url(int(m.group(1))) not in case_urls:
                    case_urls.append(sirm_case_url(int(m.group(1))))
        if not entries and not case_urls:
            raise ParseError(self.url, "listing entries (article.post .entry-title a)")
        return case_urls

    def next_url(self) -> str | None:
        # In a newest-first WordPress listing the next page holds older posts; themes call that link
        # "next" (paginate_links), "nav-previous" (twentyten-style "Articoli meno recenti") or rel=next.
        for query in ("a.next.page-numbers[href]", "link[rel=next][href]", ".nav-previous a[href]",
                      "a[rel=next][href]"):
            node = self.first(query)
            if node is not None:
                href = urljoin(self.url, node.attrib["href"])
                if "/page/" in href or "paged=" in href:
                    return href
        current = _page_number(self.url)
        for a in self.css("a.page-numbers[href], .pagination a[href], .nav-links a[href]"):
            href = urljoin(self.url, a.attrib["href"])
            if _page_number(href) == current + 1:
                return href
        return None

    def search_page(self) -> SearchPage:
        self.check_not_error_page()
        return SearchPage(case_urls=self.case_urls(), next_url=self.next_url())


def parse_sirm_listing(html: str | bytes, url: str) -> SearchPage:
    """Post URLs (newest first, as listed) and the next (older) page of a category listing.

    Post URLs keep the host that listed them: ``archivio.sirm.org`` may be the only host still
    serving a post, so the spider must fetch it there; records carry the canonical URL.
    """
    return SirmListingPage(html, url).search_page()


# --- Post ----------------------------------------------------------------------------------------

def _text(node: Selector) -> str:
    return re.sub(r"\s+", " ", text(node, " ", strip=True).replace("\xa0", " ")).strip()


def _line_chunks(element: Any, chunks: list[list[str]]) -> None:
    """Every string below ``element`` (comments and scripts included), a new chunk at each ``<br>``."""
    if element.text:
        chunks[-1].append(element.text)
    for child in element:
        if child.tag == "br":
            chunks.append([])
        elif isinstance(child.tag, str):
            _line_chunks(child, chunks)
        elif child.text is not None or getattr(child, "target", None):
            target = getattr(child, "target", None)  # a processing instruction reads "target data"
            chunks[-1].append(f"{target} {child.text or ''}" if target else child.text)
        if child.tail:
            chunks[-1].append(child.tail)


def _lines(p: Selector) -> list[str]:
    """The visual lines of a paragraph (``<br>`` separates author and institution lines)."""
    chunks: list[list[str]] = [[]]
    _line_chunks(p.root, chunks)
    lines = (re.sub(r"\s+", " ", "".join(c).replace("\xa0", " ")).strip() for c in chunks)
    return [line for line in lines if line]


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


def best_image_url(img: Selector, base_url: str) -> tuple[str, str]:
    """(full-size URL, how it was chosen) for a WordPress ``img``.

    Order: a link around the image that points at an image file (WordPress "link to media file"),
    the block gallery's ``data-full-url``, the largest ``srcset``/``data-srcset`` candidate, the
    lazy-load ``data-src``, then ``src``.
    """
    link = parent(img, ("a",))
    if link is not None and link.attrib.get("href") and IMAGE_EXT.search(urlsplit(link.attrib["href"]).path):
        return urljoin(base_url, link.attrib["href"]), "link"
    attrib = img.attrib
    for attr in ("data-full-url", "data-orig-file", "data-large-file"):
        if attrib.get(attr):
            return urljoin(base_url, attrib[attr]), attr
    for attr in ("srcset", "data-srcset", "data-lazy-srcset"):
        if attrib.get(attr):
            largest = _srcset_largest(attrib[attr])
            if largest:
                return urljoin(base_url, largest[0]), attr
    for attr in ("data-src", "data-lazy-src", "src"):
        value = attrib.get(attr, "")
        if value and not value.startswith("data:"):
            return urljoin(base_url, value), attr
    return "", ""


def _image_caption(img: Selector) -> str:
    for holder in ancestors(img):
        names = classes(holder)
        if "entry-content" in names:
            break
        if holder.root.tag == "figure" or "wp-caption" in names:
            cap = select_one(holder, "figcaption, .wp-caption-text, .gallery-caption")
            if cap is not None:
                return _text(cap)
        if "gallery-item" in names:
            cap = select_one(holder, ".gallery-caption, .wp-caption-text, dd")
            return _text(cap) if cap is not None else ""
    return ""


def _in_gallery(img: Selector) -> bool:
    return any("gallery" in (a.get("class") or "") for a in img.root.iterancestors())


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


def _story(blocks: list[tuple[str, object]], byline: list[str],
           url: str) -> tuple[list[str], list[str], list[ImageRecord], list[dict[str, str]]]:
    """(history lines, imaging findings lines, images, images left out) of the story's blocks: each
    image is described by its caption, else by the imaging paragraph before it (its place in the
    post); an image of an exam the dataset does not hold (a lung ultrasound) is left out."""
    history: list[str] = []
    findings: list[str] = []
    images: list[ImageRecord] = []
    left_out: list[dict[str, str]] = []
    last_imaging_text = ""
    in_imaging = False
    seen_urls: set[str] = set()
    run_start = 0  # the first image after the last text line
    after_image = False  # the last block kept was an image
    for kind, value in blocks:
        if kind == "text":
            text = value
            if text in byline:
                continue
            after_image = False
            images[run_start:] = _legend_under(images[run_start:], text)
            run_start = len(images)
            if (_IMAGING_START.search(text) or _TIMED_EXAM_START.search(text)
                    or (_EXAM_DONE.search(text) and not _AGE.search(text))):
                in_imaging = True
                last_imaging_text = text
                findings.append(text)
            elif in_imaging and re.search(r"\b(?:TC|RX|opacit|vetro smerigliato|consolidaz|addensament)", text):
                last_imaging_text = text
                findings.append(text)
            else:
                before, exam = _exam_tail(text)
                if before:
                    history.append(before)
                if exam:
                    in_imaging = True
                    last_imaging_text = exam
                    findings.append(exam)
            continue
        image = _image_record(value, url, last_imaging_text, len(images), seen_urls)
        left_out_entry = left_out_exam(image) if image is not None else None
        if left_out_entry is not None:
            left_out.append(left_out_entry)
        elif image is not None:
            if after_image:
                # no text line nor other image between it and the image before it: the post shows them as
                # one run (the second slice of a CT under the first one's caption, a PA then a lateral film)
                image.extra["follows_image"] = True
            images.append(image)
        if image is not None:
            after_image = left_out_entry is None
    images = _cited_in_order(images, [value for kind, value in blocks if kind == "text" and value not in byline])
    if not findings:
        # Some posts describe the imaging only in the image captions.
        findings = [i.caption for i in images if i.caption]
    return history, findings, images, left_out


# A citation of figures in the text: "(Fig. 1)", "(Fig. 2-3)", "(Fig. 2 e 3)", "Figg. 2-4", "Figura 5".
_FIGURES_CITED = re.compile(r"\bFig(?:ura|ure|g)?\.?\s*(\d{1,2})(?:\s*(-|–|\be\b|\bed\b|\band\b)\s*(\d{1,2}))?", re.I)


def _cited_numbers(text: str) -> list[int]:
    """The figure numbers ``text`` cites, in order ("(Fig. 2-3)" -> 2, 3; "(Fig. 2 e 3)" -> 2, 3)."""
    numbers: list[int] = []
    for m in _FIGURES_CITED.finditer(text):
        first, last = int(m.group(1)), int(m.group(3) or m.group(1))
        if m.group(2) in ("-", "–") and last > first:
            numbers += range(first, last + 1)
        else:
            numbers += [first] if last == first else [first, last]
    return numbers


def _cited_in_order(images: list[ImageRecord], texts: list[str]) -> list[ImageRecord]:
    """The post's uploads, none with a caption of its own, each described by the paragraph citing its figure
    number, when the paragraphs cite the figures 1, 2, ... N in order, each in one paragraph, N the number of
    uploads ("RX torace ... (Fig. 1)", "TC ... (Fig. 2-3)", "RX di controllo ... (Fig. 4)" over four uploads
    "Senza-titolo-1" ... "-4" in one gallery after the last paragraph, which all took the last paragraph as
    theirs); when they cite 1 ... K of more uploads (a gallery holding more than the text tells: "RX ... (Fig. 1)",
    "TC ... (Fig. 2)" over four uploads), the uploads before the K-th take theirs and the others stay as they are
    (which of them the last cited is, or what the rest show, is not told); else the uploads as they are. An upload
    under the paragraph citing it stays as it was."""
    if len(images) < 2 or any(i.extra.get("caption_from") != "preceding paragraph" for i in images):
        return images
    citing: dict[int, str] = {}
    order: list[int] = []
    for paragraph in texts:
        numbers = _cited_numbers(paragraph)
        if any(n in citing for n in numbers):
            return images  # a figure cited by two paragraphs (or twice): which describes it is not told
        citing.update(dict.fromkeys(numbers, paragraph))
        order += numbers
    if order != list(range(1, len(order) + 1)) or not 2 <= len(order) <= len(images):
        return images
    out = []
    for k, image in enumerate(images, 1):
        paragraph = citing[k] if k < len(order) or len(order) == len(images) else image.caption
        if paragraph == image.caption:
            out.append(image)
            continue
        modality, view, day = _MODALITY.search(paragraph), _VIEW.search(paragraph), _DAY_MONTH.search(paragraph)
        out.append(replace(image, caption=paragraph, modality_text=modality.group(0) if modality else "",
                           view_text=view.group(0) if view else "", date_text=day.group(0) if day else "",
                           extra={**image.extra, "caption_from": "paragraph citing its figure"}))
    return out


# A sentence opening with an exam, inside a paragraph that starts with the patient: "Primo paziente:
# uomo di 45 anni, febbre da 5 giorni. Tampone positivo. RX torace (PA) all'ingresso: addensamenti ...".
_EXAM_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=" + _IMAGING_START.pattern.replace("^\\s*", "") + ")", re.I)


def _exam_tail(text: str) -> tuple[str, str]:
    """(the story before, the exam sentences) of a paragraph whose last sentences tell an exam (the
    films after the paragraph are that exam's); (text, "") when none does."""
    m = _EXAM_SENTENCE.search(text)
    return (text[:m.start()].strip(), text[m.end():].strip()) if m else (text, "")


# The exam kinds ``_MODALITY``'s words name (a radiograph, a CT, ...).
_MODALITY_KIND = {"rx": "xray", "radiografia": "xray", "radiogramma": "xray", "tc": "ct", "hrct": "ct", "ct": "ct"}


# The words before an exam the paragraph counts from, not one it tells done: "a distanza di 5 giorni dalla
# TC", "A 72 ore dalla TC, RX di controllo", "dopo la TC", "rispetto alla precedente RX", "after the CT".
_BASE_EXAM_BEFORE = re.compile(r"(?:\bdall[aeo’']|\bdal|\bafter\s+the|\bfrom\s+the|\bdopo\s+(?:la|il|l[’'])|"
                               r"\brispetto\s+(?:alla|al|all[’'])|\bprecedente|\bconfronto\s+con\s+(?:la|il|l[’']))\s*$",
                               re.I)


def _exam_kinds(text: str) -> list[str]:
    """The exams ``text`` names, in order ("xray", "ct"), but those a time counts from ("dalla TC")."""
    return [_MODALITY_KIND.get(m.group(0).lower(), "xray" if "ray" in m.group(0).lower() else m.group(0).lower())
            for m in _MODALITY.finditer(text) if not _BASE_EXAM_BEFORE.search(text, max(0, m.start() - 30), m.start())]


def _same_modality(caption: str, paragraph: str) -> bool:
    """True unless the caption names an exam the paragraph does not tell done ("TC" under a paragraph
    telling "RX torace di controllo a distanza di 5 giorni dalla TC"): the paragraph may then be another
    film's. A paragraph telling two exams ("RX torace in proiezione AP e TC del torace") is both exams'."""
    kinds = [_exam_kinds(text) for text in (caption, paragraph)]
    return not kinds[0] or not kinds[1] or set(kinds[0]) <= set(kinds[1])


# The figure number a caption opens with: "Fig. 2 – TC torace 10/03", "Figura 3: RX torace".
_CAPTION_FIGURE = re.compile(r"^\s*Fig(?:ura|\.)?\s*(\d{1,2})(?![\d/.,])", re.I)


def _cites_other_figures_only(caption: str, paragraph: str) -> bool:
    """True when the caption opens with its figure's number and the paragraph cites figures, none of them that one
    ("Fig. 2 – TC torace 10/03" under the last paragraph "... RX torace in PA (Fig. 3). Il giorno seguente si esegue
    TC di controllo (Fig. 4).", the uploads all after the text): the paragraph tells other figures' exams, not this
    one's (its CT's "il giorno seguente" is Fig. 4's moment)."""
    own = _CAPTION_FIGURE.match(caption)
    cited = _listed_figure_numbers(paragraph)
    return bool(own and cited and int(own.group(1)) not in cited)


# A citation of several figures, listed and ranged: "(Fig. 2, 3)", "(Figg. 2, 3 e 4)", "(Fig. 1-2, 4)".
#: A listed number is no figure when a unit of time follows it ("Fig. 2, 3 giorni dopo").
_NOT_A_FIGURE_AFTER = r"(?![\d/.])(?!\s*(?:giorn|days?\b|or[ae]\b|hours?\b|settiman|weeks?\b|mes[ei]\b|months?\b))"
_FIGURES_LISTED = re.compile(
    r"\bFig(?:ura|ure|g)?\.?\s*(\d{1,2}(?:\s*(?:,|-|–|\be\b|\bed\b|\band\b)\s*\d{1,2}"
    + _NOT_A_FIGURE_AFTER + r")*)", re.I)


def _listed_figure_numbers(text: str) -> set[int]:
    """Every figure number ``text`` cites, a list's members and a range's too ("(Fig. 2, 3)" -> {2, 3}; the
    citation of ``_cited_numbers`` reads two numbers at most: it orders uploads, where a list is rare)."""
    numbers: set[int] = set()
    for m in _FIGURES_LISTED.finditer(text):
        for part in re.split(r",|\be\b|\bed\b|\band\b", m.group(1)):
            ends = [int(n) for n in re.findall(r"\d{1,2}", part)]
            numbers.update(range(ends[0], ends[-1] + 1) if len(ends) == 2 and ends[1] > ends[0] else ends)
    return numbers


def _own_exam_sentences(caption: str, paragraph: str) -> str:
    """The sentences of ``paragraph`` telling the one exam ``caption`` names, when the paragraph tells two exams in
    sentences of their own, each with its moment ("Moglie: in PS RX torace in due proiezioni, negativa. Dopo 48 ore
    ... esegue TC del torace." under a PA film and a CT; "at the admission chest X-ray ...; CT of the chest was
    performed the day after"): the CT's moment is not the film's. The paragraph whole otherwise (one exam, or a
    sentence telling both: "in PS RX torace a letto e TC del torace eseguita subito dopo")."""
    kinds = set(_exam_kinds(caption))
    # (a sentence opens with a capital: "(Fig. 1), e TC del torace" goes on the sentence of "Fig.")
    sentences = re.split(r"(?<=[.;])\s+(?=[A-ZÀ-Ý])", paragraph)
    told = [set(_exam_kinds(sentence)) for sentence in sentences]
    if len(kinds) != 1 or len(set().union(*told)) < 2 or any(len(t) > 1 for t in told):
        return paragraph
    own = [sentence for sentence, t in zip(sentences, told) if t == kinds]
    return " ".join(own) if own else paragraph


def _legend_under(run: list[ImageRecord], text: str) -> list[ImageRecord]:
    """The images of a run without captions of their own (a gallery), each described by its entry of the
    numbered legend that follows them ("Fig. 1: RX torace PA all'ingresso. Fig. 2: RX torace LL. Fig. 3: TC
    del torace ..."), when the legend numbers as many entries as the run holds images; else the run as is."""
    entries = legend_entries(text)
    if not run or len(entries) != len(run) or any(i.extra.get("caption_from") != "preceding paragraph" for i in run):
        return run
    return [_described(image, entry) for image, entry in zip(run, entries)]


def _described(image: ImageRecord, caption: str) -> ImageRecord:
    """The image described by ``caption`` (its modality, view and date words read from it)."""
    extra = {k: v for k, v in image.extra.items() if k != "caption_from"}
    modality, view, day = _MODALITY.search(caption), _VIEW.search(caption), _DAY_MONTH.search(caption)
    return replace(image, caption=caption, modality_text=modality.group(0) if modality else "",
                   view_text=view.group(0) if view else "", date_text=day.group(0) if day else "", extra=extra)


# A caption that is only the figure's number ("Fig. 1", "Figura 2"), or its number and a panel letter ("Fig. 1a", a
# gallery's two films "Fig. 1a" / "Fig. 1b" under "Chest X-ray in ER, PA and lateral view."): the paragraph citing it
# describes it.
_BARE_FIGURE_LABEL = re.compile(r"^\s*Fig(?:ura|\.)?\s*(\d{1,2})\s*[a-h]?\s*[.:]?\s*$", re.I)
_FIGURE_CITATION = re.compile(r"\bFig(?:ura|\.)?\s*(\d{1,2})\b", re.I)
# The opening of one entry of a numbered legend: "Fig. 1: RX torace PA ... Fig. 2: RX torace LL", "1. RX torace
# AP a letto. 2. TC, scansione assiale."
_LEGEND_ENTRY = re.compile(r"(?:^|(?<=[\s.;]))(?:Fig(?:ura|\.)?\s*)?(\d{1,2})\s*[.:)–-]\s+", re.I)


def legend_entries(text: str) -> list[str]:
    """The entries of a numbered legend, in order ("Fig. 1: RX torace PA. Fig. 2: RX torace LL." -> two
    entries), when the text opens with the first and numbers them 1, 2, ... k (k >= 2); else []."""
    marks = [m for m in _LEGEND_ENTRY.finditer(text)]
    numbered: list[re.Match[str]] = []
    for m in marks:
        if int(m.group(1)) == len(numbered) + 1 and (numbered or m.start() == len(text) - len(text.lstrip())):
            numbered.append(m)
    if len(numbered) < 2:
        return []
    ends = [m.start() for m in numbered[1:]] + [len(text)]
    return [text[m.end():end].strip(" ;") for m, end in zip(numbered, ends)]


def cited_part(paragraph: str, number: int) -> str:
    """The words of ``paragraph`` describing figure ``number`` it cites in parentheses: the words back to
    the previous citation's parenthesis, and the citation's own item ("..., e TC del torace, che documenta
    ... (Fig. 2, scansione assiale; Fig. 3, ricostruzione coronale)" -> Fig. 3: "e TC del torace, che
    documenta ... ricostruzione coronale"); "" when the paragraph does not cite it once, in parentheses."""
    cites = list(_FIGURE_CITATION.finditer(paragraph))
    ranges = [m for m in _FIGURES_CITED.finditer(paragraph) if m.group(3) and number in _cited_numbers(m.group(0))]
    # a range cited in parentheses ("RX torace nelle due proiezioni, PA e laterale (Fig. 1-2)"): its figures share
    # the words (was the first figure's alone, with the range's "-2" for its item)
    own = ranges if ranges else [m for m in cites if int(m.group(1)) == number]
    if len(own) != 1:
        return ""
    m = own[0]
    opening = paragraph.rfind("(", 0, m.start())
    closing = paragraph.find(")", m.end())
    if opening < 0 or closing < 0 or ")" in paragraph[opening:m.start()]:
        return ""
    earlier = [c for c in cites if c.end() <= opening]
    start = paragraph.find(")", earlier[-1].end()) + 1 if earlier else 0
    semicolon = paragraph.find(";", m.end(), closing)
    item = paragraph[m.end():semicolon if semicolon >= 0 else closing]
    return f"{paragraph[start:opening].strip(' ,;:')} {item.strip(' ,;:')}".strip()


def _gallery_entry(img: Selector, caption: str) -> str:
    """The entry of a numbered legend shared by a gallery's images that is this image's ("1. RX torace AP
    a letto. 2. TC, scansione assiale. 3. ..." under three images: the second is "TC, scansione assiale"),
    when the legend numbers as many entries as the gallery holds images; else ""."""
    entries = legend_entries(caption)
    gallery = next((a for a in img.root.iterancestors() if "gallery" in (a.get("class") or "").split()
                    or "wp-block-gallery" in (a.get("class") or "").split()), None)
    if not entries or gallery is None:
        return ""
    images = [i for i in gallery.iter("img")]
    return entries[images.index(img.root)] if len(images) == len(entries) and img.root in images else ""


def _image_record(img: object, url: str, last_imaging_text: str, position: int,
                  seen_urls: set[str]) -> ImageRecord | None:
    assert isinstance(img, Selector)
    src, chosen_by = best_image_url(img, url)
    if not src or src in seen_urls or "wp-smiley" in classes(img):
        return None
    seen_urls.add(src)
    caption = _image_caption(img)
    label = _BARE_FIGURE_LABEL.match(caption)
    if label and last_imaging_text:
        # "Fig. 2" under a paragraph telling "... (Fig. 2, scansione assiale; Fig. 3, ricostruzione coronale)";
        # under one citing no figure ("In terza giornata ... viene eseguita TC del torace"), the number says nothing
        # of the upload: the paragraph before describes it, as it does an upload without a caption
        caption = cited_part(last_imaging_text, int(label.group(1))) or (
            "" if not _FIGURE_CITATION.search(last_imaging_text) else caption)
    caption = _gallery_entry(img, caption) or caption
    described_by = caption or last_imaging_text
    extra = {"chosen_by": chosen_by, "in_gallery": _in_gallery(img)}
    if _WP_SIZE_SUFFIX.search(urlsplit(src).path):
        # Only a resized WordPress variant is offered; the original is usually the same name
        # without -WxH, but that is a guess for the downloader to try first.
        extra["original_guess"] = _WP_SIZE_SUFFIX.sub("", src)
    if not caption and last_imaging_text:
        extra["caption_from"] = "preceding paragraph"
    elif caption and last_imaging_text and _same_modality(caption, last_imaging_text) \
            and not _cites_other_figures_only(caption, last_imaging_text):
        # a block-editor figure's short caption ("TC, scansione assiale") under the paragraph telling
        # its exam ("TC del torace eseguita dopo 48 ore: ..."): the paragraph tells the exam's moment
        extra["paragraph"] = _own_exam_sentences(caption, last_imaging_text)
    day = _DAY_MONTH.search(caption)
    modality = _MODALITY.search(described_by)
    view = _VIEW.search(described_by)
    return ImageRecord(
        source_url=src, position=position, caption=caption or last_imaging_text,
        modality_text=modality.group(0) if modality else "",
        view_text=view.group(0) if view else "", date_text=day.group(0) if day else "",
        extra=extra)



Blocks = list[tuple[str, object]]


class SirmPostPage(SirmPage):
    """A case post: its title, date and body, read as text lines and images in document order."""

    def title(self) -> str:
        for query in ("article h1.entry-title", "h1.entry-title", ".post h1", "h1.print-title"):
            node = self.first(query)
            if node is not None and _text(node):
                return _text(node)
        og = self.first('meta[property="og:title"][content]')
        if og is not None:
            title = og.attrib["content"]
        else:
            title_node = self.find("title")
            title = text(title_node) if title_node is not None else ""
        return re.sub(r"(?<!\s)\s*[–-]\s*(?:Archivio\s+)?SIRM\s*$", "", title.strip())

    def published(self) -> str:
        node = self.first("time.entry-date.published[datetime], time.entry-date[datetime], time[datetime]")
        if node is not None:
            return node.attrib["datetime"][:10]
        meta = self.first('meta[property="article:published_time"][content]')
        if meta is not None:
            return meta.attrib["content"][:10]
        for node in self.css(".entry-date, .print-date, .posted-on"):
            m = re.search(r"(\d{1,2})\s+([A-Za-zà]+)\s+(\d{4})", _text(node))
            if m:
                month = _MONTHS_IT.get(m.group(2).lower()) or _MONTHS_EN.get(m.group(2).lower())
                if month:
                    return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
        m = POST_PATH.match(urlsplit(self.url).path)
        return f"{m['y']}-{m['m']}-{m['d']}" if m else ""

    def content(self) -> Selector:
        for query in ("article .entry-content", ".post .entry-content", ".entry-content", ".print-content"):
            node = self.first(query)
            if node is not None:
                return node
        raise ParseError(self.url, "post body (div.entry-content)")

    @cached_property
    def blocks(self) -> Blocks:
        """The body in document order, text lines and images interleaved as the post shows them."""
        self.check_not_error_page()
        blocks: Blocks = []
        for node in below(self.content(), "p, img, h2, h3, h4, blockquote, li"):
            tag = node.root.tag
            if tag == "img":
                if parent(node, ("noscript",)) is None:
                    blocks.append(("img", node))
            elif not ((tag == "li" and node.xpath("descendant::img")) or parent(node, ("figcaption",)) is not None
                      or "wp-caption-text" in classes(node) or (tag == "p" and parent(node, ("li",)) is not None)):
                for line in _lines(node):
                    blocks.append(("text", line))
                    self.line_nodes.setdefault(line, node)
        return blocks

    @cached_property
    def line_nodes(self) -> dict[str, Selector]:
        """Each text line's element (the first one it was read from)."""
        return {}

    def record(self, blocks: Blocks, byline: list[str] | None = None) -> CaseRecord:
        """The case the blocks tell: the whole post, or one patient's part of it with the post's byline."""
        url = self.url
        canonical = canonical_sirm_url(url)
        source_key = sirm_source_key(canonical)
        lang = "en" if source_key.startswith("en/") else "it"
        title = self.title()
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
        history, findings, images, left_out = _story(blocks, byline, url)
        narrative = [line for line in narrative if line not in byline]
        first_narrative = narrative[0] if narrative else ""
        age = _AGE.search(first_narrative)
        sex = _SEX.search(first_narrative)
        couple_ages = _couple_ages(first_narrative)
        if couple_ages:
            age = None  # two persons' ages and the post one case: either would be a guess for the other's films
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
        if left_out:
            extra["left_out_figures"] = left_out
        return CaseRecord(
            source=SOURCE, source_key=source_key, url=canonical, title=title,
            license_text=SITE_LICENSE,  # SIRM states no licence (docs/site-notes.md §3.5)
            published=self.published(), authors=authors, institution=institution,
            credit=self.credit(byline),
            age_text=age.group(0) if age else "", sex_text=sex.group(0) if sex else "",
            history="\n".join(history), findings="\n".join(findings),
            images=images, extra=extra,
            warnings=left_out_warnings(left_out) + ([f"the opening tells a couple's two ages ({couple_ages}) and the "
                                                     "post is one case: age left blank, split by hand"]
                                                    if couple_ages else []),
        )

    def credit(self, byline: list[str]) -> str:
        """The dataset's credit: ``Credit to `` and the post's authors line as the page shows it (the
        first paragraph of the byline, with what it holds: the curators copy it whole, institution
        included when it shares the paragraph, and append nothing; spaces as rendered)."""
        if not byline:
            return ""
        node = self.line_nodes.get(byline[0])
        line = re.sub(r"\s+", " ", text(node).replace("\xa0", " ")).strip() if node is not None else byline[0]
        return sirm_credit(line)


def parse_sirm_post(html: str | bytes, url: str) -> CaseRecord:
    """The whole post as one case (``parse_sirm_posts`` splits a post presenting several patients)."""
    page = SirmPostPage(html, url)
    return page.record(page.blocks)


# A post presenting several patients, each opened by a heading line: "Paziente 1: ...",
# "Caso 2 –", "Patient B.", "Primo paziente", "Second case", or a line of its own ("<strong>Caso
# 1</strong>" as its own paragraph, the block editor's habit).
_PATIENT_HEADING = re.compile(
    r"^\W{0,3}(?:(?:paziente|patient|caso|case)\s*(?:n\.?\s*|#\s*)?(?P<n>\d{1,2}|[A-D])\b\s*(?:[:.)–-]|$)"
    # the person's relation in brackets after the number, then the age: "Paziente 1 (madre), 79 anni"
    r"|(?:paziente|patient)\s*(?P<nb>\d{1,2})\s*\((?:[^()]{1,30})\)\s*[,:.–-]"
    r"|(?P<ord>prim[oa]|second[oa]|terz[oa]|quart[oa]|first|second|third|fourth)\s+(?:paziente|caso|patient|case)\b)",
    re.I,
)


# A post presenting members of one family or a couple, each paragraph opening with the person's relation and
# age: "Marito, di anni 62, iperteso ...", "La moglie, 58 anni, ...", "Il figlio di 34 anni ...", "Wife, 58 years
# old, ..." (the relation in apposition with the age names the person the paragraph is about; a relative told in
# passing, "Il marito della paziente è positivo", gives no age in apposition).
_RELATIVE_OPENER = re.compile(
    r"^\W{0,3}(?:(?:il|la|lo|l['’]|the|her|his)\s*)?"
    r"(?P<rel>marito|moglie|padre|madre|figlio|figlia|fratello|sorella|nonno|nonna|suocer[oa]|"
    r"husband|wife|father|mother|son|daughter|brother|sister)\b\W{0,3}\s*,?\s*"
    r"(?:di\s+(?:anni\s+)?\d{1,3}\b|\d{1,3}\s*anni\b|(?:aged\s+)?\d{1,3}(?:\s*years?(?:\s+old)?|-year-old)\b)",
    re.I,
)


#: The relations a family's post names its persons by, and each one's sex; the English words as the Italian ones.
_ROLE_SEX = {**dict.fromkeys(("marito", "padre", "figlio", "fratello", "nonno"), "M"),
             **dict.fromkeys(("moglie", "madre", "figlia", "sorella", "nonna"), "F")}
_ROLE_EN = {"husband": "marito", "father": "padre", "son": "figlio", "brother": "fratello", "wife": "moglie",
            "mother": "madre", "daughter": "figlia", "sister": "sorella"}
_ROLE_WORDS = "|".join([*_ROLE_SEX, *_ROLE_EN])
# A paragraph opening with the person's relation as a bare label, the age told elsewhere (in the post's opening):
# "Marito: in PS RX torace ...", "Moglie – TC del torace ...", "Husband: at the admission chest X-ray ..." (the
# relation then a colon or a dash: "Il marito è stato ricoverato" tells of him, it opens no part of the post).
_ROLE_LABEL = re.compile(rf"^\W{{0,3}}(?:(?:il|la|the)\s+)?(?P<rel>{_ROLE_WORDS})\b\W{{0,3}}\s*[:–—-]\s", re.I)
# An upload's caption naming the person it shows: "Padre – RX torace PA", "Marito. RX torace", "Husband: CT",
# "Paz. 1 – TC", "Paziente 2: RX".
_CAPTION_PERSON = re.compile(rf"^\W{{0,3}}(?:(?:il|la|the)\s+)?(?:(?P<rel>{_ROLE_WORDS})"
                             r"|(?:paz\.?|paziente|patient|pt\.?)\s*(?P<n>\d{1,2}))\s*[:.–—-]\s", re.I)


def _role_key(word: str) -> str:
    """The relation as the Italian word ("Husband" -> "marito"), a number as it is ("1")."""
    word = word.lower()
    return _ROLE_EN.get(word, word)


def _patient_sections(blocks: list[tuple[str, object]]) -> list[tuple[str, int, int]]:
    """(patient label, first block, end block) of each patient of a post, in order; [] unless the
    post opens at least two distinct patients with a heading line, or (with no such heading) two
    paragraphs each opening with a different relation and its age ("Marito, di anni 62" / "Moglie,
    di anni 58")."""
    openers: list[tuple[str, int]] = []
    for index, (kind, value) in enumerate(blocks):
        if kind != "text":
            continue
        m = _PATIENT_HEADING.match(str(value))
        if m:
            label = (m.group("n") or m.group("nb") or m.group("ord")).lower()
            if label not in [o[0] for o in openers]:
                openers.append((label, index))
    if len(openers) < 2:
        openers = []
        for index, (kind, value) in enumerate(blocks):
            m = (_RELATIVE_OPENER.match(str(value)) or _ROLE_LABEL.match(str(value))) if kind == "text" else None
            if m and _role_key(m.group("rel")) not in [_role_key(o[0]) for o in openers]:
                openers.append((m.group("rel").lower(), index))
    if len(openers) < 2:
        return []
    return [(label, start, openers[i + 1][1] if i + 1 < len(openers) else len(blocks))
            for i, (label, start) in enumerate(openers)]


def parse_sirm_posts(html: str | bytes, url: str) -> list[CaseRecord]:
    """A post as one case per patient. A post whose patients are opened by heading lines
    ("Paziente 1:", "Caso 2 –") gives one case each, keyed ``<slug>-p<n>``, with its own age, sex,
    story and the images placed in its section; the post's byline credits them all. Images before
    the first patient cannot be placed: the post stays one case, with a warning for the reviewer."""
    page = SirmPostPage(html, url)
    blocks = page.blocks
    whole = page.record(blocks)
    sections = _patient_sections(blocks)
    persons = _persons_of_a_family(blocks, sections)
    if persons:
        return _person_records(page, whole, persons, sections)
    if not sections:
        return [whole, *_earlier_normal_films(whole)]
    first = sections[0][1]
    if any(kind == "img" for kind, _ in blocks[:first]):
        whole.warnings.append(f"several patients in the post ({len(sections)}); images before the first one: "
                              "review and split by hand")
        return [whole]
    byline, _ = _byline(blocks)
    records = []
    for number, (label, start, end) in enumerate(sections, start=1):
        record = page.record(blocks[start:end], byline=byline)
        record.source_key = f"{whole.source_key}-p{number}"
        record.warnings.append(f"patient {number} of {len(sections)} ('{label}') split from post "
                               f"{whole.source_key}: check the split")
        record.extra.update({"patient_number": number, "patients": len(sections), "patient_label": label})
        records += [record, *_earlier_normal_films(record)]
    return records


def _caption_person(node: object) -> str:
    """The person an upload's caption opens with ("Padre – RX ...": "padre"; "Paz. 1 – TC": "1"), else ""."""
    m = _CAPTION_PERSON.match(_image_caption(node)) if isinstance(node, Selector) else None
    return "" if m is None else _role_key(m.group("rel")) if m.group("rel") else str(int(m.group("n")))


def _persons_of_a_family(blocks: Blocks, sections: list[tuple[str, int, int]]) -> list[str]:
    """The persons of a post told person by person where the post's parts alone do not split it: the uploads'
    captions naming two persons or more ("Padre – RX ...", "Figlio – RX ..."; "Paz. 1 – ...", "Paz. 2 – ..." in one
    gallery after both patients' paragraphs), or the parts opened by a bare relation ("Marito:" / "Moglie:"), whose
    ages and onsets the post's opening tells ("lui di 74 anni ..., lei di 69 anni"). [] otherwise (the parts
    split as before)."""
    named = [_caption_person(value) for kind, value in blocks if kind == "img"]
    labels = [_role_key(label) for label, _, _ in sections]
    bare = any(_ROLE_LABEL.match(str(blocks[start][1])) for _, start, _ in sections)
    if labels and (bare or any(n and n in labels for n in named)):
        return labels if all(not n or n in labels for n in named) else []
    if not labels and len({n for n in named if n}) >= 2:
        return list(dict.fromkeys(n for n in named if n))
    return []


def _person_words(persons: list[str]) -> dict[str, re.Pattern[str]]:
    """The words naming each person in the post's text: the relation (Italian or English), a patient's number, and
    the words of sex ("lui", "uomo", "man"; "lei", "donna") for the one person of that sex."""
    sexes = [_ROLE_SEX.get(p, "") for p in persons]
    words = {}
    for person, sex in zip(persons, sexes):
        if person.isdigit():
            alternatives = [rf"(?:paz\.?|paziente|patient|pt\.?)\s*{person}\b"]
        else:
            alternatives = [person, *[en for en, it in _ROLE_EN.items() if it == person]]
            if sex and sexes.count(sex) == 1:
                alternatives += (["lui", "uomo", "man", "maschio"] if sex == "M"
                                 else ["lei", "donna", "woman", "femmina"])
        words[person] = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.I)
    return words


def _pieces(line: str, words: dict[str, re.Pattern[str]]) -> list[str]:
    """A text line cut into its sentences, and a sentence before each clause opening on another person ("Coppia di
    coniugi, | lui di 74 anni, cardiopatico, | lei di 69 anni ..."; "A 66-years-old man | and his wife, 63 ...")."""
    names = "|".join(w.pattern for w in words.values())
    # (a clause of them all opens a piece too: "..., both admitted to our hospital the same day", ", entrambi con ...")
    opening = re.compile(r"(?:,\s+|\s+(?:e|and)\s+)(?=(?:(?:il|la|lo|the|his|her|sua|suo)\s+)?(?:" + names + ")"
                         r"|(?:both|entrambi|ambedue|tutti\s+e\s+due)\b)", re.I)
    pieces = []
    for sentence in re.split(r"(?<=[.;!?])\s+", line):
        cuts = [m.start() for m in opening.finditer(sentence)]
        pieces += [sentence[a:b].strip(" ,") for a, b in zip([0, *cuts], [*cuts, len(sentence)])
                   if sentence[a:b].strip(" ,")]
    return pieces


def _first_named(piece: str, words: dict[str, re.Pattern[str]]) -> str:
    """The person a piece names first ("" when it names none: it tells of them all)."""
    found = [(m.start(), person) for person, pattern in words.items() if (m := pattern.search(piece))]
    return min(found)[1] if found else ""


def _person_records(page: SirmPostPage, whole: CaseRecord, persons: list[str],
                    sections: list[tuple[str, int, int]]) -> list[CaseRecord]:
    """One case per person of a family's post (``_persons_of_a_family``), keyed ``<slug>-p<n>``: each one's uploads
    (by the caption naming them, else by the part they sit in), the post's shared lines cut to the clauses about
    them or about all (``_pieces``), their own part; their age from the first clause about them, their sex from
    their relation. Uploads neither a caption nor a part assigns: the post stays one case, with a warning."""
    blocks, words = page.blocks, _person_words(persons)
    owner = {i: _role_key(label) for label, start, end in sections for i in range(start, end)}
    byline, _ = _byline(blocks)
    assigned = {i: _caption_person(v) or owner.get(i, "") for i, (kind, v) in enumerate(blocks) if kind == "img"}
    if any(not person for person in assigned.values()):
        whole.warnings.append(f"several persons in the post ({', '.join(persons)}); uploads that no caption or part "
                              "assigns: review and split by hand")
        return [whole]
    records = []
    owns: dict[str, list[str]] = {}
    for number, person in enumerate(persons, start=1):
        own = owns.setdefault(person, [])
        mine: Blocks = []
        for i, (kind, value) in enumerate(blocks):
            if kind == "img":
                mine += [(kind, value)] if assigned[i] == person else []
                continue
            if value in byline or owner.get(i, person) != person:
                mine += [(kind, value)] if value in byline else []
                continue
            kept = [p for p in _pieces(str(value), words) if _first_named(p, words) in ("", person)]
            own += [p for p in kept if _first_named(p, words) == person]
            mine += [("text", " ".join(kept))] if kept else []
        records.append(_person_record(page, whole, mine, byline, own, person, number, len(persons)))
    _timeline_notes(records, persons, owns, words, whole.extra.get("lang") == "en")
    return records


#: An onset told after another person's: "ha iniziato ad avere febbricola tre giorni dopo di lui", "started two days
#: after her husband".
_ONSET_AFTER_OTHER = re.compile(
    r"\b(?P<n>\d{1,2}|un|uno|due|tre|quattro|cinque|sei|sette|one|two|three|four|five|six|seven)\s+(?:giorni|days?)\s+"
    r"(?:dopo|after)\s+(?:di\s+)?(?:lui|lei|him|her|(?:del|della|her|his)\s+(?:marito|moglie|padre|madre|figlio|"
    r"figlia|husband|wife|father|mother|son|daughter))\b", re.I)


def _timeline_notes(records: list[CaseRecord], persons: list[str], owns: dict[str, list[str]],
                    words: dict[str, re.Pattern[str]], english: bool) -> None:
    """Each person's own clauses for the timeline, the relation opening them read as the patient ("Il marito da 6
    giorni presenta febbre" -> "Il paziente da 6 giorni ..."; the timeline takes a relation for someone else than the
    patient), and an onset told after another person's ("tre giorni dopo di lui") as the days it leaves before the
    common arrival (the other's 6 less 3: 3), where the other person's own clauses tell theirs. Our words, in
    ``extra[TIMELINE_NOTE]`` (never a note of the case)."""
    patient = "The patient" if english else "Il paziente"
    notes: dict[str, str] = {}
    for person in persons:
        opening = re.compile(r"^(?:(?:il|la|lo|l['’]|the|his|her|sua|suo)\s+)?(?:" + words[person].pattern + ")", re.I)
        lines = [patient + piece[m.end():] for piece in owns[person] if (m := opening.match(piece))]
        notes[person] = " ".join(line.rstrip(" ;,.") + "." for line in lines)
    gaps = {person: onset_gap(note) for person, note in notes.items() if note}
    for person in persons:
        after = next((m for piece in owns[person] if (m := _ONSET_AFTER_OTHER.search(piece))), None)
        others = [gap for other, gap in gaps.items() if other != person and gap is not None]
        if after is not None and gaps.get(person) is None and len(others) == 1:
            n = parse_int(after.group("n")) or 0
            if 0 < n < others[0][0]:
                days = others[0][0] - n
                # (the other's words are not repeated: the timeline would read them as this person's)
                notes[person] += (f" The patient's symptoms began {days} days before the admission." if english
                                  else f" Il paziente ha sintomi da {days} giorni.")
    for record, person in zip(records, persons):
        if notes[person].strip():
            record.extra[TIMELINE_NOTE] = notes[person].strip()


# "66-years-old": the age as non-native English writes it (``_AGE`` reads "66-year-old", "66 years old").
_AGE_PERSON = re.compile(_AGE.pattern + r"|\b\d{1,3}-years?-old\b", re.I)


def _person_record(page: SirmPostPage, whole: CaseRecord, blocks: Blocks, byline: list[str], own: list[str],
                   person: str, number: int, count: int) -> CaseRecord:
    record = page.record(blocks, byline=byline)
    age = next((m.group(0) for piece in own if (m := _AGE_PERSON.search(piece))), "")
    record.age_text = age or record.age_text
    relation = next((m.group(0) for piece in own if (m := re.search(rf"\b(?:{_ROLE_WORDS})\b", piece, re.I))), "")
    if relation and _ROLE_SEX.get(_role_key(relation)) and not record.sex_text:
        record.sex_text = relation
    record.warnings = [w for w in record.warnings if "couple's two ages" not in w]
    record.source_key = f"{whole.source_key}-p{number}"
    record.warnings.append(f"patient {number} of {count} ('{person}') split from post {whole.source_key}: "
                           "check the split")
    record.extra.update({"patient_number": number, "patients": count, "patient_label": person})
    return record


# A film of an earlier year told normal, shown beside the COVID-19 films ("Un RX torace eseguito a
# maggio 2019 per controllo preoperatorio era nella norma"; docs/site-notes.md §3.4.3: caso 13's 2019
# films are "No Finding" in the dataset).
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_NORMAL_IT = re.compile(
    r"\bnella\s+norma\b|\bnormal[ei]\b|\bnegativ[oa]\b|\bsenza\s+(?:alterazioni|reperti)\b|\bnon\s+"
    r"(?:mostrava|evidenziava|documentava)\s+(?:alterazioni|lesioni|reperti)\b|\bnormal\b|\bunremarkable\b", re.I)
_LESION_WORDS = re.compile(
    r"\b(?:opacit\w*|vetro\s+smerigliato|consolidaz\w*|addensament\w*|polmonite|ground[- ]glass|"
    r"consolidation\w*|infiltrat\w*|crazy\s+paving)\b", re.I)


def _earlier_normal_films(record: CaseRecord) -> list[CaseRecord]:
    """The films of ``record`` its words date to a year before the post's and call normal, each taken
    out into a case of its own (``<key>-n<k>``, No Finding, the patient's sex, no age: the age then is
    not told); the paragraph leaves the patient's findings, so its date is no moment of the illness."""
    year = int(record.published[:4]) if record.published[:4].isdigit() else None
    if year is None:
        return []

    def earlier_normal(image: ImageRecord) -> bool:
        # the whole text about the film is of that year and normal: one sentence naming the exam, an
        # earlier year and normal, and no sentence of lesions ("TC: vetro smerigliato ... Intervento
        # nel 2015, primo tampone negativo" is a COVID-19 film)
        sentences = re.split(r"(?<=[.;])\s+", image.caption)
        dated = [t for t in sentences if _MODALITY.search(t) and _NORMAL_IT.search(t)
                 and (years := [int(y) for y in _YEAR.findall(t)]) and max(years) < year]
        return bool(dated) and not _LESION_WORDS.search(image.caption)

    earlier = [i for i in record.images if earlier_normal(i)]
    if not earlier or len(earlier) == len(record.images):
        return []
    record.images = [i for i in record.images if i not in earlier]
    for position, image in enumerate(record.images):
        image.position = position
    record.findings = "\n".join(line for line in record.findings.split("\n")
                                if line not in {i.caption for i in earlier})
    cases = []
    for k, image in enumerate(earlier, start=1):
        image.position = 0
        cases.append(CaseRecord(**{
            **record.__dict__, "source_key": f"{record.source_key}-n{k}", "age_text": "",
            # the post's title is about the COVID-19 case, not about this earlier film
            "title": f"Earlier normal film {k} of SIRM case {record.extra.get('case_number') or ''}".rstrip(),
            "history": image.caption, "findings": image.caption, "diagnosis": "No Finding (normal earlier film)",
            "images": [image], "aliases": list(record.aliases),
            "warnings": [*record.warnings, f"earlier normal film {k} of {record.source_key}, split into its own "
                                           "case: check the split"],
            "extra": {**record.extra, "earlier_normal_film": k},
        }))
    return cases
