"""Radiopaedia's site facts (docs/site-notes.md §1): address, URL forms, case key, licence, credit."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

SOURCE = "radiopaedia"
SITE = "https://radiopaedia.org"
HOST = "radiopaedia.org"
#: Scrapy's OffsiteMiddleware: the site's pages and its image CDN (prod-images-static.).
ALLOWED_DOMAINS = ["radiopaedia.org"]
#: The site-wide licence statement (docs/site-notes.md §1.7), used when the page itself names none.
SITE_LICENSE = (
    "Modified Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported (CC BY-NC-SA 3.0); "
    "attribution: contributor, Radiopaedia.org and rID (https://radiopaedia.org/licence)"
)
#: The licence as the dataset's ``license`` column names it, for any ``/cases/`` URL.
LICENSE_NAME = "CC BY-NC-SA"
CASE_PATH_PREFIX = "/cases/"
#: Dates are written "18th Aug 2019": no slashed dates whose order would need deciding.
DAY_FIRST: bool | None = None
PUBLISHED_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d")

#: The case key, the rID: as written in the courtesy line ("rID: 75037").
RID_IN_TEXT = re.compile(r"\brID[:\s-]*(\d{2,})", re.I)
#: A reference that is an rID alone (``75037``, ``rID-75037``, ``rID: 75037``).
RID_REFERENCE = re.compile(r"(?:rID[-:\s]*)?(\d+)", re.I)
#: The case DOI names the rID.
CASE_DOI = re.compile(r"10\.53347/rID-(\d+)", re.I)
#: The credit line of re-users (and of the dataset's other_notes): "..., Radiopaedia.org, rID: 75037".
CREDIT_RID = re.compile(r"Radiopaedia\.org,?\s*rID:?\s*(\d+)", re.I)
#: The courtesy line a case page shows: "Case courtesy of <contributor>, Radiopaedia.org".
COURTESY = re.compile(r"Case courtesy of\s+(.+?),\s*Radiopaedia\.org", re.I | re.S)


def canonical_radiopaedia_url(url: str) -> str:
    """``https://radiopaedia.org/<path>`` without query (``?lang=us``), fragment or trailing slash.

    Any host (www., a local mirror) maps to the real one, so the record keeps the public URL.
    """
    parts = urlsplit(urljoin(SITE + "/", url.strip()))
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    return urlunsplit(("https", HOST, path, "", ""))


def is_case_url(canonical_url: str) -> bool:
    """A canonical URL that is a case page (``/cases/<slug or rID>``)."""
    return bool(re.fullmatch(r"https://radiopaedia\.org/cases/[^/]+", canonical_url))


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
        doi = CASE_DOI.search(value)
        if doi:
            return canonical_radiopaedia_url("/cases/" + doi.group(1))
        raise ValueError(f"not a Radiopaedia case URL: {value!r}")
    rid = re.fullmatch(r"(?:rID[-: ]?)?(\d+)", value, re.I)
    return canonical_radiopaedia_url("/cases/" + (rid.group(1) if rid else value))


def radiopaedia_credit(authors: str, rid: str) -> str:
    """The credit line re-users write when the page shows none (notes §1.4)."""
    return f"Case courtesy of {authors}, Radiopaedia.org, rID: {rid}" if authors else f"Radiopaedia.org, rID: {rid}"


def radiopaedia_stacks_url(study_id: str | int) -> str:
    """Path-absolute URL of a study's stacks JSON; ``?lang=us`` as the site's own links carry it."""
    return f"/studies/{int(str(study_id).strip())}/stacks?lang=us"


def radiopaedia_search_url(query: str, page: int = 1) -> str:
    """Search URL (``page`` is 1-based on Radiopaedia, docs/site-notes.md §1.2)."""
    if page < 1:
        raise ValueError("Radiopaedia search pages start at 1")
    return f"{SITE}/search?" + urlencode({"lang": "us", "page": page, "q": query, "scope": "cases"})
