"""``scrapy crawl radiopaedia`` as a real process against the fixture mirror on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nibabel
import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT, SCRAPY
from tests.databases import drop_database, new_database
from tests.e2e.conftest import FAST, expected, rows, snapshot

pytestmark = pytest.mark.e2e

CASE_15 = "https://radiopaedia.org/cases/covid-19-pneumonia-15"
CASE_12 = "https://radiopaedia.org/cases/covid-19-pneumonia-12"
#: Result links the fixtures answer with 404.
_MISSING = [f"covid-19-pneumonia-{n}" for n in [*range(20, 38), *range(40, 58), 60, 61]] + [
    "early-stage-covid-19-pneumonia-1", "covid-19-pneumonia-mild", "covid-19-pneumonia-with-pneumothorax"]


def _case(db: str, key: str) -> dict:
    names = ["id", "source", "source_key", "canonical_url", "doi", "title", "license_raw", "license", "authors",
             "age_text", "sex_text", "history", "findings", "discussion", "credit", "review_state", "document_id",
             "extra"]
    found = rows(db, f"select {', '.join(names)} from cases where source = 'radiopaedia' and source_key = '{key}'")
    assert len(found) == 1, f"case {key} staged {len(found)} times"
    return dict(zip(names, found[0]))


def _images(db: str, case_id: int) -> list[dict]:
    names = ["position", "label", "source_url", "sha256", "format", "width", "height", "media_path", "view_text",
             "modality_text", "provenance"]
    return [dict(zip(names, r)) for r in rows(db, f"select {', '.join(names)} from images where case_id = {case_id} "
                                                  "order by position")]


def _fields(db: str, case_id: int) -> dict[tuple, str | None]:
    return {(pos, field): value for pos, field, value in rows(
        db, "select i.position, f.field, f.value from field_values f left join images i on i.id = f.image_id "
            f"where f.case_id = {case_id}")}


def test_search_crawl_stages_every_case_with_images_volumes_and_fields(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    result = crawl("radiopaedia", mirror, query="COVID")
    db, media = project_env["STAGING_DB_URL"], Path(project_env["MEDIA_STORE"])

    # Every results page was read (1-based, to the last), every case link followed once.
    for page in (1, 2, 3):
        assert mirror.count(f"/search?lang=us&page={page}&q=COVID&scope=cases") == 1
    assert mirror.count("/cases/covid-19-pneumonia-15?lang=us") == 1
    assert mirror.count("/cases/covid-19-pneumonia-60?lang=us") == 1  # a 404 in the fixtures: answered, not staged

    assert [r[0] for r in rows(db, "select source_key from cases order by source_key")] == ["74867", "75037"]
    case = _assert_case_15_staged_as_parsed(db)
    _assert_case_15_images_and_volumes(db, media, case["id"])
    _assert_case_15_fields(db, case["id"])
    _assert_pages_kept_with_validators(db, media, case)

    case12 = _case(db, "74867")
    assert case12["canonical_url"] == CASE_12
    assert [(i["format"], i["width"]) for i in _images(db, case12["id"])] == [("jpeg", 40), ("nifti-gz", 32)]

    run = rows(db, "select cases_seen, cases_new, cases_skipped, images, field_coverage, stats, warnings "
                   "from crawl_runs")
    assert len(run) == 1
    seen, new, skipped, images_count, coverage, stats, warnings = run[0]
    assert (new, skipped, images_count) == (2, 0, 7)
    assert seen == 43
    assert json.loads(coverage)["title"] == 1.0
    assert json.loads(stats)["cases/missing"] == 41
    assert json.loads(warnings) == []
    assert "crawl summary radiopaedia" in result.stderr


def _assert_case_15_staged_as_parsed(db: str) -> dict:
    """The case's text as the parser reads the fixture page, staged, without crawl plumbing."""
    want = expected("radiopaedia", "case_classic")["record"]
    case = _case(db, "75037")
    for name in ("canonical_url", "doi", "title", "authors", "age_text", "sex_text", "history", "findings",
                 "discussion", "credit"):
        key = "url" if name == "canonical_url" else name
        assert case[name] == want[key], name
    assert case["license"] == "CC BY-NC-SA 3.0"
    assert case["review_state"] == "staged"
    assert "_documents" not in json.loads(case["extra"]) and "_stored_images" not in json.loads(case["extra"])
    return case


def _assert_case_15_images_and_volumes(db: str, media: Path, case_id: int) -> None:
    images = _images(db, case_id)
    assert [(i["position"], i["label"], i["format"]) for i in images] == [
        (0, "study 86625 / stack 1", "png"),
        (1, "study 86625 / stack 1", "jpeg"),
        (2, "study 86625 / stack 2", "png"),
        (3, "study 86629 / stack 1", "nifti-gz"),
        (4, "study 86629 / stack 2", "nifti-gz"),
    ]
    for image in images:
        stored = media / image["media_path"]
        assert stored.is_file() and image["media_path"] == f"{image['sha256'][:2]}/{image['sha256']}"
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == image["sha256"]
    # The 16-bit PNG is kept, and converted to 8-bit for the dataset, with the conversion recorded.
    sixteen = json.loads(images[2]["provenance"])["converted"]
    assert sixteen["from_mode"] == "I;16" and sixteen["to_mode"] == "L"
    assert (media / sixteen["original_media_path"]).is_file()
    with Image.open(media / images[2]["media_path"]) as img:
        assert img.mode == "L"

    # One NIfTI volume per CT stack, slices in the site's order (the bright vessel moves down).
    volume = nibabel.Nifti1Image.from_bytes(gzip.decompress((media / images[3]["media_path"]).read_bytes()))
    assert volume.shape == (32, 32, 6)
    data = np.asarray(volume.dataobj)
    vessel_rows = [int(np.argmax(data[15, ::-1, z])) for z in range(6)]
    assert vessel_rows == sorted(vessel_rows) and len(set(vessel_rows)) == 6
    assert json.loads(images[3]["provenance"])["built_from_slices"] == 6
    assert images[4]["width"] == 32 and json.loads(images[4]["provenance"])["built_from_slices"] == 4


def _assert_case_15_fields(db: str, case_id: int) -> None:
    fields = _fields(db, case_id)
    assert fields[(None, "sex")] == "M"
    assert fields[(None, "finding")] == "Pneumonia/Viral/COVID-19"
    assert fields[(None, "doi")] == "10.53347/rID-75037"
    assert fields[(None, "url")] == CASE_15
    assert fields[(3, "modality")] == "CT" and fields[(3, "view")] == "Axial"
    assert fields[(4, "view")] == "Coronal"
    assert fields[(0, "modality")] == "X-ray"


def _assert_pages_kept_with_validators(db: str, media: Path, case: dict) -> None:
    """The case pages and the stacks answers are kept, with their validators."""
    documents = rows(db, "select url, status, etag, body_path from fetched_documents order by url")
    assert [d[0] for d in documents] == sorted([
        "https://radiopaedia.org/cases/covid-19-pneumonia-12?lang=us", "https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=us",
        "https://radiopaedia.org/studies/86301/stacks?lang=us", "https://radiopaedia.org/studies/86302/stacks?lang=us",
        "https://radiopaedia.org/studies/86625/stacks?lang=us", "https://radiopaedia.org/studies/86629/stacks?lang=us",
    ])
    assert all(d[1] == 200 and d[2] and (media / d[3]).is_file() for d in documents)
    assert case["document_id"] == rows(db, f"select id from fetched_documents where url = '{CASE_15}?lang=us'")[0][0]


def test_second_crawl_fetches_no_case_and_no_image_again(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    crawl("radiopaedia", mirror, query="COVID")
    before = rows(project_env["STAGING_DB_URL"], "select count(*) from cases")[0][0]
    first_bytes = sum(mirror.bytes_sent.values())
    mirror.reset_counters()

    crawl("radiopaedia", mirror, query="COVID")
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from cases")[0][0] == before == 2
    # Known cases are not asked for at all; no image is downloaded again.
    assert mirror.count("/cases/covid-19-pneumonia-15?lang=us") == 0
    assert not [path for path in mirror.requests if path.startswith(("/images/", "/studies/"))]
    # Only the results pages and the links that were 404 last time (they may appear) are asked again.
    asked = set(mirror.requests)
    assert {p for p in asked if p.startswith("/cases/")} == {f"/cases/{slug}?lang=us" for slug in _MISSING}
    assert asked - {p for p in asked if p.startswith(("/cases/", "/search?"))} == {"/robots.txt"}
    assert sum(mirror.bytes_sent.values()) < first_bytes
    last = rows(db, "select cases_new, cases_updated, cases_skipped, images from crawl_runs "
                    "order by id desc limit 1")[0]
    assert last == (0, 0, 2, 0)


def test_recrawl_revisits_with_conditional_requests_and_changes_nothing(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    crawl("radiopaedia", mirror, cases="covid-19-pneumonia-15")
    db = project_env["STAGING_DB_URL"]
    before = snapshot(db)
    mirror.reset_counters()

    crawl("radiopaedia", mirror, cases="covid-19-pneumonia-15", recrawl="yes")
    case_requests = [entry for entry in mirror.log if entry[1].startswith("/cases/covid-19-pneumonia-15")]
    assert len(case_requests) == 1 and case_requests[0][3].get("If-None-Match", "").startswith('"')
    assert mirror.count("/studies/86625/stacks?lang=us") == 0  # 304: the case is unchanged, nothing more fetched
    assert snapshot(db) == before


def test_recrawl_of_a_changed_page_updates_the_case_but_never_a_reviewers_value(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    crawl("radiopaedia", mirror, cases="covid-19-pneumonia-15")
    db = project_env["STAGING_DB_URL"]
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(text("update field_values set override = 'F', override_by = 'maintainer' where field = 'sex'"))
        conn.execute(text("update cases set review_state = 'approved'"))
    engine.dispose()
    html = (ROOT / "tests/fixtures/radiopaedia/case_classic.html").read_text(encoding="utf-8")
    assert "Elderly man" in html
    mirror.route("https://radiopaedia.org/cases/covid-19-pneumonia-15",
                 html.replace("Elderly man", "Elderly man, intubated on day 2"))
    mirror.reset_counters()

    crawl("radiopaedia", mirror, cases="covid-19-pneumonia-15", recrawl="yes")
    case = _case(db, "75037")
    assert "intubated on day 2" in case["history"]
    assert case["review_state"] == "staged"  # changed at the source: back to review
    [(actor, before, after)] = [(actor, json.loads(before)["history"], json.loads(after)["history"])
                                for actor, before, after
                                in rows(db, "select actor, before, after from review_events "
                                            "where action = 'source_changed'")]
    # shown to the reviewer
    assert actor == "crawler" and "intubated on day 2" not in before and "intubated on day 2" in after
    assert rows(db, "select value, override from field_values where field = 'sex'") == [("M", "F")]
    # Images already kept are not downloaded again (same URLs).
    assert not [path for path in mirror.requests if path.startswith("/images/")]
    assert rows(db, "select cases_updated from crawl_runs order by id desc limit 1") == [(1,)]


@pytest.fixture
def reference_db(tmp_path):
    url = new_database(tmp_path / "reference")
    yield url
    drop_database(url)


def test_a_crawl_killed_midway_and_rerun_ends_with_the_same_database(mirror_of, project_env, tmp_path, reference_db):
    mirror = mirror_of("radiopaedia")
    cases = "covid-19-pneumonia-15,covid-19-pneumonia-12"

    def argv(extra_delay: str) -> list[str]:
        return [SCRAPY, "crawl", "radiopaedia", "-a", f"base_url={mirror.base_url}", "-a", f"cases={cases}", *FAST,
                "-s", f"DOWNLOAD_DELAY={extra_delay}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]

    # Uninterrupted reference crawl into its own database.
    reference_env = dict(project_env, STAGING_DB_URL=reference_db, MEDIA_STORE=str(tmp_path / "reference-media"))
    subprocess.run(argv("0"), cwd=ROOT, env=reference_env, check=True, capture_output=True, timeout=300)

    # Slowed down so it can be killed between the two cases.
    db = project_env["STAGING_DB_URL"]
    process = subprocess.Popen(argv("0.3"), cwd=ROOT, env=project_env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    staged = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            staged = rows(db, "select count(*) from cases")[0][0]
        except Exception:  # noqa: BLE001 - the database may not exist yet
            staged = 0
        if staged >= 1:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the crawl ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert rows(db, "select count(*) from cases")[0][0] == 1
    assert rows(db, "select count(*) from crawl_runs")[0][0] == 0  # killed: no summary

    subprocess.run(argv("0"), cwd=ROOT, env=project_env, check=True, capture_output=True, timeout=300)
    assert snapshot(db) == snapshot(reference_env["STAGING_DB_URL"])


def test_block_pages_are_never_staged(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    result = crawl("radiopaedia", mirror, cases="covid-19-pneumonia-99,covid-19-pneumonia-12")
    db = project_env["STAGING_DB_URL"]
    assert [r[0] for r in rows(db, "select source_key from cases")] == ["74867"]
    assert "BLOCKED (cloudflare-challenge)" in result.stderr
    stats = json.loads(rows(db, "select stats from crawl_runs")[0][0])
    assert stats["blocked/cloudflare-challenge"] == 1
    assert not rows(db, "select url from fetched_documents where url like '%pneumonia-99%'")


def test_stacks_answered_by_a_challenge_page_leave_the_case_unstaged(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    challenge = (ROOT / "tests/fixtures/radiopaedia/cloudflare_challenge.html").read_text(encoding="utf-8")
    mirror.route("https://radiopaedia.org/studies/86302/stacks?lang=us", challenge,
                 headers={"Content-Type": "text/html"})
    result = crawl("radiopaedia", mirror, cases="covid-19-pneumonia-12")
    assert rows(project_env["STAGING_DB_URL"], "select count(*) from cases") == [(0,)]
    assert "BLOCKED (" in result.stderr


def test_a_second_run_while_one_holds_the_lock_fails_fast(mirror_of, crawl, project_env, tmp_path):
    """The lock of the database under test: a file beside SQLite, an advisory lock on PostgreSQL."""
    from scrapy.settings import Settings

    from crawl_lock import crawl_lock

    held = crawl_lock(Settings(), "radiopaedia", project_env["STAGING_DB_URL"]).acquire()
    try:
        mirror = mirror_of("radiopaedia")
        result = crawl("radiopaedia", mirror, cases="covid-19-pneumonia-15", check=False)
        assert result.returncode != 0
        assert "another crawl of this spider is running" in result.stderr
        assert f"pid {os.getpid()}" in result.stderr  # names the holder
        # Refused before any request (no waiting for the lock: that is the "fast").
        assert mirror.requests == {} or sum(mirror.requests.values()) == 0
    finally:
        held.release()
    assert crawl("radiopaedia", mirror, cases="covid-19-pneumonia-15", check=False).returncode == 0


def test_the_lock_is_released_when_its_holder_is_killed(project_env):
    from scrapy.settings import Settings

    from crawl_lock import CrawlLocked, crawl_lock

    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys; from scrapy.settings import Settings; from crawl_lock import crawl_lock; "
                               "held = crawl_lock(Settings(), 'radiopaedia', "
                               f"{project_env['STAGING_DB_URL']!r}).acquire(); "
                               "print('held', flush=True); sys.stdin.read()"],
                              cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CrawlLocked):
            crawl_lock(Settings(), "radiopaedia", project_env["STAGING_DB_URL"]).acquire()
    finally:
        holder.kill()
        holder.wait()
    for _ in range(100):  # the server notices the closed connection at once, but asynchronously
        try:
            crawl_lock(Settings(), "radiopaedia", project_env["STAGING_DB_URL"]).acquire().release()
            break
        except CrawlLocked:
            time.sleep(0.05)
    else:
        raise AssertionError("the lock of a killed holder was never released")


@pytest.mark.parametrize("argument, message", [
    ("limit=many", "limit='many': expected a whole number"),
    ("recrawl=perhaps", "recrawl='perhaps': expected yes or no"),
    ("cases_file=/nonexistent/cases.txt", "no such file"),
    ("cases=https://example.org/x/y", "is not a radiopaedia case"),
])
def test_bad_arguments_stop_the_crawl_with_a_clear_message(mirror_of, crawl, argument, message):
    mirror = mirror_of("radiopaedia")
    name, value = argument.split("=", 1)
    result = crawl("radiopaedia", mirror, check=False, **{name: value})
    assert result.returncode != 0
    assert message in result.stderr
    assert sum(mirror.requests.values()) == 0


def test_limit_and_cases_file(mirror_of, crawl, project_env, tmp_path):
    mirror = mirror_of("radiopaedia")
    cases_file = tmp_path / "cases.txt"
    cases_file.write_text("# cases we have permission for\ncovid-19-pneumonia-12\n75037\n", encoding="utf-8")
    crawl("radiopaedia", mirror, cases_file=str(cases_file), limit="1",
          settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "1"})
    assert rows(project_env["STAGING_DB_URL"], "select count(*) from cases") == [(1,)]


def test_several_searches_fetch_each_case_once_and_record_the_search(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    crawl("radiopaedia", mirror, query="ARDS;pneumonia")
    db = project_env["STAGING_DB_URL"]
    for query in ("ARDS", "pneumonia"):
        assert mirror.count(f"/search?lang=us&page=1&q={query}&scope=cases") == 1
    # Both searches list both cases: each case page is fetched once.
    assert mirror.count("/cases/covid-19-pneumonia-15?lang=us") == 1
    assert mirror.count("/cases/covid-19-pneumonia-12?lang=us") == 1
    found = {key: json.loads(extra).get("search_query")
             for key, extra in rows(db, "select source_key, extra from cases")}
    assert len(found) == 2
    assert set(found.values()) <= {"ARDS", "pneumonia"} and all(found.values())
    stats = json.loads(rows(db, "select stats from crawl_runs order by id desc limit 1")[0][0])
    assert stats["search/listed_again"] == 2
