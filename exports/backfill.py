"""Fill the blank cells of a dataset-shaped CSV from each row's own text, keeping every other byte.

The filling itself is ``ingest.backfill.backfill_table`` (pure); this module reads and writes files:
rows, order, header, quoting and line endings are kept, and only the filled cells of a row are
re-serialised. The output and the evidence file are written atomically.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from db.media import write_atomically
from exports.csvio import Record, iter_metadata, render, replace_cells, row_dict
from ingest.backfill import Fill, backfill_table
from schema import COLUMNS

Progress = Callable[[Iterable, str, int], Iterable]
EVIDENCE_COLUMNS = ("row", "line", "field", "value", "evidence", "rule")


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


@dataclass
class BackfillReport:
    rows: int = 0
    fills: list[tuple[int, Fill]] = field(default_factory=list)  # (CSV line, fill)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, fill in self.fills:
            out[fill.field] = out.get(fill.field, 0) + 1
        return out


def backfill_file(source: str | Path, target: str | Path, fields: list[str] | None = None,
                  evidence: str | Path | None = None, progress: Progress = _no_progress,
                  workers: int | None = None, chunk: int = 2_000) -> BackfillReport:
    """Fill ``source``'s blank cells into ``target`` (and the evidence of each fill into
    ``evidence``). ``workers`` and ``chunk`` are ``backfill_table``'s: the processes and the size of
    the chunks of whole patients each one fills; the output does not depend on them."""
    unknown = sorted(set(fields or ()) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields are the metadata.csv columns: {', '.join(COLUMNS)}")
    check_paths(source, target, evidence)
    with _without_cyclic_gc():
        data = Path(source).read_bytes()
        header, records = iter_metadata(data, source)
        records = list(records)  # read (and checked) once: the count is the list's length
        del data
        rows = [row_dict(header.cells, r) for r in records]
    # The whole table at once: a patient's rows share their notes as evidence for patient-level
    # fields (sex, age, survival...), while per-image fields stay strictly per row. (The collector
    # runs as usual there: its worker processes inherit its state.)
    table = backfill_table(rows, fields, first_row_number=1, workers=workers, chunk=chunk)
    del rows
    with _without_cyclic_gc():
        return _write(header, records, table, target, evidence, progress)


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
            raise ValueError(f"{option} {out}: not a regular file (a device, directory or pipe); give the name of a file to write")
        if path.resolve() == src.resolve():
            raise ValueError(f"{option} {out}: is the input file; write to another file (the input is never changed)")
    if evidence is not None and Path(evidence).resolve() == Path(target).resolve():
        raise ValueError(f"--evidence {evidence}: is the -o file too; give two different files")


@contextmanager
def _without_cyclic_gc():
    """Millions of objects (records, cells, fills, lines) are created here and all stay alive until
    the files are written, without reference cycles: the cyclic collector would only walk them
    again and again as they pile up (seconds on 100,000 rows), freeing nothing."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _write(header: Record, records: list[Record], table: list[Fill], target: str | Path, evidence: str | Path | None,
           progress: Progress) -> BackfillReport:
    total = len(records)
    index = {name: i for i, name in enumerate(header.cells) if name}
    report = BackfillReport(rows=total)
    fills_by_row: dict[int, list[Fill]] = {}
    for fill in table:
        fills_by_row.setdefault(fill.row, []).append(fill)
    records = list(progress(records, "rows", total))
    lines = [(header.raw, header.ending)]
    formatted: dict[str, str] = {}
    for number, record in enumerate(records, start=1):
        # only blank cells are filled; a non-blank one is never rewritten, whatever a rule says
        fills = [f for f in fills_by_row.get(number, []) if f.field in index and not record.cells[index[f.field]].strip()]
        lines.append((replace_cells(record, {index[f.field]: f.value for f in fills}, formatted), record.ending))
        report.fills.extend((record.line, f) for f in fills)
    if evidence is not None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EVIDENCE_COLUMNS)
        for line, fill in report.fills:
            writer.writerow((fill.row, line, fill.field, fill.value, fill.evidence, fill.rule))
        # the evidence first: if the second write fails, the first is taken back (nothing changed)
        previous = Path(evidence).read_bytes() if Path(evidence).is_file() else None
        write_atomically(evidence, out.getvalue().encode("utf-8"))
        try:
            write_atomically(target, render(lines))
        except BaseException:
            if previous is not None:
                write_atomically(evidence, previous)
            else:
                Path(evidence).unlink(missing_ok=True)
            raise
        return report
    write_atomically(target, render(lines))
    return report
