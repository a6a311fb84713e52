"""Every command, given bad input, says what is wrong in one line and exits 1, with no traceback
and nothing changed (issue 16). In-process through Scrapy's own entry point where a process
proves nothing more; a crawl (its reactor) and a closed pipe need a real process."""

from __future__ import annotations

import socket
import subprocess

import pytest

from db.models import Case
from db.session import open_database, session_scope
from tests.conftest import ROOT, SCRAPY, free_port

#: (arguments, words the one line must hold)
IN_PROCESS = [
    (["migrate", "--revision", "bogus"], "no such revision"),
    (["migrate", "--revision", "0005"], "newer than 0005"),
    (["migrate", "now"], "takes no argument"),
    (["normalize", "--everything"], "unknown option(s) --everything"),
    (["import-dataset"], "give one PATH"),
    (["import-dataset", "{tmp}/missing"], "no such file or directory"),
    (["backfill", "{tmp}/missing.csv", "-o", "{tmp}/out.csv"], "missing.csv: no such file"),
    (["backfill", "{tmp}", "-o", "{tmp}/out.csv"], "directory"),
    # the file the user named, not the temporary beside it
    (["backfill", "tests/fixtures/reference/metadata-sample.csv", "-o", "{tmp}/no-folder/out.csv"],
     "no-folder/out.csv: No such file or directory; nothing was written"),
    (["review", "--bind", "everywhere"], "give HOST:PORT"),
    (["review", "--threads", "many"], "invalid int value: 'many'"),
    (["review", "--bind", "0.0.0.0:8000"], "not a loopback address"),
    (["review", "--bind", "127.0.0.1:{busy}"], "Address already in use"),
    (["cases"], "give a verb"),
    (["cases", "show", "999"], "there is no case 999"),
    (["cases", "list", "--state", "archived"], "unknown state 'archived'"),
    (["cases", "approve", "one"], "'one' is not a case id"),
    (["cases", "reject", "1"], "needs a reason"),
    (["cases", "set", "1", "age"], "is not field=value"),
    (["export"], "give either -o DIR"),
    (["export", "-o", "{tmp}/release", "--license", "GPL"], "unknown license(s) 'GPL'"),
    (["export", "--dataset", "{tmp}"], "no metadata.csv here"),
    (["export", "-o", "{tmp}/release", "--state", "approved", "--format", "zip"], "unknown option(s) --format"),
    (["import-dataset", "/dev/zero"], "not a regular file nor a directory"),
    (["candidates"], "give a verb"),
    (["candidates", "list", "everything"], "list takes no arguments"),
    (["candidates", "reject", "1"], "--reason"),
    (["validate"], "give one PATH"),
    (["validate", "/dev/zero"], "not a regular file nor a directory"),
    (["validate", "{tmp}", "--format", "xml"], "invalid choice: 'xml'"),
    # crawls: refused before Scrapy starts its crawler process (commands/crawl.py)
    (["crawl", "eurorad-archive"],
     "no spider 'eurorad-archive'; spiders: discover, eurorad, publications, radiopaedia, sirm"),
    (["crawl", "eurorad", "-a", "case=16754"], "unknown argument 'case' (did you mean 'cases'?)"),
    (["crawl", "radiopaedia", "-a", "limit=lots"], "limit='lots': expected a whole number"),
    (["crawl", "sirm", "-a", "cases_file={tmp}"], "not a regular file"),
]


def test_every_command_answers_bad_input_with_one_clear_line_and_exit_1(project_env, tmp_path, scrapy_inproc):
    engine = open_database(project_env["STAGING_DB_URL"])  # at the newest revision
    with session_scope(engine) as s:
        s.add(Case(source="eurorad", source_key="1", canonical_url="https://www.eurorad.org/case/1", title="t"))
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        for argv, words in IN_PROCESS:
            argv = [a.format(tmp=tmp_path, busy=busy.getsockname()[1]) for a in argv]
            result = scrapy_inproc(*argv)
            code, out, err = result.returncode, result.stdout, result.stderr
            lines = [line for line in err.splitlines() if line.strip()]
            assert code == 1, (argv, code, out, err)
            assert (len(lines) == 1 and lines[0].startswith("error: ")
                    and words.lower() in lines[0].lower()), (argv, err)
            assert "Traceback" not in err + out, argv
    finally:
        busy.close()
    with session_scope(engine) as s:  # nothing changed
        assert [(c.review_state, c.review_reason) for c in s.query(Case)] == [("staged", None)]
    # `cases list --json | head`: the reader leaves early; no BrokenPipeError
    with session_scope(engine) as s:
        s.add_all([Case(source="sirm", source_key=str(n), canonical_url=f"https://sirm.org/{n}", title="x" * 200)
                   for n in range(2, 1500)])
    proc = subprocess.Popen([SCRAPY, "cases", "list", "--json"], cwd=ROOT, env=project_env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout.read(100).startswith(b"[")
    proc.stdout.close()  # as `head` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err and err.strip().splitlines() == [
        "error: the output was closed before the command finished (piped into head?)"]


#: STAGING_DB_URL values naming no database a command can open, and words its one line must hold
UNUSABLE_DATABASES = [
    ("postgresql+psycopg://curator:secret@127.0.0.1:1/staging", "connection refused"),  # nothing listens on port 1
    ("not a url", "is not a database URL"),
    ("mysql://curator@127.0.0.1/staging", "no driver for it here"),
    ("sqlite:///{tmp}/notes.txt", "file is not a database"),
]


def test_a_database_that_cannot_be_opened_is_one_line_for_every_command(project_env, tmp_path, scrapy_inproc):
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"not a database, and it stays as it is\n" * 200)
    for url, words in UNUSABLE_DATABASES:
        project_env["STAGING_DB_URL"] = url.format(tmp=tmp_path)  # scrapy_inproc reads it at each call
        for argv in (["cases", "list"], ["migrate"], ["normalize"], ["review", "--bind", f"127.0.0.1:{free_port()}"],
                     ["export", "-o", str(tmp_path / "release")]):
            result = scrapy_inproc(*argv)
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert result.returncode == 1, (url, argv, result.stderr)
            assert len(lines) == 1 and lines[0].startswith("error: "), (url, argv, lines)
            assert words.lower() in lines[0].lower(), (url, argv, lines)
            assert "secret" not in lines[0], lines  # the password is never shown
    assert notes.read_bytes() == b"not a database, and it stays as it is\n" * 200
    assert not (tmp_path / "release").exists()


def test_a_crawl_whose_database_cannot_be_opened_exits_1_before_it_starts(project_env):
    """Scrapy opens the pipelines inside its engine, where a failure is a logged traceback and exit
    status 0: a scheduled crawl would have looked like a success."""
    env = {**project_env, "STAGING_DB_URL": "postgresql+psycopg://curator:secret@127.0.0.1:1/staging"}
    result = subprocess.run([SCRAPY, "crawl", "sirm"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: cannot open the staging database postgresql+psycopg://curator:***@127.0.0.1:1/staging (connection "
        'failed: connection to server at "127.0.0.1", port 1 failed: Connection refused); start its server or fix '
        "STAGING_DB_URL"]


#: Bad input refused before the command needs the staging database or the media store.
BEFORE_THE_DATABASE = [
    (["import-dataset", "{tmp}/missing"], "no such file or directory"),
    (["export", "--dataset", "{tmp}"], "no metadata.csv here"),
    (["cases", "approve", "one"], "'one' is not a case id"),
    (["cases", "list", "--state", "archived"], "unknown state 'archived'"),
    (["candidates", "list", "everything"], "list takes no arguments"),
]


@pytest.mark.parametrize("argv, words", BEFORE_THE_DATABASE)
def test_bad_input_leaves_no_new_database_nor_media_store_behind(argv, words, project_env, tmp_path, scrapy_inproc):
    # a first run on a new machine mistyped: nothing appears where the settings point, not even an empty database
    fresh = tmp_path / "fresh"
    project_env["STAGING_DB_URL"] = f"sqlite:///{fresh / 'staging.sqlite3'}"
    project_env["MEDIA_STORE"] = str(fresh / "media")
    fresh.mkdir()
    result = scrapy_inproc(*[a.format(tmp=tmp_path) for a in argv])
    assert result.returncode == 1 and words in result.stderr, result.stderr
    assert list(fresh.iterdir()) == []
