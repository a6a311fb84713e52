"""Fill the blank cells of a dataset-shaped CSV from each row's own text, keeping every other byte.

The filling itself is ``ingest.backfill`` (pure: ``backfill_table`` on a whole table, or
``fill_patients`` on a chunk of whole patients); this module reads and writes files: rows, order,
header, quoting and line endings are kept, and only the filled cells of a row are re-serialised.

The file is streamed, so memory does not grow with it: a first pass checks every record and notes
each row's patient (the chunks of whole patients are planned from that); then each pass over the
file reads the rows of a few chunks (a patient's rows may be anywhere in the file), hands each
chunk to a worker as soon as its last row is read, and puts the fills in a temporary file; the
last pass writes the rows in file order, merging the chunks' fills from that file. The output and the evidence file
are written to temporary names and renamed at the end, the evidence first.
"""

from __future__ import annotations

import csv
import heapq
import os
import pickle
import tempfile
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from exports.csvio import Record, replace_cells, stream_metadata
from ingest.backfill import fill_patients, patient_chunks, patient_key, worker_init
from media.store import umask_mode
from schema import COLUMNS

Progress = Callable[[Iterable, str, int], Iterable]
EVIDENCE_COLUMNS = ("row", "line", "field", "value", "evidence", "rule")


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


@dataclass
class BackfillReport:
    """What was filled: counts only (the fills themselves are in the evidence file), so that the
    report does not grow with the file."""

    rows: int = 0
    filled: int = 0
    by_field: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return dict(self.by_field)


def backfill_file(source: str | Path, target: str | Path, fields: list[str] | None = None,
                  evidence: str | Path | None = None, progress: Progress = _no_progress,
                  workers: int | None = None, chunk: int = 2_000) -> BackfillReport:
    """Fill ``source``'s blank cells into ``target`` (and the evidence of each fill into
    ``evidence``). ``workers`` and ``chunk`` are ``backfill_table``'s: the processes and the size of
    the chunks of whole patients each one fills; the output does not depend on them, and is the
    output of ``backfill_table`` on the whole file."""
    unknown = sorted(set(fields or ()) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; "
                         f"fields are the metadata.csv columns: {', '.join(COLUMNS)}")
    check_paths(source, target, evidence)
    plan = _plan(source, chunk)
    workers = workers or os.cpu_count() or 1
    pooled = workers > 1 and plan.rows >= 2 * chunk  # backfill_table's rule: a pool pays off on enough rows
    with _fillers(min(workers, len(plan.chunks)) if pooled else 1) as filler:
        spill = _fill_waves(source, plan, _waves(plan, WAVE_CHUNKS * max(workers, 1)), fields, filler, progress)
    with closing(spill), _Outputs(target, evidence) as out:
        report = _write(source, plan, spill, out, progress)
        out.commit()
    return report


#: Chunks per worker read in one pass over the file: a patient's rows may be anywhere in it, so a
#: pass holds the rows of its chunks (about ``WAVE_CHUNKS * workers * chunk`` rows) until each
#: chunk is complete; the fills go to a temporary file and the last pass writes the rows in order.
WAVE_CHUNKS = 8


@dataclass(frozen=True)
class _Plan:
    """What the first pass learns: the header, the number of rows, the chunks of whole patients
    (``patient_chunks``) and the chunk of each row."""

    header: Record
    rows: int
    chunks: list[list[list[int]]]
    chunk_of: array


def _plan(source: str | Path, size: int) -> _Plan:
    records = stream_metadata(source)
    header = next(records)
    names = header.cells
    pid, url = names.index("patientid"), names.index("url")
    keys = [patient_key(r.cells[pid], r.cells[url]) for r in records]  # every record read and checked
    chunks = patient_chunks(keys, size)
    chunk_of = array("l", bytes(8 * len(keys)))
    for c, part in enumerate(chunks):
        for unit in part:
            for i in unit:
                chunk_of[i] = c
    return _Plan(header, len(keys), chunks, chunk_of)


def _waves(plan: _Plan, per_wave: int) -> list[range]:
    """The chunks of each pass: ``per_wave`` consecutive chunks (at least one pass, even empty)."""
    return [range(c, min(c + per_wave, len(plan.chunks))) for c in range(0, len(plan.chunks), per_wave)] or [range(0)]


def _fill_waves(source: str | Path, plan: _Plan, waves: list[range], fields: list[str] | None, filler: _Filler,
                progress: Progress) -> _Spill:
    """One pass over the file per wave; the fills of every chunk go to one temporary file
    (``_Spill``) as soon as its worker returns them. A wave's chunks complete near the end of its
    pass (a patient's rows are spread over the file), so the workers would wait while this process
    reads the next pass: the last chunks of a wave (up to ``filler.window``) are still being filled
    while the next pass is read (``_Results``)."""
    spill = _Spill(len(plan.chunks))
    try:
        results = _Results(spill, filler.window)
        for w, wave in enumerate(waves):
            _read_wave(source, plan, wave, w, fields, filler, progress, results)
        results.finish()
    except BaseException:
        spill.close()
        raise
    return spill


def _read_wave(source: str | Path, plan: _Plan, wave: range, w: int, fields: list[str] | None, filler: _Filler,
               progress: Progress, results: _Results) -> None:
    """One pass over the file: the rows of the ``wave``'s chunks, each chunk handed to ``filler``
    once its last row is read, its result to ``results``. Rows travel as their cells (the worker
    makes the dicts): a tuple of strings pickles faster than a dict of 30 keys."""
    records = stream_metadata(source)
    header = next(records)
    columns = row_keys(header.cells)
    buffers: dict[int, dict[int, tuple[str, ...]]] = {}
    remaining = {c: sum(map(len, plan.chunks[c])) for c in wave}
    for i, record in enumerate(progress(records, f"rows, pass {w + 1}", plan.rows)):
        if not i & 1023:
            results.poll()
        c = plan.chunk_of[i]
        if c not in remaining:
            continue
        buffers.setdefault(c, {})[i] = record.cells
        remaining[c] -= 1
        if remaining[c] == 0:
            rows = buffers.pop(c)
            results.submit(c, filler.submit([[(i, rows[i]) for i in unit] for unit in plan.chunks[c]], columns,
                                            fields))


def row_keys(columns: tuple[str, ...]) -> list[str]:
    """The keys ``row_dict`` gives a row's cells (an unnamed column is keyed by its position):
    ``dict(zip(row_keys(columns), cells))`` is ``row_dict(columns, record)``."""
    return [name or f"#{i}" for i, name in enumerate(columns)]


#: A filled row as it crosses the pipe and the spill file: (row index, ((row, field, value,
#: evidence, rule), ...)). Plain tuples, not ``Fill``s: pickling a dataclass instance (its class
#: and its ``__dict__``) cost the parent more CPU than reading the file (unpickled from the pipe,
#: pickled to the spill and unpickled again at the end).
PackedRow = tuple[int, tuple[tuple[int, str, str, str, str], ...]]

#: Rows per pickled batch of a chunk's fills: the last pass holds one batch per chunk at a time.
PACK_ROWS = 128


def _fill_packed(groups: list[list[tuple[int, tuple[str, ...]]]], columns: list[str],
                 fields: list[str] | None) -> list[bytes]:
    """A worker's job: ``fill_patients`` on a chunk of whole patients (each row as its cells,
    ``columns`` their keys), the chunk's ``PackedRow``s in row order, pickled in batches of
    ``PACK_ROWS`` rows. The parent writes the bytes to the spill file as they are."""
    rows = [[(i, dict(zip(columns, cells))) for i, cells in unit] for unit in groups]
    # row numbers from 1, as the old whole-table call gave them: the evidence file's "row"
    filled = sorted(fill_patients(rows, fields, 1), key=itemgetter(0))
    packed = [(i, tuple((f.row, f.field, f.value, f.evidence, f.rule) for f in fills)) for i, fills in filled]
    return [pickle.dumps(packed[b:b + PACK_ROWS], pickle.HIGHEST_PROTOCOL) for b in range(0, len(packed), PACK_ROWS)]


class _Spill:
    """The fills of every chunk in one temporary file, as its worker pickled them (each chunk's
    rows in row order, in batches), and where each chunk's batches are: the last pass merges the
    chunks' rows into file order, reading one batch per chunk at a time."""

    def __init__(self, chunks: int) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close(), after the last pass
        self.size = 0
        self.batches: list[list[tuple[int, int]]] = [[] for _ in range(chunks)]  # (offset, length)

    def add(self, chunk: int, blobs: list[bytes]) -> None:
        for blob in blobs:
            self.file.write(blob)
            self.batches[chunk].append((self.size, len(blob)))
            self.size += len(blob)

    def _rows(self, chunk: int) -> Iterator[PackedRow]:
        for offset, length in self.batches[chunk]:
            self.file.seek(offset)
            yield from pickle.loads(self.file.read(length))

    def merged(self) -> Iterator[PackedRow]:
        """Every row's fills in row order (a row is in exactly one chunk, so rows compare by index)."""
        self.file.flush()
        return heapq.merge(*map(self._rows, range(len(self.batches))))

    def close(self) -> None:
        self.file.close()


class _Results:
    """The chunks handed to the workers, in the order submitted, at most ``window`` waiting; each
    result goes to the spill file as soon as it is taken (also while the next pass is read)."""

    def __init__(self, spill: _Spill, window: int) -> None:
        self.spill = spill
        self.window = window
        self.in_flight: deque = deque()  # (chunk, pending result)

    def submit(self, chunk: int, pending) -> None:
        self.in_flight.append((chunk, pending))
        while len(self.in_flight) > self.window:
            self._take()

    def poll(self) -> None:
        """Take the results that are ready, without waiting."""
        while self.in_flight and self.in_flight[0][1].ready():
            self._take()

    def finish(self) -> None:
        while self.in_flight:
            self._take()

    def _take(self) -> None:
        chunk, pending = self.in_flight.popleft()
        self.spill.add(chunk, pending.get())


def _write(source: str | Path, plan: _Plan, spill: _Spill, out: _Outputs, progress: Progress) -> BackfillReport:
    """The last pass: every row, its blank cells filled, and the evidence, in file order."""
    records = stream_metadata(source)
    header = next(records)
    out.row(header.raw, header.ending)
    index = {name: i for i, name in enumerate(header.cells) if name}
    report = BackfillReport()
    formatted: dict[str, str] = {}
    for (i, record), (j, row_fills) in zip(enumerate(progress(records, "rows written", plan.rows)),
                                           spill.merged(), strict=True):
        assert i == j, (i, j)  # every row is in exactly one chunk
        # only blank cells are filled; a non-blank one is never rewritten, whatever a rule says
        fills = [f for f in row_fills if f[1] in index and not record.cells[index[f[1]]].strip()]
        out.row(replace_cells(record, {index[name]: value for _, name, value, _, _ in fills}, formatted),
                record.ending)
        for row, name, value, evidence, rule in fills:
            out.evidence_row((row, record.line, name, value, evidence, rule))
            report.by_field[name] = report.by_field.get(name, 0) + 1
        report.filled += len(fills)
        report.rows += 1
    return report


class _Done:
    """A chunk filled in this process, with the interface of a pool's ``AsyncResult``."""

    def __init__(self, value: list[bytes]) -> None:
        self.value = value

    def get(self) -> list[bytes]:
        return self.value

    def ready(self) -> bool:
        return True


class _Filler:
    """Fills chunks of whole patients in this process or in a pool of ``workers``; ``window``:
    how many chunks may wait for their results before the reader stops to write."""

    def __init__(self, pool=None, workers: int = 1) -> None:
        self.pool = pool
        self.window = 2 * workers if pool is not None else 0

    def submit(self, groups: list[list[tuple[int, tuple[str, ...]]]], columns: list[str], fields: list[str] | None):
        if self.pool is None:
            return _Done(_fill_packed(groups, columns, fields))
        return self.pool.apply_async(_fill_packed, (groups, columns, fields))


@contextmanager
def _fillers(workers: int) -> Iterator[_Filler]:
    if workers <= 1:
        yield _Filler()
        return
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # forked before any row is read: the workers inherit a small process, not the table
    with multiprocessing.get_context(method).Pool(workers, initializer=worker_init) as pool:
        yield _Filler(pool, workers)


class _Outputs:
    """The output CSV and the evidence CSV written under temporary names in their folders;
    ``commit`` renames them into place (the evidence first, taken back if the output's rename
    fails); leaving the block without a commit removes them."""

    def __init__(self, target: str | Path, evidence: str | Path | None) -> None:
        self.paths = [Path(target)] + ([Path(evidence)] if evidence is not None else [])
        self.temps: list[str] = []
        self.handles: list = []
        self.evidence_writer = None

    def __enter__(self) -> _Outputs:
        try:
            for path in self.paths:
                try:
                    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
                except OSError as exc:  # the user named the file, not our temporary beside it
                    raise OSError(exc.errno, exc.strerror, str(path)) from None
                self.temps.append(tmp)
                os.fchmod(fd, umask_mode())  # the file others read, not a private temporary
                self.handles.append(open(fd, "w", encoding="utf-8", newline=""))
        except BaseException:
            self.__exit__()
            raise
        if len(self.paths) > 1:
            self.evidence_writer = csv.writer(self.handles[1], lineterminator="\n")
            self.evidence_writer.writerow(EVIDENCE_COLUMNS)
        return self

    def row(self, raw: str, ending: str) -> None:
        self.handles[0].write(raw + ending)

    def evidence_row(self, cells: tuple) -> None:
        if self.evidence_writer is not None:
            self.evidence_writer.writerow(cells)

    def commit(self) -> None:
        for handle in self.handles:
            handle.close()
        if len(self.paths) == 1:
            os.replace(self.temps[0], self.paths[0])
            return
        (target, evidence), (tmp_target, tmp_evidence) = self.paths, self.temps
        # the previous evidence kept under a second name (a link: not read into memory), to be
        # put back if the output's rename fails
        previous = None
        if evidence.is_file():
            previous = f"{tmp_evidence}.previous"
            os.link(evidence, previous)
            self.temps.append(previous)
        os.replace(tmp_evidence, evidence)
        try:
            os.replace(tmp_target, target)
        except BaseException:
            if previous is not None:
                os.replace(previous, evidence)
            else:
                evidence.unlink(missing_ok=True)
            raise

    def __exit__(self, *exc) -> None:
        for handle in self.handles:
            handle.close()
        for tmp in self.temps:
            Path(tmp).unlink(missing_ok=True)


def check_paths(source: str | Path, target: str | Path, evidence: str | Path | None) -> None:
    """Refuse, before anything is read or written: an input that is not a regular file, and an
    output that is the input, the other output, or not a regular file (a device such as
    ``/dev/full``, a directory, a pipe: writing "atomically" would replace it by a file)."""
    src = Path(source)
    if not src.exists():
        raise ValueError(f"{source}: no such file; give the metadata.csv to fill")
    if not src.is_file():
        raise ValueError(f"{source}: not a regular file (a directory?); give the metadata.csv to fill")
    outputs = [("-o", target)] + ([("--evidence", evidence)] if evidence is not None else [])
    for option, out in outputs:
        path = Path(out)
        if path.exists() and not path.is_file():
            raise ValueError(f"{option} {out}: not a regular file (a device, directory or pipe); "
                             "give the name of a file to write")
        if path.resolve() == src.resolve():
            raise ValueError(f"{option} {out}: is the input file; write to another file (the input is never changed)")
    if evidence is not None and Path(evidence).resolve() == Path(target).resolve():
        raise ValueError(f"--evidence {evidence}: is the -o file too; give two different files")


