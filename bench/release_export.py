"""Time and peak memory of `scrapy export --dataset` adding N approved cases to a large checkout.

Builds a synthetic checkout of 100,000 rows with 1,000 images (bench/import_export.py's builder),
imports it, stages N approved cases (default 10,000; one 96x96 PNG each, distinct images, every
gate passing), then runs the real command as a child process and prints wall time and peak
resident memory and CPU time (user + system, the child and its children: the machine is shared).
The duplicate check judges every new image against every released image and every other new image
(dedup/hashes.py: hash bands then the hash rule; dedup/crops.py: region hashes, coefficients, then
aligned detail). Target (2-core machine): 30 s for 10,000 cases into 100,000 rows. With
``--look-alike`` the new images are synthetic chest films instead of noise: every image shares its
anatomy with the others, the worst case for the number of pairs the crop check must verify.
``--released-images N`` makes the first N rows of the checkout released look-alike films too (from
another seed; the 1,000 noise images otherwise), so that the new films meet look-alike released ones.

    .venv/bin/python bench/release_export.py [--rows 100000] [--cases 10000] [--look-alike] [--released-images N]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image as PILImage
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._measure import run_measured  # noqa: E402
from bench.duplicate_threshold import radiograph  # noqa: E402
from bench.import_export import build_checkout  # noqa: E402
from db.models import Case, FieldValue, Image  # noqa: E402
from db.session import open_database, session_scope  # noqa: E402
from media.imaging import describe_image  # noqa: E402
from media.store import MediaStore  # noqa: E402


def stage_cases(url: str, media: Path, n: int, look_alike: bool = False) -> None:
    """Stage ``n`` approved cases of one image each: random noise (every image unlike the others),
    or with ``look_alike`` 256-pixel synthetic chest films (bench/duplicate_threshold.py), which
    all share their anatomy: the worst case for the duplicate check's candidates."""
    engine = open_database(url)
    store = MediaStore(media)
    rng = np.random.default_rng(1)
    with session_scope(engine) as session:
        session.execute(insert(Case), [
            {"source": "bench", "source_key": f"{i:06d}", "canonical_url": f"https://bench.example/cases/{i}",
             "license": "CC BY 4.0", "credit": "bench", "review_state": "approved", "warnings": [], "extra": {}}
            for i in range(n)])
        ids = list(session.scalars(select(Case.id).where(Case.source == "bench").order_by(Case.id)))
        images, values = [], []
        for case_id in ids:
            out = io.BytesIO()
            picture = (radiograph(rng, 256) if look_alike
                       else PILImage.fromarray(rng.integers(0, 255, (96, 96), dtype=np.uint8), "L"))
            picture.save(out, "PNG")
            facts = describe_image(out.getvalue())
            store.put_bytes(out.getvalue(), facts.sha256)
            images.append({"case_id": case_id, "source_url": f"https://bench.example/img/{case_id}",
                           "sha256": facts.sha256, "phash": facts.phash, "chash": facts.chash, "thumb": facts.thumb,
                           "width": 96, "height": 96, "format": "png", "position": 0, "label": "", "included": True,
                           "provenance": {}})
            for field, value in (("age", "54"), ("sex", "F"), ("finding", "Pneumonia/Viral/COVID-19"),
                                 ("view", "PA"), ("modality", "X-ray"), ("offset", "2")):
                values.append({"case_id": case_id, "image_id": None, "field": field, "value": value})
        session.execute(insert(Image), images)
        session.execute(insert(FieldValue), values)


def _films(args: tuple[Path, int, int]) -> None:
    """Write the look-alike films of checkout rows ``start``..``stop`` (one seed per thousand rows)."""
    root, start, stop = args
    rng = np.random.default_rng([2, start])
    for i in range(start, stop):
        ext = ".png" if i % 2 else ".jpg"  # bench/import_export.build_checkout's file names
        radiograph(rng, 256).save(root / "images" / f"synthetic-{i:06d}{ext}", "PNG" if ext == ".png" else "JPEG",
                                  quality=95)


def released_films(root: Path, n: int) -> None:
    """Give the first ``n`` rows of a checkout look-alike 256-pixel films, on both cores."""
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_films, [(root, start, min(start + 1000, n)) for start in range(0, n, 1000)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--images", type=int, default=1_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--look-alike", action="store_true", help="stage synthetic chest films, not noise")
    parser.add_argument("--released-images", type=int, default=0,
                        help="released look-alike films in the checkout (instead of --images noise images)")
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        build_checkout(tmp / "dataset", opts.rows, 0 if opts.released_images else opts.images)
        if opts.released_images:
            t0 = time.perf_counter()
            released_films(tmp / "dataset", min(opts.released_images, opts.rows))
            print(f"released look-alike films: {min(opts.released_images, opts.rows):,} "
                  f"(drawn in {time.perf_counter() - t0:.1f} s)")
        env = dict(os.environ, STAGING_DB_URL=f"sqlite:///{tmp / 'staging.sqlite3'}", MEDIA_STORE=str(tmp / "media"))
        scrapy = str(Path(sys.executable).with_name("scrapy"))
        seconds = run_measured([scrapy, "import-dataset", str(tmp / "dataset")], env).wall
        images = min(opts.released_images, opts.rows) if opts.released_images else opts.images
        print(f"checkout: {opts.rows:,} rows, {images:,} images (imported in {seconds:.1f} s)")
        t0 = time.perf_counter()
        stage_cases(env["STAGING_DB_URL"], tmp / "media", opts.cases, opts.look_alike)
        print(f"staged {opts.cases:,} approved cases{' (look-alike chest films)' if opts.look_alike else ''} "
              f"in {time.perf_counter() - t0:.1f} s")
        before = (tmp / "dataset" / "metadata.csv").read_bytes()
        # look-alike films may be refused (a pair the rule takes for one image, listed above): timed all the same
        child = run_measured([scrapy, "export", "--dataset", str(tmp / "dataset")], env, may_fail=opts.look_alike)
        seconds, peak, cpu = child.wall, child.peak_mib, child.cpu
        after = (tmp / "dataset" / "metadata.csv").read_bytes()
        added = after[len(before):].count(b"\n")
        print(f"{'step':34} {'wall s':>8} {'cpu s':>7} {'peak MiB':>9}")
        print(f"{'export --dataset (gates included)':34} {seconds:8.1f} {cpu:7.1f} {peak:9.0f}   "
              f"(load average {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
        if child.code:
            print(f"the release was refused (exit {child.code}): the gate failures are listed above")
        print(f"rows added: {added:,}; existing bytes unchanged: {after.startswith(before)}; "
              f"files in images/: {len(os.listdir(tmp / 'dataset' / 'images')):,}")


if __name__ == "__main__":
    main()
