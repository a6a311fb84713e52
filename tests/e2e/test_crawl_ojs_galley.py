"""An Open Journal Systems article whose full text is an HTML galley shown in a frame, crawled end to end on
the loopback mirror (tests/fixtures/papers_unseen12/, paper 6: Archives of Academic Emergency Medicine,
not in PMC), asked by a DOI address written without its scheme."""

from __future__ import annotations

import json

from tests.e2e.conftest import rows

AAEM = "https://journals.sbmu.ac.ir/aaem/index.php/AAEM/article/{}"


def test_the_galleys_framed_full_text_gives_the_figures_and_the_patient(mirror_of, crawl, project_env):
    mirror = mirror_of("papers_unseen12")
    crawl("publications", mirror, dois="doi.org/10.22037/aaem.v9i1.1071")
    db = project_env["STAGING_DB_URL"]
    staged = rows(db, "select i.label, i.source_url, i.provenance, c.history, c.canonical_url "
                      "from images i join cases c on c.id = i.case_id where i.included order by i.position")
    figure = AAEM.format("download/1071/1523/7021")
    assert [(label, url) for label, url, *_ in staged] == [("a", f"{figure}#panel=a"), ("b", f"{figure}#panel=b")]
    # the landing page, its "HTML" galley, then the frame holding the article: each asked once
    assert [mirror.count(AAEM.format(page)) for page in ("view/1071", "view/1071/1523",
                                                         "download/1071/1523?inline=1")] == [1, 1, 1]
    assert json.loads(staged[0][2])["route"] == "publisher-html"
    _, _, _, history, url = staged[0]
    assert "A 60-year-old man was referred" in history and "Figure 1:" not in history
    assert url == AAEM.format("view/1071")  # the article's page, not its galley or frame
