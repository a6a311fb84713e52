"""Precision and coverage of ``ingest.backfill.backfill_row`` on the real sample.

For each fillable field and each row where the sample knows the value, the cell is masked, the row
is backfilled, and the fill (if any) is compared with the known value. Prints per field: known,
filled, correct, precision (correct / filled) and coverage (filled / known); then overall.

Usage: python bench/backfill_quality.py [path/to/metadata.csv] [--errors FIELD]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from exports.schema import parse_dataset_date  # noqa: E402
from ingest.backfill import FILLABLE, backfill_row  # noqa: E402

DEFAULT = "/work/shared/reference/metadata-sample.csv"
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


def main(argv: list[str]) -> None:
    path = DEFAULT
    show_errors = None
    args = list(argv)
    if "--errors" in args:
        i = args.index("--errors")
        show_errors = args[i + 1]
        del args[i:i + 2]
    if args:
        path = args[0]
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(f"{path}: {len(rows)} rows")
    print(f"{'field':<24}{'known':>7}{'filled':>8}{'correct':>9}{'precision':>11}{'coverage':>10}")
    totals = [0, 0, 0]
    for field in FILLABLE:
        known = filled = correct = 0
        for number, row in enumerate(rows, start=2):
            truth = (row.get(field) or "").strip()
            if not truth:
                continue
            known += 1
            masked = dict(row)
            masked[field] = ""
            fills = [f for f in backfill_row(masked, [field], number) if f.field == field]
            if not fills:
                continue
            filled += 1
            if same(field, truth, fills[0].value):
                correct += 1
            elif show_errors in (field, "all"):
                print(f"  line {number} {field}: known {truth!r} filled {fills[0].value!r} by {fills[0].rule} from {fills[0].evidence[:90]!r}")
        totals[0] += known
        totals[1] += filled
        totals[2] += correct
        precision = f"{correct / filled:.3f}" if filled else "-"
        coverage = f"{filled / known:.3f}" if known else "-"
        print(f"{field:<24}{known:>7}{filled:>8}{correct:>9}{precision:>11}{coverage:>10}")
    known, filled, correct = totals
    print(f"{'overall':<24}{known:>7}{filled:>8}{correct:>9}{correct / filled if filled else 0:>11.3f}{filled / known if known else 0:>10.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
