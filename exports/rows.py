"""From reviewed cases to new ``metadata.csv`` rows: the one place that decides a new row's cells.

A case in the requested review state (``approved`` for a release, ``staged`` for a preview) gives
one row per included image, in a stable order: cases by ``(source, source_key)``, images by
position. Cells come from the case's effective field values (a reviewer's override wins over the
normalizer); a per-image value (``image_id`` set) wins over the case-level one for that image.
``url`` is the case's canonical URL, ``license`` the normalized license, ``other_notes`` the
credit; ``finding`` is never blank (``todo`` until a reviewer decides). ``folder`` follows the
bytes: a gzipped NIfTI volume goes to ``volumes/``, every 2-D image to ``images/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, FieldValue, Image, PatientId
from exports.files import PreparedFile
from schema import COLUMNS, FINDING_TODO, FOLDER_IMAGES, FOLDER_VOLUMES, ReviewState

#: Placeholder patient ids of a preview: never a valid patientid, so nobody mistakes them for one.
PREVIEW_ID_PREFIX = "staged-"

_SPACE_RE = re.compile(r"\s+")
_PID_NUMBER_RE = re.compile(r"\d+")


@dataclass
class NewRow:
    """One row a release adds, before and after its file is prepared and its id allocated."""

    case_id: int
    image_id: int
    source: str
    source_key: str
    position: int
    folder: str
    media_sha256: str | None
    phash: str | None
    duplicate_of: int | None
    cells: dict[str, str]
    filename: str = ""
    file: PreparedFile | None = None
    problems: list[str] = field(default_factory=list)
    #: Content-centred pHash (media.imaging.centred_phash), the duplicate gate's second hash.
    chash: str | None = None
    #: 64 x 64 grayscale thumbnail (media.imaging.thumbnail), the crop-tolerant duplicate check's input.
    thumb: bytes | None = None
    #: ``(rule, message)`` of docs/design.md's file rules on the written bytes (exports.validate.check_file).
    file_problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How messages name the row before it has a filename: ``source/key #n``."""
        return f"{self.source}/{self.source_key} image {self.position + 1}"

    def record(self, columns: tuple[str, ...]) -> list[str]:
        return [self.cells.get(name, "") if name else "" for name in columns]


def tidy(text: str | None) -> str:
    """A cell's text: one line (the dataset has no line breaks in values), no surrounding spaces."""
    if text is None:
        return ""
    return _SPACE_RE.sub(" ", str(text)).strip()


def pid_number(patientid: str) -> int | None:
    """The numeric part of a patientid (``311a`` -> 311), None for ids without one."""
    m = _PID_NUMBER_RE.match(patientid or "")
    return int(m.group()) if m else None


def case_rows(case: Case) -> list[NewRow]:
    """The rows of one case: one per included image, cells from its effective values."""
    case_values: dict[str, str] = {}
    image_values: dict[int, dict[str, str]] = {}
    for fv in case.field_values:
        value = fv.effective
        if value is None:
            continue
        if fv.image_id is None:
            case_values[fv.field] = value
        else:
            image_values.setdefault(fv.image_id, {})[fv.field] = value
    rows = []
    for image in sorted(case.images, key=lambda i: (i.position, i.id)):
        if not image.included:
            continue
        values = dict(case_values)
        values.update(image_values.get(image.id, {}))
        rows.append(_row(case, image, values))
    return rows


def _row(case: Case, image: Image, values: dict[str, Any]) -> NewRow:
    folder = FOLDER_VOLUMES if (image.format or "") == "nifti-gz" else FOLDER_IMAGES
    cells = {name: tidy(values.get(name)) for name in COLUMNS}
    cells["url"] = tidy(case.canonical_url)
    cells["doi"] = tidy(values.get("doi") or case.doi)
    cells["license"] = tidy(values.get("license") or case.license)
    cells["other_notes"] = tidy(values.get("other_notes") or case.credit)
    cells["finding"] = cells["finding"] or FINDING_TODO
    cells["folder"] = folder
    return NewRow(case.id, image.id, case.source, case.source_key, image.position, folder,
                  image.sha256, image.phash, image.duplicate_of, cells, chash=image.chash,
                  thumb=image.thumb)


def build_rows(session: Session, state: str = ReviewState.APPROVED, include_needs_info: bool = False) -> list[NewRow]:
    """Every new row of the cases in ``state``, in release order (no ids or files yet).

    With ``include_needs_info``, cases needing information come too, their finding ``todo``.

    Same rows as ``case_rows`` over the cases in release order, read with three column queries instead of ORM
    objects (a 10,000-case release loads in a fraction of the time)."""
    states = (state, ReviewState.NEEDS_INFO) if include_needs_info else (state,)
    selected = Case.review_state.in_(states)
    if state == ReviewState.APPROVED:
        # Cases an earlier release exported (released, with our patientid) come again, with the same
        # names and ids, unless the dataset holds them already (exports/release.py skips those);
        # a case released because the imported dataset holds it (no patientid of ours) never does.
        selected = selected | ((Case.review_state == ReviewState.RELEASED)
                               & Case.id.in_(select(PatientId.case_id).where(PatientId.case_id.is_not(None))))
    cases = session.execute(
        select(Case.id, Case.source, Case.source_key, Case.canonical_url, Case.doi, Case.license, Case.credit,
               Case.review_state)
        .where(selected).order_by(Case.source, Case.source_key, Case.id)).all()
    if not cases:
        return []
    in_state = select(Case.id).where(selected)
    case_values: dict[int, dict[str, str]] = {}
    image_values: dict[int, dict[str, str]] = {}
    for case_id, image_id, name, value, override in session.execute(
            select(FieldValue.case_id, FieldValue.image_id, FieldValue.field, FieldValue.value, FieldValue.override)
            .where(FieldValue.case_id.in_(in_state))):
        effective = override if override is not None else value
        if effective is None:
            continue
        if image_id is None:
            case_values.setdefault(case_id, {})[name] = effective
        else:
            image_values.setdefault(image_id, {})[name] = effective
    images: dict[int, list] = {}
    for image in session.execute(
            select(Image.id, Image.case_id, Image.position, Image.format, Image.sha256, Image.phash, Image.chash,
                   Image.thumb, Image.duplicate_of)
            .where(Image.case_id.in_(in_state), Image.included.is_(True))
            .order_by(Image.case_id, Image.position, Image.id)):
        images.setdefault(image.case_id, []).append(image)
    rows: list[NewRow] = []
    for case in cases:
        base = case_values.get(case.id, {})
        for image in images.get(case.id, ()):
            values = dict(base)
            values.update(image_values.get(image.id, {}))
            if case.review_state == ReviewState.NEEDS_INFO:
                values["finding"] = FINDING_TODO  # released to be finished later, as the maintainers do
            rows.append(_row(case, image, values))
    return rows


__all__ = ["PREVIEW_ID_PREFIX", "NewRow", "build_rows", "case_rows", "pid_number", "tidy"]
