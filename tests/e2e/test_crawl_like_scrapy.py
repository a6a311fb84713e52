"""A crawl behaves like Scrapy's own (issue 16): feeds with -O/-o, ``-a limit`` on fetched case
pages, a summary that adds up, printed as a table, and progress on the terminal with LOG_FILE."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess

from tests.conftest import ROOT, SCRAPY
from tests.e2e.conftest import FAST, rows


def case_pages(mirror) -> list[str]:
    return sorted(p for p, n in mirror.requests.items() if p.startswith("/case/") for _ in range(n))


def summary_row(db) -> dict:
    (seen, new, updated, unchanged, skipped, failed, stats), = rows(
        db, "select cases_seen, cases_new, cases_updated, cases_unchanged, cases_skipped, cases_failed, stats "
            "from crawl_runs order by id desc limit 1")
    return {"seen": seen, "new": new, "updated": updated, "unchanged": unchanged, "skipped": skipped, "failed": failed,
            "missing": json.loads(stats).get("cases/missing", 0), "stats": json.loads(stats)}


def test_limit_counts_fetched_pages_the_feed_holds_the_records_and_the_summary_adds_up(mirror_of, crawl, project_env,
                                                                                       tmp_path):
    mirror = mirror_of("eurorad")
    feed = tmp_path / "items.jsonl"
    result = crawl("eurorad", mirror, limit="16", settings={"FEEDS": json.dumps({str(feed): {"format": "jsonlines"}})})
    db = project_env["STAGING_DB_URL"]
    assert len(case_pages(mirror)) == 16  # fetched: the 17th case link onwards is never asked for
    s = summary_row(db)
    assert s["seen"] == s["new"] + s["updated"] + s["unchanged"] + s["skipped"] + s["failed"] + s["missing"]
    assert (s["new"], s["missing"], s["failed"]) == (3, 14, 0)  # 2 pages of 3 patients, 14 gone (404)
    assert s["stats"]["cases/over_limit"] == s["skipped"] > 0
    # the feed: one JSON record per staged case, no bytes, stored images named by SHA-256
    records = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    staged = rows(db, "select c.source_key, i.sha256 from images i join cases c on c.id = i.case_id "
                      "order by c.source_key, i.position")
    assert sorted(r["source_key"] for r in records) == sorted({key for key, _ in staged})
    fed = sorted((r["source_key"], img["sha256"]) for r in records for img in r["extra"]["stored_images"])
    assert fed == sorted(staged)
    assert not any(k.startswith("_") for r in records for k in r["extra"])
    assert "not JSON serializable" not in result.stderr and "Traceback" not in result.stderr
    # the table: one line per outcome, coverage in percent (not a Python dict)
    table = result.stderr[result.stderr.index("crawl summary eurorad (finished)"):]
    table = table[:table.index("\n20")]  # up to the next log line
    assert re.search(r"^    missing +14  404/410", table, re.M) and re.search(r"^    new +3$", table, re.M)
    assert "field coverage       title 100%" in table and "{'" not in table
    # a second crawl: the known cases are skipped without counting against the limit
    mirror.reset_counters()
    crawl("eurorad", mirror, limit="2")
    assert len(case_pages(mirror)) == 2
    s = summary_row(db)
    assert s["new"] == 0 and s["skipped"] == (s["stats"].get("cases/skipped_known", 0)
                                              + s["stats"].get("cases/over_limit", 0))
    assert s["seen"] == s["new"] + s["updated"] + s["unchanged"] + s["skipped"] + s["failed"] + s["missing"]


def test_progress_shows_on_the_terminal_while_the_log_goes_to_a_file(mirror_of, project_env, tmp_path):
    mirror = mirror_of("eurorad")
    log = tmp_path / "crawl.log"
    master, slave = pty.openpty()  # a real terminal for the crawl's stderr
    argv = [SCRAPY, "crawl", "eurorad", "-a", f"base_url={mirror.base_url}", *FAST, "-s", f"LOG_FILE={log}",
            "-s", "CRAWL_PROGRESS_INTERVAL=0.2", "-s", "DOWNLOAD_DELAY=0.05"]
    proc = subprocess.Popen(argv, cwd=ROOT, env=project_env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the crawl closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    text = out.decode("utf-8", "replace")
    updates = [u for u in text.split("\r") if u.startswith("[eurorad ")]
    assert len(updates) >= 2 and "seen" in updates[0] and "missing" in updates[0]
    assert "new 4, updated 0, unchanged 0, skipped 0, failed 0" in updates[-1]
    assert "crawl summary eurorad (finished)" in text and "cases seen" in text
    assert "crawl summary eurorad" in log.read_text(encoding="utf-8")
    assert "INFO" not in text  # the log itself went to the file
