"""Reviewers' annotations: boxes with a label, lung or lesion masks, the two severity scores.

An annotation is drawn on a staged image (``image:<id>``) or on a released file
(``released:<filename>``). Every one keeps who made it and when; deleting one keeps its row with who
and when (the audit trail), and on a staged image each change is also a ``ReviewEvent`` of its case.
Masks are stored as binary PNGs at the image's pixel size in the media store. A ``ReviewError`` is
bad input: nothing is changed. The web page and ``scrapy cases annotate`` both call these.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image as PILImage
from PIL import ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from curation.annotation_store import REVIEWER
from curation.annotations import BOX, MASK, SEVERITY, SEVERITY_RANGES, mask_array, mask_png
from db.models import Annotation, Case, Image, ReleasedFile, utcnow
from media.store import MediaStore
from review.actions import record
from review.rules import ReviewError
from schema import LICENSES

#: Labels offered for boxes (free text is accepted too: a reviewer may name another finding).
BOX_LABELS = ("ground-glass opacity", "consolidation", "effusion", "nodule", "atelectasis", "pneumothorax",
              "cardiomegaly", "other")
MASK_LABELS = ("lung", "lesion")
DEFAULT_LICENSE = "CC BY-SA 4.0"
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,/()+-]{0,59}")


@dataclass(frozen=True)
class Target:
    """The image an annotation is drawn on: a staged image or a released file."""

    kind: str  # "image" or "released"
    image_id: int | None
    filename: str | None
    sha256: str
    width: int
    height: int
    case: Case | None = None

    @property
    def ref(self) -> str:
        return f"image:{self.image_id}" if self.kind == "image" else f"released:{self.filename}"

    @property
    def name(self) -> str:
        return self.filename or f"staged image {self.image_id}"


def find_target(session: Session, ref: str) -> Target:
    """``image:ID`` or ``released:FILENAME`` (a bare number is a staged image, a name a released file)."""
    ref = (ref or "").strip()
    kind, _, value = ref.partition(":") if ref.startswith(("image:", "released:")) else (
        ("image", "", ref) if ref.isdigit() else ("released", "", ref))
    if kind == "image":
        image = session.get(Image, int(value)) if value.isdigit() else None
        if image is None or not image.sha256:
            raise ReviewError(f"{ref!r}: there is no staged image {value}")
        if not image.width or not image.height:
            raise ReviewError(f"{ref!r}: the image has no pixel size (a CT volume cannot be annotated here)")
        return Target("image", image.id, None, image.sha256, image.width, image.height, image.case)
    row = session.scalars(select(ReleasedFile).where(ReleasedFile.path == f"images/{value}",
                                                     ReleasedFile.removed_import_id.is_(None))).first()
    if row is None:
        raise ReviewError(f"{ref!r}: no released image is named {value!r} (give image:ID or released:FILENAME)")
    if not row.width or not row.height:
        raise ReviewError(f"{ref!r}: the file has no pixel size")
    return Target("released", None, value, row.sha256, row.width, row.height)


def check_license(license: str | None) -> str:
    """The licence reviewers' annotations carry (``ANNOTATION_LICENSE``): one of the schema's."""
    value = (license or DEFAULT_LICENSE).strip()
    if value not in LICENSES:
        raise ReviewError(f"ANNOTATION_LICENSE {value!r} is not a licence the dataset uses "
                          "(e.g. CC BY-SA 4.0, CC BY 4.0)")
    return value


def _new(session: Session, target: Target, actor: str, kind: str, data: dict, license: str | None,
         media_sha256: str | None = None) -> Annotation:
    annotation = Annotation(origin=REVIEWER, kind=kind, key=target.filename, filename=target.filename,
                            image_id=target.image_id, data=data, media_sha256=media_sha256,
                            license=check_license(license), created_by=actor, created_at=utcnow())
    session.add(annotation)
    session.flush()
    if target.case is not None:
        record(session, target.case, actor, "annotate", field=kind, after={"annotation": annotation.id, **data},
               image_id=target.image_id)
    return annotation


def clean_label(label: str | None, allowed: tuple[str, ...] | None = None) -> str:
    text = " ".join((label or "").split())
    if allowed is not None and text not in allowed:
        raise ReviewError(f"label {text!r}: choose one of {', '.join(allowed)}")
    if not _LABEL.fullmatch(text):
        raise ReviewError(f"label {text!r}: give a short name (letters, digits, spaces), e.g. consolidation")
    return text


def add_box(session: Session, target: Target, actor: str, x, y, w, h, label: str,
            license: str | None = None) -> Annotation:
    try:
        x, y, w, h = (int(round(float(v))) for v in (x, y, w, h))
    except (TypeError, ValueError):
        raise ReviewError("a box is four numbers: x, y, width, height (pixels)") from None
    if w <= 0 or h <= 0 or x < 0 or y < 0 or x + w > target.width or y + h > target.height:
        raise ReviewError(f"box {x},{y},{w},{h} is empty or leaves the {target.width} x {target.height} image")
    return _new(session, target, actor, BOX, {"bbox": [x, y, w, h], "label": clean_label(label)}, license)


def add_mask(session: Session, store: MediaStore, target: Target, actor: str, mask: np.ndarray, label: str,
             license: str | None = None) -> Annotation:
    label = clean_label(label, MASK_LABELS)
    if mask.shape != (target.height, target.width):
        raise ReviewError(f"the mask is {mask.shape[1]} x {mask.shape[0]}; "
                          f"the image is {target.width} x {target.height}")
    if not mask.any():
        raise ReviewError("the mask is empty: paint or outline the region first")
    data = mask_png(mask, check_license(license), actor)
    sha = store.put_bytes(data)
    return _new(session, target, actor, MASK, {"label": label, "pixels": int(mask.sum()), "width": target.width,
                                                "height": target.height}, license, media_sha256=sha)


def parse_score(name: str, value) -> float:
    low, high = SEVERITY_RANGES[name]
    try:
        score = float(str(value).strip())
    except ValueError:
        raise ReviewError(f"{name} {value!r} is not a number ({low:g} to {high:g})") from None
    if not low <= score <= high or score != round(score, 1):
        raise ReviewError(f"{name} {value!r}: give {low:g} to {high:g} in steps of 0.1")
    return score


def set_scores(session: Session, target: Target, actor: str, geographic, opacity,
               license: str | None = None) -> Annotation:
    """The reviewer's scores for this image; replaces this reviewer's earlier pair (kept, deleted)."""
    data = {"geographic_mean": parse_score("geographic_mean", geographic),
            "opacity_mean": parse_score("opacity_mean", opacity)}
    for old in live(session, target, SEVERITY):
        if old.created_by == actor and old.origin == REVIEWER:
            _delete(session, target, actor, old, "replaced")
    return _new(session, target, actor, SEVERITY, data, license)


def live(session: Session, target: Target, kind: str | None = None, *, with_deleted: bool = False) -> list[Annotation]:
    q = select(Annotation)
    q = (q.where(Annotation.image_id == target.image_id) if target.kind == "image"
         else q.where(Annotation.filename == target.filename))
    if kind:
        q = q.where(Annotation.kind == kind)
    if not with_deleted:
        q = q.where(Annotation.deleted_at.is_(None))
    return list(session.scalars(q.order_by(Annotation.id)))


def delete(session: Session, target: Target, actor: str, annotation_id) -> None:
    try:
        annotation = session.get(Annotation, int(annotation_id))
    except (TypeError, ValueError):
        annotation = None
    if annotation is None or annotation not in live(session, target):
        raise ReviewError(f"annotation {annotation_id!r} is not a live annotation of {target.name}")
    if annotation.origin != REVIEWER:
        raise ReviewError(f"annotation {annotation.id} was published with the dataset: it is kept as it is")
    if annotation.release_id is not None:
        raise ReviewError(f"annotation {annotation.id} is in a release already: a released annotation never changes")
    _delete(session, target, actor, annotation, "deleted")


def _delete(session: Session, target: Target, actor: str, annotation: Annotation, why: str) -> None:
    annotation.deleted_by, annotation.deleted_at = actor, utcnow()
    if target.case is not None:
        record(session, target.case, actor, "annotation_" + why, field=annotation.kind,
               before={"annotation": annotation.id, **annotation.data}, image_id=target.image_id)


# --- masks over the wire: run-length encoding (row-major, runs alternate 0, 1, 0, ... from 0) -----


def decode_rle(counts: list, width: int, height: int) -> np.ndarray:
    if not isinstance(counts, list) or not all(isinstance(c, int) and c >= 0 for c in counts):
        raise ReviewError("the mask's run lengths must be a list of non-negative integers")
    if sum(counts) != width * height:
        raise ReviewError(f"the mask's runs cover {sum(counts)} pixels; the image has {width * height}")
    values = np.repeat(np.arange(len(counts)) % 2, counts).astype(bool)
    return values.reshape(height, width)


def encode_rle(mask: np.ndarray) -> list[int]:
    flat = mask.astype(np.uint8).ravel()
    changes = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate(([0], changes, [flat.size]))
    runs = np.diff(bounds).tolist()
    return runs if flat.size == 0 or flat[0] == 0 else [0] + runs


def read_mask_file(data: bytes, target: Target) -> np.ndarray:
    """A mask given as an image file: 255 (or any non-zero value of a 1-bit image) is inside."""
    try:
        with PILImage.open(io.BytesIO(data)) as img:
            img.load()
            mode = img.mode
    except (OSError, SyntaxError, ValueError) as exc:
        raise ReviewError(f"cannot read the mask image: {exc}") from None
    mask = mask_array(data) if mode != "1" else np.asarray(PILImage.open(io.BytesIO(data)))
    if mask.shape != (target.height, target.width):
        raise ReviewError(f"the mask is {mask.shape[1]} x {mask.shape[0]}; "
                          f"{target.name} is {target.width} x {target.height}")
    return mask.astype(bool)


def as_json(annotation: Annotation) -> dict:
    return {"id": annotation.id, "kind": annotation.kind, "origin": annotation.origin, "data": annotation.data,
            "license": annotation.license, "by": annotation.created_by,
            "at": annotation.created_at.isoformat(timespec="seconds") if annotation.created_at else None,
            "deleted_by": annotation.deleted_by,
            "deleted_at": annotation.deleted_at.isoformat(timespec="seconds") if annotation.deleted_at else None,
            "released": annotation.release_id is not None,
            "mask": bool(annotation.media_sha256 or annotation.kind == MASK)}


# --- imports from files (scrapy cases annotate --from-coco / --from-csv) --------------------------


def _file_target(session: Session, name: str) -> Target:
    name = name.strip()
    return find_target(session, name if name.startswith(("image:", "released:")) else f"released:{name}")


def import_coco(session: Session, actor: str, data: bytes, license: str | None = None,
                store: MediaStore | None = None) -> list[Annotation]:
    """The annotations of a COCO file, each on the image its ``file_name`` names (a released
    filename or ``image:ID``): a ``segmentation`` (polygons, or uncompressed RLE) of a mask label
    (lung, lesion) becomes a mask at the image's size, else the ``bbox`` a box. All or nothing: the
    first bad entry raises with its id."""
    import json

    try:
        doc = json.loads(data.decode("utf-8"))
        images = {i["id"]: i["file_name"] for i in doc["images"]}
        labels = {c["id"]: c["name"] for c in doc.get("categories", [])}
        items = doc["annotations"]
    except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ReviewError(f"not a COCO file (images, categories, annotations): {exc}") from None
    made = []
    for item in items:
        where = f"annotation {item.get('id')!r}"
        label = str(labels.get(item.get("category_id"), ""))
        try:
            if item.get("image_id") not in images:
                raise ReviewError("needs an image_id of images[]")
            target = _file_target(session, images[item["image_id"]])
            if item.get("segmentation") and label.strip().lower() in MASK_LABELS:
                if store is None:
                    raise ReviewError("masks need the media store")
                mask = coco_segmentation_mask(item["segmentation"], target.width, target.height)
                made.append(add_mask(session, store, target, actor, mask, label.strip().lower(), license))
            elif isinstance(item.get("bbox"), list) and len(item["bbox"]) == 4:
                made.append(add_box(session, target, actor, *item["bbox"], label, license))
            else:
                raise ReviewError("needs a bbox [x, y, width, height], or a segmentation with a mask label "
                                  f"({', '.join(MASK_LABELS)})")
        except ReviewError as exc:
            raise ReviewError(f"{where}: {exc}") from None
    return made


def coco_segmentation_mask(segmentation, width: int, height: int) -> np.ndarray:
    """A COCO ``segmentation`` as a boolean mask: polygons (``[[x1, y1, x2, y2, ...], ...]``, filled
    as COCO's tools fill them) or uncompressed RLE (``{"counts": [...], "size": [h, w]}``, runs down
    the columns). Compressed RLE (a string of counts) is refused: pycocotools would be needed."""
    if isinstance(segmentation, dict):
        counts, size = segmentation.get("counts"), segmentation.get("size")
        if isinstance(counts, str):
            raise ReviewError("compressed RLE is not read: give polygons or uncompressed RLE (counts as a list)")
        if size != [height, width]:
            raise ReviewError(f"the RLE's size {size} is not the image's [{height}, {width}]")
        return decode_rle(counts, height, width).T  # COCO runs go down the columns
    if not isinstance(segmentation, list) or not segmentation:
        raise ReviewError("a segmentation is a list of polygons or an RLE object")
    canvas = PILImage.new("1", (width, height), 0)
    draw = ImageDraw.Draw(canvas)
    for polygon in segmentation:
        if (not isinstance(polygon, list) or len(polygon) < 6 or len(polygon) % 2
                or not all(isinstance(v, (int, float)) for v in polygon)):
            raise ReviewError("a polygon is a flat list of at least three x, y pairs")
        draw.polygon([(float(x), float(y)) for x, y in zip(polygon[::2], polygon[1::2])], fill=1, outline=1)
    return np.asarray(canvas, dtype=bool)


def import_csv(session: Session, actor: str, data: bytes, license: str | None = None) -> list[Annotation]:
    """Severity scores (``filename,geographic_mean,opacity_mean``) or boxes (``filename,x,y,width,
    height,label``) from a CSV keyed by filename; ``#`` comment lines are skipped."""
    import csv

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReviewError("the CSV is not UTF-8") from None
    lines = [l for l in text.splitlines() if l.strip() and not l.startswith("#")]
    rows = list(csv.DictReader(lines))
    columns = set(rows[0]) if rows else set()
    made = []
    for number, row in enumerate(rows, 2):
        try:
            target = _file_target(session, row.get("filename") or "")
            if {"geographic_mean", "opacity_mean"} <= columns:
                made.append(set_scores(session, target, actor, row["geographic_mean"], row["opacity_mean"], license))
            elif {"x", "y", "width", "height", "label"} <= columns:
                made.append(add_box(session, target, actor, row["x"], row["y"], row["width"], row["height"],
                                    row["label"], license))
            else:
                raise ReviewError("give filename,geographic_mean,opacity_mean "
                                  "or filename,x,y,width,height,label columns")
        except ReviewError as exc:
            raise ReviewError(f"row {number} (after comments): {exc}") from None
    return made
