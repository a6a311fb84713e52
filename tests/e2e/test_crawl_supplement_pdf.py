"""A paper whose patient images are only in its supplementary PDF ("Additional file 1"), crawled end
to end on the loopback mirror (tests/fixtures/papers_unseen8/, paper 4: BMC Pulmonary Medicine,
PMC7980044; the article's own figure is a clinical-course chart)."""

from __future__ import annotations

import json

from tests.e2e.conftest import rows

PMCID = "PMC7980044"
SUPPLEMENT = "https://europepmc.org/articles/PMC7980044/bin/12890_2020_1312_MOESM1_ESM.pdf"


def _staged(db: str) -> list[tuple]:
    return rows(db, "select i.label, i.source_url, i.provenance, c.history, c.extra, c.canonical_url "
                    "from images i join cases c on c.id = i.case_id order by i.position")


def _stats(db: str) -> dict:
    return json.loads(rows(db, "select stats from crawl_runs order by id desc limit 1")[0][0])


def test_the_supplements_figures_are_staged_as_s1_s2_with_the_articles_text(mirror_of, crawl, project_env):
    mirror = mirror_of("papers_unseen8")
    crawl("publications", mirror, dois=PMCID)
    db = project_env["STAGING_DB_URL"]
    staged = _staged(db)
    assert mirror.count("/articles/PMC7980044/bin/12890_2020_1312_MOESM1_ESM.pdf") == 1
    # Figure S1's two panels (a radiograph pair) and Figure S2 (one CT slice), named S1/S2, not 1/2
    assert [(label, url) for label, url, *_ in staged] == [
        ("a", f"{SUPPLEMENT}#page=1&figure=S1&panel=a"), ("b", f"{SUPPLEMENT}#page=1&figure=S1&panel=b"),
        ("Figure S2", f"{SUPPLEMENT}#page=1&figure=S2")]
    provenance = [json.loads(p) for _, _, p, *_ in staged]
    assert [p["figure_label"] for p in provenance] == ["Figure S1", "Figure S1", "Figure S2"]
    assert all(p["supplementary"] is True and p["route"] == "supplement-pdf" for p in provenance)
    assert provenance[0]["route_urls"][-1] == SUPPLEMENT
    _, _, _, history, extra, url = staged[0]
    # the case is the article's: its description and page, not the supplement's consent line
    assert "kidney transplant" in history and "written consent" not in history
    assert url == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7980044/"
    extra = json.loads(extra)
    assert "supplementary_skipped" not in extra  # it was read
    assert extra["left_out_figures"][0]["figure"] == "Fig. 1"  # the chart
    assert _stats(db)["papers/route/supplement-pdf"] == 1


def test_a_supplement_that_is_no_pdf_or_too_large_is_refused_and_nothing_guessed(mirror_of, crawl, project_env):
    """An HTML page where the PDF should be is rejected like any PDF the spider reads; a body over
    the download size cap is not read at all. The paper then has no patient image: nothing staged."""
    mirror = mirror_of("papers_unseen8")
    mirror.route(SUPPLEMENT, "<!DOCTYPE html><html><body>Please enable JavaScript</body></html>",
                 headers={"Content-Type": "text/html"})
    result = crawl("publications", mirror, dois=PMCID)
    db = project_env["STAGING_DB_URL"]
    assert _staged(db) == []
    assert _stats(db)["papers/pdf_rejected"] == 1
    assert "not a PDF, rejected: " + SUPPLEMENT in result.stderr

    mirror.route(SUPPLEMENT, b"%PDF-1.4\n" + b"0" * 3_000_000, headers={"Content-Type": "application/pdf"})
    result = crawl("publications", mirror, dois=PMCID, settings={"DOWNLOAD_MAXSIZE": 2_000_000})
    assert _staged(db) == []
    assert "supplement-pdf step failed" in result.stderr
