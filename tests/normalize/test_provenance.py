import pytest

from ingest.normalize import (
    license_for_url,
    normalize_date,
    normalize_doi,
    normalize_license,
    normalize_location,
    normalize_url,
)
from schema import LICENSES

from .helpers import assert_blank, assert_value


@pytest.mark.parametrize(
    "text, kwargs, expected",
    [
        ("2020", {}, "2020"),
        ("March 2020", {}, "2020-03"),
        ("March 16, 2020", {}, "2020-03-16"),
        ("Mar 3, 2020", {}, "2020-03-03"),
        ("12 March 2020", {}, "2020-03-12"),
        ("Published on 01.04.2020", {}, "2020-04-01"),
        ("Case published: 18th Aug 2019", {}, "2019-08-18"),
        ("3/7/2020", {"source": "us"}, "2020-03-07"),
        ("3/7/2020", {"day_first": True}, "2020-07-03"),
        ("entered the DEA on 13/03/2020 for fever", {}, "2020-03-13"),
        ("03/16/20", {}, "2020-03-16"),
        ("16 marzo 2020", {}, "2020-03-16"),
        ("2020-03-16", {}, "2020-03-16"),
    ],
)
def test_date(text, kwargs, expected):
    assert_value(normalize_date(text, **kwargs), text, expected)


@pytest.mark.parametrize("text", ["3/7/2020", "05/06/20", "no date here"])
def test_date_stays_blank_when_ambiguous(text):
    result = normalize_date(text)
    assert_blank(result, text)
    if "/" in text:
        assert "ambiguous" in result.reason


@pytest.mark.parametrize(
    "text, kwargs, expected",
    [
        ("https://creativecommons.org/licenses/by-nc-sa/4.0/", {}, "CC BY-NC-SA 4.0"),
        ("http://creativecommons.org/licenses/by/4.0/", {}, "CC BY 4.0"),
        ("https://creativecommons.org/licenses/by-nc-nd/4.0/", {}, "CC BY-NC-ND 4.0"),
        ('<license license-type="open-access"><ali:license_ref>https://creativecommons.org/licenses/by-nc-nd/4.0/'
         '</ali:license_ref></license>', {}, "CC BY-NC-ND 4.0"),
        ("cc-by", {}, "CC BY"),
        ("cc-by-nc-nd", {}, "CC BY-NC-ND"),
        ("CC BY-NC-SA 4.0", {}, "CC BY-NC-SA 4.0"),
        ("CC-NC-SA", {}, "CC BY-NC-SA"),
        ("This work is licensed under a Creative Commons "
         "Attribution-NonCommercial-ShareAlike 4.0 International License.", {}, "CC BY-NC-SA 4.0"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", {}, "CC0 1.0"),
        ("Apache License, Version 2.0", {}, "Apache 2.0"),
    ],
)
def test_license(text, kwargs, expected):
    result = normalize_license(text, **kwargs)
    assert_value(result, text, expected)
    assert result.value in LICENSES


@pytest.mark.parametrize("text", ["Free Access", "© RSNA, 2020", "listed as authorized for everyone", ""])
def test_license_stays_blank(text):
    assert_blank(normalize_license(text), text)


def test_site_licenses():
    assert license_for_url("https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=us").value == "CC BY-NC-SA"
    assert license_for_url("https://www.eurorad.org/case/16672").value == "CC BY-NC-SA 4.0"
    assert license_for_url("https://www.sirm.org/2020/03/10/covid-19-caso-32/").value is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("https://doi.org/10.1148/radiol.2020200463", "10.1148/radiol.2020200463"),
        ("https://www.nejm.org/doi/full/10.1056/NEJMc2001272", "10.1056/NEJMc2001272"),
        ("https://pubs.rsna.org/doi/full/10.1148/ryct.2020200028", "10.1148/ryct.2020200028"),
        ("https://www.jkms.org/DOIx.php?id=10.3346/jkms.2020.35.e79", "10.3346/jkms.2020.35.e79"),
        ("doi: 10.1016/j.medcle.2020.03.004.", "10.1016/j.medcle.2020.03.004"),
        ("https://academic.oup.com/cid/advance-article/doi/10.1093/cid/ciaa199/5766408", "10.1093/cid/ciaa199"),
    ],
)
def test_doi(text, expected):
    assert_value(normalize_doi(text), text, expected)


def test_doi_blank():
    assert_blank(normalize_doi("https://radiopaedia.org/cases/covid-19-pneumonia-15"), "")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("https://radiopaedia.org/cases/covid-19-pneumonia-15?lang=us", "https://radiopaedia.org/cases/covid-19-pneumonia-15"),
        ("http://www.radiopaedia.org/cases/covid-19-pneumonia-15/studies/1?lang=gb#x", "https://radiopaedia.org/cases/covid-19-pneumonia-15"),
        ("https://eurorad.org/case/16672?utm_source=x", "https://www.eurorad.org/case/16672"),
        ("https://sirm.org/2020/03/10/covid-19-caso-32/", "https://www.sirm.org/2020/03/10/covid-19-caso-32/"),
        ("https://www.nature.com/articles/s41591-020-0819-2?utm_medium=email&page=2", "https://www.nature.com/articles/s41591-020-0819-2?page=2"),
    ],
)
def test_url(text, expected):
    assert normalize_url(text).value == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Credit to ... Melbourne, Australia", "Melbourne, Australia"),
        ("Emergency department of Cho Ray Hospital, Ho Chi Minh City, Vietnam", "Ho Chi Minh City, Vietnam"),
        ("Italy", "Italy"),
    ],
)
def test_location(text, expected):
    assert_value(normalize_location(text), text, expected)


def test_location_blank_with_several_countries():
    text = "Traveled from Italy to Ukraine."
    assert_blank(normalize_location(text), text)


def test_site_location():
    from ingest.normalize import location_for_url

    url = "https://github.com/ml-workgroup/covid-19-image-repository/tree/master/png"
    assert location_for_url(url).value == "Hannover Medical School, Hannover, Germany"
    # a national case collection: the country of every case
    assert location_for_url("https://www.sirm.org/2020/03/10/covid-19-caso-32/").value == "Italy"
    assert location_for_url("https://sirm.org/2020/05/14/covid-19-caso-85/").value == "Italy"
    # sites of cases from many countries, another repository on the same host: no location
    assert location_for_url("https://www.eurorad.org/case/16745").value is None
    assert location_for_url("https://radiopaedia.org/cases/covid-19-pneumonia-12").value is None
    assert location_for_url("https://github.com/ieee8023/covid-chestxray-dataset").value is None


@pytest.mark.parametrize("url, doi", [
    ("https://www.nature.com/articles/s41379-020-0536-x", "10.1038/s41379-020-0536-x"),
    ("https://nature.com/articles/s41591-020-0931-3?error=cookies_not_supported", "10.1038/s41591-020-0931-3"),
    ("https://www.nature.com/articles/s41379-020-0536-x.pdf", "10.1038/s41379-020-0536-x"),
    ("https://www.nature.com/articles/s41379-020-0536-x/figures/2", "10.1038/s41379-020-0536-x"),
])
def test_a_nature_article_url_spells_its_doi(url, doi):
    from ingest.normalize.provenance import doi_for_url

    assert doi_for_url(url).value == doi


@pytest.mark.parametrize("url", [
    "https://www.nature.com/articles/",
    "https://www.nature.com/subjects/lung-cancer",
    "https://www.nature.com/nature/articles?type=article",
    "https://www.thno.org/v10p5641.htm",
    "https://www.cureus.com/articles/30976-corona-virus-disease-2019",  # the number is not the DOI's
])
def test_other_article_urls_give_no_doi(url):
    from ingest.normalize.provenance import doi_for_url

    assert doi_for_url(url).value is None


@pytest.mark.parametrize("filename, doi", [
    ("10.1016-slash-j.chest.2020.04.024.png", "10.1016/j.chest.2020.04.024"),
    ("10.1016-slash-j.anl.2020.04.002-a.png", "10.1016/j.anl.2020.04.002"),  # panel a of the figure
    ("10.1148-slash-radiol.2020200463-fig2b.jpeg", "10.1148/radiol.2020200463"),
    ("10.1007-slash-s00330-020-06801-0.png", "10.1007/s00330-020-06801-0"),  # the DOI's own hyphens kept
])
def test_a_file_named_after_its_articles_doi_gives_the_doi(filename, doi):
    from ingest.backfill import backfill_row
    from ingest.normalize.provenance import doi_for_filename

    assert doi_for_filename(filename).value == doi
    row = {"filename": filename, "url": "https://journal.chestnet.org/article/S0012-3692(20)30764-9/pdf", "doi": ""}
    assert [(f.value, f.rule) for f in backfill_row(row, ["doi"])] == [(doi, "doi.filename@v2")]


@pytest.mark.parametrize("filename", [
    "10.1016-j.chest.2020.04.024.png",  # no slash spelt: where the prefix ends is not told
    "nejmoa2001017_f1-a.png",
    "1-s2.0-S0140673620303706-fx1_lrg.jpg",  # an Elsevier PII, not a DOI
    "10.1016-slash-.png",
])
def test_other_file_names_give_no_doi(filename):
    from ingest.normalize.provenance import doi_for_filename

    assert doi_for_filename(filename).value is None
