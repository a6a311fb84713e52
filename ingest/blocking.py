"""Recognise responses that are not the page asked for: bot gates, captchas, refusals.

``detect_block_page`` is pure: the spiders and the retry middleware call it on every response and
decide what to do with the reason (back off, stop the crawl, ask a human). A missing page (404,
410) is not a block: it is an answer, and the range/search logic handles it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = ["detect_block_page"]

# Statuses that mean "you, the client, are refused" rather than "the page is missing".
_REFUSAL_STATUSES = {401: "http-401", 403: "http-403", 406: "http-406", 429: "http-429", 451: "http-451"}

# Cloudflare's interstitial ("Just a moment...") and its managed challenge. Normal pages behind
# Cloudflare also load /cdn-cgi/challenge-platform/scripts/jsd/main.js and carry cf-ray and
# __cf_bm cookies, so those are *not* signals; only challenge-specific tokens are.
_CF_CHALLENGE_MARKERS = (
    "window._cf_chl_opt",
    "_cf_chl_opt",
    "cf-browser-verification",
    "cf_chl_prog",
    "/cdn-cgi/challenge-platform/h/",
    "checking your browser before accessing",
    "checking if the site connection is secure",
    "enable javascript and cookies to continue",
    "needs to review the security of your connection before proceeding",
)
_CF_BLOCK_MARKERS = (
    "attention required! | cloudflare",
    "sorry, you have been blocked",
    "cf-error-details",
    "used cloudflare to restrict access",
)
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)

_CAPTCHA_MARKERS = (
    "g-recaptcha",
    "www.google.com/recaptcha/",
    "www.recaptcha.net/recaptcha/",
    "hcaptcha.com/1/api.js",
    'class="h-captcha"',
    "challenges.cloudflare.com/turnstile",
    'class="cf-turnstile"',
    "please resolve the captcha",
    "please complete the captcha",
    "i'm not a robot",
)

# Eurorad's gate: a bare page titled exactly "eurorad.org" that verifies the browser (docs/site-notes.md §2.5.10).
_EURORAD_GATE_TEXT = "please wait while your request is being verified"

# Markup that only a real content page of each site has. A captcha widget on such a page (a
# newsletter or sign-up form) is not a gate.
_CONTENT_MARKERS = {
    "radiopaedia": ("header-title", "search-result", "case-study", "case-viewer-2022", "user-generated-content"),
    "eurorad": ("node-contents", "figure-gallery", "col-12 col-md-6 col-lg-4 mb-4"),
}

_MEDIA_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".dcm", ".mp4")


def _site(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("radiopaedia.org"):
        return "radiopaedia"
    if host.endswith("eurorad.org"):
        return "eurorad"
    return ""


def _header(headers: Mapping[str, Any] | None, name: str) -> str:
    if not headers:
        return ""
    for key, value in headers.items():
        key_text = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if key_text.lower() != name:
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return str(value).strip()
    return ""


def _text(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    return body


def _looks_like_content(site: str, lowered: str) -> bool:
    markers = _CONTENT_MARKERS.get(site, ())
    if any(marker in lowered for marker in markers):
        return True
    # Unknown sites: a long page is a real page that happens to embed a captcha widget somewhere.
    return not markers and len(lowered) > 50_000


def detect_block_page(status: int, headers: dict[str, str], body: bytes | str, url: str) -> str | None:
    """Return a short reason if the response is a bot gate, captcha or refusal; None if it is a page.

    Reasons: ``cloudflare-challenge``, ``cloudflare-block``, ``eurorad-bot-gate``, ``captcha``,
    ``http-401|403|406|429|451``, ``radiopaedia-stacks-not-json`` (the stacks endpoint answered
    with something that is not a JSON array), ``html-instead-of-media``, ``empty-body``.
    """
    if status in (404, 410):
        return None
    # Rate limiting first: whatever the body, the answer is "wait Retry-After".
    if status == 429:
        return "http-429"

    text = _text(body)
    lowered = text.lower()
    site = _site(url)
    title_match = _TITLE_RE.search(text[:20_000])
    title = " ".join(title_match.group(1).split()).lower() if title_match else ""

    if _header(headers, "cf-mitigated").lower() == "challenge":
        return "cloudflare-challenge"
    if title == "just a moment..." or any(marker in lowered for marker in _CF_CHALLENGE_MARKERS):
        return "cloudflare-challenge"
    if any(marker in lowered for marker in _CF_BLOCK_MARKERS):
        return "cloudflare-block"

    if site == "eurorad" and (_EURORAD_GATE_TEXT in lowered or title == "eurorad.org"):
        return "eurorad-bot-gate"

    if any(marker in lowered for marker in _CAPTCHA_MARKERS) and not _looks_like_content(site, lowered):
        return "captcha"

    if status in _REFUSAL_STATUSES:
        return _REFUSAL_STATUSES[status]
    if not 200 <= status < 300:
        # 5xx and redirects are Scrapy's business (retry, follow); they are not bot gates.
        return None

    path = urlsplit(url).path.lower()
    stripped = text.lstrip("\ufeff \t\r\n")
    if site == "radiopaedia" and re.fullmatch(r"/studies/\d+/stacks/?", path):
        # Site notes §1.4: the stacks endpoint answers a JSON array; anything else is a gate.
        return None if stripped.startswith("[") else "radiopaedia-stacks-not-json"

    content_type = _header(headers, "content-type").lower()
    is_media = content_type.startswith(("image/", "video/")) or path.endswith(_MEDIA_SUFFIXES)
    if is_media and stripped[:1] == "<" and re.match(r"<(!doctype|html|head|body|\?xml)", stripped[:64].lower()):
        return "html-instead-of-media"

    if not stripped:
        return "empty-body"
    return None
