"""Cases staged in batches (``STAGING_BATCH_SIZE``), their images checked in a worker process
(``MEDIA_PROCESSES``), end as cases staged one by one with their images checked in threads, even
after a kill.

A generated Radiopaedia mirror of 24 cases (bench/_radiopaedia_mirror.py) is crawled once with one
case per transaction and no worker process: the reference. A crawl with batches and a media worker
is killed (SIGKILL) inside a batch's transaction, right after a batch committed, or right after an
image was written, then run again: every case is staged once, the database (rows, thumbnails and
hashes included) and the media store equal the reference's, and no worker process outlived the
killed crawl.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from bench._radiopaedia_mirror import QUERY, build_mirror
from tests.conftest import ROOT, SCRAPY
from tests.faults.conftest import KILLED, crawl_argv, other_database, rows, snapshot
from tests.mirror import Mirror

pytestmark = pytest.mark.e2e

CASES = 24


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The mirror of ``CASES`` generated cases, served for the module."""
    root = tmp_path_factory.mktemp("generated")
    build_mirror(root, cases=CASES, images_per_case=4, per_page=8, image_size=64)
    mirror = Mirror(["radiopaedia"], fixtures=root)
    mirror.start()
    yield mirror
    mirror.stop()


def staged(db: str, media: Path) -> dict:
    """The snapshot, plus what it leaves out of the images (hashes, thumbnails) and the media files."""
    content = snapshot(db)
    content["image_hashes"] = rows(db, "select c.source_key, i.position, i.phash, i.chash, i.thumb from images i "
                                       "join cases c on c.id = i.case_id order by c.source_key, i.position")
    content["aliases"] = rows(db, "select source, alias, key from case_aliases order by source, alias")
    # a temporary file a kill left behind (".<sha>.tmp-...") is no stored file
    content["media"] = sorted((str(p.relative_to(media)), p.read_bytes())
                              for p in media.rglob("*") if p.is_file() and not p.name.startswith("."))
    return content


@pytest.fixture(scope="module")
def one_by_one(generated, tmp_path_factory):
    """What a crawl staging one case per transaction gives."""
    tmp = tmp_path_factory.mktemp("one-by-one")
    url, env = other_database(tmp, "db")
    environment = {**{k: v for k, v in os.environ.items() if k != "INGEST_KILL_AT"}, **env}
    done = subprocess.run([SCRAPY, *crawl_argv("radiopaedia", generated, query=QUERY), "-s", "STAGING_BATCH_SIZE=1",
                           "-s", "MEDIA_PROCESSES=0"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return staged(url, Path(env["MEDIA_STORE"]))


def processes_marked(mark: str) -> list[int]:
    """The processes whose environment carries ``mark`` (a crawl and the workers it forked)."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if mark.encode() in environ.read_bytes() and "State:\tZ" not in (environ.parent / "status").read_text():
                found.append(int(environ.parent.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def no_process_left(mark: str) -> bool:
    deadline = time.monotonic() + 10
    while processes_marked(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not processes_marked(mark)


@pytest.mark.parametrize("point", ["staging-commit@5", "staged@5", "media-written@9"])
def test_a_crawl_killed_in_a_batch_then_run_again_stages_each_case_once_as_one_by_one(point, generated, scrapy_run,
                                                                                      project_env, one_by_one):
    db, media = project_env["STAGING_DB_URL"], Path(project_env["MEDIA_STORE"])
    argv = [*crawl_argv("radiopaedia", generated, query=QUERY), "-s", "STAGING_BATCH_SIZE=32",
            "-s", "MEDIA_PROCESSES=1"]
    mark = f"crawl-{uuid.uuid4().hex}"
    killed = scrapy_run(*argv, kill_at=point, env={"TEST_PROCESS_MARK": mark})
    assert killed.returncode == KILLED, killed.stderr[-2000:]
    assert no_process_left(mark)  # the media worker died with the crawl
    before = rows(db, "select count(*) from cases")[0][0]
    if point.startswith("media-written"):
        assert before <= 2  # 9 images written: at most 2 cases had all 4
    elif point.startswith("staging-commit"):
        assert before < 5  # the 5th case's transaction never committed, nor the cases batched with it
    else:
        assert before >= 5  # the 5th case's batch committed
    again = scrapy_run(*argv, env={"TEST_PROCESS_MARK": mark})
    assert again.returncode == 0, again.stderr[-2000:]
    assert no_process_left(mark)  # closed: the worker waited for
    assert rows(db, "select count(*), count(distinct source_key) from cases") == [(CASES, CASES)]
    assert staged(db, media) == one_by_one
