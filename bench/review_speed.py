"""Server time of the review pages with 10,000 staged cases (targets: first queue load <= 1 s, queue
< 300 ms, case page < 50 ms).

    .venv/bin/python bench/review_speed.py [--cases 10000] [--added 100]

Builds a scratch SQLite staging DB (cases, field values, one image each with a perceptual hash and
a thumbnail, 2,000 released files to compare against, hashes and crop check both), then:

1. computes and stores every case's warnings once (review/warning_store.py; a crawl does this for
   what it staged when it closes, so this cost is paid at staging, spread over the crawls);
2. times the first queue load of a new app (it reads the stored warnings), the first case page,
   then the median and worst of repeated requests for several queue views and case pages;
3. stages ``--added`` more cases (one a copy of an existing film), times the incremental sync a
   crawl's close runs, and the first queue load after it.

Each step prints wall and CPU seconds (user+sys of this process) and the load average.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image as PILImage
from sqlalchemy import insert

from db.models import Case, DatasetImport, FieldValue, Image, ReleasedFile
from db.session import open_database, session_scope
from media.store import MediaStore
from review.warning_store import sync_warnings
from review.web import create_app

FINDINGS = ["Pneumonia/Viral/COVID-19"] * 6 + ["Pneumonia/Bacterial/Streptococcus", "Pneumonia/Fungal/Pneumocystis",
                                               "todo", "No Finding"]
SOURCES = ["radiopaedia", "eurorad", "sirm", "publications"]


def build(url: str, media: str, n: int, released: int) -> None:
    rng = random.Random(0)
    engine = open_database(url)
    store = MediaStore(media)
    out = io.BytesIO()
    PILImage.new("L", (512, 512), 90).save(out, "PNG")
    sha = store.put_bytes(out.getvalue())
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        imp = DatasetImport(path="/x", metadata_sha256="0" * 64, files_sha256="0" * 64, header_raw="h",
                            header_ending="\n", rows=0)
        s.add(imp)
        s.flush()
        s.execute(insert(ReleasedFile), [
            {"path": f"images/r{i}.png", "sha256": f"{i:064x}", "phash": f"{rng.getrandbits(64):016x}",
             "width": 512, "height": 512, "format": "png", "size": 1, "media_path": "x", "last_import_id": imp.id,
             "thumb": rng.randbytes(64 * 64)}
            for i in range(released)])
        s.execute(insert(Case), [
            {"id": i, "source": SOURCES[i % 4], "source_key": str(i), "canonical_url": f"https://example.org/case/{i}",
             "title": f"Case {i}: {FINDINGS[i % 10]} in a {20 + i % 70}-year-old",
             "history": "A patient with fever. " * 20, "findings": "Bilateral opacities. " * 10,
             "license": "CC BY-NC-SA 3.0", "review_state": "staged", "warnings": [], "extra": {}, "created_at": now,
             "updated_at": now} for i in range(1, n + 1)])
        s.execute(insert(Image), [
            {"id": i, "case_id": i, "source_url": f"https://example.org/img/{i}.png",
             "sha256": sha if i == 1 else f"{i:064x}", "phash": f"{rng.getrandbits(64):016x}", "width": 512,
             "height": 512, "format": "png", "position": 0, "label": "", "included": True, "provenance": {},
             "thumb": rng.randbytes(64 * 64)} for i in range(1, n + 1)])
        rows = []
        for i in range(1, n + 1):
            for field, value in (("age", str(20 + i % 70) if i % 13 else None), ("sex", "M"),
                                 ("finding", FINDINGS[i % 10]), ("license", "CC BY-NC-SA 3.0"),
                                 ("RT_PCR_positive", "Y"), ("temperature", "38.5"),
                                 ("clinical_notes", "A patient with fever.")):
                rows.append({"case_id": i, "image_id": None, "field": field, "raw": "text", "value": value,
                             "rule": "r", "rule_version": 1, "evidence": "fever", "updated_at": now})
            for field, value in (("view", "PA"), ("modality", "X-ray"), ("offset", "3")):
                rows.append({"case_id": i, "image_id": i, "field": field, "raw": "text", "value": value, "rule": "r",
                             "rule_version": 1, "evidence": "PA", "updated_at": now})
        s.execute(insert(FieldValue), rows)
    engine.dispose()


def timed(client, path: str, repeat: int) -> tuple[float, float, float]:
    """Median and worst wall milliseconds, and median CPU milliseconds, of ``repeat`` requests."""
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), _cpu()
        resp = client.get(path)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((_cpu() - c) * 1000)
        assert resp.status_code == 200, (path, resp.status_code)
    return statistics.median(times), max(times), statistics.median(cpu)


class Clock:
    """Wall and CPU (user+sys of this process, every thread) seconds of one step."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, _cpu() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall * 1000:,.0f} ms wall, {self.cpu * 1000:,.0f} ms CPU"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def add_cases(url: str, start: int, n: int) -> None:
    """``n`` more staged cases as a crawl would leave them (warnings not computed yet); the first
    one's film is a copy of case 2's, so the sync must find the pair from both sides."""
    rng = random.Random(start)
    engine = open_database(url)
    now = datetime.now(UTC)
    with session_scope(engine) as s:
        copy = s.get(Image, 2)
        s.execute(insert(Case), [
            {"id": i, "source": "eurorad", "source_key": str(i), "canonical_url": f"https://example.org/case/{i}",
             "title": f"Case {i}", "history": "A patient with fever.", "findings": "Opacities.",
             "license": "CC BY-NC-SA 3.0", "review_state": "staged", "warnings": [], "extra": {}, "created_at": now,
             "updated_at": now}
            for i in range(start, start + n)])
        s.execute(insert(Image), [
            {"id": i, "case_id": i, "source_url": f"https://example.org/img/{i}.png", "sha256": f"{i:064x}",
             "phash": copy.phash if i == start else f"{rng.getrandbits(64):016x}", "width": 512, "height": 512,
             "format": "png", "position": 0, "label": "", "included": True, "provenance": {},
             "thumb": copy.thumb if i == start else rng.randbytes(64 * 64)} for i in range(start, start + n)])
    engine.dispose()


def synced(engine, what: str) -> None:
    """Run the sync a crawl's close runs, and print what it cost."""
    with Clock() as clock, session_scope(engine) as s:
        n = sync_warnings(s)
    print(f"{what} ({n:,} cases recomputed): {clock}")


def first_load(client, path: str, what: str) -> None:
    with Clock() as clock:
        assert client.get(path).status_code == 200
    print(f"{what}: {clock}")


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--released", type=int, default=2_000)
    parser.add_argument("--added", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=15)
    opts = parser.parse_args()
    print(load_average())
    with tempfile.TemporaryDirectory() as tmp:
        url, media = f"sqlite:///{tmp}/staging.sqlite3", f"{tmp}/media"
        t = time.perf_counter()
        build(url, media, opts.cases, opts.released)
        print(f"built {opts.cases:,} staged cases, {opts.released:,} released files "
              f"in {time.perf_counter() - t:.1f} s")
        engine = open_database(url)
        synced(engine, "warnings of every case computed and stored once (paid at staging)")
        client = create_app(url, media, reviewer="bench").test_client()
        first_load(client, "/", "first queue load (reads the stored warnings)")
        mid = opts.cases // 2
        first_load(client, f"/case/{mid}", "first case page")
        print(f"{'request':62} {'median ms':>10} {'max ms':>8} {'CPU ms':>8}")
        for path in ("/", "/?state=staged&per_page=100", "/?source=sirm&finding=Pneumonia/Viral&sort=-title",
                     "/?warning=age_unknown&sort=-created", f"/?page={opts.cases // 50}", "/?q=year-old&per_page=200",
                     f"/case/{mid}", f"/case/{mid}?state=staged&sort=-title", "/case/1"):
            median, worst, cpu = timed(client, path, opts.repeat)
            print(f"{'GET ' + path:62} {median:10.1f} {worst:8.1f} {cpu:8.1f}")
        if opts.added:
            add_cases(url, opts.cases + 1, opts.added)
            synced(engine, f"{opts.added} cases staged: the incremental sync at the crawl's close")
            first_load(create_app(url, media, reviewer="bench").test_client(), "/", "first queue load after it")
        engine.dispose()
    print(load_average())


if __name__ == "__main__":
    main()
