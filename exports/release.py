"""Write a release: ``metadata.csv``, ``images/``, ``volumes/`` from the database.

The released rows come out byte for byte as they were imported (header included), in their
order; then the rows of approved staged cases. The release is built in a temporary directory
beside the target and renamed into place at the end, so an interrupted export leaves the previous
release untouched. The same database always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain
from pathlib import Path

from sqlalchemy import Engine, func, select, update

from curation.annotation_store import AnnotatedCheck, check_annotated, live_annotation_files
from curation.annotations import ANNOTATIONS_DIR
from curation.marks import adult_confirmed_cases, distinct_pairs
from db.models import Case, DatasetImport, Image, PatientId, Release, ReleasedFile, ReleasedRow, ReleaseItem
from db.session import session_scope
from exports.annotation_release import (
    ImageRef,
    NewAnnotations,
    mark_written,
    plan_new_annotations,
    severity_bytes,
    write_into,
)
from exports.csvio import MetadataFormatError, format_record, parse_metadata, render, write_rendered
from exports.files import NameAllocator, derive_stem
from exports.gates import (
    DEFAULT_LICENSES,
    GateFailure,
    KnownImage,
    age_failures,
    design_failures,
    duplicate_failures,
    license_failures,
    subject,
    xrv_failures,
)
from exports.journal import REPLACED, CheckoutBusy, CheckoutNotWritable, Journal, checkout_lock, remove_tree
from exports.new_files import FileJob, PreparedRow, prepared_rows
from exports.report import write_artefacts
from exports.rows import PREVIEW_ID_PREFIX, NewRow, build_rows, pid_number
from exports.validate import Violation, validate
from faults import kill_point
from media.imaging import UnreadableImage, describe_image, sha256_hex
from media.store import MediaStore, file_sha256, umask_mode, write_atomically
from schema import COLUMNS, ERROR, FOLDER_IMAGES, FOLDERS, IngestError, ReviewState
from staging.identity import mark_released

Progress = Callable[[Iterable, str, int], Iterable]

#: The cells of released rows the release reads (license subset, report, torchxrayvision gate); the
#: rest stay in the raw line, which is written byte for byte.
REPORT_CELLS = frozenset({"license", "view", "finding", "age", "url"})

#: What a release directory may contain; anything else means it is not ours to replace.
RELEASE_ENTRIES = frozenset({"metadata.csv", *FOLDERS, ANNOTATIONS_DIR, "manifest.json", "CHANGELOG.md", "report"})


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


class ExportError(IngestError, RuntimeError):
    pass


@dataclass(frozen=True)
class ExportOptions:
    """What an export is asked for besides where it writes (``scrapy export``'s options)."""

    #: The name recorded for the release; None: today's date (``export_release``), or the
    #: checkout's name, date and count (``export_into_dataset``).
    name: str | None = None
    #: ``-o`` only: write only the rows (released and new) under these licenses.
    licenses: frozenset[str] | None = None
    #: ``-o`` only: ``approved`` writes a release; ``staged`` a preview of the staged cases
    #: (placeholder patient ids, the gates reported, not enforced).
    state: str = ReviewState.APPROVED
    #: The licenses the license gate lets out (the EXPORT_LICENSES setting).
    allowed: frozenset[str] = DEFAULT_LICENSES
    #: Also export the cases marked as needing information, with the finding ``todo``.
    include_needs_info: bool = False
    #: ``--dataset`` only: the directory whose ``<name>/`` gets the release's CHANGELOG.md,
    #: manifest.json and report/; None: the checkout's root.
    reports: str | Path | None = None


DEFAULT_OPTIONS = ExportOptions()


@dataclass
class ExportReport:
    path: str
    rows: int = 0
    released_rows: int = 0
    new_rows: int = 0
    files_written: int = 0
    missing_files: list[str] = field(default_factory=list)
    metadata_sha256: str = ""
    release_id: int | None = None
    failures: list = field(default_factory=list)
    preexisting: int = 0
    removed: int = 0
    nothing_new: bool = False
    #: where CHANGELOG.md, manifest.json and report/ were written
    artefacts: str = ""
    #: What was found of an earlier export that had been interrupted, and done about it.
    recovered: str | None = None


@dataclass(frozen=True, slots=True)  # 100,000 of them in memory during an export: no __dict__ each
class ReleaseRow:
    raw: str
    ending: str
    patientid: str
    filename: str
    folder: str
    media_sha256: str | None
    released_row_id: int | None = None
    image_id: int | None = None
    #: The row's cells by column name (filled where the release needs them: license, report).
    cells: dict | None = None


def _check_target(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise ExportError(f"{out} exists and is not a directory; choose another -o")
        foreign = sorted(p.name for p in out.iterdir() if p.name not in RELEASE_ENTRIES)
        if foreign:
            raise ExportError(
                f"{out} holds {', '.join(foreign[:5])}{' ...' if len(foreign) > 5 else ''}, which no export writes; "
                "refusing to replace it (choose an empty or new directory, or an earlier release)"
            )


def released_release_rows(session) -> tuple[DatasetImport | None, list[ReleaseRow]]:
    latest = session.scalars(select(DatasetImport).order_by(DatasetImport.id.desc()).limit(1)).first()
    files = {
        path: sha
        for path, sha in session.execute(
            select(ReleasedFile.path, ReleasedFile.sha256).where(ReleasedFile.removed_import_id.is_(None))
        )
    }
    rows = []
    folder_column = ReleasedRow.typed["folder"].as_string()  # JSON path: no need to load whole rows
    columns = _header_columns(latest)
    report_cells = [(i, name) for i, name in enumerate(columns) if name in REPORT_CELLS]
    # One copy of each repeated value (a license, a finding, a patient's url on each of its rows),
    # not one per row: the rows stay in memory for the whole export.
    shared: dict[str, str] = {}
    for row in session.execute(
        select(ReleasedRow.id, ReleasedRow.raw, ReleasedRow.ending, ReleasedRow.patientid, ReleasedRow.filename,
               folder_column.label("folder"), ReleasedRow.cells)
        .where(ReleasedRow.removed_import_id.is_(None))
        .order_by(ReleasedRow.position)
        .execution_options(yield_per=5_000)
    ):
        folder = shared.setdefault(row.folder or FOLDER_IMAGES, row.folder or FOLDER_IMAGES)
        cells = {name: shared.setdefault(row.cells[i], row.cells[i]) for i, name in report_cells if i < len(row.cells)}
        rows.append(ReleaseRow(row.raw, shared.setdefault(row.ending, row.ending),
                               shared.setdefault(row.patientid, row.patientid), row.filename, folder,
                               files.get(f"{folder}/{row.filename}"), released_row_id=row.id, cells=cells))
    return latest, rows


def _header_columns(latest: DatasetImport | None) -> tuple[str, ...]:
    if latest is None:
        return COLUMNS + ("",)
    return _split_header(latest.header_raw)


def _split_header(raw: str) -> tuple[str, ...]:
    import csv

    return tuple(next(csv.reader([raw])))


class ExportRefused(ExportError):
    """The gates refused the release; ``failures`` lists every reason."""

    def __init__(self, failures: list[GateFailure]):
        self.failures = failures
        lines = [f"the release is refused: {len(failures)} gate failure(s) in the rows it would add"]
        lines += [f"  {f.render()}" for f in failures]
        super().__init__("\n".join(lines))


@dataclass
class Plan:
    """Everything a release will write, decided before a byte of the target changes."""

    name: str
    state: str
    header_raw: str
    header_ending: str
    columns: tuple[str, ...]
    base: list[ReleaseRow]
    removed: list[tuple[ReleaseRow, str]] = field(default_factory=list)
    new: list[NewRow] = field(default_factory=list)
    left_out: list[tuple[NewRow, str]] = field(default_factory=list)
    already_released: int = 0
    failures: list[GateFailure] = field(default_factory=list)
    preexisting: list[Violation] = field(default_factory=list)
    allocate: dict[int, str] = field(default_factory=dict)  # case id -> new patientid
    superseded: dict[int, str] = field(default_factory=dict)  # case id -> its stored id, taken in the dataset
    licenses: tuple[str, ...] | None = None
    funnel: dict[str, int] = field(default_factory=dict)
    #: the same steps counted in cases (a case has one or more images)
    funnel_cases: dict[str, int] = field(default_factory=dict)
    #: The annotated images kept under their names and bytes (filled once the files are known).
    annotated: AnnotatedCheck | None = None
    #: The reviewers' annotations this release writes (exports/annotation_release.py).
    new_annotations: NewAnnotations | None = None

    def set_exported(self) -> None:
        self.funnel["exported"] = len(self.new)
        self.funnel_cases["exported"] = len({row.case_id for row in self.new})

    @property
    def preview(self) -> bool:
        return self.state != ReviewState.APPROVED

    def new_line(self, row: NewRow) -> str:
        return format_record(row.record(self.columns))


def _previous_filenames(session) -> dict[int, str]:
    """The filename each staged image got in an earlier release (so it never changes)."""
    return dict(session.execute(
        select(ReleaseItem.image_id, ReleaseItem.filename).where(ReleaseItem.image_id.is_not(None))
        .order_by(ReleaseItem.id)).all())


def _next_patient_number(session, base: list[ReleaseRow]) -> int:
    numbers = [pid_number(p) for p in session.scalars(select(ReleasedRow.patientid))]
    numbers += [pid_number(p) for p in session.scalars(select(PatientId.patientid))]
    numbers += [pid_number(r.patientid) for r in base]
    return max((n for n in numbers if n is not None), default=0) + 1


def _patientid_taken_by_others(base: list[ReleaseRow], candidates,
                               previous: dict[int, str]) -> Callable[[int, str], bool]:
    """``taken(case_id, patientid)``: the dataset's rows use ``patientid`` for files none of which
    is this case's. A case's stored id comes from the release that first took it (maybe an
    ``export -o`` into another directory); the checkout may hold that id for another patient since."""
    files_of_id: dict[str, set[str]] = {}
    for row in base:
        files_of_id.setdefault(row.patientid, set()).add(row.filename)
    own: dict[int, set[str]] = {}
    for row in candidates:
        if row.image_id in previous:
            own.setdefault(row.case_id, set()).add(previous[row.image_id])
    return lambda case_id, pid: pid in files_of_id and not files_of_id[pid] & own.get(case_id, set())


def _known_images(session, store: MediaStore, base: list[ReleaseRow], previous: dict[int, str],
                  root: Path | None) -> list[KnownImage]:
    """Hashes of every file the base rows reference (released files, earlier exports, or read)."""
    files = {r.path: r for r in session.execute(
        select(ReleasedFile.id, ReleasedFile.path, ReleasedFile.sha256, ReleasedFile.phash, ReleasedFile.chash,
               ReleasedFile.thumb)
        .where(ReleasedFile.removed_import_id.is_(None)))}
    by_filename: dict[str, int] = {name: image_id for image_id, name in previous.items()}
    image_facts = {}
    if by_filename:
        ids = list(by_filename.values())
        for start in range(0, len(ids), 500):
            for image in session.execute(select(Image.id, Image.phash, Image.chash, Image.thumb, Image.sha256)
                                         .where(Image.id.in_(ids[start:start + 500]))):
                image_facts[image.id] = image
    present: dict[str, set[str]] = {}
    known = []
    for row in base:
        rel = f"{row.folder}/{row.filename}"
        f = files.get(rel)
        if f is not None:
            known.append(KnownImage(rel, f.phash, f.sha256, released_file_id=f.id, chash=f.chash, thumb=f.thumb))
            continue
        image = image_facts.get(by_filename.get(row.filename, -1))
        if image is not None:
            known.append(KnownImage(rel, image.phash, image.sha256, image_id=image.id, chash=image.chash,
                                    thumb=image.thumb))
            continue
        if root is None:
            continue
        if row.folder not in present:  # one listing per folder, not a stat per row
            directory = root / row.folder
            present[row.folder] = set(os.listdir(directory)) if directory.is_dir() else set()
        if row.filename in present[row.folder] and (root / rel).is_file():
            try:
                facts = describe_image((root / rel).read_bytes())
            except UnreadableImage:
                continue
            known.append(KnownImage(rel, facts.phash, facts.sha256, chash=facts.chash, thumb=facts.thumb))
    return known


def _preexisting(path: Path) -> list[Violation]:
    return [v for v in validate(path) if v.severity == ERROR]


class PreexistingCheck:
    """``scrapy validate``'s check of the dataset's own rows, in a forked child while the release is
    prepared (2 cores: the longest single step runs beside the rest); inline where fork is missing.

    A plain child and a pipe rather than a ``ProcessPoolExecutor``: an export that fails stops the
    child at once (``abandon``) and leaves no executor thread behind, whose exit hook raced the
    closing of its own pipe and printed a traceback after the export's one-line error (CI, once).
    """

    def __init__(self, path: Path):
        self._path = path
        self._process = self._receiver = None
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(target=_send_preexisting, args=(path, sender), daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> list[Violation]:
        if self._process is None:
            return _preexisting(self._path)
        try:
            failed, value = self._receiver.recv()
        except EOFError:
            raise ExportError(f"{self._path}: the check of the dataset's rows stopped without an answer "
                              "(out of memory?); run the export again") from None
        finally:
            self.abandon()
        if failed:
            raise value
        return value

    def abandon(self) -> None:
        """Stop the child (its check is pure: nothing is lost) and close the pipe; safe to repeat."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._receiver.close()
            self._process = None
            self._path = None


def _send_preexisting(path: Path, sender) -> None:
    try:
        answer = (False, _preexisting(path))
    except Exception as exc:  # handed to the parent, which raises it
        answer = (True, exc)
    try:
        sender.send(answer)
    except Exception as exc:  # an exception that does not pickle still reaches the parent, as text
        sender.send((True, ExportError(f"the check of the dataset's rows failed: {answer[1]!r} ({exc})")))
    sender.close()


def _start_preexisting(path: Path | None) -> PreexistingCheck | None:
    return PreexistingCheck(path) if path is not None else None


def _abandon(job: PreexistingCheck | None) -> None:
    if job is not None:
        job.abandon()


def _finish_preexisting(job: PreexistingCheck | None) -> list[Violation]:
    return job.result() if job is not None else []


def _funnel(session, allowed: frozenset[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Images, and the cases they belong to, at each step from fetched to exported (the
    ROCOv2-style funnel; ``exported`` is set once the release is planned)."""
    images = session.execute(select(Image.case_id, Image.sha256, Image.duplicate_of, Image.included, Case.review_state,
                                    Case.license).join(Case, Case.id == Image.case_id)).all()
    staged = [i for i in images if i.sha256]
    dedup = [i for i in staged if i.duplicate_of is None and i.review_state != ReviewState.DUPLICATE]
    licensed = [i for i in dedup if (i.license or "") in allowed]
    approved = [i for i in licensed if i.review_state in (ReviewState.APPROVED, ReviewState.RELEASED) and i.included]
    steps = {"fetched": images, "staged": staged, "deduplicated": dedup, "license-passed": licensed,
             "approved": approved}
    return ({name: len(rows) for name, rows in steps.items()} | {"exported": 0},
            {name: len({r.case_id for r in rows}) for name, rows in steps.items()} | {"exported": 0})


def plan_release(engine: Engine, store: MediaStore, work: Path, options: ExportOptions, *, name: str,
                 base_header: tuple[str, str], base: list[ReleaseRow], root: Path | None = None,
                 preexisting_csv: Path | None = None, progress: Progress = _no_progress,
                 preexisting_job=None) -> Plan:
    """Decide the release and write the new files into ``work`` (images/, volumes/, metadata.csv
    with the new rows only), then run every gate. Nothing outside ``work`` is written.

    ``name`` is the release's name, already chosen (``options.name`` may be None)."""
    header_raw, header_ending = base_header
    columns = _split_header(header_raw)
    licenses = options.licenses
    plan = Plan(name, options.state, header_raw, header_ending, columns, base,
                licenses=tuple(sorted(licenses)) if licenses is not None else None)
    if licenses is not None:
        plan.base = _base_in_license_subset(plan, base, licenses)
    for folder in FOLDERS:
        (work / folder).mkdir(parents=True, exist_ok=True)
    job = preexisting_job if preexisting_job is not None else _start_preexisting(preexisting_csv)
    try:
        _plan_into(plan, engine, store, work, base, root, options, progress)
        plan.preexisting = _finish_preexisting(job)
        job = None
    finally:
        _abandon(job)
    return plan


def _base_in_license_subset(plan: Plan, base: list[ReleaseRow], licenses: frozenset[str]) -> list[ReleaseRow]:
    """The released rows under the chosen licenses; the others are noted in ``plan.removed``."""
    kept = []
    for row in base:
        value = (row.cells or {}).get("license", "").strip()
        if value in licenses:
            kept.append(row)
        else:
            plan.removed.append((row, f"license {value or 'unknown'!r} is not in the chosen subset"))
    return kept


def _plan_into(plan: Plan, engine: Engine, store: MediaStore, work: Path, base: list[ReleaseRow], root: Path | None,
               options: ExportOptions, progress: Progress) -> None:
    """The planning steps, in order. ``base`` is the whole dataset (before a license subset):
    names and hashes are judged against all of it."""
    with session_scope(engine) as session:
        previous = _previous_filenames(session)
        candidates = build_rows(session, options.state, include_needs_info=options.include_needs_info)
        rows = _rows_not_yet_released(plan, candidates, previous, base)
        ids = _patient_ids(session, plan, rows, candidates, previous, base)
        taken = _names_taken(base, root)
        jobs = [FileJob(row.media_sha256, row.folder, row.phash is None or row.chash is None or row.thumb is None)
                for row in rows]
        for row, prepared in zip(progress(rows, "new files", len(rows)), prepared_rows(store, jobs), strict=True):
            row.cells["patientid"] = ids[row.case_id]
            _write_new_file(row, prepared, work, taken, previous)
        if options.licenses is not None:
            rows = _new_rows_in_license_subset(plan, rows, options.licenses, work)
        plan.new = rows
        _write_new_metadata(plan, work)
        plan.failures = _gate_failures(session, plan, work, store, base, previous, root, options.allowed)
        plan.funnel, plan.funnel_cases = _funnel(session, options.allowed)


def _rows_not_yet_released(plan: Plan, candidates: list[NewRow], previous: dict[int, str],
                           base: list[ReleaseRow]) -> list[NewRow]:
    """The candidate rows a release adds: an image whose earlier filename is among the dataset's
    rows is there already (counted in ``plan.already_released``)."""
    base_names = {r.filename for r in base}
    rows: list[NewRow] = []
    for row in candidates:
        recorded = previous.get(row.image_id)
        if plan.state == ReviewState.APPROVED and recorded is not None and recorded in base_names:
            plan.already_released += 1
            continue
        rows.append(row)
    return rows


def _patient_ids(session, plan: Plan, rows: list[NewRow], candidates: list[NewRow], previous: dict[int, str],
                 base: list[ReleaseRow]) -> dict[int, str]:
    """Case id -> patient id: a preview marks placeholders; a release reuses the case's stored id
    or allocates the next number (recorded in ``plan.allocate``, written only after the gates)."""
    existing_ids = dict(session.execute(select(PatientId.case_id, PatientId.patientid)
                                        .where(PatientId.case_id.is_not(None))).all())
    next_number = _next_patient_number(session, base)
    taken_by_others = _patientid_taken_by_others(base, candidates, previous)
    ids: dict[int, str] = {}
    for row in rows:
        if row.case_id in ids:
            continue
        if plan.state != ReviewState.APPROVED:
            ids[row.case_id] = f"{PREVIEW_ID_PREFIX}{row.case_id}"
        elif row.case_id in existing_ids and not taken_by_others(row.case_id, existing_ids[row.case_id]):
            ids[row.case_id] = existing_ids[row.case_id]
        else:
            if row.case_id in existing_ids:
                # stored by an earlier release elsewhere (export -o), but the dataset uses that id
                # for other rows: a new id, and the old one stays reserved, never reused
                plan.superseded[row.case_id] = existing_ids[row.case_id]
            ids[row.case_id] = str(next_number)
            plan.allocate[row.case_id] = str(next_number)
            next_number += 1
    return ids


def _names_taken(base: list[ReleaseRow], root: Path | None) -> NameAllocator:
    """The filenames a new file may not take: the dataset's rows', and every file of the checkout."""
    taken = NameAllocator({r.filename for r in base})
    if root is not None:
        for folder in FOLDERS:
            if (root / folder).is_dir():
                for p in (root / folder).iterdir():
                    taken.reserve(p.name)
    return taken


def _write_new_file(row: NewRow, prepared: PreparedRow, work: Path, taken: NameAllocator,
                    previous: dict[int, str]) -> None:
    """Name the row's file (its earlier name if it still fits, else a new one) and write its
    prepared bytes (``exports.new_files``: the work on the bytes alone, done on both cores) into
    ``work``; a file that cannot be had is a problem of the row."""
    stem = derive_stem(row.source, row.source_key, row.position + 1)
    if prepared.missing:
        row.problems.append("the image's bytes are not in the media store")
        row.filename = taken.take(stem, ".missing")
        return
    if prepared.problem is not None:
        row.problems.append(prepared.problem)
        row.filename = taken.take(stem, ".invalid")
        return
    row.file = prepared.file
    recorded = previous.get(row.image_id)
    if recorded is not None and recorded not in taken and recorded.endswith(row.file.extension):
        taken.reserve(recorded)
        row.filename = recorded
    else:
        row.filename = taken.take(stem, row.file.extension)
    if prepared.facts is not None:
        row.phash, row.chash, row.thumb = prepared.facts
    # docs/design.md's file rules (exports.validate.check_file), judged on the bytes by the worker:
    # the name it was given ends with row.file.extension, as this one does (exports.new_files.prepare_row)
    row.file_problems = list(prepared.file_problems)
    (work / row.folder / row.filename).write_bytes(row.file.data)
    row.file = dataclasses.replace(row.file, data=b"")  # on disk now: memory stays bounded
    row.cells["filename"] = row.filename


def _new_rows_in_license_subset(plan: Plan, rows: list[NewRow], licenses: frozenset[str], work: Path) -> list[NewRow]:
    """The new rows under the chosen licenses; the others are noted in ``plan.left_out`` and their
    files removed from ``work``."""
    kept = []
    for row in rows:
        if row.cells.get("license", "") in licenses:
            kept.append(row)
        else:
            plan.left_out.append((row, f"license {row.cells.get('license') or 'unknown'!r} "
                                       "is not in the chosen subset"))
            if row.file is not None:
                (work / row.folder / row.filename).unlink(missing_ok=True)
    return kept


def _write_new_metadata(plan: Plan, work: Path) -> None:
    """``work/metadata.csv``: the header and the new rows only (what the design gate reads)."""
    for row in plan.new:
        row.cells["filename"] = row.filename  # rows without a file too: their reserved name
    lines = [(plan.header_raw, "\n")] + [(plan.new_line(r), "\n") for r in plan.new]
    (work / "metadata.csv").write_bytes(render(lines))


def _gate_failures(session, plan: Plan, work: Path, store: MediaStore, base: list[ReleaseRow],
                   previous: dict[int, str], root: Path | None, allowed: frozenset[str]) -> list[GateFailure]:
    """Every gate on the new rows, in the order the report lists them: design (files, rows),
    license, age, near-duplicates against the whole dataset, torchxrayvision."""
    rows = plan.new
    failures: list[GateFailure] = []
    for row in rows:
        for problem in row.problems:
            failures.append(GateFailure("design", "file.source", subject(row), problem))
    # the age gate below judges ages (with the adult confirmations); validate's age rule would repeat it
    failures += [f for f in design_failures(work / "metadata.csv", rows) if not f.rule.startswith("age.")]
    for row in rows:
        for rule, message in row.file_problems:
            failures.append(GateFailure("design", rule, subject(row), message))
    failures += license_failures(rows, allowed)
    failures += age_failures(rows, adult_confirmed_cases(session, {r.case_id for r in rows}))
    known = _known_images(session, store, base, previous, root)
    failures += duplicate_failures(rows, known, distinct_pairs(session, [r.image_id for r in rows]))
    released_findings = [((r.cells or {}).get("view", ""), (r.cells or {}).get("finding", "")) for r in plan.base]
    failures += xrv_failures(rows, released_findings)
    if plan.preview:  # the preview's own placeholder ids are not a defect of what it shows
        failures = [f for f in failures if not (f.rule == "patientid.format" and PREVIEW_ID_PREFIX in f.message)]
    return failures


def _metadata_lines(plan: Plan) -> Iterator[tuple[str, str]]:
    """The release's metadata.csv, record by record (``render``/``write_rendered`` join them)."""
    yield plan.header_raw, plan.header_ending
    total = len(plan.base) + len(plan.new)
    for i, row in enumerate(plan.base):
        ending = row.ending
        if ending == "" and i < total - 1:
            ending = plan.header_ending  # a row that was last (no newline) is followed by new rows now
        yield row.raw, ending
    for row in plan.new:
        yield plan.new_line(row), plan.header_ending or "\n"


def _record(engine: Engine, plan: Plan, path: Path, metadata_sha: str, counts: dict,
            base_rows: list[ReleaseRow]) -> int:
    """Allocate the new patient ids, record the release and its items, and the conversions."""
    with session_scope(engine) as session:
        for _case_id, pid in plan.superseded.items():
            session.execute(update(PatientId).where(PatientId.patientid == pid).values(case_id=None))
        session.flush()
        for case_id, pid in plan.allocate.items():
            session.add(PatientId(patientid=pid, case_id=case_id))
        session.flush()
        release = Release(name=plan.name, path=str(path), metadata_sha256=metadata_sha, counts=counts)
        session.add(release)
        session.flush()
        items = [{"release_id": release.id, "position": i, "patientid": row.patientid, "filename": row.filename,
                  "released_row_id": row.released_row_id, "image_id": row.image_id, "sha256": row.media_sha256}
                 for i, row in enumerate(base_rows)]
        items += [{"release_id": release.id, "position": len(base_rows) + i, "patientid": row.cells["patientid"],
                   "filename": row.filename, "released_row_id": None, "image_id": row.image_id,
                   "sha256": row.file.sha256 if row.file else None}
                  for i, row in enumerate(plan.new)]
        table = ReleaseItem.__table__  # Core executemany: no ORM bookkeeping for 100,000 items
        for start in range(0, len(items), 5_000):
            session.connection().execute(table.insert(), items[start:start + 5_000])
        converted = [row for row in plan.new if row.file is not None and row.file.converted]
        for row in converted:
            image = session.get(Image, row.image_id)
            image.provenance = {**(image.provenance or {}), "release_conversion": row.file.record()}
        if plan.new_annotations is not None:
            mark_written(session, release.id, plan.new_annotations)
        for case_id, patientid in {row.case_id: row.cells["patientid"] for row in plan.new}.items():
            mark_released(session, session.get(Case, case_id), "export", f"exported in release {plan.name} ({path})",
                          {"patientid": patientid, "release": plan.name})
        return release.id


def _check_gates(plan: Plan) -> None:
    if plan.failures and not plan.preview:
        raise ExportRefused(plan.failures)


def export_release(engine: Engine, store: MediaStore, out: str | Path, options: ExportOptions = DEFAULT_OPTIONS,
                   progress: Progress = _no_progress) -> ExportReport:
    """Write a release into ``out``: the released rows byte for byte, then the new rows.

    ``options.include_needs_info`` also exports the cases a reviewer marked as needing information,
    with the finding ``todo`` (the maintainers' convention for rows to finish later).

    ``options.licenses`` keeps only the rows (released and new) under those licenses;
    ``options.state="staged"`` writes a preview of the staged cases alone, with placeholder patient
    ids and the gates reported, not enforced. ``options.reports`` is not used (a release directory
    holds its own reports).
    """
    out = Path(out).resolve()
    _check_target(out)
    _refuse_empty_database(engine, options)
    staging = _staging_beside(out)
    try:
        plan = _plan_in_staging(engine, store, staging, options, progress)
        _check_gates(plan)
        report, shas = _write_release_files(plan, store, staging, out, progress)
        if not plan.preview:
            _write_release_annotations(engine, store, plan, staging, shas)
        shas["metadata.csv"] = report.metadata_sha256
        plan.set_exported()
        counts = _counts(plan, report.files_written)
        write_artefacts(staging, plan, shas, counts, new_files=staging,
                        previous_changelog=(out / "CHANGELOG.md") if (out / "CHANGELOG.md").exists() else None)
        _swap_into_place(staging, out)
    except OSError as exc:  # a full or read-only disk: the release was built beside the target, removed again
        remove_tree(staging)
        raise ExportError(f"{exc.filename or out}: cannot write the release ({exc.strerror or exc}); "
                          "nothing was changed: free space or choose a writable directory, then run the export "
                          "again") from None
    except BaseException:
        remove_tree(staging)  # a refused release's files too
        raise
    if not plan.preview:
        report.release_id = _record(engine, plan, out, report.metadata_sha256, counts, plan.base)
    return report


def _refuse_empty_database(engine: Engine, options: ExportOptions) -> None:
    """A database with no released rows and no case to export has nothing to write: say what to do."""
    state = options.state
    with session_scope(engine) as session:
        latest = session.scalars(select(DatasetImport).order_by(DatasetImport.id.desc()).limit(1)).first()
        has_rows = session.scalar(
            select(ReleasedRow.id).where(ReleasedRow.removed_import_id.is_(None)).limit(1)) is not None
        states = (state, ReviewState.NEEDS_INFO) if options.include_needs_info else (state,)
        states += (ReviewState.RELEASED,) if state == ReviewState.APPROVED else ()
        has_cases = session.scalar(select(Case.id).where(Case.review_state.in_(states)).limit(1)) is not None
    if latest is None and not has_rows and not has_cases:
        raise ExportError("the staging database holds no released rows and no approved cases; "
                          "run `scrapy import-dataset PATH` first")


def _staging_beside(out: Path) -> Path:
    """The directory the release is built in, beside ``out`` (renamed into place at the end)."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
        os.chmod(staging, umask_mode(directory=True))  # it becomes the release: the umask's mode, not 0700
    except OSError as exc:
        raise ExportError(f"{out.parent}: cannot write there ({exc.strerror or exc}); "
                          "choose a writable directory") from None
    return staging


def _plan_in_staging(engine: Engine, store: MediaStore, staging: Path, options: ExportOptions,
                     progress: Progress) -> Plan:
    """Plan the release with its new files in ``staging/.new``, the released rows checked meanwhile."""
    work = staging / ".new"
    base_csv = staging / ".base.csv"
    # a preview shows what a crawl found, alone
    header, rows, job = _load_base(engine, base_csv, preview=options.state != ReviewState.APPROVED)
    try:
        plan = plan_release(engine, store, work, options, name=options.name or default_name(engine, options.state),
                            base_header=header, base=rows, preexisting_job=job, progress=progress)
    except BaseException:
        _abandon(job)
        raise
    base_csv.unlink()
    return plan


def _write_release_files(plan: Plan, store: MediaStore, staging: Path, out: Path,
                         progress: Progress) -> tuple[ExportReport, dict[str, str]]:
    """metadata.csv, then the released rows' files from the media store and the new files from
    ``staging/.new``; the report so far and the SHA-256 of every file written."""
    # written now, a chunk at a time (the release's biggest file, never whole in memory)
    metadata_sha = write_rendered(staging / "metadata.csv", _metadata_lines(plan))
    report = ExportReport(str(out), artefacts=str(out), rows=len(plan.base) + len(plan.new),
                          released_rows=len(plan.base), new_rows=len(plan.new), metadata_sha256=metadata_sha)
    report.failures, report.preexisting, report.removed = plan.failures, len(plan.preexisting), len(plan.removed)
    work = staging / ".new"
    shas: dict[str, str] = {}
    for folder in FOLDERS:
        (staging / folder).mkdir()
    for row in progress(plan.base, "files", len(plan.base)):
        if row.media_sha256 is None or not store.has(row.media_sha256):
            report.missing_files.append(f"{row.folder}/{row.filename}")
            continue
        store.copy_to(row.media_sha256, staging / row.folder / row.filename)
        shas[f"{row.folder}/{row.filename}"] = row.media_sha256
        report.files_written += 1
    for row in plan.new:
        if row.file is not None:
            os.rename(work / row.folder / row.filename, staging / row.folder / row.filename)
            shas[f"{row.folder}/{row.filename}"] = row.file.sha256
            report.files_written += 1
    shutil.rmtree(work)
    return report, shas


def _write_release_annotations(engine: Engine, store: MediaStore, plan: Plan, staging: Path,
                               shas: dict[str, str]) -> None:
    """The imported annotations/ files and the reviewers' new annotations, into the release."""
    plan.annotated = _copy_annotations(engine, store, staging, shas)
    plan.new_annotations = _plan_annotations(engine, store, plan, lambda rel: _read_if_file(staging / rel))
    for path in write_into(staging, plan.new_annotations):
        shas[path.relative_to(staging).as_posix()] = sha256_hex(path.read_bytes())


def _load_base(engine: Engine, base_csv: Path, preview: bool) -> tuple[tuple[str, str], list[ReleaseRow], object]:
    """The header and released rows of the release (none for a preview), with their check by
    ``scrapy validate``'s rules already running.

    ``base_csv`` is written straight from the database and its check forked (``_start_preexisting``)
    *before* the rows are loaded: the child starts as a copy of the parent, so a parent without
    100,000 rows in memory keeps the export's peak down. Rows and file come from one transaction.
    """
    with session_scope(engine) as session:
        latest = session.scalars(select(DatasetImport).order_by(DatasetImport.id.desc()).limit(1)).first()
        header = (latest.header_raw, latest.header_ending) if latest else (format_record(list(COLUMNS) + [""]), "\n")
        raws = () if preview else session.execute(
            select(ReleasedRow.raw).where(ReleasedRow.removed_import_id.is_(None)).order_by(ReleasedRow.position)
            .execution_options(yield_per=5_000))
        write_rendered(base_csv, chain([header], ((raw, "\n") for (raw,) in raws)))
        job = _start_preexisting(base_csv)
        try:
            rows = [] if preview else released_release_rows(session)[1]
        except BaseException:
            _abandon(job)
            raise
    return header, rows, job


def _read_if_file(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _plan_annotations(engine: Engine, store: MediaStore, plan: Plan, existing,
                      skip_written_to: str | None = None) -> NewAnnotations:
    """The reviewers' annotations of the images this release holds (new rows and released files)."""
    with session_scope(engine) as session:
        new_ids = [r.image_id for r in plan.new if r.file is not None and r.folder == FOLDER_IMAGES]
        sizes = {i.id: (i.width, i.height) for i in session.scalars(select(Image).where(Image.id.in_(new_ids)))}
        images = {r.image_id: ImageRef(r.filename, *sizes[r.image_id]) for r in plan.new
                  if r.image_id in sizes and all(sizes[r.image_id])}
        base_names = {r.filename for r in plan.base if r.folder == FOLDER_IMAGES}
        released = {f.path.split("/", 1)[1]: ImageRef(f.path.split("/", 1)[1], f.width, f.height)
                    for f in session.scalars(select(ReleasedFile).where(ReleasedFile.removed_import_id.is_(None),
                                                                       ReleasedFile.path.like("images/%")))
                    if f.path.split("/", 1)[1] in base_names and f.width and f.height}
        previous = _previous_filenames(session)
        for image_id, name in previous.items():  # staged images released before: now base rows
            if name in base_names and image_id not in images:
                image = session.get(Image, image_id)
                if image is not None and image.width and image.height:
                    images[image_id] = ImageRef(name, image.width, image.height)
        return plan_new_annotations(session, store, images, released, plan.name, existing, skip_written_to)


def _copy_annotations(engine: Engine, store: MediaStore, staging: Path, shas: dict[str, str]) -> AnnotatedCheck:
    """The imported annotations/ files, byte for byte from the media store, and the check that
    every annotated image is in the release under its name with its imported bytes."""
    with session_scope(engine) as session:
        copied = 0
        for f in live_annotation_files(session):
            if not store.has(f.sha256):
                continue
            target = staging / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            store.copy_to(f.sha256, target)
            shas[f.path] = f.sha256
            copied += 1
        return check_annotated(session, shas, copied)


def default_name(engine: Engine, state: str = ReviewState.APPROVED) -> str:
    """Today's date (``2026-12-04``; ``-2``, ``-3`` for a later release the same day); a preview
    is named ``preview-<date>``."""
    stem = f"{'preview-' if state != ReviewState.APPROVED else ''}{datetime.now(UTC):%Y-%m-%d}"
    with session_scope(engine) as session:
        taken = set(session.scalars(select(Release.name).where(Release.name.like(f"{stem}%"))))
    if stem not in taken:
        return stem
    return next(f"{stem}-{n}" for n in range(2, len(taken) + 3) if f"{stem}-{n}" not in taken)


def _counts(plan: Plan, files: int) -> dict:
    return {"rows": len(plan.base) + len(plan.new), "released_rows": len(plan.base), "new_rows": len(plan.new),
            "removed_rows": len(plan.removed), "changed_rows": 0, "files": files,
            "converted_files": sum(1 for r in plan.new if r.file is not None and r.file.converted),
            "already_released": plan.already_released, "left_out": len(plan.left_out),
            "gate_failures": len(plan.failures), "preexisting_defects": len(plan.preexisting),
            "state": plan.state, "licenses": list(plan.licenses) if plan.licenses is not None else None,
            "annotations": plan.annotated.record() if plan.annotated is not None else None,
            "new_annotations": plan.new_annotations.summary() if plan.new_annotations is not None else None}


def checkout_root(dataset: str | Path) -> Path:
    """The dataset checkout ``dataset`` names, resolved, or ``ExportError`` saying why it is not one: checked
    by the export command before it opens the staging database, so that a wrong path changes nothing."""
    root = Path(dataset).resolve()
    if not (root / "metadata.csv").is_file():
        raise ExportError(f"{root}: no metadata.csv here (give a checkout of the dataset repository)")
    _refuse_links_out_of(root)
    return root


def export_into_dataset(engine: Engine, store: MediaStore, dataset: str | Path,
                        options: ExportOptions = DEFAULT_OPTIONS, progress: Progress = _no_progress) -> ExportReport:
    """Append the approved cases (and, if asked, those needing information, as ``todo``) to a
    checkout of the dataset repository.

    Existing rows, files and header stay byte-identical; new files go to ``images/``/``volumes/``
    and are never written over an existing file; ``metadata.csv`` gets the new rows at its end.
    Everything is prepared beside the checkout first; the checkout changes only at the end (files
    placed, then metadata.csv replaced atomically, then the artefacts), under the checkout's lock and
    journal (exports/journal.py): an error there, or a kill, is undone (by the next export after a
    kill) and the next export runs as if nothing had happened.
    """
    if options.licenses is not None or options.state != ReviewState.APPROVED:
        raise ValueError("a license subset or a preview is a separate release (export_release), not an append")
    root = checkout_root(dataset)
    try:
        with checkout_lock(root):
            recovered = _recover_interrupted(engine, root)
            report = _export_into_locked_dataset(engine, store, root, options, progress)
    except (CheckoutBusy, CheckoutNotWritable) as exc:
        raise ExportError(str(exc)) from None
    report.recovered = recovered
    return report


def _refuse_links_out_of(root: Path) -> None:
    """What the export reads or writes in the checkout stays in it: a symbolic link among them
    (``images/``, ``metadata.csv``...) may only point inside the checkout."""
    for name in ("metadata.csv", *FOLDERS, *REPLACED, "report"):
        entry = root / name
        if entry.is_symlink():
            target = entry.resolve()
            if root not in target.parents:
                raise ExportError(f"{root}: {name} is a symbolic link to {target}, outside the checkout; an export "
                                  "writes only inside the checkout: replace the link by the folder or file itself")


def _recover_interrupted(engine: Engine, root: Path) -> str | None:
    """Undo an export into ``root`` that was killed (its journal is still there); say what was done."""
    try:
        journal = Journal.load(root)
    except RuntimeError as exc:
        raise ExportError(str(exc)) from None
    if journal is None:
        return None
    with session_scope(engine) as session:
        recorded = session.scalar(select(Release.id).where(Release.path == str(root), Release.name == journal.name,
                                                           Release.metadata_sha256 == journal.metadata_after_sha256))
    if journal.phase == "recording" and recorded is not None:
        journal.clear()
        return f"the export {journal.name!r} (process {journal.pid}) had finished; its journal was cleared"
    problems = journal.undo()
    if problems:
        raise ExportError(f"an interrupted export into {root} ({journal.name!r}, process {journal.pid}) could not be "
                          f"undone: {'; '.join(problems)}; fix that and run the export again")
    journal.clear()
    return (f"an interrupted export {journal.name!r} (process {journal.pid}, stopped at step {journal.phase!r}) "
            "was undone before this one")


def _read_checkout(engine: Engine, root: Path, job) -> tuple[bytes, list[ReleaseRow], tuple[str, str], int]:
    """The checkout's metadata.csv: its bytes, its rows (linked to the imported released rows by
    filename), its header, and how many releases were recorded into it."""
    csv_path = root / "metadata.csv"
    original = csv_path.read_bytes()
    try:
        meta = parse_metadata(original, csv_path)
    except MetadataFormatError as exc:
        _abandon(job)
        raise ExportError(f"the checkout's metadata.csv cannot be read: {exc}") from None
    columns = meta.columns
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        _abandon(job)
        raise ExportError(f"the checkout's header lacks {', '.join(missing)}")
    folder_i, file_i, pid_i = columns.index("folder"), columns.index("filename"), columns.index("patientid")
    with session_scope(engine) as session:
        # released rows of an imported checkout map to their ids; filenames are the key
        ids = dict(session.execute(select(ReleasedRow.filename, ReleasedRow.id)
                                   .where(ReleasedRow.removed_import_id.is_(None))).all())
        count = session.scalar(select(func.count()).select_from(Release).where(Release.path == str(root))) or 0
    base = [ReleaseRow(r.raw, r.ending, r.cells[pid_i], r.cells[file_i],
                       r.cells[folder_i] if r.cells[folder_i] in FOLDERS else FOLDER_IMAGES, None,
                       ids.get(r.cells[file_i]), None, {n: c for n, c in zip(columns, r.cells) if n in REPORT_CELLS})
            for r in meta.records]  # only REPORT_CELLS of every row are kept
    return original, base, (meta.header.raw, meta.header.ending), count


def _appended(original: bytes, plan: Plan, header_ending: str) -> bytes:
    """metadata.csv with the new rows at its end (a last line without its newline gets one)."""
    tail = b""
    if original and not original.endswith((b"\n", b"\r")):
        tail = (header_ending or "\n").encode()
    return original + tail + "".join(plan.new_line(r) + (header_ending or "\n") for r in plan.new).encode("utf-8")


def _export_into_locked_dataset(engine: Engine, store: MediaStore, root: Path, options: ExportOptions,
                                progress: Progress) -> ExportReport:
    """``options.reports``: the directory whose ``<name>/`` gets the release's CHANGELOG.md, manifest.json
    and report/ (the running changelog in ``reports/CHANGELOG.md``); None: the checkout's root."""
    reports = options.reports
    csv_path = root / "metadata.csv"
    # forked first, while this process is small: the child checks the dataset's own rows meanwhile
    job = _start_preexisting(csv_path)
    original, base, (header_raw, header_ending), count = _read_checkout(engine, root, job)
    name = options.name or f"{root.name}-{datetime.now(UTC):%Y-%m-%d}-{count + 1}"
    work_root = _work_root_beside(root, job)
    journal = Journal(str(root), name, str(work_root), phase="planning", metadata_before_size=len(original),
                      metadata_before_sha256=sha256_hex(original))
    try:
        journal.save()  # from here a kill leaves a journal: the next export clears the work directory
        work = work_root / "new"
        plan = plan_release(engine, store, work, options, name=name, base_header=(header_raw, header_ending),
                            base=base, root=root, preexisting_csv=csv_path, progress=progress, preexisting_job=job)
        _check_gates(plan)
        report = ExportReport(str(root), rows=len(base) + len(plan.new), released_rows=len(base),
                              new_rows=len(plan.new))
        report.failures, report.preexisting = plan.failures, len(plan.preexisting)
        plan.new_annotations = _plan_annotations(engine, store, plan, lambda rel: _read_if_file(root / rel),
                                                 skip_written_to=str(root))
        if not plan.new and plan.new_annotations.empty:
            report.metadata_sha256 = sha256_hex(original)
            report.nothing_new = True
            journal.clear()
            return report
        _refuse_overwrite(root, plan)
        metadata = _appended(original, plan, header_ending)
        report.metadata_sha256 = sha256_hex(metadata)
        plan.set_exported()
        artefacts = work_root / "artefacts"
        counts = _write_release_artefacts(engine, root, plan, report.metadata_sha256, work, artefacts, reports)
    except BaseException:
        journal.clear()
        raise
    kill_point("export-planned")
    journal.metadata_after_sha256 = report.metadata_sha256
    journal.files = [[f"{r.folder}/{r.filename}", r.file.sha256] for r in plan.new if r.file is not None]
    _journal_annotations(journal, root, plan.new_annotations)
    _commit_into_checkout(journal, plan, metadata, artefacts, None if reports is None else Path(reports).resolve(),
                          report, progress)
    try:
        report.release_id = _record(engine, plan, root, report.metadata_sha256, counts, base)
    except BaseException as exc:
        _undo_commit(journal, exc)
        raise
    kill_point("export-recorded")
    journal.clear()
    return report


def _work_root_beside(root: Path, job: PreexistingCheck | None) -> Path:
    """A fresh work directory beside the checkout (same filesystem: its files are renamed into the checkout);
    one that cannot be made abandons the pre-existing rows' check and names the folder to fix."""
    try:
        return Path(tempfile.mkdtemp(prefix=f".{root.name}.export-", dir=root.parent))
    except OSError as exc:
        _abandon(job)
        raise ExportError(f"{root.parent}: cannot write the export's work files beside the checkout ({exc.strerror}); "
                          "free space or make that folder writable") from None


def _refuse_overwrite(root: Path, plan: Plan) -> None:
    """A released filename and its bytes never change: a new row whose file is already in the checkout stops the
    export before anything is written."""
    for row in plan.new:
        target = root / row.folder / row.filename
        if target.exists() or target.is_symlink():
            raise ExportError(f"{target} exists: an export never overwrites a file of the dataset")


def _write_release_artefacts(engine: Engine, root: Path, plan: Plan, metadata_sha256: str, work: Path,
                             artefacts: Path, reports: str | Path | None) -> dict:
    """The release's changelog, manifest and report written into ``artefacts`` (in the work directory), from the
    checksums of every file the release leaves in the dataset; returns the release's counts."""
    artefacts.mkdir()
    shas = _dataset_file_shas(engine, root, plan)
    with session_scope(engine) as session:
        kept = (sum(1 for p in (root / ANNOTATIONS_DIR).rglob("*") if p.is_file())
                if (root / ANNOTATIONS_DIR).is_dir() else 0)
        plan.annotated = check_annotated(session, shas, kept)
    shas.update(_annotation_shas(root, plan.new_annotations))
    shas["metadata.csv"] = metadata_sha256
    counts = _counts(plan, len([r for r in plan.new if r.file is not None]))
    changelog = root / "CHANGELOG.md" if reports is None else Path(reports).resolve() / "CHANGELOG.md"
    write_artefacts(artefacts, plan, shas, counts, new_files=work,
                    previous_changelog=changelog if changelog.exists() else None)
    return counts


def _commit_into_checkout(journal: Journal, plan: Plan, metadata: bytes, artefacts: Path, reports: Path | None,
                          report: ExportReport, progress: Progress) -> None:
    """The steps that change the checkout (and the reports directory), each journaled first; any
    error undoes them all. ``reports`` None: the artefacts go into the checkout's root."""
    root, work = Path(journal.root), Path(journal.work) / "new"
    try:
        journal.save("placing")
        for folder in FOLDERS:
            if any(r.folder == folder for r in plan.new):
                (root / folder).mkdir(exist_ok=True)
        for row in progress(plan.new, "commit", len(plan.new)):
            if row.file is None:
                continue
            _place(work / row.folder / row.filename, root / row.folder / row.filename)  # never overwrites
            report.files_written += 1
        kill_point("export-files-placed")
        journal.save("metadata")
        write_atomically(root / "metadata.csv", metadata)
        kill_point("export-metadata-written")
        _commit_annotations(root, Path(journal.work) / "annotations-new", plan.new_annotations)
        if reports is None:  # asked for: into the checkout's root
            _install_artefacts(artefacts, journal)
            report.artefacts = str(root)
        else:
            report.artefacts = _install_reports(artefacts, reports, journal)
        kill_point("export-artefacts-written")
        journal.save("recording")
    except BaseException as exc:
        _undo_commit(journal, exc)
        raise


def _undo_commit(journal: Journal, exc: BaseException) -> None:
    """An error after the checkout began to change: undo every step (the journal is cleared), then
    say so; the caller raises ``exc`` itself when it was not a disk's refusal."""
    root = journal.root
    problems = journal.undo()
    if problems:
        # the journal stays: the next export tries the undo again before anything else
        raise ExportError(f"the export into {root} failed ({exc!r}) and could not be fully undone: "
                          f"{'; '.join(problems)}; fix that and run the export again") from exc
    journal.clear()
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename and not str(exc.filename).startswith(root) else root
        what = "into the checkout" if where == root else "the release's reports"
        raise ExportError(f"{where}: the export could not write {what} ({exc.strerror or exc}); nothing was changed: "
                          "free space or make it writable, then run the export again") from None


def _annotation_shas(root: Path, new: NewAnnotations) -> dict[str, str]:
    from curation.annotations import SEVERITY_CSV

    shas = {rel: sha256_hex(blob) for rel, blob in new.masks.items()}
    if new.coco:
        shas[new.coco_path] = sha256_hex(new.coco)
    data = severity_bytes(new, _read_if_file(root / SEVERITY_CSV))
    if data is not None:
        shas[SEVERITY_CSV] = sha256_hex(data)
    return shas


def _journal_annotations(journal: Journal, root: Path, new: NewAnnotations) -> None:
    """What the annotations step will change, for the journal's undo: the new mask and box files,
    and the severity file's size and SHA-256 before and after its rows are appended."""
    from curation.annotations import SEVERITY_CSV

    journal.files += [[rel, sha256_hex(blob)] for rel, blob in new.masks.items()]
    if new.coco:
        journal.files.append([new.coco_path, sha256_hex(new.coco)])
    current = _read_if_file(root / SEVERITY_CSV)
    data = severity_bytes(new, current)
    if data is not None:
        journal.appended[SEVERITY_CSV] = [len(current) if current is not None else -1,
                                          sha256_hex(current or b""), sha256_hex(data)]


def _commit_annotations(root: Path, work: Path, new: NewAnnotations) -> None:
    """Severity rows appended (the file replaced atomically by its old bytes plus the rows), new
    mask and box files placed without ever replacing one (the journal undoes both)."""
    from curation.annotations import SEVERITY_CSV

    path = root / SEVERITY_CSV
    data = severity_bytes(new, _read_if_file(path))
    if data is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
    for rel, blob in list(new.masks.items()) + ([(new.coco_path, new.coco)] if new.coco else []):
        source = work / rel
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(blob)
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        _place(source, target)


def _dataset_file_shas(session_engine: Engine, root: Path, plan: Plan) -> dict[str, str]:
    """SHA-256 of every file of the checkout: the imported hash where the file is unchanged since
    that import (same size, not modified after it), else read and hashed."""
    with session_scope(session_engine) as session:
        imported_at = {i: t for i, t in session.execute(select(DatasetImport.id, DatasetImport.imported_at))}
        recorded = {r.path: r for r in session.execute(
            select(ReleasedFile.path, ReleasedFile.sha256, ReleasedFile.size, ReleasedFile.last_import_id)
            .where(ReleasedFile.removed_import_id.is_(None)))}
    shas = {}
    for folder in FOLDERS:
        directory = root / folder
        if not directory.is_dir():
            continue
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.is_file():
                    continue
                rel = f"{folder}/{entry.name}"
                known = recorded.get(rel)
                if known is not None:
                    st = entry.stat()
                    when = imported_at.get(known.last_import_id)
                    if when is not None and when.tzinfo is None:
                        when = when.replace(tzinfo=UTC)
                    if when is not None and st.st_size == known.size and st.st_mtime < when.timestamp():
                        shas[rel] = known.sha256
                        continue
                shas[rel] = file_sha256(Path(entry.path))
    for row in plan.new:
        if row.file is not None:
            shas[f"{row.folder}/{row.filename}"] = row.file.sha256
    return dict(sorted(shas.items()))


def _place(source: Path, target: Path) -> None:
    """Put ``source`` at ``target``; fails (FileExistsError) rather than replace anything."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError:  # another file system: copy into a file opened exclusively
        with open(source, "rb") as src, open(target, "xb") as dst:
            shutil.copyfileobj(src, dst)


def _install_artefacts(artefacts: Path, journal: Journal) -> None:
    """CHANGELOG.md and manifest.json replaced atomically (copies of the old ones kept first);
    report/ swapped by renames (the old one kept in the work directory until the end)."""
    root = Path(journal.root)
    journal.backups.mkdir(exist_ok=True)
    for name in REPLACED:
        target = root / name
        journal.replaced_existed[name] = target.exists()
        if target.exists():
            shutil.copyfile(target, journal.backups / name)
        journal.replaced_after[name] = file_sha256(artefacts / name)
    journal.report_existed = (root / "report").exists()
    journal.save("artefacts")
    for name in REPLACED:
        write_atomically(root / name, (artefacts / name).read_bytes())
    if journal.report_existed:
        os.rename(root / "report", Path(journal.work) / "report-before")
    os.rename(artefacts / "report", root / "report")


def _install_reports(artefacts: Path, reports: Path, journal: Journal) -> str:
    """The release's CHANGELOG.md, manifest.json and report/ into ``reports/<name>/`` (outside the
    checkout: derived files, replaced by the next export of that name), and the running changelog
    ``reports/CHANGELOG.md``; journaled like the checkout's steps (a copy of the running changelog,
    the previous ``<name>/`` kept beside it until the end). Returns the directory."""
    reports.mkdir(parents=True, exist_ok=True)
    journal.backups.mkdir(exist_ok=True)
    journal.reports = str(reports)
    home, new, before = journal.reports_paths()
    changelog = reports / "CHANGELOG.md"
    journal.reports_home_existed = home.exists()
    journal.reports_changelog_existed = changelog.exists()
    if changelog.exists():
        shutil.copyfile(changelog, journal.backups / "reports-CHANGELOG.md")
    journal.reports_changelog_after = file_sha256(artefacts / "CHANGELOG.md")
    journal.save("reports")
    for leftover in (new, before):
        shutil.rmtree(leftover, ignore_errors=True)
    new.mkdir()
    for entry in ("CHANGELOG.md", "manifest.json"):
        shutil.copyfile(artefacts / entry, new / entry)
    shutil.copytree(artefacts / "report", new / "report")
    if home.exists():
        os.rename(home, before)
    os.rename(new, home)
    write_atomically(changelog, (artefacts / "CHANGELOG.md").read_bytes())
    return str(home)


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with renames only; the old release is removed last."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        os.rename(out, old / "release")
    try:
        os.rename(staging, out)
    except BaseException:
        if old is not None:
            os.rename(old / "release", out)
        raise
    if old is not None:
        remove_tree(old)  # the replaced release: as many files as the new one
