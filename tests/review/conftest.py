"""Staged cases made directly with the ORM, with real image files in a real media store."""

from __future__ import annotations

import io
import os
import zlib
from dataclasses import dataclass

import numpy as np
import pytest
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFilter
from sqlalchemy import select

from db.models import Case, DatasetImport, FieldValue, Image, ReleasedFile, ReleasedRow, ReviewEvent
from db.session import open_database, session_scope
from media.imaging import describe_image
from media.store import MediaStore


def noise_png(seed: int, size=(96, 80)) -> bytes:
    rng = np.random.default_rng(seed)
    img = PILImage.fromarray(rng.integers(0, 255, (size[1], size[0]), dtype=np.uint8), "L")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def xray_png(seed: int = 0, size=(512, 512)) -> bytes:
    """A synthetic frontal chest film: body, two lungs, spine, ribs, noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = PILImage.new("L", size, 8)
    d = ImageDraw.Draw(img)
    d.ellipse((w * .08, h * .05, w * .92, h * 1.1), fill=150)
    d.ellipse((w * .16, h * .16, w * .47, h * .86), fill=55)
    d.ellipse((w * .53, h * .16, w * .84, h * .86), fill=60)
    d.rectangle((w * .47, 0, w * .53, h), fill=185)
    for i in range(9):
        y = h * (.2 + i * .075)
        d.arc((w * .12, y - h * .08, w * .5, y + h * .08), 200, 340, fill=120, width=5)
        d.arc((w * .5, y - h * .08, w * .88, y + h * .08), 200, 340, fill=120, width=5)
    d.ellipse((w * .45, h * .5, w * .68, h * .8), fill=170)  # heart
    for _ in range(6):  # patchy opacities
        x, y, r = rng.uniform(.2, .8) * w, rng.uniform(.3, .8) * h, rng.uniform(.03, .08) * w
        d.ellipse((x - r, y - r, x + r, y + r), fill=int(rng.integers(90, 130)))
    img = img.filter(ImageFilter.GaussianBlur(4))
    arr = np.asarray(img, dtype=np.int16) + rng.integers(-6, 6, (h, w))
    out = io.BytesIO()
    PILImage.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L").save(out, "PNG")
    return out.getvalue()


def reencode_jpeg(data: bytes, quality=70) -> bytes:
    out = io.BytesIO()
    with PILImage.open(io.BytesIO(data)) as im:
        im.convert("L").save(out, "JPEG", quality=quality)
    return out.getvalue()


@dataclass
class ReviewDB:
    url: str
    media: str
    engine: object
    store: MediaStore

    def add_case(self, key: str = "1", *, source: str = "eurorad", title: str = "COVID-19 pneumonia",
                 age: str | None = "45", license: str | None = "CC BY-NC-SA 4.0",
                 finding: str | None = "Pneumonia/Viral/COVID-19", sex: str | None = "M",
                 images: list[bytes] | None = None, view: str | None = "PA", offset: str | None = "3",
                 history: str = "A 45-year-old man with fever and cough for 3 days. RT-PCR positive.",
                 findings: str = "Bilateral ground-glass opacities.", state: str = "staged", url: str | None = None,
                 extra: dict | None = None) -> int:
        images = ([noise_png(int(key) if key.isdigit() else zlib.crc32(key.encode()) % 1000)]
                  if images is None else images)
        with session_scope(self.engine) as s:
            case = Case(source=source, source_key=key, canonical_url=url or f"https://www.eurorad.org/case/{key}",
                        title=title, license_raw=license, license=license, history=history, findings=findings,
                        age_text=None, review_state=state, warnings=[], extra=extra or {})
            s.add(case)
            s.flush()
            for field, value, raw, evidence, rule in (
                ("age", age, history, "45-year-old", "age.years"),
                ("sex", sex, history, "man", "sex.words"),
                ("finding", finding, title, title, "finding.map"),
                ("license", license, license, license, "license.cc"),
                ("RT_PCR_positive", "Y", history, "RT-PCR positive", "rt_pcr.evidence"),
            ):
                if value is not None:
                    s.add(FieldValue(case_id=case.id, field=field, raw=raw, value=value, evidence=evidence, rule=rule,
                                     rule_version=1))
            for position, data in enumerate(images):
                facts = describe_image(data)
                self.store.put_bytes(data)
                image = Image(case_id=case.id, source_url=f"https://www.eurorad.org/images/{key}/{position}.png",
                              sha256=facts.sha256, phash=facts.phash, chash=facts.chash, thumb=facts.thumb,
                              width=facts.width, height=facts.height, format=facts.format,
                              media_path=self.store.relpath(facts.sha256), position=position,
                              label=f"Figure {position + 1}",
                              caption=f"Figure {position + 1}: chest X-ray, PA view, day 3")
                s.add(image)
                s.flush()
                if view:
                    s.add(FieldValue(case_id=case.id, image_id=image.id, field="view", raw="PA view", value=view,
                                     evidence="PA view", rule="view.plane", rule_version=1))
                s.add(FieldValue(case_id=case.id, image_id=image.id, field="modality", raw="chest X-ray",
                                 value="X-ray", evidence="X-ray", rule="modality.words", rule_version=1))
                if offset:
                    s.add(FieldValue(case_id=case.id, image_id=image.id, field="offset", raw="day 3", value=offset,
                                     evidence="day 3", rule="offset.day", rule_version=1))
            return case.id

    def add_released(self, filename: str, data: bytes, patientid: str = "7") -> int:
        facts = describe_image(data)
        self.store.put_bytes(data)
        with session_scope(self.engine) as s:
            imp = DatasetImport(path="/x", metadata_sha256="0" * 64, files_sha256="0" * 64, header_raw="h",
                                header_ending="\n", rows=1)
            s.add(imp)
            s.flush()
            row = ReleasedRow(row_key=filename, position=0, patientid=patientid, filename=filename, raw="",
                              ending="\n", cells=[], typed={}, first_import_id=imp.id, last_import_id=imp.id)
            s.add(row)
            s.add(ReleasedFile(path=f"images/{filename}", sha256=facts.sha256, phash=facts.phash, chash=facts.chash,
                               thumb=facts.thumb, width=facts.width,
                               height=facts.height, format=facts.format, mode="L", bits=8, size=len(data),
                               media_path=self.store.relpath(facts.sha256), last_import_id=imp.id))
            s.flush()
            return row.id



def case_state(rdb: ReviewDB, case_id: int) -> str:
    with session_scope(rdb.engine) as s:
        return s.get(Case, case_id).review_state


def case_events(rdb: ReviewDB, case_id: int) -> list[tuple]:
    """The case's audit trail: (actor, action, field, before, after, reason), oldest first."""
    with session_scope(rdb.engine) as s:
        return [(e.actor, e.action, e.field, e.before, e.after, e.reason)
                for e in s.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case_id).order_by(ReviewEvent.id))]


@pytest.fixture
def rdb(project_env) -> ReviewDB:
    url, media = project_env["STAGING_DB_URL"], project_env["MEDIA_STORE"]
    os.makedirs(media, exist_ok=True)
    return ReviewDB(url, media, open_database(url), MediaStore(media))
