"""No spider callback is a generator that returns a value (Scrapy would drop the value).

Scrapy warns of one at every response unless ``WARN_ON_GENERATOR_RETURN_VALUE`` is off, which
settings.py does for speed (its check reads the callback's source again per response): this test
makes the same check once, over every spider of the project."""

from __future__ import annotations

import inspect

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings


def _generators(cls) -> list:
    return [member for _name, member in inspect.getmembers(cls, inspect.isgeneratorfunction)]


def test_no_spider_generator_returns_a_value():
    loader = SpiderLoader.from_settings(get_project_settings())
    checked = 0
    for name in loader.list():
        for function in _generators(loader.load(name)):
            assert not is_generator_with_return_value(function), f"{name}: {function.__qualname__} returns a value"
            checked += 1
    assert checked >= 5


def test_the_check_finds_a_generator_returning_a_value():
    class Spider:
        def parse(self, response):
            yield response
            return "lost"

    assert [f.__name__ for f in _generators(Spider)] == ["parse"]
    assert is_generator_with_return_value(Spider.parse)
