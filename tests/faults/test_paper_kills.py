"""A paper with several patients is known only once all of them are staged, whichever of its names
is given: a crawl killed between two patients, or a patient whose figure failed, is completed by the
next crawl, which ends with what an uninterrupted crawl gives.

``PMC7251234`` (DOI ``10.1016/j.radcr.2020.05.017``) is a case series of three patients: figures 1
and 2 are split into panels by the spider, figure 3 (patient 3 alone) is fetched by the media
pipeline.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from tests.faults.conftest import KILLED, crawl_argv, rows, snapshot, uninterrupted_crawl
from tests.faults.staging_order import staging_order_argv

pytestmark = pytest.mark.e2e

PMCID = "PMC7251234"
DOI = "10.1016/j.radcr.2020.05.017"
PATIENTS = [f"{DOI}#patient{n}" for n in (1, 2, 3)]
GR3 = "https://cdn.ncbi.nlm.nih.gov/pmc/blobs/b3a1/7251234/91ab0c33de57/gr3.jpg"
#: What each case records of how it was reached (the name given, the chain of requests): the rest is the paper's.
REACHED_BY = ("input", "resolution")


def staged_keys(db: str) -> list[str]:
    return [r[0] for r in rows(db, "select source_key from cases order by source_key")]


def paper_snapshot(db: str) -> dict[str, list[tuple]]:
    """The snapshot without what depends on the name the paper was reached by: each case's extra
    ``input`` and ``resolution`` (a PMCID asks the ID converter by PMCID, a DOI by DOI), and the
    content hash that covers them (the reviewer's comparison, ``staging.service.case_snapshot``, does not)."""
    found = snapshot(db)
    cases = []
    for case in found["cases"]:
        extra = {k: v for k, v in json.loads(case[14]).items() if k not in REACHED_BY}
        cases.append((*case[:14], extra))
    return {**found, "cases": cases}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The same crawl by PMCID, never interrupted, in a database of its own (once per module)."""
    url = uninterrupted_crawl(tmp_path_factory.mktemp("uninterrupted"), "publications", dois=PMCID)
    assert staged_keys(url) == PATIENTS
    return {"full": snapshot(url), "paper": paper_snapshot(url)}


@pytest.mark.parametrize("point,staged_before", [("between-patients", 1), ("staged@2", 2), ("staging-commit@3", 2)])
# The killed crawl stages its patients in a fixed order (tests/faults/staging_order.py), or the load
# would choose which are staged before the kill: the paper's own order, and the downloaded figure's first.
@pytest.mark.parametrize("again_by,order", [(PMCID, (1, 2, 3)), (f"https://doi.org/{DOI.upper()}", (3, 1, 2))],
                         ids=["by-PMCID-staged-1-2-3", "by-DOI-staged-3-1-2"])
def test_a_paper_crawl_killed_then_run_again_by_any_name_ends_like_an_uninterrupted_one(
        point, staged_before, again_by, order, mirror_of, scrapy_run, project_env, uninterrupted):
    mirror = mirror_of("publications")
    db = project_env["STAGING_DB_URL"]
    killed = scrapy_run(*crawl_argv("publications", mirror, dois=PMCID), *staging_order_argv(order), kill_at=point)
    assert killed.returncode == KILLED, killed.stderr[-2000:]
    assert staged_keys(db) == sorted(PATIENTS[n - 1] for n in order[:staged_before]), killed.stderr[-2000:]

    again = scrapy_run(*crawl_argv("publications", mirror, dois=again_by))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "already staged, skipped" not in again.stderr
    assert staged_keys(db) == PATIENTS, again.stderr[-2000:]
    if again_by == PMCID:
        assert snapshot(db) == uninterrupted["full"]
    else:
        assert paper_snapshot(db) == uninterrupted["paper"]

    # now whole: known by every name, not fetched again
    mirror.reset_counters()
    for name in (PMCID, DOI):
        assert scrapy_run(*crawl_argv("publications", mirror, dois=name)).returncode == 0
    assert (mirror.count(f"/articles/{PMCID}/") == 0
            and mirror.count("/pmc/blobs/b3a1/7251234/91ab0c33de57/gr3.jpg") == 0)


def test_a_patient_whose_figure_failed_is_staged_by_the_next_crawl_by_another_name(mirror_of, scrapy_run, project_env,
                                                                                   uninterrupted):
    mirror = mirror_of("publications")
    db = project_env["STAGING_DB_URL"]
    with urllib.request.urlopen(f"{mirror.base_url}/pmc/blobs/b3a1/7251234/91ab0c33de57/gr3.jpg") as answer:
        image = answer.read()
    mirror.route(GR3, b"<html><body>Internal Server Error</body></html>", status=500)
    first = scrapy_run(*crawl_argv("publications", mirror, dois=PMCID))
    assert first.returncode == 0, first.stderr[-2000:]
    assert staged_keys(db) == PATIENTS[:2]
    assert re.search(r"^\s+failed\s+1\s+not staged: blocked 0, media 1$", first.stderr, re.M)

    mirror.route(GR3, image, headers={"Content-Type": "image/jpeg"})
    again = scrapy_run(*crawl_argv("publications", mirror, dois=DOI))
    assert again.returncode == 0, again.stderr[-2000:]
    assert staged_keys(db) == PATIENTS
    assert paper_snapshot(db) == uninterrupted["paper"]
