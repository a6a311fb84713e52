"""From a parsed case to schema field values: which words of the source each normalizer reads.

A case's narrative feeds the patient-level fields; each image's own caption, view, modality and
date text feed the per-image fields, because one case often shows several films on different
days and in different views. The discussion is deliberately not read for clinical flags: it is
teaching text about the disease ("intubation may be required"), not about this patient.
"""

from __future__ import annotations

from dataclasses import dataclass

from exports.schema import MEASUREMENT_FIELDS, MODALITY_CT, MODALITY_XRAY, XRAY_VIEWS, YES_NO_FIELDS
from ingest.normalize import NORMALIZERS, Normalized
from ingest.normalize.common import format_number
from ingest.records import CaseRecord, ImageRecord

#: Patient-level fields read from the history and findings (the patient's own story).
NARRATIVE_FIELDS: tuple[str, ...] = ("RT_PCR_positive", *YES_NO_FIELDS, *MEASUREMENT_FIELDS)
#: Fields that belong to one image rather than to the patient.
IMAGE_FIELDS: tuple[str, ...] = ("modality", "view", "offset", "date")

#: Rule name of fields copied from the source text as they are (notes, credit).
COPY_RULE = "text.copy"


@dataclass(frozen=True)
class FieldResult:
    """One field of a case (``image_position`` None) or of one of its images, with evidence."""

    field: str
    image_position: int | None
    raw: str
    value: str | None
    evidence: str
    rule: str
    version: int
    reason: str


def csv_value(value: object) -> str | None:
    """The cell text of a normalized value: ints without ``.0``, numbers without float noise."""
    if value is None:
        return None
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _result(field: str, position: int | None, raw: str, normalized: Normalized) -> FieldResult:
    return FieldResult(field, position, raw, csv_value(normalized.value), normalized.evidence,
                       normalized.rule, normalized.version, normalized.reason)


def _join(*parts: str) -> str:
    return "\n".join(p.strip() for p in parts if p and p.strip())


def normalize_case(record: CaseRecord) -> list[FieldResult]:
    """Every schema field the record's text supports, patient-level then per image."""
    results: list[FieldResult] = []
    narrative = _join(record.history, record.findings)

    def case_field(field: str, raw: str, **context) -> None:
        if raw.strip():
            results.append(_result(field, None, raw, NORMALIZERS[field](raw, **context)))

    case_field("sex", record.sex_text or narrative, source=record.source)
    case_field("age", record.age_text or narrative, source=record.source)
    case_field("finding", record.diagnosis or record.title, source=record.source)
    for field in NARRATIVE_FIELDS:
        case_field(field, narrative, source=record.source)
    case_field("license", record.license_text, source=record.source)
    case_field("doi", record.doi)
    case_field("url", record.url, source=record.source)
    case_field("location", record.institution, source=record.source)
    for field, text in (("clinical_notes", narrative), ("other_notes", record.credit)):
        if text.strip():
            results.append(FieldResult(field, None, text, text.strip(), text.strip(), COPY_RULE, 1, ""))

    previous_offset: int | None = None
    for image in sorted(record.images, key=lambda i: i.position):
        image_results = normalize_image(record, image, previous_offset)
        offset = next((r for r in image_results if r.field == "offset" and r.value is not None), None)
        if offset is not None:
            previous_offset = int(offset.value)
        results.extend(image_results)
    return results


def normalize_image(record: CaseRecord, image: ImageRecord, previous_offset: int | None) -> list[FieldResult]:
    pos = image.position
    modality_raw = image.modality_text or image.caption
    modality = _result("modality", pos, modality_raw, NORMALIZERS["modality"](modality_raw)) if modality_raw.strip() else None
    if image.slice_urls or image.extra.get("volume"):
        if modality is None or modality.value is None:
            # a stack of slices is a CT volume whatever its caption says
            modality = FieldResult("modality", pos, "stack of slices", MODALITY_CT, "", "modality.stack", 1, "")
    view = None
    view_raw = image.view_text or image.caption
    if view_raw.strip():
        modality_value = modality.value if modality is not None else None
        view = _result("view", pos, view_raw, NORMALIZERS["view"](view_raw, modality=modality_value, source=record.source))
    if (modality is None or modality.value is None) and view is not None and view.value is not None:
        # "lateral view" names no modality, but only a radiograph has a lateral view
        inferred = MODALITY_XRAY if view.value in XRAY_VIEWS else MODALITY_CT
        modality = FieldResult("modality", pos, view_raw, inferred, view.evidence, "modality.from-view", 1, "")
    results = [r for r in (modality, view) if r is not None]
    offset_raw = image.date_text or image.caption
    if offset_raw.strip():
        results.append(_result("offset", pos, offset_raw, NORMALIZERS["offset"](offset_raw, previous_offset=previous_offset)))
    if image.date_text.strip():
        results.append(_result("date", pos, image.date_text, NORMALIZERS["date"](image.date_text, source=record.source)))
    return results
