"""The shared frontier (frontier.py): scrapy-redis's queue and filter with our adapter, per-site
turns shared by the workers, and the run they share; real redis-server, real crawl processes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
import redis
from scrapy import Request, signals
from scrapy.core.scheduler import Scheduler as ScrapyScheduler
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import Settings
from scrapy.spiders import Spider
from scrapy.utils.test import get_crawler

import frontier
from crawl_lock import CrawlLocked, crawl_lock
from frontier import FrontierError, FrontierScheduler, SharedDupeFilter, SharedRun, SharedSiteSlots, keys, redis_client
from review.warning_sync import WarningSync
from tests.conftest import ROOT, SCRAPY
from tests.databases import drop_database, new_database
from tests.e2e.conftest import FAST, rows, staged_content

pytestmark = pytest.mark.e2e

CASES = "covid-19-pneumonia-15,covid-19-pneumonia-12"


class _Spider(Spider):
    name = "radiopaedia"

    def __init__(self, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.arguments = arguments or {}


# --- the adapter over scrapy-redis ----------------------------------------------------------------

def test_duplicate_filter_fingerprints_as_scrapy_and_outlives_a_worker(redis_url):
    crawler = get_crawler(settings_dict={"REDIS_URL": redis_url})
    server = redis.Redis.from_url(redis_url)
    first = SharedDupeFilter(server, "t:dupefilter", crawler.request_fingerprinter)
    other_worker = SharedDupeFilter(server, "t:dupefilter", crawler.request_fingerprinter)
    page = Request("https://radiopaedia.org/search?page=2&q=COVID")
    assert first.request_fingerprint(page) == crawler.request_fingerprinter.fingerprint(page).hex()
    assert first.request_seen(page) is False
    # The same page, its query in another order: Scrapy's fingerprint canonicalizes the URL.
    assert other_worker.request_seen(Request("https://radiopaedia.org/search?q=COVID&page=2")) is True
    first.close("finished")  # one worker ends; the others still need the filter
    assert other_worker.request_seen(page) is True
    assert other_worker.request_seen(Request("https://radiopaedia.org/search?page=3&q=COVID")) is False


def test_without_redis_the_scheduler_is_scrapys():
    crawler = get_crawler(_Spider, settings_dict={"REDIS_URL": ""})
    assert type(FrontierScheduler.from_crawler(crawler)) is ScrapyScheduler


def test_an_unreachable_redis_is_one_clear_error():
    with pytest.raises(FrontierError, match=r"REDIS_URL='redis://127.0.0.1:9/0': cannot reach the Redis server"):
        redis_client(Settings({"REDIS_URL": "redis://127.0.0.1:9/0"}))


def test_site_turns_are_a_delay_apart_whoever_asks(redis_url):
    """Three workers asking at once get turns 0, 1 and 2 delays away; another site is free."""
    server = redis.Redis.from_url(redis_url)
    workers = [SharedSiteSlots(server, "t") for _ in range(3)]
    waits = [w.wait_ms("radiopaedia.org", 0.5) for w in workers]
    assert waits[0] == 0
    assert 400 < waits[1] <= 500
    assert 900 < waits[2] <= 1000
    assert workers[0].wait_ms("www.eurorad.org", 0.5) == 0


def test_a_request_sent_late_pushes_the_next_a_delay_after_it(redis_url):
    """A worker whose turn came while its event loop was busy sends late, into the next turn: the
    next worker, on time for its own turn, still waits until the late request is a delay old."""
    server = redis.Redis.from_url(redis_url)
    late, on_time = SharedSiteSlots(server, "t"), SharedSiteSlots(server, "t")
    assert late.wait_ms("radiopaedia.org", 0.3) == 0
    second_turn = on_time.wait_ms("radiopaedia.org", 0.3)
    assert 200 < second_turn <= 300
    time.sleep(0.29)  # the first worker's loop was busy: it sends 290 ms after its turn
    assert late.send_ms("radiopaedia.org", 0.3) == 0
    time.sleep(max(0.0, second_turn / 1000 - 0.29))  # the second worker's turn has come
    wait = on_time.send_ms("radiopaedia.org", 0.3)
    assert 0 < wait <= 300  # without the send check it would go right after the late one
    time.sleep(wait / 1000)
    assert on_time.send_ms("radiopaedia.org", 0.3) == 0
    assert late.send_ms("www.eurorad.org", 0.3) == 0  # another site is free


def test_a_worker_with_other_arguments_is_refused_while_the_run_lives(redis_url):
    settings = {"REDIS_URL": redis_url}
    first = SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings))
    first.join(_Spider(arguments={"cases": CASES}))
    same = SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings))
    same.join(_Spider(arguments={"cases": CASES}))
    assert (first.started_here, same.started_here, same.run["id"]) == (True, False, first.run["id"])
    other = SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings))
    with pytest.raises(FrontierError, match="with other arguments is in progress"):
        other.join(_Spider(arguments={"cases": "covid-19-pneumonia-99"}))


def test_a_run_whose_workers_died_is_resumed_while_requests_wait_else_started_anew(redis_url):
    settings = {"REDIS_URL": redis_url}
    server = redis.Redis.from_url(redis_url)
    dead = SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings))
    dead.join(_Spider(arguments={"cases": CASES}))
    server.hset(dead.keys["workers"], dead.worker, 0)  # its last heartbeat: long ago (killed)
    server.zadd(dead.keys["requests"], {b"a request it queued": 0})
    resumed = SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings))
    resumed.join(_Spider(arguments={"cases": CASES}))
    assert (resumed.started_here, resumed.run["id"]) == (False, dead.run["id"])

    server.hset(resumed.keys["workers"], resumed.worker, 0)
    server.delete(resumed.keys["requests"])  # nothing left to resume
    fresh = SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings))
    fresh.join(_Spider(arguments={"cases": "covid-19-pneumonia-99"}))  # other arguments: no live run to refuse them
    assert fresh.started_here and fresh.run["id"] != dead.run["id"]


def test_the_last_worker_to_leave_gets_the_totals_and_clears_the_run(redis_url):
    settings = {"REDIS_URL": redis_url}
    workers = [SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings)) for _ in range(2)]
    for worker in workers:
        worker.join(_Spider())
    server = redis.Redis.from_url(redis_url)
    server.zadd(workers[0].keys["requests"], {b"left over": 0})
    assert workers[0].leave({"cases/staged/new": 3, "images/staged": 7}) is None
    run, totals = workers[1].leave({"cases/staged/new": 2, "cases/failed": 1})
    assert run["id"] == workers[0].run["id"]
    assert totals == {"cases/staged/new": 5.0, "images/staged": 7.0, "cases/failed": 1.0}
    assert not any(server.exists(key) for key in keys(Settings(), "radiopaedia").values())


@pytest.mark.parametrize("held_shared, asked_shared", [(False, True), (True, False)])
def test_workers_and_a_one_process_run_exclude_each_other(project_env, held_shared, asked_shared):
    url = project_env["STAGING_DB_URL"]
    held = crawl_lock(Settings(), "radiopaedia", url, shared=held_shared).acquire()
    try:
        with pytest.raises(CrawlLocked):
            crawl_lock(Settings(), "radiopaedia", url, shared=asked_shared).acquire()
        if held_shared:  # workers share the lock
            crawl_lock(Settings(), "radiopaedia", url, shared=True).acquire().release()
    finally:
        held.release()


def _scheduler(settings: dict) -> FrontierScheduler:
    crawler = get_crawler(_Spider, settings_dict=settings)
    crawler.spider = _Spider()
    scheduler = FrontierScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def test_a_worker_takes_requests_in_batches_and_gives_back_those_it_did_not_send(redis_url):
    settings = {"REDIS_URL": redis_url, "FRONTIER_PREFETCH": 3}
    first, second = _scheduler(settings), _scheduler(settings)
    urls = [f"https://radiopaedia.org/cases/c-{i}" for i in range(5)]
    assert [first.enqueue_request(Request(url, priority=i)) for i, url in enumerate(urls)] == [True] * 5
    dropped = []
    second.signals.connect(lambda request, spider: dropped.append(request), signal=signals.request_dropped,
                           weak=False)
    # Queued (True), pushed with second's next round trip, where the run has seen it: dropped there.
    assert second.enqueue_request(Request(urls[0])) is True
    assert second.enqueue_request(Request(urls[0], dont_filter=True)) is True
    assert first.next_request().url == urls[4]  # highest priority first; c-3 and c-2 taken with it
    assert [r.url for r in (second.next_request(), second.next_request())] == [urls[1], urls[0]]
    assert [(r.url, r.dont_filter) for r in dropped] == [(urls[0], False)]
    # The shared queue is empty, all of it in the workers' hands; first still has work of its own.
    assert redis.Redis.from_url(redis_url).zcard(first.queue.key) == 0
    assert first.has_pending_requests() and len(first) == 2
    first.close("shutdown")  # c-3 and c-2 were not sent: back to the shared queue, for the other workers
    third = _scheduler(settings)
    assert [third.next_request().url for _ in range(2)] == [urls[3], urls[2]]
    assert [second.next_request().url, second.next_request()] == [urls[0], None]  # the dont_filter copy



class _CaseSpider(_Spider):
    """Callbacks as the crawl's spiders have them, one with two names (Scrapy picks the first)."""

    def parse_case(self, response):
        pass

    def step_failed(self, failure):
        pass

    alias_of_case = parse_case


def test_a_request_is_serialized_to_the_bytes_scrapy_redis_makes(redis_url):
    """The cheaper encoding (method names looked up once) gives scrapy-redis's own bytes."""
    from scrapy import FormRequest
    from scrapy.http import JsonRequest

    crawler = get_crawler(_CaseSpider, settings_dict={"REDIS_URL": redis_url})
    crawler.spider = spider = _CaseSpider()
    scheduler = FrontierScheduler.from_crawler(crawler)
    scheduler.open(spider)
    requests = [
        Request("https://radiopaedia.org/cases/a", callback=spider.parse_case, errback=spider.step_failed,
                priority=3, meta={"case": {"id": 7}}, cb_kwargs={"query": "COVID"}, headers={"X-A": "1"}),
        Request("https://radiopaedia.org/cases/b", callback=spider.alias_of_case, dont_filter=True),
        Request("https://radiopaedia.org/search?q=x"),
        FormRequest("https://radiopaedia.org/form", formdata={"q": "COVID"}, callback=spider.parse_case),
        JsonRequest("https://radiopaedia.org/api", data={"a": 1}, errback=spider.step_failed),
    ]
    for _ in range(2):  # the second time from the cache of names
        for request in requests:
            assert scheduler.encode(request) == scheduler.queue._encode_request(request)
            decoded = scheduler.queue._decode_request(scheduler.encode(request))
            assert (type(decoded), decoded.url, decoded.callback, decoded.errback) == (
                type(request), request.url, request.callback, request.errback)
    # A callback that is not the spider's method fails as scrapy-redis's encoding does.
    other = _CaseSpider()
    with pytest.raises(ValueError):
        scheduler.queue._encode_request(Request("https://radiopaedia.org/x", callback=lambda r: None))
    with pytest.raises(ValueError):
        scheduler.encode(Request("https://radiopaedia.org/x", callback=lambda r: None))
    assert scheduler.encode(Request("https://radiopaedia.org/o", callback=other.parse_case)) == \
        scheduler.queue._encode_request(Request("https://radiopaedia.org/o", callback=other.parse_case))


def _counting_round_trips(scheduler: FrontierScheduler) -> list:
    calls = []
    script = scheduler.enqueue_script

    def counted(**kwargs):
        calls.append(kwargs)
        return script(**kwargs)

    scheduler.enqueue_script = counted
    return calls


def test_queued_requests_go_with_the_workers_next_round_trip(redis_url):
    """Queuing a request costs no round trip of its own: what a worker queued goes with its next one
    (a pop, or at close), filtered there, before what that round trip pops, so priorities hold as if
    each request had been pushed at once; a request the run has seen is dropped there, and Scrapy's
    ``request_dropped`` sent for it as the engine sends it for a refused request."""
    settings = {"REDIS_URL": redis_url, "FRONTIER_PREFETCH": 2}
    worker, other = _scheduler(settings), _scheduler(settings)
    dropped = []
    for scheduler in (worker, other):
        scheduler.signals.connect(lambda request, spider: dropped.append(request.url),
                                  signal=signals.request_dropped, weak=False)
    server = redis.Redis.from_url(redis_url)
    trips = _counting_round_trips(worker)
    case = "https://radiopaedia.org/cases/c-1"
    urls = [f"https://radiopaedia.org/studies/s-{i}" for i in range(4)]
    assert all(worker.enqueue_request(Request(url, priority=i, dont_filter=True)) for i, url in enumerate(urls))
    assert worker.enqueue_request(Request(case, priority=10)) is True
    assert worker.enqueue_request(Request(case, priority=10)) is True  # the same page again
    assert trips == [] and server.zcard(worker.queue.key) == 0
    assert worker.has_pending_requests() and len(worker) == 6
    # One round trip: six pushed, the repeated page dropped, the two of highest priority popped.
    assert worker.next_request().url == case
    assert len(trips) == 1 and dropped == [case] and server.zcard(worker.queue.key) == 3
    assert worker.stats.get_value("scheduler/enqueued/redis") == 5 and worker.pending == []
    # Another worker finds the page seen too, and takes the next two studies.
    assert other.enqueue_request(Request(case)) is True
    assert other.next_request().url == urls[2] and dropped == [case, case]
    worker.enqueue_request(Request(urls[0], dont_filter=True, priority=20))
    worker.close("shutdown")  # pending, and s-3 taken and not sent: to the shared queue
    assert len(trips) == 2
    assert [other.next_request().url for _ in range(4)] == [urls[1], urls[0], urls[3], urls[0]]
    assert other.next_request() is None


def test_pending_requests_are_pushed_alone_when_no_round_trip_carries_them(redis_url):
    """A worker whose downloader is full asks nothing of Redis for a while: its pending requests
    are pushed after PUSH_AFTER_SECONDS all the same, so the other workers can take them."""
    worker = _scheduler({"REDIS_URL": redis_url})
    server = redis.Redis.from_url(redis_url)

    async def enqueue_and_wait() -> tuple[int, int]:
        worker.enqueue_request(Request("https://radiopaedia.org/studies/s-1", dont_filter=True))
        worker.enqueue_request(Request("https://radiopaedia.org/studies/s-2", dont_filter=True))
        before = server.zcard(worker.queue.key)
        await asyncio.sleep(frontier.PUSH_AFTER_SECONDS * 20)
        return before, server.zcard(worker.queue.key)

    assert asyncio.run(enqueue_and_wait()) == (0, 2)
    assert worker.pending == []


def test_a_worker_takes_no_more_requests_than_its_downloader_can_start(redis_url):
    """Requests taken and not sent are out of the other workers' reach: a worker takes what its
    free download slots can start now (at most FRONTIER_PREFETCH), the rest stays shared."""
    settings = {"REDIS_URL": redis_url, "FRONTIER_PREFETCH": 8, "CONCURRENT_REQUESTS": 4}
    busy, idle = _scheduler(settings), _scheduler(settings)
    downloader = SimpleNamespace(total_concurrency=4, active={"in flight", "another"})
    busy.spider.crawler = SimpleNamespace(engine=SimpleNamespace(downloader=downloader))
    urls = [f"https://radiopaedia.org/cases/c-{i}" for i in range(6)]
    assert all(busy.enqueue_request(Request(url)) for url in urls)
    assert busy.next_request() is not None and len(busy) == 6 - 1  # two free slots: two taken
    assert len(busy.local) == 1 and redis.Redis.from_url(redis_url).zcard(busy.queue.key) == 4
    assert len([idle.next_request() for _ in range(4)]) == 4  # the other worker's share
    downloader.active = {"a", "b", "c", "d"}  # no free slot (Scrapy would not ask): one at a time
    assert busy.next_request() is not None and busy.next_request() is None

def test_an_idle_worker_waits_while_another_works_and_closes_once_none_does(redis_url):
    """An empty queue does not close a worker while another one has requests in flight (their
    pages may add requests); closing an idle worker never loses a request: what it took, it sent."""
    settings = {"REDIS_URL": redis_url}
    idle, working = (SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings)) for _ in range(2))
    spider = _Spider()
    idle.join(spider)
    working.join(spider)
    working.beat(busy=False)
    working.request_reached_downloader(Request("https://radiopaedia.org/cases/a"), spider)  # busy at once
    with pytest.raises(DontCloseSpider):
        idle.spider_idle(spider)
    server = redis.Redis.from_url(redis_url)
    server.zadd(idle.keys["requests"], {b"a request its page added": 0})
    with pytest.raises(DontCloseSpider):  # done with its own, but the queue is not empty
        working.spider_idle(spider)
    with pytest.raises(DontCloseSpider):
        idle.spider_idle(spider)
    server.delete(idle.keys["requests"])  # taken and sent by a worker, which then went idle
    working.spider_idle(spider)  # nobody works, nothing queued: both close
    idle.spider_idle(spider)


def _engine(*, queued: bool, in_flight: bool, full: bool = False) -> SimpleNamespace:
    """What ``SharedRun._wake`` reads of Scrapy's engine, as Scrapy 2.19 answers it: idle only with
    nothing in flight and nothing queued (``spider_is_idle`` asks the scheduler)."""
    engine = SimpleNamespace(calls=0, downloader=SimpleNamespace(active={"a request"} if in_flight else set()))
    engine.spider_is_idle = lambda: not queued and not in_flight
    engine.needs_backout = lambda: full
    engine._slot = SimpleNamespace(
        nextcall=SimpleNamespace(schedule=lambda: setattr(engine, "calls", engine.calls + 1)),
        scheduler=SimpleNamespace(has_pending_requests=lambda: queued))
    return engine


def test_an_engine_with_nothing_in_flight_is_woken_when_other_workers_queued_requests(redis_url):
    """Scrapy asks its scheduler when one of its downloads ends, else every 5 s (its heartbeat): a
    worker with nothing in flight took the requests another worker queued up to 5 s late (the
    joining worker of the 2,000-case bench started 3-6 s late). The poll wakes the engine whenever
    it could start a request; the old poll looked only while ``spider_is_idle()``, which is False
    as soon as requests are queued, so it never woke an engine that had work waiting."""
    run = SharedRun.for_crawler(get_crawler(_Spider, settings_dict={"REDIS_URL": redis_url}))
    run.join(_Spider())
    waiting = _engine(queued=True, in_flight=False)
    run._wake(waiting)
    assert waiting.calls == 1 and run.timeline["woken_with_requests"] == 1
    idle = _engine(queued=False, in_flight=False)  # looks at its spider_idle handlers: may close now
    run._wake(idle)
    assert idle.calls == 1
    working = _engine(queued=True, in_flight=True)  # free slots: takes the queued requests now too
    run._wake(working)
    assert working.calls == 1 and run.timeline["woken_with_requests"] == 1
    full = _engine(queued=True, in_flight=True, full=True)  # its downloader is full: nothing to start
    run._wake(full)
    assert full.calls == 0


def test_an_idle_worker_looks_again_every_poll_not_at_scrapys_5_s_heartbeat(redis_url):
    """The poll runs from the spider's opening to the worker's leaving, every POLL_SECONDS."""
    crawler = get_crawler(_Spider, settings_dict={"REDIS_URL": redis_url})
    run = SharedRun.for_crawler(crawler)
    run.join(_Spider())
    engine = crawler.engine = _engine(queued=True, in_flight=False)

    async def watch() -> int:
        run.spider_opened(None)
        for _ in range(200):  # a few looks, however loaded the machine (up to 10 s)
            await asyncio.sleep(0.05)
            if engine.calls >= 3:
                break
        run.leave({})  # stops the poll
        return engine.calls

    assert asyncio.run(watch()) >= 3  # the old poll never woke it: requests were queued


def _until(condition, seconds: float = 60.0) -> bool:
    """Wait for ``condition()``, however loaded the machine (bounded)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_a_worker_that_found_the_queue_empty_takes_what_another_worker_queues_later(redis_url):
    """A real Scrapy engine (tests/e2e/waiting_worker.py), its 5 s heartbeat off: it joins the run,
    finds the queue empty and goes idle (another worker is busy); a request queued afterwards is
    fetched, so our poll woke the engine. The old poll never did (the worker of the bench that
    joined before the first search page was parsed waited for Scrapy's heartbeat: 3-6 s late)."""
    other = SharedRun.for_crawler(get_crawler(_Spider, settings_dict={"REDIS_URL": redis_url}))
    other.join(_Spider())  # started the run, busy: the waiting worker does not close
    server = redis.Redis.from_url(redis_url)
    worker = subprocess.Popen([sys.executable, "-m", "tests.e2e.waiting_worker", redis_url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def went_idle() -> bool:  # its spider_idle handler ran with the queue empty
            flags = {_name(w): int(f) for w, f in server.hgetall(other.keys["busy"]).items()}
            return any(w != other.worker and f == 0 for w, f in flags.items())

        assert _until(lambda: went_idle() or worker.poll() is not None), "the worker never went idle"
        queue = _scheduler({"REDIS_URL": redis_url})
        assert queue.enqueue_request(Request("data:,queued-later"))
        queue.push_pending()  # what a worker's loop does PUSH_AFTER_SECONDS later (none runs here)
        taken = _until(lambda: server.zcard(other.keys["requests"]) == 0 or worker.poll() is not None)
        assert taken, "the request queued after the worker went idle was never taken (nothing woke its engine)"
        other.beat(busy=False)  # the other worker is done: the waiting one closes at its next poll
        out, err = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err[-3000:]
    report = json.loads(out.strip().splitlines()[-1])
    assert report["fetched"] == ["data:,queued-later"] and report["reason"] == "finished"
    assert report["timeline"]["woken_with_requests"] >= 1


def _name(worker) -> str:
    return worker.decode() if isinstance(worker, bytes) else worker


def test_the_review_warnings_are_synced_once_by_the_runs_last_worker(redis_url, monkeypatch):
    synced = []
    monkeypatch.setattr(WarningSync, "sync", lambda self: synced.append(self))
    settings = {"REDIS_URL": redis_url}
    workers = [SharedRun.for_crawler(get_crawler(_Spider, settings_dict=settings)) for _ in range(2)]
    syncs = [WarningSync(get_crawler(_Spider, settings_dict=settings)) for _ in workers]
    for worker, sync in zip(workers, syncs):
        spider = _Spider()
        worker.join(spider)
        spider.shared_run = worker
        sync.spider_closed(spider, "finished")
    assert synced == []
    workers[0].leave({"cases/staged/new": 3})
    assert synced == []
    workers[1].leave({"cases/staged/new": 0})  # the last: it syncs what every worker staged
    assert synced == [syncs[1]]


# --- workers crawling the mirror ------------------------------------------------------------------

def _workers(count: int, mirror, env: dict, *settings: str) -> list[subprocess.CompletedProcess]:
    argv = [SCRAPY, "crawl", "radiopaedia", "-a", f"base_url={mirror.base_url}", *FAST, *settings]
    processes = [subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(count)]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        results.append(subprocess.CompletedProcess(argv, process.returncode, out, err))
    return results


@pytest.fixture
def single_crawl_db(tmp_path):
    url = new_database(tmp_path / "single")
    yield url
    drop_database(url)


def test_two_workers_fetch_each_page_once_and_stage_what_one_crawl_stages(mirror_of, project_env, redis_url,
                                                                          single_crawl_db, tmp_path):
    single_env = dict(project_env, STAGING_DB_URL=single_crawl_db, MEDIA_STORE=str(tmp_path / "single-media"))
    single_mirror = mirror_of("radiopaedia")
    assert all(r.returncode == 0 for r in _workers(1, single_mirror, single_env))

    mirror = mirror_of("radiopaedia")
    # both workers join one run: on a loaded machine the first could otherwise finish the whole
    # crawl before the second started, which then begins a new run and fetches it all again (CI load)
    workers = redis.Redis.from_url(redis_url)
    mirror.hold_first_until = lambda: workers.hlen("covid-ingest:radiopaedia:workers") >= 2
    results = _workers(2, mirror, dict(project_env, REDIS_URL=redis_url), "-s", "FRONTIER_SHARED_SLOTS=0")
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-2000:] for r in results]
    # Every page and image once in all; robots.txt at most once per worker (Scrapy reads it per process).
    assert {path: n for path, n in mirror.requests.items() if n > 1 and path != "/robots.txt"} == {}
    assert 1 <= mirror.requests["/robots.txt"] <= 2
    assert (sorted(p for p in mirror.requests if p != "/robots.txt")
            == sorted(p for p in single_mirror.requests if p != "/robots.txt"))
    db = project_env["STAGING_DB_URL"]
    assert staged_content(db) == staged_content(single_crawl_db)
    # One summary for the run, counting what both workers did, as the single crawl's does.
    columns = ("cases_seen, cases_new, cases_updated, cases_unchanged, cases_skipped, cases_failed, images, errors, "
               "field_coverage, warnings")
    logged_errors = [line for r in results for line in r.stderr.splitlines() if "ERROR" in line]
    summary = f"select {columns} from crawl_runs"
    assert rows(db, summary) == rows(single_crawl_db, summary), logged_errors
    assert sum("crawl summary radiopaedia" in r.stderr for r in results) == 1
    assert sum("crawl worker" in r.stderr for r in results) == 2
    assert not any(redis.Redis.from_url(redis_url).keys("covid-ingest:*"))


def test_politeness_holds_across_workers(mirror_of, project_env, redis_url):
    """Two workers, a delay of 0.5 s: measured at the mirror, requests are never closer than
    one crawl's spacing (less the scheduling noise of a loaded machine) and the rate never above."""
    mirror = mirror_of("radiopaedia")
    # the first worker's first answer waits until the other worker joined the run: they overlap
    workers = redis.Redis.from_url(redis_url)
    mirror.hold_first_until = lambda: workers.hlen("covid-ingest:radiopaedia:workers") >= 2
    delay = 0.5
    # One request at a time per worker in all (not only per site): a worker whose downloader has room takes more
    # than one request from the queue at once, and the first could take both case pages while its robots.txt waits,
    # leaving the other nothing to send (no turn shared: CI saw "frontier/slot_waits" missing once).
    results = _workers(2, mirror, dict(project_env, REDIS_URL=redis_url), "-a", f"cases={CASES}",
                       "-s", f"DOWNLOAD_DELAY={delay}", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                       "-s", "CONCURRENT_REQUESTS=1", "-s", "FRONTIER_SHARED_SLOTS=1")
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-2000:] for r in results]
    arrivals = sorted(mirror.arrived_at)
    assert len(arrivals) >= 8
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert min(gaps) >= delay * 0.5, gaps
    assert (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) <= 1 / delay * 1.05
    stats = json.loads(rows(project_env["STAGING_DB_URL"], "select stats from crawl_runs")[0][0])
    assert stats["frontier/slot_waits"] >= 1  # the turns were shared: somebody had to wait
