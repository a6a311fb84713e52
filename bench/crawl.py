"""Crawl throughput of the full Radiopaedia pipeline against a bare Scrapy crawl of the same pages.

A generated mirror of N cases (default 2,000) with 4 X-ray images each, built from the real
fixture templates (``bench/_radiopaedia_mirror.py``), is served on loopback by ``tests.mirror``.
Politeness is switched off (no delay, no AutoThrottle, 16 requests per domain). Three crawls run
as child processes, each measured for wall time, CPU (``os.wait4`` rusage, user + sys) and peak
RSS, with the mirror's counters giving requests and bytes served and the TCP connections it
accepted:

1. ``scrapy crawl radiopaedia`` into a fresh staging DB and media store (the full pipeline);
2. ``scrapy runspider bench/_bare_spider.py`` outside the project: the same pages and images
   fetched, nothing done with them (the bare Scrapy baseline);
3. the full pipeline again, nothing changed: it should download no image and transfer at most 5%
   of the first crawl's bytes.

Target: the full pipeline within 1.3x of the bare crawl (wall time), the crawl alone: the full
crawls run with ``REVIEW_WARNINGS_AT_CRAWL_CLOSE=0`` unless ``--warnings-at-close`` (the default of
``scrapy crawl``, which then computes the review warnings of what it staged: work the bare crawl
has no part of). The machine's load average during each run is printed: the cores may be shared,
and the mirror's server runs in this process (its CPU is printed too). The full crawl's CPU is
the crawl process, its media workers (``MEDIA_PROCESSES``) and its staging process
(``STAGING_PROCESS``), each printed apart: on 2 cores the crawl process's own CPU is what bounds its
wall time. ``--mirror-hop`` also runs the bare crawl with the full crawl's re-addressing of every
request to the mirror (``MirrorMiddleware`` answers a request for the real site with a new one for
the mirror, which Scrapy sends through its scheduler or its downloader middlewares again): what
that costs the full crawl, and a real crawl does not pay.

``--code DIR`` runs the full crawls from another checkout (``git worktree add /tmp/base main``):
the same mirror, the same bench, for an A/B comparison. ``--digest FILE`` writes a digest of what
the crawls staged (every column but ids and timestamps of cases, images with their hashes and
thumbnails, field values, fetched pages, aliases and review events; both crawls' summaries; every
file of the media store), to compare two runs' files: equal digests, equal content.

    .venv/bin/python bench/crawl.py [--cases 2000] [--concurrency 16] [--keep]
    .venv/bin/python bench/crawl.py --cases 500 --code /tmp/base --digest /tmp/base.json   # the old code
    .venv/bin/python bench/crawl.py --cases 300 --profile /tmp/full.txt   # py-spy of crawl 1 (figures distorted)
    .venv/bin/python bench/crawl.py --cases 500 --profile /tmp/gil.txt --profile-gil --skip-bare   # GIL holder only
    .venv/bin/python bench/crawl.py --cases 500 --mirror-hop   # also the bare crawl with the mirror's hop
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._radiopaedia_mirror import QUERY, build_mirror  # noqa: E402
from tests.mirror import Mirror  # noqa: E402

SCRAPY = str(Path(sys.executable).with_name("scrapy"))
TARGET_RATIO = 1.3  # issue 18 (was 1.5)
SECOND_CRAWL_MAX_BYTES = 0.05


class LoadSampler(threading.Thread):
    """The 1-minute load average, sampled every 2 s while a crawl runs."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.samples.append(os.getloadavg()[0])
            self._halt.wait(2.0)

    def stop(self) -> tuple[float, float]:
        self._halt.set()
        self.join()
        return (sum(self.samples) / len(self.samples), max(self.samples)) if self.samples else (0.0, 0.0)


def _stats(log: str) -> dict[str, int]:
    """Integer stats from Scrapy's end-of-crawl dump ("'name': value," lines)."""
    return {name: int(value) for name, value in re.findall(r"^\s*'([^']+)': (\d+),?\}?$", log, re.M)}


class ConnectionCounter:
    """TCP connections the mirror accepted: its server's ``process_request`` (one call per accepted
    connection) wrapped. Scrapy keeps connections alive, so a crawl should open about as many as it
    has requests in flight; each new one costs both ends CPU (and a real site, politeness)."""

    def __init__(self, mirror: Mirror):
        server = mirror._server
        assert server is not None, "start the mirror first"
        self.accepted = 0
        accept = server.process_request

        def counted(request, client_address) -> None:
            self.accepted += 1  # the server's own thread: one writer
            accept(request, client_address)

        server.process_request = counted


def run_child(argv: list[str], *, cwd: Path, env: dict[str, str], log_path: Path, mirror: Mirror) -> dict:
    mirror.reset_counters()
    connections = getattr(mirror, "connection_counter", None)
    opened_before = connections.accepted if connections else 0
    sampler = LoadSampler()
    sampler.start()
    server_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with open(log_path, "wb") as log:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    server_after = resource.getrusage(resource.RUSAGE_SELF)
    load_mean, load_max = sampler.stop()
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if process.returncode != 0:
        print(text[-4000:], file=sys.stderr)
        raise SystemExit(f"{' '.join(argv[:3])} failed with exit code {process.returncode} (log {log_path})")
    requests = dict(mirror.requests)
    sent = dict(mirror.bytes_sent)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "requests": sum(requests.values()),
        "connections": (connections.accepted - opened_before) if connections else 0,
        "bytes": sum(sent.values()),
        "case_pages": sum(n for path, n in requests.items() if path.startswith("/cases/")),
        "images_fetched": sum(n for path, n in requests.items() if path.startswith("/images/")),
        "image_bytes": sum(n for path, n in sent.items() if path.startswith("/images/")),
        "server_cpu": ((server_after.ru_utime + server_after.ru_stime)
                       - (server_before.ru_utime + server_before.ru_stime)),
        "load_mean": load_mean,
        "load_max": load_max,
        "stats": _stats(text),
        "log": log_path,
    }


def crawl_settings(concurrency: int, robots: bool) -> list[str]:
    return ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
            "-s", f"ROBOTSTXT_OBEY={'True' if robots else 'False'}", "-s", "LOG_LEVEL=INFO"]


#: What a crawl staged: every column but ids and timestamps (rows named by their natural keys), so
#: two runs whose cases arrived in another order compare equal (the queries of
#: tests/faults/test_staging_batches.py, with every other column added).
_CASE_KEY = "(select k.source || ' ' || k.source_key from cases k where k.id = {})"
STAGED_QUERIES = {
    "cases": "select c.source, c.source_key, c.canonical_url, d.url, c.doi, c.title, c.license_raw, c.license, "
             "c.published, c.authors, c.institution, c.credit, c.age_text, c.sex_text, c.history, c.findings, "
             "c.discussion, c.diagnosis, c.review_state, c.warnings, c.extra, c.content_sha256, "
             f"{_CASE_KEY.format('c.duplicate_of_case_id')}, c.duplicate_of_released_row_id, c.adult_confirmed, "
             f"c.distinct_confirmed, c.review_reason, {_CASE_KEY.format('c.split_from_case_id')}, "
             "c.review_warnings, c.warning_codes, c.identity_key, c.warnings_inputs "
             "from cases c left join fetched_documents d on d.id = c.document_id order by c.source, c.source_key",
    "images": "select c.source_key, i.source_url, i.label, i.position, i.sha256, i.format, i.width, i.height, "
              "i.media_path, i.included, i.provenance, i.phash, i.chash, i.thumb, i.modality_text, i.view_text, "
              "i.caption, i.date_text, i.duplicate_of is null from images i "
              "join cases c on c.id = i.case_id order by c.source_key, i.position, i.source_url",
    "fields": "select c.source_key, i.position, f.field, f.raw, f.value, f.rule, f.rule_version, f.evidence, "
              "f.reason, f.override, f.override_by "
              "from field_values f join cases c on c.id = f.case_id left join images i on i.id = f.image_id "
              "order by c.source_key, i.position, f.field",
    "documents": "select source, url, status, content_type, etag, last_modified, sha256, body_path, case_keys "
                 "from fetched_documents order by url",
    "aliases": "select source, alias, key from case_aliases order by source, alias",
    "review_events": f"select {_CASE_KEY.format('case_id')}, image_id is null, actor, action, field, before, after, "
                     "reason from review_events order by 1, action, field, before, after",
}
#: Stats of the crawl's summary row that measure the run, not what it did.
_VARYING_STATS = ("media/workers_cpu_ms", "staging/process_cpu_ms", "downloader/request_bytes")


def crawl_summary_digest(conn: sqlite3.Connection) -> list:
    """The crawl summary rows (``crawl_runs``) without times and the stats that measure the run."""
    rows = conn.execute("select source, finish_reason, cases_seen, cases_new, cases_updated, cases_unchanged, "
                        "cases_skipped, cases_failed, images, errors, field_coverage, stats, warnings "
                        "from crawl_runs order by id").fetchall()
    out = []
    for row in rows:
        stats = {k: v for k, v in json.loads(row[11]).items() if k not in _VARYING_STATS}
        out.append((*row[:11], sorted(stats.items()), row[12]))
    return out


def staged_digest(db_path: Path, media: Path) -> dict[str, dict]:
    """Row count and SHA-256 of each kind of staged content, of the crawl summary, and of the media
    store's files."""
    digest = {}
    with sqlite3.connect(db_path) as conn:
        for name, sql in STAGED_QUERIES.items():
            rows = conn.execute(sql).fetchall()
            digest[name] = {"rows": len(rows), "sha256": hashlib.sha256(repr(rows).encode()).hexdigest()}
        summary = crawl_summary_digest(conn)
        digest["crawl_summary"] = {"rows": len(summary), "sha256": hashlib.sha256(repr(summary).encode()).hexdigest()}
    files = sorted(p for p in media.rglob("*") if p.is_file() and not p.name.startswith("."))
    listing = hashlib.sha256()
    for path in files:
        listing.update(f"{path.relative_to(media)} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    digest["media_files"] = {"rows": len(files), "sha256": listing.hexdigest()}
    return digest


def db_counts(db_path: Path) -> tuple[int, int]:
    with sqlite3.connect(db_path) as conn:
        cases = conn.execute("select count(*) from cases").fetchone()[0]
        images = conn.execute("select count(*) from images").fetchone()[0]
    return cases, images


def _py_spy() -> str:
    found = shutil.which("py-spy") or next((str(p) for p in [Path("/tmp/pyspy/bin/py-spy")] if p.exists()), None)
    if not found:
        raise SystemExit("--profile needs py-spy (pip install py-spy) on PATH")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000, help="cases in the mirror (default 2000)")
    parser.add_argument("--images-per-case", type=int, default=4)
    parser.add_argument("--per-page", type=int, default=20, help="results per search page (default 20)")
    parser.add_argument("--image-size", type=int, default=128, help="image side in pixels (default 128)")
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS_PER_DOMAIN (default 16)")
    parser.add_argument("--robots", choices=("yes", "no"), default="yes",
                        help="ROBOTSTXT_OBEY for every crawl (default yes)")
    parser.add_argument("--skip-bare", action="store_true", help="do not run the bare baseline")
    parser.add_argument("--mirror-hop", action="store_true",
                        help="also run the bare crawl with the full crawl's re-addressing to the mirror "
                             "(MirrorMiddleware: each request sent again): what the mirror costs the full crawl")
    parser.add_argument("--profile", metavar="FILE",
                        help="run crawl 1 under py-spy (collapsed stacks to FILE, all threads); "
                             "its figures are distorted")
    parser.add_argument("--profile-gil", action="store_true",
                        help="with --profile: sample only the thread holding the GIL (py-spy --gil), i.e. "
                             "where the crawl process's Python time goes, not its threads' waits")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="extra -s setting for the full-pipeline crawls "
                             "(to try a change, e.g. ITEM_PIPELINES=...)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (mirror, DB, media, logs)")
    parser.add_argument("--warnings-at-close", action="store_true",
                        help="full crawls compute the review warnings at their close (scrapy crawl's default)")
    parser.add_argument("--code", metavar="DIR", type=Path, default=ROOT,
                        help="checkout whose scrapy crawl runs the full crawls (default: this one)")
    parser.add_argument("--digest", metavar="FILE", help="write the digest of what the crawls staged to FILE (JSON)")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    try:
        began = time.perf_counter()
        built = build_mirror(tmp / "mirror", cases=args.cases, images_per_case=args.images_per_case,
                             per_page=args.per_page, image_size=args.image_size)
        print(f"mirror: {built['cases']:,} cases, {built['images']:,} images "
              f"({args.image_size}x{args.image_size} PNG/JPEG), "
              f"{built['search_pages']} search pages, {built['routes']:,} URLs; "
              f"generated in {time.perf_counter() - began:.1f} s")
        print("  bytes: " + ", ".join(f"{kind} {size / 1e6:.1f} MB" for kind, size in built["bytes"].items()))
        print(f"machine: {os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.2f}")

        mirror = Mirror(["radiopaedia"], fixtures=tmp / "mirror")
        base = mirror.start()
        mirror.connection_counter = ConnectionCounter(mirror)
        settings = crawl_settings(args.concurrency, args.robots == "yes")
        env = {k: v for k, v in os.environ.items()
               if k not in ("SCRAPY_SETTINGS_MODULE", "CRAWL_LOCK_DIR", "LOG_LEVEL")}
        db = tmp / "run" / "staging.sqlite3"
        (tmp / "run").mkdir()
        full_env = dict(env, STAGING_DB_URL=f"sqlite:///{db}", MEDIA_STORE=str(tmp / "run" / "media"),
                        REVIEW_WARNINGS_AT_CRAWL_CLOSE="1" if args.warnings_at_close else "0")
        # The generated mirror serves the COVID search only (the default searches the whole scope).
        full_argv = [SCRAPY, "crawl", "radiopaedia", "-a", f"base_url={base}", "-a", f"query={QUERY}", *settings,
                     *[a for s in args.set for a in ("-s", s)]]
        try:
            first_argv = full_argv
            if args.profile:
                first_argv = [_py_spy(), "record", "--format", "raw", "--threads", "--subprocesses", "--rate", "200",
                              *(["--gil"] if args.profile_gil else []), "--nonblocking",
                              "-o", str(Path(args.profile).resolve()), "--", *full_argv]
            print(f"\n[1/3] full pipeline: scrapy crawl radiopaedia "
                  f"({'under py-spy' if args.profile else 'measured'}) ...", flush=True)
            full = run_child(first_argv, cwd=args.code, env=full_env, log_path=tmp / "full-1.log", mirror=mirror)
            staged_cases, staged_images = db_counts(db)
            print(f"      {full['wall']:.1f} s; staged {staged_cases:,} cases, {staged_images:,} images", flush=True)

            bare = hop = None
            if not args.skip_bare:
                print("[2/3] bare scrapy: scrapy runspider bench/_bare_spider.py ...", flush=True)
                (tmp / "bare").mkdir()
                bare = run_child([SCRAPY, "runspider", str(ROOT / "bench" / "_bare_spider.py"),
                                  "-a", f"base_url={base}", *settings],
                                 cwd=tmp / "bare", env=env, log_path=tmp / "bare.log", mirror=mirror)
                print(f"      {bare['wall']:.1f} s", flush=True)
                if args.mirror_hop:
                    print("[2b] bare scrapy with the mirror hop ...", flush=True)
                    hop = run_child([SCRAPY, "runspider", str(ROOT / "bench" / "_bare_spider.py"),
                                     "-a", f"base_url={base}", "-a", "mirror_hop=yes", *settings,
                                     "-s", 'DOWNLOADER_MIDDLEWARES={"_bare_spider.MirrorHop": 10}'],
                                    cwd=tmp / "bare", env=env, log_path=tmp / "bare-hop.log", mirror=mirror)
                    print(f"      {hop['wall']:.1f} s", flush=True)

            print("[3/3] full pipeline again, nothing changed ...", flush=True)
            second = run_child(full_argv, cwd=args.code, env=full_env, log_path=tmp / "full-2.log", mirror=mirror)
            cases_after, images_after = db_counts(db)
            if args.digest:
                digest = staged_digest(db, tmp / "run" / "media")
                Path(args.digest).write_text(json.dumps(digest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
                print("      digest after both crawls (" + args.digest + "): "
                      + ", ".join(f"{k} {v['rows']:,} {v['sha256'][:12]}" for k, v in digest.items()), flush=True)
        finally:
            mirror.stop()

        report(args, full, bare, second, staged_cases, staged_images, cases_after, images_after)
        if bare and hop:
            report_hop(bare, hop)
        if args.keep:
            print(f"\nkept: {tmp} (mirror/, run/staging.sqlite3, run/media/, full-1.log, bare.log, full-2.log)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report_hop(bare: dict, hop: dict) -> None:
    """What the bench's re-addressing to the mirror costs a crawl (the full crawl pays it, the bare
    one and a real crawl do not)."""
    per_case = lambda run: 1000 * run["cpu"] / max(run["case_pages"], 1)  # noqa: E731
    print(f"\nbare crawl with the mirror hop (each request re-addressed and sent again, as MirrorMiddleware "
          f"does for the full crawl): wall {hop['wall']:.1f} s against {bare['wall']:.1f} s, "
          f"CPU {per_case(hop):.1f} against {per_case(bare):.1f} ms per case "
          f"(the hop: {per_case(hop) - per_case(bare):+.1f} ms per case); requests served {hop['requests']:,}, "
          f"load avg {hop['load_mean']:.2f}")


def report(args, full: dict, bare: dict | None, second: dict, staged_cases: int, staged_images: int,
           cases_after: int, images_after: int) -> None:
    full_images = full["stats"].get("file_status_count/downloaded", full["images_fetched"])
    rows: list[tuple[str, str, str, str]] = []

    def row(label: str, f: float | None, b: float | None, fmt: str, ratio: bool = True) -> None:
        cell = lambda v: "" if v is None else format(v, fmt)  # noqa: E731
        r = f"{f / b:.2f}x" if ratio and f is not None and b else ""
        rows.append((label, cell(f), cell(b), r))

    b = bare or {}
    bare_cases = b.get("case_pages")
    per_case = staged_cases or full["stats"].get("item_scraped_count") or full["case_pages"]
    row("wall time (s)", full["wall"], b.get("wall"), ".1f")
    row("cases/s", staged_cases / full["wall"], bare_cases / b["wall"] if bare else None, ".1f")
    row("images/s", full_images / full["wall"], b["images_fetched"] / b["wall"] if bare else None, ".1f")
    row("requests/s (served)", full["requests"] / full["wall"], b["requests"] / b["wall"] if bare else None, ".0f")
    row("CPU s (user+sys)", full["cpu"], b.get("cpu"), ".1f")
    row("  of which sys", full["sys"], b.get("sys"), ".1f")
    row("CPU ms per case", 1000 * full["cpu"] / max(per_case, 1),
        1000 * b["cpu"] / max(bare_cases, 1) if bare else None, ".1f")
    workers_cpu = full["stats"].get("media/workers_cpu_ms", 0) / 1000
    staging_cpu = full["stats"].get("staging/process_cpu_ms", 0) / 1000
    row("  of which the media workers", 1000 * workers_cpu / max(per_case, 1), None, ".1f", ratio=False)
    row("  of which the staging process", 1000 * staging_cpu / max(per_case, 1), None, ".1f", ratio=False)
    row("  the crawl process alone", 1000 * (full["cpu"] - workers_cpu - staging_cpu) / max(per_case, 1),
        1000 * b["cpu"] / max(bare_cases, 1) if bare else None, ".1f")
    row("CPU utilisation (cores)", full["cpu"] / full["wall"], b["cpu"] / b["wall"] if bare else None, ".2f")
    row("peak RSS (MB)", full["rss_mb"], b.get("rss_mb"), ".0f")
    row("requests served", full["requests"], b.get("requests"), ",.0f")
    row("TCP connections opened", full["connections"], b.get("connections"), ",.0f")
    row("MB served", full["bytes"] / 1e6, b["bytes"] / 1e6 if bare else None, ".1f")
    row("mirror server CPU s", full["server_cpu"], b.get("server_cpu"), ".1f")
    row("load avg 1-min (mean)", full["load_mean"], b.get("load_mean"), ".2f", ratio=False)
    row("load avg 1-min (max)", full["load_max"], b.get("load_max"), ".2f", ratio=False)

    print(f"\n{args.cases:,} cases x {args.images_per_case} images, "
          f"CONCURRENT_REQUESTS_PER_DOMAIN={args.concurrency}, "
          f"ROBOTSTXT_OBEY={args.robots}, no delay, no AutoThrottle"
          + ("  [crawl 1 under py-spy: distorted]" if args.profile else "")
          + (f"; full crawls with {' '.join(args.set)}" if args.set else "")
          + ("; review warnings at the close" if args.warnings_at_close else "; REVIEW_WARNINGS_AT_CRAWL_CLOSE=0")
          + (f"; code of {args.code}" if args.code != ROOT else ""))
    widths = [max(len(r[i]) for r in [("", "full pipeline", "bare scrapy", "full/bare"), *rows]) for i in range(4)]
    for label, f, bb, r in [("", "full pipeline", "bare scrapy", "full/bare"), *rows]:
        print(f"  {label:<{widths[0]}}  {f:>{widths[1]}}  {bb:>{widths[2]}}  {r:>{widths[3]}}")
    print(f"  staged: {staged_cases:,} cases, {staged_images:,} images "
          f"(expected {args.cases:,} and {args.cases * args.images_per_case:,}); "
          f"pipeline stats: downloaded {full_images:,}, items {full['stats'].get('item_scraped_count', 0):,}, "
          f"dropped {full['stats'].get('item_dropped_count', 0):,}, "
          f"errors {full['stats'].get('log_count/ERROR', 0):,}, "
          f"staging transactions {full['stats'].get('staging/batches', 0):,}")
    if bare:
        ratio = full["wall"] / bare["wall"]
        verdict = "MET" if ratio <= TARGET_RATIO else "MISSED"
        print(f"  target full <= {TARGET_RATIO}x bare (wall): {ratio:.2f}x -> {verdict}; "
              f"CPU {full['cpu'] / bare['cpu']:.2f}x")

    share = second["bytes"] / full["bytes"] if full["bytes"] else 0.0
    print("\nsecond crawl, nothing changed:")
    print(f"  wall {second['wall']:.1f} s, CPU {second['cpu']:.1f} s, peak RSS {second['rss_mb']:.0f} MB, "
          f"load avg {second['load_mean']:.2f}")
    print(f"  requests {second['requests']:,} (case pages {second['case_pages']:,}), "
          f"TCP connections {second['connections']:,}, "
          f"images downloaded {second['images_fetched']:,}, "
          f"{second['bytes'] / 1e6:.2f} MB served = {share:.1%} of the first crawl's {full['bytes'] / 1e6:.1f} MB")
    print(f"  DB after: {cases_after:,} cases, {images_after:,} images; "
          f"skipped known {second['stats'].get('cases/skipped_known', 0):,}")
    ok = second["images_fetched"] == 0 and share <= SECOND_CRAWL_MAX_BYTES
    print(f"  target: no image and <= {SECOND_CRAWL_MAX_BYTES:.0%} of the bytes -> {'MET' if ok else 'MISSED'}")


if __name__ == "__main__":
    raise SystemExit(main())
