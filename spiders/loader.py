"""``SPIDER_LOADER_CLASS``: Scrapy's spider loader, which imports a spider's own module only.

Scrapy's ``SpiderLoader`` imports every module of ``SPIDER_MODULES`` when it is made, so a
Radiopaedia crawl also imported the publications spider (pdfplumber, the papers' modules) and the
discovery spider: start-up time on the crawl's core for spiders it does not run (docs/figures-history.md:
"Crawl"). Scrapy 2.19 has no lazy loader of its own. Our spiders live in ``spiders/<name>.py``, so
``load(name)`` imports that module first, and only when it holds no spider of that name does it load
them all as Scrapy does; ``list()`` and ``find_by_request()`` load them all (``scrapy list``,
``scrapy crawl`` of a misspelt name). The spider class is the one Scrapy's loader gives
(tests/test_spider_loader.py).
"""

from __future__ import annotations

import importlib
from collections import defaultdict

from scrapy.spiderloader import SpiderLoader


class OwnModuleSpiderLoader(SpiderLoader):
    """``SpiderLoader`` that imports ``<SPIDER_MODULES package>.<name>`` for ``load(name)`` first."""

    def __init__(self, settings):
        # Scrapy's __init__ but the full load, left to the first list(), or load() of a name that
        # has no module of its own.
        self.spider_modules: list[str] = settings.getlist("SPIDER_MODULES")
        self.warn_only: bool = settings.getbool("SPIDER_LOADER_WARN_ONLY")
        self._spiders = {}
        self._found = defaultdict(list)
        self._all_loaded = False

    def _load_all_spiders(self) -> None:
        if self._all_loaded:
            return
        # Anything a load() registered is registered again: no duplicate warning from it.
        self._spiders, self._found = {}, defaultdict(list)
        super()._load_all_spiders()
        self._all_loaded = True

    def _load_own_module(self, spider_name: str) -> None:
        for package in self.spider_modules:
            name = f"{package}.{spider_name}"
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue  # no module of that name: the full load decides
                raise
            self._load_spiders(module)

    def load(self, spider_name: str):
        if not self._all_loaded and spider_name.isidentifier() and spider_name not in self._spiders:
            self._load_own_module(spider_name)
        if spider_name not in self._spiders:
            self._load_all_spiders()
        return super().load(spider_name)

    def list(self) -> list[str]:
        self._load_all_spiders()
        return super().list()

    def find_by_request(self, request) -> list[str]:
        self._load_all_spiders()
        return super().find_by_request(request)
