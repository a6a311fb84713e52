"""Crawl throughput of 1, 2 and 4 workers sharing one frontier (Redis) and one staging database
(PostgreSQL), and politeness across workers, measured at the mirror.

The generated Radiopaedia mirror of N cases (default 2,000; ``bench/_radiopaedia_mirror.py``, as in
bench/crawl.py) is served on loopback by ``tests.mirror`` in this process. For each worker count,
a fresh database on the PostgreSQL server, a fresh media store and an empty Redis; the workers are
``scrapy crawl radiopaedia`` processes started together with ``REDIS_URL``, politeness off (no
delay, no AutoThrottle, no shared turns; 16 requests per domain per worker). Printed per worker
count: wall time of the run (first start to last exit), cases staged per second, the speed-up over
one worker, requests served, duplicate fetches (a path served more than once, robots.txt aside:
Scrapy reads it once per process) and whether the staged content equals the one-worker run's.

Then politeness on: the same workers with ``DOWNLOAD_DELAY`` (default 0.25 s) and the shared
per-site turns, on a ``limit`` of cases: the request rate and the smallest gap between two
requests, as the mirror saw them, against one crawl's.

Needs a PostgreSQL server (``--postgres URL`` or ``TEST_DATABASE_URL``; a role allowed to create
databases) and Debian's ``redis-server`` (started here on a free loopback port).

    .venv/bin/python bench/distributed_crawl.py [--cases 2000] [--workers 1,2,4] [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench._radiopaedia_mirror import build_mirror  # noqa: E402
from tests.databases import PostgresScratch  # noqa: E402
from tests.e2e.conftest import rows, staged_content  # noqa: E402
from tests.mirror import Mirror  # noqa: E402

SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(work)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(200):
        try:
            redis.Redis.from_url(url).ping()
            return server, url
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def run_workers(count: int, argv: list[str], env: dict, logs: Path) -> float:
    started = time.perf_counter()
    processes = []
    for i in range(count):
        log = open(logs / f"worker-{count}-{i}.log", "wb")  # noqa: SIM115 - closed below
        processes.append((subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log))
    for process, log in processes:
        code = process.wait()
        log.close()
        if code != 0:
            raise SystemExit(f"a worker failed (exit {code}); see {log.name}")
    return time.perf_counter() - started


def crawl_run(count: int, scratch: PostgresScratch, redis_url: str, mirror: Mirror, work: Path,
              settings: list[str]) -> tuple[float, str]:
    """One run of ``count`` workers into a fresh database; (wall seconds, database URL)."""
    redis.Redis.from_url(redis_url).flushdb()
    mirror.reset_counters()
    url = scratch.create(migrated=True)
    env = dict(os.environ, STAGING_DB_URL=url, MEDIA_STORE=str(work / f"media-{count}"), REDIS_URL=redis_url)
    env.pop("CRAWL_LOCK_DIR", None)
    argv = [SCRAPY, "crawl", "radiopaedia", "-a", f"base_url={mirror.base_url}", *settings]
    return run_workers(count, argv, env, work), url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="CONCURRENT_REQUESTS_PER_DOMAIN per worker (politeness off)")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--delay", type=float, default=0.25, help="DOWNLOAD_DELAY of the politeness run")
    parser.add_argument("--polite-cases", type=int, default=15, help="limit of the politeness run")
    opts = parser.parse_args()
    if not opts.postgres:
        raise SystemExit("a PostgreSQL server is needed: "
                         "--postgres postgresql+psycopg://USER@HOST:PORT/postgres (or TEST_DATABASE_URL)")
    counts = [int(n) for n in opts.workers.split(",")]
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    scratch = PostgresScratch(opts.postgres)
    redis_server, redis_url = start_redis(work)
    try:
        began = time.perf_counter()
        built = build_mirror(work / "mirror", cases=opts.cases)
        print(f"mirror: {built['cases']:,} cases, {built['images']:,} images, "
              f"generated in {time.perf_counter() - began:.1f} s; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        mirror = Mirror(["radiopaedia"], fixtures=work / "mirror")
        mirror.start()
        fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={opts.concurrency}",
                "-s", "FRONTIER_SHARED_SLOTS=0", "-s", "LOG_LEVEL=INFO"]
        print(f"\n{'workers':>7} {'wall s':>7} {'cases':>6} {'cases/s':>8} {'speed-up':>8} {'requests':>8} "
              f"{'dup fetches':>11} {'robots':>6} {'same as 1':>9}")
        reference, base_rate = None, None
        for count in counts:
            wall, url = crawl_run(count, scratch, redis_url, mirror, work, fast)
            staged = rows(url, "select count(*) from cases")[0][0]
            served = dict(mirror.requests)
            duplicates = sum(n - 1 for path, n in served.items() if n > 1 and path != "/robots.txt")
            content = staged_content(url)  # the search that listed a case first may differ, by design
            reference = reference or content
            differing = [table for table in content if content[table] != reference[table]]
            rate = staged / wall
            base_rate = base_rate or rate
            print(f"{count:7d} {wall:7.1f} {staged:6d} {rate:8.1f} {rate / base_rate:7.2f}x "
                  f"{sum(served.values()):8d} {duplicates:11d} "
                  f"{served.get('/robots.txt', 0):6d} {content == reference!s:>9}"
                  f"{'  (differs: ' + ', '.join(differing) + ')' if differing else ''}", flush=True)
            scratch.release(url)

        polite = ["-a", f"limit={opts.polite_cases}", "-s", f"DOWNLOAD_DELAY={opts.delay}",
                  "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                  "-s", "FRONTIER_SHARED_SLOTS=1", "-s", "LOG_LEVEL=INFO"]
        print(f"\npoliteness on (DOWNLOAD_DELAY={opts.delay}, limit={opts.polite_cases} cases), "
              "measured at the mirror:")
        print(f"{'workers':>7} {'requests':>8} {'req/s':>6} {'max allowed':>11} {'smallest gap s':>14}")
        for count in sorted({1, max(counts)}):
            _, url = crawl_run(count, scratch, redis_url, mirror, work, polite)
            arrivals = sorted(mirror.arrived_at)
            gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
            rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
            print(f"{count:7d} {len(arrivals):8d} {rate:6.2f} {1 / opts.delay:11.2f} "
                  f"{min(gaps) if gaps else 0:14.3f}", flush=True)
            scratch.release(url)
        mirror.stop()
    finally:
        redis_server.terminate()
        redis_server.wait()
        scratch.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
