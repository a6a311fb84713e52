"""detect_block_page on the failure-page fixtures of both sites and on their real pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.blocking import detect_block_page

FIXTURES = Path(__file__).parent / "fixtures"
FAILURE_PAGES = [
    ("radiopaedia", name) for name in ("cloudflare_challenge", "cloudflare_block", "search_captcha", "404", "429")
] + [("eurorad", name) for name in ("bot_gate", "bot_gate_bare", "search_captcha", "404", "429")]
CONTENT_PAGES = [
    ("radiopaedia", "case_classic", "https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=us"),
    ("radiopaedia", "case_2022", "https://radiopaedia.org/cases/covid-19-pneumonia-12?lang=us"),
    ("radiopaedia", "search_p1", "https://radiopaedia.org/search?lang=us&page=1&q=COVID&scope=cases"),
    ("radiopaedia", "study_viewer", "https://radiopaedia.org/cases/75037/studies/86629?lang=us"),
    ("eurorad", "case_16672_like", "https://www.eurorad.org/case/16672"),
    ("eurorad", "case_minimal", "https://www.eurorad.org/case/16754"),
    ("eurorad", "search_page0", "https://www.eurorad.org/advanced-search?search=COVID&page=0"),
]
HTML = {"Content-Type": "text/html; charset=utf-8"}


def body(site: str, name: str) -> bytes:
    return (FIXTURES / site / f"{name}.html").read_bytes()


@pytest.mark.parametrize("site, name", FAILURE_PAGES)
def test_failure_page_reason(site, name):
    exp = json.loads((FIXTURES / site / f"{name}.expected.json").read_text())
    assert detect_block_page(exp["status"], exp["headers"], body(site, name), exp["url"]) == exp["block_reason"]


@pytest.mark.parametrize("site, name, url", CONTENT_PAGES)
def test_content_page_is_not_blocked(site, name, url):
    assert detect_block_page(200, HTML, body(site, name), url) is None


@pytest.mark.parametrize("site, name, url", CONTENT_PAGES)
def test_content_page_as_str_is_not_blocked(site, name, url):
    assert detect_block_page(200, HTML, body(site, name).decode("utf-8"), url) is None


def test_cloudflare_challenge_served_with_200_is_still_a_challenge():
    assert detect_block_page(200, HTML, body("radiopaedia", "cloudflare_challenge"),
                             "https://radiopaedia.org/cases/x") == "cloudflare-challenge"


def test_cloudflare_challenge_header_alone():
    headers = {"cf-mitigated": "challenge", "server": "cloudflare"}
    assert detect_block_page(403, headers, b"", "https://radiopaedia.org/cases/x") == "cloudflare-challenge"


def test_header_names_are_case_insensitive_and_may_be_bytes_lists():
    headers = {b"CF-Mitigated": [b"challenge"]}
    assert detect_block_page(403, headers, b"", "https://radiopaedia.org/cases/x") == "cloudflare-challenge"


def test_cloudflare_server_header_on_a_real_page_is_not_a_block():
    headers = {**HTML, "Server": "cloudflare", "CF-RAY": "8c1f2e3d4b5a6978-FRA", "Set-Cookie": "__cf_bm=abc; path=/"}
    assert detect_block_page(200, headers, body("radiopaedia", "case_classic"),
                             "https://radiopaedia.org/cases/covid-19-pneumonia-15") is None


def test_cloudflare_challenge_on_stacks_json_endpoint():
    url = "https://radiopaedia.org/studies/86625/stacks?lang=us"
    assert detect_block_page(200, HTML, body("radiopaedia", "cloudflare_challenge"), url) == "cloudflare-challenge"


def test_stacks_endpoint_html_without_challenge_markers():
    url = "https://radiopaedia.org/studies/86625/stacks?lang=us"
    assert detect_block_page(200, HTML, body("radiopaedia", "404"), url) == "radiopaedia-stacks-not-json"


def test_stacks_json_is_not_blocked():
    url = "https://radiopaedia.org/studies/86625/stacks?lang=us"
    payload = (FIXTURES / "radiopaedia" / "stacks_86625.json").read_bytes()
    assert detect_block_page(200, {"Content-Type": "application/json"}, payload, url) is None


@pytest.mark.parametrize("status, reason", [(401, "http-401"), (403, "http-403"), (406, "http-406"), (429, "http-429"),
                                            (451, "http-451")])
def test_refusal_statuses(status, reason):
    assert detect_block_page(status, HTML, b"<html><body>Not acceptable</body></html>",
                             "https://radiopaedia.org/cases/x") == reason


@pytest.mark.parametrize("status", [404, 410, 500, 502, 503, 301])
def test_missing_pages_and_server_errors_are_not_blocks(status):
    assert detect_block_page(status, HTML, body("eurorad", "404"), "https://www.eurorad.org/case/16999") is None


def test_429_wins_over_cloudflare_markup():
    assert detect_block_page(429, {"Retry-After": "10"}, body("radiopaedia", "cloudflare_challenge"),
                             "https://radiopaedia.org/cases/x") == "http-429"


def test_eurorad_gate_title_only_on_eurorad():
    gate = body("eurorad", "bot_gate_bare")
    assert detect_block_page(200, HTML, gate, "https://www.eurorad.org/case/1") == "eurorad-bot-gate"
    assert detect_block_page(200, HTML, gate, "https://example.org/") is None


def test_eurorad_case_page_title_is_not_the_gate_title():
    page = body("eurorad", "case_16672_like")
    assert b"<title>eurorad.org</title>" not in page
    assert detect_block_page(200, HTML, page, "https://www.eurorad.org/case/16672") is None


def test_captcha_widget_on_a_content_page_is_not_a_gate():
    page = body("eurorad", "case_minimal").replace(b"</body>",
                                                   b'<div class="g-recaptcha" data-sitekey="x"></div></body>')
    assert detect_block_page(200, HTML, page, "https://www.eurorad.org/case/16754") is None


@pytest.mark.parametrize("marker", [b'<div class="g-recaptcha"></div>', b'<script src="https://www.google.com/recaptcha/api.js"></script>',
                                    b'<div class="cf-turnstile"></div>', b'<script src="https://hcaptcha.com/1/api.js"></script>'])
def test_generic_captcha_pages(marker):
    page = b"<html><head><title>Verify</title></head><body>" + marker + b"</body></html>"
    assert detect_block_page(200, HTML, page, "https://pmc.ncbi.nlm.nih.gov/articles/PMC7190522/") == "captcha"


def test_html_served_for_an_image():
    url = "https://prod-images-static.radiopaedia.org/images/52431099/abc.PNG"
    assert detect_block_page(200, {"Content-Type": "image/png"}, body("radiopaedia", "404"),
                             url) == "html-instead-of-media"


def test_real_image_bytes_are_not_blocked():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    assert detect_block_page(200, {"Content-Type": "image/png"}, png,
                             "https://www.eurorad.org/sites/default/files/a.png") is None


def test_empty_body():
    assert detect_block_page(200, HTML, b"  \n", "https://www.eurorad.org/case/16672") == "empty-body"
