"""``scrapy cases ...`` (run in-process, tests/inprocess.py): same rules and audit trail as the pages."""

from __future__ import annotations

import json

from sqlalchemy import select

from db.models import Case, FieldValue, Image
from db.session import session_scope
from tests.review.conftest import case_events, case_state, noise_png, reencode_jpeg, xray_png


def test_list_and_show(rdb, scrapy_inproc):
    a = rdb.add_case("1", title="Ground-glass\x1b[31m opacities\nsecond line")
    b = rdb.add_case("2", source="sirm", title="Polmonite", age=None)
    out = scrapy_inproc("cases", "list", check=True).stdout.splitlines()
    assert out[0].split() == ["id", "state", "source", "age", "sex", "license", "finding", "images", "warnings",
                              "title"]
    assert out[1].split() == [str(a), "staged", "eurorad", "45", "M", "CC", "BY-NC-SA", "4.0",
                              "Pneumonia/Viral/COVID-19", "1", "-", "Ground-glass", "[31m", "opacities", "second",
                              "line"]  # no escape, one line
    assert out[2].split()[:3] == [str(b), "staged", "sirm"] and out[2].endswith("!age_unknown  Polmonite")
    rows = json.loads(scrapy_inproc("cases", "list", "--source", "sirm", "--json", check=True).stdout)
    assert [(r["id"], r["state"], r["warnings"]) for r in rows] == [(b, "staged", ["age_unknown"])]
    assert scrapy_inproc("cases", "list", "--state", "approved", check=True).stdout.splitlines()[1:] == []
    bad = scrapy_inproc("cases", "list", "--state", "bogus")
    assert bad.returncode == 1 and "unknown state" in bad.stderr
    shown = json.loads(scrapy_inproc("cases", "show", str(a), "--json", check=True).stdout)
    assert shown["id"] == a and shown["state"] == "staged"
    assert {f["field"]: f["value"] for f in shown["fields"]}["finding"] == "Pneumonia/Viral/COVID-19"
    assert shown["images"][0]["fields"][0]["field"] == "modality"
    text = scrapy_inproc("cases", "show", str(a), check=True).stdout
    assert "finding" in text and "\x1b" not in text and "history:" in text
    missing = scrapy_inproc("cases", "show", "999")
    assert missing.returncode == 1 and "no case 999" in missing.stderr


def test_approve_ids_is_all_or_nothing_and_audited(rdb, scrapy_inproc, project_env):
    a, b = rdb.add_case("1"), rdb.add_case("2", age=None)
    result = scrapy_inproc("cases", "approve", str(a), str(b))
    assert result.returncode == 1 and "no age" in result.stderr and "nothing was changed" in result.stderr
    assert case_state(rdb, a) == case_state(rdb, b) == "staged"
    project_env["REVIEWER"] = "carol"
    result = scrapy_inproc("cases", "approve", str(a), str(b), "--confirm-adult", check=True)
    assert result.stdout.split() == [str(a), "approved", str(b), "approved"]
    assert [(e[0], e[1]) for e in case_events(rdb, b)] == [("carol", "confirm_adult"), ("carol", "approve")]


def test_approve_all_asks_for_confirmation(rdb, scrapy_inproc):
    ids = [rdb.add_case(str(i), source="sirm") for i in range(1, 4)]
    child = rdb.add_case("9", source="sirm", age="10")
    other = rdb.add_case("10", source="eurorad")
    result = scrapy_inproc("cases", "approve", "--all", "--source", "sirm", input="n\n")
    assert result.returncode == 1 and "approve 4 case(s)" in result.stderr and "nothing was changed" in result.stderr
    assert all(case_state(rdb, i) == "staged" for i in ids)
    result = scrapy_inproc("cases", "approve", "--all", "--source", "sirm", input="")  # no terminal: not confirmed
    assert result.returncode == 1
    result = scrapy_inproc("cases", "approve", "--all", "--source", "sirm", "--yes")
    assert result.returncode == 1  # the minor was skipped, and said so
    assert f"{child}\tskipped" in result.stdout and "under 18" in result.stdout
    assert [case_state(rdb, i) for i in ids] == ["approved"] * 3
    assert case_state(rdb, child) == case_state(rdb, other) == "staged"


def test_reject_needs_info_reopen_duplicate(rdb, scrapy_inproc):
    a, b = rdb.add_case("1"), rdb.add_case("2")
    rdb.add_released("p1.png", noise_png(50))
    result = scrapy_inproc("cases", "reject", str(a))
    assert result.returncode == 1 and "needs a reason" in result.stderr and case_state(rdb, a) == "staged"
    scrapy_inproc("cases", "reject", str(a), "--reason", "pediatric hospital", check=True)
    assert case_state(rdb, a) == "rejected" and case_events(rdb, a)[-1][5] == "pediatric hospital"
    scrapy_inproc("cases", "reopen", str(a), check=True)
    scrapy_inproc("cases", "needs-info", str(a), "--reason", "which day?", check=True)
    assert case_state(rdb, a) == "needs_info"
    result = scrapy_inproc("cases", "duplicate", str(b), "--of", str(b))
    assert result.returncode == 1 and "itself" in result.stderr
    scrapy_inproc("cases", "duplicate", str(b), "--of", "released:p1.png", check=True)
    with session_scope(rdb.engine) as s:
        assert s.get(Case, b).review_state == "duplicate" and s.get(Case, b).duplicate_of_released_row_id is not None
    scrapy_inproc("cases", "reopen", str(b), check=True)
    scrapy_inproc("cases", "duplicate", str(b), "--of", str(a), check=True)
    with session_scope(rdb.engine) as s:
        assert s.get(Case, b).duplicate_of_case_id == a
    assert [e[1] for e in case_events(rdb, b)] == ["duplicate", "reopen", "duplicate"]


def test_set_reset_include_exclude_split(rdb, scrapy_inproc):
    a = rdb.add_case("1", images=[noise_png(1), noise_png(2), noise_png(3)])
    with session_scope(rdb.engine) as s:
        img = s.scalars(select(Image.id).where(Image.case_id == a).order_by(Image.position)).all()
    # one bad value: nothing of the command is applied
    result = scrapy_inproc("cases", "set", str(a), "sex=F", "finding=Pneumonia (viral)")
    assert result.returncode == 1 and "regex" in result.stderr and "nothing was changed" in result.stderr
    assert case_events(rdb, a) == []
    scrapy_inproc("cases", "set", str(a), "sex=F", "temperature=38.5", f"view@{img[0]}=AP", check=True)
    with session_scope(rdb.engine) as s:
        values = {(fv.field, fv.image_id): (fv.value, fv.override)
                  for fv in s.scalars(select(FieldValue).where(FieldValue.case_id == a))}
    assert values[("sex", None)] == ("M", "F") and values[("temperature", None)] == (None, "38.5")
    assert values[("view", img[0])] == ("PA", "AP")
    scrapy_inproc("cases", "reset", str(a), "sex", check=True)
    assert scrapy_inproc("cases", "reset", str(a), "sex").returncode == 1
    assert scrapy_inproc("cases", "set", str(a), "patientid=12").returncode == 1
    assert scrapy_inproc("cases", "set", str(a), f"view@{img[0]}x=AP").returncode == 1
    scrapy_inproc("cases", "exclude", str(a), str(img[2]), check=True)
    assert scrapy_inproc("cases", "exclude", str(a), "99999").returncode == 1
    scrapy_inproc("cases", "include", str(a), str(img[2]), check=True)
    result = scrapy_inproc("cases", "split", str(a), "--group", f"{img[1]},{img[2]}", check=True)
    new_id = int(result.stdout.split()[-1])
    with session_scope(rdb.engine) as s:
        assert sorted(i.id for i in s.get(Case, new_id).images) == img[1:]
    assert scrapy_inproc("cases", "split", str(a), "--group", str(img[0])).returncode == 1  # the last image stays
    actions = [e[1] for e in case_events(rdb, a)]
    assert actions == ["set_field", "set_field", "set_field", "reset_field", "exclude_image", "include_image", "split"]
    history = json.loads(scrapy_inproc("cases", "show", str(a), "--json", check=True).stdout)["history"]
    assert history[-1]["action"] == "set_field" and history[-1]["before"]["value"] == "M"


def test_confirm_distinct_resolves_a_near_duplicate(rdb, scrapy_inproc):
    film = xray_png(3)
    rdb.add_released("old.jpg", reencode_jpeg(film))
    a = rdb.add_case("1", images=[film])
    result = scrapy_inproc("cases", "approve", str(a))
    assert result.returncode == 1 and "images/old.jpg" in result.stderr
    scrapy_inproc("cases", "confirm-distinct", str(a), check=True)
    scrapy_inproc("cases", "approve", str(a), check=True)
    assert case_state(rdb, a) == "approved"


def test_bad_verbs_and_ids(rdb, scrapy_inproc):
    assert scrapy_inproc("cases").returncode == 1
    assert scrapy_inproc("cases", "frobnicate").returncode == 1
    assert "not a case id" in scrapy_inproc("cases", "approve", "abc").stderr
    assert scrapy_inproc("cases", "approve").returncode == 1
