"""SIRM parsers against the fixtures' expected records (tests/fixtures/sirm/*.expected.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.pages import ParseError
from ingest.sirm import canonical_sirm_url, parse_sirm_listing, parse_sirm_post, sirm_case_url, sirm_source_key

FIXTURES = Path(__file__).parent / "fixtures" / "sirm"
EXPECTED = {p.name.replace(".expected.json", ""): json.loads(p.read_text())
            for p in sorted(FIXTURES.glob("*.expected.json"))}
LISTINGS = sorted(n for n, e in EXPECTED.items() if e["kind"] == "listing")
POSTS = sorted(n for n, e in EXPECTED.items() if e["kind"] == "post")
POST_FIELDS = ("source", "source_key", "url", "title", "license_text", "published", "authors", "institution",
               "credit", "age_text", "sex_text", "history", "findings")
IMAGE_FIELDS = ("source_url", "position", "caption", "modality_text", "view_text", "date_text")


def _html(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_case_urls(name):
    expected = EXPECTED[name]
    assert parse_sirm_listing(_html(name), expected["url"]).case_urls == expected["case_urls"]


@pytest.mark.parametrize("name", LISTINGS)
def test_listing_next_url(name):
    expected = EXPECTED[name]
    assert parse_sirm_listing(_html(name), expected["url"]).next_url == expected["next_url"]


def test_listing_is_newest_first_and_page_two_starts_with_caso_101():
    page = parse_sirm_listing(_html("category_page2"), EXPECTED["category_page2"]["url"])
    assert page.case_urls[0].endswith("/covid-19-caso-101/") and page.case_urls[1].endswith("/covid-19-caso-100/")


def test_last_listing_page_has_no_next():
    assert parse_sirm_listing(_html("category_page12"), EXPECTED["category_page12"]["url"]).next_url is None


def test_archive_listing_keeps_the_archive_host():
    page = parse_sirm_listing(_html("category_archivio_page3"), EXPECTED["category_archivio_page3"]["url"])
    assert all(u.startswith("https://archivio.sirm.org/2020/") for u in page.case_urls)


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("field", POST_FIELDS)
def test_post_field(name, field):
    expected = EXPECTED[name]
    record = parse_sirm_post(_html(name), expected["fetch_url"])
    assert getattr(record, field) == expected[field]


@pytest.mark.parametrize("name", POSTS)
def test_post_image_count(name):
    expected = EXPECTED[name]
    assert len(parse_sirm_post(_html(name), expected["fetch_url"]).images) == len(expected["images"])


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("field", IMAGE_FIELDS)
def test_post_image_field(name, field):
    expected = EXPECTED[name]
    images = parse_sirm_post(_html(name), expected["fetch_url"]).images
    assert [getattr(i, field) for i in images] == [i[field] for i in expected["images"]]


@pytest.mark.parametrize("name", POSTS)
def test_post_extra(name):
    expected = EXPECTED[name]
    extra = parse_sirm_post(_html(name), expected["fetch_url"]).extra
    assert {k: extra.get(k) for k in expected["extra"]} == expected["extra"]


def test_no_license_and_credit_line():
    record = parse_sirm_post(_html("post_caso_101"), EXPECTED["post_caso_101"]["fetch_url"])
    assert record.license_text == ""
    assert record.credit.startswith("Credit to Giancarlo GISMONDO VELARDI")


def test_srcset_largest_candidate_wins_over_src():
    record = parse_sirm_post(_html("post_caso_101"), EXPECTED["post_caso_101"]["fetch_url"])
    assert record.images[0].source_url.endswith("/RX-TORACE1.jpeg")  # 1772w, not the 1024x1013 src


def test_lazy_loaded_image_is_not_the_placeholder():
    record = parse_sirm_post(_html("post_caso_100"), EXPECTED["post_caso_100"]["fetch_url"])
    assert all(not i.source_url.startswith("data:") for i in record.images)
    assert len({i.source_url for i in record.images}) == len(record.images)  # noscript copy not doubled


def test_archive_copy_is_the_same_case():
    www = parse_sirm_post(_html("post_caso_40"), EXPECTED["post_caso_40"]["fetch_url"])
    archive = parse_sirm_post(_html("post_caso_40_archivio"), "https://archivio.sirm.org/2020/03/11/covid-19-caso-40/?print=print-search")
    assert (archive.source, archive.source_key, archive.url) == (www.source, www.source_key, www.url)
    assert archive.published == www.published == "2020-03-11"  # visible "11 Marzo 2020" only on the archive


def test_error_page_raises():
    with pytest.raises(ParseError):
        parse_sirm_listing(_html("not_found"), EXPECTED["not_found"]["url"])
    with pytest.raises(ParseError):
        parse_sirm_post(_html("not_found"), "https://www.sirm.org/2020/03/11/covid-19-caso-400/")


@pytest.mark.parametrize("url,canonical", [
    ("https://sirm.org/2020/03/11/covid-19-caso-40/", "https://www.sirm.org/2020/03/11/covid-19-caso-40/"),
    ("http://archivio.sirm.org/2020/03/11/covid-19-caso-40?print=print-search", "https://www.sirm.org/2020/03/11/covid-19-caso-40/"),
    ("https://www.sirm.org/en/2020/03/31/covid-19-case-5/#respond", "https://www.sirm.org/en/2020/03/31/covid-19-case-5/"),
])
def test_canonical_url(url, canonical):
    assert canonical_sirm_url(url) == canonical


def test_canonical_url_rejects_other_hosts():
    with pytest.raises(ValueError):
        canonical_sirm_url("https://radiopaedia.org/cases/covid-19-pneumonia-40")


def test_case_url_from_number_and_url():
    assert sirm_case_url(40) == "https://www.sirm.org/?name=covid-19-caso-40"
    assert sirm_case_url("https://archivio.sirm.org/2020/03/11/covid-19-caso-40/") == "https://www.sirm.org/2020/03/11/covid-19-caso-40/"
    assert sirm_source_key(sirm_case_url(40)) == "covid-19-caso-40"


def test_english_key_differs_from_italian_numbering():
    assert sirm_source_key("https://www.sirm.org/en/2020/03/31/covid-19-case-5/") == "en/covid-19-case-5"


def test_credit_is_the_authors_line_as_the_page_shows_it_nothing_appended():
    # caso 40: authors and institution are two paragraphs; the curators credit the authors line
    record = parse_sirm_post(_html("post_caso_40"), EXPECTED["post_caso_40"]["fetch_url"])
    assert record.credit == "Credit to Marco ROSSI, Chiara BIANCHI, Andrea DE LUCA, Paolo FERRARI."
    assert "Piacenza" not in record.credit  # the separate institution paragraph is not appended
    # caso 101: the institution shares the authors' paragraph (after a <br>): copied with it, as rendered
    record = parse_sirm_post(_html("post_caso_101"), EXPECTED["post_caso_101"]["fetch_url"])
    assert record.credit.endswith("LO GIUDICE.Dipartimento dei Servizi Sanitari – U.O. Radiologia – ASP Vibo Valentia")


def test_a_post_presenting_two_patients_gives_one_case_each():
    from ingest.case_fields import normalize_case
    from ingest.sirm import parse_sirm_posts

    records = parse_sirm_posts(_html("post_caso_102_two_patients"), "https://www.sirm.org/2020/04/23/covid-19-caso-102/")
    assert [r.source_key for r in records] == ["covid-19-caso-102-p1", "covid-19-caso-102-p2"]
    first, second = records
    assert (first.age_text, first.sex_text, second.age_text, second.sex_text) == (
        "67 anni", "uomo", "63 anni", "donna")
    # each patient's images are the ones in its own section of the post
    assert [i.source_url.rsplit("/", 1)[-1] for i in first.images] == ["RX-paziente-1.jpeg"]
    assert [i.source_url.rsplit("/", 1)[-1] for i in second.images] == ["TC-paziente-2.jpeg"]
    assert first.credit == second.credit == "Credit to Giovanni BIANCO, Francesca MORETTI"
    values = [{(f.field, f.image_position): f.value for f in normalize_case(r)} for r in records]
    assert (values[0][("modality", 0)], values[0][("view", 0)]) == ("X-ray", "PA")
    assert values[1][("modality", 0)] == "CT"  # not the X-ray of the other patient
    assert (values[0][("sex", None)], values[1][("sex", None)]) == ("M", "F")
    assert all("split from post" in r.warnings[-1] for r in records)


def test_a_post_with_one_patient_stays_one_case():
    from ingest.sirm import parse_sirm_posts

    records = parse_sirm_posts(_html("post_caso_100"), EXPECTED["post_caso_100"]["fetch_url"])
    assert [r.source_key for r in records] == ["covid-19-caso-100"]
