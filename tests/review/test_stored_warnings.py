"""Stored review warnings (review/warning_store.py) equal a full recomputation after every kind of
change: staging, review edits, import of the released dataset, release, deletion; and a sync
recomputes only the cases a change can touch. SQLite, and PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import delete, select, update

from db.models import Case, FieldValue, Image
from db.session import session_scope
from exports.baseline import import_dataset
from exports.release import ExportOptions, export_into_dataset
from review import actions
from review import warnings as warnings_module
from review.queries import QueueFilter, case_view, queue
from review.warning_store import sync_warnings
from review.warnings import codes_column, compute_warnings, local_inputs
from tests.conftest import CLEAN_ROWS, write_release
from tests.review.conftest import noise_png, reencode_jpeg, xray_png


def cropped_jpeg(data: bytes, box=(0.04, 0.0, 0.0, 0.05)) -> bytes:
    """The film with a few per cent cut off some sides, recompressed: hashes far apart, the crop
    part of the rule finds it (tests/review/test_web.py)."""
    with PILImage.open(io.BytesIO(data)) as img:
        w, h = img.size
        out = io.BytesIO()
        img.crop((int(box[0] * w), int(box[1] * h), w - int(box[2] * w), h - int(box[3] * h))).save(
            out, "JPEG", quality=85)
    return out.getvalue()


def sync(rdb) -> int:
    with session_scope(rdb.engine) as s:
        return sync_warnings(s)


def assert_stored_equal_full(rdb) -> dict[int, list[dict]]:
    """Every case's stored warnings, codes and input digest are those a recomputation from scratch
    (no cached index, every case at once) gives."""
    warnings_module._index_cache.clear()
    with session_scope(rdb.engine) as s:
        ids = list(s.scalars(select(Case.id).order_by(Case.id)))
        full = compute_warnings(s, ids)
        inputs = local_inputs(s, ids)
        stored = {c.id: (c.review_warnings, c.warning_codes, c.warnings_inputs) for c in s.scalars(select(Case))}
    assert {i: w for i, (w, _, _) in stored.items()} == full
    assert {i: c for i, (_, c, _) in stored.items()} == {i: codes_column(w) for i, w in full.items()}
    assert {i: d for i, (_, _, d) in stored.items()} == inputs
    return full


def codes(rdb, case_id: int) -> str:
    with session_scope(rdb.engine) as s:
        return s.get(Case, case_id).warning_codes


def test_staging_a_near_duplicate_updates_the_earlier_case(rdb):
    film = xray_png(0)
    first = rdb.add_case("1", images=[film])
    others = [rdb.add_case(str(k), images=[noise_png(k, size=(200, 180))]) for k in range(2, 6)]
    assert sync(rdb) == 5  # a new database: every case once
    assert_stored_equal_full(rdb)
    assert "near_duplicate" not in codes(rdb, first)
    assert sync(rdb) == 0  # nothing changed: nothing recomputed
    second = rdb.add_case("6", images=[reencode_jpeg(film)])
    recomputed = sync(rdb)
    full = assert_stored_equal_full(rdb)
    assert ",near_duplicate," in codes(rdb, first) and ",near_duplicate," in codes(rdb, second)
    assert recomputed == 2 and all(not any(w["code"] == "near_duplicate" for w in full[o]) for o in others)


def test_a_crop_staged_later_is_found_from_the_earlier_image_too(rdb):
    """The earlier case's query must be run again when a crop of its film arrives: its region
    hashes are stored, so the sync finds it without hashing every image again."""
    film = xray_png(3)
    first = rdb.add_case("1", images=[film])
    rdb.add_case("2", images=[noise_png(4, size=(300, 280))])
    sync(rdb)
    second = rdb.add_case("3", images=[cropped_jpeg(film)])
    assert sync(rdb) == 2
    full = assert_stored_equal_full(rdb)
    assert any(w["code"] == "near_duplicate" for w in full[second])
    assert any(w["code"] == "near_duplicate" for w in full[first])


def test_candidates_do_not_depend_on_the_cases_computed_together(rdb):
    film = xray_png(5)
    a = rdb.add_case("1", images=[film])
    b = rdb.add_case("2", images=[cropped_jpeg(film, (0.0, 0.05, 0.05, 0.0))])
    c = rdb.add_case("3", images=[reencode_jpeg(film)])
    with session_scope(rdb.engine) as s:
        together = compute_warnings(s, [a, b, c])
        alone = {i: compute_warnings(s, [i])[i] for i in (a, b, c)}
    assert together == alone


def test_review_edits_and_image_decisions_are_stored(rdb):
    film = xray_png(1)
    a = rdb.add_case("1", images=[film], age=None)
    b = rdb.add_case("2", images=[reencode_jpeg(film), noise_png(9, size=(200, 180))])
    sync(rdb)
    with session_scope(rdb.engine) as s:
        actions.set_field(s, actions.open_case(s, a), "alice", "age", "17")
    assert ",age_pediatric," in codes(rdb, a)
    with session_scope(rdb.engine) as s:
        image_id = s.scalars(select(Image.id).where(Image.case_id == b).order_by(Image.position)).first()
        actions.set_image_included(s, actions.open_case(s, b), "alice", image_id, False)
    sync(rdb)
    assert_stored_equal_full(rdb)
    with session_scope(rdb.engine) as s:
        actions.set_distinct_confirmed(s, actions.open_case(s, a), "alice")
    sync(rdb)
    assert_stored_equal_full(rdb)
    with session_scope(rdb.engine) as s:
        actions.split_case(s, actions.open_case(s, b), "alice", [[image_id]])
    sync(rdb)
    assert_stored_equal_full(rdb)


def test_a_change_no_path_reported_is_recomputed_on_the_case_page(rdb):
    """The stored digest of the case's own inputs no longer matches: the page recomputes."""
    case_id = rdb.add_case("1")
    sync(rdb)
    assert "age_pediatric" not in codes(rdb, case_id)
    with session_scope(rdb.engine) as s:
        s.execute(update(FieldValue).where(FieldValue.case_id == case_id, FieldValue.field == "age")
                  .values(value="12"))
    with session_scope(rdb.engine) as s:
        view = case_view(s, case_id)
    assert any(w["code"] == "age_pediatric" for w in view.warnings)
    assert ",age_pediatric," in codes(rdb, case_id)
    assert_stored_equal_full(rdb)


def test_import_of_the_released_dataset_adds_and_removes_candidates(rdb, tmp_path):
    film = xray_png(2)
    case_id = rdb.add_case("1", images=[film])
    crop_case = rdb.add_case("2", images=[cropped_jpeg(xray_png(4))])
    rdb.add_case("3", images=[noise_png(7, size=(200, 180))])
    sync(rdb)
    files = {"images/p2-a.png": film, "images/p2-b.jpg": reencode_jpeg(xray_png(4)),
             "images/p3.jpg": reencode_jpeg(noise_png(11, size=(120, 100)))}
    rows = [r for r in CLEAN_ROWS if ",p4.nii.gz," not in r]
    import_dataset(write_release(tmp_path / "v1", rows, files), rdb.engine, rdb.store)
    assert sync(rdb) == 2
    full = assert_stored_equal_full(rdb)
    assert any(c["kind"] == "released" for w in full[case_id] for c in w.get("candidates", ()))
    assert any(c["kind"] == "released" for w in full[crop_case] for c in w.get("candidates", ()))
    # the next import no longer holds the copy of the film: the candidate goes
    del files["images/p2-a.png"]
    import_dataset(write_release(tmp_path / "v2", [r for r in rows if ",p2-a.png," not in r], files), rdb.engine,
                   rdb.store)
    sync(rdb)
    full = assert_stored_equal_full(rdb)
    assert not any(w["code"] == "near_duplicate" for w in full[case_id])


def test_release_then_import_of_the_new_checkout(rdb, tmp_path):
    staged = rdb.add_case("1", images=[xray_png(6)], license="CC BY 4.0")
    approved = rdb.add_case("2", images=[xray_png(8)], license="CC BY 4.0")
    checkout = write_release(tmp_path / "dataset")
    import_dataset(checkout, rdb.engine, rdb.store)
    with session_scope(rdb.engine) as s:
        actions.approve(s, actions.open_case(s, approved), "alice")
    sync(rdb)
    export_into_dataset(rdb.engine, rdb.store, checkout, ExportOptions(reports=None))
    sync(rdb)
    assert_stored_equal_full(rdb)
    import_dataset(checkout, rdb.engine, rdb.store)  # the released case's film is now in the baseline
    sync(rdb)
    full = assert_stored_equal_full(rdb)
    assert any(c["kind"] == "released" for w in full[approved] for c in w.get("candidates", ()))
    assert not any(w["code"] == "near_duplicate" for w in full[staged])


def test_deleting_a_case_drops_it_from_the_others_candidates(rdb):
    film = xray_png(9)
    a = rdb.add_case("1", images=[film])
    b = rdb.add_case("2", images=[reencode_jpeg(film)])
    sync(rdb)
    assert ",near_duplicate," in codes(rdb, a)
    with session_scope(rdb.engine) as s:
        s.execute(delete(FieldValue).where(FieldValue.case_id == b))
        s.execute(delete(Image).where(Image.case_id == b))
        s.execute(delete(Case).where(Case.id == b))
    assert sync(rdb) == 1
    assert_stored_equal_full(rdb)
    assert "near_duplicate" not in codes(rdb, a)


def test_the_queue_filters_on_what_is_stored(rdb):
    ids = [rdb.add_case(str(k), age=None if k % 2 else "40") for k in range(1, 5)]
    sync(rdb)
    with session_scope(rdb.engine) as s:
        page = queue(s, QueueFilter(warning="age_unknown"))
    assert [r.id for r in page.rows] == [ids[0], ids[2]]


def test_a_crawl_stores_the_warnings_of_what_it_staged_when_it_closes(rdb):
    from scrapy.utils.test import get_crawler

    from review.warning_sync import WarningSync

    case_id = rdb.add_case("1", age=None)
    crawler = get_crawler(settings_dict={"STAGING_DB_URL": rdb.url})
    extension = WarningSync.from_crawler(crawler)
    extension.spider_closed(None, "finished")
    assert codes(rdb, case_id) is None  # nothing staged by this crawl: nothing done
    crawler.stats.inc_value("cases/staged/new")
    extension.spider_closed(None, "finished")
    assert ",age_unknown," in codes(rdb, case_id)
    assert_stored_equal_full(rdb)


def test_a_crawl_told_not_to_leaves_the_warnings_to_the_review_page():
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from review.warning_sync import WarningSync

    with pytest.raises(NotConfigured):
        WarningSync.from_crawler(get_crawler(settings_dict={"REVIEW_WARNINGS_AT_CRAWL_CLOSE": False}))
