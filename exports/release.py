"""Write a release: ``metadata.csv``, ``images/``, ``volumes/`` from the database.

The released rows come out byte for byte as they were imported (header included), in their
order; then the rows of approved staged cases. The release is built in a temporary directory
beside the target and renamed into place at the end, so an interrupted export leaves the previous
release untouched. The same database always gives the same bytes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, insert, select

from db.media import MediaStore
from db.models import DatasetImport, ReleasedFile, ReleasedRow, Release, ReleaseItem
from db.session import session_scope
from exports.csvio import format_record, render
from exports.schema import COLUMNS, FOLDER_IMAGES, FOLDERS
from ingest.imaging import sha256_hex

Progress = Callable[[Iterable, str, int], Iterable]

#: What a release directory may contain; anything else means it is not ours to replace.
RELEASE_ENTRIES = frozenset({"metadata.csv", *FOLDERS, "manifest.json", "CHANGELOG.md", "report"})


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


class ExportError(RuntimeError):
    pass


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


@dataclass(frozen=True)
class ReleaseRow:
    raw: str
    ending: str
    patientid: str
    filename: str
    folder: str
    media_sha256: str | None
    released_row_id: int | None = None
    image_id: int | None = None


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
    for row in session.execute(
        select(ReleasedRow.id, ReleasedRow.raw, ReleasedRow.ending, ReleasedRow.patientid, ReleasedRow.filename,
               folder_column.label("folder"))
        .where(ReleasedRow.removed_import_id.is_(None))
        .order_by(ReleasedRow.position)
        .execution_options(yield_per=5_000)
    ):
        folder = row.folder or FOLDER_IMAGES
        rows.append(ReleaseRow(row.raw, row.ending, row.patientid, row.filename, folder,
                               files.get(f"{folder}/{row.filename}"), released_row_id=row.id))
    return latest, rows


def export_release(engine: Engine, store: MediaStore, out: str | Path, name: str | None = None,
                   progress: Progress = _no_progress) -> ExportReport:
    out = Path(out).resolve()
    _check_target(out)
    with session_scope(engine) as session:
        latest, rows = released_release_rows(session)
    if latest is None and not rows:
        raise ExportError("the staging database holds no released rows and no approved cases; "
                          "run `scrapy import-dataset PATH` first")
    header_raw = latest.header_raw if latest else format_record(list(COLUMNS) + [""])
    header_ending = latest.header_ending if latest else "\n"
    report = ExportReport(str(out), rows=len(rows), released_rows=len(rows))

    lines = [(header_raw, header_ending)]
    for i, row in enumerate(rows):
        ending = row.ending
        if ending == "" and i < len(rows) - 1:
            ending = header_ending  # a row that was last (no newline) is followed by new rows now
        lines.append((row.raw, ending))
    metadata = render(lines)
    report.metadata_sha256 = sha256_hex(metadata)

    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        for folder in FOLDERS:
            (staging / folder).mkdir()
        for row in progress(rows, "files", len(rows)):
            if row.media_sha256 is None or not store.has(row.media_sha256):
                report.missing_files.append(f"{row.folder}/{row.filename}")
                continue
            shutil.copyfile(store.path(row.media_sha256), staging / row.folder / row.filename)
            report.files_written += 1
        (staging / "metadata.csv").write_bytes(metadata)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

    with session_scope(engine) as session:
        release = Release(name=name or out.name, path=str(out), metadata_sha256=report.metadata_sha256,
                          counts={"rows": report.rows, "released_rows": report.released_rows,
                                  "new_rows": report.new_rows, "files": report.files_written,
                                  "missing_files": len(report.missing_files)})
        session.add(release)
        session.flush()
        session.execute(insert(ReleaseItem), [
            {"release_id": release.id, "position": i, "patientid": row.patientid, "filename": row.filename,
             "released_row_id": row.released_row_id, "image_id": row.image_id, "sha256": row.media_sha256}
            for i, row in enumerate(rows)
        ])
        report.release_id = release.id
    return report


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
        shutil.rmtree(old, ignore_errors=True)
