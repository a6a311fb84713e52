"""Every review action, with its rules and its audit trail; the web app and the CLI call these.

Each function takes an open session (``db.session.session_scope``), the case, and the actor (the
``REVIEWER`` setting or the system user), validates its input first, changes the rows and records
one ``ReviewEvent`` per change with the values before and after. A ``ReviewError`` means bad input:
the caller's transaction is rolled back, so nothing is changed.

Reviewer edits are ``FieldValue.override`` (+ ``override_by`` / ``override_at``): ``scrapy
normalize`` and staging only write ``raw`` / ``value`` / ``rule``, so edits survive both.
"""

from __future__ import annotations

import getpass
import json

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from curation import marks
from db.models import Case, FieldValue, Image, ReleasedFile, ReleasedRow, ReviewEvent, utcnow
from review.rules import ReviewError, clean_reason, validate_value
from review.warnings import refresh_warnings
from schema import ReviewState
from staging.service import jsonable

#: Fields copied to the cases a split creates: they describe the source, not the patient.
SOURCE_LEVEL_FIELDS: tuple[str, ...] = ("license", "doi", "url", "location", "other_notes")


def default_actor(reviewer: str | None = None) -> str:
    """The ``REVIEWER`` setting, else the system user."""
    return (reviewer or "").strip() or getpass.getuser()


def parse_case_id(value) -> int:
    try:
        case_id = int(str(value).strip())
    except (TypeError, ValueError):
        raise ReviewError(f"{value!r} is not a case id (a number)") from None
    if case_id <= 0:
        raise ReviewError(f"{value!r} is not a case id (a positive number)")
    return case_id


def get_case(session: Session, case_id) -> Case:
    case_id = parse_case_id(case_id)
    case = session.get(Case, case_id)
    if case is None:
        raise ReviewError(f"there is no case {case_id}")
    return case


class StaleAction(ReviewError):
    """The case changed since the reviewer saw it: the action is refused, naming who changed what."""


def case_version(session: Session, case_id: int) -> int:
    """What a reviewer saw of a case: the id of its newest review event (0: none yet). Every change
    of a case (review actions, a re-crawl that found the source changed, re-normalizing) records one."""
    return session.scalar(select(func.max(ReviewEvent.id)).where(ReviewEvent.case_id == case_id)) or 0


def parse_version(value) -> int:
    try:
        version = int(str(value).strip())
    except (TypeError, ValueError):
        raise ReviewError(f"{value!r} is not a case version (the number `scrapy cases show` prints)") from None
    if version < 0:
        raise ReviewError(f"{value!r} is not a case version (a number >= 0)")
    return version


def open_case(session: Session, case_id, seen=None) -> Case:
    """The case, locked for the rest of the transaction; refused if it changed after version ``seen``.

    The lock comes first: an UPDATE that changes nothing takes SQLite's write lock (PostgreSQL's row
    lock), so two reviewers acting at the same instant are serialized; the second one then reads the
    state the first one left, and, having seen the older version, is refused. The audit trail stays a
    chain: the before-state of every event is the after-state of the one before.
    """
    case_id = parse_case_id(case_id)
    session.execute(update(Case).where(Case.id == case_id).values(updated_at=Case.updated_at)
                    .execution_options(synchronize_session=False))
    case = get_case(session, case_id)
    if seen is None or seen == "":
        return case
    seen = parse_version(seen)
    since = list(session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case_id, ReviewEvent.id > seen)
                                 .order_by(ReviewEvent.id)))
    if since:
        changes = "; ".join(f"{e.actor} {_change_summary(e)} at {e.at:%Y-%m-%d %H:%M:%S}" for e in since[-3:])
        more = f" (and {len(since) - 3} earlier change(s))" if len(since) > 3 else ""
        raise StaleAction(f"case {case_id} changed since you saw it (version {seen}, now {since[-1].id}): "
                          f"{changes}{more}; look at it again and redo your action if it still applies")
    return case


def _change_summary(event: ReviewEvent) -> str:
    before, after = (event.before if isinstance(event.before, dict) else {},
                     event.after if isinstance(event.after, dict) else {})
    if "state" in before or "state" in after:
        what = f"{event.action} (state {before.get('state')} -> {after.get('state')})"
    elif event.field:
        what = f"{event.action} {event.field} ({before.get('value')!r} -> {after.get('value')!r})"
    else:
        what = event.action
    return what[:200]


def record(session: Session, case: Case, actor: str, action: str, *, field: str | None = None, before=None,
           after=None, reason: str | None = None, image_id: int | None = None) -> ReviewEvent:
    event = ReviewEvent(case_id=case.id, image_id=image_id, actor=actor, at=utcnow(), action=action, field=field,
                        before=jsonable(before), after=jsonable(after), reason=reason)
    session.add(event)
    return event


def _refresh(session: Session, case: Case) -> list[dict]:
    session.flush()
    return refresh_warnings(session, [case.id])[case.id]


def _refuse_released(case: Case) -> None:
    if case.review_state == ReviewState.RELEASED:
        # Set by an export or an import (staging/identity.py): its rows and patientid are in the dataset.
        raise ReviewError(f"case {case.id} is released: its rows are in the dataset and never change")


def _set_state(session: Session, case: Case, actor: str, state: str, action: str, reason: str | None = None,
               extra_before: dict | None = None, extra_after: dict | None = None) -> None:
    _refuse_released(case)
    before = {"state": case.review_state, "reason": case.review_reason, **(extra_before or {})}
    case.review_state = state
    case.review_reason = reason
    after = {"state": state, "reason": reason, **(extra_after or {})}
    record(session, case, actor, action, before=before, after=after, reason=reason)


# --- decisions -----------------------------------------------------------------------------------


def blocking_warnings(session: Session, case: Case) -> list[dict]:
    return [w for w in _refresh(session, case) if w["blocking"] and not w["resolved"]]


def approve(session: Session, case: Case, actor: str, *, confirm_adult: bool = False,
            not_duplicate: bool = False) -> None:
    """Approve for release; blocked by a minor, an unconfirmed unknown age, an unusable license, an
    unresolved near-duplicate, or no included image."""
    _refuse_released(case)
    if case.review_state == ReviewState.APPROVED:
        raise ReviewError(f"case {case.id} is already approved")
    if confirm_adult and not case.adult_confirmed:
        set_adult_confirmed(session, case, actor, True)
    if not_duplicate and any(w["code"] == "near_duplicate" and not w["resolved"] for w in _refresh(session, case)):
        set_distinct_confirmed(session, case, actor, True)
    problems = [w["message"] for w in blocking_warnings(session, case)]
    if not any(image.included for image in case.images):
        problems.append("no image of the case is included")
    if problems:
        raise ReviewError(f"case {case.id} cannot be approved: " + "; ".join(problems))
    _set_state(session, case, actor, ReviewState.APPROVED, "approve")


def reject(session: Session, case: Case, actor: str, reason: str | None) -> None:
    reason = clean_reason(reason, required=True, what="rejecting a case")
    if case.review_state == ReviewState.REJECTED and case.review_reason == reason:
        raise ReviewError(f"case {case.id} is already rejected for this reason")
    _set_state(session, case, actor, ReviewState.REJECTED, "reject", reason)


def needs_info(session: Session, case: Case, actor: str, reason: str | None = None) -> None:
    """Hold the case: it is exported (finding ``todo``) only when the export is asked to."""
    reason = clean_reason(reason, required=False, what="needs information")
    if case.review_state == ReviewState.NEEDS_INFO and case.review_reason == reason:
        raise ReviewError(f"case {case.id} already needs information")
    _set_state(session, case, actor, ReviewState.NEEDS_INFO, "needs_info", reason)


def reopen(session: Session, case: Case, actor: str, reason: str | None = None) -> None:
    """Put a decided case back in the queue."""
    reason = clean_reason(reason, required=False, what="reopening")
    if case.review_state == ReviewState.STAGED:
        raise ReviewError(f"case {case.id} is already in the queue")
    before = {"duplicate_of_case_id": case.duplicate_of_case_id,
              "duplicate_of_released_row_id": case.duplicate_of_released_row_id}
    case.duplicate_of_case_id = case.duplicate_of_released_row_id = None
    _set_state(session, case, actor, ReviewState.STAGED, "reopen", reason, extra_before=before,
               extra_after={"duplicate_of_case_id": None, "duplicate_of_released_row_id": None})


def parse_duplicate_target(text: str) -> tuple[int | None, str | None]:
    """``12`` or ``case:12`` -> a case; ``released:FILENAME`` or ``row:ID`` -> a released row."""
    text = (text or "").strip()
    if not text:
        raise ReviewError("say which case or released row this case duplicates")
    kind, sep, rest = text.partition(":")
    if not sep:
        return parse_case_id(text), None
    if kind == "case":
        return parse_case_id(rest), None
    if kind in ("released", "row") and rest.strip():
        return None, f"{kind}:{rest.strip()}"
    raise ReviewError(f"{text!r}: give a case id (12 or case:12) or a released row (released:FILENAME or row:ID)")


def find_released_row(session: Session, ref: str) -> ReleasedRow:
    kind, _, rest = ref.partition(":")
    if kind == "row":
        try:
            row = session.get(ReleasedRow, int(rest))
        except ValueError:
            raise ReviewError(f"{rest!r} is not a released row id") from None
    else:
        row = session.scalars(select(ReleasedRow).where(ReleasedRow.row_key == rest)).first() or \
            session.scalars(select(ReleasedRow).where(ReleasedRow.filename == rest).order_by(ReleasedRow.id)).first()
    if row is None:
        raise ReviewError(f"there is no released row {rest!r}")
    return row


def mark_duplicate(session: Session, case: Case, actor: str, *, of_case_id: int | None = None,
                   of_released: str | int | None = None, reason: str | None = None) -> None:
    """The case repeats another staged case, or a row of the released dataset."""
    reason = clean_reason(reason, required=False, what="duplicate")
    if (of_case_id is None) == (of_released is None):
        raise ReviewError("give exactly one of: the case, or the released row, this case duplicates")
    target_case = target_row = None
    if of_case_id is not None:
        target_case = get_case(session, of_case_id)
        if target_case.id == case.id:
            raise ReviewError("a case cannot be a duplicate of itself")
        if target_case.duplicate_of_case_id == case.id:
            raise ReviewError(f"case {target_case.id} is already marked as a duplicate of case {case.id}")
    else:
        ref = of_released if isinstance(of_released, str) else f"row:{of_released}"
        target_row = find_released_row(session, ref)
    before = {"duplicate_of_case_id": case.duplicate_of_case_id,
              "duplicate_of_released_row_id": case.duplicate_of_released_row_id}
    if (case.review_state == ReviewState.DUPLICATE
            and case.duplicate_of_case_id == (target_case.id if target_case else None)
            and case.duplicate_of_released_row_id == (target_row.id if target_row else None)):
        raise ReviewError(f"case {case.id} is already marked as this duplicate")
    case.duplicate_of_case_id = target_case.id if target_case else None
    case.duplicate_of_released_row_id = target_row.id if target_row else None
    after = {"duplicate_of_case_id": case.duplicate_of_case_id,
             "duplicate_of_released_row_id": case.duplicate_of_released_row_id}
    if target_row is not None:
        after["released_filename"] = target_row.filename
    _set_state(session, case, actor, ReviewState.DUPLICATE, "duplicate", reason, extra_before=before,
               extra_after=after)


def set_adult_confirmed(session: Session, case: Case, actor: str, confirmed: bool = True) -> None:
    """The source gives no age and the reviewer confirms an adult (honoured by the export gate)."""
    if not confirmed:
        raise ReviewError("an adult confirmation cannot be withdrawn here; reject the case instead")
    if case.adult_confirmed:
        raise ReviewError(f"case {case.id}: adult already confirmed")
    record(session, case, actor, "confirm_adult", before={"adult_confirmed": False}, after={"adult_confirmed": True})
    marks.confirm_adult(session, case.id, actor)
    _refresh(session, case)


def set_distinct_confirmed(session: Session, case: Case, actor: str, confirmed: bool = True) -> None:
    """Every near-duplicate candidate shown for the case is a different radiograph (marked per pair,
    so a near-duplicate found later is not excused)."""
    if not confirmed:
        raise ReviewError("a distinct mark cannot be withdrawn here")
    pairs = [c for w in _refresh(session, case) if w["code"] == "near_duplicate"
             for c in w["candidates"] if not c["distinct"]]
    if not pairs:
        raise ReviewError(f"case {case.id} has no unresolved near-duplicate")
    for c in pairs:
        other = c["id"] if c["kind"] == "staged" else session.get(ReleasedFile, c["id"])
        marks.mark_distinct(session, c["image_id"], other, actor)
    record(session, case, actor, "confirm_distinct", before={"near_duplicates": [_pair_label(c) for c in pairs]},
           after={"distinct": [_pair_label(c) for c in pairs]})
    case.distinct_confirmed = True
    _refresh(session, case)
    # the other staged case of each pair shows the same warning: resolve its badge now too
    others = sorted({c["case_id"] for c in pairs if c["kind"] == "staged" and c["case_id"] != case.id})
    if others:
        refresh_warnings(session, others)


def _pair_label(c: dict) -> str:
    other = f"released {c['label']}" if c["kind"] == "released" else f"image {c['id']} (case {c['case_id']})"
    return f"image {c['image_id']} ~ {other} ({c.get('how') or 'distance ' + str(c['distance'])})"


# --- fields and images ---------------------------------------------------------------------------


def _image_of(case: Case, image_id) -> Image:
    try:
        image_id = int(image_id)
    except (TypeError, ValueError):
        raise ReviewError(f"{image_id!r} is not an image id") from None
    for image in case.images:
        if image.id == image_id:
            return image
    raise ReviewError(f"image {image_id} is not an image of case {case.id}")


def _field_value(session: Session, case: Case, field: str, image_id: int | None) -> FieldValue | None:
    query = select(FieldValue).where(FieldValue.case_id == case.id, FieldValue.field == field)
    query = query.where(FieldValue.image_id.is_(None) if image_id is None else FieldValue.image_id == image_id)
    return session.scalars(query).first()


def set_field(session: Session, case: Case, actor: str, field: str, value: str, image_id: int | None = None) -> bool:
    """Record a reviewer's value (an override that wins over the normalizer's); False if unchanged."""
    field = (field or "").strip()
    image = _image_of(case, image_id) if image_id not in (None, "") else None
    value = validate_value(field, value, image_level=image is not None)
    fv = _field_value(session, case, field, image.id if image else None)
    if fv is not None and fv.override == value:
        return False
    if fv is None:
        fv = FieldValue(case_id=case.id, image_id=image.id if image else None, field=field)
        session.add(fv)
    before = {"value": fv.effective, "override": fv.override, "normalized": fv.value}
    fv.override, fv.override_by, fv.override_at = value, actor, utcnow()
    after = {"value": value, "override": value, "normalized": fv.value}
    record(session, case, actor, "set_field", field=field, before=before, after=after,
           image_id=image.id if image else None)
    _refresh(session, case)
    return True


def set_fields(session: Session, case: Case, actor: str, assignments: list[tuple[str, int | None, str]]) -> int:
    """Several edits at once (all or nothing); returns how many changed a value."""
    if not assignments:
        raise ReviewError("give at least one field=value")
    return sum(set_field(session, case, actor, field, value, image_id) for field, image_id, value in assignments)


def reset_field(session: Session, case: Case, actor: str, field: str, image_id: int | None = None) -> None:
    """Drop the reviewer's value: the normalizer's value applies again."""
    image = _image_of(case, image_id) if image_id not in (None, "") else None
    fv = _field_value(session, case, (field or "").strip(), image.id if image else None)
    if fv is None or fv.override is None:
        raise ReviewError(f"{field} has no reviewer value to reset")
    before = {"value": fv.effective, "override": fv.override, "normalized": fv.value}
    fv.override = fv.override_by = fv.override_at = None
    record(session, case, actor, "reset_field", field=field, before=before,
           after={"value": fv.value, "override": None, "normalized": fv.value}, image_id=image.id if image else None)
    _refresh(session, case)


def set_image_included(session: Session, case: Case, actor: str, image_id, included: bool) -> None:
    image = _image_of(case, image_id)
    if image.included == included:
        raise ReviewError(f"image {image.id} is already {'included' if included else 'excluded'}")
    record(session, case, actor, "include_image" if included else "exclude_image", image_id=image.id,
           before={"included": image.included}, after={"included": included})
    image.included = included
    _refresh(session, case)


def split_case(session: Session, case: Case, actor: str, groups: list[list[int]]) -> list[Case]:
    """One source showing several patients: each group of images becomes a new staged case."""
    groups = [[int(i) for i in group] for group in groups if group]
    if not groups:
        raise ReviewError("choose the images of each other patient")
    own = {image.id: image for image in case.images}
    seen: set[int] = set()
    for group in groups:
        for image_id in group:
            if image_id not in own:
                raise ReviewError(f"image {image_id} is not an image of case {case.id}")
            if image_id in seen:
                raise ReviewError(f"image {image_id} is in two groups")
            seen.add(image_id)
    if len(seen) >= len(own):
        raise ReviewError("keep at least one image in the original case")
    taken = session.scalar(select(func.count(Case.id)).where(Case.split_from_case_id == case.id)) or 0
    created: list[Case] = []
    case_level = [fv for fv in case.field_values if fv.image_id is None and fv.field in SOURCE_LEVEL_FIELDS]
    for group in groups:
        number = taken + len(created) + 2
        while session.scalar(select(Case.id).where(Case.source == case.source,
                                                   Case.source_key == f"{case.source_key}#patient-{number}")):
            number += 1
        new = Case(source=case.source, source_key=f"{case.source_key}#patient-{number}",
                   canonical_url=case.canonical_url, document_id=case.document_id, doi=case.doi,
                   title=f"{case.title or ''} (patient {number})".strip(),
                   license_raw=case.license_raw, license=case.license, published=case.published, authors=case.authors,
                   institution=case.institution, credit=case.credit, history=case.history, findings=case.findings,
                   discussion=case.discussion, diagnosis=case.diagnosis, review_state=ReviewState.STAGED, warnings=[],
                   extra={"split_from": case.id}, split_from_case_id=case.id)
        session.add(new)
        session.flush()
        for fv in case_level:
            session.add(FieldValue(case_id=new.id, field=fv.field, raw=fv.raw, value=fv.value, rule=fv.rule,
                                   rule_version=fv.rule_version, evidence=fv.evidence, reason=fv.reason,
                                   override=fv.override, override_by=fv.override_by, override_at=fv.override_at))
        for image_id in group:
            image = own[image_id]
            image.case = new
            for fv in list(case.field_values):
                if fv.image_id == image_id:
                    fv.case = new
        record(session, new, actor, "split_from", before={"case_id": case.id},
               after={"case_id": new.id, "images": group})
        created.append(new)
    record(session, case, actor, "split", before={"images": sorted(own)},
           after={"images": sorted(set(own) - seen), "new_cases": {str(c.id): g for c, g in zip(created, groups)}})
    session.flush()
    refresh_warnings(session, [case.id] + [c.id for c in created])
    return created


# --- re-crawls -----------------------------------------------------------------------------------


def events(session: Session, case_id: int) -> list[ReviewEvent]:
    return list(session.scalars(select(ReviewEvent).where(ReviewEvent.case_id == case_id)
                                .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())))


def to_json(obj) -> str:
    return json.dumps(jsonable(obj), ensure_ascii=False, sort_keys=True)
