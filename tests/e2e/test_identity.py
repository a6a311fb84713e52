"""One identity per case, end to end: real crawls against the loopback mirror, whatever name
reaches a case (rID, slug, number, URL form, another host, DOI or PMCID) and in either order."""

from __future__ import annotations

import json

import pytest

from db.session import open_database
from exports.baseline import import_dataset
from media.store import MediaStore
from tests.conftest import SAMPLE_CSV, write_release
from tests.e2e.conftest import FIXTURES, rows

pytestmark = pytest.mark.e2e

SLUG_15 = "/cases/covid-19-pneumonia-15"
DOI = "10.1016/j.radcr.2020.05.017"
PMC_PAGE = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/"


def _import(env: dict, path) -> None:
    engine = open_database(env["STAGING_DB_URL"])
    try:
        import_dataset(path, engine, MediaStore(env["MEDIA_STORE"]))
    finally:
        engine.dispose()


def _last_run(db: str) -> tuple:
    return rows(db, "select cases_new, cases_skipped, stats from crawl_runs order by id desc limit 1")[0]


@pytest.mark.parametrize("recrawl", ["no", "yes"])
def test_a_released_radiopaedia_case_named_by_its_rid_is_never_fetched_nor_staged(mirror_of, crawl, project_env,
                                                                                  recrawl):
    # The real sample: covid-19-pneumonia-15 is released, its credit line names rID 75037.
    _import(project_env, SAMPLE_CSV)
    mirror = mirror_of("radiopaedia")
    crawl("radiopaedia", mirror, cases="75037", recrawl=recrawl)
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from cases") == [(0,)]
    assert mirror.count("/cases/75037") == 0 and mirror.count(SLUG_15) == 0  # known before the redirect
    new, skipped, stats = _last_run(db)
    assert (new, skipped) == (0, 1) and json.loads(stats)["cases/skipped_released"] == 1


@pytest.mark.parametrize("recrawl", ["no", "yes"])
def test_a_released_case_whose_row_names_only_the_slug_is_recognised_after_the_redirect(mirror_of, crawl, project_env,
                                                                                        tmp_path, recrawl):
    row = ("20,,M,,Pneumonia/Viral/COVID-19,,,,,,,,,,,,,,PA,X-ray,2020,,images,rp15.png,,"
           "https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=us,CC BY-NC-SA,,,")
    _import(project_env, write_release(tmp_path / "dataset", [row], files={}) / "metadata.csv")
    mirror = mirror_of("radiopaedia")
    crawl("radiopaedia", mirror, cases="75037,covid-19-pneumonia-12", recrawl=recrawl)
    db = project_env["STAGING_DB_URL"]
    # The permalink is asked (nothing named rID 75037 yet); the slug it redirects to is the released row's.
    assert mirror.count("/cases/75037") == 1 and mirror.count(SLUG_15) == 0
    assert rows(db, "select source_key from cases") == [("74867",)]


def test_eurorad_numbers_and_url_forms_are_one_case_and_released_pages_stay_out(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    crawl("eurorad", mirror, cases="16672")
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select source_key from cases") == [("16672",)]
    mirror.reset_counters()
    crawl("eurorad", mirror, cases="CASE 16672,https://eurorad.org/case/16672/,https://www.eurorad.org/case/16672/teaching-case?lang=en")
    assert not [path for path in mirror.requests if path.startswith("/case/")]
    assert _last_run(db)[:2] == (0, 1)  # three names, one case: asked for once, and skipped
    # The released dataset holds case 16689 (two patients on one page): no name of it is crawled again.
    _import(project_env, SAMPLE_CSV)
    crawl("eurorad", mirror, cases="https://www.eurorad.org/case/16689?utm_source=x", recrawl="yes")
    assert mirror.count("/case/16689") == 0
    # the sample holds 16672 too
    assert rows(db, "select source_key, review_state from cases") == [("16672", "released")]


def test_a_released_sirm_post_reached_on_the_archive_host_is_not_staged(mirror_of, crawl, project_env):
    _import(project_env, SAMPLE_CSV)  # holds https://www.sirm.org/2020/03/11/covid-19-caso-40/
    mirror = mirror_of("sirm")
    crawl("sirm", mirror, cases="https://archivio.sirm.org/2020/03/11/covid-19-caso-40/,40", recrawl="yes")
    assert rows(project_env["STAGING_DB_URL"], "select count(*) from cases") == [(0,)]
    assert not [path for path in mirror.requests if "caso-40" in path or "?name=" in path]


def _paper_without_its_doi(mirror) -> None:
    """The PMC article page and its XML without the DOI (PMC records that name none exist), and a
    DOI that resolves to the PMC copy: each route then knows only one of the paper's names."""
    html = (FIXTURES / "publications" / "pmc_article.html").read_text(encoding="utf-8")
    for tag in (f'<meta name="citation_doi" content="{DOI}">', f'<meta name="DC.Identifier" content="{DOI}">'):
        html = html.replace(tag, "")
    html = html.replace(f'doi: <a href="https://doi.org/{DOI}"', '<a href="#"').replace(f">{DOI}</a>", "></a>")
    assert DOI not in html
    mirror.route(PMC_PAGE, html, headers={"Content-Type": "text/html; charset=utf-8"})
    xml = (FIXTURES / "publications" / "PMC_fulltext.xml").read_text(encoding="utf-8")
    xml = xml.replace(f'<article-id pub-id-type="doi">{DOI}</article-id>', "")
    assert DOI not in xml
    mirror.route("https://www.ebi.ac.uk/europepmc/webservices/rest/PMC7251234/fullTextXML", xml,
                 headers={"Content-Type": "application/xml"})
    mirror.route("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pmc&id=7251234&retmode=xml", xml,
                 headers={"Content-Type": "text/xml; charset=UTF-8"})
    # The ID converter knows the PMCID but not the DOI of this record.
    mirror.route("https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/?ids=PMC7251234&format=json",
                 '{"status": "ok", "records": [{"pmcid": "PMC7251234", "pmid": 32501234,'
                 ' "requested-id": "PMC7251234"}]}',
                 headers={"Content-Type": "application/json; charset=UTF-8"})
    mirror.route(f"https://doi.org/{DOI}", status=302, headers={"Location": PMC_PAGE})


def _paper_keys(db: str) -> list[str]:
    return [r[0] for r in rows(db, "select source_key from cases where source = 'publications' order by source_key")]


def test_a_paper_crawled_by_pmcid_then_by_doi_keeps_the_same_cases(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    _paper_without_its_doi(mirror)
    crawl("publications", mirror, dois="PMC7251234")
    db = project_env["STAGING_DB_URL"]
    first = _paper_keys(db)
    assert first == [f"pmc:PMC7251234#patient{n}" for n in (1, 2, 3)]
    # By DOI: the landing page names the PMCID, a name of the staged paper: skipped, then recrawled.
    crawl("publications", mirror, dois=DOI)
    assert _paper_keys(db) == first and _last_run(db)[:2] == (0, 1)
    crawl("publications", mirror, dois=f"https://doi.org/{DOI}", recrawl="yes")
    assert _paper_keys(db) == first and _last_run(db)[0] == 0
    assert rows(db, f"select key from case_aliases where alias = 'doi:{DOI}'") == [("pmc:PMC7251234",)]


def test_a_paper_crawled_by_doi_then_by_pmcid_keeps_the_same_cases(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    _paper_without_its_doi(mirror)
    crawl("publications", mirror, dois=DOI)
    db = project_env["STAGING_DB_URL"]
    first = _paper_keys(db)
    assert first == [f"{DOI}#patient{n}" for n in (1, 2, 3)]
    crawl("publications", mirror, dois="PMC7251234", recrawl="yes")
    assert _paper_keys(db) == first and _last_run(db)[0] == 0


def test_an_unknown_argument_is_refused_with_the_known_ones_before_anything_starts(mirror_of, crawl, project_env):
    mirror = mirror_of("radiopaedia")
    result = crawl("radiopaedia", mirror, check=False, case="75037")
    assert result.returncode == 1
    ours = [line for line in result.stderr.splitlines() if "bad argument" in line]
    assert ours == ["error: scrapy crawl radiopaedia: bad argument: unknown argument 'case' (did you mean 'cases'?); "
                    "radiopaedia takes: base_url, cases, cases_file, limit, query, recrawl"]
    assert "Traceback" not in result.stderr and result.stderr.strip() == ours[0]  # the line alone, no start-up log
    assert sum(mirror.requests.values()) == 0  # no search crawl, not even robots.txt
