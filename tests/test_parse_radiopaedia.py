"""Radiopaedia parsers against the offline fixtures (docs/site-notes.md §1), one assertion per field."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.pages import ParseError
from ingest.radiopaedia import (
    canonical_radiopaedia_url,
    extract_stacked_images,
    parse_radiopaedia_case,
    parse_radiopaedia_search,
    parse_radiopaedia_stacks,
    parse_radiopaedia_study_viewer,
    radiopaedia_case_url,
    radiopaedia_search_url,
    radiopaedia_stacks_url,
)

FIXTURES = Path(__file__).parent / "fixtures" / "radiopaedia"
CASES = ["case_classic", "case_2022"]
SEARCHES = ["search_p1", "search_p2", "search_last"]
STACKS = ["stacks_86625", "stacks_86629", "stacks_86301", "stacks_86302"]
RECORD_FIELDS = [
    "source", "source_key", "url", "title", "doi", "published", "authors", "institution", "credit",
    "license_text", "age_text", "sex_text", "history", "findings", "discussion", "diagnosis", "warnings",
]
IMAGE_FIELDS = ["source_url", "position", "modality_text", "view_text", "label", "slice_urls"]


def expected(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))


def html(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


_parsed: dict[str, object] = {}


def case(name: str):
    if name not in _parsed:
        _parsed[name] = parse_radiopaedia_case(html(name), expected(name)["url"])
    return _parsed[name]


# --- case pages ----------------------------------------------------------------------------------

@pytest.mark.parametrize("field", RECORD_FIELDS)
@pytest.mark.parametrize("name", CASES)
def test_case_field(name, field):
    assert getattr(case(name), field) == expected(name)["record"][field]


@pytest.mark.parametrize("key", ["study_ids", "diagnostic_certainty", "published_iso", "slug", "systems", "tags",
                                 "license_source"])
@pytest.mark.parametrize("name", CASES)
def test_case_extra(name, key):
    assert case(name).extra[key] == expected(name)["extra"][key]


@pytest.mark.parametrize("name", CASES)
def test_case_study_modalities(name):
    assert [s["modality"] for s in case(name).extra["studies"]] == expected(name)["extra"]["study_modalities"]


@pytest.mark.parametrize("name", CASES)
def test_case_has_no_images(name):
    # Images come from the stacks JSON, not from the page.
    assert case(name).images == []


def test_certainty_drops_trailing_nbsp():
    assert not case("case_classic").extra["diagnostic_certainty"].endswith("\xa0")


def test_quiz_lines_are_kept_out_of_findings():
    record = case("case_classic")
    assert "show answer" not in record.findings
    assert record.extra["studies"][1]["quiz"][1] == "A: Bilateral peripheral ground-glass opacities."


def test_related_case_links_are_not_study_ids():
    assert case("case_classic").extra["study_ids"] == ["86625", "86629"]


def _only_one_id_source(keep: str) -> str:
    page = html("case_classic")
    if keep != "data-study-id":
        page = re.sub(r' data-study-id="\d+"', "", page)
        page = re.sub(r' data-study-stacks-url="[^"]+"', "", page)
    if keep != "main-study-desc":
        page = re.sub(r'id="main-study-desc-(\d+)"', r'id="desc"', page)
    if keep != "view-fullscreen-link":
        page = re.sub(r'<a class="view-fullscreen-link"[^>]*>[^<]*</a>', "", page)
    page = re.sub(r'<div class="hidden data">.*?</div>', "", page)
    return page


@pytest.mark.parametrize("keep", ["data-study-id", "main-study-desc", "view-fullscreen-link"])
def test_study_ids_from_each_place_alone(keep):
    record = parse_radiopaedia_case(_only_one_id_source(keep), "https://radiopaedia.org/cases/covid-19-pneumonia-15")
    assert record.extra["study_ids"] == ["86625", "86629"]


def test_study_ids_from_stacks_url_attribute_alone():
    page = _only_one_id_source("none").replace(
        'data-ref="study-86625"', 'data-ref="study-86625" data-study-stacks-url="/studies/86625/stacks?lang=us"'
    )
    record = parse_radiopaedia_case(page, "https://radiopaedia.org/cases/covid-19-pneumonia-15")
    assert record.extra["study_ids"] == ["86625"]


def test_no_study_id_warns():
    record = parse_radiopaedia_case(_only_one_id_source("none"), "https://radiopaedia.org/cases/covid-19-pneumonia-15")
    assert record.extra["study_ids"] == [] and record.warnings


def test_date_without_ordinal_and_with_ordinal_give_same_iso():
    page = html("case_classic").replace("18th Mar 2020", "18 Mar 2020")
    assert parse_radiopaedia_case(page, expected("case_classic")["url"]).extra["published_iso"] == "2020-03-18"


def test_missing_presentation_and_discussion_are_blank():
    page = re.sub(r'<div id="case-patient-presentation">.*?</div>', "", html("case_classic"), flags=re.S)
    page = re.sub(r'<div id="case-discussion".*?</div>', "", page, flags=re.S)
    record = parse_radiopaedia_case(page, expected("case_classic")["url"])
    assert (record.history, record.discussion) == ("", "")


def test_discussion_found_by_heading_when_class_is_missing():
    page = html("case_2022").replace('class="case-section case-discussion"', 'class="case-section"')
    record = parse_radiopaedia_case(page, expected("case_2022")["url"])
    assert record.discussion == expected("case_2022")["record"]["discussion"]


def test_credit_built_from_contributor_without_courtesy_footer():
    page = re.sub(r'<div id="offline-workflow-footer-courtesy">.*?</div>', "", html("case_classic"), flags=re.S)
    assert parse_radiopaedia_case(page, expected("case_classic")["url"]).credit == (
        "Case courtesy of Ali Mashalla Åhre, Radiopaedia.org, rID: 75037"
    )


def test_rid_from_courtesy_line_when_metadata_rows_are_gone():
    page = re.sub(r'<div class="col-xs-12 case-meta">.*?</div>\s*</div>\s*</div>', "</div>", html("case_classic"),
                  flags=re.S)
    page = page.replace("https://doi.org/10.53347/rID-75037", "")
    record = parse_radiopaedia_case(page, expected("case_classic")["url"])
    assert record.source_key == "75037"


def test_permalink_url_is_canonicalised_to_slug():
    record = parse_radiopaedia_case(html("case_classic"), "http://127.0.0.1:8080/cases/75037")
    assert record.url == "https://radiopaedia.org/cases/covid-19-pneumonia-15"


def test_mirror_url_is_canonicalised():
    record = parse_radiopaedia_case(html("case_2022"), "http://127.0.0.1:8080/cases/covid-19-pneumonia-12?lang=us")
    assert record.url == "https://radiopaedia.org/cases/covid-19-pneumonia-12"


@pytest.mark.parametrize("name", ["404", "search_p1", "cloudflare_challenge"])
def test_non_case_page_raises(name):
    with pytest.raises(ParseError, match="rID"):
        parse_radiopaedia_case(html(name), "https://radiopaedia.org/cases/x")


def test_title_without_rid_raises():
    page = "<html><body><h1 class='header-title'>COVID-19 pneumonia</h1></body></html>"
    with pytest.raises(ParseError):
        parse_radiopaedia_case(page, "https://radiopaedia.org/cases/covid-19-pneumonia-3")


# --- search pages --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SEARCHES)
def test_search_case_urls(name):
    page = parse_radiopaedia_search(html(name), expected(name)["url"])
    assert page.case_urls == expected(name)["case_urls"]


@pytest.mark.parametrize("name", SEARCHES)
def test_search_next_url(name):
    page = parse_radiopaedia_search(html(name), expected(name)["url"])
    assert page.next_url == expected(name)["next_url"]


def test_search_card_metadata():
    item = parse_radiopaedia_search(html("search_p1"), expected("search_p1")["url"]).items[0]
    assert (item["author"], item["modalities"]) == ("Ali Mashalla Åhre", ["X-ray", "CT"])


def test_search_old_card_markup_title():
    items = parse_radiopaedia_search(html("search_p2"), expected("search_p2")["url"]).items
    assert items[4]["title"] == "COVID-19 pneumonia" and items[4]["author"] == ""


@pytest.mark.parametrize("name", ["case_classic", "404", "search_captcha"])
def test_non_search_page_raises(name):
    with pytest.raises(ParseError):
        parse_radiopaedia_search(html(name), "https://radiopaedia.org/search?q=COVID")


def test_empty_result_page_is_empty_not_error():
    page = re.sub(r'<a class="search-result.*?</a>\n', "", html("search_last"), flags=re.S)
    result = parse_radiopaedia_search(page, expected("search_last")["url"])
    assert (result.case_urls, result.next_url) == ([], None)


# --- stacks JSON ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field", IMAGE_FIELDS)
@pytest.mark.parametrize("name", STACKS)
def test_stacks_field(name, field):
    exp = expected(name)
    images = parse_radiopaedia_stacks((FIXTURES / f"{name}.json").read_text(), exp["study_id"])
    assert [getattr(image, field) for image in images] == [image[field] for image in exp["images"]]


def test_stacks_skip_video_and_other_modalities():
    images = parse_radiopaedia_stacks((FIXTURES / "stacks_86629.json").read_text(), "86629")
    urls = [url for image in images for url in [image.source_url, *image.slice_urls]]
    assert not any(url.endswith(".mp4") for url in urls)
    assert all(image.modality_text in ("X-ray", "CT") for image in images)


def test_stacks_keep_aux_modality_with_slash():
    images = parse_radiopaedia_stacks((FIXTURES / "stacks_86629.json").read_text(), "86629")
    assert images[1].extra["aux_modality"] == "Lung window / MinIP"


def test_stacks_first_position_offsets():
    images = parse_radiopaedia_stacks((FIXTURES / "stacks_86625.json").read_text(), "86625", first_position=5)
    assert [image.position for image in images] == [5, 6, 7]


def test_stacks_relative_urls_use_base_url():
    payload = json.dumps([{"modality": "X-ray", "images": [
        {"id": 1, "position": 0, "public_filename": "/images/1/a.png", "plane_projection": "PA"}]}])
    images = parse_radiopaedia_stacks(payload, "1", "http://127.0.0.1:9000")
    assert images[0].source_url == "http://127.0.0.1:9000/images/1/a.png"


def test_stacks_missing_position_keeps_json_order_after_positioned():
    payload = json.dumps([{"modality": "X-ray", "images": [
        {"id": 1, "public_filename": "https://x/1.png"}, {"id": 2, "position": 0, "public_filename": "https://x/2.png"}]}])
    assert [i.source_url for i in parse_radiopaedia_stacks(payload, "1")] == ["https://x/2.png", "https://x/1.png"]


@pytest.mark.parametrize("body", [(FIXTURES / "cloudflare_challenge.html").read_text(), "", '{"error": "not found"}',
                                  "[1, 2"])
def test_stacks_non_json_raises(body):
    with pytest.raises(ParseError):
        parse_radiopaedia_stacks(body, "86625")


@pytest.mark.parametrize("field", IMAGE_FIELDS)
def test_study_viewer_inline_stacked_images(field):
    exp = expected("study_viewer")
    images = parse_radiopaedia_study_viewer(html("study_viewer"), exp["url"])
    assert [getattr(image, field) for image in images] == [image[field] for image in exp["images"]]


def test_stacked_images_extraction_ignores_brackets_in_strings():
    page = 'var stackedImages = [{"modality": "CT", "images": [{"aux_modality": "a]b[c"}]}]; var x = [1];'
    assert json.loads(extract_stacked_images(page))[0]["images"][0]["aux_modality"] == "a]b[c"


# --- URLs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "url, canonical",
    [
        ("https://radiopaedia.org/cases/covid-19-pneumonia-12?lang=us", "https://radiopaedia.org/cases/covid-19-pneumonia-12"),
        ("http://www.radiopaedia.org/cases/covid-19-pneumonia-12/?lang=gb#images", "https://radiopaedia.org/cases/covid-19-pneumonia-12"),
        ("/cases/covid-19-pneumonia-mild?lang=us", "https://radiopaedia.org/cases/covid-19-pneumonia-mild"),
        ("http://127.0.0.1:8000/cases/75037", "https://radiopaedia.org/cases/75037"),
    ],
)
def test_canonical_radiopaedia_url(url, canonical):
    assert canonical_radiopaedia_url(url) == canonical


@pytest.mark.parametrize(
    "value, url",
    [
        ("covid-19-pneumonia-12", "https://radiopaedia.org/cases/covid-19-pneumonia-12"),
        ("74867", "https://radiopaedia.org/cases/74867"),
        ("rID-74867", "https://radiopaedia.org/cases/74867"),
        ("https://radiopaedia.org/cases/covid-19-pneumonia-12?lang=us", "https://radiopaedia.org/cases/covid-19-pneumonia-12"),
        ("https://doi.org/10.53347/rID-74867", "https://radiopaedia.org/cases/74867"),
    ],
)
def test_radiopaedia_case_url(value, url):
    assert radiopaedia_case_url(value) == url


def test_radiopaedia_case_url_rejects_other_urls():
    with pytest.raises(ValueError):
        radiopaedia_case_url("https://radiopaedia.org/articles/covid-19-4")


def test_stacks_url():
    assert radiopaedia_stacks_url("86625") == "/studies/86625/stacks?lang=us"


def test_search_url_is_the_first_fixture_page():
    assert radiopaedia_search_url("COVID", 1) == expected("search_p1")["url"]


def test_urls_json_points_at_existing_files():
    urls = json.loads((FIXTURES / "urls.json").read_text())
    for url, entry in urls.items():
        assert url.startswith("https://"), url
        if entry["file"] and not entry.get("generated"):
            assert (FIXTURES / entry["file"]).is_file(), url
    assert urls["https://radiopaedia.org/studies/99999/stacks?lang=us"]["headers"]["Retry-After"]
