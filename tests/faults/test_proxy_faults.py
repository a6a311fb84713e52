"""Crawls through the fault-injecting proxy (tests/faults/proxy.py): truncated bodies are fetched again
and never staged as facts; every case that fails is counted in the summary with why; a latin-1
page without a declared charset is read right."""

from __future__ import annotations

import hashlib
import re
import urllib.request

import pytest

from tests.databases import new_database
from tests.faults.conftest import crawl_argv, rows

pytestmark = pytest.mark.e2e

CASE = "16754"
PAGE = f"https://www.eurorad.org/case/{CASE}"
IMAGE = ("https://www.eurorad.org/sites/default/files/styles/figure_image/public/figure_image/2020-04/0000016754/"
         "000001.jpg?itok=aB3cD4eF")
IMAGE_PATH = IMAGE.split("eurorad.org", 1)[1]
#: Retries and timeouts short enough for a test; Scrapy's RETRY_TIMES (2) kept.
QUICK = ["-s", "DOWNLOAD_TIMEOUT=3"]


def staged(db: str) -> list[tuple]:
    return rows(db, "select c.source_key, i.label, i.sha256 from cases c join images i on i.case_id = c.id "
                    "order by i.position")


def failed_row(stderr: str) -> tuple[int, str]:
    """The summary table's "failed" row: how many cases failed, and the reasons with their counts."""
    table = stderr[stderr.index("crawl summary eurorad"):]
    match = re.search(r"^\s+failed\s+(\d+)\s+not staged: (.*)$", table, re.M)
    return int(match[1]), match[2]


def test_an_image_cut_short_once_is_fetched_again_and_staged_whole(proxied, scrapy_run, project_env):
    proxy = proxied("eurorad")
    with urllib.request.urlopen(proxy.base_url + IMAGE_PATH) as answer:
        whole = answer.read()
    proxy.requests.clear()
    proxy.fault(IMAGE, "truncate-unannounced", times=1)
    done = scrapy_run(*crawl_argv("eurorad", proxy, cases=CASE), *QUICK)
    assert done.returncode == 0, done.stderr[-2000:]
    assert proxy.requests[IMAGE_PATH] == 2
    images = staged(project_env["STAGING_DB_URL"])
    assert [r[:2] for r in images] == [(CASE, "Figure 1"), (CASE, "Figure 2")]
    assert images[0][2] == hashlib.sha256(whole).hexdigest()
    assert failed_row(done.stderr)[0] == 0


def test_bodies_still_cut_short_after_the_retries_stage_nothing_until_a_crawl_gets_them_whole(
        proxied, scrapy_run, project_env):
    db = project_env["STAGING_DB_URL"]
    proxy = proxied("eurorad")
    proxy.fault(IMAGE, "truncate-unannounced")  # an image of 16754, no Content-Length
    proxy.fault("https://www.eurorad.org/case/16672", "truncate-unannounced")  # a page without its end
    proxy.fault("https://www.eurorad.org/case/16689", "truncate")  # fewer bytes than its Content-Length
    first = scrapy_run(*crawl_argv("eurorad", proxy, cases="16754,16672,16689"), *QUICK)
    assert first.returncode == 0, first.stderr[-2000:]
    assert rows(db, "select count(*) from cases") == [(0,)]
    assert rows(db, "select count(*) from fetched_documents") == [(0,)]
    failed, reasons = failed_row(first.stderr)
    assert failed == 3
    for reason in ("media 1", "truncated-html-end 1", "truncated-content-length 1"):
        assert reason in reasons
    proxy.clear()
    again = scrapy_run(*crawl_argv("eurorad", proxy, cases="16754,16672,16689"), *QUICK)
    assert again.returncode == 0, again.stderr[-2000:]
    assert rows(db, "select source_key from cases order by source_key") == [("16672",), ("16689-p1",),
                                                                            ("16689-p2",), ("16754",)]
    assert failed_row(again.stderr)[0] == 0


FAILURES = {  # case number (no page of the mirror: the proxy answers) -> fault, options, reason in the summary
    "20001": ("redirect-loop", {}, "redirect-loop"),
    "20002": ("status", {"status": 500}, "http-500"),
    "20003": ("gzip-bomb", {}, "too-large"),
    "20004": ("huge", {"huge_bytes": 3_000_000}, "too-large"),
    "20005": ("reset", {}, "connection-failed"),
    "20006": ("hang", {"hang_seconds": 8}, "timeout"),
}


def test_every_case_page_that_fails_is_counted_with_why(proxied, scrapy_run, project_env):
    proxy = proxied("eurorad")
    for number, (kind, options, _) in FAILURES.items():
        proxy.fault(f"https://www.eurorad.org/case/{number}", kind, **options)
    done = scrapy_run(*crawl_argv("eurorad", proxy, cases=",".join(FAILURES)), *QUICK,
                      "-s", "DOWNLOAD_MAXSIZE=2000000", "-s", "PAGE_MAX_BYTES=2000000")
    assert done.returncode == 0, done.stderr[-2000:]
    failed, stated = failed_row(done.stderr)
    assert failed == len(FAILURES)
    reasons = [reason for _, _, reason in FAILURES.values()]
    for reason in set(reasons):
        assert f"{reason} {reasons.count(reason)}" in stated
    assert rows(project_env["STAGING_DB_URL"], "select cases_failed from crawl_runs") == [(len(FAILURES),)]
    assert rows(project_env["STAGING_DB_URL"], "select count(*) from cases") == [(0,)]


def test_an_image_bomb_is_rejected_and_named_the_case_staged_with_its_other_image(proxied, scrapy_run, project_env):
    proxy = proxied("eurorad")
    proxy.fault(IMAGE, "pixel-bomb")
    done = scrapy_run(*crawl_argv("eurorad", proxy, cases=CASE), *QUICK)
    assert done.returncode == 0, done.stderr[-2000:]
    assert [r[:2] for r in staged(project_env["STAGING_DB_URL"])] == [(CASE, "Figure 2")]
    warnings = rows(project_env["STAGING_DB_URL"], "select warnings from cases")[0][0]
    assert "too-many-pixels" in warnings


def test_a_latin_1_page_without_a_declared_charset_is_read_right(proxied, scrapy_run, project_env, tmp_path):
    page = "https://www.eurorad.org/case/16672"  # its history has "39 °C", its licence "©"
    proxy = proxied("eurorad")
    plain_url = new_database(tmp_path / "plain")
    plain = scrapy_run(*crawl_argv("eurorad", proxy, cases="16672"), *QUICK, "-s", f"STAGING_DB_URL={plain_url}")
    assert plain.returncode == 0, plain.stderr[-2000:]
    proxy.fault(page, "latin-1")
    recoded = scrapy_run(*crawl_argv("eurorad", proxy, cases="16672"), *QUICK)
    assert recoded.returncode == 0, recoded.stderr[-2000:]
    text = "select title, authors, institution, history, findings, discussion, license_raw from cases"
    expected = rows(plain_url, text)
    assert "°" in expected[0][3] and "©" in expected[0][6]
    assert rows(project_env["STAGING_DB_URL"], text) == expected
