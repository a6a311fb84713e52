"""Feed exporters for ``scrapy crawl ... -O items.jsonl`` (``FEED_EXPORTERS`` in settings.py).

A crawled ``CaseRecord`` carries bytes and the pipelines' work on its way to the database (the
fields marked ``CRAWL_ONLY`` in ingest/records.py: pages read, images given by a PDF, thumbnails).
A feed gets the record as plain data: bytes and crawl-only fields are left out (the media store has
the bytes, named by SHA-256), except the stored images, listed under ``extra.stored_images`` with
their SHA-256 and media path.
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


def _fields(record: Any) -> dict[str, Any]:
    """A dataclass's fields but the crawl-only ones; a case's stored images go into its ``extra``
    (before the media checks' ``rejected_images``, where the pipelines have always put them)."""
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if not f.metadata.get("crawl_only")}
    stored = getattr(record, "stored_images", None)
    if stored and isinstance(fields.get("extra"), dict):
        extra = {k: v for k, v in fields["extra"].items() if k != "rejected_images"}
        extra["stored_images"] = stored
        if "rejected_images" in fields["extra"]:
            extra["rejected_images"] = fields["extra"]["rejected_images"]
        fields["extra"] = extra
    return fields


def plain(value: Any) -> Any:
    """``value`` as JSON-able data: dataclasses and dicts to dicts, sequences to lists, bytes out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = _fields(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key = key if isinstance(key, str) else "/".join(map(str, key)) if isinstance(key, tuple) else str(key)
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
