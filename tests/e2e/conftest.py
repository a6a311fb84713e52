"""End-to-end helpers: a fixture mirror per test, crawls as real processes, the staged database as plain rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.mirror import Mirror

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
#: Politeness off for tests (the defaults keep a second between requests).
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "LOG_LEVEL=INFO"]


@pytest.fixture
def mirror_of():
    mirrors: list[Mirror] = []

    def start(*sites: str) -> Mirror:
        mirror = Mirror(list(sites))
        mirror.start()
        mirrors.append(mirror)
        return mirror

    yield start
    for mirror in mirrors:
        mirror.stop()


@pytest.fixture
def crawl(scrapy_cmd):
    """``crawl(spider, mirror, cases=..., settings={...})``: a real ``scrapy crawl`` against the mirror."""

    def run(spider: str, mirror: Mirror, *, check: bool = True, settings: dict | None = None, **arguments: str):
        argv = ["crawl", spider, "-a", f"base_url={mirror.base_url}", *FAST]
        for name, value in arguments.items():
            argv += ["-a", f"{name}={value}"]
        for name, value in (settings or {}).items():
            argv += ["-s", f"{name}={value}"]
        return scrapy_cmd(*argv, check=check)

    return run


def rows(db_url: str, sql: str) -> list[tuple]:
    """The rows of ``sql`` with JSON columns as their text, on either backend (SQLite hands JSON
    back as text, psycopg parses it)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return [tuple(json.dumps(v) if isinstance(v, (dict, list)) else v for v in r)
                    for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def snapshot(db_url: str) -> dict[str, list[tuple]]:
    """What a crawl staged, without ids and timestamps: equal snapshots mean equal databases."""
    return {
        "cases": rows(db_url, "select source, source_key, canonical_url, doi, title, license, authors, age_text, "
                              "sex_text, history, findings, discussion, review_state, warnings, extra, content_sha256 "
                              "from cases order by source, source_key"),
        "images": rows(db_url, "select c.source_key, i.source_url, i.label, i.position, i.sha256, i.format, i.width, "
                               "i.height, i.media_path, i.included, i.provenance from images i "
                               "join cases c on c.id = i.case_id order by c.source_key, i.position, i.source_url"),
        "fields": rows(db_url, "select c.source_key, i.position, f.field, f.raw, f.value, f.rule, f.rule_version, "
                               "f.evidence from field_values f join cases c on c.id = f.case_id "
                               "left join images i on i.id = f.image_id order by c.source_key, i.position, f.field"),
        "documents": rows(db_url, "select url, status, sha256, etag, body_path from fetched_documents order by url"),
    }


def staged_content(db_url: str) -> dict[str, list[tuple]]:
    """The snapshot less each case's ``search_query``: the search that listed a case first, which
    depends on which search page answered first (in one process as across workers), by design."""
    content = snapshot(db_url)
    extra_at = 14  # cases: ..., review_state, warnings, extra, content_sha256
    content["cases"] = [(*row[:extra_at],
                         json.dumps({k: v for k, v in json.loads(row[extra_at]).items() if k != "search_query"},
                                    sort_keys=True),
                         *row[extra_at + 1:]) for row in content["cases"]]
    return content


def expected(site: str, name: str) -> dict:
    return json.loads((FIXTURES / site / f"{name}.expected.json").read_text(encoding="utf-8"))
