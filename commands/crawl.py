"""``scrapy crawl SPIDER``: Scrapy's own command, with one clear line for a spider name that does
not exist (Scrapy prints a KeyError traceback)."""

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            names = sorted(self.crawler_process.spider_loader.list())
            if args[0] not in names:
                print(f"error: no spider {args[0]!r}; spiders: {', '.join(names)} (scrapy crawl SPIDER)", file=sys.stderr)
                self.exitcode = 1
                return
        super().run(args, opts)
