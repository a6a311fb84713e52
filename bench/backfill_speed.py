"""Time ``backfill_row`` over 100,000 rows whose clinical notes are all distinct.

The target ("backfill of 100,000 rows within 60 s") is measured on rows no cache can help with:
each generated row copies a sample row (every fillable cell blanked, so each row does the most
work backfill can do), and gets a note never seen before: the sample note with its numbers,
dates and ages varied, sometimes followed by a sentence of another sample note (rows without a
note get two or three sentences of other notes). Uniqueness is checked, not assumed.

The repeated-sample figure (the sample's notes repeated, so the per-text caches hit) is printed
too, labelled as such: it is not the target's measure.

Usage: python bench/backfill_speed.py [path/to/metadata.csv] [rows] [--only-target] [--command] [--write PATH]

``--command`` also writes the generated rows to a CSV and times the real ``scrapy backfill``
command on it as a child process (wall, CPU of it and its worker processes, peak memory): what a
maintainer runs, on both cores.

``--write PATH`` only writes the generated rows to PATH (the CSV ``--command`` times) and exits: an
input to compare the command's output on, byte for byte, before and after a change.
"""

from __future__ import annotations

import csv
import gc
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import os

from bench._measure import ROOT, ChildRun
from bench._proc_cpu import CpuSampler
from ingest.backfill import FILLABLE, backfill_row, backfill_rows

_NUMBER = re.compile(r"\d+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _vary_number(rng: random.Random, m: re.Match[str]) -> str:
    token = m.group(0)
    value = int(token)
    if len(token) == 4 and 1990 <= value <= 2030:  # a year: keep it a plausible year
        return str(rng.randint(2003, 2021))
    return str(max(0, value + rng.randint(-3, 3))).zfill(len(token))


def unique_rows(sample: list[dict[str, str]], total: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    blanked = [{k: ("" if k in FILLABLE else v) for k, v in row.items()} for row in sample]
    sentences = [s for row in sample for s in _SENTENCE.split((row.get("clinical_notes") or "").strip())
                 if len(s) > 20]
    seen: set[str] = set()
    rows = []
    for i in range(total):
        row = dict(blanked[i % len(blanked)])
        base = (row.get("clinical_notes") or "").strip()
        if not base:
            base = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 3)))
        note = _NUMBER.sub(lambda m: _vary_number(rng, m), base)
        if rng.random() < 0.5:
            note = f"{note} {rng.choice(sentences)}"
        if rng.random() < 0.3:
            note = f"{note} Chest radiograph on {rng.choice(_MONTHS)} {rng.randint(1, 28)}, {rng.randint(2003, 2021)}."
        while note in seen:  # numbers-free notes can repeat: add a varying clause
            note = f"{note} Patient {rng.randint(1, 10**9)}."
        seen.add(note)
        row["clinical_notes"] = note
        rows.append(row)
    assert len(seen) == total
    return rows


def _clear_caches() -> None:
    for obj in gc.get_objects():
        if callable(obj) and hasattr(obj, "cache_clear") and getattr(obj, "__module__", "").startswith("ingest."):
            obj.cache_clear()


def _time(rows: list[dict[str, str]]) -> tuple[float, int, float]:
    """Wall seconds, fills, and CPU seconds of this process (the wall time includes waiting for the
    CPU when other work shares the machine; the CPU time does not)."""
    start = time.perf_counter()
    cpu = time.process_time()
    fills = 0
    for number, row in enumerate(rows, start=2):
        fills += len(backfill_row(row, row_number=number))
    return time.perf_counter() - start, fills, time.process_time() - cpu


def write_rows(rows: list[dict[str, str]], path: str | Path) -> None:
    """The generated rows as a dataset-shaped CSV (the input ``--command`` times)."""
    from exports.csvio import format_record
    from schema import COLUMNS

    header = list(COLUMNS) + [""]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(format_record(header) + "\n")
        for row in rows:
            handle.write(format_record([row.get(name, "") for name in header]) + "\n")


def _run_sampled(args: list[str], cwd: Path = ROOT) -> tuple[ChildRun, float]:
    """``run_measured``'s figures of ``args``, and the CPU of the command's own process alone (read
    from ``/proc`` while it lives, the last 0.2 s missed): the parent reads, hands out and writes
    the rows while its workers fill them, and its serial passes bound the wall time."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=cwd, stdout=out)  # the project's scrapy.cfg: its commands
        with CpuSampler({"parent": lambda: [proc.pid]}) as sampler:
            _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{' '.join(args)} failed")
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text), sampler.seconds("parent")


def _time_command(rows: list[dict[str, str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        write_rows(rows, src)
        scrapy = str(Path(sys.executable).with_name("scrapy"))
        load = os.getloadavg()[0]
        child, parent_cpu = _run_sampled([scrapy, "backfill", str(src), "-o", str(out)])
        seconds, first_line = child.wall, child.stdout.splitlines()[0]
        verdict = "within" if 100_000 * seconds / len(rows) <= 25 else "OVER"
        memory = "within" if child.peak_mib <= 500 else "OVER"
        print(f"scrapy backfill command, the target's measure ({os.cpu_count()} CPUs): {len(rows)} rows in "
              f"{seconds:.1f} s wall ({verdict} issue 18's 25 s target per 100,000 rows), CPU of the command and "
              "its workers "
              f"{child.cpu:.1f} s (the command's own process {parent_cpu:.1f} s, its workers "
              f"{child.cpu - parent_cpu:.1f} s), peak RSS {child.peak_mib:.0f} MiB ({memory} the 500 MiB target; "
              f"the largest process), load average at start {load:.1f}, at the end {os.getloadavg()[0]:.1f}")
        print(f"  {first_line}")


def main(argv: list[str]) -> None:
    argv = list(argv)
    write_to = None
    if "--write" in argv:
        i = argv.index("--write")
        write_to = argv[i + 1]
        del argv[i:i + 2]
    flags = {a for a in argv if a.startswith("--")}
    argv = [a for a in argv if not a.startswith("--")]
    path = argv[0] if argv else str(
        Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "reference" / "metadata-sample.csv")
    total = int(argv[1]) if len(argv) > 1 else 100_000
    with open(path, newline="", encoding="utf-8") as handle:
        sample = list(csv.DictReader(handle))

    rows = unique_rows(sample, total)
    if write_to is not None:
        write_rows(rows, write_to)
        print(f"{len(rows)} generated rows with distinct notes written to {write_to}")
        return
    _clear_caches()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    seconds, fills, cpu = _time(rows)
    per_100k = 100_000 * seconds / total
    verdict = "within" if per_100k <= 60 else "OVER"
    print(f"unique notes, backfill_row in one process (the normalizers' CPU cost): {total} rows, "
          f"{len(rows)} distinct notes, {fills} fills in {seconds:.2f} s: {total / seconds:,.0f} rows/s, "
          f"{per_100k:.1f} s per 100,000 rows ({verdict} the 60 s target)")
    print(f"  CPU time of that process: {cpu:.2f} s ({100_000 * cpu / total:.1f} CPU s per 100,000 rows); "
          f"load average at start {load:.1f} on {os.cpu_count()} CPUs (a wall time far above the CPU time "
          "means the machine was shared)")
    if "--command" in flags:
        _time_command(rows)
    if "--only-target" in flags:
        return

    _clear_caches()
    start = time.perf_counter()
    pooled = backfill_rows(rows)
    seconds = time.perf_counter() - start
    per_100k = 100_000 * seconds / total
    verdict = "within" if per_100k <= 60 else "OVER"
    print(f"unique notes, backfill_rows on {os.cpu_count()} processes: {total} rows, {sum(map(len, pooled))} fills "
          f"in {seconds:.2f} s: {total / seconds:,.0f} rows/s, {per_100k:.1f} s per 100,000 rows "
          f"({verdict} the 60 s target)")

    blanked = [{k: ("" if k in FILLABLE else v) for k, v in row.items()} for row in sample]
    repeated = (blanked * (total // len(blanked) + 1))[:total]
    _clear_caches()
    seconds, fills, _ = _time(repeated)
    print(f"repeated sample (NOT the target's measure: notes repeat, per-text caches hit): {total} rows, "
          f"{fills} fills in {seconds:.2f} s: {total / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main(sys.argv[1:])
