"""Crawl throughput of 1, 2 and 4 workers sharing one frontier (Redis) and one staging database
(PostgreSQL), where a run's time goes, and politeness across workers, measured at the mirror.

The generated Radiopaedia mirror of N cases (default 2,000; ``bench/_radiopaedia_mirror.py``, as in
bench/crawl.py) is served on loopback by ``tests.fast_mirror``: a process of its own answering from
memory, as cheap as we can make it, since it stands for a remote site that costs this machine
nothing (``--mirror-in-process``: ``tests.mirror``'s threads in this process, as before, to
compare). For each worker count, a fresh database on the PostgreSQL server, a fresh media store and
an empty Redis; the workers are ``scrapy crawl radiopaedia`` processes started together with
``REDIS_URL``, politeness off (no delay, no AutoThrottle, no shared turns; 16 requests per domain
per worker). The crawl is measured, as issue 14 asks: ``REVIEW_WARNINGS_AT_CRAWL_CLOSE`` is off
(the review warnings' sync at the close is review work, computed once per run by its last worker;
``--warnings-at-close`` keeps it).

Each worker count runs in each of the workers' process layouts (``--layouts``, default both):
``default``, as ``scrapy crawl`` runs out of the box (the media checks and the staging writes in a
process each, three per worker), and ``one`` (``MEDIA_PROCESSES=0 STAGING_PROCESS=0``: one process
per worker). Printed per layout and worker count: wall time of the run (first worker's start to the
last worker's exit), cases staged per second, the speed-up over the same layout's one worker,
requests served, duplicate fetches (a path served more than once, robots.txt aside: Scrapy reads it
once per process) and whether the staged content equals the first run's; then each worker's
timeline in seconds from its start (joined the run, spider opened, first request sent, first
response, last case staged, idle from, closing, closed, exit: the idle wait, the close work, the
exit; how often the frontier's poll woke its engine, nothing in flight, to take requests other
workers had queued, which Scrapy would have left to its 5 s heartbeat) with its CPU (start-up,
crawl, after), and the CPU of the mirror, redis-server, the run's PostgreSQL backends and this
process, per case, with the samples of a backend waiting for a lock and the load average before and
after; and the commands Redis ran per case (``INFO commandstats``: a script is one round trip, the
commands it runs inside counted too).

Then politeness on: the same workers with ``DOWNLOAD_DELAY`` (default 0.25 s) and the shared
per-site turns, on a ``limit`` of cases: the request rate and the smallest gap between two
requests, as the mirror saw them, against one crawl's.

Needs a PostgreSQL server (``--postgres URL`` or ``TEST_DATABASE_URL``; a role allowed to create
databases) and Debian's ``redis-server`` (started here on a free loopback port).

    .venv/bin/python bench/distributed_crawl.py [--cases 2000] [--workers 1,2,4] [--layouts default,one] [--repeat N]
        [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from sqlalchemy import create_engine, make_url, text  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bench._proc_cpu import CpuSampler, postgres_backends  # noqa: E402
from bench._radiopaedia_mirror import build_mirror  # noqa: E402
from tests.databases import PostgresScratch  # noqa: E402
from tests.e2e.conftest import rows, staged_content  # noqa: E402
from tests.fast_mirror import Counters, MirrorProcess  # noqa: E402
from tests.mirror import Mirror  # noqa: E402

SCRAPY = str(Path(sys.executable).with_name("scrapy"))


@dataclass
class RedisServer:
    process: subprocess.Popen
    url: str

    @property
    def client(self):
        return redis.Redis.from_url(self.url)


def start_redis(work: Path) -> RedisServer:
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
            return RedisServer(server, url)
        except redis.ConnectionError:
            time.sleep(0.05)
    raise SystemExit("redis-server did not start")


@dataclass
class Worker:
    """One ``scrapy crawl`` worker process, seen from the bench."""
    spawned: float  # epoch s
    exited: float = 0.0
    cpu: float = 0.0  # user + system seconds (os.wait4)
    code: int = 0
    log: Path = Path()
    timeline: dict = field(default_factory=dict)  # frontier.SharedRun's, from the log


@dataclass
class RunResult:
    count: int
    wall: float  # first worker's start to the last worker's exit
    workers: list[Worker]
    cpu: dict[str, float]  # mirror, redis, postgres (the run's backends), bench process
    redis_calls: dict[str, int]  # commands Redis ran in the run, per command (INFO commandstats)
    lock_waits: int  # samples (every 1 s) of a backend of the run waiting for a lock
    load: tuple[float, float]  # 1-minute load average before and after
    url: str = ""


def _wait(worker: Worker, process: subprocess.Popen) -> None:
    _, status, usage = os.wait4(process.pid, 0)
    worker.exited = time.time()
    worker.code = os.waitstatus_to_exitcode(status)
    worker.cpu = usage.ru_utime + usage.ru_stime
    process.returncode = worker.code  # reaped here: Popen must not wait for it again


def run_workers(count: int, argv: list[str], env: dict, logs: Path, tag: str) -> list[Worker]:
    """Start ``count`` workers at once and wait for all; each one's exit time and CPU."""
    workers, waiters = [], []
    for i in range(count):
        log = logs / f"worker-{tag}-{count}-{i}.log"
        with open(log, "wb") as out:
            worker = Worker(spawned=time.time(), log=log)
            args = [a.replace("%d", str(i)) if a.endswith(".prof") else a for a in argv]
            process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        waiters.append(threading.Thread(target=_wait, args=(worker, process)))
        waiters[-1].start()
        workers.append(worker)
    for waiter in waiters:
        waiter.join()
    for worker in workers:
        if worker.code != 0:
            raise SystemExit(f"a worker failed (exit {worker.code}); see {worker.log}")
        found = re.findall(r"frontier: timeline (\{.*\})", worker.log.read_text(errors="replace"))
        worker.timeline = json.loads(found[-1]) if found else {}
    return workers


def crawl_run(count: int, scratch: PostgresScratch, redis: RedisServer, mirror, work: Path,
              settings: list[str], logs: Path, tag: str) -> RunResult:
    """One run of ``count`` workers into a fresh database, measured."""
    redis.client.flushdb()
    redis.client.config_resetstat()
    mirror.reset_counters()
    url = scratch.create(migrated=True)
    database = make_url(url).database
    env = dict(os.environ, STAGING_DB_URL=url, MEDIA_STORE=str(work / f"media-{count}"), REDIS_URL=redis.url)
    env.pop("CRAWL_LOCK_DIR", None)
    argv = [SCRAPY, "crawl", "radiopaedia", "-a", f"base_url={mirror.base_url}", *settings]
    if os.environ.get("BENCH_PROFILE"):  # a folder: each worker under cProfile (slower; to find costs)
        argv = [sys.executable, "-m", "cProfile", "-o", f"{os.environ['BENCH_PROFILE']}/worker-{count}-%d.prof",
                *argv]
    lock_waits = []
    watcher = create_engine(scratch.url_of("postgres"), poolclass=NullPool)

    def count_lock_waits() -> None:
        with watcher.connect() as conn:
            lock_waits.append(conn.execute(text(
                "select count(*) from pg_stat_activity where datname = :d and wait_event_type = 'Lock'"),
                {"d": database}).scalar_one())

    groups = {"redis": lambda: [redis.process.pid], "postgres": lambda: postgres_backends(database)}
    if isinstance(mirror, MirrorProcess):
        groups["mirror"] = lambda: [mirror.pid]
    load_before = os.getloadavg()[0]
    bench_before = resource.getrusage(resource.RUSAGE_SELF)
    with CpuSampler(groups, interval=1.0, on_tick=count_lock_waits) as sampler:
        workers = run_workers(count, argv, env, logs, tag)
    bench_after = resource.getrusage(resource.RUSAGE_SELF)
    watcher.dispose()
    calls = {name.removeprefix("cmdstat_"): int(stat["calls"])
             for name, stat in redis.client.info("commandstats").items()}
    cpu = {name: sampler.seconds(name) for name in groups}
    own = (bench_after.ru_utime + bench_after.ru_stime) - (bench_before.ru_utime + bench_before.ru_stime)
    # The bench process: the sampler and, with --mirror-in-process, the mirror itself.
    cpu["bench" if "mirror" in cpu else "mirror+bench"] = own
    wall = max(w.exited for w in workers) - min(w.spawned for w in workers)
    return RunResult(count, wall, workers, cpu, calls, sum(lock_waits), (load_before, os.getloadavg()[0]), url)


def print_timelines(result: RunResult, staged: int) -> None:
    """Each worker's run, in seconds from its start, and its CPU per case of the run (and the CPU
    seconds it had spent by the time it joined the run and staged its last case)."""
    nan = float("nan")
    for i, w in enumerate(result.workers):
        t = w.timeline
        stopped = t.get("engine_stopped", w.exited)
        at = {name: (t[name] - w.spawned) if name in t else nan
              for name in ("joined", "opened", "first_request", "first_response", "last_item", "idle_since",
                           "closing", "engine_stopped")}
        print(f"  worker {i}: joined {at['joined']:5.1f}  opened {at['opened']:5.1f}  first request "
              f"{at['first_request']:5.1f}  first response {at['first_response']:5.1f}  "
              f"last case staged {at['last_item']:6.1f}  idle from {at['idle_since']:6.1f}  "
              f"closing {at['closing']:6.1f}  closed {at['engine_stopped']:6.1f}  exit {w.exited - w.spawned:6.1f}  "
              f"| idle wait {at['closing'] - at['idle_since']:4.1f} s, close work "
              f"{at['engine_stopped'] - at['closing']:4.1f} s, exit {w.exited - stopped:4.1f} s, idle in the crawl "
              f"{t.get('idle_in_crawl', 0.0):4.1f} s ({t.get('idle_stretches', 0)} times), woken by the poll with "
              f"requests queued {t.get('woken_with_requests', 0)} times"
              f" | CPU {w.cpu:6.1f} s = {1000 * w.cpu / max(staged, 1):5.1f} ms/case: start-up "
              f"{t.get('cpu_joined', nan):4.1f}, crawl {t.get('cpu_last_item', nan) - t.get('cpu_joined', nan):5.1f},"
              f" after {w.cpu - t.get('cpu_last_item', nan):4.1f}")
    others = "  ".join(f"{name} {seconds:5.1f} s ({1000 * seconds / max(staged, 1):4.1f} ms/case)"
                       for name, seconds in result.cpu.items())
    total = sum(w.cpu for w in result.workers) + sum(result.cpu.values())
    print(f"  CPU: {others}  | all {total:6.1f} s = {1000 * total / max(staged, 1):5.1f} ms/case on "
          f"{result.wall:.1f} s x {os.cpu_count()} cores | lock-wait samples {result.lock_waits} "
          f"| load average {result.load[0]:.2f} -> {result.load[1]:.2f}", flush=True)
    # Per case, as Redis counts them (INFO commandstats): a script (evalsha) is one round trip, and the
    # commands it runs inside are counted too; every other command is a round trip of its own.
    print("  Redis commands per case: " + ", ".join(
        f"{name} {n / max(staged, 1):.2f}" for name, n in sorted(result.redis_calls.items(), key=lambda kv: -kv[1])
        if "|" not in name and name != "info"), flush=True)


# A worker's process layouts the bench can compare. "default": as `scrapy crawl` runs out of the
# box, the media checks and the staging writes each in a process of the worker's own (three
# processes per worker); "one": everything in the worker's process (MEDIA_PROCESSES=0,
# STAGING_PROCESS=0), which "Running on several machines" recommends where cores are fewer than
# three per worker.
LAYOUTS = {"default": [], "one": ["-s", "MEDIA_PROCESSES=0", "-s", "STAGING_PROCESS=0"]}


def throughput(counts: list[int], scratch: PostgresScratch, redis: RedisServer, mirror, work: Path,
               fast: list[str], repeat: int, logs: Path, layouts: list[str]) -> None:
    """Each layout's worker counts, alternating, ``repeat`` rounds; the speed-up is over the same
    layout's one-worker run of the same round, the content compared with the very first run's."""
    print(f"\n{'layout':>7} {'workers':>7} {'wall s':>7} {'cases':>6} {'cases/s':>8} {'speed-up':>8} "
          f"{'requests':>8} {'dup fetches':>11} {'robots':>6} {'TCP conns':>9} {'same as 1':>9}")
    reference = None
    for round_ in range(1, repeat + 1):
        for layout in layouts:
            base_rate = None
            for count in counts:
                result = crawl_run(count, scratch, redis, mirror, work, fast + LAYOUTS[layout], logs,
                                   f"run{round_}-{layout}")
                staged = rows(result.url, "select count(*) from cases")[0][0]
                counters = mirror_counters(mirror)
                served = counters.requests
                duplicates = sum(n - 1 for path, n in served.items() if n > 1 and path != "/robots.txt")
                content = staged_content(result.url)  # the search that listed a case first may differ, by design
                reference = reference or content
                differing = [table for table in content if content[table] != reference[table]]
                rate = staged / result.wall
                base_rate = base_rate or rate
                print(f"{layout:>7} {count:7d} {result.wall:7.1f} {staged:6d} {rate:8.1f} {rate / base_rate:7.2f}x "
                      f"{sum(served.values()):8d} {duplicates:11d} {served.get('/robots.txt', 0):6d} "
                      f"{_count(counters.connections):>9} {content == reference!s:>9}"
                      f"{'  (differs: ' + ', '.join(differing) + ')' if differing else ''}", flush=True)
                print_timelines(result, staged)
                scratch.release(result.url)


def politeness(counts: list[int], scratch: PostgresScratch, redis: RedisServer, mirror, work: Path, opts,
               logs: Path) -> None:
    polite = ["-a", f"limit={opts.polite_cases}", "-s", f"DOWNLOAD_DELAY={opts.delay}",
              "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
              "-s", "FRONTIER_SHARED_SLOTS=1", "-s", "LOG_LEVEL=INFO"]
    print(f"\npoliteness on (DOWNLOAD_DELAY={opts.delay}, limit={opts.polite_cases} cases), "
          "measured at the mirror:")
    print(f"{'workers':>7} {'requests':>8} {'req/s':>6} {'max allowed':>11} {'smallest gap s':>14}")
    for count in sorted({1, max(counts)}):
        result = crawl_run(count, scratch, redis, mirror, work, polite, logs, "polite")
        arrivals = sorted(mirror_counters(mirror).arrived_at)
        gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
        rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0
        print(f"{count:7d} {len(arrivals):8d} {rate:6.2f} {1 / opts.delay:11.2f} "
              f"{min(gaps) if gaps else 0:14.3f}", flush=True)
        scratch.release(result.url)


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"  # the in-process mirror does not count connections


def mirror_counters(mirror) -> Counters:
    if isinstance(mirror, MirrorProcess):
        return mirror.counters()
    return Counters(Counter(mirror.requests), list(mirror.arrived_at))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--repeat", type=int, default=1, help="run the worker counts this many times, alternating")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="CONCURRENT_REQUESTS_PER_DOMAIN per worker (politeness off)")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--delay", type=float, default=0.25, help="DOWNLOAD_DELAY of the politeness run")
    parser.add_argument("--polite-cases", type=int, default=15, help="limit of the politeness run (0: no such run)")
    parser.add_argument("--layouts", default="default,one",
                        help="each worker's process layouts to compare, comma-separated: " + ", ".join(LAYOUTS))
    parser.add_argument("--mirror-in-process", action="store_true",
                        help="serve the mirror from this process with tests.mirror's threads (as before; to compare)")
    parser.add_argument("--logs", type=Path,
                        help="keep the workers' logs in this folder (worker-RUN-COUNT-I.log; RUN: run1, run2, polite)")
    parser.add_argument("--warnings-at-close", action="store_true",
                        help="keep REVIEW_WARNINGS_AT_CRAWL_CLOSE on (the default of a crawl; off here: the crawl is "
                             "measured, not the review warnings' sync)")
    opts = parser.parse_args()
    if not opts.postgres:
        raise SystemExit("a PostgreSQL server is needed: "
                         "--postgres postgresql+psycopg://USER@HOST:PORT/postgres (or TEST_DATABASE_URL)")
    counts = [int(n) for n in opts.workers.split(",")]
    layouts = opts.layouts.split(",")
    if unknown := [name for name in layouts if name not in LAYOUTS]:
        raise SystemExit(f"--layouts: unknown layout {', '.join(unknown)}; choose among {', '.join(LAYOUTS)}")
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    logs = opts.logs or work
    logs.mkdir(parents=True, exist_ok=True)
    scratch = PostgresScratch(opts.postgres)
    redis = start_redis(work)
    mirror = None
    try:
        began = time.perf_counter()
        built = build_mirror(work / "mirror", cases=opts.cases)
        print(f"mirror: {built['cases']:,} cases, {built['images']:,} images, "
              f"generated in {time.perf_counter() - began:.1f} s; "
              f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
        if opts.mirror_in_process:
            mirror = Mirror(["radiopaedia"], fixtures=work / "mirror")
        else:
            mirror = MirrorProcess(["radiopaedia"], fixtures=work / "mirror")
        mirror.start()
        print(f"mirror served {'in this process (threads)' if opts.mirror_in_process else 'by its own process'}; "
              f"REVIEW_WARNINGS_AT_CRAWL_CLOSE {'on' if opts.warnings_at_close else 'off'}")
        fast = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
                "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={opts.concurrency}",
                "-s", "FRONTIER_SHARED_SLOTS=0", "-s", "LOG_LEVEL=INFO",
                "-s", f"REVIEW_WARNINGS_AT_CRAWL_CLOSE={int(opts.warnings_at_close)}"]
        throughput(counts, scratch, redis, mirror, work, fast, opts.repeat, logs, layouts)
        if opts.polite_cases:
            politeness(counts, scratch, redis, mirror, work, opts, logs)
    finally:
        if mirror is not None:
            mirror.stop()
        redis.process.terminate()
        redis.process.wait()
        scratch.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
