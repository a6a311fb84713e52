"""Where an image comes from: date, location, license, DOI and canonical URL.

Context kwargs:
- ``normalize_date(text, day_first=None, source=None)``: slashed dates whose day and month are both
  12 or less are ambiguous; ``day_first=True`` (or ``source`` "sirm"/"eurorad"/"it") resolves them
  as European, ``day_first=False`` (or ``source`` "us") as American. Without it they stay blank.
  Dotted dates (``01.04.2020``, Eurorad) are always day first.
- ``normalize_license(text, source=None)``: ``source`` names the site when the text is a site's
  license statement (Radiopaedia states "CC BY-NC-SA" without a version in the dataset).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from ingest.sites import DAY_FIRST_SOURCES, eurorad, radiopaedia, sirm
from schema import DOI_RE, LICENSES

from .clinical import RT_PCR_VERSION
from .common import Normalized, blank, compile, found
from .time_words import MONTH, MONTHS

DATE_VERSION = 4  # v2: backfill: a film the timeline places on the admission's day has the dated admission's date
# v3: a Radiopaedia case whose address names COVID-19 is dated by its year, 2020, when its note dates nothing
# v4: backfill: a COVID-19 paper's figure is of 2020 when its identifier was issued in 2020 and its note dates nothing
LOCATION_VERSION = 1
LICENSE_VERSION = 1
DOI_VERSION = 2
URL_VERSION = 4  # v4: SciELO's "?lang=" chooses the article's text: kept

# --- Date ----------------------------------------------------------------------------------------

_YEAR = r"(?P<y>(?:19|20)\d{2})"
#: The date patterns and their rules, in the order ``normalize_date`` tries them (backfill dates a film with them).
DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"), "date.iso"),
    (compile(rf"\b{MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.IGNORECASE), "date.month-day-year"),
    (compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|°)?\s+(?:of\s+|de\s+)?{MONTH},?\s+(?:de\s+)?{_YEAR}\b",
             re.IGNORECASE), "date.day-month-year"),
    (compile(r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})\b"), "date.dotted"),
    (compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>(?:19|20)?\d{2})\b"), "date.slashed"),
    (compile(rf"\b{MONTH}\s+{_YEAR}\b", re.IGNORECASE), "date.month-year"),
    (compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})\b(?!-)"), "date.iso-month"),
    (compile(r"(?<![\d/.-])(?P<y>(?:19|20)\d{2})(?![\d/.-]|\s*(?:mg|ml|cases|patients))"), "date.year"),
)
#: The case sites whose dates put the day first (ingest/sites/), and language or country hints.
_DAY_FIRST_SOURCES = {*DAY_FIRST_SOURCES, "it", "es", "fr", "de", "eu", "hannover"}


def _iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    try:
        if d is not None:
            return date(y, m, d).isoformat()
        if m is not None:
            return date(y, m, 1).strftime("%Y-%m")
        return f"{y:04d}"
    except (TypeError, ValueError):
        return None


@lru_cache(maxsize=8192)
def normalize_date(text: str, day_first: bool | None = None, source: str | None = None, **_context) -> Normalized:
    """The first date of the text as ISO 8601 at the precision given (2020, 2020-03, 2020-03-16)."""
    if day_first is None and source:
        day_first = (True if source.lower() in _DAY_FIRST_SOURCES
                     else (False if source.lower() in ("us", "nejm") else None))
    best: tuple[int, Normalized] | None = None
    for pattern, rule in DATE_PATTERNS:
        for m in pattern.finditer(text):
            if best and m.start() >= best[0]:
                break
            groups = m.groupdict()
            y = int(groups["y"]) if groups.get("y") else None
            if y is not None and y < 100:
                y += 2000
            if rule == "date.slashed":
                a, b = int(groups["a"]), int(groups["b"])
                if a > 12 and b <= 12:
                    value, why = _iso(y, b, a), ""
                elif (b > 12 and a <= 12) or a == b:
                    value, why = _iso(y, a, b), ""
                elif day_first is None:
                    value, why = None, "day and month order of a slashed date is ambiguous"
                else:
                    value, why = (_iso(y, b, a) if day_first else _iso(y, a, b)), ""
                result = (found(value, text, m.start(), m.end(), rule, DATE_VERSION) if value
                          else blank(why or "not a date", text, m.start(), m.end(), rule, DATE_VERSION))
            else:
                month = (MONTHS[groups["mon"].lower()] if groups.get("mon")
                         else (int(groups["m"]) if groups.get("m") else None))
                d = int(groups["d"]) if groups.get("d") else None
                value = _iso(y, month, d)
                result = (found(value, text, m.start(), m.end(), rule, DATE_VERSION) if value
                          else blank("not a calendar date", text, m.start(), m.end(), rule, DATE_VERSION))
            if best is None or m.start() < best[0]:
                best = (m.start(), result)
            break
    return best[1] if best else Normalized(None)


# --- Location ------------------------------------------------------------------------------------

_COUNTRIES = {
    "italy": "Italy", "italia": "Italy", "spain": "Spain", "españa": "Spain", "spagna": "Spain", "france": "France",
    "francia": "France", "germany": "Germany", "germania": "Germany", "deutschland": "Germany",
    "united kingdom": "United Kingdom", "uk": "United Kingdom", "england": "United Kingdom",
    "scotland": "United Kingdom", "china": "China", "cina": "China", "taiwan": "Taiwan", "vietnam": "Vietnam",
    "usa": "USA", "united states": "USA", "u.s.a.": "USA", "canada": "Canada", "australia": "Australia",
    "korea": "South Korea", "south korea": "South Korea", "republic of korea": "South Korea", "japan": "Japan",
    "singapore": "Singapore", "iran": "Iran", "turkey": "Turkey", "india": "India", "brazil": "Brazil",
    "belgium": "Belgium", "netherlands": "Netherlands", "the netherlands": "Netherlands", "switzerland": "Switzerland",
    "austria": "Austria", "portugal": "Portugal", "greece": "Greece", "israel": "Israel", "egypt": "Egypt",
    "saudi arabia": "Saudi Arabia", "mexico": "Mexico", "argentina": "Argentina", "chile": "Chile", "peru": "Peru",
    "colombia": "Colombia", "pakistan": "Pakistan", "new zealand": "New Zealand", "ireland": "Ireland",
    "sweden": "Sweden", "norway": "Norway", "denmark": "Denmark", "finland": "Finland", "poland": "Poland",
    "hungary": "Hungary", "ukraine": "Ukraine", "russia": "Russia", "qatar": "Qatar", "lebanon": "Lebanon",
    "morocco": "Morocco", "algeria": "Algeria", "tunisia": "Tunisia", "south africa": "South Africa",
    "hong kong": "Hong Kong", "thailand": "Thailand", "malaysia": "Malaysia", "indonesia": "Indonesia",
    "philippines": "Philippines",
}
_COUNTRY_RE = compile(r"\b(" + "|".join(sorted((re.escape(c) for c in _COUNTRIES), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)
# Capitalized place segments before the country: "Melbourne, Australia", "Hospital X, Milan, Italy"
_PLACE_SEGMENT = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Z][\w'’.\-]*|di|de|del|della|of|and|the|am|an|der|la|le|&))*"
_PLACE_BEFORE = compile(rf"((?:{_PLACE_SEGMENT}\s*[,–-]\s*){{1,3}})$")
_NOT_PLACE = compile(r"\b(?:Dr|Prof|Director|Credit|Case|Courtesy|Department|Dept|Radiology|Radiopaedia|Figure|Image|"
                     r"Patient|Unit|UOC|ASST|Division)\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def normalize_location(text: str, **_context) -> Normalized:
    """"City, Country" (or "Hospital, City, Country") as written before a known country name.
    Several different countries leave it blank."""
    countries = {}
    for m in _COUNTRY_RE.finditer(text):
        if m.group(1) == "uk" or (m.group(1).isupper() is False and m.group(1).lower() in ("uk", "usa")):
            continue  # lower-case "uk"/"usa" are not the country abbreviations
        countries.setdefault(_COUNTRIES[m.group(1).lower()], m)
    if not countries:
        return Normalized(None)
    if len(countries) > 1:
        ms = sorted(countries.values(), key=lambda m: m.start())
        return blank("several countries in the text", text, ms[0].start(), ms[-1].end(), "location.country",
                     LOCATION_VERSION)
    country, m = next(iter(countries.items()))
    start = m.start()
    before = _PLACE_BEFORE.search(text[max(0, start - 120):start])
    if before:
        segments = [s.strip() for s in re.split(r"(?<!\s)\s*[,–]\s*", before.group(1)) if s.strip(" -")]
        segments = [s for s in segments if not _NOT_PLACE.search(s) and not re.search(r"\d", s)]
        if segments and len(segments[-1]) > 2:
            place = segments[-1]
            seg_start = text.rfind(place, 0, start)
            if seg_start >= 0 and text[seg_start + len(place):start].strip() in (",", "-", "–"):
                return found(f"{place}, {country}", text, seg_start, m.end(), "location.city-country",
                             LOCATION_VERSION)
    return found(country, text, m.start(), m.end(), "location.country", LOCATION_VERSION)


# --- License -------------------------------------------------------------------------------------

_CC_URL = compile(
    r"creativecommons\.org/(?:licenses|licences)/(?P<kind>by(?:-nc)?(?:-sa|-nd)?|by-nd-nc)(?:/(?P<ver>\d\.\d))?|creativecommons\.org/publicdomain/zero/(?P<zero>1\.0)",
    re.IGNORECASE,
)
_CC_TEXT = compile(
    r"\bCC[\s-]?(?P<kind>BY(?:[\s-]NC)?(?:[\s-](?:SA|ND))?|NC[\s-]BY[\s-]SA|BY[\s-]ND[\s-]NC|NC[\s-]SA)(?![\w-])(?:[\s-]*(?:v|version\s*)?(?P<ver>\d\.\d))?",
    re.IGNORECASE,
)
_CC_WORDS = compile(
    r"\bcreative\s+commons\s+(?:attribution|attribuzione)(?P<nc>[\s-]+non-?commercial)?(?P<sa>[\s-]+share-?alike)?(?P<nd>[\s-]+no-?deriv\w*)?"
    r"(?P<nc2>[\s-]+non-?commercial)?(?:\s+(?P<ver>\d\.\d))?(?:\s+(?:international|unported|generic))?(?:\s+(?:license|licence))?"
    r"(?:[\s,(]*(?:version\s*)(?P<ver2>\d\.\d))?",
    re.IGNORECASE,
)
_CC0 = compile(r"\bCC0\b(?:\s*(?P<ver>1\.0))?|\bpublic\s+domain\s+dedication", re.IGNORECASE)
_APACHE = compile(r"\bApache(?:\s+License)?,?\s*(?:Version\s*|v)?2(?:\.0)?\b", re.IGNORECASE)
_JATS_TYPE = compile(r"^(?:cc-?by(?:-nc)?(?:-sa|-nd)?)$", re.IGNORECASE)
_OPEN_ACCESS_ONLY = compile(r"^\s*(?:open[- ]access|free\s+access|free)\s*$", re.IGNORECASE)


def _cc(kind: str, version: str | None) -> str | None:
    parts = [p.upper() for p in re.split(r"[\s-]+", kind) if p]
    # "CC-NC-SA" and "NC-BY-SA" orderings seen in re-users' strings: rebuild the canonical order
    order = [p for p in ("BY", "NC", "SA", "ND") if p in parts]
    if "BY" not in order:
        order.insert(0, "BY")
    name = "CC " + "-".join(order) + (f" {version}" if version else "")
    return name if name in LICENSES else None


@lru_cache(maxsize=8192)
def normalize_license(text: str, source: str | None = None, **_context) -> Normalized:
    """Canonical license string from a license URL, a JATS ``license-type``/``ali:license_ref``,
    "CC BY-NC-SA 4.0" written out, or the Creative Commons name in words. URL path segments are
    matched whole, so ``by`` never matches inside ``by-nc-nd``."""
    stripped = text.strip()
    if _JATS_TYPE.match(stripped):
        value = _cc(stripped[2:].lstrip("-"), None)
        start = text.find(stripped)
        if value:
            return found(value, text, start, start + len(stripped), "license.jats-type", LICENSE_VERSION)
    for m in _CC_URL.finditer(text):
        value = "CC0 1.0" if m.group("zero") else _cc(m.group("kind"), m.group("ver"))
        if value:
            return found(value, text, m.start(), m.end(), "license.cc-url", LICENSE_VERSION)
    m = _CC0.search(text)
    if m:
        return found("CC0 1.0", text, m.start(), m.end(), "license.cc0", LICENSE_VERSION)
    for m in _CC_TEXT.finditer(text):
        value = _cc(m.group("kind"), m.group("ver"))
        if value:
            return found(value, text, m.start(), m.end(), "license.cc-text", LICENSE_VERSION)
    m = _CC_WORDS.search(text)
    if m:
        kind = ("BY" + ("-NC" if (m.group("nc") or m.group("nc2")) else "") + ("-SA" if m.group("sa") else "")
                + ("-ND" if m.group("nd") else ""))
        value = _cc(kind, m.group("ver") or m.group("ver2"))
        if value:
            return found(value, text, m.start(), m.end(), "license.cc-words", LICENSE_VERSION)
    m = _APACHE.search(text)
    if m:
        return found("Apache 2.0", text, m.start(), m.end(), "license.apache", LICENSE_VERSION)
    if _OPEN_ACCESS_ONLY.match(text):
        return blank("open or free access is not a license", text, 0, len(text), "license", LICENSE_VERSION)
    if re.search(r"©|copyright|all\s+rights\s+reserved", text, re.IGNORECASE):
        m = re.search(r"©|copyright|all\s+rights\s+reserved", text, re.IGNORECASE)
        return blank("a copyright notice is not an open license", text, m.start(), m.end(), "license", LICENSE_VERSION)
    return Normalized(None)


#: Licenses that cover a whole site, as the dataset records them (docs/site-notes.md and the dataset's
#: per-source license summary). Keyed by host; a path prefix narrows it.
SITE_LICENSES: tuple[tuple[str, str, str], ...] = (
    (radiopaedia.HOST, radiopaedia.CASE_PATH_PREFIX, radiopaedia.LICENSE_NAME),
    (eurorad.HOST.removeprefix("www."), eurorad.CASE_PATH_PREFIX, eurorad.LICENSE_NAME),
    ("github.com", "/ml-workgroup/covid-19-image-repository", "CC BY 3.0"),
    ("coronacases.org", "", "Apache 2.0"),
)


def _site_fact(url: str, table: tuple[tuple[str, str, str], ...], rule: str, version: int) -> Normalized:
    """The value ``table`` gives the site of ``url`` (host, path prefix), the host as evidence."""
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return Normalized(None)
    host = parts.netloc.lower().removeprefix("www.")
    for site, prefix, value in table:
        if host == site and parts.path.startswith(prefix):
            start = text.find(parts.netloc)
            return found(value, text, start, len(text), rule, version)
    return Normalized(None)


def license_for_url(url: str) -> Normalized:
    """The license a site states for all its cases, from a case URL."""
    return _site_fact(url, SITE_LICENSES, "license.site", LICENSE_VERSION)


#: Sources that are one institution's own image repository, so every image's location is known,
#: and national case collections, whose every case is from the country: SIRM's COVID-19 cases are
#: the Italian Society of Medical and Interventional Radiology's collection of cases from Italian
#: hospitals (its posts name the hospital rarely and inconsistently; the dataset records the country).
SITE_LOCATIONS: tuple[tuple[str, str, str], ...] = (
    ("github.com", "/ml-workgroup/covid-19-image-repository", "Hannover Medical School, Hannover, Germany"),
    ("sirm.org", "/", "Italy"),
    ("archivio.sirm.org", "/", "Italy"),
)


def location_for_url(url: str) -> Normalized:
    """The location of a single-institution source, from its URL."""
    return _site_fact(url, SITE_LOCATIONS, "location.site", LOCATION_VERSION)


# --- DOI -----------------------------------------------------------------------------------------

_DOI_IN_TEXT = compile(r"\b10\.\d{4,9}/[^\s\"'<>]+", re.IGNORECASE)


#: medRxiv's and bioRxiv's addresses append the version and the view to the DOI
#: (``/content/10.1101/2020.06.15.20131234v2.full.pdf``); the DOI names every version.
_PREPRINT_VERSION = compile(r"^(10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{6,8})(?:v\d{1,3})?"
                            r"(?:\.(?:full|abstract|article-info|article-metrics|supplementary-material)[\w.+-]*)?$",
                            re.IGNORECASE)


#: A medRxiv or bioRxiv view of one version (``.../10.1101/2020.05.21.20108123v1.full.pdf``, ``.full``,
#: ``.full.pdf+html``): its landing page is the address without the view (``.../2020.05.21.20108123v1``).
_PREPRINT_VIEW = compile(r"^(https?://(?:www\.)?(?:med|bio)rxiv\.org/content/10\.1101/(?:\d{4}\.\d{2}\.\d{2}\.)?\d{6,8}"
                         r"(?:v\d{1,3})?)\.full(?:\.pdf)?(?:\+html)?$", re.IGNORECASE)


def preprint_landing_page(url: str) -> str:
    """The landing page of a medRxiv/bioRxiv view address (its PDF, its full text), "" for any other address:
    the page curators write for a preprint, named by the address itself (no request)."""
    m = _PREPRINT_VIEW.match(url.strip())
    return m.group(1) if m else ""


@lru_cache(maxsize=8192)
def normalize_doi(text: str, **_context) -> Normalized:
    """A bare DOI (``10.x/...``) from a DOI, a doi.org link or a publisher URL containing one."""
    decoded = unquote(text)
    offset_map = decoded is text or decoded == text
    for m in _DOI_IN_TEXT.finditer(decoded):
        doi = m.group(0)
        doi = re.split(r"[?#&]|/(?:full|abstract|pdf|epdf|figures?)(?:/|$)|\.pdf$", doi)[0]
        doi = _PREPRINT_VERSION.sub(r"\1", doi.rstrip(".,;:)]}"))
        if "academic.oup.com" in decoded:
            # OUP article URLs append the article number after the DOI: /doi/10.1093/cid/ciaa199/5766408
            doi = re.sub(r"/\d{5,}$", "", doi)
        if not DOI_RE.fullmatch(doi):
            continue
        if offset_map:
            return found(doi, text, m.start(), m.start() + len(doi), "doi.pattern", DOI_VERSION)
        start = text.find(doi)
        if start >= 0:
            return found(doi, text, start, start + len(doi), "doi.pattern", DOI_VERSION)
        return Normalized(doi, m.group(0), -1, -1, "doi.url-decoded", DOI_VERSION)
    return Normalized(None)


# --- URL -----------------------------------------------------------------------------------------

_URL_IN_TEXT = compile(r"https?://[^\s\"'<>\]]+", re.IGNORECASE)


def _url_end(url: str) -> int:
    """The length of ``url`` without the punctuation of the prose around it: a final ".", ",", ";" and
    a ")" closing a parenthesis the URL never opened ("(see https://x.org/a)."); Elsevier's PIIs keep
    theirs ("/article/S0735-6757(21)00123-4/fulltext")."""
    end = len(url)
    while end and (url[end - 1] in ".,;" or (url[end - 1] == ")" and url.count(")", 0, end) > url.count("(", 0, end))):
        end -= 1
    return end
_TRACKING = compile(r"^(?:utm_\w+|lang|fbclid|gclid|mc_cid|mc_eid|ref|source|via|_ga|print|iframe|widget)$",
                    re.IGNORECASE)
#: Sites whose ``lang`` chooses the text of the article, not the language of the site around it: SciELO's
#: "?lang=pt" is the Portuguese full text, "?lang=en" another (the translation), at one address.
_LANG_CHOOSES_TEXT = compile(r"(?:^|\.)scielo\.", re.IGNORECASE)


@lru_cache(maxsize=8192)
def normalize_url(text: str, **_context) -> Normalized:
    """Canonical URL of the case page: https, no tracking or ``lang`` query, no fragment; one form
    per source (Radiopaedia ``/cases/<slug>``, Eurorad ``www.eurorad.org/case/<n>``, SIRM
    ``www.sirm.org/...``, DOIs as ``https://doi.org/<doi>``)."""
    m = _URL_IN_TEXT.search(text)
    if not m:
        stripped = text.strip()
        if re.match(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+/", stripped):
            m = re.search(re.escape(stripped), text)
            raw = "https://" + stripped
        else:
            return Normalized(None)
    else:
        raw = m.group(0)[:_url_end(m.group(0))]
    parts = urlsplit(raw)
    host = parts.netloc.lower()
    path = parts.path
    keep_lang = bool(_LANG_CHOOSES_TEXT.search(host))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k) or (keep_lang and k.lower() == "lang")]
    rule = "url.canonical"
    if host.removeprefix("www.") == radiopaedia.HOST:
        host = radiopaedia.HOST
        case = re.match(r"^/cases/([^/?#]+)", path)
        if case:
            path, query, rule = f"/cases/{case.group(1)}", [], "url.radiopaedia"
    elif host.removeprefix("www.") == eurorad.HOST.removeprefix("www."):
        host = eurorad.HOST
        case = re.match(r"^/case/(\d+)", path)
        if case:
            path, query, rule = f"/case/{case.group(1)}", [], "url.eurorad"
    elif host.removeprefix("www.") == sirm.CANONICAL_HOST.removeprefix("www."):
        host, rule = sirm.CANONICAL_HOST, "url.sirm"
    elif host in ("dx.doi.org", "doi.org", "www.doi.org"):
        host, rule = "doi.org", "url.doi"
    # The query as the site writes it, tracking keys left out: "?id=10.3346/jkms..." stays (not "%2F"),
    # and Medknow's ";"-separated "?issn=0970-2113;year=2020;..." is not re-encoded into one value.
    url = urlunsplit(("https", host, path, urlencode(query, safe="/:;=,@"), ""))
    start, end = (m.start(), m.start() + len(raw)) if m else (-1, -1)
    return Normalized(url, text[start:end] if start >= 0 else "", start, end, rule, URL_VERSION)


# --- Site and publisher constants: DOI <-> URL, date -----------------------------------------------

#: Single-institution repositories whose every image shares one DOI and one date (the dataset's
#: merge script writes them as constants). Keyed like SITE_LICENSES.
SITE_DOIS: tuple[tuple[str, str, str], ...] = (
    ("github.com", "/ml-workgroup/covid-19-image-repository", "10.6084/m9.figshare.12275009"),
)
#: Repositories of one modality only (the Hannover repository holds chest radiographs alone).
SITE_MODALITIES: tuple[tuple[str, str, str], ...] = (
    ("github.com", "/ml-workgroup/covid-19-image-repository", "X-ray"),
)
#: Repositories of COVID-19 patients' images that publish no test result: the diagnosis is the
#: repository's, the RT-PCR behind it is not told, which the dataset's RT-PCR rule writes "Unclear"
#: (a confirmed case without a PCR named). The Hannover repository's data.csv has no test column
#: (metadata-facts: its merged rows are "Unclear" or blank); coronacases.org's cases are COVID-19
#: CT volumes with a description of the scan alone.
SITE_RT_PCR: tuple[tuple[str, str, str], ...] = (
    ("github.com", "/ml-workgroup/covid-19-image-repository", "Unclear"),
    ("coronacases.org", "", "Unclear"),
)
SITE_DATES: tuple[tuple[str, str, str], ...] = (
    ("github.com", "/ml-workgroup/covid-19-image-repository", "2020"),
)
#: The case URL a DOI stands for when the DOI is the repository's own (inverse of SITE_DOIS).
DOI_SITES: dict[str, str] = {"10.6084/m9.figshare.12275009": "https://github.com/ml-workgroup/covid-19-image-repository"}
#: Journals whose article page is a fixed function of the DOI (DOI prefix -> URL template).
#: Only publishers with one page form per article: those with several (RSNA's /doi/ and
#: /doi/full/, Elsevier's PII pages) are not listed, so their URL stays blank.
DOI_URL_TEMPLATES: dict[str, str] = {
    "10.1056": "https://www.nejm.org/doi/full/{doi}",          # NEJM
    "10.3348": "https://www.kjronline.org/DOIx.php?id={doi}",  # Korean Journal of Radiology
    "10.3346": "https://www.jkms.org/DOIx.php?id={doi}",       # Journal of Korean Medical Science
    "10.1111": "https://onlinelibrary.wiley.com/doi/full/{doi}",  # Wiley
    "10.1002": "https://onlinelibrary.wiley.com/doi/full/{doi}",  # Wiley
    "10.2214": "https://www.ajronline.org/doi/full/{doi}",     # AJR
}
SITE_VERSION = 1


def modality_for_url(url: str) -> Normalized:
    """The modality of a repository that holds one modality only (from its URL)."""
    return _site_fact(url, SITE_MODALITIES, "modality.site", SITE_VERSION)


# Springer Nature's article pages are named by the DOI's suffix under the publisher's prefix
# 10.1038: nature.com/articles/s41379-020-0536-x is 10.1038/s41379-020-0536-x.
_NATURE_ARTICLE = compile(
    r"^https?://(?:www\.)?nature\.com/articles/([a-z]*\d[\w.-]*?)(?:\.pdf)?(?:/figures/\d+)?/?(?:[?#].*)?$",
    re.IGNORECASE)


def doi_for_url(url: str) -> Normalized:
    """The DOI of a repository whose images all share one, or of a publisher whose article URLs
    spell the DOI's suffix (from its URL)."""
    site = _site_fact(url, SITE_DOIS, "doi.site", SITE_VERSION)
    if site.value is not None:
        return site
    text = url.strip()
    m = _NATURE_ARTICLE.match(text)
    if m is None:
        return Normalized(None)
    doi = "10.1038/" + m.group(1)
    if not DOI_RE.fullmatch(doi):
        return Normalized(None)
    return found(doi, text, m.start(1), m.end(1), "doi.publisher-article-url", SITE_VERSION)


# A file named after its article's DOI, the "/" spelt out as file names cannot hold it
# ("10.1016-slash-j.chest.2020.04.024.png", "10.1016-slash-j.anl.2020.04.002-a.png": a panel's letter
# may follow).
_DOI_NAMED_FILE = compile(
    r"^(10\.\d{4,9})-slash-(\S+?)(?:[-_](?:fig(?:ure)?[-_]?\d{1,2}[a-h]?|[a-h]\d?))?(?:\.[a-z]{3,4})$", re.IGNORECASE)


def doi_for_filename(filename: str) -> Normalized:
    """The DOI a file's name spells ("10.1016-slash-j.chest.2020.04.024.png")."""
    text = filename.strip()
    m = _DOI_NAMED_FILE.match(text) if "-slash-" in text else None
    if m is None:
        return Normalized(None)
    doi = f"{m.group(1)}/{m.group(2)}"
    if not DOI_RE.fullmatch(doi) or "-slash-" in m.group(2):
        return Normalized(None)
    return found(doi, text, m.start(1), m.end(2), "doi.filename", DOI_VERSION)


def rt_pcr_for_url(url: str) -> Normalized:
    """The RT-PCR value of every patient of a COVID-19 repository that publishes no test result."""
    return _site_fact(url, SITE_RT_PCR, "rt_pcr.site", RT_PCR_VERSION)


def date_for_url(url: str) -> Normalized:
    """The date the dataset records for every image of a single-institution repository."""
    return _site_fact(url, SITE_DATES, "date.site", SITE_VERSION)


#: A case site whose images the dataset dates by the case's year (Radiopaedia shows no exam date; the
#: curators write the year its case was published, "2016", "2020", never a day), and a case address
#: naming COVID-19 ("/cases/covid-19-pneumonia-12", "/cases/covid-19-advanced"): the disease was named
#: in 2020, the year of every such case the dataset holds.
_COVID_CASE_ADDRESS = compile(
    r"^https?://(?:www\.)?radiopaedia\.org/cases/((?:[\w-]*-)?(?:covid-?19|sars-cov-?2|2019-ncov)(?:-[\w-]*)?)"
    r"(?:[/?#].*)?$", re.IGNORECASE)


def covid_case_year_for_url(url: str) -> Normalized:
    """The year ("2020") of a case-site image whose case address names COVID-19 (``_COVID_CASE_ADDRESS``),
    the address's slug as evidence; blank for any other address."""
    text = url.strip()
    m = _COVID_CASE_ADDRESS.match(text)
    if m is None:
        return Normalized(None)
    return found("2020", text, m.start(1), m.end(1), "date.covid-case-year", DATE_VERSION)


#: The year a paper's identifier was issued in, as publishers write it into their DOIs and PIIs (in an article's
#: address or a DOI): RSNA's "10.1148/radiol.2020200463", KJR's "10.3348/kjr.2020.0132", Springer Nature's
#: "s00270-020-02470-0" and "s41379-020-0536-x", Elsevier's "10.1016/j.radcr.2020.04.012" and its PII
#: "S0889159120306851" or "S0012-3692(20)30764-9" (The Lancet's "PIIS0140-6736(20)30566-3"),
#: medRxiv's and bioRxiv's "10.1101/2020.04.13.20063461".
_ISSUED_YEAR = compile(
    r"10\.1148/[a-z]+\.(20\d\d)\d{6}(?!\d)"
    r"|10\.3348/kjr\.(20\d\d)\.\d{4}(?!\d)"
    r"|(?:/|%2F)s\d{5}-(0\d\d)-\d{4,5}-[\dxX](?![\w-])"
    r"|10\.1016/j\.[a-z]+\.(20\d\d)\.\d\d\.\d{3}(?!\d)"
    r"|(?:(?<![\w-])|(?<=PII))S\d{7}[\dX](\d\d)\d{5}[\dX](?![\w-])"
    r"|(?:(?<![\w-])|(?<=PII))S\d{4}-\d{3}[\dX]\((\d\d)\)\d{5}-[\dX](?![\w-])"
    r"|10\.1101/(20\d\d)\.\d\d\.\d\d\.\d{6,8}",
    re.IGNORECASE)


def issued_year(text: str) -> Normalized:
    """The year the paper identifier in ``text`` (an address or a DOI) was issued in (``_ISSUED_YEAR``), as
    "2020", the identifier as evidence; blank when ``text`` holds none."""
    m = _ISSUED_YEAR.search(text)
    if m is None:
        return Normalized(None)
    group = next(i for i, g in enumerate(m.groups(), start=1) if g)
    digits = m.group(group)
    year = digits if len(digits) == 4 else str(2000 + int(digits[-2:]))
    return found(year, text, m.start(), m.end(), "date.issued-year", DATE_VERSION)


def url_for_doi(doi: str) -> Normalized:
    """The case or article URL of a DOI: the repository's own page, or the journal's article page
    for journals with one page form per DOI. Other DOIs give no URL (their page is not derivable)."""
    text = doi.strip()
    bare = normalize_doi(text)
    if bare.value is None:
        return Normalized(None)
    value = str(bare.value)
    start = text.find(value)
    end = start + len(value) if start >= 0 else -1
    site = DOI_SITES.get(value.lower())
    if site:
        return Normalized(site, value, start, end, "url.doi-site", SITE_VERSION)
    template = DOI_URL_TEMPLATES.get(value.split("/", 1)[0])
    if template:
        return Normalized(template.format(doi=value), value, start, end, "url.doi-publisher", SITE_VERSION)
    return Normalized(None)
