"""Drawing in a real headless Chromium (Debian's, driven by Playwright) against a real `scrapy
review` server: a box, a painted and outlined mask, the two scores; then a release into the
checkout and its re-import give back the same boxes (IoU 1.0) and the same mask."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from curation.annotations import mask_array
from db.models import Annotation, AnnotationFile
from db.models import Image as ImageRow
from db.session import session_scope
from exports.baseline import import_dataset
from exports.release import export_into_dataset
from tests.conftest import review_server, screenshot_path
from tests.release.test_release import add_case
from tests.review.conftest import xray_png

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = screenshot_path("review-annotate.png")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does)"),
]


@pytest.fixture
def server(imported, project_env):
    env = {**project_env, "REVIEWER": "browser-annotator"}
    with review_server(env) as url:
        yield url


def draw(page, server, image_id):
    page.goto(f"{server}/annotate/image:{image_id}")
    page.wait_for_function("document.getElementById('ann-image').complete")
    bb = page.locator("#ann-draw").bounding_box()
    scale = 512 / bb["width"]
    at = lambda x, y: (bb["x"] + x / scale, bb["y"] + y / scale)  # image pixels -> page
    # a box, with a label
    page.select_option("#box-label", "consolidation")
    page.mouse.move(*at(100, 120))
    page.mouse.down()
    page.mouse.move(*at(220, 260), steps=6)
    page.mouse.up()
    page.wait_for_selector("#ann-status:has-text('box saved')")
    # a mask: one painted stroke and one outlined polygon
    page.check("input[name=tool][value=paint]")
    page.mouse.move(*at(300, 300))
    page.mouse.down()
    page.mouse.move(*at(360, 330), steps=8)
    page.mouse.up()
    page.check("input[name=tool][value=polygon]")
    for x, y in ((80, 330), (180, 320), (170, 430), (90, 440)):
        page.mouse.click(*at(x, y))
    page.click("#close-polygon")
    page.select_option("#mask-label", "lung")
    page.click("#save-mask")
    page.wait_for_selector("#ann-status:has-text('mask saved')")
    page.fill("#opacity", "60")
    # the two scores
    page.fill("#geographic", "5.5")
    page.fill("#opacity-score", "3")
    page.click("#scores-form button[type=submit]")
    page.wait_for_selector("text=severity scores saved")
    page.wait_for_function("document.getElementById('ann-image').complete")
    page.wait_for_timeout(300)  # the overlays are drawn after the annotations load
    page.screenshot(path=str(SCREENSHOT))


def test_draw_box_mask_and_scores_then_release_and_reimport(imported, server):
    playwright = pytest.importorskip("playwright.sync_api")
    engine, store, checkout, _ = imported
    case_id = add_case(engine, store, "9600", images=[xray_png(3)])
    with session_scope(engine) as s:
        image_id = s.scalars(select(ImageRow.id).where(ImageRow.case_id == case_id)).one()
    errors: list[str] = []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            # a 4xx of our pages or files is caught by the response hook; the console's own line
            # for it (and for the favicon Chromium asks for) names no URL
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
                    and not msg.text.startswith("Failed to load resource") else None)
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            draw(page, server, image_id)
        finally:
            browser.close()
    assert not errors, errors

    with session_scope(engine) as s:
        mine = {a.kind: a for a in s.scalars(select(Annotation).where(Annotation.image_id == image_id,
                                                                      Annotation.deleted_at.is_(None)))}
        box, mask_sha, scores = mine["box"].data, mine["mask"].media_sha256, mine["severity"].data
        assert {a.created_by for a in mine.values()} == {"browser-annotator"}
    assert box["label"] == "consolidation"
    assert all(abs(a - b) <= 2 for a, b in zip(box["bbox"], [100, 120, 120, 140]))  # where it was drawn
    drawn = mask_array(store.read(mask_sha))
    assert drawn[315, 330] and drawn[380, 130] and not drawn[50, 50]  # the stroke, the polygon, not elsewhere
    assert scores == {"geographic_mean": 5.5, "opacity_mean": 3.0}

    export_into_dataset(engine, store, checkout.root)
    severity = (checkout.root / "annotations" / "covid-severity-scores.csv").read_text()
    assert severity.endswith("radiopaedia-9600-1.png,5.5,3.0\n")
    import_dataset(checkout.root, engine, store)
    with session_scope(engine) as s:
        back = s.execute(select(Annotation.kind, Annotation.data, Annotation.media_sha256, AnnotationFile.path)
                         .join(AnnotationFile, AnnotationFile.id == Annotation.file_id)
                         .where(Annotation.filename == "radiopaedia-9600-1.png")).all()
    boxes = [row.data["bbox"] for row in back if row.kind == "box"]
    masks = [mask_array(store.read(row.media_sha256)) for row in back if row.kind == "mask"]
    assert boxes == [box["bbox"]]  # IoU 1.0: the same pixels
    assert len(masks) == 1 and np.array_equal(masks[0], drawn)
    assert [row.data for row in back if row.kind == "severity"] == [{"geographic_mean": 5.5, "opacity_mean": 3.0}]
