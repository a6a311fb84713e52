"""The shared crawl frontier: several ``scrapy crawl <source>`` processes, on one machine or many,
crawling as one run through Redis (``REDIS_URL``, the scrapy-redis setting; the environment
variable of the same name works too). Without it, every class here steps aside and a crawl is the
ordinary one-process crawl.

* ``FrontierScheduler``: scrapy-redis's scheduler (one request queue per spider in Redis) with
  ``SharedDupeFilter``, so every page is fetched once in all. Where scrapy-redis 0.9.1 lags Scrapy
  2.19 the adapter is here and nowhere else: the duplicate filter fingerprints with the crawler's
  own request fingerprinter (scrapy-redis hashes method + URL + body its own way, so it would
  disagree with ``REQUEST_FINGERPRINTER_IMPLEMENTATION``), and neither the queue nor the filter is
  flushed when one worker closes (scrapy-redis flushes both on close unless persisting, which
  would make the other workers fetch everything again); the last worker of the run clears them.
* ``PoliteHTTPDownloadHandler``: Scrapy's HTTP/1.1 handler that first waits for the site's turn
  in a slot shared in Redis (``SharedSiteSlots``): two requests to one site, from any workers, are
  at least the crawl's delay apart when they leave, so N workers never ask a site more often than
  one crawl would. The turn is taken in the download handler, after Scrapy's own slot (one
  request at a time, delay, AutoThrottle) let the request go, so nothing queues between the turn
  and the request.
* ``SharedRun``: the workers' run. The first worker starts it and the others join it (a worker
  with other ``-a`` arguments is refused); an idle worker waits while another still works (its
  pages may yield more requests); each worker adds its counts to the run when it closes, and the
  last one writes the run's one summary, with the layout-change alarm, and clears the frontier.

Workers take the crawl lock shared (crawl_lock.py), so a one-process run of the same spider and
a shared run exclude each other. A worker killed with SIGKILL loses the requests it had taken
from the queue (scrapy-redis pops them); the next run finds those cases not staged and fetches
them, as after any killed crawl.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.core.scheduler import Scheduler as ScrapyScheduler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.http.request import _find_method
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from schema import IngestError

logger = logging.getLogger(__name__)

#: A worker whose heartbeat is older than this is gone (killed or cut off).
WORKER_STALE_SECONDS = 30
HEARTBEAT_SECONDS = 2.0
#: How often an idle worker looks at the shared queue.
POLL_SECONDS = 0.25


class FrontierError(IngestError, RuntimeError):
    """The shared frontier cannot be used as asked; the message says why and what to do."""


def redis_url(settings) -> str:
    return (settings.get("REDIS_URL") or os.environ.get("REDIS_URL") or "").strip()


def keys(settings, spider_name: str) -> dict[str, str]:
    """The Redis keys of one spider's shared run (all under ``FRONTIER_KEY_PREFIX``)."""
    base = f"{settings.get('FRONTIER_KEY_PREFIX') or 'covid-ingest'}:{spider_name}"
    return {name: f"{base}:{name}" for name in ("requests", "dupefilter", "run", "workers", "busy", "totals", "cases")}


def redis_client(settings):
    """A client for ``REDIS_URL`` that answers, or a FrontierError naming the URL."""
    url = redis_url(settings)
    try:
        server = connection.get_redis(url=url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)
        server.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server means the same thing
        raise FrontierError(f"REDIS_URL={url!r}: cannot reach the Redis server ({exc}); "
                            "start it or fix the URL") from None
    return server


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's filter, fingerprinting as Scrapy does and never cleared by one worker."""

    def __init__(self, server, key: str, fingerprinter, debug: bool = False):
        super().__init__(server, key, debug)
        self.fingerprinter = fingerprinter

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()

    def close(self, reason: str = "") -> None:
        """Kept for the other workers: the last worker of the run clears the filter."""


# Push the worker's pending requests, each unless the run has seen it (the duplicate filter's SADD,
# then the queue's ZADD; a request not to filter has no fingerprint and is pushed), then pop up to a
# count of requests: all in one round trip (scrapy-redis makes one per SADD, ZADD and pop). KEYS:
# queue, filter. ARGV: how many to pop (0: none), then (score, serialized request, fingerprint or '')
# per pending request. Returns {the number of requests the run had seen, their positions among the
# pending (1-based), then popped member, score, ...}.
_ENQUEUE = """
local seen = {}
for i = 2, #ARGV, 3 do
  if ARGV[i + 2] == '' or redis.call('SADD', KEYS[2], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
  else
    seen[#seen + 1] = (i + 1) / 3
  end
end
local out = {#seen}
for i = 1, #seen do out[#out + 1] = seen[i] end
local count = tonumber(ARGV[1])
if count > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], count)
  for i = 1, #popped do out[#out + 1] = popped[i] end
end
return out
"""

#: How long a worker keeps the requests it queued before pushing them alone, when no pop has
#: carried them first (its downloader full): short, so the other workers see them at once; long
#: enough to gather what one page yields.
PUSH_AFTER_SECONDS = 0.01


class FrontierScheduler(RedisScheduler):
    """The Redis scheduler when ``REDIS_URL`` is set, else Scrapy's own scheduler.

    Per request, scrapy-redis makes three round trips to Redis (the filter's SADD, the queue's ZADD,
    a MULTI pop), each blocking the worker's reactor until Redis answers: on a loaded machine, a
    wait for the Redis process to be scheduled every time. Here the round trips are fewer than the
    requests: a request queued waits in ``pending`` for the worker's next round trip (a pop, or
    ``PUSH_AFTER_SECONDS`` at most) and goes with it, filtered and pushed by one script; a pop takes
    up to ``FRONTIER_PREFETCH`` requests at once (ZPOPMIN, atomic) into a small local buffer. So
    ``enqueue_request`` answers True at once; a request the run had already seen is dropped at the
    push, where it is logged and counted as the duplicate filter does and ``request_dropped`` is
    sent, as Scrapy's engine sends it for a False answer. Requests pending or in that buffer when the
    worker closes go to the shared queue; a worker killed with SIGKILL loses them, as it loses the
    requests it has in flight (the next run, incremental, fetches those cases). A request is
    serialized as scrapy-redis does (``to_dict`` and pickle), the names of its callback and errback
    looked up once per method (``encode``)."""

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            return ScrapyScheduler.from_crawler(crawler)
        assert crawler.spider is not None
        server = redis_client(crawler.settings)
        names = keys(crawler.settings, crawler.spider.name)
        dupefilter = SharedDupeFilter(server, names["dupefilter"], crawler.request_fingerprinter,
                                      debug=crawler.settings.getbool("DUPEFILTER_DEBUG"))
        scheduler = cls(server=server, persist=True, queue_key=names["requests"],
                        queue_cls="scrapy_redis.queue.PriorityQueue", dupefilter=dupefilter)
        scheduler.stats = crawler.stats
        scheduler.signals = crawler.signals
        scheduler.prefetch = max(1, crawler.settings.getint("FRONTIER_PREFETCH", 1))
        scheduler.enqueue_script = server.register_script(_ENQUEUE)
        return scheduler

    prefetch = 1
    enqueue_script = None
    signals = None

    def open(self, spider):
        super().open(spider)
        #: Requests popped from the shared queue and not yet handed to the engine: (data, score).
        self.local: deque[tuple[bytes, float]] = deque()
        #: Requests queued here and not yet pushed: (score, data, fingerprint or "", the request).
        self.pending: list[tuple[int, bytes, str, Request]] = []
        self._push_timer: asyncio.TimerHandle | None = None
        #: Callback and errback names per function (``encode``).
        self.method_names: dict[Any, str] = {}

    def encode(self, request: Request) -> bytes:
        """``self.queue._encode_request(request)``, the same bytes, cheaper: scrapy's ``to_dict``
        finds a callback's name by listing every method of the spider (``inspect.getmembers``),
        for each request; here the name found once for a function is reused while the spider
        still has it under that name."""
        d = {"url": request.url, "callback": self._method_name(request.callback),
             "errback": self._method_name(request.errback), "headers": dict(request.headers)}
        for attr in request.attributes:
            d.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            d["_class"] = request.__module__ + "." + request.__class__.__name__
        return self.queue.serializer.dumps(d)

    def _method_name(self, func):
        if not callable(func):
            return func
        function = getattr(func, "__func__", None)
        name = self.method_names.get(function) if getattr(func, "__self__", None) is self.spider else None
        if name is None or getattr(getattr(self.spider, name, None), "__func__", None) is not function:
            name = _find_method(self.spider, func)  # scrapy's own look-up (ValueError as it raises)
            self.method_names[function] = name
        return name

    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        self.pending.append((-request.priority, self.encode(request), fingerprint, request))
        self._push_soon()
        return True

    def _round_trip(self, pop: int) -> list[tuple[bytes, float]]:
        """One script: push the pending requests (filtered), pop ``pop``; the popped (data, score)."""
        pending, self.pending = self.pending, []
        args: list[Any] = [pop]
        for score, data, fingerprint, _ in pending:
            args += [score, data, fingerprint]
        out = self.enqueue_script(keys=[self.queue.key, self.df.key], args=args)
        seen = {int(i) - 1 for i in out[1:1 + int(out[0])]}
        for i, (_, _, _, request) in enumerate(pending):
            if i in seen:
                self.df.log(request, self.spider)
                if self.signals is not None:
                    self.signals.send_catch_log(signals.request_dropped, request=request, spider=self.spider)
            else:
                self.stats.inc_value("scheduler/enqueued/redis")
        rest = out[1 + int(out[0]):]
        return [(rest[i], float(rest[i + 1])) for i in range(0, len(rest), 2)]

    def _push_soon(self) -> None:
        if self._push_timer is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no reactor running (a test driving the scheduler): pushed at the next round trip
            return
        self._push_timer = loop.call_later(PUSH_AFTER_SECONDS, self.push_pending)

    def push_pending(self) -> None:
        self._push_timer = None
        if self.pending:
            self._round_trip(0)

    def next_request(self) -> Request | None:
        if not self.local:
            self.local.extend(self._round_trip(self.wanted()))
            if not self.local:
                return None
        data, _ = self.local.popleft()
        self.stats.inc_value("scheduler/dequeued/redis")
        return self.queue._decode_request(data)

    def wanted(self) -> int:
        """Requests to take in one round trip: as many as this worker's downloader can start now
        (Scrapy's engine asks once per free slot), at most ``prefetch``. Taking more would hold
        requests another worker could send: on the 2,000-case mirror the worker that parsed the
        first search page took all it queued, the next search page among them, and the other
        worker waited 5 s for work (bench/distributed_crawl.py, "idle in the crawl")."""
        downloader = getattr(getattr(getattr(self.spider, "crawler", None), "engine", None), "downloader", None)
        if downloader is None or downloader.total_concurrency <= 0:  # no engine yet, or no limit
            return self.prefetch
        return max(1, min(self.prefetch, downloader.total_concurrency - len(downloader.active)))

    def has_pending_requests(self) -> bool:
        return bool(self.local) or bool(self.pending) or len(self.queue) > 0

    def __len__(self) -> int:
        return len(self.local) + len(self.pending) + len(self.queue)

    def close(self, reason: str) -> None:
        """The requests pending here, and those taken from the queue and not sent, go to the shared
        queue for the other workers. Nothing else to flush: the queue and the filter belong to the
        run (SharedRun clears them)."""
        if getattr(self, "_push_timer", None) is not None:
            self._push_timer.cancel()
            self._push_timer = None
        if getattr(self, "pending", None):
            self._round_trip(0)
        local = getattr(self, "local", None)
        if local:
            self.server.zadd(self.queue.key, dict(local))
            local.clear()


# --- politeness across workers ----------------------------------------------------------------

# Reserve the next turn of a site: at the server's clock, never earlier than the previous turn
# plus the delay. Returns how many milliseconds to wait for it. Atomic, so two workers asking at
# once get two turns a delay apart.
_TAKE_TURN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local free_at = tonumber(redis.call('GET', KEYS[1]) or '0')
local turn = math.max(now, free_at)
redis.call('SET', KEYS[1], turn + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 600000)
return turn - now
"""
# A turn is kept only if the worker sends on time: one whose event loop was busy when its turn came
# sends late, into the next worker's turn (two requests 3 ms apart at the site, seen in
# bench/distributed_crawl.py). So the request goes only when the site's last request was sent at
# least the delay ago, at the server's clock: records the send and returns 0, else the milliseconds
# left to wait.
_CLAIM_SEND = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '')
local gap = tonumber(ARGV[1])
if last == nil or now - last >= gap then
  redis.call('SET', KEYS[1], now, 'PX', gap + 600000)
  return 0
end
return last + gap - now
"""


class SharedSiteSlots:
    """Turns per site (Scrapy's download slot: the host), shared by every worker through Redis."""

    def __init__(self, server, prefix: str):
        self.server, self.prefix = server, prefix
        self.take_turn = server.register_script(_TAKE_TURN)
        self.claim_send = server.register_script(_CLAIM_SEND)

    def wait_ms(self, site: str, delay_s: float) -> int:
        """Milliseconds to wait for the site's next turn, reserved for the caller."""
        return int(self.take_turn(keys=[f"{self.prefix}:slot:{site}"], args=[int(delay_s * 1000)]))

    def send_ms(self, site: str, delay_s: float) -> int:
        """0 when a request to the site may go now (its send recorded), else the milliseconds until
        the site's last request is the delay old."""
        return int(self.claim_send(keys=[f"{self.prefix}:sent:{site}"], args=[int(delay_s * 1000)]))


class PoliteHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler; with a shared frontier (and ``FRONTIER_SHARED_SLOTS``), each
    request first waits for its site's turn in Redis."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.slots: SharedSiteSlots | None = None
        if redis_url(crawler.settings) and crawler.settings.getbool("FRONTIER_SHARED_SLOTS"):
            self.slots = SharedSiteSlots(redis_client(crawler.settings),
                                         crawler.settings.get("FRONTIER_KEY_PREFIX") or "covid-ingest")
        self.min_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")

    def _delay(self, request: Request, site: str) -> float:
        """The crawl's delay for the site: DOWNLOAD_DELAY, or more when AutoThrottle raised it."""
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        slot = downloader.slots.get(downloader.get_slot_key(request)) if downloader else None
        return max(self.min_delay, getattr(slot, "delay", 0.0) or 0.0)

    async def download_request(self, request: Request) -> Response:
        if self.slots is not None:
            site = request.meta.get("download_slot") or urlsplit(request.url).netloc
            delay = self._delay(request, site)
            wait_ms = self.slots.wait_ms(site, delay)
            if wait_ms > 0:
                self.crawler.stats.inc_value("frontier/slot_waits")
                await asyncio.sleep(wait_ms / 1000)
            while delay > 0 and (late_ms := self.slots.send_ms(site, delay)) > 0:
                # another worker's request went late, into this turn: a delay after it, not with it
                self.crawler.stats.inc_value("frontier/slot_late_waits")
                await asyncio.sleep(late_ms / 1000)
        return await super().download_request(request)


# --- the run that workers share -----------------------------------------------------------------

# Leave the run: add this worker's counts, drop it (and any stale worker) from the run; when no
# live worker is left, return the run's totals and delete every key of the run (queue and filter
# too). ARGV: worker id, stale cutoff (epoch s), then name/count pairs.
_LEAVE = """
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
for i = 3, #ARGV, 2 do redis.call('HINCRBYFLOAT', KEYS[4], ARGV[i], ARGV[i + 1]) end
local live = 0
local beats = redis.call('HGETALL', KEYS[2])
for i = 1, #beats, 2 do if tonumber(beats[i + 1]) >= tonumber(ARGV[2]) then live = live + 1 end end
if live > 0 then return false end
local totals = redis.call('HGETALL', KEYS[4])
local run = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
return {run, totals}
"""


class SharedRun:
    """One worker's membership of the spider's shared run (``CrawlRecorder.shared_run``, read through
    the spider's ``shared_run``), or nothing without ``REDIS_URL``."""

    def __init__(self, crawler, server):
        self.crawler, self.server = crawler, server
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.keys: dict[str, str] = {}
        self.run: dict[str, Any] = {}
        #: This worker started the run (and so sends the spider's start requests).
        self.started_here = False
        self.leave_script = server.register_script(_LEAVE)
        self._beat_task: asyncio.Task | None = None
        #: When this worker reached each point of its run (epoch s), logged at its end: the bench
        #: reads it to tell start-up, crawl, idle wait and close work apart.
        self.timeline: dict[str, float] = {}
        #: What this worker last told the others (its ``busy`` flag).
        self.flagged_busy = False
        #: Called with the run's totals by ``leave`` when this worker is the run's last.
        self.on_last: list[Callable[[dict[str, float]], None]] = []
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.request_reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def for_crawler(cls, crawler) -> SharedRun | None:
        if not redis_url(crawler.settings):
            return None
        return cls(crawler, redis_client(crawler.settings))

    def join(self, spider) -> None:
        """Start the run, join the one in progress, or resume one whose workers all died with
        requests still queued; FrontierError if the live run was started with other arguments."""
        self.keys = keys(self.crawler.settings, spider.name)
        wanted = {"arguments": dict(sorted(getattr(spider, "arguments", {}).items())), "id": uuid.uuid4().hex,
                  "started_at": datetime.now(UTC).isoformat()}
        for _ in range(3):
            # Alive before the run exists: a worker starting at the same moment never takes a run
            # just started for one whose workers are all gone.
            self.beat(busy=True)
            if self.server.set(self.keys["run"], json.dumps(wanted), nx=True):
                self.run, self.started_here = wanted, True
                break
            current = json.loads(self.server.get(self.keys["run"]) or "null")
            if current is None:
                continue
            same = current["arguments"] == wanted["arguments"]
            if self.live_workers(exclude_self=True):
                if not same:
                    raise FrontierError(f"a shared run of {spider.name} with other arguments is in progress "
                                        f"({json.dumps(current['arguments'])}); "
                                        "start this worker with the same -a arguments, or wait for that run to end")
                self.run = current
                break
            if same and self.server.zcard(self.keys["requests"]):
                self.run = current
                logger.warning("frontier: resuming shared run %s of %s, whose workers are gone (%d requests queued)",
                               current["id"], spider.name, self.server.zcard(self.keys["requests"]))
                break
            logger.warning("frontier: the previous shared run of %s (%s) has no live worker; starting a new run",
                           spider.name, current["id"])
            self.server.delete(*self.keys.values())
        else:
            raise FrontierError(f"could not start or join the shared run of {spider.name}")
        logger.info("frontier: worker %s %s shared run %s of %s (%s)", self.worker,
                    "started" if self.started_here else "joined", self.run["id"], spider.name,
                    redis_url(self.crawler.settings))
        self.timeline["joined"] = time.time()
        self.timeline["cpu_joined"] = time.process_time()

    def live_workers(self, exclude_self: bool = False) -> list[str]:
        cutoff = time.time() - WORKER_STALE_SECONDS
        return [w.decode() if isinstance(w, bytes) else w
                for w, beat in self.server.hgetall(self.keys["workers"]).items()
                if float(beat) >= cutoff
                and not (exclude_self and (w.decode() if isinstance(w, bytes) else w) == self.worker)]

    def beat(self, busy: bool) -> None:
        self.flagged_busy = busy
        pipe = self.server.pipeline()
        pipe.hset(self.keys["workers"], self.worker, time.time())
        pipe.hset(self.keys["busy"], self.worker, int(busy))
        pipe.execute()

    async def _beating(self) -> None:
        ticks = 0
        while True:
            await asyncio.sleep(POLL_SECONDS)
            ticks += 1
            engine = self.crawler.engine
            if engine is None:
                continue
            if ticks * POLL_SECONDS >= HEARTBEAT_SECONDS:
                ticks = 0
                self.beat(busy=not engine.spider_is_idle())
            self._wake(engine)

    def _wake(self, engine) -> None:
        """Have the engine look at the shared queue (and, idle, at its spider_idle handlers) now.

        Scrapy's engine asks its scheduler for requests when one of its own downloads ends or its
        own pages queue requests, else only at its 5 s heartbeat. An engine with nothing in flight
        therefore took the requests other workers queued up to 5 s late: a worker joining the run
        before the first search page was parsed found the queue empty, went idle, and waited for
        its heartbeat. Looking only while ``spider_is_idle()`` could not help: that is False as
        soon as the queue holds requests (``has_pending_requests``), which is exactly when the
        engine has work to take. So the engine looks every poll while it could start a request (a
        pop from Redis, which finds nothing when nothing is queued), and not while its downloader
        is full. (Private: Scrapy has no API for it.)"""
        slot = getattr(engine, "_slot", None)
        if slot is None or engine.needs_backout():
            return
        if not engine.downloader.active and slot.scheduler.has_pending_requests():
            # Requests waiting, nothing in flight: unless its own pages just queued them, Scrapy
            # would have waited for its heartbeat (counted for the bench: an upper bound).
            self.timeline["woken_with_requests"] = self.timeline.get("woken_with_requests", 0) + 1
        slot.nextcall.schedule()

    def request_reached_downloader(self, request, spider) -> None:
        self.timeline.setdefault("first_request", time.time())
        # Busy again (it took a request from the queue): tell the others now, not at the next beat,
        # so an idle worker keeps waiting for the requests this one's pages may add.
        if not self.flagged_busy:
            self.beat(busy=True)

    def response_received(self, response, request, spider) -> None:
        now = time.time()
        self.timeline.setdefault("first_response", now)
        self.timeline["last_response"] = now
        idle_since = self.timeline.pop("idle_since", None)  # busy again: the idle stretch that counts is the last
        if idle_since is not None:  # idle in the crawl: the queue was empty, waiting for another page
            self.timeline["idle_in_crawl"] = self.timeline.get("idle_in_crawl", 0.0) + now - idle_since
            self.timeline["idle_stretches"] = self.timeline.get("idle_stretches", 0) + 1

    def item_scraped(self, item, response, spider) -> None:
        self.timeline["last_item"] = time.time()
        self.timeline["cpu_last_item"] = time.process_time()

    def engine_stopped(self) -> None:
        self.timeline["engine_stopped"] = time.time()
        self.timeline["cpu_engine_stopped"] = time.process_time()
        logger.info("frontier: timeline %s", json.dumps({"worker": self.worker, **self.timeline}))

    def spider_opened(self, spider) -> None:
        self.timeline["opened"] = time.time()
        self._beat_task = asyncio.get_event_loop().create_task(self._beating())

    def others_busy(self) -> bool:
        live = set(self.live_workers(exclude_self=True))
        busy = self.server.hgetall(self.keys["busy"])
        return any((w.decode() if isinstance(w, bytes) else w) in live and int(flag) for w, flag in busy.items())

    def spider_idle(self, spider) -> None:
        """Idle here, but the queue has requests, or another worker's pages may still add some."""
        self.timeline.setdefault("idle_since", time.time())
        self.beat(busy=False)
        if self.server.zcard(self.keys["requests"]) or self.others_busy():
            raise DontCloseSpider
        self.timeline["closing"] = time.time()

    def shared_limit_reached(self, limit: int | None) -> bool:
        return limit is not None and int(self.server.get(self.keys["cases"]) or 0) >= limit

    def count_case(self) -> int:
        """One more case page parsed in the whole run; the run's count."""
        return int(self.server.incr(self.keys["cases"]))

    def leave(self, counts: dict[str, float]) -> tuple[dict[str, Any], dict[str, float]] | None:
        """Add this worker's counts; the run and its totals when this was the last live worker."""
        if self._beat_task is not None:
            self._beat_task.cancel()
        k = self.keys
        args: list[Any] = [self.worker, time.time() - WORKER_STALE_SECONDS]
        for name, value in counts.items():
            args += [name, value]
        result = self.leave_script(
            keys=[k["run"], k["workers"], k["busy"], k["totals"], k["requests"], k["dupefilter"], k["cases"]],
            args=args)
        if not result:
            return None
        run_json, flat = result
        totals = {_text(flat[i]): float(flat[i + 1]) for i in range(0, len(flat), 2)}
        for callback in self.on_last:
            callback(totals)
        return (json.loads(run_json) if run_json else self.run), totals


class SharedStartMiddleware:
    """Spider middleware: only the worker that started a shared run sends the spider's start
    requests (the search, the ``-a cases=`` list); the others take their work from the queue.
    Each would be filtered as a duplicate anyway, but counted as a case requested N times."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        shared = getattr(self.crawler.spider, "shared_run", None)  # a CaseSpider's (crawl_summary.CrawlRecorder)
        if shared is not None and not shared.started_here:
            return
        async for request_or_item in start:
            yield request_or_item


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value
