"""One identity per patient when a page's reading changes (issue 12, splitfix53), through the spiders on loopback.

A page read as three persons and re-read as two retires the third person's case (``duplicate`` of the page's
first case as read now, kept), a later reading of three restores it (the same case), whatever alias of the page
each crawl was given; released cases and a reviewer's own splits are never retired
(``staging/identity.py`` ``retire_other_reading``)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, jpeg_bytes
from tests.e2e.conftest import rows, snapshot

pytestmark = pytest.mark.e2e

PAGE = "https://www.eurorad.org/case/16689"
_FIG4 = ("https://www.eurorad.org/sites/default/files/styles/{style}/public/figure_image/2020-03/0000016689/"
         "16689_4_1.jpg?itok=kL3mN4oP")
_ITEM = '        <div class="figure-gallery__item">'
_END = '        </div>\n      </div>\n      <div class="case-citation'


def _two() -> str:
    return (ROOT / "tests/fixtures/eurorad/case_multi_patient.html").read_text(encoding="utf-8")


def _three() -> str:
    """16689 with a third person (her son-in-law: his history, his findings, his Figure 4)."""
    html = _two()
    html = html.replace(
        "developed fever and myalgia 4 days later; SARS-CoV-2 RT-PCR positive.</p>",
        "developed fever and myalgia 4 days later; SARS-CoV-2 RT-PCR positive.</p><p>Patient 3: her 50-year-old "
        "son-in-law, living with them, had fever and cough 6 days later; SARS-CoV-2 RT-PCR positive.</p>")
    html = html.replace("in the right lower lobe (Fig. 3).</p>", "in the right lower lobe (Fig. 3).</p><p>Patient 3: "
                        "chest X-ray showed a faint left basal opacity (Fig. 4).</p>")
    first = html.index(_ITEM)
    item = html[first:html.index(_ITEM, first + 1)]
    figure4 = item.replace("16689_1_1.jpg?itok=mN7oP8qR", "16689_4_1.jpg?itok=kL3mN4oP").replace(
        "<strong>Figure 1</strong> Patient 1. Bedside AP chest X-ray: bilateral peripheral consolidations.",
        "<strong>Figure 4</strong> Patient 3. PA chest X-ray: faint left basal opacity.")
    end = html.index(_END)
    return html[:end] + figure4 + html[end:]


def _serve(mirror, html: str) -> None:
    mirror.route(PAGE, html, headers={"Content-Type": "text/html; charset=utf-8"})
    mirror.route(f"{PAGE}/teaching-case", html, headers={"Content-Type": "text/html; charset=utf-8"})
    for style in ("figure_image", "figure_image_teaser_large"):
        mirror.route(_FIG4.format(style=style), jpeg_bytes(512, 512, seed=44), headers={"Content-Type": "image/jpeg"})


def _cases(db: str) -> list[tuple]:
    """Each case: key, id, state, the key of the case it is a duplicate of, the key it was split from."""
    return rows(db, "select c.source_key, c.id, c.review_state, d.source_key, s.source_key from cases c "
                    "left join cases d on d.id = c.duplicate_of_case_id "
                    "left join cases s on s.id = c.split_from_case_id order by c.source_key")


def _states(db: str) -> list[tuple]:
    return [(key, state, of, split) for key, _id, state, of, split in _cases(db)]


def _events(db: str, key: str) -> list[tuple]:
    return rows(db, "select e.actor, e.action from review_events e join cases c on c.id = e.case_id "
                    f"where c.source_key = '{key}' order by e.id")


def test_a_page_of_three_persons_read_as_two_retires_the_third_and_reading_three_again_restores_it(
        mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    db = project_env["STAGING_DB_URL"]
    _serve(mirror, _three())
    crawl("eurorad", mirror, cases="16689")
    assert _states(db) == [("16689-p1", "staged", None, None), ("16689-p2", "staged", None, None),
                           ("16689-p3", "staged", None, None)]
    ids = {key: case_id for key, case_id, *_ in _cases(db)}

    _serve(mirror, _two())
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689-p1", "staged", None, None), ("16689-p2", "staged", None, None),
                           ("16689-p3", "duplicate", "16689-p1", None)]
    reason = rows(db, "select review_reason from cases where source_key = '16689-p3'")[0][0]
    assert reason.startswith(f"the page {PAGE} is now read one case per person: 16689-p1, 16689-p2 (re-crawl)")
    assert _events(db, "16689-p3") == [("identity", "duplicate")]
    # kept with its film; its film flags no one
    assert rows(db, "select count(*) from images i join cases c on c.id = i.case_id "
                    "where c.source_key = '16689-p3'") == [(1,)]
    before = snapshot(db)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")  # re-run: nothing changes
    assert snapshot(db) == before

    # the third person comes back: the same case, its state before, an audit event
    _serve(mirror, _three())
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689-p1", "staged", None, None), ("16689-p2", "staged", None, None),
                           ("16689-p3", "staged", None, None)]
    assert {key: case_id for key, case_id, *_ in _cases(db)} == ids
    assert _events(db, "16689-p3") == [("identity", "duplicate"), ("identity", "reopen")]
    before = snapshot(db)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert snapshot(db) == before


def test_a_page_staged_whole_then_three_then_two_retires_each_earlier_reading(mirror_of, crawl, project_env):
    mirror = mirror_of("eurorad")
    db = project_env["STAGING_DB_URL"]
    whole = _two().replace("</strong> Patient 1. ", "</strong> ").replace("</strong> Patient 2. ", "</strong> ")
    _serve(mirror, whole)
    crawl("eurorad", mirror, cases="16689")
    _serve(mirror, _three())
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689", "duplicate", "16689-p1", None), ("16689-p1", "staged", None, "16689"),
                           ("16689-p2", "staged", None, "16689"), ("16689-p3", "staged", None, "16689")]
    _serve(mirror, _two())
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689", "duplicate", "16689-p1", None), ("16689-p1", "staged", None, "16689"),
                           ("16689-p2", "staged", None, "16689"), ("16689-p3", "duplicate", "16689-p1", "16689")]
    # read whole again: the whole case is the page's again, every person's case retired in its favour
    _serve(mirror, whole)
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689", "staged", None, None), ("16689-p1", "duplicate", "16689", "16689"),
                           ("16689-p2", "duplicate", "16689", "16689"), ("16689-p3", "duplicate", "16689-p1", "16689")]


def test_a_released_person_gone_from_the_page_stays_released_and_is_named_for_the_reviewer(
        mirror_of, crawl, project_env):
    from db.models import Case
    from staging.identity import mark_released
    from tests.e2e.test_crawl_sirm import _in_session

    mirror = mirror_of("eurorad")
    db = project_env["STAGING_DB_URL"]
    _serve(mirror, _three())
    crawl("eurorad", mirror, cases="16689")
    _in_session(db, lambda session: mark_released(
        session, session.query(Case).filter_by(source_key="16689-p3").one(), "export", "exported"))
    _serve(mirror, _two())
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    assert _states(db) == [("16689-p1", "staged", None, None), ("16689-p2", "staged", None, None),
                           ("16689-p3", "released", None, None)]
    assert _events(db, "16689-p3") == [("export", "released")]
    p3 = rows(db, "select id from cases where source_key = '16689-p3'")[0][0]
    for key in ("16689-p1", "16689-p2"):
        warnings = json.loads(rows(db, f"select warnings from cases where source_key = '{key}'")[0][0])
        assert f"case {p3} (16689-p3) of this page is released and not among the page's cases as read now " \
               "(16689-p1, 16689-p2): left as it is; check its released rows by hand" in warnings


def test_a_reviewers_split_of_a_person_is_never_retired_nor_a_reviewers_work_lost(mirror_of, crawl, project_env):
    from db.models import Case
    from review import actions
    from tests.e2e.test_crawl_sirm import _in_session

    mirror = mirror_of("eurorad")
    db = project_env["STAGING_DB_URL"]
    _serve(mirror, _three())
    crawl("eurorad", mirror, cases="16689")

    def review(session):
        p1 = session.query(Case).filter_by(source_key="16689-p1").one()
        actions.split_case(session, p1, "anna", [[sorted(image.id for image in p1.images)[-1]]])
        p3 = session.query(Case).filter_by(source_key="16689-p3").one()
        actions.set_field(session, p3, "anna", "age", "50")

    _in_session(db, review)
    _serve(mirror, _two())
    crawl("eurorad", mirror, cases="16689", recrawl="yes")
    states = _states(db)
    assert [(key, state) for key, state, *_ in states] == [
        ("16689-p1", "staged"), ("16689-p1#patient-2", "staged"), ("16689-p2", "staged"), ("16689-p3", "duplicate")]
    p3 = rows(db, "select id from cases where source_key = '16689-p3'")[0][0]
    warnings = json.loads(rows(db, "select warnings from cases where source_key = '16689-p1'")[0][0])
    assert [w for w in warnings if w.startswith(f"staged earlier as case {p3} (16689-p3), which a reviewer set 1 "
                                                "value(s)")], warnings
    assert rows(db, f"select override from field_values where case_id = {p3} and field = 'age'") == [("50",)]


@pytest.mark.parametrize("alias", ["CASE 16689", "https://www.eurorad.org/case/16689/teaching-case",
                                   "http://eurorad.org/case/16689/", "https://www.eurorad.org/case/16689?lang=en"])
def test_every_eurorad_alias_of_a_split_page_lands_on_the_same_persons_cases(mirror_of, crawl, project_env, alias):
    # site-notes §2.1: the case number, /case/<n> on any host and scheme, /teaching-case, a query
    mirror = mirror_of("eurorad")
    db = project_env["STAGING_DB_URL"]
    _serve(mirror, _three())
    crawl("eurorad", mirror, cases="16689")
    ids = {key: case_id for key, case_id, *_ in _cases(db)}
    before = snapshot(db)
    crawl("eurorad", mirror, cases=alias)  # known by this name too: not fetched, nothing new
    assert snapshot(db) == before
    _serve(mirror, _two())
    crawl("eurorad", mirror, cases=alias, recrawl="yes")
    assert [(key, case_id, state, of) for key, case_id, state, of, _ in _cases(db)] == [
        ("16689-p1", ids["16689-p1"], "staged", None), ("16689-p2", ids["16689-p2"], "staged", None),
        ("16689-p3", ids["16689-p3"], "duplicate", "16689-p1")]


@pytest.mark.parametrize("alias", ["168", "http://sirm.org/2020/04/02/covid-19-caso-168",
                                   "https://archivio.sirm.org/2020/04/02/covid-19-caso-168/",
                                   "https://www.sirm.org/2020/04/02/covid-19-caso-168/?print=print-search"])
def test_every_sirm_alias_of_a_post_read_again_lands_on_the_same_cases(mirror_of, crawl, project_env, alias):
    # site-notes §3.1: a case number (/?name=<slug>, redirected to the permalink), the bare host and http, the
    # archive host, the print variant. (The English posts are a sequence of their own: not an alias.)
    from tests.e2e.test_crawl_sirm import _COUPLE, _COUPLE_URL, _serve_couple, _whole

    mirror = mirror_of("sirm")
    db = project_env["STAGING_DB_URL"]
    mirror.route("https://www.sirm.org/?name=covid-19-caso-168", "", status=301, headers={"Location": _COUPLE_URL})
    _serve_couple(mirror, _whole(_COUPLE.read_text()))
    crawl("sirm", mirror, cases=_COUPLE_URL)
    whole = rows(db, "select id from cases")[0][0]
    _serve_couple(mirror, _COUPLE.read_text())
    crawl("sirm", mirror, cases=alias, recrawl="yes")
    assert _states(db) == [("covid-19-caso-168", "duplicate", "covid-19-caso-168-p1", None),
                           ("covid-19-caso-168-p1", "staged", None, "covid-19-caso-168"),
                           ("covid-19-caso-168-p2", "staged", None, "covid-19-caso-168")]
    assert rows(db, "select id from cases where source_key = 'covid-19-caso-168'") == [(whole,)]
    before = snapshot(db)
    crawl("sirm", mirror, cases=alias, recrawl="yes")  # re-run: nothing changes
    crawl("sirm", mirror, cases=_COUPLE_URL)  # by its permalink: known, not fetched
    assert snapshot(db) == before
