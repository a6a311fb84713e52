"""`scrapy cases annotate` (run in-process, tests/inprocess.py), and the annotation pages over HTTP (Flask's test
client on the real app, real database and media store)."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from curation.annotations import mask_array
from db.models import Annotation
from db.session import session_scope
from media.store import MediaStore
from review import annotate
from review.web import create_app
from tests.annotations.conftest import BOXED, MASKED, coco

NAME = MASKED[0]


def reviewer_annotations(engine):
    with session_scope(engine) as s:
        return [(a.kind, a.filename, a.data, a.created_by) for a in s.scalars(
            select(Annotation).where(Annotation.origin == "reviewer", Annotation.deleted_at.is_(None))
            .order_by(Annotation.id))]


# --- the terminal ----------------------------------------------------------------------------------


def test_cli_box_scores_and_mask(imported, scrapy_inproc, tmp_path, project_env):
    engine, _, checkout, _ = imported
    project_env["REVIEWER"] = "carol"
    out = scrapy_inproc("cases", "annotate", f"released:{NAME}", "--box", "3,4,10,9", "--label", "consolidation",
                        check=True)
    assert re.search(r"box \d+ consolidation 3,4,10,9", out.stdout)
    scrapy_inproc("cases", "annotate", f"released:{NAME}", "--scores", "4.5,3", check=True)
    w, h = checkout.sizes[NAME]
    arr = np.zeros((h, w), dtype=np.uint8)
    arr[5:20, 6:18] = 255
    Image.fromarray(arr, "L").save(tmp_path / "m.png")
    scrapy_inproc("cases", "annotate", f"released:{NAME}", "--mask", str(tmp_path / "m.png"), "--label", "lung",
                  check=True)
    got = reviewer_annotations(engine)
    assert got[0] == ("box", NAME, {"bbox": [3, 4, 10, 9], "label": "consolidation"}, "carol")
    assert got[1] == ("severity", NAME, {"geographic_mean": 4.5, "opacity_mean": 3.0}, "carol")
    assert got[2][0] == "mask" and got[2][2]["pixels"] == 15 * 12


@pytest.mark.parametrize("args,message", [
    (["released:no-such.png", "--box", "1,1,2,2", "--label", "effusion"], "no released image is named"),
    ([f"released:{NAME}", "--box", "1,1,2", "--label", "effusion"], "give X,Y,WIDTH,HEIGHT"),
    ([f"released:{NAME}", "--scores", "9,1"], "0 to 8"),
    ([f"released:{NAME}"], "give one image"),
    (["--from-coco", "/nonexistent/boxes.json"], "--from-coco /nonexistent/boxes.json"),
])
def test_cli_bad_input_is_one_line_and_changes_nothing(imported, scrapy_inproc, args, message):
    engine, _, _, _ = imported
    result = scrapy_inproc("cases", "annotate", *args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert reviewer_annotations(engine) == []


def test_cli_imports_coco_boxes_and_csv_scores_all_or_nothing(imported, scrapy_inproc, tmp_path):
    engine, _, checkout, _ = imported
    (tmp_path / "boxes.json").write_bytes(coco(BOXED, checkout.sizes))
    out = scrapy_inproc("cases", "annotate", "--from-coco", str(tmp_path / "boxes.json"), check=True)
    assert "imported 3 annotation(s)" in out.stdout
    boxes = sorted((a[1], a[2]["bbox"], a[2]["label"]) for a in reviewer_annotations(engine))
    assert boxes == sorted((n, list(b[:4]), b[4]) for n, bs in BOXED.items() for b in bs)
    scores = tmp_path / "scores.csv"
    scores.write_text("## License: CC BY-SA\nfilename,geographic_mean,opacity_mean\n"
                      f"{NAME},2.0,1.0\nmissing.png,1,1\n")
    result = scrapy_inproc("cases", "annotate", "--from-csv", str(scores))
    assert result.returncode == 1 and "row 3 (after comments)" in result.stderr
    assert [a for a in reviewer_annotations(engine) if a[0] == "severity"] == []  # the good row rolled back too


def test_cli_imports_coco_segmentations_as_masks_at_the_images_size(imported, scrapy_inproc, tmp_path, project_env):
    """A COCO file's lung polygon and lesion run lengths (uncompressed RLE: runs down the columns)
    become masks at the image's size; an entry of another kind is refused with its id."""
    engine, _, checkout, _ = imported
    width, height = checkout.sizes[NAME]
    lesion = np.zeros((height, width), dtype=bool)
    lesion[10:20, 5:9] = True  # rows 10-19, columns 5-8
    flat = lesion.T.ravel().astype(np.uint8)  # column by column, as COCO counts
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(flat)) + 1, [flat.size]))
    doc = {"images": [{"id": 7, "file_name": NAME, "width": width, "height": height}],
           "categories": [{"id": 1, "name": "lung"}, {"id": 2, "name": "Lesion"}],
           "annotations": [
               {"id": 1, "image_id": 7, "category_id": 1, "segmentation": [[4, 4, 30, 4, 30, 40, 4, 40]],
                "bbox": [4, 4, 26, 36]},
               {"id": 2, "image_id": 7, "category_id": 2,
                "segmentation": {"counts": np.diff(bounds).tolist(), "size": [height, width]}}]}
    (tmp_path / "masks.json").write_text(json.dumps(doc))
    out = scrapy_inproc("cases", "annotate", "--from-coco", str(tmp_path / "masks.json"), check=True)
    assert "imported 2 annotation(s)" in out.stdout
    with session_scope(engine) as s:
        masks = {a.data["label"]: a.media_sha256
                 for a in s.scalars(select(Annotation).where(Annotation.kind == "mask",
                                                             Annotation.origin == "reviewer"))}
    store = MediaStore(project_env["MEDIA_STORE"])
    lung = mask_array(store.read(masks["lung"])) > 0
    assert lung.shape == (height, width) and lung[4:41, 4:31].all() and lung.sum() == 37 * 27
    assert np.array_equal(mask_array(store.read(masks["lesion"])) > 0, lesion)
    doc["annotations"] = [{"id": 9, "image_id": 7, "category_id": 2,
                           "segmentation": {"counts": "PQ3", "size": [height, width]}}]
    (tmp_path / "compressed.json").write_text(json.dumps(doc))
    result = scrapy_inproc("cases", "annotate", "--from-coco", str(tmp_path / "compressed.json"))
    assert result.returncode == 1 and "annotation 9: compressed RLE is not read" in result.stderr


# --- the pages -------------------------------------------------------------------------------------


@pytest.fixture
def client(imported, project_env):
    app = create_app(project_env["STAGING_DB_URL"], project_env["MEDIA_STORE"], reviewer="dora")
    app.config["TESTING"] = True
    return app.test_client()


def token(client, path) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'data-csrf="([^"]+)"', html).group(1)


def test_released_browser_filters_by_annotation_kind(imported, client):
    _, _, checkout, _ = imported
    every = client.get("/released").get_data(as_text=True)
    assert f"{len(checkout.filenames)} " in every
    masked = client.get("/released?kind=mask").get_data(as_text=True)
    assert sorted(re.findall(r'data-filename="([^"]+)"', masked)) == sorted(MASKED)
    boxed = client.get("/released?kind=box").get_data(as_text=True)
    assert sorted(re.findall(r'data-filename="([^"]+)"', boxed)) == sorted(BOXED)
    assert re.findall(r'data-filename="([^"]+)"', client.get("/released?kind=none").get_data(as_text=True)) == []
    assert client.get("/released?kind=bogus").status_code == 400
    assert "badge-severity" in masked and "badge-mask" in masked


def test_annotate_page_saves_a_box_a_mask_and_scores(imported, client):
    _engine, _, checkout, _ = imported
    page = f"/annotate/released:{NAME}"
    csrf = token(client, page)
    w, h = checkout.sizes[NAME]
    r = client.post(f"{page}/box", json={"x": 2, "y": 3, "w": 11, "h": 7, "label": "effusion"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.get_json()["annotation"]["data"] == {"bbox": [2, 3, 11, 7], "label": "effusion"}
    mask = np.zeros((h, w), dtype=bool)
    mask[4:9, 5:30] = True
    r = client.post(f"{page}/mask", json={"label": "lesion", "counts": annotate.encode_rle(mask)},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200
    r = client.post(f"{page}/scores", data={"geographic_mean": "6", "opacity_mean": "4.5", "csrf_token": csrf})
    assert r.status_code == 303
    doc = client.get(f"{page}/annotations.json").get_json()
    mine = [a for a in doc["annotations"] if a["origin"] == "reviewer"]
    assert [(a["kind"], a["by"]) for a in mine] == [("box", "dora"), ("mask", "dora"), ("severity", "dora")]
    png = client.get(mine[1]["mask_url"]).data
    with Image.open(io.BytesIO(png)) as img:
        assert np.array_equal(np.asarray(img) == 255, mask)
    html = client.get(page).get_data(as_text=True)
    assert "effusion 2,3,11,7" in html and "6.0 / 4.5" in html


def test_annotate_page_refuses_bad_input_and_foreign_posts(imported, client):
    engine, _, _, _ = imported
    page = f"/annotate/released:{NAME}"
    csrf = token(client, page)
    r = client.post(f"{page}/box", json={"x": -1, "y": 3, "w": 11, "h": 7, "label": "effusion"},
                    headers={"X-CSRF-Token": csrf})
    assert r.status_code == 400 and "leaves the" in r.get_json()["error"]
    r = client.post(f"{page}/mask", json={"label": "lung", "counts": [1, 2]}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 400
    assert client.post(f"{page}/box", json={"x": 1, "y": 1, "w": 3, "h": 3, "label": "effusion"}).status_code == 403
    assert client.get("/annotate/released:nothing.png").status_code == 404
    assert reviewer_annotations(engine) == []


def test_case_page_shows_the_annotated_released_image_a_staged_image_repeats(imported, client):
    engine, store, checkout, _ = imported
    from tests.release.test_release import add_case

    data = (checkout.root / "images" / NAME).read_bytes()
    case_id = add_case(engine, store, "9500", images=[data], state="staged")
    html = client.get(f"/case/{case_id}").get_data(as_text=True)
    assert 'id="annotations-panel"' in html
    assert "near-duplicate of released" in html and f"released:{NAME}" in html
    assert "box, mask, severity" in html


def test_cli_refuses_an_annotation_licence_the_dataset_does_not_use(imported, scrapy_inproc):
    engine, _, _, _ = imported
    result = scrapy_inproc("cases", "annotate", f"released:{NAME}", "--scores", "2,1",
                           "-s", "ANNOTATION_LICENSE=all mine")
    assert result.returncode == 1 and "ANNOTATION_LICENSE 'all mine'" in result.stderr
    assert reviewer_annotations(engine) == []
