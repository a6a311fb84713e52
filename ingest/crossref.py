"""Crossref REST API work JSON (``api.crossref.org/works/<doi>``) -> ``CrossrefWork``.

Licence choice (docs/site-notes.md §4.6): ``license[]`` may hold several entries. Only the version of
record (``vor``, or ``unspecified``) licenses the published article and its figures; an ``am``
licence covers the accepted manuscript only (often CC after an embargo), and ``tdm`` licences are
for text mining. Among vor entries the one in force wins: the latest ``start`` not after
``as_of`` (all of them when ``as_of`` is None).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.jats import normalize_license
from ingest.pages import ParseError

_VOR_VERSIONS = ("vor", "unspecified")


@dataclass
class CrossrefLicense:
    url: str
    content_version: str
    start: str  # ISO date
    delay_in_days: int | None
    name: str  # normalized short name, "" when not an open licence


@dataclass
class CrossrefWork:
    doi: str = ""
    title: str = ""
    journal: str = ""
    published: str = ""
    #: Short name of the version-of-record licence in force ("CC BY-NC-ND 4.0"), "" if none is open.
    license: str = ""
    license_url: str = ""
    pdf_urls: list[str] = field(default_factory=list)
    xml_urls: list[str] = field(default_factory=list)
    license_start: str = ""
    #: An accepted-manuscript licence, reported apart because it does not cover the publisher's version.
    am_license: str = ""
    am_license_url: str = ""
    licenses: list[CrossrefLicense] = field(default_factory=list)
    publisher: str = ""
    type: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _date_parts(value: Any) -> str:
    try:
        parts = [int(p) for p in value["date-parts"][0] if p is not None]
    except (KeyError, IndexError, TypeError, ValueError):
        return ""
    if not parts:
        return ""
    return "-".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:3]])


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    # Crossref titles may carry JATS/HTML inline tags and hard line breaks.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", str(value or ""))).strip()


def _delay(value: Any) -> int | None:
    # One client writes delay-in-days as "" (docs/site-notes.md §4.6).
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_crossref_work(json_text: str | bytes, as_of: date | str | None = None, url: str = "") -> CrossrefWork:
    try:
        data = json.loads(json_text)
    except (TypeError, ValueError) as exc:
        # Crossref answers an unknown DOI with the plain text "Resource not found."
        raise ParseError(url or "crossref", f"Crossref JSON ({str(json_text)[:40]!r})") from exc
    if isinstance(data, dict) and "message" in data:
        if data.get("status") not in (None, "ok") or data.get("message-type") not in (None, "work"):
            raise ParseError(url or "crossref", f"a work message (got {data.get('message-type')!r})")
        message = data["message"]
    else:
        message = data
    if not isinstance(message, dict) or "DOI" not in message:
        raise ParseError(url or "crossref", "message.DOI")

    licenses = [
        CrossrefLicense(url=str(item.get("URL", "")).strip(),
                        content_version=str(item.get("content-version", "unspecified")).lower(),
                        start=_date_parts(item.get("start", {})), delay_in_days=_delay(item.get("delay-in-days")),
                        name=normalize_license(str(item.get("URL", ""))))
        for item in message.get("license", []) or []
    ]
    limit = as_of.isoformat() if isinstance(as_of, date) else (as_of or "")

    def in_force(lic: CrossrefLicense) -> bool:
        return not limit or not lic.start or lic.start <= limit

    vor = sorted((lic for lic in licenses if lic.content_version in _VOR_VERSIONS and in_force(lic)),
                 key=lambda lic: (lic.content_version == "vor", lic.start))
    am = sorted((lic for lic in licenses if lic.content_version == "am" and in_force(lic)), key=lambda lic: lic.start)
    chosen = vor[-1] if vor else None

    pdf_urls: list[str] = []
    xml_urls: list[str] = []
    for link in message.get("link", []) or []:
        href = str(link.get("URL", "")).strip()
        kind = str(link.get("content-type", "")).lower()
        if not href:
            continue
        if kind == "application/pdf" or (kind in ("unspecified", "") and re.search(r"\.pdf(?:$|\?)", href, re.I)):
            if href not in pdf_urls:
                pdf_urls.append(href)
        elif kind in ("text/xml", "application/xml", "application/jats+xml") and href not in xml_urls:
            xml_urls.append(href)

    published = ""
    for key in ("published-online", "published-print", "published", "issued"):
        published = _date_parts(message.get(key, {}))
        if published:
            break
    return CrossrefWork(
        doi=str(message["DOI"]).lower(), title=_text(message.get("title")),
        journal=_text(message.get("container-title")), published=published,
        license=chosen.name if chosen else "", license_url=chosen.url if chosen else "",
        license_start=chosen.start if chosen else "",
        am_license=am[-1].name if am else "", am_license_url=am[-1].url if am else "",
        pdf_urls=pdf_urls, xml_urls=xml_urls, licenses=licenses,
        publisher=str(message.get("publisher", "")), type=str(message.get("type", "")),
    )
