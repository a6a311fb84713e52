"""What the commands print for a maintainer and for a script: `validate --format`, `cases list`."""

from __future__ import annotations

import csv
import io
import json

from db.session import open_database
from media.store import MediaStore
from tests.conftest import SAMPLE_CSV
from tests.review.conftest import ReviewDB


def test_validate_writes_json_and_csv_with_the_same_violations_as_text(scrapy_inproc):
    as_text = scrapy_inproc("validate", str(SAMPLE_CSV), "--errors-only")
    code, text = as_text.returncode, as_text.stdout
    assert code == 1
    json_run = scrapy_inproc("validate", str(SAMPLE_CSV), "--errors-only", "--format", "json")
    csv_run = scrapy_inproc("validate", str(SAMPLE_CSV), "--errors-only", "--format", "csv")
    code_json, out_json, err_json = json_run.returncode, json_run.stdout, json_run.stderr
    code_csv, out_csv = csv_run.returncode, csv_run.stdout
    assert code_json == code_csv == 1
    as_json = json.loads(out_json)
    as_csv = list(csv.DictReader(io.StringIO(out_csv)))
    assert len(as_json) == len(as_csv) == len(text.splitlines()) == 12
    first = as_json[0]
    assert (first["severity"], first["line"], first["filename"], first["column"], first["rule"]) == (
        "error", 89, "aspiration-pneumonia-5-day0.jpg", "finding", "finding.regex")
    assert (as_csv[0]["line"] == "89" and as_csv[0]["rule"] == "finding.regex"
            and as_csv[0]["message"] == first["message"])
    assert "12 error(s)" in err_json  # the counts stay on stderr


def test_cases_list_has_a_header_and_the_decision_columns(project_env, scrapy_inproc):
    media = project_env["MEDIA_STORE"]
    rdb = ReviewDB(project_env["STAGING_DB_URL"], media, open_database(project_env["STAGING_DB_URL"]),
                   MediaStore(media))
    adult = rdb.add_case("1", title="COVID-19 pneumonia", offset=None)
    child = rdb.add_case("2", title="Pneumonia in a child", age="9", sex="F", license=None)
    listed = scrapy_inproc("cases", "list")
    code, out = listed.returncode, listed.stdout
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split() == ["id", "state", "source", "age", "sex", "license", "finding", "images", "warnings",
                              "title"]
    rows = {int(line.split()[0]): line.split(None, 9) for line in lines}
    assert rows[adult][:9] == [str(adult), "staged", "eurorad", "45", "M", "CC", "BY-NC-SA", "4.0",
                               "Pneumonia/Viral/COVID-19"]
    assert rows[child][3:6] == ["9", "F", "-"]
    assert "!age_pediatric,!license_unknown" in lines[1]  # blocking first, marked
    assert "offset_missing" in lines[0] and "!offset_missing" not in lines[0]
    out = scrapy_inproc("cases", "list", "--json").stdout
    listed = {r["id"]: r for r in json.loads(out)}
    assert (listed[child]["age"], listed[child]["sex"], listed[child]["license"]) == ("9", "F", None)
    assert listed[child]["blocking"] == ["age_pediatric", "license_unknown"]
    # a state filter over the review states (and `released` once it is one of them)
    out = scrapy_inproc("cases", "list", "--state", "approved").stdout
    assert out.splitlines()[1:] == []
