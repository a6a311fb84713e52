"""A reviewer's marks that the export gates honour (called by the review app, and by tests).

- ``confirm_adult``: the source gives no age, and a reviewer confirms the patient is an adult
  (docs/design.md: a case of unknown age leaves staging only with that confirmation). Sets the
  review app's ``Case.adult_confirmed`` and records who and when in ``adult_confirmations``.
- ``mark_distinct``: two images the near-duplicate gate matched are different radiographs. The
  other side is another staged image (``Image``/its id) or a released file (``ReleasedFile``, or
  its path such as ``images/16660_2_1.jpg``). Marks are per pair: a new near-duplicate found
  later is not excused by an old mark.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.models import AdultConfirmation, Case, DistinctPair, Image, ReleasedFile
from schema import IngestError


class MarkError(IngestError, ValueError):
    pass


def confirm_adult(session: Session, case_id: int, actor: str) -> AdultConfirmation:
    case = session.get(Case, case_id)
    if case is None:
        raise MarkError(f"no case {case_id}")
    case.adult_confirmed = True
    mark = session.get(AdultConfirmation, case_id)
    if mark is None:
        mark = AdultConfirmation(case_id=case_id, confirmed_by=actor)
        session.add(mark)
    session.flush()
    return mark


def adult_confirmed_cases(session: Session, case_ids) -> set[int]:
    ids = list(case_ids)
    confirmed: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        confirmed.update(session.scalars(select(AdultConfirmation.case_id).where(AdultConfirmation.case_id.in_(chunk))))
        confirmed.update(session.scalars(select(Case.id).where(Case.id.in_(chunk), Case.adult_confirmed.is_(True))))
    return confirmed


def _other(session: Session, other) -> tuple[int | None, int | None]:
    """``(other_image_id, released_file_id)`` of the other side of a pair."""
    if isinstance(other, Image):
        return other.id, None
    if isinstance(other, ReleasedFile):
        return None, other.id
    if isinstance(other, int):
        if session.get(Image, other) is None:
            raise MarkError(f"no image {other}")
        return other, None
    if isinstance(other, str):
        file_id = session.scalar(select(ReleasedFile.id).where(ReleasedFile.path == other))
        if file_id is None:
            raise MarkError(f"no released file {other!r} (import the dataset checkout first)")
        return None, file_id
    raise MarkError(f"cannot mark a pair with {other!r}")


def mark_distinct(session: Session, image_id: int, other, actor: str) -> DistinctPair:
    """Record that ``image_id`` and ``other`` are distinct images; idempotent."""
    if session.get(Image, image_id) is None:
        raise MarkError(f"no image {image_id}")
    other_image, released_file = _other(session, other)
    if other_image is not None:
        if other_image == image_id:
            raise MarkError("an image cannot be distinct from itself")
        image_id, other_image = min(image_id, other_image), max(image_id, other_image)
    existing = session.scalars(select(DistinctPair).where(
        DistinctPair.image_id == image_id,
        DistinctPair.other_image_id.is_(None) if other_image is None else DistinctPair.other_image_id == other_image,
        DistinctPair.released_file_id.is_(None) if released_file is None
        else DistinctPair.released_file_id == released_file,
    )).first()
    if existing is not None:
        return existing
    mark = DistinctPair(image_id=image_id, other_image_id=other_image, released_file_id=released_file, marked_by=actor)
    session.add(mark)
    session.flush()
    return mark


def distinct_pairs(session: Session, image_ids) -> set[tuple[str, int, int]]:
    """Marked pairs touching ``image_ids``: ``("image", low, high)`` or ``("file", image, file)``."""
    ids = list(image_ids)
    pairs: set[tuple[str, int, int]] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for mark in session.scalars(select(DistinctPair).where(
                or_(DistinctPair.image_id.in_(chunk), DistinctPair.other_image_id.in_(chunk)))):
            if mark.other_image_id is not None:
                pairs.add(("image", min(mark.image_id, mark.other_image_id), max(mark.image_id, mark.other_image_id)))
            if mark.released_file_id is not None:
                pairs.add(("file", mark.image_id, mark.released_file_id))
    return pairs


__all__ = ["MarkError", "adult_confirmed_cases", "confirm_adult", "distinct_pairs", "mark_distinct"]
