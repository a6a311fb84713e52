"""Time and peak memory of `scrapy import-dataset` and `scrapy export` on a synthetic dataset,
on SQLite and on PostgreSQL.

Builds a checkout of N rows (default 100,000: the real sample's rows repeated with unique
filenames) with 1,000 small images, then runs the real commands as child processes and prints
wall time, CPU (user + system, children included) and peak resident memory of each, once per
database, with the load average (wall time means little on a busy machine), and a digest of the
tables the first import wrote (``staged_digest``: compare it between versions and databases).
Targets (2-core machine, issue 18): import of 100,000 rows within 8 s, export peak memory under
500 MB.

PostgreSQL: ``--postgres URL`` (or ``TEST_DATABASE_URL``) names a server and a role allowed to
create databases; the bench creates a scratch database there and drops it. Without either, SQLite
only. (The server's own time is not in the child's CPU or memory figures, only in the wall time.)
The import's big tables go in by each dialect's bulk path (``db/bulk.py``: the DBAPI's executemany
on SQLite, COPY on PostgreSQL).

    .venv/bin/python bench/import_export.py [--rows 100000] [--images 1000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._measure import run_measured  # noqa: E402
from exports.csvio import format_record, read_metadata  # noqa: E402
from tests.databases import PostgresScratch  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "reference" / "metadata-sample.csv"


def build_checkout(root: Path, rows: int, images: int) -> None:
    meta = read_metadata(SAMPLE)
    columns = meta.columns
    fi, folder_i = columns.index("filename"), columns.index("folder")
    (root / "images").mkdir(parents=True)
    (root / "volumes").mkdir()
    rng = np.random.default_rng(0)
    out = io.StringIO()
    out.write(meta.header.raw + "\n")
    templates = [r for r in meta.records if r.cells[folder_i] == "images"]
    for i in range(rows):
        cells = list(templates[i % len(templates)].cells)
        ext = ".png" if i % 2 else ".jpg"
        cells[fi] = f"synthetic-{i:06d}{ext}"
        out.write(format_record(cells) + "\n")
        if i < images:
            img = Image.fromarray(rng.integers(0, 255, (128, 128), dtype=np.uint8))
            img.save(root / "images" / cells[fi], "PNG" if ext == ".png" else "JPEG")
    (root / "metadata.csv").write_text(out.getvalue(), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=1_000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""),
                        help="a PostgreSQL server (maintenance database URL) to measure too")
    parser.add_argument("--digest", metavar="URL", help=argparse.SUPPRESS)  # staged_digest(URL), for measure()
    parser.add_argument("--build", metavar="DIR", help=argparse.SUPPRESS)  # build_checkout(DIR), for main()
    opts = parser.parse_args()
    if opts.digest:
        print(staged_digest(opts.digest))
        return
    if opts.build:
        build_checkout(Path(opts.build), opts.rows, opts.images)
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        # in a child, as the digest: a command's peak memory (ru_maxrss) starts from the bench's at the fork
        subprocess.run([sys.executable, __file__, "--build", str(tmp / "dataset"), "--rows", str(opts.rows),
                        "--images", str(opts.images)], check=True)
        print(f"synthetic checkout: {opts.rows:,} rows, {opts.images:,} images, "
              f"built in {time.perf_counter() - t0:.1f} s")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'database':11} {'step':28} {'wall s':>8} {'CPU s':>7} {'peak MiB':>9}")
        measure(tmp / "sqlite", tmp / "dataset", f"sqlite:///{tmp / 'sqlite' / 'staging.sqlite3'}", "sqlite")
        if opts.postgres:
            scratch = PostgresScratch(opts.postgres)
            url = scratch.create(migrated=False)
            try:
                measure(tmp / "postgresql", tmp / "dataset", url, "postgresql")
            finally:
                scratch.release(url)
                scratch.close()


def measure(work: Path, dataset: Path, url: str, label: str) -> None:
    env = dict(os.environ, STAGING_DB_URL=url, MEDIA_STORE=str(work / "media"))
    scrapy = str(Path(sys.executable).with_name("scrapy"))
    steps = [
        ("import-dataset (first)", [scrapy, "import-dataset", str(dataset)]),
        ("import-dataset (unchanged)", [scrapy, "import-dataset", str(dataset)]),
        ("export", [scrapy, "export", "-o", str(work / "release")]),
    ]
    for name, args in steps:
        child = run_measured(args, env)
        print(f"{label:11} {name:28} {child.wall:8.1f} {child.cpu:7.1f} {child.peak_mib:9.0f}")
        if name == "import-dataset (first)":
            # in a child: the rows read would stay in this process's memory, and a child's peak
            # memory (ru_maxrss) starts from its parent's at the fork
            digest = subprocess.run([sys.executable, __file__, "--digest", url], check=True, capture_output=True,
                                    text=True).stdout.strip()
            print(f"{label:11} staged after the first import: {digest}")
    same = (work / "release" / "metadata.csv").read_bytes() == (dataset / "metadata.csv").read_bytes()
    print(f"{label:11} export identical to the input: {same}; "
          f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


#: What an import stores, for ``staged_digest``: every column but timestamps, in id order.
STAGED = ("released_rows", "released_row_changes", "released_identities", "case_aliases", "released_files",
          "dataset_imports")


def staged_digest(url: str) -> str:
    """Rows and SHA-256 (first 12 hex digits) of each table an import writes, JSON as its stored
    text, timestamps and the checkout's (temporary) path left out: the same on both databases and
    from one version of the code to the next, unless what is stored changed."""
    from sqlalchemy import JSON, DateTime, Text, cast, create_engine, select  # noqa: PLC0415

    from db.models import Base  # noqa: PLC0415

    engine = create_engine(url)
    out = []
    with engine.connect() as connection:
        for name in STAGED:
            table = Base.metadata.tables[name]
            kept = [c for c in table.columns
                    if not isinstance(c.type, DateTime) and (name, c.key) != ("dataset_imports", "path")]
            columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in kept]
            digest, count = hashlib.sha256(), 0
            for row in connection.execute(select(*columns).order_by(*table.primary_key.columns)):
                digest.update(repr(tuple(row)).encode())
                count += 1
            out.append(f"{name} {count} {digest.hexdigest()[:12]}")
    engine.dispose()
    return ", ".join(out)


if __name__ == "__main__":
    main()
