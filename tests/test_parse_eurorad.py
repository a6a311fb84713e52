"""Eurorad parsers against the offline fixtures (docs/site-notes.md §2), one assertion per field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.eurorad import (
    canonical_eurorad_url,
    eurorad_case_url,
    eurorad_search_url,
    full_size_image_url,
    parse_eurorad_case,
    parse_eurorad_search,
)
from ingest.pages import ParseError

FIXTURES = Path(__file__).parent / "fixtures" / "eurorad"
CASES = ["case_16672_like", "case_minimal", "case_multi_patient"]
SEARCHES = ["search_page0", "search_page1", "search_page_last"]
RECORD_FIELDS = [
    "source", "source_key", "url", "title", "doi", "published", "authors", "institution", "license_text",
    "age_text", "sex_text", "history", "findings", "discussion", "diagnosis", "warnings",
]
IMAGE_FIELDS = ["source_url", "position", "label", "modality_text", "view_text", "caption"]


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def html(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


_parsed: dict[str, list] = {}


def records(name: str):
    if name not in _parsed:
        _parsed[name] = parse_eurorad_case(html(name), expected(name)["url"])
    return _parsed[name]


def _record_params():
    return [(name, i) for name in CASES for i in range(len(expected(name)["records"]))]


@pytest.mark.parametrize("name", CASES)
def test_record_count(name):
    assert len(records(name)) == len(expected(name)["records"])


@pytest.mark.parametrize("field", RECORD_FIELDS)
@pytest.mark.parametrize("name, index", _record_params())
def test_case_field(name, index, field):
    assert getattr(records(name)[index], field) == expected(name)["records"][index][field]


@pytest.mark.parametrize("name, index", _record_params())
def test_case_extra(name, index):
    extra = records(name)[index].extra
    for key, value in expected(name)["records"][index]["extra"].items():
        assert extra[key] == value, key


@pytest.mark.parametrize("field", IMAGE_FIELDS)
@pytest.mark.parametrize("name, index", _record_params())
def test_image_field(name, index, field):
    got = [getattr(image, field) for image in records(name)[index].images]
    assert got == [image[field] for image in expected(name)["records"][index]["images"]]


def test_lazy_placeholder_is_never_an_image_url():
    for name in CASES:
        for record in records(name):
            assert all(not image.source_url.startswith("data:") for image in record.images)


def test_teaser_url_kept_as_shown_url():
    image = records("case_16672_like")[0].images[0]
    assert "/styles/figure_image_teaser_large/" in image.extra["shown_url"]


def test_caption_origin_line():
    assert (records("case_16672_like")[0].images[0].extra["origin"]
            == "Department of Radiology, Ospedale di Cattinara, Trieste, Italy")


def test_gallery_tabs_and_close_link_stay_out_of_captions():
    for image in records("case_16672_like")[0].images:
        assert "close" not in image.caption and not re.search(r"^\s*[ab]\s*$", image.caption, re.M)


def test_headings_in_upper_case_and_title_case_are_matched():
    assert records("case_minimal")[0].history and records("case_16672_like")[0].history


def test_missing_section_shifts_nothing():
    page = re.sub(
        r'<div class="row mb-4">\s*<div class="col-12 col-md-3"><h2[^>]*>Imaging Findings.*?</div>\s*</div>\n',
        "", html("case_16672_like"), count=1, flags=re.S)
    record = parse_eurorad_case(page, expected("case_16672_like")["url"])[0]
    assert record.findings == "" and record.discussion == expected("case_16672_like")["records"][0]["discussion"]


def test_ddx_without_cells_is_split_on_lines():
    page = html("case_16672_like").replace('<div class="row"><div class="col-6 pb-3">', "<p>").replace(
        '</div><div class="col-6 pb-3">', "</p><p>").replace("Pulmonary oedema</div></div>", "Pulmonary oedema</p>")
    record = parse_eurorad_case(page, expected("case_16672_like")["url"])[0]
    assert (record.extra["differential_diagnosis"]
            == expected("case_16672_like")["records"][0]["extra"]["differential_diagnosis"])


def test_other_lazy_attribute_names():
    page = html("case_minimal").replace("data-src=", "data-lazy-src=")
    record = parse_eurorad_case(page, expected("case_minimal")["url"])[0]
    assert record.images[0].source_url == expected("case_minimal")["records"][0]["images"][0]["source_url"]


def test_positional_fallback_when_labels_are_lost():
    page = re.sub(r'<span class="d-none d-md-inline-block[^"]*">[^<]*</span>', "", html("case_16672_like"))
    record = parse_eurorad_case(page, expected("case_16672_like")["url"])[0]
    assert ((record.extra["section"], record.authors)
            == ("Chest imaging", expected("case_16672_like")["records"][0]["authors"]))


def test_patient_line_missing_gives_blank_age_and_sex():
    record = records("case_minimal")[0]
    assert (record.age_text, record.sex_text) == ("", "")


def test_teaching_case_url_gives_same_key():
    record = parse_eurorad_case(html("case_minimal"), "http://127.0.0.1:8000/case/16754/teaching-case")[0]
    assert (record.source_key, record.url) == ("16754", "https://www.eurorad.org/case/16754")


# --- several patients ----------------------------------------------------------------------------

def test_multi_patient_unassignable_caption_gives_one_record_with_warning():
    page = html("case_multi_patient").replace("Patient 2. Axial CT", "Axial CT", 1)
    result = parse_eurorad_case(page, expected("case_multi_patient")["url"])
    assert len(result) == 1 and result[0].source_key == "16689" and "several patients" in result[0].warnings[0]
    assert len(result[0].images) == 4


def test_case_markers_split_like_patient_markers():
    page = html("case_multi_patient").replace("Patient 1", "Case 1").replace("Patient 2", "Case 2")
    result = parse_eurorad_case(page, expected("case_multi_patient")["url"])
    assert [r.source_key for r in result] == ["16689-p1", "16689-p2"]


def test_group_of_patients_without_markers_warns():
    page = html("case_minimal").replace(
        "Fever and cough for five days.", "Six patients in the 27-46 age range with fever and cough for five days.")
    result = parse_eurorad_case(page, expected("case_minimal")["url"])
    assert len(result) == 1 and "Six patients" in result[0].warnings[0]


def test_single_patient_has_no_warning():
    assert records("case_16672_like")[0].warnings == []


# --- not a case page -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["bot_gate", "bot_gate_bare", "404", "search_page0"])
def test_non_case_page_raises(name):
    with pytest.raises(ParseError):
        parse_eurorad_case(html(name), "https://www.eurorad.org/case/16672")


# --- search --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SEARCHES)
def test_search_case_urls(name):
    assert parse_eurorad_search(html(name), expected(name)["url"]).case_urls == expected(name)["case_urls"]


@pytest.mark.parametrize("name", SEARCHES)
def test_search_next_url(name):
    assert parse_eurorad_search(html(name), expected(name)["url"]).next_url == expected(name)["next_url"]


def test_search_card_title():
    item = parse_eurorad_search(html("search_page0"), expected("search_page0")["url"]).items[0]
    assert item["title"] == "COVID-19 pneumonia case 16885"


def test_search_captcha_page_has_no_results():
    page = parse_eurorad_search(html("search_captcha"), "https://www.eurorad.org/advanced-search?search=COVID")
    assert page.case_urls == [] and page.next_url is None


@pytest.mark.parametrize("name", ["bot_gate", "bot_gate_bare"])
def test_search_gate_raises(name):
    with pytest.raises(ParseError):
        parse_eurorad_search(html(name), "https://www.eurorad.org/advanced-search?search=COVID")


@pytest.mark.parametrize("page", [0, 1, 2])
def test_search_url_matches_fixture_pages(page):
    assert eurorad_search_url("COVID", page) == expected(SEARCHES[page])["url"]


def test_search_url_rejects_negative_page():
    with pytest.raises(ValueError):
        eurorad_search_url("COVID", -1)


# --- URLs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "value, url",
    [
        ("16672", "https://www.eurorad.org/case/16672"),
        (16672, "https://www.eurorad.org/case/16672"),
        ("CASE 16672", "https://www.eurorad.org/case/16672"),
        ("https://eurorad.org/case/16672/teaching-case?print=1", "https://www.eurorad.org/case/16672"),
        ("http://127.0.0.1:8000/case/16672#figures", "https://www.eurorad.org/case/16672"),
    ],
)
def test_eurorad_case_url(value, url):
    assert eurorad_case_url(value) == url


def test_canonical_eurorad_url():
    assert canonical_eurorad_url("/case/016672/teaching-case") == "https://www.eurorad.org/case/16672"


def test_full_size_image_url():
    teaser = "https://www.eurorad.org/sites/default/files/styles/figure_image_teaser_large/public/figure_image/2018-08/0000015888/000006.jpg?itok=hwX1sbCO"
    assert full_size_image_url(teaser) == teaser.replace("figure_image_teaser_large", "figure_image")


def test_urls_json_points_at_existing_files():
    urls = json.loads((FIXTURES / "urls.json").read_text())
    for url, entry in urls.items():
        if entry["file"] and not entry.get("generated"):
            assert (FIXTURES / entry["file"]).is_file(), url
    for name in CASES:
        for record in expected(name)["records"]:
            for image in record["images"]:
                assert image["source_url"] in urls


def test_credit_is_credit_to_and_the_authors_line_nothing_appended():
    record = parse_eurorad_case(html("case_16672_like"), expected("case_16672_like")["url"])[0]
    # affiliation numbers stay as the page renders them; no ", Eurorad, case N", no affiliations
    assert record.credit == ("Credit to Marco Rossi1, Lucia Bianchi1, Paolo Verdi1, Giulia Neri2, Andrea Russo2, "
                             "Sara Colombo1")
    assert record.authors == "Marco Rossi, Lucia Bianchi, Paolo Verdi, Giulia Neri, Andrea Russo, Sara Colombo"


def test_normal_comparison_films_become_cases_of_their_own():
    """A page showing two normal films of other people for comparison: three patients, three cases."""
    from ingest.case_fields import normalize_case

    records = parse_eurorad_case(html("case_comparison_films"), "https://www.eurorad.org/case/16702")
    assert [r.source_key for r in records] == ["16702", "16702-n1", "16702-n2"]
    patient, first, second = records
    assert [i.label for i in patient.images] == ["Figure 1", "Figure 2a", "Figure 2b", "Figure 3"]
    assert [i.position for i in patient.images] == [0, 1, 2, 3]
    assert [i.label for i in first.images] == ["Figure 4"] and [i.label for i in second.images] == ["Figure 5"]
    values = [{(f.field, f.image_position): f.value for f in normalize_case(r)} for r in records]
    assert ((values[0][("finding", None)], values[0][("age", None)], values[0][("sex", None)])
            == ("Pneumonia/Viral/COVID-19", "34", "M"))
    assert ((values[1][("finding", None)], values[1][("age", None)], values[1][("sex", None)])
            == ("No Finding", "41", "F"))
    assert ((values[2][("finding", None)], values[2][("age", None)], values[2][("sex", None)])
            == ("No Finding", "63", "M"))
    assert (values[1][("view", 0)], values[2][("view", 0)]) == ("PA", "AP")
    assert all("comparison film" in r.warnings[-1] for r in records[1:])
