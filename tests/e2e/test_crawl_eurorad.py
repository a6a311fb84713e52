"""``scrapy crawl eurorad`` as a real process against the fixture mirror on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import expected, rows, snapshot

pytestmark = pytest.mark.e2e

IMAGE_16754_2 = ("https://www.eurorad.org/sites/default/files/styles/figure_image/public/figure_image/2020-04/0000016754/000002.jpg?itok=gH5iJ6kL")


def test_search_crawl_stages_every_case_and_patient(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    crawl("eurorad", mirror, query="COVID")
    db = project_env["STAGING_DB_URL"]
    for page in (0, 1, 2):  # 0-based pages, to the last
        assert mirror.count(f"/advanced-search?search=COVID&sort_by=published_at&sort_order=DESC&page={page}") == 1

    staged = rows(db, "select source_key, canonical_url, title, age_text, sex_text from cases order by source_key")
    assert [r[0] for r in staged] == ["16672", "16689-p1", "16689-p2", "16754"]
    for record in expected("eurorad", "case_multi_patient").get("records", []):
        row = next(r for r in staged if r[0] == record["source_key"])
        assert row[1:] == (record["url"], record["title"], record["age_text"], record["sex_text"])

    images = rows(db, "select c.source_key, i.position, i.label, i.format, i.width, i.height, i.source_url, "
                      "i.provenance from images i join cases c on c.id = i.case_id order by c.source_key, i.position")
    assert [(r[0], r[2], r[3]) for r in images] == [
        ("16672", "Figure 1", "jpeg"), ("16672", "Figure 2a", "jpeg"), ("16672", "Figure 2b", "png"),
        ("16672", "Figure 3", "jpeg"),
        ("16689-p1", "Figure 1", "jpeg"), ("16689-p1", "Figure 2", "jpeg"),
        ("16689-p2", "Figure 3a", "png"), ("16689-p2", "Figure 3b", "png"),
        ("16754", "Figure 1", "jpeg"), ("16754", "Figure 2", "png"),
    ]
    # Full-size URLs (not the teaser style) are what is kept as the source.
    assert all("/styles/figure_image/" in r[6] for r in images)
    cmyk = json.loads(images[2][7])["converted"]
    assert (cmyk["from_mode"], cmyk["to_mode"]) == ("CMYK", "RGB")
    # The two patients of one page share the page, kept once.
    assert rows(db, "select count(*) from fetched_documents "
                    "where url = 'https://www.eurorad.org/case/16689'") == [(1,)]
    assert rows(db, "select count(distinct document_id) from cases where source_key like '16689-%'") == [(1,)]
    fields = {f: (raw, value) for f, raw, value in rows(db, "select f.field, f.raw, f.value from field_values f "
                                                          "join cases c on c.id = f.case_id "
                                                          "where c.source_key = '16672' and f.image_id is null")}
    assert fields["sex"] == ("male", "M")
    assert fields["age"][0] == "34 years"  # the value is the age normalizer's business (tests/normalize)
    assert fields["license"][1] == "CC BY-NC-SA 4.0"
    assert rows(db, "select cases_new, images from crawl_runs") == [(4, 10)]


def test_second_crawl_stages_nothing_new_and_downloads_no_image(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    crawl("eurorad", mirror, query="COVID")
    db = project_env["STAGING_DB_URL"]
    before = snapshot(db)
    mirror.reset_counters()
    crawl("eurorad", mirror, query="COVID")
    assert snapshot(db) == before
    assert not [p for p in mirror.requests if p.startswith("/sites/")]
    assert mirror.count("/case/16672") == 0
    assert rows(db, "select cases_new, cases_skipped, images from crawl_runs order by id desc limit 1") == [(0, 3, 0)]


def test_block_pages_and_rate_limits_are_never_staged(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    result = crawl("eurorad", mirror, cases="16998,16996,16754", settings={"RETRY_AFTER_MAX": "1"})
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select source_key from cases") == [("16754",)]
    stats = json.loads(rows(db, "select stats from crawl_runs")[0][0])
    assert stats["blocked/eurorad-bot-gate"] == 1
    assert stats["blocked/http-429"] == 1
    assert "Retry-After 120" in result.stderr and "BLOCKED (http-429)" in result.stderr
    assert not rows(db, "select url from fetched_documents where url like '%1699%'")


def test_retry_after_is_honoured_then_the_page_is_staged(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    # The first answer is "429, come back in 1 s"; the mirror then serves the page.
    html = (ROOT / "tests/fixtures/eurorad/case_minimal.html").read_text(encoding="utf-8")
    mirror.route("https://www.eurorad.org/case/16754", "<html><body>Too many requests</body></html>", status=429,
                 headers={"Retry-After": "1"})
    import threading

    def serve_page_later():
        while mirror.count("/case/16754") == 0:
            threading.Event().wait(0.02)
        mirror.route("https://www.eurorad.org/case/16754", html, headers={"Content-Type": "text/html; charset=utf-8"})

    threading.Thread(target=serve_page_later, daemon=True).start()
    result = crawl("eurorad", mirror, cases="16754")
    assert mirror.count("/case/16754") == 2
    assert "pausing the crawl for 1.0 s (Retry-After)" in result.stderr
    assert rows(project_env["STAGING_DB_URL"], "select source_key from cases") == [("16754",)]


def test_an_html_page_served_as_an_image_is_rejected_not_staged(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    mirror.route(IMAGE_16754_2, "<!DOCTYPE html><html><head><title>Error</title></head>"
                                "<body>Server error</body></html>",
                 headers={"Content-Type": "image/jpeg"})
    crawl("eurorad", mirror, cases="16754")
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select label from images") == [("Figure 1",)]
    warnings, extra = rows(db, "select warnings, extra from cases")[0]
    assert json.loads(extra)["rejected_images"] == [{"url": IMAGE_16754_2, "reason": "not-an-image"}]
    assert "rejected" in json.loads(warnings)[-1]


def _serve_16689(mirror, whole: bool) -> None:
    html = (ROOT / "tests/fixtures/eurorad/case_multi_patient.html").read_text(encoding="utf-8")
    if whole:  # the figures name no patient: the page is read as one case (split by hand)
        html = html.replace("</strong> Patient 1. ", "</strong> ").replace("</strong> Patient 2. ", "</strong> ")
    mirror.route("https://www.eurorad.org/case/16689", html, headers={"Content-Type": "text/html; charset=utf-8"})


def _states(db: str) -> list[tuple]:
    return rows(db, "select c.source_key, c.review_state, d.source_key, s.source_key from cases c "
                    "left join cases d on d.id = c.duplicate_of_case_id "
                    "left join cases s on s.id = c.split_from_case_id order by c.source_key")


def test_a_page_staged_whole_then_split_retires_the_whole_case_and_the_reverse(mirror_of, crawl, project_env):
    # splitidentity52: one identity per page whatever reading staged it; the other reading's cases are retired
    # (duplicate, kept), the persons' cases linked to the whole one; a re-run changes nothing
    mirror = mirror_of("eurorad")
    _serve_16689(mirror, whole=True)
    crawl("eurorad", mirror, cases="16689")
    db = project_env["STAGING_DB_URL"]
    assert _states(db) == [("16689", "staged", None, None)]
    _serve_16689(mirror, whole=False)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689", "duplicate", "16689-p1", None), ("16689-p1", "staged", None, "16689"),
                           ("16689-p2", "staged", None, "16689")]
    assert not [c for (c,) in rows(db, "select warning_codes from cases where source_key like '16689-p%'")
                if ",near_duplicate," in (c or "")]
    before = snapshot(db)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert snapshot(db) == before
    # read whole again (a rule change): the whole case is the page's case again (its state before the
    # retirement), the persons' cases are retired
    _serve_16689(mirror, whole=True)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689", "staged", None, None), ("16689-p1", "duplicate", "16689", "16689"),
                           ("16689-p2", "duplicate", "16689", "16689")]


def test_a_page_staged_split_then_read_whole_retires_the_persons_cases(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    _serve_16689(mirror, whole=False)
    crawl("eurorad", mirror, cases="16689")
    db = project_env["STAGING_DB_URL"]
    _serve_16689(mirror, whole=True)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689", "staged", None, None), ("16689-p1", "duplicate", "16689", None),
                           ("16689-p2", "duplicate", "16689", None)]
