"""The gates a release must pass: every reason it is refused, for the rows it adds.

The gates judge the rows a release adds; defects already in the dataset are reported (by
``exports.validate`` over the dataset) and never rewritten. The docs/design.md rules are checked by
running ``exports.validate`` itself over a directory holding only the new rows and their files,
so the rules are written once. On top of them:

- near-duplicates: a new image whose bytes are identical to, whose perceptual hashes are close to
  (``dedup.hashes.near_duplicate``, confirmed by the aligned detail of the thumbnails), or which is
  the same picture in a slightly different frame as (dedup/crops.py), a released image or another
  new image, unless a reviewer marked the pair distinct (curation/marks.py);
- license: known and in the allowed set (the ``EXPORT_LICENSES`` setting);
- age: 18 or over; unknown only with a reviewer's confirmation that the patient is an adult;
- torchxrayvision: the labels the loader would derive (every `/` segment of every finding matched
  as a regular expression over each finding) give each row exactly its own segments, for the new
  rows and for the released rows the new segments could touch.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dedup.crops import CropIndex, CropMatchesAhead, hash_matches_confirmed, thumb_array
from dedup.hashes import all_matches, describe_distance
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
                                        "no license: only images whose license is known and allows redistribution "
                                        "may leave staging"))
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
                failures.append(GateFailure("age", "age.number", subject(row),
                                            f"age {row.cells['age']!r} is not a number"))
            elif row.case_id not in adult_confirmed:
                failures.append(GateFailure("age", "age.unconfirmed", subject(row),
                                            "age unknown and no reviewer confirmed the patient is an adult"))
        elif parsed.value < ADULT_AGE:
            failures.append(GateFailure("age", "age.adult", subject(row),
                                        f"age {row.cells['age']} is under {ADULT_AGE}"))
    return failures


# --- Near-duplicates -----------------------------------------------------------------------------


def duplicate_failures(rows: Sequence[NewRow], known: Sequence[KnownImage], marked: set[tuple[str, int, int]],
                       threshold: int | None = None) -> list[GateFailure]:
    """New images the rule matches with a known image or each other, unless marked distinct: identical
    bytes, the hash rule (``near_duplicate``, its matches confirmed by the aligned detail where both
    thumbnails can be judged: dedup.crops.hash_matches_confirmed), or the same image in another
    frame (dedup/crops.py). ``threshold`` is accepted for compatibility (ignored)."""
    check = _DuplicateCheck(rows, known, marked)
    # the crop part's workers start first and run while this process applies the hash rule (on one
    # core, which they share); their matches are reported after the hash rule's, as they always were
    with check.crops_ahead() as ahead:
        pending = check.bytes_and_hashes()
        check.confirm(pending)
        check.crops(ahead)
    return check.failures


@dataclass(frozen=True)
class _HashMatch:
    """A pair the hashes matched, reported only once the aligned detail of the thumbnails confirms it."""

    known: bool  # the other side is a known image (else a new row of this release)
    first: int  # a new row
    second: int  # the known image (``known``), or a later new row
    what: str


class _DuplicateCheck:
    """The steps of ``duplicate_failures`` over one release, with the failures they find in order.

    A pair found by one step is not reported again by a later one (``flagged``, ``flagged_new``).
    """

    def __init__(self, rows: Sequence[NewRow], known: Sequence[KnownImage], marked: set[tuple[str, int, int]]):
        self.rows, self.known, self.marked = rows, known, marked
        self.failures: list[GateFailure] = []
        self.flagged: set[tuple[int, int]] = set()  # (new row, known image) pairs already reported
        self.flagged_new: set[tuple[int, int]] = set()  # (earlier new row, new row)
        self.known_by_sha: dict[str, list[int]] = defaultdict(list)
        for j, k in enumerate(known):
            if k.sha256:
                self.known_by_sha[k.sha256].append(j)
        self.new_by_sha: dict[str, list[int]] = defaultdict(list)

    # --- the steps, in order ---

    def bytes_and_hashes(self) -> list[_HashMatch]:
        """Identical bytes are reported at once; the hash rule's matches are returned to be confirmed."""
        pending: list[_HashMatch] = []
        hashes = [(row.phash, getattr(row, "chash", None)) for row in self.rows]
        # every row's hash matches at once (what dedup.hashes.HashIndex gave row by row, the same lists)
        known = all_matches(hashes, [(k.phash, k.chash) for k in self.known])
        earlier = all_matches(hashes)
        for i, row in enumerate(self.rows):
            pending += self._against_known(i, row, hashes[i], known[i])
            pending += self._against_earlier(i, row, hashes[i], earlier[i])
            if row.duplicate_of is not None:
                self.failures.append(GateFailure("duplicate", "duplicate.staging", subject(row),
                                                 "staging recorded this image as a duplicate of image "
                                                 f"{row.duplicate_of}"))
        return pending

    def confirm(self, pending: list[_HashMatch]) -> None:
        """Report the hash matches whose aligned detail stands (different films that share their low
        frequencies do not; the crop step judges those pairs too)."""
        confirmed = hash_matches_confirmed([
            (thumb_array(getattr(self.rows[m.first], "thumb", None)),
             thumb_array(self.known[m.second].thumb if m.known else getattr(self.rows[m.second], "thumb", None)))
            for m in pending])
        for m, stands in zip(pending, confirmed):
            if not stands:
                continue
            if m.known:
                self._known_failure(m.first, m.second, m.what)
            else:
                self.flagged_new.add((m.first, m.second))
                _pair_failure(self.failures, self.rows[m.first], self.rows[m.second], m.what, self.marked)

    def crops_ahead(self) -> CropMatchesAhead | contextlib.nullcontext:
        """The crop part started (dedup.crops.CropMatchesAhead): the thumbnails of the known images
        and of the new rows indexed, the new rows the queries."""
        self.crop_entries, thumbs, self.crop_queries, query_entries = self._crop_entries()
        if not self.crop_queries:
            return contextlib.nullcontext()
        crop_index = CropIndex(np.stack(thumbs))
        first_new = query_entries[0]  # the new rows' entries follow the known images': a view, not a copy
        workers = min(2, os.cpu_count() or 1)  # both cores: forked workers that run numpy only (dedup.crops)
        return CropMatchesAhead(crop_index, crop_index.thumbs[first_new:], np.array(query_entries), workers=workers)

    def crops(self, ahead: CropMatchesAhead | None) -> None:
        """The same image in another frame (a crop, a border): thumbnails aligned and compared."""
        if ahead is None:
            return
        entries, queries = self.crop_entries, self.crop_queries
        for q, entry, match in ahead.result():
            i = queries[q]
            kind, j = entries[entry]
            if kind == "known":
                if (i, j) not in self.flagged:
                    self._known_failure(i, j, match.describe())
            else:
                first, second = min(i, j), max(i, j)
                if (first, second) not in self.flagged_new:
                    self.flagged_new.add((first, second))
                    _pair_failure(self.failures, self.rows[first], self.rows[second], match.describe(), self.marked)

    # --- their parts ---

    def _against_known(self, i: int, row: NewRow, mine, matches: list[tuple[int, int]]) -> list[_HashMatch]:
        hits: dict[int, str] = {}
        for j, _ in matches:
            hits[j] = describe_distance(mine, (self.known[j].phash, self.known[j].chash))
        for sha in {row.media_sha256, row.file.sha256 if row.file else None} - {None}:
            for j in self.known_by_sha.get(sha, ()):
                hits[j] = "identical bytes"
        pending = []
        for j, what in sorted(hits.items()):
            if what == "identical bytes":
                self._known_failure(i, j, what)
            else:
                pending.append(_HashMatch(True, i, j, what))
        return pending

    def _against_earlier(self, i: int, row: NewRow, mine, matches: list[tuple[int, int]]) -> list[_HashMatch]:
        """Within the release: against the new rows before this one (``matches``: the hash rule's)."""
        hits: dict[int, str] = {}
        for earlier, _ in matches:
            hits[earlier] = describe_distance((self.rows[earlier].phash, getattr(self.rows[earlier], "chash", None)),
                                              mine)
        if row.media_sha256:
            for earlier in self.new_by_sha.get(row.media_sha256, ()):
                hits[earlier] = "identical bytes"
            self.new_by_sha[row.media_sha256].append(i)
        pending = []
        for earlier, what in sorted(hits.items()):
            if what == "identical bytes":
                self.flagged_new.add((earlier, i))
                _pair_failure(self.failures, self.rows[earlier], row, what, self.marked)
            else:
                pending.append(_HashMatch(False, earlier, i, what))
        return pending

    def _crop_entries(self) -> tuple[list[tuple[str, int]], list[np.ndarray], list[int], list[int]]:
        """Every thumbnail that can be judged, known images first: ``(entries, thumbs, queries,
        query_entries)``, the new rows being the queries."""
        entries: list[tuple[str, int]] = []
        thumbs = []
        for j, k in enumerate(self.known):
            t = thumb_array(k.thumb)
            if t is not None:
                entries.append(("known", j))
                thumbs.append(t)
        queries, query_entries = [], []
        for i, row in enumerate(self.rows):
            t = thumb_array(getattr(row, "thumb", None))
            if t is not None:
                query_entries.append(len(entries))
                entries.append(("new", i))
                thumbs.append(t)
                queries.append(i)
        return entries, thumbs, queries, query_entries

    def _excused_known(self, row: NewRow, k: KnownImage) -> bool:
        if k.released_file_id is not None and ("file", row.image_id, k.released_file_id) in self.marked:
            return True
        if k.image_id is not None:
            if k.image_id == row.image_id:
                return True
            return ("image", min(row.image_id, k.image_id), max(row.image_id, k.image_id)) in self.marked
        return False

    def _known_failure(self, i: int, j: int, what: str) -> None:
        self.flagged.add((i, j))
        if not self._excused_known(self.rows[i], self.known[j]):
            self.failures.append(GateFailure("duplicate", "duplicate.released", subject(self.rows[i]),
                                             f"near-duplicate of released {self.known[j].name} ({what}); "
                                             "remove one or have a reviewer mark the pair distinct"))


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
                                            f"segment {seg!r} is not a valid regular expression ({exc}): "
                                            "the loader fails at construction"))
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
    "DEFAULT_LICENSES",
    "GateFailure",
    "KnownImage",
    "age_failures",
    "design_failures",
    "duplicate_failures",
    "license_failures",
    "xrv_failures",
]
