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
CASE_FIELDS = ["id", "source_key", "canonical_url", "doi", "title", "published", "license_raw", "license", "authors", "history",
               "review_state", "warnings", "extra", "document_id"]


def _cases(db: str) -> dict[str, dict]:
    return {r[1]: dict(zip(CASE_FIELDS, r)) for r in rows(db, f"select {', '.join(CASE_FIELDS)} from cases where source = 'publications'")}


def _images(db: str, case_id: int) -> list[dict]:
    names = ["position", "label", "source_url", "sha256", "format", "width", "height", "media_path", "caption", "view_text", "date_text", "provenance"]
    found = [dict(zip(names, r)) for r in rows(db, f"select {', '.join(names)} from images where case_id = {case_id} order by position")]
    for image in found:
        image["provenance"] = json.loads(image["provenance"])
    return found


def _fields(db: str, case_id: int) -> dict[tuple, str | None]:
    return {(pos, field): value for pos, field, value in rows(
        db, f"select i.position, f.field, f.value from field_values f left join images i on i.id = f.image_id where f.case_id = {case_id}")}


def _stats(db: str) -> dict:
    return json.loads(rows(db, "select stats from crawl_runs order by id desc limit 1")[0][0])


def test_pmcid_yields_one_case_per_patient_with_split_panels_and_licences(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois="PMC7251234")
    db, media = project_env["STAGING_DB_URL"], Path(project_env["MEDIA_STORE"])
    # The ID converter (the DOI), Crossref, NCBI efetch's JATS, PMC's page (the CDN image URLs), the figures to split.
    for path in (IDCONV_PMC, f"/works/{DOI.replace('/', '%2F')}", EFETCH,
                 "/articles/PMC7251234/", "/pmc/blobs/b3a1/7251234/5f0c2ed4a9b1/gr1.jpg", "/pmc/blobs/b3a1/7251234/0e9d1c7f4b22/gr2.jpg",
                 "/pmc/blobs/b3a1/7251234/91ab0c33de57/gr3.jpg"):
        assert mirror.count(path) == 1, path
    # efetch had the full text: neither Europe PMC's copy, the publisher's page nor the PDF is asked.
    for path in ("/europepmc/webservices/rest/PMC7251234/fullTextXML", f"/{DOI}", "/articles/PMC7251234/pdf/main.pdf"):
        assert mirror.count(path) == 0, path

    cases = _cases(db)
    assert sorted(cases) == [f"{DOI}#patient{n}" for n in (1, 2, 3)]
    title = "Serial chest radiographs in three patients with COVID-19 pneumonia: a case series"
    for n, case in ((n, cases[f"{DOI}#patient{n}"]) for n in (1, 2, 3)):
        assert (case["canonical_url"], case["doi"], case["title"], case["published"], case["authors"], case["review_state"]) == (
            PMC_PAGE, DOI, f"{title} (patient {n})", "2020-05-27", "Laura Moretti, Daniel Okafor", "staged")
        extra = json.loads(case["extra"])
        assert (extra["pmcid"], extra["patient_number"], extra["journal"], extra["input"]) == ("PMC7251234", n, "Radiology Case Reports", "PMC7251234")
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
    assert gr3["provenance"]["third_party"] is True and "Reproduced with permission" in gr3["provenance"]["third_party_evidence"]
    assert gr3["provenance"]["article_license"] == "CC BY-NC-ND 4.0" and "Radiological Society" in gr3["provenance"]["license"]
    assert (None, "license") not in _fields(db, third["id"])

    # Each panel its own image, view and date from its sub-caption; parent, box and crop recorded.
    patient1 = _images(db, cases[f"{DOI}#patient1"]["id"])
    assert [(i["label"], i["source_url"], i["view_text"], i["date_text"] or "", i["format"], i["width"], i["height"]) for i in patient1] == [
        ("a", f"{CDN}/5f0c2ed4a9b1/gr1.jpg#panel=a", "PA", "day 3", "png", 360, 380),
        ("b", f"{CDN}/5f0c2ed4a9b1/gr1.jpg#panel=b", "lateral", "", "png", 360, 380),
    ]
    a, b = (i["provenance"] for i in patient1)
    assert a["parent_figure"] == f"{CDN}/5f0c2ed4a9b1/gr1.jpg" and a["panel_box"] == [0, 0, 360, 380] and b["panel_box"] == [374, 0, 734, 380]
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
    assert [(i["label"], i["view_text"], i["date_text"] or "") for i in patient2] == [("a", "AP supine", "on admission"), ("b", "AP supine", "day 7")]

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


def test_doi_goes_through_crossref_and_doi_org_to_the_pdf(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois=f"https://doi.org/{DOI.upper()}")
    db = project_env["STAGING_DB_URL"]
    assert mirror.count(f"/works/{DOI.replace('/', '%2F')}") == 1 and mirror.count(f"/{DOI}") == 1  # doi.org, then its redirect
    assert mirror.count("/retrieve/pii/S1930043320302934") == 1  # the landing page (a 404 here)
    assert mirror.count("/article/S1930043320302934/pdf") == 1  # Crossref's link[] application/pdf
    (case,) = _cases(db).values()
    assert (case["source_key"], case["canonical_url"], case["doi"], case["published"]) == (
        f"{DOI}#patient1", f"https://doi.org/{DOI}", DOI, "2020-05-27")
    assert case["title"] == "Serial chest radiographs in three patients with COVID-19 pneumonia: a case series"
    # No article page or XML: the Crossref version-of-record licence (not the 'am' CC BY, not 'tdm').
    assert case["license"] == "CC BY-NC-ND 4.0" and "Crossref license[]" in json.loads(case["extra"])["license_evidence"]
    images = _images(db, case["id"])
    assert [(i["label"], i["source_url"], i["view_text"], i["date_text"] or "") for i in images] == [
        ("a", f"{RADCR_PDF}#page=1&figure=1&panel=a", "PA", "day 3"),
        ("b", f"{RADCR_PDF}#page=1&figure=1&panel=b", "lateral", ""),
        ("c", f"{RADCR_PDF}#page=1&figure=1&panel=c", "AP", "day 7"),
        ("d", f"{RADCR_PDF}#page=1&figure=1&panel=d", "AP", "day 14"),
        ("Fig. 2", f"{RADCR_PDF}#page=2&figure=2", "Axial", "day 8"),
    ]
    first = images[0]["provenance"]
    assert first["pdf_figure"]["page"] == 1 and first["pdf_figure"]["bbox"] == [54.0, 110.0, 558.0, 472.36]
    assert first["parent_figure"] == f"{RADCR_PDF}#page=1&figure=1" and first["transform"].startswith("crop ")
    assert images[4]["provenance"]["transform"] == "embedded image, native pixels"
    assert all(i["format"] == "png" for i in images)
    assert RADCR_PDF in [r[0] for r in rows(db, "select url from fetched_documents")]


def test_a_pdf_that_is_not_a_pdf_is_rejected(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    mirror.route(RADCR_PDF, "<!DOCTYPE html><html><head><title>Article</title></head><body>Sign in to read</body></html>",
                 headers={"Content-Type": "application/pdf"})
    crawl("publications", mirror, dois=DOI)
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from cases") == [(0,)]
    stats = _stats(db)
    assert stats["papers/pdf_rejected"] == 1 and stats["papers/no_figures"] == 1


def test_case_series_pdf_given_alone_one_case_per_patient_unreliable_split_flagged(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, dois=CASE_SERIES_PDF)
    db = project_env["STAGING_DB_URL"]
    cases = _cases(db)
    assert sorted(cases) == ["pmc:PMC7251234#patient1", "pmc:PMC7251234#patient2"]
    patient1, patient2 = (_images(db, cases[f"pmc:PMC7251234#patient{n}"]["id"]) for n in (1, 2))
    assert [(i["label"], i["source_url"]) for i in patient1] == [
        ("a", f"{CASE_SERIES_PDF}#page=1&figure=1&panel=a"), ("b", f"{CASE_SERIES_PDF}#page=1&figure=1&panel=b")]
    # Three panels without gutters: the whole figure kept for each, flagged for the reviewer.
    assert [(i["label"], i["source_url"], i["date_text"]) for i in patient2] == [
        ("a", f"{CASE_SERIES_PDF}#page=1&figure=2", "on admission"), ("b", f"{CASE_SERIES_PDF}#page=1&figure=2", "day 5"),
        ("c", f"{CASE_SERIES_PDF}#page=1&figure=2", "day 6")]
    assert all(i["provenance"]["needs_review"] and i["provenance"]["transform"].startswith("none") for i in patient2)
    assert len({i["sha256"] for i in patient2}) == 1
    assert "figure 2: panels not split reliably, whole figure kept" in json.loads(cases["pmc:PMC7251234#patient2"]["warnings"])
    # No licence anywhere (no metadata reached): unknown, for the reviewer.
    assert all(c["license"] is None for c in cases.values())


def test_third_party_figure_of_a_cc_by_article_and_full_size_springer_figure(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    crawl("publications", mirror, ids_file=str(_ids_file(project_env, ["# from suggestions", "https://doi.org/10.1007/s00330-020-06801-0", "PMC7260001"])))
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


def test_no_full_text_and_refused_landing_pages_stage_nothing(mirror_of, crawl, project_env):
    mirror = mirror_of("publications")
    result = crawl("publications", mirror, dois="PMC7233391,10.1148/radiol.2020200463,10.1148/radiol.0000000000")
    db = project_env["STAGING_DB_URL"]
    assert rows(db, "select count(*) from cases") == [(0,)]
    stats = _stats(db)
    assert stats["papers/no_full_text"] == 1
    assert stats["blocked/cloudflare-challenge"] >= 1
    assert "no full text for PMC7233391" in result.stderr
    assert "BLOCKED (cloudflare-challenge): https://pubs.rsna.org/doi/10.1148/radiol.2020200463" in result.stderr


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


