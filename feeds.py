"""Feed exporters for ``scrapy crawl ... -O items.jsonl`` (``FEED_EXPORTERS`` in settings.py).

A crawled ``CaseRecord`` carries bytes on its way through the pipelines (images given by a PDF,
thumbnails of stored images) and the pipelines' own state under ``extra["_..."]``. A feed gets the
record as plain data: bytes are left out (the media store has them, named by SHA-256), the stored
images are listed with their SHA-256 and media path, and the rest of the pipelines' state is dropped.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    MarshalItemExporter,
    PickleItemExporter,
    XmlItemExporter,
)

#: Pipeline state a feed keeps, under the name it gets there.
KEPT_STATE = {"_stored_images": "stored_images"}


def plain(value: Any) -> Any:
    """``value`` as JSON-able data: dataclasses and dicts to dicts, sequences to lists, bytes out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key = key if isinstance(key, str) else "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
            if key.startswith("_"):
                if key not in KEPT_STATE:
                    continue
                key = KEPT_STATE[key]
            if isinstance(item, (bytes, bytearray, memoryview)):
                continue
            out[key] = plain(item)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value if not isinstance(v, (bytes, bytearray, memoryview))]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


class _PlainItems:
    def export_item(self, item: Any) -> Any:
        return super().export_item(plain(item))  # type: ignore[misc]


class JsonFeed(_PlainItems, JsonItemExporter):
    pass


class JsonLinesFeed(_PlainItems, JsonLinesItemExporter):
    pass


class CsvFeed(_PlainItems, CsvItemExporter):
    pass


class XmlFeed(_PlainItems, XmlItemExporter):
    pass


class MarshalFeed(_PlainItems, MarshalItemExporter):
    pass


class PickleFeed(_PlainItems, PickleItemExporter):
    pass


FEED_EXPORTERS = {
    "json": "feeds.JsonFeed",
    "jsonlines": "feeds.JsonLinesFeed",
    "jsonl": "feeds.JsonLinesFeed",
    "jl": "feeds.JsonLinesFeed",
    "csv": "feeds.CsvFeed",
    "xml": "feeds.XmlFeed",
    "marshal": "feeds.MarshalFeed",
    "pickle": "feeds.PickleFeed",
}
