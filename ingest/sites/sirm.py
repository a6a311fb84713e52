"""SIRM's site facts (docs/site-notes.md §3): hosts, URL forms, case key (the post slug), dates, credit.

Natural key: the post slug (``covid-19-caso-40``), prefixed with the language directory for the
English mirror (``en/covid-19-case-5``) because the English posts are a separate numbering
sequence. The slug is the same on ``www.sirm.org``, ``sirm.org`` and ``archivio.sirm.org``, while
the case number alone is ambiguous between the two languages.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

SOURCE = "sirm"
CANONICAL_HOST = "www.sirm.org"
SIRM_HOSTS = {"www.sirm.org", "sirm.org", "archivio.sirm.org"}
#: The hosts that serve the COVID-19 category listing (the archive after the site moved).
LISTING_HOSTS = ("www.sirm.org", "archivio.sirm.org")
LISTING_PATH = "/category/senza-categoria/covid-19/"
ALLOWED_DOMAINS = ["sirm.org"]
#: SIRM states no licence (§3.5): its cases stay staged.
SITE_LICENSE = ""
#: Italian dates: day first.
DAY_FIRST: bool | None = True

POST_PATH = re.compile(r"^/(?:(?P<lang>en)/)?(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<slug>[^/?#]+)/?$")
IMAGE_EXT = re.compile(r"\.(?:jpe?g|png|gif|tiff?|bmp|webp)$", re.I)
#: A case post's slug in a path (dated permalink, or the undated one WordPress redirects to it).
SLUG_PATH = re.compile(r"^/(?:(en)/)?(?:\d{4}/\d{2}/\d{2}/)?(covid-19-(?:caso|case)-\d+)$", re.I)
#: WordPress's ``?name=<slug>`` query.
SLUG_QUERY = re.compile(r"(?:^|&)name=(covid-19-(?:caso|case)-\d+)(?:&|$)", re.I)


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
    if not path.endswith("/") and not IMAGE_EXT.search(path):
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
    m = POST_PATH.match(re.sub(r"/{2,}", "/", parts.path))
    if m:
        return f"{m['lang']}/{m['slug']}" if m["lang"] else m["slug"]
    name = re.search(r"(?:^|&)name=([^&]+)", parts.query)
    if name:
        return name.group(1)
    raise ValueError(f"not a SIRM post URL: {url!r}")


#: A label that opens the authors line and is no part of the credit ("A cura di", "Caso fornito da:",
#: "Credits:"): the curators' SIRM credits name the authors only (reference/metadata-sample.csv).
CREDIT_LABEL = re.compile(
    r"^(?:(?:caso|immagini)(?: clinico)? )?(?:a cura di|fornit[oe] da|per gentile concessione di)\b:?\s*"
    r"|^(?:credits?|autori|autore|authors?|courtesy of)\s*:\s*", re.I)


def sirm_credit(authors_line: str) -> str:
    """The dataset's credit for a SIRM post: ``Credit to `` and the post's authors line as shown,
    without a label that introduces the authors."""
    authors_line = CREDIT_LABEL.sub("", authors_line, count=1)
    return "Credit to " + authors_line if authors_line else ""
