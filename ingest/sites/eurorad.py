"""Eurorad's site facts (docs/site-notes.md §2): address, URL forms, case key, licence, dates, credit."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

SOURCE = "eurorad"
SITE = "https://www.eurorad.org"
HOST = "www.eurorad.org"
ALLOWED_DOMAINS = ["eurorad.org"]
#: Site-wide licence of Eurorad cases (docs/site-notes.md §2.6), used when the page states none.
SITE_LICENSE = "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International (CC BY-NC-SA 4.0)"
#: The licence as the dataset's ``license`` column names it, for any ``/case/`` URL.
LICENSE_NAME = "CC BY-NC-SA 4.0"
CASE_PATH_PREFIX = "/case/"
#: "Published on 27.03.2020": day first (§2.5.2).
DAY_FIRST: bool | None = True
PUBLISHED_FORMAT = "%d.%m.%Y"

#: The case key, the case number, in a case page path.
CASE_PATH = re.compile(r"/case/(\d+)")
#: The paths that name a case (``/case/<n>``, ``/teaching-case/<n>``).
CASE_OR_TEACHING_PATH = re.compile(r"/(?:teaching-)?case/(\d+)(?:/|$)")
#: A reference that is a case number alone (``16672``, ``CASE 16672``).
CASE_NUMBER_REFERENCE = re.compile(r"(?:case\s*)?(\d+)", re.I)
#: The case DOI names the case number.
CASE_DOI = re.compile(r"10\.35100/eurorad/case\.(\d+)", re.I)
#: Any Eurorad DOI as written in a page.
DOI_IN_TEXT = re.compile(r"10\.35100/eurorad/[^\s\"'<>]+")


def canonical_eurorad_url(url: str) -> str:
    """``https://www.eurorad.org/case/<n>`` for any case URL (``/teaching-case``, query, mirror host)."""
    parts = urlsplit(urljoin(SITE + "/", url.strip()))
    match = CASE_PATH.search(parts.path)
    if match:
        return f"{SITE}/case/{int(match.group(1))}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", HOST, path, "", ""))


def is_case_url(canonical_url: str) -> bool:
    return "/case/" in canonical_url


def eurorad_case_url(number_or_url: str | int) -> str:
    """Case URL from a case number (``16672``, ``"CASE 16672"``) or any case URL."""
    value = str(number_or_url).strip()
    match = re.fullmatch(r"(?:case\s*)?(\d+)", value, re.I)
    if match:
        return f"{SITE}/case/{int(match.group(1))}"
    if CASE_PATH.search(value):
        return canonical_eurorad_url(value)
    raise ValueError(f"not a Eurorad case number or URL: {value!r}")


def eurorad_search_url(query: str, page: int = 0) -> str:
    """Advanced-search URL, newest first; ``page`` is 0-based (docs/site-notes.md §2.1)."""
    if page < 0:
        raise ValueError("Eurorad search pages start at 0")
    params = {"search": query, "sort_by": "published_at", "sort_order": "DESC", "page": page}
    return f"{SITE}/advanced-search?" + urlencode(params)


def eurorad_credit(authors_line: str) -> str:
    """The dataset's credit for a Eurorad case: ``Credit to `` and the authors line as shown."""
    return f"Credit to {authors_line}" if authors_line else ""
