"""Precision and coverage of backfill on the real sample, under two protocols.

- ``table`` (the honest one, used for the targets): for each fillable field the whole COLUMN is
  masked in ALL rows at once and ``backfill_table`` fills the masked table; each fill of a row
  whose value the sample knows is compared with it. No row's value of the field is left anywhere
  in the table, so nothing can leak from a sibling row; patient-level fields read only the other
  rows' notes.
- ``row``: one cell masked at a time and ``backfill_row`` on that row alone (the row's own columns
  only): what a caller without the rest of the table gets.
- ``blank`` (a real blank row, the issue-12 protocol): EVERY fillable field of every row masked at
  once (all but the row's URL, its identity) and ``backfill_table`` on that table, so no field can
  lean on a neighbour's value (the view on the modality, the folder on the offset...); scored per
  field like the others.

``--captions`` scores ``normalize_modality`` on the captions of real COVID-19 paper figures
(``tests/fixtures/reference/pmc-figures.csv``: caption and the figure's modality, ``CT``, ``X-ray`` or
``CT/X-ray`` for a figure with both): a value on a figure with both modalities counts as wrong
(it would give one modality to every panel); coverage is over the single-modality figures.

Prints per field: known, filled, correct, precision (correct / filled) and coverage (filled /
known); then overall.

``--half even|odd`` keeps the rows of the patients whose patientid's number is even (or odd): the
rules are developed on one half and checked on the other (whole patients on each side, so no
patient's notes are on both). A change that helps only the development half is fitted to it.

``--misses FIELD`` (protocol BLANK) prints the rows whose FIELD the sample knows and backfill left
blank, with the evidence the row had (file name, URL, the start of its note): where to look for a
rule, biggest fields first.

``--attribution`` (protocol BLANK) counts the per-image fills (modality, view, offset, date) by
whether the row's note is shared with another row of its patient, by rule, and by whether the
fill's evidence is in the row's own text (its part of the note, its note's own legend after the
history its siblings repeat, file name, URL or folder): issue
12's "a per-image field is filled only from evidence tied to that row", checked.

Usage: python bench/backfill_quality.py [path/to/metadata.csv] [--errors FIELD] [--misses FIELD] [--attribution]
           [--protocol table|row|blank|all] [--half even|odd]
       python bench/backfill_quality.py --captions [path/to/pmc-figures.csv] [--errors modality]
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.backfill import FILLABLE, backfill_row, backfill_table
from schema import parse_dataset_date

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


def patient_half(row: dict[str, str]) -> str:
    """"even" or "odd": the parity of the number in the row's patientid ("19a" -> odd)."""
    m = re.match(r"\d+", (row.get("patientid") or "").strip())
    return "odd" if m and int(m.group(0)) % 2 else "even"


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


#: What a new row has before any fill: its file, its notes and the URL it was found at (the row's
#: identity: a row without it is not a row of the dataset).
BLANK_KEEPS = ("url",)


def _blank_protocol(rows: list[dict[str, str]]) -> dict[str, dict[int, str]]:
    """Field -> line number -> fill, with every fillable field but ``BLANK_KEEPS`` masked in every
    row at once."""
    masked = [dict(row, **{f: "" for f in FILLABLE if f in row and f not in BLANK_KEEPS}) for row in rows]
    out: dict[str, dict[int, str]] = {f: {} for f in FILLABLE}
    for fill in backfill_table(masked, None, first_row_number=2, workers=1):
        out[fill.field][fill.row] = fill
    return out


def misses(rows: list[dict[str, str]], field: str) -> None:
    """The rows whose ``field`` is known and left blank under protocol BLANK, with their evidence."""
    fills = _blank_protocol(rows)[field]
    print(f"misses of {field} (protocol BLANK): patientid | known | filename | url | note")
    for number, row in enumerate(rows, start=2):
        truth = (row.get(field) or "").strip()
        if truth and number not in fills:
            print(f"  line {number} {row.get('patientid', '')} | {truth} | {row.get('filename', '')} | "
                  f"{(row.get('url') or '')[:70]} | {(row.get('clinical_notes') or '')[:160]!r}")


def attribution(rows: list[dict[str, str]]) -> None:
    """Per-image fills under protocol BLANK, counted by (field, note shared or own, rule, evidence
    in the row's own text or elsewhere)."""
    from collections import Counter  # noqa: PLC0415

    from ingest.backfill import image_note, own_legends, patient_key  # noqa: PLC0415

    def patient_of(row: dict[str, str]) -> object:
        return patient_key(row.get("patientid") or "", row.get("url") or "") or id(row)

    fills = _blank_protocol(rows)
    notes_of: dict[object, list[str]] = {}
    for row in rows:
        notes_of.setdefault(patient_of(row), []).append((row.get("clinical_notes") or "").strip())
    # a note's own legend: its end after the history its patient's other notes repeat
    legend_of = {note: legend for notes in notes_of.values() for note, legend in zip(notes, own_legends(notes))}
    counts: Counter = Counter()
    for field in ("modality", "view", "offset", "date"):
        for number, fill in fills[field].items():
            row = rows[number - 2]
            note = (row.get("clinical_notes") or "").strip()
            shared = bool(note) and notes_of[patient_of(row)].count(note) > 1
            own = (image_note(note, (row.get("filename") or "").strip()) if note else None) or ""
            texts = (own, legend_of.get(note, ""), row.get("filename") or "", row.get("url") or "",
                     row.get("folder") or "")
            tied = bool(fill.evidence) and any(fill.evidence in t for t in texts)
            counts[(field, "shared note" if shared else "own note", fill.rule.split("@")[0],
                    "evidence in the row" if tied else "evidence elsewhere")] += 1
    print("per-image fills (protocol BLANK): count, field, note, rule, evidence")
    for key, count in sorted(counts.items()):
        print(f"{count:>5}  " + " | ".join(key))


def run(rows: list[dict[str, str]], protocol: str, show_errors: str | None) -> None:
    label = {
        "table": "protocol TABLE: each field masked in ALL rows at once, backfill_table on the masked table",
        "row": "protocol ROW: one cell masked at a time, backfill_row on that row alone",
        "blank": "protocol BLANK (targets): EVERY fillable field masked in every row at once, "
                 "backfill_table on the blank table",
    }[protocol]
    print(label)
    print(f"{'field':<24}{'known':>7}{'filled':>8}{'correct':>9}{'precision':>11}{'coverage':>10}")
    totals = [0, 0, 0]
    all_blank = _blank_protocol(rows) if protocol == "blank" else None
    for field in FILLABLE:
        if all_blank is not None and field in BLANK_KEEPS:
            continue
        if all_blank is not None:
            fills = all_blank[field]
        else:
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
                print(f"  line {number} {field}: known {truth!r} filled {fill.value!r} by {fill.rule} "
                      f"from {fill.evidence[:90]!r}")
        totals[0] += known
        totals[1] += filled
        totals[2] += correct
        precision = f"{correct / filled:.3f}" if filled else "-"
        coverage = f"{filled / known:.3f}" if known else "-"
        print(f"{field:<24}{known:>7}{filled:>8}{correct:>9}{precision:>11}{coverage:>10}")
    known, filled, correct = totals
    print(f"{'overall':<24}{known:>7}{filled:>8}{correct:>9}"
          f"{correct / filled if filled else 0:>11.3f}{filled / known if known else 0:>10.3f}")


CAPTIONS = str(Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reference" / "pmc-figures.csv")


def captions(path: str, show_errors: str | None) -> None:
    """Caption modality on real paper figures: precision and coverage."""
    from ingest.normalize import normalize_modality  # noqa: PLC0415

    with open(path, newline="", encoding="utf-8") as handle:
        figures = list(csv.DictReader(handle))
    known = filled = correct = mixed_filled = 0
    for figure in figures:
        truth = figure["figure_modality"].strip()
        result = normalize_modality(figure["caption"], figure_caption=True)
        mixed = "/" in truth
        known += not mixed
        if result.value is None:
            if show_errors and not mixed:
                print(f"  blank {figure['pmcid']} {figure['figure']} ({truth}): "
                      f"{result.reason or 'no modality word'}: {figure['caption'][:140]!r}")
            continue
        filled += 1
        mixed_filled += mixed
        if result.value == truth:
            correct += 1
        elif show_errors:
            print(f"  WRONG {figure['pmcid']} {figure['figure']} ({truth}) got {result.value} "
                  f"from {result.evidence!r} ({result.rule}): {figure['caption'][:140]!r}")
    print(f"{path}: {len(figures)} figure captions ({known} of one modality, "
          f"{len(figures) - known} with CT and X-ray)")
    print(f"caption modality: filled {filled}, correct {correct}, precision {correct / filled if filled else 0:.3f}, "
          f"coverage {filled - mixed_filled}/{known} = {(filled - mixed_filled) / known if known else 0:.3f} "
          f"(a value on a figure with both modalities: {mixed_filled}, counted wrong)")


def main(argv: list[str]) -> None:
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(
        prog="bench/backfill_quality.py", description="Precision and coverage of backfill on the real sample.",
        epilog="Protocols and --half are described at the top of this file.")
    parser.add_argument("path", nargs="?",
                        help="the metadata.csv to score (default tests/fixtures/reference/metadata-sample.csv); "
                             "with --captions, the figures' CSV (default tests/fixtures/reference/pmc-figures.csv)")
    parser.add_argument("--errors", metavar="FIELD",
                        help="also print the wrong fills of FIELD ('all': of every field; with --captions: any value)")
    parser.add_argument("--misses", metavar="FIELD",
                        help="print the rows whose FIELD is known and left blank (protocol BLANK), then stop")
    parser.add_argument("--attribution", action="store_true",
                        help="count the per-image fills by shared/own note, rule and where their evidence is; stop")
    parser.add_argument("--protocol", choices=("table", "row", "blank", "all"), default="all",
                        help="which protocol to run (default: all three)")
    parser.add_argument("--half", choices=("even", "odd"),
                        help="only the patients whose patientid's number is even (odd)")
    parser.add_argument("--captions", action="store_true",
                        help="score normalize_modality on real paper figure captions instead")
    args = parser.parse_args(argv)
    if args.captions:
        captions(args.path or CAPTIONS, args.errors)
        return
    path = args.path or DEFAULT
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if args.half is not None:
        rows = [row for row in rows if patient_half(row) == args.half]
    print(f"{path}: {len(rows)} rows" + (f" (patients of the {args.half} half)" if args.half else ""))
    if args.misses:
        misses(rows, args.misses)
        return
    if args.attribution:
        attribution(rows)
        return
    for name in (("blank", "table", "row") if args.protocol == "all" else (args.protocol,)):
        run(rows, name, args.errors)
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
