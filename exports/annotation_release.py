"""Reviewers' annotations written by a release, in the dataset's own formats, with their licence.

- severity scores: rows APPENDED to ``annotations/covid-severity-scores.csv`` (its existing bytes
  stay as they are; a new file gets the published file's kind of ``##`` header), one row per image:
  the mean of the reviewers' scores, to one decimal like the published means; an image the file
  scores already keeps its published score;
- masks: ``annotations/reviewer-<label>-masks/<image stem>_mask.png``, binary 8-bit PNG (255 inside)
  at the image's pixel size, licence and authors in PNG text chunks; the union of the reviewers'
  masks of that label; an existing file is never replaced;
- boxes: one COCO file per release, ``annotations/reviewer-boxes/<release>.json``, its images keyed
  by ``file_name`` with their size, its ``licenses`` naming each box's licence.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
from sqlalchemy import select, update

from curation.annotations import BOX, MASK, SEVERITY, SEVERITY_CSV, mask_array, mask_png
from db.models import Annotation, Release
from exports.files import slug
from media.store import MediaStore

REVIEWER = "reviewer"
SEVERITY_HEADER = (
    "## COVID-19 Pneumonia Severity Scores\n"
    "## License: {license}\n"
    "## geographic_extent_mean: The extent of lung involvement by ground glass opacity or consolidation "
    "for each lung. The total extent score ranged from 0 to 8.\n"
    "## opacity_mean: The degree of opacity. The total opacity score ranged from 0 to 6.\n"
    "filename,geographic_mean,opacity_mean\n"
)


@dataclass(frozen=True)
class ImageRef:
    filename: str
    width: int
    height: int


@dataclass
class NewAnnotations:
    """What a release writes for the reviewers' annotations, decided before anything is written."""

    severity: list[tuple[str, float, float]] = field(default_factory=list)
    severity_license: str | None = None
    #: relpath -> PNG bytes
    masks: dict[str, bytes] = field(default_factory=dict)
    coco_path: str | None = None
    coco: bytes | None = None
    #: annotation id -> the file it went into
    written: dict[int, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.severity or self.masks or self.coco)

    def summary(self) -> dict:
        return {"severity_rows": len(self.severity), "masks": sorted(self.masks), "boxes_file": self.coco_path,
                "annotations": len(self.written), "left_out": self.left_out}


def plan_new_annotations(session, store: MediaStore, images: dict[int, ImageRef], released: dict[str, ImageRef],
                         release_name: str, existing: callable, skip_written_to: str | None = None) -> NewAnnotations:
    """The reviewers' live annotations of the images of this release (staged ``images`` by id, and
    ``released`` files by name), in the dataset's formats. ``existing(relpath)`` gives the bytes a
    file already has in the target (None if absent)."""
    rows = session.scalars(select(Annotation).where(Annotation.origin == REVIEWER, Annotation.deleted_at.is_(None))
                           .order_by(Annotation.id)).all()
    if skip_written_to is not None:
        paths = dict(session.execute(select(Release.id, Release.path)).all())
        rows = [a for a in rows if a.release_id is None or paths.get(a.release_id) != skip_written_to]
    out = NewAnnotations()
    by_image: dict[tuple[str, str], list[Annotation]] = defaultdict(list)
    refs: dict[str, ImageRef] = {}
    for a in rows:
        ref = images.get(a.image_id) if a.image_id is not None else released.get(a.filename or "")
        if ref is None:
            continue  # its image is not in this release
        refs[ref.filename] = ref
        by_image[(a.kind, ref.filename)].append(a)
    _plan_severity(out, by_image, existing)
    _plan_masks(out, by_image, refs, store, existing)
    _plan_boxes(out, by_image, refs, release_name)
    return out


def _plan_severity(out: NewAnnotations, by_image, existing) -> None:
    current = existing(SEVERITY_CSV)
    scored = _scored_filenames(current) if current is not None else set()
    file_license = _file_license(current)
    for (kind, filename), items in sorted(by_image.items()):
        if kind != SEVERITY:
            continue
        if filename in scored:
            out.left_out.append(f"{filename}: the severity file scores it already; its published score is kept")
            continue
        licenses = {a.license for a in items}
        if file_license and any(not _compatible(lic, file_license) for lic in licenses):
            out.left_out.append(f"{filename}: scores under {', '.join(sorted(map(str, licenses)))} cannot join a "
                                f"file under {file_license}")
            continue
        latest: dict[str, Annotation] = {}
        for a in items:
            latest[a.created_by or ""] = a  # one pair per reviewer: the latest
        g = round(float(np.mean([a.data["geographic_mean"] for a in latest.values()])), 1)
        o = round(float(np.mean([a.data["opacity_mean"] for a in latest.values()])), 1)
        out.severity.append((filename, g, o))
        out.severity_license = out.severity_license or items[0].license
        for a in items:
            out.written[a.id] = SEVERITY_CSV


def _plan_masks(out: NewAnnotations, by_image, refs, store: MediaStore, existing) -> None:
    for (kind, filename), items in sorted(by_image.items()):
        if kind != MASK:
            continue
        ref = refs[filename]
        by_label: dict[str, list[Annotation]] = defaultdict(list)
        for a in items:
            by_label[a.data.get("label") or "lung"].append(a)
        for label, group in sorted(by_label.items()):
            union = np.zeros((ref.height, ref.width), dtype=bool)
            for a in group:
                mask = mask_array(store.read(a.media_sha256))
                if mask.shape != union.shape:
                    out.left_out.append(f"{filename}: mask {a.id} is {mask.shape[1]} x {mask.shape[0]}, the image "
                                        f"{ref.width} x {ref.height}")
                    continue
                union |= mask
            if not union.any():
                continue
            path = f"annotations/reviewer-{slug(label)}-masks/{PurePosixPath(filename).stem}_mask.png"
            authors = ", ".join(sorted({a.created_by or "" for a in group}))
            data = mask_png(union, group[0].license, authors)
            have = existing(path)
            if have is not None and have != data:
                out.left_out.append(f"{path} exists with other bytes: a release never replaces a file")
                continue
            if have is None:
                out.masks[path] = data
            for a in group:
                out.written[a.id] = path


def _plan_boxes(out: NewAnnotations, by_image, refs, release_name: str) -> None:
    boxes = [(filename, a) for (kind, filename), items in sorted(by_image.items()) if kind == BOX for a in items]
    if not boxes:
        return
    licenses = sorted({a.license or "" for _, a in boxes})
    labels = sorted({a.data["label"] for _, a in boxes})
    names = sorted({f for f, _ in boxes})
    doc = {
        "info": {"description": f"Boxes drawn by the dataset's reviewers, release {release_name}",
                 "contributor": ", ".join(sorted({a.created_by or "" for _, a in boxes}))},
        "licenses": [{"id": i + 1, "name": name} for i, name in enumerate(licenses)],
        "categories": [{"id": i + 1, "name": label} for i, label in enumerate(labels)],
        "images": [{"id": i + 1, "file_name": n, "width": refs[n].width, "height": refs[n].height}
                   for i, n in enumerate(names)],
        "annotations": [],
    }
    for filename, a in boxes:
        x, y, w, h = a.data["bbox"]
        doc["annotations"].append({"id": len(doc["annotations"]) + 1, "image_id": names.index(filename) + 1,
                                   "category_id": labels.index(a.data["label"]) + 1, "bbox": [x, y, w, h],
                                   "area": w * h, "iscrowd": 0, "license": licenses.index(a.license or "") + 1,
                                   "attributes": {"author": a.created_by,
                                                  "created_at": a.created_at.isoformat(timespec="seconds")}})
    out.coco_path = f"annotations/reviewer-boxes/{slug(release_name) or 'release'}.json"
    out.coco = (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
    for _, a in boxes:
        out.written[a.id] = out.coco_path


def _scored_filenames(data: bytes) -> set[str]:
    text = data.decode("utf-8", "replace")
    body = [l for l in text.splitlines() if l.strip() and not l.startswith("#")]
    return {row[0] for row in csv.reader(body[1:]) if row}


def _file_license(data: bytes | None) -> str | None:
    if data is None:
        return None
    from curation.annotations import read_annotation_file

    return read_annotation_file(SEVERITY_CSV, data).license


def _compatible(license: str | None, file_license: str) -> bool:
    """Same licence kind (``CC BY-SA 4.0`` joins a file under ``CC BY-SA``)."""
    def kind(name: str | None) -> str:
        return re.sub(r"\s+\d\.\d$", "", (name or "").strip())
    return kind(license) == kind(file_license)


def severity_bytes(new: NewAnnotations, current: bytes | None) -> bytes | None:
    """The severity file after the release: ``current`` with the new rows appended (its bytes
    untouched), or a new file. None when there is nothing to add."""
    if not new.severity:
        return None
    ending = "\r\n" if current and b"\r\n" in current else "\n"
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator=ending)
    for filename, g, o in new.severity:
        writer.writerow([filename, f"{g:.1f}", f"{o:.1f}"])
    if current is None:
        head = SEVERITY_HEADER.format(license=new.severity_license or "").replace("\n", ending)
        return (head + rows.getvalue()).encode("utf-8")
    tail = b"" if current.endswith((b"\n", b"\r")) or not current else ending.encode()
    return current + tail + rows.getvalue().encode("utf-8")


def write_into(root: Path, new: NewAnnotations) -> list[Path]:
    """Write the new annotation files under ``root`` (a release being built); returns what changed."""
    written = []
    current_path = root / SEVERITY_CSV
    data = severity_bytes(new, current_path.read_bytes() if current_path.exists() else None)
    if data is not None:
        current_path.parent.mkdir(parents=True, exist_ok=True)
        current_path.write_bytes(data)
        written.append(current_path)
    for rel, blob in list(new.masks.items()) + ([(new.coco_path, new.coco)] if new.coco else []):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "xb") as fh:  # never over an existing file
            fh.write(blob)
        written.append(target)
    return written


def mark_written(session, release_id: int, new: NewAnnotations) -> None:
    for annotation_id, path in new.written.items():
        session.execute(update(Annotation).where(Annotation.id == annotation_id, Annotation.release_id.is_(None))
                        .values(release_id=release_id, written_path=path))
