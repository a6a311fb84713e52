"""Staging a crawled case: the case, its images and field values, upserted by natural key.

``stage_case`` runs inside the caller's transaction (one case = one transaction, so a crawl killed
at any moment leaves whole cases or nothing). Re-staging the same record is a no-op ("unchanged");
a changed record updates the case, its images (by ``(source_url, label)``) and the normalizer's
field values, but never a value a reviewer set (``FieldValue.override`` not null).

Also here: the queries the crawl's incremental logic needs (what is already known, validators of
pages fetched before) and the crawl-run summary. With ``staging/identity.py`` this module is the staging
service (normalize, then persist), the one layer that calls both the normalizers of ``ingest`` and ``db``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Case, CrawlRun, FetchedDocument, FieldValue, Image, ReviewEvent, utcnow
from ingest.case_fields import normalize_case, record_timeline
from ingest.records import CaseRecord, FetchedPage, ImageRecord, StoredImage
from ingest.timeline import Timeline
from schema import ReviewState

__all__ = [
    "StoredImage",
    "apply_field_results",
    "case_timeline",
    "document_validators",
    "incomplete_page_keys",
    "jsonable",
    "known_images",
    "previous_crawl_run",
    "record_content_sha256",
    "record_document",
    "record_documents",
    "record_from_case",
    "source_changed",
    "stage_case",
]

#: Review states that a changed re-crawl puts back in the review queue (a released, rejected or
#: duplicate case stays decided).
REQUEUE_ON_SOURCE_CHANGE: frozenset[str] = frozenset({ReviewState.APPROVED, ReviewState.NEEDS_INFO})
#: ``CaseRecord.extra`` keys that say how a crawl reached the case, not what the case says: the
#: search that listed it first (spiders/base.py), the identifier given for a paper and the route to
#: its open copy (spiders/publications.py). Kept for the reviewer, but never a reason to call a case
#: "changed at the source": the same page reached by another search or identifier is unchanged.
CRAWL_CONTEXT_EXTRA = frozenset({"search_query", "input", "resolution", "crawl_notes"})
#: Fields of CaseRecord copied onto Case as they are.
_CASE_TEXT_FIELDS = ("title", "authors", "institution", "credit", "age_text", "sex_text", "history", "findings",
                     "discussion", "diagnosis")


def _public_extra(extra: dict[str, Any]) -> dict[str, Any]:
    # The crawl's plumbing (pages read, bytes, stored images) travels in typed fields of the record
    # now (ingest/records.py, CRAWL_ONLY), never in ``extra``; a "_" key that a spider still put there
    # would be plumbing, not a fact of the case, and is kept out of the database and the content hash.
    return {k: v for k, v in extra.items() if not k.startswith("_")}


def record_content_sha256(record: Any, stored_images: Iterable[StoredImage]) -> str:
    """SHA-256 of what the case says and shows: equal hashes mean nothing to re-stage."""
    facts = {
        "source": record.source,
        "source_key": record.source_key,
        "url": record.url,
        "doi": record.doi,
        "license_text": record.license_text,
        "published": record.published,
        "warnings": list(record.warnings),
        "extra": {k: v for k, v in _public_extra(record.extra).items() if k not in CRAWL_CONTEXT_EXTRA},
        **{name: getattr(record, name) for name in _CASE_TEXT_FIELDS},
        "images": sorted(
            (img.source_url, img.label, img.position, img.sha256, img.view_text, img.modality_text, img.caption,
             img.date_text)
            for img in stored_images
        ),
    }
    return hashlib.sha256(
        json.dumps(facts, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def record_document(session: Session, source: str, doc: FetchedPage) -> FetchedDocument:
    """Upsert a fetched page by URL (the newest fetch wins: its validators and body)."""
    row = session.scalar(select(FetchedDocument).where(FetchedDocument.url == doc.url))
    row = _document_row(session, source, doc, row)
    session.flush()
    return row


def record_documents(session: Session, source: str, docs: list[FetchedPage]) -> list[FetchedDocument]:
    """``record_document`` of each page in turn, the same rows, in one query and one flush (a case's
    page and its stacks JSON: the crawl's staging writes per case, issue 18)."""
    if not docs:
        return []
    found = {row.url: row for row in session.scalars(
        select(FetchedDocument).where(FetchedDocument.url.in_({doc.url for doc in docs})))}
    rows = []
    for doc in docs:
        # a page listed twice is upserted twice, as one record_document after the other did
        found[doc.url] = _document_row(session, source, doc, found.get(doc.url))
        rows.append(found[doc.url])
    session.flush()
    return rows


def _document_row(session: Session, source: str, doc: FetchedPage, row: FetchedDocument | None) -> FetchedDocument:
    if row is None:
        row = FetchedDocument(source=source, url=doc.url)
        session.add(row)
    row.source = source
    row.fetched_at = utcnow()
    row.status = doc.status
    row.content_type = doc.content_type
    row.etag = doc.etag
    row.last_modified = doc.last_modified
    row.sha256 = doc.sha256
    row.body_path = doc.body_path
    row.case_keys = list(doc.case_keys) if doc.case_keys else None
    return row


def stage_case(
    session: Session,
    record: Any,
    stored_images: list[StoredImage],
    *,
    document: FetchedDocument | None = None,
    normalize: Callable[[Any], list[Any]] | None = None,
    on_source_changed: Callable[[Session, Case, dict, dict], Any] | None = None,
    identity_key: str | None = None,
) -> tuple[Case, str]:
    """Stage ``record`` (a CaseRecord) and its stored images; return the case and "new"/"updated"/"unchanged".

    Field values come from ``ingest.case_fields.normalize_case(record)`` (``normalize`` overrides it
    for callers that already computed them). Images no longer on the page are kept but excluded
    (``included`` false, ``provenance.removed_upstream``): a reviewer's work on them is not lost.
    ``identity_key`` goes into a new case's row as it is inserted (the caller sets it on a case
    already staged: it is not part of what changed).
    """
    if normalize is None:
        normalize = normalize_case

    content_sha = record_content_sha256(record, stored_images)
    case = session.scalar(select(Case).where(Case.source == record.source, Case.source_key == record.source_key))
    if case is not None and case.content_sha256 == content_sha:
        if document is not None and case.document_id != document.id:
            case.document_id = document.id
        return case, "unchanged"

    status = "new" if case is None else "updated"
    stored_images = _with_thumbnails(session, stored_images)
    results = normalize(record)
    case_values = {r.field: r for r in results if r.image_position is None}

    before = None
    if case is None:
        case = Case(source=record.source, source_key=record.source_key, review_state=ReviewState.STAGED,
                    identity_key=identity_key)
        session.add(case)
    elif on_source_changed is not None:
        before = case_snapshot(case)
    elif case.review_state in REQUEUE_ON_SOURCE_CHANGE:
        case.review_state = ReviewState.STAGED
    _copy_record_onto_case(case, record, document, case_values.get("license"), content_sha)
    session.flush()

    if status == "new":
        # A new case has no image or field value yet: insert them in two statements, not one
        # ORM object at a time (same rows as the update path below writes).
        _insert_new_case_rows(session, case, results, stored_images)
        return case, status

    by_position = _upsert_images(session, case, stored_images)
    apply_field_results(session, case, results, {pos: img.id for pos, img in by_position.items()})
    case.warning_codes = None  # its own inputs changed: the review warnings are computed again
    session.flush()
    if before is not None:
        session.refresh(case)
        on_source_changed(session, case, before, case_snapshot(case))
    return case, status


def _copy_record_onto_case(case: Case, record: Any, document: FetchedDocument | None, license_result: Any,
                           content_sha: str) -> None:
    """The record's case-level facts onto the case row (the license as the normalizer read it)."""
    case.canonical_url = record.url
    case.document_id = document.id if document is not None else case.document_id
    case.doi = record.doi or None
    case.license_raw = record.license_text or None
    case.license = license_result.value if license_result is not None else None
    case.published = record.published or None
    for name in _CASE_TEXT_FIELDS:
        setattr(case, name, getattr(record, name) or None)
    case.warnings = list(record.warnings)
    case.extra = _public_extra(record.extra)
    case.content_sha256 = content_sha


def _upsert_images(session: Session, case: Case, stored_images: list[StoredImage]) -> dict[int, Image]:
    """The case's images updated by ``(source_url, label)``, new ones added, those no longer on the
    page excluded (kept for the reviewer's work on them); returns position -> image."""
    existing = {(img.source_url, img.label): img
                for img in session.scalars(select(Image).where(Image.case_id == case.id))}
    by_position: dict[int, Image] = {}
    seen: set[tuple[str, str]] = set()
    for stored in stored_images:
        key = (stored.source_url, stored.label)
        seen.add(key)
        image = existing.get(key)
        if image is None:
            image = Image(case_id=case.id, source_url=stored.source_url, label=stored.label)
            session.add(image)
        image.sha256 = stored.sha256
        image.media_path = stored.media_path
        image.format = stored.format
        image.width = stored.width
        image.height = stored.height
        image.phash = stored.phash
        image.chash = stored.chash
        image.thumb = stored.thumb
        image.modality_text = stored.modality_text or None
        image.view_text = stored.view_text or None
        image.caption = stored.caption or None
        image.date_text = stored.date_text or None
        image.position = stored.position
        image.included = True
        image.provenance = dict(stored.provenance)
        by_position[stored.position] = image
    for key, image in existing.items():
        if key not in seen:
            image.included = False
            image.provenance = {**(image.provenance or {}), "removed_upstream": True}
    session.flush()
    return by_position


_IMAGES = Image.__table__
_FIELD_VALUES = FieldValue.__table__


def _image_row(case_id: int, stored: StoredImage) -> dict[str, Any]:
    """The columns of a new image row, as the update path of ``stage_case`` sets them."""
    return {
        "case_id": case_id,
        "source_url": stored.source_url,
        "label": stored.label,
        "sha256": stored.sha256,
        "media_path": stored.media_path,
        "format": stored.format,
        "width": stored.width,
        "height": stored.height,
        "phash": stored.phash,
        "chash": stored.chash,
        "thumb": stored.thumb,
        "modality_text": stored.modality_text or None,
        "view_text": stored.view_text or None,
        "caption": stored.caption or None,
        "date_text": stored.date_text or None,
        "position": stored.position,
        "included": True,
        "provenance": dict(stored.provenance),
    }


def _insert_new_case_rows(session: Session, case: Case, results: list[Any], stored_images: list[StoredImage]) -> None:
    """Images and field values of a case just inserted, in bulk (``insert().returning()`` for image ids).

    Same rows as ``stage_case``'s update path and ``apply_field_results`` write for a case without
    rows: one image row per stored image, in order; the first result of each ``(image, field)``;
    results of images the media pipeline rejected left out.
    """
    image_ids: dict[int, int] = {}
    if stored_images:
        params = [_image_row(case.id, stored) for stored in stored_images]
        # Core statements on the tables: the ORM's bulk-insert bookkeeping costs more than the rows.
        ids = _insert_images(session, case.id, params)
        for stored, image_id in zip(stored_images, ids):
            image_ids[stored.position] = image_id  # the last image of a position wins, as in by_position
    values: list[dict[str, Any]] = []
    for image_id, result in _keyed_results(results, image_ids):
        values.append({"case_id": case.id, "image_id": image_id, "field": result.field, "raw": result.raw,
                       "value": result.value, "rule": result.rule, "rule_version": result.version,
                       "evidence": result.evidence, "reason": result.reason or None})
    if values:
        session.execute(_FIELD_VALUES.insert(), values)


def _insert_images(session: Session, case_id: int, params: list[dict[str, Any]]) -> list[int]:
    """Insert a new case's image rows; their ids in the order of ``params``.

    SQLite cannot return the ids of one multi-row insert in order, so SQLAlchemy sends
    ``insert().returning(sort_by_parameter_order=True)`` one row at a time; there one executemany
    then one query suffices: SQLite gives rowids in the order the rows are inserted, and the case is
    new in this transaction (its id reused only after its images were deleted with it: foreign keys
    cascade), so its image rows are these. Another database keeps the ordered RETURNING."""
    if session.get_bind().dialect.name != "sqlite":
        return list(session.scalars(_IMAGES.insert().returning(_IMAGES.c.id, sort_by_parameter_order=True), params))
    session.execute(_IMAGES.insert(), params)
    return list(session.scalars(select(_IMAGES.c.id).where(_IMAGES.c.case_id == case_id).order_by(_IMAGES.c.id)))


def case_snapshot(case: Case) -> dict[str, Any]:
    """What a reviewer compares when the source changed: the case's text and its images."""
    snapshot: dict[str, Any] = {name: getattr(case, name)
                                for name in ("canonical_url", "doi", "license_raw", "published", *_CASE_TEXT_FIELDS)}
    snapshot["images"] = sorted(f"{img.label or img.position}: {img.source_url} {img.sha256}"
                                for img in case.images if img.included)
    return snapshot


@dataclass(frozen=True)
class FieldChange:
    """A normalized value that changed: what re-normalizing or re-staging did to one field."""

    field: str
    image_id: int | None
    before: str | None
    after: str | None
    rule: str | None


def _keyed_results(results: list[Any], image_ids: dict[int, int]):
    """``(image_id, result)`` for the first result of each (image, field); results of an image the
    media pipeline rejected (no row to attach to) are left out."""
    produced: set[tuple[int | None, str]] = set()
    for result in results:
        image_id = None
        if result.image_position is not None:
            image_id = image_ids.get(result.image_position)
            if image_id is None:
                continue
        key = (image_id, result.field)
        if key not in produced:
            produced.add(key)
            yield image_id, result


def apply_field_results(session: Session, case: Case, results: list[Any],
                        image_ids: dict[int, int]) -> list[FieldChange]:
    """Write normalizer results as the case's field values; return what changed.

    Values are keyed by (image, field); ``image_ids`` maps an image position to its row. A value
    with a reviewer override is never touched, and a field the normalizers no longer produce is
    removed unless a reviewer set it.
    """
    current = {(fv.image_id, fv.field): fv
               for fv in session.scalars(select(FieldValue).where(FieldValue.case_id == case.id))}
    produced: set[tuple[int | None, str]] = set()
    changes: list[FieldChange] = []
    for image_id, result in _keyed_results(results, image_ids):
        key = (image_id, result.field)
        produced.add(key)
        value = current.get(key)
        if value is not None and value.override is not None:
            continue
        if value is None:
            value = FieldValue(case_id=case.id, image_id=image_id, field=result.field)
            session.add(value)
            if result.value is not None:
                changes.append(FieldChange(result.field, image_id, None, result.value, result.rule))
        elif value.value != result.value:
            changes.append(FieldChange(result.field, image_id, value.value, result.value, result.rule))
        value.raw = result.raw
        value.value = result.value
        value.rule = result.rule
        value.rule_version = result.version
        value.evidence = result.evidence
        value.reason = result.reason or None
    for key, value in current.items():
        if key not in produced and value.override is None:
            if value.value is not None:
                changes.append(FieldChange(value.field, value.image_id, value.value, None, value.rule))
            session.delete(value)
    return changes


def record_from_case(case: Case) -> Any:
    """The CaseRecord a staged case was made from (its text and images as the source gave them)."""
    images = [
        ImageRecord(source_url=img.source_url, position=img.position, caption=img.caption or "",
                    modality_text=img.modality_text or "", view_text=img.view_text or "",
                    date_text=img.date_text or "",
                    label=img.label, extra={"volume": img.format == "nifti-gz",
                                            # the study whose title labels the image (its day on the case's timeline)
                                            **({"study_id": (img.provenance or {})["study_id"]}
                                               if (img.provenance or {}).get("study_id") else {})})
        for img in case.images if img.included
    ]
    return CaseRecord(source=case.source, source_key=case.source_key, url=case.canonical_url, title=case.title or "",
                      doi=case.doi or "", license_text=case.license_raw or "", published=case.published or "",
                      authors=case.authors or "", institution=case.institution or "", credit=case.credit or "",
                      age_text=case.age_text or "", sex_text=case.sex_text or "", history=case.history or "",
                      findings=case.findings or "", discussion=case.discussion or "", diagnosis=case.diagnosis or "",
                      images=images, warnings=list(case.warnings or []), extra=dict(case.extra or {}))


# --- What the crawl already knows -----------------------------------------------------------------


def incomplete_page_keys(session: Session, source: str) -> set[str]:
    """Identity keys of ``source`` pages with several cases of which not all are staged yet (a crawl
    killed between two patients, a patient whose image failed): such a page is not known yet, and
    the next crawl fetches it again (``middlewares.IncrementalMiddleware``). A case of the page
    still retired for an earlier reading (a crawl killed before the page's new reading restored it)
    is not staged yet either."""
    from staging.identity import retired_keys  # noqa: PLC0415 - staging.identity imports this module

    staged = dict(session.execute(select(Case.source_key, Case.identity_key).where(Case.source == source)).all())
    done = staged.keys() - retired_keys(session, source)
    incomplete: set[str] = set()
    for (keys,) in session.execute(select(FetchedDocument.case_keys)
                                   .where(FetchedDocument.source == source, FetchedDocument.case_keys.is_not(None))):
        if keys and not set(keys) <= done:
            incomplete |= {staged[key] or key for key in keys if key in staged}
    return incomplete


def _with_thumbnails(session: Session, stored_images: list[StoredImage]) -> list[StoredImage]:
    """Known images come without their thumbnail (``known_images`` leaves the 4 KB out of the crawl's
    memory): take it from a kept image with the same bytes."""
    missing = {s.sha256 for s in stored_images if s.thumb is None and s.phash is not None}
    if not missing:
        return stored_images
    thumbs = dict(session.execute(select(Image.sha256, Image.thumb)
                                  .where(Image.sha256.in_(missing), Image.thumb.is_not(None))).all())
    return [replace(s, thumb=thumbs[s.sha256]) if s.sha256 in thumbs else s for s in stored_images]


def known_images(session: Session, source: str) -> dict[str, dict[str, Any]]:
    """Images of ``source`` already kept, by source URL: their stored facts (to avoid re-downloading;
    without the thumbnail, which staging takes from the database when it needs it)."""
    rows = session.execute(
        select(Image.source_url, Image.sha256, Image.media_path, Image.format, Image.width, Image.height, Image.phash,
               Image.chash, Image.provenance)
        .join(Case, Case.id == Image.case_id)
        .where(Case.source == source, Image.sha256.is_not(None))
    )
    known: dict[str, dict[str, Any]] = {}
    for url, sha, path, fmt, width, height, phash, chash, provenance in rows:
        known[url] = {"sha256": sha, "media_path": path, "format": fmt, "width": width, "height": height,
                      "phash": phash, "chash": chash, "provenance": provenance or {}}
    return known


def document_validators(session: Session, url: str) -> tuple[str | None, str | None]:
    """ETag and Last-Modified of the last fetch of ``url`` (None, None if never fetched)."""
    row = session.execute(select(FetchedDocument.etag, FetchedDocument.last_modified)
                          .where(FetchedDocument.url == url)).first()
    return (row[0], row[1]) if row else (None, None)


def previous_crawl_run(session: Session, source: str, before_id: int | None = None) -> CrawlRun | None:
    query = select(CrawlRun).where(CrawlRun.source == source)
    if before_id is not None:
        query = query.where(CrawlRun.id < before_id)
    return session.scalar(query.order_by(CrawlRun.id.desc()).limit(1))


def case_timeline(case: Case) -> Timeline:
    """The timeline the case's offsets were placed on, recomputed from its stored text (pure)."""
    return record_timeline(record_from_case(case))


def source_changed(session: Session, case: Case, before: dict, after: dict, actor: str = "crawler") -> dict:
    """A re-crawl found the source of ``case`` changed: record the differences, re-queue if decided.

    ``before`` / ``after`` are the parsed records (or any dicts of field -> value) of the previous
    and the new crawl. Returns ``{key: {"before": ..., "after": ...}}`` of the keys that differ
    (empty: nothing recorded). An approved (or needs-information) case goes back to ``staged`` so
    that a reviewer looks at it again; reviewer overrides are kept. The pipeline hands it to
    ``stage_case`` as ``on_source_changed``.
    """
    before, after = jsonable(before or {}), jsonable(after or {})
    diff = {k: {"before": before.get(k), "after": after.get(k)}
            for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}
    if not diff:
        return {}
    old_state = case.review_state
    if old_state in REQUEUE_ON_SOURCE_CHANGE:
        case.review_state = ReviewState.STAGED
    session.add(ReviewEvent(case_id=case.id, actor=actor, at=utcnow(), action="source_changed",
                            before={k: d["before"] for k, d in diff.items()},
                            after={k: d["after"] for k, d in diff.items()},
                            reason=f"the source changed; state {old_state} -> {case.review_state}"))
    case.warning_codes = None  # recomputed with the new values
    return diff


def jsonable(value):
    """``value`` as JSON can hold it (the audit trail's before and after): dates in ISO 8601, the rest as text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


@dataclass
class RenormalizeReport:
    cases: int = 0
    changed_cases: int = 0
    changes: list[tuple[int, FieldChange]] = field(default_factory=list)  # (case id, change)

    def by_field(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, change in self.changes:
            counts[change.field] = counts.get(change.field, 0) + 1
        return counts


def renormalize_cases(
    engine,
    progress=None,
    on_changes: Callable[[Session, Case, list[FieldChange]], None] | None = None,
) -> RenormalizeReport:
    """Re-run the normalizers over every staged case's raw text, one transaction per case.

    Reviewer overrides are never touched (``apply_field_results``). ``on_changes`` lets the caller
    record the changes (the review history) in the same transaction.
    """
    from db.session import session_scope  # noqa: PLC0415

    with session_scope(engine) as session:
        case_ids = list(session.scalars(select(Case.id).order_by(Case.id)))
    report = RenormalizeReport(cases=len(case_ids))
    for case_id in (progress(case_ids, "cases", len(case_ids)) if progress else case_ids):
        with session_scope(engine) as session:
            case = session.get(Case, case_id)
            record = record_from_case(case)
            image_ids = {img.position: img.id for img in case.images if img.included}
            changes = apply_field_results(session, case, normalize_case(record), image_ids)
            if changes:
                license_value = next((fv.value for fv in case.field_values
                                      if fv.image_id is None and fv.field == "license"), None)
                case.license = license_value
                case.warning_codes = None  # new values: the review warnings are computed again
                report.changed_cases += 1
                report.changes.extend((case_id, c) for c in changes)
                if on_changes is not None:
                    on_changes(session, case, changes)
    return report
