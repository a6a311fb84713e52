"""tests/inprocess.py: a command run in the test's process answers as the interpreter would, and
leaves the process as it found it."""

from __future__ import annotations

import json
import logging
import os
import sys

import pytest

from tests.inprocess import CrawlInTestProcess


def test_an_uncaught_exception_is_a_traceback_on_stderr_and_exit_1(scrapy_inproc, monkeypatch):
    import db.session

    def broken(*_args, **_kwargs):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(db.session, "open_database", broken)
    result = scrapy_inproc("normalize")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.endswith("RuntimeError: the disk went away\n")


def test_warnings_and_log_records_reach_stderr_as_in_a_process(scrapy_inproc, monkeypatch):
    import db.session

    opened = db.session.open_database

    def noisy(*args, **kwargs):
        import warnings

        warnings.warn("the index is stale", UserWarning, stacklevel=1)
        warnings.warn("old API", DeprecationWarning, stacklevel=1)  # not shown by a process
        logging.getLogger("staging.identity").warning("a warning logged")
        logging.getLogger("staging.identity").info("an info logged")  # below lastResort's level
        return opened(*args, **kwargs)

    monkeypatch.setattr(db.session, "open_database", noisy)
    result = scrapy_inproc("normalize", check=True)
    assert result.stderr.startswith(
        f"{__file__}:{noisy.__code__.co_firstlineno + 3}: UserWarning: the index is stale\n")
    assert "DeprecationWarning" not in result.stderr and "old API" not in result.stderr
    assert result.stderr.splitlines()[-1] == "a warning logged" and "an info logged" not in result.stderr


def test_exit_codes_stdin_and_the_environment_of_the_command(scrapy_inproc, project_env, monkeypatch):
    assert scrapy_inproc("no-such-command").returncode == 2  # Scrapy's own usage error
    project_env["REVIEWER"] = "erin"
    monkeypatch.setenv("REVIEWER", "not the command's")  # project_env is what the command sees
    from db.session import open_database
    from media.store import MediaStore
    from tests.review.conftest import ReviewDB

    rdb = ReviewDB(project_env["STAGING_DB_URL"], project_env["MEDIA_STORE"],
                   open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"]))
    case_id = rdb.add_case("1")
    refused = scrapy_inproc("cases", "approve", "--all", input="n\n")
    assert refused.returncode == 1 and "not confirmed" in refused.stderr
    approved = scrapy_inproc("cases", "approve", "--all", input="yes\n", check=True)
    assert approved.stdout.split() == [str(case_id), "approved"]
    shown = scrapy_inproc("cases", "show", str(case_id), "--json", check=True)
    assert {e["actor"] for e in json.loads(shown.stdout)["history"]} == {"erin"}


def test_the_process_is_left_as_it_was(scrapy_inproc, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = logging.getLogger()
    before = (dict(os.environ), os.getcwd(), list(sys.path), sys.argv, sys.stdin, sys.stdout, sys.stderr,
              root.handlers[:], sys.modules.get("settings"))
    scrapy_inproc("migrate", check=True)
    scrapy_inproc("cases", "frobnicate")
    after = (dict(os.environ), os.getcwd(), list(sys.path), sys.argv, sys.stdin, sys.stdout, sys.stderr,
             root.handlers[:], sys.modules.get("settings"))
    assert after == before


def test_a_crawl_is_refused_before_it_starts_a_reactor_here(scrapy_inproc):
    with pytest.raises(CrawlInTestProcess):
        scrapy_inproc("crawl", "eurorad", "-a", "cases=16672", "-a", "base_url=http://127.0.0.1:9")
    assert "twisted.internet.reactor" not in sys.modules or not sys.modules["twisted.internet.reactor"].running
