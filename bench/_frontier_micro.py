"""The shared frontier's own cost per request, apart from any crawl: a worker's scheduler
(``frontier.FrontierScheduler``) on a real ``redis-server`` of its own, fed as the Radiopaedia
crawl feeds it: per case, the case page (a request to filter, from a search page) and then three
studies, one after the other (``dont_filter``, the case's record in ``cb_kwargs``), each taken back
from the queue before the next is queued. Prints the worker's CPU and wall time per case, the
Redis server's CPU per case, and the commands Redis ran per case (INFO commandstats; a script's
inner commands counted too). Run it on two checkouts to compare their frontiers.

    .venv/bin/python bench/_frontier_micro.py [--cases 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapy import Request  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from bench._proc_cpu import cpu_seconds  # noqa: E402
from bench.distributed_crawl import start_redis  # noqa: E402
from frontier import FrontierScheduler  # noqa: E402
from spiders.radiopaedia import RadiopaediaSpider  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        redis = start_redis(Path(work))
        try:
            crawler = get_crawler(RadiopaediaSpider, settings_dict={"REDIS_URL": redis.url, "FRONTIER_PREFETCH": 8})
            crawler.spider = spider = RadiopaediaSpider()
            scheduler = FrontierScheduler.from_crawler(crawler)
            scheduler.open(spider)
            record = {"title": "COVID-19 pneumonia", "findings": "x" * 2000, "images": list(range(40))}
            redis.client.config_resetstat()
            cpu, wall, server = time.process_time(), time.perf_counter(), cpu_seconds(redis.process.pid) or 0.0
            for case in range(opts.cases):
                url = f"https://radiopaedia.org/cases/covid-19-pneumonia-{case}"
                assert scheduler.enqueue_request(Request(url, callback=spider.parse_case))
                assert scheduler.next_request().url == url
                for study in range(3):
                    study_url = f"https://radiopaedia.org/studies/{case}-{study}/stacks"
                    assert scheduler.enqueue_request(Request(
                        study_url, callback=spider.parse_stacks, errback=spider.stacks_failed, dont_filter=True,
                        cb_kwargs={"record": record, "study_id": str(study), "rest": [], "images": []}))
                    assert scheduler.next_request().url == study_url
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            server = (cpu_seconds(redis.process.pid) or 0.0) - server
            calls = {name.removeprefix("cmdstat_"): stat["calls"]
                     for name, stat in redis.client.info("commandstats").items()}
            calls.pop("config|resetstat", None)
            calls.pop("info", None)
            n = opts.cases
            print(f"{n} cases, {4 * n} requests: worker {1000 * cpu / n:.2f} ms CPU/case, {1000 * wall / n:.2f} ms "
                  f"wall/case; redis-server {1000 * server / n:.2f} ms CPU/case; Redis commands per case: "
                  + ", ".join(f"{name} {count / n:.2f}" for name, count in sorted(calls.items(), key=lambda c: -c[1])))
        finally:
            redis.process.terminate()
            redis.process.wait()


if __name__ == "__main__":
    main()
