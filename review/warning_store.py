"""Stored review warnings, kept up to date when cases, images or released files change.

A case's warnings (review/warnings.py) come from two kinds of input:

- its own: its text, field values, images, marks. Every path that changes them either stores the
  warnings again (review actions) or clears ``Case.warning_codes`` (staging, re-normalizing); and
  the digest of these inputs is stored with the warnings (``Case.warnings_inputs``), so the case
  page recomputes a case whose digest no longer matches, whatever changed it.
- the near-duplicate index: every staged image and released file. Here a change of one image can
  change the warnings of other cases. ``sync_warnings`` compares the images and files now with
  what the stored warnings last saw (``WarningIndexEntry``) and recomputes only the cases the
  differences can touch: the cases of changed images; cases listing a removed or changed owner
  among their candidates (the closest ones kept can change only then); cases with an image that an
  added owner matches by SHA-256, by hash (the rule is symmetric) or, for the crop check, whose
  stored region hashes (``ImageCropRegions``) come within ``CANDIDATE_BITS`` of the added
  thumbnail's inner hash (every crop candidate does: dedup/crops.py ``CropIndex.candidates``).

Not inputs: the review state (a release or an approval changes no warning; the import of the new
checkout does, through the released files), annotations, other cases' text.

A cheap signature (the values of ``warnings._signature``, in one statement) says whether anything of
the index may have changed; when it equals the stored one only cases never computed are computed.
Without a state row (a new database, or one migrated from stored warnings of the old code) every
case is computed once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    Case,
    DatasetImport,
    Image,
    ImageCropRegions,
    ReleasedFile,
    WarningIndexEntry,
    WarningState,
    utcnow,
)
from dedup.crops import CANDIDATE_BITS, inner_signatures, region_signatures, thumb_array
from review.warnings import duplicate_index, id_chunks, local_inputs, refresh_warnings

#: Past this many added thumbnails (an import of a large released baseline), finding the images
#: they could be crop candidates of costs about as much as recomputing every case: every case is.
MAX_ADDED_THUMBS = 2_000
_STATE_ID = 1


@dataclass(frozen=True)
class Entry:
    """An owner of the near-duplicate index as the warnings see it (``WarningIndexEntry``)."""

    case_id: int | None
    sha256: str | None
    phash: str | None
    chash: str | None
    thumb_size: int | None


def _probe(session: Session) -> tuple[str, str | None, bool]:
    """In one statement (every page load runs it): the index signature now (the values of
    ``warnings._signature``), the one stored, and whether a case has no stored warnings."""
    files = select(ReleasedFile.id).where(ReleasedFile.removed_import_id.is_(None)).subquery()
    row = session.execute(select(
        select(func.count(Image.id)).scalar_subquery(), select(func.max(Image.id)).scalar_subquery(),
        select(func.max(Case.updated_at)).scalar_subquery(),
        select(func.count(files.c.id)).scalar_subquery(), select(func.max(files.c.id)).scalar_subquery(),
        select(func.max(DatasetImport.imported_at)).scalar_subquery(),
        select(WarningState.signature).where(WarningState.id == _STATE_ID).scalar_subquery(),
        exists().where(Case.warning_codes.is_(None)),
    )).one()
    return json.dumps(list(row[:6]), default=str), row[6], bool(row[7])


def sync_warnings(session: Session) -> int:
    """Bring every stored warning up to date; returns how many cases were recomputed."""
    signature, stored, missing = _probe(session)
    if stored == signature:
        return _refresh_missing(session) if missing else 0
    state = _locked_state(session)
    signature, _, _ = _probe(session)
    if state.signature == signature:
        return _refresh_missing(session)
    now = _owners(session)
    before = {(r[0], r[1]): Entry(*r[2:]) for r in session.execute(
        select(WarningIndexEntry.kind, WarningIndexEntry.owner_id, WarningIndexEntry.case_id, WarningIndexEntry.sha256,
               WarningIndexEntry.phash, WarningIndexEntry.chash, WarningIndexEntry.thumb_size))}
    added = {k: e for k, e in now.items() if before.get(k) != e}
    removed = {k: e for k, e in before.items() if now.get(k) != e}
    _store_regions(session, [k[1] for k in added if k[0] == "staged"])
    cases = set(session.scalars(select(Case.id)))
    if state.signature is None or sum(e.thumb_size == _THUMB_BYTES for e in added.values()) > MAX_ADDED_THUMBS:
        affected = cases
    else:
        affected = _touched(session, added, removed) & cases
    affected |= set(session.scalars(select(Case.id).where(Case.warning_codes.is_(None))))
    for ids in id_chunks(sorted(affected)):
        refresh_warnings(session, ids)
    _store_entries(session, added, removed)
    state.signature = signature
    session.flush()
    return len(affected)


def _locked_state(session: Session) -> WarningState:
    """The state row, locked for the rest of the transaction (PostgreSQL's row lock, SQLite's write
    lock): two syncs never work from interleaved snapshots, and one that waited sees what the
    other stored. Created when missing (a new database; the tests' databases are emptied)."""
    if session.get(WarningState, _STATE_ID) is None:
        try:
            with session.begin_nested():
                session.execute(insert(WarningState).values(id=_STATE_ID, signature=None))
        except IntegrityError:
            pass  # another sync created it first
    session.execute(update(WarningState).where(WarningState.id == _STATE_ID).values(synced_at=utcnow())
                    .execution_options(synchronize_session=False))
    state = session.get(WarningState, _STATE_ID)
    session.refresh(state)
    return state


def _refresh_missing(session: Session) -> int:
    ids = list(session.scalars(select(Case.id).where(Case.warning_codes.is_(None))))
    if ids:
        refresh_warnings(session, ids)
    return len(ids)


_THUMB_BYTES = 64 * 64


def _owners(session: Session) -> dict[tuple[str, int], Entry]:
    """Every owner of the index now (the same rows ``warnings.duplicate_index`` reads)."""
    owners = {("staged", r[0]): Entry(*r[1:]) for r in session.execute(
        select(Image.id, Image.case_id, Image.sha256, Image.phash, Image.chash, func.length(Image.thumb)))}
    owners.update({("released", r[0]): Entry(None, *r[1:]) for r in session.execute(
        select(ReleasedFile.id, ReleasedFile.sha256, ReleasedFile.phash, ReleasedFile.chash,
               func.length(ReleasedFile.thumb))
        .where(ReleasedFile.removed_import_id.is_(None)))})
    return owners


def _touched(session: Session, added: dict[tuple[str, int], Entry], removed: dict[tuple[str, int], Entry]) -> set[int]:
    """The cases whose near-duplicate candidates these changes of the index can change."""
    touched = {e.case_id for e in [*added.values(), *removed.values()] if e.case_id is not None}
    if removed:
        gone = set(removed)
        for case_id, warnings in session.execute(select(Case.id, Case.review_warnings)
                                                 .where(Case.review_warnings.is_not(None))):
            if any((c["kind"], c["id"]) in gone for w in warnings or () for c in w.get("candidates", ())):
                touched.add(case_id)
    if not added:
        return touched
    index = duplicate_index(session)
    for sha in {e.sha256 for e in added.values() if e.sha256}:
        touched.update(index.owners[i].case_id for i in index.by_sha.get(sha, ()) if index.owners[i].kind == "staged")
    for e in added.values():
        if e.phash:
            touched.update(index.owners[index.hashed[n]].case_id for n, _ in index.hashes.matches(e.phash, e.chash)
                           if index.owners[index.hashed[n]].kind == "staged")
    touched |= _crop_touched(session, [k for k, e in added.items() if e.thumb_size == _THUMB_BYTES])
    return touched


def _thumbs(session: Session, keys: list[tuple[str, int]]) -> list[np.ndarray]:
    out = []
    for kind, column, key in (("staged", Image, Image.id), ("released", ReleasedFile, ReleasedFile.id)):
        ids = [owner_id for k, owner_id in keys if k == kind]
        for chunk in id_chunks(ids):
            for (thumb,) in session.execute(select(column.thumb).where(key.in_(chunk))):
                t = thumb_array(thumb)
                if t is not None:
                    out.append(t)
    return out


def _crop_touched(session: Session, keys: list[tuple[str, int]]) -> set[int]:
    """Cases with an image whose crop query could find one of these added owners: one of its 256
    region hashes within ``CANDIDATE_BITS`` of the owner's inner hash (a superset of the candidates,
    which must also pass the coefficient test and the aligned verification)."""
    thumbs = _thumbs(session, keys)
    if not thumbs:
        return set()
    inner, _ = inner_signatures(np.stack(thumbs))
    case_ids, blobs = [], []
    for case_id, blob in session.execute(select(Image.case_id, ImageCropRegions.hashes)
                                         .join(ImageCropRegions, ImageCropRegions.image_id == Image.id)):
        case_ids.append(case_id)
        blobs.append(blob)
    if not blobs:
        return set()
    regions = np.frombuffer(b"".join(blobs), dtype="<u8").reshape(len(blobs), -1)
    # Within CANDIDATE_BITS (6) of 64 bits, some 16-bit band differs by at most one bit (the
    # pigeonhole of dedup/crops.py): rows with a band key one bit or less from an added hash's are
    # the only ones the exact distance is computed for.
    probes = np.array([0] + [1 << b for b in range(16)], dtype=np.uint64)
    maybe = np.zeros(len(regions), bool)
    for shift in (np.uint64(0), np.uint64(16), np.uint64(32), np.uint64(48)):
        keys_near = np.unique(((inner >> shift) & np.uint64(0xFFFF))[:, None] ^ probes[None, :])
        maybe |= np.isin((regions >> shift) & np.uint64(0xFFFF), keys_near).any(axis=1)
    touched = set()
    for row in np.flatnonzero(maybe):
        if (np.bitwise_count(regions[row][:, None] ^ inner[None, :]) <= CANDIDATE_BITS).any():
            touched.add(case_ids[row])
    return touched


def _store_regions(session: Session, image_ids: list[int]) -> None:
    """The region hashes of these (new or changed) images, for ``_crop_touched`` later."""
    for chunk in (image_ids[i:i + 64] for i in range(0, len(image_ids), 64)):  # crop_matches' own block size
        session.execute(delete(ImageCropRegions).where(ImageCropRegions.image_id.in_(chunk)))
        rows = [(image_id, thumb_array(thumb)) for image_id, thumb in session.execute(
            select(Image.id, Image.thumb).where(Image.id.in_(chunk)))]
        rows = [(image_id, t) for image_id, t in rows if t is not None]
        if rows:
            hashes, _ = region_signatures(np.stack([t for _, t in rows]))
            session.execute(insert(ImageCropRegions), [{"image_id": image_id, "hashes": h.astype("<u8").tobytes()}
                                                       for (image_id, _), h in zip(rows, hashes)])


def _store_entries(session: Session, added: dict[tuple[str, int], Entry],
                   removed: dict[tuple[str, int], Entry]) -> None:
    for kind in ("staged", "released"):
        stale = [owner_id for k, owner_id in [*removed, *added] if k == kind]
        for chunk in id_chunks(sorted(set(stale))):
            session.execute(delete(WarningIndexEntry).where(WarningIndexEntry.kind == kind,
                                                            WarningIndexEntry.owner_id.in_(chunk)))
    rows = [{"kind": kind, "owner_id": owner_id, "case_id": e.case_id, "sha256": e.sha256, "phash": e.phash,
             "chash": e.chash, "thumb_size": e.thumb_size} for (kind, owner_id), e in added.items()]
    for start in range(0, len(rows), 5000):
        session.execute(insert(WarningIndexEntry), rows[start:start + 5000])


def stored_warnings(session: Session, case: Case) -> list[dict]:
    """The case's stored warnings, brought up to date first; recomputed if missing or if the
    digest of its own inputs does not match (a change no path reported)."""
    sync_warnings(session)
    session.refresh(case, ["review_warnings", "warning_codes", "warnings_inputs"])
    if case.warning_codes is None or case.review_warnings is None or \
            case.warnings_inputs != local_inputs(session, [case.id]).get(case.id):
        return refresh_warnings(session, [case.id])[case.id]
    return case.review_warnings
