"""Every HTML fixture page of every source through every HTML parser: the same records as before.

``tests/fixtures/parsers-golden.json`` holds what the parsers returned (records as plain data, or
the exception raised) when they were built on BeautifulSoup and a hand-written emulation of it,
generated once from that code. The page objects on parsel that replaced them must give the same
records, field by field and in the same key order. Each parser also reads the pages of the other
sources and a few altered pages (no licence link, no sections), so the fallbacks are compared too.

Regenerate only on purpose (a parser meant to change its output):
``.venv/bin/python -m tests.test_parsers_golden --write``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ingest.eurorad import parse_eurorad_case, parse_eurorad_search
from ingest.publisher import parse_article_html
from ingest.radiopaedia import parse_radiopaedia_case, parse_radiopaedia_search, parse_radiopaedia_study_viewer
from ingest.sirm import parse_sirm_listing, parse_sirm_post, parse_sirm_posts

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = FIXTURES / "parsers-golden.json"
SOURCES = ("radiopaedia", "eurorad", "sirm", "publications")
#: The URL a page is parsed under when its source's urls.json does not name it.
DEFAULT_URLS = {
    "radiopaedia": "https://radiopaedia.org/cases/covid-19-pneumonia-12",
    "eurorad": "https://www.eurorad.org/case/16672",
    "sirm": "https://www.sirm.org/2020/03/30/covid-19-caso-101/",
    "publications": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7251234/",
}
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "radiopaedia_case": parse_radiopaedia_case,
    "radiopaedia_search": parse_radiopaedia_search,
    "radiopaedia_study_viewer": parse_radiopaedia_study_viewer,
    "eurorad_case": parse_eurorad_case,
    "eurorad_search": parse_eurorad_search,
    "sirm_listing": parse_sirm_listing,
    "sirm_post": parse_sirm_post,
    "sirm_posts": parse_sirm_posts,
    "article_html": parse_article_html,
}
_TEMPLATE = ('<template><div class="figure-gallery__item"><img src="/t.jpg"></div>'
             '<figure class="fig"><img src="t.png"><figcaption>Figure 9</figcaption></figure>'
             '<p class="color-grey">9 years, male</p>'
             '<div class="entry-content"><p>Paziente di 9 anni</p></div><h1 class="header-title">T</h1></template>')
#: Altered copies of some pages, so the parsers' fallbacks are exercised as well.
VARIANTS: dict[str, Callable[[str], str]] = {
    "no-licence-link": lambda html: html.replace("creativecommons.org/licenses", "example.org/licenses"),
    "no-ids": lambda html: html.replace('id="', 'data-gone="'),
    "no-classes": lambda html: html.replace('class="', 'data-gone="'),
    # <template> contents are not part of the page for CSS, yet BeautifulSoup's find_all enters them
    "template": lambda html: re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + _TEMPLATE, html, count=1),
    # comments, ruby text and scripts inside the text: which strings each parser reads
    "inline-noise": lambda html: html.replace("<p>", "<p><!-- note --><rt>r</rt> ").replace(
        "</p>", "<script>var x = 1;</script></p>"),
    # a licence link inside the authors' affiliation markers, bold panel letters in captions
    "markers": lambda html: html.replace("<sup>1</sup>", '<sup>1<a href="https://creativecommons.org/licenses/by/4.0/">'
                                         "CC BY</a></sup>").replace("(A)", "<b>A</b>").replace(
        "(B)", "<strong>(B)</strong>"),
}


def _page_urls(source: str) -> dict[str, str]:
    urls = json.loads((FIXTURES / source / "urls.json").read_text(encoding="utf-8"))
    by_file: dict[str, str] = {}
    for url, spec in urls.items():
        by_file.setdefault(spec["file"], url)
    return by_file


def pages() -> list[tuple[str, str, str]]:
    """(page id, html, url) of every HTML fixture of every source, and the altered copies."""
    found = []
    for source in SOURCES:
        urls = _page_urls(source)
        for path in sorted((FIXTURES / source).glob("*.html")):
            html = path.read_text(encoding="utf-8")
            url = urls.get(path.name, DEFAULT_URLS[source])
            found.append((f"{source}/{path.name}", html, url))
            for variant, alter in VARIANTS.items():
                if alter(html) != html:
                    found.append((f"{source}/{path.name}#{variant}", alter(html), url))
    return found


def _data(value: Any) -> Any:
    """Dataclasses as dicts in field order, recursively, without the crawl-only fields a parser leaves
    at their defaults (records.CRAWL_ONLY: the pipelines' work, added after the golden file was made;
    one a parser did fill would stay and fail the comparison)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _data(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not (f.metadata.get("crawl_only") and getattr(value, f.name) == _default(f))}
    if isinstance(value, (list, tuple)):
        return type(value)(_data(item) for item in value)
    if isinstance(value, dict):
        return {key: _data(item) for key, item in value.items()}
    return value


def _default(f: dataclasses.Field) -> Any:
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def plain(value: Any) -> Any:
    """Records as JSON data (dataclasses as dicts, keys in field order); JSON round-trip included."""
    return json.loads(json.dumps(_data(value), ensure_ascii=False, default=repr))


def outcome(parser: Callable[[str, str], Any], html: str, url: str) -> Any:
    try:
        return {"returned": plain(parser(html, url))}
    except Exception as exc:  # noqa: BLE001 - the exception is part of the behaviour compared
        return {"raised": type(exc).__name__, "message": str(exc)}


def outcomes() -> dict[str, Any]:
    return {f"{page}::{name}": outcome(parser, html, url)
            for page, html, url in pages() for name, parser in PARSERS.items()}


GOLDEN_OUTCOMES: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
PAGES = {page: (html, url) for page, html, url in pages()}


def test_the_golden_file_covers_every_page_and_parser():
    assert sorted(GOLDEN_OUTCOMES) == sorted(f"{page}::{name}" for page in PAGES for name in PARSERS)


@pytest.mark.parametrize("key", sorted(GOLDEN_OUTCOMES))
def test_same_outcome_as_before(key):
    page, name = key.split("::")
    html, url = PAGES[page]
    expected = GOLDEN_OUTCOMES[key]
    got = outcome(PARSERS[name], html, url)
    assert got.keys() == expected.keys()
    if "raised" in expected:
        assert got == expected
        return
    got, expected = got["returned"], expected["returned"]
    records = list(zip(got, expected)) if isinstance(expected, list) and isinstance(got, list) else [(got, expected)]
    for got_record, expected_record in records:  # field by field: a readable failure
        if isinstance(expected_record, dict) and isinstance(got_record, dict):
            assert list(got_record) == list(expected_record)
            for field_name in expected_record:
                assert (field_name, got_record[field_name]) == (field_name, expected_record[field_name])
    # and the whole, key order included
    assert json.dumps(got, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_parsers_golden --write")
    GOLDEN.write_text(json.dumps(outcomes(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
