"""Time and peak memory of `scrapy import-dataset` and `scrapy export` on a synthetic dataset.

Builds a checkout of N rows (default 100,000: the real sample's rows repeated with unique
filenames) with 1,000 small images, then runs the real commands as child processes and prints
wall time and peak resident memory of each. Targets (2-core machine): import within 20 s,
export within 10 s, peak memory under 500 MB.

    .venv/bin/python bench/import_export.py [--rows 100000] [--images 1000]
"""

from __future__ import annotations

import argparse
import io
import os
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
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        build_checkout(tmp / "dataset", opts.rows, opts.images)
        print(f"synthetic checkout: {opts.rows:,} rows, {opts.images:,} images, built in {time.perf_counter() - t0:.1f} s")
        env = dict(os.environ, STAGING_DB_URL=f"sqlite:///{tmp / 'staging.sqlite3'}", MEDIA_STORE=str(tmp / "media"))
        scrapy = str(Path(sys.executable).with_name("scrapy"))
        steps = [
            ("import-dataset (first)", [scrapy, "import-dataset", str(tmp / "dataset")]),
            ("import-dataset (unchanged)", [scrapy, "import-dataset", str(tmp / "dataset")]),
            ("export", [scrapy, "export", "-o", str(tmp / "release")]),
        ]
        print(f"{'step':28} {'wall s':>8} {'peak MiB':>9}")
        for name, args in steps:
            child = run_measured(args, env)
            seconds, peak = child.wall, child.peak_mib
            print(f"{name:28} {seconds:8.1f} {peak:9.0f}")
        same = (tmp / "release" / "metadata.csv").read_bytes() == (tmp / "dataset" / "metadata.csv").read_bytes()
        print(f"export identical to the input: {same}")


if __name__ == "__main__":
    main()
