"""The gates a release must pass: every reason it is refused, for the rows it adds.

The gates judge the rows a release adds; defects already in the dataset are reported (by
``exports.validate`` over the dataset) and never rewritten. The DESIGN.md rules are checked by
running ``exports.validate`` itself over a directory holding only the new rows and their files,
so the rules are written once. On top of them:

- near-duplicates: a new image whose perceptual hash is within ``DUPLICATE_THRESHOLD`` bits of a
  released image or of another new image (or whose bytes are identical), unless a reviewer marked
  the pair distinct (exports/marks.py);
- license: known and in the allowed set (the ``EXPORT_LICENSES`` setting);
- age: 18 or over; unknown only with a reviewer's confirmation that the patient is an adult;
- torchxrayvision: the labels the loader would derive (every `/` segment of every finding matched
  as a regular expression over each finding) give each row exactly its own segments, for the new
  rows and for the released rows the new segments could touch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exports.rows import NewRow
from exports.schema import (
    ADULT_AGE,
    ERROR,
    FINDING_PLACEHOLDERS,
    LOADER_VIEWS,
    REDISTRIBUTABLE_LICENSES,
    parse_cell,
)
from exports.validate import validate

#: Largest Hamming distance between 64-bit DCT pHashes (imagehash.phash) that counts as the same
#: image. Calibrated by bench/duplicate_threshold.py (300 synthetic radiographs, 2,100 edited copies,
#: 44,850 distinct pairs; pHash distances are even, so 2 and 3 are the same rule): at 2, true
#: match rate 0.738 (JPEG q60-95 1.000, resizing 0.5-2x 1.000, contrast 0.983, brightness 0.997,
#: crops <= 5 % 0.020, crop+contrast+resize+JPEG 0.163) and false match rate 0.000134 (6 pairs); at
#: 4 the false match rate is 0.0023, which at 10,000 new x 100,000 released images would be
#: hundreds of thousands of false alarms. Radiographs look alike (median distance between distinct
#: ones 20 of 64), so a whole-image pHash cannot also catch crops: see the README's figures.
DUPLICATE_THRESHOLD = 2

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


def subject(row: NewRow) -> str:
    return f"{row.filename or '?'} ({row.label})"


# --- DESIGN.md rules, through exports.validate ----------------------------------------------------


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


def _hash_array(hashes: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
    valid = np.array([h is not None for h in hashes], dtype=bool)
    values = np.array([int(h, 16) if h is not None else 0 for h in hashes], dtype=np.uint64)
    return values, valid


def duplicate_failures(rows: Sequence[NewRow], known: Sequence[KnownImage], marked: set[tuple[str, int, int]],
                       threshold: int = DUPLICATE_THRESHOLD) -> list[GateFailure]:
    """New images within ``threshold`` of a known image or of each other, unless marked distinct."""
    failures = []
    known_hashes, known_valid = _hash_array([k.phash for k in known])
    new_hashes, new_valid = _hash_array([r.phash for r in rows])
    known_by_sha: dict[str, list[int]] = defaultdict(list)
    for j, k in enumerate(known):
        if k.sha256:
            known_by_sha[k.sha256].append(j)
    new_by_sha: dict[str, list[int]] = defaultdict(list)

    def excused_known(row: NewRow, k: KnownImage) -> bool:
        if k.released_file_id is not None and ("file", row.image_id, k.released_file_id) in marked:
            return True
        if k.image_id is not None:
            if k.image_id == row.image_id:
                return True
            return ("image", min(row.image_id, k.image_id), max(row.image_id, k.image_id)) in marked
        return False

    for i, row in enumerate(rows):
        hits: dict[int, int] = {}
        if new_valid[i] and len(known):
            distance = np.bitwise_count(known_hashes ^ new_hashes[i])
            for j in np.nonzero((distance <= threshold) & known_valid)[0]:
                hits[int(j)] = int(distance[j])
        for sha in {row.media_sha256, row.file.sha256 if row.file else None} - {None}:
            for j in known_by_sha.get(sha, ()):
                hits[j] = 0
        for j, d in sorted(hits.items()):
            if not excused_known(row, known[j]):
                what = "identical bytes" if d == 0 and known[j].sha256 in (row.media_sha256, row.file and row.file.sha256) else f"pHash distance {d}"
                failures.append(GateFailure("duplicate", "duplicate.released", subject(row),
                                            f"near-duplicate of released {known[j].name} ({what} <= {threshold}); "
                                            "remove one or have a reviewer mark the pair distinct"))
        # within the release
        if new_valid[i] and i + 1 < len(rows):
            distance = np.bitwise_count(new_hashes[i + 1:] ^ new_hashes[i])
            for k in np.nonzero((distance <= threshold) & new_valid[i + 1:])[0]:
                other = rows[i + 1 + int(k)]
                _pair_failure(failures, row, other, f"pHash distance {int(distance[k])}", marked, threshold)
        if row.media_sha256:
            for earlier in new_by_sha.get(row.media_sha256, ()):
                other = rows[earlier]
                if not (new_valid[i] and new_valid[earlier]):  # else already caught by the hash
                    _pair_failure(failures, other, row, "identical bytes", marked, threshold)
            new_by_sha[row.media_sha256].append(i)
        if row.duplicate_of is not None:
            failures.append(GateFailure("duplicate", "duplicate.staging", subject(row),
                                        f"staging recorded this image as a duplicate of image {row.duplicate_of}"))
    return failures


def _pair_failure(failures, a: NewRow, b: NewRow, what: str, marked, threshold) -> None:
    if ("image", min(a.image_id, b.image_id), max(a.image_id, b.image_id)) in marked:
        return
    failures.append(GateFailure("duplicate", "duplicate.in-release", subject(a),
                                f"near-duplicate of {subject(b)} in this release ({what} <= {threshold}); "
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


__all__ = ["DEFAULT_LICENSES", "DUPLICATE_THRESHOLD", "GateFailure", "KnownImage", "age_failures",
           "design_failures", "duplicate_failures", "license_failures", "xrv_failures"]
