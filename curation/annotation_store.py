"""Annotations in the staging database: imported with the dataset, listed for the review pages,
and checked by every release (an annotated image keeps its name and bytes).

An imported file is stored byte for byte in the media store and parsed into one ``Annotation``
row per score, mask, box or table row; a changed file replaces its rows, a removed one is marked
removed. Reviewers' annotations live in the same table (``origin='reviewer'``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, select

from curation.annotations import DOCUMENT, MASK, ReadAnnotations, read_annotations, stems
from db.models import Annotation, AnnotationFile, ReleasedFile
from media.store import MediaStore

DATASET, REVIEWER = "dataset", "reviewer"


def store_annotations(session, import_id: int, read: ReadAnnotations, filenames: list[str],
                      store: MediaStore) -> Counter:
    """Upsert the files and their annotations; returns counts by kind of what the checkout holds."""
    existing = {f.path: f for f in session.scalars(select(AnnotationFile))}
    by_stem = stems(filenames)
    names = set(filenames)
    counts: Counter = Counter()
    seen = set()
    for found, data, sha, parsed in read.files:
        seen.add(found.relpath)
        counts["files"] += 1
        for a in parsed.annotations:
            counts[a.kind] += 1
        row = existing.get(found.relpath)
        if row is not None and row.sha256 == sha and row.removed_import_id is None:
            row.last_import_id = import_id
            _reresolve(session, row.id, names, by_stem)  # the rows may name (or no longer name) its images
            continue
        store.put_bytes(data, sha)
        if row is None:
            row = AnnotationFile(path=found.relpath)
            session.add(row)
        row.sha256, row.size, row.media_path, row.kind = sha, len(data), store.relpath(sha), parsed.kind
        row.license, row.license_note = parsed.license, parsed.license_note or None
        row.last_import_id, row.removed_import_id = import_id, None
        session.flush()
        session.execute(delete(Annotation).where(Annotation.file_id == row.id))
        session.add_all(Annotation(file_id=row.id, origin=DATASET, kind=a.kind, key=a.key,
                                   filename=_resolve(a.key, a.by_stem, names, by_stem), data=a.values,
                                   license=parsed.license, line=a.line, media_sha256=sha if a.kind == MASK else None)
                        for a in parsed.annotations)
    for path, row in existing.items():
        if path not in seen and row.removed_import_id is None:
            row.removed_import_id = import_id
            session.execute(delete(Annotation).where(Annotation.file_id == row.id))
    return counts


def _reresolve(session, file_id: int, names: set[str], by_stem: dict[str, list[str]]) -> None:
    for a in session.scalars(select(Annotation).where(Annotation.file_id == file_id)):
        resolved = _resolve(a.key or "", bool(a.data.get("by_stem")), names, by_stem)
        if resolved != a.filename:
            a.filename = resolved


def _resolve(key: str, by_stem: bool, names: set[str], stem_index: dict[str, list[str]]) -> str | None:
    if not by_stem:
        return key if key in names else None
    matches = stem_index.get(key, [])
    return matches[0] if len(matches) == 1 else None


def annotated_files(session) -> dict[str, Counter]:
    """Released filename -> counts by kind of the live annotations that name it."""
    out: dict[str, Counter] = {}
    for filename, kind in session.execute(select(Annotation.filename, Annotation.kind)
                                          .where(Annotation.filename.is_not(None), Annotation.deleted_at.is_(None))):
        out.setdefault(filename, Counter())[kind] += 1
    return out


def live_annotation_files(session) -> list[AnnotationFile]:
    return list(session.scalars(select(AnnotationFile).where(AnnotationFile.removed_import_id.is_(None))
                                .order_by(AnnotationFile.path)))


@dataclass
class AnnotatedCheck:
    """What a release says about the annotated images: all kept under their names and bytes."""

    images: int = 0
    kept: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    files: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def sentence(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items()))
        text = (f"annotated images: {self.images} ({kinds or 'none'}); {self.kept} kept under their filename "
                f"with their bytes unchanged (SHA-256 checked); annotation files: {self.files} copied byte for byte")
        if self.changed:
            text += f"; CHANGED: {', '.join(self.changed[:10])}"
        if self.missing:
            text += f"; not in the release (no bytes to copy): {len(self.missing)}"
        return text

    def record(self) -> dict:
        return {"annotated_images": self.images, "kept_unchanged": self.kept, "by_kind": self.by_kind,
                "annotation_files": self.files, "changed": self.changed,
                "missing": self.missing}


def check_annotated(session, shas: dict[str, str], files_copied: int) -> AnnotatedCheck:
    """Compare each annotated released image with the bytes the release holds under its name."""
    annotated = annotated_files(session)
    imported = {path: sha for path, sha in session.execute(
        select(ReleasedFile.path, ReleasedFile.sha256).where(ReleasedFile.removed_import_id.is_(None)))}
    check = AnnotatedCheck(files=files_copied)
    kinds: Counter = Counter()
    for filename, counts in sorted(annotated.items()):
        rel = f"images/{filename}"
        if rel not in imported:
            continue  # a reviewer's annotation of a new image, or an orphan: not a released image
        check.images += 1
        kinds.update({k: 1 for k in counts})
        if rel not in shas:
            check.missing.append(filename)
        elif shas[rel] == imported[rel]:
            check.kept += 1
        else:
            check.changed.append(filename)
    check.by_kind = dict(kinds)
    return check


__all__ = [
    "DATASET",
    "DOCUMENT",
    "MASK",
    "REVIEWER",
    "AnnotatedCheck",
    "ReadAnnotations",
    "annotated_files",
    "check_annotated",
    "live_annotation_files",
    "read_annotations",
    "store_annotations",
]
