"""The case page built for the task and the queue's decisions (issue 16), over the Flask test client
on the real app, database and media store."""

from __future__ import annotations

import re

from db.models import Case, Release, ReleaseItem
from db.session import session_scope
from review.queries import highlight
from tests.review.conftest import case_events, case_state, xray_png
from tests.review.test_web import app, client, csrf, post  # noqa: F401 - fixtures and helpers


def marked(segments) -> list[str]:
    return [text for text, fields in segments if fields]


def test_evidence_marks_whole_tokens_only():
    text = "Bilateral opacities in the same patient; radiograph, PA view. AP supine on day 3 (P.A.)."
    segments = highlight(text, {"view": ["PA", "ap", "P.A."], "offset": ["day 3"]})
    assert marked(segments) == ["PA", "AP", "day 3", "P.A."]
    assert "".join(t for t, _ in segments) == text  # nothing lost or doubled
    assert marked(highlight("opacities", {"view": ["pa"]})) == []
    assert marked(highlight("radiograph", {"view": ["ap"]})) == []
    assert marked(highlight("PA-view", {"view": ["PA"]})) == ["PA"]  # a hyphen ends a token
    assert marked(highlight("x PA_2", {"view": ["PA"]})) == ["PA"]  # an underscore is no letter


def test_first_screen_holds_the_decisions_then_the_source_text_then_the_images(rdb, client):
    case_id = rdb.add_case("21", license=None, findings="PA view: bilateral opacities.")
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    order = [html.index(marker) for marker in ('id="decision-fields"', 'id="warning-list"', 'id="source-text"',
                                               'id="images"', 'id="history"')]
    assert order == sorted(order)
    decisions = html[html.index('id="decision-fields"'):html.index('id="warning-list"')]
    assert re.search(r'id="decide-age" value="45"', decisions)
    assert re.search(r'<option value="M" selected>M</option>', decisions)
    assert 'id="decide-finding" value="Pneumonia/Viral/COVID-19"' in decisions
    assert 'id="decide-license" value=""' in decisions
    warnings = html[html.index('id="warning-list"'):html.index('id="source-text"')]
    assert re.search(r'class="warning blocking w-license_unknown"><strong>license unknown</strong> '
                     r'<span class="blocks">blocks approval', warnings)
    assert 'class="warning note w-offset_missing' not in warnings  # every image has an offset
    text = html[html.index('id="source-text"'):html.index('id="images"')]
    assert '<mark title="view" data-fields="view">PA view</mark>' in text
    assert "o<mark" not in text


def test_queue_colours_warnings_by_whether_they_block(rdb, client):
    rdb.add_case("22", license=None, offset=None)
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'class="warn w-block w-license_unknown"\s+title="blocks approval">license unknown', html)
    assert re.search(r'class="warn w-note w-offset_missing"\s+title="does not block approval">offset missing', html)


def test_after_an_action_the_next_case_needing_a_decision_opens(rdb, client):
    first, decided, undecided = rdb.add_case("31"), rdb.add_case("32"), rdb.add_case("33")
    with session_scope(rdb.engine) as s:
        s.get(Case, decided).review_state = "approved"
    resp = post(client, first, "approve")
    assert resp.status_code == 303 and resp.headers["Location"] == f"/case/{undecided}"
    resp = post(client, undecided, "reject", reason="a CT scout, not a radiograph")
    assert resp.status_code == 303 and resp.headers["Location"] == "/"
    assert "no staged case left to decide" in client.get("/").get_data(as_text=True)
    # from the end of the queue it starts again at the top
    top, end = rdb.add_case("34"), rdb.add_case("35")
    assert post(client, end, "needs-info").headers["Location"] == f"/case/{top}"


def test_bulk_approve_approves_what_the_rules_allow_and_says_why_not_for_the_rest(rdb, client):
    good, also_good, minor = rdb.add_case("41"), rdb.add_case("42"), rdb.add_case("43", age="12")
    token = csrf(client)
    resp = client.post("/bulk", data={"csrf_token": token, "action": "approve",
                                      "case_id": [str(good), str(also_good), str(minor)]})
    assert resp.status_code == 303
    assert ((case_state(rdb, good), case_state(rdb, also_good), case_state(rdb, minor))
            == ("approved", "approved", "staged"))
    html = client.get("/").get_data(as_text=True)
    assert f"2 case(s) approved: {good}, {also_good}" in html
    assert f"case {minor} cannot be approved: age 12 is under 18" in html
    assert [e[1] for e in case_events(rdb, good)] == ["approve"] and case_events(rdb, minor) == []


def test_bulk_reject_needs_a_reason_and_changes_nothing_without_one(rdb, client):
    a = rdb.add_case("44")
    token = csrf(client)
    client.post("/bulk", data={"csrf_token": token, "action": "reject", "case_id": [str(a)]})
    assert case_state(rdb, a) == "staged"
    assert "rejecting needs a reason" in client.get("/").get_data(as_text=True)
    client.post("/bulk", data={"csrf_token": token, "action": "reject", "reason": "pediatric ward",
                               "case_id": [str(a)]})
    assert case_state(rdb, a) == "rejected" and case_events(rdb, a)[0][5] == "pediatric ward"
    assert client.post("/bulk", data={"action": "approve", "case_id": [str(a)]}).status_code == 403  # CSRF


def test_a_resolved_near_duplicate_badge_leaves_the_other_case_at_once(rdb, client):
    film = xray_png(7)
    a, b = rdb.add_case("51", images=[film]), rdb.add_case("52", images=[film])

    def badges(case_id) -> str:
        html = client.get("/").get_data(as_text=True)
        row = html[html.index(f'data-case="{case_id}"'):]
        return row[:row.index("</tr>")]

    assert "near-duplicate" in badges(b)
    assert post(client, a, "confirm", what="distinct", value="1").status_code == 303
    assert "near-duplicate" not in badges(b)  # without opening case b
    assert "near-duplicate" not in badges(a)


def test_already_released_badge(rdb, client):
    case_id = rdb.add_case("61")
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert 'id="released-badge"' not in html
    with session_scope(rdb.engine) as s:
        image = s.get(Case, case_id).images[0]
        release = Release(name="2026-12-01", path="/srv/release", metadata_sha256="0" * 64, counts={})
        s.add(release)
        s.flush()
        s.add(ReleaseItem(release_id=release.id, position=0, patientid="1001", filename="eurorad-61-1.png",
                          image_id=image.id))
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert re.search(r'id="released-badge"[^>]*>already released \(2026-12-01\)', html)


def test_a_banner_says_when_images_are_not_in_the_media_store(rdb, tmp_path):
    from review.web import create_app

    case_id = rdb.add_case("71")
    wrong = create_app(rdb.url, str(tmp_path / "elsewhere"), reviewer="alice").test_client()
    for url in (f"/case/{case_id}", "/"):
        html = wrong.get(url).get_data(as_text=True)
        assert 'id="media-missing"' in html and str(tmp_path / "elsewhere") in html and "MEDIA_STORE=" in html
    right = create_app(rdb.url, rdb.media, reviewer="alice").test_client()
    assert 'id="media-missing"' not in right.get(f"/case/{case_id}").get_data(as_text=True)


def test_history_reads_as_a_timeline(rdb, client):
    case_id = rdb.add_case("81")
    post(client, case_id, "field", field="age", value="54")
    post(client, case_id, "approve")
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    history = html[html.index('id="history"'):]
    entries = re.findall(r'<li class="event action-(\w+)">', history)
    assert entries == ["approve", "set_field"]  # newest first
    assert re.search(r'<span class="who">alice</span> set age\s*<ul class="changes">', history)
    assert "<del>45</del>" in history and "<ins>54</ins>" in history
    assert "approved the case" in history
    assert "{&#34;" not in history and '{"' not in history  # no raw JSON
