"""Time ``backfill_row`` over 100,000 rows (the real sample repeated, every row fully blankable).

Usage: python bench/backfill_speed.py [path/to/metadata.csv] [rows]
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.backfill import FILLABLE, backfill_row  # noqa: E402


def main(argv: list[str]) -> None:
    path = argv[0] if argv else "/work/shared/reference/metadata-sample.csv"
    total = int(argv[1]) if len(argv) > 1 else 100_000
    with open(path, newline="", encoding="utf-8") as handle:
        sample = list(csv.DictReader(handle))
    # blank every fillable cell so each row does the most work backfill can do
    blanked = [{k: ("" if k in FILLABLE else v) for k, v in row.items()} for row in sample]
    rows = (blanked * (total // len(blanked) + 1))[:total]
    start = time.perf_counter()
    fills = 0
    for number, row in enumerate(rows, start=2):
        fills += len(backfill_row(row, row_number=number))
    seconds = time.perf_counter() - start
    print(f"repeated sample (notes repeat, per-text caches hit): {total} rows, {fills} fills in {seconds:.2f} s: {total / seconds:,.0f} rows/s")
    # every note made unique, so no cache helps: the cost of text never seen before
    cold = [dict(row, clinical_notes=f"{row.get('clinical_notes', '')} #{i}") for i, row in enumerate(blanked * 4)]
    start = time.perf_counter()
    for number, row in enumerate(cold, start=2):
        backfill_row(row, row_number=number)
    cold_seconds = time.perf_counter() - start
    rate = len(cold) / cold_seconds
    print(f"unique notes: {len(cold)} rows in {cold_seconds:.2f} s: {rate:,.0f} rows/s, i.e. {total / rate:.0f} s for {total} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
