"""Precision and coverage of backfill on the real sample, under two protocols.

- ``table`` (the honest one, used for the targets): for each fillable field the whole COLUMN is
  masked in ALL rows at once and ``backfill_table`` fills the masked table; each fill of a row
  whose value the sample knows is compared with it. No row's value of the field is left anywhere
  in the table, so nothing can leak from a sibling row; patient-level fields read only the other
  rows' notes.
- ``row``: one cell masked at a time and ``backfill_row`` on that row alone (the row's own columns
  only): what a caller without the rest of the table gets.

Prints per field: known, filled, correct, precision (correct / filled) and coverage (filled /
known); then overall.

Usage: python bench/backfill_quality.py [path/to/metadata.csv] [--errors FIELD] [--protocol table|row|both]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exports.schema import parse_dataset_date  # noqa: E402
from ingest.backfill import FILLABLE, backfill_row, backfill_table  # noqa: E402

DEFAULT = str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reference" / "metadata-sample.csv")
NUMERIC = {"offset", "age", "temperature", "pO2_saturation", "leukocyte_count", "neutrophil_count", "lymphocyte_count"}


def same(field: str, known: str, filled: str) -> bool:
    """Equal up to the trivial differences of writing (65 vs 65.0, date formats, DOI case)."""
    known, filled = known.strip(), filled.strip()
    if field in NUMERIC:
        try:
            a, b = float(known), float(filled)
        except ValueError:
            return known == filled
        return abs(a - b) <= max(0.05, 0.01 * abs(a))
    if field == "date":
        return (parse_dataset_date(known) or known) == (parse_dataset_date(filled) or filled)
    if field in ("doi", "location", "url"):
        return " ".join(known.lower().split()).rstrip("/") == " ".join(filled.lower().split()).rstrip("/")
    if field == "finding":
        # the dataset's "E.Coli" became "Escherichia-Coli" in the vocabulary ("." is a regex
        # wildcard), and three rows carry a trailing space ("Herpes ")
        known = known.replace("E.Coli", "Escherichia-Coli")
    return known == filled


def _row_protocol(rows: list[dict[str, str]], field: str) -> dict[int, str]:
    """Line number -> filled value, masking one cell at a time and backfilling that row alone."""
    out = {}
    for number, row in enumerate(rows, start=2):
        if not (row.get(field) or "").strip():
            continue
        masked = dict(row)
        masked[field] = ""
        fills = [f for f in backfill_row(masked, [field], number) if f.field == field]
        if fills:
            out[number] = fills[0]
    return out


def _table_protocol(rows: list[dict[str, str]], field: str) -> dict[int, str]:
    """Line number -> filled value, with the field masked in ALL rows at once."""
    masked = [dict(row, **{field: ""}) for row in rows]
    return {f.row: f for f in backfill_table(masked, [field], first_row_number=2, workers=1) if f.field == field}


def run(rows: list[dict[str, str]], protocol: str, show_errors: str | None) -> None:
    label = {
        "table": "protocol TABLE (targets): each field masked in ALL rows at once, backfill_table on the masked table",
        "row": "protocol ROW: one cell masked at a time, backfill_row on that row alone",
    }[protocol]
    print(label)
    print(f"{'field':<24}{'known':>7}{'filled':>8}{'correct':>9}{'precision':>11}{'coverage':>10}")
    totals = [0, 0, 0]
    for field in FILLABLE:
        fills = (_table_protocol if protocol == "table" else _row_protocol)(rows, field)
        known = filled = correct = 0
        for number, row in enumerate(rows, start=2):
            truth = (row.get(field) or "").strip()
            if not truth:
                continue
            known += 1
            fill = fills.get(number)
            if fill is None:
                continue
            filled += 1
            if same(field, truth, fill.value):
                correct += 1
            elif show_errors in (field, "all"):
                print(f"  line {number} {field}: known {truth!r} filled {fill.value!r} by {fill.rule} from {fill.evidence[:90]!r}")
        totals[0] += known
        totals[1] += filled
        totals[2] += correct
        precision = f"{correct / filled:.3f}" if filled else "-"
        coverage = f"{filled / known:.3f}" if known else "-"
        print(f"{field:<24}{known:>7}{filled:>8}{correct:>9}{precision:>11}{coverage:>10}")
    known, filled, correct = totals
    print(f"{'overall':<24}{known:>7}{filled:>8}{correct:>9}{correct / filled if filled else 0:>11.3f}{filled / known if known else 0:>10.3f}")


def main(argv: list[str]) -> None:
    path = DEFAULT
    show_errors = None
    protocol = "both"
    args = list(argv)
    if "--errors" in args:
        i = args.index("--errors")
        show_errors = args[i + 1]
        del args[i:i + 2]
    if "--protocol" in args:
        i = args.index("--protocol")
        protocol = args[i + 1]
        del args[i:i + 2]
    if args:
        path = args[0]
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(f"{path}: {len(rows)} rows")
    for name in (("table", "row") if protocol == "both" else (protocol,)):
        run(rows, name, show_errors)
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
