"""The crawl's staging writes alone, in one process: CPU seconds per case of ``StagePipeline._stage_batch``.

The records are the crawl's own: a kept ``bench/crawl.py --keep`` directory's mirror pages parsed
by the Radiopaedia parser, each image given the facts crawl 1 stored for it (hashes, thumbnail,
provenance), and both fetched pages with their bodies. They are staged in batches (default 3, about
what the crawl's batches hold) into a fresh SQLite database and media store, in the reactor's
worker thread's place, and the process's CPU time (user + sys) and the SQL statements sent are
measured around it. ``--code DIR``
stages with another checkout's code (an A/B on the same records; alternate the two).

    .venv/bin/python bench/_staging_micro.py /tmp/bench-crawl-XXXX [--code /tmp/base] [--cases 500]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_records(kept: Path, cases: int):
    from ingest.radiopaedia import SITE, parse_radiopaedia_case, parse_radiopaedia_stacks
    from ingest.records import FetchedPage, StoredImage

    mirror = kept / "mirror" / "radiopaedia"
    urls = json.loads((mirror / "urls.json").read_text())
    with sqlite3.connect(kept / "run" / "staging.sqlite3") as conn:
        conn.row_factory = sqlite3.Row
        facts = {row["source_url"]: dict(row) for row in conn.execute("select * from images")}
    records = []
    for url, entry in urls.items():
        if "/cases/" not in url:
            continue
        html = (mirror / entry["file"]).read_bytes()
        record = parse_radiopaedia_case(html.decode("utf-8"), url.split("?")[0])
        documents = [FetchedPage(url=url.split("?")[0], status=200, body=html,
                                 content_type=entry["headers"]["Content-Type"])]
        images = []
        for study in record.extra.get("study_ids") or []:
            stacks_url = f"{SITE}/studies/{study}/stacks?lang=us"
            body = (mirror / urls[stacks_url]["file"]).read_bytes()
            images += parse_radiopaedia_stacks(body, study, SITE, first_position=len(images))
            documents.append(FetchedPage(url=stacks_url.split("?")[0], status=200, body=body,
                                         content_type="application/json; charset=utf-8"))
        record.images = images
        record.documents = documents
        record.stored_images = []
        for image in images:
            row = facts[image.source_url]
            record.stored_images.append(StoredImage(
                source_url=image.source_url, label=image.label, position=image.position, sha256=row["sha256"],
                media_path=row["media_path"], format=row["format"], width=row["width"], height=row["height"],
                phash=row["phash"], chash=row["chash"], thumb=row["thumb"], modality_text=image.modality_text,
                view_text=image.view_text, caption=image.caption, date_text=image.date_text,
                provenance=json.loads(row["provenance"])))
        records.append(record)
        if len(records) == cases:
            break
    return records


class _Stats:
    def inc_value(self, *args, **kwargs) -> None:
        pass


class _Crawler:
    stats = _Stats()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("kept", type=Path, help="a bench/crawl.py --keep directory")
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--batch", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.code))
    from sqlalchemy import event

    from db.session import open_database
    from media.store import MediaStore
    from pipelines import StagePipeline

    records = load_records(args.kept, args.cases)
    tmp = Path(tempfile.mkdtemp(prefix="staging-micro-"))
    engine = open_database(f"sqlite:///{tmp / 'staging.sqlite3'}")
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_args) -> None:  # an executemany counts once: one round trip
        statements[0] += 1

    stager = object.__new__(StagePipeline)
    stager.crawler, stager.media, stager.engine = _Crawler(), MediaStore(tmp / "media"), engine
    stager.db_lock, stager.page_cases_staged, stager.batch_size = threading.Lock(), {}, args.batch
    batches = [records[i:i + args.batch] for i in range(0, len(records), args.batch)]
    outcomes: list = []
    began, cpu = time.perf_counter(), _cpu()

    def stage_all() -> None:  # in a thread, as the crawl stages
        for batch in batches:
            outcomes.extend(stager._stage_batch(batch))

    worker = threading.Thread(target=stage_all)
    worker.start()
    worker.join()
    cpu, wall = _cpu() - cpu, time.perf_counter() - began
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    print(f"{args.code}: {len(records)} cases in {len(batches)} batches: {1000 * cpu / len(records):.2f} CPU ms "
          f"per case, {1000 * wall / len(records):.2f} wall ms, {statements[0] / len(records):.1f} SQL statements "
          f"per case; failed {len(failed)}; "
          f"load {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
