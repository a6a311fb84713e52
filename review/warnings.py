"""What a reviewer must look at before a case leaves staging, computed for many cases at once.

Warnings are derived from the database (effective field values, images, released files), stored on
the case (``Case.review_warnings`` and ``Case.warning_codes`` for the queue's filter, with the digest
of the case's own inputs) and recomputed when a case is acted on, or when a change of images or
released files can touch them (review/warning_store.py), not when a page is shown. Blocking
warnings stop an approval until resolved: a minor (reject), an unknown age (a reviewer confirms an
adult), an unknown or non-redistributable license (edit the license), an unresolved near-duplicate
(mark duplicate, or confirm distinct).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from curation.marks import adult_confirmed_cases, distinct_pairs
from db.models import Case, DatasetImport, FieldValue, Image, ReleasedFile
from dedup.crops import CropIndex, crop_matches, hash_matches_confirmed, thumb_array
from dedup.hashes import COMBINED_THRESHOLD, HashIndex
from schema import ADULT_AGE, MODALITY_CT, REDISTRIBUTABLE_LICENSES, ReviewState

#: At most this many candidates are kept per image (closest first).
MAX_CANDIDATES = 3

LABELS: dict[str, str] = {
    "age_pediatric": "pediatric",
    "age_unknown": "age unknown",
    "license_unknown": "license unknown",
    "license_not_redistributable": "license not redistributable",
    "near_duplicate": "near-duplicate",
    "several_patients": "several patients",
    "view_missing": "view missing",
    "offset_missing": "offset missing",
}
BLOCKING: frozenset[str] = frozenset({"age_pediatric", "age_unknown", "license_unknown", "license_not_redistributable",
                                      "near_duplicate"})

_CHUNK = 500
_PATIENT_NUMBER = re.compile(r"\b(?:patient|case|pt\.?|paziente|caso)\s*(?:no\.?\s*|#\s*)?(\d{1,2}|[A-D])\b", re.I)
_SEVERAL = re.compile(r"\b(?:two|three|four|five|several|both|2|3|4|5|due|tre|quattro)\s+"
                      r"(?:patients|pazienti|cases|casi)\b", re.I)


def id_chunks(ids: list[int]):
    """``ids`` in slices of ``_CHUNK``: one ``IN (...)`` per slice stays under the backends' limits
    of bound parameters."""
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def codes_column(warnings: list[dict]) -> str:
    """``,code,code,`` of the unresolved warnings, for ``LIKE '%,code,%'`` filters."""
    codes = sorted({w["code"] for w in warnings if not w.get("resolved")})
    return "," + ",".join(codes) + ("," if codes else "")


@dataclass
class _Owner:
    kind: str  # "staged" or "released"
    id: int  # image id or released file id
    case_id: int | None
    label: str
    sha256: str | None


@dataclass
class _DupIndex:
    signature: tuple
    #: every hashed owner, filed under its hash bands; ``hashed[n]`` is the owner of entry n
    hashes: HashIndex = field(default_factory=HashIndex)
    hashed: list[int] = field(default_factory=list)
    owners: list[_Owner] = field(default_factory=list)
    by_sha: dict[str, list[int]] = field(default_factory=dict)
    #: owners with a thumbnail, for the crop-tolerant check: ``cropped[n]`` is the owner of entry n
    cropped: list[int] = field(default_factory=list)
    crops: CropIndex | None = None
    #: the other way round: owner -> entry, and staged image id -> entry
    entry_of_owner: dict[int, int] = field(default_factory=dict)
    entry_of_image: dict[int, int] = field(default_factory=dict)


_index_lock = threading.Lock()
_index_cache: dict[str, _DupIndex] = {}


def _signature(session: Session) -> tuple:
    """What changes whenever the index would: images added or deleted (count and highest id), a case
    staged again (its newest update), released files imported or removed (count of those still
    released, the newest import). Ids alone are not enough: a database emptied or made again at the
    same URL starts its ids over, and an import that removes a file keeps its row."""
    images = session.execute(select(func.count(Image.id), func.max(Image.id))).one()
    newest_case = session.execute(select(func.max(Case.updated_at))).scalar()
    files = session.execute(select(func.count(ReleasedFile.id), func.max(ReleasedFile.id))
                            .where(ReleasedFile.removed_import_id.is_(None))).one()
    newest_import = session.execute(select(func.max(DatasetImport.imported_at))).scalar()
    return (*images, newest_case, *files, newest_import)


def duplicate_index(session: Session) -> _DupIndex:
    """Every staged image and released file by perceptual hash and SHA-256 (cached per database)."""
    key = str(session.get_bind().url)
    signature = _signature(session)
    with _index_lock:
        cached = _index_cache.get(key)
        if cached is not None and cached.signature == signature:
            return cached
    index = _DupIndex(signature)
    owners = index.owners
    thumbs = []

    def file_hashes(phash, chash, thumb) -> None:
        if phash:
            index.hashes.add(phash, chash)
            index.hashed.append(len(owners) - 1)
        t = thumb_array(thumb)
        if t is not None:
            thumbs.append(t)
            index.cropped.append(len(owners) - 1)

    # a case retired as the duplicate of a staged case (by a reviewer, or by a re-crawl reading its
    # page another way: staging/identity.py retire_other_reading) is never exported: its images are
    # that case's, they flag no other case
    retired = select(Case.id).where(Case.review_state == ReviewState.DUPLICATE, Case.duplicate_of_case_id.is_not(None))
    for image_id, case_id, sha, phash, chash, thumb in session.execute(
            select(Image.id, Image.case_id, Image.sha256, Image.phash, Image.chash, Image.thumb)
            .where(Image.case_id.not_in(retired))):
        owners.append(_Owner("staged", image_id, case_id, f"case {case_id}", sha))
        file_hashes(phash, chash, thumb)
    rows = session.execute(select(ReleasedFile.id, ReleasedFile.path, ReleasedFile.sha256, ReleasedFile.phash,
                                  ReleasedFile.chash, ReleasedFile.thumb)
                           .where(ReleasedFile.removed_import_id.is_(None)))
    for file_id, path, sha, phash, chash, thumb in rows:
        owners.append(_Owner("released", file_id, None, path, sha))
        file_hashes(phash, chash, thumb)
    if thumbs:
        index.crops = CropIndex(np.stack(thumbs))
    index.entry_of_owner = {o: n for n, o in enumerate(index.cropped)}
    index.entry_of_image = {owners[o].id: n for n, o in enumerate(index.cropped) if owners[o].kind == "staged"}
    by_sha: dict[str, list[int]] = defaultdict(list)
    for i, owner in enumerate(owners):
        if owner.sha256:
            by_sha[owner.sha256].append(i)
    index.by_sha = dict(by_sha)
    with _index_lock:
        _index_cache[key] = index
    return index


def _near_duplicates(index: _DupIndex,
                     images: list[tuple[int, int, str | None, str | None, str | None]]) -> dict[int, list[dict]]:
    """image id -> closest candidates in other cases or the release (exact SHA-256 first)."""
    found: dict[int, dict[tuple[str, int], dict]] = defaultdict(dict)
    for image_id, case_id, sha, _, _ in images:
        for i in index.by_sha.get(sha or "", ()):
            owner = index.owners[i]
            if owner.kind == "staged" and owner.case_id == case_id:
                continue
            found[image_id][(owner.kind, owner.id)] = _candidate(owner, 0, exact=True, image_id=image_id)
    # the export gate's own rule (exports.gates.duplicate_failures), so review and export agree:
    # hash matches (dedup.hashes.near_duplicate) that the aligned detail confirms ...
    entry_of, entry_of_owner = index.entry_of_image, index.entry_of_owner

    def thumb(entry: int | None):
        return None if entry is None or index.crops is None else index.crops.thumbs[entry]

    by_hash = []
    for image_id, case_id, _, phash, chash in images:
        if not phash:
            continue
        for n, distance in index.hashes.matches(phash, chash):
            owner = index.owners[index.hashed[n]]
            if owner.kind == "staged" and owner.case_id == case_id:
                continue
            if (owner.kind, owner.id) not in found[image_id]:
                by_hash.append((image_id, index.hashed[n], distance))
    confirmed = hash_matches_confirmed([(thumb(entry_of.get(image_id)), thumb(entry_of_owner.get(o)))
                                        for image_id, o, _ in by_hash])
    for (image_id, o, distance), stands in zip(by_hash, confirmed):
        owner = index.owners[o]
        if stands and (owner.kind, owner.id) not in found[image_id]:
            found[image_id][(owner.kind, owner.id)] = _candidate(owner, distance, exact=False, image_id=image_id)
    # ... and the same picture in another frame (dedup/crops.py)
    if index.crops is not None:
        queried = [(image_id, case_id) for image_id, case_id, *_ in images if image_id in entry_of]
        if queried:
            entries = np.array([entry_of[image_id] for image_id, _ in queried])
            # No query entries: given them, crop_matches verifies a pair of two queried images once,
            # one way round, so an image's candidates would depend on which images were queried with
            # it; without them each image's candidates are its own (its match with itself is its
            # own case's, skipped below), so stored warnings can be recomputed a case at a time.
            for q, n, match in crop_matches(index.crops, index.crops.thumbs[entries]):
                image_id, case_id = queried[q]
                owner = index.owners[index.cropped[n]]
                if owner.kind == "staged" and owner.case_id == case_id:
                    continue
                key = (owner.kind, owner.id)
                if key not in found[image_id]:
                    found[image_id][key] = _candidate(owner, COMBINED_THRESHOLD + 1, exact=False, image_id=image_id,
                                                      how=f"same picture, another frame (detail {match.detail:.2f})")
    return {image_id: sorted(c.values(), key=lambda c: (c["distance"], c["kind"], c["id"]))[:MAX_CANDIDATES]
            for image_id, c in found.items() if c}


def _candidate(owner: _Owner, distance: int, exact: bool, image_id: int, how: str | None = None) -> dict:
    """``how`` says how the pair matched: identical bytes, a hash distance, or an aligned crop."""
    how = how or ("identical bytes" if exact else f"hash distance {distance}")
    return {"image_id": image_id, "kind": owner.kind, "id": owner.id, "case_id": owner.case_id, "label": owner.label,
            "sha256": owner.sha256, "distance": distance, "exact": exact, "how": how}


def several_patients(texts: list[str | None], extra: dict | None) -> str | None:
    """Why the source seems to describe more than one patient, or None."""
    if isinstance(extra, dict) and isinstance(extra.get("patients"), int) and extra["patients"] > 1:
        return f"the source lists {extra['patients']} patients"
    text = "\n".join(t for t in texts if t)
    m = _SEVERAL.search(text)
    if m:
        return f"the text says {m.group(0)!r}"
    numbers = {n.upper() for n in _PATIENT_NUMBER.findall(text)}
    if len(numbers) > 1:
        return f"the text numbers patients ({', '.join(sorted(numbers))})"
    return None


def compute_warnings(session: Session, case_ids: list[int]) -> dict[int, list[dict]]:
    """Case id -> warnings (dicts: code, label, message, blocking, resolved, image_ids, candidates)."""
    out: dict[int, list[dict]] = {cid: [] for cid in case_ids}
    if not case_ids:
        return out
    index = duplicate_index(session)
    for ids in id_chunks(list(case_ids)):
        cases = session.execute(select(Case.id, Case.adult_confirmed, Case.distinct_confirmed, Case.title,
                                       Case.history, Case.findings, Case.extra, Case.license)
                                .where(Case.id.in_(ids))).all()
        values: dict[tuple[int, int | None, str], str | None] = {}
        rows = session.execute(select(FieldValue.case_id, FieldValue.image_id, FieldValue.field,
                                      func.coalesce(FieldValue.override, FieldValue.value))
                               .where(FieldValue.case_id.in_(ids),
                                      FieldValue.field.in_(("age", "license", "view", "offset", "modality"))))
        for case_id, image_id, name, value in rows:
            values[(case_id, image_id, name)] = value
        images_by_case: dict[int, list] = defaultdict(list)
        for row in session.execute(select(Image.id, Image.case_id, Image.sha256, Image.phash, Image.chash,
                                          Image.included, Image.format)
                                   .where(Image.case_id.in_(ids)).order_by(Image.case_id, Image.position, Image.id)):
            images_by_case[row.case_id].append(row)
        included = [(r.id, r.case_id, r.sha256, r.phash, r.chash)
                    for rs in images_by_case.values() for r in rs if r.included]
        dups = _near_duplicates(index, included)
        marked = distinct_pairs(session, list(dups)) if dups else set()
        for candidates in dups.values():
            for c in candidates:
                c["distinct"] = _pair(c["image_id"], c) in marked
        confirmed = adult_confirmed_cases(session, ids)
        for case in cases:
            out[case.id] = _case_warnings(case, values, images_by_case.get(case.id, []), dups, case.id in confirmed)
    return out


def _pair(image_id: int, candidate: dict) -> tuple[str, int, int]:
    """The key of curation.marks.distinct_pairs for this image and candidate."""
    if candidate["kind"] == "released":
        return ("file", image_id, candidate["id"])
    return ("image", min(image_id, candidate["id"]), max(image_id, candidate["id"]))


def _case_warnings(case, values, images, dups, adult_confirmed: bool) -> list[dict]:
    warnings: list[dict] = []

    def add(code: str, message: str, **extra) -> None:
        blocking = code in BLOCKING
        warnings.append({"code": code, "label": LABELS[code], "message": message, "blocking": blocking,
                         "resolved": extra.pop("resolved", False), **extra})

    age = values.get((case.id, None, "age"))
    age_number = None
    try:
        age_number = float(age) if age not in (None, "") else None
    except ValueError:
        age_number = None
    if age_number is not None and age_number < ADULT_AGE:
        add("age_pediatric", f"age {age} is under {ADULT_AGE}: the dataset holds adults only; reject the case")
    elif age_number is None and not adult_confirmed:
        add("age_unknown", "the source gives no age: confirm the patient is an adult, or reject the case")
    license_value = values.get((case.id, None, "license"))
    if license_value is None:
        license_value = case.license
    if not license_value:
        add("license_unknown",
            "no license is known for this source: only a known, redistributable license may leave staging")
    elif license_value not in REDISTRIBUTABLE_LICENSES:
        add("license_not_redistributable", f"license {license_value!r} does not allow redistribution")
    for image in images:
        if image.id in dups:
            add("near_duplicate",
                f"image {image.id} looks like " + ", ".join(
                    f"""{'released ' + c['label'] if c['kind'] == 'released'
                         else 'image ' + str(c['id']) + ' of ' + c['label']}"""
                    f" ({c['how']})" for c in dups[image.id]),
                image_ids=[image.id], candidates=dups[image.id], resolved=all(c["distinct"] for c in dups[image.id]))
    why = several_patients([case.title, case.history, case.findings], case.extra)
    if why:
        add("several_patients", f"{why}: split the case so that one case is one patient")
    no_view, no_offset = [], []
    for image in images:
        if not image.included:
            continue
        modality = values.get((case.id, image.id, "modality"))
        if not values.get((case.id, image.id, "view")) and modality != MODALITY_CT:
            no_view.append(image.id)
        if values.get((case.id, image.id, "offset")) in (None, ""):
            no_offset.append(image.id)
    if no_view:
        add("view_missing",
            f"no view for image(s) {', '.join(map(str, no_view))}: torchxrayvision drops rows without one",
            image_ids=no_view)
    if no_offset:
        add("offset_missing", f"no offset (days since symptoms) for image(s) {', '.join(map(str, no_offset))}",
            image_ids=no_offset)
    return warnings


def local_inputs(session: Session, case_ids: list[int]) -> dict[int, str]:
    """Case id -> SHA-256 of everything of its own its warnings are computed from: the case's text
    and license, its effective age/license/view/offset/modality values, its images (hashes,
    thumbnail size, inclusion, order), its adult confirmation and the distinct marks of its images.
    The rest (other cases' images, released files) is the near-duplicate index: see warning_store."""
    parts: dict[int, dict] = {}
    for ids in id_chunks(list(case_ids)):
        for row in session.execute(select(Case.id, Case.title, Case.history, Case.findings, Case.extra, Case.license,
                                          Case.adult_confirmed).where(Case.id.in_(ids))):
            parts[row.id] = {"case": [row.title, row.history, row.findings, row.extra, row.license,
                                      row.adult_confirmed],
                             "values": [], "images": [], "pairs": []}
        for row in session.execute(select(FieldValue.case_id, FieldValue.image_id, FieldValue.field,
                                          func.coalesce(FieldValue.override, FieldValue.value))
                                   .where(FieldValue.case_id.in_(ids),
                                          FieldValue.field.in_(("age", "license", "view", "offset", "modality")))):
            parts[row[0]]["values"].append(list(row[1:]))
        image_case: dict[int, int] = {}
        for row in session.execute(select(Image.id, Image.case_id, Image.sha256, Image.phash, Image.chash,
                                          Image.included, Image.position, func.length(Image.thumb))
                                   .where(Image.case_id.in_(ids))):
            image_case[row.id] = row.case_id
            parts[row.case_id]["images"].append(list(row[:1]) + list(row[2:]))
        for case_id in adult_confirmed_cases(session, ids):
            parts[case_id]["case"].append("adult")
        for pair in distinct_pairs(session, list(image_case)) if image_case else ():
            for image_id in pair[1:] if pair[0] == "image" else pair[1:2]:
                if image_id in image_case:
                    parts[image_case[image_id]]["pairs"].append(list(pair))
    out = {}
    for case_id, p in parts.items():
        canonical = {"case": p["case"], **{k: sorted(p[k], key=repr) for k in ("values", "images", "pairs")}}
        out[case_id] = hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()
    return out


def refresh_warnings(session: Session, case_ids: list[int]) -> dict[int, list[dict]]:
    """Recompute and store the warnings of these cases (``updated_at`` kept: nothing was edited),
    with the digest of their own inputs (``local_inputs``)."""
    computed = compute_warnings(session, case_ids)
    inputs = local_inputs(session, list(computed))
    changes = []
    for ids in id_chunks(list(computed)):
        for case_id, stored, codes, digest, updated_at in session.execute(
                select(Case.id, Case.review_warnings, Case.warning_codes, Case.warnings_inputs, Case.updated_at)
                .where(Case.id.in_(ids))):
            warnings = computed[case_id]
            new_codes = codes_column(warnings)
            if stored != warnings or codes != new_codes or digest != inputs.get(case_id):
                changes.append({"id": case_id, "review_warnings": warnings, "warning_codes": new_codes,
                                "warnings_inputs": inputs.get(case_id), "updated_at": updated_at})
    if changes:
        session.execute(update(Case), changes)
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Case) and obj.id in computed:
                session.expire(obj, ["review_warnings", "warning_codes", "warnings_inputs", "updated_at"])
    return computed


def refresh_missing_warnings(session: Session) -> int:
    """Bring the stored warnings up to date (review/warning_store.py ``sync_warnings``): compute
    those never computed and those a change of images or released files can touch."""
    from review.warning_store import sync_warnings  # noqa: PLC0415 (warning_store builds on this module)

    return sync_warnings(session)
