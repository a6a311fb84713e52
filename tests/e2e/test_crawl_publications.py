"""``scrapy crawl publications`` as a real process against the fixture mirror on 127.0.0.1."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import rows, snapshot

pytestmark = pytest.mark.e2e

DOI = "10.1016/j.radcr.2020.05.017"
PMC_PAGE = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/"
CDN = "https://cdn.ncbi.nlm.nih.gov/pmc/blobs/b3a1/7251234"
RADCR_PDF = "https://www.radiologycasereports.com/article/S1930043320302934/pdf"
CASE_SERIES_PDF = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7251234/pdf/main.pdf"
IDCONV_PMC = "/tools/idconv/api/v1/articles/?ids=PMC7251234&format=json"
EFETCH = "/entrez/eutils/efetch.fcgi?db=pmc&id=7251234&retmode=xml"
CASE_FIELDS = ["id", "source_key", "canonical_url", "doi", "title", "published", "license_raw", "license", "authors",
               "history", "review_state", "warnings", "extra", "document_id"]


def _cases(db: str) -> dict[str, dict]:
    return {r[1]: dict(zip(CASE_FIELDS, r))
            for r in rows(db, f"select {', '.join(CASE_FIELDS)} from cases where source = 'publications'")}


def _images(db: str, case_id: int) -> list[dict]:
    names = ["position", "label", "source_url", "sha256", "format", "width", "height", "media_path", "caption",
             "view_text", "date_text", "provenance"]
    found = [dict(zip(names, r))
             for r in rows(db, f"select {', '.join(names)} from images where case_id = {case_id} order by position")]
    for image in found:
        image["provenance"] = json.loads(image["provenance"])
    return found


def _fields(db: str, case_id: int) -> dict[tuple, str | None]:
    return {(pos, field): value for pos, field, value in rows(
        db, "select i.position, f.field, f.value from field_values f left join images i on i.id = f.image_id "
            f"where f.case_id = {case_id}")}


def _stats(db: str) -> dict:
    return json.loads(rows(db, "select stats from crawl_runs order by id desc limit 1")[0][0])


def test_pmcid_yields_one_case_per_patient_with_split_panels_and_licences(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="PMC7251234")
    db, media = project_env["STAGING_DB_URL"], Path(project_env["MEDIA_STORE"])
    # The ID converter (the DOI), Crossref, NCBI efetch's JATS, PMC's page (the CDN image URLs), the figures to split.
    for path in (IDCONV_PMC, f"/works/{DOI.replace('/', '%2F')}", EFETCH,
                 "/articles/PMC7251234/", "/pmc/blobs/b3a1/7251234/5f0c2ed4a9b1/gr1.jpg",
                 "/pmc/blobs/b3a1/7251234/0e9d1c7f4b22/gr2.jpg", "/pmc/blobs/b3a1/7251234/91ab0c33de57/gr3.jpg"):
        assert mirror.count(path) == 1, path
    # efetch had the full text: neither Europe PMC's copy, the publisher's page nor the PDF is asked.
    for path in ("/europepmc/webservices/rest/PMC7251234/fullTextXML", f"/{DOI}", "/articles/PMC7251234/pdf/main.pdf"):
        assert mirror.count(path) == 0, path

    cases = _cases(db)
    assert sorted(cases) == [f"{DOI}#patient{n}" for n in (1, 2, 3)]
    title = "Serial chest radiographs in three patients with COVID-19 pneumonia: a case series"
    for n, case in ((n, cases[f"{DOI}#patient{n}"]) for n in (1, 2, 3)):
        assert (case["canonical_url"], case["doi"], case["title"], case["published"], case["authors"],
                case["review_state"]) == (
            PMC_PAGE, DOI, f"{title} (patient {n})", "2020-05-27", "Laura Moretti, Daniel Okafor", "staged")
        extra = json.loads(case["extra"])
        assert (extra["pmcid"], extra["patient_number"], extra["journal"], extra["input"]) == (
            "PMC7251234", n, "Radiology Case Reports", "PMC7251234")
        assert json.loads(case["warnings"])[0] == "paper describes several patients (3 cases)"
    assert cases[f"{DOI}#patient1"]["history"].startswith("A 58-year-old man presented with fever")
    assert cases[f"{DOI}#patient2"]["history"].startswith("A 71-year-old woman with diabetes")

    # The article licence (JATS ali:license_ref) for patients 1 and 2 ...
    for n in (1, 2):
        case = cases[f"{DOI}#patient{n}"]
        assert (case["license_raw"], case["license"]) == ("CC BY-NC-ND 4.0", "CC BY-NC-ND 4.0")
        assert json.loads(case["extra"])["license_evidence"] == "ali:license_ref http://creativecommons.org/licenses/by-nc-nd/4.0/"
    # ... but not for patient 3, whose only figure is reproduced from RSNA: withheld, flagged.
    third = cases[f"{DOI}#patient3"]
    assert (third["license_raw"], third["license"]) == (None, None)
    assert json.loads(third["extra"])["article_license"] == "CC BY-NC-ND 4.0"
    assert any(w.startswith("licence withheld: Fig. 3 is third-party") for w in json.loads(third["warnings"]))
    (gr3,) = _images(db, third["id"])
    assert gr3["source_url"] == f"{CDN}/91ab0c33de57/gr3.jpg" and gr3["format"] == "jpeg"
    assert (gr3["provenance"]["third_party"] is True
            and "Reproduced with permission" in gr3["provenance"]["third_party_evidence"])
    assert (gr3["provenance"]["article_license"] == "CC BY-NC-ND 4.0"
            and "Radiological Society" in gr3["provenance"]["license"])
    assert (None, "license") not in _fields(db, third["id"])

    # Each panel its own image, view and date from its sub-caption; parent, box and crop recorded.
    patient1 = _images(db, cases[f"{DOI}#patient1"]["id"])
    assert [(i["label"], i["source_url"], i["view_text"], i["date_text"] or "", i["format"], i["width"], i["height"])
            for i in patient1] == [
        ("a", f"{CDN}/5f0c2ed4a9b1/gr1.jpg#panel=a",
         "PA radiograph on day 3 shows bilateral peripheral ground-glass opacities", "day 3", "png", 360, 380),
        ("b", f"{CDN}/5f0c2ed4a9b1/gr1.jpg#panel=b", "lateral view", "", "png", 360, 380)]
    a, b = (i["provenance"] for i in patient1)
    assert (a["parent_figure"] == f"{CDN}/5f0c2ed4a9b1/gr1.jpg" and a["panel_box"] == [0, 0, 360, 380]
            and b["panel_box"] == [374, 0, 734, 380])
    assert a["transform"] == "crop (0, 0, 360, 380) of the 734x380 figure" and a["parent_size"] == [734, 380]
    assert a["parent_sha256"] == b["parent_sha256"] and (media / a["parent_media_path"]).is_file()
    with Image.open(media / a["parent_media_path"]) as parent, Image.open(media / patient1[0]["media_path"]) as panel:
        assert parent.crop((0, 0, 360, 380)).tobytes() == panel.tobytes()
    for image in patient1:
        assert hashlib.sha256((media / image["media_path"]).read_bytes()).hexdigest() == image["sha256"]
    fields = _fields(db, cases[f"{DOI}#patient1"]["id"])
    assert fields[(0, "view")] == "PA" and fields[(1, "view")] == "L"
    assert fields[(None, "doi")] == DOI and fields[(None, "license")] == "CC BY-NC-ND 4.0"
    patient2 = _images(db, cases[f"{DOI}#patient2"]["id"])
    assert [(i["label"], i["view_text"], i["date_text"] or "") for i in patient2] == [
        ("a", "AP supine radiograph on admission", "on admission"),
        ("b", "AP supine radiograph on day 7: worsening bilateral consolidation", "day 7")]

    assert sorted(r[0] for r in rows(db, "select url from fetched_documents")) == sorted([
        PMC_PAGE, f"https://api.crossref.org/works/{DOI.replace('/', '%2F')}",
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pmc&id=7251234&retmode=xml"])
    # Each figure says the route and the URLs it came from; the case keeps the whole chain.
    assert a["route"] == "efetch-xml" and a["route_urls"] == [
        "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/efetch.fcgi?db=pmc&id=7251234&retmode=xml", PMC_PAGE]
    steps = json.loads(cases[f"{DOI}#patient1"]["extra"])["resolution"]["steps"]
    assert [(s["step"], s["status"]) for s in steps] == [("idconv", 200), ("efetch-xml", 200), ("pmc-html", 200)]
    assert steps[0]["outcome"] == f"PMC7251234, {DOI}"
    assert _stats(db)["papers/route/efetch-xml"] == 1
    assert rows(db, "select cases_new, images, cases_failed from crawl_runs") == [(3, 5, 0)]


def test_the_doi_resolves_to_the_same_pmc_copy_and_the_same_cases_as_the_pmcid(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois=f"https://doi.org/{DOI.upper()}")
    db = project_env["STAGING_DB_URL"]
    # The ID converter names the PMC copy: neither the publisher's page (doi.org) nor a PDF is asked.
    assert mirror.count(f"/tools/idconv/api/v1/articles/?ids={DOI.replace('/', '%2F')}&format=json") == 1
    assert mirror.count(EFETCH) == 1
    for path in (f"/{DOI}", "/retrieve/pii/S1930043320302934", "/article/S1930043320302934/pdf"):
        assert mirror.count(path) == 0, path
    cases = _cases(db)
    assert sorted(cases) == [f"{DOI}#patient{n}" for n in (1, 2, 3)]
    assert {c["canonical_url"] for c in cases.values()} == {PMC_PAGE}
    patient1 = _images(db, cases[f"{DOI}#patient1"]["id"])
    assert [i["source_url"] for i in patient1] == [f"{CDN}/5f0c2ed4a9b1/gr1.jpg#panel=a",
                                                   f"{CDN}/5f0c2ed4a9b1/gr1.jpg#panel=b"]
    assert json.loads(cases[f"{DOI}#patient1"]["extra"])["input"] == f"https://doi.org/{DOI.upper()}"


RMCR_DOI = "10.1016/j.rmcr.2020.101089"
RMCR_PII = "S2213007120301998"
RMCR_PDF = f"https://www.resmedcasereports.com/article/{RMCR_PII}/pdf"


def test_a_paper_only_open_as_a_pdf_named_by_its_pii(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="S2213-0071(20)30199-8")
    db = project_env["STAGING_DB_URL"]
    assert mirror.count(f"/works?filter=alternative-id%3A{RMCR_PII}&rows=2") == 1  # Crossref: PII -> DOI
    assert mirror.count(f"/science/article/pii/{RMCR_PII}") == 1  # the publisher's page: refused
    assert mirror.count(f"/article/{RMCR_PII}/pdf") == 1  # Crossref's link[] application/pdf
    (case,) = _cases(db).values()
    assert case["source_key"] == f"{RMCR_DOI}#patient1"
    assert case["doi"] == RMCR_DOI
    assert case["canonical_url"] == RMCR_PDF  # the publisher's page could not be read: the PDF is where the figure is
    assert case["license"] == "CC BY-NC-ND 4.0"
    images = _images(db, case["id"])
    assert [(i["label"], i["source_url"]) for i in images] == [
        ("a", f"{RMCR_PDF}#page=1&figure=1&panel=a"), ("b", f"{RMCR_PDF}#page=1&figure=1&panel=b")]
    assert images[0]["provenance"]["route"] == "pdf" and images[0]["provenance"]["route_urls"] == [RMCR_PDF]
    steps = [(s["step"], s["outcome"]) for s in json.loads(case["extra"])["resolution"]["steps"]]
    assert steps[:3] == [("pii", RMCR_DOI), ("idconv", "Identifier not found in PMC"),
                         ("europepmc-search", "no match among 0 hits")]
    assert steps[3][0] == "publisher-html" and steps[3][1].startswith("refused")
    fields = _fields(db, case["id"])
    assert fields[(None, "age")] == "45" and fields[(None, "sex")] == "F"
    # Offsets count from the onset of symptoms ("fever ... for five days" before admission): the
    # admission film is day 5. A bare "day 6", with no day-0 label to say which count it belongs
    # to, could be day 6 from the onset or of the stay: the timeline leaves it blank (issue 12).
    assert fields[(0, "offset")] == "5"
    assert fields[(1, "offset")] is None
    assert _stats(db)["papers/route/pdf"] == 1


def test_a_publisher_page_that_answers_the_pdf_itself_is_read_as_the_pdf(mirror_of, crawl, project_env):
    """The article's address answers its PDF (a link or DOI resolving straight to it): the crawl
    reads it as the paper's PDF, once, instead of failing on a page that is not text."""
    mirror = mirror_of("publications")
    pdf = mirror.resolve(f"/article/{RMCR_PII}/pdf", "www.resmedcasereports.com").payload()
    page = f"https://www.sciencedirect.com/science/article/pii/{RMCR_PII}"
    mirror.route(page, pdf, headers={"Content-Type": "application/pdf"})
    crawl("publications", mirror, dois="S2213-0071(20)30199-8")
    db = project_env["STAGING_DB_URL"]
    assert mirror.count(f"/science/article/pii/{RMCR_PII}") == 1
    assert mirror.count(f"/article/{RMCR_PII}/pdf") == 0  # the PDF was had: Crossref's link not needed
    (case,) = _cases(db).values()
    assert case["canonical_url"] == page
    images = _images(db, case["id"])
    assert [i["label"] for i in images] == ["a", "b"]
    assert images[0]["source_url"] == f"{page}#page=1&figure=1&panel=a"
    assert images[0]["provenance"]["route"] == "pdf"
    steps = [(s["step"], s["outcome"]) for s in json.loads(case["extra"])["resolution"]["steps"]]
    assert ("publisher-html", "1 figures") in steps
    assert _stats(db)["papers/route/pdf"] == 1
    assert "spider_exceptions" not in " ".join(_stats(db))


def test_a_pdf_that_is_not_a_pdf_is_rejected(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    mirror.route(RMCR_PDF, "<!DOCTYPE html><html><head><title>Article</title></head>"
                           "<body>Sign in to read</body></html>",
                 headers={"Content-Type": "application/pdf"})
    result = crawl("publications", mirror, dois=RMCR_DOI)
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from cases") == [(0,)]
    stats = _stats(db)
    assert stats["papers/pdf_rejected"] == 1 and stats["papers/no_open_copy"] == 1
    assert f"no open copy: {RMCR_DOI} (" in result.stderr and "pdf: not a PDF" in result.stderr


def test_case_series_pdf_given_alone_one_case_per_patient_unreliable_split_flagged(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois=CASE_SERIES_PDF)
    db = project_env["STAGING_DB_URL"]
    # The PDF given is the copy; the ID converter still names its DOI (the cases' identity).
    assert mirror.count(IDCONV_PMC) == 1 and mirror.count(EFETCH) == 0 and mirror.count("/articles/PMC7251234/") == 0
    cases = _cases(db)
    assert sorted(cases) == [f"{DOI}#patient1", f"{DOI}#patient2"]
    patient1, patient2 = (_images(db, cases[f"{DOI}#patient{n}"]["id"]) for n in (1, 2))
    assert [(i["label"], i["source_url"]) for i in patient1] == [
        ("a", f"{CASE_SERIES_PDF}#page=1&figure=1&panel=a"), ("b", f"{CASE_SERIES_PDF}#page=1&figure=1&panel=b")]
    # Three panels without gutters: the whole figure kept for each, flagged for the reviewer.
    assert [(i["label"], i["source_url"], i["date_text"]) for i in patient2] == [
        ("a", f"{CASE_SERIES_PDF}#page=1&figure=2", "on admission"),
        ("b", f"{CASE_SERIES_PDF}#page=1&figure=2", "day 5"),
        ("c", f"{CASE_SERIES_PDF}#page=1&figure=2", "day 6")]
    assert all(i["provenance"]["needs_review"] and i["provenance"]["transform"].startswith("none") for i in patient2)
    assert len({i["sha256"] for i in patient2}) == 1
    assert any(w.startswith("figure 2: ") for w in json.loads(cases[f"{DOI}#patient2"]["warnings"]))
    assert all(c["canonical_url"] == CASE_SERIES_PDF for c in cases.values())


def test_third_party_figure_of_a_cc_by_article_and_full_size_springer_figure(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, ids_file=str(_ids_file(project_env, [
        "# from suggestions", "https://doi.org/10.1007/s00330-020-06801-0", "PMC7260001"])))
    db = project_env["STAGING_DB_URL"]
    cases = _cases(db)
    assert sorted(cases) == ["10.1007/s00330-020-06801-0#patient1", "10.25122/jml-2020-0042#patient1"]
    springer = cases["10.1007/s00330-020-06801-0#patient1"]
    assert springer["canonical_url"] == "https://link.springer.com/article/10.1007/s00330-020-06801-0"
    assert springer["license"] is None and json.loads(springer["extra"])["article_license"] == "CC BY 4.0"
    images = _images(db, springer["id"])
    assert all("/full/springer-static/" in i["source_url"] for i in images)  # the full size, not lw685
    assert [(i["label"], i["width"]) for i in images] == [("a", 600), ("b", 600)]
    # Europe PMC 404 -> NCBI efetch full text; a figure "courtesy of" withholds the case licence.
    jml = cases["10.25122/jml-2020-0042#patient1"]
    assert mirror.count("/entrez/eutils/efetch.fcgi?db=pmc&id=7260001&retmode=xml") == 1
    assert jml["license"] is None and json.loads(jml["extra"])["article_license"] == "CC BY 4.0"
    g1, g2 = _images(db, jml["id"])
    assert "third_party" not in g1["provenance"] and g2["provenance"]["third_party"] is True


RSNA_DOI = "10.1148/radiol.2020200463"
RSNA_PMC_PAGE = "https://pmc.ncbi.nlm.nih.gov/articles/PMC7233391/"
RSNA_CDN = "https://cdn.ncbi.nlm.nih.gov/pmc/blobs/9c1e/7233391"


def test_a_refused_publisher_page_is_not_asked_when_pmc_shows_the_figures_and_papers_without_copy_say_why(
        mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    result = crawl("publications", mirror, dois=f"{RSNA_DOI},10.1148/radiol.2020200432,10.1148/radiol.0000000000")
    db = project_env["STAGING_DB_URL"]
    # RSNA refuses robots (403), but the ID converter names the PMC copy: efetch says metadata only,
    # Europe PMC has no full text, PMC's article page shows the figures. RSNA is never asked.
    assert mirror.count(f"/doi/{RSNA_DOI}") == 0
    assert mirror.count("/entrez/eutils/efetch.fcgi?db=pmc&id=7233391&retmode=xml") == 1
    assert mirror.count("/europepmc/webservices/rest/PMC7233391/fullTextXML") == 1
    cases = _cases(db)
    # Each figure describes another patient of the cohort ("a 36-year-old man", "a 62-year-old woman").
    assert sorted(cases) == [f"{RSNA_DOI}#patient1", f"{RSNA_DOI}#patient2"]
    first, second = cases[f"{RSNA_DOI}#patient1"], cases[f"{RSNA_DOI}#patient2"]
    assert first["canonical_url"] == RSNA_PMC_PAGE and second["canonical_url"] == RSNA_PMC_PAGE
    assert first["doi"] == RSNA_DOI and second["doi"] == RSNA_DOI
    assert first["license"] is None  # "for the duration of the pandemic" is no open licence: a reviewer decides
    assert (_fields(db, first["id"])[(None, "age")], _fields(db, first["id"])[(None, "sex")]) == ("36", "M")
    assert (_fields(db, second["id"])[(None, "age")], _fields(db, second["id"])[(None, "sex")]) == ("62", "F")
    (fig1,) = _images(db, first["id"])
    assert fig1["source_url"] == f"{RSNA_CDN}/2b7d90e1a4c3/radiol.2020200463.fig1.jpg"
    assert fig1["provenance"]["route"] == "pmc-html" and fig1["provenance"]["route_urls"] == [RSNA_PMC_PAGE]
    panels = _images(db, second["id"])
    assert [i["label"] for i in panels] == ["a", "b"]
    assert [i["source_url"] for i in panels] == [f"{RSNA_CDN}/77e0c5b2d915/radiol.2020200463.fig2.jpg#panel={x}"
                                                 for x in "ab"]
    fields = _fields(db, second["id"])
    assert (fields[(0, "offset")], fields[(1, "offset")]) == ("4", "11")
    assert (fields[(0, "modality")], fields[(1, "modality")]) == ("CT", "CT")
    stats = _stats(db)
    assert stats["papers/route/pmc-html"] == 1 and stats["papers/no_open_copy"] == 2
    assert stats["papers/no_full_text"] == 1
    assert ("no open copy: 10.1148/radiol.2020200432 (idconv: Identifier not found in PMC; "
            "europepmc-search: indexed, no PMC copy; publisher-html: refused (cloudflare-challenge))") in result.stderr
    assert ("no open copy: 10.1148/radiol.0000000000 (idconv: Identifier not found in PMC; "
            "europepmc-search: no match among 0 hits") in result.stderr
    assert "papers by route: pmc-html 1; no open copy: 2" in result.stderr
    assert "Traceback" not in result.stderr  # the spider's close (these lines) and the crawl's end raise nothing


def test_when_pmc_too_refuses_the_paper_has_no_open_copy(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    mirror.route(RSNA_PMC_PAGE,
                 (Path(__file__).parents[1] / "fixtures" / "publications" / "pmc_recaptcha.html").read_bytes(),
                 headers={"Content-Type": "text/html; charset=utf-8"})
    result = crawl("publications", mirror, dois="PMC7233391")
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from cases") == [(0,)]
    # Every route was tried, cheapest first; the reason names each answer.
    assert mirror.count(f"/doi/{RSNA_DOI}") == 1
    assert (f"no open copy: {RSNA_DOI} (idconv: PMC7233391, {RSNA_DOI}; "
            "efetch-xml: metadata only (no <body>: outside the open-access subset); "
            "europepmc-xml: HTTP 404; pmc-html: ") in result.stderr
    assert "publisher-html: refused (cloudflare-challenge)" in result.stderr


def test_second_crawl_stages_nothing_new_and_known_dois_are_skipped_in_any_form(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="PMC7251234")
    db = project_env["STAGING_DB_URL"]
    before = snapshot(db)
    mirror.reset_counters()
    crawl("publications", mirror, dois=f"https://doi.org/{DOI.upper()},doi:{DOI},PMC7251234")
    assert snapshot(db) == before
    assert sum(mirror.requests.values()) <= 1  # at most robots.txt: no paper request at all
    run = rows(db, "select cases_new, cases_skipped, images from crawl_runs order by id desc limit 1")
    assert run == [(0, 3, 0)]
    # -a recrawl=yes fetches it again, and nothing changes.
    crawl("publications", mirror, dois="PMC7251234", recrawl="yes")
    assert snapshot(db)["cases"] == before["cases"] and snapshot(db)["images"] == before["images"]
    assert rows(db, "select cases_new, cases_unchanged from crawl_runs order by id desc limit 1") == [(0, 3)]


def test_bad_inputs_are_refused(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    result = crawl("publications", mirror, check=False, dois="not-a-paper")
    assert result.returncode != 0 and "not-a-paper" in result.stderr
    result = crawl("publications", mirror, check=False)
    assert result.returncode != 0 and "ids_file" in result.stderr


def _ids_file(env: dict, lines: list[str]) -> Path:
    path = Path(env["MEDIA_STORE"]).parent / "ids.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path




def test_compound_figures_patients_mixed_modalities_and_non_patient_figures(mirror_of, crawl, project_env):
    """Four papers, each reached by another identifier: a DOI (JATS figure A-D over two weeks), a
    PMCID (three patients across figures, a timeline), a doi.org link to a publisher page (X-ray
    and CT panels in one figure) and a PMID (efetch metadata only, then Europe PMC; histology and
    brain MRI figures)."""
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="10.1016/j.idcr.2020.e00812,PMC7320002,https://doi.org/10.3348/kjr.2020.0178,PMID:32600003")
    db = project_env["STAGING_DB_URL"]
    cases = _cases(db)
    assert sorted(cases) == ["10.1016/j.idcr.2020.e00812#patient1", "10.1016/j.ijid.2020.04.061#patient1",
                             "10.1016/j.ijid.2020.04.061#patient2", "10.1016/j.ijid.2020.04.061#patient3",
                             "10.1186/s12879-020-05151-9#patient1", "10.3348/kjr.2020.0178#patient1"]
    stats = _stats(db)
    assert (stats["papers/route/efetch-xml"], stats["papers/route/europepmc-xml"],
            stats["papers/route/publisher-html"]) == (2, 1, 1)

    # A-D on different days: one image per panel, each with its own view and offset.
    idcr = cases["10.1016/j.idcr.2020.e00812#patient1"]
    assert idcr["canonical_url"] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7310001/"
    images = _images(db, idcr["id"])
    assert [i["label"] for i in images] == ["a", "b", "c", "d", "Fig. 2"]
    assert [(i["width"], i["height"]) for i in images[:4]] == [(340, 380)] * 4
    assert [i["provenance"]["panel_box"] for i in images[:4]] == [[0, 0, 340, 380], [350, 0, 690, 380],
                                                                  [0, 390, 340, 770], [350, 390, 690, 770]]
    assert images[0]["provenance"]["subcaption"] == ("PA radiograph on admission (day 0): "
                                                     "patchy opacity in the right lower zone")
    fields = _fields(db, idcr["id"])
    # "a 4-day history of fever" before admission: day 0 of the stay is day 4 from the onset.
    assert [fields[(n, "offset")] for n in range(5)] == ["4", "8", "12", "19", "8"]
    assert [fields[(n, "view")] for n in range(5)] == ["PA", "PA", "AP", "PA", "Axial"]
    assert [fields[(n, "modality")] for n in range(5)] == ["X-ray", "X-ray", "X-ray", "X-ray", "CT"]
    assert (fields[(None, "age")], fields[(None, "sex")], fields[(None, "RT_PCR_positive")]) == ("55", "F", "Y")
    assert fields[(None, "needed_supplemental_O2")] == "Y"

    # Three patients: each case has its own age, sex, outcome and figures.
    family = {n: cases[f"10.1016/j.ijid.2020.04.061#patient{n}"] for n in (1, 2, 3)}
    facts = {n: _fields(db, c["id"]) for n, c in family.items()}
    assert [(facts[n][(None, "age")], facts[n][(None, "sex")]) for n in (1, 2, 3)] == [
        ("64", "M"), ("59", "F"), ("31", "M")]
    assert facts[1][(None, "survival")] == "N" and facts[2][(None, "survival")] == "Y"
    assert facts[1][(None, "intubated")] == "Y"
    assert [i["source_url"].rsplit("/", 1)[1] for i in _images(db, family[1]["id"])] == [
        "gr1.jpg#panel=a", "gr1.jpg#panel=b"]
    assert [i["source_url"].rsplit("/", 1)[1] for i in _images(db, family[2]["id"])] == ["gr2.jpg#panel=a"]
    assert [i["source_url"].rsplit("/", 1)[1] for i in _images(db, family[3]["id"])] == ["gr2.jpg#panel=b"]
    assert (facts[2][(0, "modality")], facts[3][(0, "modality")]) == ("X-ray", "CT")
    assert family[2]["history"].startswith("His 59-year-old wife developed a sore throat")
    # The timeline is left out, with the reason the reviewer sees.
    left = json.loads(family[1]["extra"])["left_out_figures"]
    assert [(f["figure"], f["kind"]) for f in left] == [("Fig. 3", "chart")]
    assert ("Fig. 3 left out, not a patient image of the chest (chart): caption names chart: 'Timeline'"
            in json.loads(family[1]["warnings"]))
    assert mirror.count("/articles/PMC7320002/bin/gr3.jpg") == 0

    # X-ray and CT panels of one figure keep each panel's modality; the publisher's page is the url.
    kjr = cases["10.3348/kjr.2020.0178#patient1"]
    assert kjr["canonical_url"] == "https://www.kjronline.org/DOIx.php?id=10.3348/kjr.2020.0178"
    assert kjr["license"] == "CC BY-NC 4.0"
    fields = _fields(db, kjr["id"])
    # "fever and myalgia for 3 days": the admission film is day 3 from the onset; the CT panels'
    # bare "day 2" could count from either anchor, so the timeline leaves them blank (issue 12).
    assert [(fields[(n, "modality")], fields[(n, "view")], fields[(n, "offset")]) for n in range(3)] == [
        ("X-ray", "AP", "3"), ("CT", "Axial", None), ("CT", "Coronal", None)]
    assert _images(db, kjr["id"])[0]["provenance"]["route"] == "publisher-html"

    # efetch said metadata only; Europe PMC had the full text. Histology and brain MRI left out.
    bmc = cases["10.1186/s12879-020-05151-9#patient1"]
    assert mirror.count("/entrez/eutils/efetch.fcgi?db=pmc&id=7330003&retmode=xml") == 1
    assert mirror.count("/europepmc/webservices/rest/PMC7330003/fullTextXML") == 1
    (xray,) = _images(db, bmc["id"])
    assert xray["label"] == "Fig. 1" and xray["provenance"]["route"] == "europepmc-xml"
    assert [(f["figure"], f["kind"]) for f in json.loads(bmc["extra"])["left_out_figures"]] == [
        ("Fig. 2", "histology"), ("Fig. 3", "non-chest imaging")]
    assert bmc["doi"] == "10.1186/s12879-020-05151-9" and json.loads(bmc["extra"])["input"] == "PMID:32600003"


def test_lazy_loaded_figures_and_one_img_per_panel_on_a_publisher_page(mirror_of, crawl, project_env):
    """A paper PMC does not know, open only on its publisher's page, whose figures are lazy-loaded
    (a data: URI or a loading GIF in ``src``, the file in ``data-src`` / ``data-lazy-src`` /
    ``data-srcset``) and whose last figure has one <img> per panel (site-notes §2.5.6, §4.4)."""
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="10.5555/jci.2020.0042")
    db = project_env["STAGING_DB_URL"]
    (case,) = _cases(db).values()
    assert case["source_key"] == "10.5555/jci.2020.0042#patient1"
    assert case["canonical_url"] == "https://www.jci-example.org/article/10.5555/jci.2020.0042"
    assert case["license"] == "CC BY 4.0"
    # The placeholders are never fetched; each real file once.
    assert mirror.count("/assets/img/loading.gif") == 0
    for name in ("g001.jpg", "g002.jpg", "g003-1600.jpg", "g004-left.jpg", "g004-right.jpg", "g005.jpg"):
        assert mirror.count(f"/content/figures/jci-2020-0042-{name}") == 1, name
    # Figure 5 is a thumbnail in the article: its own page is read for the large image, the thumbnail not fetched.
    assert mirror.count("/article/10.5555/jci.2020.0042/figures/5") == 1
    assert mirror.count("/content/figures/thumb/jci-2020-0042-g005.gif") == 0
    images = _images(db, case["id"])
    assert [i["label"] for i in images] == ["a", "b", "Figure 2", "Figure 3", "a", "b", "Figure 5"]
    assert images[6]["source_url"] == "https://www.jci-example.org/content/figures/jci-2020-0042-g005.jpg"
    assert (images[6]["width"], images[6]["height"]) == (600, 520)
    assert [i["source_url"].rsplit("/", 1)[-1] for i in images[4:6]] == ["jci-2020-0042-g004-left.jpg",
                                                                         "jci-2020-0042-g004-right.jpg"]
    assert all(i["provenance"]["route"] == "publisher-html" for i in images)
    fields = _fields(db, case["id"])
    assert [fields[(n, "modality")] for n in range(7)] == ["X-ray", "X-ray", "CT", "CT", "X-ray", "X-ray", "X-ray"]
    assert [fields[(n, "view")] for n in range(7)] == ["PA", "AP Supine", "Axial", "Coronal", "PA", "L", "PA"]
    assert (fields[(None, "age")], fields[(None, "sex")]) == ("47", "M")


def test_a_series_whose_ages_and_sexes_are_in_a_table_of_patients(mirror_of, crawl, project_env):
    """Three patients numbered in their own sections, two of them described without age or sex:
    Table 1 (one row per patient) gives them; the body's own "63-year-old woman" stays the
    evidence where it says it. Each panel goes to the patient its sub-caption names."""
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="PMC7340004")
    db = project_env["STAGING_DB_URL"]
    cases = _cases(db)
    keys = [f"10.1016/j.jinf.2020.06.044#patient{n}" for n in (1, 2, 3)]
    assert sorted(cases) == keys
    facts = [_fields(db, cases[key]["id"]) for key in keys]
    assert [(f[(None, "age")], f[(None, "sex")]) for f in facts] == [("52", "M"), ("63", "F"), ("27", "F")]
    extras = [json.loads(cases[key]["extra"]) for key in keys]
    assert [e["patient_table"] for e in extras] == [f"Table 1, patient {n}: Age: {a}; Sex: {s}"
                                                   for n, a, s in ((1, 52, "M"), (2, 63, "F"), (3, 27, "F"))]
    # Table 2 (laboratory values per patient) says nothing of age or sex and is not read as such.
    images = [_images(db, cases[key]["id"]) for key in keys]
    assert [[i["source_url"].rsplit("/", 1)[1] for i in found] for found in images] == [
        ["gr1.jpg#panel=a", "gr1.jpg#panel=b"], ["gr2.jpg#panel=a"], ["gr2.jpg#panel=b"]]
    assert [(f[(0, "modality")], f[(0, "view")]) for f in facts] == [("X-ray", "PA"), ("X-ray", "AP"), ("CT", "Axial")]
    # "a 4-day history": on admission is day 4; "two days after admission" (a count in words) is day 2
    # of the stay, the onset unknown: the timeline counts from admission. "Hospital day N" without
    # the onset's distance to it is left to the reviewer (issue 12's timeline rule).
    assert (facts[0][(0, "offset")], facts[2][(0, "offset")]) == ("4", "2")
    assert images[2][0]["date_text"] == "two days after admission"
    assert all(f[(None, "url")] == "https://pmc.ncbi.nlm.nih.gov/articles/PMC7340004/" for f in facts)


def _one_paper_case(mirror_of, crawl, project_env, given: str, doi: str):
    """Crawl one paper given as ``given``: the mirror, the staging DB and its only case."""
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois=given)
    db = project_env["STAGING_DB_URL"]
    cases = _cases(db)
    assert list(cases) == [f"{doi}#patient1"]
    return mirror, db, cases[f"{doi}#patient1"]


def test_a_supplementary_figure_is_staged_like_a_figure_and_other_files_are_skipped_with_the_reason(
        mirror_of, crawl, project_env):
    """JATS ``<supplementary-material>`` whose file is an image (the CT the body cites as
    "Supplementary Figure S1") is staged like a figure: its caption, the article's licence, the
    route it came from; the supplementary PDF and Word file are skipped, with the reason."""
    mirror, db, case = _one_paper_case(mirror_of, crawl, project_env, "PMC7360006", "10.1016/j.idcr.2020.e00891")
    assert mirror.count("/articles/PMC7360006/bin/mmc1.jpg") == 1
    assert mirror.count("/articles/PMC7360006/bin/mmc2.pdf") == 0
    images = _images(db, case["id"])
    assert [i["source_url"] for i in images] == ["https://europepmc.org/articles/PMC7360006/bin/gr1.jpg",
                                                 "https://europepmc.org/articles/PMC7360006/bin/mmc1.jpg"]
    supplement = images[1]
    assert supplement["caption"].startswith("Axial chest CT on hospital day 9")
    assert supplement["provenance"]["supplementary"] is True
    assert supplement["provenance"]["route"] == "efetch-xml"
    assert supplement["provenance"]["figure_label"] == "Supplementary Figure S1"
    facts = _fields(db, case["id"])
    assert (facts[(0, "modality")], facts[(1, "modality")]) == ("X-ray", "CT")
    assert case["license"] == "CC BY-NC-ND 4.0"
    extra = json.loads(case["extra"])
    assert extra["supplementary_skipped"] == [
        {"file": "mmc2.pdf", "label": "", "reason": "supplementary material is a PDF, not an image"},
        {"file": "mmc3.docx", "label": "", "reason": "supplementary material is a Word file, not an image"}]


def test_a_publisher_pages_supplementary_image_is_staged_and_its_word_file_skipped(mirror_of, crawl, project_env):
    """A paper PMC does not have: the publisher's page (BMC, Springer's markup) has one figure and,
    under "Supplementary Information", the CT as Additional file 1 (a JPEG) and a Word table."""
    doi = "10.1186/s12879-020-05299-4"
    mirror, db, case = _one_paper_case(mirror_of, crawl, project_env, doi, doi)
    assert case["canonical_url"] == "https://bmcinfectdis.biomedcentral.com/articles/10.1186/s12879-020-05299-4"
    images = _images(db, case["id"])
    assert [i["source_url"].rsplit("/", 1)[1] for i in images] == ["12879_2020_5299_Fig1_HTML.png",
                                                                   "12879_2020_5299_MOESM1_ESM.jpg"]
    assert images[1]["provenance"]["supplementary"] is True
    assert images[1]["provenance"]["route"] == "publisher-html"
    assert images[1]["caption"].startswith("Axial chest CT on day 4")
    facts = _fields(db, case["id"])
    assert (facts[(0, "modality")], facts[(1, "modality")]) == ("X-ray", "CT")
    assert mirror.count("/esm/art%3A10.1186%2Fs12879-020-05299-4/MediaObjects/12879_2020_5299_MOESM2_ESM.docx") == 0
    assert json.loads(case["extra"])["supplementary_skipped"][0]["file"] == "12879_2020_5299_MOESM2_ESM.docx"


def test_the_papers_never_seen_end_to_end_against_the_curators_rows(mirror_of, crawl, project_env, tmp_path):
    """The 27 papers of tests/fixtures/papers_unseen/ (bench/papers_unseen.py) crawled by DOI: every
    curator row found, and each field as the curators wrote it but what docs/figures-history.md lists as left
    ("hospital day N" the paper does not define, which the timeline counts as N days after the admission
    as the real sample's curators do, where these curators wrote N - 1 (5 rows, and 1 "6 weeks after
    discharge" on "hospital day 12"); a CT panel whose moment no words give (1; JSCR's "A repeat CT 5
    days later showed ..., and he was discharged the following day" is read by the CT's clause); CT
    views no words name (14); X-ray views "portable" or "after intubation" leave open (3); the url of
    a paper read from its PDF (2); a family cluster's mother given no finding (1; the father's three
    rows take the one his history states, read since a paper's case whose title names none reads its
    history). The one image no curator names is the 12-year-old's CT, staged with its age."""
    import csv

    from bench.papers_unseen import PAPERS, score, staged_images

    with (PAPERS / "curators.csv").open(encoding="utf-8") as handle:
        curated = list(csv.DictReader(handle))
    ids = tmp_path / "ids.txt"
    ids.write_text("".join(f"{doi}\n" for doi in dict.fromkeys(r["input"] for r in curated)), encoding="utf-8")
    mirror = mirror_of("papers_unseen")
    crawl("publications", mirror, ids_file=str(ids))
    db = project_env["STAGING_DB_URL"]
    right, wrong, extra = score(curated, staged_images(db))
    assert right["found"] == len(curated) == 84, wrong
    assert [(e.figure_url.rsplit("/", 1)[-1], e.values.get("age")) for e in extra] == [("8841234.fig.004.jpg", "12")]
    assert {f: right[f] for f in ("sex", "age", "modality", "doi")} == dict.fromkeys(
        ("sex", "age", "modality", "doi"), 84), wrong
    assert (right["view"], right["url"], right["offset"], right["finding"]) == (81, 82, 77, 84), wrong
    # The journal's landing page shows no figure: its "Figures & Data" tab is asked once, after it.
    assert mirror.count("/article/10.5555/crpcc.2020.118/figures") == 1
    (crpcc,) = [c for c in _cases(db).values() if c["doi"] == "10.5555/crpcc.2020.118"]
    steps = [s["step"] for s in json.loads(crpcc["extra"])["resolution"]["steps"]]
    assert steps[-2:] == ["publisher-html", "figures-tab"]


def test_a_refused_figures_tab_ends_the_paper_as_without_an_open_copy(mirror_of, crawl, project_env):
    mirror = mirror_of("papers_unseen")
    mirror.route("https://www.crpcc-example.org/article/10.5555/crpcc.2020.118/figures", "Forbidden", status=403)
    result = crawl("publications", mirror, dois="10.5555/crpcc.2020.118")
    db = project_env["STAGING_DB_URL"]
    assert mirror.count("/article/10.5555/crpcc.2020.118/figures") == 1
    assert _stats(db)["papers/no_open_copy"] == 1
    assert rows(db, "select count(*) from images") == [(0,)]
    assert "publisher-html: 0 figures; figures-tab: refused (http-403))" in result.stderr
