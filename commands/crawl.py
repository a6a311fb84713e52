"""``scrapy crawl SPIDER``: Scrapy's own command, with one clear line and exit code 1 for a spider
name that does not exist (Scrapy prints a KeyError traceback), an argument the spider refuses, or a
staging database that cannot be opened (the pipelines would log a traceback and exit 0).

All are checked in ``process_options``, which Scrapy runs before it makes the crawler process: the
user sees the error alone, not after Scrapy's start-up lines (versions, overridden settings)."""

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.spiderloader import get_spider_loader


class Command(ScrapyCrawl):
    def process_options(self, args, opts) -> None:
        from spiders.base import SpiderArgumentError  # the spiders' modules: only for a crawl

        super().process_options(args, opts)
        if len(args) != 1:
            return  # Scrapy's own usage error
        loader = get_spider_loader(self.settings)
        try:
            spider_class = loader.load(args[0])  # its own module only (spiders/loader.py), not them all
        except KeyError:
            names = sorted(loader.list())
            self._refuse(f"error: no spider {args[0]!r}; spiders: {', '.join(names)} (scrapy crawl SPIDER)")
        try:
            # The names first (a misspelt one would be ignored by Scrapy), then the values, which
            # the spider's constructor checks; it opens nothing (the crawl lock comes with the crawler).
            check_names = getattr(spider_class, "check_argument_names", None)
            if check_names is not None:
                check_names(opts.spargs)
            spider_class(**opts.spargs)
        except SpiderArgumentError as exc:
            self._refuse(f"error: scrapy crawl {args[0]}: bad argument: {exc}")
        from db.session import DatabaseUnavailable, check_database, database_url

        try:
            check_database(database_url(self.settings))
        except DatabaseUnavailable as exc:
            self._refuse(f"error: {exc}")

    @staticmethod
    def _refuse(line: str) -> None:
        print(line, file=sys.stderr)
        raise SystemExit(1)
