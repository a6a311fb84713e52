"""logformatter.ShortLogFormatter: a dropped case of a 5 MB page logs a line of a few hundred characters."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from ingest.records import CaseRecord, FetchedPage, ImageRecord
from logformatter import LOG_TEXT_MAX, ShortLogFormatter


def test_a_dropped_case_is_named_not_printed():
    body = b"<html>" + b"x" * 5_000_000 + b"</html>"
    record = CaseRecord(source="eurorad", source_key="16672", url="https://www.eurorad.org/case/16672",
                        history="h" * 100_000, images=[ImageRecord(source_url="https://x/1.jpg", position=0)],
                        documents=[FetchedPage(url="https://www.eurorad.org/case/16672", status=200, body=body)])
    crawler = get_crawler(settings_dict={"DEFAULT_DROPITEM_LOG_LEVEL": "WARNING"})
    crawler.spider = object.__new__(type("S", (), {"crawler": crawler}))
    result = ShortLogFormatter().dropped(record, DropItem("no-images: " + "y" * 1_000_000), None, crawler.spider)
    line = result["msg"] % result["args"]
    assert len(line) < 3 * LOG_TEXT_MAX
    assert "eurorad 16672 https://www.eurorad.org/case/16672, 1 images" in line
    assert "no-images: yyy" in line and "1,000,011 characters" in line
    assert result["level"] == logging.WARNING
