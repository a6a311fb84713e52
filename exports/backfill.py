"""Fill the blank cells of a dataset-shaped CSV from each row's own text, keeping every other byte.

The filling itself is ``ingest.backfill.backfill_row`` (pure); this module reads and writes files:
rows, order, header, quoting and line endings are kept, and only the filled cells of a row are
re-serialised. The output and the evidence file are written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from exports.csvio import iter_metadata, render, replace_cells, row_dict, write_atomically
from exports.schema import COLUMNS
from ingest.backfill import Fill, backfill_row

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
                  evidence: str | Path | None = None, progress: Progress = _no_progress) -> BackfillReport:
    unknown = sorted(set(fields or ()) - set(COLUMNS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}; fields are the metadata.csv columns: {', '.join(COLUMNS)}")
    data = Path(source).read_bytes()
    header, records = iter_metadata(data, source)
    _, counting = iter_metadata(data, source)
    total = sum(1 for _ in counting)
    index = {name: i for i, name in enumerate(header.cells) if name}
    report = BackfillReport(rows=total)
    lines = [(header.raw, header.ending)]
    for number, record in enumerate(progress(records, "rows", total), start=1):
        fills = backfill_row(row_dict(header.cells, record), fields, row_number=number)
        # backfill_row only fills blank cells; a non-blank one is never rewritten, whatever it says
        fills = [f for f in fills if f.field in index and not record.cells[index[f.field]].strip()]
        lines.append((replace_cells(record, {index[f.field]: f.value for f in fills}), record.ending))
        report.fills.extend((record.line, f) for f in fills)
    write_atomically(target, render(lines))
    if evidence is not None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EVIDENCE_COLUMNS)
        for line, fill in report.fills:
            writer.writerow((fill.row, line, fill.field, fill.value, fill.evidence, fill.rule))
        write_atomically(evidence, out.getvalue().encode("utf-8"))
    return report
