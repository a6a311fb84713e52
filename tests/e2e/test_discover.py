"""``scrapy crawl discover`` as a real process and ``scrapy candidates`` in-process, against the mirror, on a
database holding the real dataset sample as the released baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CSV
from tests.e2e.conftest import rows

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discovery"


@pytest.fixture
def released(scrapy_inproc):
    scrapy_inproc("import-dataset", str(SAMPLE_CSV), check=True)


def _candidates(db: str) -> dict[str, dict]:
    names = ["id", "key", "doi", "pmid", "pmcid", "pii", "score", "reasons", "found_by", "figures", "patients",
             "status", "license"]
    found = {}
    for r in rows(db, f"select {', '.join(names)} from candidates"):
        c = dict(zip(names, r))
        for name in ("reasons", "found_by", "figures"):
            c[name] = json.loads(c[name]) if c[name] else c[name]
        found[c["key"]] = c
    return found


def test_search_to_staged_figures(mirror_of, crawl, scrapy_inproc, project_env, released):
    mirror = mirror_of("discovery", "publications")
    crawl("discover", mirror)
    db = project_env["STAGING_DB_URL"]
    candidates = _candidates(db)
    assert len(candidates) == 6  # both pages followed by cursorMark
    radcr = candidates["doi:10.1016/j.radcr.2020.05.017"]
    assert (radcr["pmid"], radcr["pmcid"], radcr["patients"]) == ("32501234", "PMC7251234", 3)
    # The open full text was read: every figure's caption shows chest imaging, reasons stored.
    assert [f["modality"] for f in radcr["figures"]] == ["X-ray", "X-ray", "CT"]
    assert {r["factor"]: r["points"] for r in radcr["reasons"]} == {
        "licence": 30, "article type": 25, "figures": 30, "patients": 6, "recency": 0}
    assert mirror.count("/europepmc/webservices/rest/PMC7251234/fullTextXML") == 1
    run = json.loads(rows(db, "select stats from crawl_runs where source = 'discover'")[0][0])
    assert (run["discover/results"], run["discover/answer/new"], run["discover/answer/released"]) == (6, 4, 2)

    listed = json.loads(scrapy_inproc("candidates", "list", "--json", check=True).stdout)
    # The MERS paper (upper-case DOI) and the Balkan paper (PMID only) are released: not offered.
    assert [c["key"] for c in listed] == ["doi:10.1016/j.radcr.2020.05.017", "doi:10.1186/s13256-021-02655-8",
                                          "doi:10.1002/ccr3.4321", "doi:10.1007/s00330-021-07715-1"]
    assert all(c["answer"] == "new" for c in listed)
    everything = {c["key"]: c
                  for c in json.loads(scrapy_inproc("candidates", "list", "--all", "--json", check=True).stdout)}
    assert everything["doi:10.1016/j.ejrnm.2015.11.004"]["answer"] == "released"
    assert everything["pmid:32157862"]["answer_detail"] == "patientid 333; rows 312 (BMJ-37-163-g1.jpg)"

    accepted = scrapy_inproc("candidates", "accept", str(radcr["id"]), check=True)
    assert accepted.stdout == f"{radcr['id']}\taccepted\tdoi:10.1016/j.radcr.2020.05.017\n"
    crawl("publications", mirror, candidates="accepted")
    staged = rows(db, "select c.source_key, count(i.id) from cases c join images i on i.case_id = c.id "
                      "group by c.source_key order by 1")
    assert [key for key, _ in staged] == [f"10.1016/j.radcr.2020.05.017#patient{n}" for n in (1, 2, 3)]
    assert all(count >= 1 for _, count in staged)
    check = scrapy_inproc("candidates", "check", "10.1016/j.radcr.2020.05.017", check=True)
    assert check.stdout.startswith("10.1016/j.radcr.2020.05.017\tstaged\tcases ")


def test_a_second_search_updates_the_same_candidates(mirror_of, crawl, project_env, released):
    mirror = mirror_of("discovery", "publications")
    crawl("discover", mirror, figures="no")
    crawl("discover", mirror, figures="no")
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from candidates") == [(6,)]
    assert mirror.count("/europepmc/webservices/rest/PMC7251234/fullTextXML") == 0


def test_lists_and_a_pii_resolved_through_crossref(mirror_of, crawl, scrapy_inproc, project_env, released):
    mirror = mirror_of("discovery", "publications")
    result = crawl("discover", mirror, file=f"{FIXTURES / 'cord19_metadata.csv'},{FIXTURES / 'ids.txt'}", figures="no")
    assert "cord19_metadata.csv, line 5 skipped: no DOI, PMCID, PubMed id or URL" in result.stderr
    assert "ids.txt, line 9 skipped: 'not an identifier' is not a DOI, PMID, PMCID, PII or URL" in result.stderr
    candidates = _candidates(project_env["STAGING_DB_URL"])
    # The PII named by no released row became its DOI through Crossref's alternative-id.
    radiography = candidates["doi:10.1016/j.radi.2020.04.002"] if "doi:10.1016/j.radi.2020.04.002" in candidates else \
        next(c for c in candidates.values() if c["pii"] == "S1078817420300575")
    assert radiography["doi"] == "10.1016/j.radi.2020.04.002"
    # CORD-19's NEJM row and the list's dx.doi.org form are one candidate, found by both.
    nejm = candidates["doi:10.1056/nejmoa2001191"]
    assert nejm["found_by"] == ["cord19: cord19_metadata.csv", "list: ids.txt"]
    answers = {line.split("\t")[0]: line.split("\t")[1] for line in scrapy_inproc(
        "candidates", "check", "--offline", "S1078-8174(20)30057-5", "PMC7151400", "10.1016/j.rmcr.2020.101288",
        "S2213007120305207", check=True).stdout.splitlines()}
    assert answers == {"S1078-8174(20)30057-5": "released", "PMC7151400": "released",
                       "10.1016/j.rmcr.2020.101288": "new", "S2213007120305207": "new"}


def test_check_answers_from_the_database_without_a_crawl(mirror_of, scrapy_inproc, released):
    mirror = mirror_of("discovery", "publications")
    result = scrapy_inproc("candidates", "check", "https://dx.doi.org/10.1056/NEJMoa2001191", "PMC7151400",
                           "10.1002/ccr3.4321", "--base-url", mirror.base_url, check=True)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("https://dx.doi.org/10.1056/NEJMoa2001191\treleased\tpatientid 13; rows ")
    assert lines[1].startswith("PMC7151400\treleased\tpatientid 324a, 324b; rows ")
    assert lines[2] == "10.1002/ccr3.4321\tnew\tnot in the released dataset, the staged cases or the earlier decisions"
    assert sum(mirror.requests.values()) == 0


def test_check_looks_up_what_the_database_cannot_complete(mirror_of, scrapy_inproc, released):
    mirror = mirror_of("discovery", "publications")
    result = scrapy_inproc("candidates", "check", "S1078-8174(20)30057-5", "--json", "--base-url", mirror.base_url,
                           check=True)
    answer = json.loads(result.stdout)[0]
    assert (answer["identifier"], answer["answer"]) == ("S1078-8174(20)30057-5", "released")
    assert [r["filename"] for r in answer["released"]] == ["fx1_lrg.jpg", "gr2_lrg-a.png", "gr2_lrg-b.png",
                                                           "gr2_lrg-c.png"]
    assert mirror.count("/works?filter=alternative-id%3AS1078817420300575&rows=2") == 1


@pytest.mark.parametrize("argv,message", [
    (["candidates", "check", "hello"],
     "error: 'hello' is not a DOI (10.xxxx/...), PMID (digits), PMCID (PMC123), PII"),
    (["candidates", "reject", "1"], "error: reject needs --reason TEXT"),
    (["candidates", "accept", "99"], "error: no candidate 99 (see `scrapy candidates list`); nothing was changed"),
    (["crawl", "discover", "-a", "since=2020-13-01"],
     "scrapy crawl discover: bad argument: since='2020-13-01': expected a date YYYY-MM-DD"),
    (["crawl", "discover", "-a", "file=/no/such.csv"],
     "scrapy crawl discover: bad argument: file='/no/such.csv': no such file"),
])
def test_bad_input_is_one_line_and_exit_1(scrapy_inproc, argv, message):
    result = scrapy_inproc(*argv)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
