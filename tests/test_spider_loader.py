"""spiders/loader.py: ``OwnModuleSpiderLoader`` gives the spider classes Scrapy's loader gives,
imports only the crawled spider's own module for ``load``, and every module for ``list``."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest
from scrapy.spiderloader import SpiderLoader, get_spider_loader
from scrapy.utils.project import get_project_settings

from spiders.loader import OwnModuleSpiderLoader
from tests.conftest import ROOT


def test_the_project_uses_it_and_it_gives_what_scrapys_loader_gives():
    settings = get_project_settings()
    assert isinstance(get_spider_loader(settings), OwnModuleSpiderLoader)
    scrapys = SpiderLoader.from_settings(settings)
    names = scrapys.list()
    assert {"radiopaedia", "eurorad", "sirm", "publications", "discover"} <= set(names)
    for name in names:  # one fresh loader per name: the lazy path each time
        assert OwnModuleSpiderLoader.from_settings(settings).load(name) is scrapys.load(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a spider loaded by load() then by list(): no duplicate warning
        loader = OwnModuleSpiderLoader.from_settings(settings)
        loader.load("radiopaedia")
        assert sorted(loader.list()) == sorted(names)


def test_a_name_without_a_module_of_its_own_is_looked_for_in_every_module():
    loader = OwnModuleSpiderLoader.from_settings(get_project_settings())
    with pytest.raises(KeyError, match="no-such-spider"):
        loader.load("no-such-spider")
    assert "publications" in loader.list()


def test_a_radiopaedia_crawl_does_not_import_the_other_spiders():
    code = ("import json, sys; from scrapy.spiderloader import get_spider_loader; "
            "from scrapy.utils.project import get_project_settings; "
            "get_spider_loader(get_project_settings()).load('radiopaedia'); "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('spiders.') or m == 'pdfplumber')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert "spiders.radiopaedia" in loaded
    assert not {"spiders.publications", "spiders.discover", "spiders.eurorad", "pdfplumber"} & set(loaded)
