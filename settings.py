"""Scrapy settings of the COVID-19 chest X-ray ingestion pipeline.

Project settings read the environment first, so a cron job or CI can point the tool elsewhere
without editing files; ``-s NAME=VALUE`` on any command wins over both. Every deviation from a
Scrapy default says why, with the default in the comment.
"""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent

BOT_NAME = "covid-chestxray-ingest"
SPIDER_MODULES = ["spiders"]
# Import a spider's own module (spiders/<name>.py) for a crawl, not every spider's (default
# scrapy.spiderloader.SpiderLoader imports them all at start-up: pdfplumber and the papers' modules
# for a Radiopaedia crawl); `scrapy list` still loads them all (spiders/loader.py).
SPIDER_LOADER_CLASS = "spiders.loader.OwnModuleSpiderLoader"
NEWSPIDER_MODULE = "spiders"
# Our own commands (import-dataset, export, validate, migrate, ...) live in commands/.
COMMANDS_MODULE = "commands"

# --- Project settings (read by our commands, pipelines and spiders) ------------------------------

# The staging database. SQLite by default; any SQLAlchemy URL (postgresql://...) for a team.
STAGING_DB_URL = os.environ.get("STAGING_DB_URL", f"sqlite:///{PROJECT_ROOT / 'data' / 'staging.sqlite3'}")
# Where media (images, volumes, raw page bodies) are kept, named by SHA-256 of their bytes.
MEDIA_STORE = os.environ.get("MEDIA_STORE", str(PROJECT_ROOT / "data" / "media"))
# Who is reviewing, recorded with every review action (defaults to the system user).
REVIEWER = os.environ.get("REVIEWER", "")

# --- Crawling manners (docs/design.md, "Crawling manners") ---------------------------------------------

# Identify ourselves with a way to reach us (default: "Scrapy/VERSION (+https://scrapy.org)").
USER_AGENT = os.environ.get(
    "CRAWL_USER_AGENT",
    "covid-chestxray-ingest/0.1 (+https://github.com/ieee8023/covid-chestxray-dataset; dataset maintainers)",
)
# Obey robots.txt (default: False in Scrapy's global defaults; True in generated projects).
ROBOTSTXT_OBEY = True
# One request at a time per site (default 8): these are volunteer-run teaching sites.
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# At least a second between requests (default 0); robots.txt Crawl-delay is not read by Scrapy.
DOWNLOAD_DELAY = 1.0
# Adapt the delay to the server's latency (default off); never faster than DOWNLOAD_DELAY.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0  # default 5.0: our first request is already a second apart
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # the default, kept explicit: one request in flight per site

# Staging (and the media checks with MEDIA_PROCESSES=0) run in the reactor's thread pool; their
# work holds the GIL, so more threads than cores only add lock hand-offs (default 10;
# bench/crawl.py: 1.63x -> 1.42x the bare crawl's time at 2,000 cases). DNS lookups share the
# pool: at one request per site, two suffice.
REACTOR_THREADPOOL_MAXSIZE = 2

# Scrapy's downloader, but a request counts against CONCURRENT_REQUESTS_PER_DOMAIN as soon as it is
# taken from its slot's queue (default scrapy.core.downloader.Downloader counts it a loop turn later,
# so a burst of image requests all went out at once: up to 67 in flight at 16 per site, and Twisted's
# pool, which keeps 16 idle connections per site, closed the rest; downloader.py).
DOWNLOADER = "downloader.SlotBoundDownloader"

# Callbacks yield few items each; fewer concurrent item tasks is faster (default 100), see docs/style.md.
CONCURRENT_ITEMS = 16
# Scrapy reads the source of each callback's generator again for every response to warn of a
# "return value" (its cache is keyed on the bound method, new at each request): 0.3-0.4 ms of the
# crawl's main thread per callback, two per Radiopaedia case. Off (default True):
# tests/test_spider_callbacks.py makes the same check once, over every spider.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Cases staged in one transaction at most (pipelines.StagePipeline, not a Scrapy setting): the cases
# that arrived while the previous batch was written, so a busy crawl commits once per batch; a
# killed crawl loses the uncommitted batch only, and the next crawl fetches those cases again.
STAGING_BATCH_SIZE = 32
# The staging writes in a process of their own, forked as the spider opens (pipelines.StagePipeline;
# our setting): SQLAlchemy's work per case holds the GIL, and in the crawl's thread pool it shared
# the crawl's core (bench/crawl.py). Only with MEDIA_PROCESSES > 0 and a local media store; off, or
# MEDIA_PROCESSES=0, stages in the reactor's threads as before.
STAGING_PROCESS = os.environ.get("STAGING_PROCESS", "1") not in ("0", "false", "no")

# Cache HTTP during development only (default off): `-s HTTPCACHE_ENABLED=1`.
HTTPCACHE_DIR = str(PROJECT_ROOT / "data" / "httpcache")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")  # default DEBUG: a scheduled crawl's log stays readable
# Items in log lines named, not printed whole (default scrapy.logformatter.LogFormatter printed the
# raw page bodies a record carries: a 52 MB "Dropped" line for a 50 MB page).
LOG_FORMATTER = "logformatter.ShortLogFormatter"

# Avoid the deprecated default (and its warning): the modern request fingerprinter.
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"  # default None would escape non-ASCII (Italian) text in feeds
# `-O items.jsonl` / `-o items.csv`: records as plain data, bytes left out (feeds.py).
from feeds import FEED_EXPORTERS  # noqa: E402,F401

# `scrapy export --dataset`: the release's CHANGELOG.md, manifest.json and report/ go to
# RELEASE_REPORTS_DIR/<release name>/, not into the dataset checkout (--reports-in-checkout asks for that).
RELEASE_REPORTS_DIR = os.environ.get("RELEASE_REPORTS_DIR", str(PROJECT_ROOT / "data" / "releases"))

# The crawl's running counts on the terminal, also when LOG_FILE takes the log (crawl_summary.py);
# "auto": only when stderr is a terminal (cron and CI stay silent).
EXTENSIONS = {
    "crawl_summary.CrawlProgress": 500,
    # When the crawl closes, the review warnings of what it staged are computed and stored
    # (review/warning_sync.py), so the reviewer's first queue load does not compute them.
    "review.warning_sync.WarningSync": 600,
    # What belongs to the crawl as a whole, not to one pipeline (crawl_summary.py): the crawl lock
    # (taken when the crawler is made, so a refused crawl opens nothing), the one database engine
    # the pipelines and middlewares share, and at the close the run's summary with the
    # layout-change alarm. Last, so the summary is written after the warnings, as it always was.
    "crawl_summary.CrawlRecorder": 700,
}
# No door into a running crawl: Scrapy's telnet console (a port in 6023-6073) and its remote-control
# HTTP server (Scrapy 2.19: runs the Python it is sent, and writes its port and token to a job file
# in the user's home) are for a developer at a console; a scheduled crawl of medical data, several
# at once on one machine, has no use for a listening port that executes code.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
# Off: a crawl leaves the warnings of what it staged to the review page's next load (or to
# `scrapy cases list`), which then pays for them; on (the default) the crawl's close does.
REVIEW_WARNINGS_AT_CRAWL_CLOSE = os.environ.get("REVIEW_WARNINGS_AT_CRAWL_CLOSE", "1") not in ("0", "false", "no")
CRAWL_PROGRESS = os.environ.get("CRAWL_PROGRESS", "auto")
CRAWL_PROGRESS_INTERVAL = 2.0

# --- Spiders, middlewares and pipelines (spiders/, middlewares.py, pipelines.py) ------------------

DOWNLOADER_MIDDLEWARES = {
    # Skip cases already staged/released; conditional requests on -a recrawl=yes. First, so a
    # skipped case costs no request at all (not even robots.txt).
    "middlewares.IncrementalMiddleware": 5,
    # -a base_url=: re-address requests to the local mirror before offsite (50) and robots.txt (100).
    "middlewares.MirrorMiddleware": 10,
    # A body cut short is fetched again, then fails (after Scrapy's retry at 550 gave up on errors).
    "middlewares.TruncationMiddleware": 545,
    # Recognise refusals and bot gates after retries and redirects are done (process_response
    # runs from high to low numbers: 600 redirect, 560 Retry-After, 550 retry, 545, then 540).
    "middlewares.BlockDetectionMiddleware": 540,
    # Honour Retry-After on 429/503, which Scrapy's RetryMiddleware (550) ignores.
    "middlewares.RetryAfterMiddleware": 560,
}
# 429 and 503 are left to RetryAfterMiddleware, which waits as told (default list also has 503, 429).
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
# Retry-After handling (our settings): wait at most this long (seconds) for one answer; a longer
# Retry-After is a refusal (blocked/http-429). Without a Retry-After header, wait this long.
RETRY_AFTER_MAX = float(os.environ.get("RETRY_AFTER_MAX", "300"))
RETRY_AFTER_DEFAULT = 30.0
RETRY_AFTER_TIMES = 3
# Stop the crawl after this many block pages (0: never): a site that refuses us is left alone.
BLOCKED_CLOSE_AFTER = 5

# --- The shared frontier (frontier.py; README "Running on several machines") ---------------------

# Redis server of a shared crawl (scrapy-redis's setting; default unset: one process crawls alone).
# With it, every `scrapy crawl <source>` of one source is a worker of one run: one request queue,
# one duplicate filter, one summary.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Scrapy's scheduler without REDIS_URL, scrapy-redis's with it (default scrapy.core.scheduler.Scheduler).
SCHEDULER = "frontier.FrontierScheduler"
# Scrapy's HTTP/1.1 handler (the default for http/https), waiting for a site's turn in Redis when
# the frontier is shared, so N workers keep the delay of one crawl per site.
DOWNLOAD_HANDLERS = {"http": "frontier.PoliteHTTPDownloadHandler", "https": "frontier.PoliteHTTPDownloadHandler"}
# Per-site turns shared by the workers (our setting): off only for a bench that measures raw speed.
FRONTIER_SHARED_SLOTS = True
# Requests a worker takes from the shared queue in one round trip (our setting): each round trip
# blocks the worker until Redis answers; 8 is a small share of a worker's 16 requests in flight,
# and a worker never takes more than its downloader can start (frontier.FrontierScheduler.wanted).
FRONTIER_PREFETCH = 8
# Prefix of the run's Redis keys (our setting): one per staging database sharing a Redis server.
FRONTIER_KEY_PREFIX = os.environ.get("FRONTIER_KEY_PREFIX", "covid-ingest")
# Only the worker that starts a shared run sends the start requests (the others take from the queue).
SPIDER_MIDDLEWARES = {"frontier.SharedStartMiddleware": 50}

ITEM_PIPELINES = {
    "pipelines.ValidateCasePipeline": 100,
    "pipelines.MediaPipeline": 200,
    "pipelines.StagePipeline": 300,
}
# FilesPipeline writes under FILES_STORE (default unset = pipeline disabled): the media store.
FILES_STORE = MEDIA_STORE
# Image hosts redirect to CDNs; follow them for media (default False = a redirect is a failure).
MEDIA_ALLOW_REDIRECTS = True
# Media (our settings): refuse files over 50 MB (a chest X-ray is < 10 MB; CT slices < 1 MB) and
# images over 64 Mpixel (a decompression bomb; radiographs are at most about 4,300 x 4,300).
MEDIA_MAX_BYTES = 50 * 1024 * 1024
MEDIA_MAX_PIXELS = 64_000_000
# Worker processes that check, hash, thumbnail, convert and write each downloaded image
# (media/workers.py; our setting). The checks hold the GIL like the rest of the crawl, so in a
# thread they share one core with it; in a process they use another (bench/crawl.py). One is
# enough beside a crawl that keeps one core busy; 0 runs them in the reactor's threads as before
# (no process forked: a tiny crawl, a debugger). A store URI (ftp://, s3://) always uses the threads.
MEDIA_PROCESSES = int(os.environ.get("MEDIA_PROCESSES", "1"))
# Any response over 100 MB is not a page or an image of ours (default 1 GB).
DOWNLOAD_MAXSIZE = 100 * 1024 * 1024
# A case page over 10 MB is not a case page (ours: 20-500 KB): refused at download ("too-large"),
# which also bounds the text the parsers' patterns run over (our setting; media keep MEDIA_MAX_BYTES).
PAGE_MAX_BYTES = 10 * 1024 * 1024
# After each crawl, warn of a likely layout change when a field's coverage (or the share of
# pages staged) falls below this fraction of the previous run's.
CRAWL_DROP_WARN_RATIO = 0.5
# The crawl lock (crawl-<spider>.lock): beside the SQLite database by default; set a directory
# shared by the machines running crawls against one server database.
CRAWL_LOCK_DIR = os.environ.get("CRAWL_LOCK_DIR", "")

# --- Releases -------------------------------------------------------------------------------------

# Licenses an image may carry to leave staging in a release (`scrapy export`); the gate refuses any
# other, and any unknown license. Default: every Creative Commons license, Apache 2.0 and CC0
# (schema.REDISTRIBUTABLE_LICENSES). Narrow it with a comma-separated list, e.g.
# `-s EXPORT_LICENSES="CC BY 4.0,CC BY-SA 4.0"` or the environment variable of the same name.
EXPORT_LICENSES = os.environ.get("EXPORT_LICENSES", "")
# Licence of the annotations reviewers make (boxes, masks, severity scores), written with them by a
# release. CC BY-SA 4.0 by default: the published severity scores are CC BY-SA, and rows appended
# to that file must share its licence.
ANNOTATION_LICENSE = os.environ.get("ANNOTATION_LICENSE", "CC BY-SA 4.0")
