"""Reviewers annotate (rules, audit trail); releases write their annotations in the dataset's
formats; a release re-imported gives the same boxes (IoU 1.0) and the same masks."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from curation.annotations import mask_array
from db.models import Annotation, AnnotationFile, ReviewEvent
from db.session import session_scope
from exports.baseline import import_dataset
from exports.release import export_into_dataset, export_release
from review import annotate
from review.rules import ReviewError
from tests.annotations.conftest import tree
from tests.release.test_release import add_case

NAME = "nejmc2001573_f1a.jpeg"  # scored in the published file already


def target(engine, ref):
    with session_scope(engine) as s:
        return annotate.find_target(s, ref)


def disc_mask(width, height, cx, cy, r):
    yy, xx = np.mgrid[:height, :width]
    return (xx + 0.5 - cx) ** 2 + (yy + 0.5 - cy) ** 2 <= r * r


def iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / (aw * ah + bw * bh - inter)


# --- rules and audit -----------------------------------------------------------------------------


def test_box_outside_the_image_is_refused_and_nothing_saved(imported):
    engine, _, checkout, _ = imported
    w, _h = checkout.sizes[NAME]
    with pytest.raises(ReviewError, match="leaves the"), session_scope(engine) as s:
        annotate.add_box(s, annotate.find_target(s, f"released:{NAME}"), "ann", w - 5, 0, 10, 10, "effusion")
    with session_scope(engine) as s:
        assert s.scalars(select(Annotation).where(Annotation.origin == "reviewer")).all() == []


@pytest.mark.parametrize("label", ["", "  ", "<script>", "x" * 80])
def test_box_label_must_be_a_short_name(imported, label):
    engine, _, _, _ = imported
    with pytest.raises(ReviewError, match="label"), session_scope(engine) as s:
        annotate.add_box(s, annotate.find_target(s, f"released:{NAME}"), "ann", 1, 1, 5, 5, label)


@pytest.mark.parametrize("geographic,opacity", [("8.5", "1"), ("-1", "1"), ("2", "6.1"), ("2.25", "1"), ("a", "1")])
def test_scores_outside_the_published_scales_are_refused(imported, geographic, opacity):
    engine, _, _, _ = imported
    with pytest.raises(ReviewError), session_scope(engine) as s:
        annotate.set_scores(s, annotate.find_target(s, f"released:{NAME}"), "ann", geographic, opacity)


def test_scores_replace_the_reviewers_own_earlier_pair_keeping_it_in_the_trail(imported):
    engine, _, _, _ = imported
    with session_scope(engine) as s:
        t = annotate.find_target(s, f"released:{NAME}")
        annotate.set_scores(s, t, "ann", "3", "2")
        annotate.set_scores(s, t, "bob", "5", "4")
        annotate.set_scores(s, t, "ann", "4", "2.5")
    with session_scope(engine) as s:
        mine = s.scalars(select(Annotation).where(Annotation.origin == "reviewer").order_by(Annotation.id)).all()
        assert [(a.created_by, a.data, a.deleted_by) for a in mine] == [
            ("ann", {"geographic_mean": 3.0, "opacity_mean": 2.0}, "ann"),
            ("bob", {"geographic_mean": 5.0, "opacity_mean": 4.0}, None),
            ("ann", {"geographic_mean": 4.0, "opacity_mean": 2.5}, None)]
        assert all(a.created_at is not None for a in mine) and mine[0].deleted_at is not None


def test_annotating_a_staged_image_is_in_its_cases_history(imported):
    engine, store, _, _ = imported
    case_id = add_case(engine, store, "9400")
    with session_scope(engine) as s:
        from db.models import Image as ImageRow
        image_id = s.scalars(select(ImageRow.id).where(ImageRow.case_id == case_id)).one()
        t = annotate.find_target(s, f"image:{image_id}")
        box = annotate.add_box(s, t, "ann", 2, 3, 10, 8, "consolidation")
        annotate.delete(s, t, "bob", box.id)
    with session_scope(engine) as s:
        events = [(e.actor, e.action, e.field, e.image_id) for e in s.scalars(
            select(ReviewEvent).where(ReviewEvent.case_id == case_id).order_by(ReviewEvent.id))]
    assert events == [("ann", "annotate", "box", image_id), ("bob", "annotation_deleted", "box", image_id)]


def test_published_annotations_cannot_be_deleted(imported):
    engine, _, _, _ = imported
    with session_scope(engine) as s:
        published = s.scalars(select(Annotation).where(Annotation.filename == NAME,
                                                       Annotation.kind == "severity")).one()
        with pytest.raises(ReviewError, match="published"):
            annotate.delete(s, annotate.find_target(s, f"released:{NAME}"), "ann", published.id)


def test_run_lengths_round_trip_and_a_mask_of_another_size_is_refused(imported):
    engine, store, checkout, _ = imported
    w, h = checkout.sizes[NAME]
    mask = disc_mask(w, h, 20, 15, 9)
    assert np.array_equal(annotate.decode_rle(annotate.encode_rle(mask), w, h), mask)
    starts_inside = np.ones((h, w), dtype=bool)
    assert annotate.encode_rle(starts_inside)[0] == 0
    with pytest.raises(ReviewError, match="runs cover"):
        annotate.decode_rle([5, 5], w, h)
    with pytest.raises(ReviewError, match="the image is"), session_scope(engine) as s:
        annotate.add_mask(s, store, annotate.find_target(s, f"released:{NAME}"), "ann", mask[:-1], "lung")


# --- releases write them; re-import gives them back -----------------------------------------------


def annotate_released(engine, store, checkout, name):
    w, h = checkout.sizes[name]
    mask = disc_mask(w, h, w / 3, h / 2, min(w, h) / 4)
    with session_scope(engine) as s:
        t = annotate.find_target(s, f"released:{name}")
        annotate.add_box(s, t, "ann", 4, 5, 20, 12, "ground-glass opacity")
        annotate.add_box(s, t, "bob", 30, 10, 15, 20, "effusion")
        annotate.add_mask(s, store, t, "ann", mask, "lung")
        annotate.set_scores(s, t, "ann", "4", "3")
        annotate.set_scores(s, t, "bob", "5", "2")
    return mask


def unscored(checkout):
    """A released image the published severity file does not score (the file's rows are cut)."""
    path = checkout.root / "annotations" / "covid-severity-scores.csv"
    lines = path.read_bytes().splitlines(keepends=True)
    last = lines[-1].split(b",")[0].decode()
    path.write_bytes(b"".join(lines[:-1]))
    return last


def test_release_writes_reviewers_annotations_in_the_datasets_formats(project_env, checkout, tmp_path):
    from db.session import open_database
    from media.store import MediaStore

    name = unscored(checkout)
    engine, store = open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"])
    import_dataset(checkout.root, engine, store)
    before = tree(checkout.root)
    mask = annotate_released(engine, store, checkout, name)
    export_release(engine, store, tmp_path / "release")
    after = tree(tmp_path / "release")
    severity = "annotations/covid-severity-scores.csv"
    assert after[severity].startswith(before[severity])  # existing bytes untouched
    assert after[severity][len(before[severity]):] == f"{name},4.5,2.5\n".encode()  # the mean of ann and bob
    assert ({k: v for k, v in after.items() if k in before and k != severity}
            == {k: v for k, v in before.items() if k != severity})
    stem = name.rsplit(".", 1)[0]
    png = after[f"annotations/reviewer-lung-masks/{stem}_mask.png"]
    with Image.open(io.BytesIO(png)) as img:
        assert img.mode == "L" and img.size == checkout.sizes[name]
        assert set(np.unique(np.asarray(img)).tolist()) == {0, 255}
        assert img.text["License"] == "CC BY-SA 4.0" and img.text["Author"] == "ann"
    assert np.array_equal(mask_array(png), mask)
    # one COCO file for the release, named after it (export_release's dated default name)
    [coco_path] = [path for path in after if path.startswith("annotations/reviewer-boxes/") and path.endswith(".json")]
    coco = json.loads(after[coco_path])
    assert coco["licenses"] == [{"id": 1, "name": "CC BY-SA 4.0"}]
    assert [i["file_name"] for i in coco["images"]] == [name]
    assert sorted((a["bbox"], a["attributes"]["author"]) for a in coco["annotations"]) == [
        ([4, 5, 20, 12], "ann"), ([30, 10, 15, 20], "bob")]
    manifest = json.loads((tmp_path / "release" / "manifest.json").read_text())
    assert manifest["counts"]["new_annotations"]["severity_rows"] == 1
    assert manifest["files"][severity] and manifest["files"][coco_path]
    assert "reviewers' annotations written" in (tmp_path / "release" / "CHANGELOG.md").read_text()


def test_release_then_reimport_gives_the_same_boxes_and_masks(imported, tmp_path):
    engine, store, checkout, _ = imported
    mask = annotate_released(engine, store, checkout, NAME)
    with session_scope(engine) as s:
        drawn = sorted(tuple(a.data["bbox"]) + (a.data["label"],) for a in s.scalars(
            select(Annotation).where(Annotation.origin == "reviewer", Annotation.kind == "box")))
    export_into_dataset(engine, store, checkout.root)
    report = import_dataset(checkout.root, engine, store)
    assert report.annotations["box"] == 3 + 2  # the published boxes and the two drawn
    with session_scope(engine) as s:
        back = s.scalars(select(Annotation.data).join(AnnotationFile, AnnotationFile.id == Annotation.file_id).where(
            AnnotationFile.path.like("annotations/reviewer-boxes/%"), Annotation.filename == NAME)).all()
        got = sorted(tuple(data["bbox"]) + (data["label"],) for data in back)
        masks = s.scalars(select(Annotation).where(Annotation.origin == "dataset", Annotation.kind == "mask",
                                                   Annotation.filename == NAME)).all()
        mask_shas = [a.media_sha256 for a in masks]
    assert got == drawn
    assert all(iou(a[:4], b[:4]) == 1.0 for a, b in zip(got, drawn))
    assert any(np.array_equal(mask_array(store.read(sha)), mask) for sha in mask_shas)


def test_a_second_release_into_the_checkout_writes_nothing_again(imported):
    engine, store, checkout, _ = imported
    annotate_released(engine, store, checkout, NAME)
    export_into_dataset(engine, store, checkout.root)
    first = tree(checkout.root)
    report = export_into_dataset(engine, store, checkout.root)
    assert report.nothing_new and tree(checkout.root) == first
    # the published score of NAME was kept: it is scored in the file already
    assert first["annotations/covid-severity-scores.csv"].count(NAME.encode()) == 1


def test_a_staged_images_annotations_follow_it_under_its_new_filename(imported, tmp_path):
    engine, store, _checkout, _ = imported
    case_id = add_case(engine, store, "9401")
    with session_scope(engine) as s:
        from db.models import Image as ImageRow
        image = s.scalars(select(ImageRow).where(ImageRow.case_id == case_id)).one()
        t = annotate.find_target(s, f"image:{image.id}")
        mask = disc_mask(image.width, image.height, 10, 10, 6)
        annotate.add_mask(s, store, t, "ann", mask, "lesion")
        annotate.set_scores(s, t, "ann", "1.5", "1")
    export_release(engine, store, tmp_path / "release")
    out = tmp_path / "release" / "annotations"
    assert np.array_equal(mask_array((out / "reviewer-lesion-masks" / "radiopaedia-9401-1_mask.png").read_bytes()),
                          mask)
    assert (out / "covid-severity-scores.csv").read_text().endswith("radiopaedia-9401-1.png,1.5,1.0\n")
    with session_scope(engine) as s:
        written = s.scalars(select(Annotation).where(Annotation.origin == "reviewer")).all()
        assert {a.written_path for a in written} == {"annotations/reviewer-lesion-masks/radiopaedia-9401-1_mask.png",
                                                    "annotations/covid-severity-scores.csv"}
        assert all(a.release_id is not None for a in written)


def test_a_failed_export_takes_back_the_appended_scores_and_new_files(project_env, checkout, monkeypatch):
    from db.session import open_database
    from exports import release as release_module
    from exports.release import ExportError
    from media.store import MediaStore

    name = unscored(checkout)
    engine, store = open_database(project_env["STAGING_DB_URL"]), MediaStore(project_env["MEDIA_STORE"])
    import_dataset(checkout.root, engine, store)
    annotate_released(engine, store, checkout, name)
    before = tree(checkout.root)

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(release_module, "_install_artefacts", fail)
    with pytest.raises(ExportError, match="nothing was changed"):
        export_into_dataset(engine, store, checkout.root)
    assert tree(checkout.root) == before  # the appended row and the mask and box files taken back
    monkeypatch.undo()
    export_into_dataset(engine, store, checkout.root)
    assert tree(checkout.root) != before
