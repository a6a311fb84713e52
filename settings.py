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

# --- Crawling manners (DESIGN.md, "Crawling manners") ---------------------------------------------

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

# Callbacks yield few items each; fewer concurrent item tasks is faster (default 100), see style.md.
CONCURRENT_ITEMS = 16

# Cache HTTP during development only (default off): `-s HTTPCACHE_ENABLED=1`.
HTTPCACHE_DIR = str(PROJECT_ROOT / "data" / "httpcache")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")  # default DEBUG: a scheduled crawl's log stays readable

# Avoid the deprecated default (and its warning): the modern request fingerprinter.
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"  # default None would escape non-ASCII (Italian) text in feeds
