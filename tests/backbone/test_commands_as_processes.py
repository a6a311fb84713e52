"""Each command once as a real ``scrapy`` process: the script, the project found from its directory,
the environment, exit codes and pipes. Every other test of a command runs it in the test's process
(``scrapy_inproc``, tests/inprocess.py); where the command changes nothing, the same command run
that way must give the same exit code, stdout and stderr, byte for byte, which is what lets those
tests stand for processes. Crawls are processes in tests/e2e and tests/faults."""

from __future__ import annotations

import json
import urllib.request

import pytest

from db.session import head_revision, open_database
from media.store import MediaStore
from tests.conftest import SAMPLE_CSV, review_server
from tests.review.conftest import ReviewDB


def same_in_process(process, scrapy_inproc, *args: str) -> None:
    in_process = scrapy_inproc(*args)
    assert ((in_process.returncode, in_process.stdout, in_process.stderr)
            == (process.returncode, process.stdout, process.stderr))


def test_validate_runs_as_a_process(scrapy_cmd, scrapy_inproc):
    process = scrapy_cmd("validate", str(SAMPLE_CSV), "--errors-only", "--format", "json")
    assert process.returncode == 1 and len(json.loads(process.stdout)) == 12 and "12 error(s)" in process.stderr
    same_in_process(process, scrapy_inproc, "validate", str(SAMPLE_CSV), "--errors-only", "--format", "json")


def test_backfill_runs_as_a_process(scrapy_cmd, scrapy_inproc, tmp_path):
    process = scrapy_cmd("backfill", str(SAMPLE_CSV), "-o", str(tmp_path / "process.csv"), check=True)
    in_process = scrapy_inproc("backfill", str(SAMPLE_CSV), "-o", str(tmp_path / "in-process.csv"), check=True)
    assert "blank cells filled" in process.stdout
    assert in_process.stdout.replace("in-process.csv", "process.csv") == process.stdout
    assert (tmp_path / "in-process.csv").read_bytes() == (tmp_path / "process.csv").read_bytes()


@pytest.mark.empty_database
def test_migrate_runs_as_a_process(scrapy_cmd, scrapy_inproc):
    process = scrapy_cmd("migrate", check=True)
    assert f": upgraded from revision empty to {head_revision()}\n" in process.stdout
    assert f"already at revision {head_revision()}" in scrapy_inproc("migrate", check=True).stdout


def test_import_dataset_runs_as_a_process(scrapy_cmd, scrapy_inproc, clean_release):
    process = scrapy_cmd("import-dataset", str(clean_release), check=True)
    assert "imported 4 rows and 4 files" in process.stdout
    assert "nothing changed" in scrapy_inproc("import-dataset", str(clean_release), check=True).stdout


def test_export_runs_as_a_process(scrapy_cmd, scrapy_inproc, tmp_path):
    scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)
    scrapy_cmd("export", "-o", str(tmp_path / "r"), check=True)
    assert (tmp_path / "r" / "metadata.csv").read_bytes() == SAMPLE_CSV.read_bytes()


def test_normalize_runs_as_a_process(scrapy_cmd, scrapy_inproc, project_env):
    process = scrapy_cmd("normalize", check=True)
    assert "0 staged case(s) re-normalized" in process.stdout
    same_in_process(process, scrapy_inproc, "normalize")


def test_cases_runs_as_a_process(scrapy_cmd, scrapy_inproc, project_env):
    url, media = project_env["STAGING_DB_URL"], project_env["MEDIA_STORE"]
    rdb = ReviewDB(url, media, open_database(url), MediaStore(media))
    adult, child = rdb.add_case("1"), rdb.add_case("2", age="9")
    listed = scrapy_cmd("cases", "list", "--json", check=True)
    assert [(c["id"], c["state"]) for c in json.loads(listed.stdout)] == [(adult, "staged"), (child, "staged")]
    same_in_process(listed, scrapy_inproc, "cases", "list", "--json")
    asked = scrapy_cmd("cases", "approve", "--all", input="y\n")  # the answer read from a pipe
    assert asked.returncode == 1 and f"{adult}\tapproved" in asked.stdout and f"{child}\tskipped" in asked.stdout
    assert "approve 2 case(s)" in asked.stderr


def test_candidates_runs_as_a_process(scrapy_cmd, scrapy_inproc):
    process = scrapy_cmd("candidates", "check", "--offline", "10.1002/ccr3.4321", check=True)
    assert process.stdout.startswith("10.1002/ccr3.4321\tnew\t")
    same_in_process(process, scrapy_inproc, "candidates", "check", "--offline", "10.1002/ccr3.4321")


def test_review_runs_as_a_process(project_env, tmp_path):
    (tmp_path / "media").mkdir()
    open_database(project_env["STAGING_DB_URL"]).dispose()
    with review_server(project_env) as url, urllib.request.urlopen(url + "/", timeout=30) as page:
        assert page.status == 200 and "text/html" in page.headers["Content-Type"]

