"""The gates a release must pass: every reason it is refused, for the rows it adds.

The gates judge the rows a release adds; defects already in the dataset are reported (by
``exports.validate`` over the dataset) and never rewritten. The docs/design.md rules are checked by
running ``exports.validate`` itself over a directory holding only the new rows and their files,
so the rules are written once. On top of them:

- near-duplicates: a new image whose bytes are identical to, whose perceptual hashes are close to
  (``near_duplicate``, confirmed by the aligned detail of the thumbnails), or which is the same
  picture in a slightly different frame as (dedup/crops.py), a released image or another new
  image, unless a reviewer marked the pair distinct (exports/marks.py);
- license: known and in the allowed set (the ``EXPORT_LICENSES`` setting);
- age: 18 or over; unknown only with a reviewer's confirmation that the patient is an adult;
- torchxrayvision: the labels the loader would derive (every `/` segment of every finding matched
  as a regular expression over each finding) give each row exactly its own segments, for the new
  rows and for the released rows the new segments could touch.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dedup.crops import CropIndex, crop_matches, hash_matches_confirmed, thumb_array
from exports.rows import NewRow
from exports.validate import validate
from schema import (
    ADULT_AGE,
    ERROR,
    FINDING_PLACEHOLDERS,
    LOADER_VIEWS,
    REDISTRIBUTABLE_LICENSES,
    parse_cell,
)

#: Largest Hamming distance between 64-bit DCT pHashes (imagehash.phash) that counts as the same
#: image when only the whole-image pHash is known (an image hashed before the centred hash existed).
#: review/warnings.py imports this name. Calibrated by bench/duplicate_threshold.py.
DUPLICATE_THRESHOLD = 2
#: Largest sum of the pHash distance and the centred-pHash distance (media.imaging.centred_phash)
#: that counts as the same image when both hashes are known: a 128-bit distance, whose candidates
#: come from 8 bands of 16 bits (any pair within 7 shares a band). Calibration: bench/duplicate_threshold.py
#: and the module docstring of exports/gates.py.
COMBINED_THRESHOLD = 6

#: Default of the EXPORT_LICENSES setting: every Creative Commons license, Apache 2.0 and CC0.
DEFAULT_LICENSES: frozenset[str] = REDISTRIBUTABLE_LICENSES


@dataclass(frozen=True)
class GateFailure:
    gate: str  # design / duplicate / license / age / torchxrayvision
    rule: str
    subject: str  # the new row: "filename (source/key image n)"
    message: str

    def render(self) -> str:
        return f"{self.subject}: [{self.gate}: {self.rule}] {self.message}"


@dataclass(frozen=True)
class KnownImage:
    """An image already in the dataset (or in this release), for the near-duplicate gate."""

    name: str  # e.g. images/16660_2_1.jpg
    phash: str | None
    sha256: str | None
    released_file_id: int | None = None
    image_id: int | None = None
    chash: str | None = None
    thumb: bytes | None = None  # media.imaging.thumbnail: the crop-tolerant check's input


def subject(row: NewRow) -> str:
    return f"{row.filename or '?'} ({row.label})"


# --- docs/design.md rules, through exports.validate ----------------------------------------------------


def design_failures(gate_dir: Path, rows: Sequence[NewRow]) -> list[GateFailure]:
    """Run ``validate`` over ``gate_dir`` (header + new rows, one line each, and their files)."""
    failures = []
    by_name = {row.filename: row for row in rows}
    for v in validate(gate_dir):
        if v.severity != ERROR:
            continue
        row = None
        if v.line is not None and 2 <= v.line < len(rows) + 2:
            row = rows[v.line - 2]
        elif v.filename:
            row = by_name.get(v.filename) or by_name.get(v.filename.split("/", 1)[-1])
        who = subject(row) if row is not None else (v.filename or "release")
        failures.append(GateFailure("design", v.rule, who, v.message + (f" ({v.column})" if v.column else "")))
    return failures


# --- Licenses, ages ------------------------------------------------------------------------------


def license_failures(rows: Iterable[NewRow], allowed: frozenset[str]) -> list[GateFailure]:
    failures = []
    for row in rows:
        value = row.cells.get("license", "")
        if not value:
            failures.append(GateFailure("license", "license.unknown", subject(row),
                                        "no license: only images whose license is known and allows redistribution may leave staging"))
        elif value not in allowed:
            failures.append(GateFailure("license", "license.not-allowed", subject(row),
                                        f"license {value!r} is not in the allowed set (EXPORT_LICENSES)"))
    return failures


def age_failures(rows: Iterable[NewRow], adult_confirmed: set[int]) -> list[GateFailure]:
    failures = []
    for row in rows:
        parsed = parse_cell("age", row.cells.get("age", ""))
        if parsed.value is None:
            if row.cells.get("age", "").strip():
                failures.append(GateFailure("age", "age.number", subject(row), f"age {row.cells['age']!r} is not a number"))
            elif row.case_id not in adult_confirmed:
                failures.append(GateFailure("age", "age.unconfirmed", subject(row),
                                            "age unknown and no reviewer confirmed the patient is an adult"))
        elif parsed.value < ADULT_AGE:
            failures.append(GateFailure("age", "age.adult", subject(row), f"age {row.cells['age']} is under {ADULT_AGE}"))
    return failures


# --- Near-duplicates -----------------------------------------------------------------------------


def _int(h: str | int | None) -> int | None:
    if h is None or h == "":
        return None
    return h if isinstance(h, int) else int(h, 16)


def match_distances(phash_distance: int, centred_distance: int | None) -> int | None:
    """THE near-duplicate rule on distances: the distance reported, or None for distinct images."""
    if centred_distance is None:
        return phash_distance if phash_distance <= DUPLICATE_THRESHOLD else None
    total = phash_distance + centred_distance
    return total if total <= COMBINED_THRESHOLD else None


def near_duplicate(a: tuple[str | int | None, str | int | None], b: tuple[str | int | None, str | int | None]) -> int | None:
    """Whether two images are the same radiograph: ``(phash, chash)`` of each (hex or int) in,
    the distance (pHash + centred pHash, or pHash alone when a centred hash is missing) or None."""
    pa, pb = _int(a[0]), _int(b[0])
    if pa is None or pb is None:
        return None
    ca, cb = _int(a[1]), _int(b[1])
    centred = (ca ^ cb).bit_count() if ca is not None and cb is not None else None
    return match_distances((pa ^ pb).bit_count(), centred)


def describe_distance(a, b) -> str:
    pa, pb, ca, cb = _int(a[0]), _int(b[0]), _int(a[1]), _int(b[1])
    if ca is not None and cb is not None:
        return f"pHash distance {(pa ^ pb).bit_count()} + centred {(ca ^ cb).bit_count()} <= {COMBINED_THRESHOLD}"
    return f"pHash distance {(pa ^ pb).bit_count()} <= {DUPLICATE_THRESHOLD}"


class HashIndex:
    """Multi-index hashing: candidates for ``near_duplicate`` from dict lookups, never all pairs.

    Every image is filed under the 4 16-bit bands of its pHash and, when it has a centred hash,
    under the 8 16-bit bands of pHash+centred (128 bits). Two hashes within 3 bits share a band of
    the first; within 7 bits, a band of the second: every pair the rule can match is a candidate
    (``COMBINED_THRESHOLD`` and ``DUPLICATE_THRESHOLD`` stay below those bounds), then the rule decides.
    """

    def __init__(self):
        self.hashes: list[tuple[int, int | None]] = []
        self._bands: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(8)]

    @staticmethod
    def _keys(p: int, c: int | None) -> list[tuple[int, int]]:
        keys = [(k, (p >> (16 * k)) & 0xFFFF) for k in range(4)]
        if c is not None:
            keys += [(4 + k, (c >> (16 * k)) & 0xFFFF) for k in range(4)]
        return keys

    def add(self, phash, chash) -> int:
        p, c = _int(phash), _int(chash)
        self.hashes.append((p, c))
        n = len(self.hashes) - 1
        if p is not None:
            for slot, key in self._keys(p, c):
                self._bands[slot][key].append(n)
        return n

    def matches(self, phash, chash) -> list[tuple[int, int]]:
        """``(index, distance)`` of every filed image the rule matches with these hashes."""
        p, c = _int(phash), _int(chash)
        if p is None:
            return []
        seen: set[int] = set()
        for slot, key in self._keys(p, c):
            seen.update(self._bands[slot].get(key, ()))
        out = []
        for n in sorted(seen):
            d = near_duplicate((p, c), self.hashes[n])
            if d is not None:
                out.append((n, d))
        return out


assert DUPLICATE_THRESHOLD <= 3 and COMBINED_THRESHOLD <= 7, "HashIndex finds candidates within 3 / 7 bits only"


def duplicate_failures(rows: Sequence[NewRow], known: Sequence[KnownImage], marked: set[tuple[str, int, int]],
                       threshold: int | None = None) -> list[GateFailure]:
    """New images the rule matches with a known image or each other, unless marked distinct: identical
    bytes, the hash rule (``near_duplicate``, its matches confirmed by the aligned detail where both
    thumbnails can be judged: dedup.crops.hash_matches_confirmed), or the same image in another
    frame (dedup/crops.py). ``threshold`` is accepted for compatibility (ignored)."""
    failures = []
    index = HashIndex()
    for k in known:
        index.add(k.phash, k.chash)
    known_by_sha: dict[str, list[int]] = defaultdict(list)
    for j, k in enumerate(known):
        if k.sha256:
            known_by_sha[k.sha256].append(j)
    new_index = HashIndex()
    new_by_sha: dict[str, list[int]] = defaultdict(list)
    flagged: set[tuple[int, int]] = set()  # (new row, known image) pairs already reported
    flagged_new: set[tuple[int, int]] = set()  # (earlier new row, new row)

    def excused_known(row: NewRow, k: KnownImage) -> bool:
        if k.released_file_id is not None and ("file", row.image_id, k.released_file_id) in marked:
            return True
        if k.image_id is not None:
            if k.image_id == row.image_id:
                return True
            return ("image", min(row.image_id, k.image_id), max(row.image_id, k.image_id)) in marked
        return False

    def known_failure(i: int, j: int, what: str) -> None:
        flagged.add((i, j))
        if not excused_known(rows[i], known[j]):
            failures.append(GateFailure("duplicate", "duplicate.released", subject(rows[i]),
                                        f"near-duplicate of released {known[j].name} ({what}); "
                                        "remove one or have a reviewer mark the pair distinct"))

    # pairs the hashes matched, reported once their detail confirms them: (known?, i, j, what)
    by_hash: list[tuple[bool, int, int, str]] = []
    for i, row in enumerate(rows):
        mine = (row.phash, getattr(row, "chash", None))
        hits: dict[int, str] = {}
        for j, _ in index.matches(*mine):
            hits[j] = describe_distance(mine, (known[j].phash, known[j].chash))
        shas = {row.media_sha256, row.file.sha256 if row.file else None} - {None}
        for sha in shas:
            for j in known_by_sha.get(sha, ()):
                hits[j] = "identical bytes"
        for j, what in sorted(hits.items()):
            if what == "identical bytes":
                known_failure(i, j, what)
            else:
                by_hash.append((True, i, j, what))
        # within the release: against the earlier new rows
        pair_hits: dict[int, str] = {}
        for earlier, _ in new_index.matches(*mine):
            pair_hits[earlier] = describe_distance((rows[earlier].phash, getattr(rows[earlier], "chash", None)), mine)
        if row.media_sha256:
            for earlier in new_by_sha.get(row.media_sha256, ()):
                pair_hits[earlier] = "identical bytes"
            new_by_sha[row.media_sha256].append(i)
        for earlier, what in sorted(pair_hits.items()):
            if what == "identical bytes":
                flagged_new.add((earlier, i))
                _pair_failure(failures, rows[earlier], row, what, marked)
            else:
                by_hash.append((False, earlier, i, what))
        new_index.add(*mine)
        if row.duplicate_of is not None:
            failures.append(GateFailure("duplicate", "duplicate.staging", subject(row),
                                        f"staging recorded this image as a duplicate of image {row.duplicate_of}"))
    confirmed = hash_matches_confirmed([
        (thumb_array(getattr(rows[i], "thumb", None)), thumb_array(known[j].thumb if is_known else getattr(rows[j], "thumb", None)))
        for is_known, i, j, _ in by_hash])
    for (is_known, i, j, what), stands in zip(by_hash, confirmed):
        if not stands:
            continue  # different films that share their low frequencies; the crop part judges them too
        if is_known:
            known_failure(i, j, what)
        else:
            flagged_new.add((i, j))
            _pair_failure(failures, rows[i], rows[j], what, marked)

    # the same image in another frame (a crop, a border): thumbnails aligned and compared
    entries: list[tuple[str, int]] = []
    thumbs = []
    for j, k in enumerate(known):
        t = thumb_array(k.thumb)
        if t is not None:
            entries.append(("known", j))
            thumbs.append(t)
    queries, query_entries = [], []
    for i, row in enumerate(rows):
        t = thumb_array(getattr(row, "thumb", None))
        if t is not None:
            query_entries.append(len(entries))
            entries.append(("new", i))
            thumbs.append(t)
            queries.append(i)
    if queries:
        crop_index = CropIndex(np.stack(thumbs))
        first_new = query_entries[0]  # the new rows' entries follow the known images': a view, not a copy
        workers = min(2, os.cpu_count() or 1)  # both cores: forked workers that run numpy only (dedup.crops)
        for q, entry, match in crop_matches(crop_index, crop_index.thumbs[first_new:], np.array(query_entries), workers=workers):
            i = queries[q]
            kind, j = entries[entry]
            if kind == "known":
                if (i, j) not in flagged:
                    known_failure(i, j, match.describe())
            else:
                first, second = min(i, j), max(i, j)
                if (first, second) not in flagged_new:
                    flagged_new.add((first, second))
                    _pair_failure(failures, rows[first], rows[second], match.describe(), marked)
    return failures


def _pair_failure(failures, a: NewRow, b: NewRow, what: str, marked) -> None:
    if ("image", min(a.image_id, b.image_id), max(a.image_id, b.image_id)) in marked:
        return
    failures.append(GateFailure("duplicate", "duplicate.in-release", subject(a),
                                f"near-duplicate of {subject(b)} in this release ({what}); "
                                "remove one or have a reviewer mark the pair distinct"))


# --- torchxrayvision's labels --------------------------------------------------------------------


def loader_findings(rows: Iterable[tuple[str, str]]) -> list[str]:
    """Findings torchxrayvision keeps with views PA/AP/AP Supine: ``(view, finding)`` pairs in."""
    return [f for view, f in rows if view in LOADER_VIEWS and f and f not in FINDING_PLACEHOLDERS]


def xrv_failures(new_rows: Sequence[NewRow], released: Sequence[tuple[str, str]]) -> list[GateFailure]:
    """Rows whose loader labels (segments matched as regexes) differ from their own segments.

    New rows are checked against every label of the release; released rows only against the
    labels the new rows introduce (their other defects are the dataset's, reported elsewhere).
    """
    released_findings = loader_findings(released)
    new_findings = [(row, row.cells.get("finding", "")) for row in new_rows
                    if row.cells.get("view") in LOADER_VIEWS and row.cells.get("finding") not in FINDING_PLACEHOLDERS]
    released_segments = {s for f in set(released_findings) for s in f.split("/")}
    segments = released_segments | {s for _, f in new_findings for s in f.split("/")}
    compiled: dict[str, re.Pattern | None] = {}
    failures = []
    for seg in sorted(segments):
        try:
            compiled[seg] = re.compile(seg)
        except re.error as exc:
            compiled[seg] = None
            owners = [row for row, f in new_findings if seg in f.split("/")]
            for row in owners:
                failures.append(GateFailure("torchxrayvision", "finding.xrv-regex", subject(row),
                                            f"segment {seg!r} is not a valid regular expression ({exc}): the loader fails at construction"))
    labels_cache: dict[str, set[str]] = {}

    def labels(finding: str, among: Iterable[str]) -> set[str]:
        return {seg for seg in among if compiled.get(seg) is not None and compiled[seg].search(finding)}

    for row, finding in new_findings:
        if finding not in labels_cache:
            labels_cache[finding] = labels(finding, segments)
        own = set(finding.split("/"))
        extra = labels_cache[finding] - own
        missing = {s for s in own if compiled.get(s) is not None} - labels_cache[finding]
        if extra or missing:
            parts = []
            if extra:
                parts.append(f"also labelled {', '.join(sorted(map(repr, extra)))}")
            if missing:
                parts.append(f"not labelled {', '.join(sorted(map(repr, missing)))}")
            failures.append(GateFailure("torchxrayvision", "finding.xrv-labels", subject(row),
                                        f"finding {finding!r} would be {' and '.join(parts)} by torchxrayvision"))
    introduced = segments - released_segments
    if introduced:
        by_seg = defaultdict(list)
        for row, finding in new_findings:
            for seg in finding.split("/"):
                if seg in introduced:
                    by_seg[seg].append(row)
        for finding in sorted(set(released_findings)):
            for seg in sorted(labels(finding, introduced) - set(finding.split("/"))):
                row = by_seg[seg][0]
                failures.append(GateFailure("torchxrayvision", "finding.xrv-overlap", subject(row),
                                            f"its segment {seg!r} would also label the released finding {finding!r}"))
    return failures


__all__ = [
    "COMBINED_THRESHOLD",
    "DEFAULT_LICENSES",
    "DUPLICATE_THRESHOLD",
    "GateFailure",
    "HashIndex",
    "KnownImage",
    "age_failures",
    "design_failures",
    "duplicate_failures",
    "license_failures",
    "match_distances",
    "near_duplicate",
    "xrv_failures",
]
