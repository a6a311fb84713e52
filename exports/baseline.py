"""Import a dataset checkout (or a bare metadata.csv) as the released baseline.

Every row is kept exactly as written (raw record and line ending) beside its typed values; every
file in ``images/`` and ``volumes/`` is copied into the media store with its facts (SHA-256,
perceptual hash, size, real format). The whole file is checked before anything is written, and
the database changes in one transaction, so a refused import leaves nothing behind. Importing the
same dataset twice changes nothing; a newer version is recorded as rows added, changed, removed.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from json.encoder import encode_basestring_ascii
from operator import itemgetter
from pathlib import Path

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.orm import undefer

from curation.annotation_store import ReadAnnotations, live_annotation_files, read_annotations, store_annotations
from db.bulk import bulk_cache, insert_tuples
from db.models import DatasetImport, ReleasedFile, ReleasedRow, ReleasedRowChange
from db.session import session_scope
from exports.csvio import MetadataFormatError, iter_metadata
from media.imaging import MediaFacts, UnreadableImage, describe_image, sha256_hex
from media.store import MediaStore
from schema import FOLDERS, IngestError, parse_cell
from staging.identity import link_released_rows, mark_cases_in_dataset

#: Rows written per statement: bounds memory on 100,000-row datasets.
BATCH = 5_000
#: Column keys of the tuples the import inserts (db/bulk.py's insert_tuples).
#: New rows go in marked linked: staging/identity.py links them in the same transaction (``inserted_by``).
_ROW_KEYS = ("row_key", "first_import_id", "position", "patientid", "filename", "raw", "ending", "cells", "typed",
             "last_import_id", "removed_import_id", "identity_linked")
#: ``cells`` and ``typed`` of those tuples come as the JSON text their column stores (``JsonCells``).
_JSON_TEXT = frozenset({"cells", "typed"})
_CHANGE_KEYS = ("import_id", "row_key", "kind", "before", "after")

Progress = Callable[[Iterable, str, int], Iterable]


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


class DatasetError(IngestError, ValueError):
    """The dataset cannot be imported; names the file and the reason."""


@dataclass
class ImportReport:
    path: str
    rows: int
    files: int
    added: int = 0
    changed: int = 0
    removed: int = 0
    files_added: int = 0
    files_removed: int = 0
    unchanged: bool = False
    import_id: int | None = None
    skipped_files: list[str] = field(default_factory=list)
    #: What annotations/ holds: files, and annotations by kind (severity, mask, box, record).
    annotations: dict[str, int] = field(default_factory=dict)
    #: Staged cases the dataset holds already (staging/identity.py): marked ``released``, never exported.
    released_cases: int = 0


@dataclass(frozen=True)
class DatasetFile:
    relpath: str  # "images/<name>" or "volumes/<name>"
    path: Path


def metadata_csv_of(path: str | Path) -> Path:
    """The metadata.csv ``path`` names (the file itself, or a checkout's), or ``DatasetError`` saying why
    not: checked by the import command before it opens the staging database, so that a wrong path
    changes nothing, not even a new empty database."""
    path = Path(path)
    if path.is_file():
        return path
    if path.exists() and not path.is_dir():
        raise DatasetError(f"{path}: not a regular file nor a directory (a device or pipe?); "
                           "give a dataset checkout or a metadata.csv")
    if not path.is_dir():
        raise DatasetError(f"{path}: no such file or directory (give a dataset checkout or a metadata.csv)")
    csv_path = path / "metadata.csv"
    if not csv_path.is_file():
        raise DatasetError(f"{path}: no metadata.csv in this directory (is it a checkout of the dataset?)")
    _inside_checkout(path.resolve(), csv_path, "metadata.csv")
    return csv_path


def locate_dataset(path: str | Path) -> tuple[Path, list[DatasetFile], list[str]]:
    """The metadata.csv of ``path`` and the files of its images/ and volumes/ (sorted by name).

    Hidden files (``.DS_Store``) are not images: they are skipped here and named in the report;
    ``scrapy validate`` reports them as unreferenced files, because the dataset's own test would.
    """
    path = Path(path)
    csv_path = metadata_csv_of(path)
    if csv_path == path:
        return path, [], []
    root = path.resolve()
    files, skipped = [], []
    for folder in FOLDERS:
        directory = path / folder
        if not directory.is_dir():
            continue
        _inside_checkout(root, directory, folder)
        for entry in sorted(directory.iterdir(), key=lambda p: p.name):
            rel = f"{folder}/{entry.name}"
            if not _is_utf8(entry.name):
                raise DatasetError(f"{path}: {folder}/{entry.name.encode('utf-8', 'surrogateescape')!r}: "
                                   "the file name is not UTF-8, so no row of metadata.csv can name it; "
                                   "rename it, then import again")
            if entry.name.startswith("."):
                skipped.append(rel)
            elif entry.is_file():
                _inside_checkout(root, entry, rel)
                files.append(DatasetFile(rel, entry))
    return csv_path, files, skipped


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes of the file system name (surrogate escapes)
        return False
    return True


def _inside_checkout(root: Path, entry: Path, rel: str) -> None:
    """A symbolic link is followed only to a place inside the checkout: the import never copies a
    file from elsewhere on the machine into the media store."""
    if not entry.is_symlink():
        return  # its folder was checked: a plain entry of it is inside the checkout
    target = entry.resolve()
    if target != root and root not in target.parents:
        raise DatasetError(f"{root}: {rel} is a symbolic link to {target}, outside the checkout; replace it by the "
                           "file itself (or a link inside the checkout), then import again")


def typed_values(columns: tuple[str, ...], cells: tuple[str, ...]) -> dict:
    return {name: parse_cell(name, cell).value for name, cell in zip(columns, cells) if name}


class _ColumnValues(dict):
    """Cell -> typed value of one column, parsed on first sight (``dict.__missing__``)."""

    __slots__ = ("name",)

    #: At most this many values per column, of cells at most ``LONGEST`` long: memory stays bounded.
    LIMIT = 20_000
    LONGEST = 200

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def __missing__(self, cell: str):
        value = parse_cell(self.name, cell).value
        if len(cell) <= self.LONGEST and len(self) < self.LIMIT:
            self[cell] = value
        return value


class TypedCells:
    """``typed_values`` for the rows of one file, each distinct short cell of a column parsed once.

    ``parse_cell`` is pure and its values immutable (str, int, float, None), and the dataset
    repeats most cells (sex, finding, view, a patient's url and dates on each of its rows), so a
    kept value is the value it would compute. Long cells (notes) are seldom repeated and not kept.
    Same dict, same key order as ``typed_values``.
    """

    def __init__(self, columns: tuple[str, ...]):
        named = [i for i, name in enumerate(columns) if name]
        self._names = [columns[i] for i in named]
        self._caches = [_ColumnValues(columns[i]) for i in named]
        self._pick = itemgetter(*named) if len(named) > 1 else (lambda cells: (cells[named[0]],))

    def __call__(self, cells: tuple[str, ...]) -> dict:
        return dict(zip(self._names, map(_ColumnValues.__getitem__, self._caches, self._pick(cells))))


class _TypedJson(dict):
    """Cell -> ``"<name>": <JSON of its typed value>`` for one column, made on first sight; kept like
    ``_ColumnValues`` (short cells, at most ``LIMIT``)."""

    __slots__ = ("name", "prefix")

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self.prefix = f"{encode_basestring_ascii(name)}: "

    def __missing__(self, cell: str) -> str:
        value = parse_cell(self.name, cell).value
        text = self.prefix + (encode_basestring_ascii(value) if type(value) is str else json.dumps(value))
        if len(cell) <= _ColumnValues.LONGEST and len(self) < _ColumnValues.LIMIT:
            self[cell] = text
        return text


class JsonCells:
    """The JSON text SQLAlchemy's JSON type stores for a row's ``cells`` and ``typed``:
    ``json.dumps(list(cells))`` and ``json.dumps(typed_values(columns, cells))``, built from pieces.

    ``json.dumps`` with its default separators writes a list as ``[`` items joined by ``", "``
    ``]`` and a dict as ``{`` ``"key": value`` pairs joined by ``", "`` ``}``, each item as
    ``json.dumps`` writes it alone, and a string as ``encode_basestring_ascii`` does (what
    ``json.dumps`` calls for one): joining the pieces gives the same text, byte for byte
    (``tests/backbone/test_bulk.py`` compares them). The ``"key": value`` piece of a repeated
    short cell is made once per file. Serialising 200,000 containers took 1 s of the import of
    100,000 rows.
    """

    def __init__(self, columns: tuple[str, ...]):
        named = [i for i, name in enumerate(columns) if name]
        self._typed = [_TypedJson(columns[i]) for i in named]
        self._pick = itemgetter(*named) if len(named) > 1 else (lambda cells: (cells[named[0]],))

    def __call__(self, cells: tuple[str, ...]) -> tuple[str, str]:
        return (f"[{', '.join(map(encode_basestring_ascii, cells))}]",
                f"{{{', '.join(map(_TypedJson.__getitem__, self._typed, self._pick(cells)))}}}")


def _first_pass(data: bytes, path: str, filename_index: int) -> list[str] | tuple[str, int | None, str]:
    """Every record checked; their filenames, or the refusal (path, line, reason) of the first bad one."""
    try:
        _, records = iter_metadata(data, path)
        return [record.cells[filename_index] for record in records]
    except MetadataFormatError as exc:  # as a tuple: the exception does not pickle (its __init__)
        return exc.path, exc.line, exc.reason


class FirstPass:
    """The first pass over the records (each checked, their filenames kept), in a forked process
    while this one reads annotations/ and the files: two cores for the two reads of a big import.
    A file under ``FORK_FROM`` bytes, or a platform without ``fork``, is read here, at once.
    """

    #: Files smaller than this are checked in this process (a fork costs more than their check).
    FORK_FROM = 4 << 20

    def __init__(self, data: bytes, path: str | Path, filename_index: int):
        self._args = (data, str(path), filename_index)
        self._executor: ProcessPoolExecutor | None = None
        self._future: Future | None = None
        self._result: list[str] | tuple | None = None

    def __enter__(self) -> FirstPass:
        if len(self._args[0]) >= self.FORK_FROM and "fork" in multiprocessing.get_all_start_methods():
            self._executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._executor.submit(_first_pass, *self._args)
        else:
            self._result = _first_pass(*self._args)
        return self

    def __exit__(self, *_exc) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)

    def running(self) -> bool:
        return self._future is not None and not self._future.done()

    def filenames(self) -> list[str]:
        """The rows' filenames, in file order; raises ``MetadataFormatError`` for a malformed record."""
        if self._result is None:
            self._result = self._future.result()
        if isinstance(self._result, tuple):
            raise MetadataFormatError(*self._result)
        return self._result


def _digest(pairs: Iterable[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for name, sha in pairs:
        digest.update(f"{name}\0{sha}\n".encode())
    return digest.hexdigest()


def import_dataset(path: str | Path, engine: Engine, store: MediaStore,
                   progress: Progress = _no_progress) -> ImportReport:
    with _collector_paused():
        return _import_dataset(path, engine, store, progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the import (then as it was): the import makes few cycles,
    but its million short-lived tuples and strings started 1,400 collections that walked the
    objects alive, 0.8 s of the bench's 100,000 rows (measured in-process under load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_dataset(path: str | Path, engine: Engine, store: MediaStore, progress: Progress) -> ImportReport:
    csv_path, files, skipped = locate_dataset(path)
    data = csv_path.read_bytes()
    # The file's bytes and header are checked here, every record by the first pass (a malformed
    # one raises MetadataFormatError with its line), all before anything is written. Records are
    # not kept: the second pass reads them again.
    header, _ = iter_metadata(data, csv_path)
    columns = header.cells
    patient_index, filename_index = columns.index("patientid"), columns.index("filename")
    with FirstPass(data, csv_path, filename_index) as first_pass:
        try:
            # annotations/ is read and parsed before anything is written, like the images
            annotations = ReadAnnotations() if Path(path).is_file() else read_annotations(Path(path))
            with session_scope(engine) as session:
                known = {f.path: f for f in session.scalars(select(ReleasedFile).options(undefer(ReleasedFile.thumb))
                                                             .where(ReleasedFile.removed_import_id.is_(None)))}
                latest = session.scalars(select(DatasetImport).order_by(DatasetImport.id.desc()).limit(1)).first()
                known_annotations = [(f.path, f.sha256) for f in live_annotation_files(session)]
            facts = _read_files(files, known, store, first_pass, progress)
        except Exception:
            first_pass.filenames()  # a malformed record is what the import says first, as when read first
            raise
        filenames = first_pass.filenames()
    row_count = len(filenames)

    bare = Path(path).is_file()
    if bare:
        # A bare metadata.csv says nothing about the files: keep what an earlier import recorded.
        facts = {rel: MediaFacts(f.sha256, f.format, f.width, f.height, f.mode or "", f.bits, f.phash, f.size,
                                 f.chash, f.thumb)
                 for rel, f in known.items()}
    metadata_sha = sha256_hex(data)
    # a bare metadata.csv says nothing about annotations/ either: keep what was recorded
    annotation_pairs = known_annotations if bare else annotations.digest_pairs()
    files_sha = _digest(sorted([(rel, f.sha256) for rel, f in facts.items()] + annotation_pairs))
    report = ImportReport(str(path), row_count, len(files), skipped_files=skipped)
    if latest is not None and latest.metadata_sha256 == metadata_sha and latest.files_sha256 == files_sha:
        report.unchanged = True
        report.import_id = latest.id
        with session_scope(engine) as session:
            # rows of an import before revision 0008, and cases staged since that the dataset holds
            report.released_cases = link_released_rows(session).released_cases + mark_cases_in_dataset(session)
        return report

    with session_scope(engine) as session:
        imp = DatasetImport(path=str(Path(path).resolve()), metadata_sha256=metadata_sha, files_sha256=files_sha,
                            header_raw=header.raw, header_ending=header.ending, rows=row_count, files=len(files))
        session.add(imp)
        session.flush()
        with bulk_cache(session):
            _import_rows(session, imp.id, columns, patient_index, filename_index, data, csv_path, row_count, report,
                         progress)
            _import_files(session, imp.id, facts, known, bare, store, report)
            if not bare:
                report.annotations = dict(store_annotations(session, imp.id, annotations, filenames, store))
            imp.added, imp.changed, imp.removed = report.added, report.changed, report.removed
            report.import_id = imp.id
            # released rows -> the identities of cases (by url, DOI, credit): never staged as new again
            report.released_cases = link_released_rows(session, inserted_by=imp.id).released_cases
    return report


def _read_files(files: list[DatasetFile], known: dict, store: MediaStore, first_pass: FirstPass,
                progress: Progress) -> dict[str, MediaFacts]:
    """Read and judge every file before writing anything: an unreadable image refuses the import.

    New files go into the media store once the first pass found every record sound; those read
    while it still runs wait in memory (about a second's worth of files: with a small file, none).
    """
    facts: dict[str, MediaFacts] = {}
    waiting: list[tuple[bytes, str]] = []
    for item in progress(files, "files", len(files)):
        blob = item.path.read_bytes()
        sha = sha256_hex(blob)
        previous = known.get(item.relpath)
        if previous is not None and previous.sha256 == sha and (
                previous.phash is None or (previous.chash is not None and previous.thumb is not None)):
            facts[item.relpath] = MediaFacts(sha, previous.format, previous.width, previous.height,
                                             previous.mode or "", previous.bits, previous.phash, previous.size,
                                             previous.chash, previous.thumb)
            continue
        try:
            facts[item.relpath] = describe_image(blob)
        except UnreadableImage as exc:
            raise DatasetError(f"{item.path}: unreadable image: {exc}") from None
        waiting.append((blob, sha))
        if not first_pass.running():
            first_pass.filenames()  # raises if a record is malformed
            for blob, sha in waiting:
                store.put_bytes(blob, sha)
            waiting.clear()
    first_pass.filenames()
    for blob, sha in waiting:
        store.put_bytes(blob, sha)
    return facts


def _import_rows(session, import_id, columns, patient_index, filename_index, data, csv_path, row_count, report,
                 progress) -> None:
    """Second pass: upsert the rows in batches, recording what was added, changed and removed.

    Existing rows are compared by a digest of their raw text, so memory stays bounded by the
    number of rows, not their size.
    """
    existing, removed_ids = _live_and_removed_rows(session)
    _, records = iter_metadata(data, csv_path)
    records = iter(progress(records, "rows", row_count))
    typed = TypedCells(columns)
    as_json = JsonCells(columns)
    seen: Counter[str] = Counter()
    #: Rows back or changed: their identities are linked again (staging/identity.py; new rows are
    #: linked as this import's, ``link_released_rows(inserted_by=...)``).
    relink: list[str] = []
    position = 0
    while batch := list(islice(records, BATCH)):
        # New rows and their "added" changes as plain tuples (db/bulk.py): no dict, no ORM object per row.
        inserts: list[tuple] = []
        updates, changes = [], []
        for record in batch:
            # Rows are keyed by filename; a repeated filename gets "#2", "#3"... in file order.
            name = record.cells[filename_index]
            seen[name] += 1
            key = name if seen[name] == 1 else f"{name}#{seen[name]}"
            old = existing.pop(key, None)
            if old is None and key not in removed_ids:
                inserts.append((key, import_id, position, record.cells[patient_index], name, record.raw, record.ending,
                                *as_json(record.cells), import_id, None, True))
                changes.append((import_id, key, "added", None, None))
                report.added += 1
                position += 1
                continue
            values = {"position": position, "patientid": record.cells[patient_index], "filename": name,
                      "raw": record.raw,
                      "ending": record.ending, "cells": list(record.cells), "typed": typed(record.cells),
                      "last_import_id": import_id, "removed_import_id": None}
            position += 1
            if old is None:  # a row removed by an earlier import came back
                updates.append({"id": removed_ids[key], **values})
                changes.append((import_id, key, "added", None, None))
                relink.append(key)
                report.added += 1
                continue
            old_id, old_digest = old
            if old_digest != _row_digest(record.raw, record.ending):
                before = session.scalar(select(ReleasedRow.raw).where(ReleasedRow.id == old_id))
                changes.append((import_id, key, "changed", before, record.raw))
                relink.append(key)
                report.changed += 1
            updates.append({"id": old_id, **values})
        if updates:
            session.execute(update(ReleasedRow), updates)
        insert_tuples(session, ReleasedRow, _ROW_KEYS, inserts, json_text=_JSON_TEXT)
        insert_tuples(session, ReleasedRowChange, _CHANGE_KEYS, changes)
    for start in range(0, len(relink), BATCH):
        session.execute(update(ReleasedRow).where(ReleasedRow.row_key.in_(relink[start:start + BATCH]))
                        .values(identity_linked=False))
    _mark_removed(session, import_id, list(existing.items()), report)


def _live_and_removed_rows(session) -> tuple[dict[str, tuple[int, bytes]], dict[str, int]]:
    """The released rows by key: the live ones with their id and the digest of their raw text (memory bounded by
    the number of rows, not their size), and the ids of those an earlier import removed."""
    existing: dict[str, tuple[int, bytes]] = {}
    for row in session.execute(
        select(ReleasedRow.id, ReleasedRow.row_key, ReleasedRow.raw, ReleasedRow.ending)
        .where(ReleasedRow.removed_import_id.is_(None)).execution_options(yield_per=BATCH)
    ):
        existing[row.row_key] = (row.id, _row_digest(row.raw, row.ending))
    removed_ids = dict(session.execute(
        select(ReleasedRow.row_key, ReleasedRow.id).where(ReleasedRow.removed_import_id.is_not(None))).all())
    return existing, removed_ids


def _mark_removed(session, import_id, gone: list[tuple[str, tuple[int, bytes]]], report) -> None:
    """The live rows the new metadata.csv no longer has: kept, marked removed by this import, each with a
    "removed" change holding its last text."""
    for start in range(0, len(gone), BATCH):
        chunk = gone[start:start + BATCH]
        raws = dict(session.execute(select(ReleasedRow.id, ReleasedRow.raw).where(
            ReleasedRow.id.in_([old_id for _, (old_id, _) in chunk]))).all())
        session.execute(update(ReleasedRow), [{"id": old_id, "position": None, "removed_import_id": import_id}
                                              for _, (old_id, _) in chunk])
        session.execute(insert(ReleasedRowChange), [
            {"import_id": import_id, "row_key": key, "kind": "removed", "before": raws[old_id], "after": None}
            for key, (old_id, _) in chunk])
        report.removed += len(chunk)


def _import_files(session, import_id, facts, known, bare, store, report) -> None:
    if bare:
        return
    all_files = dict(session.execute(select(ReleasedFile.path, ReleasedFile.id)).all())
    file_rows, file_updates = [], []
    for rel, fact in facts.items():
        values = {"path": rel, "sha256": fact.sha256, "phash": fact.phash, "chash": fact.chash, "thumb": fact.thumb,
                  "width": fact.width, "height": fact.height,
                  "format": fact.format, "mode": fact.mode or None, "bits": fact.bits, "size": fact.size,
                  "media_path": store.relpath(fact.sha256), "last_import_id": import_id, "removed_import_id": None}
        if rel in all_files:
            file_updates.append({"id": all_files[rel], **values})
        else:
            file_rows.append(values)
    report.files_added = len(file_rows)
    for rel, previous in known.items():
        if rel not in facts:
            file_updates.append({"id": previous.id, "removed_import_id": import_id})
            report.files_removed += 1
    if file_rows:
        session.execute(insert(ReleasedFile), file_rows)
    if file_updates:
        session.execute(update(ReleasedFile), file_updates)


def _row_digest(raw: str, ending: str) -> bytes:
    return hashlib.blake2b(f"{raw}\0{ending}".encode(), digest_size=16).digest()


__all__ = ["DatasetError", "ImportReport", "MetadataFormatError", "import_dataset", "locate_dataset"]
