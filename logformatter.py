"""Log lines about items stay short (``LOG_FORMATTER``).

Scrapy's ``LogFormatter`` prints the whole item with "Dropped:", "Scraped from" and item errors; a
case record carries the raw page bodies it was parsed from, so one hostile page of 50 MB made a
52 MB log line. Here an item is named (source, key, URL, image count) and any text is cut to
``LOG_TEXT_MAX`` characters.
"""

from __future__ import annotations

from typing import Any

from scrapy.logformatter import LogFormatter

#: The longest item or exception text a log line carries.
LOG_TEXT_MAX = 300


def short_text(value: Any, limit: int = LOG_TEXT_MAX) -> str:
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit - 1]}… ({len(text):,} characters)"


def short_item(item: Any) -> str:
    """A case record by what names it; anything else by its first characters."""
    if hasattr(item, "source_key") and hasattr(item, "images"):
        return short_text(f"{type(item).__name__}({item.source} {item.source_key or '?'} {getattr(item, 'url', '')}, "
                          f"{len(item.images or [])} images)")
    return short_text(repr(item))


class ShortLogFormatter(LogFormatter):
    """Scrapy's messages, with the item and the exception cut short."""

    @staticmethod
    def _cut(result: dict) -> dict:
        args = dict(result.get("args") or {})
        if "item" in args:
            args["item"] = short_item(args["item"])
        if "exception" in args:
            args["exception"] = short_text(args["exception"])
        return {**result, "args": args}

    def scraped(self, item, response, spider):
        return self._cut(super().scraped(item, response, spider))

    def dropped(self, item, exception, response, spider):
        return self._cut(super().dropped(item, exception, response, spider))

    def item_error(self, item, exception, response, spider):
        return self._cut(super().item_error(item, exception, response, spider))
