"""The review pages over HTTP (Flask's test client on the real app, real DB and media store)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image as PILImage
from sqlalchemy import select

from db.models import Case, FieldValue, Image
from db.session import session_scope
from review import actions
from review.web import create_app, is_loopback, parse_bind
from staging.service import source_changed
from tests.review.conftest import case_events, case_state, noise_png, reencode_jpeg, xray_png


@pytest.fixture
def app(rdb):
    app = create_app(rdb.url, rdb.media, reviewer="alice")
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def csrf(client, case_id=None) -> str:
    html = client.get(f"/case/{case_id}" if case_id else "/").get_data(as_text=True)
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if m:
        return m.group(1)
    with client.session_transaction() as sess:
        return sess["csrf"]


def post(client, case_id, action, **data):
    data.setdefault("csrf_token", csrf(client, case_id))
    return client.post(f"/case/{case_id}/{action}", data=data)


def error_text(resp) -> str:
    m = re.search(r'role="alert"[^>]*>([^<]*)<', resp.get_data(as_text=True))
    return m.group(1) if m else ""


# --- queue -----------------------------------------------------------------------------------------


def test_queue_lists_staged_cases_with_thumbnails_counts_filters_sorting_paging(rdb, client):
    ids = [rdb.add_case(str(i), source="eurorad" if i % 2 else "sirm", title=f"case number {i}") for i in range(1, 8)]
    rdb.add_case("50", title="a minor", age="12", finding="Pneumonia/Bacterial")
    with session_scope(rdb.engine) as s:
        actions.reject(s, s.get(Case, ids[0]), "bob", "not a chest film")
    html = client.get("/").get_data(as_text=True)
    assert html.count('class="row"') == 8
    assert re.search(r'data-state-count="staged">staged <span class="n">7</span>', html)
    assert re.search(r'data-state-count="rejected">rejected <span class="n">1</span>', html)
    assert html.count("/thumb/") == 8
    thumb = re.search(r'src="(/thumb/[0-9a-f]{64})"', html).group(1)
    resp = client.get(thumb)
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    # filters
    html = client.get("/?state=staged&source=sirm").get_data(as_text=True)
    assert html.count('class="row"') == 3
    html = client.get("/?finding=Pneumonia/Bacterial").get_data(as_text=True)
    assert html.count('class="row"') == 1 and "a minor" in html
    html = client.get("/?finding=Pneumonia").get_data(as_text=True)
    assert html.count('class="row"') == 8  # a path includes its children
    html = client.get("/?warning=age_pediatric").get_data(as_text=True)
    assert html.count('class="row"') == 1 and "a minor" in html
    # sorting and paging
    html = client.get("/?sort=-id&per_page=25").get_data(as_text=True)
    assert re.findall(r'<a href="/case/(\d+)', html)[0] == str(max(ids) + 1)
    for i in range(8, 60):
        rdb.add_case(str(100 + i))
    html = client.get("/?per_page=25&page=2").get_data(as_text=True)
    assert html.count('class="row"') == 25 and "page 2 of 3" in html
    assert client.get("/?per_page=25&page=3").get_data(as_text=True).count('class="row"') == 10


@pytest.mark.parametrize("query", ["state=bogus", "sort=password", "per_page=7", "page=x", "warning=<b>",
                                   "finding=Nope"])
def test_queue_rejects_bad_filters_clearly(client, rdb, query):
    resp = client.get("/?" + query)
    assert resp.status_code == 400
    assert "<b>" not in resp.get_data(as_text=True)


# --- a case ------------------------------------------------------------------------------------------


def test_case_page_shows_images_fields_evidence_warnings_and_source_link(rdb, client):
    case_id = rdb.add_case("7", age=None, license=None, view=None, images=[noise_png(3), noise_png(4)],
                           history="Two patients were admitted. Patient 1 had fever; patient 2 had cough. "
                                   "RT-PCR positive.")
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert html.count('class="open-viewer"') == 2 and html.count("/thumb/") == 2 and html.count("/media/") >= 2
    assert 'data-zoom="in"' in html and 'data-filter="contrast"' in html
    for label in ("age unknown", "license unknown", "several patients", "view missing"):
        assert label in html
    assert '<mark title="RT_PCR_positive"' in html  # evidence highlighted in the source text
    assert "rt_pcr.evidence v1" in html  # the rule
    assert 'href="https://www.eurorad.org/case/7"' in html and 'rel="noopener noreferrer nofollow"' in html
    assert client.get("/case/99999").status_code == 404


def test_near_duplicates_are_shown_side_by_side_with_the_hash_distance(rdb, client):
    film = xray_png(0)
    rdb.add_released("16660_1_1.jpg", reencode_jpeg(film))
    case_id = rdb.add_case("8", images=[film])
    other = rdb.add_case("9", images=[film])
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    block = html[html.index("side-by-side"):]
    assert "released images/16660_1_1.jpg" in block and "hash distance 0" in block
    assert f'href="/case/{other}"' in block and "identical bytes" in block
    resp = post(client, case_id, "approve")
    assert resp.status_code == 400 and "near-duplicate" not in error_text(resp) and "looks like" in error_text(resp)
    assert case_state(rdb, case_id) == "staged"
    resp = post(client, case_id, "approve", not_duplicate="1")
    assert resp.status_code == 303 and case_state(rdb, case_id) == "approved"


def test_a_cropped_copy_of_a_released_film_is_a_near_duplicate(rdb, client):
    """The released film re-published with 4 % and 5 % cut off two sides: hashes far apart, the
    crop part of the rule (dedup/crops.py) finds it, and the page says how."""
    film = xray_png(3)
    with PILImage.open(io.BytesIO(film)) as img:
        w, h = img.size
        out = io.BytesIO()
        img.crop((int(0.04 * w), 0, w, h - int(0.05 * h))).save(out, "JPEG", quality=85)
    rdb.add_released("16660_2_1.jpg", film)
    case_id = rdb.add_case("10", images=[out.getvalue()])
    unrelated = rdb.add_case("11", images=[noise_png(4, size=(300, 280))])
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    block = html[html.index("side-by-side"):]
    assert "released images/16660_2_1.jpg" in block and "another frame" in block
    assert "side-by-side" not in client.get(f"/case/{unrelated}").get_data(as_text=True)


# --- actions --------------------------------------------------------------------------------------------


def test_approve_moves_to_next_case_and_is_recorded(rdb, client):
    a, b = rdb.add_case("1"), rdb.add_case("2")
    resp = post(client, a, "approve")
    assert resp.status_code == 303 and resp.headers["Location"].startswith(f"/case/{b}")
    assert case_state(rdb, a) == "approved"
    (actor, action, _, before, after, _), = case_events(rdb, a)
    assert (actor, action, before["state"], after["state"]) == ("alice", "approve", "staged", "approved")
    html = client.get(f"/case/{a}").get_data(as_text=True)
    assert "action-approve" in html and "alice" in html
    assert post(client, a, "approve").status_code == 400  # already approved: error, no new event
    assert len(case_events(rdb, a)) == 1


def test_approve_is_blocked_by_unknown_age_until_adult_confirmed(rdb, client):
    case_id = rdb.add_case("3", age=None)
    resp = post(client, case_id, "approve")
    assert resp.status_code == 400 and "no age" in error_text(resp)
    assert case_state(rdb, case_id) == "staged" and case_events(rdb, case_id) == []
    resp = post(client, case_id, "approve", confirm_adult="1")
    assert resp.status_code == 303 and case_state(rdb, case_id) == "approved"
    assert [e[1] for e in case_events(rdb, case_id)] == ["confirm_adult", "approve"]


def test_confirm_adult_action(rdb, client):
    case_id = rdb.add_case("3", age=None)
    assert post(client, case_id, "confirm", what="adult", value="1").status_code == 303
    with session_scope(rdb.engine) as s:
        assert s.get(Case, case_id).adult_confirmed
    assert post(client, case_id, "confirm", what="nonsense").status_code == 400


def test_pediatric_and_license_block_approval(rdb, client):
    child = rdb.add_case("4", age="9")
    nolicense = rdb.add_case("5", license=None)
    assert "under 18" in error_text(post(client, child, "approve"))
    assert "license" in error_text(post(client, nolicense, "approve"))
    assert case_state(rdb, child) == case_state(rdb, nolicense) == "staged"


def test_reject_needs_a_reason(rdb, client):
    case_id = rdb.add_case("1")
    resp = post(client, case_id, "reject", reason="   ")
    assert resp.status_code == 400 and "reason" in error_text(resp) and case_state(rdb, case_id) == "staged"
    assert post(client, case_id, "reject", reason="CT only, no X-ray").status_code == 303
    assert case_state(rdb, case_id) == "rejected"
    assert case_events(rdb, case_id)[-1][5] == "CT only, no X-ray"


def test_needs_info_and_reopen(rdb, client):
    case_id = rdb.add_case("1")
    assert post(client, case_id, "needs-info", reason="ask for the age").status_code == 303
    assert case_state(rdb, case_id) == "needs_info"
    assert post(client, case_id, "reopen").status_code == 303
    assert case_state(rdb, case_id) == "staged"
    assert post(client, case_id, "reopen").status_code == 400


def test_duplicate_of_a_case_or_a_released_row(rdb, client):
    a, b, c = rdb.add_case("1"), rdb.add_case("2"), rdb.add_case("3")
    row = rdb.add_released("p1.png", noise_png(77))
    assert post(client, a, "duplicate", of=str(a)).status_code == 400
    assert post(client, a, "duplicate", of="99999").status_code == 400
    assert post(client, a, "duplicate", of="released:nope.png").status_code == 400
    assert post(client, a, "duplicate", of="../../etc").status_code == 400
    assert case_state(rdb, a) == "staged"
    assert post(client, a, "duplicate", of=str(b)).status_code == 303
    assert post(client, c, "duplicate", of="released:p1.png").status_code == 303
    with session_scope(rdb.engine) as s:
        assert (s.get(Case, a).review_state, s.get(Case, a).duplicate_of_case_id) == ("duplicate", b)
        assert s.get(Case, c).duplicate_of_released_row_id == row
    assert "duplicate of released p1.png" in client.get(f"/case/{c}").get_data(as_text=True)


def test_edit_field_records_override_and_validates_against_the_schema(rdb, client):
    case_id = rdb.add_case("1")
    resp = post(client, case_id, "field", field="finding", value="Pneumonia/Viral/SARS")
    assert resp.status_code == 303
    with session_scope(rdb.engine) as s:
        fv = s.scalars(select(FieldValue).where(FieldValue.case_id == case_id, FieldValue.field == "finding")).one()
        assert (fv.value, fv.override, fv.override_by) == ("Pneumonia/Viral/COVID-19", "Pneumonia/Viral/SARS", "alice")
    _actor, action, field, before, after, _ = case_events(rdb, case_id)[-1]
    assert ((action, field, before["value"], after["value"])
            == ("set_field", "finding", "Pneumonia/Viral/COVID-19", "Pneumonia/Viral/SARS"))
    for field, value in (("finding", "Pneumonia (viral)"), ("sex", "male"), ("age", "old"), ("temperature", "101F"),
                         ("view", "PA"), ("patientid", "5"), ("no_such", "x"), ("license", "whatever"),
                         ("finding", "")):
        resp = post(client, case_id, "field", field=field, value=value)
        assert resp.status_code == 400, (field, value)
        assert error_text(resp)
    assert len(case_events(rdb, case_id)) == 1
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert "edited by alice" in html and 'value="Pneumonia/Viral/SARS"' in html


def test_edit_image_field_and_reset(rdb, client):
    case_id = rdb.add_case("1", view=None)
    with session_scope(rdb.engine) as s:
        image_id = s.scalars(select(Image.id).where(Image.case_id == case_id)).one()
    assert post(client, case_id, "field", field="view", value="AP Supine", image_id=str(image_id)).status_code == 303
    assert post(client, case_id, "field", field="view", value="Lateral", image_id=str(image_id)).status_code == 400
    assert post(client, case_id, "field", field="view", value="PA", image_id="99999").status_code == 400
    assert "view missing" not in client.get(f"/case/{case_id}").get_data(as_text=True)
    assert post(client, case_id, "field/reset", field="view", image_id=str(image_id)).status_code == 303
    assert post(client, case_id, "field/reset", field="view", image_id=str(image_id)).status_code == 400
    assert [e[1] for e in case_events(rdb, case_id)] == ["set_field", "reset_field"]


def test_include_and_exclude_single_images(rdb, client):
    case_id = rdb.add_case("1", images=[noise_png(1), noise_png(2)])
    with session_scope(rdb.engine) as s:
        _first, second = s.scalars(select(Image.id).where(Image.case_id == case_id).order_by(Image.position)).all()
    assert post(client, case_id, "image", image_id=str(second), included="0").status_code == 303
    assert post(client, case_id, "image", image_id=str(second), included="0").status_code == 400
    assert post(client, case_id, "image", image_id=str(second), included="maybe").status_code == 400
    with session_scope(rdb.engine) as s:
        assert [i.included for i in s.get(Case, case_id).images] == [True, False]
    assert post(client, case_id, "image", image_id=str(second), included="1").status_code == 303
    assert [e[1] for e in case_events(rdb, case_id)] == ["exclude_image", "include_image"]


def test_split_one_case_into_several_patients(rdb, client):
    case_id = rdb.add_case("12", images=[noise_png(1), noise_png(2), noise_png(3)])
    with session_scope(rdb.engine) as s:
        ids = s.scalars(select(Image.id).where(Image.case_id == case_id).order_by(Image.position)).all()
    # every image to another patient: refused
    assert post(client, case_id, "split", **{f"patient_{i}": "2" for i in ids}).status_code == 400
    assert post(client, case_id, "split", **{f"patient_{ids[0]}": "x"}).status_code == 400
    resp = post(client, case_id, "split", **{f"patient_{ids[1]}": "2", f"patient_{ids[2]}": "3"})
    assert resp.status_code == 303
    with session_scope(rdb.engine) as s:
        new = s.scalars(select(Case).where(Case.split_from_case_id == case_id).order_by(Case.id)).all()
        assert [c.source_key for c in new] == ["12#patient-2", "12#patient-3"]
        assert [[i.id for i in c.images] for c in new] == [[ids[1]], [ids[2]]]
        assert [i.id for i in s.get(Case, case_id).images] == [ids[0]]
        # image fields moved with their image; the new patients' age is not guessed
        assert {fv.field for fv in new[0].field_values if fv.image_id == ids[1]} == {"view", "modality", "offset"}
        assert "age" not in {fv.field for fv in new[0].field_values}
    assert [e[1] for e in case_events(rdb, case_id)] == ["split"]


def test_source_changed_requeues_an_approved_case_keeping_reviewer_edits(rdb, client):
    case_id = rdb.add_case("1")
    assert post(client, case_id, "field", field="sex", value="F").status_code == 303
    assert post(client, case_id, "approve").status_code == 303
    # a re-normalization rewrites value/rule, never the override
    with session_scope(rdb.engine) as s:
        fv = s.scalars(select(FieldValue).where(FieldValue.case_id == case_id, FieldValue.field == "sex")).one()
        fv.value, fv.rule_version = "M", 2
    with session_scope(rdb.engine) as s:
        case = s.get(Case, case_id)
        diff = source_changed(s, case, {"title": "Old", "history": "fever"}, {"title": "New", "history": "fever"})
        assert diff == {"title": {"before": "Old", "after": "New"}}
        assert source_changed(s, case, {"a": 1}, {"a": 1}) == {}
    assert case_state(rdb, case_id) == "staged"
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert "action-source_changed" in html and "found the source changed (title)" in html
    assert '<span class="what">title</span> <del>Old</del>\n          → <ins>New</ins>' in html
    with session_scope(rdb.engine) as s:
        fv = s.scalars(select(FieldValue).where(FieldValue.case_id == case_id, FieldValue.field == "sex")).one()
        assert fv.effective == "F"


# --- security ---------------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(rdb, client):
    case_id = rdb.add_case("1")
    for action, data in (("approve", {}), ("reject", {"reason": "x"}), ("field", {"field": "sex", "value": "F"}),
                         ("duplicate", {"of": "2"}), ("needs-info", {}), ("split", {}), ("image", {"included": "0"})):
        assert client.post(f"/case/{case_id}/{action}", data=data).status_code == 403
        assert client.post(f"/case/{case_id}/{action}", data={**data, "csrf_token": "forged"}).status_code == 403
    token = csrf(client, case_id)
    resp = client.post(f"/case/{case_id}/approve", data={"csrf_token": token}, headers={"Origin": "http://evil.example"})
    assert resp.status_code == 403
    other = client.application.test_client()  # another browser: its own session, the stolen token fails
    assert other.post(f"/case/{case_id}/approve", data={"csrf_token": token}).status_code == 403
    assert case_state(rdb, case_id) == "staged" and case_events(rdb, case_id) == []


def test_markup_in_scraped_text_renders_as_text(rdb, client):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    case_id = rdb.add_case("1", title=evil, history=f"History {evil} RT-PCR positive", url="javascript:alert(1)")
    with session_scope(rdb.engine) as s:
        image = s.scalars(select(Image).where(Image.case_id == case_id)).one()
        image.caption = evil
        image.source_url = "javascript:alert(2)"
    for path in ("/", f"/case/{case_id}"):
        resp = client.get(path)
        html = resp.get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
        assert 'href="javascript:' not in html
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Frame-Options"] == "DENY"
    # a reviewer's value with markup is stored as typed and shown escaped
    assert post(client, case_id, "field", field="clinical_notes", value=evil).status_code == 303
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_media_is_served_only_by_hash_of_a_known_image(rdb, client, tmp_path):
    case_id = rdb.add_case("1")
    with session_scope(rdb.engine) as s:
        sha = s.scalars(select(Image.sha256).where(Image.case_id == case_id)).one()
    resp = client.get(f"/media/{sha}")
    assert (resp.status_code == 200 and resp.mimetype == "image/png"
            and resp.headers["X-Content-Type-Options"] == "nosniff")
    page = rdb.store.put_bytes(b"<html><script>alert(1)</script></html>")  # a raw page body in the store
    assert client.get(f"/media/{page}").status_code == 404
    assert client.get(f"/thumb/{page}").status_code == 404
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    for path in ("/media/../../secret.txt", "/media/%2e%2e%2fsecret.txt", f"/media/{sha.upper()}", f"/media/{sha}/..",
                 "/media/" + "0" * 64, "/thumb/..%2F..%2Fsecret.txt", f"/media/{secret}"):
        resp = client.get(path)
        assert resp.status_code == 404, path
        assert b"secret" not in resp.data


def test_loopback_host_header_only(rdb, client):
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_token_mode_requires_the_token_on_every_request(rdb):
    case_id = rdb.add_case("1")
    app = create_app(rdb.url, rdb.media, reviewer="alice", token="s3cret-token-0123456789", loopback_only=False)
    client = app.test_client()
    assert client.get("/").status_code == 401
    assert client.get(f"/case/{case_id}").status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"Authorization": "Bearer s3cret-token-0123456789"}).status_code == 200
    resp = client.get("/?token=s3cret-token-0123456789")
    assert resp.status_code == 303 and "token" not in resp.headers["Location"]
    assert client.get(f"/case/{case_id}").status_code == 200  # the session cookie carries it now
    assert client.post(f"/case/{case_id}/approve", data={}).status_code == 403  # and CSRF still applies
    assert app.test_client().post(f"/case/{case_id}/approve", data={}).status_code == 401


def test_bind_parsing_and_loopback():
    assert parse_bind("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert parse_bind("[::1]:9000") == ("::1", 9000)
    for bad in ("8000", "127.0.0.1", "host:99999", "a:b", ""):
        with pytest.raises(ValueError):
            parse_bind(bad)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.org")


def test_review_command_refuses_a_public_address_without_token(scrapy_inproc):
    result = scrapy_inproc("review", "--bind", "0.0.0.0:18765")
    assert result.returncode == 1 and "REVIEW_TOKEN" in result.stderr
    result = scrapy_inproc("review", "--bind", "nonsense")
    assert result.returncode == 1 and "HOST:PORT" in result.stderr


def test_case_page_shows_the_timeline_with_its_anchor_and_each_images_moment(rdb, client):
    case_id = rdb.add_case("31", images=[noise_png(31), noise_png(32)],
                           history="A 45-year-old man with fever and cough for 3 days. Admitted. RT-PCR positive.")
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    section = re.sub(r">\s+<", "><", html[html.index('id="timeline"'):html.index('aria-label="images"')])
    assert "day 0 = symptom onset: “for 3 days”; admission = day 3" in section
    # image 1's "day 3" is the admission day itself; image 2's "day 3" may count from either base
    assert "<td>image 1</td><td>3</td><td>day 3</td><td>caption</td>" in section
    assert "<td>image 2</td><td>—</td><td>day 3</td><td>caption</td>" in section
    assert "may count from the onset (day 3) or from admission (day 6)" in section
